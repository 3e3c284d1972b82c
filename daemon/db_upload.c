/* db_upload — see db_upload.h. */
#include "db_upload.h"

#include <stdio.h>
#include <stdlib.h>

static void s_param_u64(db_params_t *p, uint64_t v)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%llu", (unsigned long long)v);
    db_param_str(p, buf);
}

/* Fills state from the pieces of (user, upload): the bytes held from 0 without a gap, and the
 * user's total. Pieces never overlap (the caller aligns them to chunks). */
static int s_state(db_t *db, int64_t user_id, uint64_t upload_id, db_upload_state_t *state)
{
    db_params_t p = {0};
    db_param_int(&p, user_id);
    s_param_u64(&p, upload_id);
    db_res_t *r = db_query(db,
                           "SELECT size, off, length(data),"
                           " (SELECT sum(length(data)) FROM upload_chunks WHERE user_id = $1)"
                           " FROM upload_chunks WHERE user_id = $1 AND upload_id = $2"
                           " ORDER BY off",
                           &p);
    if (!r)
        return -1;
    *state = (db_upload_state_t){0};
    for (int i = 0; i < db_res_rows(r); i++) {
        state->size = db_res_int(r, i, 0);
        state->staged = db_res_int(r, i, 3);
        if (db_res_int(r, i, 1) == state->received)
            state->received += db_res_int(r, i, 2);
    }
    db_res_free(&r);
    if (state->staged == 0) { /* nothing of this upload: the user's total still counts */
        db_params_t q = {0};
        db_param_int(&q, user_id);
        r = db_query(db,
                     "SELECT coalesce(sum(length(data)), 0) FROM upload_chunks"
                     " WHERE user_id = $1",
                     &q);
        if (!r)
            return -1;
        state->staged = db_res_int(r, 0, 0);
        db_res_free(&r);
    }
    return 0;
}

int db_upload_stage(db_t *db, int64_t user_id, uint64_t upload_id, int64_t size, int64_t offset,
                    const void *data, size_t len, db_upload_state_t *state)
{
    if (data) {
        db_params_t p = {0};
        db_param_int(&p, user_id);
        s_param_u64(&p, upload_id);
        db_param_int(&p, size);
        db_param_int(&p, offset);
        db_param_bytes(&p, data, len);
        if (db_exec(db,
                    "INSERT INTO upload_chunks (user_id, upload_id, size, off, data)"
                    " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id, upload_id, off)"
                    " DO UPDATE SET data = EXCLUDED.data, size = EXCLUDED.size, at = now()",
                    &p) != 0)
            return -1;
    }
    return s_state(db, user_id, upload_id, state);
}

int db_upload_take(db_t *db, int64_t user_id, uint64_t upload_id, uint8_t **content, size_t *len,
                   db_upload_state_t *state)
{
    *content = NULL;
    *len = 0;
    if (s_state(db, user_id, upload_id, state) != 0)
        return -1;
    if (state->size == 0 || state->received != state->size)
        return 0;
    db_params_t p = {0};
    db_param_int(&p, user_id);
    s_param_u64(&p, upload_id);
    db_res_t *r = db_query(db,
                           "WITH d AS (DELETE FROM upload_chunks WHERE user_id = $1"
                           " AND upload_id = $2 RETURNING off, data)"
                           " SELECT string_agg(data, ''::bytea ORDER BY off) FROM d",
                           &p);
    if (!r)
        return -1;
    *content = db_res_bytes(r, 0, 0, len);
    db_res_free(&r);
    return 1;
}

int db_upload_prune(db_t *db, int hours, int batch)
{
    db_params_t p = {0};
    db_param_int(&p, hours);
    db_param_int(&p, batch);
    db_res_t *r = db_query(db,
                           "DELETE FROM upload_chunks WHERE ctid IN (SELECT ctid FROM"
                           " upload_chunks WHERE at < now() - make_interval(hours => $1::int)"
                           " LIMIT $2)",
                           &p);
    if (!r)
        return -1;
    int n = (int)db_res_affected(r);
    db_res_free(&r);
    return n;
}
