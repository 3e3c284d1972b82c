/* db_flowset — the step run, instance and unit data changes of a whole batch, collected in
 * memory by flow (set mode) and written in eight statements at most, whatever the number of
 * requests: the runs open before the batch and finished in it (UPDATE step_runs FROM unnest),
 * the runs opened in the batch in their final state with their first timers (INSERT step_runs +
 * INSERT timers), the units' tasks fan-outs opened with their first timers (INSERT unit_tasks +
 * INSERT timers), the documents uploaded (INSERT documents FROM unnest), the instances' final
 * step and state, letter numbers and archives (UPDATE instances FROM unnest), the units' data
 * versions (db_unitdata.h: two) and the letter sequences moved on. Requests on the same
 * instance are collected in order: a run opened by one request and finished by the next is
 * inserted once, finished. Used by the worker thread that runs the batch. */
#ifndef LKIP_DB_FLOWSET_H
#define LKIP_DB_FLOWSET_H

#include "db.h"
#include "db_flow.h"
#include "db_timers.h"
#include "db_unitdata.h"
#include "deadline.h"

typedef struct flowset flowset_t;

flowset_t *flowset_new(void);
/* Accepts NULL, nulls the pointer. */
void flowset_destroy(flowset_t **self_p);

/* The open run of instance_id ends with outcome (engine_outcome_name) by user_id, acting as as
 * (NULL or "": its own role), at now, with note. */
void flowset_finish_run(flowset_t *s, int64_t instance_id, const char *outcome, int64_t user_id,
                        const char *as, int64_t now, const char *note);

/* A new run of step_no opens at now; due 0: none; reason: the return that opened it, or NULL;
 * first: its first timer, or NULL. */
void flowset_open_run(flowset_t *s, int64_t instance_id, int step_no, int64_t now, int64_t due,
                      const char *reason, const deadline_timer_t *first);

/* The instance's state after the batch: its open step (0: none) and, once finished, when. */
void flowset_instance(flowset_t *s, int64_t instance_id, int current_step, bool active,
                      int64_t finished_at);

/* An instance's document version d, numbered version, with its sha256. */
void flowset_document(flowset_t *s, const db_document_new_t *d, int version, const char *sha);

/* instance_id archives its document version (stored before the batch or in it) with sha256,
 * ref (where the paper copy is kept) and user_id. */
void flowset_archive(flowset_t *s, int64_t instance_id, int version, const char *sha256,
                     const char *ref, int64_t user_id);

/* A unit's data version (db_unitdata.h). */
void flowset_unit_data(flowset_t *s, const db_unitdata_new_t *d);

/* The organisations the batch read the letter sequences and units of (flowset_org_read; only
 * theirs are numbered and fanned out in memory: flowset_org_known). */
void flowset_org_read(flowset_t *s, int64_t org_id);
bool flowset_org_known(const flowset_t *s, int64_t org_id);

/* Fan-outs. flowset_org_unit: an active unit of a read organisation (db_flow_org_units's rows,
 * in their order); flowset_units_of: those of org_id, by code (*n of them; the array belongs to
 * s). flowset_unit_task: the fan-out opens instance_id's task for unit_id, for role, at now, due
 * (0: none), with its first timer (NULL: none); the writes insert the tasks and their timers in
 * one statement. */
typedef struct {
    int64_t org_id, id;
    char *code;
} flowset_unit_t;
void flowset_org_unit(flowset_t *s, int64_t org_id, int64_t unit_id, const char *code);
const flowset_unit_t *flowset_units_of(const flowset_t *s, int64_t org_id, int *n);
void flowset_unit_task(flowset_t *s, int64_t instance_id, int64_t unit_id, const char *role,
                       int64_t now, int64_t due, const deadline_timer_t *first);

/* Letter numbers. flowset_letter_seq: each row of a read organisation's sequences.
 * flowset_next_letter: the number the next letter of org_id in year gets
 * (0: its sequences were not read); flowset_letter: instance_id's letter got it (the sequence
 * moves on only then, so a letter refused after all leaves no gap). The writes move each
 * sequence on only where it still holds what was read; otherwise that statement fails with
 * DB_LETTER_MOVED (sql/013_batch_letters.sql) and the batch runs again on the ordinary path. */
#define DB_LETTER_MOVED "LKB02"
void flowset_letter_seq(flowset_t *s, int64_t org_id, int year, int last_seq);
int flowset_next_letter(const flowset_t *s, int64_t org_id, int year);
void flowset_letter(flowset_t *s, int64_t instance_id, int64_t org_id, const char *number, int year,
                    int seq);
/* True when nothing was collected. */
bool flowset_empty(const flowset_t *s);

/* Adds the writing statements to pipe. */
void flowset_add_writes(flowset_t *s, db_pipe_t *pipe);

#endif
