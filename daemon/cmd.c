/* cmd — the command table and the helpers handlers share. */
#include "cmd.h"

#include "log.h"

#include <stdlib.h>
#include <string.h>

static const cmd_t s_commands[] = {
    {LKIP__ENVELOPE__BODY_PING, "ping", CMD_ANY, false, cmd_ping},
    {LKIP__ENVELOPE__BODY_WHOAMI, "whoami", CMD_ANY, false, cmd_whoami},
    {LKIP__ENVELOPE__BODY_USER_ADD, "user_add", CMD_ADMIN, true, cmd_user_add},
    {LKIP__ENVELOPE__BODY_USER_LIST, "user_list", CMD_ADMIN, false, cmd_user_list},
    {LKIP__ENVELOPE__BODY_USER_SET, "user_set", CMD_ADMIN, true, cmd_user_set},
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
