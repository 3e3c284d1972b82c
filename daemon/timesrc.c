/* timesrc — see timesrc.h. */
#include "timesrc.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

struct timesrc {
    bool test;              /* test clock enabled */
    _Atomic int64_t frozen; /* test time; 0 until set: the system clock still applies. Set by
                               the main thread, read by the workers */
};

timesrc_t *timesrc_new(bool test)
{
    timesrc_t *self = xcalloc(1, sizeof *self);
    self->test = test;
    return self;
}

void timesrc_destroy(timesrc_t **self_p)
{
    if (self_p) {
        free(*self_p);
        *self_p = NULL;
    }
}

int64_t timesrc_now(const timesrc_t *self)
{
    int64_t frozen = self->test ? atomic_load(&self->frozen) : 0;
    return frozen ? frozen : (int64_t)time(NULL);
}

void timesrc_set(timesrc_t *self, int64_t t)
{
    if (self->test)
        atomic_store(&self->frozen, t);
}

bool timesrc_is_test(const timesrc_t *self)
{
    return self->test;
}
