/* cliconf — the lkip client's settings: a config file (INI, section [lkip]) overridden by
 * command-line flags. Default file: $LKIP_CONFIG, else $XDG_CONFIG_HOME/lkip/lkip.conf, else
 * ~/.config/lkip/lkip.conf. Relative paths in the file are relative to the file's folder. */
#ifndef LKIP_CLICONF_H
#define LKIP_CLICONF_H

#include "util.h"

typedef struct {
    char *path;          /* the config file read (or that would be read) */
    char *endpoint;      /* daemon address; default tcp://127.0.0.1:7390 */
    char *server_key;    /* server public key: Z85 text or a .pub file */
    char *key_file;      /* own key pair; default <config dir>/client.key */
    char *state_dir;     /* watch's position, unanswered changes (pending/); default <config dir> */
    int timeout_ms;      /* per attempt; default 5000 */
    int retry_window_ms; /* how long a request is tried again while there is no answer or the
                          * answer is 503; default 30000, 0: once */
} cliconf_t;

/* Ranges of the numeric settings (file and flags). */
#define CLICONF_TIMEOUT_MIN      10
#define CLICONF_TIMEOUT_MAX      600000
#define CLICONF_RETRY_WINDOW_MAX 3600000

/* The default config file path (caller frees). */
char *cliconf_default_path(void);

/* Fills cfg from path (NULL: the default path). A missing default file is not an error; a
 * missing named file is. Returns 0, or -1 with err set. */
int cliconf_load(cliconf_t *cfg, const char *path, char *err, size_t errlen) WUR;

void cliconf_free(cliconf_t *cfg);

#endif
