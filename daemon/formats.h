/* formats — makes the XLSX data format of every unit of an instance (report/unitfmt) from the
 * Perjanjian Kinerja version the instance works with, and stores each with the instance: what
 * the SOP's format_unit step does when it completes, and `lkip format make`. Runs inside the
 * request's transaction, on a worker thread. */
#ifndef LKIP_FORMATS_H
#define LKIP_FORMATS_H

#include "cmd_ctx.h"
#include "db_flow.h"
#include "outcome.h"

typedef struct {
    int made;         /* formats stored */
    int year;         /* the instance's reporting year; 0 when its period names none */
    int pk_version;   /* 0: the year has no Perjanjian Kinerja yet, so nothing was made */
    strbuf_t units;   /* codes of the units made for, "IKP, STATISTIK" */
    strbuf_t skipped; /* codes of active units without an indicator in the PK */
} formats_made_t;

/* Makes the formats of inst (fixing its PK version when it had none). Returns 0 (out->made 0
 * when there is no PK to make them from), or -1 with o saying why (a database or writer
 * failure). The caller clears out (formats_made_clear) and o. */
int formats_make(cmd_ctx_t *ctx, db_instance_t *inst, formats_made_t *out, outcome_t *o) WUR;
void formats_made_clear(formats_made_t *m);

/* Bahasa Indonesia for what was made, for the reply of the step or command ("Format data
 * kinerja dibuat untuk 5 unit dari Perjanjian Kinerja 2026 versi 1"). Caller frees. */
char *formats_made_text(const formats_made_t *m);

#endif
