/* db_unitdata — see db_unitdata.h. */
#include "db_unitdata.h"

/* The tasks' new state: when one task is submitted twice in a set, its highest version wins. */
static const char TASKS_SQL[] =
    "UPDATE unit_tasks k SET version = u.version, state = 'submitted',"
    " submitted_by = u.user_id, submitted_at = to_timestamp(u.at)"
    " FROM (SELECT DISTINCT ON (task_id) * FROM unnest($1::bigint[], $2::int[], $3::bigint[],"
    "  $4::bigint[]) AS v(task_id, version, user_id, at) ORDER BY task_id, version DESC) u"
    " WHERE k.id = u.task_id AND k.id = ANY ($1::bigint[])"; /* by index whatever the plan */

/* The data versions and their rows, which find their version by (task, version); ids follow
 * the lines. */
static const char DATA_SQL[] =
    "WITH d AS (INSERT INTO unit_data (task_id, version, file_name, file_sha256, content, rows,"
    "  submitted_by, submitted_at, format_id)"
    "  SELECT task_id, version, file_name, sha, content, nrows, user_id, to_timestamp(at),"
    "   format_id FROM unnest($1::bigint[], $2::int[], $3::text[], $4::text[], $5::bytea[],"
    "   $6::int[], $7::bigint[], $8::bigint[], $9::text[])"
    "   AS v(task_id, version, file_name, sha, content, nrows, user_id, at, format_id)"
    "  RETURNING id, task_id, version)"
    " INSERT INTO indicators (data_id, line, sasaran, indikator, satuan, direction, formula,"
    "  target_lo, target_hi, realisasi, pagu, realisasi_anggaran, target_text, realisasi_text,"
    "  code, penjelasan, faktor_pendukung, faktor_penghambat, upaya)"
    " SELECT d.id, r.line, r.sasaran, r.indikator, r.satuan, r.direction, r.formula,"
    "  r.target_lo, r.target_hi, r.realisasi, r.pagu, r.anggaran, r.target_text,"
    "  r.realisasi_text, r.code, r.penjelasan, r.pendukung, r.penghambat, r.upaya"
    " FROM unnest($10::bigint[], $11::int[], $12::int[], $13::text[], $14::text[], $15::text[],"
    "  $16::text[], $17::text[], $18::float8[], $19::float8[], $20::float8[], $21::float8[],"
    "  $22::float8[], $23::text[], $24::text[], $25::text[], $26::text[], $27::text[],"
    "  $28::text[], $29::text[]) WITH ORDINALITY AS r(task_id, version, line, sasaran,"
    "  indikator, satuan, direction, formula, target_lo, target_hi, realisasi, pagu, anggaran,"
    "  target_text, realisasi_text, code, penjelasan, pendukung, penghambat, upaya, ord)"
    " JOIN d ON d.task_id = r.task_id AND d.version = r.version ORDER BY r.ord";

enum { TASK_ID, TASK_VERSION, TASK_USER, TASK_AT };
enum { D_TASK, D_VERSION, D_FILE, D_SHA, D_CONTENT, D_ROWS, D_USER, D_AT, D_FORMAT };
enum {
    R_TASK,
    R_VERSION,
    R_LINE,
    R_SASARAN,
    R_INDIKATOR,
    R_SATUAN,
    R_DIRECTION,
    R_FORMULA,
    R_TARGET_LO,
    R_TARGET_HI,
    R_REALISASI,
    R_PAGU,
    R_ANGGARAN,
    R_TARGET_TEXT,
    R_REALISASI_TEXT,
    R_CODE,
    R_PENJELASAN,
    R_PENDUKUNG,
    R_PENGHAMBAT,
    R_UPAYA,
};

static void s_add_row(db_array_t *a, const db_unitdata_new_t *d, const unitdata_row_t *row)
{
    db_array_int(&a[R_TASK], d->task_id);
    db_array_int(&a[R_VERSION], d->version);
    db_array_int(&a[R_LINE], row->line);
    db_array_str(&a[R_SASARAN], row->sasaran);
    db_array_str(&a[R_INDIKATOR], row->indikator);
    db_array_str(&a[R_SATUAN], row->satuan);
    db_array_str(&a[R_DIRECTION], row->dir == CAPAIAN_LOWER ? "turun" : "naik");
    db_array_str(&a[R_FORMULA], row->formula == CAPAIAN_FORMULA_INVERSE ? "T/R" : "2T-R");
    db_array_double(&a[R_TARGET_LO], true, row->target_lo);
    db_array_double(&a[R_TARGET_HI], true, row->target_hi);
    db_array_double(&a[R_REALISASI], true, row->realisasi);
    db_array_double(&a[R_PAGU], row->has_pagu, row->pagu);
    db_array_double(&a[R_ANGGARAN], row->has_realisasi_anggaran, row->realisasi_anggaran);
    db_array_str(&a[R_TARGET_TEXT], row->target_text);
    db_array_str(&a[R_REALISASI_TEXT], row->realisasi_text);
    db_array_str(&a[R_CODE], row->code);
    db_array_str(&a[R_PENJELASAN], row->penjelasan);
    db_array_str(&a[R_PENDUKUNG], row->faktor_pendukung);
    db_array_str(&a[R_PENGHAMBAT], row->faktor_penghambat);
    db_array_str(&a[R_UPAYA], row->upaya);
}

void db_unitdata_add(db_unitdata_t *s, const db_unitdata_new_t *d)
{
    db_array_int(&s->task[TASK_ID], d->task_id);
    db_array_int(&s->task[TASK_VERSION], d->version);
    db_array_int(&s->task[TASK_USER], d->user_id);
    db_array_int(&s->task[TASK_AT], d->now);
    char sha[65];
    sha256_hex(d->content, d->len, sha);
    db_array_int(&s->data[D_TASK], d->task_id);
    db_array_int(&s->data[D_VERSION], d->version);
    db_array_str(&s->data[D_FILE], d->file_name);
    db_array_str(&s->data[D_SHA], sha);
    db_array_hex(&s->data[D_CONTENT], d->content, d->len);
    db_array_int(&s->data[D_ROWS], d->data->n_rows);
    db_array_int(&s->data[D_USER], d->user_id);
    db_array_int(&s->data[D_AT], d->now);
    db_array_str(&s->data[D_FORMAT], d->format_id);
    for (int i = 0; i < d->data->n_rows; i++)
        s_add_row(s->rows, d, &d->data->rows[i]);
    s->n++;
}

/* The two statements' parameters; empties s. */
static void s_take(db_unitdata_t *s, db_params_t *tasks, db_params_t *data)
{
    for (size_t k = 0; k < ARRAY_LEN(s->task); k++)
        db_array_param(tasks, &s->task[k]);
    for (size_t k = 0; k < ARRAY_LEN(s->data); k++)
        db_array_param(data, &s->data[k]);
    for (size_t k = 0; k < ARRAY_LEN(s->rows); k++)
        db_array_param(data, &s->rows[k]);
    s->n = 0;
}

int db_unitdata_write(db_t *db, db_unitdata_t *s)
{
    if (s->n == 0)
        return 0;
    db_params_t tasks = {0}, data = {0};
    s_take(s, &tasks, &data);
    if (db_exec(db, TASKS_SQL, &tasks) != 0) {
        db_params_free(&data);
        return -1;
    }
    return db_exec(db, DATA_SQL, &data);
}

void db_unitdata_pipe(db_unitdata_t *s, db_pipe_t *pipe)
{
    if (s->n == 0)
        return;
    db_params_t tasks = {0}, data = {0};
    s_take(s, &tasks, &data);
    db_pipe_add(pipe, TASKS_SQL, &tasks);
    db_pipe_add(pipe, DATA_SQL, &data);
}

void db_unitdata_clear(db_unitdata_t *s)
{
    for (size_t k = 0; k < ARRAY_LEN(s->task); k++)
        db_array_free(&s->task[k]);
    for (size_t k = 0; k < ARRAY_LEN(s->data); k++)
        db_array_free(&s->data[k]);
    for (size_t k = 0; k < ARRAY_LEN(s->rows); k++)
        db_array_free(&s->rows[k]);
    s->n = 0;
}
