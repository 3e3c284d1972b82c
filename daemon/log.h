/* log — leveled logging of lkipd to stderr: one line per record, UTC timestamp, level, message.
 * Log an error once, where it becomes a reply, a disconnect or an exit (STYLE.md). */
#ifndef LKIP_LOG_H
#define LKIP_LOG_H

#include "util.h"

typedef enum {
    LOG_ERROR, /* something failed and was answered, dropped or ends the daemon */
    LOG_WARN,  /* unexpected but handled: refused peers, retries */
    LOG_INFO,  /* lifecycle: start, stop, migrations, connections */
    LOG_DEBUG, /* every request and event */
} log_level_t;

void log_set_level(log_level_t level);
log_level_t log_get_level(void);
/* Parses "error", "warn", "info" or "debug"; returns -1 for anything else. */
int log_level_parse(const char *name);
void log_msg(log_level_t level, const char *fmt, ...) PRINTF(2, 3);

/* A rate limit for one kind of log line, for what a peer can make happen as often as it likes
 * (malformed frames, refused handshakes): at most burst lines per interval_ms; lines over it are
 * counted, and the next line that passes says how many were left out. One limiter belongs to
 * one thread (no lock). Initialise with LOG_RATELIMIT_INIT. */
typedef struct {
    int burst;            /* lines allowed per window */
    int interval_ms;      /* window length */
    int64_t window_start; /* monotonic ms the current window began; 0: none yet */
    int in_window;        /* lines logged in the current window */
    uint64_t suppressed;  /* lines left out since the last one logged */
} log_ratelimit_t;

#define LOG_RATELIMIT_INIT(burst, interval_ms)                                                     \
    {                                                                                              \
        (burst), (interval_ms), 0, 0, 0                                                            \
    }

/* Logs like log_msg unless lim's rate is used up (then only counts the line). Returns true when
 * the line was written. */
bool log_ratelimited(log_ratelimit_t *lim, log_level_t level, const char *fmt, ...) PRINTF(3, 4);

#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...)                                                                             \
    do {                                                                                           \
        if (log_get_level() >= LOG_DEBUG)                                                          \
            log_msg(LOG_DEBUG, __VA_ARGS__);                                                       \
    } while (0)

#endif
