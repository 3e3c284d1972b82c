/* letter — see letter.h. */
#include "letter.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char *const s_roman[] = {"I",   "II",   "III", "IV", "V",  "VI",
                                      "VII", "VIII", "IX",  "X",  "XI", "XII"};

/* Expands one placeholder name (without braces) into sb; false when unknown. */
static bool s_expand(const char *name, size_t n, const letter_fields_t *f, strbuf_t *sb,
                     bool *has_seq)
{
#define IS(lit) (n == sizeof(lit) - 1 && memcmp(name, lit, n) == 0)
    if (IS("kka"))
        strbuf_puts(sb, f ? f->kka : "");
    else if (IS("org"))
        strbuf_puts(sb, f ? f->org : "");
    else if (IS("seq")) {
        *has_seq = true;
        strbuf_printf(sb, "%d", f ? f->seq : 0);
    } else if (n == 6 && memcmp(name, "seq:0", 5) == 0 && name[5] >= '1' && name[5] <= '9') {
        *has_seq = true;
        strbuf_printf(sb, "%0*d", name[5] - '0', f ? f->seq : 0);
    } else if (IS("month"))
        strbuf_printf(sb, "%d", f ? f->month : 1);
    else if (IS("month_roman"))
        strbuf_puts(sb, s_roman[f && f->month >= 1 && f->month <= 12 ? f->month - 1 : 0]);
    else if (IS("year"))
        strbuf_printf(sb, "%d", f ? f->year : 0);
    else
        return false;
    return true;
#undef IS
}

/* Renders into sb; returns 0 or -EINVAL with why. */
static int s_render(const char *tmpl, const letter_fields_t *f, strbuf_t *sb, char *why, size_t len)
{
    bool has_seq = false;
    for (const char *p = tmpl; *p;) {
        if (*p == '}') {
            snprintf(why, len, "unbalanced '}' in template");
            return -EINVAL;
        }
        if (*p != '{') {
            strbuf_append(sb, p++, 1);
            continue;
        }
        const char *end = strchr(p + 1, '}');
        const char *nested = strchr(p + 1, '{');
        if (!end || (nested && nested < end)) {
            snprintf(why, len, "unbalanced '{' in template");
            return -EINVAL;
        }
        if (!s_expand(p + 1, (size_t)(end - p - 1), f, sb, &has_seq)) {
            snprintf(why, len, "unknown placeholder {%.*s}", (int)(end - p - 1), p + 1);
            return -EINVAL;
        }
        p = end + 1;
    }
    if (!has_seq) {
        snprintf(why, len, "template has no {seq}");
        return -EINVAL;
    }
    return 0;
}

int letter_check_template(const char *tmpl, char *why, size_t len)
{
    strbuf_t sb = {0};
    int rc = s_render(tmpl, NULL, &sb, why, len);
    strbuf_free(&sb);
    return rc;
}

int letter_format(const char *tmpl, const letter_fields_t *f, char *out, size_t len)
{
    strbuf_t sb = {0};
    char why[128];
    int rc = s_render(tmpl, f, &sb, why, sizeof why);
    if (rc == 0 && sb.len + 1 > len)
        rc = -ENOSPC;
    if (rc == 0)
        memcpy(out, strbuf_str(&sb), sb.len + 1);
    strbuf_free(&sb);
    return rc;
}
