/* test_idfmt — Indonesian number, percent, rupiah and date formats, rounding edges included. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "idfmt.h"

#include <math.h>

static void ti_numbers(void **state)
{
    (void)state;
    char b[64];
    assert_string_equal(idfmt_number(1234.56, 2, b, sizeof b), "1.234,56");
    assert_string_equal(idfmt_number(0, 2, b, sizeof b), "0,00");
    assert_string_equal(idfmt_number(999.999, 2, b, sizeof b), "1.000,00");
    assert_string_equal(idfmt_number(-1234.5, 1, b, sizeof b), "-1.234,5");
    assert_string_equal(idfmt_number(-0.001, 2, b, sizeof b), "0,00");
    assert_string_equal(idfmt_number(1134500000, 0, b, sizeof b), "1.134.500.000");
    assert_string_equal(idfmt_number(NAN, 2, b, sizeof b), "-");
    assert_string_equal(idfmt_number_trim(2.60, 2, b, sizeof b), "2,6");
    assert_string_equal(idfmt_number_trim(80, 2, b, sizeof b), "80");
    assert_string_equal(idfmt_number_trim(84.25, 2, b, sizeof b), "84,25");
    assert_string_equal(idfmt_number_trim(1000.5, 3, b, sizeof b), "1.000,5");
}

static void ti_percent_rupiah(void **state)
{
    (void)state;
    char b[64];
    assert_string_equal(idfmt_percent(97.857142857, b, sizeof b), "97,86%");
    assert_string_equal(idfmt_percent(105.25, b, sizeof b), "105,25%");
    assert_string_equal(idfmt_percent(INFINITY, b, sizeof b), "-");
    assert_string_equal(idfmt_rupiah(1134500000, b, sizeof b), "Rp 1.134.500.000");
    char small[6];
    assert_string_equal(idfmt_number(1234567, 0, small, sizeof small), "1.234");
}

static void ti_dates(void **state)
{
    (void)state;
    char b[64];
    assert_string_equal(idfmt_date(2026, 12, 2, b, sizeof b), "2 Desember 2026");
    assert_string_equal(idfmt_date(2028, 2, 29, b, sizeof b), "29 Februari 2028");
    assert_string_equal(idfmt_date(2027, 2, 29, b, sizeof b), "-");
    assert_string_equal(idfmt_date(2027, 13, 1, b, sizeof b), "-");
    assert_string_equal(idfmt_month(8), "Agustus");
    assert_string_equal(idfmt_month(0), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ti_numbers),
        cmocka_unit_test(ti_percent_rupiah),
        cmocka_unit_test(ti_dates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
