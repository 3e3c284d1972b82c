/* xfer — documents to and from lkipd in chunks of WIRE_CHUNK bytes with XFER_WINDOW requests in
 * flight (credit-based flow control: each download request says how much the client holds, and
 * the daemon keeps at most 1 MiB unreceived per connection). Resumable: an upload is staged
 * under an id derived from its content, so sending the same file again goes on where it
 * stopped; a download writes PATH.part and goes on from it when run again. A request that gets
 * no answer is sent again with the same request_id, so a reconnect in between costs nothing.
 * Used by the lkip command and by tests. Any thread that owns the connection. */
#ifndef LKIP_XFER_H
#define LKIP_XFER_H

#include "lkipc.h"

#include <stdbool.h>

#define XFER_WINDOW 8 /* requests in flight: 512 KiB of the daemon's 1 MiB credit */

/* Why a transfer failed: a refusal by the daemon (status >= 400 and its code and message), or
 * a local or transport failure (status 0; rc tells which transport failure, 0 for local). */
typedef struct {
    int status;
    lkipc_rc_t rc;
    char code[64];
    char message[512];
} xfer_error_t;

/* Stages data (more than one chunk) for an UploadRequest naming *upload_id (derived from the
 * content, so a second run resumes) and fills sha (lower-case hex). Returns 0, or -1 with err. */
int xfer_stage(lkipc_t *c, const uint8_t *data, size_t len, uint64_t *upload_id, char sha[65],
               xfer_error_t *err) WUR;

/* Downloads version (0: the newest) of instance to path, through path.part: an earlier
 * interrupted run of the same version is continued. Refuses to replace an existing path
 * unless force. Checks the SHA-256. *info gets the version's description (caller frees with
 * lkip__document_info__free_unpacked). Returns 0, or -1 with err. */
int xfer_download(lkipc_t *c, const char *instance, int version, const char *path, bool force,
                  Lkip__DocumentInfo **info, xfer_error_t *err) WUR;

#endif
