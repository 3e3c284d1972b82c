/* capaian — see capaian.h. Percentages are computed as numerator * 100 / divisor (multiply
 * first) so that whole-number inputs give exact results: 300 / 5 is 60, (3 / 5) * 100 is not.
 *
 * Every formula divides by a quantity that is meaningful only when positive: T for R/T and
 * (2T-R)/T, R for T/R. With a negative divisor the formula turns around (a realisasi of -3
 * against a target of -5 "naik" would score 60% although it beats the target), so a
 * non-positive divisor gives "belum dapat dinilai", like T = 0. Non-finite inputs likewise. */
#include "capaian.h"

#include <math.h>

#define S_UNRATED ((capaian_t){.rated = false, .percent = 0.0})

/* Floating-point noise must not move a value across a band edge: 63.7 / 70 * 100 is
 * 90.99999999999999 in doubles but 91 on paper. */
#define S_BAND_EPSILON 1e-9

static const capaian_scale_t s_default_scale = {
    .n = 5,
    .min = {91.0, 76.0, 66.0, 51.0, 0.0 /* unused: the last band takes everything below */},
    .name = {"Sangat Tinggi", "Tinggi", "Sedang", "Rendah", "Sangat Rendah"},
};

static capaian_t s_rated(double percent)
{
    if (!isfinite(percent))
        return S_UNRATED;
    return (capaian_t){.rated = true, .percent = percent};
}

/* Capaian of r against the single target t. */
static capaian_t s_against(capaian_dir_t dir, capaian_formula_t formula, double t, double r)
{
    if (t <= 0.0)
        return S_UNRATED;
    if (dir == CAPAIAN_HIGHER)
        return s_rated(r * 100.0 / t); /* T/R has no meaning for "naik": always R/T */
    if (formula == CAPAIAN_FORMULA_INVERSE) {
        if (r <= 0.0)
            return S_UNRATED;
        return s_rated(t * 100.0 / r);
    }
    double p = (2.0 * t - r) * 100.0 / t;
    return s_rated(p < 0.0 ? 0.0 : p);
}

capaian_t capaian_compute(capaian_dir_t dir, capaian_formula_t formula, double target_lo,
                          double target_hi, double realisasi)
{
    if (!isfinite(target_lo) || !isfinite(target_hi) || !isfinite(realisasi))
        return S_UNRATED;
    if (target_lo > target_hi) {
        double t = target_lo;
        target_lo = target_hi;
        target_hi = t;
    }
    /* Meeting a range is meeting the target, whichever the direction. */
    if (target_lo < target_hi && realisasi >= target_lo && realisasi <= target_hi)
        return s_rated(100.0);
    double t = realisasi > target_hi ? target_hi : target_lo;
    return s_against(dir, formula, t, realisasi);
}

const capaian_scale_t *capaian_default_scale(void)
{
    return &s_default_scale;
}

const char *capaian_rating(const capaian_scale_t *scale, capaian_t c)
{
    if (!c.rated)
        return "Belum dapat dinilai";
    if (!scale || scale->n <= 0)
        scale = &s_default_scale;
    int last = scale->n < CAPAIAN_MAX_BANDS ? scale->n - 1 : CAPAIAN_MAX_BANDS - 1;
    for (int i = 0; i < last; i++) {
        if (c.percent + S_BAND_EPSILON >= scale->min[i])
            return scale->name[i];
    }
    return scale->name[last];
}

capaian_t capaian_average(const capaian_t *values, size_t n, double cap)
{
    double sum = 0.0;
    size_t rated = 0;
    for (size_t i = 0; i < n; i++) {
        if (!values[i].rated)
            continue;
        double v = values[i].percent;
        v = v < 0.0 ? 0.0 : v;
        v = v > cap ? cap : v; /* cap = INFINITY: no upper clamp */
        sum += v;
        rated++;
    }
    if (rated == 0)
        return S_UNRATED;
    return s_rated(sum / (double)rated);
}
