/* db_outbox — the outbox: events queued per recipient with a gap-free per-recipient sequence, in
 * the transaction of the change that caused them, and read back for delivery. outq_*: the thread
 * that owns the queue; db_outbox_*: any thread with its own connection (workers queue, the
 * database loop reads). */
#ifndef LKIP_DB_OUTBOX_H
#define LKIP_DB_OUTBOX_H

#include "db.h"
#include "wire.h"

/* Who gets an event: enabled users of org_id holding any of roles (n_roles may be 0), plus, when
 * unit_id is non-zero, the users holding unit_role in that unit. Each user once. */
typedef struct {
    int64_t org_id;
    int n_roles;
    const char *roles[8];
    int64_t unit_id;
    const char *unit_role;
} db_audience_t;

/* Events waiting to be written. A transaction collects its events here and writes them all
 * with db_outbox_flush just before it commits: one statement, and the recipients' sequence rows
 * stay locked only from that insert to the commit, not for the whole transaction. */
typedef struct outq_item outq_item_t;
typedef struct {
    int n, cap;
    outq_item_t *items;
} outq_t;

/* Appends ev (its seq is ignored) for the audience to. Zero-initialise q first. */
void outq_add(outq_t *q, const db_audience_t *to, const Lkip__Event *ev);
/* Moves every item of src to the end of dst; src is left empty. */
void outq_move(outq_t *dst, outq_t *src);
/* Drops every item (a refused request's events) and frees the storage. */
void outq_clear(outq_t *q);

/* Writes every queued event for its recipients, each user's in queue order with the next
 * numbers of its sequence, and empties q. A recipient's delegates whose period holds at now
 * (Plh./Plt., in the organisation's time zone) get it too, marked with their capacity. Appends
 * the ids of the recipients (each once) to *users (a growing array the caller frees; may be
 * NULL). Returns their number or -1. */
int db_outbox_flush(db_t *db, outq_t *q, int64_t now, int64_t **users, int *n_users) WUR;

/* One stored event, ready to send: the packed Envelope bytes with its seq set. */
typedef struct {
    uint64_t seq;
    uint8_t *frame; /* owned */
    size_t len;
} db_event_t;

/* Reads the first limit events of user with seq above after, in seq order (pruned seqs are
 * skipped). Caller frees with db_events_free. Returns the count or -1. */
int db_outbox_fetch(db_t *db, int64_t user_id, uint64_t after, int limit, db_event_t **out) WUR;
void db_events_free(db_event_t *events, int n);

/* One read of db_outbox_fetch_many: the next limit events of user after seq after. */
typedef struct {
    int64_t user_id;
    uint64_t after;
    int limit;
    int n_events; /* filled: the events read (owned, db_events_free) */
    db_event_t *events;
} db_fetch_t;

/* Reads the events of many users at once, one statement for all (set-oriented). Returns 0 or
 * -1 (nothing filled). */
int db_outbox_fetch_many(db_t *db, db_fetch_t *reads, int n) WUR;

/* Stores many acknowledgements at once (each never moves backwards). Returns 0 or -1. */
int db_outbox_ack_many(db_t *db, const int64_t *users, const uint64_t *seqs, int n) WUR;

/* The newest queued seq for each of users (n entries); 0 for unknown users. Returns 0 or -1. */
int db_outbox_last_seqs(db_t *db, const int64_t *users, int n, uint64_t *last) WUR;

/* Events a commit wrote, with their frames: sent to the sessions of this daemon straight away
 * (delivery_committed) instead of being read back. Each recipient's come in seq order. */
typedef struct {
    int64_t user_id;
    db_event_t ev; /* seq and frame (owned) */
} db_written_event_t;
typedef struct {
    int n;
    db_written_event_t *items;
} db_written_t;
/* Frees the frames and the list; leaves w empty. */
void db_written_clear(db_written_t *w);

/* db_outbox_flush, db_outbox_notify and COMMIT in one round trip (a pipeline; the flush and the
 * NOTIFY are one statement): the batch's events commit with it. pipe: statements to run before
 * them in the same round trip (taken), or NULL. Returns 0 (committed) or -1 (not committed; the
 * caller rolls back). When it committed and written is not NULL, the events written are appended
 * to written. */
int db_outbox_commit(db_t *db, db_pipe_t *pipe, outq_t *q, int64_t now, const char *origin,
                     int64_t **users, int *n_users, db_written_t *written) WUR;

/* Tells every daemon (NOTIFY lkip_events, delivered at commit) that these users have new
 * events: one notification for the whole list, payload "ORIGIN|12,40" where ORIGIN names the
 * daemon that sent it (so it can skip its own), "ORIGIN|" ("anyone") when the list is long.
 * Does nothing for n == 0. Returns 0 or -1. */
int db_outbox_notify(db_t *db, const char *origin, const int64_t *users, int n) WUR;

/* Deletes up to batch acknowledged events older than days. Returns the count or -1. */
int db_outbox_prune(db_t *db, int days, int batch) WUR;

/* Builds the wire frame of a stored event: payload (packed Event without seq) + seq, the
 * recipient's capacity when it gets the event as a delegate (NULL: none), and the real time
 * (microseconds) the daemon saw it commit, for an event sent from its commit (0: none). The
 * caller owns the result. Exposed for tests. */
uint8_t *outbox_frame(const uint8_t *payload, size_t len, uint64_t seq, const char *capacity,
                      int64_t committed_us, size_t *frame_len);

#endif
