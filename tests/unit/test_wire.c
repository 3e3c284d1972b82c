/* test_wire — common/wire: envelopes survive encode/decode, and decode refuses what is over a
 * limit or not clean text, with a reason; the client's list of changes is lkipd's. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "cmd.h"
#include "wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Encodes env and decodes it again; *why gets the reason when decoding refused it. */
static Lkip__Envelope *s_round_trip(const Lkip__Envelope *env, const char **why)
{
    size_t len;
    uint8_t *buf = wire_encode(env, &len);
    assert_int_equal(len, lkip__envelope__get_packed_size(env));
    *why = NULL;
    Lkip__Envelope *back = wire_decode(buf, len, why);
    free(buf);
    return back;
}

/* An envelope carrying a user_add request with the given name and full name. */
static void s_user_add(Lkip__Envelope *env, Lkip__UserAddRequest *body, const char *name,
                       const char *full_name)
{
    lkip__user_add_request__init(body);
    body->name = (char *)name;
    body->full_name = (char *)full_name;
    body->role = "operator_unit";
    body->unit_code = "IKP";
    body->public_key = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7";
    lkip__envelope__init(env);
    env->request_id = 0xfedcba9876543210ull;
    env->body_case = LKIP__ENVELOPE__BODY_USER_ADD;
    env->user_add = body;
}

static void test_request_round_trip(void **state)
{
    Lkip__Envelope env;
    Lkip__UserAddRequest body;
    s_user_add(&env, &body, "operator.ikp", "Operator \xe2\x80\x93 Bidang IKP\nbaris dua");
    const char *why;
    Lkip__Envelope *back = s_round_trip(&env, &why);
    assert_non_null(back);
    assert_int_equal(back->request_id, 0xfedcba9876543210ull);
    assert_int_equal(back->body_case, LKIP__ENVELOPE__BODY_USER_ADD);
    assert_string_equal(back->user_add->name, "operator.ikp");
    assert_string_equal(back->user_add->full_name, body.full_name);
    assert_string_equal(back->user_add->role, "operator_unit");
    assert_string_equal(back->user_add->unit_code, "IKP");
    assert_string_equal(back->user_add->org_code, "");
    assert_string_equal(back->user_add->public_key, body.public_key);
    wire_free(&back);
    assert_null(back);
}

static void test_reply_round_trip(void **state)
{
    Lkip__UserInfo u = LKIP__USER_INFO__INIT;
    u.id = 42;
    u.name = "kabid.ikp";
    u.role = "kepala_bidang";
    u.unit_code = "IKP";
    u.org_code = "DKIP";
    u.disabled = true;
    Lkip__Reply r = LKIP__REPLY__INIT;
    r.status = LKIP__STATUS__CREATED;
    r.code = "ok";
    r.message = "Pengguna \"kabid.ikp\" ditambahkan";
    r.payload_case = LKIP__REPLY__PAYLOAD_USER;
    r.user = &u;
    Lkip__Envelope env = LKIP__ENVELOPE__INIT;
    env.request_id = 7;
    env.body_case = LKIP__ENVELOPE__BODY_REPLY;
    env.reply = &r;

    const char *why;
    Lkip__Envelope *back = s_round_trip(&env, &why);
    assert_non_null(back);
    assert_int_equal(back->request_id, 7);
    assert_int_equal(back->body_case, LKIP__ENVELOPE__BODY_REPLY);
    assert_int_equal(back->reply->status, LKIP__STATUS__CREATED);
    assert_string_equal(back->reply->code, "ok");
    assert_string_equal(back->reply->message, r.message);
    assert_int_equal(back->reply->payload_case, LKIP__REPLY__PAYLOAD_USER);
    assert_int_equal(back->reply->user->id, 42);
    assert_string_equal(back->reply->user->name, "kabid.ikp");
    assert_string_equal(back->reply->user->unit_code, "IKP");
    assert_true(back->reply->user->disabled);
    wire_free(&back);
    wire_free(&back); /* NULL is fine */
    wire_free(NULL);
}

static void test_garbage_refused(void **state)
{
    static const uint8_t garbage[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                      0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
    const char *why = NULL;
    assert_null(wire_decode(garbage, sizeof garbage, &why));
    assert_non_null(why);
    assert_true(strlen(why) > 0);

    /* a valid envelope cut short */
    Lkip__Envelope env;
    Lkip__UserAddRequest body;
    s_user_add(&env, &body, "operator.ikp", "Operator");
    size_t len;
    uint8_t *buf = wire_encode(&env, &len);
    why = NULL;
    assert_null(wire_decode(buf, len - 3, &why));
    assert_non_null(why);
    free(buf);
}

static void test_frame_over_limit_refused(void **state)
{
    size_t len = (size_t)WIRE_MAX_FRAME + 1;
    uint8_t *big = calloc(1, len);
    assert_non_null(big);
    const char *why = NULL;
    assert_null(wire_decode(big, len, &why));
    assert_non_null(why);
    assert_non_null(strstr(why, "limit"));
    free(big);
}

static void test_string_over_limit_refused(void **state)
{
    char *text = malloc(WIRE_MAX_STRING + 2);
    assert_non_null(text);
    memset(text, 'a', WIRE_MAX_STRING + 1);
    text[WIRE_MAX_STRING + 1] = '\0';
    Lkip__Envelope env;
    Lkip__UserAddRequest body;
    s_user_add(&env, &body, "operator.ikp", text);
    const char *why;
    assert_null(s_round_trip(&env, &why));
    assert_non_null(why);
    assert_non_null(strstr(why, "limit"));

    /* exactly at the limit is fine */
    text[WIRE_MAX_STRING] = '\0';
    Lkip__Envelope *back = s_round_trip(&env, &why);
    assert_non_null(back);
    assert_int_equal(strlen(back->user_add->full_name), WIRE_MAX_STRING);
    wire_free(&back);

    /* the limit holds inside nested messages too */
    text[WIRE_MAX_STRING] = 'a';
    Lkip__UserInfo u = LKIP__USER_INFO__INIT;
    u.name = text;
    Lkip__Reply r = LKIP__REPLY__INIT;
    r.payload_case = LKIP__REPLY__PAYLOAD_USER;
    r.user = &u;
    Lkip__Envelope reply = LKIP__ENVELOPE__INIT;
    reply.body_case = LKIP__ENVELOPE__BODY_REPLY;
    reply.reply = &r;
    assert_null(s_round_trip(&reply, &why));
    assert_non_null(why);
    free(text);
}

static void test_invalid_utf8_refused(void **state)
{
    static const char *const bad[] = {
        "\xc3\x28",     /* bad continuation */
        "abc\xff",      /* never valid */
        "\xc0\xaf",     /* overlong */
        "\xed\xa0\x80", /* surrogate */
        "bell\a",       /* control character */
    };
    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        Lkip__Envelope env;
        Lkip__UserAddRequest body;
        s_user_add(&env, &body, bad[i], "Operator");
        const char *why = NULL;
        Lkip__Envelope *back = s_round_trip(&env, &why);
        if (back) {
            wire_free(&back);
            fail_msg("string %zu accepted", i);
        }
        assert_non_null(why);
        assert_non_null(strstr(why, "UTF-8"));
    }
}

/* A reply listing n empty users, encoded and decoded. */
static Lkip__Envelope *s_users_round_trip(size_t n, const char **why)
{
    Lkip__UserInfo *users = calloc(n, sizeof *users);
    Lkip__UserInfo **ptrs = calloc(n, sizeof *ptrs);
    assert_non_null(users);
    assert_non_null(ptrs);
    for (size_t i = 0; i < n; i++) {
        lkip__user_info__init(&users[i]);
        ptrs[i] = &users[i];
    }
    Lkip__UserListReply list = LKIP__USER_LIST_REPLY__INIT;
    list.n_users = n;
    list.users = ptrs;
    Lkip__Reply r = LKIP__REPLY__INIT;
    r.payload_case = LKIP__REPLY__PAYLOAD_USERS;
    r.users = &list;
    Lkip__Envelope env = LKIP__ENVELOPE__INIT;
    env.body_case = LKIP__ENVELOPE__BODY_REPLY;
    env.reply = &r;
    Lkip__Envelope *back = s_round_trip(&env, why);
    free(ptrs);
    free(users);
    return back;
}

static void test_too_many_repeated_refused(void **state)
{
    const char *why;
    Lkip__Envelope *back = s_users_round_trip(WIRE_MAX_REPEATED, &why);
    assert_non_null(back);
    assert_int_equal(back->reply->users->n_users, WIRE_MAX_REPEATED);
    wire_free(&back);
    assert_null(s_users_round_trip(WIRE_MAX_REPEATED + 1, &why));
    assert_non_null(why);
    assert_non_null(strstr(why, "repeated"));
}

/* The client's list of changes is the daemon's: every request type lkipd knows is a change
 * exactly when its command table says it stores the reply. */
static void test_is_change_matches_daemon(void **state)
{
    int known = 0;
    for (int body = 0; body < 128; body++) {
        const cmd_t *cmd = cmd_find(body);
        if (!cmd) {
            assert_false(wire_is_change(body));
            continue;
        }
        known++;
        if (cmd->mutating != wire_is_change(body))
            fail_msg("request %d (%s): lkipd says %s, wire_is_change says %s", body, cmd->name,
                     cmd->mutating ? "change" : "read", wire_is_change(body) ? "change" : "read");
    }
    assert_true(known >= 30);
}

static void test_status_retryable(void **state)
{
    assert_true(status_retryable(LKIP__STATUS__UNAVAILABLE));
    assert_true(status_retryable(LKIP__STATUS__TIMEOUT));
    static const int other[] = {0, 200, 201, 400, 403, 404, 409, 413, 422, 500, 502, 505};
    for (size_t i = 0; i < ARRAY_LEN(other); i++)
        if (status_retryable(other[i]))
            fail_msg("status %d is retryable", other[i]);
}

/* wire.h: "Short English name of a status, e.g. "conflict"" — the names sit beside the
 * lower-case reply codes ("ok", "forbidden_role") in messages. */
static void test_status_name(void **state)
{
    assert_string_equal(status_name(LKIP__STATUS__CONFLICT), "conflict");
    assert_string_equal(status_name(LKIP__STATUS__OK), "ok");
    assert_string_equal(status_name(LKIP__STATUS__UNAVAILABLE), "unavailable");
    const char *unknown = status_name(299);
    assert_non_null(unknown);
    assert_true(strlen(unknown) > 0);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_request_round_trip),
        cmocka_unit_test(test_reply_round_trip),
        cmocka_unit_test(test_garbage_refused),
        cmocka_unit_test(test_frame_over_limit_refused),
        cmocka_unit_test(test_string_over_limit_refused),
        cmocka_unit_test(test_invalid_utf8_refused),
        cmocka_unit_test(test_too_many_repeated_refused),
        cmocka_unit_test(test_is_change_matches_daemon),
        cmocka_unit_test(test_status_retryable),
        cmocka_unit_test(test_status_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
