/* cmd_board — the secretariat's board: one snapshot of every running instance of the caller's
 * organisation (open step, holders with their Plh./Plt., due time, working time left, reminders,
 * returns, the units of a collection step), in one round trip and a bounded number of SQL
 * statements whatever the number of instances. Runs on a worker thread like every handler.
 *
 * Who sees what (the command table lets every role in; the rule is here, as the issue states
 * it): the Kepala Dinas, the Sekretaris (the pengamat of the LKIP SOP), the Kasubag Perencanaan
 * and the admin see the whole organisation; an operator_unit sees only the instances whose
 * collection step waits for its unit, with its unit alone in the grid; other roles are
 * refused. */
#include "cmd.h"

#include "db_board.h"
#include "db_delegation.h"
#include "db_org.h"
#include "deadline.h"
#include "log.h"

#include <stdlib.h>
#include <string.h>

/* The statements one board costs with the calendar and the definitions cached: the organisation,
 * the rows, the units, the users and the delegations, one each, whatever the number of
 * instances. A cold cache adds the organisation's calendar (a constant) and one statement per SOP
 * definition version not parsed yet: per organisation and definition, never per instance. */
#define BOARD_STATEMENTS 5

/* Roles that see the whole organisation's board. */
static const char *const s_board_roles[] = {"admin", "kepala_dinas", "sekretaris",
                                            "kasubag_perencanaan"};
#define BOARD_UNIT_ROLE "operator_unit" /* sees its own unit's tasks */

/* What the handler holds while it builds the reply. */
typedef struct {
    db_board_user_t *users;
    int n_users;
    db_delegation_t *deleg;
    int n_deleg;
    db_board_unit_t *units;
    int n_units;
} s_parts_t;

static void s_parts_clear(s_parts_t *p)
{
    db_board_users_free(p->users, p->n_users);
    db_delegations_free(p->deleg, p->n_deleg);
    db_board_units_free(p->units, p->n_units);
    memset(p, 0, sizeof *p);
}

/* Takes a string of a row into a message (the row's pointer is left NULL). */
static char *s_take(char **s)
{
    char *t = *s ? *s : xstrdup("");
    *s = NULL;
    return t;
}

/* The board row of an instance, from its stored row (whose strings it takes). */
static Lkip__BoardRow *s_board_row(db_board_row_t *r)
{
    Lkip__BoardRow *b = xmalloc(sizeof *b);
    lkip__board_row__init(b);
    b->instance_id = r->instance_id;
    b->sop_code = s_take(&r->sop_code);
    b->period = s_take(&r->period);
    b->sop_title = s_take(&r->sop_title);
    b->steps = r->steps;
    b->step_no = r->step_no;
    b->round = r->round;
    b->assigned_at = r->assigned_at;
    b->due_at = r->due_at;
    b->return_reason = s_take(&r->return_reason);
    b->reminders = r->reminders;
    b->returns = r->returns;
    return b;
}

/* The grid cell of a unit task, from its stored row (whose strings it takes). */
static Lkip__BoardUnit *s_board_unit(db_board_unit_t *t)
{
    Lkip__BoardUnit *u = xmalloc(sizeof *u);
    lkip__board_unit__init(u);
    u->unit_code = s_take(&t->unit_code);
    u->unit_name = s_take(&t->unit_name);
    u->state = s_take(&t->state);
    u->submitted_at = t->submitted_at;
    u->version = t->version;
    u->submitted_by = s_take(&t->submitted_by);
    u->due_at = t->due_at;
    return u;
}

/* The unit the caller's board is limited to: 0 for the whole organisation. -1 after replying
 * (a role that may not see the board, or an operator without a unit). */
static int64_t s_scope(cmd_ctx_t *ctx)
{
    const char *role = ctx->caller->role;
    for (size_t i = 0; i < ARRAY_LEN(s_board_roles); i++)
        if (strcmp(role, s_board_roles[i]) == 0)
            return 0;
    if (strcmp(role, BOARD_UNIT_ROLE) == 0 && ctx->caller->unit_id)
        return ctx->caller->unit_id;
    if (strcmp(role, BOARD_UNIT_ROLE) == 0)
        cmd_reply(ctx, LKIP__STATUS__FORBIDDEN, "no_unit",
                  "Akun Anda tidak terhubung ke unit mana pun; papan pemantauan operator unit "
                  "menampilkan tugas unitnya sendiri");
    else
        cmd_reply(ctx, LKIP__STATUS__FORBIDDEN, "forbidden_role",
                  "Papan pemantauan hanya untuk Kepala Dinas, Sekretaris, Kasubag Perencanaan, "
                  "administrator, dan operator unit untuk unitnya sendiri (peran Anda: %s)",
                  role);
    return -1;
}

static Lkip__BoardHolder *s_holder(const char *name, const char *full_name, const char *capacity,
                                   const char *for_name)
{
    Lkip__BoardHolder *h = xmalloc(sizeof *h);
    lkip__board_holder__init(h);
    h->name = xstrdup(name);
    h->full_name = xstrdup(full_name ? full_name : "");
    h->capacity = xstrdup(capacity ? capacity : "");
    h->for_name = xstrdup(for_name ? for_name : "");
    return h;
}

static void s_add_holder(Lkip__BoardRow *b, Lkip__BoardHolder *h)
{
    b->holders = xrealloc(b->holders, (b->n_holders + 1) * sizeof *b->holders);
    b->holders[b->n_holders++] = h;
}

static const char *s_full_name(const s_parts_t *p, const char *name)
{
    for (int i = 0; i < p->n_users; i++)
        if (strcmp(p->users[i].name, name) == 0)
            return p->users[i].full_name;
    return "";
}

/* The users holding the row's role, then those acting for one of them today (Plh./Plt.). */
static void s_holders(Lkip__BoardRow *b, const s_parts_t *p)
{
    for (int i = 0; i < p->n_users; i++)
        if (strcmp(p->users[i].role, b->holder_role) == 0)
            s_add_holder(b, s_holder(p->users[i].name, p->users[i].full_name, NULL, NULL));
    for (int i = 0; i < p->n_deleg; i++) {
        const db_delegation_t *d = &p->deleg[i];
        if (d->active && !d->removed && strcmp(d->from_role, b->holder_role) == 0)
            s_add_holder(
                b, s_holder(d->to_name, s_full_name(p, d->to_name), d->capacity, d->from_name));
    }
}

/* Moves the units of the row's instance into its grid (taken out of p). */
static void s_grid(Lkip__BoardRow *b, s_parts_t *p)
{
    for (int i = 0; i < p->n_units; i++) {
        if (p->units[i].instance_id != b->instance_id || !p->units[i].state)
            continue;
        Lkip__BoardUnit *u = s_board_unit(&p->units[i]);
        b->units = xrealloc(b->units, (b->n_units + 1) * sizeof *b->units);
        b->units[b->n_units++] = u;
        b->units_total++;
        b->units_submitted += strcmp(u->state, "submitted") == 0;
    }
}

/* Fills what the definition and the calendar say of row b; false when its definition cannot
 * be had. */
static bool s_complete(cmd_ctx_t *ctx, Lkip__BoardRow *b, int64_t def_id, const calendar_t *cal,
                       const char *zone, s_parts_t *p)
{
    const sopdef_t *def = defcache_get(ctx->defs, ctx->db, def_id);
    const sop_step_t *step = def ? sopdef_step(def, b->step_no) : NULL;
    if (!step)
        return false;
    b->step_name = xstrdup(step->short_name);
    b->step_title = xstrdup(step->uraian);
    b->step_kind = xstrdup(sop_kind_name(step->kind));
    b->holder_role = xstrdup(step->actor);
    b->wall_clock = step->wall_clock;
    if (b->due_at) {
        b->overdue = ctx->now >= b->due_at;
        b->remaining_minutes = deadline_remaining(cal, zone, step->wall_clock, ctx->now, b->due_at);
    }
    s_holders(b, p);
    if (step->kind == SOP_FANIN)
        s_grid(b, p);
    return true;
}

/* Reads the parts every row draws on: the units, the users, today's delegations. */
static bool s_read_parts(cmd_ctx_t *ctx, const db_org_t *org, int64_t unit_id, s_parts_t *p)
{
    p->n_units = db_board_units(ctx->db, org->id, unit_id, ctx->now, &p->units);
    if (p->n_units < 0) {
        p->n_units = 0;
        return false;
    }
    p->n_users = db_board_users(ctx->db, org->id, &p->users);
    if (p->n_users < 0) {
        p->n_users = 0;
        return false;
    }
    p->n_deleg = db_delegation_list(ctx->db, org->id, false, ctx->now, &p->deleg);
    if (p->n_deleg < 0) {
        p->n_deleg = 0;
        return false;
    }
    return true;
}

/* Builds the rows into l. false on a database failure (not replied). */
static bool s_rows(cmd_ctx_t *ctx, const db_org_t *org, int64_t unit_id, Lkip__BoardReply *l)
{
    s_parts_t p = {0};
    db_board_row_t *rows = NULL;
    int n = db_board_rows(ctx->db, org->id, unit_id, &rows);
    const calendar_t *cal =
        n >= 0 ? deadline_calendar(ctx->deadlines, ctx->db, org->id, org->calendar_version) : NULL;
    bool ok = cal && s_read_parts(ctx, org, unit_id, &p);
    l->rows = xcalloc((size_t)(n > 0 ? n : 0) + 1, sizeof *l->rows);
    for (int i = 0; i < n; i++) {
        Lkip__BoardRow *b = s_board_row(&rows[i]);
        ok = ok && s_complete(ctx, b, rows[i].def_id, cal, org->time_zone, &p);
        /* an operator's board: only instances whose collection step waits for its unit */
        if (ok && (!unit_id || strcmp(b->step_kind, sop_kind_name(SOP_FANIN)) == 0))
            l->rows[l->n_rows++] = b;
        else
            lkip__board_row__free_unpacked(b, NULL);
    }
    db_board_rows_free(rows, n);
    s_parts_clear(&p);
    return ok && n >= 0;
}

void cmd_board(cmd_ctx_t *ctx)
{
    const Lkip__BoardRequest *r = ctx->req->board;
    int64_t before = db_statements(ctx->db);
    int64_t unit_id = s_scope(ctx);
    if (unit_id < 0)
        return;
    db_org_t org = {0};
    if (!cmd_target_org(ctx, r->org_code, &org))
        return;
    Lkip__BoardReply *l = xmalloc(sizeof *l);
    lkip__board_reply__init(l);
    ctx->reply->payload_case = LKIP__REPLY__PAYLOAD_BOARD;
    ctx->reply->board = l;
    l->org_code = xstrdup(org.code);
    l->org_name = xstrdup(org.name);
    l->time_zone = xstrdup(org.time_zone);
    l->server_time = ctx->now;
    l->unit_code = xstrdup(unit_id ? ctx->caller->unit_code : "");
    bool ok = s_rows(ctx, &org, unit_id, l);
    db_org_clear(&org);
    if (!ok) {
        cmd_db_failed(ctx, "board");
        return;
    }
    l->sql_statements = (int32_t)(db_statements(ctx->db) - before);
    if (l->sql_statements > BOARD_STATEMENTS)
        log_debug("board of %s: %d statements (a cache was cold)", l->org_code, l->sql_statements);
    cmd_reply(ctx, LKIP__STATUS__OK, "ok", "Papan pemantauan %s: %zu SOP berjalan", l->org_code,
              l->n_rows);
}
