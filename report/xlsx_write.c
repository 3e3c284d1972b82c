/* xlsx_write — see xlsx_write.h. */
#include "xlsx_write.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define S_MAX_BYTES (256u * 1024 * 1024)

struct xlsx_write {
    char *dir;  /* the private folder */
    char *path; /* the workbook inside it */
    lxw_workbook *wb;
};

xlsx_write_t *xlsx_write_new(void)
{
    const char *tmp = getenv("TMPDIR");
    char *dir = xasprintf("%s/lkip-xlsx.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        free(dir);
        return NULL;
    }
    xlsx_write_t *w = xcalloc(1, sizeof *w);
    w->dir = dir;
    w->path = xasprintf("%s/book.xlsx", dir);
    lxw_workbook_options opts = {.tmpdir = dir};
    w->wb = workbook_new_opt(w->path, &opts);
    if (!w->wb) {
        xlsx_write_destroy(&w);
        return NULL;
    }
    return w;
}

lxw_workbook *xlsx_write_book(xlsx_write_t *w)
{
    return w->wb;
}

int xlsx_write_finish(xlsx_write_t **wp, uint8_t **data, size_t *len, const char **why)
{
    xlsx_write_t *w = *wp;
    *data = NULL;
    *len = 0;
    lxw_error err = workbook_close(w->wb);
    w->wb = NULL;
    int rc = 0;
    if (err != LXW_NO_ERROR) {
        *why = lxw_strerror(err);
        rc = -EIO;
    } else if (read_file(w->path, S_MAX_BYTES, (char **)data, len) != 0) {
        *why = "could not read the written workbook back";
        rc = -EIO;
    }
    xlsx_write_destroy(wp);
    return rc;
}

void xlsx_write_destroy(xlsx_write_t **wp)
{
    if (!wp || !*wp)
        return;
    xlsx_write_t *w = *wp;
    if (w->wb)
        workbook_close(w->wb); /* frees it; the file is removed below */
    unlink(w->path);
    rmdir(w->dir);
    free(w->path);
    free(w->dir);
    free(w);
    *wp = NULL;
}
