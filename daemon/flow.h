/* flow — carries out an engine verdict inside the request's transaction: each effect becomes
 * its db_flow change, each notification its outbox rows for the resolved recipients. The
 * engine decides; flow only persists, so the two stay separately testable. flow never answers
 * the client: it says in f->out (outcome.h) what to answer, the engine's verdict or why
 * applying it failed, and the handler replies with it (cmd_reply_outcome, cmd.h). Worker
 * thread. */
#ifndef LKIP_FLOW_H
#define LKIP_FLOW_H

#include "cmd_ctx.h"
#include "db_delegation.h"
#include "db_flow.h"
#include "drafts.h"
#include "engine.h"
#include "outcome.h"

typedef struct {
    cmd_ctx_t *ctx;
    db_instance_t *inst; /* loaded under its row lock (or just created) */
    const sopdef_t *def;
    const char *text;        /* the command's note or reason */
    const char *capacity;    /* the caller acts for another official ("Plh. Kepala Dinas");
                              * NULL in its own role */
    const char *archive_ref; /* archive step: where the paper copy is kept */
    /* ENGINE_SUBMIT */
    const unitdata_t *data;
    int64_t task_id;
    int task_version; /* the task's data version before this one */
    const char *unit_code;
    const char *format_id;    /* an XLSX submission: the format it filled; NULL for CSV */
    const char *unit_formats; /* set mode: the instance's units' formats (db_flow_head_t) */
    db_doc_state_t *docs;     /* set mode: the instance's documents (an upload moves them on, an
                               * archive records the archivable one); NULL otherwise */
    /* ENGINE_SUBMIT and ENGINE_UPLOAD: the file */
    const char *file_name;
    const void *content;
    size_t len;

    /* filled while applying */
    char letter[128];  /* allocated letter number */
    char sha256[65];   /* archived or uploaded document hash */
    int doc_version;   /* archived or uploaded document version */
    bool archived;     /* EFF_ARCHIVE recorded sha256 and doc_version */
    bool opened_units; /* set mode: a fan-out opened the units' tasks (ids not known yet) */
    int data_version;  /* stored unit data version */
    char *missing;     /* units closed as missing (owned) */
    char *note;        /* what applying added for the reply (the formats made, the draft
                        * written); owned, or NULL */
    bool made_draft;   /* the LKIP draft was written (EFF_MAKE_DRAFT): */
    drafts_made_t draft;
    outcome_t out; /* what to answer: the engine's verdict (flow_run), or why applying it
                    * failed; the handler replies with it (cmd_reply_outcome) */
    /* the set path (stepset.c): the run and instance changes are collected here, for the whole
     * batch, instead of written one by one; inst is then kept up to date in memory. NULL: the
     * ordinary path */
    struct flowset *set;
} flow_t;

typedef enum {
    FLOW_ACCEPTED,   /* applied (or collected, in set mode); f->out holds the engine's answer */
    FLOW_REFUSED,    /* refused by the engine or failed; f->out says why */
    FLOW_NOT_IN_SET, /* set mode only: the verdict needs the ordinary path; nothing done and
                      * f->out says nothing */
} flow_rc_t;

/* Applies every effect of res in order. Returns 0 (f->out untouched: the caller composes the
 * answer), or -1 with f->out saying why (a database failure or a specific refusal). */
int flow_apply(flow_t *f, const engine_result_t *res) WUR;

/* Asks the engine about cmd for f's instance and, when it accepts, applies the effects. f->out
 * then holds the answer: the engine's message (with the capacity and f->note) when accepted,
 * or why not. Returns true when accepted and persisted. */
bool flow_decide(flow_t *f, const engine_cmd_t *cmd);

/* flow_decide that tells the three outcomes apart (set mode: f->set). */
flow_rc_t flow_run(flow_t *f, const engine_cmd_t *cmd);

/* After a command accepted under a delegation (capacity, NULL: none): records the capacity for
 * the audit row (acting_as) and in its detail. */
void flow_note_capacity(cmd_ctx_t *ctx, const char *capacity);

/* The caller's delegations (Plh./Plt.) as the engine sees them, and the rows they point into. */
typedef struct {
    db_delegation_t *rows;
    int n;
    engine_delegation_t *eng;
    char (*period)[128]; /* "5 Januari 2027 s.d. 9 Januari 2027" per row */
} flow_deleg_t;

/* Loads the caller's delegations into cmd and, when one is active and instance_id names an
 * instance, whether the caller already acted in its current round. false with o saying why (a
 * database failure). The caller clears d either way (flow_deleg_clear). */
bool flow_delegations(cmd_ctx_t *ctx, int64_t instance_id, engine_cmd_t *cmd, flow_deleg_t *d,
                      outcome_t *o);
void flow_deleg_clear(flow_deleg_t *d);

/* Frees what flow_apply allocated, f->out included. */
void flow_clear(flow_t *f);

#endif
