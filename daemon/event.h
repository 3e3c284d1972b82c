/* event — the one builder of the events lkipd sends (workflow changes, timers, moved deadlines):
 * the kind as enum (Event.type) and as name (Event.kind, from eventkind's table) and what the
 * event is about. The caller then adds what only it knows (text, due time, unit) and queues the
 * event (outq_add). Pure; any thread. */
#ifndef LKIP_EVENT_H
#define LKIP_EVENT_H

#include "lkip.pb-c.h"

#include <stdint.h>

/* What an event is about. Strings are borrowed (the event points at them); NULL reads "". */
typedef struct {
    int64_t at; /* unix seconds of the change */
    int64_t instance_id;
    const char *org_code;
    const char *time_zone;
    const char *sop_code;
    const char *period;
    int step_no; /* 0: none */
    const char *step_title;
    const char *actor;          /* who caused it; NULL for the daemon's own (timers) */
    const char *actor_capacity; /* the actor acted for another official; NULL: own role */
} event_about_t;

/* The text kinds an event's text can have (Event.text_kind). */
#define EVENT_TEXT_NOTE             "note"
#define EVENT_TEXT_REASON           "reason"
#define EVENT_TEXT_LETTER           "letter_number"
#define EVENT_TEXT_ARCHIVE          "archive_sha256"
#define EVENT_TEXT_LATE_ACTOR       "late_actor"
#define EVENT_TEXT_DRAFT            "draft" /* the draft's file names */
#define EVENT_TEXT_AUTOMATIC        "automatic"
#define EVENT_TEXT_HOLIDAYS_MISSING "holidays_missing"

/* Fills ev (initialised first) with type and about. type must be a kind of the enum other than
 * EVENT_NONE (a programmer error otherwise: abort). */
void event_make(Lkip__Event *ev, Lkip__EventKind type, const event_about_t *about);

#endif
