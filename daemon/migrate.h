/* migrate — brings the database schema to the version this binary knows. The migrations are the
 * numbered files of sql/, embedded at build time; each runs in one transaction and is recorded in
 * schema_version. An advisory lock lets several daemons start at once. Start-up, before any
 * other thread runs. */
#ifndef LKIP_MIGRATE_H
#define LKIP_MIGRATE_H

#include "db.h"

typedef struct {
    int version;      /* NNN of the file name; 1, 2, 3 ... without gaps */
    const char *name; /* file name, for logs */
    const char *sql;  /* the file's text */
} migration_t;

extern const migration_t migrations[];
extern const int migrations_count;

/* Applies every pending migration. Returns how many were applied (0 when the schema was already
 * current) or -1 with err set: database error, or a schema newer than this binary knows. */
int migrate_run(db_t *db, char *err, size_t errlen) WUR;

/* The newest version this binary knows. */
int migrate_latest(void);

#endif
