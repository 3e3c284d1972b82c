/* cliconf — see cliconf.h. */
#include "cliconf.h"

#include "keys.h"

#include <errno.h>
#include <ini.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *cliconf_default_path(void)
{
    const char *env = getenv("LKIP_CONFIG");
    if (env && *env)
        return xstrdup(env);
    const char *xdg = getenv("XDG_CONFIG_HOME");
    if (xdg && *xdg)
        return xasprintf("%s/lkip/lkip.conf", xdg);
    const char *home = getenv("HOME");
    return xasprintf("%s/.config/lkip/lkip.conf", home && *home ? home : ".");
}

typedef struct {
    cliconf_t *cfg;
    char *dir;
    char why[256]; /* the first error; ini_parse_file returns its line */
} state_t;

/* Paths in the file are relative to the file's folder. */
static char *s_path(const state_t *st, const char *value)
{
    if (value[0] == '/' || value[0] == '\0')
        return xstrdup(value);
    return xasprintf("%s/%s", st->dir, value);
}

/* server_key: a file relative to the file's folder when one exists there (even at a path of
 * exactly 40 characters), else the text as given; keys_public_from_arg reads either. */
static char *s_server_key(const state_t *st, const char *value)
{
    char *path = s_path(st, value);
    if (access(path, F_OK) == 0 || !keys_valid_z85(value))
        return path;
    free(path);
    return xstrdup(value);
}

static void s_set(char **field, char *value)
{
    free(*field);
    *field = value;
}

/* Parses a whole number setting within [min, max]; false (why set) when it is not one. */
static bool s_int(state_t *st, const char *name, const char *value, int min, int max, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(value, &end, 10);
    if (errno || end == value || *end || v < min || v > max) {
        snprintf(st->why, sizeof st->why, "%s harus bilangan bulat %d sampai %d", name, min, max);
        return false;
    }
    *out = (int)v;
    return true;
}

static int s_handler(void *user, const char *section, const char *name, const char *value)
{
    state_t *st = user;
    cliconf_t *c = st->cfg;
    if (st->why[0])
        return 0;
    if (strcmp(section, "lkip") != 0) {
        snprintf(st->why, sizeof st->why, "pengaturan \"%s\" di luar bagian [lkip]", name);
        return 0;
    }
    if (strcmp(name, "endpoint") == 0)
        s_set(&c->endpoint, xstrdup(value));
    else if (strcmp(name, "server_key") == 0)
        s_set(&c->server_key, s_server_key(st, value));
    else if (strcmp(name, "key_file") == 0)
        s_set(&c->key_file, s_path(st, value));
    else if (strcmp(name, "state_dir") == 0)
        s_set(&c->state_dir, s_path(st, value));
    else if (strcmp(name, "timeout_ms") == 0) {
        if (!s_int(st, name, value, CLICONF_TIMEOUT_MIN, CLICONF_TIMEOUT_MAX, &c->timeout_ms))
            return 0;
    } else if (strcmp(name, "retry_window_ms") == 0) {
        if (!s_int(st, name, value, 0, CLICONF_RETRY_WINDOW_MAX, &c->retry_window_ms))
            return 0;
    } else {
        snprintf(st->why, sizeof st->why, "pengaturan \"%s\" tidak dikenal", name);
        return 0;
    }
    return 1;
}

int cliconf_load(cliconf_t *cfg, const char *path, char *err, size_t errlen)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->path = path ? xstrdup(path) : cliconf_default_path();
    char *copy = xstrdup(cfg->path);
    char *dir = xstrdup(dirname(copy));
    free(copy);
    cfg->endpoint = xstrdup("tcp://127.0.0.1:7390");
    cfg->key_file = xasprintf("%s/client.key", dir);
    cfg->state_dir = xstrdup(dir);
    cfg->timeout_ms = 5000;
    cfg->retry_window_ms = 30000;

    int rc = 0;
    FILE *f = fopen(cfg->path, "r");
    if (!f) {
        if (path || errno != ENOENT) {
            snprintf(err, errlen, "tidak dapat membuka berkas konfigurasi \"%s\": %s", cfg->path,
                     strerror(errno));
            rc = -1;
        }
    } else {
        state_t st = {.cfg = cfg, .dir = dir};
        int prc = ini_parse_file(f, s_handler, &st);
        fclose(f);
        if (prc != 0) {
            snprintf(err, errlen, "%s:%d: %s", cfg->path, prc,
                     st.why[0] ? st.why : "baris tidak dapat dibaca");
            rc = -1;
        }
    }
    free(dir);
    return rc;
}

void cliconf_free(cliconf_t *cfg)
{
    free(cfg->path);
    free(cfg->endpoint);
    free(cfg->server_key);
    free(cfg->key_file);
    free(cfg->state_dir);
    memset(cfg, 0, sizeof *cfg);
}
