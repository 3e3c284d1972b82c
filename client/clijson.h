/* clijson — under --json every outcome of lkip is one JSON object on stdout (issue 9): a
 * command prints its reply (accepted or refused) itself; for every other outcome (unreachable,
 * server error without a reply, a local usage error) the first "lkip: ..." line written to
 * stderr becomes {"status": 0, "code": ..., "message": ..., "exit": N} on stdout at the end.
 * stderr keeps its text for people; exit codes do not change. */
#ifndef LKIP_CLIJSON_H
#define LKIP_CLIJSON_H

#include <stddef.h>

/* Starts watching stdout and stderr (replaces both streams, writing through to fd 1 and 2). */
void clijson_begin(void);

/* Ends watching; when rc is not 0 and nothing was printed on stdout, prints the outcome as one
 * JSON object there. Returns rc. */
int clijson_end(int rc);

/* Stops watching without printing anything: for watch and monitor, whose stdout under --json
 * carries only their own lines (events, the board). */
void clijson_cancel(void);

/* The code and message of one "lkip: ..." line: "[409 no_open_step]" or "[bad_number]" anywhere
 * in it (the last bracket pair with a code in it), the rest as the message. status is the number
 * before the code, 0 when none. Writes into code and message (truncated to their sizes). */
void clijson_parse_line(const char *line, int *status, char *code, size_t code_len, char *message,
                        size_t message_len);

#endif
