/* db_unitdata — units' data versions written as a set: each submission becomes its task's next
 * version (the task marked submitted) and a unit_data row with all its indicator rows, in two
 * statements whatever the number of submissions and rows (a unit format may carry hundreds).
 * The ordinary path writes one submission at once; the set path (stepset.c) collects a batch's
 * and adds them to its writes. The version of each is the caller's (the task's version read
 * under the instance's row lock, plus one per submission of the same task). Used by the worker
 * thread that runs the batch. */
#ifndef LKIP_DB_UNITDATA_H
#define LKIP_DB_UNITDATA_H

#include "db.h"
#include "unitdata.h"

/* One submission. */
typedef struct {
    int64_t task_id;
    int version; /* the new version */
    const unitdata_t *data;
    const char *file_name;
    const void *content;
    size_t len;
    const char *format_id; /* an XLSX submission: the format it filled; NULL for CSV */
    int64_t user_id;
    int64_t now;
} db_unitdata_new_t;

/* The submissions collected, as the statements' array parameters. Zero-initialise. */
typedef struct {
    db_array_t task[4];
    db_array_t data[9];
    db_array_t rows[20];
    int n;
} db_unitdata_t;

void db_unitdata_add(db_unitdata_t *s, const db_unitdata_new_t *d);

/* Writes what s holds (statements deferred when the connection defers, db_defer) and empties
 * it. Returns 0 or -1. */
int db_unitdata_write(db_t *db, db_unitdata_t *s) WUR;

/* Adds the writing statements to pipe (none when s is empty) and empties s. */
void db_unitdata_pipe(db_unitdata_t *s, db_pipe_t *pipe);

void db_unitdata_clear(db_unitdata_t *s);

#endif
