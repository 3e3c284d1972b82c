/* tmpl — see tmpl.h. */
#include "tmpl.h"

#include "util.h"

#include <string.h>

const char *tmpl_default(const char *name)
{
    for (int i = 0; i < tmpl_files_count; i++) {
        if (strcmp(tmpl_files[i].name, name) == 0)
            return tmpl_files[i].text;
    }
    return NULL;
}

/* The value of the placeholder name[0..len), or NULL when vars has none. */
static const char *s_lookup(const char *name, size_t len, const tmpl_var_t *vars, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (strlen(vars[i].name) == len && memcmp(vars[i].name, name, len) == 0)
            return vars[i].value ? vars[i].value : "";
    }
    return NULL;
}

char *tmpl_expand(const char *text, const tmpl_var_t *vars, size_t n)
{
    strbuf_t b = {0};
    const char *p = text;
    while (*p) {
        if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}')) {
            strbuf_append(&b, p, 1);
            p += 2;
            continue;
        }
        if (p[0] == '{') {
            size_t len = strspn(p + 1, "abcdefghijklmnopqrstuvwxyz0123456789_");
            const char *value = p[1 + len] == '}' ? s_lookup(p + 1, len, vars, n) : NULL;
            if (value) {
                strbuf_puts(&b, value);
                p += len + 2;
                continue;
            }
        }
        strbuf_append(&b, p, 1);
        p++;
    }
    return strbuf_take(&b);
}
