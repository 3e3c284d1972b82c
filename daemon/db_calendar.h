/* db_calendar — an organisation's working calendar in the database (hours, special periods,
 * holidays), its version counter, pending timers, and the shared test clock. Any thread with its
 * own connection (workers, the database loop). */
#ifndef LKIP_DB_CALENDAR_H
#define LKIP_DB_CALENDAR_H

#include "calendar.h"
#include "db.h"
#include "wire.h"

/* Builds the calendar of org_id from its rows; *version gets its calendar_version. Caller owns
 * the result. NULL on a database error. */
calendar_t *db_calendar_load(db_t *db, int64_t org_id, int *version);

/* The regular week of org_id. Returns 0 or -1. */
int db_calendar_week(db_t *db, int64_t org_id, cal_week_t *week) WUR;

/* Marks the calendar of org_id (0: every organisation) changed. Returns 0 or -1. */
int db_calendar_bump(db_t *db, int64_t org_id) WUR;

/* Adds or renames a holiday for org_id, or for every organisation when org_id is 0.
 * *changed counts rows inserted or updated. Returns 0 or -1. */
int db_holiday_put(db_t *db, int64_t org_id, const char *date, const char *kind, const char *name,
                   int *changed) WUR;

/* Removes a holiday of org_id, or of every organisation when org_id is 0. */
int db_holiday_remove(db_t *db, int64_t org_id, const char *date, int *changed) WUR;

/* The kind of the holiday on date for org_id; "" when none (kind must hold 16 bytes). */
int db_holiday_kind(db_t *db, int64_t org_id, const char *date, char *kind, size_t len) WUR;

/* Replaces the regular week of org_id. Returns 0 or -1. */
int db_hours_set(db_t *db, int64_t org_id, const cal_week_t *week) WUR;

/* Adds a special period; *overlap names a period it overlaps (caller frees; NULL when none),
 * *taken when the name exists. Returns 0 or -1. */
int db_period_add(db_t *db, int64_t org_id, const char *name, const char *first, const char *last,
                  const cal_week_t *week, char **overlap, bool *taken) WUR;
int db_period_remove(db_t *db, int64_t org_id, const char *name, bool *found) WUR;

/* A special period with its week. Owned strings. */
typedef struct {
    char *name;
    char *first; /* YYYY-MM-DD */
    char *last;
    cal_week_t week;
} db_period_row_t;

/* A holiday. Owned strings. */
typedef struct {
    char *date; /* YYYY-MM-DD */
    char *kind;
    char *name;
} db_holiday_row_t;

/* An organisation's calendar as stored (db_calendar_rows_clear). */
typedef struct {
    cal_week_t week;
    db_period_row_t *periods;
    int n_periods;
    db_holiday_row_t *holidays;
    int n_holidays;
} db_calendar_rows_t;

/* The week, periods and holidays (of year; 0: all) of org_id into *out (cleared by the caller
 * in every case). 0 or -1. */
int db_calendar_rows(db_t *db, int64_t org_id, int year, db_calendar_rows_t *out) WUR;
void db_calendar_rows_clear(db_calendar_rows_t *rows);

/* An organisation told today that next year's holidays are missing (db_holiday_reminders). */
typedef struct {
    int64_t org_id;
    char org_code[40];
    char time_zone[64];
    int year; /* the year without holidays */
} db_holiday_reminder_t;

/* In the open transaction: every enabled organisation whose local date at now is on or after
 * from ("MM-DD") and that has no holiday of next year, and was not told on that local date yet,
 * is recorded as told (holiday_reminders) and returned. Caller frees *out. Count or -1. */
int db_holiday_reminders(db_t *db, int64_t now, const char *from, db_holiday_reminder_t **out) WUR;

/* Fills the week, periods and holidays (of year; 0: all) of org_id into reply. 0 or -1. */
int db_calendar_show(db_t *db, int64_t org_id, int year, Lkip__CalendarReply *reply) WUR;

/* The test clock: *set false when never set. Returns 0 or -1. */
int db_clock_get(db_t *db, int64_t *now, bool *set) WUR;
int db_clock_set(db_t *db, int64_t now) WUR;

#endif
