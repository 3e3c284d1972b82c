-- pgbench side of make bench: tables with the shape of the ones one lkip step completion
-- writes (step_runs, instances, audit, requests, recipient_seq, outbox), and rows to update.
CREATE TABLE instances (id bigint PRIMARY KEY, current_step integer NOT NULL);
CREATE TABLE step_runs (
    id bigserial PRIMARY KEY, instance_id bigint NOT NULL, step_no integer NOT NULL,
    state text NOT NULL, assigned_at timestamptz NOT NULL, finished_at timestamptz,
    finished_by bigint, outcome text, note text NOT NULL DEFAULT '');
CREATE INDEX step_runs_instance ON step_runs (instance_id);
CREATE TABLE audit (
    id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), user_id bigint,
    command text NOT NULL, status integer NOT NULL, code text NOT NULL, instance_id bigint,
    step_no integer, detail text NOT NULL DEFAULT '');
CREATE TABLE requests (
    user_id bigint NOT NULL, request_id numeric(20) NOT NULL, command text NOT NULL,
    reply bytea NOT NULL, at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, request_id));
CREATE TABLE recipient_seq (user_id bigint PRIMARY KEY, last_seq bigint NOT NULL DEFAULT 0);
CREATE TABLE outbox (
    user_id bigint NOT NULL, seq bigint NOT NULL, kind text NOT NULL, instance_id bigint,
    created_at timestamptz NOT NULL DEFAULT now(), payload bytea NOT NULL,
    PRIMARY KEY (user_id, seq));
INSERT INTO instances SELECT g, 1 FROM generate_series(1, 10000) g;
INSERT INTO step_runs (instance_id, step_no, state, assigned_at)
    SELECT g, 1, 'active', now() FROM generate_series(1, 10000) g;
INSERT INTO recipient_seq SELECT g FROM generate_series(1, 200) g;
