/* harness — what integration tests (and the benchmark) need to run the real lkipd against a real
 * PostgreSQL: a temp folder, a fresh database, the server key pair, daemons started and stopped
 * as child processes, users registered through lkipd's bootstrap path, client connections and
 * SQL probes of the database.
 *
 * Environment (tests/run.sh sets it):
 *   LKIP_TEST_PGDIR  folder of a running private cluster (scripts/pg.sh); when unset, each
 *                    harness starts its own cluster under its temp folder and stops it at the end
 *                    (harness_new_own_cluster always does, for tests that restart PostgreSQL)
 *   LKIP_BUILD       build folder holding lkipd (default "build")
 *   LKIP_SRCDIR      repository root, for scripts/ and sql/ (default ".")
 *   LKIP_KEEP_TMP=1  keep temp folders (and databases) for inspection
 *   TMPDIR           where temp folders are made (default /tmp)
 *
 * Everything a harness starts (daemons, clients, database, cluster, temp folder) is owned by it
 * and released by harness_destroy, so a test that fails half-way still cleans up when its
 * teardown destroys the harness. Nothing here depends on cmocka except the helpers at the end
 * (harness_check.c), which the benchmark does not link. */
#ifndef LKIP_HARNESS_H
#define LKIP_HARNESS_H

#include "keys.h"
#include "lkipc.h"

#include <stdbool.h>
#include <sys/types.h>

typedef struct harness harness_t;
typedef struct harness_daemon harness_daemon_t;

/* How long the harness waits for a daemon to become ready or a child process to exit. */
#define HARNESS_WAIT_MS 30000

/* Makes a temp folder, a fresh database named after name (plus pid and a counter) and the server
 * key pair. Returns NULL (with the reason on stderr) on failure. Caller owns the result. */
harness_t *harness_new(const char *name);

/* Like harness_new, but always on a cluster of its own under the temp folder, whatever
 * LKIP_TEST_PGDIR says: for tests that restart or kill PostgreSQL (harness_pg) without
 * disturbing the other tests of the run. Caller owns the result. */
harness_t *harness_new_own_cluster(const char *name);

/* Like harness_new, but on a replicated formation (scripts/ha.sh): hosts is its nodes as
 * "host:port,host:port", and the database and lkipd's conninfo is a multi-host URI with
 * target_session_attrs=read-write, so that both follow the primary. Caller owns the result. */
harness_t *harness_new_on(const char *name, const char *hosts);

/* The name of the harness database. */
const char *harness_sql_dbname(const harness_t *h);

/* Closes the probe connection of the SQL helpers; the next one connects again (after the
 * primary moved). */
void harness_sql_reset(harness_t *h);

/* Runs scripts/pg.sh action ("restart", "kill", "start" or "stop") on the harness's own
 * cluster and closes the probe connection (the next SQL probe connects again). "kill" stops
 * PostgreSQL at once (SIGQUIT, crash recovery at the next start). Returns 0, or -1 when the
 * script failed (its output on stderr) or the cluster is shared (see harness_new_own_cluster). */
int harness_pg(harness_t *h, const char *action);

/* A streaming standby of the harness's own cluster (harness_new_own_cluster), for tests of
 * fail-over without a fail-over manager: "create" (a base backup, started on a port of its own),
 * "promote" (a new timeline: the own cluster, still read-write, is then a primary left behind),
 * "stop" and "start". harness_destroy stops it. Returns 0 or -1 (the reason on stderr). */
int harness_pg_standby(harness_t *h, const char *action);

/* "host=<standby>,<own cluster> port=..." conninfo of the harness database, the standby first
 * (caller frees); NULL without a standby. */
char *harness_standby_first_conninfo(harness_t *h);

/* Stops every daemon (SIGTERM, SIGKILL after a timeout), closes every client, drops the
 * database, stops the harness's own cluster, removes the temp folder (unless LKIP_KEEP_TMP=1).
 * Accepts NULL; nulls the caller's pointer. With LKIP_DUMP_LOGS=1 the daemon logs are printed
 * first. */
void harness_destroy(harness_t **self_p);

/* The temp folder (mode 0755) and the libpq conninfo of the harness database. */
const char *harness_tmpdir(const harness_t *h);
const char *harness_conninfo(const harness_t *h);
/* The server key pair: its file (for lkipd) and its public key (for clients). */
const char *harness_server_key_file(const harness_t *h);
const char *harness_server_public_key(const harness_t *h);
/* Path of the lkipd binary used. */
const char *harness_lkipd_path(const harness_t *h);

/* ---- daemons -------------------------------------------------------------------------------- */

/* Starts lkipd --foreground on the harness database with an ephemeral loopback port, debug log
 * to <tmp>/lkipd-N.log, and waits (up to HARNESS_WAIT_MS) until its ready file names the bound
 * endpoint. extra_sets is a NULL-terminated list of "key=value" settings (or NULL), applied after
 * the harness's own. Returns NULL (log dumped to stderr) when the daemon did not become ready.
 * The harness owns the result. */
harness_daemon_t *harness_daemon_start(harness_t *h, const char *const *extra_sets);

/* Sends sig (SIGTERM for a clean stop, SIGKILL for a crash) and waits for the exit; a daemon
 * that has not exited after HARNESS_WAIT_MS gets SIGKILL. Returns the exit status (0-255),
 * 128 + signal number when killed by a signal, or -1 when the daemon was not running. */
int harness_daemon_stop(harness_daemon_t *d, int sig);

/* Stops the daemon (SIGTERM) when it runs and starts it again with the same settings; the port
 * may change (see harness_daemon_endpoint). Returns 0, or -1 when it did not become ready. */
int harness_daemon_restart(harness_daemon_t *d);

/* Makes every later restart of d bind the endpoint it has bound now, as a deployment on a fixed
 * port does, so that connected clients find it again by themselves. */
void harness_daemon_pin_endpoint(harness_daemon_t *d);

/* True while the daemon process has not exited (reaps it when it has). */
bool harness_daemon_running(harness_daemon_t *d);

/* The endpoint the daemon bound ("tcp://127.0.0.1:PORT"), its pid (0 when stopped), its ready
 * file and its current log file. Strings are owned by the daemon. */
const char *harness_daemon_endpoint(const harness_daemon_t *d);
pid_t harness_daemon_pid(const harness_daemon_t *d);
const char *harness_daemon_ready_file(const harness_daemon_t *d);
const char *harness_daemon_log_file(const harness_daemon_t *d);
/* How often text occurs in the daemon's current log file; -1 when it cannot be read. */
int harness_daemon_log_count(const harness_daemon_t *d, const char *text);

/* Prints the state of h's daemons (running, or how the last run ended) and every lkipd log of h
 * (daemons and one-shot runs) to stderr. */
void harness_dump_logs(harness_t *h);
/* The same for every harness alive in this process (used when a check fails). */
void harness_dump_all_logs(void);

/* False (the offending logs printed to stderr) when a sanitizer (ASan, LSan, UBSan) reported
 * anything in an lkipd log of h. */
bool harness_logs_clean(const harness_t *h);

/* Stops d with SIGTERM; the test fails (with every log shown) unless lkipd exited 0 and no log
 * of h holds a warning or an error (harness_logs_clean). */
void harness_daemon_stop_clean(harness_t *h, harness_daemon_t *d);

/* The setting that gives a daemon the SOP definitions of the source tree's sop/ folder
 * ("sop_dir=<LKIP_SRCDIR>/sop"), for harness_daemon_start's sets. Owned by h. */
const char *harness_sop_setting(const harness_t *h);

/* ---- one-shot lkipd runs -------------------------------------------------------------------- */

/* Runs lkipd with args (NULL-terminated; "-s database=<harness db>" first when with_database)
 * and waits up to HARNESS_WAIT_MS for it to exit. When output is not NULL it receives what the
 * process wrote to stdout and stderr (caller frees). Returns the exit status as
 * harness_daemon_stop does, or -1 when it could not be run or did not exit in time. */
int harness_lkipd_run(harness_t *h, bool with_database, const char *const *args, char **output);

/* ---- users and clients ---------------------------------------------------------------------- */

/* Generates a key pair in the temp folder (<tmp>/keys/<name>[-N].key) without registering it.
 * Returns 0 or a negative errno. */
int harness_keypair(harness_t *h, const char *name, keypair_t *out);

/* Generates a key pair and registers the user through lkipd --add-user (the bootstrap path);
 * unit may be NULL. Then waits until every running daemon lets the key through the handshake
 * (they learn of the user from the directory's notification, a moment after the insert). Returns
 * 0, or -1 when lkipd did not exit 0 (its log is dumped) or a daemon never took the user. */
int harness_user(harness_t *h, const char *name, const char *role, const char *unit,
                 keypair_t *out);

/* Waits until every running daemon of h lets keys through the handshake (a ping answered):
 * lkipd learns of a user added by another process (or inserted with SQL) from the directory's
 * notification, a moment after the insert committed, and whoever connects at once must not race
 * it. 0, or -1 when a daemon did not within HARNESS_WAIT_MS. */
int harness_wait_known(harness_t *h, const keypair_t *keys);

/* A client library connection to d with keys; one attempt per call, timeout_ms per attempt.
 * The harness owns it (closed by harness_destroy or harness_client_close). NULL on failure. */
lkipc_t *harness_client(harness_t *h, const harness_daemon_t *d, const keypair_t *keys,
                        int timeout_ms);
/* Closes a connection made by harness_client before the harness ends; nulls the pointer. */
void harness_client_close(harness_t *h, lkipc_t **client_p);

/* ---- lkip client processes ------------------------------------------------------------------ */

/* Starts the lkip command ($LKIP_BUILD/lkip) with args (NULL-terminated), stdin from /dev/null,
 * stdout and stderr appended to out_path. The harness owns the process: harness_destroy stops it
 * when it still runs. Returns its pid or -1. */
pid_t harness_lkip_start(harness_t *h, const char *const *args, const char *out_path);

/* Like harness_lkip_start, but stderr goes to err_path (NULL: out_path too), so that a test
 * can check what the command printed on each. */
pid_t harness_lkip_start_split(harness_t *h, const char *const *args, const char *out_path,
                               const char *err_path);

/* Sends sig to a process of harness_lkip_start (0: none, only wait) and waits up to timeout_ms
 * for its exit. Returns its exit status as harness_daemon_stop does, -2 when it still runs after
 * timeout_ms, or -1 when pid is not a running process of h. */
int harness_lkip_stop(harness_t *h, pid_t pid, int sig, int timeout_ms);

/* ---- SQL probes ----------------------------------------------------------------------------- */

/* Runs sql on the harness database with text parameters ($1, $2, ...) given as a NULL-terminated
 * list. Returns the first column of the first row as a new string (caller frees), or NULL when
 * there is no row, the value is NULL, or the query failed (the error goes to stderr). */
char *harness_sql(harness_t *h, const char *sql, ...) __attribute__((sentinel));

/* Like harness_sql for an integer result (counts); -1 when there is no value or on error. */
long long harness_sql_int(harness_t *h, const char *sql, ...) __attribute__((sentinel));

/* Runs a statement; returns 0 or -1 (the error goes to stderr). */
int harness_sql_exec(harness_t *h, const char *sql, ...) __attribute__((sentinel));

/* Makes the database refuse every new row of table (a trigger raising "test: no new rows in
 * TABLE"), to see how lkipd answers a statement that fails; harness_allow_inserts takes the
 * trigger away again. One table at a time. 0 or -1. */
int harness_refuse_inserts(harness_t *h, const char *table);
int harness_allow_inserts(harness_t *h, const char *table);

/* Waits (up to HARNESS_WAIT_MS) until no timer due at now (unix seconds) is left unfired: the
 * daemons fire timers on their database loop, beside the requests, and commit each with its
 * events. Returns 0, or -1 when some are still due (their count on stderr). */
int harness_timers_settled(harness_t *h, int64_t now);

/* ---- checks for cmocka tests (harness_check.c) ---------------------------------------------- */

/* Calls lkipc_call; on a transport failure (timeout, auth refused, socket error) dumps the
 * daemon logs and fails the test. Returns the reply envelope, owned by the caller (wire_free). */
Lkip__Envelope *harness_call_ok(lkipc_t *c, Lkip__Envelope *req);

/* Fails the test (logs dumped) unless env is a reply with this status and, when code is not
 * NULL, this code. */
void harness_assert_reply(const Lkip__Envelope *env, int status, const char *code);

/* Loads the SOP definition text (YAML) as file_name over c, an administrator's connection;
 * fails the test unless it is accepted (201 ok). */
void harness_load_sop(lkipc_t *c, const char *file_name, const char *text);

/* With LKIP_TEST_ONLY set (a cmocka pattern, e.g. "*retention*"), only the tests it matches run:
 * for running one test of a program alone while working on it. Call before running them. */
void harness_test_filter(void);

#endif
