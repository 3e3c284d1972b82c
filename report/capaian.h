/* capaian — persentase capaian kinerja and its rating (LKIP.md, "Performance data"). Pure.
 *   higher is better: R / T * 100
 *   lower is better:  (2T - R) / T * 100, floored at 0 (PermenPANRB 8/2021), or T / R * 100
 *                     where the indicator says so (undefined at R = 0)
 *   T = 0: no percentage ("belum dapat dinilai")
 *   target range [lo, hi]: inside it 100; above it T = hi, below it T = lo, then as above. */
#ifndef LKIP_CAPAIAN_H
#define LKIP_CAPAIAN_H

#include "util.h"

typedef enum {
    CAPAIAN_HIGHER, /* "naik": higher is better */
    CAPAIAN_LOWER,  /* "turun": lower is better */
} capaian_dir_t;

typedef enum {
    CAPAIAN_FORMULA_STANDARD, /* R/T, or (2T-R)/T when lower is better */
    CAPAIAN_FORMULA_INVERSE,  /* T/R when lower is better (some pemda) */
} capaian_formula_t;

typedef struct {
    bool rated;     /* false: "belum dapat dinilai" (T <= 0, or R <= 0 with T/R, or a
                     * non-finite input) */
    double percent; /* raw, not clamped (only floored at 0 for 2T-R) */
} capaian_t;

capaian_t capaian_compute(capaian_dir_t dir, capaian_formula_t formula, double target_lo,
                          double target_hi, double realisasi);

/* A rating scale: bands from the top; a percentage >= min[i] gets name[i]; the last band takes
 * everything below. */
#define CAPAIAN_MAX_BANDS 8
typedef struct {
    int n;
    double min[CAPAIAN_MAX_BANDS];
    const char *name[CAPAIAN_MAX_BANDS];
} capaian_scale_t;

/* The common scale attributed to Permendagri 86/2017: >= 91 Sangat Tinggi, 76-90 Tinggi,
 * 66-75 Sedang, 51-65 Rendah, <= 50 Sangat Rendah. */
const capaian_scale_t *capaian_default_scale(void);

/* The band name for c ("Belum dapat dinilai" when not rated). */
const char *capaian_rating(const capaian_scale_t *scale, capaian_t c);

/* Mean of the rated values, each clamped to [0, cap] first; rated=false when none is rated. */
capaian_t capaian_average(const capaian_t *values, size_t n, double cap);

#endif
