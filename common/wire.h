/* wire — the envelope codec shared by lkipd and lkip: decode with limits, encode, status classes
 * and the stable error codes that replies carry beside their Indonesian message. */
#ifndef LKIP_WIRE_H
#define LKIP_WIRE_H

#include "lkip.pb-c.h"
#include "util.h"

/* Largest data file a request carries whole: unit data (CSV or XLSX), a Perjanjian Kinerja, an
 * SOP definition, a calendar. */
#define WIRE_MAX_DATA_FILE (1024u * 1024)
/* Largest frame either side accepts: a data file plus envelope overhead. Documents are larger
 * and travel in chunks. */
#define WIRE_MAX_FRAME (WIRE_MAX_DATA_FILE + 64 * 1024)
/* Largest document (upload), moved in chunks of WIRE_CHUNK bytes. */
#define WIRE_MAX_DOCUMENT (25u * 1024 * 1024)
#define WIRE_CHUNK        (64u * 1024)
/* Generic limits applied to every decoded message, field by field. */
#define WIRE_MAX_STRING   8192
#define WIRE_MAX_REPEATED 20000
/* Limits of the single-line identifiers (names, codes, roles). */
#define WIRE_MAX_NAME  64
#define WIRE_MAX_TITLE 200

/* Decodes one frame into an envelope and checks every field against the limits above (strings
 * must be clean UTF-8). Returns NULL when the frame is not acceptable and sets *why to a static
 * English reason. Caller owns the result (wire_free). */
Lkip__Envelope *wire_decode(const void *data, size_t len, const char **why);

/* Encodes env into a new buffer of *len bytes; caller frees it. */
uint8_t *wire_encode(const Lkip__Envelope *env, size_t *len);

/* Frees a decoded envelope and nulls the pointer; accepts NULL. */
void wire_free(Lkip__Envelope **env);

/* The size of one value of field f in a message struct (for walking repeated fields). */
size_t wire_value_size(const ProtobufCFieldDescriptor *f);

/* True for requests that change state, whose replies lkipd stores for retries: a client that
 * got no answer to one must send it again unchanged (same request_id), never as a new one.
 * Matches the mutating flags of lkipd's command table (tests/unit/test_wire.c checks). */
bool wire_is_change(int body_case);

/* True for statuses a client may retry unchanged (same request_id). */
bool status_retryable(int status);

/* Short English name of a status, e.g. "conflict". */
const char *status_name(int status);

#endif
