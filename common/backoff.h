/* backoff — exponential back-off with jitter, for whatever tries again after a failure: the
 * client's reconnects after a refused handshake, its retries of a request, watch's
 * re-subscriptions. Each pause is the current interval give or take a quarter (random), so that
 * many clients failing together do not come back together; the interval then doubles up to a
 * ceiling. Plain data: one per retry loop, no locking. */
#ifndef LKIP_BACKOFF_H
#define LKIP_BACKOFF_H

typedef struct {
    int first_ms; /* the first interval */
    int max_ms;   /* the ceiling of the interval */
    int next_ms;  /* the interval of the next pause */
} backoff_t;

/* Starts (or restarts) b at first_ms, growing to max_ms. */
void backoff_init(backoff_t *b, int first_ms, int max_ms);

/* After a success: the next pause is short again. */
void backoff_reset(backoff_t *b);

/* The next pause in milliseconds: the current interval with +-25% jitter (never below 1); the
 * interval then doubles, up to the ceiling. */
int backoff_next(backoff_t *b);

#endif
