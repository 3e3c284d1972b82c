/* stepset — the set-oriented path of a batch: its step requests (done, approve, return on a
 * named instance) and units' data (CSV submissions) cost a constant number of round trips, not
 * a handful each.
 *
 *   1. one pipeline: BEGIN; the row locks of every instance they name (in id order); the
 *      instances and their status headers, with each submitting unit's task, the document an
 *      archive would record and the units' formats; the stored replies among their
 *      request_ids; which callers hold delegations; the letter sequences and the active units
 *      of the step commands' organisations (read, not locked);
 *   2. in memory, in batch order: the engine decides each request against the instance as the
 *      earlier requests of the batch left it (a unit counted as submitted, a task's version
 *      moved on, a letter sequence moved on); flow collects the changes (flowset) and the
 *      events; the reply is built from memory;
 *   3. one pipeline: the step runs, units' tasks, timers, documents and instances of the whole
 *      batch (letter numbers and archives included), its units' data versions with their
 *      indicator rows, its letter sequences, its audit rows and its stored replies, and
 *      (worker.c) its events, the NOTIFY and COMMIT, when no request is left for the ordinary
 *      path; otherwise these writes go first, then the ordinary requests, then the events and
 *      COMMIT.
 * What the set path cannot take goes to the ordinary path (worker.c, a savepoint per request)
 * in the same transaction, after these writes: a request of another kind, a workbook (its
 * format is looked up), a caller with a delegation, a retried request_id, a verdict with other
 * effects (formats, a draft, units closed as missing), or an archive with no document. An
 * instance such a request may touch is left to the ordinary path for the rest of the batch, so
 * that the requests on one instance keep their order (so is one whose units' tasks the set path
 * opened: their ids come with the writes); a change the set path cannot place (users, units,
 * calendars, delegations) leaves every later request to it.
 *
 * No savepoints are needed here: nothing is written until the engine decided every request in
 * memory, and the writes of step 3 cannot fail for one request alone (its rows were checked
 * against the locked state; a constraint failure is a failure of the batch). The one exception
 is a race with another transaction: a request_id stored concurrently by another daemon (two
 * copies of one request racing), or a letter of the same organisation numbered by another
 * transaction since the load read its sequence. The stored replies' statement then fails
 * (DB_STORED_ALREADY, db_audit.h), or the sequences' (DB_LETTER_MOVED, db_flowset.h); the whole
 * transaction is rolled back and the batch runs again on the ordinary path, which answers the
 * copy with the stored reply, or takes the sequence's row lock. Called by the worker thread
 * that runs the batch. */
#ifndef LKIP_STEPSET_H
#define LKIP_STEPSET_H

#include "batch.h"
#include "deadline.h"
#include "defcache.h"
#include "timesrc.h"
#include "usercache.h"

/* The steps whose verdict needed the ordinary path last time (by SOP code, step and action: a
 * formats, a draft), so that their next requests go there at once instead
 * of being loaded twice. A guess only ever sends a request to the ordinary path, which is always
 * right. One per worker. */
#define STEPSET_MEMO 64
typedef struct {
    struct {
        char code[24];
        int step_no;
        int action;
    } e[STEPSET_MEMO];
    int n, next;
} stepset_memo_t;

typedef struct {
    stepset_memo_t *memo;
    db_t *db;
    const config_t *cfg;
    defcache_t *defs;
    deadline_t *deadlines;
    timesrc_t *clock;
    const usercache_t *dir; /* the users in memory */
} stepset_env_t;

typedef enum {
    STEPSET_NONE,     /* no request for the set path; no transaction opened */
    STEPSET_DONE,     /* transaction open, handled[i] requests answered; their writes in
                       * *writes, not yet run */
    STEPSET_FALLBACK, /* gave up: nothing answered; roll back, run the batch the ordinary way */
} stepset_rc_t;

/* Decides b's requests the set path takes (handled[i] true for them, their replies set,
 * their events appended to events, their writes in a pipeline *writes the caller runs and
 * destroys). */
stepset_rc_t stepset_run(const stepset_env_t *env, batch_t *b, int64_t now, outq_t *events,
                         bool *handled, db_pipe_t **writes);

#endif
