-- 003 calendar: working hours, special periods, holidays, timers and the test clock.

-- Regular working stretches of an organisation per weekday (0 Sunday ... 6 Saturday), minutes
-- after midnight, [start_min, end_min).
CREATE TABLE work_hours (
    org_id     bigint NOT NULL REFERENCES organisations(id),
    weekday    smallint NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    start_min  smallint NOT NULL CHECK (start_min BETWEEN 0 AND 1439),
    end_min    smallint NOT NULL CHECK (end_min BETWEEN 1 AND 1440),
    CHECK (start_min < end_min),
    PRIMARY KEY (org_id, weekday, start_min)
);

-- Special periods (Ramadan) with their own week; dates inclusive, never overlapping within an
-- organisation (checked by the daemon).
CREATE TABLE work_periods (
    id         bigserial PRIMARY KEY,
    org_id     bigint NOT NULL REFERENCES organisations(id),
    name       text NOT NULL,
    first_day  date NOT NULL,
    last_day   date NOT NULL CHECK (last_day >= first_day),
    UNIQUE (org_id, name)
);
CREATE TABLE work_period_hours (
    period_id  bigint NOT NULL REFERENCES work_periods(id) ON DELETE CASCADE,
    weekday    smallint NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    start_min  smallint NOT NULL CHECK (start_min BETWEEN 0 AND 1439),
    end_min    smallint NOT NULL CHECK (end_min BETWEEN 1 AND 1440),
    CHECK (start_min < end_min),
    PRIMARY KEY (period_id, weekday, start_min)
);

-- Holidays: libur nasional and cuti bersama (SKB 3 Menteri) and local ones. Dates can still
-- move, so this is a table admins edit and import, never a computation.
CREATE TABLE holidays (
    org_id  bigint NOT NULL REFERENCES organisations(id),
    day     date NOT NULL,
    kind    text NOT NULL CHECK (kind IN ('libur_nasional', 'cuti_bersama', 'libur_lokal')),
    name    text NOT NULL,
    PRIMARY KEY (org_id, day)
);

-- Bumped by every calendar change, so daemons know when a cached calendar is stale.
ALTER TABLE organisations ADD COLUMN calendar_version integer NOT NULL DEFAULT 1;

-- Perpres 21/2023 (LKIP.md): Mon-Thu 07:30-16:00 with a 12:00-13:00 break; Fri 07:30-16:30
-- with an 11:30-13:00 break. Every new organisation starts with it.
CREATE FUNCTION default_work_hours(org bigint) RETURNS void LANGUAGE sql AS $$
    INSERT INTO work_hours (org_id, weekday, start_min, end_min)
    SELECT org, d, s, e FROM (VALUES (1), (2), (3), (4)) AS w(d),
        (VALUES (450, 720), (780, 960)) AS h(s, e)
    UNION ALL
    SELECT org, 5, s, e FROM (VALUES (450, 690), (780, 990)) AS h(s, e);
$$;
CREATE FUNCTION organisations_default_hours() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM default_work_hours(NEW.id);
    RETURN NEW;
END $$;
CREATE TRIGGER organisations_default_hours AFTER INSERT ON organisations
    FOR EACH ROW EXECUTE FUNCTION organisations_default_hours();
SELECT default_work_hours(id) FROM organisations;

-- Libur nasional and cuti bersama 2026 (SKB 3 Menteri No. 1497/2025, 2/2025, 5/2025), from
-- shared/data/holidays-2026.csv, for every organisation that exists now.
INSERT INTO holidays (org_id, day, kind, name)
SELECT o.id, h.day::date, h.kind, h.name FROM organisations o, (VALUES
    ('2026-01-01', 'libur_nasional', 'Tahun Baru 2026 Masehi'),
    ('2026-01-16', 'libur_nasional', 'Isra Mikraj Nabi Muhammad SAW'),
    ('2026-02-16', 'cuti_bersama', 'Tahun Baru Imlek 2577 Kongzili'),
    ('2026-02-17', 'libur_nasional', 'Tahun Baru Imlek 2577 Kongzili'),
    ('2026-03-18', 'cuti_bersama', 'Hari Suci Nyepi (Tahun Baru Saka 1948)'),
    ('2026-03-19', 'libur_nasional', 'Hari Suci Nyepi (Tahun Baru Saka 1948)'),
    ('2026-03-20', 'cuti_bersama', 'Idulfitri 1447 Hijriah'),
    ('2026-03-21', 'libur_nasional', 'Idulfitri 1447 Hijriah'),
    ('2026-03-22', 'libur_nasional', 'Idulfitri 1447 Hijriah'),
    ('2026-03-23', 'cuti_bersama', 'Idulfitri 1447 Hijriah'),
    ('2026-03-24', 'cuti_bersama', 'Idulfitri 1447 Hijriah'),
    ('2026-04-03', 'libur_nasional', 'Wafat Yesus Kristus'),
    ('2026-04-05', 'libur_nasional', 'Kebangkitan Yesus Kristus (Paskah)'),
    ('2026-05-01', 'libur_nasional', 'Hari Buruh Internasional'),
    ('2026-05-14', 'libur_nasional', 'Kenaikan Yesus Kristus'),
    ('2026-05-15', 'cuti_bersama', 'Kenaikan Yesus Kristus'),
    ('2026-05-27', 'libur_nasional', 'Iduladha 1447 Hijriah'),
    ('2026-05-28', 'cuti_bersama', 'Iduladha 1447 Hijriah'),
    ('2026-05-31', 'libur_nasional', 'Hari Raya Waisak 2570 BE'),
    ('2026-06-01', 'libur_nasional', 'Hari Lahir Pancasila'),
    ('2026-06-16', 'libur_nasional', 'Tahun Baru Islam 1448 Hijriah'),
    ('2026-08-17', 'libur_nasional', 'Hari Proklamasi Kemerdekaan RI'),
    ('2026-08-25', 'libur_nasional', 'Maulid Nabi Muhammad SAW'),
    ('2026-12-24', 'cuti_bersama', 'Kelahiran Yesus Kristus'),
    ('2026-12-25', 'libur_nasional', 'Kelahiran Yesus Kristus')
) AS h(day, kind, name);

-- Reminders, overdue notices and escalations waiting to fire. Each open step run or unit task
-- has one pending row, its next timer; firing it queues the one after (reminders, then overdue
-- at the due time, then an escalation every working day). The daemon sleeps until the earliest
-- pending row and claims due ones with FOR UPDATE SKIP LOCKED. Rows are derived data written on
-- every step transition, so they carry no foreign keys: firing joins the run or task and lets a
-- timer of closed work simply expire.
CREATE TABLE timers (
    id            bigserial PRIMARY KEY,
    fire_at       timestamptz NOT NULL,
    kind          text NOT NULL CHECK (kind IN ('reminder', 'overdue', 'escalation')),
    instance_id   bigint NOT NULL,
    step_run_id   bigint,
    unit_task_id  bigint,
    repeat_no     integer NOT NULL DEFAULT 1,
    fired_at      timestamptz,
    CHECK ((step_run_id IS NULL) <> (unit_task_id IS NULL))
);
CREATE INDEX timers_pending ON timers (fire_at) WHERE fired_at IS NULL;

-- The test clock: honoured only by daemons started with test_clock = true.
CREATE TABLE test_clock (
    id      boolean PRIMARY KEY DEFAULT true CHECK (id),
    now_at  timestamptz NOT NULL
);
