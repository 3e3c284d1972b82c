/* cmd_draft — the LKIP draft: `lkip draft` (the newest stored draft of an instance, written
 * first when there is none and the caller may write it, or written again on request) and the
 * organisation's profile the draft is written with (`lkip admin org profile`). The draft itself
 * is made by drafts.c through the engine (ENGINE_DRAFT), like every other change of a step. */
#include "cmd.h"

#include "db_draft.h"
#include "db_org.h"
#include "db_report.h"
#include "flow.h"

#include <stdlib.h>
#include <string.h>

#define MAX_PROFILE_MD (256 * 1024) /* bytes of one Markdown text of the profile */

/* ---- lkip draft ------------------------------------------------------------------------------ */

/* The description of document version of inst; NULL after replying. */
static Lkip__DocumentInfo *s_info(cmd_ctx_t *ctx, int64_t instance_id, int version)
{
    db_document_row_t doc;
    Lkip__DocumentInfo *info = NULL;
    if (db_report_document(ctx->db, instance_id, version, 0, 0, &doc) == DB_FOUND)
        info = cmd_document_info(&doc);
    else
        cmd_db_failed(ctx, "read the draft");
    db_document_row_clear(&doc);
    return info;
}

/* Attaches the newest draft of inst to the reply; false after replying. */
static bool s_attach(cmd_ctx_t *ctx, const db_instance_t *inst, bool made)
{
    int docx = 0, pdf = 0, n = 0;
    if (db_draft_latest(ctx->db, inst->id, &docx, &pdf, &n) != 1) {
        cmd_db_failed(ctx, "find the draft");
        return false;
    }
    Lkip__DraftReply *d = xmalloc(sizeof *d);
    lkip__draft_reply__init(d);
    ctx->reply->payload_case = LKIP__REPLY__PAYLOAD_DRAFT;
    ctx->reply->draft = d;
    d->made = made;
    d->instance = xasprintf("%s/%s", inst->sop_code, inst->period);
    d->drafts = n;
    d->draft_no = n;
    if (!(d->docx = s_info(ctx, inst->id, docx)) || !(d->pdf = s_info(ctx, inst->id, pdf)))
        return false;
    d->pages = d->pdf->pages;
    return true;
}

/* Writes a draft through the engine (the caller's right to act on the open step, the step's
 * place after the draft step); true when written. */
static bool s_write(cmd_ctx_t *ctx, db_instance_t *inst, const sopdef_t *def)
{
    engine_cmd_t cmd = {
        .kind = ENGINE_DRAFT, .role = ctx->caller->role, .step_no = inst->current_step};
    ctx->step_no = inst->current_step;
    flow_t f = {.ctx = ctx, .inst = inst, .def = def};
    flow_deleg_t deleg;
    bool ok = flow_delegations(ctx, inst->id, &cmd, &deleg, &f.out) && flow_decide(&f, &cmd);
    cmd_reply_outcome(ctx, &f.out);
    if (ok) {
        strbuf_printf(&ctx->detail, " (draft of %s/%s at step %d)", inst->sop_code, inst->period,
                      inst->current_step);
        cmd_reply(ctx, LKIP__STATUS__CREATED, "ok", "%s%s%s%s", f.note ? f.note : "",
                  f.capacity ? " (selaku " : "", f.capacity ? f.capacity : "",
                  f.capacity ? ")" : "");
    }
    flow_deleg_clear(&deleg);
    flow_clear(&f);
    return ok;
}

/* Replies that inst has no draft yet, and when it gets one. */
static void s_no_draft(cmd_ctx_t *ctx, const db_instance_t *inst, const sopdef_t *def)
{
    const sop_step_t *step = NULL;
    for (int i = 0; i < def->n_steps && !step; i++)
        if (def->steps[i].makes_draft)
            step = &def->steps[i];
    if (!step)
        cmd_reply(ctx, LKIP__STATUS__NOT_FOUND, "no_draft",
                  "SOP %s/%s tidak menghasilkan draft LKIP", inst->sop_code, inst->period);
    else
        cmd_reply(ctx, LKIP__STATUS__NOT_FOUND, "no_draft",
                  "Draft LKIP %s/%s belum ada: lkip menulisnya saat langkah %d (%s) diselesaikan "
                  "oleh %s tanpa dokumen unggahan, atau atas permintaan %s (lkip draft)",
                  inst->sop_code, inst->period, step->no, step->uraian, step->actor, step->actor);
}

void cmd_draft(cmd_ctx_t *ctx)
{
    const Lkip__DraftRequest *r = ctx->req->draft;
    db_instance_t inst = {0};
    const sopdef_t *def = NULL;
    /* locked: a draft written here takes the instance's next document versions */
    if (!cmd_instance(ctx, r->instance, true, &inst, &def))
        return;
    int docx = 0, pdf = 0, n = 0;
    int found = db_draft_latest(ctx->db, inst.id, &docx, &pdf, &n);
    if (found < 0) {
        cmd_db_failed(ctx, "find the draft");
    } else if (found && !r->regenerate) {
        if (s_attach(ctx, &inst, false))
            cmd_reply(ctx, LKIP__STATUS__OK, "ok",
                      "Draft LKIP %s/%s ke-%d (dokumen versi %d dan %d)", inst.sop_code,
                      inst.period, n, docx, pdf);
    } else if (!inst.active) {
        cmd_reply(ctx, found ? LKIP__STATUS__CONFLICT : LKIP__STATUS__NOT_FOUND,
                  found ? "instance_finished" : "no_draft",
                  found ? "SOP %s/%s sudah selesai; draft LKIP tidak dibuat ulang"
                        : "SOP %s/%s sudah selesai tanpa draft LKIP",
                  inst.sop_code, inst.period);
    } else if (s_write(ctx, &inst, def)) {
        (void)s_attach(ctx, &inst, true);
    } else if (!found && !r->regenerate &&
               (ctx->reply->status == LKIP__STATUS__FORBIDDEN ||
                ctx->reply->status == LKIP__STATUS__CONFLICT)) {
        /* nothing to fetch and not the caller's to write: say when it comes */
        s_no_draft(ctx, &inst, def);
    }
    db_instance_clear(&inst);
}

/* ---- the organisation's profile ------------------------------------------------------------ */

static ProtobufCBinaryData s_bytes(const char *s)
{
    ProtobufCBinaryData b = {strlen(s), (uint8_t *)xstrdup(s)};
    if (!b.len) {
        free(b.data);
        b.data = NULL;
    }
    return b;
}

static void s_reply_profile(cmd_ctx_t *ctx, const db_org_t *org, const db_org_profile_t *p)
{
    Lkip__OrgProfile *o = xmalloc(sizeof *o);
    lkip__org_profile__init(o);
    o->org_code = xstrdup(org->code);
    o->time_zone = xstrdup(org->time_zone);
    o->profil_md = s_bytes(p->profil_md);
    o->kata_pengantar_md = s_bytes(p->kata_pengantar_md);
    o->penutup_md = s_bytes(p->penutup_md);
    o->kepala_nama = xstrdup(p->kepala_nama);
    o->kepala_nip = xstrdup(p->kepala_nip);
    o->kepala_jabatan = xstrdup(p->kepala_jabatan);
    o->kota = xstrdup(p->kota);
    o->version = p->version;
    o->updated_by = xstrdup(p->updated_by);
    o->updated_at = p->updated_at;
    ctx->reply->payload_case = LKIP__REPLY__PAYLOAD_ORG_PROFILE;
    ctx->reply->org_profile = o;
}

void cmd_org_profile_show(cmd_ctx_t *ctx)
{
    db_org_t org = {0};
    if (!cmd_target_org(ctx, ctx->req->org_profile_show->org_code, &org))
        return;
    db_org_profile_t p;
    if (db_org_profile_get(ctx->db, org.id, &p) != 0) {
        cmd_db_failed(ctx, "organisation profile");
    } else {
        s_reply_profile(ctx, &org, &p);
        if (p.version)
            cmd_reply(ctx, LKIP__STATUS__OK, "ok", "Profil organisasi %s versi %d", org.code,
                      p.version);
        else
            cmd_reply(ctx, LKIP__STATUS__OK, "ok",
                      "Profil organisasi %s belum diisi; draft LKIP memakai templat bawaan",
                      org.code);
    }
    db_org_profile_clear(&p);
    db_org_clear(&org);
}

/* A Markdown text of the request: replaces *field when given; false after replying. */
static bool s_take_md(cmd_ctx_t *ctx, const char *name, const ProtobufCBinaryData *b, char **field)
{
    if (!b->len)
        return true;
    if (b->len > MAX_PROFILE_MD) {
        cmd_reply(ctx, LKIP__STATUS__TOO_LARGE, "field_too_long",
                  "Teks \"%s\" terlalu panjang (%zu bita; paling banyak %d)", name, b->len,
                  MAX_PROFILE_MD);
        return false;
    }
    if (memchr(b->data, '\0', b->len) || !text_is_clean((const char *)b->data, b->len, false)) {
        cmd_reply(ctx, LKIP__STATUS__INVALID, "bad_text",
                  "Teks \"%s\" bukan teks UTF-8 yang sah (karakter kendali atau bita rusak); "
                  "simpan berkasnya sebagai UTF-8",
                  name);
        return false;
    }
    free(*field);
    *field = xstrndup((const char *)b->data, b->len);
    return true;
}

/* A single-line field: replaces *field when given; false after replying. */
static bool s_take_line(cmd_ctx_t *ctx, const char *name, const char *value, char **field)
{
    if (!*value)
        return true;
    if (!cmd_check_field(ctx, name, value, WIRE_MAX_TITLE, false))
        return false;
    free(*field);
    *field = xstrdup(value);
    return true;
}

/* Applies "reset" (parts back to their default); false after replying. */
static bool s_reset(cmd_ctx_t *ctx, const char *list, db_org_profile_t *p)
{
    struct {
        const char *name;
        char **field;
    } parts[] = {{"profil", &p->profil_md},
                 {"kata_pengantar", &p->kata_pengantar_md},
                 {"penutup", &p->penutup_md},
                 {"kepala_nama", &p->kepala_nama},
                 {"kepala_nip", &p->kepala_nip},
                 {"kepala_jabatan", &p->kepala_jabatan},
                 {"kota", &p->kota}};
    if (!cmd_check_field(ctx, "reset", list, WIRE_MAX_TITLE, false))
        return false;
    char *copy = xstrdup(list), *save = NULL;
    bool ok = true;
    for (char *t = strtok_r(copy, ", ", &save); t && ok; t = strtok_r(NULL, ", ", &save)) {
        size_t i = 0;
        while (i < ARRAY_LEN(parts) && strcmp(parts[i].name, t) != 0)
            i++;
        if (i == ARRAY_LEN(parts)) {
            cmd_reply(ctx, LKIP__STATUS__BAD_REQUEST, "unknown_part",
                      "Bagian profil \"%s\" tidak dikenal; yang ada: profil, kata_pengantar, "
                      "penutup, kepala_nama, kepala_nip, kepala_jabatan, kota",
                      t);
            ok = false;
        } else {
            free(*parts[i].field);
            *parts[i].field = xstrdup("");
        }
    }
    free(copy);
    return ok;
}

void cmd_org_profile_set(cmd_ctx_t *ctx)
{
    const Lkip__OrgProfileSetRequest *r = ctx->req->org_profile_set;
    db_org_t org = {0};
    if (!cmd_target_org(ctx, r->org_code, &org))
        return;
    db_org_profile_t p;
    int version = 0;
    if (db_org_profile_get(ctx->db, org.id, &p) != 0)
        cmd_db_failed(ctx, "organisation profile");
    else if (s_reset(ctx, r->reset, &p) && s_take_md(ctx, "profil", &r->profil_md, &p.profil_md) &&
             s_take_md(ctx, "kata_pengantar", &r->kata_pengantar_md, &p.kata_pengantar_md) &&
             s_take_md(ctx, "penutup", &r->penutup_md, &p.penutup_md) &&
             s_take_line(ctx, "kepala_nama", r->kepala_nama, &p.kepala_nama) &&
             s_take_line(ctx, "kepala_nip", r->kepala_nip, &p.kepala_nip) &&
             s_take_line(ctx, "kepala_jabatan", r->kepala_jabatan, &p.kepala_jabatan) &&
             s_take_line(ctx, "kota", r->kota, &p.kota)) {
        if (db_org_profile_put(ctx->db, org.id, &p, ctx->caller->id, ctx->now, &version) != 0) {
            cmd_db_failed(ctx, "store organisation profile");
        } else {
            strbuf_printf(&ctx->detail, "organisation %s profile v%d", org.code, version);
            p.version = version;
            free(p.updated_by);
            p.updated_by = xstrdup(ctx->caller->name);
            p.updated_at = ctx->now;
            s_reply_profile(ctx, &org, &p);
            cmd_reply(ctx, LKIP__STATUS__OK, "ok",
                      "Profil organisasi %s disimpan sebagai versi %d; draft LKIP berikutnya "
                      "memakainya",
                      org.code, version);
        }
    }
    db_org_profile_clear(&p);
    db_org_clear(&org);
}
