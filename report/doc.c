/* doc — see doc.h. Every block is allocated on its own and kept in an array of pointers, so
 * that the texts the builders hand out stay valid while the document grows. */
#include "doc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct doc {
    size_t n_blocks;
    size_t cap;
    doc_block_t **blocks;
    char *title;
    char *author;
    char *created;
    char *header;
    char *lang;
};

/* ---- text ---------------------------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at p (1-4), or 0 when it is not one. */
static size_t s_utf8_len(const unsigned char *p)
{
    unsigned c = p[0];
    size_t n = c < 0x80             ? 1
               : (c & 0xE0) == 0xC0 ? 2
               : (c & 0xF0) == 0xE0 ? 3
               : (c & 0xF8) == 0xF0 ? 4
                                    : 0;
    if (n == 0 || (n == 2 && c < 0xC2) || (n == 4 && (c > 0xF4 || (c == 0xF4 && p[1] > 0x8F))))
        return 0; /* overlong two-byte forms and code points above U+10FFFF */
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    }
    if (n == 3) {
        unsigned cp = ((c & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
        if (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0; /* overlong, or a surrogate: XML has no place for either */
        if (cp == 0xFFFE || cp == 0xFFFF)
            return 0;
    }
    if (n == 4) {
        unsigned cp = ((c & 0x07u) << 18) | ((p[1] & 0x3Fu) << 12);
        if (cp < 0x10000)
            return 0;
    }
    return n;
}

/* A copy of s that XML 1.0 and pango both accept: see doc.h. */
static char *s_clean(const char *s)
{
    strbuf_t b = {0};
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        size_t n = s_utf8_len(p);
        if (n == 0) {
            strbuf_puts(&b, "\xEF\xBF\xBD");
            p++;
        } else if (n == 1 && (*p == '\t' || *p == '\r')) {
            if (*p == '\t')
                strbuf_puts(&b, " ");
            p++;
        } else if (n == 1 && *p < 0x20 && *p != '\n') {
            p++;
        } else {
            strbuf_append(&b, (const char *)p, n);
            p += n;
        }
    }
    return strbuf_take(&b);
}

void doc_text_add(doc_text_t *t, unsigned flags, const char *text)
{
    if (!text || !text[0])
        return;
    t->runs = xrealloc(t->runs, (size_t)(t->n_runs + 1) * sizeof *t->runs);
    t->runs[t->n_runs++] = (doc_run_t){s_clean(text), flags};
}

void doc_text_addf(doc_text_t *t, unsigned flags, const char *fmt, ...)
{
    strbuf_t b = {0};
    va_list ap;
    va_start(ap, fmt);
    strbuf_vprintf(&b, fmt, ap);
    va_end(ap);
    doc_text_add(t, flags, strbuf_str(&b));
    strbuf_free(&b);
}

char *doc_text_plain(const doc_text_t *t)
{
    strbuf_t b = {0};
    for (int i = 0; i < t->n_runs; i++)
        strbuf_puts(&b, t->runs[i].text);
    return strbuf_take(&b);
}

static void s_text_free(doc_text_t *t)
{
    for (int i = 0; i < t->n_runs; i++)
        free(t->runs[i].text);
    free(t->runs);
    t->runs = NULL;
    t->n_runs = 0;
}

/* ---- document ------------------------------------------------------------------------------ */

doc_t *doc_new(void)
{
    doc_t *d = xcalloc(1, sizeof *d);
    d->title = xstrdup("");
    d->author = xstrdup("");
    d->created = xstrdup("");
    d->header = xstrdup("");
    d->lang = xstrdup("id-ID");
    return d;
}

static void s_block_free(doc_block_t *b)
{
    s_text_free(&b->text);
    for (int i = 0; i < b->n_items; i++) {
        s_text_free(b->items[i]);
        free(b->items[i]);
    }
    free(b->items);
    for (int r = 0; r < b->table.n_rows; r++) {
        doc_row_t *row = b->table.rows[r];
        for (int c = 0; c < row->n_cells; c++)
            s_text_free(&row->cells[c]);
        free(row->cells);
        free(row);
    }
    free(b->table.rows);
    free(b->table.widths);
    free(b->table.align);
    chart_destroy(&b->chart);
    free(b);
}

void doc_destroy(doc_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    doc_t *d = *self_p;
    for (size_t i = 0; i < d->n_blocks; i++)
        s_block_free(d->blocks[i]);
    free(d->blocks);
    free(d->title);
    free(d->author);
    free(d->created);
    free(d->header);
    free(d->lang);
    free(d);
    *self_p = NULL;
}

static void s_replace(char **field, const char *value)
{
    if (!value)
        return;
    free(*field);
    *field = s_clean(value);
}

void doc_set_meta(doc_t *d, const char *title, const char *author, const char *created,
                  const char *header, const char *lang)
{
    s_replace(&d->title, title);
    s_replace(&d->author, author);
    s_replace(&d->created, created);
    s_replace(&d->header, header);
    s_replace(&d->lang, lang);
}

const char *doc_title(const doc_t *d)
{
    return d->title;
}

const char *doc_author(const doc_t *d)
{
    return d->author;
}

const char *doc_created(const doc_t *d)
{
    return d->created;
}

const char *doc_header(const doc_t *d)
{
    return d->header;
}

const char *doc_lang(const doc_t *d)
{
    return d->lang;
}

static doc_block_t *s_add(doc_t *d, doc_kind_t kind)
{
    if (d->n_blocks == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 64;
        d->blocks = xrealloc(d->blocks, d->cap * sizeof *d->blocks);
    }
    doc_block_t *b = xcalloc(1, sizeof *b);
    b->kind = kind;
    d->blocks[d->n_blocks++] = b;
    return b;
}

/* The last block when it is of kind, else NULL (a programmer error the callers assert). */
static doc_block_t *s_last(doc_t *d, doc_kind_t kind)
{
    if (d->n_blocks == 0 || d->blocks[d->n_blocks - 1]->kind != kind)
        return NULL;
    return d->blocks[d->n_blocks - 1];
}

void doc_section(doc_t *d, doc_pagenum_t pagenum)
{
    s_add(d, DOC_SECTION)->pagenum = pagenum;
}

void doc_heading(doc_t *d, int level, const char *text)
{
    doc_block_t *b = s_add(d, DOC_HEADING);
    b->level = level < 1 ? 1 : level > 3 ? 3 : level;
    doc_text_add(&b->text, 0, text);
}

doc_text_t *doc_para(doc_t *d, doc_style_t style)
{
    doc_block_t *b = s_add(d, DOC_PARAGRAPH);
    b->style = style;
    return &b->text;
}

void doc_para_text(doc_t *d, doc_style_t style, unsigned flags, const char *text)
{
    doc_text_add(doc_para(d, style), flags, text);
}

void doc_list(doc_t *d, bool ordered)
{
    s_add(d, DOC_LIST)->ordered = ordered;
}

doc_text_t *doc_list_item(doc_t *d)
{
    doc_block_t *b = s_last(d, DOC_LIST);
    if (!b) {
        doc_list(d, false);
        b = s_last(d, DOC_LIST);
    }
    b->items = xrealloc(b->items, (size_t)(b->n_items + 1) * sizeof *b->items);
    b->items[b->n_items] = xcalloc(1, sizeof **b->items);
    return b->items[b->n_items++];
}

void doc_table(doc_t *d, int n_cols, const double *widths, const doc_align_t *align)
{
    doc_block_t *b = s_add(d, DOC_TABLE);
    doc_table_t *t = &b->table;
    t->n_cols = n_cols > 0 ? n_cols : 1;
    t->widths = xcalloc((size_t)t->n_cols, sizeof *t->widths);
    t->align = xcalloc((size_t)t->n_cols, sizeof *t->align);
    double sum = 0;
    for (int c = 0; c < t->n_cols; c++)
        sum += widths && widths[c] > 0 ? widths[c] : 1;
    for (int c = 0; c < t->n_cols; c++) {
        t->widths[c] = (widths && widths[c] > 0 ? widths[c] : 1) / sum;
        t->align[c] = align ? align[c] : DOC_ALIGN_LEFT;
    }
}

doc_row_t *doc_table_row(doc_t *d, doc_row_kind_t kind)
{
    doc_block_t *b = s_last(d, DOC_TABLE);
    if (!b) {
        doc_table(d, 1, NULL, NULL);
        b = s_last(d, DOC_TABLE);
    }
    doc_table_t *t = &b->table;
    /* a header row after the body would not repeat: it is a body row in header dress */
    if (kind == DOC_ROW_HEADER && t->n_header_rows != t->n_rows)
        kind = DOC_ROW_GROUP;
    doc_row_t *row = xcalloc(1, sizeof *row);
    row->kind = kind;
    row->n_cells = kind == DOC_ROW_GROUP ? 1 : t->n_cols;
    row->cells = xcalloc((size_t)row->n_cells, sizeof *row->cells);
    t->rows = xrealloc(t->rows, (size_t)(t->n_rows + 1) * sizeof *t->rows);
    t->rows[t->n_rows++] = row;
    if (kind == DOC_ROW_HEADER)
        t->n_header_rows++;
    return row;
}

void doc_table_rowv(doc_t *d, doc_row_kind_t kind, unsigned flags, const char *const *cells)
{
    doc_row_t *row = doc_table_row(d, kind);
    for (int c = 0; c < row->n_cells; c++)
        doc_text_add(&row->cells[c], flags, cells[c]);
}

void doc_chart(doc_t *d, chart_t *c, double width_mm, double height_mm)
{
    doc_block_t *b = s_add(d, DOC_CHART);
    b->chart = c;
    b->width_mm = width_mm;
    b->height_mm = height_mm;
}

void doc_page_break(doc_t *d)
{
    s_add(d, DOC_PAGE_BREAK);
}

size_t doc_count(const doc_t *d)
{
    return d->n_blocks;
}

const doc_block_t *doc_block(const doc_t *d, size_t i)
{
    return i < d->n_blocks ? d->blocks[i] : NULL;
}

char *doc_roman(int n, char *buf, size_t len)
{
    static const int values[] = {1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1};
    static const char *const digits[] = {"m",  "cm", "d",  "cd", "c",  "xc", "l",
                                         "xl", "x",  "ix", "v",  "iv", "i"};
    char tmp[32] = "";
    size_t w = 0;
    if (n < 1 || n > 3999) {
        snprintf(buf, len, "%d", n);
        return buf;
    }
    for (size_t i = 0; i < ARRAY_LEN(values); i++) {
        while (n >= values[i]) {
            w += (size_t)snprintf(tmp + w, sizeof tmp - w, "%s", digits[i]);
            n -= values[i];
        }
    }
    snprintf(buf, len, "%s", tmp);
    return buf;
}
