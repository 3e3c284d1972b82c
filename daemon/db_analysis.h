/* db_analysis — loads what the analysis of step 5 needs (report/analysis.h) and computes it: the
 * instance's organisation and period, its Perjanjian Kinerja, the units and their tasks, every
 * unit's current data with the explanations, and the realisasi of earlier finished instances of
 * the same SOP in the organisation. A constant number of statements whatever the size. Runs
 * inside the caller's transaction; any worker thread (and the draft's thread, with its own
 * connection). */
#ifndef LKIP_DB_ANALYSIS_H
#define LKIP_DB_ANALYSIS_H

#include "analysis.h"
#include "db.h"

/* The analysis of instance_id. NULL on a database error. Caller owns the result
 * (analysis_destroy). */
analysis_t *db_analysis(db_t *db, int64_t instance_id);

#endif
