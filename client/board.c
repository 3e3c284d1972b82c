/* board — see board.h. */
#include "board.h"

#include "clitext.h"
#include "eventkind.h"
#include "pbjson.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct board {
    Lkip__Envelope *reply;        /* holds the snapshot; NULL before the first */
    const Lkip__BoardReply *snap; /* reply->reply->board */
    int64_t offset;               /* daemon time minus local time at the snapshot */
    bool stale;                   /* an event or a reconnection asks for a fresh snapshot */
    char *strip[BOARD_STRIP];     /* ring of event lines */
    int strip_head, strip_n;      /* next slot; lines held */
    board_conn_t conn;
    char why[256]; /* why the connection is down */
    bool overdue_only;
    const Lkip__BoardRow **shown; /* the rows shown, into snap */
    int n_shown;
    int selected;
    int64_t selected_instance; /* kept across snapshots */
};

board_t *board_new(void)
{
    board_t *self = xcalloc(1, sizeof *self);
    self->conn = BOARD_CONNECTING;
    self->stale = true;
    return self;
}

void board_destroy(board_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    board_t *self = *self_p;
    wire_free(&self->reply);
    for (int i = 0; i < BOARD_STRIP; i++)
        free(self->strip[i]);
    free(self->shown);
    free(self);
    *self_p = NULL;
}

/* Recomputes the rows shown and keeps the selection on its instance. */
static void s_reshow(board_t *self)
{
    free(self->shown);
    self->shown = NULL;
    self->n_shown = 0;
    if (!self->snap)
        return;
    self->shown = xcalloc(self->snap->n_rows + 1, sizeof *self->shown);
    int keep = -1;
    for (size_t i = 0; i < self->snap->n_rows; i++) {
        const Lkip__BoardRow *r = self->snap->rows[i];
        if (self->overdue_only && !r->overdue)
            continue;
        if (r->instance_id == self->selected_instance)
            keep = self->n_shown;
        self->shown[self->n_shown++] = r;
    }
    if (keep >= 0)
        self->selected = keep;
    if (self->selected >= self->n_shown)
        self->selected = self->n_shown ? self->n_shown - 1 : 0;
    self->selected_instance = self->n_shown ? self->shown[self->selected]->instance_id : 0;
}

void board_set_snapshot(board_t *self, Lkip__Envelope **reply, int64_t now)
{
    wire_free(&self->reply);
    self->reply = *reply;
    *reply = NULL;
    self->snap = self->reply->reply->board;
    self->offset = self->snap->server_time - now;
    self->stale = false;
    s_reshow(self);
}

const Lkip__BoardReply *board_snapshot(const board_t *self)
{
    return self->snap;
}

int64_t board_now(const board_t *self, int64_t now)
{
    return now + self->offset;
}

int64_t board_next_due(const board_t *self)
{
    int64_t next = 0;
    for (size_t i = 0; self->snap && i < self->snap->n_rows; i++) {
        const Lkip__BoardRow *r = self->snap->rows[i];
        if (r->due_at > self->snap->server_time && (!next || r->due_at < next))
            next = r->due_at;
    }
    return next;
}

bool board_wants_snapshot(const board_t *self, int64_t now)
{
    if (self->stale || !self->snap)
        return true;
    int64_t due = board_next_due(self);
    return due && board_now(self, now) >= due;
}

void board_invalidate(board_t *self)
{
    self->stale = true;
}

/* ---- events ---------------------------------------------------------------------------------- */

static Lkip__BoardRow *s_row_of(board_t *self, int64_t instance_id)
{
    for (size_t i = 0; self->snap && i < self->snap->n_rows; i++)
        if (self->snap->rows[i]->instance_id == instance_id)
            return self->snap->rows[i];
    return NULL;
}

/* A unit's data came in: its row counts it once, however often it is resubmitted. */
static void s_unit_submitted(Lkip__BoardRow *row, const Lkip__Event *ev)
{
    for (size_t i = 0; i < row->n_units; i++) {
        Lkip__BoardUnit *u = row->units[i];
        if (strcmp(u->unit_code, ev->unit_code) != 0)
            continue;
        if (strcmp(u->state, "submitted") != 0)
            row->units_submitted++;
        free(u->state);
        u->state = xstrdup("submitted");
        u->submitted_at = ev->at;
        u->version++;
    }
}

/* The instance of row finished: it leaves the board. */
static void s_drop_row(board_t *self, Lkip__BoardRow *row)
{
    Lkip__BoardReply *snap = self->reply->reply->board;
    size_t k = 0;
    for (size_t i = 0; i < snap->n_rows; i++) {
        if (snap->rows[i] == row)
            lkip__board_row__free_unpacked(row, NULL);
        else
            snap->rows[k++] = snap->rows[i];
    }
    snap->n_rows = k;
}

/* What an event says of its row until the next snapshot. The snapshot is owned by the model,
 * so the row is changed in place (const only for the faces). */
static void s_apply_row(board_t *self, const Lkip__Event *ev)
{
    Lkip__BoardRow *row = s_row_of(self, ev->instance_id);
    if (!row)
        return;
    /* timers of the row's own step (not of a unit's task) */
    bool own_step = ev->step_no == row->step_no && !*ev->unit_code;
    switch (eventkind_of(ev)) {
    case LKIP__EVENT_KIND__EVENT_OVERDUE:
    case LKIP__EVENT_KIND__EVENT_ESCALATION:
        if (own_step)
            row->overdue = true;
        break;
    case LKIP__EVENT_KIND__EVENT_REMINDER:
        if (own_step)
            row->reminders++;
        break;
    case LKIP__EVENT_KIND__EVENT_RETURNED:
        row->returns++;
        break;
    case LKIP__EVENT_KIND__EVENT_UNIT_SUBMITTED:
        s_unit_submitted(row, ev);
        break;
    case LKIP__EVENT_KIND__EVENT_INSTANCE_DONE:
        s_drop_row(self, row);
        break;
    default: /* the others show in the next snapshot */
        break;
    }
}

void board_apply_event(board_t *self, const Lkip__Event *ev)
{
    if (ev->seq == 0) { /* a board hint: something changed, nothing to show of it */
        self->stale = true;
        return;
    }
    free(self->strip[self->strip_head]);
    self->strip[self->strip_head] = clitext_event(ev);
    self->strip_head = (self->strip_head + 1) % BOARD_STRIP;
    if (self->strip_n < BOARD_STRIP)
        self->strip_n++;
    if (ev->instance_id) {
        s_apply_row(self, ev);
        s_reshow(self);
        self->stale = true;
    }
}

int board_strip_count(const board_t *self)
{
    return self->strip_n;
}

const char *board_strip_line(const board_t *self, int i)
{
    if (i < 0 || i >= self->strip_n)
        return "";
    return self->strip[(self->strip_head - 1 - i + 2 * BOARD_STRIP) % BOARD_STRIP];
}

/* ---- connection, filter, selection ------------------------------------------------------------
 */

void board_set_conn(board_t *self, board_conn_t conn, const char *why)
{
    self->conn = conn;
    snprintf(self->why, sizeof self->why, "%s", why ? why : "");
}

board_conn_t board_conn(const board_t *self)
{
    return self->conn;
}

const char *board_conn_why(const board_t *self)
{
    return self->why;
}

void board_set_overdue_only(board_t *self, bool on)
{
    self->overdue_only = on;
    s_reshow(self);
}

bool board_overdue_only(const board_t *self)
{
    return self->overdue_only;
}

int board_rows(const board_t *self, const Lkip__BoardRow ***rows)
{
    *rows = self->shown;
    return self->n_shown;
}

int board_selected(const board_t *self)
{
    return self->selected;
}

void board_select(board_t *self, int index)
{
    if (self->n_shown == 0)
        return;
    self->selected = index < 0 ? 0 : index >= self->n_shown ? self->n_shown - 1 : index;
    self->selected_instance = self->shown[self->selected]->instance_id;
}

void board_move(board_t *self, int delta)
{
    board_select(self, self->selected + delta);
}

int64_t board_selected_instance(const board_t *self)
{
    return self->n_shown ? self->selected_instance : 0;
}

/* ---- how it reads -----------------------------------------------------------------------------
 */

static const char *s_zone(const board_t *self)
{
    return self->snap ? self->snap->time_zone : "";
}

static int64_t s_snap_time(const board_t *self)
{
    return self->snap ? self->snap->server_time : 0;
}

/* "kepala_dinas: sekretaris selaku Plh. Kepala Dinas": the delegates when there are any (the
 * official is away), else the holders of the role. */
static void s_holder_text(const Lkip__BoardRow *row, char *buf, size_t len)
{
    strbuf_t sb = {0};
    strbuf_printf(&sb, "%s:", row->holder_role);
    bool delegated = false;
    for (size_t i = 0; i < row->n_holders; i++)
        delegated |= *row->holders[i]->capacity != '\0';
    int shown = 0;
    for (size_t i = 0; i < row->n_holders; i++) {
        const Lkip__BoardHolder *h = row->holders[i];
        if (delegated != (*h->capacity != '\0'))
            continue;
        strbuf_printf(&sb, "%s %s", shown++ ? "," : "", h->name);
        if (*h->capacity)
            strbuf_printf(&sb, " selaku %s", h->capacity);
    }
    if (!shown)
        strbuf_puts(&sb, " (belum ada pengguna)");
    snprintf(buf, len, "%s", strbuf_str(&sb));
    strbuf_free(&sb);
}

void board_row_cells(const board_t *self, const Lkip__BoardRow *row, board_cells_t *out)
{
    const char *zone = s_zone(self);
    int64_t now = s_snap_time(self);
    snprintf(out->sop, sizeof out->sop, "%s/%s", row->sop_code, row->period);
    snprintf(out->step, sizeof out->step, "%d/%d %s", row->step_no, row->steps, row->step_name);
    s_holder_text(row, out->holder, sizeof out->holder);
    clitext_time_short(row->assigned_at, now, zone, out->assigned, sizeof out->assigned);
    clitext_time_short(row->due_at, now, zone, out->due, sizeof out->due);
    out->overdue = row->overdue;
    if (!row->due_at) {
        snprintf(out->left, sizeof out->left, "-");
    } else {
        char m[48];
        /* an overdue row at 0 working minutes past (overdue outside working hours) still says
         * it is late */
        clitext_minutes(row->overdue && row->remaining_minutes >= 0 ? 0 : row->remaining_minutes, m,
                        sizeof m);
        if (row->overdue)
            snprintf(out->left, sizeof out->left, "%s%s",
                     row->remaining_minutes < 0 ? "" : "lewat ", m);
        else
            snprintf(out->left, sizeof out->left, "sisa %s", m);
    }
    snprintf(out->reminders, sizeof out->reminders, "%d", row->reminders);
    snprintf(out->returns, sizeof out->returns, "%d", row->returns);
}

void board_unit_cell(const board_t *self, const Lkip__BoardUnit *u, char *buf, size_t len)
{
    if (strcmp(u->state, "submitted") == 0) {
        char when[48];
        clitext_time_short(u->submitted_at, s_snap_time(self), s_zone(self), when, sizeof when);
        snprintf(buf, len, "%s terkirim %s v%d", u->unit_code, when, u->version);
    } else if (strcmp(u->state, "late") == 0) {
        snprintf(buf, len, "%s terlambat", u->unit_code);
    } else if (strcmp(u->state, "missing") == 0) {
        snprintf(buf, len, "%s tidak mengirim", u->unit_code);
    } else {
        snprintf(buf, len, "%s belum", u->unit_code);
    }
}

char *board_title(const board_t *self)
{
    if (!self->snap)
        return xstrdup("Papan pemantauan: memuat...");
    const Lkip__BoardReply *s = self->snap;
    int late = 0;
    for (size_t i = 0; i < s->n_rows; i++)
        late += s->rows[i]->overdue;
    char when[64];
    clitext_time(s->server_time, s->time_zone, when, sizeof when);
    strbuf_t sb = {0};
    strbuf_printf(&sb, "Papan pemantauan %s", s->org_code);
    if (*s->unit_code)
        strbuf_printf(&sb, " unit %s", s->unit_code);
    /* the counts before the time: a narrow terminal cuts the end of the line */
    strbuf_printf(&sb, ": %zu SOP berjalan, %d terlambat%s (per %s)", s->n_rows, late,
                  self->overdue_only ? "; hanya yang terlambat ditampilkan" : "", when);
    return strbuf_take(&sb);
}

/* The units of a collection row, "Unit (2/5): A terkirim ... · B belum". */
static void s_units_line(const board_t *self, const Lkip__BoardRow *row, strbuf_t *sb)
{
    strbuf_printf(sb, "Unit (%d/%d terkirim):", row->units_submitted, row->units_total);
    for (size_t k = 0; k < row->n_units; k++) {
        char cell[160];
        board_unit_cell(self, row->units[k], cell, sizeof cell);
        strbuf_printf(sb, "%s %s", k ? " ·" : "", cell);
    }
}

char *board_text(const board_t *self)
{
    strbuf_t sb = {0};
    char *title = board_title(self);
    strbuf_printf(&sb, "%s\n", title);
    free(title);
    if (self->snap)
        strbuf_printf(&sb, "%s (%s)\n", self->snap->org_name, self->snap->time_zone);
    const Lkip__BoardRow **rows;
    int n = board_rows(self, &rows);
    if (n == 0)
        strbuf_puts(&sb, "\nTidak ada SOP yang berjalan.\n");
    else
        strbuf_printf(&sb, "\n%-5s %-12s %-26s %-50s %-13s %-13s %-22s %-5s %s\n", "No", "SOP",
                      "Langkah", "Pemegang", "Ditugaskan", "Tenggat", "Waktu kerja", "Ingat",
                      "Kembali");
    for (int i = 0; i < n; i++) {
        board_cells_t c;
        board_row_cells(self, rows[i], &c);
        strbuf_printf(&sb, "%-5lld %-12s %-26s %-50s %-13s %-13s %-22s %-5s %s%s\n",
                      (long long)rows[i]->instance_id, c.sop, c.step, c.holder, c.assigned, c.due,
                      c.left, c.reminders, c.returns, c.overdue ? "  TERLAMBAT" : "");
        if (rows[i]->n_units) {
            strbuf_puts(&sb, "      ");
            s_units_line(self, rows[i], &sb);
            strbuf_puts(&sb, "\n");
        }
    }
    if (self->strip_n) {
        strbuf_puts(&sb, "\nPemberitahuan terakhir:\n");
        for (int i = 0; i < self->strip_n && i < 10; i++)
            strbuf_printf(&sb, "  %s\n", board_strip_line(self, i));
    }
    return strbuf_take(&sb);
}

json_t *board_json(const board_t *self)
{
    json_t *j = self->snap ? pbjson_message(&self->snap->base) : json_object();
    json_t *rows = json_object_get(j, "rows");
    for (size_t i = 0; rows && i < json_array_size(rows); i++) {
        board_cells_t c;
        board_row_cells(self, self->snap->rows[i], &c);
        json_t *text =
            json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "sop", c.sop, "step", c.step, "holder", c.holder,
                      "assigned", c.assigned, "due", c.due, "left", c.left);
        json_t *row = json_array_get(rows, i);
        json_object_set_new(row, "text", text);
        json_t *units = json_object_get(row, "units");
        for (size_t k = 0; k < json_array_size(units); k++) {
            char cell[160];
            board_unit_cell(self, self->snap->rows[i]->units[k], cell, sizeof cell);
            json_object_set_new(json_array_get(units, k), "text", json_string(cell));
        }
    }
    return j;
}

json_t *board_view_json(const board_t *self, const char *message)
{
    static const char *const conn[] = {"connecting", "live", "disconnected"};
    json_t *j = json_object();
    json_t *rows = json_array();
    const Lkip__BoardRow **shown;
    int n = board_rows(self, &shown);
    json_t *all = board_json(self);
    /* the snapshot's fields, with only the rows shown (the order kept) */
    json_object_update(j, all);
    json_t *every = json_object_get(all, "rows");
    for (int i = 0; i < n; i++)
        for (size_t k = 0; k < json_array_size(every); k++)
            if (self->snap->rows[k] == shown[i])
                json_array_append(rows, json_array_get(every, k));
    json_object_set_new(j, "rows", rows);
    json_decref(all);
    char *title = board_title(self);
    json_object_set_new(j, "title", json_string(title));
    free(title);
    json_object_set_new(j, "connection", json_string(conn[self->conn]));
    json_object_set_new(j, "connection_why", json_string(self->why));
    json_object_set_new(j, "message", json_string(message ? message : ""));
    json_t *strip = json_array();
    for (int i = 0; i < self->strip_n; i++)
        json_array_append_new(strip, json_string(board_strip_line(self, i)));
    json_object_set_new(j, "strip", strip);
    return j;
}
