/* fuzz_wire — the envelope decoder (common/wire.c) on any bytes, as lkipd decodes requests and
 * as clients decode replies and events. Properties: no crash, leak or undefined behaviour; an
 * accepted request is a request (never a reply or an event); what either decoder accepts
 * encodes to bytes that decode again to the same encoding; the request_id a refusal echoes is
 * the one the peek reads. */
#include "fuzz.h"
#include "wire.h"

/* Encodes env, decodes the result with the same decoder, and checks the encoding is stable. */
static void s_round_trip(const Lkip__Envelope *env, bool request)
{
    size_t len;
    uint8_t *once = wire_encode(env, &len);
    wire_result_t res;
    const char *why = NULL;
    Lkip__Envelope *back =
        request ? wire_decode_request(once, len, &res) : wire_decode(once, len, &why);
    FUZZ_CHECK(back != NULL);
    size_t len2;
    uint8_t *twice = wire_encode(back, &len2);
    FUZZ_CHECK(len2 == len && memcmp(once, twice, len) == 0);
    free(twice);
    wire_free(&back);
    free(once);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    wire_peek_t peek;
    wire_peek(data, size, &peek);

    wire_result_t res;
    Lkip__Envelope *env = wire_decode_request(data, size, &res);
    if (env) {
        FUZZ_CHECK(res.error == WIRE_OK && res.why == NULL);
        FUZZ_CHECK(env->body_case != LKIP__ENVELOPE__BODY_REPLY &&
                   env->body_case != LKIP__ENVELOPE__BODY_EVENT);
        FUZZ_CHECK(env->request_id == res.request_id);
        s_round_trip(env, true);
        wire_free(&env);
    } else {
        FUZZ_CHECK(res.error != WIRE_OK && res.why != NULL);
    }
    FUZZ_CHECK(res.has_request_id == peek.has_request_id && res.request_id == peek.request_id);

    const char *why = NULL;
    env = wire_decode(data, size, &why);
    if (env) {
        s_round_trip(env, false);
        wire_free(&env);
    } else {
        FUZZ_CHECK(why != NULL);
    }
    return 0;
}
