/* test_chart — chart layouts (bars counted and placed exactly, ticks and labels in Indonesian
 * format, notes for values that cannot be shown), the draft's charts built from analyses, and
 * the PNGs: they decode at the stated size and show each bar's colour at its centre. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "../fixture/afix.h"
#include "chart.h"
#include "docpdf.h"
#include "draftchart.h"

#include <cairo.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tc_teardown_fonts(void **state)
{
    (void)state;
    docpdf_release_fonts(true);
    return 0;
}

/* A chart of n categories with one bar series valued 10, 20, 30 ... */
static chart_t *tc_bars(int n)
{
    chart_t *c = chart_new("Judul", "Capaian (%)", "%");
    int s = chart_add_series(c, "Capaian", CHART_BARS, 0x336699);
    for (int k = 0; k < n; k++) {
        char label[16];
        snprintf(label, sizeof label, "%d", k + 1);
        chart_set_value(c, s, chart_add_category(c, label), 10.0 * (k + 1), CHART_USE_SERIES);
    }
    return c;
}

static void tc_layout_counts_and_places_bars(void **state)
{
    (void)state;
    chart_t *c = tc_bars(7);
    chart_set_note(c, 3, "belum dapat dinilai");
    chart_add_ref(c, 100, "100%", 0xC00000);
    chart_layout_t *l = chart_layout(c, 450, 220);
    assert_int_equal(l->n_bars, 7);
    assert_int_equal(l->n_cats, 7);
    assert_int_equal(l->n_refs, 1);
    assert_string_equal(l->cats[3].note, "belum dapat dinilai");
    for (int i = 0; i < l->n_bars; i++) {
        const chart_bar_t *b = &l->bars[i];
        assert_int_equal(b->category, i);
        /* bars stand on zero, rise with the value, and stay inside the plot */
        assert_true(fabs(b->rect.y + b->rect.h - (l->plot.y + l->plot.h)) < 1e-6);
        assert_true(b->rect.y >= l->plot.y - 1e-6);
        assert_true(b->rect.x >= l->plot.x && b->rect.x + b->rect.w <= l->plot.x + l->plot.w);
        if (i > 0)
            assert_true(b->rect.h > l->bars[i - 1].rect.h);
    }
    /* the 100% line sits where the axis says 100 */
    double y100 = l->plot.y + l->plot.h * (l->y_max - 100) / (l->y_max - l->y_min);
    assert_true(fabs(l->refs[0].y - y100) < 1e-6);
    assert_true(l->y_max >= 100);
    chart_layout_destroy(&l);
    chart_destroy(&c);
}

static void tc_ticks_are_indonesian(void **state)
{
    (void)state;
    chart_t *c = chart_new("", "indeks", "");
    int s = chart_add_series(c, "Realisasi", CHART_BARS, 0x336699);
    chart_set_value(c, s, chart_add_category(c, "2025"), 0.45, CHART_USE_SERIES);
    chart_set_value(c, s, chart_add_category(c, "2026"), 0.85, CHART_USE_SERIES);
    chart_layout_t *l = chart_layout(c, 360, 180);
    bool comma = false;
    for (int i = 0; i < l->n_ticks; i++) {
        assert_null(strchr(l->ticks[i].label, '.'));
        comma |= strchr(l->ticks[i].label, ',') != NULL;
        if (i > 0)
            assert_true(l->ticks[i].y < l->ticks[i - 1].y);
    }
    assert_true(comma);
    assert_string_equal(l->bars[1].label, "0,85");
    chart_layout_destroy(&l);
    chart_destroy(&c);

    c = chart_new("", "Rp", "");
    s = chart_add_series(c, "Pagu", CHART_BARS, 0x336699);
    chart_set_value(c, s, chart_add_category(c, "A"), 2750000, CHART_USE_SERIES);
    l = chart_layout(c, 360, 180);
    bool thousands = false;
    for (int i = 0; i < l->n_ticks; i++)
        thousands |= strstr(l->ticks[i].label, ".000") != NULL;
    assert_true(thousands);
    chart_layout_destroy(&l);
    chart_destroy(&c);
}

static void tc_negative_and_line_series(void **state)
{
    (void)state;
    chart_t *c = chart_new("", "nilai", "");
    int bars = chart_add_series(c, "Realisasi", CHART_BARS, 0x336699);
    int line = chart_add_series(c, "Target", CHART_LINE, 0xED7D31);
    for (int k = 0; k < 4; k++) {
        int cat = chart_add_category(c, "x");
        chart_set_value(c, bars, cat, k == 2 ? -5 : 10 + k, CHART_USE_SERIES);
        if (k != 1)
            chart_set_value(c, line, cat, 12, CHART_USE_SERIES);
    }
    chart_layout_t *l = chart_layout(c, 400, 200);
    assert_int_equal(l->n_bars, 4);
    assert_int_equal(l->n_points, 3);
    assert_true(l->y_min < 0);
    double y0 = l->plot.y + l->plot.h * l->y_max / (l->y_max - l->y_min);
    assert_true(fabs(l->bars[2].rect.y - y0) < 1e-6); /* hangs below zero */
    assert_true(fabs(l->bars[0].rect.y + l->bars[0].rect.h - y0) < 1e-6);
    assert_int_equal(l->n_legend, 2);
    chart_layout_destroy(&l);
    chart_destroy(&c);
}

static cairo_status_t tc_read(void *closure, unsigned char *data, unsigned int length)
{
    const uint8_t **p = closure;
    memcpy(data, *p, length);
    *p += length;
    return CAIRO_STATUS_SUCCESS;
}

/* Decodes a PNG and checks its size and the colour at every bar's centre. */
static void tc_check_png(const chart_t *c, double w, double h, double dpi)
{
    uint8_t *png;
    size_t len;
    int pw, ph;
    assert_int_equal(chart_png(c, w, h, dpi, &png, &len, &pw, &ph), 0);
    assert_int_equal(pw, (int)lround(w * dpi / 72));
    assert_int_equal(ph, (int)lround(h * dpi / 72));
    assert_memory_equal(png, "\x89PNG\r\n\x1a\n", 8);
    const uint8_t *cursor = png;
    cairo_surface_t *s = cairo_image_surface_create_from_png_stream(tc_read, &cursor);
    assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
    assert_int_equal(cairo_image_surface_get_width(s), pw);
    assert_int_equal(cairo_image_surface_get_height(s), ph);
    chart_layout_t *l = chart_layout(c, w, h);
    cairo_surface_flush(s);
    const uint8_t *px = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    for (int i = 0; i < l->n_bars; i++) {
        const chart_bar_t *b = &l->bars[i];
        if (b->rect.h * dpi / 72 < 4)
            continue; /* too thin to sample */
        int x = (int)((b->rect.x + b->rect.w / 2) * dpi / 72);
        int y = (int)((b->rect.y + b->rect.h * 0.6) * dpi / 72);
        uint32_t v = *(const uint32_t *)(px + (size_t)y * (size_t)stride + (size_t)x * 4);
        assert_int_equal(v & 0xFFFFFF, b->rgb);
    }
    chart_layout_destroy(&l);
    cairo_surface_destroy(s);
    free(png);
}

static void tc_png_size_and_pixels(void **state)
{
    (void)state;
    chart_t *c = tc_bars(12);
    tc_check_png(c, 453.5, 221, 150);
    tc_check_png(c, 300, 150, 96);
    chart_destroy(&c);
}

static void tc_draft_charts(void **state)
{
    (void)state;
    analysis_t *a = afix_edge();
    for (int g = 0; g < a->n_sasaran; g++) {
        const analysis_group_t *grp = &a->sasaran[g];
        chart_t *c = draftchart_capaian(a, g);
        chart_layout_t *l = chart_layout(c, 453.5, 221);
        int rated = 0, notes = 0;
        for (int j = 0; j < grp->n_indicators; j++)
            rated += a->indicators[grp->indicators[j]].capaian.rated;
        for (int k = 0; k < l->n_cats; k++)
            notes += l->cats[k].note[0] != '\0';
        /* one bar per indicator with a capaian, one note for each without */
        assert_int_equal(l->n_cats, grp->n_indicators);
        assert_int_equal(l->n_bars, rated);
        assert_int_equal(notes, grp->n_indicators - rated);
        for (int i = 0; i < l->n_bars; i++) {
            const analysis_indicator_t *ind = &a->indicators[grp->indicators[l->bars[i].category]];
            assert_true(fabs(l->bars[i].value - ind->capaian.percent) < 1e-9);
            assert_int_equal(l->bars[i].rgb, draftchart_rating_rgb(a->scale, ind->rating));
        }
        tc_check_png(c, 453.5, 221, 150);
        chart_layout_destroy(&l);
        chart_destroy(&c);
    }
    assert_null(draftchart_capaian(a, a->n_sasaran));
    chart_t *u = draftchart_serapan(a);
    chart_layout_t *l = chart_layout(u, 453.5, 221);
    int expect = 0;
    for (int g = 0; g < a->n_units; g++)
        expect += a->units[g].submitted ? (a->units[g].has_anggaran && a->units[g].serapan.rated) +
                                              a->units[g].average.rated
                                        : 0;
    assert_int_equal(l->n_cats, a->n_units);
    assert_int_equal(l->n_bars, expect);
    chart_layout_destroy(&l);
    chart_destroy(&u);
    afix_free(&a);
}

static void tc_history_chart(void **state)
{
    (void)state;
    analysis_t *a = afix_sample();
    chart_t *c = draftchart_history(a, 0, "1.1");
    chart_layout_t *l = chart_layout(c, 368, 176);
    /* SEK-01: baseline 2024, realisasi 2025 and 2026 as bars; targets 2025 and 2026 */
    assert_int_equal(l->n_cats, 3);
    assert_int_equal(l->n_bars, 3);
    assert_int_equal(l->n_points, 2);
    assert_true(fabs(l->bars[2].value - 68.5) < 1e-9);
    assert_int_equal(l->n_refs, 1);
    assert_true(fabs(l->refs[0].value - 76) < 1e-9);
    bool legend = false;
    for (int i = 0; i < l->n_legend; i++)
        legend |= strcmp(l->legend[i].text, "Target akhir Renstra 2029: 76") == 0;
    assert_true(legend);
    for (int i = 0; i < l->n_bars; i++)
        assert_true(l->bars[i].rect.w <= 48.0 + 1e-9);
    tc_check_png(c, 368, 176, 150);
    chart_layout_destroy(&l);
    chart_destroy(&c);
    afix_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tc_layout_counts_and_places_bars),
        cmocka_unit_test(tc_ticks_are_indonesian),
        cmocka_unit_test(tc_negative_and_line_series),
        cmocka_unit_test(tc_png_size_and_pixels),
        cmocka_unit_test(tc_draft_charts),
        cmocka_unit_test(tc_history_chart),
    };
    return cmocka_run_group_tests(tests, NULL, tc_teardown_fonts);
}
