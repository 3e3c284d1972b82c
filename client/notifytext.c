/* notifytext — see notifytext.h. */
#include "notifytext.h"

#include "clitext.h"
#include "eventkind.h"

#include <stdlib.h>
#include <string.h>

/* How each kind of event is announced: the title's opening words, the urgency, and the first
 * sentence of the body (by_actor: what is followed by the actor and tail, or a full stop). */
typedef struct {
    const char *title;
    notifytext_urgency_t urgency;
    const char *what;
    bool by_actor;
    const char *tail; /* by_actor: after the actor; NULL: "." */
} s_kind_t;

static const s_kind_t s_kinds[] = {
    [LKIP__EVENT_KIND__EVENT_STEP_ASSIGNED] = {"Tugas baru", NOTIFYTEXT_NORMAL,
                                               "Langkah ini menunggu Anda.", false},
    [LKIP__EVENT_KIND__EVENT_STEP_DONE] = {"Langkah selesai", NOTIFYTEXT_LOW, "Diselesaikan oleh",
                                           true},
    [LKIP__EVENT_KIND__EVENT_RETURNED] = {"Dikembalikan", NOTIFYTEXT_NORMAL, "Dikembalikan oleh",
                                          true},
    [LKIP__EVENT_KIND__EVENT_UNIT_TASK_ASSIGNED] = {"Tugas data unit", NOTIFYTEXT_NORMAL,
                                                    "Isi dan kirim data kinerja unit Anda.", false},
    [LKIP__EVENT_KIND__EVENT_UNIT_SUBMITTED] = {"Data unit diterima", NOTIFYTEXT_LOW,
                                                "Data dikirim oleh", true},
    [LKIP__EVENT_KIND__EVENT_DOCUMENT_UPLOADED] = {"Dokumen baru", NOTIFYTEXT_LOW,
                                                   "Versi baru diunggah oleh", true},
    [LKIP__EVENT_KIND__EVENT_DRAFT_MADE] = {"Draft LKIP", NOTIFYTEXT_LOW,
                                            "Draft LKIP dibuat ulang oleh", true,
                                            " (unduh: lkip draft)."},
    [LKIP__EVENT_KIND__EVENT_INSTANCE_DONE] = {"SOP selesai", NOTIFYTEXT_LOW,
                                               "Seluruh langkah telah selesai.", false},
    [LKIP__EVENT_KIND__EVENT_REMINDER] = {"Pengingat tenggat", NOTIFYTEXT_NORMAL,
                                          "Tenggat sudah dekat.", false},
    [LKIP__EVENT_KIND__EVENT_OVERDUE] = {"Terlambat", NOTIFYTEXT_CRITICAL,
                                         "Tenggat sudah lewat; langkah ini belum diselesaikan.",
                                         false},
    [LKIP__EVENT_KIND__EVENT_ESCALATION] = {"Eskalasi", NOTIFYTEXT_CRITICAL,
                                            "Melewati tenggat dan diteruskan kepada Anda sebagai "
                                            "atasan.",
                                            false},
    [LKIP__EVENT_KIND__EVENT_DEADLINE_CHANGED] = {"Tenggat berubah", NOTIFYTEXT_NORMAL,
                                                  "Tenggat dihitung ulang.", false},
    [LKIP__EVENT_KIND__EVENT_HOLIDAYS_MISSING] = {"Hari libur tahun depan belum dimuat",
                                                  NOTIFYTEXT_NORMAL, NULL, false},
};

const char *notifytext_urgency_name(notifytext_urgency_t u)
{
    return u == NOTIFYTEXT_CRITICAL ? "critical" : u == NOTIFYTEXT_LOW ? "low" : "normal";
}

/* The table entry of kind; NULL for EVENT_NONE and values outside the enum. */
static const s_kind_t *s_kind(Lkip__EventKind kind)
{
    if (kind <= LKIP__EVENT_KIND__EVENT_NONE || (size_t)kind >= ARRAY_LEN(s_kinds) ||
        !s_kinds[kind].title)
        return NULL;
    return &s_kinds[kind];
}

const char *notifytext_title(Lkip__EventKind kind)
{
    const s_kind_t *k = s_kind(kind);
    return k ? k->title : NULL;
}

const char *notifytext_what(Lkip__EventKind kind)
{
    const s_kind_t *k = s_kind(kind);
    return k ? k->what : NULL;
}

/* The first line of the body: what happened to the step, in a sentence. */
static void s_what(strbuf_t *b, const Lkip__Event *ev, const s_kind_t *kind, const char *actor)
{
    if (eventkind_of(ev) == LKIP__EVENT_KIND__EVENT_STEP_DONE &&
        strcmp(ev->text_kind, "automatic") == 0)
        strbuf_puts(b, "Selesai dengan sendirinya: semua unit telah mengirim data.");
    else if (kind && kind->what && kind->by_actor)
        strbuf_printf(b, "%s %s%s", kind->what, actor, kind->tail ? kind->tail : ".");
    else if (kind && kind->what)
        strbuf_puts(b, kind->what);
}

static const char *s_text_label(const Lkip__Event *ev)
{
    const char *k = ev->text_kind;
    if (strcmp(k, "reason") == 0)
        return "Alasan";
    if (strcmp(k, "letter_number") == 0)
        return "Nomor surat";
    if (strcmp(k, "archive_sha256") == 0)
        return "SHA-256 dokumen arsip";
    if (strcmp(k, "late_actor") == 0)
        return "Belum diselesaikan oleh";
    if (strcmp(k, "draft") == 0)
        return "Draft LKIP (unduh: lkip draft)";
    if (strcmp(k, "holidays_missing") == 0)
        return "Perhatian";
    return "Catatan";
}

void notifytext_build(const Lkip__Event *ev, notifytext_t *out)
{
    const s_kind_t *kind = s_kind(eventkind_of(ev));
    out->urgency = kind ? kind->urgency : NOTIFYTEXT_NORMAL;
    strbuf_t t = {0};
    if (kind && !*ev->sop_code) /* an event of the organisation, no instance */
        strbuf_printf(&t, "%s: %s", kind->title, ev->org_code);
    else if (kind)
        strbuf_printf(&t, "%s: %s/%s", kind->title, ev->sop_code, ev->period);
    else
        strbuf_printf(&t, "Pemberitahuan lkip (%s): %s/%s", ev->kind, ev->sop_code, ev->period);
    if (ev->step_no)
        strbuf_printf(&t, " langkah %d", ev->step_no);
    if (*ev->unit_code)
        strbuf_printf(&t, " unit %s", ev->unit_code);
    out->title = strbuf_take(&t);

    char actor[200], due[64];
    clitext_actor(ev->actor, ev->actor_capacity, actor, sizeof actor);
    strbuf_t b = {0};
    if (*ev->step_title)
        strbuf_printf(&b, "%s\n", ev->step_title);
    s_what(&b, ev, kind, actor);
    if (*ev->text && strcmp(ev->text_kind, "automatic") != 0)
        strbuf_printf(&b, "\n%s: %s", s_text_label(ev), ev->text);
    if (ev->due_at) {
        clitext_time(ev->due_at, ev->time_zone, due, sizeof due);
        strbuf_printf(&b, "\nTenggat: %s", due);
    }
    if (*ev->recipient_capacity)
        strbuf_printf(&b, "\nAnda menerima ini selaku %s.", ev->recipient_capacity);
    out->body = strbuf_take(&b);
}

void notifytext_clear(notifytext_t *n)
{
    free(n->title);
    free(n->body);
    n->title = n->body = NULL;
}
