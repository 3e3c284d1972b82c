/* deadline — due times of steps in the organisation's working time, their reminders, and
 * recomputing them when the calendar changes. Holds a cache of each organisation's calendar,
 * keyed by its calendar_version, so a transition costs no calendar query while nothing changed
 * and any change (from any daemon) is seen at once. A deadline_t belongs to one thread (each
 * worker and the database loop have their own); the pure functions, any thread. */
#ifndef LKIP_DEADLINE_H
#define LKIP_DEADLINE_H

#include "calendar.h"
#include "db.h"
#include "db_outbox.h"
#include "defcache.h"
#include "sopdef.h"

typedef struct deadline deadline_t;

deadline_t *deadline_new(void);
void deadline_destroy(deadline_t **self_p);

/* The calendar of org_id at version (reloaded when the version moved). The cache owns it.
 * NULL on a database error. */
const calendar_t *deadline_calendar(deadline_t *self, db_t *db, int64_t org_id, int version);

/* Unix seconds -> local civil minutes of zone, and back. 0 or -1 (unknown zone). */
int deadline_to_local(const char *zone, int64_t utc, cal_min_t *local) WUR;
int deadline_from_local(const char *zone, cal_min_t local, int64_t *utc) WUR;

/* The due time of step's waktu for work assigned at `assigned`. 0 or -1 (no working time
 * ahead, unknown zone). */
int deadline_due(const calendar_t *cal, const char *zone, const sop_step_t *step, int64_t assigned,
                 int64_t *due) WUR;

/* Working minutes from now until due; negative (working minutes since due) when past. For
 * wall-clock steps, plain minutes. */
int64_t deadline_remaining(const calendar_t *cal, const char *zone, bool wall_clock, int64_t now,
                           int64_t due);

/* Fire times of the reminders for work from assigned to due under r (at most
 * SOP_MAX_PERCENTS + 1, ascending, distinct, strictly between assigned and due). Pure. */
int deadline_reminder_times(const calendar_t *cal, const char *zone, const sop_reminders_t *r,
                            bool wall_clock, int64_t assigned, int64_t due, int64_t *out);

/* Which timer follows: after the reminder #after_no (or none yet: after_no 0), the next reminder
 * later than not_before, else the overdue notice at due; after the overdue notice, the first
 * escalation at due (when the step escalates). Returns false when nothing follows. Pure. */
typedef struct {
    int kind; /* timer_kind_t of db_timers.h */
    int64_t at;
    int repeat_no;
} deadline_timer_t;
bool deadline_next_timer(const calendar_t *cal, const char *zone, const sop_step_t *step,
                         int64_t assigned, int64_t due, int after_kind, int after_no,
                         int64_t not_before, deadline_timer_t *next);

/* Queues the first timer of a step run (run_id) or a unit task (task_id): its first reminder
 * after not_before, or its overdue notice. Returns 0 or -1. */
int deadline_schedule(db_t *db, const calendar_t *cal, const char *zone, const sop_step_t *step,
                      int64_t instance_id, int64_t run_id, int64_t task_id, int64_t assigned,
                      int64_t due, int64_t not_before) WUR;

/* Recomputes the due time of every open run and unit task of org_id (0: all organisations)
 * after a calendar change: moved ones get a new due time, new timers, and a deadline_changed
 * event to their actors (queued in events). Returns how many moved, or -1. */
int deadline_recompute(db_t *db, defcache_t *defs, int64_t org_id, int64_t now, outq_t *events) WUR;

#endif
