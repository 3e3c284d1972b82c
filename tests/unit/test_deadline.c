/* test_deadline — unit tests of the pure parts of daemon/deadline.c (no database): the due time of
 * every step of the LKIP SOP (its "Waktu": 5 menit ... 7 hari) from several start instants in
 * Asia/Makassar over the Perpres 21/2023 week and the 2026 holidays, the reminder times (75% of
 * the working time and 1 working hour before due, whichever come, ascending and distinct), the
 * chain of timers (each one's successor) and the working time remaining (negative once overdue).
 * Instants cross as unix seconds, as in the daemon; the expectations are written as WITA wall-clock
 * text (UTC+8, no DST). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_timers.h"
#include "deadline.h"
#include "tz.h"

#define ZONE "Asia/Makassar"
/* WITA is UTC+8 all year. */
#define WITA_OFFSET (8 * 3600)

/* Libur nasional and cuti bersama 2026 (SKB 3 Menteri; data/holidays-2026.csv). */
static const char *const s_holidays_2026[] = {
    "2026-01-01", "2026-01-16", "2026-02-16", "2026-02-17", "2026-03-18",
    "2026-03-19", "2026-03-20", "2026-03-21", "2026-03-22", "2026-03-23",
    "2026-03-24", "2026-04-03", "2026-04-05", "2026-05-01", "2026-05-14",
    "2026-05-15", "2026-05-27", "2026-05-28", "2026-05-31", "2026-06-01",
    "2026-06-16", "2026-08-17", "2026-08-25", "2026-12-24", "2026-12-25",
};

/* The waktu of the SOP's eleven steps (sop/lkip-35-DKIP-SOP-I-2023.yaml, LKIP.md). */
static const char *const s_lkip_waktu[] = {
    "5 Menit", "2 Jam", "1 Jam",    "3 Jam",    "7 Hari", "5 Hari",
    "3 Hari",  "1 Jam", "10 Menit", "15 Menit", "1 Jam",
};
#define LKIP_STEPS ((int)ARRAY_LEN(s_lkip_waktu))

/* ---- helpers ------------------------------------------------------------------------------- */

/* "YYYY-MM-DD HH:MM" in WITA -> unix seconds (computed here, not through tz.c). */
static int64_t s_wita(const char *text)
{
    cal_min_t local = 0;
    if (cal_parse_local(text, &local) != 0)
        fail_msg("bad time in the test: \"%s\"", text);
    return local * 60 - WITA_OFFSET;
}

/* Unix seconds -> "YYYY-MM-DD HH:MM" WITA (a static buffer per call slot, for messages). */
static const char *s_show(int64_t utc)
{
    static char buf[4][32];
    static int slot;
    char *b = buf[slot++ % 4];
    int64_t local = utc + WITA_OFFSET;
    cal_format_local(local / 60, b, 32);
    if (local % 60)
        snprintf(b + strlen(b), 32 - strlen(b), ":%02d", (int)(local % 60));
    return b;
}

static cal_day_t s_date(const char *text)
{
    cal_day_t d = 0;
    assert_int_equal(cal_parse_date(text, &d), 0);
    return d;
}

/* The default week with every 2026 holiday. */
static calendar_t *s_cal_2026(void)
{
    cal_week_t week;
    calendar_default_week(&week);
    calendar_t *cal = calendar_new(&week);
    assert_non_null(cal);
    for (size_t i = 0; i < ARRAY_LEN(s_holidays_2026); i++)
        calendar_add_holiday(cal, s_date(s_holidays_2026[i]));
    return cal;
}

/* The SOP's default reminders: 75%, 1 working hour before due, escalation every working day. */
static sop_reminders_t s_default_reminders(void)
{
    sop_reminders_t r = {.n_percents = 1,
                         .percents = {75},
                         .before_minutes = 60,
                         .escalate = true,
                         .escalate_every_days = 1};
    return r;
}

/* A step with waktu as the SOP writes it ("2 Jam") and the default reminders. */
static sop_step_t s_step(int no, const char *waktu, bool wall_clock)
{
    int64_t value = 0;
    cal_unit_t unit = CAL_MINUTES;
    if (calendar_parse_duration(waktu, &value, &unit) != 0)
        fail_msg("waktu \"%s\" does not parse", waktu);
    sop_step_t s = {
        .no = no,
        .uraian = (char *)"langkah",
        .actor = (char *)"kasubag_perencanaan",
        .kelengkapan = (char *)"",
        .waktu = (char *)waktu,
        .time_value = (int)value,
        .time_unit = unit == CAL_MINUTES ? SOP_MINUTES
                     : unit == CAL_HOURS ? SOP_HOURS
                                         : SOP_DAYS,
        .wall_clock = wall_clock,
        .output = (char *)"",
        .keterangan = (char *)"",
        .kind = SOP_TASK,
        .unit_role = (char *)"",
        .reminders = s_default_reminders(),
    };
    return s;
}

static int s_setup(void **state)
{
    *state = s_cal_2026();
    return 0;
}

static int s_teardown(void **state)
{
    calendar_t *cal = *state;
    calendar_destroy(&cal);
    return 0;
}

/* ---- due times of the LKIP steps ------------------------------------------------------------ */

/* One start instant and the due time of each of the eleven steps assigned then. */
typedef struct {
    const char *start;   /* WITA */
    const char *due[11]; /* WITA, step 1 ... 11 */
} lkip_case_t;

static void test_due_lkip_steps(void **state)
{
    static const lkip_case_t cases[] = {
        /* Monday morning of a week without holidays (LKIP.md: 7 hari -> Wednesday next week) */
        {"2026-03-02 10:00",
         {"2026-03-02 10:05", "2026-03-02 12:00", "2026-03-02 11:00", "2026-03-02 14:00",
          "2026-03-11 10:00", "2026-03-09 10:00", "2026-03-05 10:00", "2026-03-02 11:00",
          "2026-03-02 10:10", "2026-03-02 10:15", "2026-03-02 11:00"}},
        /* Friday afternoon before Nyepi and Idul Fitri (2026-03-18 ... 2026-03-24 off) */
        {"2026-03-13 15:30",
         {"2026-03-13 15:35", "2026-03-16 08:30", "2026-03-13 16:30", "2026-03-16 09:30",
          "2026-03-31 15:30", "2026-03-27 15:30", "2026-03-25 15:30", "2026-03-13 16:30",
          "2026-03-13 15:40", "2026-03-13 15:45", "2026-03-13 16:30"}},
        /* the README's example: Tuesday 14:00, the day before the holidays */
        {"2026-03-17 14:00",
         {"2026-03-17 14:05", "2026-03-17 16:00", "2026-03-17 15:00", "2026-03-25 08:30",
          "2026-04-02 14:00", "2026-03-31 14:00", "2026-03-27 14:00", "2026-03-17 15:00",
          "2026-03-17 14:10", "2026-03-17 14:15", "2026-03-17 15:00"}},
        /* Saturday before the 17 August Monday: counting starts Tuesday 07:30; Maulid Nabi
         * (Tuesday 2026-08-25) is skipped by the day steps */
        {"2026-08-15 09:00",
         {"2026-08-18 07:35", "2026-08-18 09:30", "2026-08-18 08:30", "2026-08-18 10:30",
          "2026-08-28 07:30", "2026-08-26 07:30", "2026-08-21 07:30", "2026-08-18 08:30",
          "2026-08-18 07:40", "2026-08-18 07:45", "2026-08-18 08:30"}},
        /* ten minutes before the Wednesday break; Tahun Baru Islam (2026-06-16) in the days */
        {"2026-06-10 11:50",
         {"2026-06-10 11:55", "2026-06-10 14:50", "2026-06-10 13:50", "2026-06-10 15:50",
          "2026-06-22 11:50", "2026-06-18 11:50", "2026-06-15 11:50", "2026-06-10 13:50",
          "2026-06-10 12:00", "2026-06-10 13:05", "2026-06-10 13:50"}},
        /* inside Friday's longer break (11:30-13:00): counting starts at 13:00 */
        {"2026-06-12 11:45",
         {"2026-06-12 13:05", "2026-06-12 15:00", "2026-06-12 14:00", "2026-06-12 16:00",
          "2026-06-24 13:00", "2026-06-22 13:00", "2026-06-18 13:00", "2026-06-12 14:00",
          "2026-06-12 13:10", "2026-06-12 13:15", "2026-06-12 14:00"}},
        /* Friday 16:10: Monday to Thursday end at 16:00, so day steps landing on those days
         * end then; a Friday keeps 16:10 */
        {"2026-07-10 16:10",
         {"2026-07-10 16:15", "2026-07-13 09:10", "2026-07-13 08:10", "2026-07-13 10:10",
          "2026-07-21 16:00", "2026-07-17 16:10", "2026-07-15 16:00", "2026-07-13 08:10",
          "2026-07-10 16:20", "2026-07-10 16:25", "2026-07-13 08:10"}},
        /* Sunday night */
        {"2026-05-03 23:00",
         {"2026-05-04 07:35", "2026-05-04 09:30", "2026-05-04 08:30", "2026-05-04 10:30",
          "2026-05-13 07:30", "2026-05-11 07:30", "2026-05-07 07:30", "2026-05-04 08:30",
          "2026-05-04 07:40", "2026-05-04 07:45", "2026-05-04 08:30"}},
    };
    const calendar_t *cal = *state;
    int failures = 0;
    for (size_t c = 0; c < ARRAY_LEN(cases); c++)
        for (int no = 1; no <= LKIP_STEPS; no++) {
            sop_step_t step = s_step(no, s_lkip_waktu[no - 1], false);
            int64_t start = s_wita(cases[c].start), due = 0;
            int rc = deadline_due(cal, ZONE, &step, start, &due);
            if (rc != 0 || due != s_wita(cases[c].due[no - 1])) {
                print_error("start %s, step %d (%s): expected %s, got %s (rc %d)\n", cases[c].start,
                            no, step.waktu, cases[c].due[no - 1], s_show(due), rc);
                failures++;
            }
        }
    assert_int_equal(failures, 0);
}

/* A start with seconds (a real clock) counts from its minute; the due time is whole minutes. */
static void test_due_seconds(void **state)
{
    const calendar_t *cal = *state;
    sop_step_t step = s_step(2, "2 Jam", false);
    int64_t due = 0;
    assert_int_equal(deadline_due(cal, ZONE, &step, s_wita("2026-03-02 10:00") + 59, &due), 0);
    assert_int_equal(due, s_wita("2026-03-02 12:00"));
    assert_int_equal(due % 60, 0);
}

static void test_due_wall_clock(void **state)
{
    const calendar_t *cal = *state;
    int64_t due = 0;
    sop_step_t step = s_step(2, "2 Jam", true);
    assert_int_equal(deadline_due(cal, ZONE, &step, s_wita("2026-07-10 16:10"), &due), 0);
    assert_string_equal(s_show(due), "2026-07-10 18:10");
    step = s_step(5, "7 Hari", true);
    assert_int_equal(deadline_due(cal, ZONE, &step, s_wita("2026-03-17 14:00"), &due), 0);
    assert_string_equal(s_show(due), "2026-03-24 14:00"); /* holidays do not count */
    step = s_step(1, "5 Menit", true);
    assert_int_equal(deadline_due(cal, ZONE, &step, s_wita("2026-08-15 23:58"), &due), 0);
    assert_string_equal(s_show(due), "2026-08-16 00:03");
}

static void test_due_failures(void **state)
{
    const calendar_t *cal = *state;
    sop_step_t step = s_step(2, "2 Jam", false);
    int64_t due = 0;
    assert_int_equal(
        deadline_due(cal, "Mars/Olympus_Mons", &step, s_wita("2026-03-02 10:00"), &due), -1);
    /* a calendar without any working time has no due time ahead */
    cal_week_t none = {0};
    calendar_t *empty = calendar_new(&none);
    assert_non_null(empty);
    assert_int_equal(deadline_due(empty, ZONE, &step, s_wita("2026-03-02 10:00"), &due), -1);
    calendar_destroy(&empty);
}

/* Another zone: the same local rule, a different instant (Jakarta is UTC+7). */
static void test_due_other_zone(void **state)
{
    const calendar_t *cal = *state;
    sop_step_t step = s_step(2, "2 Jam", false);
    int64_t due = 0;
    /* Monday 10:00 WIB is 03:00 UTC; due 12:00 WIB is 05:00 UTC */
    int64_t start = s_wita("2026-03-02 11:00"); /* = 10:00 WIB */
    assert_int_equal(deadline_due(cal, "Asia/Jakarta", &step, start, &due), 0);
    assert_int_equal(due, s_wita("2026-03-02 13:00"));
    cal_min_t local = 0;
    assert_int_equal(deadline_to_local("Asia/Jakarta", due, &local), 0);
    char buf[32];
    cal_format_local(local, buf, sizeof buf);
    assert_string_equal(buf, "2026-03-02 12:00");
}

/* ---- reminders ------------------------------------------------------------------------------ */

/* Checks the reminder times of waktu assigned at start (WITA) under r against expected (WITA,
 * NULL-terminated). The output array has exactly the documented room (SOP_MAX_PERCENTS + 1) and
 * is on the heap, so a sanitizer build catches a write past it. */
static void s_check_reminders(const calendar_t *cal, const char *waktu, bool wall_clock,
                              const sop_reminders_t *r, const char *start,
                              const char *const *expected)
{
    sop_step_t step = s_step(1, waktu, wall_clock);
    int64_t a = s_wita(start), due = 0;
    assert_int_equal(deadline_due(cal, ZONE, &step, a, &due), 0);
    int64_t *out = calloc(SOP_MAX_PERCENTS + 1, sizeof *out);
    assert_non_null(out);
    int n = deadline_reminder_times(cal, ZONE, r, wall_clock, a, due, out);
    int want = 0;
    while (expected[want])
        want++;
    bool same = n == want;
    for (int i = 0; same && i < n; i++)
        same = out[i] == s_wita(expected[i]);
    if (!same) {
        char got[256] = "";
        for (int i = 0; i < n && i <= SOP_MAX_PERCENTS; i++)
            snprintf(got + strlen(got), sizeof got - strlen(got), " %s", s_show(out[i]));
        free(out);
        fail_msg("%s from %s (due %s): expected %d reminder(s) starting %s, got %d:%s", waktu,
                 start, s_show(due), want, want ? expected[0] : "-", n, got);
    }
    /* ascending, distinct, strictly between assignment and due */
    for (int i = 0; i < n; i++) {
        assert_true(out[i] > a && out[i] < due);
        if (i)
            assert_true(out[i] > out[i - 1]);
    }
    free(out);
}

#define REMINDERS(...) ((const char *const[]){__VA_ARGS__, NULL})
#define NO_REMINDERS   ((const char *const[]){NULL})

static void test_reminders_default(void **state)
{
    const calendar_t *cal = *state;
    sop_reminders_t r = s_default_reminders();
    /* 5 menit: 1 hour before due never comes; 75% of 5 minutes is minute 3 */
    s_check_reminders(cal, "5 Menit", false, &r, "2026-03-02 10:00", REMINDERS("2026-03-02 10:03"));
    s_check_reminders(cal, "10 Menit", false, &r, "2026-03-02 10:00",
                      REMINDERS("2026-03-02 10:07"));
    s_check_reminders(cal, "15 Menit", false, &r, "2026-03-02 11:55",
                      REMINDERS("2026-03-02 13:06"));
    /* 1 jam: "1 hour before due" is the assignment itself, so only the 75% point */
    s_check_reminders(cal, "1 Jam", false, &r, "2026-03-02 10:00", REMINDERS("2026-03-02 10:45"));
    /* 2 jam: 1 hour before due (minute 60) comes before the 75% point (minute 90) */
    s_check_reminders(cal, "2 Jam", false, &r, "2026-03-02 10:00",
                      REMINDERS("2026-03-02 11:00", "2026-03-02 11:30"));
    /* ... over the lunch break */
    s_check_reminders(cal, "2 Jam", false, &r, "2026-06-10 11:50",
                      REMINDERS("2026-06-10 13:50", "2026-06-10 14:20"));
    /* 3 jam: minute 120 lands on the end of the morning, 12:00, not on 13:00 */
    s_check_reminders(cal, "3 Jam", false, &r, "2026-03-02 10:00",
                      REMINDERS("2026-03-02 12:00", "2026-03-02 13:15"));
    /* 7 hari = 3150 working minutes: 75% at minute 2362, then 1 hour before due */
    s_check_reminders(cal, "7 Hari", false, &r, "2026-03-02 10:00",
                      REMINDERS("2026-03-09 11:52", "2026-03-11 09:00"));
    /* ... across Nyepi and Idul Fitri, from a Friday afternoon: Friday 15:30 has an hour of
     * work left, the Tuesday it is due at 15:30 only half an hour, so the step holds 3180
     * working minutes and 75% is minute 2385 */
    s_check_reminders(cal, "7 Hari", false, &r, "2026-03-13 15:30",
                      REMINDERS("2026-03-30 08:45", "2026-03-31 14:30"));
    /* assigned on a Saturday: counted from Tuesday 07:30 (Monday is 17 August) */
    s_check_reminders(cal, "2 Jam", false, &r, "2026-08-15 09:00",
                      REMINDERS("2026-08-18 08:30", "2026-08-18 09:00"));
    /* Friday 16:10, due Monday 09:10 */
    s_check_reminders(cal, "2 Jam", false, &r, "2026-07-10 16:10",
                      REMINDERS("2026-07-13 08:10", "2026-07-13 08:40"));
}

static void test_reminders_wall_clock(void **state)
{
    const calendar_t *cal = *state;
    sop_reminders_t r = s_default_reminders();
    /* plain minutes: 1 hour before due and 75%, into the evening */
    s_check_reminders(cal, "2 Jam", true, &r, "2026-07-10 16:10",
                      REMINDERS("2026-07-10 17:10", "2026-07-10 17:40"));
    s_check_reminders(cal, "1 Hari", true, &r, "2026-07-10 16:00",
                      REMINDERS("2026-07-11 10:00", "2026-07-11 15:00"));
}

static void test_reminders_configured(void **state)
{
    const calendar_t *cal = *state;
    /* 50% and 1 hour before due are the same instant for 2 jam: one reminder */
    sop_reminders_t r = {.n_percents = 1, .percents = {50}, .before_minutes = 60};
    s_check_reminders(cal, "2 Jam", false, &r, "2026-03-02 10:00", REMINDERS("2026-03-02 11:00"));
    /* 75% and 30 minutes before due coincide too; 25% and 50% do not */
    sop_reminders_t three = {.n_percents = 3, .percents = {25, 50, 75}, .before_minutes = 30};
    s_check_reminders(cal, "2 Jam", false, &three, "2026-03-02 10:00",
                      REMINDERS("2026-03-02 10:30", "2026-03-02 11:00", "2026-03-02 11:30"));
    /* the most the documented room holds: four percents and the time before due */
    sop_reminders_t full = {.n_percents = 4, .percents = {20, 40, 60, 80}, .before_minutes = 60};
    s_check_reminders(cal, "7 Hari", false, &full, "2026-03-02 10:00",
                      REMINDERS("2026-03-03 14:00", "2026-03-05 08:30", "2026-03-06 11:30",
                                "2026-03-09 15:30", "2026-03-11 09:00"));
    /* no reminders at all */
    sop_reminders_t none = {0};
    s_check_reminders(cal, "7 Hari", false, &none, "2026-03-02 10:00", NO_REMINDERS);
    /* only the time before due */
    sop_reminders_t before = {.before_minutes = 15};
    s_check_reminders(cal, "1 Jam", false, &before, "2026-03-02 10:00",
                      REMINDERS("2026-03-02 10:45"));
    s_check_reminders(cal, "10 Menit", false, &before, "2026-03-02 10:00", NO_REMINDERS);
}

static void test_reminders_degenerate(void **state)
{
    const calendar_t *cal = *state;
    sop_reminders_t r = s_default_reminders();
    int64_t out[SOP_MAX_PERCENTS + 1];
    int64_t t = s_wita("2026-03-02 10:00");
    /* nothing between an instant and itself, or when due is before the assignment */
    assert_int_equal(deadline_reminder_times(cal, ZONE, &r, false, t, t, out), 0);
    assert_int_equal(deadline_reminder_times(cal, ZONE, &r, false, t, t - 3600, out), 0);
    assert_int_equal(deadline_reminder_times(cal, ZONE, &r, true, t, t, out), 0);
    /* an unknown zone gives none rather than garbage */
    assert_int_equal(deadline_reminder_times(cal, "No/Such_Zone", &r, false, t, t + 7200, out), 0);
    /* a "0 menit" step is due at once: no reminder */
    s_check_reminders(cal, "0 menit", false, &r, "2026-03-02 10:00", NO_REMINDERS);
}

/* ---- the chain of timers ------------------------------------------------------------------- */

/* deadline_next_timer gives kind #repeat_no at wita. */
static void s_next_is(const calendar_t *cal, const sop_step_t *step, int64_t assigned, int64_t due,
                      int after_kind, int after_no, const char *not_before, int kind, int repeat_no,
                      const char *wita)
{
    deadline_timer_t next = {0};
    if (!deadline_next_timer(cal, ZONE, step, assigned, due, after_kind, after_no,
                             s_wita(not_before), &next))
        fail_msg("after %s #%d (not before %s): nothing, expected %s #%d at %s",
                 timer_kind_name(after_kind), after_no, not_before, timer_kind_name(kind),
                 repeat_no, wita);
    if (next.kind != kind || next.repeat_no != repeat_no || next.at != s_wita(wita))
        fail_msg("after %s #%d (not before %s): %s #%d at %s, expected %s #%d at %s",
                 timer_kind_name(after_kind), after_no, not_before, timer_kind_name(next.kind),
                 next.repeat_no, s_show(next.at), timer_kind_name(kind), repeat_no, wita);
}

static void test_next_timer_chain(void **state)
{
    const calendar_t *cal = *state;
    /* 2 jam from Monday 08:00: reminders 09:00 and 09:30, due 10:00 */
    sop_step_t step = s_step(2, "2 Jam", false);
    int64_t assigned = s_wita("2026-03-02 08:00"), due = 0;
    assert_int_equal(deadline_due(cal, ZONE, &step, assigned, &due), 0);
    assert_int_equal(due, s_wita("2026-03-02 10:00"));
    /* the first timer: the first reminder after not_before (the assignment, or the time a
     * moved deadline was recomputed), else the overdue notice */
    s_next_is(cal, &step, assigned, due, TIMER_REMINDER, 0, "2026-03-02 08:00", TIMER_REMINDER, 1,
              "2026-03-02 09:00");
    s_next_is(cal, &step, assigned, due, TIMER_REMINDER, 0, "2026-03-02 09:00", TIMER_REMINDER, 2,
              "2026-03-02 09:30");
    s_next_is(cal, &step, assigned, due, TIMER_REMINDER, 0, "2026-03-02 09:45", TIMER_OVERDUE, 1,
              "2026-03-02 10:00");
    /* after a reminder (not_before: its own fire time) the next one, then the overdue notice
     * at the due time, then the first escalation at the due time */
    s_next_is(cal, &step, assigned, due, TIMER_REMINDER, 1, "2026-03-02 09:00", TIMER_REMINDER, 2,
              "2026-03-02 09:30");
    s_next_is(cal, &step, assigned, due, TIMER_REMINDER, 2, "2026-03-02 09:30", TIMER_OVERDUE, 1,
              "2026-03-02 10:00");
    s_next_is(cal, &step, assigned, due, TIMER_OVERDUE, 1, "2026-03-02 10:00", TIMER_ESCALATION, 1,
              "2026-03-02 10:00");
    /* repeated escalations are queued by firing, not here */
    deadline_timer_t next;
    assert_false(deadline_next_timer(cal, ZONE, &step, assigned, due, TIMER_ESCALATION, 1,
                                     s_wita("2026-03-02 10:00"), &next));
    /* a step that does not escalate ends with its overdue notice */
    step.reminders.escalate = false;
    assert_false(deadline_next_timer(cal, ZONE, &step, assigned, due, TIMER_OVERDUE, 1,
                                     s_wita("2026-03-02 10:00"), &next));
    /* no reminders: the chain starts with the overdue notice */
    step.reminders = (sop_reminders_t){0};
    s_next_is(cal, &step, assigned, due, TIMER_REMINDER, 0, "2026-03-02 08:00", TIMER_OVERDUE, 1,
              "2026-03-02 10:00");
}

/* ---- remaining working time ---------------------------------------------------------------- */

static void test_remaining(void **state)
{
    const calendar_t *cal = *state;
    static const struct {
        const char *now, *due;
        bool wall_clock;
        int64_t minutes;
    } cases[] = {
        {"2026-03-02 10:00", "2026-03-02 12:00", false, 120},
        {"2026-03-02 10:00", "2026-03-02 10:00", false, 0},
        {"2026-03-02 12:30", "2026-03-02 13:30", false, 30},   /* from inside the break */
        {"2026-03-06 16:00", "2026-03-09 08:00", false, 60},   /* over the weekend */
        {"2026-03-17 15:00", "2026-03-25 08:30", false, 120},  /* over Idul Fitri */
        {"2026-03-02 13:30", "2026-03-02 12:00", false, -30},  /* overdue */
        {"2026-03-03 08:00", "2026-03-02 12:00", false, -210}, /* overdue since yesterday */
        {"2026-03-03 10:00", "2026-03-02 10:00", false, -450}, /* one working day late */
        {"2026-03-09 07:00", "2026-03-06 16:30", false, 0},    /* late, but no work time yet */
        {"2026-03-02 10:00", "2026-03-02 12:00", true, 120},
        {"2026-03-06 16:00", "2026-03-09 08:00", true, 3840}, /* wall clock: 64 hours */
        {"2026-03-02 12:00", "2026-03-02 10:00", true, -120},
    };
    int failures = 0;
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        int64_t got = deadline_remaining(cal, ZONE, cases[i].wall_clock, s_wita(cases[i].now),
                                         s_wita(cases[i].due));
        if (got != cases[i].minutes) {
            print_error("now %s, due %s%s: expected %lld, got %lld\n", cases[i].now, cases[i].due,
                        cases[i].wall_clock ? " (wall clock)" : "", (long long)cases[i].minutes,
                        (long long)got);
            failures++;
        }
    }
    assert_int_equal(failures, 0);
    /* the sign follows the due time: positive before, negative after, for every step */
    for (int no = 1; no <= LKIP_STEPS; no++) {
        sop_step_t step = s_step(no, s_lkip_waktu[no - 1], false);
        int64_t a = s_wita("2026-03-13 15:30"), due = 0;
        assert_int_equal(deadline_due(cal, ZONE, &step, a, &due), 0);
        /* minutes and hours are exactly the waktu; days depend on the clock time's place in
         * the first and last day */
        if (step.time_unit != SOP_DAYS)
            assert_int_equal(deadline_remaining(cal, ZONE, false, a, due),
                             step.time_value * (step.time_unit == SOP_HOURS ? 60 : 1));
        else
            assert_true(deadline_remaining(cal, ZONE, false, a, due) >= step.time_value * 420);
        assert_true(deadline_remaining(cal, ZONE, false, due - 60, due) > 0);
        assert_true(deadline_remaining(cal, ZONE, false, due + 7 * 86400, due) < 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_due_lkip_steps, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_due_seconds, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_due_wall_clock, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_due_failures, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_due_other_zone, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_reminders_default, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_reminders_wall_clock, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_reminders_configured, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_reminders_degenerate, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_next_timer_chain, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_remaining, s_setup, s_teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    tz_cleanup();
    return rc;
}
