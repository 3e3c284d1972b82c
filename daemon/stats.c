/* stats — see stats.h. */
#include "stats.h"

#include <stdatomic.h>

static atomic_llong s_requests, s_batches, s_statements, s_round_trips, s_reruns, s_sessions;

void stats_add_batch(int requests, int64_t statements, int64_t round_trips)
{
    atomic_fetch_add_explicit(&s_requests, requests, memory_order_relaxed);
    atomic_fetch_add_explicit(&s_batches, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&s_statements, statements, memory_order_relaxed);
    atomic_fetch_add_explicit(&s_round_trips, round_trips, memory_order_relaxed);
}

void stats_add_rerun(void)
{
    atomic_fetch_add_explicit(&s_reruns, 1, memory_order_relaxed);
}

void stats_set_sessions(int64_t sessions)
{
    atomic_store_explicit(&s_sessions, sessions, memory_order_relaxed);
}

void stats_get(stats_t *out)
{
    out->requests = atomic_load_explicit(&s_requests, memory_order_relaxed);
    out->batches = atomic_load_explicit(&s_batches, memory_order_relaxed);
    out->statements = atomic_load_explicit(&s_statements, memory_order_relaxed);
    out->round_trips = atomic_load_explicit(&s_round_trips, memory_order_relaxed);
    out->reruns = atomic_load_explicit(&s_reruns, memory_order_relaxed);
    out->sessions = atomic_load_explicit(&s_sessions, memory_order_relaxed);
}
