/* delivery — see delivery.h. */
#include "delivery.h"

#include "event.h"

#include "dbloop.h"
#include "log.h"
#include "stats.h"
#include "wire.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#define RID_MAX      32   /* ROUTER-generated routing ids are 5 bytes */
#define WINDOW       1000 /* most events in flight per session before acknowledgements */
#define FETCH        500  /* events read from the outbox per query */
#define ACK_FLUSH_MS 1000 /* how often acknowledgements are written to the database */
#define HINT_MS      200  /* board hints: at most one per this, a burst of changes is one hint */

/* How often every session is looked at for resends, expiry and blocked pipes. The wake and ack
 * paths touch only the sessions concerned, so the loop stays cheap with 10,000 sessions. */
#define SCAN_MS 50

typedef struct {
    bool used;
    uint8_t rid[RID_MAX];
    uint8_t rid_len;
    int64_t user_id;
    int64_t org_id;
    int user_next; /* next session of the same user (pool index), -1 */
    int user_prev;
    int next_free;     /* free list link when unused */
    uint64_t sent;     /* highest seq sent */
    uint64_t acked;    /* highest seq acknowledged */
    bool pending;      /* may have events not sent yet */
    bool fetching;     /* a read of its next events is with the database loop */
    bool woken;        /* told of new events while its read was out: read again after it */
    int64_t last_seen; /* monotonic ms of the last message from the peer */
    int64_t resend_at; /* monotonic ms: resend from acked + 1 when still unacknowledged */
    bool ack_dirty;    /* acked not yet stored */
    bool hints;        /* wants board hints */
    bool hint_due;     /* a board hint waits for HINT_MS to pass */
} session_t;

/* The user index: user id -> first session of that user. */
typedef struct {
    int64_t user_id; /* 0: free */
    int head;        /* pool index */
} user_slot_t;

struct delivery {
    routersock_t *router; /* the socket thread's, with its sending mode */
    dbloop_t *loop;
    userdir_t *users;
    const config_t *cfg;
    session_t *pool; /* sessions; their indices stay put while they live */
    int pool_cap;
    int free_head;        /* first unused pool entry, -1 when full */
    int count;            /* sessions in use */
    int *by_rid;          /* open addressing, pool indices (-1 empty), by routing id */
    user_slot_t *by_user; /* open addressing by user id */
    int index_cap;        /* power of two, at least twice the pool */
    int64_t next_poll;    /* monotonic ms of the next outbox poll */
    int poll_from;        /* the pool index the next poll starts at */
    int64_t next_flush;
    int64_t next_scan;
    int n_reads; /* reads queued for the next DBL_FETCH */
    int cap_reads;
    dbl_read_t *reads;
    bool polling;      /* a DBL_POLL is out */
    bool db_up;        /* as the database loop last said */
    int n_hinted;      /* sessions that want board hints */
    bool hints_due;    /* some session has hint_due */
    int64_t hint_next; /* monotonic ms: no board hint before */
};

static uint32_t s_hash(const uint8_t *rid, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ rid[i]) * 16777619u;
    return h;
}

static uint32_t s_user_hash(int64_t user_id)
{
    return (uint32_t)(((uint64_t)user_id * 0x9e3779b97f4a7c15ull) >> 32);
}

static void s_index_insert(delivery_t *self, int idx)
{
    const session_t *s = &self->pool[idx];
    uint32_t mask = (uint32_t)self->index_cap - 1;
    uint32_t i = s_hash(s->rid, s->rid_len) & mask;
    while (self->by_rid[i] >= 0)
        i = (i + 1) & mask;
    self->by_rid[i] = idx;
}

static user_slot_t *s_user_slot(delivery_t *self, int64_t user_id, bool create)
{
    uint32_t mask = (uint32_t)self->index_cap - 1;
    for (uint32_t i = s_user_hash(user_id) & mask;; i = (i + 1) & mask) {
        user_slot_t *u = &self->by_user[i];
        if (u->user_id == user_id)
            return u;
        if (u->user_id == 0) {
            if (!create)
                return NULL;
            *u = (user_slot_t){user_id, -1};
            return u;
        }
    }
}

/* Rebuilds both indexes at index_cap (after growing). */
static void s_reindex(delivery_t *self)
{
    free(self->by_rid);
    free(self->by_user);
    self->by_rid = xmalloc((size_t)self->index_cap * sizeof *self->by_rid);
    for (int i = 0; i < self->index_cap; i++)
        self->by_rid[i] = -1;
    self->by_user = xcalloc((size_t)self->index_cap, sizeof *self->by_user);
    for (int i = 0; i < self->pool_cap; i++) {
        session_t *s = &self->pool[i];
        if (!s->used)
            continue;
        s_index_insert(self, i);
        user_slot_t *u = s_user_slot(self, s->user_id, true);
        s->user_prev = -1;
        s->user_next = u->head;
        if (u->head >= 0)
            self->pool[u->head].user_prev = i;
        u->head = i;
    }
}

static void s_pool_grow(delivery_t *self)
{
    int old = self->pool_cap;
    self->pool_cap = old ? old * 2 : 64;
    self->pool = xrealloc(self->pool, (size_t)self->pool_cap * sizeof *self->pool);
    for (int i = old; i < self->pool_cap; i++)
        self->pool[i] = (session_t){.next_free = i + 1 < self->pool_cap ? i + 1 : -1};
    self->free_head = old;
    self->index_cap = 2 * self->pool_cap;
    s_reindex(self);
}

delivery_t *delivery_new(routersock_t *router, dbloop_t *loop, userdir_t *users,
                         const config_t *cfg)
{
    delivery_t *self = xcalloc(1, sizeof *self);
    self->router = router;
    self->loop = loop;
    self->users = users;
    self->db_up = true;
    self->cfg = cfg;
    s_pool_grow(self);
    return self;
}

void delivery_destroy(delivery_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free((*self_p)->pool);
    free((*self_p)->reads);
    free((*self_p)->by_rid);
    free((*self_p)->by_user);
    free(*self_p);
    *self_p = NULL;
}

int delivery_sessions(const delivery_t *self)
{
    return self->count;
}

/* The rid index slot holding the session of rid, or -1. */
static int s_rid_slot(const delivery_t *self, const void *rid, size_t len)
{
    if (len == 0 || len > RID_MAX)
        return -1;
    uint32_t mask = (uint32_t)self->index_cap - 1;
    for (uint32_t i = s_hash(rid, len) & mask;; i = (i + 1) & mask) {
        int idx = self->by_rid[i];
        if (idx < 0)
            return -1;
        const session_t *s = &self->pool[idx];
        if (s->rid_len == len && memcmp(s->rid, rid, len) == 0)
            return (int)i;
    }
}

static session_t *s_find(delivery_t *self, const void *rid, size_t len)
{
    int slot = s_rid_slot(self, rid, len);
    return slot < 0 ? NULL : &self->pool[self->by_rid[slot]];
}

static void s_user_unlink(delivery_t *self, int idx)
{
    session_t *s = &self->pool[idx];
    if (s->user_prev >= 0) {
        self->pool[s->user_prev].user_next = s->user_next;
    } else {
        user_slot_t *u = s_user_slot(self, s->user_id, false);
        u->head = s->user_next;
        if (u->head < 0) { /* the user's last session: free the slot, re-seat the run after it */
            uint32_t mask = (uint32_t)self->index_cap - 1;
            uint32_t i = (uint32_t)(u - self->by_user);
            self->by_user[i].user_id = 0;
            for (uint32_t j = (i + 1) & mask; self->by_user[j].user_id; j = (j + 1) & mask) {
                user_slot_t moved = self->by_user[j];
                self->by_user[j].user_id = 0;
                *s_user_slot(self, moved.user_id, true) = moved;
            }
        }
    }
    if (s->user_next >= 0)
        self->pool[s->user_next].user_prev = s->user_prev;
}

/* Forgets s (its pool entry stays valid memory, so callers may still read it). */
static void s_remove(delivery_t *self, session_t *s)
{
    int idx = (int)(s - self->pool);
    int slot = s_rid_slot(self, s->rid, s->rid_len);
    uint32_t mask = (uint32_t)self->index_cap - 1;
    self->by_rid[slot] = -1;
    for (uint32_t j = ((uint32_t)slot + 1) & mask; self->by_rid[j] >= 0; j = (j + 1) & mask) {
        int moved = self->by_rid[j];
        self->by_rid[j] = -1;
        s_index_insert(self, moved);
    }
    s_user_unlink(self, idx);
    self->n_hinted -= s->hints;
    s->used = false;
    s->next_free = self->free_head;
    self->free_head = idx;
    self->count--;
    stats_set_sessions(self->count);
}

/* The session may have events it has not sent. */
static void s_mark(delivery_t *self, session_t *s);

/* Asks the database loop for the session's next events when it may send more (the answer comes
 * back through delivery_on_message). */
static void s_pump(delivery_t *self, session_t *s)
{
    if (!s->pending || s->fetching || !self->db_up || s->sent >= s->acked + WINDOW)
        return;
    int limit = (int)(s->acked + WINDOW - s->sent);
    if (self->n_reads == self->cap_reads) {
        self->cap_reads = self->cap_reads ? 2 * self->cap_reads : 64;
        self->reads = xrealloc(self->reads, (size_t)self->cap_reads * sizeof *self->reads);
    }
    dbl_read_t *r = &self->reads[self->n_reads++];
    memset(r, 0, sizeof *r);
    memcpy(r->rid, s->rid, s->rid_len);
    r->rid_len = s->rid_len;
    r->read = (db_fetch_t){
        .user_id = s->user_id, .after = s->sent, .limit = limit > FETCH ? FETCH : limit};
    s->fetching = true;
}

void delivery_flush(delivery_t *self)
{
    if (self->n_reads == 0)
        return;
    dbl_msg_t *m = dbl_msg_new(DBL_FETCH, self->n_reads);
    memcpy(m->reads, self->reads, (size_t)self->n_reads * sizeof *self->reads);
    self->n_reads = 0;
    dbloop_send(self->loop, m);
}

/* Sends e to s: SENT (s->sent moves to it), FULL (the pipe is full) or GONE (the peer is gone:
 * s removed). */
typedef enum { SENT, FULL, GONE } sent_t;
static sent_t s_send_event(delivery_t *self, session_t *s, const db_event_t *e)
{
    if (routersock_send(self->router, s->rid, s->rid_len, e->frame, e->len) == 0) {
        s->sent = e->seq;
        s->resend_at = monotonic_ms() + self->cfg->resend_ms;
        return SENT;
    }
    if (errno != EHOSTUNREACH)
        return FULL;
    log_debug("delivery: peer of user %lld is gone", (long long)s->user_id);
    s_remove(self, s);
    return GONE;
}

/* Sends the events of a read to its session. Returns false when the peer is gone (removed). */
static bool s_send_read(delivery_t *self, session_t *s, const db_fetch_t *read)
{
    for (int i = 0; i < read->n_events; i++) {
        sent_t rc = s_send_event(self, s, &read->events[i]);
        if (rc != SENT)
            return rc == FULL; /* pipe full: pending stays, the next scan goes on */
    }
    if (read->n_events < read->limit)
        s->pending = false;
    return true;
}

static void s_mark(delivery_t *self, session_t *s)
{
    s->pending = true;
    s->woken |= s->fetching; /* the read under way may have missed them */
    s_pump(self, s);
}

static void s_on_events(delivery_t *self, const dbl_msg_t *m)
{
    for (int i = 0; i < m->n; i++) {
        const dbl_read_t *r = &m->reads[i];
        session_t *s = s_find(self, r->rid, r->rid_len);
        if (!s || s->user_id != r->read.user_id || !s->fetching)
            continue; /* gone, or another user's now */
        s->fetching = false;
        /* a read from before a reset (resend, new subscription) is stale: read again */
        if (!m->failed && r->read.after == s->sent && !s_send_read(self, s, &r->read))
            continue;
        if (s->woken || m->failed)
            s->pending = true;
        s->woken = false;
        s_pump(self, s);
    }
}

void delivery_subscribe(delivery_t *self, const void *rid, size_t rid_len, int64_t user_id,
                        int64_t org_id, uint64_t last_seq, bool hints)
{
    if (rid_len == 0 || rid_len > RID_MAX)
        return;
    session_t *s = s_find(self, rid, rid_len);
    if (s && s->user_id != user_id) {
        s_remove(self, s); /* a routing id reused by another user */
        s = NULL;
    }
    if (!s) {
        if (self->free_head < 0)
            s_pool_grow(self);
        int idx = self->free_head;
        s = &self->pool[idx];
        self->free_head = s->next_free;
        *s = (session_t){
            .used = true, .rid_len = (uint8_t)rid_len, .user_id = user_id, .org_id = org_id};
        memcpy(s->rid, rid, rid_len);
        s_index_insert(self, idx);
        user_slot_t *u = s_user_slot(self, user_id, true);
        s->user_prev = -1;
        s->user_next = u->head;
        if (u->head >= 0)
            self->pool[u->head].user_prev = idx;
        u->head = idx;
        self->count++;
        stats_set_sessions(self->count);
    }
    self->n_hinted += (int)hints - (int)s->hints;
    s->hints = hints;
    s->sent = s->acked = last_seq;
    /* The client holds everything up to last_seq: that is an acknowledgement, and it must be
     * stored like one. Acknowledgements sent to a daemon killed before its next flush are lost
     * with it; this is how they reach the database after all (and retention can prune). */
    if (last_seq > 0)
        s->ack_dirty = true;
    s->pending = true;
    s->last_seen = monotonic_ms();
    s->resend_at = s->last_seen + self->cfg->resend_ms;
    log_debug("delivery: user %lld subscribed after seq %llu%s", (long long)user_id,
              (unsigned long long)last_seq, hints ? " with board hints" : "");
    s_pump(self, s);
}

void delivery_ack(delivery_t *self, const void *rid, size_t rid_len, int64_t user_id, uint64_t seq)
{
    session_t *s = s_find(self, rid, rid_len);
    if (!s || s->user_id != user_id)
        return;
    s->last_seen = monotonic_ms();
    if (seq > s->sent)
        seq = s->sent; /* never acknowledge what was not sent */
    if (seq > s->acked) {
        s->acked = seq;
        s->ack_dirty = true;
        s->resend_at = s->last_seen + self->cfg->resend_ms;
        s_pump(self, s); /* the window moved */
    }
}

void delivery_end(delivery_t *self, int64_t user_id, int64_t org_id)
{
    int ended = 0;
    for (int i = 0; i < self->pool_cap; i++) {
        session_t *s = &self->pool[i];
        if (s->used && ((user_id && s->user_id == user_id) || (org_id && s->org_id == org_id))) {
            s_remove(self, s);
            ended++;
        }
    }
    if (ended)
        log_info("delivery: ended %d session(s) of %s %lld", ended,
                 user_id ? "user" : "organisation", (long long)(user_id ? user_id : org_id));
}

void delivery_touch(delivery_t *self, const void *rid, size_t rid_len)
{
    session_t *s = s_find(self, rid, rid_len);
    if (s)
        s->last_seen = monotonic_ms();
}

/* Sends the board hints that are due, unless one went out less than HINT_MS ago. */
static void s_send_hints(delivery_t *self)
{
    int64_t now = monotonic_ms();
    if (!self->hints_due || now < self->hint_next)
        return;
    Lkip__Event ev;
    event_make(&ev, LKIP__EVENT_KIND__EVENT_BOARD_CHANGED, &(event_about_t){0});
    Lkip__Envelope env = LKIP__ENVELOPE__INIT;
    env.body_case = LKIP__ENVELOPE__BODY_EVENT;
    env.event = &ev;
    size_t len;
    uint8_t *frame = wire_encode(&env, &len);
    for (int i = 0; i < self->pool_cap; i++) {
        session_t *s = &self->pool[i];
        if (!s->used || !s->hint_due)
            continue;
        /* best effort: a hint that finds the pipe full or the peer gone is not tried again */
        (void)routersock_send(self->router, s->rid, s->rid_len, frame, len);
        s->hint_due = false;
    }
    free(frame);
    self->hints_due = false;
    self->hint_next = now + HINT_MS;
}

/* Marks a board hint due for every hinted session of the organisations of users (every hinted
 * session when users is NULL: anyone may have events). */
static void s_hint(delivery_t *self, const int64_t *users, int n)
{
    if (self->n_hinted == 0)
        return;
    int64_t orgs[64];
    int n_orgs = 0;
    bool all = !users;
    usercache_t *dir = users ? userdir_get(self->users) : NULL;
    for (int k = 0; !all && k < n; k++) {
        const user_t *u = dir ? usercache_by_id(dir, users[k]) : NULL;
        int j = 0;
        while (u && j < n_orgs && orgs[j] != u->org_id)
            j++;
        if (!u || j == 64)
            all = true; /* unknown to this snapshot, or too many: everyone looks */
        else if (j == n_orgs)
            orgs[n_orgs++] = u->org_id;
    }
    usercache_unref(&dir);
    for (int i = 0; i < self->pool_cap; i++) {
        session_t *s = &self->pool[i];
        if (!s->used || !s->hints)
            continue;
        for (int j = 0; !all && j < n_orgs && !s->hint_due; j++)
            s->hint_due = orgs[j] == s->org_id;
        s->hint_due |= all;
        self->hints_due |= s->hint_due;
    }
    s_send_hints(self);
}

void delivery_wake(delivery_t *self, const int64_t *users, int n)
{
    s_hint(self, users, n);
    if (!users) { /* anyone: every session looks */
        for (int i = 0; i < self->pool_cap; i++)
            if (self->pool[i].used)
                s_mark(self, &self->pool[i]);
        return;
    }
    for (int k = 0; k < n; k++) {
        user_slot_t *u = s_user_slot(self, users[k], false);
        for (int idx = u ? u->head : -1; idx >= 0;) {
            session_t *s = &self->pool[idx];
            idx = s->user_next;
            s_mark(self, s);
        }
    }
}

/* Sends s its user's events ev[0..n) (consecutive seqs, as one commit wrote them) when they
 * follow what s was sent, no read of its events is out and the window has room. True when s
 * took them all (or its peer is gone: s removed); false when s must read them instead. */
static bool s_send_written(delivery_t *self, session_t *s, const db_written_event_t *ev, int n)
{
    if (s->fetching || !self->db_up || s->sent + 1 != ev[0].ev.seq ||
        ev[n - 1].ev.seq > s->acked + WINDOW)
        return false;
    for (int i = 0; i < n; i++) {
        sent_t rc = s_send_event(self, s, &ev[i].ev);
        if (rc != SENT)
            return rc == GONE; /* pipe full: what is left is read later */
    }
    return true;
}

void delivery_committed(delivery_t *self, const int64_t *users, int n, const db_written_t *w)
{
    if (w->n == 0) {
        delivery_wake(self, users, n);
        return;
    }
    s_hint(self, users, n);
    for (int i = 0, j; i < w->n; i = j) {
        for (j = i + 1; j < w->n && w->items[j].user_id == w->items[i].user_id; j++)
            ;
        user_slot_t *u = s_user_slot(self, w->items[i].user_id, false);
        for (int idx = u ? u->head : -1; idx >= 0;) {
            session_t *s = &self->pool[idx];
            idx = s->user_next;
            if (!s_send_written(self, s, &w->items[i], j - i))
                s_mark(self, s);
        }
    }
}

/* Asks for the newest seq of the users of outbox_poll_users sessions, in turn through the pool: a
 * lost NOTIFY shows as events beyond what was sent. A poll of every session's user cost
 * PostgreSQL 1.2% of a core with 10,000 idle watchers (an array of 10,000 ids joined each second;
 * 0.4% in slices) for a safety net that almost never catches anything; in slices, a user is
 * looked at every outbox_poll_ms while there are no more sessions than a slice. */
static void s_poll(delivery_t *self)
{
    if (self->count == 0 || self->polling || !self->db_up)
        return;
    int slice = self->cfg->outbox_poll_users;
    int want = self->count < slice ? self->count : slice;
    dbl_msg_t *m = dbl_msg_new(DBL_POLL, want);
    int n = 0, i = self->poll_from % self->pool_cap;
    for (int seen = 0; seen < self->pool_cap && n < want; seen++, i = (i + 1) % self->pool_cap)
        if (self->pool[i].used)
            m->users[n++] = self->pool[i].user_id;
    self->poll_from = i;
    m->n = n;
    self->polling = true;
    dbloop_send(self->loop, m);
}

static void s_on_last(delivery_t *self, const dbl_msg_t *m)
{
    self->polling = false;
    if (m->failed)
        return;
    for (int i = 0; i < m->n; i++) {
        user_slot_t *u = s_user_slot(self, m->users[i], false);
        for (int idx = u ? u->head : -1; idx >= 0; idx = self->pool[idx].user_next) {
            session_t *s = &self->pool[idx];
            if (m->seqs[i] > s->sent)
                s_mark(self, s);
        }
    }
}

/* Hands the acknowledgements not stored yet to the database loop (which keeps them until
 * stored). */
static void s_flush_acks(delivery_t *self)
{
    int n = 0;
    for (int i = 0; i < self->pool_cap; i++)
        n += self->pool[i].used && self->pool[i].ack_dirty;
    if (n == 0)
        return;
    dbl_msg_t *m = dbl_msg_new(DBL_ACKS, n);
    int k = 0;
    for (int i = 0; i < self->pool_cap && k < n; i++) {
        session_t *s = &self->pool[i];
        if (s->used && s->ack_dirty) {
            m->users[k] = s->user_id;
            m->seqs[k++] = s->acked;
            s->ack_dirty = false;
        }
    }
    dbloop_send(self->loop, m);
}

void delivery_on_message(delivery_t *self, const dbl_msg_t *m)
{
    switch (m->kind) {
    case DBL_EVENTS:
        s_on_events(self, m);
        break;
    case DBL_LAST:
        s_on_last(self, m);
        break;
    case DBL_WAKE:
        delivery_wake(self, m->n ? m->users : NULL, m->n);
        break;
    case DBL_END:
        delivery_end(self, m->user_id, m->org_id);
        break;
    case DBL_DB:
        self->db_up = m->up;
        if (m->up) /* events may have come while no notification could: everyone looks */
            delivery_wake(self, NULL, 0);
        break;
    default:
        break;
    }
}

int delivery_tick(delivery_t *self)
{
    s_send_hints(self);
    int64_t now = monotonic_ms();
    if (now >= self->next_poll) {
        s_poll(self);
        self->next_poll = now + self->cfg->outbox_poll_ms;
    }
    if (now >= self->next_flush) {
        s_flush_acks(self);
        self->next_flush = now + ACK_FLUSH_MS;
    }
    int64_t next = self->next_poll < self->next_flush ? self->next_poll : self->next_flush;
    if (self->hints_due && self->hint_next < next)
        next = self->hint_next;
    if (now < self->next_scan) {
        next = self->next_scan < next ? self->next_scan : next;
        return next - now > 1000 ? 1000 : (int)(next - now);
    }
    self->next_scan = now + SCAN_MS;
    for (int i = 0; i < self->pool_cap; i++) {
        session_t *s = &self->pool[i];
        if (!s->used)
            continue;
        if (now - s->last_seen > self->cfg->session_timeout_ms) {
            log_debug("delivery: session of user %lld expired", (long long)s->user_id);
            if (s->ack_dirty) { /* its last acknowledgement still goes to the database */
                dbl_msg_t *m = dbl_msg_new(DBL_ACKS, 1);
                m->users[0] = s->user_id;
                m->seqs[0] = s->acked;
                dbloop_send(self->loop, m);
            }
            s_remove(self, s);
            continue;
        }
        if (s->acked < s->sent && now >= s->resend_at) {
            log_debug("delivery: resending events of user %lld after seq %llu",
                      (long long)s->user_id, (unsigned long long)s->acked);
            s->sent = s->acked;
            s->pending = true;
            s->resend_at = now + self->cfg->resend_ms;
        }
        if (s->pending)
            s_pump(self, s);
        if (s->acked < s->sent && s->resend_at < next)
            next = s->resend_at;
        if (s->pending && !s->fetching && self->next_scan < next)
            next = self->next_scan; /* blocked by a full pipe: the next scan goes on */
    }
    int64_t wait = next - now;
    return wait < 0 ? 0 : wait > 1000 ? 1000 : (int)wait;
}
