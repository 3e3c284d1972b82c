/* chart — see chart.h.
 *
 * The layout is computed without pango: text widths are estimated from Arial's advance widths
 * (Liberation Sans has the same metrics), which is exact for the digits, separators and '%' of
 * value labels and close enough for the category labels, which pango wraps when it draws them.
 * Only chart_draw talks to pango, so the layout is plain arithmetic that tests can repeat. */
#include "chart.h"

#include "idfmt.h"

#include <errno.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <png.h>
#include <stdlib.h>
#include <string.h>

#define S_FONT        "Liberation Sans"
#define S_TITLE_PT    9.5
#define S_TEXT_PT     7.5
#define S_SMALL_PT    6.5
#define S_LINE        1.25 /* line height / font size */
#define S_PAD         6.0
#define S_MAX_LABEL_L 4 /* lines reserved at most for a category label */
#define S_GROUP_FILL  0.72
#define S_MAX_BAR_W   48.0 /* a few categories do not make slabs */
#define S_HEADROOM    1.10 /* the largest value stays below the top of the plot */
#define S_BLACK       0x000000u
#define S_GRID        0xD9D9D9u
#define S_NOTE        0x595959u

typedef struct {
    char *name;
    chart_series_kind_t kind;
    uint32_t rgb;
    bool *has; /* per category */
    double *value;
    uint32_t *colour;
} s_series_t;

typedef struct {
    char *text;
    uint32_t rgb;
    bool line;
} s_legend_t;

struct chart {
    char *title;
    char *alt;
    char *y_title;
    char *suffix;
    int n_cats;
    char **cats;
    char **notes;
    int n_series;
    s_series_t *series;
    int n_refs;
    double ref_value[CHART_MAX_REFS];
    char *ref_label[CHART_MAX_REFS];
    uint32_t ref_rgb[CHART_MAX_REFS];
    int n_legend;
    s_legend_t *legend;
    bool value_labels;
};

/* ---- specification ------------------------------------------------------------------------- */

chart_t *chart_new(const char *title, const char *y_title, const char *suffix)
{
    chart_t *c = xcalloc(1, sizeof *c);
    c->title = xstrdup(title ? title : "");
    c->alt = xstrdup("");
    c->y_title = xstrdup(y_title ? y_title : "");
    c->suffix = xstrdup(suffix ? suffix : "");
    c->value_labels = true;
    return c;
}

void chart_destroy(chart_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    chart_t *c = *self_p;
    for (int k = 0; k < c->n_cats; k++) {
        free(c->cats[k]);
        free(c->notes[k]);
    }
    for (int s = 0; s < c->n_series; s++) {
        free(c->series[s].name);
        free(c->series[s].has);
        free(c->series[s].value);
        free(c->series[s].colour);
    }
    for (int r = 0; r < c->n_refs; r++)
        free(c->ref_label[r]);
    for (int i = 0; i < c->n_legend; i++)
        free(c->legend[i].text);
    free(c->cats);
    free(c->notes);
    free(c->series);
    free(c->legend);
    free(c->title);
    free(c->alt);
    free(c->y_title);
    free(c->suffix);
    free(c);
    *self_p = NULL;
}

int chart_add_category(chart_t *c, const char *label)
{
    int k = c->n_cats++;
    c->cats = xrealloc(c->cats, (size_t)c->n_cats * sizeof *c->cats);
    c->notes = xrealloc(c->notes, (size_t)c->n_cats * sizeof *c->notes);
    c->cats[k] = xstrdup(label ? label : "");
    c->notes[k] = xstrdup("");
    for (int s = 0; s < c->n_series; s++) {
        s_series_t *ser = &c->series[s];
        ser->has = xrealloc(ser->has, (size_t)c->n_cats * sizeof *ser->has);
        ser->value = xrealloc(ser->value, (size_t)c->n_cats * sizeof *ser->value);
        ser->colour = xrealloc(ser->colour, (size_t)c->n_cats * sizeof *ser->colour);
        ser->has[k] = false;
        ser->value[k] = 0;
        ser->colour[k] = ser->rgb;
    }
    return k;
}

int chart_add_series(chart_t *c, const char *name, chart_series_kind_t kind, uint32_t rgb)
{
    int s = c->n_series++;
    c->series = xrealloc(c->series, (size_t)c->n_series * sizeof *c->series);
    s_series_t *ser = &c->series[s];
    ser->name = xstrdup(name ? name : "");
    ser->kind = kind;
    ser->rgb = rgb;
    ser->has = xcalloc((size_t)c->n_cats + 1, sizeof *ser->has);
    ser->value = xcalloc((size_t)c->n_cats + 1, sizeof *ser->value);
    ser->colour = xcalloc((size_t)c->n_cats + 1, sizeof *ser->colour);
    return s;
}

void chart_set_value(chart_t *c, int s, int k, double value, uint32_t rgb)
{
    if (s < 0 || s >= c->n_series || k < 0 || k >= c->n_cats || !isfinite(value))
        return;
    s_series_t *ser = &c->series[s];
    ser->has[k] = true;
    ser->value[k] = value;
    ser->colour[k] = rgb == CHART_USE_SERIES ? ser->rgb : rgb;
}

void chart_set_note(chart_t *c, int k, const char *note)
{
    if (k < 0 || k >= c->n_cats)
        return;
    free(c->notes[k]);
    c->notes[k] = xstrdup(note ? note : "");
}

void chart_add_ref(chart_t *c, double value, const char *label, uint32_t rgb)
{
    if (c->n_refs >= CHART_MAX_REFS || !isfinite(value))
        return;
    c->ref_value[c->n_refs] = value;
    c->ref_label[c->n_refs] = xstrdup(label ? label : "");
    c->ref_rgb[c->n_refs] = rgb;
    c->n_refs++;
}

void chart_add_legend(chart_t *c, const char *text, uint32_t rgb, bool line)
{
    c->legend = xrealloc(c->legend, (size_t)(c->n_legend + 1) * sizeof *c->legend);
    c->legend[c->n_legend++] = (s_legend_t){xstrdup(text ? text : ""), rgb, line};
}

void chart_set_value_labels(chart_t *c, bool on)
{
    c->value_labels = on;
}

int chart_n_categories(const chart_t *c)
{
    return c->n_cats;
}

int chart_n_series(const chart_t *c)
{
    return c->n_series;
}

const char *chart_title(const chart_t *c)
{
    return c->title;
}

void chart_set_alt(chart_t *c, const char *alt)
{
    free(c->alt);
    c->alt = xstrdup(alt ? alt : "");
}

const char *chart_alt(const chart_t *c)
{
    return c->alt[0] ? c->alt : c->title;
}

/* ---- layout -------------------------------------------------------------------------------- */

/* Estimated width in points of UTF-8 text at size pt, from Arial's advance widths (1/1000 em). */
static double s_text_width(const char *s, double pt)
{
    double em = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned ch = *p;
        if ((ch & 0xC0) == 0x80)
            continue; /* continuation byte: the lead byte counted the character */
        if (ch >= '0' && ch <= '9')
            em += 556;
        else if (ch == '.' || ch == ',' || ch == ' ' || ch == ':' || ch == 'i' || ch == 'l' ||
                 ch == 'j' || ch == 'I' || ch == '|')
            em += 278;
        else if (ch == '%')
            em += 889;
        else if (ch == '-' || ch == '(' || ch == ')' || ch == 'r' || ch == 't' || ch == 'f')
            em += 333;
        else if (ch == 'm' || ch == 'M' || ch == 'W' || ch == 'w')
            em += 833;
        else if (ch >= 'A' && ch <= 'Z')
            em += 700;
        else
            em += 556;
    }
    return em * pt / 1000.0;
}

/* A "nice" number near x (1, 2, 5 times a power of ten), rounded or taken above. */
static double s_nice(double x, bool round_it)
{
    double e = floor(log10(x));
    double f = x / pow(10, e);
    double nf;
    if (round_it)
        nf = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
    else
        nf = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
    return nf * pow(10, e);
}

static void s_value_text(const chart_t *c, double v, char *buf, size_t len)
{
    char n[40];
    idfmt_number_trim(v, 2, n, sizeof n);
    snprintf(buf, len, "%s%s", n, c->suffix);
}

/* The value range: every value and reference line, 0, and headroom above the largest. */
static void s_range(const chart_t *c, double *lo, double *hi)
{
    double mn = 0, mx = 0;
    for (int s = 0; s < c->n_series; s++) {
        for (int k = 0; k < c->n_cats; k++) {
            if (!c->series[s].has[k])
                continue;
            mn = fmin(mn, c->series[s].value[k]);
            mx = fmax(mx, c->series[s].value[k]);
        }
    }
    for (int r = 0; r < c->n_refs; r++) {
        mn = fmin(mn, c->ref_value[r]);
        mx = fmax(mx, c->ref_value[r]);
    }
    if (mx > 0)
        mx *= S_HEADROOM;
    if (mn < 0)
        mn *= S_HEADROOM;
    if (mx - mn <= 0)
        mx = mn + 1;
    *lo = mn;
    *hi = mx;
}

static void s_ticks(const chart_t *c, chart_layout_t *l)
{
    double lo, hi;
    s_range(c, &lo, &hi);
    double step = s_nice(s_nice(hi - lo, false) / 5.0, true);
    l->y_min = floor(lo / step) * step;
    l->y_max = ceil(hi / step) * step;
    while ((l->y_max - l->y_min) / step + 1 > CHART_MAX_TICKS)
        step *= 2;
    l->y_min = floor(lo / step) * step;
    l->y_max = ceil(hi / step) * step;
    l->n_ticks = 0;
    for (double v = l->y_min; v <= l->y_max + step / 2 && l->n_ticks < CHART_MAX_TICKS; v += step) {
        chart_tick_t *t = &l->ticks[l->n_ticks++];
        t->value = fabs(v) < step / 1e6 ? 0.0 : v;
        s_value_text(c, t->value, t->label, sizeof t->label);
    }
}

static double s_y_of(const chart_layout_t *l, double v)
{
    return l->plot.y + l->plot.h * (l->y_max - v) / (l->y_max - l->y_min);
}

/* Legend entries laid out in rows under the plot; returns the height they take. */
static double s_legend(const chart_t *c, chart_layout_t *l, double width)
{
    int n = c->n_legend ? c->n_legend : c->n_series;
    l->legend = xcalloc((size_t)n + 1, sizeof *l->legend);
    double x = S_PAD, row = 0, line_h = S_TEXT_PT * S_LINE + 2;
    for (int i = 0; i < n; i++) {
        chart_legend_t *e = &l->legend[l->n_legend++];
        e->text = c->n_legend ? c->legend[i].text : c->series[i].name;
        e->rgb = c->n_legend ? c->legend[i].rgb : c->series[i].rgb;
        e->line = c->n_legend ? c->legend[i].line : c->series[i].kind == CHART_LINE;
        double w = 14 + s_text_width(e->text, S_TEXT_PT) + 12;
        if (x > S_PAD && x + w > width - S_PAD) {
            x = S_PAD;
            row++;
        }
        e->swatch = (chart_rect_t){x, row * line_h, 10, S_TEXT_PT};
        e->text_x = x + 14;
        e->text_y = row * line_h;
        x += w;
    }
    return n ? (row + 1) * line_h : 0;
}

static int s_label_lines(const chart_t *c, double slot)
{
    int lines = 1;
    for (int k = 0; k < c->n_cats; k++) {
        double w = s_text_width(c->cats[k], S_TEXT_PT);
        int need = (int)ceil(w / fmax(slot - 2, 1));
        if (need > lines)
            lines = need;
    }
    return lines > S_MAX_LABEL_L ? S_MAX_LABEL_L : lines;
}

/* Bars and points of every series, once the plot rectangle and value range are known. */
static void s_marks(const chart_t *c, chart_layout_t *l)
{
    int n_bar_series = 0;
    for (int s = 0; s < c->n_series; s++)
        n_bar_series += c->series[s].kind == CHART_BARS;
    double slot = l->plot.w / (c->n_cats ? c->n_cats : 1);
    double bar_w = n_bar_series ? fmin(slot * S_GROUP_FILL / n_bar_series, S_MAX_BAR_W) : 0;
    double group_w = bar_w * n_bar_series;
    size_t cap = (size_t)c->n_cats * (size_t)c->n_series + 1;
    l->bars = xcalloc(cap, sizeof *l->bars);
    l->points = xcalloc(cap, sizeof *l->points);
    double y0 = s_y_of(l, fmax(l->y_min, fmin(0.0, l->y_max)));
    int bar_i = 0;
    for (int s = 0; s < c->n_series; s++) {
        const s_series_t *ser = &c->series[s];
        for (int k = 0; k < c->n_cats; k++) {
            if (!ser->has[k])
                continue;
            double cx = l->cats[k].x, y = s_y_of(l, ser->value[k]);
            if (ser->kind == CHART_LINE) {
                l->points[l->n_points++] =
                    (chart_point_t){cx, y, s, k, ser->value[k], ser->colour[k]};
                continue;
            }
            chart_bar_t *b = &l->bars[l->n_bars++];
            double x = cx - group_w / 2 + bar_i * bar_w;
            b->rect = (chart_rect_t){x, fmin(y, y0), bar_w, fabs(y0 - y)};
            b->series = s;
            b->category = k;
            b->value = ser->value[k];
            b->rgb = ser->colour[k];
            if (c->value_labels) {
                s_value_text(c, b->value, b->label, sizeof b->label);
                /* a lone bar may spread its label over the gap; grouped bars may not */
                double room = n_bar_series > 1 ? bar_w + 1 : bar_w + (slot - group_w) * 0.8;
                if (s_text_width(b->label, S_SMALL_PT) > room)
                    b->label[0] = '\0';
            }
        }
        bar_i += ser->kind == CHART_BARS;
    }
}

chart_layout_t *chart_layout(const chart_t *c, double width, double height)
{
    chart_layout_t *l = xcalloc(1, sizeof *l);
    l->width = width;
    l->height = height;
    s_ticks(c, l);
    double title_h = c->title[0] ? S_TITLE_PT * S_LINE + 4 : 0;
    l->title = (chart_rect_t){S_PAD, S_PAD, width - 2 * S_PAD, title_h};
    double tick_w = 0;
    for (int i = 0; i < l->n_ticks; i++)
        tick_w = fmax(tick_w, s_text_width(l->ticks[i].label, S_TEXT_PT));
    double y_title_w = c->y_title[0] ? S_TEXT_PT * S_LINE + 2 : 0;
    double left = S_PAD + y_title_w + tick_w + 4, right = S_PAD;
    for (int r = 0; r < c->n_refs; r++)
        right = fmax(right, s_text_width(c->ref_label[r], S_SMALL_PT) + 6);
    double legend_h = s_legend(c, l, width);
    double plot_w = width - left - right;
    double slot = plot_w / (c->n_cats ? c->n_cats : 1);
    l->cat_label_lines = s_label_lines(c, slot);
    double labels_h = l->cat_label_lines * S_TEXT_PT * S_LINE + 4;
    double top = S_PAD + title_h + S_SMALL_PT; /* room for the top tick label */
    double plot_h = height - top - labels_h - legend_h - 2 * S_PAD;
    l->plot = (chart_rect_t){left, top, plot_w, plot_h > 10 ? plot_h : 10};
    l->y_title_x = S_PAD + y_title_w / 2;
    l->cat_label_y = l->plot.y + l->plot.h + 3;
    double legend_y = l->cat_label_y + labels_h + S_PAD / 2;
    for (int i = 0; i < l->n_legend; i++) {
        l->legend[i].swatch.y += legend_y;
        l->legend[i].text_y += legend_y;
    }
    for (int i = 0; i < l->n_ticks; i++)
        l->ticks[i].y = s_y_of(l, l->ticks[i].value);
    l->n_refs = c->n_refs;
    for (int r = 0; r < c->n_refs; r++)
        l->refs[r] = (chart_ref_t){c->ref_value[r], s_y_of(l, c->ref_value[r]), c->ref_rgb[r],
                                   c->ref_label[r]};
    l->n_cats = c->n_cats;
    l->cats = xcalloc((size_t)c->n_cats + 1, sizeof *l->cats);
    for (int k = 0; k < c->n_cats; k++)
        l->cats[k] = (chart_cat_t){l->plot.x + slot * (k + 0.5), slot, c->cats[k], c->notes[k]};
    s_marks(c, l);
    return l;
}

void chart_layout_destroy(chart_layout_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    chart_layout_t *l = *self_p;
    free(l->bars);
    free(l->points);
    free(l->cats);
    free(l->legend);
    free(l);
    *self_p = NULL;
}

/* ---- drawing ------------------------------------------------------------------------------- */

static void s_rgb(cairo_t *cr, uint32_t rgb)
{
    cairo_set_source_rgb(cr, ((rgb >> 16) & 0xFF) / 255.0, ((rgb >> 8) & 0xFF) / 255.0,
                         (rgb & 0xFF) / 255.0);
}

typedef enum { S_LEFT, S_CENTRE, S_RIGHT } s_align_t;

/* Text at (x, y) = top of its box; wrap > 0 wraps within that width, centred on x for
 * S_CENTRE, ending at x for S_RIGHT. */
static void s_text(cairo_t *cr, PangoLayout *pl, const char *text, double pt, bool bold,
                   bool italic, double x, double y, double wrap, s_align_t align)
{
    PangoFontDescription *fd = pango_font_description_from_string(S_FONT);
    pango_font_description_set_absolute_size(fd, pt * PANGO_SCALE);
    pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_font_description_set_style(fd, italic ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
    pango_layout_set_font_description(pl, fd);
    pango_font_description_free(fd);
    pango_layout_set_text(pl, text, -1);
    pango_cairo_update_layout(cr, pl); /* the transform may have changed (rotated labels) */
    pango_layout_set_width(pl, wrap > 0 ? (int)(wrap * PANGO_SCALE) : -1);
    pango_layout_set_wrap(pl, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(pl, align == S_CENTRE  ? PANGO_ALIGN_CENTER
                                   : align == S_RIGHT ? PANGO_ALIGN_RIGHT
                                                      : PANGO_ALIGN_LEFT);
    int w, h;
    pango_layout_get_size(pl, &w, &h);
    double tw = wrap > 0 ? wrap : w / (double)PANGO_SCALE;
    double dx = align == S_CENTRE ? -tw / 2 : align == S_RIGHT ? -tw : 0;
    cairo_move_to(cr, x + dx, y);
    pango_cairo_show_layout(cr, pl);
}

static void s_draw_axes(cairo_t *cr, PangoLayout *pl, const chart_t *c, const chart_layout_t *l)
{
    cairo_set_line_width(cr, 0.5);
    for (int i = 0; i < l->n_ticks; i++) {
        const chart_tick_t *t = &l->ticks[i];
        s_rgb(cr, t->value == 0 ? S_BLACK : S_GRID);
        cairo_move_to(cr, l->plot.x, t->y);
        cairo_line_to(cr, l->plot.x + l->plot.w, t->y);
        cairo_stroke(cr);
        s_rgb(cr, S_BLACK);
        s_text(cr, pl, t->label, S_TEXT_PT, false, false, l->plot.x - 3, t->y - S_TEXT_PT * 0.62, 0,
               S_RIGHT);
    }
    s_rgb(cr, S_BLACK);
    cairo_move_to(cr, l->plot.x, l->plot.y);
    cairo_line_to(cr, l->plot.x, l->plot.y + l->plot.h);
    cairo_stroke(cr);
    if (c->title[0])
        s_text(cr, pl, c->title, S_TITLE_PT, true, false, l->width / 2, l->title.y, l->title.w,
               S_CENTRE);
    if (c->y_title[0]) {
        cairo_save(cr);
        cairo_translate(cr, l->y_title_x - S_TEXT_PT * 0.6, l->plot.y + l->plot.h / 2);
        cairo_rotate(cr, -M_PI / 2);
        s_text(cr, pl, c->y_title, S_TEXT_PT, false, false, 0, 0, l->plot.h, S_CENTRE);
        cairo_restore(cr);
    }
    for (int k = 0; k < l->n_cats; k++) {
        const chart_cat_t *cat = &l->cats[k];
        s_text(cr, pl, cat->label, S_TEXT_PT, false, false, cat->x, l->cat_label_y, cat->w - 2,
               S_CENTRE);
        if (!cat->note[0])
            continue;
        /* the note stands upright in the empty slot, reading upwards from the baseline */
        cairo_save(cr);
        s_rgb(cr, S_NOTE);
        double y0 = s_y_of(l, fmax(l->y_min, fmin(0.0, l->y_max)));
        cairo_translate(cr, cat->x - S_SMALL_PT * 0.6, y0 - 3);
        cairo_rotate(cr, -M_PI / 2);
        s_text(cr, pl, cat->note, S_SMALL_PT, false, true, 0, 0, 0, S_LEFT);
        cairo_restore(cr);
    }
}

/* Value labels last, each on a white box, so that no line crosses them. */
static void s_draw_values(cairo_t *cr, PangoLayout *pl, const chart_layout_t *l)
{
    for (int i = 0; i < l->n_bars; i++) {
        const chart_bar_t *b = &l->bars[i];
        if (!b->label[0])
            continue;
        double ty = b->value >= 0 ? b->rect.y - S_SMALL_PT * S_LINE : b->rect.y + b->rect.h;
        double w = s_text_width(b->label, S_SMALL_PT) + 2, cx = b->rect.x + b->rect.w / 2;
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_rectangle(cr, cx - w / 2, ty + 0.5, w, S_SMALL_PT * S_LINE - 1);
        cairo_fill(cr);
        s_rgb(cr, S_BLACK);
        s_text(cr, pl, b->label, S_SMALL_PT, false, false, cx, ty, 0, S_CENTRE);
    }
}

static void s_draw_marks(cairo_t *cr, PangoLayout *pl, const chart_layout_t *l)
{
    for (int i = 0; i < l->n_bars; i++) {
        const chart_bar_t *b = &l->bars[i];
        s_rgb(cr, b->rgb);
        cairo_rectangle(cr, b->rect.x, b->rect.y, b->rect.w, b->rect.h);
        cairo_fill(cr);
    }
    cairo_set_line_width(cr, 1.5);
    for (int i = 0; i < l->n_points; i++) {
        const chart_point_t *p = &l->points[i];
        s_rgb(cr, p->rgb);
        if (i > 0 && l->points[i - 1].series == p->series) {
            cairo_move_to(cr, l->points[i - 1].x, l->points[i - 1].y);
            cairo_line_to(cr, p->x, p->y);
            cairo_stroke(cr);
        }
        cairo_arc(cr, p->x, p->y, 2.6, 0, 2 * M_PI);
        cairo_fill(cr);
    }
    static const double dash[] = {4.0, 2.5};
    for (int r = 0; r < l->n_refs; r++) {
        const chart_ref_t *ref = &l->refs[r];
        s_rgb(cr, ref->rgb);
        cairo_set_line_width(cr, 1.0);
        cairo_set_dash(cr, dash, 2, 0);
        cairo_move_to(cr, l->plot.x, ref->y);
        cairo_line_to(cr, l->plot.x + l->plot.w, ref->y);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
        s_text(cr, pl, ref->label, S_SMALL_PT, false, false, l->plot.x + l->plot.w + 3,
               ref->y - S_SMALL_PT * 0.62, 0, S_LEFT);
    }
    s_draw_values(cr, pl, l);
}

static void s_draw_legend(cairo_t *cr, PangoLayout *pl, const chart_layout_t *l)
{
    for (int i = 0; i < l->n_legend; i++) {
        const chart_legend_t *e = &l->legend[i];
        s_rgb(cr, e->rgb);
        if (e->line) {
            cairo_set_line_width(cr, 1.5);
            cairo_move_to(cr, e->swatch.x, e->swatch.y + e->swatch.h / 2);
            cairo_line_to(cr, e->swatch.x + e->swatch.w, e->swatch.y + e->swatch.h / 2);
            cairo_stroke(cr);
        } else {
            cairo_rectangle(cr, e->swatch.x, e->swatch.y, e->swatch.w, e->swatch.h);
            cairo_fill(cr);
        }
        s_rgb(cr, S_BLACK);
        s_text(cr, pl, e->text, S_TEXT_PT, false, false, e->text_x, e->text_y - 1, 0, S_LEFT);
    }
}

void chart_draw(cairo_t *cr, const chart_t *c, const chart_layout_t *l)
{
    cairo_save(cr);
    cairo_rectangle(cr, 0, 0, l->width, l->height);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_fill(cr);
    PangoLayout *pl = pango_cairo_create_layout(cr);
    s_draw_axes(cr, pl, c, l);
    s_draw_marks(cr, pl, l);
    s_draw_legend(cr, pl, l);
    g_object_unref(pl);
    cairo_restore(cr);
}

static void s_png_write(png_structp png, png_bytep data, size_t length)
{
    strbuf_append(png_get_io_ptr(png), (const char *)data, length);
}

static void s_png_flush(png_structp png)
{
    (void)png;
}

/* Encodes an RGB24 cairo surface as an 8-bit RGB PNG. libpng rather than cairo's writer: the
 * draft has hundreds of charts, and zlib's fastest level without row filters encodes these
 * mostly white images several times faster, and here even smaller. */
static int s_png_encode(cairo_surface_t *s, strbuf_t *out)
{
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    int stride = cairo_image_surface_get_stride(s);
    cairo_surface_flush(s);
    uint8_t *data = cairo_image_surface_get_data(s);
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!info || setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        return -EIO;
    }
    png_set_write_fn(png, out, s_png_write, s_png_flush);
    png_set_compression_level(png, 1);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
    png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_BASE, PNG_FILTER_TYPE_BASE);
    png_write_info(png, info);
    /* cairo's pixels are native-endian 0xXXRRGGBB words: libpng drops the filler byte and
     * reorders them as it writes */
    bool little = *(const uint8_t *)&(uint16_t){1} == 1;
    png_set_filler(png, 0, little ? PNG_FILLER_AFTER : PNG_FILLER_BEFORE);
    if (little)
        png_set_bgr(png);
    for (int y = 0; y < h; y++)
        png_write_row(png, data + (size_t)y * (size_t)stride);
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    return 0;
}

int chart_png(const chart_t *c, double width, double height, double dpi, uint8_t **png, size_t *len,
              int *px_width, int *px_height)
{
    double scale = dpi / 72.0;
    int pw = (int)lround(width * scale), ph = (int)lround(height * scale);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, pw, ph);
    cairo_t *cr = cairo_create(s);
    cairo_scale(cr, scale, scale);
    chart_layout_t *l = chart_layout(c, width, height);
    chart_draw(cr, c, l);
    chart_layout_destroy(&l);
    strbuf_t out = {0};
    cairo_status_t st = cairo_status(cr);
    cairo_destroy(cr);
    int rc = st == CAIRO_STATUS_SUCCESS ? s_png_encode(s, &out) : -EIO;
    cairo_surface_destroy(s);
    if (rc) {
        strbuf_free(&out);
        return rc;
    }
    *len = out.len;
    *png = (uint8_t *)strbuf_take(&out);
    if (px_width)
        *px_width = pw;
    if (px_height)
        *px_height = ph;
    return 0;
}
