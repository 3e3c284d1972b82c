/* worker — see worker.h. */
#include "worker.h"

#include "db_audit.h"
#include "db_flowset.h"
#include "db_outbox.h"
#include "deadline.h"
#include "dispatch.h"
#include "handoff.h"
#include "defcache.h"
#include "log.h"
#include "stats.h"
#include "stepset.h"
#include "usercache.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct worker {
    int id;
    const config_t *cfg;
    timesrc_t *clock;
    const char *origin;    /* the daemon's name in notifications */
    db_t *db;              /* this thread's connection */
    userdir_t *users;      /* the directory (callers without a query) */
    usercache_t *dir;      /* the snapshot of the batch under way */
    defcache_t *defs;      /* this thread's parsed definitions */
    deadline_t *deadlines; /* this thread's calendars */
    stepset_memo_t memo;   /* steps the set path leaves to the ordinary path */
    void *main_end;        /* PAIR used by the main thread */
    void *worker_end;      /* PAIR used by the worker thread */
    pthread_t thread;
    bool busy; /* main thread's view: a batch is out */
};

/* ---- the connection ------------------------------------------------------------------------ */

/* True when the database can be used now; tries to reconnect when its back-off has passed
 * (requests meanwhile get a retryable reply at once instead of waiting). */
static bool s_db_ready(worker_t *self)
{
    switch (db_check(self->db)) {
    case DB_UP:
        return true;
    case DB_LOST:
        log_warn("worker %d: database connection lost: %s", self->id, db_error(self->db));
        return false;
    case DB_DOWN:
        return false;
    case DB_BACK:
        log_info("worker %d: database connection restored", self->id);
        return true;
    }
    return false;
}

/* ---- one batch ----------------------------------------------------------------------------- */

/* After a committed batch that changed users, units or organisations: the directory in memory
 * is reloaded now, before the replies go out, so that a user disabled (or a new key) takes
 * effect on this daemon at once; the other daemons follow its NOTIFY. */
static void s_directory_changed(worker_t *self, const batch_t *b)
{
    bool changed = false;
    for (int i = 0; i < b->n && !changed; i++)
        changed = b->items[i].cmd && b->items[i].cmd->directory && b->items[i].reply &&
                  b->items[i].reply->status < 400;
    if (!changed)
        return;
    user_t *users = NULL;
    int64_t version = 0;
    int n = db_directory_load(self->db, &users, &version);
    if (n < 0) {
        log_warn("worker %d: could not reload the directory: %s", self->id, db_error(self->db));
        return;
    }
    userdir_set(self->users, usercache_new(users, n, version));
}

/* Runs the batch's requests in one transaction; on any failure of the transaction as a whole,
 * every request it would have accepted gets a retryable reply instead. */
/* The batch's requests the set path takes (stepset.h), in a transaction it opens; false
 * when it took none (no transaction open). handled[i] marks the requests it answered; *writes
 * gets their writes, to run. */
static bool s_run_set(worker_t *self, batch_t *b, int64_t now, outq_t *events, bool *handled,
                      db_pipe_t **writes)
{
    stepset_env_t env = {.memo = &self->memo,
                         .db = self->db,
                         .cfg = self->cfg,
                         .defs = self->defs,
                         .deadlines = self->deadlines,
                         .clock = self->clock,
                         .dir = self->dir};
    switch (stepset_run(&env, b, now, events, handled, writes)) {
    case STEPSET_DONE:
        return true;
    case STEPSET_FALLBACK:
        if (db_alive(self->db))
            db_rollback(self->db);
        return false;
    case STEPSET_NONE:
        break;
    }
    return false;
}

/* True when a write of the set path lost a race with another transaction: a stored reply
 * clashed with one committed meanwhile, or a letter sequence moved since it was read. */
static bool s_set_raced(worker_t *self)
{
    const char *state = db_sqlstate(self->db);
    return strcmp(state, DB_STORED_ALREADY) == 0 || strcmp(state, DB_LETTER_MOVED) == 0;
}

/* Runs the batch once, in one transaction: the set path's requests, then the rest one by one,
 * then the events and COMMIT; the set path's writes share the round trip of the COMMIT when
 * nothing else is left. fast: the set path, and statements whose results nobody reads wait for
 * the next round trip (db_defer). Returns true when committed; false with *again when the batch
 * must run again without them (a write of the set path lost a race: s_set_raced, or a deferred
 * statement failed: its caller had already gone on); the answers are withdrawn. */
static bool s_attempt(worker_t *self, batch_t *b, int64_t now, bool fast, bool *again)
{
    bool set_path = fast;
    *again = false;
    db_defer(self->db, fast);
    outq_t events = {0};
    bool *handled = xcalloc((size_t)b->n + 1, sizeof *handled);
    db_pipe_t *writes = NULL;
    bool ok = s_db_ready(self);
    ok = ok && ((set_path && s_run_set(self, b, now, &events, handled, &writes)) ||
                db_begin(self->db) == 0);
    /* A failure once the set path answered requests runs the batch again the ordinary way
     * (while the connection lives): there a request whose writes fail alone is refused alone,
     * in its savepoint, and the rest of the batch commits. */
    bool set_answered = false, rest = false;
    for (int i = 0; i < b->n; i++) {
        set_answered |= handled[i];
        rest |= b->items[i].cmd && !handled[i];
    }
    if (ok && writes && rest) { /* the set path's writes go before the ordinary requests */
        ok = db_pipe_run(writes) == 0;
        *again = !ok && db_alive(self->db);
        db_pipe_destroy(&writes);
    }
    dispatch_env_t env = {.db = self->db,
                          .cfg = self->cfg,
                          .defs = self->defs,
                          .deadlines = self->deadlines,
                          .clock = self->clock,
                          .dir = self->dir};
    for (int i = 0; ok && i < b->n; i++)
        if (b->items[i].cmd && !handled[i])
            dispatch_request(&env, &b->items[i], now, &events);
    /* the batch's events, and one NOTIFY for the other daemons, commit with it (one round
     * trip) */
    if (ok) {
        int rc = db_outbox_commit(self->db, writes, &events, now, self->origin, &b->woken,
                                  &b->n_woken, &b->written);
        writes = NULL; /* taken */
        if (rc != 0) {
            *again = s_set_raced(self) || (set_answered && db_alive(self->db));
            if (!*again && !db_defer_failed(self->db))
                log_warn("worker %d: batch commit failed: %s", self->id, db_error(self->db));
            ok = false;
        }
    }
    bool raced = !ok && *again && s_set_raced(self);
    if (!ok && !raced && db_defer_failed(self->db)) {
        *again = true;
        log_debug("worker %d: a deferred statement failed; the batch runs again one statement "
                  "at a time",
                  self->id);
    } else if (raced) {
        log_info("worker %d: the set path lost a race (%s); the batch runs again the ordinary "
                 "way",
                 self->id,
                 strcmp(db_sqlstate(self->db), DB_LETTER_MOVED) == 0
                     ? "a letter sequence moved since it was read"
                     : "a request of the batch was stored meanwhile by another daemon");
    } else if (!ok && *again) { /* the ordinary run logs the failure itself if it repeats */
        log_info("worker %d: the batch failed (SQLSTATE %s) after the set path answered part of "
                 "it; it runs again the ordinary way",
                 self->id, db_sqlstate(self->db));
    }
    db_defer(self->db, false);
    if (!ok && *again) {
        for (int i = 0; i < b->n; i++)
            if (handled[i]) {
                lkip__reply__free_unpacked(b->items[i].reply, NULL);
                b->items[i].reply = NULL;
            }
        b->n_woken = 0;
        db_written_clear(&b->written);
    }
    db_pipe_destroy(&writes);
    free(handled);
    outq_clear(&events);
    return ok;
}

/* Counts what the batch cost (stats.h); the connection's counters start again at zero when it
 * is made again, hence the guard. */
static void s_count(worker_t *self, const batch_t *b, int64_t statements, int64_t round_trips)
{
    int64_t s = db_statements(self->db) - statements, r = db_round_trips(self->db) - round_trips;
    stats_add_batch(b->runnable, s > 0 ? s : 0, r > 0 ? r : 0);
}

static bool s_run_once(worker_t *self, batch_t *b)
{
    int64_t now = timesrc_now(self->clock);
    bool again = false;
    bool ok = s_attempt(self, b, now, true, &again);
    if (!ok && again && db_alive(self->db)) {
        stats_add_rerun();
        db_rollback(self->db);
        ok = s_attempt(self, b, now, false, &again);
    }
    return ok;
}

static void s_run_batch(worker_t *self, batch_t *b)
{
    self->dir = userdir_get(self->users);
    int64_t statements = db_statements(self->db), round_trips = db_round_trips(self->db);
    bool ok = s_run_once(self, b);
    s_count(self, b, statements, round_trips);
    if (ok) {
        usercache_unref(&self->dir);
        s_directory_changed(self, b);
        return;
    }
    if (!db_alive(self->db)) {
        if (db_mark_lost(self->db))
            log_warn("worker %d: database connection lost: %s", self->id, db_error(self->db));
    } else
        db_rollback(self->db);
    for (int i = 0; i < b->n; i++)
        if (b->items[i].cmd && (!b->items[i].reply || b->items[i].reply->status < 400))
            batch_reply_unavailable(&b->items[i]);
    b->n_woken = 0;
    db_written_clear(&b->written);
    usercache_unref(&self->dir);
}

/* How often an idle worker looks at its connection: when the primary moved (another connection
 * of the daemon found a newer one) it follows at once, not when the next request comes. */
#define IDLE_CHECK_MS 200

static void *s_main(void *arg)
{
    worker_t *self = arg;
    for (;;) {
        zmq_pollitem_t item = {self->worker_end, 0, ZMQ_POLLIN, 0};
        int rc = zmq_poll(&item, 1, IDLE_CHECK_MS);
        if (rc < 0 && errno != EINTR)
            break;
        if (rc <= 0) {
            (void)s_db_ready(self);
            continue;
        }
        void *b = NULL;
        if (handoff_recv(self->worker_end, 0, &b) != 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (!b)
            break; /* asked to stop */
        s_run_batch(self, b);
        if (handoff_send(self->worker_end, b) != 0)
            break;
    }
    return NULL;
}

/* ---- life cycle ---------------------------------------------------------------------------- */

worker_t *worker_new(void *zctx, int id, const config_t *cfg, dbnode_t *node, userdir_t *users,
                     timesrc_t *clock, const char *origin, char *err, size_t errlen)
{
    worker_t *self = xcalloc(1, sizeof *self);
    self->id = id;
    self->origin = origin;
    self->cfg = cfg;
    self->clock = clock;
    self->users = users;
    char who[32];
    snprintf(who, sizeof who, "worker %d", id);
    self->db = db_connect(cfg->database, node, who, err, errlen);
    if (!self->db) {
        free(self);
        return NULL;
    }
    self->defs = defcache_new();
    self->deadlines = deadline_new();
    char endpoint[64];
    snprintf(endpoint, sizeof endpoint, "inproc://lkipd-worker-%d", id);
    self->main_end = zmq_socket(zctx, ZMQ_PAIR);
    self->worker_end = zmq_socket(zctx, ZMQ_PAIR);
    int linger = 0;
    if (!self->main_end || !self->worker_end ||
        zmq_setsockopt(self->main_end, ZMQ_LINGER, &linger, sizeof linger) != 0 ||
        zmq_setsockopt(self->worker_end, ZMQ_LINGER, &linger, sizeof linger) != 0 ||
        zmq_bind(self->main_end, endpoint) != 0 || zmq_connect(self->worker_end, endpoint) != 0 ||
        pthread_create(&self->thread, NULL, s_main, self) != 0) {
        snprintf(err, errlen, "could not start worker %d: %s", id, zmq_strerror(errno));
        if (self->main_end)
            zmq_close(self->main_end);
        if (self->worker_end)
            zmq_close(self->worker_end);
        defcache_destroy(&self->defs);
        deadline_destroy(&self->deadlines);
        db_destroy(&self->db);
        free(self);
        return NULL;
    }
    return self;
}

void worker_destroy(worker_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    worker_t *self = *self_p;
    if (self->busy) {
        void *b = NULL; /* let the batch under way finish: it is committed or not */
        if (handoff_recv(self->main_end, 0, &b) == 0) {
            batch_t *batch = b;
            batch_destroy(&batch);
        }
    }
    if (handoff_send(self->main_end, NULL) == 0)
        pthread_join(self->thread, NULL);
    zmq_close(self->main_end);
    zmq_close(self->worker_end);
    defcache_destroy(&self->defs);
    deadline_destroy(&self->deadlines);
    db_destroy(&self->db);
    free(self);
    *self_p = NULL;
}

void *worker_socket(worker_t *self)
{
    return self->main_end;
}

bool worker_busy(const worker_t *self)
{
    return self->busy;
}

void worker_submit(worker_t *self, batch_t *batch)
{
    if (handoff_send(self->main_end, batch) == 0)
        self->busy = true;
    else
        abort(); /* an inproc PAIR with room for one message cannot refuse it */
}

batch_t *worker_collect(worker_t *self)
{
    void *b = NULL;
    if (handoff_recv(self->main_end, ZMQ_DONTWAIT, &b) != 0)
        return NULL;
    self->busy = false;
    return b;
}
