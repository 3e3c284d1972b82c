/* test_inflight — client/inflight: a change lkip gave up on is saved per command line and user
 * (0600, in a 0700 folder), found again by the same command line within a day, adopted with its
 * request_id only when the request is the same, and gone once answered or too old. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "inflight.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define KEY_A "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7"
#define KEY_B "Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID"
#define NOW   1767225600 /* 2026-01-01 */

static char s_dir[256];

static int s_setup(void **state)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(s_dir, sizeof s_dir, "%s/lkip-inflight-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    return mkdtemp(s_dir) ? 0 : -1;
}

static int s_teardown(void **state)
{
    char path[512];
    snprintf(path, sizeof path, "%s/pending", s_dir);
    DIR *d = opendir(path);
    for (struct dirent *e; d && (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        char file[800];
        snprintf(file, sizeof file, "%s/%s", path, e->d_name);
        unlink(file);
    }
    if (d)
        closedir(d);
    rmdir(path);
    return rmdir(s_dir);
}

/* "done" of step 2 of instance ref, with note, as the lkip command builds it. */
typedef struct {
    Lkip__Envelope env;
    Lkip__StepRequest body;
} step_req_t;

static void s_step(step_req_t *r, char *ref, char *note)
{
    lkip__step_request__init(&r->body);
    r->body.instance = ref;
    r->body.step_no = 2;
    r->body.note = note;
    r->body.action = LKIP__STEP_ACTION__DONE;
    lkip__envelope__init(&r->env);
    r->env.request_id = 0;
    r->env.body_case = LKIP__ENVELOPE__BODY_STEP;
    r->env.step = &r->body;
}

static char *s_done_argv[] = {"done", "LKIP/2026", "--note", "sudah"};

static inflight_t *s_open(const char *key, int64_t now)
{
    inflight_t *f = inflight_open(s_dir, key, 4, s_done_argv, now);
    assert_non_null(f);
    return f;
}

static void test_saved_then_found_by_the_same_command(void **state)
{
    inflight_t *f = s_open(KEY_A, NOW);
    assert_false(inflight_pending(f));
    step_req_t r;
    s_step(&r, "LKIP/2026", "sudah");
    r.env.request_id = 777001;
    assert_int_equal(inflight_save(f, &r.env, NOW), 0);
    assert_true(inflight_pending(f));
    struct stat st;
    assert_int_equal(stat(inflight_path(f), &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    char dir[512];
    snprintf(dir, sizeof dir, "%s/pending", s_dir);
    assert_int_equal(stat(dir, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    char tmp[600];
    snprintf(tmp, sizeof tmp, "%s.tmp", inflight_path(f));
    assert_int_equal(access(tmp, F_OK), -1); /* renamed into place, nothing left beside */
    inflight_destroy(&f);
    assert_null(f);

    /* the same command line, an hour later: found, the same request goes with its request_id */
    f = s_open(KEY_A, NOW + 3600);
    assert_true(inflight_pending(f));
    step_req_t again;
    s_step(&again, "LKIP/2026", "sudah");
    again.env.request_id = 999;
    assert_true(inflight_adopt(f, &again.env));
    assert_int_equal(again.env.request_id, 777001);

    /* answered: gone, for this run and the next */
    assert_int_equal(inflight_settle(f), 0);
    assert_false(inflight_pending(f));
    assert_int_equal(access(inflight_path(f), F_OK), -1);
    inflight_destroy(&f);
    f = s_open(KEY_A, NOW + 3600);
    assert_false(inflight_pending(f));
    assert_int_equal(inflight_settle(f), 0); /* nothing to remove is fine */
    inflight_destroy(&f);
}

static void test_other_user_or_command_line_is_new(void **state)
{
    inflight_t *f = s_open(KEY_A, NOW);
    step_req_t r;
    s_step(&r, "LKIP/2026", "sudah");
    r.env.request_id = 42;
    assert_int_equal(inflight_save(f, &r.env, NOW), 0);
    inflight_destroy(&f);

    f = s_open(KEY_B, NOW); /* another user on the same machine */
    assert_false(inflight_pending(f));
    inflight_destroy(&f);
    char *other[] = {"done", "LKIP/2026", "--note", "sudah juga"};
    f = inflight_open(s_dir, KEY_A, 4, other, NOW);
    assert_false(inflight_pending(f));
    inflight_destroy(&f);
    char *joined[] = {"done", "LKIP/2026 --note", "sudah"}; /* same text, other arguments */
    f = inflight_open(s_dir, KEY_A, 3, joined, NOW);
    assert_false(inflight_pending(f));
    inflight_destroy(&f);

    f = s_open(KEY_A, NOW);
    assert_true(inflight_pending(f));
    assert_int_equal(inflight_settle(f), 0);
    inflight_destroy(&f);
}

/* A request that differs from the saved one (a file edited since) goes as a new request, and the
 * stale entry goes. */
static void test_different_request_is_not_adopted(void **state)
{
    inflight_t *f = s_open(KEY_A, NOW);
    step_req_t r;
    s_step(&r, "LKIP/2026", "sudah");
    r.env.request_id = 5;
    assert_int_equal(inflight_save(f, &r.env, NOW), 0);
    inflight_destroy(&f);
    f = s_open(KEY_A, NOW + 60);
    step_req_t changed;
    s_step(&changed, "LKIP/2026", "sudah, versi baru");
    changed.env.request_id = 6;
    assert_false(inflight_adopt(f, &changed.env));
    assert_int_equal(changed.env.request_id, 6);
    assert_false(inflight_pending(f));
    assert_int_equal(access(inflight_path(f), F_OK), -1);
    inflight_destroy(&f);
}

/* After a day the promise ends: the entry is dropped; a damaged file is dropped too. Saving
 * again keeps the time of the first give-up. */
static void test_old_or_damaged_entry_dropped(void **state)
{
    inflight_t *f = s_open(KEY_A, NOW);
    step_req_t r;
    s_step(&r, "LKIP/2026", "sudah");
    r.env.request_id = 9;
    assert_int_equal(inflight_save(f, &r.env, NOW), 0);
    inflight_destroy(&f);
    f = s_open(KEY_A, NOW + 3600); /* gave up again an hour later */
    assert_true(inflight_pending(f));
    assert_int_equal(inflight_save(f, &r.env, NOW + 3600), 0);
    inflight_destroy(&f);
    f = s_open(KEY_A, NOW + INFLIGHT_TTL_S); /* a day after the first */
    assert_true(inflight_pending(f));
    inflight_destroy(&f);
    f = s_open(KEY_A, NOW + INFLIGHT_TTL_S + 1);
    assert_false(inflight_pending(f));
    assert_int_equal(access(inflight_path(f), F_OK), -1);

    FILE *out = fopen(inflight_path(f), "w");
    assert_non_null(out);
    fputs("lkip-pending 1\ncommand step\nrequest_id 12\n", out); /* cut short */
    assert_int_equal(fclose(out), 0);
    inflight_destroy(&f);
    f = s_open(KEY_A, NOW);
    assert_false(inflight_pending(f));
    assert_int_equal(access(inflight_path(f), F_OK), -1);
    inflight_destroy(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_saved_then_found_by_the_same_command),
        cmocka_unit_test(test_other_user_or_command_line_is_new),
        cmocka_unit_test(test_different_request_is_not_adopted),
        cmocka_unit_test(test_old_or_damaged_entry_dropped),
    };
    return cmocka_run_group_tests(tests, s_setup, s_teardown);
}
