/* cli_capaian — `lkip capaian [SOP] [--xlsx BERKAS] [--force]`: the analysis of step 5 as the
 * Kasubag reads it. Per indicator the capaian and its category, then its earlier years (with
 * where each comes from), the Renstra targets and the progress toward the final one, the
 * budget with serapan and efisiensi side by side, and the unit's explanations; then the
 * summaries per sasaran and per unit, the categories, the totals and the units that sent
 * nothing. Numbers the Indonesian way (report/idfmt). --xlsx also saves the analysis workbook. */
#include "cli.h"

#include "clitext.h"

#include "idfmt.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "97,86%", or "-" when not rated. */
static const char *s_pct(bool rated, double v, char *buf, size_t len)
{
    if (!rated)
        snprintf(buf, len, "-");
    else
        idfmt_percent(v, buf, len);
    return buf;
}

static const char *s_num(double v, char *buf, size_t len)
{
    return idfmt_number_trim(v, 4, buf, len);
}

static const char *s_source(const char *source)
{
    if (!strcmp(source, "LKIP"))
        return "LKIP";
    if (!strcmp(source, "PK"))
        return "PK";
    if (!strcmp(source, "baseline"))
        return "baseline";
    return "tidak ada data";
}

static void s_history(const Lkip__IndicatorResult *x)
{
    if (!x->n_history)
        return;
    printf("%14stahun sebelumnya:", "");
    for (size_t k = 0; k < x->n_history; k++) {
        const Lkip__YearResult *y = x->history[k];
        char a[48], b[48], c[48];
        printf("%s %d ", k ? ";" : "", y->year);
        if (!y->has_realisasi)
            printf("-");
        else if (y->has_target)
            printf("%s / target %s = %s", s_num(y->realisasi, a, sizeof a),
                   s_num(y->target, b, sizeof b), s_pct(y->rated, y->capaian, c, sizeof c));
        else
            printf("%s", s_num(y->realisasi, a, sizeof a));
        printf(" (%s)", s_source(y->source));
    }
    printf("\n");
}

static void s_indicator(const Lkip__IndicatorResult *x, int year)
{
    char a[48], b[48], c[48], d[48], name[4 * 44 + 1];
    printf("%-12s %-8s %s %8s %10s %9s  %s\n", x->unit_code, *x->code ? x->code : "-",
           clitext_fit(x->indikator, 44, name, sizeof name), x->target,
           x->submitted ? x->realisasi : "-", s_pct(x->rated, x->capaian, a, sizeof a),
           x->submitted ? x->rating : "Data tidak disampaikan");
    s_history(x);
    if (x->has_renstra_target || x->has_renstra_final) {
        printf("%14sRenstra %d-%d: target %d %s, target akhir %d %s, progres %s\n", "",
               x->renstra_first, x->renstra_last, year,
               x->has_renstra_target ? s_num(x->renstra_target, a, sizeof a) : "-", x->renstra_last,
               x->has_renstra_final ? s_num(x->renstra_final, b, sizeof b) : "-",
               s_pct(x->progress_rated, x->progress, c, sizeof c));
    }
    if (x->has_anggaran)
        printf("%14sanggaran: pagu %s, realisasi %s, serapan %s, efisiensi %s\n", "",
               idfmt_rupiah(x->pagu, a, sizeof a), idfmt_rupiah(x->realisasi_anggaran, b, sizeof b),
               s_pct(x->serapan_rated, x->serapan, c, sizeof c),
               s_pct(x->efisiensi_rated, x->efisiensi, d, sizeof d));
    const char *labels[] = {"penjelasan", "faktor pendukung", "faktor penghambat", "upaya"};
    const char *texts[] = {x->penjelasan, x->faktor_pendukung, x->faktor_penghambat, x->upaya};
    for (int k = 0; k < 4; k++)
        if (*texts[k])
            printf("%14s%s: %s\n", "", labels[k], texts[k]);
}

static void s_groups(const char *title, Lkip__GroupResult *const *g, size_t n, bool units)
{
    printf("%s:\n", title);
    for (size_t i = 0; i < n; i++) {
        char a[48], b[48];
        printf("  %s%s%s%s: %d indikator", units ? g[i]->key : "", units ? " (" : "", g[i]->name,
               units ? ")" : "", g[i]->indicators);
        if (g[i]->average_rated)
            printf(", rata-rata %s (%s)", s_pct(true, g[i]->average, a, sizeof a), g[i]->rating);
        else
            printf(", %s", g[i]->submitted ? "belum dapat dinilai" : "data tidak disampaikan");
        if (g[i]->has_anggaran)
            printf(", serapan %s", s_pct(g[i]->serapan_rated, g[i]->serapan, b, sizeof b));
        printf("\n");
    }
}

static void s_totals(const Lkip__CapaianReply *c)
{
    char a[48], b[48], d[48];
    printf("Kategori:");
    for (size_t i = 0; i < c->n_rating_counts; i++)
        printf("%s %s %d", i ? "," : "", c->rating_counts[i]->rating, c->rating_counts[i]->count);
    printf("; belum dapat dinilai atau tidak dikirim %d\n", c->unrated);
    if (c->average_rated)
        printf("Rata-rata capaian (tiap indikator dibatasi 120%%): %s - %s\n",
               s_pct(true, c->average, a, sizeof a), c->average_rating);
    if (c->has_anggaran)
        printf("Anggaran: pagu %s, realisasi %s, serapan %s\n", idfmt_rupiah(c->pagu, a, sizeof a),
               idfmt_rupiah(c->realisasi_anggaran, b, sizeof b),
               s_pct(c->serapan_rated, c->serapan, d, sizeof d));
    for (size_t i = 0; i < c->n_missing_units; i++)
        printf("Unit %s belum mengirim data.\n", c->missing_units[i]);
}

static void s_print(const Lkip__CapaianReply *c)
{
    char year[16], period[64] = "";
    snprintf(year, sizeof year, "%d", c->year);
    if (strcmp(year, c->period) != 0)
        snprintf(period, sizeof period, " (periode %s)", c->period);
    if (c->pk_version)
        printf("Analisis capaian kinerja tahun %d%s - %s; Perjanjian Kinerja versi %d\n\n", c->year,
               period, c->org_name, c->pk_version);
    else
        printf("Analisis capaian kinerja periode %s - %s; tanpa Perjanjian Kinerja\n\n", c->period,
               c->org_name);
    printf("%-12s %-8s %-44s %8s %10s %9s  %s\n", "UNIT", "KODE", "INDIKATOR", "TARGET",
           "REALISASI", "CAPAIAN", "KATEGORI");
    for (size_t i = 0; i < c->n_indicators; i++)
        s_indicator(c->indicators[i], c->year);
    printf("\n");
    s_groups("Per sasaran", c->sasaran, c->n_sasaran, false);
    s_groups("Per unit", c->units, c->n_units, true);
    printf("\n");
    s_totals(c);
}

int cli_capaian(cli_t *cli, int argc, char **argv)
{
    static const cli_cmd_t me = {"capaian", NULL, "[SOP] [--xlsx BERKAS] [--force]", NULL};
    static const struct option opts[] = {
        {"xlsx", required_argument, NULL, 'x'}, {"force", no_argument, NULL, 'f'}, {0}};
    const char *xlsx = NULL;
    bool force = false;
    int c;
    while ((c = getopt_long(argc, argv, "x:f", opts, NULL)) != -1) {
        if (c == 'x')
            xlsx = optarg;
        else if (c == 'f')
            force = true;
        else
            return cli_bad_option(&me, argc, argv);
    }
    if (optind + 1 < argc)
        return cli_usage(&me, "argumen berlebih \"%s\"", argv[optind + 1]);
    Lkip__CapaianRequest body = LKIP__CAPAIAN_REQUEST__INIT;
    body.instance = optind < argc ? argv[optind] : "";
    body.xlsx = xlsx != NULL;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_CAPAIAN;
    req.capaian = &body;
    Lkip__Envelope *reply;
    int rc = cli_call_for(cli, &req, LKIP__REPLY__PAYLOAD_CAPAIAN_TABLE, &reply);
    if (rc != EXIT_OK)
        return rc;
    Lkip__CapaianReply *t = reply->reply->capaian_table;
    ProtobufCBinaryData book = t->xlsx;
    if (xlsx)
        rc = cli_write_local(xlsx, book.data, book.len, force);
    /* the bytes are in the file; --json shows the analysis without them */
    t->xlsx = (ProtobufCBinaryData){0};
    if (!cli_print_json(cli, reply))
        s_print(t);
    t->xlsx = book;
    if (xlsx && rc == EXIT_OK && !cli->json)
        printf("\nBuku kerja analisis (dengan grafik capaian) disimpan ke %s\n", xlsx);
    wire_free(&reply);
    return rc;
}
