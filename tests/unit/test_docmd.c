/* test_docmd — the Markdown subset of organisation texts and templates (paragraphs, lists,
 * headings, bold and italic, comments) and template placeholders, with the default templates
 * embedded at build time. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "docmd.h"
#include "tmpl.h"

#include <stdlib.h>
#include <string.h>

static const doc_block_t *td_block(const doc_t *d, size_t i, doc_kind_t kind)
{
    const doc_block_t *b = doc_block(d, i);
    assert_non_null(b);
    assert_int_equal(b->kind, kind);
    return b;
}

static void td_assert_text(const doc_text_t *t, const char *want)
{
    char *s = doc_text_plain(t);
    assert_string_equal(s, want);
    free(s);
}

static void td_blocks(void **state)
{
    (void)state;
    doc_t *d = doc_new();
    docmd_append(d,
                 "<!-- catatan penyusun: {organisasi}\n   beberapa baris -->\n"
                 "# A. Latar Belakang\n"
                 "Baris pertama\n"
                 "baris kedua.\n"
                 "\n"
                 "- butir satu\n"
                 "  lanjutan butir\n"
                 "* butir dua\n"
                 "\n"
                 "+ butir tiga\n"
                 "1. nomor satu\n"
                 "2) nomor dua\n"
                 "Paragraf setelah daftar.\n"
                 "## Subjudul\n"
                 "#### terlalu dalam\n"
                 "#tanpa spasi\n",
                 2, DOC_STYLE_BODY);
    assert_int_equal(doc_count(d), 7);
    const doc_block_t *b = td_block(d, 0, DOC_HEADING);
    assert_int_equal(b->level, 2);
    td_assert_text(&b->text, "A. Latar Belakang");
    b = td_block(d, 1, DOC_PARAGRAPH);
    assert_int_equal(b->style, DOC_STYLE_BODY);
    td_assert_text(&b->text, "Baris pertama baris kedua.");
    b = td_block(d, 2, DOC_LIST);
    assert_false(b->ordered);
    assert_int_equal(b->n_items, 3); /* the list goes on across the blank line */
    td_assert_text(b->items[0], "butir satu lanjutan butir");
    td_assert_text(b->items[2], "butir tiga");
    b = td_block(d, 3, DOC_LIST);
    assert_true(b->ordered);
    assert_int_equal(b->n_items, 2);
    td_assert_text(b->items[1], "nomor dua Paragraf setelah daftar.");
    b = td_block(d, 4, DOC_HEADING);
    assert_int_equal(b->level, 3);
    b = td_block(d, 5, DOC_HEADING);
    assert_int_equal(b->level, 3); /* deeper levels stop at 3 */
    td_assert_text(&td_block(d, 6, DOC_PARAGRAPH)->text, "#tanpa spasi");
    doc_destroy(&d);
}

static void td_inline(void **state)
{
    (void)state;
    doc_text_t t = {0};
    docmd_inline(&t,
                 "Ini **tebal** dan *miring*, **tebal *dan miring***, 2 * 3 = 6, \\*bintang\\*, "
                 "**tanpa penutup",
                 0);
    static const struct {
        const char *text;
        unsigned flags;
    } want[] = {
        {"Ini ", 0},
        {"tebal", DOC_RUN_BOLD},
        {" dan ", 0},
        {"miring", DOC_RUN_ITALIC},
        {", ", 0},
        {"tebal ", DOC_RUN_BOLD},
        {"dan miring", DOC_RUN_BOLD | DOC_RUN_ITALIC},
        {", 2 * 3 = 6, *bintang*, **tanpa penutup", 0},
    };
    assert_int_equal(t.n_runs, (int)ARRAY_LEN(want));
    for (size_t i = 0; i < ARRAY_LEN(want); i++) {
        assert_string_equal(t.runs[i].text, want[i].text);
        assert_int_equal(t.runs[i].flags, want[i].flags);
    }
    for (int i = 0; i < t.n_runs; i++)
        free(t.runs[i].text);
    free(t.runs);
}

static void td_expand(void **state)
{
    (void)state;
    const tmpl_var_t vars[] = {
        {"organisasi", "Dinas Kominfo"}, {"tahun", "2026"}, {"kosong", NULL}};
    char *s = tmpl_expand("LKIP {organisasi} Tahun {tahun}{kosong}; {{tahun}} {salah} {tahun", vars,
                          ARRAY_LEN(vars));
    assert_string_equal(s, "LKIP Dinas Kominfo Tahun 2026; {tahun} {salah} {tahun");
    free(s);
}

static void td_defaults(void **state)
{
    (void)state;
    static const char *const names[] = {"kata_pengantar", "profil", "penutup"};
    for (size_t i = 0; i < ARRAY_LEN(names); i++) {
        const char *t = tmpl_default(names[i]);
        assert_non_null(t);
        assert_non_null(strstr(t, "{organisasi}"));
        assert_non_null(strstr(t, "<!--")); /* each documents its placeholders */
    }
    assert_null(tmpl_default("tidak_ada"));
    assert_int_equal(tmpl_files_count, (int)ARRAY_LEN(names));
    /* the profile template gives Bab I its sections */
    doc_t *d = doc_new();
    docmd_append(d, tmpl_default("profil"), 2, DOC_STYLE_BODY);
    int headings = 0;
    for (size_t i = 0; i < doc_count(d); i++)
        headings += doc_block(d, i)->kind == DOC_HEADING;
    assert_int_equal(headings, 5);
    doc_destroy(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(td_blocks),
        cmocka_unit_test(td_inline),
        cmocka_unit_test(td_expand),
        cmocka_unit_test(td_defaults),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
