/* outcome — what a layer below the handlers (flow, drafts, formats) has to say about a request,
 * without answering it: an answer (status, stable English code, Indonesian message) or a
 * database call that failed (and what it was doing). Only a handler turns it into the reply
 * (cmd_reply_outcome, cmd.h), so that persistence never answers the client. Any thread; an
 * outcome belongs to one request. */
#ifndef LKIP_OUTCOME_H
#define LKIP_OUTCOME_H

#include "util.h"

typedef enum {
    OUTCOME_NONE,      /* nothing said: the handler answers itself */
    OUTCOME_ANSWER,    /* status, code and message: the answer (an acceptance or a refusal) */
    OUTCOME_DB_FAILED, /* a database call failed doing what; the connection still holds the
                        * error (cmd_db_failed reads it), so nothing may query in between */
} outcome_kind_t;

typedef struct {
    outcome_kind_t kind;
    int status;       /* OUTCOME_ANSWER: an Lkip__Status */
    const char *code; /* OUTCOME_ANSWER: a stable English code (a literal) */
    char *message;    /* OUTCOME_ANSWER: Bahasa Indonesia (owned) */
    const char *what; /* OUTCOME_DB_FAILED: what failed, in English, for the log (a literal) */
} outcome_t;

/* Sets the answer (printf-style message), replacing what o said before. */
void outcome_say(outcome_t *o, int status, const char *code, const char *fmt, ...) PRINTF(4, 5);

/* Records that a database call failed doing what (a literal), replacing what o said before. */
void outcome_db_failed(outcome_t *o, const char *what);

/* Frees the message; o says nothing again. */
void outcome_clear(outcome_t *o);

#endif
