/* cli — what every lkip subcommand shares: settings, the connection (opened on first use), the
 * call that prints refusals in one format, and JSON output. Subcommands live in cli_*.c. */
#ifndef LKIP_CLI_H
#define LKIP_CLI_H

#include "cliconf.h"
#include "inflight.h"
#include "lkipc.h"
#include "xfer.h"

/* Exit statuses of lkip, stable for scripts. */
enum {
    EXIT_OK = 0,
    EXIT_REFUSED = 1,     /* the daemon refused the request (4xx) */
    EXIT_USAGE = 2,       /* wrong command line or local input */
    EXIT_UNREACHABLE = 3, /* no answer, or our key refused at the handshake */
    EXIT_SERVER = 4,      /* the daemon failed (5xx) */
};

typedef struct {
    cliconf_t conf;
    bool json;            /* --json: print replies as JSON */
    lkipc_t *conn;        /* NULL until the first call */
    int argc;             /* the subcommand's arguments as given (argv[0] its name, owned array): */
    char **argv;          /* they name a change left unanswered by an earlier run (inflight) */
    inflight_t *inflight; /* that record, opened by the first change sent; NULL before */
} cli_t;

/* Frees what cli holds (connection, settings, record). */
void cli_close(cli_t *cli);

/* Opens the connection when it is not open. Returns EXIT_OK or prints why and returns an EXIT_
 * status. */
int cli_connect(cli_t *cli);

/* Reads a public key given as a file or as Z85 text (keys_public_from_arg, the one rule); prints
 * [code] and both readings when it is neither, and returns false. */
bool cli_key_arg(const char *code, const char *arg, char out[KEY_Z85_LEN + 1]);

typedef int (*cli_fn_t)(cli_t *cli, int argc, char **argv);

typedef struct {
    const char *name; /* e.g. "whoami" */
    cli_fn_t fn;
    const char *usage; /* one line: arguments */
    const char *help;  /* one line, Indonesian */
} cli_cmd_t;

/* Sends req (body set by the caller) and waits for the reply. Prints why on failure and
 * returns an EXIT_ status; on EXIT_OK *reply is owned by the caller (wire_free). With --json,
 * refusals are printed as JSON on stdout too. A change that gets no final answer within the
 * retry window is saved (inflight) and the message says that its outcome is unknown and that
 * running the same command again is safe; that run sends the same request again. */
int cli_call(cli_t *cli, Lkip__Envelope *req, Lkip__Envelope **reply);

/* Like cli_call, but an accepted reply must carry the payload kind want: one without it is
 * reported as [bad_reply] (EXIT_SERVER) and freed. */
int cli_call_for(cli_t *cli, Lkip__Envelope *req, Lkip__Reply__PayloadCase want,
                 Lkip__Envelope **reply);

/* Frees an incomplete reply, says so, and returns EXIT_SERVER. */
int cli_bad_reply(Lkip__Envelope **reply);

/* Like cli_call, but a refused request (4xx/5xx) keeps its reply in *reply (after printing
 * the message) so the caller can show its details. */
int cli_call_keep(cli_t *cli, Lkip__Envelope *req, Lkip__Envelope **reply);

/* Opens the connection when it is not open yet (reads the keys). Prints why on failure and
 * returns an EXIT_ status. */
int cli_connect(cli_t *cli);

/* With --json: prints any message as JSON and returns true. */
bool cli_print_json_message(cli_t *cli, const ProtobufCMessage *m);

/* Prints one event as a JSON line. */
void cli_print_event_json(const Lkip__Event *ev);

/* With --json: prints the reply as JSON and returns true. */
bool cli_print_json(cli_t *cli, const Lkip__Envelope *reply);

/* After getopt_long returned '?': names the option it did not take (unknown, or without its
 * value) and the command, in Indonesian, and returns EXIT_USAGE. */
int cli_bad_option(const cli_cmd_t *cmd, int argc, char **argv);

/* Prints a usage error for cmd and returns EXIT_USAGE. */
int cli_usage(const cli_cmd_t *cmd, const char *fmt, ...) PRINTF(2, 3);

/* Parses a whole number argument; prints an error naming what and returns false when bad. */
bool cli_parse_int(const char *what, const char *text, long long min, long long max,
                   long long *out);

/* Reads a whole local file (at most max bytes) for sending; prints why on failure. */
bool cli_read_local(const char *path, size_t max, char **data, size_t *len);

/* Writes data to path (not over an existing file unless force). EXIT_OK, or EXIT_USAGE after
 * saying why. */
int cli_write_local(const char *path, const uint8_t *data, size_t len, bool force);

/* Writes received bytes to path after checking them against the SHA-256 the server sent;
 * EXIT_SERVER on a mismatch (nothing written). */
int cli_save_checked(const char *path, const uint8_t *data, size_t len, const char *sha256,
                     bool force);

/* Prints why a transfer (xfer.h) failed and returns the exit status it means. */
int cli_xfer_failed(const xfer_error_t *e);

/* mkdir -p with mode 0700 for the folders lkip creates. Returns 0 or a negative errno. */
int cli_mkdirs(const char *dir);

/* Subcommands, by file. */
int cli_keygen(cli_t *cli, int argc, char **argv);
int cli_whoami(cli_t *cli, int argc, char **argv);
int cli_ping(cli_t *cli, int argc, char **argv);
int cli_admin(cli_t *cli, int argc, char **argv);
int cli_start(cli_t *cli, int argc, char **argv);
int cli_tasks(cli_t *cli, int argc, char **argv);
int cli_done(cli_t *cli, int argc, char **argv);
int cli_approve(cli_t *cli, int argc, char **argv);
int cli_return(cli_t *cli, int argc, char **argv);
int cli_submit(cli_t *cli, int argc, char **argv);
int cli_upload(cli_t *cli, int argc, char **argv);
int cli_download(cli_t *cli, int argc, char **argv);
int cli_status(cli_t *cli, int argc, char **argv);
int cli_history(cli_t *cli, int argc, char **argv);
int cli_capaian(cli_t *cli, int argc, char **argv);
int cli_watch(cli_t *cli, int argc, char **argv);
int cli_monitor(cli_t *cli, int argc, char **argv);
int cli_calendar(cli_t *cli, int argc, char **argv);
int cli_admin_calendar(cli_t *cli, int argc, char **argv);
int cli_admin_clock(cli_t *cli, int argc, char **argv);
int cli_admin_delegate(cli_t *cli, int argc, char **argv);
int cli_pk(cli_t *cli, int argc, char **argv);
int cli_draft(cli_t *cli, int argc, char **argv);
int cli_admin_profile(cli_t *cli, int argc, char **argv);
int cli_format(cli_t *cli, int argc, char **argv);

#endif
