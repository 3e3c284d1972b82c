/* db_analysis — see db_analysis.h. The inputs point into the query results, which live until
 * the analysis is computed (it copies what it keeps). */
#include "db_analysis.h"

#include "db_pk.h"

#include <stdlib.h>
#include <string.h>

/* What one load holds while the analysis is computed. */
typedef struct {
    db_res_t *head;
    db_res_t *units;
    db_res_t *rows;
    db_res_t *past;
    pk_t *pk;
    analysis_unit_in_t *unit_in;
    unitdata_row_t *row_data;
    analysis_row_in_t *row_in;
    analysis_past_t *past_in;
} s_load_t;

static void s_load_free(s_load_t *l)
{
    db_res_free(&l->head);
    db_res_free(&l->units);
    db_res_free(&l->rows);
    db_res_free(&l->past);
    pk_destroy(&l->pk);
    free(l->unit_in);
    free(l->row_data);
    free(l->row_in);
    free(l->past_in);
}

/* Runs sql with the instance id as $1 and, when org_id is not 0, the organisation as $2. */
static db_res_t *s_query_id(db_t *db, const char *sql, int64_t instance_id, int64_t org_id)
{
    db_params_t p = {0};
    db_param_int(&p, instance_id);
    if (org_id)
        db_param_int(&p, org_id);
    return db_query(db, sql, &p);
}

static int s_units(db_t *db, int64_t instance_id, int64_t org_id, s_load_t *l, analysis_input_t *in)
{
    l->units = s_query_id(db,
                          "SELECT n.code, n.name, t.id IS NOT NULL, coalesce(t.version, 0) > 0"
                          " FROM units n LEFT JOIN unit_tasks t ON t.unit_id = n.id"
                          "  AND t.instance_id = $1"
                          " WHERE n.org_id = $2 AND (NOT n.disabled OR t.id IS NOT NULL)"
                          " ORDER BY n.code",
                          instance_id, org_id);
    if (!l->units)
        return -1;
    int n = db_res_rows(l->units);
    l->unit_in = xcalloc((size_t)(n ? n : 1), sizeof *l->unit_in);
    for (int i = 0; i < n; i++)
        l->unit_in[i] =
            (analysis_unit_in_t){db_res_str(l->units, i, 0), db_res_str(l->units, i, 1),
                                 db_res_bool(l->units, i, 2), db_res_bool(l->units, i, 3)};
    in->n_units = n;
    in->units = l->unit_in;
    return 0;
}

static void s_row(const db_res_t *r, int i, unitdata_row_t *row)
{
    *row = (unitdata_row_t){
        .line = i,
        .code = (char *)db_res_str(r, i, 1),
        .sasaran = (char *)db_res_str(r, i, 2),
        .indikator = (char *)db_res_str(r, i, 3),
        .satuan = (char *)db_res_str(r, i, 4),
        .dir = strcmp(db_res_str(r, i, 5), "turun") == 0 ? CAPAIAN_LOWER : CAPAIAN_HIGHER,
        .formula = strcmp(db_res_str(r, i, 6), "T/R") == 0 ? CAPAIAN_FORMULA_INVERSE
                                                           : CAPAIAN_FORMULA_STANDARD,
        .target_lo = db_res_double(r, i, 7),
        .target_hi = db_res_double(r, i, 8),
        .realisasi = db_res_double(r, i, 9),
        .target_text = (char *)db_res_str(r, i, 10),
        .realisasi_text = (char *)db_res_str(r, i, 11),
        .has_pagu = !db_res_null(r, i, 12),
        .pagu = db_res_double(r, i, 12),
        .has_realisasi_anggaran = !db_res_null(r, i, 13),
        .realisasi_anggaran = db_res_double(r, i, 13),
        .penjelasan = (char *)db_res_str(r, i, 14),
        .faktor_pendukung = (char *)db_res_str(r, i, 15),
        .faktor_penghambat = (char *)db_res_str(r, i, 16),
        .upaya = (char *)db_res_str(r, i, 17),
    };
    row->unit = (char *)db_res_str(r, i, 0);
}

/* The current data of every unit with a task. */
static int s_rows(db_t *db, int64_t instance_id, s_load_t *l, analysis_input_t *in)
{
    l->rows = s_query_id(db,
                         "SELECT n.code, x.code, x.sasaran, x.indikator, x.satuan, x.direction,"
                         " x.formula, x.target_lo, x.target_hi, x.realisasi, x.target_text,"
                         " x.realisasi_text, x.pagu, x.realisasi_anggaran, x.penjelasan,"
                         " x.faktor_pendukung, x.faktor_penghambat, x.upaya"
                         " FROM unit_tasks t JOIN units n ON n.id = t.unit_id"
                         " JOIN unit_data d ON d.task_id = t.id AND d.version = t.version"
                         " JOIN indicators x ON x.data_id = d.id"
                         " WHERE t.instance_id = $1 ORDER BY n.code, x.line",
                         instance_id, 0);
    if (!l->rows)
        return -1;
    int n = db_res_rows(l->rows);
    l->row_data = xcalloc((size_t)(n ? n : 1), sizeof *l->row_data);
    l->row_in = xcalloc((size_t)(n ? n : 1), sizeof *l->row_in);
    for (int i = 0; i < n; i++) {
        s_row(l->rows, i, &l->row_data[i]);
        l->row_in[i] = (analysis_row_in_t){l->row_data[i].unit, &l->row_data[i]};
    }
    in->n_rows = n;
    in->rows = l->row_in;
    return 0;
}

/* The realisasi of earlier finished instances of the same SOP, oldest instance first (so that a
 * later one of the same year counts). */
static int s_past(db_t *db, int64_t instance_id, int64_t org_id, s_load_t *l, analysis_input_t *in)
{
    l->past = s_query_id(db,
                         "SELECT i.period, x.code, x.realisasi, x.target_lo, x.target_hi"
                         " FROM instances me JOIN instances i ON i.org_id = me.org_id"
                         "  AND i.sop_code = me.sop_code AND i.id <> me.id AND i.state = 'done'"
                         " JOIN unit_tasks t ON t.instance_id = i.id"
                         " JOIN unit_data d ON d.task_id = t.id AND d.version = t.version"
                         " JOIN indicators x ON x.data_id = d.id"
                         " WHERE me.id = $1 AND me.org_id = $2 AND x.code <> ''"
                         " ORDER BY i.id, x.line",
                         instance_id, org_id);
    if (!l->past)
        return -1;
    int n = db_res_rows(l->past), k = 0;
    l->past_in = xcalloc((size_t)(n ? n : 1), sizeof *l->past_in);
    for (int i = 0; i < n; i++) {
        int year = pk_period_year(db_res_str(l->past, i, 0));
        if (!year || year >= in->year)
            continue;
        l->past_in[k++] =
            (analysis_past_t){db_res_str(l->past, i, 1),    year,
                              db_res_double(l->past, i, 2), true,
                              db_res_double(l->past, i, 3), db_res_double(l->past, i, 4)};
    }
    in->n_past = k;
    in->past = l->past_in;
    return 0;
}

analysis_t *db_analysis(db_t *db, int64_t instance_id)
{
    s_load_t l = {0};
    analysis_t *a = NULL;
    db_params_t p = {0};
    db_param_int(&p, instance_id);
    if (db_query_one(db,
                     "SELECT i.org_id, o.code, o.name, i.period, coalesce(i.pk_id, 0),"
                     " coalesce(v.version, 0) FROM instances i"
                     " JOIN organisations o ON o.id = i.org_id"
                     " LEFT JOIN pk_versions v ON v.id = i.pk_id WHERE i.id = $1",
                     &p, &l.head) != DB_FOUND)
        return NULL;
    int64_t org_id = db_res_int(l.head, 0, 0), pk_id = db_res_int(l.head, 0, 4);
    analysis_input_t in = {
        .org_code = db_res_str(l.head, 0, 1),
        .org_name = db_res_str(l.head, 0, 2),
        .period = db_res_str(l.head, 0, 3),
        .year = pk_period_year(db_res_str(l.head, 0, 3)),
        .pk_version = (int)db_res_int(l.head, 0, 5),
    };
    if (pk_id && !(l.pk = db_pk_load(db, pk_id)))
        goto out;
    in.pk = l.pk;
    if (l.pk && !in.year)
        in.year = l.pk->year;
    if (s_units(db, instance_id, org_id, &l, &in) == 0 && s_rows(db, instance_id, &l, &in) == 0 &&
        s_past(db, instance_id, org_id, &l, &in) == 0)
        a = analysis_compute(&in);
out:
    s_load_free(&l);
    return a;
}
