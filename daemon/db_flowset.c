/* db_flowset — see db_flowset.h. */
#include "db_flowset.h"

#include <stdlib.h>
#include <string.h>

/* How a run ends (or NULL state: still open). */
typedef struct {
    const char *state;   /* "done", "returned"; NULL: still active */
    const char *outcome; /* engine_outcome_name */
    int64_t user_id;
    int64_t at;
    char *note; /* owned */
    char *as;   /* owned */
} s_end_t;

/* A run open before the batch, finished in it. */
typedef struct {
    int64_t instance_id;
    s_end_t end;
} s_finished_t;

/* A run opened in the batch, in its final state. */
typedef struct {
    int64_t instance_id;
    int step_no;
    int nth; /* its place among the batch's new runs of the same instance and step */
    int64_t assigned, due;
    char *reason; /* owned; "" when not opened by a return */
    s_end_t end;
    bool timer;
    deadline_timer_t first;
} s_new_t;

typedef struct {
    int64_t id;
    int current_step;
    bool active;
    int64_t finished_at;
} s_inst_t;

struct flowset {
    s_finished_t *finished;
    int n_finished, cap_finished;
    s_new_t *runs;
    int n_runs, cap_runs;
    s_inst_t *insts;
    int n_insts, cap_insts;
    db_unitdata_t units;
    db_array_t docs[12];
    int n_docs;
};

#define GROW(arr, n, cap)                                                                          \
    do {                                                                                           \
        if ((n) == (cap)) {                                                                        \
            (cap) = (cap) ? 2 * (cap) : 8;                                                         \
            (arr) = xrealloc((arr), (size_t)(cap) * sizeof *(arr));                                \
        }                                                                                          \
    } while (0)

flowset_t *flowset_new(void)
{
    return xcalloc(1, sizeof(flowset_t));
}

static void s_end_free(s_end_t *e)
{
    free(e->note);
    free(e->as);
}

void flowset_destroy(flowset_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    flowset_t *s = *self_p;
    for (int i = 0; i < s->n_finished; i++)
        s_end_free(&s->finished[i].end);
    for (int i = 0; i < s->n_runs; i++) {
        s_end_free(&s->runs[i].end);
        free(s->runs[i].reason);
    }
    free(s->finished);
    free(s->runs);
    free(s->insts);
    db_unitdata_clear(&s->units);
    for (size_t k = 0; k < ARRAY_LEN(s->docs); k++)
        db_array_free(&s->docs[k]);
    free(s);
    *self_p = NULL;
}

bool flowset_empty(const flowset_t *s)
{
    return s->n_finished == 0 && s->n_runs == 0 && s->n_insts == 0 && s->units.n == 0 &&
           s->n_docs == 0;
}

void flowset_document(flowset_t *s, const db_document_new_t *d, int version, const char *sha)
{
    db_array_t *a = s->docs;
    db_array_int(&a[0], d->instance_id);
    db_array_int(&a[1], version);
    db_array_int(&a[2], d->step_no);
    db_array_int(&a[3], d->round);
    db_array_str(&a[4], d->file_name);
    db_array_int(&a[5], (int64_t)d->len);
    db_array_str(&a[6], sha);
    db_array_hex(&a[7], d->content, d->len);
    db_array_int(&a[8], d->user_id);
    db_array_int(&a[9], d->now);
    db_array_str(&a[10], d->as ? d->as : "");
    db_array_str(&a[11], d->draft ? "draft" : "upload");
    s->n_docs++;
}

void flowset_unit_data(flowset_t *s, const db_unitdata_new_t *d)
{
    db_unitdata_add(&s->units, d);
}

/* The instance's run opened in this batch and still open, or NULL. */
static s_new_t *s_open_new(flowset_t *s, int64_t instance_id)
{
    for (int i = s->n_runs - 1; i >= 0; i--)
        if (s->runs[i].instance_id == instance_id)
            return s->runs[i].end.state ? NULL : &s->runs[i];
    return NULL;
}

void flowset_finish_run(flowset_t *s, int64_t instance_id, const char *outcome, int64_t user_id,
                        const char *as, int64_t now, const char *note)
{
    s_end_t end = {.state = strcmp(outcome, "returned") == 0 ? "returned" : "done",
                   .outcome = outcome,
                   .user_id = user_id,
                   .at = now,
                   .note = xstrdup(note ? note : ""),
                   .as = xstrdup(as ? as : "")};
    s_new_t *run = s_open_new(s, instance_id);
    if (run) {
        run->end = end;
        return;
    }
    GROW(s->finished, s->n_finished, s->cap_finished);
    s->finished[s->n_finished++] = (s_finished_t){instance_id, end};
}

void flowset_open_run(flowset_t *s, int64_t instance_id, int step_no, int64_t now, int64_t due,
                      const char *reason, const deadline_timer_t *first)
{
    int nth = 1;
    for (int i = 0; i < s->n_runs; i++)
        nth += s->runs[i].instance_id == instance_id && s->runs[i].step_no == step_no;
    GROW(s->runs, s->n_runs, s->cap_runs);
    s->runs[s->n_runs++] = (s_new_t){.instance_id = instance_id,
                                     .step_no = step_no,
                                     .nth = nth,
                                     .assigned = now,
                                     .due = due,
                                     .reason = xstrdup(reason ? reason : ""),
                                     .timer = first != NULL,
                                     .first = first ? *first : (deadline_timer_t){0}};
}

void flowset_instance(flowset_t *s, int64_t instance_id, int current_step, bool active,
                      int64_t finished_at)
{
    s_inst_t row = {instance_id, current_step, active, finished_at};
    for (int i = 0; i < s->n_insts; i++)
        if (s->insts[i].id == instance_id) {
            s->insts[i] = row;
            return;
        }
    GROW(s->insts, s->n_insts, s->cap_insts);
    s->insts[s->n_insts++] = row;
}

/* Times go as unix seconds; 0 is NULL. */
static void s_time(db_array_t *a, int64_t t)
{
    db_array_id(a, t);
}

static void s_add_finished(flowset_t *s, db_pipe_t *pipe)
{
    db_array_t a[7] = {0};
    for (int i = 0; i < s->n_finished; i++) {
        const s_finished_t *f = &s->finished[i];
        db_array_int(&a[0], f->instance_id);
        db_array_str(&a[1], f->end.state);
        db_array_str(&a[2], f->end.outcome);
        db_array_id(&a[3], f->end.user_id); /* 0: closed by no one (every unit sent) */
        s_time(&a[4], f->end.at);
        db_array_str(&a[5], f->end.note);
        db_array_str(&a[6], f->end.as);
    }
    db_params_t p = {0};
    for (int k = 0; k < 7; k++)
        db_array_param(&p, &a[k]);
    db_pipe_add(pipe,
                "UPDATE step_runs r SET state = u.state, outcome = u.outcome,"
                " finished_by = u.user_id, finished_at = to_timestamp(u.at), note = u.note,"
                " finished_as = u.fas"
                " FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::bigint[],"
                " $6::text[], $7::text[]) AS u(instance_id, state, outcome, user_id, at, note, fas)"
                " WHERE r.instance_id = u.instance_id AND r.state = 'active'",
                &p);
}

/* The new runs get their round (the runs of the step before the batch, plus their place among
 * the batch's) and, in the same statement, their first timers. */
static void s_add_new(flowset_t *s, db_pipe_t *pipe)
{
    enum { N = 15 };
    db_array_t a[N] = {0};
    for (int i = 0; i < s->n_runs; i++) {
        const s_new_t *r = &s->runs[i];
        db_array_int(&a[0], r->instance_id);
        db_array_int(&a[1], r->step_no);
        db_array_int(&a[2], r->nth);
        s_time(&a[3], r->assigned);
        s_time(&a[4], r->due);
        db_array_str(&a[5], r->reason);
        db_array_str(&a[6], r->end.state ? r->end.state : "active");
        db_array_str(&a[7], r->end.state ? r->end.outcome : NULL);
        db_array_id(&a[8], r->end.state ? r->end.user_id : 0);
        s_time(&a[9], r->end.state ? r->end.at : 0);
        db_array_str(&a[10], r->end.state ? r->end.note : "");
        db_array_str(&a[11], r->end.state ? r->end.as : "");
        db_array_str(&a[12], r->timer ? timer_kind_name((timer_kind_t)r->first.kind) : NULL);
        s_time(&a[13], r->timer ? r->first.at : 0);
        db_array_int(&a[14], r->timer ? r->first.repeat_no : 1);
    }
    db_params_t p = {0};
    for (int k = 0; k < N; k++)
        db_array_param(&p, &a[k]);
    db_pipe_add(pipe,
                "WITH v AS (SELECT u.*, coalesce((SELECT max(s.round) FROM step_runs s"
                "   WHERE s.instance_id = u.instance_id AND s.step_no = u.step_no), 0) + u.nth"
                "   AS round"
                "  FROM unnest($1::bigint[], $2::int[], $3::int[], $4::bigint[], $5::bigint[],"
                "   $6::text[], $7::text[], $8::text[], $9::bigint[], $10::bigint[], $11::text[],"
                "   $12::text[], $13::text[], $14::bigint[], $15::int[])"
                "  AS u(instance_id, step_no, nth, assigned, due, reason, state, outcome,"
                "   finished_by, finished_at, note, fas, timer_kind, timer_at, repeat_no)),"
                " ins AS (INSERT INTO step_runs (instance_id, step_no, round, state, assigned_at,"
                "   due_at, opened_by_return, outcome, finished_by, finished_at, note,"
                "   finished_as)"
                "  SELECT instance_id, step_no, round, state, to_timestamp(assigned),"
                "   to_timestamp(due), reason, outcome, finished_by, to_timestamp(finished_at),"
                "   note, fas FROM v RETURNING id, instance_id, step_no, round)"
                " INSERT INTO timers (fire_at, kind, instance_id, step_run_id, repeat_no)"
                " SELECT to_timestamp(v.timer_at), v.timer_kind, v.instance_id, ins.id,"
                "  v.repeat_no FROM ins JOIN v USING (instance_id, step_no, round)"
                " WHERE v.timer_kind IS NOT NULL",
                &p);
}

static void s_add_instances(flowset_t *s, db_pipe_t *pipe)
{
    db_array_t a[4] = {0};
    for (int i = 0; i < s->n_insts; i++) {
        const s_inst_t *r = &s->insts[i];
        db_array_int(&a[0], r->id);
        db_array_id(&a[1], r->current_step);
        db_array_str(&a[2], r->active ? "active" : "done");
        s_time(&a[3], r->active ? 0 : r->finished_at);
    }
    db_params_t p = {0};
    for (int k = 0; k < 4; k++)
        db_array_param(&p, &a[k]);
    db_pipe_add(pipe,
                "UPDATE instances i SET current_step = u.cur, state = u.state,"
                " finished_at = CASE WHEN u.state = 'done' THEN to_timestamp(u.fin)"
                "  ELSE i.finished_at END"
                " FROM unnest($1::bigint[], $2::int[], $3::text[], $4::bigint[])"
                " AS u(id, cur, state, fin) WHERE i.id = u.id"
                " AND i.id = ANY ($1::bigint[])", /* by index whatever the plan */
                &p);
}

static void s_add_documents(flowset_t *s, db_pipe_t *pipe)
{
    db_params_t p = {0};
    for (size_t k = 0; k < ARRAY_LEN(s->docs); k++)
        db_array_param(&p, &s->docs[k]);
    s->n_docs = 0;
    db_pipe_add(pipe,
                "INSERT INTO documents (instance_id, version, step_no, round, file_name, size,"
                " sha256, content, uploaded_by, uploaded_at, uploaded_as, kind)"
                " SELECT i, v, st, rd, fn, sz, sha, c, u, to_timestamp(at), fas, k"
                " FROM unnest($1::bigint[], $2::int[], $3::int[], $4::int[], $5::text[],"
                " $6::bigint[], $7::text[], $8::bytea[], $9::bigint[], $10::bigint[], $11::text[],"
                " $12::text[]) AS d(i, v, st, rd, fn, sz, sha, c, u, at, fas, k)",
                &p);
}

void flowset_add_writes(flowset_t *s, db_pipe_t *pipe)
{
    /* finished first: the partial unique index allows one active run per instance */
    if (s->n_finished)
        s_add_finished(s, pipe);
    if (s->n_runs)
        s_add_new(s, pipe);
    if (s->n_insts)
        s_add_instances(s, pipe);
    if (s->n_docs)
        s_add_documents(s, pipe);
    db_unitdata_pipe(&s->units, pipe);
}
