/* plot — bar and line charts drawn with cairo for the documents lkip writes: categories along
 * the x axis, bar series side by side within a category, line series through the categories,
 * horizontal reference lines (100%, a Renstra target), value labels and axis ticks written the
 * Indonesian way (idfmt.h: "97,5%", "1.250").
 *
 * A plot_t is the specification. plot_layout() computes, for a size in points, where every
 * bar, point, tick, label and line goes, as plain data that tests can count and sample;
 * plot_draw() paints a layout on any cairo context, so the same code makes the PNG of a DOCX
 * (plot_png) and the vectors of a PDF. Text is drawn with pango (Liberation Sans) through the
 * calling thread's default pango font map (per thread since pango 1.32.6), so any thread may
 * draw; one chart is used by one thread at a time. */
#ifndef LKIP_PLOT_H
#define LKIP_PLOT_H

#include <cairo.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define PLOT_MAX_TICKS  16
#define PLOT_MAX_REFS   4
#define PLOT_LABEL_MAX  48
#define PLOT_USE_SERIES 0xFFFFFFFFu /* plot_set_value: paint with the series colour */

typedef struct plot plot_t;

typedef enum {
    PLOT_BARS, /* bars, side by side with the other bar series of the category */
    PLOT_LINE, /* a line through the values of consecutive categories, with markers */
} plot_series_kind_t;

/* ---- specification ------------------------------------------------------------------------- */

/* An empty chart with a title drawn at its top ("" for none: the document's caption names it),
 * the y axis title ("Capaian (%)") and a suffix for
 * tick and value labels ("%", or ""). Caller owns it (plot_destroy). */
plot_t *plot_new(const char *title, const char *y_title, const char *suffix);
void plot_destroy(plot_t **self_p);

/* Adds a category (an x position) and returns its index. */
int plot_add_category(plot_t *c, const char *label);
/* Adds a series of the given kind and colour (0xRRGGBB) and returns its index. */
int plot_add_series(plot_t *c, const char *name, plot_series_kind_t kind, uint32_t rgb);
/* Gives series s a value at category k, painted rgb (PLOT_USE_SERIES: the series colour).
 * A category without a value in a series has no bar or point there. */
void plot_set_value(plot_t *c, int s, int k, double value, uint32_t rgb);
/* A note written at category k in place of values ("belum dapat dinilai"). */
void plot_set_note(plot_t *c, int k, const char *note);
/* A dashed horizontal reference line at value, labelled (e.g. "100%") at the right of the plot;
 * a long label belongs in the legend instead (label ""). At most PLOT_MAX_REFS. */
void plot_add_ref(plot_t *c, double value, const char *label, uint32_t rgb);
/* An entry of the legend. Without any, the legend lists the series. */
void plot_add_legend(plot_t *c, const char *text, uint32_t rgb, bool line);
/* Write each bar's value above it when it fits (default true). */
void plot_set_value_labels(plot_t *c, bool on);

/* The chart described in words, for the image's alternative text (DOCX "descr"); without it
 * the title. */
void plot_set_alt(plot_t *c, const char *alt);
const char *plot_alt(const plot_t *c);

int plot_n_categories(const plot_t *c);
int plot_n_series(const plot_t *c);
const char *plot_title(const plot_t *c);

/* ---- layout -------------------------------------------------------------------------------- */

typedef struct {
    double x, y, w, h; /* points, y downwards from the chart's top-left corner */
} plot_rect_t;

typedef struct {
    plot_rect_t rect;
    int series;
    int category;
    double value;
    uint32_t rgb;
    char label[PLOT_LABEL_MAX]; /* value written above the bar; "" when it does not fit */
} plot_bar_t;

typedef struct {
    double x, y; /* centre of the marker */
    int series;
    int category;
    double value;
    uint32_t rgb;
} plot_point_t;

typedef struct {
    double value;
    double y;
    char label[PLOT_LABEL_MAX];
} plot_tick_t;

typedef struct {
    double value;
    double y;
    uint32_t rgb;
    const char *label; /* the chart's string */
} plot_ref_t;

typedef struct {
    double x;          /* centre of the category */
    double w;          /* width available to its label */
    const char *label; /* the chart's string */
    const char *note;  /* "" when none */
} plot_cat_t;

typedef struct {
    plot_rect_t swatch;
    double text_x, text_y;
    uint32_t rgb;
    bool line;        /* a line sample rather than a filled box */
    const char *text; /* the chart's string */
} plot_legend_t;

typedef struct {
    double width, height; /* points */
    plot_rect_t title;
    plot_rect_t plot;
    double y_min, y_max; /* value range of the plot */
    double y_title_x;    /* centre of the rotated y axis title */
    double cat_label_y;  /* top of the category labels */
    int cat_label_lines; /* lines reserved for them */
    int n_ticks;
    plot_tick_t ticks[PLOT_MAX_TICKS];
    int n_refs;
    plot_ref_t refs[PLOT_MAX_REFS];
    int n_bars;
    plot_bar_t *bars;
    int n_points;
    plot_point_t *points; /* by series, then category */
    int n_cats;
    plot_cat_t *cats;
    int n_legend;
    plot_legend_t *legend;
} plot_layout_t;

/* Where everything goes at width x height points. Caller owns it (plot_layout_destroy); it
 * points into c, which must outlive it. */
plot_layout_t *plot_layout(const plot_t *c, double width, double height);
void plot_layout_destroy(plot_layout_t **self_p);

/* ---- drawing ------------------------------------------------------------------------------- */

/* Paints c laid out at width x height points with its top-left corner at the current origin of
 * cr (whose state is saved and restored). */
void plot_draw(cairo_t *cr, const plot_t *c, const plot_layout_t *layout);

/* The chart as a PNG of width x height points at dpi dots per inch (pixel size: points * dpi
 * / 72, rounded). Caller owns *png (free). Returns 0, or -EIO when cairo fails. */
int plot_png(const plot_t *c, double width, double height, double dpi, uint8_t **png, size_t *len,
             int *px_width, int *px_height) WUR;

#endif
