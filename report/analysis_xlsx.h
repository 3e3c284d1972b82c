/* analysis_xlsx — the analysis workbook of step 5 (`lkip capaian --xlsx FILE`), written with
 * libxlsxwriter from an analysis_t:
 *   "Ringkasan"   the organisation, year, PK version, average capaian and its category, how many
 *                 indicators per category, the budget, the units that sent nothing;
 *   "Capaian"     one row per indicator: target, realisasi, capaian and category; each earlier
 *                 year's realisasi and capaian with its source; the Renstra targets and the
 *                 progress toward the final one; pagu, realisasi anggaran, serapan, efisiensi;
 *   "Per Sasaran", "Per Unit"  the summaries;
 *   "Penjelasan"  the units' explanations;
 *   "Grafik"      a native Excel column chart of capaian per indicator against 100%.
 * Column and sheet titles in Bahasa Indonesia. Pure; any thread. */
#ifndef LKIP_ANALYSIS_XLSX_H
#define LKIP_ANALYSIS_XLSX_H

#include "analysis.h"

/* Writes the workbook. Returns 0 with *data (caller frees), or -EIO with *why (static). */
int analysis_xlsx_write(const analysis_t *a, uint8_t **data, size_t *len, const char **why) WUR;

#endif
