-- 011 next year's holidays: from 1 November (holiday_reminder_from) the admin and the
-- Sekretaris of an organisation without any holiday of next year get one event a day until
-- those holidays are imported. One row per organisation and local day makes it once a day,
-- however many daemons share the database.

CREATE TABLE holiday_reminders (
    org_id   bigint NOT NULL REFERENCES organisations(id),
    day      date NOT NULL,      -- the organisation's local date it was sent on
    year     integer NOT NULL,   -- the year whose holidays were missing
    sent_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (org_id, day)
);
