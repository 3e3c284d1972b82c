/* docx — see docx.h.
 *
 * Each part is written with its own xmlTextWriter into an xmlBuffer. Writer calls go through
 * small helpers that keep the first error (sticky) and skip everything after it, so the code
 * reads like the XML it writes and is checked once per part.
 *
 * The schema orders that matter here (ECMA-376 Part 1, wml.xsd): w:pPr is pStyle, keepNext,
 * pageBreakBefore, numPr, spacing, ind, jc, sectPr; w:rPr is b, i, color, sz; w:tblPr is
 * tblStyle, tblW, tblBorders, tblLayout, tblCellMar, tblLook; w:tcPr is tcW, gridSpan, shd,
 * vAlign; w:sectPr is headerReference/footerReference, pgSz, pgMar, pgNumType, cols, titlePg,
 * docGrid; w:style is name, basedOn, next, uiPriority, qFormat, pPr, rPr, tblPr. */
#include "docx.h"

#include <errno.h>
#include <libxml/xmlwriter.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#define S_NS_W     "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define S_NS_R     "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define S_NS_WP    "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
#define S_NS_A     "http://schemas.openxmlformats.org/drawingml/2006/main"
#define S_NS_PIC   "http://schemas.openxmlformats.org/drawingml/2006/picture"
#define S_NS_PKG   "http://schemas.openxmlformats.org/package/2006/relationships"
#define S_REL_BASE "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
#define S_CT_BASE  "application/vnd.openxmlformats-officedocument.wordprocessingml."

#define S_TWIP_PER_MM (1440.0 / 25.4)
#define S_EMU_PER_MM  36000.0
#define S_FONT        "Arial"    /* metric twin of the PDF's Liberation Sans */
#define S_ZIP_MTIME   1262304000 /* fixed entry times: the same doc gives the same bytes */
#define S_SHADE_HEAD  "D9D9D9"
#define S_SHADE_GROUP "F2F2F2"

/* ---- XML writing with a sticky error ------------------------------------------------------- */

typedef struct {
    xmlBufferPtr buf;
    xmlTextWriterPtr w;
    int err; /* first error, 0 while none */
} s_xml_t;

static void s_el(s_xml_t *x, const char *name)
{
    if (!x->err && xmlTextWriterStartElement(x->w, BAD_CAST name) < 0)
        x->err = -EIO;
}

static void s_at(s_xml_t *x, const char *name, const char *value)
{
    if (!x->err && xmlTextWriterWriteAttribute(x->w, BAD_CAST name, BAD_CAST value) < 0)
        x->err = -EIO;
}

/* Starts a part: the XML declaration, then the root element with its first namespace. */
static void s_x_open(s_xml_t *x, const char *root, const char *ns_attr, const char *ns)
{
    x->err = 0;
    x->buf = xmlBufferCreate();
    x->w = x->buf ? xmlNewTextWriterMemory(x->buf, 0) : NULL;
    if (!x->w || xmlTextWriterStartDocument(x->w, "1.0", "UTF-8", "yes") < 0)
        x->err = -ENOMEM;
    s_el(x, root);
    s_at(x, ns_attr, ns);
}

static void s_atf(s_xml_t *x, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void s_atf(s_xml_t *x, const char *name, const char *fmt, ...)
{
    char v[128];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v, sizeof v, fmt, ap);
    va_end(ap);
    s_at(x, name, v);
}

static void s_end(s_xml_t *x)
{
    if (!x->err && xmlTextWriterEndElement(x->w) < 0)
        x->err = -EIO;
}

static void s_str(s_xml_t *x, const char *text)
{
    if (!x->err && xmlTextWriterWriteString(x->w, BAD_CAST text) < 0)
        x->err = -EIO;
}

/* <name attr="value"/>, or <name/> when attr is NULL. */
static void s_leaf(s_xml_t *x, const char *name, const char *attr, const char *value)
{
    s_el(x, name);
    if (attr)
        s_at(x, attr, value);
    s_end(x);
}

/* An element holding only text: <name>text</name>. */
static void s_textel(s_xml_t *x, const char *name, const char *text)
{
    s_el(x, name);
    s_str(x, text);
    s_end(x);
}

/* ---- the package --------------------------------------------------------------------------- */

typedef struct {
    char *name;
    uint8_t *data;
    size_t len;
    bool store; /* already compressed (PNG): stored, not deflated */
} s_part_t;

typedef struct {
    const doc_t *d;
    int n_parts;
    s_part_t parts[16];
    int n_images;
    s_part_t *images;
    int n_ordered;      /* numbered lists so far: each gets its own w:num, restarting at 1 */
    int next_docpr;     /* unique ids of drawings */
    bool pending_break; /* a page break waits for the next paragraph */
    bool has_header;
    doc_pagenum_t pagenum; /* of the section being written */
} s_docx_t;

/* Ends the part's XML and keeps its bytes under name. */
static int s_x_close(s_xml_t *x, s_docx_t *st, const char *name)
{
    if (!x->err && xmlTextWriterEndDocument(x->w) < 0)
        x->err = -EIO;
    if (x->w)
        xmlFreeTextWriter(x->w); /* flushes into buf */
    int err = x->err;
    if (!err) {
        s_part_t *p = &st->parts[st->n_parts++];
        p->name = xstrdup(name);
        p->len = (size_t)xmlBufferLength(x->buf);
        p->data = xmalloc(p->len);
        memcpy(p->data, xmlBufferContent(x->buf), p->len);
    }
    if (x->buf)
        xmlBufferFree(x->buf);
    *x = (s_xml_t){0};
    return err;
}

static long s_twips(double mm)
{
    return lround(mm * S_TWIP_PER_MM);
}

/* ---- runs and paragraphs ------------------------------------------------------------------- */

static void s_runs(s_xml_t *x, const doc_text_t *t, unsigned extra)
{
    for (int i = 0; i < t->n_runs; i++) {
        unsigned f = t->runs[i].flags | extra;
        s_el(x, "w:r");
        if (f & (DOC_RUN_BOLD | DOC_RUN_ITALIC)) {
            s_el(x, "w:rPr");
            if (f & DOC_RUN_BOLD)
                s_leaf(x, "w:b", NULL, NULL);
            if (f & DOC_RUN_ITALIC)
                s_leaf(x, "w:i", NULL, NULL);
            s_end(x);
        }
        /* a '\n' in the text is a line break inside the paragraph */
        const char *p = t->runs[i].text;
        for (;;) {
            const char *nl = strchr(p, '\n');
            char *piece = xstrndup(p, nl ? (size_t)(nl - p) : strlen(p));
            s_el(x, "w:t");
            s_at(x, "xml:space", "preserve");
            s_str(x, piece);
            s_end(x);
            free(piece);
            if (!nl)
                break;
            s_leaf(x, "w:br", NULL, NULL);
            p = nl + 1;
        }
        s_end(x);
    }
}

static const char *const s_style_ids[DOC_STYLE_COUNT] = {
    [DOC_STYLE_BODY] = "BodyText",        [DOC_STYLE_LEFT] = "BodyTextLeft",
    [DOC_STYLE_COVER_TITLE] = "Title",    [DOC_STYLE_COVER_TEXT] = "Subtitle",
    [DOC_STYLE_COVER_MARK] = "CoverMark", [DOC_STYLE_COVER_NOTE] = "CoverNote",
    [DOC_STYLE_CAPTION] = "Caption",      [DOC_STYLE_LEAD] = "Lead",
    [DOC_STYLE_NOTE] = "TableNote",       [DOC_STYLE_SIGNATURE] = "Signature",
};

/* Opens <w:p><w:pPr> with the style and a waiting page break; the caller adds the rest of the
 * properties in schema order and closes w:pPr. */
static void s_p_open(s_xml_t *x, s_docx_t *st, const char *style)
{
    s_el(x, "w:p");
    s_el(x, "w:pPr");
    s_leaf(x, "w:pStyle", "w:val", style);
    if (st->pending_break)
        s_leaf(x, "w:pageBreakBefore", NULL, NULL);
    st->pending_break = false;
}

static void s_paragraph(s_xml_t *x, s_docx_t *st, const char *style, const doc_text_t *t)
{
    s_p_open(x, st, style);
    s_end(x); /* w:pPr */
    s_runs(x, t, 0);
    s_end(x);
}

/* A page break that found no paragraph to carry it (before a table or a chart). */
static void s_flush_break(s_xml_t *x, s_docx_t *st)
{
    if (!st->pending_break)
        return;
    st->pending_break = false;
    s_el(x, "w:p");
    s_el(x, "w:r");
    s_leaf(x, "w:br", "w:type", "page");
    s_end(x);
    s_end(x);
}

static void s_list(s_xml_t *x, s_docx_t *st, const doc_block_t *b)
{
    int num_id = b->ordered ? 2 + st->n_ordered++ : 1;
    for (int i = 0; i < b->n_items; i++) {
        s_p_open(x, st, "ListParagraph");
        s_el(x, "w:numPr");
        s_leaf(x, "w:ilvl", "w:val", "0");
        s_el(x, "w:numId");
        s_atf(x, "w:val", "%d", num_id);
        s_end(x);
        s_end(x); /* w:numPr */
        s_end(x); /* w:pPr */
        s_runs(x, b->items[i], 0);
        s_end(x);
    }
}

/* ---- tables -------------------------------------------------------------------------------- */

static void s_borders(s_xml_t *x)
{
    static const char *const sides[] = {"w:top",   "w:left",    "w:bottom",
                                        "w:right", "w:insideH", "w:insideV"};
    s_el(x, "w:tblBorders");
    for (size_t i = 0; i < ARRAY_LEN(sides); i++) {
        s_el(x, sides[i]);
        s_at(x, "w:val", "single");
        s_at(x, "w:sz", "4");
        s_at(x, "w:space", "0");
        s_at(x, "w:color", "000000");
        s_end(x);
    }
    s_end(x);
}

static void s_cell(s_xml_t *x, const doc_table_t *t, const doc_row_t *row, int c, long width)
{
    static const char *const jc[] = {"left", "center", "right"};
    s_el(x, "w:tc");
    s_el(x, "w:tcPr");
    s_el(x, "w:tcW");
    s_atf(x, "w:w", "%ld", width);
    s_at(x, "w:type", "dxa");
    s_end(x);
    if (row->kind == DOC_ROW_GROUP) {
        s_el(x, "w:gridSpan");
        s_atf(x, "w:val", "%d", t->n_cols);
        s_end(x);
    }
    if (row->kind != DOC_ROW_BODY) {
        s_el(x, "w:shd");
        s_at(x, "w:val", "clear");
        s_at(x, "w:color", "auto");
        s_at(x, "w:fill", row->kind == DOC_ROW_HEADER ? S_SHADE_HEAD : S_SHADE_GROUP);
        s_end(x);
    }
    s_leaf(x, "w:vAlign", "w:val", row->kind == DOC_ROW_HEADER ? "center" : "top");
    s_end(x); /* w:tcPr */
    s_el(x, "w:p");
    s_el(x, "w:pPr");
    s_leaf(x, "w:pStyle", "w:val", row->kind == DOC_ROW_HEADER ? "TableHeading" : "TableText");
    if (row->kind == DOC_ROW_BODY)
        s_leaf(x, "w:jc", "w:val", jc[t->align[c]]);
    s_end(x);
    s_runs(x, &row->cells[c], row->kind == DOC_ROW_GROUP ? DOC_RUN_BOLD : 0);
    s_end(x); /* w:p */
    s_end(x); /* w:tc */
}

static void s_table(s_xml_t *x, s_docx_t *st, const doc_table_t *t)
{
    s_flush_break(x, st);
    long text_w = s_twips(DOC_TEXT_W);
    long *w = xcalloc((size_t)t->n_cols, sizeof *w);
    for (int c = 0; c < t->n_cols; c++)
        w[c] = lround(t->widths[c] * (double)text_w);
    s_el(x, "w:tbl");
    s_el(x, "w:tblPr");
    s_leaf(x, "w:tblStyle", "w:val", "TableGrid");
    s_el(x, "w:tblW");
    s_atf(x, "w:w", "%ld", text_w);
    s_at(x, "w:type", "dxa");
    s_end(x);
    s_borders(x);
    s_leaf(x, "w:tblLayout", "w:type", "fixed");
    s_el(x, "w:tblLook");
    s_at(x, "w:val", "04A0");
    s_at(x, "w:firstRow", "1");
    s_at(x, "w:lastRow", "0");
    s_at(x, "w:firstColumn", "0");
    s_at(x, "w:lastColumn", "0");
    s_at(x, "w:noHBand", "1");
    s_at(x, "w:noVBand", "1");
    s_end(x);
    s_end(x); /* w:tblPr */
    s_el(x, "w:tblGrid");
    for (int c = 0; c < t->n_cols; c++) {
        s_el(x, "w:gridCol");
        s_atf(x, "w:w", "%ld", w[c]);
        s_end(x);
    }
    s_end(x);
    for (int r = 0; r < t->n_rows; r++) {
        const doc_row_t *row = t->rows[r];
        s_el(x, "w:tr");
        if (row->kind == DOC_ROW_HEADER) {
            s_el(x, "w:trPr");
            s_leaf(x, "w:cantSplit", NULL, NULL);
            s_leaf(x, "w:tblHeader", NULL, NULL);
            s_end(x);
        }
        for (int c = 0; c < row->n_cells; c++)
            s_cell(x, t, row, c, row->kind == DOC_ROW_GROUP ? text_w : w[c]);
        s_end(x);
    }
    s_end(x); /* w:tbl */
    free(w);
    /* Word needs a paragraph between two tables, or it merges them */
    s_el(x, "w:p");
    s_el(x, "w:pPr");
    s_leaf(x, "w:pStyle", "w:val", "TableGap");
    s_end(x);
    s_end(x);
}

/* ---- charts -------------------------------------------------------------------------------- */

/* The picture of an inline drawing: image rid, its size in EMU. */
static void s_picture(s_xml_t *x, int id, const char *name, const char *rid, long cx, long cy)
{
    s_el(x, "a:graphic");
    s_at(x, "xmlns:a", S_NS_A);
    s_el(x, "a:graphicData");
    s_at(x, "uri", S_NS_PIC);
    s_el(x, "pic:pic");
    s_at(x, "xmlns:pic", S_NS_PIC);
    s_el(x, "pic:nvPicPr");
    s_el(x, "pic:cNvPr");
    s_atf(x, "id", "%d", id);
    s_at(x, "name", name);
    s_end(x);
    s_leaf(x, "pic:cNvPicPr", NULL, NULL);
    s_end(x);
    s_el(x, "pic:blipFill");
    s_leaf(x, "a:blip", "r:embed", rid);
    s_el(x, "a:stretch");
    s_leaf(x, "a:fillRect", NULL, NULL);
    s_end(x);
    s_end(x); /* pic:blipFill */
    s_el(x, "pic:spPr");
    s_el(x, "a:xfrm");
    s_el(x, "a:off");
    s_at(x, "x", "0");
    s_at(x, "y", "0");
    s_end(x);
    s_el(x, "a:ext");
    s_atf(x, "cx", "%ld", cx);
    s_atf(x, "cy", "%ld", cy);
    s_end(x);
    s_end(x); /* a:xfrm */
    s_el(x, "a:prstGeom");
    s_at(x, "prst", "rect");
    s_leaf(x, "a:avLst", NULL, NULL);
    s_end(x);
    s_end(x); /* pic:spPr */
    s_end(x); /* pic:pic */
    s_end(x); /* a:graphicData */
    s_end(x); /* a:graphic */
}

/* A chart: its PNG becomes word/media/chartN.png, shown inline in a paragraph of its own. */
static int s_chart(s_xml_t *x, s_docx_t *st, const doc_block_t *b)
{
    s_flush_break(x, st);
    uint8_t *png;
    size_t len;
    double w_pt = b->width_mm * 72.0 / 25.4, h_pt = b->height_mm * 72.0 / 25.4;
    int rc = chart_png(b->chart, w_pt, h_pt, DOCX_CHART_DPI, &png, &len, NULL, NULL);
    if (rc)
        return rc;
    int n = ++st->n_images;
    st->images = xrealloc(st->images, (size_t)n * sizeof *st->images);
    st->images[n - 1] = (s_part_t){xasprintf("word/media/chart%d.png", n), png, len, true};
    long cx = lround(b->width_mm * S_EMU_PER_MM), cy = lround(b->height_mm * S_EMU_PER_MM);
    char rid[32], name[32];
    snprintf(rid, sizeof rid, "rIdImg%d", n);
    snprintf(name, sizeof name, "chart%d.png", n);
    int id = ++st->next_docpr;
    s_el(x, "w:p");
    s_el(x, "w:pPr");
    s_leaf(x, "w:pStyle", "w:val", "Figure");
    s_end(x);
    s_el(x, "w:r");
    s_el(x, "w:drawing");
    s_el(x, "wp:inline");
    s_at(x, "distT", "0");
    s_at(x, "distB", "0");
    s_at(x, "distL", "0");
    s_at(x, "distR", "0");
    s_el(x, "wp:extent");
    s_atf(x, "cx", "%ld", cx);
    s_atf(x, "cy", "%ld", cy);
    s_end(x);
    s_el(x, "wp:effectExtent");
    s_at(x, "l", "0");
    s_at(x, "t", "0");
    s_at(x, "r", "0");
    s_at(x, "b", "0");
    s_end(x);
    s_el(x, "wp:docPr");
    s_atf(x, "id", "%d", id);
    s_atf(x, "name", "Grafik %d", n);
    s_at(x, "descr", chart_alt(b->chart));
    s_end(x);
    s_el(x, "wp:cNvGraphicFramePr");
    s_el(x, "a:graphicFrameLocks");
    s_at(x, "xmlns:a", S_NS_A);
    s_at(x, "noChangeAspect", "1");
    s_end(x);
    s_end(x);
    s_picture(x, id, name, rid, cx, cy);
    s_end(x); /* wp:inline */
    s_end(x); /* w:drawing */
    s_end(x); /* w:r */
    s_end(x); /* w:p */
    return 0;
}

/* ---- sections and the body ----------------------------------------------------------------- */

static void s_sect_pr(s_xml_t *x, const s_docx_t *st)
{
    bool numbered = st->pagenum != DOC_PAGENUM_NONE;
    s_el(x, "w:sectPr");
    if (st->has_header) {
        s_el(x, "w:headerReference");
        s_at(x, "w:type", "default");
        s_at(x, "r:id", numbered ? "rIdHeader1" : "rIdHeader2");
        s_end(x);
    }
    s_el(x, "w:footerReference");
    s_at(x, "w:type", "default");
    s_at(x, "r:id", numbered ? "rIdFooter1" : "rIdFooter2");
    s_end(x);
    s_el(x, "w:pgSz");
    s_atf(x, "w:w", "%ld", s_twips(DOC_PAGE_W));
    s_atf(x, "w:h", "%ld", s_twips(DOC_PAGE_H));
    s_end(x);
    s_el(x, "w:pgMar");
    s_atf(x, "w:top", "%ld", s_twips(DOC_MARGIN_TOP));
    s_atf(x, "w:right", "%ld", s_twips(DOC_MARGIN_RIGHT));
    s_atf(x, "w:bottom", "%ld", s_twips(DOC_MARGIN_BOTTOM));
    s_atf(x, "w:left", "%ld", s_twips(DOC_MARGIN_LEFT));
    s_atf(x, "w:header", "%ld", s_twips(DOC_MARGIN_TOP / 2));
    s_atf(x, "w:footer", "%ld", s_twips(DOC_MARGIN_BOTTOM / 2.5));
    s_at(x, "w:gutter", "0");
    s_end(x);
    if (numbered) {
        s_el(x, "w:pgNumType");
        s_at(x, "w:fmt", st->pagenum == DOC_PAGENUM_ROMAN ? "lowerRoman" : "decimal");
        s_at(x, "w:start", "1");
        s_end(x);
    }
    s_leaf(x, "w:cols", "w:space", "708");
    s_leaf(x, "w:docGrid", "w:linePitch", "360");
    s_end(x);
}

/* A new section: the previous one ends with a paragraph carrying its properties. */
static void s_section(s_xml_t *x, s_docx_t *st, const doc_block_t *b, bool first)
{
    if (!first) {
        st->pending_break = false; /* a section starts on a new page anyway */
        s_el(x, "w:p");
        s_el(x, "w:pPr");
        s_sect_pr(x, st);
        s_end(x);
        s_end(x);
    }
    st->pagenum = b->pagenum;
}

static int s_block(s_xml_t *x, s_docx_t *st, const doc_block_t *b, bool first)
{
    static const char *const headings[] = {"Heading1", "Heading1", "Heading2", "Heading3"};
    switch (b->kind) {
    case DOC_SECTION:
        s_section(x, st, b, first);
        break;
    case DOC_HEADING:
        s_paragraph(x, st, headings[b->level], &b->text);
        break;
    case DOC_PARAGRAPH:
        s_paragraph(x, st, s_style_ids[b->style], &b->text);
        break;
    case DOC_LIST:
        s_list(x, st, b);
        break;
    case DOC_TABLE:
        s_table(x, st, &b->table);
        break;
    case DOC_CHART:
        return s_chart(x, st, b);
    case DOC_PAGE_BREAK:
        st->pending_break = true;
        break;
    }
    return 0;
}

static int s_document(s_docx_t *st)
{
    s_xml_t x;
    s_x_open(&x, "w:document", "xmlns:w", S_NS_W);
    s_at(&x, "xmlns:r", S_NS_R);
    s_at(&x, "xmlns:wp", S_NS_WP);
    s_at(&x, "xmlns:a", S_NS_A);
    s_at(&x, "xmlns:pic", S_NS_PIC);
    s_el(&x, "w:body");
    int rc = 0;
    for (size_t i = 0; i < doc_count(st->d) && !rc && !x.err; i++)
        rc = s_block(&x, st, doc_block(st->d, i), i == 0);
    s_flush_break(&x, st);
    s_sect_pr(&x, st);
    s_end(&x); /* w:body */
    s_end(&x); /* w:document */
    int xrc = s_x_close(&x, st, "word/document.xml");
    return rc ? rc : xrc;
}

/* ---- styles -------------------------------------------------------------------------------- */

typedef struct {
    const char *id;
    const char *name; /* built-in names in Word's lower case ("heading 1") are recognised */
    const char *based_on;
    const char *next;
    bool keep_next;
    int before, after; /* spacing in twips; -1 inherits */
    int line;          /* line spacing in 240ths; 0 inherits */
    int ind_left;      /* twips */
    int first_line;    /* twips */
    const char *jc;    /* NULL inherits */
    int outline;       /* outline level 0-2; -1 none */
    bool bold, italic;
    int size; /* half-points; 0 inherits */
    const char *color;
} s_style_t;

static const s_style_t s_styles[] = {
    {"Heading1", "heading 1", "Normal", "BodyText", true, 0, 360, 0, 0, 0, "center", 0, true, false,
     28, NULL},
    {"Heading2", "heading 2", "Normal", "BodyText", true, 240, 120, 0, 0, 0, "left", 1, true, false,
     24, NULL},
    {"Heading3", "heading 3", "Normal", "BodyText", true, 200, 100, 0, 0, 0, "left", 2, true, true,
     24, NULL},
    {"BodyText", "Body Text", "Normal", NULL, false, -1, 120, 0, 0, 567, "both", -1, false, false,
     0, NULL},
    {"BodyTextLeft", "Body Text Left", "Normal", NULL, false, -1, 120, 0, 0, 0, "left", -1, false,
     false, 0, NULL},
    {"Title", "Title", "Normal", NULL, false, 1920, 240, 0, 0, 0, "center", -1, true, false, 36,
     NULL},
    {"Subtitle", "Subtitle", "Normal", NULL, false, 0, 120, 0, 0, 0, "center", -1, true, false, 28,
     NULL},
    {"CoverMark", "Cover Mark", "Normal", NULL, false, 1920, 1920, 0, 0, 0, "center", -1, true,
     false, 72, "C00000"},
    {"CoverNote", "Cover Note", "Normal", NULL, false, -1, -1, 0, 0, 0, "center", -1, false, true,
     18, NULL},
    {"Caption", "caption", "Normal", "Normal", true, 120, 60, 0, 0, 0, "center", -1, true, false,
     20, NULL},
    {"Lead", "Lead", "Normal", "BodyText", true, 160, 60, 0, 0, 0, "left", -1, true, false, 0,
     NULL},
    {"TableNote", "Table Note", "Normal", NULL, false, 0, 160, 240, 0, 0, NULL, -1, false, true, 18,
     NULL},
    {"Signature", "Signature", "Normal", NULL, false, 0, 0, 0, 4535, 0, "center", -1, false, false,
     0, NULL},
    {"ListParagraph", "List Paragraph", "Normal", NULL, false, -1, 60, 0, 720, 0, "both", -1, false,
     false, 0, NULL},
    {"TableText", "Table Text", "Normal", NULL, false, 0, 0, 240, 0, 0, NULL, -1, false, false, 18,
     NULL},
    {"TableHeading", "Table Heading", "TableText", NULL, false, -1, -1, 0, 0, 0, "center", -1, true,
     false, 16, NULL},
    {"TableGap", "Table Gap", "Normal", NULL, false, 0, 0, 240, 0, 0, NULL, -1, false, false, 12,
     NULL},
    {"Figure", "Figure", "Normal", NULL, false, 60, 160, 240, 0, 0, "center", -1, false, false, 0,
     NULL},
    {"Header", "header", "Normal", NULL, false, 0, 0, 240, 0, 0, "right", -1, false, true, 18,
     "7F7F7F"},
    {"Footer", "footer", "Normal", NULL, false, 0, 0, 240, 0, 0, "center", -1, false, false, 20,
     NULL},
};

static void s_style_ppr(s_xml_t *x, const s_style_t *s)
{
    s_el(x, "w:pPr");
    if (s->keep_next) {
        s_leaf(x, "w:keepNext", NULL, NULL);
        s_leaf(x, "w:keepLines", NULL, NULL);
    }
    if (s->before >= 0 || s->after >= 0 || s->line) {
        s_el(x, "w:spacing");
        if (s->before >= 0)
            s_atf(x, "w:before", "%d", s->before);
        if (s->after >= 0)
            s_atf(x, "w:after", "%d", s->after);
        if (s->line) {
            s_atf(x, "w:line", "%d", s->line);
            s_at(x, "w:lineRule", "auto");
        }
        s_end(x);
    }
    if (s->ind_left || s->first_line) {
        s_el(x, "w:ind");
        s_atf(x, "w:left", "%d", s->ind_left);
        s_atf(x, "w:firstLine", "%d", s->first_line);
        s_end(x);
    }
    if (s->jc)
        s_leaf(x, "w:jc", "w:val", s->jc);
    if (s->outline >= 0) {
        s_el(x, "w:outlineLvl");
        s_atf(x, "w:val", "%d", s->outline);
        s_end(x);
    }
    s_end(x);
}

static void s_style_rpr(s_xml_t *x, const s_style_t *s)
{
    if (!s->bold && !s->italic && !s->size && !s->color)
        return;
    s_el(x, "w:rPr");
    if (s->bold)
        s_leaf(x, "w:b", NULL, NULL);
    if (s->italic)
        s_leaf(x, "w:i", NULL, NULL);
    if (s->color)
        s_leaf(x, "w:color", "w:val", s->color);
    if (s->size) {
        s_el(x, "w:sz");
        s_atf(x, "w:val", "%d", s->size);
        s_end(x);
        s_el(x, "w:szCs");
        s_atf(x, "w:val", "%d", s->size);
        s_end(x);
    }
    s_end(x);
}

static void s_style(s_xml_t *x, const s_style_t *s)
{
    s_el(x, "w:style");
    s_at(x, "w:type", "paragraph");
    s_at(x, "w:styleId", s->id);
    s_leaf(x, "w:name", "w:val", s->name);
    s_leaf(x, "w:basedOn", "w:val", s->based_on);
    if (s->next)
        s_leaf(x, "w:next", "w:val", s->next);
    s_leaf(x, "w:qFormat", NULL, NULL);
    s_style_ppr(x, s);
    s_style_rpr(x, s);
    s_end(x);
}

static void s_doc_defaults(s_xml_t *x, const char *lang)
{
    s_el(x, "w:docDefaults");
    s_el(x, "w:rPrDefault");
    s_el(x, "w:rPr");
    s_el(x, "w:rFonts");
    s_at(x, "w:ascii", S_FONT);
    s_at(x, "w:hAnsi", S_FONT);
    s_at(x, "w:eastAsia", S_FONT);
    s_at(x, "w:cs", S_FONT);
    s_end(x);
    s_leaf(x, "w:sz", "w:val", "22");
    s_leaf(x, "w:szCs", "w:val", "22");
    s_leaf(x, "w:lang", "w:val", lang);
    s_end(x);
    s_end(x);
    s_el(x, "w:pPrDefault");
    s_el(x, "w:pPr");
    s_el(x, "w:spacing");
    s_at(x, "w:after", "120");
    s_at(x, "w:line", "276");
    s_at(x, "w:lineRule", "auto");
    s_end(x);
    s_end(x);
    s_end(x);
    s_end(x);
}

static int s_styles_part(s_docx_t *st)
{
    s_xml_t x;
    s_x_open(&x, "w:styles", "xmlns:w", S_NS_W);
    s_doc_defaults(&x, doc_lang(st->d));
    s_el(&x, "w:style");
    s_at(&x, "w:type", "paragraph");
    s_at(&x, "w:default", "1");
    s_at(&x, "w:styleId", "Normal");
    s_leaf(&x, "w:name", "w:val", "Normal");
    s_leaf(&x, "w:qFormat", NULL, NULL);
    s_end(&x);
    for (size_t i = 0; i < ARRAY_LEN(s_styles); i++)
        s_style(&x, &s_styles[i]);
    s_el(&x, "w:style");
    s_at(&x, "w:type", "table");
    s_at(&x, "w:styleId", "TableGrid");
    s_leaf(&x, "w:name", "w:val", "Table Grid");
    s_el(&x, "w:tblPr");
    s_borders(&x);
    s_el(&x, "w:tblCellMar");
    s_el(&x, "w:left");
    s_at(&x, "w:w", "85");
    s_at(&x, "w:type", "dxa");
    s_end(&x);
    s_el(&x, "w:right");
    s_at(&x, "w:w", "85");
    s_at(&x, "w:type", "dxa");
    s_end(&x);
    s_end(&x); /* w:tblCellMar */
    s_end(&x); /* w:tblPr */
    s_end(&x); /* w:style */
    s_end(&x); /* w:styles */
    return s_x_close(&x, st, "word/styles.xml");
}

/* ---- numbering, settings, header and footer ------------------------------------------------ */

static void s_abstract_num(s_xml_t *x, int id, const char *fmt, const char *text)
{
    s_el(x, "w:abstractNum");
    s_atf(x, "w:abstractNumId", "%d", id);
    s_leaf(x, "w:multiLevelType", "w:val", "singleLevel");
    s_el(x, "w:lvl");
    s_at(x, "w:ilvl", "0");
    s_leaf(x, "w:start", "w:val", "1");
    s_leaf(x, "w:numFmt", "w:val", fmt);
    s_leaf(x, "w:lvlText", "w:val", text);
    s_leaf(x, "w:lvlJc", "w:val", "left");
    s_el(x, "w:pPr");
    s_el(x, "w:ind");
    s_at(x, "w:left", "720");
    s_at(x, "w:hanging", "360");
    s_end(x);
    s_end(x);
    s_end(x); /* w:lvl */
    s_end(x);
}

static int s_numbering_part(s_docx_t *st)
{
    s_xml_t x;
    s_x_open(&x, "w:numbering", "xmlns:w", S_NS_W);
    s_abstract_num(&x, 0, "bullet", "\xE2\x80\xA2");
    s_abstract_num(&x, 1, "decimal", "%1.");
    s_el(&x, "w:num");
    s_at(&x, "w:numId", "1");
    s_leaf(&x, "w:abstractNumId", "w:val", "0");
    s_end(&x);
    for (int i = 0; i < st->n_ordered; i++) {
        s_el(&x, "w:num");
        s_atf(&x, "w:numId", "%d", 2 + i);
        s_leaf(&x, "w:abstractNumId", "w:val", "1");
        s_el(&x, "w:lvlOverride");
        s_at(&x, "w:ilvl", "0");
        s_leaf(&x, "w:startOverride", "w:val", "1");
        s_end(&x);
        s_end(&x);
    }
    s_end(&x);
    return s_x_close(&x, st, "word/numbering.xml");
}

static int s_settings_part(s_docx_t *st)
{
    s_xml_t x;
    s_x_open(&x, "w:settings", "xmlns:w", S_NS_W);
    s_leaf(&x, "w:zoom", "w:percent", "100");
    s_leaf(&x, "w:defaultTabStop", "w:val", "720");
    s_leaf(&x, "w:characterSpacingControl", "w:val", "doNotCompress");
    s_el(&x, "w:compat");
    s_el(&x, "w:compatSetting");
    s_at(&x, "w:name", "compatibilityMode");
    s_at(&x, "w:uri", "http://schemas.microsoft.com/office/word");
    s_at(&x, "w:val", "15");
    s_end(&x);
    s_end(&x);
    s_leaf(&x, "w:themeFontLang", "w:val", doc_lang(st->d));
    s_leaf(&x, "w:decimalSymbol", "w:val", ",");
    s_leaf(&x, "w:listSeparator", "w:val", ";");
    s_end(&x);
    return s_x_close(&x, st, "word/settings.xml");
}

/* A header or footer part: root is w:hdr or w:ftr; text NULL writes the PAGE field. */
static int s_hdrftr_part(s_docx_t *st, const char *root, const char *style, const char *text,
                         bool page, const char *name)
{
    s_xml_t x;
    s_x_open(&x, root, "xmlns:w", S_NS_W);
    s_at(&x, "xmlns:r", S_NS_R);
    s_el(&x, "w:p");
    s_el(&x, "w:pPr");
    s_leaf(&x, "w:pStyle", "w:val", style);
    s_end(&x);
    if (text) {
        s_el(&x, "w:r");
        s_textel(&x, "w:t", text);
        s_end(&x);
    }
    if (page) {
        s_el(&x, "w:r");
        s_leaf(&x, "w:fldChar", "w:fldCharType", "begin");
        s_end(&x);
        s_el(&x, "w:r");
        s_el(&x, "w:instrText");
        s_at(&x, "xml:space", "preserve");
        s_str(&x, " PAGE ");
        s_end(&x);
        s_end(&x);
        s_el(&x, "w:r");
        s_leaf(&x, "w:fldChar", "w:fldCharType", "separate");
        s_end(&x);
        s_el(&x, "w:r");
        s_textel(&x, "w:t", "1");
        s_end(&x);
        s_el(&x, "w:r");
        s_leaf(&x, "w:fldChar", "w:fldCharType", "end");
        s_end(&x);
    }
    s_end(&x); /* w:p */
    s_end(&x);
    return s_x_close(&x, st, name);
}

/* ---- package parts ------------------------------------------------------------------------- */

static void s_rel(s_xml_t *x, const char *id, const char *type, const char *target)
{
    s_el(x, "Relationship");
    s_at(x, "Id", id);
    s_at(x, "Type", type);
    s_at(x, "Target", target);
    s_end(x);
}

static int s_document_rels(s_docx_t *st)
{
    s_xml_t x;
    s_x_open(&x, "Relationships", "xmlns", S_NS_PKG);
    s_rel(&x, "rIdStyles", S_REL_BASE "styles", "styles.xml");
    s_rel(&x, "rIdSettings", S_REL_BASE "settings", "settings.xml");
    s_rel(&x, "rIdNumbering", S_REL_BASE "numbering", "numbering.xml");
    s_rel(&x, "rIdFooter1", S_REL_BASE "footer", "footer1.xml");
    s_rel(&x, "rIdFooter2", S_REL_BASE "footer", "footer2.xml");
    if (st->has_header) {
        s_rel(&x, "rIdHeader1", S_REL_BASE "header", "header1.xml");
        s_rel(&x, "rIdHeader2", S_REL_BASE "header", "header2.xml");
    }
    for (int i = 1; i <= st->n_images; i++) {
        char id[32], target[32];
        snprintf(id, sizeof id, "rIdImg%d", i);
        snprintf(target, sizeof target, "media/chart%d.png", i);
        s_rel(&x, id, S_REL_BASE "image", target);
    }
    s_end(&x);
    return s_x_close(&x, st, "word/_rels/document.xml.rels");
}

static int s_package_rels(s_docx_t *st)
{
    s_xml_t x;
    s_x_open(&x, "Relationships", "xmlns", S_NS_PKG);
    s_rel(&x, "rIdDocument", S_REL_BASE "officeDocument", "word/document.xml");
    s_rel(&x, "rIdCore",
          "http://schemas.openxmlformats.org/package/2006/relationships/metadata/"
          "core-properties",
          "docProps/core.xml");
    s_rel(&x, "rIdApp", S_REL_BASE "extended-properties", "docProps/app.xml");
    s_end(&x);
    return s_x_close(&x, st, "_rels/.rels");
}

static void s_override(s_xml_t *x, const char *part, const char *type)
{
    s_el(x, "Override");
    s_at(x, "PartName", part);
    s_at(x, "ContentType", type);
    s_end(x);
}

static int s_content_types(s_docx_t *st)
{
    s_xml_t x;
    s_x_open(&x, "Types", "xmlns", "http://schemas.openxmlformats.org/package/2006/content-types");
    static const char *const defaults[][2] = {
        {"rels", "application/vnd.openxmlformats-package.relationships+xml"},
        {"xml", "application/xml"},
        {"png", "image/png"},
    };
    for (size_t i = 0; i < ARRAY_LEN(defaults); i++) {
        s_el(&x, "Default");
        s_at(&x, "Extension", defaults[i][0]);
        s_at(&x, "ContentType", defaults[i][1]);
        s_end(&x);
    }
    s_override(&x, "/word/document.xml", S_CT_BASE "document.main+xml");
    s_override(&x, "/word/styles.xml", S_CT_BASE "styles+xml");
    s_override(&x, "/word/settings.xml", S_CT_BASE "settings+xml");
    s_override(&x, "/word/numbering.xml", S_CT_BASE "numbering+xml");
    s_override(&x, "/word/footer1.xml", S_CT_BASE "footer+xml");
    s_override(&x, "/word/footer2.xml", S_CT_BASE "footer+xml");
    if (st->has_header) {
        s_override(&x, "/word/header1.xml", S_CT_BASE "header+xml");
        s_override(&x, "/word/header2.xml", S_CT_BASE "header+xml");
    }
    s_override(&x, "/docProps/core.xml",
               "application/vnd.openxmlformats-package.core-properties+xml");
    s_override(&x, "/docProps/app.xml",
               "application/vnd.openxmlformats-officedocument.extended-properties+xml");
    s_end(&x);
    return s_x_close(&x, st, "[Content_Types].xml");
}

static int s_core_props(s_docx_t *st)
{
    s_xml_t x;
    s_x_open(&x, "cp:coreProperties", "xmlns:cp",
             "http://schemas.openxmlformats.org/package/2006/metadata/core-properties");
    s_at(&x, "xmlns:dc", "http://purl.org/dc/elements/1.1/");
    s_at(&x, "xmlns:dcterms", "http://purl.org/dc/terms/");
    s_at(&x, "xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance");
    s_textel(&x, "dc:title", doc_title(st->d));
    s_textel(&x, "dc:creator", doc_author(st->d));
    s_textel(&x, "dc:language", doc_lang(st->d));
    if (doc_created(st->d)[0]) {
        s_el(&x, "dcterms:created");
        s_at(&x, "xsi:type", "dcterms:W3CDTF");
        s_str(&x, doc_created(st->d));
        s_end(&x);
    }
    s_end(&x);
    int rc = s_x_close(&x, st, "docProps/core.xml");
    if (rc)
        return rc;
    s_x_open(&x, "Properties", "xmlns",
             "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties");
    s_textel(&x, "Application", "lkip " LKIP_VERSION);
    s_end(&x);
    return s_x_close(&x, st, "docProps/app.xml");
}

/* ---- the zip ------------------------------------------------------------------------------- */

static int s_zip_add(zip_t *za, const s_part_t *p)
{
    zip_source_t *src = zip_source_buffer(za, p->data, p->len, 0);
    if (!src)
        return -ENOMEM;
    zip_int64_t idx = zip_file_add(za, p->name, src, ZIP_FL_ENC_UTF_8);
    if (idx < 0) {
        zip_source_free(src);
        return -EIO;
    }
    if (zip_file_set_mtime(za, (zip_uint64_t)idx, S_ZIP_MTIME, 0) < 0 ||
        (p->store && zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_STORE, 0) < 0))
        return -EIO;
    return 0;
}

/* Reads the whole archive that zip_close wrote into src. */
static int s_zip_bytes(zip_source_t *src, uint8_t **out, size_t *len)
{
    if (zip_source_open(src) < 0)
        return -EIO;
    int rc = -EIO;
    if (zip_source_seek(src, 0, SEEK_END) == 0) {
        zip_int64_t n = zip_source_tell(src);
        if (n > 0 && zip_source_seek(src, 0, SEEK_SET) == 0) {
            uint8_t *buf = xmalloc((size_t)n);
            if (zip_source_read(src, buf, (zip_uint64_t)n) == n) {
                *out = buf;
                *len = (size_t)n;
                rc = 0;
            } else {
                free(buf);
            }
        }
    }
    zip_source_close(src);
    return rc;
}

static int s_zip(const s_docx_t *st, uint8_t **out, size_t *len)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
    zip_t *za = src ? zip_open_from_source(src, ZIP_TRUNCATE, &ze) : NULL;
    zip_error_fini(&ze);
    if (!za) {
        if (src)
            zip_source_free(src);
        return -ENOMEM;
    }
    zip_source_keep(src);
    int rc = 0;
    for (int i = 0; i < st->n_parts && !rc; i++)
        rc = s_zip_add(za, &st->parts[i]);
    for (int i = 0; i < st->n_images && !rc; i++)
        rc = s_zip_add(za, &st->images[i]);
    if (rc) {
        zip_discard(za);
    } else if (zip_close(za) < 0) {
        zip_discard(za);
        rc = -EIO;
    }
    if (!rc)
        rc = s_zip_bytes(src, out, len);
    zip_source_free(src);
    return rc;
}

static void s_parts_free(s_docx_t *st)
{
    for (int i = 0; i < st->n_parts; i++) {
        free(st->parts[i].name);
        free(st->parts[i].data);
    }
    for (int i = 0; i < st->n_images; i++) {
        free(st->images[i].name);
        free(st->images[i].data);
    }
    free(st->images);
}

int docx_render(const doc_t *d, uint8_t **out, size_t *len)
{
    s_docx_t st = {.d = d, .has_header = doc_header(d)[0] != '\0'};
    /* [Content_Types].xml first, as every producer does; written last as it names the parts */
    st.n_parts = 1;
    int rc = s_document(&st);
    if (!rc)
        rc = s_styles_part(&st);
    if (!rc)
        rc = s_numbering_part(&st);
    if (!rc)
        rc = s_settings_part(&st);
    if (!rc)
        rc = s_hdrftr_part(&st, "w:ftr", "Footer", NULL, true, "word/footer1.xml");
    if (!rc)
        rc = s_hdrftr_part(&st, "w:ftr", "Footer", NULL, false, "word/footer2.xml");
    if (!rc && st.has_header)
        rc = s_hdrftr_part(&st, "w:hdr", "Header", doc_header(d), false, "word/header1.xml");
    if (!rc && st.has_header)
        rc = s_hdrftr_part(&st, "w:hdr", "Header", NULL, false, "word/header2.xml");
    if (!rc)
        rc = s_document_rels(&st);
    if (!rc)
        rc = s_package_rels(&st);
    if (!rc)
        rc = s_core_props(&st);
    if (!rc) {
        int n = st.n_parts;
        st.n_parts = 0;
        rc = s_content_types(&st);
        st.n_parts = n; /* slot 0 stays zeroed (nothing to free) when that failed */
    }
    if (!rc)
        rc = s_zip(&st, out, len);
    s_parts_free(&st);
    return rc;
}
