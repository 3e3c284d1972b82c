/* cmd_calendar — the working calendar commands: show it, edit and import holidays, set the
 * working hours and special periods, compute a due time, and (tests only) set the clock. Every
 * change bumps the organisation's calendar version and recomputes the open deadlines in the
 * same transaction, telling each moved actor the new time. */
#include "cmd.h"

#include "db_calendar.h"
#include "db_org.h"
#include "deadline.h"
#include "holidays.h"
#include "timesrc.h"
#include "weekspec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_IMPORT (1024 * 1024)

static bool s_national(const char *kind)
{
    return strcmp(kind, "libur_lokal") != 0;
}

static Lkip__CalendarReply *s_reply(cmd_ctx_t *ctx)
{
    Lkip__CalendarReply *c = xmalloc(sizeof *c);
    lkip__calendar_reply__init(c);
    ctx->reply->payload_case = LKIP__REPLY__PAYLOAD_CALENDAR;
    ctx->reply->calendar = c;
    return c;
}

/* "senin-kamis=07:30-12:00,..." of week, owned. */
static char *s_week_text(const cal_week_t *week)
{
    char text[512];
    weekspec_format(week, text, sizeof text);
    return xstrdup(text);
}

static Lkip__PeriodInfo *s_period_info(const db_period_row_t *p)
{
    Lkip__PeriodInfo *pi = xmalloc(sizeof *pi);
    lkip__period_info__init(pi);
    pi->name = xstrdup(p->name);
    pi->first = xstrdup(p->first);
    pi->last = xstrdup(p->last);
    pi->week = s_week_text(&p->week);
    return pi;
}

static Lkip__HolidayInfo *s_holiday_info(const db_holiday_row_t *x)
{
    Lkip__HolidayInfo *h = xmalloc(sizeof *h);
    lkip__holiday_info__init(h);
    h->date = xstrdup(x->date);
    h->kind = xstrdup(x->kind);
    h->name = xstrdup(x->name);
    return h;
}

/* Fills c with the calendar (holidays of year; 0: all) of org_id. 0, or -1 after replying. */
static int s_show(cmd_ctx_t *ctx, int64_t org_id, int year, Lkip__CalendarReply *c)
{
    db_calendar_rows_t rows;
    if (db_calendar_rows(ctx->db, org_id, year, &rows) != 0) {
        db_calendar_rows_clear(&rows);
        cmd_db_failed(ctx, "show calendar");
        return -1;
    }
    c->week = s_week_text(&rows.week);
    c->periods = xcalloc((size_t)rows.n_periods + 1, sizeof *c->periods);
    for (int i = 0; i < rows.n_periods; i++)
        c->periods[c->n_periods++] = s_period_info(&rows.periods[i]);
    c->holidays = xcalloc((size_t)rows.n_holidays + 1, sizeof *c->holidays);
    for (int i = 0; i < rows.n_holidays; i++)
        c->holidays[c->n_holidays++] = s_holiday_info(&rows.holidays[i]);
    db_calendar_rows_clear(&rows);
    return 0;
}

/* After a change to the calendar of org_id (0: all): bump, recompute deadlines, and fill the
 * reply with the calendar as it is now. false after replying with an error. */
static bool s_changed(cmd_ctx_t *ctx, int64_t org_id, const db_org_t *shown, int changed)
{
    if (db_calendar_bump(ctx->db, org_id) != 0) {
        cmd_db_failed(ctx, "calendar version");
        return false;
    }
    int moved = deadline_recompute(ctx->db, ctx->defs, org_id, ctx->now, &ctx->events);
    if (moved < 0) {
        cmd_db_failed(ctx, "recompute deadlines");
        return false;
    }
    Lkip__CalendarReply *c = s_reply(ctx);
    c->org_code = xstrdup(shown->code);
    c->time_zone = xstrdup(shown->time_zone);
    c->changed = changed;
    c->deadlines_moved = moved;
    if (s_show(ctx, shown->id, 0, c) != 0)
        return false;
    if (moved)
        strbuf_printf(&ctx->detail, "; %d open deadline(s) moved", moved);
    return true;
}

void cmd_calendar_show(cmd_ctx_t *ctx)
{
    const Lkip__CalendarShowRequest *r = ctx->req->calendar_show;
    db_org_t org = {0};
    if (!cmd_target_org(ctx, r->org_code, &org))
        return;
    if (r->year < 0 || r->year > 9999) {
        cmd_reply(ctx, LKIP__STATUS__BAD_REQUEST, "bad_year", "Tahun %d tidak sah", r->year);
    } else {
        Lkip__CalendarReply *c = s_reply(ctx);
        c->org_code = xstrdup(org.code);
        c->time_zone = xstrdup(org.time_zone);
        if (s_show(ctx, org.id, r->year, c) == 0) {
            c->year_without_holidays = r->year && c->n_holidays == 0;
            if (c->year_without_holidays)
                cmd_reply(ctx, LKIP__STATUS__OK, "ok",
                          "Kalender kerja %s; hari libur tahun %d belum dimuat", org.code, r->year);
            else
                cmd_reply(ctx, LKIP__STATUS__OK, "ok", "Kalender kerja %s", org.code);
        }
    }
    db_org_clear(&org);
}

/* Checks a holiday's date, kind and name; false after replying. */
static bool s_check_holiday(cmd_ctx_t *ctx, const char *date, const char *kind, const char *name,
                            bool need_name)
{
    cal_day_t day;
    if (cal_parse_date(date, &day) != 0) {
        cmd_reply(ctx, LKIP__STATUS__BAD_REQUEST, "bad_date",
                  "Tanggal \"%s\" tidak sah (tulis TTTT-BB-HH, mis. 2026-08-17)", date);
        return false;
    }
    if (!holidays_kind_valid(kind)) {
        cmd_reply(ctx, LKIP__STATUS__BAD_REQUEST, "bad_kind",
                  "Jenis libur \"%s\" tidak dikenal (libur_nasional, cuti_bersama, libur_lokal)",
                  kind);
        return false;
    }
    return cmd_check_field(ctx, "name", name, WIRE_MAX_TITLE, need_name);
}

void cmd_holiday(cmd_ctx_t *ctx)
{
    const Lkip__HolidayRequest *r = ctx->req->holiday;
    const char *kind = *r->kind ? r->kind : "libur_nasional";
    db_org_t org = {0};
    if (!s_check_holiday(ctx, r->date, kind, r->name, !r->remove) ||
        !cmd_target_org(ctx, r->org_code, &org))
        return;
    int changed = 0;
    int64_t scope = s_national(kind) ? 0 : org.id;
    if (r->remove) {
        char existing[16];
        if (db_holiday_kind(ctx->db, org.id, r->date, existing, sizeof existing) != 0) {
            cmd_db_failed(ctx, "find holiday");
            goto out;
        }
        if (!*existing) {
            cmd_reply(ctx, LKIP__STATUS__NOT_FOUND, "unknown_holiday",
                      "Tanggal %s bukan hari libur %s", r->date, org.code);
            goto out;
        }
        /* a national holiday leaves every organisation's calendar */
        scope = s_national(existing) ? 0 : org.id;
        if (db_holiday_remove(ctx->db, scope, r->date, &changed) != 0) {
            cmd_db_failed(ctx, "remove holiday");
            goto out;
        }
        strbuf_printf(&ctx->detail, "removed holiday %s (%s)", r->date, existing);
    } else {
        if (db_holiday_put(ctx->db, scope, r->date, kind, r->name, &changed) != 0) {
            cmd_db_failed(ctx, "add holiday");
            goto out;
        }
        strbuf_printf(&ctx->detail, "holiday %s %s \"%s\"", r->date, kind, r->name);
    }
    if (s_changed(ctx, scope, &org, changed))
        cmd_reply(ctx, LKIP__STATUS__OK, "ok", "%s %s %s; %d tenggat terbuka dihitung ulang",
                  r->remove ? "Hari libur" : "Hari libur", r->date,
                  r->remove ? "dihapus" : "disimpan", ctx->reply->calendar->deadlines_moved);
out:
    db_org_clear(&org);
}

void cmd_calendar_import(cmd_ctx_t *ctx)
{
    const Lkip__CalendarImportRequest *r = ctx->req->calendar_import;
    const char *kind = *r->kind ? r->kind : "libur_nasional";
    if (!cmd_check_field(ctx, "file_name", r->file_name, WIRE_MAX_TITLE, true))
        return;
    if (!holidays_kind_valid(kind)) {
        cmd_reply(ctx, LKIP__STATUS__BAD_REQUEST, "bad_kind", "Jenis libur \"%s\" tidak dikenal",
                  kind);
        return;
    }
    if (r->content.len == 0 || r->content.len > MAX_IMPORT) {
        cmd_reply(ctx, LKIP__STATUS__TOO_LARGE, "bad_file_size",
                  "Berkas kalender kosong atau terlalu besar (paling besar %d bita)", MAX_IMPORT);
        return;
    }
    const char *text = (const char *)r->content.data;
    db_org_t org = {0};
    holidays_t *im = NULL;
    if (!text_is_clean(text, r->content.len, false)) {
        cmd_reply(ctx, LKIP__STATUS__INVALID, "bad_encoding", "Berkas \"%s\" bukan teks UTF-8",
                  r->file_name);
        goto out;
    }
    if (!cmd_target_org(ctx, r->org_code, &org))
        goto out;
    size_t flen = strlen(r->file_name);
    bool ics = (flen > 4 && strcmp(r->file_name + flen - 4, ".ics") == 0) ||
               (r->content.len >= 15 && strncmp(text, "BEGIN:VCALENDAR", 15) == 0);
    im = holidays_parse(text, r->content.len, ics, kind);
    if (im->n_errors || im->n == 0) {
        cmd_reply(ctx, LKIP__STATUS__INVALID, "bad_calendar_file",
                  "Berkas \"%s\" ditolak%s; tidak ada yang disimpan:%s", r->file_name,
                  im->n_errors ? "" : " (tidak ada tanggal)", strbuf_str(&im->errors));
        goto out;
    }
    int changed = 0;
    bool national = false;
    for (int i = 0; i < im->n; i++) {
        national |= s_national(im->days[i].kind);
        if (db_holiday_put(ctx->db, s_national(im->days[i].kind) ? 0 : org.id, im->days[i].date,
                           im->days[i].kind, im->days[i].name, &changed) != 0) {
            cmd_db_failed(ctx, "import holidays");
            goto out;
        }
    }
    strbuf_printf(&ctx->detail, "imported %d holiday(s) from \"%s\"", im->n, r->file_name);
    if (s_changed(ctx, national ? 0 : org.id, &org, changed))
        cmd_reply(ctx, LKIP__STATUS__OK, "ok",
                  "%d tanggal dari \"%s\" dibaca, %d baru atau berubah; %d tenggat terbuka "
                  "dihitung ulang",
                  im->n, r->file_name, changed, ctx->reply->calendar->deadlines_moved);
out:
    holidays_destroy(&im);
    db_org_clear(&org);
}

/* Parses a week; false after replying. */
static bool s_week(cmd_ctx_t *ctx, const char *text, cal_week_t *week)
{
    char why[200];
    if (!cmd_check_field(ctx, "week", text, 1000, true))
        return false;
    if (weekspec_parse(text, week, why, sizeof why) != 0) {
        cmd_reply(ctx, LKIP__STATUS__BAD_REQUEST, "bad_hours", "Jam kerja \"%s\" tidak sah: %s",
                  text, why);
        return false;
    }
    return true;
}

void cmd_hours_set(cmd_ctx_t *ctx)
{
    const Lkip__HoursSetRequest *r = ctx->req->hours_set;
    cal_week_t week;
    db_org_t org = {0};
    if (!s_week(ctx, r->week, &week) || !cmd_target_org(ctx, r->org_code, &org))
        return;
    if (db_hours_set(ctx->db, org.id, &week) != 0) {
        cmd_db_failed(ctx, "set hours");
    } else {
        strbuf_printf(&ctx->detail, "working hours of %s: %s", org.code, r->week);
        if (s_changed(ctx, org.id, &org, 1))
            cmd_reply(ctx, LKIP__STATUS__OK, "ok",
                      "Jam kerja %s diperbarui; %d tenggat terbuka dihitung ulang", org.code,
                      ctx->reply->calendar->deadlines_moved);
    }
    db_org_clear(&org);
}

void cmd_period(cmd_ctx_t *ctx)
{
    const Lkip__PeriodRequest *r = ctx->req->period;
    db_org_t org = {0};
    if (!cmd_check_field(ctx, "name", r->name, WIRE_MAX_TITLE, true) ||
        !cmd_target_org(ctx, r->org_code, &org))
        return;
    if (r->remove) {
        bool found = false;
        if (db_period_remove(ctx->db, org.id, r->name, &found) != 0)
            cmd_db_failed(ctx, "remove period");
        else if (!found)
            cmd_reply(ctx, LKIP__STATUS__NOT_FOUND, "unknown_period",
                      "Periode khusus \"%s\" tidak ada", r->name);
        else {
            strbuf_printf(&ctx->detail, "removed period \"%s\"", r->name);
            if (s_changed(ctx, org.id, &org, 1))
                cmd_reply(ctx, LKIP__STATUS__OK, "ok",
                          "Periode \"%s\" dihapus; %d tenggat terbuka dihitung ulang", r->name,
                          ctx->reply->calendar->deadlines_moved);
        }
        db_org_clear(&org);
        return;
    }
    cal_day_t first, last;
    cal_week_t week;
    if (cal_parse_date(r->first, &first) != 0 || cal_parse_date(r->last, &last) != 0) {
        cmd_reply(ctx, LKIP__STATUS__BAD_REQUEST, "bad_date",
                  "Tanggal periode \"%s\" s.d. \"%s\" tidak sah (TTTT-BB-HH)", r->first, r->last);
    } else if (last < first) {
        cmd_reply(ctx, LKIP__STATUS__BAD_REQUEST, "bad_range",
                  "Tanggal akhir %s sebelum tanggal awal %s", r->last, r->first);
    } else if (s_week(ctx, r->week, &week)) {
        char *overlap = NULL;
        bool taken = false;
        if (db_period_add(ctx->db, org.id, r->name, r->first, r->last, &week, &overlap, &taken) !=
            0)
            cmd_db_failed(ctx, "add period");
        else if (overlap)
            cmd_reply(ctx, LKIP__STATUS__CONFLICT, "period_overlap",
                      "Periode %s s.d. %s bertumpang tindih dengan periode \"%s\"", r->first,
                      r->last, overlap);
        else if (taken)
            cmd_reply(ctx, LKIP__STATUS__CONFLICT, "period_exists", "Periode \"%s\" sudah ada",
                      r->name);
        else {
            strbuf_printf(&ctx->detail, "period \"%s\" %s..%s: %s", r->name, r->first, r->last,
                          r->week);
            if (s_changed(ctx, org.id, &org, 1))
                cmd_reply(ctx, LKIP__STATUS__OK, "ok",
                          "Periode \"%s\" disimpan; %d tenggat terbuka dihitung ulang", r->name,
                          ctx->reply->calendar->deadlines_moved);
        }
        free(overlap);
    }
    db_org_clear(&org);
}

/* The years of [from, due] without any loaded holiday, and a warning naming them. */
static void s_holiday_warning(const calendar_t *cal, cal_min_t from, cal_min_t due,
                              Lkip__CalendarDueReply *d)
{
    int y0, y1, m, day;
    cal_civil_from_days((cal_day_t)(from / CAL_MINUTES_PER_DAY), &y0, &m, &day);
    cal_civil_from_days((cal_day_t)(due / CAL_MINUTES_PER_DAY), &y1, &m, &day);
    strbuf_t years = {0};
    for (int y = y0; y <= y1 && y - y0 < 20; y++) {
        if (calendar_year_has_holidays(cal, y))
            continue;
        d->years_without_holidays =
            xrealloc(d->years_without_holidays,
                     (d->n_years_without_holidays + 1) * sizeof *d->years_without_holidays);
        d->years_without_holidays[d->n_years_without_holidays++] = y;
        strbuf_printf(&years, "%s%d", years.len ? ", " : "", y);
    }
    if (d->n_years_without_holidays)
        d->warning =
            xasprintf("Hari libur tahun %s belum dimuat: tenggat ini belum memperhitungkan "
                      "hari libur dan cuti bersama tahun itu (administrator mengimpornya "
                      "dengan lkip admin calendar import)",
                      years.data);
    else
        d->warning = xstrdup("");
    strbuf_free(&years);
}

void cmd_calendar_due(cmd_ctx_t *ctx)
{
    const Lkip__CalendarDueRequest *r = ctx->req->calendar_due;
    int64_t value;
    cal_unit_t unit;
    db_org_t org = {0};
    int prc = calendar_parse_duration(r->duration, &value, &unit);
    if (prc == -ERANGE) {
        cmd_reply(ctx, LKIP__STATUS__BAD_REQUEST, "bad_duration",
                  "Lama waktu \"%s\" di luar batas (paling lama %d hari, %d jam atau %d menit)",
                  r->duration, CAL_MAX_DURATION_DAYS, CAL_MAX_DURATION_DAYS * 24,
                  CAL_MAX_DURATION_DAYS * 24 * 60);
        return;
    }
    if (prc != 0) {
        cmd_reply(ctx, LKIP__STATUS__BAD_REQUEST, "bad_duration",
                  "Lama waktu \"%s\" tidak sah (mis. \"7 hari\", \"2 jam\", \"5 menit\")",
                  r->duration);
        return;
    }
    if (!cmd_target_org(ctx, r->org_code, &org))
        return;
    cal_min_t from, due;
    int version = 0;
    calendar_t *cal = db_calendar_load(ctx->db, org.id, &version);
    if (!cal) {
        cmd_db_failed(ctx, "load calendar");
    } else if (*r->from ? cal_parse_local(r->from, &from) != 0
                        : deadline_to_local(org.time_zone, ctx->now, &from) != 0) {
        cmd_reply(ctx, LKIP__STATUS__BAD_REQUEST, "bad_time",
                  "Waktu mulai \"%s\" tidak sah (tulis TTTT-BB-HH JJ:MM)", r->from);
    } else if (calendar_due(cal, from, value, unit, r->wall_clock, &due) != 0) {
        cmd_reply(ctx, LKIP__STATUS__CONFLICT, "no_working_time",
                  "Tidak ada waktu kerja di depan menurut kalender %s", org.code);
    } else {
        Lkip__CalendarDueReply *d = xmalloc(sizeof *d);
        lkip__calendar_due_reply__init(d);
        char buf[32];
        /* the start as counted: work given outside working time starts at the next working
         * start (calendar_due succeeded, so there is one) */
        cal_format_local(r->wall_clock ? from : calendar_next_working(cal, from), buf, sizeof buf);
        d->from = xstrdup(buf);
        cal_format_local(due, buf, sizeof buf);
        d->due = xstrdup(buf);
        d->time_zone = xstrdup(org.time_zone);
        d->working_minutes = calendar_working_minutes(cal, from, due);
        if (deadline_from_local(org.time_zone, due, &d->due_at) != 0)
            d->due_at = 0;
        s_holiday_warning(cal, from, due, d);
        ctx->reply->payload_case = LKIP__REPLY__PAYLOAD_DUE;
        ctx->reply->due = d;
        cmd_reply(ctx, LKIP__STATUS__OK, "ok", "Tenggat %s %s", d->due, org.time_zone);
    }
    calendar_destroy(&cal);
    db_org_clear(&org);
}

void cmd_clock_set(cmd_ctx_t *ctx)
{
    const Lkip__ClockSetRequest *r = ctx->req->clock_set;
    if (!timesrc_is_test(ctx->clock)) {
        cmd_reply(ctx, LKIP__STATUS__FORBIDDEN, "test_clock_disabled",
                  "Jam uji tidak aktif pada server ini");
        return;
    }
    if (r->now <= 0) {
        cmd_reply(ctx, LKIP__STATUS__BAD_REQUEST, "bad_time", "Waktu uji tidak sah");
        return;
    }
    char payload[24];
    snprintf(payload, sizeof payload, "%lld", (long long)r->now);
    db_params_t p = {0};
    db_param_str(&p, payload);
    if (db_clock_set(ctx->db, r->now) != 0 ||
        db_exec(ctx->db, "SELECT pg_notify('lkip_clock', $1)", &p) != 0) {
        cmd_db_failed(ctx, "set test clock");
        return;
    }
    timesrc_set(ctx->clock, r->now);
    strbuf_printf(&ctx->detail, "test clock set to %lld", (long long)r->now);
    cmd_reply(ctx, LKIP__STATUS__OK, "ok", "Jam uji disetel");
}
