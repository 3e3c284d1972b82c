/* statefile — the small files lkip keeps under its config folder (watch's position in the event
 * stream, changes still waiting for an answer): always replaced whole and atomically (a
 * temporary file beside the target, fsync, rename), mode 0600, in folders made with 0700. The
 * two halves of a write are apart so that a caller can do something between them: watch writes
 * the new position before it prints an event and renames it into place right after. */
#ifndef LKIP_STATEFILE_H
#define LKIP_STATEFILE_H

#include "util.h"

/* Writes data to a new temporary file beside path (creating path's folder when missing) and
 * fsyncs it. Returns 0 with *tmp its name (caller passes it to statefile_commit or
 * statefile_abandon), or a negative errno. */
int statefile_prepare(const char *path, const void *data, size_t len, char **tmp) WUR;

/* Renames *tmp over path, syncs the folder, frees and nulls *tmp. Returns 0 or a negative
 * errno (the temporary file is then removed). */
int statefile_commit(char **tmp, const char *path) WUR;

/* Removes a prepared file that will not be committed; frees and nulls *tmp. Accepts NULL. */
void statefile_abandon(char **tmp);

/* statefile_prepare and statefile_commit in one. Returns 0 or a negative errno. */
int statefile_write(const char *path, const void *data, size_t len) WUR;

#endif
