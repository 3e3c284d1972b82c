-- 004 penyusunan: the Perjanjian Kinerja (with its Renstra) as data, versioned per organisation
-- and year; the XLSX format each unit fills, stored with its instance; indicator codes and the
-- units' explanations on submitted data.

-- A PK import; a re-import of the same year is the next version. Instances keep theirs.
CREATE TABLE pk_versions (
    id             bigserial PRIMARY KEY,
    org_id         bigint NOT NULL REFERENCES organisations(id),
    year           integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    version        integer NOT NULL CHECK (version >= 1),
    renstra_first  integer,           -- first and final year with a Renstra target
    renstra_last   integer,
    baseline_year  integer,           -- the year of the baseline column
    file_name      text NOT NULL,
    sha256         text NOT NULL,
    content        bytea NOT NULL,    -- the file as imported
    indicators     integer NOT NULL,
    imported_by    bigint NOT NULL REFERENCES users(id),
    imported_at    timestamptz NOT NULL,
    UNIQUE (org_id, year, version)
);

CREATE TABLE pk_indicators (
    id           bigserial PRIMARY KEY,
    pk_id        bigint NOT NULL REFERENCES pk_versions(id),
    seq          integer NOT NULL,    -- order in the file
    code         text NOT NULL,
    unit_id      bigint NOT NULL REFERENCES units(id),
    sasaran      text NOT NULL,
    indikator    text NOT NULL,
    satuan       text NOT NULL,
    direction    text NOT NULL CHECK (direction IN ('naik', 'turun')),
    formula      text NOT NULL CHECK (formula IN ('2T-R', 'T/R')),
    target_lo    double precision NOT NULL,
    target_hi    double precision NOT NULL,
    target_text  text NOT NULL,
    UNIQUE (pk_id, seq),
    UNIQUE (pk_id, code)
);

-- The Renstra's target and the recorded realisasi of each year of an indicator.
CREATE TABLE pk_years (
    indicator_id   bigint NOT NULL REFERENCES pk_indicators(id),
    year           integer NOT NULL,
    target_lo      double precision,  -- NULL: no target that year
    target_hi      double precision,
    target_text    text NOT NULL DEFAULT '',
    realisasi      double precision,  -- NULL: none recorded
    PRIMARY KEY (indicator_id, year)
);

-- The PK version an instance works with, fixed when it starts (or when its formats are first
-- made, for an instance started before its year had a PK).
ALTER TABLE instances ADD COLUMN pk_id bigint REFERENCES pk_versions(id);

-- One unit's XLSX format of an instance; made again, it is the next version.
CREATE TABLE unit_formats (
    id           bigserial PRIMARY KEY,
    instance_id  bigint NOT NULL REFERENCES instances(id),
    unit_id      bigint NOT NULL REFERENCES units(id),
    version      integer NOT NULL,
    format_id    text NOT NULL UNIQUE,   -- written into the file's hidden sheet
    pk_id        bigint NOT NULL REFERENCES pk_versions(id),
    file_name    text NOT NULL,
    size         bigint NOT NULL,
    sha256       text NOT NULL,
    content      bytea NOT NULL,
    indicators   integer NOT NULL,
    made_by      bigint NOT NULL REFERENCES users(id),
    made_at      timestamptz NOT NULL,
    UNIQUE (instance_id, unit_id, version)
);

ALTER TABLE unit_data ADD COLUMN format_id text;  -- an XLSX submission: the format it filled

ALTER TABLE indicators
    ADD COLUMN code text NOT NULL DEFAULT '',     -- the PK code the row matched, '' none
    ADD COLUMN penjelasan text NOT NULL DEFAULT '',
    ADD COLUMN faktor_pendukung text NOT NULL DEFAULT '',
    ADD COLUMN faktor_penghambat text NOT NULL DEFAULT '',
    ADD COLUMN upaya text NOT NULL DEFAULT '';
