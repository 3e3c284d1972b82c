/* db_format — the SQL of the units' XLSX formats of an instance: storing a made format as the
 * unit's next version, listing the newest of each unit, fetching one with its bytes, and
 * recognising a returned format's id. Every function runs inside the caller's transaction; any
 * worker thread. Returns rows; the commands build their replies from them (cmd_pk.c). */
#ifndef LKIP_DB_FORMAT_H
#define LKIP_DB_FORMAT_H

#include "db.h"
#include "wire.h"

#include <stdint.h>

/* One unit's format as stored. Owned strings (db_format_row_clear). */
typedef struct {
    char *unit_code;
    char *unit_name;
    int version; /* the unit's version of its format */
    char *format_id;
    char *file_name;
    int64_t size;
    char *sha256;
    int indicators;
    int pk_version; /* the Perjanjian Kinerja version it was made from */
    int64_t made_at;
    char *made_by;    /* the maker's name */
    uint8_t *content; /* db_format_get only; NULL otherwise */
    size_t content_len;
} db_format_row_t;

void db_format_row_clear(db_format_row_t *row);
void db_format_rows_free(db_format_row_t *rows, int n);

/* Stores a format; *version gets the unit's version of it. Returns 0 or -1. */
int db_format_store(db_t *db, int64_t instance_id, int64_t unit_id, const char *format_id,
                    int64_t pk_id, const char *file_name, const void *content, size_t len,
                    int indicators, int64_t user_id, int64_t now, int *version) WUR;

/* The newest format of every unit of instance_id (no content), by unit code, into *rows
 * (db_format_rows_free). Returns the count or -1. */
int db_format_list(db_t *db, int64_t instance_id, db_format_row_t **rows) WUR;

/* The newest format of unit_code in instance_id, with its content, into *row (cleared by the
 * caller in every case). */
db_lookup_t db_format_get(db_t *db, int64_t instance_id, const char *unit_code,
                          db_format_row_t *row) WUR;

/* Whether format_id was made for instance_id and unit_id. */
db_lookup_t db_format_known(db_t *db, const char *format_id, int64_t instance_id,
                            int64_t unit_id) WUR;

#endif
