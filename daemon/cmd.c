/* cmd — the command table and the helpers handlers share. */
#include "cmd.h"

#include "log.h"

#include <stdlib.h>
#include <string.h>

static const cmd_t s_commands[] = {
    {LKIP__ENVELOPE__BODY_PING, "ping", CMD_ANY, false, cmd_ping},
    {LKIP__ENVELOPE__BODY_WHOAMI, "whoami", CMD_ANY, false, cmd_whoami},
    {LKIP__ENVELOPE__BODY_SUBSCRIBE, "subscribe", CMD_ANY, false, cmd_subscribe},
    {LKIP__ENVELOPE__BODY_USER_ADD, "user_add", CMD_ADMIN, true, cmd_user_add},
    {LKIP__ENVELOPE__BODY_USER_LIST, "user_list", CMD_ADMIN, false, cmd_user_list},
    {LKIP__ENVELOPE__BODY_USER_SET, "user_set", CMD_ADMIN, true, cmd_user_set},
    {LKIP__ENVELOPE__BODY_ORG_ADD, "org_add", CMD_ADMIN, true, cmd_org_add},
    {LKIP__ENVELOPE__BODY_ORG_SET, "org_set", CMD_ADMIN, true, cmd_org_set},
    {LKIP__ENVELOPE__BODY_ORG_LIST, "org_list", CMD_ADMIN, false, cmd_org_list},
    {LKIP__ENVELOPE__BODY_UNIT_ADD, "unit_add", CMD_ADMIN, true, cmd_unit_add},
    {LKIP__ENVELOPE__BODY_UNIT_SET, "unit_set", CMD_ADMIN, true, cmd_unit_set},
    {LKIP__ENVELOPE__BODY_UNIT_LIST, "unit_list", CMD_ANY, false, cmd_unit_list},
    {LKIP__ENVELOPE__BODY_SOP_LOAD, "sop_load", CMD_ADMIN, true, cmd_sop_load},
    {LKIP__ENVELOPE__BODY_SOP_LIST, "sop_list", CMD_ANY, false, cmd_sop_list},
    {LKIP__ENVELOPE__BODY_START, "start", CMD_ANY, true, cmd_start},
    {LKIP__ENVELOPE__BODY_STEP, "step", CMD_ANY, true, cmd_step},
    {LKIP__ENVELOPE__BODY_SUBMIT, "submit", CMD_ANY, true, cmd_submit},
    {LKIP__ENVELOPE__BODY_UPLOAD, "upload", CMD_ANY, true, cmd_upload},
    {LKIP__ENVELOPE__BODY_DOWNLOAD, "download", CMD_ANY, false, cmd_download},
    {LKIP__ENVELOPE__BODY_TASKS, "tasks", CMD_ANY, false, cmd_tasks},
    {LKIP__ENVELOPE__BODY_STATUS, "status", CMD_ANY, false, cmd_status},
    {LKIP__ENVELOPE__BODY_HISTORY, "history", CMD_ANY, false, cmd_history},
    {LKIP__ENVELOPE__BODY_CAPAIAN, "capaian", CMD_ANY, false, cmd_capaian},
    {LKIP__ENVELOPE__BODY_CALENDAR_SHOW, "calendar_show", CMD_ANY, false, cmd_calendar_show},
    {LKIP__ENVELOPE__BODY_HOLIDAY, "holiday", CMD_ADMIN, true, cmd_holiday},
    {LKIP__ENVELOPE__BODY_CALENDAR_IMPORT, "calendar_import", CMD_ADMIN, true, cmd_calendar_import},
    {LKIP__ENVELOPE__BODY_HOURS_SET, "hours_set", CMD_ADMIN, true, cmd_hours_set},
    {LKIP__ENVELOPE__BODY_PERIOD, "period", CMD_ADMIN, true, cmd_period},
    {LKIP__ENVELOPE__BODY_CALENDAR_DUE, "calendar_due", CMD_ANY, false, cmd_calendar_due},
    {LKIP__ENVELOPE__BODY_CLOCK_SET, "clock_set", CMD_ADMIN, true, cmd_clock_set},
    {LKIP__ENVELOPE__BODY_PK_IMPORT, "pk_import", CMD_PLANNER, true, cmd_pk_import},
    {LKIP__ENVELOPE__BODY_PK_SHOW, "pk_show", CMD_ANY, false, cmd_pk_show},
    {LKIP__ENVELOPE__BODY_FORMAT_MAKE, "format_make", CMD_ANY, true, cmd_format_make},
    {LKIP__ENVELOPE__BODY_FORMAT_DOWNLOAD, "format_download", CMD_ANY, false, cmd_format_download},
};

const cmd_t *cmd_find(int body_case)
{
    for (size_t i = 0; i < ARRAY_LEN(s_commands); i++)
        if (s_commands[i].body == body_case)
            return &s_commands[i];
    return NULL;
}

void cmd_reply(cmd_ctx_t *ctx, int status, const char *code, const char *fmt, ...)
{
    Lkip__Reply *r = ctx->reply;
    r->status = (Lkip__Status)status;
    if (r->code != protobuf_c_empty_string)
        free(r->code);
    r->code = xstrdup(code);
    strbuf_t sb = {0};
    va_list ap;
    va_start(ap, fmt);
    strbuf_vprintf(&sb, fmt, ap);
    va_end(ap);
    if (r->message != protobuf_c_empty_string)
        free(r->message);
    r->message = strbuf_take(&sb);
}

void cmd_db_failed(cmd_ctx_t *ctx, const char *what)
{
    if (db_error_retryable(ctx->db)) {
        log_warn("%s: %s (retryable)", what, db_error(ctx->db));
        cmd_reply(ctx, LKIP__STATUS__UNAVAILABLE, "db_unavailable",
                  "Basis data sedang tidak dapat dijangkau; silakan ulangi permintaan");
    } else if (strcmp(db_sqlstate(ctx->db), "23505") == 0) {
        log_warn("%s: %s", what, db_error(ctx->db));
        cmd_reply(ctx, LKIP__STATUS__CONFLICT, "conflict",
                  "Data yang sama sudah tercatat lebih dahulu");
    } else {
        log_error("%s: %s", what, db_error(ctx->db));
        cmd_reply(ctx, LKIP__STATUS__INTERNAL, "internal",
                  "Terjadi kesalahan pada server; permintaan tidak diproses");
    }
}

bool cmd_check_field(cmd_ctx_t *ctx, const char *field, const char *value, size_t max,
                     bool required)
{
    size_t n = value ? strlen(value) : 0;
    if (required && n == 0) {
        cmd_reply(ctx, LKIP__STATUS__BAD_REQUEST, "missing_field", "Isian \"%s\" wajib diisi",
                  field);
        return false;
    }
    if (n > max) {
        cmd_reply(ctx, LKIP__STATUS__TOO_LARGE, "field_too_long",
                  "Isian \"%s\" terlalu panjang (%zu bita; paling banyak %zu)", field, n, max);
        return false;
    }
    if (n && !text_is_clean(value, n, true)) {
        cmd_reply(ctx, LKIP__STATUS__BAD_REQUEST, "bad_field",
                  "Isian \"%s\" memuat karakter yang tidak diizinkan", field);
        return false;
    }
    return true;
}

bool cmd_is_admin(const cmd_ctx_t *ctx)
{
    return strcmp(ctx->caller->role, "admin") == 0;
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

static char *s_dup(const char *s)
{
    return xstrdup(s ? s : "");
}

Lkip__UserInfo *cmd_user_info(const user_t *u)
{
    Lkip__UserInfo *i = xmalloc(sizeof *i);
    lkip__user_info__init(i);
    i->id = u->id;
    i->name = s_dup(u->name);
    i->full_name = s_dup(u->full_name);
    i->role = s_dup(u->role);
    i->unit_code = s_dup(u->unit_code);
    i->unit_name = s_dup(u->unit_name);
    i->org_code = s_dup(u->org_code);
    i->org_name = s_dup(u->org_name);
    i->disabled = u->disabled;
    i->public_key = s_dup(u->public_key);
    return i;
}
