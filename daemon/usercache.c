/* usercache — see usercache.h. Two sorted index arrays over one array of users: by key and by
 * id, searched by bisection. */
#include "usercache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

struct usercache {
    atomic_int refs;
    int64_t version;
    int n;
    user_t *users;
    int *by_key; /* indexes of users with a key, by key */
    int n_keyed;
    int *by_id; /* indexes by id */
};

static int s_cmp_key(const void *a, const void *b, void *users)
{
    const user_t *u = users;
    return strcmp(u[*(const int *)a].public_key, u[*(const int *)b].public_key);
}

static int s_cmp_id(const void *a, const void *b, void *users)
{
    const user_t *u = users;
    int64_t x = u[*(const int *)a].id, y = u[*(const int *)b].id;
    return x < y ? -1 : x > y;
}

usercache_t *usercache_new(user_t *users, int n, int64_t version)
{
    usercache_t *self = xcalloc(1, sizeof *self);
    atomic_init(&self->refs, 1);
    self->version = version;
    self->n = n;
    self->users = users;
    self->by_key = xcalloc((size_t)n + 1, sizeof *self->by_key);
    self->by_id = xcalloc((size_t)n + 1, sizeof *self->by_id);
    for (int i = 0; i < n; i++) {
        self->by_id[i] = i;
        if (users[i].public_key && *users[i].public_key)
            self->by_key[self->n_keyed++] = i;
    }
    qsort_r(self->by_key, (size_t)self->n_keyed, sizeof *self->by_key, s_cmp_key, users);
    qsort_r(self->by_id, (size_t)n, sizeof *self->by_id, s_cmp_id, users);
    return self;
}

usercache_t *usercache_ref(usercache_t *snapshot)
{
    if (snapshot)
        atomic_fetch_add(&snapshot->refs, 1);
    return snapshot;
}

void usercache_unref(usercache_t **snapshot_p)
{
    if (!snapshot_p || !*snapshot_p)
        return;
    usercache_t *self = *snapshot_p;
    *snapshot_p = NULL;
    if (atomic_fetch_sub(&self->refs, 1) != 1)
        return;
    users_free(self->users, self->n);
    free(self->by_key);
    free(self->by_id);
    free(self);
}

const user_t *usercache_by_key(const usercache_t *self, const char *public_key)
{
    int lo = 0, hi = self->n_keyed - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        const user_t *u = &self->users[self->by_key[mid]];
        int c = strcmp(u->public_key, public_key);
        if (c == 0)
            return u;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return NULL;
}

const user_t *usercache_by_id(const usercache_t *self, int64_t id)
{
    int lo = 0, hi = self->n - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        const user_t *u = &self->users[self->by_id[mid]];
        if (u->id == id)
            return u;
        if (u->id < id)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return NULL;
}

int64_t usercache_version(const usercache_t *self)
{
    return self->version;
}

int usercache_count(const usercache_t *self)
{
    return self->n;
}

struct userdir {
    pthread_mutex_t lock;
    usercache_t *current;
};

userdir_t *userdir_new(void)
{
    userdir_t *self = xcalloc(1, sizeof *self);
    pthread_mutex_init(&self->lock, NULL);
    return self;
}

void userdir_destroy(userdir_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    usercache_unref(&(*self_p)->current);
    pthread_mutex_destroy(&(*self_p)->lock);
    free(*self_p);
    *self_p = NULL;
}

void userdir_set(userdir_t *self, usercache_t *snapshot)
{
    pthread_mutex_lock(&self->lock);
    usercache_t *old = self->current;
    self->current = snapshot;
    pthread_mutex_unlock(&self->lock);
    usercache_unref(&old);
}

usercache_t *userdir_get(userdir_t *self)
{
    pthread_mutex_lock(&self->lock);
    usercache_t *s = usercache_ref(self->current);
    pthread_mutex_unlock(&self->lock);
    return s;
}
