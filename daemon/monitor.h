/* monitor — says what libzmq would otherwise keep to itself: the handshakes the ROUTER socket
 * refused before any message could arrive (a client offering NULL or PLAIN security instead of
 * CURVE, a client holding the wrong server key, a connection that never finished its handshake
 * within handshake_timeout_ms). It reads the ROUTER's libzmq socket monitor and logs each
 * (rate-limited: a peer can cause them as fast as it can connect). Keys refused by the ZAP
 * handler are logged there (auth), with the key and the address. Main thread only. */
#ifndef LKIP_MONITOR_H
#define LKIP_MONITOR_H

#include "util.h"

typedef struct monitor monitor_t;

/* Starts monitoring router (a socket of zctx). Returns NULL with err set on failure. Caller owns
 * the result and destroys it before closing router. */
monitor_t *monitor_new(void *zctx, void *router, char *err, size_t errlen);
/* Stops monitoring; accepts NULL and nulls the pointer. */
void monitor_destroy(monitor_t **self_p);

/* The socket to poll for events. */
void *monitor_socket(monitor_t *self);

/* Reads and logs every pending event without blocking. */
void monitor_handle(monitor_t *self);

#endif
