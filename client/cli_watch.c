/* cli_watch — lkip watch: stays subscribed to the user's events and prints each once, in order,
 * through daemon restarts and database outages.
 *
 * What it prints: one line per event on stdout (with --json, one JSON object per line and
 * nothing else, so scripts can read it line by line). Changes of the stream's state (the
 * connection dropped, the server could not serve us, back again) go to stderr for people; with
 * --json --status they come on stdout instead, as one-line JSON objects whose "type" is
 * "status", and events then carry "type": "event".
 *
 * Where it stands: the last seq printed is kept in a file per key under the state folder. It is
 * written (and synced) before the event is printed and renamed into place right after: while
 * watch runs every event is printed once; a watch killed between printing an event and that
 * rename prints the event again at its next start, with the same #seq (at least once across a
 * crash of watch). The window is a rename. */
#include "cli.h"

#include "backoff.h"
#include "clitext.h"
#include "pbjson.h"
#include "statefile.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Pauses between subscriptions that failed (503, no answer). */
#define RESUBSCRIBE_FIRST_MS 200
#define RESUBSCRIBE_MAX_MS   5000

typedef struct {
    cli_t *cli;
    bool status_json;     /* --json --status: state changes as JSON lines on stdout */
    char *path;           /* the file of the last seq printed */
    uint64_t last;        /* the last seq printed */
    unsigned connections; /* lkipc_connections at the last subscription */
    bool subscribed;      /* the daemon holds our session on the current connection */
    bool running;         /* past the first subscription: troubles are retried */
    bool troubled;        /* a disconnection or an error was told since the last subscription */
    char told[32];        /* the code of the last error told (not told twice in a row) */
    backoff_t retry;      /* pauses between failed subscriptions */
    int64_t retry_at;     /* monotonic ms: the next subscription, not before */
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
        json_t *j = json_pack("{s:s}", "type", "event");
        json_t *ev = pbjson_message(&e->base);
        json_object_update(j, ev);
        json_decref(ev);
        s_json_line(j);
    }
    fflush(stdout);
}

/* Tells a change of state: "disconnected" or "reconnected". */
static void s_status(watch_t *w, const char *state)
{
    w->told[0] = '\0';
    w->troubled = strcmp(state, "reconnected") != 0;
    if (w->status_json) {
        s_json_line(json_pack("{s:s,s:s,s:I}", "type", "status", "state", state, "last_seq",
                              (json_int_t)w->last));
        fflush(stdout);
    } else if (w->troubled) {
        fprintf(stderr,
                "lkip: koneksi ke server terputus; menyambung kembali (terakhir diterima: "
                "#%llu)\n",
                (unsigned long long)w->last);
    } else {
        fprintf(stderr, "lkip: tersambung kembali; melanjutkan setelah #%llu\n",
                (unsigned long long)w->last);
    }
}

/* Tells what went wrong (state "error"): the reply's status (0 when there was no reply), its
 * code and message; retrying says whether watch goes on. The same code twice in a row is told
 * once. */
static void s_error(watch_t *w, int status, const char *code, const char *message, bool retrying)
{
    if (strcmp(w->told, code) == 0)
        return;
    snprintf(w->told, sizeof w->told, "%s", code);
    w->troubled = true;
    if (w->status_json) {
        s_json_line(json_pack("{s:s,s:s,s:I,s:i,s:s,s:s,s:b}", "type", "status", "state", "error",
                              "last_seq", (json_int_t)w->last, "status", status, "code", code,
                              "message", message, "retrying", retrying));
        fflush(stdout);
    } else if (status) {
        fprintf(stderr, "lkip: %s [%d %s]%s\n", message, status, code,
                retrying ? "; mencoba lagi" : "");
    } else {
        fprintf(stderr, "lkip: %s [%s]%s\n", message, code, retrying ? "; mencoba lagi" : "");
    }
}

/* s_error for a call that produced no reply. */
static void s_error_rc(watch_t *w, lkipc_rc_t rc, bool retrying)
{
    s_error(w, 0, lkipc_rc_code(rc), lkipc_rc_message(rc), retrying);
}

/* ---- its position -----------------------------------------------------------------------------
 */

/* The file holding the last sequence received, per key (so two users on one machine never
 * share it). */
static char *s_seq_path(const cli_t *cli)
{
    keypair_t kp;
    char *path;
    if (keys_load(cli->conf.key_file, &kp) == 0) {
        /* Z85 may contain '/': use hex of the first bytes of its hash */
        char hex[65];
        sha256_hex(kp.public_key, strlen(kp.public_key), hex);
        hex[16] = '\0';
        path = xasprintf("%s/last-seq-%s", cli->conf.state_dir, hex);
        memset(&kp, 0, sizeof kp);
    } else {
        path = xasprintf("%s/last-seq", cli->conf.state_dir);
    }
    return path;
}

static uint64_t s_seq_load(const char *path)
{
    char *text;
    size_t len;
    if (read_file(path, 64, &text, &len) != 0)
        return 0;
    uint64_t v = strtoull(text, NULL, 10);
    free(text);
    return v;
}

/* Prints an event and stores its seq as the last printed: the slow part of the store (write,
 * fsync) before printing, only the rename after, so that a kill in between is as unlikely as it
 * can be made. */
static void s_take(watch_t *w, const Lkip__Event *e)
{
    char text[32];
    snprintf(text, sizeof text, "%llu\n", (unsigned long long)e->seq);
    char *tmp = NULL;
    int rc = statefile_prepare(w->path, text, strlen(text), &tmp);
    s_print_event(w, e);
    if (rc == 0)
        rc = statefile_commit(&tmp, w->path);
    if (rc != 0)
        fprintf(stderr, "lkip: [io_error] posisi pemberitahuan tidak dapat disimpan di %s: %s\n",
                w->path, strerror(-rc));
    w->last = e->seq;
}

/* ---- its subscription ---------------------------------------------------------------------- */

static void s_ack(cli_t *cli, uint64_t seq)
{
    Lkip__Envelope env = LKIP__ENVELOPE__INIT;
    Lkip__AckRequest body = LKIP__ACK_REQUEST__INIT;
    body.seq = seq;
    env.body_case = LKIP__ENVELOPE__BODY_ACK;
    env.ack = &body;
    if (lkipc_send(cli->conn, &env) != 0)
        return; /* the keepalive tries again; unacknowledged events are sent again */
}

/* Subscribes after w->last. Returns EXIT_OK, or tells why not (as a status) and returns the
 * EXIT_ status of that. Never prints on stdout but through s_status. */
static int s_subscribe(watch_t *w)
{
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    Lkip__SubscribeRequest body = LKIP__SUBSCRIBE_REQUEST__INIT;
    body.last_seq = w->last;
    req.body_case = LKIP__ENVELOPE__BODY_SUBSCRIBE;
    req.subscribe = &body;
    Lkip__Envelope *reply = NULL;
    unsigned connections = lkipc_connections(w->cli->conn);
    lkipc_rc_t crc = lkipc_call(w->cli->conn, &req, &reply);
    if (crc != LKIPC_OK) {
        s_error_rc(w, crc, w->running && crc != LKIPC_AUTH_FAILED);
        return crc == LKIPC_AUTH_FAILED || crc == LKIPC_TIMEOUT ? EXIT_UNREACHABLE : EXIT_SERVER;
    }
    const Lkip__Reply *r = reply->reply;
    if (r->status >= 400 || r->payload_case != LKIP__REPLY__PAYLOAD_SUBSCRIBED) {
        bool bad = r->status < 400;
        s_error(w, r->status, bad ? "bad_reply" : r->code,
                bad ? "jawaban server tidak lengkap" : r->message, w->running);
        int rc = r->status >= 500 || bad ? EXIT_SERVER : EXIT_REFUSED;
        wire_free(&reply);
        return rc;
    }
    if (r->subscribed->last_seq < w->last) {
        /* the server holds fewer events than we saw: a different or restored database */
        fprintf(stderr,
                "lkip: [seq_reset] server memiliki %llu pemberitahuan, klien mencatat "
                "%llu; penghitung disetel ulang\n",
                (unsigned long long)r->subscribed->last_seq, (unsigned long long)w->last);
        w->last = r->subscribed->last_seq;
    }
    wire_free(&reply);
    w->subscribed = true;
    w->connections = connections;
    backoff_reset(&w->retry);
    if (w->troubled)
        s_status(w, "reconnected");
    return EXIT_OK;
}

/* Follows the connection between events: tells when it drops or is refused, and subscribes
 * again on a new one (the daemon forgot the session), pacing failed attempts. */
static void s_follow(watch_t *w)
{
    lkipc_t *conn = w->cli->conn;
    lkipc_state_t state = lkipc_state(conn);
    bool again = lkipc_connections(conn) != w->connections; /* maybe healed already */
    if ((again || state != LKIPC_CONNECTED) && !w->troubled)
        s_status(w, "disconnected");
    if (again || state != LKIPC_CONNECTED)
        w->subscribed = false;
    if (state == LKIPC_REFUSED)
        s_error_rc(w, lkipc_refusal(conn), true);
    if (w->subscribed || state != LKIPC_CONNECTED || monotonic_ms() < w->retry_at)
        return;
    if (s_subscribe(w) != EXIT_OK)
        w->retry_at = monotonic_ms() + backoff_next(&w->retry);
}

/* ---- the command ---------------------------------------------------------------------------- */

/* Receives and prints until stopped, count events were printed, or idle_s seconds passed
 * without one. Returns an EXIT_ status. */
static int s_run(watch_t *w, long long count, long long idle_s)
{
    lkipc_t *conn = w->cli->conn;
    long long shown = 0;
    int64_t quiet_since = monotonic_ms(), keepalive = monotonic_ms();
    while (!s_stop && (count == 0 || shown < count)) {
        Lkip__Envelope *ev = NULL;
        int got = lkipc_next_event(conn, 1000, &ev);
        if (got < 0 && got != LKIPC_TIMEOUT) {
            s_error_rc(w, (lkipc_rc_t)got, false);
            return EXIT_UNREACHABLE;
        }
        int64_t now = monotonic_ms();
        if (got == 1) {
            const Lkip__Event *e = ev->event;
            if (e->seq > w->last) { /* older ones are duplicates of a resend */
                s_take(w, e);
                shown++;
            }
            s_ack(w->cli, e->seq > w->last ? w->last : e->seq);
            wire_free(&ev);
            quiet_since = now;
            continue;
        }
        if (idle_s && now - quiet_since >= idle_s * 1000)
            break;
        s_follow(w);
        if (now - keepalive >= 5000) {
            s_ack(w->cli, w->last); /* keeps the session alive on the daemon */
            keepalive = now;
        }
    }
    return EXIT_OK;
}

int cli_watch(cli_t *cli, int argc, char **argv)
{
    static const cli_cmd_t me = {"watch", NULL, "[--count N] [--idle DETIK] [--status]", NULL};
    static const struct option opts[] = {{"count", required_argument, NULL, 'c'},
                                         {"idle", required_argument, NULL, 'i'},
                                         {"status", no_argument, NULL, 's'},
                                         {0}};
    long long count = 0, idle = 0;
    bool status = false;
    int c;
    while ((c = getopt_long(argc, argv, "c:i:", opts, NULL)) != -1) {
        if (c == 'c' && cli_parse_int("--count", optarg, 1, 100000000, &count))
            continue;
        if (c == 'i' && cli_parse_int("--idle", optarg, 1, 86400, &idle))
            continue;
        if (c == 's') {
            status = true;
            continue;
        }
        return c == 'c' || c == 'i' ? EXIT_USAGE : cli_usage(&me, "pilihan tidak dikenal");
    }
    if (optind < argc)
        return cli_usage(&me, "argumen berlebih \"%s\"", argv[optind]);
    if (status && !cli->json)
        return cli_usage(&me, "--status hanya bersama --json (status sebagai baris JSON)");
    int rc = cli_connect(cli);
    if (rc != EXIT_OK)
        return rc;
    watch_t w = {.cli = cli, .status_json = status, .path = s_seq_path(cli)};
    w.last = s_seq_load(w.path);
    backoff_init(&w.retry, RESUBSCRIBE_FIRST_MS, RESUBSCRIBE_MAX_MS);
    rc = s_subscribe(&w); /* the first one within the retry window, as any request */
    if (rc == EXIT_OK) {
        if (!cli->json)
            fprintf(stderr,
                    "Menunggu pemberitahuan (terakhir diterima: #%llu); Ctrl-C untuk "
                    "berhenti.\n",
                    (unsigned long long)w.last);
        /* from now on one attempt at a time: s_follow paces them and tells what happens */
        lkipc_set_retry_window(cli->conn, 0);
        w.running = true;
        struct sigaction sa = {0};
        sa.sa_handler = s_on_signal;
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        rc = s_run(&w, count, idle);
    }
    free(w.path);
    return rc;
}
