/* fuzz_letter — letter number templates (daemon/letter.c) on any text. Properties: no crash or
 * undefined behaviour; letter_check_template and letter_format agree (a template one accepts the
 * other renders, a template one refuses the other refuses); a rendered number holds no brace
 * that the template did not write outside a placeholder, and fits its buffer. */
#include "fuzz.h"
#include "letter.h"

#include <errno.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *tmpl = fuzz_text(data, size);
    char why[128] = "";
    int checked = letter_check_template(tmpl, why, sizeof why);
    FUZZ_CHECK(checked == 0 || (checked == -EINVAL && why[0]));
    letter_fields_t f = {"000.8.3.3", "DKIP", 12345, 1 + (int)(size % 12), 2027};
    char out[256];
    int rc = letter_format(tmpl, &f, out, sizeof out);
    if (checked != 0) {
        FUZZ_CHECK(rc == -EINVAL);
    } else {
        FUZZ_CHECK(rc == 0 || rc == -ENOSPC);
        if (rc == 0) {
            FUZZ_CHECK(strlen(out) < sizeof out);
            FUZZ_CHECK(strstr(out, "12345") != NULL); /* {seq} is always there */
            FUZZ_CHECK(!strchr(out, '{') && !strchr(out, '}'));
        }
    }
    free(tmpl);
    return 0;
}
