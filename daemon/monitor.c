/* monitor — see monitor.h. libzmq's socket monitor (v1, the stable API) sends two frames per
 * event: 6 bytes (uint16 event, uint32 value, host order) and the endpoint. For a bound socket
 * the endpoint is the local one: libzmq does not say who the peer was. */
#include "monitor.h"

#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#define MONITOR_ENDPOINT "inproc://lkipd-router-monitor"
#define MONITOR_EVENTS   (ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL)
struct monitor {
    void *router; /* monitored, not owned */
    void *sock;   /* PAIR connected to the monitor endpoint */
};

/* The rate limits of the lines (log_limited), one per kind; static, as log.h asks, so that they
 * outlive any monitor. */
static log_limit_t s_not_curve;  /* a client offered NULL or PLAIN */
static log_limit_t s_wrong_key;  /* a client's CURVE hello could not be opened */
static log_limit_t s_protocol;   /* any other handshake protocol error */
static log_limit_t s_unfinished; /* a connection ended (or timed out) mid-handshake */

monitor_t *monitor_new(void *zctx, void *router, char *err, size_t errlen)
{
    if (zmq_socket_monitor(router, MONITOR_ENDPOINT, MONITOR_EVENTS) != 0) {
        snprintf(err, errlen, "could not monitor the server socket: %s", zmq_strerror(errno));
        return NULL;
    }
    void *sock = zmq_socket(zctx, ZMQ_PAIR);
    int linger = 0;
    if (!sock || zmq_setsockopt(sock, ZMQ_LINGER, &linger, sizeof linger) != 0 ||
        zmq_connect(sock, MONITOR_ENDPOINT) != 0) {
        snprintf(err, errlen, "could not connect to the socket monitor: %s", zmq_strerror(errno));
        if (sock)
            zmq_close(sock);
        zmq_socket_monitor(router, NULL, 0);
        return NULL;
    }
    monitor_t *self = xcalloc(1, sizeof *self);
    self->router = router;
    self->sock = sock;
    return self;
}

void monitor_destroy(monitor_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    monitor_t *self = *self_p;
    zmq_socket_monitor(self->router, NULL, 0);
    zmq_close(self->sock);
    free(self);
    *self_p = NULL;
}

void *monitor_socket(monitor_t *self)
{
    return self->sock;
}

/* Logs one event. */
static void s_event(monitor_t *self, uint16_t event, uint32_t value, const char *endpoint)
{
    if (event == ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL) {
        log_limited(&s_unfinished, LOG_INFO,
                    "a connection on %s ended before its CURVE handshake completed (closed "
                    "by the peer, or no handshake within handshake_timeout_ms)",
                    endpoint);
    } else if (value == ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH) {
        log_limited(&s_not_curve, LOG_WARN,
                    "handshake refused on %s: the client offered NULL or PLAIN security; "
                    "lkipd speaks CURVE only",
                    endpoint);
    } else if (value == ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC) {
        log_limited(&s_wrong_key, LOG_WARN,
                    "handshake refused on %s: the client's CURVE hello could not be opened "
                    "(it holds another server public key than this daemon's)",
                    endpoint);
    } else {
        log_limited(&s_protocol, LOG_WARN, "handshake refused on %s: ZMTP protocol error 0x%08x",
                    endpoint, (unsigned)value);
    }
}

void monitor_handle(monitor_t *self)
{
    for (;;) {
        zmq_msg_t head, addr;
        zmq_msg_init(&head);
        if (zmq_msg_recv(&head, self->sock, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&head);
            return;
        }
        zmq_msg_init(&addr);
        bool whole = zmq_msg_more(&head) && zmq_msg_recv(&addr, self->sock, 0) >= 0;
        if (whole && zmq_msg_size(&head) == 6) {
            uint16_t event;
            uint32_t value;
            memcpy(&event, zmq_msg_data(&head), sizeof event);
            memcpy(&value, (const char *)zmq_msg_data(&head) + 2, sizeof value);
            char endpoint[256];
            snprintf(endpoint, sizeof endpoint, "%.*s", (int)zmq_msg_size(&addr),
                     (const char *)zmq_msg_data(&addr));
            s_event(self, event, value, endpoint);
        }
        zmq_msg_close(&addr);
        zmq_msg_close(&head);
    }
}
