/* db_report — see db_report.h. */
#include "db_report.h"

#include <stdlib.h>
#include <string.h>

#define EPOCH(col) "coalesce(extract(epoch FROM " col ")::bigint, 0)"

static char *s_dup(const db_res_t *r, int row, int col)
{
    return db_res_dup(r, row, col);
}

static Lkip__DocumentInfo *s_document_info(const db_res_t *r, int i)
{
    Lkip__DocumentInfo *d = xmalloc(sizeof *d);
    lkip__document_info__init(d);
    d->version = (int32_t)db_res_int(r, i, 0);
    d->step_no = (int32_t)db_res_int(r, i, 1);
    d->round = (int32_t)db_res_int(r, i, 2);
    d->file_name = s_dup(r, i, 3);
    d->size = db_res_int(r, i, 4);
    d->sha256 = s_dup(r, i, 5);
    d->uploaded_by = s_dup(r, i, 6);
    d->uploaded_at = db_res_int(r, i, 7);
    d->uploaded_as = s_dup(r, i, 8);
    d->kind = s_dup(r, i, 9);
    d->pages = (int32_t)db_res_int(r, i, 10);
    return d;
}

#define DOC_COLUMNS                                                                                \
    "d.version, d.step_no, d.round, d.file_name, d.size, d.sha256, u.name, " EPOCH(                \
        "d.uploaded_at") ", d.uploaded_as, d.kind, coalesce(d.pages, 0)"
#define DOC_N_COLUMNS 11 /* the columns of DOC_COLUMNS, read by s_document_info */

static bool s_runs(db_t *db, int64_t id, const sopdef_t *def, Lkip__InstanceStatus *s)
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
    s->n_runs = (size_t)n;
    s->runs = xcalloc((size_t)n, sizeof *s->runs);
    for (int i = 0; i < n; i++) {
        Lkip__StepRun *run = s->runs[i] = xmalloc(sizeof *run);
        lkip__step_run__init(run);
        run->step_no = (int32_t)db_res_int(r, i, 0);
        run->round = (int32_t)db_res_int(r, i, 1);
        const sop_step_t *step = sopdef_step(def, run->step_no);
        run->title = xstrdup(step ? step->uraian : "");
        run->actor_role = xstrdup(step ? step->actor : "");
        run->kind = xstrdup(step ? sop_kind_name(step->kind) : "");
        run->waktu = xstrdup(step ? step->waktu : "");
        run->state = s_dup(r, i, 2);
        run->assigned_at = db_res_int(r, i, 3);
        run->due_at = db_res_int(r, i, 4);
        run->finished_at = db_res_int(r, i, 5);
        run->finished_by = s_dup(r, i, 6);
        run->outcome = s_dup(r, i, 7);
        run->note = s_dup(r, i, 8);
        run->finished_as = s_dup(r, i, 9);
        /* a finished run without a person closed by itself (engine: TEXT_AUTOMATIC) */
        run->automatic = strcmp(run->state, "active") != 0 && db_res_null(r, i, 6);
    }
    db_res_free(&r);
    return true;
}

static bool s_units(db_t *db, int64_t id, Lkip__InstanceStatus *s)
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
    s->n_units = (size_t)n;
    s->units = xcalloc((size_t)n, sizeof *s->units);
    for (int i = 0; i < n; i++) {
        Lkip__UnitTaskInfo *u = s->units[i] = xmalloc(sizeof *u);
        lkip__unit_task_info__init(u);
        u->unit_code = s_dup(r, i, 0);
        u->unit_name = s_dup(r, i, 1);
        u->state = s_dup(r, i, 2);
        u->due_at = db_res_int(r, i, 3);
        u->submitted_at = db_res_int(r, i, 4);
        u->submitted_by = s_dup(r, i, 5);
        u->version = (int32_t)db_res_int(r, i, 6);
        u->rows = (int32_t)db_res_int(r, i, 7);
    }
    db_res_free(&r);
    return true;
}

static bool s_documents(db_t *db, int64_t id, Lkip__InstanceStatus *s)
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
    s->n_documents = (size_t)n;
    s->documents = xcalloc((size_t)n, sizeof *s->documents);
    for (int i = 0; i < n; i++)
        s->documents[i] = s_document_info(r, i);
    db_res_free(&r);
    return true;
}

Lkip__InstanceStatus *db_report_status(db_t *db, int64_t instance_id, const sopdef_t *def,
                                       bool detail)
{
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
    if (rc != DB_FOUND) {
        return NULL;
    }
    Lkip__InstanceStatus *s = xmalloc(sizeof *s);
    lkip__instance_status__init(s);
    s->id = db_res_int(r, 0, 0);
    s->org_code = s_dup(r, 0, 1);
    s->sop_code = s_dup(r, 0, 2);
    s->sop_version = (int32_t)db_res_int(r, 0, 3);
    s->sop_title = s_dup(r, 0, 4);
    s->period = s_dup(r, 0, 5);
    s->state = s_dup(r, 0, 6);
    s->current_step = (int32_t)db_res_int(r, 0, 7);
    s->steps = (int32_t)db_res_int(r, 0, 8);
    s->started_at = db_res_int(r, 0, 9);
    s->started_by = s_dup(r, 0, 10);
    s->finished_at = db_res_int(r, 0, 11);
    s->letter_number = s_dup(r, 0, 12);
    s->archive_sha256 = s_dup(r, 0, 13);
    s->archive_ref = s_dup(r, 0, 14);
    s->archive_version = (int32_t)db_res_int(r, 0, 15);
    s->time_zone = s_dup(r, 0, 16);
    s->started_as = s_dup(r, 0, 17);
    db_res_free(&r);
    if (detail && !(s_runs(db, instance_id, def, s) && s_units(db, instance_id, s) &&
                    s_documents(db, instance_id, s))) {
        lkip__instance_status__free_unpacked(s, NULL);
        return NULL;
    }
    return s;
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

int db_report_unit_tasks(db_t *db, int64_t unit_id, const char *role, Lkip__Task ***tasks,
                         size_t *n)
{
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
    int rows = db_res_rows(r);
    *tasks = xrealloc(*tasks, (*n + (size_t)rows) * sizeof **tasks);
    for (int i = 0; i < rows; i++) {
        Lkip__Task *t = (*tasks)[(*n)++] = xmalloc(sizeof *t);
        lkip__task__init(t);
        t->instance_id = db_res_int(r, i, 0);
        t->sop_code = s_dup(r, i, 1);
        t->period = s_dup(r, i, 2);
        t->unit_code = s_dup(r, i, 3);
        t->assigned_at = db_res_int(r, i, 4);
        t->due_at = db_res_int(r, i, 5);
        t->org_code = s_dup(r, i, 6);
        t->time_zone = s_dup(r, i, 7);
        t->kind = xstrdup("data_unit");
        t->step_title = xstrdup("Mengisi dan mengirim data kinerja unit");
    }
    db_res_free(&r);
    return rows;
}

Lkip__HistoryReply *db_report_history(db_t *db, int64_t instance_id, int64_t user_id, int limit)
{
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
        return NULL;
    int n = db_res_rows(r);
    Lkip__HistoryReply *h = xmalloc(sizeof *h);
    lkip__history_reply__init(h);
    h->n_entries = (size_t)n;
    h->entries = xcalloc((size_t)n, sizeof *h->entries);
    for (int i = 0; i < n; i++) {
        Lkip__AuditEntry *e = h->entries[i] = xmalloc(sizeof *e);
        lkip__audit_entry__init(e);
        e->id = db_res_int(r, i, 0);
        e->at = db_res_int(r, i, 1);
        e->user = s_dup(r, i, 2);
        e->command = s_dup(r, i, 3);
        e->status = (int32_t)db_res_int(r, i, 4);
        e->code = s_dup(r, i, 5);
        e->instance_id = db_res_int(r, i, 6);
        e->step_no = (int32_t)db_res_int(r, i, 7);
        e->detail = s_dup(r, i, 8);
        e->acting_as = s_dup(r, i, 9);
    }
    db_res_free(&r);
    return h;
}

Lkip__DocumentReply *db_report_document(db_t *db, int64_t instance_id, int version, int64_t offset,
                                        int64_t max, bool *found)
{
    *found = true;
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
    if (rc != DB_FOUND) {
        *found = rc != DB_NOT_FOUND;
        return NULL;
    }
    Lkip__DocumentReply *d = xmalloc(sizeof *d);
    lkip__document_reply__init(d);
    d->info = s_document_info(r, 0);
    d->offset = offset;
    if (max > 0) {
        size_t len;
        d->content.data = db_res_bytes(r, 0, DOC_N_COLUMNS, &len);
        d->content.len = len;
    }
    db_res_free(&r);
    return d;
}
