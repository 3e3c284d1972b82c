/* db — see db.h. */
#include "db.h"

#include "backoff.h"
#include "log.h"

#include <libpq-fe.h>
#include <pthread.h>
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

struct dbnode {
    pthread_mutex_t lock;
    char system_id[32]; /* "" until the first connection */
    int timeline;       /* the newest seen */
    char host[128];     /* where the newest timeline is */
    int port;
    unsigned generation; /* bumped when the primary moves: older connections reconnect */
};

struct db {
    PGconn *conn;
    char *conninfo;
    dbnode_t *node;      /* not owned; NULL: no identity checks */
    char who[32];        /* for logs */
    unsigned generation; /* of node when this connection was made */
    db_ident_t ident;    /* the server it is on (s_identify) */
    int64_t down_since;  /* monotonic ms when the outage began; 0: up */
    backoff_t backoff;
    char sqlstate[6];
    char *error;
    char constraint[64]; /* constraint named by the last error; "" when none */
    stmt_t stmts[STMT_SLOTS];
    int n_stmts;
    int64_t retry_at;    /* monotonic ms of the next reconnect attempt; 0: not known broken */
    int64_t statements;  /* statements sent on this connection since it was made (db_statements) */
    int64_t round_trips; /* ... and round trips (db_round_trips) */
    bool deferring;      /* db_defer: statements without a result wait for the next round trip */
    bool defer_failed;   /* one of them failed (db_defer_failed) */
    db_pipe_t *deferred; /* those statements, in order */
};

/* Back-off between attempts to reach a lost database: fast while the outage is young (a
 * fail-over takes seconds), patient once it is old. */
#define DB_RETRY_FIRST_MS 20
#define DB_RETRY_YOUNG_MS 1000
#define DB_RETRY_OLD_MS   5000
#define DB_YOUNG_MS       30000
/* What a conninfo without its own connect_timeout gets (seconds). */
#define DB_CONNECT_TIMEOUT "3"

struct db_res {
    PGresult *res;
};

/* One statement of a pipeline (db_pipe_*) and, once run, its result. */
typedef struct {
    char *sql;
    db_params_t params;
    PGresult *res;
} pipe_stmt_t;

struct db_pipe {
    db_t *db;
    pipe_stmt_t *stmts;
    int n, cap;
    int offset; /* statements deferred before these, run in front of them (db_defer) */
};

static int s_run_deferred(db_t *db, const char *sql, db_params_t *params, db_res_t **out);
static int s_pipe_run(db_pipe_t *p, int counted);
static void s_drop_deferred(db_t *db);

/* The next statement must go through the deferred queue (db_defer): statements wait in it, or
 * one of them failed. */
static bool s_deferred_pending(const db_t *db)
{
    return db->deferring && (db->defer_failed || (db->deferred && db->deferred->n > 0));
}

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

void db_param_double(db_params_t *p, bool has, double v)
{
    s_param(p, has ? xasprintf("%.17g", v) : NULL, 0, 0);
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

dbnode_t *dbnode_new(void)
{
    dbnode_t *self = xcalloc(1, sizeof *self);
    pthread_mutex_init(&self->lock, NULL);
    return self;
}

void dbnode_destroy(dbnode_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    pthread_mutex_destroy(&(*self_p)->lock);
    free(*self_p);
    *self_p = NULL;
}

void dbnode_describe(dbnode_t *self, char *buf, size_t len)
{
    pthread_mutex_lock(&self->lock);
    snprintf(buf, len, "%s:%d, timeline %d, system %s", self->host, self->port, self->timeline,
             self->system_id);
    pthread_mutex_unlock(&self->lock);
}

static unsigned s_generation(dbnode_t *node)
{
    pthread_mutex_lock(&node->lock);
    unsigned g = node->generation;
    pthread_mutex_unlock(&node->lock);
    return g;
}

/* Checks the identity of db's new connection against the node (and records it there). The
 * timeline is the one of the WAL the server writes now (it changes at promotion, before any
 * checkpoint does). Returns 0, or -1 with the connection closed and the error set. */
static int s_identify(db_t *db)
{
    PGresult *res =
        PQexec(db->conn, "SELECT (SELECT system_identifier FROM pg_control_system())::text,"
                         " pg_is_in_recovery(), CASE WHEN pg_is_in_recovery() THEN 0 ELSE"
                         " ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))"
                         "::bit(32)::int END");
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        s_set_error(db, res);
        PQclear(res);
        return -1;
    }
    char sys[32];
    snprintf(sys, sizeof sys, "%s", PQgetvalue(res, 0, 0));
    bool standby = PQgetvalue(res, 0, 1)[0] == 't';
    int timeline = atoi(PQgetvalue(res, 0, 2));
    PQclear(res);
    const char *host = PQhost(db->conn) ? PQhost(db->conn) : "?";
    int port = PQport(db->conn) ? atoi(PQport(db->conn)) : 0;
    dbnode_t *n = db->node;
    char why[256] = "";
    pthread_mutex_lock(&n->lock);
    if (standby)
        snprintf(why, sizeof why, "%s:%d is a standby (in recovery), not the primary", host, port);
    else if (n->system_id[0] && strcmp(n->system_id, sys) != 0)
        snprintf(why, sizeof why, "%s:%d is another database system (%s, expected %s)", host, port,
                 sys, n->system_id);
    else if (timeline < n->timeline)
        snprintf(why, sizeof why,
                 "%s:%d is on timeline %d, older than timeline %d of %s:%d: a demoted primary",
                 host, port, timeline, n->timeline, n->host, n->port);
    bool moved = !why[0] && n->system_id[0] && timeline > n->timeline;
    if (!why[0]) {
        if (!n->system_id[0] || moved) {
            snprintf(n->system_id, sizeof n->system_id, "%s", sys);
            n->timeline = timeline;
            snprintf(n->host, sizeof n->host, "%s", host);
            n->port = port;
        }
        if (moved)
            n->generation++;
        db->generation = n->generation;
    }
    pthread_mutex_unlock(&n->lock);
    if (why[0]) {
        log_error("database connection (%s) refused: %s", db->who, why);
        free(db->error);
        db->error = xasprintf("connection refused: %s", why);
        snprintf(db->sqlstate, sizeof db->sqlstate, "08004");
        PQfinish(db->conn);
        db->conn = NULL;
        return -1;
    }
    snprintf(db->ident.host, sizeof db->ident.host, "%s", host);
    db->ident.port = port;
    snprintf(db->ident.system_id, sizeof db->ident.system_id, "%s", sys);
    db->ident.timeline = timeline;
    if (moved)
        log_warn("database primary moved to %s:%d (timeline %d): every connection follows", host,
                 port, timeline);
    log_info("database connection (%s) on %s:%d, system %s, timeline %d", db->who, host, port, sys,
             timeline);
    return 0;
}

/* Opens db->conn; with a node, checks the identity. 0 or -1 with the error set. */
static int s_open(db_t *db)
{
    db->conn = PQconnectdb(db->conninfo);
    if (PQstatus(db->conn) != CONNECTION_OK) {
        s_set_error(db, NULL);
        return -1;
    }
    PQsetNoticeReceiver(db->conn, s_notice_quiet, NULL);
    return db->node ? s_identify(db) : 0;
}

/* True when the conninfo (key=value or URI) names several hosts. */
static bool s_several_hosts(const char *conninfo)
{
    PQconninfoOption *opts = PQconninfoParse(conninfo, NULL);
    bool several = false;
    for (PQconninfoOption *o = opts; o && o->keyword; o++)
        if ((strcmp(o->keyword, "host") == 0 || strcmp(o->keyword, "hostaddr") == 0) && o->val &&
            strchr(o->val, ','))
            several = true;
    PQconninfoFree(opts);
    return several;
}

/* conninfo with one more parameter: key=value or URI form (a URI's query begins with '?',
 * further parameters with '&'). Takes conninfo. */
static char *s_add_param(char *conninfo, const char *param)
{
    bool uri =
        strncmp(conninfo, "postgres://", 11) == 0 || strncmp(conninfo, "postgresql://", 13) == 0;
    char *out = xasprintf("%s%c%s", conninfo,
                          !uri                    ? ' '
                          : strchr(conninfo, '?') ? '&'
                                                  : '?',
                          param);
    free(conninfo);
    return out;
}

/* The conninfo lkipd connects with: a connect timeout unless it names one (a dead host must not
 * hold a thread for long), and with several hosts target_session_attrs=read-write unless it
 * names it (libpq then passes over standbys by itself; lkipd could only refuse them). */
static char *s_with_defaults(const char *conninfo)
{
    char *ci = xstrdup(conninfo);
    if (!strstr(ci, "connect_timeout"))
        ci = s_add_param(ci, "connect_timeout=" DB_CONNECT_TIMEOUT);
    if (!strstr(ci, "target_session_attrs") && s_several_hosts(ci))
        ci = s_add_param(ci, "target_session_attrs=read-write");
    return ci;
}

db_t *db_connect(const char *conninfo, dbnode_t *node, const char *who, char *err, size_t errlen)
{
    db_t *db = xcalloc(1, sizeof *db);
    db->conninfo = s_with_defaults(conninfo);
    db->node = node;
    snprintf(db->who, sizeof db->who, "%s", who ? who : "main");
    backoff_init(&db->backoff, DB_RETRY_FIRST_MS, DB_RETRY_YOUNG_MS);
    if (s_open(db) != 0) {
        const char *msg = db->error ? db->error : "unknown error";
        snprintf(err, errlen, "could not connect to database: %.*s", (int)strcspn(msg, "\n"), msg);
        db_destroy(&db);
        return NULL;
    }
    return db;
}

void db_destroy(db_t **db_p)
{
    if (!db_p || !*db_p)
        return;
    db_t *db = *db_p;
    s_forget_statements(db);
    s_drop_deferred(db);
    PQfinish(db->conn);
    free(db->conninfo);
    free(db->error);
    free(db);
    *db_p = NULL;
}

bool db_alive(db_t *db)
{
    return db->conn && PQstatus(db->conn) == CONNECTION_OK;
}

void db_identity(const db_t *db, db_ident_t *out)
{
    if (db->conn && PQstatus(db->conn) == CONNECTION_OK)
        *out = db->ident;
    else
        *out = (db_ident_t){0};
}

int db_reset(db_t *db)
{
    s_forget_statements(db); /* prepared statements die with the connection */
    db->ident = (db_ident_t){0};
    PQfinish(db->conn);
    db->conn = NULL;
    return s_open(db);
}

bool db_mark_lost(db_t *db)
{
    if (db->retry_at)
        return false;
    db->down_since = monotonic_ms();
    backoff_init(&db->backoff, DB_RETRY_FIRST_MS, DB_RETRY_YOUNG_MS);
    db->retry_at = db->down_since;
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
    bool behind = db->node && !db->retry_at && s_generation(db->node) != db->generation;
    if (!db->retry_at && !behind && db_alive(db))
        return DB_UP;
    if (db_mark_lost(db)) {
        if (behind) {
            free(db->error);
            db->error = xstrdup("the primary moved: following it");
        }
        return DB_LOST;
    }
    int64_t now = monotonic_ms();
    if (now < db->retry_at)
        return DB_DOWN;
    if (db_reset(db) == 0) {
        db->retry_at = db->down_since = 0;
        return DB_BACK;
    }
    if (now - db->down_since > DB_YOUNG_MS) /* an old outage: try less often */
        db->backoff.max_ms = DB_RETRY_OLD_MS;
    db->retry_at = now + backoff_next(&db->backoff);
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

/* The prepared statement for sql: its id, -1 when it should run unprepared (the cache is full,
 * it is a transaction command, which runs as it is, or it is new and may not be prepared now),
 * or -2 when preparing it failed (the error is set). */
static int s_statement(db_t *db, const char *sql, int n_params, bool may_prepare)
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
    if (db->n_stmts >= STMT_SLOTS / 2 || !may_prepare)
        return -1;
    int id = db->n_stmts;
    char name[16];
    snprintf(name, sizeof name, "s%d", id);
    PGresult *res = PQprepare(db->conn, name, sql, n_params, NULL);
    if (!res || PQresultStatus(res) != PGRES_COMMAND_OK) {
        s_set_error(db, res); /* the statement's own error, not "transaction aborted" later */
        PQclear(res);
        return -2;
    }
    PQclear(res);
    db->stmts[i] = (stmt_t){h, xstrdup(sql), id};
    db->n_stmts++;
    return id;
}

db_res_t *db_query(db_t *db, const char *sql, db_params_t *params)
{
    if (s_deferred_pending(db)) {
        db_res_t *r = NULL;
        (void)s_run_deferred(db, sql, params, &r);
        return r;
    }
    int n = params ? params->n : 0;
    const char *const *values = n ? (const char *const *)params->values : NULL;
    int id = s_statement(db, sql, n, true);
    if (id == -2) {
        db_params_free(params);
        return NULL;
    }
    db->statements++;
    db->round_trips++;
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
    bool rollback = strcmp(sql, "ROLLBACK") == 0;
    if (rollback)
        s_drop_deferred(db); /* what waited is undone anyway */
    else if (db->deferring) {
        if (db->defer_failed) {
            db_params_free(params);
            return -1;
        }
        if (!db->deferred)
            db->deferred = db_pipe_new(db);
        db_pipe_add(db->deferred, sql, params);
        db->statements++;
        return 0;
    }
    db_res_t *r = db_query(db, sql, params);
    if (!r)
        return -1;
    db_res_free(&r);
    return 0;
}

int db_exec_script(db_t *db, const char *sql)
{
    db->statements++;
    db->round_trips++;
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

int64_t db_round_trips(const db_t *db)
{
    return db->round_trips;
}

/* ---- array parameters ------------------------------------------------------------------------ */

static void s_array_next(db_array_t *a)
{
    strbuf_puts(&a->sb, a->n++ ? "," : "{");
}

void db_array_str(db_array_t *a, const char *s)
{
    s_array_next(a);
    if (!s) {
        strbuf_puts(&a->sb, "NULL");
        return;
    }
    strbuf_puts(&a->sb, "\"");
    while (*s) { /* runs of plain characters at once; '"' and '\\' escaped */
        size_t n = strcspn(s, "\"\\");
        strbuf_append(&a->sb, s, n);
        s += n;
        if (*s) {
            char esc[2] = {'\\', *s++};
            strbuf_append(&a->sb, esc, 2);
        }
    }
    strbuf_puts(&a->sb, "\"");
}

void db_array_int(db_array_t *a, int64_t v)
{
    s_array_next(a);
    strbuf_printf(&a->sb, "%lld", (long long)v);
}

void db_array_id(db_array_t *a, int64_t v)
{
    if (v)
        db_array_int(a, v);
    else
        db_array_str(a, NULL);
}

void db_array_double(db_array_t *a, bool has, double v)
{
    if (!has) {
        db_array_str(a, NULL);
        return;
    }
    s_array_next(a);
    strbuf_printf(&a->sb, "%.17g", v); /* exact digits, as db_param_double */
}

void db_array_u64(db_array_t *a, uint64_t v)
{
    s_array_next(a);
    strbuf_printf(&a->sb, "%llu", (unsigned long long)v);
}

void db_array_hex(db_array_t *a, const void *data, size_t len)
{
    s_array_next(a);
    strbuf_puts(&a->sb, "\"\\\\x"); /* "\\x...": the element's text is \x... */
    static const char digits[] = "0123456789abcdef";
    const uint8_t *b = data;
    char chunk[512];
    for (size_t i = 0; i < len;) {
        size_t n = 0;
        for (; i < len && n < sizeof chunk; i++) {
            chunk[n++] = digits[b[i] >> 4];
            chunk[n++] = digits[b[i] & 15];
        }
        strbuf_append(&a->sb, chunk, n);
    }
    strbuf_puts(&a->sb, "\"");
}

void db_array_param(db_params_t *p, db_array_t *a)
{
    if (!a->n)
        strbuf_puts(&a->sb, "{");
    strbuf_puts(&a->sb, "}");
    db_param_str(p, strbuf_str(&a->sb));
    db_array_free(a);
}

void db_array_free(db_array_t *a)
{
    strbuf_free(&a->sb);
    a->n = 0;
}

/* ---- pipelines ------------------------------------------------------------------------------- */

db_pipe_t *db_pipe_new(db_t *db)
{
    db_pipe_t *p = xcalloc(1, sizeof *p);
    p->db = db;
    return p;
}

int db_pipe_add(db_pipe_t *p, const char *sql, db_params_t *params)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 8;
        p->stmts = xrealloc(p->stmts, (size_t)p->cap * sizeof *p->stmts);
    }
    pipe_stmt_t *st = &p->stmts[p->n];
    *st = (pipe_stmt_t){.sql = xstrdup(sql)};
    if (params) {
        st->params = *params; /* the values move */
        params->n = 0;
    }
    return p->n++;
}

/* Queues statement st (prepared as id, or unprepared when id is -1). 0 or -1. */
static int s_pipe_send(db_t *db, pipe_stmt_t *st, int id)
{
    int n = st->params.n;
    const char *const *values = n ? (const char *const *)st->params.values : NULL;
    const int *lengths = n ? st->params.lengths : NULL, *formats = n ? st->params.formats : NULL;
    if (id < 0)
        return PQsendQueryParams(db->conn, st->sql, n, NULL, values, lengths, formats, 0) ? 0 : -1;
    char name[16];
    snprintf(name, sizeof name, "s%d", id);
    return PQsendQueryPrepared(db->conn, name, n, values, lengths, formats, 0) ? 0 : -1;
}

/* Reads statement st's result (and the NULL that ends it); 0 when it succeeded. The first
 * failure sets the connection's error. */
static int s_pipe_read(db_t *db, pipe_stmt_t *st, bool failed)
{
    PGresult *res = PQgetResult(db->conn);
    ExecStatusType status = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    int rc = 0;
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
        if (!failed && status != PGRES_PIPELINE_ABORTED)
            s_set_error(db, res);
        rc = -1;
    } else if (strncmp(st->sql, "COMMIT", 6) == 0 && strcmp(PQcmdStatus(res), "ROLLBACK") == 0) {
        snprintf(db->sqlstate, sizeof db->sqlstate, "25P02");
        free(db->error);
        db->error = xstrdup("transaction was aborted and rolled back");
        rc = -1;
    }
    if (rc == 0)
        st->res = res;
    else
        PQclear(res);
    if (res) /* the NULL after each statement's result */
        while ((res = PQgetResult(db->conn)) != NULL)
            PQclear(res);
    return rc;
}

/* Moves the deferred statements of db in front of p's. */
static void s_splice_deferred(db_t *db, db_pipe_t *p)
{
    db_pipe_t *d = db->deferred;
    if (!d || d->n == 0 || d == p)
        return;
    pipe_stmt_t *all = xmalloc((size_t)(d->n + p->n) * sizeof *all);
    memcpy(all, d->stmts, (size_t)d->n * sizeof *all);
    memcpy(all + d->n, p->stmts, (size_t)p->n * sizeof *all);
    free(p->stmts);
    p->stmts = all;
    p->offset += d->n;
    p->n += d->n;
    p->cap = p->n;
    d->n = 0;
}

int db_pipe_run(db_pipe_t *p)
{
    db_t *db = p->db;
    if (db->deferring && db->defer_failed) {
        snprintf(db->sqlstate, sizeof db->sqlstate, "%s", DB_DEFER_FAILED);
        return -1;
    }
    s_splice_deferred(db, p);
    int rc = s_pipe_run(p, p->offset);
    for (int i = 0; rc != 0 && i < p->offset; i++)
        if (!p->stmts[i].res) {
            db->defer_failed = true; /* a statement sent ahead of p's failed */
            break;
        }
    return rc;
}

/* Runs every statement of p in one round trip; the first counted were counted when deferred. */
static int s_pipe_run(db_pipe_t *p, int counted)
{
    db_t *db = p->db;
    int *ids = xcalloc((size_t)p->n + 1, sizeof *ids);
    int rc = 0;
    /* preparing is not allowed inside the pipeline: new statements are prepared first, unless
     * the transaction failed and a deferred ROLLBACK TO SAVEPOINT in this very pipeline is
     * what will revive it (then they go unprepared, once) */
    bool may_prepare = PQtransactionStatus(db->conn) != PQTRANS_INERROR;
    for (int i = 0; i < p->n && rc == 0; i++)
        if ((ids[i] = s_statement(db, p->stmts[i].sql, p->stmts[i].params.n, may_prepare)) == -2)
            rc = -1;
    if (rc == 0 && !PQenterPipelineMode(db->conn)) {
        s_set_error(db, NULL);
        rc = -1;
    }
    if (rc != 0) {
        free(ids);
        return -1;
    }
    db->statements += p->n - counted;
    db->round_trips++;
    int sent = 0;
    for (; sent < p->n && s_pipe_send(db, &p->stmts[sent], ids[sent]) == 0; sent++)
        ;
    free(ids);
    if (sent < p->n || !PQpipelineSync(db->conn)) {
        s_set_error(db, NULL);
        rc = -1;
    }
    bool failed = rc != 0;
    for (int i = 0; i < sent; i++)
        if (s_pipe_read(db, &p->stmts[i], failed) != 0)
            failed = true;
    /* the end of the pipeline: its sync */
    PGresult *res;
    while ((res = PQgetResult(db->conn)) != NULL) {
        bool sync = PQresultStatus(res) == PGRES_PIPELINE_SYNC;
        PQclear(res);
        if (sync)
            break;
    }
    if (!PQexitPipelineMode(db->conn) && !failed) {
        s_set_error(db, NULL);
        failed = true;
    }
    if (!failed)
        db->sqlstate[0] = '\0';
    return failed ? -1 : 0;
}

db_res_t *db_pipe_take(db_pipe_t *p, int i)
{
    i += p->offset;
    if (i < p->offset || i >= p->n || !p->stmts[i].res)
        return NULL;
    db_res_t *r = xmalloc(sizeof *r);
    r->res = p->stmts[i].res;
    p->stmts[i].res = NULL;
    return r;
}

void db_pipe_destroy(db_pipe_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    db_pipe_t *p = *self_p;
    for (int i = 0; i < p->n; i++) {
        free(p->stmts[i].sql);
        db_params_free(&p->stmts[i].params);
        PQclear(p->stmts[i].res);
    }
    free(p->stmts);
    free(p);
    *self_p = NULL;
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

double db_res_double(const db_res_t *r, int row, int col)
{
    return strtod(PQgetvalue(r->res, row, col), NULL);
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
    if (s_deferred_pending(db))
        return s_run_deferred(db, "COMMIT", NULL, NULL);
    /* COMMIT of an aborted transaction reports success with ROLLBACK: treat it as failure */
    db->statements++;
    db->round_trips++;
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

/* ---- deferred statements ------------------------------------------------------------------- */

void db_defer(db_t *db, bool on)
{
    s_drop_deferred(db);
    db->deferring = on;
}

bool db_defer_failed(const db_t *db)
{
    return db->defer_failed;
}

/* Forgets the deferred statements (rolled back, or never to be sent) and their failure. */
static void s_drop_deferred(db_t *db)
{
    db_pipe_destroy(&db->deferred);
    db->defer_failed = false;
}

/* Runs the deferred statements and then sql in one round trip (db_pipe_run puts them in front);
 * *out (when out is not NULL) gets sql's result. */
static int s_run_deferred(db_t *db, const char *sql, db_params_t *params, db_res_t **out)
{
    db_pipe_t *p = db_pipe_new(db);
    db_pipe_add(p, sql, params);
    int rc = db_pipe_run(p);
    if (rc == 0 && out)
        *out = db_pipe_take(p, 0);
    db_pipe_destroy(&p);
    return rc;
}
