/* db_org — see db_org.h. */
#include "db_org.h"

#include <stdlib.h>
#include <string.h>

#define ORG_SELECT                                                                                 \
    "SELECT id, code, name, disabled, letter_template, letter_kka, time_zone, calendar_version"    \
    " FROM organisations "
#define UNIT_SELECT                                                                                \
    "SELECT u.id, u.org_id, o.code, u.code, u.name, u.disabled FROM units u"                       \
    " JOIN organisations o ON o.id = u.org_id "

void db_org_clear(db_org_t *o)
{
    free(o->code);
    free(o->name);
    free(o->letter_template);
    free(o->letter_kka);
    free(o->time_zone);
    memset(o, 0, sizeof *o);
}

void db_unit_clear(db_unit_t *u)
{
    free(u->org_code);
    free(u->code);
    free(u->name);
    memset(u, 0, sizeof *u);
}

static void s_org_row(const db_res_t *r, int i, db_org_t *o)
{
    o->id = db_res_int(r, i, 0);
    o->code = db_res_dup(r, i, 1);
    o->name = db_res_dup(r, i, 2);
    o->disabled = db_res_bool(r, i, 3);
    o->letter_template = db_res_dup(r, i, 4);
    o->letter_kka = db_res_dup(r, i, 5);
    o->time_zone = db_res_dup(r, i, 6);
    o->calendar_version = (int)db_res_int(r, i, 7);
}

static void s_unit_row(const db_res_t *r, int i, db_unit_t *u)
{
    u->id = db_res_int(r, i, 0);
    u->org_id = db_res_int(r, i, 1);
    u->org_code = db_res_dup(r, i, 2);
    u->code = db_res_dup(r, i, 3);
    u->name = db_res_dup(r, i, 4);
    u->disabled = db_res_bool(r, i, 5);
}

db_lookup_t db_org_by_code(db_t *db, const char *code, db_org_t *out)
{
    db_params_t p = {0};
    db_param_str(&p, code);
    db_res_t *r;
    db_lookup_t rc = db_query_one(db, ORG_SELECT "WHERE code = $1", &p, &r);
    if (rc == DB_FOUND)
        s_org_row(r, 0, out);
    db_res_free(&r);
    return rc;
}

db_lookup_t db_unit_by_code(db_t *db, int64_t org_id, const char *code, db_unit_t *out)
{
    db_params_t p = {0};
    db_param_int(&p, org_id);
    db_param_str(&p, code);
    db_res_t *r;
    db_lookup_t rc = db_query_one(db, UNIT_SELECT "WHERE u.org_id = $1 AND u.code = $2", &p, &r);
    if (rc == DB_FOUND)
        s_unit_row(r, 0, out);
    db_res_free(&r);
    return rc;
}

/* Runs an INSERT ... ON CONFLICT DO NOTHING; *taken when nothing was inserted. */
static int s_insert(db_t *db, const char *sql, db_params_t *p, bool *taken)
{
    db_res_t *r = db_query(db, sql, p);
    if (!r)
        return -1;
    *taken = db_res_affected(r) == 0;
    db_res_free(&r);
    return 0;
}

int db_org_add(db_t *db, const char *code, const char *name, const char *letter_template,
               const char *letter_kka, const char *time_zone, bool *taken)
{
    db_params_t p = {0};
    db_param_str(&p, code);
    db_param_str(&p, name);
    db_param_str(&p, letter_template);
    db_param_str(&p, letter_kka);
    db_param_str(&p, time_zone);
    return s_insert(db,
                    "INSERT INTO organisations (code, name, letter_template, letter_kka,"
                    " time_zone) VALUES ($1, $2,"
                    " coalesce($3, '{kka}/{org}/{seq:03}/{month_roman}/{year}'),"
                    " coalesce($4, '000'), coalesce($5, 'Asia/Makassar'))"
                    " ON CONFLICT (code) DO NOTHING",
                    &p, taken);
}

/* Runs an UPDATE; *found when it touched a row. */
static int s_update(db_t *db, const char *sql, db_params_t *p, bool *found)
{
    db_res_t *r = db_query(db, sql, p);
    if (!r)
        return -1;
    *found = db_res_affected(r) > 0;
    db_res_free(&r);
    return 0;
}

static void s_param_bool_or_null(db_params_t *p, int v)
{
    if (v >= 0)
        db_param_bool(p, v);
    else
        db_param_str(p, NULL);
}

int db_org_set(db_t *db, const char *code, const char *name, const char *letter_template,
               const char *letter_kka, const char *time_zone, int disabled, bool *found)
{
    db_params_t p = {0};
    db_param_str(&p, code);
    db_param_str(&p, name);
    db_param_str(&p, letter_template);
    db_param_str(&p, letter_kka);
    db_param_str(&p, time_zone);
    s_param_bool_or_null(&p, disabled);
    return s_update(db,
                    "UPDATE organisations SET name = coalesce($2, name),"
                    " letter_template = coalesce($3, letter_template),"
                    " letter_kka = coalesce($4, letter_kka),"
                    " time_zone = coalesce($5, time_zone),"
                    " disabled = coalesce($6::boolean, disabled) WHERE code = $1",
                    &p, found);
}

int db_org_list(db_t *db, db_org_t **out)
{
    db_res_t *r = db_query(db, ORG_SELECT "ORDER BY code", NULL);
    if (!r)
        return -1;
    int n = db_res_rows(r);
    *out = xcalloc((size_t)n, sizeof **out);
    for (int i = 0; i < n; i++)
        s_org_row(r, i, &(*out)[i]);
    db_res_free(&r);
    return n;
}

void db_orgs_free(db_org_t *orgs, int n)
{
    for (int i = 0; i < n; i++)
        db_org_clear(&orgs[i]);
    free(orgs);
}

int db_unit_add(db_t *db, int64_t org_id, const char *code, const char *name, bool *taken)
{
    db_params_t p = {0};
    db_param_int(&p, org_id);
    db_param_str(&p, code);
    db_param_str(&p, name);
    return s_insert(db,
                    "INSERT INTO units (org_id, code, name) VALUES ($1, $2, $3)"
                    " ON CONFLICT (org_id, code) DO NOTHING",
                    &p, taken);
}

int db_unit_set(db_t *db, int64_t org_id, const char *code, const char *name, int disabled,
                bool *found)
{
    db_params_t p = {0};
    db_param_int(&p, org_id);
    db_param_str(&p, code);
    db_param_str(&p, name);
    s_param_bool_or_null(&p, disabled);
    return s_update(db,
                    "UPDATE units SET name = coalesce($3, name),"
                    " disabled = coalesce($4::boolean, disabled)"
                    " WHERE org_id = $1 AND code = $2",
                    &p, found);
}

int db_unit_list(db_t *db, int64_t org_id, db_unit_t **out)
{
    db_params_t p = {0};
    db_param_int(&p, org_id);
    db_res_t *r =
        db_query(db, UNIT_SELECT "WHERE $1 = 0 OR u.org_id = $1 ORDER BY o.code, u.code", &p);
    if (!r)
        return -1;
    int n = db_res_rows(r);
    *out = xcalloc((size_t)n, sizeof **out);
    for (int i = 0; i < n; i++)
        s_unit_row(r, i, &(*out)[i]);
    db_res_free(&r);
    return n;
}

void db_units_list_free(db_unit_t *units, int n)
{
    for (int i = 0; i < n; i++)
        db_unit_clear(&units[i]);
    free(units);
}
