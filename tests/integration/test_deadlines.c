/* test_deadlines — deadlines in working time through the real lkipd (test_clock = true, the SOPs
 * of sop/) against a real PostgreSQL: calendar_due compared with the pure calendar built from what
 * the daemon shows; the administration of the calendar (holidays, CSV and iCalendar imports that
 * are refused whole, hours, special periods, time zones, the admin-only rule); reminders, overdue
 * notices and escalations reaching the right clients at the right test-clock times (and a unit
 * task's escalation reaching only the head of that unit); a holiday added after a deadline was
 * computed moving it and telling the actor; two daemons on one database following one clock and
 * firing each timer once; a daemon restarted after a due time firing the missed timers once (and
 * dropping reminders that only came due with the work already overdue). Timers form a chain:
 * an open run or unit task has one pending row in timers, its next timer, and firing it queues
 * the one after; the probes check that row and the fired ones.
 *
 * The calendar tests share one harness; every test that drives the clock has a database of its
 * own (its setup makes a fresh harness and daemon), so timers of one test never reach another.
 * Nothing sleeps: the test clock moves by ClockSetRequest, a ping that reports the new time
 * followed by one more ping proves the daemon's loop has run its timers at that time, and events
 * are awaited with timeouts. */
#include "../harness/harness.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "calendar.h"
#include "clitext.h"
#include "db_calendar.h"
#include "tz.h"
#include "weekspec.h"

/* Per attempt: long enough for a sanitizer build on a busy machine; replies take milliseconds. */
#define CALL_TIMEOUT_MS 10000
/* How long an expected event or database state may take to appear. */
#define EVENT_TIMEOUT_MS 10000

#define ZONE         "Asia/Makassar"
#define WITA_OFFSET  (8 * 3600)
#define DEFAULT_WEEK "senin-kamis=07:30-12:00,13:00-16:00;jumat=07:30-11:30,13:00-16:30"

/* ---- the group's harness (calendar tests) ------------------------------------------------- */

static harness_t *s_h;        /* the group's harness */
static harness_daemon_t *s_d; /* its daemon */
static keypair_t s_admin;     /* admin.dkip */
static keypair_t s_staf;      /* staf.satu, for the admin-only checks */

/* ---- a test's own world (clock-driven tests) ---------------------------------------------- */

typedef struct {
    harness_t *h;
    harness_daemon_t *d; /* the first daemon */
    keypair_t admin, kadis, sekretaris, kasubag, staf;
    keypair_t kabid_ikp, kabid_aptika, operator_ikp;
    lkipc_t *c_admin; /* admin's connection to d */
} world_t;

static world_t s_w;

/* A client's event stream: the connection and the highest sequence received. */
typedef struct {
    const char *name; /* the user, for messages and SQL */
    lkipc_t *c;
    uint64_t last;
} watcher_t;

/* ---- small helpers ------------------------------------------------------------------------ */

/* "YYYY-MM-DD HH:MM" in WITA -> unix seconds (computed here, not through tz.c). */
static int64_t s_wita(const char *text)
{
    cal_min_t local = 0;
    if (cal_parse_local(text, &local) != 0)
        fail_msg("bad time in the test: \"%s\"", text);
    return local * 60 - WITA_OFFSET;
}

/* Unix seconds -> "YYYY-MM-DD HH:MM" WITA, in one of a few rotating buffers (for messages). */
static const char *s_show_time(int64_t utc)
{
    static char buf[4][32];
    static int slot;
    char *b = buf[slot++ % 4];
    cal_format_local((utc + WITA_OFFSET) / 60, b, 32);
    return b;
}

/* An integer as a SQL text parameter, in one of a few rotating buffers. */
static const char *s_num(int64_t v)
{
    static char buf[8][24];
    static int slot;
    char *b = buf[slot++ % 8];
    snprintf(b, 24, "%lld", (long long)v);
    return b;
}

static const char *s_srcdir(void)
{
    const char *s = getenv("LKIP_SRCDIR");
    return s && *s ? s : ".";
}

/* ---- requests ----------------------------------------------------------------------------- */

static Lkip__Envelope *s_ping(lkipc_t *c)
{
    Lkip__PingRequest body = LKIP__PING_REQUEST__INIT;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_PING;
    req.ping = &body;
    Lkip__Envelope *reply = harness_call_ok(c, &req);
    harness_assert_reply(reply, LKIP__STATUS__OK, "ok");
    return reply;
}

/* Waits until the daemon behind c reports the clock at now, then until no timer due at now is
 * left unfired in the database: timers run on the daemon's database loop, beside its requests,
 * and a fired timer (its events included) is committed in one transaction. */
static void s_sync(lkipc_t *c, int64_t now)
{
    int64_t deadline = monotonic_ms() + EVENT_TIMEOUT_MS;
    for (;;) {
        Lkip__Envelope *reply = s_ping(c);
        int64_t t = reply->reply->pong->server_time;
        wire_free(&reply);
        if (t == now)
            break;
        if (monotonic_ms() > deadline) {
            harness_dump_all_logs();
            fail_msg("the daemon's clock shows %s, not %s", s_show_time(t), s_show_time(now));
        }
    }
    if (harness_timers_settled(s_w.h ? s_w.h : s_h, now) != 0) {
        harness_dump_all_logs();
        fail_msg("timers due at %s were not fired", s_show_time(now));
    }
}

static void s_clock_set(lkipc_t *admin, int64_t now)
{
    Lkip__ClockSetRequest body = LKIP__CLOCK_SET_REQUEST__INIT;
    body.now = now;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_CLOCK_SET;
    req.clock_set = &body;
    Lkip__Envelope *reply = harness_call_ok(admin, &req);
    harness_assert_reply(reply, LKIP__STATUS__OK, "ok");
    wire_free(&reply);
}

/* Sets the clock through admin and waits until admin's daemon has run its timers at now. */
static void s_clock_to(lkipc_t *admin, const char *wita)
{
    int64_t now = s_wita(wita);
    s_clock_set(admin, now);
    s_sync(admin, now);
}

/* kadis starts LKIP for period; returns the instance id. */
static int64_t s_start(lkipc_t *kadis, const char *period)
{
    Lkip__StartRequest body = LKIP__START_REQUEST__INIT;
    body.sop_code = "LKIP";
    body.period = (char *)period;
    body.note = "Segera susun LKIP";
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_START;
    req.start = &body;
    Lkip__Envelope *reply = harness_call_ok(kadis, &req);
    harness_assert_reply(reply, LKIP__STATUS__CREATED, "ok");
    assert_int_equal(reply->reply->payload_case, LKIP__REPLY__PAYLOAD_INSTANCES);
    assert_int_equal(reply->reply->instances->n_instances, 1);
    int64_t id = reply->reply->instances->instances[0]->id;
    wire_free(&reply);
    assert_true(id > 0);
    return id;
}

/* The actor on c completes step_no of LKIP/period. */
static void s_done(lkipc_t *c, const char *period, int step_no)
{
    char *ref = xasprintf("LKIP/%s", period);
    Lkip__StepRequest body = LKIP__STEP_REQUEST__INIT;
    body.instance = ref;
    body.step_no = step_no;
    body.action = LKIP__STEP_ACTION__DONE;
    body.note = "selesai";
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_STEP;
    req.step = &body;
    Lkip__Envelope *reply = harness_call_ok(c, &req);
    harness_assert_reply(reply, LKIP__STATUS__OK, NULL);
    wire_free(&reply);
    free(ref);
}

static Lkip__Envelope *s_tasks(lkipc_t *c)
{
    Lkip__TasksRequest body = LKIP__TASKS_REQUEST__INIT;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_TASKS;
    req.tasks = &body;
    Lkip__Envelope *reply = harness_call_ok(c, &req);
    harness_assert_reply(reply, LKIP__STATUS__OK, "ok");
    return reply;
}

static Lkip__Envelope *s_calendar_show(lkipc_t *c, int year)
{
    Lkip__CalendarShowRequest body = LKIP__CALENDAR_SHOW_REQUEST__INIT;
    body.year = year;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_CALENDAR_SHOW;
    req.calendar_show = &body;
    return harness_call_ok(c, &req);
}

static Lkip__Envelope *s_holiday(lkipc_t *c, bool remove, const char *date, const char *name,
                                 const char *kind)
{
    Lkip__HolidayRequest body = LKIP__HOLIDAY_REQUEST__INIT;
    body.remove = remove;
    body.date = (char *)date;
    if (name)
        body.name = (char *)name;
    if (kind)
        body.kind = (char *)kind;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_HOLIDAY;
    req.holiday = &body;
    return harness_call_ok(c, &req);
}

static Lkip__Envelope *s_import(lkipc_t *c, const char *file_name, const char *content, size_t len,
                                const char *kind)
{
    Lkip__CalendarImportRequest body = LKIP__CALENDAR_IMPORT_REQUEST__INIT;
    body.file_name = (char *)file_name;
    body.content.data = (uint8_t *)content;
    body.content.len = len;
    if (kind)
        body.kind = (char *)kind;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_CALENDAR_IMPORT;
    req.calendar_import = &body;
    return harness_call_ok(c, &req);
}

static Lkip__Envelope *s_hours(lkipc_t *c, const char *week)
{
    Lkip__HoursSetRequest body = LKIP__HOURS_SET_REQUEST__INIT;
    body.week = (char *)week;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_HOURS_SET;
    req.hours_set = &body;
    return harness_call_ok(c, &req);
}

static Lkip__Envelope *s_period(lkipc_t *c, bool remove, const char *name, const char *first,
                                const char *last, const char *week)
{
    Lkip__PeriodRequest body = LKIP__PERIOD_REQUEST__INIT;
    body.remove = remove;
    body.name = (char *)name;
    if (first)
        body.first = (char *)first;
    if (last)
        body.last = (char *)last;
    if (week)
        body.week = (char *)week;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_PERIOD;
    req.period = &body;
    return harness_call_ok(c, &req);
}

static Lkip__Envelope *s_org_zone(lkipc_t *c, const char *zone)
{
    Lkip__OrgSetRequest body = LKIP__ORG_SET_REQUEST__INIT;
    body.code = "DKIP";
    body.time_zone = (char *)zone;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_ORG_SET;
    req.org_set = &body;
    return harness_call_ok(c, &req);
}

static Lkip__Envelope *s_due(lkipc_t *c, const char *from, const char *duration, bool wall_clock)
{
    Lkip__CalendarDueRequest body = LKIP__CALENDAR_DUE_REQUEST__INIT;
    if (from)
        body.from = (char *)from;
    body.duration = (char *)duration;
    body.wall_clock = wall_clock;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_CALENDAR_DUE;
    req.calendar_due = &body;
    return harness_call_ok(c, &req);
}

/* Checks a reply's status and code (NULL: any), then frees it. */
static void s_expect_reply(Lkip__Envelope *reply, int status, const char *code)
{
    harness_assert_reply(reply, status, code);
    wire_free(&reply);
}

/* ---- events ------------------------------------------------------------------------------- */

static bool s_timer_kind(const char *kind)
{
    return strcmp(kind, "reminder") == 0 || strcmp(kind, "overdue") == 0 ||
           strcmp(kind, "escalation") == 0;
}

/* Opens w's connection to d and subscribes from the start of the user's events. */
static void s_watch(watcher_t *w, harness_t *h, const harness_daemon_t *d, const keypair_t *kp,
                    const char *name)
{
    w->name = name;
    w->last = 0;
    w->c = harness_client(h, d, kp, CALL_TIMEOUT_MS);
    assert_non_null(w->c);
    Lkip__SubscribeRequest body = LKIP__SUBSCRIBE_REQUEST__INIT;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_SUBSCRIBE;
    req.subscribe = &body;
    Lkip__Envelope *reply = harness_call_ok(w->c, &req);
    harness_assert_reply(reply, LKIP__STATUS__OK, "ok");
    wire_free(&reply);
}

/* The next event w has not seen (a resent one is acknowledged and skipped); NULL when none came
 * within timeout_ms. */
static Lkip__Event *s_next_event(watcher_t *w, int timeout_ms, Lkip__Envelope **env)
{
    int64_t deadline = monotonic_ms() + timeout_ms;
    for (;;) {
        int64_t left = deadline - monotonic_ms();
        int rc = lkipc_next_event(w->c, left > 0 ? (int)left : 0, env);
        if (rc < 0) {
            harness_dump_all_logs();
            fail_msg("%s: event stream failed: %s", w->name, lkipc_rc_text((lkipc_rc_t)rc));
        }
        if (rc == 0)
            return NULL;
        Lkip__Event *ev = (*env)->event;
        Lkip__AckRequest ack = LKIP__ACK_REQUEST__INIT;
        ack.seq = ev->seq;
        Lkip__Envelope a = LKIP__ENVELOPE__INIT;
        a.body_case = LKIP__ENVELOPE__BODY_ACK;
        a.ack = &ack;
        if (lkipc_send(w->c, &a) != 0) {
            /* a lost acknowledgement only means the event is sent again */
        }
        if (ev->seq > w->last) {
            w->last = ev->seq;
            return ev;
        }
        wire_free(env);
    }
}

/* Waits for the next reminder, overdue or escalation event of instance inst that w gets and
 * checks its kind and step; other kinds (step_assigned, ...) and other instances are skipped.
 * Fails the test when none comes or it is another one. Caller frees *env. */
static Lkip__Event *s_expect_timer_event(watcher_t *w, const char *kind, int64_t inst, int step_no,
                                         Lkip__Envelope **env)
{
    for (;;) {
        Lkip__Event *ev = s_next_event(w, EVENT_TIMEOUT_MS, env);
        if (!ev) {
            harness_dump_all_logs();
            fail_msg("%s: no %s event for step %d within %d ms", w->name, kind, step_no,
                     EVENT_TIMEOUT_MS);
        }
        if (!s_timer_kind(ev->kind) || ev->instance_id != inst) {
            wire_free(env);
            continue;
        }
        if (strcmp(ev->kind, kind) != 0 || ev->step_no != step_no)
            fail_msg("%s: expected %s for step %d, got %s for step %d (unit \"%s\", seq %llu)",
                     w->name, kind, step_no, ev->kind, ev->step_no, ev->unit_code,
                     (unsigned long long)ev->seq);
        return ev;
    }
}

/* The highest sequence the database holds for user (0 when none). */
static uint64_t s_db_last_seq(harness_t *h, const char *user)
{
    long long n = harness_sql_int(h,
                                  "SELECT r.last_seq FROM recipient_seq r JOIN users u"
                                  " ON u.id = r.user_id WHERE u.name = $1",
                                  user, NULL);
    return n > 0 ? (uint64_t)n : 0;
}

/* Receives every event the database holds for w's user right now and counts the timer events
 * (reminder, overdue, escalation) of inst among them that are about step_no (0: any step). */
static int s_drain_timer_events(watcher_t *w, harness_t *h, int64_t inst, int step_no)
{
    uint64_t target = s_db_last_seq(h, w->name);
    int count = 0;
    while (w->last < target) {
        Lkip__Envelope *env = NULL;
        Lkip__Event *ev = s_next_event(w, EVENT_TIMEOUT_MS, &env);
        if (!ev) {
            harness_dump_all_logs();
            fail_msg("%s: events up to %llu are stored, only %llu arrived", w->name,
                     (unsigned long long)target, (unsigned long long)w->last);
        }
        if (s_timer_kind(ev->kind) && ev->instance_id == inst &&
            (step_no == 0 || ev->step_no == step_no))
            count++;
        wire_free(&env);
    }
    return count;
}

/* Checks what every timer event carries. */
static void s_check_event(const Lkip__Event *ev, int64_t inst, const char *period, int64_t due_at,
                          int64_t at)
{
    assert_int_equal(ev->instance_id, inst);
    assert_string_equal(ev->sop_code, "LKIP");
    assert_string_equal(ev->period, period);
    assert_string_equal(ev->org_code, "DKIP");
    assert_string_equal(ev->time_zone, ZONE);
    assert_true(ev->step_title[0] != '\0');
    if (ev->due_at != due_at)
        fail_msg("%s of step %d: due_at %s, expected %s", ev->kind, ev->step_no,
                 s_show_time(ev->due_at), s_show_time(due_at));
    if (ev->at != at)
        fail_msg("%s of step %d: at %s, expected %s", ev->kind, ev->step_no, s_show_time(ev->at),
                 s_show_time(at));
}

/* ---- database probes ---------------------------------------------------------------------- */

/* Events in the outbox for user of kind in instance inst about step_no (0: any), decoded from
 * their stored payload. */
static int s_outbox_count(harness_t *h, const char *user, const char *kind, int64_t inst,
                          int step_no)
{
    char *hex = harness_sql(h,
                            "SELECT string_agg(encode(o.payload, 'hex'), ',' ORDER BY o.seq)"
                            " FROM outbox o JOIN users u ON u.id = o.user_id"
                            " WHERE u.name = $1 AND o.kind = $2 AND o.instance_id = $3::bigint",
                            user, kind, s_num(inst), NULL);
    int count = 0;
    for (char *p = hex; p && *p;) {
        size_t n = strcspn(p, ",");
        size_t len = n / 2;
        uint8_t *buf = xmalloc(len + 1);
        for (size_t i = 0; i < len; i++) {
            unsigned byte;
            if (sscanf(p + 2 * i, "%2x", &byte) != 1)
                fail_msg("bad hex in outbox payload");
            buf[i] = (uint8_t)byte;
        }
        Lkip__Event *ev = lkip__event__unpack(NULL, len, buf);
        free(buf);
        assert_non_null(ev);
        if (step_no == 0 || ev->step_no == step_no)
            count++;
        lkip__event__free_unpacked(ev, NULL);
        p += n;
        if (*p == ',')
            p++;
    }
    free(hex);
    return count;
}

/* The due time of the newest run of step_no in inst (unix seconds). */
static int64_t s_run_due(harness_t *h, int64_t inst, int step_no)
{
    long long due = harness_sql_int(h,
                                    "SELECT extract(epoch FROM due_at)::bigint FROM step_runs"
                                    " WHERE instance_id = $1::bigint AND step_no = $2::int"
                                    " ORDER BY id DESC LIMIT 1",
                                    s_num(inst), s_num(step_no), NULL);
    assert_true(due > 0);
    return due;
}

/* Timers of the newest run of step_no in inst of kind (NULL: any), fired or not. */
static long long s_timers(harness_t *h, int64_t inst, int step_no, const char *kind, bool fired)
{
    return harness_sql_int(h,
                           fired ? "SELECT count(*) FROM timers t WHERE t.step_run_id ="
                                   " (SELECT id FROM step_runs WHERE instance_id = $1::bigint"
                                   "  AND step_no = $2::int ORDER BY id DESC LIMIT 1)"
                                   " AND ($3 = '' OR t.kind = $3) AND t.fired_at IS NOT NULL"
                                 : "SELECT count(*) FROM timers t WHERE t.step_run_id ="
                                   " (SELECT id FROM step_runs WHERE instance_id = $1::bigint"
                                   "  AND step_no = $2::int ORDER BY id DESC LIMIT 1)"
                                   " AND ($3 = '' OR t.kind = $3) AND t.fired_at IS NULL",
                           s_num(inst), s_num(step_no), kind ? kind : "", NULL);
}

/* The pending timer of the newest run of step_no in inst: timers form a chain, so an open run has
 * exactly one unfired row, its next timer, and it must be kind #repeat_no at fire_at. */
static void s_pending_is(harness_t *h, int64_t inst, int step_no, const char *kind, int repeat_no,
                         int64_t fire_at)
{
    long long n = s_timers(h, inst, step_no, NULL, false);
    if (n != 1)
        fail_msg("step %d: %lld pending timers, expected one (%s #%d at %s)", step_no, n, kind,
                 repeat_no, s_show_time(fire_at));
    char *row = harness_sql(h,
                            "SELECT t.kind || ' ' || t.repeat_no || ' '"
                            " || extract(epoch FROM t.fire_at)::bigint FROM timers t"
                            " WHERE t.step_run_id = (SELECT id FROM step_runs WHERE instance_id ="
                            " $1::bigint AND step_no = $2::int ORDER BY id DESC LIMIT 1)"
                            " AND t.fired_at IS NULL",
                            s_num(inst), s_num(step_no), NULL);
    assert_non_null(row);
    char got_kind[16] = "";
    int got_no = 0;
    long long got_at = 0;
    if (sscanf(row, "%15s %d %lld", got_kind, &got_no, &got_at) != 3)
        fail_msg("step %d: unreadable pending timer \"%s\"", step_no, row);
    free(row);
    if (strcmp(got_kind, kind) != 0 || got_no != repeat_no || got_at != fire_at)
        fail_msg("step %d: pending timer %s #%d at %s, expected %s #%d at %s", step_no, got_kind,
                 got_no, s_show_time(got_at), kind, repeat_no, s_show_time(fire_at));
}

/* What the chain guarantees for every run and unit task of inst, whoever fired its timers: at
 * most one pending row (its next timer), and no timer queued twice (a timer fired by two daemons
 * would queue its successor twice). */
static void s_chains_sane(harness_t *h, int64_t inst)
{
    assert_int_equal(harness_sql_int(h,
                                     "SELECT count(*) FROM (SELECT 1 FROM timers"
                                     " WHERE instance_id = $1::bigint AND fired_at IS NULL"
                                     " GROUP BY step_run_id, unit_task_id HAVING count(*) > 1) x",
                                     s_num(inst), NULL),
                     0);
    assert_int_equal(harness_sql_int(h,
                                     "SELECT count(*) FROM (SELECT 1 FROM timers"
                                     " WHERE instance_id = $1::bigint"
                                     " GROUP BY step_run_id, unit_task_id, kind, repeat_no"
                                     " HAVING count(*) > 1) x",
                                     s_num(inst), NULL),
                     0);
}

/* How many open unit tasks of inst have exactly one pending timer and it is kind #repeat_no at
 * fire_at. */
static long long s_tasks_pending(harness_t *h, int64_t inst, const char *kind, int repeat_no,
                                 int64_t fire_at)
{
    return harness_sql_int(h,
                           "SELECT count(*) FROM unit_tasks t WHERE t.instance_id = $1::bigint"
                           " AND t.state = 'open' AND (SELECT count(*) FROM timers x"
                           "  WHERE x.unit_task_id = t.id AND x.fired_at IS NULL) = 1"
                           " AND EXISTS (SELECT 1 FROM timers x WHERE x.unit_task_id = t.id"
                           "  AND x.fired_at IS NULL AND x.kind = $2 AND x.repeat_no = $3::int"
                           "  AND x.fire_at = to_timestamp($4::bigint))",
                           s_num(inst), kind, s_num(repeat_no), s_num(fire_at), NULL);
}

/* Fired timers of kind of inst's unit tasks. */
static long long s_tasks_fired(harness_t *h, int64_t inst, const char *kind)
{
    return harness_sql_int(h,
                           "SELECT count(*) FROM timers x JOIN unit_tasks t"
                           " ON t.id = x.unit_task_id WHERE t.instance_id = $1::bigint"
                           " AND x.kind = $2 AND x.fired_at IS NOT NULL",
                           s_num(inst), kind, NULL);
}

/* ---- worlds ------------------------------------------------------------------------------- */

static char *s_sop_dir_set(void)
{
    return xasprintf("sop_dir=%s/sop", s_srcdir());
}

static harness_daemon_t *s_daemon(harness_t *h)
{
    char *sop = s_sop_dir_set();
    const char *sets[] = {"test_clock=true", sop, NULL};
    harness_daemon_t *d = harness_daemon_start(h, sets);
    free(sop);
    return d;
}

/* Registers a user through the admin's connection (faster than lkipd --add-user each). */
static int s_add_user(world_t *w, const char *name, const char *role, const char *unit,
                      keypair_t *kp)
{
    if (harness_keypair(w->h, name, kp) != 0)
        return -1;
    Lkip__UserAddRequest body = LKIP__USER_ADD_REQUEST__INIT;
    body.name = (char *)name;
    body.full_name = (char *)name;
    body.role = (char *)role;
    if (unit)
        body.unit_code = (char *)unit;
    body.public_key = kp->public_key;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_USER_ADD;
    req.user_add = &body;
    Lkip__Envelope *reply = NULL;
    if (lkipc_call(w->c_admin, &req, &reply) != LKIPC_OK)
        return -1;
    int rc = reply->reply->status == LKIP__STATUS__CREATED ? 0 : -1;
    if (rc != 0)
        fprintf(stderr, "user_add %s: %d %s\n", name, reply->reply->status, reply->reply->code);
    wire_free(&reply);
    return rc;
}

/* A fresh database with its daemon and the LKIP actors. */
static int s_world_setup(void **state)
{
    memset(&s_w, 0, sizeof s_w);
    s_w.h = harness_new("deadlines");
    if (!s_w.h || harness_user(s_w.h, "admin.dkip", "admin", NULL, &s_w.admin) != 0)
        return -1;
    s_w.d = s_daemon(s_w.h);
    if (!s_w.d)
        return -1;
    s_w.c_admin = harness_client(s_w.h, s_w.d, &s_w.admin, CALL_TIMEOUT_MS);
    if (!s_w.c_admin)
        return -1;
    if (s_add_user(&s_w, "kadis", "kepala_dinas", NULL, &s_w.kadis) != 0 ||
        s_add_user(&s_w, "sekretaris", "sekretaris", NULL, &s_w.sekretaris) != 0 ||
        s_add_user(&s_w, "kasubag", "kasubag_perencanaan", NULL, &s_w.kasubag) != 0 ||
        s_add_user(&s_w, "staf", "staf", NULL, &s_w.staf) != 0 ||
        s_add_user(&s_w, "kabid.ikp", "kepala_bidang", "IKP", &s_w.kabid_ikp) != 0 ||
        s_add_user(&s_w, "kabid.aptika", "kepala_bidang", "APTIKA", &s_w.kabid_aptika) != 0 ||
        s_add_user(&s_w, "operator.ikp", "operator_unit", "IKP", &s_w.operator_ikp) != 0)
        return -1;
    return 0;
}

static int s_world_teardown(void **state)
{
    harness_destroy(&s_w.h);
    return 0;
}

static lkipc_t *s_client_of(const keypair_t *kp)
{
    lkipc_t *c = harness_client(s_w.h, s_w.d, kp, CALL_TIMEOUT_MS);
    assert_non_null(c);
    return c;
}

/* At wita, kadis starts LKIP/period: starting is step 1 (the order), so step 2 (kasubag,
 * "2 Jam") opens then. Returns the instance id. */
static int64_t s_open_step2(const char *wita, const char *period)
{
    s_clock_to(s_w.c_admin, wita);
    lkipc_t *kadis = s_client_of(&s_w.kadis);
    int64_t inst = s_start(kadis, period);
    harness_client_close(s_w.h, &kadis);
    return inst;
}

/* ---- group fixtures ----------------------------------------------------------------------- */

static int s_group_setup(void **state)
{
    s_h = harness_new("deadlines_calendar");
    if (!s_h)
        return -1;
    if (harness_user(s_h, "admin.dkip", "admin", NULL, &s_admin) != 0 ||
        harness_user(s_h, "staf.satu", "staf", NULL, &s_staf) != 0)
        return -1;
    s_d = s_daemon(s_h);
    return s_d ? 0 : -1;
}

static int s_group_teardown(void **state)
{
    harness_destroy(&s_h);
    return 0;
}

static lkipc_t *s_client(const keypair_t *kp)
{
    lkipc_t *c = harness_client(s_h, s_d, kp, CALL_TIMEOUT_MS);
    assert_non_null(c);
    return c;
}

static long long s_holiday_rows(const char *date)
{
    return harness_sql_int(s_h, "SELECT count(*) FROM holidays WHERE day = $1::date", date, NULL);
}

/* ---- a. calendar_due ---------------------------------------------------------------------- */

/* The pure calendar of what the daemon shows: its week text and its holidays. */
static calendar_t *s_calendar_from_show(lkipc_t *c)
{
    Lkip__Envelope *reply = s_calendar_show(c, 0);
    harness_assert_reply(reply, LKIP__STATUS__OK, "ok");
    const Lkip__CalendarReply *cal = reply->reply->calendar;
    assert_string_equal(cal->time_zone, ZONE);
    cal_week_t week;
    char why[200];
    if (weekspec_parse(cal->week, &week, why, sizeof why) != 0)
        fail_msg("the daemon shows a week it cannot read back: \"%s\": %s", cal->week, why);
    calendar_t *pure = calendar_new(&week);
    assert_non_null(pure);
    for (size_t i = 0; i < cal->n_holidays; i++) {
        cal_day_t day;
        assert_int_equal(cal_parse_date(cal->holidays[i]->date, &day), 0);
        calendar_add_holiday(pure, day);
    }
    assert_int_equal(cal->n_periods, 0);
    wire_free(&reply);
    return pure;
}

/* Asks the daemon for from + duration and checks due (WITA text) and the reply's fields. */
static void s_due_is(lkipc_t *c, const char *from, const char *duration, bool wall_clock,
                     const char *due, int64_t working_minutes)
{
    Lkip__Envelope *reply = s_due(c, from, duration, wall_clock);
    harness_assert_reply(reply, LKIP__STATUS__OK, "ok");
    assert_int_equal(reply->reply->payload_case, LKIP__REPLY__PAYLOAD_DUE);
    const Lkip__CalendarDueReply *d = reply->reply->due;
    if (strcmp(d->due, due) != 0)
        fail_msg("%s + %s: due %s, expected %s", from, duration, d->due, due);
    assert_int_equal(d->due_at, s_wita(due));
    assert_string_equal(d->time_zone, ZONE);
    if (working_minutes >= 0)
        assert_int_equal(d->working_minutes, working_minutes);
    wire_free(&reply);
}

static void test_calendar_due(void **state)
{
    lkipc_t *c = s_client(&s_staf); /* any user may ask */
    /* the README's example: Nyepi and Idul Fitri (2026-03-18 ... 03-24) and Good Friday
     * (04-03) are skipped */
    s_due_is(c, "2026-03-17 14:00", "7 hari", false, "2026-04-02 14:00", 7 * 450);
    s_due_is(c, "2026-03-17 14:00", "2 jam", false, "2026-03-17 16:00", 120);
    s_due_is(c, "2026-03-17 14:00", "3 jam", false, "2026-03-25 08:30", 180);
    s_due_is(c, "2026-03-17 14:00", "7 hari", true, "2026-03-24 14:00", -1);
    s_due_is(c, "2026-03-17T14:00", "5 Menit", false, "2026-03-17 14:05", 5);

    /* work given outside working time counts from the next working start, and the reply says
     * so (proto: "from: local, after moving to working time as computed") */
    static const struct {
        const char *from, *moved, *due;
    } outside[] = {
        {"2026-03-07 10:00", "2026-03-09 07:30", "2026-03-09 09:30"}, /* Saturday */
        {"2026-03-18 09:00", "2026-03-25 07:30", "2026-03-25 09:30"}, /* Nyepi */
        {"2026-03-06 12:00", "2026-03-06 13:00", "2026-03-06 15:00"}, /* Friday's break */
        {"2026-03-02 10:00", "2026-03-02 10:00", "2026-03-02 12:00"}, /* working already */
    };
    for (size_t i = 0; i < ARRAY_LEN(outside); i++) {
        Lkip__Envelope *reply = s_due(c, outside[i].from, "2 jam", false);
        harness_assert_reply(reply, LKIP__STATUS__OK, "ok");
        if (strcmp(reply->reply->due->from, outside[i].moved) != 0 ||
            strcmp(reply->reply->due->due, outside[i].due) != 0)
            fail_msg("%s + 2 jam: from %s due %s, expected from %s due %s", outside[i].from,
                     reply->reply->due->from, reply->reply->due->due, outside[i].moved,
                     outside[i].due);
        assert_int_equal(reply->reply->due->working_minutes, 120);
        wire_free(&reply);
    }
    /* wall-clock time is not moved */
    Lkip__Envelope *wall = s_due(c, "2026-03-07 10:00", "2 jam", true);
    harness_assert_reply(wall, LKIP__STATUS__OK, "ok");
    assert_string_equal(wall->reply->due->from, "2026-03-07 10:00");
    assert_string_equal(wall->reply->due->due, "2026-03-07 12:00");
    wire_free(&wall);

    /* the same as the pure calendar, built from what the daemon shows, over two months of
     * start instants (every 7 h 13 min) and the SOP's kinds of waktu */
    calendar_t *pure = s_calendar_from_show(c);
    static const char *const durations[] = {"5 menit", "15 menit", "2 jam", "3 jam",
                                            "1 hari",  "3 hari",   "7 hari"};
    cal_min_t start = 0;
    assert_int_equal(cal_parse_local("2026-03-01 00:05", &start), 0);
    int failures = 0, asked = 0;
    for (cal_min_t t = start; t < start + 61 * CAL_MINUTES_PER_DAY; t += 7 * 60 + 13) {
        char from[32];
        cal_format_local(t, from, sizeof from);
        for (size_t k = 0; k < ARRAY_LEN(durations); k++) {
            int64_t value;
            cal_unit_t unit;
            cal_min_t due;
            int64_t due_at;
            assert_int_equal(calendar_parse_duration(durations[k], &value, &unit), 0);
            assert_int_equal(calendar_due(pure, t, value, unit, false, &due), 0);
            assert_int_equal(tz_from_local(ZONE, due, &due_at), 0);
            Lkip__Envelope *reply = s_due(c, from, durations[k], false);
            harness_assert_reply(reply, LKIP__STATUS__OK, "ok");
            const Lkip__CalendarDueReply *d = reply->reply->due;
            char want[32];
            cal_format_local(due, want, sizeof want);
            cal_min_t moved = calendar_next_working(pure, t);
            if (strcmp(d->due, want) != 0 || d->due_at != due_at ||
                d->working_minutes != calendar_working_minutes(pure, moved, due)) {
                print_error("%s + %s: daemon %s (%lld min), pure calendar %s (%lld min)\n", from,
                            durations[k], d->due, (long long)d->working_minutes, want,
                            (long long)calendar_working_minutes(pure, moved, due));
                failures++;
            }
            wire_free(&reply);
            asked++;
        }
    }
    calendar_destroy(&pure);
    assert_true(asked > 1000);
    assert_int_equal(failures, 0);

    /* issue 9: a due time in a year without loaded holidays says so; within 2026 it does not */
    Lkip__Envelope *w = s_due(c, "2026-12-28 08:00", "10 hari", false);
    harness_assert_reply(w, LKIP__STATUS__OK, "ok");
    assert_int_equal(w->reply->due->n_years_without_holidays, 1);
    assert_int_equal(w->reply->due->years_without_holidays[0], 2027);
    assert_non_null(strstr(w->reply->due->warning, "Hari libur tahun 2027 belum dimuat"));
    wire_free(&w);
    w = s_due(c, "2026-03-17 14:00", "7 hari", false);
    harness_assert_reply(w, LKIP__STATUS__OK, "ok");
    assert_int_equal(w->reply->due->n_years_without_holidays, 0);
    assert_string_equal(w->reply->due->warning, "");
    wire_free(&w);

    /* refusals */
    s_expect_reply(s_due(c, "2026-03-17 14:00", "7 minggu", false), LKIP__STATUS__BAD_REQUEST,
                   "bad_duration");
    s_expect_reply(s_due(c, "2026-03-17 14:00", "", false), LKIP__STATUS__BAD_REQUEST,
                   "bad_duration");
    s_expect_reply(s_due(c, "2026-03-17 14:00", "-2 jam", false), LKIP__STATUS__BAD_REQUEST,
                   "bad_duration");
    /* issue 9: out of range is a bad duration, not a calendar without working time */
    s_expect_reply(s_due(c, "2026-03-17 14:00", "99999999 hari", false), LKIP__STATUS__BAD_REQUEST,
                   "bad_duration");
    s_expect_reply(s_due(c, "2026-03-17 14:00", "99999999 hari", true), LKIP__STATUS__BAD_REQUEST,
                   "bad_duration");
    s_expect_reply(s_due(c, "2026-02-30 10:00", "2 jam", false), LKIP__STATUS__BAD_REQUEST,
                   "bad_time");
    s_expect_reply(s_due(c, "2026-03-17 24:30", "2 jam", false), LKIP__STATUS__BAD_REQUEST,
                   "bad_time");
    s_expect_reply(s_due(c, "besok pagi", "2 jam", false), LKIP__STATUS__BAD_REQUEST, "bad_time");
    harness_client_close(s_h, &c);
}

/* Without a start the daemon's clock is the start (the test clock here). */
static void test_calendar_due_from_now(void **state)
{
    lkipc_t *admin = s_client(&s_admin);
    s_clock_to(admin, "2026-03-06 15:00"); /* a Friday */
    lkipc_t *c = s_client(&s_staf);
    Lkip__Envelope *reply = s_due(c, NULL, "2 jam", false);
    harness_assert_reply(reply, LKIP__STATUS__OK, "ok");
    assert_string_equal(reply->reply->due->from, "2026-03-06 15:00");
    assert_string_equal(reply->reply->due->due, "2026-03-09 08:00");
    wire_free(&reply);
    harness_client_close(s_h, &c);
    harness_client_close(s_h, &admin);
}

/* ---- c. calendar administration ----------------------------------------------------------- */

static void test_calendar_show_seeded(void **state)
{
    lkipc_t *c = s_client(&s_staf); /* reading the calendar is for everyone */
    Lkip__Envelope *reply = s_calendar_show(c, 2026);
    harness_assert_reply(reply, LKIP__STATUS__OK, "ok");
    const Lkip__CalendarReply *cal = reply->reply->calendar;
    assert_string_equal(cal->org_code, "DKIP");
    assert_string_equal(cal->time_zone, ZONE);
    assert_string_equal(cal->week, DEFAULT_WEEK);
    assert_int_equal(cal->n_periods, 0);
    assert_int_equal(cal->n_holidays, 25);
    assert_string_equal(cal->holidays[0]->date, "2026-01-01");
    assert_string_equal(cal->holidays[0]->kind, "libur_nasional");
    assert_string_equal(cal->holidays[0]->name, "Tahun Baru 2026 Masehi");
    assert_string_equal(cal->holidays[24]->date, "2026-12-25");
    int cuti = 0;
    for (size_t i = 0; i < cal->n_holidays; i++) {
        cuti += strcmp(cal->holidays[i]->kind, "cuti_bersama") == 0;
        if (i)
            assert_true(strcmp(cal->holidays[i - 1]->date, cal->holidays[i]->date) < 0);
    }
    assert_int_equal(cuti, 8);
    assert_false(cal->year_without_holidays);
    wire_free(&reply);
    reply = s_calendar_show(c, 2025);
    harness_assert_reply(reply, LKIP__STATUS__OK, "ok");
    assert_int_equal(reply->reply->calendar->n_holidays, 0);
    /* a year without any holiday loaded is flagged (issue 9) */
    assert_true(reply->reply->calendar->year_without_holidays);
    assert_non_null(strstr(reply->reply->message, "hari libur tahun 2025 belum dimuat"));
    wire_free(&reply);
    s_expect_reply(s_calendar_show(c, -1), LKIP__STATUS__BAD_REQUEST, "bad_year");
    harness_client_close(s_h, &c);
}

static void test_holiday_add_remove(void **state)
{
    lkipc_t *admin = s_client(&s_admin);
    long long version = harness_sql_int(
        s_h, "SELECT calendar_version FROM organisations WHERE code = 'DKIP'", NULL);
    Lkip__Envelope *reply =
        s_holiday(admin, false, "2026-06-15", "Hari Jadi Kota Gorontalo", "libur_lokal");
    harness_assert_reply(reply, LKIP__STATUS__OK, "ok");
    assert_int_equal(reply->reply->calendar->changed, 1);
    assert_int_equal(reply->reply->calendar->deadlines_moved, 0);
    wire_free(&reply);
    assert_int_equal(harness_sql_int(s_h,
                                     "SELECT count(*) FROM holidays WHERE day = '2026-06-15'"
                                     " AND kind = 'libur_lokal' AND name = $1",
                                     "Hari Jadi Kota Gorontalo", NULL),
                     1);
    assert_true(harness_sql_int(s_h,
                                "SELECT calendar_version FROM organisations WHERE code = 'DKIP'",
                                NULL) > version);
    reply = s_calendar_show(admin, 2026);
    assert_int_equal(reply->reply->calendar->n_holidays, 26);
    wire_free(&reply);

    /* the same again changes nothing */
    reply = s_holiday(admin, false, "2026-06-15", "Hari Jadi Kota Gorontalo", "libur_lokal");
    harness_assert_reply(reply, LKIP__STATUS__OK, "ok");
    assert_int_equal(reply->reply->calendar->changed, 0);
    wire_free(&reply);

    reply = s_holiday(admin, true, "2026-06-15", NULL, NULL);
    harness_assert_reply(reply, LKIP__STATUS__OK, "ok");
    assert_int_equal(reply->reply->calendar->changed, 1);
    wire_free(&reply);
    assert_int_equal(s_holiday_rows("2026-06-15"), 0);
    reply = s_calendar_show(admin, 2026);
    assert_int_equal(reply->reply->calendar->n_holidays, 25);
    wire_free(&reply);
    s_expect_reply(s_holiday(admin, true, "2026-06-15", NULL, NULL), LKIP__STATUS__NOT_FOUND,
                   "unknown_holiday");

    /* refusals store nothing */
    s_expect_reply(s_holiday(admin, false, "2026-02-30", "Tidak ada", NULL),
                   LKIP__STATUS__BAD_REQUEST, "bad_date");
    s_expect_reply(s_holiday(admin, false, "30-02-2026", "Tidak ada", NULL),
                   LKIP__STATUS__BAD_REQUEST, "bad_date");
    s_expect_reply(s_holiday(admin, false, "2026-07-01", "Libur kantor", "libur_kantor"),
                   LKIP__STATUS__BAD_REQUEST, "bad_kind");
    s_expect_reply(s_holiday(admin, false, "2026-07-01", "", NULL), LKIP__STATUS__BAD_REQUEST,
                   NULL);
    assert_int_equal(s_holiday_rows("2026-07-01"), 0);
    assert_int_equal(harness_sql_int(s_h, "SELECT count(*) FROM holidays", NULL), 25);
    harness_client_close(s_h, &admin);
}

static void test_import_csv(void **state)
{
    lkipc_t *admin = s_client(&s_admin);
    /* the repository's 2026 list: every date is seeded already */
    char *path = xasprintf("%s/data/holidays-2026.csv", s_srcdir());
    char *csv = NULL;
    size_t len = 0;
    assert_int_equal(read_file(path, 1 << 20, &csv, &len), 0);
    free(path);
    Lkip__Envelope *reply = s_import(admin, "holidays-2026.csv", csv, len, NULL);
    free(csv);
    harness_assert_reply(reply, LKIP__STATUS__OK, "ok");
    assert_int_equal(reply->reply->calendar->changed, 0);
    wire_free(&reply);
    assert_int_equal(harness_sql_int(s_h, "SELECT count(*) FROM holidays", NULL), 25);

    /* a file like it for 2027, with a BOM, CRLF and a ';' line */
    static const char csv2027[] = "\xef\xbb\xbf"
                                  "date,kind,name\r\n"
                                  "2027-01-01,libur_nasional,Tahun Baru 2027 Masehi\r\n"
                                  "2027-02-08;cuti_bersama;Tahun Baru Imlek 2578 Kongzili\r\n"
                                  "2027-08-17,libur_nasional,Hari Proklamasi Kemerdekaan RI\r\n";
    reply = s_import(admin, "libur-2027.csv", csv2027, sizeof csv2027 - 1, NULL);
    harness_assert_reply(reply, LKIP__STATUS__OK, "ok");
    assert_int_equal(reply->reply->calendar->changed, 3);
    wire_free(&reply);
    assert_int_equal(harness_sql_int(s_h,
                                     "SELECT count(*) FROM holidays WHERE day = '2027-02-08'"
                                     " AND kind = 'cuti_bersama' AND name = $1",
                                     "Tahun Baru Imlek 2578 Kongzili", NULL),
                     1);
    assert_int_equal(s_holiday_rows("2027-01-01"), 1);
    assert_int_equal(s_holiday_rows("2027-08-17"), 1);

    /* one bad line refuses the whole file */
    static const char bad[] = "date,kind,name\n"
                              "2027-05-01,libur_nasional,Hari Buruh\n"
                              "2027-13-01,libur_nasional,Bulan ketiga belas\n"
                              "2027-05-06,libur_nasional,Kenaikan\n";
    reply = s_import(admin, "salah.csv", bad, sizeof bad - 1, NULL);
    harness_assert_reply(reply, LKIP__STATUS__INVALID, "bad_calendar_file");
    assert_non_null(strstr(reply->reply->message, "baris 3"));
    wire_free(&reply);
    static const char bad_kind[] = "date,kind,name\n"
                                   "2027-05-01,libur_nasional,Hari Buruh\n"
                                   "2027-05-02,libur_kantor,Libur kantor\n";
    s_expect_reply(s_import(admin, "salah2.csv", bad_kind, sizeof bad_kind - 1, NULL),
                   LKIP__STATUS__INVALID, "bad_calendar_file");
    static const char short_line[] = "date,kind,name\n2027-05-01,libur_nasional\n";
    s_expect_reply(s_import(admin, "salah3.csv", short_line, sizeof short_line - 1, NULL),
                   LKIP__STATUS__INVALID, "bad_calendar_file");
    assert_int_equal(s_holiday_rows("2027-05-01"), 0);
    assert_int_equal(s_holiday_rows("2027-05-06"), 0);
    assert_int_equal(harness_sql_int(s_h, "SELECT count(*) FROM holidays", NULL), 28);
    harness_client_close(s_h, &admin);
}

static void test_import_ics(void **state)
{
    lkipc_t *admin = s_client(&s_admin);
    /* an all-day event of two days: DTEND is exclusive */
    static const char ics[] = "BEGIN:VCALENDAR\r\n"
                              "VERSION:2.0\r\n"
                              "PRODID:-//lkip//test//ID\r\n"
                              "BEGIN:VEVENT\r\n"
                              "UID:nyepi-2027@lkip.test\r\n"
                              "DTSTAMP:20260101T000000Z\r\n"
                              "DTSTART;VALUE=DATE:20270310\r\n"
                              "DTEND;VALUE=DATE:20270312\r\n"
                              "SUMMARY:Hari Suci Nyepi 2027\r\n"
                              "END:VEVENT\r\n"
                              "END:VCALENDAR\r\n";
    Lkip__Envelope *reply = s_import(admin, "nyepi.ics", ics, sizeof ics - 1, NULL);
    harness_assert_reply(reply, LKIP__STATUS__OK, "ok");
    assert_int_equal(reply->reply->calendar->changed, 2);
    wire_free(&reply);
    assert_int_equal(harness_sql_int(s_h,
                                     "SELECT count(*) FROM holidays WHERE day IN ('2027-03-10',"
                                     " '2027-03-11') AND kind = 'libur_nasional' AND name = $1",
                                     "Hari Suci Nyepi 2027", NULL),
                     2);
    assert_int_equal(s_holiday_rows("2027-03-12"), 0);
    assert_int_equal(s_holiday_rows("2027-03-09"), 0);

    /* the kind of the request applies to the events */
    static const char cuti[] = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//lkip//test//ID\r\n"
                               "BEGIN:VEVENT\r\nUID:cuti@lkip.test\r\nDTSTAMP:20260101T000000Z\r\n"
                               "DTSTART;VALUE=DATE:20270313\r\nSUMMARY:Cuti bersama\r\n"
                               "END:VEVENT\r\nEND:VCALENDAR\r\n";
    reply = s_import(admin, "cuti.ics", cuti, sizeof cuti - 1, "cuti_bersama");
    harness_assert_reply(reply, LKIP__STATUS__OK, "ok");
    assert_int_equal(reply->reply->calendar->changed, 1);
    wire_free(&reply);
    assert_int_equal(harness_sql_int(s_h,
                                     "SELECT count(*) FROM holidays WHERE day = '2027-03-13'"
                                     " AND kind = 'cuti_bersama'",
                                     NULL),
                     1);

    long long before = harness_sql_int(s_h, "SELECT count(*) FROM holidays", NULL);
    /* one good event and one without DTSTART: refused whole */
    static const char half[] = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//lkip//test//ID\r\n"
                               "BEGIN:VEVENT\r\nUID:a@lkip.test\r\nDTSTAMP:20260101T000000Z\r\n"
                               "DTSTART;VALUE=DATE:20270401\r\nSUMMARY:Baik\r\nEND:VEVENT\r\n"
                               "BEGIN:VEVENT\r\nUID:b@lkip.test\r\nDTSTAMP:20260101T000000Z\r\n"
                               "SUMMARY:Tanpa tanggal\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    s_expect_reply(s_import(admin, "separuh.ics", half, sizeof half - 1, NULL),
                   LKIP__STATUS__INVALID, "bad_calendar_file");
    /* not iCalendar at all, and a calendar without events */
    static const char broken[] = "BEGIN:VCALENDAR\r\nini bukan kalender\r\n";
    s_expect_reply(s_import(admin, "rusak.ics", broken, sizeof broken - 1, NULL),
                   LKIP__STATUS__INVALID, "bad_calendar_file");
    static const char empty[] = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n";
    s_expect_reply(s_import(admin, "kosong.ics", empty, sizeof empty - 1, NULL),
                   LKIP__STATUS__INVALID, "bad_calendar_file");
    /* a repeating event is refused rather than guessed */
    static const char rrule[] = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//lkip//test//ID\r\n"
                                "BEGIN:VEVENT\r\nUID:r@lkip.test\r\nDTSTAMP:20260101T000000Z\r\n"
                                "DTSTART;VALUE=DATE:20270402\r\nRRULE:FREQ=YEARLY\r\n"
                                "SUMMARY:Tiap tahun\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    s_expect_reply(s_import(admin, "ulang.ics", rrule, sizeof rrule - 1, NULL),
                   LKIP__STATUS__INVALID, "bad_calendar_file");
    assert_int_equal(s_holiday_rows("2027-04-01"), 0);
    assert_int_equal(s_holiday_rows("2027-04-02"), 0);
    assert_int_equal(harness_sql_int(s_h, "SELECT count(*) FROM holidays", NULL), before);
    harness_client_close(s_h, &admin);
}

static void test_hours_set(void **state)
{
    lkipc_t *admin = s_client(&s_admin);
    s_expect_reply(s_hours(admin, "senin=25:00-26:00"), LKIP__STATUS__BAD_REQUEST, "bad_hours");
    s_expect_reply(s_hours(admin, "senin=07:30-12:00,11:00-16:00"), LKIP__STATUS__BAD_REQUEST,
                   "bad_hours");
    s_expect_reply(s_hours(admin, "monday=08:00-16:00"), LKIP__STATUS__BAD_REQUEST, "bad_hours");
    s_expect_reply(s_hours(admin, "senin=08:00-12:00;senin=13:00-16:00"), LKIP__STATUS__BAD_REQUEST,
                   "bad_hours");
    s_expect_reply(s_hours(admin, "   "), LKIP__STATUS__BAD_REQUEST, "bad_hours");
    s_expect_reply(s_hours(admin, ""), LKIP__STATUS__BAD_REQUEST, NULL);
    assert_int_equal(harness_sql_int(s_h, "SELECT count(*) FROM work_hours", NULL), 10);

    Lkip__Envelope *reply = s_hours(admin, "senin - jum'at = 08:00-16:00");
    harness_assert_reply(reply, LKIP__STATUS__OK, "ok");
    assert_string_equal(reply->reply->calendar->week, "senin-jumat=08:00-16:00");
    wire_free(&reply);
    assert_int_equal(harness_sql_int(s_h,
                                     "SELECT count(*) FROM work_hours WHERE start_min = 480"
                                     " AND end_min = 960",
                                     NULL),
                     5);
    /* due times follow at once */
    lkipc_t *c = s_client(&s_staf);
    s_due_is(c, "2026-03-02 15:00", "2 jam", false, "2026-03-03 09:00", 120);
    harness_client_close(s_h, &c);

    reply = s_hours(admin, DEFAULT_WEEK);
    harness_assert_reply(reply, LKIP__STATUS__OK, "ok");
    assert_string_equal(reply->reply->calendar->week, DEFAULT_WEEK);
    wire_free(&reply);
    assert_int_equal(harness_sql_int(s_h, "SELECT count(*) FROM work_hours", NULL), 10);
    harness_client_close(s_h, &admin);
}

static void test_periods(void **state)
{
    static const char ramadan[] = "senin-kamis=08:00-12:00,12:30-15:00;jumat=08:00-11:30,"
                                  "13:00-15:30";
    lkipc_t *admin = s_client(&s_admin);
    Lkip__Envelope *reply =
        s_period(admin, false, "Ramadan 1448", "2027-02-08", "2027-03-09", ramadan);
    harness_assert_reply(reply, LKIP__STATUS__OK, "ok");
    const Lkip__CalendarReply *cal = reply->reply->calendar;
    assert_int_equal(cal->n_periods, 1);
    assert_string_equal(cal->periods[0]->name, "Ramadan 1448");
    assert_string_equal(cal->periods[0]->first, "2027-02-08");
    assert_string_equal(cal->periods[0]->last, "2027-03-09");
    assert_string_equal(cal->periods[0]->week, ramadan);
    wire_free(&reply);

    /* a second period overlapping the first (by one day at either end, or inside it) */
    s_expect_reply(s_period(admin, false, "Ramadan lagi", "2027-03-09", "2027-03-20", ramadan),
                   LKIP__STATUS__CONFLICT, "period_overlap");
    s_expect_reply(s_period(admin, false, "Sebelum", "2027-01-01", "2027-02-08", ramadan),
                   LKIP__STATUS__CONFLICT, "period_overlap");
    s_expect_reply(s_period(admin, false, "Di dalam", "2027-02-20", "2027-02-21", ramadan),
                   LKIP__STATUS__CONFLICT, "period_overlap");
    s_expect_reply(s_period(admin, false, "Ramadan 1448", "2027-06-01", "2027-06-02", ramadan),
                   LKIP__STATUS__CONFLICT, "period_exists");
    s_expect_reply(s_period(admin, false, "Terbalik", "2027-06-02", "2027-06-01", ramadan),
                   LKIP__STATUS__BAD_REQUEST, "bad_range");
    s_expect_reply(s_period(admin, false, "Tanggal", "2027-02-30", "2027-03-01", ramadan),
                   LKIP__STATUS__BAD_REQUEST, "bad_date");
    s_expect_reply(s_period(admin, false, "Jam", "2027-06-01", "2027-06-02", "senin=9"),
                   LKIP__STATUS__BAD_REQUEST, "bad_hours");
    assert_int_equal(harness_sql_int(s_h, "SELECT count(*) FROM work_periods", NULL), 1);

    /* the period's hours apply inside it: Monday 2027-02-15 14:00 + 2 jam (15:00 end) */
    lkipc_t *c = s_client(&s_staf);
    s_due_is(c, "2027-02-15 14:00", "2 jam", false, "2027-02-16 09:00", 120);
    harness_client_close(s_h, &c);

    reply = s_period(admin, true, "Ramadan 1448", NULL, NULL, NULL);
    harness_assert_reply(reply, LKIP__STATUS__OK, "ok");
    assert_int_equal(reply->reply->calendar->n_periods, 0);
    wire_free(&reply);
    s_expect_reply(s_period(admin, true, "Ramadan 1448", NULL, NULL, NULL), LKIP__STATUS__NOT_FOUND,
                   "unknown_period");
    assert_int_equal(harness_sql_int(s_h, "SELECT count(*) FROM work_period_hours", NULL), 0);
    harness_client_close(s_h, &admin);
}

static void test_org_unknown_time_zone(void **state)
{
    lkipc_t *admin = s_client(&s_admin);
    s_expect_reply(s_org_zone(admin, "Asia/Atlantis"), LKIP__STATUS__BAD_REQUEST,
                   "unknown_time_zone");
    s_expect_reply(s_org_zone(admin, "../../etc/passwd"), LKIP__STATUS__BAD_REQUEST,
                   "unknown_time_zone");
    char *zone = harness_sql(s_h, "SELECT time_zone FROM organisations WHERE code = 'DKIP'", NULL);
    assert_string_equal(zone, ZONE);
    free(zone);
    harness_client_close(s_h, &admin);
}

static void test_calendar_changes_admin_only(void **state)
{
    lkipc_t *staf = s_client(&s_staf);
    long long holidays = harness_sql_int(s_h, "SELECT count(*) FROM holidays", NULL);
    s_expect_reply(s_holiday(staf, false, "2026-07-01", "Libur staf", NULL),
                   LKIP__STATUS__FORBIDDEN, "forbidden_role");
    s_expect_reply(s_holiday(staf, true, "2026-01-01", NULL, NULL), LKIP__STATUS__FORBIDDEN,
                   "forbidden_role");
    static const char csv[] = "date,kind,name\n2027-07-01,libur_nasional,Libur staf\n";
    s_expect_reply(s_import(staf, "libur.csv", csv, sizeof csv - 1, NULL), LKIP__STATUS__FORBIDDEN,
                   "forbidden_role");
    s_expect_reply(s_hours(staf, "senin=08:00-09:00"), LKIP__STATUS__FORBIDDEN, "forbidden_role");
    s_expect_reply(s_period(staf, false, "Staf", "2027-07-01", "2027-07-02", "senin=08:00-09:00"),
                   LKIP__STATUS__FORBIDDEN, "forbidden_role");
    s_expect_reply(s_org_zone(staf, "Asia/Jakarta"), LKIP__STATUS__FORBIDDEN, "forbidden_role");
    Lkip__ClockSetRequest body = LKIP__CLOCK_SET_REQUEST__INIT;
    body.now = s_wita("2030-01-01 08:00");
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_CLOCK_SET;
    req.clock_set = &body;
    s_expect_reply(harness_call_ok(staf, &req), LKIP__STATUS__FORBIDDEN, "forbidden_role");
    assert_int_equal(harness_sql_int(s_h, "SELECT count(*) FROM holidays", NULL), holidays);
    assert_int_equal(harness_sql_int(s_h, "SELECT count(*) FROM work_hours", NULL), 10);
    assert_int_equal(harness_sql_int(s_h, "SELECT count(*) FROM work_periods", NULL), 0);
    assert_int_equal(harness_sql_int(s_h,
                                     "SELECT count(*) FROM audit a JOIN users u ON u.id ="
                                     " a.user_id WHERE u.name = 'staf.satu' AND a.status = 403",
                                     NULL),
                     7);
    harness_client_close(s_h, &staf);
}

/* Last in the group: its daemon stops cleanly and no sanitizer reported anything. */
static void test_group_daemon_exits_clean(void **state)
{
    int rc = harness_daemon_stop(s_d, SIGTERM);
    if (rc != 0) {
        harness_dump_logs(s_h);
        fail_msg("lkipd after SIGTERM: exit %d", rc);
    }
    assert_true(harness_logs_clean(s_h));
}

/* ---- b. reminders, overdue notices and escalations ---------------------------------------- */

static void test_step_timers_reach_the_right_clients(void **state)
{
    /* sekretaris is the supervisor of kasubag_perencanaan */
    char *sup = harness_sql(s_w.h, "SELECT supervisor FROM roles WHERE code = $1",
                            "kasubag_perencanaan", NULL);
    assert_string_equal(sup, "sekretaris");
    free(sup);

    /* Monday 08:00: step 2 ("2 Jam") opens, due 10:00; 1 hour before due is 09:00, 75% is
     * 09:30 (for a 2-hour step the hour before due comes first) */
    int64_t inst = s_open_step2("2026-03-02 08:00", "2026");
    int64_t due = s_run_due(s_w.h, inst, 2);
    assert_int_equal(due, s_wita("2026-03-02 10:00"));
    /* one pending timer per run, its next one: step 2's first reminder; step 1 (done at once)
     * keeps its first reminder, 08:03, until it comes due and expires */
    s_pending_is(s_w.h, inst, 2, "reminder", 1, s_wita("2026-03-02 09:00"));
    assert_int_equal(s_timers(s_w.h, inst, 2, NULL, true), 0);
    s_pending_is(s_w.h, inst, 1, "reminder", 1, s_wita("2026-03-02 08:03"));

    watcher_t kasubag, sekretaris, staf;
    s_watch(&kasubag, s_w.h, s_w.d, &s_w.kasubag, "kasubag");
    s_watch(&sekretaris, s_w.h, s_w.d, &s_w.sekretaris, "sekretaris");
    s_watch(&staf, s_w.h, s_w.d, &s_w.staf, "staf");

    /* 08:55: nothing yet for step 2; step 1's pending reminder (08:03) comes due but the Kadis
     * finished in time: it expires without an event and queues nothing after it */
    s_clock_to(s_w.c_admin, "2026-03-02 08:55");
    assert_int_equal(s_drain_timer_events(&kasubag, s_w.h, inst, 0), 0);
    assert_int_equal(s_drain_timer_events(&sekretaris, s_w.h, inst, 0), 0);
    assert_int_equal(s_outbox_count(s_w.h, "kadis", "reminder", inst, 0), 0);
    assert_int_equal(s_outbox_count(s_w.h, "kadis", "overdue", inst, 0), 0);
    assert_int_equal(s_timers(s_w.h, inst, 1, NULL, false), 0);
    assert_int_equal(s_timers(s_w.h, inst, 1, "reminder", true), 1);
    assert_int_equal(s_timers(s_w.h, inst, 1, NULL, true), 1);
    assert_int_equal(s_timers(s_w.h, inst, 2, NULL, true), 0);
    s_pending_is(s_w.h, inst, 2, "reminder", 1, s_wita("2026-03-02 09:00"));

    /* 09:05: the first reminder, to kasubag only */
    int64_t now = s_wita("2026-03-02 09:05");
    s_clock_to(s_w.c_admin, "2026-03-02 09:05");
    Lkip__Envelope *env = NULL;
    Lkip__Event *ev = s_expect_timer_event(&kasubag, "reminder", inst, 2, &env);
    s_check_event(ev, inst, "2026", due, now);
    wire_free(&env);
    assert_int_equal(s_timers(s_w.h, inst, 2, "reminder", true), 1);
    s_pending_is(s_w.h, inst, 2, "reminder", 2, s_wita("2026-03-02 09:30"));

    /* 09:35: the second reminder */
    now = s_wita("2026-03-02 09:35");
    s_clock_to(s_w.c_admin, "2026-03-02 09:35");
    ev = s_expect_timer_event(&kasubag, "reminder", inst, 2, &env);
    s_check_event(ev, inst, "2026", due, now);
    wire_free(&env);
    assert_int_equal(s_drain_timer_events(&sekretaris, s_w.h, inst, 0), 0);
    assert_int_equal(s_timers(s_w.h, inst, 2, "reminder", true), 2);
    s_pending_is(s_w.h, inst, 2, "overdue", 1, due);

    /* 10:05: overdue to kasubag, escalation to sekretaris naming the late role */
    now = s_wita("2026-03-02 10:05");
    s_clock_to(s_w.c_admin, "2026-03-02 10:05");
    ev = s_expect_timer_event(&kasubag, "overdue", inst, 2, &env);
    s_check_event(ev, inst, "2026", due, now);
    wire_free(&env);
    ev = s_expect_timer_event(&sekretaris, "escalation", inst, 2, &env);
    s_check_event(ev, inst, "2026", due, now);
    assert_string_equal(ev->text_kind, "late_actor");
    assert_string_equal(ev->text, "kasubag_perencanaan");
    wire_free(&env);
    /* the overdue notice and the first escalation fired, once each; the next escalation: one
     * working day later */
    assert_int_equal(s_timers(s_w.h, inst, 2, "overdue", true), 1);
    assert_int_equal(s_timers(s_w.h, inst, 2, "escalation", true), 1);
    s_pending_is(s_w.h, inst, 2, "escalation", 2, s_wita("2026-03-03 10:00"));

    /* Tuesday 10:05: the second escalation; no second overdue */
    now = s_wita("2026-03-03 10:05");
    s_clock_to(s_w.c_admin, "2026-03-03 10:05");
    ev = s_expect_timer_event(&sekretaris, "escalation", inst, 2, &env);
    s_check_event(ev, inst, "2026", due, now);
    wire_free(&env);
    assert_int_equal(s_drain_timer_events(&kasubag, s_w.h, inst, 0), 0);
    assert_int_equal(s_timers(s_w.h, inst, 2, "escalation", true), 2);
    s_pending_is(s_w.h, inst, 2, "escalation", 3, s_wita("2026-03-04 10:00"));

    /* kasubag finishes step 2: its pending escalation expires silently at Wednesday 10:00 (seen
     * at 10:30), and nothing is queued after it */
    lkipc_t *c = s_client_of(&s_w.kasubag);
    s_done(c, "2026", 2);
    harness_client_close(s_w.h, &c);
    s_clock_to(s_w.c_admin, "2026-03-04 10:30");
    assert_int_equal(s_timers(s_w.h, inst, 2, NULL, false), 0);
    assert_int_equal(s_timers(s_w.h, inst, 2, "escalation", true), 3);
    assert_int_equal(s_timers(s_w.h, inst, 2, NULL, true), 2 + 1 + 3);
    assert_int_equal(s_drain_timer_events(&kasubag, s_w.h, inst, 2), 0);
    assert_int_equal(s_drain_timer_events(&sekretaris, s_w.h, inst, 2), 0);
    assert_int_equal(s_drain_timer_events(&staf, s_w.h, inst, 0), 0);

    /* everything stored for step 2, per recipient */
    assert_int_equal(s_outbox_count(s_w.h, "kasubag", "reminder", inst, 2), 2);
    assert_int_equal(s_outbox_count(s_w.h, "kasubag", "overdue", inst, 2), 1);
    assert_int_equal(s_outbox_count(s_w.h, "kasubag", "escalation", inst, 2), 0);
    assert_int_equal(s_outbox_count(s_w.h, "sekretaris", "escalation", inst, 2), 2);
    assert_int_equal(s_outbox_count(s_w.h, "sekretaris", "reminder", inst, 2), 0);
    assert_int_equal(s_outbox_count(s_w.h, "sekretaris", "overdue", inst, 2), 0);
    assert_int_equal(s_outbox_count(s_w.h, "staf", "reminder", inst, 0), 0);
    assert_int_equal(s_outbox_count(s_w.h, "staf", "overdue", inst, 0), 0);
    assert_int_equal(s_outbox_count(s_w.h, "staf", "escalation", inst, 0), 0);
    assert_int_equal(s_outbox_count(s_w.h, "kadis", "escalation", inst, 0), 0);
    s_chains_sane(s_w.h, inst);
    assert_true(harness_logs_clean(s_w.h));
}

/* A unit task is the operator's; its escalation goes to the kepala_bidang of that unit only. */
static void test_unit_task_escalation_to_own_kepala_bidang(void **state)
{
    int64_t inst = s_open_step2("2026-03-02 08:00", "2026");
    lkipc_t *c = s_client_of(&s_w.kasubag);
    s_done(c, "2026", 2);
    s_done(c, "2026", 3); /* sebar: one data task per unit, due with step 4's "3 Jam" */
    harness_client_close(s_w.h, &c);
    assert_int_equal(
        harness_sql_int(s_w.h,
                        "SELECT count(*) FROM unit_tasks WHERE instance_id = $1::bigint"
                        " AND state = 'open' AND unit_role = 'operator_unit'"
                        " AND due_at = to_timestamp($2::bigint)",
                        s_num(inst), s_num(s_wita("2026-03-02 11:00")), NULL),
        5);
    long long ikp_due = harness_sql_int(s_w.h,
                                        "SELECT extract(epoch FROM t.due_at)::bigint FROM"
                                        " unit_tasks t JOIN units u ON u.id = t.unit_id WHERE"
                                        " t.instance_id = $1::bigint AND u.code = 'IKP'",
                                        s_num(inst), NULL);
    /* each task's chain starts with its first reminder: 1 working hour before due */
    assert_int_equal(s_tasks_pending(s_w.h, inst, "reminder", 1, s_wita("2026-03-02 10:00")), 5);

    watcher_t ikp, aptika, operator_ikp;
    s_watch(&ikp, s_w.h, s_w.d, &s_w.kabid_ikp, "kabid.ikp");
    s_watch(&aptika, s_w.h, s_w.d, &s_w.kabid_aptika, "kabid.aptika");
    s_watch(&operator_ikp, s_w.h, s_w.d, &s_w.operator_ikp, "operator.ikp");

    /* 10:20: the operator is reminded twice (10:00 and 10:15), for its own unit */
    Lkip__Envelope *env = NULL;
    Lkip__Event *ev = NULL;
    s_clock_to(s_w.c_admin, "2026-03-02 10:20");
    for (int i = 0; i < 2; i++) {
        ev = s_expect_timer_event(&operator_ikp, "reminder", inst, 4, &env);
        assert_string_equal(ev->unit_code, "IKP");
        wire_free(&env);
    }
    assert_int_equal(s_drain_timer_events(&ikp, s_w.h, inst, 0), 0);
    assert_int_equal(s_tasks_fired(s_w.h, inst, "reminder"), 2 * 5);
    assert_int_equal(s_tasks_pending(s_w.h, inst, "overdue", 1, ikp_due), 5);

    /* 11:05: overdue to the operator, escalation to the head of each unit */
    int64_t now = s_wita("2026-03-02 11:05");
    s_clock_to(s_w.c_admin, "2026-03-02 11:05");
    ev = s_expect_timer_event(&ikp, "escalation", inst, 4, &env);
    s_check_event(ev, inst, "2026", ikp_due, now);
    assert_string_equal(ev->unit_code, "IKP");
    assert_string_equal(ev->text, "IKP");
    assert_string_equal(ev->text_kind, "late_actor");
    wire_free(&env);
    ev = s_expect_timer_event(&aptika, "escalation", inst, 4, &env);
    assert_string_equal(ev->unit_code, "APTIKA");
    wire_free(&env);
    ev = s_expect_timer_event(&operator_ikp, "overdue", inst, 4, &env);
    assert_string_equal(ev->unit_code, "IKP");
    wire_free(&env);

    /* nothing else: one escalation each, none of another unit */
    assert_int_equal(s_drain_timer_events(&ikp, s_w.h, inst, 0), 0);
    assert_int_equal(s_drain_timer_events(&aptika, s_w.h, inst, 0), 0);
    assert_int_equal(s_drain_timer_events(&operator_ikp, s_w.h, inst, 0), 0);
    assert_int_equal(s_outbox_count(s_w.h, "kabid.ikp", "escalation", inst, 0), 1);
    assert_int_equal(s_outbox_count(s_w.h, "kabid.aptika", "escalation", inst, 0), 1);
    assert_int_equal(s_outbox_count(s_w.h, "operator.ikp", "escalation", inst, 0), 0);
    /* the unit tasks' escalations do not skip a level to the sekretaris; staf's own step 4
     * run escalates to kasubag */
    assert_int_equal(s_outbox_count(s_w.h, "sekretaris", "escalation", inst, 4), 0);
    assert_int_equal(s_outbox_count(s_w.h, "kasubag", "escalation", inst, 4), 1);
    assert_int_equal(s_outbox_count(s_w.h, "staf", "overdue", inst, 4), 1);
    /* each task's overdue notice and first escalation fired once; the next escalation is one
     * working day later */
    assert_int_equal(s_tasks_fired(s_w.h, inst, "reminder"), 2 * 5);
    assert_int_equal(s_tasks_fired(s_w.h, inst, "overdue"), 5);
    assert_int_equal(s_tasks_fired(s_w.h, inst, "escalation"), 5);
    assert_int_equal(s_tasks_pending(s_w.h, inst, "escalation", 2, s_wita("2026-03-03 11:00")), 5);
    s_chains_sane(s_w.h, inst);
    assert_true(harness_logs_clean(s_w.h));
}

/* ---- d. a holiday added after the deadline was computed ----------------------------------- */

/* kasubag's step 2 task in the tasks reply: its due time and remaining working minutes. */
static void s_task_due(lkipc_t *c, int64_t inst, int64_t *due, int64_t *remaining)
{
    Lkip__Envelope *reply = s_tasks(c);
    const Lkip__TasksReply *l = reply->reply->task_list;
    bool found = false;
    for (size_t i = 0; i < l->n_tasks; i++)
        if (l->tasks[i]->instance_id == inst && l->tasks[i]->step_no == 2) {
            *due = l->tasks[i]->due_at;
            *remaining = l->tasks[i]->remaining_minutes;
            found = true;
        }
    wire_free(&reply);
    assert_true(found);
}

static void test_holiday_moves_open_deadline(void **state)
{
    /* Monday 15:00 + 2 jam: due Tuesday 08:30 */
    int64_t inst = s_open_step2("2026-03-02 15:00", "2026");
    int64_t tue = s_wita("2026-03-03 08:30"), wed = s_wita("2026-03-04 08:30");
    assert_int_equal(s_run_due(s_w.h, inst, 2), tue);
    /* reminders at Monday 16:00 (1 working hour before due) and Tuesday 08:00 (75%) */
    s_pending_is(s_w.h, inst, 2, "reminder", 1, s_wita("2026-03-02 16:00"));
    s_clock_to(s_w.c_admin, "2026-03-02 15:30");
    lkipc_t *c = s_client_of(&s_w.kasubag);
    int64_t due = 0, remaining = 0;
    s_task_due(c, inst, &due, &remaining);
    assert_int_equal(due, tue);
    assert_int_equal(remaining, 90);

    watcher_t kasubag;
    s_watch(&kasubag, s_w.h, s_w.d, &s_w.kasubag, "kasubag");
    assert_int_equal(s_drain_timer_events(&kasubag, s_w.h, inst, 0), 0);

    /* Tuesday becomes a holiday: due Wednesday 08:30 */
    Lkip__Envelope *reply =
        s_holiday(s_w.c_admin, false, "2026-03-03", "Hari Jadi Kota Gorontalo", "libur_lokal");
    harness_assert_reply(reply, LKIP__STATUS__OK, "ok");
    assert_int_equal(reply->reply->calendar->deadlines_moved, 1);
    wire_free(&reply);
    assert_int_equal(s_run_due(s_w.h, inst, 2), wed);
    s_task_due(c, inst, &due, &remaining);
    assert_int_equal(due, wed);
    assert_int_equal(remaining, 90); /* still 90 working minutes: the holiday is not work */
    /* the timers follow: the unfired row is replaced by the first timer of the new chain, the
     * first reminder after now (Monday 16:00 is still 1 working hour before the new due time;
     * the 75% one moved to Wednesday 08:00) */
    s_pending_is(s_w.h, inst, 2, "reminder", 1, s_wita("2026-03-02 16:00"));
    assert_int_equal(s_timers(s_w.h, inst, 2, NULL, true), 0);

    Lkip__Envelope *env = NULL;
    Lkip__Event *ev = NULL;
    while ((ev = s_next_event(&kasubag, EVENT_TIMEOUT_MS, &env)) &&
           strcmp(ev->kind, "deadline_changed") != 0)
        wire_free(&env);
    if (!ev)
        fail_msg("kasubag got no deadline_changed event");
    assert_int_equal(ev->instance_id, inst);
    assert_int_equal(ev->step_no, 2);
    assert_int_equal(ev->due_at, wed);
    assert_string_equal(ev->time_zone, ZONE);
    wire_free(&env);

    /* removed again: back to Tuesday, told again */
    reply = s_holiday(s_w.c_admin, true, "2026-03-03", NULL, NULL);
    harness_assert_reply(reply, LKIP__STATUS__OK, "ok");
    assert_int_equal(reply->reply->calendar->deadlines_moved, 1);
    wire_free(&reply);
    assert_int_equal(s_run_due(s_w.h, inst, 2), tue);
    s_task_due(c, inst, &due, &remaining);
    assert_int_equal(due, tue);
    assert_int_equal(remaining, 90);
    s_pending_is(s_w.h, inst, 2, "reminder", 1, s_wita("2026-03-02 16:00"));
    assert_int_equal(s_timers(s_w.h, inst, 2, NULL, true), 0);
    while ((ev = s_next_event(&kasubag, EVENT_TIMEOUT_MS, &env)) &&
           strcmp(ev->kind, "deadline_changed") != 0)
        wire_free(&env);
    if (!ev)
        fail_msg("kasubag got no second deadline_changed event");
    assert_int_equal(ev->due_at, tue);
    wire_free(&env);

    /* and the notices come at the restored times: reminders Monday 16:00 and Tuesday 08:00
     * (the first one late, but still before the due time), overdue 08:30 */
    s_clock_to(s_w.c_admin, "2026-03-03 08:05");
    for (int i = 0; i < 2; i++) {
        ev = s_expect_timer_event(&kasubag, "reminder", inst, 2, &env);
        assert_int_equal(ev->due_at, tue);
        wire_free(&env);
    }
    assert_int_equal(s_drain_timer_events(&kasubag, s_w.h, inst, 2), 0);
    assert_int_equal(s_timers(s_w.h, inst, 2, "reminder", true), 2);
    s_pending_is(s_w.h, inst, 2, "overdue", 1, tue);
    s_clock_to(s_w.c_admin, "2026-03-03 08:35");
    ev = s_expect_timer_event(&kasubag, "overdue", inst, 2, &env);
    assert_int_equal(ev->due_at, tue);
    wire_free(&env);
    assert_int_equal(s_drain_timer_events(&kasubag, s_w.h, inst, 2), 0);
    assert_int_equal(s_outbox_count(s_w.h, "kasubag", "reminder", inst, 2), 2);
    assert_int_equal(s_outbox_count(s_w.h, "kasubag", "overdue", inst, 2), 1);
    assert_int_equal(s_outbox_count(s_w.h, "sekretaris", "escalation", inst, 2), 1);
    s_pending_is(s_w.h, inst, 2, "escalation", 2, s_wita("2026-03-04 08:30"));
    s_chains_sane(s_w.h, inst);
    harness_client_close(s_w.h, &c);
    assert_true(harness_logs_clean(s_w.h));
}

/* ---- e. two daemons on one database ------------------------------------------------------- */

/* How often "fired <kind> #<n> of instance <inst> step <step>" was logged by both daemons. */
static int s_fired_logged(harness_daemon_t *a, harness_daemon_t *b, const char *kind, int n,
                          int64_t inst, int step)
{
    char *line =
        xasprintf("fired %s #%d of instance %lld step %d\n", kind, n, (long long)inst, step);
    int count = harness_daemon_log_count(a, line) + harness_daemon_log_count(b, line);
    free(line);
    return count;
}

/* A daemon busy with requests still follows the clock another daemon sets: a notification that
 * arrives while it runs a query is read off the socket into libpq's queue, where waiting for the
 * socket no longer finds it. The other daemon's clock is set many times while this one is kept
 * busy with pipelined pings; it must end up at the last time. */
static void test_clock_reaches_busy_daemon(void **state)
{
    harness_daemon_t *b = s_daemon(s_w.h);
    assert_non_null(b);
    lkipc_t *admin_b = harness_client(s_w.h, b, &s_w.admin, CALL_TIMEOUT_MS);
    lkipc_t *busy = harness_client(s_w.h, b, &s_w.staf, CALL_TIMEOUT_MS);
    assert_non_null(admin_b);
    assert_non_null(busy);
    Lkip__Envelope *pong = s_ping(busy); /* connected */
    wire_free(&pong);
    int64_t t = s_wita("2026-03-02 08:00");
    for (int k = 0; k < 40; k++) {
        for (int i = 0; i < 5; i++) {
            Lkip__PingRequest body = LKIP__PING_REQUEST__INIT;
            Lkip__Envelope req = LKIP__ENVELOPE__INIT;
            req.request_id = lkipc_request_id();
            req.body_case = LKIP__ENVELOPE__BODY_PING;
            req.ping = &body;
            assert_int_equal(lkipc_send(busy, &req), 0);
        }
        s_clock_set(s_w.c_admin, t + 60 * k);
    }
    s_sync(admin_b, t + 60 * 39);
    s_sync(s_w.c_admin, t + 60 * 39);
}

static void test_two_daemons_fire_once(void **state)
{
    harness_daemon_t *b = s_daemon(s_w.h);
    assert_non_null(b);
    lkipc_t *admin_b = harness_client(s_w.h, b, &s_w.admin, CALL_TIMEOUT_MS);
    assert_non_null(admin_b);
    /* b runs on the system clock until it hears of the test clock: let it hear first, so no
     * timer is ever looked at with the wrong time */
    s_clock_set(s_w.c_admin, s_wita("2026-03-02 08:00"));
    s_sync(admin_b, s_wita("2026-03-02 08:00"));
    int64_t inst = s_open_step2("2026-03-02 08:00", "2026");
    s_sync(admin_b, s_wita("2026-03-02 08:00"));
    s_pending_is(s_w.h, inst, 2, "reminder", 1, s_wita("2026-03-02 09:00"));

    watcher_t kasubag_a, kasubag_b, sekretaris_b;
    s_watch(&kasubag_a, s_w.h, s_w.d, &s_w.kasubag, "kasubag");
    s_watch(&kasubag_b, s_w.h, b, &s_w.kasubag, "kasubag");
    s_watch(&sekretaris_b, s_w.h, b, &s_w.sekretaris, "sekretaris");

    /* one jump past both reminders of step 2 (09:00, 09:30), then one past its due time:
     * both daemons race for the timers each time */
    int64_t due = s_wita("2026-03-02 10:00");
    int64_t now = s_wita("2026-03-02 09:45");
    s_clock_set(s_w.c_admin, now);
    s_sync(s_w.c_admin, now);
    s_sync(admin_b, now);
    watcher_t *kasubags[] = {&kasubag_a, &kasubag_b};
    for (int i = 0; i < 2; i++)
        for (int k = 0; k < 2; k++) {
            Lkip__Envelope *env = NULL;
            Lkip__Event *ev = s_expect_timer_event(kasubags[i], "reminder", inst, 2, &env);
            s_check_event(ev, inst, "2026", due, now);
            wire_free(&env);
        }
    /* the chain went from the first reminder to the second (late, but before due) within the
     * same firing: both fired at 09:45, the overdue notice is next */
    assert_int_equal(s_timers(s_w.h, inst, 2, "reminder", true), 2);
    s_pending_is(s_w.h, inst, 2, "overdue", 1, due);
    s_chains_sane(s_w.h, inst);
    now = s_wita("2026-03-02 10:05");
    s_clock_set(s_w.c_admin, now);
    s_sync(s_w.c_admin, now);
    s_sync(admin_b, now);
    for (int i = 0; i < 2; i++) {
        Lkip__Envelope *env = NULL;
        Lkip__Event *ev = s_expect_timer_event(kasubags[i], "overdue", inst, 2, &env);
        s_check_event(ev, inst, "2026", due, now);
        wire_free(&env);
        assert_int_equal(s_drain_timer_events(kasubags[i], s_w.h, inst, 0), 0);
    }
    Lkip__Envelope *env = NULL;
    Lkip__Event *ev = s_expect_timer_event(&sekretaris_b, "escalation", inst, 2, &env);
    s_check_event(ev, inst, "2026", due, now);
    wire_free(&env);
    assert_int_equal(s_drain_timer_events(&sekretaris_b, s_w.h, inst, 0), 0);

    /* each timer fired once: one event per recipient, one row per timer with fired_at set by
     * one claim, each successor queued once, one pending row (the next escalation), one log
     * line over both daemons */
    assert_int_equal(s_outbox_count(s_w.h, "kasubag", "reminder", inst, 2), 2);
    assert_int_equal(s_outbox_count(s_w.h, "kasubag", "overdue", inst, 2), 1);
    assert_int_equal(s_outbox_count(s_w.h, "sekretaris", "escalation", inst, 2), 1);
    assert_int_equal(s_timers(s_w.h, inst, 2, NULL, true), 4);
    assert_int_equal(harness_sql_int(s_w.h,
                                     "SELECT count(*) FROM timers WHERE instance_id = $1::bigint"
                                     " AND fired_at = to_timestamp($2::bigint)",
                                     s_num(inst), s_num(s_wita("2026-03-02 09:45")), NULL),
                     2 + 1 /* step 2's reminders; step 1's first reminder, expired */);
    assert_int_equal(harness_sql_int(s_w.h,
                                     "SELECT count(*) FROM timers WHERE instance_id = $1::bigint"
                                     " AND fired_at = to_timestamp($2::bigint)",
                                     s_num(inst), s_num(now), NULL),
                     2);
    assert_int_equal(harness_sql_int(s_w.h,
                                     "SELECT count(*) FROM timers WHERE instance_id = $1::bigint"
                                     " AND fired_at IS NOT NULL",
                                     s_num(inst), NULL),
                     2 + 1 + 2);
    s_pending_is(s_w.h, inst, 2, "escalation", 2, s_wita("2026-03-03 10:00"));
    s_chains_sane(s_w.h, inst);
    assert_int_equal(s_fired_logged(s_w.d, b, "reminder", 1, inst, 2), 1);
    assert_int_equal(s_fired_logged(s_w.d, b, "reminder", 2, inst, 2), 1);
    assert_int_equal(s_fired_logged(s_w.d, b, "overdue", 1, inst, 2), 1);
    assert_int_equal(s_fired_logged(s_w.d, b, "escalation", 1, inst, 2), 1);

    /* the clock set through the other daemon: the next escalation, once, to sekretaris on b */
    now = s_wita("2026-03-03 10:05");
    s_clock_set(admin_b, now);
    s_sync(admin_b, now);
    s_sync(s_w.c_admin, now);
    ev = s_expect_timer_event(&sekretaris_b, "escalation", inst, 2, &env);
    s_check_event(ev, inst, "2026", due, now);
    wire_free(&env);
    assert_int_equal(s_drain_timer_events(&sekretaris_b, s_w.h, inst, 0), 0);
    assert_int_equal(s_outbox_count(s_w.h, "sekretaris", "escalation", inst, 2), 2);
    assert_int_equal(s_fired_logged(s_w.d, b, "escalation", 2, inst, 2), 1);
    assert_int_equal(s_timers(s_w.h, inst, 2, "escalation", true), 2);
    assert_int_equal(s_timers(s_w.h, inst, 2, NULL, true), 5);
    s_pending_is(s_w.h, inst, 2, "escalation", 3, s_wita("2026-03-04 10:00"));
    s_chains_sane(s_w.h, inst);
    assert_int_equal(s_drain_timer_events(&kasubag_a, s_w.h, inst, 0), 0);
    assert_true(harness_logs_clean(s_w.h));
}

/* ---- f. a daemon restarted after a due time ----------------------------------------------- */

static void test_restart_fires_missed_timers_once(void **state)
{
    int64_t inst = s_open_step2("2026-03-02 08:00", "2026");
    int64_t due = s_wita("2026-03-02 10:00");
    s_pending_is(s_w.h, inst, 2, "reminder", 1, s_wita("2026-03-02 09:00"));
    harness_client_close(s_w.h, &s_w.c_admin);
    int rc = harness_daemon_stop(s_w.d, SIGTERM);
    assert_int_equal(rc, 0);

    /* while no daemon runs, two working days pass: Wednesday 10:30 */
    int64_t now = s_wita("2026-03-04 10:30");
    assert_int_equal(harness_sql_exec(s_w.h, "UPDATE test_clock SET now_at = to_timestamp($1)",
                                      s_num(now), NULL),
                     0);
    assert_int_equal(harness_daemon_restart(s_w.d), 0);
    s_w.c_admin = harness_client(s_w.h, s_w.d, &s_w.admin, CALL_TIMEOUT_MS);
    assert_non_null(s_w.c_admin);
    s_sync(s_w.c_admin, now);

    watcher_t kasubag, sekretaris;
    s_watch(&kasubag, s_w.h, s_w.d, &s_w.kasubag, "kasubag");
    s_watch(&sekretaris, s_w.h, s_w.d, &s_w.sekretaris, "sekretaris");
    Lkip__Envelope *env = NULL;
    Lkip__Event *ev = s_expect_timer_event(&sekretaris, "escalation", inst, 2, &env);
    s_check_event(ev, inst, "2026", due, now);
    wire_free(&env);
    assert_int_equal(s_drain_timer_events(&sekretaris, s_w.h, inst, 0), 0);
    ev = s_expect_timer_event(&kasubag, "overdue", inst, 2, &env);
    s_check_event(ev, inst, "2026", due, now);
    wire_free(&env);
    assert_int_equal(s_drain_timer_events(&kasubag, s_w.h, inst, 0), 0);

    /* exactly one overdue and one escalation per recipient: the escalations of Tuesday and
     * Wednesday 10:00 collapse into the one fired now; the next is Thursday 10:00 */
    assert_int_equal(s_outbox_count(s_w.h, "kasubag", "overdue", inst, 2), 1);
    assert_int_equal(s_outbox_count(s_w.h, "sekretaris", "escalation", inst, 2), 1);
    assert_int_equal(s_outbox_count(s_w.h, "kasubag", "escalation", inst, 2), 0);
    assert_int_equal(s_outbox_count(s_w.h, "sekretaris", "overdue", inst, 2), 0);
    /* the reminders of 09:00 and 09:30, missed until after the due time, expire unsent: a
     * "due soon" after the overdue notice would only mislead. The chain still walks through
     * them to the overdue notice and the first escalation, each fired once */
    assert_int_equal(s_outbox_count(s_w.h, "kasubag", "reminder", inst, 2), 0);
    assert_int_equal(s_timers(s_w.h, inst, 2, "reminder", true), 2);
    assert_int_equal(s_timers(s_w.h, inst, 2, "overdue", true), 1);
    assert_int_equal(s_timers(s_w.h, inst, 2, "escalation", true), 1);
    assert_int_equal(s_timers(s_w.h, inst, 2, NULL, true), 4);
    s_pending_is(s_w.h, inst, 2, "escalation", 2, s_wita("2026-03-05 10:00"));
    s_chains_sane(s_w.h, inst);

    /* a second restart fires nothing again */
    harness_client_close(s_w.h, &s_w.c_admin);
    assert_int_equal(harness_daemon_restart(s_w.d), 0);
    s_w.c_admin = harness_client(s_w.h, s_w.d, &s_w.admin, CALL_TIMEOUT_MS);
    assert_non_null(s_w.c_admin);
    s_sync(s_w.c_admin, now);
    assert_int_equal(s_outbox_count(s_w.h, "kasubag", "overdue", inst, 2), 1);
    assert_int_equal(s_outbox_count(s_w.h, "sekretaris", "escalation", inst, 2), 1);
    assert_int_equal(s_outbox_count(s_w.h, "kasubag", "reminder", inst, 2), 0);
    assert_int_equal(s_timers(s_w.h, inst, 2, NULL, true), 4);
    s_pending_is(s_w.h, inst, 2, "escalation", 2, s_wita("2026-03-05 10:00"));
    s_chains_sane(s_w.h, inst);
    assert_true(harness_logs_clean(s_w.h));
}

/* ---- next year's holidays (issue 9) --------------------------------------------------------- */

/* The next holidays_missing event w gets (others skipped); fails when none comes. */
static Lkip__Event *s_expect_holidays_missing(watcher_t *w, Lkip__Envelope **env)
{
    for (;;) {
        Lkip__Event *ev = s_next_event(w, EVENT_TIMEOUT_MS, env);
        if (!ev) {
            harness_dump_all_logs();
            fail_msg("%s: no holidays_missing event within %d ms", w->name, EVENT_TIMEOUT_MS);
        }
        if (strcmp(ev->kind, "holidays_missing") == 0)
            return ev;
        wire_free(env);
    }
}

/* How many organisations db_holiday_reminders would tell at wita with from (rolled back). */
static int s_would_tell(db_t *db, const char *wita, const char *from)
{
    assert_int_equal(db_begin(db), 0);
    db_holiday_reminder_t *told = NULL;
    int n = db_holiday_reminders(db, s_wita(wita), from, &told);
    assert_true(n >= 0);
    if (n > 0)
        assert_int_equal(told[0].year, 2027);
    free(told);
    db_rollback(db);
    return n;
}

/* From 1 November (holiday_reminder_from) the admin and the Sekretaris are told once a day that
 * next year's holidays are not loaded, until they are. */
static void test_next_years_holidays_told_daily(void **state)
{
    s_clock_to(s_w.c_admin, "2026-10-31 08:00"); /* before the day configured */
    const char *sets[] = {"test_clock=true", "holiday_reminder_from=11-01", NULL};
    harness_daemon_t *d2 = harness_daemon_start(s_w.h, sets);
    assert_non_null(d2);
    watcher_t sek, admin;
    s_watch(&sek, s_w.h, s_w.d, &s_w.sekretaris, "sekretaris");
    s_watch(&admin, s_w.h, s_w.d, &s_w.admin, "admin.dkip");

    s_clock_to(s_w.c_admin, "2026-11-01 08:00");
    Lkip__Envelope *env = NULL;
    Lkip__Event *ev = s_expect_holidays_missing(&sek, &env);
    assert_string_equal(ev->org_code, "DKIP");
    assert_int_equal(ev->instance_id, 0);
    assert_non_null(strstr(ev->text, "hari libur tahun 2027 belum dimuat"));
    char *line = clitext_event(ev);
    assert_non_null(strstr(line, "[HARI LIBUR] DKIP: hari libur tahun 2027 belum dimuat"));
    free(line);
    wire_free(&env);
    ev = s_expect_holidays_missing(&admin, &env);
    wire_free(&env);
    /* the next day again, once */
    s_clock_to(s_w.c_admin, "2026-11-02 08:00");
    ev = s_expect_holidays_missing(&sek, &env);
    wire_free(&env);
    assert_int_equal(harness_sql_int(s_w.h, "SELECT count(*) FROM holiday_reminders", NULL), 2);
    assert_int_equal(harness_sql_int(s_w.h,
                                     "SELECT count(*) FROM outbox o JOIN users u ON u.id ="
                                     " o.user_id WHERE o.kind = 'holidays_missing'"
                                     " AND u.name IN ('sekretaris', 'admin.dkip')",
                                     NULL),
                     4);

    /* the rule itself, at chosen times: once a day, from the day configured, until imported */
    char err[256];
    db_t *db = db_connect(harness_conninfo(s_w.h), NULL, "test", err, sizeof err);
    if (!db)
        fail_msg("%s", err);
    assert_int_equal(s_would_tell(db, "2026-11-02 15:00", "11-01"), 0); /* told today */
    assert_int_equal(s_would_tell(db, "2026-11-03 08:00", "11-01"), 1);
    assert_int_equal(s_would_tell(db, "2026-11-03 08:00", "12-01"), 0); /* not yet */
    assert_int_equal(s_would_tell(db, "2026-10-31 08:00", "10-01"), 1);
    Lkip__Envelope *reply =
        s_holiday(s_w.c_admin, false, "2027-01-01", "Tahun Baru 2027 Masehi", "libur_nasional");
    harness_assert_reply(reply, LKIP__STATUS__OK, NULL);
    wire_free(&reply);
    assert_int_equal(s_would_tell(db, "2026-11-03 08:00", "11-01"), 0); /* imported */
    db_destroy(&db);
    assert_int_equal(harness_daemon_stop(d2, SIGTERM), 0);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    const struct CMUnitTest calendar[] = {
        cmocka_unit_test(test_calendar_show_seeded),
        cmocka_unit_test(test_calendar_due),
        cmocka_unit_test(test_calendar_due_from_now),
        cmocka_unit_test(test_holiday_add_remove),
        cmocka_unit_test(test_import_csv),
        cmocka_unit_test(test_import_ics),
        cmocka_unit_test(test_hours_set),
        cmocka_unit_test(test_periods),
        cmocka_unit_test(test_org_unknown_time_zone),
        cmocka_unit_test(test_calendar_changes_admin_only),
        cmocka_unit_test(test_group_daemon_exits_clean),
    };
    const struct CMUnitTest flows[] = {
        cmocka_unit_test_setup_teardown(test_step_timers_reach_the_right_clients, s_world_setup,
                                        s_world_teardown),
        cmocka_unit_test_setup_teardown(test_unit_task_escalation_to_own_kepala_bidang,
                                        s_world_setup, s_world_teardown),
        cmocka_unit_test_setup_teardown(test_holiday_moves_open_deadline, s_world_setup,
                                        s_world_teardown),
        cmocka_unit_test_setup_teardown(test_clock_reaches_busy_daemon, s_world_setup,
                                        s_world_teardown),
        cmocka_unit_test_setup_teardown(test_two_daemons_fire_once, s_world_setup,
                                        s_world_teardown),
        cmocka_unit_test_setup_teardown(test_next_years_holidays_told_daily, s_world_setup,
                                        s_world_teardown),
        cmocka_unit_test_setup_teardown(test_restart_fires_missed_timers_once, s_world_setup,
                                        s_world_teardown),
    };
    int failed = cmocka_run_group_tests_name("calendar", calendar, s_group_setup, s_group_teardown);
    failed += cmocka_run_group_tests_name("timers", flows, NULL, NULL);
    tz_cleanup();
    return failed;
}
