/* fuzz_weekspec — the working-week notation (daemon/weekspec.c) on any text. Properties: no
 * crash or undefined behaviour; a refusal says why; an accepted week passes calendar_check_week
 * and has working time (a calendar can end every deadline); what weekspec_format writes of it
 * parses back to the same week and formats to the same text. (This round trip found "senin=",
 * issue 11.) */
#include "fuzz.h"
#include "weekspec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_text(data, size);
    cal_week_t week;
    char why[256] = "";
    if (weekspec_parse(text, &week, why, sizeof why) != 0) {
        FUZZ_CHECK(why[0] != '\0');
        free(text);
        return 0;
    }
    FUZZ_CHECK(calendar_check_week(&week) == 0);
    bool working = false;
    for (int d = 0; d < 7; d++)
        working |= week.day[d].n > 0;
    FUZZ_CHECK(working);
    calendar_t *cal = calendar_new(&week);
    FUZZ_CHECK(calendar_next_working(cal, 0) >= 0);
    calendar_destroy(&cal);

    char once[1024], twice[1024];
    weekspec_format(&week, once, sizeof once);
    cal_week_t back;
    char why2[256] = "";
    if (weekspec_parse(once, &back, why2, sizeof why2) != 0) {
        fprintf(stderr, "\"%s\" formats as \"%s\", refused: %s\n", text, once, why2);
        abort();
    }
    FUZZ_CHECK(memcmp(&week, &back, sizeof week) == 0);
    weekspec_format(&back, twice, sizeof twice);
    FUZZ_CHECK(strcmp(once, twice) == 0);
    free(text);
    return 0;
}
