/* db_users — see db_users.h. */
#include "db_users.h"

#include <stdlib.h>
#include <string.h>

#define USER_SELECT                                                                                \
    "SELECT u.id, u.name, u.full_name, u.role, o.id, o.code, o.name,"                              \
    " coalesce(n.id, 0), coalesce(n.code, ''), coalesce(n.name, ''),"                              \
    " coalesce(u.public_key, ''), u.disabled OR o.disabled, o.time_zone"                           \
    " FROM users u JOIN organisations o ON o.id = u.org_id"                                        \
    " LEFT JOIN units n ON n.id = u.unit_id "

void user_clear(user_t *u)
{
    free(u->name);
    free(u->full_name);
    free(u->role);
    free(u->org_code);
    free(u->org_name);
    free(u->unit_code);
    free(u->unit_name);
    free(u->public_key);
    free(u->time_zone);
    memset(u, 0, sizeof *u);
}

static void s_row(const db_res_t *r, int i, user_t *u)
{
    u->id = db_res_int(r, i, 0);
    u->name = db_res_dup(r, i, 1);
    u->full_name = db_res_dup(r, i, 2);
    u->role = db_res_dup(r, i, 3);
    u->org_id = db_res_int(r, i, 4);
    u->org_code = db_res_dup(r, i, 5);
    u->org_name = db_res_dup(r, i, 6);
    u->unit_id = db_res_int(r, i, 7);
    u->unit_code = db_res_dup(r, i, 8);
    u->unit_name = db_res_dup(r, i, 9);
    u->public_key = db_res_dup(r, i, 10);
    u->disabled = db_res_bool(r, i, 11);
    u->time_zone = db_res_dup(r, i, 12);
}

static db_lookup_t s_one(db_t *db, const char *sql, db_params_t *p, user_t *out)
{
    db_res_t *r;
    db_lookup_t rc = db_query_one(db, sql, p, &r);
    if (rc == DB_FOUND)
        s_row(r, 0, out);
    db_res_free(&r);
    return rc;
}

db_lookup_t db_user_by_key(db_t *db, const char *public_key, user_t *out)
{
    db_params_t p = {0};
    db_param_str(&p, public_key);
    return s_one(db, USER_SELECT "WHERE u.public_key = $1", &p, out);
}

db_lookup_t db_user_by_id(db_t *db, int64_t id, user_t *out)
{
    db_params_t p = {0};
    db_param_int(&p, id);
    return s_one(db, USER_SELECT "WHERE u.id = $1", &p, out);
}

db_lookup_t db_user_by_name(db_t *db, const char *name, user_t *out)
{
    db_params_t p = {0};
    db_param_str(&p, name);
    return s_one(db, USER_SELECT "WHERE u.name = $1", &p, out);
}

static const char *s_nz(const char *s)
{
    return s && *s ? s : NULL;
}

/* Maps a failed insert/update to why, from the constraint that refused it. */
static db_user_rc_t s_constraint_rc(db_t *db)
{
    if (strcmp(db_sqlstate(db), "23505") == 0)
        return strcmp(db_constraint(db), "users_public_key_key") == 0 ? DB_USER_KEY_TAKEN
                                                                      : DB_USER_NAME_TAKEN;
    return DB_USER_FAILED;
}

/* Resolves role (must exist, tells whether it needs a unit) and the unit in org_id. */
static db_user_rc_t s_check_role_unit(db_t *db, int64_t org_id, const char *role,
                                      const char *unit_code, int64_t *unit_id)
{
    db_params_t p = {0};
    db_param_str(&p, role);
    db_param_int(&p, org_id);
    db_param_str(&p, s_nz(unit_code));
    db_res_t *r = db_query(db,
                           "SELECT r.needs_unit,"
                           " (SELECT id FROM units WHERE org_id = $2 AND code = $3)"
                           " FROM roles r WHERE r.code = $1",
                           &p);
    if (!r)
        return DB_USER_FAILED;
    db_user_rc_t rc = DB_USER_OK;
    if (db_res_rows(r) == 0)
        rc = DB_USER_NO_ROLE;
    else if (s_nz(unit_code) && db_res_null(r, 0, 1))
        rc = DB_USER_NO_UNIT;
    else if (!s_nz(unit_code) && db_res_bool(r, 0, 0))
        rc = DB_USER_NEEDS_UNIT;
    else
        *unit_id = db_res_null(r, 0, 1) ? 0 : db_res_int(r, 0, 1);
    db_res_free(&r);
    return rc;
}

db_user_rc_t db_user_add(db_t *db, const user_new_t *u, int64_t *id_out)
{
    db_params_t p = {0};
    /* no organisation named: the only one there is */
    db_param_str(&p, s_nz(u->org_code));
    db_res_t *r = db_query(db,
                           "SELECT id FROM organisations WHERE code = $1 OR ($1::text IS NULL"
                           " AND (SELECT count(*) FROM organisations) = 1)",
                           &p);
    if (!r)
        return DB_USER_FAILED;
    if (db_res_rows(r) == 0) {
        db_res_free(&r);
        return DB_USER_NO_ORG;
    }
    int64_t org_id = db_res_int(r, 0, 0);
    db_res_free(&r);

    int64_t unit_id = 0;
    db_user_rc_t rc = s_check_role_unit(db, org_id, u->role, u->unit_code, &unit_id);
    if (rc != DB_USER_OK)
        return rc;
    db_param_int(&p, org_id);
    db_param_str(&p, u->name);
    db_param_str(&p, u->full_name);
    db_param_str(&p, u->role);
    if (unit_id)
        db_param_int(&p, unit_id);
    else
        db_param_str(&p, NULL);
    db_param_str(&p, s_nz(u->public_key));
    r = db_query(db,
                 "INSERT INTO users (org_id, name, full_name, role, unit_id, public_key)"
                 " VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                 &p);
    if (!r)
        return s_constraint_rc(db);
    *id_out = db_res_int(r, 0, 0);
    db_res_free(&r);
    return DB_USER_OK;
}

db_user_rc_t db_user_set(db_t *db, const char *name, const char *full_name, const char *role,
                         const char *unit_code, const char *public_key, int disabled)
{
    user_t cur = {0};
    db_lookup_t found = db_user_by_name(db, name, &cur);
    if (found != DB_FOUND)
        return found == DB_NOT_FOUND ? DB_USER_NOT_FOUND : DB_USER_FAILED;
    const char *new_role = s_nz(role) ? role : cur.role;
    /* a role change re-checks the unit; "-" clears the unit */
    const char *new_unit = s_nz(unit_code) ? unit_code : cur.unit_code;
    if (new_unit && strcmp(new_unit, "-") == 0)
        new_unit = NULL;
    int64_t unit_id = 0;
    db_user_rc_t rc = s_check_role_unit(db, cur.org_id, new_role, new_unit, &unit_id);
    if (rc == DB_USER_OK) {
        db_params_t p = {0};
        db_param_int(&p, cur.id);
        db_param_str(&p, s_nz(full_name));
        db_param_str(&p, new_role);
        if (unit_id)
            db_param_int(&p, unit_id);
        else
            db_param_str(&p, NULL);
        db_param_str(&p, s_nz(public_key));
        if (disabled >= 0)
            db_param_bool(&p, disabled);
        else
            db_param_str(&p, NULL);
        if (db_exec(db,
                    "UPDATE users SET full_name = coalesce($2, full_name), role = $3,"
                    " unit_id = $4, public_key = coalesce($5, public_key),"
                    " disabled = coalesce($6::boolean, disabled) WHERE id = $1",
                    &p) != 0)
            rc = s_constraint_rc(db);
    }
    user_clear(&cur);
    return rc;
}

int db_user_list(db_t *db, const char *org_code, user_t **out)
{
    db_params_t p = {0};
    db_param_str(&p, s_nz(org_code));
    db_res_t *r =
        db_query(db, USER_SELECT "WHERE $1::text IS NULL OR o.code = $1 ORDER BY u.name", &p);
    if (!r)
        return -1;
    int n = db_res_rows(r);
    *out = xcalloc((size_t)n, sizeof **out);
    for (int i = 0; i < n; i++)
        s_row(r, i, &(*out)[i]);
    db_res_free(&r);
    return n;
}

void users_free(user_t *users, int n)
{
    for (int i = 0; i < n; i++)
        user_clear(&users[i]);
    free(users);
}

int db_users_revoke(db_t *db, const char *user_name, const char *org_code)
{
    db_params_t p = {0};
    db_param_str(&p, user_name);
    db_param_str(&p, org_code);
    return db_exec(db,
                   "SELECT pg_notify('lkip_users', coalesce("
                   " (SELECT 'u:' || id FROM users WHERE name = $1),"
                   " (SELECT 'o:' || id FROM organisations WHERE code = $2), ''))",
                   &p);
}

int db_directory_version(db_t *db, int64_t *version)
{
    db_res_t *r = NULL;
    if (db_query_one(db, "SELECT version FROM directory_version", NULL, &r) != DB_FOUND) {
        db_res_free(&r);
        return -1;
    }
    *version = db_res_int(r, 0, 0);
    db_res_free(&r);
    return 0;
}

int db_directory_load(db_t *db, user_t **out, int64_t *version)
{
    if (db_directory_version(db, version) != 0)
        return -1;
    return db_user_list(db, NULL, out);
}
