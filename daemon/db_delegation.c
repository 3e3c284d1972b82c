/* db_delegation — see db_delegation.h. */
#include "db_delegation.h"

#include <stdlib.h>
#include <string.h>

void db_delegations_free(db_delegation_t *rows, int n)
{
    for (int i = 0; i < n; i++) {
        free(rows[i].org_code);
        free(rows[i].from_name);
        free(rows[i].from_role);
        free(rows[i].to_name);
        free(rows[i].first_day);
        free(rows[i].last_day);
        free(rows[i].capacity);
    }
    free(rows);
}

/* Columns of s_rows, in order; $1 is always the time now. A delegation is active when the
 * organisation's local date now lies in its period. */
#define DELEG_SELECT                                                                               \
    "SELECT d.id, o.code, f.name, f.role, t.name, d.first_day::text, d.last_day::text,"            \
    " d.capacity, d.removed_at IS NULL AND (to_timestamp($1) AT TIME ZONE o.time_zone)::date"      \
    "   BETWEEN d.first_day AND d.last_day, d.removed_at IS NOT NULL"                              \
    " FROM delegations d JOIN organisations o ON o.id = d.org_id"                                  \
    " JOIN users f ON f.id = d.from_user JOIN users t ON t.id = d.to_user "

static int s_rows(db_t *db, const char *sql, db_params_t *p, db_delegation_t **out)
{
    *out = NULL;
    db_res_t *r = db_query(db, sql, p);
    if (!r)
        return -1;
    int n = db_res_rows(r);
    *out = xcalloc((size_t)n ? (size_t)n : 1, sizeof **out);
    for (int i = 0; i < n; i++) {
        db_delegation_t *d = &(*out)[i];
        d->id = db_res_int(r, i, 0);
        d->org_code = db_res_dup(r, i, 1);
        d->from_name = db_res_dup(r, i, 2);
        d->from_role = db_res_dup(r, i, 3);
        d->to_name = db_res_dup(r, i, 4);
        d->first_day = db_res_dup(r, i, 5);
        d->last_day = db_res_dup(r, i, 6);
        d->capacity = db_res_dup(r, i, 7);
        d->active = db_res_bool(r, i, 8);
        d->removed = db_res_bool(r, i, 9);
    }
    db_res_free(&r);
    return n;
}

db_deleg_rc_t db_delegation_add(db_t *db, int64_t org_id, const char *from_name,
                                const char *to_name, const char *first, const char *last,
                                const char *capacity, int64_t by, int64_t now, int64_t *id,
                                int64_t *overlap_id)
{
    db_params_t p = {0};
    db_param_int(&p, org_id);
    db_param_str(&p, from_name);
    db_param_str(&p, to_name);
    db_param_str(&p, first);
    db_param_str(&p, last);
    /* the users, an overlapping live delegation of the same delegator, and the insert when
     * neither is missing nor clashing: one statement */
    db_res_t *r = db_query(
        db,
        "WITH f AS (SELECT id, role FROM users WHERE org_id = $1 AND name = $2),"
        " t AS (SELECT id, role FROM users WHERE org_id = $1 AND name = $3),"
        " c AS (SELECT d.id FROM delegations d, f WHERE d.from_user = f.id"
        "   AND d.removed_at IS NULL AND d.first_day <= $5::date AND d.last_day >= $4::date"
        "   ORDER BY d.id LIMIT 1)"
        " SELECT (SELECT id FROM f), (SELECT id FROM t), (SELECT id FROM c),"
        "  EXISTS (SELECT 1 FROM f WHERE role = 'admin')"
        "  OR EXISTS (SELECT 1 FROM t WHERE role = 'admin')",
        &p);
    if (!r)
        return DB_DELEG_FAILED;
    bool no_from = db_res_null(r, 0, 0), no_to = db_res_null(r, 0, 1);
    int64_t from = db_res_int(r, 0, 0), to = db_res_int(r, 0, 1);
    *overlap_id = db_res_null(r, 0, 2) ? 0 : db_res_int(r, 0, 2);
    bool admin = db_res_bool(r, 0, 3);
    db_res_free(&r);
    if (no_from)
        return DB_DELEG_NO_FROM;
    if (no_to)
        return DB_DELEG_NO_TO;
    if (admin)
        return DB_DELEG_ADMIN;
    if (*overlap_id)
        return DB_DELEG_OVERLAP;
    db_params_t q = {0};
    db_param_int(&q, org_id);
    db_param_int(&q, from);
    db_param_int(&q, to);
    db_param_str(&q, first);
    db_param_str(&q, last);
    db_param_str(&q, capacity);
    db_param_int(&q, by);
    db_param_time(&q, now);
    r = db_query(
        db,
        "INSERT INTO delegations (org_id, from_user, to_user, first_day, last_day,"
        " capacity, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, to_timestamp($8))"
        " RETURNING id",
        &q);
    if (!r)
        return DB_DELEG_FAILED;
    *id = db_res_int(r, 0, 0);
    db_res_free(&r);
    return DB_DELEG_OK;
}

int db_delegation_remove(db_t *db, int64_t org_id, int64_t id, int64_t by, int64_t now, bool *found)
{
    db_params_t p = {0};
    db_param_int(&p, org_id);
    db_param_int(&p, id);
    db_param_int(&p, by);
    db_param_time(&p, now);
    db_res_t *r = db_query(db,
                           "UPDATE delegations SET removed_by = $3, removed_at = to_timestamp($4)"
                           " WHERE org_id = $1 AND id = $2 AND removed_at IS NULL",
                           &p);
    if (!r)
        return -1;
    *found = db_res_affected(r) == 1;
    db_res_free(&r);
    return 0;
}

int db_delegation_list(db_t *db, int64_t org_id, bool all, int64_t now, db_delegation_t **out)
{
    db_params_t p = {0};
    db_param_int(&p, now);
    db_param_int(&p, org_id);
    db_param_bool(&p, all);
    return s_rows(db,
                  DELEG_SELECT
                  "WHERE d.org_id = $2 AND ($3 OR (d.removed_at IS NULL AND d.last_day >="
                  " (to_timestamp($1) AT TIME ZONE o.time_zone)::date))"
                  " ORDER BY d.first_day, d.id",
                  &p, out);
}

int db_delegations_to(db_t *db, int64_t user_id, int64_t now, db_delegation_t **out)
{
    db_params_t p = {0};
    db_param_int(&p, now);
    db_param_int(&p, user_id);
    return s_rows(db,
                  DELEG_SELECT "WHERE d.to_user = $2 AND d.removed_at IS NULL"
                               " ORDER BY d.first_day, d.id",
                  &p, out);
}

int db_acted_in_round(db_t *db, int64_t instance_id, int64_t user_id, bool *acted)
{
    db_params_t p = {0};
    db_param_int(&p, instance_id);
    db_param_int(&p, user_id);
    /* the round starts at the newest run a return opened (runs are numbered in order) */
    db_res_t *r = db_query(
        db,
        "WITH s AS (SELECT coalesce(max(id), 0) AS first FROM step_runs"
        "   WHERE instance_id = $1 AND opened_by_return <> '')"
        " SELECT EXISTS (SELECT 1 FROM step_runs r, s WHERE r.instance_id = $1"
        "   AND r.finished_by = $2 AND r.id >= s.first)"
        " OR EXISTS (SELECT 1 FROM documents d JOIN step_runs r ON r.instance_id = d.instance_id"
        "   AND r.step_no = d.step_no AND r.round = d.round, s"
        "   WHERE d.instance_id = $1 AND d.uploaded_by = $2 AND r.id >= s.first)",
        &p);
    if (!r)
        return -1;
    *acted = db_res_bool(r, 0, 0);
    db_res_free(&r);
    return 0;
}

void db_delegations_held(db_pipe_t *pipe, const int64_t *users, int n)
{
    db_array_t u = {0};
    for (int k = 0; k < n; k++)
        db_array_int(&u, users[k]);
    db_params_t p = {0};
    db_array_param(&p, &u);
    db_pipe_add(pipe,
                "SELECT DISTINCT to_user FROM delegations WHERE to_user = ANY($1::bigint[])"
                " AND removed_at IS NULL",
                &p);
}
