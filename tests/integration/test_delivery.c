/* test_delivery — "nothing is lost": every event reaches every recipient exactly once (after the
 * client drops duplicates by seq, as lkip watch does) and every request takes effect at most
 * once, whatever fails. Real lkipd processes against a real PostgreSQL over CURVE sockets:
 *
 *   - lkipd killed with SIGKILL five times during a load of step completions from several
 *     clients, restarted each time on a new port: the clients connect again, resend the same
 *     envelope (same request_id) and subscribe with the last seq they hold;
 *   - the same with lkipd restarted on its own port, where the clients' connections come back
 *     by themselves, and a real `lkip watch` process (itself stopped and killed on the way);
 *   - two daemons sharing the load while one of them is killed;
 *   - PostgreSQL restarted and killed during the load, on a cluster of the test's own;
 *   - a client offline while 200 events pile up gets exactly those 200, in order;
 *   - a request whose reply was lost (client gone, or lkipd killed after the commit) and that is
 *     sent again gets its stored reply and has one effect; so does the same request sent to two
 *     daemons at once;
 *   - two daemons: an event caused through one reaches a client of the other by NOTIFY, and by
 *     the outbox poll when the notification is lost;
 *   - events not acknowledged are sent again after resend_ms;
 *   - retention prunes old acknowledged events in small batches, keeps unacknowledged ones, and
 *     a client that holds nothing still gets what was kept;
 *   - acknowledgements lost when lkipd is killed are stored when the client subscribes to the
 *     daemon that comes back (its last seq), so retention prunes those events too;
 *   - outages as users live them, with real lkip processes behind TCP relays (which lose a
 *     reply, shut the door, cut connections): a change whose answer was lost in a kill and whose
 *     retries meet a stopped PostgreSQL ends accepted with the original answer; watches facing
 *     refused handshakes knock a few times, not thousands, and their --json output stays one
 *     event per line; a change given up on is sent again, unchanged, by the same command.
 *
 * The load is a small inline definition (six plain steps, staf and kasubag_perencanaan in
 * turn, the sekretaris watching) run by pairs of actor threads, each with its own lkipc
 * connection, that act on the step_assigned events they receive: a lost event stalls the load,
 * a duplicate one makes a second request that the engine refuses. Every check at the end
 * compares what each client saw with the outbox and the state with what was acknowledged.
 * Lines starting with "#" report what happened (timeouts, retries, latencies). */
#include "../harness/harness.h"
#include "../harness/relay.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <zmq.h>

/* Per attempt in the main thread: long enough for a sanitizer build on a busy machine. */
#define CALL_TIMEOUT_MS 10000
/* Per attempt of a load client: short, so that a killed daemon is noticed quickly. */
#define LOAD_ATTEMPT_MS 500
/* The whole load, disruptions included, must end within this. */
#define LOAD_DEADLINE_MS 40000
/* Waits on a condition (an event, a row) give up after this. */
#define WAIT_MS   10000
/* the position a recipient acknowledged (0 before its first acknowledgement) */
#define ACKED_SQL "SELECT coalesce((SELECT acked_seq FROM recipient_acks WHERE user_id = $1), 0)"
#define MAX_PAIRS 3
#define DEF_CODE  "UJIKIRIM"
#define DEF_STEPS 6

/* Six plain steps, staf and kasubag_perencanaan in turn; the sekretaris watches. Starting
 * completes step 1 (a plain task); thirty working days keep every reminder far away. */
static const char s_definition[] = "code: " DEF_CODE "\n"
                                   "nama: Uji pengiriman pemberitahuan\n"
                                   "pengamat: sekretaris\n"
                                   "langkah:\n"
                                   "  - {no: 1, uraian: Memulai, pelaksana: staf,"
                                   " waktu: 30 hari, jenis: tugas}\n"
                                   "  - {no: 2, uraian: Memeriksa, pelaksana: kasubag_perencanaan,"
                                   " waktu: 30 hari, jenis: tugas}\n"
                                   "  - {no: 3, uraian: Memperbaiki, pelaksana: staf,"
                                   " waktu: 30 hari, jenis: tugas}\n"
                                   "  - {no: 4, uraian: Menilai, pelaksana: kasubag_perencanaan,"
                                   " waktu: 30 hari, jenis: tugas}\n"
                                   "  - {no: 5, uraian: Melengkapi, pelaksana: staf,"
                                   " waktu: 30 hari, jenis: tugas}\n"
                                   "  - {no: 6, uraian: Menutup, pelaksana: kasubag_perencanaan,"
                                   " waktu: 30 hari, jenis: tugas}\n";

/* Events each role receives per instance of the definition. */
#define EVENTS_SEKRETARIS (DEF_STEPS + 1) /* step_done of every step, instance_done */
#define EVENTS_STAF       3               /* step_assigned 3 and 5, instance_done */
#define EVENTS_KASUBAG    4               /* step_assigned 2, 4 and 6, instance_done */

/* ---- the world of one test: a database, its users, the daemons ---------------------------- */

typedef struct {
    harness_t *h;
    harness_daemon_t *daemons[4]; /* [0] is the first; all are stopped and checked at the end */
    int n_daemons;
    keypair_t admin;
    keypair_t sekretaris;
    keypair_t staf[MAX_PAIRS];
    keypair_t kasubag[MAX_PAIRS];
    int pairs;
    relay_t *relays[4]; /* between lkip commands and the daemons; closed at the end */
    int n_relays;
} world_t;

static world_t s_w;
static void *s_zctx; /* context of raw sockets */

static int s_group_setup(void **state)
{
    s_zctx = zmq_ctx_new();
    return s_zctx ? 0 : -1;
}

static int s_group_teardown(void **state)
{
    zmq_ctx_term(s_zctx);
    return 0;
}

/* Every test: whatever it left (daemons, clients, database) goes, even when it failed. */
static int s_teardown(void **state)
{
    for (int i = 0; i < s_w.n_relays; i++)
        relay_destroy(&s_w.relays[i]);
    harness_destroy(&s_w.h);
    memset(&s_w, 0, sizeof s_w);
    return 0;
}

/* Every daemon here runs two workers (lkipd's default is one), so that delivery, fail-over and
 * the workers' reconnections are tried with more than one; a test's own sets come after and
 * win. */
static harness_daemon_t *s_daemon(const char *const *sets)
{
    assert_true(s_w.n_daemons < (int)ARRAY_LEN(s_w.daemons));
    const char *all[16] = {"workers=2"};
    size_t n = 1;
    while (sets && sets[n - 1]) {
        assert_true(n + 1 < ARRAY_LEN(all));
        all[n] = sets[n - 1];
        n++;
    }
    harness_daemon_t *d = harness_daemon_start(s_w.h, all);
    assert_non_null(d);
    s_w.daemons[s_w.n_daemons++] = d;
    return d;
}

static lkipc_t *s_client(harness_daemon_t *d, const keypair_t *kp)
{
    lkipc_t *c = harness_client(s_w.h, d, kp, CALL_TIMEOUT_MS);
    assert_non_null(c);
    return c;
}

static long long s_user_id(const char *name)
{
    long long id = harness_sql_int(s_w.h, "SELECT id FROM users WHERE name = $1", name, NULL);
    assert_true(id > 0);
    return id;
}

/* The admin loads the test definition. */
static void s_load_definition(void)
{
    lkipc_t *c = s_client(s_w.daemons[0], &s_w.admin);
    harness_load_sop(c, "ujikirim.yaml", s_definition);
    harness_client_close(s_w.h, &c);
}

/* A fresh database (on a cluster of its own when own_cluster), the users (admin.uji,
 * sekretaris.uji, staf.pN and kasubag.pN for each pair), the first daemon with sets, and the
 * test definition. */
static void s_world(const char *name, bool own_cluster, int pairs, const char *const *sets)
{
    memset(&s_w, 0, sizeof s_w);
    const char *ha_hosts = getenv("LKIP_TEST_HA_HOSTS");
    s_w.h = ha_hosts && *ha_hosts ? harness_new_on(name, ha_hosts)
            : own_cluster         ? harness_new_own_cluster(name)
                                  : harness_new(name);
    assert_non_null(s_w.h);
    s_w.pairs = pairs;
    assert_int_equal(harness_user(s_w.h, "admin.uji", "admin", NULL, &s_w.admin), 0);
    assert_int_equal(harness_user(s_w.h, "sekretaris.uji", "sekretaris", NULL, &s_w.sekretaris), 0);
    for (int p = 0; p < pairs; p++) {
        char staf[32], kasubag[32];
        snprintf(staf, sizeof staf, "staf.p%d", p);
        snprintf(kasubag, sizeof kasubag, "kasubag.p%d", p);
        assert_int_equal(harness_user(s_w.h, staf, "staf", NULL, &s_w.staf[p]), 0);
        assert_int_equal(harness_user(s_w.h, kasubag, "kasubag_perencanaan", NULL, &s_w.kasubag[p]),
                         0);
    }
    s_daemon(sets);
    s_load_definition();
}

/* Stops every daemon still running with SIGTERM: each must exit 0 and no lkipd log of the test
 * may hold a sanitizer report. */
static void s_world_close(void)
{
    for (int i = 0; i < s_w.n_daemons; i++) {
        if (!harness_daemon_running(s_w.daemons[i]))
            continue;
        int rc = harness_daemon_stop(s_w.daemons[i], SIGTERM);
        if (rc != 0) {
            harness_dump_logs(s_w.h);
            fail_msg("daemon %d after SIGTERM: exit %d", i + 1, rc);
        }
    }
    assert_true(harness_logs_clean(s_w.h));
}

/* ---- small helpers -------------------------------------------------------------------------- */

static void s_pause_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* Waits up to WAIT_MS until sql (an integer; one parameter arg, or none when NULL) equals
 * want; returns the last value read. */
static long long s_wait_sql(long long want, const char *sql, const char *arg)
{
    int64_t deadline = monotonic_ms() + WAIT_MS;
    long long v;
    for (;;) {
        v = harness_sql_int(s_w.h, sql, arg, NULL);
        if (v == want || monotonic_ms() >= deadline)
            return v;
        s_pause_ms(20);
    }
}

static char *s_u64(uint64_t v)
{
    return xasprintf("%llu", (unsigned long long)v);
}

/* A start of the test definition for period. */
static void s_start_req(Lkip__Envelope *env, Lkip__StartRequest *body, const char *period)
{
    lkip__start_request__init(body);
    body->sop_code = DEF_CODE;
    body->period = (char *)period;
    body->note = "uji";
    lkip__envelope__init(env);
    env->request_id = lkipc_request_id();
    env->body_case = LKIP__ENVELOPE__BODY_START;
    env->start = body;
}

/* "done" of step_no of the test definition's instance for period; instance is its buffer. */
static void s_step_req(Lkip__Envelope *env, Lkip__StepRequest *body, char instance[64],
                       const char *period, int step_no)
{
    snprintf(instance, 64, "%s/%s", DEF_CODE, period);
    lkip__step_request__init(body);
    body->instance = instance;
    body->step_no = step_no;
    body->action = LKIP__STEP_ACTION__DONE;
    lkip__envelope__init(env);
    env->request_id = lkipc_request_id();
    env->body_case = LKIP__ENVELOPE__BODY_STEP;
    env->step = body;
}

static void s_start_ok(lkipc_t *c, const char *period)
{
    Lkip__Envelope req;
    Lkip__StartRequest body;
    s_start_req(&req, &body, period);
    Lkip__Envelope *reply = harness_call_ok(c, &req);
    harness_assert_reply(reply, LKIP__STATUS__CREATED, "ok");
    wire_free(&reply);
}

/* Subscribes c after last; returns the reply (checked: 200 with a SubscribeReply). */
static Lkip__Envelope *s_subscribe_reply(lkipc_t *c, uint64_t last)
{
    Lkip__SubscribeRequest body = LKIP__SUBSCRIBE_REQUEST__INIT;
    body.last_seq = last;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_SUBSCRIBE;
    req.subscribe = &body;
    Lkip__Envelope *reply = harness_call_ok(c, &req);
    harness_assert_reply(reply, LKIP__STATUS__OK, "ok");
    assert_int_equal(reply->reply->payload_case, LKIP__REPLY__PAYLOAD_SUBSCRIBED);
    return reply;
}

/* Subscribes c after last; returns the daemon's newest seq for the user. */
static uint64_t s_subscribe(lkipc_t *c, uint64_t last)
{
    Lkip__Envelope *reply = s_subscribe_reply(c, last);
    uint64_t newest = reply->reply->subscribed->last_seq;
    wire_free(&reply);
    return newest;
}

static void s_ack(lkipc_t *c, uint64_t seq)
{
    Lkip__AckRequest body = LKIP__ACK_REQUEST__INIT;
    body.seq = seq;
    Lkip__Envelope env = LKIP__ENVELOPE__INIT;
    env.body_case = LKIP__ENVELOPE__BODY_ACK;
    env.ack = &body;
    assert_int_equal(lkipc_send(c, &env), 0);
}

/* c's ping answered 200 (the caller frees it), or NULL: not answered, or another status. */
static Lkip__Envelope *s_ping(lkipc_t *c)
{
    Lkip__PingRequest body = LKIP__PING_REQUEST__INIT;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_PING;
    req.ping = &body;
    Lkip__Envelope *reply = NULL;
    if (lkipc_call(c, &req, &reply) != LKIPC_OK || reply->reply->status != LKIP__STATUS__OK)
        wire_free(&reply);
    return reply;
}

/* The next event on c within timeout_ms (fails the test when none comes); caller frees. */
static Lkip__Envelope *s_event(lkipc_t *c, int timeout_ms, const char *what)
{
    Lkip__Envelope *ev = NULL;
    int rc = lkipc_next_event(c, timeout_ms, &ev);
    if (rc != 1) {
        harness_dump_logs(s_w.h);
        fail_msg("%s: no event within %d ms (%d)", what, timeout_ms, rc);
    }
    return ev;
}

/* True when no event comes on c within ms (a check that something did not happen). */
static bool s_quiet(lkipc_t *c, int ms, uint64_t *seq)
{
    Lkip__Envelope *ev = NULL;
    int rc = lkipc_next_event(c, ms, &ev);
    if (rc == 1 && seq)
        *seq = ev->event->seq;
    wire_free(&ev);
    return rc != 1;
}

/* The payload the daemon stores for an event: the packed lkip.Event without seq, as a bytea
 * literal in hex. Caller frees. */
static char *s_payload_hex(const char *kind, const char *text)
{
    Lkip__Event ev = LKIP__EVENT__INIT;
    ev.kind = (char *)kind;
    ev.text = (char *)text;
    ev.at = (int64_t)time(NULL);
    size_t len = lkip__event__get_packed_size(&ev);
    uint8_t *buf = xmalloc(len);
    lkip__event__pack(&ev, buf);
    strbuf_t sb = {0};
    strbuf_puts(&sb, "\\x");
    for (size_t i = 0; i < len; i++)
        strbuf_printf(&sb, "%02x", buf[i]);
    free(buf);
    return strbuf_take(&sb);
}

/* Queues n events of kind for user the way the daemon does (the recipient's sequence row
 * counts them), but with no NOTIFY: a lost notification, or history for retention. */
static void s_insert_events(long long user_id, int n, const char *kind)
{
    char *uid = xasprintf("%lld", user_id);
    char *count = xasprintf("%d", n);
    char *payload = s_payload_hex(kind, "disisipkan tanpa NOTIFY");
    int rc = harness_sql_exec(s_w.h,
                              "WITH r AS (UPDATE recipient_seq SET last_seq = last_seq + $2::int"
                              "  WHERE user_id = $1::bigint RETURNING user_id, last_seq)"
                              " INSERT INTO outbox (user_id, seq, kind, payload)"
                              " SELECT r.user_id, r.last_seq - $2::int + g, $3, $4::bytea"
                              " FROM r, generate_series(1, $2::int) g",
                              uid, count, kind, payload, NULL);
    free(uid);
    free(count);
    free(payload);
    assert_int_equal(rc, 0);
}

/* A raw DEALER with kp's keys connected to d: for requests whose replies are never read. */
static void *s_raw_open(harness_daemon_t *d, const keypair_t *kp)
{
    void *s = zmq_socket(s_zctx, ZMQ_DEALER);
    assert_non_null(s);
    int linger = 2000; /* what was sent leaves before the socket closes */
    assert_int_equal(zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger), 0);
    assert_int_equal(
        zmq_setsockopt(s, ZMQ_CURVE_SERVERKEY, harness_server_public_key(s_w.h), KEY_Z85_LEN), 0);
    assert_int_equal(zmq_setsockopt(s, ZMQ_CURVE_PUBLICKEY, kp->public_key, KEY_Z85_LEN), 0);
    assert_int_equal(zmq_setsockopt(s, ZMQ_CURVE_SECRETKEY, kp->secret_key, KEY_Z85_LEN), 0);
    assert_int_equal(zmq_connect(s, harness_daemon_endpoint(d)), 0);
    return s;
}

static void s_raw_send(void *s, const Lkip__Envelope *env)
{
    size_t len;
    uint8_t *buf = wire_encode(env, &len);
    assert_int_equal(zmq_send(s, buf, len, 0), (int)len);
    free(buf);
}

static Lkip__Envelope *s_raw_recv(void *s)
{
    zmq_pollitem_t item = {s, 0, ZMQ_POLLIN, 0};
    if (zmq_poll(&item, 1, CALL_TIMEOUT_MS) != 1) {
        harness_dump_logs(s_w.h);
        fail_msg("no reply on the raw socket within %d ms", CALL_TIMEOUT_MS);
    }
    zmq_msg_t m;
    zmq_msg_init(&m);
    assert_true(zmq_msg_recv(&m, s, 0) >= 0);
    const char *why = NULL;
    Lkip__Envelope *env = wire_decode(zmq_msg_data(&m), zmq_msg_size(&m), &why);
    zmq_msg_close(&m);
    if (!env)
        fail_msg("undecodable reply: %s", why);
    return env;
}

/* ---- the load: actor threads driven by their events ----------------------------------------- */

/* One request of a load client: the start of an instance (step_no 1) or "done" of a step. */
typedef struct {
    char period[32];     /* the instance's period, "pP-N" (pair P, number N) */
    int step_no;         /* 1: start */
    uint64_t request_id; /* chosen once: every attempt sends the same */
    int status;          /* of the reply that ended it; 0 while open */
} op_t;

/* One event as the client accepted it (after dropping duplicates). */
typedef struct {
    uint64_t seq;
    char kind[24];
} seen_t;

/* Where the load clients connect, per daemon of the load; changes when a daemon is restarted on
 * a new port. */
#define LOAD_DAEMONS 2
static struct {
    pthread_mutex_t mu;
    char endpoint[LOAD_DAEMONS][256];
    unsigned gen[LOAD_DAEMONS]; /* bumped with every new endpoint */
    const char *server_key;
    atomic_int ops_done;  /* requests answered with a final reply, every client */
    atomic_bool abort;    /* a client failed, or a disruption did: every client stops */
    int64_t deadline;     /* monotonic ms */
    int hold_at;          /* the clients wait at this many requests answered ... */
    atomic_bool released; /* ... until every disruption has happened */
    int deadline_ms;      /* the whole load; 0: LOAD_DEADLINE_MS */
    int gap_ms;           /* >0: disruptions by time, this long after the previous one ended,
                           * not at points of progress (a slow disruption under a fast load) */
    int pace_ms;          /* >0: each client pauses this long after an answered request */
    /* every request attempt's outcome in time order (under mu), for the windows of errors */
    int64_t *outcome_at; /* monotonic ms */
    bool *outcome_ok;
    int n_outcomes;
    /* called every PROBE_EVERY_MS while the load runs (NULL: none); NULL or what went wrong */
    const char *(*probe)(void);
} s_load = {.mu = PTHREAD_MUTEX_INITIALIZER};

#define PROBE_EVERY_MS 200

/* Notes the outcome of one request attempt: answered (ok), or an error the client retries. */
static void s_outcome(bool ok)
{
    pthread_mutex_lock(&s_load.mu);
    int n = s_load.n_outcomes++;
    s_load.outcome_at = xrealloc(s_load.outcome_at, (size_t)(n + 1) * sizeof *s_load.outcome_at);
    s_load.outcome_ok = xrealloc(s_load.outcome_ok, (size_t)(n + 1) * sizeof *s_load.outcome_ok);
    s_load.outcome_at[n] = monotonic_ms();
    s_load.outcome_ok[n] = ok;
    pthread_mutex_unlock(&s_load.mu);
}

/* One load client: a user with its own connection, in its own thread. */
typedef struct {
    char name[32];
    keypair_t keys;
    long long user_id;
    int pair;        /* acts on instances "pP-..." of its pair; -1: only watches */
    int daemon;      /* which daemon of the load it talks to */
    int expect_done; /* instance_done events that end its run */
    /* connection */
    lkipc_t *c;
    unsigned gen;    /* of the endpoint c is connected to */
    bool subscribed; /* the session on the daemon is set up */
    unsigned conns;  /* lkipc_connections when it subscribed */
    /* events */
    uint64_t last; /* the highest seq accepted, as lkip watch keeps it */
    seen_t *seen;
    int n_seen;
    int received; /* every event received, duplicates included */
    int duplicates;
    int instance_done;
    /* requests */
    op_t *ops;
    int n_ops;
    int next_op;
    /* what happened */
    int timeouts;    /* attempts without a reply */
    int unavailable; /* 503 replies, and handshakes the daemon could not check */
    int reconnects;  /* new connections to a new endpoint */
    int subscribes;
    char error[512]; /* the first thing that went wrong; "" when nothing did */
    pthread_t thread;
    atomic_bool finished;
} agent_t;

static void s_agent_fail(agent_t *a, const char *fmt, ...) PRINTF(2, 3);

static void s_agent_fail(agent_t *a, const char *fmt, ...)
{
    atomic_store(&s_load.abort, true);
    if (a->error[0])
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->error, sizeof a->error, fmt, ap);
    va_end(ap);
}

static void s_agent_push(agent_t *a, const char *period, int step_no)
{
    a->ops = xrealloc(a->ops, (size_t)(a->n_ops + 1) * sizeof *a->ops);
    op_t *op = &a->ops[a->n_ops++];
    memset(op, 0, sizeof *op);
    snprintf(op->period, sizeof op->period, "%s", period);
    op->step_no = step_no;
    op->request_id = lkipc_request_id();
}

static void s_agent_ack(agent_t *a, uint64_t seq)
{
    Lkip__AckRequest body = LKIP__ACK_REQUEST__INIT;
    body.seq = seq;
    Lkip__Envelope env = LKIP__ENVELOPE__INIT;
    env.body_case = LKIP__ENVELOPE__BODY_ACK;
    env.ack = &body;
    if (lkipc_send(a->c, &env) != 0)
        return; /* a lost ack means a resend, which is dropped as a duplicate */
}

/* What lkip watch does with an event: drop what it already holds, keep the rest in order,
 * acknowledge. An actor also queues "done" for each step assigned in its pair's instances. */
static void s_agent_event(agent_t *a, const Lkip__Event *e)
{
    a->received++;
    if (e->seq <= a->last) {
        a->duplicates++;
        s_agent_ack(a, a->last);
        return;
    }
    if (e->seq != a->last + 1)
        s_agent_fail(a, "%s: event %llu after %llu: %llu missing", a->name,
                     (unsigned long long)e->seq, (unsigned long long)a->last,
                     (unsigned long long)(a->last + 1));
    a->seen = xrealloc(a->seen, (size_t)(a->n_seen + 1) * sizeof *a->seen);
    a->seen[a->n_seen].seq = e->seq;
    snprintf(a->seen[a->n_seen].kind, sizeof a->seen[a->n_seen].kind, "%s", e->kind);
    a->n_seen++;
    a->last = e->seq;
    if (strcmp(e->kind, "instance_done") == 0)
        a->instance_done++;
    char mine[16];
    snprintf(mine, sizeof mine, "p%d-", a->pair);
    if (a->pair >= 0 && strcmp(e->kind, "step_assigned") == 0 &&
        strcmp(e->sop_code, DEF_CODE) == 0 && strncmp(e->period, mine, strlen(mine)) == 0)
        s_agent_push(a, e->period, e->step_no);
    s_agent_ack(a, e->seq);
}

/* Handles the events that arrived, waiting up to wait_ms for the first. */
static void s_agent_drain(agent_t *a, int wait_ms)
{
    for (;;) {
        Lkip__Envelope *ev = NULL;
        if (lkipc_next_event(a->c, wait_ms, &ev) != 1)
            return;
        s_agent_event(a, ev->event);
        wire_free(&ev);
        wait_ms = 0;
    }
}

/* Connects to the current endpoint when it changed, and subscribes with the last seq held when
 * the session is not (or no longer) set up. False when that did not work this time. */
static bool s_agent_ready(agent_t *a)
{
    pthread_mutex_lock(&s_load.mu);
    unsigned gen = s_load.gen[a->daemon];
    char endpoint[256];
    snprintf(endpoint, sizeof endpoint, "%s", s_load.endpoint[a->daemon]);
    pthread_mutex_unlock(&s_load.mu);
    if (!a->c || gen != a->gen) {
        /* events queued in the old connection and not handled yet come again in the replay */
        lkipc_destroy(&a->c);
        lkipc_opts_t o = {.endpoint = endpoint,
                          .server_key = s_load.server_key,
                          .keys = &a->keys,
                          .timeout_ms = LOAD_ATTEMPT_MS,
                          .attempts = 1};
        a->c = lkipc_new(&o);
        if (!a->c) {
            s_agent_fail(a, "%s: could not open a connection to %s", a->name, endpoint);
            return false;
        }
        a->gen = gen;
        a->subscribed = false;
        a->reconnects++;
    }
    if (a->subscribed && lkipc_connections(a->c) != a->conns)
        a->subscribed = false; /* connected again: the daemon forgot the session */
    if (a->subscribed)
        return true;
    Lkip__SubscribeRequest body = LKIP__SUBSCRIBE_REQUEST__INIT;
    body.last_seq = a->last;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_SUBSCRIBE;
    req.subscribe = &body;
    Lkip__Envelope *reply = NULL;
    lkipc_rc_t rc = lkipc_call(a->c, &req, &reply);
    if (rc != LKIPC_OK) {
        if (rc == LKIPC_TIMEOUT)
            a->timeouts++;
        else if (rc == LKIPC_UNAVAILABLE)
            a->unavailable++;
        else
            s_agent_fail(a, "%s: subscribe: %s", a->name, lkipc_rc_text(rc));
        return false;
    }
    int status = (int)reply->reply->status;
    bool ok = status == LKIP__STATUS__OK && reply->reply->subscribed;
    if (ok && reply->reply->subscribed->last_seq < a->last)
        s_agent_fail(a, "%s: the daemon has %llu events, the client holds %llu", a->name,
                     (unsigned long long)reply->reply->subscribed->last_seq,
                     (unsigned long long)a->last);
    if (status == LKIP__STATUS__UNAVAILABLE)
        a->unavailable++;
    else if (!ok)
        s_agent_fail(a, "%s: subscribe answered %d %s", a->name, status, reply->reply->code);
    wire_free(&reply);
    if (ok) {
        a->subscribed = true;
        a->conns = lkipc_connections(a->c);
        a->subscribes++;
    }
    return ok;
}

/* One attempt at the next request (the same request_id every time). */
static void s_agent_attempt(agent_t *a, op_t *op)
{
    Lkip__Envelope req;
    Lkip__StartRequest start;
    Lkip__StepRequest step;
    char instance[64];
    if (op->step_no == 1)
        s_start_req(&req, &start, op->period);
    else
        s_step_req(&req, &step, instance, op->period, op->step_no);
    req.request_id = op->request_id;
    Lkip__Envelope *reply = NULL;
    lkipc_rc_t rc = lkipc_call(a->c, &req, &reply);
    if (rc == LKIPC_TIMEOUT) {
        a->timeouts++;
        s_outcome(false);
        return;
    }
    if (rc == LKIPC_UNAVAILABLE) {
        a->unavailable++;
        s_outcome(false);
        s_pause_ms(50); /* the handshake is tried again by the next call */
        return;
    }
    if (rc != LKIPC_OK) {
        s_agent_fail(a, "%s: %s %s step %d: %s", a->name, op->step_no == 1 ? "start" : "done",
                     op->period, op->step_no, lkipc_rc_text(rc));
        return;
    }
    int status = (int)reply->reply->status;
    if (status == LKIP__STATUS__UNAVAILABLE) {
        a->unavailable++; /* retryable: the same request again, after a pause */
        s_outcome(false);
        wire_free(&reply);
        s_agent_drain(a, 100);
        return;
    } else {
        int want = op->step_no == 1 ? LKIP__STATUS__CREATED : LKIP__STATUS__OK;
        if (status != want)
            s_agent_fail(a, "%s: %s %s step %d answered %d %s (\"%s\")", a->name,
                         op->step_no == 1 ? "start" : "done", op->period, op->step_no, status,
                         reply->reply->code, reply->reply->message);
        op->status = status;
        s_outcome(true);
        if (s_load.pace_ms)
            s_pause_ms(s_load.pace_ms);
        a->next_op++;
        atomic_fetch_add(&s_load.ops_done, 1);
    }
    wire_free(&reply);
}

static void *s_agent_run(void *arg)
{
    agent_t *a = arg;
    while (!atomic_load(&s_load.abort) && monotonic_ms() < s_load.deadline) {
        if (a->next_op == a->n_ops && a->instance_done >= a->expect_done)
            break;
        if (!s_agent_ready(a))
            continue;
        /* the last part of the load waits for the disruptions: a fast load must not finish
         * before every planned disruption happened under it */
        bool held =
            atomic_load(&s_load.ops_done) >= s_load.hold_at && !atomic_load(&s_load.released);
        if (a->next_op < a->n_ops && !held)
            s_agent_attempt(a, &a->ops[a->next_op]);
        else if (held)
            s_pause_ms(5);
        s_agent_drain(a, a->next_op < a->n_ops ? 0 : 100);
    }
    if (!a->error[0] && (a->next_op < a->n_ops || a->instance_done < a->expect_done))
        s_agent_fail(a, "%s: not done in time: %d of %d requests, %d of %d instances done", a->name,
                     a->next_op, a->n_ops, a->instance_done, a->expect_done);
    lkipc_destroy(&a->c);
    atomic_store(&a->finished, true);
    return NULL;
}

/* Sets the endpoint of the load clients of daemon i to its current one. */
static void s_load_endpoint(int i)
{
    pthread_mutex_lock(&s_load.mu);
    snprintf(s_load.endpoint[i], sizeof s_load.endpoint[i], "%s",
             harness_daemon_endpoint(s_w.daemons[i]));
    s_load.gen[i]++;
    pthread_mutex_unlock(&s_load.mu);
}

static void s_agent_init(agent_t *a, const char *name, const keypair_t *kp, int pair, int daemon,
                         int expect_done)
{
    memset(a, 0, sizeof *a);
    a->daemon = daemon;
    snprintf(a->name, sizeof a->name, "%s", name);
    a->keys = *kp;
    a->user_id = s_user_id(name);
    a->pair = pair;
    a->expect_done = expect_done;
    atomic_init(&a->finished, false);
}

static void s_agent_free(agent_t *a)
{
    free(a->seen);
    free(a->ops);
    lkipc_destroy(&a->c);
}

/* The outbox of a user as "seq:kind,..." in seq order; caller frees. */
static char *s_outbox_of(long long user_id)
{
    char *uid = xasprintf("%lld", user_id);
    char *s = harness_sql(s_w.h,
                          "SELECT string_agg(seq || ':' || kind, ',' ORDER BY seq) FROM outbox"
                          " WHERE user_id = $1::bigint",
                          uid, NULL);
    free(uid);
    return s ? s : xstrdup("");
}

static char *s_seen_of(const agent_t *a)
{
    strbuf_t sb = {0};
    for (int i = 0; i < a->n_seen; i++)
        strbuf_printf(&sb, "%s%llu:%s", i ? "," : "", (unsigned long long)a->seen[i].seq,
                      a->seen[i].kind);
    return strbuf_take(&sb);
}

/* How often text occurs in the logs of every lkipd run of the test (<tmp>/lkipd-N.log). */
static int s_count_in_logs(const char *text)
{
    int count = 0;
    for (int i = 1;; i++) {
        char *path = xasprintf("%s/lkipd-%d.log", harness_tmpdir(s_w.h), i);
        char *data;
        size_t len;
        int rc = read_file(path, 256u << 20, &data, &len);
        free(path);
        if (rc != 0)
            return count;
        for (const char *p = data; (p = strstr(p, text)) != NULL; p++)
            count++;
        free(data);
    }
}

/* For each disruption (begun at started[k], up to the next one): how many request attempts
 * failed, and the window from the first failure to the first answer after the last one -- how
 * long users saw errors. */
static void s_print_windows(const int64_t *started, int n)
{
    for (int k = 0; k < n; k++) {
        int64_t end = k + 1 < n ? started[k + 1] : INT64_MAX;
        int64_t first_err = 0, last_err = 0, back = 0;
        int errors = 0;
        for (int i = 0; i < s_load.n_outcomes; i++) {
            int64_t t = s_load.outcome_at[i];
            if (t < started[k] || t >= end)
                continue;
            if (!s_load.outcome_ok[i]) {
                errors++;
                first_err = first_err ? first_err : t;
                last_err = t;
                back = 0;
            } else if (last_err && !back) {
                back = t;
            }
        }
        if (!errors)
            printf("# disruption %d: no request saw an error\n", k + 1);
        else if (!back)
            printf("# disruption %d: %d failed attempts (retried), the last at +%lld ms; no"
                   " answer before the next disruption\n",
                   k + 1, errors, (long long)(last_err - started[k]));
        else
            printf("# disruption %d: %d failed attempts (retried); errors from +%lld ms to +%lld ms"
                   " after it began, answers again at +%lld ms: window %lld ms\n",
                   k + 1, errors, (long long)(first_err - started[k]),
                   (long long)(last_err - started[k]), (long long)(back - started[k]),
                   (long long)(back - first_err));
    }
    free(s_load.outcome_at);
    free(s_load.outcome_ok);
    s_load.outcome_at = NULL;
    s_load.outcome_ok = NULL;
    s_load.n_outcomes = 0;
}

/* What a disruption does to the world while the load runs (k counts from 0). Returns NULL, or
 * what went wrong. */
typedef const char *(*disrupt_fn)(int k);

/* Runs pairs x per_pair instances of the test definition through all their steps, one staf and
 * one kasubag client per pair plus the sekretaris watching, calling disrupt n_disrupt times at
 * evenly spread points of progress; then checks that every request took effect once and every
 * client got every one of its events once, in order. With n_daemons 2, pair P talks to daemon
 * P % 2 and the sekretaris to the second one. */
static void s_run_load(int per_pair, int n_daemons, disrupt_fn disrupt, int n_disrupt)
{
    int pairs = s_w.pairs;
    int instances = pairs * per_pair;
    int total_ops = instances * DEF_STEPS;
    int n_agents = 2 * pairs + 1;
    agent_t *agents = xcalloc((size_t)n_agents, sizeof *agents);
    for (int p = 0; p < pairs; p++) {
        char name[32];
        snprintf(name, sizeof name, "staf.p%d", p);
        s_agent_init(&agents[2 * p], name, &s_w.staf[p], p, p % n_daemons, instances);
        snprintf(name, sizeof name, "kasubag.p%d", p);
        s_agent_init(&agents[2 * p + 1], name, &s_w.kasubag[p], p, p % n_daemons, instances);
        for (int n = 0; n < per_pair; n++) {
            char period[32];
            snprintf(period, sizeof period, "p%d-%d", p, n);
            s_agent_push(&agents[2 * p], period, 1);
        }
    }
    s_agent_init(&agents[2 * pairs], "sekretaris.uji", &s_w.sekretaris, -1, n_daemons - 1,
                 instances);

    assert_true(n_daemons <= LOAD_DAEMONS && n_daemons <= s_w.n_daemons);
    s_load.server_key = harness_server_public_key(s_w.h);
    atomic_store(&s_load.ops_done, 0);
    atomic_store(&s_load.abort, false);
    s_load.hold_at = total_ops * (n_disrupt + 1) / (n_disrupt + 2);
    atomic_store(&s_load.released, n_disrupt == 0);
    int64_t t0 = monotonic_ms();
    s_load.deadline = t0 + (s_load.deadline_ms ? s_load.deadline_ms : LOAD_DEADLINE_MS);
    s_load.n_outcomes = 0;
    int64_t *started = xcalloc((size_t)n_disrupt + 1, sizeof *started);
    for (int i = 0; i < n_daemons; i++)
        s_load_endpoint(i);
    for (int i = 0; i < n_agents; i++)
        assert_int_equal(pthread_create(&agents[i].thread, NULL, s_agent_run, &agents[i]), 0);

    /* the disruptions, at evenly spread points of progress, while the clients work */
    int k = 0;
    const char *failed = NULL;
    int64_t probe_at = 0, disrupted = t0;
    bool probed = false; /* failed names what the probe found */
    for (;;) {
        bool all = true;
        for (int i = 0; i < n_agents; i++)
            all = all && atomic_load(&agents[i].finished);
        if (all)
            break;
        if (!failed && s_load.probe && monotonic_ms() >= probe_at) {
            failed = s_load.probe();
            probed = failed != NULL;
            if (failed)
                atomic_store(&s_load.abort, true);
            probe_at = monotonic_ms() + PROBE_EVERY_MS;
        }
        bool due = s_load.gap_ms
                       ? monotonic_ms() >= disrupted + s_load.gap_ms
                       : atomic_load(&s_load.ops_done) >= total_ops * (k + 1) / (n_disrupt + 2);
        if (!failed && k < n_disrupt && due) {
            started[k] = monotonic_ms();
            failed = disrupt(k++);
            disrupted = monotonic_ms();
            if (failed)
                atomic_store(&s_load.abort, true);
            if (k == n_disrupt)
                atomic_store(&s_load.released, true);
        } else {
            s_pause_ms(5);
        }
    }
    for (int i = 0; i < n_agents; i++)
        pthread_join(agents[i].thread, NULL);
    if (failed) {
        harness_dump_logs(s_w.h);
        fail_msg("%s %d: %s", probed ? "probe, after disruption" : "disruption", k, failed);
    }
    int64_t took = monotonic_ms() - t0;

    int timeouts = 0, unavailable = 0, reconnects = 0, duplicates = 0, received = 0;
    for (int i = 0; i < n_agents; i++) {
        agent_t *a = &agents[i];
        printf("# %-15s %4d events (%d duplicates dropped), %3d requests, %d timeouts, %d "
               "unavailable, %d connections, %d subscribes\n",
               a->name, a->received, a->duplicates, a->n_ops, a->timeouts, a->unavailable,
               a->reconnects, a->subscribes);
        timeouts += a->timeouts;
        unavailable += a->unavailable;
        reconnects += a->reconnects;
        duplicates += a->duplicates;
        received += a->received;
    }
    printf("# load: %d requests, %d disruptions, %lld ms; %d events received, %d duplicates, "
           "%d timeouts, %d unavailable; %d retries answered from a stored reply\n",
           total_ops, k, (long long)took, received, duplicates, timeouts, unavailable,
           s_count_in_logs("answered from its stored reply"));
    s_print_windows(started, k);
    free(started);
    for (int i = 0; i < n_agents; i++)
        if (agents[i].error[0]) {
            harness_dump_logs(s_w.h);
            fail_msg("%s", agents[i].error);
        }
    assert_int_equal(k, n_disrupt);
    harness_sql_reset(s_w.h); /* the probe's server may have gone (a fail-over) */
    assert_int_equal(atomic_load(&s_load.ops_done), total_ops);

    /* every request that was answered took effect exactly once, and nothing else did */
    assert_int_equal(harness_sql_int(s_w.h, "SELECT count(*) FROM instances WHERE sop_code = $1",
                                     DEF_CODE, NULL),
                     instances);
    assert_int_equal(harness_sql_int(s_w.h,
                                     "SELECT count(*) FROM instances WHERE sop_code = $1 AND"
                                     " state = 'done'",
                                     DEF_CODE, NULL),
                     instances);
    assert_int_equal(harness_sql_int(s_w.h,
                                     "SELECT count(*) FROM step_runs r JOIN instances i ON"
                                     " i.id = r.instance_id WHERE i.sop_code = $1 AND"
                                     " r.state = 'done' AND r.round = 1",
                                     DEF_CODE, NULL),
                     total_ops);
    assert_int_equal(harness_sql_int(s_w.h, "SELECT count(*) FROM step_runs", NULL), total_ops);
    assert_int_equal(harness_sql_int(s_w.h,
                                     "SELECT count(*) FROM (SELECT DISTINCT instance_id, step_no"
                                     " FROM step_runs) x",
                                     NULL),
                     total_ops);
    assert_int_equal(harness_sql_int(s_w.h,
                                     "SELECT count(*) FROM audit WHERE command IN ('start', 'step')"
                                     " AND status < 400",
                                     NULL),
                     total_ops);
    assert_int_equal(harness_sql_int(s_w.h,
                                     "SELECT count(*) FROM requests WHERE command IN ('start',"
                                     " 'step')",
                                     NULL),
                     total_ops);
    for (int i = 0; i < n_agents; i++) {
        char *uid = xasprintf("%lld", agents[i].user_id);
        for (int o = 0; o < agents[i].n_ops; o++) {
            char *rid = s_u64(agents[i].ops[o].request_id);
            long long n = harness_sql_int(s_w.h,
                                          "SELECT count(*) FROM requests WHERE user_id ="
                                          " $1::bigint AND request_id = $2::numeric",
                                          uid, rid, NULL);
            if (n != 1)
                fail_msg("%s: request %s (%s step %d) stored %lld times", agents[i].name, rid,
                         agents[i].ops[o].period, agents[i].ops[o].step_no, n);
            free(rid);
        }
        free(uid);
    }

    /* every client saw its outbox exactly: same events, gap-free, in order */
    for (int i = 0; i < n_agents; i++) {
        agent_t *a = &agents[i];
        int want = a->pair < 0                        ? EVENTS_SEKRETARIS * instances
                   : strncmp(a->name, "staf", 4) == 0 ? EVENTS_STAF * instances
                                                      : EVENTS_KASUBAG * instances;
        char *uid = xasprintf("%lld", a->user_id);
        assert_int_equal(
            harness_sql_int(s_w.h, "SELECT count(*) FROM outbox WHERE user_id = $1", uid, NULL),
            want);
        assert_int_equal(harness_sql_int(s_w.h,
                                         "SELECT last_seq FROM recipient_seq WHERE user_id = $1",
                                         uid, NULL),
                         want);
        free(uid);
        char *outbox = s_outbox_of(a->user_id);
        char *seen = s_seen_of(a);
        if (strcmp(outbox, seen) != 0)
            fail_msg("%s saw\n  %s\nbut its outbox holds\n  %s", a->name, seen, outbox);
        free(outbox);
        free(seen);
    }
    for (int i = 0; i < n_agents; i++)
        s_agent_free(&agents[i]);
    free(agents);
}

/* ---- 1. lkipd killed during the load -------------------------------------------------------- */

static const char *s_kill_daemon(int k)
{
    harness_daemon_t *d = s_w.daemons[0];
    if (harness_daemon_stop(d, SIGKILL) != 128 + SIGKILL)
        return "lkipd was not killed by SIGKILL (had it died before?)";
    if (harness_daemon_restart(d) != 0)
        return "lkipd did not come back after SIGKILL";
    s_load_endpoint(0);
    return NULL;
}

static void test_daemon_killed_during_load(void **state)
{
    s_world("dv_kill", false, 2, NULL);
    s_run_load(12, 1, s_kill_daemon, 5);
    s_world_close();
}

/* The same, with lkipd restarted on its port each time, as a deployment does: the clients'
 * connections come back by themselves and subscribe again when they notice (lkipc_connections),
 * and a real `lkip watch` process prints every event of its user, in order, once its duplicates
 * are dropped by seq. The watch is itself stopped (SIGTERM) and killed (SIGKILL) on the way and
 * started again: it goes on from the seq it stored on disk. Only the kill may show one event
 * twice (printed, then killed before its seq was stored); nothing may be missing. */
static struct {
    char conf[512];   /* its config file */
    char out[3][512]; /* the output of each run */
    int runs;         /* runs started */
    pid_t pid;        /* of the current run */
} s_watch;

static void s_watch_start(void)
{
    assert_true(s_watch.runs < (int)ARRAY_LEN(s_watch.out));
    const char *const args[] = {"--config", s_watch.conf, "--timeout", "1000",
                                "--json",   "watch",      NULL};
    snprintf(s_watch.out[s_watch.runs], sizeof s_watch.out[0], "%s/watch-%d.out",
             harness_tmpdir(s_w.h), s_watch.runs + 1);
    s_watch.pid = harness_lkip_start(s_w.h, args, s_watch.out[s_watch.runs]);
    assert_true(s_watch.pid > 0);
    s_watch.runs++;
}

/* The events the watch runs printed, duplicates by seq dropped, as "seq:kind,..."; *lines gets
 * their count and *duplicates the lines dropped. A sanitizer report fails the test. Caller
 * frees. */
static char *s_watch_seen(int *lines, int *duplicates)
{
    strbuf_t sb = {0};
    unsigned long long last = 0;
    *lines = *duplicates = 0;
    for (int r = 0; r < s_watch.runs; r++) {
        char *text;
        size_t len;
        if (read_file(s_watch.out[r], 64u << 20, &text, &len) != 0)
            continue;
        if (strstr(text, "Sanitizer") || strstr(text, "runtime error:"))
            fail_msg("lkip watch run %d reported:\n%s", r + 1, text);
        for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
            const char *seq = strstr(line, "\"seq\":");
            const char *kind = strstr(line, "\"kind\":\"");
            if (line[0] != '{' || !seq || !kind)
                continue;
            kind += strlen("\"kind\":\"");
            unsigned long long n = strtoull(seq + strlen("\"seq\":"), NULL, 10);
            if (n <= last) {
                (*duplicates)++;
                continue;
            }
            strbuf_printf(&sb, "%s%llu:%.*s", *lines ? "," : "", n, (int)strcspn(kind, "\""), kind);
            last = n;
            (*lines)++;
        }
        free(text);
    }
    return strbuf_take(&sb);
}

static const char *s_kill_daemon_same_port(int k)
{
    harness_daemon_t *d = s_w.daemons[0];
    if (harness_daemon_stop(d, SIGKILL) != 128 + SIGKILL)
        return "lkipd was not killed by SIGKILL (had it died before?)";
    if (harness_daemon_restart(d) != 0)
        return "lkipd did not come back on its port after SIGKILL";
    if (k == 2 || k == 4) {
        /* the watch is stopped, or killed, and started again */
        int sig = k == 2 ? SIGTERM : SIGKILL;
        int rc = harness_lkip_stop(s_w.h, s_watch.pid, sig, WAIT_MS);
        if (rc != (sig == SIGTERM ? 0 : 128 + sig)) {
            /* what it said last tells why */
            static char why[1024];
            char *text = NULL;
            size_t len = 0;
            const char *tail = "(none)";
            if (read_file(s_watch.out[s_watch.runs - 1], 64u << 20, &text, &len) == 0 && len)
                tail = len > 600 ? text + len - 600 : text;
            snprintf(why, sizeof why,
                     "lkip watch did not end as told (SIGTERM: exit 0; SIGKILL: killed): %d;"
                     " its output ends:\n%s",
                     rc, tail);
            free(text);
            return why;
        }
        s_watch_start();
    }
    return NULL;
}

static void test_daemon_killed_same_port_real_watch(void **state)
{
    enum { PER_PAIR = 8 };
    s_world("dv_port", false, 2, NULL);
    harness_daemon_pin_endpoint(s_w.daemons[0]);
    memset(&s_watch, 0, sizeof s_watch);
    assert_int_equal(harness_user(s_w.h, "sekretaris.dua", "sekretaris", NULL, NULL), 0);
    snprintf(s_watch.conf, sizeof s_watch.conf, "%s/watch.conf", harness_tmpdir(s_w.h));
    FILE *f = fopen(s_watch.conf, "w");
    assert_non_null(f);
    fprintf(f,
            "[lkip]\nendpoint = %s\nserver_key = %s.pub\nkey_file = keys/sekretaris.dua.key\n"
            "state_dir = watch-state\n",
            harness_daemon_endpoint(s_w.daemons[0]), harness_server_key_file(s_w.h));
    assert_int_equal(fclose(f), 0);
    s_watch_start();

    s_run_load(PER_PAIR, 1, s_kill_daemon_same_port, 5);

    int want = EVENTS_SEKRETARIS * 2 * PER_PAIR, lines = 0, duplicates = 0;
    char *seen = NULL;
    int64_t deadline = monotonic_ms() + WAIT_MS;
    for (;;) {
        free(seen);
        seen = s_watch_seen(&lines, &duplicates);
        if (lines >= want || monotonic_ms() >= deadline)
            break;
        s_pause_ms(20);
    }
    int rc = harness_lkip_stop(s_w.h, s_watch.pid, SIGTERM, WAIT_MS);
    free(seen);
    seen = s_watch_seen(&lines, &duplicates); /* and nothing after */
    char *outbox = s_outbox_of(s_user_id("sekretaris.dua"));
    printf("# lkip watch: %d events over %d runs, %d printed twice\n", lines, s_watch.runs,
           duplicates);
    if (strcmp(seen, outbox) != 0) {
        harness_dump_logs(s_w.h);
        fail_msg("lkip watch printed\n  %s\nbut the outbox holds\n  %s", seen, outbox);
    }
    assert_int_equal(lines, want);
    assert_true(duplicates <= 1);
    assert_int_equal(rc, 0);
    free(seen);
    free(outbox);
    s_world_close();
}

/* Two daemons share the load (pair 0 on A, pair 1 on B, the sekretaris on B): their batches
 * contend for the same rows, events caused through A reach B's clients by NOTIFY, and A is
 * killed three times and comes back on a new port. */
static void test_two_daemons_under_load_one_killed(void **state)
{
    s_world("dv_twoload", false, 2, NULL);
    s_daemon(NULL);
    s_run_load(8, 2, s_kill_daemon, 3);
    s_world_close();
}

/* ---- 2. PostgreSQL restarted during the load ------------------------------------------------ */

static const char *s_restart_postgres(int k)
{
    /* a clean restart, then an immediate stop (crash recovery), then a clean restart again */
    int rc = k == 1 ? harness_pg(s_w.h, "kill") : harness_pg(s_w.h, "restart");
    if (rc == 0 && k == 1)
        rc = harness_pg(s_w.h, "start");
    return rc == 0 ? NULL : "scripts/pg.sh failed";
}

static void test_postgres_restarted_during_load(void **state)
{
    s_world("dv_pg", true, 2, NULL);
    s_run_load(8, 1, s_restart_postgres, 3);
    /* nothing half-written: every instance has exactly its runs, every run its audit row */
    assert_int_equal(harness_sql_int(s_w.h,
                                     "SELECT count(*) FROM instances i WHERE (SELECT count(*)"
                                     " FROM step_runs r WHERE r.instance_id = i.id) <> $1::int",
                                     "6", NULL),
                     0);
    assert_int_equal(harness_sql_int(s_w.h,
                                     "SELECT count(*) FROM audit WHERE command IN ('start',"
                                     " 'step') AND status >= 400 AND status <> 503",
                                     NULL),
                     0);
    s_world_close();
}

/* ---- 3. a client offline while events pile up ----------------------------------------------- */

static void test_offline_client_gets_what_it_missed(void **state)
{
    enum { N = 200 };
    s_world("dv_offline", false, 1, NULL);
    harness_daemon_t *d = s_w.daemons[0];
    lkipc_t *staf = s_client(d, &s_w.staf[0]);
    lkipc_t *sek = s_client(d, &s_w.sekretaris);
    assert_int_equal(s_subscribe(sek, 0), 0);
    s_start_ok(staf, "awal");
    Lkip__Envelope *ev = s_event(sek, WAIT_MS, "the first event");
    uint64_t last = ev->event->seq;
    assert_int_equal(last, 1);
    /* sent from its commit: it carries when the daemon saw the commit, after it was queued */
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    assert_true(ev->event->committed_us >= ev->event->queued_us && ev->event->queued_us > 0);
    assert_true(ev->event->committed_us <= (int64_t)now.tv_sec * 1000000 + now.tv_nsec / 1000);
    s_ack(sek, last);
    wire_free(&ev);
    harness_client_close(s_w.h, &sek);

    /* N instances started back to back (batched), one step_done each for the sekretaris */
    void *raw = s_raw_open(d, &s_w.staf[0]);
    Lkip__Envelope req[N];
    Lkip__StartRequest body[N];
    char period[N][16];
    for (int i = 0; i < N; i++) {
        snprintf(period[i], sizeof period[i], "off-%03d", i);
        s_start_req(&req[i], &body[i], period[i]);
        s_raw_send(raw, &req[i]);
    }
    for (int i = 0; i < N; i++) {
        Lkip__Envelope *reply = s_raw_recv(raw);
        harness_assert_reply(reply, LKIP__STATUS__CREATED, "ok");
        wire_free(&reply);
    }
    zmq_close(raw);
    char *uid = xasprintf("%lld", s_user_id("sekretaris.uji"));
    assert_int_equal(
        harness_sql_int(s_w.h, "SELECT last_seq FROM recipient_seq WHERE user_id = $1", uid, NULL),
        last + N);
    free(uid);

    /* back online: exactly those N, in order, each once */
    sek = s_client(d, &s_w.sekretaris);
    int64_t t0 = monotonic_ms();
    assert_int_equal(s_subscribe(sek, last), last + N);
    for (int i = 0; i < N; i++) {
        ev = s_event(sek, WAIT_MS, "a missed event");
        const Lkip__Event *e = ev->event;
        if (e->seq != last + 1 || strcmp(e->kind, "step_done") != 0 ||
            strcmp(e->period, period[i]) != 0)
            fail_msg("missed event %d: got #%llu %s %s, expected #%llu step_done %s", i + 1,
                     (unsigned long long)e->seq, e->kind, e->period, (unsigned long long)(last + 1),
                     period[i]);
        assert_int_equal(e->committed_us, 0); /* read back from the outbox */
        last = e->seq;
        s_ack(sek, last);
        wire_free(&ev);
    }
    printf("# %d missed events replayed in %lld ms\n", N, (long long)(monotonic_ms() - t0));
    uint64_t extra = 0;
    if (!s_quiet(sek, 300, &extra))
        fail_msg("an event #%llu came after the %d missed ones", (unsigned long long)extra, N);
    harness_client_close(s_w.h, &sek);
    harness_client_close(s_w.h, &staf);
    s_world_close();
}

/* ---- 4. a retried request after a lost reply ------------------------------------------------ */

/* Waits until the daemon committed user's request (its stored reply exists). */
static void s_wait_stored(const char *user, uint64_t request_id)
{
    char *rid = s_u64(request_id);
    char *sql = xasprintf("SELECT count(*) FROM requests r JOIN users u ON u.id = r.user_id"
                          " WHERE u.name = '%s' AND r.request_id = $1::numeric",
                          user);
    long long n = s_wait_sql(1, sql, rid);
    free(sql);
    free(rid);
    if (n != 1) {
        harness_dump_logs(s_w.h);
        fail_msg("request of %s not committed within %d ms", user, WAIT_MS);
    }
}

/* The reply to req on a fresh connection to d, packed (to compare replies byte for byte). */
static uint8_t *s_resend(harness_daemon_t *d, const keypair_t *kp, Lkip__Envelope *req, int status,
                         size_t *len)
{
    lkipc_t *c = s_client(d, kp);
    uint64_t id = req->request_id;
    Lkip__Envelope *reply = harness_call_ok(c, req);
    assert_int_equal(req->request_id, id);
    harness_assert_reply(reply, status, "ok");
    *len = lkip__reply__get_packed_size(reply->reply);
    uint8_t *buf = xmalloc(*len);
    lkip__reply__pack(reply->reply, buf);
    wire_free(&reply);
    harness_client_close(s_w.h, &c);
    return buf;
}

static long long s_count_for_instance(const char *sql, const char *period)
{
    return harness_sql_int(s_w.h, sql, period, NULL);
}

static void test_retry_after_lost_reply_has_one_effect(void **state)
{
    s_world("dv_retry", false, 1, NULL);
    harness_daemon_t *d = s_w.daemons[0];

    /* (a) the client goes away before reading the reply of a start */
    Lkip__Envelope req;
    Lkip__StartRequest start;
    s_start_req(&req, &start, "hilang-1");
    void *raw = s_raw_open(d, &s_w.staf[0]);
    s_raw_send(raw, &req);
    zmq_close(raw);
    s_wait_stored("staf.p0", req.request_id);
    size_t len1, len2;
    uint8_t *r1 = s_resend(d, &s_w.staf[0], &req, LKIP__STATUS__CREATED, &len1);
    uint8_t *r2 = s_resend(d, &s_w.staf[0], &req, LKIP__STATUS__CREATED, &len2);
    assert_int_equal(len1, len2);
    assert_memory_equal(r1, r2, len1);
    free(r1);
    free(r2);
    assert_int_equal(
        s_count_for_instance("SELECT count(*) FROM instances WHERE period = $1", "hilang-1"), 1);
    assert_int_equal(s_count_for_instance("SELECT count(*) FROM audit a JOIN instances i ON"
                                          " i.id = a.instance_id WHERE i.period = $1 AND"
                                          " a.command = 'start' AND a.status < 400",
                                          "hilang-1"),
                     1);
    assert_int_equal(s_count_for_instance("SELECT count(*) FROM outbox o JOIN instances i ON"
                                          " i.id = o.instance_id WHERE i.period = $1",
                                          "hilang-1"),
                     2); /* step_done 1 to the sekretaris, step_assigned 2 to the kasubag */

    /* (b) lkipd is killed after the commit of a step completion, before the client read it */
    Lkip__StepRequest step;
    char instance[64];
    s_step_req(&req, &step, instance, "hilang-1", 2);
    raw = s_raw_open(d, &s_w.kasubag[0]);
    s_raw_send(raw, &req);
    s_wait_stored("kasubag.p0", req.request_id);
    assert_int_equal(harness_daemon_stop(d, SIGKILL), 128 + SIGKILL);
    zmq_close(raw);
    assert_int_equal(harness_daemon_restart(d), 0);
    r1 = s_resend(d, &s_w.kasubag[0], &req, LKIP__STATUS__OK, &len1);
    free(r1);
    assert_int_equal(s_count_for_instance("SELECT count(*) FROM step_runs r JOIN instances i ON"
                                          " i.id = r.instance_id WHERE i.period = $1 AND"
                                          " r.step_no = 2 AND r.state = 'done'",
                                          "hilang-1"),
                     1);
    assert_int_equal(s_count_for_instance("SELECT count(*) FROM step_runs r JOIN instances i ON"
                                          " i.id = r.instance_id WHERE i.period = $1",
                                          "hilang-1"),
                     3); /* 1 and 2 done, 3 open */
    assert_int_equal(s_count_for_instance("SELECT count(*) FROM audit a JOIN instances i ON"
                                          " i.id = a.instance_id WHERE i.period = $1 AND"
                                          " a.command = 'step' AND a.status < 400",
                                          "hilang-1"),
                     1);
    assert_int_equal(s_count_for_instance("SELECT count(*) FROM outbox o JOIN instances i ON"
                                          " i.id = o.instance_id WHERE i.period = $1",
                                          "hilang-1"),
                     4); /* + step_done 2, step_assigned 3 */
    /* the two resends of (a) and the one of (b), as the daemons logged them */
    assert_int_equal(s_count_in_logs("answered from its stored reply"), 3);
    s_world_close();
}

/* The same request sent to two daemons at once (a client that gave up on one and tried the
 * other) while both wait for the instance's lock: one runs it, the other must answer with the
 * stored reply, not refuse the step the first one just completed. */
static void test_duplicate_on_two_daemons_at_once(void **state)
{
    s_world("dv_dup", false, 1, NULL);
    harness_daemon_t *a = s_w.daemons[0];
    harness_daemon_t *b = s_daemon(NULL);
    lkipc_t *staf = s_client(a, &s_w.staf[0]);
    s_start_ok(staf, "kembar-1");
    harness_client_close(s_w.h, &staf);

    /* the test holds the instance's row lock, so both daemons wait for it */
    assert_int_equal(harness_sql_exec(s_w.h, "BEGIN", NULL), 0);
    assert_int_equal(harness_sql_int(s_w.h,
                                     "SELECT count(*) FROM (SELECT id FROM instances WHERE"
                                     " period = $1 FOR UPDATE) x",
                                     "kembar-1", NULL),
                     1);
    Lkip__Envelope req;
    Lkip__StepRequest step;
    char instance[64];
    s_step_req(&req, &step, instance, "kembar-1", 2);
    void *to_a = s_raw_open(a, &s_w.kasubag[0]);
    void *to_b = s_raw_open(b, &s_w.kasubag[0]);
    s_raw_send(to_a, &req);
    s_raw_send(to_b, &req);
    long long waiting =
        s_wait_sql(2, "SELECT count(DISTINCT pid) FROM pg_locks WHERE NOT granted", NULL);
    assert_int_equal(harness_sql_exec(s_w.h, "COMMIT", NULL), 0);
    if (waiting != 2)
        fail_msg("%lld daemons waited for the lock, expected 2", waiting);

    Lkip__Envelope *ra = s_raw_recv(to_a);
    Lkip__Envelope *rb = s_raw_recv(to_b);
    zmq_close(to_a);
    zmq_close(to_b);
    int sa = (int)ra->reply->status, sb = (int)rb->reply->status;
    if (sa != LKIP__STATUS__OK || sb != LKIP__STATUS__OK)
        fail_msg("the same request on two daemons: A answered %d %s (\"%s\"), B %d %s (\"%s\")", sa,
                 ra->reply->code, ra->reply->message, sb, rb->reply->code, rb->reply->message);
    assert_string_equal(ra->reply->message, rb->reply->message);
    wire_free(&ra);
    wire_free(&rb);
    assert_int_equal(s_count_for_instance("SELECT count(*) FROM step_runs r JOIN instances i ON"
                                          " i.id = r.instance_id WHERE i.period = $1",
                                          "kembar-1"),
                     3);
    assert_int_equal(s_count_for_instance("SELECT count(*) FROM audit a JOIN instances i ON"
                                          " i.id = a.instance_id WHERE i.period = $1 AND"
                                          " a.command = 'step' AND a.status < 400",
                                          "kembar-1"),
                     1);
    assert_int_equal(s_count_for_instance("SELECT count(*) FROM outbox o JOIN instances i ON"
                                          " i.id = o.instance_id WHERE i.period = $1",
                                          "kembar-1"),
                     4);
    assert_int_equal(s_count_in_logs("answered from its stored reply"), 1);
    s_world_close();
}

/* ---- 5. two daemons: NOTIFY, and the poll when a notification is lost ----------------------- */

static void test_two_daemons_notify_and_poll(void **state)
{
    /* A never polls during the test: what reaches its clients came by NOTIFY */
    const char *const a_sets[] = {"outbox_poll_ms=600000", "node_name=dv-a", NULL};
    s_world("dv_two", false, 1, a_sets);
    harness_daemon_t *a = s_w.daemons[0];
    const char *const b_sets[] = {"node_name=dv-b", NULL};
    harness_daemon_t *b = s_daemon(b_sets);
    const char *const c_sets[] = {"outbox_poll_ms=100", "node_name=dv-c", NULL};
    harness_daemon_t *c = s_daemon(c_sets);

    lkipc_t *on_a = s_client(a, &s_w.sekretaris);
    lkipc_t *on_c = s_client(c, &s_w.sekretaris);
    assert_int_equal(s_subscribe(on_a, 0), 0);
    assert_int_equal(s_subscribe(on_c, 0), 0);
    lkipc_t *staf = s_client(b, &s_w.staf[0]);

    int64_t t0 = monotonic_ms();
    s_start_ok(staf, "dua-1");
    Lkip__Envelope *ev = s_event(on_a, 2000, "event through daemon B on daemon A");
    int64_t latency = monotonic_ms() - t0;
    assert_int_equal(ev->event->seq, 1);
    assert_string_equal(ev->event->kind, "step_done");
    assert_string_equal(ev->event->period, "dua-1");
    s_ack(on_a, 1);
    wire_free(&ev);
    ev = s_event(on_c, 2000, "event through daemon B on daemon C");
    assert_int_equal(ev->event->seq, 1);
    s_ack(on_c, 1);
    wire_free(&ev);
    printf("# request on B to event on A (NOTIFY): %lld ms\n", (long long)latency);

    /* an event committed without NOTIFY: the 100 ms poll of C finds it, A does not */
    s_insert_events(s_user_id("sekretaris.uji"), 1, "uji_tanpa_notify");
    t0 = monotonic_ms();
    ev = s_event(on_c, 3000, "event without NOTIFY on the polling daemon");
    assert_int_equal(ev->event->seq, 2);
    assert_string_equal(ev->event->kind, "uji_tanpa_notify");
    s_ack(on_c, 2);
    wire_free(&ev);
    printf("# event without NOTIFY found by the poll in %lld ms\n",
           (long long)(monotonic_ms() - t0));
    uint64_t seq = 0;
    if (!s_quiet(on_a, 500, &seq))
        fail_msg("daemon A sent #%llu without a notification or a poll", (unsigned long long)seq);

    /* the next notification wakes A, which sends both in order */
    s_start_ok(staf, "dua-2");
    ev = s_event(on_a, 2000, "the held-back event");
    assert_int_equal(ev->event->seq, 2);
    assert_string_equal(ev->event->kind, "uji_tanpa_notify");
    wire_free(&ev);
    ev = s_event(on_a, 2000, "the next event");
    assert_int_equal(ev->event->seq, 3);
    assert_string_equal(ev->event->period, "dua-2");
    s_ack(on_a, 3);
    wire_free(&ev);
    harness_client_close(s_w.h, &on_a);
    harness_client_close(s_w.h, &on_c);
    harness_client_close(s_w.h, &staf);
    s_world_close();
}

/* The poll asks about outbox_poll_users sessions' users a time, in turn: with five subscribed
 * users and slices of two, an event committed without NOTIFY for each of them reaches every one
 * (a poll that always asked the same slice would leave three waiting). */
static void test_poll_in_slices_reaches_everyone(void **state)
{
    enum { USERS = 5 };
    const char *const sets[] = {"outbox_poll_ms=100", "outbox_poll_users=2", NULL};
    s_world("dv_slices", false, 2, sets);
    harness_daemon_t *d = s_w.daemons[0];
    const keypair_t *keys[USERS] = {&s_w.sekretaris, &s_w.staf[0], &s_w.kasubag[0], &s_w.staf[1],
                                    &s_w.kasubag[1]};
    const char *names[USERS] = {"sekretaris.uji", "staf.p0", "kasubag.p0", "staf.p1",
                                "kasubag.p1"};
    lkipc_t *c[USERS];
    for (int i = 0; i < USERS; i++) {
        c[i] = s_client(d, keys[i]);
        assert_int_equal(s_subscribe(c[i], 0), 0);
    }
    for (int i = 0; i < USERS; i++)
        s_insert_events(s_user_id(names[i]), 1, "uji_tanpa_notify");
    for (int i = 0; i < USERS; i++) {
        Lkip__Envelope *ev = s_event(c[i], WAIT_MS, names[i]);
        assert_int_equal(ev->event->seq, 1);
        assert_string_equal(ev->event->kind, "uji_tanpa_notify");
        s_ack(c[i], 1);
        wire_free(&ev);
    }
    for (int i = 0; i < USERS; i++)
        harness_client_close(s_w.h, &c[i]);
    s_world_close();
}

/* ---- 6. unacknowledged events are sent again ------------------------------------------------ */

static void test_unacknowledged_events_resent(void **state)
{
    enum { RESEND_MS = 300 };
    const char *const sets[] = {"resend_ms=300", NULL};
    s_world("dv_resend", false, 1, sets);
    harness_daemon_t *d = s_w.daemons[0];
    lkipc_t *sek = s_client(d, &s_w.sekretaris);
    lkipc_t *staf = s_client(d, &s_w.staf[0]);
    assert_int_equal(s_subscribe(sek, 0), 0);
    s_start_ok(staf, "ulang-1");
    Lkip__Envelope *ev = s_event(sek, WAIT_MS, "the event");
    int64_t first = monotonic_ms();
    assert_int_equal(ev->event->seq, 1);
    wire_free(&ev);

    /* not acknowledged: it comes again after resend_ms, and again */
    for (int round = 1; round <= 2; round++) {
        ev = s_event(sek, 10 * RESEND_MS, "the event sent again");
        int64_t after = monotonic_ms() - first;
        assert_int_equal(ev->event->seq, 1);
        assert_string_equal(ev->event->kind, "step_done");
        wire_free(&ev);
        if (after < round * RESEND_MS * 8 / 10)
            fail_msg("resend %d came after %lld ms, before resend_ms", round, (long long)after);
        printf("# resend %d after %lld ms\n", round, (long long)after);
    }

    /* acknowledged: stored, and never sent again */
    s_ack(sek, 1);
    char *uid = xasprintf("%lld", s_user_id("sekretaris.uji"));
    int64_t deadline = monotonic_ms() + WAIT_MS;
    long long acked;
    /* a resend that left before the daemon read the acknowledgement may still come meanwhile;
     * the daemon had read it once it stored it */
    while ((acked = harness_sql_int(s_w.h, ACKED_SQL,
                                    uid, NULL)) != 1 &&
           monotonic_ms() < deadline)
        (void)s_quiet(sek, 20, NULL);
    free(uid);
    assert_int_equal(acked, 1);
    while (!s_quiet(sek, 0, NULL))
        ;
    uint64_t seq = 0;
    if (!s_quiet(sek, 4 * RESEND_MS, &seq))
        fail_msg("event #%llu sent again after its acknowledgement", (unsigned long long)seq);
    harness_client_close(s_w.h, &sek);
    harness_client_close(s_w.h, &staf);
    s_world_close();
}

/* ---- 7. retention --------------------------------------------------------------------------- */

/* Sums "retention: pruned N delivered events" over log; *passes gets the number of lines and
 * *largest the biggest N. */
static int s_pruned_in_log(const char *log, int *passes, int *largest)
{
    char *text;
    size_t len;
    assert_int_equal(read_file(log, 64u << 20, &text, &len), 0);
    int sum = 0;
    *passes = *largest = 0;
    for (const char *p = text; (p = strstr(p, "retention: pruned ")) != NULL; p++) {
        int n = atoi(p + strlen("retention: pruned "));
        sum += n;
        (*passes)++;
        if (n > *largest)
            *largest = n;
    }
    free(text);
    return sum;
}

static void test_retention_prunes_acknowledged_in_batches(void **state)
{
    enum { OLD = 700, ACKED = 600, RECENT = 50 };
    s_world("dv_retention", false, 1, NULL);
    harness_daemon_t *d = s_w.daemons[0];
    long long sek_id = s_user_id("sekretaris.uji");
    long long staf_id = s_user_id("staf.p0");
    char *sek = xasprintf("%lld", sek_id);
    char *staf = xasprintf("%lld", staf_id);

    /* the sekretaris holds OLD events and acknowledges the first ACKED of them */
    s_insert_events(sek_id, OLD, "uji_retensi");
    lkipc_t *c = s_client(d, &s_w.sekretaris);
    assert_int_equal(s_subscribe(c, 0), OLD);
    for (uint64_t want = 1; want <= OLD; want++) {
        Lkip__Envelope *ev = s_event(c, WAIT_MS, "a stored event");
        if (ev->event->seq != want)
            fail_msg("event #%llu, expected #%llu", (unsigned long long)ev->event->seq,
                     (unsigned long long)want);
        if (want <= ACKED && want % 100 == 0)
            s_ack(c, want);
        wire_free(&ev);
    }
    assert_int_equal(
        s_wait_sql(ACKED, ACKED_SQL, sek), ACKED);
    harness_client_close(s_w.h, &c);
    /* the staf holds RECENT acknowledged events */
    s_insert_events(staf_id, RECENT, "uji_retensi");
    assert_int_equal(harness_sql_exec(s_w.h,
                                      "INSERT INTO recipient_acks SELECT user_id, last_seq"
                                      " FROM recipient_seq WHERE user_id = $1 ON CONFLICT"
                                      " (user_id) DO UPDATE SET acked_seq = EXCLUDED.acked_seq",
                                      staf, NULL),
                     0);

    /* the sekretaris's events and the admin's stored reply are three days old; a stored reply
     * of the staf stays young */
    lkipc_t *sc = s_client(d, &s_w.staf[0]);
    s_start_ok(sc, "retensi-1");
    harness_client_close(s_w.h, &sc);
    long long events_before =
        harness_sql_int(s_w.h, "SELECT count(*) FROM outbox WHERE user_id = $1", sek, NULL);
    assert_int_equal(harness_sql_exec(s_w.h,
                                      "UPDATE outbox SET created_at = now() - interval '3 days'"
                                      " WHERE user_id = $1 AND kind = 'uji_retensi'",
                                      sek, NULL),
                     0);
    assert_int_equal(harness_sql_exec(s_w.h,
                                      "UPDATE requests SET at = now() - interval '3 days'"
                                      " WHERE command = 'sop_load'",
                                      NULL),
                     0);

    /* a daemon keeping one day prunes at its start, then a batch a second while more waits */
    const char *const sets[] = {"retention_days=1", NULL};
    harness_daemon_t *pruner = s_daemon(sets);
    long long left = s_wait_sql(0,
                                "SELECT count(*) FROM outbox o JOIN recipient_acks s ON"
                                " s.user_id = o.user_id WHERE o.user_id = $1 AND"
                                " o.seq <= s.acked_seq",
                                sek);
    if (left != 0) {
        harness_dump_logs(s_w.h);
        fail_msg("%lld old acknowledged events still there after %d ms", left, WAIT_MS);
    }
    /* unacknowledged old events, recent acknowledged ones and young stored replies stay */
    assert_int_equal(
        harness_sql_int(s_w.h, "SELECT count(*) FROM outbox WHERE user_id = $1", sek, NULL),
        events_before - ACKED);
    assert_int_equal(
        harness_sql_int(s_w.h, "SELECT min(seq) FROM outbox WHERE user_id = $1", sek, NULL),
        ACKED + 1);
    assert_int_equal(
        harness_sql_int(s_w.h, "SELECT count(*) FROM outbox WHERE user_id = $1", staf, NULL),
        RECENT);
    assert_int_equal(
        harness_sql_int(s_w.h, "SELECT count(*) FROM requests WHERE command = 'sop_load'", NULL),
        0);
    assert_int_equal(
        harness_sql_int(s_w.h, "SELECT count(*) FROM requests WHERE command = 'start'", NULL), 1);
    /* in small batches (the log line follows each batch's commit) */
    int passes, largest, pruned;
    int64_t deadline = monotonic_ms() + WAIT_MS;
    while ((pruned = s_pruned_in_log(harness_daemon_log_file(pruner), &passes, &largest)) !=
               ACKED &&
           monotonic_ms() < deadline)
        s_pause_ms(20);
    printf("# retention: %d events pruned in %d passes (largest %d)\n", pruned, passes, largest);
    assert_int_equal(pruned, ACKED);
    assert_true(largest <= 500);
    assert_true(passes >= 2);

    /* what was kept is still delivered, also to a client that holds nothing (a new machine,
     * a lost state file): it starts at the oldest kept event, then gets new ones live */
    static const uint64_t held[] = {ACKED, 0};
    for (size_t i = 0; i < ARRAY_LEN(held); i++) {
        c = s_client(pruner, &s_w.sekretaris);
        assert_int_equal(s_subscribe(c, held[i]), events_before);
        Lkip__Envelope *ev = s_event(c, WAIT_MS, "the oldest kept event");
        assert_int_equal(ev->event->seq, ACKED + 1);
        wire_free(&ev);
        harness_client_close(s_w.h, &c);
    }
    c = s_client(pruner, &s_w.sekretaris);
    assert_int_equal(s_subscribe(c, events_before), events_before);
    sc = s_client(pruner, &s_w.staf[0]);
    s_start_ok(sc, "retensi-2");
    Lkip__Envelope *ev = s_event(c, WAIT_MS, "a new event after the pruning");
    assert_int_equal(ev->event->seq, events_before + 1);
    wire_free(&ev);
    harness_client_close(s_w.h, &sc);
    harness_client_close(s_w.h, &c);
    free(sek);
    free(staf);
    s_world_close();
}

/* ---- 8. acknowledgements lost in a crash ---------------------------------------------------- */

/* A client holds events whose acknowledgements never reached the database: lkipd was killed
 * (SIGKILL) before its next flush of them. The client cannot tell; it subscribes to the daemon
 * that comes back with the last seq it holds, and that must count as its acknowledgement:
 * acked_seq catches up, and retention prunes those events. Here the client acknowledges nothing
 * before the kill, so the daemon certainly lost every acknowledgement. */
static void test_acks_lost_in_a_crash_are_stored_after_restart(void **state)
{
    enum { N = 30 };
    s_world("dv_lostack", false, 1, NULL);
    harness_daemon_t *d = s_w.daemons[0];
    long long sek_id = s_user_id("sekretaris.uji");
    char *sek = xasprintf("%lld", sek_id);
    s_insert_events(sek_id, N, "uji_ack_hilang");
    assert_int_equal(harness_sql_exec(s_w.h,
                                      "UPDATE outbox SET created_at = now() - interval '3 days'"
                                      " WHERE user_id = $1",
                                      sek, NULL),
                     0);
    lkipc_t *c = s_client(d, &s_w.sekretaris);
    assert_int_equal(s_subscribe(c, 0), N);
    for (uint64_t want = 1; want <= N; want++) {
        Lkip__Envelope *ev = s_event(c, WAIT_MS, "a stored event");
        assert_int_equal(ev->event->seq, want);
        wire_free(&ev);
    }
    harness_client_close(s_w.h, &c);
    assert_int_equal(harness_daemon_stop(d, SIGKILL), 128 + SIGKILL);
    const char *acked_sql = ACKED_SQL;
    assert_int_equal(harness_sql_int(s_w.h, acked_sql, sek, NULL), 0);

    /* back: the client says what it holds, and that is stored as acknowledged */
    assert_int_equal(harness_daemon_restart(d), 0);
    c = s_client(d, &s_w.sekretaris);
    assert_int_equal(s_subscribe(c, N), N);
    long long acked = s_wait_sql(N, acked_sql, sek);
    if (acked != N) {
        harness_dump_logs(s_w.h);
        fail_msg("acked_seq is %lld %d ms after a subscription holding %d", acked, WAIT_MS, N);
    }
    harness_client_close(s_w.h, &c);

    /* so retention can prune them: a daemon keeping one day does at its start */
    const char *const sets[] = {"retention_days=1", NULL};
    s_daemon(sets);
    long long left = s_wait_sql(0, "SELECT count(*) FROM outbox WHERE user_id = $1", sek);
    if (left != 0) {
        harness_dump_logs(s_w.h);
        fail_msg("%lld acknowledged old events still there after %d ms", left, WAIT_MS);
    }
    free(sek);
    s_world_close();
}

/* ---- 9. outages as users live them ---------------------------------------------------------- */

/* How long the database stays away while clients keep knocking. */
#define OUTAGE_MS 10000
/* A handshake refused for OUTAGE_MS costs a client at most this many attempts (a few dozen;
 * exponential back-off makes it about eight, a client without one made thousands). */
#define OUTAGE_MAX_ATTEMPTS 30

/* A relay in front of d (see relay.h), closed at the end of the test. */
static relay_t *s_relay(harness_daemon_t *d)
{
    assert_true(s_w.n_relays < (int)ARRAY_LEN(s_w.relays));
    relay_t *r = relay_new(harness_daemon_endpoint(d));
    assert_non_null(r);
    s_w.relays[s_w.n_relays++] = r;
    return r;
}

/* An lkip config file <tmp>/<name>.conf for the user whose harness key is key, reaching the
 * daemon at endpoint, keeping its state in <tmp>/state-<name>. Caller frees the path. */
static char *s_lkip_conf(const char *name, const char *endpoint, const char *key)
{
    char *path = xasprintf("%s/%s.conf", harness_tmpdir(s_w.h), name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f,
            "[lkip]\nendpoint = %s\nserver_key = %s.pub\nkey_file = keys/%s.key\n"
            "state_dir = state-%s\ntimeout_ms = 1000\n",
            endpoint, harness_server_key_file(s_w.h), key, name);
    assert_int_equal(fclose(f), 0);
    return path;
}

/* One run of the lkip command, its stdout and stderr apart. */
typedef struct {
    pid_t pid;
    char out[512];
    char err[512];
} lkip_run_t;

static void s_lkip(lkip_run_t *r, const char *name, const char *const *args)
{
    snprintf(r->out, sizeof r->out, "%s/%s.out", harness_tmpdir(s_w.h), name);
    snprintf(r->err, sizeof r->err, "%s/%s.err", harness_tmpdir(s_w.h), name);
    r->pid = harness_lkip_start_split(s_w.h, args, r->out, r->err);
    assert_true(r->pid > 0);
}

/* A whole file as a string ("" when missing); caller frees. */
static char *s_text(const char *path)
{
    char *text;
    size_t len;
    return read_file(path, 64u << 20, &text, &len) == 0 ? text : xstrdup("");
}

/* Waits for the exit of r (up to timeout_ms) and returns its status; shows its output when it
 * is not want. */
static int s_lkip_exit(const lkip_run_t *r, int timeout_ms, int want)
{
    int rc = harness_lkip_stop(s_w.h, r->pid, 0, timeout_ms);
    if (rc != want) {
        char *out = s_text(r->out), *err = s_text(r->err);
        printf("# lkip exited %d, expected %d\n# stdout:\n%s# stderr:\n%s", rc, want, out, err);
        free(out);
        free(err);
        harness_dump_logs(s_w.h);
    }
    return rc;
}

/* Holds the row lock of period's instance in the probe connection's transaction: a change of
 * that instance waits for s_unlock. */
static void s_lock_instance(const char *period)
{
    assert_int_equal(harness_sql_exec(s_w.h, "BEGIN", NULL), 0);
    assert_int_equal(harness_sql_int(s_w.h,
                                     "SELECT count(*) FROM (SELECT id FROM instances WHERE"
                                     " period = $1 FOR UPDATE) x",
                                     period, NULL),
                     1);
}

/* The stored reply of user's one accepted request of command: its request_id (as text, *id,
 * caller frees) and message (returned, caller frees); fails when there is not exactly one. */
static char *s_stored_reply(const char *user, const char *command, char **id)
{
    const char *from = " FROM requests r JOIN users u ON u.id = r.user_id WHERE u.name = $1"
                       " AND r.command = $2";
    char *sql = xasprintf("SELECT count(*)%s", from);
    assert_int_equal(harness_sql_int(s_w.h, sql, user, command, NULL), 1);
    free(sql);
    sql = xasprintf("SELECT r.request_id::text%s", from);
    *id = harness_sql(s_w.h, sql, user, command, NULL);
    free(sql);
    sql = xasprintf("SELECT encode(r.reply, 'hex')%s", from);
    char *hex = harness_sql(s_w.h, sql, user, command, NULL);
    free(sql);
    assert_non_null(*id);
    assert_non_null(hex);
    size_t len = strlen(hex) / 2;
    uint8_t *bin = xmalloc(len + 1);
    for (size_t i = 0; i < len; i++)
        bin[i] = (uint8_t)strtol((char[]){hex[2 * i], hex[2 * i + 1], 0}, NULL, 16);
    Lkip__Reply *reply = lkip__reply__unpack(NULL, len, bin);
    assert_non_null(reply);
    char *message = xstrdup(reply->message);
    lkip__reply__free_unpacked(reply, NULL);
    free(bin);
    free(hex);
    return message;
}

/* The change being made on period's locked instance (by user, command) commits, but its reply
 * never reaches the client: once the request waits for the lock, relay drops what lkipd sends;
 * the lock goes, the change commits, and lkipd is killed before anything else happens. */
static void s_commit_then_kill(relay_t *relay, const char *user, const char *command)
{
    long long waiting =
        s_wait_sql(1, "SELECT count(DISTINCT pid) FROM pg_locks WHERE NOT granted", NULL);
    if (waiting != 1) {
        harness_dump_logs(s_w.h);
        fail_msg("%lld requests wait for the locked instance, expected 1", waiting);
    }
    relay_set_mode(relay, RELAY_DROP_REPLIES);
    assert_int_equal(harness_sql_exec(s_w.h, "COMMIT", NULL), 0);
    char *sql = xasprintf("SELECT count(*) FROM requests r JOIN users u ON u.id = r.user_id"
                          " WHERE u.name = '%s' AND r.command = $1",
                          user);
    long long stored = s_wait_sql(1, sql, command);
    free(sql);
    if (stored != 1) {
        harness_dump_logs(s_w.h);
        fail_msg("the %s of %s was not committed within %d ms", command, user, WAIT_MS);
    }
    assert_int_equal(harness_daemon_stop(s_w.daemons[0], SIGKILL), 128 + SIGKILL);
}

/* Step 2 of period's instance was completed once, whatever was retried: one run done, one
 * accepted audit row, and the instance holds events events (those of the start and of step 2:
 * one per sekretaris and one to the next actor, each). */
static void s_assert_step2_once(const char *period, int events)
{
    assert_int_equal(s_count_for_instance("SELECT count(*) FROM step_runs r JOIN instances i ON"
                                          " i.id = r.instance_id WHERE i.period = $1 AND"
                                          " r.step_no = 2 AND r.state = 'done'",
                                          period),
                     1);
    assert_int_equal(s_count_for_instance("SELECT count(*) FROM step_runs r JOIN instances i ON"
                                          " i.id = r.instance_id WHERE i.period = $1",
                                          period),
                     3);
    assert_int_equal(s_count_for_instance("SELECT count(*) FROM audit a JOIN instances i ON"
                                          " i.id = a.instance_id WHERE i.period = $1 AND"
                                          " a.command = 'step' AND a.status < 400",
                                          period),
                     1);
    assert_int_equal(s_count_for_instance("SELECT count(*) FROM outbox o JOIN instances i ON"
                                          " i.id = o.instance_id WHERE i.period = $1",
                                          period),
                     events);
}

/* The files in <tmp>/state-<name>/pending (changes saved as unanswered). */
static int s_pending_files(const char *name, char *first, size_t len)
{
    char *dir = xasprintf("%s/state-%s/pending", harness_tmpdir(s_w.h), name);
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        if (n++ == 0 && first)
            snprintf(first, len, "%s/%s", dir, e->d_name);
    }
    if (d)
        closedir(d);
    free(dir);
    return n;
}

/* The watch of <tmp>/state-<name> keeps its position in one file, mode 0600 like every file
 * of lkip's state, holding the last seq it printed (and nothing is left beside it). */
static void s_assert_position(const char *name, const char *printed)
{
    char *dir = xasprintf("%s/state-%s", harness_tmpdir(s_w.h), name);
    DIR *d = opendir(dir);
    assert_non_null(d);
    int files = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.' || strcmp(e->d_name, "pending") == 0)
            continue;
        files++;
        assert_int_equal(strncmp(e->d_name, "last-seq-", 9), 0);
        char *path = xasprintf("%s/%s", dir, e->d_name);
        struct stat st;
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_mode & 0777, 0600);
        char *text = s_text(path);
        const char *last = strrchr(printed, ',');
        char *want = xasprintf("%.*s\n", (int)strcspn(last ? last + 1 : printed, ":"),
                               last ? last + 1 : printed);
        assert_string_equal(text, want);
        free(want);
        free(text);
        free(path);
    }
    closedir(d);
    free(dir);
    assert_int_equal(files, 1);
}

/* A message for people that invites a new request for something that may have happened. */
static void s_assert_no_ulangi(const char *what, const char *text)
{
    if (strstr(text, "ulangi") || strstr(text, "Ulangi"))
        fail_msg("%s says \"ulangi\":\n%s", what, text);
}

/* A change whose reply is lost (lkipd killed after the commit) and whose retries meet a
 * PostgreSQL that is stopped: the lkip command keeps sending the same request through the
 * outage, ends accepted with the original answer (exit 0), and the change exists once. */
static void s_change_through_outage(lkip_run_t *cmd, relay_t *to_cmd, relay_t *const *watches,
                                    int n_watches, unsigned *attempts)
{
    harness_daemon_t *d = s_w.daemons[0];
    /* the daemon comes back while every client is kept out, then loses its database */
    for (int i = 0; i < n_watches; i++)
        relay_set_mode(watches[i], RELAY_SHUT);
    relay_set_mode(to_cmd, RELAY_SHUT);
    assert_int_equal(harness_daemon_restart(d), 0);
    lkipc_t *early = s_client(d, &s_w.staf[0]); /* connected before the outage */
    s_subscribe(early, 0);
    assert_int_equal(harness_pg(s_w.h, "stop"), 0);

    /* a request on a connection that outlived the database: 503, and no invitation to make
     * something again that may have happened */
    Lkip__TasksRequest tasks = LKIP__TASKS_REQUEST__INIT;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_TASKS;
    req.tasks = &tasks;
    Lkip__Envelope *reply = harness_call_ok(early, &req);
    harness_assert_reply(reply, LKIP__STATUS__UNAVAILABLE, "db_unavailable");
    s_assert_no_ulangi("the 503 reply", reply->reply->message);
    assert_non_null(strstr(reply->reply->message, "request_id yang sama"));
    wire_free(&reply);
    harness_client_close(s_w.h, &early);

    /* the clients knock for OUTAGE_MS: their handshakes are answered from the directory lkipd
     * holds in memory, and what they ask gets 503 (retried with back-off) */
    unsigned before[4];
    for (int i = 0; i < n_watches; i++) {
        before[i] = relay_accepted(watches[i]);
        relay_set_mode(watches[i], RELAY_FORWARD);
    }
    relay_set_mode(to_cmd, RELAY_FORWARD);
    s_pause_ms(OUTAGE_MS); /* the length of the outage, not a check */
    for (int i = 0; i < n_watches; i++)
        attempts[i] = relay_accepted(watches[i]) - before[i];
    assert_int_equal(harness_pg(s_w.h, "start"), 0);
    assert_true(s_count_in_logs("database connection lost") >= 1);
}

/* What a watch printed on stdout, line by line: its events as "seq:kind,..." (*events) and its
 * status lines as "state[:code],..." (*statuses; typed watches only). Returns how many lines
 * are neither: not one JSON object, an event without seq or kind, a status line from an
 * untyped watch, or a line of a typed one without "type" "event" or "status". */
static int s_watch_lines(const char *path, bool typed, char **events, char **statuses)
{
    char *text = s_text(path);
    strbuf_t ev = {0}, st = {0};
    int bad = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        json_t *j = json_loads(line, JSON_REJECT_DUPLICATES, NULL);
        const char *type = json_string_value(json_object_get(j, "type"));
        json_t *seq = json_object_get(j, "seq");
        const char *kind = json_string_value(json_object_get(j, "kind"));
        bool event =
            json_is_integer(seq) && kind && (typed ? type && !strcmp(type, "event") : !type);
        if (event) {
            strbuf_printf(&ev, "%s%lld:%s", ev.len ? "," : "", (long long)json_integer_value(seq),
                          kind);
        } else if (typed && type && strcmp(type, "status") == 0) {
            const char *state = json_string_value(json_object_get(j, "state"));
            const char *code = json_string_value(json_object_get(j, "code"));
            strbuf_printf(&st, "%s%s%s%s", st.len ? "," : "", state ? state : "?", code ? ":" : "",
                          code ? code : "");
        } else {
            bad++;
            printf("# not an event line of %s: %s\n", path, line);
        }
        json_decref(j);
    }
    free(text);
    *events = strbuf_take(&ev);
    *statuses = strbuf_take(&st);
    return bad;
}

/* Waits up to timeout_ms until the watch printing to path has printed the whole outbox of
 * user; returns what it printed ("seq:kind,..."). */
static char *s_watch_until(const char *path, bool typed, const char *user, int timeout_ms)
{
    char *want = s_outbox_of(s_user_id(user));
    char *events = NULL, *statuses = NULL;
    int64_t deadline = monotonic_ms() + timeout_ms;
    for (;;) {
        free(events);
        free(statuses);
        (void)s_watch_lines(path, typed, &events, &statuses);
        if (strcmp(events, want) == 0 || monotonic_ms() >= deadline)
            break;
        s_pause_ms(50);
    }
    free(statuses);
    if (strcmp(events, want) != 0) {
        harness_dump_logs(s_w.h);
        fail_msg("the watch of %s printed\n  %s\nbut the outbox holds\n  %s", user, events, want);
    }
    free(want);
    return events;
}

/* How often text occurs in the file at path. */
static int s_count_in(const char *path, const char *text)
{
    char *data = s_text(path);
    int n = 0;
    for (const char *p = data; (p = strstr(p, text)) != NULL; p++)
        n++;
    free(data);
    return n;
}

/* Waits up to 30 s until the file at path holds text at least n times. */
static void s_wait_told(const char *path, const char *text, int n)
{
    int64_t deadline = monotonic_ms() + 30000;
    while (s_count_in(path, text) < n) {
        if (monotonic_ms() >= deadline) {
            harness_dump_logs(s_w.h);
            fail_msg("%s holds \"%s\" %d times after 30 s, expected %d", path, text,
                     s_count_in(path, text), n);
        }
        s_pause_ms(50);
    }
}

/* The database drops every connection of lkipd while the watches connect again (relays cut):
 * the first subscription after it meets a 503 (the worker finds its connection dead). Waits
 * until one of the watches told that 503. */
static void s_drop_db_under_watches(relay_t *const *watches, const lkip_run_t *a,
                                    const lkip_run_t *b)
{
    int told = s_count_in(a->err, "[503 db_unavailable]") + s_count_in(b->out, "\"status\":503");
    /* lkipd's main one, and the worker that serves the organisation: after the outage before,
     * that one may still be in its reconnection's back-off (up to 1 s) */
#define LKIPD_BACKENDS                                                                             \
    " FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"        \
    " AND backend_type = 'client backend'"
    int64_t connected_by = monotonic_ms() + WAIT_MS;
    while (harness_sql_int(s_w.h, "SELECT count(*)" LKIPD_BACKENDS, NULL) < 2 &&
           monotonic_ms() < connected_by)
        s_pause_ms(20);
    assert_true(harness_sql_int(s_w.h, "SELECT count(pg_terminate_backend(pid))" LKIPD_BACKENDS,
                                NULL) >= 2);
#undef LKIPD_BACKENDS
    relay_cut(watches[0]);
    relay_cut(watches[1]);
    int64_t deadline = monotonic_ms() + 30000;
    while (s_count_in(a->err, "[503 db_unavailable]") + s_count_in(b->out, "\"status\":503") ==
           told) {
        if (monotonic_ms() >= deadline) {
            harness_dump_logs(s_w.h);
            fail_msg("no watch told of a 503 while subscribing again");
        }
        s_pause_ms(50);
    }
}

/* A daemon names in its subscribe reply how often a client must show it is alive (a third of its
 * session_timeout_ms), and `lkip watch` keeps to it: after many session timeouts of silence its
 * session is still there, and an event made then reaches it. (With the watch's former fixed 5 s
 * the daemon forgot the session after 600 ms, and the event never came.) */
static void test_watch_keeps_the_daemons_keepalive(void **state)
{
    enum { TIMEOUT_MS = 600 };
    const char *const sets[] = {"session_timeout_ms=600", NULL};
    s_world("dv_keepalive", false, 1, sets);
    harness_daemon_t *d = s_w.daemons[0];
    lkipc_t *sek = s_client(d, &s_w.sekretaris);
    Lkip__Envelope *reply = s_subscribe_reply(sek, 0);
    assert_int_equal(reply->reply->subscribed->keepalive_ms, TIMEOUT_MS / 3);
    wire_free(&reply);
    harness_client_close(s_w.h, &sek);

    char *conf = s_lkip_conf("watch-keepalive", harness_daemon_endpoint(d), "sekretaris.uji");
    const char *const args[] = {"--config", conf, "--json", "watch", NULL};
    lkip_run_t watch;
    s_lkip(&watch, "watch-keepalive", args);
    lkipc_t *staf = s_client(d, &s_w.staf[0]);
    s_start_ok(staf, "hidup-1");
    free(s_watch_until(watch.out, false, "sekretaris.uji", WAIT_MS));
    s_pause_ms(5 * TIMEOUT_MS); /* nothing happens for five session timeouts */
    s_start_ok(staf, "hidup-2");
    char *seen = s_watch_until(watch.out, false, "sekretaris.uji", WAIT_MS);
    printf("# after %d ms of silence the watch printed %s\n", 5 * TIMEOUT_MS, seen);
    assert_int_equal(harness_lkip_stop(s_w.h, watch.pid, SIGTERM, WAIT_MS), 0);
    harness_client_close(s_w.h, &staf);
    free(seen);
    free(conf);
    s_world_close();
}

/* The sessions an administrator's ping counts (pong.load.sessions, what make bench checks its
 * idle clients by): each subscription adds one; a session whose client stays silent past
 * session_timeout_ms is forgotten and no longer counted, one that keeps acknowledging is. */
static int64_t s_sessions(lkipc_t *admin)
{
    Lkip__Envelope *reply = s_ping(admin);
    assert_non_null(reply);
    assert_non_null(reply->reply->pong->load);
    int64_t n = reply->reply->pong->load->sessions;
    wire_free(&reply);
    return n;
}

static void test_ping_counts_sessions(void **state)
{
    enum { TIMEOUT_MS = 600, BEAT_MS = 150 };
    const char *const sets[] = {"session_timeout_ms=600", NULL};
    s_world("dv_sessions", false, 1, sets);
    harness_daemon_t *d = s_w.daemons[0];
    lkipc_t *admin = s_client(d, &s_w.admin);
    assert_int_equal(s_sessions(admin), 0);
    lkipc_t *sek = s_client(d, &s_w.sekretaris), *staf = s_client(d, &s_w.staf[0]);
    assert_int_equal(s_subscribe(sek, 0), 0);
    assert_int_equal(s_subscribe(staf, 0), 0);
    assert_int_equal(s_sessions(admin), 2);
    /* the sekretaris acknowledges every BEAT_MS; the staf says nothing for three timeouts */
    for (int t = 0; t < 3 * TIMEOUT_MS; t += BEAT_MS) {
        s_ack(sek, 0);
        s_pause_ms(BEAT_MS);
    }
    assert_int_equal(s_sessions(admin), 1);
    harness_client_close(s_w.h, &sek);
    harness_client_close(s_w.h, &staf);
    harness_client_close(s_w.h, &admin);
    s_world_close();
}

/* One outage as users live it, on a cluster of the test's own. Two watches of the sekretariat
 * (one --json, one --json --status) and a kasubag completing a step, each through a relay.
 * lkipd commits the step and is killed before the answer gets out; it comes back, and its
 * PostgreSQL is stopped for OUTAGE_MS while every client knocks; then it starts again.
 *   - the command (retry window 60 s) ends accepted, exit 0, with the original answer, and the
 *     step was completed once; nothing it printed says "ulangi", nor does lkipd's 503;
 *   - each watch made at most OUTAGE_MAX_ATTEMPTS handshakes during the outage;
 *   - then the database drops lkipd's connections as the watches connect again, so that one
 *     of them meets a 503 on subscribing;
 *   - through all of it, the --json watch printed on stdout one JSON event per line and
 *     nothing else, exactly its outbox, its state changes on stderr; the --status watch printed
 *     its state changes as "type": "status" lines among "type": "event" ones. */
static void test_outage_as_users_live_it(void **state)
{
    s_world("dv_outage", true, 1, NULL);
    harness_daemon_t *d = s_w.daemons[0];
    harness_daemon_pin_endpoint(d);
    assert_int_equal(harness_user(s_w.h, "sekretaris.dua", "sekretaris", NULL, NULL), 0);
    relay_t *watches[2] = {s_relay(d), s_relay(d)};
    relay_t *to_cmd = s_relay(d);
    char *conf_a = s_lkip_conf("watch-json", relay_endpoint(watches[0]), "sekretaris.uji");
    char *conf_b = s_lkip_conf("watch-status", relay_endpoint(watches[1]), "sekretaris.dua");
    char *conf_cmd = s_lkip_conf("done", relay_endpoint(to_cmd), "kasubag.p0");
    const char *const args_a[] = {"--config", conf_a, "--json", "watch", NULL};
    const char *const args_b[] = {"--config", conf_b, "--json", "watch", "--status", NULL};
    const char *const args_cmd[] = {"--config", conf_cmd, "--retry-window",
                                    "60000",    "done",   DEF_CODE "/putus-1",
                                    "--step",   "2",      NULL};
    lkip_run_t watch_a, watch_b, cmd;
    s_lkip(&watch_a, "watch-json", args_a);
    s_lkip(&watch_b, "watch-status", args_b);
    lkipc_t *staf = s_client(d, &s_w.staf[0]);
    s_start_ok(staf, "putus-1");
    harness_client_close(s_w.h, &staf);
    free(s_watch_until(watch_a.out, false, "sekretaris.uji", WAIT_MS));
    free(s_watch_until(watch_b.out, true, "sekretaris.dua", WAIT_MS));

    s_lock_instance("putus-1");
    s_lkip(&cmd, "done", args_cmd);
    s_commit_then_kill(to_cmd, "kasubag.p0", "step");
    unsigned attempts[2];
    s_change_through_outage(&cmd, to_cmd, watches, 2, attempts);
    printf("# handshakes during %d ms of refusals: %u and %u by the two watches\n", OUTAGE_MS,
           attempts[0], attempts[1]);
    for (int i = 0; i < 2; i++)
        if (attempts[i] < 1 || attempts[i] > OUTAGE_MAX_ATTEMPTS)
            fail_msg("watch %d made %u handshakes in %d ms of refusals (at most %d)", i + 1,
                     attempts[i], OUTAGE_MS, OUTAGE_MAX_ATTEMPTS);

    assert_int_equal(s_lkip_exit(&cmd, 60000, 0), 0);
    char *id = NULL;
    char *message = s_stored_reply("kasubag.p0", "step", &id);
    char *want = xasprintf("%s\n", message);
    char *out = s_text(cmd.out), *err = s_text(cmd.err);
    assert_string_equal(out, want);
    s_assert_no_ulangi("lkip done", err);
    s_assert_step2_once("putus-1", 6); /* two sekretaris */
    assert_int_equal(s_pending_files("done", NULL, 0), 0);

    /* both watches are back (and told so) before the next trouble */
    s_wait_told(watch_a.err, "tersambung kembali", 1);
    s_wait_told(watch_b.out, "\"reconnected\"", 1);
    s_drop_db_under_watches(watches, &watch_a, &watch_b);
    staf = s_client(d, &s_w.staf[0]);
    lkipc_set_retry_window(staf, 30000); /* 503s while the workers connect again */
    s_start_ok(staf, "putus-2");
    harness_client_close(s_w.h, &staf);
    char *seen_a = s_watch_until(watch_a.out, false, "sekretaris.uji", 30000);
    char *seen_b = s_watch_until(watch_b.out, true, "sekretaris.dua", 30000);
    assert_int_equal(harness_lkip_stop(s_w.h, watch_a.pid, SIGTERM, WAIT_MS), 0);
    assert_int_equal(harness_lkip_stop(s_w.h, watch_b.pid, SIGTERM, WAIT_MS), 0);
    s_assert_position("watch-json", seen_a);
    s_assert_position("watch-status", seen_b);

    char *events = NULL, *statuses = NULL;
    assert_int_equal(s_watch_lines(watch_a.out, false, &events, &statuses), 0);
    assert_string_equal(events, seen_a);
    assert_string_equal(statuses, "");
    char *err_a = s_text(watch_a.err);
    printf("# the --json watch on stderr:\n%s", err_a);
    assert_non_null(strstr(err_a, "terputus"));
    /* the handshake is answered from the keys lkipd holds in memory: the outage shows as the
     * 503 of the re-subscription */
    assert_non_null(strstr(err_a, "[503 db_unavailable]"));
    assert_non_null(strstr(err_a, "tersambung kembali"));
    free(events);
    free(statuses);
    assert_int_equal(s_watch_lines(watch_b.out, true, &events, &statuses), 0);
    assert_string_equal(events, seen_b);
    printf("# the --status watch told: %s\n", statuses);
    assert_non_null(strstr(statuses, "disconnected"));
    assert_non_null(strstr(statuses, "error:db_unavailable"));
    assert_non_null(strstr(statuses, "reconnected"));
    assert_int_equal(s_count_in(watch_a.err, "terputus"), 2); /* each outage told once */
    assert_int_equal(s_count_in(watch_a.err, "tersambung kembali"), 2);
    assert_int_equal(s_count_in(watch_b.out, "\"disconnected\""), 2);
    assert_int_equal(s_count_in(watch_b.out, "\"reconnected\""), 2);

    free(events);
    free(statuses);
    free(err_a);
    free(seen_a);
    free(seen_b);
    free(out);
    free(err);
    free(want);
    free(message);
    free(id);
    free(conf_a);
    free(conf_b);
    free(conf_cmd);
    s_world_close();
}

/* lkip gives up on a change whose answer was lost (lkipd killed after the commit and not back
 * within the retry window): it says the outcome is unknown and that repeating is safe, and
 * saves the request. Run again once lkipd is back, the same command sends the same request
 * (even though the step it completed has moved on) and prints the original answer; the change
 * exists once. The entry is then gone: a third run is a new request (refused: no open step). */
static void test_repeat_after_giving_up_gets_the_original_answer(void **state)
{
    s_world("dv_giveup", false, 1, NULL);
    harness_daemon_t *d = s_w.daemons[0];
    harness_daemon_pin_endpoint(d);
    relay_t *to_cmd = s_relay(d);
    lkipc_t *staf = s_client(d, &s_w.staf[0]);
    s_start_ok(staf, "ragu-1");
    harness_client_close(s_w.h, &staf);
    char *conf = s_lkip_conf("ragu", relay_endpoint(to_cmd), "kasubag.p0");
    const char *const args[] = {"--config",         conf, "--retry-window", "3000", "done",
                                DEF_CODE "/ragu-1", NULL};

    s_lock_instance("ragu-1");
    lkip_run_t first, again, third;
    s_lkip(&first, "ragu-1st", args);
    s_commit_then_kill(to_cmd, "kasubag.p0", "step");
    assert_int_equal(s_lkip_exit(&first, 30000, 3), 3);
    char *out = s_text(first.out), *err = s_text(first.err);
    printf("# lkip done gave up:\n%s", err);
    assert_string_equal(out, "");
    assert_non_null(strstr(err, "[outcome_unknown]"));
    assert_non_null(strstr(err, "aman"));
    s_assert_no_ulangi("lkip done giving up", err);
    char *id = NULL;
    char *message = s_stored_reply("kasubag.p0", "step", &id);
    char file[700];
    assert_int_equal(s_pending_files("ragu", file, sizeof file), 1);
    struct stat st;
    assert_int_equal(stat(file, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    char *saved = s_text(file), *line = xasprintf("request_id %s\n", id);
    assert_non_null(strstr(saved, line));

    assert_int_equal(harness_daemon_restart(d), 0);
    relay_set_mode(to_cmd, RELAY_FORWARD);
    s_lkip(&again, "ragu-2nd", args);
    assert_int_equal(s_lkip_exit(&again, 30000, 0), 0);
    free(out);
    free(err);
    out = s_text(again.out);
    err = s_text(again.err);
    char *want = xasprintf("%s\n", message);
    assert_string_equal(out, want);
    assert_non_null(strstr(err, "dikirim kembali"));
    free(id);
    free(s_stored_reply("kasubag.p0", "step", &id)); /* still the one request */
    s_assert_step2_once("ragu-1", 4);
    assert_int_equal(s_pending_files("ragu", NULL, 0), 0);

    s_lkip(&third, "ragu-3rd", args);
    assert_int_equal(s_lkip_exit(&third, 30000, 1), 1);
    free(out);
    free(err);
    free(want);
    free(saved);
    free(line);
    free(message);
    free(id);
    free(conf);
    s_world_close();
}

/* ---- 10. a primary left behind is refused ---------------------------------------------------- */

/* Instances of the test definition with period on the server of conninfo (-1: unreachable). */
static long long s_instances_at(const char *conninfo, const char *period)
{
    PGconn *c = PQconnectdb(conninfo);
    const char *params[2] = {DEF_CODE, period};
    PGresult *r = PQstatus(c) == CONNECTION_OK
                      ? PQexecParams(c,
                                     "SELECT count(*) FROM instances WHERE sop_code = $1 AND"
                                     " period = $2",
                                     2, NULL, params, NULL, NULL, 0)
                      : NULL;
    long long n = r && PQresultStatus(r) == PGRES_TUPLES_OK ? atoll(PQgetvalue(r, 0, 0)) : -1;
    PQclear(r);
    PQfinish(c);
    return n;
}

/* The ping's database node as "port/timeline"; "" when it was not answered 200. */
static void s_ping_node(lkipc_t *c, char *out, size_t len)
{
    Lkip__Envelope *reply = s_ping(c);
    out[0] = '\0';
    if (reply)
        snprintf(out, len, "%d/%d", (int)reply->reply->pong->database->port,
                 (int)reply->reply->pong->database->timeline);
    wire_free(&reply);
}

/* Split brain as issue 13 found it: a standby promoted (timeline 2) while the old primary still
 * runs read-write on timeline 1, both in lkipd's host list. lkipd is on the new primary; when it
 * goes away, libpq reaches the old one, which lkipd refuses (a loud error naming it): requests
 * get 503 and nothing is written there. When the new primary is back, the same request is
 * accepted there, once. */
static void test_primary_left_behind_refused(void **state)
{
    int64_t t_world = monotonic_ms();
    s_world("dv_split", true, 1, NULL);
    assert_int_equal(harness_daemon_stop(s_w.daemons[0], SIGTERM), 0);
    int64_t t_standby = monotonic_ms();
    assert_int_equal(harness_pg_standby(s_w.h, "create"), 0);
    char *ci = harness_standby_first_conninfo(s_w.h);
    assert_non_null(ci);
    char *set = xasprintf("database=%s", ci);
    const char *const sets[] = {set, NULL};

    /* the standby first in the list, no target_session_attrs: lkipd adds read-write and lands on
     * the primary (it would refuse the standby) */
    const char *port = strstr(harness_conninfo(s_w.h), " port=");
    assert_non_null(port);
    char primary[32], node[32];
    snprintf(primary, sizeof primary, "%d/1", atoi(port + strlen(" port=")));
    harness_daemon_t *d = s_daemon(sets);
    lkipc_t *c = s_client(d, &s_w.staf[0]);
    s_ping_node(c, node, sizeof node);
    assert_string_equal(node, primary);
    harness_client_close(s_w.h, &c);
    assert_int_equal(harness_daemon_stop(d, SIGTERM), 0);

    assert_int_equal(harness_pg_standby(s_w.h, "promote"), 0);
    printf("# cluster and users in %lld ms, standby made and promoted in %lld ms\n",
           (long long)(t_standby - t_world), (long long)(monotonic_ms() - t_standby));
    d = s_daemon(sets);
    c = s_client(d, &s_w.staf[0]);
    char before[32];
    s_ping_node(c, before, sizeof before);
    assert_true(strstr(before, "/2") != NULL); /* the promoted standby, timeline 2 */

    assert_int_equal(harness_pg_standby(s_w.h, "stop"), 0);
    Lkip__Envelope req;
    Lkip__StartRequest body;
    s_start_req(&req, &body, "split-1");
    int status = 0;
    int64_t t0 = monotonic_ms();
    while (monotonic_ms() - t0 < WAIT_MS &&
           !(status == LKIP__STATUS__UNAVAILABLE && s_count_in_logs("older than timeline 2"))) {
        Lkip__Envelope *reply = harness_call_ok(c, &req);
        status = (int)reply->reply->status;
        assert_int_equal(status, LKIP__STATUS__UNAVAILABLE);
        wire_free(&reply);
        s_pause_ms(50);
    }
    assert_int_equal(status, LKIP__STATUS__UNAVAILABLE);
    printf("# the old primary refused after %lld ms\n", (long long)(monotonic_ms() - t0));
    assert_true(s_count_in_logs("is on timeline 1, older than timeline 2") > 0);
    s_ping_node(c, node, sizeof node);
    assert_string_equal(node, ""); /* no answer from the old primary */
    assert_int_equal(harness_sql_int(s_w.h, "SELECT count(*) FROM instances", NULL), 0);

    assert_int_equal(harness_pg_standby(s_w.h, "start"), 0);
    t0 = monotonic_ms();
    while (status != LKIP__STATUS__CREATED && monotonic_ms() - t0 < WAIT_MS) {
        Lkip__Envelope *reply = harness_call_ok(c, &req); /* the same request_id */
        status = (int)reply->reply->status;
        wire_free(&reply);
        if (status == LKIP__STATUS__UNAVAILABLE)
            s_pause_ms(50);
    }
    assert_int_equal(status, LKIP__STATUS__CREATED);
    printf("# accepted on the new primary %lld ms after it was started again\n",
           (long long)(monotonic_ms() - t0));
    s_ping_node(c, node, sizeof node);
    assert_string_equal(node, before);
    assert_int_equal(s_instances_at(ci, "split-1"), 1); /* the new primary is first in ci */
    assert_int_equal(harness_sql_int(s_w.h, "SELECT count(*) FROM instances", NULL), 0);
    harness_client_close(s_w.h, &c);
    free(set);
    free(ci);
    s_world_close();
}

/* ---- 11. PostgreSQL fail-over (make check-ha) ------------------------------------------------ */

/* A pg_auto_failover formation made by scripts/ha.sh (LKIP_TEST_HA: its folder,
 * LKIP_TEST_HA_HOSTS: its nodes); the harness database and lkipd's conninfo are its multi-host
 * URI with target_session_attrs=read-write. */

/* Runs scripts/ha.sh action on the formation (output to its ha-test.log); 0 or -1. */
static int s_ha(const char *action, char *out, size_t out_len)
{
    const char *src = getenv("LKIP_SRCDIR") ? getenv("LKIP_SRCDIR") : ".";
    char *cmd = xasprintf("'%s/scripts/ha.sh' %s '%s' 2>>'%s/ha-test.log'", src, action,
                          getenv("LKIP_TEST_HA"), getenv("LKIP_TEST_HA"));
    FILE *f = popen(cmd, "r");
    free(cmd);
    if (!f)
        return -1;
    char buf[256] = "";
    if (!fgets(buf, sizeof buf, f))
        buf[0] = '\0';
    buf[strcspn(buf, "\n")] = '\0';
    if (out)
        snprintf(out, out_len, "%s", buf);
    return pclose(f) == 0 ? 0 : -1;
}

/* The node lkipd's ping says answered, until it is primary (an answer at all, after the
 * switch), within WAIT_MS; prints it. "" when no ping was answered. */
static void s_ha_ping(const char *when, char *node, size_t len)
{
    node[0] = '\0';
    lkipc_t *c = s_client(s_w.daemons[0], &s_w.admin);
    int64_t t0 = monotonic_ms();
    while (!node[0] && monotonic_ms() - t0 < WAIT_MS) {
        Lkip__Envelope *reply = s_ping(c);
        if (reply && reply->reply->pong->database) {
            const Lkip__DatabaseNode *db = reply->reply->pong->database;
            snprintf(node, len, "%s:%d", db->host, (int)db->port);
            printf("# %s: ping answered after %lld ms by %s, timeline %d\n", when,
                   (long long)(monotonic_ms() - t0), node, (int)db->timeline);
        } else {
            s_pause_ms(50);
        }
        wire_free(&reply);
    }
    harness_client_close(s_w.h, &c);
}

/* Twice pg_autoctl perform failover (there, and back), then SIGKILL of the primary's
 * postmaster (pg_autoctl restarts it, or the monitor fails over). After each, the node lkipd's
 * ping names is the formation's primary. */
static const char *s_ha_disrupt(int k)
{
    static const char *const actions[] = {"failover", "failover", "kill-primary"};
    int64_t t0 = monotonic_ms();
    if (s_ha(actions[k], NULL, 0) != 0)
        return "scripts/ha.sh failed (see ha-test.log in the formation's folder)";
    printf("# disruption %d (%s): the formation was whole again after %lld ms\n", k + 1, actions[k],
           (long long)(monotonic_ms() - t0));
    char primary[128], answered[128];
    if (s_ha("primary", primary, sizeof primary) != 0)
        return "scripts/ha.sh primary failed";
    s_ha_ping(actions[k], answered, sizeof answered);
    if (strcmp(primary, answered) != 0) {
        static char why[320];
        snprintf(why, sizeof why, "ping answered from \"%s\", the primary is %s", answered,
                 primary);
        return why;
    }
    return NULL;
}

/* Every PROBE_EVERY_MS: no session of the test database older than a second on a node in
 * recovery (lkipd may try a standby for a moment -- libpq's read-write check, its own identity
 * check -- but must never stay there). */
static const char *s_ha_probe(void)
{
    static char why[512];
    char *hosts = xstrdup(getenv("LKIP_TEST_HA_HOSTS"));
    const char *dbname = harness_sql_dbname(s_w.h);
    why[0] = '\0';
    for (char *save = NULL, *hp = strtok_r(hosts, ",", &save); hp && !why[0];
         hp = strtok_r(NULL, ",", &save)) {
        char *port = strrchr(hp, ':');
        if (!port)
            continue;
        *port++ = '\0';
        char *ci =
            xasprintf("host=%s port=%s user=lkip dbname=postgres connect_timeout=2", hp, port);
        PGconn *c = PQconnectdb(ci);
        free(ci);
        const char *params[1] = {dbname};
        PGresult *r = PQstatus(c) == CONNECTION_OK
                          ? PQexecParams(c,
                                         "SELECT pg_is_in_recovery(), count(*) FROM"
                                         " pg_stat_activity WHERE datname = $1 AND backend_type ="
                                         " 'client backend' AND now() - backend_start >"
                                         " interval '1 second'",
                                         1, NULL, params, NULL, NULL, 0)
                          : NULL;
        if (r && PQresultStatus(r) == PGRES_TUPLES_OK && PQgetvalue(r, 0, 0)[0] == 't' &&
            atoi(PQgetvalue(r, 0, 1)) > 0)
            snprintf(why, sizeof why, "%s sessions of lkipd on the standby %s:%s",
                     PQgetvalue(r, 0, 1), hp, port);
        PQclear(r);
        PQfinish(c); /* a node down or restarting is no finding */
    }
    free(hosts);
    return why[0] ? why : NULL;
}

/* The timelines of lkipd's "database connection (...) on ..., timeline N" lines in its log, in
 * order, must never go down: no connection went back to a demoted primary. Returns how many
 * connections were made. */
static int s_ha_connections_in_log(const char *log)
{
    char *text;
    size_t len;
    assert_int_equal(read_file(log, 256u << 20, &text, &len), 0);
    int n = 0, newest = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        const char *tl = strstr(line, "lkipd info: database connection (");
        if (!tl || !(tl = strstr(tl, ", timeline ")))
            continue;
        int timeline = atoi(tl + strlen(", timeline "));
        if (timeline < newest)
            fail_msg("connection on timeline %d after one on timeline %d: %s", timeline, newest,
                     line);
        newest = timeline;
        n++;
    }
    free(text);
    return n;
}

static void test_postgres_failover_under_load(void **state)
{
    if (!getenv("LKIP_TEST_HA") || !getenv("LKIP_TEST_HA_HOSTS"))
        fail_msg("LKIP_TEST_HA and LKIP_TEST_HA_HOSTS name the formation (make check-ha)");
    s_world("dv_ha", false, 2, NULL);
    char node[128];
    s_ha_ping("before", node, sizeof node);
    assert_true(node[0] != '\0');
    /* a paced load (at most 40 requests a second) long enough to run under every switch */
    s_load.deadline_ms = 240000;
    s_load.gap_ms = 2000;
    s_load.pace_ms = 100;
    s_load.probe = s_ha_probe;
    s_run_load(80, 1, s_ha_disrupt, 3);
    s_load.probe = NULL;
    s_load.deadline_ms = s_load.gap_ms = s_load.pace_ms = 0;
    int n = s_ha_connections_in_log(harness_daemon_log_file(s_w.daemons[0]));
    printf("# lkipd made %d database connections, none to an older timeline\n", n);
    assert_int_equal(harness_sql_int(s_w.h,
                                     "SELECT count(*) FROM instances i WHERE (SELECT count(*)"
                                     " FROM step_runs r WHERE r.instance_id = i.id) <> $1::int",
                                     "6", NULL),
                     0);
    s_world_close();
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_daemon_killed_during_load, s_teardown),
        cmocka_unit_test_teardown(test_daemon_killed_same_port_real_watch, s_teardown),
        cmocka_unit_test_teardown(test_two_daemons_under_load_one_killed, s_teardown),
        cmocka_unit_test_teardown(test_postgres_restarted_during_load, s_teardown),
        cmocka_unit_test_teardown(test_offline_client_gets_what_it_missed, s_teardown),
        cmocka_unit_test_teardown(test_retry_after_lost_reply_has_one_effect, s_teardown),
        cmocka_unit_test_teardown(test_duplicate_on_two_daemons_at_once, s_teardown),
        cmocka_unit_test_teardown(test_two_daemons_notify_and_poll, s_teardown),
        cmocka_unit_test_teardown(test_poll_in_slices_reaches_everyone, s_teardown),
        cmocka_unit_test_teardown(test_unacknowledged_events_resent, s_teardown),
        cmocka_unit_test_teardown(test_watch_keeps_the_daemons_keepalive, s_teardown),
        cmocka_unit_test_teardown(test_ping_counts_sessions, s_teardown),
        cmocka_unit_test_teardown(test_retention_prunes_acknowledged_in_batches, s_teardown),
        cmocka_unit_test_teardown(test_acks_lost_in_a_crash_are_stored_after_restart, s_teardown),
        cmocka_unit_test_teardown(test_outage_as_users_live_it, s_teardown),
        cmocka_unit_test_teardown(test_repeat_after_giving_up_gets_the_original_answer, s_teardown),
        cmocka_unit_test_teardown(test_primary_left_behind_refused, s_teardown),
    };
    /* make check-ha runs the fail-over test alone, on the formation it made */
    const struct CMUnitTest ha[] = {
        cmocka_unit_test_teardown(test_postgres_failover_under_load, s_teardown),
    };
    harness_test_filter();
    if (getenv("LKIP_TEST_HA"))
        return cmocka_run_group_tests(ha, s_group_setup, s_group_teardown);
    return cmocka_run_group_tests(tests, s_group_setup, s_group_teardown);
}
