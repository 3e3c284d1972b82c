/* test_config — daemon/config: defaults, a valid file, and errors that name the file and line. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "config.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char s_dir[256];  /* this test's temp folder */
static char s_path[300]; /* the config file of the running test */

static int s_group_setup(void **state)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(s_dir, sizeof s_dir, "%s/lkip-config-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(s_dir))
        return -1;
    snprintf(s_path, sizeof s_path, "%s/lkipd.conf", s_dir);
    return 0;
}

static int s_group_teardown(void **state)
{
    unlink(s_path);
    return rmdir(s_dir);
}

/* Writes text as the config file and loads it over the defaults into cfg. */
static int s_load(config_t *cfg, const char *text, char *err, size_t errlen)
{
    FILE *f = fopen(s_path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
    config_defaults(cfg);
    err[0] = '\0';
    return config_load(cfg, s_path, err, errlen);
}

/* Loads text, expects a refusal at line whose message contains what. */
static void s_expect_error(const char *text, int line, const char *what)
{
    config_t cfg;
    char err[512];
    int rc = s_load(&cfg, text, err, sizeof err);
    config_free(&cfg);
    char where[340];
    snprintf(where, sizeof where, "%s:%d: ", s_path, line);
    if (rc != -1 || strncmp(err, where, strlen(where)) != 0 || !strstr(err, what))
        fail_msg("expected \"%s...%s\", got %d \"%s\"", where, what, rc, err);
}

static void test_defaults(void **state)
{
    config_t cfg;
    config_defaults(&cfg);
    assert_string_equal(cfg.endpoint, "tcp://127.0.0.1:7390");
    assert_string_equal(cfg.database, "dbname=lkip");
    assert_string_equal(cfg.secret_key_file, "/etc/lkip/server.key");
    assert_non_null(cfg.node_name);
    assert_true(cfg.node_name[0] != '\0');
    assert_null(cfg.ready_file);
    assert_null(cfg.sop_dir);
    assert_int_equal(cfg.log_level, LOG_INFO);
    assert_false(cfg.test_clock);
    assert_int_equal(cfg.batch_max, 64);
    assert_int_equal(cfg.workers, 1);
    assert_int_equal(cfg.io_threads, 2);
    assert_int_equal(cfg.heartbeat_ms, 0);
    assert_int_equal(cfg.session_timeout_ms, 30000);
    assert_int_equal(cfg.outbox_poll_ms, 1000);
    assert_int_equal(cfg.outbox_poll_users, 1000);
    assert_int_equal(cfg.resend_ms, 5000);
    assert_int_equal(cfg.retention_days, 30);
    config_free(&cfg);
    assert_null(cfg.endpoint);
    assert_null(cfg.node_name);
}

static void test_valid_file(void **state)
{
    config_t cfg;
    char err[512];
    int rc = s_load(&cfg,
                    "; lkipd settings\n"
                    "[lkipd]\n"
                    "endpoint = tcp://0.0.0.0:7391\n"
                    "database = host=/run/pg port=5433 dbname=lkip_prod\n"
                    "# a comment line\n"
                    "secret_key_file = /srv/lkip/server.key\n"
                    "node_name = lkipd-a\n"
                    "ready_file = /run/lkipd.ready\n"
                    "log_level = debug\n"
                    "test_clock = yes\n"
                    "batch_max = 1024\n"
                    "heartbeat_ms = 100\n"
                    "retention_days = 3650\n",
                    err, sizeof err);
    if (rc != 0)
        fail_msg("valid file refused: %s", err);
    assert_string_equal(cfg.endpoint, "tcp://0.0.0.0:7391");
    assert_string_equal(cfg.database, "host=/run/pg port=5433 dbname=lkip_prod");
    assert_string_equal(cfg.secret_key_file, "/srv/lkip/server.key");
    assert_string_equal(cfg.node_name, "lkipd-a");
    assert_string_equal(cfg.ready_file, "/run/lkipd.ready");
    assert_int_equal(cfg.log_level, LOG_DEBUG);
    assert_true(cfg.test_clock);
    assert_int_equal(cfg.batch_max, 1024);
    assert_int_equal(cfg.heartbeat_ms, 100);
    assert_int_equal(cfg.retention_days, 3650);
    /* untouched keys keep their defaults */
    assert_int_equal(cfg.outbox_poll_ms, 1000);
    assert_null(cfg.sop_dir);
    config_free(&cfg);
}

static void test_unknown_key(void **state)
{
    s_expect_error("[lkipd]\nendpoint = tcp://127.0.0.1:1\nbatch_size = 10\n", 3, "\"batch_size\"");
}

static void test_first_error_wins(void **state)
{
    s_expect_error("[lkipd]\nbogus = 1\nbatch_max = 0\n", 2, "\"bogus\"");
}

static void test_bad_int(void **state)
{
    s_expect_error("[lkipd]\nbatch_max = 0\n", 2, "batch_max");
    s_expect_error("[lkipd]\nbatch_max = 1025\n", 2, "from 1 to 1024");
    s_expect_error("[lkipd]\n\nheartbeat_ms = 12abc\n", 3, "heartbeat_ms");
    s_expect_error("[lkipd]\nretention_days = \n", 2, "retention_days");
    s_expect_error("[lkipd]\nbatch_max = 99999999999999999999\n", 2, "batch_max");
}

static void test_bad_bool(void **state)
{
    s_expect_error("[lkipd]\ntest_clock = maybe\n", 2, "test_clock");
    s_expect_error("[lkipd]\ntest_clock = TRUE\n", 2, "not true or false");
}

static void test_bad_log_level(void **state)
{
    s_expect_error("[lkipd]\nlog_level = verbose\n", 2, "log_level");
}

static void test_key_outside_section(void **state)
{
    s_expect_error("endpoint = tcp://127.0.0.1:1\n[lkipd]\n", 1, "outside section [lkipd]");
    s_expect_error("[lkipd]\nbatch_max = 2\n[lkip]\nendpoint = tcp://127.0.0.1:1\n", 4,
                   "outside section [lkipd]");
}

static void test_syntax_error(void **state)
{
    s_expect_error("[lkipd]\nthis line has no equals sign\n", 2, "syntax error");
}

/* A value longer than inih's line buffer (200 bytes) must either arrive whole or be refused at
 * its own line; it must never be cut, with the rest read as another line. */
static void test_long_line(void **state)
{
    strbuf_t sb = {0};
    strbuf_puts(&sb, "[lkipd]\ndatabase = host=/srv/");
    for (int i = 0; i < 300; i++)
        strbuf_puts(&sb, "a");
    strbuf_puts(&sb, " dbname=lkip\nbatch_max = 3\n");
    config_t cfg;
    char err[512];
    int rc = s_load(&cfg, strbuf_str(&sb), err, sizeof err);
    strbuf_free(&sb);
    char where[340];
    snprintf(where, sizeof where, "%s:2: ", s_path);
    bool whole = rc == 0 && strlen(cfg.database) == strlen("host=/srv/ dbname=lkip") + 300;
    bool refused_here = rc == -1 && strncmp(err, where, strlen(where)) == 0;
    config_free(&cfg);
    if (!whole && !refused_here)
        fail_msg("a 322-byte value: rc %d, err \"%s\"", rc, rc == 0 ? "" : err);
}

static void test_missing_file(void **state)
{
    config_t cfg;
    config_defaults(&cfg);
    char err[512];
    assert_int_equal(config_load(&cfg, "/nonexistent/lkipd.conf", err, sizeof err), -1);
    assert_non_null(strstr(err, "\"/nonexistent/lkipd.conf\""));
    config_free(&cfg);
}

static void test_config_set(void **state)
{
    config_t cfg;
    config_defaults(&cfg);
    char err[256];
    assert_int_equal(config_set(&cfg, "endpoint", "tcp://127.0.0.1:*", err, sizeof err), 0);
    assert_string_equal(cfg.endpoint, "tcp://127.0.0.1:*");
    assert_int_equal(config_set(&cfg, "batch_max", "1", err, sizeof err), 0);
    assert_int_equal(cfg.batch_max, 1);
    assert_int_equal(config_set(&cfg, "test_clock", "on", err, sizeof err), 0);
    assert_true(cfg.test_clock);
    assert_int_equal(config_set(&cfg, "test_clock", "0", err, sizeof err), 0);
    assert_false(cfg.test_clock);
    assert_int_equal(config_set(&cfg, "log_level", "error", err, sizeof err), 0);
    assert_int_equal(cfg.log_level, LOG_ERROR);

    assert_int_equal(config_set(&cfg, "batch_max", "-5", err, sizeof err), -1);
    assert_non_null(strstr(err, "batch_max"));
    assert_int_equal(cfg.batch_max, 1); /* unchanged by a refused value */
    assert_int_equal(config_set(&cfg, "log_level", "loud", err, sizeof err), -1);
    assert_int_equal(cfg.log_level, LOG_ERROR);
    assert_int_equal(config_set(&cfg, "no_such_key", "1", err, sizeof err), -1);
    assert_non_null(strstr(err, "\"no_such_key\""));

    /* the day from which next year's missing holidays are told (issue 9) */
    assert_string_equal(cfg.holiday_reminder_from, "11-01");
    assert_int_equal(config_set(&cfg, "holiday_reminder_from", "10-15", err, sizeof err), 0);
    assert_string_equal(cfg.holiday_reminder_from, "10-15");
    assert_int_equal(config_set(&cfg, "holiday_reminder_from", "off", err, sizeof err), 0);
    assert_string_equal(cfg.holiday_reminder_from, "off");
    static const char *const bad[] = {"13-01", "02-30", "1-01", "11-1", "11/01", "11-01x", ""};
    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        assert_int_equal(config_set(&cfg, "holiday_reminder_from", bad[i], err, sizeof err), -1);
        assert_non_null(strstr(err, "MM-DD"));
    }
    assert_string_equal(cfg.holiday_reminder_from, "off");
    config_free(&cfg);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),      cmocka_unit_test(test_valid_file),
        cmocka_unit_test(test_unknown_key),   cmocka_unit_test(test_first_error_wins),
        cmocka_unit_test(test_bad_int),       cmocka_unit_test(test_bad_bool),
        cmocka_unit_test(test_bad_log_level), cmocka_unit_test(test_key_outside_section),
        cmocka_unit_test(test_syntax_error),  cmocka_unit_test(test_long_line),
        cmocka_unit_test(test_missing_file),  cmocka_unit_test(test_config_set),
    };
    return cmocka_run_group_tests(tests, s_group_setup, s_group_teardown);
}
