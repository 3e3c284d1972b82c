/* dbloop — see dbloop.h. */
#include "dbloop.h"

#include "db_audit.h"
#include "db_calendar.h"
#include "db_timers.h"
#include "db_upload.h"
#include "deadline.h"
#include "handoff.h"
#include "defcache.h"
#include "log.h"
#include "timers.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

/* Retention: delivered events, stored replies and stale upload pieces go, a small batch at a
 * time so that the loop never stalls for long. */
#define PRUNE_BATCH       500
#define PRUNE_EVERY_MS    60000
#define UPLOAD_KEEP_HOURS 24
/* The directory version is read this often (a lost NOTIFY costs at most this long). */
#define DIRECTORY_CHECK_MS 1000
#define TIMER_BATCH        100
#define KICK_DELAY_MS      100 /* new timers are looked for this soon after a batch made them */

struct dbloop {
    const config_t *cfg;
    timesrc_t *clock;
    userdir_t *users;
    const char *origin;
    db_t *db;
    defcache_t *defs;
    deadline_t *deadlines;
    void *main_end; /* PAIR of the socket thread */
    void *loop_end; /* PAIR of the loop thread */
    pthread_t thread;
    bool started;
    /* the loop thread's own state */
    int64_t directory;  /* version of the snapshot loaded */
    int64_t version_at; /* monotonic ms: read the version again */
    bool timer_known;   /* next_timer holds the earliest pending timer */
    int64_t next_timer; /* unix seconds; 0: none */
    int64_t timer_check_at;
    int64_t prune_at;
    int64_t holiday_minute; /* clock minute of the last check for next year's holidays */
    int n_acks;             /* acknowledgements not stored yet (a failure keeps them) */
    int64_t *ack_users;
    uint64_t *ack_seqs;
};

/* ---- messages ----------------------------------------------------------------------------- */

dbl_msg_t *dbl_msg_new(dbl_kind_t kind, int n)
{
    dbl_msg_t *m = xcalloc(1, sizeof *m);
    m->kind = kind;
    m->n = n;
    size_t k = (size_t)n + 1;
    if (kind == DBL_FETCH || kind == DBL_EVENTS)
        m->reads = xcalloc(k, sizeof *m->reads);
    else if (kind != DBL_END && kind != DBL_DB && kind != DBL_KICK) {
        m->users = xcalloc(k, sizeof *m->users);
        m->seqs = xcalloc(k, sizeof *m->seqs);
    }
    return m;
}

void dbl_msg_free(dbl_msg_t **msg_p)
{
    if (!msg_p || !*msg_p)
        return;
    dbl_msg_t *m = *msg_p;
    for (int i = 0; m->reads && i < m->n; i++)
        db_events_free(m->reads[i].read.events, m->reads[i].read.n_events);
    free(m->reads);
    free(m->users);
    free(m->seqs);
    free(m);
    *msg_p = NULL;
}

static void s_put(void *sock, dbl_msg_t *m)
{
    /* an inproc PAIR with its peer alive takes a pointer; failing means shutting down */
    if (handoff_send(sock, m) != 0)
        dbl_msg_free(&m);
}

static dbl_msg_t *s_take(void *sock, int flags)
{
    void *m = NULL;
    if (handoff_recv(sock, flags, &m) != 0)
        return NULL;
    return m;
}

void dbloop_send(dbloop_t *self, dbl_msg_t *msg)
{
    s_put(self->main_end, msg);
}

dbl_msg_t *dbloop_recv(dbloop_t *self)
{
    return s_take(self->main_end, ZMQ_DONTWAIT);
}

void *dbloop_socket(dbloop_t *self)
{
    return self->main_end;
}

/* ---- the directory ------------------------------------------------------------------------ */

/* Loads users when the directory changed since the snapshot (or always: force). 0 or -1. */
static int s_directory(dbloop_t *self, bool force)
{
    int64_t version = 0;
    if (!force && (db_directory_version(self->db, &version) != 0 || version == self->directory))
        return db_alive(self->db) ? 0 : -1;
    user_t *users = NULL;
    int n = db_directory_load(self->db, &users, &version);
    if (n < 0)
        return -1;
    userdir_set(self->users, usercache_new(users, n, version));
    if (self->directory)
        log_debug("directory: %d users (version %lld)", n, (long long)version);
    self->directory = version;
    return 0;
}

/* ---- notifications ------------------------------------------------------------------------ */

static int s_listen(db_t *db)
{
    return db_exec(db, "LISTEN lkip_events", NULL) != 0 ||
                   db_exec(db, "LISTEN lkip_clock", NULL) != 0 ||
                   db_exec(db, "LISTEN lkip_users", NULL) != 0 ||
                   db_exec(db, "LISTEN lkip_directory", NULL) != 0
               ? -1
               : 0;
}

/* Another daemon committed events: payload "ORIGIN|12,40" lists the users, or none for
 * "anyone". Our own were handled right after our commit. */
static void s_on_events(dbloop_t *self, const char *payload)
{
    const char *bar = strchr(payload, '|');
    size_t origin_len = strlen(self->origin);
    if (!bar ||
        ((size_t)(bar - payload) == origin_len && memcmp(payload, self->origin, origin_len) == 0))
        return;
    self->timer_known = false; /* the change may have queued timers */
    int n = 0;
    for (const char *p = bar + 1; *p; p++)
        n += *p == ',';
    dbl_msg_t *m = dbl_msg_new(DBL_WAKE, bar[1] ? n + 1 : 0);
    int k = 0;
    for (const char *p = bar + 1; *p && k < m->n;) {
        char *end;
        m->users[k++] = strtoll(p, &end, 10);
        p = *end == ',' ? end + 1 : end + strlen(end);
    }
    m->n = k;
    s_put(self->loop_end, m);
}

static void s_on_notify(const char *channel, const char *payload, void *arg)
{
    dbloop_t *self = arg;
    if (strcmp(channel, "lkip_events") == 0) {
        s_on_events(self, payload);
    } else if (strcmp(channel, "lkip_clock") == 0) {
        timesrc_set(self->clock, strtoll(payload, NULL, 10));
        self->timer_known = false;
    } else if (strcmp(channel, "lkip_users") == 0) { /* "u:ID" or "o:ID": sessions to end */
        int64_t id = strlen(payload) > 2 ? strtoll(payload + 2, NULL, 10) : 0;
        if (id <= 0)
            return;
        dbl_msg_t *m = dbl_msg_new(DBL_END, 0);
        m->user_id = payload[0] == 'u' ? id : 0;
        m->org_id = payload[0] == 'o' ? id : 0;
        s_put(self->loop_end, m);
    } else if (strcmp(channel, "lkip_directory") == 0) {
        self->version_at = 0; /* read it now */
    }
}

/* ---- delivery's work ------------------------------------------------------------------------ */

static void s_fetch(dbloop_t *self, dbl_msg_t *m)
{
    db_fetch_t *reads = xcalloc((size_t)m->n + 1, sizeof *reads);
    for (int i = 0; i < m->n; i++)
        reads[i] = m->reads[i].read;
    m->failed = db_outbox_fetch_many(self->db, reads, m->n) != 0;
    if (m->failed)
        log_warn("delivery: could not read events: %s", db_error(self->db));
    for (int i = 0; i < m->n; i++)
        m->reads[i].read = reads[i];
    free(reads);
    m->kind = DBL_EVENTS;
    s_put(self->loop_end, m);
}

static void s_poll(dbloop_t *self, dbl_msg_t *m)
{
    m->failed = db_outbox_last_seqs(self->db, m->users, m->n, m->seqs) != 0;
    m->kind = DBL_LAST;
    s_put(self->loop_end, m);
}

/* Keeps the acknowledgements of m with those not stored yet, and stores them all. */
static void s_acks(dbloop_t *self, dbl_msg_t *m)
{
    if (m) {
        int n = self->n_acks + m->n;
        self->ack_users = xrealloc(self->ack_users, (size_t)n * sizeof *self->ack_users + 1);
        self->ack_seqs = xrealloc(self->ack_seqs, (size_t)n * sizeof *self->ack_seqs + 1);
        memcpy(self->ack_users + self->n_acks, m->users, (size_t)m->n * sizeof *m->users);
        memcpy(self->ack_seqs + self->n_acks, m->seqs, (size_t)m->n * sizeof *m->seqs);
        self->n_acks = n;
    }
    if (self->n_acks == 0 || db_down(self->db))
        return;
    if (db_outbox_ack_many(self->db, self->ack_users, self->ack_seqs, self->n_acks) == 0)
        self->n_acks = 0;
    else
        log_warn("delivery: could not store acknowledgements: %s", db_error(self->db));
}

/* Handles every message the socket thread sent. false when asked to stop. */
static bool s_requests(dbloop_t *self)
{
    dbl_msg_t *m;
    while ((m = s_take(self->loop_end, ZMQ_DONTWAIT))) {
        switch (m->kind) {
        case DBL_FETCH:
            s_fetch(self, m);
            break;
        case DBL_POLL:
            s_poll(self, m);
            break;
        case DBL_ACKS:
            s_acks(self, m);
            dbl_msg_free(&m);
            break;
        case DBL_KICK: /* new timers: looked for soon, once for a burst of batches */
            if (self->timer_check_at > monotonic_ms() + KICK_DELAY_MS)
                self->timer_check_at = monotonic_ms() + KICK_DELAY_MS;
            dbl_msg_free(&m);
            break;
        default: /* a NULL-kind stop message */
            dbl_msg_free(&m);
            return false;
        }
    }
    return true;
}

/* ---- timers and retention ----------------------------------------------------------------- */

/* Finds the earliest pending timer when it may have changed (and now and then) and fires the
 * due ones. Returns ms until it wants to run again. */
static long s_timers(dbloop_t *self)
{
    int64_t now = timesrc_now(self->clock);
    if (!self->timer_known || monotonic_ms() >= self->timer_check_at) {
        bool found = false;
        if (db_timer_next(self->db, &self->next_timer, &found) != 0)
            return 1000;
        if (!found)
            self->next_timer = 0;
        self->timer_known = true;
        self->timer_check_at = monotonic_ms() + self->cfg->outbox_poll_ms;
    }
    if (self->next_timer && self->next_timer <= now) {
        int64_t *woken = NULL;
        int n_woken = 0;
        int fired = timers_fire(self->db, self->defs, self->deadlines, self->origin, now,
                                TIMER_BATCH, &woken, &n_woken);
        if (n_woken) {
            dbl_msg_t *m = dbl_msg_new(DBL_WAKE, n_woken);
            memcpy(m->users, woken, (size_t)n_woken * sizeof *woken);
            s_put(self->loop_end, m);
        }
        free(woken);
        self->timer_known = false;
        return fired < 0 ? 1000 : 0;
    }
    int64_t ms = 1000; /* a test clock moves by NOTIFY, which wakes us */
    if (self->next_timer && !timesrc_is_test(self->clock) && (self->next_timer - now) * 1000 < ms)
        ms = (self->next_timer - now) * 1000;
    int64_t check = self->timer_check_at - monotonic_ms();
    return (long)(check < ms ? (check > 0 ? check : 0) : ms);
}

/* Once a minute of clock time (a test clock: whenever it moves): tells the organisations whose
 * next year has no holidays loaded, once a day each (timers_holidays). */
static void s_holidays(dbloop_t *self)
{
    const char *from = self->cfg->holiday_reminder_from;
    int64_t now = timesrc_now(self->clock);
    if (!from || strcmp(from, "off") == 0 || now / 60 == self->holiday_minute)
        return;
    int64_t *woken = NULL;
    int n_woken = 0;
    if (timers_holidays(self->db, self->origin, now, from, &woken, &n_woken) >= 0)
        self->holiday_minute = now / 60;
    if (n_woken) {
        dbl_msg_t *m = dbl_msg_new(DBL_WAKE, n_woken);
        memcpy(m->users, woken, (size_t)n_woken * sizeof *woken);
        s_put(self->loop_end, m);
    }
    free(woken);
}

static void s_prune(dbloop_t *self)
{
    if (monotonic_ms() < self->prune_at)
        return;
    int days = self->cfg->retention_days;
    int events = db_outbox_prune(self->db, days, PRUNE_BATCH);
    int replies = db_request_prune(self->db, days, PRUNE_BATCH);
    int pieces = db_upload_prune(self->db, UPLOAD_KEEP_HOURS, PRUNE_BATCH);
    if (events < 0 || replies < 0 || pieces < 0)
        log_warn("retention pass failed: %s", db_error(self->db));
    else if (events || replies || pieces)
        log_info("retention: pruned %d delivered events, %d stored replies and %d stale upload "
                 "pieces",
                 events, replies, pieces);
    /* a full batch means more is waiting: come back soon */
    bool more = events == PRUNE_BATCH || replies == PRUNE_BATCH || pieces == PRUNE_BATCH;
    self->prune_at = monotonic_ms() + (more ? 1000 : PRUNE_EVERY_MS);
}

/* ---- the thread --------------------------------------------------------------------------- */

static void s_tell_db(dbloop_t *self, bool up)
{
    dbl_msg_t *m = dbl_msg_new(DBL_DB, 0);
    m->up = up;
    s_put(self->loop_end, m);
}

/* Keeps the connection: true when it can be used now. After a reconnect LISTEN again, reload
 * the directory and tell the socket thread (which wakes every session: events may have come
 * while no notification could). */
static bool s_db_ready(dbloop_t *self)
{
    switch (db_check(self->db)) {
    case DB_UP:
        return true;
    case DB_LOST:
        log_warn("database connection lost: %s", db_error(self->db));
        s_tell_db(self, false);
        return false;
    case DB_DOWN:
        return false;
    case DB_BACK:
        break;
    }
    if (s_listen(self->db) != 0 || s_directory(self, true) != 0) {
        db_mark_lost(self->db);
        return false;
    }
    self->timer_known = false;
    log_info("database connection restored");
    s_tell_db(self, true);
    return true;
}

/* One turn of the loop's work while the database is there; returns the poll timeout. */
static long s_work(dbloop_t *self)
{
    s_acks(self, NULL);
    if (monotonic_ms() >= self->version_at) {
        if (s_directory(self, false) != 0)
            log_warn("directory: could not reload: %s", db_error(self->db));
        self->version_at = monotonic_ms() + DIRECTORY_CHECK_MS;
    }
    long timeout = s_timers(self);
    s_holidays(self);
    s_prune(self);
    /* notifications that a query above read into libpq's queue: polling the socket would
     * never see them */
    int n = db_notifications(self->db, s_on_notify, self);
    if (n < 0 && db_mark_lost(self->db)) {
        log_warn("database connection lost: %s", db_error(self->db));
        s_tell_db(self, false);
    } else if (n > 0) {
        timeout = 0;
    }
    long to_version = (long)(self->version_at - monotonic_ms());
    return to_version < timeout ? (to_version > 0 ? to_version : 0) : timeout;
}

/* The longest the loop sleeps: when the primary moved (another connection of the daemon found
 * a newer one), the LISTEN connection follows within this, as the workers do. */
#define FOLLOW_CHECK_MS 200

static void *s_main(void *arg)
{
    dbloop_t *self = arg;
    for (;;) {
        bool up = s_db_ready(self);
        long timeout = up ? s_work(self) : (long)db_retry_in(self->db);
        if (timeout > FOLLOW_CHECK_MS)
            timeout = FOLLOW_CHECK_MS;
        int fd = up && !db_down(self->db) ? db_socket(self->db) : -1;
        zmq_pollitem_t items[2] = {{self->loop_end, 0, ZMQ_POLLIN, 0},
                                   {NULL, fd, fd >= 0 ? ZMQ_POLLIN : 0, 0}};
        if (zmq_poll(items, 2, timeout) < 0 && errno != EINTR)
            break;
        if ((items[0].revents & ZMQ_POLLIN) && !s_requests(self))
            break;
        if ((items[1].revents & ZMQ_POLLIN) && db_notifications(self->db, s_on_notify, self) < 0 &&
            db_mark_lost(self->db)) {
            log_warn("database connection lost: %s", db_error(self->db));
            s_tell_db(self, false);
        }
    }
    return NULL;
}

/* ---- life cycle --------------------------------------------------------------------------- */

static void s_free(dbloop_t *self)
{
    if (self->main_end)
        zmq_close(self->main_end);
    if (self->loop_end)
        zmq_close(self->loop_end);
    defcache_destroy(&self->defs);
    deadline_destroy(&self->deadlines);
    db_destroy(&self->db);
    free(self->ack_users);
    free(self->ack_seqs);
    free(self);
}

dbloop_t *dbloop_new(void *zctx, const config_t *cfg, dbnode_t *node, timesrc_t *clock,
                     userdir_t *users, const char *origin, char *err, size_t errlen)
{
    dbloop_t *self = xcalloc(1, sizeof *self);
    self->cfg = cfg;
    self->clock = clock;
    self->users = users;
    self->origin = origin;
    self->db = db_connect(cfg->database, node, "events and timers", err, errlen);
    if (!self->db) {
        s_free(self);
        return NULL;
    }
    self->defs = defcache_new();
    self->deadlines = deadline_new();
    int linger = 0;
    char endpoint[64];
    snprintf(endpoint, sizeof endpoint, "inproc://lkipd-dbloop-%p", (void *)self);
    self->main_end = zmq_socket(zctx, ZMQ_PAIR);
    self->loop_end = zmq_socket(zctx, ZMQ_PAIR);
    if (!self->main_end || !self->loop_end ||
        zmq_setsockopt(self->main_end, ZMQ_LINGER, &linger, sizeof linger) != 0 ||
        zmq_setsockopt(self->loop_end, ZMQ_LINGER, &linger, sizeof linger) != 0 ||
        zmq_bind(self->main_end, endpoint) != 0 || zmq_connect(self->loop_end, endpoint) != 0) {
        snprintf(err, errlen, "could not start the database loop: %s", zmq_strerror(errno));
        s_free(self);
        return NULL;
    }
    if (s_listen(self->db) != 0 || s_directory(self, true) != 0) {
        snprintf(err, errlen, "could not listen for events or load the directory: %s",
                 db_error(self->db));
        s_free(self);
        return NULL;
    }
    if (cfg->test_clock) {
        int64_t t = 0;
        bool set = false;
        if (db_clock_get(self->db, &t, &set) != 0) {
            snprintf(err, errlen, "could not read the test clock: %s", db_error(self->db));
            s_free(self);
            return NULL;
        }
        if (set)
            timesrc_set(clock, t);
    }
    self->version_at = monotonic_ms() + DIRECTORY_CHECK_MS;
    if (pthread_create(&self->thread, NULL, s_main, self) != 0) {
        snprintf(err, errlen, "could not start the database loop thread");
        s_free(self);
        return NULL;
    }
    self->started = true;
    return self;
}

void dbloop_destroy(dbloop_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    dbloop_t *self = *self_p;
    if (self->started) {
        dbl_msg_t *stop = dbl_msg_new((dbl_kind_t)-1, 0);
        s_put(self->main_end, stop);
        pthread_join(self->thread, NULL);
    }
    /* what the loop sent and nobody read */
    dbl_msg_t *m;
    while ((m = dbloop_recv(self)))
        dbl_msg_free(&m);
    if (self->n_acks && !db_down(self->db) &&
        db_outbox_ack_many(self->db, self->ack_users, self->ack_seqs, self->n_acks) != 0)
        log_warn("delivery: acknowledgements not stored at stop: %s", db_error(self->db));
    s_free(self);
    *self_p = NULL;
}
