/* db_calendar — see db_calendar.h. Dates cross as local "YYYY-MM-DD" text. */
#include "db_calendar.h"

#include "weekspec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int s_add_rows(const db_res_t *r, cal_week_t *week, int col)
{
    for (int i = 0; i < db_res_rows(r); i++) {
        int d = (int)db_res_int(r, i, col);
        cal_hours_t *h = &week->day[d];
        if (d < 0 || d > 6 || h->n == CAL_MAX_SPANS)
            return -1;
        h->span[h->n++] =
            (cal_span_t){(int16_t)db_res_int(r, i, col + 1), (int16_t)db_res_int(r, i, col + 2)};
    }
    return 0;
}

/* A week from sql, which selects (weekday, start_min, end_min) of owner $1 in order. */
static int s_week(db_t *db, const char *sql, int64_t owner, cal_week_t *week)
{
    memset(week, 0, sizeof *week);
    db_params_t p = {0};
    db_param_int(&p, owner);
    db_res_t *r = db_query(db, sql, &p);
    if (!r)
        return -1;
    int rc = s_add_rows(r, week, 0);
    db_res_free(&r);
    return rc;
}

int db_calendar_week(db_t *db, int64_t org_id, cal_week_t *week)
{
    return s_week(db,
                  "SELECT weekday, start_min, end_min FROM work_hours WHERE org_id = $1"
                  " ORDER BY weekday, start_min",
                  org_id, week);
}

/* Adds the periods of org_id to cal. */
static int s_load_periods(db_t *db, int64_t org_id, calendar_t *cal)
{
    db_params_t p = {0};
    db_param_int(&p, org_id);
    db_res_t *r = db_query(db,
                           "SELECT p.id, p.first_day - date '1970-01-01',"
                           " p.last_day - date '1970-01-01', h.weekday, h.start_min, h.end_min"
                           " FROM work_periods p LEFT JOIN work_period_hours h"
                           "  ON h.period_id = p.id"
                           " WHERE p.org_id = $1 ORDER BY p.id, h.weekday, h.start_min",
                           &p);
    if (!r)
        return -1;
    int rc = 0;
    int n = db_res_rows(r);
    for (int i = 0; i < n && rc == 0;) {
        int64_t id = db_res_int(r, i, 0);
        cal_week_t week = {0};
        cal_day_t first = (cal_day_t)db_res_int(r, i, 1), last = (cal_day_t)db_res_int(r, i, 2);
        for (; i < n && db_res_int(r, i, 0) == id; i++) {
            if (db_res_null(r, i, 3))
                continue; /* a period without working hours at all */
            int d = (int)db_res_int(r, i, 3);
            cal_hours_t *h = &week.day[d];
            if (h->n < CAL_MAX_SPANS)
                h->span[h->n++] =
                    (cal_span_t){(int16_t)db_res_int(r, i, 4), (int16_t)db_res_int(r, i, 5)};
        }
        rc = calendar_add_period(cal, first, last, &week) == 0 ? 0 : -1;
    }
    db_res_free(&r);
    return rc;
}

calendar_t *db_calendar_load(db_t *db, int64_t org_id, int *version)
{
    cal_week_t week;
    if (db_calendar_week(db, org_id, &week) != 0)
        return NULL;
    db_params_t p = {0};
    db_param_int(&p, org_id);
    db_res_t *r;
    db_lookup_t rc = db_query_one(db,
                                  "SELECT calendar_version, (SELECT array_to_string(array_agg("
                                  "  h.day - date '1970-01-01'), ',') FROM holidays h"
                                  "  WHERE h.org_id = o.id) FROM organisations o WHERE o.id = $1",
                                  &p, &r);
    if (rc != DB_FOUND) {
        return NULL;
    }
    *version = (int)db_res_int(r, 0, 0);
    calendar_t *cal = calendar_new(&week);
    if (!cal) { /* stored hours that no longer pass the check: treat as no working time */
        cal_week_t none = {0};
        cal = calendar_new(&none);
    }
    for (const char *s = db_res_str(r, 0, 1); *s;) {
        char *end;
        long day = strtol(s, &end, 10);
        if (end == s)
            break;
        calendar_add_holiday(cal, (cal_day_t)day);
        s = *end == ',' ? end + 1 : end;
    }
    db_res_free(&r);
    if (s_load_periods(db, org_id, cal) != 0) {
        calendar_destroy(&cal);
        return NULL;
    }
    return cal;
}

int db_calendar_bump(db_t *db, int64_t org_id)
{
    db_params_t p = {0};
    db_param_int(&p, org_id);
    return db_exec(db,
                   "UPDATE organisations SET calendar_version = calendar_version + 1"
                   " WHERE $1 = 0 OR id = $1",
                   &p);
}

static int s_count(db_t *db, const char *sql, db_params_t *p, int *changed)
{
    db_res_t *r = db_query(db, sql, p);
    if (!r)
        return -1;
    *changed += (int)db_res_affected(r);
    db_res_free(&r);
    return 0;
}

int db_holiday_put(db_t *db, int64_t org_id, const char *date, const char *kind, const char *name,
                   int *changed)
{
    db_params_t p = {0};
    db_param_int(&p, org_id);
    db_param_str(&p, date);
    db_param_str(&p, kind);
    db_param_str(&p, name);
    return s_count(db,
                   "INSERT INTO holidays (org_id, day, kind, name)"
                   " SELECT id, $2::date, $3, $4 FROM organisations WHERE $1 = 0 OR id = $1"
                   " ON CONFLICT (org_id, day) DO UPDATE SET kind = EXCLUDED.kind,"
                   " name = EXCLUDED.name WHERE (holidays.kind, holidays.name)"
                   " IS DISTINCT FROM (EXCLUDED.kind, EXCLUDED.name)",
                   &p, changed);
}

int db_holiday_remove(db_t *db, int64_t org_id, const char *date, int *changed)
{
    db_params_t p = {0};
    db_param_int(&p, org_id);
    db_param_str(&p, date);
    return s_count(db, "DELETE FROM holidays WHERE ($1 = 0 OR org_id = $1) AND day = $2::date", &p,
                   changed);
}

int db_holiday_kind(db_t *db, int64_t org_id, const char *date, char *kind, size_t len)
{
    db_params_t p = {0};
    db_param_int(&p, org_id);
    db_param_str(&p, date);
    db_res_t *r =
        db_query(db, "SELECT kind FROM holidays WHERE org_id = $1 AND day = $2::date", &p);
    if (!r)
        return -1;
    snprintf(kind, len, "%s", db_res_rows(r) ? db_res_str(r, 0, 0) : "");
    db_res_free(&r);
    return 0;
}

/* Inserts the spans of week into table (work_hours or work_period_hours) for owner. */
static int s_insert_week(db_t *db, const char *sql, int64_t owner, const cal_week_t *week)
{
    for (int d = 0; d < 7; d++)
        for (int k = 0; k < week->day[d].n; k++) {
            db_params_t p = {0};
            db_param_int(&p, owner);
            db_param_int(&p, d);
            db_param_int(&p, week->day[d].span[k].start);
            db_param_int(&p, week->day[d].span[k].end);
            if (db_exec(db, sql, &p) != 0)
                return -1;
        }
    return 0;
}

int db_hours_set(db_t *db, int64_t org_id, const cal_week_t *week)
{
    db_params_t p = {0};
    db_param_int(&p, org_id);
    if (db_exec(db, "DELETE FROM work_hours WHERE org_id = $1", &p) != 0)
        return -1;
    return s_insert_week(db,
                         "INSERT INTO work_hours (org_id, weekday, start_min, end_min)"
                         " VALUES ($1, $2, $3, $4)",
                         org_id, week);
}

int db_period_add(db_t *db, int64_t org_id, const char *name, const char *first, const char *last,
                  const cal_week_t *week, char **overlap, bool *taken)
{
    *overlap = NULL;
    *taken = false;
    db_params_t p = {0};
    db_param_int(&p, org_id);
    db_param_str(&p, first);
    db_param_str(&p, last);
    db_res_t *r = db_query(db,
                           "SELECT name FROM work_periods WHERE org_id = $1"
                           " AND first_day <= $3::date AND last_day >= $2::date LIMIT 1",
                           &p);
    if (!r)
        return -1;
    if (db_res_rows(r) == 1)
        *overlap = db_res_dup(r, 0, 0);
    db_res_free(&r);
    if (*overlap)
        return 0;
    db_param_int(&p, org_id);
    db_param_str(&p, name);
    db_param_str(&p, first);
    db_param_str(&p, last);
    r = db_query(db,
                 "INSERT INTO work_periods (org_id, name, first_day, last_day)"
                 " VALUES ($1, $2, $3::date, $4::date) ON CONFLICT (org_id, name) DO NOTHING"
                 " RETURNING id",
                 &p);
    if (!r)
        return -1;
    int64_t id = db_res_rows(r) == 1 ? db_res_int(r, 0, 0) : 0;
    db_res_free(&r);
    if (!id) {
        *taken = true;
        return 0;
    }
    return s_insert_week(db,
                         "INSERT INTO work_period_hours (period_id, weekday, start_min, end_min)"
                         " VALUES ($1, $2, $3, $4)",
                         id, week);
}

int db_period_remove(db_t *db, int64_t org_id, const char *name, bool *found)
{
    db_params_t p = {0};
    db_param_int(&p, org_id);
    db_param_str(&p, name);
    int changed = 0;
    int rc = s_count(db, "DELETE FROM work_periods WHERE org_id = $1 AND name = $2", &p, &changed);
    *found = changed > 0;
    return rc;
}

/* The week of one period. */
static int s_period_week(db_t *db, int64_t period_id, cal_week_t *week)
{
    return s_week(db,
                  "SELECT weekday, start_min, end_min FROM work_period_hours"
                  " WHERE period_id = $1 ORDER BY weekday, start_min",
                  period_id, week);
}

int db_holiday_reminders(db_t *db, int64_t now, const char *from, db_holiday_reminder_t **out)
{
    *out = NULL;
    db_params_t p = {0};
    db_param_int(&p, now);
    db_param_str(&p, from);
    db_res_t *r =
        db_query(db,
                 "WITH today AS ("
                 "  SELECT o.id AS org_id, (to_timestamp($1) AT TIME ZONE o.time_zone)::date AS day"
                 "  FROM organisations o WHERE NOT o.disabled),"
                 " due AS ("
                 "  SELECT t.org_id, t.day, extract(year FROM t.day)::int + 1 AS year FROM today t"
                 "  WHERE to_char(t.day, 'MM-DD') >= $2 AND NOT EXISTS ("
                 "    SELECT 1 FROM holidays h WHERE h.org_id = t.org_id"
                 "    AND h.day >= make_date(extract(year FROM t.day)::int + 1, 1, 1)"
                 "    AND h.day < make_date(extract(year FROM t.day)::int + 2, 1, 1))),"
                 " ins AS (INSERT INTO holiday_reminders (org_id, day, year)"
                 "  SELECT org_id, day, year FROM due ON CONFLICT DO NOTHING"
                 "  RETURNING org_id, year)"
                 " SELECT i.org_id, o.code, o.time_zone, i.year FROM ins i"
                 " JOIN organisations o ON o.id = i.org_id ORDER BY i.org_id",
                 &p);
    if (!r)
        return -1;
    int n = db_res_rows(r);
    *out = xcalloc((size_t)n + 1, sizeof **out);
    for (int i = 0; i < n; i++) {
        db_holiday_reminder_t *h = &(*out)[i];
        h->org_id = db_res_int(r, i, 0);
        snprintf(h->org_code, sizeof h->org_code, "%s", db_res_str(r, i, 1));
        snprintf(h->time_zone, sizeof h->time_zone, "%s", db_res_str(r, i, 2));
        h->year = (int)db_res_int(r, i, 3);
    }
    db_res_free(&r);
    return n;
}

void db_calendar_rows_clear(db_calendar_rows_t *rows)
{
    for (int i = 0; i < rows->n_periods; i++) {
        free(rows->periods[i].name);
        free(rows->periods[i].first);
        free(rows->periods[i].last);
    }
    free(rows->periods);
    for (int i = 0; i < rows->n_holidays; i++) {
        free(rows->holidays[i].date);
        free(rows->holidays[i].kind);
        free(rows->holidays[i].name);
    }
    free(rows->holidays);
    memset(rows, 0, sizeof *rows);
}

/* The special periods of org_id with their weeks into out. 0 or -1. */
static int s_periods(db_t *db, int64_t org_id, db_calendar_rows_t *out)
{
    db_params_t p = {0};
    db_param_int(&p, org_id);
    db_res_t *r = db_query(db,
                           "SELECT id, name, first_day::text, last_day::text FROM work_periods"
                           " WHERE org_id = $1 ORDER BY first_day",
                           &p);
    if (!r)
        return -1;
    int n = db_res_rows(r);
    out->periods = xcalloc((size_t)n + 1, sizeof *out->periods);
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        db_period_row_t *pr = &out->periods[out->n_periods++];
        pr->name = db_res_dup(r, i, 1);
        pr->first = db_res_dup(r, i, 2);
        pr->last = db_res_dup(r, i, 3);
        rc = s_period_week(db, db_res_int(r, i, 0), &pr->week);
    }
    db_res_free(&r);
    return rc;
}

int db_calendar_rows(db_t *db, int64_t org_id, int year, db_calendar_rows_t *out)
{
    memset(out, 0, sizeof *out);
    if (db_calendar_week(db, org_id, &out->week) != 0 || s_periods(db, org_id, out) != 0)
        return -1;
    db_params_t p = {0};
    db_param_int(&p, org_id);
    db_param_int(&p, year);
    db_res_t *r = db_query(db,
                           "SELECT day::text, kind, name FROM holidays WHERE org_id = $1"
                           " AND ($2 = 0 OR extract(year FROM day) = $2) ORDER BY day",
                           &p);
    if (!r)
        return -1;
    int n = db_res_rows(r);
    out->holidays = xcalloc((size_t)n + 1, sizeof *out->holidays);
    for (int i = 0; i < n; i++) {
        db_holiday_row_t *h = &out->holidays[out->n_holidays++];
        h->date = db_res_dup(r, i, 0);
        h->kind = db_res_dup(r, i, 1);
        h->name = db_res_dup(r, i, 2);
    }
    db_res_free(&r);
    return 0;
}

int db_clock_get(db_t *db, int64_t *now, bool *set)
{
    db_res_t *r = db_query(db, "SELECT extract(epoch FROM now_at)::bigint FROM test_clock", NULL);
    if (!r)
        return -1;
    *set = db_res_rows(r) == 1;
    if (*set)
        *now = db_res_int(r, 0, 0);
    db_res_free(&r);
    return 0;
}

int db_clock_set(db_t *db, int64_t now)
{
    db_params_t p = {0};
    db_param_int(&p, now);
    return db_exec(db,
                   "INSERT INTO test_clock (now_at) VALUES (to_timestamp($1))"
                   " ON CONFLICT (id) DO UPDATE SET now_at = EXCLUDED.now_at",
                   &p);
}
