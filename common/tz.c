/* tz — IANA time zones read straight from TZif files (RFC 8536) under /usr/share/zoneinfo, or
 * under $LKIP_ZONEINFO when set (tests). The process's TZ and the C library's time zone state
 * are never touched, so several zones can be used side by side in one process, by several
 * threads (lkipd's workers and database loop; the web server threads of lkip monitor --web).
 *
 * A zone is its transition table (the 64-bit v2+ section when present, else the v1 section),
 * its local time types (offset, DST flag, abbreviation), and the footer's POSIX TZ rule, which
 * RFC 8536 says governs instants after the last transition (or all instants when there is none).
 * Fixed-offset footers ("WITA-8") and DST rules in the J, n and M forms are understood; a footer
 * that cannot be parsed is ignored, and instants after the last transition keep that
 * transition's type. An abbreviation that is not 1 to TZ_ABBR_SIZE - 1 characters of
 * [A-Za-z0-9+-] is replaced by the numeric offset ("+08"); it never makes a zone invalid.
 *
 * Zones are loaded on first use and cached by file path until tz_cleanup(); a tzdata update
 * therefore needs a daemon restart. Leap-second ("right/") files are refused: every instant
 * here is a POSIX time. Supported instants: 0001-01-01 ... 9999-12-31, as in calendar.c. */
#include "tz.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_ZONEINFO_DIR "/usr/share/zoneinfo"
#define S_NAME_MAX     255
#define S_FILE_MAX     (1024 * 1024) /* real TZif files are a few KiB */
#define S_HEADER_LEN   44
/* RFC 8536: a UT offset is within -25:59:59 ... +25:59:59 */
#define S_OFFSET_MAX (26 * 3600 - 1)
/* Any local time lies within this many seconds of its UTC instant. */
#define S_WINDOW  (26 * 3600)
#define S_UTC_MIN (-62135596800LL) /* 0001-01-01T00:00:00Z */
#define S_UTC_MAX 253402300799LL   /* 9999-12-31T23:59:59Z */
#define S_DAY_SEC 86400

/* How a POSIX TZ rule names the day of a change. */
typedef enum {
    S_RULE_JULIAN,     /* "Jn": day n of 1..365, February 29 never counted */
    S_RULE_ZERO_BASED, /* "n": day n of 0..365, February 29 counted in leap years */
    S_RULE_MONTH,      /* "Mm.w.d": weekday d of week w (5 = last) of month m */
} rule_kind_t;

/* One change of a POSIX TZ rule (start or end of DST). */
typedef struct {
    rule_kind_t kind;
    int day;      /* J: 1..365; n: 0..365; M: weekday 0 (Sunday) ... 6 */
    int week;     /* M: 1..5 */
    int month;    /* M: 1..12 */
    int32_t time; /* local time of the change, seconds after midnight (-167h ... 167h) */
} rule_date_t;

/* A POSIX TZ string: standard time, optionally DST with the dates it starts and ends. */
typedef struct {
    tz_info_t std;     /* standard time: offset and abbreviation */
    tz_info_t dst;     /* daylight time (isdst) */
    bool has_dst;      /* false: std all year */
    rule_date_t start; /* DST starts (local standard time) */
    rule_date_t end;   /* DST ends (local daylight time) */
} rule_t;

typedef struct {
    char *path;       /* the file it was read from: the cache key */
    int64_t *at;      /* transition instants, UTC seconds, strictly ascending */
    uint8_t *type_of; /* the type that applies from each transition on */
    size_t n_trans;   /* entries in at and type_of */
    tz_info_t *types; /* local time types; types[0] applies before the first transition */
    size_t n_types;   /* entries in types, >= 1 */
    bool has_rule;    /* the footer held a rule we understood */
    rule_t rule;      /* the footer's rule, for instants after the last transition */
} zone_t;

/* The cache of loaded zones, shared by every thread of the process. A zone never changes once
 * loaded and stays until tz_cleanup: only the list is locked, while a zone is found or added. */
static pthread_mutex_t s_zones_mu = PTHREAD_MUTEX_INITIALIZER;
static zone_t **s_zones;
static size_t s_n_zones;

/* ---- helpers ------------------------------------------------------------------------------- */

/* The civil year of a UTC-like second count. */
static int s_year_of(int64_t secs)
{
    int y, m, d;
    cal_civil_from_days((cal_day_t)cal_floor_div(secs, S_DAY_SEC), &y, &m, &d);
    return y;
}

static void s_zone_free(zone_t *z)
{
    if (!z)
        return;
    free(z->path);
    free(z->at);
    free(z->type_of);
    free(z->types);
    free(z);
}

/* ---- POSIX TZ strings (the TZif footer) ---------------------------------------------------- */

static bool s_is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool s_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool s_is_abbr_char(char c)
{
    return s_is_alpha(c) || s_is_digit(c) || c == '+' || c == '-';
}

/* Sets t->abbr to the n characters at name, or to t->utoff as tzdata writes a zone without a
 * name ("+08", "-0330", "+075736") when they are not a usable abbreviation (see the file
 * comment). */
static void s_set_abbr(tz_info_t *t, const char *name, size_t n)
{
    bool ok = n > 0 && n < sizeof(t->abbr);
    for (size_t i = 0; ok && i < n; i++)
        ok = s_is_abbr_char(name[i]);
    if (ok) {
        memcpy(t->abbr, name, n);
        t->abbr[n] = '\0';
        return;
    }
    int32_t a = t->utoff < 0 ? -t->utoff : t->utoff;
    int h = a / 3600, m = a / 60 % 60, sec = a % 60;
    char sign = t->utoff < 0 ? '-' : '+';
    if (sec)
        snprintf(t->abbr, sizeof(t->abbr), "%c%02d%02d%02d", sign, h, m, sec);
    else if (m)
        snprintf(t->abbr, sizeof(t->abbr), "%c%02d%02d", sign, h, m);
    else
        snprintf(t->abbr, sizeof(t->abbr), "%c%02d", sign, h);
}

/* A zone abbreviation: three or more letters, or <...> of letters, digits, '+' and '-'. Its
 * characters are *name (not terminated), *len of them. */
static bool s_posix_name(const char **p, const char **name, size_t *len)
{
    const char *s = *p;
    size_t n = 0;
    if (*s == '<') {
        for (s++; s_is_abbr_char(*s); s++)
            n++;
        if (*s != '>' || n < 3)
            return false;
        *name = *p + 1;
        *len = n;
        *p = s + 1;
        return true;
    }
    for (; s_is_alpha(*s); s++)
        n++;
    *name = *p;
    *len = n;
    *p = s;
    return n >= 3;
}

/* Consumes ch when it is next. */
static bool s_posix_expect(const char **p, char ch)
{
    if (**p != ch)
        return false;
    (*p)++;
    return true;
}

/* A number of 1..digits decimal digits, at most max. */
static bool s_posix_number(const char **p, int digits, int max, int *out)
{
    int v = 0, n = 0;
    while (s_is_digit(**p) && n < digits) {
        v = v * 10 + (**p - '0');
        (*p)++;
        n++;
    }
    if (n == 0 || v > max || s_is_digit(**p))
        return false;
    *out = v;
    return true;
}

/* [+-]hh[:mm[:ss]] in seconds, hours up to max_hours. */
static bool s_posix_hms(const char **p, int max_hours, int32_t *out)
{
    int sign = 1, h, m = 0, s = 0;
    if (**p == '+' || **p == '-')
        sign = *(*p)++ == '-' ? -1 : 1;
    if (!s_posix_number(p, 3, max_hours, &h))
        return false;
    if (s_posix_expect(p, ':')) {
        if (!s_posix_number(p, 2, 59, &m))
            return false;
        if (s_posix_expect(p, ':') && !s_posix_number(p, 2, 59, &s))
            return false;
    }
    *out = sign * (h * 3600 + m * 60 + s);
    return true;
}

/* A rule date "Jn", "n" or "Mm.w.d", then an optional "/time" (default 02:00). */
static bool s_posix_date(const char **p, rule_date_t *out)
{
    rule_date_t r = {.time = 2 * 3600};
    if (s_posix_expect(p, 'J')) {
        r.kind = S_RULE_JULIAN;
        if (!s_posix_number(p, 3, 365, &r.day) || r.day < 1)
            return false;
    } else if (s_posix_expect(p, 'M')) {
        r.kind = S_RULE_MONTH;
        if (!s_posix_number(p, 2, 12, &r.month) || r.month < 1 || !s_posix_expect(p, '.') ||
            !s_posix_number(p, 1, 5, &r.week) || r.week < 1 || !s_posix_expect(p, '.') ||
            !s_posix_number(p, 1, 6, &r.day))
            return false;
    } else {
        r.kind = S_RULE_ZERO_BASED;
        if (!s_posix_number(p, 3, 365, &r.day))
            return false;
    }
    /* RFC 8536 extends POSIX: the time may be negative and up to 167 hours. */
    if (s_posix_expect(p, '/') && !s_posix_hms(p, 167, &r.time))
        return false;
    *out = r;
    return true;
}

/* Parses a whole POSIX TZ string such as "WITA-8" or "CET-1CEST,M3.5.0,M10.5.0/3". A DST
 * name without a rule (POSIX's implementation-defined default) is refused. */
static bool s_posix_parse(const char *s, rule_t *out)
{
    rule_t r = {0};
    int32_t off;
    const char *std_name, *dst_name = NULL;
    size_t std_len, dst_len = 0;
    /* POSIX offsets count west of Greenwich: "WITA-8" is UTC+8. */
    if (!s_posix_name(&s, &std_name, &std_len) || !s_posix_hms(&s, 24, &off))
        return false;
    r.std.utoff = -off;
    r.dst.utoff = r.std.utoff;
    if (*s != '\0') {
        if (!s_posix_name(&s, &dst_name, &dst_len))
            return false;
        r.has_dst = true;
        r.dst.utoff = r.std.utoff + 3600;
        if (*s != ',' && *s != '\0') {
            if (!s_posix_hms(&s, 24, &off))
                return false;
            r.dst.utoff = -off;
        }
        if (!s_posix_expect(&s, ',') || !s_posix_date(&s, &r.start) || !s_posix_expect(&s, ',') ||
            !s_posix_date(&s, &r.end))
            return false;
    }
    if (*s != '\0' || r.std.utoff < -S_OFFSET_MAX || r.std.utoff > S_OFFSET_MAX ||
        r.dst.utoff < -S_OFFSET_MAX || r.dst.utoff > S_OFFSET_MAX)
        return false;
    s_set_abbr(&r.std, std_name, std_len);
    r.dst.isdst = r.has_dst;
    s_set_abbr(&r.dst, dst_name, dst_len);
    *out = r;
    return true;
}

/* The date (days since 1970-01-01) a rule names in a year. */
static int64_t s_rule_day(const rule_date_t *r, int year)
{
    int64_t jan1 = cal_days_from_civil(year, 1, 1);
    switch (r->kind) {
    case S_RULE_JULIAN:
        /* Days are 1..365 and February 29 is skipped: from March on, leap years add one. */
        return jan1 + r->day - 1 + (cal_is_leap(year) && r->day >= 60);
    case S_RULE_ZERO_BASED:
        return jan1 + r->day;
    case S_RULE_MONTH:
    default: {
        int len = cal_days_in_month(year, r->month);
        int64_t first = cal_days_from_civil(year, r->month, 1);
        int mday = 1 + (r->day - cal_weekday((cal_day_t)first) + 7) % 7 + (r->week - 1) * 7;
        while (mday > len) /* week 5 means the last such weekday */
            mday -= 7;
        return first + mday - 1;
    }
    }
}

/* The UTC instants DST starts and ends in a year. */
static void s_rule_year(const rule_t *r, int year, int64_t *start, int64_t *end)
{
    *start = s_rule_day(&r->start, year) * S_DAY_SEC + r->start.time - r->std.utoff;
    *end = s_rule_day(&r->end, year) * S_DAY_SEC + r->end.time - r->dst.utoff;
}

/* Standard or daylight time, whichever the rule has at utc. */
static const tz_info_t *s_rule_type(const rule_t *r, int64_t utc)
{
    int64_t start, end;
    if (!r->has_dst)
        return &r->std;
    s_rule_year(r, s_year_of(utc + r->std.utoff), &start, &end);
    /* Northern hemisphere: DST inside [start, end); southern: outside [end, start). */
    bool dst = start < end ? (utc >= start && utc < end) : !(utc >= end && utc < start);
    return dst ? &r->dst : &r->std;
}

/* The first change of the rule strictly after utc (INT64_MAX when it never changes). */
static int64_t s_rule_next_change(const rule_t *r, int64_t utc)
{
    int64_t best = INT64_MAX;
    if (!r->has_dst)
        return best;
    int year = s_year_of(utc + r->std.utoff);
    for (int y = year - 1; y <= year + 1; y++) {
        int64_t start, end;
        s_rule_year(r, y, &start, &end);
        if (start > utc && start < best)
            best = start;
        if (end > utc && end < best)
            best = end;
    }
    return best;
}

/* ---- TZif files ---------------------------------------------------------------------------- */

/* A read position in a file's bytes. */
typedef struct {
    const uint8_t *p; /* next byte */
    size_t left;      /* bytes after p */
} cursor_t;

/* The counts of a TZif header, in file order. */
typedef struct {
    uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
} counts_t;

static const uint8_t *s_take(cursor_t *c, size_t n)
{
    if (n > c->left)
        return NULL;
    const uint8_t *p = c->p;
    c->p += n;
    c->left -= n;
    return p;
}

static uint32_t s_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t s_be64(const uint8_t *p)
{
    return (int64_t)((uint64_t)s_be32(p) << 32 | s_be32(p + 4));
}

/* Reads a header: magic, version ('\0' for 1, else '2', '3', ...) and the six counts. */
static int s_read_header(cursor_t *c, char *version, counts_t *n)
{
    const uint8_t *h = s_take(c, S_HEADER_LEN);
    if (!h || memcmp(h, "TZif", 4) != 0)
        return -EINVAL;
    *version = (char)h[4];
    if (*version != '\0' && (*version < '2' || *version > '9'))
        return -EINVAL;
    uint32_t v[6];
    for (int i = 0; i < 6; i++)
        v[i] = s_be32(h + 20 + 4 * i);
    *n = (counts_t){v[0], v[1], v[2], v[3], v[4], v[5]};
    /* Bounds that keep the size arithmetic below far from overflow. */
    if (n->typecnt == 0 || n->typecnt > 256 || n->charcnt == 0 || n->timecnt > 1000000 ||
        n->leapcnt > 1000000 || n->charcnt > 1000000 || (n->isutcnt && n->isutcnt != n->typecnt) ||
        (n->isstdcnt && n->isstdcnt != n->typecnt))
        return -EINVAL;
    return 0;
}

/* Bytes of the data block that follows a header, with times of tsize bytes. */
static size_t s_block_len(const counts_t *n, size_t tsize)
{
    return (size_t)n->timecnt * (tsize + 1) + (size_t)n->typecnt * 6 + n->charcnt +
           (size_t)n->leapcnt * (tsize + 4) + n->isstdcnt + n->isutcnt;
}

/* Reads a data block (times of tsize bytes: 4 in v1, 8 in v2+) into z. */
static int s_read_block(cursor_t *c, const counts_t *n, size_t tsize, zone_t *z)
{
    /* Leap-second files count TAI-like seconds; mixing them with POSIX time would be wrong. */
    if (n->leapcnt != 0)
        return -ENOTSUP;
    const uint8_t *b = s_take(c, s_block_len(n, tsize));
    if (!b)
        return -EINVAL;
    const uint8_t *times = b, *idx = b + (size_t)n->timecnt * tsize;
    const uint8_t *types = idx + n->timecnt;
    const char *chars = (const char *)types + (size_t)n->typecnt * 6; /* the abbreviations */
    z->n_trans = n->timecnt;
    z->n_types = n->typecnt;
    z->at = xcalloc(n->timecnt + 1, sizeof(int64_t));
    z->type_of = xcalloc(n->timecnt + 1, 1);
    z->types = xcalloc(n->typecnt, sizeof(tz_info_t));
    for (size_t i = 0; i < n->timecnt; i++) {
        const uint8_t *t = times + i * tsize;
        z->at[i] = tsize == 8 ? s_be64(t) : (int32_t)s_be32(t);
        z->type_of[i] = idx[i];
        if (idx[i] >= n->typecnt || (i > 0 && z->at[i] <= z->at[i - 1]))
            return -EINVAL;
    }
    for (size_t i = 0; i < n->typecnt; i++) {
        const uint8_t *t = types + i * 6;
        int32_t off = (int32_t)s_be32(t);
        /* t[4] is isdst; t[5] the index of the abbreviation, a NUL-terminated string */
        if (off < -S_OFFSET_MAX || off > S_OFFSET_MAX || t[4] > 1 || t[5] >= n->charcnt)
            return -EINVAL;
        z->types[i].utoff = off;
        z->types[i].isdst = t[4];
        size_t left = n->charcnt - t[5], len = strnlen(chars + t[5], left);
        s_set_abbr(&z->types[i], chars + t[5], len < left ? len : 0);
    }
    return 0;
}

/* The v2+ footer: "\n" POSIX-TZ "\n". Unusable footers are ignored (see the file comment). */
static void s_read_footer(cursor_t *c, zone_t *z)
{
    char buf[128];
    if (c->left < 2 || c->p[0] != '\n')
        return;
    const uint8_t *nl = memchr(c->p + 1, '\n', c->left - 1);
    size_t len = nl ? (size_t)(nl - (c->p + 1)) : 0;
    if (!nl || len == 0 || len >= sizeof(buf))
        return;
    memcpy(buf, c->p + 1, len);
    buf[len] = '\0';
    z->has_rule = s_posix_parse(buf, &z->rule);
}

static int s_parse_tzif(const uint8_t *data, size_t len, zone_t *z)
{
    cursor_t c = {data, len};
    counts_t n;
    char version;
    int rc = s_read_header(&c, &version, &n);
    if (rc != 0)
        return rc;
    if (version == '\0')
        return s_read_block(&c, &n, 4, z);
    /* v2+: the v1 block is only there for old readers; the 64-bit one follows it. */
    if (n.leapcnt != 0)
        return -ENOTSUP;
    if (!s_take(&c, s_block_len(&n, 4)))
        return -EINVAL;
    if ((rc = s_read_header(&c, &version, &n)) != 0 || (rc = s_read_block(&c, &n, 8, z)) != 0)
        return rc;
    s_read_footer(&c, z);
    return 0;
}

/* ---- zones --------------------------------------------------------------------------------- */

/* The local time type in effect at utc (RFC 8536 section 3.2). */
static const tz_info_t *s_type_at(const zone_t *z, int64_t utc)
{
    size_t n = z->n_trans;
    if (n == 0 || utc >= z->at[n - 1]) {
        if (z->has_rule)
            return s_rule_type(&z->rule, utc);
        return &z->types[n == 0 ? 0 : z->type_of[n - 1]];
    }
    if (utc < z->at[0])
        return &z->types[0];
    size_t lo = 0, hi = n - 1; /* at[lo] <= utc < at[hi] */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (z->at[mid] <= utc)
            lo = mid;
        else
            hi = mid;
    }
    return &z->types[z->type_of[lo]];
}

/* The offset in effect at utc. */
static int32_t s_offset_at(const zone_t *z, int64_t utc)
{
    return s_type_at(z, utc)->utoff;
}

/* The first instant after utc at which the offset may change (INT64_MAX: never). */
static int64_t s_next_change(const zone_t *z, int64_t utc)
{
    size_t n = z->n_trans;
    if (n > 0 && utc < z->at[n - 1]) {
        size_t lo = 0, hi = n - 1; /* the first at[] > utc is in [lo, hi] */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (z->at[mid] <= utc)
                lo = mid + 1;
            else
                hi = mid;
        }
        return z->at[lo];
    }
    return z->has_rule ? s_rule_next_change(&z->rule, utc) : INT64_MAX;
}

/* Names: non-empty components of [A-Za-z0-9_+-] separated by single '/'. No '.', so no "..";
 * no leading '/', so never outside the zoneinfo directory. */
static bool s_name_ok(const char *zone)
{
    size_t len = zone ? strlen(zone) : 0;
    if (len == 0 || len > S_NAME_MAX || zone[0] == '/' || zone[len - 1] == '/')
        return false;
    for (size_t i = 0; i < len; i++) {
        char ch = zone[i];
        if (ch == '/' && zone[i + 1] == '/')
            return false;
        if (!s_is_alpha(ch) && !s_is_digit(ch) && ch != '/' && ch != '_' && ch != '+' && ch != '-')
            return false;
    }
    return true;
}

/* Loads the zone at path (taking it) into the cache. Called with s_zones_mu held. */
static int s_zone_load(char *path, const zone_t **out)
{
    char *data;
    size_t len;
    int rc = read_file(path, S_FILE_MAX, &data, &len);
    if (rc != 0) {
        free(path);
        return rc;
    }
    zone_t *z = xcalloc(1, sizeof(*z));
    z->path = path;
    rc = s_parse_tzif((const uint8_t *)data, len, z);
    free(data);
    if (rc != 0) {
        s_zone_free(z);
        return rc;
    }
    s_zones = xrealloc(s_zones, (s_n_zones + 1) * sizeof(*s_zones));
    s_zones[s_n_zones++] = z;
    *out = z;
    return 0;
}

/* The cached zone, loading it on first use. 0, -EINVAL (bad name or file), -ENOENT, ... */
static int s_zone_get(const char *zone, const zone_t **out)
{
    if (!s_name_ok(zone))
        return -EINVAL;
    const char *dir = getenv("LKIP_ZONEINFO");
    char *path = xasprintf("%s/%s", dir && *dir ? dir : S_ZONEINFO_DIR, zone);
    pthread_mutex_lock(&s_zones_mu);
    for (size_t i = 0; i < s_n_zones; i++) {
        if (strcmp(s_zones[i]->path, path) == 0) {
            *out = s_zones[i];
            pthread_mutex_unlock(&s_zones_mu);
            free(path);
            return 0;
        }
    }
    int rc = s_zone_load(path, out);
    pthread_mutex_unlock(&s_zones_mu);
    return rc;
}

bool tz_valid(const char *zone)
{
    const zone_t *z;
    return s_zone_get(zone, &z) == 0;
}

int tz_info(const char *zone, int64_t utc, tz_info_t *info)
{
    const zone_t *z;
    if (s_zone_get(zone, &z) != 0)
        return -EINVAL;
    if (utc < S_UTC_MIN || utc > S_UTC_MAX)
        return -ERANGE;
    *info = *s_type_at(z, utc);
    return 0;
}

int tz_to_local(const char *zone, int64_t utc, cal_min_t *local)
{
    tz_info_t info;
    int rc = tz_info(zone, utc, &info);
    if (rc == 0)
        *local = cal_floor_div(utc + info.utoff, 60);
    return rc;
}

/* Walks the pieces of constant offset that can hold local time L (within S_WINDOW of it), in
 * time order: the first piece that maps L to an instant inside itself gives the earliest
 * instant (the fold rule); a jump of the offset over L is a gap, and the jump's instant is the
 * first one after it. */
int tz_from_local(const char *zone, cal_min_t local, int64_t *utc)
{
    const zone_t *z;
    if (s_zone_get(zone, &z) != 0)
        return -EINVAL;
    if (local < S_UTC_MIN / 60 || local > S_UTC_MAX / 60)
        return -ERANGE;
    int64_t L = local * 60, u = L - S_WINDOW;
    for (int piece = 0; piece < 64; piece++) {
        int32_t off = s_offset_at(z, u);
        int64_t next = s_next_change(z, u);
        if (L - off >= u && L - off < next) {
            *utc = L - off;
            return 0;
        }
        if (next > L + S_WINDOW)
            break;
        if (L >= next + off && L < next + s_offset_at(z, next)) {
            *utc = next;
            return 0;
        }
        u = next;
    }
    /* Not reached with consistent data; keep a sane answer rather than fail. */
    *utc = L - s_offset_at(z, L);
    return 0;
}

void tz_cleanup(void)
{
    pthread_mutex_lock(&s_zones_mu);
    for (size_t i = 0; i < s_n_zones; i++)
        s_zone_free(s_zones[i]);
    free(s_zones);
    s_zones = NULL;
    s_n_zones = 0;
    pthread_mutex_unlock(&s_zones_mu);
}
