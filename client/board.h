/* board — the model of the secretariat's board, shared by its faces (lkip monitor in a terminal,
 * lkip monitor --once as text or JSON, and the page of lkip monitor --web): the last snapshot of
 * the board request, the user's pushed events applied to it as they arrive, the strip of the last
 * events, the state of the connection, the overdue-only filter and the selection, and how every
 * cell reads in Indonesian. Pure: no sockets, no terminal; time comes from the caller (local unix
 * seconds), so the model stays testable. The main thread only.
 *
 * How it stays right: a snapshot is the truth; an event changes what it says at once (a row
 * turns overdue, a reminder or a return is counted, a unit's data is in, a finished instance
 * goes) and asks for a fresh snapshot (board_wants_snapshot), as does a reconnection; and at the
 * earliest due time of the board a row turns overdue by time alone, so the board asks then too
 * (board_next_due). Between them nothing is polled. */
#ifndef LKIP_BOARD_H
#define LKIP_BOARD_H

#include "wire.h"

#include <jansson.h>

#define BOARD_STRIP 50 /* events kept for the strip */

typedef struct board board_t;

/* The connection as the face shows it. */
typedef enum {
    BOARD_CONNECTING,   /* before the first snapshot */
    BOARD_LIVE,         /* subscribed; the board follows the events */
    BOARD_DISCONNECTED, /* the connection dropped or was refused: the board may be stale */
} board_conn_t;

/* Caller owns the result. */
board_t *board_new(void);
void board_destroy(board_t **self_p);

/* Takes the snapshot from *reply (a reply envelope carrying a BoardReply; nulled) at local time
 * now (unix seconds): the clock offset to the daemon is kept for board_now. Clears the wish for
 * a snapshot. */
void board_set_snapshot(board_t *self, Lkip__Envelope **reply, int64_t now);
/* The snapshot; NULL before the first. */
const Lkip__BoardReply *board_snapshot(const board_t *self);
/* The daemon's time now, from local time now and the offset seen at the last snapshot. */
int64_t board_now(const board_t *self, int64_t now);

/* Applies a pushed event (see above) and puts it on the strip. A board hint (seq 0: something
 * changed in the organisation that the user was not told of) only makes the board want a fresh
 * snapshot. */
void board_apply_event(board_t *self, const Lkip__Event *ev);
/* True when a fresh snapshot should be asked for (an event, a reconnection, a due time passed
 * at daemon time board_now). */
bool board_wants_snapshot(const board_t *self, int64_t now);
/* Asks for a fresh snapshot (a reconnection, the user's "r"). */
void board_invalidate(board_t *self);
/* The earliest due time (daemon seconds) after the snapshot's time among rows not overdue, or
 * 0: at that time the board asks for a snapshot by itself. */
int64_t board_next_due(const board_t *self);

/* The strip: n events, 0 the newest. Lines are clitext_event's. */
int board_strip_count(const board_t *self);
const char *board_strip_line(const board_t *self, int i);

void board_set_conn(board_t *self, board_conn_t conn, const char *why);
board_conn_t board_conn(const board_t *self);
/* Why the connection is down ("" when it is not), for the banner. */
const char *board_conn_why(const board_t *self);

/* The rows shown: all, or only overdue ones ("t"). rows[i] point into the snapshot. */
void board_set_overdue_only(board_t *self, bool on);
bool board_overdue_only(const board_t *self);
int board_rows(const board_t *self, const Lkip__BoardRow ***rows);
/* The selected row among those shown (kept on the same instance across snapshots). */
int board_selected(const board_t *self);
void board_select(board_t *self, int index);
void board_move(board_t *self, int delta);
int64_t board_selected_instance(const board_t *self);

/* How one row reads. */
typedef struct {
    char sop[80];       /* "LKIP/2026" */
    char step[96];      /* "4/11 Himpun data unit" */
    char holder[256];   /* "staf: staf", "kepala_dinas: sekretaris selaku Plh. Kepala Dinas" */
    char assigned[48];  /* "2 Des 10:00" */
    char due[48];       /* "3 Des 13:00", "-" */
    char left[64];      /* "sisa 2 jam 30 menit", "lewat 1 jam", "-" */
    char reminders[16]; /* "1" */
    char returns[16];   /* "0" */
    bool overdue;
} board_cells_t;
void board_row_cells(const board_t *self, const Lkip__BoardRow *row, board_cells_t *out);

/* How one unit of a collection reads: "IKP terkirim 2 Des 10:05 v2", "APTIKA belum",
 * "STATISTIK terlambat". */
void board_unit_cell(const board_t *self, const Lkip__BoardUnit *u, char *buf, size_t len);

/* "Papan pemantauan DKIP: 3 SOP berjalan, 1 terlambat (per Rab, 2 Des 2026 10:00 WITA)".
 * Caller frees. */
char *board_title(const board_t *self);

/* The whole board as text (lkip monitor --once): the title, a table of the rows shown, each
 * collection's units under its row, and the strip when it has events. Caller frees. */
char *board_text(const board_t *self);

/* The board as JSON (--once --json): the snapshot's fields, and for each row its cells as
 * they read ("text"), each unit with its cell ("text"). Caller owns the result. */
json_t *board_json(const board_t *self);

/* The board as a face draws it (lkip monitor --web): board_json's fields with only the rows
 * shown, and "title" (board_title), "connection" ("connecting", "live", "disconnected"),
 * "connection_why", "message" (a passing message of the face; may be NULL) and "strip" (the
 * event lines, newest first). Caller owns the result. */
json_t *board_view_json(const board_t *self, const char *message);

#endif
