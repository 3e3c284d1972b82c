/* calendar — working-time arithmetic of one organisation (LKIP.md, "Working time"): weekly
 * working hours with breaks, special periods with other hours (Ramadan), holidays, and the due
 * time of a step's "Waktu". Pure: all times are local civil minutes of the organisation's time
 * zone (tz.h converts to and from UTC); no clock, no I/O. Any thread: a calendar_t is only read
 * once built. */
#ifndef LKIP_CALENDAR_H
#define LKIP_CALENDAR_H

#include "civil.h" /* cal_min_t, cal_day_t and the civil date helpers */

#define CAL_MINUTES_PER_DAY 1440
#define CAL_MAX_SPANS       4

/* One working stretch of a day, minutes after midnight: [start, end), start < end. */
typedef struct {
    int16_t start;
    int16_t end;
} cal_span_t;

/* The working stretches of one weekday, ascending and not overlapping; n == 0: day off. */
typedef struct {
    int n;
    cal_span_t span[CAL_MAX_SPANS];
} cal_hours_t;

/* Working hours per weekday; index 0 is Sunday ... 6 Saturday (as struct tm's tm_wday). */
typedef struct {
    cal_hours_t day[7];
} cal_week_t;

typedef struct calendar calendar_t;

/* A calendar with the given regular week and no holidays or periods. Caller owns it. */
calendar_t *calendar_new(const cal_week_t *week);
void calendar_destroy(calendar_t **self_p);

/* Perpres 21/2023: Mon-Thu 07:30-16:00 with a 12:00-13:00 break; Fri 07:30-16:30 with an
 * 11:30-13:00 break; Saturday and Sunday off (37.5 h). */
void calendar_default_week(cal_week_t *week);

/* Checks a week: spans inside 00:00-24:00, ascending, not overlapping. 0 or -EINVAL. */
int calendar_check_week(const cal_week_t *week) WUR;

/* Adds a special period [first, last] (inclusive dates) with its own week. Returns 0, -EINVAL
 * (last < first or a bad week) or -EEXIST (overlaps another period). */
int calendar_add_period(calendar_t *self, cal_day_t first, cal_day_t last,
                        const cal_week_t *week) WUR;

/* Marks a date as a holiday (no working time at all). Adding one twice is fine. */
void calendar_add_holiday(calendar_t *self, cal_day_t day);
void calendar_remove_holiday(calendar_t *self, cal_day_t day);
bool calendar_is_holiday(const calendar_t *self, cal_day_t day);
/* True when any holiday of year is loaded: a year without any has simply not been imported
 * (every year has national holidays), and due times in it ignore its holidays. */
bool calendar_year_has_holidays(const calendar_t *self, int year);

/* The working hours that apply on a date (holiday: none; inside a period: the period's). */
const cal_hours_t *calendar_hours(const calendar_t *self, cal_day_t day);

/* t itself when it is working time, else the start of the next working stretch. Returns -1
 * when there is no working time within 3660 days (a calendar without any working hours). */
cal_min_t calendar_next_working(const calendar_t *self, cal_min_t t);

/* Working minutes in [from, to); 0 when to <= from. */
int64_t calendar_working_minutes(const calendar_t *self, cal_min_t from, cal_min_t to);

/* The instant reached after `minutes` working minutes counted from start (start moved to the
 * next working time first). Lands on the end of a stretch rather than the next start: 60
 * working minutes from 15:00 on a Monday is 16:00 the same day. -ERANGE when unreachable. */
int calendar_add_working(const calendar_t *self, cal_min_t start, int64_t minutes,
                         cal_min_t *out) WUR;

typedef enum {
    CAL_MINUTES, /* working minutes */
    CAL_HOURS,   /* working hours = 60 working minutes */
    CAL_DAYS,    /* working days, at the same working clock time */
} cal_unit_t;

/* The due time of work assigned at start that takes `value` units (LKIP.md):
 * - minutes and hours count working minutes (calendar_add_working);
 * - days: start moves to the next working time, then N working days later at the same clock
 *   time; when that clock time is before the target day's first stretch it becomes the start of
 *   that stretch, when after its last stretch the end of it (so Friday's longer hours or
 *   Ramadan's later start never push a deadline into another day);
 * - wall_clock: plain calendar arithmetic from start (value minutes, hours or 24-hour days).
 * Returns 0, -EINVAL (value < 0) or -ERANGE (no working time ahead). */
int calendar_due(const calendar_t *self, cal_min_t start, int64_t value, cal_unit_t unit,
                 bool wall_clock, cal_min_t *due) WUR;

/* The longest duration a due time is computed for: ten years of days (and as many hours or
 * minutes); anything longer is a mistake, not a deadline. Due times are found by walking the
 * calendar day by day: fuzz_datetime found that "1287184671 minutes" kept a worker busy for a
 * sixth of a second before failing. */
#define CAL_MAX_DURATION_DAYS 3650

/* The largest N of "<N> unit" accepted (CAL_MAX_DURATION_DAYS in that unit). */
int64_t calendar_max_duration(cal_unit_t unit);

/* Parses "5 menit", "2 jam", "7 hari" (also "menit"/"jam"/"hari" capitalised, and the English
 * "minutes"/"hours"/"days"). Returns 0, -EINVAL (not a duration) or -ERANGE (longer than
 * calendar_max_duration). */
int calendar_parse_duration(const char *text, int64_t *value, cal_unit_t *unit) WUR;

/* "YYYY-MM-DD" -> date; "YYYY-MM-DD HH:MM" (or 'T' between) -> minutes. 0 or -EINVAL (also
 * for impossible dates such as 2026-02-30). */
int cal_parse_date(const char *text, cal_day_t *out) WUR;
int cal_parse_local(const char *text, cal_min_t *out) WUR;
/* Formats as "YYYY-MM-DD HH:MM" (buf of at least 17 bytes) / "YYYY-MM-DD" (11 bytes). */
void cal_format_local(cal_min_t t, char *buf, size_t len);
void cal_format_date(cal_day_t d, char *buf, size_t len);
/* "08:00" -> 480; "24:00" -> 1440. 0 or -EINVAL. */
int cal_parse_clock(const char *text, int *minutes) WUR;

#endif
