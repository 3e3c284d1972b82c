/* test_browser — lkip monitor --web in a real browser (make check-browser; not in make check):
 * Debian's chromium, headless, driven through chromedriver's WebDriver HTTP interface (spoken
 * with tests/harness/httpc), against a real lkipd (test_clock, the SOPs of sop/) on a real
 * PostgreSQL. The page is opened with the printed address (token, then a cookie and a clean
 * URL); the Kasubag finishes a step, the clock passes the next one's due time (the row drawn
 * red), she finishes that one too: the DOM shows each new step and the new holder without a
 * reload (a mark set on the window survives); a row shows in full and its timeline; at a phone's
 * width the table turns into cards; without the cookie the page asks for the token and its form
 * lets the user in; while lkipd is down the page says the connection is lost and recovers by itself
 * when lkipd is back; when lkip monitor stops the page says so, and when it runs again with a new
 * token the page turns into the login form; the browser logs no Content-Security-Policy violation
 * and no error. Screenshots (desktop and phone) go to $LKIP_BUILD/browser/. Nothing sleeps:
 * every wait is for a condition with a timeout. */
#include "../harness/harness.h"
#include "../harness/httpc.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "calendar.h"

#define CALL_TIMEOUT_MS 10000
#define WAIT_MS         30000 /* a browser start on a busy machine */
#define WITA_OFFSET     (8 * 3600)
#define RED             "rgb(176, 0, 32)" /* --late of app.css */

typedef struct {
    harness_t *h;
    harness_daemon_t *d;
    keypair_t admin, kadis, sekretaris, kasubag, staf;
    lkipc_t *c_admin, *c_kadis, *c_kasubag;
    pid_t driver;     /* chromedriver */
    unsigned dport;   /* its port */
    char session[96]; /* the WebDriver session */
    pid_t web;        /* lkip monitor --web */
    unsigned wport;
    char url[160];
} world_t;

static world_t s_w;

static const char *s_env(const char *name, const char *dflt)
{
    const char *s = getenv(name);
    return s && *s ? s : dflt;
}

static char *s_tmp(const char *name)
{
    return xasprintf("%s/%s", harness_tmpdir(s_w.h), name);
}

/* ---- lkipd ---------------------------------------------------------------------------------- */

static void s_ok(lkipc_t *c, Lkip__Envelope *req, int status)
{
    Lkip__Envelope *reply = harness_call_ok(c, req);
    if ((int)reply->reply->status != status)
        fail_msg("%d %s %s", reply->reply->status, reply->reply->code, reply->reply->message);
    wire_free(&reply);
}

static void s_clock_to(const char *wita)
{
    cal_min_t local = 0;
    assert_int_equal(cal_parse_local(wita, &local), 0);
    int64_t now = local * 60 - WITA_OFFSET;
    Lkip__ClockSetRequest body = LKIP__CLOCK_SET_REQUEST__INIT;
    body.now = now;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_CLOCK_SET;
    req.clock_set = &body;
    s_ok(s_w.c_admin, &req, LKIP__STATUS__OK);
    assert_int_equal(harness_timers_settled(s_w.h, now), 0);
}

static void s_start(void)
{
    Lkip__StartRequest body = LKIP__START_REQUEST__INIT;
    body.sop_code = "LKIP";
    body.period = "2026";
    body.note = "Segera susun LKIP";
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_START;
    req.start = &body;
    s_ok(s_w.c_kadis, &req, LKIP__STATUS__CREATED);
}

static void s_done(int step_no)
{
    Lkip__StepRequest body = LKIP__STEP_REQUEST__INIT;
    body.instance = "LKIP/2026";
    body.step_no = step_no;
    body.action = LKIP__STEP_ACTION__DONE;
    body.note = "selesai";
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_STEP;
    req.step = &body;
    Lkip__Envelope *reply = harness_call_ok(s_w.c_kasubag, &req);
    if (reply->reply->status >= 300)
        fail_msg("step %d: %d %s", step_no, reply->reply->status, reply->reply->message);
    wire_free(&reply);
}

static void s_add_user(const char *name, const char *role, keypair_t *kp)
{
    assert_int_equal(harness_keypair(s_w.h, name, kp), 0);
    Lkip__UserAddRequest body = LKIP__USER_ADD_REQUEST__INIT;
    body.name = (char *)name;
    body.full_name = (char *)name;
    body.role = (char *)role;
    body.public_key = kp->public_key;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_USER_ADD;
    req.user_add = &body;
    s_ok(s_w.c_admin, &req, LKIP__STATUS__CREATED);
}

/* ---- processes ------------------------------------------------------------------------------ */

/* Waits until the file at path holds needle; returns its text (caller frees). */
static char *s_file_wait(const char *path, const char *needle)
{
    int64_t deadline = monotonic_ms() + WAIT_MS;
    for (;;) {
        char *text = NULL;
        size_t len;
        if (read_file(path, 1 << 20, &text, &len) == 0 && strstr(text, needle))
            return text;
        if (monotonic_ms() > deadline)
            fail_msg("%s never showed \"%s\":\n%s", path, needle, text ? text : "");
        free(text);
        poll(NULL, 0, 50);
    }
}

/* A port free now on loopback (for a second run of lkip monitor --web on the same port). */
static unsigned s_free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    close(fd);
    return ntohs(a.sin_port);
}

static void s_web_start(unsigned port)
{
    char *conf = s_tmp("sekretaris.conf");
    FILE *f = fopen(conf, "w");
    assert_non_null(f);
    fprintf(f,
            "[lkip]\nendpoint = %s\nserver_key = %s.pub\nkey_file = keys/sekretaris.key\n"
            "state_dir = state-sekretaris\n",
            harness_daemon_endpoint(s_w.d), harness_server_key_file(s_w.h));
    assert_int_equal(fclose(f), 0);
    char *out = s_tmp("web.out");
    unlink(out);
    char addr[32];
    snprintf(addr, sizeof addr, "127.0.0.1:%u", port);
    const char *args[] = {"--config", conf, "monitor", "--web", addr, NULL};
    s_w.web = harness_lkip_start(s_w.h, args, out);
    assert_true(s_w.web > 0);
    char *text = s_file_wait(out, "[web_listening]");
    const char *url = strstr(text, "http://");
    assert_non_null(url);
    snprintf(s_w.url, sizeof s_w.url, "%.*s", (int)strcspn(url, " \n"), url);
    assert_int_equal(sscanf(s_w.url, "http://127.0.0.1:%u/", &s_w.wport), 1);
    free(text);
    free(out);
    free(conf);
}

static void s_driver_start(void)
{
    char *log = s_tmp("chromedriver.out");
    s_w.driver = fork();
    assert_true(s_w.driver >= 0);
    if (s_w.driver == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(fd, STDOUT_FILENO);
        dup2(fd, STDERR_FILENO);
        const char *bin = s_env("CHROMEDRIVER", "/usr/bin/chromedriver");
        execl(bin, bin, "--port=0", (char *)NULL);
        _exit(127);
    }
    char *text = s_file_wait(log, "started successfully on port ");
    assert_int_equal(sscanf(strstr(text, "started successfully on port "),
                            "started successfully on port %u", &s_w.dport),
                     1);
    free(text);
    free(log);
}

static void s_driver_stop(void)
{
    if (s_w.driver <= 0)
        return;
    kill(s_w.driver, SIGTERM);
    waitpid(s_w.driver, NULL, 0);
    s_w.driver = 0;
}

/* ---- WebDriver ------------------------------------------------------------------------------ */

/* One WebDriver command; returns its "value" (caller decrefs). Fails the test on an error
 * unless soft (then NULL). */
static json_t *s_wd(const char *method, const char *path, json_t *body, bool soft)
{
    char host[48];
    snprintf(host, sizeof host, "Host: 127.0.0.1:%u", s_w.dport);
    const char *headers[] = {host, "Content-Type: application/json; charset=utf-8", NULL};
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    httpc_reply_t r;
    if (httpc_request(s_w.dport, method, path, headers, text, WAIT_MS * 2, &r) != 0)
        fail_msg("WebDriver %s %s: no answer", method, path);
    free(text);
    json_error_t err;
    json_t *j = json_loads(r.body, 0, &err);
    json_t *value = j ? json_incref(json_object_get(j, "value")) : NULL;
    bool failed = !value || r.status != 200;
    if (failed && !soft)
        fail_msg("WebDriver %s %s: %d %s", method, path, r.status, r.body);
    json_decref(j);
    httpc_reply_free(&r);
    if (failed) {
        json_decref(value);
        return NULL;
    }
    return value;
}

static char *s_sess(const char *what)
{
    return xasprintf("/session/%s%s", s_w.session, what);
}

static void s_session(void)
{
    char *profile = s_tmp("chromium");
    char *dir = xasprintf("--user-data-dir=%s", profile);
    json_t *caps = json_pack("{s:{s:{s:s,s:{s:s,s:[s,s,s,s,s,s]},s:{s:s}}}}", "capabilities",
                             "alwaysMatch", "browserName", "chrome", "goog:chromeOptions", "binary",
                             s_env("CHROMIUM", "/usr/bin/chromium"), "args", "--headless=new",
                             "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                             "--window-size=1280,900", dir, "goog:loggingPrefs", "browser", "ALL");
    json_t *v = s_wd("POST", "/session", caps, false);
    snprintf(s_w.session, sizeof s_w.session, "%s",
             json_string_value(json_object_get(v, "sessionId")));
    assert_true(s_w.session[0]);
    json_decref(v);
    free(dir);
    free(profile);
}

/* Runs script in the page; returns its result as a string (caller frees). */
static char *s_js(const char *script)
{
    char *path = s_sess("/execute/sync");
    json_t *v = s_wd("POST", path, json_pack("{s:s,s:[]}", "script", script, "args"), false);
    char *out = xstrdup(json_is_string(v) ? json_string_value(v) : "");
    json_decref(v);
    free(path);
    return out;
}

/* What the page shows: its state, the title, a line per row (instance, class, step, holder,
 * colour of the step cell), how the table's head shows, the banner and the mark set on the
 * window (gone after a reload); on another page (the login form, while it loads) its title. */
static const char s_state_js[] =
    "if (!document.getElementById('rows')) return 'another page: ' + document.title;"
    "var rows = Array.prototype.map.call(document.querySelectorAll('#rows tr.row'),"
    "  function (tr) { return [tr.getAttribute('data-instance'), tr.className,"
    "    tr.querySelector('.step').textContent, tr.querySelector('.holder').textContent,"
    "    getComputedStyle(tr.querySelector('.step')).color].join(' | '); });"
    "return 'state=' + document.body.getAttribute('data-state') + '\\n' +"
    "  document.getElementById('title').textContent + '\\n' + rows.join('\\n') +"
    "  '\\nthead=' + getComputedStyle(document.querySelector('#board thead')).display +"
    "  '\\nbanner=' + document.getElementById('banner').textContent +"
    "  '\\nmark=' + window.lkipMark;";

/* Waits until the page shows every one of the NULL-terminated texts; returns it (caller
 * frees). */
static char *s_page_wait(const char *const *texts)
{
    int64_t deadline = monotonic_ms() + WAIT_MS;
    for (;;) {
        char *page = s_js(s_state_js);
        bool all = true;
        for (int i = 0; all && texts[i]; i++)
            all = strstr(page, texts[i]) != NULL;
        if (all)
            return page;
        if (monotonic_ms() > deadline) {
            harness_dump_logs(s_w.h);
            fail_msg("the page never showed \"%s\"; it shows:\n%s", texts[0], page);
        }
        free(page);
        poll(NULL, 0, 100);
    }
}

static void s_screenshot(const char *name)
{
    char *path = s_sess("/screenshot");
    json_t *v = s_wd("GET", path, NULL, false);
    const char *b64 = json_string_value(v);
    size_t cap = strlen(b64), len = 0;
    unsigned char *png = xmalloc(cap);
    assert_int_equal(sodium_base642bin(png, cap, b64, strlen(b64), NULL, &len, NULL,
                                       sodium_base64_VARIANT_ORIGINAL),
                     0);
    assert_true(len > 8 && memcmp(png, "\x89PNG", 4) == 0);
    char *dir = xasprintf("%s/browser", s_env("LKIP_BUILD", "build"));
    mkdir(dir, 0755);
    char *file = xasprintf("%s/%s", dir, name);
    FILE *f = fopen(file, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(png, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    print_message("screenshot: %s (%zu bytes)\n", file, len);
    free(file);
    free(dir);
    free(png);
    json_decref(v);
    free(path);
}

static void s_window(int width, int height)
{
    char *path = s_sess("/window/rect");
    json_decref(
        s_wd("POST", path, json_pack("{s:i,s:i}", "width", width, "height", height), false));
    free(path);
}

/* Fails when the browser logged a Content-Security-Policy violation or an error of the page. */
static void s_no_violations(void)
{
    char *path = s_sess("/se/log");
    json_t *logs = s_wd("POST", path, json_pack("{s:s}", "type", "browser"), true);
    free(path);
    if (!logs) {
        print_message("the browser's log could not be read: the CSP check is skipped\n");
        return;
    }
    for (size_t i = 0; i < json_array_size(logs); i++) {
        json_t *e = json_array_get(logs, i);
        const char *msg = json_string_value(json_object_get(e, "message"));
        const char *level = json_string_value(json_object_get(e, "level"));
        if ((msg && strstr(msg, "Content Security Policy")) || (level && !strcmp(level, "SEVERE")))
            fail_msg("the browser logged: %s %s", level ? level : "", msg ? msg : "");
    }
    print_message("browser log: %zu entries, no CSP violation, no error\n", json_array_size(logs));
    json_decref(logs);
}

/* ---- the test ------------------------------------------------------------------------------- */

static int s_setup(void **state)
{
    memset(&s_w, 0, sizeof s_w);
    s_w.h = harness_new("browser");
    if (!s_w.h || harness_user(s_w.h, "admin.dkip", "admin", NULL, &s_w.admin) != 0)
        return -1;
    char *sop = xasprintf("sop_dir=%s/sop", s_env("LKIP_SRCDIR", "."));
    const char *sets[] = {"test_clock=true", sop, NULL};
    s_w.d = harness_daemon_start(s_w.h, sets);
    free(sop);
    if (!s_w.d)
        return -1;
    s_w.c_admin = harness_client(s_w.h, s_w.d, &s_w.admin, CALL_TIMEOUT_MS);
    if (!s_w.c_admin)
        return -1;
    s_add_user("kadis", "kepala_dinas", &s_w.kadis);
    s_add_user("sekretaris", "sekretaris", &s_w.sekretaris);
    s_add_user("kasubag", "kasubag_perencanaan", &s_w.kasubag);
    s_add_user("staf", "staf", &s_w.staf);
    s_w.c_kadis = harness_client(s_w.h, s_w.d, &s_w.kadis, CALL_TIMEOUT_MS);
    s_w.c_kasubag = harness_client(s_w.h, s_w.d, &s_w.kasubag, CALL_TIMEOUT_MS);
    return s_w.c_kadis && s_w.c_kasubag ? 0 : -1;
}

static int s_teardown(void **state)
{
    if (s_w.session[0]) {
        char *path = s_sess("");
        json_decref(s_wd("DELETE", path, NULL, true));
        free(path);
    }
    s_driver_stop();
    bool clean = !s_w.h || harness_logs_clean(s_w.h);
    harness_destroy(&s_w.h);
    return clean ? 0 : -1;
}

/* The board follows the steps and the clock, on a desktop and on a phone. */
static void s_board_follows(void)
{
    s_clock_to("2026-03-02 08:00");
    s_start();
    s_web_start(s_free_port());
    s_driver_start();
    s_session();

    /* the address with the token: a cookie, the clean URL, the board */
    char *go = s_sess("/url");
    json_decref(s_wd("POST", go, json_pack("{s:s}", "url", s_w.url), false));
    free(go);
    free(s_js("window.lkipMark = 'sama'; return '';"));
    const char *first[] = {
        "state=langsung", "2/11 Format data kinerja", "kasubag_perencanaan: kasubag",
        "mark=sama",      "thead=table-header-group", NULL};
    char *page = s_page_wait(first);
    print_message("the page at first:\n%s\n", page);
    free(page);
    char *where = s_js("return location.href;");
    char clean[96];
    snprintf(clean, sizeof clean, "http://127.0.0.1:%u/", s_w.wport);
    assert_string_equal(where, clean);
    free(where);

    /* the Kasubag finishes step 2: the page follows, without a reload */
    s_done(2);
    const char *moved[] = {"3/11 Sebar format", "kasubag_perencanaan: kasubag", "mark=sama", NULL};
    page = s_page_wait(moved);
    assert_null(strstr(page, "2/11 Format"));
    free(page);

    /* step 3 was due at 09:00: overdue, escalated to the Sekretaris, drawn red */
    s_clock_to("2026-03-02 09:05");
    const char *late[] = {"row late", RED, "1 terlambat", "mark=sama", NULL};
    page = s_page_wait(late);
    print_message("overdue:\n%s\n", page);
    free(page);
    s_screenshot("board.png");

    /* the Kasubag finishes step 3: the staf holds step 4, a new holder without a reload */
    s_done(3);
    const char *holder[] = {"4/11 Himpun data unit", "staf: staf", "mark=sama", NULL};
    page = s_page_wait(holder);
    assert_null(strstr(page, "3/11 Sebar"));
    print_message("a new holder:\n%s\n", page);
    free(page);
    char *strip = s_js("return document.getElementById('strip').textContent;");
    assert_non_null(strstr(strip, "[SELESAI] LKIP/2026 langkah 3"));
    free(strip);
    char *units = s_js("return document.querySelector('#rows tr.units').textContent;");
    assert_non_null(strstr(units, "IKP belum"));
    free(units);

    /* a click on the row shows it in full; the button its timeline */
    free(s_js("document.querySelector('#rows tr.row').click();"
              "document.getElementById('timeline-button').click(); return '';"));
    int64_t deadline = monotonic_ms() + WAIT_MS;
    char *timeline = NULL;
    for (;;) {
        timeline = s_js("return document.getElementById('detail-title').textContent + '\\n' +"
                        " document.getElementById('timeline').textContent;");
        if (strstr(timeline, "Riwayat langkah") && strstr(timeline, "oleh kasubag") &&
            !strstr(timeline, "Memuat"))
            break;
        if (monotonic_ms() > deadline)
            fail_msg("the timeline never showed; the detail shows:\n%s", timeline);
        free(timeline);
        poll(NULL, 0, 100);
    }
    assert_non_null(strstr(timeline, "#1 LKIP/2026 langkah 4"));
    free(timeline);

    /* a phone: every row a card */
    s_window(390, 844);
    const char *phone[] = {"thead=none", "staf: staf", "mark=sama", NULL};
    free(s_page_wait(phone));
    s_screenshot("board-phone.png");

    s_no_violations();
}

static void s_go(const char *url)
{
    char *go = s_sess("/url");
    json_decref(s_wd("POST", go, json_pack("{s:s}", "url", url), false));
    free(go);
}

/* Without the cookie the page asks for the token; the form lets the user in. */
static void s_login_form(void)
{
    char *path = s_sess("/cookie");
    json_decref(s_wd("DELETE", path, NULL, false));
    free(path);
    char base[96];
    snprintf(base, sizeof base, "http://127.0.0.1:%u/", s_w.wport);
    s_go(base);
    char *body =
        s_js("return document.body.className + ' ' + document.querySelectorAll("
             "'#rows').length + ' ' + !!document.querySelector('form[action=\"/login\"]');");
    assert_string_equal(body, "login 0 true");
    free(body);
    const char *token = strstr(s_w.url, "token=") + 6;
    char *submit = xasprintf("document.getElementById('token').value = '%s';"
                             "document.querySelector('form').submit(); return '';",
                             token);
    free(s_js(submit));
    free(submit);
    const char *in[] = {"state=langsung", "4/11 Himpun data unit", NULL};
    free(s_page_wait(in));
    char *where = s_js("return location.href;");
    assert_string_equal(where, base);
    free(where);
}

/* lkipd goes down and comes back; then lkip monitor itself stops. */
static void s_outages(void)
{
    free(s_js("window.lkipMark = 'sama'; return '';"));
    assert_int_equal(harness_daemon_stop(s_w.d, SIGKILL), 128 + SIGKILL);
    const char *down[] = {"state=terputus-server", "banner=KONEKSI TERPUTUS", "staf: staf", NULL};
    char *page = s_page_wait(down);
    print_message("lkipd down:\n%s\n", page);
    free(page);
    assert_int_equal(harness_daemon_restart(s_w.d), 0);
    const char *back[] = {"state=langsung", "banner=\n", "mark=sama", NULL};
    free(s_page_wait(back));
    s_no_violations();
    assert_int_equal(harness_lkip_stop(s_w.h, s_w.web, SIGTERM, WAIT_MS), 0);
    const char *gone[] = {"state=terputus", "banner=TERPUTUS dari lkip monitor", NULL};
    free(s_page_wait(gone));

    /* it runs again on the same port with a new token: the page turns into the login form */
    s_web_start(s_w.wport);
    int64_t deadline = monotonic_ms() + WAIT_MS;
    char *body = NULL;
    for (;;) {
        body = s_js("return document.body.className;");
        if (strcmp(body, "login") == 0 || monotonic_ms() > deadline)
            break;
        free(body);
        poll(NULL, 0, 100);
    }
    assert_string_equal(body, "login");
    free(body);
    assert_int_equal(harness_lkip_stop(s_w.h, s_w.web, SIGTERM, WAIT_MS), 0);
}

static void test_login_and_outages(void **state)
{
    harness_daemon_pin_endpoint(s_w.d);
    s_board_follows();
    s_login_form();
    s_outages();
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_login_and_outages, s_setup, s_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
