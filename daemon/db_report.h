/* db_report — read-only queries that answer the status, tasks, history and document commands,
 * built straight into reply messages (heap pieces, freed with the reply). The capaian command
 * has db_analysis. Worker thread. */
#ifndef LKIP_DB_REPORT_H
#define LKIP_DB_REPORT_H

#include "db.h"
#include "db_users.h"
#include "sopdef.h"
#include "wire.h"

/* The status of one instance: header, and with detail its runs, unit tasks and documents.
 * def gives step titles and roles. Returns NULL on a database error. */
Lkip__InstanceStatus *db_report_status(db_t *db, int64_t instance_id, const sopdef_t *def,
                                       bool detail);

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

/* Open unit data tasks of unit_id held for role, as Task messages (appended to *tasks). */
int db_report_unit_tasks(db_t *db, int64_t unit_id, const char *role, Lkip__Task ***tasks,
                         size_t *n) WUR;

/* Audit entries of an instance (instance_id > 0) or of one user, oldest first, at most limit.
 * Returns NULL on a database error. */
Lkip__HistoryReply *db_report_history(db_t *db, int64_t instance_id, int64_t user_id, int limit);

/* A document version (0: the newest) with up to max bytes of its content from offset (max 0:
 * none). NULL with *found false when there is none; NULL with *found true on a database error. */
Lkip__DocumentReply *db_report_document(db_t *db, int64_t instance_id, int version, int64_t offset,
                                        int64_t max, bool *found);

#endif
