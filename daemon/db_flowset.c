/* db_flowset — see db_flowset.h. */
#include "db_flowset.h"

#include <stdio.h>
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

/* An instance as the batch leaves it: its step and state (once a request decided them), its
 * letter number (once one was numbered; NULL: unchanged), its archive (version 0: unchanged). */
typedef struct {
    int64_t id;
    bool stepped; /* current_step, active and finished_at hold */
    int current_step;
    bool active;
    int64_t finished_at;
    char *letter; /* owned */
    int letter_year, letter_seq;
    int archive_version;
    char archive_sha256[65];
    char *archive_ref; /* owned */
    int64_t archived_by;
} s_inst_t;

/* An organisation's letter sequence for a year: as read, and as the batch left it. */
typedef struct {
    int64_t org_id;
    int year;
    int read; /* 0: no row */
    int last;
} s_seq_t;

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
    int64_t *read_orgs; /* whose letter sequences and units were read */
    int n_read_orgs, cap_read_orgs;
    flowset_unit_t *units_read;
    int n_units_read, cap_units_read;
    db_array_t tasks[8]; /* the units' tasks opened (flowset_unit_task) */
    int n_tasks;
    s_seq_t *seqs;
    int n_seqs, cap_seqs;
};

#define GROW(arr, n, cap)                                                                          \
    do {                                                                                           \
        if ((n) == (cap)) {                                                                        \
            (cap) = (cap) ? 2 * (cap) : 8;                                                         \
            (arr) = xrealloc((arr), (size_t)(cap) * sizeof *(arr));                                \
        }                                                                                          \
    } while (0)

/* Times go as unix seconds; 0 is NULL. */
static void s_time(db_array_t *a, int64_t t)
{
    db_array_id(a, t);
}

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
    for (int i = 0; i < s->n_insts; i++) {
        free(s->insts[i].letter);
        free(s->insts[i].archive_ref);
    }
    free(s->insts);
    db_unitdata_clear(&s->units);
    for (size_t k = 0; k < ARRAY_LEN(s->docs); k++)
        db_array_free(&s->docs[k]);
    free(s->read_orgs);
    for (int i = 0; i < s->n_units_read; i++)
        free(s->units_read[i].code);
    free(s->units_read);
    for (size_t k = 0; k < ARRAY_LEN(s->tasks); k++)
        db_array_free(&s->tasks[k]);
    free(s->seqs);
    free(s);
    *self_p = NULL;
}

bool flowset_empty(const flowset_t *s)
{
    return s->n_finished == 0 && s->n_runs == 0 && s->n_insts == 0 && s->units.n == 0 &&
           s->n_docs == 0 && s->n_tasks == 0;
}

/* instance_id's row, added when it has none yet. */
static s_inst_t *s_inst(flowset_t *s, int64_t instance_id)
{
    for (int i = 0; i < s->n_insts; i++)
        if (s->insts[i].id == instance_id)
            return &s->insts[i];
    GROW(s->insts, s->n_insts, s->cap_insts);
    s->insts[s->n_insts] = (s_inst_t){.id = instance_id};
    return &s->insts[s->n_insts++];
}

void flowset_org_read(flowset_t *s, int64_t org_id)
{
    if (flowset_org_known(s, org_id))
        return;
    GROW(s->read_orgs, s->n_read_orgs, s->cap_read_orgs);
    s->read_orgs[s->n_read_orgs++] = org_id;
}

void flowset_org_unit(flowset_t *s, int64_t org_id, int64_t unit_id, const char *code)
{
    GROW(s->units_read, s->n_units_read, s->cap_units_read);
    s->units_read[s->n_units_read++] = (flowset_unit_t){org_id, unit_id, xstrdup(code)};
}

const flowset_unit_t *flowset_units_of(const flowset_t *s, int64_t org_id, int *n)
{
    int first = 0;
    while (first < s->n_units_read && s->units_read[first].org_id != org_id)
        first++;
    int end = first;
    while (end < s->n_units_read && s->units_read[end].org_id == org_id)
        end++;
    *n = end - first;
    return s->units_read + first;
}

void flowset_unit_task(flowset_t *s, int64_t instance_id, int64_t unit_id, const char *role,
                       int64_t now, int64_t due, const deadline_timer_t *first)
{
    db_array_t *a = s->tasks;
    db_array_int(&a[0], instance_id);
    db_array_int(&a[1], unit_id);
    db_array_str(&a[2], role);
    s_time(&a[3], now);
    s_time(&a[4], due);
    db_array_str(&a[5], first ? timer_kind_name((timer_kind_t)first->kind) : NULL);
    s_time(&a[6], first ? first->at : 0);
    db_array_int(&a[7], first ? first->repeat_no : 1);
    s->n_tasks++;
}

static s_seq_t *s_seq(const flowset_t *s, int64_t org_id, int year)
{
    for (int i = 0; i < s->n_seqs; i++)
        if (s->seqs[i].org_id == org_id && s->seqs[i].year == year)
            return &s->seqs[i];
    return NULL;
}

static s_seq_t *s_seq_add(flowset_t *s, int64_t org_id, int year, int last_seq)
{
    GROW(s->seqs, s->n_seqs, s->cap_seqs);
    s->seqs[s->n_seqs] = (s_seq_t){org_id, year, last_seq, last_seq};
    return &s->seqs[s->n_seqs++];
}

void flowset_letter_seq(flowset_t *s, int64_t org_id, int year, int last_seq)
{
    if (!s_seq(s, org_id, year))
        (void)s_seq_add(s, org_id, year, last_seq);
}

bool flowset_org_known(const flowset_t *s, int64_t org_id)
{
    for (int i = 0; i < s->n_read_orgs; i++)
        if (s->read_orgs[i] == org_id)
            return true;
    return false;
}

int flowset_next_letter(const flowset_t *s, int64_t org_id, int year)
{
    if (!flowset_org_known(s, org_id))
        return 0;
    const s_seq_t *q = s_seq(s, org_id, year);
    return (q ? q->last : 0) + 1; /* no row: the year's first letter */
}

void flowset_letter(flowset_t *s, int64_t instance_id, int64_t org_id, const char *number, int year,
                    int seq)
{
    s_seq_t *q = s_seq(s, org_id, year);
    if (!q)
        q = s_seq_add(s, org_id, year, 0);
    q->last = seq;
    s_inst_t *row = s_inst(s, instance_id);
    free(row->letter);
    row->letter = xstrdup(number);
    row->letter_year = year;
    row->letter_seq = seq;
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

void flowset_archive(flowset_t *s, int64_t instance_id, int version, const char *sha256,
                     const char *ref, int64_t user_id)
{
    s_inst_t *r = s_inst(s, instance_id);
    r->archive_version = version;
    snprintf(r->archive_sha256, sizeof r->archive_sha256, "%s", sha256);
    free(r->archive_ref);
    r->archive_ref = xstrdup(ref);
    r->archived_by = user_id;
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
    s_inst_t *row = s_inst(s, instance_id);
    row->stepped = true;
    row->current_step = current_step;
    row->active = active;
    row->finished_at = finished_at;
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

/* The instances' step and state (where a request decided them: state NULL keeps them), letter
 * numbers and archives (NULL: kept). */
static void s_add_instances(flowset_t *s, db_pipe_t *pipe)
{
    db_array_t a[11] = {0};
    for (int i = 0; i < s->n_insts; i++) {
        const s_inst_t *r = &s->insts[i];
        bool archived = r->archive_version > 0;
        db_array_int(&a[0], r->id);
        db_array_id(&a[1], r->current_step);
        db_array_str(&a[2], !r->stepped ? NULL : r->active ? "active" : "done");
        s_time(&a[3], r->active ? 0 : r->finished_at);
        db_array_str(&a[4], r->letter);
        db_array_id(&a[5], r->letter ? r->letter_year : 0);
        db_array_id(&a[6], r->letter ? r->letter_seq : 0);
        db_array_id(&a[7], r->archive_version);
        db_array_str(&a[8], archived ? r->archive_sha256 : NULL);
        db_array_str(&a[9], archived ? r->archive_ref : NULL);
        db_array_id(&a[10], archived ? r->archived_by : 0);
    }
    db_params_t p = {0};
    for (size_t k = 0; k < ARRAY_LEN(a); k++)
        db_array_param(&p, &a[k]);
    db_pipe_add(pipe,
                "UPDATE instances i SET"
                " current_step = CASE WHEN u.state IS NULL THEN i.current_step ELSE u.cur END,"
                " state = coalesce(u.state, i.state),"
                " finished_at = CASE WHEN u.state = 'done' THEN to_timestamp(u.fin)"
                "  ELSE i.finished_at END,"
                " letter_number = coalesce(u.ln, i.letter_number),"
                " letter_year = coalesce(u.ly, i.letter_year),"
                " letter_seq = coalesce(u.ls, i.letter_seq),"
                /* the archived version may have been stored by this batch (written before) */
                " archive_doc_id = CASE WHEN u.av IS NULL THEN i.archive_doc_id ELSE (SELECT d.id"
                "  FROM documents d WHERE d.instance_id = u.id AND d.version = u.av) END,"
                " archive_sha256 = coalesce(u.ash, i.archive_sha256),"
                " archive_ref = coalesce(u.aref, i.archive_ref),"
                " archived_by = coalesce(u.aby, i.archived_by)"
                " FROM unnest($1::bigint[], $2::int[], $3::text[], $4::bigint[], $5::text[],"
                " $6::int[], $7::int[], $8::int[], $9::text[], $10::text[], $11::bigint[])"
                " AS u(id, cur, state, fin, ln, ly, ls, av, ash, aref, aby) WHERE i.id = u.id"
                " AND i.id = ANY ($1::bigint[])", /* by index whatever the plan */
                &p);
}

/* The units' tasks and, where they have one, their first timers. */
static void s_add_unit_tasks(flowset_t *s, db_pipe_t *pipe)
{
    db_params_t p = {0};
    for (size_t k = 0; k < ARRAY_LEN(s->tasks); k++)
        db_array_param(&p, &s->tasks[k]);
    s->n_tasks = 0;
    db_pipe_add(
        pipe,
        "WITH v AS (SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[],"
        "   $4::bigint[], $5::bigint[], $6::text[], $7::bigint[], $8::int[])"
        "  AS u(instance_id, unit_id, unit_role, assigned, due, timer_kind, timer_at,"
        "   repeat_no)),"
        " ins AS (INSERT INTO unit_tasks (instance_id, unit_id, unit_role, assigned_at,"
        "   due_at)"
        "  SELECT instance_id, unit_id, unit_role, to_timestamp(assigned), to_timestamp(due)"
        "  FROM v RETURNING id, instance_id, unit_id)"
        " INSERT INTO timers (fire_at, kind, instance_id, unit_task_id, repeat_no)"
        " SELECT to_timestamp(v.timer_at), v.timer_kind, v.instance_id, ins.id,"
        "  v.repeat_no FROM ins JOIN v USING (instance_id, unit_id)"
        " WHERE v.timer_kind IS NOT NULL",
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

/* The sequences the batch moved (none: no statement), each only where it still holds what was
 * read (a row read as absent: inserted only where it still is). */
static void s_add_sequences(flowset_t *s, db_pipe_t *pipe)
{
    db_array_t a[4] = {0};
    int moved = 0;
    for (int i = 0; i < s->n_seqs; i++) {
        const s_seq_t *q = &s->seqs[i];
        if (q->last == q->read)
            continue;
        db_array_int(&a[0], q->org_id);
        db_array_int(&a[1], q->year);
        db_array_int(&a[2], q->read);
        db_array_int(&a[3], q->last);
        moved++;
    }
    if (!moved) { /* no letter numbered */
        for (int k = 0; k < 4; k++)
            db_array_free(&a[k]);
        return;
    }
    db_params_t p = {0};
    for (int k = 0; k < 4; k++)
        db_array_param(&p, &a[k]);
    db_param_int(&p, moved);
    db_pipe_add(pipe,
                "WITH u AS (SELECT * FROM unnest($1::bigint[], $2::int[], $3::int[], $4::int[])"
                "  AS u(org_id, year, was, now)),"
                " up AS (UPDATE letter_sequences s SET last_seq = u.now FROM u"
                "  WHERE s.org_id = u.org_id AND s.year = u.year AND s.last_seq = u.was"
                "  AND u.was > 0 RETURNING 1),"
                " ins AS (INSERT INTO letter_sequences (org_id, year, last_seq)"
                "  SELECT org_id, year, now FROM u WHERE was = 0"
                "  ON CONFLICT (org_id, year) DO NOTHING RETURNING 1)"
                " SELECT batch_letters_all((SELECT count(*) FROM up) + (SELECT count(*) FROM ins),"
                " $5)",
                &p);
}

void flowset_add_writes(flowset_t *s, db_pipe_t *pipe)
{
    /* finished first: the partial unique index allows one active run per instance */
    if (s->n_finished)
        s_add_finished(s, pipe);
    if (s->n_runs)
        s_add_new(s, pipe);
    if (s->n_tasks)
        s_add_unit_tasks(s, pipe);
    if (s->n_docs) /* before the instances: an archive finds its document's id by version */
        s_add_documents(s, pipe);
    if (s->n_insts)
        s_add_instances(s, pipe);
    db_unitdata_pipe(&s->units, pipe);
    s_add_sequences(s, pipe);
}
