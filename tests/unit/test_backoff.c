/* test_backoff — common/backoff: pauses grow exponentially to their ceiling, each within a
 * quarter of its interval, jittered (not all the same), and short again after a reset. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "backoff.h"

#include <stdbool.h>

/* The intervals 100, 200, 400, 800, 1600, then the ceiling 2500 for ever. */
static void test_grows_to_the_ceiling(void **state)
{
    static const int want[] = {100, 200, 400, 800, 1600, 2500, 2500, 2500};
    backoff_t b;
    backoff_init(&b, 100, 2500);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        int pause = backoff_next(&b);
        if (pause < want[i] - want[i] / 4 || pause > want[i] + want[i] / 4)
            fail_msg("pause %zu: %d ms, expected %d +- 25%%", i + 1, pause, want[i]);
    }
}

static void test_jitter_spreads_the_pauses(void **state)
{
    int lowest = 1 << 30, highest = 0;
    for (int i = 0; i < 200; i++) {
        backoff_t b;
        backoff_init(&b, 1000, 5000);
        int pause = backoff_next(&b);
        lowest = pause < lowest ? pause : lowest;
        highest = pause > highest ? pause : highest;
    }
    /* 200 draws from 750..1250: the chance that all fall within 100 ms of each other is nil */
    assert_true(lowest >= 750 && highest <= 1250);
    assert_true(highest - lowest > 100);
}

static void test_reset_starts_short_again(void **state)
{
    backoff_t b;
    backoff_init(&b, 200, 2000);
    for (int i = 0; i < 6; i++)
        (void)backoff_next(&b);
    assert_true(backoff_next(&b) >= 1500);
    backoff_reset(&b);
    int pause = backoff_next(&b);
    assert_true(pause >= 150 && pause <= 250);
}

static void test_odd_settings(void **state)
{
    backoff_t b;
    backoff_init(&b, 0, 0); /* at least 1 ms, and a ceiling no lower than the start */
    for (int i = 0; i < 5; i++)
        assert_int_equal(backoff_next(&b), 1);
    backoff_init(&b, 3, 1000);
    for (int i = 0; i < 20; i++) {
        int pause = backoff_next(&b);
        assert_true(pause >= 1 && pause <= 1250);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grows_to_the_ceiling),
        cmocka_unit_test(test_jitter_spreads_the_pauses),
        cmocka_unit_test(test_reset_starts_short_again),
        cmocka_unit_test(test_odd_settings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
