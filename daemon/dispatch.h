/* dispatch — the request policy around every command, in one place: who the caller is (the
 * directory in memory, else the database), that the user is enabled and the connection's key
 * is still the user's, the command's access rule and request_id (cmd_authorize), then the
 * handler; and after it, what request_id promises: an accepted change's audit row and reply
 * stored with it, a retried change answered from its stored reply (the retry rolled back), a
 * refused request audited. The worker only runs batches; commands only decide and reply.
 * Worker thread (the request's transaction is its connection's). */
#ifndef LKIP_DISPATCH_H
#define LKIP_DISPATCH_H

#include "batch.h"
#include "deadline.h"
#include "timesrc.h"
#include "usercache.h"

/* What a request runs with: the worker's connection (inside the batch's transaction), its
 * caches and the batch's directory snapshot (NULL: callers are read from the database). */
typedef struct {
    db_t *db;
    const config_t *cfg;
    defcache_t *defs;
    deadline_t *deadlines;
    timesrc_t *clock;
    const usercache_t *dir;
} dispatch_env_t;

/* Runs request p at now under its own savepoint and sets p->reply. The events of an accepted
 * request join events; a refused one leaves nothing behind but its audit row. */
void dispatch_request(const dispatch_env_t *env, pending_t *p, int64_t now, outq_t *events);

#endif
