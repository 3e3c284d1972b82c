/* analysis — see analysis.h. The computation runs in three passes: indicators (identity from
 * the PK, this year's values from the units' rows, earlier years, Renstra, budget), then the
 * groups over them (sasaran, units), then the totals. */
#include "analysis.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define S_UNRATED ((capaian_t){.rated = false, .percent = 0.0})

static char *s_dup(const char *s)
{
    return xstrdup(s ? s : "");
}

static capaian_t s_rated(double percent)
{
    return (capaian_t){.rated = true, .percent = percent};
}

/* ---- indicators --------------------------------------------------------------------------- */

/* The state of one computation. */
typedef struct {
    const analysis_input_t *in;
    analysis_t *a;
    int cap;
    bool *used; /* per input row: it became an indicator */
} s_calc_t;

static analysis_indicator_t *s_new_indicator(s_calc_t *c)
{
    analysis_t *a = c->a;
    if (a->n_indicators == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 32;
        a->indicators = xrealloc(a->indicators, (size_t)c->cap * sizeof *a->indicators);
    }
    analysis_indicator_t *x = &a->indicators[a->n_indicators++];
    memset(x, 0, sizeof *x);
    return x;
}

static const char *s_unit_name(const analysis_input_t *in, const char *code)
{
    for (int i = 0; i < in->n_units; i++)
        if (strcmp(in->units[i].code, code) == 0)
            return in->units[i].name;
    return "";
}

/* The first unused row of unit_code with ind's code, else with its indikator; -1 when none. */
static int s_find_row(const s_calc_t *c, const pk_indicator_t *ind)
{
    const analysis_input_t *in = c->in;
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < in->n_rows; i++) {
            const unitdata_row_t *r = in->rows[i].row;
            if (c->used[i] || strcmp(in->rows[i].unit_code, ind->unit_code) != 0)
                continue;
            if (pass == 0 ? strcasecmp(r->code, ind->code) == 0
                          : !*r->code && strcasecmp(r->indikator, ind->indikator) == 0)
                return i;
        }
    return -1;
}

/* This year's values of x from row (submitted). */
static void s_this_year(analysis_indicator_t *x, const unitdata_row_t *row)
{
    x->submitted = true;
    x->realisasi_text = s_dup(row->realisasi_text);
    x->realisasi = row->realisasi;
    x->capaian = capaian_compute(x->dir, x->formula, x->target_lo, x->target_hi, x->realisasi);
    x->has_anggaran = row->has_pagu && row->has_realisasi_anggaran;
    x->pagu = row->has_pagu ? row->pagu : 0.0;
    x->realisasi_anggaran = row->has_realisasi_anggaran ? row->realisasi_anggaran : 0.0;
    if (x->has_anggaran && x->pagu > 0)
        x->serapan = s_rated(x->realisasi_anggaran * 100.0 / x->pagu);
    /* LKIP.md: (1 - serapan / capaian) x 100; undefined at capaian 0 or not rateable */
    if (x->serapan.rated && x->capaian.rated && x->capaian.percent > 0)
        x->efisiensi = s_rated((1.0 - x->serapan.percent / x->capaian.percent) * 100.0);
    x->penjelasan = s_dup(row->penjelasan);
    x->faktor_pendukung = s_dup(row->faktor_pendukung);
    x->faktor_penghambat = s_dup(row->faktor_penghambat);
    x->upaya = s_dup(row->upaya);
}

/* The empty strings of an indicator without data. */
static void s_not_sent(analysis_indicator_t *x)
{
    x->realisasi_text = s_dup("");
    x->penjelasan = s_dup("");
    x->faktor_pendukung = s_dup("");
    x->faktor_penghambat = s_dup("");
    x->upaya = s_dup("");
}

/* The bound of a target to reach: the upper one for naik, the lower for turun. */
static double s_bound(capaian_dir_t dir, double lo, double hi)
{
    return dir == CAPAIAN_LOWER ? lo : hi;
}

/* The later past entry for code and year, or NULL. */
static const analysis_past_t *s_past(const analysis_input_t *in, const char *code, int year)
{
    const analysis_past_t *found = NULL;
    for (int i = 0; *code && i < in->n_past; i++)
        if (in->past[i].year == year && strcasecmp(in->past[i].code, code) == 0)
            found = &in->past[i];
    return found;
}

static void s_history_year(const analysis_input_t *in, const analysis_indicator_t *x,
                           const pk_indicator_t *ind, int year, analysis_year_t *h)
{
    *h = (analysis_year_t){.year = year, .source = ANALYSIS_SRC_NONE};
    const pk_year_t *py = ind ? pk_year(ind, year) : NULL;
    const analysis_past_t *past = s_past(in, x->code, year);
    double lo = 0, hi = 0;
    if (py && py->has_target) {
        h->has_target = true;
        lo = py->target_lo;
        hi = py->target_hi;
    }
    if (past) {
        h->source = ANALYSIS_SRC_LKIP;
        h->has_realisasi = true;
        h->realisasi = past->realisasi;
        if (past->has_target) {
            h->has_target = true;
            lo = past->target_lo;
            hi = past->target_hi;
        }
    } else if (py && py->has_realisasi) {
        h->source =
            in->pk && year == in->pk->baseline_year ? ANALYSIS_SRC_BASELINE : ANALYSIS_SRC_PK;
        h->has_realisasi = true;
        h->realisasi = py->realisasi;
    }
    h->target = s_bound(x->dir, lo, hi);
    if (h->has_realisasi && h->has_target)
        h->capaian = capaian_compute(x->dir, x->formula, lo, hi, h->realisasi);
}

/* The first year of the history: the baseline year, else the year before the Renstra, else the
 * earliest finished LKIP of the code. */
static int s_history_from(const analysis_input_t *in, const char *code)
{
    const pk_t *pk = in->pk;
    if (pk && pk->baseline_year)
        return pk->baseline_year;
    if (pk && pk->renstra_first)
        return pk->renstra_first - 1;
    int first = 0;
    for (int i = 0; *code && i < in->n_past; i++)
        if (strcasecmp(in->past[i].code, code) == 0 && in->past[i].year < in->year &&
            (!first || in->past[i].year < first))
            first = in->past[i].year;
    return first;
}

static void s_history(const analysis_input_t *in, analysis_indicator_t *x,
                      const pk_indicator_t *ind)
{
    int from = s_history_from(in, x->code);
    if (!from || from >= in->year || !*x->code)
        return;
    x->n_history = in->year - from;
    x->history = xcalloc((size_t)x->n_history, sizeof *x->history);
    for (int k = 0; k < x->n_history; k++)
        s_history_year(in, x, ind, from + k, &x->history[k]);
}

static void s_renstra(const analysis_input_t *in, analysis_indicator_t *x,
                      const pk_indicator_t *ind)
{
    const pk_t *pk = in->pk;
    x->renstra_first = pk ? pk->renstra_first : 0;
    x->renstra_last = pk ? pk->renstra_last : 0;
    const pk_year_t *now = ind ? pk_year(ind, in->year) : NULL;
    const pk_year_t *last = ind && pk ? pk_year(ind, pk->renstra_last) : NULL;
    if (now && now->has_target) {
        x->has_renstra_target = true;
        x->renstra_target = s_bound(x->dir, now->target_lo, now->target_hi);
    }
    if (last && last->has_target) {
        x->has_renstra_final = true;
        x->renstra_final = s_bound(x->dir, last->target_lo, last->target_hi);
        if (x->submitted)
            x->progress =
                capaian_compute(x->dir, x->formula, last->target_lo, last->target_hi, x->realisasi);
    }
}

static void s_from_pk(s_calc_t *c, const pk_indicator_t *ind)
{
    analysis_indicator_t *x = s_new_indicator(c);
    x->code = s_dup(ind->code);
    x->unit_code = s_dup(ind->unit_code);
    x->unit_name = s_dup(*ind->unit_name ? ind->unit_name : s_unit_name(c->in, ind->unit_code));
    x->sasaran = s_dup(ind->sasaran);
    x->indikator = s_dup(ind->indikator);
    x->satuan = s_dup(ind->satuan);
    x->dir = ind->dir;
    x->formula = ind->formula;
    x->target_text = s_dup(ind->target_text);
    x->target_lo = ind->target_lo;
    x->target_hi = ind->target_hi;
    int r = s_find_row(c, ind);
    if (r >= 0) {
        c->used[r] = true;
        s_this_year(x, c->in->rows[r].row);
    } else {
        s_not_sent(x);
    }
    s_history(c->in, x, ind);
    s_renstra(c->in, x, ind);
}

/* A row that matches no PK indicator: its identity from the data. */
static void s_from_row(s_calc_t *c, const analysis_row_in_t *in_row)
{
    const unitdata_row_t *row = in_row->row;
    analysis_indicator_t *x = s_new_indicator(c);
    x->code = s_dup(row->code);
    x->unit_code = s_dup(in_row->unit_code);
    x->unit_name = s_dup(s_unit_name(c->in, in_row->unit_code));
    x->sasaran = s_dup(row->sasaran);
    x->indikator = s_dup(row->indikator);
    x->satuan = s_dup(row->satuan);
    x->dir = row->dir;
    x->formula = row->formula;
    x->target_text = s_dup(row->target_text);
    x->target_lo = row->target_lo;
    x->target_hi = row->target_hi;
    s_this_year(x, row);
    s_history(c->in, x, NULL);
    s_renstra(c->in, x, NULL);
}

static int s_cmp_rows(const void *pa, const void *pb, void *arg)
{
    const analysis_row_in_t *rows = arg;
    int a = *(const int *)pa, b = *(const int *)pb;
    int u = strcmp(rows[a].unit_code, rows[b].unit_code);
    if (u)
        return u;
    return a < b ? -1 : a > b;
}

static void s_indicators(s_calc_t *c)
{
    const analysis_input_t *in = c->in;
    for (int i = 0; in->pk && i < in->pk->n; i++)
        s_from_pk(c, &in->pk->ind[i]);
    /* the rest in unit order, each unit's rows as they came */
    int *order = xcalloc((size_t)(in->n_rows ? in->n_rows : 1), sizeof *order);
    int n = 0;
    for (int i = 0; i < in->n_rows; i++)
        if (!c->used[i])
            order[n++] = i;
    qsort_r(order, (size_t)n, sizeof *order, s_cmp_rows, (void *)in->rows);
    for (int i = 0; i < n; i++)
        s_from_row(c, &in->rows[order[i]]);
    free(order);
    const capaian_scale_t *scale = c->a->scale;
    for (int i = 0; i < c->a->n_indicators; i++)
        c->a->indicators[i].rating = capaian_rating(scale, c->a->indicators[i].capaian);
}

/* ---- groups ------------------------------------------------------------------------------- */

static analysis_group_t *s_group(analysis_group_t **groups, int *n, const char *key,
                                 const char *name)
{
    for (int i = 0; i < *n; i++)
        if (strcmp((*groups)[i].key, key) == 0)
            return &(*groups)[i];
    *groups = xrealloc(*groups, (size_t)(*n + 1) * sizeof **groups);
    analysis_group_t *g = &(*groups)[(*n)++];
    memset(g, 0, sizeof *g);
    g->key = s_dup(key);
    g->name = s_dup(name);
    return g;
}

static void s_group_add(analysis_group_t *g, const analysis_indicator_t *x, int index)
{
    g->indicators = xrealloc(g->indicators, (size_t)(g->n_indicators + 1) * sizeof(int));
    g->indicators[g->n_indicators++] = index;
    if (x->has_anggaran) {
        g->has_anggaran = true;
        g->pagu += x->pagu;
        g->realisasi_anggaran += x->realisasi_anggaran;
    }
}

/* The averages and budget of every group, from its indicators. */
static void s_group_totals(const analysis_t *a, analysis_group_t *g)
{
    capaian_t *values = xcalloc((size_t)(g->n_indicators ? g->n_indicators : 1), sizeof *values);
    for (int k = 0; k < g->n_indicators; k++) {
        values[k] = a->indicators[g->indicators[k]].capaian;
        g->n_rated += values[k].rated;
    }
    g->average = capaian_average(values, (size_t)g->n_indicators, ANALYSIS_AVERAGE_CAP);
    g->rating = capaian_rating(a->scale, g->average);
    g->serapan = g->has_anggaran && g->pagu > 0 ? s_rated(g->realisasi_anggaran * 100.0 / g->pagu)
                                                : S_UNRATED;
    free(values);
}

static void s_groups(const analysis_input_t *in, analysis_t *a)
{
    for (int i = 0; i < in->n_units; i++) {
        const analysis_unit_in_t *u = &in->units[i];
        bool listed = u->has_task || u->submitted;
        for (int k = 0; k < a->n_indicators && !listed; k++)
            listed = strcmp(a->indicators[k].unit_code, u->code) == 0;
        if (listed)
            s_group(&a->units, &a->n_units, u->code, u->name)->submitted = u->submitted;
    }
    for (int k = 0; k < a->n_indicators; k++) {
        const analysis_indicator_t *x = &a->indicators[k];
        analysis_group_t *s = s_group(&a->sasaran, &a->n_sasaran, x->sasaran, x->sasaran);
        s_group_add(s, x, k);
        s->submitted |= x->submitted;
        analysis_group_t *u = s_group(&a->units, &a->n_units, x->unit_code, x->unit_name);
        s_group_add(u, x, k);
    }
    for (int i = 0; i < a->n_sasaran; i++)
        s_group_totals(a, &a->sasaran[i]);
    for (int i = 0; i < a->n_units; i++) {
        s_group_totals(a, &a->units[i]);
        if (!a->units[i].submitted) {
            a->missing_units =
                xrealloc(a->missing_units, (size_t)(a->n_missing_units + 1) * sizeof(char *));
            a->missing_units[a->n_missing_units++] = s_dup(a->units[i].key);
        }
    }
}

/* ---- totals ------------------------------------------------------------------------------- */

static void s_totals(analysis_t *a)
{
    capaian_t *values = xcalloc((size_t)(a->n_indicators ? a->n_indicators : 1), sizeof *values);
    for (int k = 0; k < a->n_indicators; k++) {
        const analysis_indicator_t *x = &a->indicators[k];
        values[k] = x->capaian;
        if (!x->capaian.rated) {
            a->unrated++;
        } else {
            for (int b = 0; b < a->scale->n && b < CAPAIAN_MAX_BANDS; b++)
                if (strcmp(x->rating, a->scale->name[b]) == 0)
                    a->rating_counts[b]++;
        }
        if (x->has_anggaran) {
            a->has_anggaran = true;
            a->pagu += x->pagu;
            a->realisasi_anggaran += x->realisasi_anggaran;
        }
    }
    a->average = capaian_average(values, (size_t)a->n_indicators, ANALYSIS_AVERAGE_CAP);
    a->average_rating = capaian_rating(a->scale, a->average);
    a->serapan = a->has_anggaran && a->pagu > 0 ? s_rated(a->realisasi_anggaran * 100.0 / a->pagu)
                                                : S_UNRATED;
    free(values);
}

analysis_t *analysis_compute(const analysis_input_t *in)
{
    analysis_t *a = xcalloc(1, sizeof *a);
    a->org_code = s_dup(in->org_code);
    a->org_name = s_dup(in->org_name);
    a->period = s_dup(in->period);
    a->year = in->year;
    a->pk_version = in->pk ? in->pk_version : 0;
    a->scale = in->scale ? in->scale : capaian_default_scale();
    s_calc_t c = {.in = in, .a = a};
    c.used = xcalloc((size_t)(in->n_rows ? in->n_rows : 1), sizeof *c.used);
    s_indicators(&c);
    free(c.used);
    s_groups(in, a);
    s_totals(a);
    return a;
}

const char *analysis_source_name(analysis_source_t source)
{
    switch (source) {
    case ANALYSIS_SRC_LKIP:
        return "LKIP";
    case ANALYSIS_SRC_PK:
        return "PK";
    case ANALYSIS_SRC_BASELINE:
        return "baseline";
    default:
        return "";
    }
}

/* ---- freeing ------------------------------------------------------------------------------ */

static void s_indicator_free(analysis_indicator_t *x)
{
    char *strings[] = {x->code,       x->unit_code,        x->unit_name,         x->sasaran,
                       x->indikator,  x->satuan,           x->target_text,       x->realisasi_text,
                       x->penjelasan, x->faktor_pendukung, x->faktor_penghambat, x->upaya};
    for (size_t i = 0; i < ARRAY_LEN(strings); i++)
        free(strings[i]);
    free(x->history);
}

static void s_groups_free(analysis_group_t *groups, int n)
{
    for (int i = 0; i < n; i++) {
        free(groups[i].key);
        free(groups[i].name);
        free(groups[i].indicators);
    }
    free(groups);
}

void analysis_destroy(analysis_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    analysis_t *a = *self_p;
    for (int i = 0; i < a->n_indicators; i++)
        s_indicator_free(&a->indicators[i]);
    free(a->indicators);
    s_groups_free(a->sasaran, a->n_sasaran);
    s_groups_free(a->units, a->n_units);
    for (int i = 0; i < a->n_missing_units; i++)
        free(a->missing_units[i]);
    free(a->missing_units);
    free(a->org_code);
    free(a->org_name);
    free(a->period);
    free(a);
    *self_p = NULL;
}
