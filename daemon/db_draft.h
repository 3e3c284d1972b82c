/* db_draft — what the LKIP draft is stored as and written from: its document versions (kind
 * 'draft', a DOCX and a PDF per draft, numbered with the instance's other documents) and the
 * organisation's profile (Bab I, the Kata Pengantar and Bab IV templates, the signatory).
 * Runs inside the caller's transaction; any worker thread. */
#ifndef LKIP_DB_DRAFT_H
#define LKIP_DB_DRAFT_H

#include "db.h"

/* An organisation's texts for the draft; "" where it has none (the defaults apply). */
typedef struct {
    char *profil_md;
    char *kata_pengantar_md;
    char *penutup_md;
    char *kepala_nama;
    char *kepala_nip;
    char *kepala_jabatan;
    char *kota;
    int version;      /* 0: never set */
    char *updated_by; /* login name; "" when never set */
    int64_t updated_at;
} db_org_profile_t;

/* Loads org_id's profile; one never set is all "" (version 0). Returns 0 or -1. */
int db_org_profile_get(db_t *db, int64_t org_id, db_org_profile_t *out) WUR;
/* Stores p as org_id's profile (the next version, in *version). Returns 0 or -1. */
int db_org_profile_put(db_t *db, int64_t org_id, const db_org_profile_t *p, int64_t user_id,
                       int64_t now, int *version) WUR;
void db_org_profile_clear(db_org_profile_t *p);

/* The newest draft of an instance: the versions of its DOCX and PDF, and how many drafts the
 * instance holds. Returns 1 found, 0 none, -1 on error. */
int db_draft_latest(db_t *db, int64_t instance_id, int *docx_version, int *pdf_version,
                    int *n_drafts) WUR;

#endif
