/* test_security — who may do what, through the real lkipd, PostgreSQL and CURVE sockets:
 *   - the role x command matrix: every role of one organisation sends every command, about its
 *     own organisation and about another one; each cell asserts the status and code, and that
 *     nothing changed where the command was refused (a digest of every table that holds state);
 *   - tenant isolation: every read is scoped to the caller's organisation unless the caller is
 *     admin (unit lists, calendars, instances, delegations);
 *   - separation of duties: the admin never acts in a workflow step;
 *   - delegation (Plh./Plt.): the delegate receives the delegator's assignments and may act on
 *     them during the period, recorded as "X selaku Plh. Y" in status, history, audit and
 *     events; outside the period it is refused with the period named; a delegate never acts
 *     on an instance where they already acted in the same round.
 * Every test gets a fresh database and daemon (test clock on). */
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

#define CALL_TIMEOUT_MS 10000
#define EVENT_WAIT_MS   10000
/* 2027-01-06 10:00 WITA (a Wednesday) and 2027-01-11 10:00 WITA (the Monday after). */
#define JAN_6_2027  1799200800LL
#define JAN_11_2027 (JAN_6_2027 + 5 * 86400)

typedef enum {
    ADMIN,
    KADIS,
    SEKRETARIS,
    KASUBAG,
    STAF,
    STAF2,
    OP_SEKRETARIAT,
    OP_IKP,
    OP_APTIKA,
    OP_PERSANDIAN,
    OP_STATISTIK,
    /* organisation B */
    KADIS_B,
    KASUBAG_B,
    CAST
} who_t;
#define FIRST_OP OP_SEKRETARIAT
#define N_UNITS  5

static const struct {
    const char *name, *role, *unit;
    bool org_b; /* registered by the admin in organisation B */
} s_roles[CAST] = {
    [ADMIN] = {"admin", "admin", NULL, false},
    [KADIS] = {"kadis", "kepala_dinas", NULL, false},
    [SEKRETARIS] = {"sekretaris", "sekretaris", NULL, false},
    [KASUBAG] = {"kasubag", "kasubag_perencanaan", NULL, false},
    [STAF] = {"staf", "staf", NULL, false},
    [STAF2] = {"staf.dua", "staf", NULL, false},
    [OP_SEKRETARIAT] = {"op.sekretariat", "operator_unit", "SEKRETARIAT", false},
    [OP_IKP] = {"op.ikp", "operator_unit", "IKP", false},
    [OP_APTIKA] = {"op.aptika", "operator_unit", "APTIKA", false},
    [OP_PERSANDIAN] = {"op.persandian", "operator_unit", "PERSANDIAN", false},
    [OP_STATISTIK] = {"op.statistik", "operator_unit", "STATISTIK", false},
    [KADIS_B] = {"kadis.b", "kepala_dinas", NULL, true},
    [KASUBAG_B] = {"kasubag.b", "kasubag_perencanaan", NULL, true},
};

static harness_t *s_h;
static harness_daemon_t *s_d;
static keypair_t s_kp[CAST];
static lkipc_t *s_c[CAST];
static Lkip__Envelope *s_last; /* the last reply (freed by the next call) */
static char s_action[256];     /* the last request made, for failure messages */

/* ---- requests ----------------------------------------------------------------------------- */

/* Sends req as who; the reply stays in s_last until the next call. */
static const Lkip__Reply *s_send(who_t who, Lkip__Envelope *req)
{
    req->request_id = 0; /* a fresh one: requests are built again and again here */
    wire_free(&s_last);
    s_last = harness_call_ok(s_c[who], req);
    assert_int_equal(s_last->body_case, LKIP__ENVELOPE__BODY_REPLY);
    return s_last->reply;
}

/* Sends req as who and checks the status and (unless NULL) code. */
static const Lkip__Reply *s_call(who_t who, Lkip__Envelope *req, int status, const char *code)
{
    const Lkip__Reply *r = s_send(who, req);
    if ((int)r->status != status || (code && strcmp(r->code, code) != 0)) {
        harness_dump_all_logs();
        fail_msg("%s (by %s): expected %d %s, got %d %s (\"%s\")", s_action, s_roles[who].name,
                 status, code ? code : "*", (int)r->status, r->code, r->message);
    }
    return r;
}

#define REQ(field, CASE, Type, INIT)                                                               \
    Type body = INIT;                                                                              \
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;                                                     \
    req.body_case = LKIP__ENVELOPE__BODY_##CASE;                                                   \
    req.field = &body

static void s_clock(int64_t t)
{
    snprintf(s_action, sizeof s_action, "clock_set %lld", (long long)t);
    REQ(clock_set, CLOCK_SET, Lkip__ClockSetRequest, LKIP__CLOCK_SET_REQUEST__INIT);
    body.now = t;
    s_call(ADMIN, &req, 200, "ok");
}

static const Lkip__Reply *s_start(who_t who, const char *sop, const char *period, int status,
                                  const char *code)
{
    snprintf(s_action, sizeof s_action, "start %s/%s", sop, period);
    REQ(start, START, Lkip__StartRequest, LKIP__START_REQUEST__INIT);
    body.sop_code = (char *)sop;
    body.period = (char *)period;
    body.note = "perintah";
    return s_call(who, &req, status, code);
}

static const Lkip__Reply *s_step(who_t who, const char *ref, int step, Lkip__StepAction action,
                                 int status, const char *code)
{
    snprintf(s_action, sizeof s_action, "step %d action %d of %s", step, action, ref);
    REQ(step, STEP, Lkip__StepRequest, LKIP__STEP_REQUEST__INIT);
    body.instance = (char *)ref;
    body.step_no = step;
    body.action = action;
    body.note = action == LKIP__STEP_ACTION__RETURN ? "perbaiki Bab III" : "";
    return s_call(who, &req, status, code);
}

static const Lkip__Reply *s_upload(who_t who, const char *ref, int step, int status,
                                   const char *code)
{
    snprintf(s_action, sizeof s_action, "upload at step %d of %s", step, ref);
    static const char doc[] = "Dokumen uji";
    REQ(upload, UPLOAD, Lkip__UploadRequest, LKIP__UPLOAD_REQUEST__INIT);
    body.instance = (char *)ref;
    body.step_no = step;
    body.file_name = "dokumen.txt";
    body.content.data = (uint8_t *)doc;
    body.content.len = sizeof doc - 1;
    return s_call(who, &req, status, code);
}

static const Lkip__Reply *s_submit(who_t who, const char *ref, int status, const char *code)
{
    snprintf(s_action, sizeof s_action, "submit to %s", ref);
    static const char csv[] = "sasaran;indikator;satuan;arah;target;realisasi\n"
                              "Sasaran uji;Indikator uji;%;naik;80;84\n";
    REQ(submit, SUBMIT, Lkip__SubmitRequest, LKIP__SUBMIT_REQUEST__INIT);
    body.instance = (char *)ref;
    body.file_name = "data.csv";
    body.content.data = (uint8_t *)csv;
    body.content.len = sizeof csv - 1;
    return s_call(who, &req, status, code);
}

static const Lkip__Reply *s_delegate_add(who_t who, const char *from, const char *to,
                                         const char *first, const char *last, int status,
                                         const char *code)
{
    snprintf(s_action, sizeof s_action, "delegate %s -> %s", from, to);
    REQ(delegate_add, DELEGATE_ADD, Lkip__DelegateAddRequest, LKIP__DELEGATE_ADD_REQUEST__INIT);
    body.from_user = (char *)from;
    body.to_user = (char *)to;
    body.first_day = (char *)first;
    body.last_day = (char *)last;
    body.capacity = "Plh. Kepala Dinas";
    return s_call(who, &req, status, code);
}

/* Walks instance ref from step 2 to the open step 9 with every actor in its own role. */
static void s_walk_to_step_9(const char *ref)
{
    s_step(KASUBAG, ref, 2, LKIP__STEP_ACTION__DONE, 200, "ok");
    s_step(KASUBAG, ref, 3, LKIP__STEP_ACTION__DONE, 200, "ok");
    for (int u = 0; u < N_UNITS; u++)
        s_submit((who_t)(FIRST_OP + u), ref, 201, "ok");
    s_upload(KASUBAG, ref, 5, 201, "ok");
    s_step(KASUBAG, ref, 5, LKIP__STEP_ACTION__DONE, 200, "ok");
    s_upload(STAF, ref, 6, 201, "ok");
    s_step(STAF, ref, 6, LKIP__STEP_ACTION__DONE, 200, "ok");
    s_step(SEKRETARIS, ref, 7, LKIP__STEP_ACTION__APPROVE, 200, "ok");
    s_step(SEKRETARIS, ref, 8, LKIP__STEP_ACTION__DONE, 200, "ok");
}

/* ---- state ------------------------------------------------------------------------------ */

/* A digest of every table that holds state a command could change (not the audit trail, the
 * stored replies or the outbox, which a refusal legitimately writes or leaves alone): one md5
 * per table, named, so that a difference says where it is. Caller frees. */
static char *s_digest(void)
{
    static const char *const tables[] = {"organisations",
                                         "units",
                                         "users",
                                         "instances",
                                         "step_runs",
                                         "unit_tasks",
                                         "unit_data",
                                         "indicators",
                                         "documents",
                                         "letter_sequences",
                                         "holidays",
                                         "delegations",
                                         "sop_definitions",
                                         "timers",
                                         "work_hours",
                                         "work_periods",
                                         "work_period_hours",
                                         "org_profiles",
                                         "roles"};
    strbuf_t sql = {0};
    strbuf_puts(&sql, "SELECT concat_ws(' '");
    for (size_t i = 0; i < ARRAY_LEN(tables); i++)
        strbuf_printf(&sql,
                      ", '%s:' || (SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY"
                      " t::text), '')) FROM %s t)",
                      tables[i], tables[i]);
    strbuf_puts(&sql, ")");
    char *d = harness_sql(s_h, strbuf_str(&sql), NULL);
    strbuf_free(&sql);
    assert_non_null(d);
    return d;
}

/* Fails unless the state is as it was (before is freed). */
static void s_unchanged(char *before, const char *what)
{
    char *after = s_digest();
    if (strcmp(before, after) != 0)
        fail_msg("%s: refused, but the state changed:\n  before %s\n  after  %s", what, before,
                 after);
    free(after);
    free(before);
}

/* ---- fixtures ----------------------------------------------------------------------------- */

static int s_teardown(void **state)
{
    wire_free(&s_last);
    memset(s_c, 0, sizeof s_c);
    s_d = NULL;
    harness_destroy(&s_h);
    return 0;
}

/* Sends req as the admin; 0 when it was accepted with status, else says why. */
static int s_setup_call(Lkip__Envelope *req, int status)
{
    const Lkip__Reply *r = s_send(ADMIN, req);
    if ((int)r->status == status)
        return 0;
    fprintf(stderr, "setup request %d: %d %s (%s)\n", req->body_case, (int)r->status, r->code,
            r->message);
    return -1;
}

/* Organisation B with unit IKP, made by the admin through the protocol; its users too. */
static int s_org_b(void)
{
    REQ(org_add, ORG_ADD, Lkip__OrgAddRequest, LKIP__ORG_ADD_REQUEST__INIT);
    body.code = "DKIPB";
    body.name = "Dinas Kominfo Kabupaten Contoh";
    if (s_setup_call(&req, 201) != 0)
        return -1;
    Lkip__UnitAddRequest unit = LKIP__UNIT_ADD_REQUEST__INIT;
    unit.code = "IKP";
    unit.name = "Bidang IKP";
    unit.org_code = "DKIPB";
    req.body_case = LKIP__ENVELOPE__BODY_UNIT_ADD;
    req.unit_add = &unit;
    if (s_setup_call(&req, 201) != 0)
        return -1;
    for (int i = 0; i < CAST; i++) {
        if (!s_roles[i].org_b)
            continue;
        if (harness_keypair(s_h, s_roles[i].name, &s_kp[i]) != 0)
            return -1;
        Lkip__UserAddRequest u = LKIP__USER_ADD_REQUEST__INIT;
        u.name = (char *)s_roles[i].name;
        u.full_name = (char *)s_roles[i].name;
        u.role = (char *)s_roles[i].role;
        u.org_code = "DKIPB";
        u.public_key = s_kp[i].public_key;
        req.body_case = LKIP__ENVELOPE__BODY_USER_ADD;
        req.user_add = &u;
        if (s_setup_call(&req, 201) != 0 ||
            !(s_c[i] = harness_client(s_h, s_d, &s_kp[i], CALL_TIMEOUT_MS)))
            return -1;
    }
    return 0;
}

static int s_setup(void **state)
{
    s_h = harness_new("security");
    if (!s_h)
        return -1;
    for (int i = 0; i < CAST; i++)
        if (!s_roles[i].org_b &&
            harness_user(s_h, s_roles[i].name, s_roles[i].role, s_roles[i].unit, &s_kp[i]) != 0)
            goto fail;
    /* two workers (lkipd's default is one), as on a daemon configured for more: organisations
     * A and B (ids 1 and 2 in a fresh database) go to different ones (server.c s_worker_of) */
    const char *sets[] = {harness_sop_setting(s_h), "test_clock=true", "workers=2", NULL};
    s_d = harness_daemon_start(s_h, sets);
    if (!s_d)
        goto fail;
    for (int i = 0; i < CAST; i++)
        if (!s_roles[i].org_b && !(s_c[i] = harness_client(s_h, s_d, &s_kp[i], CALL_TIMEOUT_MS)))
            goto fail;
    s_clock(JAN_6_2027);
    if (s_org_b() == 0)
        return 0;
fail:
    s_teardown(state);
    return -1;
}

static void s_stop_clean(void)
{
    harness_daemon_stop_clean(s_h, s_d);
}

/* ---- the role x command matrix ---------------------------------------------------------- */

/* The instances the matrix acts on, as references (set up by test_role_command_matrix). */
static const char *const MX_AT_STEP_2 = "LKIP/2024"; /* step 2 open: the kasubag's */
static const char *const MX_AT_STEP_4 = "LKIP/2026"; /* collecting unit data, with a PK */
static const char *const MX_CUTI = "CUTI/u1";        /* step 1 open: the staf uploads */
static char s_b_instance[24];                        /* an instance of organisation B, by id */

typedef enum {
    MX_ANY,      /* every role (refusals by ownership: deny) */
    MX_ADMIN,    /* admin only */
    MX_WORKFLOW, /* the step's actor only, never the admin */
    MX_ROLES,    /* the roles of allow only */
} mx_access_t;
#define BIT(who) (1u << (who))

/* Builds the request of a cell into req: about the caller's organisation or (other) about
 * organisation B; n makes names unique per cell. Bodies live in static storage. */
typedef void (*mx_build_t)(Lkip__Envelope *req, bool other, int n);

typedef struct {
    const char *name;
    mx_access_t access;
    bool org_field;      /* the request names an organisation (org_code) */
    bool instance_field; /* the request names an instance */
    mx_build_t build;
    int ok_status; /* what an allowed caller gets: 0 any 2xx */
    const char *ok_code;
    who_t actor;            /* MX_WORKFLOW: the one role that may act (its cell runs last) */
    const char *wrong_code; /* MX_WORKFLOW: what the other roles get */
    unsigned allow;         /* MX_ROLES: the roles allowed (BIT) */
    unsigned deny;          /* MX_ANY: the roles refused by ownership (BIT), with deny_code */
    const char *deny_code;
} mx_cmd_t;

static const char *s_org(bool other)
{
    return other ? "DKIPB" : "";
}

static const char *s_inst(bool other, const char *own)
{
    return other ? s_b_instance : own;
}

#define BUILD(fn, field, CASE, Type, INIT)                                                         \
    static Type *fn##_body(Lkip__Envelope *req)                                                    \
    {                                                                                              \
        static Type b;                                                                             \
        b = (Type)INIT;                                                                            \
        req->body_case = LKIP__ENVELOPE__BODY_##CASE;                                              \
        req->field = &b;                                                                           \
        return &b;                                                                                 \
    }
BUILD(b_ping, ping, PING, Lkip__PingRequest, LKIP__PING_REQUEST__INIT)
BUILD(b_whoami, whoami, WHOAMI, Lkip__WhoamiRequest, LKIP__WHOAMI_REQUEST__INIT)
BUILD(b_unit_list, unit_list, UNIT_LIST, Lkip__UnitListRequest, LKIP__UNIT_LIST_REQUEST__INIT)
BUILD(b_sop_list, sop_list, SOP_LIST, Lkip__SopListRequest, LKIP__SOP_LIST_REQUEST__INIT)
BUILD(b_tasks, tasks, TASKS, Lkip__TasksRequest, LKIP__TASKS_REQUEST__INIT)
BUILD(b_status, status, STATUS, Lkip__StatusRequest, LKIP__STATUS_REQUEST__INIT)
BUILD(b_history, history, HISTORY, Lkip__HistoryRequest, LKIP__HISTORY_REQUEST__INIT)
BUILD(b_capaian, capaian, CAPAIAN, Lkip__CapaianRequest, LKIP__CAPAIAN_REQUEST__INIT)
BUILD(b_download, download, DOWNLOAD, Lkip__DownloadRequest, LKIP__DOWNLOAD_REQUEST__INIT)
BUILD(b_cal_show, calendar_show, CALENDAR_SHOW, Lkip__CalendarShowRequest,
      LKIP__CALENDAR_SHOW_REQUEST__INIT)
BUILD(b_cal_due, calendar_due, CALENDAR_DUE, Lkip__CalendarDueRequest,
      LKIP__CALENDAR_DUE_REQUEST__INIT)
BUILD(b_deleg_list, delegate_list, DELEGATE_LIST, Lkip__DelegateListRequest,
      LKIP__DELEGATE_LIST_REQUEST__INIT)
BUILD(b_board, board, BOARD, Lkip__BoardRequest, LKIP__BOARD_REQUEST__INIT)
BUILD(b_draft, draft, DRAFT, Lkip__DraftRequest, LKIP__DRAFT_REQUEST__INIT)
BUILD(b_profile_set, org_profile_set, ORG_PROFILE_SET, Lkip__OrgProfileSetRequest,
      LKIP__ORG_PROFILE_SET_REQUEST__INIT)
BUILD(b_profile_show, org_profile_show, ORG_PROFILE_SHOW, Lkip__OrgProfileShowRequest,
      LKIP__ORG_PROFILE_SHOW_REQUEST__INIT)
BUILD(b_subscribe, subscribe, SUBSCRIBE, Lkip__SubscribeRequest, LKIP__SUBSCRIBE_REQUEST__INIT)
BUILD(b_user_add, user_add, USER_ADD, Lkip__UserAddRequest, LKIP__USER_ADD_REQUEST__INIT)
BUILD(b_user_list, user_list, USER_LIST, Lkip__UserListRequest, LKIP__USER_LIST_REQUEST__INIT)
BUILD(b_user_set, user_set, USER_SET, Lkip__UserSetRequest, LKIP__USER_SET_REQUEST__INIT)
BUILD(b_org_add, org_add, ORG_ADD, Lkip__OrgAddRequest, LKIP__ORG_ADD_REQUEST__INIT)
BUILD(b_org_set, org_set, ORG_SET, Lkip__OrgSetRequest, LKIP__ORG_SET_REQUEST__INIT)
BUILD(b_org_list, org_list, ORG_LIST, Lkip__OrgListRequest, LKIP__ORG_LIST_REQUEST__INIT)
BUILD(b_unit_add, unit_add, UNIT_ADD, Lkip__UnitAddRequest, LKIP__UNIT_ADD_REQUEST__INIT)
BUILD(b_unit_set, unit_set, UNIT_SET, Lkip__UnitSetRequest, LKIP__UNIT_SET_REQUEST__INIT)
BUILD(b_sop_load, sop_load, SOP_LOAD, Lkip__SopLoadRequest, LKIP__SOP_LOAD_REQUEST__INIT)
BUILD(b_holiday, holiday, HOLIDAY, Lkip__HolidayRequest, LKIP__HOLIDAY_REQUEST__INIT)
BUILD(b_cal_import, calendar_import, CALENDAR_IMPORT, Lkip__CalendarImportRequest,
      LKIP__CALENDAR_IMPORT_REQUEST__INIT)
BUILD(b_hours, hours_set, HOURS_SET, Lkip__HoursSetRequest, LKIP__HOURS_SET_REQUEST__INIT)
BUILD(b_period, period, PERIOD, Lkip__PeriodRequest, LKIP__PERIOD_REQUEST__INIT)
BUILD(b_clock, clock_set, CLOCK_SET, Lkip__ClockSetRequest, LKIP__CLOCK_SET_REQUEST__INIT)
BUILD(b_deleg_add, delegate_add, DELEGATE_ADD, Lkip__DelegateAddRequest,
      LKIP__DELEGATE_ADD_REQUEST__INIT)
BUILD(b_deleg_remove, delegate_remove, DELEGATE_REMOVE, Lkip__DelegateRemoveRequest,
      LKIP__DELEGATE_REMOVE_REQUEST__INIT)
BUILD(b_start, start, START, Lkip__StartRequest, LKIP__START_REQUEST__INIT)
BUILD(b_step, step, STEP, Lkip__StepRequest, LKIP__STEP_REQUEST__INIT)
BUILD(b_submit, submit, SUBMIT, Lkip__SubmitRequest, LKIP__SUBMIT_REQUEST__INIT)
BUILD(b_upload, upload, UPLOAD, Lkip__UploadRequest, LKIP__UPLOAD_REQUEST__INIT)
BUILD(b_pk_import, pk_import, PK_IMPORT, Lkip__PkImportRequest, LKIP__PK_IMPORT_REQUEST__INIT)
BUILD(b_pk_show, pk_show, PK_SHOW, Lkip__PkShowRequest, LKIP__PK_SHOW_REQUEST__INIT)
BUILD(b_format_make, format_make, FORMAT_MAKE, Lkip__FormatMakeRequest,
      LKIP__FORMAT_MAKE_REQUEST__INIT)
BUILD(b_format_download, format_download, FORMAT_DOWNLOAD, Lkip__FormatDownloadRequest,
      LKIP__FORMAT_DOWNLOAD_REQUEST__INIT)

static char s_name[64], s_key[KEY_Z85_LEN + 1], s_date[32];
static uint8_t s_file[2048];

static void m_ping(Lkip__Envelope *r, bool o, int n)
{
    b_ping_body(r);
}
static void m_whoami(Lkip__Envelope *r, bool o, int n)
{
    b_whoami_body(r);
}
static void m_unit_list(Lkip__Envelope *r, bool o, int n)
{
    b_unit_list_body(r)->org_code = (char *)s_org(o);
}
static void m_sop_list(Lkip__Envelope *r, bool o, int n)
{
    b_sop_list_body(r);
}
static void m_tasks(Lkip__Envelope *r, bool o, int n)
{
    b_tasks_body(r);
}
static void m_status(Lkip__Envelope *r, bool o, int n)
{
    b_status_body(r)->instance = (char *)s_inst(o, MX_AT_STEP_2);
}
static void m_history(Lkip__Envelope *r, bool o, int n)
{
    b_history_body(r)->instance = (char *)s_inst(o, MX_AT_STEP_2);
}
static void m_capaian(Lkip__Envelope *r, bool o, int n)
{
    b_capaian_body(r)->instance = (char *)s_inst(o, MX_AT_STEP_2);
}
static void m_download(Lkip__Envelope *r, bool o, int n)
{
    b_download_body(r)->instance = (char *)s_inst(o, MX_AT_STEP_2);
}
static void m_cal_show(Lkip__Envelope *r, bool o, int n)
{
    b_cal_show_body(r)->org_code = (char *)s_org(o);
}
static void m_deleg_list(Lkip__Envelope *r, bool o, int n)
{
    b_deleg_list_body(r)->org_code = (char *)s_org(o);
}
static void m_subscribe(Lkip__Envelope *r, bool o, int n)
{
    b_subscribe_body(r);
}
static void m_user_list(Lkip__Envelope *r, bool o, int n)
{
    b_user_list_body(r)->org_code = (char *)s_org(o);
}
static void m_org_list(Lkip__Envelope *r, bool o, int n)
{
    b_org_list_body(r);
}

static void m_cal_due(Lkip__Envelope *r, bool o, int n)
{
    Lkip__CalendarDueRequest *b = b_cal_due_body(r);
    b->org_code = (char *)s_org(o);
    b->from = "2027-01-06 10:00";
    b->duration = "2 jam";
}

static void m_user_add(Lkip__Envelope *r, bool o, int n)
{
    Lkip__UserAddRequest *b = b_user_add_body(r);
    snprintf(s_name, sizeof s_name, "baru.%d", n);
    keypair_t kp;
    assert_int_equal(harness_keypair(s_h, s_name, &kp), 0);
    memcpy(s_key, kp.public_key, sizeof s_key);
    b->name = s_name;
    b->full_name = "Pengguna baru";
    b->role = "staf";
    b->public_key = s_key;
    b->org_code = (char *)s_org(o);
}

static void m_user_set(Lkip__Envelope *r, bool o, int n)
{
    Lkip__UserSetRequest *b = b_user_set_body(r);
    snprintf(s_name, sizeof s_name, "Nama Baru %d", n);
    b->name = o ? "kasubag.b" : "staf";
    b->full_name = s_name;
}

static void m_org_add(Lkip__Envelope *r, bool o, int n)
{
    Lkip__OrgAddRequest *b = b_org_add_body(r);
    snprintf(s_name, sizeof s_name, "ORG%d", n);
    b->code = s_name;
    b->name = "Organisasi uji";
}

static void m_org_set(Lkip__Envelope *r, bool o, int n)
{
    Lkip__OrgSetRequest *b = b_org_set_body(r);
    snprintf(s_name, sizeof s_name, "Nama organisasi %d", n);
    b->code = o ? "DKIPB" : "DKIP";
    b->name = s_name;
}

static void m_unit_add(Lkip__Envelope *r, bool o, int n)
{
    Lkip__UnitAddRequest *b = b_unit_add_body(r);
    snprintf(s_name, sizeof s_name, "UNIT%d", n);
    b->code = s_name;
    b->name = "Unit uji";
    b->org_code = (char *)s_org(o);
}

static void m_unit_set(Lkip__Envelope *r, bool o, int n)
{
    Lkip__UnitSetRequest *b = b_unit_set_body(r);
    snprintf(s_name, sizeof s_name, "Bidang IKP %d", n);
    b->code = "IKP";
    b->name = s_name;
    b->org_code = (char *)s_org(o);
}

static void m_sop_load(Lkip__Envelope *r, bool o, int n)
{
    Lkip__SopLoadRequest *b = b_sop_load_body(r);
    int len =
        snprintf((char *)s_file, sizeof s_file,
                 "code: UJI%d\nnama: SOP uji\nlangkah:\n  - no: 1\n    uraian: Mengerjakan\n"
                 "    pelaksana: staf\n    waktu: 1 jam\n    output: Hasil\n    jenis: tugas\n",
                 n);
    b->file_name = "uji.yaml";
    b->content.data = s_file;
    b->content.len = (size_t)len;
}

static void m_holiday(Lkip__Envelope *r, bool o, int n)
{
    Lkip__HolidayRequest *b = b_holiday_body(r);
    snprintf(s_date, sizeof s_date, "2027-%02d-%02d", 3 + n / 28, 1 + n % 28);
    b->date = s_date;
    b->name = "Libur daerah uji";
    b->kind = "libur_lokal";
    b->org_code = (char *)s_org(o);
}

static void m_cal_import(Lkip__Envelope *r, bool o, int n)
{
    Lkip__CalendarImportRequest *b = b_cal_import_body(r);
    int len = snprintf((char *)s_file, sizeof s_file,
                       "date,kind,name\n2028-%02d-%02d,libur_lokal,Libur impor uji\n",
                       1 + n / 28 % 12, 1 + n % 28);
    b->file_name = "libur.csv";
    b->content.data = s_file;
    b->content.len = (size_t)len;
    b->org_code = (char *)s_org(o);
}

static void m_hours(Lkip__Envelope *r, bool o, int n)
{
    Lkip__HoursSetRequest *b = b_hours_body(r);
    b->week = "senin-kamis=07:30-12:00,13:00-16:00;jumat=07:30-11:30,13:00-16:30";
    b->org_code = (char *)s_org(o);
}

static void m_period(Lkip__Envelope *r, bool o, int n)
{
    Lkip__PeriodRequest *b = b_period_body(r);
    snprintf(s_name, sizeof s_name, "Periode uji %d", n);
    snprintf(s_date, sizeof s_date, "2029-%02d-%02d", 1 + n / 28 % 12, 1 + n % 28);
    b->name = s_name;
    b->first = s_date;
    b->last = s_date;
    b->week = "senin-jumat=08:00-12:00";
    b->org_code = (char *)s_org(o);
}

static void m_clock(Lkip__Envelope *r, bool o, int n)
{
    b_clock_body(r)->now = JAN_6_2027;
}

static void m_deleg_add(Lkip__Envelope *r, bool o, int n)
{
    Lkip__DelegateAddRequest *b = b_deleg_add_body(r);
    snprintf(s_date, sizeof s_date, "2030-%02d-%02d", 1 + n / 28 % 12, 1 + n % 28);
    /* between users the other cells do not act as, so that no cell acts under one */
    b->from_user = o ? "kadis.b" : "op.aptika";
    b->to_user = o ? "kasubag.b" : "op.persandian";
    b->first_day = s_date;
    b->last_day = s_date;
    b->capacity = "Plh. Kepala Dinas";
    b->org_code = (char *)s_org(o);
}

static void m_deleg_remove(Lkip__Envelope *r, bool o, int n)
{
    Lkip__DelegateRemoveRequest *b = b_deleg_remove_body(r);
    b->id = 999999;
    b->org_code = (char *)s_org(o);
}

static void m_start(Lkip__Envelope *r, bool o, int n)
{
    Lkip__StartRequest *b = b_start_body(r);
    b->sop_code = "LKIP";
    b->period = "2027";
    b->note = "perintah";
}

static void m_step(Lkip__Envelope *r, bool o, int n)
{
    Lkip__StepRequest *b = b_step_body(r);
    b->instance = (char *)s_inst(o, MX_AT_STEP_2);
    b->step_no = 2;
    b->action = LKIP__STEP_ACTION__DONE;
}

static void m_submit(Lkip__Envelope *r, bool o, int n)
{
    Lkip__SubmitRequest *b = b_submit_body(r);
    static const char csv[] = "sasaran;indikator;satuan;arah;target;realisasi\n"
                              "Sasaran uji;Indikator uji;%;naik;80;84\n";
    b->instance = (char *)s_inst(o, MX_AT_STEP_4);
    b->file_name = "data.csv";
    b->content.data = (uint8_t *)csv;
    b->content.len = sizeof csv - 1;
}

static void m_upload(Lkip__Envelope *r, bool o, int n)
{
    Lkip__UploadRequest *b = b_upload_body(r);
    static const char doc[] = "Formulir permohonan cuti";
    b->instance = (char *)s_inst(o, MX_CUTI);
    b->step_no = 1;
    b->file_name = "formulir.txt";
    b->content.data = (uint8_t *)doc;
    b->content.len = sizeof doc - 1;
}

/* The sample Perjanjian Kinerja (data/), read once. */
static char *s_pk;
static size_t s_pk_len;

static void m_pk_import(Lkip__Envelope *r, bool o, int n)
{
    Lkip__PkImportRequest *b = b_pk_import_body(r);
    b->year = 2026;
    b->file_name = "pk.csv";
    b->content.data = (uint8_t *)s_pk;
    b->content.len = s_pk_len;
}

static void m_pk_show(Lkip__Envelope *r, bool o, int n)
{
    b_pk_show_body(r);
}

static void m_format_make(Lkip__Envelope *r, bool o, int n)
{
    b_format_make_body(r)->instance = (char *)s_inst(o, MX_AT_STEP_4);
}

static void m_format_download(Lkip__Envelope *r, bool o, int n)
{
    Lkip__FormatDownloadRequest *b = b_format_download_body(r);
    b->instance = (char *)s_inst(o, MX_AT_STEP_4);
    b->unit_code = "IKP";
}

static void m_board(Lkip__Envelope *r, bool o, int n)
{
    b_board_body(r)->org_code = (char *)s_org(o);
}

static void m_draft(Lkip__Envelope *r, bool o, int n)
{
    /* step 4 open: no draft yet, and not a step that writes it */
    b_draft_body(r)->instance = (char *)s_inst(o, MX_AT_STEP_4);
}

static void m_profile_set(Lkip__Envelope *r, bool o, int n)
{
    Lkip__OrgProfileSetRequest *b = b_profile_set_body(r);
    snprintf(s_name, sizeof s_name, "Kota uji %d", n);
    b->kota = s_name;
    b->org_code = (char *)s_org(o);
}

static void m_profile_show(Lkip__Envelope *r, bool o, int n)
{
    b_profile_show_body(r)->org_code = (char *)s_org(o);
}

static const mx_cmd_t s_matrix[] = {
    {"ping", MX_ANY, false, false, m_ping, 200, "ok", 0, NULL, 0, 0, NULL},
    {"whoami", MX_ANY, false, false, m_whoami, 200, "ok", 0, NULL, 0, 0, NULL},
    {"unit_list", MX_ANY, true, false, m_unit_list, 200, "ok", 0, NULL, 0, 0, NULL},
    {"sop_list", MX_ANY, false, false, m_sop_list, 200, "ok", 0, NULL, 0, 0, NULL},
    {"tasks", MX_ANY, false, false, m_tasks, 200, "ok", 0, NULL, 0, 0, NULL},
    {"status", MX_ANY, false, true, m_status, 200, "ok", 0, NULL, 0, 0, NULL},
    {"history", MX_ANY, false, true, m_history, 200, "ok", 0, NULL, 0, 0, NULL},
    {"capaian", MX_ANY, false, true, m_capaian, 200, "ok", 0, NULL, 0, 0, NULL},
    {"download", MX_ANY, false, true, m_download, 404, "no_document", 0, NULL, 0, 0, NULL},
    {"calendar_show", MX_ANY, true, false, m_cal_show, 200, "ok", 0, NULL, 0, 0, NULL},
    {"calendar_due", MX_ANY, true, false, m_cal_due, 200, "ok", 0, NULL, 0, 0, NULL},
    {"delegate_list", MX_ANY, true, false, m_deleg_list, 200, "ok", 0, NULL, 0, 0, NULL},
    {"subscribe", MX_ANY, false, false, m_subscribe, 200, "ok", 0, NULL, 0, 0, NULL},
    {"user_add", MX_ADMIN, true, false, m_user_add, 201, "ok", 0, NULL, 0, 0, NULL},
    {"user_list", MX_ADMIN, true, false, m_user_list, 200, "ok", 0, NULL, 0, 0, NULL},
    {"user_set", MX_ADMIN, false, false, m_user_set, 200, "ok", 0, NULL, 0, 0, NULL},
    {"org_add", MX_ADMIN, false, false, m_org_add, 201, "ok", 0, NULL, 0, 0, NULL},
    {"org_set", MX_ADMIN, false, false, m_org_set, 200, "ok", 0, NULL, 0, 0, NULL},
    {"org_list", MX_ADMIN, false, false, m_org_list, 200, "ok", 0, NULL, 0, 0, NULL},
    {"unit_add", MX_ADMIN, true, false, m_unit_add, 201, "ok", 0, NULL, 0, 0, NULL},
    {"unit_set", MX_ADMIN, true, false, m_unit_set, 200, "ok", 0, NULL, 0, 0, NULL},
    {"sop_load", MX_ADMIN, false, false, m_sop_load, 0, NULL, 0, NULL, 0, 0, NULL},
    {"holiday", MX_ADMIN, true, false, m_holiday, 0, NULL, 0, NULL, 0, 0, NULL},
    {"calendar_import", MX_ADMIN, true, false, m_cal_import, 0, NULL, 0, NULL, 0, 0, NULL},
    {"hours_set", MX_ADMIN, true, false, m_hours, 0, NULL, 0, NULL, 0, 0, NULL},
    {"period", MX_ADMIN, true, false, m_period, 0, NULL, 0, NULL, 0, 0, NULL},
    {"clock_set", MX_ADMIN, false, false, m_clock, 200, "ok", 0, NULL, 0, 0, NULL},
    {"delegate_add", MX_ADMIN, true, false, m_deleg_add, 201, "ok", 0, NULL, 0, 0, NULL},
    {"delegate_remove", MX_ADMIN, true, false, m_deleg_remove, 404, "unknown_delegation", 0, NULL,
     0, 0, NULL},
    {"start", MX_WORKFLOW, false, false, m_start, 201, "ok", KADIS, "wrong_role", 0, 0, NULL},
    {"step", MX_WORKFLOW, false, true, m_step, 200, "ok", KASUBAG, "wrong_role", 0, 0, NULL},
    {"submit", MX_WORKFLOW, false, true, m_submit, 201, "ok", OP_IKP, "no_unit", 0, 0, NULL},
    {"upload", MX_WORKFLOW, false, true, m_upload, 201, "ok", STAF, "wrong_role", 0, 0, NULL},
    {"pk_import", MX_ROLES, false, false, m_pk_import, 201, "ok", 0, NULL,
     BIT(ADMIN) | BIT(KASUBAG), 0, NULL},
    {"pk_show", MX_ANY, false, false, m_pk_show, 200, "ok", 0, NULL, 0, 0, NULL},
    {"format_make", MX_WORKFLOW, false, true, m_format_make, 201, "ok", KASUBAG, "wrong_role", 0, 0,
     NULL},
    /* a unit's format: its operator, the actors of the format and collection steps, admins */
    {"format_download", MX_ANY, false, true, m_format_download, 200, "ok", 0, NULL, 0,
     BIT(KADIS) | BIT(SEKRETARIS), "other_unit"},
    /* the board: the Kepala Dinas, the Sekretaris, the Kasubag, the admin and (for its unit) an
     * operator see it; last: the cells before it number their dates by their position */
    {"board", MX_ANY, true, false, m_board, 200, "ok", 0, NULL, 0, BIT(STAF), "forbidden_role"},
    /* the LKIP draft: the SOP's officials; at step 4 there is none and none is written */
    {"draft", MX_ROLES, false, true, m_draft, 404, "no_draft", 0, NULL,
     BIT(KADIS) | BIT(SEKRETARIS) | BIT(KASUBAG) | BIT(STAF), 0, NULL},
    {"org_profile_set", MX_ADMIN, true, false, m_profile_set, 200, "ok", 0, NULL, 0, 0, NULL},
    {"org_profile_show", MX_ANY, true, false, m_profile_show, 200, "ok", 0, NULL, 0, 0, NULL},
};

/* One caller per role of organisation A; the workflow command's actor goes last. */
static const who_t s_mx_roles[] = {ADMIN, KADIS, SEKRETARIS, KASUBAG, STAF, OP_IKP};

/* What role who gets for command c about its own organisation or (other) organisation B. */
static void s_mx_expect(const mx_cmd_t *c, who_t who, bool other, int *status, const char **code)
{
    bool admin = who == ADMIN;
    *status = c->ok_status;
    *code = c->ok_code;
    if ((c->access == MX_ADMIN && !admin) || (c->access == MX_ROLES && !(c->allow & BIT(who)))) {
        *status = 403, *code = "forbidden_role";
    } else if (c->access == MX_WORKFLOW && admin) {
        *status = 403, *code = "admin_no_workflow";
    } else if (other && c->org_field && !admin) {
        *status = 403, *code = "other_org";
    } else if (other && c->instance_field) {
        *status = 404, *code = "unknown_instance";
    } else if (c->access == MX_WORKFLOW && who != c->actor) {
        *status = 403, *code = c->wrong_code;
    } else if (c->deny & BIT(who)) {
        *status = 403, *code = c->deny_code;
    }
}

/* Runs one cell: the reply must match, and a refused command must leave every table as it
 * was. */
static void s_mx_cell(const mx_cmd_t *c, who_t who, bool other, int n)
{
    int status;
    const char *code;
    s_mx_expect(c, who, other, &status, &code);
    char *before = status >= 300 ? s_digest() : NULL;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    c->build(&req, other, n);
    snprintf(s_action, sizeof s_action, "matrix %s by %s about %s organisation", c->name,
             s_roles[who].name, other ? "another" : "its own");
    const Lkip__Reply *r = s_send(who, &req);
    bool ok = status ? (int)r->status == status : r->status >= 200 && r->status < 300;
    if (!ok || (code && strcmp(r->code, code) != 0)) {
        harness_dump_all_logs();
        fail_msg("%s: expected %d %s, got %d %s (\"%s\")", s_action, status, code ? code : "*",
                 (int)r->status, r->code, r->message);
    }
    if (before)
        s_unchanged(before, s_action);
}

static void test_role_command_matrix(void **state)
{
    /* the instances the cells act on; the collecting one has the sample PK and its formats */
    char *path = xasprintf("%s/data/contoh-pk-renstra-2025-2029.csv",
                           getenv("LKIP_SRCDIR") ? getenv("LKIP_SRCDIR") : ".");
    assert_int_equal(read_file(path, 1024 * 1024, &s_pk, &s_pk_len), 0);
    free(path);
    Lkip__Envelope pk = LKIP__ENVELOPE__INIT;
    m_pk_import(&pk, false, 0);
    snprintf(s_action, sizeof s_action, "pk import");
    s_call(KASUBAG, &pk, 201, "ok");
    s_start(KADIS, "LKIP", "2024", 201, "ok");
    s_start(KADIS, "LKIP", "2026", 201, "ok");
    s_step(KASUBAG, MX_AT_STEP_4, 2, LKIP__STEP_ACTION__DONE, 200, "ok");
    s_step(KASUBAG, MX_AT_STEP_4, 3, LKIP__STEP_ACTION__DONE, 200, "ok");
    s_start(STAF, "CUTI", "u1", 201, "ok");
    const Lkip__Reply *r = s_start(KADIS_B, "LKIP", "2024", 201, "ok");
    assert_non_null(r->instances);
    snprintf(s_b_instance, sizeof s_b_instance, "%lld", (long long)r->instances->instances[0]->id);

    int n = 0, cells = 0;
    for (size_t i = 0; i < ARRAY_LEN(s_matrix); i++) {
        const mx_cmd_t *c = &s_matrix[i];
        /* about another organisation first: a workflow command that succeeds moves its step */
        for (int pass = 0; pass < 2; pass++) {
            bool other = pass == 0;
            if (other && c->access == MX_WORKFLOW && !c->instance_field)
                continue; /* start names no instance and no organisation */
            for (size_t k = 0; k < ARRAY_LEN(s_mx_roles); k++) {
                who_t who = s_mx_roles[k];
                if (c->access == MX_WORKFLOW && who == c->actor)
                    continue;
                s_mx_cell(c, who, other, n++);
                cells++;
            }
            if (c->access == MX_WORKFLOW) {
                s_mx_cell(c, c->actor, other, n++);
                cells++;
            }
        }
    }
    print_message("role x command matrix: %d cells\n", cells);
    free(s_pk);
    s_pk = NULL;
    s_stop_clean();
}

/* ---- tenant isolation ------------------------------------------------------------------- */

/* A unit list without an organisation is the caller's own (it used to be every one); only the
 * admin may name another organisation. */
static void test_unit_list_own_org(void **state)
{
    snprintf(s_action, sizeof s_action, "unit_list");
    REQ(unit_list, UNIT_LIST, Lkip__UnitListRequest, LKIP__UNIT_LIST_REQUEST__INIT);
    const Lkip__Reply *r = s_call(KASUBAG_B, &req, 200, "ok");
    assert_int_equal(r->units->n_units, 1);
    assert_string_equal(r->units->units[0]->org_code, "DKIPB");
    r = s_call(OP_IKP, &req, 200, "ok");
    assert_int_equal(r->units->n_units, 5);
    for (size_t i = 0; i < r->units->n_units; i++)
        assert_string_equal(r->units->units[i]->org_code, "DKIP");
    body.org_code = "DKIP";
    r = s_call(KASUBAG_B, &req, 403, "other_org");
    assert_non_null(strstr(r->message, "DKIPB"));
    r = s_call(ADMIN, &req, 200, "ok");
    assert_int_equal(r->units->n_units, 5);
    body.org_code = "DKIPB";
    r = s_call(ADMIN, &req, 200, "ok");
    assert_int_equal(r->units->n_units, 1);
    s_stop_clean();
}

/* Instances are found only in the caller's organisation, whichever way they are named. */
static void test_instances_own_org(void **state)
{
    const Lkip__Reply *r = s_start(KADIS_B, "LKIP", "2026", 201, "ok");
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)r->instances->instances[0]->id);
    snprintf(s_action, sizeof s_action, "status %s", id);
    REQ(status, STATUS, Lkip__StatusRequest, LKIP__STATUS_REQUEST__INIT);
    body.instance = id;
    s_call(KASUBAG_B, &req, 200, "ok");
    s_call(KASUBAG, &req, 404, "unknown_instance");
    s_call(ADMIN, &req, 404, "unknown_instance");
    body.instance = "LKIP/2026";
    s_call(KADIS, &req, 404, "unknown_instance");
    body.instance = "";
    r = s_call(KADIS, &req, 200, "ok");
    assert_int_equal(r->instances->n_instances, 0); /* organisation A has none */
    s_stop_clean();
}

/* ---- separation of duties and delegation ------------------------------------------------ */

/* The admin manages master data and keys, and acts in no step: not step 1, not step 9. */
static void test_admin_never_acts(void **state)
{
    s_start(ADMIN, "LKIP", "2026", 403, "admin_no_workflow");
    s_start(KADIS, "LKIP", "2026", 201, "ok");
    char *before = s_digest();
    s_step(ADMIN, "LKIP/2026", 2, LKIP__STEP_ACTION__DONE, 403, "admin_no_workflow");
    s_upload(ADMIN, "LKIP/2026", 2, 403, "admin_no_workflow");
    s_submit(ADMIN, "LKIP/2026", 403, "admin_no_workflow");
    s_unchanged(before, "the admin's step commands");
    /* nor can a delegation make one act */
    s_delegate_add(ADMIN, "kadis", "admin", "2027-01-05", "2027-01-09", 400, "admin_no_workflow");
    s_stop_clean();
}

/* Reads events of who until one of kind for step arrives; returns it (owned) or fails. */
static Lkip__Envelope *s_wait_event(who_t who, const char *kind, int step)
{
    int64_t deadline = monotonic_ms() + EVENT_WAIT_MS;
    while (monotonic_ms() < deadline) {
        Lkip__Envelope *ev = NULL;
        int rc = lkipc_next_event(s_c[who], 200, &ev);
        if (rc < 0)
            fail_msg("event stream of %s failed: %d", s_roles[who].name, rc);
        if (rc == 0)
            continue;
        if (strcmp(ev->event->kind, kind) == 0 && ev->event->step_no == step)
            return ev;
        Lkip__AckRequest ack = LKIP__ACK_REQUEST__INIT;
        ack.seq = ev->event->seq;
        Lkip__Envelope a = LKIP__ENVELOPE__INIT;
        a.body_case = LKIP__ENVELOPE__BODY_ACK;
        a.ack = &ack;
        assert_int_equal(lkipc_send(s_c[who], &a), 0);
        wire_free(&ev);
    }
    fail_msg("%s got no %s event for step %d", s_roles[who].name, kind, step);
    return NULL;
}

static void s_subscribe(who_t who)
{
    snprintf(s_action, sizeof s_action, "subscribe");
    REQ(subscribe, SUBSCRIBE, Lkip__SubscribeRequest, LKIP__SUBSCRIBE_REQUEST__INIT);
    s_call(who, &req, 200, "ok");
}

/* The Sekretaris, Plh. Kepala Dinas for 5-9 January 2027: starts the LKIP for the Kadis, is
 * told of step 9 in that capacity, may not approve what she corrected herself; after a return
 * the Kasubag, Plh. in her place, approves; the record says who acted as whom everywhere; the
 * day after the period ends the same delegation is refused with its period named. */
static void test_delegation_plh(void **state)
{
    s_delegate_add(KASUBAG, "kadis", "sekretaris", "2027-01-05", "2027-01-09", 403,
                   "forbidden_role");
    s_delegate_add(ADMIN, "kadis", "kadis", "2027-01-05", "2027-01-09", 400, "self_delegation");
    s_delegate_add(ADMIN, "kadis", "sekretaris", "2027-01-09", "2027-01-05", 400, "bad_period");
    s_delegate_add(ADMIN, "kadis", "nobody", "2027-01-05", "2027-01-09", 404, "unknown_user");
    s_delegate_add(ADMIN, "kadis", "kasubag.b", "2027-01-05", "2027-01-09", 404, "unknown_user");
    const Lkip__Reply *r =
        s_delegate_add(ADMIN, "kadis", "sekretaris", "2027-01-05", "2027-01-09", 201, "ok");
    assert_non_null(strstr(r->message, "5 Januari 2027 s.d. 9 Januari 2027"));
    s_delegate_add(ADMIN, "kadis", "kasubag", "2027-01-08", "2027-01-12", 409,
                   "delegation_overlap");
    s_subscribe(SEKRETARIS);

    /* step 1 by the Plh. */
    r = s_start(SEKRETARIS, "LKIP", "2026", 201, "ok");
    assert_non_null(strstr(r->message, "selaku Plh. Kepala Dinas"));
    assert_string_equal(r->instances->instances[0]->started_as, "Plh. Kepala Dinas");
    s_walk_to_step_9("LKIP/2026");

    /* step 9 reaches the Plh. in that capacity */
    Lkip__Envelope *ev = s_wait_event(SEKRETARIS, "step_assigned", 9);
    assert_string_equal(ev->event->recipient_capacity, "Plh. Kepala Dinas");
    wire_free(&ev);
    /* its tasks show it, and she may not approve what she corrected */
    snprintf(s_action, sizeof s_action, "tasks");
    REQ(tasks, TASKS, Lkip__TasksRequest, LKIP__TASKS_REQUEST__INIT);
    r = s_call(SEKRETARIS, &req, 200, "ok");
    assert_int_equal(r->task_list->n_tasks, 1);
    assert_int_equal(r->task_list->tasks[0]->step_no, 9);
    assert_string_equal(r->task_list->tasks[0]->as_capacity, "Plh. Kepala Dinas");
    char *before = s_digest();
    r = s_step(SEKRETARIS, "LKIP/2026", 9, LKIP__STEP_ACTION__APPROVE, 403, "own_work");
    assert_non_null(strstr(r->message, "Plh. Kepala Dinas"));
    s_unchanged(before, "approval of own work");

    /* the Kadis's own role still acts: a return opens a new round */
    s_step(KADIS, "LKIP/2026", 9, LKIP__STEP_ACTION__RETURN, 200, "ok");
    s_upload(STAF, "LKIP/2026", 6, 201, "ok");
    s_step(STAF, "LKIP/2026", 6, LKIP__STEP_ACTION__DONE, 200, "ok");
    s_step(SEKRETARIS, "LKIP/2026", 7, LKIP__STEP_ACTION__APPROVE, 200, "ok");
    s_step(SEKRETARIS, "LKIP/2026", 8, LKIP__STEP_ACTION__DONE, 200, "ok");

    /* the delegation moves to the Kasubag, who has not acted in this round */
    snprintf(s_action, sizeof s_action, "delegate list");
    Lkip__DelegateListRequest dl = LKIP__DELEGATE_LIST_REQUEST__INIT;
    Lkip__Envelope list_req = LKIP__ENVELOPE__INIT;
    list_req.body_case = LKIP__ENVELOPE__BODY_DELEGATE_LIST;
    list_req.delegate_list = &dl;
    r = s_call(STAF, &list_req, 200, "ok");
    assert_int_equal(r->delegations->n_delegations, 1);
    int64_t id = r->delegations->delegations[0]->id;
    assert_true(r->delegations->delegations[0]->active);
    snprintf(s_action, sizeof s_action, "delegate remove");
    Lkip__DelegateRemoveRequest rm = LKIP__DELEGATE_REMOVE_REQUEST__INIT;
    rm.id = id;
    Lkip__Envelope rm_req = LKIP__ENVELOPE__INIT;
    rm_req.body_case = LKIP__ENVELOPE__BODY_DELEGATE_REMOVE;
    rm_req.delegate_remove = &rm;
    s_call(ADMIN, &rm_req, 200, "ok");
    s_call(ADMIN, &rm_req, 404, "unknown_delegation");
    s_delegate_add(ADMIN, "kadis", "kasubag", "2027-01-05", "2027-01-09", 201, "ok");

    /* the day after the period: refused, the period named; nothing changes */
    s_clock(JAN_11_2027);
    assert_int_equal(harness_timers_settled(s_h, JAN_11_2027), 0);
    before = s_digest();
    r = s_step(KASUBAG, "LKIP/2026", 9, LKIP__STEP_ACTION__APPROVE, 403, "delegation_inactive");
    assert_non_null(strstr(r->message, "5 Januari 2027 s.d. 9 Januari 2027"));
    s_unchanged(before, "approval outside the period");
    /* within it: accepted and recorded in that capacity */
    s_clock(JAN_6_2027);
    r = s_step(KASUBAG, "LKIP/2026", 9, LKIP__STEP_ACTION__APPROVE, 200, "ok");
    assert_non_null(strstr(r->message, "selaku Plh. Kepala Dinas"));

    /* status: the run of step 9 */
    snprintf(s_action, sizeof s_action, "status");
    Lkip__StatusRequest st = LKIP__STATUS_REQUEST__INIT;
    st.instance = "LKIP/2026";
    Lkip__Envelope st_req = LKIP__ENVELOPE__INIT;
    st_req.body_case = LKIP__ENVELOPE__BODY_STATUS;
    st_req.status = &st;
    r = s_call(STAF, &st_req, 200, "ok");
    const Lkip__InstanceStatus *s = r->instances->instances[0];
    assert_string_equal(s->started_by, "sekretaris");
    assert_string_equal(s->started_as, "Plh. Kepala Dinas");
    int approvals = 0;
    for (size_t i = 0; i < s->n_runs; i++) {
        const Lkip__StepRun *run = s->runs[i];
        if (run->step_no == 1) {
            assert_string_equal(run->finished_by, "sekretaris");
            assert_string_equal(run->finished_as, "Plh. Kepala Dinas");
        } else if (run->step_no == 9 && strcmp(run->outcome, "approved") == 0) {
            assert_string_equal(run->finished_by, "kasubag");
            assert_string_equal(run->finished_as, "Plh. Kepala Dinas");
            approvals++;
        } else if (run->step_no == 9) {
            assert_string_equal(run->finished_by, "kadis");
            assert_string_equal(run->finished_as, "");
        } else if (*run->finished_by) {
            assert_string_equal(run->finished_as, "");
        }
    }
    assert_int_equal(approvals, 1);

    /* history and the audit trail */
    snprintf(s_action, sizeof s_action, "history");
    Lkip__HistoryRequest hr = LKIP__HISTORY_REQUEST__INIT;
    hr.instance = "LKIP/2026";
    Lkip__Envelope h_req = LKIP__ENVELOPE__INIT;
    h_req.body_case = LKIP__ENVELOPE__BODY_HISTORY;
    h_req.history = &hr;
    r = s_call(STAF, &h_req, 200, "ok");
    int as_plh = 0;
    for (size_t i = 0; i < r->audit->n_entries; i++)
        if (strcmp(r->audit->entries[i]->acting_as, "Plh. Kepala Dinas") == 0)
            as_plh++;
    assert_int_equal(as_plh, 2); /* the start and the approval */
    assert_int_equal(harness_sql_int(s_h,
                                     "SELECT count(*) FROM audit a JOIN users u ON u.id = a.user_id"
                                     " WHERE a.acting_as = 'Plh. Kepala Dinas' AND a.status < 400",
                                     NULL),
                     2);
    /* the watchers' event names the capacity */
    ev = s_wait_event(SEKRETARIS, "step_done", 9);
    assert_string_equal(ev->event->actor, "kasubag");
    assert_string_equal(ev->event->actor_capacity, "Plh. Kepala Dinas");
    wire_free(&ev);
    s_stop_clean();
}

/* ---- ending sessions ------------------------------------------------------------------ */

/* who's next event within ms, or NULL. */
static Lkip__Envelope *s_next_event(lkipc_t *c, int ms)
{
    Lkip__Envelope *ev = NULL;
    int rc = lkipc_next_event(c, ms, &ev);
    assert_true(rc >= 0);
    return rc == 1 ? ev : NULL;
}

static void s_ack(lkipc_t *c, uint64_t seq)
{
    Lkip__AckRequest ack = LKIP__ACK_REQUEST__INIT;
    ack.seq = seq;
    Lkip__Envelope a = LKIP__ENVELOPE__INIT;
    a.body_case = LKIP__ENVELOPE__BODY_ACK;
    a.ack = &ack;
    assert_int_equal(lkipc_send(c, &a), 0);
}

static long long s_acked(const char *name)
{
    return harness_sql_int(s_h,
                           "SELECT coalesce((SELECT a.acked_seq FROM recipient_acks a JOIN users u"
                           " ON u.id = a.user_id WHERE u.name = $1), 0)",
                           name, NULL);
}

/* Subscribes c from the start and returns its first event (owned). */
static Lkip__Envelope *s_subscribe_first(lkipc_t *c)
{
    Lkip__SubscribeRequest sub = LKIP__SUBSCRIBE_REQUEST__INIT;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_SUBSCRIBE;
    req.subscribe = &sub;
    Lkip__Envelope *reply = harness_call_ok(c, &req);
    harness_assert_reply(reply, 200, "ok");
    wire_free(&reply);
    Lkip__Envelope *ev = s_next_event(c, EVENT_WAIT_MS);
    assert_non_null(ev);
    return ev;
}

/* Sends req on c until the answer is the refusal code: another daemon reloads its directory
 * when the database tells it (NOTIFY), and reads its version every second besides; 2 s is the
 * bound the daemons promise with room for a loaded machine. */
static void s_refused_within(lkipc_t *c, Lkip__Envelope *req, const char *code)
{
    int64_t deadline = monotonic_ms() + 2000;
    for (;;) {
        req->request_id = 0;
        Lkip__Envelope *r = harness_call_ok(c, req);
        bool refused = r->reply->status == 403 && strcmp(r->reply->code, code) == 0;
        if (!refused && monotonic_ms() > deadline)
            harness_assert_reply(r, 403, code);
        wire_free(&r);
        if (refused)
            return;
        nanosleep(&(struct timespec){0, 20000000}, NULL);
    }
}

/* Disabling a user, or changing its key, ends its open sessions at once on every daemon: the
 * events it did not acknowledge are not sent again, its acknowledgements are no longer taken,
 * its requests are refused; the staf beside it on the same daemon marks the moments when
 * anything would have arrived. */
static void test_disable_ends_sessions(void **state)
{
    const char *sets[] = {"resend_ms=200", NULL};
    harness_daemon_t *d2 = harness_daemon_start(s_h, sets);
    assert_non_null(d2);
    lkipc_t *x = harness_client(s_h, d2, &s_kp[STAF], CALL_TIMEOUT_MS);
    lkipc_t *marker = harness_client(s_h, d2, &s_kp[STAF2], CALL_TIMEOUT_MS);
    assert_non_null(x);
    assert_non_null(marker);
    s_start(STAF2, "CUTI", "a", 201, "ok");
    Lkip__Envelope *ex = s_subscribe_first(x), *em = s_subscribe_first(marker);
    assert_string_equal(ex->event->kind, "step_assigned");
    uint64_t x_seq = ex->event->seq;
    wire_free(&ex);
    wire_free(&em);

    /* disabled through the first daemon while the staf holds an unacknowledged event on d2 */
    snprintf(s_action, sizeof s_action, "disable staf");
    REQ(user_set, USER_SET, Lkip__UserSetRequest, LKIP__USER_SET_REQUEST__INIT);
    body.name = "staf";
    body.set_disabled = true;
    body.disabled = true;
    s_call(ADMIN, &req, 200, "ok");
    /* ... the session ended on d2 before the next resend: when the marker's unacknowledged
     * event comes again, the staf's does not */
    for (;;) {
        em = s_next_event(marker, EVENT_WAIT_MS);
        assert_non_null(em);
        bool resent = em->event->seq == 1;
        wire_free(&em);
        if (resent)
            break;
    }
    ex = s_next_event(x, 300);
    assert_null(ex);
    /* its acknowledgement is not taken (the marker's, sent after it, is stored) */
    long long before = s_acked("staf");
    s_ack(x, x_seq);
    s_ack(marker, 1);
    int64_t deadline = monotonic_ms() + EVENT_WAIT_MS;
    while (s_acked("staf.dua") < 1 && monotonic_ms() < deadline)
        nanosleep(&(struct timespec){0, 20000000}, NULL);
    assert_int_equal(s_acked("staf.dua"), 1);
    assert_int_equal(s_acked("staf"), before);
    /* its requests are refused, and a new connection fails at the handshake */
    Lkip__WhoamiRequest who = LKIP__WHOAMI_REQUEST__INIT;
    Lkip__Envelope w = LKIP__ENVELOPE__INIT;
    w.body_case = LKIP__ENVELOPE__BODY_WHOAMI;
    w.whoami = &who;
    s_refused_within(x, &w, "user_disabled");
    Lkip__Envelope *r = NULL;
    lkipc_t *again = harness_client(s_h, d2, &s_kp[STAF], 2000);
    assert_non_null(again);
    w.request_id = 0;
    assert_int_equal(lkipc_call(again, &w, &r), LKIPC_AUTH_FAILED);

    /* a new key: the connection made with the old one is refused and ends; the new one works */
    keypair_t fresh;
    assert_int_equal(harness_keypair(s_h, "staf.dua.baru", &fresh), 0);
    snprintf(s_action, sizeof s_action, "new key for staf.dua");
    body = (Lkip__UserSetRequest)LKIP__USER_SET_REQUEST__INIT;
    body.name = "staf.dua";
    body.public_key = fresh.public_key;
    s_call(ADMIN, &req, 200, "ok");
    s_refused_within(marker, &w, "key_changed");
    lkipc_t *renewed = harness_client(s_h, d2, &fresh, CALL_TIMEOUT_MS);
    w.request_id = 0;
    r = harness_call_ok(renewed, &w);
    harness_assert_reply(r, 200, "ok");
    wire_free(&r);
    assert_int_equal(harness_daemon_stop(d2, SIGTERM), 0);
    s_stop_clean();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_unit_list_own_org, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_instances_own_org, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_admin_never_acts, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_delegation_plh, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_role_command_matrix, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_disable_ends_sessions, s_setup, s_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
