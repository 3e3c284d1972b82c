/* inflight — see inflight.h. The file is text, one "key value" per line:
 *
 *   lkip-pending 1
 *   command step
 *   request_id 1234567890123
 *   saved_at 1767000000
 *   request_sha256 <hex>
 *
 * Lines of other keys are ignored (files of older clients also named the step aimed at: the
 * daemon now resolves a missing step itself, so the same command line is the same request). */
#include "inflight.h"

#include "statefile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct inflight {
    char *path;
    bool loaded;             /* an entry is held */
    char command[32];        /* the request's type, e.g. "step" */
    uint64_t request_id;     /* the one every resend uses */
    int64_t saved_at;        /* unix seconds of the first give-up */
    char request_sha256[65]; /* of the request as sent, request_id left out */
};

/* The name of a request's type, for the file (readable, and checked when loading). */
static const char *s_kind(const Lkip__Envelope *req)
{
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field(&lkip__envelope__descriptor, req->body_case);
    return f ? f->name : "";
}

/* The digest of req without its request_id: equal for the same request sent again. */
static void s_request_sha256(const Lkip__Envelope *req, char out[65])
{
    Lkip__Envelope copy = *req;
    copy.request_id = 0;
    size_t len;
    uint8_t *buf = wire_encode(&copy, &len);
    sha256_hex(buf, len, out);
    free(buf);
}

/* The file of a command line: a digest of the user's key and every argument. */
static char *s_path(const char *dir, const char *public_key, int argc, char *const *argv)
{
    strbuf_t sb = {0};
    strbuf_append(&sb, public_key, strlen(public_key) + 1);
    for (int i = 0; i < argc; i++)
        strbuf_append(&sb, argv[i], strlen(argv[i]) + 1); /* NULs keep "a b" apart from "ab" */
    char hex[65];
    sha256_hex(sb.data, sb.len, hex);
    strbuf_free(&sb);
    hex[32] = '\0';
    return xasprintf("%s/pending/%s", dir, hex);
}

/* Copies value into a field of size bytes; false when it does not fit. */
static bool s_copy(char *field, size_t size, const char *value)
{
    if (strlen(value) >= size)
        return false;
    memcpy(field, value, strlen(value) + 1);
    return true;
}

/* Parses one "key value" line into self; returns the bit of a required field it set, else 0. */
static int s_parse_line(inflight_t *self, const char *key, const char *value)
{
    char *end = NULL;
    if (strcmp(key, "command") == 0)
        return s_copy(self->command, sizeof self->command, value) ? 1 : 0;
    if (strcmp(key, "request_id") == 0) {
        self->request_id = strtoull(value, &end, 10);
        return self->request_id && !*end ? 2 : 0;
    }
    if (strcmp(key, "saved_at") == 0) {
        self->saved_at = strtoll(value, &end, 10);
        return self->saved_at > 0 && !*end ? 4 : 0;
    }
    if (strcmp(key, "request_sha256") == 0)
        return strlen(value) == 64 && s_copy(self->request_sha256, 65, value) ? 8 : 0;
    return 0;
}

/* Parses the file's text; false when it is not a whole entry of this format. */
static bool s_parse(inflight_t *self, char *text)
{
    int fields = 0;
    bool format = false;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        char *value = strchr(line, ' ');
        if (!value)
            return false;
        *value++ = '\0';
        if (strcmp(line, "lkip-pending") == 0)
            format = strcmp(value, "1") == 0;
        else
            fields |= s_parse_line(self, line, value);
    }
    return format && fields == 15;
}

inflight_t *inflight_open(const char *dir, const char *public_key, int argc, char *const *argv,
                          int64_t now)
{
    inflight_t *self = xcalloc(1, sizeof *self);
    self->path = s_path(dir, public_key, argc, argv);
    char *text;
    size_t len;
    if (read_file(self->path, 4096, &text, &len) != 0)
        return self;
    self->loaded = s_parse(self, text);
    free(text);
    if (!self->loaded || now - self->saved_at > INFLIGHT_TTL_S || self->saved_at > now + 3600) {
        /* too old for the promise (or not an entry at all): a run from now on is new */
        self->loaded = false;
        unlink(self->path);
    }
    return self;
}

void inflight_destroy(inflight_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free((*self_p)->path);
    free(*self_p);
    *self_p = NULL;
}

bool inflight_pending(const inflight_t *self)
{
    return self->loaded;
}

const char *inflight_path(const inflight_t *self)
{
    return self->path;
}

bool inflight_adopt(inflight_t *self, Lkip__Envelope *req)
{
    if (!self->loaded)
        return false;
    char sha[65];
    s_request_sha256(req, sha);
    if (strcmp(self->command, s_kind(req)) != 0 || strcmp(sha, self->request_sha256) != 0) {
        self->loaded = false;
        unlink(self->path);
        return false;
    }
    req->request_id = self->request_id;
    return true;
}

int inflight_settle(inflight_t *self)
{
    bool had = self->loaded;
    self->loaded = false;
    if (unlink(self->path) != 0 && errno != ENOENT)
        return had ? -errno : 0;
    return 0;
}

int inflight_save(inflight_t *self, const Lkip__Envelope *req, int64_t now)
{
    if (!self->loaded)
        self->saved_at = now;
    snprintf(self->command, sizeof self->command, "%s", s_kind(req));
    self->request_id = req->request_id;
    s_request_sha256(req, self->request_sha256);
    char *text =
        xasprintf("lkip-pending 1\ncommand %s\nrequest_id %llu\nsaved_at %lld\n"
                  "request_sha256 %s\n",
                  self->command, (unsigned long long)self->request_id, (long long)self->saved_at,
                  self->request_sha256);
    int rc = statefile_write(self->path, text, strlen(text));
    free(text);
    self->loaded = rc == 0;
    return rc;
}
