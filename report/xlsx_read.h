/* xlsx_read — reads the cells of spreadsheets saved as XLSX (Office Open XML), as Excel,
 * LibreOffice and libxlsxwriter write them: libzip opens the archive, libxml2's streaming
 * reader (xmlTextReader) reads the workbook, its relationships, the shared strings, the styles
 * and one worksheet at a time. Values are what the file holds: numbers as numbers, text from
 * the shared string table or inline, booleans, error values, and for a formula its cached value.
 * A number whose style is a date format is reported as a date, so that a caller can refuse a
 * date where a number belongs.
 *
 * Hostile files: the archive's entry count and its uncompressed size (declared, and counted
 * while reading) are capped (zip bombs), encrypted files (Office's password protection, or
 * encrypted ZIP entries) are recognised and refused, XML is parsed without network access or
 * entity substitution, strings and cell counts are capped. Errors come as a stable English code
 * and a reason in Bahasa Indonesia.
 *
 * Pure (no files, no sockets); any thread, one xlsx_t per thread. */
#ifndef LKIP_XLSX_READ_H
#define LKIP_XLSX_READ_H

#include "util.h"

/* Defaults of xlsx_limits_t. */
#define XLSX_MAX_ENTRIES 500                 /* files in the archive */
#define XLSX_MAX_TOTAL   (64u * 1024 * 1024) /* uncompressed bytes of every entry together */
#define XLSX_MAX_CELLS   1000000             /* cells with a value in one sheet */
#define XLSX_MAX_STRING  32767               /* bytes of one string (Excel's limit in chars) */

typedef struct {
    int max_entries;  /* 0: XLSX_MAX_ENTRIES */
    size_t max_total; /* 0: XLSX_MAX_TOTAL */
} xlsx_limits_t;

typedef enum {
    XLSX_NUMBER, /* num holds it; text the value as stored ("84.2") */
    XLSX_TEXT,   /* text holds it (shared, inline, or a formula's string result) */
    XLSX_BOOL,   /* num is 0 or 1 */
    XLSX_ERROR,  /* text is the error value ("#DIV/0!") */
    XLSX_DATE,   /* a number styled as a date or time (num: Excel's serial), or an ISO date */
} xlsx_kind_t;

typedef struct {
    int row; /* 1-based */
    int col; /* 1-based: A is 1 */
    xlsx_kind_t kind;
    double num;
    char *text;   /* never NULL; owned by the sheet */
    bool formula; /* the cell holds a formula; kind and value are its cached result */
    bool locked;  /* its style locks it (what protection then enforces); true by default */
} xlsx_cell_t;

typedef struct {
    char *name;
    bool hidden;       /* state hidden or veryHidden */
    bool is_protected; /* the sheet carries sheetProtection with sheet="1" */
    bool has_password; /* ... and a password hash */
    int n_cells;       /* cells with a value, sorted by row, then column */
    xlsx_cell_t *cells;
    int max_row; /* the largest row and column with a value; 0 when empty */
    int max_col;
} xlsx_sheet_t;

typedef struct xlsx xlsx_t;

/* Opens an XLSX held in data (which must outlive the result): checks the archive against the
 * limits (NULL: the defaults) and reads the workbook, shared strings and styles. Returns 0 with
 * *out owned by the caller (xlsx_destroy), or -EINVAL with *code (static: not_xlsx, encrypted,
 * too_many_entries, archive_too_large, bad_xlsx) and *why (caller frees). */
int xlsx_open(const void *data, size_t len, const xlsx_limits_t *limits, xlsx_t **out,
              const char **code, char **why) WUR;
void xlsx_destroy(xlsx_t **self_p);

/* The sheets in workbook order. */
int xlsx_sheet_count(const xlsx_t *x);
const char *xlsx_sheet_name(const xlsx_t *x, int i);

/* Reads the sheet called name. Returns 0 with *out owned by the caller (xlsx_sheet_destroy),
 * -ENOENT when the workbook has no such sheet, or -EINVAL with *code and *why as xlsx_open. */
int xlsx_read_sheet(xlsx_t *x, const char *name, xlsx_sheet_t **out, const char **code,
                    char **why) WUR;
void xlsx_sheet_destroy(xlsx_sheet_t **self_p);

/* The cell at row, col (1-based), or NULL when it holds no value. */
const xlsx_cell_t *xlsx_cell(const xlsx_sheet_t *s, int row, int col);

/* "A", "Z", "AA" ... for a 1-based column (1..16384); buf of at least 4 bytes. */
char *xlsx_col_name(int col, char *buf, size_t len);

/* "Data Kinerja!H7": a cell named as a spreadsheet user sees it. */
char *xlsx_ref(const char *sheet, int row, int col, char *buf, size_t len);

#endif
