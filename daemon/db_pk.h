/* db_pk — the SQL of the Perjanjian Kinerja: storing an import as the next version of its
 * organisation and year (one statement for the version, its indicators and their years),
 * finding a version, loading it back as a pk_t, and fixing the version an instance works with.
 * Every function runs inside the caller's transaction; any worker thread. */
#ifndef LKIP_DB_PK_H
#define LKIP_DB_PK_H

#include "db.h"
#include "pk.h"

/* One stored version. Strings owned (db_pk_info_clear). */
typedef struct {
    int64_t id;
    int year;
    int version;
    int versions; /* how many versions its year has */
    char *file_name;
    char *sha256;
    int64_t imported_at;
    char *imported_by;
} db_pk_info_t;

void db_pk_info_clear(db_pk_info_t *info);

/* Stores pk (parsed without errors; units resolved to codes of org_id) with the file it came
 * from as the next version of (org_id, pk->year). Fills *info. Returns 0 or -1. */
int db_pk_store(db_t *db, int64_t org_id, const pk_t *pk, const char *file_name,
                const void *content, size_t len, int64_t user_id, int64_t now,
                db_pk_info_t *info) WUR;

/* The version of org_id's PK for year (0: the newest year) and version (0: the newest). */
db_lookup_t db_pk_find(db_t *db, int64_t org_id, int year, int version, db_pk_info_t *info) WUR;

/* The stored PK pk_id, every indicator with its years, units by code and name. NULL on a
 * database error. Caller owns the result (pk_destroy). */
pk_t *db_pk_load(db_t *db, int64_t pk_id);

/* The PK version instance_id works with: the one it has, else (fixing it now) the newest of
 * org_id's year. *pk_id and *version 0 when that year has none yet. Returns 0 or -1. */
int db_pk_bind(db_t *db, int64_t instance_id, int64_t org_id, int year, int64_t *pk_id,
               int *version) WUR;

#endif
