/* test_unitfmt — the unit's XLSX format: what is written (read back with xlsx_read: locked
 * pre-filled PK columns, unlocked input columns, protection without a password, the hidden
 * sheet; and in the XML itself: sheetProtection, the locked="0" styles, dataValidations), a
 * filled format read into unit data with the explanations, a LibreOffice-saved format
 * (tests/fixtures), and every refusal: another unit or instance (both named), an older PK
 * version, a changed locked cell (the PK's value named), a date and a word where numbers
 * belong, a missing realisasi, an added row, a moved column, not a format at all. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "samples.h"
#include "unitfmt.h"
#include "xlsx_read.h"
#include "xlsx_write.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

/* The IKP rows of data/contoh-data-kinerja-2026.csv, with explanations added. */
static const char tf_ikp_csv[] =
    "kode;indikator;sasaran;satuan;arah;target;realisasi;pagu;realisasi_anggaran;penjelasan;"
    "faktor_pendukung;faktor_penghambat;upaya\n"
    "IKP-01;Indeks Keterbukaan Informasi Publik;Meningkatnya keterbukaan informasi publik;"
    "indeks;naik;80;84,2;1.200.000.000;1.134.500.000;Portal PPID diperbarui;Dukungan "
    "pimpinan;Jaringan di kelurahan;Pelatihan admin PPID\n"
    "IKP-02;Persentase informasi publik yang dipublikasikan;Meningkatnya keterbukaan informasi "
    "publik;%;naik;100;96;;;;;;\n";

static const unitfmt_meta_t tf_meta = {
    .instance_id = 7,
    .instance_ref = "LKIP/2026",
    .org_code = "DKIP",
    .org_name = "Dinas Komunikasi, Informatika dan Persandian Kota Gorontalo",
    .unit_code = "IKP",
    .unit_name = "Bidang Informasi dan Komunikasi Publik",
    .year = 2026,
    .pk_version = 1,
    .format_id = "F-7-IKP-0001",
    .due = "Kam, 10 Des 2026 10:00 WITA",
};

static const unitfmt_expect_t tf_expect = {7, "LKIP/2026", "IKP", 1};

static pk_t *tf_pk(void)
{
    pk_t *pk = pk_parse(ts_pk_csv, strlen(ts_pk_csv), 2026, ts_units, TS_N_UNITS);
    assert_int_equal(pk->n_errors, 0);
    return pk;
}

static uint8_t *tf_write(const pk_t *pk, const unitfmt_meta_t *m, const unitdata_t *values,
                         size_t *len)
{
    uint8_t *data;
    const char *why;
    assert_int_equal(unitfmt_write(m, pk, values, &data, len, &why), 0);
    return data;
}

static unitdata_t *tf_values(void)
{
    unitdata_t *v = unitdata_parse(tf_ikp_csv, strlen(tf_ikp_csv));
    assert_int_equal(v->n_errors, 0);
    return v;
}

static void tf_print_errors(const unitdata_t *ud)
{
    for (int i = 0; i < ud->n_errors; i++)
        print_error("  %s [%s] %s: %s\n", ud->errors[i].ref, ud->errors[i].column_name,
                    ud->errors[i].code, ud->errors[i].reason);
}

/* ud has an error at ref (or a file-level one when ref is "") with code and part. */
static void tf_assert_error(const unitdata_t *ud, const char *ref, const char *code,
                            const char *part)
{
    for (int i = 0; i < ud->n_errors; i++)
        if (!strcmp(ud->errors[i].ref, ref) && !strcmp(ud->errors[i].code, code) &&
            strstr(ud->errors[i].reason, part))
            return;
    tf_print_errors(ud);
    fail_msg("no error %s %s \"%s\"", ref, code, part);
}

/* ---- what is written ---------------------------------------------------------------------- */

static void tf_written_format(void **state)
{
    (void)state;
    pk_t *pk = tf_pk();
    assert_int_equal(unitfmt_rows(pk, "IKP"), 2);
    assert_int_equal(unitfmt_rows(pk, "APTIKA"), 3);
    size_t len;
    uint8_t *data = tf_write(pk, &tf_meta, NULL, &len);
    xlsx_t *x;
    const char *code;
    char *why;
    assert_int_equal(xlsx_open(data, len, NULL, &x, &code, &why), 0);
    assert_int_equal(xlsx_sheet_count(x), 3);
    assert_string_equal(xlsx_sheet_name(x, 0), "Data Kinerja");
    assert_string_equal(xlsx_sheet_name(x, 1), "Petunjuk");
    assert_string_equal(xlsx_sheet_name(x, 2), "lkip");
    xlsx_sheet_t *s;
    assert_int_equal(xlsx_read_sheet(x, "Data Kinerja", &s, &code, &why), 0);
    assert_true(s->is_protected);
    assert_false(s->has_password);
    assert_string_equal(xlsx_cell(s, 5, 8)->text, "Realisasi");
    assert_string_equal(xlsx_cell(s, 5, 14)->text, "Upaya / Rencana Tindak Lanjut");
    /* the PK's rows of IKP, locked */
    assert_string_equal(xlsx_cell(s, 6, 2)->text, "IKP-01");
    assert_string_equal(xlsx_cell(s, 6, 4)->text, "Indeks Keterbukaan Informasi Publik");
    assert_string_equal(xlsx_cell(s, 6, 6)->text, "naik");
    assert_int_equal(xlsx_cell(s, 6, 7)->kind, XLSX_NUMBER);
    assert_true(xlsx_cell(s, 6, 7)->num == 80);
    assert_true(xlsx_cell(s, 6, 2)->locked && xlsx_cell(s, 6, 7)->locked);
    assert_string_equal(xlsx_cell(s, 7, 2)->text, "IKP-02");
    assert_null(xlsx_cell(s, 8, 2)); /* nothing of other units */
    assert_null(xlsx_cell(s, 6, 8)); /* the input cells are empty */
    xlsx_sheet_destroy(&s);
    assert_int_equal(xlsx_read_sheet(x, "Petunjuk", &s, &code, &why), 0);
    assert_non_null(strstr(xlsx_cell(s, 3, 1)->text, "Bidang Informasi dan Komunikasi Publik"));
    assert_non_null(strstr(xlsx_cell(s, 9, 1)->text, "lkip submit"));
    xlsx_sheet_destroy(&s);
    assert_int_equal(xlsx_read_sheet(x, "lkip", &s, &code, &why), 0);
    assert_true(s->hidden && s->is_protected);
    assert_string_equal(xlsx_cell(s, 3, 2)->text, "F-7-IKP-0001");
    assert_true(xlsx_cell(s, 4, 2)->num == 7);
    assert_string_equal(xlsx_cell(s, 7, 2)->text, "IKP");
    assert_true(xlsx_cell(s, 9, 2)->num == 1);
    xlsx_sheet_destroy(&s);
    xlsx_destroy(&x);

    /* the XML: protection without a password, unlocked styles for the inputs, validations */
    char *sheet = ts_zip_part(data, len, "xl/worksheets/sheet1.xml");
    assert_non_null(strstr(sheet, "<sheetProtection sheet=\"1\""));
    assert_null(strstr(sheet, "password="));
    assert_non_null(strstr(sheet, "<dataValidations count=\"3\">"));
    assert_non_null(strstr(sheet, "sqref=\"H6:H7\""));
    assert_non_null(strstr(sheet, "type=\"decimal\" operator=\"greaterThanOrEqual\""));
    assert_non_null(strstr(sheet, "sqref=\"I6:J7\"><formula1>0</formula1>"));
    assert_non_null(strstr(sheet, "type=\"textLength\""));
    assert_non_null(strstr(sheet, "sqref=\"K6:N7\""));
    char *styles = ts_zip_part(data, len, "xl/styles.xml");
    assert_non_null(strstr(styles, "<protection locked=\"0\"/>"));
    assert_non_null(strstr(styles, "FFFFF2CC")); /* the shading of the inputs */
    char *wb = ts_zip_part(data, len, "xl/workbook.xml");
    assert_non_null(strstr(wb, "name=\"lkip\" sheetId=\"3\" state=\"hidden\""));
    free(sheet);
    free(styles);
    free(wb);
    free(data);
    pk_destroy(&pk);
}

/* ---- reading it back ---------------------------------------------------------------------- */

static void tf_filled_read_back(void **state)
{
    (void)state;
    pk_t *pk = tf_pk();
    unitdata_t *values = tf_values();
    size_t len;
    uint8_t *data = tf_write(pk, &tf_meta, values, &len);
    unitfmt_info_t info;
    unitdata_t *ud = unitfmt_read(data, len, &tf_expect, pk, &info);
    tf_print_errors(ud);
    assert_int_equal(ud->n_errors, 0);
    assert_string_equal(info.format_id, "F-7-IKP-0001");
    assert_int_equal(info.instance_id, 7);
    assert_string_equal(info.instance_ref, "LKIP/2026");
    assert_int_equal(info.pk_version, 1);
    assert_int_equal(ud->n_rows, 2);
    const unitdata_row_t *r = &ud->rows[0];
    assert_int_equal(r->line, 6);
    assert_string_equal(r->code, "IKP-01");
    assert_string_equal(r->unit, "IKP");
    assert_string_equal(r->indikator, "Indeks Keterbukaan Informasi Publik");
    assert_true(r->target_lo == 80 && r->target_hi == 80);
    assert_true(r->realisasi == 84.2);
    assert_string_equal(r->realisasi_text, "84,2");
    assert_true(r->has_pagu && r->pagu == 1200000000.0);
    assert_true(r->has_realisasi_anggaran && r->realisasi_anggaran == 1134500000.0);
    assert_string_equal(r->penjelasan, "Portal PPID diperbarui");
    assert_string_equal(r->faktor_pendukung, "Dukungan pimpinan");
    assert_string_equal(r->faktor_penghambat, "Jaringan di kelurahan");
    assert_string_equal(r->upaya, "Pelatihan admin PPID");
    assert_false(ud->rows[1].has_pagu);
    assert_string_equal(ud->rows[1].penjelasan, "");
    unitdata_destroy(&ud);
    unitfmt_info_clear(&info);
    free(data);

    /* a blank format: every realisasi is missing */
    data = tf_write(pk, &tf_meta, NULL, &len);
    ud = unitfmt_read(data, len, &tf_expect, pk, NULL);
    tf_assert_error(ud, "Data Kinerja!H6", "missing_value", "IKP-01");
    tf_assert_error(ud, "Data Kinerja!H7", "missing_value", "IKP-02");
    assert_int_equal(ud->n_errors, 2);
    assert_int_equal(ud->n_rows, 0);
    unitdata_destroy(&ud);
    free(data);
    unitdata_destroy(&values);
    pk_destroy(&pk);
}

static void tf_other_task(void **state)
{
    (void)state;
    pk_t *pk = tf_pk();
    unitdata_t *values = tf_values();
    size_t len;
    uint8_t *data = tf_write(pk, &tf_meta, values, &len);
    /* another unit and another instance: both named, nothing read */
    unitfmt_expect_t e = {9, "LKIP/2027", "STATISTIK", 1};
    unitdata_t *ud = unitfmt_read(data, len, &e, pk, NULL);
    tf_assert_error(ud, "", "other_instance", "LKIP/2026 (nomor 7), bukan untuk LKIP/2027");
    tf_assert_error(ud, "", "other_unit", "format unit IKP, bukan unit STATISTIK");
    assert_int_equal(ud->n_errors, 2);
    assert_int_equal(ud->n_rows, 0);
    unitdata_destroy(&ud);
    /* a format of an older PK version */
    e = (unitfmt_expect_t){7, "LKIP/2026", "IKP", 2};
    ud = unitfmt_read(data, len, &e, pk, NULL);
    tf_assert_error(ud, "", "old_format", "versi 1");
    unitdata_destroy(&ud);
    free(data);
    unitdata_destroy(&values);
    pk_destroy(&pk);
}

static void tf_locked_cell_changed(void **state)
{
    (void)state;
    pk_t *pk = tf_pk();
    unitdata_t *values = tf_values();
    /* the same format with two PK cells changed, as a user who unprotected the sheet would */
    pk_t *edited = tf_pk();
    pk_indicator_t *ind = (pk_indicator_t *)pk_find(edited, "IKP-01");
    ind->target_lo = ind->target_hi = 75;
    free(ind->indikator);
    ind->indikator = xstrdup("Indeks KIP (diubah)");
    size_t len;
    uint8_t *data = tf_write(edited, &tf_meta, values, &len);
    unitdata_t *ud = unitfmt_read(data, len, &tf_expect, pk, NULL);
    tf_assert_error(ud, "Data Kinerja!G6", "locked_cell_changed",
                    "tertulis \"75\", padahal nilai Perjanjian Kinerja \"80\"");
    tf_assert_error(ud, "Data Kinerja!D6", "locked_cell_changed",
                    "\"Indeks Keterbukaan Informasi Publik\"");
    assert_int_equal(ud->n_errors, 2);
    assert_int_equal(ud->n_rows, 1); /* IKP-02 was fine; the whole file is refused anyway */
    unitdata_destroy(&ud);
    free(data);
    pk_destroy(&edited);
    unitdata_destroy(&values);
    pk_destroy(&pk);
}

/* tf_by_hand: the IKP format returned with bad cells (samples.h), for instance 7. */
static uint8_t *tf_by_hand(const pk_t *pk, bool move_title, bool with_meta, size_t *len)
{
    ts_hand_t o = {.move_title = move_title,
                   .extra_row = true,
                   .with_meta = with_meta,
                   .instance_id = 7,
                   .instance_ref = "LKIP/2026",
                   .format_id = "F-7-IKP-0001"};
    return ts_format_by_hand(pk, &o, len);
}

static void tf_bad_cells(void **state)
{
    (void)state;
    pk_t *pk = tf_pk();
    size_t len;
    uint8_t *data = tf_by_hand(pk, false, true, &len);
    unitdata_t *ud = unitfmt_read(data, len, &tf_expect, pk, NULL);
    tf_assert_error(ud, "Data Kinerja!H6", "date_not_number", "tanggal");
    tf_assert_error(ud, "Data Kinerja!I6", "bad_number", "\"satu milyar\"");
    tf_assert_error(ud, "Data Kinerja!B8", "extra_row", "Perjanjian Kinerja");
    assert_int_equal(ud->n_errors, 3);
    assert_int_equal(ud->n_rows, 1);
    assert_true(ud->rows[0].realisasi == 96.5);
    assert_string_equal(ud->rows[0].realisasi_text, "96,5");
    unitdata_destroy(&ud);
    free(data);

    data = tf_by_hand(pk, true, true, &len);
    ud = unitfmt_read(data, len, &tf_expect, pk, NULL);
    tf_assert_error(ud, "Data Kinerja!I5", "layout_changed",
                    "\"Catatan\", seharusnya \"Pagu (Rp)\"");
    assert_int_equal(ud->n_errors, 1);
    unitdata_destroy(&ud);
    free(data);

    data = tf_by_hand(pk, false, false, &len);
    ud = unitfmt_read(data, len, &tf_expect, pk, NULL);
    tf_assert_error(ud, "", "not_a_format", "lkip format download");
    assert_int_equal(ud->n_errors, 1);
    unitdata_destroy(&ud);
    free(data);

    static const char csv[] = "unit;indikator\n";
    ud = unitfmt_read(csv, sizeof csv - 1, &tf_expect, pk, NULL);
    tf_assert_error(ud, "", "not_xlsx", ".xlsx");
    unitdata_destroy(&ud);
    assert_true(unitfmt_is_workbook("PK\x03\x04", 4));
    assert_false(unitfmt_is_workbook(csv, sizeof csv - 1));
    pk_destroy(&pk);
}

/* The format filled by build/lkip-fill and saved by LibreOffice Calc
 * (tests/fixtures/make-fixtures.sh): instance 7, LKIP/2026, unit IKP, PK version 1. */
static void tf_libreoffice_fixture(void **state)
{
    (void)state;
    const char *src = getenv("LKIP_SRCDIR");
    char *path = xasprintf("%s/tests/fixtures/format-ikp-libreoffice.xlsx", src ? src : ".");
    char *data;
    size_t len;
    assert_int_equal(read_file(path, 1024 * 1024, &data, &len), 0);
    free(path);
    char *app = ts_zip_part((const uint8_t *)data, len, "docProps/app.xml"); /* who saved it */
    assert_non_null(strstr(app, "LibreOffice"));
    free(app);
    pk_t *pk = tf_pk();
    unitfmt_info_t info;
    unitdata_t *ud = unitfmt_read(data, len, &tf_expect, pk, &info);
    tf_print_errors(ud);
    assert_int_equal(ud->n_errors, 0);
    assert_string_equal(info.format_id, "fixture-ikp-2026");
    assert_int_equal(ud->n_rows, 2);
    assert_true(ud->rows[0].realisasi == 84.2);
    assert_true(ud->rows[0].pagu == 1200000000.0);
    assert_true(ud->rows[1].realisasi == 96);
    assert_string_equal(ud->rows[0].penjelasan, "Portal PPID diperbarui");
    unitdata_destroy(&ud);
    unitfmt_info_clear(&info);
    pk_destroy(&pk);
    free(data);
}

/* The same workbook saved by Calc with a password: refused as encrypted. */
static void tf_encrypted_fixture(void **state)
{
    (void)state;
    const char *src = getenv("LKIP_SRCDIR");
    char *path = xasprintf("%s/tests/fixtures/format-ikp-encrypted.xlsx", src ? src : ".");
    char *data;
    size_t len;
    assert_int_equal(read_file(path, 1024 * 1024, &data, &len), 0);
    free(path);
    pk_t *pk = tf_pk();
    unitdata_t *ud = unitfmt_read(data, len, &tf_expect, pk, NULL);
    tf_assert_error(ud, "", "encrypted", "kata sandi");
    assert_int_equal(ud->n_errors, 1);
    unitdata_destroy(&ud);
    pk_destroy(&pk);
    free(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tf_written_format),    cmocka_unit_test(tf_filled_read_back),
        cmocka_unit_test(tf_other_task),        cmocka_unit_test(tf_locked_cell_changed),
        cmocka_unit_test(tf_bad_cells),         cmocka_unit_test(tf_libreoffice_fixture),
        cmocka_unit_test(tf_encrypted_fixture),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
