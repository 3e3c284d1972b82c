/* db_upload — documents arriving in chunks: pieces staged per user and upload id until the upload
 * request that names them assembles and stores the document, plus the pruning of stale pieces.
 * Runs inside the caller's transaction. Any thread with its own connection. */
#ifndef LKIP_DB_UPLOAD_H
#define LKIP_DB_UPLOAD_H

#include "db.h"

/* What a user has staged for one upload id. */
typedef struct {
    int64_t size;     /* the document's size as the pieces say; 0 when nothing is staged */
    int64_t received; /* bytes held from offset 0 without a gap */
    int64_t staged;   /* bytes the user has staged over all its uploads */
} db_upload_state_t;

/* Stores a piece (replacing one at the same offset) when data is not NULL, then reports the
 * state. Refusals are the caller's (size consistency, quota) from a first call without data.
 * Returns 0 or -1. */
int db_upload_stage(db_t *db, int64_t user_id, uint64_t upload_id, int64_t size, int64_t offset,
                    const void *data, size_t len, db_upload_state_t *state) WUR;

/* Assembles a complete staged upload into *content (caller frees) and removes its pieces.
 * Returns 1 assembled, 0 when it is not complete (*state tells what is there), -1 on error. */
int db_upload_take(db_t *db, int64_t user_id, uint64_t upload_id, uint8_t **content, size_t *len,
                   db_upload_state_t *state) WUR;

/* Deletes up to batch pieces older than hours. Returns the count or -1. */
int db_upload_prune(db_t *db, int hours, int batch) WUR;

#endif
