/* log — see log.h. */
#include "log.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

static log_level_t s_level = LOG_INFO;
static int s_repeat_ms = 10000;
static pthread_mutex_t s_limits_mu = PTHREAD_MUTEX_INITIALIZER;
static log_limit_t *s_limits; /* limits that counted something since log_limits_flush */
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

void log_msg(log_level_t level, const char *fmt, ...)
{
    if (level > s_level)
        return;
    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    gmtime_r(&tv.tv_sec, &tm);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
    strbuf_t sb = {0};
    strbuf_printf(&sb, "%s.%03ldZ lkipd %s: ", stamp, (long)(tv.tv_usec / 1000), s_names[level]);
    va_list ap;
    va_start(ap, fmt);
    strbuf_vprintf(&sb, fmt, ap);
    va_end(ap);
    strbuf_puts(&sb, "\n");
    fputs(strbuf_str(&sb), stderr);
    strbuf_free(&sb);
}

void log_set_repeat_ms(int ms)
{
    s_repeat_ms = ms;
}

static void s_log_counted(log_level_t level, const char *text, unsigned suppressed)
{
    if (suppressed)
        log_msg(level, "%s (%u similar messages suppressed)", text, suppressed);
    else
        log_msg(level, "%s", text);
}

void log_limited(log_limit_t *limit, log_level_t level, const char *fmt, ...)
{
    if (level > s_level)
        return;
    strbuf_t sb = {0};
    va_list ap;
    va_start(ap, fmt);
    strbuf_vprintf(&sb, fmt, ap);
    va_end(ap);
    int64_t now = monotonic_ms();
    unsigned suppressed = 0;
    pthread_mutex_lock(&s_limits_mu);
    bool show = now >= limit->quiet_until;
    if (show) {
        suppressed = limit->suppressed;
        limit->suppressed = 0;
        limit->quiet_until = now + s_repeat_ms;
    } else {
        limit->suppressed++;
        limit->level = level;
        snprintf(limit->last, sizeof limit->last, "%s", strbuf_str(&sb));
        if (!limit->listed) {
            limit->listed = true;
            limit->next = s_limits;
            s_limits = limit;
        }
    }
    pthread_mutex_unlock(&s_limits_mu);
    if (show)
        s_log_counted(level, strbuf_str(&sb), suppressed);
    strbuf_free(&sb);
}

void log_limits_flush(void)
{
    int64_t now = monotonic_ms();
    pthread_mutex_lock(&s_limits_mu);
    for (log_limit_t **p = &s_limits; *p;) {
        log_limit_t *l = *p;
        if (now < l->quiet_until && l->suppressed) {
            p = &l->next;
            continue;
        }
        if (l->suppressed) { /* the last counted line itself is logged now */
            s_log_counted(l->level, l->last, l->suppressed - 1);
            l->suppressed = 0;
            l->quiet_until = now + s_repeat_ms;
        }
        l->listed = false;
        *p = l->next;
    }
    pthread_mutex_unlock(&s_limits_mu);
}
