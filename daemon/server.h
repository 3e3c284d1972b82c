/* server — lkipd's one event loop: the CURVE ROUTER socket, the ZAP handler and the database
 * socket, polled together. Requests are read in batches, each batch runs in one transaction
 * (a savepoint per request) and is committed before any of its replies is sent, so a reply
 * always describes a durable state. The main thread, which becomes the socket thread: server_run
 * owns every socket. */
#ifndef LKIP_SERVER_H
#define LKIP_SERVER_H

#include "config.h"
#include "db.h"

#include <signal.h>

typedef struct server server_t;

/* Creates the ZeroMQ context, the database loop (which loads the directory), the workers, the
 * ZAP handler and the ROUTER socket bound at cfg->endpoint. Every database connection of the
 * server is on node. Returns NULL with err set on failure. Caller owns the result; cfg and node
 * must outlive it. */
server_t *server_new(const config_t *cfg, dbnode_t *node, char *err, size_t errlen);
void server_destroy(server_t **self_p);

/* The endpoint actually bound (with the port chosen when cfg asked for "*"). */
const char *server_endpoint(const server_t *self);

/* Serves until *stop becomes non-zero. A signal handler sets it and writes a byte to wake_fd
 * (the write end of a pipe whose read end is wake_fd_read), so the loop sees it at once.
 * Returns 0 or -1. */
int server_run(server_t *self, volatile sig_atomic_t *stop, int wake_fd_read) WUR;

#endif
