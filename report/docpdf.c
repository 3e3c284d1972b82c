/* docpdf — see docpdf.h.
 *
 * A cursor walks down the page (p->y, points from the top edge). Every block is laid out with
 * pango at the text width and drawn line by line with pango_cairo_show_layout_line, so a block
 * can continue on the next page at any line boundary and no text is ever drawn twice or
 * clipped (pdftotext reads exactly what a reader sees). Table rows do the same per cell. */
#include "docpdf.h"

#include <cairo-pdf.h>
#include <errno.h>
#include <fontconfig/fontconfig.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <stdlib.h>
#include <string.h>

#define S_PT_PER_MM (72.0 / 25.4)
#define S_FONT      "Liberation Sans"
#define S_PADX      4.25 /* cell padding, as the DOCX table style (85 twips) */
#define S_PADY      1.5
#define S_TABLE_PT  9.0
#define S_HEAD_PT   8.0  /* header rows: "Realisasi" fits a number's column */
#define S_LIST_IND  36.0 /* list text indent (720 twips), marker hanging at half of it */
#define S_GAP       6.0  /* after a table or a chart */
#define S_DONE      -1.0 /* a cell offset: every line drawn */
#define S_EPS       0.01
#define S_GREY      0x7F7F7Fu

typedef struct {
    double size;
    bool bold, italic;
    uint32_t rgb;
    PangoAlignment align;
    bool justify;
    double before, after; /* spacing, points */
    double first;         /* first-line indent, points */
    double inset;         /* the paragraph starts at this fraction of the text width */
    bool keep_next;       /* stays on the page of the next block's start */
    double line;          /* line spacing factor */
} s_pstyle_t;

/* The paragraph styles; keep them in step with docx.c's styles. */
static const s_pstyle_t s_pstyles[DOC_STYLE_COUNT] = {
    [DOC_STYLE_BODY] = {11, false, false, 0, PANGO_ALIGN_LEFT, true, 0, 6, 28.35, 0, false, 1.15},
    [DOC_STYLE_LEFT] = {11, false, false, 0, PANGO_ALIGN_LEFT, false, 0, 6, 0, 0, false, 1.15},
    [DOC_STYLE_COVER_TITLE] = {18, true, false, 0, PANGO_ALIGN_CENTER, false, 96, 12, 0, 0, false,
                               1.15},
    [DOC_STYLE_COVER_TEXT] = {14, true, false, 0, PANGO_ALIGN_CENTER, false, 0, 6, 0, 0, false,
                              1.15},
    [DOC_STYLE_COVER_MARK] = {36, true, false, 0xC00000, PANGO_ALIGN_CENTER, false, 96, 96, 0, 0,
                              false, 1.15},
    [DOC_STYLE_COVER_NOTE] = {9, false, true, 0, PANGO_ALIGN_CENTER, false, 0, 6, 0, 0, false,
                              1.15},
    [DOC_STYLE_CAPTION] = {10, true, false, 0, PANGO_ALIGN_CENTER, false, 6, 3, 0, 0, true, 1.15},
    [DOC_STYLE_LEAD] = {11, true, false, 0, PANGO_ALIGN_LEFT, false, 8, 3, 0, 0, true, 1.15},
    [DOC_STYLE_NOTE] = {9, false, true, 0, PANGO_ALIGN_LEFT, false, 0, 8, 0, 0, false, 1.0},
    [DOC_STYLE_SIGNATURE] = {11, false, false, 0, PANGO_ALIGN_CENTER, false, 0, 0, 0, 0.5, false,
                             1.15},
};

static const s_pstyle_t s_hstyles[4] = {
    [1] = {14, true, false, 0, PANGO_ALIGN_CENTER, false, 0, 18, 0, 0, true, 1.15},
    [2] = {12, true, false, 0, PANGO_ALIGN_LEFT, false, 12, 6, 0, 0, true, 1.15},
    [3] = {12, true, true, 0, PANGO_ALIGN_LEFT, false, 10, 5, 0, 0, true, 1.15},
};

static const s_pstyle_t s_list_style = {11, false, false, 0,   PANGO_ALIGN_LEFT, true, 0, 3,
                                        0,  0,     false, 1.15};

typedef struct {
    const doc_t *d;
    cairo_surface_t *surface;
    cairo_t *cr;
    PangoContext *pc;
    strbuf_t out;
    double pw, ph, ml, mt, mb, tw; /* page, margins and text width, points */
    double y;                      /* the cursor */
    bool blank;                    /* nothing drawn on the current page yet */
    bool soft;                     /* the page began because the previous one was full */
    int pages;                     /* pages finished */
    int page_in_section;           /* number of the current page in its section */
    doc_pagenum_t pagenum;
    int outline[3];  /* last outline item per level */
    double *start_h; /* per block: what its beginning needs on a page; < 0 until known */
} s_pdf_t;

static double s_bottom(const s_pdf_t *p)
{
    return p->ph - p->mb;
}

static void s_rgb(cairo_t *cr, uint32_t rgb)
{
    cairo_set_source_rgb(cr, ((rgb >> 16) & 0xFF) / 255.0, ((rgb >> 8) & 0xFF) / 255.0,
                         (rgb & 0xFF) / 255.0);
}

/* ---- text ---------------------------------------------------------------------------------- */

/* A layout of t in the given style at width points. Caller unrefs it. */
static PangoLayout *s_layout(s_pdf_t *p, const doc_text_t *t, const s_pstyle_t *st, double width,
                             unsigned extra)
{
    PangoLayout *pl = pango_layout_new(p->pc);
    PangoFontDescription *fd = pango_font_description_from_string(S_FONT);
    pango_font_description_set_absolute_size(fd, st->size * PANGO_SCALE);
    if (st->bold)
        pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
    if (st->italic)
        pango_font_description_set_style(fd, PANGO_STYLE_ITALIC);
    pango_layout_set_font_description(pl, fd);
    pango_font_description_free(fd);
    strbuf_t text = {0};
    PangoAttrList *attrs = pango_attr_list_new();
    for (int i = 0; t && i < t->n_runs; i++) {
        unsigned start = (unsigned)text.len, flags = t->runs[i].flags | extra;
        strbuf_puts(&text, t->runs[i].text);
        if (flags & DOC_RUN_BOLD) {
            PangoAttribute *a = pango_attr_weight_new(PANGO_WEIGHT_BOLD);
            a->start_index = start;
            a->end_index = (unsigned)text.len;
            pango_attr_list_insert(attrs, a);
        }
        if (flags & DOC_RUN_ITALIC) {
            PangoAttribute *a = pango_attr_style_new(PANGO_STYLE_ITALIC);
            a->start_index = start;
            a->end_index = (unsigned)text.len;
            pango_attr_list_insert(attrs, a);
        }
    }
    /* no hyphen is added where a long word breaks: the text stays as written */
    pango_attr_list_insert(attrs, pango_attr_insert_hyphens_new(FALSE));
    pango_layout_set_text(pl, strbuf_str(&text), -1);
    pango_layout_set_attributes(pl, attrs);
    pango_attr_list_unref(attrs);
    strbuf_free(&text);
    pango_layout_set_width(pl, (int)(width * PANGO_SCALE));
    pango_layout_set_wrap(pl, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(pl, st->align);
    pango_layout_set_justify(pl, st->justify);
    pango_layout_set_indent(pl, (int)(st->first * PANGO_SCALE));
    pango_layout_set_line_spacing(pl, (float)st->line);
    return pl;
}

/* A layout of plain text. */
static PangoLayout *s_layout_plain(s_pdf_t *p, const char *text, const s_pstyle_t *st, double width)
{
    doc_text_t t = {0};
    doc_run_t run = {(char *)text, 0};
    t.n_runs = 1;
    t.runs = &run;
    return s_layout(p, &t, st, width, 0);
}

static double s_height(PangoLayout *pl)
{
    int w, h;
    pango_layout_get_size(pl, &w, &h);
    return h / (double)PANGO_SCALE;
}

/* Height of the first n lines of pl (all of them when it has fewer). */
static double s_lines_height(PangoLayout *pl, int n)
{
    PangoLayoutIter *it = pango_layout_get_iter(pl);
    double bottom = 0;
    int i = 0;
    do {
        PangoRectangle log;
        pango_layout_iter_get_line_extents(it, NULL, &log);
        bottom = (log.y + log.height) / (double)PANGO_SCALE;
    } while (++i < n && pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
    return bottom;
}

static void s_show_line(s_pdf_t *p, PangoLayoutIter *it, double x, double top)
{
    PangoRectangle log;
    pango_layout_iter_get_line_extents(it, NULL, &log);
    double baseline = pango_layout_iter_get_baseline(it) / (double)PANGO_SCALE;
    cairo_move_to(p->cr, x + log.x / (double)PANGO_SCALE, top + baseline);
    pango_cairo_show_layout_line(p->cr, pango_layout_iter_get_line_readonly(it));
}

/* ---- pages --------------------------------------------------------------------------------- */

/* Page number and header line of the page being finished. */
static void s_furniture(s_pdf_t *p)
{
    if (p->pagenum == DOC_PAGENUM_NONE)
        return;
    static const s_pstyle_t number = {10, false, false, 0,  PANGO_ALIGN_CENTER, false, 0, 0,
                                      0,  0,     false, 1.0};
    static const s_pstyle_t header = {9, false, true,  S_GREY, PANGO_ALIGN_RIGHT, false, 0, 0,
                                      0, 0,     false, 1.0};
    char num[32];
    if (p->pagenum == DOC_PAGENUM_ROMAN)
        doc_roman(p->page_in_section, num, sizeof num);
    else
        snprintf(num, sizeof num, "%d", p->page_in_section);
    PangoLayout *pl = s_layout_plain(p, num, &number, p->tw);
    s_rgb(p->cr, 0);
    cairo_move_to(p->cr, p->ml, p->ph - DOC_MARGIN_BOTTOM / 2.5 * S_PT_PER_MM - s_height(pl));
    pango_cairo_show_layout(p->cr, pl);
    g_object_unref(pl);
    if (!doc_header(p->d)[0])
        return;
    pl = s_layout_plain(p, doc_header(p->d), &header, p->tw);
    s_rgb(p->cr, header.rgb);
    cairo_move_to(p->cr, p->ml, DOC_MARGIN_TOP / 2 * S_PT_PER_MM);
    pango_cairo_show_layout(p->cr, pl);
    g_object_unref(pl);
}

static void s_finish_page(s_pdf_t *p)
{
    s_furniture(p);
    cairo_show_page(p->cr);
    p->pages++;
    p->page_in_section++;
    p->y = p->mt;
    p->blank = true;
    p->soft = true;
}

/* Starts a new page unless the current one is still blank (a page or section break). */
static void s_new_page(s_pdf_t *p)
{
    if (!p->blank)
        s_finish_page(p);
    p->soft = false;
}

/* Makes room for h points: a new page when they do not fit below the cursor. */
static void s_room(s_pdf_t *p, double h)
{
    if (!p->blank && p->y + h > s_bottom(p) + S_EPS)
        s_finish_page(p);
}

/* Draws the lines of pl with its left edge at x, flowing onto new pages between lines; the
 * first two lines stay together. A marker ("•", "3.") is drawn at mx beside the first line. */
static void s_flow(s_pdf_t *p, PangoLayout *pl, double x, uint32_t rgb, PangoLayout *marker,
                   double mx)
{
    if (pango_layout_get_line_count(pl) > 1)
        s_room(p, s_lines_height(pl, 2));
    PangoLayoutIter *it = pango_layout_get_iter(pl);
    double shift = p->y; /* page position of the layout's top */
    bool first = true;
    do {
        PangoRectangle log;
        pango_layout_iter_get_line_extents(it, NULL, &log);
        double top = log.y / (double)PANGO_SCALE, h = log.height / (double)PANGO_SCALE;
        if (!p->blank && shift + top + h > s_bottom(p) + S_EPS) {
            s_finish_page(p);
            shift = p->y - top;
        }
        s_rgb(p->cr, rgb);
        s_show_line(p, it, x, shift);
        if (first && marker) {
            double baseline = pango_layout_iter_get_baseline(it) / (double)PANGO_SCALE;
            cairo_move_to(p->cr, mx, shift + baseline);
            pango_cairo_show_layout_line(p->cr, pango_layout_get_line_readonly(marker, 0));
        }
        first = false;
        p->blank = false;
        p->y = shift + top + h;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
}

/* ---- keeping things together ----------------------------------------------------------------- */

static double s_table_start(s_pdf_t *p, const doc_table_t *t);

static const s_pstyle_t *s_block_style(const doc_block_t *b)
{
    if (b->kind == DOC_HEADING)
        return &s_hstyles[b->level];
    if (b->kind == DOC_PARAGRAPH)
        return &s_pstyles[b->style];
    return NULL;
}

/* The height the beginning of block i needs on a page: two lines of text, a table's header and
 * first row, a whole chart; a block kept with the next adds that one's beginning. */
static double s_start_height_of(s_pdf_t *p, size_t i, int depth);

/* s_start_height_of, computed once per block: a heading, its caption and its table each ask. */
static double s_start_height(s_pdf_t *p, size_t i, int depth)
{
    if (i >= doc_count(p->d) || depth > 4)
        return 0;
    if (p->start_h[i] < 0)
        p->start_h[i] = s_start_height_of(p, i, depth);
    return p->start_h[i];
}

static double s_start_height_of(s_pdf_t *p, size_t i, int depth)
{
    const doc_block_t *b = doc_block(p->d, i);
    const s_pstyle_t *st = s_block_style(b);
    if (st) {
        double w = p->tw * (1 - st->inset);
        PangoLayout *pl = s_layout(p, &b->text, st, w, 0);
        double h = st->before + (st->keep_next ? s_height(pl) + st->after : s_lines_height(pl, 2));
        g_object_unref(pl);
        return st->keep_next ? h + s_start_height(p, i + 1, depth + 1) : h;
    }
    if (b->kind == DOC_LIST && b->n_items > 0) {
        PangoLayout *pl = s_layout(p, b->items[0], &s_list_style, p->tw - S_LIST_IND, 0);
        double h = s_lines_height(pl, 2);
        g_object_unref(pl);
        return h;
    }
    if (b->kind == DOC_TABLE)
        return s_table_start(p, &b->table);
    if (b->kind == DOC_CHART)
        return b->height_mm * S_PT_PER_MM;
    return 0;
}

/* ---- blocks -------------------------------------------------------------------------------- */

static void s_text_block(s_pdf_t *p, size_t i)
{
    const doc_block_t *b = doc_block(p->d, i);
    const s_pstyle_t *st = s_block_style(b);
    if (st->keep_next) {
        double need = s_start_height(p, i, 0);
        double page = s_bottom(p) - p->mt;
        s_room(p, need < page ? need : page);
    }
    /* as Word does: no space above a paragraph at the top of a page the text flowed onto */
    if (!p->blank || !p->soft)
        p->y += st->before;
    double x = p->ml + p->tw * st->inset;
    PangoLayout *pl = s_layout(p, &b->text, st, p->tw * (1 - st->inset), 0);
    if (b->kind == DOC_HEADING) {
        int level = b->level, parent = level > 1 ? p->outline[level - 2] : 0;
        char attrs[96];
        snprintf(attrs, sizeof attrs, "page=%d pos=[%.1f %.1f]", p->pages + 1, p->ml, p->y);
        char *plain = doc_text_plain(&b->text);
        p->outline[level - 1] = cairo_pdf_surface_add_outline(
            p->surface, parent ? parent : CAIRO_PDF_OUTLINE_ROOT, plain, attrs,
            level == 1 ? CAIRO_PDF_OUTLINE_FLAG_OPEN : 0);
        free(plain);
        for (int l = level; l < 3; l++)
            p->outline[l] = 0;
    }
    s_flow(p, pl, x, st->rgb, NULL, 0);
    g_object_unref(pl);
    p->y += st->after;
}

static void s_list(s_pdf_t *p, const doc_block_t *b)
{
    for (int i = 0; i < b->n_items; i++) {
        PangoLayout *pl = s_layout(p, b->items[i], &s_list_style, p->tw - S_LIST_IND, 0);
        char mark[16];
        snprintf(mark, sizeof mark, b->ordered ? "%d." : "\xE2\x80\xA2", i + 1);
        PangoLayout *ml = s_layout_plain(p, mark, &s_list_style, S_LIST_IND);
        s_flow(p, pl, p->ml + S_LIST_IND, 0, ml, p->ml + S_LIST_IND / 2);
        g_object_unref(ml);
        g_object_unref(pl);
        p->y += s_list_style.after;
    }
    p->y += s_pstyles[DOC_STYLE_BODY].after - s_list_style.after;
}

static void s_chart(s_pdf_t *p, const doc_block_t *b)
{
    double w = b->width_mm * S_PT_PER_MM, h = b->height_mm * S_PT_PER_MM;
    s_room(p, h);
    cairo_save(p->cr);
    cairo_translate(p->cr, p->ml + (p->tw - w) / 2, p->y);
    chart_layout_t *l = chart_layout(b->chart, w, h);
    chart_draw(p->cr, b->chart, l);
    chart_layout_destroy(&l);
    cairo_restore(p->cr);
    p->y += h + S_GAP;
    p->blank = false;
}

/* ---- tables -------------------------------------------------------------------------------- */

typedef struct {
    const doc_row_t *row;
    int n;
    PangoLayout **cells;
    double *x, *w; /* cell boxes */
    double h;      /* the tallest cell's text */
} s_row_t;

static const s_pstyle_t s_cell_style = {S_TABLE_PT, false, false, 0,  PANGO_ALIGN_LEFT, false, 0, 0,
                                        0,          0,     false, 1.0};

static void s_row_open(s_pdf_t *p, const doc_table_t *t, const doc_row_t *row, s_row_t *r)
{
    static const PangoAlignment align[] = {PANGO_ALIGN_LEFT, PANGO_ALIGN_CENTER, PANGO_ALIGN_RIGHT};
    r->row = row;
    r->n = row->n_cells;
    r->cells = xcalloc((size_t)r->n, sizeof *r->cells);
    r->x = xcalloc((size_t)r->n, sizeof *r->x);
    r->w = xcalloc((size_t)r->n, sizeof *r->w);
    r->h = 0;
    double x = p->ml;
    for (int c = 0; c < r->n; c++) {
        r->x[c] = x;
        r->w[c] = row->kind == DOC_ROW_GROUP ? p->tw : t->widths[c] * p->tw;
        x += r->w[c];
        s_pstyle_t st = s_cell_style;
        st.align = row->kind == DOC_ROW_HEADER  ? PANGO_ALIGN_CENTER
                   : row->kind == DOC_ROW_GROUP ? PANGO_ALIGN_LEFT
                                                : align[t->align[c]];
        if (row->kind == DOC_ROW_HEADER)
            st.size = S_HEAD_PT;
        unsigned extra = row->kind == DOC_ROW_BODY ? 0 : DOC_RUN_BOLD;
        r->cells[c] = s_layout(p, &row->cells[c], &st, r->w[c] - 2 * S_PADX, extra);
        r->h = fmax(r->h, s_height(r->cells[c]));
    }
}

static void s_row_close(s_row_t *r)
{
    for (int c = 0; c < r->n; c++)
        g_object_unref(r->cells[c]);
    free(r->cells);
    free(r->x);
    free(r->w);
}

/* The rows of the header, laid out once per table. */
typedef struct {
    int n;
    s_row_t *rows;
    double h;
} s_head_t;

static void s_head_open(s_pdf_t *p, const doc_table_t *t, s_head_t *hd)
{
    hd->n = t->n_header_rows;
    hd->rows = xcalloc((size_t)hd->n + 1, sizeof *hd->rows);
    hd->h = 0;
    for (int r = 0; r < hd->n; r++) {
        s_row_open(p, t, t->rows[r], &hd->rows[r]);
        hd->h += hd->rows[r].h + 2 * S_PADY;
    }
}

static void s_head_close(s_head_t *hd)
{
    for (int r = 0; r < hd->n; r++)
        s_row_close(&hd->rows[r]);
    free(hd->rows);
}

/* Draws the part of row r that fits in avail points below the cursor, from each cell's offset
 * off[c] (points into its layout; S_DONE when drawn); advances the offsets and the cursor.
 * With force, at least one line is drawn even when it does not fit. */
static void s_row_part(s_pdf_t *p, const s_row_t *r, double *off, double avail, bool force)
{
    double *next = xcalloc((size_t)r->n, sizeof *next);
    double used = 0;
    bool all_done = true, any = false;
    for (int c = 0; c < r->n; c++) {
        next[c] = S_DONE;
        if (off[c] == S_DONE)
            continue;
        PangoLayoutIter *it = pango_layout_get_iter(r->cells[c]);
        do {
            PangoRectangle log;
            pango_layout_iter_get_line_extents(it, NULL, &log);
            double top = log.y / (double)PANGO_SCALE,
                   bottom = top + log.height / (double)PANGO_SCALE;
            if (top + S_EPS < off[c])
                continue;
            if (bottom - off[c] + 2 * S_PADY > avail + S_EPS && !(force && !any)) {
                next[c] = top;
                all_done = false;
                break;
            }
            any = true;
            used = fmax(used, bottom - off[c]);
        } while (pango_layout_iter_next_line(it));
        pango_layout_iter_free(it);
    }
    double part = all_done ? used + 2 * S_PADY : fmax(avail, used + 2 * S_PADY);
    if (all_done && r->row->kind == DOC_ROW_HEADER)
        part = r->h + 2 * S_PADY;
    for (int c = 0; c < r->n; c++) {
        if (r->row->kind != DOC_ROW_BODY) {
            s_rgb(p->cr, r->row->kind == DOC_ROW_HEADER ? 0xD9D9D9 : 0xF2F2F2);
            cairo_rectangle(p->cr, r->x[c], p->y, r->w[c], part);
            cairo_fill(p->cr);
        }
        double valign = r->row->kind == DOC_ROW_HEADER ? (r->h - s_height(r->cells[c])) / 2 : 0;
        s_rgb(p->cr, 0);
        if (off[c] != S_DONE) {
            PangoLayoutIter *it = pango_layout_get_iter(r->cells[c]);
            do {
                PangoRectangle log;
                pango_layout_iter_get_line_extents(it, NULL, &log);
                double top = log.y / (double)PANGO_SCALE;
                if (top + S_EPS < off[c])
                    continue;
                if (next[c] != S_DONE && top + S_EPS >= next[c])
                    break;
                s_show_line(p, it, r->x[c] + S_PADX, p->y + S_PADY + valign - off[c]);
            } while (pango_layout_iter_next_line(it));
            pango_layout_iter_free(it);
        }
        cairo_set_line_width(p->cr, 0.5);
        cairo_rectangle(p->cr, r->x[c], p->y, r->w[c], part);
        cairo_stroke(p->cr);
        off[c] = next[c];
    }
    free(next);
    p->y += part;
    p->blank = false;
}

static void s_draw_head(s_pdf_t *p, const s_head_t *hd)
{
    for (int r = 0; r < hd->n; r++) {
        double *off = xcalloc((size_t)hd->rows[r].n, sizeof *off);
        s_row_part(p, &hd->rows[r], off, hd->rows[r].h + 2 * S_PADY, true);
        free(off);
    }
}

/* Draws a row, continuing on new pages (under the repeated header) as often as it needs. */
static void s_row(s_pdf_t *p, const s_row_t *r, const s_head_t *hd)
{
    double *off = xcalloc((size_t)r->n, sizeof *off);
    double page = s_bottom(p) - p->mt - hd->h;
    bool started = false;
    for (;;) {
        double remaining = 0;
        for (int c = 0; c < r->n; c++)
            if (off[c] != S_DONE)
                remaining = fmax(remaining, s_height(r->cells[c]) - off[c]);
        double need = remaining + 2 * S_PADY, avail = s_bottom(p) - p->y;
        bool fits = need <= avail + S_EPS;
        /* a row that fits on a page starts on a new one rather than split */
        if (!fits && (!started && need <= page + S_EPS)) {
            s_finish_page(p);
            s_draw_head(p, hd);
            continue;
        }
        s_row_part(p, r, off, fits ? need : avail, true);
        started = true;
        bool done = true;
        for (int c = 0; c < r->n; c++)
            done = done && off[c] == S_DONE;
        if (done)
            break;
        s_finish_page(p);
        s_draw_head(p, hd);
    }
    free(off);
}

static double s_table_start(s_pdf_t *p, const doc_table_t *t)
{
    s_head_t hd;
    s_head_open(p, t, &hd);
    double h = hd.h;
    if (t->n_rows > t->n_header_rows) {
        s_row_t r;
        s_row_open(p, t, t->rows[t->n_header_rows], &r);
        h += r.h + 2 * S_PADY;
        s_row_close(&r);
    }
    s_head_close(&hd);
    return h;
}

static void s_table(s_pdf_t *p, size_t block, const doc_table_t *t)
{
    double start = s_start_height(p, block, 0), page = s_bottom(p) - p->mt;
    s_room(p, start < page ? start : page);
    s_head_t hd;
    s_head_open(p, t, &hd);
    s_draw_head(p, &hd);
    for (int i = t->n_header_rows; i < t->n_rows; i++) {
        s_row_t r;
        s_row_open(p, t, t->rows[i], &r);
        s_row(p, &r, &hd);
        s_row_close(&r);
    }
    s_head_close(&hd);
    p->y += S_GAP;
}

/* ---- the document -------------------------------------------------------------------------- */

static void s_block(s_pdf_t *p, size_t i)
{
    const doc_block_t *b = doc_block(p->d, i);
    switch (b->kind) {
    case DOC_SECTION:
        s_new_page(p);
        p->pagenum = b->pagenum;
        p->page_in_section = 1;
        break;
    case DOC_HEADING:
    case DOC_PARAGRAPH:
        s_text_block(p, i);
        break;
    case DOC_LIST:
        s_list(p, b);
        break;
    case DOC_TABLE:
        s_table(p, i, &b->table);
        break;
    case DOC_CHART:
        s_chart(p, b);
        break;
    case DOC_PAGE_BREAK:
        s_new_page(p);
        break;
    }
}

static cairo_status_t s_write(void *closure, const unsigned char *data, unsigned int length)
{
    strbuf_append(closure, (const char *)data, length);
    return CAIRO_STATUS_SUCCESS;
}

static void s_open(s_pdf_t *p, const doc_t *d)
{
    *p = (s_pdf_t){.d = d};
    p->pw = DOC_PAGE_W * S_PT_PER_MM;
    p->ph = DOC_PAGE_H * S_PT_PER_MM;
    p->ml = DOC_MARGIN_LEFT * S_PT_PER_MM;
    p->mt = DOC_MARGIN_TOP * S_PT_PER_MM;
    p->mb = DOC_MARGIN_BOTTOM * S_PT_PER_MM;
    p->tw = DOC_TEXT_W * S_PT_PER_MM;
    p->y = p->mt;
    p->blank = true;
    p->page_in_section = 1;
    p->start_h = xcalloc(doc_count(d) + 1, sizeof *p->start_h);
    for (size_t i = 0; i < doc_count(d); i++)
        p->start_h[i] = -1;
    p->surface = cairo_pdf_surface_create_for_stream(s_write, &p->out, p->pw, p->ph);
    cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_TITLE, doc_title(d));
    cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_AUTHOR, doc_author(d));
    cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_CREATOR, "lkip " LKIP_VERSION);
    if (doc_created(d)[0])
        cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_CREATE_DATE, doc_created(d));
    p->cr = cairo_create(p->surface);
    p->pc = pango_cairo_create_context(p->cr);
    /* unhinted metrics: the same line breaks at any resolution */
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(p->pc, fo);
    cairo_font_options_destroy(fo);
}

int docpdf_render(const doc_t *d, uint8_t **out, size_t *len, int *n_pages)
{
    s_pdf_t p;
    s_open(&p, d);
    for (size_t i = 0; i < doc_count(d); i++)
        s_block(&p, i);
    if (!p.blank || p.pages == 0)
        s_finish_page(&p);
    g_object_unref(p.pc);
    free(p.start_h);
    cairo_status_t st = cairo_status(p.cr);
    cairo_destroy(p.cr);
    cairo_surface_finish(p.surface);
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_status(p.surface);
    cairo_surface_destroy(p.surface);
    if (st != CAIRO_STATUS_SUCCESS) {
        strbuf_free(&p.out);
        return -EIO;
    }
    if (n_pages)
        *n_pages = p.pages;
    *len = p.out.len;
    *out = (uint8_t *)strbuf_take(&p.out);
    return 0;
}

void docpdf_release_fonts(bool all_threads)
{
    pango_cairo_font_map_set_default(NULL);
    if (!all_threads)
        return;
    cairo_debug_reset_static_data();
    FcFini();
}
