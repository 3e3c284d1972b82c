-- 012 acknowledged positions apart from the event sequence. Numbering a recipient's events
-- locks its recipient_seq row until the change's transaction commits; an acknowledgement
-- written to the same row waited behind every such transaction (the database loop, which
-- delivers events, stood still meanwhile), and two statements locking the same rows in
-- different orders could deadlock. Acknowledgements now touch only this table.
CREATE TABLE recipient_acks (
    user_id    bigint PRIMARY KEY REFERENCES users(id),
    acked_seq  bigint NOT NULL DEFAULT 0   -- the newest event the recipient confirmed holding
);
INSERT INTO recipient_acks (user_id, acked_seq)
    SELECT user_id, acked_seq FROM recipient_seq WHERE acked_seq > 0;
ALTER TABLE recipient_seq DROP COLUMN acked_seq;
