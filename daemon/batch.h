/* batch — requests read from the socket together, run by a worker in one transaction, and
 * answered together once it committed. The main thread fills a batch and later sends its
 * replies; in between only the worker that runs it touches it. */
#ifndef LKIP_BATCH_H
#define LKIP_BATCH_H

#include "cmd.h"
#include "db_outbox.h"
#include "keys.h"

#include <zmq.h>

/* One request waiting in a batch. */
typedef struct {
    zmq_msg_t rid;             /* the peer's routing id */
    int64_t user_id;           /* from the ZAP User-Id */
    int64_t org_id;            /* the user's organisation, from the ZAP metadata */
    char key[KEY_Z85_LEN + 1]; /* the public key the connection authenticated with */
    uint64_t request_id;
    Lkip__Envelope *env; /* decoded request; NULL when the frame was malformed */
    const cmd_t *cmd;    /* NULL when the body is not a known request */
    Lkip__Reply *reply;  /* the answer; set early for malformed or unknown requests */
    char *flow_key;      /* a download within flow control: its transfer (owned) */
} pending_t;

typedef struct {
    int n; /* requests read */
    int cap;
    pending_t *items;
    int runnable;   /* items with a command to run */
    int64_t *woken; /* users with events committed by the batch (owned) */
    int n_woken;
    db_written_t written; /* those events, with their frames (owned) */
} batch_t;

/* An empty batch for up to cap requests. Caller owns it (batch_destroy). */
batch_t *batch_new(int cap);
/* Closes every request's messages and frees the batch; accepts NULL, nulls the pointer. */
void batch_destroy(batch_t **self_p);

/* Appends p (moved: the caller forgets it) to b, growing it past cap when needed. */
void batch_push(batch_t *b, pending_t *p);
/* Moves the first (up to) max requests of b into a new batch, in order. Caller owns it. */
batch_t *batch_take(batch_t *b, int max);

/* A new empty reply (heap pieces, freed with the reply). */
Lkip__Reply *batch_reply_new(void);
/* Replaces p's reply with a plain status, code and message. */
void batch_reply_plain(pending_t *p, int status, const char *code, const char *message);
/* Replaces p's reply with the retryable "database unavailable". */
void batch_reply_unavailable(pending_t *p);

#endif
