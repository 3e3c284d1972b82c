/* evexec — lkip watch --exec: hands one event to a command (the bridge to e-mail, WhatsApp or
 * Telegram gateways). The command runs with /bin/sh -c in a process group of its own, with the
 * event in environment variables and as one JSON object on its standard input:
 *
 *   LKIP_EVENT_SEQ        the event's sequence number for this user (a bridge de-duplicates
 *                         by it: see below)
 *   LKIP_EVENT_KIND       step_assigned, returned, reminder, overdue, escalation, ...
 *   LKIP_EVENT_INSTANCE   the instance's number; LKIP_EVENT_SOP its "LKIP/2026"
 *   LKIP_EVENT_STEP       the step's number ("" when none); LKIP_EVENT_STEP_TITLE its uraian
 *   LKIP_EVENT_DUE        the due time, ISO 8601 in the organisation's zone ("" when none)
 *   LKIP_EVENT_TEXT       the notification as one Indonesian line, as lkip watch prints it
 *   LKIP_EVENT_RECIPIENT  the user it is for (with " selaku CAPACITY" for a delegate)
 *
 * The event counts as delivered only when the command exits 0. A command that fails or runs
 * past its timeout (then its whole group is killed) is run again after a pause that doubles
 * from backoff_ms (at most a minute); after `attempts` failures the event is logged as
 * undelivered (stderr and one JSON line in the undelivered file) and watch moves on. Later
 * events wait meanwhile, in order: none is lost or skipped.
 *
 * Exactly once while watch runs; across a crash of watch (kill -9, power cut) after the command
 * did its work but before watch stored that, the same event comes again with the SAME
 * LKIP_EVENT_SEQ: the only duplicate there can be. The main thread only. */
#ifndef LKIP_EVEXEC_H
#define LKIP_EVEXEC_H

#include "wire.h"

#include <signal.h>

typedef struct {
    const char *command;          /* for /bin/sh -c */
    int attempts;                 /* runs before the event is given up (>= 1) */
    int timeout_ms;               /* per run */
    int backoff_ms;               /* the first pause after a failure */
    const char *recipient;        /* the user, for LKIP_EVENT_RECIPIENT */
    const char *undelivered_path; /* where given-up events are appended (JSON lines) */
    void (*keepalive)(void *arg); /* called every few ms while waiting (may be NULL) */
    void *arg;
    volatile sig_atomic_t *stop; /* set by a signal: give up at once (event not delivered) */
} evexec_opts_t;

/* Delivers ev to the command as above. Returns 0 when the command took it or it was given up
 * (logged as undelivered): either way the stream moves on; -1 when stopped meanwhile (the
 * event must come again). */
int evexec_deliver(const evexec_opts_t *o, const Lkip__Event *ev);

/* The JSON the command reads on its standard input (the event's fields, plus "recipient" and
 * "line"). Caller frees. */
char *evexec_json(const Lkip__Event *ev, const char *recipient);

#endif
