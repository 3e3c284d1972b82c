/* xfer — see xfer.h.
 *
 * Both directions share one window: up to XFER_WINDOW requests out, each kept (with its
 * request_id) until its reply comes, so that it can be sent again unchanged. A reply of
 * 429 slow_down or 503 puts its request back to be sent after a pause; any other refusal ends
 * the transfer. After XFER_ATTEMPTS rounds without any reply the transfer gives up. */
#include "xfer.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define XFER_ATTEMPTS 4  /* timeouts in a row before giving up */
#define XFER_PAUSE_MS 50 /* before sending a request that was asked to wait */

typedef struct {
    bool busy;
    bool again; /* to be sent again after a pause */
    int64_t offset;
    Lkip__Envelope env; /* the request; its body is one of the two below */
    Lkip__DownloadRequest dl;
    Lkip__UploadChunkRequest up;
} slot_t;

/* What drives one transfer through the window. */
typedef struct {
    lkipc_t *c;
    slot_t slots[XFER_WINDOW];
    xfer_error_t *err;
    /* fills slot s for the next piece; false when every piece is asked for */
    bool (*next)(void *arg, slot_t *s);
    /* takes the reply to slot s; -1 fails the transfer (err set) */
    int (*take)(void *arg, slot_t *s, const Lkip__Reply *r);
    void *arg;
} window_t;

static void s_fail(xfer_error_t *err, int status, lkipc_rc_t rc, const char *code, const char *msg)
{
    err->status = status;
    err->rc = rc;
    snprintf(err->code, sizeof err->code, "%s", code);
    snprintf(err->message, sizeof err->message, "%s", msg);
}

static int s_send(window_t *w, slot_t *s)
{
    s->again = false;
    if (lkipc_post(w->c, &s->env) != 0) {
        s_fail(w->err, 0, LKIPC_ERROR, "socket_error", "kesalahan koneksi lokal");
        return -1;
    }
    return 0;
}

static slot_t *s_slot_of(window_t *w, uint64_t request_id)
{
    for (int i = 0; i < XFER_WINDOW; i++)
        if (w->slots[i].busy && w->slots[i].env.request_id == request_id)
            return &w->slots[i];
    return NULL;
}

/* Handles one reply; 1 when a slot was freed or parked, 0 stray, -1 failed. */
static int s_on_reply(window_t *w, Lkip__Envelope *env)
{
    slot_t *s = s_slot_of(w, env->request_id);
    if (!s)
        return 0; /* a late answer to a request already answered */
    const Lkip__Reply *r = env->reply;
    if (r->status == LKIP__STATUS__SLOW_DOWN || status_retryable(r->status)) {
        s->again = true;
        return 1;
    }
    if (r->status >= 400) {
        s_fail(w->err, r->status, LKIPC_OK, r->code, r->message);
        return -1;
    }
    if (w->take(w->arg, s, r) != 0)
        return -1;
    s->busy = false;
    return 1;
}

/* Sends what may go now: parked requests, then new pieces into free slots. */
static int s_fill(window_t *w, bool *more)
{
    for (int i = 0; i < XFER_WINDOW; i++) {
        slot_t *s = &w->slots[i];
        if (s->busy && s->again && s_send(w, s) != 0)
            return -1;
        if (!s->busy && *more) {
            memset(s, 0, sizeof *s);
            lkip__envelope__init(&s->env);
            if (!w->next(w->arg, s)) {
                *more = false;
                continue;
            }
            s->busy = true;
            if (s_send(w, s) != 0)
                return -1;
        }
    }
    return 0;
}

static bool s_any_busy(const window_t *w, bool *parked)
{
    bool busy = false;
    *parked = false;
    for (int i = 0; i < XFER_WINDOW; i++) {
        busy |= w->slots[i].busy;
        *parked |= w->slots[i].busy && w->slots[i].again;
    }
    return busy;
}

static int s_run(window_t *w)
{
    bool more = true, parked = false;
    int idle_rounds = 0;
    if (s_fill(w, &more) != 0)
        return -1;
    while (s_any_busy(w, &parked)) {
        int wait = parked ? XFER_PAUSE_MS : lkipc_timeout_ms(w->c);
        Lkip__Envelope *env = NULL;
        int rc = lkipc_next_reply(w->c, monotonic_ms() + wait, &env);
        if (rc < 0 && rc != LKIPC_UNAVAILABLE) {
            s_fail(w->err, 0, (lkipc_rc_t)rc, "unreachable", lkipc_rc_text((lkipc_rc_t)rc));
            return -1;
        }
        if (rc == 1) {
            idle_rounds = 0;
            int h = s_on_reply(w, env);
            wire_free(&env);
            if (h < 0)
                return -1;
        } else if (!parked && ++idle_rounds >= XFER_ATTEMPTS) {
            s_fail(w->err, 0, LKIPC_TIMEOUT, "timeout", lkipc_rc_text(LKIPC_TIMEOUT));
            return -1;
        } else if (!parked) { /* nothing came: send everything out again, same ids */
            for (int i = 0; i < XFER_WINDOW; i++)
                w->slots[i].again |= w->slots[i].busy;
        }
        if (s_fill(w, &more) != 0)
            return -1;
    }
    return 0;
}

/* ---- upload ------------------------------------------------------------------------------ */

typedef struct {
    const uint8_t *data;
    int64_t size;
    uint64_t id;
    int64_t next;     /* the next offset to send */
    int64_t received; /* what the daemon says it holds */
    bool asked;       /* the status question went out */
} stage_t;

static void s_up_body(slot_t *s, const stage_t *st, int64_t offset, size_t len)
{
    lkip__upload_chunk_request__init(&s->up);
    s->up.upload_id = st->id;
    s->up.size = st->size;
    s->up.offset = offset;
    s->up.data.data = (uint8_t *)st->data + offset;
    s->up.data.len = len;
    s->offset = offset;
    s->env.body_case = LKIP__ENVELOPE__BODY_UPLOAD_CHUNK;
    s->env.upload_chunk = &s->up;
}

static bool s_up_next(void *arg, slot_t *s)
{
    stage_t *st = arg;
    if (st->next >= st->size)
        return false;
    size_t len = (size_t)(st->size - st->next < WIRE_CHUNK ? st->size - st->next : WIRE_CHUNK);
    s_up_body(s, st, st->next, len);
    st->next += (int64_t)len;
    return true;
}

static int s_up_take(void *arg, slot_t *s, const Lkip__Reply *r)
{
    stage_t *st = arg;
    if (r->chunk && r->chunk->received > st->received)
        st->received = r->chunk->received;
    return 0;
}

int xfer_stage(lkipc_t *c, const uint8_t *data, size_t len, uint64_t *upload_id, char sha[65],
               xfer_error_t *err)
{
    memset(err, 0, sizeof *err);
    sha256_hex(data, len, sha);
    stage_t st = {.data = data, .size = (int64_t)len};
    for (int i = 0; i < 16; i++) /* the first 8 bytes of the hash, never 0 */
        st.id = st.id << 4 | (uint64_t)(sha[i] <= '9' ? sha[i] - '0' : sha[i] - 'a' + 10);
    st.id = st.id ? st.id : 1;
    *upload_id = st.id;
    /* what arrived in an earlier run: go on from there */
    Lkip__Envelope req = LKIP__ENVELOPE__INIT, *reply = NULL;
    slot_t ask;
    memset(&ask, 0, sizeof ask);
    s_up_body(&ask, &st, 0, 0);
    req.body_case = LKIP__ENVELOPE__BODY_UPLOAD_CHUNK;
    req.upload_chunk = &ask.up;
    lkipc_rc_t rc = lkipc_call(c, &req, &reply);
    if (rc != LKIPC_OK) {
        s_fail(err, 0, rc, "unreachable", lkipc_rc_text(rc));
        return -1;
    }
    const Lkip__Reply *r = reply->reply;
    if (r->status >= 400 || !r->chunk) {
        s_fail(err, r->status >= 400 ? r->status : 500, LKIPC_OK, r->code, r->message);
        wire_free(&reply);
        return -1;
    }
    st.next = st.received = r->chunk->received;
    wire_free(&reply);
    window_t w = {.c = c, .err = err, .next = s_up_next, .take = s_up_take, .arg = &st};
    if (s_run(&w) != 0)
        return -1;
    if (st.received != st.size) {
        s_fail(err, 0, LKIPC_OK, "upload_incomplete", "server tidak menerima seluruh dokumen");
        return -1;
    }
    return 0;
}

/* ---- download ---------------------------------------------------------------------------- */

typedef struct {
    const char *instance;
    int version;   /* the version being fetched (known after the first reply) */
    int fd;        /* PATH.part */
    int64_t size;  /* of the version */
    int64_t next;  /* the next offset to ask for */
    uint8_t *have; /* per chunk: held */
    int64_t held;  /* contiguous bytes held from 0 */
    xfer_error_t *err;
} fetch_t;

static void s_dl_body(slot_t *s, const fetch_t *f, int64_t offset)
{
    lkip__download_request__init(&s->dl);
    s->dl.instance = (char *)f->instance;
    s->dl.version = f->version;
    s->dl.offset = offset;
    s->dl.received = f->held;
    s->offset = offset;
    s->env.body_case = LKIP__ENVELOPE__BODY_DOWNLOAD;
    s->env.download = &s->dl;
}

static bool s_dl_next(void *arg, slot_t *s)
{
    fetch_t *f = arg;
    if (f->next >= f->size)
        return false;
    s_dl_body(s, f, f->next);
    f->next += WIRE_CHUNK;
    return true;
}

static int s_dl_take(void *arg, slot_t *s, const Lkip__Reply *r)
{
    fetch_t *f = arg;
    const Lkip__DocumentReply *d = r->document;
    if (!d || !d->info || d->info->size != f->size || d->info->version != f->version ||
        d->offset != s->offset ||
        pwrite(f->fd, d->content.data, d->content.len, (off_t)d->offset) !=
            (ssize_t)d->content.len) {
        s_fail(f->err, 0, LKIPC_OK, d ? "io_error" : "bad_reply",
               d ? strerror(errno) : "jawaban server tidak lengkap");
        return -1;
    }
    f->have[d->offset / WIRE_CHUNK] = 1;
    while (f->held < f->size && f->have[f->held / WIRE_CHUNK])
        f->held = f->held + WIRE_CHUNK < f->size ? f->held + WIRE_CHUNK : f->size;
    return 0;
}

/* Asks for one chunk at offset, alone (the first, to learn the version; the last, to say that
 * everything arrived). Returns the reply (caller frees) or NULL with err set. */
static Lkip__Envelope *s_dl_one(lkipc_t *c, fetch_t *f, int64_t offset)
{
    slot_t s;
    memset(&s, 0, sizeof s);
    lkip__envelope__init(&s.env);
    s_dl_body(&s, f, offset);
    Lkip__Envelope *reply = NULL;
    lkipc_rc_t rc = lkipc_call(c, &s.env, &reply);
    if (rc != LKIPC_OK) {
        s_fail(f->err, 0, rc, "unreachable", lkipc_rc_text(rc));
        return NULL;
    }
    const Lkip__Reply *r = reply->reply;
    if (r->status >= 400 || !r->document || !r->document->info) {
        s_fail(f->err, r->status >= 400 ? r->status : 500, LKIPC_OK, r->code, r->message);
        wire_free(&reply);
    }
    return reply;
}

/* The .part left by an earlier run of the same version: how much of it to keep. */
static int64_t s_resume_point(const char *part, const char *meta, const Lkip__DocumentInfo *info)
{
    char want[128], got[128] = "";
    snprintf(want, sizeof want, "%d %s\n", info->version, info->sha256);
    FILE *m = fopen(meta, "r");
    if (m) {
        if (!fgets(got, sizeof got, m))
            got[0] = '\0';
        fclose(m);
    }
    struct stat st;
    if (strcmp(want, got) != 0 || stat(part, &st) != 0)
        return 0;
    int64_t keep = (int64_t)st.st_size / WIRE_CHUNK * WIRE_CHUNK; /* whole chunks only */
    return keep < info->size ? keep : info->size;
}

/* Opens path.part for the version: kept from an earlier run where it matches. -1 on error. */
static int s_open_part(const char *part, const char *meta, const Lkip__DocumentInfo *info,
                       fetch_t *f)
{
    int64_t keep = s_resume_point(part, meta, info);
    int fd = open(part, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    FILE *m = fopen(meta, "w");
    if (fd < 0 || !m || ftruncate(fd, keep) != 0 ||
        fprintf(m, "%d %s\n", info->version, info->sha256) < 0) {
        s_fail(f->err, 0, LKIPC_OK, "io_error", strerror(errno));
        if (fd >= 0)
            close(fd);
        if (m)
            fclose(m);
        return -1;
    }
    if (fclose(m) != 0) {
        s_fail(f->err, 0, LKIPC_OK, "io_error", strerror(errno));
        close(fd);
        return -1;
    }
    f->fd = fd;
    f->held = f->next = keep;
    for (int64_t i = 0; i < keep / WIRE_CHUNK; i++)
        f->have[i] = 1;
    return 0;
}

/* Reads the whole .part and checks its SHA-256. */
static int s_check_part(int fd, const Lkip__DocumentInfo *info, xfer_error_t *err)
{
    uint8_t *buf = xmalloc((size_t)info->size + 1);
    ssize_t n = pread(fd, buf, (size_t)info->size, 0);
    char sha[65];
    sha256_hex(buf, n > 0 ? (size_t)n : 0, sha);
    free(buf);
    if (n != (ssize_t)info->size || strcmp(sha, info->sha256) != 0) {
        s_fail(err, 0, LKIPC_OK, "hash_mismatch", "SHA-256 berkas yang diterima tidak cocok");
        return -1;
    }
    return 0;
}

/* Fetches the rest of the version into f->fd. */
static int s_fetch_rest(lkipc_t *c, fetch_t *f)
{
    window_t w = {.c = c, .err = f->err, .next = s_dl_next, .take = s_dl_take, .arg = f};
    if (s_run(&w) != 0)
        return -1;
    /* everything is held: say so, so that the daemon's credit for this transfer is free */
    Lkip__Envelope *reply = s_dl_one(c, f, f->size);
    wire_free(&reply);
    return 0;
}

int xfer_download(lkipc_t *c, const char *instance, int version, const char *path, bool force,
                  Lkip__DocumentInfo **info, xfer_error_t *err)
{
    memset(err, 0, sizeof *err);
    *info = NULL;
    if (!force && access(path, F_OK) == 0) {
        s_fail(err, 0, LKIPC_OK, "file_exists", "berkas sudah ada (pakai --force untuk menimpa)");
        return -1;
    }
    fetch_t f = {.instance = instance, .version = version, .fd = -1, .err = err};
    Lkip__Envelope *first = s_dl_one(c, &f, 0); /* learns the version, its size and hash */
    if (!first || first->reply->status >= 400)
        return -1;
    const Lkip__DocumentInfo *i = first->reply->document->info;
    f.version = i->version;
    f.size = i->size;
    f.have = xcalloc((size_t)(f.size / WIRE_CHUNK + 2), 1);
    char *part = xasprintf("%s.part", path), *meta = xasprintf("%s.part.lkip", path);
    int rc = s_open_part(part, meta, i, &f);
    if (rc == 0 && f.held == 0) { /* the first chunk came with the description */
        slot_t s0 = {.offset = 0};
        rc = s_dl_take(&f, &s0, first->reply);
        f.next = f.held;
    }
    *info = first->reply->document->info;
    first->reply->document->info = NULL; /* handed to the caller */
    wire_free(&first);
    if (rc == 0)
        rc = s_fetch_rest(c, &f);
    if (rc == 0 && s_check_part(f.fd, *info, err) != 0) {
        unlink(part); /* damaged: the next run starts over */
        unlink(meta);
        rc = -1;
    }
    if (f.fd >= 0 && close(f.fd) != 0 && rc == 0) {
        s_fail(err, 0, LKIPC_OK, "io_error", strerror(errno));
        rc = -1;
    }
    if (rc == 0 && rename(part, path) != 0) {
        s_fail(err, 0, LKIPC_OK, "io_error", strerror(errno));
        rc = -1;
    }
    if (rc == 0)
        unlink(meta);
    free(part);
    free(meta);
    free(f.have);
    return rc;
}
