/* deadline — see deadline.h. */
#include "deadline.h"

#include "db_calendar.h"
#include "db_org.h"
#include "db_outbox.h"
#include "db_timers.h"
#include "event.h"
#include "log.h"
#include "tz.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    int64_t org_id;
    int version;
    calendar_t *cal;
} entry_t;

struct deadline {
    int n, cap;
    entry_t *entries;
};

deadline_t *deadline_new(void)
{
    return xcalloc(1, sizeof(deadline_t));
}

void deadline_destroy(deadline_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    deadline_t *self = *self_p;
    for (int i = 0; i < self->n; i++)
        calendar_destroy(&self->entries[i].cal);
    free(self->entries);
    free(self);
    *self_p = NULL;
}

const calendar_t *deadline_calendar(deadline_t *self, db_t *db, int64_t org_id, int version)
{
    entry_t *e = NULL;
    for (int i = 0; i < self->n; i++)
        if (self->entries[i].org_id == org_id)
            e = &self->entries[i];
    if (e && e->version == version)
        return e->cal;
    int loaded_version = 0;
    calendar_t *cal = db_calendar_load(db, org_id, &loaded_version);
    if (!cal)
        return NULL;
    if (!e) {
        if (self->n == self->cap) {
            self->cap = self->cap ? self->cap * 2 : 8;
            self->entries = xrealloc(self->entries, (size_t)self->cap * sizeof *self->entries);
        }
        e = &self->entries[self->n++];
        *e = (entry_t){.org_id = org_id};
    }
    calendar_destroy(&e->cal);
    e->cal = cal;
    e->version = loaded_version;
    return cal;
}

int deadline_to_local(const char *zone, int64_t utc, cal_min_t *local)
{
    return tz_to_local(zone, utc, local) == 0 ? 0 : -1;
}

int deadline_from_local(const char *zone, cal_min_t local, int64_t *utc)
{
    return tz_from_local(zone, local, utc) == 0 ? 0 : -1;
}

static cal_unit_t s_unit(sop_unit_t u)
{
    return u == SOP_MINUTES ? CAL_MINUTES : u == SOP_HOURS ? CAL_HOURS : CAL_DAYS;
}

int deadline_due(const calendar_t *cal, const char *zone, const sop_step_t *step, int64_t assigned,
                 int64_t *due)
{
    cal_min_t start, end;
    if (deadline_to_local(zone, assigned, &start) != 0 ||
        calendar_due(cal, start, step->time_value, s_unit(step->time_unit), step->wall_clock,
                     &end) != 0 ||
        deadline_from_local(zone, end, due) != 0)
        return -1;
    return 0;
}

int64_t deadline_remaining(const calendar_t *cal, const char *zone, bool wall_clock, int64_t now,
                           int64_t due)
{
    if (wall_clock)
        return (due - now) / 60;
    cal_min_t a, b;
    if (deadline_to_local(zone, now, &a) != 0 || deadline_to_local(zone, due, &b) != 0)
        return (due - now) / 60;
    return a <= b ? calendar_working_minutes(cal, a, b) : -calendar_working_minutes(cal, b, a);
}

/* The instant `minutes` into the work from start (working or wall-clock minutes). */
static int s_point(const calendar_t *cal, const char *zone, bool wall_clock, cal_min_t start,
                   int64_t minutes, int64_t *out)
{
    cal_min_t t = start + minutes;
    if (!wall_clock && calendar_add_working(cal, start, minutes, &t) != 0)
        return -1;
    return deadline_from_local(zone, t, out);
}

int deadline_reminder_times(const calendar_t *cal, const char *zone, const sop_reminders_t *r,
                            bool wall_clock, int64_t assigned, int64_t due, int64_t *out)
{
    cal_min_t a, b;
    if (deadline_to_local(zone, assigned, &a) != 0 || deadline_to_local(zone, due, &b) != 0)
        return 0;
    if (!wall_clock)
        a = calendar_next_working(cal, a);
    int64_t span = wall_clock ? b - a : calendar_working_minutes(cal, a, b);
    if (span <= 0)
        return 0;
    int64_t offsets[SOP_MAX_PERCENTS + 1];
    int n = 0;
    for (int i = 0; i < r->n_percents; i++)
        offsets[n++] = span * r->percents[i] / 100;
    if (r->before_minutes > 0 && span > r->before_minutes)
        offsets[n++] = span - r->before_minutes;
    /* ascending and distinct ("whichever come", but one reminder per instant) */
    for (int i = 1; i < n; i++)
        for (int k = i; k > 0 && offsets[k] < offsets[k - 1]; k--) {
            int64_t t = offsets[k];
            offsets[k] = offsets[k - 1];
            offsets[k - 1] = t;
        }
    int count = 0;
    for (int i = 0; i < n; i++) {
        if (offsets[i] <= 0 || offsets[i] >= span || (i && offsets[i] == offsets[i - 1]))
            continue;
        int64_t t;
        if (s_point(cal, zone, wall_clock, a, offsets[i], &t) == 0 && t > assigned && t < due)
            out[count++] = t;
    }
    return count;
}

bool deadline_next_timer(const calendar_t *cal, const char *zone, const sop_step_t *step,
                         int64_t assigned, int64_t due, int after_kind, int after_no,
                         int64_t not_before, deadline_timer_t *next)
{
    if (after_kind == TIMER_REMINDER) {
        int64_t times[SOP_MAX_PERCENTS + 1];
        int n = deadline_reminder_times(cal, zone, &step->reminders, step->wall_clock, assigned,
                                        due, times);
        /* reminders already in the past (a daemon was down) are not worth sending late */
        for (int i = after_no; i < n; i++)
            if (times[i] > not_before) {
                *next = (deadline_timer_t){TIMER_REMINDER, times[i], i + 1};
                return true;
            }
        *next = (deadline_timer_t){TIMER_OVERDUE, due, 1};
        return true;
    }
    if (after_kind == TIMER_OVERDUE && step->reminders.escalate) {
        *next = (deadline_timer_t){TIMER_ESCALATION, due, 1};
        return true;
    }
    return false; /* repeated escalations are scheduled by their firing */
}

int deadline_schedule(db_t *db, const calendar_t *cal, const char *zone, const sop_step_t *step,
                      int64_t instance_id, int64_t run_id, int64_t task_id, int64_t assigned,
                      int64_t due, int64_t not_before)
{
    deadline_timer_t first;
    if (!deadline_next_timer(cal, zone, step, assigned, due, TIMER_REMINDER, 0, not_before, &first))
        return 0;
    return db_timer_add(db, (timer_kind_t)first.kind, first.at, instance_id, run_id, task_id,
                        first.repeat_no);
}

/* Tells the actors of one moved run or task its new due time. */
static void s_tell_moved(const db_org_t *org, const sopdef_t *def, const db_open_work_t *w,
                         int64_t now, int64_t due, outq_t *events)
{
    const sop_step_t *step = sopdef_step(def, w->step_no);
    db_audience_t to = {.org_id = org->id};
    if (w->task_id) {
        to.unit_id = w->unit_id;
        to.unit_role = w->unit_role;
    } else if (step) {
        to.roles[to.n_roles++] = step->actor;
    }
    event_about_t about = {
        .at = now,
        .instance_id = w->instance_id,
        .org_code = org->code,
        .time_zone = org->time_zone,
        .sop_code = def->code,
        .step_no = w->step_no,
        .step_title = step ? step->uraian : NULL,
    };
    Lkip__Event ev;
    event_make(&ev, LKIP__EVENT_KIND__EVENT_DEADLINE_CHANGED, &about);
    ev.due_at = due;
    ev.text = "kalender kerja berubah";
    ev.text_kind = EVENT_TEXT_NOTE;
    outq_add(events, &to, &ev);
}

int deadline_recompute(db_t *db, defcache_t *defs, int64_t org_id, int64_t now, outq_t *events)
{
    db_org_t *orgs = NULL;
    int n_orgs = db_org_list(db, &orgs);
    if (n_orgs < 0)
        return -1;
    int moved = 0;
    for (int o = 0; o < n_orgs && moved >= 0; o++) {
        if (org_id && orgs[o].id != org_id)
            continue;
        int version = 0;
        calendar_t *cal = db_calendar_load(db, orgs[o].id, &version);
        db_open_work_t *work = NULL;
        int n = cal ? db_open_work(db, orgs[o].id, &work) : -1;
        for (int i = 0; i < n && moved >= 0; i++) {
            db_open_work_t *w = &work[i];
            const sopdef_t *def = defcache_get(defs, db, w->def_id);
            const sop_step_t *step = def ? sopdef_step(def, w->step_no) : NULL;
            int64_t due = 0;
            if (!step) {
                moved = -1;
                break;
            }
            if (deadline_due(cal, orgs[o].time_zone, step, w->assigned_at, &due) != 0 ||
                due == w->due_at)
                continue;
            if (db_set_due(db, w->run_id, w->task_id, due) != 0 ||
                db_timer_drop(db, w->run_id, w->task_id) != 0 ||
                deadline_schedule(db, cal, orgs[o].time_zone, step, w->instance_id, w->run_id,
                                  w->task_id, w->assigned_at, due, now) != 0) {
                moved = -1;
                break;
            }
            s_tell_moved(&orgs[o], def, w, now, due, events);
            moved++;
        }
        if (n < 0)
            moved = -1;
        db_open_work_free(work, n > 0 ? n : 0);
        calendar_destroy(&cal);
    }
    db_orgs_free(orgs, n_orgs);
    return moved;
}
