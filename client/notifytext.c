/* notifytext — see notifytext.h. */
#include "notifytext.h"

#include "clitext.h"

#include <stdlib.h>
#include <string.h>

/* How each kind of event is announced: the title's opening words and the urgency. */
typedef struct {
    const char *kind;
    const char *title;
    notifytext_urgency_t urgency;
} s_kind_t;

static const s_kind_t s_kinds[] = {
    {"step_assigned", "Tugas baru", NOTIFYTEXT_NORMAL},
    {"step_done", "Langkah selesai", NOTIFYTEXT_LOW},
    {"returned", "Dikembalikan", NOTIFYTEXT_NORMAL},
    {"unit_task_assigned", "Tugas data unit", NOTIFYTEXT_NORMAL},
    {"unit_submitted", "Data unit diterima", NOTIFYTEXT_LOW},
    {"document_uploaded", "Dokumen baru", NOTIFYTEXT_LOW},
    {"draft_made", "Draft LKIP", NOTIFYTEXT_LOW},
    {"instance_done", "SOP selesai", NOTIFYTEXT_LOW},
    {"reminder", "Pengingat tenggat", NOTIFYTEXT_NORMAL},
    {"overdue", "Terlambat", NOTIFYTEXT_CRITICAL},
    {"escalation", "Eskalasi", NOTIFYTEXT_CRITICAL},
    {"deadline_changed", "Tenggat berubah", NOTIFYTEXT_NORMAL},
    {"holidays_missing", "Hari libur tahun depan belum dimuat", NOTIFYTEXT_NORMAL},
};

const char *notifytext_urgency_name(notifytext_urgency_t u)
{
    return u == NOTIFYTEXT_CRITICAL ? "critical" : u == NOTIFYTEXT_LOW ? "low" : "normal";
}

/* The first line of the body: what happened to the step, in a sentence. */
static void s_what(strbuf_t *b, const Lkip__Event *ev, const char *actor)
{
    const char *k = ev->kind;
    if (strcmp(k, "reminder") == 0)
        strbuf_puts(b, "Tenggat sudah dekat.");
    else if (strcmp(k, "overdue") == 0)
        strbuf_puts(b, "Tenggat sudah lewat; langkah ini belum diselesaikan.");
    else if (strcmp(k, "escalation") == 0)
        strbuf_puts(b, "Melewati tenggat dan diteruskan kepada Anda sebagai atasan.");
    else if (strcmp(k, "deadline_changed") == 0)
        strbuf_puts(b, "Tenggat dihitung ulang.");
    else if (strcmp(k, "step_done") == 0 && strcmp(ev->text_kind, "automatic") == 0)
        strbuf_puts(b, "Selesai dengan sendirinya: semua unit telah mengirim data.");
    else if (strcmp(k, "step_done") == 0)
        strbuf_printf(b, "Diselesaikan oleh %s.", actor);
    else if (strcmp(k, "returned") == 0)
        strbuf_printf(b, "Dikembalikan oleh %s.", actor);
    else if (strcmp(k, "unit_submitted") == 0)
        strbuf_printf(b, "Data dikirim oleh %s.", actor);
    else if (strcmp(k, "document_uploaded") == 0)
        strbuf_printf(b, "Versi baru diunggah oleh %s.", actor);
    else if (strcmp(k, "draft_made") == 0)
        strbuf_printf(b, "Draft LKIP dibuat ulang oleh %s (unduh: lkip draft).", actor);
    else if (strcmp(k, "instance_done") == 0)
        strbuf_puts(b, "Seluruh langkah telah selesai.");
    else if (strcmp(k, "unit_task_assigned") == 0)
        strbuf_puts(b, "Isi dan kirim data kinerja unit Anda.");
    else if (strcmp(k, "step_assigned") == 0)
        strbuf_puts(b, "Langkah ini menunggu Anda.");
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
    const s_kind_t *kind = NULL;
    for (size_t i = 0; i < ARRAY_LEN(s_kinds); i++)
        if (strcmp(ev->kind, s_kinds[i].kind) == 0)
            kind = &s_kinds[i];
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
    s_what(&b, ev, actor);
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
