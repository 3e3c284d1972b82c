/* test_log — unit tests of daemon/log.c's rate limit (issue 11): a burst passes, the lines over
 * it are only counted, and the first line of the next window says how many were left out. The
 * records are read back from stderr, redirected to a temporary file. */
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

typedef struct {
    log_ratelimit_t lim;
    int written; /* calls that returned true */
} s_run_t;

/* Ten lines into a limit of three per minute. */
static void s_ten(void *arg)
{
    s_run_t *r = arg;
    for (int i = 0; i < 10; i++)
        r->written += log_ratelimited(&r->lim, LOG_WARN, "refused frame %d", i);
}

/* The window has passed: the next line goes out and reports the seven left out. */
static void s_next_window(void *arg)
{
    s_run_t *r = arg;
    r->lim.window_start -= r->lim.interval_ms;
    r->written += log_ratelimited(&r->lim, LOG_WARN, "refused frame %d", 10);
    r->written += log_ratelimited(&r->lim, LOG_WARN, "refused frame %d", 11);
}

static void test_ratelimit(void **state)
{
    log_set_level(LOG_INFO);
    s_run_t r = {LOG_RATELIMIT_INIT(3, 60000), 0};
    char *out = s_capture(s_ten, &r);
    assert_int_equal(r.written, 3);
    assert_int_equal(s_count(out, "refused frame"), 3);
    assert_non_null(strstr(out, "lkipd warn: refused frame 0\n"));
    assert_non_null(strstr(out, "refused frame 2\n"));
    assert_null(strstr(out, "refused frame 3"));
    assert_int_equal(r.lim.suppressed, 7);
    free(out);

    r.written = 0;
    out = s_capture(s_next_window, &r);
    assert_int_equal(r.written, 2);
    assert_non_null(strstr(out, "refused frame 10 (7 similar line(s) left out before this one)\n"));
    assert_non_null(strstr(out, "refused frame 11\n"));
    assert_int_equal(r.lim.suppressed, 0);
    free(out);
}

/* A line below the log level is neither written nor counted. */
static void s_debug(void *arg)
{
    s_run_t *r = arg;
    r->written += log_ratelimited(&r->lim, LOG_DEBUG, "quiet");
}

static void test_ratelimit_below_level(void **state)
{
    log_set_level(LOG_INFO);
    s_run_t r = {LOG_RATELIMIT_INIT(1, 60000), 0};
    char *out = s_capture(s_debug, &r);
    assert_int_equal(r.written, 0);
    assert_string_equal(out, "");
    assert_int_equal(r.lim.suppressed, 0);
    assert_int_equal(r.lim.in_window, 0);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ratelimit),
        cmocka_unit_test(test_ratelimit_below_level),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
