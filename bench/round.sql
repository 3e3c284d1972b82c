-- One whole LKIP round as lkip-bench's drivers run it, written the way lkipd writes it: one
-- transaction per request (17), on lkip's own tables (bench/round-setup.sql): every step run
-- opened with its reminder timer, every instance change, the audit row and stored reply of each
-- request, one outbox row per event and recipient (47 a round; the recipients' sequence rows
-- locked in user order, as lkipd does), one NOTIFY per transaction; the units' tasks and timers,
-- data and indicator rows; two 2 kB documents; a letter number. The rows added to each table are
-- lkipd's own for the same round (lkip-bench --compare-round; test_bench_round keeps it so).
-- Sizes as measured in a bench run: outbox payload 177 bytes, stored reply 271, audit detail 49
-- characters, a unit's data file 134 bytes. The reads lkipd does before it writes are not here.
\set k random(1, 4)
SELECT org_id AS org, user0 AS kadis, user0 + 1 AS sek, user0 + 2 AS kas, user0 + 3 AS staf,
       user0 + 4 AS op0, unit0, def_id FROM round_ids WHERE k = :k \gset
\set rid random(1, 1000000000000000000)
\set period random(1, 1000000000000000000)
-- 1. start (kepala dinas): the instance, step 1 opened and closed by the order, step 2 opened
BEGIN;
INSERT INTO instances (org_id, def_id, sop_code, period, started_by, started_at, started_as)
    VALUES (:org, :def_id, 'LKIP', 'p' || :period::text, :kadis, now(), '') RETURNING id AS i \gset
INSERT INTO step_runs (instance_id, step_no, round, state, assigned_at, due_at)
    VALUES (:i, 1, 1, 'active', now(), now() + interval '1 day') RETURNING id AS run \gset
INSERT INTO timers (fire_at, kind, instance_id, step_run_id)
    VALUES (now() + interval '1 day', 'reminder', :i, :run);
UPDATE step_runs
    SET state = 'done', outcome = 'done', finished_by = :kadis, finished_at = now(), note = 'Susun LKIP'
    WHERE id = :run;
INSERT INTO step_runs (instance_id, step_no, round, state, assigned_at, due_at)
    VALUES (:i, 2, 1, 'active', now(), now() + interval '3 days') RETURNING id AS run \gset
INSERT INTO timers (fire_at, kind, instance_id, step_run_id)
    VALUES (now() + interval '2 days', 'reminder', :i, :run);
UPDATE instances SET current_step = 2 WHERE id = :i;
INSERT INTO audit (user_id, command, status, code, instance_id, step_no, detail)
    VALUES (:kadis, 'start', 201, 'ok', :i, 1, repeat('s', 49));
INSERT INTO requests (user_id, request_id, command, reply)
    VALUES (:kadis, :rid::numeric + 1, 'start', decode(repeat('ab', 271), 'hex'));
WITH r AS (UPDATE recipient_seq
    SET last_seq = last_seq + 1 WHERE user_id = :sek
    RETURNING user_id, last_seq)
    INSERT INTO outbox (user_id, seq, kind, instance_id, payload)
    SELECT user_id, last_seq, 'step_done', :i, decode(repeat('cd', 177), 'hex')
    FROM r;
WITH r AS (UPDATE recipient_seq
    SET last_seq = last_seq + 1 WHERE user_id = :kas
    RETURNING user_id, last_seq)
    INSERT INTO outbox (user_id, seq, kind, instance_id, payload)
    SELECT user_id, last_seq, 'step_assigned', :i, decode(repeat('cd', 177), 'hex')
    FROM r;
SELECT pg_notify('lkip_events', 'bench|' || :sek::text || ',' || :kas::text);
END;
-- 2. step 2 (kas): format disiapkan
BEGIN;
UPDATE step_runs
    SET state = 'done', outcome = 'done', finished_by = :kas, finished_at = now()
    WHERE instance_id = :i AND state = 'active';
INSERT INTO step_runs (instance_id, step_no, round, state, assigned_at, due_at)
    VALUES (:i, 3, 1, 'active', now(), now() + interval '3 days')
    RETURNING id AS run \gset
INSERT INTO timers (fire_at, kind, instance_id, step_run_id)
    VALUES (now() + interval '2 days', 'reminder', :i, :run);
UPDATE instances SET current_step = 3 WHERE id = :i;
INSERT INTO audit (user_id, command, status, code, instance_id, step_no, detail)
    VALUES (:kas, 'step', 200, 'ok', :i, 2, repeat('s', 49));
INSERT INTO requests (user_id, request_id, command, reply)
    VALUES (:kas, :rid::numeric + 2, 'step', decode(repeat('ab', 271), 'hex'));
WITH r AS (UPDATE recipient_seq
    SET last_seq = last_seq + 2 WHERE user_id = :sek
    RETURNING user_id, last_seq)
    INSERT INTO outbox (user_id, seq, kind, instance_id, payload)
    SELECT user_id, last_seq - 2 + x.n, x.kind, :i, decode(repeat('cd', 177), 'hex')
    FROM r, unnest(ARRAY['step_done', 'instance_done']) WITH ORDINALITY AS x(kind, n);
WITH r AS (UPDATE recipient_seq
    SET last_seq = last_seq + 1 WHERE user_id = :kas
    RETURNING user_id, last_seq)
    INSERT INTO outbox (user_id, seq, kind, instance_id, payload)
    SELECT user_id, last_seq, 'step_assigned', :i, decode(repeat('cd', 177), 'hex')
    FROM r;
SELECT pg_notify('lkip_events', 'bench|' || :sek::text || ',' || :kas::text);
END;
-- 3. step 3 (kas): format dikirim ke bidang
BEGIN;
UPDATE step_runs
    SET state = 'done', outcome = 'done', finished_by = :kas, finished_at = now()
    WHERE instance_id = :i AND state = 'active';
INSERT INTO step_runs (instance_id, step_no, round, state, assigned_at, due_at)
    VALUES (:i, 4, 1, 'active', now(), now() + interval '5 days')
    RETURNING id AS run \gset
INSERT INTO timers (fire_at, kind, instance_id, step_run_id)
    VALUES (now() + interval '4 days', 'reminder', :i, :run);
UPDATE instances SET current_step = 4 WHERE id = :i;
WITH t AS (INSERT INTO unit_tasks (instance_id, unit_id, unit_role, assigned_at, due_at)
    SELECT :i, id, 'operator_unit', now(), now() + interval '5 days' FROM units WHERE org_id = :org
    RETURNING id)
    INSERT INTO timers (fire_at, kind, instance_id, unit_task_id)
    SELECT now() + interval '4 days', 'reminder', :i, id FROM t;
INSERT INTO audit (user_id, command, status, code, instance_id, step_no, detail)
    VALUES (:kas, 'step', 200, 'ok', :i, 3, repeat('s', 49));
INSERT INTO requests (user_id, request_id, command, reply)
    VALUES (:kas, :rid::numeric + 3, 'step', decode(repeat('ab', 271), 'hex'));
WITH r AS (UPDATE recipient_seq
    SET last_seq = last_seq + 2 WHERE user_id = :sek
    RETURNING user_id, last_seq)
    INSERT INTO outbox (user_id, seq, kind, instance_id, payload)
    SELECT user_id, last_seq - 2 + x.n, x.kind, :i, decode(repeat('cd', 177), 'hex')
    FROM r, unnest(ARRAY['step_done', 'instance_done']) WITH ORDINALITY AS x(kind, n);
WITH r AS (UPDATE recipient_seq
    SET last_seq = last_seq + 1 WHERE user_id = :kas
    RETURNING user_id, last_seq)
    INSERT INTO outbox (user_id, seq, kind, instance_id, payload)
    SELECT user_id, last_seq, 'step_assigned', :i, decode(repeat('cd', 177), 'hex')
    FROM r;
WITH r AS (UPDATE recipient_seq
    SET last_seq = last_seq + 1 WHERE user_id BETWEEN :op0 AND :op0 + 4
    RETURNING user_id, last_seq)
    INSERT INTO outbox (user_id, seq, kind, instance_id, payload)
    SELECT user_id, last_seq, 'unit_task_assigned', :i, decode(repeat('cd', 177), 'hex')
    FROM r;
SELECT pg_notify('lkip_events', 'bench|' || :sek::text || ',' || :kas::text || ',' || :op0::text || ','
    || (:op0 + 1)::text || ',' || (:op0 + 2)::text || ',' || (:op0 + 3)::text || ',' || (:op0 + 4)::text);
END;
-- 4. unit 1 sends its data
BEGIN;
UPDATE unit_tasks
    SET version = 1, state = 'submitted', submitted_by = :op0, submitted_at = now()
    WHERE instance_id = :i AND unit_id = :unit0
    RETURNING id AS task \gset
INSERT INTO unit_data (task_id, version, file_name, file_sha256, content, rows, submitted_by,
                       submitted_at)
    VALUES (:task, 1, 'data.csv', repeat('a', 64), decode(repeat('75', 134), 'hex'), 1, :op0, now())
    RETURNING id AS data \gset
INSERT INTO indicators (data_id, line, sasaran, indikator, satuan, direction, formula, target_lo,
                        target_hi, realisasi, target_text, realisasi_text)
    VALUES (:data, 2, 'Akuntabilitas', 'Nilai SAKIP Perangkat Daerah', 'nilai', 'naik', 'T/R', 70, 70,
            68.5, '70', '68,5');
INSERT INTO audit (user_id, command, status, code, instance_id, step_no, detail)
    VALUES (:op0, 'submit', 200, 'ok', :i, 4, repeat('s', 49));
INSERT INTO requests (user_id, request_id, command, reply)
    VALUES (:op0, :rid::numeric + 4, 'submit', decode(repeat('ab', 271), 'hex'));
WITH r AS (UPDATE recipient_seq
    SET last_seq = last_seq + 1 WHERE user_id = :sek
    RETURNING user_id, last_seq)
    INSERT INTO outbox (user_id, seq, kind, instance_id, payload)
    SELECT user_id, last_seq, 'unit_submitted', :i, decode(repeat('cd', 177), 'hex')
    FROM r;
WITH r AS (UPDATE recipient_seq
    SET last_seq = last_seq + 1 WHERE user_id = :kas
    RETURNING user_id, last_seq)
    INSERT INTO outbox (user_id, seq, kind, instance_id, payload)
    SELECT user_id, last_seq, 'unit_submitted', :i, decode(repeat('cd', 177), 'hex')
    FROM r;
SELECT pg_notify('lkip_events', 'bench|' || :sek::text || ',' || :kas::text);
END;
-- 5. unit 2 sends its data
BEGIN;
UPDATE unit_tasks
    SET version = 1, state = 'submitted', submitted_by = :op0 + 1, submitted_at = now()
    WHERE instance_id = :i AND unit_id = :unit0 + 1
    RETURNING id AS task \gset
INSERT INTO unit_data (task_id, version, file_name, file_sha256, content, rows, submitted_by,
                       submitted_at)
    VALUES (:task, 1, 'data.csv', repeat('a', 64), decode(repeat('75', 134), 'hex'), 1, :op0 + 1, now())
    RETURNING id AS data \gset
INSERT INTO indicators (data_id, line, sasaran, indikator, satuan, direction, formula, target_lo,
                        target_hi, realisasi, target_text, realisasi_text)
    VALUES (:data, 2, 'Akuntabilitas', 'Nilai SAKIP Perangkat Daerah', 'nilai', 'naik', 'T/R', 70, 70,
            68.5, '70', '68,5');
INSERT INTO audit (user_id, command, status, code, instance_id, step_no, detail)
    VALUES (:op0 + 1, 'submit', 200, 'ok', :i, 4, repeat('s', 49));
INSERT INTO requests (user_id, request_id, command, reply)
    VALUES (:op0 + 1, :rid::numeric + 5, 'submit', decode(repeat('ab', 271), 'hex'));
WITH r AS (UPDATE recipient_seq
    SET last_seq = last_seq + 1 WHERE user_id = :sek
    RETURNING user_id, last_seq)
    INSERT INTO outbox (user_id, seq, kind, instance_id, payload)
    SELECT user_id, last_seq, 'unit_submitted', :i, decode(repeat('cd', 177), 'hex')
    FROM r;
WITH r AS (UPDATE recipient_seq
    SET last_seq = last_seq + 1 WHERE user_id = :kas
    RETURNING user_id, last_seq)
    INSERT INTO outbox (user_id, seq, kind, instance_id, payload)
    SELECT user_id, last_seq, 'unit_submitted', :i, decode(repeat('cd', 177), 'hex')
    FROM r;
SELECT pg_notify('lkip_events', 'bench|' || :sek::text || ',' || :kas::text);
END;
-- 6. unit 3 sends its data
BEGIN;
UPDATE unit_tasks
    SET version = 1, state = 'submitted', submitted_by = :op0 + 2, submitted_at = now()
    WHERE instance_id = :i AND unit_id = :unit0 + 2
    RETURNING id AS task \gset
INSERT INTO unit_data (task_id, version, file_name, file_sha256, content, rows, submitted_by,
                       submitted_at)
    VALUES (:task, 1, 'data.csv', repeat('a', 64), decode(repeat('75', 134), 'hex'), 1, :op0 + 2, now())
    RETURNING id AS data \gset
INSERT INTO indicators (data_id, line, sasaran, indikator, satuan, direction, formula, target_lo,
                        target_hi, realisasi, target_text, realisasi_text)
    VALUES (:data, 2, 'Akuntabilitas', 'Nilai SAKIP Perangkat Daerah', 'nilai', 'naik', 'T/R', 70, 70,
            68.5, '70', '68,5');
INSERT INTO audit (user_id, command, status, code, instance_id, step_no, detail)
    VALUES (:op0 + 2, 'submit', 200, 'ok', :i, 4, repeat('s', 49));
INSERT INTO requests (user_id, request_id, command, reply)
    VALUES (:op0 + 2, :rid::numeric + 6, 'submit', decode(repeat('ab', 271), 'hex'));
WITH r AS (UPDATE recipient_seq
    SET last_seq = last_seq + 1 WHERE user_id = :sek
    RETURNING user_id, last_seq)
    INSERT INTO outbox (user_id, seq, kind, instance_id, payload)
    SELECT user_id, last_seq, 'unit_submitted', :i, decode(repeat('cd', 177), 'hex')
    FROM r;
WITH r AS (UPDATE recipient_seq
    SET last_seq = last_seq + 1 WHERE user_id = :kas
    RETURNING user_id, last_seq)
    INSERT INTO outbox (user_id, seq, kind, instance_id, payload)
    SELECT user_id, last_seq, 'unit_submitted', :i, decode(repeat('cd', 177), 'hex')
    FROM r;
SELECT pg_notify('lkip_events', 'bench|' || :sek::text || ',' || :kas::text);
END;
-- 7. unit 4 sends its data
BEGIN;
UPDATE unit_tasks
    SET version = 1, state = 'submitted', submitted_by = :op0 + 3, submitted_at = now()
    WHERE instance_id = :i AND unit_id = :unit0 + 3
    RETURNING id AS task \gset
INSERT INTO unit_data (task_id, version, file_name, file_sha256, content, rows, submitted_by,
                       submitted_at)
    VALUES (:task, 1, 'data.csv', repeat('a', 64), decode(repeat('75', 134), 'hex'), 1, :op0 + 3, now())
    RETURNING id AS data \gset
INSERT INTO indicators (data_id, line, sasaran, indikator, satuan, direction, formula, target_lo,
                        target_hi, realisasi, target_text, realisasi_text)
    VALUES (:data, 2, 'Akuntabilitas', 'Nilai SAKIP Perangkat Daerah', 'nilai', 'naik', 'T/R', 70, 70,
            68.5, '70', '68,5');
INSERT INTO audit (user_id, command, status, code, instance_id, step_no, detail)
    VALUES (:op0 + 3, 'submit', 200, 'ok', :i, 4, repeat('s', 49));
INSERT INTO requests (user_id, request_id, command, reply)
    VALUES (:op0 + 3, :rid::numeric + 7, 'submit', decode(repeat('ab', 271), 'hex'));
WITH r AS (UPDATE recipient_seq
    SET last_seq = last_seq + 1 WHERE user_id = :sek
    RETURNING user_id, last_seq)
    INSERT INTO outbox (user_id, seq, kind, instance_id, payload)
    SELECT user_id, last_seq, 'unit_submitted', :i, decode(repeat('cd', 177), 'hex')
    FROM r;
WITH r AS (UPDATE recipient_seq
    SET last_seq = last_seq + 1 WHERE user_id = :kas
    RETURNING user_id, last_seq)
    INSERT INTO outbox (user_id, seq, kind, instance_id, payload)
    SELECT user_id, last_seq, 'unit_submitted', :i, decode(repeat('cd', 177), 'hex')
    FROM r;
SELECT pg_notify('lkip_events', 'bench|' || :sek::text || ',' || :kas::text);
END;
-- 8. unit 5 sends its data (the last: step 4 closes by itself, step 5 opens)
BEGIN;
UPDATE unit_tasks
    SET version = 1, state = 'submitted', submitted_by = :op0 + 4, submitted_at = now()
    WHERE instance_id = :i AND unit_id = :unit0 + 4
    RETURNING id AS task \gset
INSERT INTO unit_data (task_id, version, file_name, file_sha256, content, rows, submitted_by,
                       submitted_at)
    VALUES (:task, 1, 'data.csv', repeat('a', 64), decode(repeat('75', 134), 'hex'), 1, :op0 + 4, now())
    RETURNING id AS data \gset
INSERT INTO indicators (data_id, line, sasaran, indikator, satuan, direction, formula, target_lo,
                        target_hi, realisasi, target_text, realisasi_text)
    VALUES (:data, 2, 'Akuntabilitas', 'Nilai SAKIP Perangkat Daerah', 'nilai', 'naik', 'T/R', 70, 70,
            68.5, '70', '68,5');
UPDATE step_runs
    SET state = 'done', outcome = 'done', finished_by = NULL, finished_at = now()
    WHERE instance_id = :i AND state = 'active';
INSERT INTO step_runs (instance_id, step_no, round, state, assigned_at, due_at)
    VALUES (:i, 5, 1, 'active', now(), now() + interval '3 days')
    RETURNING id AS run \gset
INSERT INTO timers (fire_at, kind, instance_id, step_run_id)
    VALUES (now() + interval '2 days', 'reminder', :i, :run);
UPDATE instances SET current_step = 5 WHERE id = :i;
INSERT INTO audit (user_id, command, status, code, instance_id, step_no, detail)
    VALUES (:op0 + 4, 'submit', 200, 'ok', :i, 4, repeat('s', 49));
INSERT INTO requests (user_id, request_id, command, reply)
    VALUES (:op0 + 4, :rid::numeric + 8, 'submit', decode(repeat('ab', 271), 'hex'));
WITH r AS (UPDATE recipient_seq
    SET last_seq = last_seq + 2 WHERE user_id = :sek
    RETURNING user_id, last_seq)
    INSERT INTO outbox (user_id, seq, kind, instance_id, payload)
    SELECT user_id, last_seq - 2 + x.n, x.kind, :i, decode(repeat('cd', 177), 'hex')
    FROM r, unnest(ARRAY['unit_submitted', 'step_done']) WITH ORDINALITY AS x(kind, n);
WITH r AS (UPDATE recipient_seq
    SET last_seq = last_seq + 2 WHERE user_id = :kas
    RETURNING user_id, last_seq)
    INSERT INTO outbox (user_id, seq, kind, instance_id, payload)
    SELECT user_id, last_seq - 2 + x.n, x.kind, :i, decode(repeat('cd', 177), 'hex')
    FROM r, unnest(ARRAY['unit_submitted', 'step_assigned']) WITH ORDINALITY AS x(kind, n);
SELECT pg_notify('lkip_events', 'bench|' || :sek::text || ',' || :kas::text);
END;
-- 9. document for step 5 (kas)
BEGIN;
INSERT INTO documents (instance_id, version, step_no, round, file_name, size, sha256, content, uploaded_by, uploaded_at, uploaded_as, kind)
    VALUES (:i, 1, 5, 1, 'lkip.pdf', 2048, repeat('b', 64), decode(repeat('00', 2048), 'hex'), :kas, now(), '', 'upload');
INSERT INTO audit (user_id, command, status, code, instance_id, step_no, detail)
    VALUES (:kas, 'upload', 200, 'ok', :i, 5, repeat('s', 49));
INSERT INTO requests (user_id, request_id, command, reply)
    VALUES (:kas, :rid::numeric + 9, 'upload', decode(repeat('ab', 271), 'hex'));
WITH r AS (UPDATE recipient_seq
    SET last_seq = last_seq + 1 WHERE user_id = :sek
    RETURNING user_id, last_seq)
    INSERT INTO outbox (user_id, seq, kind, instance_id, payload)
    SELECT user_id, last_seq, 'document_uploaded', :i, decode(repeat('cd', 177), 'hex')
    FROM r;
SELECT pg_notify('lkip_events', 'bench|' || :sek::text);
END;
-- 10. step 5 (kas): data dianalisis
BEGIN;
UPDATE step_runs
    SET state = 'done', outcome = 'done', finished_by = :kas, finished_at = now()
    WHERE instance_id = :i AND state = 'active';
INSERT INTO step_runs (instance_id, step_no, round, state, assigned_at, due_at)
    VALUES (:i, 6, 1, 'active', now(), now() + interval '3 days')
    RETURNING id AS run \gset
INSERT INTO timers (fire_at, kind, instance_id, step_run_id)
    VALUES (now() + interval '2 days', 'reminder', :i, :run);
UPDATE instances SET current_step = 6 WHERE id = :i;
INSERT INTO audit (user_id, command, status, code, instance_id, step_no, detail)
    VALUES (:kas, 'step', 200, 'ok', :i, 5, repeat('s', 49));
INSERT INTO requests (user_id, request_id, command, reply)
    VALUES (:kas, :rid::numeric + 10, 'step', decode(repeat('ab', 271), 'hex'));
WITH r AS (UPDATE recipient_seq
    SET last_seq = last_seq + 2 WHERE user_id = :sek
    RETURNING user_id, last_seq)
    INSERT INTO outbox (user_id, seq, kind, instance_id, payload)
    SELECT user_id, last_seq - 2 + x.n, x.kind, :i, decode(repeat('cd', 177), 'hex')
    FROM r, unnest(ARRAY['step_done', 'instance_done']) WITH ORDINALITY AS x(kind, n);
WITH r AS (UPDATE recipient_seq
    SET last_seq = last_seq + 1 WHERE user_id = :staf
    RETURNING user_id, last_seq)
    INSERT INTO outbox (user_id, seq, kind, instance_id, payload)
    SELECT user_id, last_seq, 'step_assigned', :i, decode(repeat('cd', 177), 'hex')
    FROM r;
SELECT pg_notify('lkip_events', 'bench|' || :sek::text || ',' || :staf::text);
END;
-- 11. document for step 6 (staf)
BEGIN;
INSERT INTO documents (instance_id, version, step_no, round, file_name, size, sha256, content, uploaded_by, uploaded_at, uploaded_as, kind)
    VALUES (:i, 2, 6, 1, 'lkip.pdf', 2048, repeat('b', 64), decode(repeat('00', 2048), 'hex'), :staf, now(), '', 'upload');
INSERT INTO audit (user_id, command, status, code, instance_id, step_no, detail)
    VALUES (:staf, 'upload', 200, 'ok', :i, 6, repeat('s', 49));
INSERT INTO requests (user_id, request_id, command, reply)
    VALUES (:staf, :rid::numeric + 11, 'upload', decode(repeat('ab', 271), 'hex'));
WITH r AS (UPDATE recipient_seq
    SET last_seq = last_seq + 1 WHERE user_id = :sek
    RETURNING user_id, last_seq)
    INSERT INTO outbox (user_id, seq, kind, instance_id, payload)
    SELECT user_id, last_seq, 'document_uploaded', :i, decode(repeat('cd', 177), 'hex')
    FROM r;
SELECT pg_notify('lkip_events', 'bench|' || :sek::text);
END;
-- 12. step 6 (staf): draf LKIP disusun
BEGIN;
UPDATE step_runs
    SET state = 'done', outcome = 'done', finished_by = :staf, finished_at = now()
    WHERE instance_id = :i AND state = 'active';
INSERT INTO step_runs (instance_id, step_no, round, state, assigned_at, due_at)
    VALUES (:i, 7, 1, 'active', now(), now() + interval '3 days')
    RETURNING id AS run \gset
INSERT INTO timers (fire_at, kind, instance_id, step_run_id)
    VALUES (now() + interval '2 days', 'reminder', :i, :run);
UPDATE instances SET current_step = 7 WHERE id = :i;
INSERT INTO audit (user_id, command, status, code, instance_id, step_no, detail)
    VALUES (:staf, 'step', 200, 'ok', :i, 6, repeat('s', 49));
INSERT INTO requests (user_id, request_id, command, reply)
    VALUES (:staf, :rid::numeric + 12, 'step', decode(repeat('ab', 271), 'hex'));
WITH r AS (UPDATE recipient_seq
    SET last_seq = last_seq + 3 WHERE user_id = :sek
    RETURNING user_id, last_seq)
    INSERT INTO outbox (user_id, seq, kind, instance_id, payload)
    SELECT user_id, last_seq - 3 + x.n, x.kind, :i, decode(repeat('cd', 177), 'hex')
    FROM r, unnest(ARRAY['step_done', 'instance_done', 'step_assigned']) WITH ORDINALITY AS x(kind, n);
SELECT pg_notify('lkip_events', 'bench|' || :sek::text);
END;
-- 13. step 7 (sek): draf disetujui sekretaris
BEGIN;
UPDATE step_runs
    SET state = 'done', outcome = 'approved', finished_by = :sek, finished_at = now()
    WHERE instance_id = :i AND state = 'active';
INSERT INTO step_runs (instance_id, step_no, round, state, assigned_at, due_at)
    VALUES (:i, 8, 1, 'active', now(), now() + interval '3 days')
    RETURNING id AS run \gset
INSERT INTO timers (fire_at, kind, instance_id, step_run_id)
    VALUES (now() + interval '2 days', 'reminder', :i, :run);
UPDATE instances SET current_step = 8 WHERE id = :i;
INSERT INTO audit (user_id, command, status, code, instance_id, step_no, detail)
    VALUES (:sek, 'step', 200, 'ok', :i, 7, repeat('s', 49));
INSERT INTO requests (user_id, request_id, command, reply)
    VALUES (:sek, :rid::numeric + 13, 'step', decode(repeat('ab', 271), 'hex'));
WITH r AS (UPDATE recipient_seq
    SET last_seq = last_seq + 3 WHERE user_id = :sek
    RETURNING user_id, last_seq)
    INSERT INTO outbox (user_id, seq, kind, instance_id, payload)
    SELECT user_id, last_seq - 3 + x.n, x.kind, :i, decode(repeat('cd', 177), 'hex')
    FROM r, unnest(ARRAY['step_done', 'instance_done', 'step_assigned']) WITH ORDINALITY AS x(kind, n);
SELECT pg_notify('lkip_events', 'bench|' || :sek::text);
END;
-- 14. step 8 (sek): draf dikoreksi
BEGIN;
UPDATE step_runs
    SET state = 'done', outcome = 'done', finished_by = :sek, finished_at = now()
    WHERE instance_id = :i AND state = 'active';
INSERT INTO step_runs (instance_id, step_no, round, state, assigned_at, due_at)
    VALUES (:i, 9, 1, 'active', now(), now() + interval '3 days')
    RETURNING id AS run \gset
INSERT INTO timers (fire_at, kind, instance_id, step_run_id)
    VALUES (now() + interval '2 days', 'reminder', :i, :run);
UPDATE instances SET current_step = 9 WHERE id = :i;
INSERT INTO audit (user_id, command, status, code, instance_id, step_no, detail)
    VALUES (:sek, 'step', 200, 'ok', :i, 8, repeat('s', 49));
INSERT INTO requests (user_id, request_id, command, reply)
    VALUES (:sek, :rid::numeric + 14, 'step', decode(repeat('ab', 271), 'hex'));
WITH r AS (UPDATE recipient_seq
    SET last_seq = last_seq + 1 WHERE user_id = :kadis
    RETURNING user_id, last_seq)
    INSERT INTO outbox (user_id, seq, kind, instance_id, payload)
    SELECT user_id, last_seq, 'step_assigned', :i, decode(repeat('cd', 177), 'hex')
    FROM r;
WITH r AS (UPDATE recipient_seq
    SET last_seq = last_seq + 2 WHERE user_id = :sek
    RETURNING user_id, last_seq)
    INSERT INTO outbox (user_id, seq, kind, instance_id, payload)
    SELECT user_id, last_seq - 2 + x.n, x.kind, :i, decode(repeat('cd', 177), 'hex')
    FROM r, unnest(ARRAY['step_done', 'instance_done']) WITH ORDINALITY AS x(kind, n);
SELECT pg_notify('lkip_events', 'bench|' || :kadis::text || ',' || :sek::text);
END;
-- 15. step 9 (kadis): LKIP disetujui kepala dinas
BEGIN;
UPDATE step_runs
    SET state = 'done', outcome = 'approved', finished_by = :kadis, finished_at = now()
    WHERE instance_id = :i AND state = 'active';
INSERT INTO step_runs (instance_id, step_no, round, state, assigned_at, due_at)
    VALUES (:i, 10, 1, 'active', now(), now() + interval '3 days')
    RETURNING id AS run \gset
INSERT INTO timers (fire_at, kind, instance_id, step_run_id)
    VALUES (now() + interval '2 days', 'reminder', :i, :run);
UPDATE instances SET current_step = 10 WHERE id = :i;
INSERT INTO audit (user_id, command, status, code, instance_id, step_no, detail)
    VALUES (:kadis, 'step', 200, 'ok', :i, 9, repeat('s', 49));
INSERT INTO requests (user_id, request_id, command, reply)
    VALUES (:kadis, :rid::numeric + 15, 'step', decode(repeat('ab', 271), 'hex'));
WITH r AS (UPDATE recipient_seq
    SET last_seq = last_seq + 2 WHERE user_id = :sek
    RETURNING user_id, last_seq)
    INSERT INTO outbox (user_id, seq, kind, instance_id, payload)
    SELECT user_id, last_seq - 2 + x.n, x.kind, :i, decode(repeat('cd', 177), 'hex')
    FROM r, unnest(ARRAY['step_done', 'instance_done']) WITH ORDINALITY AS x(kind, n);
WITH r AS (UPDATE recipient_seq
    SET last_seq = last_seq + 1 WHERE user_id = :kas
    RETURNING user_id, last_seq)
    INSERT INTO outbox (user_id, seq, kind, instance_id, payload)
    SELECT user_id, last_seq, 'step_assigned', :i, decode(repeat('cd', 177), 'hex')
    FROM r;
SELECT pg_notify('lkip_events', 'bench|' || :sek::text || ',' || :kas::text);
END;
-- 16. step 10 (kas): nomor surat diberikan
BEGIN;
UPDATE step_runs
    SET state = 'done', outcome = 'done', finished_by = :kas, finished_at = now()
    WHERE instance_id = :i AND state = 'active';
INSERT INTO step_runs (instance_id, step_no, round, state, assigned_at, due_at)
    VALUES (:i, 11, 1, 'active', now(), now() + interval '3 days')
    RETURNING id AS run \gset
INSERT INTO timers (fire_at, kind, instance_id, step_run_id)
    VALUES (now() + interval '2 days', 'reminder', :i, :run);
UPDATE instances SET current_step = 11 WHERE id = :i;
INSERT INTO letter_sequences (org_id, year, last_seq)
    VALUES (:org, 2026, 1)
    ON CONFLICT (org_id, year) DO UPDATE
    SET last_seq = letter_sequences.last_seq + 1
    RETURNING last_seq AS seq \gset
UPDATE instances
    SET letter_number = '000.1/' || :seq::text || '/Diskominfo/2026', letter_year = 2026, letter_seq = :seq WHERE id = :i;
INSERT INTO audit (user_id, command, status, code, instance_id, step_no, detail)
    VALUES (:kas, 'step', 200, 'ok', :i, 10, repeat('s', 49));
INSERT INTO requests (user_id, request_id, command, reply)
    VALUES (:kas, :rid::numeric + 16, 'step', decode(repeat('ab', 271), 'hex'));
WITH r AS (UPDATE recipient_seq
    SET last_seq = last_seq + 2 WHERE user_id = :sek
    RETURNING user_id, last_seq)
    INSERT INTO outbox (user_id, seq, kind, instance_id, payload)
    SELECT user_id, last_seq - 2 + x.n, x.kind, :i, decode(repeat('cd', 177), 'hex')
    FROM r, unnest(ARRAY['step_done', 'instance_done']) WITH ORDINALITY AS x(kind, n);
WITH r AS (UPDATE recipient_seq
    SET last_seq = last_seq + 1 WHERE user_id = :staf
    RETURNING user_id, last_seq)
    INSERT INTO outbox (user_id, seq, kind, instance_id, payload)
    SELECT user_id, last_seq, 'step_assigned', :i, decode(repeat('cd', 177), 'hex')
    FROM r;
SELECT pg_notify('lkip_events', 'bench|' || :sek::text || ',' || :staf::text);
END;
-- 17. step 11 (staf): LKIP diarsipkan
BEGIN;
UPDATE step_runs
    SET state = 'done', outcome = 'done', finished_by = :staf, finished_at = now()
    WHERE instance_id = :i AND state = 'active';
UPDATE instances i
    SET archive_doc_id = d.id, archive_sha256 = d.sha256, archive_ref = 'ARSIP/2026/' || :i::text, archived_by = :staf
    FROM (SELECT id, sha256 FROM documents
    WHERE instance_id = :i ORDER BY version DESC LIMIT 1) d
    WHERE i.id = :i;
UPDATE instances SET state = 'done', current_step = NULL, finished_at = now() WHERE id = :i;
INSERT INTO audit (user_id, command, status, code, instance_id, step_no, detail)
    VALUES (:staf, 'step', 200, 'ok', :i, 11, repeat('s', 49));
INSERT INTO requests (user_id, request_id, command, reply)
    VALUES (:staf, :rid::numeric + 17, 'step', decode(repeat('ab', 271), 'hex'));
WITH r AS (UPDATE recipient_seq
    SET last_seq = last_seq + 2 WHERE user_id = :sek
    RETURNING user_id, last_seq)
    INSERT INTO outbox (user_id, seq, kind, instance_id, payload)
    SELECT user_id, last_seq - 2 + x.n, x.kind, :i, decode(repeat('cd', 177), 'hex')
    FROM r, unnest(ARRAY['step_done', 'instance_done']) WITH ORDINALITY AS x(kind, n);
SELECT pg_notify('lkip_events', 'bench|' || :sek::text);
END;
