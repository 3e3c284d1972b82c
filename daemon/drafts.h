/* drafts — writes the LKIP draft of an instance (report/draft.h) from its analysis
 * (db_analysis) and the organisation's profile (db_draft), and stores the DOCX and the PDF as
 * the next document versions of the open run: what a draft_lkip step does when it completes
 * without an upload, and `lkip draft`. Runs inside the request's transaction on a worker
 * thread (never the socket thread), so the draft and the step change commit together. */
#ifndef LKIP_DRAFTS_H
#define LKIP_DRAFTS_H

#include "cmd_ctx.h"
#include "db_flow.h"
#include "outcome.h"

typedef struct {
    int docx_version, pdf_version; /* the document versions stored */
    size_t docx_len, pdf_len;
    int pages; /* of the PDF */
    char docx_name[160], pdf_name[160];
    char docx_sha[65], pdf_sha[65];
} drafts_made_t;

/* Writes and stores the draft of inst at its open run, by the caller (as: a delegation's
 * capacity, or NULL). Returns 0, or -1 with o saying why (a database or renderer failure). */
int drafts_make(cmd_ctx_t *ctx, const db_instance_t *inst, const char *as, drafts_made_t *out,
                outcome_t *o) WUR;

/* Bahasa Indonesia for the reply: "Draft LKIP dibuat: draft-LKIP-2026.docx (versi 3, 51.234
 * bita) dan draft-LKIP-2026.pdf (versi 4, 27 halaman); unduh dengan: lkip draft LKIP/2026".
 * Caller frees. */
char *drafts_made_text(const db_instance_t *inst, const drafts_made_t *m);

/* The short form events carry: "draft-LKIP-2026.docx dan draft-LKIP-2026.pdf (27 halaman)".
 * Caller frees. */
char *drafts_made_files(const drafts_made_t *m);

#endif
