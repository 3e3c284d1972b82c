/* db_flow — see db_flow.h. Times cross this boundary as unix seconds. */
#include "db_flow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void s_param_time(db_params_t *p, int64_t t)
{
    if (t)
        db_param_int(p, t);
    else
        db_param_str(p, NULL);
}

void db_instance_clear(db_instance_t *inst)
{
    free(inst->org_code);
    free(inst->time_zone);
    free(inst->letter_template);
    free(inst->letter_kka);
    free(inst->sop_code);
    free(inst->period);
    memset(inst, 0, sizeof *inst);
}

static bool s_all_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

db_lookup_t db_flow_resolve(db_t *db, int64_t org_id, const char *ref, int64_t *id, bool *several)
{
    *several = false;
    db_params_t p = {0};
    db_param_int(&p, org_id);
    const char *sql;
    const char *slash = strchr(ref, '/');
    if (s_all_digits(ref) && strlen(ref) < 18) {
        db_param_int(&p, strtoll(ref, NULL, 10));
        sql = "SELECT id FROM instances WHERE org_id = $1 AND id = $2";
    } else if (slash) {
        char *code = xstrndup(ref, (size_t)(slash - ref));
        db_param_str(&p, code);
        db_param_str(&p, slash + 1);
        free(code);
        sql = "SELECT id FROM instances WHERE org_id = $1 AND sop_code = upper($2)"
              " AND period = $3";
    } else if (!*ref) {
        /* the only active one; with none active, the newest finished one */
        sql = "SELECT id, state = 'active' FROM instances WHERE org_id = $1"
              " ORDER BY state = 'active' DESC, id DESC LIMIT 2";
    } else {
        db_params_free(&p);
        return DB_NOT_FOUND;
    }
    db_res_t *r = db_query(db, sql, &p);
    if (!r)
        return DB_FAILED;
    db_lookup_t rc = DB_NOT_FOUND;
    int rows = db_res_rows(r);
    if (!*ref && rows == 2 && db_res_bool(r, 1, 1))
        *several = true; /* two active ones: the caller must say which */
    else if (rows >= 1 && (*ref || rows == 1 || !db_res_bool(r, 1, 1))) {
        *id = db_res_int(r, 0, 0);
        rc = DB_FOUND;
    }
    db_res_free(&r);
    return rc;
}

/* The instance with what the engine needs; the WHERE clause follows. Its documents and unit
 * tasks are counted per instance through their indexes (as EXISTS subqueries, a cached generic
 * plan hashed the whole documents table once the batch named several instances). */
#define LOAD_COLUMNS                                                                               \
    "SELECT i.id, i.org_id, o.code, o.time_zone, o.letter_template, o.letter_kka,"                 \
    " o.calendar_version, i.def_id, i.sop_code, i.period, i.state = 'active',"                     \
    " coalesce(i.current_step, 0), coalesce(r.id, 0), coalesce(r.round, 0),"                       \
    " coalesce(extract(epoch FROM r.assigned_at)::bigint, 0), dc.upload_in_round, dc.any,"         \
    " ut.total, ut.submitted, coalesce(i.pk_id, 0), coalesce((SELECT v.version FROM"               \
    "   pk_versions v WHERE v.id = i.pk_id), 0), dc.draft_in_round"
/* dc also holds what an archive records (db_flow_archive's choice: the newest upload, else the
 * newest version), for the set path's load; the other loads leave it unread. */
#define LOAD_JOINS                                                                                 \
    " JOIN organisations o ON o.id = i.org_id"                                                     \
    " LEFT JOIN step_runs r ON r.instance_id = i.id AND r.state = 'active'"                        \
    " CROSS JOIN LATERAL (SELECT coalesce(bool_or(d.kind = 'upload' AND d.step_no = r.step_no"     \
    "   AND d.round = r.round), false) AS upload_in_round, count(*) > 0 AS any,"                   \
    "   coalesce(bool_or(d.kind = 'draft' AND d.step_no = r.step_no AND d.round = r.round),"       \
    "   false) AS draft_in_round, coalesce(max(d.version), 0) AS last_version,"                    \
    "   coalesce((array_agg(d.version ORDER BY d.kind = 'upload' DESC, d.version DESC))[1], 0)"    \
    "   AS archivable, coalesce((array_agg(d.sha256 ORDER BY d.kind = 'upload' DESC,"              \
    "   d.version DESC))[1], '') AS archivable_sha256"                                             \
    "   FROM documents d WHERE d.instance_id = i.id) dc"                                           \
    " CROSS JOIN LATERAL (SELECT count(*) AS total, count(*) FILTER (WHERE t.state ="              \
    "   'submitted') AS submitted FROM unit_tasks t WHERE t.instance_id = i.id) ut"
#define LOAD_SELECT LOAD_COLUMNS " FROM instances i" LOAD_JOINS
#define BY_ID     " WHERE i.org_id = $1 AND i.id = $2"
#define BY_PERIOD " WHERE i.org_id = $1 AND i.sop_code = upper($2) AND i.period = $3"
#define LOCKED    " FOR UPDATE OF i"

/* Fills out from row of a result of LOAD_COLUMNS. */
static void s_fill(const db_res_t *r, int row, db_instance_t *out)
{
    out->id = db_res_int(r, row, 0);
    out->org_id = db_res_int(r, row, 1);
    out->org_code = db_res_dup(r, row, 2);
    out->time_zone = db_res_dup(r, row, 3);
    out->letter_template = db_res_dup(r, row, 4);
    out->letter_kka = db_res_dup(r, row, 5);
    out->calendar_version = (int)db_res_int(r, row, 6);
    out->def_id = db_res_int(r, row, 7);
    out->sop_code = db_res_dup(r, row, 8);
    out->period = db_res_dup(r, row, 9);
    out->active = db_res_bool(r, row, 10);
    out->current_step = (int)db_res_int(r, row, 11);
    out->run_id = db_res_int(r, row, 12);
    out->round = (int)db_res_int(r, row, 13);
    out->run_assigned_at = db_res_int(r, row, 14);
    out->doc_in_round = db_res_bool(r, row, 15);
    out->has_document = db_res_bool(r, row, 16);
    out->units_total = (int)db_res_int(r, row, 17);
    out->units_submitted = (int)db_res_int(r, row, 18);
    out->pk_id = db_res_int(r, row, 19);
    out->pk_version = (int)db_res_int(r, row, 20);
    out->draft_in_round = db_res_bool(r, row, 21);
}
#define LOAD_NCOLS 22

/* Runs one of the load statements and fills out. */
static db_lookup_t s_load(db_t *db, const char *sql, db_params_t *p, db_instance_t *out)
{
    db_res_t *r;
    db_lookup_t rc = db_query_one(db, sql, p, &r);
    if (rc != DB_FOUND)
        return rc;
    s_fill(r, 0, out);
    db_res_free(&r);
    return DB_FOUND;
}

db_lookup_t db_flow_load(db_t *db, int64_t org_id, int64_t id, bool lock, db_instance_t *out)
{
    db_params_t p = {0};
    db_param_int(&p, org_id);
    db_param_int(&p, id);
    return s_load(db, lock ? LOAD_SELECT BY_ID LOCKED : LOAD_SELECT BY_ID, &p, out);
}

db_lookup_t db_flow_find(db_t *db, int64_t org_id, const char *ref, bool lock, db_instance_t *out,
                         bool *several)
{
    *several = false;
    const char *slash = strchr(ref, '/');
    if (!*ref) {
        int64_t id = 0;
        db_lookup_t rc = db_flow_resolve(db, org_id, ref, &id, several);
        return rc == DB_FOUND ? db_flow_load(db, org_id, id, lock, out) : rc;
    }
    if (s_all_digits(ref) && strlen(ref) < 18)
        return db_flow_load(db, org_id, strtoll(ref, NULL, 10), lock, out);
    if (!slash)
        return DB_NOT_FOUND;
    db_params_t p = {0};
    db_param_int(&p, org_id);
    char *code = xstrndup(ref, (size_t)(slash - ref));
    db_param_str(&p, code);
    db_param_str(&p, slash + 1);
    free(code);
    return s_load(db, lock ? LOAD_SELECT BY_PERIOD LOCKED : LOAD_SELECT BY_PERIOD, &p, out);
}

int db_flow_create(db_t *db, int64_t org_id, int64_t def_id, const char *sop_code,
                   const char *period, int64_t user_id, const char *as, int64_t now, int64_t *id,
                   bool *exists)
{
    *exists = false;
    db_params_t p = {0};
    db_param_int(&p, org_id);
    db_param_int(&p, def_id);
    db_param_str(&p, sop_code);
    db_param_str(&p, period);
    db_param_int(&p, user_id);
    db_param_int(&p, now);
    db_param_str(&p, as ? as : "");
    /* ON CONFLICT keeps the transaction usable when the period is taken */
    db_res_t *r = db_query(db,
                           "INSERT INTO instances (org_id, def_id, sop_code, period, started_by,"
                           " started_at, started_as) VALUES ($1, $2, $3, $4, $5,"
                           " to_timestamp($6), $7)"
                           " ON CONFLICT (org_id, sop_code, period) DO NOTHING RETURNING id",
                           &p);
    if (!r)
        return -1;
    if (db_res_rows(r) == 1)
        *id = db_res_int(r, 0, 0);
    else
        *exists = true;
    db_res_free(&r);
    return 0;
}

int db_flow_open_run(db_t *db, int64_t instance_id, int step_no, int64_t now, int64_t due,
                     const char *reason, int64_t *run_id)
{
    db_params_t p = {0};
    db_param_int(&p, instance_id);
    db_param_int(&p, step_no);
    db_param_int(&p, now);
    s_param_time(&p, due);
    db_param_str(&p, reason ? reason : "");
    db_res_t *r = db_query(db,
                           "WITH cur AS (UPDATE instances SET current_step = $2 WHERE id = $1)"
                           " INSERT INTO step_runs (instance_id, step_no, round, state,"
                           " assigned_at, due_at, opened_by_return) SELECT $1, $2,"
                           " coalesce(max(round), 0) + 1, 'active', to_timestamp($3),"
                           " to_timestamp($4), $5 FROM step_runs"
                           " WHERE instance_id = $1 AND step_no = $2 RETURNING id",
                           &p);
    if (!r)
        return -1;
    *run_id = db_res_int(r, 0, 0);
    db_res_free(&r);
    return 0;
}

int db_flow_finish_run(db_t *db, int64_t instance_id, const char *outcome, int64_t user_id,
                       const char *as, int64_t now, const char *note)
{
    db_params_t p = {0};
    db_param_int(&p, instance_id);
    db_param_str(&p, strcmp(outcome, "returned") == 0 ? "returned" : "done");
    db_param_str(&p, outcome);
    db_param_int(&p, user_id);
    db_param_int(&p, now);
    db_param_str(&p, note ? note : "");
    db_param_str(&p, as ? as : "");
    return db_exec(
        db,
        "UPDATE step_runs SET state = $2, outcome = $3, finished_by = NULLIF($4::bigint, 0),"
        " finished_at = to_timestamp($5), note = $6, finished_as = $7"
        " WHERE instance_id = $1 AND state = 'active'",
        &p);
}

int db_flow_finish(db_t *db, int64_t instance_id, int64_t now)
{
    db_params_t p = {0};
    db_param_int(&p, instance_id);
    db_param_int(&p, now);
    return db_exec(db,
                   "UPDATE instances SET state = 'done', current_step = NULL,"
                   " finished_at = to_timestamp($2) WHERE id = $1",
                   &p);
}

int db_flow_open_unit_tasks(db_t *db, int64_t instance_id, int64_t org_id, const char *unit_role,
                            int64_t now, int64_t due, db_unit_task_t **tasks)
{
    db_params_t p = {0};
    db_param_int(&p, instance_id);
    db_param_int(&p, org_id);
    db_param_str(&p, unit_role);
    db_param_int(&p, now);
    s_param_time(&p, due);
    db_res_t *r = db_query(db,
                           "INSERT INTO unit_tasks (instance_id, unit_id, unit_role, assigned_at,"
                           " due_at) SELECT $1, id, $3, to_timestamp($4), to_timestamp($5)"
                           " FROM units WHERE org_id = $2 AND NOT disabled ORDER BY code"
                           " RETURNING id, unit_id,"
                           " (SELECT code FROM units u WHERE u.id = unit_id)",
                           &p);
    if (!r)
        return -1;
    int n = db_res_rows(r);
    *tasks = xcalloc((size_t)n, sizeof **tasks);
    for (int i = 0; i < n; i++) {
        (*tasks)[i].task_id = db_res_int(r, i, 0);
        (*tasks)[i].unit_id = db_res_int(r, i, 1);
        (*tasks)[i].unit_code = db_res_dup(r, i, 2);
    }
    db_res_free(&r);
    return n;
}

void db_unit_tasks_free(db_unit_task_t *tasks, int n)
{
    for (int i = 0; i < n; i++)
        free(tasks[i].unit_code);
    free(tasks);
}

db_lookup_t db_flow_unit_task(db_t *db, int64_t instance_id, int64_t unit_id, db_task_state_t *t)
{
    db_params_t p = {0};
    db_param_int(&p, instance_id);
    db_param_int(&p, unit_id);
    db_res_t *r;
    db_lookup_t rc = db_query_one(
        db, "SELECT id, state, version FROM unit_tasks WHERE instance_id = $1 AND unit_id = $2",
        &p, &r);
    if (rc == DB_FOUND) {
        t->id = db_res_int(r, 0, 0);
        snprintf(t->state, sizeof t->state, "%s", db_res_str(r, 0, 1));
        t->version = (int)db_res_int(r, 0, 2);
    }
    db_res_free(&r);
    return rc;
}

int db_flow_close_missing(db_t *db, int64_t instance_id, char **missing)
{
    db_params_t p = {0};
    db_param_int(&p, instance_id);
    db_res_t *r = db_query(db,
                           "WITH m AS (UPDATE unit_tasks SET state = 'missing'"
                           " WHERE instance_id = $1 AND state = 'open' RETURNING unit_id)"
                           " SELECT coalesce(string_agg(u.code, ', ' ORDER BY u.code), ''),"
                           " count(*) FROM m JOIN units u ON u.id = m.unit_id",
                           &p);
    if (!r)
        return -1;
    *missing = db_res_dup(r, 0, 0);
    int n = (int)db_res_int(r, 0, 1);
    db_res_free(&r);
    return n;
}

int db_flow_next_letter_seq(db_t *db, int64_t org_id, int year, int *seq)
{
    db_params_t p = {0};
    db_param_int(&p, org_id);
    db_param_int(&p, year);
    /* the upsert takes the row lock: concurrent allocations queue here, and a rollback hands
     * the number back, so numbers never repeat and never skip */
    db_res_t *r = db_query(db,
                           "INSERT INTO letter_sequences (org_id, year, last_seq)"
                           " VALUES ($1, $2, 1) ON CONFLICT (org_id, year)"
                           " DO UPDATE SET last_seq = letter_sequences.last_seq + 1"
                           " RETURNING last_seq",
                           &p);
    if (!r)
        return -1;
    *seq = (int)db_res_int(r, 0, 0);
    db_res_free(&r);
    return 0;
}

/* Adds sql, whose one parameter is the array orgs[0..n), to pipe. */
static void s_pipe_orgs(db_pipe_t *pipe, const char *sql, const int64_t *orgs, int n)
{
    db_array_t o = {0};
    for (int k = 0; k < n; k++)
        db_array_int(&o, orgs[k]);
    db_params_t p = {0};
    db_array_param(&p, &o);
    db_pipe_add(pipe, sql, &p);
}

void db_flow_letter_seqs(db_pipe_t *pipe, const int64_t *orgs, int n)
{
    s_pipe_orgs(pipe,
                "SELECT org_id, year, last_seq FROM letter_sequences"
                " WHERE org_id = ANY ($1::bigint[])",
                orgs, n);
}

void db_flow_org_units(db_pipe_t *pipe, const int64_t *orgs, int n)
{
    /* as db_flow_open_unit_tasks picks them */
    s_pipe_orgs(pipe,
                "SELECT org_id, id, code FROM units WHERE org_id = ANY ($1::bigint[])"
                " AND NOT disabled ORDER BY org_id, code",
                orgs, n);
}

int db_flow_set_letter(db_t *db, int64_t instance_id, const char *number, int year, int seq)
{
    db_params_t p = {0};
    db_param_int(&p, instance_id);
    db_param_str(&p, number);
    db_param_int(&p, year);
    db_param_int(&p, seq);
    return db_exec(db,
                   "UPDATE instances SET letter_number = $2, letter_year = $3, letter_seq = $4"
                   " WHERE id = $1",
                   &p);
}

int db_flow_store_document(db_t *db, const db_document_new_t *d, int *version, char sha[65])
{
    sha256_hex(d->content, d->len, sha);
    db_params_t p = {0};
    db_param_int(&p, d->instance_id);
    db_param_int(&p, d->step_no);
    db_param_int(&p, d->round);
    db_param_str(&p, d->file_name);
    db_param_int(&p, (int64_t)d->len);
    db_param_str(&p, sha);
    db_param_bytes(&p, d->content, d->len);
    db_param_int(&p, d->user_id);
    db_param_int(&p, d->now);
    db_param_str(&p, d->as ? d->as : "");
    db_param_str(&p, d->draft ? "draft" : "upload");
    db_param_int(&p, d->pages);
    db_res_t *r = db_query(db,
                           "INSERT INTO documents (instance_id, version, step_no, round,"
                           " file_name, size, sha256, content, uploaded_by, uploaded_at,"
                           " uploaded_as, kind, pages) SELECT $1, coalesce(max(version), 0) + 1,"
                           " $2, $3, $4, $5, $6, $7, $8, to_timestamp($9), $10, $11,"
                           " nullif($12::int, 0) FROM documents WHERE instance_id = $1"
                           " RETURNING version",
                           &p);
    if (!r)
        return -1;
    *version = (int)db_res_int(r, 0, 0);
    db_res_free(&r);
    return 0;
}

int db_flow_archive(db_t *db, int64_t instance_id, int64_t user_id, const char *ref, char sha[65],
                    int *version)
{
    db_params_t p = {0};
    db_param_int(&p, instance_id);
    db_param_int(&p, user_id);
    db_param_str(&p, ref ? ref : "");
    db_res_t *r = db_query(db,
                           "WITH d AS (SELECT id, version, sha256 FROM documents"
                           "  WHERE instance_id = $1"
                           "  ORDER BY kind = 'upload' DESC, version DESC LIMIT 1)"
                           " UPDATE instances i SET archive_doc_id = d.id,"
                           "  archive_sha256 = d.sha256, archive_ref = $3, archived_by = $2"
                           " FROM d WHERE i.id = $1 RETURNING d.sha256, d.version",
                           &p);
    if (!r)
        return -1;
    int rc = -1;
    if (db_res_rows(r) == 1) {
        snprintf(sha, 65, "%s", db_res_str(r, 0, 0));
        *version = (int)db_res_int(r, 0, 1);
        rc = 0;
    }
    db_res_free(&r);
    return rc;
}

/* ---- many instances at once (the set path of a batch) ------------------------------------- */

/* The references of the batch (w.idx counts from 1) joined to their instances. */
/* The references and, per reference, the id of the instance it names (m.id), looked up through
 * an index whatever the plan: by id, or by organisation, SOP and period. (Written as a join, a
 * cached generic plan hashed the whole instances table for every batch.) */
#define MANY_PROBE                                                                                 \
    " FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::bigint[])"               \
    "  WITH ORDINALITY AS w(org_id, id, code, period, unit_id, idx)"                               \
    " CROSS JOIN LATERAL (SELECT x.id FROM instances x WHERE x.id = w.id"                          \
    "  AND x.org_id = w.org_id UNION ALL SELECT x.id FROM instances x WHERE w.id IS NULL"          \
    "  AND x.org_id = w.org_id AND x.sop_code = upper(w.code) AND x.period = w.period) m"

void db_flow_load_many(db_pipe_t *pipe, const int64_t *org_ids, const char *const *refs,
                       const int64_t *unit_ids, int n)
{
    enum { COLS = 5 };
    db_array_t a[COLS] = {0};
    for (int k = 0; k < n; k++) {
        const char *slash = strchr(refs[k], '/');
        db_array_int(&a[0], org_ids[k]);
        db_array_id(&a[4], unit_ids[k]);
        if (s_all_digits(refs[k]) && strlen(refs[k]) < 18) {
            db_array_int(&a[1], strtoll(refs[k], NULL, 10));
            db_array_str(&a[2], NULL);
            db_array_str(&a[3], NULL);
        } else {
            char *code = slash ? xstrndup(refs[k], (size_t)(slash - refs[k])) : NULL;
            db_array_str(&a[1], NULL);
            db_array_str(&a[2], code);
            db_array_str(&a[3], slash ? slash + 1 : NULL);
            free(code);
        }
    }
    db_params_t lock = {0}, load = {0};
    for (int k = 0; k < COLS; k++) {
        db_array_t copy = {0};
        strbuf_puts(&copy.sb, strbuf_str(&a[k].sb));
        copy.n = a[k].n;
        db_array_param(&lock, &a[k]);
        db_array_param(&load, &copy);
    }
    /* the rows are locked in id order (no deadlock between batches), then read by the next
     * statement, which sees every change committed before the locks were had */
    db_pipe_add(pipe,
                "SELECT i.id FROM instances i WHERE i.id = ANY (ARRAY(SELECT m.id" MANY_PROBE "))"
                " ORDER BY i.id FOR UPDATE OF i",
                &lock);
    db_pipe_add(pipe,
                LOAD_COLUMNS
                ", w.idx, d.version, d.title, d.steps,"
                " coalesce(extract(epoch FROM i.started_at)::bigint, 0), u.name,"
                " coalesce(extract(epoch FROM i.finished_at)::bigint, 0),"
                " coalesce(i.letter_number, ''), coalesce(i.archive_sha256, ''),"
                " coalesce(i.archive_ref, ''), coalesce((SELECT version FROM"
                " documents WHERE id = i.archive_doc_id), 0), i.started_as,"
                " coalesce(t.id, 0), coalesce(t.state, ''), coalesce(t.version, 0),"
                " dc.last_version, dc.archivable, dc.archivable_sha256,"
                /* the units' formats, only where a fan-out may still come (it opens tasks only
                 * where there are none) */
                " CASE WHEN ut.total > 0 THEN '' ELSE coalesce((SELECT string_agg(z.unit_id"
                "  || E'\\t' || z.file_name, E'\\n') FROM (SELECT DISTINCT ON (f.unit_id)"
                "  f.unit_id, f.file_name FROM unit_formats f WHERE f.instance_id = i.id"
                "  ORDER BY f.unit_id, f.version DESC) z), '') END" MANY_PROBE
                " CROSS JOIN LATERAL (SELECT * FROM instances x WHERE x.id = m.id"
                " OFFSET 0) i" LOAD_JOINS " JOIN sop_definitions d ON d.id = i.def_id"
                " JOIN users u ON u.id = i.started_by"
                " LEFT JOIN LATERAL (SELECT t.id, t.state, t.version FROM unit_tasks t"
                "  WHERE t.instance_id = i.id AND t.unit_id = w.unit_id OFFSET 0) t ON true",
                &load);
}

int db_flow_many_rows(const db_res_t *r, int **idx, db_instance_t **insts, db_flow_head_t **heads,
                      db_task_state_t **tasks)
{
    int n = db_res_rows(r);
    *idx = xcalloc((size_t)n + 1, sizeof **idx);
    *insts = xcalloc((size_t)n + 1, sizeof **insts);
    *heads = xcalloc((size_t)n + 1, sizeof **heads);
    *tasks = xcalloc((size_t)n + 1, sizeof **tasks);
    for (int k = 0; k < n; k++) {
        s_fill(r, k, &(*insts)[k]);
        int c = LOAD_NCOLS;
        (*idx)[k] = (int)db_res_int(r, k, c) - 1;
        db_flow_head_t *h = &(*heads)[k];
        h->sop_version = (int)db_res_int(r, k, c + 1);
        h->sop_title = db_res_dup(r, k, c + 2);
        h->steps = (int)db_res_int(r, k, c + 3);
        h->started_at = db_res_int(r, k, c + 4);
        h->started_by = db_res_dup(r, k, c + 5);
        h->finished_at = db_res_int(r, k, c + 6);
        h->letter_number = db_res_dup(r, k, c + 7);
        h->archive_sha256 = db_res_dup(r, k, c + 8);
        h->archive_ref = db_res_dup(r, k, c + 9);
        h->archive_version = (int)db_res_int(r, k, c + 10);
        h->started_as = db_res_dup(r, k, c + 11);
        db_task_state_t *t = &(*tasks)[k];
        t->id = db_res_int(r, k, c + 12);
        snprintf(t->state, sizeof t->state, "%s", db_res_str(r, k, c + 13));
        t->version = (int)db_res_int(r, k, c + 14);
        h->docs.last_version = (int)db_res_int(r, k, c + 15);
        h->docs.archivable = (int)db_res_int(r, k, c + 16);
        snprintf(h->docs.archivable_sha256, sizeof h->docs.archivable_sha256, "%s",
                 db_res_str(r, k, c + 17));
        h->unit_formats = db_res_dup(r, k, c + 18);
    }
    return n;
}

void db_flow_head_clear(db_flow_head_t *h)
{
    free(h->sop_title);
    free(h->started_by);
    free(h->letter_number);
    free(h->archive_sha256);
    free(h->archive_ref);
    free(h->started_as);
    free(h->unit_formats);
    memset(h, 0, sizeof *h);
}
