/* lkip-xlsx-bench — how long reading a returned unit format takes: makes a Perjanjian Kinerja of
 * 500 indicators for one unit, writes its format filled in (every realisasi, budget and
 * explanation), then reads it back with unitfmt_read as lkipd does on `lkip submit`, several
 * times, and prints the times. Run by scripts/bench.sh as its own quick phase; never asserted
 * in a test. Usage: lkip-xlsx-bench [INDICATORS] [RUNS] */
#include "pk.h"
#include "unitfmt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double s_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int s_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* A PK of n indicators of unit UJI and the matching filled rows. */
static void s_make(int n, pk_t **pk, unitdata_t **values)
{
    *pk = pk_new(2026);
    *values = unitdata_new();
    for (int i = 0; i < n; i++) {
        pk_indicator_t ind = {
            .code = xasprintf("UJI-%03d", i + 1),
            .unit_code = xstrdup("UJI"),
            .unit_name = xstrdup("Bidang Uji"),
            .sasaran = xasprintf("Sasaran strategis nomor %d tentang pelayanan publik", i / 5 + 1),
            .indikator = xasprintf("Persentase layanan digital ke-%d yang terintegrasi", i + 1),
            .satuan = xstrdup("%"),
            .dir = i % 7 == 0 ? CAPAIAN_LOWER : CAPAIAN_HIGHER,
            .target_text = xasprintf("%d", 50 + i % 50),
            .target_lo = 50 + i % 50,
            .target_hi = 50 + i % 50,
        };
        unitdata_row_t row = {
            .code = xstrdup(ind.code),
            .unit = xstrdup("UJI"),
            .sasaran = xstrdup(""),
            .indikator = xstrdup(ind.indikator),
            .satuan = xstrdup("%"),
            .target_text = xstrdup(""),
            .realisasi_text = xstrdup(""),
            .realisasi = 40 + i % 60 + 0.25,
            .has_pagu = true,
            .pagu = 100000000.0 + i * 1000,
            .has_realisasi_anggaran = true,
            .realisasi_anggaran = 95000000.0 + i * 900,
            .penjelasan = xstrdup("Capaian didorong oleh integrasi layanan dan pendampingan "
                                  "perangkat daerah sepanjang tahun."),
            .faktor_pendukung = xstrdup("Dukungan pimpinan dan anggaran yang memadai."),
            .faktor_penghambat = xstrdup("Keterbatasan jaringan di beberapa kelurahan."),
            .upaya = xstrdup("Menambah pelatihan operator dan memperluas jaringan intranet."),
        };
        pk_add(*pk, &ind);
        unitdata_add_row(*values, &row);
    }
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 500, runs = argc > 2 ? atoi(argv[2]) : 7;
    if (n < 1 || runs < 1 || runs > 100)
        return 2;
    pk_t *pk;
    unitdata_t *values;
    s_make(n, &pk, &values);
    unitfmt_meta_t meta = {1, "LKIP/2026", "UJI", "Organisasi Uji", "UJI", "Bidang Uji", 2026,
                           1, "bench",     ""};
    uint8_t *data;
    size_t len;
    const char *why;
    double t0 = s_now_ms();
    if (unitfmt_write(&meta, pk, values, &data, &len, &why) != 0) {
        fprintf(stderr, "lkip-xlsx-bench: %s\n", why);
        return 1;
    }
    double write_ms = s_now_ms() - t0;
    unitfmt_expect_t expect = {1, "LKIP/2026", "UJI", 1};
    double *times = calloc((size_t)runs, sizeof *times);
    int rows = 0, errors = 0;
    for (int r = 0; r < runs; r++) {
        t0 = s_now_ms();
        unitdata_t *ud = unitfmt_read(data, len, &expect, pk, NULL);
        times[r] = s_now_ms() - t0;
        rows = ud->n_rows;
        errors = ud->n_errors;
        unitdata_destroy(&ud);
    }
    qsort(times, (size_t)runs, sizeof *times, s_cmp);
    printf("xlsx: %d-indicator unit format, %zu KB: written in %.1f ms; read back (%d rows, %d "
           "errors) in %.1f ms median, %.1f ms max of %d runs\n",
           n, len / 1024, write_ms, rows, errors, times[runs / 2], times[runs - 1], runs);
    free(times);
    free(data);
    unitdata_destroy(&values);
    pk_destroy(&pk);
    return rows == n && errors == 0 ? 0 : 1;
}
