/* lkip-bench — how fast lkip is, measured against the same machine's physical limit in one run.
 *
 * On a private PostgreSQL (scripts/bench.sh starts it with synchronous_commit and fsync on) and
 * a real lkipd, over CURVE:
 *   0. warm-up (5 s, not measured): the first load after a start runs on cold caches and on plans
 *      made for empty tables; the phases below all start warm, so that they compare;
 *   1. load: K organisations, each with its actors and U unit operators, run whole LKIP rounds
 *      concurrently (start, fan-out, unit submissions, documents, decisions, numbering,
 *      archive) from D driver threads; every actor is also subscribed to its events. Reported:
 *      step completions/s, request latency p50/p99, notification latency (queued in the
 *      committing transaction -> received by the next actor) p50/p99;
 *   2. half load: the same at half the rate measured, for the notification latency target;
 *   3. pgbench on the same cluster, with one step completion's write set per transaction at the
 *      same concurrency: the ratio of lkip's completions/s to pgbench's TPS;
 *   4. scale: N idle subscribed clients (10,000), each with the heartbeats and keepalives of
 *      `lkip watch`: the CPU they cost with no load (lkipd, PostgreSQL, their own processes),
 *      then the load again with them, then once more without them, twice (--idle-pairs); RSS.
 *      They stand for their users' computers and run at nice 19 (--idle-nice): on the bench's
 *      cores they get what lkipd, PostgreSQL and the drivers leave;
 *   5. catch-up: a client that missed 10,000 events reconnects; time to replay them all.
 * Beside each load phase: SQL statements and commits per step completion, from
 * pg_stat_statements (the statements clients send, transaction commands included; not the
 * foreign key checks and other statements run inside them) and pg_stat_database (the
 * database's commits), differences over the phase.
 * Beside the notification latency: the "hop", one CURVE message between two threads of the bench
 * in the same window (s_floor), what no notification can beat on this machine at that moment.
 * Prints a table and writes JSON to bench/results/. */
#include "../tests/harness/harness.h"
#include "config.h"
#include "lkipc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#define UNITS       5
#define MAX_ORGS    16
#define MAX_DRIVERS 64
#define MAX_SAMPLES (1 << 20)

static const char *const s_unit_codes[UNITS] = {"SEKRETARIAT", "IKP", "APTIKA", "PERSANDIAN",
                                                "STATISTIK"};
static const char *const s_unit_names[UNITS] = {
    "Sekretariat", "Bidang Informasi dan Komunikasi Publik", "Bidang Aplikasi Informatika",
    "Bidang Persandian dan Keamanan Informasi", "Bidang Statistik"};
/* one unit's data, in the form the bidang export it */
static const char *const s_unit_csv[UNITS] = {
    "unit;sasaran;indikator;satuan;arah;target;realisasi\n"
    "Sekretariat;Akuntabilitas;Nilai SAKIP Perangkat Daerah;nilai;naik;70;68,5\n",
    "unit;sasaran;indikator;satuan;arah;target;realisasi\n"
    "Bidang IKP;Keterbukaan;Indeks Keterbukaan Informasi Publik;indeks;naik;80;84,2\n",
    "unit;sasaran;indikator;satuan;arah;target;realisasi\n"
    "Bidang Aplikasi Informatika;SPBE;Jumlah gangguan layanan jaringan;kejadian;turun;12;9\n",
    "unit;sasaran;indikator;satuan;arah;target;realisasi\n"
    "Bidang Persandian dan Keamanan Informasi;Keamanan;Persentase OPD bersertifikat;%;naik;75;"
    "81\n",
    "unit;sasaran;indikator;satuan;arah;target;realisasi\n"
    "Bidang Statistik;Data;Indeks Pembangunan Statistik Sektoral;indeks;naik;2,5;2,61\n",
};

enum { KADIS, SEKRETARIS, KASUBAG, STAF, ROLES };
static const char *const s_roles[ROLES] = {"kepala_dinas", "sekretaris", "kasubag_perencanaan",
                                           "staf"};

typedef struct {
    int orgs, units, drivers, warmup_s, load_s, half_s, pgbench_s, quiet_s, scale_clients,
        idle_nice, idle_pairs, catchup_events, workers;
    const char *out_dir;
    bool compare_round;
} opts_t;

/* A growing sample set, one per thread (no locks on the hot path). */
typedef struct {
    int64_t *v;
    size_t n, cap;
} samples_t;

static void s_sample(samples_t *s, int64_t v)
{
    if (s->n == s->cap) {
        if (s->cap >= MAX_SAMPLES)
            return;
        s->cap = s->cap ? s->cap * 2 : 4096;
        s->v = xrealloc(s->v, s->cap * sizeof *s->v);
    }
    s->v[s->n++] = v;
}

static int s_cmp64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* Percentile p (0..100) of the merged samples, in the samples' unit. */
static double s_percentile(samples_t *all, double p)
{
    if (all->n == 0)
        return 0;
    qsort(all->v, all->n, sizeof *all->v, s_cmp64);
    size_t i = (size_t)(p / 100.0 * (double)(all->n - 1) + 0.5);
    return (double)all->v[i];
}

static int64_t s_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* ---- the world: organisations and their users --------------------------------------------- */

typedef struct {
    char code[24]; /* DKIP or BENCHnn (room for any int: no truncation warning) */
    keypair_t actor[ROLES];
    keypair_t op[UNITS];
} org_t;

static harness_t *s_h;
static harness_daemon_t *s_d;
static void *s_zctx;
static org_t s_orgs[MAX_ORGS];
static keypair_t s_admin_key; /* asks lkipd for its load (pong.load) around each phase */
static lkipc_t *s_admin;

static int s_insert_user(int64_t org_id, const char *name, const char *role, const char *unit,
                         keypair_t *kp)
{
    if (zmq_curve_keypair(kp->public_key, kp->secret_key) != 0)
        return -1;
    char org[24];
    snprintf(org, sizeof org, "%lld", (long long)org_id);
    return harness_sql_exec(s_h,
                            "INSERT INTO users (org_id, name, full_name, role, unit_id, public_key)"
                            " VALUES ($1::bigint, $2, $2, $3,"
                            " (SELECT id FROM units WHERE org_id = $1::bigint AND code = $4), $5)",
                            org, name, role, unit ? unit : "", kp->public_key, NULL);
}

/* Organisation 0 is the seeded DKIP; the others are made like it. */
static int s_make_world(const opts_t *o)
{
    for (int k = 0; k < o->orgs; k++) {
        org_t *org = &s_orgs[k];
        if (k == 0)
            snprintf(org->code, sizeof org->code, "DKIP");
        else
            snprintf(org->code, sizeof org->code, "BENCH%02d", k);
        if (k > 0 &&
            (harness_sql_exec(s_h,
                              "INSERT INTO organisations (code, name, letter_kka) VALUES ($1,"
                              " 'Organisasi uji beban ' || $1, '050')",
                              org->code, NULL) != 0))
            return -1;
        char *id_text =
            harness_sql(s_h, "SELECT id FROM organisations WHERE code = $1", org->code, NULL);
        int64_t id = id_text ? strtoll(id_text, NULL, 10) : 0;
        free(id_text);
        for (int u = 0; k > 0 && u < UNITS; u++) {
            char org_id[24];
            snprintf(org_id, sizeof org_id, "%lld", (long long)id);
            if (harness_sql_exec(s_h,
                                 "INSERT INTO units (org_id, code, name) VALUES ($1::bigint, $2,"
                                 " $3)",
                                 org_id, s_unit_codes[u], s_unit_names[u], NULL) != 0)
                return -1;
        }
        for (int r = 0; r < ROLES; r++) {
            char name[64];
            snprintf(name, sizeof name, "b%d.%s", k, s_roles[r]);
            if (s_insert_user(id, name, s_roles[r], NULL, &org->actor[r]) != 0)
                return -1;
        }
        for (int u = 0; u < o->units; u++) {
            char name[64];
            snprintf(name, sizeof name, "b%d.op%d", k, u);
            for (char *c = name; *c; c++)
                *c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
            if (s_insert_user(id, name, "operator_unit", s_unit_codes[u], &org->op[u]) != 0)
                return -1;
        }
    }
    char *dkip = harness_sql(s_h, "SELECT id FROM organisations WHERE code = 'DKIP'", NULL);
    int64_t dkip_id = dkip ? strtoll(dkip, NULL, 10) : 0;
    free(dkip);
    if (s_insert_user(dkip_id, "b.admin", "admin", NULL, &s_admin_key) != 0)
        return -1;
    /* only the bench's units take part: the rest are disabled */
    char units[8];
    snprintf(units, sizeof units, "%d", o->units);
    return harness_sql_exec(s_h,
                            "UPDATE units SET disabled = true WHERE code <> ALL ((ARRAY["
                            "'SEKRETARIAT','IKP','APTIKA','PERSANDIAN','STATISTIK'])[1:$1::int])",
                            units, NULL);
}

static lkipc_t *s_connect(const keypair_t *kp, int timeout_ms)
{
    lkipc_opts_t o = {.endpoint = harness_daemon_endpoint(s_d),
                      .server_key = harness_server_public_key(s_h),
                      .keys = kp,
                      .timeout_ms = timeout_ms,
                      .attempts = 5,
                      .context = s_zctx};
    return lkipc_new(&o);
}

/* ---- the load: drivers -------------------------------------------------------------------- */

static atomic_bool s_running;
static atomic_long s_completions; /* accepted start/step/submit */
static atomic_long s_changes;     /* ... plus uploads */
static atomic_long s_errors;
static atomic_long s_rounds;
static double s_rate_per_driver; /* requests per second per driver; 0: unlimited */

typedef struct {
    int id;
    org_t *org;
    int units;
    lkipc_t *actor[ROLES];
    lkipc_t *op[UNITS];
    samples_t latency; /* request round trips, microseconds */
    int round;
    int64_t next_at_us; /* rate limiting */
} driver_t;

static void s_pace(driver_t *d)
{
    if (s_rate_per_driver <= 0)
        return;
    int64_t gap = (int64_t)(1e6 / s_rate_per_driver);
    int64_t now = s_now_us();
    if (d->next_at_us > now) {
        struct timespec ts = {(d->next_at_us - now) / 1000000,
                              ((d->next_at_us - now) % 1000000) * 1000};
        nanosleep(&ts, NULL);
    }
    d->next_at_us = (d->next_at_us > now ? d->next_at_us : now) + gap;
}

/* One request; true when accepted. */
static bool s_call(driver_t *d, lkipc_t *c, Lkip__Envelope *req, bool completion)
{
    s_pace(d);
    req->request_id = 0;
    Lkip__Envelope *reply = NULL;
    int64_t t0 = s_now_us();
    lkipc_rc_t rc = lkipc_call(c, req, &reply);
    int64_t t1 = s_now_us();
    bool ok = rc == LKIPC_OK && reply->reply->status < 400;
    if (ok) {
        s_sample(&d->latency, t1 - t0);
        atomic_fetch_add(&s_changes, 1);
        if (completion)
            atomic_fetch_add(&s_completions, 1);
    } else {
        atomic_fetch_add(&s_errors, 1);
        if (atomic_load(&s_errors) < 5)
            fprintf(stderr, "bench: request failed: %s\n",
                    rc != LKIPC_OK ? lkipc_rc_text(rc) : reply->reply->message);
    }
    wire_free(&reply);
    return ok;
}

static bool s_step(driver_t *d, int role, const char *inst, int step, Lkip__StepAction action,
                   const char *note)
{
    Lkip__StepRequest body = LKIP__STEP_REQUEST__INIT;
    body.instance = (char *)inst;
    body.step_no = step;
    body.action = action;
    body.note = (char *)note;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_STEP;
    req.step = &body;
    return s_call(d, d->actor[role], &req, true);
}

static bool s_upload(driver_t *d, int role, const char *inst, int step)
{
    static uint8_t doc[2048];
    Lkip__UploadRequest body = LKIP__UPLOAD_REQUEST__INIT;
    body.instance = (char *)inst;
    body.step_no = step;
    body.file_name = "lkip.pdf";
    body.content.data = doc;
    body.content.len = sizeof doc;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_UPLOAD;
    req.upload = &body;
    return s_call(d, d->actor[role], &req, false);
}

/* One whole LKIP round; false as soon as a request fails. */
static bool s_round(driver_t *d)
{
    char period[32], inst[48];
    snprintf(period, sizeof period, "b%d-%d", d->id, d->round++);
    snprintf(inst, sizeof inst, "LKIP/%s", period);
    Lkip__StartRequest start = LKIP__START_REQUEST__INIT;
    start.sop_code = "LKIP";
    start.period = period;
    start.note = "Susun LKIP";
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_START;
    req.start = &start;
    if (!s_call(d, d->actor[KADIS], &req, true))
        return false;
    const Lkip__StepAction DONE = LKIP__STEP_ACTION__DONE, OK = LKIP__STEP_ACTION__APPROVE;
    if (!s_step(d, KASUBAG, inst, 2, DONE, "format") || !s_step(d, KASUBAG, inst, 3, DONE, ""))
        return false;
    for (int u = 0; u < d->units; u++) {
        Lkip__SubmitRequest sub = LKIP__SUBMIT_REQUEST__INIT;
        sub.instance = inst;
        sub.file_name = "data.csv";
        sub.content.data = (uint8_t *)s_unit_csv[u];
        sub.content.len = strlen(s_unit_csv[u]);
        Lkip__Envelope r = LKIP__ENVELOPE__INIT;
        r.body_case = LKIP__ENVELOPE__BODY_SUBMIT;
        r.submit = &sub;
        if (!s_call(d, d->op[u], &r, true))
            return false;
    }
    bool ok = s_upload(d, KASUBAG, inst, 5) && s_step(d, KASUBAG, inst, 5, DONE, "") &&
              s_upload(d, STAF, inst, 6) && s_step(d, STAF, inst, 6, DONE, "") &&
              s_step(d, SEKRETARIS, inst, 7, OK, "") && s_step(d, SEKRETARIS, inst, 8, DONE, "") &&
              s_step(d, KADIS, inst, 9, OK, "") && s_step(d, KASUBAG, inst, 10, DONE, "") &&
              s_step(d, STAF, inst, 11, DONE, "");
    if (ok)
        atomic_fetch_add(&s_rounds, 1);
    return ok;
}

static void *s_driver_main(void *arg)
{
    driver_t *d = arg;
    while (atomic_load(&s_running))
        if (!s_round(d))
            d->round++; /* a broken round is abandoned; the next gets a new period */
    return NULL;
}

/* ---- listeners: every actor subscribed, notification latency ------------------------------ */

typedef struct {
    int n;
    lkipc_t *conn[ROLES + UNITS];
    uint64_t last[ROLES + UNITS];
    samples_t latency;     /* queued -> received, microseconds, for assignments */
    samples_t from_commit; /* committed -> received, for those sent from their commit */
    long read_back;        /* assignments measured that were read from the outbox instead */
    long events;
    int keepalive_ms; /* how often its sessions are kept alive while no event comes */
    pthread_t thread;
} listener_t;

static atomic_bool s_listening;
static atomic_bool s_measure_notify;

static void s_ack(lkipc_t *c, uint64_t seq)
{
    Lkip__AckRequest ack = LKIP__ACK_REQUEST__INIT;
    ack.seq = seq;
    Lkip__Envelope env = LKIP__ENVELOPE__INIT;
    env.body_case = LKIP__ENVELOPE__BODY_ACK;
    env.ack = &ack;
    if (lkipc_send(c, &env) != 0)
        return; /* unacknowledged events come again */
}

/* Subscribes c from last; *keepalive_ms (when not NULL) gets how often the daemon wants an
 * acknowledgement from a silent client (SubscribeReply.keepalive_ms), when it is sooner. */
static bool s_subscribe(lkipc_t *c, uint64_t last, int *keepalive_ms)
{
    Lkip__SubscribeRequest body = LKIP__SUBSCRIBE_REQUEST__INIT;
    body.last_seq = last;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_SUBSCRIBE;
    req.subscribe = &body;
    Lkip__Envelope *reply = NULL;
    bool ok = lkipc_call(c, &req, &reply) == LKIPC_OK && reply->reply->status == 200;
    if (ok && keepalive_ms && reply->reply->payload_case == LKIP__REPLY__PAYLOAD_SUBSCRIBED) {
        int k = (int)reply->reply->subscribed->keepalive_ms;
        if (k > 0 && k < *keepalive_ms)
            *keepalive_ms = k;
    }
    wire_free(&reply);
    return ok;
}

static void *s_listener_main(void *arg)
{
    listener_t *l = arg;
    zmq_pollitem_t items[ROLES + UNITS];
    for (int i = 0; i < l->n; i++)
        items[i] = (zmq_pollitem_t){lkipc_zmq_socket(l->conn[i]), 0, ZMQ_POLLIN, 0};
    int64_t keepalive = monotonic_ms();
    while (atomic_load(&s_listening)) {
        /* like lkip watch: an acknowledgement as often as the daemon asked keeps the sessions
         * alive */
        if (monotonic_ms() - keepalive >= l->keepalive_ms) {
            for (int i = 0; i < l->n; i++)
                s_ack(l->conn[i], l->last[i]);
            keepalive = monotonic_ms();
        }
        if (zmq_poll(items, l->n, 100) <= 0)
            continue;
        for (int i = 0; i < l->n; i++) {
            if (!(items[i].revents & ZMQ_POLLIN))
                continue;
            Lkip__Envelope *ev = NULL;
            bool got = false;
            while (lkipc_next_event(l->conn[i], 0, &ev) == 1) {
                const Lkip__Event *e = ev->event;
                int64_t lat = s_now_us() - e->queued_us;
                if (e->seq > l->last[i]) {
                    l->last[i] = e->seq;
                    l->events++;
                    if (atomic_load(&s_measure_notify) &&
                        (strcmp(e->kind, "step_assigned") == 0 ||
                         strcmp(e->kind, "unit_task_assigned") == 0)) {
                        s_sample(&l->latency, lat);
                        if (e->committed_us)
                            s_sample(&l->from_commit, s_now_us() - e->committed_us);
                        else
                            l->read_back++;
                    }
                }
                got = true;
                wire_free(&ev);
            }
            if (got)
                s_ack(l->conn[i], l->last[i]);
        }
    }
    return NULL;
}

/* ---- the floor: one CURVE hop under the same load ----------------------------------------- */

/* What no notification can beat on this machine under the load of the moment: a message sent
 * every 2 ms from a ROUTER in a context of its own (as lkipd sends events) to a DEALER in the
 * listeners' context, over CURVE and TCP, received by a thread that polls like a listener.
 * Nothing of lkipd or PostgreSQL is on this path; what it measures is the encryption, the
 * sockets and the scheduling of two shared cores. */
typedef struct {
    void *ctx;    /* the sender's */
    void *router; /* bound, CURVE server */
    void *dealer; /* in s_zctx, CURVE client */
    pthread_t sender, receiver;
    atomic_bool run;
    atomic_bool measure;
    pthread_mutex_t lock;
    samples_t latency; /* sent -> received, microseconds */
} floor_t;

static floor_t s_floor;

static void *s_floor_send(void *arg)
{
    floor_t *f = arg;
    uint8_t id[256];
    int n = -1;
    zmq_pollitem_t item = {f->router, 0, ZMQ_POLLIN, 0};
    while (n < 0 && atomic_load(&f->run)) /* the dealer's hello: its identity */
        if (zmq_poll(&item, 1, 100) > 0) {
            char hello[8];
            n = zmq_recv(f->router, id, sizeof id, 0);
            if (n <= 0 || n > (int)sizeof id || zmq_recv(f->router, hello, sizeof hello, 0) < 0)
                return NULL;
        }
    while (n > 0 && atomic_load(&f->run)) {
        int64_t now = s_now_us();
        if (zmq_send(f->router, id, (size_t)n, ZMQ_SNDMORE) < 0 ||
            zmq_send(f->router, &now, sizeof now, 0) < 0)
            break;
        struct timespec ts = {0, 2000000};
        nanosleep(&ts, NULL);
    }
    return NULL;
}

static void *s_floor_receive(void *arg)
{
    floor_t *f = arg;
    zmq_pollitem_t item = {f->dealer, 0, ZMQ_POLLIN, 0};
    while (atomic_load(&f->run)) {
        if (zmq_poll(&item, 1, 100) <= 0)
            continue;
        int64_t sent;
        while (zmq_recv(f->dealer, &sent, sizeof sent, ZMQ_DONTWAIT) == (int)sizeof sent) {
            int64_t lat = s_now_us() - sent;
            if (!atomic_load(&f->measure))
                continue;
            pthread_mutex_lock(&f->lock);
            s_sample(&f->latency, lat);
            pthread_mutex_unlock(&f->lock);
        }
    }
    return NULL;
}

/* Starts the hop; false when it could not (the table then shows 0). */
static bool s_floor_start(floor_t *f)
{
    char server_pub[41], server_sec[41], client_pub[41], client_sec[41];
    if (zmq_curve_keypair(server_pub, server_sec) != 0 ||
        zmq_curve_keypair(client_pub, client_sec) != 0)
        return false;
    pthread_mutex_init(&f->lock, NULL);
    f->ctx = zmq_ctx_new();
    f->router = zmq_socket(f->ctx, ZMQ_ROUTER);
    f->dealer = zmq_socket(s_zctx, ZMQ_DEALER);
    int one = 1, zero = 0;
    char endpoint[64];
    size_t len = sizeof endpoint;
    bool ok = zmq_setsockopt(f->router, ZMQ_CURVE_SERVER, &one, sizeof one) == 0 &&
              zmq_setsockopt(f->router, ZMQ_CURVE_SECRETKEY, server_sec, 40) == 0 &&
              zmq_setsockopt(f->router, ZMQ_LINGER, &zero, sizeof zero) == 0 &&
              zmq_bind(f->router, "tcp://127.0.0.1:*") == 0 &&
              zmq_getsockopt(f->router, ZMQ_LAST_ENDPOINT, endpoint, &len) == 0 &&
              zmq_setsockopt(f->dealer, ZMQ_CURVE_SERVERKEY, server_pub, 40) == 0 &&
              zmq_setsockopt(f->dealer, ZMQ_CURVE_PUBLICKEY, client_pub, 40) == 0 &&
              zmq_setsockopt(f->dealer, ZMQ_CURVE_SECRETKEY, client_sec, 40) == 0 &&
              zmq_setsockopt(f->dealer, ZMQ_LINGER, &zero, sizeof zero) == 0 &&
              zmq_connect(f->dealer, endpoint) == 0 && zmq_send(f->dealer, "hi", 2, 0) == 2;
    if (!ok) {
        zmq_close(f->router);
        zmq_close(f->dealer);
        zmq_ctx_term(f->ctx);
        f->ctx = NULL;
        return false;
    }
    atomic_store(&f->run, true);
    pthread_create(&f->sender, NULL, s_floor_send, f);
    pthread_create(&f->receiver, NULL, s_floor_receive, f);
    return true;
}

static void s_floor_stop(floor_t *f)
{
    if (!f->ctx)
        return;
    atomic_store(&f->run, false);
    pthread_join(f->receiver, NULL);
    pthread_join(f->sender, NULL);
    zmq_close(f->dealer);
    zmq_close(f->router);
    zmq_ctx_term(f->ctx);
    f->ctx = NULL;
    free(f->latency.v);
    pthread_mutex_destroy(&f->lock);
}

/* Starts measuring the hop afresh. */
static void s_floor_begin(floor_t *f)
{
    pthread_mutex_lock(&f->lock);
    f->latency.n = 0;
    pthread_mutex_unlock(&f->lock);
    atomic_store(&f->measure, true);
}

/* Stops measuring; the hop's p50 and p99 in ms. */
static void s_floor_end(floor_t *f, double *p50, double *p99)
{
    atomic_store(&f->measure, false);
    *p50 = *p99 = 0;
    if (!f->ctx)
        return;
    pthread_mutex_lock(&f->lock);
    *p50 = s_percentile(&f->latency, 50) / 1000.0;
    *p99 = s_percentile(&f->latency, 99) / 1000.0;
    pthread_mutex_unlock(&f->lock);
}

/* ---- daemon process numbers ---------------------------------------------------------------- */

typedef struct {
    long rss_kb, hwm_kb;
    double cpu_s;
} proc_t;

static proc_t s_proc(pid_t pid)
{
    proc_t p = {0};
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    while (f && fgets(line, sizeof line, f)) {
        sscanf(line, "VmRSS: %ld", &p.rss_kb);
        sscanf(line, "VmHWM: %ld", &p.hwm_kb);
    }
    if (f)
        fclose(f);
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    f = fopen(path, "r");
    if (f && fgets(line, sizeof line, f)) {
        const char *s = strrchr(line, ')');
        unsigned long ut = 0, st = 0;
        if (s &&
            sscanf(s + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) == 2)
            p.cpu_s = (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
    }
    if (f)
        fclose(f);
    return p;
}

/* The whole machine's CPU seconds, all cores together (/proc/stat): busy (user, nice, system,
 * irq, softirq) and stolen (the hypervisor gave our virtual core to another machine: on a shared
 * host, what makes one phase slower than the next with nothing changed here). */
typedef struct {
    double busy_s, steal_s;
} machine_t;

static machine_t s_machine(void)
{
    machine_t m = {0};
    FILE *f = fopen("/proc/stat", "r");
    unsigned long long v[8] = {0};
    int got = f ? fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2],
                         &v[3], &v[4], &v[5], &v[6], &v[7])
                : 0;
    if (f)
        fclose(f);
    if (got != 8)
        return m;
    double tick = (double)sysconf(_SC_CLK_TCK);
    m.busy_s = (double)(v[0] + v[1] + v[2] + v[5] + v[6]) / tick;
    m.steal_s = (double)v[7] / tick;
    return m;
}

/* Above this share of the machine stolen during a phase, the run's ratios are not to be trusted. */
#define STEAL_WARN_PCT 2.0

/* The share of all cores' time the host took between a and b, seconds apart, in percent. */
static double s_steal_pct(machine_t a, machine_t b, double seconds)
{
    return seconds > 0
               ? 100.0 * (b.steal_s - a.steal_s) / seconds / (double)sysconf(_SC_NPROCESSORS_ONLN)
               : 0;
}

/* CPU seconds PostgreSQL has used: the postmaster, its live children and the children it has
 * reaped (pgbench's backends are gone by the time it reports). CPU time, unlike throughput, does
 * not depend much on what else the machine runs meanwhile. */
static double s_pg_cpu_s(void)
{
    char *path = xasprintf("%s/data/postmaster.pid", getenv("LKIP_TEST_PGDIR"));
    FILE *f = fopen(path, "r");
    free(path);
    long pm = 0;
    if (!f || fscanf(f, "%ld", &pm) != 1)
        pm = 0;
    if (f)
        fclose(f);
    if (pm <= 0)
        return 0;
    double tick = (double)sysconf(_SC_CLK_TCK), total = 0;
    DIR *d = opendir("/proc");
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        char *end;
        long pid = strtol(e->d_name, &end, 10);
        if (*end || pid <= 0)
            continue;
        char stat_path[64], line[512];
        snprintf(stat_path, sizeof stat_path, "/proc/%ld/stat", pid);
        FILE *sf = fopen(stat_path, "r");
        if (!sf)
            continue;
        const char *after = fgets(line, sizeof line, sf) ? strrchr(line, ')') : NULL;
        fclose(sf);
        long ppid = 0, cut = 0, cst = 0;
        unsigned long ut = 0, st = 0;
        if (!after ||
            sscanf(after + 2, "%*c %ld %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu %ld %ld", &ppid,
                   &ut, &st, &cut, &cst) != 5)
            continue;
        if (pid == pm)
            total += (double)(ut + st) / tick + (double)(cut + cst) / tick;
        else if (ppid == pm)
            total += (double)(ut + st) / tick;
    }
    if (d)
        closedir(d);
    return total;
}

/* ---- phases ---------------------------------------------------------------------------------- */

typedef struct {
    double seconds, completions_per_s, changes_per_s, rounds_per_s;
    double req_p50_ms, req_p99_ms, notify_p50_ms, notify_p99_ms;
    double commit_p50_ms, commit_p99_ms; /* committed -> received (the target's definition) */
    long read_back;                      /* assignments without a commit time (from the outbox) */
    double hop_p50_ms, hop_p99_ms;       /* the floor (s_floor) in the same window */
    double daemon_cpu_pct;
    double stmts_per_step, commits_per_step; /* the whole database's, per step completion */
    double rows_per_step, wal_kb_per_step;   /* what it wrote, per step completion */
    double trips_per_step;     /* lkipd's workers: round trips to PostgreSQL per completion */
    double pg_cpu_ms;          /* PostgreSQL's CPU time per completion (s_pg_cpu_s) */
    double lkipd_cpu_ms;       /* lkipd's */
    double steal_pct;          /* the machine's CPU stolen by the host, % of all its cores */
    long autovacuum;           /* autovacuum and autoanalyze runs on lkip's tables meanwhile */
    double requests_per_batch; /* ... and requests per batch (transaction) */
    long reruns;               /* batches run again statement by statement */
    long sessions_start;       /* lkipd's event sessions as the phase began, */
    long sessions_end;         /* and as it ended */
    long errors;
} phase_t;

/* The database's counters: statements sent by clients (pg_stat_statements, top level), commits,
 * rows written (inserted, updated, deleted: pg_stat_database, which backends bring up to date
 * at least once a second while they commit) and the cluster's write-ahead log position (bytes;
 * nothing else writes meanwhile); autovacuum's and autoanalyze's runs on the daemon's tables.
 * db: the database; NULL: the daemon's (statements and autovacuum runs are read for it only). */
typedef struct {
    long long statements, commits, rows, wal, autovacuum;
} pgstat_t;

static pgstat_t s_pgstat(const char *db)
{
    const char *name = db ? db : "";
    pgstat_t s = {0};
    s.commits = harness_sql_int(s_h,
                                "SELECT xact_commit FROM pg_stat_database"
                                " WHERE datname = coalesce(nullif($1, ''), current_database())",
                                name, NULL);
    s.rows = harness_sql_int(s_h,
                             "SELECT tup_inserted + tup_updated + tup_deleted FROM pg_stat_database"
                             " WHERE datname = coalesce(nullif($1, ''), current_database())",
                             name, NULL);
    s.wal =
        harness_sql_int(s_h, "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint", NULL);
    if (db) /* the rest is read in the daemon's database, about it: no use for pgbench's */
        return s;
    s.statements = harness_sql_int(s_h,
                                   "SELECT coalesce(sum(calls), 0)::bigint FROM pg_stat_statements"
                                   " WHERE toplevel AND dbid = (SELECT oid FROM pg_database"
                                   " WHERE datname = current_database())",
                                   NULL);
    s.autovacuum = harness_sql_int(s_h,
                                   "SELECT coalesce(sum(autovacuum_count + autoanalyze_count), 0)"
                                   "::bigint FROM pg_stat_user_tables",
                                   NULL);
    return s;
}

/* lkipd's totals (an administrator's ping); zero when it does not answer. */
static Lkip__DaemonLoad s_daemon_load(void)
{
    Lkip__DaemonLoad load = LKIP__DAEMON_LOAD__INIT;
    Lkip__PingRequest body = LKIP__PING_REQUEST__INIT;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_PING;
    req.ping = &body;
    Lkip__Envelope *reply = NULL;
    if (s_admin && lkipc_call(s_admin, &req, &reply) == LKIPC_OK && reply->reply->pong &&
        reply->reply->pong->load)
        load = *reply->reply->pong->load;
    load.base.descriptor = &lkip__daemon_load__descriptor;
    wire_free(&reply);
    return load;
}

static driver_t s_drivers[MAX_DRIVERS];
static listener_t s_listeners[MAX_ORGS];

/* Every measured phase (and each pgbench run) starts right after a checkpoint: the first change
 * to a page after one writes the whole page to the WAL, so a checkpoint falling inside one
 * phase and not another would make them differ in what they cost. */
static void s_checkpoint(void)
{
    if (harness_sql_exec(s_h, "CHECKPOINT", NULL) != 0)
        fprintf(stderr, "bench: CHECKPOINT failed\n");
}

static phase_t s_run_phase(const opts_t *o, int seconds, double rate_total)
{
    s_rate_per_driver = rate_total > 0 ? rate_total / o->drivers : 0;
    atomic_store(&s_completions, 0);
    atomic_store(&s_changes, 0);
    atomic_store(&s_errors, 0);
    atomic_store(&s_rounds, 0);
    for (int i = 0; i < o->drivers; i++) {
        s_drivers[i].latency.n = 0;
        s_drivers[i].next_at_us = 0;
    }
    for (int k = 0; k < o->orgs; k++) {
        s_listeners[k].latency.n = 0;
        s_listeners[k].from_commit.n = 0;
        s_listeners[k].read_back = 0;
    }
    /* The load grows the tables by thousands of rows a second, years of a real organisation's
     * growth, faster than autovacuum's once-a-minute look: before every phase but the first,
     * the statistics (and the plans cached from them) are brought up to date, and the tables
     * vacuumed, as autovacuum would have done long before; autovacuum, which would otherwise
     * start in one phase and not in another, then finds little to do (its runs are counted).
     * Not before the first: the tables are still empty then, and plans made for empty tables
     * scan them. */
    static bool first = true;
    if (!first && harness_sql_exec(s_h, "VACUUM (ANALYZE)", NULL) != 0)
        fprintf(stderr, "bench: VACUUM failed\n");
    first = false;
    s_checkpoint();
    pthread_t threads[MAX_DRIVERS];
    atomic_store(&s_running, true);
    atomic_store(&s_measure_notify, true);
    proc_t p0 = s_proc(harness_daemon_pid(s_d));
    machine_t m0 = s_machine();
    Lkip__DaemonLoad l0 = s_daemon_load();
    double pg0 = s_pg_cpu_s();
    pgstat_t db0 = s_pgstat(NULL);
    int64_t t0 = s_now_us();
    s_floor_begin(&s_floor);
    for (int i = 0; i < o->drivers; i++)
        pthread_create(&threads[i], NULL, s_driver_main, &s_drivers[i]);
    struct timespec ts = {seconds, 0};
    nanosleep(&ts, NULL);
    /* counted up to now; rounds under way finish outside the window */
    long completions = atomic_load(&s_completions), changes = atomic_load(&s_changes);
    long rounds = atomic_load(&s_rounds);
    int64_t t1 = s_now_us();
    phase_t ph = {0};
    s_floor_end(&s_floor, &ph.hop_p50_ms, &ph.hop_p99_ms);
    proc_t p1 = s_proc(harness_daemon_pid(s_d));
    machine_t m1 = s_machine();
    pgstat_t db1 = s_pgstat(NULL);
    Lkip__DaemonLoad l1 = s_daemon_load();
    double pg1 = s_pg_cpu_s();
    atomic_store(&s_measure_notify, false);
    atomic_store(&s_running, false);
    for (int i = 0; i < o->drivers; i++)
        pthread_join(threads[i], NULL);

    ph.seconds = (double)(t1 - t0) / 1e6;
    ph.completions_per_s = (double)completions / ph.seconds;
    ph.changes_per_s = (double)changes / ph.seconds;
    ph.rounds_per_s = (double)rounds / ph.seconds;
    ph.errors = atomic_load(&s_errors);
    if (l1.batches > l0.batches)
        ph.requests_per_batch =
            (double)(l1.requests - l0.requests) / (double)(l1.batches - l0.batches);
    ph.reruns = (long)(l1.reruns - l0.reruns);
    ph.sessions_start = (long)l0.sessions;
    ph.sessions_end = (long)l1.sessions;
    ph.daemon_cpu_pct = 100.0 * (p1.cpu_s - p0.cpu_s) / ph.seconds;
    ph.steal_pct = s_steal_pct(m0, m1, ph.seconds);
    ph.autovacuum = (long)(db1.autovacuum - db0.autovacuum);
    if (completions > 0 && db0.statements >= 0 && db1.statements >= 0) {
        ph.stmts_per_step = (double)(db1.statements - db0.statements) / (double)completions;
        ph.commits_per_step = (double)(db1.commits - db0.commits) / (double)completions;
        ph.rows_per_step = (double)(db1.rows - db0.rows) / (double)completions;
        ph.wal_kb_per_step = (double)(db1.wal - db0.wal) / 1024.0 / (double)completions;
        ph.trips_per_step = (double)(l1.round_trips - l0.round_trips) / (double)completions;
        ph.pg_cpu_ms = 1000.0 * (pg1 - pg0) / (double)completions;
        ph.lkipd_cpu_ms = 1000.0 * (p1.cpu_s - p0.cpu_s) / (double)completions;
    }
    samples_t all = {0};
    for (int i = 0; i < o->drivers; i++)
        for (size_t k = 0; k < s_drivers[i].latency.n; k++)
            s_sample(&all, s_drivers[i].latency.v[k]);
    ph.req_p50_ms = s_percentile(&all, 50) / 1000.0;
    ph.req_p99_ms = s_percentile(&all, 99) / 1000.0;
    all.n = 0;
    for (int k = 0; k < o->orgs; k++)
        for (size_t i = 0; i < s_listeners[k].latency.n; i++)
            s_sample(&all, s_listeners[k].latency.v[i]);
    ph.notify_p50_ms = s_percentile(&all, 50) / 1000.0;
    ph.notify_p99_ms = s_percentile(&all, 99) / 1000.0;
    all.n = 0;
    for (int k = 0; k < o->orgs; k++) {
        for (size_t i = 0; i < s_listeners[k].from_commit.n; i++)
            s_sample(&all, s_listeners[k].from_commit.v[i]);
        ph.read_back += s_listeners[k].read_back;
    }
    ph.commit_p50_ms = s_percentile(&all, 50) / 1000.0;
    ph.commit_p99_ms = s_percentile(&all, 99) / 1000.0;
    free(all.v);
    return ph;
}

/* A pgbench run: its rate (runs of the script per second) and, per run, PostgreSQL's CPU time,
 * the rows written and the write-ahead log; the CPU the host took meanwhile (as phase_t's). */
typedef struct {
    double tps, pg_cpu_ms, rows, wal_kb, steal_pct;
} pgbench_t;

/* The private cluster's port (LKIP_TEST_PGDIR/port); false when it cannot be read. */
static bool s_pg_port(char port[16])
{
    char *path = xasprintf("%s/port", getenv("LKIP_TEST_PGDIR"));
    FILE *f = fopen(path, "r");
    free(path);
    bool ok = f && fgets(port, 16, f);
    if (f)
        fclose(f);
    if (ok)
        port[strcspn(port, "\n")] = '\0';
    return ok;
}

/* A pgbench workload: its database, the shell command that fills it (%1$s and %2$s: the socket
 * directory and the port), the script and pgbench's query mode (simple, or prepared as lkipd's
 * statements are). */
typedef struct {
    const char *db, *setup, *script, *mode;
} workload_t;

/* One step completion's write set per transaction, on tables of that shape
 * (bench/step-completion*.sql), in pgbench's default query mode: the yardstick of issue 12. */
static const workload_t s_step_workload = {
    "pgbench_steps",
    "psql -q -h %1$s -p %2$s -U lkip -d pgbench_steps -f bench/step-completion-setup.sql"
    " >/dev/null",
    "bench/step-completion.sql", "simple"};

/* A whole LKIP round's writes, one transaction per request, on lkip's own schema with its
 * indexes, constraints and triggers (bench/round*.sql): the write set of the load phases (their
 * rows and WAL per round are printed beside it; --compare-round checks it table by table),
 * statements prepared as lkipd's are. LKIP_BENCH_ROUND_SQL: another script (the test that
 * --compare-round tells a different round). */
static workload_t s_round_workload = {
    "pgbench_round",
    "cat sql/[0-9]*.sql | psql -q -v ON_ERROR_STOP=1 -h %1$s -p %2$s -U lkip -d pgbench_round"
    " >/dev/null && psql -q -v ON_ERROR_STOP=1 -h %1$s -p %2$s -U lkip -d pgbench_round"
    " -f bench/round-setup.sql >/dev/null",
    "bench/round.sql", "prepared"};

/* A psql command line on the private cluster's database db, followed by args. */
static char *s_psql(const char *port, const char *db, const char *args)
{
    return xasprintf("psql -qX -h %s -p %s -U lkip -d %s %s", getenv("LKIP_TEST_PGDIR"), port, db,
                     args);
}

/* (Re)creates w's database and fills it; 0 when done. */
static int s_workload_setup(const workload_t *w, const char *port)
{
    char *args = xasprintf("-c 'DROP DATABASE IF EXISTS %s' -c 'CREATE DATABASE %s' >/dev/null",
                           w->db, w->db);
    char *psql = s_psql(port, "postgres", args);
    char *create = xasprintf("PGOPTIONS='-c client_min_messages=warning' %s", psql);
    free(args);
    free(psql);
    char *fill = xasprintf(w->setup, getenv("LKIP_TEST_PGDIR"), port);
    int rc = system(create) == 0 ? system(fill) : -1;
    free(create);
    free(fill);
    if (rc != 0)
        fprintf(stderr, "bench: could not set up the pgbench database %s\n", w->db);
    return rc != 0 ? -1 : 0;
}

/* Drops w's database once measured: autovacuum would otherwise work on it during the phases
 * that follow. */
static void s_workload_drop(const workload_t *w, const char *port)
{
    char *args = xasprintf("-c 'DROP DATABASE %s' >/dev/null", w->db);
    char *drop = s_psql(port, "postgres", args);
    free(args);
    if (system(drop) != 0)
        fprintf(stderr, "bench: could not drop the pgbench database %s\n", w->db);
    free(drop);
}

/* Runs pgbench with w on the same cluster (load: its clients and length, e.g. "-c 16 -T 15");
 * the runs of the script it made (0: failed) and their rate in *tps. */
static long s_pgbench_run(const workload_t *w, const char *port, const char *load, double *tps)
{
    char *cmd =
        xasprintf("/usr/lib/postgresql/15/bin/pgbench -n -M %s -h %s -p %s -U lkip %s -f %s %s"
                  " 2>/dev/null | sed -n -e 's/^tps = \\([0-9.]*\\).*/\\1/p'"
                  " -e 's/^number of transactions actually processed: \\([0-9]*\\).*/\\1/p'",
                  w->mode, getenv("LKIP_TEST_PGDIR"), port, load, w->script, w->db);
    FILE *p = popen(cmd, "r");
    free(cmd);
    long runs = 0;
    *tps = 0;
    if (p) {
        if (fscanf(p, "%ld %lf", &runs, tps) != 2)
            runs = 0;
        if (pclose(p) != 0)
            runs = 0;
    }
    return runs;
}

/* pgbench with w at lkip-bench's concurrency: its rate and, per run of the script,
 * PostgreSQL's CPU time, rows and write-ahead log, counted over pgbench's run alone (not the
 * setup before it). */
static pgbench_t s_pgbench(const opts_t *o, const workload_t *w)
{
    pgbench_t b = {0};
    char port[16];
    if (!s_pg_port(port) || s_workload_setup(w, port) != 0)
        return b;
    char load[64];
    snprintf(load, sizeof load, "-c %d -j 2 -T %d", o->drivers, o->pgbench_s);
    s_checkpoint();
    double cpu0 = s_pg_cpu_s();
    pgstat_t db0 = s_pgstat(w->db);
    machine_t m0 = s_machine();
    int64_t t0 = monotonic_ms();
    long runs = s_pgbench_run(w, port, load, &b.tps);
    double cpu1 = s_pg_cpu_s(); /* before the drop below, which is not pgbench's */
    b.steal_pct = s_steal_pct(m0, s_machine(), (double)(monotonic_ms() - t0) / 1000.0);
    pgstat_t db1 = s_pgstat(w->db);
    s_workload_drop(w, port);
    if (runs > 0) {
        b.pg_cpu_ms = 1000.0 * (cpu1 - cpu0) / (double)runs;
        b.rows = (double)(db1.rows - db0.rows) / (double)runs;
        b.wal_kb = (double)(db1.wal - db0.wal) / 1024.0 / (double)runs;
    } else {
        b.tps = 0;
    }
    return b;
}

static void s_raise_fd_limit(int clients);

/* Idle clients live in child processes (this program again, --idle-child), a few thousand
 * each: every client costs two descriptors (its connection and its socket's mailbox), and a
 * process may not be allowed more than the hard limit. */
#define IDLE_PER_CHILD    4000
#define IDLE_IO_THREADS   4
#define MAX_IDLE_CHILDREN 16

typedef struct {
    pid_t pid;
    int to_child;   /* closing it tells the child to go */
    int from_child; /* the child writes how many clients subscribed */
} idle_child_t;

static idle_child_t s_idle[MAX_IDLE_CHILDREN];
static int s_n_idle;

/* Child mode: connects keys [from, to) of keyfile to endpoint and subscribes each, as `lkip watch`
 * does with no events (client/evstream.c): each client acknowledges every keepalive_ms the
 * daemon names in its subscribe reply, counted from that reply (without them lkipd ends a silent
 * session after session_timeout_ms). Writes the number whose subscription was accepted to stdout
 * once every client has its answer (or after two minutes), and keeps going until stdin closes. */
typedef struct {
    void **socks;
    int n, from;
    int replied, subscribed;
    bool reported;
    int keepalive_ms;
    int64_t *last; /* monotonic ms of each client's reply or last acknowledgement; 0: no reply
                    * yet, -1: refused */
} idle_set_t;

/* Reads the subscribe replies that have come. */
static void s_idle_replies(idle_set_t *set)
{
    for (int i = 0; i < set->n; i++) {
        char buf[1024];
        const char *why;
        int got;
        if (set->last[i] || !set->socks[i] ||
            (got = zmq_recv(set->socks[i], buf, sizeof buf, ZMQ_DONTWAIT)) < 0)
            continue;
        Lkip__Envelope *reply = got > (int)sizeof buf ? NULL : wire_decode(buf, (size_t)got, &why);
        bool answered = reply && reply->body_case == LKIP__ENVELOPE__BODY_REPLY;
        bool accepted = answered && reply->reply->status == LKIP__STATUS__OK &&
                        reply->reply->payload_case == LKIP__REPLY__PAYLOAD_SUBSCRIBED;
        if (accepted && reply->reply->subscribed->keepalive_ms > 0)
            set->keepalive_ms = (int)reply->reply->subscribed->keepalive_ms;
        if (answered && !accepted && set->replied - set->subscribed < 5) /* the first few */
            fprintf(stderr, "bench: idle client %d: [%d %s]\n", set->from + i,
                    (int)reply->reply->status, reply->reply->code);
        set->subscribed += accepted;
        set->last[i] = accepted ? monotonic_ms() : -1;
        wire_free(&reply);
        set->replied++;
    }
}

static void s_idle_run(idle_set_t *set)
{
    Lkip__AckRequest body = LKIP__ACK_REQUEST__INIT;
    Lkip__Envelope env = LKIP__ENVELOPE__INIT;
    env.body_case = LKIP__ENVELOPE__BODY_ACK;
    env.ack = &body;
    size_t len;
    uint8_t *frame = wire_encode(&env, &len);
    struct pollfd in = {.fd = STDIN_FILENO, .events = POLLIN};
    int64_t deadline = monotonic_ms() + 120000;
    for (;;) {
        if (set->replied < set->n)
            s_idle_replies(set);
        int64_t now = monotonic_ms();
        if (!set->reported && (set->replied == set->n || now > deadline)) {
            printf("%d\n", set->subscribed);
            fflush(stdout);
            set->reported = true;
        }
        for (int i = 0; i < set->n; i++)
            if (set->last[i] > 0 && now - set->last[i] >= set->keepalive_ms) {
                zmq_send(set->socks[i], frame, len, ZMQ_DONTWAIT);
                set->last[i] = now;
            }
        /* a look every 20 ms while replies come, then every 100 ms */
        if (poll(&in, 1, set->replied < set->n ? 20 : 100) != 0) { /* stdin: closed */
            char c;
            if (read(STDIN_FILENO, &c, 1) <= 0)
                break;
        }
    }
    free(frame);
}

static int s_idle_child(const char *endpoint, const char *server_key, const char *keyfile, int from,
                        int to)
{
    s_raise_fd_limit(0);
    FILE *f = fopen(keyfile, "r");
    if (!f)
        return 1;
    int n = to - from;
    keypair_t *keys = xcalloc((size_t)n, sizeof *keys);
    char line[128];
    for (int i = 0; i < to && fgets(line, sizeof line, f); i++)
        if (i >= from &&
            sscanf(line, "%40s %40s", keys[i - from].public_key, keys[i - from].secret_key) != 2)
            break;
    fclose(f);
    void *ctx = zmq_ctx_new();
    zmq_ctx_set(ctx, ZMQ_MAX_SOCKETS, n + 64);
    /* libzmq cancels a heartbeat timer by walking all timers of its I/O thread: with thousands of
     * connections on one thread, the children's own heartbeats cost this machine more than real
     * clients, each on its own computer, would. A few threads share them (measured: 4 took about a
     * fifth less CPU than 1; 16 more); lkipd sees the same traffic either way. */
    zmq_ctx_set(ctx, ZMQ_IO_THREADS, IDLE_IO_THREADS);
    void **socks = xcalloc((size_t)n, sizeof *socks);
    Lkip__SubscribeRequest body = LKIP__SUBSCRIBE_REQUEST__INIT;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_SUBSCRIBE;
    req.subscribe = &body;
    size_t len;
    uint8_t *frame = wire_encode(&req, &len);
    int linger = 0;
    for (int i = 0; i < n; i++) {
        void *sk = zmq_socket(ctx, ZMQ_DEALER);
        if (!sk)
            break;
        zmq_setsockopt(sk, ZMQ_LINGER, &linger, sizeof linger);
        /* the heartbeats of every lkipc connection (`lkip watch` included) */
        zmq_setsockopt(sk, ZMQ_HEARTBEAT_IVL, &(int){LKIPC_HEARTBEAT_IVL_MS}, sizeof(int));
        zmq_setsockopt(sk, ZMQ_HEARTBEAT_TIMEOUT, &(int){LKIPC_HEARTBEAT_TIMEOUT_MS}, sizeof(int));
        zmq_setsockopt(sk, ZMQ_CURVE_SERVERKEY, server_key, 40);
        zmq_setsockopt(sk, ZMQ_CURVE_PUBLICKEY, keys[i].public_key, 40);
        zmq_setsockopt(sk, ZMQ_CURVE_SECRETKEY, keys[i].secret_key, 40);
        if (zmq_connect(sk, endpoint) != 0) {
            zmq_close(sk);
            break;
        }
        zmq_send(sk, frame, len, 0);
        socks[i] = sk;
    }
    free(frame);
    memset(keys, 0, (size_t)n * sizeof *keys);
    free(keys);
    idle_set_t set = {.socks = socks, .n = n, .from = from, .keepalive_ms = 5000};
    set.last = xcalloc((size_t)n, sizeof *set.last);
    s_idle_run(&set); /* until the parent closes our stdin */
    free(set.last);
    for (int i = 0; i < n; i++)
        if (socks[i])
            zmq_close(socks[i]);
    free(socks);
    zmq_ctx_term(ctx);
    return 0;
}

/* The idle clients' users (inserted with SQL, in an organisation of their own) and their keys,
 * written to s_idle_keys for the children. 0 or -1. */
static char *s_idle_keys;

static int s_scale_users(int n)
{
    s_idle_keys = xasprintf("%s/idle.keys", harness_tmpdir(s_h));
    FILE *kf = fopen(s_idle_keys, "w");
    if (!kf)
        return -1;
    /* connected, but no one's events are theirs */
    if (harness_sql_exec(s_h, "INSERT INTO organisations (code, name) VALUES ('IDLE', 'Idle')",
                         NULL) != 0) {
        fclose(kf);
        return -1;
    }
    /* users in batches of 500 rows, one statement each */
    for (int i = 0; i < n; i += 500) {
        strbuf_t sb = {0};
        strbuf_puts(&sb, "INSERT INTO users (org_id, name, full_name, role, public_key) SELECT"
                         " (SELECT id FROM organisations WHERE code = 'IDLE'), v.* FROM (VALUES ");
        for (int k = i; k < n && k < i + 500; k++) {
            keypair_t kp;
            if (zmq_curve_keypair(kp.public_key, kp.secret_key) != 0)
                abort();
            fprintf(kf, "%s %s\n", kp.public_key, kp.secret_key);
            strbuf_printf(&sb, "%s('idle%d', 'idle', 'staf', '%s')", k > i ? "," : "", k,
                          kp.public_key);
        }
        strbuf_puts(&sb, ") AS v");
        int rc = harness_sql_exec(s_h, strbuf_str(&sb), NULL);
        strbuf_free(&sb);
        if (rc != 0) {
            fclose(kf);
            return -1;
        }
    }
    return fclose(kf) == 0 ? 0 : -1;
}

/* N idle clients of s_scale_users's in child processes, each subscribed; returns how many had
 * their subscription accepted. */
static int s_scale(const opts_t *o)
{
    int n = o->scale_clients;
    for (int from = 0; from < n && s_n_idle < MAX_IDLE_CHILDREN; from += IDLE_PER_CHILD) {
        int to = from + IDLE_PER_CHILD < n ? from + IDLE_PER_CHILD : n;
        int down[2], up[2];
        /* close-on-exec: a later child must not hold an earlier child's stdin open */
        if (pipe2(down, O_CLOEXEC) != 0 || pipe2(up, O_CLOEXEC) != 0)
            break;
        pid_t pid = fork();
        if (pid == 0) {
            dup2(down[0], STDIN_FILENO);
            dup2(up[1], STDOUT_FILENO);
            close(down[1]);
            close(up[0]);
            /* the idle clients stand for their users' computers: on the bench's own cores they
             * take what the daemon, PostgreSQL and the drivers leave (--idle-nice) */
            if (o->idle_nice && setpriority(PRIO_PROCESS, 0, o->idle_nice) != 0)
                _exit(126);
            char a[16], b[16];
            snprintf(a, sizeof a, "%d", from);
            snprintf(b, sizeof b, "%d", to);
            execl("/proc/self/exe", "lkip-bench", "--idle-child", harness_daemon_endpoint(s_d),
                  harness_server_public_key(s_h), s_idle_keys, a, b, (char *)NULL);
            _exit(127);
        }
        close(down[0]);
        close(up[1]);
        s_idle[s_n_idle++] = (idle_child_t){pid, down[1], up[0]};
    }
    int replied = 0;
    for (int i = 0; i < s_n_idle; i++) {
        char buf[32] = "";
        ssize_t got = read(s_idle[i].from_child, buf, sizeof buf - 1);
        if (got > 0)
            replied += atoi(buf);
    }
    return replied;
}

static void s_scale_stop(void)
{
    for (int i = 0; i < s_n_idle; i++) {
        close(s_idle[i].to_child);
        close(s_idle[i].from_child);
        waitpid(s_idle[i].pid, NULL, 0);
    }
    s_n_idle = 0;
}

/* ---- what idle clients cost with no load --------------------------------------------------- */

/* CPU used over a quiet stretch (no load), in percent of one core: what lkipd, PostgreSQL and the
 * idle clients' own processes spend on keeping 10,000 sessions, beside the whole machine's busy
 * time. Unlike a throughput ratio, this barely depends on what else the machine runs. */
typedef struct {
    double lkipd, pg, clients, machine, steal;
} quiet_t;

static double s_idle_children_cpu_s(void)
{
    double total = 0;
    for (int i = 0; i < s_n_idle; i++)
        total += s_proc(s_idle[i].pid).cpu_s;
    return total;
}

static quiet_t s_quiet(int seconds)
{
    double l0 = s_proc(harness_daemon_pid(s_d)).cpu_s, p0 = s_pg_cpu_s();
    double c0 = s_idle_children_cpu_s();
    machine_t m0 = s_machine();
    int64_t t0 = monotonic_ms();
    sleep((unsigned)seconds);
    double wall = (double)(monotonic_ms() - t0) / 1000.0;
    quiet_t q = {
        .lkipd = 100.0 * (s_proc(harness_daemon_pid(s_d)).cpu_s - l0) / wall,
        .pg = 100.0 * (s_pg_cpu_s() - p0) / wall,
        .clients = 100.0 * (s_idle_children_cpu_s() - c0) / wall,
    };
    machine_t m1 = s_machine();
    q.machine = 100.0 * (m1.busy_s - m0.busy_s) / wall;
    q.steal = 100.0 * (m1.steal_s - m0.steal_s) / wall;
    return q;
}

/* A client that missed `count` events reconnects: seconds until it holds them all. */
static double s_catchup(int count)
{
    keypair_t kp;
    /* lkipd learns of a user inserted with SQL from the directory's notification, a moment
     * later: with 10,000 idle users to reload that moment outlasted queueing 100 events */
    if (s_insert_user(1, "catchup", "staf", NULL, &kp) != 0 || harness_wait_known(s_h, &kp) != 0) {
        fprintf(stderr, "bench: catch-up: the user could not be made\n");
        return -1;
    }
    /* the events are real packed events, queued straight into the outbox as if they
     * accumulated while the client was away */
    Lkip__Event ev = LKIP__EVENT__INIT;
    ev.kind = "step_assigned";
    ev.sop_code = "LKIP";
    ev.period = "2026";
    ev.step_no = 6;
    ev.step_title = "Membuat Dokumen LKIP";
    ev.org_code = "DKIP";
    ev.time_zone = "Asia/Makassar";
    size_t len = lkip__event__get_packed_size(&ev);
    uint8_t *buf = xmalloc(len);
    lkip__event__pack(&ev, buf);
    strbuf_t hex = {0};
    for (size_t i = 0; i < len; i++)
        strbuf_printf(&hex, "%02x", buf[i]);
    free(buf);
    char n[16];
    snprintf(n, sizeof n, "%d", count);
    int rc = harness_sql_exec(s_h,
                              "WITH u AS (SELECT id FROM users WHERE name = 'catchup')"
                              " INSERT INTO outbox (user_id, seq, kind, payload)"
                              " SELECT u.id, g, 'step_assigned', decode($1, 'hex')"
                              " FROM u, generate_series(1, $2::int) g",
                              strbuf_str(&hex), n, NULL);
    strbuf_free(&hex);
    if (rc != 0 || harness_sql_exec(s_h,
                                    "UPDATE recipient_seq SET last_seq = $1::bigint WHERE"
                                    " user_id = (SELECT id FROM users WHERE name = 'catchup')",
                                    n, NULL) != 0) {
        fprintf(stderr, "bench: catch-up: the events could not be queued\n");
        return -1;
    }
    lkipc_t *c = s_connect(&kp, 10000);
    if (!c) {
        fprintf(stderr, "bench: catch-up: no connection\n");
        return -1;
    }
    int64_t t0 = monotonic_ms();
    uint64_t last = 0;
    if (!s_subscribe(c, 0, NULL)) {
        fprintf(stderr, "bench: catch-up: the subscription was not answered\n");
        lkipc_destroy(&c);
        return -1;
    }
    int since_ack = 0;
    while (last < (uint64_t)count && monotonic_ms() - t0 < 60000) {
        Lkip__Envelope *e = NULL;
        int got = lkipc_next_event(c, 1000, &e);
        if (got != 1)
            continue;
        if (e->event->seq == last + 1)
            last = e->event->seq;
        wire_free(&e);
        if (++since_ack == 200) { /* acknowledge as a client does, in runs */
            s_ack(c, last);
            since_ack = 0;
        }
    }
    s_ack(c, last);
    double seconds = (double)(monotonic_ms() - t0) / 1000.0;
    lkipc_destroy(&c);
    if (last != (uint64_t)count)
        fprintf(stderr, "bench: catch-up: %llu of %d events in %.1f s\n", (unsigned long long)last,
                count, seconds);
    return last == (uint64_t)count ? seconds : -1;
}

/* ---- --compare-round: the round script against lkipd, table by table ------------------------ */

/* The tables a round writes rows into, and their row counts in one line. */
static const char *const s_round_tables[] = {
    "instances", "step_runs", "timers",           "unit_tasks", "unit_data", "indicators",
    "documents", "audit",     "letter_sequences", "requests",   "outbox"};
#define N_ROUND_TABLES ((int)(sizeof s_round_tables / sizeof *s_round_tables))

static char *s_count_sql(void)
{
    strbuf_t sb = {0};
    strbuf_puts(&sb, "SELECT concat_ws(' '");
    for (int i = 0; i < N_ROUND_TABLES; i++)
        strbuf_printf(&sb, ", (SELECT count(*) FROM %s)", s_round_tables[i]);
    strbuf_puts(&sb, ")");
    return strbuf_take(&sb);
}

static bool s_parse_counts(const char *text, long long *counts)
{
    const char *at = text ? text : "";
    for (int i = 0; i < N_ROUND_TABLES; i++) {
        char *end;
        counts[i] = strtoll(at, &end, 10);
        if (end == at)
            return false;
        at = end;
    }
    return true;
}

/* The counts in the pgbench round's database, through psql. */
static bool s_round_db_counts(const char *port, long long *counts)
{
    char *sql = s_count_sql();
    char *args = xasprintf("-At -c \"%s\"", sql);
    char *cmd = s_psql(port, s_round_workload.db, args);
    free(args);
    free(sql);
    FILE *p = popen(cmd, "r");
    free(cmd);
    char line[512] = "";
    bool ok = p && fgets(line, sizeof line, p);
    if (p && pclose(p) != 0)
        ok = false;
    return ok && s_parse_counts(line, counts);
}

/* One round through lkipd (driver 0, as the load phases run it) and one run of bench/round.sql:
 * the rows each added to every table, side by side. 0 when they are the same, 1 when not. */
static int s_compare_round(void)
{
    long long lk0[N_ROUND_TABLES], lk1[N_ROUND_TABLES], pb0[N_ROUND_TABLES], pb1[N_ROUND_TABLES];
    char *sql = s_count_sql();
    char *before = harness_sql(s_h, sql, NULL);
    bool round_ok = s_round(&s_drivers[0]);
    char *after = harness_sql(s_h, sql, NULL);
    free(sql);
    bool lk_ok = round_ok && s_parse_counts(before, lk0) && s_parse_counts(after, lk1);
    free(before);
    free(after);
    char port[16];
    double tps;
    bool pb_ok = s_pg_port(port) && s_workload_setup(&s_round_workload, port) == 0 &&
                 s_round_db_counts(port, pb0) &&
                 s_pgbench_run(&s_round_workload, port, "-c 1 -t 1", &tps) == 1 &&
                 s_round_db_counts(port, pb1);
    if (pb_ok)
        s_workload_drop(&s_round_workload, port);
    if (!lk_ok || !pb_ok) {
        fprintf(stderr, "bench: %s%s\n",
                !lk_ok ? "the round through lkipd failed" : "pgbench failed on ",
                !lk_ok ? "" : s_round_workload.script);
        return 1;
    }
    int differ = 0;
    printf("%-18s %6s %8s\n", "rows added to", "lkipd", "pgbench");
    for (int i = 0; i < N_ROUND_TABLES; i++) {
        long long a = lk1[i] - lk0[i], b = pb1[i] - pb0[i];
        differ += a != b;
        printf("%-18s %6lld %8lld%s\n", s_round_tables[i], a, b, a != b ? "  differs" : "");
    }
    if (differ)
        printf("%s writes a different round\n", s_round_workload.script);
    else
        printf("the same rows\n");
    return differ ? 1 : 0;
}

/* ---- the load with idle clients and without them --------------------------------------------- */

/* One comparison (--idle-pairs of them): the full load with the idle clients connected, then the
 * full load once they have gone. The tables grow all through the run (a step costs more at the
 * end than at the start), so each load with them is compared with the mean of the loads just
 * before and just after it; several pairs show how much of a ratio is the machine's noise. */
#define MAX_IDLE_PAIRS 4

typedef struct {
    int connected;          /* clients whose subscription was accepted */
    phase_t with, without;  /* as long as the full load, each */
    double clients_cpu_pct; /* their processes during `with`, % of one core */
    proc_t daemon_with;     /* lkipd right after `with` (RSS) */
    double drain_s;      /* from their closing until lkipd let their sessions go (-1: it did not) */
    double ratio_around; /* with / mean(the load before it, without) */
} idle_pair_t;

/* Waits until lkipd holds at most `sessions` event sessions: a client that closes its connection
 * says nothing, and lkipd forgets its session session_timeout_ms after its last keepalive (or at
 * once, when it has an event for it). Seconds it took, or -1 after a minute. */
static double s_wait_sessions(long sessions)
{
    int64_t t0 = monotonic_ms();
    while (s_daemon_load().sessions > sessions) {
        if (monotonic_ms() - t0 > 60000)
            return -1;
        struct timespec ts = {0, 200000000};
        nanosleep(&ts, NULL);
    }
    return (double)(monotonic_ms() - t0) / 1000.0;
}

/* Runs one pair with the clients s_scale connected; before is the load phase just before it,
 * baseline the sessions lkipd held before any idle client connected. */
static void s_idle_pair(const opts_t *o, idle_pair_t *ip, const phase_t *before, long baseline)
{
    fprintf(stderr, "bench: load again with %d idle clients for %d s\n", ip->connected, o->load_s);
    double cpu0 = s_idle_children_cpu_s();
    int64_t t0 = monotonic_ms();
    ip->with = s_run_phase(o, o->load_s, 0);
    ip->clients_cpu_pct =
        100.0 * (s_idle_children_cpu_s() - cpu0) * 1000.0 / (double)(monotonic_ms() - t0);
    ip->daemon_with = s_proc(harness_daemon_pid(s_d));
    s_scale_stop();
    /* "without them" means without their sessions as well */
    fprintf(stderr, "bench: until lkipd lets their sessions go\n");
    ip->drain_s = s_wait_sessions(baseline);
    fprintf(stderr, "bench: load again without the idle clients for %d s\n", o->load_s);
    ip->without = s_run_phase(o, o->load_s, 0);
    double around = (before->completions_per_s + ip->without.completions_per_s) / 2;
    ip->ratio_around = around > 0 ? ip->with.completions_per_s / around : 0;
}

/* What goes before the p-th of n items listed as "a, b and c". */
static const char *s_list_sep(int p, int n)
{
    return p == 0 ? "" : p == n - 1 ? " and " : ", ";
}

/* ---- main ------------------------------------------------------------------------------------ */

static void s_usage(void)
{
    fputs("usage: lkip-bench [--orgs K] [--units U] [--drivers D] [--warmup S] [--load S]\n"
          "                  [--half S] [--pgbench S] [--quiet S] [--scale N] [--idle-nice 0..19]\n"
          "                  [--idle-pairs 1..4] [--catchup N] [--workers W] [--out DIR]\n"
          "                  [--compare-round]\n"
          "--compare-round: one round through lkipd and one run of bench/round.sql (pgbench),\n"
          "the rows each added to every table; exit status 1 when they differ.\n"
          "Run by scripts/bench.sh (make bench), which starts the private PostgreSQL and\n"
          "exports LKIP_TEST_PGDIR and LKIP_BUILD.\n",
          stderr);
}

/* Every idle client is a TCP connection and a ZeroMQ mailbox: two descriptors each. As root the
 * hard limit can be raised too. */
static void s_raise_fd_limit(int clients)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return;
    rlim_t want = (rlim_t)(3 * clients + 4096);
    if (rl.rlim_max < want) {
        struct rlimit raised = {want, want};
        if (setrlimit(RLIMIT_NOFILE, &raised) == 0)
            return;
    }
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
}

static void s_print_phase(const char *name, const phase_t *p)
{
    printf("%-22s %8.0f %8.1f %9.2f %9.2f %9.2f %9.2f %7.2f %7.2f %7.2f %7.2f %7.0f%% %7.1f "
           "%7.2f %7.1f %7.2f %7.2f %7.2f %7.2f %7.2f %5.1f%% %7ld %6ld %6ld\n",
           name, p->completions_per_s, p->rounds_per_s, p->req_p50_ms, p->req_p99_ms,
           p->notify_p50_ms, p->notify_p99_ms, p->commit_p50_ms, p->commit_p99_ms, p->hop_p50_ms,
           p->hop_p99_ms, p->daemon_cpu_pct, p->stmts_per_step, p->commits_per_step,
           p->rows_per_step, p->wal_kb_per_step, p->trips_per_step, p->requests_per_batch,
           p->pg_cpu_ms, p->lkipd_cpu_ms, p->steal_pct, p->autovacuum, p->reruns, p->errors);
}

static void s_json_phase(FILE *f, const char *name, const phase_t *p, bool comma)
{
    fprintf(f,
            "  \"%s\": {\"seconds\": %.2f, \"completions_per_s\": %.1f, \"changes_per_s\": %.1f,"
            " \"rounds_per_s\": %.2f, \"request_p50_ms\": %.3f, \"request_p99_ms\": %.3f,"
            " \"notify_p50_ms\": %.3f, \"notify_p99_ms\": %.3f, \"commit_p50_ms\": %.3f,"
            " \"commit_p99_ms\": %.3f, \"read_back\": %ld, \"hop_p50_ms\": %.3f,"
            " \"hop_p99_ms\": %.3f, \"daemon_cpu_pct\": %.1f,"
            " \"sql_statements_per_step\": %.2f, \"commits_per_step\": %.3f,"
            " \"rows_per_step\": %.2f, \"wal_kb_per_step\": %.3f,"
            " \"round_trips_per_step\": %.3f, \"requests_per_batch\": %.2f,"
            " \"pg_cpu_ms_per_step\": %.3f, \"lkipd_cpu_ms_per_step\": %.3f,"
            " \"steal_pct\": %.2f, \"autovacuum_runs\": %ld, \"reruns\": %ld,"
            " \"errors\": %ld}%s\n",
            name, p->seconds, p->completions_per_s, p->changes_per_s, p->rounds_per_s,
            p->req_p50_ms, p->req_p99_ms, p->notify_p50_ms, p->notify_p99_ms, p->commit_p50_ms,
            p->commit_p99_ms, p->read_back, p->hop_p50_ms, p->hop_p99_ms, p->daemon_cpu_pct,
            p->stmts_per_step, p->commits_per_step, p->rows_per_step, p->wal_kb_per_step,
            p->trips_per_step, p->requests_per_batch, p->pg_cpu_ms, p->lkipd_cpu_ms, p->steal_pct,
            p->autovacuum, p->reruns, p->errors, comma ? "," : "");
}

int main(int argc, char **argv)
{
    if (argc == 7 && strcmp(argv[1], "--idle-child") == 0)
        return s_idle_child(argv[2], argv[3], argv[4], atoi(argv[5]), atoi(argv[6]));
    opts_t o = {.orgs = 4,
                .units = UNITS,
                .drivers = 16,
                .warmup_s = 5,
                .load_s = 20,
                .half_s = 15,
                .pgbench_s = 15,
                .quiet_s = 5,
                .scale_clients = 10000,
                .idle_nice = 19,
                .idle_pairs = 2,
                .catchup_events = 10000,
                .out_dir = "bench/results"};
    static const struct option opts[] = {{"orgs", required_argument, NULL, 'k'},
                                         {"units", required_argument, NULL, 'u'},
                                         {"drivers", required_argument, NULL, 'd'},
                                         {"warmup", required_argument, NULL, 'W'},
                                         {"load", required_argument, NULL, 'l'},
                                         {"half", required_argument, NULL, 'h'},
                                         {"pgbench", required_argument, NULL, 'p'},
                                         {"quiet", required_argument, NULL, 'q'},
                                         {"scale", required_argument, NULL, 's'},
                                         {"idle-nice", required_argument, NULL, 'n'},
                                         {"idle-pairs", required_argument, NULL, 'P'},
                                         {"catchup", required_argument, NULL, 'c'},
                                         {"out", required_argument, NULL, 'o'},
                                         {"workers", required_argument, NULL, 'w'},
                                         {"compare-round", no_argument, NULL, 'C'},
                                         {0}};
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'k':
            o.orgs = atoi(optarg);
            break;
        case 'u':
            o.units = atoi(optarg);
            break;
        case 'd':
            o.drivers = atoi(optarg);
            break;
        case 'W':
            o.warmup_s = atoi(optarg);
            break;
        case 'l':
            o.load_s = atoi(optarg);
            break;
        case 'h':
            o.half_s = atoi(optarg);
            break;
        case 'p':
            o.pgbench_s = atoi(optarg);
            break;
        case 'q':
            o.quiet_s = atoi(optarg);
            break;
        case 's':
            o.scale_clients = atoi(optarg);
            break;
        case 'n':
            o.idle_nice = atoi(optarg);
            break;
        case 'P':
            o.idle_pairs = atoi(optarg);
            break;
        case 'c':
            o.catchup_events = atoi(optarg);
            break;
        case 'o':
            o.out_dir = optarg;
            break;
        case 'w':
            o.workers = atoi(optarg);
            break;
        case 'C': /* one organisation, one driver, nothing measured */
            o.compare_round = true;
            o.orgs = o.drivers = 1;
            o.units = UNITS;
            o.scale_clients = 0;
            break;
        default:
            s_usage();
            return 2;
        }
    }
    if (o.orgs < 1 || o.orgs > MAX_ORGS || o.units < 1 || o.units > UNITS || o.drivers < 1 ||
        o.drivers > MAX_DRIVERS || o.idle_nice < 0 || o.idle_nice > 19 || o.idle_pairs < 1 ||
        o.idle_pairs > MAX_IDLE_PAIRS || !getenv("LKIP_TEST_PGDIR")) {
        s_usage();
        return 2;
    }
    const char *round_sql = getenv("LKIP_BENCH_ROUND_SQL");
    if (round_sql && *round_sql)
        s_round_workload.script = round_sql;
    signal(SIGPIPE, SIG_IGN);
    if (o.workers == 0) { /* lkipd's own default */
        config_t defaults;
        config_defaults(&defaults);
        o.workers = defaults.workers;
        config_free(&defaults);
    }
    s_raise_fd_limit(o.scale_clients);
    s_zctx = zmq_ctx_new();
    zmq_ctx_set(s_zctx, ZMQ_MAX_SOCKETS, 4 * o.scale_clients + 1024);
    s_h = harness_new("bench");
    char workers[32];
    snprintf(workers, sizeof workers, "workers=%d", o.workers);
    char level[32];
    snprintf(level, sizeof level, "log_level=%s",
             getenv("LKIP_BENCH_LOG") ? getenv("LKIP_BENCH_LOG") : "warn");
    /* LKIP_BENCH_SET: one more key=value for lkipd, for experiments */
    const char *extra = getenv("LKIP_BENCH_SET");
    const char *sets[] = {level, "sop_dir=sop", workers, extra && *extra ? extra : NULL, NULL};
    s_d = s_h ? harness_daemon_start(s_h, sets) : NULL;
    if (s_h &&
        harness_sql_exec(s_h, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements", NULL) != 0)
        fprintf(stderr, "bench: no pg_stat_statements: no statement counts\n");
    /* LKIP_BENCH_SQL: statements run once the schema exists, for experiments */
    const char *exp_sql = getenv("LKIP_BENCH_SQL");
    if (s_d && exp_sql && *exp_sql && harness_sql_exec(s_h, exp_sql, NULL) != 0)
        fprintf(stderr, "bench: LKIP_BENCH_SQL failed\n");
    if (!s_d || s_make_world(&o) != 0) {
        fprintf(stderr, "bench: could not set up the daemon and its users\n");
        harness_destroy(&s_h);
        return 1;
    }

    s_admin = s_connect(&s_admin_key, 10000);
    /* connections: per driver one per actor; per organisation one subscribed listener */
    for (int k = 0; k < o.orgs; k++) {
        listener_t *l = &s_listeners[k];
        l->keepalive_ms = 5000; /* unless the daemon asks for sooner */
        for (int r = 0; r < ROLES; r++)
            l->conn[l->n++] = s_connect(&s_orgs[k].actor[r], 10000);
        for (int u = 0; u < o.units; u++)
            l->conn[l->n++] = s_connect(&s_orgs[k].op[u], 10000);
        for (int i = 0; i < l->n; i++)
            if (!l->conn[i] || !s_subscribe(l->conn[i], 0, &l->keepalive_ms)) {
                fprintf(stderr, "bench: a listener could not subscribe\n");
                return 1;
            }
    }
    for (int i = 0; i < o.drivers; i++) {
        driver_t *d = &s_drivers[i];
        d->id = i;
        d->org = &s_orgs[i % o.orgs];
        d->units = o.units;
        for (int r = 0; r < ROLES; r++)
            d->actor[r] = s_connect(&d->org->actor[r], 10000);
        for (int u = 0; u < o.units; u++)
            d->op[u] = s_connect(&d->org->op[u], 10000);
    }
    int rc = 0;
    if (o.compare_round) {
        rc = s_compare_round();
        goto teardown;
    }
    atomic_store(&s_listening, true);
    for (int k = 0; k < o.orgs; k++)
        pthread_create(&s_listeners[k].thread, NULL, s_listener_main, &s_listeners[k]);

    if (!s_floor_start(&s_floor))
        fprintf(stderr, "bench: the CURVE hop could not be set up; its columns show 0\n");
    /* the first phase after a start runs on cold caches and plans made for empty tables: a
     * warm-up, not measured, so that the phases compared below start alike */
    if (o.warmup_s > 0) {
        fprintf(stderr, "bench: warm-up for %d s (not measured)\n", o.warmup_s);
        (void)s_run_phase(&o, o.warmup_s, 0);
    }
    fprintf(stderr, "bench: full load for %d s (%d organisations, %d units, %d drivers)\n",
            o.load_s, o.orgs, o.units, o.drivers);
    phase_t full = s_run_phase(&o, o.load_s, 0);
    fprintf(stderr, "bench: half load (%.0f requests/s) for %d s\n", full.changes_per_s / 2,
            o.half_s);
    phase_t half = s_run_phase(&o, o.half_s, full.changes_per_s / 2);
    fprintf(stderr, "bench: pgbench, one step completion's writes, for %d s\n", o.pgbench_s);
    pgbench_t pgb = s_pgbench(&o, &s_step_workload);
    double tps = pgb.tps;
    fprintf(stderr, "bench: pgbench, a whole round's writes on lkip's schema, for %d s\n",
            o.pgbench_s);
    pgbench_t pgr = s_pgbench(&o, &s_round_workload);

    quiet_t quiet0 = {0}, quiet1 = {0};
    if (o.scale_clients && o.quiet_s > 0) {
        fprintf(stderr, "bench: no load, no idle clients, for %d s\n", o.quiet_s);
        quiet0 = s_quiet(o.quiet_s);
    }
    fprintf(stderr, "bench: %d idle clients\n", o.scale_clients);
    proc_t before_scale = s_proc(harness_daemon_pid(s_d)), idle_proc = before_scale;
    long baseline = (long)s_daemon_load().sessions;
    idle_pair_t pairs[MAX_IDLE_PAIRS] = {0};
    int n_pairs = 0;
    if (o.scale_clients > 0 && s_scale_users(o.scale_clients) != 0)
        fprintf(stderr, "bench: the idle clients' users could not be made\n");
    else
        for (int p = 0; p < o.idle_pairs && o.scale_clients > 0; p++) {
            int64_t t0 = monotonic_ms();
            pairs[p].connected = s_scale(&o);
            fprintf(stderr, "bench: %d idle clients subscribed in %.1f s\n", pairs[p].connected,
                    (double)(monotonic_ms() - t0) / 1000.0);
            if (pairs[p].connected == 0) {
                s_scale_stop();
                break;
            }
            if (p == 0) {
                idle_proc = s_proc(harness_daemon_pid(s_d));
                if (o.quiet_s > 0) {
                    fprintf(stderr, "bench: no load, %d idle clients, for %d s\n",
                            pairs[p].connected, o.quiet_s);
                    quiet1 = s_quiet(o.quiet_s);
                }
            }
            s_idle_pair(&o, &pairs[p], p == 0 ? &full : &pairs[p - 1].without, baseline);
            n_pairs++;
        }
    int connected = n_pairs > 0 ? pairs[0].connected : 0;
    const phase_t *scaled = n_pairs > 0 ? &pairs[0].with : NULL;

    fprintf(stderr, "bench: catch-up of %d events\n", o.catchup_events);
    double catchup = s_catchup(o.catchup_events);

    atomic_store(&s_listening, false);
    for (int k = 0; k < o.orgs; k++)
        pthread_join(s_listeners[k].thread, NULL);
    long events = 0;
    for (int k = 0; k < o.orgs; k++)
        events += s_listeners[k].events;

    char host[128] = "?";
    gethostname(host, sizeof host);
    printf("\nlkip benchmark on %s (%ld cores), %d organisations x (4 actors + %d units), %d "
           "drivers, lkipd with %d worker(s)\n\n",
           host, sysconf(_SC_NPROCESSORS_ONLN), o.orgs, o.units, o.drivers, o.workers);
    printf("%-22s %8s %8s %9s %9s %9s %9s %7s %7s %7s %7s %8s %7s %7s %7s %7s %7s %7s %7s %7s "
           "%6s %7s %6s %6s\n",
           "phase", "steps/s", "rounds/s", "req p50", "req p99", "notif p50", "notif p99",
           "cmt p50", "cmt p99", "hop p50", "hop p99", "lkipd", "SQL", "commits", "rows", "WAL kB",
           "trips", "req", "PG CPU", "lkipd", "steal", "autovac", "reruns", "errors");
    printf("%-22s %8s %8s %9s %9s %9s %9s %7s %7s %7s %7s %8s %7s %7s %7s %7s %7s %7s %7s %7s "
           "%6s %7s %6s %6s\n",
           "", "", "", "ms", "ms", "ms", "ms", "ms", "ms", "ms", "ms", "CPU", "/step", "/step",
           "/step", "/step", "/step", "/batch", "ms/step", "ms/step", "", "runs", "", "");
    s_print_phase("full load", &full);
    s_print_phase("half load", &half);
    /* a ratio between two phases means something only when the host let both run alike */
    struct {
        char name[48];
        double steal;
    } measured[4 + 2 * MAX_IDLE_PAIRS] = {{"full load", full.steal_pct},
                                          {"half load", half.steal_pct},
                                          {"pgbench, one step", pgb.steal_pct},
                                          {"pgbench, round", pgr.steal_pct}};
    int n_measured = 4;
    for (int p = 0; p < n_pairs; p++) {
        char nth[16] = "";
        if (n_pairs > 1)
            snprintf(nth, sizeof nth, " %d", p + 1);
        snprintf(measured[n_measured].name, sizeof measured[0].name, "full + idle clients%s", nth);
        measured[n_measured++].steal = pairs[p].with.steal_pct;
        s_print_phase(measured[n_measured - 1].name, &pairs[p].with);
        snprintf(measured[n_measured].name, sizeof measured[0].name, "full, idle ones gone%s", nth);
        measured[n_measured++].steal = pairs[p].without.steal_pct;
        s_print_phase(measured[n_measured - 1].name, &pairs[p].without);
    }
    strbuf_t stolen = {0};
    for (int i = 0; i < n_measured; i++)
        if (measured[i].steal > STEAL_WARN_PCT)
            strbuf_printf(&stolen, "%s\"%s\" %.0f%%", stolen.len ? ", " : "", measured[i].name,
                          measured[i].steal);
    if (stolen.len)
        printf("\nwarning: the host took this machine's CPU during %s: the ratios of this run "
               "compare unlike conditions; run it again\n",
               strbuf_str(&stolen));
    strbuf_free(&stolen);
    printf("\npgbench, one step completion's write set per transaction, %d clients: %.0f TPS (per "
           "transaction: PostgreSQL CPU %.2f ms, %.1f rows written, %.2f kB of WAL)\n",
           o.drivers, tps, pgb.pg_cpu_ms, pgb.rows, pgb.wal_kb);
    printf("lkip step completions/s / pgbench TPS: %.2f\n",
           tps > 0 ? full.completions_per_s / tps : 0);
    /* the full load's writes per round, beside the round script's */
    double per_round = full.rounds_per_s > 0 ? full.completions_per_s / full.rounds_per_s : 0;
    printf("pgbench, a whole round's writes on lkip's schema (17 transactions, one per request), "
           "%d clients: %.1f rounds/s (per round: PostgreSQL CPU %.1f ms, %.0f rows written, "
           "%.1f kB of WAL; lkip's full load: %.1f ms, %.0f rows, %.1f kB)\n",
           o.drivers, pgr.tps, pgr.pg_cpu_ms, pgr.rows, pgr.wal_kb, full.pg_cpu_ms * per_round,
           full.rows_per_step * per_round, full.wal_kb_per_step * per_round);
    printf("lkip rounds/s / pgbench rounds/s: %.2f\n",
           pgr.tps > 0 ? full.rounds_per_s / pgr.tps : 0);
    double idle_ratio = scaled && full.completions_per_s > 0
                            ? scaled->completions_per_s / full.completions_per_s
                            : 0;
    double around_mean = 0;
    for (int p = 0; p < n_pairs; p++)
        around_mean += pairs[p].ratio_around / n_pairs;
    if (n_pairs > 0) {
        strbuf_t sb = {0};
        for (int p = 0; p < n_pairs; p++)
            strbuf_printf(&sb, "%s%.0f%%", s_list_sep(p, n_pairs), 100.0 * pairs[p].ratio_around);
        printf("with the idle clients: %.0f%% of the full load's step completions/s; of the mean "
               "of the loads just before and just after them: %s",
               100.0 * idle_ratio, strbuf_str(&sb));
        if (n_pairs > 1)
            printf(" (%d pairs), %.0f%% on average", n_pairs, 100.0 * around_mean);
        printf("\n");
        strbuf_free(&sb);
    }
    printf("notif: an assignment queued in its transaction -> received by the next actor; cmt: "
           "its transaction committed -> received (%ld, %ld and %ld of them read from the outbox "
           "instead, without a commit time); hop: one CURVE message between two threads of this "
           "bench under the same load, the floor under both\n",
           full.read_back, half.read_back, scaled ? scaled->read_back : 0);
    if (n_pairs > 0) {
        strbuf_t sessions = {0}, cpu = {0};
        for (int p = 0; p < n_pairs; p++) {
            strbuf_printf(&sessions, "%s%ld -> %ld (gone %.0f s after they closed)", p ? ", " : "",
                          pairs[p].with.sessions_start, pairs[p].with.sessions_end,
                          pairs[p].drain_s);
            strbuf_printf(&cpu, "%s%.1f%%", s_list_sep(p, n_pairs), pairs[p].clients_cpu_pct);
        }
        printf("idle subscribed clients: %d of %d; lkipd RSS %ld MB before, %ld MB with them, %ld "
               "MB under load (peak %ld MB); event sessions lkipd held over each load with them: "
               "%s; their processes (nice %d) used %s of one core meanwhile\n",
               connected, o.scale_clients, before_scale.rss_kb / 1024, idle_proc.rss_kb / 1024,
               pairs[0].daemon_with.rss_kb / 1024, pairs[0].daemon_with.hwm_kb / 1024,
               strbuf_str(&sessions), o.idle_nice, strbuf_str(&cpu));
        strbuf_free(&sessions);
        strbuf_free(&cpu);
    }
    printf("no load, CPU in %% of one core (lkipd, PostgreSQL, the idle clients' processes; the "
           "whole machine busy, stolen): without the idle clients %.1f, %.1f, -; %.0f, %.0f; with "
           "them %.1f, %.1f, %.1f; %.0f, %.0f\n",
           quiet0.lkipd, quiet0.pg, quiet0.machine, quiet0.steal, quiet1.lkipd, quiet1.pg,
           quiet1.clients, quiet1.machine, quiet1.steal);
    printf("catch-up of %d missed events: %.3f s\n", o.catchup_events, catchup);
    printf("events received by the subscribed actors: %ld\n", events);
    /* LKIP_BENCH_TOP=1: the statements that took PostgreSQL longest over the whole run (time
     * spent running and planning them), to see where it goes */
    if (getenv("LKIP_BENCH_TOP")) {
        char *top = harness_sql(
            s_h,
            "SELECT string_agg(format('%9s %9s %8s %7s  %s', calls, plans, round(ms), round(1000 *"
            " ms / calls), left(regexp_replace(query, '\\s+', ' ', 'g'), 100)), E'\\n' ORDER BY"
            " ms DESC) FROM (SELECT calls, plans, total_exec_time + total_plan_time AS ms, query"
            " FROM pg_stat_statements WHERE toplevel AND dbid = (SELECT oid FROM pg_database WHERE"
            " datname = current_database()) ORDER BY ms DESC LIMIT 40) s",
            NULL);
        printf("\nstatements that took longest (calls, plans made, ms in all, us per call,"
               " text):\n%s\n",
               top ? top : "(none)");
        free(top);
        char *tables = harness_sql(
            s_h,
            "SELECT string_agg(format('%-20s %9s %9s %9s %9s %7s kB', relname, n_tup_ins,"
            " n_tup_upd, n_tup_del, n_tup_hot_upd, pg_total_relation_size(relid) / 1024),"
            " E'\\n' ORDER BY n_tup_ins + n_tup_upd DESC) FROM pg_stat_user_tables",
            NULL);
        printf("\ntables (name, inserted, updated, deleted, HOT updates, size):\n%s\n",
               tables ? tables : "(none)");
        free(tables);
    }
    fflush(stdout);

    mkdir("bench/results", 0755);
    char stamp[32];
    time_t now = time(NULL);
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", gmtime(&now));
    char *path = xasprintf("%s/bench-%s.json", o.out_dir, stamp);
    FILE *f = fopen(path, "w");
    if (f) {
        fprintf(f,
                "{\n  \"host\": \"%s\", \"cores\": %ld, \"orgs\": %d, \"units\": %d,"
                " \"drivers\": %d, \"workers\": %d,\n",
                host, sysconf(_SC_NPROCESSORS_ONLN), o.orgs, o.units, o.drivers, o.workers);
        s_json_phase(f, "full_load", &full, true);
        s_json_phase(f, "half_load", &half, true);
        for (int p = 0; p < n_pairs; p++) {
            char nth[16] = "", name[64];
            if (p > 0)
                snprintf(nth, sizeof nth, "_%d", p + 1);
            snprintf(name, sizeof name, "full_load_with_idle_clients%s", nth);
            s_json_phase(f, name, &pairs[p].with, true);
            snprintf(name, sizeof name, "full_load_after_idle_clients%s", nth);
            s_json_phase(f, name, &pairs[p].without, true);
            fprintf(f,
                    "  \"idle_pair_%d\": {\"clients\": %d, \"ratio_around\": %.3f,"
                    " \"clients_cpu_pct\": %.2f, \"sessions_before\": %ld,"
                    " \"sessions_after\": %ld, \"sessions_gone_s\": %.1f},\n",
                    p + 1, pairs[p].connected, pairs[p].ratio_around, pairs[p].clients_cpu_pct,
                    pairs[p].with.sessions_start, pairs[p].with.sessions_end, pairs[p].drain_s);
        }
        fprintf(
            f,
            "  \"pgbench_tps\": %.1f, \"pgbench_pg_cpu_ms\": %.3f,"
            " \"pgbench_rows_per_txn\": %.2f, \"pgbench_wal_kb_per_txn\": %.3f, \"ratio\": %.3f,"
            " \"pgbench_rounds_per_s\": %.2f, \"pgbench_round_pg_cpu_ms\": %.2f,"
            " \"pgbench_round_rows\": %.1f, \"pgbench_round_wal_kb\": %.2f,"
            " \"pgbench_steal_pct\": %.2f, \"pgbench_round_steal_pct\": %.2f,"
            " \"round_ratio\": %.3f, \"idle_clients\": %d, \"idle_nice\": %d,"
            " \"idle_pairs\": %d, \"idle_ratio\": %.3f, \"idle_ratio_around\": %.3f,"
            " \"rss_mb_before\": %ld, \"rss_mb_idle\": %ld, \"rss_mb_loaded\": %ld,"
            " \"rss_mb_peak\": %ld, \"catchup_events\": %d, \"catchup_s\": %.3f,\n"
            "  \"quiet_cpu_pct\": {\"lkipd\": %.2f, \"pg\": %.2f, \"machine\": %.1f,"
            " \"steal\": %.1f}, \"quiet_idle_cpu_pct\": {\"lkipd\": %.2f, \"pg\": %.2f,"
            " \"clients\": %.2f, \"machine\": %.1f, \"steal\": %.1f}\n}\n",
            tps, pgb.pg_cpu_ms, pgb.rows, pgb.wal_kb, tps > 0 ? full.completions_per_s / tps : 0,
            pgr.tps, pgr.pg_cpu_ms, pgr.rows, pgr.wal_kb, pgb.steal_pct, pgr.steal_pct,
            pgr.tps > 0 ? full.rounds_per_s / pgr.tps : 0, connected, o.idle_nice, n_pairs,
            idle_ratio, around_mean, before_scale.rss_kb / 1024, idle_proc.rss_kb / 1024,
            n_pairs ? pairs[0].daemon_with.rss_kb / 1024 : 0,
            n_pairs ? pairs[0].daemon_with.hwm_kb / 1024 : 0, o.catchup_events, catchup,
            quiet0.lkipd, quiet0.pg, quiet0.machine, quiet0.steal, quiet1.lkipd, quiet1.pg,
            quiet1.clients, quiet1.machine, quiet1.steal);
        fclose(f);
        printf("results: %s\n", path);
    }
    fflush(stdout);
    free(path);

teardown:
    s_scale_stop();
    free(s_idle_keys);
    for (int i = 0; i < o.drivers; i++) {
        for (int r = 0; r < ROLES; r++)
            lkipc_destroy(&s_drivers[i].actor[r]);
        for (int u = 0; u < o.units; u++)
            lkipc_destroy(&s_drivers[i].op[u]);
        free(s_drivers[i].latency.v);
    }
    for (int k = 0; k < o.orgs; k++) {
        for (int i = 0; i < s_listeners[k].n; i++)
            lkipc_destroy(&s_listeners[k].conn[i]);
        free(s_listeners[k].latency.v);
    }
    lkipc_destroy(&s_admin);
    harness_destroy(&s_h);
    s_floor_stop(&s_floor);
    zmq_ctx_term(s_zctx);
    return rc;
}
