/* test_tz — unit tests of common/tz.c: the Indonesian zones (WIB, WITA, WIT), Europe/Berlin's
 * DST gap and fold, the offset and abbreviation at an instant (tz_info), zone name checks,
 * hand-built TZif files (v1, v2 with and without a footer rule, odd abbreviations, corrupt ones)
 * under $LKIP_ZONEINFO, a comparison with the C library's localtime_r (offset, abbreviation and
 * DST flag) over many zones and instants from 1850 to 2150, and threads that load and read zones
 * at once (a race shows under make check-tsan). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "calendar.h"
#include "tz.h"

/* ---- helpers ------------------------------------------------------------------------------- */

/* "YYYY-MM-DD HH:MM" as local minutes. */
static cal_min_t s_local(const char *text)
{
    cal_min_t t = 0;
    assert_int_equal(cal_parse_local(text, &t), 0);
    return t;
}

/* "YYYY-MM-DD HH:MM" read as UTC, in unix seconds. */
static int64_t s_utc(const char *text)
{
    return s_local(text) * 60;
}

static cal_min_t s_to_local(const char *zone, int64_t utc)
{
    cal_min_t local = 0;
    assert_int_equal(tz_to_local(zone, utc, &local), 0);
    return local;
}

static int64_t s_from_local(const char *zone, const char *local)
{
    int64_t utc = 0;
    assert_int_equal(tz_from_local(zone, s_local(local), &utc), 0);
    return utc;
}

/* Asserts zone's offset, DST flag and abbreviation at utc. */
static void s_assert_info(const char *zone, int64_t utc, int32_t utoff, bool isdst,
                          const char *abbr)
{
    tz_info_t info;
    memset(&info, 0x55, sizeof(info));
    assert_int_equal(tz_info(zone, utc, &info), 0);
    if (info.utoff != utoff || info.isdst != isdst || strcmp(info.abbr, abbr) != 0)
        print_error("%s at %lld: want %d %d %s, got %d %d %.*s\n", zone, (long long)utc, utoff,
                    isdst, abbr, info.utoff, info.isdst, (int)sizeof(info.abbr), info.abbr);
    assert_int_equal(info.utoff, utoff);
    assert_int_equal(info.isdst, isdst);
    assert_string_equal(info.abbr, abbr);
}

/* Asserts that utc shows as the local text in zone (formatted, so failures read well). */
static void s_assert_shows(const char *zone, int64_t utc, const char *want)
{
    char got[32];
    cal_format_local(s_to_local(zone, utc), got, sizeof(got));
    if (strcmp(got, want) != 0)
        print_error("%s at %lld: want %s\n", zone, (long long)utc, want);
    assert_string_equal(got, want);
}

static int s_teardown_cache(void **state)
{
    tz_cleanup();
    return 0;
}

/* ---- real zones ---------------------------------------------------------------------------- */

static void s_test_indonesia(void **state)
{
    /* LKIP.md: 2026-03-17 14:00 WITA == 2026-03-17T06:00:00Z */
    assert_int_equal(s_from_local("Asia/Makassar", "2026-03-17 14:00"), 1773727200);
    assert_int_equal(s_to_local("Asia/Makassar", 1773727200), s_local("2026-03-17 14:00"));
    static const struct {
        const char *zone;
        const char *local;
        const char *utc;
    } cases[] = {
        {"Asia/Makassar", "2026-03-17 14:00", "2026-03-17 06:00"},
        {"Asia/Jakarta", "2026-03-17 14:00", "2026-03-17 07:00"},
        {"Asia/Jayapura", "2026-03-17 14:00", "2026-03-17 05:00"},
        {"UTC", "2026-03-17 14:00", "2026-03-17 14:00"},
        {"Asia/Makassar", "2026-01-01 00:00", "2025-12-31 16:00"},
        {"Asia/Jakarta", "2027-01-01 06:59", "2026-12-31 23:59"},
        {"Asia/Jayapura", "2026-12-31 23:59", "2026-12-31 14:59"},
        /* after the last transition: the footer ("WITA-8") */
        {"Asia/Makassar", "2040-07-01 20:00", "2040-07-01 12:00"},
        {"Asia/Makassar", "2150-01-01 08:00", "2150-01-01 00:00"},
        {"Asia/Jayapura", "2045-01-01 09:00", "2045-01-01 00:00"},
        /* history: Makassar was +09 from 1942-02-09 to 1945-09-23 */
        {"Asia/Makassar", "1943-06-01 09:00", "1943-06-01 00:00"},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        int64_t utc = s_utc(cases[i].utc);
        s_assert_shows(cases[i].zone, utc, cases[i].local);
        if (s_from_local(cases[i].zone, cases[i].local) != utc)
            print_error("case %zu: %s %s\n", i, cases[i].zone, cases[i].local);
        assert_int_equal(s_from_local(cases[i].zone, cases[i].local), utc);
    }
}

/* Before the first transition a zone is in its type 0: local mean time with seconds. */
static void s_test_lmt(void **state)
{
    /* Makassar LMT is +7:57:36; minutes round down. */
    s_assert_shows("Asia/Makassar", s_utc("1900-01-01 00:00"), "1900-01-01 07:57");
    s_assert_shows("Asia/Makassar", -1172908657, "1932-10-31 23:59"); /* 23:59:59 MMT */
    s_assert_shows("Asia/Makassar", -1172908656, "1932-11-01 00:02"); /* 00:02:24 +08 */
    s_assert_shows("Asia/Jakarta", s_utc("1900-01-01 00:00"), "1900-01-01 07:07");
    s_assert_shows("Asia/Jayapura", s_utc("1900-01-01 00:00"), "1900-01-01 09:22");
    /* 07:58:00 LMT is 00:00:24Z */
    assert_int_equal(s_from_local("Asia/Makassar", "1900-01-01 07:58"),
                     s_utc("1900-01-01 00:00") + 24);
}

/* Europe/Berlin, 2026: 29 March 02:00 CET -> 03:00 CEST (at 01:00Z); 25 October 03:00 CEST ->
 * 02:00 CET (at 01:00Z). */
static void s_test_berlin_dst(void **state)
{
    const char *z = "Europe/Berlin";
    int64_t spring = 1774746000, autumn = 1792890000;
    assert_int_equal(spring, s_utc("2026-03-29 01:00"));
    assert_int_equal(autumn, s_utc("2026-10-25 01:00"));

    s_assert_shows(z, spring - 1, "2026-03-29 01:59");
    s_assert_shows(z, spring, "2026-03-29 03:00");
    s_assert_shows(z, autumn - 1, "2026-10-25 02:59");
    s_assert_shows(z, autumn, "2026-10-25 02:00");
    s_assert_shows(z, s_utc("2026-07-01 12:00"), "2026-07-01 14:00");
    s_assert_shows(z, s_utc("2026-01-15 12:00"), "2026-01-15 13:00");

    static const struct {
        const char *local;
        int64_t utc;
    } cases[] = {
        {"2026-03-29 01:59", 1774746000 - 60},
        {"2026-03-29 02:00", 1774746000}, /* gap: the instant just after it */
        {"2026-03-29 02:30", 1774746000},
        {"2026-03-29 02:59", 1774746000},
        {"2026-03-29 03:00", 1774746000},
        {"2026-03-29 03:01", 1774746000 + 60},
        {"2026-10-25 01:59", 1792890000 - 3600 - 60},
        {"2026-10-25 02:00", 1792890000 - 3600}, /* fold: the earlier instant */
        {"2026-10-25 02:30", 1792890000 - 1800},
        {"2026-10-25 02:59", 1792890000 - 60},
        {"2026-10-25 03:00", 1792890000 + 3600},
        /* beyond 2037 (the end of the file's table): the footer's rule */
        {"2040-03-25 01:59", 2216250000 - 60},
        {"2040-03-25 02:30", 2216250000},
        {"2040-03-25 03:00", 2216250000},
        {"2040-07-01 14:00", 2224756800},
        {"2040-10-28 02:30", 2234998800 - 1800},
        {"2040-10-28 03:00", 2234998800 + 3600},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        if (s_from_local(z, cases[i].local) != cases[i].utc)
            print_error("case %zu: %s\n", i, cases[i].local);
        assert_int_equal(s_from_local(z, cases[i].local), cases[i].utc);
    }
    s_assert_shows(z, 2216250000, "2040-03-25 03:00");
    s_assert_shows(z, 2234998800 - 1, "2040-10-28 02:59");
    s_assert_shows(z, 2234998800, "2040-10-28 02:00");
}

/* The southern hemisphere: DST spans the new year. */
static void s_test_sydney(void **state)
{
    const char *z = "Australia/Sydney";
    s_assert_shows(z, 1773727200, "2026-03-17 17:00");
    s_assert_shows(z, 2224756800, "2040-07-01 22:00");
    s_assert_shows(z, 2210241600, "2040-01-15 23:00");
    s_assert_shows(z, 2366841600, "2045-01-01 11:00");
    s_assert_shows(z, 2382480000, "2045-07-01 10:00");
}

/* The offset and abbreviation at an instant: what lkip prints beside a time ("14:00 WITA"). */
static void s_test_info(void **state)
{
    const int64_t t = 1773727200; /* 2026-03-17 14:00 WITA */
    s_assert_info("Asia/Makassar", t, 8 * 3600, false, "WITA");
    s_assert_info("Asia/Jakarta", t, 7 * 3600, false, "WIB");
    s_assert_info("Asia/Jayapura", t, 9 * 3600, false, "WIT");
    s_assert_info("UTC", t, 0, false, "UTC");
    s_assert_info("Asia/Kolkata", t, 5 * 3600 + 1800, false, "IST");
    /* after the last transition: the footer "WITA-8" names it */
    s_assert_info("Asia/Makassar", s_utc("2150-01-01 00:00"), 8 * 3600, false, "WITA");
    /* history: local mean time with seconds; +09 during the occupation (no name in tzdata) */
    s_assert_info("Asia/Makassar", s_utc("1900-01-01 00:00"), 7 * 3600 + 57 * 60 + 36, false,
                  "LMT");
    s_assert_info("Asia/Makassar", s_utc("1943-06-01 00:00"), 9 * 3600, false, "+09");

    /* Europe/Berlin in summer and winter, at both changes of 2026, and by the footer's rule */
    const char *b = "Europe/Berlin";
    const int64_t spring = 1774746000, autumn = 1792890000;
    s_assert_info(b, s_utc("2026-07-01 12:00"), 7200, true, "CEST");
    s_assert_info(b, s_utc("2026-01-15 12:00"), 3600, false, "CET");
    s_assert_info(b, spring - 1, 3600, false, "CET");
    s_assert_info(b, spring, 7200, true, "CEST");
    s_assert_info(b, autumn - 1, 7200, true, "CEST");
    s_assert_info(b, autumn, 3600, false, "CET");
    s_assert_info(b, s_utc("2040-07-01 12:00"), 7200, true, "CEST");
    s_assert_info(b, s_utc("2040-01-15 12:00"), 3600, false, "CET");
    /* the southern hemisphere's rule: summer across the new year */
    s_assert_info("Australia/Sydney", s_utc("2040-01-15 12:00"), 11 * 3600, true, "AEDT");
    s_assert_info("Australia/Sydney", s_utc("2040-07-01 12:00"), 10 * 3600, false, "AEST");

    tz_info_t info;
    assert_int_equal(tz_info("Mars/Olympus", t, &info), -EINVAL);
    assert_int_equal(tz_info("", t, &info), -EINVAL);
    assert_int_equal(tz_info(NULL, t, &info), -EINVAL);
    assert_int_equal(tz_info("Asia/Makassar", INT64_MAX, &info), -ERANGE);
    assert_int_equal(tz_info("Asia/Makassar", INT64_MIN, &info), -ERANGE);
}

static void s_test_valid(void **state)
{
    static const char *const good[] = {
        "UTC",           "Asia/Makassar", "Asia/Jakarta",           "Asia/Jayapura",
        "Europe/Berlin", "Etc/GMT+8",     "America/Port-au-Prince", "America/Argentina/Salta",
    };
    static const char *const bad[] = {
        "Mars/Olympus",
        "../etc/passwd",
        "/etc/passwd",
        "",
        "Asia/../Asia/Makassar",
        "Asia/./Makassar",
        "./UTC",
        "Asia/Makassar/",
        "Asia//Makassar",
        "Asia",
        "Asia/Makassar ",
        " UTC",
        "Asia/Makassar\n",
        "Asia\\Makassar",
        "zone.tab",
        "tzdata.zi",
        "iso3166.tab",
        "Asia/Makassar%00",
        "Asia/Ma kassar",
        "Asia/Makassar;rm",
        "~/UTC",
    };
    for (size_t i = 0; i < ARRAY_LEN(good); i++) {
        if (!tz_valid(good[i]))
            print_error("should be valid: \"%s\"\n", good[i]);
        assert_true(tz_valid(good[i]));
    }
    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        if (tz_valid(bad[i]))
            print_error("should be invalid: \"%s\"\n", bad[i]);
        assert_false(tz_valid(bad[i]));
    }
    assert_false(tz_valid(NULL));
    char long_name[400];
    memset(long_name, 'A', sizeof(long_name) - 1);
    long_name[sizeof(long_name) - 1] = '\0';
    assert_false(tz_valid(long_name));

    cal_min_t local;
    int64_t utc;
    assert_int_equal(tz_to_local("Mars/Olympus", 0, &local), -EINVAL);
    assert_int_equal(tz_from_local("../etc/passwd", 0, &utc), -EINVAL);
    assert_int_equal(tz_to_local("", 0, &local), -EINVAL);
}

static void s_test_range(void **state)
{
    cal_min_t local;
    int64_t utc;
    assert_int_equal(tz_to_local("Asia/Makassar", INT64_MAX, &local), -ERANGE);
    assert_int_equal(tz_to_local("Asia/Makassar", INT64_MIN, &local), -ERANGE);
    assert_int_equal(tz_from_local("Asia/Makassar", INT64_MAX, &utc), -ERANGE);
    assert_int_equal(tz_from_local("Asia/Makassar", INT64_MIN, &utc), -ERANGE);
    assert_int_equal(tz_to_local("Asia/Makassar", s_utc("9999-12-31 15:59"), &local), 0);
    assert_int_equal(local, s_local("9999-12-31 23:59"));
}

/* The cache answers repeated questions, and tz_cleanup() leaves it usable. */
static void s_test_cache(void **state)
{
    for (int i = 0; i < 3; i++) {
        assert_true(tz_valid("Asia/Makassar"));
        assert_int_equal(s_to_local("Asia/Makassar", 0), 8 * 60);
        tz_cleanup();
    }
    tz_cleanup();
}

/* ---- threads ------------------------------------------------------------------------------- */

/* One thread's work: every zone of the list from its own starting point, so that threads load
 * zones into the empty cache at the same time; counts the answers that were wrong. */
typedef struct {
    size_t first; /* index of the first zone */
    int wrong;    /* answers that were not as expected */
} worker_t;

static const struct {
    const char *zone;
    int32_t utoff; /* at 2026-03-17T06:00:00Z */
    const char *abbr;
} s_thread_zones[] = {
    {"Asia/Makassar", 8 * 3600, "WITA"},     {"Asia/Jakarta", 7 * 3600, "WIB"},
    {"Asia/Jayapura", 9 * 3600, "WIT"},      {"Europe/Berlin", 3600, "CET"},
    {"Australia/Sydney", 11 * 3600, "AEDT"}, {"America/New_York", -4 * 3600, "EDT"},
};

static void *s_worker(void *arg)
{
    worker_t *w = arg;
    const int64_t t = 1773727200;
    const size_t n = ARRAY_LEN(s_thread_zones);
    for (int round = 0; round < 50; round++) {
        for (size_t k = 0; k < n; k++) {
            size_t i = (w->first + k) % n;
            tz_info_t info;
            cal_min_t local;
            int64_t back;
            if (tz_info(s_thread_zones[i].zone, t, &info) != 0 ||
                info.utoff != s_thread_zones[i].utoff ||
                strcmp(info.abbr, s_thread_zones[i].abbr) != 0 ||
                tz_to_local(s_thread_zones[i].zone, t, &local) != 0 ||
                tz_from_local(s_thread_zones[i].zone, local, &back) != 0 || back != t)
                w->wrong++;
        }
    }
    return NULL;
}

/* Several threads load and read zones at once (lkipd's workers; lkip monitor --web's threads):
 * every answer right; under make check-tsan also free of data races. */
static void s_test_threads(void **state)
{
    tz_cleanup();
    pthread_t th[4];
    worker_t w[4] = {{0}};
    for (size_t i = 0; i < ARRAY_LEN(th); i++) {
        w[i].first = i;
        assert_int_equal(pthread_create(&th[i], NULL, s_worker, &w[i]), 0);
    }
    for (size_t i = 0; i < ARRAY_LEN(th); i++) {
        assert_int_equal(pthread_join(th[i], NULL), 0);
        assert_int_equal(w[i].wrong, 0);
    }
}

/* ---- the C library as an oracle ------------------------------------------------------------ */

/* localtime_r in zone, as local minutes (the test may set TZ; tz.c never does). */
static cal_min_t s_libc_local(int64_t utc)
{
    time_t t = (time_t)utc;
    struct tm tm;
    assert_non_null(localtime_r(&t, &tm));
    return (cal_min_t)cal_days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday) * 1440 +
           tm.tm_hour * 60 + tm.tm_min;
}

/* Asserts that tz_info says what localtime_r says (TZ set to zone) at utc. */
static void s_assert_info_libc(const char *zone, int64_t utc)
{
    time_t t = (time_t)utc;
    struct tm tm;
    tz_info_t info;
    assert_non_null(localtime_r(&t, &tm));
    assert_int_equal(tz_info(zone, utc, &info), 0);
    if (info.utoff != tm.tm_gmtoff || info.isdst != (tm.tm_isdst > 0) ||
        strcmp(info.abbr, tm.tm_zone) != 0)
        print_error("%s at %lld: libc %ld %d %s, tz %d %d %s\n", zone, (long long)utc, tm.tm_gmtoff,
                    tm.tm_isdst, tm.tm_zone, info.utoff, info.isdst, info.abbr);
    assert_int_equal(info.utoff, tm.tm_gmtoff);
    assert_int_equal(info.isdst, tm.tm_isdst > 0);
    assert_string_equal(info.abbr, tm.tm_zone);
}

/* Many zones with unusual rules: 30-minute DST (Lord Howe), +12:45 (Chatham), negative DST
 * (Dublin), rules at 24:00 (Santiago) or -1:00 (Nuuk), two-hour DST (Troll). */
static void s_test_libc_oracle(void **state)
{
    static const char *const zones[] = {
        "Asia/Makassar",     "Asia/Jakarta",        "Asia/Jayapura",     "UTC",
        "Europe/Berlin",     "Europe/London",       "Europe/Dublin",     "America/New_York",
        "America/Sao_Paulo", "America/Santiago",    "America/Nuuk",      "America/St_Johns",
        "Australia/Sydney",  "Australia/Lord_Howe", "Pacific/Chatham",   "Pacific/Apia",
        "Asia/Kolkata",      "Asia/Tehran",         "Africa/Casablanca", "Antarctica/Troll",
    };
    const char *old_tz = getenv("TZ");
    char *saved = old_tz ? strdup(old_tz) : NULL;
    const int64_t lo = -3786825600LL;  /* 1850-01-01 */
    const int64_t span = 9467280000LL; /* 300 years */
    for (size_t zi = 0; zi < ARRAY_LEN(zones); zi++) {
        const char *z = zones[zi];
        char tzvar[128];
        snprintf(tzvar, sizeof(tzvar), ":%s", z);
        setenv("TZ", tzvar, 1);
        tzset();
        uint64_t x = 0x9e3779b97f4a7c15ULL ^ zi;
        for (int i = 0; i < 4000; i++) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            int64_t u = lo + (int64_t)((x >> 11) % (uint64_t)span);
            cal_min_t want = s_libc_local(u), got = s_to_local(z, u);
            if (got != want)
                print_error("%s at %lld: libc %lld, tz %lld\n", z, (long long)u, (long long)want,
                            (long long)got);
            assert_int_equal(got, want);
            s_assert_info_libc(z, u);

            /* tz_from_local: a time that exists maps back to its earliest instant ... */
            int64_t back = 0;
            assert_int_equal(tz_from_local(z, got, &back), 0);
            assert_int_equal(s_to_local(z, back), got);
            assert_true(back <= u);
            /* ... and a time in a gap to the first instant after it. */
            cal_min_t probe = got + (cal_min_t)(x % 180) - 90;
            assert_int_equal(tz_from_local(z, probe, &back), 0);
            cal_min_t shown = s_to_local(z, back);
            if (shown != probe) {
                assert_true(shown > probe);
                assert_true(s_to_local(z, back - 1) < probe);
            }
        }
    }
    if (saved) {
        setenv("TZ", saved, 1);
        free(saved);
    } else {
        unsetenv("TZ");
    }
    tzset();
}

/* ---- hand-built TZif files ----------------------------------------------------------------- */

/* A TZif file being built. */
typedef struct {
    uint8_t data[1024]; /* the bytes */
    size_t len;         /* bytes used */
} tzif_t;

static void s_put(tzif_t *f, const void *p, size_t n)
{
    assert_true(f->len + n <= sizeof(f->data));
    memcpy(f->data + f->len, p, n);
    f->len += n;
}

static void s_put8(tzif_t *f, uint8_t v)
{
    s_put(f, &v, 1);
}

static void s_put32(tzif_t *f, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    s_put(f, b, 4);
}

static void s_put64(tzif_t *f, int64_t v)
{
    s_put32(f, (uint32_t)((uint64_t)v >> 32));
    s_put32(f, (uint32_t)v);
}

/* One zone for a file: transitions and types. */
typedef struct {
    size_t n_trans;
    int64_t at[4];
    uint8_t type_of[4];
    size_t n_types;
    int32_t utoff[4];
    uint8_t isdst[4];
    uint32_t leapcnt;  /* > 0: a leap-second file (one record) */
    const char *chars; /* NULL: every type is "ZZZ"; else charcnt bytes of abbreviations ... */
    uint32_t charcnt;
    uint8_t desig[4]; /* ... and where each type's starts in them */
} zone_spec_t;

static const char *s_chars(const zone_spec_t *z, uint32_t *charcnt)
{
    *charcnt = z->chars ? z->charcnt : 4;
    return z->chars ? z->chars : "ZZZ";
}

static void s_put_header(tzif_t *f, char version, const zone_spec_t *z)
{
    s_put(f, "TZif", 4);
    s_put8(f, (uint8_t)version);
    for (int i = 0; i < 15; i++)
        s_put8(f, 0);
    s_put32(f, 0);          /* isutcnt */
    s_put32(f, 0);          /* isstdcnt */
    s_put32(f, z->leapcnt); /* leapcnt */
    s_put32(f, (uint32_t)z->n_trans);
    s_put32(f, (uint32_t)z->n_types);
    uint32_t charcnt;
    s_chars(z, &charcnt);
    s_put32(f, charcnt);
}

static void s_put_block(tzif_t *f, const zone_spec_t *z, size_t tsize)
{
    for (size_t i = 0; i < z->n_trans; i++) {
        if (tsize == 8)
            s_put64(f, z->at[i]);
        else
            s_put32(f, (uint32_t)(int32_t)z->at[i]);
    }
    for (size_t i = 0; i < z->n_trans; i++)
        s_put8(f, z->type_of[i]);
    for (size_t i = 0; i < z->n_types; i++) {
        s_put32(f, (uint32_t)z->utoff[i]);
        s_put8(f, z->isdst[i]);
        s_put8(f, z->desig[i]);
    }
    uint32_t charcnt;
    const char *chars = s_chars(z, &charcnt);
    s_put(f, chars, charcnt);
    for (uint32_t i = 0; i < z->leapcnt; i++) {
        if (tsize == 8)
            s_put64(f, 78796800);
        else
            s_put32(f, 78796800);
        s_put32(f, 1);
    }
}

static tzif_t s_tzif_v1(const zone_spec_t *z)
{
    tzif_t f = {0};
    s_put_header(&f, '\0', z);
    s_put_block(&f, z, 4);
    return f;
}

/* A v2 file; footer NULL: none at all (the file ends after the 64-bit block). */
static tzif_t s_tzif_v2(const zone_spec_t *z, const char *footer)
{
    tzif_t f = {0};
    s_put_header(&f, '2', z);
    s_put_block(&f, z, 4);
    s_put_header(&f, '2', z);
    s_put_block(&f, z, 8);
    if (footer) {
        s_put8(&f, '\n');
        s_put(&f, footer, strlen(footer));
        s_put8(&f, '\n');
    }
    return f;
}

/* The fixture: a zoneinfo directory of test files, made the active one. */
typedef struct {
    char dir[64];    /* the directory (mkdtemp) */
    char *files[32]; /* paths written, to remove */
    size_t n_files;  /* entries in files */
} zonedir_t;

static void s_write(zonedir_t *d, const char *name, const void *data, size_t len)
{
    char *path = xasprintf("%s/Test/%s", d->dir, name);
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
    assert_true(d->n_files < ARRAY_LEN(d->files));
    d->files[d->n_files++] = path;
}

static void s_write_tzif(zonedir_t *d, const char *name, const tzif_t *f)
{
    s_write(d, name, f->data, f->len);
}

/* +1h, then +2h at 1e9 (2001-09-09T01:46:40Z), +1h again at 1.1e9 (2004-11-09T11:33:20Z). */
static const zone_spec_t s_two_steps = {
    .n_trans = 2,
    .at = {1000000000, 1100000000},
    .type_of = {1, 0},
    .n_types = 2,
    .utoff = {3600, 7200},
};

/* +7h until 1970, +8h after. */
static const zone_spec_t s_one_step = {
    .n_trans = 1,
    .at = {0},
    .type_of = {1},
    .n_types = 2,
    .utoff = {7 * 3600, 8 * 3600},
};

/* +1h, then +2h from -1e9 (1938-04-24T22:13:20Z): a negative 32-bit time. */
static const zone_spec_t s_negative = {
    .n_trans = 1,
    .at = {-1000000000},
    .type_of = {1},
    .n_types = 2,
    .utoff = {3600, 7200},
};

/* No transitions, one type of +1h. */
static const zone_spec_t s_none = {.n_types = 1, .utoff = {3600}};

/* WIB until 1e9, WITA (DST, for the test) after, with their own abbreviations. */
static const zone_spec_t s_named = {
    .n_trans = 1,
    .at = {1000000000},
    .type_of = {1},
    .n_types = 2,
    .utoff = {7 * 3600, 8 * 3600},
    .isdst = {0, 1},
    .chars = "WIB\0WITA",
    .charcnt = 9,
    .desig = {0, 4},
};

static int s_setup_zonedir(void **state)
{
    zonedir_t *d = calloc(1, sizeof(*d));
    assert_non_null(d);
    strcpy(d->dir, "/tmp/lkip-test-tz-XXXXXX");
    assert_non_null(mkdtemp(d->dir));
    char *sub = xasprintf("%s/Test", d->dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    free(sub);

    tzif_t f = s_tzif_v1(&s_two_steps);
    s_write_tzif(d, "V1", &f);
    f = s_tzif_v2(&s_none, "CET-1CEST,M3.5.0,M10.5.0/3");
    s_write_tzif(d, "Rule", &f);
    f = s_tzif_v1(&s_negative);
    s_write_tzif(d, "V1Negative", &f);
    /* Julian day rules: J60 is always 1 March; 59 is 29 February in a leap year. */
    f = s_tzif_v2(&s_none, "<+03>-3<+04>,J60/0,J300/0");
    s_write_tzif(d, "Julian", &f);
    f = s_tzif_v2(&s_none, "<+03>-3<+04>,59/0,300/0");
    s_write_tzif(d, "ZeroBased", &f);
    f = s_tzif_v2(&s_one_step, "<+08>-8");
    s_write_tzif(d, "Fixed", &f);
    f = s_tzif_v2(&s_one_step, "not a rule,,");
    s_write_tzif(d, "BadFooter", &f);
    f = s_tzif_v2(&s_one_step, "EST5EDT"); /* DST without a rule: refused, falls back */
    s_write_tzif(d, "NoRule", &f);
    f = s_tzif_v2(&s_one_step, NULL);
    s_write_tzif(d, "NoFooter", &f);
    f = s_tzif_v2(&s_two_steps, "");
    s_write_tzif(d, "EmptyFooter", &f);
    f = s_tzif_v1(&s_named);
    s_write_tzif(d, "Named", &f);
    f = s_tzif_v2(&s_named, "<-0330>3:30<+0545>-5:45,M3.5.0,M10.5.0/3");
    s_write_tzif(d, "NamedRule", &f);
    /* unusable abbreviations: not NUL-terminated, a space, too long, empty */
    zone_spec_t odd = s_named;
    odd.chars = "WIBWITA";
    odd.charcnt = 7;
    odd.desig[1] = 3;
    f = s_tzif_v1(&odd);
    s_write_tzif(d, "Unterminated", &f);
    odd.chars = "W B\0ABCDEFGHIJKLMNOP";
    odd.charcnt = 21;
    odd.desig[1] = 4;
    odd.utoff[0] = -(3 * 3600 + 30 * 60);
    odd.utoff[1] = 7 * 3600 + 57 * 60 + 36;
    f = s_tzif_v1(&odd);
    s_write_tzif(d, "OddNames", &f);
    odd.desig[0] = 3;
    f = s_tzif_v2(&odd, "<AVeryLongZoneName>-8");
    s_write_tzif(d, "OddNamesRule", &f);

    /* corrupt files */
    f = s_tzif_v1(&s_two_steps);
    f.data[0] = 'X';
    s_write_tzif(d, "BadMagic", &f);
    f = s_tzif_v1(&s_two_steps);
    f.len -= 3;
    s_write_tzif(d, "Truncated", &f);
    f = s_tzif_v2(&s_two_steps, "CET-1");
    f.len = 44 + 20; /* inside the v1 block */
    s_write_tzif(d, "TruncatedV2", &f);
    zone_spec_t bad = s_two_steps;
    bad.type_of[1] = 5;
    f = s_tzif_v1(&bad);
    s_write_tzif(d, "BadIndex", &f);
    bad = s_two_steps;
    bad.at[1] = bad.at[0];
    f = s_tzif_v2(&bad, "CET-1");
    s_write_tzif(d, "Unsorted", &f);
    bad = s_two_steps;
    bad.utoff[1] = 30 * 3600;
    f = s_tzif_v1(&bad);
    s_write_tzif(d, "HugeOffset", &f);
    bad = s_none;
    bad.n_types = 0;
    f = s_tzif_v1(&bad);
    s_write_tzif(d, "NoTypes", &f);
    bad = s_two_steps;
    bad.leapcnt = 1;
    f = s_tzif_v2(&bad, "CET-1");
    s_write_tzif(d, "Leap", &f);
    f = s_tzif_v1(&bad);
    s_write_tzif(d, "LeapV1", &f);
    s_write(d, "Empty", "", 0);
    s_write(d, "Text", "Asia/Makassar\n", 14);

    assert_int_equal(setenv("LKIP_ZONEINFO", d->dir, 1), 0);
    *state = d;
    return 0;
}

static int s_teardown_zonedir(void **state)
{
    zonedir_t *d = *state;
    unsetenv("LKIP_ZONEINFO");
    for (size_t i = 0; i < d->n_files; i++) {
        unlink(d->files[i]);
        free(d->files[i]);
    }
    char *sub = xasprintf("%s/Test", d->dir);
    rmdir(sub);
    free(sub);
    rmdir(d->dir);
    free(d);
    tz_cleanup();
    return 0;
}

static void s_test_file_v1(void **state)
{
    const char *z = "Test/V1";
    s_assert_shows(z, 0, "1970-01-01 01:00");
    s_assert_shows(z, 1000000000 - 1, "2001-09-09 02:46");
    s_assert_shows(z, 1000000000, "2001-09-09 03:46");
    s_assert_shows(z, 1100000000 - 1, "2004-11-09 13:33");
    s_assert_shows(z, 1100000000, "2004-11-09 12:33");
    s_assert_shows(z, s_utc("2100-01-01 00:00"), "2100-01-01 01:00");  /* last type, no footer */
    assert_int_equal(s_from_local(z, "2001-09-09 03:00"), 1000000000); /* gap 02:46:40-03:46:40 */
    assert_int_equal(s_from_local(z, "2004-11-09 12:00"), s_utc("2004-11-09 10:00")); /* fold */
    s_assert_shows("Test/V1Negative", -1000000000 - 1, "1938-04-24 23:13");
    s_assert_shows("Test/V1Negative", -1000000000, "1938-04-25 00:13");
    /* The system's real zone is not visible through the test directory. */
    assert_false(tz_valid("Asia/Makassar"));
}

/* A v2 file without transitions: the footer's rule governs every instant (RFC 8536 3.2). */
static void s_test_file_rule(void **state)
{
    const char *z = "Test/Rule";
    s_assert_shows(z, 1774746000 - 1, "2026-03-29 01:59");
    s_assert_shows(z, 1774746000, "2026-03-29 03:00");
    s_assert_shows(z, 1792890000 - 1, "2026-10-25 02:59");
    s_assert_shows(z, 1792890000, "2026-10-25 02:00");
    s_assert_shows(z, s_utc("1990-07-01 12:00"), "1990-07-01 14:00");
    s_assert_shows(z, s_utc("2040-01-15 12:00"), "2040-01-15 13:00");
    assert_int_equal(s_from_local(z, "2026-03-29 02:30"), 1774746000);
    assert_int_equal(s_from_local(z, "2026-10-25 02:30"), 1792890000 - 1800);
    assert_int_equal(s_from_local(z, "2040-03-25 02:30"), 2216250000);
}

static void s_test_file_julian(void **state)
{
    static const struct {
        const char *zone, *utc, *local;
    } cases[] = {
        {"Test/Julian", "2028-02-29 12:00", "2028-02-29 15:00"},
        {"Test/Julian", "2028-02-29 20:59", "2028-02-29 23:59"},
        {"Test/Julian", "2028-02-29 21:00", "2028-03-01 01:00"},
        {"Test/Julian", "2027-02-28 21:00", "2027-03-01 01:00"},
        {"Test/Julian", "2027-10-26 12:00", "2027-10-26 16:00"},
        {"Test/Julian", "2027-10-27 12:00", "2027-10-27 15:00"},
        {"Test/ZeroBased", "2028-02-28 21:00", "2028-02-29 01:00"},
        {"Test/ZeroBased", "2027-02-28 20:59", "2027-02-28 23:59"},
        {"Test/ZeroBased", "2027-02-28 21:00", "2027-03-01 01:00"},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++)
        s_assert_shows(cases[i].zone, s_utc(cases[i].utc), cases[i].local);
}

static void s_test_file_footers(void **state)
{
    /* "<+08>-8" after the last transition; type 0 (+7) before the first */
    s_assert_shows("Test/Fixed", -1, "1970-01-01 06:59");
    s_assert_shows("Test/Fixed", 0, "1970-01-01 08:00");
    s_assert_shows("Test/Fixed", s_utc("2150-01-01 00:00"), "2150-01-01 08:00");
    assert_int_equal(s_from_local("Test/Fixed", "1970-01-01 07:30"), 0); /* gap 07:00-08:00 */
    /* unusable or missing footers: the last transition's offset goes on */
    static const char *const fallback[] = {"Test/BadFooter", "Test/NoRule", "Test/NoFooter"};
    for (size_t i = 0; i < ARRAY_LEN(fallback); i++) {
        assert_true(tz_valid(fallback[i]));
        s_assert_shows(fallback[i], s_utc("2040-07-01 00:00"), "2040-07-01 08:00");
        s_assert_shows(fallback[i], s_utc("1969-07-01 00:00"), "1969-07-01 07:00");
    }
    s_assert_shows("Test/EmptyFooter", s_utc("2040-07-01 00:00"), "2040-07-01 01:00");
    s_assert_shows("Test/EmptyFooter", 1000000000, "2001-09-09 03:46");
}

/* Abbreviations from the file's types and from its footer; unusable ones read as the offset. */
static void s_test_file_abbr(void **state)
{
    s_assert_info("Test/Named", 0, 7 * 3600, false, "WIB");
    s_assert_info("Test/Named", 1000000000, 8 * 3600, true, "WITA");
    s_assert_info("Test/Named", s_utc("2040-07-01 00:00"), 8 * 3600, true, "WITA");
    s_assert_info("Test/NamedRule", 1000000000 - 1, 7 * 3600, false, "WIB");
    s_assert_info("Test/NamedRule", s_utc("2040-07-01 00:00"), 5 * 3600 + 45 * 60, true, "+0545");
    s_assert_info("Test/NamedRule", s_utc("2040-01-15 00:00"), -(3 * 3600 + 30 * 60), false,
                  "-0330");
    s_assert_info("Test/Fixed", -1, 7 * 3600, false, "ZZZ");
    s_assert_info("Test/Fixed", 0, 8 * 3600, false, "+08");
    s_assert_info("Test/Rule", s_utc("2026-07-01 00:00"), 7200, true, "CEST");
    s_assert_info("Test/Rule", s_utc("2026-01-15 00:00"), 3600, false, "CET");

    s_assert_info("Test/Unterminated", 0, 7 * 3600, false, "+07");
    s_assert_info("Test/Unterminated", 1000000000, 8 * 3600, true, "+08");
    s_assert_info("Test/OddNames", 0, -(3 * 3600 + 30 * 60), false, "-0330");
    s_assert_info("Test/OddNames", 1000000000, 7 * 3600 + 57 * 60 + 36, true, "+075736");
    s_assert_info("Test/OddNamesRule", 0, -(3 * 3600 + 30 * 60), false, "-0330");
    s_assert_info("Test/OddNamesRule", 1000000000, 8 * 3600, false, "+08");
    /* an odd name never makes the zone invalid: the offsets stay right */
    s_assert_shows("Test/OddNames", 1000000000, "2001-09-09 09:44");
}

static void s_test_file_corrupt(void **state)
{
    static const char *const broken[] = {
        "Test/BadMagic", "Test/Truncated",  "Test/TruncatedV2", "Test/BadIndex",
        "Test/Unsorted", "Test/HugeOffset", "Test/NoTypes",     "Test/Leap",
        "Test/LeapV1",   "Test/Empty",      "Test/Text",        "Test/Missing",
        "Test",
    };
    for (size_t i = 0; i < ARRAY_LEN(broken); i++) {
        cal_min_t local;
        if (tz_valid(broken[i]))
            print_error("should be refused: %s\n", broken[i]);
        assert_false(tz_valid(broken[i]));
        assert_int_equal(tz_to_local(broken[i], 0, &local), -EINVAL);
    }
}

int main(void)
{
    const struct CMUnitTest system_zones[] = {
        cmocka_unit_test(s_test_indonesia),  cmocka_unit_test(s_test_lmt),
        cmocka_unit_test(s_test_berlin_dst), cmocka_unit_test(s_test_sydney),
        cmocka_unit_test(s_test_info),       cmocka_unit_test(s_test_threads),
        cmocka_unit_test(s_test_valid),      cmocka_unit_test(s_test_range),
        cmocka_unit_test(s_test_cache),      cmocka_unit_test(s_test_libc_oracle),
    };
    const struct CMUnitTest test_files[] = {
        cmocka_unit_test(s_test_file_v1),     cmocka_unit_test(s_test_file_rule),
        cmocka_unit_test(s_test_file_julian), cmocka_unit_test(s_test_file_footers),
        cmocka_unit_test(s_test_file_abbr),   cmocka_unit_test(s_test_file_corrupt),
    };
    /* Tests must not inherit an override from the environment. */
    unsetenv("LKIP_ZONEINFO");
    int failed = cmocka_run_group_tests_name("tz_system", system_zones, NULL, s_teardown_cache);
    failed +=
        cmocka_run_group_tests_name("tz_files", test_files, s_setup_zonedir, s_teardown_zonedir);
    return failed;
}
