/* draft — see draft.h. One function per part of the document, in the document's order; the
 * words are those of an LKIP written by a careful civil servant, the numbers come from the
 * analysis as they are (no value is recomputed here, only formatted and counted). */
#include "draft.h"

#include "docmd.h"
#include "docpdf.h"
#include "docx.h"
#include "draftchart.h"
#include "idfmt.h"
#include "tmpl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_NOT_SENT  "data tidak disampaikan"
#define S_UNRATED   "belum dapat dinilai"
#define S_EMPTY     "[belum diisi oleh unit kerja]"
#define S_MAX_VARS  32
#define S_MAX_YEARS 3 /* earlier years in a comparison table */
#define S_CHART_W   160.0
#define S_CHART_H   78.0
#define S_HIST_W    120.0
#define S_HIST_H    58.0

typedef struct {
    const analysis_t *a;
    const draft_opts_t *o;
    doc_t *d;
    int chapter;  /* for captions: 0 front matter, 1-4 the chapters, 5 the appendix */
    int n_tables; /* within the chapter */
    int n_charts;
    int *group;  /* per indicator: its sasaran group, -1 when none */
    int *number; /* per indicator: its place in the group, from 1 */
    int n_vars;
    tmpl_var_t vars[S_MAX_VARS];
    char *values[S_MAX_VARS]; /* owned values of vars */
} s_ctx_t;

/* ---- formatting ---------------------------------------------------------------------------- */

static const char *s_or(const char *s, const char *fallback)
{
    return s && s[0] ? s : fallback;
}

static char *s_num(double v, char *buf, size_t len)
{
    return idfmt_number_trim(v, 3, buf, len);
}

/* The target as the PK writes it, in Indonesian format: "80", or a range "80 – 90". */
static char *s_target(const analysis_indicator_t *ind, char *buf, size_t len)
{
    char lo[40], hi[40];
    s_num(ind->target_lo, lo, sizeof lo);
    if (ind->target_lo == ind->target_hi)
        snprintf(buf, len, "%s", lo);
    else
        snprintf(buf, len, "%s \xE2\x80\x93 %s", lo, s_num(ind->target_hi, hi, sizeof hi));
    return buf;
}

/* A value with its satuan for running text: "84,2 indeks", "96%". */
static char *s_with_unit(const char *value, const char *satuan, char *buf, size_t len)
{
    if (strcmp(satuan, "%") == 0)
        snprintf(buf, len, "%s%%", value);
    else
        snprintf(buf, len, "%s%s%s", value, satuan[0] ? " " : "", satuan);
    return buf;
}

static char *s_capaian(capaian_t c, char *buf, size_t len)
{
    if (c.rated)
        return idfmt_percent(c.percent, buf, len);
    snprintf(buf, len, "%s", S_UNRATED);
    return buf;
}

static char *s_label(const s_ctx_t *x, int i, char *buf, size_t len)
{
    snprintf(buf, len, "%d.%d", x->group[i] + 1, x->number[i]);
    return buf;
}

static const char *s_unit_name(const analysis_t *a, const char *code)
{
    for (int u = 0; u < a->n_units; u++) {
        if (strcmp(a->units[u].key, code) == 0)
            return s_or(a->units[u].name, code);
    }
    return code;
}

/* "Tabel 3.2 ..." / "Grafik 3.2 ...": numbered within the chapter (the appendix: "L.1"). */
static void s_caption(s_ctx_t *x, bool table, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void s_caption(s_ctx_t *x, bool table, const char *fmt, ...)
{
    int n = table ? ++x->n_tables : ++x->n_charts;
    doc_text_t *t = doc_para(x->d, DOC_STYLE_CAPTION);
    const char *word = table ? "Tabel" : "Grafik";
    if (x->chapter == 0)
        doc_text_addf(t, 0, "%s %d ", word, n);
    else if (x->chapter == 5)
        doc_text_addf(t, 0, "%s L.%d ", word, n);
    else
        doc_text_addf(t, 0, "%s %d.%d ", word, x->chapter, n);
    strbuf_t b = {0};
    va_list ap;
    va_start(ap, fmt);
    strbuf_vprintf(&b, fmt, ap);
    va_end(ap);
    doc_text_add(t, 0, strbuf_str(&b));
    strbuf_free(&b);
}

static void s_chapter(s_ctx_t *x, int chapter, const char *title)
{
    x->chapter = chapter;
    x->n_tables = 0;
    x->n_charts = 0;
    doc_heading(x->d, 1, title);
}

static void s_paraf(s_ctx_t *x, doc_style_t style, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void s_paraf(s_ctx_t *x, doc_style_t style, const char *fmt, ...)
{
    strbuf_t b = {0};
    va_list ap;
    va_start(ap, fmt);
    strbuf_vprintf(&b, fmt, ap);
    va_end(ap);
    doc_para_text(x->d, style, 0, strbuf_str(&b));
    strbuf_free(&b);
}

/* ---- counts and sentences ------------------------------------------------------------------ */

typedef struct {
    int rated;    /* with a capaian */
    int unrated;  /* sent but "belum dapat dinilai" */
    int not_sent; /* "data tidak disampaikan" */
} s_counts_t;

static s_counts_t s_count(const analysis_t *a)
{
    s_counts_t c = {0};
    for (int i = 0; i < a->n_indicators; i++) {
        const analysis_indicator_t *ind = &a->indicators[i];
        if (!ind->submitted)
            c.not_sent++;
        else if (!ind->capaian.rated)
            c.unrated++;
        else
            c.rated++;
    }
    return c;
}

/* {ringkasan_capaian}: how many indicators, how many rated, their average, the rest. */
static char *s_summary_capaian(const analysis_t *a)
{
    s_counts_t c = s_count(a);
    strbuf_t b = {0};
    if (a->n_indicators == 0) {
        strbuf_printf(&b, "Perjanjian Kinerja Tahun %d belum memuat indikator kinerja.", a->year);
        return strbuf_take(&b);
    }
    char avg[48];
    if (c.rated > 0)
        strbuf_printf(&b,
                      "Dari %d indikator kinerja, %d indikator dapat diukur capaiannya dengan "
                      "rata-rata capaian %s (kategori %s)",
                      a->n_indicators, c.rated, s_capaian(a->average, avg, sizeof avg),
                      s_or(a->average_rating, S_UNRATED));
    else
        strbuf_printf(&b, "Dari %d indikator kinerja, belum ada yang dapat diukur capaiannya",
                      a->n_indicators);
    if (c.unrated > 0)
        strbuf_printf(&b, "; %d indikator belum dapat dinilai", c.unrated);
    if (c.not_sent > 0)
        strbuf_printf(&b, "; %d indikator tidak dapat diukur karena datanya tidak disampaikan",
                      c.not_sent);
    strbuf_puts(&b, ".");
    return strbuf_take(&b);
}

/* {ringkasan_anggaran}: pagu, realisasi and serapan, or why there are none. */
static char *s_summary_anggaran(const analysis_t *a)
{
    char pagu[48], real[48], ser[48];
    if (!a->has_anggaran)
        return xstrdup("Data pagu dan realisasi anggaran belum disampaikan oleh unit kerja.");
    idfmt_rupiah(a->pagu, pagu, sizeof pagu);
    idfmt_rupiah(a->realisasi_anggaran, real, sizeof real);
    if (!a->serapan.rated)
        return xasprintf("Realisasi anggaran Tahun %d sebesar %s dari pagu %s; serapan anggaran "
                         "belum dapat dihitung.",
                         a->year, real, pagu);
    return xasprintf("Realisasi anggaran Tahun %d sebesar %s dari pagu %s, atau serapan "
                     "anggaran %s.",
                     a->year, real, pagu, idfmt_percent(a->serapan.percent, ser, sizeof ser));
}

/* {unit_belum_menyampaikan}: the names of the units that sent nothing, or "tidak ada". */
static char *s_missing_units(const analysis_t *a)
{
    strbuf_t b = {0};
    for (int m = 0; m < a->n_missing_units; m++) {
        if (m > 0)
            strbuf_puts(&b, m == a->n_missing_units - 1 ? " dan " : ", ");
        strbuf_puts(&b, s_unit_name(a, a->missing_units[m]));
    }
    if (b.len == 0)
        strbuf_puts(&b, "tidak ada");
    return strbuf_take(&b);
}

/* The Renstra period "2025–2029", from the first indicator that knows it. */
static char *s_renstra(const analysis_t *a)
{
    for (int i = 0; i < a->n_indicators; i++) {
        const analysis_indicator_t *ind = &a->indicators[i];
        if (ind->renstra_first > 0 && ind->renstra_last > 0)
            return xasprintf("%d\xE2\x80\x93%d", ind->renstra_first, ind->renstra_last);
    }
    return xstrdup("[periode Renstra]");
}

static int s_renstra_last(const analysis_t *a)
{
    for (int i = 0; i < a->n_indicators; i++) {
        if (a->indicators[i].renstra_last > 0)
            return a->indicators[i].renstra_last;
    }
    return 0;
}

static void s_var(s_ctx_t *x, const char *name, char *owned_value)
{
    if (x->n_vars >= S_MAX_VARS) {
        free(owned_value);
        return;
    }
    x->values[x->n_vars] = owned_value;
    x->vars[x->n_vars] = (tmpl_var_t){name, owned_value};
    x->n_vars++;
}

static void s_vars(s_ctx_t *x)
{
    const analysis_t *a = x->a;
    const draft_opts_t *o = x->o;
    char buf[64];
    s_counts_t c = s_count(a);
    s_var(x, "organisasi", xstrdup(s_or(a->org_name, "[Nama Perangkat Daerah]")));
    s_var(x, "kode_organisasi", xstrdup(a->org_code));
    s_var(x, "tahun", xasprintf("%d", a->year));
    s_var(x, "tahun_berikut", xasprintf("%d", a->year + 1));
    s_var(x, "periode", xstrdup(s_or(a->period, "")));
    s_var(x, "renstra", s_renstra(a));
    s_var(x, "kepala_dinas", xstrdup(s_or(o->kepala_nama, "[Nama Kepala Dinas]")));
    s_var(x, "nip", xstrdup(s_or(o->kepala_nip, "[NIP Kepala Dinas]")));
    s_var(x, "jabatan",
          o->kepala_jabatan && o->kepala_jabatan[0]
              ? xstrdup(o->kepala_jabatan)
              : xasprintf("Kepala %s", s_or(a->org_name, "[Perangkat Daerah]")));
    s_var(x, "kota", xstrdup(s_or(o->kota, "[Kota]")));
    s_var(x, "tanggal", xstrdup(idfmt_date(o->year, o->month, o->day, buf, sizeof buf)));
    s_var(x, "jumlah_indikator", xasprintf("%d", a->n_indicators));
    s_var(x, "jumlah_sasaran", xasprintf("%d", a->n_sasaran));
    s_var(x, "jumlah_dinilai", xasprintf("%d", c.rated));
    s_var(x, "rata_rata_capaian", xstrdup(s_capaian(a->average, buf, sizeof buf)));
    s_var(x, "kategori", xstrdup(s_or(a->average_rating, "Belum dapat dinilai")));
    s_var(x, "pagu", xstrdup(idfmt_rupiah(a->pagu, buf, sizeof buf)));
    s_var(x, "realisasi_anggaran", xstrdup(idfmt_rupiah(a->realisasi_anggaran, buf, sizeof buf)));
    s_var(x, "serapan",
          xstrdup(a->has_anggaran && a->serapan.rated
                      ? idfmt_percent(a->serapan.percent, buf, sizeof buf)
                      : "belum dapat dihitung"));
    s_var(x, "unit_belum_menyampaikan", s_missing_units(a));
    s_var(x, "ringkasan_capaian", s_summary_capaian(a));
    s_var(x, "ringkasan_anggaran", s_summary_anggaran(a));
}

static const char *s_value(const s_ctx_t *x, const char *name)
{
    for (int i = 0; i < x->n_vars; i++) {
        if (strcmp(x->vars[i].name, name) == 0)
            return x->vars[i].value;
    }
    return "";
}

/* A template (the organisation's, or the default called name) expanded and appended. */
static void s_template(s_ctx_t *x, const char *own, const char *name)
{
    const char *text = own && own[0] ? own : tmpl_default(name);
    char *expanded = tmpl_expand(text ? text : "", x->vars, (size_t)x->n_vars);
    docmd_append(x->d, expanded, 2, DOC_STYLE_BODY);
    free(expanded);
}

/* ---- cover and front matter ---------------------------------------------------------------- */

static void s_cover(s_ctx_t *x)
{
    const analysis_t *a = x->a;
    doc_para_text(x->d, DOC_STYLE_COVER_TITLE, 0, "LAPORAN KINERJA INSTANSI PEMERINTAH\n(LKIP)");
    s_paraf(x, DOC_STYLE_COVER_TEXT, "TAHUN %d", a->year);
    if (x->o->draft)
        doc_para_text(x->d, DOC_STYLE_COVER_MARK, 0, "DRAFT");
    /* upper case by hand: the names are ASCII in practice, and toupper would mangle UTF-8 */
    char *org = xstrdup(s_value(x, "organisasi"));
    for (char *p = org; *p; p++) {
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
    }
    doc_para_text(x->d, DOC_STYLE_COVER_TEXT, 0, org);
    free(org);
    if (x->o->draft)
        s_paraf(x, DOC_STYLE_COVER_NOTE,
                "Draft disusun otomatis oleh lkip pada %s dari Perjanjian Kinerja dan data "
                "kinerja yang disampaikan unit kerja. Periksa, lengkapi bagian dalam tanda "
                "kurung siku, dan sempurnakan sebelum diajukan.",
                s_value(x, "tanggal"));
}

static void s_signature(s_ctx_t *x)
{
    doc_text_t *t = doc_para(x->d, DOC_STYLE_SIGNATURE);
    doc_text_addf(t, 0, "%s, %s\n%s,\n\n\n\n", s_value(x, "kota"), s_value(x, "tanggal"),
                  s_value(x, "jabatan"));
    doc_text_add(t, DOC_RUN_BOLD, s_value(x, "kepala_dinas"));
    doc_text_addf(t, 0, "\nNIP %s", s_value(x, "nip"));
}

static void s_kata_pengantar(s_ctx_t *x)
{
    doc_section(x->d, DOC_PAGENUM_ROMAN);
    s_chapter(x, 0, "KATA PENGANTAR");
    s_template(x, x->o->kata_pengantar_md, "kata_pengantar");
    s_signature(x);
}

/* The range of band i of the scale: "≥ 91%", "76% s.d. < 91%", "< 51%". */
static char *s_band_range(const capaian_scale_t *sc, int i, char *buf, size_t len)
{
    int n = sc->n < CAPAIAN_MAX_BANDS ? sc->n : CAPAIAN_MAX_BANDS;
    char lo[32], hi[32];
    idfmt_number_trim(sc->min[i], 2, lo, sizeof lo);
    idfmt_number_trim(i > 0 ? sc->min[i - 1] : 0, 2, hi, sizeof hi);
    if (i == 0)
        snprintf(buf, len, "\xE2\x89\xA5 %s%%", lo);
    else if (i == n - 1)
        snprintf(buf, len, "< %s%%", hi);
    else
        snprintf(buf, len, "%s%% s.d. < %s%%", lo, hi);
    return buf;
}

/* The rating bands of the scale with their ranges and counts, then the unrated ones. */
static void s_rating_table(s_ctx_t *x)
{
    const analysis_t *a = x->a;
    const capaian_scale_t *sc = a->scale ? a->scale : capaian_default_scale();
    static const double w[] = {0.6, 2.2, 2.2, 1.4};
    static const doc_align_t al[] = {DOC_ALIGN_CENTER, DOC_ALIGN_LEFT, DOC_ALIGN_LEFT,
                                     DOC_ALIGN_RIGHT};
    s_caption(x, true, "Sebaran Indikator Kinerja menurut Kategori Capaian");
    doc_table(x->d, 4, w, al);
    doc_table_rowv(x->d, DOC_ROW_HEADER, 0,
                   (const char *[]){"No", "Kategori", "Rentang Capaian", "Jumlah Indikator"});
    int n = sc->n < CAPAIAN_MAX_BANDS ? sc->n : CAPAIAN_MAX_BANDS;
    s_counts_t c = s_count(a);
    for (int i = 0; i < n; i++) {
        char no[16], range[96], count[16];
        snprintf(no, sizeof no, "%d", i + 1);
        s_band_range(sc, i, range, sizeof range);
        snprintf(count, sizeof count, "%d", a->rating_counts[i]);
        doc_table_rowv(x->d, DOC_ROW_BODY, 0, (const char *[]){no, sc->name[i], range, count});
    }
    char u[16], m[16], all[16], no1[16], no2[16];
    snprintf(u, sizeof u, "%d", c.unrated);
    snprintf(m, sizeof m, "%d", c.not_sent);
    snprintf(all, sizeof all, "%d", a->n_indicators);
    snprintf(no1, sizeof no1, "%d", n + 1);
    snprintf(no2, sizeof no2, "%d", n + 2);
    doc_table_rowv(x->d, DOC_ROW_BODY, 0,
                   (const char *[]){no1, "Belum dapat dinilai", "target 0 atau tidak terukur", u});
    doc_table_rowv(x->d, DOC_ROW_BODY, 0, (const char *[]){no2, "Data tidak disampaikan", "-", m});
    doc_table_rowv(x->d, DOC_ROW_BODY, DOC_RUN_BOLD, (const char *[]){"", "Jumlah", "", all});
}

/* Per sasaran: how many indicators, their average and its rating. */
static void s_sasaran_summary_table(s_ctx_t *x)
{
    static const double w[] = {0.6, 4.0, 1.2, 1.3, 1.5};
    static const doc_align_t al[] = {DOC_ALIGN_CENTER, DOC_ALIGN_LEFT, DOC_ALIGN_RIGHT,
                                     DOC_ALIGN_RIGHT, DOC_ALIGN_LEFT};
    s_caption(x, true, "Capaian Kinerja per Sasaran Strategis Tahun %d", x->a->year);
    doc_table(x->d, 5, w, al);
    doc_table_rowv(x->d, DOC_ROW_HEADER, 0,
                   (const char *[]){"No", "Sasaran Strategis", "Jumlah Indikator",
                                    "Rata-rata Capaian", "Kategori"});
    for (int g = 0; g < x->a->n_sasaran; g++) {
        const analysis_group_t *grp = &x->a->sasaran[g];
        char no[16], n[16], avg[48];
        snprintf(no, sizeof no, "%d", g + 1);
        snprintf(n, sizeof n, "%d", grp->n_indicators);
        s_capaian(grp->average, avg, sizeof avg);
        doc_table_rowv(x->d, DOC_ROW_BODY, 0,
                       (const char *[]){no, grp->name, n, avg,
                                        grp->average.rated ? s_or(grp->rating, "-") : "-"});
    }
}

static void s_ikhtisar(s_ctx_t *x)
{
    const analysis_t *a = x->a;
    doc_page_break(x->d);
    s_chapter(x, 0, "IKHTISAR EKSEKUTIF");
    s_paraf(x, DOC_STYLE_BODY,
            "Laporan Kinerja Instansi Pemerintah (LKIP) %s Tahun %d merupakan wujud "
            "pertanggungjawaban atas pencapaian sasaran strategis yang ditetapkan dalam "
            "Perjanjian Kinerja Tahun %d. Kinerja diukur melalui %d indikator kinerja pada %d "
            "sasaran strategis.",
            s_value(x, "organisasi"), a->year, a->year, a->n_indicators, a->n_sasaran);
    doc_para_text(x->d, DOC_STYLE_BODY, 0, s_value(x, "ringkasan_capaian"));
    s_rating_table(x);
    if (a->n_sasaran > 0)
        s_sasaran_summary_table(x);
    doc_para_text(x->d, DOC_STYLE_BODY, 0, s_value(x, "ringkasan_anggaran"));
    if (a->n_missing_units > 0)
        s_paraf(x, DOC_STYLE_BODY,
                "Unit kerja yang belum menyampaikan data kinerja sampai draft ini disusun: %s. "
                "Indikator kinerja unit tersebut dicantumkan dengan keterangan \"%s\" dan tidak "
                "diperhitungkan dalam rata-rata capaian.",
                s_value(x, "unit_belum_menyampaikan"), S_NOT_SENT);
    doc_para_text(x->d, DOC_STYLE_BODY, 0,
                  "Uraian capaian setiap indikator, perbandingannya dengan tahun-tahun "
                  "sebelumnya dan dengan target Rencana Strategis, faktor pendukung dan "
                  "penghambatnya, serta realisasi anggaran disajikan pada Bab III.");
}

/* ---- Bab I and Bab II ---------------------------------------------------------------------- */

static void s_bab1(s_ctx_t *x)
{
    doc_section(x->d, DOC_PAGENUM_ARABIC);
    s_chapter(x, 1, "BAB I PENDAHULUAN");
    s_template(x, x->o->profile_md, "profil");
}

/* The realisasi of the Renstra baseline, when the history has it. */
static const analysis_year_t *s_baseline(const analysis_indicator_t *ind)
{
    for (int h = 0; h < ind->n_history; h++) {
        if (ind->history[h].source == ANALYSIS_SRC_BASELINE && ind->history[h].has_realisasi)
            return &ind->history[h];
    }
    return NULL;
}

/* A group row "Sasaran n: text" before the first indicator of each sasaran. */
static void s_group_row(s_ctx_t *x, int g)
{
    doc_row_t *row = doc_table_row(x->d, DOC_ROW_GROUP);
    doc_text_addf(&row->cells[0], 0, "Sasaran %d: %s", g + 1, x->a->sasaran[g].name);
}

static void s_renstra_table(s_ctx_t *x)
{
    const analysis_t *a = x->a;
    static const double w[] = {0.6, 3.6, 1.0, 1.2, 1.2, 1.2};
    static const doc_align_t al[] = {DOC_ALIGN_CENTER, DOC_ALIGN_LEFT,  DOC_ALIGN_LEFT,
                                     DOC_ALIGN_RIGHT,  DOC_ALIGN_RIGHT, DOC_ALIGN_RIGHT};
    char target[48], final[48];
    snprintf(target, sizeof target, "Target Renstra %d", a->year);
    int last = s_renstra_last(a);
    if (last > 0)
        snprintf(final, sizeof final, "Target Akhir Renstra (%d)", last);
    else
        snprintf(final, sizeof final, "Target Akhir Renstra");
    s_caption(x, true, "Sasaran Strategis, Indikator Kinerja dan Target Renstra %s",
              s_value(x, "renstra"));
    doc_table(x->d, 6, w, al);
    doc_table_rowv(
        x->d, DOC_ROW_HEADER, 0,
        (const char *[]){"No", "Indikator Kinerja", "Satuan", "Kondisi Awal", target, final});
    for (int g = 0; g < a->n_sasaran; g++) {
        s_group_row(x, g);
        for (int j = 0; j < a->sasaran[g].n_indicators; j++) {
            int i = a->sasaran[g].indicators[j];
            const analysis_indicator_t *ind = &a->indicators[i];
            const analysis_year_t *base = s_baseline(ind);
            char no[16], b[64], bv[40], t[48], f[48];
            s_label(x, i, no, sizeof no);
            if (base)
                snprintf(b, sizeof b, "%s (%d)", s_num(base->realisasi, bv, sizeof bv), base->year);
            else
                snprintf(b, sizeof b, "-");
            if (ind->has_renstra_target)
                s_num(ind->renstra_target, t, sizeof t);
            else
                snprintf(t, sizeof t, "-");
            if (ind->has_renstra_final)
                s_num(ind->renstra_final, f, sizeof f);
            else
                snprintf(f, sizeof f, "-");
            doc_table_rowv(x->d, DOC_ROW_BODY, 0,
                           (const char *[]){no, ind->indikator, ind->satuan, b, t, f});
        }
    }
}

/* The Perjanjian Kinerja as a table; full adds the indicator codes and directions (the
 * appendix). */
static void s_pk_table(s_ctx_t *x, bool full)
{
    const analysis_t *a = x->a;
    static const double w_short[] = {0.6, 4.0, 1.0, 1.1, 2.0};
    static const doc_align_t al_short[] = {DOC_ALIGN_CENTER, DOC_ALIGN_LEFT, DOC_ALIGN_LEFT,
                                           DOC_ALIGN_RIGHT, DOC_ALIGN_LEFT};
    static const double w_full[] = {0.6, 1.0, 3.4, 1.0, 0.8, 1.1, 1.8};
    static const doc_align_t al_full[] = {DOC_ALIGN_CENTER, DOC_ALIGN_LEFT, DOC_ALIGN_LEFT,
                                          DOC_ALIGN_LEFT,   DOC_ALIGN_LEFT, DOC_ALIGN_RIGHT,
                                          DOC_ALIGN_LEFT};
    char target[32];
    snprintf(target, sizeof target, "Target %d", a->year);
    s_caption(x, true, "Perjanjian Kinerja Tahun %d", a->year);
    if (full) {
        doc_table(x->d, 7, w_full, al_full);
        doc_table_rowv(x->d, DOC_ROW_HEADER, 0,
                       (const char *[]){"No", "Kode", "Indikator Kinerja", "Satuan", "Arah", target,
                                        "Unit Kerja"});
    } else {
        doc_table(x->d, 5, w_short, al_short);
        doc_table_rowv(x->d, DOC_ROW_HEADER, 0,
                       (const char *[]){"No", "Indikator Kinerja", "Satuan", target, "Unit Kerja"});
    }
    for (int g = 0; g < a->n_sasaran; g++) {
        s_group_row(x, g);
        for (int j = 0; j < a->sasaran[g].n_indicators; j++) {
            int i = a->sasaran[g].indicators[j];
            const analysis_indicator_t *ind = &a->indicators[i];
            char no[16], t[96];
            s_label(x, i, no, sizeof no);
            s_target(ind, t, sizeof t);
            const char *unit = s_or(ind->unit_name, ind->unit_code);
            if (full)
                doc_table_rowv(
                    x->d, DOC_ROW_BODY, 0,
                    (const char *[]){no, s_or(ind->code, "-"), ind->indikator, ind->satuan,
                                     ind->dir == CAPAIAN_LOWER ? "turun" : "naik", t, unit});
            else
                doc_table_rowv(x->d, DOC_ROW_BODY, 0,
                               (const char *[]){no, ind->indikator, ind->satuan, t, unit});
        }
    }
}

static void s_bab2(s_ctx_t *x)
{
    const analysis_t *a = x->a;
    doc_page_break(x->d);
    s_chapter(x, 2, "BAB II PERENCANAAN KINERJA");
    doc_heading(x->d, 2, "A. Rencana Strategis");
    s_paraf(x, DOC_STYLE_BODY,
            "Rencana Strategis (Renstra) %s periode %s menetapkan %d sasaran strategis yang "
            "diukur dengan indikator kinerja beserta kondisi awal dan target tahunannya sampai "
            "akhir periode Renstra, sebagaimana tabel berikut.",
            s_value(x, "organisasi"), s_value(x, "renstra"), a->n_sasaran);
    doc_list(x->d, true);
    for (int g = 0; g < a->n_sasaran; g++)
        doc_text_add(doc_list_item(x->d), 0, a->sasaran[g].name);
    s_renstra_table(x);
    char pk[48] = "";
    if (a->pk_version > 0)
        snprintf(pk, sizeof pk, " (versi %d)", a->pk_version);
    doc_heading(x->d, 2, "B. Perjanjian Kinerja");
    s_paraf(x, DOC_STYLE_BODY,
            "Perjanjian Kinerja Tahun %d%s merupakan penjabaran Renstra untuk tahun berjalan: "
            "janji kinerja %s yang memuat %d indikator kinerja beserta targetnya, dengan unit "
            "kerja penanggung jawab masing-masing, sebagaimana tabel berikut.",
            a->year, pk, s_value(x, "organisasi"), a->n_indicators);
    s_pk_table(x, false);
}

/* ---- Bab III A: capaian per sasaran -------------------------------------------------------- */

static void s_capaian_row(s_ctx_t *x, int i)
{
    const analysis_indicator_t *ind = &x->a->indicators[i];
    doc_row_t *row = doc_table_row(x->d, DOC_ROW_BODY);
    char no[16], t[96], r[48], c[48];
    s_label(x, i, no, sizeof no);
    doc_text_add(&row->cells[0], 0, no);
    doc_text_add(&row->cells[1], 0, ind->indikator);
    if (ind->dir == CAPAIAN_LOWER)
        doc_text_add(&row->cells[1], DOC_RUN_ITALIC, "\n(semakin kecil semakin baik)");
    doc_text_add(&row->cells[2], 0, ind->satuan);
    doc_text_add(&row->cells[3], 0, s_target(ind, t, sizeof t));
    doc_text_add(&row->cells[4], 0,
                 ind->submitted ? s_num(ind->realisasi, r, sizeof r) : S_NOT_SENT);
    doc_text_add(&row->cells[5], 0, ind->submitted ? s_capaian(ind->capaian, c, sizeof c) : "-");
    doc_text_add(&row->cells[6], 0,
                 ind->submitted && ind->capaian.rated ? s_or(ind->rating, "-") : "-");
}

/* The notes under a capaian table: how the special cases in it were counted. */
static void s_capaian_notes(s_ctx_t *x, const analysis_group_t *grp)
{
    bool lower = false, inverse = false, range = false, unrated = false, not_sent = false;
    for (int j = 0; j < grp->n_indicators; j++) {
        const analysis_indicator_t *ind = &x->a->indicators[grp->indicators[j]];
        lower |= ind->dir == CAPAIAN_LOWER && ind->formula == CAPAIAN_FORMULA_STANDARD;
        inverse |= ind->dir == CAPAIAN_LOWER && ind->formula == CAPAIAN_FORMULA_INVERSE;
        range |= ind->target_lo != ind->target_hi;
        unrated |= ind->submitted && !ind->capaian.rated;
        not_sent |= !ind->submitted;
    }
    const struct {
        bool when;
        const char *text;
    } notes[] = {
        {lower, "Indikator yang semakin kecil semakin baik: capaian = (2 \xC3\x97 target "
                "\xE2\x88\x92 realisasi) / target \xC3\x97 100%, paling rendah 0%."},
        {inverse, "Indikator yang semakin kecil semakin baik dengan rumus target/realisasi: "
                  "capaian = target / realisasi \xC3\x97 100%."},
        {range, "Target berupa rentang: realisasi di dalam rentang berarti capaian 100%; "
                "realisasi di atas rentang dibandingkan dengan batas atas, di bawah rentang "
                "dengan batas bawah."},
        {unrated, "Belum dapat dinilai: target bernilai 0 atau rumus capaian tidak dapat "
                  "diterapkan; indikator ini tidak diperhitungkan dalam rata-rata capaian."},
        {not_sent, "Data tidak disampaikan: unit kerja belum menyampaikan realisasi; indikator "
                   "ini tidak diperhitungkan dalam rata-rata capaian."},
    };
    for (size_t k = 0; k < ARRAY_LEN(notes); k++) {
        if (notes[k].when)
            doc_para_text(x->d, DOC_STYLE_NOTE, 0, notes[k].text);
    }
}

static void s_capaian_table(s_ctx_t *x, int g)
{
    static const double w[] = {0.5, 2.9, 1.1, 1.0, 1.1, 1.2, 1.5};
    static const doc_align_t al[] = {DOC_ALIGN_CENTER, DOC_ALIGN_LEFT,  DOC_ALIGN_LEFT,
                                     DOC_ALIGN_RIGHT,  DOC_ALIGN_RIGHT, DOC_ALIGN_RIGHT,
                                     DOC_ALIGN_LEFT};
    const analysis_group_t *grp = &x->a->sasaran[g];
    s_caption(x, true, "Capaian Indikator Kinerja Sasaran %d Tahun %d", g + 1, x->a->year);
    doc_table(x->d, 7, w, al);
    doc_table_rowv(x->d, DOC_ROW_HEADER, 0,
                   (const char *[]){"No", "Indikator Kinerja", "Satuan", "Target", "Realisasi",
                                    "Capaian", "Kategori"});
    for (int j = 0; j < grp->n_indicators; j++)
        s_capaian_row(x, grp->indicators[j]);
    s_capaian_notes(x, grp);
}

/* The most recent earlier years with a realisasi among the indicators of grp, oldest first. */
static int s_years(const analysis_t *a, const analysis_group_t *grp, int *years)
{
    int n = 0;
    for (int j = 0; j < grp->n_indicators; j++) {
        const analysis_indicator_t *ind = &a->indicators[grp->indicators[j]];
        for (int h = 0; h < ind->n_history; h++) {
            int y = ind->history[h].year;
            if (!ind->history[h].has_realisasi || y >= a->year)
                continue;
            /* insert y in order unless present; keep the S_MAX_YEARS latest */
            int k = 0;
            while (k < n && years[k] < y)
                k++;
            if (k < n && years[k] == y)
                continue;
            memmove(years + k + 1, years + k, (size_t)(n - k) * sizeof *years);
            years[k] = y;
            if (++n > S_MAX_YEARS) {
                memmove(years, years + 1, (size_t)(n - 1) * sizeof *years);
                n--;
            }
        }
    }
    return n;
}

static const analysis_year_t *s_year(const analysis_indicator_t *ind, int year)
{
    for (int h = 0; h < ind->n_history; h++) {
        if (ind->history[h].year == year && ind->history[h].has_realisasi)
            return &ind->history[h];
    }
    return NULL;
}

static void s_compare_row(s_ctx_t *x, int i, const int *years, int ny)
{
    const analysis_indicator_t *ind = &x->a->indicators[i];
    doc_row_t *row = doc_table_row(x->d, DOC_ROW_BODY);
    char buf[48];
    int c = 0;
    doc_text_add(&row->cells[c++], 0, s_label(x, i, buf, sizeof buf));
    doc_text_add(&row->cells[c++], 0, ind->indikator);
    for (int y = 0; y < ny; y++) {
        const analysis_year_t *hy = s_year(ind, years[y]);
        doc_text_add(&row->cells[c++], 0, hy ? s_num(hy->realisasi, buf, sizeof buf) : "-");
    }
    doc_text_add(&row->cells[c++], 0,
                 ind->submitted ? s_num(ind->realisasi, buf, sizeof buf) : "-");
    doc_text_add(&row->cells[c++], 0,
                 ind->has_renstra_target ? s_num(ind->renstra_target, buf, sizeof buf) : "-");
    doc_text_add(&row->cells[c++], 0,
                 ind->has_renstra_final ? s_num(ind->renstra_final, buf, sizeof buf) : "-");
    doc_text_add(&row->cells[c++], 0,
                 ind->submitted && ind->progress.rated
                     ? idfmt_percent(ind->progress.percent, buf, sizeof buf)
                     : "-");
}

/* Realisasi of the earlier years and of this year beside the Renstra targets. */
static void s_compare_table(s_ctx_t *x, int g)
{
    const analysis_t *a = x->a;
    const analysis_group_t *grp = &a->sasaran[g];
    int years[S_MAX_YEARS + 1];
    int ny = s_years(a, grp, years), n_cols = 2 + ny + 4;
    double w[2 + S_MAX_YEARS + 4];
    doc_align_t al[2 + S_MAX_YEARS + 4];
    char heads[2 + S_MAX_YEARS + 4][64];
    const char *head[2 + S_MAX_YEARS + 4];
    for (int c = 0; c < n_cols; c++) {
        w[c] = c == 0 ? 0.6 : c == 1 ? 3.0 : 1.0;
        al[c] = c == 0 ? DOC_ALIGN_CENTER : c == 1 ? DOC_ALIGN_LEFT : DOC_ALIGN_RIGHT;
        head[c] = heads[c];
    }
    snprintf(heads[0], sizeof heads[0], "No");
    snprintf(heads[1], sizeof heads[1], "Indikator Kinerja");
    for (int y = 0; y < ny; y++)
        snprintf(heads[2 + y], sizeof heads[2 + y], "Realisasi %d", years[y]);
    int last = s_renstra_last(a);
    snprintf(heads[2 + ny], sizeof heads[0], "Realisasi %d", a->year);
    snprintf(heads[3 + ny], sizeof heads[0], "Target Renstra %d", a->year);
    if (last)
        snprintf(heads[4 + ny], sizeof heads[0], "Target Akhir Renstra (%d)", last);
    else
        snprintf(heads[4 + ny], sizeof heads[0], "Target Akhir Renstra");
    snprintf(heads[5 + ny], sizeof heads[0], "Capaian terhadap Target Akhir");
    s_caption(x, true,
              "Perbandingan Realisasi Sasaran %d dengan Tahun Sebelumnya dan Target "
              "Renstra",
              g + 1);
    doc_table(x->d, n_cols, w, al);
    doc_table_rowv(x->d, DOC_ROW_HEADER, 0, head);
    for (int j = 0; j < grp->n_indicators; j++)
        s_compare_row(x, grp->indicators[j], years, ny);
}

/* ---- Bab III A: each indicator ------------------------------------------------------------- */

/* This year: realisasi against target, capaian and rating, or why there is none. */
static void s_say_capaian(s_ctx_t *x, const analysis_indicator_t *ind, strbuf_t *b)
{
    char r[48], t[96], rs[96], ts[128], c[48];
    int year = x->a->year;
    if (!ind->submitted) {
        strbuf_printf(b,
                      "%s belum menyampaikan realisasi indikator ini untuk Tahun %d (%s), "
                      "sehingga capaiannya belum dapat diukur.",
                      s_or(ind->unit_name, ind->unit_code), year, S_NOT_SENT);
        return;
    }
    s_with_unit(s_num(ind->realisasi, r, sizeof r), ind->satuan, rs, sizeof rs);
    s_with_unit(s_target(ind, t, sizeof t), ind->satuan, ts, sizeof ts);
    strbuf_printf(b, "Realisasi Tahun %d sebesar %s dari target %s", year, rs, ts);
    if (ind->capaian.rated)
        strbuf_printf(b, ", sehingga capaian kinerjanya %s dengan kategori %s.",
                      s_capaian(ind->capaian, c, sizeof c), s_or(ind->rating, "-"));
    else if (ind->target_hi <= 0)
        strbuf_printf(b, "; karena target bernilai 0, capaiannya %s.", S_UNRATED);
    else
        strbuf_printf(b, "; dengan rumus yang berlaku, capaiannya %s.", S_UNRATED);
}

/* Against the most recent earlier year with a realisasi. */
static void s_say_history(s_ctx_t *x, const analysis_indicator_t *ind, strbuf_t *b)
{
    const analysis_year_t *prev = NULL;
    for (int h = 0; h < ind->n_history; h++) {
        if (ind->history[h].has_realisasi && ind->history[h].year < x->a->year)
            prev = &ind->history[h];
    }
    if (!prev || !ind->submitted)
        return;
    char p[48], ps[96], d[48], ds[96], c[48];
    s_with_unit(s_num(prev->realisasi, p, sizeof p), ind->satuan, ps, sizeof ps);
    if (prev->source == ANALYSIS_SRC_BASELINE)
        strbuf_printf(b, " Dibandingkan kondisi awal Renstra Tahun %d (%s", prev->year, ps);
    else
        strbuf_printf(b, " Dibandingkan Tahun %d (realisasi %s", prev->year, ps);
    if (prev->capaian.rated)
        strbuf_printf(b, "; capaian %s", s_capaian(prev->capaian, c, sizeof c));
    double diff = ind->realisasi - prev->realisasi;
    if (diff == 0) {
        strbuf_printf(b, "), realisasi Tahun %d tetap.", x->a->year);
        return;
    }
    bool better = (ind->dir == CAPAIAN_HIGHER) == (diff > 0);
    s_with_unit(s_num(diff > 0 ? diff : -diff, d, sizeof d), ind->satuan, ds, sizeof ds);
    strbuf_printf(b, "), realisasi Tahun %d %s %s, yang berarti kinerja %s.", x->a->year,
                  diff > 0 ? "naik" : "turun", ds, better ? "membaik" : "menurun");
}

/* Toward the final Renstra target. */
static void s_say_renstra(s_ctx_t *x, const analysis_indicator_t *ind, strbuf_t *b)
{
    char f[48], fs[96], c[48];
    if (!ind->has_renstra_final)
        return;
    s_with_unit(s_num(ind->renstra_final, f, sizeof f), ind->satuan, fs, sizeof fs);
    strbuf_printf(b, " Target akhir Renstra Tahun %d sebesar %s", ind->renstra_last, fs);
    if (ind->submitted && ind->progress.rated)
        strbuf_printf(b, "; realisasi Tahun %d telah mencapai %s dari target akhir tersebut.",
                      x->a->year, s_capaian(ind->progress, c, sizeof c));
    else
        strbuf_puts(b, ".");
}

static void s_explanations(s_ctx_t *x, const analysis_indicator_t *ind)
{
    if (!ind->submitted) {
        doc_para_text(x->d, DOC_STYLE_BODY, DOC_RUN_ITALIC,
                      "[Penjelasan, faktor pendukung, faktor penghambat, serta upaya dan rencana "
                      "tindak lanjut dilengkapi setelah unit kerja menyampaikan datanya.]");
        return;
    }
    const char *labels[] = {"Penjelasan: ", "Faktor pendukung: ", "Faktor penghambat: ",
                            "Upaya dan rencana tindak lanjut: "};
    const char *texts[] = {ind->penjelasan, ind->faktor_pendukung, ind->faktor_penghambat,
                           ind->upaya};
    doc_list(x->d, false);
    for (size_t k = 0; k < ARRAY_LEN(labels); k++) {
        doc_text_t *t = doc_list_item(x->d);
        doc_text_add(t, DOC_RUN_BOLD, labels[k]);
        if (texts[k] && texts[k][0])
            doc_text_add(t, 0, texts[k]);
        else
            doc_text_add(t, DOC_RUN_ITALIC, S_EMPTY);
    }
}

static void s_indicator(s_ctx_t *x, int i)
{
    const analysis_indicator_t *ind = &x->a->indicators[i];
    char label[16];
    s_label(x, i, label, sizeof label);
    doc_text_t *lead = doc_para(x->d, DOC_STYLE_LEAD);
    doc_text_addf(lead, 0, "Indikator %s: ", label);
    doc_text_add(lead, 0, ind->indikator);
    strbuf_t b = {0};
    s_say_capaian(x, ind, &b);
    s_say_history(x, ind, &b);
    s_say_renstra(x, ind, &b);
    doc_para_text(x->d, DOC_STYLE_BODY, 0, strbuf_str(&b));
    strbuf_free(&b);
    s_explanations(x, ind);
    chart_t *c = draftchart_history(x->a, i, label);
    if (c) {
        s_caption(x, false, "Realisasi dan Target Indikator %s", label);
        doc_chart(x->d, c, S_HIST_W, S_HIST_H);
    }
}

static void s_sasaran(s_ctx_t *x, int g)
{
    const analysis_group_t *grp = &x->a->sasaran[g];
    char h[64], avg[48];
    snprintf(h, sizeof h, "Sasaran Strategis %d: ", g + 1);
    char *title = xasprintf("%s%s", h, grp->name);
    doc_heading(x->d, 3, title);
    free(title);
    if (grp->average.rated)
        s_paraf(x, DOC_STYLE_BODY,
                "Sasaran ini diukur dengan %d indikator kinerja; %d di antaranya dapat diukur "
                "capaiannya dengan rata-rata %s (kategori %s).",
                grp->n_indicators, grp->n_rated, s_capaian(grp->average, avg, sizeof avg),
                s_or(grp->rating, "-"));
    else
        s_paraf(x, DOC_STYLE_BODY,
                "Sasaran ini diukur dengan %d indikator kinerja, yang capaiannya belum dapat "
                "diukur.",
                grp->n_indicators);
    s_capaian_table(x, g);
    chart_t *c = draftchart_capaian(x->a, g);
    if (c) {
        s_caption(x, false, "Capaian Indikator Kinerja Sasaran %d", g + 1);
        doc_chart(x->d, c, S_CHART_W, S_CHART_H);
    }
    s_compare_table(x, g);
    for (int j = 0; j < grp->n_indicators; j++)
        s_indicator(x, grp->indicators[j]);
}

static void s_bab3a(s_ctx_t *x)
{
    const capaian_scale_t *sc = x->a->scale ? x->a->scale : capaian_default_scale();
    doc_page_break(x->d);
    s_chapter(x, 3, "BAB III AKUNTABILITAS KINERJA");
    doc_heading(x->d, 2, "A. Capaian Kinerja Organisasi");
    s_paraf(x, DOC_STYLE_BODY,
            "Pengukuran kinerja dilakukan dengan membandingkan realisasi dengan target setiap "
            "indikator kinerja dalam Perjanjian Kinerja Tahun %d. Persentase capaian dihitung "
            "dengan rumus realisasi / target \xC3\x97 100%% untuk indikator yang semakin tinggi "
            "semakin baik, dan (2 \xC3\x97 target \xE2\x88\x92 realisasi) / target \xC3\x97 "
            "100%% untuk indikator yang semakin kecil semakin baik.",
            x->a->year);
    strbuf_t b = {0};
    strbuf_puts(&b, "Capaian dikategorikan menurut skala berikut: ");
    int n = sc->n < CAPAIAN_MAX_BANDS ? sc->n : CAPAIAN_MAX_BANDS;
    for (int i = 0; i < n; i++) {
        char range[96];
        strbuf_printf(&b, "%s (%s)%s", sc->name[i], s_band_range(sc, i, range, sizeof range),
                      i == n - 1   ? "."
                      : i == n - 2 ? "; dan "
                                   : "; ");
    }
    doc_para_text(x->d, DOC_STYLE_BODY, 0, strbuf_str(&b));
    strbuf_free(&b);
    doc_para_text(x->d, DOC_STYLE_BODY, 0, s_value(x, "ringkasan_capaian"));
    for (int g = 0; g < x->a->n_sasaran; g++)
        s_sasaran(x, g);
}

/* ---- Bab III B: anggaran ------------------------------------------------------------------- */

static const char *s_rated_percent(capaian_t c, char *buf, size_t len)
{
    return c.rated ? idfmt_percent(c.percent, buf, len) : S_UNRATED;
}

/* Pagu, realisasi, serapan, capaian and efisiensi of every indicator with a budget. */
static void s_budget_table(s_ctx_t *x)
{
    const analysis_t *a = x->a;
    static const double w[] = {0.6, 3.0, 1.6, 1.6, 1.0, 1.0, 1.1};
    static const doc_align_t al[] = {DOC_ALIGN_CENTER, DOC_ALIGN_LEFT,  DOC_ALIGN_RIGHT,
                                     DOC_ALIGN_RIGHT,  DOC_ALIGN_RIGHT, DOC_ALIGN_RIGHT,
                                     DOC_ALIGN_RIGHT};
    s_caption(x, true, "Pagu, Realisasi Anggaran, Serapan dan Efisiensi per Indikator Tahun %d",
              a->year);
    doc_table(x->d, 7, w, al);
    doc_table_rowv(x->d, DOC_ROW_HEADER, 0,
                   (const char *[]){"No", "Indikator Kinerja", "Pagu (Rp)", "Realisasi (Rp)",
                                    "Serapan", "Capaian", "Efisiensi"});
    for (int g = 0; g < a->n_sasaran; g++) {
        for (int j = 0; j < a->sasaran[g].n_indicators; j++) {
            int i = a->sasaran[g].indicators[j];
            const analysis_indicator_t *ind = &a->indicators[i];
            if (!ind->has_anggaran)
                continue;
            char no[16], p[48], r[48], s[48], c[48], e[48];
            s_label(x, i, no, sizeof no);
            doc_table_rowv(
                x->d, DOC_ROW_BODY, 0,
                (const char *[]){no, ind->indikator, idfmt_number(ind->pagu, 0, p, sizeof p),
                                 idfmt_number(ind->realisasi_anggaran, 0, r, sizeof r),
                                 s_rated_percent(ind->serapan, s, sizeof s),
                                 ind->submitted ? s_rated_percent(ind->capaian, c, sizeof c) : "-",
                                 s_rated_percent(ind->efisiensi, e, sizeof e)});
        }
    }
    char p[48], r[48], s[48];
    doc_table_rowv(x->d, DOC_ROW_BODY, DOC_RUN_BOLD,
                   (const char *[]){"", "Jumlah", idfmt_number(a->pagu, 0, p, sizeof p),
                                    idfmt_number(a->realisasi_anggaran, 0, r, sizeof r),
                                    s_rated_percent(a->serapan, s, sizeof s), "", ""});
    doc_para_text(x->d, DOC_STYLE_NOTE, 0,
                  "Serapan = realisasi anggaran / pagu \xC3\x97 100%. Efisiensi = (1 \xE2\x88\x92 "
                  "serapan / capaian) \xC3\x97 100%: bernilai positif bila hasil dicapai dengan "
                  "anggaran yang secara proporsional lebih kecil dari rencana; belum dapat "
                  "dinilai bila capaian 0 atau belum dapat dinilai.");
}

static void s_unit_budget_table(s_ctx_t *x)
{
    const analysis_t *a = x->a;
    static const double w[] = {0.5, 2.8, 1.5, 1.5, 1.0, 1.1, 1.5};
    static const doc_align_t al[] = {DOC_ALIGN_CENTER, DOC_ALIGN_LEFT,  DOC_ALIGN_RIGHT,
                                     DOC_ALIGN_RIGHT,  DOC_ALIGN_RIGHT, DOC_ALIGN_RIGHT,
                                     DOC_ALIGN_LEFT};
    s_caption(x, true, "Serapan Anggaran dan Capaian Kinerja per Unit Kerja Tahun %d", a->year);
    doc_table(x->d, 7, w, al);
    doc_table_rowv(x->d, DOC_ROW_HEADER, 0,
                   (const char *[]){"No", "Unit Kerja", "Pagu (Rp)", "Realisasi (Rp)", "Serapan",
                                    "Rata-rata Capaian", "Kategori"});
    for (int u = 0; u < a->n_units; u++) {
        const analysis_group_t *g = &a->units[u];
        char no[16], name[256], p[48], r[48], s[48], c[48];
        snprintf(no, sizeof no, "%d", u + 1);
        snprintf(name, sizeof name, "%s (%s)", s_or(g->name, g->key), g->key);
        bool money = g->submitted && g->has_anggaran;
        doc_table_rowv(
            x->d, DOC_ROW_BODY, 0,
            (const char *[]){no, name, money ? idfmt_number(g->pagu, 0, p, sizeof p) : "-",
                             money ? idfmt_number(g->realisasi_anggaran, 0, r, sizeof r) : "-",
                             money ? s_rated_percent(g->serapan, s, sizeof s) : "-",
                             g->submitted ? s_capaian(g->average, c, sizeof c) : "-",
                             !g->submitted      ? S_NOT_SENT
                             : g->average.rated ? s_or(g->rating, "-")
                                                : "-"});
    }
}

static void s_bab3b(s_ctx_t *x)
{
    const analysis_t *a = x->a;
    doc_heading(x->d, 2, "B. Realisasi Anggaran");
    s_paraf(x, DOC_STYLE_BODY,
            "Pencapaian sasaran strategis Tahun %d didukung oleh anggaran program dan kegiatan "
            "%s. %s Serapan anggaran disandingkan dengan capaian kinerja dan efisiensinya "
            "agar terlihat apakah hasil dicapai sebanding dengan sumber daya yang digunakan.",
            a->year, s_value(x, "organisasi"), s_value(x, "ringkasan_anggaran"));
    if (a->has_anggaran)
        s_budget_table(x);
    if (a->n_units > 0) {
        s_unit_budget_table(x);
        chart_t *c = draftchart_serapan(a);
        if (c) {
            s_caption(x, false, "Serapan Anggaran dan Capaian Kinerja per Unit Kerja");
            doc_chart(x->d, c, S_CHART_W, S_CHART_H);
        }
    }
}

/* ---- Bab IV and the appendix --------------------------------------------------------------- */

static void s_bab4(s_ctx_t *x)
{
    doc_page_break(x->d);
    s_chapter(x, 4, "BAB IV PENUTUP");
    s_template(x, x->o->penutup_md, "penutup");
}

static void s_lampiran(s_ctx_t *x)
{
    const analysis_t *a = x->a;
    doc_page_break(x->d);
    char *title = xasprintf("LAMPIRAN: PERJANJIAN KINERJA TAHUN %d", a->year);
    s_chapter(x, 5, title);
    free(title);
    s_paraf(x, DOC_STYLE_BODY,
            "Perjanjian Kinerja Tahun %d %s%s memuat sasaran strategis, indikator kinerja dan "
            "target berikut. Arah \"naik\" berarti semakin tinggi realisasi semakin baik; "
            "\"turun\" berarti semakin kecil semakin baik.",
            a->year, s_value(x, "organisasi"), a->pk_version > 0 ? " yang berlaku" : "");
    s_pk_table(x, true);
    doc_para_text(x->d, DOC_STYLE_BODY, DOC_RUN_ITALIC,
                  "[Lampirkan salinan Perjanjian Kinerja yang telah ditandatangani.]");
}

/* ---- the document -------------------------------------------------------------------------- */

/* Every indicator's sasaran and its number within it. */
static void s_number(s_ctx_t *x)
{
    int n = x->a->n_indicators;
    x->group = xcalloc((size_t)n + 1, sizeof *x->group);
    x->number = xcalloc((size_t)n + 1, sizeof *x->number);
    for (int i = 0; i < n; i++)
        x->group[i] = -1;
    for (int g = 0; g < x->a->n_sasaran; g++) {
        for (int j = 0; j < x->a->sasaran[g].n_indicators; j++) {
            int i = x->a->sasaran[g].indicators[j];
            if (i >= 0 && i < n && x->group[i] < 0) {
                x->group[i] = g;
                x->number[i] = j + 1;
            }
        }
    }
}

static void s_meta(s_ctx_t *x)
{
    const draft_opts_t *o = x->o;
    char *title = xasprintf("Laporan Kinerja Instansi Pemerintah %s Tahun %d%s",
                            s_value(x, "organisasi"), x->a->year, o->draft ? " (DRAFT)" : "");
    char *created = xasprintf("%04d-%02d-%02dT00:00:00Z", o->year, o->month, o->day);
    char *header = o->draft ? xasprintf("DRAFT \xE2\x80\x93 LKIP Tahun %d \xE2\x80\x93 disusun "
                                        "otomatis oleh lkip, %s",
                                        x->a->year, s_value(x, "tanggal"))
                            : xstrdup("");
    doc_set_meta(x->d, title, s_value(x, "organisasi"), created, header, "id-ID");
    free(title);
    free(created);
    free(header);
}

doc_t *draft_build(const analysis_t *a, const draft_opts_t *opts)
{
    draft_opts_t none = {0};
    s_ctx_t x = {.a = a, .o = opts ? opts : &none, .d = doc_new()};
    s_number(&x);
    s_vars(&x);
    s_meta(&x);
    s_cover(&x);
    s_kata_pengantar(&x);
    s_ikhtisar(&x);
    s_bab1(&x);
    s_bab2(&x);
    s_bab3a(&x);
    s_bab3b(&x);
    s_bab4(&x);
    s_lampiran(&x);
    for (int i = 0; i < x.n_vars; i++)
        free(x.values[i]);
    free(x.group);
    free(x.number);
    return x.d;
}

int draft_render(const analysis_t *a, const draft_opts_t *opts, draft_output_t *out)
{
    *out = (draft_output_t){0};
    doc_t *d = draft_build(a, opts);
    int rc = docx_render(d, &out->docx, &out->docx_len);
    if (!rc)
        rc = docpdf_render(d, &out->pdf, &out->pdf_len, &out->pdf_pages);
    doc_destroy(&d);
    if (rc)
        draft_output_free(out);
    return rc;
}

void draft_output_free(draft_output_t *out)
{
    if (!out)
        return;
    free(out->docx);
    free(out->pdf);
    *out = (draft_output_t){0};
}
