/* cmd_admin — master data commands of the administrator: users, organisations, units and SOP
 * definitions. */
#include "cmd.h"

#include "db_calendar.h"
#include "db_org.h"
#include "deadline.h"
#include "db_sop.h"
#include "keys.h"
#include "letter.h"
#include "tz.h"

#include <stdio.h>
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
        cmd_reply(ctx, LKIP__STATUS__CONFLICT, "user_exists", "Pengguna \"%s\" sudah ada", name);
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

/* A login name as the users table holds it: [a-z0-9][a-z0-9._-]{0,63}. */
static bool s_check_login(cmd_ctx_t *ctx, const char *name)
{
    size_t n = strlen(name);
    bool ok = n >= 1 && n <= WIRE_MAX_NAME && strchr("._-", name[0]) == NULL;
    for (size_t i = 0; ok && i < n; i++) {
        char c = name[i];
        ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    }
    if (!ok)
        cmd_reply(ctx, LKIP__STATUS__BAD_REQUEST, "bad_name",
                  "Nama pengguna \"%s\" tidak sah: huruf kecil, angka, titik, garis bawah atau "
                  "tanda hubung, diawali huruf atau angka",
                  name);
    return ok;
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
        !s_check_key(ctx, r->public_key, false) || !s_check_login(ctx, r->name))
        return;
    user_new_t u = {r->name,
                    r->full_name,
                    r->role,
                    r->unit_code,
                    *r->org_code ? r->org_code : ctx->caller->org_code,
                    r->public_key};
    int64_t id = 0;
    if (!s_user_rc(ctx, db_user_add(ctx->db, &u, &id), r->name, r->role, r->unit_code, u.org_code))
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
    /* a disabled user, or a key that changed: its open sessions end now, on every daemon */
    if (((r->set_disabled && r->disabled) || *r->public_key) &&
        db_users_revoke(ctx->db, r->name, NULL) != 0) {
        cmd_db_failed(ctx, "end the user's sessions");
        return;
    }
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

/* ---- organisations and units ---------------------------------------------------------- */

static bool s_check_code(cmd_ctx_t *ctx, const char *what, const char *code)
{
    if (!cmd_check_field(ctx, what, code, 32, true))
        return false;
    for (const char *p = code; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              (p != code && (*p == '_' || *p == '-')))) {
            cmd_reply(ctx, LKIP__STATUS__BAD_REQUEST, "bad_code",
                      "Kode %s \"%s\" hanya boleh berisi huruf besar, angka, _ dan - "
                      "(mis. DKIP)",
                      what, code);
            return false;
        }
    return true;
}

/* Checks the optional organisation settings; false after replying. */
static bool s_check_org_settings(cmd_ctx_t *ctx, const char *tmpl, const char *kka,
                                 const char *zone)
{
    char why[128];
    if (!cmd_check_field(ctx, "letter_template", tmpl, WIRE_MAX_TITLE, false) ||
        !cmd_check_field(ctx, "letter_kka", kka, WIRE_MAX_NAME, false) ||
        !cmd_check_field(ctx, "time_zone", zone, WIRE_MAX_NAME, false))
        return false;
    if (*tmpl && letter_check_template(tmpl, why, sizeof why) != 0) {
        cmd_reply(ctx, LKIP__STATUS__BAD_REQUEST, "bad_letter_template",
                  "Format nomor surat \"%s\" tidak sah: %s", tmpl, why);
        return false;
    }
    if (*zone && !tz_valid(zone)) {
        cmd_reply(ctx, LKIP__STATUS__BAD_REQUEST, "unknown_time_zone",
                  "Zona waktu \"%s\" tidak dikenal (mis. Asia/Makassar)", zone);
        return false;
    }
    return true;
}

static const char *s_nz(const char *s)
{
    return s && *s ? s : NULL;
}

static Lkip__OrgInfo *s_org_info(const db_org_t *o)
{
    Lkip__OrgInfo *i = xmalloc(sizeof *i);
    lkip__org_info__init(i);
    i->code = xstrdup(o->code);
    i->name = xstrdup(o->name);
    i->disabled = o->disabled;
    i->letter_template = xstrdup(o->letter_template);
    i->letter_kka = xstrdup(o->letter_kka);
    i->time_zone = xstrdup(o->time_zone);
    return i;
}

/* Replies with the organisation's current row as a one-element list. */
static void s_reply_org(cmd_ctx_t *ctx, const char *code, int status, const char *what)
{
    db_org_t o = {0};
    if (db_org_by_code(ctx->db, code, &o) != DB_FOUND) {
        cmd_db_failed(ctx, "organisation reload");
        return;
    }
    Lkip__OrgListReply *l = xmalloc(sizeof *l);
    lkip__org_list_reply__init(l);
    l->n_orgs = 1;
    l->orgs = xmalloc(sizeof *l->orgs);
    l->orgs[0] = s_org_info(&o);
    ctx->reply->payload_case = LKIP__REPLY__PAYLOAD_ORGS;
    ctx->reply->orgs = l;
    cmd_reply(ctx, status, "ok", "Organisasi \"%s\" %s", code, what);
    db_org_clear(&o);
}

void cmd_org_add(cmd_ctx_t *ctx)
{
    const Lkip__OrgAddRequest *r = ctx->req->org_add;
    if (!s_check_code(ctx, "organisasi", r->code) ||
        !cmd_check_field(ctx, "name", r->name, WIRE_MAX_TITLE, true) ||
        !s_check_org_settings(ctx, r->letter_template, r->letter_kka, r->time_zone))
        return;
    bool taken = false;
    if (db_org_add(ctx->db, r->code, r->name, s_nz(r->letter_template), s_nz(r->letter_kka),
                   s_nz(r->time_zone), &taken) != 0) {
        cmd_db_failed(ctx, "add organisation");
        return;
    }
    if (taken) {
        cmd_reply(ctx, LKIP__STATUS__CONFLICT, "org_exists", "Organisasi \"%s\" sudah ada",
                  r->code);
        return;
    }
    strbuf_printf(&ctx->detail, "added organisation %s \"%s\"", r->code, r->name);
    s_reply_org(ctx, r->code, LKIP__STATUS__CREATED, "ditambahkan");
}

void cmd_org_set(cmd_ctx_t *ctx)
{
    const Lkip__OrgSetRequest *r = ctx->req->org_set;
    if (!cmd_check_field(ctx, "org", r->code, WIRE_MAX_NAME, true) ||
        !cmd_check_field(ctx, "name", r->name, WIRE_MAX_TITLE, false) ||
        !s_check_org_settings(ctx, r->letter_template, r->letter_kka, r->time_zone))
        return;
    if (r->set_disabled && r->disabled && strcmp(r->code, ctx->caller->org_code) == 0) {
        cmd_reply(ctx, LKIP__STATUS__CONFLICT, "self_disable",
                  "Administrator tidak dapat menonaktifkan organisasinya sendiri");
        return;
    }
    bool found = false;
    if (db_org_set(ctx->db, r->code, s_nz(r->name), s_nz(r->letter_template), s_nz(r->letter_kka),
                   s_nz(r->time_zone), r->set_disabled ? r->disabled : -1, &found) != 0) {
        cmd_db_failed(ctx, "change organisation");
        return;
    }
    if (!found) {
        cmd_reply(ctx, LKIP__STATUS__NOT_FOUND, "unknown_org", "Organisasi \"%s\" tidak dikenal",
                  r->code);
        return;
    }
    if (r->set_disabled && r->disabled && db_users_revoke(ctx->db, NULL, r->code) != 0) {
        cmd_db_failed(ctx, "end the organisation's sessions");
        return;
    }
    strbuf_printf(&ctx->detail, "changed organisation %s", r->code);
    if (*r->time_zone) {
        /* deadlines are computed in the organisation's zone: open ones move with it */
        db_org_t o = {0};
        int moved = -1;
        if (db_org_by_code(ctx->db, r->code, &o) == DB_FOUND &&
            db_calendar_bump(ctx->db, o.id) == 0)
            moved = deadline_recompute(ctx->db, ctx->defs, o.id, ctx->now, &ctx->events);
        db_org_clear(&o);
        if (moved < 0) {
            cmd_db_failed(ctx, "recompute deadlines");
            return;
        }
        strbuf_printf(&ctx->detail, "; time zone %s, %d open deadline(s) moved", r->time_zone,
                      moved);
    }
    s_reply_org(ctx, r->code, LKIP__STATUS__OK, "diperbarui");
}

void cmd_org_list(cmd_ctx_t *ctx)
{
    db_org_t *orgs = NULL;
    int n = db_org_list(ctx->db, &orgs);
    if (n < 0) {
        cmd_db_failed(ctx, "list organisations");
        return;
    }
    Lkip__OrgListReply *l = xmalloc(sizeof *l);
    lkip__org_list_reply__init(l);
    l->n_orgs = (size_t)n;
    l->orgs = xcalloc((size_t)n, sizeof *l->orgs);
    for (int i = 0; i < n; i++)
        l->orgs[i] = s_org_info(&orgs[i]);
    db_orgs_free(orgs, n);
    ctx->reply->payload_case = LKIP__REPLY__PAYLOAD_ORGS;
    ctx->reply->orgs = l;
    cmd_reply(ctx, LKIP__STATUS__OK, "ok", "%d organisasi", n);
}

/* The organisation a unit command is about: the one named, or the caller's. */
static bool s_unit_org(cmd_ctx_t *ctx, const char *org_code, int64_t *org_id)
{
    db_org_t o = {0};
    bool found = cmd_target_org(ctx, org_code, &o);
    *org_id = o.id;
    db_org_clear(&o);
    return found;
}

static Lkip__UnitInfo *s_unit_info(const db_unit_t *u)
{
    Lkip__UnitInfo *i = xmalloc(sizeof *i);
    lkip__unit_info__init(i);
    i->code = xstrdup(u->code);
    i->name = xstrdup(u->name);
    i->org_code = xstrdup(u->org_code);
    i->disabled = u->disabled;
    return i;
}

static void s_reply_unit(cmd_ctx_t *ctx, int64_t org_id, const char *code, int status,
                         const char *what)
{
    db_unit_t u = {0};
    if (db_unit_by_code(ctx->db, org_id, code, &u) != DB_FOUND) {
        cmd_db_failed(ctx, "unit reload");
        return;
    }
    Lkip__UnitListReply *l = xmalloc(sizeof *l);
    lkip__unit_list_reply__init(l);
    l->n_units = 1;
    l->units = xmalloc(sizeof *l->units);
    l->units[0] = s_unit_info(&u);
    ctx->reply->payload_case = LKIP__REPLY__PAYLOAD_UNITS;
    ctx->reply->units = l;
    cmd_reply(ctx, status, "ok", "Unit \"%s\" (%s) %s", code, u.org_code, what);
    db_unit_clear(&u);
}

void cmd_unit_add(cmd_ctx_t *ctx)
{
    const Lkip__UnitAddRequest *r = ctx->req->unit_add;
    int64_t org_id = 0;
    if (!s_check_code(ctx, "unit", r->code) ||
        !cmd_check_field(ctx, "name", r->name, WIRE_MAX_TITLE, true) ||
        !s_unit_org(ctx, r->org_code, &org_id))
        return;
    bool taken = false;
    if (db_unit_add(ctx->db, org_id, r->code, r->name, &taken) != 0) {
        cmd_db_failed(ctx, "add unit");
        return;
    }
    if (taken) {
        cmd_reply(ctx, LKIP__STATUS__CONFLICT, "unit_exists", "Unit \"%s\" sudah ada", r->code);
        return;
    }
    strbuf_printf(&ctx->detail, "added unit %s \"%s\"", r->code, r->name);
    s_reply_unit(ctx, org_id, r->code, LKIP__STATUS__CREATED, "ditambahkan");
}

void cmd_unit_set(cmd_ctx_t *ctx)
{
    const Lkip__UnitSetRequest *r = ctx->req->unit_set;
    int64_t org_id = 0;
    if (!cmd_check_field(ctx, "unit", r->code, WIRE_MAX_NAME, true) ||
        !cmd_check_field(ctx, "name", r->name, WIRE_MAX_TITLE, false) ||
        !s_unit_org(ctx, r->org_code, &org_id))
        return;
    bool found = false;
    if (db_unit_set(ctx->db, org_id, r->code, s_nz(r->name), r->set_disabled ? r->disabled : -1,
                    &found) != 0) {
        cmd_db_failed(ctx, "change unit");
        return;
    }
    if (!found) {
        cmd_reply(ctx, LKIP__STATUS__NOT_FOUND, "unknown_unit", "Unit \"%s\" tidak dikenal",
                  r->code);
        return;
    }
    strbuf_printf(&ctx->detail, "changed unit %s", r->code);
    s_reply_unit(ctx, org_id, r->code, LKIP__STATUS__OK, "diperbarui");
}

void cmd_unit_list(cmd_ctx_t *ctx)
{
    const Lkip__UnitListRequest *r = ctx->req->unit_list;
    /* the caller's organisation unless one is named (another one: admin only) */
    int64_t org_id = 0;
    if (!s_unit_org(ctx, r->org_code, &org_id))
        return;
    db_unit_t *units = NULL;
    int n = db_unit_list(ctx->db, org_id, &units);
    if (n < 0) {
        cmd_db_failed(ctx, "list units");
        return;
    }
    Lkip__UnitListReply *l = xmalloc(sizeof *l);
    lkip__unit_list_reply__init(l);
    l->n_units = (size_t)n;
    l->units = xcalloc((size_t)n, sizeof *l->units);
    for (int i = 0; i < n; i++)
        l->units[i] = s_unit_info(&units[i]);
    db_units_list_free(units, n);
    ctx->reply->payload_case = LKIP__REPLY__PAYLOAD_UNITS;
    ctx->reply->units = l;
    cmd_reply(ctx, LKIP__STATUS__OK, "ok", "%d unit", n);
}

/* ---- SOP definitions ------------------------------------------------------------------- */

static Lkip__SopInfo *s_sop_info(const db_sop_info_t *s)
{
    Lkip__SopInfo *i = xmalloc(sizeof *i);
    lkip__sop_info__init(i);
    i->code = xstrdup(s->code);
    i->version = s->version;
    i->number = xstrdup(s->number);
    i->title = xstrdup(s->title);
    i->steps = s->steps;
    i->sha256 = xstrdup(s->sha256);
    i->loaded_at = s->loaded_at;
    return i;
}

int sop_store(db_t *db, const char *name, const char *text, size_t len, int64_t user_id,
              db_sop_info_t *info, bool *created, char *err, size_t errlen)
{
    sopdef_t *def = sopdef_parse(name, text, len, err, errlen);
    if (!def)
        return 1;
    /* every role the definition names must exist */
    const char *roles[2 * SOPDEF_MAX_STEPS + 1];
    int n = 0;
    roles[n++] = def->watcher_role;
    for (int i = 0; i < def->n_steps; i++) {
        roles[n++] = def->steps[i].actor;
        roles[n++] = def->steps[i].unit_role;
    }
    char missing[64];
    int rc = db_roles_missing(db, roles, n, missing, sizeof missing);
    if (rc == 0 && missing[0]) {
        snprintf(err, errlen, "%s: role \"%s\" is not known to this deployment", name, missing);
        rc = 1;
    }
    if (rc == 0 && db_sop_store(db, def, name, text, len, user_id, info, created) != 0)
        rc = -1;
    sopdef_destroy(&def);
    return rc;
}

void cmd_sop_load(cmd_ctx_t *ctx)
{
    const Lkip__SopLoadRequest *r = ctx->req->sop_load;
    if (!cmd_check_field(ctx, "file_name", r->file_name, WIRE_MAX_TITLE, true))
        return;
    if (r->content.len > SOPDEF_MAX_BYTES) {
        cmd_reply(ctx, LKIP__STATUS__TOO_LARGE, "file_too_large",
                  "Berkas definisi terlalu besar (%zu bita; paling besar %d)", r->content.len,
                  SOPDEF_MAX_BYTES);
        return;
    }
    db_sop_info_t info = {0};
    bool created = false;
    char err[512];
    int rc = sop_store(ctx->db, r->file_name, (const char *)r->content.data, r->content.len,
                       ctx->caller->id, &info, &created, err, sizeof err);
    if (rc < 0) {
        cmd_db_failed(ctx, "store definition");
        return;
    }
    if (rc > 0) {
        cmd_reply(ctx, LKIP__STATUS__INVALID, "bad_definition", "Definisi SOP ditolak: %s", err);
        return;
    }
    Lkip__SopListReply *l = xmalloc(sizeof *l);
    lkip__sop_list_reply__init(l);
    l->n_sops = 1;
    l->sops = xmalloc(sizeof *l->sops);
    l->sops[0] = s_sop_info(&info);
    l->sops[0]->created = created;
    ctx->reply->payload_case = LKIP__REPLY__PAYLOAD_SOPS;
    ctx->reply->sops = l;
    if (created) {
        strbuf_printf(&ctx->detail, "loaded definition %s v%d from \"%s\" (sha256 %s)", info.code,
                      info.version, r->file_name, info.sha256);
        cmd_reply(ctx, LKIP__STATUS__CREATED, "ok",
                  "Definisi %s versi %d dimuat (%d langkah); SOP yang sudah berjalan tetap "
                  "memakai versinya",
                  info.code, info.version, info.steps);
    } else {
        strbuf_printf(&ctx->detail, "definition %s unchanged (v%d)", info.code, info.version);
        cmd_reply(ctx, LKIP__STATUS__OK, "ok", "Definisi %s tidak berubah (tetap versi %d)",
                  info.code, info.version);
    }
    db_sop_info_clear(&info);
}

void cmd_sop_list(cmd_ctx_t *ctx)
{
    db_sop_info_t *list = NULL;
    int n = db_sop_list(ctx->db, &list);
    if (n < 0) {
        cmd_db_failed(ctx, "list definitions");
        return;
    }
    Lkip__SopListReply *l = xmalloc(sizeof *l);
    lkip__sop_list_reply__init(l);
    l->n_sops = (size_t)n;
    l->sops = xcalloc((size_t)n, sizeof *l->sops);
    for (int i = 0; i < n; i++)
        l->sops[i] = s_sop_info(&list[i]);
    db_sop_list_free(list, n);
    ctx->reply->payload_case = LKIP__REPLY__PAYLOAD_SOPS;
    ctx->reply->sops = l;
    cmd_reply(ctx, LKIP__STATUS__OK, "ok", "%d versi definisi", n);
}
