/* lkipc — the client library: one CURVE DEALER connection to lkipd, request/reply with
 * automatic retries (same request_id, so a retried change takes effect once), and the event
 * stream (subscribe with the last sequence held, acknowledge). Used by the lkip command, the
 * integration tests and the benchmark.
 *
 * Outages: a request is sent again, with the same request_id, while there is no answer, the
 * answer is retryable (503) or the daemon cannot check our key (its database is down), with a
 * back-off, for a window of time (retry_window_ms) or a number of attempts. A connection that
 * comes back carries the request again at once. After a refused handshake the connection is
 * made again only after a back-off with jitter that grows while refusals go on (100 ms to 5 s),
 * so that many waiting clients do not turn an outage into a storm of handshakes. One thread
 * uses a connection at a time. */
#ifndef LKIP_LKIPC_H
#define LKIP_LKIPC_H

#include "keys.h"
#include "wire.h"

typedef struct lkipc lkipc_t;

/* ZMTP heartbeats every connection sends: how a client learns of a daemon or link gone silent
 * (the daemon answers them and sends none; a daemon stopped or killed closes the connection and
 * is noticed at once). libzmq sends a PING every IVL and gives up TIMEOUT after a PING that got
 * no answer, so a link that dies just after an answer is noticed after IVL + TIMEOUT at most.
 * Each PING costs the daemon a message in and its PONG one out: 10,000 idle watchers beating
 * every 2 s and acknowledging every 5 s took lkipd 10% of a core; every 5 s (15 s timeout) and
 * every 10 s (SubscribeReply.keepalive_ms), 5.4% (`make bench`, its "no load" line), 5,000
 * messages a second. Every 10 s with a 10 s timeout notices a silent link as late as 5 + 15 did
 * (20 s at most) with half the beats: 3,000 messages a second. */
#define LKIPC_HEARTBEAT_IVL_MS     10000
#define LKIPC_HEARTBEAT_TIMEOUT_MS 10000

typedef struct {
    const char *endpoint;   /* e.g. tcp://127.0.0.1:7390 */
    const char *server_key; /* server public key, Z85 */
    const keypair_t *keys;  /* the client's own pair */
    int timeout_ms;         /* per attempt; default 5000 */
    int attempts;           /* total attempts per request when retry_window_ms is 0; default 3 */
    int retry_window_ms;    /* > 0: attempts go on (see above) until this long after the first */
    void *context;          /* a ZeroMQ context to share (not owned); NULL: its own */
} lkipc_opts_t;

/* Opens the connection (ZeroMQ connects in the background). Returns NULL on a bad endpoint or
 * key. Caller owns the result. */
lkipc_t *lkipc_new(const lkipc_opts_t *opts);
void lkipc_destroy(lkipc_t **self_p);

/* Result of a call that produced no reply from the daemon. */
typedef enum {
    LKIPC_OK = 0,
    LKIPC_TIMEOUT = -1,     /* no reply after every attempt */
    LKIPC_AUTH_FAILED = -2, /* the daemon refused our key at the handshake */
    LKIPC_ERROR = -3,       /* local socket error */
    LKIPC_UNAVAILABLE = -4, /* the daemon could not check our key (database down): retry */
} lkipc_rc_t;

/* Sends req (the caller sets its body; request_id is chosen here when 0) and waits for its
 * reply, retrying on timeout, on a retryable status and on a handshake refused for a database
 * outage, with the same request_id. On LKIPC_OK *reply is the reply envelope, owned by the
 * caller (wire_free): the final answer, or the retryable one (503) that ended the last attempt.
 * Events that arrive meanwhile are queued for lkipc_next_event. */
lkipc_rc_t lkipc_call(lkipc_t *self, Lkip__Envelope *req, Lkip__Envelope **reply) WUR;

/* Changes the retry window of later calls (0: opts.attempts decide). */
void lkipc_set_retry_window(lkipc_t *self, int retry_window_ms);

/* For pipelined requests (documents in chunks): sends req without waiting, choosing its
 * request_id when 0; a request sent again keeps its id. Returns 0 or LKIPC_ERROR. */
int lkipc_post(lkipc_t *self, Lkip__Envelope *req) WUR;

/* Waits until deadline (monotonic ms) for the next reply to any request; events that arrive
 * meanwhile are queued for lkipc_next_event. Returns 1 with *reply owned by the caller, 0 on
 * timeout, or a negative lkipc_rc_t. */
int lkipc_next_reply(lkipc_t *self, int64_t deadline, Lkip__Envelope **reply) WUR;

/* The per-attempt timeout in milliseconds this connection was opened with. */
int lkipc_timeout_ms(const lkipc_t *self);

/* A fresh random non-zero request id. */
uint64_t lkipc_request_id(void);

/* Waits up to timeout_ms for the next event (queued first). Returns 1 with *event owned by the
 * caller, 0 on timeout, or a negative lkipc_rc_t. */
int lkipc_next_event(lkipc_t *self, int timeout_ms, Lkip__Envelope **event) WUR;

/* Sends an envelope without waiting for a reply (acknowledgements). Returns 0 or -1. */
int lkipc_send(lkipc_t *self, const Lkip__Envelope *env) WUR;

/* How many CURVE handshakes have succeeded so far: a change means the connection was made
 * again (a daemon restart, a network break), and an event stream must subscribe again. */
unsigned lkipc_connections(lkipc_t *self);

/* The connection as the last news of it says. */
typedef enum {
    LKIPC_CONNECTING, /* no handshake completed on the current connection (new, or dropped) */
    LKIPC_CONNECTED,  /* the handshake completed and the connection has not dropped since */
    LKIPC_REFUSED,    /* the daemon refused the last handshake (lkipc_refusal says why) */
} lkipc_state_t;

lkipc_state_t lkipc_state(lkipc_t *self);

/* After LKIPC_REFUSED: LKIPC_UNAVAILABLE (the daemon could not check our key; connecting again
 * after a back-off) or LKIPC_AUTH_FAILED (our key was refused). */
lkipc_rc_t lkipc_refusal(const lkipc_t *self);

/* The DEALER socket, for callers that wait on many connections with one zmq_poll (the
 * benchmark's listeners); read from it only through lkipc_next_event. */
void *lkipc_zmq_socket(lkipc_t *self);

/* A short Indonesian description of a failed call, with its code, for people: "[code] text". */
const char *lkipc_rc_text(lkipc_rc_t rc);
/* Its two parts: the stable English code ("timeout") and the Indonesian message. */
const char *lkipc_rc_code(lkipc_rc_t rc);
const char *lkipc_rc_message(lkipc_rc_t rc);

#endif
