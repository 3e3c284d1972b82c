/* test_pk — the Perjanjian Kinerja parser: the sample PK/Renstra CSV with its years, a PK
 * workbook written with libxlsxwriter (numbers as numbers, a title above the header, an own
 * target column), the workbook LibreOffice made of the sample (tests/fixtures), the export read
 * back to the same PK, and bad files refused with every bad cell named ("PK!H3", "E4"). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "samples.h"
#include "xlsx_write.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pk_t *tp_parse(const char *text, int year)
{
    return pk_parse(text, strlen(text), year, ts_units, TS_N_UNITS);
}

static void tp_assert_no_errors(const pk_t *pk)
{
    for (int i = 0; i < pk->n_errors; i++)
        print_error("unexpected: %s [%s] %s: %s\n", pk->errors[i].ref, pk->errors[i].column_name,
                    pk->errors[i].code, pk->errors[i].reason);
    assert_int_equal(pk->n_errors, 0);
}

/* pk has an error at ref with code whose reason contains part. */
static void tp_assert_error(const pk_t *pk, const char *ref, const char *code, const char *part)
{
    for (int i = 0; i < pk->n_errors; i++)
        if (!strcmp(pk->errors[i].ref, ref) && !strcmp(pk->errors[i].code, code) &&
            strstr(pk->errors[i].reason, part))
            return;
    for (int i = 0; i < pk->n_errors; i++)
        print_error("got: %s [%s] %s: %s\n", pk->errors[i].ref, pk->errors[i].column_name,
                    pk->errors[i].code, pk->errors[i].reason);
    fail_msg("no error %s %s \"%s\"", ref, code, part);
}

/* The sample as the PK of 2026, whatever file it came from. */
static void tp_check_sample(const pk_t *pk)
{
    tp_assert_no_errors(pk);
    assert_int_equal(pk->n, 11);
    assert_int_equal(pk->year, 2026);
    assert_int_equal(pk->renstra_first, 2025);
    assert_int_equal(pk->renstra_last, 2029);
    assert_int_equal(pk->baseline_year, 2024);
    const pk_indicator_t *i = pk_find(pk, "SEK-01");
    assert_non_null(i);
    assert_string_equal(i->unit_code, "SEKRETARIAT");
    assert_string_equal(i->indikator, "Nilai SAKIP Perangkat Daerah");
    assert_string_equal(i->satuan, "nilai");
    assert_int_equal(i->dir, CAPAIAN_HIGHER);
    assert_true(i->target_lo == 70 && i->target_hi == 70);
    assert_string_equal(i->target_text, "70");
    assert_true(pk_year(i, 2024)->has_realisasi && pk_year(i, 2024)->realisasi == 64.2);
    assert_false(pk_year(i, 2024)->has_target);
    assert_true(pk_year(i, 2025)->has_realisasi && pk_year(i, 2025)->realisasi == 66.1);
    assert_true(pk_year(i, 2025)->has_target && pk_year(i, 2025)->target_lo == 67);
    assert_true(pk_year(i, 2029)->target_lo == 76);
    assert_false(pk_year(i, 2029)->has_realisasi);
    i = pk_find(pk, "apt-01"); /* codes compare without case */
    assert_non_null(i);
    assert_string_equal(i->unit_code, "APTIKA");
    assert_true(i->target_lo == 2.6);
    assert_string_equal(i->target_text, "2,6");
    assert_true(pk_year(i, 2028)->target_lo == 3.0);
    i = pk_find(pk, "SAN-02");
    assert_int_equal(i->dir, CAPAIAN_LOWER);
    assert_string_equal(i->unit_code, "PERSANDIAN");
    assert_true(pk_year(i, 2024)->realisasi == 9);
    assert_string_equal(pk->ind[10].code, "STA-02"); /* file order */
}

static void tp_sample_csv(void **state)
{
    (void)state;
    pk_t *pk = tp_parse(ts_pk_csv, 2026);
    tp_check_sample(pk);
    pk_destroy(&pk);
    /* the same file is the PK of 2027 too, with that year's targets */
    pk = tp_parse(ts_pk_csv, 2027);
    tp_assert_no_errors(pk);
    assert_true(pk_find(pk, "SEK-01")->target_lo == 72);
    pk_destroy(&pk);
    pk_destroy(&pk);
}

static void tp_bad_csv(void **state)
{
    (void)state;
    static const char bad[] =
        "kode;unit;sasaran;indikator;satuan;arah;rumus;target_2026;realisasi_2025\n"
        "A-1;Bidang IKP;S;I;%;naik;;8o;1\n"
        "A-1;Bidang Humas;S;I;%;miring;;80;1\n"
        "A 2;IKP;S;;%;naik;T/R;80 - 70;2,5\n"
        "A-3;IKP;S;I;%;turun;;;1.5\n";
    pk_t *pk = tp_parse(bad, 2026);
    tp_assert_error(pk, "H2", "bad_number", "\"8o\"");
    tp_assert_error(pk, "A3", "duplicate_code", "A-1");
    tp_assert_error(pk, "B3", "unknown_unit", "Bidang Humas");
    tp_assert_error(pk, "F3", "bad_direction", "miring");
    tp_assert_error(pk, "A4", "bad_code", "A 2");
    tp_assert_error(pk, "D4", "missing_value", "indikator");
    tp_assert_error(pk, "G4", "bad_formula", "T/R");
    tp_assert_error(pk, "H4", "bad_range", "80 - 70");
    tp_assert_error(pk, "H5", "missing_value", "target tahun 2026");
    tp_assert_error(pk, "", "mixed_number_format", "2,5");
    assert_int_equal(pk->n_errors, 10);
    /* the file-level error first, then the rows in order, each from left to right */
    assert_string_equal(pk->errors[0].code, "mixed_number_format");
    assert_string_equal(pk->errors[1].column_name, "target_2026");
    assert_int_equal(pk->errors[1].line, 2);
    assert_int_equal(pk->errors[1].column, 8);
    assert_string_equal(pk->errors[5].ref, "A4");
    assert_string_equal(pk->errors[6].ref, "D4");
    pk_destroy(&pk);

    /* no column for the year's target, a missing required column */
    pk = tp_parse("kode;unit;sasaran;indikator;arah;target_2025\nA;IKP;S;I;naik;1\n", 2026);
    tp_assert_error(pk, "", "missing_column", "\"satuan\"");
    tp_assert_error(pk, "", "missing_column", "target_2026");
    pk_destroy(&pk);
    pk = tp_parse("", 2026);
    tp_assert_error(pk, "", "no_header", "kosong");
    pk_destroy(&pk);
    pk = tp_parse("kode;unit;sasaran;indikator;satuan;arah;target\n", 2026);
    tp_assert_error(pk, "", "no_rows", "tidak berisi indikator");
    pk_destroy(&pk);
}

/* ---- workbooks ----------------------------------------------------------------------------- */

static char *tp_workbook(size_t *len, bool with_date)
{
    xlsx_write_t *w = xlsx_write_new();
    assert_non_null(w);
    lxw_workbook *wb = xlsx_write_book(w);
    lxw_worksheet *other = workbook_add_worksheet(wb, "Catatan");
    worksheet_write_string(other, 0, 0, "bukan PK", NULL);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "PK");
    lxw_format *date = workbook_add_format(wb);
    format_set_num_format(date, "d mmmm yyyy");
    worksheet_write_string(ws, 0, 0, "PERJANJIAN KINERJA 2026", NULL);
    static const char *const head[] = {"Kode",        "Unit",         "Sasaran", "Indikator",
                                       "Satuan",      "Arah",         "Target",  "Target_2026",
                                       "Target_2029", "Baseline_2024"};
    for (int c = 0; c < 10; c++)
        worksheet_write_string(ws, 2, (lxw_col_t)c, head[c], NULL);
    static const char *const text[] = {"IKP-01",     "IKP",    "Keterbukaan",
                                       "Indeks KIP", "indeks", "naik"};
    for (int c = 0; c < 6; c++)
        worksheet_write_string(ws, 3, (lxw_col_t)c, text[c], NULL);
    worksheet_write_number(ws, 3, 6, 81.5, NULL);
    worksheet_write_number(ws, 3, 7, 80, NULL);
    worksheet_write_string(ws, 3, 8, "85 - 90", NULL);
    worksheet_write_string(ws, 3, 9, "74,5", NULL);
    for (int c = 0; c < 6; c++)
        worksheet_write_string(ws, 4, (lxw_col_t)c, c == 0 ? "IKP-02" : text[c], NULL);
    lxw_datetime dt = {2026, 12, 31, 0, 0, 0};
    if (with_date)
        worksheet_write_datetime(ws, 4, 6, &dt, date);
    else
        worksheet_write_number(ws, 4, 6, 100, NULL);
    worksheet_write_boolean(ws, 4, 7, 1, NULL);
    worksheet_write_number(ws, 4, 8, -5, NULL);
    uint8_t *data;
    const char *why;
    assert_int_equal(xlsx_write_finish(&w, &data, len, &why), 0);
    return (char *)data;
}

static void tp_workbook_good_and_bad(void **state)
{
    (void)state;
    size_t len;
    char *data = tp_workbook(&len, false);
    pk_t *pk = pk_parse(data, len, 2026, ts_units, TS_N_UNITS);
    /* row 5 has a boolean in Target_2026 and a negative target */
    tp_assert_error(pk, "PK!H5", "bad_number", "TRUE");
    tp_assert_error(pk, "PK!I5", "negative_value", "-5");
    assert_int_equal(pk->n_errors, 2);
    assert_int_equal(pk->n, 1);
    const pk_indicator_t *i = pk_find(pk, "IKP-01");
    assert_true(i->target_lo == 81.5); /* the PK's own target wins over target_2026 */
    assert_string_equal(i->target_text, "81,5");
    assert_true(pk_year(i, 2026)->target_lo == 80);
    assert_true(pk_year(i, 2029)->target_lo == 85 && pk_year(i, 2029)->target_hi == 90);
    assert_true(pk_year(i, 2024)->realisasi == 74.5); /* text through the number parser */
    pk_destroy(&pk);
    free(data);

    data = tp_workbook(&len, true);
    pk = pk_parse(data, len, 2026, ts_units, TS_N_UNITS);
    tp_assert_error(pk, "PK!G5", "date_not_number", "tanggal");
    pk_destroy(&pk);
    free(data);

    /* not a workbook at all, though it starts like one */
    pk = pk_parse("PK\x03\x04 rusak", 12, 2026, ts_units, TS_N_UNITS);
    tp_assert_error(pk, "", "not_xlsx", "ZIP");
    pk_destroy(&pk);
}

static void tp_export_round_trip(void **state)
{
    (void)state;
    pk_t *pk = tp_parse(ts_pk_csv, 2026);
    uint8_t *data;
    size_t len;
    const char *why;
    assert_int_equal(pk_write_xlsx(pk, "Dinas Kominfo", 3, &data, &len, &why), 0);
    pk_t *back = pk_parse(data, len, 2026, ts_units, TS_N_UNITS);
    tp_check_sample(back);
    for (int k = 0; k < pk->n; k++) {
        const pk_indicator_t *a = &pk->ind[k], *b = &back->ind[k];
        assert_string_equal(a->code, b->code);
        assert_string_equal(a->unit_code, b->unit_code);
        assert_string_equal(a->sasaran, b->sasaran);
        assert_string_equal(a->target_text, b->target_text);
        assert_int_equal(a->n_years, b->n_years);
        for (int y = 0; y < a->n_years; y++) {
            assert_int_equal(a->years[y].year, b->years[y].year);
            assert_int_equal(a->years[y].has_target, b->years[y].has_target);
            assert_true(a->years[y].target_lo == b->years[y].target_lo);
            assert_int_equal(a->years[y].has_realisasi, b->years[y].has_realisasi);
            assert_true(a->years[y].realisasi == b->years[y].realisasi);
        }
    }
    pk_destroy(&back);
    pk_destroy(&pk);
    free(data);
}

/* The sample converted by LibreOffice Calc (tests/fixtures/make-fixtures.sh). */
static void tp_libreoffice_fixture(void **state)
{
    (void)state;
    const char *src = getenv("LKIP_SRCDIR");
    char *path = xasprintf("%s/tests/fixtures/pk-2026-libreoffice.xlsx", src ? src : ".");
    char *data;
    size_t len;
    assert_int_equal(read_file(path, 1024 * 1024, &data, &len), 0);
    free(path);
    pk_t *pk = pk_parse(data, len, 2026, ts_units, TS_N_UNITS);
    tp_check_sample(pk);
    pk_destroy(&pk);
    free(data);
}

static void tp_period_year(void **state)
{
    (void)state;
    assert_int_equal(pk_period_year("2026"), 2026);
    assert_int_equal(pk_period_year("2026-2"), 2026);
    assert_int_equal(pk_period_year("2026/II"), 2026);
    assert_int_equal(pk_period_year("20261"), 0);
    assert_int_equal(pk_period_year("pegawai-17"), 0);
    assert_int_equal(pk_period_year("1999"), 0);
    assert_int_equal(pk_period_year(""), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tp_sample_csv),
        cmocka_unit_test(tp_bad_csv),
        cmocka_unit_test(tp_workbook_good_and_bad),
        cmocka_unit_test(tp_export_round_trip),
        cmocka_unit_test(tp_libreoffice_fixture),
        cmocka_unit_test(tp_period_year),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
