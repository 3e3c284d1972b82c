/* webserve — see webserve.h. */
#include "webserve.h"

#include "webfiles.h"
#include "webhttp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define KEEPALIVE_S  15   /* an event stream sends a comment when nothing else was sent */
#define RETRY_MS     2000 /* how soon a browser opens a dropped event stream again */
#define LOGIN_MAX    1024 /* bytes of a login form */
#define MAX_CONNS    64
#define MAX_PER_IP   32
#define IDLE_TIMEOUT 120 /* seconds an idle connection (not a stream) is kept */
#define ASK_S        15  /* a timeline waits for its turn and its answer */

/* Only the page's own script and style; no frames, no plugins, no form posts elsewhere. */
#define CSP                                                                                        \
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "                    \
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

struct webserve {
    struct MHD_Daemon *mhd;
    /* held by webserve_new from before the server threads start until port and cookie are
     * set; a request's first call takes it once, so it never reads them half set */
    pthread_mutex_t started;
    unsigned port;
    char *token;
    char **names; /* NULL-terminated */
    char cookie[32];
    pthread_mutex_t lock; /* guards what follows */
    pthread_cond_t changed;
    bool stopping;
    unsigned long long version; /* of the board published; 0 before the first */
    char *view, *board, *text;
    int streams;
    /* the one question of a page for the main thread (GET /timeline/N) */
    pthread_cond_t turn; /* a question was answered or the slot freed */
    bool busy;           /* a question holds the slot */
    int64_t asked;       /* its instance */
    bool answered;
    unsigned answer_status;
    char *answer;
};

/* One event stream: what is still to be written of the last message, and which board it
 * carried. */
typedef struct {
    webserve_t *ws;
    unsigned long long sent; /* version of the last board sent */
    strbuf_t out;
    size_t off;
} stream_t;

/* One request: the login form's body as it arrives. */
typedef struct {
    strbuf_t body;
    bool too_big;
} request_t;

/* ---- files -------------------------------------------------------------------------------- */

static const webfile_t *s_file(const char *name)
{
    for (int i = 0; i < web_files_count; i++)
        if (strcmp(web_files[i].name, name) == 0)
            return &web_files[i];
    return NULL;
}

/* ---- responses ---------------------------------------------------------------------------- */

static void s_headers(struct MHD_Response *r, const char *type)
{
    MHD_add_response_header(r, "Content-Type", type);
    MHD_add_response_header(r, "Content-Security-Policy", CSP);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    /* not no-referrer: a browser then sends "Origin: null" with the login form */
    MHD_add_response_header(r, "Referrer-Policy", "same-origin");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    MHD_add_response_header(r, "Cross-Origin-Opener-Policy", "same-origin");
    MHD_add_response_header(r, "Cross-Origin-Resource-Policy", "same-origin");
}

/* Queues body (copied) with status and type; extra is a NULL-terminated list of header name
 * and value pairs (may be NULL). */
static enum MHD_Result s_send(struct MHD_Connection *c, unsigned status, const char *type,
                              const char *body, size_t len, const char *const *extra)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
    if (!r)
        return MHD_NO;
    s_headers(r, type);
    for (int i = 0; extra && extra[i]; i += 2)
        MHD_add_response_header(r, extra[i], extra[i + 1]);
    enum MHD_Result ok = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ok;
}

/* A refusal: a short Indonesian text with its stable code (a 401 names how to authenticate). */
static enum MHD_Result s_refuse(struct MHD_Connection *c, unsigned status, const char *code,
                                const char *text)
{
    static const char *const bearer[] = {"WWW-Authenticate", "Bearer realm=\"lkip monitor\"", NULL};
    char *body = xasprintf("%s [%s]\n", text, code);
    enum MHD_Result ok = s_send(c, status, "text/plain; charset=utf-8", body, strlen(body),
                                status == MHD_HTTP_UNAUTHORIZED ? bearer : NULL);
    free(body);
    return ok;
}

/* ---- the token ---------------------------------------------------------------------------- */

static const char *s_header(struct MHD_Connection *c, const char *name)
{
    return MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
}

/* True when the request carries the token: the cookie, a bearer header, or ?token=. */
static bool s_authorized(webserve_t *ws, struct MHD_Connection *c)
{
    char *cookie = webhttp_cookie_get(s_header(c, "Cookie"), ws->cookie);
    bool ok = webhttp_token_eq(cookie, ws->token);
    free(cookie);
    const char *auth = s_header(c, "Authorization");
    if (!ok && auth && strncmp(auth, "Bearer ", 7) == 0)
        ok = webhttp_token_eq(auth + 7, ws->token);
    if (!ok)
        ok = webhttp_token_eq(MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "token"),
                              ws->token);
    return ok;
}

/* The token was right: kept in a cookie, and the browser sent to the clean URL. */
static enum MHD_Result s_login_ok(webserve_t *ws, struct MHD_Connection *c)
{
    char *cookie = xasprintf("%s=%s; Path=/; HttpOnly; SameSite=Strict", ws->cookie, ws->token);
    const char *extra[] = {"Set-Cookie", cookie, "Location", "/", NULL};
    static const char body[] = "Papan pemantauan: /\n";
    enum MHD_Result ok =
        s_send(c, MHD_HTTP_SEE_OTHER, "text/plain; charset=utf-8", body, sizeof body - 1, extra);
    free(cookie);
    return ok;
}

static enum MHD_Result s_login_page(struct MHD_Connection *c, unsigned status, const char *msg)
{
    const webfile_t *f = s_file("login.html");
    static const char *const keys[] = {"message", NULL};
    const char *values[] = {msg};
    char *page = webhttp_fill(f->data, keys, values);
    static const char *const bearer[] = {"WWW-Authenticate", "Bearer realm=\"lkip monitor\"", NULL};
    enum MHD_Result ok = s_send(c, status, webhttp_content_type("login.html"), page, strlen(page),
                                status == MHD_HTTP_UNAUTHORIZED ? bearer : NULL);
    free(page);
    return ok;
}

/* ---- the board ---------------------------------------------------------------------------- */

/* A copy of the board's view, board or text as published (NULL before the first). */
static char *s_published(webserve_t *ws, char *const *which)
{
    pthread_mutex_lock(&ws->lock);
    char *copy = *which ? xstrdup(*which) : NULL;
    pthread_mutex_unlock(&ws->lock);
    return copy;
}

static enum MHD_Result s_page(webserve_t *ws, struct MHD_Connection *c)
{
    char *text = s_published(ws, &ws->text);
    const webfile_t *f = s_file("index.html");
    static const char *const keys[] = {"board_text", NULL};
    const char *values[] = {text ? text : "Papan pemantauan: memuat..."};
    char *page = webhttp_fill(f->data, keys, values);
    enum MHD_Result ok =
        s_send(c, MHD_HTTP_OK, webhttp_content_type("index.html"), page, strlen(page), NULL);
    free(page);
    free(text);
    return ok;
}

static enum MHD_Result s_board_json(webserve_t *ws, struct MHD_Connection *c)
{
    char *board = s_published(ws, &ws->board);
    if (!board)
        return s_refuse(c, MHD_HTTP_SERVICE_UNAVAILABLE, "web_board_loading",
                        "papan belum dimuat dari server lkipd; coba lagi sebentar lagi");
    enum MHD_Result ok = s_send(c, MHD_HTTP_OK, "application/json", board, strlen(board), NULL);
    free(board);
    return ok;
}

/* ---- event streams ------------------------------------------------------------------------ */

/* Waits for a board newer than the stream's (or the keepalive time) and puts the message to
 * send in st->out. False when the server stops. */
static bool s_stream_next(stream_t *st)
{
    webserve_t *ws = st->ws;
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += KEEPALIVE_S;
    strbuf_reset(&st->out);
    st->off = 0;
    pthread_mutex_lock(&ws->lock);
    int rc = 0;
    while (!ws->stopping && (ws->version == st->sent || !ws->view) && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait(&ws->changed, &ws->lock, &until);
    bool go = !ws->stopping;
    if (go && ws->view && ws->version != st->sent) {
        webhttp_sse_frame(&st->out, "board", ws->version, ws->view);
        st->sent = ws->version;
    } else if (go) {
        strbuf_puts(&st->out, ": tetap tersambung\n\n");
    }
    pthread_mutex_unlock(&ws->lock);
    return go;
}

static ssize_t s_stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    stream_t *st = cls;
    if (st->off >= st->out.len && !s_stream_next(st))
        return MHD_CONTENT_READER_END_OF_STREAM;
    size_t n = st->out.len - st->off;
    if (n > max)
        n = max;
    memcpy(buf, st->out.data + st->off, n);
    st->off += n;
    return (ssize_t)n;
}

static void s_stream_free(void *cls)
{
    stream_t *st = cls;
    pthread_mutex_lock(&st->ws->lock);
    st->ws->streams--;
    pthread_mutex_unlock(&st->ws->lock);
    strbuf_free(&st->out);
    free(st);
}

static enum MHD_Result s_events(webserve_t *ws, struct MHD_Connection *c)
{
    stream_t *st = xcalloc(1, sizeof *st);
    st->ws = ws;
    strbuf_printf(&st->out, "retry: %d\n\n", RETRY_MS);
    struct MHD_Response *r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16384,
                                                               s_stream_read, st, s_stream_free);
    if (!r) {
        strbuf_free(&st->out);
        free(st);
        return MHD_NO;
    }
    pthread_mutex_lock(&ws->lock);
    ws->streams++;
    pthread_mutex_unlock(&ws->lock);
    s_headers(r, "text/event-stream; charset=utf-8");
    enum MHD_Result ok = MHD_queue_response(c, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ok;
}

/* ---- timelines ---------------------------------------------------------------------------- */

/* Waits on the turn condition until done says so, the server stops or until passes. */
static void s_wait_turn(webserve_t *ws, const struct timespec *until, bool (*done)(webserve_t *))
{
    int rc = 0;
    while (!done(ws) && !ws->stopping && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait(&ws->turn, &ws->lock, until);
}

static bool s_slot_free(webserve_t *ws)
{
    return !ws->busy;
}

static bool s_has_answer(webserve_t *ws)
{
    return ws->answered;
}

static enum MHD_Result s_timeline(webserve_t *ws, struct MHD_Connection *c, const char *ref)
{
    if (!*ref || strlen(ref) > 18 || strspn(ref, "0123456789") != strlen(ref) || *ref == '0')
        return s_refuse(c, MHD_HTTP_NOT_FOUND, "web_not_found", "nomor SOP tidak dikenal");
    int64_t id = strtoll(ref, NULL, 10);
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += ASK_S;
    pthread_mutex_lock(&ws->lock);
    s_wait_turn(ws, &until, s_slot_free);
    if (ws->busy || ws->stopping) {
        pthread_mutex_unlock(&ws->lock);
        return s_refuse(c, MHD_HTTP_SERVICE_UNAVAILABLE, "web_busy",
                        "permintaan riwayat lain belum selesai; coba lagi");
    }
    ws->busy = true;
    ws->asked = id;
    s_wait_turn(ws, &until, s_has_answer);
    unsigned status = ws->answered ? ws->answer_status : MHD_HTTP_GATEWAY_TIMEOUT;
    char *text = ws->answered ? ws->answer : xstrdup("server lkipd belum menjawab [web_timeout]\n");
    ws->answer = NULL;
    ws->busy = ws->answered = false;
    ws->asked = 0;
    pthread_cond_broadcast(&ws->turn);
    pthread_mutex_unlock(&ws->lock);
    enum MHD_Result ok = s_send(c, status, "text/plain; charset=utf-8", text, strlen(text), NULL);
    free(text);
    return ok;
}

int64_t webserve_question(webserve_t *self)
{
    pthread_mutex_lock(&self->lock);
    int64_t id = self->busy && !self->answered ? self->asked : 0;
    pthread_mutex_unlock(&self->lock);
    return id;
}

void webserve_answer(webserve_t *self, int64_t id, unsigned status, char *text)
{
    pthread_mutex_lock(&self->lock);
    if (self->busy && !self->answered && self->asked == id) {
        self->answer = text;
        self->answer_status = status;
        self->answered = true;
        pthread_cond_broadcast(&self->turn);
        text = NULL;
    }
    pthread_mutex_unlock(&self->lock);
    free(text);
}

/* ---- routing ------------------------------------------------------------------------------ */

/* The checks every request passes first: its Host, its Origin, its method. NULL when it
 * passes, else the refusal's code (the refusal is queued in *ok). */
static const char *s_gate(webserve_t *ws, struct MHD_Connection *c, const char *url,
                          const char *method, enum MHD_Result *ok)
{
    const char *host = s_header(c, "Host");
    const char *site = s_header(c, "Sec-Fetch-Site");
    bool get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    bool login = strcmp(method, "POST") == 0 && strcmp(url, "/login") == 0;
    if (!webhttp_host_ok(host, ws->port, (const char *const *)ws->names)) {
        *ok = s_refuse(c, MHD_HTTP_MISDIRECTED_REQUEST, "web_bad_host",
                       "nama host permintaan bukan nama server ini");
        return "web_bad_host";
    }
    if (!webhttp_origin_ok(s_header(c, "Origin"), host) ||
        (site && strcmp(site, "cross-site") == 0)) {
        *ok = s_refuse(c, MHD_HTTP_FORBIDDEN, "web_bad_origin",
                       "permintaan dari halaman situs lain ditolak");
        return "web_bad_origin";
    }
    if (!get && !login) {
        static const char *const allow[] = {"Allow", "GET, HEAD", NULL};
        static const char body[] = "halaman ini hanya dapat dibaca [web_read_only]\n";
        *ok = s_send(c, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain; charset=utf-8", body,
                     sizeof body - 1, allow);
        return "web_read_only";
    }
    return NULL;
}

static enum MHD_Result s_login_post(webserve_t *ws, struct MHD_Connection *c, request_t *rq)
{
    if (rq->too_big)
        return s_refuse(c, MHD_HTTP_CONTENT_TOO_LARGE, "web_too_large", "formulir terlalu besar");
    char *token = webhttp_form_get(strbuf_str(&rq->body), "token");
    bool ok = webhttp_token_eq(token, ws->token);
    free(token);
    if (ok)
        return s_login_ok(ws, c);
    return s_login_page(c, MHD_HTTP_UNAUTHORIZED, "Token salah. Periksa token lalu coba lagi.");
}

static enum MHD_Result s_route(webserve_t *ws, struct MHD_Connection *c, const char *url)
{
    const webfile_t *f = url[0] == '/' ? s_file(url + 1) : NULL;
    const char *type = f ? webhttp_content_type(f->name) : "";
    /* the page's script and style are no secret: the login form uses them too */
    if (f && (strstr(type, "css") || strstr(type, "javascript") || strstr(type, "svg")))
        return s_send(c, MHD_HTTP_OK, type, f->data, f->len, NULL);
    bool timeline = strncmp(url, "/timeline/", 10) == 0;
    bool known = strcmp(url, "/") == 0 || strcmp(url, "/board.json") == 0 ||
                 strcmp(url, "/events") == 0 || timeline;
    if (!known)
        return s_refuse(c, MHD_HTTP_NOT_FOUND, "web_not_found", "halaman tidak ada");
    if (!s_authorized(ws, c)) {
        /* the page asks for the token; a wrong one in the address is said so */
        if (strcmp(url, "/") == 0)
            return MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "token")
                       ? s_login_page(c, MHD_HTTP_UNAUTHORIZED,
                                      "Token pada alamat tidak cocok. Periksa alamat yang "
                                      "dicetak oleh lkip monitor --web, atau masukkan token.")
                       : s_login_page(c, MHD_HTTP_OK, "");
        return s_refuse(c, MHD_HTTP_UNAUTHORIZED, "web_token_required",
                        "token akses diperlukan: buka halaman utama dan masukkan token");
    }
    if (strcmp(url, "/") == 0)
        return MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "token") ? s_login_ok(ws, c)
                                                                              : s_page(ws, c);
    if (strcmp(url, "/board.json") == 0)
        return s_board_json(ws, c);
    if (timeline)
        return s_timeline(ws, c, url + 10);
    return s_events(ws, c);
}

static enum MHD_Result s_handle(void *cls, struct MHD_Connection *c, const char *url,
                                const char *method, const char *version, const char *upload,
                                size_t *upload_size, void **req_p)
{
    webserve_t *ws = cls;
    request_t *rq = *req_p;
    if (!rq) {
        pthread_mutex_lock(&ws->started);
        pthread_mutex_unlock(&ws->started);
        enum MHD_Result ok;
        if (s_gate(ws, c, url, method, &ok))
            return ok;
        *req_p = xcalloc(1, sizeof *rq);
        return MHD_YES;
    }
    if (strcmp(method, "POST") == 0) {
        if (*upload_size) {
            if (rq->body.len + *upload_size > LOGIN_MAX)
                rq->too_big = true;
            else
                strbuf_append(&rq->body, upload, *upload_size);
            *upload_size = 0;
            return MHD_YES;
        }
        return s_login_post(ws, c, rq);
    }
    return s_route(ws, c, url);
}

static void s_done(void *cls, struct MHD_Connection *c, void **req_p,
                   enum MHD_RequestTerminationCode why)
{
    request_t *rq = *req_p;
    if (rq) {
        strbuf_free(&rq->body);
        free(rq);
        *req_p = NULL;
    }
}

/* ---- life --------------------------------------------------------------------------------- */

/* The socket address of host:port in *ss; false when host is not numeric. */
static bool s_sockaddr(const char *host, unsigned port, struct sockaddr_storage *ss, bool *v6)
{
    memset(ss, 0, sizeof *ss);
    struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
    if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
        a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)port);
        *v6 = false;
        return true;
    }
    if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)port);
        *v6 = true;
        return true;
    }
    return false;
}

webserve_t *webserve_new(const webserve_conf_t *conf, char *err, size_t len)
{
    struct sockaddr_storage ss;
    bool v6;
    if (!s_sockaddr(conf->host, conf->port, &ss, &v6)) {
        snprintf(err, len, "alamat \"%s\" bukan alamat IP", conf->host);
        return NULL;
    }
    webserve_t *ws = xcalloc(1, sizeof *ws);
    ws->token = xstrdup(conf->token);
    int n = 0;
    while (conf->names && conf->names[n])
        n++;
    ws->names = xcalloc((size_t)n + 1, sizeof *ws->names);
    for (int i = 0; i < n; i++)
        ws->names[i] = xstrdup(conf->names[i]);
    pthread_mutex_init(&ws->lock, NULL);
    pthread_mutex_init(&ws->started, NULL);
    pthread_mutex_lock(&ws->started);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&ws->changed, &ca);
    pthread_cond_init(&ws->turn, &ca);
    pthread_condattr_destroy(&ca);
    unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
                     MHD_USE_POLL | (v6 ? MHD_USE_IPv6 : 0);
    errno = 0;
    ws->mhd =
        MHD_start_daemon(flags, (uint16_t)conf->port, NULL, NULL, s_handle, ws,
                         MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss, MHD_OPTION_NOTIFY_COMPLETED,
                         s_done, ws, MHD_OPTION_CONNECTION_LIMIT, (unsigned)MAX_CONNS,
                         MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)MAX_PER_IP,
                         MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)IDLE_TIMEOUT, MHD_OPTION_END);
    if (!ws->mhd) {
        snprintf(err, len, "tidak dapat mendengarkan di %s%s%s:%u: %s", v6 ? "[" : "", conf->host,
                 v6 ? "]" : "", conf->port,
                 errno ? strerror(errno) : "alamat mungkin sedang dipakai");
        pthread_mutex_unlock(&ws->started);
        webserve_destroy(&ws);
        return NULL;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(ws->mhd, MHD_DAEMON_INFO_BIND_PORT);
    ws->port = info ? info->port : conf->port;
    webhttp_cookie_name(ws->port, ws->cookie, sizeof ws->cookie);
    pthread_mutex_unlock(&ws->started);
    return ws;
}

void webserve_destroy(webserve_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    webserve_t *ws = *self_p;
    pthread_mutex_lock(&ws->lock);
    ws->stopping = true;
    pthread_cond_broadcast(&ws->changed);
    pthread_cond_broadcast(&ws->turn);
    pthread_mutex_unlock(&ws->lock);
    if (ws->mhd)
        MHD_stop_daemon(ws->mhd);
    for (int i = 0; ws->names[i]; i++)
        free(ws->names[i]);
    free(ws->names);
    sodium_memzero(ws->token, strlen(ws->token));
    free(ws->token);
    free(ws->view);
    free(ws->board);
    free(ws->text);
    free(ws->answer);
    pthread_cond_destroy(&ws->turn);
    pthread_cond_destroy(&ws->changed);
    pthread_mutex_destroy(&ws->lock);
    pthread_mutex_destroy(&ws->started);
    free(ws);
    *self_p = NULL;
}

unsigned webserve_port(const webserve_t *self)
{
    return self->port;
}

void webserve_publish(webserve_t *self, char *view, char *board, char *text)
{
    pthread_mutex_lock(&self->lock);
    free(self->view);
    free(self->board);
    free(self->text);
    self->view = view;
    self->board = board;
    self->text = text;
    self->version++;
    pthread_cond_broadcast(&self->changed);
    pthread_mutex_unlock(&self->lock);
}

int webserve_streams(webserve_t *self)
{
    pthread_mutex_lock(&self->lock);
    int n = self->streams;
    pthread_mutex_unlock(&self->lock);
    return n;
}
