/* draftchart — the charts of the LKIP draft, built from an analysis (analysis.h) as chart
 * specifications (chart.h):
 *   - per sasaran: the capaian of each of its indicators as a bar against the 100% line,
 *     coloured by the indicator's rating; an indicator without a capaian gets a note instead;
 *   - per indicator with earlier years: its realisasi over the years as bars, the targets of
 *     those years as a line and the final Renstra target as a reference line;
 *   - per unit: serapan anggaran beside average capaian, against the 100% line.
 * Category labels are the indicators' numbers in the draft ("1.2": sasaran 1, indicator 2), the
 * years, or the unit codes, so that nothing long has to be cut. Pure; any thread. */
#ifndef LKIP_DRAFTCHART_H
#define LKIP_DRAFTCHART_H

#include "analysis.h"
#include "chart.h"

#define DRAFTCHART_REALISASI_RGB 0x2E75B6u
#define DRAFTCHART_TARGET_RGB    0xED7D31u
#define DRAFTCHART_SERAPAN_RGB   0x7F6084u
#define DRAFTCHART_CAPAIAN_RGB   0x2E75B6u
#define DRAFTCHART_REF_RGB       0xC00000u

/* The colour of a rating band of scale (Sangat Tinggi dark green ... Sangat Rendah red). */
uint32_t draftchart_rating_rgb(const capaian_scale_t *scale, const char *rating);

/* Capaian of the indicators of sasaran group g (its number in the draft is g + 1). Caller owns
 * the chart; NULL when g is out of range. */
chart_t *draftchart_capaian(const analysis_t *a, int g);

/* Realisasi of indicator i over its earlier years and this year, numbered label ("1.2") in the
 * title. Caller owns the chart; NULL when the indicator has no earlier realisasi. */
chart_t *draftchart_history(const analysis_t *a, int i, const char *label);

/* Serapan and average capaian of every unit. Caller owns the chart; NULL without units. */
chart_t *draftchart_serapan(const analysis_t *a);

#endif
