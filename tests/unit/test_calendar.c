/* test_calendar — unit tests of daemon/calendar.c: due times of the SOP's "Waktu" over the
 * Perpres 21/2023 week, breaks, weekends, the 2026 holidays (Idul Fitri, year end), a
 * Ramadan-like special period, wall-clock steps, the parsers, and a minute-by-minute oracle
 * that checks calendar_add_working and calendar_working_minutes over nine weeks. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"

/* data/holidays-2026.csv (SKB 3 Menteri): libur nasional and cuti bersama. */
static const char *const s_holidays_2026[] = {
    "2026-01-01", "2026-01-16", "2026-02-16", "2026-02-17", "2026-03-18",
    "2026-03-19", "2026-03-20", "2026-03-21", "2026-03-22", "2026-03-23",
    "2026-03-24", "2026-04-03", "2026-04-05", "2026-05-01", "2026-05-14",
    "2026-05-15", "2026-05-27", "2026-05-28", "2026-05-31", "2026-06-01",
    "2026-06-16", "2026-08-17", "2026-08-25", "2026-12-24", "2026-12-25",
};

/* ---- helpers ------------------------------------------------------------------------------- */

static cal_min_t s_at(const char *text)
{
    cal_min_t t = 0;
    assert_int_equal(cal_parse_local(text, &t), 0);
    return t;
}

static cal_day_t s_date(const char *text)
{
    cal_day_t d = 0;
    assert_int_equal(cal_parse_date(text, &d), 0);
    return d;
}

static cal_hours_t s_hours2(int a, int b, int c, int d)
{
    cal_hours_t h = {2, {{(int16_t)a, (int16_t)b}, {(int16_t)c, (int16_t)d}}};
    return h;
}

/* The Ramadan-like week: Mon-Thu 08:00-15:00 with a 12:00-12:30 break, Fri 08:00-15:30 with an
 * 11:30-12:30 break (32.5 h). */
static void s_ramadan_week(cal_week_t *week)
{
    memset(week, 0, sizeof(*week));
    for (int d = 1; d <= 4; d++)
        week->day[d] = s_hours2(480, 720, 750, 900);
    week->day[5] = s_hours2(480, 690, 750, 930);
}

static calendar_t *s_cal_default(void)
{
    cal_week_t week;
    calendar_default_week(&week);
    calendar_t *cal = calendar_new(&week);
    assert_non_null(cal);
    return cal;
}

/* The default week with every 2026 holiday and 2027-01-01. */
static calendar_t *s_cal_2026(void)
{
    calendar_t *cal = s_cal_default();
    for (size_t i = 0; i < ARRAY_LEN(s_holidays_2026); i++)
        calendar_add_holiday(cal, s_date(s_holidays_2026[i]));
    calendar_add_holiday(cal, s_date("2027-01-01"));
    return cal;
}

/* s_cal_2026 plus the Ramadan-like week 2026-02-23 (Mon) ... 2026-02-27 (Fri). */
static calendar_t *s_cal_ramadan(void)
{
    calendar_t *cal = s_cal_2026();
    cal_week_t week;
    s_ramadan_week(&week);
    assert_int_equal(calendar_add_period(cal, s_date("2026-02-23"), s_date("2026-02-27"), &week),
                     0);
    return cal;
}

static int s_setup_2026(void **state)
{
    *state = s_cal_2026();
    return 0;
}

static int s_setup_ramadan(void **state)
{
    *state = s_cal_ramadan();
    return 0;
}

static int s_setup_default(void **state)
{
    *state = s_cal_default();
    return 0;
}

static int s_teardown(void **state)
{
    calendar_t *cal = *state;
    calendar_destroy(&cal);
    assert_null(cal);
    return 0;
}

/* One due-time expectation: work of `duration` assigned at `start` is due at `due`. */
typedef struct {
    const char *start;    /* "YYYY-MM-DD HH:MM", local */
    const char *duration; /* as in the SOP, parsed by calendar_parse_duration */
    bool wall_clock;      /* the step opted out of working time */
    const char *due;      /* expected, "YYYY-MM-DD HH:MM" */
} due_case_t;

static void s_check_due_table(const calendar_t *cal, const due_case_t *cases, size_t n)
{
    int failures = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t value;
        cal_unit_t unit;
        cal_min_t due = 0;
        char got[32];
        assert_int_equal(calendar_parse_duration(cases[i].duration, &value, &unit), 0);
        int rc = calendar_due(cal, s_at(cases[i].start), value, unit, cases[i].wall_clock, &due);
        cal_format_local(due, got, sizeof(got));
        if (rc != 0 || strcmp(got, cases[i].due) != 0) {
            print_error("case %zu: %s + %s%s: expected %s, got %s (rc %d)\n", i, cases[i].start,
                        cases[i].duration, cases[i].wall_clock ? " (wall clock)" : "", cases[i].due,
                        got, rc);
            failures++;
        }
    }
    assert_int_equal(failures, 0);
}

#define CHECK_DUE_TABLE(cal, table) s_check_due_table((cal), (table), ARRAY_LEN(table))

/* ---- due times over the regular week ------------------------------------------------------- */

/* Week of 2026-03-02 (Mon) ... 2026-03-06 (Fri): no holiday. */
static void s_test_due_weekend(void **state)
{
    static const due_case_t cases[] = {
        /* Friday afternoon across the weekend */
        {"2026-03-06 15:00", "90 menit", false, "2026-03-06 16:30"},
        {"2026-03-06 15:00", "120 menit", false, "2026-03-09 08:00"},
        {"2026-03-06 15:00", "2 jam", false, "2026-03-09 08:00"},
        {"2026-03-06 16:00", "1 jam", false, "2026-03-09 08:00"},
        {"2026-03-06 15:00", "7 jam", false, "2026-03-09 14:00"},
        {"2026-03-06 15:00", "1 hari", false, "2026-03-09 15:00"},
        {"2026-03-06 15:00", "5 hari", false, "2026-03-13 15:00"},
        /* days clamping: Friday 16:15 does not exist on Monday (ends 16:00) */
        {"2026-03-06 16:15", "1 hari", false, "2026-03-09 16:00"},
        {"2026-03-06 16:29", "1 hari", false, "2026-03-09 16:00"},
        {"2026-03-06 16:15", "5 hari", false, "2026-03-13 16:15"},
        {"2026-03-06 16:30", "1 hari", false, "2026-03-10 07:30"},
        /* the clock time is kept when it falls into the target day's break */
        {"2026-03-02 11:45", "4 hari", false, "2026-03-06 11:45"},
        {"2026-03-02 15:59", "4 hari", false, "2026-03-06 15:59"},
    };
    CHECK_DUE_TABLE(*state, cases);
}

static void s_test_due_breaks(void **state)
{
    static const due_case_t cases[] = {
        {"2026-03-02 11:45", "30 menit", false, "2026-03-02 13:15"},
        {"2026-03-02 12:15", "30 menit", false, "2026-03-02 13:30"}, /* in the break */
        {"2026-03-02 12:00", "30 menit", false, "2026-03-02 13:30"},
        {"2026-03-02 12:59", "1 menit", false, "2026-03-02 13:01"},
        {"2026-03-02 11:30", "30 menit", false, "2026-03-02 12:00"}, /* lands on the end */
        {"2026-03-02 11:59", "1 menit", false, "2026-03-02 12:00"},
        {"2026-03-02 12:30", "0 menit", false, "2026-03-02 13:00"},
        {"2026-03-02 13:00", "0 menit", false, "2026-03-02 13:00"},
        {"2026-03-02 10:00", "4 jam", false, "2026-03-02 15:00"},
        {"2026-03-05 11:45", "30 menit", false, "2026-03-05 13:15"}, /* Thursday */
        /* Friday's break is 11:30-13:00 */
        {"2026-03-06 11:15", "30 menit", false, "2026-03-06 13:15"},
        {"2026-03-06 11:30", "1 menit", false, "2026-03-06 13:01"},
        {"2026-03-06 11:45", "30 menit", false, "2026-03-06 13:30"},
        {"2026-03-06 11:00", "30 menit", false, "2026-03-06 11:30"},
        {"2026-03-06 12:00", "1 hari", false, "2026-03-09 13:00"}, /* moved to 13:00 first */
    };
    CHECK_DUE_TABLE(*state, cases);
}

static void s_test_due_outside_hours(void **state)
{
    static const due_case_t cases[] = {
        {"2026-03-02 06:00", "1 jam", false, "2026-03-02 08:30"},
        {"2026-03-02 00:00", "30 menit", false, "2026-03-02 08:00"},
        {"2026-03-02 07:29", "1 menit", false, "2026-03-02 07:31"},
        {"2026-03-02 07:30", "1 menit", false, "2026-03-02 07:31"},
        {"2026-03-02 16:00", "1 jam", false, "2026-03-03 08:30"},
        {"2026-03-02 23:59", "5 menit", false, "2026-03-03 07:35"},
        {"2026-03-07 10:00", "1 jam", false, "2026-03-09 08:30"}, /* Saturday */
        {"2026-03-08 23:00", "1 jam", false, "2026-03-09 08:30"}, /* Sunday */
        {"2026-03-07 10:00", "0 menit", false, "2026-03-09 07:30"},
        {"2026-03-07 10:00", "0 hari", false, "2026-03-09 07:30"},
        {"2026-03-08 10:00", "1 hari", false, "2026-03-10 07:30"},
        {"2026-03-02 06:00", "1 hari", false, "2026-03-03 07:30"},
        {"2026-03-02 16:00", "1 hari", false, "2026-03-04 07:30"},
        {"2026-03-02 10:00", "0 hari", false, "2026-03-02 10:00"},
    };
    CHECK_DUE_TABLE(*state, cases);
}

/* LKIP.md: assigned Monday 10:00 with 7 hari -> Wednesday of the next week 10:00. */
static void s_test_due_lkip_example(void **state)
{
    static const due_case_t cases[] = {
        {"2026-03-02 10:00", "7 hari", false, "2026-03-11 10:00"},
        {"2026-03-02 10:00", "7 days", false, "2026-03-11 10:00"},
        {"2026-03-02 10:00", "7 Hari", false, "2026-03-11 10:00"},
        /* every hour of the SOP's 15 working days from a Monday morning */
        {"2026-03-02 08:00", "15 hari", false, "2026-03-30 08:00"},
    };
    CHECK_DUE_TABLE(*state, cases);
}

/* ---- holidays ------------------------------------------------------------------------------ */

/* Nyepi + Idul Fitri 2026: 18-24 March are all free, Tue 17 and Wed 25 are working days. */
static void s_test_due_idul_fitri(void **state)
{
    static const due_case_t cases[] = {
        {"2026-03-17 14:00", "3 hari", false, "2026-03-27 14:00"},
        {"2026-03-17 14:00", "1 hari", false, "2026-03-25 14:00"},
        {"2026-03-17 15:00", "2 jam", false, "2026-03-25 08:30"},
        {"2026-03-17 15:00", "60 menit", false, "2026-03-17 16:00"},
        {"2026-03-17 15:00", "61 menit", false, "2026-03-25 07:31"},
        {"2026-03-17 16:00", "1 hari", false, "2026-03-26 07:30"},
        {"2026-03-20 09:00", "1 menit", false, "2026-03-25 07:31"}, /* on a holiday */
        {"2026-03-13 10:00", "5 hari", false, "2026-03-27 10:00"},
        {"2026-03-17 14:00", "3 hari", true, "2026-03-20 14:00"}, /* wall clock ignores it */
    };
    CHECK_DUE_TABLE(*state, cases);
}

static void s_test_due_other_holidays(void **state)
{
    static const due_case_t cases[] = {
        {"2026-01-15 15:30", "1 jam", false, "2026-01-19 08:00"},    /* Isra Mikraj, Fri 16 Jan */
        {"2026-02-13 10:00", "1 hari", false, "2026-02-18 10:00"},   /* Imlek, Mon-Tue */
        {"2026-04-02 10:00", "1 hari", false, "2026-04-06 10:00"},   /* Good Friday */
        {"2026-05-13 10:00", "1 hari", false, "2026-05-18 10:00"},   /* Kenaikan, Thu-Fri */
        {"2026-05-26 10:00", "3 hari", false, "2026-06-03 10:00"},   /* Iduladha + Pancasila */
        {"2026-08-14 16:30", "30 menit", false, "2026-08-18 08:00"}, /* 17 Agustus (Mon) */
        {"2025-12-31 15:00", "2 jam", false, "2026-01-02 08:30"},    /* Tahun Baru */
    };
    CHECK_DUE_TABLE(*state, cases);
}

/* Year end: 24-25 Dec holidays, weekend 26-27, 1 Jan 2027 a holiday (added by s_cal_2026). */
static void s_test_due_year_end(void **state)
{
    calendar_t *cal = *state;
    static const due_case_t cases[] = {
        {"2026-12-23 10:00", "5 hari", false, "2027-01-04 10:00"},
        {"2026-12-23 10:00", "1 hari", false, "2026-12-28 10:00"},
        {"2026-12-23 15:00", "2 jam", false, "2026-12-28 08:30"},
        {"2026-12-23 16:00", "1 hari", false, "2026-12-29 07:30"},
        {"2026-12-31 15:00", "2 jam", false, "2027-01-04 08:30"},
        {"2026-12-31 15:00", "1 hari", false, "2027-01-04 15:00"},
        {"2026-12-23 10:00", "10 hari", true, "2027-01-02 10:00"},
    };
    CHECK_DUE_TABLE(cal, cases);

    /* Without 1 January 2027 in the calendar it is an ordinary Friday. */
    calendar_remove_holiday(cal, s_date("2027-01-01"));
    static const due_case_t without[] = {
        {"2026-12-23 10:00", "5 hari", false, "2027-01-01 10:00"},
        {"2026-12-31 15:00", "2 jam", false, "2027-01-01 08:30"},
    };
    CHECK_DUE_TABLE(cal, without);
}

/* The daemon recomputes open deadlines when the holiday table changes. */
static void s_test_due_holiday_added_later(void **state)
{
    calendar_t *cal = *state;
    cal_min_t start = s_at("2026-03-02 10:00"), before, after, again;
    assert_int_equal(calendar_due(cal, start, 3, CAL_DAYS, false, &before), 0);
    assert_int_equal(before, s_at("2026-03-05 10:00"));

    calendar_add_holiday(cal, s_date("2026-03-04"));
    assert_int_equal(calendar_due(cal, start, 3, CAL_DAYS, false, &after), 0);
    assert_int_equal(after, s_at("2026-03-06 10:00"));
    assert_true(after > before);

    cal_min_t hours;
    assert_int_equal(calendar_due(cal, s_at("2026-03-03 15:00"), 2, CAL_HOURS, false, &hours), 0);
    assert_int_equal(hours, s_at("2026-03-05 08:30"));

    calendar_remove_holiday(cal, s_date("2026-03-04"));
    assert_int_equal(calendar_due(cal, start, 3, CAL_DAYS, false, &again), 0);
    assert_int_equal(again, before);
}

static void s_test_holiday_set(void **state)
{
    calendar_t *cal = s_cal_default();
    cal_day_t d = s_date("2026-08-17");
    assert_false(calendar_is_holiday(cal, d));
    calendar_add_holiday(cal, d);
    calendar_add_holiday(cal, d); /* twice is fine */
    assert_true(calendar_is_holiday(cal, d));
    assert_int_equal(calendar_hours(cal, d)->n, 0);
    calendar_remove_holiday(cal, d);
    assert_false(calendar_is_holiday(cal, d));
    assert_int_equal(calendar_hours(cal, d)->n, 2);
    calendar_remove_holiday(cal, d); /* absent: no-op */

    /* Many dates in scrambled order stay a correct set. */
    enum { SPAN = 4000 };
    bool *want = calloc(SPAN, sizeof(bool));
    assert_non_null(want);
    cal_day_t base = s_date("2020-01-01");
    uint32_t x = 12345;
    for (int i = 0; i < 3000; i++) {
        x = x * 1103515245u + 12345u;
        int k = (int)((x >> 8) % SPAN);
        if (i % 3 == 2) {
            calendar_remove_holiday(cal, base + k);
            want[k] = false;
        } else {
            calendar_add_holiday(cal, base + k);
            want[k] = true;
        }
    }
    for (int k = 0; k < SPAN; k++)
        assert_int_equal(calendar_is_holiday(cal, base + k), want[k]);
    assert_false(calendar_is_holiday(cal, base - 1));
    assert_false(calendar_is_holiday(cal, base + SPAN));
    free(want);
    calendar_destroy(&cal);
}

/* ---- special periods ----------------------------------------------------------------------- */

static void s_test_due_period(void **state)
{
    static const due_case_t cases[] = {
        {"2026-02-23 07:45", "30 menit", false, "2026-02-23 08:30"},
        {"2026-02-23 11:50", "20 menit", false, "2026-02-23 12:40"},
        {"2026-02-23 12:45", "2 jam", false, "2026-02-23 14:45"},
        {"2026-02-23 14:30", "1 jam", false, "2026-02-24 08:30"},
        {"2026-02-23 15:00", "0 menit", false, "2026-02-24 08:00"},
        {"2026-02-27 11:20", "20 menit", false, "2026-02-27 12:40"},
        {"2026-02-27 15:00", "30 menit", false, "2026-02-27 15:30"},
        {"2026-02-21 10:00", "0 menit", false, "2026-02-23 08:00"},
        /* across the period's edges */
        {"2026-02-20 16:00", "1 jam", false, "2026-02-23 08:30"},
        {"2026-02-27 14:30", "2 jam", false, "2026-03-02 08:30"},
        /* days: the later start and earlier end clamp the clock into the target day */
        {"2026-02-20 07:30", "1 hari", false, "2026-02-23 08:00"},
        {"2026-02-20 16:15", "1 hari", false, "2026-02-23 15:00"},
        {"2026-02-19 15:50", "1 hari", false, "2026-02-20 15:50"},
        {"2026-02-26 14:00", "1 hari", false, "2026-02-27 14:00"},
        {"2026-02-26 14:00", "2 hari", false, "2026-03-02 14:00"},
        {"2026-02-27 15:15", "1 hari", false, "2026-03-02 15:15"},
        {"2026-02-20 10:00", "5 hari", false, "2026-02-27 10:00"},
    };
    CHECK_DUE_TABLE(*state, cases);
}

static void s_test_period_hours(void **state)
{
    calendar_t *cal = *state;
    const cal_hours_t *mon = calendar_hours(cal, s_date("2026-02-23"));
    assert_int_equal(mon->n, 2);
    assert_int_equal(mon->span[0].start, 480);
    assert_int_equal(mon->span[1].end, 900);
    assert_int_equal(calendar_hours(cal, s_date("2026-03-02"))->span[0].start, 450);
    assert_int_equal(calendar_hours(cal, s_date("2026-02-20"))->span[0].start, 450);
    /* 32.5 hours in the period's week */
    assert_int_equal(
        calendar_working_minutes(cal, s_at("2026-02-23 00:00"), s_at("2026-03-02 00:00")), 1950);
    /* A holiday inside a period wins. */
    calendar_add_holiday(cal, s_date("2026-02-25"));
    assert_int_equal(calendar_hours(cal, s_date("2026-02-25"))->n, 0);
    assert_int_equal(
        calendar_working_minutes(cal, s_at("2026-02-23 00:00"), s_at("2026-03-02 00:00")), 1560);
}

static void s_test_add_period(void **state)
{
    calendar_t *cal = s_cal_default();
    cal_week_t week, bad;
    s_ramadan_week(&week);
    bad = week;
    bad.day[1] = s_hours2(480, 720, 700, 900);
    static const struct {
        int first, last, rc;
    } steps[] = {
        {100, 120, 0},      {110, 130, -EEXIST}, {90, 100, -EEXIST}, {120, 120, -EEXIST},
        {90, 130, -EEXIST}, {105, 106, -EEXIST}, {121, 140, 0},      {50, 99, 0},
        {141, 141, 0},      {99, 99, -EEXIST},   {30, 20, -EINVAL},  {200, 300, 0},
        {142, 199, 0},      {142, 142, -EEXIST},
    };
    for (size_t i = 0; i < ARRAY_LEN(steps); i++) {
        int rc = calendar_add_period(cal, steps[i].first, steps[i].last, &week);
        if (rc != steps[i].rc)
            print_error("step %zu [%d, %d]\n", i, steps[i].first, steps[i].last);
        assert_int_equal(rc, steps[i].rc);
    }
    assert_int_equal(calendar_add_period(cal, 400, 410, &bad), -EINVAL);
    assert_int_equal(calendar_add_period(cal, 400, 410, NULL), -EINVAL);
    /* Each added period answers for its own dates, and only for them. */
    int with_period[] = {50, 99, 100, 120, 121, 140, 141, 142, 199, 200, 300};
    int without[] = {49, 301, 400};
    for (size_t i = 0; i < ARRAY_LEN(with_period); i++) {
        const cal_hours_t *h = calendar_hours(cal, with_period[i]);
        assert_true(h->n == 0 || h->span[0].start == 480);
    }
    for (size_t i = 0; i < ARRAY_LEN(without); i++) {
        const cal_hours_t *h = calendar_hours(cal, without[i]);
        assert_true(h->n == 0 || h->span[0].start == 450);
    }
    calendar_destroy(&cal);
}

/* ---- the week ------------------------------------------------------------------------------ */

static void s_test_default_week(void **state)
{
    cal_week_t w;
    calendar_default_week(&w);
    assert_int_equal(calendar_check_week(&w), 0);
    assert_int_equal(w.day[0].n, 0);
    assert_int_equal(w.day[6].n, 0);
    int total = 0;
    for (int d = 0; d < 7; d++)
        for (int i = 0; i < w.day[d].n; i++)
            total += w.day[d].span[i].end - w.day[d].span[i].start;
    assert_int_equal(total, 2250);
    assert_int_equal(w.day[1].span[0].start, 450);
    assert_int_equal(w.day[1].span[0].end, 720);
    assert_int_equal(w.day[4].span[1].start, 780);
    assert_int_equal(w.day[4].span[1].end, 960);
    assert_int_equal(w.day[5].span[0].end, 690);
    assert_int_equal(w.day[5].span[1].end, 990);
}

static void s_test_check_week(void **state)
{
    static const struct {
        cal_hours_t monday;
        int rc;
    } cases[] = {
        {{2, {{450, 720}, {780, 960}}}, 0},
        {{0, {{0, 0}}}, 0},
        {{1, {{0, 1440}}}, 0},
        {{2, {{450, 720}, {720, 960}}}, 0}, /* touching */
        {{4, {{60, 120}, {180, 240}, {300, 360}, {420, 480}}}, 0},
        {{2, {{450, 720}, {700, 960}}}, -EINVAL}, /* overlapping */
        {{2, {{780, 960}, {450, 720}}}, -EINVAL}, /* unsorted */
        {{2, {{450, 720}, {450, 720}}}, -EINVAL}, /* duplicate */
        {{1, {{450, 450}}}, -EINVAL},             /* empty */
        {{1, {{720, 450}}}, -EINVAL},             /* reversed */
        {{1, {{450, 1441}}}, -EINVAL},
        {{1, {{-1, 450}}}, -EINVAL},
        {{5, {{0, 1}}}, -EINVAL},
        {{-1, {{0, 1}}}, -EINVAL},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        cal_week_t w;
        calendar_default_week(&w);
        w.day[1] = cases[i].monday;
        if (calendar_check_week(&w) != cases[i].rc)
            print_error("case %zu\n", i);
        assert_int_equal(calendar_check_week(&w), cases[i].rc);
        calendar_t *cal = calendar_new(&w);
        assert_true((cal != NULL) == (cases[i].rc == 0));
        calendar_destroy(&cal);
    }
    assert_int_equal(calendar_check_week(NULL), -EINVAL);
    assert_null(calendar_new(NULL));
    calendar_destroy(NULL);
}

/* ---- working minutes ----------------------------------------------------------------------- */

static void s_test_working_minutes(void **state)
{
    calendar_t *plain = s_cal_default();
    calendar_t *cal = s_cal_2026();
    static const struct {
        const char *from, *to;
        int64_t plain, holidays;
    } cases[] = {
        {"2026-03-02 00:00", "2026-03-09 00:00", 2250, 2250}, /* 37.5 h */
        {"2026-03-04 12:34", "2026-03-11 12:34", 2250, 2250},
        {"2026-03-02 11:00", "2026-03-02 14:00", 120, 120},
        {"2026-03-06 11:00", "2026-03-06 14:00", 90, 90},
        {"2026-03-02 12:00", "2026-03-02 13:00", 0, 0},
        {"2026-03-07 00:00", "2026-03-09 00:00", 0, 0},
        {"2026-03-02 10:00", "2026-03-02 10:00", 0, 0},
        {"2026-03-02 11:00", "2026-03-02 10:00", 0, 0},
        {"2026-03-16 00:00", "2026-03-30 00:00", 4500, 2250}, /* Idul Fitri */
        {"2026-01-01 00:00", "2027-01-01 00:00", 117450, 108000},
        /* 2027-2028: 521 weekdays, less 1 January 2027 */
        {"2026-01-01 00:00", "2029-01-01 00:00", 351900, 108000 + 520 * 450},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        cal_min_t a = s_at(cases[i].from), b = s_at(cases[i].to);
        if (calendar_working_minutes(plain, a, b) != cases[i].plain ||
            calendar_working_minutes(cal, a, b) != cases[i].holidays)
            print_error("case %zu\n", i);
        assert_int_equal(calendar_working_minutes(plain, a, b), cases[i].plain);
        assert_int_equal(calendar_working_minutes(cal, a, b), cases[i].holidays);
    }
    /* Absurd bounds are clamped to the supported years, not looped over. */
    assert_int_equal(calendar_working_minutes(plain, INT64_MIN, INT64_MIN + 10), 0);
    assert_true(calendar_working_minutes(plain, INT64_MIN, INT64_MAX) > 0);
    calendar_destroy(&plain);
    calendar_destroy(&cal);
}

/* Nine weeks around Ramadan and Idul Fitri, minute by minute: a prefix count of working
 * minutes built from calendar_hours() alone is the oracle for calendar_add_working,
 * calendar_next_working and calendar_working_minutes. */
static void s_test_oracle(void **state)
{
    calendar_t *cal = *state;
    cal_min_t w0 = s_at("2026-02-09 00:00");
    enum { N = 9 * 7 * CAL_MINUTES_PER_DAY };
    int32_t *prefix = calloc(N + 1, sizeof(int32_t)); /* working minutes in [w0, w0 + i) */
    assert_non_null(prefix);
    for (int i = 0; i < N; i++) {
        cal_day_t day = (cal_day_t)((w0 + i) / CAL_MINUTES_PER_DAY);
        int clock = (int)((w0 + i) % CAL_MINUTES_PER_DAY);
        const cal_hours_t *h = calendar_hours(cal, day);
        bool working = false;
        for (int k = 0; k < h->n; k++)
            working |= clock >= h->span[k].start && clock < h->span[k].end;
        prefix[i + 1] = prefix[i] + working;
    }
    static const int64_t durations[] = {0,   1,   29,  30,  31,  60,  89,   90,   91,
                                        269, 270, 271, 450, 451, 900, 1950, 2250, 4000};
    long checked = 0;
    for (int s = 0; s < 5 * 7 * CAL_MINUTES_PER_DAY; s += 7) {
        for (size_t k = 0; k < ARRAY_LEN(durations); k++) {
            int64_t m = durations[k];
            /* The oracle: the first t whose count reaches the m-th minute (m = 0: the
             * first working minute itself). */
            int64_t need = prefix[s] + (m == 0 ? 1 : m);
            int lo = s, hi = N;
            while (lo < hi) {
                int mid = lo + (hi - lo) / 2;
                if (prefix[mid] < need)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            int t = lo;
            assert_true(prefix[t] >= need);
            cal_min_t want = w0 + t - (m == 0 ? 1 : 0);
            cal_min_t got = 0;
            assert_int_equal(calendar_add_working(cal, w0 + s, m, &got), 0);
            if (got != want) {
                char a[32], b[32], c[32];
                cal_format_local(w0 + s, a, sizeof(a));
                cal_format_local(want, b, sizeof(b));
                cal_format_local(got, c, sizeof(c));
                print_error("%s + %lld: want %s got %s\n", a, (long long)m, b, c);
            }
            assert_int_equal(got, want);
            assert_int_equal(calendar_working_minutes(cal, w0 + s, got), m);
            if (m == 0)
                assert_int_equal(calendar_next_working(cal, w0 + s), want);
            int e = s + (int)(m * 3 % (N - s));
            assert_int_equal(calendar_working_minutes(cal, w0 + s, w0 + e), prefix[e] - prefix[s]);
            checked++;
        }
    }
    assert_true(checked > 100000);
    free(prefix);
}

/* ---- edge cases of the due computation ----------------------------------------------------- */

static void s_test_due_errors(void **state)
{
    calendar_t *cal = s_cal_default();
    cal_week_t empty;
    memset(&empty, 0, sizeof(empty));
    calendar_t *none = calendar_new(&empty);
    assert_non_null(none);
    cal_min_t start = s_at("2026-03-02 10:00"), due = 0;

    assert_int_equal(calendar_due(cal, start, -1, CAL_DAYS, false, &due), -EINVAL);
    assert_int_equal(calendar_due(cal, start, -1, CAL_MINUTES, true, &due), -EINVAL);
    assert_int_equal(calendar_due(cal, start, 1, (cal_unit_t)7, false, &due), -EINVAL);
    assert_int_equal(calendar_add_working(cal, start, -5, &due), -EINVAL);

    /* no working time at all */
    assert_int_equal(calendar_next_working(none, start), -1);
    assert_int_equal(calendar_due(none, start, 1, CAL_MINUTES, false, &due), -ERANGE);
    assert_int_equal(calendar_due(none, start, 0, CAL_HOURS, false, &due), -ERANGE);
    assert_int_equal(calendar_due(none, start, 1, CAL_DAYS, false, &due), -ERANGE);
    assert_int_equal(calendar_add_working(none, start, 1, &due), -ERANGE);
    assert_int_equal(calendar_working_minutes(none, start, start + 100000), 0);
    /* wall clock needs no working time */
    assert_int_equal(calendar_due(none, start, 2, CAL_HOURS, true, &due), 0);
    assert_int_equal(due, s_at("2026-03-02 12:00"));

    /* overflow and the end of the supported years */
    assert_int_equal(calendar_due(cal, start, INT64_MAX, CAL_MINUTES, false, &due), -ERANGE);
    assert_int_equal(calendar_due(cal, start, INT64_MAX / 2, CAL_HOURS, false, &due), -ERANGE);
    assert_int_equal(calendar_due(cal, start, INT64_MAX, CAL_DAYS, false, &due), -ERANGE);
    assert_int_equal(calendar_due(cal, start, INT64_MAX, CAL_DAYS, true, &due), -ERANGE);
    assert_int_equal(calendar_due(cal, INT64_MAX, 0, CAL_MINUTES, true, &due), -ERANGE);
    assert_int_equal(calendar_due(cal, INT64_MAX, 0, CAL_MINUTES, false, &due), -ERANGE);
    assert_int_equal(calendar_next_working(cal, INT64_MAX), -1);
    assert_int_equal(calendar_next_working(cal, INT64_MIN), -1);

    /* The search for working time gives up after 3660 days. */
    cal_week_t week;
    calendar_default_week(&week);
    cal_day_t today = s_date("2026-03-02");
    assert_int_equal(calendar_add_period(none, today + 3000, today + 3010, &week), 0);
    assert_int_equal(calendar_add_period(none, today + 8000, today + 8010, &week), 0);
    cal_min_t next = calendar_next_working(none, start);
    cal_day_t d = (cal_day_t)(next / CAL_MINUTES_PER_DAY);
    assert_true(d >= today + 3000 && d <= today + 3010);
    assert_int_equal(calendar_next_working(none, s_at("2026-03-02 10:00") +
                                                     (cal_min_t)3100 * CAL_MINUTES_PER_DAY),
                     -1);
    /* today + 3000 is a Friday: the period holds 7 working days (3000, 3003-3007, 3010). */
    assert_int_equal(calendar_due(none, start, 6, CAL_DAYS, false, &due), 0);
    assert_int_equal(due, (cal_min_t)(today + 3010) * CAL_MINUTES_PER_DAY + 450);
    assert_int_equal(calendar_due(none, start, 7, CAL_DAYS, false, &due), -ERANGE);

    calendar_destroy(&cal);
    calendar_destroy(&none);
}

static void s_test_due_wall_clock(void **state)
{
    static const due_case_t cases[] = {
        {"2026-03-06 15:00", "2 jam", true, "2026-03-06 17:00"},
        {"2026-03-06 15:00", "90 menit", true, "2026-03-06 16:30"},
        {"2026-03-06 15:00", "1 hari", true, "2026-03-07 15:00"},
        {"2026-03-06 15:00", "0 hari", true, "2026-03-06 15:00"},
        {"2026-03-07 22:00", "5 menit", true, "2026-03-07 22:05"},
        {"2026-02-28 12:00", "1 hari", true, "2026-03-01 12:00"},
        {"2028-02-28 12:00", "1 hari", true, "2028-02-29 12:00"},
        {"2026-12-31 23:30", "1 jam", true, "2027-01-01 00:30"},
    };
    CHECK_DUE_TABLE(*state, cases);
}

/* ---- parsing and civil dates --------------------------------------------------------------- */

static void s_test_parse_duration(void **state)
{
    static const struct {
        const char *text;
        int rc;
        int64_t value;
        cal_unit_t unit;
    } cases[] = {
        {"5 menit", 0, 5, CAL_MINUTES},
        {"2 Jam", 0, 2, CAL_HOURS},
        {"7 hari", 0, 7, CAL_DAYS},
        {" 7  hari ", 0, 7, CAL_DAYS},
        {"\t7\thari\t", 0, 7, CAL_DAYS},
        {"10 MENIT", 0, 10, CAL_MINUTES},
        {"15 menit", 0, 15, CAL_MINUTES},
        {"1 jam", 0, 1, CAL_HOURS},
        {"2jam", 0, 2, CAL_HOURS},
        {"0 menit", 0, 0, CAL_MINUTES},
        {"30 minutes", 0, 30, CAL_MINUTES},
        {"1 minute", 0, 1, CAL_MINUTES},
        {"3 Hours", 0, 3, CAL_HOURS},
        {"1 hour", 0, 1, CAL_HOURS},
        {"5 days", 0, 5, CAL_DAYS},
        {"1 day", 0, 1, CAL_DAYS},
        {"007 hari", 0, 7, CAL_DAYS},
        {"7", -EINVAL, 0, 0},
        {"hari", -EINVAL, 0, 0},
        {"-1 hari", -EINVAL, 0, 0},
        {"7 minggu", -EINVAL, 0, 0},
        {"", -EINVAL, 0, 0},
        {"   ", -EINVAL, 0, 0},
        {"+1 hari", -EINVAL, 0, 0},
        {"1.5 jam", -EINVAL, 0, 0},
        {"1,5 jam", -EINVAL, 0, 0},
        {"7 hari lagi", -EINVAL, 0, 0},
        {"7 hari 2", -EINVAL, 0, 0},
        {"7 har", -EINVAL, 0, 0},
        {"7 harii", -EINVAL, 0, 0},
        {"hari 7", -EINVAL, 0, 0},
        {"99999999999999999999 menit", -ERANGE, 0, 0},
        /* issue 9: beyond ten years is no deadline (bad_duration, not no_working_time) */
        {"99999999 hari", -ERANGE, 0, 0},
        {"3650 hari", 0, 3650, CAL_DAYS},
        {"3651 hari", -ERANGE, 0, 0},
        {"87600 jam", 0, 87600, CAL_HOURS},
        {"87601 jam", -ERANGE, 0, 0},
        {"5256001 menit", -ERANGE, 0, 0},
        /* fuzz_datetime: 1,287,184,671 working minutes walked the calendar for a sixth of a
         * second before failing */
        {"1287184671 minutes", -ERANGE, 0, 0},
        {"7 hari\n", -EINVAL, 0, 0},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        int64_t value = -42;
        cal_unit_t unit = CAL_DAYS;
        int rc = calendar_parse_duration(cases[i].text, &value, &unit);
        if (rc != cases[i].rc)
            print_error("case %zu: \"%s\"\n", i, cases[i].text);
        assert_int_equal(rc, cases[i].rc);
        if (rc == 0) {
            assert_int_equal(value, cases[i].value);
            assert_int_equal(unit, cases[i].unit);
        } else {
            assert_int_equal(value, -42); /* untouched on error */
        }
    }
    int64_t v;
    cal_unit_t u;
    assert_int_equal(calendar_parse_duration(NULL, &v, &u), -EINVAL);
}

/* The longest duration the parser accepts has a due time, in every unit, on the default week
 * and in wall-clock time. */
static void s_test_due_longest_durations(void **state)
{
    cal_week_t week;
    calendar_default_week(&week);
    calendar_t *cal = calendar_new(&week);
    cal_min_t start = cal_days_from_civil(2026, 3, 17) * (int64_t)CAL_MINUTES_PER_DAY + 14 * 60;
    static const cal_unit_t units[] = {CAL_MINUTES, CAL_HOURS, CAL_DAYS};
    for (size_t i = 0; i < ARRAY_LEN(units); i++)
        for (int wall = 0; wall <= 1; wall++) {
            cal_min_t due = 0;
            assert_int_equal(calendar_due(cal, start, calendar_max_duration(units[i]), units[i], wall, &due), 0);
            assert_true(due > start);
        }
    calendar_destroy(&cal);
}

static void s_test_parse_date(void **state)
{
    static const struct {
        const char *text;
        int rc;
        int year, month, day;
    } cases[] = {
        {"2026-03-17", 0, 2026, 3, 17},
        {"2024-02-29", 0, 2024, 2, 29},
        {"2000-02-29", 0, 2000, 2, 29},
        {"2026-12-31", 0, 2026, 12, 31},
        {"0001-01-01", 0, 1, 1, 1},
        {"9999-12-31", 0, 9999, 12, 31},
        {"2026-02-30", -EINVAL, 0, 0, 0},
        {"2025-02-29", -EINVAL, 0, 0, 0},
        {"1900-02-29", -EINVAL, 0, 0, 0},
        {"2026-04-31", -EINVAL, 0, 0, 0},
        {"2026-13-01", -EINVAL, 0, 0, 0},
        {"2026-00-10", -EINVAL, 0, 0, 0},
        {"2026-01-00", -EINVAL, 0, 0, 0},
        {"0000-01-01", -EINVAL, 0, 0, 0},
        {"2026-1-01", -EINVAL, 0, 0, 0},
        {"2026-01-01x", -EINVAL, 0, 0, 0},
        {" 2026-01-01", -EINVAL, 0, 0, 0},
        {"2026/01/01", -EINVAL, 0, 0, 0},
        {"2026-01-01 10:00", -EINVAL, 0, 0, 0},
        {"garbage", -EINVAL, 0, 0, 0},
        {"", -EINVAL, 0, 0, 0},
        {"2026-0a-01", -EINVAL, 0, 0, 0},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        cal_day_t d = 0;
        int rc = cal_parse_date(cases[i].text, &d);
        if (rc != cases[i].rc)
            print_error("case %zu: \"%s\"\n", i, cases[i].text);
        assert_int_equal(rc, cases[i].rc);
        if (rc == 0)
            assert_int_equal(d, cal_days_from_civil(cases[i].year, cases[i].month, cases[i].day));
    }
    cal_day_t d;
    assert_int_equal(cal_parse_date(NULL, &d), -EINVAL);
}

static void s_test_parse_local(void **state)
{
    static const struct {
        const char *text;
        int rc;
        cal_min_t want; /* minutes since 1970-01-01 00:00 */
    } cases[] = {
        {"2026-03-17 14:00", 0, 20529LL * 1440 + 14 * 60},
        {"2026-03-17T14:00", 0, 20529LL * 1440 + 14 * 60},
        {"1970-01-01 00:00", 0, 0},
        {"1969-12-31 23:59", 0, -1},
        {"2026-03-17 23:59", 0, 20529LL * 1440 + 1439},
        {"2026-03-17 24:00", -EINVAL, 0},
        {"2026-03-17 14:60", -EINVAL, 0},
        {"2026-03-17", -EINVAL, 0},
        {"2026-03-17 14:00:00", -EINVAL, 0},
        {"2026-03-17  14:00", -EINVAL, 0},
        {"2026-03-17x14:00", -EINVAL, 0},
        {"2026-03-17 4:00", -EINVAL, 0},
        {"2026-02-30 14:00", -EINVAL, 0},
        {"garbage", -EINVAL, 0},
        {"", -EINVAL, 0},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        cal_min_t t = 0;
        int rc = cal_parse_local(cases[i].text, &t);
        if (rc != cases[i].rc)
            print_error("case %zu: \"%s\"\n", i, cases[i].text);
        assert_int_equal(rc, cases[i].rc);
        if (rc == 0)
            assert_int_equal(t, cases[i].want);
    }
}

static void s_test_parse_clock(void **state)
{
    static const struct {
        const char *text;
        int rc, minutes;
    } cases[] = {
        {"08:00", 0, 480},      {"00:00", 0, 0},        {"24:00", 0, 1440},
        {"7:30", 0, 450},       {"23:59", 0, 1439},     {"24:01", -EINVAL, 0},
        {"12:60", -EINVAL, 0},  {"1200", -EINVAL, 0},   {"", -EINVAL, 0},
        {"ab:cd", -EINVAL, 0},  {"-1:00", -EINVAL, 0},  {"25:00", -EINVAL, 0},
        {"08:00 ", -EINVAL, 0}, {"008:00", -EINVAL, 0},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        int m = -1;
        int rc = cal_parse_clock(cases[i].text, &m);
        if (rc != cases[i].rc)
            print_error("case %zu: \"%s\"\n", i, cases[i].text);
        assert_int_equal(rc, cases[i].rc);
        if (rc == 0)
            assert_int_equal(m, cases[i].minutes);
    }
}

static void s_test_civil(void **state)
{
    static const struct {
        int y, m, d;
        cal_day_t days;
        int wday;
    } cases[] = {
        {1970, 1, 1, 0, 4},         {1969, 12, 31, -1, 3},    {2000, 3, 1, 11017, 3},
        {2026, 3, 17, 20529, 2},    {2026, 12, 23, 20810, 3}, {1, 1, 1, -719162, 1},
        {9999, 12, 31, 2932896, 5},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        int y, m, d;
        assert_int_equal(cal_days_from_civil(cases[i].y, cases[i].m, cases[i].d), cases[i].days);
        cal_civil_from_days(cases[i].days, &y, &m, &d);
        assert_int_equal(y, cases[i].y);
        assert_int_equal(m, cases[i].m);
        assert_int_equal(d, cases[i].d);
        assert_int_equal(cal_weekday(cases[i].days), cases[i].wday);
    }
    /* Every day from 1600 to 2400 follows the previous one. */
    int y = 1600, m = 1, d = 1;
    cal_day_t first = cal_days_from_civil(1600, 1, 1), last = cal_days_from_civil(2400, 12, 31);
    for (cal_day_t day = first; day <= last; day++) {
        int yy, mm, dd;
        cal_civil_from_days(day, &yy, &mm, &dd);
        assert_true(yy == y && mm == m && dd == d);
        assert_int_equal(cal_days_from_civil(yy, mm, dd), day);
        assert_int_equal(cal_weekday(day + 1), (cal_weekday(day) + 1) % 7);
        static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        int len = m == 2 && leap ? 29 : mdays[m - 1];
        if (++d > len) {
            d = 1;
            if (++m > 12) {
                m = 1;
                y++;
            }
        }
    }
}

static void s_test_format(void **state)
{
    char buf[32];
    cal_format_local(s_at("2026-03-17 14:05"), buf, sizeof(buf));
    assert_string_equal(buf, "2026-03-17 14:05");
    cal_format_local(-1, buf, sizeof(buf));
    assert_string_equal(buf, "1969-12-31 23:59");
    cal_format_date(s_date("2027-01-01"), buf, sizeof(buf));
    assert_string_equal(buf, "2027-01-01");
    char small[17];
    cal_format_local(s_at("9999-12-31 23:59"), small, sizeof(small));
    assert_string_equal(small, "9999-12-31 23:59");
    char date[11];
    cal_format_date(s_date("0001-01-01"), date, sizeof(date));
    assert_string_equal(date, "0001-01-01");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(s_test_due_weekend, s_setup_2026, s_teardown),
        cmocka_unit_test_setup_teardown(s_test_due_breaks, s_setup_2026, s_teardown),
        cmocka_unit_test_setup_teardown(s_test_due_outside_hours, s_setup_2026, s_teardown),
        cmocka_unit_test_setup_teardown(s_test_due_lkip_example, s_setup_2026, s_teardown),
        cmocka_unit_test_setup_teardown(s_test_due_idul_fitri, s_setup_2026, s_teardown),
        cmocka_unit_test_setup_teardown(s_test_due_other_holidays, s_setup_2026, s_teardown),
        cmocka_unit_test_setup_teardown(s_test_due_year_end, s_setup_2026, s_teardown),
        cmocka_unit_test_setup_teardown(s_test_due_holiday_added_later, s_setup_2026, s_teardown),
        cmocka_unit_test(s_test_holiday_set),
        cmocka_unit_test_setup_teardown(s_test_due_period, s_setup_ramadan, s_teardown),
        cmocka_unit_test_setup_teardown(s_test_period_hours, s_setup_ramadan, s_teardown),
        cmocka_unit_test(s_test_add_period),
        cmocka_unit_test(s_test_default_week),
        cmocka_unit_test(s_test_check_week),
        cmocka_unit_test(s_test_working_minutes),
        cmocka_unit_test_setup_teardown(s_test_oracle, s_setup_ramadan, s_teardown),
        cmocka_unit_test(s_test_due_errors),
        cmocka_unit_test_setup_teardown(s_test_due_wall_clock, s_setup_default, s_teardown),
        cmocka_unit_test(s_test_parse_duration),
        cmocka_unit_test(s_test_due_longest_durations),
        cmocka_unit_test(s_test_parse_date),
        cmocka_unit_test(s_test_parse_local),
        cmocka_unit_test(s_test_parse_clock),
        cmocka_unit_test(s_test_civil),
        cmocka_unit_test(s_test_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
