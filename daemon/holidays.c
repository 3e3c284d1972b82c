/* holidays — see holidays.h. */
#include "holidays.h"

#include "calendar.h"

#include <libical/ical.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const s_kinds[] = {"libur_nasional", "cuti_bersama", "libur_lokal"};

bool holidays_kind_valid(const char *kind)
{
    for (size_t i = 0; i < ARRAY_LEN(s_kinds); i++)
        if (strcmp(kind, s_kinds[i]) == 0)
            return true;
    return false;
}

static void s_import_error(holidays_t *im, int line, const char *fmt, ...) PRINTF(3, 4);

static void s_import_error(holidays_t *im, int line, const char *fmt, ...)
{
    if (im->n_errors++ >= HOLIDAYS_MAX_LISTED)
        return;
    if (line)
        strbuf_printf(&im->errors, "\n  baris %d: ", line);
    else
        strbuf_puts(&im->errors, "\n  ");
    va_list ap;
    va_start(ap, fmt);
    strbuf_vprintf(&im->errors, fmt, ap);
    va_end(ap);
}

static void s_import_add(holidays_t *im, cal_day_t day, const char *kind, const char *name)
{
    if (im->n == im->cap) {
        im->cap = im->cap ? im->cap * 2 : 32;
        im->days = xrealloc(im->days, (size_t)im->cap * sizeof *im->days);
    }
    holiday_t *d = &im->days[im->n++];
    cal_format_date(day, d->date, sizeof d->date);
    snprintf(d->kind, sizeof d->kind, "%s", kind);
    snprintf(d->name, sizeof d->name, "%s", name);
}

/* "date,kind,name" (',' or ';'), a header line first, as shared/data/holidays-2026.csv. */
static void s_import_csv(holidays_t *im, char *text)
{
    int line = 0;
    for (char *save = NULL, *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        line++;
        size_t n = strlen(l);
        if (n && l[n - 1] == '\r')
            l[--n] = '\0';
        if (line == 1 && strncmp(l, "\xef\xbb\xbf", 3) == 0)
            l += 3;
        if (!*l || (line == 1 && strncmp(l, "date", 4) == 0))
            continue;
        /* the first separator after the date is the file's: a name may hold the other one */
        char sep = l[strcspn(l, ",;")] == ';' ? ';' : ',';
        char *a = strchr(l, sep);
        char *b = a ? strchr(a + 1, sep) : NULL;
        if (!a || !b) {
            s_import_error(im, line, "harus berisi tanggal%ckind%cnama", sep, sep);
            continue;
        }
        *a = *b = '\0';
        cal_day_t day;
        if (cal_parse_date(l, &day) != 0)
            s_import_error(im, line, "tanggal \"%s\" tidak sah", l);
        else if (!holidays_kind_valid(a + 1))
            s_import_error(im, line, "jenis \"%s\" tidak dikenal", a + 1);
        else if (!*(b + 1) || strlen(b + 1) > WIRE_MAX_TITLE ||
                 !text_is_clean(b + 1, strlen(b + 1), true))
            s_import_error(im, line, "nama hari libur kosong atau tidak sah");
        else
            s_import_add(im, day, a + 1, b + 1);
    }
}

/* Every VEVENT's days [DTSTART, DTEND) as holidays of kind, named by SUMMARY. */
static void s_import_ics(holidays_t *im, const char *text, const char *kind)
{
    icalcomponent *root = icalparser_parse_string(text);
    if (!root) {
        s_import_error(im, 0, "berkas iCalendar tidak dapat dibaca");
        return;
    }
    int events = 0;
    for (icalcomponent *ev = icalcomponent_get_first_component(root, ICAL_VEVENT_COMPONENT); ev;
         ev = icalcomponent_get_next_component(root, ICAL_VEVENT_COMPONENT)) {
        events++;
        const char *name = icalcomponent_get_summary(ev);
        struct icaltimetype start = icalcomponent_get_dtstart(ev);
        struct icaltimetype end = icalcomponent_get_dtend(ev);
        if (!name || !*name)
            name = "Hari libur";
        if (icalcomponent_get_first_property(ev, ICAL_RRULE_PROPERTY)) {
            s_import_error(im, 0, "acara \"%s\" berulang (RRULE); tuliskan tiap tanggalnya", name);
            continue;
        }
        if (icaltime_is_null_time(start)) {
            s_import_error(im, 0, "acara \"%s\" tidak memiliki DTSTART", name);
            continue;
        }
        /* libical reads "-0270401" as a year -27: dates lkip cannot write are refused */
        if (!cal_civil_valid(start.year, start.month, start.day) ||
            (!icaltime_is_null_time(end) && !cal_civil_valid(end.year, end.month, end.day))) {
            s_import_error(im, 0, "acara \"%s\" memiliki tanggal tidak sah", name);
            continue;
        }
        cal_day_t first = cal_days_from_civil(start.year, start.month, start.day);
        cal_day_t last = first;
        if (!icaltime_is_null_time(end)) {
            cal_day_t e = cal_days_from_civil(end.year, end.month, end.day);
            /* DTEND of an all-day event is exclusive */
            last = end.is_date ? e - 1 : e;
        }
        if (last < first || last - first > 366) {
            s_import_error(im, 0, "acara \"%s\" memiliki rentang tanggal tidak sah", name);
            continue;
        }
        if (!text_is_clean(name, strlen(name), true) || strlen(name) > WIRE_MAX_TITLE) {
            s_import_error(im, 0, "nama acara tidak sah");
            continue;
        }
        for (cal_day_t d = first; d <= last && im->n < HOLIDAYS_MAX_DAYS; d++)
            s_import_add(im, d, kind, name);
    }
    if (events == 0)
        s_import_error(im, 0, "berkas iCalendar tidak memuat acara (VEVENT)");
    icalcomponent_free(root);
}

holidays_t *holidays_parse(const char *text, size_t len, bool ics, const char *kind)
{
    holidays_t *im = xcalloc(1, sizeof *im);
    char *copy = xstrndup(text, len);
    if (ics)
        s_import_ics(im, copy, kind);
    else
        s_import_csv(im, copy);
    free(copy);
    return im;
}

void holidays_destroy(holidays_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free((*self_p)->days);
    strbuf_free(&(*self_p)->errors);
    free(*self_p);
    *self_p = NULL;
}
