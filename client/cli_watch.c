/* cli_watch — lkip watch: stays subscribed to the user's events and hands each on once, in
 * order, through daemon restarts and database outages (the stream is evstream's).
 *
 * Where each event goes: one line on stdout (with --json, one JSON object per line and nothing
 * else, so scripts can read it line by line); with --notify also a desktop notification
 * (desknotify; without a notification service that is said once and the lines go on); with
 * --exec a command that must exit 0 before the event counts as delivered (evexec: retries with
 * back-off, a timeout, given up after N attempts and logged as undelivered). Changes of the
 * stream's state (the connection dropped, the server could not serve us, back again) go to
 * stderr for people; with --json --status they come on stdout instead, as one-line JSON objects
 * whose "type" is "status", and events then carry "type": "event".
 *
 * At least once across a crash of watch, exactly once while it runs: see evstream.h. */
#include "cli.h"

#include "clitext.h"
#include "desknotify.h"
#include "evexec.h"
#include "evstream.h"
#include "pbjson.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    cli_t *cli;
    bool status_json;      /* --json --status: state changes as JSON lines on stdout */
    evstream_t *stream;    /* the subscription */
    desknotify_t *desktop; /* --notify; NULL without */
    bool desktop_failed;   /* the last notification could not be shown (said once) */
    evexec_opts_t exec;    /* --exec; command NULL without */
    char *recipient;       /* the user, for --exec */
    char *undelivered;     /* --exec: the file of given-up events */
} watch_t;

static volatile sig_atomic_t s_stop;

static void s_on_signal(int sig)
{
    (void)sig;
    s_stop = 1;
}

/* ---- what watch prints ---------------------------------------------------------------------- */

static void s_json_line(json_t *j)
{
    char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
    puts(s);
    free(s);
    json_decref(j);
}

static void s_print_event(const watch_t *w, const Lkip__Event *e)
{
    if (!w->cli->json) {
        char *line = clitext_event(e);
        printf("%s\n", line);
        free(line);
    } else if (!w->status_json) {
        cli_print_event_json(e);
    } else {
        /* "type" of these lines says event or status; the event's kind is in "kind" */
        json_t *j = json_pack("{s:s}", "type", "event");
        json_t *ev = pbjson_message(&e->base);
        json_object_del(ev, "type");
        json_object_update(j, ev);
        json_decref(ev);
        s_json_line(j);
    }
    fflush(stdout);
}

/* The stream's hook for a change of state: "disconnected" or "reconnected". */
static void s_status(void *arg, const char *state, uint64_t last)
{
    watch_t *w = arg;
    bool troubled = strcmp(state, "reconnected") != 0;
    if (w->status_json) {
        s_json_line(json_pack("{s:s,s:s,s:I}", "type", "status", "state", state, "last_seq",
                              (json_int_t)last));
        fflush(stdout);
    } else if (troubled) {
        fprintf(stderr,
                "lkip: koneksi ke server terputus; menyambung kembali (terakhir diterima: "
                "#%llu)\n",
                (unsigned long long)last);
    } else {
        fprintf(stderr, "lkip: tersambung kembali; melanjutkan setelah #%llu\n",
                (unsigned long long)last);
    }
}

/* The stream's hook for what went wrong (state "error"). */
static void s_error(void *arg, int status, const char *code, const char *message, bool retrying)
{
    watch_t *w = arg;
    if (w->status_json) {
        s_json_line(json_pack("{s:s,s:s,s:I,s:i,s:s,s:s,s:b}", "type", "status", "state", "error",
                              "last_seq", (json_int_t)evstream_last(w->stream), "status", status,
                              "code", code, "message", message, "retrying", retrying));
        fflush(stdout);
    } else if (status) {
        fprintf(stderr, "lkip: %s [%d %s]%s\n", message, status, code,
                retrying ? "; mencoba lagi" : "");
    } else {
        fprintf(stderr, "lkip: %s [%s]%s\n", message, code, retrying ? "; mencoba lagi" : "");
    }
}

/* A desktop notification of e; without a notification service that is said once (and once
 * more when it comes back), and watch goes on. */
static void s_notify(watch_t *w, const Lkip__Event *e)
{
    notifytext_t n;
    notifytext_build(e, &n);
    char why[256];
    if (desknotify_show(w->desktop, &n, why, sizeof why) != 0) {
        if (!w->desktop_failed)
            fprintf(stderr,
                    "lkip: [notify_unavailable] pemberitahuan desktop tidak dapat ditampilkan "
                    "(%s); pemberitahuan tetap diterima dan dicetak di sini\n",
                    why);
        w->desktop_failed = true;
    } else if (w->desktop_failed) {
        fprintf(stderr, "lkip: pemberitahuan desktop dapat ditampilkan kembali\n");
        w->desktop_failed = false;
    }
    notifytext_clear(&n);
}

static void s_keepalive(void *arg)
{
    evstream_keepalive(arg);
}

/* evstream's deliver: the command first (the event must come again when watch is stopped
 * meanwhile), then the line and the desktop. */
static int s_deliver(void *arg, const Lkip__Event *e)
{
    watch_t *w = arg;
    if (w->exec.command && evexec_deliver(&w->exec, e) != 0)
        return -1;
    s_print_event(w, e);
    if (w->desktop)
        s_notify(w, e);
    return 0;
}

/* ---- the command ---------------------------------------------------------------------------- */

/* Receives and delivers until stopped, count events were delivered, or idle_s seconds passed
 * without one. Returns an EXIT_ status. */
static int s_run(watch_t *w, long long count, long long idle_s)
{
    long long shown = 0;
    int64_t quiet_since = monotonic_ms();
    while (!s_stop && (count == 0 || shown < count)) {
        Lkip__Envelope *ev = NULL;
        int got = evstream_next(w->stream, 1000, &ev);
        if (got < 0)
            return -got;
        if (got == 1) {
            int rc = evstream_take(w->stream, ev->event, s_deliver, w);
            wire_free(&ev);
            if (rc != 0)
                break; /* stopped while the command ran: the event comes again next time */
            shown++;
            quiet_since = monotonic_ms();
            continue;
        }
        if (idle_s && monotonic_ms() - quiet_since >= idle_s * 1000)
            break;
    }
    return EXIT_OK;
}

/* The user's name (and capacity) for --exec's LKIP_EVENT_RECIPIENT. */
static char *s_recipient(cli_t *cli)
{
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    Lkip__WhoamiRequest body = LKIP__WHOAMI_REQUEST__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_WHOAMI;
    req.whoami = &body;
    Lkip__Envelope *reply = NULL;
    if (cli_call_for(cli, &req, LKIP__REPLY__PAYLOAD_USER, &reply) != EXIT_OK)
        return xstrdup("");
    char *name = xstrdup(reply->reply->user->name);
    wire_free(&reply);
    return name;
}

typedef struct {
    long long count, idle, attempts, timeout_s, backoff_ms;
    bool status, notify;
    const char *exec;
} s_opts_t;

/* Parses watch's options. Returns EXIT_OK or the EXIT_ status of a usage error. */
static int s_parse(const cli_cmd_t *me, int argc, char **argv, s_opts_t *o)
{
    static const struct option opts[] = {{"count", required_argument, NULL, 'c'},
                                         {"idle", required_argument, NULL, 'i'},
                                         {"status", no_argument, NULL, 's'},
                                         {"notify", no_argument, NULL, 'n'},
                                         {"exec", required_argument, NULL, 'x'},
                                         {"exec-attempts", required_argument, NULL, 'a'},
                                         {"exec-timeout", required_argument, NULL, 't'},
                                         {"exec-backoff", required_argument, NULL, 'b'},
                                         {0}};
    *o = (s_opts_t){.attempts = 5, .timeout_s = 30, .backoff_ms = 1000};
    int c;
    while ((c = getopt_long(argc, argv, "c:i:", opts, NULL)) != -1) {
        bool ok = true;
        if (c == 'c')
            ok = cli_parse_int("--count", optarg, 1, 100000000, &o->count);
        else if (c == 'i')
            ok = cli_parse_int("--idle", optarg, 1, 86400, &o->idle);
        else if (c == 'a')
            ok = cli_parse_int("--exec-attempts", optarg, 1, 1000, &o->attempts);
        else if (c == 't')
            ok = cli_parse_int("--exec-timeout", optarg, 1, 86400, &o->timeout_s);
        else if (c == 'b')
            ok = cli_parse_int("--exec-backoff", optarg, 1, 3600000, &o->backoff_ms);
        else if (c == 's')
            o->status = true;
        else if (c == 'n')
            o->notify = true;
        else if (c == 'x')
            o->exec = optarg;
        else
            return cli_bad_option(me, argc, argv);
        if (!ok)
            return EXIT_USAGE;
    }
    if (optind < argc)
        return cli_usage(me, "argumen berlebih \"%s\"", argv[optind]);
    if (o->exec && !*o->exec)
        return cli_usage(me, "--exec memerlukan perintah yang tidak kosong");
    return EXIT_OK;
}

int cli_watch(cli_t *cli, int argc, char **argv)
{
    static const cli_cmd_t me = {"watch", NULL,
                                 "[--count N] [--idle DETIK] [--status] [--notify] [--exec "
                                 "PERINTAH [--exec-attempts N] [--exec-timeout DETIK] "
                                 "[--exec-backoff MS]]",
                                 NULL};
    s_opts_t o;
    int rc = s_parse(&me, argc, argv, &o);
    if (rc != EXIT_OK)
        return rc;
    if (o.status && !cli->json)
        return cli_usage(&me, "--status hanya bersama --json (status sebagai baris JSON)");
    rc = cli_connect(cli);
    if (rc != EXIT_OK)
        return rc;
    watch_t w = {.cli = cli, .status_json = o.status};
    static const evstream_hooks_t hooks = {.state = s_status, .error = s_error};
    w.stream = evstream_new(cli, "last-seq", &hooks, &w);
    if (o.exec) {
        w.recipient = s_recipient(cli);
        w.undelivered = evstream_key_path(cli, "undelivered");
        w.exec = (evexec_opts_t){.command = o.exec,
                                 .attempts = (int)o.attempts,
                                 .timeout_ms = (int)o.timeout_s * 1000,
                                 .backoff_ms = (int)o.backoff_ms,
                                 .recipient = w.recipient,
                                 .undelivered_path = w.undelivered,
                                 .keepalive = s_keepalive,
                                 .arg = w.stream,
                                 .stop = &s_stop};
    }
    if (o.notify)
        w.desktop = desknotify_new();
    rc = evstream_start(w.stream); /* the first one within the retry window, as any request */
    if (rc == EXIT_OK) {
        if (!cli->json)
            fprintf(stderr,
                    "Menunggu pemberitahuan (terakhir diterima: #%llu); Ctrl-C untuk "
                    "berhenti.\n",
                    (unsigned long long)evstream_last(w.stream));
        struct sigaction sa = {0};
        sa.sa_handler = s_on_signal;
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        signal(SIGPIPE, SIG_IGN); /* a command that closes its input early */
        rc = s_run(&w, o.count, o.idle);
    }
    desknotify_destroy(&w.desktop);
    evstream_destroy(&w.stream);
    free(w.recipient);
    free(w.undelivered);
    return rc;
}
