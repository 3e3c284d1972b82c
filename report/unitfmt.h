/* unitfmt — the XLSX format each unit fills at steps 3-4 of the LKIP SOP ("Format pengumpulan
 * data dan informasi kinerja"), written with libxlsxwriter and read back with xlsx_read:
 *
 *   sheet "Data Kinerja": one row per indicator of the unit's Perjanjian Kinerja. Kode, sasaran,
 *     indikator, satuan, arah and target are filled in and locked; realisasi, pagu, realisasi
 *     anggaran, penjelasan, faktor pendukung, faktor penghambat and upaya / rencana tindak
 *     lanjut are unlocked and shaded, with data validation (numbers; money not negative); the
 *     sheet is protected without a password (against slips, not against attackers);
 *   sheet "Petunjuk": how to fill it, in Bahasa Indonesia;
 *   sheet "lkip" (hidden, protected): the instance, unit, PK version and the format's own id, so
 *     that a returned workbook is matched to its task.
 *
 * Reading a returned workbook gives unitdata rows (with the unit's explanations) and refuses, in
 * one pass and each by its cell ("Data Kinerja!H7"): a workbook of another unit or instance, an
 * older PK version, a changed locked cell (the PK's value named), a date or other non-number
 * where a number belongs, missing realisasi, rows added below the PK's, a changed layout, and
 * whatever xlsx_read refuses (not XLSX, encrypted, past the archive caps).
 *
 * Pure; any thread. */
#ifndef LKIP_UNITFMT_H
#define LKIP_UNITFMT_H

#include "pk.h"
#include "unitdata.h"

#define UNITFMT_SHEET      "Data Kinerja"
#define UNITFMT_HELP_SHEET "Petunjuk"
#define UNITFMT_META_SHEET "lkip"
#define UNITFMT_KIND       "lkip-format-data-kinerja" /* what the meta sheet says it is */
#define UNITFMT_LAYOUT     1                          /* the layout written and read here */
#define UNITFMT_HEADER_ROW 5 /* 1-based row of the column titles; data from the next row */

/* What a format is for. Strings are not owned. */
typedef struct {
    int64_t instance_id;
    const char *instance_ref; /* "LKIP/2026" */
    const char *org_code;
    const char *org_name;
    const char *unit_code;
    const char *unit_name;
    int year;
    int pk_version;
    const char *format_id; /* unique per file made */
    const char *due;       /* the unit task's deadline as shown to people; "" or NULL: none */
} unitfmt_meta_t;

/* Writes the format of meta's unit: the indicators of pk whose unit is meta->unit_code, in PK
 * order. values: NULL for a blank format, or rows to fill in (matched by code, else by
 * indikator; a test helper and the demo use it to play a person at Excel). Returns 0 with *data
 * (caller frees), or -EIO with *why (static). */
int unitfmt_write(const unitfmt_meta_t *meta, const pk_t *pk, const unitdata_t *values,
                  uint8_t **data, size_t *len, const char **why) WUR;

/* The number of indicators of pk for unit_code (0: no format to make). */
int unitfmt_rows(const pk_t *pk, const char *unit_code);

/* What the hidden sheet of a returned workbook says. Strings owned (unitfmt_info_clear). */
typedef struct {
    bool found; /* the workbook carries the sheet */
    int layout;
    char *format_id;
    int64_t instance_id;
    char *instance_ref;
    char *org_code;
    char *unit_code;
    int year;
    int pk_version;
} unitfmt_info_t;

void unitfmt_info_clear(unitfmt_info_t *info);

/* Reads only the hidden sheet of a workbook. Returns 0 with info filled (caller clears it), or
 * -ENOENT when the bytes are no lkip format (info then holds empty strings). */
int unitfmt_read_info(const void *data, size_t len, unitfmt_info_t *info) WUR;

/* What the reader expects: the task the workbook is submitted to. */
typedef struct {
    int64_t instance_id;
    const char *instance_ref;
    const char *unit_code;
    int pk_version;
} unitfmt_expect_t;

/* Reads a returned format against expect and pk (the instance's PK). Never returns NULL; the
 * workbook is acceptable when n_errors == 0. info (may be NULL) gets the hidden sheet. Caller
 * owns the result (unitdata_destroy). */
unitdata_t *unitfmt_read(const void *data, size_t len, const unitfmt_expect_t *expect,
                         const pk_t *pk, unitfmt_info_t *info);

/* True when the bytes look like a workbook (ZIP or OLE) rather than text. */
bool unitfmt_is_workbook(const void *data, size_t len);

#endif
