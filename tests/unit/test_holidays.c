/* test_holidays — unit tests of daemon/holidays.c, the holiday files an administrator imports:
 * the CSV lkip ships (data/holidays-2026.csv), separators, a byte-order mark and CRLF, refused
 * lines each named, iCalendar events over several days, and refused events. The database side
 * is in test_deadlines. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "holidays.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parses text (a C string) and checks the count of days and of errors. Caller destroys. */
static holidays_t *s_parse(const char *text, bool ics, int days, int errors)
{
    holidays_t *h = holidays_parse(text, strlen(text), ics, "libur_nasional");
    assert_non_null(h);
    if (h->n != days || h->n_errors != errors)
        fail_msg("%d days and %d errors, expected %d and %d:%s", h->n, h->n_errors, days, errors,
                 strbuf_str(&h->errors));
    return h;
}

static void test_csv_shipped_file(void **state)
{
    const char *src = getenv("LKIP_SRCDIR");
    char *path = xasprintf("%s/data/holidays-2026.csv", src && *src ? src : ".");
    char *text;
    size_t len;
    assert_int_equal(read_file(path, 1024 * 1024, &text, &len), 0);
    free(path);
    holidays_t *h = holidays_parse(text, len, false, "libur_nasional");
    free(text);
    assert_int_equal(h->n_errors, 0);
    assert_true(h->n > 20);
    assert_string_equal(h->days[0].date, "2026-01-01");
    assert_string_equal(h->days[0].kind, "libur_nasional");
    assert_string_equal(h->days[0].name, "Tahun Baru 2026 Masehi");
    holidays_destroy(&h);
    assert_null(h);
    holidays_destroy(&h);
    holidays_destroy(NULL);
}

static void test_csv_forms(void **state)
{
    /* a byte-order mark, CRLF, ';' and a header */
    holidays_t *h = s_parse("\xef\xbb\xbf"
                            "date;kind;name\r\n2026-08-17;libur_nasional;Hari Kemerdekaan\r\n"
                            "\r\n2026-06-15;libur_lokal;Hari Jadi Kota\r\n",
                            false, 2, 0);
    assert_string_equal(h->days[0].date, "2026-08-17");
    assert_string_equal(h->days[0].name, "Hari Kemerdekaan");
    assert_string_equal(h->days[1].kind, "libur_lokal");
    holidays_destroy(&h);
    /* a name may hold the other separator */
    h = s_parse("2026-12-25,libur_nasional,Hari Raya Natal; ibadah\n"
                "2026-08-17;libur_nasional;Hari Kemerdekaan, HUT RI\n",
                false, 2, 0);
    assert_string_equal(h->days[0].name, "Hari Raya Natal; ibadah");
    assert_string_equal(h->days[1].name, "Hari Kemerdekaan, HUT RI");
    holidays_destroy(&h);
}

static int s_count_lines(const char *text)
{
    int n = 0;
    for (const char *p = strchr(text, '\n'); p; p = strchr(p + 1, '\n'))
        n++;
    return n;
}

static void test_csv_refusals(void **state)
{
    holidays_t *h = s_parse("date,kind,name\n"
                            "2026-02-30,libur_nasional,Tidak ada\n"
                            "2026-03-01,libur_besar,Jenis salah\n"
                            "2026-03-02,cuti_bersama,\n"
                            "2026-03-03 tanpa pemisah\n"
                            "2026-03-04,libur_nasional,Baik\n",
                            false, 1, 4);
    const char *e = strbuf_str(&h->errors);
    assert_non_null(strstr(e, "baris 2: tanggal \"2026-02-30\" tidak sah"));
    assert_non_null(strstr(e, "baris 3: jenis \"libur_besar\" tidak dikenal"));
    assert_non_null(strstr(e, "baris 4: nama hari libur kosong"));
    assert_non_null(strstr(e, "baris 5:"));
    holidays_destroy(&h);
    /* only the first problems are listed; all are counted */
    strbuf_t many = {0};
    for (int i = 0; i < 30; i++)
        strbuf_puts(&many, "salah\n");
    h = s_parse(strbuf_str(&many), false, 0, 30);
    assert_int_equal(s_count_lines(strbuf_str(&h->errors)), HOLIDAYS_MAX_LISTED);
    holidays_destroy(&h);
    strbuf_free(&many);
}

static void test_ics_events(void **state)
{
    holidays_t *h = s_parse("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//lkip//test//ID\r\n"
                            "BEGIN:VEVENT\r\nUID:a@lkip.test\r\nDTSTAMP:20260101T000000Z\r\n"
                            "DTSTART;VALUE=DATE:20271230\r\nDTEND;VALUE=DATE:20280102\r\n"
                            "SUMMARY:Akhir tahun\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
                            true, 3, 0);
    assert_string_equal(h->days[0].date, "2027-12-30");
    assert_string_equal(h->days[2].date, "2028-01-01");
    assert_string_equal(h->days[2].kind, "libur_nasional");
    assert_string_equal(h->days[2].name, "Akhir tahun");
    holidays_destroy(&h);
    /* not a calendar; no events; a repeating event */
    h = s_parse("ini bukan kalender", true, 0, 1);
    holidays_destroy(&h);
    h = s_parse("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", true, 0, 1);
    holidays_destroy(&h);
    h = s_parse("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20270402\r\n"
                "RRULE:FREQ=YEARLY\r\nSUMMARY:Ulang\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
                true, 0, 1);
    assert_non_null(strstr(strbuf_str(&h->errors), "RRULE"));
    holidays_destroy(&h);
    /* libical reads a signed year; a date "YYYY-MM-DD" cannot write is refused (found by
     * fuzz_holidays: "-0270401" gave the holiday "-027-04-01") */
    h = s_parse("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:-0270401T080000Z\r\n"
                "SUMMARY:Tahun negatif\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
                true, 0, 1);
    assert_non_null(strstr(strbuf_str(&h->errors), "tanggal tidak sah"));
    holidays_destroy(&h);
    h = s_parse("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20270401\r\n"
                "DTEND:-0270401T080000Z\r\nSUMMARY:Akhir negatif\r\nEND:VEVENT\r\n"
                "END:VCALENDAR\r\n",
                true, 0, 1);
    holidays_destroy(&h);
}

static void test_kinds(void **state)
{
    assert_true(holidays_kind_valid("libur_nasional"));
    assert_true(holidays_kind_valid("cuti_bersama"));
    assert_true(holidays_kind_valid("libur_lokal"));
    assert_false(holidays_kind_valid(""));
    assert_false(holidays_kind_valid("libur"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_shipped_file),
        cmocka_unit_test(test_csv_forms),
        cmocka_unit_test(test_csv_refusals),
        cmocka_unit_test(test_ics_events),
        cmocka_unit_test(test_kinds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
