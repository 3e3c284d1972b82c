/* db_flow — the SQL of SOP instances: finding and locking an instance, step runs, unit tasks
 * and their data, documents, letter numbers, the archive. Every function runs inside the
 * caller's transaction; the instance row lock (db_flow_load with lock) serialises all changes
 * to one instance, so two actors completing the same step cannot both win. Worker thread. */
#ifndef LKIP_DB_FLOW_H
#define LKIP_DB_FLOW_H

#include "db.h"
#include "db_users.h"
#include "unitdata.h"

/* An instance with what the engine needs to decide. Strings owned (db_instance_clear). */
typedef struct db_instance {
    int64_t id;
    int64_t org_id;
    char *org_code;
    char *time_zone;
    char *letter_template;
    char *letter_kka;
    int calendar_version; /* of the organisation's working calendar */
    int64_t def_id;
    char *sop_code;
    char *period;
    bool active;
    int current_step; /* 0 when done */
    int64_t run_id;   /* the open run; 0 when none */
    int round;        /* round of the open run */
    int64_t run_assigned_at;
    bool doc_in_round; /* a document uploaded during the open run */
    bool draft_in_round; /* the LKIP draft written during the open run */
    bool has_document;
    int units_total;
    int units_submitted;
    int64_t pk_id;  /* the Perjanjian Kinerja version it works with; 0 when none yet */
    int pk_version; /* ... its version number */
} db_instance_t;

void db_instance_clear(db_instance_t *inst);

/* Finds an instance of org_id by reference: its id ("17"), "SOPCODE/PERIOD", or "" for the
 * only active one. DB_NOT_FOUND also when "" matches none or several (*several tells). */
db_lookup_t db_flow_resolve(db_t *db, int64_t org_id, const char *ref, int64_t *id,
                            bool *several) WUR;

/* Loads instance id (of org_id); with lock, takes its row lock until the transaction ends. */
db_lookup_t db_flow_load(db_t *db, int64_t org_id, int64_t id, bool lock, db_instance_t *out) WUR;

/* db_flow_resolve and db_flow_load in one query where the reference allows it. */
db_lookup_t db_flow_find(db_t *db, int64_t org_id, const char *ref, bool lock, db_instance_t *out,
                         bool *several) WUR;

/* Creates an instance; *exists is set instead when the organisation already has one for that
 * SOP code and period. Returns 0 or -1. */
int db_flow_create(db_t *db, int64_t org_id, int64_t def_id, const char *sop_code,
                   const char *period, int64_t user_id, const char *as, int64_t now, int64_t *id,
                   bool *exists) WUR;

/* Opens a new run of step_no (round = previous runs + 1) and makes it the current step.
 * due 0: none. reason: the return reason that opened it, or NULL. *run_id gets the run.
 * Returns 0 or -1. */
int db_flow_open_run(db_t *db, int64_t instance_id, int step_no, int64_t now, int64_t due,
                     const char *reason, int64_t *run_id) WUR;

/* Closes the open run with outcome, by user_id (0: closed by itself, no person) acting in
 * capacity as ("" or NULL: in its own role; the same for every "as" below). Returns 0 or -1. */
int db_flow_finish_run(db_t *db, int64_t instance_id, const char *outcome, int64_t user_id,
                       const char *as, int64_t now, const char *note) WUR;

/* Marks the instance done. Returns 0 or -1. */
int db_flow_finish(db_t *db, int64_t instance_id, int64_t now) WUR;

/* The data tasks opened for the units. */
typedef struct {
    int64_t task_id;
    int64_t unit_id;
    char *unit_code;
} db_unit_task_t;

/* Opens a data task for every active unit of org_id, for unit_role. Fills *tasks (caller frees
 * with db_unit_tasks_free) and returns the count, or -1. */
int db_flow_open_unit_tasks(db_t *db, int64_t instance_id, int64_t org_id, const char *unit_role,
                            int64_t now, int64_t due, db_unit_task_t **tasks) WUR;
void db_unit_tasks_free(db_unit_task_t *tasks, int n);

/* A unit's task on an instance, as a submission finds it. */
typedef struct {
    int64_t id;     /* 0: the unit has none */
    char state[16]; /* "open", "submitted", "missing" */
    int version;    /* of its latest data; 0: none yet */
} db_task_state_t;

/* The caller's unit task, or NOT_FOUND. */
db_lookup_t db_flow_unit_task(db_t *db, int64_t instance_id, int64_t unit_id,
                              db_task_state_t *t) WUR;

/* Marks still-open unit tasks missing; *missing gets their codes ("IKP, STATISTIK"; caller
 * frees). Returns the count or -1. */
int db_flow_close_missing(db_t *db, int64_t instance_id, char **missing) WUR;

/* Allocates the next number of org_id's sequence for year. Returns 0 or -1. */
int db_flow_next_letter_seq(db_t *db, int64_t org_id, int year, int *seq) WUR;

/* The letter sequences of the organisations orgs[0..n) (repeats allowed), read without a lock
 * (db_flowset.h says how the set path then writes them): adds the statement to pipe; its rows
 * are (org_id, year, last_seq). */
void db_flow_letter_seqs(db_pipe_t *pipe, const int64_t *orgs, int n);

/* The active units of the organisations orgs[0..n) (repeats allowed), those a fan-out opens
 * tasks for: adds the statement to pipe; its rows are (org_id, unit id, code), by organisation
 * and code. */
void db_flow_org_units(db_pipe_t *pipe, const int64_t *orgs, int n);

/* Records the letter number on the instance. Returns 0 or -1. */
int db_flow_set_letter(db_t *db, int64_t instance_id, const char *number, int year, int seq) WUR;

/* A document version to store for the open run: an upload, or one file of the LKIP draft. */
typedef struct {
    int64_t instance_id;
    int step_no, round;
    const char *file_name;
    const void *content;
    size_t len;
    int64_t user_id;
    const char *as; /* the capacity the user acted in, or NULL */
    int64_t now;
    bool draft;     /* kind 'draft' (written by lkipd), else 'upload' */
    int pages;      /* a draft's PDF: its page count; 0 otherwise */
} db_document_new_t;

/* An instance's documents as the set path keeps them in memory: the last version (the next
 * upload is numbered after it) and the version an archive records, the newest upload, else the
 * newest version (0: no document), with its sha256. */
typedef struct {
    int last_version;
    int archivable;
    char archivable_sha256[65];
} db_doc_state_t;

/* Stores d as the instance's next document version (the caller holds the instance's row lock,
 * so the numbering cannot race). Fills *version and sha. Returns 0 or -1. */
int db_flow_store_document(db_t *db, const db_document_new_t *d, int *version, char sha[65]) WUR;

/* Archives the newest upload, else the newest document version (a draft): records it, its
 * hash, ref and user_id on the instance.
 * Fills sha and *version. Returns 0 or -1. */
int db_flow_archive(db_t *db, int64_t instance_id, int64_t user_id, const char *ref, char sha[65],
                    int *version) WUR;

/* What a reply shows of an instance beside db_instance_t (the status header). Owned strings. */
typedef struct {
    int sop_version;
    char *sop_title;
    int steps;
    int64_t started_at;
    char *started_by;
    int64_t finished_at; /* 0: not finished */
    char *letter_number;
    char *archive_sha256;
    char *archive_ref;
    int archive_version;
    char *started_as;
    db_doc_state_t docs;
    char *unit_formats; /* the file name of each unit's newest format: "unit_id\tfile_name" lines */
} db_flow_head_t;

void db_flow_head_clear(db_flow_head_t *h);

/* Many instances at once, for the set path of a batch: adds to pipe two statements, one that
 * takes the row locks of the instances refs[k] of org_ids[k] name (id or "CODE/PERIOD") in id
 * order, and one that then loads them (its result goes to db_flow_many_rows), each with the
 * task of unit_ids[k] on it (0: none asked). */
void db_flow_load_many(db_pipe_t *pipe, const int64_t *org_ids, const char *const *refs,
                       const int64_t *unit_ids, int n);

/* The rows of the load statement: per row the reference it answers (*idx, from 0), the
 * instance, its header and the unit's task asked with it (id 0: none); arrays owned by the
 * caller (clear each instance and header). Returns the count; a reference matching nothing has
 * no row, one matched twice has two. */
int db_flow_many_rows(const db_res_t *r, int **idx, db_instance_t **insts, db_flow_head_t **heads,
                      db_task_state_t **tasks);

#endif
