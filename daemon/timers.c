/* timers — see timers.h. */
#include "timers.h"

#include "db_calendar.h"
#include "db_outbox.h"
#include "db_timers.h"
#include "event.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The audience of a timer's event: the actor, or for an escalation the actor's supervisor. */
static int s_audience(db_t *db, const db_timer_t *t, const sop_step_t *step, db_audience_t *to,
                      char *supervisor, size_t len)
{
    memset(to, 0, sizeof *to);
    to->org_id = t->org_id;
    const char *actor_role = t->task_id ? t->unit_role : step->actor;
    if (t->kind != TIMER_ESCALATION) {
        if (t->task_id) {
            to->unit_id = t->unit_id;
            to->unit_role = t->unit_role;
        } else {
            to->roles[to->n_roles++] = step->actor;
        }
        return 0;
    }
    bool same_unit = false;
    if (db_role_supervisor(db, actor_role, supervisor, len, &same_unit) != 0)
        return -1;
    if (!*supervisor)
        return 0; /* the top of the chain has no one to escalate to */
    if (same_unit && t->unit_id) {
        to->unit_id = t->unit_id;
        to->unit_role = supervisor;
    } else {
        to->roles[to->n_roles++] = supervisor;
    }
    return 0;
}

/* The event a timer of kind sends. */
static Lkip__EventKind s_event_kind(timer_kind_t kind)
{
    switch (kind) {
    case TIMER_REMINDER:
        return LKIP__EVENT_KIND__EVENT_REMINDER;
    case TIMER_OVERDUE:
        return LKIP__EVENT_KIND__EVENT_OVERDUE;
    case TIMER_ESCALATION:
        break;
    }
    return LKIP__EVENT_KIND__EVENT_ESCALATION;
}

/* Fires one claimed timer. Returns 0 or -1. */
static int s_fire(db_t *db, defcache_t *defs, deadline_t *deadlines, const db_timer_t *t,
                  int64_t now, outq_t *events)
{
    if (!t->open)
        return 0; /* the work was done in time: the timer just expires */
    /* a reminder reached only when the work is already due (missed while no daemon ran, or a
     * clock jump) would say "tenggat sudah dekat" after the fact: the overdue notice says it.
     * It is not sent, but the chain goes on to that notice. */
    bool silent = t->kind == TIMER_REMINDER && t->due_at && now >= t->due_at;
    const sopdef_t *def = defcache_get(defs, db, t->def_id);
    const sop_step_t *step = def ? sopdef_step(def, t->step_no) : NULL;
    if (!step)
        return -1;
    char supervisor[40] = "";
    db_audience_t to;
    if (s_audience(db, t, step, &to, supervisor, sizeof supervisor) != 0)
        return -1;
    if (!silent && (to.n_roles > 0 || to.unit_id)) {
        event_about_t about = {
            .at = now,
            .instance_id = t->instance_id,
            .org_code = t->org_code,
            .time_zone = t->time_zone,
            .sop_code = t->sop_code,
            .period = t->period,
            .step_no = t->step_no,
            .step_title = step->uraian,
        };
        Lkip__Event ev;
        event_make(&ev, s_event_kind(t->kind), &about);
        ev.unit_code = (char *)t->unit_code;
        ev.due_at = t->due_at;
        if (t->kind == TIMER_ESCALATION) {
            ev.text = t->task_id ? (char *)t->unit_code : step->actor;
            ev.text_kind = EVENT_TEXT_LATE_ACTOR;
        }
        outq_add(events, &to, &ev);
    }
    const calendar_t *cal = deadline_calendar(deadlines, db, t->org_id, t->calendar_version);
    if (!cal)
        return -1;
    /* the chain goes on: the next reminder, the overdue notice, the first escalation. The
     * reminders after this one were all ahead when the chain began (deadline_schedule left out
     * the past ones): one that came due while no daemon ran, or in a clock jump, is still sent
     * late if the work is not yet due, as each reminder had its own row before the chain. */
    deadline_timer_t follow;
    if (t->kind != TIMER_ESCALATION &&
        deadline_next_timer(cal, t->time_zone, step, t->assigned_at, t->due_at, t->kind,
                            t->repeat_no, t->fire_at, &follow) &&
        db_timer_add(db, (timer_kind_t)follow.kind, follow.at, t->instance_id, t->run_id,
                     t->task_id, follow.repeat_no) != 0)
        return -1;
    if (t->kind == TIMER_ESCALATION && *supervisor && step->reminders.escalate) {
        /* repeated every N working days while the work stays overdue */
        cal_min_t from;
        int64_t at = t->fire_at;
        if (deadline_to_local(t->time_zone, t->fire_at, &from) != 0)
            return 0;
        /* escalations missed while no daemon ran collapse into the one just fired */
        while (at <= now) {
            cal_min_t next;
            if (calendar_due(cal, from, step->reminders.escalate_every_days, CAL_DAYS, false,
                             &next) != 0 ||
                deadline_from_local(t->time_zone, next, &at) != 0)
                return 0; /* no working day ahead: no further escalation */
            from = next;
        }
        if (db_timer_add(db, TIMER_ESCALATION, at, t->instance_id, t->run_id, t->task_id,
                         t->repeat_no + 1) != 0)
            return -1;
    }
    if (!silent)
        log_debug("fired %s #%d of instance %lld step %d", timer_kind_name(t->kind), t->repeat_no,
                  (long long)t->instance_id, t->step_no);
    return 0;
}

/* Ends a transaction of the database loop that made rc events' worth of work (rc < 0: failed):
 * the events queued in events go to the outbox, the other daemons are told, and it commits; on
 * any failure everything rolls back and the users woken since mark are forgotten. Returns rc,
 * or -1. */
static int s_commit(db_t *db, int rc, outq_t *events, const char *origin, int64_t now,
                    int64_t **woken, int *n_woken, int mark, const char *what)
{
    if (rc > 0 && db_outbox_flush(db, events, now, woken, n_woken) < 0)
        rc = -1;
    outq_clear(events);
    if (rc > 0 && db_outbox_notify(db, origin, *woken + mark, *n_woken - mark) != 0)
        rc = -1;
    if (rc >= 0 && db_commit(db) != 0)
        rc = -1;
    if (rc < 0) {
        log_warn("%s failed: %s", what, db_error(db));
        db_rollback(db);
        *n_woken = mark; /* nothing was queued */
    }
    return rc;
}

int timers_holidays(db_t *db, const char *origin, int64_t now, const char *from, int64_t **woken,
                    int *n_woken)
{
    if (db_begin(db) != 0)
        return -1;
    int mark = *n_woken;
    db_holiday_reminder_t *told = NULL;
    int n = db_holiday_reminders(db, now, from, &told);
    outq_t events = {0};
    for (int i = 0; i < n; i++) {
        db_audience_t to = {.org_id = told[i].org_id, .n_roles = 2};
        to.roles[0] = "admin";
        to.roles[1] = "sekretaris";
        char *text = xasprintf("hari libur tahun %d belum dimuat: tenggat di tahun itu belum "
                               "memperhitungkan hari libur dan cuti bersama; impor dengan: lkip "
                               "admin calendar import BERKAS",
                               told[i].year);
        event_about_t about = {
            .at = now, .org_code = told[i].org_code, .time_zone = told[i].time_zone};
        Lkip__Event ev;
        event_make(&ev, LKIP__EVENT_KIND__EVENT_HOLIDAYS_MISSING, &about);
        ev.text = text;
        ev.text_kind = EVENT_TEXT_HOLIDAYS_MISSING;
        outq_add(&events, &to, &ev);
        free(text);
        log_info("organisation %s: the holidays of %d are not loaded; admin and sekretaris told",
                 told[i].org_code, told[i].year);
    }
    int rc = s_commit(db, n, &events, origin, now, woken, n_woken, mark,
                      "telling of missing holidays");
    free(told);
    return rc;
}

int timers_fire(db_t *db, defcache_t *defs, deadline_t *deadlines, const char *origin, int64_t now,
                int limit, int64_t **woken, int *n_woken)
{
    if (db_begin(db) != 0)
        return -1;
    int mark = *n_woken;
    int rc = 0;
    outq_t events = {0};
    /* a fired timer queues the next of its chain, which may be due already (a clock jump, a
     * daemon that was down): claim again in this transaction until nothing more is due, so the
     * whole chain fires at once, as its rows did when they were all queued up front */
    while (rc >= 0 && rc < limit) {
        db_timer_t *timers = NULL;
        int n = db_timer_claim(db, now, limit - rc, &timers);
        if (n < 0)
            rc = -1;
        for (int i = 0; i < n && rc >= 0; i++)
            if (s_fire(db, defs, deadlines, &timers[i], now, &events) != 0)
                rc = -1;
        free(timers);
        if (n <= 0 || rc < 0)
            break;
        rc += n;
    }
    return s_commit(db, rc, &events, origin, now, woken, n_woken, mark, "firing timers");
}
