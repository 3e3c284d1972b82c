/* dbloop — the database work of the socket thread, done on a thread of its own with its own
 * connection, so that the thread that owns every socket never waits on PostgreSQL:
 *   - LISTEN: other daemons' events (users to wake), the test clock, users whose sessions must
 *     end, directory changes;
 *   - the directory (usercache): reloaded when it changes, so that ZAP and the workers know
 *     users without a query;
 *   - delivery's reads and writes: the next events of many sessions at once (one statement),
 *     the newest seqs of subscribed users (the poll that catches a lost NOTIFY), and
 *     acknowledgements (kept and tried again until stored);
 *   - timers (reminders, overdue notices, escalations) and retention pruning.
 * Requests go from the socket thread to this one as dbl_msg_t over an inproc PAIR; answers and
 * news come back the same way. Each message is owned by whoever holds it; dbl_msg_free frees one.
 *
 * dbloop_new, dbloop_destroy, dbloop_socket, dbloop_send and dbloop_recv are for the socket
 * thread; everything else here runs on the loop's own thread. (Why a thread and not libpq's
 * asynchronous calls in the poll loop: the loop's work is a dozen different queries with
 * reconnects, LISTEN and timers between them; as plain blocking code on a thread it stays
 * readable, and an inproc hop costs microseconds.) */
#ifndef LKIP_DBLOOP_H
#define LKIP_DBLOOP_H

#include "config.h"
#include "db.h"
#include "db_outbox.h"
#include "timesrc.h"
#include "usercache.h"

typedef enum {
    DBL_FETCH,  /* to the loop: reads of sessions' next events; comes back as DBL_EVENTS */
    DBL_POLL,   /* to the loop: users whose newest seq to read; comes back as DBL_LAST */
    DBL_ACKS,   /* to the loop: acknowledgements to store (users, seqs); no answer */
    DBL_KICK,   /* to the loop: steps were opened, look at the timers again; no answer */
    DBL_EVENTS, /* from the loop: the reads of a DBL_FETCH, filled (failed: none read) */
    DBL_LAST,   /* from the loop: the users of a DBL_POLL with seqs filled (failed: none) */
    DBL_WAKE,   /* from the loop: users with new events; n 0: maybe anyone */
    DBL_END,    /* from the loop: end the sessions of user_id, or of every user of org_id */
    DBL_DB,     /* from the loop: the database is up (up) or down */
} dbl_kind_t;

/* One session's read of its next events. */
typedef struct {
    uint8_t rid[32]; /* the session's routing id */
    size_t rid_len;
    db_fetch_t read;
} dbl_read_t;

typedef struct {
    dbl_kind_t kind;
    int n;
    dbl_read_t *reads; /* DBL_FETCH / DBL_EVENTS */
    int64_t *users;    /* DBL_POLL / DBL_LAST / DBL_ACKS / DBL_WAKE */
    uint64_t *seqs;    /* DBL_LAST / DBL_ACKS */
    bool failed;       /* DBL_EVENTS / DBL_LAST: the database did not answer */
    int64_t user_id;   /* DBL_END */
    int64_t org_id;    /* DBL_END */
    bool up;           /* DBL_DB */
} dbl_msg_t;

/* A new message of kind with room for n items. Caller owns it. */
dbl_msg_t *dbl_msg_new(dbl_kind_t kind, int n);
/* Frees a message and what it holds (fetched events included); accepts NULL. */
void dbl_msg_free(dbl_msg_t **msg_p);

typedef struct dbloop dbloop_t;

/* Connects (on node), loads the directory into users before returning (so the handshake of
 * the first client can already be answered), and starts the thread. origin names this daemon
 * in notifications (its own are skipped). Returns NULL with err set. Caller owns the result. */
dbloop_t *dbloop_new(void *zctx, const config_t *cfg, dbnode_t *node, timesrc_t *clock,
                     userdir_t *users, const char *origin, char *err, size_t errlen);
/* Stops the thread (after its current work) and frees everything; nulls the pointer. */
void dbloop_destroy(dbloop_t **self_p);

/* The socket the socket thread polls for messages from the loop. */
void *dbloop_socket(dbloop_t *self);

/* Hands msg to the loop (taken). */
void dbloop_send(dbloop_t *self, dbl_msg_t *msg);

/* The next message from the loop, or NULL when none is waiting. Caller owns it. */
dbl_msg_t *dbloop_recv(dbloop_t *self);

#endif
