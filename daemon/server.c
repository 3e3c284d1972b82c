/* server — see server.h. */
#include "server.h"

#include "auth.h"
#include "cmd.h"
#include "db_audit.h"
#include "db_calendar.h"
#include "db_outbox.h"
#include "db_timers.h"
#include "deadline.h"
#include "defcache.h"
#include "delivery.h"
#include "timers.h"
#include "timesrc.h"
#include "keys.h"
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

/* Back-off between attempts to reach a lost database. */
#define DB_RETRY_MIN_MS 100
#define DB_RETRY_MAX_MS 5000

struct server {
    const config_t *cfg;
    db_t *db;                 /* not owned */
    void *zctx;
    auth_t *auth;
    void *router;
    char endpoint[256];       /* as bound */
    int64_t db_retry_at;      /* monotonic ms of the next reconnect attempt; 0: connected */
    int db_backoff_ms;
    defcache_t *defs;         /* parsed SOP definitions */
    delivery_t *delivery;     /* event sessions */
    deadline_t *deadlines;    /* organisations' calendars */
    timesrc_t *clock;         /* the daemon clock */
    bool timer_known;         /* next_timer holds the earliest pending timer */
    int64_t next_timer;       /* unix seconds of the earliest pending timer; 0: none */
    int64_t timer_check_at;   /* monotonic ms: look at the timers table again */
    int64_t prune_at;         /* monotonic ms of the next retention pass */
};

/* Retention: delivered events and stored replies older than retention_days go, a small batch
 * at a time so the loop never stalls. */
#define PRUNE_BATCH 500
#define PRUNE_EVERY_MS 60000

/* One request read from the socket, waiting for its batch to run. */
typedef struct {
    zmq_msg_t rid;            /* the peer's routing id */
    int64_t user_id;          /* from the ZAP User-Id */
    uint64_t request_id;
    Lkip__Envelope *env;      /* decoded request; NULL when the frame was malformed */
    const cmd_t *cmd;         /* NULL when the body is not a known request */
    Lkip__Reply *reply;       /* built while the batch runs */
    int64_t *woken;           /* users with events queued by this request, once accepted */
    int n_woken;
} pending_t;

static Lkip__Reply *s_reply_new(void)
{
    Lkip__Reply *r = xmalloc(sizeof *r);
    lkip__reply__init(r);
    return r;
}

/* Replaces p's reply with a plain status (used when a batch fails as a whole). */
static void s_reply_plain(pending_t *p, int status, const char *code, const char *message)
{
    if (p->reply)
        lkip__reply__free_unpacked(p->reply, NULL);
    p->reply = s_reply_new();
    p->reply->status = (Lkip__Status)status;
    p->reply->code = xstrdup(code);
    p->reply->message = xstrdup(message);
}

static void s_reply_unavailable(pending_t *p)
{
    s_reply_plain(p, LKIP__STATUS__UNAVAILABLE, "db_unavailable",
                  "Basis data sedang tidak dapat dijangkau; silakan ulangi permintaan");
}

static void s_send_reply(server_t *self, pending_t *p)
{
    Lkip__Envelope env = LKIP__ENVELOPE__INIT;
    env.request_id = p->request_id;
    env.body_case = LKIP__ENVELOPE__BODY_REPLY;
    env.reply = p->reply;
    size_t len;
    uint8_t *buf = wire_encode(&env, &len);
    if (zmq_send(self->router, zmq_msg_data(&p->rid), zmq_msg_size(&p->rid),
                 ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0 ||
        zmq_send(self->router, buf, len, ZMQ_DONTWAIT) < 0)
        log_debug("reply to request %llu not delivered: %s", (unsigned long long)p->request_id,
                  zmq_strerror(errno));
    free(buf);
}

static void s_pending_clear(pending_t *p)
{
    free(p->woken);
    p->woken = NULL;
    p->n_woken = 0;
    zmq_msg_close(&p->rid);
    wire_free(&p->env);
    if (p->reply)
        lkip__reply__free_unpacked(p->reply, NULL);
    p->reply = NULL;
}

/* ---- the database connection ---------------------------------------------------------- */

static void s_db_lost(server_t *self)
{
    if (self->db_retry_at == 0) {
        log_warn("database connection lost: %s", db_error(self->db));
        self->db_backoff_ms = DB_RETRY_MIN_MS;
        self->db_retry_at = monotonic_ms();
    }
}

/* True when the database can be used now; tries to reconnect when its back-off has passed. */
static bool s_db_ready(server_t *self)
{
    if (self->db_retry_at == 0 && db_alive(self->db))
        return true;
    s_db_lost(self);
    if (monotonic_ms() < self->db_retry_at)
        return false;
    if (db_reset(self->db) == 0 && db_exec(self->db, "LISTEN lkip_events", NULL) == 0 &&
        db_exec(self->db, "LISTEN lkip_clock", NULL) == 0) {
        self->timer_known = false;
        log_info("database connection restored");
        self->db_retry_at = 0;
        return true;
    }
    self->db_retry_at = monotonic_ms() + self->db_backoff_ms;
    self->db_backoff_ms =
        self->db_backoff_ms * 2 > DB_RETRY_MAX_MS ? DB_RETRY_MAX_MS : self->db_backoff_ms * 2;
    return false;
}

/* Another daemon committed events: payload lists the users ("12,40"), or is empty for
 * "anyone". Our own notifications were handled right after our commit. */
static void s_on_notify(const char *channel, const char *payload, bool own, void *arg)
{
    server_t *self = arg;
    if (strcmp(channel, "lkip_clock") == 0) {
        timesrc_set(self->clock, strtoll(payload, NULL, 10));
        self->timer_known = false;
        return;
    }
    if (own || strcmp(channel, "lkip_events") != 0)
        return;
    self->timer_known = false; /* the change may have queued timers */
    if (!*payload) {
        delivery_wake(self->delivery, NULL, 0);
        return;
    }
    int64_t users[1024];
    int n = 0;
    for (const char *p = payload; *p && n < (int)ARRAY_LEN(users);) {
        char *end;
        users[n++] = strtoll(p, &end, 10);
        p = *end == ',' ? end + 1 : end + strlen(end);
    }
    delivery_wake(self->delivery, users, n);
}

static void s_db_readable(server_t *self)
{
    if (db_notifications(self->db, s_on_notify, self) < 0)
        s_db_lost(self);
}

/* ---- running requests ----------------------------------------------------------------- */

/* Loads a stored reply for a retried change; true when one was found and set. */
static bool s_replay_stored(server_t *self, pending_t *p, cmd_ctx_t *ctx)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    char command[32] = "";
    int found = db_request_get(self->db, p->user_id, p->request_id, &buf, &len, command,
                               sizeof command);
    if (found < 0) {
        cmd_db_failed(ctx, "stored reply lookup");
        return true;
    }
    if (found == 0)
        return false;
    if (strcmp(command, p->cmd->name) != 0) {
        free(buf);
        cmd_reply(ctx, LKIP__STATUS__CONFLICT, "request_id_reused",
                  "request_id ini sudah dipakai untuk perintah lain (%s)", command);
        return true;
    }
    Lkip__Reply *stored = lkip__reply__unpack(NULL, len, buf);
    free(buf);
    if (!stored) {
        cmd_reply(ctx, LKIP__STATUS__INTERNAL, "internal", "Balasan tersimpan rusak");
        return true;
    }
    lkip__reply__free_unpacked(p->reply, NULL);
    p->reply = ctx->reply = stored;
    log_debug("request %llu of user %lld answered from its stored reply",
              (unsigned long long)p->request_id, (long long)p->user_id);
    return true;
}

/* Stores an accepted change's reply and its audit row; false (reply set) when that failed. */
static bool s_record_accepted(server_t *self, pending_t *p, cmd_ctx_t *ctx)
{
    size_t len = lkip__reply__get_packed_size(p->reply);
    uint8_t *buf = xmalloc(len);
    lkip__reply__pack(p->reply, buf);
    int rc = db_request_put(self->db, p->user_id, p->request_id, p->cmd->name, buf, len);
    free(buf);
    if (rc == 0)
        rc = db_audit_add(self->db, p->user_id, p->cmd->name, p->reply->status, p->reply->code,
                          ctx->instance_id, ctx->step_no, strbuf_str(&ctx->detail));
    if (rc == 0)
        return true;
    /* a concurrent duplicate on another daemon also lands here: the retry finds its reply */
    s_reply_unavailable(p);
    ctx->reply = p->reply;
    return false;
}

/* Runs one request inside the batch transaction, under its own savepoint. */
static void s_run_one(server_t *self, pending_t *p, int64_t now)
{
    cmd_ctx_t ctx = {.db = self->db, .cfg = self->cfg, .req = p->env, .now = now,
                     .defs = self->defs, .deadlines = self->deadlines, .clock = self->clock};
    ctx.reply = p->reply = s_reply_new();
    if (db_savepoint(self->db) != 0) {
        cmd_db_failed(&ctx, "savepoint");
        return;
    }
    user_t caller = {0};
    db_lookup_t found = db_user_by_id(self->db, p->user_id, &caller);
    bool replayed = false;
    bool ran = false; /* the handler ran */
    if (found == DB_FAILED) {
        cmd_db_failed(&ctx, "caller lookup");
    } else if (found == DB_NOT_FOUND || caller.disabled) {
        cmd_reply(&ctx, LKIP__STATUS__FORBIDDEN, "user_disabled",
                  "Akun Anda tidak aktif; hubungi administrator");
    } else if (p->cmd->access == CMD_ADMIN && strcmp(caller.role, "admin") != 0) {
        cmd_reply(&ctx, LKIP__STATUS__FORBIDDEN, "forbidden_role",
                  "Perintah \"%s\" hanya untuk administrator (peran Anda: %s)", p->cmd->name,
                  caller.role);
    } else if (p->cmd->mutating && p->request_id == 0) {
        cmd_reply(&ctx, LKIP__STATUS__BAD_REQUEST, "missing_request_id",
                  "Permintaan perubahan wajib membawa request_id");
    } else if (p->cmd->mutating && (replayed = s_replay_stored(self, p, &ctx))) {
        /* answered from the stored reply (or the lookup failed and said so) */
    } else {
        ctx.caller = &caller;
        ran = true;
        p->cmd->fn(&ctx);
        if (p->reply->status == LKIP__STATUS__STATUS_NONE)
            cmd_reply(&ctx, LKIP__STATUS__INTERNAL, "internal", "Perintah tidak menjawab");
    }

    bool accepted = p->reply->status < 400;
    if (accepted && p->cmd->mutating && !replayed)
        accepted = s_record_accepted(self, p, &ctx);
    if (!accepted) {
        bool rolled_back = db_rollback_savepoint(self->db) == 0;
        /* A duplicate of this change (the client gave up on another daemon and tried this one)
         * may have committed while the handler waited for its locks, and the handler then
         * refused what the duplicate had just done (step_changed, instance_exists, a taken
         * request_id): its stored reply is the answer, as for any retry. */
        if (rolled_back && ran && p->cmd->mutating && s_replay_stored(self, p, &ctx)) {
            replayed = true;
        } else {
            if (rolled_back &&
                db_audit_add(self->db, p->user_id, p->cmd->name, p->reply->status, p->reply->code,
                             ctx.instance_id, ctx.step_no, p->reply->message) != 0)
                log_warn("could not audit refused %s: %s", p->cmd->name, db_error(self->db));
            log_debug("%s by user %lld refused: %d %s", p->cmd->name, (long long)p->user_id,
                      p->reply->status, p->reply->code);
        }
    }
    if (db_release_savepoint(self->db) != 0 && p->reply->status < 400)
        s_reply_unavailable(p);
    if (p->reply->status < 400 && !replayed) {
        p->woken = ctx.woken;
        p->n_woken = ctx.n_woken;
    } else {
        free(ctx.woken);
    }
    user_clear(&caller);
    strbuf_free(&ctx.detail);
}

/* Tells the other daemons which users have new events: one NOTIFY per batch, delivered at
 * commit (NOTIFY takes a global lock at commit, so never one per row). Returns 0 or -1. */
static int s_notify_batch(server_t *self, pending_t *batch, int n)
{
    int64_t *users = NULL;
    int count = 0;
    for (int i = 0; i < n; i++) {
        if (!batch[i].n_woken)
            continue;
        users = xrealloc(users, (size_t)(count + batch[i].n_woken) * sizeof *users);
        memcpy(users + count, batch[i].woken, (size_t)batch[i].n_woken * sizeof *users);
        count += batch[i].n_woken;
    }
    int rc = db_outbox_notify(self->db, users, count);
    free(users);
    return rc;
}

/* Runs a batch in one transaction and sends its replies once it is durable. */
static void s_run_batch(server_t *self, pending_t *batch, int n)
{
    int runnable = 0;
    for (int i = 0; i < n; i++)
        if (batch[i].cmd)
            runnable++;
    if (runnable > 0) {
        bool ok = s_db_ready(self) && db_begin(self->db) == 0;
        int64_t now = timesrc_now(self->clock);
        for (int i = 0; ok && i < n; i++)
            if (batch[i].cmd)
                s_run_one(self, &batch[i], now);
        if (ok && s_notify_batch(self, batch, n) != 0) {
            log_warn("batch notify failed: %s", db_error(self->db));
            ok = false;
        }
        if (ok && db_commit(self->db) != 0) {
            log_warn("batch commit failed: %s", db_error(self->db));
            ok = false;
        }
        if (!ok) {
            if (!db_alive(self->db))
                s_db_lost(self);
            else
                db_rollback(self->db);
            for (int i = 0; i < n; i++) {
                if (batch[i].cmd && (!batch[i].reply || batch[i].reply->status < 400))
                    s_reply_unavailable(&batch[i]);
                batch[i].n_woken = 0;
            }
        }
    }
    for (int i = 0; i < n; i++) {
        pending_t *p = &batch[i];
        if (!p->reply)
            continue;
        s_send_reply(self, p);
        /* the subscribe reply goes first, then the replay */
        if (p->cmd && p->cmd->body == LKIP__ENVELOPE__BODY_SUBSCRIBE && p->reply->status < 400)
            delivery_subscribe(self->delivery, zmq_msg_data(&p->rid), zmq_msg_size(&p->rid),
                               p->user_id, p->env->subscribe->last_seq);
    }
    for (int i = 0; i < n; i++) {
        if (batch[i].n_woken) {
            delivery_wake(self->delivery, batch[i].woken, batch[i].n_woken);
            self->timer_known = false; /* steps were opened: new timers */
        }
        s_pending_clear(&batch[i]);
    }
}

static void s_prune(server_t *self)
{
    if (monotonic_ms() < self->prune_at)
        return;
    int events = db_outbox_prune(self->db, self->cfg->retention_days, PRUNE_BATCH);
    int replies = db_request_prune(self->db, self->cfg->retention_days, PRUNE_BATCH);
    if (events < 0 || replies < 0)
        log_warn("retention pass failed: %s", db_error(self->db));
    else if (events || replies)
        log_info("retention: pruned %d delivered events and %d stored replies", events, replies);
    /* a full batch means more is waiting: come back soon */
    bool more = events == PRUNE_BATCH || replies == PRUNE_BATCH;
    self->prune_at = monotonic_ms() + (more ? 1000 : PRUNE_EVERY_MS);
}

/* Fires due timers and finds the next one. Returns ms until the timers want attention. */
static long s_timers(server_t *self)
{
    int64_t now = timesrc_now(self->clock);
    if (self->timer_known && (self->next_timer == 0 || self->next_timer > now) &&
        monotonic_ms() < self->timer_check_at) {
        if (self->next_timer == 0 || timesrc_is_test(self->clock))
            return 1000;
        int64_t ms = (self->next_timer - now) * 1000;
        return ms > 1000 ? 1000 : (long)ms;
    }
    for (;;) {
        int64_t *woken = NULL;
        int n_woken = 0;
        int fired = timers_fire(self->db, self->defs, self->deadlines, now, 100, &woken,
                                &n_woken);
        if (n_woken)
            delivery_wake(self->delivery, woken, n_woken);
        free(woken);
        if (fired < 100)
            break; /* done, or failed: the next round tries again */
    }
    bool found = false;
    if (db_timer_next(self->db, &self->next_timer, &found) != 0) {
        self->timer_known = false;
        return 1000;
    }
    if (!found)
        self->next_timer = 0;
    self->timer_known = true;
    /* another daemon's NOTIFY can be lost too: look again now and then */
    self->timer_check_at = monotonic_ms() + self->cfg->outbox_poll_ms;
    return 0;
}

/* Reads one message from the ROUTER into p. Returns 1 read, 0 nothing pending, -1 dropped. */
static int s_read_one(server_t *self, pending_t *p)
{
    memset(p, 0, sizeof *p);
    zmq_msg_init(&p->rid);
    if (zmq_msg_recv(&p->rid, self->router, ZMQ_DONTWAIT) < 0) {
        zmq_msg_close(&p->rid);
        return 0;
    }
    zmq_msg_t body;
    zmq_msg_init(&body);
    if (!zmq_msg_more(&p->rid) || zmq_msg_recv(&body, self->router, 0) < 0) {
        zmq_msg_close(&body);
        zmq_msg_close(&p->rid);
        return -1;
    }
    bool extra = false;
    while (zmq_msg_more(&body)) { /* more than one frame: drain and refuse */
        extra = true;
        zmq_msg_close(&body);
        zmq_msg_init(&body);
        if (zmq_msg_recv(&body, self->router, 0) < 0)
            break;
    }
    const char *uid = zmq_msg_gets(&body, "User-Id");
    p->user_id = uid ? strtoll(uid, NULL, 10) : 0;
    const char *why = "message has more than one frame";
    if (!extra)
        p->env = wire_decode(zmq_msg_data(&body), zmq_msg_size(&body), &why);
    zmq_msg_close(&body);
    if (p->user_id <= 0) { /* cannot be attributed: drop */
        log_warn("message without an authenticated user dropped");
        s_pending_clear(p);
        return -1;
    }
    delivery_touch(self->delivery, zmq_msg_data(&p->rid), zmq_msg_size(&p->rid));
    if (p->env && p->env->body_case == LKIP__ENVELOPE__BODY_ACK) {
        /* acknowledgements get no reply and need no transaction */
        delivery_ack(self->delivery, zmq_msg_data(&p->rid), zmq_msg_size(&p->rid), p->user_id,
                     p->env->ack->seq);
        s_pending_clear(p);
        return -1;
    }
    if (!p->env) {
        log_warn("malformed message from user %lld: %s", (long long)p->user_id, why);
        s_reply_plain(p, LKIP__STATUS__BAD_REQUEST, "bad_frame",
                      "Pesan tidak dapat dibaca oleh server");
        return 1;
    }
    p->request_id = p->env->request_id;
    p->cmd = cmd_find(p->env->body_case);
    if (!p->cmd) {
        log_warn("unknown request type %d from user %lld", p->env->body_case,
                 (long long)p->user_id);
        s_reply_plain(p, LKIP__STATUS__BAD_REQUEST, "unknown_request",
                      "Jenis permintaan tidak dikenal oleh server");
    }
    return 1;
}

static void s_router_readable(server_t *self)
{
    int max = self->cfg->batch_max;
    pending_t *batch = xcalloc((size_t)max, sizeof *batch);
    int n = 0;
    while (n < max) {
        int rc = s_read_one(self, &batch[n]);
        if (rc == 0)
            break;
        if (rc > 0)
            n++;
    }
    if (n > 0)
        s_run_batch(self, batch, n);
    free(batch);
}

/* ---- life cycle ------------------------------------------------------------------------ */

static int s_setopt_int(void *sock, int opt, int v)
{
    return zmq_setsockopt(sock, opt, &v, sizeof v);
}

server_t *server_new(const config_t *cfg, db_t *db, char *err, size_t errlen)
{
    keypair_t kp;
    int rc = keys_load(cfg->secret_key_file, &kp);
    if (rc != 0 || !kp.secret_key[0]) {
        snprintf(err, errlen, "could not load server key \"%s\": %s", cfg->secret_key_file,
                 rc == -EPERM    ? "file is readable by others (chmod 600)"
                 : rc == -EINVAL ? "not a key file"
                 : rc == 0       ? "no secret key in file"
                                 : strerror(-rc));
        return NULL;
    }
    server_t *self = xcalloc(1, sizeof *self);
    self->cfg = cfg;
    self->db = db;
    self->zctx = zmq_ctx_new();
    self->auth = auth_new(self->zctx, db);
    self->router = zmq_socket(self->zctx, ZMQ_ROUTER);
    int64_t maxmsg = WIRE_MAX_FRAME;
    if (!self->auth || !self->router) {
        snprintf(err, errlen, "could not create sockets: %s", zmq_strerror(errno));
        goto fail;
    }
    if (s_setopt_int(self->router, ZMQ_CURVE_SERVER, 1) != 0 ||
        zmq_setsockopt(self->router, ZMQ_CURVE_SECRETKEY, kp.secret_key, KEY_Z85_LEN) != 0 ||
        zmq_setsockopt(self->router, ZMQ_ZAP_DOMAIN, "lkip", 4) != 0 ||
        s_setopt_int(self->router, ZMQ_ROUTER_MANDATORY, 1) != 0 ||
        s_setopt_int(self->router, ZMQ_LINGER, 0) != 0 ||
        s_setopt_int(self->router, ZMQ_HEARTBEAT_IVL, cfg->heartbeat_ms) != 0 ||
        s_setopt_int(self->router, ZMQ_HEARTBEAT_TIMEOUT, cfg->heartbeat_ms * 3) != 0 ||
        s_setopt_int(self->router, ZMQ_SNDHWM, 10000) != 0 ||
        zmq_setsockopt(self->router, ZMQ_MAXMSGSIZE, &maxmsg, sizeof maxmsg) != 0) {
        snprintf(err, errlen, "could not configure the server socket: %s", zmq_strerror(errno));
        goto fail;
    }
    memset(&kp, 0, sizeof kp);
    if (zmq_bind(self->router, cfg->endpoint) != 0) {
        snprintf(err, errlen, "could not bind \"%s\": %s", cfg->endpoint, zmq_strerror(errno));
        goto fail;
    }
    size_t len = sizeof self->endpoint;
    zmq_getsockopt(self->router, ZMQ_LAST_ENDPOINT, self->endpoint, &len);
    if (db_exec(db, "LISTEN lkip_events", NULL) != 0 ||
        db_exec(db, "LISTEN lkip_clock", NULL) != 0) {
        snprintf(err, errlen, "could not listen for events: %s", db_error(db));
        goto fail;
    }
    self->defs = defcache_new();
    self->delivery = delivery_new(self->router, db, cfg);
    self->deadlines = deadline_new();
    self->clock = timesrc_new(cfg->test_clock);
    if (cfg->test_clock) {
        int64_t t = 0;
        bool set = false;
        if (db_clock_get(db, &t, &set) != 0) {
            snprintf(err, errlen, "could not read the test clock: %s", db_error(db));
            goto fail;
        }
        if (set)
            timesrc_set(self->clock, t);
        log_warn("test clock enabled: time is set by clock_set requests");
    }
    return self;
fail:
    memset(&kp, 0, sizeof kp);
    server_destroy(&self);
    return NULL;
}

void server_destroy(server_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    server_t *self = *self_p;
    delivery_destroy(&self->delivery);
    defcache_destroy(&self->defs);
    deadline_destroy(&self->deadlines);
    timesrc_destroy(&self->clock);
    if (self->router)
        zmq_close(self->router);
    auth_destroy(&self->auth);
    if (self->zctx)
        zmq_ctx_term(self->zctx);
    free(self);
    *self_p = NULL;
}

const char *server_endpoint(const server_t *self)
{
    return self->endpoint;
}

int server_run(server_t *self, volatile sig_atomic_t *stop, int wake_fd_read)
{
    log_info("serving on %s", self->endpoint);
    while (!*stop) {
        zmq_pollitem_t items[4] = {
            {self->router, 0, ZMQ_POLLIN, 0},
            {auth_socket(self->auth), 0, ZMQ_POLLIN, 0},
            {NULL, wake_fd_read, ZMQ_POLLIN, 0},
            {NULL, db_socket(self->db), ZMQ_POLLIN, 0},
        };
        int nitems = items[3].fd >= 0 && self->db_retry_at == 0 ? 4 : 3;
        long timeout = 1000;
        if (self->db_retry_at == 0) {
            long t1 = delivery_tick(self->delivery);
            long t2 = s_timers(self);
            timeout = t1 < t2 ? t1 : t2;
            s_prune(self);
        }
        if (self->db_retry_at) {
            int64_t wait = self->db_retry_at - monotonic_ms();
            timeout = wait < 0 ? 0 : wait < timeout ? (long)wait : timeout;
        }
        int rc = zmq_poll(items, nitems, timeout);
        if (rc < 0) {
            if (errno == EINTR)
                continue;
            log_error("poll failed: %s", zmq_strerror(errno));
            return -1;
        }
        if (items[1].revents & ZMQ_POLLIN)
            auth_handle(self->auth);
        if (items[2].revents & ZMQ_POLLIN)
            continue; /* a signal: *stop tells */
        if (nitems == 4 && (items[3].revents & ZMQ_POLLIN))
            s_db_readable(self);
        if (items[0].revents & ZMQ_POLLIN)
            s_router_readable(self);
        if (self->db_retry_at)
            (void)s_db_ready(self);
    }
    log_info("stopping");
    return 0;
}
