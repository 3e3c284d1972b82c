/* db_audit — see db_audit.h. */
#include "db_audit.h"

#include <stdio.h>

static void s_param_id(db_params_t *p, int64_t v)
{
    if (v)
        db_param_int(p, v);
    else
        db_param_str(p, NULL);
}

int db_audit_add(db_t *db, int64_t user_id, const char *command, int status, const char *code,
                 int64_t instance_id, int step_no, const char *detail)
{
    db_params_t p = {0};
    s_param_id(&p, user_id);
    db_param_str(&p, command);
    db_param_int(&p, status);
    db_param_str(&p, code);
    s_param_id(&p, instance_id);
    s_param_id(&p, step_no);
    db_param_str(&p, detail ? detail : "");
    return db_exec(db,
                   "INSERT INTO audit (user_id, command, status, code, instance_id, step_no,"
                   " detail) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                   &p);
}

static void s_param_u64(db_params_t *p, uint64_t v)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%llu", (unsigned long long)v);
    db_param_str(p, buf);
}

int db_request_get(db_t *db, int64_t user_id, uint64_t request_id, uint8_t **reply, size_t *len,
                   char *command, size_t command_len)
{
    db_params_t p = {0};
    db_param_int(&p, user_id);
    s_param_u64(&p, request_id);
    db_res_t *r = db_query(
        db, "SELECT reply, command FROM requests WHERE user_id = $1 AND request_id = $2", &p);
    if (!r)
        return -1;
    int found = db_res_rows(r) == 1;
    if (found) {
        *reply = db_res_bytes(r, 0, 0, len);
        snprintf(command, command_len, "%s", db_res_str(r, 0, 1));
    }
    db_res_free(&r);
    return found;
}

int db_request_prune(db_t *db, int days, int batch)
{
    db_params_t p = {0};
    db_param_int(&p, days);
    db_param_int(&p, batch);
    db_res_t *r = db_query(db,
                           "DELETE FROM requests WHERE ctid IN (SELECT ctid FROM requests"
                           " WHERE at < now() - make_interval(days => $1::int) LIMIT $2)",
                           &p);
    if (!r)
        return -1;
    int n = (int)db_res_affected(r);
    db_res_free(&r);
    return n;
}

int db_request_accept(db_t *db, int64_t user_id, uint64_t request_id, const char *command,
                      const uint8_t *reply, size_t len, int status, const char *code,
                      int64_t instance_id, int step_no, const char *detail, const char *acting_as)
{
    db_params_t p = {0};
    db_param_int(&p, user_id);
    s_param_u64(&p, request_id);
    db_param_str(&p, command);
    db_param_bytes(&p, reply, len);
    db_param_int(&p, status);
    db_param_str(&p, code);
    s_param_id(&p, instance_id);
    s_param_id(&p, step_no);
    db_param_str(&p, detail ? detail : "");
    db_param_str(&p, acting_as ? acting_as : "");
    db_res_t *r = db_query(db,
                           "WITH a AS (INSERT INTO audit (user_id, command, status, code,"
                           "  instance_id, step_no, detail, acting_as)"
                           "  VALUES ($1, $3, $5, $6, $7, $8, $9, $10))"
                           " INSERT INTO requests (user_id, request_id, command, reply)"
                           " VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, request_id)"
                           " DO NOTHING RETURNING 1",
                           &p);
    if (!r)
        return -1;
    int stored = db_res_rows(r) == 1;
    db_res_free(&r);
    return stored;
}

/* ---- a whole batch ------------------------------------------------------------------------- */

static void s_audit_row(db_auditset_t *s, int64_t user_id, const char *command, int status,
                        const char *code, int64_t instance_id, int step_no, const char *detail,
                        const char *acting_as)
{
    db_array_id(&s->a[0], user_id);
    db_array_str(&s->a[1], command);
    db_array_int(&s->a[2], status);
    db_array_str(&s->a[3], code);
    db_array_id(&s->a[4], instance_id);
    db_array_id(&s->a[5], step_no);
    db_array_str(&s->a[6], detail ? detail : "");
    db_array_str(&s->a[7], acting_as ? acting_as : "");
    s->n_audit++;
}

void db_auditset_refused(db_auditset_t *s, int64_t user_id, const char *command, int status,
                         const char *code, int64_t instance_id, int step_no, const char *detail)
{
    s_audit_row(s, user_id, command, status, code, instance_id, step_no, detail, "");
}

void db_auditset_accepted(db_auditset_t *s, int64_t user_id, uint64_t request_id,
                          const char *command, const uint8_t *reply, size_t len, int status,
                          const char *code, int64_t instance_id, int step_no, const char *detail,
                          const char *acting_as)
{
    s_audit_row(s, user_id, command, status, code, instance_id, step_no, detail, acting_as);
    db_array_int(&s->r[0], user_id);
    db_array_u64(&s->r[1], request_id);
    db_array_str(&s->r[2], command);
    db_array_hex(&s->r[3], reply, len);
    s->n_stored++;
}

int db_auditset_add(db_auditset_t *s, db_pipe_t *pipe)
{
    int stored = -1;
    if (s->n_audit) {
        db_params_t p = {0};
        for (int k = 0; k < 8; k++)
            db_array_param(&p, &s->a[k]);
        db_pipe_add(pipe,
                    "INSERT INTO audit (user_id, command, status, code, instance_id, step_no,"
                    " detail, acting_as) SELECT * FROM unnest($1::bigint[], $2::text[],"
                    " $3::int[], $4::text[], $5::bigint[], $6::int[], $7::text[], $8::text[])",
                    &p);
    }
    if (s->n_stored) {
        db_params_t p = {0};
        for (int k = 0; k < 4; k++)
            db_array_param(&p, &s->r[k]);
        db_param_int(&p, s->n_stored);
        /* fewer rows stored than given: the statement fails (SQLSTATE DB_STORED_ALREADY) */
        stored = db_pipe_add(pipe,
                             "WITH ins AS (INSERT INTO requests (user_id, request_id, command,"
                             " reply) SELECT * FROM unnest($1::bigint[], $2::numeric[],"
                             " $3::text[], $4::bytea[]) ON CONFLICT (user_id, request_id)"
                             " DO NOTHING RETURNING 1)"
                             " SELECT batch_stored_all((SELECT count(*) FROM ins), $5)",
                             &p);
    }
    db_auditset_free(s);
    return stored;
}

void db_auditset_free(db_auditset_t *s)
{
    for (int k = 0; k < 8; k++)
        db_array_free(&s->a[k]);
    for (int k = 0; k < 4; k++)
        db_array_free(&s->r[k]);
    s->n_audit = s->n_stored = 0;
}

void db_request_find_many(db_pipe_t *pipe, const int64_t *users, const uint64_t *request_ids,
                          int n)
{
    db_array_t u = {0}, id = {0};
    for (int k = 0; k < n; k++) {
        db_array_int(&u, users[k]);
        db_array_u64(&id, request_ids[k]);
    }
    db_params_t p = {0};
    db_array_param(&p, &u);
    db_array_param(&p, &id);
    /* one index probe per request whatever the statistics say (LIMIT keeps the planner from
     * flattening the subquery into a join that a cached generic plan may run as a scan) */
    db_pipe_add(pipe,
                "SELECT r.user_id, r.request_id::text"
                " FROM unnest($1::bigint[], $2::numeric[]) AS w(user_id, request_id)"
                " CROSS JOIN LATERAL (SELECT user_id, request_id FROM requests"
                "  WHERE user_id = w.user_id AND request_id = w.request_id LIMIT 1) r",
                &p);
}
