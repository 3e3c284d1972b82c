/* test_third_party — a client written in another language from docs/PROTOCOL.md alone
 * (tests/thirdparty/lkip_client.py: Debian's python3-zmq and python3-protobuf, the classes protoc
 * makes from proto/lkip.proto) against the real lkipd on PostgreSQL, over CURVE:
 *   - it reads its key files, connects a DEALER with CURVE, asks whoami;
 *   - it subscribes and gets the event it missed (its step, assigned before it connected),
 *     acknowledges it, completes the step, gets the next assignment live, and sends the same
 *     request again (same request_id): the stored reply comes back and nothing happens twice;
 *   - offline, its step runs overdue (test clock); connecting again, it subscribes with the
 *     last seq it holds and the replay brings exactly the events it missed, in order; its
 *     acknowledgement reaches the database;
 *   - a key the daemon does not know is refused at the handshake.
 * The C side (lkipc) only plays the other actors and reads the database. */
#include "../harness/harness.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define CALL_TIMEOUT_MS 10000
/* Debian's python3, which python3-zmq and python3-protobuf belong to (scripts/deps.sh). */
#define PYTHON "/usr/bin/python3"
/* Monday 2 March 2026, 08:00 and 09:30 WITA (UTC+8): the kasubag's step 3 (1 jam) assigned at
 * 08:00 is overdue at 09:30. */
#define MAR_2_0800 1772409600LL
#define MAR_2_0930 (MAR_2_0800 + 90 * 60)

static harness_t *s_h;
static harness_daemon_t *s_d;

/* Sends req as c and checks status and code. */
static void s_call(lkipc_t *c, Lkip__Envelope *req, int status, const char *code)
{
    req->request_id = 0;
    Lkip__Envelope *rep = harness_call_ok(c, req);
    harness_assert_reply(rep, status, code);
    wire_free(&rep);
}

static void s_clock(lkipc_t *admin, int64_t now)
{
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    Lkip__ClockSetRequest body = LKIP__CLOCK_SET_REQUEST__INIT;
    body.now = now;
    req.body_case = LKIP__ENVELOPE__BODY_CLOCK_SET;
    req.clock_set = &body;
    s_call(admin, &req, 200, "ok");
}

/* Runs the Python client as the user whose key file is key with actions (one shell word each,
 * already quoted where needed); returns its exit status and its output in *out. */
static int s_python(const char *key, const char *state, const char *actions, char **out)
{
    const char *src = getenv("LKIP_SRCDIR") ? getenv("LKIP_SRCDIR") : ".";
    const char *build = getenv("LKIP_BUILD") ? getenv("LKIP_BUILD") : "build";
    char *cmd = xasprintf("timeout -k 5 120 %s '%s/tests/thirdparty/lkip_client.py' "
                          "--pb-dir '%s/python' --endpoint '%s' --server-key '%s.pub' "
                          "--key '%s' --state '%s' %s 2>&1",
                          PYTHON, src, build, harness_daemon_endpoint(s_d),
                          harness_server_key_file(s_h), key, state, actions);
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
    fprintf(stderr, "--- lkip_client.py %s:\n%s", actions, *out);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The line of out that starts with prefix (a pointer into out), or NULL. */
static const char *s_line(const char *out, const char *prefix)
{
    size_t n = strlen(prefix);
    for (const char *l = out; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
        if (strncmp(l, prefix, n) == 0)
            return l;
    return NULL;
}

static void s_expect_line(const char *out, const char *line)
{
    char *want = xasprintf("%s\n", line);
    if (!s_line(out, want)) {
        harness_dump_logs(s_h);
        fail_msg("the Python client did not print \"%s\":\n%s", line, out);
    }
    free(want);
}

/* The seqs of the "event SEQ KIND ..." lines of out, in order, into seqs (at most max); kinds
 * of step 3 into kinds as "kind,kind,". Returns how many. */
static int s_events(const char *out, long long *seqs, int max, strbuf_t *kinds)
{
    int n = 0;
    for (const char *l = s_line(out, "event "); l && n < max; l = s_line(l + 1, "event ")) {
        long long seq = 0;
        char kind[40] = "";
        int step = 0;
        if (sscanf(l, "event %lld %39s step=%d", &seq, kind, &step) != 3)
            fail_msg("bad event line in:\n%s", out);
        seqs[n++] = seq;
        if (step == 3)
            strbuf_printf(kinds, "%s,", kind);
    }
    return n;
}

static long long s_state(const char *path)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    long long seq = -1;
    assert_int_equal(fscanf(f, "%lld", &seq), 1);
    fclose(f);
    return seq;
}

/* The acknowledgement the database holds for the user reaches want: lkipd stores them once a
 * second, so this waits for that (a condition, not a time). */
static void s_wait_acked(const char *name, long long want)
{
    long long acked = -1;
    for (int i = 0; i < 300; i++) {
        acked = harness_sql_int(s_h,
                                "SELECT coalesce((SELECT a.acked_seq FROM recipient_acks a JOIN users u"
                                " ON u.id = a.user_id WHERE u.name = $1), 0)",
                                name, NULL);
        if (acked == want)
            return;
        usleep(100 * 1000);
    }
    fail_msg("acknowledged seq of %s in the database: %lld, expected %lld", name, acked, want);
}

static void test_python_client_follows_the_document(void **state)
{
    s_h = harness_new("third_party");
    assert_non_null(s_h);
    keypair_t admin_kp, kadis_kp, kasubag_kp, stranger_kp;
    assert_int_equal(harness_user(s_h, "admin", "admin", NULL, &admin_kp), 0);
    assert_int_equal(harness_user(s_h, "kadis", "kepala_dinas", NULL, &kadis_kp), 0);
    assert_int_equal(harness_user(s_h, "kasubag", "kasubag_perencanaan", NULL, &kasubag_kp), 0);
    assert_int_equal(harness_keypair(s_h, "stranger", &stranger_kp), 0); /* never registered */
    const char *sets[] = {harness_sop_setting(s_h), "test_clock=true", NULL};
    s_d = harness_daemon_start(s_h, sets);
    assert_non_null(s_d);
    lkipc_t *admin = harness_client(s_h, s_d, &admin_kp, CALL_TIMEOUT_MS);
    lkipc_t *kadis = harness_client(s_h, s_d, &kadis_kp, CALL_TIMEOUT_MS);
    assert_non_null(admin);
    assert_non_null(kadis);
    s_clock(admin, MAR_2_0800);

    /* the Kepala Dinas orders the LKIP: step 2 goes to the kasubag, who is not connected */
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    Lkip__StartRequest start = LKIP__START_REQUEST__INIT;
    start.sop_code = "LKIP";
    start.period = "2026";
    start.note = "Susun LKIP 2026";
    req.body_case = LKIP__ENVELOPE__BODY_START;
    req.start = &start;
    s_call(kadis, &req, 201, "ok");

    char *key = xasprintf("%s/keys/kasubag.key", harness_tmpdir(s_h));
    char *seq_file = xasprintf("%s/kasubag.seq", harness_tmpdir(s_h));
    struct stat st;
    assert_int_equal(stat(key, &st), 0);
    assert_int_equal(st.st_mode & 0077, 0); /* the secret key file as lkip keygen writes it */

    /* first run: whoami, the missed assignment replayed, the step, the next one live, the
     * same request again */
    char *out = NULL;
    int rc = s_python(key, seq_file,
                      "whoami subscribe step LKIP/2026 2 done 'Format disiapkan' "
                      "wait step_assigned repeat step LKIP/2026 2 done 'sekali lagi'",
                      &out);
    assert_int_equal(rc, 0);
    s_expect_line(out, "whoami kasubag kasubag_perencanaan DKIP");
    s_expect_line(out, "subscribed 1");
    assert_non_null(s_line(out, "event 1 step_assigned step=2 due="));
    s_expect_line(out, "replayed 1");
    s_expect_line(out, "reply step 200 ok");
    assert_non_null(s_line(out, "event 2 step_assigned step=3 due="));
    s_expect_line(out, "reply repeat 200 ok same");
    /* a new request (new request_id) for the step done meanwhile: refused, state unchanged */
    s_expect_line(out, "reply step 409 step_changed");
    free(out);
    /* the step was completed once, though it was asked twice with the same request_id */
    assert_int_equal(harness_sql_int(s_h,
                                     "SELECT count(*) FROM step_runs r JOIN instances i"
                                     " ON i.id = r.instance_id WHERE i.period = '2026'"
                                     " AND r.step_no = 2 AND r.finished_at IS NOT NULL",
                                     NULL),
                     1);
    assert_int_equal(harness_sql_int(s_h, "SELECT current_step FROM instances WHERE period = "
                                          "'2026'",
                                     NULL),
                     3);
    long long held = s_state(seq_file);
    assert_true(held >= 2);
    s_wait_acked("kasubag", held);

    /* offline, step 3 (1 jam, due 09:00) runs overdue */
    s_clock(admin, MAR_2_0930);
    assert_int_equal(harness_timers_settled(s_h, MAR_2_0930), 0);
    long long last = harness_sql_int(s_h,
                                     "SELECT s.last_seq FROM recipient_seq s JOIN users u"
                                     " ON u.id = s.user_id WHERE u.name = 'kasubag'",
                                     NULL);
    assert_true(last > held);

    /* second run, a new connection: subscribe with the seq held; the replay brings exactly
     * what was missed, in order */
    rc = s_python(key, seq_file, "subscribe", &out);
    assert_int_equal(rc, 0);
    char *line = xasprintf("subscribed %lld", last);
    s_expect_line(out, line);
    free(line);
    long long seqs[64];
    strbuf_t kinds = {0};
    int n = s_events(out, seqs, 64, &kinds);
    assert_int_equal(n, (int)(last - held));
    for (int i = 0; i < n; i++)
        assert_int_equal(seqs[i], held + 1 + i);
    if (!strstr(strbuf_str(&kinds), "overdue,"))
        fail_msg("no overdue notice of step 3 in the replay:\n%s", out);
    strbuf_free(&kinds);
    free(out);
    assert_int_equal(s_state(seq_file), last);
    s_wait_acked("kasubag", last);

    /* a key the daemon does not know: refused at the handshake */
    char *stranger = xasprintf("%s/keys/stranger.key", harness_tmpdir(s_h));
    rc = s_python(stranger, seq_file, "whoami", &out);
    assert_int_equal(rc, 3);
    s_expect_line(out, "error no_answer handshake refused (ZAP status 400)");
    free(out);
    free(stranger);

    free(key);
    free(seq_file);
    assert_int_equal(harness_daemon_stop(s_d, SIGTERM), 0);
    assert_true(harness_logs_clean(s_h));
    harness_destroy(&s_h);
}

static int s_teardown(void **state)
{
    harness_destroy(&s_h);
    return 0;
}

int main(void)
{
    harness_test_filter();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_python_client_follows_the_document, s_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
