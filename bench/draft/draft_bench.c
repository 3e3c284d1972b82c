/* lkip-draft-bench — how long the LKIP draft takes to write, and a sample of it to look at.
 *
 * Builds an analysis fixture (tests/fixture/afix.h: by default 300 indicators across 12 units;
 * --edge: the data/ sample with every special case), renders the draft (draft.h) as DOCX and
 * PDF --repeat times and prints the wall-clock and CPU time of each run and the best wall
 * clock, never judged here (a phase of scripts/bench.sh). --out DIR also writes DIR/draft.docx,
 * DIR/draft.pdf and DIR/expect.txt: one line per string the document must contain (chapter titles,
 * indicator names, capaian in Indonesian format), which scripts/check-office.sh looks for in
 * LibreOffice's rendering of the DOCX. */
#include "../../tests/fixture/afix.h"
#include "docpdf.h"
#include "draft.h"
#include "idfmt.h"

#include <getopt.h>
#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* CPU time of this process: on a shared machine it says more than the wall clock. */
static double s_cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static int s_write(const char *dir, const char *name, const void *data, size_t len)
{
    char *path = xasprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    int rc = f && fwrite(data, 1, len, f) == len ? 0 : -1;
    if (f && fclose(f) != 0)
        rc = -1;
    if (rc)
        fprintf(stderr, "lkip-draft-bench: could not write \"%s\"\n", path);
    free(path);
    return rc;
}

/* The strings any rendering of the draft must show. */
static char *s_expect(const analysis_t *a)
{
    static const char *const titles[] = {"KATA PENGANTAR",
                                         "IKHTISAR EKSEKUTIF",
                                         "BAB I PENDAHULUAN",
                                         "BAB II PERENCANAAN KINERJA",
                                         "BAB III AKUNTABILITAS KINERJA",
                                         "BAB IV PENUTUP"};
    strbuf_t b = {0};
    for (size_t t = 0; t < ARRAY_LEN(titles); t++)
        strbuf_printf(&b, "%s\n", titles[t]);
    for (int i = 0; i < a->n_indicators; i++) {
        const analysis_indicator_t *ind = &a->indicators[i];
        char c[48];
        strbuf_printf(&b, "%s\n", ind->indikator);
        if (ind->submitted && ind->capaian.rated)
            strbuf_printf(&b, "%s\n", idfmt_percent(ind->capaian.percent, c, sizeof c));
    }
    return strbuf_take(&b);
}

static int s_save(const char *dir, const analysis_t *a, const draft_output_t *out)
{
    char *expect = s_expect(a);
    int rc = s_write(dir, "draft.docx", out->docx, out->docx_len);
    if (!rc)
        rc = s_write(dir, "draft.pdf", out->pdf, out->pdf_len);
    if (!rc)
        rc = s_write(dir, "expect.txt", expect, strlen(expect));
    free(expect);
    return rc;
}

int main(int argc, char **argv)
{
    int n = 300, units = 12, repeat = 3;
    bool edge = false;
    const char *out_dir = NULL;
    static const struct option opts[] = {{"indicators", required_argument, NULL, 'n'},
                                         {"units", required_argument, NULL, 'u'},
                                         {"repeat", required_argument, NULL, 'r'},
                                         {"out", required_argument, NULL, 'o'},
                                         {"edge", no_argument, NULL, 'e'},
                                         {NULL, 0, NULL, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'n')
            n = atoi(optarg);
        else if (c == 'u')
            units = atoi(optarg);
        else if (c == 'r')
            repeat = atoi(optarg);
        else if (c == 'o')
            out_dir = optarg;
        else if (c == 'e')
            edge = true;
        else
            return 2;
    }
    if (n < 1 || units < 1 || units > n || repeat < 1) {
        fprintf(stderr, "usage: lkip-draft-bench [--indicators N] [--units U] [--repeat K] "
                        "[--edge] [--out DIR]\n");
        return 2;
    }
    xmlInitParser();
    analysis_t *a = edge ? afix_edge() : afix_synthetic(n, units, 2026);
    draft_opts_t o = {.kota = "Gorontalo", .year = 2026, .month = 12, .day = 2, .draft = true};
    int64_t best = -1;
    int rc = 0;
    for (int r = 0; r < repeat && !rc; r++) {
        draft_output_t out;
        int64_t t0 = monotonic_ms();
        double cpu0 = s_cpu_ms();
        rc = draft_render(a, &o, &out);
        int64_t ms = monotonic_ms() - t0;
        double cpu = s_cpu_ms() - cpu0;
        if (rc) {
            fprintf(stderr, "lkip-draft-bench: draft_render failed (%d)\n", rc);
            break;
        }
        printf("draft %d indicators, %d units: %lld ms (CPU %.0f ms; DOCX %zu bytes, PDF %zu "
               "bytes, %d pages)\n",
               a->n_indicators, a->n_units, (long long)ms, cpu, out.docx_len, out.pdf_len,
               out.pdf_pages);
        best = best < 0 || ms < best ? ms : best;
        if (out_dir && r == 0)
            rc = s_save(out_dir, a, &out);
        draft_output_free(&out);
    }
    if (!rc)
        printf("draft generation time, best of %d: %lld ms\n", repeat, (long long)best);
    afix_free(&a);
    docpdf_release_fonts(true);
    xmlCleanupParser();
    return rc ? 1 : 0;
}
