/* auth — the ZAP handler (RFC 27) of lkipd: during each CURVE handshake libzmq asks it whether a
 * client's public key may connect. The key is looked up in the directory held in memory
 * (usercache: the socket thread never waits on PostgreSQL); the reply's User-Id is the user's
 * id, which the server reads from every message's metadata. Unknown and disabled keys are
 * refused, so their peers never get to send a request. Socket thread only. */
#ifndef LKIP_AUTH_H
#define LKIP_AUTH_H

#include "usercache.h"

typedef struct auth auth_t;

/* Binds the ZAP endpoint in zmq_ctx (before any CURVE server socket binds). Returns NULL on
 * failure. Caller owns the result; users must outlive it. */
auth_t *auth_new(void *zmq_ctx, userdir_t *users);
void auth_destroy(auth_t **self_p);

/* The socket to poll for ZAP requests. */
void *auth_socket(auth_t *self);

/* Answers every pending ZAP request without blocking. */
void auth_handle(auth_t *self);

#endif
