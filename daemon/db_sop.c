/* db_sop — see db_sop.h. */
#include "db_sop.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SOP_SELECT                                                                                 \
    "SELECT id, code, version, number, title, steps, sha256,"                                      \
    " extract(epoch FROM loaded_at)::bigint FROM sop_definitions "

void db_sop_info_clear(db_sop_info_t *info)
{
    free(info->code);
    free(info->number);
    free(info->title);
    free(info->sha256);
    memset(info, 0, sizeof *info);
}

static void s_row(const db_res_t *r, int i, db_sop_info_t *o)
{
    o->id = db_res_int(r, i, 0);
    o->code = db_res_dup(r, i, 1);
    o->version = (int)db_res_int(r, i, 2);
    o->number = db_res_dup(r, i, 3);
    o->title = db_res_dup(r, i, 4);
    o->steps = (int)db_res_int(r, i, 5);
    o->sha256 = db_res_dup(r, i, 6);
    o->loaded_at = db_res_int(r, i, 7);
}

int db_sop_store(db_t *db, const sopdef_t *def, const char *name, const char *source, size_t len,
                 int64_t user_id, db_sop_info_t *out, bool *created)
{
    char sha[65];
    sha256_hex(source, len, sha);
    db_params_t p = {0};
    db_param_str(&p, def->code);
    /* the lock makes concurrent loads of one code take turns for the version number */
    if (db_exec(db, "SELECT pg_advisory_xact_lock(hashtext('sop:' || $1))", &p) != 0)
        return -1;
    db_param_str(&p, def->code);
    db_res_t *r = db_query(db, SOP_SELECT "WHERE code = $1 ORDER BY version DESC LIMIT 1", &p);
    if (!r)
        return -1;
    if (db_res_rows(r) == 1 && strcmp(db_res_str(r, 0, 6), sha) == 0) {
        s_row(r, 0, out);
        db_res_free(&r);
        *created = false;
        return 0;
    }
    int version = db_res_rows(r) == 1 ? (int)db_res_int(r, 0, 2) + 1 : 1;
    db_res_free(&r);
    db_param_str(&p, def->code);
    db_param_int(&p, version);
    db_param_str(&p, def->number);
    db_param_str(&p, def->title);
    db_param_int(&p, def->n_steps);
    db_param_str(&p, name);
    /* the text was checked as UTF-8 by the parser */
    char *text = xstrndup(source, len);
    db_param_str(&p, text);
    free(text);
    db_param_str(&p, sha);
    if (user_id)
        db_param_int(&p, user_id);
    else
        db_param_str(&p, NULL);
    r = db_query(db,
                 "INSERT INTO sop_definitions (code, version, number, title, steps, source_name,"
                 " source, sha256, loaded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
                 " RETURNING id, code, version, number, title, steps, sha256,"
                 " extract(epoch FROM loaded_at)::bigint",
                 &p);
    if (!r)
        return -1;
    s_row(r, 0, out);
    db_res_free(&r);
    *created = true;
    return 0;
}

int db_sop_list(db_t *db, db_sop_info_t **out)
{
    db_res_t *r = db_query(db, SOP_SELECT "ORDER BY code, version", NULL);
    if (!r)
        return -1;
    int n = db_res_rows(r);
    *out = xcalloc((size_t)n, sizeof **out);
    for (int i = 0; i < n; i++)
        s_row(r, i, &(*out)[i]);
    db_res_free(&r);
    return n;
}

void db_sop_list_free(db_sop_info_t *list, int n)
{
    for (int i = 0; i < n; i++)
        db_sop_info_clear(&list[i]);
    free(list);
}

db_lookup_t db_sop_latest(db_t *db, const char *code, int64_t *def_id, int *version)
{
    db_params_t p = {0};
    db_param_str(&p, code);
    db_res_t *r;
    db_lookup_t rc = db_query_one(
        db, "SELECT id, version FROM sop_definitions WHERE code = $1 ORDER BY version DESC LIMIT 1",
        &p, &r);
    if (rc == DB_FOUND) {
        *def_id = db_res_int(r, 0, 0);
        *version = (int)db_res_int(r, 0, 1);
    }
    db_res_free(&r);
    return rc;
}

db_lookup_t db_sop_source(db_t *db, int64_t def_id, char **name, char **source, size_t *len)
{
    db_params_t p = {0};
    db_param_int(&p, def_id);
    db_res_t *r;
    db_lookup_t rc =
        db_query_one(db, "SELECT source_name, source FROM sop_definitions WHERE id = $1", &p, &r);
    if (rc == DB_FOUND) {
        *name = db_res_dup(r, 0, 0);
        *source = db_res_dup(r, 0, 1);
        *len = strlen(*source);
    }
    db_res_free(&r);
    return rc;
}

int db_roles_missing(db_t *db, const char *const *roles, int n, char *missing, size_t len)
{
    missing[0] = '\0';
    for (int i = 0; i < n; i++) {
        if (!roles[i] || !*roles[i])
            continue;
        db_params_t p = {0};
        db_param_str(&p, roles[i]);
        db_res_t *r = db_query(db, "SELECT 1 FROM roles WHERE code = $1", &p);
        if (!r)
            return -1;
        bool found = db_res_rows(r) == 1;
        db_res_free(&r);
        if (!found) {
            snprintf(missing, len, "%s", roles[i]);
            return 0;
        }
    }
    return 0;
}
