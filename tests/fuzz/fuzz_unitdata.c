/* fuzz_unitdata — the unit-data CSV parser (report/unitdata.c) on any bytes, and the capaian of
 * every row it accepts. Properties: no crash, leak or undefined behaviour; a file is either rows
 * or errors with a code, a reason and a position; rows carry the limits and finite numbers;
 * unitdata_parse_number agrees with itself whichever decimal mark it is told about. */
#include "fuzz.h"
#include "unitdata.h"

#include <math.h>

static void s_check_rows(const unitdata_t *u)
{
    FUZZ_CHECK(u->n_rows >= 0 && u->n_rows <= UNITDATA_MAX_ROWS);
    FUZZ_CHECK(u->n_errors >= 0);
    for (int i = 0; i < u->n_errors; i++) {
        const unitdata_error_t *e = &u->errors[i];
        FUZZ_CHECK(e->code && *e->code && e->reason && *e->reason && e->column_name);
        FUZZ_CHECK(e->line >= 0 && e->column >= 0);
    }
    for (int i = 0; i < u->n_rows; i++) {
        const unitdata_row_t *r = &u->rows[i];
        FUZZ_CHECK(r->unit && r->sasaran && r->indikator && r->satuan);
        FUZZ_CHECK(r->target_text && r->realisasi_text);
        FUZZ_CHECK(r->line >= 2);
        FUZZ_CHECK(isfinite(r->target_lo) && isfinite(r->target_hi) && isfinite(r->realisasi));
        FUZZ_CHECK(r->target_lo <= r->target_hi);
        capaian_t c = capaian_compute(r->dir, r->formula, r->target_lo, r->target_hi, r->realisasi);
        FUZZ_CHECK(!c.rated || isfinite(c.percent));
        FUZZ_CHECK(capaian_rating(capaian_default_scale(), c) != NULL);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unitdata_t *u = unitdata_parse((const char *)data, size);
    FUZZ_CHECK(u != NULL);
    s_check_rows(u);
    unitdata_destroy(&u);
    FUZZ_CHECK(u == NULL);

    /* the input as one cell */
    char *text = fuzz_text(data, size > 200 ? 200 : size);
    for (int mark = -1; mark <= 1; mark++) {
        double v = 0;
        bool percent = false;
        const char *code = NULL, *why = NULL;
        if (unitdata_parse_number(text, mark, &v, &percent, &code, &why) == 0)
            FUZZ_CHECK(isfinite(v));
        else
            FUZZ_CHECK(code && why);
    }
    free(text);
    return 0;
}
