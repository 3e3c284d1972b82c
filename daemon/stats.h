/* stats — the daemon's running totals since it started: requests run in batches, batches,
 * and the SQL statements and round trips to PostgreSQL they cost; and the event sessions it
 * holds now. `lkip ping` shows them to an administrator (pong.load); make bench reads them
 * around each phase. Any thread (relaxed
 * atomics: totals, not a consistent snapshot). */
#ifndef LKIP_STATS_H
#define LKIP_STATS_H

#include <stdbool.h>
#include <stdint.h>

typedef struct {
    int64_t requests;    /* run by the workers (malformed frames are not counted) */
    int64_t batches;     /* batches they ran in (one transaction each, or two: reruns) */
    int64_t statements;  /* SQL statements sent by the workers */
    int64_t round_trips; /* waits for PostgreSQL's answer they cost */
    int64_t reruns;      /* batches run again statement by statement (worker.c says when) */
    int64_t sessions;    /* event sessions held now (delivery.c), not a total */
} stats_t;

/* Adds one batch of requests that cost statements and round_trips. */
void stats_add_batch(int requests, int64_t statements, int64_t round_trips);
/* Adds one rerun of a batch. */
void stats_add_rerun(void);
/* The number of event sessions held now. */
void stats_set_sessions(int64_t sessions);
/* The totals so far. */
void stats_get(stats_t *out);

#endif
