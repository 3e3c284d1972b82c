/* timers — fires due reminders, overdue notices and escalations: claims them, queues their
 * events and the next timer of each one's chain, in one transaction per batch of timers.
 * Database loop thread. */
#ifndef LKIP_TIMERS_H
#define LKIP_TIMERS_H

#include "db.h"
#include "deadline.h"
#include "defcache.h"

/* Fires up to limit timers due at now (origin names this daemon in notifications), including
 * the ones that firing queues and that are due at now too (the rest of a chain missed in a clock
 * jump or while no daemon ran). Recipients of the events are appended to *woken (caller frees).
 * Returns the number claimed (fired or expired), or -1 (rolled back). */
int timers_fire(db_t *db, defcache_t *defs, deadline_t *deadlines, const char *origin, int64_t now,
                int limit, int64_t **woken, int *n_woken) WUR;

/* From config's holiday_reminder_from on, once a day per organisation: tells its admin and its
 * Sekretaris that next year's holidays are not loaded (event "holidays_missing"), in one
 * transaction. Recipients are appended to *woken (caller frees). Returns the number of
 * organisations told, or -1 (rolled back). */
int timers_holidays(db_t *db, const char *origin, int64_t now, const char *from, int64_t **woken,
                    int *n_woken) WUR;

#endif
