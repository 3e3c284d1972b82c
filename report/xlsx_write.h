/* xlsx_write — what every workbook lkip writes with libxlsxwriter shares: libxlsxwriter (1.1 on
 * Debian 12) writes to a file only, so a workbook is made in a private temporary folder (under
 * $TMPDIR, else /tmp), read back into memory and removed. Any thread. */
#ifndef LKIP_XLSX_WRITE_H
#define LKIP_XLSX_WRITE_H

#include "util.h"

#include <xlsxwriter.h>

typedef struct xlsx_write xlsx_write_t;

/* A new workbook in a fresh temporary folder; NULL when the folder cannot be made. Caller owns
 * the result: xlsx_write_finish or xlsx_write_destroy. */
xlsx_write_t *xlsx_write_new(void);

/* The workbook to fill (owned by w). */
lxw_workbook *xlsx_write_book(xlsx_write_t *w);

/* Closes the workbook and hands its bytes to the caller (*data, caller frees), then removes the
 * temporary folder and w. Returns 0, or -EIO with *why (static, English) when libxlsxwriter
 * failed. */
int xlsx_write_finish(xlsx_write_t **w, uint8_t **data, size_t *len, const char **why) WUR;

/* Throws an unfinished workbook away. Accepts NULL. */
void xlsx_write_destroy(xlsx_write_t **w);

#endif
