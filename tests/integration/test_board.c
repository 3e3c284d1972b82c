/* test_board — the secretariat's board and notifications where people are, through the real
 * lkipd (test_clock = true, the SOPs of sop/) on a real PostgreSQL over real CURVE sockets:
 *
 *   - the board snapshot of a scripted day (an instance overdue by the test clock after two
 *     reminders, one at the collection step with 2 of 5 units in, one returned once and now at
 *     the Kadis's step while the Sekretaris is his Plh.), asserted field by field, and an
 *     operator's board limited to its unit;
 *   - the statements one board costs: the same with 1 and with 200 running instances;
 *   - lkip monitor in a pseudo-terminal (forkpty, TERM=xterm-256color, 80x24, libvterm as the
 *     terminal): its rows after events arrive, the overdue row (red) after the clock moves, a
 *     redraw on resize, the reconnect banner while its lkipd is down, and a correct board after
 *     it comes back; the Kepala Dinas's board following a change he was not told of (board
 *     hints); lkip monitor --once as text and JSON;
 *   - lkip monitor --web: the page, /board.json, the event stream and a timeline read over HTTP
 *     while steps happen and the clock moves, "disconnected" while its lkipd is down and live
 *     again after, a foreign Host refused, a non-loopback address refused without --web-token;
 *   - lkip watch --exec: exactly once across a kill -9 of watch between the command's work and
 *     the acknowledgement (the duplicate has the same LKIP_EVENT_SEQ), retries of a failing
 *     command, a hanging command timed out, a command that never succeeds given up and logged;
 *   - lkip watch --notify without a notification service: said once, every event delivered.
 *
 * Nothing sleeps: the clock moves by ClockSetRequest (then two pings prove the daemon ran its
 * timers), and every wait is for a condition with a timeout. */
#include "../harness/harness.h"
#include "../harness/httpc.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <jansson.h>
#include <unistd.h>
#include <vterm.h>

#include "calendar.h"

#define CALL_TIMEOUT_MS 10000 /* per attempt: a sanitizer build on a busy machine */
#define WAIT_MS         20000 /* for an event, a screen, a file to show what is expected */
#define WITA_OFFSET     (8 * 3600)
#define ZONE            "Asia/Makassar"
/* cmd_board.c: BOARD_STATEMENTS, what one board costs with warm caches */
#define BOARD_STATEMENTS 5

typedef struct {
    harness_t *h;
    harness_daemon_t *d, *d2; /* d2: a second daemon on the same database, when started */
    keypair_t admin, kadis, sekretaris, kasubag, staf, op_ikp, op_aptika;
    lkipc_t *c_admin, *c_kadis, *c_sekretaris, *c_kasubag, *c_staf, *c_ikp, *c_aptika;
} world_t;

static world_t s_w;

/* ---- helpers ------------------------------------------------------------------------------- */

static int64_t s_wita(const char *text)
{
    cal_min_t local = 0;
    if (cal_parse_local(text, &local) != 0)
        fail_msg("bad time in the test: \"%s\"", text);
    return local * 60 - WITA_OFFSET;
}

static const char *s_srcdir(void)
{
    const char *s = getenv("LKIP_SRCDIR");
    return s && *s ? s : ".";
}

static const char *s_build(void)
{
    const char *s = getenv("LKIP_BUILD");
    return s && *s ? s : "build";
}

/* Sends req and checks the reply's status (and code unless NULL). Caller frees the reply. */
static Lkip__Envelope *s_expect(lkipc_t *c, Lkip__Envelope *req, int status, const char *code)
{
    Lkip__Envelope *reply = harness_call_ok(c, req);
    harness_assert_reply(reply, status, code);
    return reply;
}

static void s_ok(lkipc_t *c, Lkip__Envelope *req, int status)
{
    Lkip__Envelope *reply = s_expect(c, req, status, NULL);
    wire_free(&reply);
}

static int64_t s_ping_time(lkipc_t *c)
{
    Lkip__PingRequest body = LKIP__PING_REQUEST__INIT;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_PING;
    req.ping = &body;
    Lkip__Envelope *reply = s_expect(c, &req, LKIP__STATUS__OK, "ok");
    int64_t t = reply->reply->pong->server_time;
    wire_free(&reply);
    return t;
}

/* Sets the test clock to wita and waits until the admin's daemon has run its timers then. */
static void s_clock_to(const char *wita)
{
    int64_t now = s_wita(wita);
    Lkip__ClockSetRequest body = LKIP__CLOCK_SET_REQUEST__INIT;
    body.now = now;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_CLOCK_SET;
    req.clock_set = &body;
    s_ok(s_w.c_admin, &req, LKIP__STATUS__OK);
    int64_t deadline = monotonic_ms() + WAIT_MS;
    while (s_ping_time(s_w.c_admin) != now)
        if (monotonic_ms() > deadline)
            fail_msg("the daemon's clock did not reach %s", wita);
    assert_int_equal(harness_timers_settled(s_w.h, now), 0);
}

static int64_t s_start(lkipc_t *c, const char *period)
{
    Lkip__StartRequest body = LKIP__START_REQUEST__INIT;
    body.sop_code = "LKIP";
    body.period = (char *)period;
    body.note = "Segera susun LKIP";
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_START;
    req.start = &body;
    Lkip__Envelope *reply = s_expect(c, &req, LKIP__STATUS__CREATED, "ok");
    int64_t id = reply->reply->instances->instances[0]->id;
    wire_free(&reply);
    return id;
}

static void s_step(lkipc_t *c, const char *period, int step_no, Lkip__StepAction action,
                   const char *note)
{
    char ref[32];
    snprintf(ref, sizeof ref, "LKIP/%s", period);
    Lkip__StepRequest body = LKIP__STEP_REQUEST__INIT;
    body.instance = ref;
    body.step_no = step_no;
    body.action = action;
    body.note = (char *)note;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_STEP;
    req.step = &body;
    Lkip__Envelope *reply = harness_call_ok(c, &req);
    if (reply->reply->status >= 300)
        fail_msg("step %d of LKIP/%s: %d %s %s", step_no, period, reply->reply->status,
                 reply->reply->code, reply->reply->message);
    wire_free(&reply);
}

static void s_done(lkipc_t *c, const char *period, int step_no)
{
    s_step(c, period, step_no, LKIP__STEP_ACTION__DONE, "selesai");
}

static void s_upload(lkipc_t *c, const char *period, int step_no)
{
    char ref[32];
    snprintf(ref, sizeof ref, "LKIP/%s", period);
    static const char doc[] = "Draft LKIP";
    Lkip__UploadRequest body = LKIP__UPLOAD_REQUEST__INIT;
    body.instance = ref;
    body.step_no = step_no;
    body.file_name = "lkip.docx";
    body.content.data = (uint8_t *)doc;
    body.content.len = sizeof doc - 1;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_UPLOAD;
    req.upload = &body;
    s_ok(c, &req, LKIP__STATUS__CREATED);
}

static void s_submit(lkipc_t *c, const char *period)
{
    char ref[32];
    snprintf(ref, sizeof ref, "LKIP/%s", period);
    static const char csv[] = "sasaran;indikator;satuan;arah;target;realisasi\n"
                              "Sasaran uji;Indikator uji;%;naik;80;84\n";
    Lkip__SubmitRequest body = LKIP__SUBMIT_REQUEST__INIT;
    body.instance = ref;
    body.file_name = "data.csv";
    body.content.data = (uint8_t *)csv;
    body.content.len = sizeof csv - 1;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_SUBMIT;
    req.submit = &body;
    s_ok(c, &req, LKIP__STATUS__CREATED);
}

static void s_delegate(const char *from, const char *to, const char *first, const char *last,
                       const char *capacity)
{
    Lkip__DelegateAddRequest body = LKIP__DELEGATE_ADD_REQUEST__INIT;
    body.from_user = (char *)from;
    body.to_user = (char *)to;
    body.first_day = (char *)first;
    body.last_day = (char *)last;
    body.capacity = (char *)capacity;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_DELEGATE_ADD;
    req.delegate_add = &body;
    s_ok(s_w.c_admin, &req, LKIP__STATUS__CREATED);
}

/* The board as c sees it (status and code checked). Caller frees. */
static Lkip__Envelope *s_board(lkipc_t *c, int status, const char *code)
{
    Lkip__BoardRequest body = LKIP__BOARD_REQUEST__INIT;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_BOARD;
    req.board = &body;
    Lkip__Envelope *reply = s_expect(c, &req, status, code);
    if (status == LKIP__STATUS__OK)
        assert_int_equal(reply->reply->payload_case, LKIP__REPLY__PAYLOAD_BOARD);
    return reply;
}

/* Registers a user through the admin's connection. */
static void s_add_user(const char *name, const char *role, const char *unit, keypair_t *kp)
{
    assert_int_equal(harness_keypair(s_w.h, name, kp), 0);
    Lkip__UserAddRequest body = LKIP__USER_ADD_REQUEST__INIT;
    body.name = (char *)name;
    char *full = xasprintf("Nama %s", name);
    body.full_name = full;
    body.role = (char *)role;
    if (unit)
        body.unit_code = (char *)unit;
    body.public_key = kp->public_key;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_USER_ADD;
    req.user_add = &body;
    s_ok(s_w.c_admin, &req, LKIP__STATUS__CREATED);
    free(full);
}

static harness_daemon_t *s_daemon(void)
{
    char *sop = xasprintf("sop_dir=%s/sop", s_srcdir());
    const char *sets[] = {"test_clock=true", sop, NULL};
    harness_daemon_t *d = harness_daemon_start(s_w.h, sets);
    free(sop);
    return d;
}

static lkipc_t *s_client(const keypair_t *kp)
{
    lkipc_t *c = harness_client(s_w.h, s_w.d, kp, CALL_TIMEOUT_MS);
    assert_non_null(c);
    return c;
}

static int s_setup(void **state)
{
    memset(&s_w, 0, sizeof s_w);
    s_w.h = harness_new("board");
    if (!s_w.h || harness_user(s_w.h, "admin.dkip", "admin", NULL, &s_w.admin) != 0)
        return -1;
    s_w.d = s_daemon();
    if (!s_w.d)
        return -1;
    s_w.c_admin = s_client(&s_w.admin);
    s_add_user("kadis", "kepala_dinas", NULL, &s_w.kadis);
    s_add_user("sekretaris", "sekretaris", NULL, &s_w.sekretaris);
    s_add_user("kasubag", "kasubag_perencanaan", NULL, &s_w.kasubag);
    s_add_user("staf", "staf", NULL, &s_w.staf);
    s_add_user("op.ikp", "operator_unit", "IKP", &s_w.op_ikp);
    s_add_user("op.aptika", "operator_unit", "APTIKA", &s_w.op_aptika);
    s_w.c_kadis = s_client(&s_w.kadis);
    s_w.c_sekretaris = s_client(&s_w.sekretaris);
    s_w.c_kasubag = s_client(&s_w.kasubag);
    s_w.c_staf = s_client(&s_w.staf);
    s_w.c_ikp = s_client(&s_w.op_ikp);
    s_w.c_aptika = s_client(&s_w.op_aptika);
    return 0;
}

static int s_teardown(void **state)
{
    bool clean = !s_w.h || harness_logs_clean(s_w.h);
    harness_destroy(&s_w.h);
    return clean ? 0 : -1;
}

static char *s_conf(const char *user, const harness_daemon_t *d);
static char *s_read(const char *path);

/* ---- the board of a scripted day --------------------------------------------------------- */

static const Lkip__BoardRow *s_row(const Lkip__BoardReply *b, int64_t id)
{
    for (size_t i = 0; i < b->n_rows; i++)
        if (b->rows[i]->instance_id == id)
            return b->rows[i];
    fail_msg("instance %lld is not on the board", (long long)id);
    return NULL;
}

/* Walks LKIP/period from its start to step 9 (the Kadis's signature), returned once at step 7. */
static int64_t s_to_step_9(const char *period)
{
    int64_t id = s_start(s_w.c_kadis, period);
    s_done(s_w.c_kasubag, period, 2);
    s_done(s_w.c_kasubag, period, 3);
    s_done(s_w.c_staf, period, 4); /* closes the collection: every unit recorded missing */
    s_upload(s_w.c_kasubag, period, 5);
    s_done(s_w.c_kasubag, period, 5);
    s_upload(s_w.c_staf, period, 6);
    s_done(s_w.c_staf, period, 6);
    s_step(s_w.c_sekretaris, period, 7, LKIP__STEP_ACTION__RETURN, "Bab III belum lengkap");
    s_upload(s_w.c_staf, period, 6);
    s_done(s_w.c_staf, period, 6);
    s_step(s_w.c_sekretaris, period, 7, LKIP__STEP_ACTION__APPROVE, "");
    s_done(s_w.c_sekretaris, period, 8);
    return id;
}

static void s_check_holder(const Lkip__BoardHolder *h, const char *name, const char *capacity,
                           const char *for_name)
{
    assert_string_equal(h->name, name);
    char *full = xasprintf("Nama %s", name);
    assert_string_equal(h->full_name, full);
    free(full);
    assert_string_equal(h->capacity, capacity);
    assert_string_equal(h->for_name, for_name);
}

/* A: LKIP/2026 at step 2 since 08:00, due 10:00, two reminders, overdue 30 minutes at 10:30. */
static void s_check_a(const Lkip__BoardRow *a, int64_t id)
{
    assert_int_equal(a->instance_id, id);
    assert_string_equal(a->sop_code, "LKIP");
    assert_string_equal(a->period, "2026");
    assert_string_equal(a->sop_title, "Penyusunan Laporan Kinerja Instansi Pemerintah (LKIP)");
    assert_int_equal(a->step_no, 2);
    assert_int_equal(a->steps, 11);
    assert_string_equal(a->step_name, "Format data kinerja");
    assert_non_null(strstr(a->step_title, "Membuat format pengumpulan data"));
    assert_string_equal(a->step_kind, "tugas");
    assert_string_equal(a->holder_role, "kasubag_perencanaan");
    assert_int_equal(a->n_holders, 1);
    s_check_holder(a->holders[0], "kasubag", "", "");
    assert_int_equal(a->assigned_at, s_wita("2026-03-02 08:00"));
    assert_int_equal(a->due_at, s_wita("2026-03-02 10:00"));
    assert_true(a->overdue);
    assert_int_equal(a->remaining_minutes, -30);
    assert_false(a->wall_clock);
    assert_int_equal(a->reminders, 2); /* 09:00 (an hour before) and 09:30 (75%) */
    assert_int_equal(a->returns, 0);
    assert_int_equal(a->round, 1);
    assert_string_equal(a->return_reason, "");
    assert_int_equal(a->n_units, 0);
}

/* B: LKIP/2025 at step 4 (collecting) since 08:00, due 11:00, IKP and APTIKA in at 09:05. */
static void s_check_b(const Lkip__BoardRow *b, int64_t id)
{
    assert_int_equal(b->instance_id, id);
    assert_string_equal(b->period, "2025");
    assert_int_equal(b->step_no, 4);
    assert_string_equal(b->step_name, "Himpun data unit");
    assert_string_equal(b->step_kind, "himpun");
    assert_string_equal(b->holder_role, "staf");
    assert_int_equal(b->n_holders, 1);
    s_check_holder(b->holders[0], "staf", "", "");
    assert_int_equal(b->assigned_at, s_wita("2026-03-02 08:00"));
    assert_int_equal(b->due_at, s_wita("2026-03-02 11:00"));
    assert_false(b->overdue);
    assert_int_equal(b->remaining_minutes, 30);
    assert_int_equal(b->reminders, 2); /* 10:00 and 10:15 */
    assert_int_equal(b->returns, 0);
    assert_int_equal(b->units_total, 5);
    assert_int_equal(b->units_submitted, 2);
    assert_int_equal(b->n_units, 5);
    static const char *const codes[] = {"APTIKA", "IKP", "PERSANDIAN", "SEKRETARIAT", "STATISTIK"};
    for (int i = 0; i < 5; i++) {
        const Lkip__BoardUnit *u = b->units[i];
        bool in = i < 2;
        assert_string_equal(u->unit_code, codes[i]);
        assert_true(*u->unit_name);
        assert_string_equal(u->state, in ? "submitted" : "open");
        assert_int_equal(u->submitted_at, in ? s_wita("2026-03-02 09:05") : 0);
        assert_int_equal(u->version, in ? 1 : 0);
        assert_string_equal(u->submitted_by, !in ? "" : i == 0 ? "op.aptika" : "op.ikp");
        assert_int_equal(u->due_at, s_wita("2026-03-02 11:00"));
    }
}

/* C: LKIP/2024 returned once, at step 9 (the Kadis's, 10 menit) since 10:25; the Sekretaris
 * is Plh. Kepala Dinas this week. */
static void s_check_c(const Lkip__BoardRow *c, int64_t id)
{
    assert_int_equal(c->instance_id, id);
    assert_string_equal(c->period, "2024");
    assert_int_equal(c->step_no, 9);
    assert_string_equal(c->step_name, "Penandatanganan");
    assert_string_equal(c->step_kind, "keputusan");
    assert_string_equal(c->holder_role, "kepala_dinas");
    assert_int_equal(c->n_holders, 2);
    s_check_holder(c->holders[0], "kadis", "", "");
    s_check_holder(c->holders[1], "sekretaris", "Plh. Kepala Dinas", "kadis");
    assert_int_equal(c->assigned_at, s_wita("2026-03-02 10:25"));
    assert_int_equal(c->due_at, s_wita("2026-03-02 10:35"));
    assert_false(c->overdue);
    assert_int_equal(c->remaining_minutes, 5);
    assert_int_equal(c->reminders, 0);
    assert_int_equal(c->returns, 1);
    assert_int_equal(c->n_units, 0);
}

static void test_board_scripted_day(void **state)
{
    /* Monday 2 March 2026, 08:00 WITA: A and B start; B goes on to its collection */
    s_clock_to("2026-03-02 08:00");
    int64_t a = s_start(s_w.c_kadis, "2026");
    int64_t b = s_start(s_w.c_kadis, "2025");
    s_done(s_w.c_kasubag, "2025", 2);
    s_done(s_w.c_kasubag, "2025", 3);
    s_clock_to("2026-03-02 09:05"); /* A's first reminder */
    s_submit(s_w.c_ikp, "2025");
    s_submit(s_w.c_aptika, "2025");
    s_clock_to("2026-03-02 09:35"); /* A's second */
    s_clock_to("2026-03-02 10:05"); /* A overdue; B's first reminder */
    s_clock_to("2026-03-02 10:20"); /* B's second */
    s_clock_to("2026-03-02 10:25");
    int64_t c = s_to_step_9("2024");
    s_delegate("kadis", "sekretaris", "2026-03-02", "2026-03-06", "Plh. Kepala Dinas");
    s_clock_to("2026-03-02 10:30");

    Lkip__Envelope *reply = s_board(s_w.c_sekretaris, LKIP__STATUS__OK, "ok");
    const Lkip__BoardReply *board = reply->reply->board;
    assert_string_equal(board->org_code, "DKIP");
    assert_non_null(strstr(board->org_name, "Dinas Komunikasi"));
    assert_string_equal(board->time_zone, ZONE);
    assert_int_equal(board->server_time, s_wita("2026-03-02 10:30"));
    assert_string_equal(board->unit_code, "");
    assert_true(board->sql_statements > 0);
    /* by due time: the overdue one first */
    assert_int_equal(board->n_rows, 3);
    assert_int_equal(board->rows[0]->instance_id, a);
    assert_int_equal(board->rows[1]->instance_id, c);
    assert_int_equal(board->rows[2]->instance_id, b);
    s_check_a(s_row(board, a), a);
    s_check_b(s_row(board, b), b);
    s_check_c(s_row(board, c), c);
    wire_free(&reply);

    /* the Kadis, the Kasubag and the admin see the same rows */
    lkipc_t *seers[] = {s_w.c_kadis, s_w.c_kasubag, s_w.c_admin};
    for (size_t i = 0; i < ARRAY_LEN(seers); i++) {
        reply = s_board(seers[i], LKIP__STATUS__OK, "ok");
        assert_int_equal(reply->reply->board->n_rows, 3);
        wire_free(&reply);
    }
    /* an operator: only B, and only its own unit */
    reply = s_board(s_w.c_ikp, LKIP__STATUS__OK, "ok");
    board = reply->reply->board;
    assert_string_equal(board->unit_code, "IKP");
    assert_int_equal(board->n_rows, 1);
    assert_int_equal(board->rows[0]->instance_id, b);
    assert_int_equal(board->rows[0]->n_units, 1);
    assert_string_equal(board->rows[0]->units[0]->unit_code, "IKP");
    assert_string_equal(board->rows[0]->units[0]->state, "submitted");
    wire_free(&reply);
    /* the staf is refused, in Indonesian, and nothing changes */
    reply = s_board(s_w.c_staf, LKIP__STATUS__FORBIDDEN, "forbidden_role");
    assert_non_null(strstr(reply->reply->message, "Papan pemantauan hanya untuk"));
    wire_free(&reply);

    /* the same board as lkip monitor --once prints it (shown in the test's output) */
    char *conf = s_conf("sekretaris", s_w.d);
    char *out = xasprintf("%s/day.txt", harness_tmpdir(s_w.h));
    const char *args[] = {"--config", conf, "monitor", "--once", NULL};
    assert_int_equal(harness_lkip_stop(s_w.h, harness_lkip_start(s_w.h, args, out), 0, WAIT_MS), 0);
    char *text = s_read(out);
    print_message("lkip monitor --once:\n%s", text);
    const char *want[] = {"3 SOP berjalan, 1 terlambat",
                          "9/11 Penandatanganan",
                          "kepala_dinas: sekretaris selaku Plh. Kepala Dinas",
                          "Unit (2/5 terkirim): APTIKA terkirim 2 Mar 09:05 v1 · IKP terkirim 2 "
                          "Mar 09:05 v1 · PERSANDIAN belum · SEKRETARIAT belum · STATISTIK belum",
                          "lewat 30 menit",
                          "sisa 5 menit",
                          "sisa 30 menit"};
    for (size_t i = 0; i < ARRAY_LEN(want); i++)
        if (!strstr(text, want[i]))
            fail_msg("lkip monitor --once did not print \"%s\"", want[i]);
    free(text);
    free(out);
    free(conf);

    /* at 11:05 the collection is late: its open units say so */
    s_clock_to("2026-03-02 11:05");
    reply = s_board(s_w.c_sekretaris, LKIP__STATUS__OK, "ok");
    const Lkip__BoardRow *row = s_row(reply->reply->board, b);
    assert_true(row->overdue);
    assert_string_equal(row->units[2]->state, "late");
    assert_string_equal(row->units[1]->state, "submitted");
    wire_free(&reply);
}

/* ---- the statement bound ------------------------------------------------------------------- */

/* The statements of the board on c with warm caches (the second of two). */
static int s_board_statements(lkipc_t *c, size_t rows)
{
    Lkip__Envelope *reply = s_board(c, LKIP__STATUS__OK, "ok");
    wire_free(&reply);
    reply = s_board(c, LKIP__STATUS__OK, "ok");
    assert_int_equal(reply->reply->board->n_rows, rows);
    int n = reply->reply->board->sql_statements;
    wire_free(&reply);
    return n;
}

static void test_board_statement_bound(void **state)
{
    s_clock_to("2026-03-02 08:00");
    s_start(s_w.c_kadis, "P0");
    int one = s_board_statements(s_w.c_sekretaris, 1);
    for (int i = 1; i < 200; i++) {
        char period[16];
        snprintf(period, sizeof period, "P%d", i);
        s_start(s_w.c_kadis, period);
        if (i % 3 == 0) /* some further on, with their units */
            s_done(s_w.c_kasubag, period, 2), s_done(s_w.c_kasubag, period, 3);
    }
    int many = s_board_statements(s_w.c_sekretaris, 200);
    print_message("board statements: %d with 1 instance, %d with 200\n", one, many);
    assert_int_equal(one, many);
    assert_true(many <= BOARD_STATEMENTS);
}

/* ---- lkip processes ----------------------------------------------------------------------- */

/* Writes a client config for user (key file keys/<user>.key) on daemon d; returns its path. */
static char *s_conf(const char *user, const harness_daemon_t *d)
{
    char *path = xasprintf("%s/%s.conf", harness_tmpdir(s_w.h), user);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f,
            "[lkip]\nendpoint = %s\nserver_key = %s.pub\nkey_file = keys/%s.key\n"
            "state_dir = state-%s\n",
            harness_daemon_endpoint(d), harness_server_key_file(s_w.h), user, user);
    assert_int_equal(fclose(f), 0);
    return path;
}

static char *s_read(const char *path)
{
    char *text = NULL;
    size_t len;
    if (read_file(path, 16u << 20, &text, &len) != 0)
        return xstrdup("");
    return text;
}

/* Waits until the file at path holds needle (count times at least). */
static void s_file_has(const char *path, const char *needle, int count)
{
    int64_t deadline = monotonic_ms() + WAIT_MS;
    for (;;) {
        char *text = s_read(path);
        int n = 0;
        for (const char *p = text; (p = strstr(p, needle)); p++)
            n++;
        free(text);
        if (n >= count)
            return;
        if (monotonic_ms() > deadline) {
            text = s_read(path);
            fail_msg("%s did not show \"%s\" %d times; it holds:\n%s", path, needle, count, text);
        }
        poll(NULL, 0, 20);
    }
}

/* ---- lkip monitor in a pseudo-terminal ------------------------------------------------------ */

typedef struct {
    int master;
    pid_t pid;
    VTerm *vt;
    VTermScreen *screen;
    int rows, cols;
} term_t;

static void s_term_open(term_t *t, const char *conf, int rows, int cols)
{
    struct winsize ws = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};
    char *lkip = xasprintf("%s/lkip", s_build());
    t->rows = rows;
    t->cols = cols;
    t->pid = forkpty(&t->master, NULL, NULL, &ws);
    assert_true(t->pid >= 0);
    if (t->pid == 0) {
        setenv("TERM", "xterm-256color", 1);
        unsetenv("NO_COLOR");
        execl(lkip, lkip, "--config", conf, "monitor", (char *)NULL);
        _exit(127);
    }
    free(lkip);
    fcntl(t->master, F_SETFL, O_NONBLOCK);
    t->vt = vterm_new(rows, cols);
    vterm_set_utf8(t->vt, 1);
    t->screen = vterm_obtain_screen(t->vt);
    vterm_screen_reset(t->screen, 1);
}

/* Feeds what the program wrote into the terminal, waiting up to ms for more. */
static void s_term_pump(term_t *t, int ms)
{
    struct pollfd p = {.fd = t->master, .events = POLLIN};
    if (poll(&p, 1, ms) <= 0)
        return;
    char buf[8192];
    ssize_t n;
    while ((n = read(t->master, buf, sizeof buf)) > 0)
        vterm_input_write(t->vt, buf, (size_t)n);
}

/* The screen as text, one line per row. Caller frees. */
static char *s_term_text(term_t *t)
{
    strbuf_t sb = {0};
    char line[2048];
    for (int r = 0; r < t->rows; r++) {
        VTermRect rect = {.start_row = r, .end_row = r + 1, .start_col = 0, .end_col = t->cols};
        size_t n = vterm_screen_get_text(t->screen, line, sizeof line - 1, rect);
        line[n] = '\0';
        strbuf_printf(&sb, "%s\n", line);
    }
    return strbuf_take(&sb);
}

/* Waits until the screen shows every one of the NULL-terminated texts, and none of absent (may
 * be NULL). Returns the screen (caller frees). */
static char *s_term_wait(term_t *t, const char *const *texts, const char *absent)
{
    int64_t deadline = monotonic_ms() + WAIT_MS;
    for (;;) {
        s_term_pump(t, 50);
        char *screen = s_term_text(t);
        bool all = !absent || !strstr(screen, absent);
        for (int i = 0; all && texts[i]; i++)
            all = strstr(screen, texts[i]) != NULL;
        if (all)
            return screen;
        if (monotonic_ms() > deadline) {
            harness_dump_logs(s_w.h);
            fail_msg("the terminal did not show \"%s\"%s%s; it shows:\n%s", texts[0],
                     absent ? " without " : "", absent ? absent : "", screen);
        }
        free(screen);
    }
}

/* The row of the screen holding text; -1 when none. */
static int s_term_row_of(term_t *t, const char *text)
{
    char *screen = s_term_text(t);
    const char *at = strstr(screen, text);
    int row = -1;
    if (at) {
        row = 0;
        for (const char *p = screen; p < at; p++)
            row += *p == '\n';
    }
    free(screen);
    return row;
}

/* True when the first non-blank cell of row is drawn in red. */
static bool s_term_row_red(term_t *t, int row)
{
    for (int col = 0; col < t->cols; col++) {
        VTermScreenCell cell;
        VTermPos pos = {.row = row, .col = col};
        vterm_screen_get_cell(t->screen, pos, &cell);
        if (cell.chars[0] && cell.chars[0] != ' ')
            return VTERM_COLOR_IS_INDEXED(&cell.fg) && cell.fg.indexed.idx == 1; /* red */
    }
    return false;
}

static void s_term_resize(term_t *t, int rows, int cols)
{
    struct winsize ws = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};
    assert_int_equal(ioctl(t->master, TIOCSWINSZ, &ws), 0);
    vterm_set_size(t->vt, rows, cols);
    t->rows = rows;
    t->cols = cols;
    kill(t->pid, SIGWINCH);
}

/* q, then the exit status. */
static int s_term_close(term_t *t)
{
    assert_int_equal(write(t->master, "q", 1), 1);
    int status = -1;
    int64_t deadline = monotonic_ms() + WAIT_MS;
    while (waitpid(t->pid, &status, WNOHANG) == 0) {
        s_term_pump(t, 20);
        if (monotonic_ms() > deadline) {
            kill(t->pid, SIGKILL);
            waitpid(t->pid, &status, 0);
            break;
        }
    }
    vterm_free(t->vt);
    close(t->master);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void test_monitor_in_terminal(void **state)
{
    harness_daemon_pin_endpoint(s_w.d);
    s_clock_to("2026-03-02 08:00");
    int64_t id = s_start(s_w.c_kadis, "2026");
    char *conf = s_conf("sekretaris", s_w.d);
    term_t t;
    s_term_open(&t, conf, 24, 80);
    const char *first[] = {"Papan pemantauan DKIP", "LKIP/2026", "2/11 Format data", NULL};
    free(s_term_wait(&t, first, NULL));

    /* an event: the Kasubag finishes step 2; the Sekretaris's board follows */
    s_done(s_w.c_kasubag, "2026", 2);
    const char *moved[] = {"3/11 Sebar format", "[SELESAI] LKIP/2026 langkah 2", NULL};
    free(s_term_wait(&t, moved, "2/11 Format"));
    assert_false(s_term_row_red(&t, s_term_row_of(&t, "3/11 Sebar")));

    /* the clock passes step 3's due time (09:00): overdue, escalated to the Sekretaris */
    s_clock_to("2026-03-02 09:05");
    char no[24];
    snprintf(no, sizeof no, "!%lld", (long long)id);
    const char *late[] = {no, "lewat 5 menit", "1 terlambat", NULL};
    char *screen = s_term_wait(&t, late, NULL);
    print_message("lkip monitor at 80x24:\n%s", screen);
    free(screen);
    assert_true(s_term_row_red(&t, s_term_row_of(&t, "3/11 Sebar")));

    /* resized: drawn again for the new width (the assigned column appears at 120) */
    s_term_resize(&t, 30, 130);
    const char *wide[] = {"Ditugaskan", "2 Mar 08:00", NULL};
    free(s_term_wait(&t, wide, NULL));

    /* its lkipd goes down: the banner; meanwhile the Kasubag works through a second daemon */
    s_w.d2 = s_daemon();
    assert_non_null(s_w.d2);
    assert_int_equal(harness_daemon_stop(s_w.d, SIGKILL), 128 + SIGKILL);
    const char *down[] = {"KONEKSI TERPUTUS", NULL};
    free(s_term_wait(&t, down, NULL));
    lkipc_t *kasubag2 = harness_client(s_w.h, s_w.d2, &s_w.kasubag, CALL_TIMEOUT_MS);
    assert_non_null(kasubag2);
    s_done(kasubag2, "2026", 3);

    /* back: no banner, caught up (the missed event in the strip), a fresh board */
    assert_int_equal(harness_daemon_restart(s_w.d), 0);
    const char *back[] = {"4/11 Himpun data unit", "Unit 0/5", "[SELESAI] LKIP/2026 langkah 3",
                          NULL};
    screen = s_term_wait(&t, back, "KONEKSI TERPUTUS");
    assert_null(strstr(screen, "3/11 Sebar"));
    free(screen);
    assert_int_equal(s_term_close(&t), 0);
    free(conf);
}

/* The Kepala Dinas's board follows a change nobody told him of (the Kasubag's step 2 done,
 * step 3 hers): the daemon's board hint makes it ask for a fresh board; the hint itself puts
 * nothing on the strip. */
static void test_monitor_follows_untold_changes(void **state)
{
    s_clock_to("2026-03-02 08:00");
    s_start(s_w.c_kadis, "2026");
    char *conf = s_conf("kadis", s_w.d);
    term_t t;
    s_term_open(&t, conf, 24, 80);
    const char *first[] = {"Papan pemantauan DKIP", "2/11 Format data", NULL};
    free(s_term_wait(&t, first, NULL));

    s_done(s_w.c_kasubag, "2026", 2);
    /* the row and its detail line drawn anew (not a screen caught half redrawn) */
    const char *moved[] = {"3/11 Sebar format", "#1 LKIP/2026 langkah 3:", NULL};
    char *screen = s_term_wait(&t, moved, "2/11 Format");
    assert_null(strstr(screen, "[SELESAI] LKIP/2026 langkah 2"));
    free(screen);
    assert_int_equal(s_term_close(&t), 0);
    free(conf);
}

/* lkip monitor --once: the board as text and as JSON, for scripts, cron and e-mail. */
static void test_monitor_once(void **state)
{
    s_clock_to("2026-03-02 08:00");
    int64_t id = s_start(s_w.c_kadis, "2026");
    s_clock_to("2026-03-02 10:30");
    char *conf = s_conf("kasubag", s_w.d);
    char *out = xasprintf("%s/once.txt", harness_tmpdir(s_w.h));
    const char *args[] = {"--config", conf, "monitor", "--once", NULL};
    pid_t pid = harness_lkip_start(s_w.h, args, out);
    assert_int_equal(harness_lkip_stop(s_w.h, pid, 0, WAIT_MS), 0);
    char *text = s_read(out);
    char row[64];
    snprintf(row, sizeof row, "%lld", (long long)id);
    const char *want[] = {"Papan pemantauan DKIP: 1 SOP berjalan, 1 terlambat (per Sen, 2 Mar "
                          "2026 10:30 WITA)",
                          row,
                          "LKIP/2026",
                          "2/11 Format data kinerja",
                          "kasubag_perencanaan: kasubag",
                          "2 Mar 08:00",
                          "2 Mar 10:00",
                          "lewat 30 menit",
                          "TERLAMBAT"};
    for (size_t i = 0; i < ARRAY_LEN(want); i++)
        if (!strstr(text, want[i]))
            fail_msg("lkip monitor --once did not print \"%s\":\n%s", want[i], text);
    free(text);

    char *json = xasprintf("%s/once.json", harness_tmpdir(s_w.h));
    const char *jargs[] = {"--config", conf, "--json", "monitor", "--once", NULL};
    pid = harness_lkip_start_split(s_w.h, jargs, json, "/dev/null");
    assert_int_equal(harness_lkip_stop(s_w.h, pid, 0, WAIT_MS), 0);
    text = s_read(json);
    json_error_t err;
    json_t *j = json_loads(text, 0, &err);
    if (!j)
        fail_msg("not JSON (%s):\n%s", err.text, text);
    json_t *r0 = json_array_get(json_object_get(j, "rows"), 0);
    assert_int_equal(json_integer_value(json_object_get(r0, "instance_id")), id);
    assert_true(json_is_true(json_object_get(r0, "overdue")));
    assert_int_equal(json_integer_value(json_object_get(r0, "remaining_minutes")), -30);
    assert_string_equal(json_string_value(json_object_get(j, "time_zone")), ZONE);
    assert_string_equal(json_string_value(json_object_get(json_object_get(r0, "text"), "left")),
                        "lewat 30 menit");
    json_decref(j);
    free(text);
    free(json);
    free(out);
    free(conf);
}

/* ---- lkip watch --exec and --notify ------------------------------------------------------ */

/* Starts lkip watch for kasubag with extra arguments; out and err are files in the temp
 * folder named after tag. */
static pid_t s_watch(const char *tag, const char *const *extra, char **out, char **err)
{
    char *conf = s_conf("kasubag", s_w.d);
    const char *args[16] = {"--config", conf, "watch"};
    int n = 3;
    for (int i = 0; extra[i]; i++)
        args[n++] = extra[i];
    args[n] = NULL;
    *out = xasprintf("%s/%s.out", harness_tmpdir(s_w.h), tag);
    *err = xasprintf("%s/%s.err", harness_tmpdir(s_w.h), tag);
    pid_t pid = harness_lkip_start_split(s_w.h, args, *out, *err);
    assert_true(pid > 0);
    free(conf);
    return pid;
}

/* A script in the temp folder; returns "sh PATH". */
static char *s_script(const char *name, const char *body)
{
    char *path = xasprintf("%s/%s", harness_tmpdir(s_w.h), name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "cd %s || exit 99\n%s", harness_tmpdir(s_w.h), body);
    assert_int_equal(fclose(f), 0);
    char *cmd = xasprintf("sh %s", path);
    free(path);
    return cmd;
}

static char *s_tmp(const char *name)
{
    return xasprintf("%s/%s", harness_tmpdir(s_w.h), name);
}

/* The text of a file in the temp folder (caller frees). */
static char *s_read_tmp(const char *name)
{
    char *path = s_tmp(name);
    char *text = s_read(path);
    free(path);
    return text;
}

/* Starts LKIP/period: the Kasubag gets one step_assigned event (step 2). */
static void s_event_for_kasubag(const char *period)
{
    s_start(s_w.c_kadis, period);
}

static void test_exec_exactly_once_across_kill(void **state)
{
    s_clock_to("2026-03-02 08:00");
    /* each run logs its sequence, its environment, and keeps its standard input; with the flag
     * file (holding watch's pid) it kills watch after its work, before watch could store and
     * acknowledge it */
    char *cmd = s_script("bridge.sh",
                         "cat > stdin-$LKIP_EVENT_SEQ.json\n"
                         "echo \"$LKIP_EVENT_SEQ\" >> seqs.log\n"
                         "echo \"$LKIP_EVENT_SEQ|$LKIP_EVENT_KIND|$LKIP_EVENT_INSTANCE|"
                         "$LKIP_EVENT_SOP|$LKIP_EVENT_STEP|$LKIP_EVENT_DUE|$LKIP_EVENT_RECIPIENT|"
                         "$LKIP_EVENT_TEXT\" >> env.log\n"
                         "if [ -e kill.flag ]; then kill -9 $(cat kill.flag); rm kill.flag; fi\n"
                         "exit 0\n");
    const char *extra[] = {"--exec", cmd, NULL};
    char *out, *err, *seqs = s_tmp("seqs.log"), *flag = s_tmp("kill.flag");
    pid_t pid = s_watch("exec1", extra, &out, &err);
    for (int i = 1; i <= 3; i++) {
        char period[16];
        snprintf(period, sizeof period, "E%d", i);
        s_event_for_kasubag(period);
    }
    s_file_has(seqs, "3\n", 1);
    FILE *f = fopen(flag, "w"); /* the pid of watch, for the command to kill */
    assert_non_null(f);
    fprintf(f, "%d\n", (int)pid);
    assert_int_equal(fclose(f), 0);
    s_event_for_kasubag("E4");
    assert_int_equal(harness_lkip_stop(s_w.h, pid, 0, WAIT_MS), 128 + SIGKILL);
    s_event_for_kasubag("E5");
    s_event_for_kasubag("E6");
    free(out);
    free(err);
    pid = s_watch("exec2", extra, &out, &err);
    s_file_has(seqs, "6\n", 1);
    assert_int_equal(harness_lkip_stop(s_w.h, pid, SIGTERM, WAIT_MS), 0);
    char *log = s_read(seqs);
    /* every event once, in order; the one whose delivery watch did not live to store came
     * again, with the same sequence number */
    assert_string_equal(log, "1\n2\n3\n4\n4\n5\n6\n");
    free(log);
    /* the environment and the JSON on standard input */
    char *env = s_read_tmp("env.log");
    char *line1 = strtok(env, "\n");
    assert_non_null(line1);
    assert_non_null(strstr(line1, "1|step_assigned|"));
    assert_non_null(strstr(line1, "|LKIP/E1|2|2026-03-02T10:00:00+08:00|kasubag|#1 "));
    assert_non_null(strstr(line1, "[TUGAS] LKIP/E1 langkah 2"));
    free(env);
    char *json = s_read_tmp("stdin-4.json");
    assert_non_null(strstr(json, "\"seq\": 4") ? strstr(json, "\"seq\": 4")
                                               : strstr(json, "\"seq\":4"));
    assert_non_null(strstr(json, "\"recipient\":\"kasubag\""));
    assert_non_null(strstr(json, "\"kind\":\"step_assigned\""));
    free(json);
    free(out);
    free(err);
    free(cmd);
    free(seqs);
    free(flag);
}

static void test_exec_retries_timeout_and_gives_up(void **state)
{
    s_clock_to("2026-03-02 08:00");
    /* seq 1 fails twice then succeeds; seq 2 hangs once (timed out) then succeeds; seq 3 always
     * fails (given up after 3 attempts); seq 4 succeeds at once */
    char *cmd = s_script("flaky.sh", "s=$LKIP_EVENT_SEQ\n"
                                     "echo \"$s\" >> attempts.log\n"
                                     "n=$(grep -c \"^$s\\$\" attempts.log)\n"
                                     "case $s in\n"
                                     "1) [ \"$n\" -ge 3 ] || exit 1 ;;\n"
                                     "2) [ \"$n\" -ge 2 ] || exec sleep 60 ;;\n"
                                     "3) exit 7 ;;\n"
                                     "esac\n"
                                     "echo \"$s\" >> delivered.log\n");
    const char *extra[] = {
        "--exec", cmd, "--exec-attempts", "3", "--exec-timeout", "1", "--exec-backoff", "50", NULL};
    char *out, *err, *delivered = s_tmp("delivered.log");
    pid_t pid = s_watch("flaky", extra, &out, &err);
    for (int i = 1; i <= 4; i++) {
        char period[16];
        snprintf(period, sizeof period, "F%d", i);
        s_event_for_kasubag(period);
    }
    s_file_has(delivered, "4\n", 1);
    assert_int_equal(harness_lkip_stop(s_w.h, pid, SIGTERM, WAIT_MS), 0);
    char *d = s_read(delivered);
    assert_string_equal(d, "1\n2\n4\n"); /* in order; 3 never taken by the command */
    free(d);
    char *a = s_read_tmp("attempts.log");
    assert_string_equal(a, "1\n1\n1\n2\n2\n3\n3\n3\n4\n");
    free(a);
    char *e = s_read(err);
    int failed = 0, timeouts = 0, undelivered = 0;
    for (const char *p = e; (p = strstr(p, "[exec_failed] (percobaan")); p++)
        failed++;
    for (const char *p = e; (p = strstr(p, "[exec_timeout]")); p++)
        timeouts++;
    for (const char *p = e; (p = strstr(p, "[exec_undelivered]")); p++)
        undelivered++;
    if (failed != 4 || timeouts != 1 || undelivered != 1)
        fail_msg("stderr of watch --exec:\n%s", e);
    assert_non_null(strstr(e, "pemberitahuan #3 tidak tersampaikan"));
    free(e);
    /* the given-up event is kept, as JSON, in the undelivered file of the key */
    char *state_dir = s_tmp("state-kasubag");
    char *cmdline =
        xasprintf("cat %s/undelivered-* > %s/undelivered.txt", state_dir, harness_tmpdir(s_w.h));
    assert_int_equal(system(cmdline), 0);
    char *u = s_read_tmp("undelivered.txt");
    assert_non_null(strstr(u, "\"seq\":3"));
    assert_null(strstr(u, "\"seq\":4"));
    free(u);
    free(cmdline);
    free(state_dir);
    free(out);
    free(err);
    free(cmd);
    free(delivered);
}

static void test_notify_without_service(void **state)
{
    s_clock_to("2026-03-02 08:00");
    /* no session bus, no display: no notification service can be reached */
    unsetenv("DBUS_SESSION_BUS_ADDRESS");
    unsetenv("DISPLAY");
    unsetenv("WAYLAND_DISPLAY");
    setenv("XDG_RUNTIME_DIR", harness_tmpdir(s_w.h), 1);
    const char *extra[] = {"--notify", NULL};
    char *out, *err;
    pid_t pid = s_watch("notify", extra, &out, &err);
    s_event_for_kasubag("N1");
    s_event_for_kasubag("N2");
    s_file_has(out, "[TUGAS] LKIP/N2 langkah 2", 1);
    s_file_has(out, "[TUGAS] LKIP/N1 langkah 2", 1);
    assert_int_equal(harness_lkip_stop(s_w.h, pid, SIGTERM, WAIT_MS), 0);
    char *e = s_read(err);
    int said = 0;
    for (const char *p = e; (p = strstr(p, "[notify_unavailable]")); p++)
        said++;
    if (said != 1)
        fail_msg("watch --notify should say once that no notification service answers:\n%s", e);
    free(e);
    free(out);
    free(err);
}

/* ---- lkip monitor --web --------------------------------------------------------------------- */

typedef struct {
    pid_t pid;
    char *out, *err;
    unsigned port;
    char token[80];
    char host[48], cookie[128];
} web_t;

/* Starts lkip monitor --web for user on an ephemeral loopback port and reads the address it
 * printed. */
static void s_web_start(web_t *w, const char *user)
{
    char *conf = s_conf(user, s_w.d);
    w->out = s_tmp("web.out");
    w->err = s_tmp("web.err");
    const char *args[] = {"--config", conf, "monitor", "--web", "127.0.0.1:0", NULL};
    w->pid = harness_lkip_start_split(s_w.h, args, w->out, w->err);
    assert_true(w->pid > 0);
    s_file_has(w->out, "[web_listening]", 1);
    char *text = s_read(w->out);
    const char *url = strstr(text, "http://127.0.0.1:");
    assert_non_null(url);
    if (sscanf(url, "http://127.0.0.1:%u/?token=%79[0-9a-f]", &w->port, w->token) != 2)
        fail_msg("lkip monitor --web printed no address with a token:\n%s", text);
    print_message("lkip monitor --web printed:\n%s", text);
    free(text);
    snprintf(w->host, sizeof w->host, "Host: 127.0.0.1:%u", w->port);
    snprintf(w->cookie, sizeof w->cookie, "Cookie: lkip_web_%u=%s", w->port, w->token);
    free(conf);
}

static void s_web_get(const web_t *w, const char *path, const char *const *headers,
                      httpc_reply_t *r)
{
    if (httpc_request(w->port, "GET", path, headers, NULL, WAIT_MS, r) != 0)
        fail_msg("GET %s: no answer from lkip monitor --web", path);
}

/* Reads the stream's boards until one holds every one of the NULL-terminated texts. Returns
 * its data (caller frees). */
static char *s_web_board(httpc_stream_t *s, const char *const *texts)
{
    int64_t deadline = monotonic_ms() + WAIT_MS;
    char *last = xstrdup("");
    for (;;) {
        char *event = NULL, *data = NULL;
        int got = httpc_stream_next(s, (int)(deadline - monotonic_ms()), &event, &data);
        if (got != 1) {
            harness_dump_logs(s_w.h);
            fail_msg("the stream %s before a board with \"%s\"; the last board:\n%s",
                     got < 0 ? "ended" : "went quiet", texts[0], last);
        }
        bool all = strcmp(event, "board") == 0;
        for (int i = 0; all && texts[i]; i++)
            all = strstr(data, texts[i]) != NULL;
        free(event);
        if (all) {
            free(last);
            return data;
        }
        if (*data) {
            free(last);
            last = data;
        } else {
            free(data);
        }
    }
}

static void test_monitor_web(void **state)
{
    harness_daemon_pin_endpoint(s_w.d);
    s_clock_to("2026-03-02 08:00");
    int64_t id = s_start(s_w.c_kadis, "2026");
    web_t w = {0};
    s_web_start(&w, "sekretaris");

    /* the address's token becomes a cookie; the page then opens */
    const char *bare[] = {w.host, NULL};
    httpc_reply_t r;
    char path[128];
    snprintf(path, sizeof path, "/?token=%s", w.token);
    s_web_get(&w, path, bare, &r);
    assert_int_equal(r.status, 303);
    char *cookie = httpc_header(&r, "Set-Cookie");
    assert_non_null(strstr(cookie, "HttpOnly; SameSite=Strict"));
    free(cookie);
    httpc_reply_free(&r);
    const char *with[] = {w.host, w.cookie, NULL};
    s_web_get(&w, "/", with, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "<script src=\"/app.js\" defer></script>"));
    print_message("GET / answered:\n%s\n", r.head);
    char *csp = httpc_header(&r, "Content-Security-Policy");
    assert_non_null(strstr(csp, "script-src 'self'"));
    free(csp);
    httpc_reply_free(&r);

    /* the stream: the board as the Sekretaris sees it, then every change */
    httpc_stream_t *s = httpc_stream_open(w.port, "/events", with, WAIT_MS);
    assert_non_null(s);
    assert_int_equal(httpc_stream_status(s), 200);
    const char *first[] = {"\"connection\":\"live\"", "\"step\":\"2/11 Format data kinerja\"",
                           "\"holder\":\"kasubag_perencanaan: kasubag\"", NULL};
    free(s_web_board(s, first));

    s_web_get(&w, "/board.json", with, &r);
    assert_int_equal(r.status, 200);
    json_error_t err;
    json_t *j = json_loads(r.body, 0, &err);
    if (!j)
        fail_msg("/board.json is not JSON (%s):\n%s", err.text, r.body);
    json_t *r0 = json_array_get(json_object_get(j, "rows"), 0);
    assert_int_equal(json_integer_value(json_object_get(r0, "instance_id")), id);
    assert_string_equal(json_string_value(json_object_get(json_object_get(r0, "text"), "sop")),
                        "LKIP/2026");
    json_decref(j);
    httpc_reply_free(&r);

    /* an event pushed by lkipd: the Kasubag finishes step 2 */
    s_done(s_w.c_kasubag, "2026", 2);
    const char *moved[] = {"3/11 Sebar format", "[SELESAI] LKIP/2026 langkah 2", NULL};
    char *data = s_web_board(s, moved);
    assert_null(strstr(data, "2/11 Format"));
    free(data);

    /* the clock passes step 3's due time: the row turns overdue */
    s_clock_to("2026-03-02 09:05");
    const char *late[] = {"\"overdue\":true", "lewat 5 menit", "1 terlambat", NULL};
    data = s_web_board(s, late);
    print_message("a board of the stream, its last fields: {...%s\n", strstr(data, ",\"title\""));
    free(data);

    /* the timeline of the instance, asked of lkipd by lkip monitor */
    snprintf(path, sizeof path, "/timeline/%lld", (long long)id);
    s_web_get(&w, path, with, &r);
    if (r.status != 200 || !strstr(r.body, "LKIP/2026") || !strstr(r.body, "kasubag"))
        fail_msg("GET %s: %d\n%s", path, r.status, r.body);
    print_message("GET %s:\n%s\n", path, r.body);
    httpc_reply_free(&r);
    s_web_get(&w, "/timeline/999", with, &r);
    assert_int_equal(r.status, 404);
    httpc_reply_free(&r);

    /* a page of another site whose name was rebound to 127.0.0.1 */
    char evil[64];
    snprintf(evil, sizeof evil, "Host: evil.example:%u", w.port);
    const char *rebound[] = {evil, w.cookie, NULL};
    s_web_get(&w, "/board.json", rebound, &r);
    assert_int_equal(r.status, 421);
    httpc_reply_free(&r);

    /* its lkipd goes down and comes back: disconnected, then live and caught up */
    s_w.d2 = s_daemon();
    assert_non_null(s_w.d2);
    assert_int_equal(harness_daemon_stop(s_w.d, SIGKILL), 128 + SIGKILL);
    const char *down[] = {"\"connection\":\"disconnected\"", NULL};
    free(s_web_board(s, down));
    lkipc_t *kasubag2 = harness_client(s_w.h, s_w.d2, &s_w.kasubag, CALL_TIMEOUT_MS);
    assert_non_null(kasubag2);
    s_done(kasubag2, "2026", 3);
    assert_int_equal(harness_daemon_restart(s_w.d), 0);
    const char *back[] = {"\"connection\":\"live\"", "4/11 Himpun data unit",
                          "[SELESAI] LKIP/2026 langkah 3", NULL};
    free(s_web_board(s, back));

    httpc_stream_close(&s);
    assert_int_equal(harness_lkip_stop(s_w.h, w.pid, SIGTERM, WAIT_MS), 0);
    free(w.out);
    free(w.err);
}

/* An address others can reach needs a token of the user's choosing, in a file only the user can
 * read; a bad address is named. */
static void test_monitor_web_refusals(void **state)
{
    char *conf = s_conf("sekretaris", s_w.d);
    char *out = s_tmp("webr.out"), *err = s_tmp("webr.err");
    const char *open_all[] = {"--config", conf, "monitor", "--web", "0.0.0.0:0", NULL};
    pid_t pid = harness_lkip_start_split(s_w.h, open_all, out, err);
    assert_int_equal(harness_lkip_stop(s_w.h, pid, 0, WAIT_MS), 2);
    s_file_has(err, "--web-token BERKAS wajib", 1);
    const char *bad[] = {"--config", conf, "monitor", "--web", "papan:80", NULL};
    pid = harness_lkip_start_split(s_w.h, bad, out, err);
    assert_int_equal(harness_lkip_stop(s_w.h, pid, 0, WAIT_MS), 2);
    s_file_has(err, "alamat \"papan:80\" tidak dikenal", 1);
    char *short_token = s_tmp("short.token");
    FILE *f = fopen(short_token, "w");
    assert_non_null(f);
    fputs("pendek\n", f);
    assert_int_equal(fclose(f), 0);
    const char *weak[] = {"--config",  conf,          "monitor",   "--web",
                          "0.0.0.0:0", "--web-token", short_token, NULL};
    assert_int_equal(chmod(short_token, 0644), 0);
    pid = harness_lkip_start_split(s_w.h, weak, out, err);
    assert_int_equal(harness_lkip_stop(s_w.h, pid, 0, WAIT_MS), 2);
    s_file_has(err, "dapat dibaca orang lain (mode 0644)", 1);
    assert_int_equal(chmod(short_token, 0600), 0);
    pid = harness_lkip_start_split(s_w.h, weak, out, err);
    assert_int_equal(harness_lkip_stop(s_w.h, pid, 0, WAIT_MS), 2);
    s_file_has(err, "token terlalu pendek", 1);
    free(short_token);
    free(out);
    free(err);
    free(conf);
}

/* ---- the command line as a new user meets it (issue 9) ----------------------------------- */

/* Runs lkip with args (NULL-terminated) to its end; *out and *err get what it printed on each
 * (caller frees). Returns its exit status. */
static int s_lkip_run(const char *tag, const char *const *args, char **out, char **err)
{
    char *out_path = xasprintf("%s/%s.out", harness_tmpdir(s_w.h), tag);
    char *err_path = xasprintf("%s/%s.err", harness_tmpdir(s_w.h), tag);
    pid_t pid = harness_lkip_start_split(s_w.h, args, out_path, err_path);
    assert_true(pid > 0);
    int rc = harness_lkip_stop(s_w.h, pid, 0, WAIT_MS);
    *out = s_read(out_path);
    *err = s_read(err_path);
    free(out_path);
    free(err_path);
    return rc;
}

/* stdout is exactly one JSON object with status, code and message; returns it (json_decref). */
static json_t *s_one_json(const char *what, const char *out, const char *err)
{
    json_error_t e;
    json_t *j = json_loads(out, 0, &e); /* trailing text after the object fails too */
    if (!j || !json_is_object(j))
        fail_msg("%s: stdout is not one JSON object (%s):\n%s\nstderr:\n%s", what,
                 j ? "not an object" : e.text, out, err);
    if (!json_is_integer(json_object_get(j, "status")) ||
        !json_is_string(json_object_get(j, "code")) ||
        !*json_string_value(json_object_get(j, "code")) ||
        !json_is_string(json_object_get(j, "message")))
        fail_msg("%s: no status, code and message:\n%s", what, out);
    return j;
}

/* Every outcome under --json is one JSON object on stdout; the exit codes stay as they were. */
static void test_cli_json_every_outcome(void **state)
{
    char *conf = s_conf("kasubag", s_w.d);
    static const struct {
        const char *tag;
        const char *args[8];
        int exit;
        int status; /* -1: any 4xx */
        const char *code;
    } cases[] = {
        {"accepted", {"whoami"}, 0, 200, "ok"},
        /* no open step: refused by the server */
        {"refused", {"done"}, 1, -1, NULL},
        {"unreachable",
         {"--endpoint", "tcp://127.0.0.1:9", "--timeout", "300", "--retry-window", "0", "ping"},
         3,
         0,
         NULL},
        {"usage", {"calendar", "due"}, 2, 0, "usage"},
        {"bad_option", {"calendar", "due", "--bogus"}, 2, 0, "bad_option"},
        {"unknown_command", {"frobnicate"}, 2, 0, "unknown_command"},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        const char *args[16] = {"--config", conf, "--json"};
        int n = 3;
        for (int k = 0; cases[i].args[k]; k++)
            args[n++] = cases[i].args[k];
        args[n] = NULL;
        char *out, *err;
        int rc = s_lkip_run(cases[i].tag, args, &out, &err);
        if (rc != cases[i].exit)
            fail_msg("%s: exit %d, expected %d\nstdout:\n%s\nstderr:\n%s", cases[i].tag, rc,
                     cases[i].exit, out, err);
        json_t *j = s_one_json(cases[i].tag, out, err);
        int status = (int)json_integer_value(json_object_get(j, "status"));
        if (cases[i].status < 0 ? status < 400 || status > 499 : status != cases[i].status)
            fail_msg("%s: status %d:\n%s", cases[i].tag, status, out);
        if (cases[i].code && strcmp(json_string_value(json_object_get(j, "code")), cases[i].code))
            fail_msg("%s: code is not %s:\n%s", cases[i].tag, cases[i].code, out);
        if (cases[i].exit > 0 && status == 0 &&
            json_integer_value(json_object_get(j, "exit")) != cases[i].exit)
            fail_msg("%s: no \"exit\": %d:\n%s", cases[i].tag, cases[i].exit, out);
        json_decref(j);
        free(out);
        free(err);
    }
    free(conf);
}

/* Every command and subcommand answers --help in Indonesian with its options and an example
 * (exit 0, nothing sent); an unknown option names itself and the command, in Indonesian. */
static void test_cli_help_everywhere(void **state)
{
    static const char *const paths[] = {"keygen",
                                        "whoami",
                                        "ping",
                                        "start",
                                        "tasks",
                                        "done",
                                        "approve",
                                        "return",
                                        "submit",
                                        "upload",
                                        "download",
                                        "status",
                                        "history",
                                        "capaian",
                                        "pk",
                                        "pk import",
                                        "pk show",
                                        "pk export",
                                        "format",
                                        "format make",
                                        "format download",
                                        "watch",
                                        "monitor",
                                        "draft",
                                        "calendar",
                                        "calendar due",
                                        "calendar show",
                                        "admin",
                                        "admin user",
                                        "admin user add",
                                        "admin user set",
                                        "admin user list",
                                        "admin org",
                                        "admin org add",
                                        "admin org set",
                                        "admin org list",
                                        "admin org profile",
                                        "admin org profile set",
                                        "admin org profile show",
                                        "admin unit",
                                        "admin unit add",
                                        "admin unit set",
                                        "admin unit list",
                                        "admin sop",
                                        "admin sop load",
                                        "admin sop list",
                                        "admin calendar",
                                        "admin calendar holiday",
                                        "admin calendar import",
                                        "admin calendar hours",
                                        "admin calendar period",
                                        "admin calendar show",
                                        "admin clock",
                                        "admin delegate",
                                        "admin delegate add",
                                        "admin delegate list",
                                        "admin delegate remove"};
    /* no server at all: a --help never connects */
    const char *nowhere[] = {"--endpoint", "tcp://127.0.0.1:9", "--timeout", "300"};
    for (size_t i = 0; i < ARRAY_LEN(paths); i++) {
        const char *args[16];
        int n = 0;
        for (size_t k = 0; k < ARRAY_LEN(nowhere); k++)
            args[n++] = nowhere[k];
        char *words = xstrdup(paths[i]);
        for (char *w = strtok(words, " "); w; w = strtok(NULL, " "))
            args[n++] = w;
        args[n++] = i % 2 ? "--help" : "-h";
        args[n] = NULL;
        char *out, *err, tag[32];
        snprintf(tag, sizeof tag, "help-%zu", i);
        int rc = s_lkip_run(tag, args, &out, &err);
        char *head = xasprintf("pemakaian: lkip %s", paths[i]);
        if (rc != 0 || strncmp(out, head, strlen(head)) != 0 || !strstr(out, "Pilihan:") ||
            !strstr(out, "Contoh:\n  lkip ") || *err)
            fail_msg("lkip %s --help: exit %d\nstdout:\n%s\nstderr:\n%s", paths[i], rc, out, err);
        free(head);
        free(words);
        free(out);
        free(err);
    }
    /* getopt's English is gone: the option and the command are named */
    const char *bad[] = {"calendar", "due", "--help-me", NULL};
    char *out, *err;
    assert_int_equal(s_lkip_run("bad", bad, &out, &err), 2);
    if (!strstr(err, "pilihan \"--help-me\" tidak dikenal untuk perintah \"lkip calendar due\"") ||
        strstr(err, "unrecognized"))
        fail_msg("unknown option:\n%s", err);
    free(out);
    free(err);
    const char *missing[] = {"calendar", "due", "--duration", NULL};
    assert_int_equal(s_lkip_run("missing", missing, &out, &err), 2);
    if (!strstr(err, "pilihan \"--duration\" memerlukan nilai") || strstr(err, "requires"))
        fail_msg("option without its value:\n%s", err);
    free(out);
    free(err);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_board_scripted_day, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_board_statement_bound, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_monitor_in_terminal, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_monitor_follows_untold_changes, s_setup,
                                        s_teardown),
        cmocka_unit_test_setup_teardown(test_monitor_once, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_exec_exactly_once_across_kill, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_exec_retries_timeout_and_gives_up, s_setup,
                                        s_teardown),
        cmocka_unit_test_setup_teardown(test_notify_without_service, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_monitor_web, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_monitor_web_refusals, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_cli_json_every_outcome, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_cli_help_everywhere, s_setup, s_teardown),
    };
    harness_test_filter();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
