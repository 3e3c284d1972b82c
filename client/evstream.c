/* evstream — see evstream.h. */
#include "evstream.h"

#include "backoff.h"
#include "statefile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Pauses between subscriptions that failed (503, no answer). */
#define RESUBSCRIBE_FIRST_MS 200
#define RESUBSCRIBE_MAX_MS   5000
/* How often the position is acknowledged again while nothing arrives (the daemon's sign of life
 * of the session), when the daemon does not say (SubscribeReply.keepalive_ms). */
#define KEEPALIVE_MS 5000

struct evstream {
    cli_t *cli;
    evstream_hooks_t hooks;
    void *arg;
    char *path;           /* the file of the last seq taken */
    uint64_t last;        /* the last seq taken */
    unsigned connections; /* lkipc_connections at the last subscription */
    bool subscribed;      /* the daemon holds our session on the current connection */
    bool running;         /* past the first subscription: troubles are retried */
    bool troubled;        /* a disconnection or an error was told since the last subscription */
    bool hints;           /* board hints asked for */
    char told[32];        /* the code of the last error told (not told twice in a row) */
    backoff_t retry;      /* pauses between failed subscriptions */
    int64_t retry_at;     /* monotonic ms: the next subscription, not before */
    int64_t keepalive_at; /* monotonic ms of the last acknowledgement sent */
    int64_t keepalive_ms; /* how often while idle: the daemon's word at the last subscription */
};

char *evstream_key_path(const cli_t *cli, const char *name)
{
    keypair_t kp;
    char *path;
    if (keys_load(cli->conf.key_file, &kp) == 0) {
        /* Z85 may contain '/': use hex of the first bytes of its hash */
        char hex[65];
        sha256_hex(kp.public_key, strlen(kp.public_key), hex);
        hex[16] = '\0';
        path = xasprintf("%s/%s-%s", cli->conf.state_dir, name, hex);
        memset(&kp, 0, sizeof kp);
    } else {
        path = xasprintf("%s/%s", cli->conf.state_dir, name);
    }
    return path;
}

static uint64_t s_seq_load(const char *path)
{
    char *text;
    size_t len;
    if (read_file(path, 64, &text, &len) != 0)
        return 0;
    uint64_t v = strtoull(text, NULL, 10);
    free(text);
    return v;
}

evstream_t *evstream_new(cli_t *cli, const char *position, const evstream_hooks_t *hooks, void *arg)
{
    evstream_t *self = xcalloc(1, sizeof *self);
    self->cli = cli;
    if (hooks)
        self->hooks = *hooks;
    self->arg = arg;
    self->path = evstream_key_path(cli, position);
    self->last = s_seq_load(self->path);
    self->keepalive_at = monotonic_ms();
    self->keepalive_ms = KEEPALIVE_MS;
    backoff_init(&self->retry, RESUBSCRIBE_FIRST_MS, RESUBSCRIBE_MAX_MS);
    return self;
}

void evstream_destroy(evstream_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free((*self_p)->path);
    free(*self_p);
    *self_p = NULL;
}

void evstream_board_hints(evstream_t *self)
{
    self->hints = true;
}

uint64_t evstream_last(const evstream_t *self)
{
    return self->last;
}

bool evstream_live(const evstream_t *self)
{
    return self->subscribed && !self->troubled;
}

/* ---- what the caller is told ----------------------------------------------------------------- */

static void s_state(evstream_t *self, const char *state)
{
    self->told[0] = '\0';
    self->troubled = strcmp(state, "reconnected") != 0;
    if (self->hooks.state)
        self->hooks.state(self->arg, state, self->last);
}

static void s_error(evstream_t *self, int status, const char *code, const char *message,
                    bool retrying)
{
    if (strcmp(self->told, code) == 0)
        return;
    snprintf(self->told, sizeof self->told, "%s", code);
    self->troubled = true;
    if (self->hooks.error)
        self->hooks.error(self->arg, status, code, message, retrying);
}

static void s_error_rc(evstream_t *self, lkipc_rc_t rc, bool retrying)
{
    s_error(self, 0, lkipc_rc_code(rc), lkipc_rc_message(rc), retrying);
}

/* ---- the subscription ------------------------------------------------------------------------ */

static void s_ack(evstream_t *self, uint64_t seq)
{
    Lkip__Envelope env = LKIP__ENVELOPE__INIT;
    Lkip__AckRequest body = LKIP__ACK_REQUEST__INIT;
    body.seq = seq;
    env.body_case = LKIP__ENVELOPE__BODY_ACK;
    env.ack = &body;
    self->keepalive_at = monotonic_ms();
    if (lkipc_send(self->cli->conn, &env) != 0)
        return; /* the keepalive tries again; unacknowledged events are sent again */
}

void evstream_keepalive(evstream_t *self)
{
    if (monotonic_ms() - self->keepalive_at >= self->keepalive_ms)
        s_ack(self, self->last);
}

/* Subscribes after the position. Returns EXIT_OK, or tells why not and returns the EXIT_
 * status of that. */
static int s_subscribe(evstream_t *self)
{
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    Lkip__SubscribeRequest body = LKIP__SUBSCRIBE_REQUEST__INIT;
    body.last_seq = self->last;
    body.board_hints = self->hints;
    req.body_case = LKIP__ENVELOPE__BODY_SUBSCRIBE;
    req.subscribe = &body;
    Lkip__Envelope *reply = NULL;
    unsigned connections = lkipc_connections(self->cli->conn);
    lkipc_rc_t crc = lkipc_call(self->cli->conn, &req, &reply);
    if (crc != LKIPC_OK) {
        s_error_rc(self, crc, self->running && crc != LKIPC_AUTH_FAILED);
        return crc == LKIPC_AUTH_FAILED || crc == LKIPC_TIMEOUT ? EXIT_UNREACHABLE : EXIT_SERVER;
    }
    const Lkip__Reply *r = reply->reply;
    if (r->status >= 400 || r->payload_case != LKIP__REPLY__PAYLOAD_SUBSCRIBED) {
        bool bad = r->status < 400;
        s_error(self, r->status, bad ? "bad_reply" : r->code,
                bad ? "jawaban server tidak lengkap" : r->message, self->running);
        int rc = r->status >= 500 || bad ? EXIT_SERVER : EXIT_REFUSED;
        wire_free(&reply);
        return rc;
    }
    if (r->subscribed->last_seq < self->last) {
        /* the server holds fewer events than we saw: a different or restored database */
        fprintf(stderr,
                "lkip: [seq_reset] server memiliki %llu pemberitahuan, klien mencatat "
                "%llu; penghitung disetel ulang\n",
                (unsigned long long)r->subscribed->last_seq, (unsigned long long)self->last);
        self->last = r->subscribed->last_seq;
    }
    self->keepalive_ms = r->subscribed->keepalive_ms ? r->subscribed->keepalive_ms : KEEPALIVE_MS;
    wire_free(&reply);
    self->subscribed = true;
    self->connections = connections;
    backoff_reset(&self->retry);
    if (self->troubled)
        s_state(self, "reconnected");
    return EXIT_OK;
}

int evstream_start(evstream_t *self)
{
    int rc = s_subscribe(self);
    if (rc == EXIT_OK) {
        lkipc_set_retry_window(self->cli->conn, 0);
        self->running = true;
    }
    return rc;
}

/* Follows the connection between events: tells when it drops or is refused, and subscribes
 * again on a new one (the daemon forgot the session), pacing failed attempts. */
static void s_follow(evstream_t *self)
{
    lkipc_t *conn = self->cli->conn;
    lkipc_state_t state = lkipc_state(conn);
    bool again = lkipc_connections(conn) != self->connections; /* maybe healed already */
    if ((again || state != LKIPC_CONNECTED) && !self->troubled)
        s_state(self, "disconnected");
    if (again || state != LKIPC_CONNECTED)
        self->subscribed = false;
    if (state == LKIPC_REFUSED)
        s_error_rc(self, lkipc_refusal(conn), true);
    if (self->subscribed || state != LKIPC_CONNECTED || monotonic_ms() < self->retry_at)
        return;
    if (s_subscribe(self) != EXIT_OK)
        self->retry_at = monotonic_ms() + backoff_next(&self->retry);
}

int evstream_next(evstream_t *self, int timeout_ms, Lkip__Envelope **event)
{
    int64_t deadline = monotonic_ms() + timeout_ms;
    for (;;) {
        /* wakes for the keepalive in time, and at least once a second to follow the connection */
        int64_t now = monotonic_ms(), wait = deadline - now;
        int64_t keepalive = self->keepalive_at + self->keepalive_ms - now;
        if (keepalive < wait)
            wait = keepalive;
        Lkip__Envelope *ev = NULL;
        int got = lkipc_next_event(self->cli->conn,
                                   wait > 1000 ? 1000
                                   : wait > 0  ? (int)wait
                                               : 0,
                                   &ev);
        if (got < 0 && got != LKIPC_TIMEOUT) {
            s_error_rc(self, (lkipc_rc_t)got, false);
            return -EXIT_UNREACHABLE;
        }
        if (got == 1 && ev->event->seq == 0 && self->hints) { /* a board hint */
            *event = ev;
            return 1;
        }
        if (got == 1 && ev->event->seq > self->last) {
            *event = ev;
            return 1;
        }
        if (got == 1 && ev->event->seq == 0) { /* a hint nobody asked for */
            wire_free(&ev);
            continue;
        }
        if (got == 1) { /* a duplicate of a resend: held already */
            s_ack(self, ev->event->seq);
            wire_free(&ev);
            continue;
        }
        s_follow(self);
        evstream_keepalive(self);
        if (monotonic_ms() >= deadline)
            return 0;
    }
}

int evstream_take(evstream_t *self, const Lkip__Event *event, evstream_deliver_fn deliver,
                  void *arg)
{
    if (event->seq == 0) /* a board hint: no position of its own, never acknowledged */
        return deliver(arg, event);
    char text[32];
    snprintf(text, sizeof text, "%llu\n", (unsigned long long)event->seq);
    char *tmp = NULL;
    int rc = statefile_prepare(self->path, text, strlen(text), &tmp);
    int delivered = deliver(arg, event);
    if (delivered != 0) {
        statefile_abandon(&tmp);
        return delivered;
    }
    if (rc == 0)
        rc = statefile_commit(&tmp, self->path);
    if (rc != 0)
        fprintf(stderr, "lkip: [io_error] posisi pemberitahuan tidak dapat disimpan di %s: %s\n",
                self->path, strerror(-rc));
    self->last = event->seq;
    s_ack(self, event->seq);
    return 0;
}
