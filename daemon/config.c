/* config — see config.h. One table drives defaults, parsing and freeing. */
#include "config.h"

#include "log.h"

#include <errno.h>
#include <ini.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef enum {
    OPT_STRING, /* char *, owned */
    OPT_INT,    /* int within [min, max] */
    OPT_BOOL,   /* true/false, yes/no, on/off, 1/0 */
    OPT_LEVEL,  /* log level name */
    OPT_MMDD,   /* char *, owned: a day of the year "MM-DD", or "off" */
} opt_type_t;

typedef struct {
    const char *key;
    opt_type_t type;
    const char *def; /* default, as text; NULL for none */
    size_t offset;   /* into config_t */
    long min, max;   /* OPT_INT range */
} opt_t;

#define OPT(k, t, d, lo, hi)                                                                       \
    {                                                                                              \
#k, t, d, offsetof(config_t, k), lo, hi                                                    \
    }
static const opt_t s_opts[] = {
    OPT(endpoint, OPT_STRING, "tcp://127.0.0.1:7390", 0, 0),
    OPT(database, OPT_STRING, "dbname=lkip", 0, 0),
    OPT(secret_key_file, OPT_STRING, "/etc/lkip/server.key", 0, 0),
    OPT(node_name, OPT_STRING, NULL, 0, 0),
    OPT(ready_file, OPT_STRING, NULL, 0, 0),
    OPT(sop_dir, OPT_STRING, NULL, 0, 0),
    OPT(log_level, OPT_LEVEL, "info", 0, 0),
    OPT(log_repeat_ms, OPT_INT, "10000", 100, 3600000),
    OPT(test_clock, OPT_BOOL, "false", 0, 0),
    OPT(batch_max, OPT_INT, "64", 1, 1024),
    OPT(workers, OPT_INT, "1", 1, 32),
    OPT(heartbeat_ms, OPT_INT, "0", 0, 600000),
    OPT(session_timeout_ms, OPT_INT, "30000", 300, 3600000),
    OPT(handshake_timeout_ms, OPT_INT, "10000", 100, 600000),
    OPT(io_threads, OPT_INT, "2", 1, 16),
    OPT(outbox_poll_ms, OPT_INT, "1000", 10, 600000),
    OPT(outbox_poll_users, OPT_INT, "1000", 1, 1000000),
    OPT(resend_ms, OPT_INT, "5000", 100, 600000),
    OPT(retention_days, OPT_INT, "30", 1, 3650),
    OPT(holiday_reminder_from, OPT_MMDD, "11-01", 0, 0),
};

/* "MM-DD" of a day that exists in a leap year, or "off". */
static bool s_mmdd(const char *v)
{
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (strcmp(v, "off") == 0)
        return true;
    for (int i = 0; i < 5; i++)
        if (i == 2 ? v[i] != '-' : !(v[i] >= '0' && v[i] <= '9'))
            return false;
    if (v[5])
        return false;
    int m = (v[0] - '0') * 10 + (v[1] - '0'), d = (v[3] - '0') * 10 + (v[4] - '0');
    return m >= 1 && m <= 12 && d >= 1 && d <= days[m - 1];
}

static int s_apply(config_t *cfg, const opt_t *o, const char *value, char *err, size_t errlen)
{
    void *field = (char *)cfg + o->offset;
    switch (o->type) {
    case OPT_STRING:
        free(*(char **)field);
        *(char **)field = value ? xstrdup(value) : NULL;
        return 0;
    case OPT_INT: {
        char *end;
        errno = 0;
        long v = strtol(value, &end, 10);
        if (errno || end == value || *end || v < o->min || v > o->max) {
            snprintf(err, errlen, "%s: \"%s\" is not a whole number from %ld to %ld", o->key, value,
                     o->min, o->max);
            return -1;
        }
        *(int *)field = (int)v;
        return 0;
    }
    case OPT_BOOL: {
        static const char *const yes[] = {"true", "yes", "on", "1"};
        static const char *const no[] = {"false", "no", "off", "0"};
        for (size_t i = 0; i < ARRAY_LEN(yes); i++) {
            if (strcmp(value, yes[i]) == 0) {
                *(bool *)field = true;
                return 0;
            }
            if (strcmp(value, no[i]) == 0) {
                *(bool *)field = false;
                return 0;
            }
        }
        snprintf(err, errlen, "%s: \"%s\" is not true or false", o->key, value);
        return -1;
    }
    case OPT_MMDD:
        if (!s_mmdd(value)) {
            snprintf(err, errlen, "%s: \"%s\" is not a day of the year MM-DD (e.g. 11-01) or off",
                     o->key, value);
            return -1;
        }
        free(*(char **)field);
        *(char **)field = xstrdup(value);
        return 0;
    case OPT_LEVEL: {
        int level = log_level_parse(value);
        if (level < 0) {
            snprintf(err, errlen, "%s: \"%s\" is not one of error, warn, info, debug", o->key,
                     value);
            return -1;
        }
        *(int *)field = level;
        return 0;
    }
    }
    return -1;
}

void config_defaults(config_t *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    char err[256];
    for (size_t i = 0; i < ARRAY_LEN(s_opts); i++)
        if (s_opts[i].def && s_apply(cfg, &s_opts[i], s_opts[i].def, err, sizeof err) != 0)
            abort(); /* a bad default is a programmer error */
    char host[256];
    if (gethostname(host, sizeof host) != 0)
        snprintf(host, sizeof host, "lkipd");
    host[sizeof host - 1] = '\0';
    cfg->node_name = xstrdup(host);
}

int config_set(config_t *cfg, const char *key, const char *value, char *err, size_t errlen)
{
    for (size_t i = 0; i < ARRAY_LEN(s_opts); i++)
        if (strcmp(s_opts[i].key, key) == 0)
            return s_apply(cfg, &s_opts[i], value, err, errlen);
    snprintf(err, errlen, "unknown setting \"%s\"", key);
    return -1;
}

typedef struct {
    config_t *cfg;
    char why[256]; /* the first error; ini_parse_file returns its line */
} parse_state_t;

static int s_handler(void *user, const char *section, const char *name, const char *value)
{
    parse_state_t *st = user;
    if (st->why[0])
        return 0;
    if (strcmp(section, "lkipd") != 0) {
        snprintf(st->why, sizeof st->why, "setting \"%s\" outside section [lkipd]", name);
        return 0;
    }
    return config_set(st->cfg, name, value, st->why, sizeof st->why) == 0;
}

int config_load(config_t *cfg, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "could not open config file \"%s\": %s", path, strerror(errno));
        return -1;
    }
    /* inih cuts a line at INI_MAX_LINE bytes and reads the rest as another line: refuse it */
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    for (int lineno = 1; (n = getline(&line, &cap, f)) >= 0; lineno++) {
        if (n > 0 && line[n - 1] == '\n')
            n--;
        if (n >= INI_MAX_LINE - 1) {
            snprintf(err, errlen, "%s:%d: line longer than %d bytes", path, lineno,
                     INI_MAX_LINE - 2);
            free(line);
            fclose(f);
            return -1;
        }
    }
    free(line);
    rewind(f);
    parse_state_t st = {.cfg = cfg};
    int rc = ini_parse_file(f, s_handler, &st);
    fclose(f);
    if (rc == 0)
        return 0;
    snprintf(err, errlen, "%s:%d: %s", path, rc, st.why[0] ? st.why : "syntax error");
    return -1;
}

void config_free(config_t *cfg)
{
    for (size_t i = 0; i < ARRAY_LEN(s_opts); i++)
        if (s_opts[i].type == OPT_STRING || s_opts[i].type == OPT_MMDD) {
            char **field = (char **)((char *)cfg + s_opts[i].offset);
            free(*field);
            *field = NULL;
        }
}
