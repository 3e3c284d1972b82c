-- One lkip step completion's writes in one transaction: close the run, open the next, move the
-- instance, the audit row, the stored reply, and one outbox row for each of two recipients (the
-- watcher and the next actor), each with its per-recipient sequence.
\set i random(1, 10000)
\set watcher random(1, 100)
\set actor random(101, 200)
\set rid random(1, 9000000000000000000)
BEGIN;
UPDATE step_runs SET state = 'done', outcome = 'done', finished_by = :watcher, finished_at = now() WHERE instance_id = :i AND state = 'active';
INSERT INTO step_runs (instance_id, step_no, state, assigned_at) VALUES (:i, 2, 'active', now());
UPDATE instances SET current_step = current_step + 1 WHERE id = :i;
INSERT INTO audit (user_id, command, status, code, instance_id, step_no, detail) VALUES (:watcher, 'step', 200, 'ok', :i, 2, 'done step 2 of LKIP/2026: format disiapkan');
INSERT INTO requests (user_id, request_id, command, reply) VALUES (:watcher, :rid, 'step', decode(repeat('ab', 160), 'hex'));
WITH r AS (UPDATE recipient_seq SET last_seq = last_seq + 1 WHERE user_id = :watcher RETURNING user_id, last_seq) INSERT INTO outbox (user_id, seq, kind, instance_id, payload) SELECT user_id, last_seq, 'step_done', :i, decode(repeat('cd', 120), 'hex') FROM r;
WITH r AS (UPDATE recipient_seq SET last_seq = last_seq + 1 WHERE user_id = :actor RETURNING user_id, last_seq) INSERT INTO outbox (user_id, seq, kind, instance_id, payload) SELECT user_id, last_seq, 'step_assigned', :i, decode(repeat('ef', 120), 'hex') FROM r;
END;
