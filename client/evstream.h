/* evstream — the user's event stream as lkip watch and lkip monitor follow it: the position
 * (the last sequence taken, kept per key in a state file), the subscription after it, duplicates
 * of a resend dropped by sequence, acknowledgements, keepalives, and a new subscription whenever
 * the connection was made again (a daemon restart, a network break), paced after failures.
 * What the stream's troubles look like to people is the caller's: it gets them through hooks.
 *
 * Taking an event: evstream_take writes (and syncs) the new position to a temporary file, hands
 * the event to the caller's deliver function, and only when that succeeded renames the position
 * into place and acknowledges the event. So a consumer killed while delivering, or between its
 * delivery and the rename, gets the same event again at its next start, with the same sequence
 * number: at least once across a crash, exactly once while it runs. The main thread only. */
#ifndef LKIP_EVSTREAM_H
#define LKIP_EVSTREAM_H

#include "cli.h"

typedef struct evstream evstream_t;

typedef struct {
    /* The stream's state changed: "disconnected" (told once per outage) or "reconnected"
     * (subscribed again after a trouble); last is the last sequence taken. */
    void (*state)(void *arg, const char *state, uint64_t last);
    /* Something went wrong: the reply's status (0 when there was no reply), its stable code and
     * its message; retrying says whether the stream goes on. The same code twice in a row is
     * told once. */
    void (*error)(void *arg, int status, const char *code, const char *message, bool retrying);
} evstream_hooks_t;

/* Opens the stream of cli's connection (which must be open) and loads its position from the
 * state file named position ("last-seq" for watch; a consumer of its own, such as monitor, keeps
 * its own file, so that each gets every event). hooks may have NULL members. Caller owns the
 * result. */
evstream_t *evstream_new(cli_t *cli, const char *position, const evstream_hooks_t *hooks,
                         void *arg);
void evstream_destroy(evstream_t **self_p);

/* Subscribes after the position, within the connection's retry window (as any request), then
 * sets that window to 0: from then on the stream paces its own attempts and tells what happens.
 * Returns EXIT_OK or the EXIT_ status of the failure (told through the hooks). */
int evstream_start(evstream_t *self);

/* Asks for board hints too (before evstream_start): events with seq 0 and kind "board_changed"
 * saying that something changed in the organisation. evstream_next returns them like events;
 * evstream_take delivers them without storing a position or acknowledging them. */
void evstream_board_hints(evstream_t *self);

/* Waits up to timeout_ms for the next event not taken yet, following the connection meanwhile
 * (subscribing again on a new one, keepalives). Returns 1 with *event owned by the caller (then
 * evstream_take or evstream_skip it), 0 when none came, or a negative EXIT_ status when the
 * stream cannot go on (a local socket error). */
int evstream_next(evstream_t *self, int timeout_ms, Lkip__Envelope **event);

/* Delivers one event: deliver(arg, event) returns 0 when the event reached its consumer
 * (printed, handed to a command) and anything else when it did not and must come again (the
 * position and the acknowledgement stay). Returns deliver's result; a position that cannot be
 * stored is told on stderr and the event still counts as taken. */
typedef int (*evstream_deliver_fn)(void *arg, const Lkip__Event *event);
int evstream_take(evstream_t *self, const Lkip__Event *event, evstream_deliver_fn deliver,
                  void *arg);

/* Sends a keepalive (the acknowledgement of the position) when the last one is 5 s old: a
 * consumer that spends long on one event calls it meanwhile, so the daemon keeps the session. */
void evstream_keepalive(evstream_t *self);

/* The last sequence taken; whether the stream is subscribed on a live connection now. */
uint64_t evstream_last(const evstream_t *self);
bool evstream_live(const evstream_t *self);

/* The state folder file holding the position of cli's key (caller frees): "last-seq-<hex>",
 * or "<name>-<hex>" for another file of the same key (name "undelivered"). */
char *evstream_key_path(const cli_t *cli, const char *name);

#endif
