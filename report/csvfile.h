/* csvfile — a CSV file as Indonesian spreadsheets export it, split into records: the bytes
 * checked to be UTF-8 text (a BOM stripped; UTF-16 and control characters refused), the
 * separator taken from the header line (';' when it has one outside quotes, else a tab, else
 * ','), RFC 4180 cells (quotes, "" escapes, quoted separators and newlines), fully empty lines
 * skipped. Line numbers are physical lines of the file (a quoted newline advances them), so
 * that they match what an editor shows. Pure; any thread. Used by unitdata (the units' data)
 * and pk (the Perjanjian Kinerja). */
#ifndef LKIP_CSVFILE_H
#define LKIP_CSVFILE_H

#include "util.h"

typedef struct {
    int line;          /* physical line where the record starts */
    int n;             /* number of cells */
    char **cells;      /* trimmed, unquoted contents; owned */
    int bad_quote_col; /* 1-based column with text after its closing quote; 0 when none */
    bool unterminated; /* a quote opened in this record never closes: it ran to the end */
} csvfile_record_t;

typedef struct {
    char separator;         /* ';', ',' or '\t' */
    int n_recs;             /* header first, then data records; empty records left out */
    csvfile_record_t *recs; /* owned */
    bool too_many;          /* there were more than max_records records: the rest is not read */
    char *bad_encoding;     /* NULL, or why the bytes are not acceptable text (Bahasa Indonesia) */
} csvfile_t;

/* Splits text into at most max_records records. Never returns NULL; with bad_encoding set there
 * are no records. Caller owns the result (csvfile_destroy). */
csvfile_t *csvfile_read(const char *text, size_t len, int max_records);
void csvfile_destroy(csvfile_t **self_p);

/* Trims ASCII white space and U+00A0 (spreadsheets put no-break spaces around numbers) from
 * both ends of the span *s, *n. */
void csvfile_trim(const char **s, size_t *n);

/* The span trimmed, as a new string. Caller frees. */
char *csvfile_trimmed_dup(const char *s, size_t n);

/* A value made fit for a one-line message: at most 60 bytes (cut on a character boundary,
 * "..." appended), line breaks and tabs as spaces. Caller frees. */
char *csvfile_shown(const char *s);

#endif
