/* test_bench_round — make bench compares lkip with pgbench running bench/round.sql, "the same
 * write set" as a whole LKIP round through lkipd. That holds only while the script keeps up with
 * lkipd: here build/lkip-bench --compare-round runs one round through a real lkipd (over CURVE,
 * on the test cluster) and one run of the script (pgbench, on lkip's schema made from sql/), and
 * the rows each added to every table must be the same; a script that writes one row more is
 * caught. */
#include "../harness/harness.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Runs lkip-bench --compare-round from the source tree (LKIP_BENCH_ROUND_SQL=script when not
 * NULL); its exit status, its output in *out. */
static int s_compare(const char *script, char **out)
{
    const char *build = getenv("LKIP_BUILD"), *src = getenv("LKIP_SRCDIR");
    assert_non_null(build);
    assert_non_null(src);
    char *cmd = xasprintf("cd '%s' && PATH=/usr/lib/postgresql/15/bin:$PATH %s%s%s '%s/lkip-bench'"
                          " --compare-round 2>&1",
                          src, script ? "LKIP_BENCH_ROUND_SQL='" : "", script ? script : "",
                          script ? "'" : "", build);
    FILE *p = popen(cmd, "r");
    free(cmd);
    assert_non_null(p);
    strbuf_t sb = {0};
    char buf[512];
    while (fgets(buf, sizeof buf, p))
        strbuf_puts(&sb, buf);
    int status = pclose(p);
    *out = strbuf_take(&sb);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The script and lkipd write the same rows, table by table (a round adds 47 outbox rows: one
 * per event and recipient). */
static void test_round_script_matches_lkipd(void **state)
{
    (void)state;
    char *out = NULL;
    int rc = s_compare(NULL, &out);
    if (rc != 0)
        fprintf(stderr, "%s", out);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "the same rows"));
    assert_non_null(strstr(out, "outbox                 47       47"));
    assert_non_null(strstr(out, "step_runs              11       11"));
    free(out);
}

/* A script with one audit row more than lkipd writes is told apart, the table named. */
static void test_a_different_script_is_caught(void **state)
{
    (void)state;
    char dir[] = "/tmp/lkip-round.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *path = xasprintf("%s/round.sql", dir);
    char *copy = xasprintf("cp '%s/bench/round.sql' '%s' && printf '%%s\\n' \"INSERT INTO audit"
                           " (user_id, command, status, code) VALUES (:kadis, 'extra', 200,"
                           " 'ok');\" >> '%s'",
                           getenv("LKIP_SRCDIR"), path, path);
    assert_int_equal(system(copy), 0);
    free(copy);
    char *out = NULL;
    int rc = s_compare(path, &out);
    if (rc != 1)
        fprintf(stderr, "%s", out);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(out, "audit                  17       18  differs"));
    assert_non_null(strstr(out, "round.sql writes a different round"));
    free(out);
    unlink(path);
    free(path);
    rmdir(dir);
}

int main(void)
{
    harness_test_filter();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_script_matches_lkipd),
        cmocka_unit_test(test_a_different_script_is_caught),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
