/* draftchart — see draftchart.h. */
#include "draftchart.h"

#include "idfmt.h"

#include <stdio.h>
#include <string.h>

/* Sangat Tinggi, Tinggi, Sedang, Rendah, Sangat Rendah */
static const uint32_t s_band_rgb[] = {0x1B7837u, 0x5AAE61u, 0xE6AB02u, 0xF07C1Eu, 0xC0392Bu};

uint32_t draftchart_rating_rgb(const capaian_scale_t *scale, const char *rating)
{
    if (!scale)
        scale = capaian_default_scale();
    int n = scale->n < CAPAIAN_MAX_BANDS ? scale->n : CAPAIAN_MAX_BANDS;
    for (int i = 0; i < n; i++) {
        if (rating && strcmp(scale->name[i], rating) == 0) {
            /* spread a scale of any length over the five colours */
            int k = n > 1 ? (int)((double)i * (ARRAY_LEN(s_band_rgb) - 1) / (n - 1) + 0.5) : 0;
            return s_band_rgb[k];
        }
    }
    return 0x9E9E9Eu;
}

static void s_legend_bands(chart_t *c, const capaian_scale_t *scale)
{
    int n = scale->n < CAPAIAN_MAX_BANDS ? scale->n : CAPAIAN_MAX_BANDS;
    for (int i = 0; i < n; i++)
        chart_add_legend(c, scale->name[i], draftchart_rating_rgb(scale, scale->name[i]), false);
}

chart_t *draftchart_capaian(const analysis_t *a, int g)
{
    if (g < 0 || g >= a->n_sasaran)
        return NULL;
    const analysis_group_t *grp = &a->sasaran[g];
    const capaian_scale_t *scale = a->scale ? a->scale : capaian_default_scale();
    char title[96];
    snprintf(title, sizeof title, "Capaian Indikator Kinerja Sasaran %d Tahun %d", g + 1, a->year);
    chart_t *c = chart_new("", "Capaian (%)", "%");
    chart_set_alt(c, title);
    int s = chart_add_series(c, "Capaian", CHART_BARS, DRAFTCHART_CAPAIAN_RGB);
    for (int j = 0; j < grp->n_indicators; j++) {
        char label[32];
        snprintf(label, sizeof label, "%d.%d", g + 1, j + 1);
        int k = chart_add_category(c, label);
        const analysis_indicator_t *ind = &a->indicators[grp->indicators[j]];
        if (!ind->submitted)
            chart_set_note(c, k, "data tidak disampaikan");
        else if (!ind->capaian.rated)
            chart_set_note(c, k, "belum dapat dinilai");
        else
            chart_set_value(c, s, k, ind->capaian.percent,
                            draftchart_rating_rgb(scale, capaian_rating(scale, ind->capaian)));
    }
    chart_add_ref(c, 100.0, "100%", DRAFTCHART_REF_RGB);
    s_legend_bands(c, scale);
    return c;
}

static bool s_has_history(const analysis_indicator_t *ind)
{
    for (int h = 0; h < ind->n_history; h++) {
        if (ind->history[h].has_realisasi)
            return true;
    }
    return false;
}

/* The target a line can show for this year: the bound a range must reach. */
static double s_target_point(const analysis_indicator_t *ind)
{
    return ind->dir == CAPAIAN_LOWER ? ind->target_hi : ind->target_lo;
}

chart_t *draftchart_history(const analysis_t *a, int i, const char *label)
{
    if (i < 0 || i >= a->n_indicators || !s_has_history(&a->indicators[i]))
        return NULL;
    const analysis_indicator_t *ind = &a->indicators[i];
    bool pct = strcmp(ind->satuan, "%") == 0;
    char title[96], y_title[96];
    snprintf(title, sizeof title, "Realisasi dan Target Indikator %s", label ? label : "");
    snprintf(y_title, sizeof y_title, "%s", ind->satuan[0] ? ind->satuan : "nilai");
    chart_t *c = chart_new("", y_title, pct ? "%" : "");
    chart_set_alt(c, title);
    int real = chart_add_series(c, "Realisasi", CHART_BARS, DRAFTCHART_REALISASI_RGB);
    int target = chart_add_series(c, "Target", CHART_LINE, DRAFTCHART_TARGET_RGB);
    for (int h = 0; h < ind->n_history; h++) {
        const analysis_year_t *y = &ind->history[h];
        if (!y->has_realisasi && !y->has_target)
            continue;
        char year[32];
        snprintf(year, sizeof year, "%d%s", y->year,
                 y->source == ANALYSIS_SRC_BASELINE ? " (awal)" : "");
        int k = chart_add_category(c, year);
        if (y->has_realisasi)
            chart_set_value(c, real, k, y->realisasi, CHART_USE_SERIES);
        if (y->has_target)
            chart_set_value(c, target, k, y->target, CHART_USE_SERIES);
    }
    char year[16];
    snprintf(year, sizeof year, "%d", a->year);
    int k = chart_add_category(c, year);
    if (ind->submitted)
        chart_set_value(c, real, k, ind->realisasi, CHART_USE_SERIES);
    else
        chart_set_note(c, k, "data tidak disampaikan");
    chart_set_value(c, target, k, s_target_point(ind), CHART_USE_SERIES);
    if (ind->has_renstra_final) {
        char n[40], ref[96];
        idfmt_number_trim(ind->renstra_final, 3, n, sizeof n);
        snprintf(ref, sizeof ref, "Target akhir Renstra %d: %s%s", ind->renstra_last, n,
                 pct ? "%" : "");
        chart_add_ref(c, ind->renstra_final, "", DRAFTCHART_REF_RGB);
        chart_add_legend(c, "Realisasi", DRAFTCHART_REALISASI_RGB, false);
        chart_add_legend(c, "Target tahunan", DRAFTCHART_TARGET_RGB, true);
        chart_add_legend(c, ref, DRAFTCHART_REF_RGB, true);
    }
    return c;
}

chart_t *draftchart_serapan(const analysis_t *a)
{
    if (a->n_units <= 0)
        return NULL;
    char title[96];
    snprintf(title, sizeof title, "Serapan Anggaran dan Capaian Kinerja per Unit Tahun %d",
             a->year);
    chart_t *c = chart_new("", "Persen (%)", "%");
    chart_set_alt(c, title);
    int ser = chart_add_series(c, "Serapan anggaran", CHART_BARS, DRAFTCHART_SERAPAN_RGB);
    int cap = chart_add_series(c, "Rata-rata capaian", CHART_BARS, DRAFTCHART_CAPAIAN_RGB);
    for (int u = 0; u < a->n_units; u++) {
        const analysis_group_t *g = &a->units[u];
        int k = chart_add_category(c, g->key);
        if (!g->submitted) {
            chart_set_note(c, k, "data tidak disampaikan");
            continue;
        }
        if (g->has_anggaran && g->serapan.rated)
            chart_set_value(c, ser, k, g->serapan.percent, CHART_USE_SERIES);
        if (g->average.rated)
            chart_set_value(c, cap, k, g->average.percent, CHART_USE_SERIES);
    }
    chart_add_ref(c, 100.0, "100%", DRAFTCHART_REF_RGB);
    return c;
}
