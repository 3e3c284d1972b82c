-- 008 board: the secretariat's board counts the reminders sent for each open step run in the
-- one query that reads every running instance of an organisation; fired timers are kept, so
-- that count needs an index by run rather than a scan of every timer ever fired.

CREATE INDEX timers_run ON timers (step_run_id) WHERE step_run_id IS NOT NULL;
