/* delivery — pushes each user's events from the outbox to the user's subscribed sessions on
 * this daemon, in sequence order, and keeps doing so until the client acknowledges them.
 *
 * A session is a peer (routing id) that sent Subscribe{last_seq}: it gets every event after
 * last_seq (the replay), then new ones as they are committed (live). Sends use
 * ZMQ_ROUTER_MANDATORY: a send that fails is not delivered and is tried again; events not
 * acknowledged within resend_ms are sent again from the last acknowledged one (clients drop
 * duplicates by seq). A window bounds how far sending runs ahead of acknowledgements.
 *
 * Board hints: a session that asked for them (a live board) also gets an Event with seq 0 and
 * kind "board_changed" whenever events were committed for anyone of its organisation, at most
 * one per HINT_MS for the whole daemon (a burst is one hint). Hints are not stored, not numbered
 * and never acknowledged: a board that misses one asks for a fresh board at its next event,
 * reconnection or due time anyway.
 *
 * Socket thread only. It never waits on PostgreSQL: reads of events, the poll and the
 * acknowledgements go to the database loop (dbloop) as messages, and its answers come back
 * through delivery_on_message. */
#ifndef LKIP_DELIVERY_H
#define LKIP_DELIVERY_H

#include "config.h"
#include "dbloop.h"
#include "routersock.h"
#include "usercache.h"

typedef struct delivery delivery_t;

/* router, loop and users (the directory, for the organisation of a woken user) are not owned
 * and must outlive the result. */
delivery_t *delivery_new(routersock_t *router, dbloop_t *loop, userdir_t *users,
                         const config_t *cfg);
void delivery_destroy(delivery_t **self_p);

/* Registers (or resets) the session of peer rid for user (of org_id) and starts its replay
 * after last_seq, which counts as the peer's acknowledgement of everything up to it (stored at
 * the next flush). hints: the session also gets board hints. */
void delivery_subscribe(delivery_t *self, const void *rid, size_t rid_len, int64_t user_id,
                        int64_t org_id, uint64_t last_seq, bool hints);

/* Ends at once every session of user_id (when non-zero) or of every user of org_id (when
 * non-zero): nothing more is sent to them, and their acknowledgements are no longer taken. */
void delivery_end(delivery_t *self, int64_t user_id, int64_t org_id);

/* The peer holds every event up to seq. Also counts as a sign of life. */
void delivery_ack(delivery_t *self, const void *rid, size_t rid_len, int64_t user_id, uint64_t seq);

/* Any message from the peer: it is alive. */
void delivery_touch(delivery_t *self, const void *rid, size_t rid_len);

/* New events were committed for these users (n == 0 with users NULL: maybe for anyone). */
void delivery_wake(delivery_t *self, const int64_t *users, int n);

/* This daemon's batch committed the events w (of users; db_outbox_commit): sessions that hold
 * everything before them get them at once, the others read them (delivery_wake). */
void delivery_committed(delivery_t *self, const int64_t *users, int n, const db_written_t *w);

/* Sends the database loop the reads the sessions queued (once per turn of the socket loop, so
 * that one statement serves every session woken in that turn). */
void delivery_flush(delivery_t *self);

/* Takes a message from the database loop: events read, the poll's answer, users to wake,
 * sessions to end, the database up or down. The caller keeps and frees msg. */
void delivery_on_message(delivery_t *self, const dbl_msg_t *msg);

/* Periodic work: resend unacknowledged events, expire silent sessions, poll the outbox for
 * events whose notification was lost, store acknowledgements. Returns the milliseconds until it
 * wants to run again. */
int delivery_tick(delivery_t *self);

/* Sessions currently subscribed. */
int delivery_sessions(const delivery_t *self);

#endif
