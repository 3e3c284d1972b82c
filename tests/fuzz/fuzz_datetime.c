/* fuzz_datetime — the date, time and duration parsers of daemon/calendar.c on any text; the first
 * byte picks the parser, the rest is the text. Properties: no crash or undefined behaviour; what
 * cal_parse_date and cal_parse_local accept formats back to text they read to the same value;
 * a clock is within 00:00..24:00; a duration's due time, on the default week from a parsed
 * start, is never before the start. */
#include "calendar.h"
#include "fuzz.h"

#include <errno.h>

/* The due time of value units from start on the default week. */
static void s_due(cal_min_t start, int64_t value, cal_unit_t unit)
{
    cal_week_t week;
    calendar_default_week(&week);
    calendar_t *cal = calendar_new(&week);
    for (int wall = 0; wall <= 1; wall++) {
        cal_min_t due = 0;
        int rc = calendar_due(cal, start, value, unit, wall, &due);
        FUZZ_CHECK(rc == 0 || rc == -ERANGE);
        if (rc == 0)
            FUZZ_CHECK(due >= start);
    }
    calendar_destroy(&cal);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    char *text = fuzz_text(data + 1, size - 1);
    char buf[64];
    switch (data[0] % 4) {
    case 0: {
        cal_day_t d, back;
        if (cal_parse_date(text, &d) == 0) {
            cal_format_date(d, buf, sizeof buf);
            FUZZ_CHECK(cal_parse_date(buf, &back) == 0 && back == d);
            int y, m, day;
            cal_civil_from_days(d, &y, &m, &day);
            FUZZ_CHECK(cal_days_from_civil(y, m, day) == d);
            FUZZ_CHECK(cal_weekday(d) >= 0 && cal_weekday(d) <= 6);
        }
        break;
    }
    case 1: {
        cal_min_t t, back;
        if (cal_parse_local(text, &t) == 0) {
            cal_format_local(t, buf, sizeof buf);
            FUZZ_CHECK(cal_parse_local(buf, &back) == 0 && back == t);
            s_due(t, 7, CAL_DAYS);
        }
        break;
    }
    case 2: {
        int minutes;
        if (cal_parse_clock(text, &minutes) == 0)
            FUZZ_CHECK(minutes >= 0 && minutes <= CAL_MINUTES_PER_DAY);
        break;
    }
    default: {
        int64_t value;
        cal_unit_t unit;
        if (calendar_parse_duration(text, &value, &unit) == 0) {
            FUZZ_CHECK(value >= 0 && value <= calendar_max_duration(unit));
            FUZZ_CHECK(unit == CAL_MINUTES || unit == CAL_HOURS || unit == CAL_DAYS);
            /* 2026-03-17 14:00, a Tuesday */
            s_due(cal_days_from_civil(2026, 3, 17) * (int64_t)CAL_MINUTES_PER_DAY + 14 * 60, value,
                  unit);
        }
        break;
    }
    }
    free(text);
    return 0;
}
