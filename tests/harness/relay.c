/* relay — see relay.h. One thread polls the listening socket, a wake-up pipe and both ends of
 * every connection; writes are blocking (loopback, and both peers read all the time). */
#include "relay.h"

#include "util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_PAIRS 64

typedef struct {
    int client; /* accepted from a client */
    int server; /* connected to the target */
} pair_t;

struct relay {
    pthread_t thread;
    int listen_fd;
    int wake[2]; /* pipe: the thread looks at the settings again */
    char endpoint[64];
    pair_t pairs[MAX_PAIRS]; /* the thread's own */
    int n_pairs;
    pthread_mutex_t mu; /* guards what follows */
    struct sockaddr_in target;
    relay_mode_t mode;
    unsigned accepted;
    bool cut;  /* cut the open connections */
    bool stop; /* end the thread */
};

static int s_parse_target(const char *target, struct sockaddr_in *out)
{
    char host[64];
    int port = 0;
    if (sscanf(target, "tcp://%63[0-9.]:%d", host, &port) != 2 || port <= 0 || port > 65535)
        return -1;
    memset(out, 0, sizeof *out);
    out->sin_family = AF_INET;
    out->sin_port = htons((uint16_t)port);
    return inet_pton(AF_INET, host, &out->sin_addr) == 1 ? 0 : -1;
}

static void s_wake(relay_t *self)
{
    char c = 1;
    if (write(self->wake[1], &c, 1) < 0 && errno != EAGAIN)
        fprintf(stderr, "relay: could not wake its thread: %s\n", strerror(errno));
}

static void s_close_pair(pair_t *p)
{
    if (p->client >= 0)
        close(p->client);
    if (p->server >= 0)
        close(p->server);
    p->client = p->server = -1;
}

/* Writes all of data to fd; false when the peer is gone. */
static bool s_write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, data, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        data += n;
        len -= (size_t)n;
    }
    return true;
}

/* A client knocked: relay it to the target, or close it when the door is shut. */
static void s_accept(relay_t *self)
{
    int client = accept4(self->listen_fd, NULL, NULL, SOCK_CLOEXEC);
    if (client < 0)
        return;
    pthread_mutex_lock(&self->mu);
    self->accepted++;
    bool shut = self->mode == RELAY_SHUT;
    struct sockaddr_in target = self->target;
    pthread_mutex_unlock(&self->mu);
    int server = shut ? -1 : socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (server >= 0 && connect(server, (struct sockaddr *)&target, sizeof target) != 0) {
        close(server); /* the daemon is not there: the client sees its connection dropped */
        server = -1;
    }
    if (server < 0 || self->n_pairs == MAX_PAIRS) {
        if (server >= 0)
            close(server);
        close(client);
        return;
    }
    self->pairs[self->n_pairs++] = (pair_t){client, server};
}

/* Moves what one end of p has to say to the other; false when the pair is over. */
static bool s_pump(relay_t *self, pair_t *p, bool from_client)
{
    char buf[65536];
    ssize_t n = recv(from_client ? p->client : p->server, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR)
        return true;
    if (n <= 0)
        return false;
    if (from_client)
        return s_write_all(p->server, buf, (size_t)n);
    pthread_mutex_lock(&self->mu);
    bool drop = self->mode == RELAY_DROP_REPLIES;
    pthread_mutex_unlock(&self->mu);
    return drop || s_write_all(p->client, buf, (size_t)n);
}

/* Applies what the other threads asked for; false when the thread must end. */
static bool s_settings(relay_t *self)
{
    char drain[64];
    while (read(self->wake[0], drain, sizeof drain) > 0)
        ;
    pthread_mutex_lock(&self->mu);
    bool cut = self->cut || self->mode == RELAY_SHUT || self->stop;
    bool stop = self->stop;
    self->cut = false;
    pthread_mutex_unlock(&self->mu);
    if (cut) {
        for (int i = 0; i < self->n_pairs; i++)
            s_close_pair(&self->pairs[i]);
        self->n_pairs = 0;
    }
    return !stop;
}

static void *s_run(void *arg)
{
    relay_t *self = arg;
    struct pollfd fds[2 + 2 * MAX_PAIRS];
    for (;;) {
        fds[0] = (struct pollfd){self->wake[0], POLLIN, 0};
        fds[1] = (struct pollfd){self->listen_fd, POLLIN, 0};
        int n = self->n_pairs;
        for (int i = 0; i < n; i++) {
            fds[2 + 2 * i] = (struct pollfd){self->pairs[i].client, POLLIN, 0};
            fds[3 + 2 * i] = (struct pollfd){self->pairs[i].server, POLLIN, 0};
        }
        if (poll(fds, (nfds_t)(2 + 2 * n), -1) < 0 && errno != EINTR)
            break;
        if ((fds[0].revents & POLLIN) && !s_settings(self))
            break;
        for (int i = 0; i < n && i < self->n_pairs; i++) {
            pair_t *p = &self->pairs[i];
            bool ok = true;
            if (fds[2 + 2 * i].revents)
                ok = s_pump(self, p, true);
            if (ok && fds[3 + 2 * i].revents)
                ok = s_pump(self, p, false);
            if (!ok)
                s_close_pair(p);
        }
        int kept = 0; /* the pairs that ended go */
        for (int i = 0; i < self->n_pairs; i++)
            if (self->pairs[i].client >= 0)
                self->pairs[kept++] = self->pairs[i];
        self->n_pairs = kept;
        if (fds[1].revents & POLLIN)
            s_accept(self);
    }
    return NULL;
}

relay_t *relay_new(const char *target)
{
    relay_t *self = xcalloc(1, sizeof *self);
    self->listen_fd = self->wake[0] = self->wake[1] = -1;
    pthread_mutex_init(&self->mu, NULL);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof addr;
    if (s_parse_target(target, &self->target) != 0) {
        fprintf(stderr, "relay: bad target \"%s\"\n", target);
        goto fail;
    }
    self->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (self->listen_fd < 0 || bind(self->listen_fd, (struct sockaddr *)&addr, sizeof addr) != 0 ||
        listen(self->listen_fd, 64) != 0 ||
        getsockname(self->listen_fd, (struct sockaddr *)&addr, &len) != 0 ||
        pipe2(self->wake, O_CLOEXEC | O_NONBLOCK) != 0) {
        fprintf(stderr, "relay: could not listen: %s\n", strerror(errno));
        goto fail;
    }
    snprintf(self->endpoint, sizeof self->endpoint, "tcp://127.0.0.1:%d", ntohs(addr.sin_port));
    if (pthread_create(&self->thread, NULL, s_run, self) != 0) {
        fprintf(stderr, "relay: could not start its thread\n");
        goto fail;
    }
    return self;
fail:
    if (self->listen_fd >= 0)
        close(self->listen_fd);
    if (self->wake[0] >= 0) {
        close(self->wake[0]);
        close(self->wake[1]);
    }
    pthread_mutex_destroy(&self->mu);
    free(self);
    return NULL;
}

void relay_destroy(relay_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    relay_t *self = *self_p;
    pthread_mutex_lock(&self->mu);
    self->stop = true;
    pthread_mutex_unlock(&self->mu);
    s_wake(self);
    pthread_join(self->thread, NULL);
    close(self->listen_fd);
    close(self->wake[0]);
    close(self->wake[1]);
    pthread_mutex_destroy(&self->mu);
    free(self);
    *self_p = NULL;
}

const char *relay_endpoint(const relay_t *self)
{
    return self->endpoint;
}

void relay_set_target(relay_t *self, const char *target)
{
    struct sockaddr_in addr;
    if (s_parse_target(target, &addr) != 0) {
        fprintf(stderr, "relay: bad target \"%s\" ignored\n", target);
        return;
    }
    pthread_mutex_lock(&self->mu);
    self->target = addr;
    pthread_mutex_unlock(&self->mu);
}

void relay_set_mode(relay_t *self, relay_mode_t mode)
{
    pthread_mutex_lock(&self->mu);
    self->mode = mode;
    pthread_mutex_unlock(&self->mu);
    s_wake(self);
}

void relay_cut(relay_t *self)
{
    pthread_mutex_lock(&self->mu);
    self->cut = true;
    pthread_mutex_unlock(&self->mu);
    s_wake(self);
}

unsigned relay_accepted(relay_t *self)
{
    pthread_mutex_lock(&self->mu);
    unsigned n = self->accepted;
    pthread_mutex_unlock(&self->mu);
    return n;
}
