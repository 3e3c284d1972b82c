-- 001 foundation: organisations, roles, units, users, the audit trail and stored replies.

CREATE TABLE organisations (
    id          bigserial PRIMARY KEY,
    code        text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9][A-Z0-9_-]{0,31}$'),
    name        text NOT NULL,
    disabled    boolean NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Roles of LKIP.md. supervisor is the escalation chain; supervisor_same_unit means "the user of
-- the supervisor role in the same unit" (operator_unit -> kepala_bidang of that unit).
CREATE TABLE roles (
    code                  text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]{0,31}$'),
    name                  text NOT NULL,
    needs_unit            boolean NOT NULL DEFAULT false,
    supervisor            text REFERENCES roles(code),
    supervisor_same_unit  boolean NOT NULL DEFAULT false
);

CREATE TABLE units (
    id          bigserial PRIMARY KEY,
    org_id      bigint NOT NULL REFERENCES organisations(id),
    code        text NOT NULL CHECK (code ~ '^[A-Z0-9][A-Z0-9_-]{0,31}$'),
    name        text NOT NULL,
    disabled    boolean NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (org_id, code),
    UNIQUE (id, org_id)
);

CREATE TABLE users (
    id          bigserial PRIMARY KEY,
    org_id      bigint NOT NULL REFERENCES organisations(id),
    name        text NOT NULL UNIQUE CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,63}$'),
    full_name   text NOT NULL,
    role        text NOT NULL REFERENCES roles(code),
    unit_id     bigint,
    public_key  text UNIQUE CHECK (length(public_key) = 40),
    disabled    boolean NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT now(),
    -- a user's unit belongs to the user's organisation
    FOREIGN KEY (unit_id, org_id) REFERENCES units(id, org_id)
);
CREATE INDEX users_org_role ON users (org_id, role) WHERE NOT disabled;

-- Append-only trail of every command, accepted or refused.
CREATE TABLE audit (
    id           bigserial PRIMARY KEY,
    at           timestamptz NOT NULL DEFAULT now(),
    user_id      bigint REFERENCES users(id),
    command      text NOT NULL,
    status       integer NOT NULL,
    code         text NOT NULL,
    instance_id  bigint,
    step_no      integer,
    detail       text NOT NULL DEFAULT ''
);
CREATE INDEX audit_instance ON audit (instance_id, id) WHERE instance_id IS NOT NULL;

CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit is append-only';
END $$;
CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();

-- Replies of accepted changes, by (user, request_id): a retried request gets the stored reply.
CREATE TABLE requests (
    user_id     bigint NOT NULL REFERENCES users(id),
    request_id  numeric(20) NOT NULL,
    command     text NOT NULL,
    reply       bytea NOT NULL,
    at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, request_id)
);
CREATE INDEX requests_at ON requests (at);

INSERT INTO roles (code, name, needs_unit) VALUES
    ('admin', 'Administrator', false),
    ('kepala_dinas', 'Kepala Dinas', false),
    ('sekretaris', 'Sekretaris', false),
    ('kasubag_perencanaan', 'Kasubag Perencanaan', false),
    ('staf', 'Staf / Jabatan Fungsional Umum', false),
    ('kepala_bidang', 'Kepala Bidang', true),
    ('operator_unit', 'Operator Unit', true);
UPDATE roles SET supervisor = 'kasubag_perencanaan' WHERE code = 'staf';
UPDATE roles SET supervisor = 'sekretaris' WHERE code IN ('kasubag_perencanaan', 'kepala_bidang');
UPDATE roles SET supervisor = 'kepala_dinas' WHERE code = 'sekretaris';
UPDATE roles SET supervisor = 'kepala_bidang', supervisor_same_unit = true
    WHERE code = 'operator_unit';

INSERT INTO organisations (code, name)
    VALUES ('DKIP', 'Dinas Komunikasi, Informatika dan Persandian Kota Gorontalo');
INSERT INTO units (org_id, code, name)
SELECT o.id, u.code, u.name
FROM organisations o,
     (VALUES ('SEKRETARIAT', 'Sekretariat'),
             ('IKP', 'Bidang Informasi dan Komunikasi Publik'),
             ('APTIKA', 'Bidang Aplikasi Informatika'),
             ('PERSANDIAN', 'Bidang Persandian dan Keamanan Informasi'),
             ('STATISTIK', 'Bidang Statistik')) AS u(code, name)
WHERE o.code = 'DKIP';
