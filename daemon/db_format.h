/* db_format — the SQL of the units' XLSX formats of an instance: storing a made format as the
 * unit's next version, listing the newest of each unit, fetching one with its bytes, and
 * recognising a returned format's id. Every function runs inside the caller's transaction; any
 * worker thread. Replies are built straight into messages (heap pieces, freed with the reply). */
#ifndef LKIP_DB_FORMAT_H
#define LKIP_DB_FORMAT_H

#include "db.h"
#include "wire.h"

/* Stores a format; *version gets the unit's version of it. Returns 0 or -1. */
int db_format_store(db_t *db, int64_t instance_id, int64_t unit_id, const char *format_id,
                    int64_t pk_id, const char *file_name, const void *content, size_t len,
                    int indicators, int64_t user_id, int64_t now, int *version) WUR;

/* Appends the newest format of every unit of instance_id to reply (no content), by unit code.
 * Returns the count or -1. */
int db_format_list(db_t *db, int64_t instance_id, Lkip__FormatReply *reply) WUR;

/* The newest format of unit_code in instance_id with its content, as reply->formats[0] and
 * reply->content. */
db_lookup_t db_format_get(db_t *db, int64_t instance_id, const char *unit_code,
                          Lkip__FormatReply *reply) WUR;

/* Whether format_id was made for instance_id and unit_id. */
db_lookup_t db_format_known(db_t *db, const char *format_id, int64_t instance_id,
                            int64_t unit_id) WUR;

#endif
