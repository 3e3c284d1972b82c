/* chart — bar and line charts drawn with cairo for the documents lkip writes: categories along
 * the x axis, bar series side by side within a category, line series through the categories,
 * horizontal reference lines (100%, a Renstra target), value labels and axis ticks written the
 * Indonesian way (idfmt.h: "97,5%", "1.250").
 *
 * A chart_t is the specification. chart_layout() computes, for a size in points, where every
 * bar, point, tick, label and line goes, as plain data that tests can count and sample;
 * chart_draw() paints a layout on any cairo context, so the same code makes the PNG of a DOCX
 * (chart_png) and the vectors of a PDF. Text is drawn with pango (Liberation Sans) through the
 * calling thread's default pango font map (per thread since pango 1.32.6), so any thread may
 * draw; one chart is used by one thread at a time. */
#ifndef LKIP_CHART_H
#define LKIP_CHART_H

#include <cairo.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define CHART_MAX_TICKS  16
#define CHART_MAX_REFS   4
#define CHART_LABEL_MAX  48
#define CHART_USE_SERIES 0xFFFFFFFFu /* chart_set_value: paint with the series colour */

typedef struct chart chart_t;

typedef enum {
    CHART_BARS, /* bars, side by side with the other bar series of the category */
    CHART_LINE, /* a line through the values of consecutive categories, with markers */
} chart_series_kind_t;

/* ---- specification ------------------------------------------------------------------------- */

/* An empty chart with a title drawn at its top ("" for none: the document's caption names it),
 * the y axis title ("Capaian (%)") and a suffix for
 * tick and value labels ("%", or ""). Caller owns it (chart_destroy). */
chart_t *chart_new(const char *title, const char *y_title, const char *suffix);
void chart_destroy(chart_t **self_p);

/* Adds a category (an x position) and returns its index. */
int chart_add_category(chart_t *c, const char *label);
/* Adds a series of the given kind and colour (0xRRGGBB) and returns its index. */
int chart_add_series(chart_t *c, const char *name, chart_series_kind_t kind, uint32_t rgb);
/* Gives series s a value at category k, painted rgb (CHART_USE_SERIES: the series colour).
 * A category without a value in a series has no bar or point there. */
void chart_set_value(chart_t *c, int s, int k, double value, uint32_t rgb);
/* A note written at category k in place of values ("belum dapat dinilai"). */
void chart_set_note(chart_t *c, int k, const char *note);
/* A dashed horizontal reference line at value, labelled (e.g. "100%") at the right of the plot;
 * a long label belongs in the legend instead (label ""). At most CHART_MAX_REFS. */
void chart_add_ref(chart_t *c, double value, const char *label, uint32_t rgb);
/* An entry of the legend. Without any, the legend lists the series. */
void chart_add_legend(chart_t *c, const char *text, uint32_t rgb, bool line);
/* Write each bar's value above it when it fits (default true). */
void chart_set_value_labels(chart_t *c, bool on);

/* The chart described in words, for the image's alternative text (DOCX "descr"); without it
 * the title. */
void chart_set_alt(chart_t *c, const char *alt);
const char *chart_alt(const chart_t *c);

int chart_n_categories(const chart_t *c);
int chart_n_series(const chart_t *c);
const char *chart_title(const chart_t *c);

/* ---- layout -------------------------------------------------------------------------------- */

typedef struct {
    double x, y, w, h; /* points, y downwards from the chart's top-left corner */
} chart_rect_t;

typedef struct {
    chart_rect_t rect;
    int series;
    int category;
    double value;
    uint32_t rgb;
    char label[CHART_LABEL_MAX]; /* value written above the bar; "" when it does not fit */
} chart_bar_t;

typedef struct {
    double x, y; /* centre of the marker */
    int series;
    int category;
    double value;
    uint32_t rgb;
} chart_point_t;

typedef struct {
    double value;
    double y;
    char label[CHART_LABEL_MAX];
} chart_tick_t;

typedef struct {
    double value;
    double y;
    uint32_t rgb;
    const char *label; /* the chart's string */
} chart_ref_t;

typedef struct {
    double x;          /* centre of the category */
    double w;          /* width available to its label */
    const char *label; /* the chart's string */
    const char *note;  /* "" when none */
} chart_cat_t;

typedef struct {
    chart_rect_t swatch;
    double text_x, text_y;
    uint32_t rgb;
    bool line;        /* a line sample rather than a filled box */
    const char *text; /* the chart's string */
} chart_legend_t;

typedef struct {
    double width, height; /* points */
    chart_rect_t title;
    chart_rect_t plot;
    double y_min, y_max; /* value range of the plot */
    double y_title_x;    /* centre of the rotated y axis title */
    double cat_label_y;  /* top of the category labels */
    int cat_label_lines; /* lines reserved for them */
    int n_ticks;
    chart_tick_t ticks[CHART_MAX_TICKS];
    int n_refs;
    chart_ref_t refs[CHART_MAX_REFS];
    int n_bars;
    chart_bar_t *bars;
    int n_points;
    chart_point_t *points; /* by series, then category */
    int n_cats;
    chart_cat_t *cats;
    int n_legend;
    chart_legend_t *legend;
} chart_layout_t;

/* Where everything goes at width x height points. Caller owns it (chart_layout_destroy); it
 * points into c, which must outlive it. */
chart_layout_t *chart_layout(const chart_t *c, double width, double height);
void chart_layout_destroy(chart_layout_t **self_p);

/* ---- drawing ------------------------------------------------------------------------------- */

/* Paints c laid out at width x height points with its top-left corner at the current origin of
 * cr (whose state is saved and restored). */
void chart_draw(cairo_t *cr, const chart_t *c, const chart_layout_t *layout);

/* The chart as a PNG of width x height points at dpi dots per inch (pixel size: points * dpi
 * / 72, rounded). Caller owns *png (free). Returns 0, or -EIO when cairo fails. */
int chart_png(const chart_t *c, double width, double height, double dpi, uint8_t **png, size_t *len,
              int *px_width, int *px_height) WUR;

#endif
