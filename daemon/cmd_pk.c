/* cmd_pk — the Perjanjian Kinerja and the units' formats: pk_import (the planning office: a
 * CSV or XLSX becomes the organisation's next PK version of a year, audited; a bad file is
 * refused whole, every bad cell named), pk_show (a version as data, or exported as XLSX),
 * format_make (the units' formats of an instance made again from its PK) and format_download
 * (a unit's newest format: operators their own unit's, the format and collection steps' actors
 * any unit's). Everything is scoped to the caller's organisation. */
#include "cmd.h"

#include "db_format.h"
#include "db_org.h"
#include "db_pk.h"
#include "formats.h"
#include "log.h"
#include "pk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PK_FILE   WIRE_MAX_DATA_FILE
#define MAX_FILE_NAME 200

/* ---- the PK as a reply ------------------------------------------------------------------- */

static Lkip__PkReply *s_pk_reply(cmd_ctx_t *ctx)
{
    Lkip__PkReply *p = xmalloc(sizeof *p);
    lkip__pk_reply__init(p);
    ctx->reply->payload_case = LKIP__REPLY__PAYLOAD_PK;
    ctx->reply->pk = p;
    return p;
}

static Lkip__PkYear *s_year(const pk_year_t *x)
{
    Lkip__PkYear *y = xmalloc(sizeof *y);
    lkip__pk_year__init(y);
    y->year = x->year;
    y->has_target = x->has_target;
    y->target = xstrdup(x->target_text);
    y->has_realisasi = x->has_realisasi;
    y->realisasi = x->realisasi;
    return y;
}

static Lkip__PkIndicator *s_indicator(const pk_indicator_t *x)
{
    Lkip__PkIndicator *i = xmalloc(sizeof *i);
    lkip__pk_indicator__init(i);
    i->code = xstrdup(x->code);
    i->unit_code = xstrdup(x->unit_code);
    i->unit_name = xstrdup(x->unit_name);
    i->sasaran = xstrdup(x->sasaran);
    i->indikator = xstrdup(x->indikator);
    i->satuan = xstrdup(x->satuan);
    i->arah = xstrdup(pk_dir_name(x->dir));
    i->rumus = xstrdup(pk_formula_name(x->formula));
    i->target = xstrdup(x->target_text);
    i->n_years = (size_t)x->n_years;
    i->years = xcalloc((size_t)(x->n_years ? x->n_years : 1), sizeof *i->years);
    for (int k = 0; k < x->n_years; k++)
        i->years[k] = s_year(&x->years[k]);
    return i;
}

static void s_fill(Lkip__PkReply *p, const db_pk_info_t *info, const pk_t *pk, const user_t *who)
{
    const char *org = who->org_code;
    p->time_zone = xstrdup(who->time_zone);
    p->year = info->year;
    p->version = info->version;
    p->versions = info->versions;
    p->org_code = xstrdup(org);
    p->file_name = xstrdup(info->file_name);
    p->sha256 = xstrdup(info->sha256);
    p->imported_at = info->imported_at;
    p->imported_by = xstrdup(info->imported_by);
    p->renstra_first = pk->renstra_first;
    p->renstra_last = pk->renstra_last;
    p->baseline_year = pk->baseline_year;
    p->n_indicators = (size_t)pk->n;
    p->indicators = xcalloc((size_t)(pk->n ? pk->n : 1), sizeof *p->indicators);
    for (int i = 0; i < pk->n; i++)
        p->indicators[i] = s_indicator(&pk->ind[i]);
}

static bool s_check_year(cmd_ctx_t *ctx, int year, bool required)
{
    if ((!required && year == 0) || (year >= PK_MIN_YEAR && year <= PK_MAX_YEAR))
        return true;
    cmd_reply(ctx, LKIP__STATUS__BAD_REQUEST, "bad_year", "Tahun %d tidak sah (%d sampai %d)", year,
              PK_MIN_YEAR, PK_MAX_YEAR);
    return false;
}

/* ---- pk_import ---------------------------------------------------------------------------- */

/* The PK parsed against the units of the caller's organisation; NULL after replying. */
static pk_t *s_parse(cmd_ctx_t *ctx, const Lkip__PkImportRequest *r)
{
    db_unit_t *units = NULL;
    int n = db_unit_list(ctx->db, ctx->caller->org_id, &units);
    if (n < 0) {
        cmd_db_failed(ctx, "list units");
        return NULL;
    }
    pk_unit_t *refs = xcalloc((size_t)(n ? n : 1), sizeof *refs);
    int active = 0;
    for (int i = 0; i < n; i++)
        if (!units[i].disabled)
            refs[active++] = (pk_unit_t){units[i].code, units[i].name};
    pk_t *pk = pk_parse(r->content.data, r->content.len, r->year, refs, active);
    free(refs);
    db_units_list_free(units, n);
    return pk;
}

/* Refuses the file with every bad cell. */
static void s_refuse(cmd_ctx_t *ctx, const pk_t *pk, const char *file_name)
{
    Lkip__PkReply *p = s_pk_reply(ctx);
    p->year = pk->year;
    p->n_errors = (size_t)pk->n_errors;
    p->errors = xcalloc((size_t)pk->n_errors, sizeof *p->errors);
    for (int i = 0; i < pk->n_errors; i++)
        p->errors[i] = cmd_cell_error(&pk->errors[i]);
    const unitdata_error_t *e = &pk->errors[0];
    if (pk->n_errors == 1 && !*e->ref)
        cmd_reply(ctx, LKIP__STATUS__INVALID, e->code,
                  "Berkas \"%s\" ditolak: %s; Perjanjian Kinerja tidak disimpan", file_name,
                  e->reason);
    else
        cmd_reply(ctx, LKIP__STATUS__INVALID, "bad_data",
                  "Berkas \"%s\" ditolak: %d isian tidak sah; Perjanjian Kinerja tidak disimpan",
                  file_name, pk->n_errors);
}

void cmd_pk_import(cmd_ctx_t *ctx)
{
    const Lkip__PkImportRequest *r = ctx->req->pk_import;
    if (!s_check_year(ctx, r->year, true) ||
        !cmd_check_field(ctx, "file_name", r->file_name, MAX_FILE_NAME, true))
        return;
    if (r->content.len == 0) {
        cmd_reply(ctx, LKIP__STATUS__BAD_REQUEST, "empty_file", "Berkas \"%s\" kosong",
                  r->file_name);
        return;
    }
    if (r->content.len > MAX_PK_FILE) {
        cmd_reply(ctx, LKIP__STATUS__TOO_LARGE, "file_too_large",
                  "Berkas Perjanjian Kinerja terlalu besar (%zu bita; paling besar %d bita)",
                  r->content.len, MAX_PK_FILE);
        return;
    }
    pk_t *pk = s_parse(ctx, r);
    if (!pk)
        return;
    db_pk_info_t info = {0};
    if (pk->n_errors > 0) {
        s_refuse(ctx, pk, r->file_name);
    } else if (db_pk_store(ctx->db, ctx->caller->org_id, pk, r->file_name, r->content.data,
                           r->content.len, ctx->caller->id, ctx->now, &info) != 0) {
        cmd_db_failed(ctx, "store PK");
    } else {
        Lkip__PkReply *p = s_pk_reply(ctx);
        s_fill(p, &info, pk, ctx->caller);
        p->created = true;
        strbuf_printf(&ctx->detail, "pk %d v%d: %d indicators from \"%s\" sha256=%s", info.year,
                      info.version, pk->n, r->file_name, info.sha256);
        cmd_reply(ctx, LKIP__STATUS__CREATED, "ok",
                  "Perjanjian Kinerja tahun %d versi %d disimpan: %d indikator dari \"%s\"",
                  info.year, info.version, pk->n, r->file_name);
    }
    db_pk_info_clear(&info);
    pk_destroy(&pk);
}

/* ---- pk_show ------------------------------------------------------------------------------ */

void cmd_pk_show(cmd_ctx_t *ctx)
{
    const Lkip__PkShowRequest *r = ctx->req->pk_show;
    if (!s_check_year(ctx, r->year, false))
        return;
    if (r->version < 0) {
        cmd_reply(ctx, LKIP__STATUS__BAD_REQUEST, "bad_version", "Versi tidak sah");
        return;
    }
    db_pk_info_t info = {0};
    db_lookup_t rc = db_pk_find(ctx->db, ctx->caller->org_id, r->year, r->version, &info);
    if (rc != DB_FOUND) {
        if (rc == DB_FAILED)
            cmd_db_failed(ctx, "find PK");
        else if (r->year)
            cmd_reply(ctx, LKIP__STATUS__NOT_FOUND, "no_pk",
                      "Perjanjian Kinerja tahun %d%s belum ada di organisasi Anda; impor dengan: "
                      "lkip pk import BERKAS --tahun %d",
                      r->year, r->version ? " versi itu" : "", r->year);
        else
            cmd_reply(ctx, LKIP__STATUS__NOT_FOUND, "no_pk",
                      "Belum ada Perjanjian Kinerja di organisasi Anda; impor dengan: lkip pk "
                      "import BERKAS --tahun TAHUN");
        return;
    }
    pk_t *pk = db_pk_load(ctx->db, info.id);
    Lkip__PkReply *p = pk ? s_pk_reply(ctx) : NULL;
    uint8_t *data = NULL;
    size_t len = 0;
    const char *why = NULL;
    if (!pk) {
        cmd_db_failed(ctx, "load PK");
    } else if (r->xlsx &&
               pk_write_xlsx(pk, ctx->caller->org_name, info.version, &data, &len, &why) != 0) {
        log_error("PK export: %s", why);
        cmd_reply(ctx, LKIP__STATUS__INTERNAL, "export_failed",
                  "Perjanjian Kinerja tidak dapat diekspor di server");
    } else {
        s_fill(p, &info, pk, ctx->caller);
        p->content.data = data;
        p->content.len = len;
        cmd_reply(ctx, LKIP__STATUS__OK, "ok", "Perjanjian Kinerja tahun %d versi %d: %d indikator",
                  info.year, info.version, pk->n);
    }
    pk_destroy(&pk);
    db_pk_info_clear(&info);
}

/* ---- the formats -------------------------------------------------------------------------- */

/* The step that makes the formats and the collecting step of def; NULL when none. */
static const sop_step_t *s_format_step(const sopdef_t *def, const sop_step_t **collect)
{
    const sop_step_t *fmt = NULL;
    *collect = NULL;
    for (int i = 0; i < def->n_steps; i++) {
        if (def->steps[i].makes_unit_formats)
            fmt = &def->steps[i];
        if (def->steps[i].kind == SOP_FANIN)
            *collect = &def->steps[i];
    }
    return fmt;
}

static Lkip__FormatReply *s_format_reply(cmd_ctx_t *ctx)
{
    Lkip__FormatReply *f = xmalloc(sizeof *f);
    lkip__format_reply__init(f);
    ctx->reply->payload_case = LKIP__REPLY__PAYLOAD_FORMATS;
    ctx->reply->formats = f;
    return f;
}

/* Appends the format of row to reply, taking row's strings (row is left cleared). */
static void s_format_add(Lkip__FormatReply *reply, db_format_row_t *row)
{
    Lkip__FormatInfo *f = xmalloc(sizeof *f);
    lkip__format_info__init(f);
    f->unit_code = row->unit_code;
    f->unit_name = row->unit_name;
    f->version = row->version;
    f->format_id = row->format_id;
    f->file_name = row->file_name;
    f->size = row->size;
    f->sha256 = row->sha256;
    f->indicators = row->indicators;
    f->pk_version = row->pk_version;
    f->made_at = row->made_at;
    f->made_by = row->made_by;
    reply->formats = xrealloc(reply->formats, (reply->n_formats + 1) * sizeof *reply->formats);
    reply->formats[reply->n_formats++] = f;
    uint8_t *content = row->content;
    *row = (db_format_row_t){.content = content, .content_len = row->content_len};
}

/* The newest format of every unit of instance_id into reply. Returns the count or -1. */
static int s_format_list(cmd_ctx_t *ctx, int64_t instance_id, Lkip__FormatReply *reply)
{
    db_format_row_t *rows = NULL;
    int n = db_format_list(ctx->db, instance_id, &rows);
    for (int i = 0; i < n; i++)
        s_format_add(reply, &rows[i]);
    db_format_rows_free(rows, n);
    return n;
}

/* The instance may have its formats made now by the caller; false after replying. */
static bool s_may_make(cmd_ctx_t *ctx, const db_instance_t *inst, const sopdef_t *def)
{
    const sop_step_t *collect, *fmt = s_format_step(def, &collect);
    if (!fmt) {
        cmd_reply(ctx, LKIP__STATUS__CONFLICT, "no_format_step",
                  "SOP %s tidak memiliki langkah pembuatan format data unit", inst->sop_code);
        return false;
    }
    if (!cmd_is_admin(ctx) && strcmp(ctx->caller->role, fmt->actor) != 0) {
        cmd_reply(ctx, LKIP__STATUS__FORBIDDEN, "wrong_role",
                  "Format data unit dibuat oleh %s (langkah %d); peran Anda %s", fmt->actor,
                  fmt->no, ctx->caller->role);
        return false;
    }
    if (!inst->active || (collect && inst->current_step > collect->no)) {
        cmd_reply(ctx, LKIP__STATUS__CONFLICT, "collection_closed",
                  "Pengumpulan data unit %s/%s sudah ditutup; format tidak dibuat lagi",
                  inst->sop_code, inst->period);
        return false;
    }
    return true;
}

/* Answers the formats made for inst: what they are, or why none was made. */
static void s_reply_made(cmd_ctx_t *ctx, const db_instance_t *inst, const formats_made_t *made)
{
    char *text = formats_made_text(made);
    if (made->made == 0) {
        cmd_reply(ctx, LKIP__STATUS__CONFLICT, made->pk_version ? "no_indicators" : "no_pk", "%s",
                  text);
    } else {
        Lkip__FormatReply *f = s_format_reply(ctx);
        f->pk_version = made->pk_version;
        if (s_format_list(ctx, inst->id, f) < 0) {
            cmd_db_failed(ctx, "list unit formats");
        } else {
            strbuf_printf(&ctx->detail, "formats of %s/%s made", inst->sop_code, inst->period);
            cmd_reply(ctx, LKIP__STATUS__CREATED, "ok", "%s", text);
        }
    }
    free(text);
}

void cmd_format_make(cmd_ctx_t *ctx)
{
    const Lkip__FormatMakeRequest *r = ctx->req->format_make;
    db_instance_t inst = {0};
    const sopdef_t *def = NULL;
    if (!cmd_instance(ctx, r->instance, true, &inst, &def))
        return;
    ctx->step_no = inst.current_step;
    if (s_may_make(ctx, &inst, def)) {
        formats_made_t made = {0};
        outcome_t failed = {0};
        if (formats_make(ctx, &inst, &made, &failed) == 0)
            s_reply_made(ctx, &inst, &made);
        else
            cmd_reply_outcome(ctx, &failed);
        outcome_clear(&failed);
        formats_made_clear(&made);
    }
    db_instance_clear(&inst);
}

/* Whether the caller may fetch unit_code's format: its own unit's, or any unit's for the
 * actors of the format and collecting steps and admins. False after replying. */
static bool s_may_download(cmd_ctx_t *ctx, const sopdef_t *def, const char *unit_code)
{
    const sop_step_t *collect, *fmt = s_format_step(def, &collect);
    const char *role = ctx->caller->role;
    if (cmd_is_admin(ctx) || (fmt && strcmp(role, fmt->actor) == 0) ||
        (collect && strcmp(role, collect->actor) == 0) ||
        strcmp(unit_code, ctx->caller->unit_code) == 0)
        return true;
    cmd_reply(ctx, LKIP__STATUS__FORBIDDEN, "other_unit",
              "Anda hanya dapat mengunduh format unit Anda sendiri (%s), bukan unit %s",
              *ctx->caller->unit_code ? ctx->caller->unit_code : "-", unit_code);
    return false;
}

void cmd_format_download(cmd_ctx_t *ctx)
{
    const Lkip__FormatDownloadRequest *r = ctx->req->format_download;
    if (!cmd_check_field(ctx, "unit", r->unit_code, WIRE_MAX_NAME, false))
        return;
    const char *unit = *r->unit_code ? r->unit_code : ctx->caller->unit_code;
    if (!*unit) {
        cmd_reply(ctx, LKIP__STATUS__BAD_REQUEST, "missing_unit",
                  "Akun Anda tidak terhubung ke unit; sebutkan unitnya dengan --unit KODE");
        return;
    }
    db_instance_t inst = {0};
    const sopdef_t *def = NULL;
    if (!cmd_instance(ctx, r->instance, false, &inst, &def))
        return;
    if (s_may_download(ctx, def, unit)) {
        db_format_row_t row;
        db_lookup_t rc = db_format_get(ctx->db, inst.id, unit, &row);
        if (rc == DB_FOUND) {
            Lkip__FormatReply *f = s_format_reply(ctx);
            s_format_add(f, &row);
            f->content.data = row.content;
            f->content.len = row.content_len;
            row.content = NULL;
        }
        db_format_row_clear(&row);
        if (rc == DB_FAILED)
            cmd_db_failed(ctx, "read unit format");
        else if (rc == DB_NOT_FOUND)
            cmd_reply(ctx, LKIP__STATUS__NOT_FOUND, "no_format",
                      "Belum ada format data untuk unit %s pada %s/%s", unit, inst.sop_code,
                      inst.period);
        else
            cmd_reply(ctx, LKIP__STATUS__OK, "ok", "Format unit %s versi %d (%s)", unit,
                      ctx->reply->formats->formats[0]->version,
                      ctx->reply->formats->formats[0]->file_name);
    }
    db_instance_clear(&inst);
}
