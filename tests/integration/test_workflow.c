/* test_workflow — the SOP engine through the real lkipd, PostgreSQL and CURVE sockets: a whole
 * LKIP round with one client per actor and per unit (one return at step 7, one at step 9, every
 * event stream checked), the wrong role refused with the state unchanged and audited, the other
 * refusals of the step commands, concurrent completion of one step (one daemon and two),
 * concurrent letter numbering over two daemons, a bad CSV reported cell by cell, the second SOP
 * (CUTI) from start to end with a return, malformed or oversize inputs, and a failure while a
 * verdict is applied (a letter template gone bad, the database refusing the next run or the
 * units' formats) answered with the state as it was.
 *
 * Every test gets a fresh harness: its own database, an lkipd loading sop/ and the same cast of
 * users, so event sequences, letter numbers and counts start from zero and no test depends on
 * another. Events are checked exactly: after each action every subscribed client reads until it
 * holds everything the database queued for it (recipient_seq.last_seq, written in the same
 * transaction as the change), and what it got for the instance under test is compared with what
 * that action should have sent to it. Concurrent requests go out on raw DEALER sockets, every
 * one sent before any reply is read. */
#include "../harness/harness.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "../unit/samples.h"
#include "unitfmt.h"
#include "xlsx_read.h"
#include "xlsx_write.h"

#include <libpq-fe.h>
#include <math.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

/* Per attempt: long enough for a sanitizer build on a busy machine; replies take milliseconds. */
#define CALL_TIMEOUT_MS 10000
/* How long a client may take to receive the events the database holds for it. */
#define EVENT_WAIT_MS 10000
#define MAX_RAW       8
#define MAX_EXTRA     4
/* Asia/Makassar (WITA) is UTC+8 all year. */
#define WITA_OFFSET (8 * 3600)

enum {
    DONE = LKIP__STEP_ACTION__DONE,
    APPROVE = LKIP__STEP_ACTION__APPROVE,
    RETURN = LKIP__STEP_ACTION__RETURN
};

/* ---- the cast ----------------------------------------------------------------------------- */

typedef enum {
    KADIS,
    SEKRETARIS,
    KASUBAG,
    STAF,
    STAF2, /* a second staf: concurrent completion */
    OP_SEKRETARIAT,
    OP_IKP,
    OP_APTIKA,
    OP_PERSANDIAN,
    OP_STATISTIK,
    CAST
} who_t;
#define FIRST_OP OP_SEKRETARIAT

static const struct {
    const char *name;
    const char *role;
    const char *unit; /* operators only */
} s_roles[CAST] = {
    [KADIS] = {"kadis", "kepala_dinas", NULL},
    [SEKRETARIS] = {"sekretaris", "sekretaris", NULL},
    [KASUBAG] = {"kasubag", "kasubag_perencanaan", NULL},
    [STAF] = {"staf", "staf", NULL},
    [STAF2] = {"staf.dua", "staf", NULL},
    [OP_SEKRETARIAT] = {"op.sekretariat", "operator_unit", "SEKRETARIAT"},
    [OP_IKP] = {"op.ikp", "operator_unit", "IKP"},
    [OP_APTIKA] = {"op.aptika", "operator_unit", "APTIKA"},
    [OP_PERSANDIAN] = {"op.persandian", "operator_unit", "PERSANDIAN"},
    [OP_STATISTIK] = {"op.statistik", "operator_unit", "STATISTIK"},
};

typedef struct {
    const char *name;        /* login name */
    const char *unit;        /* operators: the unit code */
    keypair_t kp;            /* its key pair */
    lkipc_t *c;              /* its connection to the first daemon */
    bool subscribed;         /* reads its event stream */
    uint64_t seq;            /* highest event sequence held */
    strbuf_t log;            /* "kind:step " per event of the watched instance */
    size_t mark;             /* length of log at the last s_expect_events */
    Lkip__Envelope **events; /* the events of the watched instance, in order (owned) */
    int n_events;
} actor_t;

static harness_t *s_h;             /* the running test's harness */
static harness_daemon_t *s_d1;     /* its daemon */
static harness_daemon_t *s_d2;     /* a second daemon on the same database, when started */
static actor_t s_cast[CAST];       /* connected to s_d1 */
static actor_t s_extra[MAX_EXTRA]; /* more users a test registers */
static int s_n_extra;
static const char *s_watch_sop;    /* the instance whose events are logged: SOP code ... */
static const char *s_watch_period; /* ... and period */
static char s_action[200];         /* the last request made, for failure messages */
static Lkip__Envelope *s_last;     /* the last reply (freed by the next call) */
static void *s_zctx;               /* context of the raw sockets */
static void *s_raw[MAX_RAW];       /* raw sockets open in the running test */
static int s_n_raw;

/* ---- the sample data ---------------------------------------------------------------------- */

/* data/contoh-data-kinerja-2026.csv, byte for byte; each unit submits its own rows. */
static const char s_sample_csv[] =
    "unit;sasaran;indikator;satuan;arah;target;realisasi;pagu;realisasi_anggaran\n"
    "Sekretariat;Meningkatnya akuntabilitas kinerja perangkat daerah;Nilai SAKIP Perangkat "
    "Daerah;nilai;naik;70;68,5;450.000.000;431.250.000\n"
    "Sekretariat;Meningkatnya akuntabilitas kinerja perangkat daerah;Persentase serapan "
    "anggaran;%;naik;95;92,3;;\n"
    "Bidang IKP;Meningkatnya keterbukaan informasi publik;Indeks Keterbukaan Informasi "
    "Publik;indeks;naik;80;84,2;1.200.000.000;1.134.500.000\n"
    "Bidang IKP;Meningkatnya keterbukaan informasi publik;Persentase informasi publik yang "
    "dipublikasikan;%;naik;100;96;;\n"
    "Bidang Aplikasi Informatika;Meningkatnya kualitas penyelenggaraan SPBE;Indeks SPBE Kota "
    "Gorontalo;indeks;naik;2,6;2,85;2.750.000.000;2.612.000.000\n"
    "Bidang Aplikasi Informatika;Meningkatnya kualitas penyelenggaraan SPBE;Persentase OPD "
    "terhubung jaringan intranet;%;naik;90;93;;\n"
    "Bidang Aplikasi Informatika;Meningkatnya kualitas penyelenggaraan SPBE;Jumlah gangguan "
    "layanan jaringan;kejadian;turun;12;9;;\n"
    "Bidang Persandian dan Keamanan Informasi;Meningkatnya keamanan informasi pemerintah "
    "daerah;Persentase OPD yang menerapkan sertifikat elektronik;%;naik;75;81;600.000.000;"
    "579.300.000\n"
    "Bidang Persandian dan Keamanan Informasi;Meningkatnya keamanan informasi pemerintah "
    "daerah;Jumlah insiden keamanan informasi;kejadian;turun;5;7;;\n"
    "Bidang Statistik;Meningkatnya ketersediaan data sektoral;Persentase data sektoral yang "
    "dipublikasikan di portal Satu Data;%;naik;85;78,5;350.000.000;298.700.000\n"
    "Bidang Statistik;Meningkatnya ketersediaan data sektoral;Indeks Pembangunan Statistik "
    "Sektoral;indeks;naik;2,5;2,61;;\n";

/* Which rows of the sample belong to which operator, in the order they submit. */
static const struct {
    who_t who;
    const char *label; /* the "unit" cell of its rows */
    int rows;
} s_units[] = {
    {OP_SEKRETARIAT, "Sekretariat", 2},
    {OP_IKP, "Bidang IKP", 2},
    {OP_APTIKA, "Bidang Aplikasi Informatika", 3},
    {OP_PERSANDIAN, "Bidang Persandian dan Keamanan Informasi", 2},
    {OP_STATISTIK, "Bidang Statistik", 2},
};
#define N_UNITS ((int)ARRAY_LEN(s_units))

/* The header of the sample and the rows whose unit cell is label. Caller frees. */
static char *s_unit_csv(const char *label, int *rows)
{
    strbuf_t sb = {0};
    const char *p = s_sample_csv;
    const char *nl = strchr(p, '\n');
    strbuf_append(&sb, p, (size_t)(nl - p + 1));
    *rows = 0;
    size_t n = strlen(label);
    for (p = nl + 1; *p; p = nl + 1) {
        nl = strchr(p, '\n');
        if (strncmp(p, label, n) == 0 && p[n] == ';') {
            strbuf_append(&sb, p, (size_t)(nl - p + 1));
            (*rows)++;
        }
    }
    return strbuf_take(&sb);
}

/* A document "version": text and binary bytes (NUL, high bytes), size varying with tag, so
 * that a download proves byte-for-byte storage. Caller frees. */
static uint8_t *s_document(int tag, size_t *len)
{
    *len = 40000 + (size_t)tag * 1031;
    uint8_t *d = xmalloc(*len);
    int n = snprintf((char *)d, *len, "Dokumen LKIP versi uji %d\n", tag);
    for (size_t i = (size_t)n; i < *len; i++)
        d[i] = (uint8_t)((i * 31u + (size_t)tag * 7u) & 0xff);
    return d;
}

static void s_sha256(const void *data, size_t len, char hex[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, data, len);
    sodium_bin2hex(hex, 65, h, sizeof h);
}

/* A new administrator "admin" of DKIP, connected to the first daemon. */
static actor_t *s_admin(void)
{
    keypair_t kp;
    assert_int_equal(harness_user(s_h, "admin", "admin", NULL, &kp), 0);
    assert_true(s_n_extra < MAX_EXTRA);
    actor_t *admin = &s_extra[s_n_extra++];
    *admin =
        (actor_t){.name = "admin", .kp = kp, .c = harness_client(s_h, s_d1, &kp, CALL_TIMEOUT_MS)};
    return admin;
}

/* The letter number the daemon gives the seq-th letter of DKIP at unix time t. */
static void s_letter_at(int64_t t, int seq, char *out, size_t size)
{
    static const char *const roman[] = {"I",   "II",   "III", "IV", "V",  "VI",
                                        "VII", "VIII", "IX",  "X",  "XI", "XII"};
    time_t local = (time_t)(t + WITA_OFFSET);
    struct tm tm;
    gmtime_r(&local, &tm);
    snprintf(out, size, "050/DKIP/%03d/%s/%d", seq, roman[tm.tm_mon], tm.tm_year + 1900);
}

/* ---- fixtures ----------------------------------------------------------------------------- */

static void s_actor_clear(actor_t *a)
{
    strbuf_free(&a->log);
    for (int i = 0; i < a->n_events; i++)
        wire_free(&a->events[i]);
    free(a->events);
    memset(a, 0, sizeof *a);
}

/* Registers a user (lkipd --add-user) and connects it to the first daemon (when it runs). */
static int s_actor_add(actor_t *a, const char *name, const char *role, const char *unit)
{
    memset(a, 0, sizeof *a);
    a->name = name;
    a->unit = unit;
    if (harness_user(s_h, name, role, unit, &a->kp) != 0)
        return -1;
    if (s_d1 && !(a->c = harness_client(s_h, s_d1, &a->kp, CALL_TIMEOUT_MS)))
        return -1;
    return 0;
}

static harness_daemon_t *s_daemon_start(void)
{
    const char *sets[] = {harness_sop_setting(s_h), NULL};
    return harness_daemon_start(s_h, sets);
}

static int s_teardown(void **state)
{
    for (int i = 0; i < s_n_raw; i++)
        zmq_close(s_raw[i]);
    s_n_raw = 0;
    if (s_zctx)
        zmq_ctx_term(s_zctx);
    s_zctx = NULL;
    wire_free(&s_last);
    for (int i = 0; i < CAST; i++)
        s_actor_clear(&s_cast[i]);
    for (int i = 0; i < s_n_extra; i++)
        s_actor_clear(&s_extra[i]);
    s_n_extra = 0;
    s_watch_sop = s_watch_period = NULL;
    s_d1 = s_d2 = NULL;
    harness_destroy(&s_h);
    return 0;
}

/* Every test: a fresh database, the cast registered, one daemon with the SOPs of sop/, and a
 * connection per user. */
static int s_setup(void **state)
{
    s_h = harness_new("workflow");
    if (!s_h)
        return -1;
    for (int i = 0; i < CAST; i++)
        if (s_actor_add(&s_cast[i], s_roles[i].name, s_roles[i].role, s_roles[i].unit) != 0)
            goto fail;
    if (!(s_d1 = s_daemon_start()))
        goto fail;
    for (int i = 0; i < CAST; i++)
        if (!(s_cast[i].c = harness_client(s_h, s_d1, &s_cast[i].kp, CALL_TIMEOUT_MS)))
            goto fail;
    s_zctx = zmq_ctx_new();
    if (s_zctx)
        return 0;
fail:
    s_teardown(state);
    return -1;
}

/* The end of every test: the daemons stop cleanly and none reported a sanitizer error. */
static void s_stop_clean(void)
{
    harness_daemon_t *daemons[] = {s_d1, s_d2};
    for (size_t i = 0; i < ARRAY_LEN(daemons); i++) {
        if (!daemons[i])
            continue;
        int rc = harness_daemon_stop(daemons[i], SIGTERM);
        if (rc != 0) {
            harness_dump_logs(s_h);
            fail_msg("lkipd %zu after SIGTERM: exit %d", i + 1, rc);
        }
    }
    assert_true(harness_logs_clean(s_h));
}

/* ---- requests ----------------------------------------------------------------------------- */

/* Sends req from a and checks the reply's status and (unless NULL) code. The reply stays in
 * s_last until the next call. */
static const Lkip__Reply *s_call(actor_t *a, Lkip__Envelope *req, int status, const char *code)
{
    wire_free(&s_last);
    s_last = harness_call_ok(a->c, req);
    const Lkip__Reply *r = s_last->body_case == LKIP__ENVELOPE__BODY_REPLY ? s_last->reply : NULL;
    if (!r || (int)r->status != status || (code && strcmp(r->code, code) != 0)) {
        harness_dump_all_logs();
        fail_msg("%s (by %s): expected %d %s, got %d %s (\"%s\")", s_action, a->name, status,
                 code ? code : "*", r ? (int)r->status : -1, r ? r->code : "-",
                 r ? r->message : "no reply");
    }
    return r;
}

static const Lkip__Reply *s_start(actor_t *a, const char *sop, const char *period, const char *note,
                                  int status, const char *code)
{
    snprintf(s_action, sizeof s_action, "start %s/%.40s", sop, period);
    Lkip__StartRequest body = LKIP__START_REQUEST__INIT;
    body.sop_code = (char *)sop;
    body.period = (char *)period;
    body.note = (char *)note;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_START;
    req.start = &body;
    return s_call(a, &req, status, code);
}

static const char *s_action_name(int action)
{
    return action == DONE ? "done" : action == APPROVE ? "approve" : "return";
}

static const Lkip__Reply *s_step_ref(actor_t *a, const char *ref, int step, int action,
                                     const char *note, const char *archive_ref, int status,
                                     const char *code)
{
    snprintf(s_action, sizeof s_action, "%s step %d of %s", s_action_name(action), step, ref);
    Lkip__StepRequest body = LKIP__STEP_REQUEST__INIT;
    body.instance = (char *)ref;
    body.step_no = step;
    body.action = (Lkip__StepAction)action;
    body.note = (char *)note;
    body.archive_ref = (char *)archive_ref;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_STEP;
    req.step = &body;
    return s_call(a, &req, status, code);
}

static const Lkip__Reply *s_step(actor_t *a, const char *ref, int step, int action,
                                 const char *note, int status, const char *code)
{
    return s_step_ref(a, ref, step, action, note, "", status, code);
}

static const Lkip__Reply *s_upload(actor_t *a, const char *ref, int step, const char *file_name,
                                   const void *data, size_t len, int status, const char *code)
{
    snprintf(s_action, sizeof s_action, "upload \"%s\" (%zu bytes) at step %d of %s", file_name,
             len, step, ref);
    Lkip__UploadRequest body = LKIP__UPLOAD_REQUEST__INIT;
    body.instance = (char *)ref;
    body.step_no = step;
    body.file_name = (char *)file_name;
    body.content.data = (uint8_t *)data;
    body.content.len = len;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_UPLOAD;
    req.upload = &body;
    return s_call(a, &req, status, code);
}

static const Lkip__Reply *s_submit_named(actor_t *a, const char *ref, const char *file_name,
                                         const void *data, size_t len, int status, const char *code)
{
    snprintf(s_action, sizeof s_action, "submit \"%s\" of %s to %s", file_name,
             a->unit ? a->unit : "-", ref);
    Lkip__SubmitRequest body = LKIP__SUBMIT_REQUEST__INIT;
    body.instance = (char *)ref;
    body.file_name = (char *)file_name;
    body.content.data = (uint8_t *)data;
    body.content.len = len;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_SUBMIT;
    req.submit = &body;
    return s_call(a, &req, status, code);
}

static const Lkip__Reply *s_submit(actor_t *a, const char *ref, const char *csv, size_t len,
                                   int status, const char *code)
{
    return s_submit_named(a, ref, "data-kinerja.csv", csv, len, status, code);
}

/* The detailed status of one instance (owned by s_last). */
static const Lkip__InstanceStatus *s_status(actor_t *a, const char *ref)
{
    snprintf(s_action, sizeof s_action, "status of %s", ref);
    Lkip__StatusRequest body = LKIP__STATUS_REQUEST__INIT;
    body.instance = (char *)ref;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_STATUS;
    req.status = &body;
    const Lkip__Reply *r = s_call(a, &req, LKIP__STATUS__OK, "ok");
    assert_int_equal(r->payload_case, LKIP__REPLY__PAYLOAD_INSTANCES);
    assert_int_equal(r->instances->n_instances, 1);
    return r->instances->instances[0];
}

static const Lkip__HistoryReply *s_history(actor_t *a, const char *ref)
{
    snprintf(s_action, sizeof s_action, "history of %s", *ref ? ref : "own actions");
    Lkip__HistoryRequest body = LKIP__HISTORY_REQUEST__INIT;
    body.instance = (char *)ref;
    body.limit = 1000;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_HISTORY;
    req.history = &body;
    const Lkip__Reply *r = s_call(a, &req, LKIP__STATUS__OK, "ok");
    assert_int_equal(r->payload_case, LKIP__REPLY__PAYLOAD_AUDIT);
    return r->audit;
}

static const Lkip__Reply *s_download(actor_t *a, const char *ref, int version, int status,
                                     const char *code)
{
    snprintf(s_action, sizeof s_action, "download version %d of %s", version, ref);
    Lkip__DownloadRequest body = LKIP__DOWNLOAD_REQUEST__INIT;
    body.instance = (char *)ref;
    body.version = version;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_DOWNLOAD;
    req.download = &body;
    return s_call(a, &req, status, code);
}

/* The daemon's clock (unix seconds). */
static int64_t s_server_time(actor_t *a)
{
    snprintf(s_action, sizeof s_action, "ping");
    Lkip__PingRequest body = LKIP__PING_REQUEST__INIT;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_PING;
    req.ping = &body;
    const Lkip__Reply *r = s_call(a, &req, LKIP__STATUS__OK, "ok");
    assert_int_equal(r->payload_case, LKIP__REPLY__PAYLOAD_PONG);
    return r->pong->server_time;
}

/* ---- database probes ---------------------------------------------------------------------- */

/* The id of instance SOP/period as text ("" when none). */
static void s_instance_id(const char *sop, const char *period, char out[24])
{
    char *id = harness_sql(s_h, "SELECT id FROM instances WHERE sop_code = $1 AND period = $2", sop,
                           period, NULL);
    snprintf(out, 24, "%s", id ? id : "");
    free(id);
}

/* The open step of SOP/period; 0 once finished, -1 when there is no such instance. */
static long long s_current(const char *sop, const char *period)
{
    return harness_sql_int(s_h,
                           "SELECT coalesce(current_step, 0) FROM instances"
                           " WHERE sop_code = $1 AND period = $2",
                           sop, period, NULL);
}

/* What a refused command must leave as it was. */
typedef struct {
    long long step;       /* current step */
    long long runs;       /* step runs */
    long long finished;   /* step runs finished */
    long long documents;  /* document versions */
    long long unit_data;  /* unit data versions */
    long long indicators; /* indicator rows of them */
    long long open_tasks; /* unit tasks still open */
    long long outbox;     /* events queued, every recipient and instance */
} probe_t;

static void s_probe(const char *sop, const char *period, probe_t *p)
{
    char id[24];
    s_instance_id(sop, period, id);
    assert_true(*id);
    p->step = s_current(sop, period);
    p->runs =
        harness_sql_int(s_h, "SELECT count(*) FROM step_runs WHERE instance_id = $1", id, NULL);
    p->finished = harness_sql_int(
        s_h, "SELECT count(*) FROM step_runs WHERE instance_id = $1 AND state <> 'active'", id,
        NULL);
    p->documents =
        harness_sql_int(s_h, "SELECT count(*) FROM documents WHERE instance_id = $1", id, NULL);
    p->unit_data = harness_sql_int(s_h,
                                   "SELECT count(*) FROM unit_data d JOIN unit_tasks t"
                                   " ON t.id = d.task_id WHERE t.instance_id = $1",
                                   id, NULL);
    p->indicators = harness_sql_int(s_h,
                                    "SELECT count(*) FROM indicators x JOIN unit_data d"
                                    " ON d.id = x.data_id JOIN unit_tasks t ON t.id = d.task_id"
                                    " WHERE t.instance_id = $1",
                                    id, NULL);
    p->open_tasks = harness_sql_int(
        s_h, "SELECT count(*) FROM unit_tasks WHERE instance_id = $1 AND state = 'open'", id, NULL);
    p->outbox = harness_sql_int(s_h, "SELECT count(*) FROM outbox", NULL);
}

#define PROBE_SAME(field)                                                                          \
    do {                                                                                           \
        if (now.field != before->field)                                                            \
            fail_msg("after %s: %s changed from %lld to %lld", s_action, #field, before->field,    \
                     now.field);                                                                   \
    } while (0)

/* Fails unless SOP/period is as probed in before. */
static void s_assert_unchanged(const char *sop, const char *period, const probe_t *before)
{
    probe_t now;
    s_probe(sop, period, &now);
    PROBE_SAME(step);
    PROBE_SAME(runs);
    PROBE_SAME(finished);
    PROBE_SAME(documents);
    PROBE_SAME(unit_data);
    PROBE_SAME(indicators);
    PROBE_SAME(open_tasks);
    PROBE_SAME(outbox);
}

/* Audit rows of user for command with status and code on SOP/period at step. */
static long long s_audits(const char *user, const char *command, int status, const char *code,
                          const char *sop, const char *period, int step)
{
    char st[16], no[16];
    snprintf(st, sizeof st, "%d", status);
    snprintf(no, sizeof no, "%d", step);
    return harness_sql_int(s_h,
                           "SELECT count(*) FROM audit a JOIN users u ON u.id = a.user_id"
                           " JOIN instances i ON i.id = a.instance_id"
                           " WHERE u.name = $1 AND a.command = $2 AND a.status = $3::int"
                           " AND a.code = $4 AND i.sop_code = $5 AND i.period = $6"
                           " AND a.step_no = $7::int",
                           user, command, st, code, sop, period, no, NULL);
}

/* ---- event streams ------------------------------------------------------------------------ */

static void s_watch(const char *sop, const char *period)
{
    s_watch_sop = sop;
    s_watch_period = period;
}

/* Subscribes a's connection with last_seq 0: everything queued for a comes, then what follows. */
static void s_subscribe(actor_t *a)
{
    snprintf(s_action, sizeof s_action, "subscribe");
    Lkip__SubscribeRequest body = LKIP__SUBSCRIBE_REQUEST__INIT;
    body.last_seq = 0;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_SUBSCRIBE;
    req.subscribe = &body;
    const Lkip__Reply *r = s_call(a, &req, LKIP__STATUS__OK, "ok");
    assert_int_equal(r->payload_case, LKIP__REPLY__PAYLOAD_SUBSCRIBED);
    a->subscribed = true;
    a->seq = 0;
}

static void s_ack(actor_t *a)
{
    Lkip__AckRequest body = LKIP__ACK_REQUEST__INIT;
    body.seq = a->seq;
    Lkip__Envelope env = LKIP__ENVELOPE__INIT;
    env.body_case = LKIP__ENVELOPE__BODY_ACK;
    env.ack = &body;
    assert_int_equal(lkipc_send(a->c, &env), 0);
}

/* Takes one event: sequences must run without gaps (one sent again before our
 * acknowledgement arrived is dropped); events of the watched instance are logged. */
static void s_take_event(actor_t *a, Lkip__Envelope *env)
{
    const Lkip__Event *e = env->event;
    if (e->seq <= a->seq) {
        wire_free(&env);
        return;
    }
    if (e->seq != a->seq + 1)
        fail_msg("%s: %s got event %llu after %llu", s_action, a->name, (unsigned long long)e->seq,
                 (unsigned long long)a->seq);
    a->seq = e->seq;
    if (!s_watch_sop || strcmp(e->sop_code, s_watch_sop) != 0 ||
        strcmp(e->period, s_watch_period) != 0) {
        wire_free(&env);
        return;
    }
    /* what every event carries */
    assert_string_equal(e->org_code, "DKIP");
    assert_string_equal(e->time_zone, "Asia/Makassar");
    assert_true(e->instance_id > 0);
    assert_true(e->at > 0);
    assert_true(e->step_no > 0);
    assert_true(*e->step_title);
    /* a person did it, unless the step closed by itself (issue 9) */
    assert_true(*e->actor != 0 || strcmp(e->text_kind, "automatic") == 0);
    strbuf_printf(&a->log, "%s:%d ", e->kind, (int)e->step_no);
    a->events = xrealloc(a->events, (size_t)(a->n_events + 1) * sizeof *a->events);
    a->events[a->n_events++] = env;
}

/* Reads a's stream until a holds every event the database has queued for it, then
 * acknowledges them (which also keeps the session alive). */
static void s_sync(actor_t *a)
{
    long long target = harness_sql_int(s_h,
                                       "SELECT s.last_seq FROM recipient_seq s JOIN users u"
                                       " ON u.id = s.user_id WHERE u.name = $1",
                                       a->name, NULL);
    assert_true(target >= 0);
    int64_t deadline = monotonic_ms() + EVENT_WAIT_MS;
    while ((long long)a->seq < target) {
        int64_t left = deadline - monotonic_ms();
        Lkip__Envelope *ev = NULL;
        int rc = left > 0 ? lkipc_next_event(a->c, (int)left, &ev) : 0;
        if (rc < 0)
            fail_msg("%s: event stream of %s: %s", s_action, a->name,
                     lkipc_rc_text((lkipc_rc_t)rc));
        if (rc == 0) {
            harness_dump_all_logs();
            fail_msg("%s: %s holds events up to %llu of %lld after %d ms", s_action, a->name,
                     (unsigned long long)a->seq, target, EVENT_WAIT_MS);
        }
        s_take_event(a, ev);
    }
    s_ack(a);
}

static actor_t *s_actor(int i)
{
    return i < CAST ? &s_cast[i] : &s_extra[i - CAST];
}

/* Appends to want the events spec names for name ("op.*" matches every name from "op."). */
static void s_spec_for(const char *spec, const char *name, strbuf_t *want)
{
    char *copy = xstrdup(spec), *save = NULL;
    for (char *group = strtok_r(copy, ";", &save); group; group = strtok_r(NULL, ";", &save)) {
        char *eq = strchr(group, '=');
        assert_non_null(eq);
        *eq = '\0';
        char *key = group;
        while (*key == ' ')
            key++;
        size_t n = strlen(key);
        while (n && key[n - 1] == ' ')
            key[--n] = '\0';
        bool match =
            n && key[n - 1] == '*' ? strncmp(name, key, n - 1) == 0 : strcmp(name, key) == 0;
        if (!match)
            continue;
        for (char *p = eq + 1; *p;) {
            while (*p == ' ')
                p++;
            size_t w = strcspn(p, " ");
            if (w) {
                strbuf_append(want, p, w);
                strbuf_puts(want, " ");
            }
            p += w;
        }
    }
    free(copy);
}

/* Checks what each subscribed client received for the watched instance since the last check.
 * spec: "name=kind:step kind:step; name=..." ("op.*" = every operator); a subscribed client
 * not named must have received nothing. */
static void s_expect_events(const char *spec)
{
    for (int i = 0; i < CAST + s_n_extra; i++) {
        actor_t *a = s_actor(i);
        if (!a->subscribed)
            continue;
        s_sync(a);
        strbuf_t want = {0};
        s_spec_for(spec, a->name, &want);
        const char *got = a->log.len > a->mark ? a->log.data + a->mark : "";
        if (strcmp(got, want.len ? want.data : "") != 0)
            fail_msg("after %s: %s received \"%s\", expected \"%s\"", s_action, a->name, got,
                     want.len ? want.data : "");
        strbuf_free(&want);
        a->mark = a->log.len;
    }
}

/* The newest event a received for the watched instance. */
static const Lkip__Event *s_newest(const actor_t *a)
{
    assert_true(a->n_events > 0);
    return a->events[a->n_events - 1]->event;
}

/* ---- walking instances the normal way (no event checks) ---------------------------------- */

static const uint8_t s_small_doc[] = "dokumen\0\x01\xfe\xff akhir";

/* Every unit submits its rows of the sample. */
static void s_submit_all(const char *ref)
{
    for (int i = 0; i < N_UNITS; i++) {
        int rows;
        char *csv = s_unit_csv(s_units[i].label, &rows);
        s_submit(&s_cast[s_units[i].who], ref, csv, strlen(csv), LKIP__STATUS__CREATED, "ok");
        free(csv);
    }
}

/* Completes step of LKIP/period by its actor, with the document it needs. */
static void s_lkip_step(const char *period, int step)
{
    char ref[64];
    snprintf(ref, sizeof ref, "LKIP/%s", period);
    switch (step) {
    case 2:
    case 3:
    case 10:
        s_step(&s_cast[KASUBAG], ref, step, DONE, "", LKIP__STATUS__OK, "ok");
        break;
    case 4:
        s_submit_all(ref);
        break;
    case 5:
    case 6: {
        actor_t *a = &s_cast[step == 5 ? KASUBAG : STAF];
        s_upload(a, ref, step, "lkip.pdf", s_small_doc, sizeof s_small_doc, LKIP__STATUS__CREATED,
                 "ok");
        s_step(a, ref, step, DONE, "", LKIP__STATUS__OK, "ok");
        break;
    }
    case 7:
        s_step(&s_cast[SEKRETARIS], ref, 7, APPROVE, "", LKIP__STATUS__OK, "ok");
        break;
    case 8:
        s_step(&s_cast[SEKRETARIS], ref, 8, DONE, "", LKIP__STATUS__OK, "ok");
        break;
    case 9:
        s_step(&s_cast[KADIS], ref, 9, APPROVE, "", LKIP__STATUS__OK, "ok");
        break;
    case 11:
        s_step(&s_cast[STAF], ref, 11, DONE, "", LKIP__STATUS__OK, "ok");
        break;
    default:
        fail_msg("no way to complete LKIP step %d", step);
    }
}

/* Starts LKIP/period (the Kadis) and walks it until step is open (0: to its end). */
static void s_lkip_to(const char *period, int step)
{
    if (s_current("LKIP", period) < 0)
        s_start(&s_cast[KADIS], "LKIP", period, "Susun LKIP", LKIP__STATUS__CREATED, "ok");
    long long at;
    while ((at = s_current("LKIP", period)) > 0 && (step == 0 || at < step))
        s_lkip_step(period, (int)at);
    assert_int_equal(at, step);
}

/* Completes step of CUTI/period; the staf's steps by staf, the others by kasubag (which may be
 * another kasubag_perencanaan user) and the cast's sekretaris. */
static void s_cuti_step(const char *period, int step, actor_t *staf, actor_t *kasubag)
{
    char ref[64];
    snprintf(ref, sizeof ref, "CUTI/%s", period);
    switch (step) {
    case 1:
        s_upload(staf, ref, 1, "formulir-cuti.pdf", s_small_doc, sizeof s_small_doc,
                 LKIP__STATUS__CREATED, "ok");
        s_step(staf, ref, 1, DONE, "", LKIP__STATUS__OK, "ok");
        break;
    case 2:
        s_step(kasubag, ref, 2, APPROVE, "", LKIP__STATUS__OK, "ok");
        break;
    case 3:
        s_step(&s_cast[SEKRETARIS], ref, 3, APPROVE, "", LKIP__STATUS__OK, "ok");
        break;
    case 4:
        s_step(kasubag, ref, 4, DONE, "", LKIP__STATUS__OK, "ok");
        break;
    case 5:
        s_step(staf, ref, 5, DONE, "", LKIP__STATUS__OK, "ok");
        break;
    default:
        fail_msg("no way to complete CUTI step %d", step);
    }
}

/* Starts CUTI/period (by staf) and walks it until step is open (0: to its end). */
static void s_cuti_to(const char *period, int step, actor_t *staf, actor_t *kasubag)
{
    if (s_current("CUTI", period) < 0)
        s_start(staf, "CUTI", period, "Cuti tahunan", LKIP__STATUS__CREATED, "ok");
    long long at;
    while ((at = s_current("CUTI", period)) > 0 && (step == 0 || at < step))
        s_cuti_step(period, (int)at, staf, kasubag);
    assert_int_equal(at, step);
}

/* ---- raw sockets: requests in flight together --------------------------------------------- */

static void s_raw_send(void *s, const void *data, size_t len)
{
    assert_int_equal(zmq_send(s, data, len, 0), (int)len);
}

/* The next envelope on s; fails the test when none comes in time. */
static Lkip__Envelope *s_raw_recv(void *s)
{
    zmq_pollitem_t item = {s, 0, ZMQ_POLLIN, 0};
    if (zmq_poll(&item, 1, CALL_TIMEOUT_MS) != 1) {
        harness_dump_all_logs();
        fail_msg("no reply on a raw socket within %d ms", CALL_TIMEOUT_MS);
    }
    zmq_msg_t m;
    zmq_msg_init(&m);
    assert_true(zmq_msg_recv(&m, s, 0) >= 0);
    const char *why = NULL;
    Lkip__Envelope *env = wire_decode(zmq_msg_data(&m), zmq_msg_size(&m), &why);
    zmq_msg_close(&m);
    if (!env)
        fail_msg("undecodable message from the daemon: %s", why);
    return env;
}

/* A DEALER with a's keys connected to d, its handshake done (one ping answered). */
static void *s_raw_open(const actor_t *a, const harness_daemon_t *d)
{
    assert_true(s_n_raw < MAX_RAW);
    void *s = zmq_socket(s_zctx, ZMQ_DEALER);
    assert_non_null(s);
    s_raw[s_n_raw++] = s;
    int linger = 0;
    int64_t maxmsg = WIRE_MAX_FRAME;
    assert_int_equal(zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger), 0);
    assert_int_equal(zmq_setsockopt(s, ZMQ_MAXMSGSIZE, &maxmsg, sizeof maxmsg), 0);
    assert_int_equal(
        zmq_setsockopt(s, ZMQ_CURVE_SERVERKEY, harness_server_public_key(s_h), KEY_Z85_LEN), 0);
    assert_int_equal(zmq_setsockopt(s, ZMQ_CURVE_PUBLICKEY, a->kp.public_key, KEY_Z85_LEN), 0);
    assert_int_equal(zmq_setsockopt(s, ZMQ_CURVE_SECRETKEY, a->kp.secret_key, KEY_Z85_LEN), 0);
    assert_int_equal(zmq_connect(s, harness_daemon_endpoint(d)), 0);

    Lkip__PingRequest body = LKIP__PING_REQUEST__INIT;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.request_id = lkipc_request_id();
    req.body_case = LKIP__ENVELOPE__BODY_PING;
    req.ping = &body;
    size_t len;
    uint8_t *buf = wire_encode(&req, &len);
    s_raw_send(s, buf, len);
    free(buf);
    Lkip__Envelope *reply = s_raw_recv(s);
    harness_assert_reply(reply, LKIP__STATUS__OK, "ok");
    assert_int_equal(reply->request_id, req.request_id);
    wire_free(&reply);
    return s;
}

/* One request in flight on a raw socket. */
typedef struct {
    void *sock;          /* the socket it goes out on */
    uint64_t request_id; /* its id; the reply echoes it */
    uint8_t *frame;      /* the packed envelope (owned) */
    size_t len;
    Lkip__Envelope *reply; /* the final reply (owned), NULL until it came */
    int resent;            /* times sent again after a retryable status */
} flight_t;

/* f: req (given a new request_id) ready to fly on sock. */
static void s_flight_of(flight_t *f, void *sock, Lkip__Envelope *req)
{
    req->request_id = lkipc_request_id();
    memset(f, 0, sizeof *f);
    f->sock = sock;
    f->request_id = req->request_id;
    f->frame = wire_encode(req, &f->len);
}

static void s_flight_step(flight_t *f, void *sock, const char *ref, int step, int action)
{
    Lkip__StepRequest body = LKIP__STEP_REQUEST__INIT;
    body.instance = (char *)ref;
    body.step_no = step;
    body.action = (Lkip__StepAction)action;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_STEP;
    req.step = &body;
    s_flight_of(f, sock, &req);
}

static void s_flights_free(flight_t *f, int n)
{
    for (int i = 0; i < n; i++) {
        free(f[i].frame);
        wire_free(&f[i].reply);
    }
}

/* Sends every request before reading any reply, then collects the replies; a retryable reply
 * (503: a deadlock or serialization victim) sends that request again with its request_id, as
 * lkipc would. */
static void s_fly(flight_t *f, int n)
{
    for (int i = 0; i < n; i++)
        s_raw_send(f[i].sock, f[i].frame, f[i].len);
    int done = 0;
    int64_t deadline = monotonic_ms() + 3 * CALL_TIMEOUT_MS;
    while (done < n) {
        zmq_pollitem_t items[MAX_RAW];
        for (int i = 0; i < s_n_raw; i++)
            items[i] = (zmq_pollitem_t){s_raw[i], 0, ZMQ_POLLIN, 0};
        int64_t left = deadline - monotonic_ms();
        if (left <= 0 || zmq_poll(items, s_n_raw, (long)left) <= 0) {
            harness_dump_all_logs();
            fail_msg("%d of %d replies to concurrent requests came", done, n);
        }
        for (int k = 0; k < s_n_raw; k++) {
            if (!(items[k].revents & ZMQ_POLLIN))
                continue;
            Lkip__Envelope *env = s_raw_recv(s_raw[k]);
            assert_int_equal(env->body_case, LKIP__ENVELOPE__BODY_REPLY);
            flight_t *hit = NULL;
            for (int i = 0; i < n; i++)
                if (f[i].sock == s_raw[k] && f[i].request_id == env->request_id && !f[i].reply)
                    hit = &f[i];
            if (!hit)
                fail_msg("a reply to request %llu that was not in flight (%d %s)",
                         (unsigned long long)env->request_id, (int)env->reply->status,
                         env->reply->code);
            if (env->reply->status == LKIP__STATUS__UNAVAILABLE && hit->resent < 5) {
                hit->resent++;
                wire_free(&env);
                s_raw_send(hit->sock, hit->frame, hit->len);
                continue;
            }
            hit->reply = env;
            done++;
        }
    }
}

/* ================================================================================================
 * 1. A whole LKIP round
 * ============================================================================================= */

#define ROUND_PERIOD "2026"
#define ROUND_REF    "LKIP/2026"
#define NOTE_START   "Segera susun LKIP Tahun 2026; batas akhir ke Wali Kota 28 Februari."
#define REASON_7     "Bab III belum membandingkan capaian dengan target Renstra 2019-2024"
#define REASON_9     "Lampiran Perjanjian Kinerja belum ditandatangani; lengkapi dahulu"
#define ARCHIVE_REF  "Lemari arsip 3, rak B"

static void s_upload_version(actor_t *a, int step, int version, uint8_t **docs, size_t *lens,
                             char (*sha)[65])
{
    docs[version] = s_document(version, &lens[version]);
    s_sha256(docs[version], lens[version], sha[version]);
    char name[32];
    snprintf(name, sizeof name, "lkip-2026-v%d.pdf", version);
    const Lkip__Reply *r = s_upload(a, ROUND_REF, step, name, docs[version], lens[version],
                                    LKIP__STATUS__CREATED, "ok");
    assert_int_equal(r->payload_case, LKIP__REPLY__PAYLOAD_DOCUMENT);
    assert_int_equal(r->document->info->version, version);
    assert_int_equal(r->document->info->step_no, step);
    assert_string_equal(r->document->info->sha256, sha[version]);
    assert_int_equal(r->document->info->size, (int64_t)lens[version]);
    assert_int_equal(r->document->content.len, 0); /* the upload reply does not echo it */
}

/* The event a step's assignment or return carries: who caused it, a due time after it. */
static void s_assert_assignment(const Lkip__Event *e, const char *kind, int step, const char *actor)
{
    assert_string_equal(e->kind, kind);
    assert_int_equal(e->step_no, step);
    assert_string_equal(e->actor, actor);
    assert_true(e->due_at > e->at);
}

static void test_full_lkip_round(void **state)
{
    actor_t *kadis = &s_cast[KADIS], *sek = &s_cast[SEKRETARIS], *kasubag = &s_cast[KASUBAG],
            *staf = &s_cast[STAF];
    uint8_t *docs[6] = {NULL};
    size_t lens[6] = {0};
    char sha[6][65];

    s_watch("LKIP", ROUND_PERIOD);
    for (int i = 0; i < CAST; i++)
        if (i != STAF2)
            s_subscribe(&s_cast[i]);
    s_expect_events(""); /* a fresh database: nothing queued for anyone */

    /* 1: the Kadis orders the LKIP; starting completes step 1 */
    const Lkip__Reply *r =
        s_start(kadis, "LKIP", ROUND_PERIOD, NOTE_START, LKIP__STATUS__CREATED, "ok");
    assert_int_equal(r->payload_case, LKIP__REPLY__PAYLOAD_INSTANCES);
    const Lkip__InstanceStatus *st = r->instances->instances[0];
    assert_string_equal(st->state, "active");
    assert_int_equal(st->current_step, 2);
    assert_int_equal(st->steps, 11);
    int64_t id = st->id;
    s_expect_events("sekretaris=step_done:1; kasubag=step_assigned:2");
    assert_string_equal(s_newest(sek)->text, NOTE_START);
    assert_string_equal(s_newest(sek)->text_kind, "note");
    assert_string_equal(s_newest(sek)->actor, "kadis");
    assert_int_equal(s_newest(sek)->instance_id, id);
    s_assert_assignment(s_newest(kasubag), "step_assigned", 2, "kadis");

    /* 2 and 3: the format, and its fan-out to every unit */
    s_step(kasubag, ROUND_REF, 2, DONE, "Format pengumpulan data disusun", LKIP__STATUS__OK, "ok");
    s_expect_events("sekretaris=step_done:2; kasubag=step_assigned:3");
    s_step(kasubag, ROUND_REF, 3, DONE, "Isi format paling lambat Jumat", LKIP__STATUS__OK, "ok");
    s_expect_events("sekretaris=step_done:3; staf=step_assigned:4; op.*=unit_task_assigned:3");
    for (int i = FIRST_OP; i < CAST; i++) {
        const Lkip__Event *e = s_newest(&s_cast[i]);
        /* the kind travels as the enum and, for older clients, as its name */
        assert_int_equal(e->type, LKIP__EVENT_KIND__EVENT_UNIT_TASK_ASSIGNED);
        assert_string_equal(e->kind, "unit_task_assigned");
        assert_string_equal(e->unit_code, s_cast[i].unit);
        assert_string_equal(e->text, "Isi format paling lambat Jumat");
        assert_string_equal(e->actor, "kasubag");
        assert_true(e->due_at > e->at);
        int64_t due = e->due_at;
        /* ... and the unit's data task is on the operator's task list, with the same due time */
        snprintf(s_action, sizeof s_action, "tasks of %s", s_cast[i].name);
        Lkip__TasksRequest tbody = LKIP__TASKS_REQUEST__INIT;
        Lkip__Envelope treq = LKIP__ENVELOPE__INIT;
        treq.body_case = LKIP__ENVELOPE__BODY_TASKS;
        treq.tasks = &tbody;
        r = s_call(&s_cast[i], &treq, LKIP__STATUS__OK, "ok");
        assert_int_equal(r->task_list->n_tasks, 1);
        assert_string_equal(r->task_list->tasks[0]->kind, "data_unit");
        assert_string_equal(r->task_list->tasks[0]->unit_code, s_cast[i].unit);
        assert_string_equal(r->task_list->tasks[0]->sop_code, "LKIP");
        assert_int_equal(r->task_list->tasks[0]->due_at, due);
    }

    /* 4: every unit sends its part of the sample; the last one completes the collection */
    int total_rows = 0;
    for (int i = 0; i < N_UNITS; i++) {
        actor_t *op = &s_cast[s_units[i].who];
        int rows;
        char *csv = s_unit_csv(s_units[i].label, &rows);
        assert_int_equal(rows, s_units[i].rows);
        total_rows += rows;
        r = s_submit(op, ROUND_REF, csv, strlen(csv), LKIP__STATUS__CREATED, "ok");
        free(csv);
        assert_int_equal(r->payload_case, LKIP__REPLY__PAYLOAD_SUBMITTED);
        assert_string_equal(r->submitted->unit_code, op->unit);
        assert_int_equal(r->submitted->version, 1);
        assert_int_equal(r->submitted->rows, rows);
        assert_int_equal(r->submitted->n_errors, 0);
        assert_int_equal(r->submitted->units_submitted, i + 1);
        assert_int_equal(r->submitted->units_total, N_UNITS);
        if (i + 1 < N_UNITS)
            s_expect_events("staf=unit_submitted:4; sekretaris=unit_submitted:4");
        else
            s_expect_events("staf=unit_submitted:4; sekretaris=unit_submitted:4 step_done:4;"
                            " kasubag=step_assigned:5");
        const Lkip__Event *e = staf->events[staf->n_events - 1]->event;
        assert_string_equal(e->unit_code, op->unit);
        assert_string_equal(e->actor, op->name);
    }
    /* the collection closed by itself: no person is its actor (issue 9) */
    const Lkip__Event *closed = s_cast[SEKRETARIS].events[s_cast[SEKRETARIS].n_events - 1]->event;
    assert_string_equal(closed->kind, "step_done");
    assert_string_equal(closed->actor, "");
    assert_string_equal(closed->text_kind, "automatic");
    assert_string_equal(closed->text, "otomatis: semua unit telah mengirim");
    assert_int_equal(total_rows, 11); /* the whole sample went in */
    assert_int_equal(s_current("LKIP", ROUND_PERIOD), 5);

    /* 5: the draft; 6: the document */
    s_upload_version(kasubag, 5, 1, docs, lens, sha);
    s_expect_events("sekretaris=document_uploaded:5");
    s_step(kasubag, ROUND_REF, 5, DONE, "Draft dianalisis", LKIP__STATUS__OK, "ok");
    s_expect_events("sekretaris=step_done:5; staf=step_assigned:6");
    s_upload_version(staf, 6, 2, docs, lens, sha);
    s_expect_events("sekretaris=document_uploaded:6");
    s_step(staf, ROUND_REF, 6, DONE, "", LKIP__STATUS__OK, "ok");
    s_expect_events("sekretaris=step_done:6 step_assigned:7");

    /* 7: the Sekretaris returns it with a reason, which reaches the staf */
    s_step(sek, ROUND_REF, 7, RETURN, REASON_7, LKIP__STATUS__OK, "ok");
    s_expect_events("staf=returned:6; sekretaris=returned:6");
    s_assert_assignment(s_newest(staf), "returned", 6, "sekretaris");
    assert_string_equal(s_newest(staf)->text, REASON_7);
    assert_string_equal(s_newest(staf)->text_kind, "reason");
    /* ... and stays on the staf's open task */
    snprintf(s_action, sizeof s_action, "tasks of staf");
    Lkip__TasksRequest tbody = LKIP__TASKS_REQUEST__INIT;
    Lkip__Envelope treq = LKIP__ENVELOPE__INIT;
    treq.body_case = LKIP__ENVELOPE__BODY_TASKS;
    treq.tasks = &tbody;
    r = s_call(staf, &treq, LKIP__STATUS__OK, "ok");
    assert_int_equal(r->task_list->n_tasks, 1);
    assert_int_equal(r->task_list->tasks[0]->step_no, 6);
    assert_int_equal(r->task_list->tasks[0]->round, 2);
    assert_string_equal(r->task_list->tasks[0]->return_reason, REASON_7);

    s_upload_version(staf, 6, 3, docs, lens, sha);
    s_expect_events("sekretaris=document_uploaded:6");
    s_step(staf, ROUND_REF, 6, DONE, "Perbaikan Bab III", LKIP__STATUS__OK, "ok");
    s_expect_events("sekretaris=step_done:6 step_assigned:7");
    s_step(sek, ROUND_REF, 7, APPROVE, "", LKIP__STATUS__OK, "ok");
    s_expect_events("sekretaris=step_done:7 step_assigned:8");
    s_step(sek, ROUND_REF, 8, DONE, "", LKIP__STATUS__OK, "ok");
    s_expect_events("sekretaris=step_done:8; kadis=step_assigned:9");
    s_assert_assignment(s_newest(kadis), "step_assigned", 9, "sekretaris");

    /* 9: the Kadis returns it too */
    s_step(kadis, ROUND_REF, 9, RETURN, REASON_9, LKIP__STATUS__OK, "ok");
    s_expect_events("staf=returned:6; sekretaris=returned:6");
    s_assert_assignment(s_newest(staf), "returned", 6, "kadis");
    assert_string_equal(s_newest(staf)->text, REASON_9);
    assert_string_equal(s_newest(staf)->text_kind, "reason");

    s_upload_version(staf, 6, 4, docs, lens, sha);
    s_expect_events("sekretaris=document_uploaded:6");
    s_step(staf, ROUND_REF, 6, DONE, "", LKIP__STATUS__OK, "ok");
    s_expect_events("sekretaris=step_done:6 step_assigned:7");
    s_step(sek, ROUND_REF, 7, APPROVE, "", LKIP__STATUS__OK, "ok");
    s_expect_events("sekretaris=step_done:7 step_assigned:8");
    s_step(sek, ROUND_REF, 8, DONE, "", LKIP__STATUS__OK, "ok");
    s_expect_events("sekretaris=step_done:8; kadis=step_assigned:9");
    /* the signed scan, then the approval */
    s_upload_version(kadis, 9, 5, docs, lens, sha);
    s_expect_events("sekretaris=document_uploaded:9");
    s_step(kadis, ROUND_REF, 9, APPROVE, "Disetujui", LKIP__STATUS__OK, "ok");
    s_expect_events("sekretaris=step_done:9; kasubag=step_assigned:10");

    /* 10: the letter number, of the daemon's date in Asia/Makassar */
    int64_t before = s_server_time(kasubag);
    s_step(kasubag, ROUND_REF, 10, DONE, "", LKIP__STATUS__OK, "ok");
    int64_t after = s_server_time(kasubag);
    char letter[64], letter_after[64];
    s_letter_at(before, 1, letter, sizeof letter);
    s_letter_at(after, 1, letter_after, sizeof letter_after);
    s_expect_events("sekretaris=step_done:10; staf=step_assigned:11");
    const char *got_letter = s_newest(sek)->text;
    if (strcmp(got_letter, letter) != 0 && strcmp(got_letter, letter_after) != 0)
        fail_msg("letter number \"%s\", expected \"%s\"", got_letter, letter);
    snprintf(letter, sizeof letter, "%s", got_letter);
    assert_string_equal(s_newest(sek)->text_kind, "letter_number");

    /* 11: the archive keeps the newest version; everyone taking part hears the end */
    s_step_ref(staf, ROUND_REF, 11, DONE, "Dikirim ke Bagian Organisasi", ARCHIVE_REF,
               LKIP__STATUS__OK, "ok");
    s_expect_events("sekretaris=step_done:11 instance_done:11; kadis=instance_done:11;"
                    " kasubag=instance_done:11; staf=instance_done:11; op.*=instance_done:11");
    const Lkip__Event *archived = sek->events[sek->n_events - 2]->event;
    assert_string_equal(archived->text, sha[5]);
    assert_string_equal(archived->text_kind, "archive_sha256");
    for (int i = 0; i < CAST; i++)
        for (int k = 0; k < s_cast[i].n_events; k++)
            assert_int_equal(s_cast[i].events[k]->event->instance_id, id);

    /* the timeline: every run in order, with its round and outcome */
    static const struct {
        int step, round;
        const char *state, *outcome, *by, *note;
    } runs[] = {
        {1, 1, "done", "done", "kadis", NOTE_START},
        {2, 1, "done", "done", "kasubag", "Format pengumpulan data disusun"},
        {3, 1, "done", "done", "kasubag", "Isi format paling lambat Jumat"},
        /* issue 9: closed by itself when the last unit sent, by no person */
        {4, 1, "done", "done", "", "otomatis: semua unit telah mengirim"},
        {5, 1, "done", "done", "kasubag", "Draft dianalisis"},
        {6, 1, "done", "done", "staf", ""},
        {7, 1, "returned", "returned", "sekretaris", REASON_7},
        {6, 2, "done", "done", "staf", "Perbaikan Bab III"},
        {7, 2, "done", "approved", "sekretaris", ""},
        {8, 1, "done", "done", "sekretaris", ""},
        {9, 1, "returned", "returned", "kadis", REASON_9},
        {6, 3, "done", "done", "staf", ""},
        {7, 3, "done", "approved", "sekretaris", ""},
        {8, 2, "done", "done", "sekretaris", ""},
        {9, 2, "done", "approved", "kadis", "Disetujui"},
        {10, 1, "done", "done", "kasubag", ""},
        {11, 1, "done", "done", "staf", "Dikirim ke Bagian Organisasi"},
    };
    st = s_status(&s_cast[OP_IKP], ROUND_REF);
    assert_int_equal(st->id, id);
    assert_string_equal(st->state, "done");
    assert_int_equal(st->current_step, 0);
    assert_string_equal(st->started_by, "kadis");
    assert_true(st->finished_at >= st->started_at && st->finished_at > 0);
    assert_string_equal(st->letter_number, letter);
    assert_string_equal(st->archive_sha256, sha[5]);
    assert_int_equal(st->archive_version, 5);
    assert_string_equal(st->archive_ref, ARCHIVE_REF);
    assert_int_equal(st->n_runs, ARRAY_LEN(runs));
    for (size_t i = 0; i < ARRAY_LEN(runs); i++) {
        const Lkip__StepRun *run = st->runs[i];
        if (run->step_no != runs[i].step || run->round != runs[i].round ||
            strcmp(run->state, runs[i].state) != 0 || strcmp(run->outcome, runs[i].outcome) ||
            strcmp(run->finished_by, runs[i].by) != 0 || strcmp(run->note, runs[i].note) != 0)
            fail_msg("run %zu: step %d round %d %s/%s by %s \"%s\"; expected step %d round %d "
                     "%s/%s by %s \"%s\"",
                     i + 1, run->step_no, run->round, run->state, run->outcome, run->finished_by,
                     run->note, runs[i].step, runs[i].round, runs[i].state, runs[i].outcome,
                     runs[i].by, runs[i].note);
        assert_true(run->finished_at >= run->assigned_at);
        assert_true(*run->title);
        assert_int_equal(run->automatic, run->step_no == 4);
    }
    /* unit data, in unit code order */
    static const char *const unit_order[] = {"APTIKA", "IKP", "PERSANDIAN", "SEKRETARIAT",
                                             "STATISTIK"};
    assert_int_equal(st->n_units, N_UNITS);
    for (int i = 0; i < N_UNITS; i++) {
        const Lkip__UnitTaskInfo *u = st->units[i];
        assert_string_equal(u->unit_code, unit_order[i]);
        assert_string_equal(u->state, "submitted");
        assert_int_equal(u->version, 1);
        for (int k = 0; k < N_UNITS; k++)
            if (strcmp(s_cast[s_units[k].who].unit, u->unit_code) == 0) {
                assert_int_equal(u->rows, s_units[k].rows);
                assert_string_equal(u->submitted_by, s_cast[s_units[k].who].name);
            }
    }
    /* every document version, where and by whom */
    static const struct {
        int step, round;
        const char *by;
    } versions[] = {{0, 0, NULL},   {5, 1, "kasubag"}, {6, 1, "staf"},
                    {6, 2, "staf"}, {6, 3, "staf"},    {9, 2, "kadis"}};
    assert_int_equal(st->n_documents, 5);
    for (int v = 1; v <= 5; v++) {
        const Lkip__DocumentInfo *d = st->documents[v - 1];
        assert_int_equal(d->version, v);
        assert_int_equal(d->step_no, versions[v].step);
        assert_int_equal(d->round, versions[v].round);
        assert_string_equal(d->uploaded_by, versions[v].by);
        assert_string_equal(d->sha256, sha[v]);
        assert_int_equal(d->size, (int64_t)lens[v]);
    }

    /* the audit trail of the instance: every accepted change, in order */
    static const struct {
        const char *user, *command;
        int step;
    } audit[] = {
        {"kadis", "start", 1},           {"kasubag", "step", 2},        {"kasubag", "step", 3},
        {"op.sekretariat", "submit", 4}, {"op.ikp", "submit", 4},       {"op.aptika", "submit", 4},
        {"op.persandian", "submit", 4},  {"op.statistik", "submit", 4}, {"kasubag", "upload", 5},
        {"kasubag", "step", 5},          {"staf", "upload", 6},         {"staf", "step", 6},
        {"sekretaris", "step", 7},       {"staf", "upload", 6},         {"staf", "step", 6},
        {"sekretaris", "step", 7},       {"sekretaris", "step", 8},     {"kadis", "step", 9},
        {"staf", "upload", 6},           {"staf", "step", 6},           {"sekretaris", "step", 7},
        {"sekretaris", "step", 8},       {"kadis", "upload", 9},        {"kadis", "step", 9},
        {"kasubag", "step", 10},         {"staf", "step", 11},
    };
    const Lkip__HistoryReply *h = s_history(staf, ROUND_REF);
    assert_string_equal(h->time_zone, "Asia/Makassar");
    assert_int_equal(h->n_entries, ARRAY_LEN(audit));
    for (size_t i = 0; i < ARRAY_LEN(audit); i++) {
        const Lkip__AuditEntry *e = h->entries[i];
        if (strcmp(e->user, audit[i].user) != 0 || strcmp(e->command, audit[i].command) != 0 ||
            e->step_no != audit[i].step || e->status >= 400 || e->instance_id != id)
            fail_msg("audit entry %zu: %s %s step %d status %d; expected %s %s step %d", i + 1,
                     e->user, e->command, e->step_no, e->status, audit[i].user, audit[i].command,
                     audit[i].step);
        if (i > 0)
            assert_true(e->id > h->entries[i - 1]->id);
    }
    /* the start names the definition's version number, not its row id (the SOPs of sop/ load
     * in name order: the cuti example first, so LKIP's row id is not its version) */
    long long lkip_def =
        harness_sql_int(s_h, "SELECT id FROM sop_definitions WHERE code = 'LKIP'", NULL);
    long long lkip_version =
        harness_sql_int(s_h, "SELECT version FROM sop_definitions WHERE code = 'LKIP'", NULL);
    assert_true(lkip_def != lkip_version);
    char started[128];
    snprintf(started, sizeof started, "started LKIP/%s (definition v%lld)", ROUND_PERIOD,
             lkip_version);
    assert_string_equal(h->entries[0]->detail, started);
    assert_non_null(strstr(h->entries[12]->detail, "return step 7"));
    assert_non_null(strstr(h->entries[12]->detail, REASON_7));
    assert_non_null(strstr(h->entries[17]->detail, REASON_9));
    char want[128];
    snprintf(want, sizeof want, "letter=%s", letter);
    assert_non_null(strstr(h->entries[24]->detail, want));
    snprintf(want, sizeof want, "archived=v5 sha256=%s", sha[5]);
    assert_non_null(strstr(h->entries[25]->detail, want));
    /* without an instance: the caller's own actions */
    h = s_history(staf, "");
    assert_int_equal(h->n_entries, 7);
    for (size_t i = 0; i < h->n_entries; i++)
        assert_string_equal(h->entries[i]->user, "staf");

    /* every version comes back byte for byte, to anyone */
    for (int v = 0; v <= 5; v++) {
        int want_v = v ? v : 5; /* 0: the newest */
        r = s_download(&s_cast[FIRST_OP + v % N_UNITS], ROUND_REF, v, LKIP__STATUS__OK, "ok");
        assert_int_equal(r->payload_case, LKIP__REPLY__PAYLOAD_DOCUMENT);
        assert_int_equal(r->document->info->version, want_v);
        assert_string_equal(r->document->info->sha256, sha[want_v]);
        assert_int_equal(r->document->content.len, lens[want_v]);
        assert_memory_equal(r->document->content.data, docs[want_v], lens[want_v]);
    }
    s_download(kadis, ROUND_REF, 6, LKIP__STATUS__NOT_FOUND, "no_document");

    /* every client acknowledged everything it got (acknowledgements are stored each second) */
    int64_t deadline = monotonic_ms() + EVENT_WAIT_MS;
    long long unacked;
    while ((unacked = harness_sql_int(s_h,
                                      "SELECT count(*) FROM recipient_seq s JOIN users u"
                                      " ON u.id = s.user_id LEFT JOIN recipient_acks a"
                                      " ON a.user_id = s.user_id WHERE u.name <> 'staf.dua'"
                                      " AND coalesce(a.acked_seq, 0) <> s.last_seq",
                                      NULL)) != 0 &&
           monotonic_ms() < deadline) {
        struct timespec pause = {0, 20 * 1000000L};
        nanosleep(&pause, NULL);
    }
    assert_int_equal(unacked, 0);

    for (int v = 1; v <= 5; v++)
        free(docs[v]);
    s_stop_clean();
}

/* ================================================================================================
 * 2. The wrong role: refused, nothing changed, the refusal audited
 * ============================================================================================= */

/* actor tries something that the wrong role may not do: 403 wrong_role, no change, one audit
 * row for it. */
#define REFUSED_AS_WRONG_ROLE(actor, command, step, call)                                          \
    do {                                                                                           \
        probe_t before_;                                                                           \
        s_probe("LKIP", "2027", &before_);                                                         \
        long long audited_ =                                                                       \
            s_audits((actor)->name, command, 403, "wrong_role", "LKIP", "2027", step);             \
        call;                                                                                      \
        s_assert_unchanged("LKIP", "2027", &before_);                                              \
        assert_int_equal(                                                                          \
            s_audits((actor)->name, command, 403, "wrong_role", "LKIP", "2027", step),             \
            audited_ + 1);                                                                         \
    } while (0)

static void test_wrong_role_refused_state_unchanged(void **state)
{
    const char *ref = "LKIP/2027";
    actor_t *kadis = &s_cast[KADIS], *staf = &s_cast[STAF], *kasubag = &s_cast[KASUBAG],
            *op = &s_cast[OP_IKP], *sek = &s_cast[SEKRETARIS];

    /* only the actor of step 1 starts the SOP, and a refused start leaves no instance */
    s_start(kasubag, "LKIP", "2027", "", LKIP__STATUS__FORBIDDEN, "wrong_role");
    assert_int_equal(s_current("LKIP", "2027"), -1);
    assert_int_equal(harness_sql_int(s_h,
                                     "SELECT count(*) FROM audit a JOIN users u ON u.id ="
                                     " a.user_id WHERE u.name = 'kasubag' AND a.command ="
                                     " 'start' AND a.status = 403 AND a.code = 'wrong_role'",
                                     NULL),
                     1);

    s_lkip_to("2027", 2);
    REFUSED_AS_WRONG_ROLE(staf, "step", 2,
                          s_step(staf, ref, 2, DONE, "", LKIP__STATUS__FORBIDDEN, "wrong_role"));
    REFUSED_AS_WRONG_ROLE(op, "step", 2,
                          s_step(op, ref, 2, APPROVE, "", LKIP__STATUS__FORBIDDEN, "wrong_role"));
    REFUSED_AS_WRONG_ROLE(kadis, "upload", 2,
                          s_upload(kadis, ref, 2, "x.pdf", s_small_doc, sizeof s_small_doc,
                                   LKIP__STATUS__FORBIDDEN, "wrong_role"));

    /* 4: unit data comes from operators only */
    s_lkip_to("2027", 4);
    int rows;
    char *csv = s_unit_csv("Bidang IKP", &rows);
    probe_t before;
    s_probe("LKIP", "2027", &before);
    s_submit(kasubag, ref, csv, strlen(csv), LKIP__STATUS__FORBIDDEN, "no_unit");
    s_assert_unchanged("LKIP", "2027", &before);
    assert_int_equal(harness_sql_int(s_h,
                                     "SELECT count(*) FROM audit a JOIN users u ON u.id ="
                                     " a.user_id WHERE u.name = 'kasubag' AND a.command ="
                                     " 'submit' AND a.status = 403 AND a.code = 'no_unit'",
                                     NULL),
                     1);
    free(csv);

    /* 6: the Kadis cannot upload the staf's document */
    s_lkip_to("2027", 6);
    REFUSED_AS_WRONG_ROLE(kadis, "upload", 6,
                          s_upload(kadis, ref, 6, "lkip.pdf", s_small_doc, sizeof s_small_doc,
                                   LKIP__STATUS__FORBIDDEN, "wrong_role"));
    REFUSED_AS_WRONG_ROLE(sek, "step", 6,
                          s_step(sek, ref, 6, DONE, "", LKIP__STATUS__FORBIDDEN, "wrong_role"));

    /* 7: an operator and the staf cannot decide */
    s_lkip_to("2027", 7);
    REFUSED_AS_WRONG_ROLE(op, "step", 7,
                          s_step(op, ref, 7, APPROVE, "", LKIP__STATUS__FORBIDDEN, "wrong_role"));
    REFUSED_AS_WRONG_ROLE(
        staf, "step", 7,
        s_step(staf, ref, 7, RETURN, "tidak setuju", LKIP__STATUS__FORBIDDEN, "wrong_role"));
    /* 9: nor the Sekretaris in the Kadis's place */
    s_lkip_to("2027", 9);
    REFUSED_AS_WRONG_ROLE(sek, "step", 9,
                          s_step(sek, ref, 9, APPROVE, "", LKIP__STATUS__FORBIDDEN, "wrong_role"));

    /* the rightful actors still can */
    s_lkip_to("2027", 0);
    s_stop_clean();
}

/* ================================================================================================
 * 3. The other refusals of the step commands
 * ============================================================================================= */

/* call is refused and leaves LKIP/2029 as it was. */
#define REFUSED(call)                                                                              \
    do {                                                                                           \
        probe_t before_;                                                                           \
        s_probe("LKIP", "2029", &before_);                                                         \
        call;                                                                                      \
        s_assert_unchanged("LKIP", "2029", &before_);                                              \
    } while (0)

static void test_step_refusals(void **state)
{
    const char *ref = "LKIP/2029";
    actor_t *kadis = &s_cast[KADIS], *kasubag = &s_cast[KASUBAG], *sek = &s_cast[SEKRETARIS],
            *staf = &s_cast[STAF];
    s_lkip_to("2029", 2);

    /* a step that is not (or no longer) open */
    REFUSED(s_step(kasubag, ref, 3, DONE, "", LKIP__STATUS__CONFLICT, "step_changed"));
    REFUSED(s_step(kasubag, ref, 1, DONE, "", LKIP__STATUS__CONFLICT, "step_changed"));
    /* without a step number the instance's open step is meant: step 2 is not the staf's */
    REFUSED(s_step(staf, ref, 0, DONE, "", LKIP__STATUS__FORBIDDEN, "wrong_role"));
    REFUSED(s_step(kasubag, ref, -1, DONE, "", LKIP__STATUS__BAD_REQUEST, "bad_step"));
    /* without instance and step: the caller's one open step; the staf has none */
    REFUSED(s_step(staf, "", 0, DONE, "", LKIP__STATUS__NOT_FOUND, "no_task"));
    /* a decision on a task */
    REFUSED(s_step(kasubag, ref, 2, APPROVE, "", LKIP__STATUS__BAD_REQUEST, "not_a_decision"));
    REFUSED(s_step(kasubag, ref, 2, RETURN, "salah", LKIP__STATUS__BAD_REQUEST, "not_a_decision"));
    assert_int_equal(s_audits("kasubag", "step", 409, "step_changed", "LKIP", "2029", 3), 1);

    /* neither instance nor step: the server finds the caller's one open step (step 2 here) */
    s_step(kasubag, "", 0, DONE, "", LKIP__STATUS__OK, "ok");
    assert_int_equal(s_current("LKIP", "2029"), 3);
    /* a second LKIP at step 2: two open steps of the Kasubag, none is guessed */
    s_lkip_to("2030", 2);
    REFUSED(s_step(kasubag, "", 0, DONE, "", LKIP__STATUS__BAD_REQUEST, "task_ambiguous"));
    /* the instance named, the step left out: its open step */
    s_step(kasubag, "LKIP/2030", 0, DONE, "", LKIP__STATUS__OK, "ok");
    assert_int_equal(s_current("LKIP", "2030"), 3);

    /* 6 needs the staf's own document (5 writes the draft when nothing was uploaded there:
     * test_draft_flow) */
    s_lkip_to("2029", 6);
    REFUSED(s_step(staf, ref, 6, DONE, "", LKIP__STATUS__INVALID, "document_required"));
    /* 7: a return needs a written reason; a decision is not "done" */
    s_lkip_to("2029", 7);
    REFUSED(s_step(sek, ref, 7, RETURN, "", LKIP__STATUS__BAD_REQUEST, "reason_required"));
    REFUSED(s_step(sek, ref, 7, RETURN, " \r\n\t", LKIP__STATUS__BAD_REQUEST, "reason_required"));
    REFUSED(s_step(sek, ref, 7, DONE, "", LKIP__STATUS__BAD_REQUEST, "decision_required"));
    /* 8 produces no document */
    s_lkip_to("2029", 8);
    REFUSED(s_upload(sek, ref, 8, "x.pdf", s_small_doc, sizeof s_small_doc, LKIP__STATUS__CONFLICT,
                     "no_document_step"));
    /* unit data once the collection is closed */
    int rows;
    char *csv = s_unit_csv("Bidang IKP", &rows);
    REFUSED(s_submit(&s_cast[OP_IKP], ref, csv, strlen(csv), LKIP__STATUS__CONFLICT,
                     "collection_closed"));
    free(csv);

    /* the same period twice; an SOP that was never loaded; an instance that does not exist */
    s_start(kadis, "LKIP", "2029", "", LKIP__STATUS__CONFLICT, "instance_exists");
    assert_int_equal(
        harness_sql_int(s_h, "SELECT count(*) FROM instances WHERE period = '2029'", NULL), 1);
    s_start(kadis, "RENSTRA", "2029", "", LKIP__STATUS__NOT_FOUND, "unknown_sop");
    assert_int_equal(
        harness_sql_int(s_h, "SELECT count(*) FROM instances WHERE sop_code = 'RENSTRA'", NULL), 0);
    s_step(kadis, "LKIP/1999", 2, DONE, "", LKIP__STATUS__NOT_FOUND, "unknown_instance");

    /* a finished SOP takes nothing more */
    s_lkip_to("2029", 0);
    probe_t done;
    s_probe("LKIP", "2029", &done);
    s_step(staf, ref, 11, DONE, "", LKIP__STATUS__CONFLICT, "instance_finished");
    s_step(kadis, ref, 9, APPROVE, "", LKIP__STATUS__CONFLICT, "instance_finished");
    s_upload(staf, ref, 11, "y.pdf", s_small_doc, sizeof s_small_doc, LKIP__STATUS__CONFLICT,
             "instance_finished");
    s_assert_unchanged("LKIP", "2029", &done);
    s_stop_clean();
}

/* ================================================================================================
 * 4. Concurrent completion of one step
 * ============================================================================================= */

/* Two staf users send "done" for step 1 of CUTI/period at the same moment, one on each of da
 * and db: exactly one succeeds, the other is told the step changed, one run is finished. */
static void s_race_done(const char *period, harness_daemon_t *da, harness_daemon_t *db)
{
    char ref[64], id[24];
    snprintf(ref, sizeof ref, "CUTI/%s", period);
    actor_t *a = &s_cast[STAF], *b = &s_cast[STAF2];
    s_cuti_to(period, 1, a, &s_cast[KASUBAG]);
    s_upload(a, ref, 1, "formulir.pdf", s_small_doc, sizeof s_small_doc, LKIP__STATUS__CREATED,
             "ok");
    s_instance_id("CUTI", period, id);

    int before = s_n_raw;
    void *sa = s_raw_open(a, da), *sb = s_raw_open(b, db);
    flight_t f[2];
    s_flight_step(&f[0], sa, ref, 1, DONE);
    s_flight_step(&f[1], sb, ref, 1, DONE);
    s_fly(f, 2);

    int ok = -1, conflict = -1;
    for (int i = 0; i < 2; i++) {
        const Lkip__Reply *r = f[i].reply->reply;
        if (r->status == LKIP__STATUS__OK && strcmp(r->code, "ok") == 0)
            ok = ok < 0 ? i : 9;
        else if (r->status == LKIP__STATUS__CONFLICT && strcmp(r->code, "step_changed") == 0)
            conflict = conflict < 0 ? i : 9;
        else
            fail_msg("%s: concurrent done got %d %s (\"%s\")", period, (int)r->status, r->code,
                     r->message);
    }
    if (ok < 0 || ok > 1 || conflict < 0 || conflict > 1)
        fail_msg("%s: concurrent done: expected one 200 and one 409 step_changed", period);
    const char *winner = ok == 0 ? a->name : b->name;
    const char *loser = ok == 0 ? b->name : a->name;

    assert_int_equal(harness_sql_int(s_h,
                                     "SELECT count(*) FROM step_runs WHERE instance_id = $1"
                                     " AND step_no = 1",
                                     id, NULL),
                     1);
    char *by = harness_sql(s_h,
                           "SELECT u.name FROM step_runs r JOIN users u ON u.id = r.finished_by"
                           " WHERE r.instance_id = $1 AND r.step_no = 1 AND r.state = 'done'",
                           id, NULL);
    assert_non_null(by);
    assert_string_equal(by, winner);
    free(by);
    assert_int_equal(s_current("CUTI", period), 2);
    assert_int_equal(
        harness_sql_int(s_h, "SELECT count(*) FROM step_runs WHERE instance_id = $1", id, NULL), 2);
    /* the Kasubag is told once */
    assert_int_equal(harness_sql_int(s_h,
                                     "SELECT count(*) FROM outbox o JOIN users u ON u.id ="
                                     " o.user_id WHERE u.name = 'kasubag' AND o.instance_id ="
                                     " $1 AND o.kind = 'step_assigned'",
                                     id, NULL),
                     1);
    assert_int_equal(s_audits(winner, "step", 200, "ok", "CUTI", period, 1), 1);
    assert_int_equal(s_audits(loser, "step", 409, "step_changed", "CUTI", period, 1), 1);

    s_flights_free(f, 2);
    for (int i = before; i < s_n_raw; i++)
        zmq_close(s_raw[i]);
    s_n_raw = before;
}

static void test_concurrent_done_one_daemon(void **state)
{
    static const char *const periods[] = {"bersama-1", "bersama-2", "bersama-3"};
    for (size_t i = 0; i < ARRAY_LEN(periods); i++)
        s_race_done(periods[i], s_d1, s_d1);
    s_stop_clean();
}

static void test_concurrent_done_two_daemons(void **state)
{
    s_d2 = s_daemon_start();
    assert_non_null(s_d2);
    static const char *const periods[] = {"dua-1", "dua-2", "dua-3"};
    for (size_t i = 0; i < ARRAY_LEN(periods); i++)
        s_race_done(periods[i], i % 2 ? s_d2 : s_d1, i % 2 ? s_d1 : s_d2);
    s_stop_clean();
}

/* ---- set-oriented batches: requests in flight together keep their order and meaning ------ */

static void s_flight_upload_doc(flight_t *f, void *sock, const char *ref, int step,
                                const char *file_name, const void *data, size_t len)
{
    Lkip__UploadRequest body = LKIP__UPLOAD_REQUEST__INIT;
    body.instance = (char *)ref;
    body.step_no = step;
    body.file_name = (char *)file_name;
    body.content.data = (uint8_t *)data;
    body.content.len = len;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_UPLOAD;
    req.upload = &body;
    s_flight_of(f, sock, &req);
}

static void s_flight_upload(flight_t *f, void *sock, const char *ref, int step)
{
    s_flight_upload_doc(f, sock, ref, step, "formulir-cuti.pdf", s_small_doc, sizeof s_small_doc);
}

static void s_flight_start(flight_t *f, void *sock, const char *sop, const char *period)
{
    Lkip__StartRequest body = LKIP__START_REQUEST__INIT;
    body.sop_code = (char *)sop;
    body.period = (char *)period;
    body.note = "Cuti tahunan";
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_START;
    req.start = &body;
    s_flight_of(f, sock, &req);
}

/* The same request (same request_id) in flight twice. */
static void s_flight_copy(flight_t *to, const flight_t *from, void *sock)
{
    *to = *from;
    to->sock = sock;
    to->frame = xmalloc(from->len);
    memcpy(to->frame, from->frame, from->len);
}

static void s_assert_reply(const flight_t *f, int status, const char *code)
{
    const Lkip__Reply *r = f->reply->reply;
    if ((int)r->status != status || strcmp(r->code, code) != 0)
        fail_msg("expected %d %s, got %d %s (\"%s\")", status, code, (int)r->status, r->code,
                 r->message);
}

static void s_raw_close_from(int before)
{
    for (int i = before; i < s_n_raw; i++)
        zmq_close(s_raw[i]);
    s_n_raw = before;
}

/* One caller's requests sent together (they may share a batch): the second request on an
 * instance is decided against the state the first left; a refusal in the middle leaves the
 * others applied; an upload (the ordinary path) and the done that needs it keep their order. */
static void test_batch_order_and_refusal(void **state)
{
    actor_t *staf = &s_cast[STAF], *kasubag = &s_cast[KASUBAG];
    s_cuti_to("set-a", 2, staf, kasubag);
    s_cuti_to("set-b", 2, staf, kasubag);
    s_cuti_to("set-c", 3, staf, kasubag);
    s_start(staf, "CUTI", "set-d", "Cuti tahunan", LKIP__STATUS__CREATED, "ok");
    int before = s_n_raw;
    void *sk = s_raw_open(kasubag, s_d1), *ss = s_raw_open(staf, s_d1);
    flight_t f[6];
    s_flight_step(&f[0], sk, "CUTI/set-a", 2, APPROVE);
    s_flight_step(&f[1], sk, "CUTI/set-a", 2, APPROVE); /* the step moved on */
    s_flight_step(&f[2], sk, "CUTI/set-c", 2, APPROVE); /* not the open step */
    s_flight_step(&f[3], sk, "CUTI/set-b", 2, APPROVE);
    s_flight_upload(&f[4], ss, "CUTI/set-d", 1);
    s_flight_step(&f[5], ss, "CUTI/set-d", 1, DONE); /* needs the upload before it */
    s_fly(f, 6);
    s_assert_reply(&f[0], LKIP__STATUS__OK, "ok");
    assert_int_equal(f[0].reply->reply->payload_case, LKIP__REPLY__PAYLOAD_INSTANCES);
    assert_int_equal(f[0].reply->reply->instances->instances[0]->current_step, 3);
    assert_string_equal(f[0].reply->reply->instances->instances[0]->state, "active");
    s_assert_reply(&f[1], LKIP__STATUS__CONFLICT, "step_changed");
    assert_true(f[2].reply->reply->status >= 400);
    s_assert_reply(&f[3], LKIP__STATUS__OK, "ok");
    s_assert_reply(&f[4], LKIP__STATUS__CREATED, "ok");
    s_assert_reply(&f[5], LKIP__STATUS__OK, "ok");
    assert_int_equal(s_current("CUTI", "set-a"), 3);
    assert_int_equal(s_current("CUTI", "set-b"), 3);
    assert_int_equal(s_current("CUTI", "set-c"), 3);
    assert_int_equal(s_current("CUTI", "set-d"), 2);
    assert_int_equal(s_audits("kasubag", "step", 200, "ok", "CUTI", "set-a", 2), 1);
    assert_int_equal(s_audits("kasubag", "step", 409, "step_changed", "CUTI", "set-a", 2), 1);
    assert_int_equal(s_audits("kasubag", "step", 200, "ok", "CUTI", "set-b", 2), 1);
    assert_int_equal(s_audits("kasubag", "step", (int)f[2].reply->reply->status,
                              f[2].reply->reply->code, "CUTI", "set-c", 2),
                     1);
    /* one run per step, each step's timer, the next actor told once */
    char id[24];
    s_instance_id("CUTI", "set-a", id);
    assert_int_equal(harness_sql_int(s_h,
                                     "SELECT count(*) FROM step_runs WHERE instance_id = $1"
                                     " AND state = 'active' AND step_no = 3",
                                     id, NULL),
                     1);
    assert_int_equal(harness_sql_int(s_h,
                                     "SELECT count(*) FROM step_runs WHERE instance_id = $1"
                                     " AND step_no = 2 AND state = 'done' AND outcome ="
                                     " 'approved'",
                                     id, NULL),
                     1);
    assert_int_equal(harness_sql_int(s_h,
                                     "SELECT count(*) FROM timers t JOIN step_runs r ON r.id ="
                                     " t.step_run_id WHERE r.instance_id = $1 AND r.step_no = 3",
                                     id, NULL),
                     1);
    assert_int_equal(harness_sql_int(s_h,
                                     "SELECT count(*) FROM outbox o JOIN users u ON u.id ="
                                     " o.user_id WHERE u.name = 'sekretaris' AND o.instance_id ="
                                     " $1 AND o.kind = 'step_assigned'",
                                     id, NULL),
                     1);
    s_flights_free(f, 6);
    s_raw_close_from(before);
    s_stop_clean();
}

static void s_flight_submit(flight_t *f, void *sock, const char *ref, const char *csv)
{
    Lkip__SubmitRequest body = LKIP__SUBMIT_REQUEST__INIT;
    body.instance = (char *)ref;
    body.file_name = "data-kinerja.csv";
    body.content.data = (uint8_t *)csv;
    body.content.len = strlen(csv);
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_SUBMIT;
    req.submit = &body;
    s_flight_of(f, sock, &req);
}

/* Units' data sent together (they may share batches): a refused file stores nothing and leaves
 * the unit's next file its first version; a unit that sends twice gets versions 1 and 2; then
 * the last unit's data, sent beside one more file of a unit that already sent, closes the
 * collection step by itself (the other file lands before, as version 2, or after, refused as
 * too late), and the next step opens with its timer. Each accepted file is kept whole and
 * audited once. */
static void test_batch_submissions(void **state)
{
    s_lkip_to("bsub", 4);
    int before = s_n_raw;
    void *sk[N_UNITS];
    char *csv[N_UNITS];
    int rows[N_UNITS], total_rows = 0;
    for (int i = 0; i < N_UNITS; i++) {
        sk[i] = s_raw_open(&s_cast[s_units[i].who], s_d1);
        csv[i] = s_unit_csv(s_units[i].label, &rows[i]);
        total_rows += rows[i];
    }
    char id[24];
    s_instance_id("LKIP", "bsub", id);
#define ASSIGNED_TO_KASUBAG                                                                        \
    "SELECT count(*) FROM outbox WHERE instance_id = $1 AND kind = 'step_assigned' AND user_id ="  \
    " (SELECT id FROM users WHERE name = 'kasubag')"
    long long assigned = harness_sql_int(s_h, ASSIGNED_TO_KASUBAG, id, NULL);
    /* a file name the checks refuse is refused whichever path the request takes */
    char long_name[260];
    memset(long_name, 'a', sizeof long_name - 5);
    strcpy(long_name + sizeof long_name - 5, ".csv");
    s_submit_named(&s_cast[s_units[0].who], "LKIP/bsub", long_name, csv[0], strlen(csv[0]),
                   LKIP__STATUS__TOO_LARGE, "field_too_long");
    static const char bad[] = "unit;sasaran;indikator;satuan;arah;target;realisasi\n"
                              "Bidang IKP;Sasaran;Indikator;%;naik;tujuh puluh;60\n";
    flight_t f[6];
    s_flight_submit(&f[0], sk[0], "LKIP/bsub", csv[0]);
    s_flight_submit(&f[1], sk[1], "LKIP/bsub", bad);
    s_flight_submit(&f[2], sk[1], "LKIP/bsub", csv[1]);
    s_flight_submit(&f[3], sk[2], "LKIP/bsub", csv[2]);
    s_flight_submit(&f[4], sk[2], "LKIP/bsub", csv[2]); /* the same unit again */
    s_flight_submit(&f[5], sk[3], "LKIP/bsub", csv[3]);
    s_fly(f, 6);
    s_assert_reply(&f[1], LKIP__STATUS__INVALID, "bad_data");
    assert_true(f[1].reply->reply->submitted->n_errors >= 1);
    bool seen[N_UNITS + 1] = {false};
    for (int i = 0; i < 6; i++) {
        if (i == 1)
            continue;
        s_assert_reply(&f[i], LKIP__STATUS__CREATED, "ok");
        const Lkip__SubmitReply *r = f[i].reply->reply->submitted;
        assert_int_equal(r->version, i == 4 ? 2 : 1);
        assert_int_equal(r->units_total, N_UNITS);
        assert_true(r->units_submitted >= 1 && r->units_submitted < N_UNITS);
        if (i != 4) { /* a first file: each count once */
            assert_false(seen[r->units_submitted]);
            seen[r->units_submitted] = true;
        }
    }
    assert_int_equal(s_current("LKIP", "bsub"), 4);
    flight_t g[2];
    s_flight_submit(&g[0], sk[4], "LKIP/bsub", csv[4]);
    s_flight_submit(&g[1], sk[0], "LKIP/bsub", csv[0]);
    s_fly(g, 2);
    s_assert_reply(&g[0], LKIP__STATUS__CREATED, "ok");
    assert_int_equal(g[0].reply->reply->submitted->units_submitted, N_UNITS);
    assert_non_null(strstr(g[0].reply->reply->message, "selesai"));
    bool again = g[1].reply->reply->status == LKIP__STATUS__CREATED;
    if (again)
        assert_int_equal(g[1].reply->reply->submitted->version, 2);
    else
        s_assert_reply(&g[1], LKIP__STATUS__CONFLICT, "collection_closed");
    assert_int_equal(s_current("LKIP", "bsub"), 5);
    assert_int_equal(harness_sql_int(s_h,
                                     "SELECT count(*) FROM step_runs WHERE instance_id = $1"
                                     " AND step_no = 4 AND state = 'done' AND finished_by IS NULL"
                                     " AND note = 'otomatis: semua unit telah mengirim'",
                                     id, NULL),
                     1);
    assert_int_equal(harness_sql_int(s_h,
                                     "SELECT count(*) FROM step_runs r JOIN timers t ON"
                                     " t.step_run_id = r.id WHERE r.instance_id = $1 AND"
                                     " r.step_no = 5 AND r.state = 'active'",
                                     id, NULL),
                     1);
    assert_int_equal(harness_sql_int(s_h,
                                     "SELECT count(*) FROM unit_tasks WHERE instance_id = $1"
                                     " AND state = 'submitted'",
                                     id, NULL),
                     N_UNITS);
    assert_int_equal(harness_sql_int(s_h,
                                     "SELECT max(version) FROM unit_tasks WHERE instance_id = $1",
                                     id, NULL),
                     2);
    assert_int_equal(harness_sql_int(s_h,
                                     "SELECT count(*) FROM unit_data d JOIN unit_tasks t ON"
                                     " t.id = d.task_id WHERE t.instance_id = $1",
                                     id, NULL),
                     N_UNITS + 1 + again);
    assert_int_equal(harness_sql_int(s_h,
                                     "SELECT count(*) FROM indicators i JOIN unit_data d ON"
                                     " d.id = i.data_id JOIN unit_tasks t ON t.id = d.task_id"
                                     " WHERE t.instance_id = $1",
                                     id, NULL),
                     total_rows + rows[2] + (again ? rows[0] : 0));
    /* the data as sent, byte for byte, and each version's rows in line order */
    assert_int_equal(harness_sql_int(s_h,
                                     "SELECT count(*) FROM unit_data d JOIN unit_tasks t ON"
                                     " t.id = d.task_id WHERE t.instance_id = $1 AND"
                                     " d.rows = (SELECT count(*) FROM indicators i WHERE"
                                     " i.data_id = d.id) AND d.file_sha256 ="
                                     " encode(sha256(d.content), 'hex')",
                                     id, NULL),
                     N_UNITS + 1 + again);
    assert_int_equal(harness_sql_int(s_h,
                                     "SELECT count(*) FROM indicators a JOIN indicators b ON"
                                     " a.data_id = b.data_id AND a.id < b.id AND a.line > b.line",
                                     NULL),
                     0);
    for (int i = 0; i < N_UNITS; i++)
        assert_int_equal(s_audits(s_cast[s_units[i].who].name, "submit", 201, "ok", "LKIP", "bsub",
                                  4),
                         i == 2 ? 2 : i == 0 ? 1 + again : 1);
    assert_int_equal(
        s_audits(s_cast[s_units[1].who].name, "submit", 422, "bad_data", "LKIP", "bsub", 4), 1);
    /* the next actor told once that step 5 is theirs */
    assert_int_equal(harness_sql_int(s_h, ASSIGNED_TO_KASUBAG, id, NULL), assigned + 1);
    for (int i = 0; i < N_UNITS; i++)
        free(csv[i]);
    s_flights_free(f, 6);
    s_flights_free(g, 2);
    s_raw_close_from(before);
    s_stop_clean();
}

static void s_flight_return(flight_t *f, void *sock, const char *ref, int step, const char *why)
{
    Lkip__StepRequest body = LKIP__STEP_REQUEST__INIT;
    body.instance = (char *)ref;
    body.step_no = step;
    body.action = LKIP__STEP_ACTION__RETURN;
    body.note = (char *)why;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_STEP;
    req.step = &body;
    s_flight_of(f, sock, &req);
}

/* The stored round and step of version v of CUTI/period's documents, as "step/round". */
static long long s_doc_round(const char *period, int v, int *step)
{
    char id[24], ver[16];
    s_instance_id("CUTI", period, id);
    snprintf(ver, sizeof ver, "%d", v);
    *step = (int)harness_sql_int(
        s_h, "SELECT step_no FROM documents WHERE instance_id = $1 AND version = $2", id, ver,
        NULL);
    return harness_sql_int(s_h, "SELECT round FROM documents WHERE instance_id = $1 AND version = $2",
                           id, ver, NULL);
}

/* Documents sent together with other requests: an upload to a step that a return in the same
 * flight reopens is stored in the new round (or refused, when it came first), never in the old
 * one; two versions sent together are numbered one after the other, and the done after them
 * sees them. */
static void test_batch_uploads(void **state)
{
    actor_t *staf = &s_cast[STAF], *kasubag = &s_cast[KASUBAG];
    enum { N = 4 };
    char periods[N][16], refs[N][24];
    for (int i = 0; i < N; i++) {
        snprintf(periods[i], sizeof periods[i], "up-%d", i);
        snprintf(refs[i], sizeof refs[i], "CUTI/up-%d", i);
        s_cuti_to(periods[i], 2, staf, kasubag);
    }
    int before = s_n_raw;
    void *sk = s_raw_open(kasubag, s_d1), *ss = s_raw_open(staf, s_d1);
    flight_t f[2 * N];
    for (int i = 0; i < N; i++) {
        s_flight_return(&f[2 * i], sk, refs[i], 2, "Sisa cuti tidak mencukupi");
        s_flight_upload(&f[2 * i + 1], ss, refs[i], 1);
    }
    s_fly(f, 2 * N);
    for (int i = 0; i < N; i++) {
        s_assert_reply(&f[2 * i], LKIP__STATUS__OK, "ok");
        const Lkip__Reply *r = f[2 * i + 1].reply->reply;
        if (r->status == LKIP__STATUS__CONFLICT) { /* before the return: step 2 was open */
            s_assert_reply(&f[2 * i + 1], LKIP__STATUS__CONFLICT, "step_changed");
            continue;
        }
        s_assert_reply(&f[2 * i + 1], LKIP__STATUS__CREATED, "ok");
        assert_int_equal(r->document->info->round, 2);
        int step = 0;
        assert_int_equal(s_doc_round(periods[i], r->document->info->version, &step), 2);
        assert_int_equal(step, 1);
    }
    /* two versions and the done that needs one, together on up-0 (step 1, round 2) */
    char id[24];
    s_instance_id("CUTI", "up-0", id);
    int last = (int)harness_sql_int(
        s_h, "SELECT coalesce(max(version), 0) FROM documents WHERE instance_id = $1", id, NULL);
    flight_t g[3];
    s_flight_upload(&g[0], ss, refs[0], 1);
    s_flight_upload(&g[1], ss, refs[0], 1);
    s_flight_step(&g[2], ss, refs[0], 1, DONE);
    s_fly(g, 3);
    for (int k = 0; k < 2; k++) {
        s_assert_reply(&g[k], LKIP__STATUS__CREATED, "ok");
        assert_int_equal(g[k].reply->reply->document->info->version, last + 1 + k);
        assert_int_equal(g[k].reply->reply->document->info->round, 2);
        assert_string_equal(g[k].reply->reply->document->info->uploaded_by, "staf");
        int step = 0;
        assert_int_equal(s_doc_round("up-0", last + 1 + k, &step), 2);
        assert_int_equal(step, 1);
    }
    s_assert_reply(&g[2], LKIP__STATUS__OK, "ok");
    assert_int_equal(s_current("CUTI", "up-0"), 2);
    assert_int_equal(harness_sql_int(s_h,
                                     "SELECT count(*) FROM documents WHERE instance_id = $1 AND"
                                     " size = $2 AND sha256 = encode(sha256(content), 'hex')",
                                     id, "18", NULL),
                     harness_sql_int(s_h, "SELECT count(*) FROM documents WHERE instance_id = $1",
                                     id, NULL));
    s_flights_free(f, 2 * N);
    s_flights_free(g, 3);
    s_raw_close_from(before);
    s_stop_clean();
}

/* A statement whose result nobody reads waits for the next round trip (db_defer); when one
 * fails there (here the timer of the step a start opens, refused by the database), its caller
 * has gone on already, so the batch runs again statement by statement: only the request that
 * failed is refused, logged once, and the others of the batch are answered and kept. */
static void test_batch_deferred_failure(void **state)
{
    actor_t *staf = &s_cast[STAF];
    s_start(staf, "CUTI", "def-a", "Cuti tahunan", LKIP__STATUS__CREATED, "ok");
    int before = s_n_raw;
    void *ss = s_raw_open(staf, s_d1);
    assert_int_equal(harness_refuse_inserts(s_h, "timers"), 0);
    flight_t f[3];
    s_flight_upload(&f[0], ss, "CUTI/def-a", 1);
    s_flight_start(&f[1], ss, "CUTI", "def-b");
    s_flight_upload(&f[2], ss, "CUTI/def-a", 1);
    s_fly(f, 3);
    s_assert_reply(&f[0], LKIP__STATUS__CREATED, "ok");
    s_assert_reply(&f[1], LKIP__STATUS__INTERNAL, "internal");
    s_assert_reply(&f[2], LKIP__STATUS__CREATED, "ok");
    char id[24];
    s_instance_id("CUTI", "def-a", id);
    assert_int_equal(
        harness_sql_int(s_h, "SELECT count(*) FROM documents WHERE instance_id = $1", id, NULL), 2);
    assert_int_equal(
        harness_sql_int(s_h, "SELECT count(*) FROM instances WHERE period = 'def-b'", NULL), 0);
    assert_int_equal(harness_sql_int(s_h,
                                     "SELECT count(*) FROM audit WHERE command = 'start'"
                                     " AND status = 500 AND code = 'internal'",
                                     NULL),
                     1);
    assert_int_equal(harness_daemon_log_count(s_d1, "test: no new rows in timers"), 1);
    assert_true(harness_daemon_log_count(s_d1, "batch runs again one statement at a time") >= 1);
    assert_int_equal(harness_allow_inserts(s_h, "timers"), 0);
    s_flights_free(f, 3);
    s_raw_close_from(before);
    s_stop_clean();
}

/* One request sent twice with the same request_id, on one daemon (in one batch or not) and
 * racing over two daemons: applied once, both copies answered with the same reply. */
static void test_batch_duplicate_request(void **state)
{
    actor_t *staf = &s_cast[STAF], *kasubag = &s_cast[KASUBAG];
    s_d2 = s_daemon_start();
    assert_non_null(s_d2);
    static const char *const periods[] = {"dup-1", "dup-2", "dup-3", "dup-4"};
    for (size_t i = 0; i < ARRAY_LEN(periods); i++) {
        s_cuti_to(periods[i], 2, staf, kasubag);
        char ref[48], id[24];
        snprintf(ref, sizeof ref, "CUTI/%s", periods[i]);
        int before = s_n_raw;
        bool two = i % 2 == 1;
        void *a = s_raw_open(kasubag, s_d1), *b = two ? s_raw_open(kasubag, s_d2) : a;
        flight_t f[2];
        s_flight_step(&f[0], a, ref, 2, APPROVE);
        s_flight_copy(&f[1], &f[0], b);
        s_fly(f, 2);
        s_assert_reply(&f[0], LKIP__STATUS__OK, "ok");
        s_assert_reply(&f[1], LKIP__STATUS__OK, "ok");
        assert_string_equal(f[0].reply->reply->message, f[1].reply->reply->message);
        s_instance_id("CUTI", periods[i], id);
        assert_int_equal(s_current("CUTI", periods[i]), 3);
        assert_int_equal(harness_sql_int(s_h,
                                         "SELECT count(*) FROM step_runs WHERE instance_id = $1"
                                         " AND step_no = 3",
                                         id, NULL),
                         1);
        assert_int_equal(s_audits("kasubag", "step", 200, "ok", "CUTI", periods[i], 2), 1);
        s_flights_free(f, 2);
        s_raw_close_from(before);
    }
    s_stop_clean();
}

/* Waits until a statement of the daemon's containing fn (say, a function the set path's write
 * calls) waits for a lock, the one an open transaction of the test holds. what names the
 * statement in the failure message. */
static void s_await_lock_wait(const char *fn, const char *what)
{
    char sql[160];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
             " AND query LIKE '%%%s%%'",
             fn);
    int64_t until = monotonic_ms() + 3 * CALL_TIMEOUT_MS;
    while (harness_sql_int(s_h, sql, NULL) != 1) {
        if (monotonic_ms() > until) {
            harness_dump_all_logs();
            fail_msg("%s never waited for the other transaction", what);
        }
        struct timespec ts = {0, 10 * 1000000};
        nanosleep(&ts, NULL);
    }
}

/* Commits pg's transaction and closes it. */
static void s_commit_close(PGconn *pg)
{
    PGresult *res = PQexec(pg, "COMMIT");
    assert_int_equal(PQresultStatus(res), PGRES_COMMAND_OK);
    PQclear(res);
    PQfinish(pg);
}

/* A transaction of the test's own, left open holding the row lock of the instance of period.
 * Closed by s_commit_close. */
static PGconn *s_hold_instance(const char *period)
{
    PGconn *pg = PQconnectdb(harness_conninfo(s_h));
    assert_int_equal(PQstatus(pg), CONNECTION_OK);
    PQclear(PQexec(pg, "BEGIN"));
    const char *params[1] = {period};
    PGresult *res = PQexecParams(pg, "SELECT id FROM instances WHERE period = $1 FOR UPDATE", 1,
                                 NULL, params, NULL, NULL, 0);
    assert_int_equal(PQntuples(res), 1);
    PQclear(res);
    return pg;
}

/* s_await_lock_wait, then commits pg (whose lock it was) and closes it. */
static void s_commit_once_waited(PGconn *pg, const char *fn, const char *what)
{
    s_await_lock_wait(fn, what);
    s_commit_close(pg);
}

/* A copy of a request stored by another transaction after the set path looked for it and before
 * it stored its own (a copy racing on another daemon, held open here): the set path's stored
 * replies clash, the batch runs again the ordinary way, and the request is answered with the
 * stored reply, its change not made twice. */
static void test_batch_request_id_stored_meanwhile(void **state)
{
    actor_t *staf = &s_cast[STAF], *kasubag = &s_cast[KASUBAG];
    s_cuti_to("simpan", 2, staf, kasubag);
    char *user = harness_sql(s_h, "SELECT id FROM users WHERE name = 'kasubag'", NULL);
    assert_non_null(user);
    int before = s_n_raw;
    void *sk = s_raw_open(kasubag, s_d1);
    flight_t f;
    s_flight_step(&f, sk, "CUTI/simpan", 2, APPROVE);
    char rid[24];
    snprintf(rid, sizeof rid, "%llu", (unsigned long long)f.request_id);

    /* the other copy's transaction: its stored reply, not yet committed */
    Lkip__Reply stored = LKIP__REPLY__INIT;
    stored.status = LKIP__STATUS__OK;
    stored.code = "ok";
    stored.message = "jawaban tersimpan";
    size_t len = lkip__reply__get_packed_size(&stored);
    uint8_t *buf = xmalloc(len);
    lkip__reply__pack(&stored, buf);
    PGconn *pg = PQconnectdb(harness_conninfo(s_h));
    assert_int_equal(PQstatus(pg), CONNECTION_OK);
    PQclear(PQexec(pg, "BEGIN"));
    const char *values[3] = {user, rid, (const char *)buf};
    int lengths[3] = {0, 0, (int)len}, formats[3] = {0, 0, 1};
    PGresult *res = PQexecParams(pg,
                                 "INSERT INTO requests (user_id, request_id, command, reply)"
                                 " VALUES ($1, $2, 'step', $3)",
                                 3, NULL, values, lengths, formats, 0);
    assert_int_equal(PQresultStatus(res), PGRES_COMMAND_OK);
    PQclear(res);

    /* the request goes out and waits at its stored reply for the other transaction */
    s_raw_send(sk, f.frame, f.len);
    s_commit_once_waited(pg, "batch_stored_all", "the set path's stored replies");

    Lkip__Envelope *reply = s_raw_recv(sk);
    assert_int_equal(reply->request_id, f.request_id);
    harness_assert_reply(reply, LKIP__STATUS__OK, "ok");
    assert_string_equal(reply->reply->message, "jawaban tersimpan");
    wire_free(&reply);
    /* this copy changed nothing: the other one's change is the one that counts */
    assert_int_equal(s_current("CUTI", "simpan"), 2);
    assert_int_equal(s_audits("kasubag", "step", 200, "ok", "CUTI", "simpan", 2), 0);
    free(buf);
    free(user);
    s_flights_free(&f, 1);
    s_raw_close_from(before);
    s_stop_clean();
}

/* ================================================================================================
 * 5. Concurrent letter numbering over two daemons
 * ============================================================================================= */

#define N_LETTERS   12
#define N_NUMBERERS 4

/* CUTI/period's letter number: the one a reply gave (number), stored on the instance and equal
 * to the one the daemon gives the seq-th letter on the day its step 4 ended. Returns its
 * sequence number. */
static int s_assert_letter(const char *period, const char *number)
{
    int seq = (int)harness_sql_int(
        s_h, "SELECT letter_seq FROM instances WHERE sop_code = 'CUTI' AND period = $1", period,
        NULL);
    int64_t at = harness_sql_int(s_h,
                                 "SELECT extract(epoch FROM r.finished_at)::bigint FROM"
                                 " step_runs r JOIN instances i ON i.id = r.instance_id"
                                 " WHERE i.sop_code = 'CUTI' AND i.period = $1 AND"
                                 " r.step_no = 4",
                                 period, NULL);
    char want[64];
    s_letter_at(at, seq, want, sizeof want);
    assert_string_equal(number, want);
    char *stored = harness_sql(
        s_h, "SELECT letter_number FROM instances WHERE sop_code = 'CUTI' AND period = $1", period,
        NULL);
    assert_non_null(stored);
    assert_string_equal(stored, want);
    free(stored);
    return seq;
}

/* The newest letter sequence of DKIP's organisation. */
static long long s_last_letter_seq(void)
{
    return harness_sql_int(s_h,
                           "SELECT last_seq FROM letter_sequences s JOIN organisations o"
                           " ON o.id = s.org_id WHERE o.code = 'DKIP' ORDER BY year DESC LIMIT 1",
                           NULL);
}

static void test_concurrent_letter_numbers(void **state)
{
    static const char *const names[N_NUMBERERS - 1] = {"kasubag.dua", "kasubag.tiga",
                                                       "kasubag.empat"};
    for (int i = 0; i < N_NUMBERERS - 1; i++)
        assert_int_equal(s_actor_add(&s_extra[s_n_extra++], names[i], "kasubag_perencanaan", NULL),
                         0);
    s_d2 = s_daemon_start();
    assert_non_null(s_d2);

    /* N instances of CUTI at their numbering step (4) */
    char periods[N_LETTERS][24];
    for (int i = 0; i < N_LETTERS; i++) {
        snprintf(periods[i], sizeof periods[i], "surat-%02d", i + 1);
        s_cuti_to(periods[i], 4, &s_cast[STAF], i % 2 ? &s_extra[0] : &s_cast[KASUBAG]);
    }
    assert_int_equal(harness_sql_int(s_h, "SELECT count(*) FROM letter_sequences", NULL), 0);

    /* four numberers, two on each daemon, every request sent before any reply is read */
    actor_t *who[N_NUMBERERS] = {&s_cast[KASUBAG], &s_extra[0], &s_extra[1], &s_extra[2]};
    void *socks[N_NUMBERERS];
    for (int k = 0; k < N_NUMBERERS; k++)
        socks[k] = s_raw_open(who[k], k < 2 ? s_d1 : s_d2);
    flight_t f[N_LETTERS];
    char refs[N_LETTERS][48];
    for (int i = 0; i < N_LETTERS; i++) {
        snprintf(refs[i], sizeof refs[i], "CUTI/%s", periods[i]);
        s_flight_step(&f[i], socks[i % N_NUMBERERS], refs[i], 4, DONE);
    }
    s_fly(f, N_LETTERS);

    /* every request numbered one letter; the numbers are 1..N, no duplicate, no gap */
    bool seen[N_LETTERS + 1] = {false};
    for (int i = 0; i < N_LETTERS; i++) {
        const Lkip__Reply *r = f[i].reply->reply;
        if (r->status != LKIP__STATUS__OK)
            fail_msg("numbering %s: %d %s (\"%s\")", refs[i], (int)r->status, r->code, r->message);
        assert_int_equal(r->payload_case, LKIP__REPLY__PAYLOAD_INSTANCES);
        int seq = s_assert_letter(periods[i], r->instances->instances[0]->letter_number);
        if (seq < 1 || seq > N_LETTERS || seen[seq])
            fail_msg("%s got letter sequence %d (duplicate or out of 1..%d)", refs[i], seq,
                     N_LETTERS);
        seen[seq] = true;
        assert_int_equal(s_current("CUTI", periods[i]), 5);
    }
    assert_int_equal(harness_sql_int(s_h,
                                     "SELECT count(DISTINCT letter_number) FROM instances"
                                     " WHERE sop_code = 'CUTI' AND letter_number IS NOT NULL",
                                     NULL),
                     N_LETTERS);
    /* one sequence row for the organisation and year, at N */
    assert_int_equal(harness_sql_int(s_h, "SELECT count(*) FROM letter_sequences", NULL), 1);
    assert_int_equal(harness_sql_int(s_h,
                                     "SELECT s.last_seq FROM letter_sequences s JOIN"
                                     " instances i ON i.org_id = s.org_id AND i.letter_year ="
                                     " s.year WHERE i.period = 'surat-01'",
                                     NULL),
                     N_LETTERS);
    int resent = 0;
    for (int i = 0; i < N_LETTERS; i++)
        resent += f[i].resent;
    if (resent)
        print_message("  (%d numbering request(s) sent again after a retryable refusal)\n", resent);
    s_flights_free(f, N_LETTERS);
    s_stop_clean();
}

/* ================================================================================================
 * 6. A bad CSV is refused cell by cell, and nothing is stored
 * ============================================================================================= */

static void test_bad_csv_refused_cell_by_cell(void **state)
{
    const char *ref = "LKIP/2030";
    actor_t *op = &s_cast[OP_IKP];
    s_lkip_to("2030", 4);
    /* no "satuan" column; a bad number, an ambiguous one (the file never shows its decimal
     * mark), a bad direction, and a valid row of another unit */
    static const char bad[] =
        "unit;sasaran;indikator;arah;target;realisasi;pagu;realisasi_anggaran\n"
        "Bidang IKP;Keterbukaan informasi;Indeks A;naik;8o;84;;\n"
        "Bidang IKP;Keterbukaan informasi;Indeks B;naik;100;1.234;;\n"
        "Bidang IKP;Keterbukaan informasi;Indeks C;miring;100;96;;\n"
        "Bidang Statistik;Data sektoral;Indeks D;naik;85;78;;\n";
    static const struct {
        int line, column;
        const char *name, *code;
    } want[] = {
        {1, 0, "satuan", "missing_column"},
        {2, 5, "target", "bad_number"},
        {3, 6, "realisasi", "ambiguous_number"},
        {4, 4, "arah", "bad_direction"},
        {5, 1, "unit", "other_unit"},
    };
    probe_t before;
    s_probe("LKIP", "2030", &before);
    assert_int_equal(before.open_tasks, N_UNITS);

    const Lkip__Reply *r =
        s_submit(op, ref, bad, sizeof bad - 1, LKIP__STATUS__INVALID, "bad_data");
    assert_int_equal(r->payload_case, LKIP__REPLY__PAYLOAD_SUBMITTED);
    const Lkip__SubmitReply *s = r->submitted;
    for (size_t i = 0; i < ARRAY_LEN(want); i++) {
        bool found = false;
        for (size_t k = 0; k < s->n_errors && !found; k++)
            found = s->errors[k]->line == want[i].line && s->errors[k]->column == want[i].column &&
                    strcmp(s->errors[k]->column_name, want[i].name) == 0 &&
                    strcmp(s->errors[k]->code, want[i].code) == 0 && *s->errors[k]->reason;
        if (!found) {
            for (size_t k = 0; k < s->n_errors; k++)
                print_error("  reported: line %d column %d (%s) %s: %s\n", s->errors[k]->line,
                            s->errors[k]->column, s->errors[k]->column_name, s->errors[k]->code,
                            s->errors[k]->reason);
            fail_msg("no error for line %d column %d (%s) %s", want[i].line, want[i].column,
                     want[i].name, want[i].code);
        }
    }
    assert_int_equal(s->n_errors, ARRAY_LEN(want));
    char count[64];
    snprintf(count, sizeof count, "%zu isian tidak sah", ARRAY_LEN(want));
    assert_non_null(strstr(r->message, count));

    /* nothing stored: no data version, no indicator, the task still open, no event */
    s_assert_unchanged("LKIP", "2030", &before);
    assert_int_equal(harness_sql_int(s_h, "SELECT count(*) FROM indicators", NULL), 0);
    char id[24];
    s_instance_id("LKIP", "2030", id);
    char *task = harness_sql(s_h,
                             "SELECT t.state || ' v' || t.version FROM unit_tasks t JOIN units n"
                             " ON n.id = t.unit_id WHERE t.instance_id = $1 AND n.code = 'IKP'",
                             id, NULL);
    assert_non_null(task);
    assert_string_equal(task, "open v0");
    free(task);
    assert_int_equal(s_audits("op.ikp", "submit", 422, "bad_data", "LKIP", "2030", 4), 1);

    /* the corrected file is taken as the unit's first version */
    int rows;
    char *csv = s_unit_csv("Bidang IKP", &rows);
    r = s_submit(op, ref, csv, strlen(csv), LKIP__STATUS__CREATED, "ok");
    free(csv);
    assert_int_equal(r->submitted->version, 1);
    assert_int_equal(r->submitted->rows, rows);
    assert_int_equal(r->submitted->units_submitted, 1);
    assert_int_equal(harness_sql_int(s_h, "SELECT count(*) FROM indicators", NULL), rows);
    s_stop_clean();
}

/* ================================================================================================
 * 7. The second SOP runs too
 * ============================================================================================= */

#define CUTI_REF    "CUTI/pegawai-17"
#define CUTI_REASON "Sisa hak cuti tahunan tidak mencukupi untuk 12 hari"

static void test_cuti_runs_with_return(void **state)
{
    actor_t *staf = &s_cast[STAF], *kasubag = &s_cast[KASUBAG], *sek = &s_cast[SEKRETARIS];
    s_watch("CUTI", "pegawai-17");
    s_subscribe(staf);
    s_subscribe(kasubag);
    s_subscribe(sek);
    s_subscribe(&s_cast[KADIS]); /* takes no part in CUTI: hears nothing */

    /* step 1 needs its form: starting opens it for the staf */
    const Lkip__Reply *r =
        s_start(staf, "CUTI", "pegawai-17", "Cuti tahunan 12 hari", LKIP__STATUS__CREATED, "ok");
    assert_int_equal(r->instances->instances[0]->current_step, 1);
    assert_int_equal(r->instances->instances[0]->steps, 5);
    s_expect_events("staf=step_assigned:1");
    s_step(staf, CUTI_REF, 1, DONE, "", LKIP__STATUS__INVALID, "document_required");
    uint8_t *form1, *form2;
    size_t len1, len2;
    char sha2[65];
    form1 = s_document(1, &len1);
    form2 = s_document(2, &len2);
    s_sha256(form2, len2, sha2);
    s_upload(staf, CUTI_REF, 1, "formulir-cuti.pdf", form1, len1, LKIP__STATUS__CREATED, "ok");
    s_expect_events(""); /* CUTI has no watcher */
    s_step(staf, CUTI_REF, 1, DONE, "", LKIP__STATUS__OK, "ok");
    s_expect_events("kasubag=step_assigned:2");

    /* returned to step 1 with a reason; the new run needs its own form */
    s_step(kasubag, CUTI_REF, 2, RETURN, CUTI_REASON, LKIP__STATUS__OK, "ok");
    s_expect_events("staf=returned:1");
    s_assert_assignment(s_newest(staf), "returned", 1, "kasubag");
    assert_string_equal(s_newest(staf)->text, CUTI_REASON);
    s_step(staf, CUTI_REF, 1, DONE, "", LKIP__STATUS__INVALID, "document_required");
    s_upload(staf, CUTI_REF, 1, "formulir-cuti-5-hari.pdf", form2, len2, LKIP__STATUS__CREATED,
             "ok");
    s_step(staf, CUTI_REF, 1, DONE, "Diubah menjadi 5 hari", LKIP__STATUS__OK, "ok");
    s_expect_events("kasubag=step_assigned:2");

    s_step(kasubag, CUTI_REF, 2, APPROVE, "", LKIP__STATUS__OK, "ok");
    s_expect_events("sekretaris=step_assigned:3");
    s_step(sek, CUTI_REF, 3, APPROVE, "", LKIP__STATUS__OK, "ok");
    s_expect_events("kasubag=step_assigned:4");
    s_step(kasubag, CUTI_REF, 4, DONE, "", LKIP__STATUS__OK, "ok");
    s_expect_events("staf=step_assigned:5");
    s_step(staf, CUTI_REF, 5, DONE, "", LKIP__STATUS__OK, "ok");
    s_expect_events("staf=instance_done:5; kasubag=instance_done:5; sekretaris=instance_done:5");

    static const struct {
        int step, round;
        const char *outcome, *by;
    } runs[] = {
        {1, 1, "done", "staf"},        {2, 1, "returned", "kasubag"},    {1, 2, "done", "staf"},
        {2, 2, "approved", "kasubag"}, {3, 1, "approved", "sekretaris"}, {4, 1, "done", "kasubag"},
        {5, 1, "done", "staf"},
    };
    const Lkip__InstanceStatus *st = s_status(kasubag, CUTI_REF);
    assert_string_equal(st->sop_code, "CUTI");
    assert_string_equal(st->state, "done");
    assert_int_equal(st->n_runs, ARRAY_LEN(runs));
    for (size_t i = 0; i < ARRAY_LEN(runs); i++) {
        assert_int_equal(st->runs[i]->step_no, runs[i].step);
        assert_int_equal(st->runs[i]->round, runs[i].round);
        assert_string_equal(st->runs[i]->outcome, runs[i].outcome);
        assert_string_equal(st->runs[i]->finished_by, runs[i].by);
    }
    assert_string_equal(st->runs[1]->note, CUTI_REASON);
    /* step 3 counts calendar time: two days later, weekend or not (the calendar counts whole
     * minutes, so the seconds of the assignment are dropped) */
    int64_t span = st->runs[4]->due_at - st->runs[4]->assigned_at;
    if (span > 2 * 86400 || span <= 2 * 86400 - 60)
        fail_msg("step 3 of CUTI (2 calendar days) due %lld s after its assignment",
                 (long long)span);
    char letter[64];
    s_letter_at(st->runs[5]->finished_at, 1, letter, sizeof letter);
    assert_string_equal(st->letter_number, letter);
    assert_int_equal(st->archive_version, 2);
    assert_string_equal(st->archive_sha256, sha2);
    assert_int_equal(st->n_documents, 2);
    assert_int_equal(st->documents[1]->round, 2);
    free(form1);
    free(form2);
    s_stop_clean();
}

/* ================================================================================================
 * 8. Malformed and oversize inputs
 * ============================================================================================= */

static void test_malformed_and_oversize_inputs(void **state)
{
    actor_t *kadis = &s_cast[KADIS], *kasubag = &s_cast[KASUBAG];
    /* a note over 4000 bytes; exactly 4000 is fine */
    char *note = xmalloc(4002);
    memset(note, 'a', 4001);
    note[4001] = '\0';
    s_start(kadis, "LKIP", "2031", note, LKIP__STATUS__TOO_LARGE, "field_too_long");
    assert_int_equal(s_current("LKIP", "2031"), -1);
    /* periods with characters a period cannot have, empty, too long */
    s_start(kadis, "LKIP", "2026/27", "", LKIP__STATUS__BAD_REQUEST, "bad_period");
    s_start(kadis, "LKIP", "20 26", "", LKIP__STATUS__BAD_REQUEST, "bad_period");
    s_start(kadis, "LKIP", "", "", LKIP__STATUS__BAD_REQUEST, "missing_field");
    s_start(kadis, "LKIP", "2026-2027-2028-2029-2030-2031-2032", "", LKIP__STATUS__TOO_LARGE,
            "field_too_long");
    assert_int_equal(harness_sql_int(s_h, "SELECT count(*) FROM instances", NULL), 0);
    note[4000] = '\0';
    s_start(kadis, "LKIP", "2031", note, LKIP__STATUS__CREATED, "ok");

    /* a reason over 4000 bytes */
    s_lkip_to("2031", 5);
    probe_t before;
    s_probe("LKIP", "2031", &before);
    note[4000] = 'a';
    s_step(kasubag, "LKIP/2031", 5, DONE, note, LKIP__STATUS__TOO_LARGE, "field_too_long");
    free(note);

    /* an empty document; one byte more than a chunk sent whole (larger documents go in chunks:
     * test_transfer); unit data over its own limit */
    s_upload(kasubag, "LKIP/2031", 5, "kosong.pdf", "", 0, LKIP__STATUS__BAD_REQUEST, "empty_file");
    size_t big_len = WIRE_CHUNK + 1;
    uint8_t *big = xcalloc(1, big_len);
    s_upload(kasubag, "LKIP/2031", 5, "besar.pdf", big, big_len, LKIP__STATUS__TOO_LARGE,
             "chunk_required");
    free(big);
    size_t data_len = WIRE_MAX_DATA_FILE + 1; /* the data file limit (CSV or XLSX) */
    char *data = xmalloc(data_len);
    memset(data, ';', data_len);
    s_submit(&s_cast[OP_IKP], "LKIP/2031", data, data_len, LKIP__STATUS__TOO_LARGE,
             "file_too_large");
    free(data);
    s_assert_unchanged("LKIP", "2031", &before);

    /* the daemon still serves, this client and the others */
    assert_true(harness_daemon_running(s_d1));
    assert_true(s_server_time(kasubag) > 0);
    s_upload(kasubag, "LKIP/2031", 5, "draft.pdf", s_small_doc, sizeof s_small_doc,
             LKIP__STATUS__CREATED, "ok");
    s_step(kasubag, "LKIP/2031", 5, DONE, "", LKIP__STATUS__OK, "ok");
    assert_true(s_server_time(&s_cast[OP_STATISTIK]) > 0);
    s_stop_clean();
}

/* ================================================================================================
 * 8. Penyusunan: the Perjanjian Kinerja, the units' XLSX formats, the analysis of step 5
 * ============================================================================================= */

static const Lkip__Reply *s_pk_import(actor_t *a, int year, const char *file_name, const void *data,
                                      size_t len, int status, const char *code)
{
    snprintf(s_action, sizeof s_action, "pk import \"%s\" --tahun %d", file_name, year);
    Lkip__PkImportRequest body = LKIP__PK_IMPORT_REQUEST__INIT;
    body.year = year;
    body.file_name = (char *)file_name;
    body.content.data = (uint8_t *)data;
    body.content.len = len;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_PK_IMPORT;
    req.pk_import = &body;
    return s_call(a, &req, status, code);
}

/* The sample PK (data/contoh-pk-renstra-2025-2029.csv) as the PK of year, by the Kasubag. */
static const Lkip__PkReply *s_pk_sample(int year, int version)
{
    const Lkip__Reply *r =
        s_pk_import(&s_cast[KASUBAG], year, "contoh-pk-renstra-2025-2029.csv", ts_pk_csv,
                    sizeof ts_pk_csv - 1, LKIP__STATUS__CREATED, "ok");
    assert_int_equal(r->payload_case, LKIP__REPLY__PAYLOAD_PK);
    assert_int_equal(r->pk->version, version);
    assert_int_equal(r->pk->n_indicators, 11);
    return r->pk;
}

static const Lkip__Reply *s_pk_show(actor_t *a, int year, int version, bool xlsx, int status,
                                    const char *code)
{
    snprintf(s_action, sizeof s_action, "pk show --tahun %d --versi %d%s", year, version,
             xlsx ? " (export)" : "");
    Lkip__PkShowRequest body = LKIP__PK_SHOW_REQUEST__INIT;
    body.year = year;
    body.version = version;
    body.xlsx = xlsx;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_PK_SHOW;
    req.pk_show = &body;
    return s_call(a, &req, status, code);
}

static const Lkip__Reply *s_format_make(actor_t *a, const char *ref, int status, const char *code)
{
    snprintf(s_action, sizeof s_action, "format make %s", ref);
    Lkip__FormatMakeRequest body = LKIP__FORMAT_MAKE_REQUEST__INIT;
    body.instance = (char *)ref;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_FORMAT_MAKE;
    req.format_make = &body;
    return s_call(a, &req, status, code);
}

static const Lkip__Reply *s_format_download(actor_t *a, const char *ref, const char *unit,
                                            int status, const char *code)
{
    snprintf(s_action, sizeof s_action, "format download %s --unit %s", ref, unit);
    Lkip__FormatDownloadRequest body = LKIP__FORMAT_DOWNLOAD_REQUEST__INIT;
    body.instance = (char *)ref;
    body.unit_code = (char *)unit;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_FORMAT_DOWNLOAD;
    req.format_download = &body;
    return s_call(a, &req, status, code);
}

static const Lkip__CapaianReply *s_capaian(actor_t *a, const char *ref, bool xlsx)
{
    snprintf(s_action, sizeof s_action, "capaian %s%s", ref, xlsx ? " --xlsx" : "");
    Lkip__CapaianRequest body = LKIP__CAPAIAN_REQUEST__INIT;
    body.instance = (char *)ref;
    body.xlsx = xlsx;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_CAPAIAN;
    req.capaian = &body;
    const Lkip__Reply *r = s_call(a, &req, LKIP__STATUS__OK, "ok");
    assert_int_equal(r->payload_case, LKIP__REPLY__PAYLOAD_CAPAIAN_TABLE);
    return r->capaian_table;
}

/* The reply's errors include one at ref (or any, when ref is NULL) with code and part. */
static void s_assert_cell_error(Lkip__CellError *const *errors, size_t n, const char *ref,
                                const char *code, const char *part)
{
    for (size_t i = 0; i < n; i++)
        if ((!ref || strcmp(errors[i]->ref, ref) == 0) && strcmp(errors[i]->code, code) == 0 &&
            strstr(errors[i]->reason, part))
            return;
    for (size_t i = 0; i < n; i++)
        print_error("  reported: %s line %d [%s] %s: %s\n", errors[i]->ref, errors[i]->line,
                    errors[i]->column_name, errors[i]->code, errors[i]->reason);
    fail_msg("%s: no error %s %s \"%s\"", s_action, ref ? ref : "*", code, part);
}

/* The sample PK as the report library reads it, for the tests' own workbooks. */
static pk_t *s_sample_pk(int year)
{
    pk_t *pk = pk_parse(ts_pk_csv, sizeof ts_pk_csv - 1, year, ts_units, TS_N_UNITS);
    assert_int_equal(pk->n_errors, 0);
    return pk;
}

/* A downloaded format filled with csv's rows, as the unit's operator returns it (the same
 * meta and locked cells; pk: what the locked cells show). Caller frees. */
static uint8_t *s_fill(const Lkip__FormatReply *f, const pk_t *pk, const char *csv, size_t *len)
{
    unitfmt_info_t info;
    assert_int_equal(unitfmt_read_info(f->content.data, f->content.len, &info), 0);
    unitdata_t *values = unitdata_parse(csv, strlen(csv));
    assert_int_equal(values->n_errors, 0);
    unitfmt_meta_t meta = {
        info.instance_id, info.instance_ref, info.org_code,   "DKIP",         info.unit_code,
        info.unit_code,   info.year,         info.pk_version, info.format_id, NULL};
    uint8_t *data;
    const char *why;
    assert_int_equal(unitfmt_write(&meta, pk, values, &data, len, &why), 0);
    unitdata_destroy(&values);
    unitfmt_info_clear(&info);
    return data;
}

/* The IKP rows of the sample data with a kode column and explanations. */
static const char s_ikp_csv[] =
    "kode;sasaran;indikator;satuan;arah;target;realisasi;pagu;realisasi_anggaran;penjelasan;"
    "faktor_pendukung;faktor_penghambat;upaya\n"
    "IKP-01;Meningkatnya keterbukaan informasi publik;Indeks Keterbukaan Informasi Publik;"
    "indeks;naik;80;84,2;1.200.000.000;1.134.500.000;Portal PPID diperbarui;Dukungan pimpinan;"
    "Jaringan kelurahan belum merata;Pelatihan admin PPID kelurahan\n"
    "IKP-02;Meningkatnya keterbukaan informasi publik;Persentase informasi publik yang "
    "dipublikasikan;%;naik;100;96;;;;;;\n";

static void test_pk_import_show_export(void **state)
{
    actor_t *kasubag = &s_cast[KASUBAG];
    /* 1. the sample, as the Kasubag imports it; audited */
    const Lkip__PkReply *p = s_pk_sample(2026, 1);
    assert_int_equal(p->year, 2026);
    assert_int_equal(p->renstra_first, 2025);
    assert_int_equal(p->renstra_last, 2029);
    assert_int_equal(p->baseline_year, 2024);
    assert_string_equal(p->indicators[2]->code, "IKP-01");
    assert_string_equal(p->indicators[2]->unit_code, "IKP");
    assert_string_equal(p->indicators[2]->target, "80");
    assert_int_equal(harness_sql_int(s_h, "SELECT count(*) FROM pk_indicators", NULL), 11);
    assert_int_equal(harness_sql_int(s_h, "SELECT count(*) FROM pk_years", NULL), 66);
    assert_int_equal(harness_sql_int(s_h,
                                     "SELECT count(*) FROM audit WHERE command = 'pk_import'"
                                     " AND status = 201 AND detail LIKE 'pk 2026 v1: 11 %'",
                                     NULL),
                     1);

    /* 2. the same PK as LibreOffice saved it: the next version */
    const char *src = getenv("LKIP_SRCDIR");
    char *path = xasprintf("%s/tests/fixtures/pk-2026-libreoffice.xlsx", src ? src : ".");
    char *book;
    size_t book_len;
    assert_int_equal(read_file(path, 1024 * 1024, &book, &book_len), 0);
    free(path);
    const Lkip__Reply *r =
        s_pk_import(kasubag, 2026, "pk-2026.xlsx", book, book_len, LKIP__STATUS__CREATED, "ok");
    assert_int_equal(r->pk->version, 2);
    assert_int_equal(r->pk->versions, 2);
    assert_int_equal(r->pk->n_indicators, 11);
    free(book);

    /* 3. bad files, refused whole with every bad cell named; nothing stored */
    static const char bad_csv[] = "kode;unit;sasaran;indikator;satuan;arah;target_2026\n"
                                  "X-1;Bidang IKP;S;I;%;naik;8o\n"
                                  "X-2;Bidang Humas;S;I;%;miring;80\n";
    r = s_pk_import(kasubag, 2026, "pk-rusak.csv", bad_csv, sizeof bad_csv - 1,
                    LKIP__STATUS__INVALID, "bad_data");
    s_assert_cell_error(r->pk->errors, r->pk->n_errors, "G2", "bad_number", "\"8o\"");
    s_assert_cell_error(r->pk->errors, r->pk->n_errors, "B3", "unknown_unit", "Bidang Humas");
    s_assert_cell_error(r->pk->errors, r->pk->n_errors, "F3", "bad_direction", "miring");
    assert_int_equal(r->pk->n_errors, 3);
    assert_non_null(strstr(r->message, "3 isian tidak sah"));
    /* a workbook: a date and a word where numbers belong, named by sheet and cell */
    xlsx_write_t *w = xlsx_write_new();
    lxw_workbook *wb = xlsx_write_book(w);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "PK");
    lxw_format *date = workbook_add_format(wb);
    format_set_num_format(date, "dd/mm/yyyy");
    static const char *const head[] = {"kode",   "unit", "sasaran",     "indikator",
                                       "satuan", "arah", "target_2026", "realisasi_2025"};
    for (int c = 0; c < 8; c++)
        worksheet_write_string(ws, 0, (lxw_col_t)c, head[c], NULL);
    static const char *const row[] = {"IKP-01", "IKP", "S", "I", "%", "naik"};
    for (int c = 0; c < 6; c++)
        worksheet_write_string(ws, 1, (lxw_col_t)c, row[c], NULL);
    lxw_datetime dt = {2026, 1, 5, 0, 0, 0};
    worksheet_write_datetime(ws, 1, 6, &dt, date);
    worksheet_write_string(ws, 1, 7, "tujuh puluh", NULL);
    uint8_t *xbook;
    size_t xlen;
    const char *why;
    assert_int_equal(xlsx_write_finish(&w, &xbook, &xlen, &why), 0);
    r = s_pk_import(kasubag, 2026, "pk-rusak.xlsx", xbook, xlen, LKIP__STATUS__INVALID, "bad_data");
    s_assert_cell_error(r->pk->errors, r->pk->n_errors, "PK!G2", "date_not_number", "tanggal");
    s_assert_cell_error(r->pk->errors, r->pk->n_errors, "PK!H2", "bad_number", "tujuh puluh");
    free(xbook);
    assert_int_equal(harness_sql_int(s_h, "SELECT count(*) FROM pk_versions", NULL), 2);
    assert_int_equal(harness_sql_int(s_h,
                                     "SELECT count(*) FROM audit WHERE command = 'pk_import'"
                                     " AND status = 422 AND code = 'bad_data'",
                                     NULL),
                     2);

    /* 4. only the Kasubag Perencanaan (or admin) imports: others 403, nothing stored */
    static const who_t others[] = {STAF, SEKRETARIS, KADIS, OP_IKP};
    for (size_t i = 0; i < ARRAY_LEN(others); i++)
        s_pk_import(&s_cast[others[i]], 2026, "pk.csv", ts_pk_csv, sizeof ts_pk_csv - 1,
                    LKIP__STATUS__FORBIDDEN, "forbidden_role");
    assert_int_equal(harness_sql_int(s_h, "SELECT count(*) FROM pk_versions", NULL), 2);

    /* 5. anyone of the organisation reads it: the newest, or a version; exported as XLSX that
     *    reads back to the same PK */
    r = s_pk_show(&s_cast[OP_STATISTIK], 2026, 0, false, LKIP__STATUS__OK, "ok");
    assert_int_equal(r->pk->version, 2);
    assert_string_equal(r->pk->file_name, "pk-2026.xlsx");
    r = s_pk_show(&s_cast[STAF], 2026, 1, true, LKIP__STATUS__OK, "ok");
    assert_int_equal(r->pk->version, 1);
    pk_t *back = pk_parse(r->pk->content.data, r->pk->content.len, 2026, ts_units, TS_N_UNITS);
    assert_int_equal(back->n_errors, 0);
    assert_int_equal(back->n, 11);
    assert_true(pk_find(back, "APT-01")->target_lo == 2.6);
    assert_true(pk_year(pk_find(back, "SEK-01"), 2025)->realisasi == 66.1);
    pk_destroy(&back);
    s_pk_show(kasubag, 2027, 0, false, LKIP__STATUS__NOT_FOUND, "no_pk");
    s_pk_show(kasubag, 2026, 9, false, LKIP__STATUS__NOT_FOUND, "no_pk");

    /* 6. another organisation sees none of it, and cannot name DKIP's units */
    keypair_t other_kp;
    actor_t *admin = s_admin();
    snprintf(s_action, sizeof s_action, "org add DKIS");
    Lkip__OrgAddRequest org = LKIP__ORG_ADD_REQUEST__INIT;
    org.code = "DKIS";
    org.name = "Dinas Kesehatan";
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_ORG_ADD;
    req.org_add = &org;
    s_call(admin, &req, LKIP__STATUS__CREATED, NULL);
    assert_int_equal(harness_keypair(s_h, "kasubag.dkis", &other_kp), 0);
    snprintf(s_action, sizeof s_action, "user add kasubag.dkis");
    Lkip__UserAddRequest user = LKIP__USER_ADD_REQUEST__INIT;
    user.name = "kasubag.dkis";
    user.full_name = "Kasubag Perencanaan Dinkes";
    user.role = "kasubag_perencanaan";
    user.org_code = "DKIS";
    user.public_key = other_kp.public_key;
    req = (Lkip__Envelope)LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_USER_ADD;
    req.user_add = &user;
    s_call(admin, &req, LKIP__STATUS__CREATED, NULL);
    actor_t *other = &s_extra[s_n_extra++];
    *other = (actor_t){.name = "kasubag.dkis",
                       .kp = other_kp,
                       .c = harness_client(s_h, s_d1, &other_kp, CALL_TIMEOUT_MS)};
    s_pk_show(other, 2026, 0, false, LKIP__STATUS__NOT_FOUND, "no_pk");
    r = s_pk_import(other, 2026, "pk.csv", ts_pk_csv, sizeof ts_pk_csv - 1, LKIP__STATUS__INVALID,
                    "bad_data");
    s_assert_cell_error(r->pk->errors, r->pk->n_errors, "B2", "unknown_unit", "Sekretariat");
    assert_int_equal(harness_sql_int(s_h, "SELECT count(*) FROM pk_versions", NULL), 2);
    s_stop_clean();
}

static void test_formats_made_delivered_downloaded(void **state)
{
    actor_t *kasubag = &s_cast[KASUBAG], *op = &s_cast[OP_IKP];
    s_pk_sample(2026, 1);
    s_watch("LKIP", "2026");
    for (int i = FIRST_OP; i < CAST; i++)
        s_subscribe(&s_cast[i]);
    s_start(&s_cast[KADIS], "LKIP", "2026", "Susun LKIP", LKIP__STATUS__CREATED, "ok");
    /* the instance keeps the version it started with: a later import does not move it */
    s_pk_sample(2026, 2);
    char id[24];
    s_instance_id("LKIP", "2026", id);
    assert_int_equal(harness_sql_int(s_h,
                                     "SELECT v.version FROM instances i JOIN pk_versions v"
                                     " ON v.id = i.pk_id WHERE i.id = $1::bigint",
                                     id, NULL),
                     1);
    /* step 2 (the definition's format_unit step) makes one format per unit */
    const Lkip__Reply *r =
        s_step(kasubag, "LKIP/2026", 2, DONE, "Format disusun", LKIP__STATUS__OK, "ok");
    assert_non_null(strstr(r->message, "Format data kinerja dibuat untuk 5 unit"));
    assert_non_null(strstr(r->message, "Perjanjian Kinerja 2026 versi 1"));
    assert_int_equal(harness_sql_int(s_h, "SELECT count(*) FROM unit_formats", NULL), 5);
    /* step 3 hands them out: each unit's task event names its file */
    s_step(kasubag, "LKIP/2026", 3, DONE, "Isi formatnya", LKIP__STATUS__OK, "ok");
    s_expect_events("op.*=unit_task_assigned:3");
    for (int i = FIRST_OP; i < CAST; i++) {
        char want[64];
        snprintf(want, sizeof want, "format-LKIP-2026-%s.xlsx", s_cast[i].unit);
        assert_string_equal(s_newest(&s_cast[i])->file_name, want);
    }

    /* an operator fetches its own unit's format: the PK version it started with */
    r = s_format_download(op, "LKIP/2026", "", LKIP__STATUS__OK, "ok");
    const Lkip__FormatReply *f = r->formats;
    assert_int_equal(f->n_formats, 1);
    assert_string_equal(f->formats[0]->unit_code, "IKP");
    assert_int_equal(f->formats[0]->indicators, 2);
    assert_int_equal(f->formats[0]->pk_version, 1);
    char sha[65];
    s_sha256(f->content.data, f->content.len, sha);
    assert_string_equal(sha, f->formats[0]->sha256);
    unitfmt_info_t info;
    assert_int_equal(unitfmt_read_info(f->content.data, f->content.len, &info), 0);
    assert_string_equal(info.unit_code, "IKP");
    assert_string_equal(info.instance_ref, "LKIP/2026");
    assert_int_equal(info.pk_version, 1);
    char *stored = harness_sql(s_h,
                               "SELECT f.format_id FROM unit_formats f JOIN units n"
                               " ON n.id = f.unit_id WHERE n.code = 'IKP'",
                               NULL);
    assert_string_equal(info.format_id, stored);
    free(stored);
    unitfmt_info_clear(&info);
    /* the file is the protected format: the locked PK cells and the shaded inputs */
    xlsx_t *x;
    const char *code;
    char *why;
    assert_int_equal(xlsx_open(f->content.data, f->content.len, NULL, &x, &code, &why), 0);
    xlsx_sheet_t *sheet;
    assert_int_equal(xlsx_read_sheet(x, "Data Kinerja", &sheet, &code, &why), 0);
    assert_true(sheet->is_protected);
    assert_string_equal(xlsx_cell(sheet, 6, 2)->text, "IKP-01");
    assert_true(xlsx_cell(sheet, 6, 7)->num == 80);
    xlsx_sheet_destroy(&sheet);
    xlsx_destroy(&x);

    /* another unit's: refused to an operator; the Kasubag and staf fetch any unit's */
    s_format_download(op, "LKIP/2026", "STATISTIK", LKIP__STATUS__FORBIDDEN, "other_unit");
    s_format_download(&s_cast[SEKRETARIS], "LKIP/2026", "STATISTIK", LKIP__STATUS__FORBIDDEN,
                      "other_unit");
    r = s_format_download(kasubag, "LKIP/2026", "STATISTIK", LKIP__STATUS__OK, "ok");
    assert_int_equal(r->formats->formats[0]->indicators, 2);
    r = s_format_download(&s_cast[STAF], "LKIP/2026", "APTIKA", LKIP__STATUS__OK, "ok");
    assert_int_equal(r->formats->formats[0]->indicators, 3);
    s_format_download(kasubag, "LKIP/2026", "HUMAS", LKIP__STATUS__NOT_FOUND, "no_format");

    /* made again on request, by the format step's actor only */
    s_format_make(&s_cast[STAF], "LKIP/2026", LKIP__STATUS__FORBIDDEN, "wrong_role");
    r = s_format_make(kasubag, "LKIP/2026", LKIP__STATUS__CREATED, "ok");
    assert_int_equal(r->formats->n_formats, 5);
    assert_int_equal(r->formats->formats[0]->version, 2);
    assert_int_equal(r->formats->pk_version, 1);
    assert_int_equal(harness_sql_int(s_h,
                                     "SELECT count(*) FROM audit WHERE command = 'format_make'"
                                     " AND status = 201",
                                     NULL),
                     1);
    s_stop_clean();
}

/* The statements the daemon has run so far, and its round trips to the database (an
 * administrator's ping: pong.load). */
static long long s_statements(actor_t *admin, long long *round_trips)
{
    snprintf(s_action, sizeof s_action, "ping as admin");
    Lkip__PingRequest body = LKIP__PING_REQUEST__INIT;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_PING;
    req.ping = &body;
    const Lkip__Reply *r = s_call(admin, &req, LKIP__STATUS__OK, "ok");
    assert_non_null(r->pong->load);
    *round_trips = (long long)r->pong->load->round_trips;
    return (long long)r->pong->load->statements;
}

/* label's CSV of n rows, with a budget on every third row. Caller frees. */
static char *s_rows_csv(const char *label, int n)
{
    strbuf_t sb = {0};
    strbuf_puts(&sb, "unit;sasaran;indikator;satuan;arah;target;realisasi;pagu;"
                     "realisasi_anggaran\n");
    for (int i = 1; i <= n; i++)
        strbuf_printf(&sb, "%s;%s;Indikator nomor %d;%%;%s;%d;%d,25;%s\n", label,
                      i == 5 ? "\"Sasaran \"\"lima\"\" \\ C:\\data\"" : "Sasaran", i,
                      i % 2 ? "naik" : "turun", 50 + i % 40, 40 + i % 50,
                      i % 3 ? ";" : "1.000.000;750.500");
    return strbuf_take(&sb);
}

/* A unit's data costs the same statements whatever its number of rows (one statement stores
 * the version and all its indicators), and every row is kept, in line order, cell for cell. */
static void test_submit_rows_in_one_statement(void **state)
{
    actor_t *admin = s_admin();
    s_lkip_to("2026", 4);
    char *one = s_rows_csv(s_units[0].label, 1), *many = s_rows_csv(s_units[1].label, 300);
    long long t0, t1, t2, t3;
    long long s0 = s_statements(admin, &t0);
    long long ping = s_statements(admin, &t1) - s0, ping_trips = t1 - t0; /* a ping's own */
    const Lkip__Reply *r = s_submit(&s_cast[s_units[0].who], "LKIP/2026", one, strlen(one),
                                    LKIP__STATUS__CREATED, "ok");
    assert_int_equal(r->submitted->rows, 1);
    long long s2 = s_statements(admin, &t2);
    r = s_submit(&s_cast[s_units[1].who], "LKIP/2026", many, strlen(many), LKIP__STATUS__CREATED,
                 "ok");
    assert_int_equal(r->submitted->rows, 300);
    long long s3 = s_statements(admin, &t3);
    long long s1 = s0 + ping;
    print_message("a submission: %lld statements in %lld round trips with 1 row, %lld in %lld"
                  " with 300\n",
                  s2 - s1 - ping, t2 - t1 - ping_trips, s3 - s2 - ping, t3 - t2 - ping_trips);
    assert_int_equal(s3 - s2, s2 - s1);
    assert_int_equal(t3 - t2, t2 - t1);
    /* alone in its batch, on the set path: its loads, then its writes with the COMMIT */
    assert_int_equal(t2 - t1 - ping_trips, 2);

    const char *last = "(SELECT max(id) FROM unit_data)";
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM indicators WHERE data_id = %s", last);
    assert_int_equal(harness_sql_int(s_h, sql, NULL), 300);
    /* ids follow the lines */
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM indicators a JOIN indicators b ON a.data_id = b.data_id"
             " AND a.id < b.id AND a.line > b.line WHERE a.data_id = %s",
             last);
    assert_int_equal(harness_sql_int(s_h, sql, NULL), 0);
    /* row 7 (line 8: the header is line 1), cell for cell; row 9 with its budget */
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM indicators WHERE data_id = %s AND line = 8 AND"
             " sasaran = 'Sasaran' AND indikator = 'Indikator nomor 7' AND satuan = '%%'"
             " AND direction = 'naik' AND target_lo = 57 AND target_hi = 57 AND realisasi = 47.25"
             " AND pagu IS NULL AND realisasi_anggaran IS NULL",
             last);
    assert_int_equal(harness_sql_int(s_h, sql, NULL), 1);
    /* quotes and backslashes kept as written */
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM indicators WHERE data_id = %s AND line = 6 AND"
             " sasaran = 'Sasaran \"lima\" \\ C:\\data'",
             last);
    assert_int_equal(harness_sql_int(s_h, sql, NULL), 1);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM indicators WHERE data_id = %s AND line = 10 AND"
             " direction = 'naik' AND pagu = 1000000 AND realisasi_anggaran = 750500",
             last);
    assert_int_equal(harness_sql_int(s_h, sql, NULL), 1);
    free(one);
    free(many);
}

static void test_xlsx_submit_and_refusals(void **state)
{
    actor_t *ikp = &s_cast[OP_IKP], *sta = &s_cast[OP_STATISTIK];
    s_pk_sample(2026, 1);
    s_lkip_to("2026", 4);   /* step 2 made the formats from the PK */
    s_lkip_to("2026-b", 4); /* another instance of the same year */
    pk_t *pk = s_sample_pk(2026);
    const Lkip__Reply *r = s_format_download(ikp, "LKIP/2026", "", LKIP__STATUS__OK, "ok");
    size_t len;
    uint8_t *filled = s_fill(r->formats, pk, s_ikp_csv, &len);
    r = s_format_download(ikp, "LKIP/2026-b", "", LKIP__STATUS__OK, "ok");
    size_t other_len;
    uint8_t *other_instance = s_fill(r->formats, pk, s_ikp_csv, &other_len);
    probe_t before;
    s_probe("LKIP", "2026", &before);

    /* another unit's workbook, and another instance's: both named, nothing stored */
    r = s_submit_named(sta, "LKIP/2026", "format-ikp.xlsx", filled, len, LKIP__STATUS__INVALID,
                       "other_unit");
    assert_non_null(strstr(r->message, "format unit IKP, bukan unit STATISTIK"));
    r = s_submit_named(ikp, "LKIP/2026", "format-ikp.xlsx", other_instance, other_len,
                       LKIP__STATUS__INVALID, "other_instance");
    assert_non_null(strstr(r->message, "LKIP/2026-b"));
    assert_non_null(strstr(r->message, "bukan untuk LKIP/2026"));

    /* a locked cell changed (the sheet unprotected and the target typed over) */
    pk_t *edited = s_sample_pk(2026);
    ((pk_indicator_t *)pk_find(edited, "IKP-01"))->target_lo = 75;
    ((pk_indicator_t *)pk_find(edited, "IKP-01"))->target_hi = 75;
    r = s_format_download(ikp, "LKIP/2026", "", LKIP__STATUS__OK, "ok");
    size_t tampered_len;
    uint8_t *tampered = s_fill(r->formats, edited, s_ikp_csv, &tampered_len);
    pk_destroy(&edited);
    r = s_submit_named(ikp, "LKIP/2026", "format-ikp.xlsx", tampered, tampered_len,
                       LKIP__STATUS__INVALID, "bad_data");
    s_assert_cell_error(r->submitted->errors, r->submitted->n_errors, "Data Kinerja!G6",
                        "locked_cell_changed", "\"75\", padahal nilai Perjanjian Kinerja \"80\"");
    free(tampered);

    /* a date where a number belongs, a word in the budget: every bad cell at once */
    r = s_format_download(ikp, "LKIP/2026", "", LKIP__STATUS__OK, "ok");
    unitfmt_info_t info;
    assert_int_equal(unitfmt_read_info(r->formats->content.data, r->formats->content.len, &info),
                     0);
    ts_hand_t hand = {.with_meta = true,
                      .instance_id = info.instance_id,
                      .instance_ref = info.instance_ref,
                      .format_id = info.format_id};
    size_t hand_len;
    uint8_t *by_hand = ts_format_by_hand(pk, &hand, &hand_len);
    unitfmt_info_clear(&info);
    r = s_submit_named(ikp, "LKIP/2026", "format-ikp.xlsx", by_hand, hand_len,
                       LKIP__STATUS__INVALID, "bad_data");
    s_assert_cell_error(r->submitted->errors, r->submitted->n_errors, "Data Kinerja!H6",
                        "date_not_number", "tanggal");
    s_assert_cell_error(r->submitted->errors, r->submitted->n_errors, "Data Kinerja!I6",
                        "bad_number", "satu milyar");
    assert_int_equal(r->submitted->n_errors, 2);
    free(by_hand);

    /* encrypted (saved by LibreOffice with a password), and not an XLSX at all */
    const char *src = getenv("LKIP_SRCDIR");
    char *path = xasprintf("%s/tests/fixtures/format-ikp-encrypted.xlsx", src ? src : ".");
    char *enc;
    size_t enc_len;
    assert_int_equal(read_file(path, 1024 * 1024, &enc, &enc_len), 0);
    free(path);
    r = s_submit_named(ikp, "LKIP/2026", "format-ikp.xlsx", enc, enc_len, LKIP__STATUS__INVALID,
                       "encrypted");
    assert_non_null(strstr(r->message, "kata sandi"));
    free(enc);
    static const char pdf[] = "%PDF-1.4 bukan buku kerja";
    s_submit_named(ikp, "LKIP/2026", "format-ikp.xlsx", pdf, sizeof pdf - 1, LKIP__STATUS__INVALID,
                   "not_xlsx");

    /* archives past the caps: one entry inflating to 80 MB, and 600 entries */
    char *zpath = xasprintf("%s/bomb.zip", harness_tmpdir(s_h));
    for (int kind = 0; kind < 2; kind++) {
        int err;
        zip_t *z = zip_open(zpath, ZIP_CREATE | ZIP_TRUNCATE, &err);
        assert_non_null(z);
        size_t size = kind == 0 ? 80u * 1024 * 1024 : 8;
        char *body = xmalloc(size);
        memset(body, ' ', size);
        for (int e = 0; e < (kind == 0 ? 1 : 600); e++) {
            char name[64];
            snprintf(name, sizeof name, "xl/worksheets/sheet%d.xml", e + 1);
            assert_true(
                zip_file_add(z, name, zip_source_buffer(z, body, size, 0), ZIP_FL_OVERWRITE) >= 0);
        }
        assert_int_equal(zip_close(z), 0);
        free(body);
        char *bomb;
        size_t bomb_len;
        assert_int_equal(read_file(zpath, 4 * 1024 * 1024, &bomb, &bomb_len), 0);
        s_submit_named(ikp, "LKIP/2026", "format-ikp.xlsx", bomb, bomb_len, LKIP__STATUS__TOO_LARGE,
                       kind == 0 ? "archive_too_large" : "too_many_entries");
        free(bomb);
    }
    free(zpath);

    /* every refusal above left the instance as it was, and each was audited */
    s_assert_unchanged("LKIP", "2026", &before);
    assert_true(s_audits("op.ikp", "submit", 422, "bad_data", "LKIP", "2026", 4) >= 2);
    assert_int_equal(s_audits("op.ikp", "submit", 413, "archive_too_large", "LKIP", "2026", 4), 1);

    /* the filled format itself is taken: the rows, their codes and the explanations */
    r = s_submit_named(ikp, "LKIP/2026", "format-ikp.xlsx", filled, len, LKIP__STATUS__CREATED,
                       "ok");
    assert_int_equal(r->submitted->rows, 2);
    assert_int_equal(r->submitted->version, 1);
    assert_true(r->submitted->format_id[0] == 'F');
    char *got = harness_sql(s_h,
                            "SELECT x.code || '|' || x.realisasi || '|' || x.faktor_penghambat"
                            " || '|' || d.format_id FROM indicators x JOIN unit_data d"
                            " ON d.id = x.data_id WHERE x.code = 'IKP-01'",
                            NULL);
    char want[200];
    snprintf(want, sizeof want, "IKP-01|84.2|Jaringan kelurahan belum merata|%s",
             r->submitted->format_id);
    assert_string_equal(got, want);
    free(got);
    /* a CSV with the kode and explanation columns works as well (STATISTIK, no kode: matched
     * by indikator) */
    int rows;
    char *csv = s_unit_csv("Bidang Statistik", &rows);
    s_submit(sta, "LKIP/2026", csv, strlen(csv), LKIP__STATUS__CREATED, "ok");
    free(csv);
    assert_int_equal(harness_sql_int(s_h,
                                     "SELECT count(*) FROM indicators WHERE code IN"
                                     " ('STA-01', 'STA-02')",
                                     NULL),
                     2);
    free(filled);
    free(other_instance);
    pk_destroy(&pk);
    assert_true(s_server_time(ikp) > 0); /* the daemon still serves */
    s_stop_clean();
}

/* Walks LKIP/period to its end; IKP sends ikp_csv, the other units the sample, except the units
 * in skip (closed as missing by the staf). */
static void s_lkip_year(const char *period, const char *ikp_csv, const char *skip)
{
    char ref[64];
    snprintf(ref, sizeof ref, "LKIP/%s", period);
    s_lkip_to(period, 4);
    for (int i = 0; i < N_UNITS; i++) {
        actor_t *op = &s_cast[s_units[i].who];
        if (strstr(skip, op->unit))
            continue;
        int rows;
        char *csv = op == &s_cast[OP_IKP] ? xstrdup(ikp_csv) : s_unit_csv(s_units[i].label, &rows);
        s_submit(op, ref, csv, strlen(csv), LKIP__STATUS__CREATED, "ok");
        free(csv);
    }
    if (*skip)
        s_step(&s_cast[STAF], ref, 4, DONE, "", LKIP__STATUS__OK, "ok");
    s_lkip_to(period, 5);
}

#define NEAR(a, b) (fabs((a) - (b)) < 1e-9)

/* Two finished years (2024 without a PK, its rows carrying their kode; 2025 with the PK of
 * 2025, rows matched by indikator), then 2026 with the PK of 2026: the analysis of 2026
 * against numbers computed by hand. */
static void test_analysis_over_finished_years(void **state)
{
    /* 2024: no PK; IKP's CSV names its codes */
    static const char ikp_2024[] =
        "kode;sasaran;indikator;satuan;arah;target;realisasi\n"
        "IKP-01;Keterbukaan;Indeks Keterbukaan Informasi Publik;indeks;naik;75;76\n"
        "IKP-02;Keterbukaan;Persentase informasi publik yang dipublikasikan;%;naik;90;88\n";
    s_lkip_year("2024", ikp_2024, "");
    s_lkip_to("2024", 0);
    /* 2025: the PK of 2025; rows without kode, matched by indikator */
    s_pk_sample(2025, 1);
    static const char ikp_2025[] =
        "sasaran;indikator;satuan;arah;target;realisasi\n"
        "Keterbukaan;Indeks Keterbukaan Informasi Publik;indeks;naik;77;79,5\n"
        "Keterbukaan;Persentase informasi publik yang dipublikasikan;%;naik;95;94\n";
    s_lkip_year("2025", ikp_2025, "");
    s_lkip_to("2025", 0);
    /* 2026: the PK of 2026; IKP returns its format, STATISTIK sends nothing */
    s_pk_sample(2026, 1);
    s_lkip_to("2026", 4);
    pk_t *pk = s_sample_pk(2026);
    const Lkip__Reply *r =
        s_format_download(&s_cast[OP_IKP], "LKIP/2026", "", LKIP__STATUS__OK, "ok");
    size_t len;
    uint8_t *filled = s_fill(r->formats, pk, s_ikp_csv, &len);
    s_submit_named(&s_cast[OP_IKP], "LKIP/2026", "format-ikp.xlsx", filled, len,
                   LKIP__STATUS__CREATED, "ok");
    free(filled);
    pk_destroy(&pk);
    s_lkip_year("2026", s_ikp_csv, "STATISTIK, IKP"); /* the others, then the staf closes */
    /* closed with a unit missing: the staf is the actor, not the step itself (issue 9) */
    const Lkip__InstanceStatus *st = s_status(&s_cast[KASUBAG], "LKIP/2026");
    const Lkip__StepRun *collect = NULL;
    for (size_t i = 0; i < st->n_runs; i++)
        if (st->runs[i]->step_no == 4)
            collect = st->runs[i];
    assert_non_null(collect);
    assert_string_equal(collect->outcome, "closed");
    assert_string_equal(collect->finished_by, "staf");
    assert_false(collect->automatic);

    const Lkip__CapaianReply *c = s_capaian(&s_cast[KASUBAG], "LKIP/2026", true);
    assert_int_equal(c->year, 2026);
    assert_int_equal(c->pk_version, 1);
    assert_int_equal(c->n_indicators, 11);
    const Lkip__IndicatorResult *x = NULL;
    for (size_t i = 0; i < c->n_indicators; i++)
        if (strcmp(c->indicators[i]->code, "IKP-01") == 0)
            x = c->indicators[i];
    assert_non_null(x);
    /* 84,2 against 80: 105,25%; serapan 1.134,5 / 1.200 juta; efisiensi (1 - serapan/capaian) */
    assert_true(x->submitted && x->rated && NEAR(x->capaian, 84.2 * 100 / 80));
    assert_string_equal(x->rating, "Sangat Tinggi");
    double serapan = 1134500000.0 * 100 / 1200000000.0;
    assert_true(x->serapan_rated && NEAR(x->serapan, serapan));
    assert_true(x->efisiensi_rated && NEAR(x->efisiensi, (1 - serapan / (84.2 * 100 / 80)) * 100));
    assert_string_equal(x->faktor_penghambat, "Jaringan kelurahan belum merata");
    /* the Renstra: 80 this year, 86 in 2029, progress 84,2 / 86 */
    assert_true(x->has_renstra_target && NEAR(x->renstra_target, 80));
    assert_true(x->has_renstra_final && NEAR(x->renstra_final, 86));
    assert_int_equal(x->renstra_last, 2029);
    assert_true(x->progress_rated && NEAR(x->progress, 84.2 * 100 / 86));
    /* the earlier years: the finished LKIPs win over the PK's baseline and realisasi_2025 */
    assert_int_equal(x->n_history, 2);
    assert_int_equal(x->history[0]->year, 2024);
    assert_string_equal(x->history[0]->source, "LKIP");
    assert_true(NEAR(x->history[0]->realisasi, 76) && NEAR(x->history[0]->target, 75));
    assert_true(x->history[0]->rated && NEAR(x->history[0]->capaian, 76.0 * 100 / 75));
    assert_int_equal(x->history[1]->year, 2025);
    assert_string_equal(x->history[1]->source, "LKIP");
    assert_true(NEAR(x->history[1]->realisasi, 79.5));
    assert_true(NEAR(x->history[1]->capaian, 79.5 * 100 / 77));
    /* an indicator whose unit sends nothing this year */
    for (size_t i = 0; i < c->n_indicators; i++)
        if (strcmp(c->indicators[i]->code, "STA-01") == 0)
            x = c->indicators[i];
    assert_false(x->submitted);
    /* 2024's rows had no kode and no PK to match them: the baseline; 2025's were matched */
    assert_string_equal(x->history[0]->source, "baseline");
    assert_true(NEAR(x->history[0]->realisasi, 55));
    assert_string_equal(x->history[1]->source, "LKIP");
    assert_true(NEAR(x->history[1]->realisasi, 78.5));
    /* who sent nothing; the units' summaries */
    assert_int_equal(c->n_missing_units, 1);
    assert_string_equal(c->missing_units[0], "STATISTIK");
    for (size_t i = 0; i < c->n_units; i++)
        if (strcmp(c->units[i]->key, "STATISTIK") == 0)
            assert_false(c->units[i]->submitted);
        else
            assert_true(c->units[i]->submitted && c->units[i]->average_rated);
    assert_true(c->n_sasaran == 5);
    /* the analysis workbook came along, with its chart */
    assert_true(c->xlsx.len > 0);
    xlsx_t *book;
    const char *code;
    char *why;
    assert_int_equal(xlsx_open(c->xlsx.data, c->xlsx.len, NULL, &book, &code, &why), 0);
    assert_string_equal(xlsx_sheet_name(book, 2), "Grafik");
    xlsx_destroy(&book);
    char *chart = ts_zip_part(c->xlsx.data, c->xlsx.len, "xl/charts/chart1.xml");
    assert_non_null(strstr(chart, "<c:barChart>"));
    free(chart);
    s_stop_clean();
}

/* A numbering step takes the set path: alone in its batch it costs what any step costs there
 * (its loads, then its writes with the COMMIT), and several in one batch get consecutive
 * numbers. When another transaction numbers a letter of the same organisation after the set
 * path read the sequence, the set path's write finds it moved: the batch runs again the
 * ordinary way and numbers after the other one, no number given twice. */
static void test_batch_letter_numbers(void **state)
{
    actor_t *admin = s_admin();
    actor_t *staf = &s_cast[STAF], *kasubag = &s_cast[KASUBAG];
    static const char *const periods[] = {"nomor-1", "nomor-2", "nomor-3", "nomor-4"};
    for (int i = 0; i < 4; i++)
        s_cuti_to(periods[i], 4, staf, kasubag);

    /* alone in its batch: two round trips, as a step without a letter */
    long long t0, t1, t2;
    (void)s_statements(admin, &t0);
    (void)s_statements(admin, &t1);
    long long ping_trips = t1 - t0;
    const Lkip__Reply *r = s_step(kasubag, "CUTI/nomor-1", 4, DONE, "", LKIP__STATUS__OK, "ok");
    assert_int_equal(s_assert_letter("nomor-1", r->instances->instances[0]->letter_number), 1);
    (void)s_statements(admin, &t2); /* (the reply r is gone now) */
    assert_int_equal(t2 - t1 - ping_trips, 2);
    assert_int_equal(s_current("CUTI", "nomor-1"), 5);

    /* two sent together: the next two numbers, one each */
    int before = s_n_raw;
    void *sk = s_raw_open(kasubag, s_d1);
    flight_t f[2];
    s_flight_step(&f[0], sk, "CUTI/nomor-2", 4, DONE);
    s_flight_step(&f[1], sk, "CUTI/nomor-3", 4, DONE);
    s_fly(f, 2);
    int seqs = 0;
    for (int i = 0; i < 2; i++) {
        s_assert_reply(&f[i], LKIP__STATUS__OK, "ok");
        seqs |= 1 << s_assert_letter(periods[i + 1],
                                     f[i].reply->reply->instances->instances[0]->letter_number);
    }
    assert_int_equal(seqs, (1 << 2) | (1 << 3));
    assert_int_equal(s_last_letter_seq(), 3);
    s_flights_free(f, 2);

    /* another transaction numbers letter 4 and holds its lock: the set path read 3, waits at
     * its write, finds 4 once the other commits, and the batch runs again the ordinary way */
    PGconn *pg = PQconnectdb(harness_conninfo(s_h));
    assert_int_equal(PQstatus(pg), CONNECTION_OK);
    PQclear(PQexec(pg, "BEGIN"));
    PGresult *res = PQexec(pg, "UPDATE letter_sequences SET last_seq = last_seq + 1"
                               " WHERE last_seq = 3 RETURNING last_seq");
    assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
    assert_int_equal(PQntuples(res), 1);
    PQclear(res);
    flight_t g;
    s_flight_step(&g, sk, "CUTI/nomor-4", 4, DONE);
    s_raw_send(sk, g.frame, g.len);
    s_commit_once_waited(pg, "batch_letters_all", "the set path's letter sequences");
    g.reply = s_raw_recv(sk);
    s_assert_reply(&g, LKIP__STATUS__OK, "ok");
    assert_int_equal(
        s_assert_letter("nomor-4", g.reply->reply->instances->instances[0]->letter_number), 5);
    assert_int_equal(s_last_letter_seq(), 5);
    assert_int_equal(harness_daemon_log_count(s_d1, "a letter sequence moved since it was read"),
                     1);
    assert_int_equal(s_audits("kasubag", "step", 200, "ok", "CUTI", "nomor-4", 4), 1);
    s_flights_free(&g, 1);
    s_raw_close_from(before);
    s_stop_clean();
}

/* An SOP whose archive step takes a document of its own (the scanned, signed copy). */
static const char s_arsip_def[] = "code: ARSIPUJI\n"
                                  "nama: Uji arsip\n"
                                  "langkah:\n"
                                  "  - {no: 1, uraian: Menyusun berkas, pelaksana: staf,"
                                  " waktu: 1 hari, jenis: tugas, dokumen: wajib}\n"
                                  "  - {no: 2, uraian: Mengarsipkan berkas bertanda tangan,"
                                  " pelaksana: staf, waktu: 1 hari, jenis: arsip,"
                                  " dokumen: opsional}\n";

/* The archive of instance (sop, period) in the database: "version sha256 ref archiver", the
 * version read through archive_doc_id. Caller frees. */
static char *s_archive_row(const char *sop, const char *period)
{
    char *row = harness_sql(s_h,
                            "SELECT d.version || ' ' || i.archive_sha256 || ' ' || i.archive_ref"
                            " || ' ' || u.name FROM instances i"
                            " JOIN documents d ON d.id = i.archive_doc_id AND d.instance_id = i.id"
                            " JOIN users u ON u.id = i.archived_by"
                            " WHERE i.sop_code = $1 AND i.period = $2",
                            sop, period, NULL);
    assert_non_null(row);
    return row;
}

/* The archive step takes the set path (issue 12): the document it records (the newest upload,
 * else the newest version) is chosen in memory, the batch's own uploads included, and written
 * with the instance's step in one statement. Alone in its batch it costs two round trips, as
 * any step; an upload to the archive step and the step's completion sent together archive the
 * upload of the same batch. */
static void test_batch_archive(void **state)
{
    actor_t *admin = s_admin();
    actor_t *staf = &s_cast[STAF], *kasubag = &s_cast[KASUBAG];
    s_cuti_to("arsip-1", 5, staf, kasubag);
    char sha[65], want[256];
    s_sha256(s_small_doc, sizeof s_small_doc, sha);

    /* a paper-copy reference the checks refuse is refused as on the ordinary path */
    char long_ref[WIRE_MAX_TITLE + 2];
    memset(long_ref, 'a', sizeof long_ref - 1);
    long_ref[sizeof long_ref - 1] = '\0';
    s_step_ref(staf, "CUTI/arsip-1", 5, DONE, "", long_ref, LKIP__STATUS__TOO_LARGE,
               "field_too_long");
    s_step_ref(staf, "CUTI/arsip-1", 5, DONE, "", "Lemari\n2", LKIP__STATUS__BAD_REQUEST,
               "bad_field");
    assert_int_equal(s_current("CUTI", "arsip-1"), 5);

    /* alone in its batch, with where the paper copy is kept */
    long long t0, t1, t2;
    (void)s_statements(admin, &t0);
    (void)s_statements(admin, &t1);
    long long ping_trips = t1 - t0;
    const Lkip__Reply *r =
        s_step_ref(staf, "CUTI/arsip-1", 5, DONE, "", "Lemari 2, map 7", LKIP__STATUS__OK, "ok");
    const Lkip__InstanceStatus *st = r->instances->instances[0];
    assert_string_equal(st->state, "done");
    assert_int_equal(st->archive_version, 1);
    assert_string_equal(st->archive_sha256, sha);
    assert_string_equal(st->archive_ref, "Lemari 2, map 7");
    (void)s_statements(admin, &t2); /* (the reply r is gone now) */
    assert_int_equal(t2 - t1 - ping_trips, 2);
    char *row = s_archive_row("CUTI", "arsip-1");
    snprintf(want, sizeof want, "1 %s Lemari 2, map 7 staf", sha);
    assert_string_equal(row, want);
    free(row);
    snprintf(want, sizeof want, "archived=v1 sha256=%s", sha);
    assert_int_equal(harness_sql_int(s_h,
                                     "SELECT count(*) FROM audit WHERE command = 'step'"
                                     " AND status = 200 AND position($1 in detail) > 0",
                                     want, NULL),
                     1);

    /* the signed copy uploaded to the archive step and the step done, sent together while the
     * worker waits on another instance's lock: one batch archives the upload it stores */
    harness_load_sop(admin->c, "arsip-uji.yaml", s_arsip_def);
    s_start(staf, "ARSIPUJI", "arsip-2", "Berkas uji", LKIP__STATUS__CREATED, "ok");
    s_upload(staf, "ARSIPUJI/arsip-2", 1, "berkas.pdf", s_small_doc, sizeof s_small_doc,
             LKIP__STATUS__CREATED, "ok");
    s_step(staf, "ARSIPUJI/arsip-2", 1, DONE, "", LKIP__STATUS__OK, "ok");
    s_cuti_to("arsip-3", 4, staf, kasubag);

    PGconn *pg = s_hold_instance("arsip-3");
    int before = s_n_raw;
    void *sk = s_raw_open(staf, s_d1), *sk_kasubag = s_raw_open(kasubag, s_d1);
    (void)s_statements(admin, &t1);
    static const char signed_copy[] = "berkas bertanda tangan, dipindai";
    char signed_sha[65];
    s_sha256(signed_copy, sizeof signed_copy, signed_sha);
    flight_t f[3];
    s_flight_step(&f[0], sk_kasubag, "CUTI/arsip-3", 4, DONE); /* waits on the lock */
    s_raw_send(sk_kasubag, f[0].frame, f[0].len);
    s_await_lock_wait("FOR UPDATE OF i", "the batch before");
    s_flight_upload_doc(&f[1], sk, "ARSIPUJI/arsip-2", 2, "ttd.pdf", signed_copy,
                        sizeof signed_copy);
    s_flight_step(&f[2], sk, "ARSIPUJI/arsip-2", 2, DONE);
    s_raw_send(sk, f[1].frame, f[1].len);
    s_raw_send(sk, f[2].frame, f[2].len);
    /* time for the socket thread to read both while the worker waits (not a timing check: the
     * round trips below say whether they ran together) */
    struct timespec ts = {0, 200 * 1000000};
    nanosleep(&ts, NULL);
    s_commit_close(pg);
    for (int i = 0; i < 3; i++)
        f[i].reply = s_raw_recv(f[i].sock);
    s_assert_reply(&f[0], LKIP__STATUS__OK, "ok");
    s_assert_reply(&f[1], LKIP__STATUS__CREATED, "ok");
    s_assert_reply(&f[2], LKIP__STATUS__OK, "ok");
    st = f[2].reply->reply->instances->instances[0];
    assert_int_equal(st->archive_version, 2);
    assert_string_equal(st->archive_sha256, signed_sha);
    assert_string_equal(st->archive_ref, "");
    (void)s_statements(admin, &t2);
    assert_int_equal(t2 - t1 - ping_trips, 4); /* two batches of two round trips */
    row = s_archive_row("ARSIPUJI", "arsip-2");
    snprintf(want, sizeof want, "2 %s  staf", signed_sha);
    assert_string_equal(row, want);
    free(row);
    assert_int_equal(harness_daemon_log_count(s_d1, "after the set path answered"), 0);
    s_flights_free(f, 3);
    s_raw_close_from(before);
    s_stop_clean();
}

/* The fan-out (step 3 of LKIP) takes the set path (issue 12): the organisation's active units
 * are read with the batch, and the units' tasks with their first timers are written in one
 * statement. Alone in its batch it costs two round trips, as any step; each unit gets its task
 * and its event naming its format. A unit's data sent in the same batch as the fan-out goes to
 * the ordinary path after it, which finds the task just opened. */
static void test_batch_fanout(void **state)
{
    actor_t *admin = s_admin();
    actor_t *kasubag = &s_cast[KASUBAG];
    s_pk_sample(2026, 1); /* the formats of LKIP/2026 (the other periods have none) */
    s_lkip_to("2026", 3);
    s_lkip_to("sebar-0", 3);
    s_lkip_to("sebar-2", 3);
    s_watch("LKIP", "2026");
    for (int i = FIRST_OP; i < CAST; i++)
        s_subscribe(&s_cast[i]);
    char id[24];
    s_instance_id("LKIP", "2026", id);
    assert_int_equal(harness_sql_int(s_h,
                                     "SELECT count(*) FROM unit_formats WHERE instance_id ="
                                     " $1::bigint",
                                     id, NULL),
                     N_UNITS);

    long long t0, t1, t2;
    (void)s_statements(admin, &t0);
    (void)s_statements(admin, &t1);
    long long ping_trips = t1 - t0;
    s_step(kasubag, "LKIP/2026", 3, DONE, "Isi formatnya", LKIP__STATUS__OK, "ok");
    (void)s_statements(admin, &t2);
    assert_int_equal(t2 - t1 - ping_trips, 2);
    s_expect_events("op.*=unit_task_assigned:3");
    for (int i = FIRST_OP; i < CAST; i++) {
        const Lkip__Event *e = s_newest(&s_cast[i]);
        assert_string_equal(e->unit_code, s_cast[i].unit);
        assert_string_equal(e->text, "Isi formatnya");
        char want[64];
        snprintf(want, sizeof want, "format-LKIP-2026-%s.xlsx", s_cast[i].unit);
        assert_string_equal(e->file_name, want);
    }
    /* a task for every unit, due with the collecting step, each with its first timer */
    assert_int_equal(harness_sql_int(s_h,
                                     "SELECT count(*) FROM unit_tasks t JOIN step_runs r"
                                     " ON r.instance_id = t.instance_id AND r.step_no = 4"
                                     " AND r.state = 'active' AND r.due_at = t.due_at"
                                     " WHERE t.instance_id = $1::bigint AND t.state = 'open'"
                                     " AND t.unit_role = 'operator_unit'",
                                     id, NULL),
                     N_UNITS);
    assert_int_equal(harness_sql_int(s_h,
                                     "SELECT count(*) FROM timers m JOIN unit_tasks t"
                                     " ON t.id = m.unit_task_id AND t.instance_id = m.instance_id"
                                     " WHERE t.instance_id = $1::bigint AND m.fired_at IS NULL",
                                     id, NULL),
                     N_UNITS);

    /* the fan-out and a unit's data sent together while the worker waits on another instance's
     * lock: one batch; the data follows the fan-out on the ordinary path */
    PGconn *pg = s_hold_instance("sebar-0");
    int before = s_n_raw;
    actor_t *op = &s_cast[s_units[0].who];
    void *sk_op = s_raw_open(op, s_d1), *sk_kasubag = s_raw_open(kasubag, s_d1);
    int rows;
    char *csv = s_unit_csv(s_units[0].label, &rows);
    flight_t f[3];
    s_flight_step(&f[0], sk_kasubag, "LKIP/sebar-0", 3, DONE); /* waits on the lock */
    s_raw_send(sk_kasubag, f[0].frame, f[0].len);
    s_await_lock_wait("FOR UPDATE OF i", "the batch before");
    s_flight_step(&f[1], sk_kasubag, "LKIP/sebar-2", 3, DONE);
    s_flight_submit(&f[2], sk_op, "LKIP/sebar-2", csv);
    s_raw_send(sk_kasubag, f[1].frame, f[1].len);
    struct timespec ts = {0, 100 * 1000000}; /* the fan-out first (not a timing check) */
    nanosleep(&ts, NULL);
    s_raw_send(sk_op, f[2].frame, f[2].len);
    nanosleep(&ts, NULL);
    s_commit_close(pg);
    for (int i = 0; i < 3; i++)
        f[i].reply = s_raw_recv(f[i].sock);
    s_assert_reply(&f[0], LKIP__STATUS__OK, "ok");
    s_assert_reply(&f[1], LKIP__STATUS__OK, "ok");
    s_assert_reply(&f[2], LKIP__STATUS__CREATED, "ok");
    s_instance_id("LKIP", "sebar-2", id);
    assert_int_equal(harness_sql_int(s_h,
                                     "SELECT count(*) FROM unit_tasks WHERE instance_id ="
                                     " $1::bigint AND state = 'submitted' AND version = 1",
                                     id, NULL),
                     1);
    assert_int_equal(harness_sql_int(s_h,
                                     "SELECT count(*) FROM unit_tasks WHERE instance_id ="
                                     " $1::bigint AND state = 'open'",
                                     id, NULL),
                     N_UNITS - 1);
    free(csv);
    s_flights_free(f, 3);
    s_raw_close_from(before);
    s_stop_clean();
}

/* ================================================================================================
 * 9. A failure while a verdict is applied is answered by the handler, and nothing stays behind
 * ============================================================================================= */

static void test_apply_failures_answered_state_unchanged(void **state)
{
    const char *ref = "CUTI/rusak";
    actor_t *kasubag = &s_cast[KASUBAG];
    s_cuti_to("rusak", 4, &s_cast[STAF], kasubag);
    probe_t before;
    s_probe("CUTI", "rusak", &before);

    /* a letter template the admin could not have saved (set behind lkipd's back): flow refuses
     * to number with it, after it took the next sequence number, which is given back */
    assert_int_equal(harness_sql_exec(s_h,
                                      "UPDATE organisations SET letter_template = '{kka}/{nomor}'"
                                      " WHERE code = 'DKIP'",
                                      NULL),
                     0);
    const Lkip__Reply *r =
        s_step(kasubag, ref, 4, DONE, "", LKIP__STATUS__CONFLICT, "bad_letter_template");
    assert_string_equal(r->message, "Format nomor surat organisasi \"{kka}/{nomor}\" tidak sah; "
                                    "minta administrator memperbaikinya");
    s_assert_unchanged("CUTI", "rusak", &before);
    assert_int_equal(harness_sql_int(s_h, "SELECT count(*) FROM letter_sequences", NULL), 0);
    assert_int_equal(s_audits("kasubag", "step", 409, "bad_letter_template", "CUTI", "rusak", 4),
                     1);
    assert_int_equal(harness_sql_exec(s_h,
                                      "UPDATE organisations SET letter_template = DEFAULT"
                                      " WHERE code = 'DKIP'",
                                      NULL),
                     0);

    /* the database refuses the next step's run: 500, the failure logged with what flow was
     * doing, the letter number and the finished run rolled back with the rest */
    assert_int_equal(harness_refuse_inserts(s_h, "step_runs"), 0);
    r = s_step(kasubag, ref, 4, DONE, "", LKIP__STATUS__INTERNAL, "internal");
    assert_string_equal(r->message, "Terjadi kesalahan pada server; permintaan tidak diproses");
    s_assert_unchanged("CUTI", "rusak", &before);
    assert_int_equal(harness_sql_int(s_h, "SELECT count(*) FROM letter_sequences", NULL), 0);
    assert_int_equal(s_audits("kasubag", "step", 500, "internal", "CUTI", "rusak", 4), 1);
    assert_int_equal(harness_daemon_log_count(s_d1, "open step: "), 1);
    assert_int_equal(harness_daemon_log_count(s_d1, "test: no new rows in step_runs"), 1);

    /* the trigger gone, the same command goes through: the daemon kept serving */
    assert_int_equal(harness_allow_inserts(s_h, "step_runs"), 0);
    s_step(kasubag, ref, 4, DONE, "", LKIP__STATUS__OK, "ok");
    assert_int_equal(s_current("CUTI", "rusak"), 5);
    assert_int_equal(harness_sql_int(s_h, "SELECT last_seq FROM letter_sequences", NULL), 1);
    s_stop_clean();
}

/* The units' formats cannot be stored: the step that makes them and `format make` are both
 * answered 500 from what formats returned, and nothing is left of either. */
static void test_format_failures_answered_state_unchanged(void **state)
{
    const char *ref = "LKIP/2026";
    actor_t *kasubag = &s_cast[KASUBAG];
    s_pk_sample(2026, 1);
    s_start(&s_cast[KADIS], "LKIP", "2026", "Susun LKIP", LKIP__STATUS__CREATED, "ok");
    probe_t before;
    s_probe("LKIP", "2026", &before);
    assert_int_equal(harness_refuse_inserts(s_h, "unit_formats"), 0);

    const Lkip__Reply *r = s_step(kasubag, ref, 2, DONE, "", LKIP__STATUS__INTERNAL, "internal");
    assert_string_equal(r->message, "Terjadi kesalahan pada server; permintaan tidak diproses");
    s_assert_unchanged("LKIP", "2026", &before);
    r = s_format_make(kasubag, ref, LKIP__STATUS__INTERNAL, "internal");
    assert_string_equal(r->message, "Terjadi kesalahan pada server; permintaan tidak diproses");
    assert_int_equal(r->payload_case, LKIP__REPLY__PAYLOAD__NOT_SET);
    s_assert_unchanged("LKIP", "2026", &before);
    assert_int_equal(harness_sql_int(s_h, "SELECT count(*) FROM unit_formats", NULL), 0);
    /* logged once for each of the two requests */
    assert_int_equal(harness_daemon_log_count(s_d1, "store unit format: "), 2);
    assert_int_equal(harness_daemon_log_count(s_d1, "test: no new rows in unit_formats"), 2);

    assert_int_equal(harness_allow_inserts(s_h, "unit_formats"), 0);
    r = s_format_make(kasubag, ref, LKIP__STATUS__CREATED, "ok");
    assert_int_equal(r->formats->n_formats, 5);
    s_step(kasubag, ref, 2, DONE, "", LKIP__STATUS__OK, "ok");
    assert_int_equal(s_current("LKIP", "2026"), 3);
    s_stop_clean();
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_full_lkip_round, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_wrong_role_refused_state_unchanged, s_setup,
                                        s_teardown),
        cmocka_unit_test_setup_teardown(test_step_refusals, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_done_one_daemon, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_done_two_daemons, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_letter_numbers, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_batch_order_and_refusal, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_batch_submissions, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_batch_uploads, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_batch_deferred_failure, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_batch_duplicate_request, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_batch_request_id_stored_meanwhile, s_setup,
                                        s_teardown),
        cmocka_unit_test_setup_teardown(test_batch_letter_numbers, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_batch_archive, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_batch_fanout, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_bad_csv_refused_cell_by_cell, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_cuti_runs_with_return, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_malformed_and_oversize_inputs, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_pk_import_show_export, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_formats_made_delivered_downloaded, s_setup,
                                        s_teardown),
        cmocka_unit_test_setup_teardown(test_xlsx_submit_and_refusals, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_submit_rows_in_one_statement, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_analysis_over_finished_years, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_apply_failures_answered_state_unchanged, s_setup,
                                        s_teardown),
        cmocka_unit_test_setup_teardown(test_format_failures_answered_state_unchanged, s_setup,
                                        s_teardown),
    };
    harness_test_filter();
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    return failed;
}
