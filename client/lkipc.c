/* lkipc — see lkipc.h. */
#include "lkipc.h"

#include "backoff.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

typedef struct event_node {
    Lkip__Envelope *env;
    struct event_node *next;
} event_node_t;

/* Back-off of reconnects after a refused handshake (libzmq's own reconnects of a dropped TCP
 * connection use the same range, ZMQ_RECONNECT_IVL/_MAX), and of retries after a 503. */
#define RECONNECT_FIRST_MS 100
#define RECONNECT_MAX_MS   5000
#define RETRY_FIRST_MS     200
#define RETRY_MAX_MS       2000

struct lkipc {
    void *zctx;
    bool own_ctx; /* zctx was made here and is terminated with the connection */
    void *dealer;
    void *monitor; /* PAIR receiving the dealer's handshake events */
    int timeout_ms;
    int attempts;
    int retry_window_ms;  /* > 0: retry for this long rather than attempts times */
    bool auth_failed;     /* the daemon refused our key at the last handshake */
    int auth_status;      /* the ZAP status of that refusal: 400 refused, 500 unavailable */
    bool connected;       /* a handshake succeeded and the connection has not dropped since */
    char *endpoint;       /* to connect again after a refused handshake */
    unsigned connections; /* successful handshakes so far */
    backoff_t reconnect;  /* pauses before connecting again after refused handshakes */
    int64_t reconnect_at; /* monotonic ms: the next connection after a refusal, not before */
    event_node_t *head;   /* events received while waiting for a reply */
    event_node_t *tail;
};

static int s_setopt_int(void *sock, int opt, int v)
{
    return zmq_setsockopt(sock, opt, &v, sizeof v);
}

lkipc_t *lkipc_new(const lkipc_opts_t *o)
{
    if (!o->endpoint || !keys_valid_z85(o->server_key) || !o->keys ||
        !keys_valid_z85(o->keys->public_key) || !keys_valid_z85(o->keys->secret_key))
        return NULL;
    lkipc_t *self = xcalloc(1, sizeof *self);
    self->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : 5000;
    self->attempts = o->attempts > 0 ? o->attempts : 3;
    self->retry_window_ms = o->retry_window_ms > 0 ? o->retry_window_ms : 0;
    backoff_init(&self->reconnect, RECONNECT_FIRST_MS, RECONNECT_MAX_MS);
    self->own_ctx = o->context == NULL;
    self->zctx = self->own_ctx ? zmq_ctx_new() : o->context;
    self->dealer = zmq_socket(self->zctx, ZMQ_DEALER);
    int64_t maxmsg = WIRE_MAX_FRAME;
    char mon[64];
    snprintf(mon, sizeof mon, "inproc://lkipc-monitor-%p", (void *)self);
    /* libzmq doubles its reconnect interval up to the maximum and adds jitter to each; a
     * random start keeps clients dropped together from knocking together */
    int ivl = RECONNECT_FIRST_MS + (int)randombytes_uniform(RECONNECT_FIRST_MS);
    if (!self->dealer ||
        zmq_setsockopt(self->dealer, ZMQ_CURVE_SERVERKEY, o->server_key, KEY_Z85_LEN) != 0 ||
        zmq_setsockopt(self->dealer, ZMQ_CURVE_PUBLICKEY, o->keys->public_key, KEY_Z85_LEN) != 0 ||
        zmq_setsockopt(self->dealer, ZMQ_CURVE_SECRETKEY, o->keys->secret_key, KEY_Z85_LEN) != 0 ||
        s_setopt_int(self->dealer, ZMQ_LINGER, 0) != 0 ||
        s_setopt_int(self->dealer, ZMQ_RECONNECT_IVL, ivl) != 0 ||
        s_setopt_int(self->dealer, ZMQ_RECONNECT_IVL_MAX, RECONNECT_MAX_MS) != 0 ||
        s_setopt_int(self->dealer, ZMQ_HEARTBEAT_IVL, LKIPC_HEARTBEAT_IVL_MS) != 0 ||
        s_setopt_int(self->dealer, ZMQ_HEARTBEAT_TIMEOUT, LKIPC_HEARTBEAT_TIMEOUT_MS) != 0 ||
        zmq_setsockopt(self->dealer, ZMQ_MAXMSGSIZE, &maxmsg, sizeof maxmsg) != 0 ||
        zmq_socket_monitor(self->dealer, mon,
                           ZMQ_EVENT_HANDSHAKE_FAILED_AUTH | ZMQ_EVENT_HANDSHAKE_SUCCEEDED |
                               ZMQ_EVENT_DISCONNECTED) != 0) {
        lkipc_destroy(&self);
        return NULL;
    }
    self->endpoint = xstrdup(o->endpoint);
    self->monitor = zmq_socket(self->zctx, ZMQ_PAIR);
    if (!self->monitor || s_setopt_int(self->monitor, ZMQ_LINGER, 0) != 0 ||
        zmq_connect(self->monitor, mon) != 0 || zmq_connect(self->dealer, o->endpoint) != 0) {
        lkipc_destroy(&self);
        return NULL;
    }
    return self;
}

void lkipc_destroy(lkipc_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    lkipc_t *self = *self_p;
    while (self->head) {
        event_node_t *n = self->head;
        self->head = n->next;
        wire_free(&n->env);
        free(n);
    }
    if (self->dealer) {
        zmq_socket_monitor(self->dealer, NULL, 0);
        zmq_close(self->dealer);
    }
    if (self->monitor)
        zmq_close(self->monitor);
    if (self->own_ctx)
        zmq_ctx_term(self->zctx);
    free(self->endpoint);
    free(self);
    *self_p = NULL;
}

uint64_t lkipc_request_id(void)
{
    uint64_t id = 0;
    while (id == 0)
        randombytes_buf(&id, sizeof id);
    return id;
}

/* What a failed call means for people: its stable code and an Indonesian message. */
#define RC_TEXT(code, message)                                                                     \
    {                                                                                              \
        code, message, "[" code "] " message                                                       \
    }
static const struct {
    const char *code, *message, *text;
} s_rc_texts[] = {
    /* by -rc */
    RC_TEXT("ok", "berhasil"),
    RC_TEXT("timeout", "server tidak menjawab (periksa alamat server dan jaringan)"),
    RC_TEXT("auth_refused", "server menolak kunci Anda (kunci belum didaftarkan atau akun "
                            "dinonaktifkan)"),
    RC_TEXT("socket_error", "kesalahan koneksi lokal"),
    RC_TEXT("server_unavailable", "server belum dapat memeriksa kunci Anda (basis data server "
                                  "tidak terjangkau)"),
};

static int s_rc_index(lkipc_rc_t rc)
{
    int i = -(int)rc;
    return i >= 0 && i < (int)ARRAY_LEN(s_rc_texts) ? i : 3;
}

const char *lkipc_rc_text(lkipc_rc_t rc)
{
    return rc == LKIPC_OK ? "ok" : s_rc_texts[s_rc_index(rc)].text;
}

const char *lkipc_rc_code(lkipc_rc_t rc)
{
    return s_rc_texts[s_rc_index(rc)].code;
}

const char *lkipc_rc_message(lkipc_rc_t rc)
{
    return s_rc_texts[s_rc_index(rc)].message;
}

static void s_on_monitor_event(lkipc_t *self, uint16_t ev, uint32_t value)
{
    if (ev == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) {
        self->auth_failed = true;
        self->auth_status = (int)value;
        self->connected = false;
        self->reconnect_at = monotonic_ms() + backoff_next(&self->reconnect);
    } else if (ev == ZMQ_EVENT_HANDSHAKE_SUCCEEDED) {
        self->auth_failed = false;
        self->connected = true;
        self->connections++;
        backoff_reset(&self->reconnect);
    } else if (ev == ZMQ_EVENT_DISCONNECTED) {
        self->connected = false;
    }
}

static void s_drain_monitor(lkipc_t *self)
{
    for (;;) {
        zmq_msg_t m;
        zmq_msg_init(&m);
        if (zmq_msg_recv(&m, self->monitor, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&m);
            return;
        }
        bool first = zmq_msg_size(&m) == 6;
        uint16_t ev = 0;
        uint32_t value = 0;
        if (first) {
            memcpy(&ev, zmq_msg_data(&m), 2);
            memcpy(&value, (const uint8_t *)zmq_msg_data(&m) + 2, 4);
        }
        int more = zmq_msg_more(&m);
        zmq_msg_close(&m);
        while (more) { /* the endpoint frame */
            zmq_msg_init(&m);
            if (zmq_msg_recv(&m, self->monitor, 0) < 0) {
                zmq_msg_close(&m);
                break;
            }
            more = zmq_msg_more(&m);
            zmq_msg_close(&m);
        }
        s_on_monitor_event(self, ev, value);
    }
}

int lkipc_send(lkipc_t *self, const Lkip__Envelope *env)
{
    size_t len;
    uint8_t *buf = wire_encode(env, &len);
    int rc = zmq_send(self->dealer, buf, len, ZMQ_DONTWAIT) < 0 ? -1 : 0;
    free(buf);
    return rc;
}

static void s_queue_event(lkipc_t *self, Lkip__Envelope *env)
{
    event_node_t *n = xmalloc(sizeof *n);
    n->env = env;
    n->next = NULL;
    if (self->tail)
        self->tail->next = n;
    else
        self->head = n;
    self->tail = n;
}

/* s_receive's news that a handshake succeeded while it waited (the connection is new). */
#define S_NEW_CONNECTION 2

/* Waits until deadline for one envelope. 1 got one (*out), 0 timeout, S_NEW_CONNECTION, or a
 * negative lkipc_rc_t (a refused handshake, a socket error). */
static int s_receive(lkipc_t *self, int64_t deadline, Lkip__Envelope **out)
{
    unsigned connections = self->connections;
    for (;;) {
        int64_t left = deadline - monotonic_ms();
        if (left < 0)
            left = 0;
        zmq_pollitem_t items[2] = {{self->dealer, 0, ZMQ_POLLIN, 0},
                                   {self->monitor, 0, ZMQ_POLLIN, 0}};
        int rc = zmq_poll(items, 2, (long)left);
        if (rc < 0)
            return errno == EINTR ? LKIPC_TIMEOUT : LKIPC_ERROR;
        if (items[1].revents & ZMQ_POLLIN) {
            s_drain_monitor(self);
            if (self->auth_failed)
                return self->auth_status >= 500 ? LKIPC_UNAVAILABLE : LKIPC_AUTH_FAILED;
            if (self->connections != connections)
                return S_NEW_CONNECTION;
        }
        if (items[0].revents & ZMQ_POLLIN) {
            /* never blocking: the message the poll saw goes when its connection closes in
             * between (the daemon killed), and a blocking receive would then wait for the next
             * one, or fail when a signal (lkip watch's SIGTERM) cuts it short */
            zmq_msg_t m;
            zmq_msg_init(&m);
            int n = zmq_msg_recv(&m, self->dealer, ZMQ_DONTWAIT);
            int err = errno;
            Lkip__Envelope *env = NULL;
            if (n >= 0) { /* an undecodable frame from the server is ignored */
                const char *why;
                env = wire_decode(zmq_msg_data(&m), zmq_msg_size(&m), &why);
            }
            zmq_msg_close(&m);
            if (env) {
                *out = env;
                return 1;
            }
            if (n < 0 && err == EINTR)
                return LKIPC_TIMEOUT;
            if (n < 0 && err != EAGAIN)
                return LKIPC_ERROR;
        }
        if (rc == 0 || monotonic_ms() >= deadline)
            return 0;
    }
}

/* Sleeps until the monotonic time until; false when a signal cut it short. */
static bool s_sleep_until(int64_t until)
{
    for (int64_t left; (left = until - monotonic_ms()) > 0;)
        if (zmq_poll(NULL, 0, (long)left) < 0 && errno == EINTR)
            return false;
    return true;
}

/* libzmq never reconnects after a refused handshake: connect again, so a user enabled again
 * (or a database back from an outage) is served without restarting the client; but only once
 * the refusal's back-off has passed, and not after deadline. Returns 1 when the socket may be
 * used (connected again, or nothing was refused), 0 when the back-off outlasts deadline (or a
 * signal came), LKIPC_ERROR. */
static int s_reconnect_if_refused(lkipc_t *self, int64_t deadline)
{
    s_drain_monitor(self);
    if (!self->auth_failed)
        return 1;
    if (!s_sleep_until(self->reconnect_at < deadline ? self->reconnect_at : deadline) ||
        monotonic_ms() < self->reconnect_at)
        return 0;
    zmq_disconnect(self->dealer, self->endpoint);
    if (zmq_connect(self->dealer, self->endpoint) != 0)
        return LKIPC_ERROR;
    self->auth_failed = false;
    return 1;
}

/* One request across its attempts. */
typedef struct {
    Lkip__Envelope *req;
    bool sent;          /* sent since the socket last connected anew */
    bool sent_live;     /* ... on a connection whose handshake had completed */
    unsigned sent_on;   /* connections when it was sent */
    int64_t window_end; /* monotonic ms; 0: attempts count instead */
} call_t;

/* s_attempt's news that the connection was made again: send at once. */
#define S_RESEND 3

/* Sends the request when it may be lost (never sent, sent on a live connection, or sent while
 * disconnected and carried by a connection since), not when it still waits in the socket for a
 * connection: copies would pile up there during an outage. */
static int s_send_unless_queued(lkipc_t *self, call_t *c)
{
    s_drain_monitor(self);
    if (c->sent && !c->sent_live && self->connections == c->sent_on)
        return 0;
    if (lkipc_send(self, c->req) != 0 && errno != EAGAIN)
        return LKIPC_ERROR;
    c->sent = true;
    c->sent_live = self->connected;
    c->sent_on = self->connections;
    return 0;
}

/* One attempt: connect again when the last handshake was refused (after its back-off), send,
 * wait up to the attempt's deadline for the reply. Events meanwhile are queued. Returns 1 with
 * *reply (caller frees), 0 no reply in time, S_RESEND, or a negative lkipc_rc_t. */
static int s_attempt(lkipc_t *self, call_t *c, Lkip__Envelope **reply)
{
    int64_t deadline = monotonic_ms() + self->timeout_ms;
    if (c->window_end && deadline > c->window_end)
        deadline = c->window_end;
    s_drain_monitor(self);
    bool refused = self->auth_failed;
    int rc = s_reconnect_if_refused(self, deadline);
    if (rc <= 0)
        return rc < 0 ? rc : LKIPC_UNAVAILABLE;
    if (refused)
        c->sent = false; /* connecting anew dropped what waited in the socket */
    if ((rc = s_send_unless_queued(self, c)) != 0)
        return rc;
    for (;;) {
        Lkip__Envelope *env = NULL;
        rc = s_receive(self, deadline, &env);
        if (rc == S_NEW_CONNECTION) {
            if (c->sent_live)
                return S_RESEND; /* what went on the old connection is lost */
            continue;            /* the new connection carries what waited for it */
        }
        if (rc <= 0)
            return rc;
        if (env->body_case == LKIP__ENVELOPE__BODY_EVENT) {
            s_queue_event(self, env);
            continue;
        }
        if (env->body_case != LKIP__ENVELOPE__BODY_REPLY ||
            (env->request_id != c->req->request_id && env->request_id != 0)) {
            wire_free(&env); /* a late reply to an earlier request */
            continue;
        }
        *reply = env;
        return 1;
    }
}

/* Waits until until (not past the window), queueing events and dropping stray replies. */
static void s_pause(lkipc_t *self, const call_t *c, int64_t until)
{
    if (c->window_end && until > c->window_end)
        until = c->window_end;
    Lkip__Envelope *ev = NULL;
    int rc;
    while ((rc = s_receive(self, until, &ev)) == 1 || rc == S_NEW_CONNECTION) {
        if (rc == 1 && ev->body_case == LKIP__ENVELOPE__BODY_EVENT)
            s_queue_event(self, ev);
        else
            wire_free(&ev);
    }
}

static bool s_may_retry(const lkipc_t *self, const call_t *c, int attempt)
{
    return c->window_end ? monotonic_ms() < c->window_end : attempt < self->attempts;
}

lkipc_rc_t lkipc_call(lkipc_t *self, Lkip__Envelope *req, Lkip__Envelope **reply)
{
    if (req->request_id == 0)
        req->request_id = lkipc_request_id();
    *reply = NULL;
    call_t c = {.req = req};
    if (self->retry_window_ms > 0)
        c.window_end = monotonic_ms() + self->retry_window_ms;
    backoff_t pause;
    backoff_init(&pause, RETRY_FIRST_MS, RETRY_MAX_MS);
    int rc = LKIPC_TIMEOUT;
    Lkip__Envelope *env = NULL;
    for (int attempt = 0; attempt == 0 || s_may_retry(self, &c, attempt); attempt++) {
        wire_free(&env);
        rc = s_attempt(self, &c, &env);
        if (rc == LKIPC_AUTH_FAILED || rc == LKIPC_ERROR)
            return (lkipc_rc_t)rc;
        if (rc == 1 && !status_retryable(env->reply->status))
            break;
        if (rc == 1) /* 503: the same request again, after a pause */
            s_pause(self, &c, monotonic_ms() + backoff_next(&pause));
        /* no reply: again at once; a refused handshake: its back-off paces the next */
    }
    if (rc != 1) /* no reply (0, or a new connection at the very end), or refused */
        return rc < 0 ? (lkipc_rc_t)rc : LKIPC_TIMEOUT;
    *reply = env;
    return LKIPC_OK;
}

void lkipc_set_retry_window(lkipc_t *self, int retry_window_ms)
{
    self->retry_window_ms = retry_window_ms > 0 ? retry_window_ms : 0;
}

int lkipc_post(lkipc_t *self, Lkip__Envelope *req)
{
    if (req->request_id == 0)
        req->request_id = lkipc_request_id();
    if (s_reconnect_if_refused(self, monotonic_ms()) < 0)
        return LKIPC_ERROR;
    return lkipc_send(self, req) != 0 && errno != EAGAIN ? LKIPC_ERROR : 0;
}

int lkipc_next_reply(lkipc_t *self, int64_t deadline, Lkip__Envelope **reply)
{
    for (;;) {
        Lkip__Envelope *env = NULL;
        int rc = s_receive(self, deadline, &env);
        if (rc == S_NEW_CONNECTION)
            continue; /* requests lost with the old connection are sent again by the caller */
        if (rc <= 0)
            return rc;
        if (env->body_case == LKIP__ENVELOPE__BODY_REPLY) {
            *reply = env;
            return 1;
        }
        if (env->body_case == LKIP__ENVELOPE__BODY_EVENT)
            s_queue_event(self, env);
        else
            wire_free(&env);
    }
}

int lkipc_timeout_ms(const lkipc_t *self)
{
    return self->timeout_ms;
}

void *lkipc_zmq_socket(lkipc_t *self)
{
    return self->dealer;
}

unsigned lkipc_connections(lkipc_t *self)
{
    s_drain_monitor(self);
    return self->connections;
}

lkipc_state_t lkipc_state(lkipc_t *self)
{
    s_drain_monitor(self);
    return self->auth_failed ? LKIPC_REFUSED : self->connected ? LKIPC_CONNECTED : LKIPC_CONNECTING;
}

lkipc_rc_t lkipc_refusal(const lkipc_t *self)
{
    return self->auth_status >= 500 ? LKIPC_UNAVAILABLE : LKIPC_AUTH_FAILED;
}

int lkipc_next_event(lkipc_t *self, int timeout_ms, Lkip__Envelope **event)
{
    if (self->head) {
        event_node_t *n = self->head;
        self->head = n->next;
        if (!self->head)
            self->tail = NULL;
        *event = n->env;
        free(n);
        return 1;
    }
    int64_t deadline = monotonic_ms() + timeout_ms;
    int rc = s_reconnect_if_refused(self, deadline);
    if (rc <= 0)
        return rc; /* 0: still backing off after a refusal */
    for (;;) {
        Lkip__Envelope *env = NULL;
        rc = s_receive(self, deadline, &env);
        if (rc == LKIPC_UNAVAILABLE)
            return 0; /* a later call connects again, after the back-off */
        if (rc == S_NEW_CONNECTION)
            continue;
        if (rc <= 0)
            return rc;
        if (env->body_case == LKIP__ENVELOPE__BODY_EVENT) {
            *event = env;
            return 1;
        }
        wire_free(&env); /* stray reply */
    }
}
