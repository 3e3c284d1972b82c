/* test_clitext — how lkip shows a time: in the organisation's zone with its abbreviation (WITA,
 * WIB, WIT, a DST zone in summer and winter), as ISO 8601 with the offset, short for tables, in
 * the system's zone when none is given, as UTC for a zone this machine does not know, and from
 * several threads at once (lkip monitor --web formats times on its web server threads: a race
 * shows under make check-tsan, a wrong zone in any build). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clitext.h"

/* Tuesday 17 March 2026, 06:00 UTC: 14:00 WITA */
#define T0 1773727200LL

static void s_assert_time(int64_t utc, const char *zone, const char *want)
{
    char got[64];
    clitext_time(utc, zone, got, sizeof got);
    if (strcmp(got, want) != 0)
        print_error("%lld in %s: want \"%s\", got \"%s\"\n", (long long)utc, zone ? zone : "NULL",
                    want, got);
    assert_string_equal(got, want);
}

static void s_assert_iso(int64_t utc, const char *zone, const char *want)
{
    char got[64];
    clitext_iso(utc, zone, got, sizeof got);
    assert_string_equal(got, want);
}

static void test_time_indonesia(void **state)
{
    s_assert_time(T0, "Asia/Makassar", "Sel, 17 Mar 2026 14:00 WITA");
    s_assert_time(T0, "Asia/Jakarta", "Sel, 17 Mar 2026 13:00 WIB");
    s_assert_time(T0, "Asia/Jayapura", "Sel, 17 Mar 2026 15:00 WIT");
    /* the new year comes 8 hours early in Gorontalo; and before 1970 */
    s_assert_time(1767196800, "Asia/Makassar", "Kam, 1 Jan 2026 00:00 WITA");
    s_assert_time(-1, "Asia/Makassar", "Kam, 1 Jan 1970 07:59 WITA");
    s_assert_time(0, "Asia/Makassar", "-");
}

static void test_time_dst(void **state)
{
    s_assert_time(1782907200, "Europe/Berlin", "Rab, 1 Jul 2026 14:00 CEST"); /* 12:00Z */
    s_assert_time(1768478400, "Europe/Berlin", "Kam, 15 Jan 2026 13:00 CET"); /* 12:00Z */
    s_assert_iso(1782907200, "Europe/Berlin", "2026-07-01T14:00:00+02:00");
    s_assert_iso(1768478400, "Europe/Berlin", "2026-01-15T13:00:00+01:00");
    s_assert_iso(1782907200, "America/St_Johns", "2026-07-01T09:30:00-02:30");
}

static void test_iso_and_short(void **state)
{
    s_assert_iso(T0, "Asia/Makassar", "2026-03-17T14:00:00+08:00");
    s_assert_iso(T0 + 59, "Asia/Kolkata", "2026-03-17T11:30:59+05:30");
    s_assert_iso(0, "Asia/Makassar", "");
    char buf[64];
    clitext_time_short(T0, T0, "Asia/Makassar", buf, sizeof buf);
    assert_string_equal(buf, "17 Mar 14:00");
    /* another year than now's (in the zone: 31 Dec 2026 20:00Z is already 2027 in WITA) */
    clitext_time_short(1798747200, T0, "Asia/Makassar", buf, sizeof buf);
    assert_string_equal(buf, "1 Jan 2027 04:00");
    clitext_time_short(0, T0, "Asia/Makassar", buf, sizeof buf);
    assert_string_equal(buf, "-");
}

/* No zone: the system's (TZ, read, never written); a zone unknown here: UTC, and it says so. */
static void test_system_and_unknown_zone(void **state)
{
    s_assert_time(T0, "Mars/Olympus", "Sel, 17 Mar 2026 06:00 UTC");
    s_assert_time(T0, "../etc/passwd", "Sel, 17 Mar 2026 06:00 UTC");
    s_assert_iso(T0, "Mars/Olympus", "2026-03-17T06:00:00+00:00");
    /* the test sets the system's zone; clitext itself only reads it */
    assert_int_equal(setenv("TZ", ":Asia/Jayapura", 1), 0);
    tzset();
    s_assert_time(T0, NULL, "Sel, 17 Mar 2026 15:00 WIT");
    s_assert_time(T0, "", "Sel, 17 Mar 2026 15:00 WIT");
    s_assert_iso(T0, NULL, "2026-03-17T15:00:00+09:00");
    assert_string_equal(getenv("TZ"), ":Asia/Jayapura");
    /* and a zone given never changes it */
    s_assert_time(T0, "Europe/Berlin", "Sel, 17 Mar 2026 07:00 CET");
    assert_string_equal(getenv("TZ"), ":Asia/Jayapura");
}

/* ---- threads ------------------------------------------------------------------------------- */

static const struct {
    const char *zone;
    const char *want; /* clitext_time of T0 */
} s_zones[] = {
    {"Asia/Makassar", "Sel, 17 Mar 2026 14:00 WITA"},
    {"Asia/Jakarta", "Sel, 17 Mar 2026 13:00 WIB"},
    {"Asia/Jayapura", "Sel, 17 Mar 2026 15:00 WIT"},
    {"Europe/Berlin", "Sel, 17 Mar 2026 07:00 CET"},
};

typedef struct {
    size_t zone; /* index in s_zones */
    int wrong;   /* texts that were not as expected */
} worker_t;

static void *s_worker(void *arg)
{
    worker_t *w = arg;
    char buf[64];
    for (int i = 0; i < 200; i++) {
        clitext_time(T0, s_zones[w->zone].zone, buf, sizeof buf);
        w->wrong += strcmp(buf, s_zones[w->zone].want) != 0;
    }
    return NULL;
}

/* Threads print times of different zones at once: each gets its own zone's text every time. */
static void test_threads(void **state)
{
    pthread_t th[ARRAY_LEN(s_zones)];
    worker_t w[ARRAY_LEN(s_zones)] = {{0}};
    for (size_t i = 0; i < ARRAY_LEN(th); i++) {
        w[i].zone = i;
        assert_int_equal(pthread_create(&th[i], NULL, s_worker, &w[i]), 0);
    }
    for (size_t i = 0; i < ARRAY_LEN(th); i++) {
        assert_int_equal(pthread_join(th[i], NULL), 0);
        assert_int_equal(w[i].wrong, 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_time_indonesia), cmocka_unit_test(test_time_dst),
        cmocka_unit_test(test_iso_and_short),  cmocka_unit_test(test_system_and_unknown_zone),
        cmocka_unit_test(test_threads),
    };
    /* the zones of the tz database, not a test directory from the environment */
    unsetenv("LKIP_ZONEINFO");
    return cmocka_run_group_tests_name("clitext", tests, NULL, NULL);
}
