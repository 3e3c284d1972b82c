/* db_report — see db_report.h. */
#include "db_report.h"

#include <stdlib.h>
#include <string.h>

#define EPOCH(col) "coalesce(extract(epoch FROM " col ")::bigint, 0)"

static char *s_dup(const db_res_t *r, int row, int col)
{
    return db_res_dup(r, row, col);
}

/* Row i of a DOC_COLUMNS result (no content). */
static void s_document_row(const db_res_t *r, int i, db_document_row_t *d)
{
    *d = (db_document_row_t){
        .version = (int)db_res_int(r, i, 0),
        .step_no = (int)db_res_int(r, i, 1),
        .round = (int)db_res_int(r, i, 2),
        .file_name = s_dup(r, i, 3),
        .size = db_res_int(r, i, 4),
        .sha256 = s_dup(r, i, 5),
        .uploaded_by = s_dup(r, i, 6),
        .uploaded_at = db_res_int(r, i, 7),
        .uploaded_as = s_dup(r, i, 8),
        .kind = s_dup(r, i, 9),
        .pages = (int)db_res_int(r, i, 10),
    };
}

#define DOC_COLUMNS                                                                                \
    "d.version, d.step_no, d.round, d.file_name, d.size, d.sha256, u.name, " EPOCH(                \
        "d.uploaded_at") ", d.uploaded_as, d.kind, coalesce(d.pages, 0)"
#define DOC_N_COLUMNS 11 /* the columns of DOC_COLUMNS, read by s_document_row */

static bool s_runs(db_t *db, int64_t id, db_status_row_t *s)
{
    db_params_t p = {0};
    db_param_int(&p, id);
    db_res_t *r = db_query(
        db,
        "SELECT r.step_no, r.round, r.state, " EPOCH("r.assigned_at") ", " EPOCH(
            "r.due_at") ", " EPOCH("r.finished_at") ","
                                                    " u.name, coalesce(r.outcome, "
                                                    "''), r.note, r.finished_as"
                                                    " FROM step_runs r LEFT JOIN users u ON u.id = "
                                                    "r.finished_by"
                                                    " WHERE r.instance_id = $1 ORDER BY r.id",
        &p);
    if (!r)
        return false;
    int n = db_res_rows(r);
    s->runs = xcalloc((size_t)n + 1, sizeof *s->runs);
    for (int i = 0; i < n; i++)
        s->runs[s->n_runs++] = (db_run_row_t){
            .step_no = (int)db_res_int(r, i, 0),
            .round = (int)db_res_int(r, i, 1),
            .state = s_dup(r, i, 2),
            .assigned_at = db_res_int(r, i, 3),
            .due_at = db_res_int(r, i, 4),
            .finished_at = db_res_int(r, i, 5),
            .finished_by = s_dup(r, i, 6),
            .outcome = s_dup(r, i, 7),
            .note = s_dup(r, i, 8),
            .finished_as = s_dup(r, i, 9),
            /* a finished run without a person closed by itself (engine: TEXT_AUTOMATIC) */
            .automatic = strcmp(db_res_str(r, i, 2), "active") != 0 && db_res_null(r, i, 6),
        };
    db_res_free(&r);
    return true;
}

static bool s_units(db_t *db, int64_t id, db_status_row_t *s)
{
    db_params_t p = {0};
    db_param_int(&p, id);
    db_res_t *r = db_query(
        db,
        "SELECT n.code, n.name, t.state, " EPOCH("t.due_at") ", " EPOCH(
            "t.submitted_at") ", coalesce(u.name, ''), t.version,"
                              " coalesce((SELECT d.rows FROM unit_data d WHERE d.task_id = t.id"
                              "  AND d.version = t.version), 0)"
                              " FROM unit_tasks t JOIN units n ON n.id = t.unit_id"
                              " LEFT JOIN users u ON u.id = t.submitted_by"
                              " WHERE t.instance_id = $1 ORDER BY n.code",
        &p);
    if (!r)
        return false;
    int n = db_res_rows(r);
    s->units = xcalloc((size_t)n + 1, sizeof *s->units);
    for (int i = 0; i < n; i++)
        s->units[s->n_units++] = (db_unit_row_t){
            .unit_code = s_dup(r, i, 0),
            .unit_name = s_dup(r, i, 1),
            .state = s_dup(r, i, 2),
            .due_at = db_res_int(r, i, 3),
            .submitted_at = db_res_int(r, i, 4),
            .submitted_by = s_dup(r, i, 5),
            .version = (int)db_res_int(r, i, 6),
            .rows = (int)db_res_int(r, i, 7),
        };
    db_res_free(&r);
    return true;
}

static bool s_documents(db_t *db, int64_t id, db_status_row_t *s)
{
    db_params_t p = {0};
    db_param_int(&p, id);
    db_res_t *r = db_query(db,
                           "SELECT " DOC_COLUMNS " FROM documents d"
                           " JOIN users u ON u.id = d.uploaded_by"
                           " WHERE d.instance_id = $1 ORDER BY d.version",
                           &p);
    if (!r)
        return false;
    int n = db_res_rows(r);
    s->documents = xcalloc((size_t)n + 1, sizeof *s->documents);
    for (int i = 0; i < n; i++)
        s_document_row(r, i, &s->documents[s->n_documents++]);
    db_res_free(&r);
    return true;
}

db_lookup_t db_report_status(db_t *db, int64_t instance_id, bool detail, db_status_row_t *row)
{
    memset(row, 0, sizeof *row);
    db_params_t p = {0};
    db_param_int(&p, instance_id);
    db_res_t *r;
    /* clang-format off */
    static const char sql[] =
        "SELECT i.id, o.code, i.sop_code, d.version, d.title, i.period, i.state,"
        " coalesce(i.current_step, 0), d.steps, " EPOCH("i.started_at") ", u.name,"
        " " EPOCH("i.finished_at") ", coalesce(i.letter_number, ''),"
        " coalesce(i.archive_sha256, ''), coalesce(i.archive_ref, ''),"
        " coalesce((SELECT version FROM documents WHERE id = i.archive_doc_id), 0), o.time_zone,"
        " i.started_as"
        " FROM instances i JOIN organisations o ON o.id = i.org_id"
        " JOIN sop_definitions d ON d.id = i.def_id JOIN users u ON u.id = i.started_by"
        " WHERE i.id = $1";
    /* clang-format on */
    db_lookup_t rc = db_query_one(db, sql, &p, &r);
    if (rc != DB_FOUND)
        return rc;
    *row = (db_status_row_t){
        .id = db_res_int(r, 0, 0),
        .org_code = s_dup(r, 0, 1),
        .sop_code = s_dup(r, 0, 2),
        .sop_version = (int)db_res_int(r, 0, 3),
        .sop_title = s_dup(r, 0, 4),
        .period = s_dup(r, 0, 5),
        .state = s_dup(r, 0, 6),
        .current_step = (int)db_res_int(r, 0, 7),
        .steps = (int)db_res_int(r, 0, 8),
        .started_at = db_res_int(r, 0, 9),
        .started_by = s_dup(r, 0, 10),
        .finished_at = db_res_int(r, 0, 11),
        .letter_number = s_dup(r, 0, 12),
        .archive_sha256 = s_dup(r, 0, 13),
        .archive_ref = s_dup(r, 0, 14),
        .archive_version = (int)db_res_int(r, 0, 15),
        .time_zone = s_dup(r, 0, 16),
        .started_as = s_dup(r, 0, 17),
    };
    db_res_free(&r);
    if (detail && !(s_runs(db, instance_id, row) && s_units(db, instance_id, row) &&
                    s_documents(db, instance_id, row)))
        return DB_FAILED;
    return DB_FOUND;
}

void db_status_row_clear(db_status_row_t *row)
{
    char **strs[] = {&row->org_code,    &row->sop_code,   &row->sop_title,     &row->period,
                     &row->state,       &row->started_by, &row->letter_number, &row->archive_sha256,
                     &row->archive_ref, &row->time_zone,  &row->started_as};
    for (size_t i = 0; i < ARRAY_LEN(strs); i++)
        free(*strs[i]);
    for (int i = 0; i < row->n_runs; i++) {
        db_run_row_t *x = &row->runs[i];
        free(x->state);
        free(x->finished_by);
        free(x->outcome);
        free(x->note);
        free(x->finished_as);
    }
    free(row->runs);
    for (int i = 0; i < row->n_units; i++) {
        db_unit_row_t *u = &row->units[i];
        free(u->unit_code);
        free(u->unit_name);
        free(u->state);
        free(u->submitted_by);
    }
    free(row->units);
    for (int i = 0; i < row->n_documents; i++)
        db_document_row_clear(&row->documents[i]);
    free(row->documents);
    memset(row, 0, sizeof *row);
}

int db_report_instances(db_t *db, int64_t org_id, int limit, int64_t **ids, int64_t **def_ids)
{
    db_params_t p = {0};
    db_param_int(&p, org_id);
    db_param_int(&p, limit);
    db_res_t *r = db_query(db,
                           "SELECT id, def_id FROM instances WHERE org_id = $1"
                           " ORDER BY state = 'active' DESC, id DESC LIMIT $2",
                           &p);
    if (!r)
        return -1;
    int n = db_res_rows(r);
    *ids = xcalloc((size_t)n, sizeof **ids);
    *def_ids = xcalloc((size_t)n, sizeof **def_ids);
    for (int i = 0; i < n; i++) {
        (*ids)[i] = db_res_int(r, i, 0);
        (*def_ids)[i] = db_res_int(r, i, 1);
    }
    db_res_free(&r);
    return n;
}

int db_report_open_runs(db_t *db, int64_t org_id, db_open_run_t **out)
{
    db_params_t p = {0};
    db_param_int(&p, org_id);
    db_res_t *r = db_query(
        db,
        "SELECT i.id, i.def_id, i.sop_code, i.period, o.code, o.time_zone,"
        " r.step_no, r.round, " EPOCH("r.assigned_at") ", " EPOCH(
            "r.due_at") ", r.opened_by_return"
                        " FROM instances i JOIN organisations o ON o.id = i.org_id"
                        " JOIN step_runs r ON r.instance_id = i.id AND r.state = 'active'"
                        " WHERE i.org_id = $1 AND i.state = 'active' ORDER BY r.due_at, i.id",
        &p);
    if (!r)
        return -1;
    int n = db_res_rows(r);
    *out = xcalloc((size_t)n, sizeof **out);
    for (int i = 0; i < n; i++) {
        db_open_run_t *o = &(*out)[i];
        o->instance_id = db_res_int(r, i, 0);
        o->def_id = db_res_int(r, i, 1);
        o->sop_code = s_dup(r, i, 2);
        o->period = s_dup(r, i, 3);
        o->org_code = s_dup(r, i, 4);
        o->time_zone = s_dup(r, i, 5);
        o->step_no = (int)db_res_int(r, i, 6);
        o->round = (int)db_res_int(r, i, 7);
        o->assigned_at = db_res_int(r, i, 8);
        o->due_at = db_res_int(r, i, 9);
        o->return_reason = s_dup(r, i, 10);
    }
    db_res_free(&r);
    return n;
}

void db_open_runs_free(db_open_run_t *runs, int n)
{
    for (int i = 0; i < n; i++) {
        free(runs[i].sop_code);
        free(runs[i].period);
        free(runs[i].org_code);
        free(runs[i].time_zone);
        free(runs[i].return_reason);
    }
    free(runs);
}

int db_report_unit_tasks(db_t *db, int64_t unit_id, const char *role, db_unit_task_row_t **rows)
{
    *rows = NULL;
    db_params_t p = {0};
    db_param_int(&p, unit_id);
    db_param_str(&p, role);
    db_res_t *r =
        db_query(db,
                 "SELECT i.id, i.sop_code, i.period, n.code, " EPOCH("t.assigned_at") ", " EPOCH(
                     "t.due_at") ", o.code, o.time_zone"
                                 " FROM unit_tasks t JOIN instances i ON i.id = t.instance_id"
                                 " JOIN units n ON n.id = t.unit_id"
                                 " JOIN organisations o ON o.id = i.org_id"
                                 " WHERE t.unit_id = $1 AND t.unit_role = $2 AND t.state = 'open'"
                                 " AND i.state = 'active' ORDER BY t.due_at, i.id",
                 &p);
    if (!r)
        return -1;
    int n = db_res_rows(r);
    *rows = xcalloc((size_t)n + 1, sizeof **rows);
    for (int i = 0; i < n; i++)
        (*rows)[i] = (db_unit_task_row_t){
            .instance_id = db_res_int(r, i, 0),
            .sop_code = s_dup(r, i, 1),
            .period = s_dup(r, i, 2),
            .unit_code = s_dup(r, i, 3),
            .assigned_at = db_res_int(r, i, 4),
            .due_at = db_res_int(r, i, 5),
            .org_code = s_dup(r, i, 6),
            .time_zone = s_dup(r, i, 7),
        };
    db_res_free(&r);
    return n;
}

void db_unit_task_rows_free(db_unit_task_row_t *rows, int n)
{
    for (int i = 0; rows && i < n; i++) {
        free(rows[i].sop_code);
        free(rows[i].period);
        free(rows[i].unit_code);
        free(rows[i].org_code);
        free(rows[i].time_zone);
    }
    free(rows);
}

int db_report_history(db_t *db, int64_t instance_id, int64_t user_id, int limit,
                      db_audit_row_t **rows)
{
    *rows = NULL;
    db_params_t p = {0};
    db_param_int(&p, instance_id);
    db_param_int(&p, user_id);
    db_param_int(&p, limit);
    db_res_t *r =
        db_query(db,
                 "SELECT * FROM (SELECT a.id, " EPOCH(
                     "a.at") ", coalesce(u.name, ''),"
                             " a.command, a.status, a.code, coalesce(a.instance_id, 0),"
                             " coalesce(a.step_no, 0), a.detail, a.acting_as FROM audit a"
                             " LEFT JOIN users u ON u.id = a.user_id"
                             " WHERE ($1 > 0 AND a.instance_id = $1) OR ($1 = 0 AND a.user_id = $2)"
                             " ORDER BY a.id DESC LIMIT $3) x ORDER BY id",
                 &p);
    if (!r)
        return -1;
    int n = db_res_rows(r);
    *rows = xcalloc((size_t)n + 1, sizeof **rows);
    for (int i = 0; i < n; i++)
        (*rows)[i] = (db_audit_row_t){
            .id = db_res_int(r, i, 0),
            .at = db_res_int(r, i, 1),
            .user = s_dup(r, i, 2),
            .command = s_dup(r, i, 3),
            .status = (int)db_res_int(r, i, 4),
            .code = s_dup(r, i, 5),
            .instance_id = db_res_int(r, i, 6),
            .step_no = (int)db_res_int(r, i, 7),
            .detail = s_dup(r, i, 8),
            .acting_as = s_dup(r, i, 9),
        };
    db_res_free(&r);
    return n;
}

void db_audit_rows_free(db_audit_row_t *rows, int n)
{
    for (int i = 0; rows && i < n; i++) {
        free(rows[i].user);
        free(rows[i].command);
        free(rows[i].code);
        free(rows[i].detail);
        free(rows[i].acting_as);
    }
    free(rows);
}

db_lookup_t db_report_document(db_t *db, int64_t instance_id, int version, int64_t offset,
                               int64_t max, db_document_row_t *row)
{
    memset(row, 0, sizeof *row);
    db_params_t p = {0};
    db_param_int(&p, instance_id);
    db_param_int(&p, version);
    db_param_int(&p, offset);
    db_param_int(&p, max);
    /* only the chunk asked for: the content is stored out of line and uncompressed, so
     * substring reads just the pages it needs */
    db_res_t *r;
    db_lookup_t rc = db_query_one(db,
                                  "SELECT " DOC_COLUMNS ", CASE WHEN $4 > 0 THEN"
                                  " substring(d.content FROM $3::int + 1 FOR $4::int) END"
                                  " FROM documents d JOIN users u ON u.id = d.uploaded_by"
                                  " WHERE d.instance_id = $1 AND ($2 = 0 OR d.version = $2)"
                                  " ORDER BY d.version DESC LIMIT 1",
                                  &p, &r);
    if (rc != DB_FOUND)
        return rc;
    s_document_row(r, 0, row);
    if (max > 0)
        row->content = db_res_bytes(r, 0, DOC_N_COLUMNS, &row->content_len);
    db_res_free(&r);
    return DB_FOUND;
}

void db_document_row_clear(db_document_row_t *row)
{
    free(row->file_name);
    free(row->sha256);
    free(row->uploaded_by);
    free(row->uploaded_as);
    free(row->kind);
    free(row->content);
    memset(row, 0, sizeof *row);
}
