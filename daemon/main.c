/* lkipd — the lkip daemon: flags, configuration, start-up order, signals.
 *
 * Start-up: read the config, connect to PostgreSQL (waiting for it a while), apply migrations,
 * then either run a one-shot admin task (--add-user) or bind the server, tell the caller it is
 * ready (ready file; the parent process exits when not --foreground) and serve until SIGINT or
 * SIGTERM. */
#include "cmd.h"
#include "config.h"
#include "db.h"
#include "db_sop.h"
#include "db_users.h"
#include "keys.h"
#include "log.h"
#include "migrate.h"
#include "server.h"

#include <dirent.h>
#include <libxml/parser.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

/* How long start-up waits for PostgreSQL to accept connections. */
#define DB_START_WAIT_MS 30000

static volatile sig_atomic_t s_stop = 0;
static int s_wake[2] = {-1, -1}; /* self-pipe: the handler wakes the event loop */

static void s_on_signal(int sig)
{
    (void)sig;
    s_stop = 1;
    if (s_wake[1] >= 0) {
        int saved = errno;
        if (write(s_wake[1], "x", 1) < 0) {
            /* the pipe is full: the loop is awake anyway */
        }
        errno = saved;
    }
}

static void s_usage(FILE *out)
{
    fputs("usage: lkipd [options]\n"
          "  -c, --config FILE     read settings from FILE (INI, section [lkipd])\n"
          "  -f, --foreground      stay in the foreground (default: detach once ready)\n"
          "  -s, --set KEY=VALUE   override one setting of the config file\n"
          "      --migrate         apply database migrations and exit\n"
          "      --add-user NAME   register a user and exit (with --role, --key; optional\n"
          "                        --unit, --org, --full-name); the way to create the first admin\n"
          "      --role ROLE       role code of the new user (admin, kepala_dinas, ...)\n"
          "      --key KEY         the user's public key: Z85 text or a key/.pub file\n"
          "      --unit CODE       the user's unit (required for operator_unit)\n"
          "      --org CODE        the user's organisation (default: the only one)\n"
          "      --full-name TEXT  the user's full name (default: NAME)\n"
          "  -h, --help            show this help\n"
          "  -V, --version         show the version\n",
          out);
}

typedef struct {
    const char *config_path;
    bool foreground;
    bool migrate_only;
    const char *add_user, *role, *key, *unit, *org, *full_name;
} args_t;

enum { OPT_MIGRATE = 256, OPT_ADD_USER, OPT_ROLE, OPT_KEY, OPT_UNIT, OPT_ORG, OPT_FULL_NAME };

/* Parses argv; returns -1 on error, 1 when the program should exit 0 (help, version). */
static int s_parse_args(int argc, char **argv, args_t *a, config_t *cfg)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"foreground", no_argument, NULL, 'f'},
        {"set", required_argument, NULL, 's'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {"migrate", no_argument, NULL, OPT_MIGRATE},
        {"add-user", required_argument, NULL, OPT_ADD_USER},
        {"role", required_argument, NULL, OPT_ROLE},
        {"key", required_argument, NULL, OPT_KEY},
        {"unit", required_argument, NULL, OPT_UNIT},
        {"org", required_argument, NULL, OPT_ORG},
        {"full-name", required_argument, NULL, OPT_FULL_NAME},
        {NULL, 0, NULL, 0},
    };
    /* --set values apply after the config file, whatever their order on the command line */
    const char *sets[32];
    int nsets = 0;
    int c;
    while ((c = getopt_long(argc, argv, "c:fs:hV", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            a->config_path = optarg;
            break;
        case 'f':
            a->foreground = true;
            break;
        case 's':
            if (nsets == (int)ARRAY_LEN(sets)) {
                fprintf(stderr, "lkipd: too many --set options\n");
                return -1;
            }
            sets[nsets++] = optarg;
            break;
        case 'h':
            s_usage(stdout);
            return 1;
        case 'V':
            printf("lkipd %s\n", LKIP_VERSION);
            return 1;
        case OPT_MIGRATE:
            a->migrate_only = true;
            break;
        case OPT_ADD_USER:
            a->add_user = optarg;
            break;
        case OPT_ROLE:
            a->role = optarg;
            break;
        case OPT_KEY:
            a->key = optarg;
            break;
        case OPT_UNIT:
            a->unit = optarg;
            break;
        case OPT_ORG:
            a->org = optarg;
            break;
        case OPT_FULL_NAME:
            a->full_name = optarg;
            break;
        default:
            s_usage(stderr);
            return -1;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "lkipd: unexpected argument \"%s\"\n", argv[optind]);
        return -1;
    }
    char err[512];
    if (a->config_path && config_load(cfg, a->config_path, err, sizeof err) != 0) {
        fprintf(stderr, "lkipd: %s\n", err);
        return -1;
    }
    for (int i = 0; i < nsets; i++) {
        char *kv = xstrdup(sets[i]);
        char *eq = strchr(kv, '=');
        int rc = -1;
        if (!eq)
            snprintf(err, sizeof err, "--set \"%s\": expected KEY=VALUE", sets[i]);
        else {
            *eq = '\0';
            rc = config_set(cfg, kv, eq + 1, err, sizeof err);
        }
        free(kv);
        if (rc != 0) {
            fprintf(stderr, "lkipd: %s\n", err);
            return -1;
        }
    }
    if (a->add_user && (!a->role || !a->key)) {
        fprintf(stderr, "lkipd: --add-user needs --role and --key\n");
        return -1;
    }
    return 0;
}

static db_t *s_connect(const config_t *cfg, dbnode_t *node)
{
    char err[512];
    int64_t deadline = monotonic_ms() + DB_START_WAIT_MS;
    int wait_ms = 100;
    for (;;) {
        db_t *db = db_connect(cfg->database, node, "start-up", err, sizeof err);
        if (db || monotonic_ms() > deadline || s_stop) {
            if (!db)
                log_error("%s", err);
            return db;
        }
        log_warn("%s; retrying", err);
        usleep((useconds_t)wait_ms * 1000);
        wait_ms = wait_ms * 2 > 2000 ? 2000 : wait_ms * 2;
    }
}

static int s_add_user(db_t *db, const args_t *a)
{
    char key[KEY_Z85_LEN + 1];
    int rc = keys_public_from_arg(a->key, key);
    if (rc != 0) {
        if (rc == -ENOENT)
            log_error("--key \"%s\" is neither an existing key file nor a public key (40 Z85 "
                      "characters)",
                      a->key);
        else
            log_error("could not read the public key file \"%s\": %s", a->key,
                      rc == -EINVAL ? "it holds no key" : strerror(-rc));
        return 1;
    }
    user_new_t u = {
        a->add_user, a->full_name ? a->full_name : a->add_user, a->role, a->unit, a->org, key};
    int64_t id = 0;
    db_user_rc_t urc = db_user_add(db, &u, &id);
    static const char *const why[] = {
        [DB_USER_NO_ORG] = "unknown organisation (or several exist: give --org)",
        [DB_USER_NO_ROLE] = "unknown role",
        [DB_USER_NO_UNIT] = "unknown unit in that organisation",
        [DB_USER_NEEDS_UNIT] = "this role needs --unit",
        [DB_USER_NAME_TAKEN] = "a user with that name exists",
        [DB_USER_KEY_TAKEN] = "that public key belongs to another user",
    };
    if (urc == DB_USER_FAILED) {
        log_error("could not add user \"%s\": %s", a->add_user, db_error(db));
        return 1;
    }
    if (urc != DB_USER_OK) {
        log_error("could not add user \"%s\": %s", a->add_user,
                  (size_t)urc < ARRAY_LEN(why) && why[urc] ? why[urc] : "refused");
        return 1;
    }
    log_info("added user \"%s\" (id %lld, role %s)", a->add_user, (long long)id, a->role);
    return 0;
}

/* Every client connection is a file descriptor: allow as many as the hard limit does. */
static void s_raise_fd_limit(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
            log_warn("could not raise the open file limit: %s", strerror(errno));
    }
}

static int s_yaml_name(const struct dirent *e)
{
    size_t n = strlen(e->d_name);
    return e->d_name[0] != '.' && n > 5 && strcmp(e->d_name + n - 5, ".yaml") == 0;
}

/* Loads every *.yaml of dir as an SOP definition (a new version when its text changed). A bad
 * definition is fatal at start-up: better no daemon than one running a half-read SOP. */
static int s_load_sops(db_t *db, const char *dir)
{
    struct dirent **names;
    int n = scandir(dir, &names, s_yaml_name, alphasort);
    if (n < 0) {
        log_error("could not read SOP folder \"%s\": %s", dir, strerror(errno));
        return -1;
    }
    int rc = 0;
    for (int i = 0; i < n; i++) {
        char *path = xasprintf("%s/%s", dir, names[i]->d_name);
        char *text = NULL;
        size_t len = 0;
        int frc = read_file(path, SOPDEF_MAX_BYTES, &text, &len);
        if (frc != 0) {
            log_error("could not read \"%s\": %s", path, strerror(-frc));
            rc = -1;
        } else if (rc == 0) {
            db_sop_info_t info = {0};
            bool created = false;
            char err[512];
            int src = -1;
            if (db_begin(db) == 0) {
                src = sop_store(db, path, text, len, 0, &info, &created, err, sizeof err);
                if (src == 0 && db_commit(db) != 0)
                    src = -1;
                if (src != 0)
                    db_rollback(db);
            }
            if (src > 0)
                log_error("SOP definition refused: %s", err);
            else if (src < 0)
                log_error("could not store \"%s\": %s", path, db_error(db));
            else if (created)
                log_info("loaded SOP %s version %d from %s", info.code, info.version, path);
            else
                log_info("SOP %s unchanged (version %d)", info.code, info.version);
            rc = src == 0 ? 0 : -1;
            db_sop_info_clear(&info);
        }
        free(text);
        free(path);
        free(names[i]);
    }
    free(names);
    return rc;
}

static int s_write_ready(const char *path, const char *endpoint)
{
    char *tmp = xasprintf("%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    int rc = -1;
    if (f) {
        fprintf(f, "%s\n", endpoint);
        rc = fclose(f) == 0 && rename(tmp, path) == 0 ? 0 : -1;
    }
    if (rc != 0)
        log_error("could not write ready file \"%s\": %s", path, strerror(errno));
    free(tmp);
    return rc;
}

/* Forks; the parent waits until the child reports ready (or fails) and exits with that. */
static int s_detach(int *notify_fd)
{
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid > 0) {
        close(fds[1]);
        char ok = 0;
        ssize_t n = read(fds[0], &ok, 1);
        _exit(n == 1 && ok == '1' ? 0 : 1);
    }
    close(fds[0]);
    setsid();
    *notify_fd = fds[1];
    return 0;
}

static void s_ready(int *notify_fd)
{
    if (*notify_fd < 0)
        return;
    if (write(*notify_fd, "1", 1) != 1)
        log_warn("could not notify the parent process");
    close(*notify_fd);
    *notify_fd = -1;
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
        dup2(null, STDIN_FILENO);
        dup2(null, STDOUT_FILENO);
        close(null);
    }
}

int main(int argc, char **argv)
{
    config_t cfg;
    config_defaults(&cfg);
    args_t a = {0};
    int rc = s_parse_args(argc, argv, &a, &cfg);
    if (rc != 0) {
        config_free(&cfg);
        return rc > 0 ? 0 : 2;
    }
    log_set_level((log_level_t)cfg.log_level);
    log_set_repeat_ms(cfg.log_repeat_ms);

    int notify_fd = -1;
    bool one_shot = a.migrate_only || a.add_user;
    if (!a.foreground && !one_shot && s_detach(&notify_fd) != 0) {
        log_error("could not detach: %s", strerror(errno));
        config_free(&cfg);
        return 1;
    }
    if (pipe2(s_wake, O_CLOEXEC | O_NONBLOCK) != 0) {
        log_error("could not create a pipe: %s", strerror(errno));
        config_free(&cfg);
        return 1;
    }
    struct sigaction sa = {0};
    sa.sa_handler = s_on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    int status = 1;
    server_t *server = NULL;
    dbnode_t *node = dbnode_new();
    db_t *db = s_connect(&cfg, node);
    if (!db)
        goto out;
    char err[512];
    int applied = migrate_run(db, err, sizeof err);
    if (applied < 0) {
        log_error("%s", err);
        goto out;
    }
    if (applied == 0)
        log_info("database schema is current (version %d)", migrate_latest());
    if (a.migrate_only) {
        status = 0;
        goto out;
    }
    if (a.add_user) {
        status = s_add_user(db, &a);
        goto out;
    }
    if (cfg.sop_dir && s_load_sops(db, cfg.sop_dir) != 0)
        goto out;
    s_raise_fd_limit();
    db_destroy(&db); /* the server's threads have connections of their own */
    /* libxml2 (the workbooks read, the draft's DOCX written on the workers) initialised once,
     * here, before any worker thread starts */
    xmlInitParser();
    server = server_new(&cfg, node, err, sizeof err);
    if (!server) {
        log_error("%s", err);
        goto out;
    }
    if (cfg.ready_file && s_write_ready(cfg.ready_file, server_endpoint(server)) != 0)
        goto out;
    log_info("lkipd %s ready (node %s, pid %d)", LKIP_VERSION, cfg.node_name, (int)getpid());
    s_ready(&notify_fd);
    status = server_run(server, &s_stop, s_wake[0]) == 0 ? 0 : 1;
    if (cfg.ready_file)
        unlink(cfg.ready_file);
out:
    server_destroy(&server);
    db_destroy(&db);
    dbnode_destroy(&node);
    config_free(&cfg);
    if (notify_fd >= 0)
        close(notify_fd); /* parent reads EOF: start-up failed */
    return status;
}
