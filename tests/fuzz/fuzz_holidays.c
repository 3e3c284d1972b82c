/* fuzz_holidays — the holiday importer (daemon/holidays.c: CSV, and iCalendar through libical)
 * on any bytes; the first byte picks the format. Properties: no crash, leak or undefined
 * behaviour; every holiday it returns has a date cal_parse_date reads, a kind lkip knows and a
 * clean one-line name within WIRE_MAX_TITLE; an iCalendar file adds at most HOLIDAYS_MAX_DAYS;
 * at most HOLIDAYS_MAX_LISTED problems are listed. */
#include "calendar.h"
#include "fuzz.h"
#include "holidays.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    bool ics = data[0] & 1;
    holidays_t *h = holidays_parse((const char *)data + 1, size - 1, ics, "cuti_bersama");
    FUZZ_CHECK(h != NULL && h->n >= 0 && h->n_errors >= 0);
    if (ics)
        FUZZ_CHECK(h->n <= HOLIDAYS_MAX_DAYS);
    for (int i = 0; i < h->n; i++) {
        const holiday_t *d = &h->days[i];
        cal_day_t day;
        FUZZ_CHECK(cal_parse_date(d->date, &day) == 0);
        FUZZ_CHECK(holidays_kind_valid(d->kind));
        size_t n = strlen(d->name);
        FUZZ_CHECK(n > 0 && n <= WIRE_MAX_TITLE && text_is_clean(d->name, n, true));
    }
    int lines = 0;
    for (const char *p = strchr(strbuf_str(&h->errors), '\n'); p; p = strchr(p + 1, '\n'))
        lines++;
    FUZZ_CHECK(lines <= HOLIDAYS_MAX_LISTED && lines <= h->n_errors);
    holidays_destroy(&h);
    return 0;
}
