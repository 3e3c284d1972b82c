/* handoff — passes an object to another thread of the process through a ZeroMQ inproc PAIR: the
 * message is the pointer, and the sender does not touch the object after a successful send.
 * libzmq is not built with ThreadSanitizer, so the order its pipes give (the receiver sees
 * everything the sender did before sending) is invisible to it; here it is made visible: a
 * release on the object before sending, an acquire on it after receiving. Any thread (each end
 * of a PAIR belongs to one thread). */
#ifndef LKIP_HANDOFF_H
#define LKIP_HANDOFF_H

/* Sends obj (NULL allowed: a stop request). 0, or -1 with errno set (the object stays the
 * caller's). */
int handoff_send(void *sock, void *obj);

/* Receives one object into *obj (flags as zmq_recv: 0 or ZMQ_DONTWAIT). 0, or -1 with errno set
 * (EAGAIN: none waiting). */
int handoff_recv(void *sock, int flags, void **obj);

#endif
