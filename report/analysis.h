/* analysis — the analysis of step 5 (LKIP.md, "Performance data" and "LKIP document"): for
 * every indicator of the Perjanjian Kinerja this year's capaian and rating, the earlier years
 * for the same indicator code, the Renstra target of this year and of the final year with the
 * progress toward it, serapan anggaran and efisiensi, and the unit's own explanations; then
 * summaries per sasaran and per unit, the units that sent nothing, and the totals.
 *
 * This header is the contract between the code that computes an analysis (analysis.c, from the
 * PK and the units' data) and the code that shows it (lkip capaian, the analysis workbook, the
 * LKIP draft in DOCX and PDF). Plain data, no database, no sockets. Every string is owned by
 * the analysis (analysis_destroy frees them); "" where a value is absent, never NULL.
 *
 * Numbers are raw: a capaian_t carries rated=false where LKIP.md says the value is undefined
 * ("belum dapat dinilai": T = 0, efisiensi at capaian 0, serapan without pagu), and percent
 * otherwise, unclamped. Formatting (Indonesian decimal comma, "97,86%") is the caller's. */
#ifndef LKIP_ANALYSIS_H
#define LKIP_ANALYSIS_H

#include "capaian.h"
#include "pk.h"
#include "unitdata.h"

/* One earlier year of an indicator. */
typedef enum {
    ANALYSIS_SRC_NONE,     /* nothing known for that year */
    ANALYSIS_SRC_LKIP,     /* realisasi of a finished LKIP instance of that year */
    ANALYSIS_SRC_PK,       /* realisasi recorded with the PK / Renstra import */
    ANALYSIS_SRC_BASELINE, /* the Renstra baseline (the year before the Renstra) */
} analysis_source_t;

typedef struct {
    int year;
    analysis_source_t source;
    bool has_realisasi;
    double realisasi;
    bool has_target; /* that year's target (PK of that year, else the Renstra's) */
    double target;
    capaian_t capaian; /* realisasi against target; rated=false without both */
} analysis_year_t;

typedef struct {
    /* identity: from the PK where the indicator is in it, else from the unit's data */
    char *code; /* stable indicator code ("IKP-01"); "" when not in the PK */
    char *unit_code;
    char *unit_name;
    char *sasaran;
    char *indikator;
    char *satuan;
    capaian_dir_t dir;
    capaian_formula_t formula;

    /* this year */
    bool submitted;    /* false: the unit sent no value ("data tidak disampaikan") */
    char *target_text; /* as written in the PK (or the data) */
    double target_lo;  /* a plain target has target_lo == target_hi */
    double target_hi;
    char *realisasi_text; /* as the unit wrote it; "" when not submitted */
    double realisasi;
    capaian_t capaian;  /* rated=false when not submitted or not rateable */
    const char *rating; /* band name of the scale, static; "Belum dapat dinilai" */

    /* earlier years, oldest first (at most the Renstra period and its baseline) */
    int n_history;
    analysis_year_t *history;

    /* the Renstra */
    int renstra_first; /* first and final year of the Renstra period; 0 when unknown */
    int renstra_last;
    bool has_renstra_target; /* the Renstra's target for this year */
    double renstra_target;
    bool has_renstra_final; /* the target of the final year */
    double renstra_final;
    capaian_t progress; /* realisasi toward the final target, same formula as capaian */

    /* the budget behind it */
    bool has_anggaran; /* pagu and realisasi anggaran were given */
    double pagu;
    double realisasi_anggaran;
    capaian_t serapan;   /* realisasi anggaran / pagu x 100 */
    capaian_t efisiensi; /* (1 - serapan / capaian) x 100 (LKIP.md); undefined at capaian 0 */

    /* the unit's explanations, as written (may be "") */
    char *penjelasan;
    char *faktor_pendukung;
    char *faktor_penghambat;
    char *upaya; /* upaya / rencana tindak lanjut */
} analysis_indicator_t;

/* A summary over a group of indicators (a sasaran, or a unit). */
typedef struct {
    char *key;  /* the sasaran text, or the unit code */
    char *name; /* the sasaran text, or the unit name */
    int n_indicators;
    int *indicators; /* indexes into analysis_t.indicators, in order */
    int n_rated;
    capaian_t average;  /* mean capaian of the rated ones, each clamped as capaian_average */
    const char *rating; /* band of the average */
    bool submitted;     /* units: the unit sent its data; sasaran: any indicator was sent */
    bool has_anggaran;
    double pagu; /* sums over indicators that have a budget */
    double realisasi_anggaran;
    capaian_t serapan;
} analysis_group_t;

typedef struct {
    char *org_code;
    char *org_name;
    char *period;   /* the instance's period, e.g. "2026" */
    int year;       /* the reporting year */
    int pk_version; /* the Perjanjian Kinerja version the instance uses; 0 when none */

    int n_indicators;
    analysis_indicator_t *indicators; /* in PK order: unit, sasaran, code */
    int n_sasaran;
    analysis_group_t *sasaran; /* in order of first appearance */
    int n_units;
    analysis_group_t *units; /* every unit with indicators or a data task */
    int n_missing_units;
    char **missing_units; /* codes of units that sent nothing */

    /* totals */
    capaian_t average; /* over every rated indicator */
    const char *average_rating;
    int rating_counts[CAPAIAN_MAX_BANDS]; /* per band of the scale, in scale order */
    int unrated;                          /* indicators "belum dapat dinilai" or not sent */
    bool has_anggaran;
    double pagu;
    double realisasi_anggaran;
    capaian_t serapan;
    const capaian_scale_t *scale; /* the rating scale used (not owned) */
} analysis_t;

void analysis_destroy(analysis_t **self_p);

/* ---- computing an analysis (analysis.c) ------------------------------------------------------
 * The inputs are plain data the caller loads (lkipd from its database) and keeps alive during
 * analysis_compute; nothing of them is kept. */

/* Indicators' capaian are clamped to this before they are averaged (a sasaran, a unit, the
 * whole), so that one indicator far over its target cannot hide the shortfalls of others. */
#define ANALYSIS_AVERAGE_CAP 120.0

/* A unit of the organisation. */
typedef struct {
    const char *code;
    const char *name;
    bool has_task;  /* the instance opened a data task for it */
    bool submitted; /* it sent its data; the rows below are its current version */
} analysis_unit_in_t;

/* One row of a unit's current data (CSV or the returned format). */
typedef struct {
    const char *unit_code;
    const unitdata_row_t *row; /* row->code: the PK code it matched, "" when none */
} analysis_row_in_t;

/* The realisasi of an indicator in an earlier finished instance of the organisation. */
typedef struct {
    const char *code;
    int year;
    double realisasi;
    bool has_target; /* the target that instance's data carried */
    double target_lo;
    double target_hi;
} analysis_past_t;

typedef struct {
    const char *org_code;
    const char *org_name;
    const char *period;
    int year;
    int pk_version;
    const pk_t *pk; /* the instance's Perjanjian Kinerja; NULL when it has none */
    int n_units;
    const analysis_unit_in_t *units; /* in the order summaries list them */
    int n_rows;
    const analysis_row_in_t *rows;
    int n_past;
    const analysis_past_t *past;  /* when one code and year appear twice, the later one counts */
    const capaian_scale_t *scale; /* NULL: capaian_default_scale() */
} analysis_input_t;

/* Computes the analysis: the PK's indicators in PK order (each with the unit's row that has its
 * code, else the same unit and indikator), then rows that match no PK indicator, in unit order;
 * without a PK, the rows alone. Earlier years run from the baseline year (else the year before
 * the Renstra) to the year before this one: a finished LKIP's realisasi first, else the one the
 * PK records. A Renstra target given as a range is kept as the bound to reach (the upper one for
 * naik, the lower for turun); progress uses the whole range. Never returns NULL; caller owns
 * the result (analysis_destroy). */
analysis_t *analysis_compute(const analysis_input_t *in);

/* "LKIP", "PK", "baseline" or "" for a source (stable English codes, for JSON and tables). */
const char *analysis_source_name(analysis_source_t source);

#endif
