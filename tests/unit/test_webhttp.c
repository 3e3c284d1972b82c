/* test_webhttp — the HTTP layer of lkip monitor --web without lkipd: the rules of webhttp (the
 * listening address, Host against DNS rebinding, Origin, the token compared in constant time,
 * the cookie, form fields, Server-Sent Events framing, HTML escaping, page templates), the
 * embedded page files (no inline script or style, nothing from outside, no HTML built from
 * data), and the real server (webserve) on an ephemeral loopback port spoken to over a plain
 * socket: what it refuses and with which status, the token by URL, form, cookie and bearer
 * header, the headers of every answer, /board.json, the event stream carrying each board
 * published, and a timeline asked of the main thread and answered. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../harness/httpc.h"
#include "webfiles.h"
#include "webhttp.h"
#include "webserve.h"

#define TOKEN   "t0ken-for-the-unit-test"
#define WAIT_MS 20000

/* ---- the rules ------------------------------------------------------------------------------ */

static void test_parse_addr(void **state)
{
    char host[64];
    unsigned port = 1;
    assert_true(webhttp_parse_addr("127.0.0.1:8390", host, sizeof host, &port));
    assert_string_equal(host, "127.0.0.1");
    assert_int_equal(port, 8390);
    assert_true(webhttp_parse_addr("9000", host, sizeof host, &port));
    assert_string_equal(host, "127.0.0.1");
    assert_int_equal(port, 9000);
    assert_true(webhttp_parse_addr("[::1]:8390", host, sizeof host, &port));
    assert_string_equal(host, "::1");
    assert_true(webhttp_parse_addr("0.0.0.0:0", host, sizeof host, &port));
    assert_int_equal(port, 0);
    static const char *const bad[] = {
        "",      "localhost:8390", "1.2.3.4",     "1.2.3.4:",  "1.2.3.4:99999", "::1:8390",
        "[::1]", "[1.2.3.4]:80",   "1.2.3.4:80x", "[::1]x:80", "300.1.1.1:80"};
    for (size_t i = 0; i < ARRAY_LEN(bad); i++)
        if (webhttp_parse_addr(bad[i], host, sizeof host, &port))
            fail_msg("\"%s\" was taken as an address", bad[i]);
}

static void test_loopback(void **state)
{
    assert_true(webhttp_is_loopback("127.0.0.1"));
    assert_true(webhttp_is_loopback("127.3.2.1"));
    assert_true(webhttp_is_loopback("::1"));
    assert_false(webhttp_is_loopback("0.0.0.0"));
    assert_false(webhttp_is_loopback("::"));
    assert_false(webhttp_is_loopback("192.168.1.5"));
    assert_false(webhttp_is_loopback("128.0.0.1"));
}

/* DNS rebinding: a page of evil.example whose name now points at 127.0.0.1 sends its own name
 * in Host; only names no DNS can move are ours. */
static void test_host(void **state)
{
    static const char *const names[] = {"papan.dkip.local", NULL};
    static const char *const good[] = {"127.0.0.1:8390", "localhost:8390", "LocalHost:8390",
                                       "[::1]:8390",     "10.0.0.7:8390",  "papan.dkip.local:8390"};
    for (size_t i = 0; i < ARRAY_LEN(good); i++)
        if (!webhttp_host_ok(good[i], 8390, names))
            fail_msg("Host \"%s\" was refused", good[i]);
    static const char *const bad[] = {"evil.example:8390",
                                      "127.0.0.1.evil.example:8390",
                                      "localhost.evil.example:8390",
                                      "localhost:8391",
                                      "localhost",
                                      "127.0.0.1:8390:1",
                                      "[::1:8390",
                                      "[evil]:8390",
                                      "",
                                      ":8390",
                                      "papan.dkip.local.evil:8390"};
    for (size_t i = 0; i < ARRAY_LEN(bad); i++)
        if (webhttp_host_ok(bad[i], 8390, names))
            fail_msg("Host \"%s\" was accepted", bad[i]);
    assert_false(webhttp_host_ok(NULL, 8390, names));
    assert_false(webhttp_host_ok("papan.dkip.local:8390", 8390, NULL));
    assert_true(webhttp_host_ok("localhost", 80, NULL));
}

static void test_origin(void **state)
{
    assert_true(webhttp_origin_ok(NULL, "127.0.0.1:8390"));
    assert_true(webhttp_origin_ok("http://127.0.0.1:8390", "127.0.0.1:8390"));
    assert_false(webhttp_origin_ok("http://evil.example", "127.0.0.1:8390"));
    assert_false(webhttp_origin_ok("http://localhost:8390", "127.0.0.1:8390"));
    assert_false(webhttp_origin_ok("https://127.0.0.1:8390", "127.0.0.1:8390"));
    assert_false(webhttp_origin_ok("null", "127.0.0.1:8390"));
    assert_false(webhttp_origin_ok("http://127.0.0.1:8390.evil", "127.0.0.1:8390"));
}

static void test_token(void **state)
{
    assert_true(webhttp_token_eq(TOKEN, TOKEN));
    assert_false(webhttp_token_eq("t0ken-for-the-unit-tesT", TOKEN));
    assert_false(webhttp_token_eq("t0ken-for-the-unit", TOKEN));
    assert_false(webhttp_token_eq(TOKEN "x", TOKEN));
    assert_false(webhttp_token_eq("", TOKEN));
    assert_false(webhttp_token_eq(NULL, TOKEN));

    char *a = webhttp_token_new(), *b = webhttp_token_new();
    assert_int_equal(strlen(a), 32);
    assert_int_equal(strspn(a, "0123456789abcdef"), 32);
    assert_string_not_equal(a, b);
    free(a);
    free(b);

    char *t = NULL;
    const char *why = NULL;
    assert_int_equal(webhttp_token_from_text("  rahasia-papan-dkip-2026 \nlagi\n", &t, &why), 0);
    assert_string_equal(t, "rahasia-papan-dkip-2026");
    free(t);
    assert_int_equal(webhttp_token_from_text("pendek\n", &t, &why), -1);
    assert_non_null(strstr(why, "terlalu pendek"));
    assert_int_equal(webhttp_token_from_text("rahasia papan dkip 2026\n", &t, &why), -1);
    assert_non_null(strstr(why, "tanpa spasi"));
}

static void test_cookie_and_form(void **state)
{
    char name[32];
    webhttp_cookie_name(8390, name, sizeof name);
    assert_string_equal(name, "lkip_web_8390");
    char *v = webhttp_cookie_get("a=1; lkip_web_8390=xyz; b=2", name);
    assert_string_equal(v, "xyz");
    free(v);
    assert_null(webhttp_cookie_get("lkip_web_83900=q; xlkip_web_8390=r", name));
    assert_null(webhttp_cookie_get(NULL, name));

    v = webhttp_form_get("x=1&token=abc%2Bdef+g%21", "token");
    assert_string_equal(v, "abc+def g!");
    free(v);
    assert_null(webhttp_form_get("token=abc%zz", "token"));
    assert_null(webhttp_form_get("token=abc%00def", "token"));
    assert_null(webhttp_form_get("token=abc%4", "token"));
    assert_null(webhttp_form_get("tokens=abc", "token"));
}

/* A line break in the data can never end the message or start a field of its own. */
static void test_sse_frame(void **state)
{
    strbuf_t sb = {0};
    webhttp_sse_frame(&sb, "board", 3, "a\nb\r\nc\rd");
    assert_string_equal(strbuf_str(&sb),
                        "event: board\nid: 3\ndata: a\ndata: b\ndata: c\ndata: d\n\n");
    strbuf_reset(&sb);
    webhttp_sse_frame(&sb, "board", 0, "x\n\nevent: palsu\nid: 99");
    assert_string_equal(strbuf_str(&sb),
                        "event: board\ndata: x\ndata: \ndata: event: palsu\ndata: id: 99\n\n");
    strbuf_reset(&sb);
    webhttp_sse_frame(&sb, "board", 1, "");
    assert_string_equal(strbuf_str(&sb), "event: board\nid: 1\ndata: \n\n");
    strbuf_free(&sb);
}

static void test_html_escape_and_fill(void **state)
{
    strbuf_t sb = {0};
    webhttp_html_escape(&sb, "<script>alert(\"x&'y\")</script>");
    assert_string_equal(strbuf_str(&sb),
                        "&lt;script&gt;alert(&quot;x&amp;&#39;y&quot;)&lt;/script&gt;");
    strbuf_free(&sb);
    static const char *const keys[] = {"message", NULL};
    const char *values[] = {"<img src=x onerror=alert(1)> & \"q\""};
    char *page = webhttp_fill("<p title=\"{{message}}\">{{message}}</p>{{other}}{{", keys, values);
    assert_string_equal(page, "<p title=\"&lt;img src=x onerror=alert(1)&gt; &amp; &quot;q&quot;\">"
                              "&lt;img src=x onerror=alert(1)&gt; &amp; &quot;q&quot;</p>"
                              "{{other}}{{");
    free(page);
    assert_string_equal(webhttp_content_type("app.js"), "text/javascript; charset=utf-8");
    assert_string_equal(webhttp_content_type("index.html"), "text/html; charset=utf-8");
    assert_string_equal(webhttp_content_type("x.bin"), "application/octet-stream");
}

static const webfile_t *s_webfile(const char *name)
{
    for (int i = 0; i < web_files_count; i++)
        if (strcmp(web_files[i].name, name) == 0)
            return &web_files[i];
    fail_msg("%s is not embedded", name);
    return NULL;
}

/* The page as the CSP allows it: its script and style are files of its own; nothing comes from
 * outside; the script never turns data into HTML. */
static void test_embedded_files(void **state)
{
    const webfile_t *js = s_webfile("app.js"), *css = s_webfile("app.css");
    const webfile_t *pages[] = {s_webfile("index.html"), s_webfile("login.html")};
    assert_int_equal(strlen(js->data), js->len);
    for (size_t i = 0; i < ARRAY_LEN(pages); i++) {
        const char *p = pages[i]->data;
        assert_int_equal(strlen(p), pages[i]->len);
        assert_null(strstr(p, "<script>"));
        assert_null(strstr(p, "style="));
        assert_null(strstr(p, "<style"));
        assert_null(strstr(p, " on"));
        assert_null(strstr(p, "//"));
    }
    assert_non_null(strstr(pages[0]->data, "<script src=\"/app.js\" defer></script>"));
    static const char *const never[] = {"innerHTML",      "outerHTML", "insertAdjacentHTML",
                                        "document.write", "eval(",     "Function(",
                                        "http:",          "https:"};
    for (size_t i = 0; i < ARRAY_LEN(never); i++)
        if (strstr(js->data, never[i]))
            fail_msg("app.js uses %s", never[i]);
    assert_null(strstr(css->data, "http"));
    assert_null(strstr(css->data, "@import"));
}

/* ---- the server ----------------------------------------------------------------------------- */

typedef struct {
    webserve_t *ws;
    unsigned port;
    char host[64], cookie[96], bearer[96], origin[96];
} server_t;

static server_t s_srv;

static int s_server_up(void **state)
{
    memset(&s_srv, 0, sizeof s_srv);
    char err[256];
    webserve_conf_t conf = {.host = "127.0.0.1", .port = 0, .token = TOKEN};
    s_srv.ws = webserve_new(&conf, err, sizeof err);
    if (!s_srv.ws) {
        fprintf(stderr, "webserve_new: %s\n", err);
        return -1;
    }
    s_srv.port = webserve_port(s_srv.ws);
    snprintf(s_srv.host, sizeof s_srv.host, "Host: 127.0.0.1:%u", s_srv.port);
    snprintf(s_srv.cookie, sizeof s_srv.cookie, "Cookie: lkip_web_%u=%s", s_srv.port, TOKEN);
    snprintf(s_srv.bearer, sizeof s_srv.bearer, "Authorization: Bearer %s", TOKEN);
    snprintf(s_srv.origin, sizeof s_srv.origin, "Origin: http://127.0.0.1:%u", s_srv.port);
    return 0;
}

static int s_server_down(void **state)
{
    webserve_destroy(&s_srv.ws);
    return 0;
}

/* One request; fails the test when no answer came. */
static void s_req(const char *method, const char *path, const char *const *headers,
                  const char *body, httpc_reply_t *r)
{
    if (httpc_request(s_srv.port, method, path, headers, body, WAIT_MS, r) != 0)
        fail_msg("%s %s: no answer", method, path);
}

static void s_has_header(const httpc_reply_t *r, const char *name, const char *part)
{
    char *v = httpc_header(r, name);
    if (!v || !strstr(v, part))
        fail_msg("header %s has no \"%s\":\n%s", name, part, r->head);
    free(v);
}

/* What every answer carries, refusals included. */
static void s_safe_headers(const httpc_reply_t *r)
{
    s_has_header(r, "Content-Security-Policy", "default-src 'none'");
    s_has_header(r, "Content-Security-Policy", "script-src 'self'");
    s_has_header(r, "Content-Security-Policy", "frame-ancestors 'none'");
    s_has_header(r, "X-Content-Type-Options", "nosniff");
    s_has_header(r, "X-Frame-Options", "DENY");
    s_has_header(r, "Referrer-Policy", "same-origin");
    s_has_header(r, "Cache-Control", "no-store");
}

static void s_expect(const char *method, const char *path, const char *const *headers,
                     const char *body, int status, const char *text)
{
    httpc_reply_t r;
    s_req(method, path, headers, body, &r);
    if (r.status != status || (text && !strstr(r.body, text)))
        fail_msg("%s %s: %d, expected %d with \"%s\":\n%s\n\n%s", method, path, r.status, status,
                 text ? text : "", r.head, r.body);
    s_safe_headers(&r);
    httpc_reply_free(&r);
}

static void test_server_refusals(void **state)
{
    char evil[64];
    snprintf(evil, sizeof evil, "Host: evil.example:%u", s_srv.port);
    /* DNS rebinding: even with the token, a foreign name is refused */
    const char *rebound[] = {evil, s_srv.cookie, NULL};
    s_expect("GET", "/", rebound, NULL, 421, "[web_bad_host]");
    s_expect("GET", "/events", rebound, NULL, 421, "[web_bad_host]");
    const char *nohost[] = {s_srv.cookie, NULL};
    s_expect("GET", "/board.json", nohost, NULL, 421, "[web_bad_host]");
    /* another site's page */
    const char *foreign[] = {s_srv.host, s_srv.cookie, "Origin: http://evil.example", NULL};
    s_expect("GET", "/board.json", foreign, NULL, 403, "[web_bad_origin]");
    const char *cross[] = {s_srv.host, s_srv.cookie, "Sec-Fetch-Site: cross-site", NULL};
    s_expect("GET", "/events", cross, NULL, 403, "[web_bad_origin]");
    /* no token */
    const char *bare[] = {s_srv.host, NULL};
    s_expect("GET", "/", bare, NULL, 200, "name=\"token\"");
    s_expect("GET", "/board.json", bare, NULL, 401, "[web_token_required]");
    s_expect("GET", "/events", bare, NULL, 401, "[web_token_required]");
    s_expect("GET", "/?token=salah-salah-salah-salah", bare, NULL, 401, "tidak cocok");
    httpc_reply_t r;
    s_req("GET", "/events", bare, NULL, &r);
    s_has_header(&r, "WWW-Authenticate", "Bearer");
    httpc_reply_free(&r);
    char wrong[96];
    snprintf(wrong, sizeof wrong, "Cookie: lkip_web_%u=%s", s_srv.port + 1, TOKEN);
    const char *other_port[] = {s_srv.host, wrong, NULL};
    s_expect("GET", "/board.json", other_port, NULL, 401, "[web_token_required]");
    /* read-only */
    const char *with[] = {s_srv.host, s_srv.cookie, NULL};
    s_expect("POST", "/board.json", with, "x=1", 405, "[web_read_only]");
    s_expect("DELETE", "/", with, NULL, 405, "[web_read_only]");
    s_expect("PUT", "/events", with, "x", 405, "[web_read_only]");
    s_expect("GET", "/index.html", with, NULL, 404, "[web_not_found]");
    s_expect("GET", "/../etc/passwd", with, NULL, 404, "[web_not_found]");
    /* the login form: the Origin is checked, a wrong token is refused */
    const char *form_evil[] = {s_srv.host, "Origin: http://evil.example",
                               "Content-Type: application/x-www-form-urlencoded", NULL};
    s_expect("POST", "/login", form_evil, "token=" TOKEN, 403, "[web_bad_origin]");
    const char *form_null[] = {s_srv.host, "Origin: null", NULL}; /* a sandboxed frame */
    s_expect("POST", "/login", form_null, "token=" TOKEN, 403, "[web_bad_origin]");
    const char *form[] = {s_srv.host, s_srv.origin,
                          "Content-Type: application/x-www-form-urlencoded", NULL};
    s_expect("POST", "/login", form, "token=salah-salah-salah-salah", 401, "Token salah");
    strbuf_t big = {0};
    strbuf_puts(&big, "token=");
    for (int i = 0; i < 300; i++)
        strbuf_puts(&big, "abcd");
    s_expect("POST", "/login", form, strbuf_str(&big), 413, "[web_too_large]");
    strbuf_free(&big);
}

/* The token by URL (then a cookie and a clean URL), by the form, by a bearer header. */
static void test_server_token(void **state)
{
    const char *bare[] = {s_srv.host, NULL};
    httpc_reply_t r;
    s_req("GET", "/?token=" TOKEN, bare, NULL, &r);
    assert_int_equal(r.status, 303);
    s_has_header(&r, "Location", "/");
    char want[96];
    snprintf(want, sizeof want, "lkip_web_%u=%s; Path=/; HttpOnly; SameSite=Strict", s_srv.port,
             TOKEN);
    s_has_header(&r, "Set-Cookie", want);
    s_safe_headers(&r);
    httpc_reply_free(&r);

    const char *form[] = {s_srv.host, s_srv.origin,
                          "Content-Type: application/x-www-form-urlencoded", NULL};
    s_req("POST", "/login", form, "token=" TOKEN, &r);
    assert_int_equal(r.status, 303);
    s_has_header(&r, "Set-Cookie", want);
    httpc_reply_free(&r);

    /* before any board: the page says it is loading, the JSON is not there yet */
    const char *with[] = {s_srv.host, s_srv.cookie, NULL};
    s_expect("GET", "/", with, NULL, 200, "memuat...");
    const char *tool[] = {s_srv.host, s_srv.bearer, NULL};
    s_expect("GET", "/board.json", tool, NULL, 503, "[web_board_loading]");
    /* the page's own files need no token (the login form uses them) */
    s_expect("GET", "/app.js", bare, NULL, 200, "EventSource('/events')");
    s_expect("GET", "/app.css", bare, NULL, 200, "@media");
}

/* Published boards: the page's text escaped, /board.json as published, and the stream sends
 * each board once, as one message, in order. */
static void test_server_board_and_stream(void **state)
{
    const char *with[] = {s_srv.host, s_srv.cookie, NULL};
    httpc_stream_t *s = httpc_stream_open(s_srv.port, "/events", with, WAIT_MS);
    assert_non_null(s);
    assert_int_equal(httpc_stream_status(s), 200);
    assert_non_null(strstr(httpc_stream_head(s), "text/event-stream"));
    assert_non_null(strstr(httpc_stream_head(s), "Content-Security-Policy"));
    char *event = NULL, *data = NULL;
    assert_int_equal(httpc_stream_next(s, WAIT_MS, &event, &data), 1); /* retry: only */
    assert_string_equal(event, "");
    free(event);
    free(data);
    assert_int_equal(webserve_streams(s_srv.ws), 1);

    webserve_publish(s_srv.ws, xstrdup("{\"title\":\"satu\",\"note\":\"a\\nb\"}"),
                     xstrdup("{\"rows\":[]}"), xstrdup("Papan <b>&</b> \"DKIP\""));
    assert_int_equal(httpc_stream_next(s, WAIT_MS, &event, &data), 1);
    assert_string_equal(event, "board");
    assert_string_equal(data, "{\"title\":\"satu\",\"note\":\"a\\nb\"}");
    free(event);
    free(data);
    s_expect("GET", "/", with, NULL, 200, "Papan &lt;b&gt;&amp;&lt;/b&gt; &quot;DKIP&quot;");
    s_expect("GET", "/board.json", with, NULL, 200, "{\"rows\":[]}");

    /* a data line break cannot split the message */
    webserve_publish(s_srv.ws, xstrdup("dua\nevent: palsu"), xstrdup("{}"), xstrdup(""));
    assert_int_equal(httpc_stream_next(s, WAIT_MS, &event, &data), 1);
    assert_string_equal(event, "board");
    assert_string_equal(data, "dua\nevent: palsu");
    free(event);
    free(data);
    assert_non_null(strstr(httpc_stream_text(s), "id: 2\n"));

    /* a second stream starts with the board as it stands */
    httpc_stream_t *s2 = httpc_stream_open(s_srv.port, "/events", with, WAIT_MS);
    assert_non_null(s2);
    assert_int_equal(httpc_stream_next(s2, WAIT_MS, &event, &data), 1);
    free(event);
    free(data);
    assert_int_equal(httpc_stream_next(s2, WAIT_MS, &event, &data), 1);
    assert_string_equal(data, "dua\nevent: palsu");
    free(event);
    free(data);
    httpc_stream_close(&s2);

    /* the server stops: the stream ends */
    webserve_destroy(&s_srv.ws);
    int got;
    while ((got = httpc_stream_next(s, WAIT_MS, &event, &data)) == 1) {
        free(event);
        free(data);
    }
    assert_int_equal(got, -1);
    httpc_stream_close(&s);
}

typedef struct {
    const char *path;
    httpc_reply_t reply;
    int rc;
} asker_t;

static void *s_ask(void *arg)
{
    asker_t *a = arg;
    const char *with[] = {s_srv.host, s_srv.cookie, NULL};
    a->rc = httpc_request(s_srv.port, "GET", a->path, with, NULL, WAIT_MS, &a->reply);
    return NULL;
}

/* The question waiting for the main thread; fails when none comes. */
static int64_t s_question(void)
{
    int64_t deadline = monotonic_ms() + WAIT_MS, id;
    while (!(id = webserve_question(s_srv.ws)))
        if (monotonic_ms() > deadline)
            fail_msg("no question came");
    return id;
}

/* GET /timeline/N waits for the main thread's answer; a stale answer is dropped. */
static void test_server_timeline(void **state)
{
    assert_int_equal(webserve_question(s_srv.ws), 0);
    asker_t a = {.path = "/timeline/17"};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, s_ask, &a), 0);
    assert_int_equal(s_question(), 17);
    webserve_answer(s_srv.ws, 16, 200, xstrdup("bukan ini")); /* not the question: dropped */
    assert_int_equal(webserve_question(s_srv.ws), 17);
    webserve_answer(s_srv.ws, 17, 200, xstrdup("Riwayat <LKIP/2026>\n"));
    pthread_join(t, NULL);
    assert_int_equal(a.rc, 0);
    assert_int_equal(a.reply.status, 200);
    assert_string_equal(a.reply.body, "Riwayat <LKIP/2026>\n");
    s_has_header(&a.reply, "Content-Type", "text/plain");
    s_safe_headers(&a.reply);
    httpc_reply_free(&a.reply);
    assert_int_equal(webserve_question(s_srv.ws), 0);

    asker_t b = {.path = "/timeline/99"};
    assert_int_equal(pthread_create(&t, NULL, s_ask, &b), 0);
    assert_int_equal(s_question(), 99);
    webserve_answer(s_srv.ws, 99, 404, xstrdup("SOP tidak ditemukan [404 not_found]\n"));
    pthread_join(t, NULL);
    assert_int_equal(b.reply.status, 404);
    httpc_reply_free(&b.reply);

    const char *with[] = {s_srv.host, s_srv.cookie, NULL};
    s_expect("GET", "/timeline/abc", with, NULL, 404, "[web_not_found]");
    s_expect("GET", "/timeline/0", with, NULL, 404, "[web_not_found]");
    s_expect("GET", "/timeline/", with, NULL, 404, "[web_not_found]");
    s_expect("GET", "/timeline/1234567890123456789", with, NULL, 404, "[web_not_found]");
    const char *bare[] = {s_srv.host, NULL};
    s_expect("GET", "/timeline/17", bare, NULL, 401, "[web_token_required]");
    assert_int_equal(webserve_question(s_srv.ws), 0);
}

static void test_server_listen_failure(void **state)
{
    char err[256];
    webserve_conf_t conf = {.host = "127.0.0.1", .port = s_srv.port, .token = TOKEN};
    webserve_t *again = webserve_new(&conf, err, sizeof err);
    assert_null(again);
    assert_non_null(strstr(err, "tidak dapat mendengarkan"));
    conf.host = "localhost";
    assert_null(webserve_new(&conf, err, sizeof err));
    assert_non_null(strstr(err, "bukan alamat IP"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_addr),
        cmocka_unit_test(test_loopback),
        cmocka_unit_test(test_host),
        cmocka_unit_test(test_origin),
        cmocka_unit_test(test_token),
        cmocka_unit_test(test_cookie_and_form),
        cmocka_unit_test(test_sse_frame),
        cmocka_unit_test(test_html_escape_and_fill),
        cmocka_unit_test(test_embedded_files),
        cmocka_unit_test_setup_teardown(test_server_refusals, s_server_up, s_server_down),
        cmocka_unit_test_setup_teardown(test_server_token, s_server_up, s_server_down),
        cmocka_unit_test_setup_teardown(test_server_board_and_stream, s_server_up, s_server_down),
        cmocka_unit_test_setup_teardown(test_server_timeline, s_server_up, s_server_down),
        cmocka_unit_test_setup_teardown(test_server_listen_failure, s_server_up, s_server_down),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
