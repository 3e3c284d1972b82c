/* fuzz_sopdef — the SOP definition parser (daemon/sopdef.c, libyaml) on any bytes. Properties:
 * no crash, leak or undefined behaviour; a refusal says why; an accepted definition keeps the
 * limits of sopdef.h (steps numbered from 1 in order, waktu within 1..SOPDEF_MAX_TIME, a
 * decision's return_to an earlier step, reminder percents ascending within 1..99). */
#include "fuzz.h"
#include "sopdef.h"

static void s_check(const sopdef_t *def)
{
    FUZZ_CHECK(def->code && *def->code && def->title && def->number && def->watcher_role);
    FUZZ_CHECK(def->n_steps >= 1 && def->n_steps <= SOPDEF_MAX_STEPS);
    for (int i = 0; i < def->n_steps; i++) {
        const sop_step_t *s = &def->steps[i];
        FUZZ_CHECK(s->no == i + 1);
        FUZZ_CHECK(sopdef_step(def, s->no) == s);
        FUZZ_CHECK(s->uraian && s->actor && *s->actor && s->waktu && s->output && s->keterangan);
        FUZZ_CHECK(s->time_value >= 1 && s->time_value <= SOPDEF_MAX_TIME);
        FUZZ_CHECK(strcmp(sop_kind_name(s->kind), "?") != 0);
        FUZZ_CHECK(strcmp(sop_unit_name(s->time_unit), "?") != 0);
        FUZZ_CHECK(strcmp(sop_doc_name(s->document), "?") != 0);
        if (s->kind == SOP_DECISION)
            FUZZ_CHECK(s->return_to >= 1 && s->return_to < s->no);
        const sop_reminders_t *r = &s->reminders;
        FUZZ_CHECK(r->n_percents >= 0 && r->n_percents <= SOP_MAX_PERCENTS);
        for (int k = 0; k < r->n_percents; k++) {
            FUZZ_CHECK(r->percents[k] >= 1 && r->percents[k] <= 99);
            FUZZ_CHECK(k == 0 || r->percents[k] > r->percents[k - 1]);
        }
        FUZZ_CHECK(r->before_minutes >= 0 && r->escalate_every_days >= 1);
    }
    FUZZ_CHECK(sopdef_step(def, 0) == NULL && sopdef_step(def, def->n_steps + 1) == NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[512] = "";
    sopdef_t *def = sopdef_parse("fuzz.yaml", (const char *)data, size, err, sizeof err);
    if (def) {
        s_check(def);
        sopdef_destroy(&def);
    } else {
        FUZZ_CHECK(strncmp(err, "fuzz.yaml", 9) == 0);
    }
    return 0;
}
