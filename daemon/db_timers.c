/* db_timers — see db_timers.h. */
#include "db_timers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const s_kinds[] = {"reminder", "overdue", "escalation"};

const char *timer_kind_name(timer_kind_t kind)
{
    return s_kinds[kind];
}

static void s_param_id(db_params_t *p, int64_t id)
{
    if (id)
        db_param_int(p, id);
    else
        db_param_str(p, NULL);
}

int db_timer_add(db_t *db, timer_kind_t kind, int64_t fire_at, int64_t instance_id, int64_t run_id,
                 int64_t task_id, int repeat_no)
{
    db_params_t p = {0};
    db_param_int(&p, fire_at);
    db_param_str(&p, s_kinds[kind]);
    db_param_int(&p, instance_id);
    s_param_id(&p, run_id);
    s_param_id(&p, task_id);
    db_param_int(&p, repeat_no);
    return db_exec(db,
                   "INSERT INTO timers (fire_at, kind, instance_id, step_run_id, unit_task_id,"
                   " repeat_no) VALUES (to_timestamp($1), $2, $3, $4, $5, $6)",
                   &p);
}

int db_timer_drop(db_t *db, int64_t run_id, int64_t task_id)
{
    db_params_t p = {0};
    s_param_id(&p, run_id);
    s_param_id(&p, task_id);
    return db_exec(db,
                   "DELETE FROM timers WHERE fired_at IS NULL AND (step_run_id = $1"
                   " OR unit_task_id = $2)",
                   &p);
}

int db_timer_next(db_t *db, int64_t *fire_at, bool *found)
{
    /* the partial index on fire_at answers this without a scan */
    db_res_t *r = db_query(db,
                           "SELECT extract(epoch FROM fire_at)::bigint FROM timers"
                           " WHERE fired_at IS NULL ORDER BY fire_at LIMIT 1",
                           NULL);
    if (!r)
        return -1;
    *found = db_res_rows(r) == 1;
    if (*found)
        *fire_at = db_res_int(r, 0, 0);
    db_res_free(&r);
    return 0;
}

static void s_copy(char *dst, size_t len, const db_res_t *r, int i, int col)
{
    snprintf(dst, len, "%s", db_res_str(r, i, col));
}

int db_timer_claim(db_t *db, int64_t now, int limit, db_timer_t **out)
{
    db_params_t p = {0};
    db_param_int(&p, now);
    db_param_int(&p, limit);
    db_res_t *r = db_query(
        db,
        "WITH due AS (SELECT id FROM timers WHERE fired_at IS NULL"
        "  AND fire_at <= to_timestamp($1) ORDER BY fire_at LIMIT $2 FOR UPDATE SKIP LOCKED),"
        " claimed AS (UPDATE timers t SET fired_at = to_timestamp($1) FROM due"
        "  WHERE t.id = due.id RETURNING t.*)"
        " SELECT c.id, c.kind, extract(epoch FROM c.fire_at)::bigint, c.repeat_no,"
        "  c.instance_id, coalesce(c.step_run_id, 0), coalesce(c.unit_task_id, 0),"
        "  i.state = 'active' AND coalesce(r.state = 'active', t.state = 'open', false),"
        "  coalesce(r.step_no, i.current_step, 0),"
        "  coalesce(extract(epoch FROM coalesce(r.due_at, t.due_at))::bigint, 0),"
        "  coalesce(t.unit_id, 0), coalesce(u.code, ''), coalesce(t.unit_role, ''),"
        "  i.org_id, o.code, o.time_zone, o.calendar_version, i.def_id, i.sop_code, i.period,"
        "  coalesce(extract(epoch FROM coalesce(r.assigned_at, t.assigned_at))::bigint, 0)"
        " FROM claimed c JOIN instances i ON i.id = c.instance_id"
        " JOIN organisations o ON o.id = i.org_id"
        " LEFT JOIN step_runs r ON r.id = c.step_run_id"
        " LEFT JOIN unit_tasks t ON t.id = c.unit_task_id"
        " LEFT JOIN units u ON u.id = t.unit_id ORDER BY c.fire_at, c.id",
        &p);
    if (!r)
        return -1;
    int n = db_res_rows(r);
    *out = xcalloc((size_t)n, sizeof **out);
    for (int i = 0; i < n; i++) {
        db_timer_t *t = &(*out)[i];
        t->id = db_res_int(r, i, 0);
        const char *kind = db_res_str(r, i, 1);
        t->kind = strcmp(kind, "reminder") == 0  ? TIMER_REMINDER
                  : strcmp(kind, "overdue") == 0 ? TIMER_OVERDUE
                                                 : TIMER_ESCALATION;
        t->fire_at = db_res_int(r, i, 2);
        t->repeat_no = (int)db_res_int(r, i, 3);
        t->instance_id = db_res_int(r, i, 4);
        t->run_id = db_res_int(r, i, 5);
        t->task_id = db_res_int(r, i, 6);
        t->open = db_res_bool(r, i, 7);
        t->step_no = (int)db_res_int(r, i, 8);
        t->due_at = db_res_int(r, i, 9);
        t->unit_id = db_res_int(r, i, 10);
        s_copy(t->unit_code, sizeof t->unit_code, r, i, 11);
        s_copy(t->unit_role, sizeof t->unit_role, r, i, 12);
        t->org_id = db_res_int(r, i, 13);
        s_copy(t->org_code, sizeof t->org_code, r, i, 14);
        s_copy(t->time_zone, sizeof t->time_zone, r, i, 15);
        t->calendar_version = (int)db_res_int(r, i, 16);
        t->def_id = db_res_int(r, i, 17);
        s_copy(t->sop_code, sizeof t->sop_code, r, i, 18);
        s_copy(t->period, sizeof t->period, r, i, 19);
        t->assigned_at = db_res_int(r, i, 20);
    }
    db_res_free(&r);
    return n;
}

int db_role_supervisor(db_t *db, const char *role, char *supervisor, size_t len, bool *same_unit)
{
    db_params_t p = {0};
    db_param_str(&p, role);
    db_res_t *r = db_query(
        db, "SELECT coalesce(supervisor, ''), supervisor_same_unit FROM roles WHERE code = $1", &p);
    if (!r)
        return -1;
    snprintf(supervisor, len, "%s", db_res_rows(r) ? db_res_str(r, 0, 0) : "");
    *same_unit = db_res_rows(r) && db_res_bool(r, 0, 1);
    db_res_free(&r);
    return 0;
}

int db_open_work(db_t *db, int64_t org_id, db_open_work_t **out)
{
    db_params_t p = {0};
    db_param_int(&p, org_id);
    db_res_t *r =
        db_query(db,
                 "SELECT i.id, i.def_id, r.id, 0, r.step_no,"
                 " extract(epoch FROM r.assigned_at)::bigint,"
                 " coalesce(extract(epoch FROM r.due_at)::bigint, 0), 0, ''"
                 " FROM instances i JOIN step_runs r ON r.instance_id = i.id AND r.state = 'active'"
                 " WHERE ($1 = 0 OR i.org_id = $1) AND i.state = 'active'"
                 " UNION ALL"
                 " SELECT i.id, i.def_id, 0, t.id, coalesce(i.current_step, 0),"
                 " extract(epoch FROM t.assigned_at)::bigint,"
                 " coalesce(extract(epoch FROM t.due_at)::bigint, 0), t.unit_id, t.unit_role"
                 " FROM instances i JOIN unit_tasks t ON t.instance_id = i.id AND t.state = 'open'"
                 " WHERE ($1 = 0 OR i.org_id = $1) AND i.state = 'active'",
                 &p);
    if (!r)
        return -1;
    int n = db_res_rows(r);
    *out = xcalloc((size_t)n, sizeof **out);
    for (int i = 0; i < n; i++) {
        db_open_work_t *w = &(*out)[i];
        w->instance_id = db_res_int(r, i, 0);
        w->def_id = db_res_int(r, i, 1);
        w->run_id = db_res_int(r, i, 2);
        w->task_id = db_res_int(r, i, 3);
        w->step_no = (int)db_res_int(r, i, 4);
        w->assigned_at = db_res_int(r, i, 5);
        w->due_at = db_res_int(r, i, 6);
        w->unit_id = db_res_int(r, i, 7);
        w->unit_role = db_res_dup(r, i, 8);
    }
    db_res_free(&r);
    return n;
}

void db_open_work_free(db_open_work_t *work, int n)
{
    for (int i = 0; i < n; i++)
        free(work[i].unit_role);
    free(work);
}

int db_set_due(db_t *db, int64_t run_id, int64_t task_id, int64_t due)
{
    db_params_t p = {0};
    db_param_int(&p, run_id ? run_id : task_id);
    db_param_int(&p, due);
    return db_exec(db,
                   run_id ? "UPDATE step_runs SET due_at = to_timestamp($2) WHERE id = $1"
                          : "UPDATE unit_tasks SET due_at = to_timestamp($2) WHERE id = $1",
                   &p);
}
