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

/* Frames up to this size reach lkipd even when they are over WIRE_MAX_FRAME, so that it can
 * refuse them with 413 (request_id echoed) and log them (a careless client's 1.5 MB data file).
 * libzmq cuts larger ones off with the connection as soon as their size arrives, before reading
 * them (ZMQ_MAXMSGSIZE), and reports no reason for it, so those are neither answered nor logged.
 * While it arrives, a frame costs the daemon its size twice (ciphertext, then plaintext). */
#define WIRE_MAX_TRANSPORT_FRAME (2 * (int64_t)WIRE_MAX_FRAME)
/* Deepest nesting of messages a frame may hold (the schema's own is 4). */
#define WIRE_MAX_DEPTH 8

/* Memory budget of one decode (issue 11, "decode amplification"). protobuf-c unpacks every frame
 * through a ProtobufCAllocator that refuses an allocation once the bytes it has handed out during
 * that decode, each allocation counted WIRE_ALLOC_OVERHEAD bytes more for malloc's own header,
 * would pass the budget. Without it a frame of empty sub-messages or unknown fields (2 bytes each
 * on the wire, a struct plus bookkeeping of 60-150 bytes each decoded) took 75 times its size
 * before the WIRE_MAX_REPEATED limit could be checked: ~3 GB when frames could be 25 MiB, ~80 MB
 * at WIRE_MAX_FRAME. With it the decode fails after at most the budget, and the walk over the
 * tags that comes first gives up as soon as what it has seen would cost more (wire.c).
 *
 * Requests hold no repeated fields: one decodes to about its own size (strings and bytes are
 * copied) plus a few small structs, so lkipd allows twice the frame plus 64 KiB. */
#define WIRE_ALLOC_OVERHEAD      16
#define WIRE_REQUEST_BUDGET(len) (2 * (size_t)(len) + 64 * 1024)
/* Replies and events (decoded by clients) carry lists: WIRE_MAX_REPEATED empty entries of the
 * largest message decode to about 6 MiB, and entries that carry data decode to a small multiple
 * of their size; eight times the frame plus 16 MiB holds both. */
#define WIRE_DECODE_BUDGET(len) (8 * (size_t)(len) + 16 * 1024 * 1024)

/* What can be read from a frame's top level without decoding it: cheap (no allocation, one pass
 * over the top-level tags; a big bytes field is skipped in one step; a frame of millions of
 * tiny fields is given up, unsound, after the first ones that a request's budget holds). */
typedef struct {
    bool sound;          /* every top-level tag, varint and length is well-formed (and few
                          * enough to be read within WIRE_REQUEST_BUDGET) */
    bool has_request_id; /* field 1 was read (before a malformed tag, when there is one) */
    uint64_t request_id; /* its value (the last one, as protobuf reads it); 0 when none */
    uint32_t body;       /* field number of the last body field (LKIP__ENVELOPE__BODY_*); 0: none */
} wire_peek_t;

/* Reads the top-level fields of a frame into *out (never fails: see out->sound). */
void wire_peek(const void *data, size_t len, wire_peek_t *out);

/* Why a frame was refused. */
typedef enum {
    WIRE_OK = 0,      /* decoded */
    WIRE_TOO_LARGE,   /* over WIRE_MAX_FRAME */
    WIRE_MALFORMED,   /* not a sound envelope: a bad tag (field number 0 at any depth, a wire type
                       * protobuf-c does not read), cut short, nested too deeply, a field over its
                       * limit, text that is not clean UTF-8 */
    WIRE_NOT_REQUEST, /* a reply or an event where a request was expected */
    WIRE_OVER_BUDGET, /* unpacking it would take more memory than its budget */
} wire_error_t;

/* The outcome of wire_decode_request. */
typedef struct {
    wire_error_t error;  /* WIRE_OK when decoded */
    const char *why;     /* static English reason when refused; NULL when decoded */
    bool has_request_id; /* field 1 could be read, even when the frame was refused */
    uint64_t request_id; /* its value; 0 when none */
} wire_result_t;

/* Decodes a request frame, as lkipd does: refuses frames over WIRE_MAX_FRAME, frames whose tags
 * are not sound at any depth, and frames whose body is a reply or an event (from the top-level
 * tags, before unpacking anything); unpacks within WIRE_REQUEST_BUDGET(len), then checks every
 * field against the limits above (strings must be clean UTF-8). Returns NULL when refused, with
 * the reason and whatever request_id could be read in *res. Caller owns the result (wire_free). */
Lkip__Envelope *wire_decode_request(const void *data, size_t len, wire_result_t *res);

/* Decodes any frame (a client's replies and events) the same way, within WIRE_DECODE_BUDGET(len)
 * and without the request-only refusal. Returns NULL when the frame is not acceptable and sets
 * *why to a static English reason. Caller owns the result (wire_free). */
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
