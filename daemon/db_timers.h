/* db_timers — reminders, overdue notices and escalations as rows with a fire time. Claimed
 * with FOR UPDATE SKIP LOCKED inside the transaction that also queues their events, so each
 * fires exactly once however many daemons share the database. Database loop thread (and tests),
 * with its connection. */
#ifndef LKIP_DB_TIMERS_H
#define LKIP_DB_TIMERS_H

#include "db.h"

typedef enum { TIMER_REMINDER, TIMER_OVERDUE, TIMER_ESCALATION } timer_kind_t;

const char *timer_kind_name(timer_kind_t kind);

/* Queues a timer for a step run (run_id) or a unit task (task_id); the other is 0. */
int db_timer_add(db_t *db, timer_kind_t kind, int64_t fire_at, int64_t instance_id, int64_t run_id,
                 int64_t task_id, int repeat_no) WUR;

/* Drops the unfired timers of a run or a task (deadline moved). Returns 0 or -1. */
int db_timer_drop(db_t *db, int64_t run_id, int64_t task_id) WUR;

/* The earliest unfired fire time; *found false when there is none. Returns 0 or -1. */
int db_timer_next(db_t *db, int64_t *fire_at, bool *found) WUR;

/* A claimed timer with what firing it needs. */
typedef struct {
    int64_t id;
    timer_kind_t kind;
    int64_t fire_at;
    int repeat_no;
    int64_t instance_id;
    int64_t run_id; /* or */
    int64_t task_id;
    bool open;   /* the run/task is still open (else the timer just expires) */
    int step_no; /* the run's step; for a task, the collecting step */
    int64_t assigned_at;
    int64_t due_at;
    int64_t unit_id; /* tasks */
    char unit_code[40];
    char unit_role[40];
    int64_t org_id;
    char org_code[40];
    char time_zone[64];
    int calendar_version;
    int64_t def_id;
    char sop_code[40];
    char period[40];
} db_timer_t;

/* Claims up to limit unfired timers due at now (marking them fired) in the open transaction.
 * Caller frees *out. Returns the count or -1. */
int db_timer_claim(db_t *db, int64_t now, int limit, db_timer_t **out) WUR;

/* The escalation target of role: its supervisor role and whether that is the supervisor in the
 * same unit. supervisor "" when none. Returns 0 or -1. */
int db_role_supervisor(db_t *db, const char *role, char *supervisor, size_t len,
                       bool *same_unit) WUR;

/* Open step runs and unit tasks of org_id's active instances, for recomputing deadlines. */
typedef struct {
    int64_t instance_id;
    int64_t def_id;
    int64_t run_id; /* or */
    int64_t task_id;
    int step_no; /* for tasks: the collecting step */
    int64_t assigned_at;
    int64_t due_at;
    int64_t unit_id;
    char *unit_role;
} db_open_work_t;

int db_open_work(db_t *db, int64_t org_id, db_open_work_t **out) WUR;
void db_open_work_free(db_open_work_t *work, int n);

/* Moves the due time of a run or task. Returns 0 or -1. */
int db_set_due(db_t *db, int64_t run_id, int64_t task_id, int64_t due) WUR;

#endif
