/* cmd_delegate — delegation (Plh./Plt.): the admin records that an official acts for another
 * during a period (add), ends it early (remove), and anyone lists their organisation's. What a
 * delegation allows is decided by the engine (engine_delegation_t); here it is only recorded. */
#include "cmd.h"

#include "calendar.h"
#include "db_delegation.h"
#include "db_org.h"
#include "idfmt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CAPACITY 100

/* Checks a day ("YYYY-MM-DD"); false after replying. */
static bool s_day(cmd_ctx_t *ctx, const char *what, const char *text, cal_day_t *day)
{
    if (cal_parse_date(text, day) == 0)
        return true;
    cmd_reply(ctx, LKIP__STATUS__BAD_REQUEST, "bad_date",
              "Tanggal %s \"%s\" tidak sah (tulis TTTT-BB-HH, mis. 2027-01-05)", what, text);
    return false;
}

/* "5 Januari 2027" from "2027-01-05" (already checked). */
static void s_long_day(const char *text, char *buf, size_t len)
{
    int y = 0, m = 0, d = 0;
    if (sscanf(text, "%d-%d-%d", &y, &m, &d) != 3)
        snprintf(buf, len, "%s", text);
    else
        idfmt_date(y, m, d, buf, len);
}

void cmd_delegate_add(cmd_ctx_t *ctx)
{
    const Lkip__DelegateAddRequest *r = ctx->req->delegate_add;
    cal_day_t first, last;
    if (!cmd_check_field(ctx, "from_user", r->from_user, WIRE_MAX_NAME, true) ||
        !cmd_check_field(ctx, "to_user", r->to_user, WIRE_MAX_NAME, true) ||
        !cmd_check_field(ctx, "capacity", r->capacity, MAX_CAPACITY, true) ||
        !s_day(ctx, "mulai", r->first_day, &first) || !s_day(ctx, "sampai", r->last_day, &last))
        return;
    if (first > last) {
        cmd_reply(ctx, LKIP__STATUS__BAD_REQUEST, "bad_period",
                  "Tanggal mulai %s jatuh sesudah tanggal sampai %s", r->first_day, r->last_day);
        return;
    }
    if (strcmp(r->from_user, r->to_user) == 0) {
        cmd_reply(ctx, LKIP__STATUS__BAD_REQUEST, "self_delegation",
                  "Pejabat tidak dapat melimpahkan kewenangan kepada dirinya sendiri (%s)",
                  r->from_user);
        return;
    }
    db_org_t org = {0};
    if (!cmd_target_org(ctx, r->org_code, &org))
        return;
    int64_t id = 0, clash = 0;
    db_deleg_rc_t rc =
        db_delegation_add(ctx->db, org.id, r->from_user, r->to_user, r->first_day, r->last_day,
                          r->capacity, ctx->caller->id, ctx->now, &id, &clash);
    char a[48], b[48];
    s_long_day(r->first_day, a, sizeof a);
    s_long_day(r->last_day, b, sizeof b);
    switch (rc) {
    case DB_DELEG_FAILED:
        cmd_db_failed(ctx, "add delegation");
        break;
    case DB_DELEG_NO_FROM:
    case DB_DELEG_NO_TO:
        cmd_reply(ctx, LKIP__STATUS__NOT_FOUND, "unknown_user",
                  "Pengguna \"%s\" tidak dikenal di organisasi %s",
                  rc == DB_DELEG_NO_FROM ? r->from_user : r->to_user, org.code);
        break;
    case DB_DELEG_ADMIN:
        cmd_reply(ctx, LKIP__STATUS__BAD_REQUEST, "admin_no_workflow",
                  "Administrator tidak mengerjakan langkah SOP, sehingga tidak dapat melimpahkan "
                  "atau menerima pelimpahan");
        break;
    case DB_DELEG_OVERLAP:
        cmd_reply(ctx, LKIP__STATUS__CONFLICT, "delegation_overlap",
                  "%s sudah melimpahkan kewenangan pada sebagian periode %s s.d. %s (pelimpahan "
                  "nomor %lld); hapus dahulu yang lama",
                  r->from_user, a, b, (long long)clash);
        break;
    case DB_DELEG_OK:
        strbuf_printf(&ctx->detail, "delegation %lld: %s acts for %s as \"%s\" %s..%s",
                      (long long)id, r->to_user, r->from_user, r->capacity, r->first_day,
                      r->last_day);
        cmd_reply(ctx, LKIP__STATUS__CREATED, "ok",
                  "Pelimpahan nomor %lld dicatat: %s selaku %s menggantikan %s, %s s.d. %s",
                  (long long)id, r->to_user, r->capacity, r->from_user, a, b);
        break;
    }
    db_org_clear(&org);
}

void cmd_delegate_remove(cmd_ctx_t *ctx)
{
    const Lkip__DelegateRemoveRequest *r = ctx->req->delegate_remove;
    db_org_t org = {0};
    if (!cmd_target_org(ctx, r->org_code, &org))
        return;
    bool found = false;
    if (db_delegation_remove(ctx->db, org.id, r->id, ctx->caller->id, ctx->now, &found) != 0)
        cmd_db_failed(ctx, "remove delegation");
    else if (!found)
        cmd_reply(ctx, LKIP__STATUS__NOT_FOUND, "unknown_delegation",
                  "Pelimpahan nomor %lld tidak ada (atau sudah dihapus) di organisasi %s",
                  (long long)r->id, org.code);
    else {
        strbuf_printf(&ctx->detail, "delegation %lld removed", (long long)r->id);
        cmd_reply(ctx, LKIP__STATUS__OK, "ok", "Pelimpahan nomor %lld dihapus", (long long)r->id);
    }
    db_org_clear(&org);
}

static Lkip__DelegationInfo *s_info(const db_delegation_t *d)
{
    Lkip__DelegationInfo *i = xmalloc(sizeof *i);
    lkip__delegation_info__init(i);
    i->id = d->id;
    i->org_code = xstrdup(d->org_code);
    i->from_user = xstrdup(d->from_name);
    i->from_role = xstrdup(d->from_role);
    i->to_user = xstrdup(d->to_name);
    i->first_day = xstrdup(d->first_day);
    i->last_day = xstrdup(d->last_day);
    i->capacity = xstrdup(d->capacity);
    i->active = d->active;
    i->removed = d->removed;
    return i;
}

void cmd_delegate_list(cmd_ctx_t *ctx)
{
    const Lkip__DelegateListRequest *r = ctx->req->delegate_list;
    db_org_t org = {0};
    if (!cmd_target_org(ctx, r->org_code, &org))
        return;
    db_delegation_t *rows = NULL;
    int n = db_delegation_list(ctx->db, org.id, r->all, ctx->now, &rows);
    db_org_clear(&org);
    if (n < 0) {
        cmd_db_failed(ctx, "list delegations");
        return;
    }
    Lkip__DelegationListReply *l = xmalloc(sizeof *l);
    lkip__delegation_list_reply__init(l);
    l->delegations = xcalloc((size_t)n ? (size_t)n : 1, sizeof *l->delegations);
    for (int i = 0; i < n; i++)
        l->delegations[l->n_delegations++] = s_info(&rows[i]);
    db_delegations_free(rows, n);
    ctx->reply->payload_case = LKIP__REPLY__PAYLOAD_DELEGATIONS;
    ctx->reply->delegations = l;
    cmd_reply(ctx, LKIP__STATUS__OK, "ok", "%d pelimpahan", n);
}
