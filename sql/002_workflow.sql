-- 002 workflow: SOP definitions, instances, step runs, unit data, documents, letter numbers,
-- and the outbox of events per recipient.

ALTER TABLE organisations
    ADD COLUMN letter_template text NOT NULL
        DEFAULT '{kka}/{org}/{seq:03}/{month_roman}/{year}',
    ADD COLUMN letter_kka text NOT NULL DEFAULT '000',
    ADD COLUMN time_zone text NOT NULL DEFAULT 'Asia/Makassar';
UPDATE organisations SET letter_kka = '050' WHERE code = 'DKIP';

-- A definition file as loaded; a new version whenever the text changes. Instances keep theirs.
CREATE TABLE sop_definitions (
    id          bigserial PRIMARY KEY,
    code        text NOT NULL,
    version     integer NOT NULL,
    number      text NOT NULL,
    title       text NOT NULL,
    steps       integer NOT NULL,
    source_name text NOT NULL,
    source      text NOT NULL,
    sha256      text NOT NULL,
    loaded_by   bigint REFERENCES users(id),
    loaded_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (code, version)
);

CREATE TABLE instances (
    id              bigserial PRIMARY KEY,
    org_id          bigint NOT NULL REFERENCES organisations(id),
    def_id          bigint NOT NULL REFERENCES sop_definitions(id),
    sop_code        text NOT NULL,
    period          text NOT NULL,
    state           text NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'done')),
    current_step    integer,              -- the open step; NULL once done
    started_by      bigint NOT NULL REFERENCES users(id),
    started_at      timestamptz NOT NULL,
    finished_at     timestamptz,
    letter_number   text,
    letter_year     integer,
    letter_seq      integer,
    archive_doc_id  bigint,
    archive_sha256  text,
    archive_ref     text,
    archived_by     bigint REFERENCES users(id)
);
-- one instance per organisation, SOP and reporting period
CREATE UNIQUE INDEX instances_period ON instances (org_id, sop_code, period);
CREATE INDEX instances_active ON instances (org_id) WHERE state = 'active';

-- Every run of a step; a return opens a new run (round) of the target step.
CREATE TABLE step_runs (
    id           bigserial PRIMARY KEY,
    instance_id  bigint NOT NULL REFERENCES instances(id),
    step_no      integer NOT NULL,
    round        integer NOT NULL,
    state        text NOT NULL CHECK (state IN ('active', 'done', 'returned')),
    assigned_at  timestamptz NOT NULL,
    due_at       timestamptz,
    finished_at  timestamptz,
    finished_by  bigint REFERENCES users(id),
    outcome      text CHECK (outcome IN ('done', 'approved', 'returned', 'closed')),
    note         text NOT NULL DEFAULT '',
    opened_by_return text NOT NULL DEFAULT '',  -- the reason, when a return opened this run
    UNIQUE (instance_id, step_no, round)
);
CREATE UNIQUE INDEX step_runs_one_active ON step_runs (instance_id) WHERE state = 'active';

-- One data task per unit, opened by the fan-out step.
CREATE TABLE unit_tasks (
    id            bigserial PRIMARY KEY,
    instance_id   bigint NOT NULL REFERENCES instances(id),
    unit_id       bigint NOT NULL REFERENCES units(id),
    unit_role     text NOT NULL REFERENCES roles(code),
    state         text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'submitted', 'missing')),
    assigned_at   timestamptz NOT NULL,
    due_at        timestamptz,
    submitted_at  timestamptz,
    submitted_by  bigint REFERENCES users(id),
    version       integer NOT NULL DEFAULT 0,   -- data versions submitted so far
    UNIQUE (instance_id, unit_id)
);
CREATE INDEX unit_tasks_open ON unit_tasks (unit_id) WHERE state = 'open';

-- Each submission of a unit's data; the newest is current, earlier ones are kept.
CREATE TABLE unit_data (
    id            bigserial PRIMARY KEY,
    task_id       bigint NOT NULL REFERENCES unit_tasks(id),
    version       integer NOT NULL,
    file_name     text NOT NULL,
    file_sha256   text NOT NULL,
    content       bytea NOT NULL,
    rows          integer NOT NULL,
    submitted_by  bigint NOT NULL REFERENCES users(id),
    submitted_at  timestamptz NOT NULL,
    UNIQUE (task_id, version)
);

CREATE TABLE indicators (
    id                  bigserial PRIMARY KEY,
    data_id             bigint NOT NULL REFERENCES unit_data(id),
    line                integer NOT NULL,
    sasaran             text NOT NULL,
    indikator           text NOT NULL,
    satuan              text NOT NULL,
    direction           text NOT NULL CHECK (direction IN ('naik', 'turun')),
    formula             text NOT NULL CHECK (formula IN ('2T-R', 'T/R')),
    target_lo           double precision NOT NULL,
    target_hi           double precision NOT NULL,
    realisasi           double precision NOT NULL,
    pagu                double precision,
    realisasi_anggaran  double precision,
    target_text         text NOT NULL,
    realisasi_text      text NOT NULL
);
CREATE INDEX indicators_data ON indicators (data_id);

-- Document versions (draft, LKIP) of an instance, numbered per instance.
CREATE TABLE documents (
    id           bigserial PRIMARY KEY,
    instance_id  bigint NOT NULL REFERENCES instances(id),
    version      integer NOT NULL,
    step_no      integer NOT NULL,
    round        integer NOT NULL,
    file_name    text NOT NULL,
    size         bigint NOT NULL,
    sha256       text NOT NULL,
    content      bytea NOT NULL,
    uploaded_by  bigint NOT NULL REFERENCES users(id),
    uploaded_at  timestamptz NOT NULL,
    UNIQUE (instance_id, version)
);

-- The letter number sequence of an organisation per calendar year: the row lock serialises
-- allocations, and a rolled-back transaction gives its number back, so there are no gaps.
CREATE TABLE letter_sequences (
    org_id    bigint NOT NULL REFERENCES organisations(id),
    year      integer NOT NULL,
    last_seq  integer NOT NULL,
    PRIMARY KEY (org_id, year)
);

-- Per-recipient event sequence: last_seq is the newest event queued, acked_seq the newest the
-- recipient confirmed holding.
CREATE TABLE recipient_seq (
    user_id    bigint PRIMARY KEY REFERENCES users(id),
    last_seq   bigint NOT NULL DEFAULT 0,
    acked_seq  bigint NOT NULL DEFAULT 0
);
INSERT INTO recipient_seq (user_id) SELECT id FROM users;

CREATE FUNCTION users_recipient_seq() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO recipient_seq (user_id) VALUES (NEW.id);
    RETURN NEW;
END $$;
CREATE TRIGGER users_recipient_seq AFTER INSERT ON users
    FOR EACH ROW EXECUTE FUNCTION users_recipient_seq();

-- Events, one row per recipient, written in the transaction of the change that caused them.
-- payload is the packed lkip.Event without its seq.
CREATE TABLE outbox (
    user_id      bigint NOT NULL REFERENCES users(id),
    seq          bigint NOT NULL,
    kind         text NOT NULL,
    instance_id  bigint,
    created_at   timestamptz NOT NULL DEFAULT now(),
    payload      bytea NOT NULL,
    PRIMARY KEY (user_id, seq)
);
CREATE INDEX outbox_created ON outbox (created_at);
