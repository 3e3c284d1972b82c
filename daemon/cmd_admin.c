/* cmd_admin — master data commands of the administrator: users (this file grows with
 * organisations and units). */
#include "cmd.h"

#include "keys.h"

#include <stdlib.h>
#include <string.h>

/* Answers a refused user change; returns true when rc was OK. */
static bool s_user_rc(cmd_ctx_t *ctx, db_user_rc_t rc, const char *name, const char *role,
                      const char *unit, const char *org)
{
    switch (rc) {
    case DB_USER_OK:
        return true;
    case DB_USER_NO_ORG:
        cmd_reply(ctx, LKIP__STATUS__NOT_FOUND, "unknown_org", "Organisasi \"%s\" tidak dikenal",
                  org ? org : "");
        break;
    case DB_USER_NO_ROLE:
        cmd_reply(ctx, LKIP__STATUS__BAD_REQUEST, "unknown_role", "Peran \"%s\" tidak dikenal",
                  role ? role : "");
        break;
    case DB_USER_NO_UNIT:
        cmd_reply(ctx, LKIP__STATUS__NOT_FOUND, "unknown_unit",
                  "Unit \"%s\" tidak ada pada organisasi pengguna", unit ? unit : "");
        break;
    case DB_USER_NEEDS_UNIT:
        cmd_reply(ctx, LKIP__STATUS__BAD_REQUEST, "unit_required",
                  "Peran \"%s\" wajib memiliki unit (--unit)", role ? role : "");
        break;
    case DB_USER_NAME_TAKEN:
        cmd_reply(ctx, LKIP__STATUS__CONFLICT, "user_exists", "Pengguna \"%s\" sudah ada",
                  name);
        break;
    case DB_USER_KEY_TAKEN:
        cmd_reply(ctx, LKIP__STATUS__CONFLICT, "key_in_use",
                  "Kunci publik tersebut sudah dipakai pengguna lain");
        break;
    case DB_USER_NOT_FOUND:
        cmd_reply(ctx, LKIP__STATUS__NOT_FOUND, "unknown_user", "Pengguna \"%s\" tidak ditemukan",
                  name);
        break;
    case DB_USER_FAILED:
        cmd_db_failed(ctx, "user change");
        break;
    }
    return false;
}

static bool s_check_key(cmd_ctx_t *ctx, const char *key, bool required)
{
    if ((!key || !*key) && !required)
        return true;
    if (!keys_valid_z85(key)) {
        cmd_reply(ctx, LKIP__STATUS__BAD_REQUEST, "bad_key",
                  "Kunci publik tidak sah (harus 40 karakter Z85)");
        return false;
    }
    return true;
}

static void s_reply_user(cmd_ctx_t *ctx, const char *name, int status, const char *msg)
{
    user_t u = {0};
    if (db_user_by_name(ctx->db, name, &u) != DB_FOUND) {
        cmd_db_failed(ctx, "user reload");
        return;
    }
    ctx->reply->payload_case = LKIP__REPLY__PAYLOAD_USER;
    ctx->reply->user = cmd_user_info(&u);
    cmd_reply(ctx, status, "ok", msg, name);
    user_clear(&u);
}

void cmd_user_add(cmd_ctx_t *ctx)
{
    const Lkip__UserAddRequest *r = ctx->req->user_add;
    if (!cmd_check_field(ctx, "name", r->name, WIRE_MAX_NAME, true) ||
        !cmd_check_field(ctx, "full_name", r->full_name, WIRE_MAX_TITLE, true) ||
        !cmd_check_field(ctx, "role", r->role, WIRE_MAX_NAME, true) ||
        !cmd_check_field(ctx, "unit", r->unit_code, WIRE_MAX_NAME, false) ||
        !cmd_check_field(ctx, "org", r->org_code, WIRE_MAX_NAME, false) ||
        !s_check_key(ctx, r->public_key, false))
        return;
    user_new_t u = {r->name, r->full_name, r->role, r->unit_code,
                    *r->org_code ? r->org_code : ctx->caller->org_code, r->public_key};
    int64_t id = 0;
    if (!s_user_rc(ctx, db_user_add(ctx->db, &u, &id), r->name, r->role, r->unit_code,
                   u.org_code))
        return;
    strbuf_printf(&ctx->detail, "added user %s role %s unit %s org %s", r->name, r->role,
                  *r->unit_code ? r->unit_code : "-", u.org_code);
    s_reply_user(ctx, r->name, LKIP__STATUS__CREATED, "Pengguna \"%s\" ditambahkan");
}

void cmd_user_set(cmd_ctx_t *ctx)
{
    const Lkip__UserSetRequest *r = ctx->req->user_set;
    if (!cmd_check_field(ctx, "name", r->name, WIRE_MAX_NAME, true) ||
        !cmd_check_field(ctx, "full_name", r->full_name, WIRE_MAX_TITLE, false) ||
        !cmd_check_field(ctx, "role", r->role, WIRE_MAX_NAME, false) ||
        !cmd_check_field(ctx, "unit", r->unit_code, WIRE_MAX_NAME, false) ||
        !s_check_key(ctx, r->public_key, false))
        return;
    if (r->set_disabled && r->disabled && strcmp(r->name, ctx->caller->name) == 0) {
        cmd_reply(ctx, LKIP__STATUS__CONFLICT, "self_disable",
                  "Administrator tidak dapat menonaktifkan dirinya sendiri");
        return;
    }
    db_user_rc_t rc = db_user_set(ctx->db, r->name, r->full_name, r->role, r->unit_code,
                                  r->public_key, r->set_disabled ? r->disabled : -1);
    if (!s_user_rc(ctx, rc, r->name, r->role, r->unit_code, NULL))
        return;
    strbuf_printf(&ctx->detail, "changed user %s", r->name);
    if (*r->role)
        strbuf_printf(&ctx->detail, " role=%s", r->role);
    if (*r->unit_code)
        strbuf_printf(&ctx->detail, " unit=%s", r->unit_code);
    if (*r->public_key)
        strbuf_puts(&ctx->detail, " key=new");
    if (r->set_disabled)
        strbuf_printf(&ctx->detail, " disabled=%s", r->disabled ? "yes" : "no");
    s_reply_user(ctx, r->name, LKIP__STATUS__OK, "Pengguna \"%s\" diperbarui");
}

void cmd_user_list(cmd_ctx_t *ctx)
{
    const Lkip__UserListRequest *r = ctx->req->user_list;
    if (!cmd_check_field(ctx, "org", r->org_code, WIRE_MAX_NAME, false))
        return;
    user_t *users = NULL;
    int n = db_user_list(ctx->db, r->org_code, &users);
    if (n < 0) {
        cmd_db_failed(ctx, "user list");
        return;
    }
    Lkip__UserListReply *l = xmalloc(sizeof *l);
    lkip__user_list_reply__init(l);
    l->n_users = (size_t)n;
    l->users = xcalloc((size_t)n, sizeof *l->users);
    for (int i = 0; i < n; i++)
        l->users[i] = cmd_user_info(&users[i]);
    users_free(users, n);
    ctx->reply->payload_case = LKIP__REPLY__PAYLOAD_USERS;
    ctx->reply->users = l;
    cmd_reply(ctx, LKIP__STATUS__OK, "ok", "%d pengguna", n);
}
