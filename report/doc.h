/* doc — an abstract document, built once and rendered twice (docx.h to DOCX, docpdf.h to PDF):
 * sections with their page-number style, headings of levels 1-3, paragraphs made of runs (bold,
 * italic), flat lists, tables with header rows (repeated on every page) and group rows, charts
 * (chart.h), and page breaks. The LKIP draft (draft.h) is one; anything else lkip writes as a
 * document can be another.
 *
 * Built through the functions below, read by the renderers through doc_block(). Text is stored
 * as clean UTF-8: invalid bytes become U+FFFD, control characters other than '\n' (a line break
 * inside a paragraph or cell) are dropped, tabs become spaces. Building never fails (out of
 * memory aborts). A doc belongs to one thread at a time; different docs are independent. */
#ifndef LKIP_DOC_H
#define LKIP_DOC_H

#include "chart.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct doc doc_t;

/* The page every renderer uses: A4, with the margins of Indonesian government documents (tata
 * naskah dinas: at least 2 cm at the top, 2.5 cm at the bottom, 3 cm on the left for binding,
 * 2 cm on the right). Millimetres. */
#define DOC_PAGE_W        210.0
#define DOC_PAGE_H        297.0
#define DOC_MARGIN_TOP    20.0
#define DOC_MARGIN_BOTTOM 25.0
#define DOC_MARGIN_LEFT   30.0
#define DOC_MARGIN_RIGHT  20.0
#define DOC_TEXT_W        (DOC_PAGE_W - DOC_MARGIN_LEFT - DOC_MARGIN_RIGHT)

/* ---- text ---------------------------------------------------------------------------------- */

typedef enum {
    DOC_RUN_BOLD = 1u << 0,
    DOC_RUN_ITALIC = 1u << 1,
} doc_run_flag_t;

typedef struct {
    char *text;     /* never NULL; may contain '\n' (a line break) */
    unsigned flags; /* doc_run_flag_t bits */
} doc_run_t;

/* A piece of rich text: a paragraph, a list item, a table cell. */
typedef struct {
    int n_runs;
    doc_run_t *runs;
} doc_text_t;

/* Appends a run (copied and cleaned). Empty text adds nothing. */
void doc_text_add(doc_text_t *t, unsigned flags, const char *text);
void doc_text_addf(doc_text_t *t, unsigned flags, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The concatenated text of every run; caller frees. */
char *doc_text_plain(const doc_text_t *t);

/* ---- blocks -------------------------------------------------------------------------------- */

typedef enum {
    DOC_SECTION,    /* a new section starts (on a new page) */
    DOC_HEADING,    /* heading of level 1-3 (Heading1-3 in DOCX, outline entries in PDF) */
    DOC_PARAGRAPH,  /* a paragraph in one of doc_style_t */
    DOC_LIST,       /* a flat bulleted or numbered list */
    DOC_TABLE,      /* a table */
    DOC_CHART,      /* a chart: PNG in DOCX, vectors in PDF */
    DOC_PAGE_BREAK, /* the next block starts a new page */
} doc_kind_t;

typedef enum {
    DOC_STYLE_BODY,        /* body text, justified */
    DOC_STYLE_LEFT,        /* body text, left-aligned (lines that must not be stretched) */
    DOC_STYLE_COVER_TITLE, /* cover: the title, large, centred */
    DOC_STYLE_COVER_TEXT,  /* cover: organisation and year, centred */
    DOC_STYLE_COVER_MARK,  /* cover: the "DRAFT" marking, large, red */
    DOC_STYLE_COVER_NOTE,  /* cover: small centred note */
    DOC_STYLE_CAPTION,     /* caption of the table or chart that follows; kept with it */
    DOC_STYLE_LEAD,        /* a bold lead line (an indicator's name), kept with what follows */
    DOC_STYLE_NOTE,        /* small print under a table */
    DOC_STYLE_SIGNATURE,   /* signature block: centred in the right half of the page */
    DOC_STYLE_COUNT,
} doc_style_t;

typedef enum {
    DOC_PAGENUM_NONE,   /* no page numbers (the cover) */
    DOC_PAGENUM_ROMAN,  /* i, ii, iii ... (front matter) */
    DOC_PAGENUM_ARABIC, /* 1, 2, 3 ... */
} doc_pagenum_t;

typedef enum {
    DOC_ALIGN_LEFT,
    DOC_ALIGN_CENTER,
    DOC_ALIGN_RIGHT, /* numbers */
} doc_align_t;

typedef enum {
    DOC_ROW_HEADER, /* header row: bold, shaded, repeated at the top of every page */
    DOC_ROW_GROUP,  /* one cell across every column (a sasaran, a unit): bold, light shade */
    DOC_ROW_BODY,   /* an ordinary row */
} doc_row_kind_t;

typedef struct {
    doc_row_kind_t kind;
    int n_cells;       /* the table's n_cols, or 1 for a group row */
    doc_text_t *cells; /* n_cells */
} doc_row_t;

typedef struct {
    int n_cols;
    double *widths;     /* fractions of the text width, summing to 1 */
    doc_align_t *align; /* of body cells; header cells are centred */
    int n_header_rows;  /* the first rows, all DOC_ROW_HEADER */
    int n_rows;
    doc_row_t **rows;
} doc_table_t;

typedef struct {
    doc_kind_t kind;
    doc_pagenum_t pagenum; /* DOC_SECTION: numbering style, restarting at 1 */
    int level;             /* DOC_HEADING: 1-3 */
    doc_style_t style;     /* DOC_PARAGRAPH */
    doc_text_t text;       /* DOC_HEADING (plain runs), DOC_PARAGRAPH */
    bool ordered;          /* DOC_LIST: numbered (1. 2. 3.) rather than bulleted */
    int n_items;           /* DOC_LIST */
    doc_text_t **items;
    doc_table_t table; /* DOC_TABLE */
    chart_t *chart;    /* DOC_CHART: owned by the doc */
    double width_mm;   /* DOC_CHART: size on the page */
    double height_mm;
} doc_block_t;

/* ---- building ------------------------------------------------------------------------------ */

/* A new empty document whose first section has no page numbers until doc_section says so.
 * Caller owns it (doc_destroy). */
doc_t *doc_new(void);
void doc_destroy(doc_t **self_p);

/* Metadata: the title and author (PDF info, DOCX core properties), the creation instant as
 * "YYYY-MM-DDTHH:MM:SSZ", the header line printed at the top of every numbered page ("" for
 * none; the DRAFT marking) and the language tag ("id-ID"). NULL leaves a value unchanged. */
void doc_set_meta(doc_t *d, const char *title, const char *author, const char *created,
                  const char *header, const char *lang);
const char *doc_title(const doc_t *d);
const char *doc_author(const doc_t *d);
const char *doc_created(const doc_t *d);
const char *doc_header(const doc_t *d);
const char *doc_lang(const doc_t *d);

void doc_section(doc_t *d, doc_pagenum_t pagenum);
void doc_heading(doc_t *d, int level, const char *text);
/* A new paragraph; add its runs to the returned text (valid while d lives). */
doc_text_t *doc_para(doc_t *d, doc_style_t style);
/* A paragraph of one run. */
void doc_para_text(doc_t *d, doc_style_t style, unsigned flags, const char *text);
/* A new list; doc_list_item adds an item to the last list and returns its text. */
void doc_list(doc_t *d, bool ordered);
doc_text_t *doc_list_item(doc_t *d);
/* A new table with n_cols columns of the given relative widths (normalised) and body alignment.
 * Rows are added to the last table. Header rows must come before any other row. */
void doc_table(doc_t *d, int n_cols, const double *widths, const doc_align_t *align);
/* Adds a row of the given kind to the last table; returns it, with empty cells to fill. */
doc_row_t *doc_table_row(doc_t *d, doc_row_kind_t kind);
/* Adds a row whose cells are the given plain strings (n_cols of them; one for a group row),
 * all with the same flags. */
void doc_table_rowv(doc_t *d, doc_row_kind_t kind, unsigned flags, const char *const *cells);
/* A chart of the given size; the doc takes ownership of c. */
void doc_chart(doc_t *d, chart_t *c, double width_mm, double height_mm);
void doc_page_break(doc_t *d);

/* ---- reading ------------------------------------------------------------------------------- */

size_t doc_count(const doc_t *d);
const doc_block_t *doc_block(const doc_t *d, size_t i);

/* Lower-case roman numeral of n (1-3999) into buf: "xiv". */
char *doc_roman(int n, char *buf, size_t len);

#endif
