/* httpc — see httpc.h. */
#include "httpc.h"

#include "util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

struct httpc_stream {
    int fd;
    int status;
    char *head;
    strbuf_t in;  /* what came after the headers */
    size_t taken; /* bytes of in already returned as messages */
    bool ended;
};

static int s_connect(unsigned port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static bool s_send_all(int fd, const char *data, size_t len)
{
    while (len) {
        ssize_t n = send(fd, data, len, MSG_NOSIGNAL);
        if (n <= 0)
            return false;
        data += n;
        len -= (size_t)n;
    }
    return true;
}

/* HTTP/1.1 with "Connection: close" for requests (chromedriver answers nothing else), 1.0 for
 * streams (no chunked framing). */
static bool s_send_request(int fd, const char *method, const char *path, const char *const *headers,
                           const char *body, bool stream)
{
    strbuf_t sb = {0};
    strbuf_printf(&sb, "%s %s HTTP/1.%d\r\n", method, path, stream ? 0 : 1);
    if (!stream)
        strbuf_puts(&sb, "Connection: close\r\n");
    for (int i = 0; headers && headers[i]; i++)
        strbuf_printf(&sb, "%s\r\n", headers[i]);
    if (body)
        strbuf_printf(&sb, "Content-Length: %zu\r\n", strlen(body));
    strbuf_puts(&sb, "\r\n");
    if (body)
        strbuf_puts(&sb, body);
    bool ok = s_send_all(fd, strbuf_str(&sb), sb.len);
    strbuf_free(&sb);
    return ok;
}

/* Reads what is there (waiting until deadline for something). 1: got bytes, 0: nothing in
 * time, -1: the peer closed. */
static int s_read_some(int fd, strbuf_t *in, int64_t deadline)
{
    int64_t left = deadline - monotonic_ms();
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (left <= 0 || poll(&p, 1, (int)left) <= 0)
        return 0;
    char buf[16384];
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0)
        return -1;
    strbuf_append(in, buf, (size_t)n);
    return 1;
}

/* Splits the status line and headers off in (when complete): true and *status, *head. */
static bool s_head(strbuf_t *in, int *status, char **head)
{
    const char *end = strstr(strbuf_str(in), "\r\n\r\n");
    if (!end)
        return false;
    size_t n = (size_t)(end - in->data);
    *head = xstrndup(in->data, n);
    if (sscanf(*head, "HTTP/%*d.%*d %d", status) != 1)
        *status = 0;
    memmove(in->data, end + 4, in->len - n - 4 + 1);
    in->len -= n + 4;
    return true;
}

static char *s_header_in(const char *head, const char *name);

/* True when the answer in in is whole by its Content-Length (the head split off into out once
 * it is complete; *head says it was). */
static bool s_complete(strbuf_t *in, httpc_reply_t *out, bool *head)
{
    if (!*head && !(*head = s_head(in, &out->status, &out->head)))
        return false;
    char *cl = s_header_in(out->head, "Content-Length");
    bool whole = cl && in->len >= strtoull(cl, NULL, 10);
    free(cl);
    return whole;
}

int httpc_request(unsigned port, const char *method, const char *path, const char *const *headers,
                  const char *body, int timeout_ms, httpc_reply_t *out)
{
    memset(out, 0, sizeof *out);
    int fd = s_connect(port);
    if (fd < 0)
        return -1;
    int64_t deadline = monotonic_ms() + timeout_ms;
    strbuf_t in = {0};
    int got = s_send_request(fd, method, path, headers, body, false) ? 1 : -1;
    bool head = false;
    while (got == 1 && !s_complete(&in, out, &head))
        got = s_read_some(fd, &in, deadline);
    close(fd);
    if (!head && got != 0)
        head = s_head(&in, &out->status, &out->head);
    if (!head || (got == 0 && !s_complete(&in, out, &head))) {
        strbuf_free(&in);
        free(out->head);
        memset(out, 0, sizeof *out);
        return -1;
    }
    out->body_len = in.len;
    out->body = strbuf_take(&in);
    return 0;
}

void httpc_reply_free(httpc_reply_t *r)
{
    free(r->head);
    free(r->body);
    memset(r, 0, sizeof *r);
}

static char *s_header_in(const char *head, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = head ? strstr(head, "\r\n") : NULL; p; p = strstr(p, "\r\n")) {
        p += 2;
        if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
            const char *v = p + n + 1;
            while (*v == ' ')
                v++;
            return xstrndup(v, strcspn(v, "\r\n"));
        }
    }
    return NULL;
}

char *httpc_header(const httpc_reply_t *r, const char *name)
{
    return s_header_in(r->head, name);
}

httpc_stream_t *httpc_stream_open(unsigned port, const char *path, const char *const *headers,
                                  int timeout_ms)
{
    int fd = s_connect(port);
    if (fd < 0)
        return NULL;
    httpc_stream_t *s = xcalloc(1, sizeof *s);
    s->fd = fd;
    int64_t deadline = monotonic_ms() + timeout_ms;
    int got = s_send_request(fd, "GET", path, headers, NULL, true) ? 1 : -1;
    while (!s_head(&s->in, &s->status, &s->head)) {
        if (got != 1) {
            httpc_stream_close(&s);
            return NULL;
        }
        got = s_read_some(fd, &s->in, deadline);
    }
    return s;
}

void httpc_stream_close(httpc_stream_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    httpc_stream_t *s = *self_p;
    close(s->fd);
    free(s->head);
    strbuf_free(&s->in);
    free(s);
    *self_p = NULL;
}

int httpc_stream_status(const httpc_stream_t *s)
{
    return s->status;
}

const char *httpc_stream_head(const httpc_stream_t *s)
{
    return s->head;
}

const char *httpc_stream_text(const httpc_stream_t *s)
{
    return strbuf_str(&s->in);
}

/* Parses one message (text of n bytes, without its blank line) into *event and *data. */
static void s_message(const char *text, size_t n, char **event, char **data)
{
    strbuf_t ev = {0}, d = {0};
    bool first = true;
    for (size_t i = 0; i < n;) {
        size_t len = strcspn(text + i, "\n");
        if (len > n - i)
            len = n - i;
        const char *line = text + i;
        if (len >= 7 && strncmp(line, "event: ", 7) == 0) {
            strbuf_reset(&ev);
            strbuf_append(&ev, line + 7, len - 7);
        } else if (len >= 6 && strncmp(line, "data: ", 6) == 0) {
            if (!first)
                strbuf_puts(&d, "\n");
            strbuf_append(&d, line + 6, len - 6);
            first = false;
        }
        i += len + 1;
    }
    *event = strbuf_take(&ev);
    *data = strbuf_take(&d);
}

int httpc_stream_next(httpc_stream_t *s, int timeout_ms, char **event, char **data)
{
    int64_t deadline = monotonic_ms() + timeout_ms;
    for (;;) {
        const char *rest = strbuf_str(&s->in) + s->taken;
        const char *end = strstr(rest, "\n\n");
        if (end) {
            s_message(rest, (size_t)(end - rest), event, data);
            s->taken += (size_t)(end - rest) + 2;
            return 1;
        }
        if (s->ended)
            return -1;
        int got = s_read_some(s->fd, &s->in, deadline);
        if (got < 0)
            s->ended = true;
        else if (got == 0)
            return 0;
    }
}
