/* test_draft — the LKIP draft from analyses: in the DOCX every indicator's row, with its numbers
 * in Indonesian format, stands in the chapter it belongs to (Bab II, Bab III A and B, the
 * appendix), chapters carry heading styles, the special cases read as LKIP.md says, templates
 * and options are applied; in the PDF (pdftotext) every chapter title, indicator name and
 * capaian is there, fonts are embedded, the page count is plausible; 300 indicators across 12
 * units make a valid document; a draft rendered on a thread of its own is the same. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "../fixture/afix.h"
#include "../fixture/docread.h"
#include "docpdf.h"
#include "draft.h"
#include "idfmt.h"

#include <libxml/parser.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BAB2     "BAB II PERENCANAAN KINERJA"
#define BAB3     "BAB III AKUNTABILITAS KINERJA"
#define LAMPIRAN "LAMPIRAN: PERJANJIAN KINERJA TAHUN 2026"

static const draft_opts_t tr_opts = {
    .kota = "Gorontalo", .year = 2026, .month = 12, .day = 2, .draft = true};

static int tr_setup(void **state)
{
    (void)state;
    xmlInitParser();
    return 0;
}

static int tr_teardown(void **state)
{
    (void)state;
    docpdf_release_fonts(true);
    xmlCleanupParser();
    return 0;
}

/* ---- the expected cells ---------------------------------------------------------------------- */

/* "g.j": the indicator's sasaran and its place in it, as the draft numbers them. */
static void tr_label(const analysis_t *a, int i, char *buf, size_t len)
{
    for (int g = 0; g < a->n_sasaran; g++) {
        for (int j = 0; j < a->sasaran[g].n_indicators; j++) {
            if (a->sasaran[g].indicators[j] == i) {
                snprintf(buf, len, "%d.%d", g + 1, j + 1);
                return;
            }
        }
    }
    fail_msg("indicator %d has no sasaran", i);
}

static void tr_target(const analysis_indicator_t *ind, char *buf, size_t len)
{
    char lo[48], hi[48];
    idfmt_number_trim(ind->target_lo, 3, lo, sizeof lo);
    idfmt_number_trim(ind->target_hi, 3, hi, sizeof hi);
    if (ind->target_lo == ind->target_hi)
        snprintf(buf, len, "%s", lo);
    else
        snprintf(buf, len, "%s \xE2\x80\x93 %s", lo, hi);
}

static const docread_row_t *tr_row(const docread_docx_t *d, const char *const *cells, int n,
                                   const char *chapter)
{
    const docread_row_t *row = docread_find_row(d, cells, n);
    if (!row) {
        strbuf_t b = {0};
        for (int c = 0; c < n; c++)
            strbuf_printf(&b, "[%s] ", cells[c]);
        fail_msg("no row with %s", strbuf_str(&b));
    }
    assert_string_equal(row->chapter, chapter);
    return row;
}

/* Every indicator in the capaian table of Bab III, the PK of Bab II and the appendix, and the
 * budget table when it has a budget. */
static void tr_check_rows(const analysis_t *a, const docread_docx_t *d)
{
    for (int i = 0; i < a->n_indicators; i++) {
        const analysis_indicator_t *ind = &a->indicators[i];
        char no[32], name[1024], target[128], real[48], cap[48], unit[256];
        tr_label(a, i, no, sizeof no);
        snprintf(name, sizeof name, "%s%s", ind->indikator,
                 ind->dir == CAPAIAN_LOWER ? "\n(semakin kecil semakin baik)" : "");
        tr_target(ind, target, sizeof target);
        if (ind->submitted)
            idfmt_number_trim(ind->realisasi, 3, real, sizeof real);
        else
            snprintf(real, sizeof real, "data tidak disampaikan");
        if (!ind->submitted)
            snprintf(cap, sizeof cap, "-");
        else if (!ind->capaian.rated)
            snprintf(cap, sizeof cap, "belum dapat dinilai");
        else
            idfmt_percent(ind->capaian.percent, cap, sizeof cap);
        const char *kat = ind->submitted && ind->capaian.rated ? ind->rating : "-";
        const char *row3[] = {no, name, ind->satuan, target, real, cap, kat};
        tr_row(d, row3, 7, BAB3);
        snprintf(unit, sizeof unit, "%s", ind->unit_name);
        const char *row2[] = {no, ind->indikator, ind->satuan, target, unit};
        tr_row(d, row2, 5, BAB2);
        const char *lamp[] = {no,
                              ind->code,
                              ind->indikator,
                              ind->satuan,
                              ind->dir == CAPAIAN_LOWER ? "turun" : "naik",
                              target,
                              unit};
        tr_row(d, lamp, 7, LAMPIRAN);
        if (!ind->has_anggaran)
            continue;
        char pagu[48], ra[48], ser[48], ef[48];
        idfmt_number(ind->pagu, 0, pagu, sizeof pagu);
        idfmt_number(ind->realisasi_anggaran, 0, ra, sizeof ra);
        if (ind->serapan.rated)
            idfmt_percent(ind->serapan.percent, ser, sizeof ser);
        else
            snprintf(ser, sizeof ser, "belum dapat dinilai");
        if (ind->efisiensi.rated)
            idfmt_percent(ind->efisiensi.percent, ef, sizeof ef);
        else
            snprintf(ef, sizeof ef, "belum dapat dinilai");
        const char *budget[] = {no, ind->indikator, pagu, ra, ser, ef};
        tr_row(d, budget, 6, BAB3);
    }
}

static bool tr_para(const docread_docx_t *d, const char *style, const char *text)
{
    for (int p = 0; p < d->n_paras; p++) {
        if ((!style || strcmp(d->para_style[p], style) == 0) && strstr(d->para_text[p], text))
            return true;
    }
    return false;
}

static docread_docx_t *tr_docx(const draft_output_t *out)
{
    char *problems = docread_package_problems(out->docx, out->docx_len, NULL);
    if (problems)
        fail_msg("%s", problems);
    docread_docx_t *d = docread_docx(out->docx, out->docx_len);
    assert_non_null(d);
    assert_int_equal(d->well_formed, 1);
    return d;
}

/* ---- DOCX ------------------------------------------------------------------------------------ */

static void tr_sample_docx(void **state)
{
    (void)state;
    analysis_t *a = afix_sample();
    draft_output_t out;
    assert_int_equal(draft_render(a, &tr_opts, &out), 0);
    docread_docx_t *d = tr_docx(&out);
    tr_check_rows(a, d);
    static const char *const h1[] = {
        "KATA PENGANTAR", "IKHTISAR EKSEKUTIF", "BAB I PENDAHULUAN", BAB2, BAB3, "BAB IV PENUTUP",
        LAMPIRAN};
    for (size_t h = 0; h < ARRAY_LEN(h1); h++)
        assert_true(tr_para(d, "Heading1", h1[h]));
    assert_true(tr_para(d, "Heading2", "A. Rencana Strategis"));
    assert_true(tr_para(d, "Heading2", "B. Perjanjian Kinerja"));
    assert_true(tr_para(d, "Heading2", "A. Capaian Kinerja Organisasi"));
    assert_true(tr_para(d, "Heading2", "B. Realisasi Anggaran"));
    assert_true(tr_para(d, "Heading2", "A. Latar Belakang")); /* the default profile */
    for (int g = 0; g < a->n_sasaran; g++) {
        char h[512];
        snprintf(h, sizeof h, "Sasaran Strategis %d: %s", g + 1, a->sasaran[g].name);
        assert_true(tr_para(d, "Heading3", h));
    }
    /* the Ikhtisar: ratings, average, serapan */
    char avg[48], ser[48], want[256];
    snprintf(want, sizeof want, "%d indikator dapat diukur capaiannya dengan rata-rata capaian %s",
             a->n_indicators - a->unrated, idfmt_percent(a->average.percent, avg, sizeof avg));
    assert_true(tr_para(d, "BodyText", want));
    snprintf(want, sizeof want, "serapan anggaran %s",
             idfmt_percent(a->serapan.percent, ser, sizeof ser));
    assert_true(tr_para(d, "BodyText", want));
    /* the unit's own words, and placeholders where the Kadis's name and NIP are unknown */
    assert_true(tr_para(d, NULL, a->indicators[0].faktor_pendukung));
    assert_true(tr_para(d, "Signature", "[Nama Kepala Dinas]"));
    assert_true(tr_para(d, "Signature", "NIP [NIP Kepala Dinas]"));
    assert_true(tr_para(d, "Signature", "Gorontalo, 2 Desember 2026"));
    assert_true(tr_para(d, "CoverMark", "DRAFT"));
    /* every placeholder of the default templates was filled */
    for (int p = 0; p < d->n_paras; p++) {
        const char *open = strchr(d->para_text[p], '{');
        if (open)
            fail_msg("unfilled placeholder in \"%s\"", d->para_text[p]);
    }
    docread_docx_free(&d);
    draft_output_free(&out);
    afix_free(&a);
}

/* The row of indicator code in the capaian table of Bab III. */
static const docread_row_t *tr_indicator_row(const analysis_t *a, const docread_docx_t *d,
                                             const char *code)
{
    for (int i = 0; i < a->n_indicators; i++) {
        if (strcmp(a->indicators[i].code, code) != 0)
            continue;
        char no[32];
        tr_label(a, i, no, sizeof no);
        for (int r = 0; r < d->n_rows; r++) {
            const docread_row_t *row = &d->rows[r];
            if (strcmp(row->chapter, BAB3) == 0 && row->n_cells == 7 &&
                strcmp(row->cells[0], no) == 0 &&
                strcmp(row->cells[2], a->indicators[i].satuan) == 0)
                return row;
        }
    }
    fail_msg("no row for indicator %s", code);
    return NULL;
}

static void tr_edge_cases(void **state)
{
    (void)state;
    analysis_t *a = afix_edge();
    draft_output_t out;
    assert_int_equal(draft_render(a, &tr_opts, &out), 0);
    docread_docx_t *d = tr_docx(&out);
    tr_check_rows(a, d);
    /* a unit that sent nothing */
    const docread_row_t *r = tr_indicator_row(a, d, "HUM-01");
    assert_string_equal(r->cells[4], "data tidak disampaikan");
    assert_true(tr_para(d, "BodyText", "Bidang Hubungan Masyarakat"));
    /* T = 0: no percentage, out of the averages */
    r = tr_indicator_row(a, d, "SEK-03");
    assert_string_equal(r->cells[5], "belum dapat dinilai");
    assert_null(strchr(r->cells[5], '%'));
    char avg[48], want[256];
    snprintf(want, sizeof want,
             "Dari %d indikator kinerja, %d indikator dapat diukur "
             "capaiannya dengan rata-rata capaian %s",
             a->n_indicators, a->n_indicators - 3,
             idfmt_percent(a->average.percent, avg, sizeof avg));
    assert_true(tr_para(d, "BodyText", want));
    assert_true(tr_para(d, "BodyText", "1 indikator belum dapat dinilai"));
    /* lower is better, with both formulas: 12 -> 9 kejadian is 125%; T/R 4 / 5 is 80% */
    r = tr_indicator_row(a, d, "APT-03");
    assert_string_equal(r->cells[5], "125,00%");
    r = tr_indicator_row(a, d, "APT-04");
    assert_string_equal(r->cells[5], "80,00%");
    assert_true(tr_para(d, "TableNote", "target / realisasi"));
    /* ranges: inside is 100%, above divides by the upper bound */
    r = tr_indicator_row(a, d, "STA-03");
    assert_string_equal(r->cells[3], "80 \xE2\x80\x93 90");
    assert_string_equal(r->cells[5], "100,00%");
    r = tr_indicator_row(a, d, "IKP-03");
    assert_string_equal(r->cells[5], "102,11%");
    /* the long name is written whole */
    r = tr_indicator_row(a, d, "SAN-03");
    assert_string_equal(r->cells[1], afix_long_name);
    docread_docx_free(&d);
    draft_output_free(&out);
    afix_free(&a);
}

static void tr_options_and_templates(void **state)
{
    (void)state;
    analysis_t *a = afix_sample();
    draft_opts_t o = tr_opts;
    o.kepala_nama = "Dr. Andi Pratama, S.Kom., M.Si.";
    o.kepala_nip = "19750312 200003 1 004";
    o.profile_md =
        "# A. Profil Dinas\nDinas {organisasi} bertugas **melayani**.\n\n- fungsi satu\n";
    o.kata_pengantar_md = "Pengantar khusus Tahun {tahun}; {ringkasan_anggaran}";
    o.penutup_md = "Penutup: {ringkasan_capaian} Sampai jumpa {tahun_berikut}.";
    o.draft = false;
    draft_output_t out;
    assert_int_equal(draft_render(a, &o, &out), 0);
    docread_docx_t *d = tr_docx(&out);
    assert_true(tr_para(d, "Signature", "Dr. Andi Pratama, S.Kom., M.Si."));
    assert_true(tr_para(d, "Signature", "NIP 19750312 200003 1 004"));
    assert_false(tr_para(d, NULL, "[Nama Kepala Dinas]"));
    assert_true(tr_para(d, "Heading2", "A. Profil Dinas"));
    assert_true(tr_para(d, "BodyText",
                        "Dinas Dinas Komunikasi, Informatika dan Persandian Kota "
                        "Gorontalo bertugas melayani."));
    assert_true(tr_para(d, "ListParagraph", "fungsi satu"));
    assert_false(tr_para(d, NULL, "Latar Belakang"));
    assert_true(tr_para(d, "BodyText",
                        "Pengantar khusus Tahun 2026; Realisasi anggaran Tahun "
                        "2026 sebesar Rp 5.055.750.000 dari pagu Rp 5.350.000.000"));
    assert_true(tr_para(d, "BodyText", "Sampai jumpa 2027."));
    assert_false(tr_para(d, NULL, "DRAFT"));
    char *header = docread_zip_entry(out.docx, out.docx_len, "word/header1.xml", NULL);
    assert_null(header);
    docread_docx_free(&d);
    draft_output_free(&out);
    afix_free(&a);
}

/* ---- PDF ------------------------------------------------------------------------------------- */

/* Chapter titles, every indicator name and capaian, embedded fonts, a plausible page count. */
static void tr_check_pdf(const analysis_t *a, const draft_output_t *out)
{
    assert_memory_equal(out->pdf, "%PDF-", 5);
    char *text = docread_pdf_text(out->pdf, out->pdf_len);
    assert_non_null(text);
    static const char *const titles[] = {"KATA PENGANTAR",
                                         "IKHTISAR EKSEKUTIF",
                                         "BAB I PENDAHULUAN",
                                         BAB2,
                                         BAB3,
                                         "BAB IV PENUTUP",
                                         LAMPIRAN,
                                         "DRAFT"};
    for (size_t t = 0; t < ARRAY_LEN(titles); t++)
        if (!strstr(text, titles[t]))
            fail_msg("PDF lacks \"%s\"", titles[t]);
    for (int i = 0; i < a->n_indicators; i++) {
        const analysis_indicator_t *ind = &a->indicators[i];
        char *name = docread_squash(ind->indikator), cap[48];
        if (!strstr(text, name))
            fail_msg("PDF lacks the indicator \"%s\"", name);
        free(name);
        if (!ind->submitted || !ind->capaian.rated)
            continue;
        idfmt_percent(ind->capaian.percent, cap, sizeof cap);
        if (!strstr(text, cap))
            fail_msg("PDF lacks the capaian %s of \"%s\"", cap, ind->indikator);
    }
    free(text);
    char *fonts = docread_pdf_tool("pdffonts", out->pdf, out->pdf_len);
    assert_non_null(fonts);
    int rows = 0;
    char *line = strchr(strchr(fonts, '\n') + 1, '\n') + 1; /* after the two header lines */
    for (char *save = NULL, *l = strtok_r(line, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        assert_non_null(strstr(l, "LiberationSans"));
        /* the last five columns are emb, sub, uni, object number and generation */
        char *tok[32];
        int n = 0;
        for (char *s2 = NULL, *t = strtok_r(l, " ", &s2); t && n < 32; t = strtok_r(NULL, " ", &s2))
            tok[n++] = t;
        assert_true(n >= 6);
        assert_string_equal(tok[n - 5], "yes");
        rows++;
    }
    assert_true(rows >= 2); /* regular and bold at least */
    free(fonts);
    char *info = docread_pdf_tool("pdfinfo", out->pdf, out->pdf_len);
    int pages = 0;
    assert_int_equal(sscanf(strstr(info, "Pages:"), "Pages: %d", &pages), 1);
    assert_int_equal(pages, out->pdf_pages);
    assert_non_null(strstr(info, "(A4)"));
    free(info);
    /* cover, two front pages, four chapters and the appendix at least; a few pages per
     * indicator at most */
    assert_true(pages >= 8);
    assert_true(pages <= 8 + 3 * a->n_indicators);
}

static void tr_pdf(void **state)
{
    (void)state;
    analysis_t *a = afix_edge();
    draft_output_t out;
    assert_int_equal(draft_render(a, &tr_opts, &out), 0);
    tr_check_pdf(a, &out);
    draft_output_free(&out);
    afix_free(&a);
}

/* ---- scale and threads ----------------------------------------------------------------------- */

static void tr_300_indicators(void **state)
{
    (void)state;
    analysis_t *a = afix_synthetic(300, 12, 7);
    assert_int_equal(a->n_indicators, 300);
    assert_int_equal(a->n_units, 12);
    draft_output_t out;
    assert_int_equal(draft_render(a, &tr_opts, &out), 0);
    docread_docx_t *d = tr_docx(&out);
    tr_check_rows(a, d);
    docread_docx_free(&d);
    tr_check_pdf(a, &out);
    draft_output_free(&out);
    afix_free(&a);
}

typedef struct {
    const analysis_t *a;
    draft_output_t out;
    int rc;
} tr_job_t;

static void *tr_thread(void *arg)
{
    tr_job_t *job = arg;
    job->rc = draft_render(job->a, &tr_opts, &job->out);
    docpdf_release_fonts(false);
    return NULL;
}

static void tr_thread_of_its_own(void **state)
{
    (void)state;
    analysis_t *a = afix_edge();
    draft_output_t here;
    assert_int_equal(draft_render(a, &tr_opts, &here), 0);
    tr_job_t job = {.a = a};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, tr_thread, &job), 0);
    assert_int_equal(pthread_join(t, NULL), 0);
    assert_int_equal(job.rc, 0);
    /* the same DOCX, byte for byte, and a PDF of the same pages */
    assert_int_equal(job.out.docx_len, here.docx_len);
    assert_memory_equal(job.out.docx, here.docx, here.docx_len);
    assert_int_equal(job.out.pdf_pages, here.pdf_pages);
    draft_output_free(&job.out);
    draft_output_free(&here);
    afix_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tr_sample_docx),           cmocka_unit_test(tr_edge_cases),
        cmocka_unit_test(tr_options_and_templates), cmocka_unit_test(tr_pdf),
        cmocka_unit_test(tr_300_indicators),        cmocka_unit_test(tr_thread_of_its_own),
    };
    return cmocka_run_group_tests(tests, tr_setup, tr_teardown);
}
