/* engine — see engine.h. */
#include "engine.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void s_refuse(engine_result_t *out, int status, const char *code, const char *fmt, ...)
    PRINTF(4, 5);

static void s_refuse(engine_result_t *out, int status, const char *code, const char *fmt, ...)
{
    out->status = status;
    out->code = code;
    out->capacity = NULL;
    out->n_effects = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out->message, sizeof out->message, fmt, ap);
    va_end(ap);
}

static void s_accept(engine_result_t *out, int status, const char *fmt, ...) PRINTF(3, 4);

static void s_accept(engine_result_t *out, int status, const char *fmt, ...)
{
    out->status = status;
    out->code = "ok";
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out->message, sizeof out->message, fmt, ap);
    va_end(ap);
}

static engine_effect_t *s_effect(engine_result_t *out, engine_effect_kind_t kind, int step_no)
{
    /* the longest path (start + fan-out ...) stays far below the limit */
    if (out->n_effects >= ENGINE_MAX_EFFECTS)
        abort(); /* programmer error: a path with more effects than the array holds */
    engine_effect_t *e = &out->effects[out->n_effects++];
    memset(e, 0, sizeof *e);
    e->kind = kind;
    e->step_no = step_no;
    return e;
}

static void s_notify(engine_result_t *out, Lkip__EventKind event, int step_no, engine_text_t text,
                     engine_audience_t to, int to_step)
{
    engine_effect_t *e = s_effect(out, EFF_NOTIFY, step_no);
    e->event = event;
    e->text = text;
    e->n_audience = 1;
    e->audience[0] = to;
    e->audience_step[0] = to_step;
}

/* Adds a second audience to the last NOTIFY effect. */
static void s_also(engine_result_t *out, engine_audience_t to, int to_step)
{
    if (out->n_effects < 1 || out->effects[out->n_effects - 1].kind != EFF_NOTIFY)
        abort(); /* programmer error: no NOTIFY effect to add to */
    engine_effect_t *e = &out->effects[out->n_effects - 1];
    if (e->n_audience >= ENGINE_MAX_AUDIENCE)
        abort(); /* programmer error: more audiences than the array holds */
    e->audience[e->n_audience] = to;
    e->audience_step[e->n_audience] = to_step;
    e->n_audience++;
}

static const sop_step_t *s_step(const engine_instance_t *inst, int no)
{
    return sopdef_step(inst->def, no);
}

/* Decides whether the caller may act on step, in its own role or under one of its delegations
 * (Plh./Plt.). Sets out->capacity for a delegation; on refusal fills out and returns false. */
static bool s_may_act(const engine_cmd_t *cmd, const sop_step_t *step, engine_result_t *out)
{
    if (strcmp(cmd->role, step->actor) == 0)
        return true;
    const engine_delegation_t *inactive = NULL;
    for (int i = 0; i < cmd->n_delegations; i++) {
        const engine_delegation_t *d = &cmd->delegations[i];
        if (strcmp(d->role, step->actor) != 0)
            continue;
        if (!d->active) {
            inactive = d;
            continue;
        }
        if (cmd->acted_in_round) {
            s_refuse(out, 403, "own_work",
                     "Anda sudah mengerjakan langkah pada putaran ini; selaku %s Anda tidak "
                     "boleh mengerjakan langkah %d (%s) atas pekerjaan Anda sendiri",
                     d->capacity, step->no, step->uraian);
            return false;
        }
        out->capacity = d->capacity;
        return true;
    }
    if (inactive)
        s_refuse(out, 403, "delegation_inactive",
                 "Pelimpahan Anda selaku %s hanya berlaku %s; langkah %d (%s) dikerjakan oleh "
                 "%s",
                 inactive->capacity, inactive->period, step->no, step->uraian, step->actor);
    else
        s_refuse(out, 403, "wrong_role", "Langkah %d (%s) dikerjakan oleh %s; peran Anda %s",
                 step->no, step->uraian, step->actor, cmd->role);
    return false;
}

/* Finishes the open step with outcome, tells the watchers, and moves to step `next` (0: the
 * instance is finished). */
static void s_advance(const engine_instance_t *inst, engine_result_t *out, int current,
                      engine_outcome_t outcome, engine_text_t text)
{
    engine_effect_t *finish = s_effect(out, EFF_FINISH_STEP, current);
    finish->outcome = outcome;
    finish->automatic = text == TEXT_AUTOMATIC;
    s_notify(out, LKIP__EVENT_KIND__EVENT_STEP_DONE, current, text, TO_WATCHERS, 0);
    int next = current + 1;
    if (next > inst->def->n_steps) {
        s_effect(out, EFF_FINISH_INSTANCE, current);
        s_notify(out, LKIP__EVENT_KIND__EVENT_INSTANCE_DONE, current, TEXT_NONE, TO_PARTICIPANTS,
                 0);
        return;
    }
    s_effect(out, EFF_OPEN_STEP, next);
    s_notify(out, LKIP__EVENT_KIND__EVENT_STEP_ASSIGNED, next, TEXT_NONE, TO_STEP_ACTOR, next);
}

static void s_done_message(const engine_instance_t *inst, engine_result_t *out, int current,
                           const char *verb)
{
    const sop_step_t *step = s_step(inst, current);
    const sop_step_t *next = s_step(inst, current + 1);
    if (next)
        s_accept(out, 200, "Langkah %d (%s) %s; langkah %d (%s) diteruskan kepada %s", current,
                 step->uraian, verb, next->no, next->uraian, next->actor);
    else
        s_accept(out, 200, "Langkah %d (%s) %s; SOP selesai", current, step->uraian, verb);
}

/* True when step needs a document uploaded in the open run and has none yet. */
static bool s_lacks_document(const engine_instance_t *inst, const sop_step_t *step)
{
    return step->document == SOP_DOC_REQUIRED && !inst->doc_in_round;
}

/* Refuses to complete step for want of its document; "dokumen: wajib" holds for every kind. */
static void s_refuse_document(engine_result_t *out, const sop_step_t *step)
{
    s_refuse(out, 422, "document_required",
             "Langkah %d (%s) membutuhkan dokumen \"%s\"; unggah dahulu dengan: lkip "
             "upload BERKAS",
             step->no, step->uraian, step->output);
}

/* Completes a non-decision step (DONE). */
static void s_done(const engine_instance_t *inst, const engine_cmd_t *cmd, engine_result_t *out)
{
    const sop_step_t *step = s_step(inst, inst->current_step);
    /* a draft step's document is the draft when nothing was uploaded: written now, before the
     * run closes, so that the next step starts from it */
    if (step->makes_draft) {
        if (!inst->doc_in_round && !inst->draft_in_round)
            s_effect(out, EFF_MAKE_DRAFT, step->no);
    } else if (step->kind != SOP_DECISION && s_lacks_document(inst, step)) {
        s_refuse_document(out, step);
        return;
    }
    /* the definition says whether this step makes the formats; the effect comes first, so that
     * a fan-out in the same step hands out what was just made */
    if (step->makes_unit_formats)
        s_effect(out, EFF_MAKE_UNIT_FORMATS, step->no);
    switch (step->kind) {
    case SOP_TASK:
        s_advance(inst, out, step->no, OUTCOME_DONE, TEXT_COMMAND);
        break;
    case SOP_FANOUT:
        s_effect(out, EFF_OPEN_UNIT_TASKS, step->no);
        s_advance(inst, out, step->no, OUTCOME_DONE, TEXT_COMMAND);
        break;
    case SOP_FANIN:
        if (inst->units_submitted < inst->units_total) {
            s_effect(out, EFF_CLOSE_MISSING_UNITS, step->no);
            s_advance(inst, out, step->no, OUTCOME_CLOSED, TEXT_COMMAND);
            s_done_message(inst, out, step->no, "ditutup");
            snprintf(out->message + strlen(out->message),
                     sizeof out->message - strlen(out->message),
                     "; %d dari %d unit belum mengirim data dan dicatat tidak lengkap",
                     inst->units_total - inst->units_submitted, inst->units_total);
            return;
        }
        s_advance(inst, out, step->no, OUTCOME_DONE, TEXT_COMMAND);
        break;
    case SOP_DECISION:
        s_refuse(out, 400, "decision_required",
                 "Langkah %d (%s) adalah keputusan: gunakan \"lkip approve\" atau \"lkip return "
                 "--reason ALASAN\"",
                 step->no, step->uraian);
        return;
    case SOP_NUMBERING:
        s_effect(out, EFF_ALLOCATE_LETTER, step->no);
        s_advance(inst, out, step->no, OUTCOME_DONE, TEXT_LETTER);
        break;
    case SOP_ARCHIVE:
        if (!inst->has_document) {
            s_refuse(out, 422, "no_document",
                     "Belum ada dokumen yang dapat diarsipkan pada langkah %d (%s)", step->no,
                     step->uraian);
            return;
        }
        s_effect(out, EFF_ARCHIVE, step->no);
        s_advance(inst, out, step->no, OUTCOME_DONE, TEXT_ARCHIVE);
        break;
    }
    s_done_message(inst, out, step->no, "selesai");
}

static void s_decide(const engine_instance_t *inst, const engine_cmd_t *cmd, engine_result_t *out)
{
    const sop_step_t *step = s_step(inst, inst->current_step);
    if (step->kind != SOP_DECISION) {
        s_refuse(out, 400, "not_a_decision",
                 "Langkah %d (%s) bukan langkah keputusan: gunakan \"lkip done\"", step->no,
                 step->uraian);
        return;
    }
    if (cmd->kind == ENGINE_APPROVE) {
        if (s_lacks_document(inst, step)) {
            s_refuse_document(out, step);
            return;
        }
        s_advance(inst, out, step->no, OUTCOME_APPROVED, TEXT_COMMAND);
        s_done_message(inst, out, step->no, "disetujui");
        return;
    }
    /* any ASCII white space: a lone CRLF from a Windows client is no written reason */
    const char *r = cmd->text ? cmd->text : "";
    while (isspace((unsigned char)*r))
        r++;
    if (!*r) {
        s_refuse(out, 400, "reason_required",
                 "Pengembalian wajib disertai alasan tertulis (--reason \"...\")");
        return;
    }
    const sop_step_t *target = s_step(inst, step->return_to);
    s_effect(out, EFF_FINISH_STEP, step->no)->outcome = OUTCOME_RETURNED;
    s_effect(out, EFF_OPEN_STEP, target->no);
    s_notify(out, LKIP__EVENT_KIND__EVENT_RETURNED, target->no, TEXT_COMMAND, TO_STEP_ACTOR,
             target->no);
    s_also(out, TO_WATCHERS, 0);
    s_accept(out, 200, "Langkah %d (%s) dikembalikan ke langkah %d (%s) kepada %s", step->no,
             step->uraian, target->no, target->uraian, target->actor);
}

static void s_upload(const engine_instance_t *inst, engine_result_t *out)
{
    const sop_step_t *step = s_step(inst, inst->current_step);
    if (step->document == SOP_DOC_NONE) {
        s_refuse(out, 409, "no_document_step",
                 "Langkah %d (%s) tidak menghasilkan dokumen; unggahan tidak diterima", step->no,
                 step->uraian);
        return;
    }
    s_effect(out, EFF_STORE_DOCUMENT, step->no);
    s_notify(out, LKIP__EVENT_KIND__EVENT_DOCUMENT_UPLOADED, step->no, TEXT_NONE, TO_WATCHERS, 0);
    s_accept(out, 201, "Dokumen versi baru diterima pada langkah %d (%s)", step->no, step->uraian);
}

/* The definition's draft_lkip step, or NULL. */
static const sop_step_t *s_draft_step(const sopdef_t *def)
{
    for (int i = 0; i < def->n_steps; i++)
        if (def->steps[i].makes_draft)
            return &def->steps[i];
    return NULL;
}

/* Writes the draft again on request: at the draft step or at the step after it, whose actor
 * works from the draft (the caller's right to act on the open step was checked). */
static void s_draft(const engine_instance_t *inst, engine_result_t *out)
{
    const sop_step_t *step = s_step(inst, inst->current_step);
    const sop_step_t *draft = s_draft_step(inst->def);
    if (!draft) {
        s_refuse(out, 409, "no_draft_step", "SOP ini tidak menghasilkan draft LKIP");
        return;
    }
    if (step->no != draft->no && step->no != draft->no + 1) {
        s_refuse(out, 409, "not_draft_step",
                 "Draft LKIP hanya dibuat ulang pada langkah %d (%s) atau langkah sesudahnya; "
                 "langkah yang terbuka sekarang: %d (%s); draft yang ada dapat diunduh dengan: "
                 "lkip draft",
                 draft->no, draft->uraian, step->no, step->uraian);
        return;
    }
    s_effect(out, EFF_MAKE_DRAFT, step->no);
    s_notify(out, LKIP__EVENT_KIND__EVENT_DRAFT_MADE, step->no, TEXT_NONE, TO_WATCHERS, 0);
    if (step->no == draft->no && s_step(inst, step->no + 1))
        s_also(out, TO_STEP_ACTOR, step->no + 1);
    s_accept(out, 201, "Draft LKIP dibuat pada langkah %d (%s)", step->no, step->uraian);
}

static const sop_step_t *s_fanout_step(const sopdef_t *def)
{
    for (int i = 0; i < def->n_steps; i++)
        if (def->steps[i].kind == SOP_FANOUT)
            return &def->steps[i];
    return NULL;
}

static void s_submit(const engine_instance_t *inst, const engine_cmd_t *cmd, engine_result_t *out)
{
    const sop_step_t *step = s_step(inst, inst->current_step);
    const sop_step_t *fanout = s_fanout_step(inst->def);
    if (!fanout || step->kind != SOP_FANIN) {
        s_refuse(out, 409, "collection_closed",
                 "Pengumpulan data unit tidak sedang dibuka (langkah yang terbuka: %d, %s)",
                 step->no, step->uraian);
        return;
    }
    if (strcmp(cmd->role, fanout->unit_role) != 0) {
        s_refuse(out, 403, "wrong_role", "Data unit dikirim oleh peran %s; peran Anda %s",
                 fanout->unit_role, cmd->role);
        return;
    }
    if (cmd->unit_state == ENGINE_UNIT_NO_TASK || cmd->unit_state == ENGINE_UNIT_MISSING) {
        s_refuse(out, 403, "no_unit_task",
                 "Unit Anda tidak memiliki tugas pengisian data yang "
                 "terbuka pada SOP ini");
        return;
    }
    s_effect(out, EFF_RECORD_UNIT_DATA, step->no);
    s_notify(out, LKIP__EVENT_KIND__EVENT_UNIT_SUBMITTED, step->no, TEXT_NONE, TO_STEP_ACTOR,
             step->no);
    s_also(out, TO_WATCHERS, 0);
    int submitted = inst->units_submitted + (cmd->unit_state == ENGINE_UNIT_OPEN ? 1 : 0);
    if (submitted >= inst->units_total && s_lacks_document(inst, step)) {
        /* the actor's own document is still missing: the actor completes the step */
        s_accept(out, 201,
                 "Data unit diterima; semua unit (%d) telah mengirim data; langkah %d (%s) "
                 "menunggu dokumen \"%s\" sebelum diselesaikan",
                 inst->units_total, step->no, step->uraian, step->output);
        return;
    }
    if (submitted >= inst->units_total) {
        /* every unit has sent its data: the collection step is done by itself, by no person
         * (the unit that sent last is the actor of its submission only) */
        s_advance(inst, out, step->no, OUTCOME_DONE, TEXT_AUTOMATIC);
        s_accept(out, 201,
                 "Data unit diterima; semua unit (%d) telah mengirim data, langkah %d (%s) "
                 "selesai",
                 inst->units_total, step->no, step->uraian);
        return;
    }
    s_accept(out, 201, "Data unit diterima (%d dari %d unit telah mengirim)", submitted,
             inst->units_total);
}

static void s_start(const engine_instance_t *inst, const engine_cmd_t *cmd, engine_result_t *out)
{
    const sop_step_t *first = s_step(inst, 1);
    if (!s_may_act(cmd, first, out)) {
        if (strcmp(out->code, "wrong_role") == 0)
            s_refuse(out, 403, "wrong_role",
                     "SOP ini dimulai oleh %s (langkah 1: %s); peran Anda %s", first->actor,
                     first->uraian, cmd->role);
        return;
    }
    s_effect(out, EFF_OPEN_STEP, 1);
    /* step 1 is the order itself when it is a plain task: starting completes it */
    if (first->kind == SOP_TASK && first->document != SOP_DOC_REQUIRED) {
        if (first->makes_unit_formats)
            s_effect(out, EFF_MAKE_UNIT_FORMATS, 1);
        engine_instance_t opened = *inst;
        opened.active = true;
        opened.current_step = 1;
        s_advance(&opened, out, 1, OUTCOME_DONE, TEXT_COMMAND);
        s_done_message(&opened, out, 1, "selesai");
    } else {
        s_notify(out, LKIP__EVENT_KIND__EVENT_STEP_ASSIGNED, 1, TEXT_NONE, TO_STEP_ACTOR, 1);
        s_accept(out, 201, "SOP dimulai; langkah 1 (%s) diteruskan kepada %s", first->uraian,
                 first->actor);
    }
    out->status = 201;
}

void engine_apply(const engine_instance_t *inst, const engine_cmd_t *cmd, engine_result_t *out)
{
    memset(out, 0, sizeof *out);
    if (cmd->kind == ENGINE_START) {
        s_start(inst, cmd, out);
        return;
    }
    if (!inst->active) {
        s_refuse(out, 409, "instance_finished", "SOP ini sudah selesai; tidak ada langkah terbuka");
        return;
    }
    const sop_step_t *step = s_step(inst, inst->current_step);
    if (cmd->kind == ENGINE_SUBMIT) {
        s_submit(inst, cmd, out);
        return;
    }
    if (cmd->step_no != inst->current_step) {
        s_refuse(out, 409, "step_changed",
                 "Langkah %d tidak sedang terbuka; langkah yang terbuka sekarang: %d (%s)",
                 cmd->step_no, step->no, step->uraian);
        return;
    }
    if (!s_may_act(cmd, step, out))
        return;
    switch (cmd->kind) {
    case ENGINE_DONE:
        s_done(inst, cmd, out);
        break;
    case ENGINE_APPROVE:
    case ENGINE_RETURN:
        s_decide(inst, cmd, out);
        break;
    case ENGINE_UPLOAD:
        s_upload(inst, out);
        break;
    case ENGINE_DRAFT:
        s_draft(inst, out);
        break;
    case ENGINE_START:
    case ENGINE_SUBMIT:
        break; /* handled above */
    }
}

const char *engine_outcome_name(engine_outcome_t outcome)
{
    static const char *const names[] = {"done", "approved", "returned", "closed"};
    return names[outcome];
}
