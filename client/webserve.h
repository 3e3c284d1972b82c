/* webserve — the HTTP face of lkip monitor --web: a libmicrohttpd server inside the client
 * process serving the board page (the files of client/web/, embedded at build time), the board
 * as JSON (GET /board.json) and the board's changes as Server-Sent Events (GET /events). It
 * knows nothing of lkipd: the caller publishes the board (text it made from the board model)
 * and every open stream sends it on. Read-only: nothing here can change anything in lkipd.
 *
 * Safety (the rules are webhttp.h's): every request's Host must name this server (DNS
 * rebinding), a request with an Origin must come from the page itself, and everything but the
 * page's own static files and the login form needs the access token, given once in the URL
 * (?token=..., then kept in a cookie HttpOnly, SameSite=Strict, and the URL cleaned by a
 * redirect), typed into the login form, or sent by tools as "Authorization: Bearer ...". Every
 * response carries a Content-Security-Policy that allows only the page's own script and style,
 * and asks browsers not to frame it, sniff it, cache it or send its address to other sites.
 *
 * Threads: libmicrohttpd serves each connection on a thread of its own (an event stream waits
 * there for the next board, a timeline for its answer); webserve_publish, webserve_question and
 * webserve_answer may be called from any one thread, the main thread in lkip. */
#ifndef LKIP_WEBSERVE_H
#define LKIP_WEBSERVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct webserve webserve_t;

typedef struct {
    const char *host;         /* numeric address to listen on ("127.0.0.1", "::1", "0.0.0.0") */
    unsigned port;            /* 0: any free port (webserve_port says which) */
    const char *token;        /* the access token (copied) */
    const char *const *names; /* host names accepted besides IP literals and localhost; may be
                                 NULL (NULL-terminated; copied) */
} webserve_conf_t;

/* Starts listening. Returns NULL with the reason in err (Indonesian) when it cannot. Caller
 * owns the result. */
webserve_t *webserve_new(const webserve_conf_t *conf, char *err, size_t len);

/* Stops listening, ends every event stream and waits for the connections' threads. Accepts
 * NULL; nulls the caller's pointer. */
void webserve_destroy(webserve_t **self_p);

/* The port listened on. */
unsigned webserve_port(const webserve_t *self);

/* Publishes the board: view is the JSON the page draws (sent to every event stream as an
 * event "board"), board the JSON of GET /board.json, text the board as plain text (the page
 * without JavaScript). Takes ownership of the three strings. */
void webserve_publish(webserve_t *self, char *view, char *board, char *text);

/* A page's question for the thread that talks to lkipd (GET /timeline/N: the timeline of an
 * instance, as lkip status prints it): the instance asked about, or 0 when none waits. One
 * question at a time; the page waits up to 15 seconds for its answer. */
int64_t webserve_question(webserve_t *self);

/* Answers the question about instance id: an HTTP status (200, or the refusal's) and the text
 * (taken). An answer to a question no longer waiting is dropped. */
void webserve_answer(webserve_t *self, int64_t id, unsigned status, char *text);

/* How many event streams are open (for tests and the log). */
int webserve_streams(webserve_t *self);

#endif
