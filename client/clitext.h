/* clitext — how lkip words things for people: times in the organisation's zone with
 * Indonesian day and month names, durations, and one line per event. */
#ifndef LKIP_CLITEXT_H
#define LKIP_CLITEXT_H

#include "wire.h"

#include <stdio.h>

/* "Sel, 17 Mar 2026 14:00 WITA" for utc seconds in zone ("" or NULL: the system's zone; a zone
 * this machine's tz database lacks: UTC, shown as such); "-" for 0. Any thread: TZ is only read
 * (the system's zone), never set. */
void clitext_time(int64_t utc, const char *zone, char *buf, size_t len);

/* "17 Mar 14:00" (with the year, "17 Mar 2027 14:00", when it is not the year of now) for utc
 * seconds in zone; "-" for 0. For tables. */
void clitext_time_short(int64_t utc, int64_t now, const char *zone, char *buf, size_t len);

/* "2026-12-02T14:00:00+08:00": utc seconds as ISO 8601 in zone ("" or NULL: the system's);
 * "" for 0. */
void clitext_iso(int64_t utc, const char *zone, char *buf, size_t len);

/* "2 jam 30 menit"; "0 menit" for 0; negatives as "lewat 1 jam". */
void clitext_minutes(int64_t minutes, char *buf, size_t len);

/* One line describing an event, without a trailing newline. Caller frees. The kind is the
 * event's type, or its kind name from an older daemon; an unknown kind shows its name. */
char *clitext_event(const Lkip__Event *ev);

/* The bracketed label of an event kind in that line ("TUGAS"); NULL for EVENT_NONE and values
 * outside the enum. */
const char *clitext_event_label(Lkip__EventKind kind);

/* "sekretaris selaku Plh. Kepala Dinas" when the user acted for another official (capacity not
 * empty), else the name alone. Returns buf. */
const char *clitext_actor(const char *name, const char *capacity, char *buf, size_t len);

/* Indonesian word for a step run's state or outcome ("selesai", "dikembalikan", ...). */
const char *clitext_state(const char *state, const char *outcome);

/* Prints refused cells to stderr, one line each: the cell ("PK!E7", or "baris 3, kolom 7
 * (target)" in a CSV), the reason, the code. */
void clitext_cell_errors(Lkip__CellError *const *errors, size_t n);

/* s in exactly width columns of a text table (UTF-8 characters counted, not bytes): padded with
 * spaces, or cut with "…" as its last column when longer. Returns buf (len >= 4 * width + 1). */
const char *clitext_fit(const char *s, int width, char *buf, size_t len);

/* Prints the cells of an accepted submission that were probably not meant as written (stdout). */
void clitext_cell_warnings(Lkip__CellError *const *warnings, size_t n);
/* An instance's status as lkip status prints it: the header, and with detail the timeline of its
 * steps, the units' data and the document versions. */
void clitext_status(FILE *out, const Lkip__InstanceStatus *s, bool detail);

#endif
