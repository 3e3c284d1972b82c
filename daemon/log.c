/* log — see log.h. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

static log_level_t s_level = LOG_INFO;
static const char *const s_names[] = {"error", "warn", "info", "debug"};

void log_set_level(log_level_t level)
{
    s_level = level;
}

log_level_t log_get_level(void)
{
    return s_level;
}

int log_level_parse(const char *name)
{
    for (size_t i = 0; i < ARRAY_LEN(s_names); i++)
        if (strcmp(name, s_names[i]) == 0)
            return (int)i;
    return -1;
}

/* Writes one record; suffix (may be "") goes after the message. */
static void s_write(log_level_t level, const char *suffix, const char *fmt, va_list ap)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    gmtime_r(&tv.tv_sec, &tm);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
    strbuf_t sb = {0};
    strbuf_printf(&sb, "%s.%03ldZ lkipd %s: ", stamp, (long)(tv.tv_usec / 1000), s_names[level]);
    strbuf_vprintf(&sb, fmt, ap);
    strbuf_puts(&sb, suffix);
    strbuf_puts(&sb, "\n");
    fputs(strbuf_str(&sb), stderr);
    strbuf_free(&sb);
}

void log_msg(log_level_t level, const char *fmt, ...)
{
    if (level > s_level)
        return;
    va_list ap;
    va_start(ap, fmt);
    s_write(level, "", fmt, ap);
    va_end(ap);
}

bool log_ratelimited(log_ratelimit_t *lim, log_level_t level, const char *fmt, ...)
{
    if (level > s_level)
        return false;
    int64_t now = monotonic_ms();
    if (lim->window_start == 0 || now - lim->window_start >= lim->interval_ms) {
        lim->window_start = now;
        lim->in_window = 0;
    }
    if (lim->in_window >= lim->burst) {
        lim->suppressed++;
        return false;
    }
    lim->in_window++;
    char suffix[96] = "";
    if (lim->suppressed)
        snprintf(suffix, sizeof suffix, " (%llu similar line(s) left out before this one)",
                 (unsigned long long)lim->suppressed);
    lim->suppressed = 0;
    va_list ap;
    va_start(ap, fmt);
    s_write(level, suffix, fmt, ap);
    va_end(ap);
    return true;
}
