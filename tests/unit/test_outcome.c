/* test_outcome — unit tests of outcome and of cmd_reply_outcome, the one place that turns it
 * into the reply: an answer reaches the reply with its status, code and message byte for byte,
 * a later answer or failure replaces an earlier one (also when formatted from the earlier
 * message), and an outcome that says nothing leaves the handler's reply as it was. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "batch.h"
#include "cmd.h"
#include "outcome.h"

#include <stdlib.h>
#include <string.h>

static void test_outcome_answer_replaces(void **state)
{
    outcome_t o = {0};
    assert_int_equal(o.kind, OUTCOME_NONE);
    outcome_say(&o, 409, "bad_letter_template", "Format \"%s\" tidak sah", "{x}");
    assert_int_equal(o.kind, OUTCOME_ANSWER);
    assert_int_equal(o.status, 409);
    assert_string_equal(o.code, "bad_letter_template");
    assert_string_equal(o.message, "Format \"{x}\" tidak sah");
    /* formatted from its own message: the old text is read before it is freed */
    outcome_say(&o, 200, "ok", "%s. Lagi", o.message);
    assert_string_equal(o.message, "Format \"{x}\" tidak sah. Lagi");
    assert_int_equal(o.status, 200);
    outcome_db_failed(&o, "open step");
    assert_int_equal(o.kind, OUTCOME_DB_FAILED);
    assert_string_equal(o.what, "open step");
    assert_null(o.message);
    outcome_clear(&o);
    assert_int_equal(o.kind, OUTCOME_NONE);
    outcome_clear(&o); /* twice is harmless */
}

static void test_reply_outcome_answer(void **state)
{
    cmd_ctx_t ctx = {.reply = batch_reply_new()};
    outcome_t o = {0};
    outcome_say(&o, LKIP__STATUS__CONFLICT, "bad_letter_template",
                "Format nomor surat organisasi \"%s\" tidak sah", "{kka}/{nomor}");
    cmd_reply_outcome(&ctx, &o);
    assert_int_equal(ctx.reply->status, LKIP__STATUS__CONFLICT);
    assert_string_equal(ctx.reply->code, "bad_letter_template");
    assert_string_equal(ctx.reply->message,
                        "Format nomor surat organisasi \"{kka}/{nomor}\" tidak sah");
    /* the reply owns its copy */
    outcome_clear(&o);
    assert_string_equal(ctx.reply->code, "bad_letter_template");
    lkip__reply__free_unpacked(ctx.reply, NULL);
}

static void test_reply_outcome_none_keeps_reply(void **state)
{
    cmd_ctx_t ctx = {.reply = batch_reply_new()};
    cmd_reply(&ctx, LKIP__STATUS__CREATED, "ok", "Dokumen disimpan");
    outcome_t o = {0};
    cmd_reply_outcome(&ctx, &o);
    assert_int_equal(ctx.reply->status, LKIP__STATUS__CREATED);
    assert_string_equal(ctx.reply->code, "ok");
    assert_string_equal(ctx.reply->message, "Dokumen disimpan");
    lkip__reply__free_unpacked(ctx.reply, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_outcome_answer_replaces),
        cmocka_unit_test(test_reply_outcome_answer),
        cmocka_unit_test(test_reply_outcome_none_keeps_reply),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
