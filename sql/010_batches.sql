-- 009 batches: the set path of a batch (daemon/stepset.c) stores the replies of all its accepted
-- requests in one INSERT ... ON CONFLICT DO NOTHING and commits in the same round trip. When a
-- (user, request_id) was stored already (a copy of a request committed by another daemon
-- meanwhile), fewer rows are inserted than expected: this fails the statement with its own
-- SQLSTATE, so the COMMIT sent behind it does not commit, and the daemon runs the batch again
-- the ordinary way (which answers the copy with the stored reply).
CREATE FUNCTION batch_stored_all(got bigint, expected bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    IF got <> expected THEN
        RAISE EXCEPTION 'a request_id of the batch has a stored reply already'
            USING ERRCODE = 'LKB01';
    END IF;
    RETURN got;
END $$;
