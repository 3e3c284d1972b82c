/* cmd — the command table and the helpers handlers share. */
#include "cmd.h"

#include "db_org.h"
#include "db_report.h"
#include "log.h"

#include <stdlib.h>
#include <string.h>

/* Designated initialisers: CMD_ROLES names the roles of an ACCESS_ROLES command; CMD_DIR marks
 * one that changes the directory (users, units, organisations). */
#define CMD(body_, name_, access_, mutating_, fn_)                                                 \
    {                                                                                              \
        .body = (body_), .name = (name_), .access = (access_), .mutating = (mutating_),            \
        .fn = (fn_)                                                                                \
    }
#define CMD_DIR(body_, name_, access_, mutating_, fn_)                                             \
    {                                                                                              \
        .body = (body_), .name = (name_), .access = (access_), .mutating = (mutating_),            \
        .fn = (fn_), .directory = true                                                             \
    }

#define CMD_ROLES(body_, name_, mutating_, fn_, ...)                                               \
    {                                                                                              \
        .body = (body_), .name = (name_), .access = ACCESS_ROLES, .mutating = (mutating_),         \
        .fn = (fn_), .roles = {                                                                    \
            __VA_ARGS__                                                                            \
        }                                                                                          \
    }

static const cmd_t s_commands[] = {
    CMD(LKIP__ENVELOPE__BODY_PING, "ping", ACCESS_ANY, false, cmd_ping),
    CMD(LKIP__ENVELOPE__BODY_WHOAMI, "whoami", ACCESS_ANY, false, cmd_whoami),
    CMD(LKIP__ENVELOPE__BODY_SUBSCRIBE, "subscribe", ACCESS_ANY, false, cmd_subscribe),
    CMD_DIR(LKIP__ENVELOPE__BODY_USER_ADD, "user_add", ACCESS_ADMIN, true, cmd_user_add),
    CMD(LKIP__ENVELOPE__BODY_USER_LIST, "user_list", ACCESS_ADMIN, false, cmd_user_list),
    CMD_DIR(LKIP__ENVELOPE__BODY_USER_SET, "user_set", ACCESS_ADMIN, true, cmd_user_set),
    CMD_DIR(LKIP__ENVELOPE__BODY_ORG_ADD, "org_add", ACCESS_ADMIN, true, cmd_org_add),
    CMD_DIR(LKIP__ENVELOPE__BODY_ORG_SET, "org_set", ACCESS_ADMIN, true, cmd_org_set),
    CMD(LKIP__ENVELOPE__BODY_ORG_LIST, "org_list", ACCESS_ADMIN, false, cmd_org_list),
    CMD_DIR(LKIP__ENVELOPE__BODY_UNIT_ADD, "unit_add", ACCESS_ADMIN, true, cmd_unit_add),
    CMD_DIR(LKIP__ENVELOPE__BODY_UNIT_SET, "unit_set", ACCESS_ADMIN, true, cmd_unit_set),
    CMD(LKIP__ENVELOPE__BODY_UNIT_LIST, "unit_list", ACCESS_ANY, false, cmd_unit_list),
    CMD(LKIP__ENVELOPE__BODY_SOP_LOAD, "sop_load", ACCESS_ADMIN, true, cmd_sop_load),
    CMD(LKIP__ENVELOPE__BODY_SOP_LIST, "sop_list", ACCESS_ANY, false, cmd_sop_list),
    CMD(LKIP__ENVELOPE__BODY_START, "start", ACCESS_WORKFLOW, true, cmd_start),
    CMD(LKIP__ENVELOPE__BODY_STEP, "step", ACCESS_WORKFLOW, true, cmd_step),
    CMD(LKIP__ENVELOPE__BODY_SUBMIT, "submit", ACCESS_WORKFLOW, true, cmd_submit),
    CMD(LKIP__ENVELOPE__BODY_UPLOAD, "upload", ACCESS_WORKFLOW, true, cmd_upload),
    CMD(LKIP__ENVELOPE__BODY_DOWNLOAD, "download", ACCESS_ANY, false, cmd_download),
    CMD(LKIP__ENVELOPE__BODY_TASKS, "tasks", ACCESS_ANY, false, cmd_tasks),
    CMD(LKIP__ENVELOPE__BODY_STATUS, "status", ACCESS_ANY, false, cmd_status),
    CMD(LKIP__ENVELOPE__BODY_HISTORY, "history", ACCESS_ANY, false, cmd_history),
    CMD(LKIP__ENVELOPE__BODY_CAPAIAN, "capaian", ACCESS_ANY, false, cmd_capaian),
    CMD(LKIP__ENVELOPE__BODY_CALENDAR_SHOW, "calendar_show", ACCESS_ANY, false, cmd_calendar_show),
    CMD(LKIP__ENVELOPE__BODY_HOLIDAY, "holiday", ACCESS_ADMIN, true, cmd_holiday),
    CMD(LKIP__ENVELOPE__BODY_CALENDAR_IMPORT, "calendar_import", ACCESS_ADMIN, true,
        cmd_calendar_import),
    CMD(LKIP__ENVELOPE__BODY_HOURS_SET, "hours_set", ACCESS_ADMIN, true, cmd_hours_set),
    CMD(LKIP__ENVELOPE__BODY_PERIOD, "period", ACCESS_ADMIN, true, cmd_period),
    CMD(LKIP__ENVELOPE__BODY_CALENDAR_DUE, "calendar_due", ACCESS_ANY, false, cmd_calendar_due),
    CMD(LKIP__ENVELOPE__BODY_CLOCK_SET, "clock_set", ACCESS_ADMIN, true, cmd_clock_set),
    CMD(LKIP__ENVELOPE__BODY_DELEGATE_ADD, "delegate_add", ACCESS_ADMIN, true, cmd_delegate_add),
    CMD(LKIP__ENVELOPE__BODY_DELEGATE_REMOVE, "delegate_remove", ACCESS_ADMIN, true,
        cmd_delegate_remove),
    CMD(LKIP__ENVELOPE__BODY_UPLOAD_CHUNK, "upload_chunk", ACCESS_WORKFLOW, false,
        cmd_upload_chunk),
    CMD(LKIP__ENVELOPE__BODY_DELEGATE_LIST, "delegate_list", ACCESS_ANY, false, cmd_delegate_list),
    CMD_ROLES(LKIP__ENVELOPE__BODY_PK_IMPORT, "pk_import", true, cmd_pk_import,
              "kasubag_perencanaan", "admin"),
    CMD(LKIP__ENVELOPE__BODY_PK_SHOW, "pk_show", ACCESS_ANY, false, cmd_pk_show),
    CMD(LKIP__ENVELOPE__BODY_FORMAT_MAKE, "format_make", ACCESS_WORKFLOW, true, cmd_format_make),
    CMD(LKIP__ENVELOPE__BODY_FORMAT_DOWNLOAD, "format_download", ACCESS_ANY, false,
        cmd_format_download),
    /* every role reaches the handler, which applies the board's own rule (cmd_board.c) */
    CMD(LKIP__ENVELOPE__BODY_BOARD, "board", ACCESS_ANY, false, cmd_board),
    /* the draft's readers and writers are the SOP's officials; the engine then says who may
     * write it at the open step (cmd_draft.c) */
    CMD_ROLES(LKIP__ENVELOPE__BODY_DRAFT, "draft", true, cmd_draft, "kasubag_perencanaan", "staf",
              "sekretaris", "kepala_dinas"),
    CMD(LKIP__ENVELOPE__BODY_ORG_PROFILE_SET, "org_profile_set", ACCESS_ADMIN, true,
        cmd_org_profile_set),
    CMD(LKIP__ENVELOPE__BODY_ORG_PROFILE_SHOW, "org_profile_show", ACCESS_ANY, false,
        cmd_org_profile_show),
};

const cmd_t *cmd_find(int body_case)
{
    for (size_t i = 0; i < ARRAY_LEN(s_commands); i++)
        if (s_commands[i].body == body_case)
            return &s_commands[i];
    return NULL;
}

bool cmd_is_admin(const cmd_ctx_t *ctx)
{
    return strcmp(ctx->caller->role, "admin") == 0;
}

static bool s_role_listed(const cmd_t *cmd, const char *role)
{
    for (int i = 0; i < CMD_MAX_ROLES && cmd->roles[i]; i++)
        if (strcmp(cmd->roles[i], role) == 0)
            return true;
    return false;
}

/* The organisation code a request names, from its field org_code when it has one; "" when it
 * names none. Found through the descriptors, so every request type added later is covered. */
static const char *s_named_org(const Lkip__Envelope *req)
{
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field(&lkip__envelope__descriptor, req->body_case);
    if (!f || f->type != PROTOBUF_C_TYPE_MESSAGE)
        return "";
    const ProtobufCMessage *body = *(ProtobufCMessage *const *)((const char *)req + f->offset);
    if (!body)
        return "";
    const ProtobufCFieldDescriptor *org =
        protobuf_c_message_descriptor_get_field_by_name(body->descriptor, "org_code");
    if (!org || org->type != PROTOBUF_C_TYPE_STRING || org->label == PROTOBUF_C_LABEL_REPEATED)
        return "";
    const char *code = *(char *const *)((const char *)body + org->offset);
    return code ? code : "";
}

bool cmd_authorize(cmd_ctx_t *ctx, const cmd_t *cmd, uint64_t request_id)
{
    const char *role = ctx->caller->role;
    bool admin = cmd_is_admin(ctx);
    switch (cmd->access) {
    case ACCESS_ANY:
        break;
    case ACCESS_ADMIN:
        if (!admin) {
            cmd_reply(ctx, LKIP__STATUS__FORBIDDEN, "forbidden_role",
                      "Perintah \"%s\" hanya untuk administrator (peran Anda: %s)", cmd->name,
                      role);
            return false;
        }
        break;
    case ACCESS_WORKFLOW:
        if (admin) {
            cmd_reply(ctx, LKIP__STATUS__FORBIDDEN, "admin_no_workflow",
                      "Administrator mengelola data induk dan kunci, tetapi tidak mengerjakan "
                      "langkah SOP (perintah \"%s\"); pejabat yang berhalangan diwakili "
                      "melalui pelimpahan (Plh./Plt.)",
                      cmd->name);
            return false;
        }
        break;
    case ACCESS_ROLES:
        if (!s_role_listed(cmd, role)) {
            strbuf_t allowed = {0};
            for (int i = 0; i < CMD_MAX_ROLES && cmd->roles[i]; i++)
                strbuf_printf(&allowed, "%s%s", i ? ", " : "", cmd->roles[i]);
            cmd_reply(ctx, LKIP__STATUS__FORBIDDEN, "forbidden_role",
                      "Perintah \"%s\" hanya untuk peran %s (peran Anda: %s)", cmd->name,
                      strbuf_str(&allowed), role);
            strbuf_free(&allowed);
            return false;
        }
        break;
    }
    if (cmd->mutating && request_id == 0) {
        cmd_reply(ctx, LKIP__STATUS__BAD_REQUEST, "missing_request_id",
                  "Permintaan perubahan wajib membawa request_id");
        return false;
    }
    const char *org = s_named_org(ctx->req);
    if (*org && !admin && strcmp(org, ctx->caller->org_code) != 0) {
        cmd_reply(ctx, LKIP__STATUS__FORBIDDEN, "other_org",
                  "Anda hanya dapat mengakses data organisasi Anda sendiri (%s), bukan \"%s\"",
                  ctx->caller->org_code, org);
        return false;
    }
    return true;
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
        static log_limit_t retryable; /* every request of an outage */
        log_limited(&retryable, LOG_WARN, "%s: %s (retryable)", what, db_error(ctx->db));
        cmd_reply(ctx, LKIP__STATUS__UNAVAILABLE, "db_unavailable", CMD_UNAVAILABLE_MESSAGE);
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

void cmd_reply_outcome(cmd_ctx_t *ctx, const outcome_t *o)
{
    switch (o->kind) {
    case OUTCOME_NONE:
        break;
    case OUTCOME_ANSWER:
        cmd_reply(ctx, o->status, o->code, "%s", o->message);
        break;
    case OUTCOME_DB_FAILED:
        cmd_db_failed(ctx, o->what);
        break;
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

bool cmd_target_org(cmd_ctx_t *ctx, const char *org_code, db_org_t *org)
{
    const char *code = *org_code ? org_code : ctx->caller->org_code;
    if (!cmd_check_field(ctx, "org", code, WIRE_MAX_NAME, true))
        return false;
    db_lookup_t rc = db_org_by_code(ctx->db, code, org);
    if (rc == DB_FAILED)
        cmd_db_failed(ctx, "find organisation");
    else if (rc == DB_NOT_FOUND)
        cmd_reply(ctx, LKIP__STATUS__NOT_FOUND, "unknown_org", "Organisasi \"%s\" tidak dikenal",
                  code);
    return rc == DB_FOUND;
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

Lkip__CellError *cmd_cell_error(const unitdata_error_t *e)
{
    Lkip__CellError *c = xmalloc(sizeof *c);
    lkip__cell_error__init(c);
    c->line = e->line;
    c->column = e->column;
    c->column_name = s_dup(e->column_name);
    c->code = xstrdup(e->code);
    c->reason = xstrdup(e->reason);
    c->ref = s_dup(e->ref);
    return c;
}

void cmd_reply_instance(cmd_ctx_t *ctx, Lkip__InstanceStatus *s)
{
    Lkip__StatusReply *l = xmalloc(sizeof *l);
    lkip__status_reply__init(l);
    l->n_instances = 1;
    l->instances = xmalloc(sizeof *l->instances);
    l->instances[0] = s;
    ctx->reply->payload_case = LKIP__REPLY__PAYLOAD_INSTANCES;
    ctx->reply->instances = l;
}

Lkip__DocumentInfo *cmd_document_info(struct db_document_row *row)
{
    Lkip__DocumentInfo *info = xmalloc(sizeof *info);
    lkip__document_info__init(info);
    info->version = row->version;
    info->step_no = row->step_no;
    info->round = row->round;
    info->file_name = row->file_name;
    info->size = row->size;
    info->sha256 = row->sha256;
    info->uploaded_by = row->uploaded_by;
    info->uploaded_at = row->uploaded_at;
    info->uploaded_as = row->uploaded_as;
    info->kind = row->kind;
    info->pages = row->pages;
    *row = (db_document_row_t){.content = row->content, .content_len = row->content_len};
    return info;
}

Lkip__DocumentReply *cmd_document_reply(struct db_document_row *row, int64_t offset)
{
    Lkip__DocumentReply *d = xmalloc(sizeof *d);
    lkip__document_reply__init(d);
    d->info = cmd_document_info(row);
    d->offset = offset;
    d->content.data = row->content;
    d->content.len = row->content ? row->content_len : 0;
    memset(row, 0, sizeof *row);
    return d;
}
