/* tmpl — the texts the documents of lkip start from: the default templates shipped as
 * report/templates/NAME.md (embedded in the binary at build time by scripts/embed-templates.sh,
 * so nothing is read from disk at run time) and the expansion of their {placeholders}.
 * An organisation's own template replaces a default; both are expanded the same way.
 * Pure; any thread. */
#ifndef LKIP_TMPL_H
#define LKIP_TMPL_H

#include <stddef.h>

/* One embedded file; the table is generated from report/templates/. */
typedef struct {
    const char *name; /* file name without ".md" */
    const char *text;
} tmpl_file_t;

extern const tmpl_file_t tmpl_files[];
extern const int tmpl_files_count;

typedef struct {
    const char *name; /* without braces: "organisasi" */
    const char *value;
} tmpl_var_t;

/* The default template called name ("kata_pengantar" for kata_pengantar.md), or NULL. The text
 * is static. */
const char *tmpl_default(const char *name);

/* text with every {name} of vars replaced by its value. "{{" and "}}" write a literal brace;
 * a {name} not in vars stays as written, so that a typo in a template shows in the document.
 * Caller frees the result. */
char *tmpl_expand(const char *text, const tmpl_var_t *vars, size_t n);

#endif
