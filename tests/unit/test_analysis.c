/* test_analysis — the analysis of step 5 against numbers computed by hand: a PK with a Renstra
 * 2024-2028 and its baseline, two finished years (2024 and 2025) of LKIP realisasi, this year's
 * rows of one unit (one matched by code, one by indikator, one outside the PK), another unit
 * that sent nothing; capaian both ways, earlier years with their source, Renstra targets and
 * progress, serapan and efisiensi, the sasaran and unit summaries, the missing units and the
 * totals. Then the same without a PK, and the sample PK with its recorded 2025 realisasi. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "analysis.h"
#include "analysis_xlsx.h"
#include "xlsx_read.h"
#include "samples.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#define NEAR(a, b) (fabs((a) - (b)) < 1e-9)

static const char ta_pk_csv[] =
    "kode;unit;sasaran;indikator;satuan;arah;baseline_2023;target_2024;target_2025;target_2026;"
    "target_2027;target_2028;realisasi_2024\n"
    "A-1;IKP;Sasaran A;Indeks A;indeks;naik;60;65;70;75;80;90;66\n"
    "A-2;IKP;Sasaran A;Jumlah gangguan;kejadian;turun;20;18;16;12;10;8;\n"
    "B-1;Bidang Statistik;Sasaran B;Persentase B;%;naik;50;60;70;80;90;100;\n";

/* this year's rows of IKP: A-1 by code, A-2 by indikator (no kode), one outside the PK */
static const char ta_ikp_csv[] =
    "kode;sasaran;indikator;satuan;arah;target;realisasi;pagu;realisasi_anggaran;penjelasan\n"
    "A-1;Sasaran A;Indeks A;indeks;naik;75;78;1000;900;Naik karena portal baru\n"
    ";Sasaran A;jumlah GANGGUAN;kejadian;turun;12;9;;;\n"
    ";Sasaran A;Indikator tambahan;unit;naik;10;5;;;\n";

static const analysis_past_t ta_past[] = {
    {"A-1", 2024, 64, true, 65, 65}, /* the LKIP of 2024 wins over the PK's realisasi_2024 */
    {"A-2", 2024, 17, true, 18, 18},
    {"A-1", 2025, 70, true, 70, 70}, /* corrected below by a later entry */
    {"A-1", 2025, 72, true, 70, 70},
    {"A-2", 2025, 15, true, 16, 16},
    {"A-1", 2026, 1, true, 1, 1}, /* this year's: never history */
};

static const analysis_unit_in_t ta_units[] = {
    {"IKP", "Bidang Informasi dan Komunikasi Publik", true, true},
    {"PERSANDIAN", "Bidang Persandian dan Keamanan Informasi", true, false},
    {"SEKRETARIAT", "Sekretariat", false, false},
    {"STATISTIK", "Bidang Statistik", true, false},
};

typedef struct {
    pk_t *pk;
    unitdata_t *ikp;
    analysis_row_in_t rows[8];
    analysis_input_t in;
} ta_case_t;

static void ta_setup(ta_case_t *t, bool with_pk)
{
    memset(t, 0, sizeof *t);
    t->pk = pk_parse(ta_pk_csv, strlen(ta_pk_csv), 2026, ts_units, TS_N_UNITS);
    assert_int_equal(t->pk->n_errors, 0);
    t->ikp = unitdata_parse(ta_ikp_csv, strlen(ta_ikp_csv));
    assert_int_equal(t->ikp->n_errors, 0);
    for (int i = 0; i < t->ikp->n_rows; i++)
        t->rows[i] = (analysis_row_in_t){"IKP", &t->ikp->rows[i]};
    t->in = (analysis_input_t){
        .org_code = "DKIP",
        .org_name = "Dinas Kominfo",
        .period = "2026",
        .year = 2026,
        .pk_version = 3,
        .pk = with_pk ? t->pk : NULL,
        .n_units = (int)ARRAY_LEN(ta_units),
        .units = ta_units,
        .n_rows = t->ikp->n_rows,
        .rows = t->rows,
        .n_past = (int)ARRAY_LEN(ta_past),
        .past = ta_past,
    };
}

static void ta_teardown(ta_case_t *t)
{
    unitdata_destroy(&t->ikp);
    pk_destroy(&t->pk);
}

static void ta_assert_year(const analysis_year_t *h, int year, analysis_source_t src, bool has_real,
                           double real, bool has_target, double target, bool rated, double capaian)
{
    assert_int_equal(h->year, year);
    assert_int_equal(h->source, src);
    assert_int_equal(h->has_realisasi, has_real);
    if (has_real)
        assert_true(NEAR(h->realisasi, real));
    assert_int_equal(h->has_target, has_target);
    if (has_target)
        assert_true(NEAR(h->target, target));
    assert_int_equal(h->capaian.rated, rated);
    if (rated && !NEAR(h->capaian.percent, capaian))
        fail_msg("%d: capaian %.12f, expected %.12f", year, h->capaian.percent, capaian);
}

static void ta_indicators(void **state)
{
    (void)state;
    ta_case_t t;
    ta_setup(&t, true);
    analysis_t *a = analysis_compute(&t.in);
    assert_int_equal(a->n_indicators, 4);
    assert_int_equal(a->year, 2026);
    assert_int_equal(a->pk_version, 3);

    /* A-1, naik: 78 / 75 = 104%; serapan 900 / 1000 = 90%; efisiensi (1 - 90/104) = 13.46% */
    const analysis_indicator_t *x = &a->indicators[0];
    assert_string_equal(x->code, "A-1");
    assert_string_equal(x->unit_code, "IKP");
    assert_true(x->submitted);
    assert_string_equal(x->target_text, "75");
    assert_string_equal(x->realisasi_text, "78");
    assert_true(x->capaian.rated && NEAR(x->capaian.percent, 104.0));
    assert_string_equal(x->rating, "Sangat Tinggi");
    assert_true(x->has_anggaran && NEAR(x->pagu, 1000) && NEAR(x->realisasi_anggaran, 900));
    assert_true(x->serapan.rated && NEAR(x->serapan.percent, 90.0));
    assert_true(x->efisiensi.rated && NEAR(x->efisiensi.percent, (1.0 - 90.0 / 104.0) * 100.0));
    assert_string_equal(x->penjelasan, "Naik karena portal baru");
    assert_int_equal(x->renstra_first, 2024);
    assert_int_equal(x->renstra_last, 2028);
    assert_true(x->has_renstra_target && NEAR(x->renstra_target, 75));
    assert_true(x->has_renstra_final && NEAR(x->renstra_final, 90));
    assert_true(x->progress.rated && NEAR(x->progress.percent, 78.0 * 100.0 / 90.0));
    /* 2023 the baseline; 2024 and 2025 from the finished LKIPs, against their targets */
    assert_int_equal(x->n_history, 3);
    ta_assert_year(&x->history[0], 2023, ANALYSIS_SRC_BASELINE, true, 60, false, 0, false, 0);
    ta_assert_year(&x->history[1], 2024, ANALYSIS_SRC_LKIP, true, 64, true, 65, true,
                   64.0 * 100.0 / 65.0);
    ta_assert_year(&x->history[2], 2025, ANALYSIS_SRC_LKIP, true, 72, true, 70, true,
                   72.0 * 100.0 / 70.0);

    /* A-2, turun, matched by indikator: (2 x 12 - 9) / 12 = 125%; no budget */
    x = &a->indicators[1];
    assert_string_equal(x->code, "A-2");
    assert_string_equal(x->indikator, "Jumlah gangguan"); /* the PK's words */
    assert_true(x->capaian.rated && NEAR(x->capaian.percent, 125.0));
    assert_false(x->has_anggaran);
    assert_false(x->serapan.rated);
    assert_false(x->efisiensi.rated);
    assert_true(x->progress.rated && NEAR(x->progress.percent, (16.0 - 9.0) * 100.0 / 8.0));
    ta_assert_year(&x->history[1], 2024, ANALYSIS_SRC_LKIP, true, 17, true, 18, true,
                   (36.0 - 17.0) * 100.0 / 18.0);
    ta_assert_year(&x->history[2], 2025, ANALYSIS_SRC_LKIP, true, 15, true, 16, true,
                   (32.0 - 15.0) * 100.0 / 16.0);

    /* B-1: STATISTIK sent nothing; its earlier years have targets but no realisasi */
    x = &a->indicators[2];
    assert_string_equal(x->code, "B-1");
    assert_string_equal(x->unit_name, "Bidang Statistik");
    assert_false(x->submitted);
    assert_false(x->capaian.rated);
    assert_string_equal(x->rating, "Belum dapat dinilai");
    assert_string_equal(x->realisasi_text, "");
    assert_false(x->progress.rated);
    assert_true(x->has_renstra_target && NEAR(x->renstra_target, 80));
    ta_assert_year(&x->history[0], 2023, ANALYSIS_SRC_BASELINE, true, 50, false, 0, false, 0);
    ta_assert_year(&x->history[1], 2024, ANALYSIS_SRC_NONE, false, 0, true, 60, false, 0);

    /* the row outside the PK: its own identity, 5 / 10 = 50%, no history, no Renstra */
    x = &a->indicators[3];
    assert_string_equal(x->code, "");
    assert_string_equal(x->indikator, "Indikator tambahan");
    assert_true(NEAR(x->capaian.percent, 50.0));
    assert_string_equal(x->rating, "Sangat Rendah");
    assert_int_equal(x->n_history, 0);
    assert_false(x->has_renstra_target || x->has_renstra_final);
    analysis_destroy(&a);
    analysis_destroy(&a);
    ta_teardown(&t);
}

static void ta_summaries(void **state)
{
    (void)state;
    ta_case_t t;
    ta_setup(&t, true);
    analysis_t *a = analysis_compute(&t.in);
    /* averages clamp each capaian at 120: (104 + 120 + 50) / 3 */
    const double avg = (104.0 + 120.0 + 50.0) / 3.0;
    assert_int_equal(a->n_sasaran, 2);
    const analysis_group_t *g = &a->sasaran[0];
    assert_string_equal(g->key, "Sasaran A");
    assert_int_equal(g->n_indicators, 3);
    assert_int_equal(g->indicators[2], 3);
    assert_int_equal(g->n_rated, 3);
    assert_true(g->average.rated && NEAR(g->average.percent, avg));
    assert_string_equal(g->rating, "Sangat Tinggi");
    assert_true(g->submitted);
    assert_true(g->has_anggaran && NEAR(g->serapan.percent, 90));
    g = &a->sasaran[1];
    assert_string_equal(g->key, "Sasaran B");
    assert_false(g->average.rated);
    assert_false(g->submitted);
    /* units: the ones with a task or indicators, in the order given */
    assert_int_equal(a->n_units, 3);
    assert_string_equal(a->units[0].key, "IKP");
    assert_string_equal(a->units[0].name, "Bidang Informasi dan Komunikasi Publik");
    assert_int_equal(a->units[0].n_indicators, 3);
    assert_true(NEAR(a->units[0].average.percent, avg));
    assert_true(a->units[0].submitted);
    assert_string_equal(a->units[1].key, "PERSANDIAN");
    assert_int_equal(a->units[1].n_indicators, 0);
    assert_string_equal(a->units[2].key, "STATISTIK");
    assert_int_equal(a->n_missing_units, 2);
    assert_string_equal(a->missing_units[0], "PERSANDIAN");
    assert_string_equal(a->missing_units[1], "STATISTIK");
    /* totals */
    assert_true(a->average.rated && NEAR(a->average.percent, avg));
    assert_string_equal(a->average_rating, "Sangat Tinggi");
    assert_int_equal(a->rating_counts[0], 2); /* Sangat Tinggi */
    assert_int_equal(a->rating_counts[4], 1); /* Sangat Rendah */
    assert_int_equal(a->unrated, 1);
    assert_true(a->has_anggaran && NEAR(a->pagu, 1000) && NEAR(a->serapan.percent, 90));
    analysis_destroy(&a);
    ta_teardown(&t);
}

static void ta_without_pk(void **state)
{
    (void)state;
    ta_case_t t;
    ta_setup(&t, false);
    analysis_t *a = analysis_compute(&t.in);
    assert_int_equal(a->pk_version, 0);
    assert_int_equal(a->n_indicators, 3);
    const analysis_indicator_t *x = &a->indicators[0];
    assert_string_equal(x->code, "A-1");
    assert_true(NEAR(x->capaian.percent, 104.0));
    /* history from the finished LKIPs of its code alone */
    assert_int_equal(x->n_history, 2);
    ta_assert_year(&x->history[0], 2024, ANALYSIS_SRC_LKIP, true, 64, true, 65, true,
                   64.0 * 100.0 / 65.0);
    assert_false(x->has_renstra_target);
    assert_int_equal(a->indicators[1].n_history, 0); /* no code in the row */
    assert_int_equal(a->n_missing_units, 2);         /* PERSANDIAN and STATISTIK had tasks */
    analysis_destroy(&a);
    ta_teardown(&t);
}

/* The sample PK with nothing finished yet: 2025 comes from the PK's realisasi_2025. */
static void ta_sample_pk_years(void **state)
{
    (void)state;
    pk_t *pk = pk_parse(ts_pk_csv, strlen(ts_pk_csv), 2026, ts_units, TS_N_UNITS);
    analysis_input_t in = {.year = 2026, .period = "2026", .pk = pk, .pk_version = 1};
    analysis_t *a = analysis_compute(&in);
    assert_int_equal(a->n_indicators, 11);
    const analysis_indicator_t *x = &a->indicators[0];
    assert_int_equal(x->n_history, 2);
    ta_assert_year(&x->history[0], 2024, ANALYSIS_SRC_BASELINE, true, 64.2, false, 0, false, 0);
    ta_assert_year(&x->history[1], 2025, ANALYSIS_SRC_PK, true, 66.1, true, 67, true,
                   66.1 * 100.0 / 67.0);
    assert_true(NEAR(x->renstra_final, 76));
    assert_int_equal(a->unrated, 11);
    assert_int_equal(a->n_missing_units, 5); /* every unit with indicators, none sent */
    assert_string_equal(analysis_source_name(ANALYSIS_SRC_PK), "PK");
    assert_string_equal(analysis_source_name(ANALYSIS_SRC_NONE), "");
    analysis_destroy(&a);
    pk_destroy(&pk);
}

static void ta_workbook(void **state)
{
    (void)state;
    ta_case_t t;
    ta_setup(&t, true);
    analysis_t *a = analysis_compute(&t.in);
    uint8_t *data;
    size_t len;
    const char *why;
    assert_int_equal(analysis_xlsx_write(a, &data, &len, &why), 0);
    xlsx_t *x;
    const char *code;
    char *err;
    assert_int_equal(xlsx_open(data, len, NULL, &x, &code, &err), 0);
    static const char *const sheets[] = {"Ringkasan",   "Capaian",  "Grafik",
                                         "Per Sasaran", "Per Unit", "Penjelasan"};
    assert_int_equal(xlsx_sheet_count(x), 6);
    for (int i = 0; i < 6; i++)
        assert_string_equal(xlsx_sheet_name(x, i), sheets[i]);
    xlsx_sheet_t *s;
    assert_int_equal(xlsx_read_sheet(x, "Capaian", &s, &code, &err), 0);
    assert_string_equal(xlsx_cell(s, 1, 10)->text, "Capaian (%)");
    assert_string_equal(xlsx_cell(s, 1, 12)->text, "Realisasi 2023");
    assert_string_equal(xlsx_cell(s, 1, 15)->text, "Realisasi 2024");
    assert_string_equal(xlsx_cell(s, 2, 3)->text, "A-1");
    assert_true(NEAR(xlsx_cell(s, 2, 10)->num, 104.0));
    assert_string_equal(xlsx_cell(s, 2, 11)->text, "Sangat Tinggi");
    assert_true(NEAR(xlsx_cell(s, 2, 15)->num, 64));              /* realisasi 2024 */
    assert_true(NEAR(xlsx_cell(s, 2, 16)->num, 64.0 * 100 / 65)); /* its capaian */
    assert_string_equal(xlsx_cell(s, 2, 17)->text, "LKIP");
    assert_string_equal(xlsx_cell(s, 2, 14)->text, "baseline");
    assert_null(xlsx_cell(s, 4, 10)); /* B-1 was not sent: no capaian ... */
    assert_string_equal(xlsx_cell(s, 4, 11)->text, "Data tidak disampaikan"); /* ... and why */
    xlsx_sheet_destroy(&s);
    assert_int_equal(xlsx_read_sheet(x, "Ringkasan", &s, &code, &err), 0);
    assert_string_equal(xlsx_cell(s, 1, 1)->text, "ANALISIS CAPAIAN KINERJA TAHUN 2026");
    xlsx_sheet_destroy(&s);
    xlsx_destroy(&x);
    /* the chart: native, columns of capaian with 100% over them */
    char *chart = ts_zip_part(data, len, "xl/charts/chart1.xml");
    assert_non_null(strstr(chart, "<c:barChart>"));
    assert_non_null(strstr(chart, "<c:barDir val=\"col\"/>"));
    assert_non_null(strstr(chart, "<c:f>Capaian!$J$2:$J$5</c:f>"));
    assert_non_null(strstr(chart, "<c:overlap val=\"100\"/>"));
    free(chart);
    free(data);
    analysis_destroy(&a);
    ta_teardown(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ta_indicators), cmocka_unit_test(ta_summaries),
        cmocka_unit_test(ta_without_pk), cmocka_unit_test(ta_sample_pk_years),
        cmocka_unit_test(ta_workbook),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
