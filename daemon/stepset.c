/* stepset — see stepset.h. */
#include "stepset.h"

#include "db_audit.h"
#include "db_delegation.h"
#include "cmd_set.h"
#include "db_flowset.h"
#include "flow.h"
#include "log.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A request the set path may take: a step command, a unit's data or a document. */
typedef struct {
    int item; /* its place in the batch */
    const user_t *caller;
    const Lkip__StepRequest *r;     /* a step command, or NULL */
    const Lkip__SubmitRequest *sub; /* a unit's data, or NULL */
    bool upload;                    /* a document (the pending request's upload) */
    const char *ref;                /* the instance it names */
    db_task_state_t task;           /* sub: the caller's unit task (id 0: none) */
    int inst;                       /* index into the loaded instances; -1: none found */
    bool ordinary;                  /* left to the ordinary path */
} s_cand_t;

/* What a request on the ordinary path may touch, from its place in the batch on. */
typedef struct {
    int item;
    int64_t org_id;
    const char *ref;     /* the instance it names ("": the caller's only active one) */
    int64_t instance_id; /* when known; 0: by ref */
} s_taint_t;

typedef struct {
    const stepset_env_t *env;
    batch_t *b;
    int64_t now;
    s_cand_t *cands;
    int n_cands;
    s_taint_t *taints;
    int n_taints;
    int barrier; /* from this item on, everything takes the ordinary path */
    db_instance_t *insts;
    db_flow_head_t *heads;
    int n_insts;
    flowset_t *set;
    db_auditset_t audit;
    outq_t events;
    Lkip__Reply **replies; /* per item; set for the requests answered here */
} s_run_t;

static bool s_is_ref(const char *ref)
{
    size_t n = strlen(ref);
    return n > 0 && n <= WIRE_MAX_TITLE && (strchr(ref, '/') || strspn(ref, "0123456789") == n);
}

/* The memo's entry for (code, step, action): its index, or -1. code may end at a '/'. */
static int s_memo_find(const stepset_memo_t *m, const char *code, int step_no, int action)
{
    size_t n = strcspn(code, "/");
    for (int i = 0; m && i < m->n; i++)
        if (m->e[i].step_no == step_no && m->e[i].action == action && strlen(m->e[i].code) == n &&
            strncasecmp(m->e[i].code, code, n) == 0)
            return i;
    return -1;
}

static void s_memo_add(stepset_memo_t *m, const char *code, int step_no, int action)
{
    if (!m || s_memo_find(m, code, step_no, action) >= 0)
        return;
    int i = m->n < STEPSET_MEMO ? m->n++ : m->next++ % STEPSET_MEMO;
    snprintf(m->e[i].code, sizeof m->e[i].code, "%s", code);
    m->e[i].step_no = step_no;
    m->e[i].action = action;
}

/* True when the set path may take step command r. */
static bool s_step_settable(const stepset_env_t *env, const Lkip__StepRequest *r)
{
    if (r->step_no <= 0 || !s_is_ref(r->instance) || !cmd_step_checks_pass(r) ||
        (r->action != LKIP__STEP_ACTION__DONE && r->action != LKIP__STEP_ACTION__APPROVE &&
         r->action != LKIP__STEP_ACTION__RETURN))
        return false;
    return !strchr(r->instance, '/') ||
           s_memo_find(env->memo, r->instance, r->step_no, r->action) < 0;
}

/* True when the set path may take u's unit data r (a refusal for the unit is the ordinary
 * path's to give). */
static bool s_submit_settable(const user_t *u, const Lkip__SubmitRequest *r)
{
    return s_is_ref(r->instance) && cmd_submit_settable(r) && u->unit_id &&
           (!*r->unit_code || strcmp(r->unit_code, u->unit_code) == 0);
}

/* The caller of p, when the set path can take p; NULL when it is for the ordinary path. */
static const user_t *s_candidate(const stepset_env_t *env, const pending_t *p)
{
    if (!p->env || !env->dir)
        return NULL;
    Lkip__Envelope__BodyCase kind = p->env->body_case;
    bool takes = (kind == LKIP__ENVELOPE__BODY_STEP && s_step_settable(env, p->env->step)) ||
                 (kind == LKIP__ENVELOPE__BODY_UPLOAD && s_is_ref(p->env->upload->instance) &&
                  cmd_upload_settable(p->env->upload)) ||
                 kind == LKIP__ENVELOPE__BODY_SUBMIT;
    if (!takes)
        return NULL;
    const user_t *u = usercache_by_id(env->dir, p->user_id);
    if (!u || u->disabled || strcmp(u->public_key, p->key) != 0)
        return NULL;
    if (kind == LKIP__ENVELOPE__BODY_SUBMIT && !s_submit_settable(u, p->env->submit))
        return NULL;
    /* the one authorization check, on a scratch reply: a refusal is the ordinary path's to give */
    cmd_ctx_t ctx = {.caller = u, .req = p->env, .reply = batch_reply_new()};
    bool ok = cmd_authorize(&ctx, p->cmd, p->request_id);
    lkip__reply__free_unpacked(ctx.reply, NULL);
    return ok ? u : NULL;
}

/* The instance reference a request names, or NULL when it may touch more than one instance it
 * does not name. */
static const char *s_named_ref(const pending_t *p)
{
    switch (p->env->body_case) {
    case LKIP__ENVELOPE__BODY_STEP:
        return p->env->step->instance;
    case LKIP__ENVELOPE__BODY_UPLOAD:
        return p->env->upload->instance;
    case LKIP__ENVELOPE__BODY_SUBMIT:
        return p->env->submit->instance;
    default:
        return NULL;
    }
}

static void s_taint(s_run_t *run, int item, int64_t org_id, const char *ref, int64_t instance_id)
{
    run->taints = xrealloc(run->taints, (size_t)(run->n_taints + 1) * sizeof *run->taints);
    run->taints[run->n_taints++] = (s_taint_t){item, org_id, ref ? ref : "", instance_id};
}

/* Sorts the batch: candidates, and what the requests left to the ordinary path may touch. */
static void s_sort(s_run_t *run)
{
    batch_t *b = run->b;
    run->barrier = INT_MAX;
    run->cands = xcalloc((size_t)b->n + 1, sizeof *run->cands);
    for (int i = 0; i < b->n && i < run->barrier; i++) {
        pending_t *p = &b->items[i];
        if (!p->cmd || !p->env)
            continue;
        const user_t *caller = s_candidate(run->env, p);
        /* the same request twice in one batch (a resend): the copy replays on the ordinary
         * path */
        for (int k = 0; caller && k < run->n_cands; k++)
            if (run->cands[k].caller->id == caller->id &&
                b->items[run->cands[k].item].request_id == p->request_id)
                caller = NULL;
        if (caller) {
            Lkip__Envelope__BodyCase kind = p->env->body_case;
            run->cands[run->n_cands++] =
                (s_cand_t){.item = i,
                           .caller = caller,
                           .r = kind == LKIP__ENVELOPE__BODY_STEP ? p->env->step : NULL,
                           .sub = kind == LKIP__ENVELOPE__BODY_SUBMIT ? p->env->submit : NULL,
                           .upload = kind == LKIP__ENVELOPE__BODY_UPLOAD,
                           .ref = s_named_ref(p),
                           .inst = -1};
            continue;
        }
        if (!p->cmd->mutating || p->env->body_case == LKIP__ENVELOPE__BODY_START)
            continue; /* reads touch nothing; a start makes a new instance */
        const char *ref = s_named_ref(p);
        if (ref)
            s_taint(run, i, p->org_id, ref, 0);
        else
            run->barrier = i;
    }
    while (run->n_cands && run->cands[run->n_cands - 1].item > run->barrier)
        run->n_cands--;
}

/* True when a request on the ordinary path before item may touch inst. */
static bool s_tainted(const s_run_t *run, int item, const db_instance_t *inst)
{
    for (int k = 0; k < run->n_taints; k++) {
        const s_taint_t *t = &run->taints[k];
        if (t->item >= item)
            continue;
        if (t->instance_id) {
            if (t->instance_id == inst->id)
                return true;
            continue;
        }
        if (t->org_id != inst->org_id)
            continue;
        const char *slash = strchr(t->ref, '/');
        size_t n = strlen(t->ref);
        if (!*t->ref)
            return true;
        if (strspn(t->ref, "0123456789") == n) {
            if (strtoll(t->ref, NULL, 10) == inst->id)
                return true;
        } else if (!slash || (strlen(inst->sop_code) == (size_t)(slash - t->ref) &&
                              strncasecmp(t->ref, inst->sop_code, strlen(inst->sop_code)) == 0 &&
                              strcmp(slash + 1, inst->period) == 0)) {
            return true;
        }
    }
    return false;
}

/* ---- step 1: locks, instances, stored replies, delegations --------------------------------- */

static void s_mark_users(s_run_t *run, db_res_t *r, bool with_request_id)
{
    for (int row = 0; r && row < db_res_rows(r); row++) {
        int64_t user = db_res_int(r, row, 0);
        const char *rid = with_request_id ? db_res_str(r, row, 1) : NULL;
        for (int k = 0; k < run->n_cands; k++) {
            s_cand_t *c = &run->cands[k];
            if (c->caller->id != user)
                continue;
            if (!rid || strtoull(rid, NULL, 10) == run->b->items[c->item].request_id)
                c->ordinary = true;
        }
    }
}

static int s_load(s_run_t *run)
{
    int n = run->n_cands;
    int64_t *orgs = xcalloc((size_t)n, sizeof *orgs), *users = xcalloc((size_t)n, sizeof *users);
    int64_t *units = xcalloc((size_t)n, sizeof *units);
    uint64_t *rids = xcalloc((size_t)n, sizeof *rids);
    const char **refs = xcalloc((size_t)n, sizeof *refs);
    for (int k = 0; k < n; k++) {
        orgs[k] = run->cands[k].caller->org_id;
        users[k] = run->cands[k].caller->id;
        units[k] = run->cands[k].sub ? run->cands[k].caller->unit_id : 0;
        rids[k] = run->b->items[run->cands[k].item].request_id;
        refs[k] = run->cands[k].ref;
    }
    db_pipe_t *pipe = db_pipe_new(run->env->db);
    db_pipe_add(pipe, "BEGIN", NULL);
    /* The batch's statements take arrays whose length the planner cannot know: left to itself
     * it planned the load afresh for every batch (custom plans looked cheaper than the generic
     * one), and planning cost more than running it. They are written to find every row through
     * an index whatever the plan, so the plan made once per connection serves. */
    db_pipe_add(pipe, "SET LOCAL plan_cache_mode = force_generic_plan", NULL);
    db_flow_load_many(pipe, orgs, refs, units, n); /* statements 2 (locks) and 3 (rows) */
    /* after the locks: a copy of a request committed by another daemon meanwhile is seen */
    db_request_find_many(pipe, users, rids, n);
    db_delegations_held(pipe, users, n);
    /* the letter sequences and active units of the step commands' organisations: a numbering
     * step or a fan-out then needs no statement of its own (any step may be one; each read
     * costs an index lookup) */
    int n_step_orgs = 0;
    for (int k = 0; k < n; k++)
        if (run->cands[k].r)
            orgs[n_step_orgs++] = run->cands[k].caller->org_id;
    if (n_step_orgs) {
        db_flow_letter_seqs(pipe, orgs, n_step_orgs); /* statement 6 */
        db_flow_org_units(pipe, orgs, n_step_orgs);   /* statement 7 */
    }
    for (int k = 0; k < n_step_orgs; k++)
        flowset_org_read(run->set, orgs[k]);
    free(orgs);
    free(users);
    free(units);
    free(rids);
    free(refs);
    int rc = db_pipe_run(pipe);
    if (rc == 0) {
        db_res_t *rows = db_pipe_take(pipe, 3), *stored = db_pipe_take(pipe, 4),
                 *deleg = db_pipe_take(pipe, 5);
        int *idx = NULL;
        db_instance_t *insts = NULL;
        db_flow_head_t *heads = NULL;
        db_task_state_t *tasks = NULL;
        int m = db_flow_many_rows(rows, &idx, &insts, &heads, &tasks);
        run->insts = xcalloc((size_t)m + 1, sizeof *run->insts);
        run->heads = xcalloc((size_t)m + 1, sizeof *run->heads);
        for (int k = 0; k < m; k++) {
            int at = -1;
            for (int j = 0; j < run->n_insts && at < 0; j++)
                if (run->insts[j].id == insts[k].id)
                    at = j;
            if (at < 0) { /* the first row of an instance is kept */
                at = run->n_insts++;
                run->insts[at] = insts[k];
                run->heads[at] = heads[k];
            } else {
                db_instance_clear(&insts[k]);
                db_flow_head_clear(&heads[k]);
            }
            run->cands[idx[k]].inst = at;
            run->cands[idx[k]].task = tasks[k];
        }
        free(tasks);
        free(idx);
        free(insts);
        free(heads);
        s_mark_users(run, stored, true);
        s_mark_users(run, deleg, false);
        db_res_t *seqs = n_step_orgs ? db_pipe_take(pipe, 6) : NULL;
        for (int row = 0; seqs && row < db_res_rows(seqs); row++)
            flowset_letter_seq(run->set, db_res_int(seqs, row, 0), (int)db_res_int(seqs, row, 1),
                               (int)db_res_int(seqs, row, 2));
        db_res_free(&seqs);
        db_res_t *org_units = n_step_orgs ? db_pipe_take(pipe, 7) : NULL;
        for (int row = 0; org_units && row < db_res_rows(org_units); row++)
            flowset_org_unit(run->set, db_res_int(org_units, row, 0), db_res_int(org_units, row, 1),
                             db_res_str(org_units, row, 2));
        db_res_free(&org_units);
        db_res_free(&rows);
        db_res_free(&stored);
        db_res_free(&deleg);
    }
    db_pipe_destroy(&pipe);
    return rc;
}

/* ---- step 2: the engine, in memory --------------------------------------------------------- */

/* The status header of the reply, from the instance as the batch left it. */
static void s_attach(cmd_ctx_t *ctx, const db_instance_t *inst, const db_flow_head_t *h,
                     int64_t now)
{
    Lkip__InstanceStatus *s = xmalloc(sizeof *s);
    lkip__instance_status__init(s);
    s->id = inst->id;
    s->org_code = xstrdup(inst->org_code);
    s->sop_code = xstrdup(inst->sop_code);
    s->sop_version = h->sop_version;
    s->sop_title = xstrdup(h->sop_title);
    s->period = xstrdup(inst->period);
    s->state = xstrdup(inst->active ? "active" : "done");
    s->current_step = inst->current_step;
    s->steps = h->steps;
    s->started_at = h->started_at;
    s->started_by = xstrdup(h->started_by);
    s->finished_at = inst->active ? 0 : h->finished_at ? h->finished_at : now;
    s->letter_number = xstrdup(h->letter_number);
    s->archive_sha256 = xstrdup(h->archive_sha256);
    s->archive_ref = xstrdup(h->archive_ref);
    s->archive_version = h->archive_version;
    s->time_zone = xstrdup(inst->time_zone);
    s->started_as = xstrdup(h->started_as);
    cmd_reply_instance(ctx, s);
}

static engine_cmd_kind_t s_kind(Lkip__StepAction a)
{
    return a == LKIP__STEP_ACTION__APPROVE  ? ENGINE_APPROVE
           : a == LKIP__STEP_ACTION__RETURN ? ENGINE_RETURN
                                            : ENGINE_DONE;
}

/* Records an answered request: its audit row (and stored reply when accepted). */
static void s_record(s_run_t *run, const s_cand_t *c, cmd_ctx_t *ctx, bool accepted)
{
    const pending_t *p = &run->b->items[c->item];
    const Lkip__Reply *r = ctx->reply;
    if (!accepted) {
        db_auditset_refused(&run->audit, c->caller->id, p->cmd->name, r->status, r->code,
                            ctx->instance_id, ctx->step_no, r->message);
        return;
    }
    size_t len = lkip__reply__get_packed_size(r);
    uint8_t *buf = xmalloc(len);
    lkip__reply__pack(r, buf);
    db_auditset_accepted(&run->audit, c->caller->id, p->request_id, p->cmd->name, buf, len,
                         r->status, r->code, ctx->instance_id, ctx->step_no,
                         strbuf_str(&ctx->detail), strbuf_str(&ctx->acting_as));
    free(buf);
}

/* A step command decided by the engine and flow. */
static flow_rc_t s_decide_step(s_run_t *run, s_cand_t *c, cmd_ctx_t *ctx, db_instance_t *inst,
                               db_flow_head_t *head, const sopdef_t *def)
{
    engine_cmd_t cmd = {.kind = s_kind(c->r->action),
                        .role = c->caller->role,
                        .text = c->r->note,
                        .step_no = c->r->step_no};
    cmd_step_detail(ctx, c->r, cmd.step_no, inst);
    flow_t f = {.ctx = ctx,
                .inst = inst,
                .def = def,
                .text = c->r->note,
                .archive_ref = c->r->archive_ref,
                .unit_formats = head->unit_formats,
                .docs = &head->docs,
                .set = run->set};
    flow_rc_t rc = flow_run(&f, &cmd);
    if (rc == FLOW_ACCEPTED && f.letter[0]) { /* the reply's status shows the number */
        free(head->letter_number);
        head->letter_number = xstrdup(f.letter);
    }
    if (rc == FLOW_ACCEPTED && f.opened_units) /* the tasks' ids come with the writes */
        s_taint(run, c->item, 0, "", inst->id);
    if (rc == FLOW_ACCEPTED && f.archived) { /* and the archive */
        free(head->archive_sha256);
        head->archive_sha256 = xstrdup(f.sha256);
        free(head->archive_ref);
        head->archive_ref = xstrdup(c->r->archive_ref);
        head->archive_version = f.doc_version;
    }
    cmd_reply_outcome(ctx, &f.out);
    flow_clear(&f);
    return rc;
}

/* After an accepted unit's data: the unit counts as submitted on the instance in memory, and
 * the batch's later submissions of the same task see its version. */
static void s_submitted(s_run_t *run, const s_cand_t *c, db_instance_t *inst)
{
    if (strcmp(c->task.state, "open") == 0)
        inst->units_submitted++;
    for (int k = 0; k < run->n_cands; k++) {
        s_cand_t *o = &run->cands[k];
        if (o->sub && o->task.id == c->task.id && o->item > c->item) {
            o->task.version = c->task.version + 1;
            snprintf(o->task.state, sizeof o->task.state, "submitted");
        }
    }
}

/* Decides one candidate in memory. -1: a database failure (the batch falls back). */
static int s_decide(s_run_t *run, s_cand_t *c)
{
    const stepset_env_t *env = run->env;
    db_instance_t *inst = &run->insts[c->inst];
    const sopdef_t *def = defcache_get(env->defs, env->db, inst->def_id);
    if (!def)
        return -1;
    const pending_t *p = &run->b->items[c->item];
    cmd_ctx_t ctx = {.db = env->db,
                     .cfg = env->cfg,
                     .caller = c->caller,
                     .req = p->env,
                     .now = run->now,
                     .reply = batch_reply_new(),
                     .instance_id = inst->id,
                     .step_no = c->r ? c->r->step_no : 0,
                     .defs = env->defs,
                     .deadlines = env->deadlines,
                     .clock = env->clock};
    int step_before = inst->current_step;
    bool active_before = inst->active;
    flow_rc_t rc = c->sub ? cmd_submit_decide(&ctx, inst, def, &c->task, run->set)
                   : c->upload
                       ? cmd_upload_decide(&ctx, inst, def, &run->heads[c->inst].docs, run->set)
                       : s_decide_step(run, c, &ctx, inst, &run->heads[c->inst], def);
    int out = 0;
    if (rc == FLOW_REFUSED && ctx.reply->status >= 500) {
        out = -1; /* a database failure under way (the calendar): not the request's fault */
    } else if (rc == FLOW_NOT_IN_SET) {
        c->ordinary = true;
        if (c->r)
            s_memo_add(env->memo, inst->sop_code, c->r->step_no, c->r->action);
        s_taint(run, c->item, inst->org_id, "", inst->id);
    } else {
        bool accepted = rc == FLOW_ACCEPTED;
        if (accepted) {
            if (c->r || inst->current_step != step_before || inst->active != active_before)
                flowset_instance(run->set, inst->id, inst->current_step, inst->active, run->now);
            if (c->r) /* a step's reply carries the instance's status */
                s_attach(&ctx, inst, &run->heads[c->inst], run->now);
            else if (c->sub)
                s_submitted(run, c, inst);
            outq_move(&run->events, &ctx.events);
        }
        s_record(run, c, &ctx, accepted);
        run->replies[c->item] = ctx.reply;
        ctx.reply = NULL;
    }
    if (ctx.reply)
        lkip__reply__free_unpacked(ctx.reply, NULL);
    outq_clear(&ctx.events);
    strbuf_free(&ctx.detail);
    strbuf_free(&ctx.acting_as);
    return out;
}

static int s_decide_all(s_run_t *run)
{
    for (int k = 0; k < run->n_cands; k++) {
        s_cand_t *c = &run->cands[k];
        if (!c->ordinary && c->inst >= 0 && s_tainted(run, c->item, &run->insts[c->inst]))
            c->ordinary = true;
        if (c->ordinary || c->inst < 0) {
            /* what it touches stays with the ordinary path from here on */
            if (c->inst >= 0)
                s_taint(run, c->item, 0, "", run->insts[c->inst].id);
            else
                s_taint(run, c->item, c->caller->org_id, c->ref, 0);
            continue;
        }
        if (s_decide(run, c) != 0)
            return -1;
    }
    return 0;
}

/* ---- step 3: the writes -------------------------------------------------------------------- */

/* The writes of the batch, in a pipeline the caller runs (with the COMMIT when nothing else
 * remains to run). */
static db_pipe_t *s_writes(s_run_t *run)
{
    db_pipe_t *pipe = db_pipe_new(run->env->db);
    flowset_add_writes(run->set, pipe);
    db_auditset_add(&run->audit, pipe);
    return pipe;
}

static void s_free(s_run_t *run)
{
    for (int k = 0; k < run->n_insts; k++) {
        db_instance_clear(&run->insts[k]);
        db_flow_head_clear(&run->heads[k]);
    }
    free(run->insts);
    free(run->heads);
    free(run->cands);
    free(run->taints);
    flowset_destroy(&run->set);
    db_auditset_free(&run->audit);
    outq_clear(&run->events);
    for (int i = 0; i < run->b->n; i++)
        if (run->replies[i])
            lkip__reply__free_unpacked(run->replies[i], NULL);
    free(run->replies);
}

stepset_rc_t stepset_run(const stepset_env_t *env, batch_t *b, int64_t now, outq_t *events,
                         bool *handled, db_pipe_t **writes)
{
    s_run_t run = {.env = env, .b = b, .now = now};
    run.replies = xcalloc((size_t)b->n + 1, sizeof *run.replies);
    s_sort(&run);
    if (run.n_cands == 0) {
        s_free(&run);
        return STEPSET_NONE;
    }
    run.set = flowset_new();
    stepset_rc_t rc = STEPSET_FALLBACK;
    if (s_load(&run) != 0)
        log_warn("the batch's set load failed: %s", db_error(env->db));
    else if (s_decide_all(&run) == 0)
        rc = STEPSET_DONE;
    if (rc == STEPSET_DONE) {
        *writes = s_writes(&run);
        int answered = 0;
        for (int i = 0; i < b->n; i++)
            if (run.replies[i]) {
                b->items[i].reply = run.replies[i];
                run.replies[i] = NULL;
                handled[i] = true;
                answered++;
            }
        outq_move(events, &run.events);
        log_debug("batch of %d: %d request(s) for the set path, %d answered on it", b->n,
                  run.n_cands, answered);
    }
    s_free(&run);
    return rc;
}
