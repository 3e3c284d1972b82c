/* delivery — see delivery.h. */
#include "delivery.h"

#include "db_outbox.h"
#include "log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#define RID_MAX 32          /* ROUTER-generated routing ids are 5 bytes */
#define WINDOW 1000         /* most events in flight per session before acknowledgements */
#define FETCH 500           /* events read from the outbox per query */
#define ACK_FLUSH_MS 1000   /* how often acknowledgements are written to the database */

typedef struct {
    bool used;
    uint8_t rid[RID_MAX];
    uint8_t rid_len;
    int64_t user_id;
    uint64_t sent;          /* highest seq sent */
    uint64_t acked;         /* highest seq acknowledged */
    bool pending;           /* may have events not sent yet */
    int64_t last_seen;      /* monotonic ms of the last message from the peer */
    int64_t resend_at;      /* monotonic ms: resend from acked + 1 when still unacknowledged */
    bool ack_dirty;         /* acked not yet stored */
} session_t;

struct delivery {
    void *router;
    db_t *db;
    const config_t *cfg;
    session_t *slots;       /* open addressing by routing id */
    int cap;                /* power of two */
    int count;
    int64_t next_poll;      /* monotonic ms of the next outbox poll */
    int64_t next_flush;
};

static uint32_t s_hash(const uint8_t *rid, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ rid[i]) * 16777619u;
    return h;
}

delivery_t *delivery_new(void *router, db_t *db, const config_t *cfg)
{
    delivery_t *self = xcalloc(1, sizeof *self);
    self->router = router;
    self->db = db;
    self->cfg = cfg;
    self->cap = 64;
    self->slots = xcalloc((size_t)self->cap, sizeof *self->slots);
    return self;
}

void delivery_destroy(delivery_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free((*self_p)->slots);
    free(*self_p);
    *self_p = NULL;
}

int delivery_sessions(const delivery_t *self)
{
    return self->count;
}

static session_t *s_find(delivery_t *self, const void *rid, size_t len)
{
    if (len == 0 || len > RID_MAX)
        return NULL;
    uint32_t mask = (uint32_t)self->cap - 1;
    for (uint32_t i = s_hash(rid, len) & mask;; i = (i + 1) & mask) {
        session_t *s = &self->slots[i];
        if (!s->used)
            return NULL;
        if (s->rid_len == len && memcmp(s->rid, rid, len) == 0)
            return s;
    }
}

static void s_insert_slot(delivery_t *self, const session_t *src)
{
    uint32_t mask = (uint32_t)self->cap - 1;
    uint32_t i = s_hash(src->rid, src->rid_len) & mask;
    while (self->slots[i].used)
        i = (i + 1) & mask;
    self->slots[i] = *src;
}

static void s_grow(delivery_t *self)
{
    session_t *old = self->slots;
    int old_cap = self->cap;
    self->cap *= 2;
    self->slots = xcalloc((size_t)self->cap, sizeof *self->slots);
    for (int i = 0; i < old_cap; i++)
        if (old[i].used)
            s_insert_slot(self, &old[i]);
    free(old);
}

/* Removes s, re-inserting the rest of its probe run so lookups keep working. */
static void s_remove(delivery_t *self, session_t *s)
{
    uint32_t mask = (uint32_t)self->cap - 1;
    uint32_t i = (uint32_t)(s - self->slots);
    s->used = false;
    self->count--;
    for (uint32_t j = (i + 1) & mask; self->slots[j].used; j = (j + 1) & mask) {
        session_t moved = self->slots[j];
        self->slots[j].used = false;
        s_insert_slot(self, &moved);
    }
}

/* Sends what the session may send now. Returns false when the session was dropped. */
static bool s_pump(delivery_t *self, session_t *s)
{
    while (s->pending && s->sent < s->acked + WINDOW) {
        int limit = (int)(s->acked + WINDOW - s->sent);
        if (limit > FETCH)
            limit = FETCH;
        db_event_t *events = NULL;
        int n = db_outbox_fetch(self->db, s->user_id, s->sent, limit, &events);
        if (n < 0) {
            log_warn("delivery: could not read events of user %lld: %s", (long long)s->user_id,
                     db_error(self->db));
            return true; /* the poll tries again */
        }
        for (int i = 0; i < n; i++) {
            if (zmq_send(self->router, s->rid, s->rid_len, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0 ||
                zmq_send(self->router, events[i].frame, events[i].len, ZMQ_DONTWAIT) < 0) {
                int err = errno;
                db_events_free(events, n);
                if (err == EHOSTUNREACH) {
                    log_debug("delivery: peer of user %lld is gone", (long long)s->user_id);
                    s_remove(self, s);
                    return false;
                }
                return true; /* pipe full: the next tick goes on */
            }
            s->sent = events[i].seq;
        }
        db_events_free(events, n);
        if (n > 0)
            s->resend_at = monotonic_ms() + self->cfg->resend_ms;
        if (n < limit)
            s->pending = false;
    }
    return true;
}

void delivery_subscribe(delivery_t *self, const void *rid, size_t rid_len, int64_t user_id,
                        uint64_t last_seq)
{
    if (rid_len == 0 || rid_len > RID_MAX)
        return;
    session_t *s = s_find(self, rid, rid_len);
    if (!s) {
        if ((self->count + 1) * 2 > self->cap)
            s_grow(self);
        session_t fresh = {.used = true, .rid_len = (uint8_t)rid_len};
        memcpy(fresh.rid, rid, rid_len);
        s_insert_slot(self, &fresh);
        self->count++;
        s = s_find(self, rid, rid_len);
    }
    s->user_id = user_id;
    s->sent = s->acked = last_seq;
    s->pending = true;
    s->last_seen = monotonic_ms();
    s->resend_at = s->last_seen + self->cfg->resend_ms;
    log_debug("delivery: user %lld subscribed after seq %llu", (long long)user_id,
              (unsigned long long)last_seq);
    s_pump(self, s);
}

void delivery_ack(delivery_t *self, const void *rid, size_t rid_len, int64_t user_id,
                  uint64_t seq)
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

void delivery_touch(delivery_t *self, const void *rid, size_t rid_len)
{
    session_t *s = s_find(self, rid, rid_len);
    if (s)
        s->last_seen = monotonic_ms();
}

void delivery_wake(delivery_t *self, const int64_t *users, int n)
{
    for (int i = 0; i < self->cap; i++) {
        session_t *s = &self->slots[i];
        if (!s->used)
            continue;
        bool hit = users == NULL;
        for (int k = 0; !hit && k < n; k++)
            hit = users[k] == s->user_id;
        if (!hit)
            continue;
        s->pending = true;
        if (!s_pump(self, s))
            i--; /* the slot now holds a moved session */
    }
}

/* Finds sessions whose user has events beyond what was sent (a lost NOTIFY). */
static void s_poll(delivery_t *self)
{
    if (self->count == 0)
        return;
    int64_t *users = xcalloc((size_t)self->count, sizeof *users);
    session_t **sessions = xcalloc((size_t)self->count, sizeof *sessions);
    int n = 0;
    for (int i = 0; i < self->cap && n < self->count; i++)
        if (self->slots[i].used) {
            sessions[n] = &self->slots[i];
            users[n++] = self->slots[i].user_id;
        }
    uint64_t *last = xcalloc((size_t)n, sizeof *last);
    if (db_outbox_last_seqs(self->db, users, n, last) == 0) {
        for (int i = 0; i < n; i++)
            if (last[i] > sessions[i]->sent)
                sessions[i]->pending = true;
    }
    free(last);
    free(sessions);
    free(users);
}

static void s_flush_acks(delivery_t *self)
{
    for (int i = 0; i < self->cap; i++) {
        session_t *s = &self->slots[i];
        if (s->used && s->ack_dirty) {
            if (db_outbox_ack(self->db, s->user_id, s->acked) != 0)
                return; /* kept dirty: next flush */
            s->ack_dirty = false;
        }
    }
}

int delivery_tick(delivery_t *self)
{
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
    for (int i = 0; i < self->cap; i++) {
        session_t *s = &self->slots[i];
        if (!s->used)
            continue;
        if (now - s->last_seen > self->cfg->session_timeout_ms) {
            log_debug("delivery: session of user %lld expired", (long long)s->user_id);
            if (s->ack_dirty && db_outbox_ack(self->db, s->user_id, s->acked) != 0)
                log_warn("delivery: could not store acknowledgement: %s", db_error(self->db));
            s_remove(self, s);
            i--;
            continue;
        }
        if (s->acked < s->sent && now >= s->resend_at) {
            log_debug("delivery: resending events of user %lld after seq %llu",
                      (long long)s->user_id, (unsigned long long)s->acked);
            s->sent = s->acked;
            s->pending = true;
            s->resend_at = now + self->cfg->resend_ms;
        }
        if (s->pending && !s_pump(self, s)) {
            i--;
            continue;
        }
        if (s->acked < s->sent && s->resend_at < next)
            next = s->resend_at;
        if (s->pending)
            next = now + 10; /* blocked by a full pipe: try again soon */
    }
    int64_t wait = next - now;
    return wait < 0 ? 0 : wait > 1000 ? 1000 : (int)wait;
}
