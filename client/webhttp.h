/* webhttp — the rules of lkip monitor --web's HTTP port, kept apart from the server (webserve.c)
 * so that each is tested alone: which Host headers are ours (against DNS rebinding), which
 * Origin is the page's own, the access token (compared in constant time, carried by a cookie
 * named after the port), the listening address, Server-Sent Events framing, and HTML escaping of
 * every text that comes from data. Pure: no sockets. Any thread. */
#ifndef LKIP_WEBHTTP_H
#define LKIP_WEBHTTP_H

#include "util.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WEBHTTP_DEFAULT_ADDR "127.0.0.1:8390"
#define WEBHTTP_TOKEN_MIN    16  /* characters of a token given with --web-token */
#define WEBHTTP_TOKEN_MAX    128 /* characters of any token */

/* Parses a listening address: "IPv4:PORT", "[IPv6]:PORT" or a bare "PORT" (loopback). Only
 * numeric addresses: a name would be resolved by whoever controls the DNS. host receives the
 * address without brackets. Returns true when well formed (port 0 asks for any free port). */
bool webhttp_parse_addr(const char *text, char *host, size_t len, unsigned *port);

/* True when host (numeric, without brackets) is a loopback address (127.0.0.0/8, ::1). */
bool webhttp_is_loopback(const char *host);

/* True when a Host header names this server: port (the bound one; a missing port means 80)
 * and a name that no DNS can move to another machine: an IP literal, "localhost", or one of
 * names (NULL-terminated list of names given by the user; may be NULL). Everything else is
 * refused: a page of another site whose name was rebound to 127.0.0.1 sends its own name. */
bool webhttp_host_ok(const char *host, unsigned port, const char *const *names);

/* True when an Origin header (NULL when absent) is this page's own: absent, or exactly
 * "http://" + host (the Host header already accepted). */
bool webhttp_origin_ok(const char *origin, const char *host);

/* Constant-time comparison of a token presented (may be NULL) with the expected one: the time
 * taken says nothing of where they differ nor of the expected length. */
bool webhttp_token_eq(const char *given, const char *expected);

/* A token from --web-token's file: its first line without surrounding blanks. Returns 0 and
 * the token (caller frees), or -1 with *why saying what is wrong (static text, Indonesian). */
int webhttp_token_from_text(const char *text, char **token, const char **why) WUR;

/* A new random token (32 hex characters from the system's random source). Caller frees. */
char *webhttp_token_new(void);

/* The cookie's name for port: "lkip_web_8390" (cookies do not separate ports: two boards on
 * one machine keep one each). Writes into buf. */
void webhttp_cookie_name(unsigned port, char *buf, size_t len);

/* The value of the cookie name in a Cookie header (may be NULL). Caller frees; NULL when
 * absent. */
char *webhttp_cookie_get(const char *header, const char *name);

/* The value of a field of an application/x-www-form-urlencoded body or a query string, decoded
 * ('+' and %XX). Caller frees; NULL when absent or badly encoded. */
char *webhttp_form_get(const char *body, const char *field);

/* Appends one Server-Sent Events message: "event: EVENT", "id: ID" (when id > 0), one
 * "data: " line per line of data (split at CR, LF and CRLF, so no line break of the data can
 * end the message early), and the blank line that ends it. */
void webhttp_sse_frame(strbuf_t *sb, const char *event, uint64_t id, const char *data);

/* Appends text escaped for HTML text and attribute values (& < > " '). */
void webhttp_html_escape(strbuf_t *sb, const char *text);

/* Fills a page template: each "{{key}}" of keys (NULL-terminated, values beside) is replaced
 * by its value, HTML-escaped; an unknown "{{...}}" is left as it is. Caller frees. */
char *webhttp_fill(const char *tmpl, const char *const *keys, const char *const *values);

/* The Content-Type of a file name by its extension (".html", ".css", ".js", ".svg", ...). */
const char *webhttp_content_type(const char *name);

#endif
