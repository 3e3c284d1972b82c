/* handoff — see handoff.h. */
#include "handoff.h"

#include <errno.h>
#include <zmq.h>

#ifdef __SANITIZE_THREAD__
#include <sanitizer/tsan_interface.h>
#define S_RELEASE(p) __tsan_release(p)
#define S_ACQUIRE(p) __tsan_acquire(p)
#else
#define S_RELEASE(p) ((void)(p))
#define S_ACQUIRE(p) ((void)(p))
#endif

int handoff_send(void *sock, void *obj)
{
    if (obj)
        S_RELEASE(obj);
    if (zmq_send(sock, &obj, sizeof obj, 0) != (int)sizeof obj) {
        if (errno == 0)
            errno = EPROTO;
        return -1;
    }
    return 0;
}

int handoff_recv(void *sock, int flags, void **obj)
{
    void *p = NULL;
    int n = zmq_recv(sock, &p, sizeof p, flags);
    if (n != (int)sizeof p) {
        if (n >= 0)
            errno = EPROTO; /* not a pointer: cannot happen on a PAIR of this process */
        return -1;
    }
    if (p)
        S_ACQUIRE(p);
    *obj = p;
    return 0;
}
