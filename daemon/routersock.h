/* routersock — the daemon's ROUTER socket with its sending mode. ROUTER_MANDATORY makes a send
 * to a peer that is gone fail (EHOSTUNREACH) and a full pipe say so (EAGAIN) instead of both
 * being dropped silently: sends need it. With it on, libzmq answers every poll's "can I write?"
 * by walking each peer's pipe (with 10,000 clients nine tenths of the daemon's time): polls need
 * it off. The option is set only when the use changes (on at the first send after a poll, off
 * at the first poll after a send), so a loop turn that sends nothing never touches it.
 * Socket thread only. */
#ifndef LKIP_ROUTERSOCK_H
#define LKIP_ROUTERSOCK_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    void *sock;     /* the ROUTER; not owned */
    bool mandatory; /* the option's value now */
} routersock_t;

/* Wraps sock, whose ROUTER_MANDATORY is on (set with the socket's other options). */
void routersock_init(routersock_t *r, void *sock);

/* Sends frame to the peer rid without waiting. 0, or -1 with errno: EHOSTUNREACH the peer is
 * gone, EAGAIN its pipe is full, or what turning the option on failed with. */
int routersock_send(routersock_t *r, const void *rid, size_t rid_len, const void *frame,
                    size_t len);

/* Before polling: turns the option off when a send turned it on. 0, or -1 with errno. */
int routersock_before_poll(routersock_t *r);

#endif
