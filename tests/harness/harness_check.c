/* harness_check — the cmocka side of the harness: calls and reply checks that fail the running
 * test with the daemon logs on stderr. Kept apart from harness.c so that programs without
 * cmocka (the benchmark) can link the harness library. */
#include "harness.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

Lkip__Envelope *harness_call_ok(lkipc_t *c, Lkip__Envelope *req)
{
    Lkip__Envelope *reply = NULL;
    lkipc_rc_t rc = lkipc_call(c, req, &reply);
    if (rc != LKIPC_OK) {
        harness_dump_all_logs();
        fail_msg("call (body %d, request %llu) failed: %d %s", (int)req->body_case,
                 (unsigned long long)req->request_id, (int)rc, lkipc_rc_text(rc));
    }
    return reply;
}

void harness_daemon_stop_clean(harness_t *h, harness_daemon_t *d)
{
    int rc = harness_daemon_stop(d, SIGTERM);
    if (rc != 0) {
        harness_dump_logs(h);
        fail_msg("lkipd after SIGTERM: exit %d", rc);
    }
    assert_true(harness_logs_clean(h));
}

void harness_assert_reply(const Lkip__Envelope *env, int status, const char *code)
{
    if (!env || env->body_case != LKIP__ENVELOPE__BODY_REPLY || !env->reply) {
        harness_dump_all_logs();
        fail_msg("expected a reply %d %s, got %s", status, code ? code : "",
                 env ? "another envelope" : "nothing");
        return;
    }
    const Lkip__Reply *r = env->reply;
    if ((int)r->status != status || (code && strcmp(r->code, code) != 0)) {
        harness_dump_all_logs();
        fail_msg("expected reply %d %s, got %d %s (\"%s\")", status, code ? code : "*",
                 (int)r->status, r->code, r->message);
    }
}

void harness_test_filter(void)
{
    const char *only = getenv("LKIP_TEST_ONLY");
    if (only && *only)
        cmocka_set_test_filter(only);
}

void harness_load_sop(lkipc_t *c, const char *file_name, const char *text)
{
    Lkip__SopLoadRequest body = LKIP__SOP_LOAD_REQUEST__INIT;
    body.file_name = (char *)file_name;
    body.content.data = (uint8_t *)text;
    body.content.len = strlen(text);
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_SOP_LOAD;
    req.sop_load = &body;
    Lkip__Envelope *reply = harness_call_ok(c, &req);
    harness_assert_reply(reply, LKIP__STATUS__CREATED, "ok");
    wire_free(&reply);
}
