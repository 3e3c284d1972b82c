/* db_report — read-only queries that answer the status, tasks, history and document commands.
 * Every query returns rows; the commands build their replies (cmd_flow, cmd_transfer). The capaian
 * command has db_analysis. Worker thread. */
#ifndef LKIP_DB_REPORT_H
#define LKIP_DB_REPORT_H

#include "db.h"
#include "db_users.h"
#include "sopdef.h"
#include "wire.h"

struct db_document_row;

/* A step run of an instance, as stored. Owned strings. */
typedef struct {
    int step_no;
    int round;
    char *state;
    int64_t assigned_at;
    int64_t due_at;
    int64_t finished_at;
    char *finished_by; /* "" while open */
    char *outcome;     /* "" while open */
    char *note;
    char *finished_as;
    bool automatic; /* finished without a person: it closed by itself */
} db_run_row_t;

/* A unit data task of an instance, as stored. Owned strings. */
typedef struct {
    char *unit_code;
    char *unit_name;
    char *state;
    int64_t due_at;
    int64_t submitted_at;
    char *submitted_by; /* "" when none */
    int version;
    int rows; /* of its current data */
} db_unit_row_t;

/* One instance as stored: its header and, with detail, its runs, unit tasks and documents
 * (db_status_row_clear). */
typedef struct {
    int64_t id;
    char *org_code;
    char *sop_code;
    int sop_version;
    char *sop_title;
    char *period;
    char *state;
    int current_step; /* 0 when finished */
    int steps;
    int64_t started_at;
    char *started_by;
    int64_t finished_at;
    char *letter_number;
    char *archive_sha256;
    char *archive_ref;
    int archive_version;
    char *time_zone;
    char *started_as;
    db_run_row_t *runs;
    int n_runs;
    db_unit_row_t *units;
    int n_units;
    struct db_document_row *documents; /* no content */
    int n_documents;
} db_status_row_t;

/* The status of one instance into *row (cleared by the caller in every case); with detail its
 * runs, unit tasks and documents too. */
db_lookup_t db_report_status(db_t *db, int64_t instance_id, bool detail, db_status_row_t *row) WUR;
void db_status_row_clear(db_status_row_t *row);

/* Ids and definition ids of the instances of org_id, newest first (at most limit).
 * Returns the count or -1; caller frees both arrays. */
int db_report_instances(db_t *db, int64_t org_id, int limit, int64_t **ids, int64_t **def_ids) WUR;

/* An open step run of the organisation, for the task list. */
typedef struct {
    int64_t instance_id;
    int64_t def_id;
    char *sop_code;
    char *period;
    char *org_code;
    char *time_zone;
    int step_no;
    int round;
    int64_t assigned_at;
    int64_t due_at; /* 0 when none */
    char *return_reason;
} db_open_run_t;

int db_report_open_runs(db_t *db, int64_t org_id, db_open_run_t **out) WUR;
void db_open_runs_free(db_open_run_t *runs, int n);

/* An open unit data task, for the task list. Owned strings. */
typedef struct {
    int64_t instance_id;
    char *sop_code;
    char *period;
    char *unit_code;
    int64_t assigned_at;
    int64_t due_at;
    char *org_code;
    char *time_zone;
} db_unit_task_row_t;

/* Open unit data tasks of unit_id held for role, by due time, into *rows
 * (db_unit_task_rows_free). Returns the count or -1. */
int db_report_unit_tasks(db_t *db, int64_t unit_id, const char *role,
                         db_unit_task_row_t **rows) WUR;
void db_unit_task_rows_free(db_unit_task_row_t *rows, int n);

/* One audit entry. Owned strings. */
typedef struct {
    int64_t id;
    int64_t at;
    char *user; /* "" for a request of no user */
    char *command;
    int status;
    char *code;
    int64_t instance_id; /* 0: none */
    int step_no;
    char *detail;
    char *acting_as;
} db_audit_row_t;

/* Audit entries of an instance (instance_id > 0) or of one user, oldest first, at most limit,
 * into *rows (db_audit_rows_free). Returns the count or -1. */
int db_report_history(db_t *db, int64_t instance_id, int64_t user_id, int limit,
                      db_audit_row_t **rows) WUR;
void db_audit_rows_free(db_audit_row_t *rows, int n);

/* A document version as stored, with a piece of its content. Owned strings and content. */
typedef struct db_document_row {
    int version;
    int step_no;
    int round;
    char *file_name;
    int64_t size;
    char *sha256;
    char *uploaded_by;
    int64_t uploaded_at;
    char *uploaded_as;
    char *kind;       /* "upload", or "draft" for a version lkipd wrote */
    int pages;        /* a draft's PDF pages; 0 otherwise */
    uint8_t *content; /* the piece asked for; NULL when none was */
    size_t content_len;
} db_document_row_t;

/* A document version (0: the newest) with up to max bytes of its content from offset (max 0:
 * none) into *row (cleared by the caller in every case: db_document_row_clear). */
db_lookup_t db_report_document(db_t *db, int64_t instance_id, int version, int64_t offset,
                               int64_t max, db_document_row_t *row) WUR;
void db_document_row_clear(db_document_row_t *row);

#endif
