/* log — leveled logging of lkipd to stderr: one line per record, UTC timestamp, level, message.
 * Log an error once, where it becomes a reply, a disconnect or an exit (STYLE.md); a line that
 * peers can make lkipd repeat at will goes through a rate limit (log_limited). Any thread: a
 * record is one fputs (stdio locks the stream); the rate limits are locked; log_set_level and
 * log_set_repeat_ms only before the threads start. */
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

/* ---- repeated lines -------------------------------------------------------------------------
 * A line that a storm repeats (a handshake refused while the database is down, once for every
 * reconnecting client) goes through a limit of its own: the first is logged, the ones that
 * follow within the repeat interval are only counted, and the first line logged after it says
 * "(N similar messages suppressed)". log_limits_flush logs, for a limit whose interval has
 * passed, the last counted line with that note, so no count is left unsaid. Declare one limit
 * per call site: static log_limit_t limit; (zeroed). Any thread may log through a limit. */
typedef struct log_limit {
    int64_t quiet_until;    /* monotonic ms: lines before this are counted, not logged */
    unsigned suppressed;    /* lines counted since the last one logged */
    log_level_t level;      /* of the last line counted */
    char last[256];         /* the last line counted (log_limits_flush logs it) */
    bool listed;            /* in the list that log_limits_flush walks */
    struct log_limit *next; /* that list */
} log_limit_t;

/* The repeat interval of every limit (default 10000 ms). */
void log_set_repeat_ms(int ms);
/* Logs through limit (see above). */
void log_limited(log_limit_t *limit, log_level_t level, const char *fmt, ...) PRINTF(3, 4);
/* Logs the counts of limits whose interval has passed with no line to carry them. Called by the
 * main loop; cheap when nothing was counted. */
void log_limits_flush(void);

#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...)                                                                             \
    do {                                                                                           \
        if (log_get_level() >= LOG_DEBUG)                                                          \
            log_msg(LOG_DEBUG, __VA_ARGS__);                                                       \
    } while (0)

#endif
