/* db_delegation — delegations (Plh./Plt.): an official acting for another during a period, as
 * the admin records them, and what a request needs to know of them: the caller's delegations
 * with whether today (in the organisation's time zone) lies in their period, and whether the
 * caller already acted in the instance's current round. Any thread with its own connection. */
#ifndef LKIP_DB_DELEGATION_H
#define LKIP_DB_DELEGATION_H

#include "db.h"

/* One delegation. Strings owned (db_delegations_free). Days are "YYYY-MM-DD". */
typedef struct {
    int64_t id;
    char *org_code;
    char *from_name; /* the delegator */
    char *from_role;
    char *to_name; /* the delegate */
    char *first_day;
    char *last_day;
    char *capacity; /* "Plh. Kepala Dinas" */
    bool active;    /* today lies in the period and it was not removed */
    bool removed;
} db_delegation_t;

void db_delegations_free(db_delegation_t *rows, int n);

/* Why an add was refused (a database failure is DB_DELEG_FAILED). */
typedef enum {
    DB_DELEG_OK = 0,
    DB_DELEG_FAILED = -1,
    DB_DELEG_NO_FROM = 1, /* no user of that name in the organisation */
    DB_DELEG_NO_TO,
    DB_DELEG_ADMIN,   /* one of them is an administrator, who acts in no workflow step */
    DB_DELEG_OVERLAP, /* the delegator already has a delegation overlapping the period */
} db_deleg_rc_t;

/* Records that user to_name acts for from_name (both of org_id) from first to last (inclusive),
 * in capacity. *id gets the new row; *overlap_id the clashing row on DB_DELEG_OVERLAP. */
db_deleg_rc_t db_delegation_add(db_t *db, int64_t org_id, const char *from_name,
                                const char *to_name, const char *first, const char *last,
                                const char *capacity, int64_t by, int64_t now, int64_t *id,
                                int64_t *overlap_id) WUR;

/* Marks delegation id of org_id removed. *found false when there is no such live row.
 * Returns 0 or -1. */
int db_delegation_remove(db_t *db, int64_t org_id, int64_t id, int64_t by, int64_t now,
                         bool *found) WUR;

/* Delegations of org_id: the live ones whose period has not ended, or (all) every one. Caller
 * frees with db_delegations_free. Returns the count or -1. */
int db_delegation_list(db_t *db, int64_t org_id, bool all, int64_t now, db_delegation_t **out) WUR;

/* The live delegations to user_id (active or not at now). Returns the count or -1. */
int db_delegations_to(db_t *db, int64_t user_id, int64_t now, db_delegation_t **out) WUR;

/* Whether user_id acted on instance_id (completed a step run or uploaded a document) since the
 * instance was last returned, or since its start. Returns 0 or -1. */
int db_acted_in_round(db_t *db, int64_t instance_id, int64_t user_id, bool *acted) WUR;

/* The users among users[0..n) that hold any delegation (active or not): adds the statement to
 * pipe; its rows are their ids. */
void db_delegations_held(db_pipe_t *pipe, const int64_t *users, int n);

#endif
