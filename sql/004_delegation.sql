-- 004 delegation: an official acting for another (Plh./Plt.) during a period, and the capacity in
-- which every action was taken, recorded wherever the action is.

-- A delegation: to_user acts for from_user from first_day to last_day (inclusive, dates of the
-- organisation's time zone), in the capacity written ("Plh. Kepala Dinas"). Removing one keeps
-- the row (removed_at) so the trail of who could act when stays.
CREATE TABLE delegations (
    id          bigserial PRIMARY KEY,
    org_id      bigint NOT NULL REFERENCES organisations(id),
    from_user   bigint NOT NULL REFERENCES users(id),
    to_user     bigint NOT NULL REFERENCES users(id),
    first_day   date NOT NULL,
    last_day    date NOT NULL,
    capacity    text NOT NULL CHECK (capacity <> ''),
    created_by  bigint REFERENCES users(id),
    created_at  timestamptz NOT NULL,
    removed_by  bigint REFERENCES users(id),
    removed_at  timestamptz,
    CHECK (first_day <= last_day),
    CHECK (from_user <> to_user)
);
CREATE INDEX delegations_to ON delegations (to_user) WHERE removed_at IS NULL;
CREATE INDEX delegations_from ON delegations (from_user) WHERE removed_at IS NULL;

-- The capacity an action was taken in: "" in the actor's own role.
ALTER TABLE step_runs ADD COLUMN finished_as text NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN uploaded_as text NOT NULL DEFAULT '';
ALTER TABLE instances ADD COLUMN started_as text NOT NULL DEFAULT '';
ALTER TABLE audit ADD COLUMN acting_as text NOT NULL DEFAULT '';
-- An event delivered to a delegate: the capacity it reaches them in; NULL for their own.
ALTER TABLE outbox ADD COLUMN capacity text;
