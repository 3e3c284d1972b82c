/* test_wire — common/wire: envelopes survive encode/decode, and decode refuses what is over a
 * limit or not clean text, with a reason; hostile frames (field number 0, replies and events sent
 * as requests, decode amplification over the budget, oversized frames) are refused with the
 * request_id they carry; the client's list of changes is lkipd's. */
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

/* ---- hostile frames (issue 11) ----------------------------------------------------------- */

/* Expects wire_decode_request to refuse data with error, echoing request_id when has_id. */
static void s_request_refused(const uint8_t *data, size_t len, wire_error_t error, bool has_id,
                              uint64_t request_id)
{
    wire_result_t res;
    Lkip__Envelope *env = wire_decode_request(data, len, &res);
    if (env) {
        wire_free(&env);
        fail_msg("frame of %zu bytes accepted, expected refusal %d", len, (int)error);
    }
    if (res.error != error)
        fail_msg("frame of %zu bytes refused with %d (%s), expected %d", len, (int)res.error,
                 res.why ? res.why : "?", (int)error);
    assert_non_null(res.why);
    assert_int_equal(res.has_request_id, has_id);
    assert_int_equal(res.request_id, request_id);
}

/* A field number 0 is never valid, however its tag is written, and at any depth; a field number
 * the schema does not know (a newer client's) is fine. */
static void test_field_zero_refused(void **state)
{
    /* request_id 42, field 0 (two-byte tag 82 00, wire type 2, length 0), a ping */
    static const uint8_t two_byte[] = {0x08, 42, 0x82, 0x00, 0x00, 0x52, 0x00};
    s_request_refused(two_byte, sizeof two_byte, WIRE_MALFORMED, true, 42);
    const char *why = NULL;
    assert_null(wire_decode(two_byte, sizeof two_byte, &why));
    assert_non_null(why);
    /* the same written in five bytes, and as a varint field */
    static const uint8_t five_byte[] = {0x08, 43, 0x82, 0x80, 0x80, 0x80, 0x00, 0x00, 0x52, 0x00};
    s_request_refused(five_byte, sizeof five_byte, WIRE_MALFORMED, true, 43);
    static const uint8_t varint[] = {0x08, 44, 0x80, 0x00, 0x05, 0x52, 0x00};
    s_request_refused(varint, sizeof varint, WIRE_MALFORMED, true, 44);
    /* inside the ping, and inside a reply's user (client side) */
    static const uint8_t nested[] = {0x08, 45, 0x52, 0x03, 0x82, 0x00, 0x00};
    s_request_refused(nested, sizeof nested, WIRE_MALFORMED, true, 45);
    static const uint8_t deep[] = {0x08, 46, 0x12, 0x05, 0x5a, 0x03, 0x82, 0x00, 0x00};
    assert_null(wire_decode(deep, sizeof deep, &why));

    /* an unknown field 15 in the ping is still read */
    static const uint8_t future[] = {0x08, 47, 0x52, 0x02, 0x7a, 0x00};
    wire_result_t res;
    Lkip__Envelope *env = wire_decode_request(future, sizeof future, &res);
    assert_non_null(env);
    assert_int_equal(res.error, WIRE_OK);
    assert_int_equal(env->request_id, 47);
    assert_int_equal(env->body_case, LKIP__ENVELOPE__BODY_PING);
    wire_free(&env);
    /* wire types 3 and 4 (groups) and 6 are not read */
    static const uint8_t group[] = {0x08, 48, 0x7b, 0x7c, 0x52, 0x00};
    s_request_refused(group, sizeof group, WIRE_MALFORMED, true, 48);
}

static void test_peek(void **state)
{
    wire_peek_t p;
    /* the request_id after the body; the last one wins, as protobuf reads it */
    static const uint8_t after[] = {0x52, 0x00, 0x08, 0x07, 0x08, 0x09};
    wire_peek(after, sizeof after, &p);
    assert_true(p.sound);
    assert_true(p.has_request_id);
    assert_int_equal(p.request_id, 9);
    assert_int_equal(p.body, LKIP__ENVELOPE__BODY_PING);
    /* a request_id before garbage is still read */
    static const uint8_t garbage[] = {0x08, 0x05, 0xff, 0xff};
    wire_peek(garbage, sizeof garbage, &p);
    assert_false(p.sound);
    assert_true(p.has_request_id);
    assert_int_equal(p.request_id, 5);
    /* nothing at all */
    wire_peek(NULL, 0, &p);
    assert_true(p.sound);
    assert_false(p.has_request_id);
    assert_int_equal(p.body, 0);
    /* a request_id as a 10-byte varint */
    static const uint8_t big[] = {0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
    wire_peek(big, sizeof big, &p);
    assert_true(p.sound);
    assert_int_equal(p.request_id, UINT64_MAX);
    /* a length past the end */
    static const uint8_t cut[] = {0x08, 0x03, 0x52, 0x05, 0x00};
    wire_peek(cut, sizeof cut, &p);
    assert_false(p.sound);
    assert_int_equal(p.request_id, 3);
    /* millions of tiny fields: given up after those a request's budget holds, the request_id
     * before them read */
    enum { N = 4 * 1000 * 1000 };
    size_t len = 2 + 2 * (size_t)N;
    uint8_t *flood = malloc(len);
    assert_non_null(flood);
    flood[0] = 0x08;
    flood[1] = 0x04;
    for (size_t i = 0; i < N; i++) {
        flood[2 + 2 * i] = 0x52;
        flood[3 + 2 * i] = 0x00;
    }
    wire_peek(flood, len, &p);
    assert_false(p.sound);
    assert_true(p.has_request_id);
    assert_int_equal(p.request_id, 4);
    free(flood);
}

/* A reply or an event sent to the daemon is refused from its tags, with its request_id, while a
 * client decodes the same frame. */
static void test_reply_and_event_are_not_requests(void **state)
{
    Lkip__Reply r = LKIP__REPLY__INIT;
    r.status = LKIP__STATUS__OK;
    r.code = "ok";
    Lkip__Envelope env = LKIP__ENVELOPE__INIT;
    env.request_id = 9;
    env.body_case = LKIP__ENVELOPE__BODY_REPLY;
    env.reply = &r;
    size_t len;
    uint8_t *buf = wire_encode(&env, &len);
    s_request_refused(buf, len, WIRE_NOT_REQUEST, true, 9);
    const char *why;
    Lkip__Envelope *back = wire_decode(buf, len, &why);
    assert_non_null(back);
    wire_free(&back);
    free(buf);

    Lkip__Event ev = LKIP__EVENT__INIT;
    ev.seq = 3;
    ev.kind = "step_done";
    lkip__envelope__init(&env);
    env.body_case = LKIP__ENVELOPE__BODY_EVENT;
    env.event = &ev;
    buf = wire_encode(&env, &len);
    s_request_refused(buf, len, WIRE_NOT_REQUEST, false, 0);
    free(buf);
}

/* A frame of n copies of the two bytes a, b after prefix (plen bytes): caller frees. */
static uint8_t *s_flood(const uint8_t *prefix, size_t plen, uint8_t a, uint8_t b, size_t n,
                        size_t *len)
{
    *len = plen + 2 * n;
    uint8_t *buf = malloc(*len);
    assert_non_null(buf);
    memcpy(buf, prefix, plen);
    for (size_t i = 0; i < n; i++) {
        buf[plen + 2 * i] = a;
        buf[plen + 2 * i + 1] = b;
    }
    return buf;
}

/* Writes v as a varint at p; returns the bytes written. */
static size_t s_put_varint(uint8_t *p, uint64_t v)
{
    size_t n = 0;
    do {
        p[n++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
        v >>= 7;
    } while (v);
    return n;
}

/* Frames whose decoding would multiply their size (empty sub-messages or unknown fields, two
 * bytes each on the wire) fail on the budget with the request_id read, in requests and in what
 * a client decodes; what a real request or reply needs fits. */
static void test_decode_budget(void **state)
{
    enum { N = 400 * 1000 }; /* 800 KB frames, within WIRE_MAX_FRAME */
    /* request_id 77, a ping holding N empty unknown fields 15 */
    uint8_t prefix[16] = {0x08, 77, 0x52};
    size_t plen = 3 + s_put_varint(prefix + 3, 2 * (uint64_t)N);
    size_t len;
    uint8_t *buf = s_flood(prefix, plen, 0x7a, 0x00, N, &len);
    s_request_refused(buf, len, WIRE_OVER_BUDGET, true, 77);
    free(buf);

    /* N pings at the top level (each replaces the one before) */
    static const uint8_t id[] = {0x08, 78};
    buf = s_flood(id, sizeof id, 0x52, 0x00, N, &len);
    s_request_refused(buf, len, WIRE_OVER_BUDGET, true, 78);
    free(buf);

    /* a reply listing N empty users: refused to a client too, by its own budget */
    uint8_t reply[32] = {0x08, 79, 0x12};
    size_t users_len = 2 * (size_t)N;
    uint8_t list[16] = {0x62};
    size_t list_len = 1 + s_put_varint(list + 1, users_len);
    plen = 3 + s_put_varint(reply + 3, list_len + users_len);
    memcpy(reply + plen, list, list_len);
    plen += list_len;
    buf = s_flood(reply, plen, 0x0a, 0x00, N, &len);
    const char *why = NULL;
    assert_null(wire_decode(buf, len, &why));
    assert_non_null(strstr(why, "budget"));
    s_request_refused(buf, len, WIRE_NOT_REQUEST, true, 79);
    free(buf);

    /* what the walk over the tags cannot see coming: an upload whose file_name is given 25,000
     * times (each copy is allocated, then replaced by the next), which the allocator's budget
     * stops */
    enum { NAMES = 25 * 1000, NAME = 32 };
    size_t body_len = (size_t)NAMES * (2 + NAME);
    uint8_t up_prefix[16] = {0x08, 81, 0xe2, 0x01};
    plen = 4 + s_put_varint(up_prefix + 4, body_len);
    len = plen + body_len;
    buf = malloc(len);
    assert_non_null(buf);
    memcpy(buf, up_prefix, plen);
    for (size_t i = 0; i < NAMES; i++) {
        uint8_t *f = buf + plen + i * (2 + NAME);
        f[0] = 0x1a;
        f[1] = NAME;
        memset(f + 2, 'a', NAME);
    }
    s_request_refused(buf, len, WIRE_OVER_BUDGET, true, 81);
    free(buf);

    /* the largest data file a frame holds decodes within the request budget */
    size_t file_len = WIRE_MAX_FRAME - 1024;
    Lkip__SubmitRequest sub = LKIP__SUBMIT_REQUEST__INIT;
    sub.instance = "LKIP/2026";
    sub.file_name = "data.csv";
    sub.content.len = file_len;
    sub.content.data = calloc(1, file_len);
    assert_non_null(sub.content.data);
    Lkip__Envelope env = LKIP__ENVELOPE__INIT;
    env.request_id = 80;
    env.body_case = LKIP__ENVELOPE__BODY_SUBMIT;
    env.submit = &sub;
    buf = wire_encode(&env, &len);
    free(sub.content.data);
    wire_result_t res;
    Lkip__Envelope *back = wire_decode_request(buf, len, &res);
    free(buf);
    if (!back)
        fail_msg("largest data file refused: %s", res.why);
    assert_int_equal(back->submit->content.len, file_len);
    wire_free(&back);
}

/* A frame over the size limit is refused with the request_id it starts with. */
static void test_frame_over_limit_echoes_request_id(void **state)
{
    size_t len = (size_t)WIRE_MAX_FRAME + 1;
    uint8_t *big = calloc(1, len);
    assert_non_null(big);
    /* request_id 4242, then one bytes field (unknown 15) holding the rest */
    size_t n = s_put_varint(big + 1, 4242) + 1;
    big[0] = 0x08;
    big[n] = 0x7a;
    n += 1;
    size_t k = 1; /* the bytes of the length: the field fills the frame exactly */
    uint8_t tmp[16];
    while (s_put_varint(tmp, len - n - k) != k)
        k++;
    assert_int_equal(s_put_varint(big + n, len - n - k), k);
    s_request_refused(big, len, WIRE_TOO_LARGE, true, 4242);
    free(big);
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
        cmocka_unit_test(test_field_zero_refused),
        cmocka_unit_test(test_peek),
        cmocka_unit_test(test_reply_and_event_are_not_requests),
        cmocka_unit_test(test_decode_budget),
        cmocka_unit_test(test_frame_over_limit_echoes_request_id),
        cmocka_unit_test(test_is_change_matches_daemon),
        cmocka_unit_test(test_status_retryable),
        cmocka_unit_test(test_status_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
