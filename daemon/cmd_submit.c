/* cmd_submit — a unit sends its performance data (step 4 of the LKIP SOP): a CSV as the
 * spreadsheets export it, or the XLSX format lkip made for the unit, filled in. Either way the
 * file is read completely first and refused whole, nothing stored, with every bad cell named;
 * an accepted one becomes the unit's next data version through the engine and flow, like every
 * other change. Rows get the Perjanjian Kinerja's indicator code (by their kode, else their
 * indikator), so that later years find them. */
#include "cmd_set.h"

#include "batch.h"

#include "db_format.h"
#include "db_org.h"
#include "db_pk.h"
#include "flow.h"
#include "unitfmt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_DATA_FILE WIRE_MAX_DATA_FILE
#define MAX_FILE_NAME 200

static Lkip__SubmitReply *s_submit_reply(void)
{
    Lkip__SubmitReply *s = xmalloc(sizeof *s);
    lkip__submit_reply__init(s);
    return s;
}

static void s_add_error(Lkip__SubmitReply *s, const unitdata_error_t *src)
{
    s->errors = xrealloc(s->errors, (s->n_errors + 1) * sizeof *s->errors);
    s->errors[s->n_errors++] = cmd_cell_error(src);
}

static void s_add_warnings(Lkip__SubmitReply *s, const unitdata_t *data)
{
    s->warnings = xcalloc((size_t)data->n_warnings + 1, sizeof *s->warnings);
    for (int i = 0; i < data->n_warnings; i++)
        s->warnings[s->n_warnings++] = cmd_cell_error(&data->warnings[i]);
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

/* ---- reading the file --------------------------------------------------------------------- */

/* What one submission brings. */
typedef struct {
    cmd_ctx_t *ctx;
    const Lkip__SubmitRequest *r;
    db_instance_t *inst;
    const db_unit_t *unit;
    pk_t *pk;        /* the instance's PK, or NULL */
    char *format_id; /* an XLSX submission: the format it filled (owned) */
} s_submit_t;

/* Reads a returned format (which needs the instance's PK) into unit data. */
static unitdata_t *s_read_workbook(s_submit_t *s)
{
    char ref[128];
    snprintf(ref, sizeof ref, "%s/%s", s->inst->sop_code, s->inst->period);
    if (!s->pk) {
        unitdata_t *ud = unitdata_new();
        unitdata_add_error(ud, 0, 0, "", "", "no_pk",
                           "SOP ini belum memakai Perjanjian Kinerja sehingga belum ada format "
                           "XLSX untuk diisi; kirim data dalam CSV");
        return ud;
    }
    unitfmt_expect_t expect = {s->inst->id, ref, s->unit->code, s->inst->pk_version};
    unitfmt_info_t info;
    unitdata_t *ud = unitfmt_read(s->r->content.data, s->r->content.len, &expect, s->pk, &info);
    if (ud->n_errors == 0) {
        db_lookup_t rc = db_format_known(s->ctx->db, info.format_id, s->inst->id, s->unit->id);
        if (rc == DB_FAILED) {
            unitdata_destroy(&ud);
        } else if (rc == DB_NOT_FOUND) {
            char *why = xasprintf("format \"%s\" tidak pernah dibuat untuk unit %s pada %s; unduh "
                                  "format unit Anda dengan: lkip format download",
                                  info.format_id, s->unit->code, ref);
            unitdata_add_error(ud, 0, 0, "", "", "unknown_format", why);
            free(why);
        } else {
            s->format_id = xstrdup(info.format_id);
        }
    }
    unitfmt_info_clear(&info);
    return ud;
}

/* The PK indicator of unit with code, or NULL. */
static const pk_indicator_t *s_pk_code(const pk_t *pk, const char *unit, const char *code)
{
    const pk_indicator_t *ind = pk_find(pk, code);
    return ind && strcmp(ind->unit_code, unit) == 0 ? ind : NULL;
}

/* Gives every row the PK's code: checks a written kode, else finds the row's indikator. */
static void s_match_codes(const s_submit_t *s, unitdata_t *data)
{
    for (int i = 0; s->pk && i < data->n_rows; i++) {
        unitdata_row_t *row = &data->rows[i];
        if (*row->code) {
            if (s_pk_code(s->pk, s->unit->code, row->code))
                continue;
            char *why = xasprintf("kode \"%s\" tidak ada dalam Perjanjian Kinerja unit %s",
                                  row->code, s->unit->code);
            unitdata_add_error(data, row->line, 0, "kode", "", "unknown_code", why);
            free(why);
            continue;
        }
        for (int k = 0; k < s->pk->n; k++) {
            const pk_indicator_t *ind = &s->pk->ind[k];
            if (strcmp(ind->unit_code, s->unit->code) == 0 &&
                strcasecmp(ind->indikator, row->indikator) == 0) {
                free(row->code);
                row->code = xstrdup(ind->code);
                break;
            }
        }
    }
}

/* A workbook by its bytes (ZIP or OLE), or by a spreadsheet's file name whatever the bytes, so
 * that a broken .xlsx is refused as what it claims to be rather than read as CSV. */
static bool s_is_workbook(const Lkip__SubmitRequest *r)
{
    static const char *const ext[] = {".xlsx", ".xlsm", ".xls", ".ods"};
    if (unitfmt_is_workbook(r->content.data, r->content.len))
        return true;
    size_t n = strlen(r->file_name);
    for (size_t i = 0; i < ARRAY_LEN(ext); i++) {
        size_t e = strlen(ext[i]);
        if (n > e && strcasecmp(r->file_name + n - e, ext[i]) == 0)
            return true;
    }
    return false;
}

/* Reads the file of the request: XLSX or CSV, codes matched, the rows of other units named.
 * NULL after a database failure (replied). */
static unitdata_t *s_read(s_submit_t *s)
{
    const Lkip__SubmitRequest *r = s->r;
    if (s->inst->pk_id && !(s->pk = db_pk_load(s->ctx->db, s->inst->pk_id))) {
        cmd_db_failed(s->ctx, "load PK");
        return NULL;
    }
    unitdata_t *data = s_is_workbook(r)
                           ? s_read_workbook(s)
                           : unitdata_parse((const char *)r->content.data, r->content.len);
    if (!data) {
        cmd_db_failed(s->ctx, "find unit format");
        return NULL;
    }
    /* also when other rows have bad cells: the whole file is refused, and every cell named */
    for (int i = 0; i < data->n_rows; i++) {
        const unitdata_row_t *row = &data->rows[i];
        if (*row->unit && !unitdata_unit_matches(row->unit, s->unit->code, s->unit->name)) {
            char *why =
                xasprintf("baris ini untuk unit \"%s\", bukan unit %s", row->unit, s->unit->code);
            unitdata_add_error(data, row->line, 1, "unit", "", "other_unit", why);
            free(why);
        }
    }
    if (data->n_errors == 0)
        s_match_codes(s, data);
    return data;
}

/* Refuses the file with its errors. A single problem with the whole file (not XLSX, encrypted,
 * another unit's workbook) gives its own code; an archive past the caps is 413. */
static void s_refuse(cmd_ctx_t *ctx, Lkip__SubmitReply *reply, const unitdata_t *data,
                     const char *file_name)
{
    for (int i = 0; i < data->n_errors; i++)
        s_add_error(reply, &data->errors[i]);
    const unitdata_error_t *e = &data->errors[0];
    if (data->n_errors == 1 && e->line == 0 && !*e->ref) {
        bool caps = !strcmp(e->code, "archive_too_large") || !strcmp(e->code, "too_many_entries");
        cmd_reply(ctx, caps ? LKIP__STATUS__TOO_LARGE : LKIP__STATUS__INVALID, e->code,
                  "Berkas \"%s\" ditolak: %s; tidak ada data yang disimpan", file_name, e->reason);
        return;
    }
    cmd_reply(ctx, LKIP__STATUS__INVALID, "bad_data",
              "Berkas \"%s\" ditolak: %d isian tidak sah; tidak ada data yang disimpan", file_name,
              data->n_errors);
}

/* ---- the command -------------------------------------------------------------------------- */

/* Hands accepted data to the engine and flow. task: the caller's unit task (id 0: none), or
 * NULL to look it up here. */
static flow_rc_t s_record(s_submit_t *s, const sopdef_t *def, unitdata_t *data,
                          Lkip__SubmitReply *reply, const db_task_state_t *task,
                          struct flowset *set)
{
    cmd_ctx_t *ctx = s->ctx;
    db_task_state_t found = {0};
    if (!task) {
        if (db_flow_unit_task(ctx->db, s->inst->id, s->unit->id, &found) == DB_FAILED) {
            cmd_db_failed(ctx, "find unit task");
            return FLOW_REFUSED;
        }
        task = &found;
    }
    engine_cmd_t cmd = {.kind = ENGINE_SUBMIT,
                        .role = ctx->caller->role,
                        .unit_state = task->id ? s_unit_state(task->state) : ENGINE_UNIT_NO_TASK};
    flow_t f = {.ctx = ctx,
                .inst = s->inst,
                .def = def,
                .data = data,
                .task_id = task->id,
                .task_version = task->version,
                .unit_code = s->unit->code,
                .format_id = s->format_id,
                .file_name = s->r->file_name,
                .content = s->r->content.data,
                .len = s->r->content.len,
                .set = set};
    flow_rc_t rc = flow_run(&f, &cmd);
    if (rc != FLOW_NOT_IN_SET)
        cmd_reply_outcome(ctx, &f.out);
    if (rc == FLOW_ACCEPTED) {
        reply->version = f.data_version;
        reply->rows = data->n_rows;
        reply->units_total = s->inst->units_total;
        reply->units_submitted = s->inst->units_submitted + (cmd.unit_state == ENGINE_UNIT_OPEN);
        reply->format_id = xstrdup(s->format_id ? s->format_id : "");
        s_add_warnings(reply, data);
        strbuf_printf(&ctx->detail, "unit %s data v%d: %d rows from \"%s\"%s%s", s->unit->code,
                      f.data_version, data->n_rows, s->r->file_name, s->format_id ? " format=" : "",
                      s->format_id ? s->format_id : "");
    }
    flow_clear(&f);
    return rc;
}

/* Everything after the instance: the unit, the file, the engine and flow (cmd_set.h). The
 * ordinary path gives no task (looked up here) and no set. */
flow_rc_t cmd_submit_decide(cmd_ctx_t *ctx, db_instance_t *inst, const sopdef_t *def,
                            const db_task_state_t *task, struct flowset *set)
{
    const Lkip__SubmitRequest *r = ctx->req->submit;
    db_unit_t unit = {0};
    if (!s_submit_unit(ctx, r->unit_code, &unit))
        return FLOW_REFUSED;
    ctx->step_no = inst->current_step;
    Lkip__SubmitReply *reply = s_submit_reply();
    reply->unit_code = xstrdup(unit.code);
    ctx->reply->payload_case = LKIP__REPLY__PAYLOAD_SUBMITTED;
    ctx->reply->submitted = reply;
    s_submit_t s = {.ctx = ctx, .r = r, .inst = inst, .unit = &unit};
    unitdata_t *data = s_read(&s);
    flow_rc_t rc = FLOW_REFUSED;
    if (data && data->n_errors > 0)
        s_refuse(ctx, reply, data, r->file_name);
    else if (data)
        rc = s_record(&s, def, data, reply, task, set);
    unitdata_destroy(&data);
    pk_destroy(&s.pk);
    free(s.format_id);
    db_unit_clear(&unit);
    return rc;
}

/* The checks of the request alone, before any instance; false after replying. */
static bool s_check_request(cmd_ctx_t *ctx, const Lkip__SubmitRequest *r)
{
    if (!cmd_check_field(ctx, "file_name", r->file_name, MAX_FILE_NAME, false))
        return false;
    if (r->content.len > MAX_DATA_FILE) {
        cmd_reply(ctx, LKIP__STATUS__TOO_LARGE, "file_too_large",
                  "Berkas data terlalu besar (%zu bita; paling besar %d bita)", r->content.len,
                  MAX_DATA_FILE);
        return false;
    }
    return true;
}

void cmd_submit(cmd_ctx_t *ctx)
{
    const Lkip__SubmitRequest *r = ctx->req->submit;
    if (!s_check_request(ctx, r))
        return;
    /* the instance first: another organisation's is not found, whoever asks */
    db_instance_t inst = {0};
    const sopdef_t *def = NULL;
    if (!cmd_instance(ctx, r->instance, true, &inst, &def))
        return;
    (void)cmd_submit_decide(ctx, &inst, def, NULL, NULL);
    db_instance_clear(&inst);
}

bool cmd_submit_settable(const Lkip__SubmitRequest *r)
{
    if (s_is_workbook(r)) /* its format is looked up */
        return false;
    /* a request the checks refuse gets their answer on the ordinary path */
    cmd_ctx_t scratch = {.reply = batch_reply_new()};
    bool ok = s_check_request(&scratch, r);
    lkip__reply__free_unpacked(scratch.reply, NULL);
    return ok;
}
