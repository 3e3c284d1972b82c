/* harness — see harness.h. Child processes are started with fork/exec and waited for by polling
 * waitpid with a deadline; the harness database is created and dropped through libpq. */
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libpq-fe.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* How long harness_destroy gives a daemon between SIGTERM and SIGKILL. */
#define STOP_GRACE_MS 10000
/* Most text parameters of one SQL probe. */
#define SQL_MAX_PARAMS 16

struct harness_daemon {
    harness_t *h;       /* the owner */
    pid_t pid;          /* 0 when not running */
    char **sets;        /* extra "key=value" settings, NULL-terminated, owned */
    char *ready_file;   /* of the current run */
    char *log_file;     /* of the current run */
    char endpoint[256]; /* read from the ready file */
    int last_exit;      /* exit status of the last run that ended; -1 none yet */
};

struct harness {
    char *name;                 /* as given, for messages */
    char *tmp;                  /* temp folder, mode 0755 */
    char *lkipd;                /* $LKIP_BUILD/lkipd */
    char *lkip;                 /* $LKIP_BUILD/lkip */
    char *srcdir;               /* $LKIP_SRCDIR */
    char *sop_setting;          /* "sop_dir=<srcdir>/sop" */
    char *pgdir;                /* cluster folder (shared or own) */
    char *standby_dir;          /* a standby of the own cluster (harness_pg_standby), or NULL */
    bool own_cluster;           /* started by this harness: stopped by harness_destroy */
    char *dbname;               /* the fresh database */
    bool db_created;            /* dropped by harness_destroy */
    char *conninfo;             /* of dbname */
    char *admin_conninfo;       /* of the "postgres" database, for CREATE/DROP DATABASE */
    char *key_file;             /* server key pair file */
    keypair_t server;           /* server keys */
    int seq;                    /* numbers log and ready files */
    harness_daemon_t **daemons; /* every daemon started, running or stopped */
    int n_daemons;              /* entries in daemons */
    lkipc_t **clients;          /* open client connections */
    int n_clients;              /* entries in clients */
    pid_t *procs;               /* lkip processes not reaped yet */
    int n_procs;                /* entries in procs */
    char **logs;                /* every lkipd log file, in order */
    int n_logs;                 /* entries in logs */
    PGconn *pg;                 /* probe connection to dbname, opened on first use */
};

/* Harnesses alive in this process, for harness_dump_all_logs. */
static harness_t **s_live;
static int s_n_live;

/* ---- small helpers ------------------------------------------------------------------------ */

static const char *s_env(const char *name, const char *def)
{
    const char *v = getenv(name);
    return v && *v ? v : def;
}

static void s_sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* Appends item to a growable array of pointers arr with n elements. */
#define PUSH(arr, n, item)                                                                         \
    do {                                                                                           \
        (arr) = xrealloc((arr), (size_t)((n) + 1) * sizeof *(arr));                                \
        (arr)[(n)++] = (item);                                                                     \
    } while (0)

/* Reads a small text file with trailing white space removed; NULL when unreadable. */
static char *s_read_trimmed(const char *path)
{
    char *data;
    size_t len;
    if (read_file(path, 1 << 20, &data, &len) != 0)
        return NULL;
    while (len && (data[len - 1] == '\n' || data[len - 1] == '\r' || data[len - 1] == ' '))
        data[--len] = '\0';
    return data;
}

static void s_copy_to_stderr(const char *path)
{
    FILE *f = fopen(path, "r");
    fprintf(stderr, "----- %s -----\n", path);
    if (!f) {
        fprintf(stderr, "(could not open: %s)\n", strerror(errno));
        return;
    }
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        fwrite(buf, 1, n, stderr);
    fclose(f);
    fprintf(stderr, "----- end of %s -----\n", path);
}

static int s_remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    if (remove(path) != 0)
        fprintf(stderr, "harness: could not remove \"%s\": %s\n", path, strerror(errno));
    return 0;
}

/* ---- child processes ---------------------------------------------------------------------- */

/* Starts argv[0] with stdin from /dev/null and stdout + stderr appended to log_path. The child
 * gets SIGKILL if this process dies, so a crashed test leaves no daemon behind. Returns the pid
 * or -1. */
/* Starts argv with stdout appended to log_path and stderr to err_path (NULL: log_path too). */
static pid_t s_spawn_split(char *const argv[], const char *log_path, const char *err_path)
{
    int fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) {
        fprintf(stderr, "harness: could not open \"%s\": %s\n", log_path, strerror(errno));
        return -1;
    }
    int err_fd = err_path ? open(err_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644) : fd;
    if (err_fd < 0) {
        fprintf(stderr, "harness: could not open \"%s\": %s\n", err_path, strerror(errno));
        close(fd);
        return -1;
    }
    pid_t parent = getpid();
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "harness: could not fork: %s\n", strerror(errno));
        close(fd);
        if (err_fd != fd)
            close(err_fd);
        return -1;
    }
    if (pid == 0) {
        /* only async-signal-safe calls between fork and exec */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(127);
        int null = open("/dev/null", O_RDONLY);
        if (null < 0 || dup2(null, STDIN_FILENO) < 0 || dup2(fd, STDOUT_FILENO) < 0 ||
            dup2(err_fd, STDERR_FILENO) < 0)
            _exit(127);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        execv(argv[0], argv);
        static const char msg[] = "harness: exec failed\n";
        if (write(STDERR_FILENO, msg, sizeof msg - 1) < 0)
            _exit(127);
        _exit(127);
    }
    close(fd);
    if (err_fd != fd)
        close(err_fd);
    return pid;
}

static pid_t s_spawn(char *const argv[], const char *log_path)
{
    return s_spawn_split(argv, log_path, NULL);
}

static int s_exit_code(int status)
{
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return -1;
}

/* Waits up to timeout_ms for pid to exit. Returns its exit code (s_exit_code), -2 on timeout or
 * -1 on error. Polls with short, growing intervals. */
static int s_wait(pid_t pid, int timeout_ms)
{
    int64_t deadline = monotonic_ms() + timeout_ms;
    int pause = 1;
    for (;;) {
        int status;
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            return s_exit_code(status);
        if (r < 0 && errno != EINTR)
            return -1;
        if (monotonic_ms() >= deadline)
            return -2;
        s_sleep_ms(pause);
        pause = pause < 20 ? pause * 2 : 20;
    }
}

/* Sends sig and waits; SIGKILL when the process outlives grace_ms. Returns the exit code. */
static int s_kill_wait(pid_t pid, int sig, int grace_ms)
{
    if (kill(pid, sig) != 0 && errno != ESRCH)
        return -1;
    int rc = s_wait(pid, grace_ms);
    if (rc == -2) {
        fprintf(stderr, "harness: pid %d ignored signal %d for %d ms: killing it\n", (int)pid, sig,
                grace_ms);
        kill(pid, SIGKILL);
        rc = s_wait(pid, HARNESS_WAIT_MS);
    }
    return rc;
}

/* Runs argv to completion (output to log_path). Returns the exit code, or -1 when it could not
 * be started or did not end within timeout_ms (it is killed then). */
static int s_run(char *const argv[], const char *log_path, int timeout_ms)
{
    pid_t pid = s_spawn(argv, log_path);
    if (pid < 0)
        return -1;
    int rc = s_wait(pid, timeout_ms);
    if (rc == -2) {
        fprintf(stderr, "harness: \"%s\" did not exit within %d ms: killing it\n", argv[0],
                timeout_ms);
        kill(pid, SIGKILL);
        s_wait(pid, HARNESS_WAIT_MS);
        return -1;
    }
    return rc;
}

/* A new numbered log file path in the temp folder, remembered for harness_dump_logs. */
static const char *s_new_log(harness_t *h, int *seq_out)
{
    int seq = ++h->seq;
    char *path = xasprintf("%s/lkipd-%d.log", h->tmp, seq);
    PUSH(h->logs, h->n_logs, path);
    if (seq_out)
        *seq_out = seq;
    return path;
}

/* ---- the database ------------------------------------------------------------------------- */

static void s_notice_quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

static PGconn *s_pg_connect(const char *conninfo)
{
    PGconn *c = PQconnectdb(conninfo);
    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "harness: could not connect to \"%s\": %s", conninfo, PQerrorMessage(c));
        PQfinish(c);
        return NULL;
    }
    PQsetNoticeProcessor(c, s_notice_quiet, NULL);
    return c;
}

/* Runs one statement on the "postgres" database (CREATE/DROP DATABASE). */
static int s_admin_exec(harness_t *h, const char *sql)
{
    PGconn *c = s_pg_connect(h->admin_conninfo);
    if (!c)
        return -1;
    PGresult *r = PQexec(c, sql);
    int rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : -1;
    if (rc != 0)
        fprintf(stderr, "harness: %s: %s", sql, PQerrorMessage(c));
    PQclear(r);
    PQfinish(c);
    return rc;
}

static int s_database_sql(harness_t *h, const char *verb, const char *suffix)
{
    PGconn *c = s_pg_connect(h->admin_conninfo);
    if (!c)
        return -1;
    char *ident = PQescapeIdentifier(c, h->dbname, strlen(h->dbname));
    PQfinish(c);
    if (!ident)
        return -1;
    char *sql = xasprintf("%s %s%s", verb, ident, suffix);
    PQfreemem(ident);
    int rc = s_admin_exec(h, sql);
    free(sql);
    return rc;
}

/* The probe connection, (re)opened when needed. */
static PGconn *s_pg(harness_t *h)
{
    if (h->pg && PQstatus(h->pg) == CONNECTION_OK)
        return h->pg;
    if (h->pg)
        PQfinish(h->pg);
    h->pg = s_pg_connect(h->conninfo);
    return h->pg;
}

/* Runs sql with the NULL-terminated text parameters of ap. Caller clears the result; NULL on
 * error (reported on stderr). */
static PGresult *s_query(harness_t *h, const char *sql, va_list ap)
{
    const char *params[SQL_MAX_PARAMS];
    int n = 0;
    const char *p;
    while ((p = va_arg(ap, const char *)) != NULL) {
        if (n == SQL_MAX_PARAMS) {
            fprintf(stderr, "harness: too many SQL parameters\n");
            return NULL;
        }
        params[n++] = p;
    }
    PGconn *c = s_pg(h);
    if (!c)
        return NULL;
    PGresult *r = PQexecParams(c, sql, n, NULL, params, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
        fprintf(stderr, "harness: query failed: %s\n  %s", sql, PQerrorMessage(c));
        PQclear(r);
        return NULL;
    }
    return r;
}

static char *s_vsql(harness_t *h, const char *sql, va_list ap)
{
    PGresult *r = s_query(h, sql, ap);
    char *value = NULL;
    if (r && PQntuples(r) > 0 && PQnfields(r) > 0 && !PQgetisnull(r, 0, 0))
        value = xstrdup(PQgetvalue(r, 0, 0));
    PQclear(r);
    return value;
}

char *harness_sql(harness_t *h, const char *sql, ...)
{
    va_list ap;
    va_start(ap, sql);
    char *v = s_vsql(h, sql, ap);
    va_end(ap);
    return v;
}

long long harness_sql_int(harness_t *h, const char *sql, ...)
{
    va_list ap;
    va_start(ap, sql);
    char *v = s_vsql(h, sql, ap);
    va_end(ap);
    if (!v)
        return -1;
    char *end;
    long long n = strtoll(v, &end, 10);
    if (end == v || *end) {
        fprintf(stderr, "harness: \"%s\" is not an integer (%s)\n", v, sql);
        n = -1;
    }
    free(v);
    return n;
}

int harness_sql_exec(harness_t *h, const char *sql, ...)
{
    va_list ap;
    va_start(ap, sql);
    PGresult *r = s_query(h, sql, ap);
    va_end(ap);
    if (!r)
        return -1;
    PQclear(r);
    return 0;
}

int harness_refuse_inserts(harness_t *h, const char *table)
{
    char sql[256];
    snprintf(sql, sizeof sql,
             "CREATE TRIGGER test_refuse BEFORE INSERT ON %s FOR EACH ROW"
             " EXECUTE FUNCTION test_refuse()",
             table);
    return harness_sql_exec(h,
                            "CREATE OR REPLACE FUNCTION test_refuse() RETURNS trigger"
                            " LANGUAGE plpgsql AS 'BEGIN RAISE EXCEPTION"
                            " ''test: no new rows in %'', TG_TABLE_NAME; END'",
                            NULL) == 0 &&
                   harness_sql_exec(h, sql, NULL) == 0
               ? 0
               : -1;
}

int harness_allow_inserts(harness_t *h, const char *table)
{
    char sql[128];
    snprintf(sql, sizeof sql, "DROP TRIGGER test_refuse ON %s", table);
    return harness_sql_exec(h, sql, NULL);
}

/* ---- harness life cycle ------------------------------------------------------------------- */

/* Starts a cluster of our own under the temp folder (LKIP_TEST_PGDIR unset). */
static int s_start_own_cluster(harness_t *h)
{
    h->pgdir = xasprintf("%s/pg", h->tmp);
    char *script = xasprintf("%s/scripts/pg.sh", h->srcdir);
    char *const argv[] = {"/usr/bin/env", "PG_FAST=1", script, "start", h->pgdir, NULL};
    char *log = xasprintf("%s/pg-start.log", h->tmp);
    int rc = s_run(argv, log, 120000);
    if (rc != 0) {
        fprintf(stderr, "harness: scripts/pg.sh start failed (exit %d)\n", rc);
        s_copy_to_stderr(log);
    } else {
        h->own_cluster = true;
    }
    free(log);
    free(script);
    return rc == 0 ? 0 : -1;
}

static void s_stop_own_cluster(harness_t *h)
{
    char *script = xasprintf("%s/scripts/pg.sh", h->srcdir);
    char *const argv[] = {script, "stop", h->pgdir, NULL};
    char *log = xasprintf("%s/pg-stop.log", h->tmp);
    if (s_run(argv, log, 120000) != 0) {
        fprintf(stderr, "harness: scripts/pg.sh stop failed\n");
        s_copy_to_stderr(log);
    }
    free(log);
    free(script);
    h->own_cluster = false;
}

/* The harness name made safe for folder and database names: lower-case letters, digits, '_'; at
 * most 32 characters. Caller frees. */
static char *s_tag(const char *name)
{
    strbuf_t sb = {0};
    for (const char *p = name; *p && sb.len < 32; p++) {
        char c = *p;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
            c = '_';
        strbuf_append(&sb, &c, 1);
    }
    return strbuf_take(&sb);
}

/* The conninfos of the harness database and of "postgres": on the cluster folder's socket, or,
 * with hosts, on whichever of them is the primary (multi-host URI). 0 or -1. */
static int s_conninfos(harness_t *h, const char *hosts)
{
    if (hosts) {
        const char *uri = "postgresql://lkip@%s/%s?target_session_attrs=read-write"
                          "&connect_timeout=3";
        h->conninfo = xasprintf(uri, hosts, h->dbname);
        h->admin_conninfo = xasprintf(uri, hosts, "postgres");
        return 0;
    }
    char *port_file = xasprintf("%s/port", h->pgdir);
    char *port = s_read_trimmed(port_file);
    free(port_file);
    if (!port) {
        fprintf(stderr, "harness: no port file in cluster folder \"%s\"\n", h->pgdir);
        return -1;
    }
    h->conninfo = xasprintf("host=%s port=%s user=lkip dbname=%s connect_timeout=10", h->pgdir,
                            port, h->dbname);
    h->admin_conninfo =
        xasprintf("host=%s port=%s user=lkip dbname=postgres connect_timeout=10", h->pgdir, port);
    free(port);
    return 0;
}

/* Makes the harness; own_cluster: start a cluster of our own even when LKIP_TEST_PGDIR names a
 * shared one; hosts: on a replicated formation instead (see harness_new_on). */
static harness_t *s_new(const char *name, bool own_cluster, const char *hosts)
{
    harness_t *h = xcalloc(1, sizeof *h);
    h->name = xstrdup(name);
    h->lkipd = xasprintf("%s/lkipd", s_env("LKIP_BUILD", "build"));
    h->lkip = xasprintf("%s/lkip", s_env("LKIP_BUILD", "build"));
    h->srcdir = xstrdup(s_env("LKIP_SRCDIR", "."));
    h->sop_setting = xasprintf("sop_dir=%s/sop", h->srcdir);
    PUSH(s_live, s_n_live, h);

    static int counter;
    char *tag = s_tag(name);
    h->dbname = xasprintf("lkip_t_%s_%d_%d", tag, (int)getpid(), ++counter);
    char *templ = xasprintf("%s/lkip-%s-XXXXXX", s_env("TMPDIR", "/tmp"), tag);
    free(tag);
    if (!mkdtemp(templ)) {
        fprintf(stderr, "harness: could not make a temp folder \"%s\": %s\n", templ,
                strerror(errno));
        free(templ);
        goto fail;
    }
    h->tmp = templ;
    /* the unprivileged PostgreSQL user must be able to enter it (own cluster under it) */
    if (chmod(h->tmp, 0755) != 0) {
        fprintf(stderr, "harness: could not chmod \"%s\": %s\n", h->tmp, strerror(errno));
        goto fail;
    }
    if (access(h->lkipd, X_OK) != 0) {
        fprintf(stderr, "harness: no lkipd at \"%s\" (set LKIP_BUILD): %s\n", h->lkipd,
                strerror(errno));
        goto fail;
    }

    const char *shared = getenv("LKIP_TEST_PGDIR");
    if (hosts)
        ; /* the formation's clusters are not the harness's */
    else if (!own_cluster && shared && *shared)
        h->pgdir = xstrdup(shared);
    else if (s_start_own_cluster(h) != 0)
        goto fail;
    if (s_conninfos(h, hosts) != 0)
        goto fail;
    if (s_database_sql(h, "CREATE DATABASE", "") != 0)
        goto fail;
    h->db_created = true;

    h->key_file = xasprintf("%s/server.key", h->tmp);
    int rc = keys_generate(h->key_file, &h->server);
    if (rc != 0) {
        fprintf(stderr, "harness: could not generate the server key: %s\n", strerror(-rc));
        goto fail;
    }
    return h;
fail:
    harness_destroy(&h);
    return NULL;
}

harness_t *harness_new(const char *name)
{
    return s_new(name, false, NULL);
}

harness_t *harness_new_own_cluster(const char *name)
{
    return s_new(name, true, NULL);
}

harness_t *harness_new_on(const char *name, const char *hosts)
{
    return s_new(name, false, hosts);
}

const char *harness_sql_dbname(const harness_t *h)
{
    return h->dbname;
}

void harness_sql_reset(harness_t *h)
{
    if (h->pg)
        PQfinish(h->pg);
    h->pg = NULL;
}

int harness_pg(harness_t *h, const char *action)
{
    static const char *const allowed[] = {"restart", "kill", "start", "stop"};
    bool known = false;
    for (size_t i = 0; i < ARRAY_LEN(allowed); i++)
        known = known || strcmp(action, allowed[i]) == 0;
    if (!known || !h->own_cluster) {
        fprintf(stderr, "harness: pg.sh %s refused: %s\n", action,
                known ? "the cluster is shared (use harness_new_own_cluster)" : "unknown action");
        return -1;
    }
    if (h->pg) {
        PQfinish(h->pg);
        h->pg = NULL;
    }
    char *script = xasprintf("%s/scripts/pg.sh", h->srcdir);
    char *const argv[] = {"/usr/bin/env", "PG_FAST=1", script, (char *)action, h->pgdir, NULL};
    char *log = xasprintf("%s/pg-%s.log", h->tmp, action);
    int rc = s_run(argv, log, 120000);
    if (rc != 0) {
        fprintf(stderr, "harness: scripts/pg.sh %s failed (exit %d)\n", action, rc);
        s_copy_to_stderr(log);
    }
    free(log);
    free(script);
    return rc == 0 ? 0 : -1;
}

/* Runs scripts/pg.sh action dir [src] (PG_FAST=1), its output to <tmp>/pg-<tag>-<action>.log.
 * 0 or -1 (the output on stderr). */
static int s_pg_script(harness_t *h, const char *tag, const char *action, const char *dir,
                       const char *src)
{
    char *script = xasprintf("%s/scripts/pg.sh", h->srcdir);
    char *const argv[] = {"/usr/bin/env", "PG_FAST=1", script, (char *)action,
                          (char *)dir,    (char *)src, NULL};
    char *log = xasprintf("%s/pg-%s-%s.log", h->tmp, tag, action);
    int rc = s_run(argv, log, 120000);
    if (rc != 0) {
        fprintf(stderr, "harness: scripts/pg.sh %s %s failed (exit %d)\n", action, dir, rc);
        s_copy_to_stderr(log);
    }
    free(log);
    free(script);
    return rc == 0 ? 0 : -1;
}

int harness_pg_standby(harness_t *h, const char *action)
{
    static const char *const allowed[] = {"create", "promote", "stop", "start"};
    bool known = false;
    for (size_t i = 0; i < ARRAY_LEN(allowed); i++)
        known = known || strcmp(action, allowed[i]) == 0;
    bool created = h->standby_dir != NULL;
    if (!known || !h->own_cluster || created != (strcmp(action, "create") != 0)) {
        fprintf(stderr, "harness: standby %s refused: %s\n", action,
                !known            ? "unknown action"
                : !h->own_cluster ? "the cluster is shared (use harness_new_own_cluster)"
                : created         ? "there is a standby already"
                                  : "no standby yet (create it first)");
        return -1;
    }
    if (!created) {
        h->standby_dir = xasprintf("%s/pg-standby", h->tmp);
        return s_pg_script(h, "standby", "standby", h->standby_dir, h->pgdir);
    }
    return s_pg_script(h, "standby", action, h->standby_dir, NULL);
}

char *harness_standby_first_conninfo(harness_t *h)
{
    if (!h->standby_dir || !h->pgdir)
        return NULL;
    char *pa = xasprintf("%s/port", h->pgdir), *pb = xasprintf("%s/port", h->standby_dir);
    char *port_a = s_read_trimmed(pa), *port_b = s_read_trimmed(pb);
    char *ci = port_a && port_b ? xasprintf("host=%s,%s port=%s,%s user=lkip dbname=%s"
                                            " connect_timeout=3",
                                            h->standby_dir, h->pgdir, port_b, port_a, h->dbname)
                                : NULL;
    free(pa);
    free(pb);
    free(port_a);
    free(port_b);
    return ci;
}

static void s_daemon_free(harness_daemon_t *d)
{
    for (char **s = d->sets; s && *s; s++)
        free(*s);
    free(d->sets);
    free(d->ready_file);
    free(d->log_file);
    free(d);
}

void harness_destroy(harness_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    harness_t *h = *self_p;
    bool keep = strcmp(s_env("LKIP_KEEP_TMP", "0"), "1") == 0;
    if (strcmp(s_env("LKIP_DUMP_LOGS", "0"), "1") == 0)
        harness_dump_logs(h);
    for (int i = 0; i < h->n_clients; i++)
        lkipc_destroy(&h->clients[i]);
    free(h->clients);
    for (int i = 0; i < h->n_procs; i++)
        s_kill_wait(h->procs[i], SIGTERM, STOP_GRACE_MS);
    free(h->procs);
    for (int i = 0; i < h->n_daemons; i++) {
        harness_daemon_t *d = h->daemons[i];
        if (d->pid > 0) {
            s_kill_wait(d->pid, SIGTERM, STOP_GRACE_MS);
            d->pid = 0;
        }
        s_daemon_free(d);
    }
    free(h->daemons);
    if (h->pg)
        PQfinish(h->pg);
    if (h->db_created && !keep)
        (void)s_database_sql(h, "DROP DATABASE IF EXISTS", " WITH (FORCE)");
    if (h->standby_dir)
        (void)s_pg_script(h, "standby", "stop", h->standby_dir, NULL);
    if (h->own_cluster)
        s_stop_own_cluster(h);
    if (h->tmp) {
        if (keep)
            fprintf(stderr, "harness: kept %s (database %s)\n", h->tmp,
                    h->dbname ? h->dbname : "-");
        else
            nftw(h->tmp, s_remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    }
    for (int i = 0; i < h->n_logs; i++)
        free(h->logs[i]);
    free(h->logs);
    for (int i = 0; i < s_n_live; i++)
        if (s_live[i] == h) {
            s_live[i] = s_live[--s_n_live];
            break;
        }
    if (s_n_live == 0) {
        free(s_live);
        s_live = NULL;
    }
    memset(&h->server, 0, sizeof h->server);
    free(h->name);
    free(h->tmp);
    free(h->lkipd);
    free(h->lkip);
    free(h->srcdir);
    free(h->sop_setting);
    free(h->pgdir);
    free(h->standby_dir);
    free(h->dbname);
    free(h->conninfo);
    free(h->admin_conninfo);
    free(h->key_file);
    free(h);
    *self_p = NULL;
}

const char *harness_tmpdir(const harness_t *h)
{
    return h->tmp;
}

const char *harness_conninfo(const harness_t *h)
{
    return h->conninfo;
}

const char *harness_server_key_file(const harness_t *h)
{
    return h->key_file;
}

const char *harness_server_public_key(const harness_t *h)
{
    return h->server.public_key;
}

const char *harness_lkipd_path(const harness_t *h)
{
    return h->lkipd;
}

/* ---- daemons ------------------------------------------------------------------------------ */

/* Starts one run of d and waits until it is ready. Returns 0 or -1 (log dumped). */
static int s_daemon_launch(harness_daemon_t *d)
{
    harness_t *h = d->h;
    int seq;
    free(d->log_file);
    d->log_file = xstrdup(s_new_log(h, &seq));
    free(d->ready_file);
    d->ready_file = xasprintf("%s/ready-%d", h->tmp, seq);
    d->endpoint[0] = '\0';

    char *own[] = {
        xasprintf("database=%s", h->conninfo),
        xasprintf("secret_key_file=%s", h->key_file),
        xstrdup("endpoint=tcp://127.0.0.1:*"),
        xasprintf("ready_file=%s", d->ready_file),
        xstrdup("log_level=debug"),
        /* tests that count events exactly do not get the daily note about next year's
         * holidays; the test of that note turns it on */
        xstrdup("holiday_reminder_from=off"),
    };
    int n_extra = 0;
    while (d->sets && d->sets[n_extra])
        n_extra++;
    size_t n_own = ARRAY_LEN(own);
    char **argv = xcalloc(2 + 2 * (n_own + (size_t)n_extra) + 1, sizeof *argv);
    int a = 0;
    argv[a++] = h->lkipd;
    argv[a++] = "--foreground";
    for (size_t i = 0; i < n_own; i++) {
        argv[a++] = "-s";
        argv[a++] = own[i];
    }
    for (int i = 0; i < n_extra; i++) {
        argv[a++] = "-s";
        argv[a++] = d->sets[i];
    }
    argv[a] = NULL;
    d->pid = s_spawn(argv, d->log_file);
    free(argv);
    for (size_t i = 0; i < n_own; i++)
        free(own[i]);
    if (d->pid < 0) {
        d->pid = 0;
        return -1;
    }

    int64_t deadline = monotonic_ms() + HARNESS_WAIT_MS;
    int pause = 1;
    for (;;) {
        char *endpoint = s_read_trimmed(d->ready_file);
        if (endpoint && *endpoint) {
            snprintf(d->endpoint, sizeof d->endpoint, "%s", endpoint);
            free(endpoint);
            return 0;
        }
        free(endpoint);
        int status;
        pid_t r = waitpid(d->pid, &status, WNOHANG);
        if (r == d->pid) {
            d->last_exit = s_exit_code(status);
            fprintf(stderr, "harness: lkipd exited (status %d) before it was ready\n",
                    d->last_exit);
            d->pid = 0;
            s_copy_to_stderr(d->log_file);
            return -1;
        }
        if (monotonic_ms() >= deadline) {
            fprintf(stderr, "harness: lkipd was not ready within %d ms\n", HARNESS_WAIT_MS);
            d->last_exit = s_kill_wait(d->pid, SIGKILL, HARNESS_WAIT_MS);
            d->pid = 0;
            s_copy_to_stderr(d->log_file);
            return -1;
        }
        s_sleep_ms(pause);
        pause = pause < 10 ? pause * 2 : 10;
    }
}

harness_daemon_t *harness_daemon_start(harness_t *h, const char *const *extra_sets)
{
    harness_daemon_t *d = xcalloc(1, sizeof *d);
    d->h = h;
    d->last_exit = -1;
    int n = 0;
    while (extra_sets && extra_sets[n])
        n++;
    d->sets = xcalloc((size_t)n + 1, sizeof *d->sets);
    for (int i = 0; i < n; i++)
        d->sets[i] = xstrdup(extra_sets[i]);
    if (s_daemon_launch(d) != 0) {
        s_daemon_free(d);
        return NULL;
    }
    PUSH(h->daemons, h->n_daemons, d);
    return d;
}

int harness_daemon_stop(harness_daemon_t *d, int sig)
{
    if (d->pid <= 0)
        return -1;
    int rc = s_kill_wait(d->pid, sig, HARNESS_WAIT_MS);
    d->pid = 0;
    d->last_exit = rc;
    return rc;
}

int harness_daemon_restart(harness_daemon_t *d)
{
    if (d->pid > 0)
        (void)harness_daemon_stop(d, SIGTERM);
    return s_daemon_launch(d);
}

void harness_daemon_pin_endpoint(harness_daemon_t *d)
{
    int n = 0;
    while (d->sets[n])
        n++;
    d->sets = xrealloc(d->sets, (size_t)(n + 2) * sizeof *d->sets);
    /* the settings given last win: this one follows the harness's own "tcp://127.0.0.1:*" */
    d->sets[n] = xasprintf("endpoint=%s", d->endpoint);
    d->sets[n + 1] = NULL;
}

bool harness_daemon_running(harness_daemon_t *d)
{
    if (d->pid <= 0)
        return false;
    int status;
    if (waitpid(d->pid, &status, WNOHANG) == d->pid) {
        d->pid = 0;
        d->last_exit = s_exit_code(status);
        return false;
    }
    return true;
}

const char *harness_daemon_endpoint(const harness_daemon_t *d)
{
    return d->endpoint;
}

pid_t harness_daemon_pid(const harness_daemon_t *d)
{
    return d->pid;
}

const char *harness_daemon_ready_file(const harness_daemon_t *d)
{
    return d->ready_file;
}

const char *harness_daemon_log_file(const harness_daemon_t *d)
{
    return d->log_file;
}

int harness_daemon_log_count(const harness_daemon_t *d, const char *text)
{
    char *data = NULL;
    size_t len = 0;
    if (read_file(d->log_file, 256u << 20, &data, &len) != 0)
        return -1;
    int n = 0;
    for (const char *p = data; (p = strstr(p, text)) != NULL; p += strlen(text))
        n++;
    free(data);
    return n;
}

void harness_dump_logs(harness_t *h)
{
    fprintf(stderr, "harness \"%s\": logs in %s\n", h->name, h->tmp ? h->tmp : "-");
    for (int i = 0; i < h->n_daemons; i++) {
        harness_daemon_t *d = h->daemons[i];
        pid_t pid = d->pid;
        if (harness_daemon_running(d))
            fprintf(stderr, "daemon %d (%s): running, pid %d\n", i + 1, d->log_file, (int)pid);
        else
            fprintf(stderr, "daemon %d (%s): not running; last exit status %d%s\n", i + 1,
                    d->log_file, d->last_exit, pid > 0 ? " (it died unexpectedly)" : "");
    }
    for (int i = 0; i < h->n_logs; i++)
        s_copy_to_stderr(h->logs[i]);
}

bool harness_logs_clean(const harness_t *h)
{
    static const char *const marks[] = {"Sanitizer", "runtime error:"};
    bool clean = true;
    for (int i = 0; i < h->n_logs; i++) {
        char *text;
        size_t len;
        if (read_file(h->logs[i], 256u << 20, &text, &len) != 0)
            continue;
        for (size_t k = 0; k < ARRAY_LEN(marks); k++)
            if (strstr(text, marks[k])) {
                fprintf(stderr, "harness: sanitizer report in %s\n", h->logs[i]);
                s_copy_to_stderr(h->logs[i]);
                clean = false;
                break;
            }
        free(text);
    }
    return clean;
}

void harness_dump_all_logs(void)
{
    for (int i = 0; i < s_n_live; i++)
        harness_dump_logs(s_live[i]);
}

/* ---- lkip client processes ---------------------------------------------------------------- */

pid_t harness_lkip_start(harness_t *h, const char *const *args, const char *out_path)
{
    return harness_lkip_start_split(h, args, out_path, NULL);
}

pid_t harness_lkip_start_split(harness_t *h, const char *const *args, const char *out_path,
                               const char *err_path)
{
    int n = 0;
    while (args && args[n])
        n++;
    char **argv = xcalloc((size_t)n + 2, sizeof *argv);
    argv[0] = h->lkip;
    for (int i = 0; i < n; i++)
        argv[i + 1] = (char *)args[i];
    pid_t pid = s_spawn_split(argv, out_path, err_path);
    free(argv);
    if (pid > 0)
        PUSH(h->procs, h->n_procs, pid);
    return pid;
}

int harness_lkip_stop(harness_t *h, pid_t pid, int sig, int timeout_ms)
{
    int k = 0;
    while (k < h->n_procs && h->procs[k] != pid)
        k++;
    if (pid <= 0 || k == h->n_procs)
        return -1;
    if (sig && kill(pid, sig) != 0 && errno != ESRCH)
        return -1;
    int rc = s_wait(pid, timeout_ms);
    if (rc != -2)
        h->procs[k] = h->procs[--h->n_procs];
    return rc;
}

/* ---- one-shot runs, users and clients ----------------------------------------------------- */

int harness_lkipd_run(harness_t *h, bool with_database, const char *const *args, char **output)
{
    int n = 0;
    while (args && args[n])
        n++;
    char **argv = xcalloc((size_t)n + 4, sizeof *argv);
    char *db_set = xasprintf("database=%s", h->conninfo);
    int a = 0;
    argv[a++] = h->lkipd;
    if (with_database) {
        argv[a++] = "-s";
        argv[a++] = db_set;
    }
    for (int i = 0; i < n; i++)
        argv[a++] = (char *)args[i];
    argv[a] = NULL;
    const char *log = s_new_log(h, NULL);
    int rc = s_run(argv, log, HARNESS_WAIT_MS);
    free(argv);
    free(db_set);
    if (output) {
        size_t len;
        if (read_file(log, 64u << 20, output, &len) != 0)
            *output = xstrdup("");
    }
    return rc;
}

int harness_keypair(harness_t *h, const char *name, keypair_t *out)
{
    char *dir = xasprintf("%s/keys", h->tmp);
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        int e = -errno;
        free(dir);
        return e;
    }
    int rc = -EEXIST;
    for (int i = 1; rc == -EEXIST && i < 1000; i++) {
        char *path =
            i == 1 ? xasprintf("%s/%s.key", dir, name) : xasprintf("%s/%s-%d.key", dir, name, i);
        rc = keys_generate(path, out);
        free(path);
    }
    free(dir);
    return rc;
}

const char *harness_sop_setting(const harness_t *h)
{
    return h->sop_setting;
}

int harness_wait_known(harness_t *h, const keypair_t *keys)
{
    for (int i = 0; i < h->n_daemons; i++) {
        const harness_daemon_t *d = h->daemons[i];
        if (d->pid <= 0 || !d->endpoint[0])
            continue;
        int64_t deadline = monotonic_ms() + HARNESS_WAIT_MS;
        for (;;) {
            lkipc_opts_t o = {.endpoint = d->endpoint,
                              .server_key = h->server.public_key,
                              .keys = keys,
                              .timeout_ms = 2000,
                              .attempts = 1};
            lkipc_t *c = lkipc_new(&o);
            Lkip__PingRequest body = LKIP__PING_REQUEST__INIT;
            Lkip__Envelope req = LKIP__ENVELOPE__INIT, *reply = NULL;
            req.body_case = LKIP__ENVELOPE__BODY_PING;
            req.ping = &body;
            lkipc_rc_t rc = c ? lkipc_call(c, &req, &reply) : LKIPC_ERROR;
            wire_free(&reply);
            lkipc_destroy(&c);
            if (rc == LKIPC_OK)
                break;
            if (monotonic_ms() > deadline) {
                fprintf(stderr, "harness: daemon %s never let the new user in (%d)\n", d->endpoint,
                        (int)rc);
                return -1;
            }
            usleep(20 * 1000);
        }
    }
    return 0;
}

int harness_user(harness_t *h, const char *name, const char *role, const char *unit, keypair_t *out)
{
    keypair_t kp;
    int rc = harness_keypair(h, name, &kp);
    if (rc != 0) {
        fprintf(stderr, "harness: could not generate a key for \"%s\": %s\n", name, strerror(-rc));
        return -1;
    }
    const char *args[] = {"--add-user",  name,     "--role", role, "--key",
                          kp.public_key, "--unit", unit,     NULL};
    if (!unit)
        args[6] = NULL;
    char *output = NULL;
    rc = harness_lkipd_run(h, true, args, &output);
    if (rc != 0) {
        fprintf(stderr, "harness: lkipd --add-user %s exited %d:\n%s", name, rc,
                output ? output : "");
        free(output);
        return -1;
    }
    free(output);
    if (harness_wait_known(h, &kp) != 0)
        return -1;
    if (out)
        *out = kp;
    memset(&kp, 0, sizeof kp);
    return 0;
}

lkipc_t *harness_client(harness_t *h, const harness_daemon_t *d, const keypair_t *keys,
                        int timeout_ms)
{
    lkipc_opts_t o = {.endpoint = d->endpoint,
                      .server_key = h->server.public_key,
                      .keys = keys,
                      .timeout_ms = timeout_ms,
                      .attempts = 1};
    lkipc_t *c = lkipc_new(&o);
    if (!c) {
        fprintf(stderr, "harness: could not open a client to %s\n", d->endpoint);
        return NULL;
    }
    PUSH(h->clients, h->n_clients, c);
    return c;
}

void harness_client_close(harness_t *h, lkipc_t **client_p)
{
    if (!client_p || !*client_p)
        return;
    for (int i = 0; i < h->n_clients; i++)
        if (h->clients[i] == *client_p) {
            h->clients[i] = h->clients[--h->n_clients];
            break;
        }
    lkipc_destroy(client_p);
}

int harness_timers_settled(harness_t *h, int64_t now)
{
    char at[24];
    snprintf(at, sizeof at, "%lld", (long long)now);
    int64_t deadline = monotonic_ms() + HARNESS_WAIT_MS;
    for (;;) {
        long long due = harness_sql_int(h,
                                        "SELECT count(*) FROM timers WHERE fired_at IS NULL"
                                        " AND fire_at <= to_timestamp($1::bigint)",
                                        at, NULL);
        if (due == 0)
            return 0;
        if (monotonic_ms() > deadline) {
            fprintf(stderr, "harness: %lld timers due at %s were not fired\n", due, at);
            return -1;
        }
        struct timespec pause = {0, 10 * 1000000L};
        nanosleep(&pause, NULL);
    }
}
