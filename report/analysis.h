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

#endif
