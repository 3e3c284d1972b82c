/* test_protocol_doc — docs/PROTOCOL.md cannot drift from the code: every reply code the daemon
 * can send, every cell error code of a refused file, every event kind, every request and every
 * status found in the sources (tests/tools/protocol_codes.py reads them) is named in the
 * document. The extraction itself is checked too: it finds codes known to exist, and a document
 * that lacks some is refused with their names. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Debian's python3 (a dependency of scripts/deps.sh's python3-zmq); the script needs only its
 * standard library. */
#define PYTHON "/usr/bin/python3"

static const char *s_srcdir(void)
{
    const char *d = getenv("LKIP_SRCDIR");
    return d && *d ? d : ".";
}

/* Runs protocol_codes.py with args; returns its exit status, its output in *out (caller
 * frees). */
static int s_run(const char *args, char **out)
{
    char *cmd = xasprintf("LKIP_SRCDIR='%s' %s '%s/tests/tools/protocol_codes.py' %s 2>&1",
                          s_srcdir(), PYTHON, s_srcdir(), args);
    FILE *p = popen(cmd, "r");
    free(cmd);
    assert_non_null(p);
    strbuf_t sb = {0};
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0)
        strbuf_append(&sb, buf, n);
    int status = pclose(p);
    *out = strbuf_take(&sb);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The category is complete in docs/PROTOCOL.md (the missing names are printed when not). */
static void s_documented(const char *category)
{
    char *args = xasprintf("check %s", category);
    char *out = NULL;
    int rc = s_run(args, &out);
    if (rc != 0)
        fail_msg("docs/PROTOCOL.md lacks what the sources hold (exit %d):\n%s", rc, out);
    free(out);
    free(args);
}

static void test_reply_codes_documented(void **state)
{
    s_documented("replies");
}

static void test_cell_codes_documented(void **state)
{
    s_documented("cells");
}

static void test_event_kinds_documented(void **state)
{
    s_documented("events");
}

static void test_requests_documented(void **state)
{
    s_documented("requests");
}

static void test_statuses_documented(void **state)
{
    s_documented("statuses");
}

/* Each word of want is a line of the listing of category. */
static void s_lists(const char *category, const char *const *want)
{
    char *args = xasprintf("list %s", category);
    char *out = NULL;
    assert_int_equal(s_run(args, &out), 0);
    for (int i = 0; want[i]; i++) {
        char *line = xasprintf("\n%s\n", want[i]);
        char *padded = xasprintf("\n%s", out);
        if (!strstr(padded, line))
            fail_msg("%s: \"%s\" not found by the extraction:\n%s", category, want[i], out);
        free(padded);
        free(line);
    }
    free(out);
    free(args);
}

/* Codes from every way the daemon makes them: the authorization check, a handler, a ternary,
 * the engine's refusals, the socket thread, the stored-reply lookup, the parsers. */
static void test_extraction_finds_known_codes(void **state)
{
    static const char *const replies[] = {"other_org",    "missing_request_id", "bad_version",
                                          "bad_offset",   "own_work",           "step_changed",
                                          "slow_down",    "frame_too_large",    "db_unavailable",
                                          "request_id_reused", "no_indicators", "key_changed",
                                          NULL};
    static const char *const cells[] = {"not_xlsx", "bad_number", "locked_cell_changed",
                                        "too_many_errors", "unknown_code", NULL};
    static const char *const events[] = {"step_assigned", "unit_task_assigned", "escalation",
                                         "deadline_changed", NULL};
    static const char *const requests[] = {"whoami", "ack", "upload_chunk", "board", NULL};
    static const char *const statuses[] = {"200", "429", "504", NULL};
    s_lists("replies", replies);
    s_lists("cells", cells);
    s_lists("events", events);
    s_lists("requests", requests);
    s_lists("statuses", statuses);
}

/* A document that leaves codes out is refused, each missing one named. */
static void test_incomplete_document_refused(void **state)
{
    char path[] = "/tmp/lkip-protocol-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    static const char text[] = "# partial\n`ok` 200 `whoami`\n";
    assert_int_equal(write(fd, text, sizeof text - 1), (ssize_t)(sizeof text - 1));
    close(fd);
    char *args = xasprintf("check --doc %s replies requests", path);
    char *out = NULL;
    int rc = s_run(args, &out);
    unlink(path);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(out, "replies: other_org is not in"));
    assert_non_null(strstr(out, "requests: subscribe is not in"));
    assert_null(strstr(out, "replies: ok is not in"));
    assert_null(strstr(out, "requests: whoami is not in"));
    free(out);
    free(args);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reply_codes_documented),
        cmocka_unit_test(test_cell_codes_documented),
        cmocka_unit_test(test_event_kinds_documented),
        cmocka_unit_test(test_requests_documented),
        cmocka_unit_test(test_statuses_documented),
        cmocka_unit_test(test_extraction_finds_known_codes),
        cmocka_unit_test(test_incomplete_document_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
