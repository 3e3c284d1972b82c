/* db_board — the reads behind the secretariat's board (the board command): every running
 * instance of an organisation with its open step, the units of their collections, the
 * organisation's users and its delegations, each in ONE statement whatever the number of
 * instances, so that a board costs a constant number of statements (cmd_board states the bound).
 * Any thread with its own connection. */
#ifndef LKIP_DB_BOARD_H
#define LKIP_DB_BOARD_H

#include "db.h"
#include "wire.h"

#include <stdint.h>

/* Most rows one board returns (one per running instance; far above any organisation's). */
#define DB_BOARD_MAX_ROWS 5000

/* A running instance with its open step run, as stored. Owned strings. */
typedef struct {
    int64_t instance_id;
    int64_t def_id; /* its definition */
    char *sop_code;
    char *period;
    char *sop_title;
    int steps;
    int step_no; /* the open step */
    int round;
    int64_t assigned_at;
    int64_t due_at;      /* 0: none */
    char *return_reason; /* the run was opened by a return: its reason; "" otherwise */
    int reminders;       /* reminders sent for the open run */
    int returns;         /* runs of the instance that ended returned */
} db_board_row_t;

/* The running instances of org_id with their open step run (what needs the definition or the
 * calendar is the command's: step names, holders, remaining time). With unit_id, only the
 * instances where that unit has a data task. Into *rows (db_board_rows_free). Returns the count
 * or -1. */
int db_board_rows(db_t *db, int64_t org_id, int64_t unit_id, db_board_row_t **rows) WUR;
void db_board_rows_free(db_board_row_t *rows, int n);

/* A unit data task of a running instance. Owned strings. */
typedef struct {
    int64_t instance_id;
    char *unit_code;
    char *unit_name;
    char *state; /* open, submitted, missing; "late" for an open task past its due time */
    int64_t submitted_at;
    int version;
    char *submitted_by; /* "" when none */
    int64_t due_at;
} db_board_unit_t;

/* The unit data tasks of the running instances of org_id (only unit_id's with unit_id), by
 * instance and unit code, late ones judged at now. Into *units (db_board_units_free). Returns
 * the count or -1. */
int db_board_units(db_t *db, int64_t org_id, int64_t unit_id, int64_t now,
                   db_board_unit_t **units) WUR;
void db_board_units_free(db_board_unit_t *units, int n);

/* An enabled user of the organisation, for the holders of open steps. */
typedef struct {
    char *name;
    char *full_name;
    char *role;
} db_board_user_t;

/* The enabled users of org_id, by name. Caller frees with db_board_users_free. Returns the
 * count or -1. */
int db_board_users(db_t *db, int64_t org_id, db_board_user_t **out) WUR;
void db_board_users_free(db_board_user_t *users, int n);

#endif
