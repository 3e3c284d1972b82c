/* db_sop — stored SOP definitions: each loaded file becomes a numbered version of its code when
 * its text changed; instances point at the version they started on. Any thread with its own
 * connection (start-up, workers). */
#ifndef LKIP_DB_SOP_H
#define LKIP_DB_SOP_H

#include "db.h"
#include "db_users.h"
#include "sopdef.h"

typedef struct db_sop_info {
    int64_t id;
    char *code;
    int version;
    char *number;
    char *title;
    int steps;
    char *sha256;
    int64_t loaded_at; /* unix seconds */
} db_sop_info_t;

void db_sop_info_clear(db_sop_info_t *info);

/* Stores source (already parsed into def) as the next version of def->code, unless the newest
 * version has the same text: then *created is false and out describes that version.
 * Returns 0 or -1. */
int db_sop_store(db_t *db, const sopdef_t *def, const char *name, const char *source, size_t len,
                 int64_t user_id, db_sop_info_t *out, bool *created) WUR;

/* Every version of every definition, by code and version. Returns the count or -1. */
int db_sop_list(db_t *db, db_sop_info_t **out) WUR;
void db_sop_list_free(db_sop_info_t *list, int n);

/* The id and version number of the newest version of code. */
db_lookup_t db_sop_latest(db_t *db, const char *code, int64_t *def_id, int *version) WUR;

/* The stored text of a definition; caller frees *name and *source. */
db_lookup_t db_sop_source(db_t *db, int64_t def_id, char **name, char **source, size_t *len) WUR;

/* The first role code of roles (n of them) that does not exist, copied into missing (size
 * len); "" when all exist. Returns 0 or -1. */
int db_roles_missing(db_t *db, const char *const *roles, int n, char *missing, size_t len) WUR;

#endif
