/* unitdata — see unitdata.h. The parse runs in passes over the whole file:
 *   1. encoding and 2. records: csvfile (UTF-8 checked, RFC 4180 cells, the separator taken
 *      from the header line, fully empty lines skipped);
 *   3. header: known column names mapped to roles;
 *   4. number convention: every numeric cell that can only be read one way votes for decimal
 *      comma or decimal point; a file with votes for both is rejected;
 *   5. rows: every cell checked, every problem reported; only faultless rows are kept.
 * Line numbers are csvfile's: physical lines of the file. */
#include "unitdata.h"

#include "csvfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define S_MAX_ERRORS  200
#define S_MAX_DIGITS  15 /* significant digits: below 2^53, so a number is parsed exactly */
#define S_MAX_FRAC    22 /* fraction digits: 10^22 is the largest exact power of ten */
#define S_UNKNOWN_DEC -1 /* decimal_comma when the file gives no evidence */
#define S_KNOWN_COLUMNS                                                                            \
    "unit, kode, sasaran, indikator, satuan, arah, target, realisasi, pagu, "                      \
    "realisasi_anggaran, rumus, penjelasan, faktor_pendukung, faktor_penghambat, upaya"

/* ---- columns ------------------------------------------------------------------------------ */

typedef enum {
    S_COL_NONE = -1,          /* unknown or duplicate column: its cells are ignored */
    S_COL_UNIT,               /* the unit (bidang) the row belongs to */
    S_COL_SASARAN,            /* sasaran strategis */
    S_COL_INDIKATOR,          /* indikator kinerja */
    S_COL_SATUAN,             /* unit of measure */
    S_COL_ARAH,               /* naik / turun */
    S_COL_TARGET,             /* number or range */
    S_COL_REALISASI,          /* number, may be negative */
    S_COL_PAGU,               /* rupiah */
    S_COL_REALISASI_ANGGARAN, /* rupiah */
    S_COL_RUMUS,              /* 2T-R or T/R */
    S_COL_KODE,               /* the indicator's code in the PK */
    S_COL_PENJELASAN,         /* explanations: free text, up to UNITDATA_MAX_TEXT */
    S_COL_PENDUKUNG,
    S_COL_PENGHAMBAT,
    S_COL_UPAYA,
    S_COL_COUNT,
} s_col_t;

typedef struct {
    const char *name;  /* canonical, with ' ' for '_' */
    const char *alias; /* another accepted name, or NULL */
    bool required;     /* the header must have it and every row must fill it */
} s_col_def_t;

static const s_col_def_t s_cols[S_COL_COUNT] = {
    [S_COL_UNIT] = {"unit", "bidang", false},
    [S_COL_SASARAN] = {"sasaran", NULL, true},
    [S_COL_INDIKATOR] = {"indikator", NULL, true},
    [S_COL_SATUAN] = {"satuan", NULL, true},
    [S_COL_ARAH] = {"arah", NULL, true},
    [S_COL_TARGET] = {"target", NULL, true},
    [S_COL_REALISASI] = {"realisasi", NULL, true},
    [S_COL_PAGU] = {"pagu", NULL, false},
    [S_COL_REALISASI_ANGGARAN] = {"realisasi anggaran", NULL, false},
    [S_COL_RUMUS] = {"rumus", NULL, false},
    [S_COL_KODE] = {"kode", "kode indikator", false},
    [S_COL_PENJELASAN] = {"penjelasan", NULL, false},
    [S_COL_PENDUKUNG] = {"faktor pendukung", NULL, false},
    [S_COL_PENGHAMBAT] = {"faktor penghambat", NULL, false},
    [S_COL_UPAYA] = {"upaya", "upaya / rencana tindak lanjut", false},
};

/* ---- parse state -------------------------------------------------------------------------- */

/* A cell named in a message: the first one found that votes for a decimal convention. */
typedef struct {
    int line;         /* where the cell is; 0 while none was found */
    int column;       /* 0-based */
    const char *text; /* the cell as written (owned by its record) */
} s_where_t;

typedef csvfile_record_t s_record_t;

typedef struct {
    unitdata_t *ud;
    bool capped;               /* too_many_errors was reported: stop collecting */
    csvfile_t *csv;            /* the records: header first, then data records */
    s_record_t *recs;          /* csv->recs */
    int n_recs;                /* csv->n_recs */
    int n_cols;                /* header cells */
    const char **col_name;     /* header cell as written, per column */
    s_col_t *col_role;         /* role per column */
    int role_col[S_COL_COUNT]; /* 0-based column per role, -1 when absent */
    int decimal_comma;         /* -1 unknown, 0 '.', 1 ',' */
} s_parse_t;

/* ---- small helpers ------------------------------------------------------------------------ */

static bool s_is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static bool s_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* ---- errors ------------------------------------------------------------------------------- */

/* Appends an error whose reason the result takes. */
static void s_append_error(unitdata_t *ud, int line, int column, const char *column_name,
                           const char *ref, const char *code, char *reason)
{
    if (ud->n_errors == ud->cap_errors) {
        ud->cap_errors = ud->cap_errors ? 2 * ud->cap_errors : 16;
        ud->errors = xrealloc(ud->errors, (size_t)ud->cap_errors * sizeof *ud->errors);
    }
    ud->errors[ud->n_errors++] = (unitdata_error_t){
        .line = line,
        .column = column,
        .column_name = xstrdup(column_name ? column_name : ""),
        .code = xstrdup(code),
        .reason = reason,
        .ref = xstrdup(ref ? ref : ""),
    };
}

static void s_push_error(s_parse_t *ps, int line, int column, const char *column_name,
                         const char *code, char *reason)
{
    s_append_error(ps->ud, line, column, column_name, NULL, code, reason);
}

/* Records one error (reason formatted from fmt); past S_MAX_ERRORS, one "too_many_errors"
 * and then nothing more. */
PRINTF(6, 7)
static void s_error(s_parse_t *ps, int line, int column, const char *column_name, const char *code,
                    const char *fmt, ...)
{
    if (ps->capped)
        return;
    if (ps->ud->n_errors >= S_MAX_ERRORS) {
        ps->capped = true;
        s_push_error(
            ps, 0, 0, "", "too_many_errors",
            xasprintf("terlalu banyak kesalahan; hanya %d yang pertama ditampilkan", S_MAX_ERRORS));
        return;
    }
    strbuf_t sb = {0};
    va_list ap;
    va_start(ap, fmt);
    strbuf_vprintf(&sb, fmt, ap);
    va_end(ap);
    s_push_error(ps, line, column, column_name, code, strbuf_take(&sb));
}

/* An error about one cell of a data record; column is 0-based. */
PRINTF(5, 6)
static void s_cell_error(s_parse_t *ps, const s_record_t *rec, int column, const char *code,
                         const char *fmt, ...)
{
    strbuf_t sb = {0};
    va_list ap;
    va_start(ap, fmt);
    strbuf_vprintf(&sb, fmt, ap);
    va_end(ap);
    s_error(ps, rec->line, column + 1, ps->col_name[column], code, "%s", strbuf_str(&sb));
    strbuf_free(&sb);
}

/* `nilai "<value>" <why>` about one cell. */
static void s_value_error(s_parse_t *ps, const s_record_t *rec, int column, const char *code,
                          const char *value, const char *why)
{
    char *shown = csvfile_shown(value);
    s_cell_error(ps, rec, column, code, "nilai \"%s\" %s", shown, why);
    free(shown);
}

/* ---- pass 3: header ----------------------------------------------------------------------- */

/* Lower case, '_' as ' ', runs of blanks as one: "Realisasi_Anggaran" -> "realisasi anggaran". */
static char *s_normalized_name(const char *s)
{
    char *out = xmalloc(strlen(s) + 1);
    size_t n = 0;
    for (; *s; s++) {
        char c = *s == '_' ? ' ' : *s;
        if (s_is_blank(c)) {
            if (n > 0 && out[n - 1] != ' ')
                out[n++] = ' ';
            continue;
        }
        out[n++] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    while (n > 0 && out[n - 1] == ' ')
        n--;
    out[n] = '\0';
    return out;
}

static s_col_t s_col_by_name(const char *header_cell)
{
    char *name = s_normalized_name(header_cell);
    s_col_t found = S_COL_NONE;
    for (int i = 0; i < S_COL_COUNT && found == S_COL_NONE; i++) {
        if (!strcmp(name, s_cols[i].name) || (s_cols[i].alias && !strcmp(name, s_cols[i].alias)))
            found = (s_col_t)i;
    }
    free(name);
    return found;
}

static void s_unknown_column(s_parse_t *ps, const s_record_t *hdr, int i)
{
    if (!hdr->cells[i][0]) {
        s_error(ps, hdr->line, i + 1, "", "unknown_column", "kolom ke-%d tidak bernama", i + 1);
        return;
    }
    char *shown = csvfile_shown(hdr->cells[i]);
    s_error(ps, hdr->line, i + 1, hdr->cells[i], "unknown_column",
            "kolom \"%s\" tidak dikenal; nama kolom yang dikenal: %s", shown, S_KNOWN_COLUMNS);
    free(shown);
}

static void s_duplicate_column(s_parse_t *ps, const s_record_t *hdr, int i, int first)
{
    char *shown = csvfile_shown(hdr->cells[i]), *shown_first = csvfile_shown(hdr->cells[first]);
    s_error(ps, hdr->line, i + 1, hdr->cells[i], "duplicate_column",
            "kolom \"%s\" sudah ada sebagai kolom ke-%d (\"%s\")", shown, first + 1, shown_first);
    free(shown);
    free(shown_first);
}

/* Maps the header's columns to roles. False when the first record is not a header at all
 * (no known column), which is reported once instead of a flood of column errors. */
static bool s_read_header(s_parse_t *ps)
{
    const s_record_t *hdr = &ps->recs[0];
    ps->n_cols = hdr->n;
    ps->col_name = xcalloc((size_t)hdr->n, sizeof *ps->col_name);
    ps->col_role = xcalloc((size_t)hdr->n, sizeof *ps->col_role);
    for (int r = 0; r < S_COL_COUNT; r++)
        ps->role_col[r] = -1;
    int known = 0;
    for (int i = 0; i < hdr->n; i++) {
        ps->col_name[i] = hdr->cells[i];
        ps->col_role[i] = s_col_by_name(hdr->cells[i]);
        known += ps->col_role[i] != S_COL_NONE;
    }
    if (known == 0) {
        char *shown = csvfile_shown(hdr->cells[0]);
        s_error(ps, hdr->line, 0, "", "no_header",
                "baris pertama harus berisi judul kolom (%s), bukan \"%s\"", S_KNOWN_COLUMNS,
                shown);
        free(shown);
        return false;
    }
    if (hdr->unterminated || hdr->bad_quote_col)
        s_error(ps, hdr->line, hdr->bad_quote_col, "", "bad_quote",
                "tanda kutip pada baris judul tidak ditutup dengan benar");
    for (int i = 0; i < hdr->n; i++) {
        s_col_t role = ps->col_role[i];
        if (role == S_COL_NONE) {
            s_unknown_column(ps, hdr, i);
        } else if (ps->role_col[role] >= 0) {
            s_duplicate_column(ps, hdr, i, ps->role_col[role]);
            ps->col_role[i] = S_COL_NONE; /* the first one counts */
        } else {
            ps->role_col[role] = i;
        }
    }
    for (int r = 0; r < S_COL_COUNT; r++) {
        if (s_cols[r].required && ps->role_col[r] < 0)
            s_error(ps, hdr->line, 0, s_cols[r].name, "missing_column",
                    "kolom wajib \"%s\" tidak ada", s_cols[r].name);
    }
    return true;
}

/* ---- numbers ------------------------------------------------------------------------------ */

typedef enum {
    S_NUM_BAD,       /* not a number */
    S_NUM_BIG,       /* a number with more digits than a double holds exactly */
    S_NUM_PLAIN,     /* digits only: the same under either convention */
    S_NUM_COMMA,     /* readable only with decimal comma ("68,5", "450.000.000") */
    S_NUM_POINT,     /* readable only with decimal point ("2.85", "1,234.5") */
    S_NUM_AMBIGUOUS, /* readable both ways, to different values ("1.234") */
} s_num_class_t;

typedef struct {
    s_num_class_t cls;
    bool negative; /* a leading '-' */
    bool percent;  /* a trailing '%' */
    double comma;  /* the value read with decimal comma (when that reading is valid) */
    double point;  /* the value read with decimal point (when that reading is valid) */
} s_num_t;

static const double s_pow10[S_MAX_FRAC + 1] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/* Whether digits [b, e) grouped by thou read as a whole number: "450.000.000" with '.'; the
 * first group has 1-3 digits and no leading zero, the others exactly 3. */
static bool s_valid_groups(const char *b, const char *e, char thou)
{
    int group = 0, groups = 0;
    for (const char *p = b; p <= e; p++) {
        if (p == e || *p == thou) {
            if (groups == 0 ? (group < 1 || group > 3 || *b == '0') : group != 3)
                return false;
            groups++;
            group = 0;
        } else if (s_is_digit(*p)) {
            group++;
        } else {
            return false;
        }
    }
    return true;
}

/* Reads body [b, e) (digits, '.' and ',') with decimal separator dec and thousands separator
 * thou. Returns false when it does not read that way; *big when it has too many digits. The
 * value is computed as an integer mantissa divided by an exact power of ten: a single
 * correctly rounded operation, so "2,85" gives the same double as the literal 2.85. */
static bool s_read_as(const char *b, const char *e, char dec, char thou, double *out, bool *big)
{
    const char *d = memchr(b, dec, (size_t)(e - b));
    const char *int_end = d ? d : e;
    if (d && memchr(d + 1, dec, (size_t)(e - d - 1)))
        return false;
    if (int_end == b)
        return false;
    bool grouped = memchr(b, thou, (size_t)(int_end - b)) != NULL;
    if (grouped && !s_valid_groups(b, int_end, thou))
        return false;
    const char *frac_end = e;
    if (d) {
        if (d + 1 == e)
            return false;
        for (const char *p = d + 1; p < e; p++) {
            if (!s_is_digit(*p))
                return false;
        }
        while (frac_end > d + 1 && frac_end[-1] == '0')
            frac_end--;
    }
    uint64_t mantissa = 0;
    int digits = 0, frac = 0;
    for (const char *p = b; p < frac_end; p++) {
        if (!s_is_digit(*p))
            continue; /* a separator, already validated */
        if (p > int_end)
            frac++;
        if (digits == 0 && *p == '0')
            continue;
        if (++digits > S_MAX_DIGITS || frac > S_MAX_FRAC) {
            *big = true;
            return true;
        }
        mantissa = mantissa * 10 + (uint64_t)(*p - '0');
    }
    if (frac > S_MAX_FRAC) {
        *big = true;
        return true;
    }
    *out = (double)mantissa / s_pow10[frac];
    return true;
}

/* Classifies text as a number: [-]body[%], blanks around; body of digits, '.' and ','. */
static s_num_t s_scan_number(const char *text)
{
    s_num_t num = {.cls = S_NUM_BAD};
    const char *b = text;
    size_t n = strlen(text);
    csvfile_trim(&b, &n);
    const char *e = b + n;
    if (b < e && *b == '-') {
        num.negative = true;
        b++;
    }
    if (e > b && e[-1] == '%') {
        num.percent = true;
        e--;
        while (e > b && e[-1] == ' ')
            e--;
    }
    if (b == e || !s_is_digit(*b) || !s_is_digit(e[-1]))
        return num;
    bool seps = false;
    for (const char *p = b; p < e; p++) {
        if (*p == '.' || *p == ',')
            seps = true;
        else if (!s_is_digit(*p))
            return num;
    }
    bool big_c = false, big_p = false;
    bool as_comma = s_read_as(b, e, ',', '.', &num.comma, &big_c);
    bool as_point = s_read_as(b, e, '.', ',', &num.point, &big_p);
    if ((as_comma && big_c) || (as_point && big_p))
        num.cls = S_NUM_BIG;
    else if (!seps)
        num.cls = S_NUM_PLAIN;
    else if (as_comma && as_point)
        num.cls = S_NUM_AMBIGUOUS;
    else if (as_comma)
        num.cls = S_NUM_COMMA;
    else if (as_point)
        num.cls = S_NUM_POINT;
    return num;
}

int unitdata_parse_number(const char *text, int decimal_comma, double *out, bool *percent,
                          const char **code, const char **why)
{
    s_num_t num = s_scan_number(text);
    double v = 0.0;
    *code = "bad_number";
    switch (num.cls) {
    case S_NUM_BAD:
        *why = "bukan angka yang sah";
        return -EINVAL;
    case S_NUM_BIG:
        *why = "memiliki terlalu banyak digit (paling banyak 15)";
        return -EINVAL;
    case S_NUM_PLAIN:
        v = num.comma;
        break;
    case S_NUM_AMBIGUOUS:
        if (decimal_comma < 0) {
            *code = "ambiguous_number";
            *why = "ambigu: titik atau koma di situ bisa pemisah ribuan atau desimal; tulis "
                   "tanpa pemisah ribuan (1234) atau dengan bagian desimal (1.234,0 atau 1,234.0)";
            return -EINVAL;
        }
        v = decimal_comma ? num.comma : num.point;
        break;
    case S_NUM_COMMA:
        if (decimal_comma == 0) {
            *why = "memakai koma desimal, padahal angka lain di berkas ini memakai titik desimal";
            return -EINVAL;
        }
        v = num.comma;
        break;
    case S_NUM_POINT:
        if (decimal_comma == 1) {
            *why = "memakai titik desimal, padahal angka lain di berkas ini memakai koma desimal";
            return -EINVAL;
        }
        v = num.point;
        break;
    }
    *out = num.negative && v != 0.0 ? -v : v;
    *percent = num.percent;
    *code = NULL;
    *why = NULL;
    return 0;
}

/* ---- numeric cells ------------------------------------------------------------------------ */

/* The number texts of a target cell: "80 - 90", "80-90", "80 s.d. 90", "80 s/d 90", "80 sd 90"
 * or "80 – 90" give two parts, anything else one. Caller frees the parts. */
static int s_split_range(const char *cell, char *parts[2])
{
    static const char *const seps[] = {"s.d.", "s.d", "s/d", "sd", "\xe2\x80\x93", "-"};
    /* From the second byte on: a leading '-' is a sign. */
    for (size_t i = 1; cell[0] && cell[i]; i++) {
        for (size_t k = 0; k < ARRAY_LEN(seps); k++) {
            size_t n = strlen(seps[k]);
            if (strncasecmp(cell + i, seps[k], n))
                continue;
            char *lo = csvfile_trimmed_dup(cell, i);
            char *hi = csvfile_trimmed_dup(cell + i + n, strlen(cell + i + n));
            if (lo[0] && hi[0]) {
                parts[0] = lo;
                parts[1] = hi;
                return 2;
            }
            free(lo);
            free(hi);
            parts[0] = xstrdup(cell); /* "12-": one (bad) number, not a range */
            return 1;
        }
    }
    parts[0] = xstrdup(cell);
    return 1;
}

/* A money cell without "Rp" in front or the ",-" that says "no sen" at the end:
 * "Rp 450.000.000,-" -> "450.000.000". Caller frees. */
static char *s_strip_rupiah(const char *cell)
{
    const char *b = cell;
    if (!strncasecmp(b, "rp", 2)) {
        b += 2;
        if (*b == '.')
            b++;
    }
    size_t n = strlen(b);
    if (n >= 2 && b[n - 2] == ',' && b[n - 1] == '-')
        n -= 2;
    return csvfile_trimmed_dup(b, n);
}

/* The kind of value a numeric column holds; -1 for the other columns. */
static int s_value_kind(s_col_t role)
{
    switch (role) {
    case S_COL_TARGET:
        return UNITDATA_TARGET;
    case S_COL_REALISASI:
        return UNITDATA_REALISASI;
    case S_COL_PAGU:
    case S_COL_REALISASI_ANGGARAN:
        return UNITDATA_MONEY;
    default:
        return -1;
    }
}

/* The number texts of a cell of kind (1 or 2 parts; see s_split_range). Caller frees. */
static int s_number_parts(unitdata_value_t kind, const char *cell, char *parts[2])
{
    if (kind == UNITDATA_TARGET)
        return s_split_range(cell, parts);
    parts[0] = kind == UNITDATA_MONEY ? s_strip_rupiah(cell) : xstrdup(cell);
    return 1;
}

int unitdata_value_vote(unitdata_value_t kind, const char *text)
{
    char *parts[2];
    int n = s_number_parts(kind, text, parts);
    int vote = -1;
    for (int k = 0; k < n; k++) {
        s_num_class_t cls = s_scan_number(parts[k]).cls;
        if (vote < 0 && cls == S_NUM_COMMA)
            vote = 1;
        else if (vote < 0 && cls == S_NUM_POINT)
            vote = 0;
        free(parts[k]);
    }
    return vote;
}

/* Reads one number part of a cell; *why (caller frees) names shown: the cell, or the part of a
 * range. */
static int s_value_part(unitdata_value_t kind, const char *part, const char *shown,
                        int decimal_comma, double *out, const char **code, char **why)
{
    const char *reason;
    bool percent;
    if (unitdata_parse_number(part, decimal_comma, out, &percent, code, &reason) == 0) {
        if (*out < 0.0 && kind != UNITDATA_REALISASI) {
            *code = "negative_value";
            reason = "tidak boleh negatif";
        } else if (percent && kind == UNITDATA_MONEY) {
            *code = "bad_number";
            reason = "harus berupa rupiah, bukan persen";
        } else {
            return 0;
        }
    }
    char *s = csvfile_shown(shown);
    *why = xasprintf("nilai \"%s\" %s", s, reason);
    free(s);
    return -EINVAL;
}

int unitdata_parse_value(unitdata_value_t kind, const char *text, int decimal_comma, double *lo,
                         double *hi, const char **code, char **why)
{
    char *parts[2];
    int n = s_number_parts(kind, text, parts);
    *why = NULL;
    int rc = s_value_part(kind, parts[0], n == 2 ? parts[0] : text, decimal_comma, lo, code, why);
    if (n == 2 && rc == 0)
        rc = s_value_part(kind, parts[1], parts[1], decimal_comma, hi, code, why);
    if (n == 2 && rc == 0 && !(*lo < *hi)) {
        char *shown = csvfile_shown(text);
        *code = "bad_range";
        *why = xasprintf("rentang \"%s\" tidak sah: batas bawah harus lebih kecil dari batas atas",
                         shown);
        free(shown);
        rc = -EINVAL;
    }
    if (n == 1)
        *hi = *lo;
    for (int k = 0; k < n; k++)
        free(parts[k]);
    return rc;
}

/* ---- pass 4: decimal convention ----------------------------------------------------------- */

static bool s_record_fits(const s_parse_t *ps, const s_record_t *rec)
{
    return rec->n == ps->n_cols && !rec->unterminated;
}

/* Remembers the first cell that votes for a convention. */
static void s_vote(s_where_t *first, int line, int column, const char *text)
{
    if (!first->line)
        *first = (s_where_t){.line = line, .column = column, .text = text};
}

/* Sets ps->decimal_comma from the cells that can be read only one way; reports
 * "mixed_number_format" when both ways occur. */
static void s_detect_decimal(s_parse_t *ps)
{
    s_where_t comma = {0}, point = {0};
    for (int r = 1; r < ps->n_recs; r++) {
        const s_record_t *rec = &ps->recs[r];
        if (!s_record_fits(ps, rec))
            continue;
        for (int c = 0; c < rec->n; c++) {
            int kind = s_value_kind(ps->col_role[c]);
            if (kind < 0 || strlen(rec->cells[c]) > UNITDATA_MAX_CELL)
                continue;
            int vote = unitdata_value_vote((unitdata_value_t)kind, rec->cells[c]);
            if (vote == 1)
                s_vote(&comma, rec->line, c, rec->cells[c]);
            else if (vote == 0)
                s_vote(&point, rec->line, c, rec->cells[c]);
        }
    }
    ps->decimal_comma = comma.line ? 1 : point.line ? 0 : S_UNKNOWN_DEC;
    if (!comma.line || !point.line)
        return;
    char *a = csvfile_shown(comma.text), *b = csvfile_shown(point.text);
    s_error(ps, 0, 0, "", "mixed_number_format",
            "berkas mencampur koma desimal (baris %d kolom \"%s\": \"%s\") dan titik desimal "
            "(baris %d kolom \"%s\": \"%s\"); pakai satu cara penulisan angka",
            comma.line, ps->col_name[comma.column], a, point.line, ps->col_name[point.column], b);
    free(a);
    free(b);
    /* Keep checking cells as if nothing were known: each of them still reads one way or is
     * reported as ambiguous. */
    ps->decimal_comma = S_UNKNOWN_DEC;
}

/* ---- pass 5: rows ------------------------------------------------------------------------- */

/* Reads numeric cell c into *lo, and into *hi (when not NULL) the upper bound of a target
 * range, or *lo again; reports and returns false when it is not acceptable. */
static bool s_row_numeric(s_parse_t *ps, const s_record_t *rec, int c, double *lo, double *hi)
{
    const char *code;
    char *why;
    double upper;
    int kind = s_value_kind(ps->col_role[c]);
    if (unitdata_parse_value((unitdata_value_t)kind, rec->cells[c], ps->decimal_comma, lo,
                             hi ? hi : &upper, &code, &why) == 0)
        return true;
    s_cell_error(ps, rec, c, code, "%s", why);
    free(why);
    return false;
}

bool unitdata_parse_dir(const char *s, capaian_dir_t *dir)
{
    if (!strcasecmp(s, "naik") || !strcasecmp(s, "higher"))
        *dir = CAPAIAN_HIGHER;
    else if (!strcasecmp(s, "turun") || !strcasecmp(s, "lower"))
        *dir = CAPAIAN_LOWER;
    else
        return false;
    return true;
}

/* "", "2T-R" or "T/R", case and spaces ignored. */
bool unitdata_parse_formula(const char *s, capaian_formula_t *formula)
{
    char compact[16];
    size_t n = 0;
    for (; *s; s++) {
        if (s_is_blank(*s))
            continue;
        if (n + 1 >= sizeof compact)
            return false;
        compact[n++] = *s;
    }
    compact[n] = '\0';
    if (n == 0 || !strcasecmp(compact, "2T-R"))
        *formula = CAPAIAN_FORMULA_STANDARD;
    else if (!strcasecmp(compact, "T/R"))
        *formula = CAPAIAN_FORMULA_INVERSE;
    else
        return false;
    return true;
}

/* The cell of role r in rec, or "" when the file has no such column. */
static const char *s_cell(const s_parse_t *ps, const s_record_t *rec, s_col_t r)
{
    return ps->role_col[r] >= 0 ? rec->cells[ps->role_col[r]] : "";
}

/* The column of role r when its cell in rec is there to be read: present, filled and not
 * already reported by s_row_cells_ok; -1 otherwise. */
static int s_value_col(const s_parse_t *ps, const s_record_t *rec, s_col_t r)
{
    int c = ps->role_col[r];
    if (c < 0 || !rec->cells[c][0] || rec->bad_quote_col == c + 1 ||
        strlen(rec->cells[c]) > UNITDATA_MAX_CELL)
        return -1;
    return c;
}

/* The longest cell a column takes. */
static size_t s_max_len(s_col_t role)
{
    return role >= S_COL_PENJELASAN ? UNITDATA_MAX_TEXT : UNITDATA_MAX_CELL;
}

/* Checks what every cell needs: no stray quote, not too long, filled when required. */
static bool s_row_cells_ok(s_parse_t *ps, const s_record_t *rec)
{
    bool ok = true;
    for (int c = 0; c < rec->n; c++) {
        s_col_t role = ps->col_role[c];
        const char *cell = rec->cells[c];
        size_t len = strlen(cell);
        if (rec->bad_quote_col == c + 1) {
            char *shown = csvfile_shown(cell);
            s_cell_error(ps, rec, c, "bad_quote",
                         "ada teks setelah tanda kutip penutup pada \"%s\"; tulis tanda kutip di "
                         "dalam sel sebagai \"\"",
                         shown);
            free(shown);
            ok = false;
        } else if (role == S_COL_NONE) {
            continue;
        } else if (len > s_max_len(role)) {
            char *shown = csvfile_shown(cell);
            s_cell_error(ps, rec, c, "too_long",
                         "isi sel \"%s\" terlalu panjang (%zu byte, paling banyak %zu)", shown, len,
                         s_max_len(role));
            free(shown);
            ok = false;
        } else if (!len && s_cols[role].required) {
            s_cell_error(ps, rec, c, "missing_value", "kolom \"%s\" wajib diisi", ps->col_name[c]);
            ok = false;
        }
    }
    return ok;
}

/* Reads arah and rumus into row; the formula is checked against a known direction only. */
static bool s_row_method(s_parse_t *ps, const s_record_t *rec, unitdata_row_t *row)
{
    bool ok = true, dir_known = false;
    int c;
    if ((c = s_value_col(ps, rec, S_COL_ARAH)) >= 0) {
        dir_known = unitdata_parse_dir(rec->cells[c], &row->dir);
        if (!dir_known) {
            s_value_error(ps, rec, c, "bad_direction", rec->cells[c],
                          "bukan arah yang dikenal; tulis \"naik\" atau \"turun\"");
            ok = false;
        }
    }
    if ((c = s_value_col(ps, rec, S_COL_RUMUS)) >= 0) {
        if (!unitdata_parse_formula(rec->cells[c], &row->formula)) {
            s_value_error(ps, rec, c, "bad_formula", rec->cells[c],
                          "bukan rumus yang dikenal; tulis \"2T-R\" atau \"T/R\", atau kosongkan");
            ok = false;
        } else if (dir_known && row->formula == CAPAIAN_FORMULA_INVERSE &&
                   row->dir != CAPAIAN_LOWER) {
            s_value_error(ps, rec, c, "bad_formula", rec->cells[c],
                          "hanya berlaku untuk indikator dengan arah \"turun\"");
            ok = false;
        }
    }
    return ok;
}

/* Reads the numeric cells into row. */
static bool s_row_numbers(s_parse_t *ps, const s_record_t *rec, unitdata_row_t *row)
{
    bool ok = true;
    int c;
    if ((c = s_value_col(ps, rec, S_COL_TARGET)) >= 0)
        ok &= s_row_numeric(ps, rec, c, &row->target_lo, &row->target_hi);
    if ((c = s_value_col(ps, rec, S_COL_REALISASI)) >= 0)
        ok &= s_row_numeric(ps, rec, c, &row->realisasi, NULL);
    if ((c = s_value_col(ps, rec, S_COL_PAGU)) >= 0) {
        row->has_pagu = true;
        ok &= s_row_numeric(ps, rec, c, &row->pagu, NULL);
    }
    if ((c = s_value_col(ps, rec, S_COL_REALISASI_ANGGARAN)) >= 0) {
        row->has_realisasi_anggaran = true;
        ok &= s_row_numeric(ps, rec, c, &row->realisasi_anggaran, NULL);
    }
    return ok;
}

void unitdata_row_clear(unitdata_row_t *row)
{
    free(row->unit);
    free(row->sasaran);
    free(row->indikator);
    free(row->satuan);
    free(row->target_text);
    free(row->realisasi_text);
    free(row->code);
    free(row->penjelasan);
    free(row->faktor_pendukung);
    free(row->faktor_penghambat);
    free(row->upaya);
    memset(row, 0, sizeof *row);
}

/* True when the row's target is in percent: satuan "%" or a '%' written in the target. */
static bool s_percent_target(const unitdata_row_t *row)
{
    const char *s = row->satuan;
    while (*s == ' ')
        s++;
    return (s[0] == '%' && (s[1] == 0 || s[1] == ' ')) || strchr(row->target_text, '%');
}

static void s_check_percent(unitdata_t *ud, const unitdata_row_t *row)
{
    if (!s_percent_target(row) || row->target_lo <= 1 || row->realisasi <= 0 ||
        row->realisasi >= 1 || strchr(row->realisasi_text, '%'))
        return;
    char *why = xasprintf("realisasi \"%s\" tertulis sebagai pecahan, sedangkan target \"%s\" "
                          "dalam persen; diterima apa adanya (%s%%). Bila maksudnya %g%%, tulis "
                          "%g lalu kirim lagi",
                          row->realisasi_text, row->target_text, row->realisasi_text,
                          row->realisasi * 100, row->realisasi * 100);
    ud->warnings = xrealloc(ud->warnings, (size_t)(ud->n_warnings + 1) * sizeof *ud->warnings);
    ud->warnings[ud->n_warnings++] = (unitdata_error_t){.line = row->line,
                                                        .column_name = xstrdup("realisasi"),
                                                        .code = xstrdup("percent_fraction"),
                                                        .reason = why,
                                                        .ref = xstrdup("")};
}

void unitdata_add_row(unitdata_t *ud, const unitdata_row_t *row)
{
    s_check_percent(ud, row);
    if (ud->n_rows == ud->cap_rows) {
        ud->cap_rows = ud->cap_rows ? 2 * ud->cap_rows : 16;
        ud->rows = xrealloc(ud->rows, (size_t)ud->cap_rows * sizeof *ud->rows);
    }
    ud->rows[ud->n_rows++] = *row;
}

/* Puts the errors from index first on in column order (a row is checked by kind of cell, but
 * read from left to right). Insertion sort: stable, and a row has a handful of errors. */
static void s_sort_errors(s_parse_t *ps, int first)
{
    if (ps->capped)
        return; /* keep "too_many_errors" last */
    unitdata_error_t *e = ps->ud->errors;
    for (int i = first + 1; i < ps->ud->n_errors; i++) {
        unitdata_error_t moving = e[i];
        int j = i;
        for (; j > first && e[j - 1].column > moving.column; j--)
            e[j] = e[j - 1];
        e[j] = moving;
    }
}

/* Checks one data record, reporting every problem; keeps it as a row when it has none. */
static void s_parse_row(s_parse_t *ps, const s_record_t *rec)
{
    if (rec->unterminated) {
        s_error(ps, rec->line, 0, "", "bad_quote",
                "tanda kutip yang dibuka di baris ini tidak pernah ditutup");
        return;
    }
    if (rec->n != ps->n_cols) {
        s_error(ps, rec->line, 0, "", "bad_row",
                "baris berisi %d sel, seharusnya %d sesuai baris judul%s", rec->n, ps->n_cols,
                ps->ud->separator == ',' ? " (angka yang memuat koma harus diapit tanda kutip)"
                                         : "");
        return;
    }
    unitdata_row_t row = {.line = rec->line};
    int first_error = ps->ud->n_errors;
    bool ok = s_row_cells_ok(ps, rec);
    ok &= s_row_method(ps, rec, &row);
    ok &= s_row_numbers(ps, rec, &row);
    if (!ok) {
        s_sort_errors(ps, first_error);
        return;
    }
    row.unit = xstrdup(s_cell(ps, rec, S_COL_UNIT));
    row.sasaran = xstrdup(s_cell(ps, rec, S_COL_SASARAN));
    row.indikator = xstrdup(s_cell(ps, rec, S_COL_INDIKATOR));
    row.satuan = xstrdup(s_cell(ps, rec, S_COL_SATUAN));
    row.target_text = xstrdup(s_cell(ps, rec, S_COL_TARGET));
    row.realisasi_text = xstrdup(s_cell(ps, rec, S_COL_REALISASI));
    row.code = xstrdup(s_cell(ps, rec, S_COL_KODE));
    row.penjelasan = xstrdup(s_cell(ps, rec, S_COL_PENJELASAN));
    row.faktor_pendukung = xstrdup(s_cell(ps, rec, S_COL_PENDUKUNG));
    row.faktor_penghambat = xstrdup(s_cell(ps, rec, S_COL_PENGHAMBAT));
    row.upaya = xstrdup(s_cell(ps, rec, S_COL_UPAYA));
    unitdata_add_row(ps->ud, &row);
}

/* ---- entry points ------------------------------------------------------------------------- */

static void s_parse(s_parse_t *ps, const char *text, size_t len)
{
    ps->csv = csvfile_read(text, len, UNITDATA_MAX_ROWS + 1);
    ps->ud->separator = ps->csv->separator;
    if (ps->csv->bad_encoding) {
        s_error(ps, 0, 0, "", "bad_encoding", "%s", ps->csv->bad_encoding);
        return;
    }
    ps->recs = ps->csv->recs;
    ps->n_recs = ps->csv->n_recs;
    if (ps->n_recs == 0) {
        s_error(ps, 0, 0, "", "no_header", "berkas kosong: baris judul kolom tidak ada");
        return;
    }
    if (!s_read_header(ps))
        return;
    if (ps->recs[0].unterminated)
        return;
    if (ps->csv->too_many)
        s_error(ps, 0, 0, "", "too_many_rows", "berkas berisi lebih dari %d baris data",
                UNITDATA_MAX_ROWS);
    if (ps->n_recs == 1) {
        s_error(ps, 0, 0, "", "no_rows", "berkas tidak berisi baris data");
        return;
    }
    s_detect_decimal(ps);
    for (int r = 1; r < ps->n_recs && !ps->capped; r++)
        s_parse_row(ps, &ps->recs[r]);
}

unitdata_t *unitdata_new(void)
{
    unitdata_t *ud = xcalloc(1, sizeof *ud);
    ud->separator = ',';
    return ud;
}

void unitdata_add_error(unitdata_t *ud, int line, int column, const char *column_name,
                        const char *ref, const char *code, const char *reason)
{
    s_append_error(ud, line, column, column_name, ref, code, xstrdup(reason));
}

bool unitdata_unit_matches(const char *cell, const char *code, const char *name)
{
    if (strcasecmp(cell, code) == 0 || strcasecmp(cell, name) == 0)
        return true;
    return strncasecmp(cell, "Bidang ", 7) == 0 && strcasecmp(cell + 7, code) == 0;
}

unitdata_t *unitdata_parse(const char *text, size_t len)
{
    unitdata_t *ud = unitdata_new();
    if (!text) {
        text = "";
        len = 0;
    }
    s_parse_t ps = {.ud = ud, .decimal_comma = S_UNKNOWN_DEC};
    s_parse(&ps, text, len);
    csvfile_destroy(&ps.csv);
    free(ps.col_name);
    free(ps.col_role);
    return ud;
}

void unitdata_errors_free(unitdata_error_t *errors, int n)
{
    for (int i = 0; i < n; i++) {
        free(errors[i].column_name);
        free(errors[i].code);
        free(errors[i].reason);
        free(errors[i].ref);
    }
    free(errors);
}

void unitdata_destroy(unitdata_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    unitdata_t *ud = *self_p;
    for (int i = 0; i < ud->n_rows; i++)
        unitdata_row_clear(&ud->rows[i]);
    free(ud->rows);
    unitdata_errors_free(ud->errors, ud->n_errors);
    unitdata_errors_free(ud->warnings, ud->n_warnings);
    free(ud);
    *self_p = NULL;
}
