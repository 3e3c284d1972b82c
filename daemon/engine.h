/* engine — the transition logic of an SOP instance, pure C over plain structs: the state of an
 * instance and a command from an actor go in; a verdict (status, stable code, Indonesian
 * message) and the list of effects to persist come out. No database, no clock, no I/O: db_flow
 * loads the state, calls engine_apply and carries the effects out in the same transaction.
 * Nothing here knows LKIP: step kinds, roles and return targets come from the definition. Any
 * thread. */
#ifndef LKIP_ENGINE_H
#define LKIP_ENGINE_H

#include "lkip.pb-c.h"
#include "sopdef.h"

/* An instance as the engine needs to see it. */
typedef struct {
    const sopdef_t *def;
    bool active;         /* false once finished */
    int current_step;    /* the open step (1..n); 0 when finished */
    bool doc_in_round;   /* a document version was uploaded during the open run */
    bool draft_in_round; /* the LKIP draft was written during the open run */
    bool has_document;   /* any document version exists */
    int units_total;     /* unit data tasks opened by the fan-out */
    int units_submitted; /* ... of which submitted */
} engine_instance_t;

typedef enum {
    ENGINE_START,   /* open an instance; the actor of step 1 completes step 1 */
    ENGINE_DONE,    /* complete the open step (task, fan-out, fan-in close, ...) */
    ENGINE_APPROVE, /* decision step: accept */
    ENGINE_RETURN,  /* decision step: return with a reason */
    ENGINE_SUBMIT,  /* a unit's performance data */
    ENGINE_UPLOAD,  /* a document version for the open step */
    ENGINE_DRAFT,   /* write the LKIP draft again: at the draft_lkip step or the one after it */
} engine_cmd_kind_t;

/* The state of the caller's unit data task, for ENGINE_SUBMIT. */
typedef enum {
    ENGINE_UNIT_NO_TASK, /* the caller's unit has no task in this instance */
    ENGINE_UNIT_OPEN,
    ENGINE_UNIT_SUBMITTED, /* resubmission replaces the data while the fan-in is open */
    ENGINE_UNIT_MISSING,   /* closed as missing by the fan-in */
} engine_unit_state_t;

/* A capacity in which the caller may act for another official: a delegation (Plh./Plt.) whose
 * delegator holds role. */
typedef struct {
    const char *role;     /* the delegator's role, acted for */
    const char *capacity; /* as recorded everywhere: "Plh. Kepala Dinas" */
    const char *period;   /* for messages: "5 Januari 2027 s.d. 9 Januari 2027" */
    bool active;          /* today (in the organisation's zone) lies in the period */
} engine_delegation_t;

typedef struct {
    engine_cmd_kind_t kind;
    int step_no;                    /* the step the caller acts on; must be the open one */
    const char *role;               /* caller's own role code */
    const char *text;               /* note, or the reason of a return */
    engine_unit_state_t unit_state; /* ENGINE_SUBMIT */
    int n_delegations;              /* the caller's delegations, active or not */
    const engine_delegation_t *delegations;
    bool acted_in_round; /* the caller already acted on the instance since it was last returned
                          * (or since its start): a delegate may not then act for another
                          * official, so no one corrects and approves their own work */
} engine_cmd_t;

typedef enum {
    EFF_FINISH_STEP,         /* close the open run: outcome */
    EFF_OPEN_STEP,           /* open a new run of step (its round counts the runs) */
    EFF_OPEN_UNIT_TASKS,     /* one data task per active unit, for role unit_role */
    EFF_MAKE_UNIT_FORMATS,   /* make the data format each unit fills (a format_unit step) */
    EFF_RECORD_UNIT_DATA,    /* store the submitted data (replacing the unit's current) */
    EFF_CLOSE_MISSING_UNITS, /* mark still-open unit tasks missing */
    EFF_ALLOCATE_LETTER,     /* next letter number of the organisation */
    EFF_ARCHIVE,             /* record the newest document and its hash */
    EFF_STORE_DOCUMENT,      /* store the uploaded version for the open run */
    EFF_MAKE_DRAFT,          /* write the LKIP draft as a document version of the open run */
    EFF_FINISH_INSTANCE,     /* mark the instance done */
    EFF_NOTIFY,              /* queue an event for the recipients below */
} engine_effect_kind_t;

typedef enum {
    OUTCOME_DONE,     /* completed */
    OUTCOME_APPROVED, /* decision accepted */
    OUTCOME_RETURNED, /* decision returned */
    OUTCOME_CLOSED,   /* fan-in closed with units missing */
} engine_outcome_t;

/* Who an event goes to. */
typedef enum {
    TO_STEP_ACTOR,   /* users holding the actor role of step */
    TO_WATCHERS,     /* the definition's watcher role */
    TO_PARTICIPANTS, /* every role acting in any step, and the watchers */
} engine_audience_t;

/* What text an event carries. */
typedef enum {
    TEXT_NONE,
    TEXT_COMMAND,   /* the command's note or reason */
    TEXT_LETTER,    /* the letter number just allocated */
    TEXT_ARCHIVE,   /* the archived document's SHA-256 */
    TEXT_AUTOMATIC, /* the step closed by itself: ENGINE_AUTOMATIC_NOTE, no person as actor */
} engine_text_t;

/* What a step that closed by itself records instead of a person (the collection step when the
 * last unit sends its data). */
#define ENGINE_AUTOMATIC_NOTE "otomatis: semua unit telah mengirim"

#define ENGINE_MAX_AUDIENCE 3
typedef struct {
    engine_effect_kind_t kind;
    int step_no;              /* FINISH/OPEN/NOTIFY: the step concerned */
    engine_outcome_t outcome; /* FINISH */
    bool automatic;           /* FINISH: closed by itself, no person acted (TEXT_AUTOMATIC) */
    Lkip__EventKind event;    /* NOTIFY: what the event says happened */
    int n_audience;
    engine_audience_t audience[ENGINE_MAX_AUDIENCE];
    int audience_step[ENGINE_MAX_AUDIENCE]; /* the step whose actor TO_STEP_ACTOR means */
    engine_text_t text;                     /* NOTIFY: what the event's text is */
} engine_effect_t;

#define ENGINE_MAX_EFFECTS 24
typedef struct {
    int status;           /* 200/201 accepted; 4xx refused (no effects) */
    const char *code;     /* stable English code */
    const char *capacity; /* accepted under a delegation: its capacity ("Plh. Kepala Dinas");
                           * NULL when the caller acted in its own role */
    char message[512];    /* Bahasa Indonesia */
    int n_effects;
    engine_effect_t effects[ENGINE_MAX_EFFECTS];
} engine_result_t;

/* Decides cmd against inst. On acceptance (status < 400) fills the effects in the order they
 * must be applied. inst is not modified. */
void engine_apply(const engine_instance_t *inst, const engine_cmd_t *cmd, engine_result_t *out);

/* Name of an outcome as stored ("done", "approved", "returned", "closed"). */
const char *engine_outcome_name(engine_outcome_t outcome);

#endif
