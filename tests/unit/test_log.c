/* test_log — unit tests of daemon/log.c's rate limit (log_limited): the first line passes, the
 * ones that follow within the repeat interval are only counted, the first line after it says how
 * many were left out, and log_limits_flush says it when no line comes. The records are read back
 * from stderr, redirected to a temporary file. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Runs fn with stderr going to a temporary file; returns what was written (caller frees). */
static char *s_capture(void (*fn)(void *), void *arg)
{
    FILE *tmp = tmpfile();
    assert_non_null(tmp);
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    assert_true(saved >= 0);
    assert_true(dup2(fileno(tmp), STDERR_FILENO) >= 0);
    fn(arg);
    fflush(stderr);
    assert_true(dup2(saved, STDERR_FILENO) >= 0);
    close(saved);
    long n = ftell(tmp);
    assert_true(n >= 0);
    char *out = xcalloc(1, (size_t)n + 1);
    rewind(tmp);
    assert_int_equal(fread(out, 1, (size_t)n, tmp), (size_t)n);
    fclose(tmp);
    return out;
}

static int s_count(const char *text, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

static log_limit_t s_limit; /* one call site's limit, as log.h asks */
static int s_next;          /* number of the next "refused frame N" line */

static void s_lines(int n)
{
    for (int i = 0; i < n; i++)
        log_limited(&s_limit, LOG_WARN, "refused frame %d", s_next++);
}

/* Ten lines in a row: the first is logged, nine are counted. */
static void s_ten(void *arg)
{
    s_lines(10);
}

/* The interval has passed: the next line goes out and says how many were left out. */
static void s_after_interval(void *arg)
{
    s_limit.quiet_until = monotonic_ms() - 1;
    s_lines(1);
}

/* Three lines counted, then the interval passes with no line to carry the count: the flush logs
 * the last one counted, with the others' count. */
static void s_flushed(void *arg)
{
    s_lines(3);
    log_limits_flush(); /* within the interval: nothing */
    s_limit.quiet_until = monotonic_ms() - 1;
    log_limits_flush();
    log_limits_flush(); /* nothing left to say */
}

static void test_limited(void **state)
{
    log_set_level(LOG_INFO);
    log_set_repeat_ms(60000);
    memset(&s_limit, 0, sizeof s_limit);
    s_next = 0;
    char *out = s_capture(s_ten, NULL);
    assert_int_equal(s_count(out, "refused frame"), 1);
    assert_non_null(strstr(out, "lkipd warn: refused frame 0\n"));
    assert_int_equal(s_limit.suppressed, 9);
    free(out);

    out = s_capture(s_after_interval, NULL);
    assert_int_equal(s_count(out, "refused frame"), 1);
    assert_non_null(strstr(out, "refused frame 10 (9 similar messages suppressed)\n"));
    assert_int_equal(s_limit.suppressed, 0);
    free(out);

    out = s_capture(s_flushed, NULL);
    assert_int_equal(s_count(out, "refused frame"), 1);
    assert_non_null(strstr(out, "refused frame 13 (2 similar messages suppressed)\n"));
    assert_int_equal(s_limit.suppressed, 0);
    free(out);
}

/* A line below the log level is neither written nor counted. */
static void s_debug(void *arg)
{
    log_limited(&s_limit, LOG_DEBUG, "quiet");
}

static void test_limited_below_level(void **state)
{
    log_set_level(LOG_INFO);
    memset(&s_limit, 0, sizeof s_limit);
    char *out = s_capture(s_debug, NULL);
    assert_string_equal(out, "");
    assert_int_equal(s_limit.suppressed, 0);
    assert_int_equal(s_limit.quiet_until, 0);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_limited),
        cmocka_unit_test(test_limited_below_level),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
