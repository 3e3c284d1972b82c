-- pgbench side of make bench, the whole round: lkip's own schema (the migrations of sql/, applied
-- just before this file) and the rows a round refers to, laid out as lkip-bench makes its world:
-- 4 organisations, each with its four actors (kepala_dinas, sekretaris, kasubag_perencanaan,
-- staf), five units and their operators, and one SOP definition. round_ids gives
-- bench/round.sql each organisation's ids: its users and its units are numbered in a row.
INSERT INTO organisations (code, name)
    SELECT 'ORG' || k, 'Dinas ' || k FROM generate_series(1, 4) k ORDER BY k;
INSERT INTO units (org_id, code, name)
    SELECT o.id, 'UNIT' || u, 'Bidang ' || u
    FROM organisations o, generate_series(1, 5) u WHERE o.code LIKE 'ORG_' ORDER BY o.id, u;
INSERT INTO users (org_id, name, full_name, role, unit_id)
    SELECT o.id, lower(o.code) || '-' || n, 'Pengguna ' || n,
           CASE WHEN n <= 4 THEN (ARRAY['kepala_dinas', 'sekretaris', 'kasubag_perencanaan',
                                        'staf'])[n] ELSE 'operator_unit' END,
           CASE WHEN n > 4 THEN (SELECT min(id) FROM units WHERE org_id = o.id) + n - 5 END
    FROM organisations o, generate_series(1, 9) n WHERE o.code LIKE 'ORG_' ORDER BY o.id, n;
INSERT INTO sop_definitions (code, version, number, title, steps, source_name, source, sha256)
    VALUES ('LKIP', 1, '000.1/SOP/2026', 'Penyusunan LKIP', 11, 'lkip.yaml', '', repeat('0', 64));
CREATE TABLE round_ids AS
    SELECT row_number() OVER (ORDER BY o.id) AS k, o.id AS org_id,
           (SELECT min(id) FROM users WHERE org_id = o.id) AS user0,
           (SELECT min(id) FROM units WHERE org_id = o.id) AS unit0,
           (SELECT max(id) FROM sop_definitions) AS def_id
    FROM organisations o WHERE o.code LIKE 'ORG_';
