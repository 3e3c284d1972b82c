/* db_format — see db_format.h. */
#include "db_format.h"

#include <stdlib.h>
#include <string.h>

#define EPOCH(col) "coalesce(extract(epoch FROM " col ")::bigint, 0)"

/* The columns of a db_format_row_t, in s_row's order; the content follows when asked for. */
#define INFO_COLUMNS                                                                               \
    "n.code, n.name, f.version, f.format_id, f.file_name, f.size, f.sha256, f.indicators,"         \
    " v.version, " EPOCH("f.made_at") ", u.name"
#define INFO_FROM                                                                                  \
    " FROM unit_formats f JOIN units n ON n.id = f.unit_id"                                        \
    " JOIN pk_versions v ON v.id = f.pk_id JOIN users u ON u.id = f.made_by"

int db_format_store(db_t *db, int64_t instance_id, int64_t unit_id, const char *format_id,
                    int64_t pk_id, const char *file_name, const void *content, size_t len,
                    int indicators, int64_t user_id, int64_t now, int *version)
{
    char sha[65];
    sha256_hex(content, len, sha);
    db_params_t p = {0};
    db_param_int(&p, instance_id);
    db_param_int(&p, unit_id);
    db_param_str(&p, format_id);
    db_param_int(&p, pk_id);
    db_param_str(&p, file_name);
    db_param_int(&p, (int64_t)len);
    db_param_str(&p, sha);
    db_param_bytes(&p, content, len);
    db_param_int(&p, indicators);
    db_param_int(&p, user_id);
    db_param_int(&p, now);
    /* the caller holds the instance's row lock: max(version) + 1 cannot race */
    db_res_t *r = db_query(db,
                           "INSERT INTO unit_formats (instance_id, unit_id, version, format_id,"
                           " pk_id, file_name, size, sha256, content, indicators, made_by,"
                           " made_at) SELECT $1, $2, coalesce(max(version), 0) + 1, $3, $4, $5,"
                           " $6, $7, $8, $9, $10, to_timestamp($11) FROM unit_formats"
                           " WHERE instance_id = $1 AND unit_id = $2 RETURNING version",
                           &p);
    if (!r)
        return -1;
    *version = (int)db_res_int(r, 0, 0);
    db_res_free(&r);
    return 0;
}

static void s_row(const db_res_t *r, int i, db_format_row_t *f)
{
    *f = (db_format_row_t){
        .unit_code = db_res_dup(r, i, 0),
        .unit_name = db_res_dup(r, i, 1),
        .version = (int)db_res_int(r, i, 2),
        .format_id = db_res_dup(r, i, 3),
        .file_name = db_res_dup(r, i, 4),
        .size = db_res_int(r, i, 5),
        .sha256 = db_res_dup(r, i, 6),
        .indicators = (int)db_res_int(r, i, 7),
        .pk_version = (int)db_res_int(r, i, 8),
        .made_at = db_res_int(r, i, 9),
        .made_by = db_res_dup(r, i, 10),
    };
}

void db_format_row_clear(db_format_row_t *row)
{
    free(row->unit_code);
    free(row->unit_name);
    free(row->format_id);
    free(row->file_name);
    free(row->sha256);
    free(row->made_by);
    free(row->content);
    memset(row, 0, sizeof *row);
}

void db_format_rows_free(db_format_row_t *rows, int n)
{
    for (int i = 0; rows && i < n; i++)
        db_format_row_clear(&rows[i]);
    free(rows);
}

int db_format_list(db_t *db, int64_t instance_id, db_format_row_t **rows)
{
    *rows = NULL;
    db_params_t p = {0};
    db_param_int(&p, instance_id);
    db_res_t *r = db_query(db,
                           "SELECT DISTINCT ON (n.code) " INFO_COLUMNS INFO_FROM
                           " WHERE f.instance_id = $1 ORDER BY n.code, f.version DESC",
                           &p);
    if (!r)
        return -1;
    int n = db_res_rows(r);
    *rows = xcalloc((size_t)n + 1, sizeof **rows);
    for (int i = 0; i < n; i++)
        s_row(r, i, &(*rows)[i]);
    db_res_free(&r);
    return n;
}

db_lookup_t db_format_get(db_t *db, int64_t instance_id, const char *unit_code,
                          db_format_row_t *row)
{
    memset(row, 0, sizeof *row);
    db_params_t p = {0};
    db_param_int(&p, instance_id);
    db_param_str(&p, unit_code);
    db_res_t *r;
    db_lookup_t rc = db_query_one(db,
                                  "SELECT " INFO_COLUMNS ", f.content" INFO_FROM
                                  " WHERE f.instance_id = $1 AND n.code = $2"
                                  " ORDER BY f.version DESC LIMIT 1",
                                  &p, &r);
    if (rc != DB_FOUND)
        return rc;
    s_row(r, 0, row);
    row->content = db_res_bytes(r, 0, 11, &row->content_len);
    db_res_free(&r);
    return DB_FOUND;
}

db_lookup_t db_format_known(db_t *db, const char *format_id, int64_t instance_id, int64_t unit_id)
{
    db_params_t p = {0};
    db_param_str(&p, format_id);
    db_param_int(&p, instance_id);
    db_param_int(&p, unit_id);
    db_res_t *r;
    db_lookup_t rc = db_query_one(db,
                                  "SELECT 1 FROM unit_formats WHERE format_id = $1"
                                  " AND instance_id = $2 AND unit_id = $3",
                                  &p, &r);
    db_res_free(&r);
    return rc;
}
