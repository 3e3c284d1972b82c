/* test_notify_board — the pure parts of notifications and of the board: the title, body and
 * urgency of a desktop notification per event kind (notifytext), the one table of event kinds
 * (every kind named, labelled and announced; the type read before the kind name), and the board
 * model (board):
 * a snapshot, events applied to it (overdue, reminders, returns, a unit's data, a finished
 * instance), the wish for a fresh snapshot, the overdue filter and the selection kept on its
 * instance, and how rows, units and the title read. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "clitext.h"
#include "eventkind.h"
#include "notifytext.h"

#define ZONE "Asia/Makassar"
/* Monday 2 March 2026, 10:30 WITA */
#define NOW 1772418600LL

static Lkip__Event s_event(const char *kind)
{
    Lkip__Event e = LKIP__EVENT__INIT;
    e.seq = 7;
    e.kind = (char *)kind;
    e.at = NOW;
    e.instance_id = 17;
    e.sop_code = "LKIP";
    e.period = "2026";
    e.step_no = 5;
    e.step_title = "Menganalisis dan mengevaluasi data dan informasi kinerja";
    e.time_zone = ZONE;
    e.actor = "kasubag";
    e.due_at = NOW + 3600;
    return e;
}

/* ---- notifytext ----------------------------------------------------------------------------- */

typedef struct {
    const char *kind;
    const char *title;
    notifytext_urgency_t urgency;
    const char *in_body;
} notify_case_t;

static const notify_case_t s_cases[] = {
    {"step_assigned", "Tugas baru: LKIP/2026 langkah 5", NOTIFYTEXT_NORMAL, "menunggu Anda"},
    {"step_done", "Langkah selesai: LKIP/2026 langkah 5", NOTIFYTEXT_LOW,
     "Diselesaikan oleh kasubag."},
    {"returned", "Dikembalikan: LKIP/2026 langkah 5", NOTIFYTEXT_NORMAL,
     "Dikembalikan oleh kasubag."},
    {"unit_task_assigned", "Tugas data unit: LKIP/2026 langkah 5", NOTIFYTEXT_NORMAL,
     "data kinerja unit Anda"},
    {"unit_submitted", "Data unit diterima: LKIP/2026 langkah 5", NOTIFYTEXT_LOW,
     "Data dikirim oleh kasubag."},
    {"document_uploaded", "Dokumen baru: LKIP/2026 langkah 5", NOTIFYTEXT_LOW,
     "Versi baru diunggah"},
    {"instance_done", "SOP selesai: LKIP/2026 langkah 5", NOTIFYTEXT_LOW, "telah selesai"},
    {"reminder", "Pengingat tenggat: LKIP/2026 langkah 5", NOTIFYTEXT_NORMAL,
     "Tenggat sudah dekat."},
    {"overdue", "Terlambat: LKIP/2026 langkah 5", NOTIFYTEXT_CRITICAL, "Tenggat sudah lewat"},
    {"escalation", "Eskalasi: LKIP/2026 langkah 5", NOTIFYTEXT_CRITICAL, "sebagai atasan"},
    {"deadline_changed", "Tenggat berubah: LKIP/2026 langkah 5", NOTIFYTEXT_NORMAL,
     "dihitung ulang"},
    {"something_new", "Pemberitahuan lkip (something_new): LKIP/2026 langkah 5", NOTIFYTEXT_NORMAL,
     "Menganalisis"},
};

static void test_notify_per_kind(void **state)
{
    for (size_t i = 0; i < sizeof s_cases / sizeof s_cases[0]; i++) {
        const notify_case_t *c = &s_cases[i];
        Lkip__Event e = s_event(c->kind);
        notifytext_t n;
        notifytext_build(&e, &n);
        if (strcmp(n.title, c->title) != 0 || n.urgency != c->urgency ||
            !strstr(n.body, c->in_body))
            fail_msg("%s: title \"%s\", urgency %s, body \"%s\"", c->kind, n.title,
                     notifytext_urgency_name(n.urgency), n.body);
        /* every body names the step and the due time in the organisation's zone */
        assert_non_null(strstr(n.body, "Menganalisis dan mengevaluasi"));
        assert_non_null(strstr(n.body, "Tenggat: Sen, 2 Mar 2026 11:30 WITA"));
        notifytext_clear(&n);
    }
}

/* Every kind of the EventKind enum has a name (sent in Event.kind, read back to the same kind),
 * a label in watch's line, and a title and first sentence in a desktop notification. */
static void test_event_kinds_table(void **state)
{
    const ProtobufCEnumDescriptor *d = &lkip__event_kind__descriptor;
    assert_true(d->n_values > 1);
    for (unsigned i = 0; i < d->n_values; i++) {
        Lkip__EventKind k = (Lkip__EventKind)d->values[i].value;
        if (k == LKIP__EVENT_KIND__EVENT_NONE)
            continue;
        const char *name = eventkind_name(k);
        if (!name || !*name || eventkind_parse(name) != k)
            fail_msg("%s: no name, or its name reads as another kind", d->values[i].name);
        if (k == LKIP__EVENT_KIND__EVENT_BOARD_CHANGED)
            continue; /* a board hint: the monitor redraws, nothing is shown or announced */
        const char *label = clitext_event_label(k);
        const char *title = notifytext_title(k);
        if (!label || !*label || !title || !*title)
            fail_msg("%s: missing a text (label %s, title %s)", name, label ? label : "-",
                     title ? title : "-");
        for (unsigned j = 0; j < i; j++)
            if (d->values[j].value && strcmp(eventkind_name(d->values[j].value), name) == 0)
                fail_msg("%s: the same name as %s", d->values[i].name, d->values[j].name);
    }
    assert_null(eventkind_name(LKIP__EVENT_KIND__EVENT_NONE));
    assert_null(clitext_event_label(LKIP__EVENT_KIND__EVENT_NONE));
    assert_null(notifytext_title(LKIP__EVENT_KIND__EVENT_NONE));
    assert_null(eventkind_name((Lkip__EventKind)(d->n_values + 5)));
    assert_int_equal(eventkind_parse("something_new"), LKIP__EVENT_KIND__EVENT_NONE);
    assert_int_equal(eventkind_parse(NULL), LKIP__EVENT_KIND__EVENT_NONE);
}

/* A client goes by the event's type; by its kind name only when the type is unset (an older
 * daemon) or unknown to it (a newer one). */
static void test_event_type_before_kind(void **state)
{
    notifytext_t n;
    Lkip__Event e = s_event("");
    e.type = LKIP__EVENT_KIND__EVENT_RETURNED;
    notifytext_build(&e, &n);
    assert_string_equal(n.title, "Dikembalikan: LKIP/2026 langkah 5");
    assert_non_null(strstr(n.body, "Dikembalikan oleh kasubag."));
    notifytext_clear(&n);
    char *line = clitext_event(&e);
    assert_non_null(strstr(line, "[DIKEMBALIKAN]"));
    assert_non_null(strstr(line, "dikembalikan oleh kasubag"));
    free(line);

    /* the type wins over a kind name that says otherwise */
    e = s_event("step_done");
    e.type = LKIP__EVENT_KIND__EVENT_OVERDUE;
    assert_int_equal(eventkind_of(&e), LKIP__EVENT_KIND__EVENT_OVERDUE);
    notifytext_build(&e, &n);
    assert_string_equal(n.title, "Terlambat: LKIP/2026 langkah 5");
    assert_int_equal(n.urgency, NOTIFYTEXT_CRITICAL);
    notifytext_clear(&n);

    /* a kind added after this client: its name is shown */
    e = s_event("something_new");
    e.type = (Lkip__EventKind)99;
    assert_int_equal(eventkind_of(&e), LKIP__EVENT_KIND__EVENT_NONE);
    notifytext_build(&e, &n);
    assert_string_equal(n.title, "Pemberitahuan lkip (something_new): LKIP/2026 langkah 5");
    notifytext_clear(&n);
    line = clitext_event(&e);
    assert_non_null(strstr(line, "[something_new]"));
    free(line);
}

static void test_notify_texts_and_capacity(void **state)
{
    Lkip__Event e = s_event("returned");
    e.text = "Bab III belum lengkap";
    e.text_kind = "reason";
    e.actor_capacity = "Plh. Kepala Dinas";
    e.recipient_capacity = "Plt. Kasubag Perencanaan";
    e.unit_code = "IKP";
    e.due_at = 0;
    notifytext_t n;
    notifytext_build(&e, &n);
    assert_string_equal(n.title, "Dikembalikan: LKIP/2026 langkah 5 unit IKP");
    assert_non_null(strstr(n.body, "Dikembalikan oleh kasubag selaku Plh. Kepala Dinas."));
    assert_non_null(strstr(n.body, "Alasan: Bab III belum lengkap"));
    assert_non_null(strstr(n.body, "Anda menerima ini selaku Plt. Kasubag Perencanaan."));
    assert_null(strstr(n.body, "Tenggat"));
    notifytext_clear(&n);

    e = s_event("escalation");
    e.text = "staf";
    e.text_kind = "late_actor";
    notifytext_build(&e, &n);
    assert_non_null(strstr(n.body, "Belum diselesaikan oleh: staf"));
    assert_string_equal(notifytext_urgency_name(n.urgency), "critical");
    notifytext_clear(&n);
}

/* ---- the board model --------------------------------------------------------------------------
 */

static Lkip__BoardRow *s_row(int64_t id, int step, int64_t due, bool overdue, int64_t left)
{
    Lkip__BoardRow *r = xmalloc(sizeof *r);
    lkip__board_row__init(r);
    r->instance_id = id;
    r->sop_code = xstrdup("LKIP");
    r->period = xasprintf("%lld", (long long)(2000 + id));
    r->sop_title = xstrdup("Penyusunan LKIP");
    r->step_no = step;
    r->steps = 11;
    r->step_name = xstrdup(step == 4 ? "Himpun data unit" : "Format data kinerja");
    r->step_title = xstrdup("uraian");
    r->step_kind = xstrdup(step == 4 ? "himpun" : "tugas");
    r->holder_role = xstrdup("kepala_dinas");
    r->assigned_at = NOW - 7200;
    r->due_at = due;
    r->overdue = overdue;
    r->remaining_minutes = left;
    r->return_reason = xstrdup("");
    return r;
}

static void s_holder(Lkip__BoardRow *r, const char *name, const char *capacity)
{
    Lkip__BoardHolder *h = xmalloc(sizeof *h);
    lkip__board_holder__init(h);
    h->name = xstrdup(name);
    h->full_name = xstrdup("");
    h->capacity = xstrdup(capacity);
    h->for_name = xstrdup(*capacity ? "kadis" : "");
    r->holders = xrealloc(r->holders, (r->n_holders + 1) * sizeof *r->holders);
    r->holders[r->n_holders++] = h;
}

static void s_unit(Lkip__BoardRow *r, const char *code, const char *st, int64_t at, int version)
{
    Lkip__BoardUnit *u = xmalloc(sizeof *u);
    lkip__board_unit__init(u);
    u->unit_code = xstrdup(code);
    u->unit_name = xstrdup(code);
    u->state = xstrdup(st);
    u->submitted_at = at;
    u->version = version;
    u->submitted_by = xstrdup("");
    r->units = xrealloc(r->units, (r->n_units + 1) * sizeof *r->units);
    r->units[r->n_units++] = u;
    r->units_total++;
    r->units_submitted += strcmp(st, "submitted") == 0;
}

/* A snapshot of three rows: 1 overdue (kadis's step, delegated), 2 collecting (2 of 3 in),
 * 3 due later. */
static Lkip__Envelope *s_snapshot(void)
{
    Lkip__BoardReply *b = xmalloc(sizeof *b);
    lkip__board_reply__init(b);
    b->org_code = xstrdup("DKIP");
    b->org_name = xstrdup("Dinas Komunikasi, Informatika dan Persandian Kota Gorontalo");
    b->time_zone = xstrdup(ZONE);
    b->server_time = NOW;
    b->unit_code = xstrdup("");
    b->n_rows = 3;
    b->rows = xcalloc(3, sizeof *b->rows);
    b->rows[0] = s_row(1, 9, NOW - 1800, true, -30);
    s_holder(b->rows[0], "kadis", "");
    s_holder(b->rows[0], "sekretaris", "Plh. Kepala Dinas");
    b->rows[1] = s_row(2, 4, NOW + 1800, false, 30);
    s_holder(b->rows[1], "staf", "");
    s_unit(b->rows[1], "APTIKA", "submitted", NOW - 5100, 1);
    s_unit(b->rows[1], "IKP", "submitted", NOW - 5100, 2);
    s_unit(b->rows[1], "STATISTIK", "open", 0, 0);
    b->rows[2] = s_row(3, 2, NOW + 7200, false, 150);
    Lkip__Reply *r = xmalloc(sizeof *r);
    lkip__reply__init(r);
    r->payload_case = LKIP__REPLY__PAYLOAD_BOARD;
    r->board = b;
    Lkip__Envelope *env = xmalloc(sizeof *env);
    lkip__envelope__init(env);
    env->body_case = LKIP__ENVELOPE__BODY_REPLY;
    env->reply = r;
    return env;
}

static void test_board_cells_and_text(void **state)
{
    board_t *b = board_new();
    assert_true(board_wants_snapshot(b, 0));
    Lkip__Envelope *env = s_snapshot();
    board_set_snapshot(b, &env, NOW - 100); /* the local clock 100 s behind the daemon's */
    assert_null(env);
    assert_int_equal(board_now(b, NOW - 40), NOW + 60);
    assert_false(board_wants_snapshot(b, NOW - 100));

    const Lkip__BoardRow **rows;
    assert_int_equal(board_rows(b, &rows), 3);
    board_cells_t c;
    board_row_cells(b, rows[0], &c);
    assert_string_equal(c.sop, "LKIP/2001");
    assert_string_equal(c.step, "9/11 Format data kinerja");
    assert_string_equal(c.holder, "kepala_dinas: sekretaris selaku Plh. Kepala Dinas");
    assert_string_equal(c.assigned, "2 Mar 08:30");
    assert_string_equal(c.due, "2 Mar 10:00");
    assert_string_equal(c.left, "lewat 30 menit");
    assert_true(c.overdue);
    board_row_cells(b, rows[2], &c);
    assert_string_equal(c.holder, "kepala_dinas: (belum ada pengguna)");
    assert_string_equal(c.left, "sisa 2 jam 30 menit");
    char cell[128];
    board_unit_cell(b, rows[1]->units[1], cell, sizeof cell);
    assert_string_equal(cell, "IKP terkirim 2 Mar 09:05 v2");
    board_unit_cell(b, rows[1]->units[2], cell, sizeof cell);
    assert_string_equal(cell, "STATISTIK belum");

    char *title = board_title(b);
    assert_string_equal(title, "Papan pemantauan DKIP: 3 SOP berjalan, 1 terlambat (per Sen, 2 "
                               "Mar 2026 10:30 WITA)");
    free(title);
    char *text = board_text(b);
    assert_non_null(strstr(text, "Unit (2/3 terkirim): APTIKA terkirim 2 Mar 09:05 v1 · IKP"));
    assert_non_null(strstr(text, "TERLAMBAT"));
    free(text);
    json_t *j = board_json(b);
    json_t *r0 = json_array_get(json_object_get(j, "rows"), 0);
    assert_string_equal(json_string_value(json_object_get(json_object_get(r0, "text"), "left")),
                        "lewat 30 menit");
    json_decref(j);
    /* the earliest due time ahead: row 2's; past it the board asks by itself */
    assert_int_equal(board_next_due(b), NOW + 1800);
    assert_true(board_wants_snapshot(b, NOW - 100 + 1800));
    board_destroy(&b);
}

static void test_board_events_filter_selection(void **state)
{
    board_t *b = board_new();
    Lkip__Envelope *env = s_snapshot();
    board_set_snapshot(b, &env, NOW);
    board_select(b, 1);
    assert_int_equal(board_selected_instance(b), 2);

    Lkip__Event e = s_event("unit_submitted");
    e.instance_id = 2;
    e.step_no = 4;
    e.unit_code = "STATISTIK";
    board_apply_event(b, &e);
    assert_true(board_wants_snapshot(b, NOW));
    const Lkip__BoardRow **rows;
    board_rows(b, &rows);
    assert_int_equal(rows[1]->units_submitted, 3);
    assert_string_equal(rows[1]->units[2]->state, "submitted");
    assert_int_equal(rows[1]->units[2]->version, 1);

    e = s_event("reminder");
    e.instance_id = 3;
    e.step_no = 2;
    board_apply_event(b, &e);
    e = s_event("overdue");
    e.instance_id = 3;
    e.step_no = 2;
    board_apply_event(b, &e);
    e = s_event("returned");
    e.instance_id = 3;
    board_apply_event(b, &e);
    board_rows(b, &rows);
    assert_true(rows[2]->overdue);
    assert_int_equal(rows[2]->reminders, 1);
    assert_int_equal(rows[2]->returns, 1);

    /* only the overdue ones: 1 and 3; the selection was on 2, now on the nearest */
    board_set_overdue_only(b, true);
    assert_int_equal(board_rows(b, &rows), 2);
    assert_int_equal(rows[0]->instance_id, 1);
    assert_int_equal(rows[1]->instance_id, 3);
    board_select(b, 1);
    board_set_overdue_only(b, false);
    assert_int_equal(board_selected_instance(b), 3); /* kept on its instance */
    assert_int_equal(board_selected(b), 2);

    /* a finished instance leaves the board */
    e = s_event("instance_done");
    e.instance_id = 1;
    board_apply_event(b, &e);
    assert_int_equal(board_rows(b, &rows), 2);
    assert_int_equal(rows[0]->instance_id, 2);
    board_move(b, -5);
    assert_int_equal(board_selected_instance(b), 2);

    /* the strip: newest first, five events so far */
    assert_int_equal(board_strip_count(b), 5);
    assert_non_null(strstr(board_strip_line(b, 0), "[SOP SELESAI]"));
    assert_non_null(strstr(board_strip_line(b, 4), "[DATA UNIT]"));
    board_set_conn(b, BOARD_DISCONNECTED, "koneksi ke server terputus");
    assert_int_equal(board_conn(b), BOARD_DISCONNECTED);
    assert_string_equal(board_conn_why(b), "koneksi ke server terputus");
    board_destroy(&b);
}

/* What the web page draws: the rows shown (the filter applied), each row's and unit's cells,
 * the title, the connection and the strip, newest first. */
static void test_board_view_json(void **state)
{
    board_t *b = board_new();
    json_t *j = board_view_json(b, NULL);
    assert_string_equal(json_string_value(json_object_get(j, "connection")), "connecting");
    assert_string_equal(json_string_value(json_object_get(j, "title")),
                        "Papan pemantauan: memuat...");
    assert_int_equal(json_array_size(json_object_get(j, "rows")), 0);
    json_decref(j);

    Lkip__Envelope *env = s_snapshot();
    board_set_snapshot(b, &env, NOW);
    board_set_conn(b, BOARD_DISCONNECTED, "koneksi ke server terputus");
    Lkip__Event e = s_event("reminder");
    e.instance_id = 3;
    board_apply_event(b, &e);
    board_set_overdue_only(b, true);
    j = board_view_json(b, "Papan belum dapat dimuat");
    json_t *rows = json_object_get(j, "rows");
    assert_int_equal(json_array_size(rows), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 0), "instance_id")),
                     1);
    assert_string_equal(json_string_value(json_object_get(j, "connection")), "disconnected");
    assert_string_equal(json_string_value(json_object_get(j, "connection_why")),
                        "koneksi ke server terputus");
    assert_string_equal(json_string_value(json_object_get(j, "message")),
                        "Papan belum dapat dimuat");
    assert_non_null(
        strstr(json_string_value(json_object_get(j, "title")), "hanya yang terlambat ditampilkan"));
    json_t *strip = json_object_get(j, "strip");
    assert_int_equal(json_array_size(strip), 1);
    assert_non_null(strstr(json_string_value(json_array_get(strip, 0)), "LKIP/2026"));
    json_decref(j);

    board_set_overdue_only(b, false);
    j = board_view_json(b, NULL);
    json_t *r2 = json_array_get(json_object_get(j, "rows"), 1);
    assert_int_equal(json_integer_value(json_object_get(r2, "instance_id")), 2);
    json_t *u1 = json_array_get(json_object_get(r2, "units"), 1);
    assert_string_equal(json_string_value(json_object_get(u1, "text")),
                        "IKP terkirim 2 Mar 09:05 v2");
    assert_string_equal(json_string_value(json_object_get(json_object_get(r2, "text"), "step")),
                        "4/11 Himpun data unit");
    json_decref(j);
    board_destroy(&b);
}

/* Issue 9: a text table cuts a long name with "…" in its last column, counts UTF-8 characters
 * as one column each, and pads short ones. */
static void test_text_cells_mark_truncation(void **state)
{
    char buf[4 * 12 + 1];
    assert_string_equal(clitext_fit("Indeks Keterbukaan Informasi Publik", 10, buf, sizeof buf),
                        "Indeks Ke\xe2\x80\xa6");
    assert_string_equal(clitext_fit("IKP", 6, buf, sizeof buf), "IKP   ");
    assert_string_equal(clitext_fit("exactly-10", 10, buf, sizeof buf), "exactly-10");
    assert_string_equal(clitext_fit("Rp\xc2\xa0"
                                    "900 jt",
                                    9, buf, sizeof buf),
                        "Rp\xc2\xa0"
                        "900 jt");
    assert_string_equal(clitext_fit("\xc3\xa9t\xc3\xa9 \xc3\xa9t\xc3\xa9", 4, buf, sizeof buf),
                        "\xc3\xa9t\xc3\xa9\xe2\x80\xa6");
    assert_string_equal(clitext_fit("", 3, buf, sizeof buf), "   ");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_notify_per_kind),
        cmocka_unit_test(test_event_kinds_table),
        cmocka_unit_test(test_event_type_before_kind),
        cmocka_unit_test(test_notify_texts_and_capacity),
        cmocka_unit_test(test_board_cells_and_text),
        cmocka_unit_test(test_board_events_filter_selection),
        cmocka_unit_test(test_board_view_json),
        cmocka_unit_test(test_text_cells_mark_truncation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
