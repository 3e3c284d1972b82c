/* test_engine — unit tests of the pure transition logic, without a database. Every command
 * kind on every step kind, legal and refused, with the exact effect list (kinds, steps,
 * outcomes, events, audiences, text kinds); the LKIP definition, the CUTI example and small
 * inline definitions for the edges; and whole runs of LKIP and CUTI over a small in-test model
 * that applies the effects the way flow.c does. Run from the repo root, or set LKIP_SRCDIR. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "engine.h"
#include "eventkind.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static sopdef_t *s_lkip; /* sop/lkip-35-DKIP-SOP-I-2023.yaml */
static sopdef_t *s_cuti; /* sop/contoh-sop-cuti.yaml */

/* ---- definitions ---------------------------------------------------------------------- */

static sopdef_t *s_eng_load(const char *rel)
{
    const char *dir = getenv("LKIP_SRCDIR");
    char *path = xasprintf("%s/%s", dir && *dir ? dir : ".", rel);
    char err[512];
    sopdef_t *def = sopdef_load_file(path, err, sizeof err);
    if (!def)
        print_error("%s\n", err);
    free(path);
    return def;
}

/* Parses an inline definition that must be valid. Caller destroys it. */
static sopdef_t *s_eng_parse(const char *text)
{
    char err[512];
    sopdef_t *def = sopdef_parse("t.yaml", text, strlen(text), err, sizeof err);
    if (!def)
        print_error("%s\n", err);
    assert_non_null(def);
    return def;
}

#define EN_HEAD "code: T\nnama: Uji\npengamat: sekretaris\nlangkah:\n"
#define EN_STEP(n, actor, kind)                                                                    \
    "  - {no: " #n ", uraian: u" #n ", pelaksana: " actor ", waktu: 1 jam, jenis: " kind "}\n"
#define EN_STEPX(n, actor, kind, extra)                                                            \
    "  - {no: " #n ", uraian: u" #n ", pelaksana: " actor ", waktu: 1 jam, jenis: " kind           \
    ", " extra "}\n"

static int s_group_setup(void **state)
{
    s_lkip = s_eng_load("sop/lkip-35-DKIP-SOP-I-2023.yaml");
    s_cuti = s_eng_load("sop/contoh-sop-cuti.yaml");
    return s_lkip && s_cuti ? 0 : -1;
}

static int s_group_teardown(void **state)
{
    sopdef_destroy(&s_lkip);
    sopdef_destroy(&s_cuti);
    return 0;
}

/* ---- commands, instances and the checks of a result ------------------------------------ */

/* An instance of def with step open. */
static engine_instance_t s_open(const sopdef_t *def, int step)
{
    return (engine_instance_t){.def = def, .active = true, .current_step = step};
}

/* What cmd_start passes: nothing exists yet. */
static engine_instance_t s_fresh(const sopdef_t *def)
{
    return (engine_instance_t){.def = def};
}

static engine_cmd_t s_cmd(engine_cmd_kind_t kind, int step, const char *role)
{
    return (engine_cmd_t){.kind = kind, .step_no = step, .role = role};
}

static engine_cmd_t s_admin(engine_cmd_kind_t kind, int step)
{
    return (engine_cmd_t){.kind = kind, .step_no = step, .role = "admin"};
}

/* Runs the engine and checks what holds for every result: the instance is not touched, a
 * refusal has no effects, a code and a message are always given, the effects fit. */
static void s_run(const engine_instance_t *inst, const engine_cmd_t *cmd, engine_result_t *out)
{
    engine_instance_t before = *inst;
    memset(out, 0xa5, sizeof *out); /* engine_apply must set every field it reports */
    engine_apply(inst, cmd, out);
    /* field by field: padding is not part of the state */
    assert_ptr_equal(before.def, inst->def);
    assert_true(before.active == inst->active && before.doc_in_round == inst->doc_in_round &&
                before.has_document == inst->has_document);
    assert_int_equal(before.current_step, inst->current_step);
    assert_int_equal(before.units_total, inst->units_total);
    assert_int_equal(before.units_submitted, inst->units_submitted);
    assert_non_null(out->code);
    assert_true(out->message[0] != '\0');
    assert_true(strlen(out->message) < sizeof out->message);
    assert_in_range(out->n_effects, 0, ENGINE_MAX_EFFECTS);
    if (out->status >= 400)
        assert_int_equal(out->n_effects, 0);
    else
        assert_string_equal(out->code, "ok");
}

static const char *s_kind_name(engine_effect_kind_t k)
{
    static const char *const names[] = {
        "FINISH_STEP",     "OPEN_STEP", "OPEN_UNIT_TASKS", "RECORD_UNIT_DATA", "CLOSE_MISSING",
        "ALLOCATE_LETTER", "ARCHIVE",   "STORE_DOCUMENT",  "FINISH_INSTANCE",  "NOTIFY",
    };
    return (unsigned)k < ARRAY_LEN(names) ? names[k] : "?";
}

static void s_print_effect(const char *label, int i, const engine_effect_t *e)
{
    print_error("  %s[%d] %s step=%d outcome=%d%s event=%s text=%d audience=", label, i,
                s_kind_name(e->kind), e->step_no, (int)e->outcome, e->automatic ? " auto" : "",
                eventkind_name(e->event) ? eventkind_name(e->event) : "-", (int)e->text);
    for (int a = 0; a < e->n_audience && a < ENGINE_MAX_AUDIENCE; a++)
        print_error("%s%d/%d", a ? "," : "", (int)e->audience[a], e->audience_step[a]);
    print_error("\n");
}

static bool s_same_effect(const engine_effect_t *a, const engine_effect_t *b)
{
    if (a->kind != b->kind || a->step_no != b->step_no || a->outcome != b->outcome ||
        a->automatic != b->automatic || a->text != b->text || a->n_audience != b->n_audience)
        return false;
    if (a->event != b->event)
        return false;
    for (int i = 0; i < ENGINE_MAX_AUDIENCE; i++)
        if (a->audience[i] != b->audience[i] || a->audience_step[i] != b->audience_step[i])
            return false;
    return true;
}

/* Checks an accepted result: status and the exact effect list, in order. */
static void s_expect(const engine_result_t *r, int status, const engine_effect_t *want, int n)
{
    bool ok = r->status == status && r->n_effects == n;
    for (int i = 0; ok && i < n; i++)
        ok = s_same_effect(&r->effects[i], &want[i]);
    if (ok)
        return;
    print_error("status %d (want %d), code %s, \"%s\"\n", r->status, status, r->code, r->message);
    for (int i = 0; i < n; i++)
        s_print_effect("want", i, &want[i]);
    for (int i = 0; i < r->n_effects && i < ENGINE_MAX_EFFECTS; i++)
        s_print_effect("got ", i, &r->effects[i]);
    fail_msg("effects differ");
}

#define EXPECT(r, status, ...)                                                                     \
    do {                                                                                           \
        const engine_effect_t want_[] = {__VA_ARGS__};                                             \
        s_expect((r), (status), want_, (int)ARRAY_LEN(want_));                                     \
    } while (0)

/* Checks a refusal: status, code, no effects. */
static void s_refused(const engine_result_t *r, int status, const char *code)
{
    if (r->status != status || strcmp(r->code, code) != 0 || r->n_effects != 0)
        fail_msg("want %d %s, got %d %s (%d effects): \"%s\"", status, code, r->status, r->code,
                 r->n_effects, r->message);
}

static void s_message_has(const engine_result_t *r, const char *part)
{
    if (!strstr(r->message, part))
        fail_msg("message \"%s\" lacks \"%s\"", r->message, part);
}

/* The expected effects, spelled out field by field. */
#define E_OPEN(n)                                                                                  \
    {                                                                                              \
        .kind = EFF_OPEN_STEP, .step_no = (n)                                                      \
    }
#define E_FINISH(n, o)                                                                             \
    {                                                                                              \
        .kind = EFF_FINISH_STEP, .step_no = (n), .outcome = (o)                                    \
    }
/* closed by itself (the last unit sent): no person is its actor */
#define E_FINISH_AUTO(n)                                                                           \
    {                                                                                              \
        .kind = EFF_FINISH_STEP, .step_no = (n), .outcome = OUTCOME_DONE, .automatic = true        \
    }
#define E_PLAIN(k, n)                                                                              \
    {                                                                                              \
        .kind = (k), .step_no = (n)                                                                \
    }
#define E_NOTIFY(ev, n, t, a0, s0)                                                                 \
    {                                                                                              \
        .kind = EFF_NOTIFY, .step_no = (n), .event = (ev), .text = (t), .n_audience = 1,           \
        .audience = {(a0)}, .audience_step = {                                                     \
            (s0)                                                                                   \
        }                                                                                          \
    }
#define E_NOTIFY2(ev, n, t, a0, s0, a1, s1)                                                        \
    {                                                                                              \
        .kind = EFF_NOTIFY, .step_no = (n), .event = (ev), .text = (t), .n_audience = 2,           \
        .audience = {(a0), (a1)}, .audience_step = {                                               \
            (s0),                                                                                  \
            (s1)                                                                                   \
        }                                                                                          \
    }
#define E_STEP_DONE(n, t) E_NOTIFY(LKIP__EVENT_KIND__EVENT_STEP_DONE, n, t, TO_WATCHERS, 0)
#define E_ASSIGNED(n)                                                                              \
    E_NOTIFY(LKIP__EVENT_KIND__EVENT_STEP_ASSIGNED, n, TEXT_NONE, TO_STEP_ACTOR, n)
#define E_INSTANCE_DONE(n)                                                                         \
    E_NOTIFY(LKIP__EVENT_KIND__EVENT_INSTANCE_DONE, n, TEXT_NONE, TO_PARTICIPANTS, 0)
#define E_RETURNED(n)                                                                              \
    E_NOTIFY2(LKIP__EVENT_KIND__EVENT_RETURNED, n, TEXT_COMMAND, TO_STEP_ACTOR, n, TO_WATCHERS, 0)
#define E_UNIT_SUBMITTED(n)                                                                        \
    E_NOTIFY2(LKIP__EVENT_KIND__EVENT_UNIT_SUBMITTED, n, TEXT_NONE, TO_STEP_ACTOR, n, TO_WATCHERS, \
              0)
#define E_UPLOADED(n)                                                                              \
    E_NOTIFY(LKIP__EVENT_KIND__EVENT_DOCUMENT_UPLOADED, n, TEXT_NONE, TO_WATCHERS, 0)

/* ---- START ------------------------------------------------------------------------------ */

static void test_engine_start_by_step1_role(void **state)
{
    engine_instance_t inst = s_fresh(s_lkip);
    engine_cmd_t cmd = s_cmd(ENGINE_START, 0, "kepala_dinas");
    cmd.text = "Susun LKIP 2026";
    engine_result_t r;
    s_run(&inst, &cmd, &r);
    EXPECT(&r, 201, E_OPEN(1), E_FINISH(1, OUTCOME_DONE), E_STEP_DONE(1, TEXT_COMMAND), E_OPEN(2),
           E_ASSIGNED(2));
    s_message_has(&r, "langkah 2");
    s_message_has(&r, "kasubag_perencanaan");
}

static void test_engine_start_wrong_role(void **state)
{
    static const char *const roles[] = {"staf",          "sekretaris", "kasubag_perencanaan",
                                        "operator_unit", "admin",      ""};
    for (size_t i = 0; i < ARRAY_LEN(roles); i++) {
        engine_instance_t inst = s_fresh(s_lkip);
        engine_cmd_t cmd = s_cmd(ENGINE_START, 0, roles[i]);
        engine_result_t r;
        s_run(&inst, &cmd, &r);
        s_refused(&r, 403, "wrong_role");
        s_message_has(&r, "kepala_dinas");
    }
}

/* The admin manages master data and never acts in a step: not even step 1. */
static void test_engine_start_by_admin(void **state)
{
    engine_instance_t inst = s_fresh(s_lkip);
    engine_cmd_t cmd = s_admin(ENGINE_START, 0);
    engine_result_t r;
    s_run(&inst, &cmd, &r);
    s_refused(&r, 403, "wrong_role");
}

/* CUTI's step 1 needs a document: starting only opens it for its actor. */
static void test_engine_start_step1_needs_document(void **state)
{
    engine_instance_t inst = s_fresh(s_cuti);
    engine_cmd_t cmd = s_cmd(ENGINE_START, 0, "staf");
    engine_result_t r;
    s_run(&inst, &cmd, &r);
    EXPECT(&r, 201, E_OPEN(1), E_ASSIGNED(1));
    s_message_has(&r, "langkah 1");

    cmd = s_cmd(ENGINE_START, 0, "kasubag_perencanaan");
    s_run(&inst, &cmd, &r);
    s_refused(&r, 403, "wrong_role");
}

/* Only a plain task (no document, or an optional one) is completed by the start. */
static void test_engine_start_other_first_steps(void **state)
{
    engine_result_t r;
    engine_cmd_t cmd = s_cmd(ENGINE_START, 0, "kepala_dinas");

    sopdef_t *def = s_eng_parse(EN_HEAD EN_STEPX(1, "kepala_dinas", "tugas", "dokumen: opsional")
                                    EN_STEP(2, "staf", "tugas"));
    engine_instance_t inst = s_fresh(def);
    s_run(&inst, &cmd, &r);
    EXPECT(&r, 201, E_OPEN(1), E_FINISH(1, OUTCOME_DONE), E_STEP_DONE(1, TEXT_COMMAND), E_OPEN(2),
           E_ASSIGNED(2));
    sopdef_destroy(&def);

    def = s_eng_parse(EN_HEAD EN_STEPX(1, "kepala_dinas", "sebar", "pelaksana_unit: operator_unit")
                          EN_STEP(2, "staf", "himpun"));
    inst = s_fresh(def);
    s_run(&inst, &cmd, &r);
    EXPECT(&r, 201, E_OPEN(1), E_ASSIGNED(1));
    sopdef_destroy(&def);

    def = s_eng_parse(EN_HEAD EN_STEP(1, "staf", "tugas")
                          EN_STEPX(2, "kepala_dinas", "keputusan", "kembali_ke: 1"));
    inst = s_fresh(def);
    cmd.role = "staf";
    s_run(&inst, &cmd, &r);
    EXPECT(&r, 201, E_OPEN(1), E_FINISH(1, OUTCOME_DONE), E_STEP_DONE(1, TEXT_COMMAND), E_OPEN(2),
           E_ASSIGNED(2));
    sopdef_destroy(&def);
}

/* A one-step SOP whose step is a plain task is finished by its start. */
static void test_engine_start_single_step(void **state)
{
    sopdef_t *def = s_eng_parse(EN_HEAD EN_STEP(1, "staf", "tugas"));
    engine_instance_t inst = s_fresh(def);
    engine_cmd_t cmd = s_cmd(ENGINE_START, 0, "staf");
    engine_result_t r;
    s_run(&inst, &cmd, &r);
    EXPECT(&r, 201, E_OPEN(1), E_FINISH(1, OUTCOME_DONE), E_STEP_DONE(1, TEXT_COMMAND),
           E_PLAIN(EFF_FINISH_INSTANCE, 1), E_INSTANCE_DONE(1));
    s_message_has(&r, "SOP selesai");
    sopdef_destroy(&def);
}

/* ---- DONE on each step kind ------------------------------------------------------------- */

static void test_engine_done_task(void **state)
{
    engine_instance_t inst = s_open(s_lkip, 2);
    engine_cmd_t cmd = s_cmd(ENGINE_DONE, 2, "kasubag_perencanaan");
    cmd.text = "format terlampir";
    engine_result_t r;
    s_run(&inst, &cmd, &r);
    /* step 2 is the definition's format_unit step: the formats are made first */
    EXPECT(&r, 200, E_PLAIN(EFF_MAKE_UNIT_FORMATS, 2), E_FINISH(2, OUTCOME_DONE),
           E_STEP_DONE(2, TEXT_COMMAND), E_OPEN(3), E_ASSIGNED(3));
    s_message_has(&r, "Langkah 2");
    s_message_has(&r, "langkah 3");

    /* step 8: the hand-over to the Kadis */
    inst = s_open(s_lkip, 8);
    cmd = s_cmd(ENGINE_DONE, 8, "sekretaris");
    s_run(&inst, &cmd, &r);
    EXPECT(&r, 200, E_FINISH(8, OUTCOME_DONE), E_STEP_DONE(8, TEXT_COMMAND), E_OPEN(9),
           E_ASSIGNED(9));
}

static void test_engine_done_document_required(void **state)
{
    for (int step = 6; step <= 6; step++) {
        const char *actor = sopdef_step(s_lkip, step)->actor;
        engine_cmd_t cmd = s_cmd(ENGINE_DONE, step, actor);
        engine_result_t r;

        engine_instance_t inst = s_open(s_lkip, step);
        s_run(&inst, &cmd, &r);
        s_refused(&r, 422, "document_required");
        s_message_has(&r, sopdef_step(s_lkip, step)->output);

        /* a version from an earlier run does not count for this one */
        inst.has_document = true;
        s_run(&inst, &cmd, &r);
        s_refused(&r, 422, "document_required");

        /* the LKIP draft written in this run is not the document the step makes */
        inst.draft_in_round = true;
        s_run(&inst, &cmd, &r);
        s_refused(&r, 422, "document_required");

        inst.doc_in_round = true;
        s_run(&inst, &cmd, &r);
        EXPECT(&r, 200, E_FINISH(step, OUTCOME_DONE), E_STEP_DONE(step, TEXT_COMMAND),
               E_OPEN(step + 1), E_ASSIGNED(step + 1));
    }
}

/* Step 5 (draft_lkip): its document is the draft lkip writes when nothing was uploaded. */
static void test_engine_done_writes_draft(void **state)
{
    engine_cmd_t cmd = s_cmd(ENGINE_DONE, 5, "kasubag_perencanaan");
    engine_result_t r;
    engine_instance_t inst = s_open(s_lkip, 5);
    s_run(&inst, &cmd, &r);
    EXPECT(&r, 200, E_PLAIN(EFF_MAKE_DRAFT, 5), E_FINISH(5, OUTCOME_DONE),
           E_STEP_DONE(5, TEXT_COMMAND), E_OPEN(6), E_ASSIGNED(6));
    /* an uploaded document, or a draft already written in this run: none written again */
    inst.doc_in_round = true;
    s_run(&inst, &cmd, &r);
    EXPECT(&r, 200, E_FINISH(5, OUTCOME_DONE), E_STEP_DONE(5, TEXT_COMMAND), E_OPEN(6),
           E_ASSIGNED(6));
    inst.doc_in_round = false;
    inst.draft_in_round = true;
    s_run(&inst, &cmd, &r);
    EXPECT(&r, 200, E_FINISH(5, OUTCOME_DONE), E_STEP_DONE(5, TEXT_COMMAND), E_OPEN(6),
           E_ASSIGNED(6));
}

/* lkip draft --regenerate: at the draft step and the one after it, by their actors only. */
static void test_engine_draft_again(void **state)
{
    engine_result_t r;
    engine_instance_t inst = s_open(s_lkip, 5);
    engine_cmd_t cmd = s_cmd(ENGINE_DRAFT, 5, "kasubag_perencanaan");
    s_run(&inst, &cmd, &r);
    EXPECT(&r, 201, E_PLAIN(EFF_MAKE_DRAFT, 5),
           E_NOTIFY2(LKIP__EVENT_KIND__EVENT_DRAFT_MADE, 5, TEXT_NONE, TO_WATCHERS, 0,
                     TO_STEP_ACTOR, 6));
    inst = s_open(s_lkip, 6);
    cmd = s_cmd(ENGINE_DRAFT, 6, "staf");
    s_run(&inst, &cmd, &r);
    EXPECT(&r, 201, E_PLAIN(EFF_MAKE_DRAFT, 6),
           E_NOTIFY(LKIP__EVENT_KIND__EVENT_DRAFT_MADE, 6, TEXT_NONE, TO_WATCHERS, 0));
    cmd = s_cmd(ENGINE_DRAFT, 6, "sekretaris");
    s_run(&inst, &cmd, &r);
    s_refused(&r, 403, "wrong_role");
    cmd = s_admin(ENGINE_DRAFT, 6);
    s_run(&inst, &cmd, &r);
    assert_true(r.status == 403 && r.n_effects == 0);
    for (int step = 1; step <= 11; step++) {
        if (step == 5 || step == 6)
            continue;
        inst = s_open(s_lkip, step);
        cmd = s_cmd(ENGINE_DRAFT, step, sopdef_step(s_lkip, step)->actor);
        s_run(&inst, &cmd, &r);
        s_refused(&r, 409, "not_draft_step");
        s_message_has(&r, "langkah 5");
    }
    /* an SOP without a draft step */
    inst = s_open(s_cuti, 1);
    cmd = s_cmd(ENGINE_DRAFT, 1, sopdef_step(s_cuti, 1)->actor);
    s_run(&inst, &cmd, &r);
    s_refused(&r, 409, "no_draft_step");
}

static void test_engine_done_fanout(void **state)
{
    engine_instance_t inst = s_open(s_lkip, 3);
    engine_cmd_t cmd = s_cmd(ENGINE_DONE, 3, "kasubag_perencanaan");
    engine_result_t r;
    s_run(&inst, &cmd, &r);
    EXPECT(&r, 200, E_PLAIN(EFF_OPEN_UNIT_TASKS, 3), E_FINISH(3, OUTCOME_DONE),
           E_STEP_DONE(3, TEXT_COMMAND), E_OPEN(4), E_ASSIGNED(4));
}

static void test_engine_done_fanin_complete(void **state)
{
    engine_instance_t inst = s_open(s_lkip, 4);
    inst.units_total = 5;
    inst.units_submitted = 5;
    engine_cmd_t cmd = s_cmd(ENGINE_DONE, 4, "staf");
    engine_result_t r;
    s_run(&inst, &cmd, &r);
    EXPECT(&r, 200, E_FINISH(4, OUTCOME_DONE), E_STEP_DONE(4, TEXT_COMMAND), E_OPEN(5),
           E_ASSIGNED(5));
    assert_null(strstr(r.message, "belum mengirim"));

    /* an organisation without active units: nothing to wait for */
    inst.units_total = 0;
    inst.units_submitted = 0;
    s_run(&inst, &cmd, &r);
    EXPECT(&r, 200, E_FINISH(4, OUTCOME_DONE), E_STEP_DONE(4, TEXT_COMMAND), E_OPEN(5),
           E_ASSIGNED(5));
}

static void test_engine_done_fanin_missing(void **state)
{
    engine_instance_t inst = s_open(s_lkip, 4);
    inst.units_total = 5;
    inst.units_submitted = 3;
    engine_cmd_t cmd = s_cmd(ENGINE_DONE, 4, "staf");
    engine_result_t r;
    s_run(&inst, &cmd, &r);
    EXPECT(&r, 200, E_PLAIN(EFF_CLOSE_MISSING_UNITS, 4), E_FINISH(4, OUTCOME_CLOSED),
           E_STEP_DONE(4, TEXT_COMMAND), E_OPEN(5), E_ASSIGNED(5));
    s_message_has(&r, "ditutup");
    s_message_has(&r, "2 dari 5 unit belum mengirim data");

    inst.units_submitted = 0;
    s_run(&inst, &cmd, &r);
    assert_int_equal(r.effects[1].outcome, OUTCOME_CLOSED);
    s_message_has(&r, "5 dari 5 unit belum mengirim data");
}

static void test_engine_done_decision(void **state)
{
    engine_result_t r;
    engine_instance_t inst = s_open(s_lkip, 7);
    inst.doc_in_round = inst.has_document = true;
    engine_cmd_t cmd = s_cmd(ENGINE_DONE, 7, "sekretaris");
    s_run(&inst, &cmd, &r);
    s_refused(&r, 400, "decision_required");
    s_message_has(&r, "lkip approve");

    inst = s_open(s_lkip, 9);
    cmd = s_cmd(ENGINE_DONE, 9, "kepala_dinas");
    s_run(&inst, &cmd, &r);
    s_refused(&r, 400, "decision_required");
}

static void test_engine_done_numbering(void **state)
{
    engine_instance_t inst = s_open(s_lkip, 10);
    engine_cmd_t cmd = s_cmd(ENGINE_DONE, 10, "kasubag_perencanaan");
    engine_result_t r;
    s_run(&inst, &cmd, &r);
    /* the number exists before the step is closed and before anyone is told of it */
    EXPECT(&r, 200, E_PLAIN(EFF_ALLOCATE_LETTER, 10), E_FINISH(10, OUTCOME_DONE),
           E_STEP_DONE(10, TEXT_LETTER), E_OPEN(11), E_ASSIGNED(11));
}

static void test_engine_done_archive(void **state)
{
    engine_instance_t inst = s_open(s_lkip, 11);
    engine_cmd_t cmd = s_cmd(ENGINE_DONE, 11, "staf");
    engine_result_t r;
    s_run(&inst, &cmd, &r);
    s_refused(&r, 422, "no_document");

    /* any version will do: the archive takes the newest, whatever run made it */
    inst.has_document = true;
    s_run(&inst, &cmd, &r);
    EXPECT(&r, 200, E_PLAIN(EFF_ARCHIVE, 11), E_FINISH(11, OUTCOME_DONE),
           E_STEP_DONE(11, TEXT_ARCHIVE), E_PLAIN(EFF_FINISH_INSTANCE, 11), E_INSTANCE_DONE(11));
    s_message_has(&r, "SOP selesai");
}

/* A definition whose last step is a plain task ends with it. */
static void test_engine_done_last_task(void **state)
{
    sopdef_t *def =
        s_eng_parse(EN_HEAD EN_STEP(1, "kepala_dinas", "tugas") EN_STEP(2, "staf", "tugas"));
    engine_instance_t inst = s_open(def, 2);
    engine_cmd_t cmd = s_cmd(ENGINE_DONE, 2, "staf");
    engine_result_t r;
    s_run(&inst, &cmd, &r);
    EXPECT(&r, 200, E_FINISH(2, OUTCOME_DONE), E_STEP_DONE(2, TEXT_COMMAND),
           E_PLAIN(EFF_FINISH_INSTANCE, 2), E_INSTANCE_DONE(2));
    s_message_has(&r, "SOP selesai");
    sopdef_destroy(&def);
}

/* The other kinds as last step: a fan-in closed with units missing, a decision approved. */
static void test_engine_last_fanin_and_decision(void **state)
{
    engine_result_t r;
    sopdef_t *def =
        s_eng_parse(EN_HEAD EN_STEPX(1, "kasubag_perencanaan", "sebar",
                                     "pelaksana_unit: operator_unit") EN_STEP(2, "staf", "himpun"));
    engine_instance_t inst = s_open(def, 2);
    inst.units_total = 4;
    inst.units_submitted = 3;
    engine_cmd_t cmd = s_cmd(ENGINE_DONE, 2, "staf");
    s_run(&inst, &cmd, &r);
    EXPECT(&r, 200, E_PLAIN(EFF_CLOSE_MISSING_UNITS, 2), E_FINISH(2, OUTCOME_CLOSED),
           E_STEP_DONE(2, TEXT_COMMAND), E_PLAIN(EFF_FINISH_INSTANCE, 2), E_INSTANCE_DONE(2));
    s_message_has(&r, "SOP selesai");
    s_message_has(&r, "1 dari 4 unit");

    /* the last unit's data ends the whole SOP */
    cmd = s_cmd(ENGINE_SUBMIT, 0, "operator_unit");
    cmd.unit_state = ENGINE_UNIT_OPEN;
    s_run(&inst, &cmd, &r);
    EXPECT(&r, 201, E_PLAIN(EFF_RECORD_UNIT_DATA, 2), E_UNIT_SUBMITTED(2), E_FINISH_AUTO(2),
           E_STEP_DONE(2, TEXT_AUTOMATIC), E_PLAIN(EFF_FINISH_INSTANCE, 2), E_INSTANCE_DONE(2));
    sopdef_destroy(&def);

    def = s_eng_parse(EN_HEAD EN_STEP(1, "staf", "tugas")
                          EN_STEPX(2, "kepala_dinas", "keputusan", "kembali_ke: 1"));
    inst = s_open(def, 2);
    cmd = s_cmd(ENGINE_APPROVE, 2, "kepala_dinas");
    s_run(&inst, &cmd, &r);
    EXPECT(&r, 200, E_FINISH(2, OUTCOME_APPROVED), E_STEP_DONE(2, TEXT_COMMAND),
           E_PLAIN(EFF_FINISH_INSTANCE, 2), E_INSTANCE_DONE(2));
    sopdef_destroy(&def);
}

/* ---- decisions -------------------------------------------------------------------------- */

static void test_engine_approve(void **state)
{
    engine_instance_t inst = s_open(s_lkip, 7);
    engine_cmd_t cmd = s_cmd(ENGINE_APPROVE, 7, "sekretaris");
    engine_result_t r;
    s_run(&inst, &cmd, &r);
    EXPECT(&r, 200, E_FINISH(7, OUTCOME_APPROVED), E_STEP_DONE(7, TEXT_COMMAND), E_OPEN(8),
           E_ASSIGNED(8));
    s_message_has(&r, "disetujui");

    inst = s_open(s_lkip, 9);
    cmd = s_cmd(ENGINE_APPROVE, 9, "kepala_dinas");
    s_run(&inst, &cmd, &r);
    EXPECT(&r, 200, E_FINISH(9, OUTCOME_APPROVED), E_STEP_DONE(9, TEXT_COMMAND), E_OPEN(10),
           E_ASSIGNED(10));
}

static void test_engine_not_a_decision(void **state)
{
    static const int steps[] = {1, 2, 3, 4, 5, 6, 8, 10, 11};
    for (size_t i = 0; i < ARRAY_LEN(steps); i++) {
        int step = steps[i];
        engine_instance_t inst = s_open(s_lkip, step);
        inst.has_document = inst.doc_in_round = true;
        engine_cmd_t cmd = s_cmd(ENGINE_APPROVE, step, sopdef_step(s_lkip, step)->actor);
        engine_result_t r;
        s_run(&inst, &cmd, &r);
        s_refused(&r, 400, "not_a_decision");
        s_message_has(&r, "lkip done");
        /* a return is refused the same way, reason or not */
        cmd.kind = ENGINE_RETURN;
        cmd.text = "alasan";
        s_run(&inst, &cmd, &r);
        s_refused(&r, 400, "not_a_decision");
        cmd.text = NULL;
        s_run(&inst, &cmd, &r);
        s_refused(&r, 400, "not_a_decision");
    }
}

static void test_engine_return(void **state)
{
    engine_instance_t inst = s_open(s_lkip, 7);
    engine_cmd_t cmd = s_cmd(ENGINE_RETURN, 7, "sekretaris");
    cmd.text = "Bab III belum memuat perbandingan dengan target Renstra";
    engine_result_t r;
    s_run(&inst, &cmd, &r);
    EXPECT(&r, 200, E_FINISH(7, OUTCOME_RETURNED), E_OPEN(6), E_RETURNED(6));
    s_message_has(&r, "dikembalikan ke langkah 6");
    s_message_has(&r, "staf");

    inst = s_open(s_lkip, 9);
    cmd = s_cmd(ENGINE_RETURN, 9, "kepala_dinas");
    cmd.text = "x";
    s_run(&inst, &cmd, &r);
    EXPECT(&r, 200, E_FINISH(9, OUTCOME_RETURNED), E_OPEN(6), E_RETURNED(6));

    /* CUTI's decisions go back to step 1 */
    inst = s_open(s_cuti, 3);
    cmd = s_cmd(ENGINE_RETURN, 3, "sekretaris");
    cmd.text = "  tanggal cuti bertabrakan  ";
    s_run(&inst, &cmd, &r);
    EXPECT(&r, 200, E_FINISH(3, OUTCOME_RETURNED), E_OPEN(1), E_RETURNED(1));
}

static void test_engine_return_needs_reason(void **state)
{
    /* CR, VT and FF too: a CRLF line from a Windows client is not a written reason */
    static const char *const empty[] = {NULL, "",   " ",         "\t",   "\n",          "\r",
                                        "\v", "\f", " \t\n  \n", "\r\n", " \r\n\t\v\f "};
    for (size_t i = 0; i < ARRAY_LEN(empty); i++) {
        engine_instance_t inst = s_open(s_lkip, 9);
        engine_cmd_t cmd = s_cmd(ENGINE_RETURN, 9, "kepala_dinas");
        cmd.text = empty[i];
        engine_result_t r;
        s_run(&inst, &cmd, &r);
        s_refused(&r, 400, "reason_required");
        s_message_has(&r, "alasan");
    }
}

/* ---- who and when ----------------------------------------------------------------------- */

static void test_engine_step_changed(void **state)
{
    static const engine_cmd_kind_t kinds[] = {ENGINE_DONE, ENGINE_APPROVE, ENGINE_RETURN,
                                              ENGINE_UPLOAD};
    for (size_t i = 0; i < ARRAY_LEN(kinds); i++) {
        static const int wrong[] = {0, 5, 6, 8, 12, -1};
        for (size_t w = 0; w < ARRAY_LEN(wrong); w++) {
            engine_instance_t inst = s_open(s_lkip, 7);
            inst.has_document = inst.doc_in_round = true;
            engine_cmd_t cmd = s_cmd(kinds[i], wrong[w], "sekretaris");
            cmd.text = "alasan";
            engine_result_t r;
            s_run(&inst, &cmd, &r);
            s_refused(&r, 409, "step_changed");
            s_message_has(&r, "sekarang: 7");
            /* also for an admin: the step is checked before the role */
            cmd.role = "admin";
            s_run(&inst, &cmd, &r);
            s_refused(&r, 409, "step_changed");
        }
    }
}

static void test_engine_wrong_role(void **state)
{
    static const struct {
        engine_cmd_kind_t kind;
        int step;
        const char *role;
    } cases[] = {
        {ENGINE_DONE, 2, "staf"},
        {ENGINE_DONE, 2, "kepala_dinas"},
        {ENGINE_DONE, 3, "operator_unit"},
        {ENGINE_DONE, 4, "kasubag_perencanaan"},
        {ENGINE_DONE, 6, "sekretaris"},
        {ENGINE_DONE, 10, "staf"},
        {ENGINE_DONE, 11, "sekretaris"},
        {ENGINE_APPROVE, 7, "staf"},
        {ENGINE_APPROVE, 9, "sekretaris"},
        {ENGINE_RETURN, 7, "kepala_dinas"},
        {ENGINE_RETURN, 9, "sekretaris"},
        {ENGINE_UPLOAD, 6, "sekretaris"},
        {ENGINE_UPLOAD, 7, "operator_unit"},
        {ENGINE_DONE, 2, ""},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        engine_instance_t inst = s_open(s_lkip, cases[i].step);
        inst.has_document = inst.doc_in_round = true;
        inst.units_total = inst.units_submitted = 5;
        engine_cmd_t cmd = s_cmd(cases[i].kind, cases[i].step, cases[i].role);
        cmd.text = "alasan";
        engine_result_t r;
        s_run(&inst, &cmd, &r);
        s_refused(&r, 403, "wrong_role");
        s_message_has(&r, sopdef_step(s_lkip, cases[i].step)->actor);
    }
}

/* Separation of duties: the admin acts in no step, whatever the step's kind. */
static void test_engine_admin_never_acts(void **state)
{
    for (int step = 1; step <= s_lkip->n_steps; step++) {
        engine_cmd_kind_t kinds[] = {ENGINE_DONE, ENGINE_APPROVE, ENGINE_RETURN, ENGINE_UPLOAD};
        for (size_t k = 0; k < ARRAY_LEN(kinds); k++) {
            engine_instance_t inst = s_open(s_lkip, step);
            inst.has_document = inst.doc_in_round = true;
            inst.units_total = 5;
            inst.units_submitted = 2;
            engine_cmd_t admin = s_admin(kinds[k], step);
            admin.text = "alasan";
            engine_result_t r;
            s_run(&inst, &admin, &r);
            s_refused(&r, 403, "wrong_role");
        }
    }
    engine_instance_t inst = s_open(s_lkip, 4);
    inst.units_total = 5;
    inst.units_submitted = 1;
    engine_cmd_t cmd = s_admin(ENGINE_SUBMIT, 0);
    cmd.unit_state = ENGINE_UNIT_OPEN;
    engine_result_t r;
    s_run(&inst, &cmd, &r);
    s_refused(&r, 403, "wrong_role");
}

/* ---- delegation (Plh./Plt.) ------------------------------------------------------------- */

static const engine_delegation_t s_plh_kadis = {"kepala_dinas", "Plh. Kepala Dinas",
                                                "5 Januari 2027 s.d. 9 Januari 2027", true};

/* A delegate in its period acts exactly as the delegator would, and the result names its
 * capacity; in its own role the same caller acts without one. */
static void test_engine_delegate_acts(void **state)
{
    engine_instance_t inst = s_open(s_lkip, 9);
    inst.has_document = inst.doc_in_round = true;
    engine_cmd_t kadis = s_cmd(ENGINE_APPROVE, 9, "kepala_dinas");
    engine_cmd_t plh = s_cmd(ENGINE_APPROVE, 9, "sekretaris");
    plh.delegations = &s_plh_kadis;
    plh.n_delegations = 1;
    engine_result_t ra, rb;
    s_run(&inst, &kadis, &ra);
    s_run(&inst, &plh, &rb);
    assert_int_equal(ra.status, 200);
    assert_null(ra.capacity);
    s_expect(&rb, ra.status, ra.effects, ra.n_effects);
    assert_string_equal(rb.capacity, "Plh. Kepala Dinas");
    /* a return too */
    plh.kind = ENGINE_RETURN;
    plh.text = "tanda tangan belum lengkap";
    s_run(&inst, &plh, &rb);
    assert_int_equal(rb.status, 200);
    assert_string_equal(rb.capacity, "Plh. Kepala Dinas");
    /* and starting an SOP whose first step is the delegator's */
    engine_instance_t fresh = s_fresh(s_lkip);
    engine_cmd_t start = s_cmd(ENGINE_START, 0, "sekretaris");
    start.delegations = &s_plh_kadis;
    start.n_delegations = 1;
    s_run(&fresh, &start, &rb);
    assert_int_equal(rb.status, 201);
    assert_string_equal(rb.capacity, "Plh. Kepala Dinas");
    /* its own step 7 needs no delegation, and names none */
    engine_instance_t at7 = s_open(s_lkip, 7);
    at7.has_document = at7.doc_in_round = true;
    engine_cmd_t own = s_cmd(ENGINE_APPROVE, 7, "sekretaris");
    own.delegations = &s_plh_kadis;
    own.n_delegations = 1;
    own.acted_in_round = true;
    s_run(&at7, &own, &rb);
    assert_int_equal(rb.status, 200);
    assert_null(rb.capacity);
}

/* Outside its period a delegation gives nothing, and the refusal names the period. */
static void test_engine_delegate_outside_period(void **state)
{
    engine_delegation_t later = s_plh_kadis;
    later.active = false;
    engine_instance_t inst = s_open(s_lkip, 9);
    inst.has_document = inst.doc_in_round = true;
    engine_cmd_t plh = s_cmd(ENGINE_APPROVE, 9, "sekretaris");
    plh.delegations = &later;
    plh.n_delegations = 1;
    engine_result_t r;
    s_run(&inst, &plh, &r);
    s_refused(&r, 403, "delegation_inactive");
    s_message_has(&r, "5 Januari 2027 s.d. 9 Januari 2027");
    s_message_has(&r, "Plh. Kepala Dinas");
    /* an active delegation for another role does not reach this step */
    engine_delegation_t other = {"kasubag_perencanaan", "Plh. Kasubag Perencanaan", "-", true};
    plh.delegations = &other;
    s_run(&inst, &plh, &r);
    s_refused(&r, 403, "wrong_role");
}

/* No one corrects and approves their own work: a delegate who already acted in this round may
 * not act for the delegator. */
static void test_engine_delegate_own_work(void **state)
{
    engine_instance_t inst = s_open(s_lkip, 9);
    inst.has_document = inst.doc_in_round = true;
    engine_cmd_t plh = s_cmd(ENGINE_APPROVE, 9, "sekretaris");
    plh.delegations = &s_plh_kadis;
    plh.n_delegations = 1;
    plh.acted_in_round = true;
    engine_result_t r;
    s_run(&inst, &plh, &r);
    s_refused(&r, 403, "own_work");
    assert_null(r.capacity);
}

static void test_engine_instance_finished(void **state)
{
    static const engine_cmd_kind_t kinds[] = {ENGINE_DONE, ENGINE_APPROVE, ENGINE_RETURN,
                                              ENGINE_UPLOAD, ENGINE_SUBMIT};
    const sopdef_t *defs[] = {s_lkip, s_cuti};
    for (size_t d = 0; d < ARRAY_LEN(defs); d++)
        for (size_t i = 0; i < ARRAY_LEN(kinds); i++) {
            engine_instance_t inst = {.def = defs[d],
                                      .active = false,
                                      .current_step = 0,
                                      .has_document = true,
                                      .units_total = 5,
                                      .units_submitted = 5};
            static const int steps[] = {0, 1, 11};
            for (size_t s = 0; s < ARRAY_LEN(steps); s++) {
                engine_cmd_t cmd = s_admin(kinds[i], steps[s]);
                cmd.text = "alasan";
                cmd.unit_state = ENGINE_UNIT_OPEN;
                engine_result_t r;
                s_run(&inst, &cmd, &r);
                s_refused(&r, 409, "instance_finished");
                cmd = s_cmd(kinds[i], steps[s], "staf");
                cmd.unit_state = ENGINE_UNIT_SUBMITTED;
                s_run(&inst, &cmd, &r);
                s_refused(&r, 409, "instance_finished");
            }
        }
}

/* ---- documents -------------------------------------------------------------------------- */

static void test_engine_upload(void **state)
{
    engine_result_t r;
    static const int none[] = {1, 2, 3, 4, 8, 10, 11};
    for (size_t i = 0; i < ARRAY_LEN(none); i++) {
        engine_instance_t inst = s_open(s_lkip, none[i]);
        engine_cmd_t cmd = s_cmd(ENGINE_UPLOAD, none[i], sopdef_step(s_lkip, none[i])->actor);
        s_run(&inst, &cmd, &r);
        s_refused(&r, 409, "no_document_step");
    }
    /* wajib (5, 6) and opsional (7; 9 for the signed scan), in a first and in a later run */
    static const int with[] = {5, 6, 7, 9};
    for (size_t i = 0; i < ARRAY_LEN(with); i++) {
        engine_instance_t inst = s_open(s_lkip, with[i]);
        engine_cmd_t cmd = s_cmd(ENGINE_UPLOAD, with[i], sopdef_step(s_lkip, with[i])->actor);
        s_run(&inst, &cmd, &r);
        EXPECT(&r, 201, E_PLAIN(EFF_STORE_DOCUMENT, with[i]), E_UPLOADED(with[i]));
        inst.has_document = inst.doc_in_round = true;
        s_run(&inst, &cmd, &r);
        EXPECT(&r, 201, E_PLAIN(EFF_STORE_DOCUMENT, with[i]), E_UPLOADED(with[i]));
    }
}

/* ---- unit data -------------------------------------------------------------------------- */

static engine_cmd_t s_submit(engine_unit_state_t state)
{
    engine_cmd_t cmd = s_cmd(ENGINE_SUBMIT, 0, "operator_unit");
    cmd.unit_state = state;
    return cmd;
}

static void test_engine_submit_outside_collection(void **state)
{
    engine_result_t r;
    engine_cmd_t cmd = s_submit(ENGINE_UNIT_OPEN);
    for (int step = 1; step <= s_lkip->n_steps; step++) {
        if (step == 4)
            continue;
        engine_instance_t inst = s_open(s_lkip, step);
        inst.units_total = 5;
        s_run(&inst, &cmd, &r);
        s_refused(&r, 409, "collection_closed");
        s_message_has(&r, sopdef_step(s_lkip, step)->uraian);
    }
    /* an SOP without a fan-out never collects */
    for (int step = 1; step <= s_cuti->n_steps; step++) {
        engine_instance_t inst = s_open(s_cuti, step);
        s_run(&inst, &cmd, &r);
        s_refused(&r, 409, "collection_closed");
    }
}

static void test_engine_submit_refused(void **state)
{
    engine_instance_t inst = s_open(s_lkip, 4);
    inst.units_total = 5;
    inst.units_submitted = 2;
    engine_result_t r;

    static const char *const roles[] = {"staf", "kasubag_perencanaan", "sekretaris",
                                        "kepala_dinas"};
    for (size_t i = 0; i < ARRAY_LEN(roles); i++) {
        engine_cmd_t cmd = s_submit(ENGINE_UNIT_OPEN);
        cmd.role = roles[i];
        s_run(&inst, &cmd, &r);
        s_refused(&r, 403, "wrong_role");
        s_message_has(&r, "operator_unit");
    }

    engine_cmd_t cmd = s_submit(ENGINE_UNIT_NO_TASK);
    s_run(&inst, &cmd, &r);
    s_refused(&r, 403, "no_unit_task");
    /* a unit recorded missing cannot send any more */
    cmd = s_submit(ENGINE_UNIT_MISSING);
    s_run(&inst, &cmd, &r);
    s_refused(&r, 403, "no_unit_task");
}

static void test_engine_submit_first(void **state)
{
    engine_instance_t inst = s_open(s_lkip, 4);
    inst.units_total = 5;
    engine_cmd_t cmd = s_submit(ENGINE_UNIT_OPEN);
    engine_result_t r;
    s_run(&inst, &cmd, &r);
    EXPECT(&r, 201, E_PLAIN(EFF_RECORD_UNIT_DATA, 4), E_UNIT_SUBMITTED(4));
    s_message_has(&r, "1 dari 5 unit");
}

static void test_engine_submit_last_completes(void **state)
{
    engine_instance_t inst = s_open(s_lkip, 4);
    inst.units_total = 5;
    inst.units_submitted = 4;
    engine_cmd_t cmd = s_submit(ENGINE_UNIT_OPEN);
    engine_result_t r;
    s_run(&inst, &cmd, &r);
    EXPECT(&r, 201, E_PLAIN(EFF_RECORD_UNIT_DATA, 4), E_UNIT_SUBMITTED(4), E_FINISH_AUTO(4),
           E_STEP_DONE(4, TEXT_AUTOMATIC), E_OPEN(5), E_ASSIGNED(5));
    s_message_has(&r, "semua unit (5)");

    /* one unit alone is also the last */
    inst.units_total = 1;
    inst.units_submitted = 0;
    s_run(&inst, &cmd, &r);
    assert_int_equal(r.n_effects, 6);
    assert_int_equal(r.effects[2].kind, EFF_FINISH_STEP);
}

static void test_engine_resubmit_counts_once(void **state)
{
    engine_instance_t inst = s_open(s_lkip, 4);
    inst.units_total = 5;
    inst.units_submitted = 4;
    /* a unit that already sent replaces its data: still 4 of 5, the collection stays open */
    engine_cmd_t cmd = s_submit(ENGINE_UNIT_SUBMITTED);
    engine_result_t r;
    s_run(&inst, &cmd, &r);
    EXPECT(&r, 201, E_PLAIN(EFF_RECORD_UNIT_DATA, 4), E_UNIT_SUBMITTED(4));
    s_message_has(&r, "4 dari 5 unit");

    inst.units_submitted = 1;
    s_run(&inst, &cmd, &r);
    EXPECT(&r, 201, E_PLAIN(EFF_RECORD_UNIT_DATA, 4), E_UNIT_SUBMITTED(4));
    s_message_has(&r, "1 dari 5 unit");
}

/* ---- dokumen: wajib on every kind ------------------------------------------------------- */

/* sopdef accepts "dokumen: wajib" on any kind ("completing needs a version uploaded in this run
 * of the step"), e.g. the Kadis's signed scan at a signing decision, or the surat pengantar at
 * the numbering step. Completing any such step without one is refused; returning is not. */
static void test_engine_document_required_any_kind(void **state)
{
    /* the decision returns to the step after the collection: a return into it is refused by
     * the definition reader */
    sopdef_t *def = s_eng_parse(
        EN_HEAD EN_STEP(1, "kepala_dinas", "tugas") EN_STEPX(
            2, "kasubag_perencanaan", "sebar", "pelaksana_unit: operator_unit, dokumen: wajib")
            EN_STEPX(3, "staf", "himpun", "dokumen: wajib")
                EN_STEPX(4, "staf", "tugas", "dokumen: wajib")
                    EN_STEPX(5, "kepala_dinas", "keputusan", "kembali_ke: 4, dokumen: wajib")
                        EN_STEPX(6, "kasubag_perencanaan", "penomoran", "dokumen: wajib")
                            EN_STEPX(7, "staf", "arsip", "dokumen: wajib"));
    engine_result_t r;
    for (int step = 2; step <= 7; step++) {
        engine_instance_t inst = s_open(def, step);
        inst.has_document = true; /* from an earlier step: does not count */
        inst.units_total = 3;
        inst.units_submitted = 2;
        engine_cmd_t cmd =
            s_cmd(step == 5 ? ENGINE_APPROVE : ENGINE_DONE, step, sopdef_step(def, step)->actor);
        s_run(&inst, &cmd, &r);
        s_refused(&r, 422, "document_required");
        inst.doc_in_round = true;
        s_run(&inst, &cmd, &r);
        assert_int_equal(r.status, 200);
    }

    /* the kinds' own checks still come first or still apply */
    engine_instance_t inst = s_open(def, 5);
    engine_cmd_t cmd = s_cmd(ENGINE_DONE, 5, "kepala_dinas");
    s_run(&inst, &cmd, &r);
    s_refused(&r, 400, "decision_required");
    cmd = s_cmd(ENGINE_RETURN, 5, "kepala_dinas");
    s_run(&inst, &cmd, &r);
    s_refused(&r, 400, "reason_required");
    cmd.text = "tanda tangan belum ada";
    s_run(&inst, &cmd, &r);
    EXPECT(&r, 200, E_FINISH(5, OUTCOME_RETURNED), E_OPEN(4), E_RETURNED(4));

    /* exact effects once the document is there */
    inst = s_open(def, 2);
    inst.doc_in_round = true;
    cmd = s_cmd(ENGINE_DONE, 2, "kasubag_perencanaan");
    s_run(&inst, &cmd, &r);
    EXPECT(&r, 200, E_PLAIN(EFF_OPEN_UNIT_TASKS, 2), E_FINISH(2, OUTCOME_DONE),
           E_STEP_DONE(2, TEXT_COMMAND), E_OPEN(3), E_ASSIGNED(3));
    inst = s_open(def, 6);
    inst.doc_in_round = true;
    cmd = s_cmd(ENGINE_DONE, 6, "kasubag_perencanaan");
    s_run(&inst, &cmd, &r);
    EXPECT(&r, 200, E_PLAIN(EFF_ALLOCATE_LETTER, 6), E_FINISH(6, OUTCOME_DONE),
           E_STEP_DONE(6, TEXT_LETTER), E_OPEN(7), E_ASSIGNED(7));
    sopdef_destroy(&def);
}

/* A collection that needs the actor's document is not completed by the last unit's data: the
 * actor uploads and completes it. */
static void test_engine_submit_last_waits_for_document(void **state)
{
    sopdef_t *def = s_eng_parse(
        EN_HEAD EN_STEPX(1, "kasubag_perencanaan", "sebar", "pelaksana_unit: operator_unit")
            EN_STEPX(2, "staf", "himpun", "dokumen: wajib")
                EN_STEP(3, "kasubag_perencanaan", "tugas"));
    engine_instance_t inst = s_open(def, 2);
    inst.units_total = 3;
    inst.units_submitted = 2;
    engine_cmd_t cmd = s_submit(ENGINE_UNIT_OPEN);
    engine_result_t r;
    s_run(&inst, &cmd, &r);
    EXPECT(&r, 201, E_PLAIN(EFF_RECORD_UNIT_DATA, 2), E_UNIT_SUBMITTED(2));
    s_message_has(&r, "semua unit (3)");
    s_message_has(&r, "menunggu dokumen");

    inst.doc_in_round = true;
    s_run(&inst, &cmd, &r);
    EXPECT(&r, 201, E_PLAIN(EFF_RECORD_UNIT_DATA, 2), E_UNIT_SUBMITTED(2), E_FINISH_AUTO(2),
           E_STEP_DONE(2, TEXT_AUTOMATIC), E_OPEN(3), E_ASSIGNED(3));
    sopdef_destroy(&def);
}

/* ---- every command on every LKIP step ---------------------------------------------------- */

/* The actor of the step (an operator for SUBMIT) with everything a command may need: a
 * document in the run, two of three units submitted, a reason. Only the step kind decides. */
static void test_engine_lkip_matrix(void **state)
{
    typedef struct {
        int status;
        const char *code;
    } verdict_t;
    static const engine_cmd_kind_t kinds[5] = {ENGINE_DONE, ENGINE_APPROVE, ENGINE_RETURN,
                                               ENGINE_UPLOAD, ENGINE_SUBMIT};
    static const verdict_t task[5] = {{200, "ok"},
                                      {400, "not_a_decision"},
                                      {400, "not_a_decision"},
                                      {409, "no_document_step"},
                                      {409, "collection_closed"}};
    static const verdict_t task_doc[5] = {{200, "ok"},
                                          {400, "not_a_decision"},
                                          {400, "not_a_decision"},
                                          {201, "ok"},
                                          {409, "collection_closed"}};
    static const verdict_t fanin[5] = {{200, "ok"},
                                       {400, "not_a_decision"},
                                       {400, "not_a_decision"},
                                       {409, "no_document_step"},
                                       {201, "ok"}};
    static const verdict_t decision_doc[5] = {{400, "decision_required"},
                                              {200, "ok"},
                                              {200, "ok"},
                                              {201, "ok"},
                                              {409, "collection_closed"}};
    static const verdict_t *const want[12] = {
        NULL,     task,         task, task,         fanin, task_doc,
        task_doc, decision_doc, task, decision_doc, task,  task,
    };
    for (int step = 1; step <= 11; step++)
        for (int k = 0; k < 5; k++) {
            engine_instance_t inst = s_open(s_lkip, step);
            inst.has_document = inst.doc_in_round = true;
            inst.units_total = 3;
            inst.units_submitted = 2;
            engine_cmd_t cmd = s_cmd(kinds[k], step, sopdef_step(s_lkip, step)->actor);
            if (kinds[k] == ENGINE_SUBMIT)
                cmd = s_submit(ENGINE_UNIT_OPEN);
            cmd.text = "alasan";
            engine_result_t r;
            s_run(&inst, &cmd, &r);
            if (r.status != want[step][k].status || strcmp(r.code, want[step][k].code) != 0)
                fail_msg("step %d command %d: want %d %s, got %d %s \"%s\"", step, k,
                         want[step][k].status, want[step][k].code, r.status, r.code, r.message);
        }
}

/* ---- whole runs over a model of the stored state ----------------------------------------- */

#define EN_UNITS 5

/* What db_flow would hold, reduced to what the engine sees, plus counters to check. */
typedef struct {
    const sopdef_t *def;
    bool active;
    int current;
    bool doc_in_round;
    bool draft_in_round;
    bool has_document;
    bool tasks_opened;
    engine_unit_state_t unit[EN_UNITS];
    int letters, archives, documents, returned, instance_done, formats, drafts;
    int trail[64]; /* every step opened, in order */
    int n_trail;
} s_model_t;

static engine_instance_t s_model_inst(const s_model_t *m)
{
    engine_instance_t inst = {.def = m->def,
                              .active = m->active,
                              .current_step = m->current,
                              .doc_in_round = m->doc_in_round,
                              .draft_in_round = m->draft_in_round,
                              .has_document = m->has_document};
    if (m->tasks_opened) {
        inst.units_total = EN_UNITS;
        for (int u = 0; u < EN_UNITS; u++)
            inst.units_submitted += m->unit[u] == ENGINE_UNIT_SUBMITTED;
    }
    return inst;
}

/* Applies the effects in order, checking that each makes sense where it comes. */
static void s_model_apply(s_model_t *m, const engine_result_t *r, int unit)
{
    for (int i = 0; i < r->n_effects; i++) {
        const engine_effect_t *e = &r->effects[i];
        switch (e->kind) {
        case EFF_OPEN_STEP:
            assert_in_range(e->step_no, 1, m->def->n_steps);
            assert_in_range(m->n_trail, 0, (int)ARRAY_LEN(m->trail) - 1);
            m->active = true;
            m->current = e->step_no;
            m->doc_in_round = m->draft_in_round = false;
            m->trail[m->n_trail++] = e->step_no;
            break;
        case EFF_FINISH_STEP:
            assert_true(m->active);
            assert_int_equal(e->step_no, m->current);
            break;
        case EFF_MAKE_UNIT_FORMATS:
            assert_int_equal(e->step_no, m->current);
            assert_true(sopdef_step(m->def, e->step_no)->makes_unit_formats);
            assert_false(m->tasks_opened); /* made before they are handed out */
            m->formats++;
            break;
        case EFF_OPEN_UNIT_TASKS:
            assert_false(m->tasks_opened);
            assert_int_equal(e->step_no, m->current);
            m->tasks_opened = true;
            for (int u = 0; u < EN_UNITS; u++)
                m->unit[u] = ENGINE_UNIT_OPEN;
            break;
        case EFF_RECORD_UNIT_DATA:
            assert_in_range(unit, 0, EN_UNITS - 1);
            assert_int_not_equal(m->unit[unit], ENGINE_UNIT_MISSING);
            m->unit[unit] = ENGINE_UNIT_SUBMITTED;
            break;
        case EFF_CLOSE_MISSING_UNITS:
            for (int u = 0; u < EN_UNITS; u++)
                if (m->unit[u] == ENGINE_UNIT_OPEN)
                    m->unit[u] = ENGINE_UNIT_MISSING;
            break;
        case EFF_ALLOCATE_LETTER:
            assert_int_equal(e->step_no, m->current); /* before the step is finished */
            m->letters++;
            break;
        case EFF_ARCHIVE:
            assert_true(m->has_document);
            m->archives++;
            break;
        case EFF_STORE_DOCUMENT:
            assert_int_equal(e->step_no, m->current);
            m->documents++;
            m->doc_in_round = m->has_document = true;
            break;
        case EFF_MAKE_DRAFT:
            assert_int_equal(e->step_no, m->current); /* a version of the open run */
            assert_true(sopdef_step(m->def, e->step_no)->makes_draft ||
                        sopdef_step(m->def, e->step_no - 1)->makes_draft);
            m->drafts++;
            m->draft_in_round = m->has_document = true;
            break;
        case EFF_FINISH_INSTANCE:
            m->active = false;
            m->current = 0;
            break;
        case EFF_NOTIFY:
            assert_non_null(eventkind_name(e->event));
            assert_in_range(e->n_audience, 1, ENGINE_MAX_AUDIENCE);
            m->returned += e->event == LKIP__EVENT_KIND__EVENT_RETURNED;
            m->instance_done += e->event == LKIP__EVENT_KIND__EVENT_INSTANCE_DONE;
            break;
        default:
            fail_msg("unknown effect %d", (int)e->kind);
        }
    }
}

/* One command against the model; the status must be want. unit: the submitting unit, or -1. */
static void s_model_do(s_model_t *m, engine_cmd_kind_t kind, const char *role, const char *text,
                       int unit, int want, const char *want_code)
{
    engine_instance_t inst = kind == ENGINE_START ? s_fresh(m->def) : s_model_inst(m);
    engine_cmd_t cmd = s_cmd(kind, m->current, role);
    cmd.text = text;
    if (kind == ENGINE_SUBMIT)
        cmd.unit_state = unit >= 0 && m->tasks_opened ? m->unit[unit] : ENGINE_UNIT_NO_TASK;
    engine_result_t r;
    s_run(&inst, &cmd, &r);
    if (r.status != want || strcmp(r.code, want_code) != 0)
        fail_msg("at step %d, %s: want %d %s, got %d %s \"%s\"", m->current, role, want, want_code,
                 r.status, r.code, r.message);
    if (r.status < 400)
        s_model_apply(m, &r, unit);
}

#define OK(m, kind, role, text)         s_model_do((m), (kind), (role), (text), -1, 200, "ok")
#define CREATED(m, kind, role, text)    s_model_do((m), (kind), (role), (text), -1, 201, "ok")
#define NO(m, kind, role, status, code) s_model_do((m), (kind), (role), "alasan", -1, status, code)
#define SUBMIT(m, unit, status, code)                                                              \
    s_model_do((m), ENGINE_SUBMIT, "operator_unit", NULL, (unit), status, code)

static void s_model_trail(const s_model_t *m, const int *want, int n)
{
    bool same = m->n_trail == n;
    for (int i = 0; same && i < n; i++)
        same = m->trail[i] == want[i];
    if (same)
        return;
    print_error("trail:");
    for (int i = 0; i < m->n_trail; i++)
        print_error(" %d", m->trail[i]);
    print_error("\nwant: ");
    for (int i = 0; i < n; i++)
        print_error(" %d", want[i]);
    print_error("\n");
    fail_msg("steps opened differ");
}

static void test_engine_lkip_walk(void **state)
{
    s_model_t m = {.def = s_lkip};
    NO(&m, ENGINE_START, "sekretaris", 403, "wrong_role");
    CREATED(&m, ENGINE_START, "kepala_dinas", "Susun LKIP 2026");
    assert_int_equal(m.current, 2);
    OK(&m, ENGINE_DONE, "kasubag_perencanaan", "format terlampir");
    /* 3: nothing to collect before the fan-out */
    SUBMIT(&m, 0, 409, "collection_closed");
    OK(&m, ENGINE_DONE, "kasubag_perencanaan", NULL);
    assert_true(m.tasks_opened);
    /* 4: units send; a resubmission does not advance the count */
    SUBMIT(&m, 0, 201, "ok");
    SUBMIT(&m, 1, 201, "ok");
    SUBMIT(&m, 1, 201, "ok");
    SUBMIT(&m, 2, 201, "ok");
    SUBMIT(&m, 3, 201, "ok");
    SUBMIT(&m, 3, 201, "ok");
    NO(&m, ENGINE_DONE, "kasubag_perencanaan", 403, "wrong_role");
    assert_int_equal(m.current, 4);
    SUBMIT(&m, 4, 201, "ok"); /* the last one completes the collection */
    assert_int_equal(m.current, 5);
    SUBMIT(&m, 4, 409, "collection_closed");
    /* 5 writes the draft when it completes without an upload; 6 needs its own document, a
     * draft written again there does not count */
    OK(&m, ENGINE_DONE, "kasubag_perencanaan", NULL);
    assert_int_equal(m.drafts, 1);
    NO(&m, ENGINE_DRAFT, "kasubag_perencanaan", 403, "wrong_role");
    CREATED(&m, ENGINE_DRAFT, "staf", NULL);
    assert_int_equal(m.drafts, 2);
    NO(&m, ENGINE_DONE, "staf", 422, "document_required");
    CREATED(&m, ENGINE_UPLOAD, "staf", NULL);
    OK(&m, ENGINE_DONE, "staf", NULL);
    /* 7 returns to 6 */
    NO(&m, ENGINE_DONE, "sekretaris", 400, "decision_required");
    s_model_do(&m, ENGINE_RETURN, "sekretaris", "  ", -1, 400, "reason_required");
    OK(&m, ENGINE_RETURN, "sekretaris", "tabel capaian belum lengkap");
    assert_int_equal(m.current, 6);
    NO(&m, ENGINE_DONE, "staf", 422, "document_required");
    CREATED(&m, ENGINE_UPLOAD, "staf", NULL);
    OK(&m, ENGINE_DONE, "staf", NULL);
    CREATED(&m, ENGINE_UPLOAD, "sekretaris", NULL); /* a corrected version at 7 */
    OK(&m, ENGINE_APPROVE, "sekretaris", NULL);
    NO(&m, ENGINE_UPLOAD, "sekretaris", 409, "no_document_step");
    OK(&m, ENGINE_DONE, "sekretaris", NULL);
    /* 9 returns to 6 */
    NO(&m, ENGINE_APPROVE, "sekretaris", 403, "wrong_role");
    OK(&m, ENGINE_RETURN, "kepala_dinas", "perbaiki Bab III");
    assert_int_equal(m.current, 6);
    CREATED(&m, ENGINE_UPLOAD, "staf", NULL);
    OK(&m, ENGINE_DONE, "staf", NULL);
    OK(&m, ENGINE_APPROVE, "sekretaris", NULL);
    OK(&m, ENGINE_DONE, "sekretaris", NULL);
    OK(&m, ENGINE_APPROVE, "kepala_dinas", "setuju");
    /* 10 and 11 */
    OK(&m, ENGINE_DONE, "kasubag_perencanaan", NULL);
    assert_int_equal(m.letters, 1);
    OK(&m, ENGINE_DONE, "staf", NULL);

    static const int trail[] = {1, 2, 3, 4, 5, 6, 7, 6, 7, 8, 9, 6, 7, 8, 9, 10, 11};
    s_model_trail(&m, trail, (int)ARRAY_LEN(trail));
    assert_false(m.active);
    assert_int_equal(m.current, 0);
    assert_int_equal(m.documents, 4);
    assert_int_equal(m.drafts, 2);
    NO(&m, ENGINE_DRAFT, "staf", 409, "instance_finished");
    assert_int_equal(m.archives, 1);
    assert_int_equal(m.letters, 1);
    assert_int_equal(m.returned, 2);
    assert_int_equal(m.instance_done, 1);
    assert_int_equal(m.formats, 1);
    for (int u = 0; u < EN_UNITS; u++)
        assert_int_equal(m.unit[u], ENGINE_UNIT_SUBMITTED);
    /* nothing more */
    NO(&m, ENGINE_DONE, "staf", 409, "instance_finished");
    NO(&m, ENGINE_UPLOAD, "admin", 409, "instance_finished");
}

/* The fan-in closed by its actor: the units that did not send are missing for good. */
static void test_engine_lkip_walk_close_missing(void **state)
{
    s_model_t m = {.def = s_lkip};
    CREATED(&m, ENGINE_START, "kepala_dinas", NULL);
    OK(&m, ENGINE_DONE, "kasubag_perencanaan", NULL);
    OK(&m, ENGINE_DONE, "kasubag_perencanaan", NULL);
    SUBMIT(&m, 2, 201, "ok");
    SUBMIT(&m, 4, 201, "ok");
    OK(&m, ENGINE_DONE, "staf", "ditutup: batas waktu lewat");
    assert_int_equal(m.current, 5);
    assert_int_equal(m.unit[0], ENGINE_UNIT_MISSING);
    assert_int_equal(m.unit[1], ENGINE_UNIT_MISSING);
    assert_int_equal(m.unit[2], ENGINE_UNIT_SUBMITTED);
    assert_int_equal(m.unit[3], ENGINE_UNIT_MISSING);
    assert_int_equal(m.unit[4], ENGINE_UNIT_SUBMITTED);
    SUBMIT(&m, 0, 409, "collection_closed");
    static const int trail[] = {1, 2, 3, 4, 5};
    s_model_trail(&m, trail, (int)ARRAY_LEN(trail));
}

static void test_engine_cuti_walk(void **state)
{
    s_model_t m = {.def = s_cuti};
    CREATED(&m, ENGINE_START, "staf", "cuti tahunan 3 hari");
    assert_int_equal(m.current, 1);
    NO(&m, ENGINE_DONE, "staf", 422, "document_required");
    CREATED(&m, ENGINE_UPLOAD, "staf", NULL);
    OK(&m, ENGINE_DONE, "staf", NULL);
    SUBMIT(&m, 0, 409, "collection_closed");
    /* 2 returns to 1: a new run of 1 needs a new form */
    OK(&m, ENGINE_RETURN, "kasubag_perencanaan", "sisa hak cuti tidak mencukupi");
    assert_int_equal(m.current, 1);
    NO(&m, ENGINE_DONE, "staf", 422, "document_required");
    CREATED(&m, ENGINE_UPLOAD, "staf", NULL);
    OK(&m, ENGINE_DONE, "staf", NULL);
    OK(&m, ENGINE_APPROVE, "kasubag_perencanaan", NULL);
    /* 3 returns to 1 as well */
    NO(&m, ENGINE_APPROVE, "kasubag_perencanaan", 403, "wrong_role");
    OK(&m, ENGINE_RETURN, "sekretaris", "tanggal bertabrakan dengan rapat");
    CREATED(&m, ENGINE_UPLOAD, "staf", NULL);
    OK(&m, ENGINE_DONE, "staf", NULL);
    OK(&m, ENGINE_APPROVE, "kasubag_perencanaan", NULL);
    OK(&m, ENGINE_APPROVE, "sekretaris", NULL);
    OK(&m, ENGINE_DONE, "kasubag_perencanaan", NULL);
    OK(&m, ENGINE_DONE, "staf", NULL);

    static const int trail[] = {1, 2, 1, 2, 3, 1, 2, 3, 4, 5};
    s_model_trail(&m, trail, (int)ARRAY_LEN(trail));
    assert_false(m.active);
    assert_int_equal(m.letters, 1);
    assert_int_equal(m.archives, 1);
    assert_int_equal(m.documents, 3);
    assert_int_equal(m.returned, 2);
    assert_int_equal(m.instance_done, 1);
    assert_false(m.tasks_opened);
}

static void test_engine_outcome_names(void **state)
{
    assert_string_equal(engine_outcome_name(OUTCOME_DONE), "done");
    assert_string_equal(engine_outcome_name(OUTCOME_APPROVED), "approved");
    assert_string_equal(engine_outcome_name(OUTCOME_RETURNED), "returned");
    assert_string_equal(engine_outcome_name(OUTCOME_CLOSED), "closed");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_engine_start_by_step1_role),
        cmocka_unit_test(test_engine_start_wrong_role),
        cmocka_unit_test(test_engine_start_by_admin),
        cmocka_unit_test(test_engine_start_step1_needs_document),
        cmocka_unit_test(test_engine_start_other_first_steps),
        cmocka_unit_test(test_engine_start_single_step),
        cmocka_unit_test(test_engine_done_task),
        cmocka_unit_test(test_engine_done_document_required),
        cmocka_unit_test(test_engine_done_writes_draft),
        cmocka_unit_test(test_engine_draft_again),
        cmocka_unit_test(test_engine_done_fanout),
        cmocka_unit_test(test_engine_done_fanin_complete),
        cmocka_unit_test(test_engine_done_fanin_missing),
        cmocka_unit_test(test_engine_done_decision),
        cmocka_unit_test(test_engine_done_numbering),
        cmocka_unit_test(test_engine_done_archive),
        cmocka_unit_test(test_engine_done_last_task),
        cmocka_unit_test(test_engine_last_fanin_and_decision),
        cmocka_unit_test(test_engine_approve),
        cmocka_unit_test(test_engine_not_a_decision),
        cmocka_unit_test(test_engine_return),
        cmocka_unit_test(test_engine_return_needs_reason),
        cmocka_unit_test(test_engine_step_changed),
        cmocka_unit_test(test_engine_wrong_role),
        cmocka_unit_test(test_engine_admin_never_acts),
        cmocka_unit_test(test_engine_delegate_acts),
        cmocka_unit_test(test_engine_delegate_outside_period),
        cmocka_unit_test(test_engine_delegate_own_work),
        cmocka_unit_test(test_engine_instance_finished),
        cmocka_unit_test(test_engine_upload),
        cmocka_unit_test(test_engine_submit_outside_collection),
        cmocka_unit_test(test_engine_submit_refused),
        cmocka_unit_test(test_engine_submit_first),
        cmocka_unit_test(test_engine_submit_last_completes),
        cmocka_unit_test(test_engine_resubmit_counts_once),
        cmocka_unit_test(test_engine_document_required_any_kind),
        cmocka_unit_test(test_engine_submit_last_waits_for_document),
        cmocka_unit_test(test_engine_lkip_matrix),
        cmocka_unit_test(test_engine_lkip_walk),
        cmocka_unit_test(test_engine_lkip_walk_close_missing),
        cmocka_unit_test(test_engine_cuti_walk),
        cmocka_unit_test(test_engine_outcome_names),
    };
    return cmocka_run_group_tests(tests, s_group_setup, s_group_teardown);
}
