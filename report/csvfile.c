/* csvfile — see csvfile.h. */
#include "csvfile.h"

#include <stdlib.h>
#include <string.h>

#define S_SHOWN_MAX 60 /* bytes of a value quoted in a message */

typedef struct {
    const char *p;   /* next byte */
    const char *end; /* one past the last byte */
    int line;        /* physical line of *p */
    char sep;        /* cell separator */
} s_cursor_t;

typedef enum {
    S_END_SEP,  /* the cell ended at a separator: another cell follows */
    S_END_LINE, /* the cell ended the record at a line end */
    S_END_FILE, /* the cell ended the record at the end of the file */
} s_cell_end_t;

static bool s_is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/* Trims ASCII white space and U+00A0 (spreadsheets put no-break spaces around numbers). */
void csvfile_trim(const char **s, size_t *n)
{
    const char *b = *s, *e = *s + *n;
    for (;;) {
        if (b < e && s_is_blank(*b))
            b++;
        else if (e - b >= 2 && (unsigned char)b[0] == 0xc2 && (unsigned char)b[1] == 0xa0)
            b += 2;
        else
            break;
    }
    for (;;) {
        if (e > b && s_is_blank(e[-1]))
            e--;
        else if (e - b >= 2 && (unsigned char)e[-2] == 0xc2 && (unsigned char)e[-1] == 0xa0)
            e -= 2;
        else
            break;
    }
    *s = b;
    *n = (size_t)(e - b);
}

char *csvfile_trimmed_dup(const char *s, size_t n)
{
    csvfile_trim(&s, &n);
    return xstrndup(s, n);
}

/* A value made fit for a one-line message: at most S_SHOWN_MAX bytes (cut on a character
 * boundary, "..." appended), line breaks and tabs as spaces. Caller frees. */
char *csvfile_shown(const char *s)
{
    size_t n = strlen(s);
    bool cut = n > S_SHOWN_MAX;
    if (cut) {
        n = S_SHOWN_MAX;
        while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
            n--;
    }
    char *out = xmalloc(n + 4);
    for (size_t i = 0; i < n; i++)
        out[i] = (s[i] == '\n' || s[i] == '\r' || s[i] == '\t') ? ' ' : s[i];
    strcpy(out + n, cut ? "..." : "");
    return out;
}

/* NULL when the bytes are clean UTF-8 text; otherwise why not, with the first offending line.
 * Caller frees. */
static char *s_check_encoding(const char *text, size_t len)
{
    const unsigned char *u = (const unsigned char *)text;
    if (len >= 2 && ((u[0] == 0xff && u[1] == 0xfe) || (u[0] == 0xfe && u[1] == 0xff)))
        return xstrdup("berkas tersimpan sebagai UTF-16; simpan ulang sebagai \"CSV UTF-8\"");
    int line = 1;
    size_t start = 0;
    while (start <= len && len > 0) {
        const char *nl = memchr(text + start, '\n', len - start);
        size_t stop = nl ? (size_t)(nl - text) : len;
        if (!text_is_clean(text + start, stop - start, false))
            return xasprintf("berkas bukan teks UTF-8 yang sah atau memuat karakter kontrol "
                             "(baris %d); simpan ulang sebagai \"CSV UTF-8\"",
                             line);
        if (!nl)
            break;
        start = stop + 1;
        line++;
    }
    return NULL;
}

static bool s_is_cell_blank(const s_cursor_t *cur, char c)
{
    return c == ' ' || (c == '\t' && cur->sep != '\t');
}

/* Consumes a line end at cur->p ("\n" or "\r\n"); false when there is none. */
static bool s_take_line_end(s_cursor_t *cur)
{
    if (cur->p < cur->end && *cur->p == '\n') {
        cur->p++;
    } else if (cur->end - cur->p >= 2 && cur->p[0] == '\r' && cur->p[1] == '\n') {
        cur->p += 2;
    } else {
        return false;
    }
    cur->line++;
    return true;
}

/* Reads unquoted text up to the end of the cell, appending it to sb. */
static s_cell_end_t s_read_plain(s_cursor_t *cur, strbuf_t *sb)
{
    const char *start = cur->p;
    for (;;) {
        if (cur->p >= cur->end) {
            strbuf_append(sb, start, (size_t)(cur->p - start));
            return S_END_FILE;
        }
        const char *here = cur->p;
        if (*here == cur->sep) {
            strbuf_append(sb, start, (size_t)(here - start));
            cur->p++;
            return S_END_SEP;
        }
        if (s_take_line_end(cur)) {
            strbuf_append(sb, start, (size_t)(here - start));
            return S_END_LINE;
        }
        cur->p++;
    }
}

/* Reads a quoted cell whose opening quote is at cur->p. *bad_quote: text followed the closing
 * quote (kept, so that the cell still shows what was written); *unterminated: no closing
 * quote before the end of the file. */
static s_cell_end_t s_read_quoted(s_cursor_t *cur, strbuf_t *sb, bool *bad_quote,
                                  bool *unterminated)
{
    cur->p++;
    for (;;) {
        if (cur->p >= cur->end) {
            *unterminated = true;
            return S_END_FILE;
        }
        char c = *cur->p;
        if (c == '"' && cur->end - cur->p >= 2 && cur->p[1] == '"') {
            strbuf_append(sb, "\"", 1);
            cur->p += 2;
        } else if (c == '"') {
            cur->p++;
            break;
        } else if (s_take_line_end(cur)) {
            strbuf_append(sb, "\n", 1); /* CRLF inside a cell becomes LF */
        } else {
            strbuf_append(sb, &c, 1);
            cur->p++;
        }
    }
    const char *after_quote = cur->p;
    while (cur->p < cur->end && s_is_cell_blank(cur, *cur->p))
        cur->p++;
    if (cur->p >= cur->end)
        return S_END_FILE;
    if (*cur->p == cur->sep) {
        cur->p++;
        return S_END_SEP;
    }
    if (s_take_line_end(cur))
        return S_END_LINE;
    *bad_quote = true;
    cur->p = after_quote;
    return s_read_plain(cur, sb);
}

static s_cell_end_t s_read_cell(s_cursor_t *cur, strbuf_t *sb, bool *bad_quote, bool *unterminated)
{
    const char *q = cur->p;
    while (q < cur->end && s_is_cell_blank(cur, *q))
        q++;
    if (q < cur->end && *q == '"') {
        cur->p = q;
        return s_read_quoted(cur, sb, bad_quote, unterminated);
    }
    return s_read_plain(cur, sb);
}

/* Reads the record at cur (which is not at the end). Caller frees rec (s_record_clear). */
static void s_read_record(s_cursor_t *cur, csvfile_record_t *rec)
{
    *rec = (csvfile_record_t){.line = cur->line};
    int cap = 0;
    strbuf_t sb = {0};
    s_cell_end_t end;
    do {
        bool bad_quote = false;
        strbuf_reset(&sb);
        end = s_read_cell(cur, &sb, &bad_quote, &rec->unterminated);
        if (rec->n == cap) {
            cap = cap ? 2 * cap : 16;
            rec->cells = xrealloc(rec->cells, (size_t)cap * sizeof *rec->cells);
        }
        rec->cells[rec->n++] = csvfile_trimmed_dup(strbuf_str(&sb), sb.len);
        if (bad_quote && !rec->bad_quote_col)
            rec->bad_quote_col = rec->n;
    } while (end == S_END_SEP);
    strbuf_free(&sb);
}

static void s_record_clear(csvfile_record_t *rec)
{
    for (int i = 0; i < rec->n; i++)
        free(rec->cells[i]);
    free(rec->cells);
    *rec = (csvfile_record_t){0};
}

/* A record of blanks only (an empty line, or ";;;;" from a spreadsheet's empty row). */
static bool s_record_is_empty(const csvfile_record_t *rec)
{
    if (rec->unterminated || rec->bad_quote_col)
        return false;
    for (int i = 0; i < rec->n; i++) {
        if (rec->cells[i][0])
            return false;
    }
    return true;
}

/* Skips lines of blanks only; leaves cur at the start of the first other line. */
static void s_skip_blank_lines(s_cursor_t *cur)
{
    for (;;) {
        const char *q = cur->p;
        while (q < cur->end && (*q == ' ' || *q == '\t' || *q == '\r'))
            q++;
        if (q >= cur->end || *q != '\n')
            return;
        cur->p = q + 1;
        cur->line++;
    }
}

/* The separator of the header line starting at p: ';' if it has one outside quotes, else a
 * tab, else ','. */
static char s_detect_separator(const char *p, const char *end)
{
    bool quoted = false, semicolon = false, tab = false;
    for (; p < end; p++) {
        if (*p == '"')
            quoted = !quoted; /* an escaped "" toggles twice */
        else if (quoted)
            continue;
        else if (*p == '\n')
            break;
        else if (*p == ';')
            semicolon = true;
        else if (*p == '\t')
            tab = true;
    }
    return semicolon ? ';' : tab ? '\t' : ',';
}

static void s_push_record(csvfile_t *csv, int *cap, csvfile_record_t *rec)
{
    if (csv->n_recs == *cap) {
        *cap = *cap ? 2 * *cap : 64;
        csv->recs = xrealloc(csv->recs, (size_t)*cap * sizeof *csv->recs);
    }
    csv->recs[csv->n_recs++] = *rec;
}

csvfile_t *csvfile_read(const char *text, size_t len, int max_records)
{
    csvfile_t *csv = xcalloc(1, sizeof *csv);
    csv->separator = ',';
    if (!text) {
        text = "";
        len = 0;
    }
    if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3)) {
        text += 3;
        len -= 3;
    }
    if ((csv->bad_encoding = s_check_encoding(text, len)))
        return csv;
    s_cursor_t cur = {.p = text, .end = text + len, .line = 1};
    s_skip_blank_lines(&cur);
    cur.sep = csv->separator = s_detect_separator(cur.p, cur.end);
    int cap = 0;
    while (cur.p < cur.end) {
        csvfile_record_t rec;
        s_read_record(&cur, &rec);
        if (s_record_is_empty(&rec)) {
            s_record_clear(&rec);
            continue;
        }
        if (csv->n_recs >= max_records) {
            s_record_clear(&rec);
            csv->too_many = true;
            break;
        }
        s_push_record(csv, &cap, &rec);
    }
    return csv;
}

void csvfile_destroy(csvfile_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    csvfile_t *csv = *self_p;
    for (int r = 0; r < csv->n_recs; r++)
        s_record_clear(&csv->recs[r]);
    free(csv->recs);
    free(csv->bad_encoding);
    free(csv);
    *self_p = NULL;
}
