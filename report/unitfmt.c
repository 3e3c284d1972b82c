/* unitfmt — see unitfmt.h. The layout lives in one column table (s_cols) that the writer and
 * the reader share, so that what is written locked is exactly what is checked on return. */
#include "unitfmt.h"

#include "csvfile.h"
#include "idfmt.h"
#include "xlsx_read.h"
#include "xlsx_write.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define S_FIRST_ROW   (UNITFMT_HEADER_ROW + 1) /* 1-based row of the first indicator */
#define S_INPUT_COLOR 0xFFF2CC                 /* light yellow: "fill me" */
#define S_HEAD_COLOR  0xD9E1F2

/* ---- the layout --------------------------------------------------------------------------- */

enum {
    COL_NO,
    COL_KODE,
    COL_SASARAN,
    COL_INDIKATOR,
    COL_SATUAN,
    COL_ARAH,
    COL_TARGET,
    COL_REALISASI,
    COL_PAGU,
    COL_ANGGARAN,
    COL_PENJELASAN,
    COL_PENDUKUNG,
    COL_PENGHAMBAT,
    COL_UPAYA,
    COL_N
};

typedef struct {
    const char *title; /* the column's title in the header row */
    double width;
    bool input;  /* unlocked and shaded: the unit fills it */
    bool number; /* holds a number */
} s_col_t;

static const s_col_t s_cols[COL_N] = {
    [COL_NO] = {"No", 5, false, true},
    [COL_KODE] = {"Kode", 10, false, false},
    [COL_SASARAN] = {"Sasaran", 32, false, false},
    [COL_INDIKATOR] = {"Indikator", 40, false, false},
    [COL_SATUAN] = {"Satuan", 10, false, false},
    [COL_ARAH] = {"Arah", 8, false, false},
    [COL_TARGET] = {"Target", 10, false, true},
    [COL_REALISASI] = {"Realisasi", 12, true, true},
    [COL_PAGU] = {"Pagu (Rp)", 18, true, true},
    [COL_ANGGARAN] = {"Realisasi Anggaran (Rp)", 18, true, true},
    [COL_PENJELASAN] = {"Penjelasan", 40, true, false},
    [COL_PENDUKUNG] = {"Faktor Pendukung", 30, true, false},
    [COL_PENGHAMBAT] = {"Faktor Penghambat", 30, true, false},
    [COL_UPAYA] = {"Upaya / Rencana Tindak Lanjut", 36, true, false},
};

int unitfmt_rows(const pk_t *pk, const char *unit_code)
{
    int n = 0;
    for (int i = 0; pk && i < pk->n; i++)
        n += strcmp(pk->ind[i].unit_code, unit_code) == 0;
    return n;
}

bool unitfmt_is_workbook(const void *data, size_t len)
{
    return len >= 4 &&
           (memcmp(data, "PK\x03\x04", 4) == 0 || memcmp(data, "\xd0\xcf\x11\xe0", 4) == 0);
}

/* ---- writing ------------------------------------------------------------------------------ */

typedef struct {
    lxw_format *title;
    lxw_format *bold;
    lxw_format *head;
    lxw_format *fixed;     /* locked text */
    lxw_format *fixed_num; /* locked number */
    lxw_format *input;     /* unlocked, shaded text */
    lxw_format *input_num; /* unlocked, shaded number */
    lxw_format *wrap;
} s_formats_t;

static lxw_format *s_cell_format(lxw_workbook *wb, bool input, bool number)
{
    lxw_format *f = workbook_add_format(wb);
    format_set_border(f, LXW_BORDER_THIN);
    format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
    if (!number)
        format_set_text_wrap(f);
    else
        format_set_num_format(f, "#,##0.##");
    if (input) {
        format_set_unlocked(f);
        format_set_bg_color(f, S_INPUT_COLOR);
    }
    return f;
}

static void s_make_formats(lxw_workbook *wb, s_formats_t *f)
{
    f->title = workbook_add_format(wb);
    format_set_bold(f->title);
    format_set_font_size(f->title, 13);
    f->bold = workbook_add_format(wb);
    format_set_bold(f->bold);
    f->head = workbook_add_format(wb);
    format_set_bold(f->head);
    format_set_text_wrap(f->head);
    format_set_border(f->head, LXW_BORDER_THIN);
    format_set_bg_color(f->head, S_HEAD_COLOR);
    format_set_align(f->head, LXW_ALIGN_CENTER);
    format_set_align(f->head, LXW_ALIGN_VERTICAL_CENTER);
    f->fixed = s_cell_format(wb, false, false);
    f->fixed_num = s_cell_format(wb, false, true);
    f->input = s_cell_format(wb, true, false);
    f->input_num = s_cell_format(wb, true, true);
    f->wrap = workbook_add_format(wb);
    format_set_text_wrap(f->wrap);
    format_set_align(f->wrap, LXW_ALIGN_VERTICAL_TOP);
}

/* The row of values matching ind (by code, else by indikator), or NULL. */
static const unitdata_row_t *s_value_row(const unitdata_t *values, const pk_indicator_t *ind)
{
    for (int i = 0; values && i < values->n_rows; i++) {
        const unitdata_row_t *v = &values->rows[i];
        if ((*v->code && strcasecmp(v->code, ind->code) == 0) ||
            (!*v->code && strcasecmp(v->indikator, ind->indikator) == 0))
            return v;
    }
    return NULL;
}

static void s_write_values(lxw_worksheet *ws, lxw_row_t r, const unitdata_row_t *v,
                           const s_formats_t *f)
{
    if (!v) {
        for (int c = COL_REALISASI; c < COL_N; c++)
            worksheet_write_blank(ws, r, (lxw_col_t)c, s_cols[c].number ? f->input_num : f->input);
        return;
    }
    worksheet_write_number(ws, r, COL_REALISASI, v->realisasi, f->input_num);
    if (v->has_pagu)
        worksheet_write_number(ws, r, COL_PAGU, v->pagu, f->input_num);
    else
        worksheet_write_blank(ws, r, COL_PAGU, f->input_num);
    if (v->has_realisasi_anggaran)
        worksheet_write_number(ws, r, COL_ANGGARAN, v->realisasi_anggaran, f->input_num);
    else
        worksheet_write_blank(ws, r, COL_ANGGARAN, f->input_num);
    const char *text[] = {v->penjelasan, v->faktor_pendukung, v->faktor_penghambat, v->upaya};
    for (int k = 0; k < 4; k++)
        if (*text[k])
            worksheet_write_string(ws, r, (lxw_col_t)(COL_PENJELASAN + k), text[k], f->input);
        else
            worksheet_write_blank(ws, r, (lxw_col_t)(COL_PENJELASAN + k), f->input);
}

static void s_write_indicator(lxw_worksheet *ws, lxw_row_t r, int no, const pk_indicator_t *ind,
                              const unitdata_row_t *v, const s_formats_t *f)
{
    worksheet_write_number(ws, r, COL_NO, no, f->fixed_num);
    worksheet_write_string(ws, r, COL_KODE, ind->code, f->fixed);
    worksheet_write_string(ws, r, COL_SASARAN, ind->sasaran, f->fixed);
    worksheet_write_string(ws, r, COL_INDIKATOR, ind->indikator, f->fixed);
    worksheet_write_string(ws, r, COL_SATUAN, ind->satuan, f->fixed);
    worksheet_write_string(ws, r, COL_ARAH, pk_dir_name(ind->dir), f->fixed);
    if (ind->target_lo == ind->target_hi)
        worksheet_write_number(ws, r, COL_TARGET, ind->target_lo, f->fixed_num);
    else
        worksheet_write_string(ws, r, COL_TARGET, ind->target_text, f->fixed);
    s_write_values(ws, r, v, f);
}

/* Data validation of the input columns of rows first..last (0-based). */
static void s_validations(lxw_worksheet *ws, lxw_row_t first, lxw_row_t last)
{
    lxw_data_validation real = {
        .validate = LXW_VALIDATION_TYPE_DECIMAL,
        .criteria = LXW_VALIDATION_CRITERIA_BETWEEN,
        .minimum_number = -1e15,
        .maximum_number = 1e15,
        .input_title = "Realisasi",
        .input_message = "Tulis angka realisasi dalam satuan indikator, tanpa satuan atau %.",
        .error_title = "Bukan angka",
        .error_message = "Realisasi harus berupa angka, mis. 84,2.",
    };
    worksheet_data_validation_range(ws, first, COL_REALISASI, last, COL_REALISASI, &real);
    lxw_data_validation money = {
        .validate = LXW_VALIDATION_TYPE_DECIMAL,
        .criteria = LXW_VALIDATION_CRITERIA_GREATER_THAN_OR_EQUAL_TO,
        .value_number = 0,
        .input_title = "Rupiah",
        .input_message = "Tulis dalam rupiah tanpa titik pemisah ribuan, mis. 1200000000.",
        .error_title = "Bukan rupiah",
        .error_message = "Isi dengan angka rupiah yang tidak negatif.",
    };
    worksheet_data_validation_range(ws, first, COL_PAGU, last, COL_ANGGARAN, &money);
    lxw_data_validation text = {
        .validate = LXW_VALIDATION_TYPE_LENGTH,
        .criteria = LXW_VALIDATION_CRITERIA_LESS_THAN_OR_EQUAL_TO,
        .value_number = UNITDATA_MAX_TEXT,
        .error_title = "Terlalu panjang",
        .error_message = "Paling banyak 4000 karakter.",
    };
    worksheet_data_validation_range(ws, first, COL_PENJELASAN, last, COL_UPAYA, &text);
}

static void s_write_data_sheet(lxw_worksheet *ws, const unitfmt_meta_t *m, const pk_t *pk,
                               const unitdata_t *values, const s_formats_t *f)
{
    char line[512];
    snprintf(line, sizeof line, "FORMAT PENGUMPULAN DATA DAN INFORMASI KINERJA TAHUN %d", m->year);
    worksheet_write_string(ws, 0, 0, line, f->title);
    worksheet_write_string(ws, 1, 0, m->org_name, f->bold);
    snprintf(line, sizeof line, "Unit: %s (%s) - %s - Perjanjian Kinerja versi %d", m->unit_name,
             m->unit_code, m->instance_ref, m->pk_version);
    worksheet_write_string(ws, 2, 0, line, NULL);
    snprintf(line, sizeof line,
             "Isi sel berwarna kuning saja; kolom lain berasal dari Perjanjian Kinerja dan "
             "dikunci. Baca lembar \"%s\".%s%s",
             UNITFMT_HELP_SHEET, m->due && *m->due ? " Tenggat: " : "", m->due ? m->due : "");
    worksheet_write_string(ws, 3, 0, line, NULL);
    for (int c = 0; c < COL_N; c++) {
        worksheet_write_string(ws, UNITFMT_HEADER_ROW - 1, (lxw_col_t)c, s_cols[c].title, f->head);
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, s_cols[c].width, NULL);
    }
    worksheet_set_row(ws, UNITFMT_HEADER_ROW - 1, 32, NULL);
    int n = 0;
    for (int i = 0; i < pk->n; i++) {
        const pk_indicator_t *ind = &pk->ind[i];
        if (strcmp(ind->unit_code, m->unit_code) != 0)
            continue;
        s_write_indicator(ws, (lxw_row_t)(S_FIRST_ROW - 1 + n), n + 1, ind,
                          s_value_row(values, ind), f);
        /* room for three wrapped lines: spreadsheet programs do not grow rows by themselves */
        worksheet_set_row(ws, (lxw_row_t)(S_FIRST_ROW - 1 + n), 45, NULL);
        n++;
    }
    if (n > 0)
        s_validations(ws, S_FIRST_ROW - 1, (lxw_row_t)(S_FIRST_ROW - 2 + n));
    worksheet_freeze_panes(ws, UNITFMT_HEADER_ROW, 2);
    worksheet_set_landscape(ws);
    worksheet_set_paper(ws, 9); /* A4 */
    worksheet_fit_to_pages(ws, 1, 0);
    lxw_protection prot = {.format_columns = 1, .format_rows = 1};
    worksheet_protect(ws, NULL, &prot);
}

static void s_write_help(lxw_worksheet *ws, const unitfmt_meta_t *m, const s_formats_t *f)
{
    char lines[10][640];
    int n = 0;
    snprintf(lines[n++], sizeof lines[0],
             "1. Format ini disiapkan untuk %s (%s) pada %s, %s, berdasarkan Perjanjian Kinerja "
             "Tahun %d versi %d.",
             m->unit_name, m->unit_code, m->instance_ref, m->org_name, m->year, m->pk_version);
    snprintf(lines[n++], sizeof lines[0],
             "2. Isi hanya sel berwarna kuning pada lembar \"%s\" (kolom Realisasi sampai Upaya / "
             "Rencana Tindak Lanjut). Kolom Kode, Sasaran, Indikator, Satuan, Arah dan Target "
             "berasal dari Perjanjian Kinerja dan dikunci.",
             UNITFMT_SHEET);
    snprintf(lines[n++], sizeof lines[0],
             "3. Realisasi: angka capaian indikator sampai akhir tahun %d dalam satuan yang "
             "tertera, mis. 84,2. Jangan menulis satuan atau tanda %% di dalam sel.",
             m->year);
    snprintf(lines[n++], sizeof lines[0],
             "4. Pagu dan Realisasi Anggaran: dalam rupiah, bila indikator didukung program atau "
             "kegiatan yang dianggarkan; kosongkan bila tidak ada.");
    snprintf(lines[n++], sizeof lines[0],
             "5. Penjelasan: uraian singkat capaian. Faktor Pendukung dan Faktor Penghambat: hal "
             "yang membantu atau menghambat pencapaian target. Upaya / Rencana Tindak Lanjut: "
             "langkah perbaikan tahun berikutnya.");
    snprintf(lines[n++], sizeof lines[0],
             "6. Jangan menambah, menghapus atau memindahkan baris dan kolom, dan jangan "
             "mengganti nama lembar. Lembar tersembunyi \"%s\" menandai format ini.",
             UNITFMT_META_SHEET);
    snprintf(lines[n++], sizeof lines[0],
             "7. Simpan sebagai Excel Workbook (.xlsx) tanpa kata sandi, lalu kirim dengan: lkip "
             "submit NAMA-BERKAS.xlsx");
    snprintf(lines[n++], sizeof lines[0],
             "8. Persentase capaian dihitung oleh sistem: arah naik = realisasi / target x 100; "
             "arah turun = (2 x target - realisasi) / target x 100.");
    worksheet_write_string(ws, 0, 0, "PETUNJUK PENGISIAN FORMAT DATA DAN INFORMASI KINERJA",
                           f->title);
    for (int i = 0; i < n; i++)
        worksheet_write_string(ws, (lxw_row_t)(i + 2), 0, lines[i], f->wrap);
    worksheet_set_column(ws, 0, 0, 110, NULL);
}

static void s_write_meta(lxw_worksheet *ws, const unitfmt_meta_t *m, int rows)
{
    const struct {
        const char *key;
        const char *text; /* NULL: number */
        double num;
    } kv[] = {
        {"format", UNITFMT_KIND, 0},         {"layout", NULL, UNITFMT_LAYOUT},
        {"format_id", m->format_id, 0},      {"instance_id", NULL, (double)m->instance_id},
        {"instance", m->instance_ref, 0},    {"org", m->org_code, 0},
        {"unit", m->unit_code, 0},           {"year", NULL, m->year},
        {"pk_version", NULL, m->pk_version}, {"rows", NULL, rows},
    };
    for (size_t i = 0; i < ARRAY_LEN(kv); i++) {
        worksheet_write_string(ws, (lxw_row_t)i, 0, kv[i].key, NULL);
        if (kv[i].text)
            worksheet_write_string(ws, (lxw_row_t)i, 1, kv[i].text, NULL);
        else
            worksheet_write_number(ws, (lxw_row_t)i, 1, kv[i].num, NULL);
    }
    worksheet_protect(ws, NULL, NULL);
    worksheet_hide(ws);
}

int unitfmt_write(const unitfmt_meta_t *meta, const pk_t *pk, const unitdata_t *values,
                  uint8_t **data, size_t *len, const char **why)
{
    xlsx_write_t *w = xlsx_write_new();
    if (!w) {
        *why = "could not make a temporary folder";
        return -EIO;
    }
    lxw_workbook *wb = xlsx_write_book(w);
    s_formats_t f;
    s_make_formats(wb, &f);
    lxw_worksheet *ws = workbook_add_worksheet(wb, UNITFMT_SHEET);
    lxw_worksheet *help = workbook_add_worksheet(wb, UNITFMT_HELP_SHEET);
    lxw_worksheet *meta_ws = workbook_add_worksheet(wb, UNITFMT_META_SHEET);
    s_write_data_sheet(ws, meta, pk, values, &f);
    s_write_help(help, meta, &f);
    s_write_meta(meta_ws, meta, unitfmt_rows(pk, meta->unit_code));
    worksheet_activate(ws);
    lxw_doc_properties props = {.title = "Format data dan informasi kinerja",
                                .company = (char *)meta->org_name,
                                .comments = (char *)meta->format_id};
    workbook_set_properties(wb, &props);
    return xlsx_write_finish(&w, data, len, why);
}

/* ---- reading ------------------------------------------------------------------------------ */

void unitfmt_info_clear(unitfmt_info_t *info)
{
    free(info->format_id);
    free(info->instance_ref);
    free(info->org_code);
    free(info->unit_code);
    memset(info, 0, sizeof *info);
}

/* The text of a meta value (numbers as whole numbers). Caller frees. */
static char *s_meta_text(const xlsx_cell_t *c)
{
    if (!c)
        return xstrdup("");
    if (c->kind == XLSX_NUMBER)
        return xasprintf("%.0f", c->num);
    return xstrdup(c->text);
}

static void s_read_info(xlsx_t *x, unitfmt_info_t *info)
{
    xlsx_sheet_t *s = NULL;
    const char *code;
    char *why = NULL;
    if (xlsx_read_sheet(x, UNITFMT_META_SHEET, &s, &code, &why) != 0) {
        free(why);
        return;
    }
    for (int r = 1; r <= s->max_row; r++) {
        const xlsx_cell_t *k = xlsx_cell(s, r, 1);
        if (!k || k->kind != XLSX_TEXT)
            continue;
        char *v = s_meta_text(xlsx_cell(s, r, 2));
        if (!strcmp(k->text, "format"))
            info->found = strcmp(v, UNITFMT_KIND) == 0;
        else if (!strcmp(k->text, "layout"))
            info->layout = atoi(v);
        else if (!strcmp(k->text, "format_id") && !info->format_id)
            info->format_id = xstrdup(v);
        else if (!strcmp(k->text, "instance_id"))
            info->instance_id = strtoll(v, NULL, 10);
        else if (!strcmp(k->text, "instance") && !info->instance_ref)
            info->instance_ref = xstrdup(v);
        else if (!strcmp(k->text, "org") && !info->org_code)
            info->org_code = xstrdup(v);
        else if (!strcmp(k->text, "unit") && !info->unit_code)
            info->unit_code = xstrdup(v);
        else if (!strcmp(k->text, "year"))
            info->year = atoi(v);
        else if (!strcmp(k->text, "pk_version"))
            info->pk_version = atoi(v);
        free(v);
    }
    xlsx_sheet_destroy(&s);
}

/* Every string of info set ("" for what the sheet did not say). */
static void s_info_defaults(unitfmt_info_t *info)
{
    char **texts[] = {&info->format_id, &info->instance_ref, &info->org_code, &info->unit_code};
    for (size_t i = 0; i < ARRAY_LEN(texts); i++)
        if (!*texts[i])
            *texts[i] = xstrdup("");
}

/* The reading of one workbook. */
typedef struct {
    unitdata_t *ud;
    const xlsx_sheet_t *s;
    const unitfmt_expect_t *expect;
    const pk_t *pk;
    int decimal_comma;
} s_read_t;

static void s_file_error(s_read_t *rd, const char *code, const char *fmt, ...) PRINTF(3, 4);
static void s_file_error(s_read_t *rd, const char *code, const char *fmt, ...)
{
    strbuf_t sb = {0};
    va_list ap;
    va_start(ap, fmt);
    strbuf_vprintf(&sb, fmt, ap);
    va_end(ap);
    unitdata_add_error(rd->ud, 0, 0, "", "", code, strbuf_str(&sb));
    strbuf_free(&sb);
}

static void s_cell_error(s_read_t *rd, int row, int col, const char *code, const char *fmt, ...)
    PRINTF(5, 6);
static void s_cell_error(s_read_t *rd, int row, int col, const char *code, const char *fmt, ...)
{
    char ref[96];
    xlsx_ref(UNITFMT_SHEET, row, col + 1, ref, sizeof ref);
    strbuf_t sb = {0};
    va_list ap;
    va_start(ap, fmt);
    strbuf_vprintf(&sb, fmt, ap);
    va_end(ap);
    unitdata_add_error(rd->ud, row, col + 1, s_cols[col].title, ref, code, strbuf_str(&sb));
    strbuf_free(&sb);
}

/* The workbook is the expected task's; false after reporting why not. */
static bool s_check_info(s_read_t *rd, const unitfmt_info_t *info)
{
    const unitfmt_expect_t *e = rd->expect;
    if (!info->found || info->layout != UNITFMT_LAYOUT) {
        s_file_error(rd, "not_a_format",
                     "buku kerja ini bukan format data kinerja dari lkip (lembar tersembunyi "
                     "\"%s\" tidak ada atau rusak); unduh formatnya dengan: lkip format download",
                     UNITFMT_META_SHEET);
        return false;
    }
    bool ok = true;
    if (info->instance_id != e->instance_id) {
        s_file_error(rd, "other_instance",
                     "buku kerja ini adalah format untuk %s (nomor %" PRId64
                     "), bukan untuk %s (nomor %" PRId64 ")",
                     info->instance_ref, info->instance_id, e->instance_ref, e->instance_id);
        ok = false;
    }
    if (strcasecmp(info->unit_code, e->unit_code) != 0) {
        s_file_error(rd, "other_unit",
                     "buku kerja ini adalah format unit %s, bukan unit %s; kirim format unit %s "
                     "sendiri",
                     info->unit_code, e->unit_code, e->unit_code);
        ok = false;
    }
    if (ok && info->pk_version != e->pk_version) {
        s_file_error(rd, "old_format",
                     "format ini dibuat dari Perjanjian Kinerja versi %d, padahal %s memakai "
                     "versi %d; unduh format terbaru dengan: lkip format download",
                     info->pk_version, e->instance_ref, e->pk_version);
        ok = false;
    }
    return ok;
}

/* The header row still has the titles written. */
static bool s_check_header(s_read_t *rd)
{
    bool ok = true;
    for (int c = 0; c < COL_N; c++) {
        const xlsx_cell_t *x = xlsx_cell(rd->s, UNITFMT_HEADER_ROW, c + 1);
        const char *got = x && x->kind == XLSX_TEXT ? x->text : "";
        if (strcmp(got, s_cols[c].title) != 0) {
            s_cell_error(rd, UNITFMT_HEADER_ROW, c, "layout_changed",
                         "judul kolom tertulis \"%s\", seharusnya \"%s\"; jangan menyisipkan, "
                         "menghapus atau memindahkan kolom",
                         got, s_cols[c].title);
            ok = false;
        }
    }
    return ok;
}

/* A cell's content for a message. Caller frees. */
static char *s_shown(const xlsx_cell_t *x)
{
    if (!x)
        return xstrdup("(kosong)");
    char buf[64];
    if (x->kind == XLSX_NUMBER)
        return xstrdup(idfmt_number_trim(x->num, 6, buf, sizeof buf));
    return csvfile_shown(x->text);
}

/* Whether locked cell col of row still holds the PK's value. */
static bool s_same(const xlsx_cell_t *x, int col, const pk_indicator_t *ind)
{
    if (!x)
        return false;
    if (col == COL_TARGET) {
        double lo, hi;
        const char *code;
        char *why = NULL;
        if (x->kind == XLSX_NUMBER)
            lo = hi = x->num;
        else if (x->kind != XLSX_TEXT ||
                 unitdata_parse_value(UNITDATA_TARGET, x->text, -1, &lo, &hi, &code, &why) != 0) {
            free(why);
            return false;
        }
        return fabs(lo - ind->target_lo) < 1e-9 && fabs(hi - ind->target_hi) < 1e-9;
    }
    const char *want = col == COL_KODE        ? ind->code
                       : col == COL_SASARAN   ? ind->sasaran
                       : col == COL_INDIKATOR ? ind->indikator
                       : col == COL_SATUAN    ? ind->satuan
                                              : pk_dir_name(ind->dir);
    if (x->kind != XLSX_TEXT)
        return false;
    const char *t = x->text;
    size_t n = strlen(t);
    csvfile_trim(&t, &n);
    return n == strlen(want) && strncmp(t, want, n) == 0;
}

static bool s_check_locked(s_read_t *rd, int row, const pk_indicator_t *ind)
{
    bool ok = true;
    for (int c = COL_KODE; c <= COL_TARGET; c++) {
        const xlsx_cell_t *x = xlsx_cell(rd->s, row, c + 1);
        if (s_same(x, c, ind))
            continue;
        char *got = s_shown(x);
        char want[128];
        if (c == COL_TARGET)
            snprintf(want, sizeof want, "%s", ind->target_text);
        else
            snprintf(want, sizeof want, "%s",
                     c == COL_KODE      ? ind->code
                     : c == COL_SATUAN  ? ind->satuan
                     : c == COL_ARAH    ? pk_dir_name(ind->dir)
                     : c == COL_SASARAN ? ind->sasaran
                                        : ind->indikator);
        s_cell_error(rd, row, c, "locked_cell_changed",
                     "sel terkunci diubah: tertulis \"%s\", padahal nilai Perjanjian Kinerja "
                     "\"%s\" (indikator %s)",
                     got, want, ind->code);
        free(got);
        ok = false;
    }
    return ok;
}

static unitdata_value_t s_value_kind(int col)
{
    return col == COL_REALISASI ? UNITDATA_REALISASI : UNITDATA_MONEY;
}

/* Reads number cell col of row into *out; false after reporting (absent: *has false). */
static bool s_input_number(s_read_t *rd, int row, int col, bool *has, double *out)
{
    const xlsx_cell_t *x = xlsx_cell(rd->s, row, col + 1);
    *has = false;
    if (!x || (x->kind == XLSX_TEXT && !x->text[strspn(x->text, " \t")]))
        return true;
    if (x->kind == XLSX_DATE) {
        s_cell_error(rd, row, col, "date_not_number",
                     "sel berisi tanggal atau waktu, bukan angka; ubah format selnya menjadi "
                     "angka (Number) lalu tulis nilainya");
        return false;
    }
    if (x->kind == XLSX_BOOL || x->kind == XLSX_ERROR) {
        s_cell_error(rd, row, col, "bad_number", "nilai \"%s\" bukan angka yang sah", x->text);
        return false;
    }
    double hi;
    const char *code = "negative_value";
    char *why = NULL;
    if (x->kind == XLSX_NUMBER) {
        *out = x->num;
        if (x->num < 0 && col != COL_REALISASI)
            why = xasprintf("nilai \"%s\" tidak boleh negatif", x->text);
    } else if (unitdata_parse_value(s_value_kind(col), x->text, rd->decimal_comma, out, &hi, &code,
                                    &why) != 0 &&
               !why) {
        why = xstrdup("bukan angka yang sah");
    }
    if (why) {
        s_cell_error(rd, row, col, code, "%s", why);
        free(why);
        return false;
    }
    *has = true;
    return true;
}

static char *s_input_text(s_read_t *rd, int row, int col, bool *ok)
{
    const xlsx_cell_t *x = xlsx_cell(rd->s, row, col + 1);
    if (!x)
        return xstrdup("");
    char *t = x->kind == XLSX_NUMBER ? s_shown(x) : csvfile_trimmed_dup(x->text, strlen(x->text));
    if (strlen(t) > UNITDATA_MAX_TEXT || !text_is_clean(t, strlen(t), false)) {
        s_cell_error(rd, row, col, "too_long",
                     "isi sel terlalu panjang (paling banyak %d byte) atau memuat karakter yang "
                     "tidak diizinkan",
                     UNITDATA_MAX_TEXT);
        *ok = false;
    }
    return t;
}

/* Reads the input cells of the indicator in row into a unitdata row. */
static void s_read_indicator(s_read_t *rd, int row, const pk_indicator_t *ind)
{
    bool ok = s_check_locked(rd, row, ind);
    unitdata_row_t r = {.line = row, .dir = ind->dir, .formula = ind->formula};
    bool has_real;
    bool real_ok = s_input_number(rd, row, COL_REALISASI, &has_real, &r.realisasi);
    ok &= real_ok;
    ok &= s_input_number(rd, row, COL_PAGU, &r.has_pagu, &r.pagu);
    ok &= s_input_number(rd, row, COL_ANGGARAN, &r.has_realisasi_anggaran, &r.realisasi_anggaran);
    if (real_ok && !has_real) {
        s_cell_error(rd, row, COL_REALISASI, "missing_value",
                     "realisasi indikator %s (\"%s\") wajib diisi", ind->code, ind->indikator);
        ok = false;
    }
    r.penjelasan = s_input_text(rd, row, COL_PENJELASAN, &ok);
    r.faktor_pendukung = s_input_text(rd, row, COL_PENDUKUNG, &ok);
    r.faktor_penghambat = s_input_text(rd, row, COL_PENGHAMBAT, &ok);
    r.upaya = s_input_text(rd, row, COL_UPAYA, &ok);
    if (!ok) {
        unitdata_row_clear(&r);
        return;
    }
    char buf[64];
    r.unit = xstrdup(ind->unit_code);
    r.code = xstrdup(ind->code);
    r.sasaran = xstrdup(ind->sasaran);
    r.indikator = xstrdup(ind->indikator);
    r.satuan = xstrdup(ind->satuan);
    r.target_lo = ind->target_lo;
    r.target_hi = ind->target_hi;
    r.target_text = xstrdup(ind->target_text);
    const xlsx_cell_t *x = xlsx_cell(rd->s, row, COL_REALISASI + 1);
    r.realisasi_text = x->kind == XLSX_TEXT
                           ? csvfile_trimmed_dup(x->text, strlen(x->text))
                           : xstrdup(idfmt_number_trim(r.realisasi, 6, buf, sizeof buf));
    unitdata_add_row(rd->ud, &r);
}

/* The decimal convention of the text cells of the number columns. */
static void s_detect_decimal(s_read_t *rd, int last_row)
{
    int seen[2] = {0, 0};
    for (int r = S_FIRST_ROW; r <= last_row; r++)
        for (int c = COL_REALISASI; c <= COL_ANGGARAN; c++) {
            const xlsx_cell_t *x = xlsx_cell(rd->s, r, c + 1);
            if (!x || x->kind != XLSX_TEXT)
                continue;
            int vote = unitdata_value_vote(s_value_kind(c), x->text);
            if (vote >= 0)
                seen[vote]++;
        }
    rd->decimal_comma = seen[1] && !seen[0] ? 1 : seen[0] && !seen[1] ? 0 : -1;
}

/* Anything in a row below the PK's indicators. */
static void s_check_extra(s_read_t *rd, int first_extra)
{
    for (int r = first_extra; r <= rd->s->max_row; r++)
        for (int c = 0; c < COL_N; c++)
            if (xlsx_cell(rd->s, r, c + 1)) {
                s_cell_error(rd, r, c, "extra_row",
                             "baris tambahan di luar Perjanjian Kinerja; indikator baru hanya "
                             "dapat ditambahkan lewat Perjanjian Kinerja (lkip pk import)");
                break;
            }
}

static void s_read_rows(s_read_t *rd)
{
    int n = 0;
    for (int i = 0; i < rd->pk->n; i++)
        n += strcasecmp(rd->pk->ind[i].unit_code, rd->expect->unit_code) == 0;
    s_detect_decimal(rd, S_FIRST_ROW + n - 1);
    int row = S_FIRST_ROW;
    for (int i = 0; i < rd->pk->n; i++) {
        const pk_indicator_t *ind = &rd->pk->ind[i];
        if (strcasecmp(ind->unit_code, rd->expect->unit_code) == 0)
            s_read_indicator(rd, row++, ind);
    }
    s_check_extra(rd, row);
}

/* Reads the opened workbook into rd->ud. */
static void s_read_book(s_read_t *rd, xlsx_t *x, unitfmt_info_t *info)
{
    s_read_info(x, info);
    s_info_defaults(info);
    if (!s_check_info(rd, info))
        return;
    xlsx_sheet_t *s = NULL;
    const char *code;
    char *why = NULL;
    int rc = xlsx_read_sheet(x, UNITFMT_SHEET, &s, &code, &why);
    if (rc == -ENOENT)
        s_file_error(rd, "layout_changed",
                     "lembar \"%s\" tidak ada; jangan mengganti nama lembar format", UNITFMT_SHEET);
    else if (rc != 0)
        s_file_error(rd, code, "%s", why);
    free(why);
    if (!s)
        return;
    rd->s = s;
    if (s_check_header(rd))
        s_read_rows(rd);
    xlsx_sheet_destroy(&s);
}

int unitfmt_read_info(const void *data, size_t len, unitfmt_info_t *info)
{
    memset(info, 0, sizeof *info);
    xlsx_t *x = NULL;
    const char *code;
    char *why = NULL;
    if (xlsx_open(data, len, NULL, &x, &code, &why) == 0)
        s_read_info(x, info);
    free(why);
    xlsx_destroy(&x);
    s_info_defaults(info);
    return info->found ? 0 : -ENOENT;
}

unitdata_t *unitfmt_read(const void *data, size_t len, const unitfmt_expect_t *expect,
                         const pk_t *pk, unitfmt_info_t *info)
{
    unitdata_t *ud = unitdata_new();
    unitfmt_info_t own = {0};
    if (!info)
        info = &own;
    memset(info, 0, sizeof *info);
    s_read_t rd = {.ud = ud, .expect = expect, .pk = pk, .decimal_comma = -1};
    xlsx_t *x = NULL;
    const char *code;
    char *why = NULL;
    if (xlsx_open(data, len, NULL, &x, &code, &why) != 0) {
        unitdata_add_error(ud, 0, 0, "", "", code, why);
        free(why);
    } else {
        s_read_book(&rd, x, info);
        xlsx_destroy(&x);
    }
    unitfmt_info_clear(&own);
    return ud;
}
