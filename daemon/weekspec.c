/* weekspec — see weekspec.h. */
#include "weekspec.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const s_days[] = {"minggu", "senin", "selasa", "rabu",
                                     "kamis",  "jumat", "sabtu"};

static int s_day(const char *name, size_t n)
{
    if (n == 6 && strncasecmp(name, "jum'at", 6) == 0)
        return 5;
    for (int i = 0; i < 7; i++)
        if (strlen(s_days[i]) == n && strncasecmp(name, s_days[i], n) == 0)
            return i;
    return -1;
}

/* Parses "HH:MM-HH:MM,HH:MM-HH:MM" (or "libur") into hours. */
static int s_spans(const char *text, cal_hours_t *hours, char *why, size_t len)
{
    memset(hours, 0, sizeof *hours);
    if (strcasecmp(text, "libur") == 0)
        return 0;
    const char *p = text;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        char span[32];
        if (n >= sizeof span || hours->n == CAL_MAX_SPANS) {
            snprintf(why, len, "rentang jam \"%.*s\" tidak sah", (int)n, p);
            return -EINVAL;
        }
        memcpy(span, p, n);
        span[n] = '\0';
        char *dash = strchr(span, '-');
        int a, b;
        if (!dash) {
            snprintf(why, len, "rentang jam \"%s\" harus berbentuk JJ:MM-JJ:MM", span);
            return -EINVAL;
        }
        *dash = '\0';
        if (cal_parse_clock(span, &a) != 0 || cal_parse_clock(dash + 1, &b) != 0 || a >= b) {
            snprintf(why, len, "rentang jam \"%s-%s\" tidak sah", span, dash + 1);
            return -EINVAL;
        }
        hours->span[hours->n++] = (cal_span_t){(int16_t)a, (int16_t)b};
        p = comma ? comma + 1 : p + n;
    }
    return 0;
}

static bool s_has_working_time(const cal_week_t *week)
{
    for (int d = 0; d < 7; d++)
        if (week->day[d].n > 0)
            return true;
    return false;
}

int weekspec_parse(const char *text, cal_week_t *week, char *why, size_t len)
{
    memset(week, 0, sizeof *week);
    bool seen[7] = {false};
    char buf[1024];
    if (strlen(text) >= sizeof buf || !*text) {
        snprintf(why, len, "jam kerja kosong atau terlalu panjang");
        return -EINVAL;
    }
    /* drop spaces: "senin - kamis = 07:30-12:00" reads the same */
    size_t w = 0;
    for (const char *p = text; *p; p++)
        if (*p != ' ' && *p != '\t')
            buf[w++] = *p;
    buf[w] = '\0';
    if (w == 0) { /* only spaces: as empty as "" (not a week without working time) */
        snprintf(why, len, "jam kerja kosong atau terlalu panjang");
        return -EINVAL;
    }
    for (char *part = buf; part && *part;) {
        char *semi = strchr(part, ';');
        if (semi)
            *semi = '\0';
        char *eq = strchr(part, '=');
        if (!eq) {
            snprintf(why, len, "bagian \"%s\" harus berbentuk HARI=JAM, mis. senin=07:30-16:00",
                     part);
            return -EINVAL;
        }
        *eq = '\0';
        char *dash = strchr(part, '-');
        int first = s_day(part, dash ? (size_t)(dash - part) : strlen(part));
        int last = dash ? s_day(dash + 1, strlen(dash + 1)) : first;
        if (first < 0 || last < 0 || last < first) {
            snprintf(why, len, "hari \"%s\" tidak dikenal (minggu, senin, ..., sabtu)", part);
            return -EINVAL;
        }
        if (!eq[1]) { /* "senin=": a slip, not a day off (that is "libur" or not naming it) */
            snprintf(why, len, "jam kerja untuk \"%s\" kosong; tulis JJ:MM-JJ:MM, atau libur",
                     part);
            return -EINVAL;
        }
        cal_hours_t hours;
        if (s_spans(eq + 1, &hours, why, len) != 0)
            return -EINVAL;
        for (int d = first; d <= last; d++) {
            if (seen[d]) {
                snprintf(why, len, "hari %s disebut dua kali", s_days[d]);
                return -EINVAL;
            }
            seen[d] = true;
            week->day[d] = hours;
        }
        part = semi ? semi + 1 : NULL;
    }
    if (calendar_check_week(week) != 0) {
        snprintf(why, len, "rentang jam tumpang tindih atau tidak berurutan");
        return -EINVAL;
    }
    /* a week without working time never ends a deadline (steps would get no due time), and is
     * written "libur", which is not a week: dates without working time are holidays */
    if (!s_has_working_time(week)) {
        snprintf(why, len,
                 "tidak ada jam kerja sama sekali dalam seminggu; setidaknya satu hari harus "
                 "memiliki jam kerja (tanggal tanpa jam kerja dicatat sebagai hari libur)");
        return -EINVAL;
    }
    return 0;
}

static bool s_same(const cal_hours_t *a, const cal_hours_t *b)
{
    if (a->n != b->n)
        return false;
    for (int i = 0; i < a->n; i++)
        if (a->span[i].start != b->span[i].start || a->span[i].end != b->span[i].end)
            return false;
    return true;
}

void weekspec_format(const cal_week_t *week, char *buf, size_t len)
{
    strbuf_t sb = {0};
    /* Monday first, Sunday last, as offices write it */
    static const int order[] = {1, 2, 3, 4, 5, 6, 0};
    for (int i = 0; i < 7;) {
        int d = order[i];
        int j = i;
        while (j + 1 < 7 && order[j + 1] != 0 && s_same(&week->day[d], &week->day[order[j + 1]]))
            j++;
        if (week->day[d].n > 0) {
            if (sb.len)
                strbuf_puts(&sb, ";");
            if (j > i)
                strbuf_printf(&sb, "%s-%s=", s_days[d], s_days[order[j]]);
            else
                strbuf_printf(&sb, "%s=", s_days[d]);
            for (int k = 0; k < week->day[d].n; k++) {
                const cal_span_t *s = &week->day[d].span[k];
                strbuf_printf(&sb, "%s%02d:%02d-%02d:%02d", k ? "," : "", s->start / 60,
                              s->start % 60, s->end / 60, s->end % 60);
            }
        }
        i = j + 1;
    }
    snprintf(buf, len, "%s", sb.len ? strbuf_str(&sb) : "libur");
    strbuf_free(&sb);
}
