/* pk — the Perjanjian Kinerja (PK) of one year with the Renstra behind it, as data (LKIP.md,
 * "Perjanjian Kinerja (PK) and Renstra"): per indicator its stable code ("IKP-01", the same in
 * every year), unit, sasaran, indikator, satuan, arah, rumus and the year's target, the Renstra's
 * target for each year of its period, and the realisasi known before (the baseline, the year
 * before the Renstra, and earlier years' realisasi).
 *
 * The file is a table, one indicator per row, as data/pk-renstra-2025-2029.csv:
 *   kode;unit;sasaran;indikator;satuan;arah;baseline_2024;target_2025;...;target_2029;realisasi_2025
 * with optional rumus ("2T-R" or "T/R") and target (the PK's own target for the year, when it
 * differs from the Renstra's) columns. It comes as CSV (read like unit data: ';' or ',',
 * decimal comma or point) or as XLSX (sheet "PK", or the only sheet; numbers as numbers). A file
 * with any bad cell is refused whole by the caller, every bad cell named: "PK!E7" in a workbook,
 * "E7" (line 7, column E) in a CSV.
 *
 * Pure; any thread. */
#ifndef LKIP_PK_H
#define LKIP_PK_H

#include "capaian.h"
#include "unitdata.h"

#define PK_MAX_INDICATORS 2000
#define PK_MIN_YEAR       2000
#define PK_MAX_YEAR       2100
#define PK_MAX_YEARS      12 /* year columns: baseline and a Renstra period with margin */

/* One year of an indicator in the Renstra. */
typedef struct {
    int year;
    bool has_target; /* the Renstra's target for that year */
    double target_lo;
    double target_hi;
    char *target_text;  /* as written; "" without a target */
    bool has_realisasi; /* realisasi recorded with the PK (the baseline year: the baseline) */
    double realisasi;
} pk_year_t;

typedef struct {
    char *code;      /* stable across years, e.g. "IKP-01" */
    char *unit_code; /* the unit it belongs to, resolved from the "unit" cell */
    char *unit_name;
    char *sasaran;
    char *indikator;
    char *satuan;
    capaian_dir_t dir;
    capaian_formula_t formula;
    char *target_text; /* the PK's target for the year, as written */
    double target_lo;
    double target_hi;
    int n_years;
    pk_year_t *years; /* ascending */
} pk_indicator_t;

typedef struct {
    int year;          /* the PK's year */
    int renstra_first; /* first and final year with a Renstra target; 0 when none */
    int renstra_last;
    int baseline_year; /* the year of the baseline column; 0 when none */
    int n;
    pk_indicator_t *ind; /* in file order */
    int n_errors;
    unitdata_error_t *errors; /* every bad cell; the PK is acceptable when there is none */
    int cap_errors;           /* (internal) */
} pk_t;

/* A unit of the organisation, to resolve "unit" cells (by code, name or "Bidang CODE"). */
typedef struct {
    const char *code;
    const char *name;
} pk_unit_t;

/* Parses a PK file for year: XLSX when the bytes are a ZIP or an OLE file (refused with a
 * reason when they cannot be read), else CSV. Never returns NULL. Caller owns the result
 * (pk_destroy). */
pk_t *pk_parse(const void *data, size_t len, int year, const pk_unit_t *units, int n_units);

/* An empty PK of year, to be filled by a loader (pk_add). Caller owns it. */
pk_t *pk_new(int year);
/* Appends an indicator, taking its strings and years (the caller's struct is zeroed). */
void pk_add(pk_t *pk, pk_indicator_t *ind);
void pk_destroy(pk_t **self_p);

/* The year entry of an indicator, or NULL. */
const pk_year_t *pk_year(const pk_indicator_t *ind, int year);

/* The indicator with code, or NULL. */
const pk_indicator_t *pk_find(const pk_t *pk, const char *code);

/* Writes the PK as an XLSX workbook that pk_parse reads back to the same PK: sheet "PK" (one
 * row per indicator, the columns above) and a sheet "Keterangan" naming the organisation, the
 * year and the version. Returns 0 with *data (caller frees), or -EIO with *why (static). */
int pk_write_xlsx(const pk_t *pk, const char *org_name, int version, uint8_t **data, size_t *len,
                  const char **why) WUR;

/* The reporting year of an instance period: "2026" and "2026-2" give 2026; 0 when the period
 * does not start with a year PK_MIN_YEAR..PK_MAX_YEAR. */
int pk_period_year(const char *period);

/* "naik"/"turun" and "2T-R"/"T/R", as the PK and unit data write them. */
const char *pk_dir_name(capaian_dir_t dir);
const char *pk_formula_name(capaian_formula_t formula);

#endif
