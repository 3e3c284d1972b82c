/* flow — see flow.h. */
#include "flow.h"

#include "db_delegation.h"
#include "db_flowset.h"
#include "db_format.h"
#include "db_outbox.h"
#include "deadline.h"
#include "event.h"
#include "formats.h"
#include "idfmt.h"
#include "letter.h"
#include "log.h"

/* flow says what to answer in f->out (outcome.h); only the handlers (cmd.h) fill the reply */
#ifdef LKIP_CMD_H
#error "flow.c answers no request: it returns an outcome, and cmd_reply_outcome replies"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The organisation's calendar; NULL with f->out saying why. */
static const calendar_t *s_calendar(flow_t *f)
{
    const calendar_t *cal = deadline_calendar(f->ctx->deadlines, f->ctx->db, f->inst->org_id,
                                              f->inst->calendar_version);
    if (!cal)
        outcome_db_failed(&f->out, "load calendar");
    return cal;
}

/* The due time of step assigned now (0 when the calendar has no working time ahead). */
static int64_t s_due(flow_t *f, const calendar_t *cal, const sop_step_t *step)
{
    int64_t due = 0;
    if (deadline_due(cal, f->inst->time_zone, step, f->ctx->now, &due) != 0) {
        log_warn("no due time for step %d of instance %lld: no working time ahead in %s", step->no,
                 (long long)f->inst->id, f->inst->org_code);
        return 0;
    }
    return due;
}

/* Adds role to the audience unless present. */
static void s_add_role(db_audience_t *to, const char *role)
{
    if (!role || !*role)
        return;
    for (int i = 0; i < to->n_roles; i++)
        if (strcmp(to->roles[i], role) == 0)
            return;
    if (to->n_roles < (int)ARRAY_LEN(to->roles))
        to->roles[to->n_roles++] = role;
}

static void s_audience(const flow_t *f, const engine_effect_t *e, db_audience_t *to)
{
    memset(to, 0, sizeof *to);
    to->org_id = f->inst->org_id;
    for (int i = 0; i < e->n_audience && i < ENGINE_MAX_AUDIENCE; i++) {
        switch (e->audience[i]) {
        case TO_STEP_ACTOR: {
            const sop_step_t *step = sopdef_step(f->def, e->audience_step[i]);
            s_add_role(to, step ? step->actor : NULL);
            break;
        }
        case TO_WATCHERS:
            s_add_role(to, f->def->watcher_role);
            break;
        case TO_PARTICIPANTS:
            for (int k = 0; k < f->def->n_steps; k++) {
                s_add_role(to, f->def->steps[k].actor);
                if (f->def->steps[k].kind == SOP_FANOUT)
                    s_add_role(to, f->def->steps[k].unit_role);
            }
            s_add_role(to, f->def->watcher_role);
            break;
        }
    }
}

/* An event of type about step_no (0: none) of f's instance. Strings point into f. */
static void s_event(const flow_t *f, Lkip__Event *ev, Lkip__EventKind type, int step_no)
{
    const sop_step_t *step = sopdef_step(f->def, step_no);
    event_about_t about = {
        .at = f->ctx->now,
        .instance_id = f->inst->id,
        .org_code = f->inst->org_code,
        .time_zone = f->inst->time_zone,
        .sop_code = f->inst->sop_code,
        .period = f->inst->period,
        .step_no = step_no,
        .step_title = step ? step->uraian : NULL,
        .actor = f->ctx->caller->name,
        .actor_capacity = f->capacity,
    };
    event_make(ev, type, &about);
}

static int s_emit(flow_t *f, const db_audience_t *to, const Lkip__Event *ev)
{
    outq_add(&f->ctx->events, to, ev);
    return 0;
}

static int s_notify(flow_t *f, const engine_effect_t *e, int64_t due)
{
    db_audience_t to;
    s_audience(f, e, &to);
    if (to.n_roles == 0)
        return 0;
    Lkip__Event ev;
    s_event(f, &ev, e->event, e->step_no);
    switch (e->text) {
    case TEXT_NONE:
        break;
    case TEXT_COMMAND:
        ev.text = (char *)(f->text ? f->text : "");
        ev.text_kind =
            e->event == LKIP__EVENT_KIND__EVENT_RETURNED ? EVENT_TEXT_REASON : EVENT_TEXT_NOTE;
        break;
    case TEXT_LETTER:
        ev.text = f->letter;
        ev.text_kind = EVENT_TEXT_LETTER;
        break;
    case TEXT_ARCHIVE:
        ev.text = f->sha256;
        ev.text_kind = EVENT_TEXT_ARCHIVE;
        break;
    case TEXT_AUTOMATIC:
        ev.text = ENGINE_AUTOMATIC_NOTE;
        ev.text_kind = EVENT_TEXT_AUTOMATIC;
        ev.actor = "";
        ev.actor_capacity = "";
        break;
    }
    /* the step that starts from the draft names it (so do the watchers' draft_made) */
    char *draft = NULL;
    if (f->made_draft && e->text == TEXT_NONE &&
        (e->event == LKIP__EVENT_KIND__EVENT_STEP_ASSIGNED ||
         e->event == LKIP__EVENT_KIND__EVENT_DRAFT_MADE)) {
        ev.text = draft = drafts_made_files(&f->draft);
        ev.text_kind = EVENT_TEXT_DRAFT;
    }
    if (f->unit_code && e->event == LKIP__EVENT_KIND__EVENT_UNIT_SUBMITTED)
        ev.unit_code = (char *)f->unit_code;
    if (e->event == LKIP__EVENT_KIND__EVENT_STEP_ASSIGNED ||
        e->event == LKIP__EVENT_KIND__EVENT_RETURNED)
        ev.due_at = due;
    int rc = s_emit(f, &to, &ev);
    free(draft);
    return rc;
}

/* The file name of unit_code's newest format among the n formats, or "". */
static const char *s_format_file(const db_format_row_t *formats, int n, const char *unit_code)
{
    for (int i = 0; i < n; i++)
        if (strcmp(formats[i].unit_code, unit_code) == 0)
            return formats[i].file_name;
    return "";
}

/* The file name of unit_id's newest format among the lines "unit_id\tfile_name" loaded with the
 * instance (set mode), or NULL. Caller frees. */
static char *s_loaded_format(const char *lines, int64_t unit_id)
{
    char key[32];
    int n = snprintf(key, sizeof key, "%lld\t", (long long)unit_id);
    for (const char *l = lines; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
        if (strncmp(l, key, (size_t)n) == 0)
            return xstrndup(l + n, strcspn(l + n, "\n"));
    return NULL;
}

/* One unit's task of a fan-out: its first timer (collected in set mode, task_id 0 then) and the
 * event that tells the unit, naming the format it is to fill (file_name, may be NULL). */
static int s_unit_task(flow_t *f, const sop_step_t *fanout, const sop_step_t *collect,
                       const calendar_t *cal, int64_t due, int64_t task_id, int64_t unit_id,
                       const char *unit_code, const char *file_name)
{
    if (f->set) {
        deadline_timer_t first;
        bool timer = due && deadline_next_timer(cal, f->inst->time_zone, collect, f->ctx->now, due,
                                                TIMER_REMINDER, 0, f->ctx->now, &first);
        flowset_unit_task(f->set, f->inst->id, unit_id, fanout->unit_role, f->ctx->now, due,
                          timer ? &first : NULL);
    } else if (due && deadline_schedule(f->ctx->db, cal, f->inst->time_zone, collect, f->inst->id,
                                        0, task_id, f->ctx->now, due, f->ctx->now) != 0) {
        outcome_db_failed(&f->out, "schedule unit task timers");
        return -1;
    }
    db_audience_t to = {
        .org_id = f->inst->org_id, .unit_id = unit_id, .unit_role = fanout->unit_role};
    Lkip__Event ev;
    s_event(f, &ev, LKIP__EVENT_KIND__EVENT_UNIT_TASK_ASSIGNED, fanout->no);
    ev.unit_code = (char *)unit_code;
    ev.due_at = due;
    ev.text = (char *)(f->text ? f->text : "");
    ev.text_kind = EVENT_TEXT_NOTE;
    ev.file_name = (char *)(file_name ? file_name : "");
    return s_emit(f, &to, &ev);
}

/* A fan-out: a task for each active unit of the organisation (read with the batch in set mode;
 * the batch's later requests on the instance then go to the ordinary path, which sees the
 * tasks' ids), with the collecting step's deadline. */
static int s_open_units(flow_t *f, const engine_effect_t *e)
{
    const sop_step_t *fanout = sopdef_step(f->def, e->step_no);
    /* the units' tasks share the collecting step's deadline and reminders */
    const sop_step_t *collect = sopdef_step(f->def, e->step_no + 1);
    if (!collect)
        collect = fanout;
    const calendar_t *cal = s_calendar(f);
    if (!cal)
        return -1;
    int64_t due = s_due(f, cal, collect);
    int rc = 0, n = 0;
    if (f->set) {
        const flowset_unit_t *units = flowset_units_of(f->set, f->inst->org_id, &n);
        for (int i = 0; i < n && rc == 0; i++) {
            char *file = s_loaded_format(f->unit_formats, units[i].id);
            rc = s_unit_task(f, fanout, collect, cal, due, 0, units[i].id, units[i].code, file);
            free(file);
        }
        f->opened_units = true;
        f->inst->units_total = n;
        return rc;
    }
    db_unit_task_t *tasks = NULL;
    n = db_flow_open_unit_tasks(f->ctx->db, f->inst->id, f->inst->org_id, fanout->unit_role,
                                f->ctx->now, due, &tasks);
    if (n < 0) {
        outcome_db_failed(&f->out, "open unit tasks");
        return -1;
    }
    /* each unit's task event names the format it is to fill, when the instance has formats */
    db_format_row_t *formats = NULL;
    int n_formats = db_format_list(f->ctx->db, f->inst->id, &formats);
    if (n_formats < 0) {
        outcome_db_failed(&f->out, "list unit formats");
        rc = -1;
    }
    for (int i = 0; i < n && rc == 0; i++)
        rc = s_unit_task(f, fanout, collect, cal, due, tasks[i].task_id, tasks[i].unit_id,
                         tasks[i].unit_code, s_format_file(formats, n_formats, tasks[i].unit_code));
    db_format_rows_free(formats, n_formats);
    f->inst->units_total = n;
    db_unit_tasks_free(tasks, n);
    return rc;
}

/* Set mode: the new run (with its first timer) joins the batch's writes. */
static void s_open_step_set(flow_t *f, const sop_step_t *step, const calendar_t *cal, int64_t due,
                            bool returned)
{
    deadline_timer_t first;
    bool timer = due && deadline_next_timer(cal, f->inst->time_zone, step, f->ctx->now, due,
                                            TIMER_REMINDER, 0, f->ctx->now, &first);
    flowset_open_run(f->set, f->inst->id, step->no, f->ctx->now, due, returned ? f->text : NULL,
                     timer ? &first : NULL);
    f->inst->current_step = step->no;
    f->inst->round = 0; /* its round is numbered by the writes: not known in memory */
    f->inst->doc_in_round = false;
    f->inst->draft_in_round = false;
}

static int s_open_step(flow_t *f, const engine_effect_t *e, int64_t *due)
{
    const sop_step_t *step = sopdef_step(f->def, e->step_no);
    const calendar_t *cal = s_calendar(f);
    if (!cal)
        return -1;
    *due = s_due(f, cal, step);
    /* a run opened by a return carries its reason */
    bool returned = e->step_no < f->inst->current_step;
    if (f->set) {
        s_open_step_set(f, step, cal, *due, returned);
        return 0;
    }
    int64_t run_id = 0;
    if (db_flow_open_run(f->ctx->db, f->inst->id, e->step_no, f->ctx->now, *due,
                         returned ? f->text : NULL, &run_id) != 0 ||
        (*due && deadline_schedule(f->ctx->db, cal, f->inst->time_zone, step, f->inst->id, run_id,
                                   0, f->ctx->now, *due, f->ctx->now) != 0)) {
        outcome_db_failed(&f->out, "open step");
        return -1;
    }
    f->inst->current_step = e->step_no;
    return 0;
}

static int s_letter(flow_t *f)
{
    time_t now = (time_t)f->ctx->now;
    struct tm tm;
    gmtime_r(&now, &tm);
    cal_min_t local_min = 0;
    /* the letter's date is the organisation's local date */
    if (deadline_to_local(f->inst->time_zone, f->ctx->now, &local_min) == 0) {
        time_t t = (time_t)(local_min * 60);
        gmtime_r(&t, &tm);
    }
    int year = tm.tm_year + 1900, seq = 0;
    if (f->set) /* the batch's sequences, in memory (s_settable made sure they were read) */
        seq = flowset_next_letter(f->set, f->inst->org_id, year);
    else if (db_flow_next_letter_seq(f->ctx->db, f->inst->org_id, year, &seq) != 0) {
        outcome_db_failed(&f->out, "letter sequence");
        return -1;
    }
    letter_fields_t lf = {f->inst->letter_kka, f->inst->org_code, seq, tm.tm_mon + 1, year};
    if (letter_format(f->inst->letter_template, &lf, f->letter, sizeof f->letter) != 0) {
        outcome_say(&f->out, LKIP__STATUS__CONFLICT, "bad_letter_template",
                    "Format nomor surat organisasi \"%s\" tidak sah; minta administrator "
                    "memperbaikinya",
                    f->inst->letter_template);
        return -1;
    }
    if (f->set)
        flowset_letter(f->set, f->inst->id, f->inst->org_id, f->letter, year, seq);
    else if (db_flow_set_letter(f->ctx->db, f->inst->id, f->letter, year, seq) != 0) {
        outcome_db_failed(&f->out, "letter number");
        return -1;
    }
    strbuf_printf(&f->ctx->detail, " letter=%s", f->letter);
    return 0;
}

/* The instance's newest upload (else its newest version) is archived with its hash: chosen in
 * memory in set mode (the batch's own uploads included; the writes find its id by version),
 * in the database otherwise. */
static int s_archive(flow_t *f)
{
    const char *ref = f->archive_ref ? f->archive_ref : "";
    if (f->set) {
        f->doc_version = f->docs->archivable;
        snprintf(f->sha256, sizeof f->sha256, "%s", f->docs->archivable_sha256);
        flowset_archive(f->set, f->inst->id, f->doc_version, f->sha256, ref, f->ctx->caller->id);
    } else if (db_flow_archive(f->ctx->db, f->inst->id, f->ctx->caller->id, ref, f->sha256,
                               &f->doc_version) != 0) {
        outcome_db_failed(&f->out, "apply workflow change");
        return -1;
    }
    f->archived = true;
    strbuf_printf(&f->ctx->detail, " archived=v%d sha256=%s", f->doc_version, f->sha256);
    return 0;
}

/* Adds text to the note the reply carries. */
static void s_note_add(flow_t *f, char *text)
{
    if (!f->note) {
        f->note = text;
        return;
    }
    char *both = xasprintf("%s. %s", f->note, text);
    free(f->note);
    free(text);
    f->note = both;
}

static int s_make_formats(flow_t *f)
{
    formats_made_t made = {0};
    int rc = formats_make(f->ctx, f->inst, &made, &f->out);
    if (rc == 0)
        s_note_add(f, formats_made_text(&made));
    formats_made_clear(&made);
    return rc;
}

static int s_make_draft(flow_t *f)
{
    if (drafts_make(f->ctx, f->inst, f->capacity, &f->draft, &f->out) != 0)
        return -1;
    f->made_draft = true;
    s_note_add(f, drafts_made_text(f->inst, &f->draft));
    return 0;
}

/* The submission becomes the task's next data version: collected for the batch in set mode,
 * written now (deferred with the batch's other statements) otherwise. */
static int s_record_data(flow_t *f)
{
    f->data_version = f->task_version + 1;
    db_unitdata_new_t d = {.task_id = f->task_id,
                           .version = f->data_version,
                           .data = f->data,
                           .file_name = f->file_name,
                           .content = f->content,
                           .len = f->len,
                           .format_id = f->format_id,
                           .user_id = f->ctx->caller->id,
                           .now = f->ctx->now};
    if (f->set) {
        flowset_unit_data(f->set, &d);
        return 0;
    }
    db_unitdata_t one = {0};
    db_unitdata_add(&one, &d);
    int rc = db_unitdata_write(f->ctx->db, &one);
    db_unitdata_clear(&one);
    if (rc != 0)
        outcome_db_failed(&f->out, "record unit data");
    return rc;
}

/* The upload becomes the instance's next document version: collected for the batch in set mode
 * (numbered from the version loaded with the instance), stored now otherwise. */
static int s_store_document(flow_t *f)
{
    db_document_new_t d = {.instance_id = f->inst->id,
                           .step_no = f->inst->current_step,
                           .round = f->inst->round,
                           .file_name = f->file_name,
                           .content = f->content,
                           .len = f->len,
                           .user_id = f->ctx->caller->id,
                           .as = f->capacity,
                           .now = f->ctx->now};
    int rc = 0;
    if (f->set) {
        sha256_hex(f->content, f->len, f->sha256);
        f->doc_version = ++f->docs->last_version;
        flowset_document(f->set, &d, f->doc_version, f->sha256);
        f->docs->archivable = f->doc_version; /* an upload, the newest */
        snprintf(f->docs->archivable_sha256, sizeof f->docs->archivable_sha256, "%s", f->sha256);
        f->inst->doc_in_round = true; /* what the batch's next requests see */
        f->inst->has_document = true;
    } else {
        rc = db_flow_store_document(f->ctx->db, &d, &f->doc_version, f->sha256);
    }
    if (rc == 0)
        strbuf_printf(&f->ctx->detail, " document=v%d sha256=%s", f->doc_version, f->sha256);
    else
        outcome_db_failed(&f->out, "apply workflow change");
    return rc;
}

/* The open run ends: by the caller, or by no one when every unit sent its data; collected for
 * the batch in set mode, written now otherwise. */
static int s_finish_step(flow_t *f, const engine_effect_t *e)
{
    cmd_ctx_t *ctx = f->ctx;
    int64_t by = e->automatic ? 0 : ctx->caller->id;
    const char *as = e->automatic ? NULL : f->capacity;
    const char *note = e->automatic ? ENGINE_AUTOMATIC_NOTE : f->text;
    const char *outcome = engine_outcome_name(e->outcome);
    int rc = 0;
    if (f->set)
        flowset_finish_run(f->set, f->inst->id, outcome, by, as, ctx->now, note);
    else
        rc = db_flow_finish_run(ctx->db, f->inst->id, outcome, by, as, ctx->now, note);
    if (rc != 0)
        outcome_db_failed(&f->out, "apply workflow change");
    else if (e->automatic)
        strbuf_printf(&ctx->detail, " step %d closed automatically (every unit sent)", e->step_no);
    return rc;
}

static int s_apply_one(flow_t *f, const engine_effect_t *e, int64_t *due)
{
    cmd_ctx_t *ctx = f->ctx;
    db_t *db = ctx->db;
    int rc = 0;
    if (f->set && e->kind == EFF_FINISH_INSTANCE) {
        f->inst->active = false;
        f->inst->current_step = 0;
        return 0;
    }
    switch (e->kind) {
    case EFF_FINISH_STEP:
        return s_finish_step(f, e);
    case EFF_OPEN_STEP:
        return s_open_step(f, e, due);
    case EFF_OPEN_UNIT_TASKS:
        return s_open_units(f, e);
    case EFF_MAKE_UNIT_FORMATS:
        return s_make_formats(f);
    case EFF_MAKE_DRAFT:
        return s_make_draft(f);
    case EFF_RECORD_UNIT_DATA:
        return s_record_data(f);
    case EFF_CLOSE_MISSING_UNITS: {
        free(f->missing);
        f->missing = NULL;
        rc = db_flow_close_missing(db, f->inst->id, &f->missing) < 0 ? -1 : 0;
        if (rc == 0 && f->missing && *f->missing)
            strbuf_printf(&ctx->detail, " missing=%s", f->missing);
        break;
    }
    case EFF_ALLOCATE_LETTER:
        return s_letter(f);
    case EFF_ARCHIVE:
        return s_archive(f);
    case EFF_STORE_DOCUMENT:
        return s_store_document(f);
    case EFF_FINISH_INSTANCE:
        rc = db_flow_finish(db, f->inst->id, ctx->now);
        f->inst->active = false;
        break;
    case EFF_NOTIFY:
        return s_notify(f, e, *due);
    }
    if (rc != 0)
        outcome_db_failed(&f->out, "apply workflow change");
    return rc;
}

static void s_engine_instance(const db_instance_t *inst, const sopdef_t *def, engine_instance_t *e)
{
    *e = (engine_instance_t){
        .def = def,
        .active = inst->active,
        .current_step = inst->current_step,
        .doc_in_round = inst->doc_in_round,
        .draft_in_round = inst->draft_in_round,
        .has_document = inst->has_document,
        .units_total = inst->units_total,
        .units_submitted = inst->units_submitted,
    };
}

/* The effects the set path collects (flowset); any other needs the ordinary path. A document
 * needs the round of the open run, unknown in memory once the batch opened the run; a letter
 * number, the organisation's sequences read by the batch's load. */
static bool s_settable(const flow_t *f, const engine_result_t *res)
{
    for (int i = 0; i < res->n_effects; i++)
        switch (res->effects[i].kind) {
        case EFF_FINISH_STEP:
        case EFF_OPEN_STEP:
        case EFF_FINISH_INSTANCE:
        case EFF_NOTIFY:
        case EFF_RECORD_UNIT_DATA:
            break;
        case EFF_STORE_DOCUMENT:
            if (!f->docs || f->inst->round <= 0)
                return false;
            break;
        case EFF_ARCHIVE: /* none to archive: the ordinary path's answer */
            if (!f->docs || f->docs->archivable <= 0)
                return false;
            break;
        case EFF_ALLOCATE_LETTER:
        case EFF_OPEN_UNIT_TASKS: /* the organisation's sequences and units were read */
            if (!flowset_org_known(f->set, f->inst->org_id))
                return false;
            break;
        default:
            return false;
        }
    return true;
}

bool flow_decide(flow_t *f, const engine_cmd_t *cmd)
{
    return flow_run(f, cmd) == FLOW_ACCEPTED;
}

flow_rc_t flow_run(flow_t *f, const engine_cmd_t *cmd)
{
    cmd_ctx_t *ctx = f->ctx;
    engine_instance_t e;
    s_engine_instance(f->inst, f->def, &e);
    engine_result_t res;
    engine_apply(&e, cmd, &res);
    if (res.status >= 400) {
        outcome_say(&f->out, res.status, res.code, "%s", res.message);
        return FLOW_REFUSED;
    }
    if (f->set && !s_settable(f, &res))
        return FLOW_NOT_IN_SET;
    f->capacity = res.capacity;
    if (flow_apply(f, &res) != 0)
        return FLOW_REFUSED;
    flow_note_capacity(ctx, res.capacity);
    strbuf_t msg = {0};
    strbuf_puts(&msg, res.message);
    if (res.capacity)
        strbuf_printf(&msg, " (selaku %s)", res.capacity);
    if (f->note)
        strbuf_printf(&msg, ". %s", f->note);
    outcome_say(&f->out, res.status, res.code, "%s", strbuf_str(&msg));
    strbuf_free(&msg);
    return FLOW_ACCEPTED;
}

void flow_note_capacity(cmd_ctx_t *ctx, const char *capacity)
{
    if (!capacity)
        return;
    strbuf_puts(&ctx->acting_as, capacity);
    strbuf_printf(&ctx->detail, " (as %s)", capacity);
}

int flow_apply(flow_t *f, const engine_result_t *res)
{
    int64_t due = 0; /* of the step opened last: assignment events carry it */
    for (int i = 0; i < res->n_effects; i++)
        if (s_apply_one(f, &res->effects[i], &due) != 0)
            return -1;
    return 0;
}

void flow_clear(flow_t *f)
{
    free(f->missing);
    f->missing = NULL;
    free(f->note);
    f->note = NULL;
    outcome_clear(&f->out);
}

/* ---- the caller's delegations ---------------------------------------------------------- */

void flow_deleg_clear(flow_deleg_t *d)
{
    db_delegations_free(d->rows, d->n);
    free(d->eng);
    free(d->period);
    memset(d, 0, sizeof *d);
}

static void s_day_text(const char *ymd, char *buf, size_t len)
{
    int y = 0, m = 0, day = 0;
    if (sscanf(ymd, "%d-%d-%d", &y, &m, &day) == 3)
        idfmt_date(y, m, day, buf, len);
    else
        snprintf(buf, len, "%s", ymd);
}

bool flow_delegations(cmd_ctx_t *ctx, int64_t instance_id, engine_cmd_t *cmd, flow_deleg_t *d,
                      outcome_t *o)
{
    memset(d, 0, sizeof *d);
    d->n = db_delegations_to(ctx->db, ctx->caller->id, ctx->now, &d->rows);
    if (d->n < 0) {
        d->n = 0;
        outcome_db_failed(o, "load delegations");
        return false;
    }
    d->eng = xcalloc((size_t)d->n + 1, sizeof *d->eng);
    d->period = xcalloc((size_t)d->n + 1, sizeof *d->period);
    bool any_active = false;
    for (int i = 0; i < d->n; i++) {
        char a[48], b[48];
        s_day_text(d->rows[i].first_day, a, sizeof a);
        s_day_text(d->rows[i].last_day, b, sizeof b);
        snprintf(d->period[i], sizeof d->period[i], "%s s.d. %s", a, b);
        d->eng[i] = (engine_delegation_t){.role = d->rows[i].from_role,
                                          .capacity = d->rows[i].capacity,
                                          .period = d->period[i],
                                          .active = d->rows[i].active};
        any_active |= d->rows[i].active;
    }
    cmd->delegations = d->eng;
    cmd->n_delegations = d->n;
    if (any_active && instance_id &&
        db_acted_in_round(ctx->db, instance_id, ctx->caller->id, &cmd->acted_in_round) != 0) {
        outcome_db_failed(o, "check the round");
        return false;
    }
    return true;
}
