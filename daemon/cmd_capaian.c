/* cmd_capaian — the analysis of step 5 (report/analysis.h) for the caller's organisation: per
 * indicator this year's capaian and category, earlier years, the Renstra, serapan and efisiensi
 * and the unit's explanations; summaries per sasaran and unit; the units that sent nothing; and,
 * when asked, the analysis workbook with its chart. Read only. */
#include "cmd.h"

#include "analysis_xlsx.h"
#include "db_analysis.h"
#include "log.h"

#include <stdlib.h>
#include <string.h>

static Lkip__YearResult *s_year(const analysis_year_t *h)
{
    Lkip__YearResult *y = xmalloc(sizeof *y);
    lkip__year_result__init(y);
    y->year = h->year;
    y->source = xstrdup(analysis_source_name(h->source));
    y->has_realisasi = h->has_realisasi;
    y->realisasi = h->realisasi;
    y->has_target = h->has_target;
    y->target = h->target;
    y->rated = h->capaian.rated;
    y->capaian = h->capaian.percent;
    return y;
}

static Lkip__IndicatorResult *s_indicator(const analysis_indicator_t *x)
{
    Lkip__IndicatorResult *r = xmalloc(sizeof *r);
    lkip__indicator_result__init(r);
    r->unit_code = xstrdup(x->unit_code);
    r->sasaran = xstrdup(x->sasaran);
    r->indikator = xstrdup(x->indikator);
    r->satuan = xstrdup(x->satuan);
    r->arah = xstrdup(x->dir == CAPAIAN_LOWER ? "turun" : "naik");
    r->target = xstrdup(x->target_text);
    r->realisasi = xstrdup(x->realisasi_text);
    r->rated = x->capaian.rated;
    r->capaian = x->capaian.percent;
    r->rating = xstrdup(x->rating);
    r->pagu = x->pagu;
    r->realisasi_anggaran = x->realisasi_anggaran;
    r->has_anggaran = x->has_anggaran;
    r->code = xstrdup(x->code);
    r->unit_name = xstrdup(x->unit_name);
    r->submitted = x->submitted;
    r->rumus = xstrdup(x->formula == CAPAIAN_FORMULA_INVERSE ? "T/R" : "2T-R");
    r->target_lo = x->target_lo;
    r->target_hi = x->target_hi;
    r->realisasi_value = x->realisasi;
    r->n_history = (size_t)x->n_history;
    r->history = xcalloc((size_t)(x->n_history ? x->n_history : 1), sizeof *r->history);
    for (int k = 0; k < x->n_history; k++)
        r->history[k] = s_year(&x->history[k]);
    r->renstra_first = x->renstra_first;
    r->renstra_last = x->renstra_last;
    r->has_renstra_target = x->has_renstra_target;
    r->renstra_target = x->renstra_target;
    r->has_renstra_final = x->has_renstra_final;
    r->renstra_final = x->renstra_final;
    r->progress_rated = x->progress.rated;
    r->progress = x->progress.percent;
    r->serapan_rated = x->serapan.rated;
    r->serapan = x->serapan.percent;
    r->efisiensi_rated = x->efisiensi.rated;
    r->efisiensi = x->efisiensi.percent;
    r->penjelasan = xstrdup(x->penjelasan);
    r->faktor_pendukung = xstrdup(x->faktor_pendukung);
    r->faktor_penghambat = xstrdup(x->faktor_penghambat);
    r->upaya = xstrdup(x->upaya);
    return r;
}

static Lkip__GroupResult *s_group(const analysis_group_t *g)
{
    Lkip__GroupResult *r = xmalloc(sizeof *r);
    lkip__group_result__init(r);
    r->key = xstrdup(g->key);
    r->name = xstrdup(g->name);
    r->indicators = g->n_indicators;
    r->rated = g->n_rated;
    r->average_rated = g->average.rated;
    r->average = g->average.percent;
    r->rating = xstrdup(g->rating);
    r->submitted = g->submitted;
    r->has_anggaran = g->has_anggaran;
    r->pagu = g->pagu;
    r->realisasi_anggaran = g->realisasi_anggaran;
    r->serapan_rated = g->serapan.rated;
    r->serapan = g->serapan.percent;
    return r;
}

static Lkip__GroupResult **s_groups(const analysis_group_t *groups, int n, size_t *count)
{
    Lkip__GroupResult **out = xcalloc((size_t)(n ? n : 1), sizeof *out);
    for (int i = 0; i < n; i++)
        out[i] = s_group(&groups[i]);
    *count = (size_t)n;
    return out;
}

/* The whole analysis as a reply message (heap pieces, freed with the reply). */
static Lkip__CapaianReply *s_reply(const analysis_t *a)
{
    Lkip__CapaianReply *c = xmalloc(sizeof *c);
    lkip__capaian_reply__init(c);
    c->n_indicators = (size_t)a->n_indicators;
    c->indicators = xcalloc((size_t)(a->n_indicators ? a->n_indicators : 1), sizeof(void *));
    for (int i = 0; i < a->n_indicators; i++)
        c->indicators[i] = s_indicator(&a->indicators[i]);
    c->average = a->average.percent;
    c->average_rated = a->average.rated;
    c->average_rating = xstrdup(a->average_rating);
    c->n_missing_units = (size_t)a->n_missing_units;
    c->missing_units =
        xcalloc((size_t)(a->n_missing_units ? a->n_missing_units : 1), sizeof *c->missing_units);
    for (int i = 0; i < a->n_missing_units; i++)
        c->missing_units[i] = xstrdup(a->missing_units[i]);
    c->org_code = xstrdup(a->org_code);
    c->org_name = xstrdup(a->org_name);
    c->period = xstrdup(a->period);
    c->year = a->year;
    c->pk_version = a->pk_version;
    c->sasaran = s_groups(a->sasaran, a->n_sasaran, &c->n_sasaran);
    c->units = s_groups(a->units, a->n_units, &c->n_units);
    c->n_rating_counts = (size_t)a->scale->n;
    c->rating_counts = xcalloc((size_t)a->scale->n, sizeof *c->rating_counts);
    for (int i = 0; i < a->scale->n; i++) {
        Lkip__RatingCount *rc = c->rating_counts[i] = xmalloc(sizeof *rc);
        lkip__rating_count__init(rc);
        rc->rating = xstrdup(a->scale->name[i]);
        rc->count = a->rating_counts[i];
    }
    c->unrated = a->unrated;
    c->has_anggaran = a->has_anggaran;
    c->pagu = a->pagu;
    c->realisasi_anggaran = a->realisasi_anggaran;
    c->serapan_rated = a->serapan.rated;
    c->serapan = a->serapan.percent;
    return c;
}

void cmd_capaian(cmd_ctx_t *ctx)
{
    const Lkip__CapaianRequest *r = ctx->req->capaian;
    db_instance_t inst = {0};
    const sopdef_t *def = NULL;
    if (!cmd_instance(ctx, r->instance, false, &inst, &def))
        return;
    analysis_t *a = db_analysis(ctx->db, inst.id);
    if (!a) {
        db_instance_clear(&inst);
        cmd_db_failed(ctx, "analysis");
        return;
    }
    Lkip__CapaianReply *c = s_reply(a);
    ctx->reply->payload_case = LKIP__REPLY__PAYLOAD_CAPAIAN_TABLE;
    ctx->reply->capaian_table = c;
    const char *why = NULL;
    if (r->xlsx && analysis_xlsx_write(a, &c->xlsx.data, &c->xlsx.len, &why) != 0) {
        log_error("analysis workbook of instance %lld: %s", (long long)inst.id, why);
        cmd_reply(ctx, LKIP__STATUS__INTERNAL, "export_failed",
                  "Buku kerja analisis tidak dapat dibuat di server");
    } else {
        cmd_reply(ctx, LKIP__STATUS__OK, "ok", "Capaian kinerja %s/%s: %zu indikator",
                  inst.sop_code, inst.period, c->n_indicators);
    }
    analysis_destroy(&a);
    db_instance_clear(&inst);
}
