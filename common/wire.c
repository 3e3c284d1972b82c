/* wire — see wire.h. A frame is checked three times, cheapest first: its tags are walked (no
 * allocation), it is unpacked through an allocator with a byte budget, and the limits are
 * enforced by one walk over the message descriptors, so every request type added to lkip.proto
 * is covered without code of its own. */
#include "wire.h"

#include <stdlib.h>
#include <string.h>

static bool s_check(const ProtobufCMessage *m, int depth, const char **why);

static bool s_check_value(const ProtobufCFieldDescriptor *f, const void *v, int depth,
                          const char **why)
{
    if (f->type == PROTOBUF_C_TYPE_STRING) {
        const char *s = *(char *const *)v;
        size_t n = s ? strlen(s) : 0;
        if (n > WIRE_MAX_STRING) {
            *why = "string field over its limit";
            return false;
        }
        if (s && !text_is_clean(s, n, false)) {
            *why = "string field is not clean UTF-8 text";
            return false;
        }
    } else if (f->type == PROTOBUF_C_TYPE_BYTES) {
        const ProtobufCBinaryData *b = v;
        if (b->len > WIRE_MAX_DOCUMENT) {
            *why = "bytes field over its limit";
            return false;
        }
    } else if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
        const ProtobufCMessage *sub = *(ProtobufCMessage *const *)v;
        if (sub && !s_check(sub, depth + 1, why))
            return false;
    }
    return true;
}

size_t wire_value_size(const ProtobufCFieldDescriptor *f)
{
    switch (f->type) {
    case PROTOBUF_C_TYPE_STRING:
    case PROTOBUF_C_TYPE_MESSAGE:
        return sizeof(void *);
    case PROTOBUF_C_TYPE_BYTES:
        return sizeof(ProtobufCBinaryData);
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64:
    case PROTOBUF_C_TYPE_DOUBLE:
        return 8;
    case PROTOBUF_C_TYPE_BOOL:
        return sizeof(protobuf_c_boolean);
    default:
        return 4;
    }
}

static bool s_check(const ProtobufCMessage *m, int depth, const char **why)
{
    if (depth > WIRE_MAX_DEPTH) {
        *why = "message nested too deeply";
        return false;
    }
    const ProtobufCMessageDescriptor *d = m->descriptor;
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        const char *base = (const char *)m;
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            size_t n = *(const size_t *)(base + f->quantifier_offset);
            if (n > WIRE_MAX_REPEATED) {
                *why = "repeated field has too many elements";
                return false;
            }
            const char *arr = *(char *const *)(base + f->offset);
            for (size_t k = 0; k < n; k++)
                if (!s_check_value(f, arr + k * wire_value_size(f), depth, why))
                    return false;
            continue;
        }
        if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
            uint32_t which = *(const uint32_t *)(base + f->quantifier_offset);
            if (which != f->id)
                continue;
        }
        if (!s_check_value(f, base + f->offset, depth, why))
            return false;
    }
    return true;
}

/* ---- walking the tags ------------------------------------------------------------------------ */

/* Reads a varint of at most max bytes at *p; false when it does not end within them or before
 * end. */
static bool s_varint(const uint8_t **p, const uint8_t *end, unsigned max, uint64_t *out)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < max && *p < end; i++) {
        uint8_t b = *(*p)++;
        v |= (uint64_t)(b & 0x7f) << (7 * i);
        if (!(b & 0x80)) {
            *out = v;
            return true;
        }
    }
    return false;
}

/* One field as it sits on the wire. */
typedef struct {
    uint32_t id;          /* field number, >= 1 */
    unsigned type;        /* wire type: 0 varint, 1 64-bit, 2 length-delimited, 5 32-bit */
    uint64_t varint;      /* the value of a varint; the length of a length-delimited field */
    const uint8_t *value; /* where a length-delimited field's bytes start */
} s_field_t;

/* Reads the field at *p and moves past it. protobuf-c reads tags of up to 5 bytes, lengths of
 * up to 5 and varints of up to 10; its own tag check looks at the first byte only, so a field
 * number 0 written in two bytes ("82 00") got through as an unknown field. */
static bool s_next_field(const uint8_t **p, const uint8_t *end, s_field_t *f, const char **why)
{
    uint64_t tag;
    if (!s_varint(p, end, 5, &tag) || tag > UINT32_MAX || (tag >> 3) == 0) {
        *why = "bad field tag";
        return false;
    }
    f->id = (uint32_t)(tag >> 3);
    f->type = (unsigned)(tag & 7);
    f->varint = 0;
    f->value = NULL;
    size_t left = (size_t)(end - *p);
    switch (f->type) {
    case 0:
        if (!s_varint(p, end, 10, &f->varint)) {
            *why = "unterminated varint";
            return false;
        }
        return true;
    case 1:
    case 5: {
        size_t n = f->type == 1 ? 8 : 4;
        if (left < n) {
            *why = "frame cut short";
            return false;
        }
        *p += n;
        return true;
    }
    case 2:
        if (!s_varint(p, end, 5, &f->varint) || f->varint > (uint64_t)(end - *p)) {
            *why = "frame cut short";
            return false;
        }
        f->value = *p;
        *p += f->varint;
        return true;
    default:
        *why = "unsupported wire type";
        return false;
    }
}

/* A walk over a frame's tags (s_walk). */
typedef struct {
    size_t budget;   /* the decode budget of the frame */
    size_t cost;     /* what unpacking the fields walked so far allocates at least */
    const char *why; /* static English reason when the walk stops */
} s_walk_t;

/* protobuf-c scans the first 16 fields of a message into a slab on the stack and every further
 * one into slabs it allocates (32 bytes a field on 64-bit systems; counted as 16 here). */
#define S_STACK_FIELDS     16
#define S_SCAN_FIELD_BYTES 16

/* Adds the least that unpacking field f (the k-th field of its message, fd its descriptor or
 * NULL) allocates to w->cost; false once that passes the budget, so a frame of millions of tiny
 * fields is refused after a walk over the first ones, without unpacking anything. Every term is
 * a lower bound of what the budget allocator would count, so nothing the unpacking could do
 * within its budget is refused here. */
static bool s_add_cost(s_walk_t *w, const s_field_t *f, const ProtobufCFieldDescriptor *fd,
                       size_t k)
{
    size_t cost = k >= S_STACK_FIELDS ? S_SCAN_FIELD_BYTES : 0;
    if (!fd) /* kept as an unknown field: an array entry and a copy of its bytes */
        cost += sizeof(ProtobufCMessageUnknownField) + WIRE_ALLOC_OVERHEAD +
                (f->type == 2 ? (size_t)f->varint : 0);
    else if (fd->type == PROTOBUF_C_TYPE_MESSAGE && f->type == 2)
        cost += ((const ProtobufCMessageDescriptor *)fd->descriptor)->sizeof_message +
                WIRE_ALLOC_OVERHEAD;
    w->cost += cost;
    if (w->cost <= w->budget)
        return true;
    w->why = "decoding would take more memory than the frame's budget";
    return false;
}

/* Checks every tag of a message of type desc, and of the messages it holds (known fields of
 * message type), as deep as they go, and what unpacking them would cost at least. One pass over
 * the bytes per level; no allocation. */
static wire_error_t s_walk(s_walk_t *w, const ProtobufCMessageDescriptor *desc, const uint8_t *p,
                           size_t len, int depth)
{
    const uint8_t *end = len ? p + len : p;
    for (size_t k = 0; p < end; k++) {
        s_field_t f;
        if (!s_next_field(&p, end, &f, &w->why))
            return WIRE_MALFORMED;
        const ProtobufCFieldDescriptor *fd = protobuf_c_message_descriptor_get_field(desc, f.id);
        if (!s_add_cost(w, &f, fd, k))
            return WIRE_OVER_BUDGET;
        if (f.type != 2 || !fd || fd->type != PROTOBUF_C_TYPE_MESSAGE)
            continue;
        if (depth >= WIRE_MAX_DEPTH) {
            w->why = "message nested too deeply";
            return WIRE_MALFORMED;
        }
        wire_error_t rc = s_walk(w, fd->descriptor, f.value, (size_t)f.varint, depth + 1);
        if (rc != WIRE_OK)
            return rc;
    }
    return WIRE_OK;
}

/* wire_peek: the top-level fields, with what unpacking them would cost at least counted in w,
 * so that the peek stops (WIRE_OVER_BUDGET) after the first fields of a frame of millions.
 * Returns WIRE_OK, or the reason in w->why. */
static wire_error_t s_peek(s_walk_t *w, const uint8_t *p, size_t len, wire_peek_t *out)
{
    memset(out, 0, sizeof *out);
    const uint8_t *end = len ? p + len : p; /* an empty frame may have no buffer at all */
    for (size_t k = 0; p < end; k++) {
        s_field_t f;
        if (!s_next_field(&p, end, &f, &w->why))
            return WIRE_MALFORMED;
        const ProtobufCFieldDescriptor *fd =
            protobuf_c_message_descriptor_get_field(&lkip__envelope__descriptor, f.id);
        if (f.id == 1 && f.type == 0) {
            out->has_request_id = true;
            out->request_id = f.varint;
        } else if (fd && (fd->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)) {
            out->body = f.id;
        }
        if (!s_add_cost(w, &f, fd, k))
            return WIRE_OVER_BUDGET;
    }
    out->sound = true;
    return WIRE_OK;
}

/* The budget of a request frame of len bytes; frames over the limit are peeked as if at it. */
static size_t s_request_budget(size_t len)
{
    return WIRE_REQUEST_BUDGET(len < WIRE_MAX_FRAME ? len : WIRE_MAX_FRAME);
}

void wire_peek(const void *data, size_t len, wire_peek_t *out)
{
    s_walk_t w = {s_request_budget(len), 0, NULL};
    (void)s_peek(&w, data, len, out);
}

/* ---- decoding within a budget -----------------------------------------------------------------
 */

/* The state behind the ProtobufCAllocator of one decode. */
typedef struct {
    size_t left;    /* bytes this decode may still allocate */
    bool exhausted; /* an allocation was refused */
} s_budget_t;

static void *s_budget_alloc(void *data, size_t size)
{
    s_budget_t *b = data;
    if (size > b->left || b->left - size < WIRE_ALLOC_OVERHEAD) {
        b->exhausted = true;
        return NULL;
    }
    b->left -= size + WIRE_ALLOC_OVERHEAD;
    return xmalloc(size);
}

/* What protobuf-c frees during and after a decode was malloc'd: free() it (wire_free passes no
 * allocator, so protobuf-c's default free does the same). The budget counts allocations only,
 * an upper bound of the peak. */
static void s_budget_free(void *data, void *p)
{
    free(p);
}

/* Walks, unpacks within budget bytes and checks the limits; *res says why when refused. */
static Lkip__Envelope *s_decode(const uint8_t *data, size_t len, size_t budget, wire_result_t *res)
{
    s_walk_t w = {budget, 0, NULL};
    res->error = s_walk(&w, &lkip__envelope__descriptor, data, len, 0);
    if (res->error != WIRE_OK) {
        res->why = w.why;
        return NULL;
    }
    s_budget_t b = {budget, false};
    ProtobufCAllocator alloc = {s_budget_alloc, s_budget_free, &b};
    Lkip__Envelope *env = lkip__envelope__unpack(&alloc, len, data);
    if (!env) {
        res->error = b.exhausted ? WIRE_OVER_BUDGET : WIRE_MALFORMED;
        res->why = b.exhausted ? "decoding would take more memory than the frame's budget"
                               : "frame is not a valid envelope";
        return NULL;
    }
    if (!s_check(&env->base, 0, &res->why)) {
        res->error = WIRE_MALFORMED;
        lkip__envelope__free_unpacked(env, NULL);
        return NULL;
    }
    res->error = WIRE_OK;
    res->why = NULL;
    return env;
}

Lkip__Envelope *wire_decode_request(const void *data, size_t len, wire_result_t *res)
{
    memset(res, 0, sizeof *res);
    wire_peek_t peek;
    s_walk_t w = {s_request_budget(len), 0, NULL};
    wire_error_t rc = s_peek(&w, data, len, &peek);
    res->has_request_id = peek.has_request_id;
    res->request_id = peek.request_id;
    if (len > WIRE_MAX_FRAME) {
        res->error = WIRE_TOO_LARGE;
        res->why = "frame over the size limit";
        return NULL;
    }
    if (rc != WIRE_OK) {
        res->error = rc;
        res->why = w.why;
        return NULL;
    }
    /* what a client sends is a request: a reply or an event body is refused before it is
     * unpacked (its lists are where millions of empty entries fit) */
    if (peek.body == LKIP__ENVELOPE__BODY_REPLY || peek.body == LKIP__ENVELOPE__BODY_EVENT) {
        res->error = WIRE_NOT_REQUEST;
        res->why = peek.body == LKIP__ENVELOPE__BODY_REPLY ? "a reply is not a request"
                                                           : "an event is not a request";
        return NULL;
    }
    return s_decode(data, len, WIRE_REQUEST_BUDGET(len), res);
}

Lkip__Envelope *wire_decode(const void *data, size_t len, const char **why)
{
    if (len > WIRE_MAX_FRAME) {
        *why = "frame over the size limit";
        return NULL;
    }
    wire_result_t res = {0};
    Lkip__Envelope *env = s_decode(data, len, WIRE_DECODE_BUDGET(len), &res);
    if (!env)
        *why = res.why;
    return env;
}

uint8_t *wire_encode(const Lkip__Envelope *env, size_t *len)
{
    *len = lkip__envelope__get_packed_size(env);
    uint8_t *buf = xmalloc(*len);
    lkip__envelope__pack(env, buf);
    return buf;
}

void wire_free(Lkip__Envelope **env)
{
    if (env && *env) {
        lkip__envelope__free_unpacked(*env, NULL);
        *env = NULL;
    }
}

bool wire_is_change(int body_case)
{
    switch (body_case) {
    case LKIP__ENVELOPE__BODY_USER_ADD:
    case LKIP__ENVELOPE__BODY_USER_SET:
    case LKIP__ENVELOPE__BODY_ORG_ADD:
    case LKIP__ENVELOPE__BODY_ORG_SET:
    case LKIP__ENVELOPE__BODY_UNIT_ADD:
    case LKIP__ENVELOPE__BODY_UNIT_SET:
    case LKIP__ENVELOPE__BODY_SOP_LOAD:
    case LKIP__ENVELOPE__BODY_START:
    case LKIP__ENVELOPE__BODY_STEP:
    case LKIP__ENVELOPE__BODY_SUBMIT:
    case LKIP__ENVELOPE__BODY_UPLOAD:
    case LKIP__ENVELOPE__BODY_HOLIDAY:
    case LKIP__ENVELOPE__BODY_CALENDAR_IMPORT:
    case LKIP__ENVELOPE__BODY_HOURS_SET:
    case LKIP__ENVELOPE__BODY_PERIOD:
    case LKIP__ENVELOPE__BODY_CLOCK_SET:
    case LKIP__ENVELOPE__BODY_DELEGATE_ADD:
    case LKIP__ENVELOPE__BODY_DELEGATE_REMOVE:
    case LKIP__ENVELOPE__BODY_PK_IMPORT:
    case LKIP__ENVELOPE__BODY_FORMAT_MAKE:
        return true;
    default:
        return false;
    }
}

bool status_retryable(int status)
{
    return status == LKIP__STATUS__UNAVAILABLE || status == LKIP__STATUS__TIMEOUT;
}

const char *status_name(int status)
{
    switch (status) {
    case LKIP__STATUS__OK:
        return "ok";
    case LKIP__STATUS__CREATED:
        return "created";
    case LKIP__STATUS__BAD_REQUEST:
        return "bad_request";
    case LKIP__STATUS__FORBIDDEN:
        return "forbidden";
    case LKIP__STATUS__NOT_FOUND:
        return "not_found";
    case LKIP__STATUS__CONFLICT:
        return "conflict";
    case LKIP__STATUS__TOO_LARGE:
        return "too_large";
    case LKIP__STATUS__INVALID:
        return "invalid";
    case LKIP__STATUS__SLOW_DOWN:
        return "slow_down";
    case LKIP__STATUS__INTERNAL:
        return "internal";
    case LKIP__STATUS__UNAVAILABLE:
        return "unavailable";
    case LKIP__STATUS__TIMEOUT:
        return "timeout";
    }
    return "unknown";
}
