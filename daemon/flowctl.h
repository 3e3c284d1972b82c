/* flowctl — credit-based flow control of document downloads (zguide's file-transfer pattern):
 * how many bytes the daemon has sent a connection, and a user over all its connections, that the
 * client has not yet said it holds. A download request names its transfer (instance and
 * version), the offset it wants and how many bytes of that transfer the client holds; a request
 * that would push what is in flight past FLOWCTL_PEER_MAX for the connection or
 * FLOWCTL_USER_MAX for the user is refused (429 slow_down) before it reaches a worker. A client
 * that never reads its replies therefore holds at most that much in the daemon, however many
 * requests it sends; one that claims to hold bytes it never read is bounded by the socket's
 * send high-water mark times one chunk.
 *
 * Main thread only (the accounting lives beside the socket). */
#ifndef LKIP_FLOWCTL_H
#define LKIP_FLOWCTL_H

#include "util.h"

#include <stddef.h>

#define FLOWCTL_PEER_MAX  (1024 * 1024)     /* bytes in flight per connection */
#define FLOWCTL_USER_MAX  (4 * 1024 * 1024) /* bytes in flight per user */
#define FLOWCTL_TRANSFERS 4                 /* transfers with bytes in flight per connection */

typedef struct flowctl flowctl_t;

/* chunk: the most one reply carries. Caller owns the result. */
flowctl_t *flowctl_new(int64_t chunk);
void flowctl_destroy(flowctl_t **self_p);

/* Takes the client's claim (it holds received bytes of transfer key) and reserves one chunk for
 * the request at offset. false when the connection or the user has too much in flight (nothing
 * reserved). */
bool flowctl_reserve(flowctl_t *self, const void *rid, size_t rid_len, int64_t user_id,
                     const char *key, int64_t offset, int64_t received);

/* The reply to a reserved request went out carrying sent bytes from offset (0: refused). */
void flowctl_settle(flowctl_t *self, const void *rid, size_t rid_len, const char *key,
                    int64_t offset, int64_t sent);

/* Forgets connections silent for idle_ms (their peers are gone, or their bytes long delivered).
 * now_ms is monotonic. */
void flowctl_expire(flowctl_t *self, int64_t now_ms, int64_t idle_ms);

/* Bytes in flight for the connection and for the user (for tests and logs). */
int64_t flowctl_in_flight(const flowctl_t *self, const void *rid, size_t rid_len, int64_t user_id,
                          int64_t *user_total);

#endif
