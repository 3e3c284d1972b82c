/* server — see server.h. */
#include "server.h"

#include "auth.h"
#include "batch.h"
#include "cmd.h"
#include "dbloop.h"
#include "delivery.h"
#include "flowctl.h"
#include "timesrc.h"
#include "keys.h"
#include "log.h"
#include "monitor.h"
#include "routersock.h"
#include "worker.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

struct server {
    const config_t *cfg;
    dbnode_t *node;   /* the database server every connection is on (not owned) */
    userdir_t *users; /* the directory: users and keys in memory */
    dbloop_t *loop;   /* the database work of this thread, on a thread of its own */
    void *zctx;
    auth_t *auth;
    void *router;
    routersock_t out;     /* router's sends, with its sending mode */
    monitor_t *monitor;   /* refused handshakes of router, logged */
    char endpoint[256];   /* as bound */
    delivery_t *delivery; /* event sessions */
    flowctl_t *flow;      /* downloads in flight per connection and user */
    timesrc_t *clock;     /* the daemon clock */
    int n_workers;
    worker_t **workers; /* each runs batches on its own connection */
    batch_t **queues;   /* per worker: requests read, waiting for it */
    char origin[24];    /* this daemon's name in notifications (random) */
};

/* A connection that asked for no download for this long holds nothing of ours any more. */
#define FLOW_IDLE_MS 120000

static void s_send_reply(server_t *self, pending_t *p)
{
    Lkip__Envelope env = LKIP__ENVELOPE__INIT;
    env.request_id = p->request_id;
    env.body_case = LKIP__ENVELOPE__BODY_REPLY;
    env.reply = p->reply;
    size_t len;
    uint8_t *buf = wire_encode(&env, &len);
    if (routersock_send(&self->out, zmq_msg_data(&p->rid), zmq_msg_size(&p->rid), buf, len) != 0)
        log_debug("reply to request %llu not delivered: %s", (unsigned long long)p->request_id,
                  zmq_strerror(errno));
    free(buf);
}

/* ---- batches ------------------------------------------------------------------------------ */

/* Sends a finished batch's replies (the subscribe reply before its replay) and wakes the
 * sessions of the users it queued events for. */
static void s_finish_batch(server_t *self, batch_t *b)
{
    for (int i = 0; i < b->n; i++) {
        pending_t *p = &b->items[i];
        if (!p->reply)
            continue;
        if (p->flow_key) { /* a download: what went out now counts as in flight */
            const Lkip__DocumentReply *d = p->reply->status < 400 ? p->reply->document : NULL;
            flowctl_settle(self->flow, zmq_msg_data(&p->rid), zmq_msg_size(&p->rid), p->flow_key,
                           p->env->download->offset, d ? (int64_t)d->content.len : 0);
        }
        s_send_reply(self, p);
        if (p->cmd && p->cmd->body == LKIP__ENVELOPE__BODY_SUBSCRIBE && p->reply->status < 400 &&
            p->reply->subscribed) {
            /* a client that claims more than the database holds (a restored database, a
             * stale state file) starts over from what exists, as its reply tells it */
            uint64_t from = p->env->subscribe->last_seq;
            if (from > p->reply->subscribed->last_seq)
                from = p->reply->subscribed->last_seq;
            delivery_subscribe(self->delivery, zmq_msg_data(&p->rid), zmq_msg_size(&p->rid),
                               p->user_id, p->org_id, from, p->env->subscribe->board_hints);
        }
    }
    if (b->n_woken) {
        delivery_committed(self->delivery, b->woken, b->n_woken, &b->written);
        dbloop_send(self->loop, dbl_msg_new(DBL_KICK, 0)); /* steps were opened: new timers */
    }
    batch_destroy(&b);
}

/* Answers a frame that could not be decoded: the status and code that say why, the request_id
 * whenever it could be read, one log line (rate-limited). */
static void s_refuse(server_t *self, pending_t *p, const wire_result_t *res, size_t size)
{
    static log_limit_t refused;
    p->request_id = res->request_id;
    log_limited(&refused, LOG_WARN,
                "frame of %zu bytes from user %lld refused (request_id %llu): %s", size,
                (long long)p->user_id, (unsigned long long)res->request_id, res->why);
    char msg[160];
    switch (res->error) {
    case WIRE_TOO_LARGE:
        snprintf(msg, sizeof msg, "Pesan berukuran %zu bita melebihi batas %u bita", size,
                 (unsigned)WIRE_MAX_FRAME);
        batch_reply_plain(p, LKIP__STATUS__TOO_LARGE, "frame_too_large", msg);
        break;
    case WIRE_NOT_REQUEST:
        batch_reply_plain(p, LKIP__STATUS__BAD_REQUEST, "unknown_request",
                          "Pesan berisi balasan atau notifikasi, bukan permintaan");
        break;
    case WIRE_OVER_BUDGET:
        batch_reply_plain(p, LKIP__STATUS__BAD_REQUEST, "frame_too_complex",
                          "Pesan memuat terlalu banyak isian untuk dibaca server");
        break;
    default:
        batch_reply_plain(p, LKIP__STATUS__BAD_REQUEST, "bad_frame",
                          "Pesan tidak dapat dibaca oleh server");
        break;
    }
}

/* Receives the frames of one message after its routing id. The first frame is decoded; a
 * message of more frames is refused whole (request_id of its first frame). *size is the first
 * frame's. Returns false when nothing could be received. */
static bool s_receive(server_t *self, pending_t *p, wire_result_t *res, size_t *size)
{
    zmq_msg_t body;
    zmq_msg_init(&body);
    if (!zmq_msg_more(&p->rid) || zmq_msg_recv(&body, self->router, 0) < 0) {
        zmq_msg_close(&body);
        return false;
    }
    const char *uid = zmq_msg_gets(&body, "User-Id");
    p->user_id = uid ? strtoll(uid, NULL, 10) : 0;
    const char *org = zmq_msg_gets(&body, "Org-Id");
    p->org_id = org ? strtoll(org, NULL, 10) : 0;
    const char *key = zmq_msg_gets(&body, "Key");
    snprintf(p->key, sizeof p->key, "%s", key ? key : "");
    *size = zmq_msg_size(&body);
    if (zmq_msg_more(&body)) { /* more than one frame: drain and refuse */
        wire_peek_t peek;
        wire_peek(zmq_msg_data(&body), *size, &peek);
        *res = (wire_result_t){WIRE_MALFORMED, "message has more than one frame",
                               peek.has_request_id, peek.request_id};
        while (zmq_msg_more(&body)) {
            zmq_msg_close(&body);
            zmq_msg_init(&body);
            if (zmq_msg_recv(&body, self->router, 0) < 0)
                break;
        }
    } else {
        p->env = wire_decode_request(zmq_msg_data(&body), *size, res);
    }
    zmq_msg_close(&body);
    return true;
}

/* A download may run only within the connection's and the user's credit (flowctl); refused
 * otherwise, before it costs a worker anything. */
static void s_download_credit(server_t *self, pending_t *p)
{
    const Lkip__DownloadRequest *r = p->env->download;
    /* one transfer per instance a connection names: its first request may ask for "the newest"
     * (version 0) and the rest for the version that turned out to be */
    char key[96];
    snprintf(key, sizeof key, "%.90s", r->instance);
    if (flowctl_reserve(self->flow, zmq_msg_data(&p->rid), zmq_msg_size(&p->rid), p->user_id, key,
                        r->offset, r->received)) {
        p->flow_key = xstrdup(key);
        return;
    }
    batch_reply_plain(p, LKIP__STATUS__SLOW_DOWN, "slow_down",
                      "Terlalu banyak data unduhan yang belum Anda terima (paling banyak 1 MiB per "
                      "sambungan, 4 MiB per pengguna); tunggu balasan sebelumnya, lalu ulangi");
    p->cmd = NULL;
}

/* Reads one message from the ROUTER into p. Returns 1 read, 0 nothing pending, -1 dropped. */
static int s_read_one(server_t *self, pending_t *p)
{
    memset(p, 0, sizeof *p);
    zmq_msg_init(&p->rid);
    if (zmq_msg_recv(&p->rid, self->router, ZMQ_DONTWAIT) < 0) {
        if (errno != EAGAIN && errno != EINTR)
            log_error("receiving from the server socket failed: %s", zmq_strerror(errno));
        zmq_msg_close(&p->rid);
        return 0;
    }
    wire_result_t res = {0};
    size_t size = 0;
    if (!s_receive(self, p, &res, &size)) {
        zmq_msg_close(&p->rid);
        return -1;
    }
    if (p->user_id <= 0) { /* cannot be attributed: drop */
        static log_limit_t anonymous;
        log_limited(&anonymous, LOG_WARN, "message without an authenticated user dropped");
        zmq_msg_close(&p->rid);
        wire_free(&p->env);
        return -1;
    }
    delivery_touch(self->delivery, zmq_msg_data(&p->rid), zmq_msg_size(&p->rid));
    if (p->env && p->env->body_case == LKIP__ENVELOPE__BODY_ACK) {
        /* acknowledgements get no reply and need no transaction */
        delivery_ack(self->delivery, zmq_msg_data(&p->rid), zmq_msg_size(&p->rid), p->user_id,
                     p->env->ack->seq);
        zmq_msg_close(&p->rid);
        wire_free(&p->env);
        return -1;
    }
    if (!p->env) {
        s_refuse(self, p, &res, size);
        return 1;
    }
    p->request_id = p->env->request_id;
    p->cmd = cmd_find(p->env->body_case);
    if (!p->cmd) {
        static log_limit_t unknown;
        log_limited(&unknown, LOG_WARN, "unknown request type %d from user %lld", p->env->body_case,
                    (long long)p->user_id);
        batch_reply_plain(p, LKIP__STATUS__BAD_REQUEST, "unknown_request",
                          "Jenis permintaan tidak dikenal oleh server");
    } else if (p->env->body_case == LKIP__ENVELOPE__BODY_DOWNLOAD) {
        s_download_credit(self, p);
    }
    return 1;
}

/* An organisation's requests always go to the same worker. So one client's pipelined requests
 * run in the order it sent them (an upload before the step it completes), and two workers never
 * contend for an organisation's rows (its letter sequence, its users' event sequences): batches
 * that did could lock them in opposite orders and deadlock. Organisations spread over the
 * workers. */
static int s_worker_of(const server_t *self, const pending_t *p)
{
    uint64_t h = (uint64_t)p->org_id * 0x9e3779b97f4a7c15ull;
    return (int)((h >> 32) % (uint64_t)self->n_workers);
}

/* Requests read and not yet handed to a worker, in all queues. */
static int s_queued(const server_t *self)
{
    int n = 0;
    for (int i = 0; i < self->n_workers; i++)
        n += self->queues[i]->n;
    return n;
}

/* Reads what is waiting into the queues of the peers' workers; messages that need no
 * transaction are answered at once. Stops when the queues hold enough for a while. */
static void s_router_readable(server_t *self)
{
    int limit = 4 * self->cfg->batch_max * self->n_workers;
    batch_t *now = batch_new(1);
    while (s_queued(self) < limit) {
        pending_t p;
        int rc = s_read_one(self, &p);
        if (rc == 0)
            break;
        if (rc < 0)
            continue;
        if (!p.cmd) { /* malformed or unknown: its reply is ready */
            now->items[0] = p;
            now->n = 1;
            s_finish_batch(self, now);
            now = batch_new(1);
            continue;
        }
        batch_push(self->queues[s_worker_of(self, &p)], &p);
    }
    batch_destroy(&now);
}

/* Hands each idle worker the next batch of its queue. */
static void s_dispatch(server_t *self)
{
    for (int i = 0; i < self->n_workers; i++) {
        if (worker_busy(self->workers[i]) || self->queues[i]->n == 0)
            continue;
        worker_submit(self->workers[i], batch_take(self->queues[i], self->cfg->batch_max));
    }
}

/* ---- life cycle ------------------------------------------------------------------------ */

static int s_setopt_int(void *sock, int opt, int v)
{
    return zmq_setsockopt(sock, opt, &v, sizeof v);
}

/* The ROUTER's CURVE identity, limits and timers. Returns 0 or -1 (errno set by libzmq). */
static int s_router_options(void *router, const config_t *cfg, const keypair_t *kp)
{
    int64_t maxmsg = WIRE_MAX_TRANSPORT_FRAME;
    if (s_setopt_int(router, ZMQ_CURVE_SERVER, 1) != 0 ||
        zmq_setsockopt(router, ZMQ_CURVE_SECRETKEY, kp->secret_key, KEY_Z85_LEN) != 0 ||
        zmq_setsockopt(router, ZMQ_ZAP_DOMAIN, "lkip", 4) != 0 ||
        s_setopt_int(router, ZMQ_ROUTER_MANDATORY, 1) != 0 ||
        s_setopt_int(router, ZMQ_LINGER, 0) != 0 ||
        /* Clients send the ZMTP heartbeats (and learn of a dead daemon from them); the
         * daemon only answers. libzmq cancels a heartbeat timer by walking every timer
         * of its I/O thread, so daemon-side heartbeats cost O(clients) per beat: with
         * 10,000 clients that was most of a core. A silent dead peer is found by TCP
         * keepalive instead, and its event session expires by session_timeout_ms. */
        s_setopt_int(router, ZMQ_HEARTBEAT_IVL, cfg->heartbeat_ms) != 0 ||
        s_setopt_int(router, ZMQ_HEARTBEAT_TIMEOUT, cfg->heartbeat_ms * 3) != 0 ||
        s_setopt_int(router, ZMQ_TCP_KEEPALIVE, 1) != 0 ||
        s_setopt_int(router, ZMQ_TCP_KEEPALIVE_IDLE, 60) != 0 ||
        s_setopt_int(router, ZMQ_TCP_KEEPALIVE_INTVL, 10) != 0 ||
        /* What one peer may hold in each direction: a window of events or chunks out, a few
         * dozen requests in (each frame at most WIRE_MAX_TRANSPORT_FRAME). */
        s_setopt_int(router, ZMQ_SNDHWM, 1000) != 0 || s_setopt_int(router, ZMQ_RCVHWM, 64) != 0 ||
        /* thousands of clients reconnect at once after a restart */
        s_setopt_int(router, ZMQ_BACKLOG, 1024) != 0 ||
        s_setopt_int(router, ZMQ_HANDSHAKE_IVL, cfg->handshake_timeout_ms) != 0 ||
        zmq_setsockopt(router, ZMQ_MAXMSGSIZE, &maxmsg, sizeof maxmsg) != 0)
        return -1;
    return 0;
}

server_t *server_new(const config_t *cfg, dbnode_t *node, char *err, size_t errlen)

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
    self->node = node;
    self->zctx = zmq_ctx_new();
    if (!self->zctx) {
        snprintf(err, errlen, "could not create the ZeroMQ context: %s", zmq_strerror(errno));
        goto fail;
    }
    /* libzmq decrypts a whole message at once on the I/O thread of its connection (a 25 MiB
     * frame takes it 50-200 ms): with more than one, that stalls only the connections that
     * share the thread, not every client */
    if (zmq_ctx_set(self->zctx, ZMQ_IO_THREADS, cfg->io_threads) != 0) {
        snprintf(err, errlen, "could not set io_threads: %s", zmq_strerror(errno));
        goto fail;
    }
    self->clock = timesrc_new(cfg->test_clock);
    self->users = userdir_new();
    uint64_t token;
    randombytes_buf(&token, sizeof token);
    snprintf(self->origin, sizeof self->origin, "%016llx", (unsigned long long)token);
    /* the directory is loaded before the socket binds: the first handshake is answered */
    self->loop =
        dbloop_new(self->zctx, cfg, node, self->clock, self->users, self->origin, err, errlen);
    if (!self->loop)
        goto fail;
    self->auth = auth_new(self->zctx, self->users);
    self->router = zmq_socket(self->zctx, ZMQ_ROUTER);
    if (!self->auth || !self->router) {
        snprintf(err, errlen, "could not create sockets: %s", zmq_strerror(errno));
        goto fail;
    }
    if (s_router_options(self->router, cfg, &kp) != 0) {
        snprintf(err, errlen, "could not configure the server socket: %s", zmq_strerror(errno));
        goto fail;
    }
    memset(&kp, 0, sizeof kp);
    self->monitor = monitor_new(self->zctx, self->router, err, errlen);
    if (!self->monitor)
        goto fail;
    if (zmq_bind(self->router, cfg->endpoint) != 0) {
        snprintf(err, errlen, "could not bind \"%s\": %s", cfg->endpoint, zmq_strerror(errno));
        goto fail;
    }
    size_t len = sizeof self->endpoint;
    if (zmq_getsockopt(self->router, ZMQ_LAST_ENDPOINT, self->endpoint, &len) != 0) {
        snprintf(err, errlen, "could not read the bound endpoint: %s", zmq_strerror(errno));
        goto fail;
    }
    routersock_init(&self->out, self->router);
    self->delivery = delivery_new(&self->out, self->loop, self->users, cfg);
    self->flow = flowctl_new(WIRE_CHUNK);
    self->n_workers = cfg->workers;
    self->workers = xcalloc((size_t)self->n_workers, sizeof *self->workers);
    self->queues = xcalloc((size_t)self->n_workers, sizeof *self->queues);
    for (int i = 0; i < self->n_workers; i++) {
        self->queues[i] = batch_new(cfg->batch_max);
        self->workers[i] = worker_new(self->zctx, i, cfg, node, self->users, self->clock,
                                      self->origin, err, errlen);
        if (!self->workers[i])
            goto fail;
    }
    if (cfg->test_clock)
        log_warn("test clock enabled: time is set by clock_set requests");
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
    for (int i = 0; i < self->n_workers; i++) {
        worker_destroy(&self->workers[i]);
        batch_destroy(&self->queues[i]);
    }
    free(self->workers);
    free(self->queues);
    delivery_destroy(&self->delivery);
    flowctl_destroy(&self->flow);
    monitor_destroy(&self->monitor);
    if (self->router)
        zmq_close(self->router);
    auth_destroy(&self->auth);
    dbloop_destroy(&self->loop); /* stores the acknowledgements it still holds */
    userdir_destroy(&self->users);
    timesrc_destroy(&self->clock);
    /* every socket is closed: the context ends at once, unless a signal interrupts it */
    while (self->zctx && zmq_ctx_term(self->zctx) != 0 && errno == EINTR)
        ;
    free(self);
    *self_p = NULL;
}

const char *server_endpoint(const server_t *self)
{
    return self->endpoint;
}

/* Takes every message the database loop sent: delivery's answers and news. */
static void s_loop_readable(server_t *self)
{
    dbl_msg_t *m;
    while ((m = dbloop_recv(self->loop))) {
        delivery_on_message(self->delivery, m);
        dbl_msg_free(&m);
    }
}

/* Polls every socket, the ROUTER's sending mode off (routersock.h says why). */
static int s_poll(server_t *self, zmq_pollitem_t *items, int n, long timeout)
{
    if (routersock_before_poll(&self->out) != 0)
        return -1;
    return zmq_poll(items, n, timeout);
}

int server_run(server_t *self, volatile sig_atomic_t *stop, int wake_fd_read)
{
    log_info("serving on %s with %d worker(s)", self->endpoint, self->n_workers);
    /* fixed items first, then one per worker */
    enum { ROUTER, ZAP, MONITOR, WAKE, LOOP, FIXED };
    int n_items = FIXED + self->n_workers;
    zmq_pollitem_t *items = xcalloc((size_t)n_items, sizeof *items);
    int64_t prune_at = 0;
    while (!*stop) {
        /* with the queues full, requests wait in the socket */
        bool room = s_queued(self) < 4 * self->cfg->batch_max * self->n_workers;
        items[ROUTER] = (zmq_pollitem_t){self->router, 0, room ? ZMQ_POLLIN : 0, 0};
        items[ZAP] = (zmq_pollitem_t){auth_socket(self->auth), 0, ZMQ_POLLIN, 0};
        items[MONITOR] = (zmq_pollitem_t){monitor_socket(self->monitor), 0, ZMQ_POLLIN, 0};
        items[WAKE] = (zmq_pollitem_t){NULL, wake_fd_read, ZMQ_POLLIN, 0};
        items[LOOP] = (zmq_pollitem_t){dbloop_socket(self->loop), 0, ZMQ_POLLIN, 0};
        for (int i = 0; i < self->n_workers; i++)
            items[FIXED + i] = (zmq_pollitem_t){worker_socket(self->workers[i]), 0, ZMQ_POLLIN, 0};
        long timeout = delivery_tick(self->delivery);
        delivery_flush(self->delivery);
        if (monotonic_ms() >= prune_at) {
            flowctl_expire(self->flow, monotonic_ms(), FLOW_IDLE_MS);
            prune_at = monotonic_ms() + 1000;
        }
        if (s_poll(self, items, n_items, timeout) < 0) {
            if (errno == EINTR)
                continue;
            log_error("poll failed: %s", zmq_strerror(errno));
            free(items);
            return -1;
        }
        if (items[ZAP].revents & ZMQ_POLLIN)
            auth_handle(self->auth);
        if (items[MONITOR].revents & ZMQ_POLLIN)
            monitor_handle(self->monitor);
        if (items[WAKE].revents & ZMQ_POLLIN)
            continue; /* a signal: *stop tells */
        if (items[LOOP].revents & ZMQ_POLLIN)
            s_loop_readable(self);
        for (int i = 0; i < self->n_workers; i++) {
            batch_t *b =
                (items[FIXED + i].revents & ZMQ_POLLIN) ? worker_collect(self->workers[i]) : NULL;
            if (b)
                s_finish_batch(self, b);
        }
        if (items[ROUTER].revents & ZMQ_POLLIN)
            s_router_readable(self);
        s_dispatch(self);
        delivery_flush(self->delivery);
        log_limits_flush();
    }
    free(items);
    log_info("stopping");
    return 0;
}
