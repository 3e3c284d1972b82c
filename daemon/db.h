/* db — the one wrapper around libpq: connection, parameterised statements, transactions,
 * LISTEN/NOTIFY. Every result is checked here; callers get a result handle or NULL with the
 * error kept on the connection (db_error, db_sqlstate). Only daemon/db*.c use this directly
 * together with libpq; the rest of the daemon calls the db_* query modules. A db_t is used by
 * the one thread that owns it (each worker, the database loop and start-up have their own); a
 * dbnode_t is shared and locked. */
#ifndef LKIP_DB_H
#define LKIP_DB_H

#include "util.h"

typedef struct db db_t;
typedef struct db_res db_res_t;

/* Positional parameters for one statement. Zero-initialise; values are copied. */
#define DB_MAX_PARAMS 32
typedef struct {
    int n;
    char *values[DB_MAX_PARAMS]; /* owned copies; NULL is SQL NULL */
    int lengths[DB_MAX_PARAMS];
    int formats[DB_MAX_PARAMS]; /* 0 text, 1 binary (bytea) */
} db_params_t;

void db_param_str(db_params_t *p, const char *s); /* NULL -> SQL NULL */
void db_param_int(db_params_t *p, int64_t v);
void db_param_bool(db_params_t *p, bool v);
void db_param_bytes(db_params_t *p, const void *data, size_t len);
void db_param_time(db_params_t *p, int64_t unix_seconds); /* timestamptz */
void db_param_double(db_params_t *p, bool has, double v); /* !has -> SQL NULL; exact digits */
void db_params_free(db_params_t *p);

/* The database server a daemon's connections share. Every connection of a daemon must be on the
 * same PostgreSQL system and primary: on each (re)connection its identity is read (system
 * identifier; timeline of the WAL it writes; host and port) and checked against what the others
 * saw. A different system, a standby, or a timeline older than one already seen (a demoted
 * primary that came back) is refused, loudly. A newer timeline (a standby was promoted) is
 * taken, and every other connection of the daemon then reconnects at once (db_check), so none
 * stays behind on the old primary. Shared by all threads (locked inside). */
typedef struct dbnode dbnode_t;

dbnode_t *dbnode_new(void);
void dbnode_destroy(dbnode_t **self_p);

/* "host:port, timeline N, system S" of the primary the connections are on, for logs and ping. */
void dbnode_describe(dbnode_t *self, char *buf, size_t len);

/* The server a connection is on, as read when it connected. */
typedef struct {
    char host[128]; /* "" when not known (a connection made without a node) */
    int port;
    char system_id[32];
    int timeline;
} db_ident_t;

/* The identity of the server db is on (zeroed when it was made without a node or is down). */
void db_identity(const db_t *db, db_ident_t *out);

/* Connects (blocking) and, with a node, checks and records the server's identity; who names the
 * connection in logs ("worker 1"). A conninfo without connect_timeout gets 3 s, so that a dead
 * host never stalls a thread for long; one naming several hosts without target_session_attrs
 * gets read-write, so that libpq passes over standbys. Returns NULL with err set when the server
 * cannot be reached or is refused. */
db_t *db_connect(const char *conninfo, dbnode_t *node, const char *who, char *err, size_t errlen);
void db_destroy(db_t **db);

/* True when the connection is usable; false after the server went away. */
bool db_alive(db_t *db);

/* The connection's health, for callers that keep serving while the database is away. */
typedef enum {
    DB_UP,   /* usable */
    DB_LOST, /* found broken just now (the caller logs it once); unusable */
    DB_DOWN, /* still broken; reconnects are tried with a back-off from 20 ms (with jitter)
              * doubling to 1 s while the outage is young, then to 5 s */
    DB_BACK, /* reconnected just now: per-session state (LISTEN) must be set up again */
} db_health_t;

/* Checks the connection and, when it is broken and its back-off has passed, reconnects once. A
 * connection left on an old primary (another connection of the daemon found a newer one) is
 * broken: it reconnects at once. */
db_health_t db_check(db_t *db);
/* Marks the connection broken after a failure the caller saw. True the first time (log it). */
bool db_mark_lost(db_t *db);
/* True while the connection is known broken. */
bool db_down(const db_t *db);
/* Milliseconds until the next reconnect attempt (0 when due or connected). */
int64_t db_retry_in(const db_t *db);
/* Drops and re-opens the connection (blocking, one attempt). Returns 0 or -1. */
int db_reset(db_t *db) WUR;
/* The socket to poll for notifications; -1 when disconnected. */
int db_socket(db_t *db);

/* Runs sql with params (may be NULL). Returns a result (tuples or command ok) or NULL on error.
 * Caller owns the result (db_res_free). Params are freed by the call. */
db_res_t *db_query(db_t *db, const char *sql, db_params_t *params) WUR;
/* Result of a lookup: found, not found, or a database error (db_error tells). */
typedef enum { DB_FOUND = 0, DB_NOT_FOUND = 1, DB_FAILED = -1 } db_lookup_t;

/* Runs a query expected to give one row: DB_FOUND with *out set (caller frees it), or
 * DB_NOT_FOUND / DB_FAILED with *out NULL. Params are freed by the call. */
db_lookup_t db_query_one(db_t *db, const char *sql, db_params_t *params, db_res_t **out) WUR;

/* Like db_query for statements whose rows are not needed. Returns 0 or -1. */
int db_exec(db_t *db, const char *sql, db_params_t *params) WUR;

/* Runs a script of several statements without parameters (migrations). Returns 0 or -1. */
int db_exec_script(db_t *db, const char *sql) WUR;

/* How many statements this connection has sent to the server (each db_query, db_exec,
 * db_exec_script and commit counts one; preparing a statement the first time it runs is part of
 * it). Callers that promise a bound on their statements measure it with the difference. */
int64_t db_statements(const db_t *db);
/* How many round trips this connection made: every statement above is one, and so is a whole
 * pipeline (db_pipe_run), however many statements it carries. */
int64_t db_round_trips(const db_t *db);

/* A text array parameter built element by element, for statements that take a whole set at once
 * (unnest($1::bigint[], $2::text[], ...)). Zero-initialise; db_array_param hands it to params and
 * empties it. Every element is quoted, so any text is safe. */
typedef struct {
    strbuf_t sb;
    int n;
} db_array_t;

void db_array_str(db_array_t *a, const char *s); /* NULL -> SQL NULL */
void db_array_int(db_array_t *a, int64_t v);
void db_array_id(db_array_t *a, int64_t v); /* 0 -> SQL NULL */
void db_array_u64(db_array_t *a, uint64_t v);
void db_array_double(db_array_t *a, bool has, double v); /* !has -> SQL NULL; exact digits */
void db_array_hex(db_array_t *a, const void *data, size_t len); /* bytea as "\\x..." */
void db_array_param(db_params_t *p, db_array_t *a);
void db_array_free(db_array_t *a);

/* A pipeline: statements sent together and answered together in one round trip (libpq pipeline
 * mode), for statements that do not depend on each other's results. Statements new to the
 * connection are prepared first (once per connection). The statements run in order; after a
 * failure the rest are skipped. A COMMIT answered with ROLLBACK is a failure. One thread. */
typedef struct db_pipe db_pipe_t;

db_pipe_t *db_pipe_new(db_t *db);
/* Appends a statement; params (may be NULL) are taken. Returns its index. */
int db_pipe_add(db_pipe_t *p, const char *sql, db_params_t *params);
/* Sends every statement and reads every result. 0 when all succeeded; -1 otherwise, with the
 * first failure's error on the connection (db_error). */
int db_pipe_run(db_pipe_t *p) WUR;
/* The result of statement i after a successful run (caller owns it; NULL when taken). */
db_res_t *db_pipe_take(db_pipe_t *p, int i);
/* Frees the pipeline and its results not taken; accepts NULL, nulls the pointer. */
void db_pipe_destroy(db_pipe_t **self_p);

/* Deferred statements. While on, db_exec (a statement whose result nobody reads: SAVEPOINT,
 * most inserts and updates) only queues; the queue goes out in the round trip of the next
 * statement that returns a result (db_query, a pipeline, COMMIT). ROLLBACK drops it. A queued
 * statement that fails cannot answer its caller any more: the connection remembers it
 * (db_defer_failed), every later statement fails with DB_DEFER_FAILED, and the caller rolls
 * back and runs its work again with deferral off. Turning it on or off drops the queue. */
#define DB_DEFER_FAILED "LKD01"
void db_defer(db_t *db, bool on);
bool db_defer_failed(const db_t *db);

/* The last error: SQLSTATE (five characters, "" when none) and message. */
const char *db_sqlstate(const db_t *db);
const char *db_error(const db_t *db);
/* The constraint the last error names (unique, check, foreign key), "" when none. */
const char *db_constraint(const db_t *db);
/* True when the last error means "try again": lost connection, deadlock, serialization. */
bool db_error_retryable(const db_t *db);

int db_res_rows(const db_res_t *r);
/* Number of rows a command touched (UPDATE/DELETE/INSERT). */
int64_t db_res_affected(const db_res_t *r);
bool db_res_null(const db_res_t *r, int row, int col);
/* Text value; "" for NULL. Valid until the result is freed. */
const char *db_res_str(const db_res_t *r, int row, int col);
int64_t db_res_int(const db_res_t *r, int row, int col);
bool db_res_bool(const db_res_t *r, int row, int col);
/* A double precision value; 0 for NULL. */
double db_res_double(const db_res_t *r, int row, int col);
/* bytea value, unescaped into a new buffer the caller owns. */
uint8_t *db_res_bytes(const db_res_t *r, int row, int col, size_t *len);
/* Copies a text value; caller owns it. */
char *db_res_dup(const db_res_t *r, int row, int col);
void db_res_free(db_res_t **r);

/* Transactions and savepoints. Return 0 or -1. */
int db_begin(db_t *db) WUR;
int db_commit(db_t *db) WUR;
int db_rollback(db_t *db);
int db_savepoint(db_t *db) WUR;
int db_rollback_savepoint(db_t *db) WUR;

/* Reads pending notifications without blocking; calls fn(channel, payload, arg) for each.
 * Returns the number handled or -1 when the connection broke. */
int db_notifications(db_t *db, void (*fn)(const char *channel, const char *payload, void *arg),
                     void *arg);

#endif
