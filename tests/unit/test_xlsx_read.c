/* test_xlsx_read — the XLSX reader on workbooks that libxlsxwriter writes here (shared strings,
 * inline strings from constant-memory mode, numbers, booleans, formulas by cached value, dates,
 * locked and unlocked styles, protection, hidden sheets), on archives made with libzip to be
 * hostile (too many entries, an entry that inflates past the cap, encrypted entries), and on
 * files that are no XLSX at all (text, an OLE compound file, a truncated archive). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "xlsx_read.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include <zip.h>

/* A temp file path for one workbook; caller frees. */
static char *tx_path(const char *name)
{
    const char *dir = getenv("TMPDIR");
    return xasprintf("%s/tx-%d-%s", dir && *dir ? dir : "/tmp", (int)getpid(), name);
}

/* Reads a written file back and removes it. */
static char *tx_slurp(char *path, size_t *len)
{
    char *data;
    assert_int_equal(read_file(path, 256u * 1024 * 1024, &data, len), 0);
    unlink(path);
    free(path);
    return data;
}

/* A workbook with every kind of value on "Data", a hidden sheet and a second one. */
static char *tx_workbook(bool constant_memory, size_t *len)
{
    char *path = tx_path(constant_memory ? "cm.xlsx" : "wb.xlsx");
    lxw_workbook_options opts = {.constant_memory = constant_memory};
    lxw_workbook *wb = workbook_new_opt(path, &opts);
    assert_non_null(wb);
    lxw_worksheet *data = workbook_add_worksheet(wb, "Data Kinerja");
    lxw_worksheet *meta = workbook_add_worksheet(wb, "meta");
    lxw_format *date = workbook_add_format(wb);
    format_set_num_format(date, "dd/mm/yyyy");
    lxw_format *open = workbook_add_format(wb);
    format_set_unlocked(open);
    lxw_format *pct = workbook_add_format(wb);
    format_set_num_format(pct, "0.00%");
    worksheet_write_string(data, 0, 0, "Indikator", NULL);
    worksheet_write_string(data, 0, 1, "Realisasi", NULL);
    worksheet_write_string(data, 1, 0, "Indeks \xe2\x80\x9cKIP\xe2\x80\x9d <&>", NULL);
    worksheet_write_number(data, 1, 1, 84.2, open);
    worksheet_write_boolean(data, 1, 2, 1, NULL);
    worksheet_write_formula_num(data, 1, 3, "=B2*2", NULL, 168.4);
    lxw_datetime dt = {2026, 3, 17, 0, 0, 0};
    worksheet_write_datetime(data, 1, 4, &dt, date);
    worksheet_write_number(data, 1, 5, 0.9786, pct);
    worksheet_write_string(data, 2, 0, "  spasi  ", NULL);
    worksheet_write_number(data, 2, 1, 1234567.5, NULL);
    worksheet_write_string(data, 99, 27, "jauh", NULL); /* AB100 */
    worksheet_protect(data, NULL, NULL);
    worksheet_write_string(meta, 0, 0, "format_id", NULL);
    worksheet_write_string(meta, 0, 1, "F-1", NULL);
    worksheet_hide(meta);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    return tx_slurp(path, len);
}

static void tx_check_values(const char *data, size_t len)
{
    xlsx_t *x;
    const char *code;
    char *why;
    assert_int_equal(xlsx_open(data, len, NULL, &x, &code, &why), 0);
    assert_int_equal(xlsx_sheet_count(x), 2);
    assert_string_equal(xlsx_sheet_name(x, 0), "Data Kinerja");
    assert_string_equal(xlsx_sheet_name(x, 1), "meta");
    xlsx_sheet_t *s;
    assert_int_equal(xlsx_read_sheet(x, "Data Kinerja", &s, &code, &why), 0);
    assert_true(s->is_protected);
    assert_false(s->has_password);
    assert_false(s->hidden);
    assert_int_equal(s->max_row, 100);
    assert_int_equal(s->max_col, 28);
    const xlsx_cell_t *c = xlsx_cell(s, 2, 1);
    assert_non_null(c);
    assert_int_equal(c->kind, XLSX_TEXT);
    assert_string_equal(c->text, "Indeks \xe2\x80\x9cKIP\xe2\x80\x9d <&>");
    assert_true(c->locked);
    c = xlsx_cell(s, 2, 2);
    assert_int_equal(c->kind, XLSX_NUMBER);
    assert_true(c->num == 84.2);
    assert_false(c->locked);
    c = xlsx_cell(s, 2, 3);
    assert_int_equal(c->kind, XLSX_BOOL);
    assert_true(c->num == 1);
    c = xlsx_cell(s, 2, 4);
    assert_int_equal(c->kind, XLSX_NUMBER);
    assert_true(c->formula);
    assert_true(c->num == 168.4);
    c = xlsx_cell(s, 2, 5);
    assert_int_equal(c->kind, XLSX_DATE);
    assert_true(c->num == 46098); /* 17 March 2026 as Excel's serial */
    c = xlsx_cell(s, 2, 6);
    assert_int_equal(c->kind, XLSX_NUMBER); /* a percent format is no date */
    c = xlsx_cell(s, 3, 1);
    assert_string_equal(c->text, "  spasi  ");
    assert_true(xlsx_cell(s, 3, 2)->num == 1234567.5);
    assert_string_equal(xlsx_cell(s, 100, 28)->text, "jauh");
    assert_null(xlsx_cell(s, 3, 3));
    xlsx_sheet_destroy(&s);
    assert_int_equal(xlsx_read_sheet(x, "meta", &s, &code, &why), 0);
    assert_true(s->hidden);
    assert_false(s->is_protected);
    assert_string_equal(xlsx_cell(s, 1, 2)->text, "F-1");
    xlsx_sheet_destroy(&s);
    assert_int_equal(xlsx_read_sheet(x, "PK", &s, &code, &why), -ENOENT);
    xlsx_destroy(&x);
    xlsx_destroy(&x); /* NULL is fine */
}

static void tx_values_shared_strings(void **state)
{
    (void)state;
    size_t len;
    char *data = tx_workbook(false, &len);
    tx_check_values(data, len);
    free(data);
}

static void tx_values_inline_strings(void **state)
{
    (void)state;
    size_t len;
    char *data = tx_workbook(true, &len);
    assert_null(memmem(data, len, "sharedStrings", 13)); /* every string is inline */
    tx_check_values(data, len);
    free(data);
}

/* ---- hostile and foreign files ------------------------------------------------------------- */

static void tx_assert_refused(const void *data, size_t len, const xlsx_limits_t *lim,
                              const char *want_code, const char *in_why)
{
    xlsx_t *x = NULL;
    const char *code = NULL;
    char *why = NULL;
    assert_int_equal(xlsx_open(data, len, lim, &x, &code, &why), -EINVAL);
    assert_null(x);
    assert_non_null(why);
    if (strcmp(code, want_code) != 0 || !strstr(why, in_why))
        fail_msg("refused as %s (%s), expected %s with \"%s\"", code, why, want_code, in_why);
    free(why);
}

/* An archive made with libzip: n entries of size bytes each (spaces, which compress well);
 * with a password the entries are encrypted. Caller frees. */
static char *tx_zip(int n, size_t size, const char *password, size_t *len)
{
    char *path = tx_path("z.zip");
    int err;
    zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
    assert_non_null(z);
    char *body = xmalloc(size + 1);
    memset(body, ' ', size);
    for (int i = 0; i < n; i++) {
        char name[64];
        snprintf(name, sizeof name, "xl/worksheets/sheet%d.xml", i + 1);
        zip_source_t *src = zip_source_buffer(z, body, size, 0);
        assert_non_null(src);
        zip_int64_t idx = zip_file_add(z, name, src, ZIP_FL_OVERWRITE);
        assert_true(idx >= 0);
        if (password)
            assert_int_equal(
                zip_file_set_encryption(z, (zip_uint64_t)idx, ZIP_EM_AES_256, password), 0);
    }
    assert_int_equal(zip_close(z), 0);
    free(body);
    return tx_slurp(path, len);
}

static void tx_zip_bombs(void **state)
{
    (void)state;
    size_t len;
    /* 600 entries: past the entry cap */
    char *data = tx_zip(600, 10, NULL, &len);
    tx_assert_refused(data, len, NULL, "too_many_entries", "600 berkas");
    free(data);
    /* one entry of 80 MB that compresses to a few hundred KB */
    data = tx_zip(1, 80u * 1024 * 1024, NULL, &len);
    assert_true(len < 1024 * 1024);
    tx_assert_refused(data, len, NULL, "archive_too_large", "64 MB");
    free(data);
    /* a small cap stops a real workbook as well */
    data = tx_workbook(false, &len);
    xlsx_limits_t tiny = {.max_total = 2000};
    tx_assert_refused(data, len, &tiny, "archive_too_large", "zip bomb");
    xlsx_limits_t few = {.max_entries = 3};
    tx_assert_refused(data, len, &few, "too_many_entries", "melebihi batas 3");
    free(data);
}

/* An entry whose header declares 10 bytes but inflates to 20 MB: stopped while reading. */
static void tx_lying_sizes(void **state)
{
    (void)state;
    size_t len;
    char *data = tx_workbook(false, &len);
    /* rebuild with a huge shared strings part whose declared size we then falsify */
    char *path = tx_path("lie.xlsx");
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
    free(data);
    int err;
    zip_t *z = zip_open(path, 0, &err);
    assert_non_null(z);
    size_t big = 20u * 1024 * 1024;
    char *sst = xmalloc(big);
    static const char head[] = "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/"
                               "2006/main\"><si><t>";
    memset(sst, 'a', big);
    memcpy(sst, head, sizeof head - 1);
    zip_source_t *src = zip_source_buffer(z, sst, big, 0);
    assert_true(zip_file_add(z, "xl/sharedStrings.xml", src, ZIP_FL_OVERWRITE) >= 0);
    assert_int_equal(zip_close(z), 0);
    free(sst);
    data = tx_slurp(path, &len);
    /* the uncompressed size field of that entry's central directory record: find it by name */
    static const char name[] = "xl/sharedStrings.xml";
    char *cd = NULL;
    for (char *p = data; (p = memmem(p, len - (size_t)(p - data), "PK\x01\x02", 4)); p += 4)
        if (memcmp(p + 46, name, sizeof name - 1) == 0)
            cd = p;
    assert_non_null(cd);
    uint32_t small = 10, offset;
    memcpy(cd + 24, &small, 4);
    memcpy(&offset, cd + 42, 4); /* its local header, which repeats the size */
    assert_memory_equal(data + offset, "PK\x03\x04", 4);
    memcpy(data + offset + 22, &small, 4);
    xlsx_limits_t lim = {.max_total = 8u * 1024 * 1024};
    xlsx_t *x = NULL;
    const char *code;
    char *why = NULL;
    int rc = xlsx_open(data, len, &lim, &x, &code, &why);
    /* the declared sizes pass; the bytes counted while inflating do not */
    assert_int_equal(rc, -EINVAL);
    assert_string_equal(code, "archive_too_large");
    free(why);
    free(data);
}

static void tx_encrypted_entries(void **state)
{
    (void)state;
    size_t len;
    char *data = tx_zip(2, 100, "rahasia", &len);
    tx_assert_refused(data, len, NULL, "encrypted", "terenkripsi");
    free(data);
}

static void tx_not_xlsx(void **state)
{
    (void)state;
    static const char csv[] = "unit;sasaran\nIKP;x\n";
    tx_assert_refused(csv, sizeof csv - 1, NULL, "not_xlsx", ".xlsx");
    tx_assert_refused("", 0, NULL, "not_xlsx", ".xlsx");
    /* an OLE compound file: old .xls, or Office's encryption */
    char cfb[1024] = {(char)0xd0, (char)0xcf, 0x11, (char)0xe0,
                      (char)0xa1, (char)0xb1, 0x1a, (char)0xe1};
    tx_assert_refused(cfb, sizeof cfb, NULL, "not_xlsx", "97-2003");
    static const char stream[] = "E\0n\0c\0r\0y\0p\0t\0e\0d\0P\0a\0c\0k\0a\0g\0e\0";
    memcpy(cfb + 512, stream, sizeof stream - 1);
    tx_assert_refused(cfb, sizeof cfb, NULL, "encrypted", "kata sandi");
    /* a truncated workbook */
    size_t len;
    char *data = tx_workbook(false, &len);
    tx_assert_refused(data, len / 2, NULL, "not_xlsx", "ZIP rusak");
    free(data);
    /* a ZIP without a workbook */
    data = tx_zip(1, 10, NULL, &len);
    tx_assert_refused(data, len, NULL, "not_xlsx", "tidak memuat buku kerja");
    free(data);
}

static void tx_refs(void **state)
{
    (void)state;
    char buf[64];
    assert_string_equal(xlsx_col_name(1, buf, sizeof buf), "A");
    assert_string_equal(xlsx_col_name(26, buf, sizeof buf), "Z");
    assert_string_equal(xlsx_col_name(27, buf, sizeof buf), "AA");
    assert_string_equal(xlsx_col_name(16384, buf, sizeof buf), "XFD");
    assert_string_equal(xlsx_ref("PK", 7, 5, buf, sizeof buf), "PK!E7");
    assert_string_equal(xlsx_ref("Data Kinerja", 12, 8, buf, sizeof buf), "Data Kinerja!H12");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tx_values_shared_strings),
        cmocka_unit_test(tx_values_inline_strings),
        cmocka_unit_test(tx_zip_bombs),
        cmocka_unit_test(tx_lying_sizes),
        cmocka_unit_test(tx_encrypted_entries),
        cmocka_unit_test(tx_not_xlsx),
        cmocka_unit_test(tx_refs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
