/* notifytext — what a desktop notification of an event says (lkip watch --notify): an
 * Indonesian title and body, and an urgency by kind (an overdue step and an escalation are
 * critical). Pure: no desktop, no I/O; desknotify shows it. */
#ifndef LKIP_NOTIFYTEXT_H
#define LKIP_NOTIFYTEXT_H

#include "wire.h"

typedef enum {
    NOTIFYTEXT_LOW,      /* for information: a step done elsewhere, data or a document came in */
    NOTIFYTEXT_NORMAL,   /* asks something of the recipient: a task, a return, a reminder */
    NOTIFYTEXT_CRITICAL, /* late: the step is overdue, or escalated to the recipient */
} notifytext_urgency_t;

typedef struct {
    char *title; /* one line, e.g. "Tugas baru: LKIP/2026 langkah 5" */
    char *body;  /* a few lines: the step, who, the reason or note, the due time */
    notifytext_urgency_t urgency;
} notifytext_t;

/* Builds the notification of ev into out (owned strings: notifytext_clear). The kind is the
 * event's type, or its kind name from an older daemon. */
void notifytext_build(const Lkip__Event *ev, notifytext_t *out);
void notifytext_clear(notifytext_t *n);

/* The title's opening words ("Tugas baru") and the body's first sentence for kind (NULL when
 * its text says all, as for holidays_missing); NULL for EVENT_NONE and values outside the enum. */
const char *notifytext_title(Lkip__EventKind kind);
const char *notifytext_what(Lkip__EventKind kind);

/* "low", "normal", "critical". */
const char *notifytext_urgency_name(notifytext_urgency_t u);

#endif
