/* cmd_flow — the workflow commands: start, step (done / approve / return), upload, download,
 * tasks, status, history (submit: cmd_submit; capaian: cmd_capaian). Each changing command
 * loads its instance under the row lock, asks the engine, and lets flow persist the verdict
 * with its events. */
#include "cmd_set.h"

#include "batch.h"

#include "db_delegation.h"
#include "db_org.h"
#include "db_pk.h"
#include "deadline.h"
#include "db_report.h"
#include "db_sop.h"
#include "flow.h"
#include "log.h"
#include "unitdata.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_NOTE      CMD_MAX_NOTE
#define MAX_PERIOD    32
#define MAX_DATA_FILE (1024 * 1024)
#define MAX_FILE_NAME 200

/* The StepRun of a stored run; def gives the step's title, role, kind and waktu. Takes run's
 * strings. */
static Lkip__StepRun *s_step_run(db_run_row_t *x, const sopdef_t *def)
{
    Lkip__StepRun *run = xmalloc(sizeof *run);
    lkip__step_run__init(run);
    run->step_no = x->step_no;
    run->round = x->round;
    const sop_step_t *step = sopdef_step(def, run->step_no);
    run->title = xstrdup(step ? step->uraian : "");
    run->actor_role = xstrdup(step ? step->actor : "");
    run->kind = xstrdup(step ? sop_kind_name(step->kind) : "");
    run->waktu = xstrdup(step ? step->waktu : "");
    run->state = x->state;
    run->assigned_at = x->assigned_at;
    run->due_at = x->due_at;
    run->finished_at = x->finished_at;
    run->finished_by = x->finished_by;
    run->outcome = x->outcome;
    run->note = x->note;
    run->finished_as = x->finished_as;
    run->automatic = x->automatic;
    *x = (db_run_row_t){0};
    return run;
}

/* The UnitTaskInfo of a stored unit task. Takes u's strings. */
static Lkip__UnitTaskInfo *s_unit_info(db_unit_row_t *t)
{
    Lkip__UnitTaskInfo *u = xmalloc(sizeof *u);
    lkip__unit_task_info__init(u);
    u->unit_code = t->unit_code;
    u->unit_name = t->unit_name;
    u->state = t->state;
    u->due_at = t->due_at;
    u->submitted_at = t->submitted_at;
    u->submitted_by = t->submitted_by;
    u->version = t->version;
    u->rows = t->rows;
    *t = (db_unit_row_t){0};
    return u;
}

/* The header of an InstanceStatus from its stored row (taking its strings). */
static Lkip__InstanceStatus *s_status_head(db_status_row_t *row)
{
    Lkip__InstanceStatus *s = xmalloc(sizeof *s);
    lkip__instance_status__init(s);
    s->id = row->id;
    s->org_code = row->org_code;
    s->sop_code = row->sop_code;
    s->sop_version = row->sop_version;
    s->sop_title = row->sop_title;
    s->period = row->period;
    s->state = row->state;
    s->current_step = row->current_step;
    s->steps = row->steps;
    s->started_at = row->started_at;
    s->started_by = row->started_by;
    s->finished_at = row->finished_at;
    s->letter_number = row->letter_number;
    s->archive_sha256 = row->archive_sha256;
    s->archive_ref = row->archive_ref;
    s->archive_version = row->archive_version;
    s->time_zone = row->time_zone;
    s->started_as = row->started_as;
    row->org_code = row->sop_code = row->sop_title = row->period = row->state = NULL;
    row->started_by = row->letter_number = row->archive_sha256 = row->archive_ref = NULL;
    row->time_zone = row->started_as = NULL;
    return s;
}

/* The status of instance id (with detail its runs, unit tasks and documents); NULL on a
 * database error. */
static Lkip__InstanceStatus *s_instance_status(cmd_ctx_t *ctx, int64_t id, const sopdef_t *def,
                                               bool detail)
{
    db_status_row_t row;
    if (db_report_status(ctx->db, id, detail, &row) != DB_FOUND) {
        db_status_row_clear(&row);
        return NULL;
    }
    Lkip__InstanceStatus *s = s_status_head(&row);
    s->runs = xcalloc((size_t)row.n_runs + 1, sizeof *s->runs);
    for (int i = 0; i < row.n_runs; i++)
        s->runs[s->n_runs++] = s_step_run(&row.runs[i], def);
    s->units = xcalloc((size_t)row.n_units + 1, sizeof *s->units);
    for (int i = 0; i < row.n_units; i++)
        s->units[s->n_units++] = s_unit_info(&row.units[i]);
    s->documents = xcalloc((size_t)row.n_documents + 1, sizeof *s->documents);
    for (int i = 0; i < row.n_documents; i++)
        s->documents[s->n_documents++] = cmd_document_info(&row.documents[i]);
    db_status_row_clear(&row);
    return s;
}

/* Attaches the instance's status to the reply: with detail the whole timeline (the status
 * command), else its header (changes: the client shows the letter number and archive hash). */
static void s_attach_status(cmd_ctx_t *ctx, int64_t id, const sopdef_t *def, bool detail)
{
    Lkip__InstanceStatus *s = s_instance_status(ctx, id, def, detail);
    if (s) /* else the change stands; the client can ask for the status */
        cmd_reply_instance(ctx, s);
}

static bool s_check_period(cmd_ctx_t *ctx, const char *period)
{
    if (!cmd_check_field(ctx, "period", period, MAX_PERIOD, true))
        return false;
    for (const char *p = period; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr("._-", *p)) {
            cmd_reply(ctx, LKIP__STATUS__BAD_REQUEST, "bad_period",
                      "Periode \"%s\" hanya boleh berisi huruf, angka, titik, garis bawah dan "
                      "tanda hubung (mis. 2026)",
                      period);
            return false;
        }
    return true;
}

static bool s_check_note(cmd_ctx_t *ctx, const char *note)
{
    size_t n = strlen(note);
    if (n > MAX_NOTE) {
        cmd_reply(ctx, LKIP__STATUS__TOO_LARGE, "field_too_long",
                  "Catatan terlalu panjang (%zu bita; paling banyak %d)", n, MAX_NOTE);
        return false;
    }
    return true;
}

/* An SOP whose units fill a format works with the newest PK of its year when it starts (a
 * later import is a new version that this instance does not see). Returns 0 or -1 after
 * replying. */
static int s_bind_pk(cmd_ctx_t *ctx, const sopdef_t *def, int64_t id, const char *period)
{
    bool formats = false;
    for (int i = 0; i < def->n_steps; i++)
        formats |= def->steps[i].makes_unit_formats;
    int year = pk_period_year(period), version = 0;
    int64_t pk_id = 0;
    if (!formats || !year)
        return 0;
    if (db_pk_bind(ctx->db, id, ctx->caller->org_id, year, &pk_id, &version) != 0) {
        cmd_db_failed(ctx, "bind PK");
        return -1;
    }
    if (pk_id)
        strbuf_printf(&ctx->detail, "pk=%d/v%d ", year, version);
    return 0;
}

void cmd_start(cmd_ctx_t *ctx)
{
    const Lkip__StartRequest *r = ctx->req->start;
    if (!cmd_check_field(ctx, "sop", r->sop_code, WIRE_MAX_NAME, true) ||
        !s_check_period(ctx, r->period) || !s_check_note(ctx, r->note))
        return;
    int64_t def_id = 0;
    int def_version = 0;
    db_lookup_t rc = db_sop_latest(ctx->db, r->sop_code, &def_id, &def_version);
    if (rc == DB_FAILED) {
        cmd_db_failed(ctx, "find definition");
        return;
    }
    if (rc == DB_NOT_FOUND) {
        cmd_reply(ctx, LKIP__STATUS__NOT_FOUND, "unknown_sop", "Definisi SOP \"%s\" belum dimuat",
                  r->sop_code);
        return;
    }
    const sopdef_t *def = defcache_get(ctx->defs, ctx->db, def_id);
    if (!def) {
        cmd_db_failed(ctx, "load definition");
        return;
    }
    /* ask the engine before creating anything: a refusal must leave no instance behind */
    engine_instance_t fresh = {.def = def};
    engine_cmd_t cmd = {.kind = ENGINE_START, .role = ctx->caller->role, .text = r->note};
    db_instance_t inst = {0};
    flow_t f = {.ctx = ctx, .inst = &inst, .def = def, .text = r->note};
    flow_deleg_t deleg;
    if (!flow_delegations(ctx, 0, &cmd, &deleg, &f.out)) {
        cmd_reply_outcome(ctx, &f.out);
        goto out;
    }
    engine_result_t res;
    engine_apply(&fresh, &cmd, &res);
    int64_t id = 0;
    bool exists = false;
    if (res.status >= 400) {
        cmd_reply(ctx, res.status, res.code, "%s", res.message);
        goto out;
    }
    if (db_flow_create(ctx->db, ctx->caller->org_id, def_id, def->code, r->period, ctx->caller->id,
                       res.capacity, ctx->now, &id, &exists) != 0) {
        cmd_db_failed(ctx, "create instance");
        goto out;
    }
    if (exists) {
        cmd_reply(ctx, LKIP__STATUS__CONFLICT, "instance_exists",
                  "SOP %s untuk periode %s sudah pernah dimulai di organisasi Anda", def->code,
                  r->period);
        goto out;
    }
    if (s_bind_pk(ctx, def, id, r->period) != 0)
        goto out;
    if (db_flow_load(ctx->db, ctx->caller->org_id, id, true, &inst) != DB_FOUND) {
        cmd_db_failed(ctx, "load new instance");
        goto out;
    }
    ctx->instance_id = id;
    ctx->step_no = 1;
    f.capacity = res.capacity;
    if (flow_apply(&f, &res) != 0) {
        cmd_reply_outcome(ctx, &f.out);
        goto out;
    }
    strbuf_printf(&ctx->detail, "started %s/%s (definition v%d)", def->code, r->period,
                  def_version);
    flow_note_capacity(ctx, res.capacity);
    cmd_reply(ctx, LKIP__STATUS__CREATED, "ok", "%s/%s dimulai (nomor %lld)%s%s. %s", def->code,
              r->period, (long long)id, res.capacity ? " selaku " : "",
              res.capacity ? res.capacity : "", res.message);
    s_attach_status(ctx, id, def, false);
out:
    flow_clear(&f);
    db_instance_clear(&inst);
    flow_deleg_clear(&deleg);
}

static const char *s_action_name(Lkip__StepAction a)
{
    switch (a) {
    case LKIP__STEP_ACTION__DONE:
        return "done";
    case LKIP__STEP_ACTION__APPROVE:
        return "approve";
    case LKIP__STEP_ACTION__RETURN:
        return "return";
    default:
        return "?";
    }
}

static bool s_which_step(cmd_ctx_t *ctx, char *id, size_t len, int *step);

/* The checks of a step request's own fields; false after replying. */
static bool s_check_step(cmd_ctx_t *ctx, const Lkip__StepRequest *r)
{
    return s_check_note(ctx, r->note) &&
           cmd_check_field(ctx, "archive_ref", r->archive_ref, WIRE_MAX_TITLE, false);
}

bool cmd_step_checks_pass(const Lkip__StepRequest *r)
{
    cmd_ctx_t scratch = {.reply = batch_reply_new()};
    bool ok = s_check_step(&scratch, r);
    lkip__reply__free_unpacked(scratch.reply, NULL);
    return ok;
}

void cmd_step_detail(cmd_ctx_t *ctx, const Lkip__StepRequest *r, int step_no,
                     const db_instance_t *inst)
{
    /* what flow adds (letter=..., archived=...) follows */
    strbuf_printf(&ctx->detail, "%s step %d of %s/%s", s_action_name(r->action), step_no,
                  inst->sop_code, inst->period);
    if (*r->note)
        strbuf_printf(&ctx->detail, ": %s", r->note);
}

void cmd_step(cmd_ctx_t *ctx)
{
    const Lkip__StepRequest *r = ctx->req->step;
    engine_cmd_t cmd = {.role = ctx->caller->role, .text = r->note, .step_no = r->step_no};
    switch (r->action) {
    case LKIP__STEP_ACTION__DONE:
        cmd.kind = ENGINE_DONE;
        break;
    case LKIP__STEP_ACTION__APPROVE:
        cmd.kind = ENGINE_APPROVE;
        break;
    case LKIP__STEP_ACTION__RETURN:
        cmd.kind = ENGINE_RETURN;
        break;
    default:
        cmd_reply(ctx, LKIP__STATUS__BAD_REQUEST, "bad_action", "Tindakan langkah tidak dikenal");
        return;
    }
    if (r->step_no < 0) {
        cmd_reply(ctx, LKIP__STATUS__BAD_REQUEST, "bad_step", "Nomor langkah %d tidak sah",
                  r->step_no);
        return;
    }
    if (!s_check_step(ctx, r))
        return;
    /* without a step number: the caller's open step, found here, in this transaction */
    char ref[32];
    const char *instance = r->instance;
    cmd.step_no = r->step_no;
    if (r->step_no == 0 && !*r->instance) {
        if (!s_which_step(ctx, ref, sizeof ref, &cmd.step_no))
            return;
        instance = ref;
    }
    db_instance_t inst = {0};
    const sopdef_t *def = NULL;
    if (!cmd_instance(ctx, instance, true, &inst, &def))
        return;
    if (cmd.step_no == 0)
        cmd.step_no = inst.current_step; /* the instance named: its open step (the engine says
                                          * whose it is) */
    ctx->step_no = cmd.step_no;
    flow_t f = {
        .ctx = ctx, .inst = &inst, .def = def, .text = r->note, .archive_ref = r->archive_ref};
    cmd_step_detail(ctx, r, cmd.step_no, &inst);
    flow_deleg_t deleg;
    bool ok = flow_delegations(ctx, inst.id, &cmd, &deleg, &f.out) && flow_decide(&f, &cmd);
    cmd_reply_outcome(ctx, &f.out);
    if (ok)
        s_attach_status(ctx, inst.id, def, false);
    flow_deleg_clear(&deleg);
    flow_clear(&f);
    db_instance_clear(&inst);
}

/* The last path component of a client's file name, for storing. */
static const char *s_base_name(const char *name)
{
    const char *slash = strrchr(name, '/');
    const char *back = strrchr(slash ? slash : name, '\\');
    const char *base = back ? back + 1 : slash ? slash + 1 : name;
    return *base ? base : "dokumen";
}

/* The checks of an upload request alone, before any instance; false after replying. */
static bool s_check_upload(cmd_ctx_t *ctx, const Lkip__UploadRequest *r)
{
    if (!cmd_check_field(ctx, "file_name", r->file_name, MAX_FILE_NAME, true))
        return false;
    if (r->upload_id == 0 && r->content.len == 0) {
        cmd_reply(ctx, LKIP__STATUS__BAD_REQUEST, "empty_file", "Berkas \"%s\" kosong",
                  r->file_name);
        return false;
    }
    if (r->content.len > WIRE_CHUNK) {
        cmd_reply(ctx, LKIP__STATUS__TOO_LARGE, "chunk_required",
                  "Dokumen lebih besar dari %u bita dikirim bertahap (upload_chunk), bukan "
                  "dalam satu pesan",
                  WIRE_CHUNK);
        return false;
    }
    if (r->step_no < 0) {
        cmd_reply(ctx, LKIP__STATUS__BAD_REQUEST, "bad_step", "Nomor langkah %d tidak sah",
                  r->step_no);
        return false;
    }
    return true;
}

/* The stored version, as the reply shows it: from what was stored, not read back. */
static void s_reply_document(cmd_ctx_t *ctx, const flow_t *f, int step_no, int round)
{
    db_document_row_t doc = {.version = f->doc_version,
                             .step_no = step_no,
                             .round = round,
                             .file_name = xstrdup(f->file_name),
                             .size = (int64_t)f->len,
                             .sha256 = xstrdup(f->sha256),
                             .uploaded_by = xstrdup(ctx->caller->name),
                             .uploaded_at = ctx->now,
                             .uploaded_as = xstrdup(f->capacity ? f->capacity : ""),
                             .kind = xstrdup("upload")};
    ctx->reply->payload_case = LKIP__REPLY__PAYLOAD_DOCUMENT;
    ctx->reply->document = cmd_document_reply(&doc, 0);
}

/* Everything of an upload after its instance. Set mode (set not NULL): the caller holds no
 * delegation (the set path checked), and docs are the instance's documents in memory. */
static flow_rc_t s_upload_to(cmd_ctx_t *ctx, db_instance_t *inst, const sopdef_t *def, int step_no,
                             const void *content, size_t len, db_doc_state_t *docs,
                             struct flowset *set)
{
    if (step_no == 0)
        step_no = inst->current_step;
    ctx->step_no = step_no;
    int round = inst->round; /* of the open run the document belongs to */
    engine_cmd_t cmd = {.kind = ENGINE_UPLOAD, .role = ctx->caller->role, .step_no = step_no};
    flow_t f = {.ctx = ctx,
                .inst = inst,
                .def = def,
                .file_name = s_base_name(ctx->req->upload->file_name),
                .content = content,
                .len = len,
                .docs = docs,
                .set = set};
    flow_deleg_t deleg = {0};
    flow_rc_t rc = FLOW_REFUSED;
    if (set || flow_delegations(ctx, inst->id, &cmd, &deleg, &f.out))
        rc = flow_run(&f, &cmd);
    if (rc != FLOW_NOT_IN_SET)
        cmd_reply_outcome(ctx, &f.out);
    if (rc == FLOW_ACCEPTED) {
        s_reply_document(ctx, &f, step_no, round);
        cmd_reply(ctx, LKIP__STATUS__CREATED, "ok",
                  "Dokumen \"%s\" disimpan sebagai versi %d (langkah %d, SHA-256 %.16s...)%s%s",
                  f.file_name, f.doc_version, step_no, f.sha256, f.capacity ? " selaku " : "",
                  f.capacity ? f.capacity : "");
    }
    flow_deleg_clear(&deleg);
    flow_clear(&f);
    return rc;
}

void cmd_upload(cmd_ctx_t *ctx)
{
    const Lkip__UploadRequest *r = ctx->req->upload;
    if (!s_check_upload(ctx, r))
        return;
    char ref[32];
    const char *instance = r->instance;
    int step_no = r->step_no;
    if (step_no == 0 && !*r->instance) {
        if (!s_which_step(ctx, ref, sizeof ref, &step_no))
            return;
        instance = ref;
    }
    db_instance_t inst = {0};
    const sopdef_t *def = NULL;
    if (!cmd_instance(ctx, instance, true, &inst, &def))
        return;
    ctx->step_no = step_no ? step_no : inst.current_step;
    uint8_t *staged = NULL;
    size_t staged_len = 0;
    if (!r->upload_id || cmd_take_upload(ctx, r, &staged, &staged_len))
        (void)s_upload_to(ctx, &inst, def, step_no, staged ? staged : r->content.data,
                          staged ? staged_len : r->content.len, NULL, NULL);
    free(staged);
    db_instance_clear(&inst);
}

bool cmd_upload_settable(const Lkip__UploadRequest *r)
{
    if (r->upload_id || !*r->instance) /* staged chunks; the caller's open step to find */
        return false;
    cmd_ctx_t scratch = {.reply = batch_reply_new()};
    bool ok = s_check_upload(&scratch, r);
    lkip__reply__free_unpacked(scratch.reply, NULL);
    return ok;
}

flow_rc_t cmd_upload_decide(cmd_ctx_t *ctx, db_instance_t *inst, const sopdef_t *def,
                            db_doc_state_t *docs, struct flowset *set)
{
    const Lkip__UploadRequest *r = ctx->req->upload;
    return s_upload_to(ctx, inst, def, r->step_no, r->content.data, r->content.len, docs, set);
}

static Lkip__Task *s_task(const db_open_run_t *run, const sop_step_t *step)
{
    Lkip__Task *t = xmalloc(sizeof *t);
    lkip__task__init(t);
    t->instance_id = run->instance_id;
    t->sop_code = xstrdup(run->sop_code);
    t->period = xstrdup(run->period);
    t->org_code = xstrdup(run->org_code);
    t->time_zone = xstrdup(run->time_zone);
    t->step_no = run->step_no;
    t->round = run->round;
    t->step_title = xstrdup(step->uraian);
    t->kind = xstrdup(sop_kind_name(step->kind));
    t->waktu = xstrdup(step->waktu);
    t->assigned_at = run->assigned_at;
    t->due_at = run->due_at;
    t->return_reason = xstrdup(run->return_reason);
    t->wall_clock = step->wall_clock;
    return t;
}

/* Working minutes left for each task with a due time (negative: overdue). */
static bool s_remaining(cmd_ctx_t *ctx, Lkip__TasksReply *l)
{
    db_org_t org = {0};
    if (db_org_by_code(ctx->db, ctx->caller->org_code, &org) != DB_FOUND)
        return false;
    const calendar_t *cal =
        deadline_calendar(ctx->deadlines, ctx->db, org.id, org.calendar_version);
    for (size_t i = 0; cal && i < l->n_tasks; i++) {
        Lkip__Task *t = l->tasks[i];
        if (t->due_at)
            t->remaining_minutes =
                deadline_remaining(cal, org.time_zone, t->wall_clock, ctx->now, t->due_at);
    }
    db_org_clear(&org);
    return cal != NULL;
}

/* Calls fn for every open step of the organisation that is the caller's: its role is the step's
 * actor, or it acts today for an official who is (as: the capacity; NULL in its own role).
 * Returns 0, or -1 on a database error (not replied). */
typedef void (*s_run_fn)(const db_open_run_t *run, const sop_step_t *step, const char *as,
                         void *arg);

static int s_my_runs(cmd_ctx_t *ctx, s_run_fn fn, void *arg)
{
    db_open_run_t *runs = NULL;
    int n = db_report_open_runs(ctx->db, ctx->caller->org_id, &runs);
    if (n < 0)
        return -1;
    db_delegation_t *deleg = NULL;
    int n_deleg = db_delegations_to(ctx->db, ctx->caller->id, ctx->now, &deleg);
    int rc = n_deleg >= 0 ? 0 : -1;
    for (int i = 0; i < n && rc == 0; i++) {
        const sopdef_t *def = defcache_get(ctx->defs, ctx->db, runs[i].def_id);
        const sop_step_t *step = def ? sopdef_step(def, runs[i].step_no) : NULL;
        if (!step) {
            rc = -1;
            break;
        }
        const char *as = NULL;
        for (int k = 0; k < n_deleg && !as; k++)
            if (deleg[k].active && strcmp(deleg[k].from_role, step->actor) == 0)
                as = deleg[k].capacity;
        if (strcmp(step->actor, ctx->caller->role) == 0)
            fn(&runs[i], step, NULL, arg);
        else if (as)
            fn(&runs[i], step, as, arg);
    }
    db_delegations_free(deleg, n_deleg > 0 ? n_deleg : 0);
    db_open_runs_free(runs, n);
    return rc;
}

static void s_add_task(const db_open_run_t *run, const sop_step_t *step, const char *as, void *arg)
{
    Lkip__TasksReply *l = arg;
    l->tasks = xrealloc(l->tasks, (l->n_tasks + 1) * sizeof *l->tasks);
    Lkip__Task *t = l->tasks[l->n_tasks++] = s_task(run, step);
    if (as)
        t->as_capacity = xstrdup(as);
}

/* The Task of a unit's open data task. Takes u's strings. */
static Lkip__Task *s_unit_task(db_unit_task_row_t *u)
{
    Lkip__Task *t = xmalloc(sizeof *t);
    lkip__task__init(t);
    t->instance_id = u->instance_id;
    t->sop_code = u->sop_code;
    t->period = u->period;
    t->unit_code = u->unit_code;
    t->assigned_at = u->assigned_at;
    t->due_at = u->due_at;
    t->org_code = u->org_code;
    t->time_zone = u->time_zone;
    t->kind = xstrdup("data_unit");
    t->step_title = xstrdup("Mengisi dan mengirim data kinerja unit");
    *u = (db_unit_task_row_t){0};
    return t;
}

/* Appends the caller's unit's open data tasks to l. 0 or -1. */
static int s_unit_tasks(cmd_ctx_t *ctx, Lkip__TasksReply *l)
{
    db_unit_task_row_t *rows = NULL;
    int n = db_report_unit_tasks(ctx->db, ctx->caller->unit_id, ctx->caller->role, &rows);
    if (n > 0)
        l->tasks = xrealloc(l->tasks, (l->n_tasks + (size_t)n) * sizeof *l->tasks);
    for (int i = 0; i < n; i++)
        l->tasks[l->n_tasks++] = s_unit_task(&rows[i]);
    db_unit_task_rows_free(rows, n);
    return n < 0 ? -1 : 0;
}

void cmd_tasks(cmd_ctx_t *ctx)
{
    Lkip__TasksReply *l = xmalloc(sizeof *l);
    lkip__tasks_reply__init(l);
    ctx->reply->payload_case = LKIP__REPLY__PAYLOAD_TASK_LIST;
    ctx->reply->task_list = l;
    /* the caller's own steps, and those of officials it acts for today (Plh./Plt.) */
    bool ok = s_my_runs(ctx, s_add_task, l) == 0;
    if (ok && ctx->caller->unit_id)
        ok = s_unit_tasks(ctx, l) == 0;
    if (ok)
        ok = s_remaining(ctx, l);
    if (!ok) {
        cmd_db_failed(ctx, "list tasks");
        return;
    }
    cmd_reply(ctx, LKIP__STATUS__OK, "ok", "%zu tugas terbuka", l->n_tasks);
}

/* The caller's open steps, as s_which_step counts them. */
typedef struct {
    int n;
    int64_t instance_id;
    int step_no;
} s_mine_t;

static void s_count_mine(const db_open_run_t *run, const sop_step_t *step, const char *as,
                         void *arg)
{
    s_mine_t *m = arg;
    m->n++;
    m->instance_id = run->instance_id;
    m->step_no = run->step_no;
}

/* A step command that names neither instance nor step acts on the caller's one open step (in
 * its own role or as a delegate): its instance id as text into id and the step into *step.
 * false after replying (none, or several: name the SOP). */
static bool s_which_step(cmd_ctx_t *ctx, char *id, size_t len, int *step)
{
    s_mine_t mine = {0};
    if (s_my_runs(ctx, s_count_mine, &mine) != 0) {
        cmd_db_failed(ctx, "find the caller's step");
        return false;
    }
    if (mine.n == 0) {
        cmd_reply(ctx, LKIP__STATUS__NOT_FOUND, "no_task",
                  "Anda tidak memiliki langkah terbuka (lihat: lkip tasks)");
        return false;
    }
    if (mine.n > 1) {
        cmd_reply(ctx, LKIP__STATUS__BAD_REQUEST, "task_ambiguous",
                  "Anda memiliki %d langkah terbuka; sebutkan SOP-nya (mis. LKIP/2026) atau "
                  "nomor langkahnya",
                  mine.n);
        return false;
    }
    snprintf(id, len, "%lld", (long long)mine.instance_id);
    *step = mine.step_no;
    return true;
}

void cmd_status(cmd_ctx_t *ctx)
{
    const Lkip__StatusRequest *r = ctx->req->status;
    if (*r->instance) {
        db_instance_t inst = {0};
        const sopdef_t *def = NULL;
        if (!cmd_instance(ctx, r->instance, false, &inst, &def))
            return;
        s_attach_status(ctx, inst.id, def, true);
        db_instance_clear(&inst);
        if (ctx->reply->payload_case != LKIP__REPLY__PAYLOAD_INSTANCES) {
            cmd_db_failed(ctx, "instance status");
            return;
        }
        cmd_reply(ctx, LKIP__STATUS__OK, "ok", "Status SOP");
        return;
    }
    int64_t *ids = NULL, *def_ids = NULL;
    int n = db_report_instances(ctx->db, ctx->caller->org_id, 100, &ids, &def_ids);
    if (n < 0) {
        cmd_db_failed(ctx, "list instances");
        return;
    }
    Lkip__StatusReply *l = xmalloc(sizeof *l);
    lkip__status_reply__init(l);
    l->instances = xcalloc((size_t)n, sizeof *l->instances);
    ctx->reply->payload_case = LKIP__REPLY__PAYLOAD_INSTANCES;
    ctx->reply->instances = l;
    for (int i = 0; i < n; i++) {
        const sopdef_t *def = defcache_get(ctx->defs, ctx->db, def_ids[i]);
        Lkip__InstanceStatus *s = def ? s_instance_status(ctx, ids[i], def, false) : NULL;
        if (!s) {
            free(ids);
            free(def_ids);
            cmd_db_failed(ctx, "instance status");
            return;
        }
        l->instances[l->n_instances++] = s;
    }
    free(ids);
    free(def_ids);
    cmd_reply(ctx, LKIP__STATUS__OK, "ok", "%d SOP", n);
}

/* The AuditEntry of an audit row. Takes a's strings. */
static Lkip__AuditEntry *s_audit_entry(db_audit_row_t *a)
{
    Lkip__AuditEntry *e = xmalloc(sizeof *e);
    lkip__audit_entry__init(e);
    e->id = a->id;
    e->at = a->at;
    e->user = a->user;
    e->command = a->command;
    e->status = a->status;
    e->code = a->code;
    e->instance_id = a->instance_id;
    e->step_no = a->step_no;
    e->detail = a->detail;
    e->acting_as = a->acting_as;
    *a = (db_audit_row_t){0};
    return e;
}

/* The History reply of n audit rows (taking their strings). */
static Lkip__HistoryReply *s_history_reply(db_audit_row_t *rows, int n)
{
    Lkip__HistoryReply *h = xmalloc(sizeof *h);
    lkip__history_reply__init(h);
    h->entries = xcalloc((size_t)n + 1, sizeof *h->entries);
    for (int i = 0; i < n; i++)
        h->entries[h->n_entries++] = s_audit_entry(&rows[i]);
    return h;
}

void cmd_history(cmd_ctx_t *ctx)
{
    const Lkip__HistoryRequest *r = ctx->req->history;
    int limit = r->limit ? r->limit : 100;
    if (limit < 1 || limit > 1000) {
        cmd_reply(ctx, LKIP__STATUS__BAD_REQUEST, "bad_limit",
                  "Batas jumlah baris harus 1 sampai 1000");
        return;
    }
    int64_t instance_id = 0;
    if (*r->instance) {
        db_instance_t inst = {0};
        const sopdef_t *def = NULL;
        if (!cmd_instance(ctx, r->instance, false, &inst, &def))
            return;
        instance_id = inst.id;
        db_instance_clear(&inst);
    }
    db_audit_row_t *rows = NULL;
    int n = db_report_history(ctx->db, instance_id, ctx->caller->id, limit, &rows);
    if (n < 0) {
        cmd_db_failed(ctx, "history");
        return;
    }
    Lkip__HistoryReply *h = s_history_reply(rows, n);
    db_audit_rows_free(rows, n);
    h->time_zone = xstrdup(ctx->caller->time_zone);
    ctx->reply->payload_case = LKIP__REPLY__PAYLOAD_AUDIT;
    ctx->reply->audit = h;
    cmd_reply(ctx, LKIP__STATUS__OK, "ok", "%zu catatan", h->n_entries);
}
