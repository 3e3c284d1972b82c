/* db_pk — see db_pk.h. An import's indicators and years travel as two JSON arrays (jansson
 * escapes every text), unpacked by json_to_recordset, so that the whole PK is one statement
 * whatever its size. */
#include "db_pk.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define EPOCH(col) "coalesce(extract(epoch FROM " col ")::bigint, 0)"

void db_pk_info_clear(db_pk_info_t *info)
{
    free(info->file_name);
    free(info->sha256);
    free(info->imported_by);
    memset(info, 0, sizeof *info);
}

static json_t *s_number_or_null(bool has, double v)
{
    return has ? json_real(v) : json_null();
}

/* The indicators (*ind) and their years (*years) as JSON text. Caller frees both. */
static void s_to_json(const pk_t *pk, char **ind, char **years)
{
    json_t *a = json_array(), *y = json_array();
    for (int i = 0; i < pk->n; i++) {
        const pk_indicator_t *x = &pk->ind[i];
        json_array_append_new(
            a, json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:f, s:f, s:s}", "seq", i,
                         "code", x->code, "unit", x->unit_code, "sasaran", x->sasaran, "indikator",
                         x->indikator, "satuan", x->satuan, "direction", pk_dir_name(x->dir),
                         "formula", pk_formula_name(x->formula), "target_lo", x->target_lo,
                         "target_hi", x->target_hi, "target_text", x->target_text));
        for (int k = 0; k < x->n_years; k++) {
            const pk_year_t *py = &x->years[k];
            json_t *o = json_pack("{s:i, s:i, s:s}", "seq", i, "year", py->year, "target_text",
                                  py->target_text);
            json_object_set_new(o, "target_lo", s_number_or_null(py->has_target, py->target_lo));
            json_object_set_new(o, "target_hi", s_number_or_null(py->has_target, py->target_hi));
            json_object_set_new(o, "realisasi", s_number_or_null(py->has_realisasi, py->realisasi));
            json_array_append_new(y, o);
        }
    }
    *ind = json_dumps(a, JSON_COMPACT);
    *years = json_dumps(y, JSON_COMPACT);
    json_decref(a);
    json_decref(y);
}

/* clang-format off */
static const char s_store_sql[] =
    "WITH v AS (INSERT INTO pk_versions (org_id, year, version, renstra_first, renstra_last,"
    "   baseline_year, file_name, sha256, content, indicators, imported_by, imported_at)"
    "   SELECT $1, $2, coalesce(max(version), 0) + 1, nullif($3, 0), nullif($4, 0),"
    "   nullif($5, 0), $6, $7, $8, $9, $10, to_timestamp($11)"
    "   FROM pk_versions WHERE org_id = $1 AND year = $2 RETURNING id, version),"
    " ind AS (INSERT INTO pk_indicators (pk_id, seq, code, unit_id, sasaran, indikator, satuan,"
    "   direction, formula, target_lo, target_hi, target_text)"
    "   SELECT v.id, j.seq, j.code, u.id, j.sasaran, j.indikator, j.satuan, j.direction,"
    "   j.formula, j.target_lo, j.target_hi, j.target_text"
    "   FROM v CROSS JOIN json_to_recordset($12::json) AS j(seq int, code text, unit text,"
    "   sasaran text, indikator text, satuan text, direction text, formula text,"
    "   target_lo float8, target_hi float8, target_text text)"
    "   JOIN units u ON u.org_id = $1 AND u.code = j.unit RETURNING id, seq),"
    " yrs AS (INSERT INTO pk_years (indicator_id, year, target_lo, target_hi, target_text,"
    "   realisasi)"
    "   SELECT ind.id, y.year, y.target_lo, y.target_hi, y.target_text, y.realisasi"
    "   FROM ind JOIN json_to_recordset($13::json) AS y(seq int, year int, target_lo float8,"
    "   target_hi float8, target_text text, realisasi float8) ON y.seq = ind.seq RETURNING 1)"
    " SELECT v.id, v.version, (SELECT count(*) FROM ind), (SELECT count(*) FROM yrs) FROM v";
/* clang-format on */

int db_pk_store(db_t *db, int64_t org_id, const pk_t *pk, const char *file_name,
                const void *content, size_t len, int64_t user_id, int64_t now, db_pk_info_t *info)
{
    char sha[65];
    sha256_hex(content, len, sha);
    char *ind, *years;
    s_to_json(pk, &ind, &years);
    db_params_t p = {0};
    db_param_int(&p, org_id);
    db_param_int(&p, pk->year);
    db_param_int(&p, pk->renstra_first);
    db_param_int(&p, pk->renstra_last);
    db_param_int(&p, pk->baseline_year);
    db_param_str(&p, file_name);
    db_param_str(&p, sha);
    db_param_bytes(&p, content, len);
    db_param_int(&p, pk->n);
    db_param_int(&p, user_id);
    db_param_int(&p, now);
    db_param_str(&p, ind);
    db_param_str(&p, years);
    free(ind);
    free(years);
    db_res_t *r = db_query(db, s_store_sql, &p);
    if (!r)
        return -1;
    int64_t id = db_res_int(r, 0, 0);
    int version = (int)db_res_int(r, 0, 1);
    bool complete = db_res_int(r, 0, 2) == pk->n;
    db_res_free(&r);
    if (!complete)
        return -1; /* a unit vanished between parsing and storing: the caller's 500 */
    return db_pk_find(db, org_id, pk->year, version, info) == DB_FOUND && info->id == id ? 0 : -1;
}

db_lookup_t db_pk_find(db_t *db, int64_t org_id, int year, int version, db_pk_info_t *info)
{
    db_params_t p = {0};
    db_param_int(&p, org_id);
    db_param_int(&p, year);
    db_param_int(&p, version);
    db_res_t *r;
    db_lookup_t rc =
        db_query_one(db,
                     "SELECT v.id, v.year, v.version, (SELECT count(*) FROM pk_versions q"
                     "  WHERE q.org_id = v.org_id AND q.year = v.year),"
                     " v.file_name, v.sha256, " EPOCH(
                         "v.imported_at") ", u.name"
                                          " FROM pk_versions v JOIN users u ON u.id = v.imported_by"
                                          " WHERE v.org_id = $1 AND ($2 = 0 OR v.year = $2) AND "
                                          "($3 = 0 OR v.version = $3)"
                                          " ORDER BY v.year DESC, v.version DESC LIMIT 1",
                     &p, &r);
    if (rc != DB_FOUND)
        return rc;
    *info = (db_pk_info_t){.id = db_res_int(r, 0, 0),
                           .year = (int)db_res_int(r, 0, 1),
                           .version = (int)db_res_int(r, 0, 2),
                           .versions = (int)db_res_int(r, 0, 3),
                           .file_name = db_res_dup(r, 0, 4),
                           .sha256 = db_res_dup(r, 0, 5),
                           .imported_at = db_res_int(r, 0, 6),
                           .imported_by = db_res_dup(r, 0, 7)};
    db_res_free(&r);
    return DB_FOUND;
}

static void s_load_indicator(const db_res_t *r, int i, pk_t *pk)
{
    pk_indicator_t ind = {
        .code = db_res_dup(r, i, 0),
        .unit_code = db_res_dup(r, i, 1),
        .unit_name = db_res_dup(r, i, 2),
        .sasaran = db_res_dup(r, i, 3),
        .indikator = db_res_dup(r, i, 4),
        .satuan = db_res_dup(r, i, 5),
        .dir = strcmp(db_res_str(r, i, 6), "turun") == 0 ? CAPAIAN_LOWER : CAPAIAN_HIGHER,
        .formula = strcmp(db_res_str(r, i, 7), "T/R") == 0 ? CAPAIAN_FORMULA_INVERSE
                                                           : CAPAIAN_FORMULA_STANDARD,
        .target_lo = db_res_double(r, i, 8),
        .target_hi = db_res_double(r, i, 9),
        .target_text = db_res_dup(r, i, 10),
    };
    pk_add(pk, &ind);
}

/* The years of every indicator of pk (loaded in seq order, so seq is the index). */
static int s_load_years(db_t *db, int64_t pk_id, pk_t *pk)
{
    db_params_t p = {0};
    db_param_int(&p, pk_id);
    db_res_t *r = db_query(db,
                           "SELECT x.seq, y.year, y.target_lo IS NOT NULL, y.target_lo,"
                           " y.target_hi, y.target_text, y.realisasi IS NOT NULL, y.realisasi"
                           " FROM pk_years y JOIN pk_indicators x ON x.id = y.indicator_id"
                           " WHERE x.pk_id = $1 ORDER BY x.seq, y.year",
                           &p);
    if (!r)
        return -1;
    for (int i = 0; i < db_res_rows(r); i++) {
        int seq = (int)db_res_int(r, i, 0);
        if (seq < 0 || seq >= pk->n)
            continue;
        pk_indicator_t *ind = &pk->ind[seq];
        ind->years = xrealloc(ind->years, (size_t)(ind->n_years + 1) * sizeof *ind->years);
        ind->years[ind->n_years++] = (pk_year_t){
            .year = (int)db_res_int(r, i, 1),
            .has_target = db_res_bool(r, i, 2),
            .target_lo = db_res_double(r, i, 3),
            .target_hi = db_res_double(r, i, 4),
            .target_text = db_res_dup(r, i, 5),
            .has_realisasi = db_res_bool(r, i, 6),
            .realisasi = db_res_double(r, i, 7),
        };
    }
    db_res_free(&r);
    return 0;
}

pk_t *db_pk_load(db_t *db, int64_t pk_id)
{
    db_params_t p = {0};
    db_param_int(&p, pk_id);
    db_res_t *r;
    if (db_query_one(db,
                     "SELECT year, coalesce(renstra_first, 0), coalesce(renstra_last, 0),"
                     " coalesce(baseline_year, 0) FROM pk_versions WHERE id = $1",
                     &p, &r) != DB_FOUND)
        return NULL;
    pk_t *pk = pk_new((int)db_res_int(r, 0, 0));
    pk->renstra_first = (int)db_res_int(r, 0, 1);
    pk->renstra_last = (int)db_res_int(r, 0, 2);
    pk->baseline_year = (int)db_res_int(r, 0, 3);
    db_res_free(&r);
    db_param_int(&p, pk_id);
    r = db_query(db,
                 "SELECT x.code, n.code, n.name, x.sasaran, x.indikator, x.satuan, x.direction,"
                 " x.formula, x.target_lo, x.target_hi, x.target_text"
                 " FROM pk_indicators x JOIN units n ON n.id = x.unit_id"
                 " WHERE x.pk_id = $1 ORDER BY x.seq",
                 &p);
    if (!r) {
        pk_destroy(&pk);
        return NULL;
    }
    for (int i = 0; i < db_res_rows(r); i++)
        s_load_indicator(r, i, pk);
    db_res_free(&r);
    if (s_load_years(db, pk_id, pk) != 0)
        pk_destroy(&pk);
    return pk;
}

int db_pk_bind(db_t *db, int64_t instance_id, int64_t org_id, int year, int64_t *pk_id,
               int *version)
{
    db_params_t p = {0};
    db_param_int(&p, instance_id);
    db_param_int(&p, org_id);
    db_param_int(&p, year);
    db_res_t *r = db_query(db,
                           "WITH b AS (UPDATE instances SET pk_id = (SELECT id FROM pk_versions"
                           "   WHERE org_id = $2 AND year = $3 ORDER BY version DESC LIMIT 1)"
                           "   WHERE id = $1 AND pk_id IS NULL RETURNING pk_id),"
                           " k AS (SELECT coalesce((SELECT pk_id FROM b),"
                           "   (SELECT pk_id FROM instances WHERE id = $1)) AS id)"
                           " SELECT coalesce(v.id, 0), coalesce(v.version, 0)"
                           " FROM k LEFT JOIN pk_versions v ON v.id = k.id",
                           &p);
    if (!r)
        return -1;
    *pk_id = db_res_int(r, 0, 0);
    *version = (int)db_res_int(r, 0, 1);
    db_res_free(&r);
    return 0;
}
