/* httpc — a small HTTP client over a plain TCP socket, for the tests of lkip monitor --web (no
 * HTTP library in the project's packages): one request per connection (an answer ends at its
 * Content-Length or when the server closes it), and an event stream asked for as HTTP/1.0 so
 * that it arrives without chunked framing. Headers
 * are sent as given (a test chooses its own Host, Origin, Cookie, even wrong ones). Also speaks
 * the JSON requests of a WebDriver (chromedriver) for the browser test. Any thread. */
#ifndef LKIP_HTTPC_H
#define LKIP_HTTPC_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    int status; /* 0 when no answer came */
    char *head; /* the status line and headers as received */
    char *body; /* NUL-terminated */
    size_t body_len;
} httpc_reply_t;

/* Sends method path to 127.0.0.1:port with headers ("Name: value", NULL-terminated; may be
 * NULL) and body (may be NULL), and reads the whole answer within timeout_ms. Returns 0, or -1
 * when it could not connect or the answer did not come in time (out->status 0). Caller frees
 * with httpc_reply_free. */
int httpc_request(unsigned port, const char *method, const char *path, const char *const *headers,
                  const char *body, int timeout_ms, httpc_reply_t *out);
void httpc_reply_free(httpc_reply_t *r);

/* The value of header name in a reply (case-insensitive name); NULL when absent. Caller
 * frees. */
char *httpc_header(const httpc_reply_t *r, const char *name);

/* An open GET whose answer keeps coming (an event stream). */
typedef struct httpc_stream httpc_stream_t;

/* Sends GET path with headers and reads the status line and headers (within timeout_ms).
 * NULL when it could not connect. Caller owns the result. */
httpc_stream_t *httpc_stream_open(unsigned port, const char *path, const char *const *headers,
                                  int timeout_ms);
void httpc_stream_close(httpc_stream_t **self_p);
int httpc_stream_status(const httpc_stream_t *s);
const char *httpc_stream_head(const httpc_stream_t *s);

/* The next whole Server-Sent Events message (up to its blank line) within timeout_ms: its
 * "event" field (or "" for a comment-only message) and its data lines joined by newlines (both
 * caller frees). Returns 1, 0 when none came in time, -1 when the stream ended. */
int httpc_stream_next(httpc_stream_t *s, int timeout_ms, char **event, char **data);

/* Everything received so far after the headers (raw, for failure messages). */
const char *httpc_stream_text(const httpc_stream_t *s);

#endif
