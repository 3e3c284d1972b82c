/* webfiles — the files of the board's web page (client/web/), embedded into lkip at build time
 * by scripts/embed-web.sh ($(BUILD)/gen/webfiles.c), so that lkip monitor --web serves them
 * without reading files and nothing is fetched from elsewhere. */
#ifndef LKIP_WEBFILES_H
#define LKIP_WEBFILES_H

#include <stddef.h>

typedef struct {
    const char *name; /* "index.html", "app.js" */
    const char *data; /* the file's bytes, NUL-terminated */
    size_t len;       /* without the NUL */
} webfile_t;

extern const webfile_t web_files[];
extern const int web_files_count;

#endif
