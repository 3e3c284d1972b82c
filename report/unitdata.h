/* unitdata — the performance data a unit submits (LKIP.md, "Performance data"): CSV as
 * Indonesian spreadsheets export it (';' or ',' separator, quotes, decimal comma, '.' thousands,
 * "58%"), parsed into indicator rows with the unit's explanations. Every rejected cell is
 * reported with its row, column and reason; a file with any error is rejected whole by the
 * caller. The same rows and errors also carry what unitfmt reads from a filled XLSX format
 * (errors then name their cell, "Data Kinerja!H7"). Pure; any thread. */
#ifndef LKIP_UNITDATA_H
#define LKIP_UNITDATA_H

#include "capaian.h"

#define UNITDATA_MAX_ROWS 2000
#define UNITDATA_MAX_CELL 500  /* bytes of a cell, except the explanations */
#define UNITDATA_MAX_TEXT 4000 /* bytes of an explanation (penjelasan, faktor ..., upaya) */

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
    char *code; /* optional "kode" column: the indicator's code in the PK ("IKP-01"); "" none */
    /* the unit's explanations, as written; "" when not given */
    char *penjelasan;
    char *faktor_pendukung;
    char *faktor_penghambat;
    char *upaya; /* upaya / rencana tindak lanjut */
} unitdata_row_t;

typedef struct {
    int line;          /* 0 for file-level problems */
    int column;        /* 1-based; 0 when not about one cell */
    char *column_name; /* header name of that column; "" when none */
    char *code;        /* stable English code: bad_number, ambiguous_number, ... */
    char *reason;      /* Bahasa Indonesia, names the value */
    char *ref;         /* a workbook's cell ("Data Kinerja!H7", "Petunjuk"); "" for CSV */
} unitdata_error_t;

typedef struct {
    char separator; /* ';', ',' or '\t' */
    int n_rows;
    unitdata_row_t *rows; /* the rows without errors, in file order */
    int n_errors;
    unitdata_error_t *errors;
    int n_warnings;             /* cells accepted but probably not meant as written: */
    unitdata_error_t *warnings; /* a fraction (0,58) against a percent target (60%) */
    int cap_rows;               /* (internal) allocated rows and errors */
    int cap_errors;
} unitdata_t;

/* Parses a whole file. Never returns NULL; the file is acceptable when n_errors == 0.
 * Caller owns the result (unitdata_destroy). */
unitdata_t *unitdata_parse(const char *text, size_t len);
void unitdata_destroy(unitdata_t **self_p);

/* An empty result, for readers of other formats (unitfmt). Caller owns it (unitdata_destroy). */
unitdata_t *unitdata_new(void);

/* Appends row, taking its strings (every string field must be set, "" when empty). A realisasi
 * written as a fraction (0 < r < 1, no '%') against a target in percent (satuan "%" or a '%'
 * in the target, above 1) adds a warning "percent_fraction" for its cell: accepted as written,
 * but the unit probably meant r * 100. */
void unitdata_add_row(unitdata_t *ud, const unitdata_row_t *row);

/* Appends an error (the strings are copied; ref NULL means ""). */
void unitdata_add_error(unitdata_t *ud, int line, int column, const char *column_name,
                        const char *ref, const char *code, const char *reason);

/* Frees n errors and the array (for other owners of error lists: pk). */
void unitdata_errors_free(unitdata_error_t *errors, int n);

/* Frees the strings of a row that was not added. */
void unitdata_row_clear(unitdata_row_t *row);

/* Parses one number as people and spreadsheets write it: "68,5", "1.234,5", "1,234.5",
 * "450.000.000", "58%", "-3". decimal_comma: -1 unknown, 0 the file uses '.', 1 the file uses
 * ','; "1.234" is ambiguous when unknown. Returns 0, or -EINVAL with *code and *why (static,
 * *why in Bahasa Indonesia) set. *percent tells whether a '%' was written. */
int unitdata_parse_number(const char *text, int decimal_comma, double *out, bool *percent,
                          const char **code, const char **why) WUR;

/* What a numeric cell holds. */
typedef enum {
    UNITDATA_TARGET,    /* a number, or a range "80 - 90" ("80 s.d. 90"); not negative */
    UNITDATA_REALISASI, /* a number, may be negative */
    UNITDATA_MONEY,     /* rupiah, "Rp 450.000.000,-" allowed; not negative, no '%' */
} unitdata_value_t;

/* Reads a numeric cell as written, the way a unit data file is read. *lo gets the number (or the
 * lower bound of a range), *hi the upper bound or the number again. Returns 0, or -EINVAL with
 * *code (static) and *why (caller frees; Bahasa Indonesia, quotes the value). */
int unitdata_parse_value(unitdata_value_t kind, const char *text, int decimal_comma, double *lo,
                         double *hi, const char **code, char **why) WUR;

/* The decimal convention a cell can only be read with: 1 decimal comma ("68,5"), 0 decimal
 * point ("2.85"), -1 either or none. */
int unitdata_value_vote(unitdata_value_t kind, const char *text);

/* "naik"/"turun" (also "higher"/"lower"), any case. False when neither. */
bool unitdata_parse_dir(const char *s, capaian_dir_t *dir);

/* "", "2T-R" or "T/R", case and spaces ignored. False when none of them. */
bool unitdata_parse_formula(const char *s, capaian_formula_t *formula);

/* True when a cell naming a unit names this one: its code, its name, or "Bidang CODE", any
 * case. */
bool unitdata_unit_matches(const char *cell, const char *code, const char *name);

#endif
