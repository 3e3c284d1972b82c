/* analysis_xlsx — see analysis_xlsx.h. Percentages are written as numbers (104 for 104%) with
 * two decimals, so that Excel shows them the reader's way (104,00 in Indonesian settings) and the
 * chart can draw them against a constant 100. A value that is not rated is left blank, its reason
 * in the category column. */
#include "analysis_xlsx.h"

#include "xlsx_write.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_MAX_YEARS 16

typedef struct {
    lxw_format *title;
    lxw_format *bold;
    lxw_format *head;
    lxw_format *text;
    lxw_format *pct;
    lxw_format *money;
    lxw_format *num;
} s_fmt_t;

typedef struct {
    lxw_workbook *wb;
    const analysis_t *a;
    s_fmt_t f;
    int years[S_MAX_YEARS]; /* the earlier years any indicator has, ascending */
    int n_years;
} s_book_t;

static void s_formats(s_book_t *b)
{
    lxw_workbook *wb = b->wb;
    b->f.title = workbook_add_format(wb);
    format_set_bold(b->f.title);
    format_set_font_size(b->f.title, 13);
    b->f.bold = workbook_add_format(wb);
    format_set_bold(b->f.bold);
    b->f.head = workbook_add_format(wb);
    format_set_bold(b->f.head);
    format_set_text_wrap(b->f.head);
    format_set_border(b->f.head, LXW_BORDER_THIN);
    format_set_bg_color(b->f.head, 0xD9E1F2);
    format_set_align(b->f.head, LXW_ALIGN_VERTICAL_CENTER);
    b->f.text = workbook_add_format(wb);
    format_set_text_wrap(b->f.text);
    format_set_align(b->f.text, LXW_ALIGN_VERTICAL_TOP);
    b->f.pct = workbook_add_format(wb);
    format_set_num_format(b->f.pct, "0.00");
    b->f.money = workbook_add_format(wb);
    format_set_num_format(b->f.money, "#,##0");
    b->f.num = workbook_add_format(wb);
    format_set_num_format(b->f.num, "#,##0.##");
}

static void s_collect_years(s_book_t *b)
{
    for (int i = 0; i < b->a->n_indicators; i++) {
        const analysis_indicator_t *x = &b->a->indicators[i];
        for (int k = 0; k < x->n_history; k++) {
            int y = x->history[k].year, j = 0;
            while (j < b->n_years && b->years[j] < y)
                j++;
            if ((j < b->n_years && b->years[j] == y) || b->n_years == S_MAX_YEARS)
                continue;
            memmove(&b->years[j + 1], &b->years[j], (size_t)(b->n_years - j) * sizeof(int));
            b->years[j] = y;
            b->n_years++;
        }
    }
}

static void s_pct(lxw_worksheet *ws, int r, int c, capaian_t v, const s_fmt_t *f)
{
    if (v.rated)
        worksheet_write_number(ws, (lxw_row_t)r, (lxw_col_t)c, v.percent, f->pct);
}

static void s_head(lxw_worksheet *ws, int r, int *c, const char *title, double width,
                   const s_fmt_t *f)
{
    worksheet_write_string(ws, (lxw_row_t)r, (lxw_col_t)*c, title, f->head);
    worksheet_set_column(ws, (lxw_col_t)*c, (lxw_col_t)*c, width, NULL);
    (*c)++;
}

/* ---- Ringkasan ---------------------------------------------------------------------------- */

static void s_summary(s_book_t *b)
{
    const analysis_t *a = b->a;
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, "Ringkasan");
    char line[512];
    snprintf(line, sizeof line, "ANALISIS CAPAIAN KINERJA TAHUN %d", a->year);
    worksheet_write_string(ws, 0, 0, line, b->f.title);
    worksheet_write_string(ws, 1, 0, a->org_name, b->f.bold);
    if (a->pk_version)
        snprintf(line, sizeof line, "Periode %s; Perjanjian Kinerja versi %d", a->period,
                 a->pk_version);
    else
        snprintf(line, sizeof line, "Periode %s; tanpa Perjanjian Kinerja", a->period);
    worksheet_write_string(ws, 2, 0, line, NULL);
    int r = 4;
    worksheet_write_string(ws, r, 0, "Jumlah indikator", NULL);
    worksheet_write_number(ws, r++, 1, a->n_indicators, NULL);
    worksheet_write_string(ws, r, 0, "Rata-rata capaian (%; tiap indikator dibatasi 120%)", NULL);
    s_pct(ws, r, 1, a->average, &b->f);
    worksheet_write_string(ws, r++, 2, a->average_rating, NULL);
    r++;
    worksheet_write_string(ws, r, 0, "Kategori capaian", b->f.head);
    worksheet_write_string(ws, r++, 1, "Jumlah indikator", b->f.head);
    for (int i = 0; i < a->scale->n && i < CAPAIAN_MAX_BANDS; i++) {
        worksheet_write_string(ws, (lxw_row_t)r, 0, a->scale->name[i], NULL);
        worksheet_write_number(ws, (lxw_row_t)r++, 1, a->rating_counts[i], NULL);
    }
    worksheet_write_string(ws, r, 0, "Belum dapat dinilai atau data tidak disampaikan", NULL);
    worksheet_write_number(ws, r++, 1, a->unrated, NULL);
    r++;
    worksheet_write_string(ws, r, 0, "Pagu (Rp)", NULL);
    worksheet_write_number(ws, r++, 1, a->pagu, b->f.money);
    worksheet_write_string(ws, r, 0, "Realisasi anggaran (Rp)", NULL);
    worksheet_write_number(ws, r++, 1, a->realisasi_anggaran, b->f.money);
    worksheet_write_string(ws, r, 0, "Serapan anggaran (%)", NULL);
    s_pct(ws, r++, 1, a->serapan, &b->f);
    r++;
    worksheet_write_string(ws, r++, 0,
                           a->n_missing_units ? "Unit yang tidak menyampaikan data:"
                                              : "Semua unit telah menyampaikan data.",
                           b->f.bold);
    for (int i = 0; i < a->n_missing_units; i++)
        worksheet_write_string(ws, (lxw_row_t)r++, 0, a->missing_units[i], NULL);
    worksheet_set_column(ws, 0, 0, 52, NULL);
    worksheet_set_column(ws, 1, 2, 18, NULL);
}

/* ---- Capaian ------------------------------------------------------------------------------ */

/* The column titles of sheet Capaian; returns the column of "Capaian (%)" in *cap_col and of the
 * constant 100 in *hundred_col, the label in *label_col. */
static void s_capaian_head(s_book_t *b, lxw_worksheet *ws, int *cap_col, int *hundred_col,
                           int *label_col)
{
    static const struct {
        const char *title;
        double width;
    } fixed[] = {{"No", 5},         {"Unit", 12},        {"Kode", 10},    {"Sasaran", 30},
                 {"Indikator", 36}, {"Satuan", 9},       {"Arah", 7},     {"Target", 10},
                 {"Realisasi", 10}, {"Capaian (%)", 10}, {"Kategori", 16}};
    int c = 0;
    for (size_t i = 0; i < ARRAY_LEN(fixed); i++)
        s_head(ws, 0, &c, fixed[i].title, fixed[i].width, &b->f);
    *cap_col = 9;
    char t[64];
    for (int i = 0; i < b->n_years; i++) {
        snprintf(t, sizeof t, "Realisasi %d", b->years[i]);
        s_head(ws, 0, &c, t, 10, &b->f);
        snprintf(t, sizeof t, "Capaian %d (%%)", b->years[i]);
        s_head(ws, 0, &c, t, 10, &b->f);
        snprintf(t, sizeof t, "Sumber %d", b->years[i]);
        s_head(ws, 0, &c, t, 9, &b->f);
    }
    snprintf(t, sizeof t, "Target Renstra %d", b->a->year);
    s_head(ws, 0, &c, t, 10, &b->f);
    s_head(ws, 0, &c, "Target Akhir Renstra", 10, &b->f);
    s_head(ws, 0, &c, "Progres terhadap Target Akhir (%)", 12, &b->f);
    s_head(ws, 0, &c, "Pagu (Rp)", 16, &b->f);
    s_head(ws, 0, &c, "Realisasi Anggaran (Rp)", 16, &b->f);
    s_head(ws, 0, &c, "Serapan (%)", 10, &b->f);
    s_head(ws, 0, &c, "Efisiensi (%)", 10, &b->f);
    *hundred_col = c;
    s_head(ws, 0, &c, "Target Capaian (%)", 10, &b->f);
    *label_col = c;
    s_head(ws, 0, &c, "Label Grafik", 14, &b->f);
}

static void s_capaian_history(s_book_t *b, lxw_worksheet *ws, int r, int *c,
                              const analysis_indicator_t *x)
{
    for (int i = 0; i < b->n_years; i++, *c += 3) {
        const analysis_year_t *h = NULL;
        for (int k = 0; k < x->n_history && !h; k++)
            if (x->history[k].year == b->years[i])
                h = &x->history[k];
        if (!h)
            continue;
        if (h->has_realisasi)
            worksheet_write_number(ws, (lxw_row_t)r, (lxw_col_t)*c, h->realisasi, b->f.num);
        s_pct(ws, r, *c + 1, h->capaian, &b->f);
        const char *src = analysis_source_name(h->source);
        worksheet_write_string(ws, (lxw_row_t)r, (lxw_col_t)(*c + 2), *src ? src : "-", NULL);
    }
}

static void s_capaian_row(s_book_t *b, lxw_worksheet *ws, int r, int no,
                          const analysis_indicator_t *x)
{
    const s_fmt_t *f = &b->f;
    worksheet_write_number(ws, (lxw_row_t)r, 0, no, NULL);
    const char *text[] = {x->unit_code,  x->code,   x->sasaran,
                          x->indikator,  x->satuan, x->dir == CAPAIAN_LOWER ? "turun" : "naik",
                          x->target_text};
    for (int c = 0; c < 7; c++)
        worksheet_write_string(ws, (lxw_row_t)r, (lxw_col_t)(c + 1), text[c], f->text);
    if (x->submitted)
        worksheet_write_number(ws, (lxw_row_t)r, 8, x->realisasi, f->num);
    s_pct(ws, r, 9, x->capaian, f);
    worksheet_write_string(ws, (lxw_row_t)r, 10,
                           x->submitted ? x->rating : "Data tidak disampaikan", NULL);
    int c = 11;
    s_capaian_history(b, ws, r, &c, x);
    if (x->has_renstra_target)
        worksheet_write_number(ws, (lxw_row_t)r, (lxw_col_t)c, x->renstra_target, f->num);
    if (x->has_renstra_final)
        worksheet_write_number(ws, (lxw_row_t)r, (lxw_col_t)(c + 1), x->renstra_final, f->num);
    s_pct(ws, r, c + 2, x->progress, f);
    if (x->has_anggaran) {
        worksheet_write_number(ws, (lxw_row_t)r, (lxw_col_t)(c + 3), x->pagu, f->money);
        worksheet_write_number(ws, (lxw_row_t)r, (lxw_col_t)(c + 4), x->realisasi_anggaran,
                               f->money);
    }
    s_pct(ws, r, c + 5, x->serapan, f);
    s_pct(ws, r, c + 6, x->efisiensi, f);
    worksheet_write_number(ws, (lxw_row_t)r, (lxw_col_t)(c + 7), 100, f->pct);
    worksheet_write_string(ws, (lxw_row_t)r, (lxw_col_t)(c + 8), *x->code ? x->code : x->indikator,
                           NULL);
}

/* The chart of capaian per indicator, on its own sheet: each indicator's capaian as a filled
 * column, and 100% as an outlined column over it (overlap 100), so that what falls short or
 * exceeds shows at a glance. */
static void s_chart(s_book_t *b, int cap_col, int hundred_col, int label_col)
{
    int n = b->a->n_indicators;
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, "Grafik");
    worksheet_set_landscape(ws);
    worksheet_set_paper(ws, 9);
    char title[128];
    snprintf(title, sizeof title, "Capaian kinerja per indikator tahun %d (%%)", b->a->year);
    worksheet_write_string(ws, 0, 0, title, b->f.title);
    if (n == 0)
        return;
    lxw_chart *chart = workbook_add_chart(b->wb, LXW_CHART_COLUMN);
    chart_title_set_name(chart, title);
    lxw_chart_series *s = chart_add_series(chart, NULL, NULL);
    chart_series_set_name(s, "Capaian (%)");
    chart_series_set_categories(s, "Capaian", 1, (lxw_col_t)label_col, (lxw_row_t)n,
                                (lxw_col_t)label_col);
    chart_series_set_values(s, "Capaian", 1, (lxw_col_t)cap_col, (lxw_row_t)n, (lxw_col_t)cap_col);
    lxw_chart_fill fill = {.color = 0x4472C4};
    chart_series_set_fill(s, &fill);
    lxw_chart_series *t = chart_add_series(chart, NULL, NULL);
    chart_series_set_name(t, "Target (100%)");
    chart_series_set_categories(t, "Capaian", 1, (lxw_col_t)label_col, (lxw_row_t)n,
                                (lxw_col_t)label_col);
    chart_series_set_values(t, "Capaian", 1, (lxw_col_t)hundred_col, (lxw_row_t)n,
                            (lxw_col_t)hundred_col);
    lxw_chart_fill none = {.none = LXW_TRUE};
    lxw_chart_line edge = {.color = 0xC00000, .width = 1.5, .dash_type = LXW_CHART_LINE_DASH_DASH};
    chart_series_set_fill(t, &none);
    chart_series_set_line(t, &edge);
    chart_set_series_overlap(chart, 100);
    chart_axis_set_name(chart->y_axis, "Capaian (%)");
    chart_axis_set_min(chart->y_axis, 0);
    chart_legend_set_position(chart, LXW_CHART_LEGEND_BOTTOM);
    lxw_chart_options opts = {.x_scale = n > 12 ? 2.5 : 1.8, .y_scale = 1.6};
    worksheet_insert_chart_opt(ws, 2, 0, chart, &opts);
}

static void s_capaian(s_book_t *b)
{
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, "Capaian");
    int cap_col, hundred_col, label_col;
    s_capaian_head(b, ws, &cap_col, &hundred_col, &label_col);
    worksheet_set_row(ws, 0, 45, NULL);
    for (int i = 0; i < b->a->n_indicators; i++)
        s_capaian_row(b, ws, i + 1, i + 1, &b->a->indicators[i]);
    worksheet_freeze_panes(ws, 1, 3);
    worksheet_set_landscape(ws);
    worksheet_set_paper(ws, 9); /* A4 */
    s_chart(b, cap_col, hundred_col, label_col);
}

/* ---- summaries and explanations ----------------------------------------------------------- */

static void s_groups(s_book_t *b, const char *sheet, const char *key_title,
                     const analysis_group_t *groups, int n)
{
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, sheet);
    int c = 0;
    s_head(ws, 0, &c, key_title, 40, &b->f);
    s_head(ws, 0, &c, "Jumlah Indikator", 10, &b->f);
    s_head(ws, 0, &c, "Dapat Dinilai", 10, &b->f);
    s_head(ws, 0, &c, "Rata-rata Capaian (%)", 12, &b->f);
    s_head(ws, 0, &c, "Kategori", 16, &b->f);
    s_head(ws, 0, &c, "Data", 14, &b->f);
    s_head(ws, 0, &c, "Pagu (Rp)", 16, &b->f);
    s_head(ws, 0, &c, "Realisasi Anggaran (Rp)", 16, &b->f);
    s_head(ws, 0, &c, "Serapan (%)", 10, &b->f);
    for (int i = 0; i < n; i++) {
        const analysis_group_t *g = &groups[i];
        lxw_row_t r = (lxw_row_t)(i + 1);
        char name[600];
        if (strcmp(g->key, g->name) != 0)
            snprintf(name, sizeof name, "%s (%s)", g->name, g->key);
        else
            snprintf(name, sizeof name, "%s", g->name);
        worksheet_write_string(ws, r, 0, name, b->f.text);
        worksheet_write_number(ws, r, 1, g->n_indicators, NULL);
        worksheet_write_number(ws, r, 2, g->n_rated, NULL);
        s_pct(ws, (int)r, 3, g->average, &b->f);
        worksheet_write_string(ws, r, 4, g->rating, NULL);
        worksheet_write_string(ws, r, 5, g->submitted ? "disampaikan" : "tidak disampaikan", NULL);
        if (g->has_anggaran) {
            worksheet_write_number(ws, r, 6, g->pagu, b->f.money);
            worksheet_write_number(ws, r, 7, g->realisasi_anggaran, b->f.money);
        }
        s_pct(ws, (int)r, 8, g->serapan, &b->f);
    }
}

static void s_explanations(s_book_t *b)
{
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, "Penjelasan");
    int c = 0;
    s_head(ws, 0, &c, "Unit", 12, &b->f);
    s_head(ws, 0, &c, "Kode", 10, &b->f);
    s_head(ws, 0, &c, "Indikator", 36, &b->f);
    s_head(ws, 0, &c, "Penjelasan", 40, &b->f);
    s_head(ws, 0, &c, "Faktor Pendukung", 30, &b->f);
    s_head(ws, 0, &c, "Faktor Penghambat", 30, &b->f);
    s_head(ws, 0, &c, "Upaya / Rencana Tindak Lanjut", 36, &b->f);
    for (int i = 0; i < b->a->n_indicators; i++) {
        const analysis_indicator_t *x = &b->a->indicators[i];
        const char *text[] = {
            x->unit_code,         x->code, x->indikator, x->penjelasan, x->faktor_pendukung,
            x->faktor_penghambat, x->upaya};
        for (int k = 0; k < 7; k++)
            worksheet_write_string(ws, (lxw_row_t)(i + 1), (lxw_col_t)k, text[k], b->f.text);
    }
}

int analysis_xlsx_write(const analysis_t *a, uint8_t **data, size_t *len, const char **why)
{
    xlsx_write_t *w = xlsx_write_new();
    if (!w) {
        *why = "could not make a temporary folder";
        return -EIO;
    }
    s_book_t b = {.wb = xlsx_write_book(w), .a = a};
    s_formats(&b);
    s_collect_years(&b);
    s_summary(&b);
    s_capaian(&b);
    s_groups(&b, "Per Sasaran", "Sasaran", a->sasaran, a->n_sasaran);
    s_groups(&b, "Per Unit", "Unit", a->units, a->n_units);
    s_explanations(&b);
    lxw_doc_properties props = {.title = "Analisis capaian kinerja", .company = a->org_name};
    workbook_set_properties(b.wb, &props);
    return xlsx_write_finish(&w, data, len, why);
}
