/* cmd_flow — the workflow commands: start, step (done / approve / return), submit, upload,
 * download, tasks, status, history, capaian. Each changing command loads its instance under
 * the row lock, asks the engine, and lets flow persist the verdict with its events. */
#include "cmd.h"

#include "db_delegation.h"
#include "db_org.h"
#include "deadline.h"
#include "db_report.h"
#include "db_sop.h"
#include "flow.h"
#include "idfmt.h"
#include "log.h"
#include "unitdata.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_NOTE      4000
#define MAX_PERIOD    32
#define MAX_DATA_FILE (1024 * 1024)
#define MAX_FILE_NAME 200

/* The caller's delegations (Plh./Plt.) as the engine sees them, and the rows they point into. */
typedef struct {
    db_delegation_t *rows;
    int n;
    engine_delegation_t *eng;
    char (*period)[128]; /* "5 Januari 2027 s.d. 9 Januari 2027" per row */
} s_deleg_t;

static void s_deleg_clear(s_deleg_t *d)
{
    db_delegations_free(d->rows, d->n);
    free(d->eng);
    free(d->period);
    memset(d, 0, sizeof *d);
}

static void s_day_text(const char *ymd, char *buf, size_t len)
{
    int y = 0, m = 0, day = 0;
    if (sscanf(ymd, "%d-%d-%d", &y, &m, &day) == 3)
        idfmt_date(y, m, day, buf, len);
    else
        snprintf(buf, len, "%s", ymd);
}

/* Loads the caller's delegations into cmd and, when one is active and instance_id names an
 * instance, whether the caller already acted in its current round. false after replying. */
static bool s_delegations(cmd_ctx_t *ctx, int64_t instance_id, engine_cmd_t *cmd, s_deleg_t *d)
{
    memset(d, 0, sizeof *d);
    d->n = db_delegations_to(ctx->db, ctx->caller->id, ctx->now, &d->rows);
    if (d->n < 0) {
        d->n = 0;
        cmd_db_failed(ctx, "load delegations");
        return false;
    }
    d->eng = xcalloc((size_t)d->n + 1, sizeof *d->eng);
    d->period = xcalloc((size_t)d->n + 1, sizeof *d->period);
    bool any_active = false;
    for (int i = 0; i < d->n; i++) {
        char a[48], b[48];
        s_day_text(d->rows[i].first_day, a, sizeof a);
        s_day_text(d->rows[i].last_day, b, sizeof b);
        snprintf(d->period[i], sizeof d->period[i], "%s s.d. %s", a, b);
        d->eng[i] = (engine_delegation_t){.role = d->rows[i].from_role,
                                          .capacity = d->rows[i].capacity,
                                          .period = d->period[i],
                                          .active = d->rows[i].active};
        any_active |= d->rows[i].active;
    }
    cmd->delegations = d->eng;
    cmd->n_delegations = d->n;
    if (any_active && instance_id &&
        db_acted_in_round(ctx->db, instance_id, ctx->caller->id, &cmd->acted_in_round) != 0) {
        cmd_db_failed(ctx, "check the round");
        return false;
    }
    return true;
}

/* After an accepted command: records the capacity the caller acted in for the audit row and
 * says it in the reply's message. */
static void s_note_capacity(cmd_ctx_t *ctx, const char *capacity)
{
    if (!capacity)
        return;
    strbuf_puts(&ctx->acting_as, capacity);
    strbuf_printf(&ctx->detail, " (as %s)", capacity);
}

bool cmd_instance(cmd_ctx_t *ctx, const char *ref, bool lock, db_instance_t *inst,
                  const sopdef_t **def)
{
    if (!cmd_check_field(ctx, "instance", ref, WIRE_MAX_TITLE, false))
        return false;
    bool several = false;
    db_lookup_t rc = db_flow_find(ctx->db, ctx->caller->org_id, ref, lock, inst, &several);
    if (rc == DB_FAILED) {
        cmd_db_failed(ctx, "load instance");
        return false;
    }
    if (rc == DB_NOT_FOUND) {
        if (!*ref && several)
            cmd_reply(ctx, LKIP__STATUS__BAD_REQUEST, "instance_ambiguous",
                      "Ada lebih dari satu SOP yang berjalan; sebutkan yang dimaksud (nomor "
                      "atau KODE/PERIODE, mis. LKIP/2026)");
        else if (!*ref)
            cmd_reply(ctx, LKIP__STATUS__NOT_FOUND, "no_instance",
                      "Tidak ada SOP yang sedang berjalan di organisasi Anda");
        else
            cmd_reply(ctx, LKIP__STATUS__NOT_FOUND, "unknown_instance",
                      "SOP \"%s\" tidak ditemukan di organisasi Anda", ref);
        return false;
    }
    *def = defcache_get(ctx->defs, ctx->db, inst->def_id);
    if (!*def) {
        db_instance_clear(inst);
        cmd_db_failed(ctx, "load definition");
        return false;
    }
    ctx->instance_id = inst->id;
    return true;
}

static void s_engine_instance(const db_instance_t *inst, const sopdef_t *def, engine_instance_t *e)
{
    *e = (engine_instance_t){
        .def = def,
        .active = inst->active,
        .current_step = inst->current_step,
        .doc_in_round = inst->doc_in_round,
        .has_document = inst->has_document,
        .units_total = inst->units_total,
        .units_submitted = inst->units_submitted,
    };
}

/* Runs the engine and, when it accepts, applies the effects. Returns true when accepted and
 * persisted (the reply carries the engine's message); false after replying. */
static bool s_decide_and_apply(cmd_ctx_t *ctx, flow_t *f, const engine_cmd_t *cmd)
{
    engine_instance_t e;
    s_engine_instance(f->inst, f->def, &e);
    engine_result_t res;
    engine_apply(&e, cmd, &res);
    if (res.status >= 400) {
        cmd_reply(ctx, res.status, res.code, "%s", res.message);
        return false;
    }
    f->capacity = res.capacity;
    if (flow_apply(f, &res) != 0)
        return false;
    s_note_capacity(ctx, res.capacity);
    if (res.capacity)
        cmd_reply(ctx, res.status, res.code, "%s (selaku %s)", res.message, res.capacity);
    else
        cmd_reply(ctx, res.status, res.code, "%s", res.message);
    return true;
}

/* Attaches the instance's status to the reply: with detail the whole timeline (the status
 * command), else its header (changes: the client shows the letter number and archive hash). */
static void s_attach_status(cmd_ctx_t *ctx, int64_t id, const sopdef_t *def, bool detail)
{
    Lkip__InstanceStatus *s = db_report_status(ctx->db, id, def, detail);
    if (!s)
        return; /* the change stands; the client can ask for the status */
    Lkip__StatusReply *l = xmalloc(sizeof *l);
    lkip__status_reply__init(l);
    l->n_instances = 1;
    l->instances = xmalloc(sizeof *l->instances);
    l->instances[0] = s;
    ctx->reply->payload_case = LKIP__REPLY__PAYLOAD_INSTANCES;
    ctx->reply->instances = l;
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
    s_deleg_t deleg;
    if (!s_delegations(ctx, 0, &cmd, &deleg))
        return;
    engine_result_t res;
    engine_apply(&fresh, &cmd, &res);
    int64_t id = 0;
    bool exists = false;
    db_instance_t inst = {0};
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
    if (db_flow_load(ctx->db, ctx->caller->org_id, id, true, &inst) != DB_FOUND) {
        cmd_db_failed(ctx, "load new instance");
        goto out;
    }
    ctx->instance_id = id;
    ctx->step_no = 1;
    flow_t f = {.ctx = ctx, .inst = &inst, .def = def, .text = r->note, .capacity = res.capacity};
    if (flow_apply(&f, &res) == 0) {
        strbuf_printf(&ctx->detail, "started %s/%s (definition v%d)", def->code, r->period,
                      def_version);
        s_note_capacity(ctx, res.capacity);
        cmd_reply(ctx, LKIP__STATUS__CREATED, "ok", "%s/%s dimulai (nomor %lld)%s%s. %s", def->code,
                  r->period, (long long)id, res.capacity ? " selaku " : "",
                  res.capacity ? res.capacity : "", res.message);
        s_attach_status(ctx, id, def, false);
    }
    flow_clear(&f);
out:
    db_instance_clear(&inst);
    s_deleg_clear(&deleg);
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
    if (r->step_no <= 0) {
        cmd_reply(ctx, LKIP__STATUS__BAD_REQUEST, "missing_step",
                  "Nomor langkah yang dikerjakan wajib disebutkan");
        return;
    }
    if (!s_check_note(ctx, r->note) ||
        !cmd_check_field(ctx, "archive_ref", r->archive_ref, WIRE_MAX_TITLE, false))
        return;
    ctx->step_no = r->step_no;
    db_instance_t inst = {0};
    const sopdef_t *def = NULL;
    if (!cmd_instance(ctx, r->instance, true, &inst, &def))
        return;
    flow_t f = {
        .ctx = ctx, .inst = &inst, .def = def, .text = r->note, .archive_ref = r->archive_ref};
    /* what flow adds (letter=..., archived=...) follows */
    strbuf_printf(&ctx->detail, "%s step %d of %s/%s", s_action_name(r->action), r->step_no,
                  inst.sop_code, inst.period);
    if (*r->note)
        strbuf_printf(&ctx->detail, ": %s", r->note);
    s_deleg_t deleg;
    if (s_delegations(ctx, inst.id, &cmd, &deleg) && s_decide_and_apply(ctx, &f, &cmd))
        s_attach_status(ctx, inst.id, def, false);
    s_deleg_clear(&deleg);
    flow_clear(&f);
    db_instance_clear(&inst);
}

/* True when a unit cell names unit (by code, name, or "Bidang CODE"), case-insensitively. */
static bool s_unit_matches(const char *cell, const char *code, const char *name)
{
    if (strcasecmp(cell, code) == 0 || strcasecmp(cell, name) == 0)
        return true;
    return strncasecmp(cell, "Bidang ", 7) == 0 && strcasecmp(cell + 7, code) == 0;
}

static Lkip__SubmitReply *s_submit_reply(void)
{
    Lkip__SubmitReply *s = xmalloc(sizeof *s);
    lkip__submit_reply__init(s);
    return s;
}

static void s_add_error(Lkip__SubmitReply *s, int line, int column, const char *column_name,
                        const char *code, const char *reason)
{
    Lkip__CellError *e = xmalloc(sizeof *e);
    lkip__cell_error__init(e);
    e->line = line;
    e->column = column;
    e->column_name = xstrdup(column_name);
    e->code = xstrdup(code);
    e->reason = xstrdup(reason);
    s->errors = xrealloc(s->errors, (s->n_errors + 1) * sizeof *s->errors);
    s->errors[s->n_errors++] = e;
}

/* The unit a submission is for: the caller's own (an operator acts only for its own unit).
 * false after replying. */
static bool s_submit_unit(cmd_ctx_t *ctx, const char *unit_code, db_unit_t *unit)
{
    if (*unit_code && strcmp(unit_code, ctx->caller->unit_code) != 0) {
        cmd_reply(ctx, LKIP__STATUS__FORBIDDEN, "other_unit",
                  "Anda hanya dapat mengirim data untuk unit Anda sendiri (%s), bukan \"%s\"",
                  *ctx->caller->unit_code ? ctx->caller->unit_code : "-", unit_code);
        return false;
    }
    if (!ctx->caller->unit_id) {
        cmd_reply(ctx, LKIP__STATUS__FORBIDDEN, "no_unit",
                  "Akun Anda tidak terhubung ke unit mana pun; data unit dikirim oleh "
                  "operator unit");
        return false;
    }
    unit->id = ctx->caller->unit_id;
    unit->code = xstrdup(ctx->caller->unit_code);
    unit->name = xstrdup(ctx->caller->unit_name);
    return true;
}

static engine_unit_state_t s_unit_state(const char *state)
{
    if (strcmp(state, "open") == 0)
        return ENGINE_UNIT_OPEN;
    if (strcmp(state, "submitted") == 0)
        return ENGINE_UNIT_SUBMITTED;
    return ENGINE_UNIT_MISSING;
}

void cmd_submit(cmd_ctx_t *ctx)
{
    const Lkip__SubmitRequest *r = ctx->req->submit;
    if (!cmd_check_field(ctx, "file_name", r->file_name, MAX_FILE_NAME, false))
        return;
    if (r->content.len > MAX_DATA_FILE) {
        cmd_reply(ctx, LKIP__STATUS__TOO_LARGE, "file_too_large",
                  "Berkas data terlalu besar (%zu bita; paling besar %d bita)", r->content.len,
                  MAX_DATA_FILE);
        return;
    }
    db_unit_t unit = {0};
    db_instance_t inst = {0};
    const sopdef_t *def = NULL;
    if (!cmd_instance(ctx, r->instance, true, &inst, &def))
        return;
    if (!s_submit_unit(ctx, r->unit_code, &unit)) {
        db_instance_clear(&inst);
        return;
    }
    ctx->step_no = inst.current_step;
    Lkip__SubmitReply *reply = s_submit_reply();
    reply->unit_code = xstrdup(unit.code);
    ctx->reply->payload_case = LKIP__REPLY__PAYLOAD_SUBMITTED;
    ctx->reply->submitted = reply;

    unitdata_t *data = unitdata_parse((const char *)r->content.data, r->content.len);
    for (int i = 0; i < data->n_errors; i++) {
        const unitdata_error_t *e = &data->errors[i];
        s_add_error(reply, e->line, e->column, e->column_name, e->code, e->reason);
    }
    /* also when other rows have bad cells: the whole file is refused, and every cell named */
    for (int i = 0; i < data->n_rows; i++) {
        const unitdata_row_t *row = &data->rows[i];
        if (*row->unit && !s_unit_matches(row->unit, unit.code, unit.name)) {
            char *why =
                xasprintf("baris ini untuk unit \"%s\", bukan unit %s", row->unit, unit.code);
            s_add_error(reply, row->line, 1, "unit", "other_unit", why);
            free(why);
        }
    }
    if (reply->n_errors > 0) {
        cmd_reply(ctx, LKIP__STATUS__INVALID, "bad_data",
                  "Berkas \"%s\" ditolak: %zu isian tidak sah; tidak ada data yang disimpan",
                  r->file_name, reply->n_errors);
        goto out;
    }
    int64_t task_id = 0;
    char state[16] = "";
    db_lookup_t rc = db_flow_unit_task(ctx->db, inst.id, unit.id, &task_id, state, sizeof state);
    if (rc == DB_FAILED) {
        cmd_db_failed(ctx, "find unit task");
        goto out;
    }
    engine_cmd_t cmd = {.kind = ENGINE_SUBMIT,
                        .role = ctx->caller->role,
                        .unit_state = rc == DB_FOUND ? s_unit_state(state) : ENGINE_UNIT_NO_TASK};
    flow_t f = {.ctx = ctx,
                .inst = &inst,
                .def = def,
                .data = data,
                .task_id = task_id,
                .unit_code = unit.code,
                .file_name = r->file_name,
                .content = r->content.data,
                .len = r->content.len};
    if (s_decide_and_apply(ctx, &f, &cmd)) {
        reply->version = f.data_version;
        reply->rows = data->n_rows;
        reply->units_total = inst.units_total;
        reply->units_submitted = inst.units_submitted + (cmd.unit_state == ENGINE_UNIT_OPEN);
        strbuf_printf(&ctx->detail, "unit %s data v%d: %d rows from \"%s\"", unit.code,
                      f.data_version, data->n_rows, r->file_name);
    }
    flow_clear(&f);
out:
    unitdata_destroy(&data);
    db_instance_clear(&inst);
    db_unit_clear(&unit);
}

/* The last path component of a client's file name, for storing. */
static const char *s_base_name(const char *name)
{
    const char *slash = strrchr(name, '/');
    const char *back = strrchr(slash ? slash : name, '\\');
    const char *base = back ? back + 1 : slash ? slash + 1 : name;
    return *base ? base : "dokumen";
}

void cmd_upload(cmd_ctx_t *ctx)
{
    const Lkip__UploadRequest *r = ctx->req->upload;
    if (!cmd_check_field(ctx, "file_name", r->file_name, MAX_FILE_NAME, true))
        return;
    if (r->upload_id == 0 && r->content.len == 0) {
        cmd_reply(ctx, LKIP__STATUS__BAD_REQUEST, "empty_file", "Berkas \"%s\" kosong",
                  r->file_name);
        return;
    }
    if (r->content.len > WIRE_CHUNK) {
        cmd_reply(ctx, LKIP__STATUS__TOO_LARGE, "chunk_required",
                  "Dokumen lebih besar dari %u bita dikirim bertahap (upload_chunk), bukan "
                  "dalam satu pesan",
                  WIRE_CHUNK);
        return;
    }
    if (r->step_no <= 0) {
        cmd_reply(ctx, LKIP__STATUS__BAD_REQUEST, "missing_step",
                  "Nomor langkah yang dikerjakan wajib disebutkan");
        return;
    }
    ctx->step_no = r->step_no;
    db_instance_t inst = {0};
    const sopdef_t *def = NULL;
    if (!cmd_instance(ctx, r->instance, true, &inst, &def))
        return;
    engine_cmd_t cmd = {.kind = ENGINE_UPLOAD, .role = ctx->caller->role, .step_no = r->step_no};
    const char *name = s_base_name(r->file_name);
    uint8_t *staged = NULL;
    size_t staged_len = 0;
    if (r->upload_id && !cmd_take_upload(ctx, r, &staged, &staged_len)) {
        db_instance_clear(&inst);
        return;
    }
    flow_t f = {.ctx = ctx,
                .inst = &inst,
                .def = def,
                .file_name = name,
                .content = staged ? staged : r->content.data,
                .len = staged ? staged_len : r->content.len};
    s_deleg_t deleg;
    if (s_delegations(ctx, inst.id, &cmd, &deleg) && s_decide_and_apply(ctx, &f, &cmd)) {
        bool found;
        Lkip__DocumentReply *d = db_report_document(ctx->db, inst.id, f.doc_version, 0, 0, &found);
        if (d) {
            ctx->reply->payload_case = LKIP__REPLY__PAYLOAD_DOCUMENT;
            ctx->reply->document = d;
        }
        cmd_reply(ctx, LKIP__STATUS__CREATED, "ok",
                  "Dokumen \"%s\" disimpan sebagai versi %d (langkah %d, SHA-256 %.16s...)%s%s",
                  name, f.doc_version, r->step_no, f.sha256, f.capacity ? " selaku " : "",
                  f.capacity ? f.capacity : "");
    }
    s_deleg_clear(&deleg);
    flow_clear(&f);
    free(staged);
    db_instance_clear(&inst);
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

void cmd_tasks(cmd_ctx_t *ctx)
{
    db_open_run_t *runs = NULL;
    int n = db_report_open_runs(ctx->db, ctx->caller->org_id, &runs);
    if (n < 0) {
        cmd_db_failed(ctx, "list open steps");
        return;
    }
    Lkip__TasksReply *l = xmalloc(sizeof *l);
    lkip__tasks_reply__init(l);
    ctx->reply->payload_case = LKIP__REPLY__PAYLOAD_TASK_LIST;
    ctx->reply->task_list = l;
    /* the caller's own steps, and those of officials it acts for today (Plh./Plt.) */
    db_delegation_t *deleg = NULL;
    int n_deleg = db_delegations_to(ctx->db, ctx->caller->id, ctx->now, &deleg);
    bool ok = n_deleg >= 0;
    for (int i = 0; i < n && ok; i++) {
        const sopdef_t *def = defcache_get(ctx->defs, ctx->db, runs[i].def_id);
        const sop_step_t *step = def ? sopdef_step(def, runs[i].step_no) : NULL;
        if (!step) {
            ok = false;
            break;
        }
        const char *as = NULL;
        for (int k = 0; k < n_deleg && !as; k++)
            if (deleg[k].active && strcmp(deleg[k].from_role, step->actor) == 0)
                as = deleg[k].capacity;
        if (strcmp(step->actor, ctx->caller->role) != 0 && !as)
            continue;
        l->tasks = xrealloc(l->tasks, (l->n_tasks + 1) * sizeof *l->tasks);
        Lkip__Task *t = l->tasks[l->n_tasks++] = s_task(&runs[i], step);
        if (strcmp(step->actor, ctx->caller->role) != 0)
            t->as_capacity = xstrdup(as);
    }
    db_delegations_free(deleg, n_deleg > 0 ? n_deleg : 0);
    db_open_runs_free(runs, n);
    if (ok && ctx->caller->unit_id &&
        db_report_unit_tasks(ctx->db, ctx->caller->unit_id, ctx->caller->role, &l->tasks,
                             &l->n_tasks) < 0)
        ok = false;
    if (ok)
        ok = s_remaining(ctx, l);
    if (!ok) {
        cmd_db_failed(ctx, "list tasks");
        return;
    }
    cmd_reply(ctx, LKIP__STATUS__OK, "ok", "%zu tugas terbuka", l->n_tasks);
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
        Lkip__InstanceStatus *s = def ? db_report_status(ctx->db, ids[i], def, false) : NULL;
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
    Lkip__HistoryReply *h = db_report_history(ctx->db, instance_id, ctx->caller->id, limit);
    if (!h) {
        cmd_db_failed(ctx, "history");
        return;
    }
    h->time_zone = xstrdup(ctx->caller->time_zone);
    ctx->reply->payload_case = LKIP__REPLY__PAYLOAD_AUDIT;
    ctx->reply->audit = h;
    cmd_reply(ctx, LKIP__STATUS__OK, "ok", "%zu catatan", h->n_entries);
}

void cmd_capaian(cmd_ctx_t *ctx)
{
    const Lkip__CapaianRequest *r = ctx->req->capaian;
    db_instance_t inst = {0};
    const sopdef_t *def = NULL;
    if (!cmd_instance(ctx, r->instance, false, &inst, &def))
        return;
    Lkip__CapaianReply *c = db_report_capaian(ctx->db, inst.id);
    if (!c) {
        db_instance_clear(&inst);
        cmd_db_failed(ctx, "capaian");
        return;
    }
    ctx->reply->payload_case = LKIP__REPLY__PAYLOAD_CAPAIAN_TABLE;
    ctx->reply->capaian_table = c;
    cmd_reply(ctx, LKIP__STATUS__OK, "ok", "Capaian kinerja %s/%s: %zu indikator", inst.sop_code,
              inst.period, c->n_indicators);
    db_instance_clear(&inst);
}
