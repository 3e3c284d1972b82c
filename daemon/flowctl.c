/* flowctl — see flowctl.h. Connections with downloads under way are few (a handful of people
 * fetch documents at once), so they sit in a plain array searched linearly. */
#include "flowctl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RID_MAX 32
#define KEY_MAX 96

typedef struct {
    char key[KEY_MAX]; /* "" when the slot is free */
    int64_t sent_end;  /* end of the furthest byte sent */
    int64_t received;  /* bytes the client says it holds (never above sent_end) */
    int64_t reserved;  /* chunks reserved for requests under way, in bytes */
} transfer_t;

typedef struct {
    uint8_t rid[RID_MAX];
    size_t rid_len;
    int64_t user_id;
    int64_t touched; /* monotonic ms of the last request */
    transfer_t t[FLOWCTL_TRANSFERS];
} peer_t;

struct flowctl {
    int64_t chunk;
    peer_t *peers;
    int n, cap;
};

flowctl_t *flowctl_new(int64_t chunk)
{
    flowctl_t *self = xcalloc(1, sizeof *self);
    self->chunk = chunk;
    return self;
}

void flowctl_destroy(flowctl_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free((*self_p)->peers);
    free(*self_p);
    *self_p = NULL;
}

static int64_t s_outstanding(const transfer_t *t)
{
    return t->key[0] ? t->sent_end - t->received + t->reserved : 0;
}

static int64_t s_peer_total(const peer_t *p)
{
    int64_t sum = 0;
    for (int i = 0; i < FLOWCTL_TRANSFERS; i++)
        sum += s_outstanding(&p->t[i]);
    return sum;
}

static int64_t s_user_total(const flowctl_t *self, int64_t user_id)
{
    int64_t sum = 0;
    for (int i = 0; i < self->n; i++)
        if (self->peers[i].user_id == user_id)
            sum += s_peer_total(&self->peers[i]);
    return sum;
}

static peer_t *s_peer(flowctl_t *self, const void *rid, size_t len, bool create)
{
    for (int i = 0; i < self->n; i++)
        if (self->peers[i].rid_len == len && memcmp(self->peers[i].rid, rid, len) == 0)
            return &self->peers[i];
    if (!create || len == 0 || len > RID_MAX)
        return NULL;
    if (self->n == self->cap) {
        self->cap = self->cap ? 2 * self->cap : 16;
        self->peers = xrealloc(self->peers, (size_t)self->cap * sizeof *self->peers);
    }
    peer_t *p = &self->peers[self->n++];
    memset(p, 0, sizeof *p);
    memcpy(p->rid, rid, len);
    p->rid_len = len;
    return p;
}

/* The transfer key of p, taking a slot with nothing in flight when it is new; NULL when every
 * slot holds a transfer with bytes in flight. */
static transfer_t *s_transfer(peer_t *p, const char *key, bool create)
{
    transfer_t *free_slot = NULL;
    for (int i = 0; i < FLOWCTL_TRANSFERS; i++) {
        transfer_t *t = &p->t[i];
        if (t->key[0] && strncmp(t->key, key, KEY_MAX - 1) == 0)
            return t;
        if (!free_slot && s_outstanding(t) == 0)
            free_slot = t;
    }
    if (!create || !free_slot)
        return NULL;
    memset(free_slot, 0, sizeof *free_slot);
    snprintf(free_slot->key, sizeof free_slot->key, "%s", key);
    return free_slot;
}

bool flowctl_reserve(flowctl_t *self, const void *rid, size_t rid_len, int64_t user_id,
                     const char *key, int64_t offset, int64_t received)
{
    peer_t *p = s_peer(self, rid, rid_len, true);
    if (!p)
        return false;
    p->user_id = user_id;
    p->touched = monotonic_ms();
    transfer_t *t = s_transfer(p, key, true);
    if (!t)
        return false;
    if (received > t->received)
        t->received = received < t->sent_end ? received : t->sent_end;
    (void)offset;
    if (s_peer_total(p) + self->chunk > FLOWCTL_PEER_MAX ||
        s_user_total(self, user_id) + self->chunk > FLOWCTL_USER_MAX)
        return false;
    t->reserved += self->chunk;
    return true;
}

void flowctl_settle(flowctl_t *self, const void *rid, size_t rid_len, const char *key,
                    int64_t offset, int64_t sent)
{
    peer_t *p = s_peer(self, rid, rid_len, false);
    transfer_t *t = p ? s_transfer(p, key, false) : NULL;
    if (!t)
        return;
    t->reserved -= self->chunk;
    if (t->reserved < 0)
        t->reserved = 0;
    if (sent > 0 && offset + sent > t->sent_end)
        t->sent_end = offset + sent;
}

void flowctl_expire(flowctl_t *self, int64_t now_ms, int64_t idle_ms)
{
    int w = 0;
    for (int i = 0; i < self->n; i++)
        if (now_ms - self->peers[i].touched <= idle_ms)
            self->peers[w++] = self->peers[i];
    self->n = w;
}

int64_t flowctl_in_flight(const flowctl_t *self, const void *rid, size_t rid_len, int64_t user_id,
                          int64_t *user_total)
{
    if (user_total)
        *user_total = s_user_total(self, user_id);
    for (int i = 0; i < self->n; i++)
        if (self->peers[i].rid_len == rid_len && memcmp(self->peers[i].rid, rid, rid_len) == 0)
            return s_peer_total(&self->peers[i]);
    return 0;
}
