/* pk — see pk.h. Both kinds of file become one grid of cells first (text, or a workbook's
 * numbers and dates), so that one parser checks every cell the same way and names it the way
 * the user sees it. */
#include "pk.h"

#include "csvfile.h"
#include "idfmt.h"
#include "xlsx_read.h"
#include "xlsx_write.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define S_SHEET       "PK"
#define S_MAX_ERRORS  200
#define S_MAX_CODE    32
#define S_HEADER_ROWS 10 /* a workbook's header may sit below a title */

/* ---- the grid ----------------------------------------------------------------------------- */

typedef enum {
    S_EMPTY,
    S_TEXT,   /* text (everything in a CSV) */
    S_NUMBER, /* a workbook's number */
    S_DATE,   /* a workbook's date or time */
    S_OTHER,  /* a workbook's boolean or error value */
} s_kind_t;

typedef struct {
    s_kind_t kind;
    double num;
    char *text; /* trimmed; numbers written the Indonesian way */
} s_cell_t;

typedef struct {
    int line; /* CSV line, or workbook row */
    int n;
    s_cell_t *cells;
} s_row_t;

typedef struct {
    char *sheet; /* the workbook's sheet; NULL for CSV */
    int n_rows;  /* header first */
    s_row_t *rows;
} s_grid_t;

static void s_grid_free(s_grid_t *g)
{
    for (int r = 0; r < g->n_rows; r++) {
        for (int c = 0; c < g->rows[r].n; c++)
            free(g->rows[r].cells[c].text);
        free(g->rows[r].cells);
    }
    free(g->rows);
    free(g->sheet);
    memset(g, 0, sizeof *g);
}

static s_row_t *s_grid_row(s_grid_t *g, int line, int n)
{
    g->rows = xrealloc(g->rows, (size_t)(g->n_rows + 1) * sizeof *g->rows);
    s_row_t *row = &g->rows[g->n_rows++];
    *row = (s_row_t){.line = line, .n = n, .cells = xcalloc((size_t)(n ? n : 1), sizeof(s_cell_t))};
    return row;
}

/* ---- errors ------------------------------------------------------------------------------- */

static void s_error(pk_t *pk, int line, int column, const char *column_name, const char *ref,
                    const char *code, const char *fmt, ...) PRINTF(7, 8);
static void s_error(pk_t *pk, int line, int column, const char *column_name, const char *ref,
                    const char *code, const char *fmt, ...)
{
    if (pk->n_errors > S_MAX_ERRORS)
        return;
    if (pk->n_errors == pk->cap_errors) {
        pk->cap_errors = pk->cap_errors ? 2 * pk->cap_errors : 16;
        pk->errors = xrealloc(pk->errors, (size_t)pk->cap_errors * sizeof *pk->errors);
    }
    strbuf_t sb = {0};
    if (pk->n_errors == S_MAX_ERRORS) {
        code = "too_many_errors";
        line = column = 0;
        column_name = ref = "";
        strbuf_printf(&sb, "terlalu banyak kesalahan; hanya %d yang pertama ditampilkan",
                      S_MAX_ERRORS);
    } else {
        va_list ap;
        va_start(ap, fmt);
        strbuf_vprintf(&sb, fmt, ap);
        va_end(ap);
    }
    pk->errors[pk->n_errors++] = (unitdata_error_t){.line = line,
                                                    .column = column,
                                                    .column_name = xstrdup(column_name),
                                                    .code = xstrdup(code),
                                                    .reason = strbuf_take(&sb),
                                                    .ref = xstrdup(ref)};
}

/* ---- reading the two kinds of file ------------------------------------------------------- */

static void s_from_csv(pk_t *pk, const char *text, size_t len, s_grid_t *g)
{
    csvfile_t *csv = csvfile_read(text, len, PK_MAX_INDICATORS + 1);
    if (csv->bad_encoding)
        s_error(pk, 0, 0, "", "", "bad_encoding", "%s", csv->bad_encoding);
    if (csv->too_many)
        s_error(pk, 0, 0, "", "", "too_many_rows", "berkas berisi lebih dari %d indikator",
                PK_MAX_INDICATORS);
    for (int r = 0; r < csv->n_recs; r++) {
        const csvfile_record_t *rec = &csv->recs[r];
        if (rec->unterminated || rec->bad_quote_col)
            s_error(pk, rec->line, rec->bad_quote_col, "", "", "bad_quote",
                    "tanda kutip pada baris %d tidak ditutup dengan benar", rec->line);
        s_row_t *row = s_grid_row(g, rec->line, rec->n);
        for (int c = 0; c < rec->n; c++) {
            row->cells[c].kind = rec->cells[c][0] ? S_TEXT : S_EMPTY;
            row->cells[c].text = xstrdup(rec->cells[c]);
        }
    }
    csvfile_destroy(&csv);
}

/* The workbook's sheet "PK", else its only sheet; NULL after reporting. */
static xlsx_sheet_t *s_pick_sheet(pk_t *pk, xlsx_t *x)
{
    const char *name = NULL;
    for (int i = 0; i < xlsx_sheet_count(x) && !name; i++)
        if (strcasecmp(xlsx_sheet_name(x, i), S_SHEET) == 0)
            name = xlsx_sheet_name(x, i);
    if (!name && xlsx_sheet_count(x) == 1)
        name = xlsx_sheet_name(x, 0);
    if (!name) {
        s_error(pk, 0, 0, "", "", "missing_sheet",
                "buku kerja tidak memiliki lembar \"%s\" (lembar pertama: \"%s\")", S_SHEET,
                xlsx_sheet_name(x, 0));
        return NULL;
    }
    xlsx_sheet_t *s = NULL;
    const char *code;
    char *why = NULL;
    if (xlsx_read_sheet(x, name, &s, &code, &why) != 0)
        s_error(pk, 0, 0, "", name, code, "%s", why ? why : "lembar tidak dapat dibaca");
    free(why);
    return s;
}

static void s_sheet_cell(const xlsx_cell_t *xc, s_cell_t *c)
{
    char buf[64];
    switch (xc->kind) {
    case XLSX_NUMBER:
        c->kind = S_NUMBER;
        c->num = xc->num;
        c->text = xstrdup(idfmt_number_trim(xc->num, 6, buf, sizeof buf));
        return;
    case XLSX_DATE:
        c->kind = S_DATE;
        break;
    case XLSX_TEXT: {
        c->text = csvfile_trimmed_dup(xc->text, strlen(xc->text));
        c->kind = c->text[0] ? S_TEXT : S_EMPTY;
        return;
    }
    default:
        c->kind = S_OTHER;
        break;
    }
    c->text = xstrdup(xc->text);
}

/* The row of the workbook's header: the first with a cell "kode". */
static int s_header_row(const xlsx_sheet_t *s)
{
    for (int r = 1; r <= s->max_row && r <= S_HEADER_ROWS; r++)
        for (int c = 1; c <= s->max_col; c++) {
            const xlsx_cell_t *xc = xlsx_cell(s, r, c);
            if (xc && xc->kind == XLSX_TEXT && strcasecmp(xc->text, "kode") == 0)
                return r;
        }
    return 1;
}

static void s_from_xlsx(pk_t *pk, const void *data, size_t len, s_grid_t *g)
{
    xlsx_t *x = NULL;
    const char *code;
    char *why = NULL;
    if (xlsx_open(data, len, NULL, &x, &code, &why) != 0) {
        s_error(pk, 0, 0, "", "", code, "%s", why);
        free(why);
        return;
    }
    xlsx_sheet_t *s = s_pick_sheet(pk, x);
    if (s) {
        g->sheet = xstrdup(s->name);
        for (int r = s_header_row(s); r <= s->max_row; r++) {
            bool any = false;
            for (int c = 1; c <= s->max_col && !any; c++)
                any = xlsx_cell(s, r, c) != NULL;
            if (!any)
                continue;
            s_row_t *row = s_grid_row(g, r, s->max_col);
            for (int c = 1; c <= s->max_col; c++) {
                const xlsx_cell_t *xc = xlsx_cell(s, r, c);
                if (xc)
                    s_sheet_cell(xc, &row->cells[c - 1]);
            }
        }
        if (g->n_rows > PK_MAX_INDICATORS + 1)
            s_error(pk, 0, 0, "", "", "too_many_rows", "lembar berisi lebih dari %d indikator",
                    PK_MAX_INDICATORS);
    }
    xlsx_sheet_destroy(&s);
    xlsx_destroy(&x);
}

/* ---- columns ----------------------------------------------------------------------------- */

typedef enum {
    C_NONE = -1,
    C_KODE,
    C_UNIT,
    C_SASARAN,
    C_INDIKATOR,
    C_SATUAN,
    C_ARAH,
    C_RUMUS,
    C_TARGET,    /* the PK's own target of the year */
    C_BASELINE,  /* baseline_YYYY: realisasi of YYYY */
    C_TARGET_Y,  /* target_YYYY: the Renstra's target of YYYY */
    C_REALISASI, /* realisasi_YYYY */
    C_COUNT,
} s_col_t;

static const char *const s_col_names[] = {
    [C_KODE] = "kode",           [C_UNIT] = "unit",           [C_SASARAN] = "sasaran",
    [C_INDIKATOR] = "indikator", [C_SATUAN] = "satuan",       [C_ARAH] = "arah",
    [C_RUMUS] = "rumus",         [C_TARGET] = "target",       [C_BASELINE] = "baseline",
    [C_TARGET_Y] = "target",     [C_REALISASI] = "realisasi",
};

typedef struct {
    s_col_t role;
    int year;         /* C_BASELINE, C_TARGET_Y, C_REALISASI */
    const char *name; /* as written */
} s_colinfo_t;

/* The parse of one file. */
typedef struct {
    pk_t *pk;
    s_grid_t g;
    int n_cols;
    s_colinfo_t *cols;
    int single[C_TARGET + 1]; /* column of each single column, -1 when absent */
    int decimal_comma;
    const pk_unit_t *units;
    int n_units;
    int n_seen;
    const char **seen; /* codes of the rows read so far, good or bad (owned by the grid) */
} s_parse_t;

/* "Target_2026" -> role C_TARGET_Y, year 2026; "Arah" -> C_ARAH. */
static s_colinfo_t s_column(const char *text)
{
    char name[64];
    size_t n = 0;
    for (const char *p = text; *p && n + 1 < sizeof name; p++)
        name[n++] = *p == ' ' ? '_' : (char)tolower((unsigned char)*p);
    name[n] = '\0';
    s_colinfo_t info = {.role = C_NONE, .name = text};
    if (!strcmp(name, "bidang"))
        info.role = C_UNIT;
    for (int i = 0; i <= C_TARGET; i++)
        if (!strcmp(name, s_col_names[i]))
            info.role = (s_col_t)i;
    static const struct {
        const char *prefix;
        s_col_t role;
    } yearly[] = {{"baseline_", C_BASELINE}, {"target_", C_TARGET_Y}, {"realisasi_", C_REALISASI}};
    for (size_t i = 0; i < ARRAY_LEN(yearly); i++) {
        size_t pl = strlen(yearly[i].prefix);
        int year = 0;
        if (!strncmp(name, yearly[i].prefix, pl) && strlen(name + pl) == 4 &&
            isdigit((unsigned char)name[pl]) && (year = atoi(name + pl)) >= PK_MIN_YEAR &&
            year <= PK_MAX_YEAR) {
            info.role = yearly[i].role;
            info.year = year;
        }
    }
    return info;
}

/* The reference of cell c (0-based) of row: "PK!E7", or "E7" in a CSV. */
static void s_ref(const s_parse_t *ps, const s_row_t *row, int c, char *buf, size_t len)
{
    if (ps->g.sheet) {
        xlsx_ref(ps->g.sheet, row->line, c + 1, buf, len);
    } else {
        char col[8];
        snprintf(buf, len, "%s%d", xlsx_col_name(c + 1, col, sizeof col), row->line);
    }
}

static void s_cell_error(s_parse_t *ps, const s_row_t *row, int c, const char *code,
                         const char *fmt, ...) PRINTF(5, 6);
static void s_cell_error(s_parse_t *ps, const s_row_t *row, int c, const char *code,
                         const char *fmt, ...)
{
    char ref[128];
    s_ref(ps, row, c, ref, sizeof ref);
    strbuf_t sb = {0};
    va_list ap;
    va_start(ap, fmt);
    strbuf_vprintf(&sb, fmt, ap);
    va_end(ap);
    s_error(ps->pk, row->line, c + 1, c < ps->n_cols ? ps->cols[c].name : "", ref, code, "%s",
            strbuf_str(&sb));
    strbuf_free(&sb);
}

/* Maps the header; false when the file cannot be read further. */
static bool s_read_header(s_parse_t *ps)
{
    const s_row_t *h = &ps->g.rows[0];
    ps->n_cols = h->n;
    ps->cols = xcalloc((size_t)(h->n ? h->n : 1), sizeof *ps->cols);
    for (int i = 0; i <= C_TARGET; i++)
        ps->single[i] = -1;
    for (int c = 0; c < h->n; c++) {
        ps->cols[c] = s_column(h->cells[c].text ? h->cells[c].text : "");
        s_col_t role = ps->cols[c].role;
        if (role >= 0 && role <= C_TARGET && ps->single[role] < 0)
            ps->single[role] = c;
        else if (role >= 0 && role <= C_TARGET)
            s_cell_error(ps, h, c, "duplicate_column", "kolom \"%s\" ganda", ps->cols[c].name);
        for (int k = 0; role > C_TARGET && k < c; k++)
            if (ps->cols[k].role == role && ps->cols[k].year == ps->cols[c].year)
                s_cell_error(ps, h, c, "duplicate_column", "kolom \"%s\" ganda", ps->cols[c].name);
    }
    static const s_col_t required[] = {C_KODE, C_UNIT, C_SASARAN, C_INDIKATOR, C_SATUAN, C_ARAH};
    bool ok = true;
    for (size_t i = 0; i < ARRAY_LEN(required); i++)
        if (ps->single[required[i]] < 0) {
            s_error(ps->pk, h->line, 0, s_col_names[required[i]], "", "missing_column",
                    "kolom wajib \"%s\" tidak ada (kolom yang dikenal: kode, unit, sasaran, "
                    "indikator, satuan, arah, rumus, target, baseline_TAHUN, target_TAHUN, "
                    "realisasi_TAHUN)",
                    s_col_names[required[i]]);
            ok = false;
        }
    bool year_target = ps->single[C_TARGET] >= 0;
    for (int c = 0; c < ps->n_cols; c++)
        year_target |= ps->cols[c].role == C_TARGET_Y && ps->cols[c].year == ps->pk->year;
    if (!year_target) {
        s_error(ps->pk, h->line, 0, "target", "", "missing_column",
                "tidak ada target tahun %d: kolom \"target_%d\" (atau \"target\") tidak ada",
                ps->pk->year, ps->pk->year);
        ok = false;
    }
    return ok;
}

/* ---- cells -------------------------------------------------------------------------------- */

static bool s_numeric_role(s_col_t role)
{
    return role == C_TARGET || role >= C_BASELINE;
}

static unitdata_value_t s_value_kind(s_col_t role)
{
    return role == C_TARGET || role == C_TARGET_Y ? UNITDATA_TARGET : UNITDATA_REALISASI;
}

/* Sets ps->decimal_comma from the text cells of the number columns; a file with both reports
 * "mixed_number_format". */
static void s_detect_decimal(s_parse_t *ps)
{
    const char *seen[2] = {NULL, NULL};
    for (int r = 1; r < ps->g.n_rows; r++)
        for (int c = 0; c < ps->g.rows[r].n && c < ps->n_cols; c++) {
            const s_cell_t *cell = &ps->g.rows[r].cells[c];
            if (cell->kind != S_TEXT || !s_numeric_role(ps->cols[c].role))
                continue;
            int vote = unitdata_value_vote(s_value_kind(ps->cols[c].role), cell->text);
            if (vote >= 0 && !seen[vote])
                seen[vote] = cell->text;
        }
    ps->decimal_comma = seen[1] ? 1 : seen[0] ? 0 : -1;
    if (seen[0] && seen[1]) {
        s_error(ps->pk, 0, 0, "", "", "mixed_number_format",
                "berkas mencampur koma desimal (\"%s\") dan titik desimal (\"%s\"); pakai satu "
                "cara penulisan angka",
                seen[1], seen[0]);
        ps->decimal_comma = -1;
    }
}

/* Reads number cell c of row; false after reporting. Empty cells are no error here. */
static bool s_cell_number(s_parse_t *ps, const s_row_t *row, int c, double *lo, double *hi)
{
    const s_cell_t *cell = &row->cells[c];
    s_col_t role = ps->cols[c].role;
    if (cell->kind == S_NUMBER) {
        *lo = *hi = cell->num;
        if (cell->num >= 0 || role == C_REALISASI || role == C_BASELINE)
            return true;
        s_cell_error(ps, row, c, "negative_value", "nilai \"%s\" tidak boleh negatif", cell->text);
        return false;
    }
    if (cell->kind == S_DATE) {
        s_cell_error(ps, row, c, "date_not_number",
                     "sel berisi tanggal atau waktu, bukan angka; ubah format selnya menjadi "
                     "angka (Number) lalu tulis nilainya");
        return false;
    }
    if (cell->kind == S_OTHER) {
        s_cell_error(ps, row, c, "bad_number", "nilai \"%s\" bukan angka yang sah", cell->text);
        return false;
    }
    const char *code;
    char *why;
    if (unitdata_parse_value(s_value_kind(role), cell->text, ps->decimal_comma, lo, hi, &code,
                             &why) == 0)
        return true;
    s_cell_error(ps, row, c, code, "%s", why);
    free(why);
    return false;
}

/* The text of single column role in row ("" when absent). */
static const char *s_text(const s_parse_t *ps, const s_row_t *row, s_col_t role)
{
    int c = ps->single[role];
    return c >= 0 && c < row->n && row->cells[c].text ? row->cells[c].text : "";
}

/* Checks a required text column of row. */
static bool s_required(s_parse_t *ps, const s_row_t *row, s_col_t role)
{
    int c = ps->single[role];
    const char *t = s_text(ps, row, role);
    if (!*t) {
        s_cell_error(ps, row, c, "missing_value", "kolom \"%s\" wajib diisi", ps->cols[c].name);
        return false;
    }
    if (strlen(t) > UNITDATA_MAX_CELL ||
        !text_is_clean(t, strlen(t), role != C_SASARAN && role != C_INDIKATOR)) {
        s_cell_error(ps, row, c, "bad_text",
                     "isi sel terlalu panjang (paling banyak %d byte) atau memuat karakter yang "
                     "tidak diizinkan",
                     UNITDATA_MAX_CELL);
        return false;
    }
    return true;
}

static bool s_code_ok(const char *code)
{
    size_t n = strlen(code);
    if (n == 0 || n > S_MAX_CODE)
        return false;
    for (const char *p = code; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr("._-/", *p))
            return false;
    return true;
}

/* ---- rows --------------------------------------------------------------------------------- */

static void s_indicator_clear(pk_indicator_t *ind)
{
    free(ind->code);
    free(ind->unit_code);
    free(ind->unit_name);
    free(ind->sasaran);
    free(ind->indikator);
    free(ind->satuan);
    free(ind->target_text);
    for (int i = 0; i < ind->n_years; i++)
        free(ind->years[i].target_text);
    free(ind->years);
    memset(ind, 0, sizeof *ind);
}

/* The year entry of ind for year, added in order when missing. */
static pk_year_t *s_year(pk_indicator_t *ind, int year)
{
    int i = 0;
    while (i < ind->n_years && ind->years[i].year < year)
        i++;
    if (i < ind->n_years && ind->years[i].year == year)
        return &ind->years[i];
    ind->years = xrealloc(ind->years, (size_t)(ind->n_years + 1) * sizeof *ind->years);
    memmove(&ind->years[i + 1], &ind->years[i], (size_t)(ind->n_years - i) * sizeof *ind->years);
    ind->n_years++;
    ind->years[i] = (pk_year_t){.year = year, .target_text = xstrdup("")};
    return &ind->years[i];
}

static bool s_seen(const s_parse_t *ps, const char *code)
{
    for (int i = 0; i < ps->n_seen; i++)
        if (strcasecmp(ps->seen[i], code) == 0)
            return true;
    return false;
}

/* Code, unit and the text columns; false after reporting. */
static bool s_row_identity(s_parse_t *ps, const s_row_t *row, pk_indicator_t *ind)
{
    bool ok = true;
    for (s_col_t role = C_KODE; role <= C_SATUAN; role++)
        ok &= s_required(ps, row, role);
    const char *code = s_text(ps, row, C_KODE);
    if (*code && !s_code_ok(code)) {
        s_cell_error(ps, row, ps->single[C_KODE], "bad_code",
                     "kode \"%s\" tidak sah: 1-%d huruf, angka, titik, garis miring, garis bawah "
                     "atau tanda hubung, mis. IKP-01",
                     code, S_MAX_CODE);
        ok = false;
    } else if (*code && s_seen(ps, code)) {
        s_cell_error(ps, row, ps->single[C_KODE], "duplicate_code",
                     "kode \"%s\" sudah dipakai indikator lain di atasnya", code);
        ok = false;
    }
    if (*code) {
        ps->seen = xrealloc(ps->seen, (size_t)(ps->n_seen + 1) * sizeof *ps->seen);
        ps->seen[ps->n_seen++] = code;
    }
    const char *unit = s_text(ps, row, C_UNIT);
    const pk_unit_t *u = NULL;
    for (int i = 0; *unit && i < ps->n_units && !u; i++)
        if (unitdata_unit_matches(unit, ps->units[i].code, ps->units[i].name))
            u = &ps->units[i];
    if (*unit && !u) {
        s_cell_error(ps, row, ps->single[C_UNIT], "unknown_unit",
                     "unit \"%s\" tidak dikenal di organisasi ini; tulis kode atau nama unit "
                     "(lihat: lkip admin unit list)",
                     unit);
        ok = false;
    }
    if (!ok)
        return false;
    ind->code = xstrdup(code);
    ind->unit_code = xstrdup(u->code);
    ind->unit_name = xstrdup(u->name);
    ind->sasaran = xstrdup(s_text(ps, row, C_SASARAN));
    ind->indikator = xstrdup(s_text(ps, row, C_INDIKATOR));
    ind->satuan = xstrdup(s_text(ps, row, C_SATUAN));
    return true;
}

/* Arah and rumus; false after reporting. */
static bool s_row_method(s_parse_t *ps, const s_row_t *row, pk_indicator_t *ind)
{
    bool ok = s_required(ps, row, C_ARAH);
    if (ok && !unitdata_parse_dir(s_text(ps, row, C_ARAH), &ind->dir)) {
        s_cell_error(ps, row, ps->single[C_ARAH], "bad_direction",
                     "nilai \"%s\" bukan arah yang dikenal; tulis \"naik\" atau \"turun\"",
                     s_text(ps, row, C_ARAH));
        ok = false;
    }
    const char *rumus = s_text(ps, row, C_RUMUS);
    if (!unitdata_parse_formula(rumus, &ind->formula) ||
        (ok && ind->formula == CAPAIAN_FORMULA_INVERSE && ind->dir != CAPAIAN_LOWER)) {
        s_cell_error(ps, row, ps->single[C_RUMUS], "bad_formula",
                     "nilai \"%s\" bukan rumus yang berlaku; tulis \"2T-R\", atau \"T/R\" untuk "
                     "arah \"turun\", atau kosongkan",
                     rumus);
        ok = false;
    }
    return ok;
}

/* The yearly columns and the PK target; false after reporting. */
static bool s_row_numbers(s_parse_t *ps, const s_row_t *row, pk_indicator_t *ind)
{
    bool ok = true, has_target = false;
    for (int c = 0; c < ps->n_cols && c < row->n; c++) {
        s_col_t role = ps->cols[c].role;
        if (!s_numeric_role(role) || row->cells[c].kind == S_EMPTY)
            continue;
        double lo, hi;
        if (!s_cell_number(ps, row, c, &lo, &hi)) {
            ok = false;
            continue;
        }
        if (role == C_TARGET) {
            ind->target_lo = lo;
            ind->target_hi = hi;
            free(ind->target_text);
            ind->target_text = xstrdup(row->cells[c].text);
            has_target = true;
            continue;
        }
        pk_year_t *y = s_year(ind, ps->cols[c].year);
        if (role == C_TARGET_Y) {
            y->has_target = true;
            y->target_lo = lo;
            y->target_hi = hi;
            free(y->target_text);
            y->target_text = xstrdup(row->cells[c].text);
        } else {
            y->has_realisasi = true;
            y->realisasi = lo;
        }
    }
    const pk_year_t *this_year = pk_year(ind, ps->pk->year);
    if (ok && !has_target && this_year && this_year->has_target) {
        ind->target_lo = this_year->target_lo;
        ind->target_hi = this_year->target_hi;
        ind->target_text = xstrdup(this_year->target_text);
        has_target = true;
    }
    if (ok && !has_target) {
        int c = ps->single[C_TARGET];
        for (int k = 0; c < 0 && k < ps->n_cols; k++)
            if (ps->cols[k].role == C_TARGET_Y && ps->cols[k].year == ps->pk->year)
                c = k;
        s_cell_error(ps, row, c, "missing_value", "target tahun %d wajib diisi", ps->pk->year);
        ok = false;
    }
    return ok;
}

/* Puts the errors from index first on in column order (a row is checked by kind of cell, but
 * read from left to right). Insertion sort: stable, and a row has a handful of errors. */
static void s_sort_errors(pk_t *pk, int first)
{
    unitdata_error_t *e = pk->errors;
    for (int i = first + 1; i < pk->n_errors; i++) {
        unitdata_error_t moving = e[i];
        int j = i;
        for (; j > first && e[j - 1].column > moving.column; j--)
            e[j] = e[j - 1];
        e[j] = moving;
    }
}

static void s_parse_row(s_parse_t *ps, const s_row_t *row)
{
    if (!ps->g.sheet && row->n != ps->n_cols) {
        s_error(ps->pk, row->line, 0, "", "", "bad_row",
                "baris %d berisi %d sel, seharusnya %d sesuai baris judul", row->line, row->n,
                ps->n_cols);
        return;
    }
    pk_indicator_t ind = {0};
    int first = ps->pk->n_errors;
    bool ok = s_row_identity(ps, row, &ind);
    ok &= s_row_method(ps, row, &ind);
    ok &= s_row_numbers(ps, row, &ind);
    if (ok)
        pk_add(ps->pk, &ind);
    s_indicator_clear(&ind);
    s_sort_errors(ps->pk, first);
}

/* The Renstra period and baseline year from the header. */
static void s_years(s_parse_t *ps)
{
    pk_t *pk = ps->pk;
    for (int c = 0; c < ps->n_cols; c++) {
        int y = ps->cols[c].year;
        if (ps->cols[c].role == C_TARGET_Y) {
            pk->renstra_first = pk->renstra_first && pk->renstra_first < y ? pk->renstra_first : y;
            pk->renstra_last = pk->renstra_last > y ? pk->renstra_last : y;
        } else if (ps->cols[c].role == C_BASELINE) {
            pk->baseline_year = y;
        }
    }
}

static bool s_is_workbook(const void *data, size_t len)
{
    return len >= 4 &&
           (memcmp(data, "PK\x03\x04", 4) == 0 || memcmp(data, "\xd0\xcf\x11\xe0", 4) == 0);
}

pk_t *pk_parse(const void *data, size_t len, int year, const pk_unit_t *units, int n_units)
{
    pk_t *pk = pk_new(year);
    s_parse_t ps = {.pk = pk, .units = units, .n_units = n_units};
    if (s_is_workbook(data, len))
        s_from_xlsx(pk, data, len, &ps.g);
    else
        s_from_csv(pk, data, len, &ps.g);
    if (pk->n_errors == 0 && ps.g.n_rows == 0)
        s_error(pk, 0, 0, "", "", "no_header", "berkas kosong: baris judul kolom tidak ada");
    else if (pk->n_errors == 0 && ps.g.n_rows == 1)
        s_error(pk, 0, 0, "", "", "no_rows", "berkas tidak berisi indikator");
    if (pk->n_errors == 0 && s_read_header(&ps)) {
        s_years(&ps);
        s_detect_decimal(&ps);
        for (int r = 1; r < ps.g.n_rows; r++)
            s_parse_row(&ps, &ps.g.rows[r]);
    }
    free(ps.cols);
    free(ps.seen);
    s_grid_free(&ps.g);
    return pk;
}

/* ---- the model ---------------------------------------------------------------------------- */

pk_t *pk_new(int year)
{
    pk_t *pk = xcalloc(1, sizeof *pk);
    pk->year = year;
    return pk;
}

void pk_add(pk_t *pk, pk_indicator_t *ind)
{
    pk->ind = xrealloc(pk->ind, (size_t)(pk->n + 1) * sizeof *pk->ind);
    pk->ind[pk->n++] = *ind;
    memset(ind, 0, sizeof *ind);
}

void pk_destroy(pk_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    pk_t *pk = *self_p;
    for (int i = 0; i < pk->n; i++)
        s_indicator_clear(&pk->ind[i]);
    free(pk->ind);
    unitdata_errors_free(pk->errors, pk->n_errors);
    free(pk);
    *self_p = NULL;
}

const pk_year_t *pk_year(const pk_indicator_t *ind, int year)
{
    for (int i = 0; i < ind->n_years; i++)
        if (ind->years[i].year == year)
            return &ind->years[i];
    return NULL;
}

const pk_indicator_t *pk_find(const pk_t *pk, const char *code)
{
    for (int i = 0; i < pk->n; i++)
        if (strcasecmp(pk->ind[i].code, code) == 0)
            return &pk->ind[i];
    return NULL;
}

int pk_period_year(const char *period)
{
    if (!period || strlen(period) < 4)
        return 0;
    for (int i = 0; i < 4; i++)
        if (!isdigit((unsigned char)period[i]))
            return 0;
    if (period[4] && isdigit((unsigned char)period[4]))
        return 0;
    int y = atoi(period);
    return y >= PK_MIN_YEAR && y <= PK_MAX_YEAR ? y : 0;
}

const char *pk_dir_name(capaian_dir_t dir)
{
    return dir == CAPAIAN_LOWER ? "turun" : "naik";
}

const char *pk_formula_name(capaian_formula_t formula)
{
    return formula == CAPAIAN_FORMULA_INVERSE ? "T/R" : "2T-R";
}

/* ---- writing ------------------------------------------------------------------------------ */

/* A number cell when the text is one number, else the text as written (ranges). */
static void s_write_value(lxw_worksheet *ws, int row, int col, double lo, double hi,
                          const char *text, lxw_format *num)
{
    if (lo == hi)
        worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)col, lo, num);
    else
        worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)col, text, NULL);
}

/* The years of the export's columns: every year any indicator has, in order. */
static int s_all_years(const pk_t *pk, int years[PK_MAX_YEARS * 2])
{
    int n = 0;
    for (int i = 0; i < pk->n; i++)
        for (int k = 0; k < pk->ind[i].n_years; k++) {
            int y = pk->ind[i].years[k].year, j = 0;
            while (j < n && years[j] < y)
                j++;
            if ((j < n && years[j] == y) || n == PK_MAX_YEARS * 2)
                continue;
            memmove(&years[j + 1], &years[j], (size_t)(n - j) * sizeof *years);
            years[j] = y;
            n++;
        }
    return n;
}

/* Whether any indicator has a target (want_target) or a realisasi in year. */
static bool s_any(const pk_t *pk, int year, bool want_target)
{
    for (int k = 0; k < pk->n; k++) {
        const pk_year_t *py = pk_year(&pk->ind[k], year);
        if (py && (want_target ? py->has_target : py->has_realisasi))
            return true;
    }
    return false;
}

static void s_header_cell(lxw_worksheet *ws, lxw_format *bold, int *c, const char *prefix, int year,
                          char kind, int *cols_year, char *cols_kind)
{
    char name[32];
    snprintf(name, sizeof name, "%s_%d", prefix, year);
    worksheet_write_string(ws, 0, (lxw_col_t)*c, name, bold);
    cols_year[*c] = year;
    cols_kind[(*c)++] = kind;
}

/* The header of sheet PK; returns the number of columns. cols_year and cols_kind map the
 * yearly columns: 'b' the baseline, 't' a target, 'r' a realisasi. */
static int s_write_header(const pk_t *pk, lxw_worksheet *ws, lxw_format *bold, const int *years,
                          int n_years, int *cols_year, char *cols_kind)
{
    static const char *const fixed[] = {"kode",   "unit", "sasaran", "indikator",
                                        "satuan", "arah", "rumus",   "target"};
    int c = 0;
    for (; c < (int)ARRAY_LEN(fixed); c++)
        worksheet_write_string(ws, 0, (lxw_col_t)c, fixed[c], bold);
    if (pk->baseline_year)
        s_header_cell(ws, bold, &c, "baseline", pk->baseline_year, 'b', cols_year, cols_kind);
    for (int i = 0; i < n_years; i++)
        if (s_any(pk, years[i], true))
            s_header_cell(ws, bold, &c, "target", years[i], 't', cols_year, cols_kind);
    for (int i = 0; i < n_years; i++)
        if (years[i] != pk->baseline_year && s_any(pk, years[i], false))
            s_header_cell(ws, bold, &c, "realisasi", years[i], 'r', cols_year, cols_kind);
    return c;
}

static void s_write_row(const pk_indicator_t *ind, lxw_worksheet *ws, int r, int n_cols,
                        const int *cols_year, const char *cols_kind, lxw_format *num)
{
    const char *text[] = {ind->code,
                          ind->unit_code,
                          ind->sasaran,
                          ind->indikator,
                          ind->satuan,
                          pk_dir_name(ind->dir),
                          pk_formula_name(ind->formula)};
    for (int c = 0; c < (int)ARRAY_LEN(text); c++)
        worksheet_write_string(ws, (lxw_row_t)r, (lxw_col_t)c, text[c], NULL);
    s_write_value(ws, r, 7, ind->target_lo, ind->target_hi, ind->target_text, num);
    for (int c = 8; c < n_cols; c++) {
        const pk_year_t *y = pk_year(ind, cols_year[c]);
        if (!y)
            continue;
        if (cols_kind[c] == 't' && y->has_target)
            s_write_value(ws, r, c, y->target_lo, y->target_hi, y->target_text, num);
        else if (cols_kind[c] != 't' && y->has_realisasi)
            worksheet_write_number(ws, (lxw_row_t)r, (lxw_col_t)c, y->realisasi, num);
    }
}

int pk_write_xlsx(const pk_t *pk, const char *org_name, int version, uint8_t **data, size_t *len,
                  const char **why)
{
    xlsx_write_t *w = xlsx_write_new();
    if (!w) {
        *why = "could not make a temporary folder";
        return -EIO;
    }
    lxw_workbook *wb = xlsx_write_book(w);
    lxw_worksheet *ws = workbook_add_worksheet(wb, S_SHEET);
    lxw_worksheet *info = workbook_add_worksheet(wb, "Keterangan");
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    lxw_format *num = workbook_add_format(wb);
    format_set_num_format(num, "General");
    int years[PK_MAX_YEARS * 2];
    int n_years = s_all_years(pk, years);
    int cols_year[8 + PK_MAX_YEARS * 6] = {0};
    char cols_kind[8 + PK_MAX_YEARS * 6] = {0};
    int n_cols = s_write_header(pk, ws, bold, years, n_years, cols_year, cols_kind);
    for (int i = 0; i < pk->n; i++)
        s_write_row(&pk->ind[i], ws, i + 1, n_cols, cols_year, cols_kind, num);
    worksheet_set_column(ws, 0, 1, 14, NULL);
    worksheet_set_column(ws, 2, 3, 48, NULL);
    worksheet_freeze_panes(ws, 1, 0);
    char line[256];
    worksheet_write_string(info, 0, 0, "Perjanjian Kinerja dan target Renstra", bold);
    snprintf(line, sizeof line, "Organisasi: %s", org_name ? org_name : "");
    worksheet_write_string(info, 1, 0, line, NULL);
    snprintf(line, sizeof line, "Tahun: %d, versi %d", pk->year, version);
    worksheet_write_string(info, 2, 0, line, NULL);
    worksheet_write_string(info, 3, 0,
                           "Lembar \"PK\" dapat diubah lalu diimpor kembali dengan: lkip pk "
                           "import BERKAS.xlsx --tahun TAHUN (menjadi versi baru).",
                           NULL);
    worksheet_set_column(info, 0, 0, 90, NULL);
    return xlsx_write_finish(&w, data, len, why);
}
