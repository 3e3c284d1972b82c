/* db — see db.h. */
#include "db.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Statements are prepared once per connection and then only bound and executed: parsing and
 * planning the same few dozen statements again for every request was most of the database's
 * work. The cache is keyed by the statement's text. */
#define STMT_SLOTS 512 /* power of two; at most half are used */

typedef struct {
    uint64_t hash; /* 0: free slot */
    char *sql;     /* owned copy of the text */
    int id;        /* prepared as "s<id>" */
} stmt_t;

struct db {
    PGconn *conn;
    char *conninfo;
    char sqlstate[6];
    char *error;
    char constraint[64]; /* constraint named by the last error; "" when none */
    stmt_t stmts[STMT_SLOTS];
    int n_stmts;
    int64_t retry_at; /* monotonic ms of the next reconnect attempt; 0: not known broken */
    int backoff_ms;
    int64_t statements; /* statements sent on this connection since it was made (db_statements) */
};

/* Back-off between attempts to reach a lost database. */
#define DB_RETRY_MIN_MS 100
#define DB_RETRY_MAX_MS 5000

struct db_res {
    PGresult *res;
};

static void s_forget_statements(db_t *db)
{
    for (int i = 0; i < STMT_SLOTS; i++) {
        free(db->stmts[i].sql);
        db->stmts[i] = (stmt_t){0};
    }
    db->n_stmts = 0;
}

static void s_param(db_params_t *p, char *value, int len, int format)
{
    if (p->n >= DB_MAX_PARAMS)
        abort(); /* programmer error: too many parameters */
    p->values[p->n] = value;
    p->lengths[p->n] = len;
    p->formats[p->n] = format;
    p->n++;
}

void db_param_str(db_params_t *p, const char *s)
{
    s_param(p, s ? xstrdup(s) : NULL, 0, 0);
}

void db_param_int(db_params_t *p, int64_t v)
{
    s_param(p, xasprintf("%lld", (long long)v), 0, 0);
}

void db_param_bool(db_params_t *p, bool v)
{
    s_param(p, xstrdup(v ? "t" : "f"), 0, 0);
}

void db_param_bytes(db_params_t *p, const void *data, size_t len)
{
    char *copy = xmalloc(len);
    memcpy(copy, data, len);
    s_param(p, copy, (int)len, 1);
}

void db_param_time(db_params_t *p, int64_t t)
{
    s_param(p, xasprintf("%lld", (long long)t), 0, 0);
    /* callers write to_timestamp($n) or $n::bigint; text keeps it plain */
}

void db_params_free(db_params_t *p)
{
    if (!p)
        return;
    for (int i = 0; i < p->n; i++)
        free(p->values[i]);
    p->n = 0;
}

static void s_set_error(db_t *db, const PGresult *res)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    snprintf(db->sqlstate, sizeof db->sqlstate, "%s", state ? state : "");
    const char *cons = res ? PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME) : NULL;
    snprintf(db->constraint, sizeof db->constraint, "%s", cons ? cons : "");
    const char *msg = res ? PQresultErrorMessage(res) : NULL;
    if (!msg || !*msg)
        msg = PQerrorMessage(db->conn);
    free(db->error);
    db->error = xstrdup(msg && *msg ? msg : "unknown database error");
    size_t n = strlen(db->error);
    while (n && (db->error[n - 1] == '\n' || db->error[n - 1] == ' '))
        db->error[--n] = '\0';
    if (!db->sqlstate[0] && PQstatus(db->conn) != CONNECTION_OK)
        snprintf(db->sqlstate, sizeof db->sqlstate, "08006");
}

static void s_notice_quiet(void *arg, const PGresult *res)
{
    (void)arg;
    (void)res;
}

db_t *db_connect(const char *conninfo, char *err, size_t errlen)
{
    PGconn *conn = PQconnectdb(conninfo);
    if (PQstatus(conn) != CONNECTION_OK) {
        const char *msg = PQerrorMessage(conn);
        snprintf(err, errlen, "could not connect to database: %.*s", (int)strcspn(msg, "\n"), msg);
        PQfinish(conn);
        return NULL;
    }
    PQsetNoticeReceiver(conn, s_notice_quiet, NULL);
    db_t *db = xcalloc(1, sizeof *db);
    db->conn = conn;
    db->conninfo = xstrdup(conninfo);
    return db;
}

void db_destroy(db_t **db_p)
{
    if (!db_p || !*db_p)
        return;
    db_t *db = *db_p;
    s_forget_statements(db);
    PQfinish(db->conn);
    free(db->conninfo);
    free(db->error);
    free(db);
    *db_p = NULL;
}

bool db_alive(db_t *db)
{
    return PQstatus(db->conn) == CONNECTION_OK;
}

int db_reset(db_t *db)
{
    s_forget_statements(db); /* prepared statements die with the connection */
    PQfinish(db->conn);
    db->conn = PQconnectdb(db->conninfo);
    if (PQstatus(db->conn) != CONNECTION_OK) {
        s_set_error(db, NULL);
        return -1;
    }
    PQsetNoticeReceiver(db->conn, s_notice_quiet, NULL);
    return 0;
}

bool db_mark_lost(db_t *db)
{
    if (db->retry_at)
        return false;
    db->backoff_ms = DB_RETRY_MIN_MS;
    db->retry_at = monotonic_ms();
    return true;
}

bool db_down(const db_t *db)
{
    return db->retry_at != 0;
}

int64_t db_retry_in(const db_t *db)
{
    int64_t wait = db->retry_at ? db->retry_at - monotonic_ms() : 0;
    return wait > 0 ? wait : 0;
}

db_health_t db_check(db_t *db)
{
    if (!db->retry_at && db_alive(db))
        return DB_UP;
    if (db_mark_lost(db))
        return DB_LOST;
    if (monotonic_ms() < db->retry_at)
        return DB_DOWN;
    if (db_reset(db) == 0) {
        db->retry_at = 0;
        return DB_BACK;
    }
    db->retry_at = monotonic_ms() + db->backoff_ms;
    db->backoff_ms = db->backoff_ms * 2 > DB_RETRY_MAX_MS ? DB_RETRY_MAX_MS : db->backoff_ms * 2;
    return DB_DOWN;
}

int db_socket(db_t *db)
{
    return db_alive(db) ? PQsocket(db->conn) : -1;
}

static uint64_t s_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h ? h : 1;
}

/* The prepared statement for sql: its id, or -1 when it should run unprepared (the cache is
 * full, or it is a transaction command, which runs as it is). */
static int s_statement(db_t *db, const char *sql, int n_params)
{
    if (strncmp(sql, "BEGIN", 5) == 0 || strncmp(sql, "COMMIT", 6) == 0 ||
        strncmp(sql, "ROLLBACK", 8) == 0 || strncmp(sql, "SAVEPOINT", 9) == 0 ||
        strncmp(sql, "RELEASE", 7) == 0 || strncmp(sql, "LISTEN", 6) == 0)
        return -1;
    uint64_t h = s_hash(sql);
    unsigned i = (unsigned)h & (STMT_SLOTS - 1);
    for (; db->stmts[i].hash; i = (i + 1) & (STMT_SLOTS - 1))
        if (db->stmts[i].hash == h && strcmp(db->stmts[i].sql, sql) == 0)
            return db->stmts[i].id;
    if (db->n_stmts >= STMT_SLOTS / 2)
        return -1;
    int id = db->n_stmts;
    char name[16];
    snprintf(name, sizeof name, "s%d", id);
    PGresult *res = PQprepare(db->conn, name, sql, n_params, NULL);
    bool ok = res && PQresultStatus(res) == PGRES_COMMAND_OK;
    PQclear(res);
    if (!ok)
        return -1; /* run it unprepared: its error, if any, is reported then */
    db->stmts[i] = (stmt_t){h, xstrdup(sql), id};
    db->n_stmts++;
    return id;
}

db_res_t *db_query(db_t *db, const char *sql, db_params_t *params)
{
    int n = params ? params->n : 0;
    const char *const *values = n ? (const char *const *)params->values : NULL;
    int id = s_statement(db, sql, n);
    db->statements++;
    PGresult *res;
    if (id >= 0) {
        char name[16];
        snprintf(name, sizeof name, "s%d", id);
        res = PQexecPrepared(db->conn, name, n, values, n ? params->lengths : NULL,
                             n ? params->formats : NULL, 0);
    } else {
        res = PQexecParams(db->conn, sql, n, NULL, values, n ? params->lengths : NULL,
                           n ? params->formats : NULL, 0);
    }
    db_params_free(params);
    ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
        s_set_error(db, res);
        PQclear(res);
        return NULL;
    }
    db->sqlstate[0] = '\0';
    db_res_t *r = xmalloc(sizeof *r);
    r->res = res;
    return r;
}

db_lookup_t db_query_one(db_t *db, const char *sql, db_params_t *params, db_res_t **out)
{
    *out = db_query(db, sql, params);
    if (!*out)
        return DB_FAILED;
    if (db_res_rows(*out) == 1)
        return DB_FOUND;
    db_res_free(out);
    return DB_NOT_FOUND;
}

int db_exec(db_t *db, const char *sql, db_params_t *params)
{
    db_res_t *r = db_query(db, sql, params);
    if (!r)
        return -1;
    db_res_free(&r);
    return 0;
}

int db_exec_script(db_t *db, const char *sql)
{
    db->statements++;
    PGresult *res = PQexec(db->conn, sql);
    ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        s_set_error(db, res);
        PQclear(res);
        return -1;
    }
    PQclear(res);
    return 0;
}

int64_t db_statements(const db_t *db)
{
    return db->statements;
}

const char *db_sqlstate(const db_t *db)
{
    return db->sqlstate;
}

const char *db_constraint(const db_t *db)
{
    return db->constraint;
}

const char *db_error(const db_t *db)
{
    return db->error ? db->error : "";
}

bool db_error_retryable(const db_t *db)
{
    const char *s = db->sqlstate;
    return strncmp(s, "08", 2) == 0     /* connection exception */
           || strcmp(s, "40001") == 0   /* serialization failure */
           || strcmp(s, "40P01") == 0   /* deadlock detected */
           || strcmp(s, "55P03") == 0   /* lock not available */
           || strncmp(s, "57P", 3) == 0 /* operator intervention: shutdown */
           || strcmp(s, "53300") == 0;  /* too many connections */
}

int db_res_rows(const db_res_t *r)
{
    return PQntuples(r->res);
}

int64_t db_res_affected(const db_res_t *r)
{
    const char *s = PQcmdTuples(r->res);
    return *s ? strtoll(s, NULL, 10) : 0;
}

bool db_res_null(const db_res_t *r, int row, int col)
{
    return PQgetisnull(r->res, row, col);
}

const char *db_res_str(const db_res_t *r, int row, int col)
{
    return PQgetvalue(r->res, row, col);
}

int64_t db_res_int(const db_res_t *r, int row, int col)
{
    return strtoll(PQgetvalue(r->res, row, col), NULL, 10);
}

bool db_res_bool(const db_res_t *r, int row, int col)
{
    return PQgetvalue(r->res, row, col)[0] == 't';
}

uint8_t *db_res_bytes(const db_res_t *r, int row, int col, size_t *len)
{
    size_t n = 0;
    unsigned char *raw = PQunescapeBytea((const unsigned char *)PQgetvalue(r->res, row, col), &n);
    if (!raw)
        abort(); /* only fails on out-of-memory */
    uint8_t *copy = xmalloc(n);
    memcpy(copy, raw, n);
    PQfreemem(raw);
    *len = n;
    return copy;
}

char *db_res_dup(const db_res_t *r, int row, int col)
{
    return xstrdup(PQgetvalue(r->res, row, col));
}

void db_res_free(db_res_t **r)
{
    if (!r || !*r)
        return;
    PQclear((*r)->res);
    free(*r);
    *r = NULL;
}

int db_begin(db_t *db)
{
    return db_exec(db, "BEGIN", NULL);
}

int db_commit(db_t *db)
{
    /* COMMIT of an aborted transaction reports success with ROLLBACK: treat it as failure */
    db->statements++;
    PGresult *res = PQexec(db->conn, "COMMIT");
    ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    int rc = 0;
    if (st != PGRES_COMMAND_OK) {
        s_set_error(db, res);
        rc = -1;
    } else if (strcmp(PQcmdStatus(res), "ROLLBACK") == 0) {
        snprintf(db->sqlstate, sizeof db->sqlstate, "25P02");
        free(db->error);
        db->error = xstrdup("transaction was aborted and rolled back");
        rc = -1;
    }
    PQclear(res);
    return rc;
}

int db_rollback(db_t *db)
{
    return db_exec(db, "ROLLBACK", NULL);
}

int db_savepoint(db_t *db)
{
    return db_exec(db, "SAVEPOINT req", NULL);
}

int db_rollback_savepoint(db_t *db)
{
    return db_exec(db, "ROLLBACK TO SAVEPOINT req", NULL);
}

int db_notifications(db_t *db, void (*fn)(const char *, const char *, void *), void *arg)
{
    if (!PQconsumeInput(db->conn)) {
        s_set_error(db, NULL);
        return -1;
    }
    int count = 0;
    PGnotify *n;
    while ((n = PQnotifies(db->conn)) != NULL) {
        fn(n->relname, n->extra, arg);
        PQfreemem(n);
        count++;
    }
    return count;
}
