/* db_draft — see db_draft.h. */
#include "db_draft.h"

#include <stdlib.h>
#include <string.h>

#define EPOCH(col) "coalesce(extract(epoch FROM " col ")::bigint, 0)"

void db_org_profile_clear(db_org_profile_t *p)
{
    free(p->profil_md);
    free(p->kata_pengantar_md);
    free(p->penutup_md);
    free(p->kepala_nama);
    free(p->kepala_nip);
    free(p->kepala_jabatan);
    free(p->kota);
    free(p->updated_by);
    memset(p, 0, sizeof *p);
}

int db_org_profile_get(db_t *db, int64_t org_id, db_org_profile_t *out)
{
    memset(out, 0, sizeof *out);
    db_params_t p = {0};
    db_param_int(&p, org_id);
    db_res_t *r = db_query(db,
                           "SELECT f.profil_md, f.kata_pengantar_md, f.penutup_md, f.kepala_nama,"
                           " f.kepala_nip, f.kepala_jabatan, f.kota, f.version, u.name, " EPOCH(
                               "f.updated_at") " FROM org_profiles f"
                                               " JOIN users u ON u.id = f.updated_by"
                                               " WHERE f.org_id = $1",
                           &p);
    if (!r)
        return -1;
    bool found = db_res_rows(r) == 1;
    char **text[] = {&out->profil_md,  &out->kata_pengantar_md, &out->penutup_md, &out->kepala_nama,
                     &out->kepala_nip, &out->kepala_jabatan,    &out->kota,       &out->updated_by};
    static const int col[] = {0, 1, 2, 3, 4, 5, 6, 8};
    for (size_t i = 0; i < sizeof col / sizeof col[0]; i++)
        *text[i] = found ? db_res_dup(r, 0, col[i]) : xstrdup("");
    if (found) {
        out->version = (int)db_res_int(r, 0, 7);
        out->updated_at = db_res_int(r, 0, 9);
    }
    db_res_free(&r);
    return 0;
}

int db_org_profile_put(db_t *db, int64_t org_id, const db_org_profile_t *f, int64_t user_id,
                       int64_t now, int *version)
{
    db_params_t p = {0};
    db_param_int(&p, org_id);
    db_param_str(&p, f->profil_md);
    db_param_str(&p, f->kata_pengantar_md);
    db_param_str(&p, f->penutup_md);
    db_param_str(&p, f->kepala_nama);
    db_param_str(&p, f->kepala_nip);
    db_param_str(&p, f->kepala_jabatan);
    db_param_str(&p, f->kota);
    db_param_int(&p, user_id);
    db_param_int(&p, now);
    db_res_t *r = db_query(
        db,
        "INSERT INTO org_profiles (org_id, profil_md, kata_pengantar_md, penutup_md, kepala_nama,"
        " kepala_nip, kepala_jabatan, kota, updated_by, updated_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, to_timestamp($10))"
        " ON CONFLICT (org_id) DO UPDATE SET profil_md = EXCLUDED.profil_md,"
        " kata_pengantar_md = EXCLUDED.kata_pengantar_md, penutup_md = EXCLUDED.penutup_md,"
        " kepala_nama = EXCLUDED.kepala_nama, kepala_nip = EXCLUDED.kepala_nip,"
        " kepala_jabatan = EXCLUDED.kepala_jabatan, kota = EXCLUDED.kota,"
        " version = org_profiles.version + 1, updated_by = EXCLUDED.updated_by,"
        " updated_at = EXCLUDED.updated_at RETURNING version",
        &p);
    if (!r)
        return -1;
    *version = (int)db_res_int(r, 0, 0);
    db_res_free(&r);
    return 0;
}

int db_draft_latest(db_t *db, int64_t instance_id, int *docx_version, int *pdf_version,
                    int *n_drafts)
{
    db_params_t p = {0};
    db_param_int(&p, instance_id);
    /* a draft is its DOCX and its PDF, stored one after the other */
    db_res_t *r = db_query(db,
                           "SELECT coalesce(max(version) FILTER (WHERE pages IS NULL), 0),"
                           " coalesce(max(version) FILTER (WHERE pages IS NOT NULL), 0),"
                           " count(*) FILTER (WHERE pages IS NULL)"
                           " FROM documents WHERE instance_id = $1 AND kind = 'draft'",
                           &p);
    if (!r)
        return -1;
    *docx_version = (int)db_res_int(r, 0, 0);
    *pdf_version = (int)db_res_int(r, 0, 1);
    *n_drafts = (int)db_res_int(r, 0, 2);
    db_res_free(&r);
    return *docx_version && *pdf_version ? 1 : 0;
}
