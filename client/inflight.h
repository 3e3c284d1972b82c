/* inflight — changes whose outcome lkip does not know. When lkip gives up on a change (no
 * answer, or "503, try again" for its whole retry window), the change may or may not have been
 * made; sending it again as a new request could make it twice (a second document version) or be
 * refused (the step moved on). So lkip saves it: the command line that sent it (a digest), the
 * request_id, a digest of the request and the step it aimed at, in <state dir>/pending/, one
 * file per command line and user (mode 0600, written atomically). Running the same command
 * again within INFLIGHT_TTL_S sends the same request with the same request_id, which lkipd
 * answers with the original answer when the change was made, and makes it when it was not. The
 * entry goes once a final answer came. Used by the lkip command (cli.c); one thread. */
#ifndef LKIP_INFLIGHT_H
#define LKIP_INFLIGHT_H

#include "wire.h"

/* How long a saved change is sent again by the same command (lkipd keeps stored replies for
 * retention_days, 30 by default). */
#define INFLIGHT_TTL_S (24 * 3600)

typedef struct inflight inflight_t;

/* Opens the record of one command line, argv[0..argc) (argv[0] the subcommand), run by the user
 * with public_key (Z85), in dir/pending. A saved entry younger than INFLIGHT_TTL_S at now (unix
 * seconds) is loaded; an older or unreadable one is removed. Caller owns the result. */
inflight_t *inflight_open(const char *dir, const char *public_key, int argc, char *const *argv,
                          int64_t now);
void inflight_destroy(inflight_t **self_p);

/* True while an entry is loaded: an earlier run of this command line gave up on a change. */
bool inflight_pending(const inflight_t *self);

/* The file of the record (for messages). */
const char *inflight_path(const inflight_t *self);

/* Before req is sent: when it is the saved change (same request), gives it the saved request_id
 * and returns true. A different request (a file edited since) drops the entry and returns false:
 * it goes as a new request. */
bool inflight_adopt(inflight_t *self, Lkip__Envelope *req);

/* req got a final answer: the entry, if any, goes. Returns 0 or a negative errno. */
int inflight_settle(inflight_t *self) WUR;

/* lkip gave up on req: saves it as this command line's entry (keeping the time of a loaded one,
 * else now). Returns 0 or a negative errno. */
int inflight_save(inflight_t *self, const Lkip__Envelope *req, int64_t now) WUR;

#endif
