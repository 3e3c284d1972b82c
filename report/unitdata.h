/* unitdata — the performance data file a unit submits (LKIP.md, "Performance data"): CSV as
 * Indonesian spreadsheets export it (';' or ',' separator, quotes, decimal comma, '.' thousands,
 * "58%"), parsed into indicator rows. Every rejected cell is reported with its row, column and
 * reason; a file with any error is rejected whole by the caller. Pure. */
#ifndef LKIP_UNITDATA_H
#define LKIP_UNITDATA_H

#include "capaian.h"

#define UNITDATA_MAX_ROWS 2000
#define UNITDATA_MAX_CELL 500

typedef struct {
    int line;   /* line of the file (header is line 1) */
    char *unit; /* the "unit" column as written; "" when the file has none */
    char *sasaran;
    char *indikator;
    char *satuan;
    capaian_dir_t dir;         /* "arah": naik/turun (also higher/lower) */
    capaian_formula_t formula; /* optional "rumus" column: "2T-R" (default) or "T/R" */
    double target_lo;          /* target, or the lower bound of a range */
    double target_hi;          /* == target_lo unless the target is a range "80 - 90" */
    double realisasi;
    bool has_pagu;
    double pagu; /* optional budget, rupiah */
    bool has_realisasi_anggaran;
    double realisasi_anggaran;
    char *target_text; /* the cells as written, for the record */
    char *realisasi_text;
} unitdata_row_t;

typedef struct {
    int line;          /* 0 for file-level problems */
    int column;        /* 1-based; 0 when not about one cell */
    char *column_name; /* header name of that column; "" when none */
    char *code;        /* stable English code: bad_number, ambiguous_number, ... */
    char *reason;      /* Bahasa Indonesia, names the value */
} unitdata_error_t;

typedef struct {
    char separator; /* ';', ',' or '\t' */
    int n_rows;
    unitdata_row_t *rows; /* the rows without errors, in file order */
    int n_errors;
    unitdata_error_t *errors;
} unitdata_t;

/* Parses a whole file. Never returns NULL; the file is acceptable when n_errors == 0.
 * Caller owns the result (unitdata_destroy). */
unitdata_t *unitdata_parse(const char *text, size_t len);
void unitdata_destroy(unitdata_t **self_p);

/* Parses one number as people and spreadsheets write it: "68,5", "1.234,5", "1,234.5",
 * "450.000.000", "58%", "-3". decimal_comma: -1 unknown, 0 the file uses '.', 1 the file uses
 * ','; "1.234" is ambiguous when unknown. Returns 0, or -EINVAL with *code and *why (static,
 * *why in Bahasa Indonesia) set. *percent tells whether a '%' was written. */
int unitdata_parse_number(const char *text, int decimal_comma, double *out, bool *percent,
                          const char **code, const char **why) WUR;

#endif
