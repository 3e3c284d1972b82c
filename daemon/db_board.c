/* db_board — see db_board.h. */
#include "db_board.h"

#include <stdlib.h>
#include <string.h>

#define EPOCH(col) "coalesce(extract(epoch FROM " col ")::bigint, 0)"

int db_board_rows(db_t *db, int64_t org_id, int64_t unit_id, db_board_row_t **rows)
{
    db_params_t p = {0};
    db_param_int(&p, org_id);
    db_param_int(&p, unit_id);
    db_param_int(&p, DB_BOARD_MAX_ROWS);
    /* the reminders sent for the open run: fired before its due time (one fired at or after it
     * was not sent, the overdue notice said it: timers.c); the returns of the instance: its
     * runs that ended returned. Both through indexes (timers_run, step_runs' unique key). */
    /* clang-format off */
    static const char sql[] =
        "SELECT i.id, i.def_id, i.sop_code, i.period, d.title, d.steps, r.step_no, r.round,"
        " " EPOCH("r.assigned_at") ", " EPOCH("r.due_at") ", r.opened_by_return,"
        " (SELECT count(*) FROM timers t WHERE t.step_run_id = r.id AND t.kind = 'reminder'"
        "   AND t.fired_at IS NOT NULL AND (r.due_at IS NULL OR t.fired_at < r.due_at)),"
        " (SELECT count(*) FROM step_runs x WHERE x.instance_id = i.id"
        "   AND x.outcome = 'returned')"
        " FROM instances i JOIN step_runs r ON r.instance_id = i.id AND r.state = 'active'"
        " JOIN sop_definitions d ON d.id = i.def_id"
        " WHERE i.org_id = $1 AND i.state = 'active'"
        " AND ($2 = 0 OR EXISTS (SELECT 1 FROM unit_tasks u WHERE u.instance_id = i.id"
        "   AND u.unit_id = $2))"
        " ORDER BY r.due_at NULLS LAST, i.id LIMIT $3";
    /* clang-format on */
    db_res_t *r = db_query(db, sql, &p);
    if (!r)
        return -1;
    int n = db_res_rows(r);
    *rows = xcalloc((size_t)n + 1, sizeof **rows);
    for (int i = 0; i < n; i++)
        (*rows)[i] = (db_board_row_t){
            .instance_id = db_res_int(r, i, 0),
            .def_id = db_res_int(r, i, 1),
            .sop_code = db_res_dup(r, i, 2),
            .period = db_res_dup(r, i, 3),
            .sop_title = db_res_dup(r, i, 4),
            .steps = (int)db_res_int(r, i, 5),
            .step_no = (int)db_res_int(r, i, 6),
            .round = (int)db_res_int(r, i, 7),
            .assigned_at = db_res_int(r, i, 8),
            .due_at = db_res_int(r, i, 9),
            .return_reason = db_res_dup(r, i, 10),
            .reminders = (int)db_res_int(r, i, 11),
            .returns = (int)db_res_int(r, i, 12),
        };
    db_res_free(&r);
    return n;
}

void db_board_rows_free(db_board_row_t *rows, int n)
{
    for (int i = 0; rows && i < n; i++) {
        free(rows[i].sop_code);
        free(rows[i].period);
        free(rows[i].sop_title);
        free(rows[i].return_reason);
    }
    free(rows);
}

int db_board_units(db_t *db, int64_t org_id, int64_t unit_id, int64_t now, db_board_unit_t **units)
{
    db_params_t p = {0};
    db_param_int(&p, org_id);
    db_param_int(&p, unit_id);
    db_param_int(&p, now);
    /* clang-format off */
    static const char sql[] =
        "SELECT t.instance_id, n.code, n.name,"
        " CASE WHEN t.state = 'open' AND t.due_at <= to_timestamp($3) THEN 'late'"
        "   ELSE t.state END,"
        " " EPOCH("t.submitted_at") ", t.version, coalesce(u.name, ''), " EPOCH("t.due_at")
        " FROM instances i JOIN unit_tasks t ON t.instance_id = i.id"
        " JOIN units n ON n.id = t.unit_id LEFT JOIN users u ON u.id = t.submitted_by"
        " WHERE i.org_id = $1 AND i.state = 'active' AND ($2 = 0 OR t.unit_id = $2)"
        " ORDER BY t.instance_id, n.code";
    /* clang-format on */
    db_res_t *r = db_query(db, sql, &p);
    if (!r)
        return -1;
    int n = db_res_rows(r);
    *units = xcalloc((size_t)n + 1, sizeof **units);
    for (int i = 0; i < n; i++)
        (*units)[i] = (db_board_unit_t){
            .instance_id = db_res_int(r, i, 0),
            .unit_code = db_res_dup(r, i, 1),
            .unit_name = db_res_dup(r, i, 2),
            .state = db_res_dup(r, i, 3),
            .submitted_at = db_res_int(r, i, 4),
            .version = (int)db_res_int(r, i, 5),
            .submitted_by = db_res_dup(r, i, 6),
            .due_at = db_res_int(r, i, 7),
        };
    db_res_free(&r);
    return n;
}

void db_board_units_free(db_board_unit_t *units, int n)
{
    for (int i = 0; units && i < n; i++) {
        free(units[i].unit_code);
        free(units[i].unit_name);
        free(units[i].state);
        free(units[i].submitted_by);
    }
    free(units);
}

int db_board_users(db_t *db, int64_t org_id, db_board_user_t **out)
{
    db_params_t p = {0};
    db_param_int(&p, org_id);
    db_res_t *r = db_query(db,
                           "SELECT name, full_name, role FROM users"
                           " WHERE org_id = $1 AND NOT disabled ORDER BY name",
                           &p);
    if (!r)
        return -1;
    int n = db_res_rows(r);
    *out = xcalloc((size_t)n + 1, sizeof **out);
    for (int i = 0; i < n; i++) {
        (*out)[i].name = db_res_dup(r, i, 0);
        (*out)[i].full_name = db_res_dup(r, i, 1);
        (*out)[i].role = db_res_dup(r, i, 2);
    }
    db_res_free(&r);
    return n;
}

void db_board_users_free(db_board_user_t *users, int n)
{
    for (int i = 0; i < n; i++) {
        free(users[i].name);
        free(users[i].full_name);
        free(users[i].role);
    }
    free(users);
}
