/* lkipc — see lkipc.h. */
#include "lkipc.h"

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

struct lkipc {
    void *zctx;
    bool own_ctx; /* zctx was made here and is terminated with the connection */
    void *dealer;
    void *monitor; /* PAIR receiving the dealer's handshake events */
    int timeout_ms;
    int attempts;
    bool auth_failed;     /* the daemon refused our key at the last handshake */
    int auth_status;      /* the ZAP status of that refusal: 400 refused, 500 unavailable */
    char *endpoint;       /* to connect again after a refused handshake */
    unsigned connections; /* successful handshakes so far */
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
    self->own_ctx = o->context == NULL;
    self->zctx = self->own_ctx ? zmq_ctx_new() : o->context;
    self->dealer = zmq_socket(self->zctx, ZMQ_DEALER);
    int64_t maxmsg = WIRE_MAX_FRAME;
    char mon[64];
    snprintf(mon, sizeof mon, "inproc://lkipc-monitor-%p", (void *)self);
    if (!self->dealer ||
        zmq_setsockopt(self->dealer, ZMQ_CURVE_SERVERKEY, o->server_key, KEY_Z85_LEN) != 0 ||
        zmq_setsockopt(self->dealer, ZMQ_CURVE_PUBLICKEY, o->keys->public_key, KEY_Z85_LEN) != 0 ||
        zmq_setsockopt(self->dealer, ZMQ_CURVE_SECRETKEY, o->keys->secret_key, KEY_Z85_LEN) != 0 ||
        s_setopt_int(self->dealer, ZMQ_LINGER, 0) != 0 ||
        s_setopt_int(self->dealer, ZMQ_RECONNECT_IVL, 100) != 0 ||
        s_setopt_int(self->dealer, ZMQ_RECONNECT_IVL_MAX, 5000) != 0 ||
        s_setopt_int(self->dealer, ZMQ_HEARTBEAT_IVL, 2000) != 0 ||
        s_setopt_int(self->dealer, ZMQ_HEARTBEAT_TIMEOUT, 6000) != 0 ||
        zmq_setsockopt(self->dealer, ZMQ_MAXMSGSIZE, &maxmsg, sizeof maxmsg) != 0 ||
        zmq_socket_monitor(self->dealer, mon,
                           ZMQ_EVENT_HANDSHAKE_FAILED_AUTH | ZMQ_EVENT_HANDSHAKE_SUCCEEDED) != 0) {
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

const char *lkipc_rc_text(lkipc_rc_t rc)
{
    switch (rc) {
    case LKIPC_OK:
        return "ok";
    case LKIPC_TIMEOUT:
        return "[timeout] server tidak menjawab (periksa alamat server dan jaringan)";
    case LKIPC_AUTH_FAILED:
        return "[auth_refused] server menolak kunci Anda (kunci belum didaftarkan atau akun "
               "dinonaktifkan)";
    case LKIPC_ERROR:
        return "[socket_error] kesalahan koneksi lokal";
    case LKIPC_UNAVAILABLE:
        return "[server_unavailable] server belum dapat memeriksa kunci Anda (basis data tidak "
               "terjangkau); coba lagi sebentar lagi";
    }
    return "[unknown]";
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
        if (ev == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) {
            self->auth_failed = true;
            self->auth_status = (int)value;
        } else if (ev == ZMQ_EVENT_HANDSHAKE_SUCCEEDED) {
            self->auth_failed = false;
            self->connections++;
        }
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

/* Waits until deadline for one envelope. 1 got one (*out), 0 timeout, <0 lkipc_rc_t. */
static int s_receive(lkipc_t *self, int64_t deadline, Lkip__Envelope **out)
{
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
        }
        if (items[0].revents & ZMQ_POLLIN) {
            zmq_msg_t m;
            zmq_msg_init(&m);
            if (zmq_msg_recv(&m, self->dealer, 0) < 0) {
                zmq_msg_close(&m);
                return LKIPC_ERROR;
            }
            const char *why;
            Lkip__Envelope *env = wire_decode(zmq_msg_data(&m), zmq_msg_size(&m), &why);
            zmq_msg_close(&m);
            if (env) {
                *out = env;
                return 1;
            }
            /* an undecodable frame from the server is ignored */
        }
        if (rc == 0 || monotonic_ms() >= deadline)
            return 0;
    }
}

/* libzmq never reconnects after a refused handshake: connect again, so a user enabled again
 * (or a database back from an outage) is served without restarting the client. */
static int s_reconnect_if_refused(lkipc_t *self)
{
    s_drain_monitor(self);
    if (!self->auth_failed)
        return 0;
    zmq_disconnect(self->dealer, self->endpoint);
    if (zmq_connect(self->dealer, self->endpoint) != 0)
        return LKIPC_ERROR;
    self->auth_failed = false;
    return 0;
}

lkipc_rc_t lkipc_call(lkipc_t *self, Lkip__Envelope *req, Lkip__Envelope **reply)
{
    if (req->request_id == 0)
        req->request_id = lkipc_request_id();
    *reply = NULL;
    for (int attempt = 0; attempt < self->attempts; attempt++) {
        if (s_reconnect_if_refused(self) != 0)
            return LKIPC_ERROR;
        if (lkipc_send(self, req) != 0 && errno != EAGAIN)
            return LKIPC_ERROR;
        int64_t deadline = monotonic_ms() + self->timeout_ms;
        for (;;) {
            Lkip__Envelope *env = NULL;
            int rc = s_receive(self, deadline, &env);
            if (rc == LKIPC_UNAVAILABLE && attempt + 1 < self->attempts) {
                zmq_poll(NULL, 0, 200 * (attempt + 1)); /* back off, then try again */
                break;
            }
            if (rc < 0)
                return (lkipc_rc_t)rc;
            if (rc == 0)
                break; /* timeout: send again with the same request_id */
            if (env->body_case == LKIP__ENVELOPE__BODY_EVENT) {
                s_queue_event(self, env);
                continue;
            }
            if (env->body_case != LKIP__ENVELOPE__BODY_REPLY ||
                (env->request_id != req->request_id && env->request_id != 0)) {
                wire_free(&env); /* a late reply to an earlier attempt or request */
                continue;
            }
            if (status_retryable(env->reply->status) && attempt + 1 < self->attempts) {
                wire_free(&env);
                /* back off a little before the retry, waiting out the rest of the attempt */
                int64_t pause = monotonic_ms() + 200 * (attempt + 1);
                Lkip__Envelope *ev = NULL;
                while (s_receive(self, pause, &ev) == 1) {
                    if (ev->body_case == LKIP__ENVELOPE__BODY_EVENT)
                        s_queue_event(self, ev);
                    else
                        wire_free(&ev);
                }
                break;
            }
            *reply = env;
            return LKIPC_OK;
        }
    }
    return LKIPC_TIMEOUT;
}

int lkipc_post(lkipc_t *self, Lkip__Envelope *req)
{
    if (req->request_id == 0)
        req->request_id = lkipc_request_id();
    if (s_reconnect_if_refused(self) != 0)
        return LKIPC_ERROR;
    return lkipc_send(self, req) != 0 && errno != EAGAIN ? LKIPC_ERROR : 0;
}

int lkipc_next_reply(lkipc_t *self, int64_t deadline, Lkip__Envelope **reply)
{
    for (;;) {
        Lkip__Envelope *env = NULL;
        int rc = s_receive(self, deadline, &env);
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
    if (s_reconnect_if_refused(self) != 0)
        return LKIPC_ERROR;
    int64_t deadline = monotonic_ms() + timeout_ms;
    for (;;) {
        Lkip__Envelope *env = NULL;
        int rc = s_receive(self, deadline, &env);
        if (rc == LKIPC_UNAVAILABLE)
            return 0; /* the next call connects again */
        if (rc <= 0)
            return rc;
        if (env->body_case == LKIP__ENVELOPE__BODY_EVENT) {
            *event = env;
            return 1;
        }
        wire_free(&env); /* stray reply */
    }
}
