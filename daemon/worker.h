/* worker — a thread with its own PostgreSQL connection that runs batches of requests, each in
 * one transaction with a savepoint per request. Several workers let one daemon keep several
 * transactions in flight (the database's work, not the daemon's, is what limits a step
 * completion); the main thread keeps every socket. Workers take batches over an inproc PAIR:
 * the main thread sends a batch_t pointer, the worker sends it back when committed (or failed
 * with retryable replies). Each request runs through dispatch (the request policy); the worker
 * owns the transaction, the connection and its caches.
 * worker_new/destroy/socket/busy/submit/collect: the socket thread only. */
#ifndef LKIP_WORKER_H
#define LKIP_WORKER_H

#include "batch.h"
#include "usercache.h"
#include "timesrc.h"

typedef struct worker worker_t;

/* Connects to the database (waiting for it like start-up does is the caller's business) and
 * starts the thread. origin names the daemon in its notifications. Returns NULL with err set on
 * failure. cfg, clock and origin must outlive it. */
worker_t *worker_new(void *zctx, int id, const config_t *cfg, dbnode_t *node, userdir_t *users,
                     timesrc_t *clock, const char *origin, char *err, size_t errlen);

/* Stops the thread (after its current batch) and closes its connection. Accepts NULL. */
void worker_destroy(worker_t **self_p);

/* The main thread's end of the worker's socket, to poll for finished batches. */
void *worker_socket(worker_t *self);

bool worker_busy(const worker_t *self);

/* Hands an idle worker a batch; the worker owns it until worker_collect returns it. */
void worker_submit(worker_t *self, batch_t *batch);

/* Takes back the finished batch (after worker_socket was readable); NULL when none. */
batch_t *worker_collect(worker_t *self);

#endif
