/* wire — see wire.h. Limits are enforced by one walk over the message descriptors, so every
 * request type added to lkip.proto is covered without code of its own. */
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
    if (depth > 8) {
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

Lkip__Envelope *wire_decode(const void *data, size_t len, const char **why)
{
    if (len > WIRE_MAX_FRAME) {
        *why = "frame over the size limit";
        return NULL;
    }
    Lkip__Envelope *env = lkip__envelope__unpack(NULL, len, data);
    if (!env) {
        *why = "frame is not a valid envelope";
        return NULL;
    }
    if (!s_check(&env->base, 0, why)) {
        lkip__envelope__free_unpacked(env, NULL);
        return NULL;
    }
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
