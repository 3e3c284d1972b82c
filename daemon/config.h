/* config — lkipd's settings: one struct filled from a table of (key, type, default) by the INI
 * parser (inih). Every key lives in section [lkipd]. Unknown keys and bad values are errors that
 * name the file and line. */
#ifndef LKIP_CONFIG_H
#define LKIP_CONFIG_H

#include "util.h"

typedef struct {
    char *endpoint;         /* ZeroMQ bind endpoint, e.g. tcp://127.0.0.1:7390 ("*" port ok) */
    char *database;         /* libpq conninfo string */
    char *secret_key_file;  /* server CURVE key pair file (mode 0600) */
    char *node_name;        /* this daemon's name in logs and pongs; default: host name */
    char *ready_file;       /* when set: written with the bound endpoint once serving */
    char *sop_dir;          /* when set: SOP definitions (*.yaml) loaded at start-up */
    int log_level;          /* log_level_t */
    int log_repeat_ms;      /* a repeated line (auth refusals) is logged once per this long */
    bool test_clock;        /* accept test clock commands (tests and benchmarks only) */
    int batch_max;          /* most requests committed in one transaction */
    /* threads running batches, each with its own connection. One by default: what waits
     * while its batch runs joins the next one, so the batch grows with the load; with
     * PostgreSQL on the daemon's own machine, two halved the batches and cost PostgreSQL 1.5
     * to 1.7 times the CPU per step (README, "Threads") */
    int workers;
    int heartbeat_ms;       /* server-side ZMTP heartbeat interval; 0: off (clients beat) */
    int session_timeout_ms; /* a peer silent this long is forgotten */
    /* a connection that has not finished its CURVE handshake this long is closed */
    int handshake_timeout_ms;
    /* libzmq I/O threads: a connection decrypting a big frame holds up the others on its own */
    int io_threads;
    int outbox_poll_ms; /* fallback poll of the outbox when NOTIFY was missed */
    int outbox_poll_users; /* ... of this many subscribed sessions' users a time, in turn */
    int resend_ms;      /* events not acknowledged this long are sent again */
    int retention_days; /* delivered events and stored replies kept this long */
    /* "MM-DD" from which, each day, the admin and the Sekretaris are told that next year's
     * holidays are not loaded yet; "off": never */
    char *holiday_reminder_from;
} config_t;

/* Sets every field to its default. Caller frees with config_free. */
void config_defaults(config_t *cfg);

/* Parses path into cfg (which holds defaults or earlier values). On error returns -1 and writes
 * "file:line: reason" into err. */
int config_load(config_t *cfg, const char *path, char *err, size_t errlen) WUR;

/* Sets one key from text, as a config file line would. Returns -1 with err set on a bad value. */
int config_set(config_t *cfg, const char *key, const char *value, char *err, size_t errlen) WUR;

/* Frees the strings of cfg. */
void config_free(config_t *cfg);

#endif
