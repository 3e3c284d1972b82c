/* db_board — the reads behind the secretariat's board (the board command): every running
 * instance of an organisation with its open step, the units of their collections, the
 * organisation's users and its delegations, each in ONE statement whatever the number of
 * instances, so that a board costs a constant number of statements (cmd_board states the bound).
 * Any thread with its own connection. */
#ifndef LKIP_DB_BOARD_H
#define LKIP_DB_BOARD_H

#include "db.h"
#include "wire.h"

/* Most rows one board returns (one per running instance; far above any organisation's). */
#define DB_BOARD_MAX_ROWS 5000

/* The running instances of org_id with their open step run, as board rows without what needs
 * the definition or the calendar (step names, holders, remaining time). With unit_id, only the
 * instances where that unit has a data task. def_ids[i] is row i's definition. Caller owns both
 * arrays and each row (lkip__board_row__free_unpacked). Returns the count or -1. */
int db_board_rows(db_t *db, int64_t org_id, int64_t unit_id, Lkip__BoardRow ***rows,
                  int64_t **def_ids) WUR;

/* The unit data tasks of the running instances of org_id (only unit_id's with unit_id), each
 * with the id of its instance; state "late" for an open task past its due time at now.
 * Caller owns both arrays and each unit. Returns the count or -1. */
int db_board_units(db_t *db, int64_t org_id, int64_t unit_id, int64_t now, Lkip__BoardUnit ***units,
                   int64_t **instance_ids) WUR;

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
