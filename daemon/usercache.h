/* usercache — users, their keys, roles, units and organisations held in memory, so that neither
 * the ZAP handler (on the socket thread) nor a request (on a worker) waits on PostgreSQL to learn
 * who is asking. A snapshot is immutable once built and reference-counted; the directory holds
 * the current one and swaps it when the database says users, units or organisations changed
 * (NOTIFY lkip_directory, and a version number checked every second: dbloop reloads it).
 *
 * Any thread: snapshots are read-only, the directory's pointer is behind a lock. */
#ifndef LKIP_USERCACHE_H
#define LKIP_USERCACHE_H

#include "db_users.h"

typedef struct usercache usercache_t;

/* A snapshot of users (taken: the caller forgets the array) at directory version. Caller owns
 * the one reference returned. */
usercache_t *usercache_new(user_t *users, int n, int64_t version);

/* Another reference to snapshot (returned). */
usercache_t *usercache_ref(usercache_t *snapshot);
/* Drops a reference (the last frees the snapshot); accepts NULL, nulls the pointer. */
void usercache_unref(usercache_t **snapshot_p);

/* The user holding the public key (Z85) / with the id; NULL when none. Valid while the caller
 * holds its reference. */
const user_t *usercache_by_key(const usercache_t *snapshot, const char *public_key);
const user_t *usercache_by_id(const usercache_t *snapshot, int64_t id);

int64_t usercache_version(const usercache_t *snapshot);
int usercache_count(const usercache_t *snapshot);

/* The directory: the current snapshot, shared by every thread. */
typedef struct userdir userdir_t;

userdir_t *userdir_new(void);
void userdir_destroy(userdir_t **self_p);

/* Makes snapshot current (takes the caller's reference). */
void userdir_set(userdir_t *self, usercache_t *snapshot);

/* A new reference to the current snapshot (NULL before the first); the caller unrefs it. */
usercache_t *userdir_get(userdir_t *self);

#endif
