/* holidays — reads the holiday files an administrator imports (lkip admin calendar import): a
 * CSV of "date,kind,name" lines (',' or ';', a header line first, as data/holidays-2026.csv) or
 * an iCalendar file (libical: every VEVENT's days from DTSTART to DTEND). Pure: no database;
 * cmd_calendar stores what it returns. Any thread. */
#ifndef LKIP_HOLIDAYS_H
#define LKIP_HOLIDAYS_H

#include "wire.h"

/* Most days one iCalendar file may add. */
#define HOLIDAYS_MAX_DAYS 2000
/* Problems listed in the errors text; more are only counted. */
#define HOLIDAYS_MAX_LISTED 20

typedef struct {
    char date[11];                 /* YYYY-MM-DD */
    char kind[16];                 /* libur_nasional, cuti_bersama or libur_lokal */
    char name[WIRE_MAX_TITLE + 1]; /* clean single-line UTF-8, never empty */
} holiday_t;

typedef struct {
    holiday_t *days; /* n entries, in file order */
    int n;
    int cap;         /* entries allocated */
    int n_errors;    /* problems found; the file is acceptable when 0 and n > 0 */
    strbuf_t errors; /* the first HOLIDAYS_MAX_LISTED problems, "\n  baris N: ..." each
                      * (Bahasa Indonesia) */
} holidays_t;

/* Parses text (len bytes) as iCalendar when ics, else as CSV. iCalendar events become holidays
 * of kind (which the caller has checked). Never returns NULL. Caller owns the result
 * (holidays_destroy). */
holidays_t *holidays_parse(const char *text, size_t len, bool ics, const char *kind);

/* Frees the result of holidays_parse and nulls the pointer; accepts NULL. */
void holidays_destroy(holidays_t **self_p);

/* True for the kinds of holiday lkip knows: libur_nasional, cuti_bersama, libur_lokal. */
bool holidays_kind_valid(const char *kind);

#endif
