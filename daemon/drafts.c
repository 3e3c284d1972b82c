/* drafts — see drafts.h. */
#include "drafts.h"

#include "db_analysis.h"
#include "db_draft.h"
#include "deadline.h"
#include "docpdf.h"
#include "draft.h"
#include "idfmt.h"
#include "log.h"

/* drafts says what went wrong in an outcome (outcome.h); only the handlers (cmd.h) reply */
#ifdef LKIP_CMD_H
#error "drafts.c answers no request: it returns an outcome, and cmd_reply_outcome replies"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The organisation's local date at now (the draft's date); UTC's when the zone is unknown. */
static void s_local_date(const db_instance_t *inst, int64_t now, draft_opts_t *o)
{
    time_t t = (time_t)now;
    cal_min_t local = 0;
    if (deadline_to_local(inst->time_zone, now, &local) == 0)
        t = (time_t)(local * 60);
    struct tm tm;
    gmtime_r(&t, &tm);
    o->year = tm.tm_year + 1900;
    o->month = tm.tm_mon + 1;
    o->day = tm.tm_mday;
}

/* Renders the draft; -1 with o saying why. */
static int s_render(cmd_ctx_t *ctx, const db_instance_t *inst, draft_output_t *out, outcome_t *o)
{
    analysis_t *a = db_analysis(ctx->db, inst->id);
    if (!a) {
        outcome_db_failed(o, "analysis for the draft");
        return -1;
    }
    db_org_profile_t p;
    if (db_org_profile_get(ctx->db, inst->org_id, &p) != 0) {
        analysis_destroy(&a);
        outcome_db_failed(o, "organisation profile");
        return -1;
    }
    draft_opts_t opts = {.profile_md = p.profil_md,
                         .kata_pengantar_md = p.kata_pengantar_md,
                         .penutup_md = p.penutup_md,
                         .kepala_nama = p.kepala_nama,
                         .kepala_nip = p.kepala_nip,
                         .kepala_jabatan = p.kepala_jabatan,
                         .kota = p.kota,
                         .draft = true};
    s_local_date(inst, ctx->now, &opts);
    int64_t t0 = monotonic_ms();
    int rc = draft_render(a, &opts, out);
    /* this worker's pango font map: freed, so an idle daemon holds no font caches */
    docpdf_release_fonts(false);
    if (rc != 0) {
        log_error("draft of instance %lld: render failed (%d)", (long long)inst->id, rc);
        outcome_say(o, LKIP__STATUS__INTERNAL, "draft_failed",
                    "Draft LKIP tidak dapat dibuat di server; permintaan tidak diproses");
    } else {
        log_info("draft of instance %lld: %d indicators, %zu + %zu bytes, %d pages in %lld ms",
                 (long long)inst->id, a->n_indicators, out->docx_len, out->pdf_len, out->pdf_pages,
                 (long long)(monotonic_ms() - t0));
    }
    db_org_profile_clear(&p);
    analysis_destroy(&a);
    return rc == 0 ? 0 : -1;
}

int drafts_make(cmd_ctx_t *ctx, const db_instance_t *inst, const char *as, drafts_made_t *m,
                outcome_t *o)
{
    memset(m, 0, sizeof *m);
    draft_output_t out;
    if (s_render(ctx, inst, &out, o) != 0)
        return -1;
    snprintf(m->docx_name, sizeof m->docx_name, "draft-%s-%s.docx", inst->sop_code, inst->period);
    snprintf(m->pdf_name, sizeof m->pdf_name, "draft-%s-%s.pdf", inst->sop_code, inst->period);
    m->docx_len = out.docx_len;
    m->pdf_len = out.pdf_len;
    m->pages = out.pdf_pages;
    /* the draft's two files, stored one after the other (the PDF with its page count) */
    db_document_new_t d = {.instance_id = inst->id,
                           .step_no = inst->current_step,
                           .round = inst->round,
                           .file_name = m->docx_name,
                           .content = out.docx,
                           .len = out.docx_len,
                           .user_id = ctx->caller->id,
                           .as = as,
                           .now = ctx->now,
                           .draft = true};
    int rc = db_flow_store_document(ctx->db, &d, &m->docx_version, m->docx_sha);
    if (rc == 0) {
        d.file_name = m->pdf_name;
        d.content = out.pdf;
        d.len = out.pdf_len;
        d.pages = out.pdf_pages > 0 ? out.pdf_pages : 1;
        rc = db_flow_store_document(ctx->db, &d, &m->pdf_version, m->pdf_sha);
    }
    draft_output_free(&out);
    if (rc != 0) {
        outcome_db_failed(o, "store the draft");
        return -1;
    }
    strbuf_printf(&ctx->detail, " draft=v%d,v%d pages=%d sha256=%s", m->docx_version,
                  m->pdf_version, m->pages, m->pdf_sha);
    return 0;
}

char *drafts_made_files(const drafts_made_t *m)
{
    return xasprintf("%s dan %s (%d halaman)", m->docx_name, m->pdf_name, m->pages);
}

char *drafts_made_text(const db_instance_t *inst, const drafts_made_t *m)
{
    char docx[32], pdf[32];
    idfmt_number((double)m->docx_len, 0, docx, sizeof docx);
    idfmt_number((double)m->pdf_len, 0, pdf, sizeof pdf);
    return xasprintf("Draft LKIP dibuat: %s (versi %d, %s bita) dan %s (versi %d, %s bita, %d "
                     "halaman); unduh dengan: lkip draft %s/%s",
                     m->docx_name, m->docx_version, docx, m->pdf_name, m->pdf_version, pdf,
                     m->pages, inst->sop_code, inst->period);
}
