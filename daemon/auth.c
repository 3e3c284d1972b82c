/* auth — see auth.h. */
#include "auth.h"

#include "db_users.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#define ZAP_ENDPOINT "inproc://zeromq.zap.01"
#define ZAP_FRAMES   7 /* version, request id, domain, address, identity, mechanism, key */

struct auth {
    void *sock;       /* REP bound at the ZAP endpoint */
    userdir_t *users; /* not owned */
};

auth_t *auth_new(void *zmq_ctx, userdir_t *users)
{
    void *sock = zmq_socket(zmq_ctx, ZMQ_REP);
    if (!sock)
        return NULL;
    int linger = 0;
    zmq_setsockopt(sock, ZMQ_LINGER, &linger, sizeof linger);
    if (zmq_bind(sock, ZAP_ENDPOINT) != 0) {
        zmq_close(sock);
        return NULL;
    }
    auth_t *self = xcalloc(1, sizeof *self);
    self->sock = sock;
    self->users = users;
    return self;
}

void auth_destroy(auth_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    zmq_close((*self_p)->sock);
    free(*self_p);
    *self_p = NULL;
}

void *auth_socket(auth_t *self)
{
    return self->sock;
}

static void s_send(void *sock, const char *s, size_t n, bool more)
{
    zmq_send(sock, s, n, more ? ZMQ_SNDMORE : 0);
}

/* Appends one ZMTP metadata property (name length, name, 4-byte big-endian value length,
 * value) to meta at *n. */
static void s_property(uint8_t *meta, size_t *n, const char *name, const char *value)
{
    size_t k = strlen(name), v = strlen(value);
    meta[(*n)++] = (uint8_t)k;
    memcpy(meta + *n, name, k);
    *n += k;
    meta[(*n)++] = 0;
    meta[(*n)++] = 0;
    meta[(*n)++] = (uint8_t)(v >> 8);
    meta[(*n)++] = (uint8_t)v;
    memcpy(meta + *n, value, v);
    *n += v;
}

/* Replies; an accepted peer's messages then carry User-Id and, as ZAP metadata, Org-Id and Key
 * (the public key it authenticated with: a request from a connection made with a key the user
 * no longer holds is refused). */
static void s_reply(auth_t *self, const zmq_msg_t *reqid, const char *code, const char *text,
                    const char *user_id, const char *org_id, const char *key)
{
    s_send(self->sock, "1.0", 3, true);
    s_send(self->sock, zmq_msg_data((zmq_msg_t *)reqid), zmq_msg_size((zmq_msg_t *)reqid), true);
    s_send(self->sock, code, strlen(code), true);
    s_send(self->sock, text, strlen(text), true);
    s_send(self->sock, user_id, strlen(user_id), true);
    uint8_t meta[128];
    size_t n = 0;
    if (org_id && *org_id)
        s_property(meta, &n, "Org-Id", org_id);
    if (key && *key)
        s_property(meta, &n, "Key", key);
    zmq_send(self->sock, meta, n, 0);
}

/* Decides one request given its frames; replies exactly once. */
static void s_decide(auth_t *self, zmq_msg_t *f, int nframes)
{
    if (nframes != ZAP_FRAMES || zmq_msg_size(&f[0]) != 3 ||
        memcmp(zmq_msg_data(&f[0]), "1.0", 3) != 0) {
        log_warn("auth: malformed ZAP request refused");
        if (nframes >= 2)
            s_reply(self, &f[1], "400", "malformed request", "", NULL, NULL);
        else
            s_reply(self, &f[0], "400", "malformed request", "", NULL, NULL);
        return;
    }
    if (zmq_msg_size(&f[5]) != 5 || memcmp(zmq_msg_data(&f[5]), "CURVE", 5) != 0 ||
        zmq_msg_size(&f[6]) != 32) {
        s_reply(self, &f[1], "400", "CURVE required", "", NULL, NULL);
        return;
    }
    char z85[41];
    zmq_z85_encode(z85, zmq_msg_data(&f[6]), 32);
    char address[64];
    snprintf(address, sizeof address, "%.*s", (int)zmq_msg_size(&f[3]),
             (const char *)zmq_msg_data(&f[3]));

    /* every refusal can come back at once, from every client that reconnects: rate-limited */
    static log_limit_t no_directory, unknown_key, disabled_user;
    usercache_t *dir = userdir_get(self->users);
    const user_t *u = dir ? usercache_by_key(dir, z85) : NULL;
    if (!dir) {
        log_limited(&no_directory, LOG_ERROR, "auth: no directory loaded yet");
        s_reply(self, &f[1], "500", "database unavailable", "", NULL, NULL);
    } else if (!u) {
        log_limited(&unknown_key, LOG_WARN, "auth: unknown key %.8s... from %s refused", z85,
                    address);
        s_reply(self, &f[1], "400", "unknown key", "", NULL, NULL);
    } else if (u->disabled) {
        log_limited(&disabled_user, LOG_WARN, "auth: disabled user \"%s\" from %s refused", u->name,
                    address);
        s_reply(self, &f[1], "400", "user disabled", "", NULL, NULL);
    } else {
        char id[24], org[24];
        snprintf(id, sizeof id, "%lld", (long long)u->id);
        snprintf(org, sizeof org, "%lld", (long long)u->org_id);
        log_debug("auth: user \"%s\" (%s) connected from %s", u->name, u->role, address);
        s_reply(self, &f[1], "200", "OK", id, org, z85);
    }
    usercache_unref(&dir);
}

void auth_handle(auth_t *self)
{
    for (;;) {
        zmq_msg_t frames[ZAP_FRAMES + 1];
        int n = 0;
        int more = 1;
        bool got = false;
        while (more) {
            zmq_msg_t part;
            zmq_msg_init(&part);
            if (zmq_msg_recv(&part, self->sock, got ? 0 : ZMQ_DONTWAIT) < 0) {
                zmq_msg_close(&part);
                break;
            }
            got = true;
            more = zmq_msg_more(&part);
            if (n < ZAP_FRAMES + 1)
                frames[n++] = part;
            else
                zmq_msg_close(&part);
        }
        if (!got)
            return;
        s_decide(self, frames, n);
        for (int i = 0; i < n; i++)
            zmq_msg_close(&frames[i]);
    }
}
