/* clitext — see clitext.h. Times are shown in the organisation's zone through tz.h, which reads
 * the zone's TZif file itself: the process's TZ is never changed, since these functions also run
 * on the web server threads of lkip monitor --web, beside threads that read TZ. */
#include "clitext.h"

#include "eventkind.h"
#include "tz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const s_days[] = {"Min", "Sen", "Sel", "Rab", "Kam", "Jum", "Sab"};
static const char *const s_months[] = {"Jan", "Feb", "Mar", "Apr", "Mei", "Jun",
                                       "Jul", "Agu", "Sep", "Okt", "Nov", "Des"};

/* An instant as the clocks of a zone show it. */
typedef struct {
    int year, mon, mday; /* mon 0 (January) ... 11, as the name tables */
    int wday;            /* 0 Sunday ... 6 Saturday */
    int hour, min, sec;
    tz_info_t tz; /* the zone's offset and abbreviation ("WITA") at that instant */
} local_t;

/* The offset and abbreviation of the system's own zone (zone "" or NULL) at utc: the C library
 * only reads TZ and /etc/localtime here, it is never set. */
static void s_system_zone(int64_t utc, tz_info_t *info)
{
    time_t t = (time_t)utc;
    struct tm tm;
    *info = (tz_info_t){.abbr = "UTC"};
    if (!localtime_r(&t, &tm))
        return;
    info->utoff = (int32_t)tm.tm_gmtoff;
    info->isdst = tm.tm_isdst > 0;
    snprintf(info->abbr, sizeof info->abbr, "%s", tm.tm_zone ? tm.tm_zone : "");
}

/* utc in zone ("" or NULL: the system's). A zone this machine's tz database does not know (or
 * an instant outside 0001 ... 9999) shows as UTC, and says so. */
static void s_local(int64_t utc, const char *zone, local_t *out)
{
    if (!zone || !*zone)
        s_system_zone(utc, &out->tz);
    else if (tz_info(zone, utc, &out->tz) != 0)
        out->tz = (tz_info_t){.abbr = "UTC"};
    int64_t secs = utc + out->tz.utoff;
    cal_day_t day = (cal_day_t)cal_floor_div(secs, 86400);
    int64_t in_day = secs - (int64_t)day * 86400;
    cal_civil_from_days(day, &out->year, &out->mon, &out->mday);
    out->mon--;
    out->wday = cal_weekday(day);
    out->hour = (int)(in_day / 3600);
    out->min = (int)(in_day / 60 % 60);
    out->sec = (int)(in_day % 60);
}

void clitext_time_short(int64_t utc, int64_t now, const char *zone, char *buf, size_t len)
{
    if (utc == 0) {
        snprintf(buf, len, "-");
        return;
    }
    local_t t, n;
    s_local(utc, zone, &t);
    s_local(now, zone, &n);
    if (t.year == n.year)
        snprintf(buf, len, "%d %s %02d:%02d", t.mday, s_months[t.mon], t.hour, t.min);
    else
        snprintf(buf, len, "%d %s %d %02d:%02d", t.mday, s_months[t.mon], t.year, t.hour, t.min);
}

void clitext_iso(int64_t utc, const char *zone, char *buf, size_t len)
{
    if (utc == 0) {
        snprintf(buf, len, "%s", "");
        return;
    }
    local_t t;
    s_local(utc, zone, &t);
    long off = t.tz.utoff / 60;
    snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d%c%02ld:%02ld", t.year, t.mon + 1, t.mday,
             t.hour, t.min, t.sec, off < 0 ? '-' : '+', labs(off) / 60, labs(off) % 60);
}

void clitext_time(int64_t utc, const char *zone, char *buf, size_t len)
{
    if (utc == 0) {
        snprintf(buf, len, "-");
        return;
    }
    local_t t;
    s_local(utc, zone, &t);
    snprintf(buf, len, "%s, %d %s %d %02d:%02d %s", s_days[t.wday], t.mday, s_months[t.mon], t.year,
             t.hour, t.min, t.tz.abbr);
}

void clitext_minutes(int64_t minutes, char *buf, size_t len)
{
    const char *prefix = minutes < 0 ? "lewat " : "";
    int64_t m = minutes < 0 ? -minutes : minutes;
    if (m >= 60 && m % 60)
        snprintf(buf, len, "%s%lld jam %lld menit", prefix, (long long)(m / 60),
                 (long long)(m % 60));
    else if (m >= 60)
        snprintf(buf, len, "%s%lld jam", prefix, (long long)(m / 60));
    else
        snprintf(buf, len, "%s%lld menit", prefix, (long long)m);
}

const char *clitext_state(const char *state, const char *outcome)
{
    if (strcmp(state, "active") == 0)
        return "berjalan";
    if (strcmp(outcome, "approved") == 0)
        return "disetujui";
    if (strcmp(outcome, "returned") == 0)
        return "dikembalikan";
    if (strcmp(outcome, "closed") == 0)
        return "ditutup";
    if (strcmp(state, "open") == 0)
        return "belum dikirim";
    if (strcmp(state, "submitted") == 0)
        return "terkirim";
    if (strcmp(state, "missing") == 0)
        return "tidak mengirim";
    if (strcmp(state, "done") == 0)
        return "selesai";
    return state;
}

const char *clitext_actor(const char *name, const char *capacity, char *buf, size_t len)
{
    if (capacity && *capacity)
        snprintf(buf, len, "%s selaku %s", name, capacity);
    else
        snprintf(buf, len, "%s", name);
    return buf;
}

/* How each kind of event reads in a line: its label (in brackets) and what happened, after the
 * step (by_actor: followed by the actor). */
typedef struct {
    const char *label;
    const char *what; /* NULL: nothing after the step */
    bool by_actor;
} event_text_t;

static const event_text_t s_event_texts[] = {
    [LKIP__EVENT_KIND__EVENT_STEP_ASSIGNED] = {"TUGAS", NULL, false},
    [LKIP__EVENT_KIND__EVENT_STEP_DONE] = {"SELESAI", " diselesaikan oleh", true},
    [LKIP__EVENT_KIND__EVENT_RETURNED] = {"DIKEMBALIKAN", " dikembalikan oleh", true},
    [LKIP__EVENT_KIND__EVENT_UNIT_TASK_ASSIGNED] = {"TUGAS UNIT", NULL, false},
    [LKIP__EVENT_KIND__EVENT_UNIT_SUBMITTED] = {"DATA UNIT", ": data dikirim oleh", true},
    [LKIP__EVENT_KIND__EVENT_DOCUMENT_UPLOADED] = {"DOKUMEN", ": versi baru diunggah oleh", true},
    [LKIP__EVENT_KIND__EVENT_DRAFT_MADE] = {"DRAFT", ": draft LKIP dibuat ulang oleh", true},
    [LKIP__EVENT_KIND__EVENT_INSTANCE_DONE] = {"SOP SELESAI", NULL, false},
    [LKIP__EVENT_KIND__EVENT_REMINDER] = {"PENGINGAT", ": tenggat sudah dekat", false},
    [LKIP__EVENT_KIND__EVENT_OVERDUE] = {"TERLAMBAT", ": tenggat sudah lewat", false},
    [LKIP__EVENT_KIND__EVENT_ESCALATION] = {"ESKALASI", ": melewati tenggat", false},
    [LKIP__EVENT_KIND__EVENT_DEADLINE_CHANGED] = {"TENGGAT BERUBAH", ": tenggat dihitung ulang",
                                                  false},
    [LKIP__EVENT_KIND__EVENT_HOLIDAYS_MISSING] = {"HARI LIBUR", NULL, false},
};

const char *clitext_event_label(Lkip__EventKind kind)
{
    if (kind <= LKIP__EVENT_KIND__EVENT_NONE || (size_t)kind >= ARRAY_LEN(s_event_texts))
        return NULL;
    return s_event_texts[kind].label;
}

char *clitext_event(const Lkip__Event *ev)
{
    Lkip__EventKind kind = eventkind_of(ev);
    /* a kind this client does not know (a newer daemon) shows its name */
    const event_text_t unknown = {ev->kind, NULL, false};
    const event_text_t *et = clitext_event_label(kind) ? &s_event_texts[kind] : &unknown;
    char when[64], due[64], actor[200];
    clitext_time(ev->at, ev->time_zone, when, sizeof when);
    clitext_time(ev->due_at, ev->time_zone, due, sizeof due);
    clitext_actor(ev->actor, ev->actor_capacity, actor, sizeof actor);
    strbuf_t sb = {0};
    strbuf_printf(&sb, "#%llu %s [%s]", (unsigned long long)ev->seq, when, et->label);
    if (*ev->sop_code) /* an event of the organisation (holidays_missing) has no instance */
        strbuf_printf(&sb, " %s/%s", ev->sop_code, ev->period);
    else
        strbuf_printf(&sb, " %s", ev->org_code);
    if (ev->step_no)
        strbuf_printf(&sb, " langkah %d (%s)", ev->step_no, ev->step_title);
    if (*ev->unit_code)
        strbuf_printf(&sb, " unit %s", ev->unit_code);
    /* a step that closed by itself says how, in its text, instead of who */
    bool automatic = strcmp(ev->text_kind, "automatic") == 0;
    if (kind == LKIP__EVENT_KIND__EVENT_STEP_DONE && automatic)
        strbuf_printf(&sb, " selesai %s", ev->text);
    else if (et->what && et->by_actor)
        strbuf_printf(&sb, "%s %s", et->what, actor);
    else if (et->what)
        strbuf_puts(&sb, et->what);
    if (*ev->text && !automatic) {
        const char *what = "catatan";
        if (strcmp(ev->text_kind, "reason") == 0)
            what = "alasan";
        else if (strcmp(ev->text_kind, "letter_number") == 0)
            what = "nomor surat";
        else if (strcmp(ev->text_kind, "archive_sha256") == 0)
            what = "SHA-256 dokumen arsip";
        else if (strcmp(ev->text_kind, "late_actor") == 0)
            what = "belum diselesaikan oleh";
        else if (strcmp(ev->text_kind, "draft") == 0)
            what = "draft LKIP";
        if (strcmp(ev->text_kind, "holidays_missing") == 0)
            strbuf_printf(&sb, ": %s", ev->text);
        else
            strbuf_printf(&sb, " - %s: %s%s", what, ev->text,
                          strcmp(ev->text_kind, "draft") == 0 ? " (unduh: lkip draft)" : "");
    }
    if (*ev->file_name)
        strbuf_printf(&sb, " - format: %s (unduh: lkip format download)", ev->file_name);
    if (ev->due_at)
        strbuf_printf(&sb, " - tenggat %s", due);
    if (*ev->recipient_capacity)
        strbuf_printf(&sb, " (Anda menerima ini selaku %s)", ev->recipient_capacity);
    return strbuf_take(&sb);
}

const char *clitext_fit(const char *s, int width, char *buf, size_t len)
{
    size_t o = 0;
    int cols = 0;
    const unsigned char *p = (const unsigned char *)s;
    /* characters, counting a UTF-8 sequence (lead byte, continuation bytes) as one */
    int total = 0;
    for (const unsigned char *q = p; *q; q++)
        total += (*q & 0xC0) != 0x80;
    int keep = total > width ? width - 1 : total;
    while (*p && cols < keep && o + 5 < len) {
        buf[o++] = (char)*p++;
        while ((*p & 0xC0) == 0x80 && o + 1 < len)
            buf[o++] = (char)*p++;
        cols++;
    }
    if (total > width && width > 0 && o + 4 < len) {
        memcpy(buf + o, "\xe2\x80\xa6", 3); /* … */
        o += 3;
        cols++;
    }
    while (cols < width && o + 1 < len) {
        buf[o++] = ' ';
        cols++;
    }
    buf[o] = 0;
    return buf;
}

/* One line per cell: where (cell, or line and column), why, [code]. */
static void s_cells(FILE *out, Lkip__CellError *const *errors, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const Lkip__CellError *e = errors[i];
        if (*e->ref && *e->column_name)
            fprintf(out, "  %s (%s): %s [%s]\n", e->ref, e->column_name, e->reason, e->code);
        else if (*e->ref)
            fprintf(out, "  %s: %s [%s]\n", e->ref, e->reason, e->code);
        else if (e->line && e->column)
            fprintf(out, "  baris %d, kolom %d (%s): %s [%s]\n", e->line, e->column, e->column_name,
                    e->reason, e->code);
        else if (e->line && *e->column_name)
            fprintf(out, "  baris %d (%s): %s [%s]\n", e->line, e->column_name, e->reason, e->code);
        else if (e->line)
            fprintf(out, "  baris %d: %s [%s]\n", e->line, e->reason, e->code);
        else
            fprintf(out, "  berkas: %s [%s]\n", e->reason, e->code);
    }
}

void clitext_cell_errors(Lkip__CellError *const *errors, size_t n)
{
    /* one problem with the whole file is the refusal's message already */
    if (n == 1 && !*errors[0]->ref && !errors[0]->line)
        return;
    s_cells(stderr, errors, n);
}

void clitext_cell_warnings(Lkip__CellError *const *warnings, size_t n)
{
    if (n == 0)
        return;
    printf("Peringatan (%zu sel, data tetap diterima):\n", n);
    s_cells(stdout, warnings, n);
}

void clitext_status(FILE *out, const Lkip__InstanceStatus *s, bool detail)
{
    char started[64], finished[64], who[200];
    clitext_time(s->started_at, s->time_zone, started, sizeof started);
    clitext_time(s->finished_at, s->time_zone, finished, sizeof finished);
    const char *starter = clitext_actor(s->started_by, s->started_as, who, sizeof who);
    fprintf(out, "%s/%s (nomor %lld) - %s [definisi versi %d]\n", s->sop_code, s->period,
            (long long)s->id, s->sop_title, s->sop_version);
    if (strcmp(s->state, "active") == 0)
        fprintf(out, "  Status: berjalan, langkah %d dari %d; dimulai %s oleh %s\n",
                s->current_step, s->steps, started, starter);
    else
        fprintf(out, "  Status: SELESAI %s; dimulai %s oleh %s\n", finished, started, starter);
    if (*s->letter_number)
        fprintf(out, "  Nomor surat: %s\n", s->letter_number);
    if (*s->archive_sha256)
        fprintf(out, "  Arsip: dokumen versi %d, SHA-256 %s%s%s\n", s->archive_version,
                s->archive_sha256, *s->archive_ref ? ", disimpan di " : "", s->archive_ref);
    if (!detail)
        return;
    fprintf(out, "  Riwayat langkah:\n");
    for (size_t i = 0; i < s->n_runs; i++) {
        const Lkip__StepRun *r = s->runs[i];
        char when[64], due[64];
        clitext_time(r->finished_at ? r->finished_at : r->assigned_at, s->time_zone, when,
                     sizeof when);
        clitext_time(r->due_at, s->time_zone, due, sizeof due);
        fprintf(out, "   %2d%s %-13s %s\n", r->step_no, r->round > 1 ? "*" : " ",
                clitext_state(r->state, r->outcome), r->title);
        if (strcmp(r->state, "active") == 0)
            fprintf(out, "        pelaksana %s; diterima %s; tenggat %s\n", r->actor_role, when,
                    due);
        else if (r->automatic) /* closed by itself: its note says why, no person */
            fprintf(out, "        %s, %s; tenggat %s\n", r->note, when, due);
        else
            fprintf(out, "        oleh %s (%s), %s; tenggat %s\n",
                    clitext_actor(r->finished_by, r->finished_as, who, sizeof who), r->actor_role,
                    when, due);
        if (*r->note && !r->automatic)
            fprintf(out, "        %s: %s\n",
                    strcmp(r->outcome, "returned") == 0 ? "alasan" : "catatan", r->note);
    }
    if (s->n_units) {
        fprintf(out, "  Data unit:\n");
        for (size_t i = 0; i < s->n_units; i++) {
            const Lkip__UnitTaskInfo *u = s->units[i];
            char when[64];
            clitext_time(u->submitted_at, s->time_zone, when, sizeof when);
            fprintf(out, "   %-12s %-15s", u->unit_code, clitext_state(u->state, ""));
            if (u->version)
                fprintf(out, " versi %d, %d indikator, oleh %s, %s", u->version, u->rows,
                        u->submitted_by, when);
            fprintf(out, "\n");
        }
    }
    if (s->n_documents) {
        fprintf(out, "  Dokumen:\n");
        for (size_t i = 0; i < s->n_documents; i++) {
            const Lkip__DocumentInfo *d = s->documents[i];
            char when[64];
            clitext_time(d->uploaded_at, s->time_zone, when, sizeof when);
            bool draft = strcmp(d->kind, "draft") == 0;
            fprintf(out,
                    "   versi %d  langkah %d%s  %s (%lld bita)  %s %s, %s\n"
                    "            SHA-256 %s%s\n",
                    d->version, d->step_no, d->round > 1 ? "*" : "", d->file_name,
                    (long long)d->size, draft ? "draft ditulis lkip untuk" : "oleh",
                    clitext_actor(d->uploaded_by, d->uploaded_as, who, sizeof who), when, d->sha256,
                    s->archive_version == d->version ? "  [DIARSIPKAN]" : "");
        }
    }
}
