/* test_letter — unit tests of letter: the two template styles of LKIP.md rendered exactly,
 * every month in Roman numerals, zero padding, the templates letter_check_template must
 * refuse (with the reason), and a buffer that is one byte too small. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "letter.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static void test_letter_classic_template(void **state)
{
    letter_fields_t f = {.kka = "050", .org = "DKIP", .seq = 12, .month = 2, .year = 2027};
    char out[64];
    assert_int_equal(
        letter_format("{kka}/{org}/{seq:03}/{month_roman}/{year}", &f, out, sizeof out), 0);
    assert_string_equal(out, "050/DKIP/012/II/2027");
}

static void test_letter_permendagri_83_2022(void **state)
{
    letter_fields_t f = {.kka = "000.8.3.3", .org = "DKIP", .seq = 15, .month = 7, .year = 2027};
    char out[64];
    assert_int_equal(letter_format("{kka}/{seq}/{org}", &f, out, sizeof out), 0);
    assert_string_equal(out, "000.8.3.3/15/DKIP");
}

static void test_letter_month_roman(void **state)
{
    static const char *const roman[12] = {"I",   "II",   "III", "IV", "V",  "VI",
                                          "VII", "VIII", "IX",  "X",  "XI", "XII"};
    for (int m = 1; m <= 12; m++) {
        letter_fields_t f = {.kka = "050", .org = "DKIP", .seq = 1, .month = m, .year = 2026};
        char out[64], want[64];
        assert_int_equal(letter_format("{seq}/{month_roman}", &f, out, sizeof out), 0);
        snprintf(want, sizeof want, "1/%s", roman[m - 1]);
        assert_string_equal(out, want);
    }
}

static void test_letter_month_number(void **state)
{
    letter_fields_t f = {.kka = "050", .org = "DKIP", .seq = 3, .month = 9, .year = 2026};
    char out[64];
    assert_int_equal(letter_format("{seq}-{month}-{year}", &f, out, sizeof out), 0);
    assert_string_equal(out, "3-9-2026");
    f.month = 12;
    assert_int_equal(letter_format("{seq}-{month}-{year}", &f, out, sizeof out), 0);
    assert_string_equal(out, "3-12-2026");
}

static void test_letter_padding(void **state)
{
    letter_fields_t f = {.kka = "050", .org = "DKIP", .seq = 7, .month = 1, .year = 2026};
    char out[64];
    assert_int_equal(letter_format("{seq:05}", &f, out, sizeof out), 0);
    assert_string_equal(out, "00007");
    assert_int_equal(letter_format("{seq:01}", &f, out, sizeof out), 0);
    assert_string_equal(out, "7");
    assert_int_equal(letter_format("{seq:09}", &f, out, sizeof out), 0);
    assert_string_equal(out, "000000007");
    /* a sequence wider than the padding is written whole, never cut */
    f.seq = 123456;
    assert_int_equal(letter_format("{seq:03}", &f, out, sizeof out), 0);
    assert_string_equal(out, "123456");
    /* text around placeholders is copied as it is */
    f.seq = 42;
    assert_int_equal(letter_format("B-{seq:04}/{org}.{kka} ({year})", &f, out, sizeof out), 0);
    assert_string_equal(out, "B-0042/DKIP.050 (2026)");
}

static void test_letter_check_accepts(void **state)
{
    static const char *const good[] = {
        "{kka}/{org}/{seq:03}/{month_roman}/{year}",
        "{kka}/{seq}/{org}",
        "{seq}",
        "{seq:01}",
        "{seq:09}",
        "{month}/{seq}",
    };
    for (size_t i = 0; i < ARRAY_LEN(good); i++) {
        char why[128] = "";
        if (letter_check_template(good[i], why, sizeof why) != 0)
            fail_msg("\"%s\" refused: %s", good[i], why);
    }
}

static void test_letter_check_refuses(void **state)
{
    static const struct {
        const char *tmpl;
        const char *why;
    } bad[] = {
        {"{kka}/{unit}/{seq}", "unknown placeholder {unit}"},
        {"{seq}/{Year}", "unknown placeholder {Year}"},
        {"{seq}/{}", "unknown placeholder {}"},
        {"{seq:0}", "unknown placeholder {seq:0}"},
        {"{seq:010}", "unknown placeholder {seq:010}"},
        {"{seq:00}", "unknown placeholder {seq:00}"},
        {"{seq:3}", "unknown placeholder {seq:3}"},
        {"{seq:0:}", "unknown placeholder {seq:0:}"},
        {"{seq:0x}", "unknown placeholder {seq:0x}"},
        {"{seq}/{year", "unbalanced '{'"},
        {"{seq}/{{year}}", "unbalanced '{'"},
        {"{seq}/year}", "unbalanced '}'"},
        {"}{seq}", "unbalanced '}'"},
        {"{kka}/{org}/{month_roman}/{year}", "template has no {seq}"},
        {"", "template has no {seq}"},
    };
    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        char why[128] = "";
        int rc = letter_check_template(bad[i].tmpl, why, sizeof why);
        if (rc != -EINVAL || !strstr(why, bad[i].why))
            fail_msg("\"%s\": expected -EINVAL with \"%s\", got %d \"%s\"", bad[i].tmpl, bad[i].why,
                     rc, why);
        /* letter_format refuses the same templates */
        letter_fields_t f = {.kka = "050", .org = "DKIP", .seq = 1, .month = 1, .year = 2026};
        char out[64];
        assert_int_equal(letter_format(bad[i].tmpl, &f, out, sizeof out), -EINVAL);
    }
}

static void test_letter_no_space(void **state)
{
    letter_fields_t f = {.kka = "050", .org = "DKIP", .seq = 12, .month = 2, .year = 2027};
    const char *tmpl = "{kka}/{org}/{seq:03}/{month_roman}/{year}";
    const size_t need = sizeof "050/DKIP/012/II/2027"; /* 21 with the NUL */
    char out[64];
    /* exactly enough */
    assert_int_equal(letter_format(tmpl, &f, out, need), 0);
    assert_string_equal(out, "050/DKIP/012/II/2027");
    /* one byte short: refused and the buffer left alone */
    memset(out, 'x', sizeof out);
    assert_int_equal(letter_format(tmpl, &f, out, need - 1), -ENOSPC);
    assert_int_equal(out[0], 'x');
    assert_int_equal(letter_format(tmpl, &f, out, 1), -ENOSPC);
    assert_int_equal(letter_format(tmpl, &f, out, 0), -ENOSPC);
    assert_int_equal(out[0], 'x');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_letter_classic_template),
        cmocka_unit_test(test_letter_permendagri_83_2022),
        cmocka_unit_test(test_letter_month_roman),
        cmocka_unit_test(test_letter_month_number),
        cmocka_unit_test(test_letter_padding),
        cmocka_unit_test(test_letter_check_accepts),
        cmocka_unit_test(test_letter_check_refuses),
        cmocka_unit_test(test_letter_no_space),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
