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

#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...)                                                                             \
    do {                                                                                           \
        if (log_get_level() >= LOG_DEBUG)                                                          \
            log_msg(LOG_DEBUG, __VA_ARGS__);                                                       \
    } while (0)

#endif
