/* timesrc — the daemon's clock. Normally the system clock; with test_clock on, a frozen time
 * that tests set through the database (so several daemons share it) instead of sleeping. Any
 * thread: the test clock is an atomic. */
#ifndef LKIP_TIMESRC_H
#define LKIP_TIMESRC_H

#include "util.h"

typedef struct timesrc timesrc_t;

timesrc_t *timesrc_new(bool test);
void timesrc_destroy(timesrc_t **self_p);

/* Unix seconds now. */
int64_t timesrc_now(const timesrc_t *self);

/* Test mode: freezes the clock at t (ignored otherwise). */
void timesrc_set(timesrc_t *self, int64_t t);

bool timesrc_is_test(const timesrc_t *self);

#endif
