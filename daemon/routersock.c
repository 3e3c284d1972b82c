/* routersock — see routersock.h. */
#include "routersock.h"

#include <zmq.h>

static int s_set(routersock_t *r, bool on)
{
    if (r->mandatory == on)
        return 0;
    int v = on;
    if (zmq_setsockopt(r->sock, ZMQ_ROUTER_MANDATORY, &v, sizeof v) != 0)
        return -1;
    r->mandatory = on;
    return 0;
}

void routersock_init(routersock_t *r, void *sock)
{
    r->sock = sock;
    r->mandatory = true;
}

int routersock_send(routersock_t *r, const void *rid, size_t rid_len, const void *frame, size_t len)
{
    if (s_set(r, true) != 0 || zmq_send(r->sock, rid, rid_len, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0 ||
        zmq_send(r->sock, frame, len, ZMQ_DONTWAIT) < 0)
        return -1;
    return 0;
}

int routersock_before_poll(routersock_t *r)
{
    return s_set(r, false);
}
