/* sopdef — see sopdef.h. The text goes through libyaml twice: first the event parser, which
 * is iterative, reports syntax errors and lets us refuse deep nesting, aliases and extra
 * documents before the recursive document loader ever sees them; then the document loader,
 * whose nodes carry line numbers, for the walk over the schema. Every error stops the walk
 * and becomes one "name:line: reason" message. */
#include "sopdef.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

/* Deepest nesting the schema uses is 5 (root, langkah, step, pengingat, persen); anything
 * much deeper is a mistake, and refusing it keeps the recursive loader off the C stack. */
#define S_MAX_DEPTH 8
#define S_MAX_KEYS  16

/* State of one parse. */
typedef struct {
    const char *name;    /* used in messages */
    const char *text;    /* the source, for line numbers of reader errors */
    size_t len;          /* bytes of text */
    yaml_document_t doc; /* the loaded document (valid while walking) */
    char where[32];      /* "step 3: " while a step is read, else "" */
    char *err;           /* caller's message buffer; may be NULL */
    size_t errlen;       /* its size */
} s_ctx_t;

/* One key a mapping may hold. */
typedef struct {
    const char *key;
    bool required;
} s_key_t;

/* The keys found in one mapping, indexed like its key table; NULL where absent. */
typedef struct {
    yaml_node_t *key[S_MAX_KEYS];
    yaml_node_t *val[S_MAX_KEYS];
} s_found_t;

/* Flags of s_text. */
enum {
    S_TXT_REQUIRED = 1,  /* absent, null or empty is an error */
    S_TXT_MULTILINE = 2, /* line breaks and tabs allowed (free text) */
    S_TXT_DASH_NONE = 4, /* "-" means none, as in the SOP table's empty cells */
};

static const char *const s_kind_names[] = {
    [SOP_TASK] = "tugas",         [SOP_FANOUT] = "sebar",        [SOP_FANIN] = "himpun",
    [SOP_DECISION] = "keputusan", [SOP_NUMBERING] = "penomoran", [SOP_ARCHIVE] = "arsip",
};
static const char *const s_unit_names[] = {
    [SOP_MINUTES] = "menit",
    [SOP_HOURS] = "jam",
    [SOP_DAYS] = "hari",
};
static const char *const s_doc_names[] = {
    [SOP_DOC_NONE] = "tidak",
    [SOP_DOC_OPTIONAL] = "opsional",
    [SOP_DOC_REQUIRED] = "wajib",
};

/* ---- messages ------------------------------------------------------------------------- */

static int s_vfail(s_ctx_t *c, size_t line, const char *fmt, va_list ap)
{
    if (!c->err || !c->errlen)
        return -1;
    int n = snprintf(c->err, c->errlen, "%s:%zu: %s", c->name, line, c->where);
    if (n >= 0 && (size_t)n < c->errlen)
        vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
    return -1;
}

/* Records an error at a 1-based line; returns -1 so callers can return it. */
static int s_fail_line(s_ctx_t *c, size_t line, const char *fmt, ...) PRINTF(3, 4);
static int s_fail_line(s_ctx_t *c, size_t line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    s_vfail(c, line, fmt, ap);
    va_end(ap);
    return -1;
}

/* Records an error at the line where node starts; returns -1. */
static int s_fail(s_ctx_t *c, const yaml_node_t *node, const char *fmt, ...) PRINTF(3, 4);
static int s_fail(s_ctx_t *c, const yaml_node_t *node, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    s_vfail(c, node->start_mark.line + 1, fmt, ap);
    va_end(ap);
    return -1;
}

static size_t s_line(const yaml_node_t *node)
{
    return node->start_mark.line + 1;
}

/* A parser error as a message. Reader errors (bad UTF-8, control characters) carry a byte
 * offset instead of a mark, so their line is counted in the text. */
static int s_fail_parser(s_ctx_t *c, const yaml_parser_t *p)
{
    if (p->error == YAML_MEMORY_ERROR) {
        /* Same policy as xmalloc: out-of-memory is not an input error. */
        fputs("out of memory in libyaml\n", stderr);
        abort();
    }
    const char *problem = p->problem ? p->problem : "unknown error";
    if (p->error == YAML_READER_ERROR) {
        size_t end = p->problem_offset < c->len ? p->problem_offset : c->len;
        size_t line = 1;
        for (size_t i = 0; i < end; i++)
            line += c->text[i] == '\n';
        return s_fail_line(c, line, "text is not clean UTF-8: %s", problem);
    }
    if (p->context)
        return s_fail_line(c, p->problem_mark.line + 1, "syntax error: %s (%s at line %zu)",
                           problem, p->context, p->context_mark.line + 1);
    return s_fail_line(c, p->problem_mark.line + 1, "syntax error: %s", problem);
}

/* ---- the two libyaml passes ----------------------------------------------------------- */

static void s_parser_init(s_ctx_t *c, yaml_parser_t *p)
{
    if (!yaml_parser_initialize(p)) {
        fputs("out of memory in libyaml\n", stderr);
        abort();
    }
    /* Force UTF-8: otherwise a BOM would switch libyaml to UTF-16. */
    yaml_parser_set_encoding(p, YAML_UTF8_ENCODING);
    yaml_parser_set_input_string(p, (const unsigned char *)c->text, c->len);
}

/* First pass: syntax, nesting depth, aliases and the number of documents. */
static int s_prescan(s_ctx_t *c)
{
    yaml_parser_t p;
    s_parser_init(c, &p);
    int rc = 0, depth = 0, docs = 0;
    for (;;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&p, &ev)) {
            rc = s_fail_parser(c, &p);
            break;
        }
        size_t line = ev.start_mark.line + 1;
        switch (ev.type) {
        case YAML_DOCUMENT_START_EVENT:
            if (++docs > 1)
                rc = s_fail_line(c, line, "only one document is allowed per file");
            break;
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
            if (++depth > S_MAX_DEPTH)
                rc = s_fail_line(c, line, "nested too deeply (more than %d levels)", S_MAX_DEPTH);
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            depth--;
            break;
        case YAML_ALIAS_EVENT:
            /* Aliases make a file harder to read for the administrators who edit it. */
            rc = s_fail_line(c, line, "aliases (*%s) are not supported; write the value out",
                             (const char *)ev.data.alias.anchor);
            break;
        default:
            break;
        }
        bool end = ev.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&ev);
        if (rc || end)
            break;
    }
    yaml_parser_delete(&p);
    if (!rc && docs == 0)
        rc = s_fail_line(c, 1, "the definition is empty");
    return rc;
}

/* Second pass: the document with its nodes. On success the caller deletes c->doc. */
static int s_load(s_ctx_t *c)
{
    yaml_parser_t p;
    s_parser_init(c, &p);
    int rc = 0;
    if (!yaml_parser_load(&p, &c->doc))
        rc = s_fail_parser(c, &p);
    yaml_parser_delete(&p);
    return rc;
}

/* ---- node helpers --------------------------------------------------------------------- */

static yaml_node_t *s_node(s_ctx_t *c, int index)
{
    return yaml_document_get_node(&c->doc, index);
}

static const char *s_kind_of(const yaml_node_t *n)
{
    switch (n->type) {
    case YAML_SEQUENCE_NODE:
        return "a list";
    case YAML_MAPPING_NODE:
        return "a mapping";
    default:
        return "text";
    }
}

static const char *s_sval(const yaml_node_t *n)
{
    return (const char *)n->data.scalar.value;
}

/* A plain empty, "~" or "null" scalar: YAML's way of writing nothing. */
static bool s_is_null(const yaml_node_t *n)
{
    if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return false;
    const char *v = s_sval(n);
    return !*v || !strcmp(v, "~") || !strcasecmp(v, "null");
}

/* Optimal string alignment distance (edits and swaps of neighbours) for key suggestions;
 * "uriaan" is one swap from "uraian". Long strings count as far. */
static int s_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 32 || lb > 32)
        return 99;
    int d[33][33];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = (int)i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        for (size_t j = 1; j <= lb; j++) {
            int cost = a[i - 1] != b[j - 1];
            int best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < best)
                best = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    }
    return d[la][lb];
}

/* Checks a mapping against its key table: typos and repeated keys must not pass silently,
 * because a misspelt optional key would otherwise just be ignored. label prefixes messages. */
static int s_collect(s_ctx_t *c, yaml_node_t *map, const char *label, const s_key_t *keys, size_t n,
                     s_found_t *f)
{
    memset(f, 0, sizeof *f);
    if (map->type != YAML_MAPPING_NODE)
        return s_fail(c, map, "%sexpected a mapping of keys, found %s", label, s_kind_of(map));
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = s_node(c, p->key), *v = s_node(c, p->value);
        if (k->type != YAML_SCALAR_NODE)
            return s_fail(c, k, "%skeys must be words, found %s", label, s_kind_of(k));
        const char *ks = s_sval(k);
        size_t klen = k->data.scalar.length, i;
        for (i = 0; i < n; i++)
            if (strlen(keys[i].key) == klen && !memcmp(keys[i].key, ks, klen))
                break;
        if (i == n) {
            if (klen != strlen(ks) || !text_is_clean(ks, klen, true) || klen > 64)
                return s_fail(c, k, "%sunknown key", label);
            /* Suggest only close keys: one edit for short words, two for longer ones. */
            size_t best = n;
            int best_d = klen <= 4 ? 2 : 3;
            for (size_t j = 0; j < n; j++) {
                int d = s_distance(ks, keys[j].key);
                if (d < best_d) {
                    best_d = d;
                    best = j;
                }
            }
            if (best < n)
                return s_fail(c, k, "%sunknown key \"%s\" (did you mean \"%s\"?)", label, ks,
                              keys[best].key);
            strbuf_t sb = {0};
            for (size_t j = 0; j < n; j++)
                strbuf_printf(&sb, "%s%s", j ? ", " : "", keys[j].key);
            s_fail(c, k, "%sunknown key \"%s\" (known keys: %s)", label, ks, strbuf_str(&sb));
            strbuf_free(&sb);
            return -1;
        }
        if (f->key[i])
            return s_fail(c, k, "%sduplicate key \"%s\" (first at line %zu)", label, ks,
                          s_line(f->key[i]));
        f->key[i] = k;
        f->val[i] = v;
    }
    for (size_t i = 0; i < n; i++)
        if (keys[i].required && !f->val[i])
            return s_fail(c, map, "%smissing required key \"%s\"", label, keys[i].key);
    return 0;
}

/* Reads a text value into *out (owned by the caller), trimmed of surrounding white space.
 * A null value, and "-" with S_TXT_DASH_NONE, read as "". */
static int s_text(s_ctx_t *c, const char *key, yaml_node_t *n, int flags, char **out)
{
    if (n->type != YAML_SCALAR_NODE)
        return s_fail(c, n, "%s: expected text, found %s", key, s_kind_of(n));
    const char *v = s_sval(n);
    size_t len = n->data.scalar.length;
    bool multiline = flags & S_TXT_MULTILINE;
    if (!text_is_clean(v, len, !multiline))
        return s_fail(c, n, "%s: text must be valid UTF-8 without control characters%s", key,
                      multiline ? "" : " or line breaks");
    if (s_is_null(n))
        len = 0;
    while (len && strchr(" \t\r\n", *v)) {
        v++;
        len--;
    }
    while (len && strchr(" \t\r\n", v[len - 1]))
        len--;
    if ((flags & S_TXT_DASH_NONE) && len == 1 && *v == '-')
        len = 0;
    if (len > SOPDEF_MAX_TEXT)
        return s_fail(c, n, "%s: text is longer than %d bytes", key, SOPDEF_MAX_TEXT);
    if (!len && (flags & S_TXT_REQUIRED))
        return s_fail(c, n, "%s: must not be empty", key);
    *out = xstrndup(v, len);
    return 0;
}

/* A whole number in [min, max]. */
static int s_int(s_ctx_t *c, const char *key, yaml_node_t *n, int min, int max, int *out)
{
    if (n->type != YAML_SCALAR_NODE)
        return s_fail(c, n, "%s: expected a whole number, found %s", key, s_kind_of(n));
    const char *v = s_sval(n);
    size_t len = n->data.scalar.length;
    bool digits = len > 0 && len <= 9;
    for (size_t i = 0; digits && i < len; i++)
        digits = v[i] >= '0' && v[i] <= '9';
    if (!digits)
        return s_fail(c, n, "%s: expected a whole number, found \"%.40s\"", key,
                      text_is_clean(v, len, true) ? v : "?");
    long x = strtol(v, NULL, 10);
    if (x < min || x > max)
        return s_fail(c, n, "%s: %ld is out of range (%d to %d)", key, x, min, max);
    *out = (int)x;
    return 0;
}

/* One of words (case-insensitive); *out is its index. */
static int s_word(s_ctx_t *c, const char *key, yaml_node_t *n, const char *const *words,
                  size_t nwords, int *out)
{
    if (n->type == YAML_SCALAR_NODE) {
        for (size_t i = 0; i < nwords; i++) {
            if (strlen(words[i]) == n->data.scalar.length && !strcasecmp(words[i], s_sval(n))) {
                *out = (int)i;
                return 0;
            }
        }
    }
    strbuf_t sb = {0};
    for (size_t i = 0; i < nwords; i++)
        strbuf_printf(&sb, "%s%s", i ? ", " : "", words[i]);
    if (n->type == YAML_SCALAR_NODE && text_is_clean(s_sval(n), n->data.scalar.length, true))
        s_fail(c, n, "%s: unknown value \"%.40s\" (use one of: %s)", key, s_sval(n),
               strbuf_str(&sb));
    else
        s_fail(c, n, "%s: expected one of: %s", key, strbuf_str(&sb));
    strbuf_free(&sb);
    return -1;
}

/* true/false, with ya/tidak and yes/no for administrators who write Indonesian or YAML 1.1. */
static int s_bool(s_ctx_t *c, const char *key, yaml_node_t *n, bool *out)
{
    static const char *const words[] = {"false", "true", "tidak", "ya", "no", "yes"};
    int i;
    if (s_word(c, key, n, words, ARRAY_LEN(words), &i))
        return -1;
    *out = i % 2;
    return 0;
}

static bool s_is_role(const char *s)
{
    size_t len = strlen(s);
    if (len < 1 || len > 32 || s[0] < 'a' || s[0] > 'z')
        return false;
    for (size_t i = 1; i < len; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
            return false;
    return true;
}

/* A role code [a-z][a-z0-9_]{0,31}; "" allowed only when !required. */
static int s_role(s_ctx_t *c, const char *key, yaml_node_t *n, bool required, char **out)
{
    if (s_text(c, key, n, required ? S_TXT_REQUIRED : 0, out))
        return -1;
    if (**out && !s_is_role(*out)) {
        s_fail(c, n,
               "%s: \"%s\" is not a role code (lower-case letters, digits and _, "
               "starting with a letter, at most 32)",
               key, *out);
        free(*out);
        *out = NULL;
        return -1;
    }
    return 0;
}

/* Parses "<N> menit|jam|hari" (unit case-insensitive, N 1..SOPDEF_MAX_TIME). Returns NULL, or
 * the reason it is not a duration. */
static const char *s_parse_duration(const char *s, int *value, sop_unit_t *unit)
{
    const char *p = s;
    long n = 0;
    int digits = 0;
    while (*p >= '0' && *p <= '9') {
        if (++digits > 9)
            return "the number is too large";
        n = n * 10 + (*p++ - '0');
    }
    if (!digits)
        return "expected \"<number> menit|jam|hari\", e.g. \"2 jam\"";
    if (*p != ' ' && *p != '\t')
        return "expected a space between the number and menit, jam or hari";
    while (*p == ' ' || *p == '\t')
        p++;
    size_t i;
    for (i = 0; i < ARRAY_LEN(s_unit_names); i++)
        if (!strcasecmp(p, s_unit_names[i]))
            break;
    if (i == ARRAY_LEN(s_unit_names))
        return "unknown unit (use menit, jam or hari)";
    if (n < 1 || n > SOPDEF_MAX_TIME)
        return "the number must be from 1 to 100000";
    *value = (int)n;
    *unit = (sop_unit_t)i;
    return NULL;
}

/* A duration node; *text gets the trimmed text as written (caller owns). */
static int s_duration(s_ctx_t *c, const char *key, yaml_node_t *n, char **text, int *value,
                      sop_unit_t *unit)
{
    if (s_text(c, key, n, S_TXT_REQUIRED, text))
        return -1;
    const char *why = s_parse_duration(*text, value, unit);
    if (why) {
        s_fail(c, n, "%s: \"%s\": %s", key, *text, why);
        free(*text);
        *text = NULL;
        return -1;
    }
    return 0;
}

/* ---- pengingat ------------------------------------------------------------------------ */

enum { RM_PERSEN, RM_SEBELUM, RM_ESKALASI, RM_ESKALASI_SETIAP, RM_N };
static const s_key_t s_reminder_keys[RM_N] = {
    [RM_PERSEN] = {"persen", false},
    [RM_SEBELUM] = {"sebelum", false},
    [RM_ESKALASI] = {"eskalasi", false},
    [RM_ESKALASI_SETIAP] = {"eskalasi_setiap", false},
};

static int s_percents(s_ctx_t *c, yaml_node_t *n, sop_reminders_t *r)
{
    const char *key = "pengingat: persen";
    if (n->type != YAML_SEQUENCE_NODE)
        return s_fail(c, n, "%s: expected a list of percents such as [50, 75], found %s", key,
                      s_kind_of(n));
    int count = 0;
    memset(r->percents, 0, sizeof r->percents);
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
         it++) {
        yaml_node_t *item = s_node(c, *it);
        if (count == SOP_MAX_PERCENTS)
            return s_fail(c, item, "%s: at most %d percents", key, SOP_MAX_PERCENTS);
        int v;
        if (s_int(c, key, item, 1, 99, &v))
            return -1;
        if (count && v <= r->percents[count - 1])
            return s_fail(c, item, "%s: %d does not follow %d (percents must ascend)", key, v,
                          r->percents[count - 1]);
        r->percents[count++] = v;
    }
    r->n_percents = count;
    return 0;
}

/* Reads a pengingat mapping over *r, which holds the inherited values: keys left out keep
 * them, so a step can change one setting without repeating the others. */
static int s_reminders(s_ctx_t *c, yaml_node_t *n, sop_reminders_t *r)
{
    s_found_t f;
    if (s_is_null(n))
        return 0;
    if (s_collect(c, n, "pengingat: ", s_reminder_keys, RM_N, &f))
        return -1;
    if (f.val[RM_PERSEN] && s_percents(c, f.val[RM_PERSEN], r))
        return -1;
    yaml_node_t *v = f.val[RM_SEBELUM];
    if (v) {
        if (v->type == YAML_SCALAR_NODE &&
            (!strcmp(s_sval(v), "0") || !strcasecmp(s_sval(v), "tidak"))) {
            r->before_minutes = 0;
        } else {
            char *text;
            int value;
            sop_unit_t unit;
            if (s_duration(c, "pengingat: sebelum", v, &text, &value, &unit))
                return -1;
            free(text);
            /* before_minutes counts working minutes; a working day has no fixed length. */
            if (unit == SOP_DAYS)
                return s_fail(c, v, "pengingat: sebelum: use menit or jam (or \"tidak\")");
            r->before_minutes = unit == SOP_HOURS ? value * 60 : value;
        }
    }
    if (f.val[RM_ESKALASI] && s_bool(c, "pengingat: eskalasi", f.val[RM_ESKALASI], &r->escalate))
        return -1;
    v = f.val[RM_ESKALASI_SETIAP];
    if (v) {
        char *text;
        int value;
        sop_unit_t unit;
        if (s_duration(c, "pengingat: eskalasi_setiap", v, &text, &value, &unit))
            return -1;
        free(text);
        if (unit != SOP_DAYS)
            return s_fail(c, v, "pengingat: eskalasi_setiap: use hari, e.g. \"1 hari\"");
        r->escalate_every_days = value;
    }
    return 0;
}

/* ---- langkah -------------------------------------------------------------------------- */

enum {
    ST_NO,
    ST_URAIAN,
    ST_PELAKSANA,
    ST_KELENGKAPAN,
    ST_WAKTU,
    ST_WAKTU_KALENDER,
    ST_OUTPUT,
    ST_KETERANGAN,
    ST_JENIS,
    ST_DOKUMEN,
    ST_KEMBALI_KE,
    ST_PELAKSANA_UNIT,
    ST_FORMAT_UNIT,
    ST_DRAFT_LKIP,
    ST_PENGINGAT,
    ST_SINGKAT,
    ST_N
};
_Static_assert(ST_N <= S_MAX_KEYS, "s_found_t holds every step key");
static const s_key_t s_step_keys[ST_N] = {
    [ST_NO] = {"no", true},
    [ST_URAIAN] = {"uraian", true},
    [ST_PELAKSANA] = {"pelaksana", true},
    [ST_KELENGKAPAN] = {"kelengkapan", false},
    [ST_WAKTU] = {"waktu", true},
    [ST_WAKTU_KALENDER] = {"waktu_kalender", false},
    [ST_OUTPUT] = {"output", false},
    [ST_KETERANGAN] = {"keterangan", false},
    [ST_JENIS] = {"jenis", true},
    [ST_DOKUMEN] = {"dokumen", false},
    [ST_KEMBALI_KE] = {"kembali_ke", false},
    [ST_PELAKSANA_UNIT] = {"pelaksana_unit", false},
    [ST_FORMAT_UNIT] = {"format_unit", false},
    [ST_DRAFT_LKIP] = {"draft_lkip", false},
    [ST_PENGINGAT] = {"pengingat", false},
    [ST_SINGKAT] = {"singkat", false},
};

/* The short name of a step without singkat: the first words of its uraian, whole words only,
 * at most SOPDEF_MAX_SHORT bytes (the first word cut when it alone is longer). */
static char *s_short_from(const char *uraian)
{
    size_t end = 0, words = 0;
    for (size_t i = 0; uraian[i] && words < 3;) {
        while (uraian[i] == ' ')
            i++;
        size_t w = i;
        while (uraian[i] && !strchr(" ,\n", uraian[i]))
            i++;
        if (i == w || (i > SOPDEF_MAX_SHORT && end))
            break;
        end = i > SOPDEF_MAX_SHORT ? SOPDEF_MAX_SHORT : i;
        words++;
        if (uraian[i] == ',' || uraian[i] == '\n')
            break;
    }
    return xstrndup(uraian, end);
}

/* Reads the step at position pos (1-based) into *s; *jenis gets its jenis node for the
 * checks across steps. Fields already set are freed by the caller on failure. */
static int s_step(s_ctx_t *c, yaml_node_t *n, int pos, const sop_reminders_t *defaults,
                  sop_step_t *s, yaml_node_t **jenis)
{
    s_found_t f;
    snprintf(c->where, sizeof c->where, "step %d: ", pos);
    if (s_collect(c, n, "", s_step_keys, ST_N, &f))
        return -1;
    if (s_int(c, "no", f.val[ST_NO], 0, 1000000, &s->no))
        return -1;
    if (s->no != pos)
        return s_fail(c, f.val[ST_NO],
                      "no: %d is out of order (expected %d: steps are "
                      "numbered 1, 2, 3... in file order)",
                      s->no, pos);
    if (s_text(c, "uraian", f.val[ST_URAIAN], S_TXT_REQUIRED | S_TXT_MULTILINE, &s->uraian) ||
        s_role(c, "pelaksana", f.val[ST_PELAKSANA], true, &s->actor))
        return -1;
    if (f.val[ST_SINGKAT]) {
        if (s_text(c, "singkat", f.val[ST_SINGKAT], S_TXT_REQUIRED, &s->short_name))
            return -1;
        if (strlen(s->short_name) > SOPDEF_MAX_SHORT)
            return s_fail(c, f.val[ST_SINGKAT], "singkat: at most %d bytes", SOPDEF_MAX_SHORT);
    } else {
        s->short_name = s_short_from(s->uraian);
    }
    s->kelengkapan = f.val[ST_KELENGKAPAN] ? NULL : xstrdup("");
    if (f.val[ST_KELENGKAPAN] && s_text(c, "kelengkapan", f.val[ST_KELENGKAPAN],
                                        S_TXT_MULTILINE | S_TXT_DASH_NONE, &s->kelengkapan))
        return -1;
    if (s_duration(c, "waktu", f.val[ST_WAKTU], &s->waktu, &s->time_value, &s->time_unit))
        return -1;
    if (f.val[ST_WAKTU_KALENDER] &&
        s_bool(c, "waktu_kalender", f.val[ST_WAKTU_KALENDER], &s->wall_clock))
        return -1;
    s->output = f.val[ST_OUTPUT] ? NULL : xstrdup("");
    if (f.val[ST_OUTPUT] &&
        s_text(c, "output", f.val[ST_OUTPUT], S_TXT_MULTILINE | S_TXT_DASH_NONE, &s->output))
        return -1;
    s->keterangan = f.val[ST_KETERANGAN] ? NULL : xstrdup("");
    if (f.val[ST_KETERANGAN] && s_text(c, "keterangan", f.val[ST_KETERANGAN],
                                       S_TXT_MULTILINE | S_TXT_DASH_NONE, &s->keterangan))
        return -1;
    int kind, doc = SOP_DOC_NONE;
    if (s_word(c, "jenis", f.val[ST_JENIS], s_kind_names, ARRAY_LEN(s_kind_names), &kind))
        return -1;
    s->kind = (sop_kind_t)kind;
    *jenis = f.val[ST_JENIS];
    if (f.val[ST_DOKUMEN] &&
        s_word(c, "dokumen", f.val[ST_DOKUMEN], s_doc_names, ARRAY_LEN(s_doc_names), &doc))
        return -1;
    s->document = (sop_doc_t)doc;

    yaml_node_t *back = f.val[ST_KEMBALI_KE];
    if (s->kind == SOP_DECISION) {
        if (!back)
            return s_fail(c, f.val[ST_JENIS],
                          "jenis keputusan needs kembali_ke (the step a return goes back to)");
        if (s_int(c, "kembali_ke", back, 0, 1000000, &s->return_to))
            return -1;
        if (s->return_to < 1 || s->return_to >= pos)
            return s_fail(c, back, "kembali_ke: %d is not an earlier step (use 1 to %d)",
                          s->return_to, pos - 1);
    } else if (back) {
        return s_fail(c, f.key[ST_KEMBALI_KE], "kembali_ke is only for jenis keputusan");
    }

    yaml_node_t *unit = f.val[ST_PELAKSANA_UNIT];
    if (s->kind == SOP_FANOUT) {
        if (!unit)
            return s_fail(c, f.val[ST_JENIS],
                          "jenis sebar needs pelaksana_unit (the role of "
                          "the unit users who get the data task)");
        if (s_role(c, "pelaksana_unit", unit, true, &s->unit_role))
            return -1;
    } else if (unit) {
        return s_fail(c, f.key[ST_PELAKSANA_UNIT], "pelaksana_unit is only for jenis sebar");
    } else {
        s->unit_role = xstrdup("");
    }

    if (f.val[ST_FORMAT_UNIT] &&
        s_bool(c, "format_unit", f.val[ST_FORMAT_UNIT], &s->makes_unit_formats))
        return -1;
    if (s->makes_unit_formats && s->kind != SOP_TASK && s->kind != SOP_FANOUT)
        return s_fail(c, f.key[ST_FORMAT_UNIT], "format_unit is only for jenis tugas or sebar");
    if (f.val[ST_DRAFT_LKIP] && s_bool(c, "draft_lkip", f.val[ST_DRAFT_LKIP], &s->makes_draft))
        return -1;
    if (s->makes_draft && s->kind != SOP_TASK)
        return s_fail(c, f.key[ST_DRAFT_LKIP], "draft_lkip is only for jenis tugas");

    s->reminders = *defaults;
    if (f.val[ST_PENGINGAT] && s_reminders(c, f.val[ST_PENGINGAT], &s->reminders))
        return -1;
    c->where[0] = '\0';
    return 0;
}

/* The rules across steps that make a run possible: one fan-out closed by one fan-in after
 * it, one numbering, the archive last. */
static int s_check_kinds(s_ctx_t *c, const sopdef_t *def, yaml_node_t *const *jenis)
{
    int fanout = 0, fanin = 0, numbering = 0;
    for (int i = 0; i < def->n_steps; i++) {
        const sop_step_t *s = &def->steps[i];
        snprintf(c->where, sizeof c->where, "step %d: ", s->no);
        switch (s->kind) {
        case SOP_FANOUT:
            if (fanout)
                return s_fail(c, jenis[i], "only one sebar step is allowed (step %d is one)",
                              fanout);
            fanout = s->no;
            break;
        case SOP_FANIN:
            if (!fanout)
                return s_fail(c, jenis[i], "himpun has no sebar step before it");
            if (fanin)
                return s_fail(c, jenis[i], "only one himpun step is allowed (step %d is one)",
                              fanin);
            fanin = s->no;
            break;
        case SOP_NUMBERING:
            if (numbering)
                return s_fail(c, jenis[i], "only one penomoran step is allowed (step %d is one)",
                              numbering);
            numbering = s->no;
            break;
        case SOP_ARCHIVE:
            if (i != def->n_steps - 1)
                return s_fail(c, jenis[i], "arsip must be the last step");
            break;
        default:
            break;
        }
    }
    if (fanout && !fanin) {
        snprintf(c->where, sizeof c->where, "step %d: ", fanout);
        return s_fail(c, jenis[fanout - 1], "sebar needs a himpun step after it");
    }
    /* the units' formats are made before (or when) the sebar step hands them out */
    int formats = 0;
    for (int i = 0; i < def->n_steps; i++) {
        const sop_step_t *s = &def->steps[i];
        if (!s->makes_unit_formats)
            continue;
        snprintf(c->where, sizeof c->where, "step %d: ", s->no);
        if (formats)
            return s_fail(c, jenis[i],
                          "format_unit: only one step may make the units' formats "
                          "(step %d does)",
                          formats);
        if (!fanout || s->no > fanout)
            return s_fail(c, jenis[i], "format_unit needs a sebar step at or after this step");
        formats = s->no;
    }
    /* one step writes the draft; the step after it (its reader) may write it again */
    int draft = 0;
    for (int i = 0; i < def->n_steps; i++) {
        if (!def->steps[i].makes_draft)
            continue;
        snprintf(c->where, sizeof c->where, "step %d: ", def->steps[i].no);
        if (draft)
            return s_fail(c, jenis[i],
                          "draft_lkip: only one step may write the draft (step %d does)", draft);
        draft = def->steps[i].no;
    }
    /* a return into the collection would collect the units' data a second time, which the
     * units' tasks (one per unit and run of the SOP) do not allow */
    for (int i = 0; fanin && i < def->n_steps; i++) {
        const sop_step_t *s = &def->steps[i];
        if (s->kind == SOP_DECISION && s->return_to <= fanin && s->no > fanout) {
            snprintf(c->where, sizeof c->where, "step %d: ", s->no);
            return s_fail(c, jenis[i],
                          "kembali_ke %d returns into the collection of unit data (steps %d-%d); "
                          "return to a step after %d",
                          s->return_to, fanout, fanin, fanin);
        }
    }
    c->where[0] = '\0';
    return 0;
}

/* ---- the definition ------------------------------------------------------------------- */

enum { TOP_CODE, TOP_NOMOR, TOP_NAMA, TOP_PENGAMAT, TOP_PENGINGAT, TOP_LANGKAH, TOP_N };
static const s_key_t s_top_keys[TOP_N] = {
    [TOP_CODE] = {"code", true},
    [TOP_NOMOR] = {"nomor", false},
    [TOP_NAMA] = {"nama", true},
    [TOP_PENGAMAT] = {"pengamat", false},
    [TOP_PENGINGAT] = {"pengingat", false},
    [TOP_LANGKAH] = {"langkah", true},
};

static bool s_is_code(const char *s)
{
    size_t len = strlen(s);
    if (len < 1 || len > 32)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
              s[i] == '-'))
            return false;
    return true;
}

static int s_definition(s_ctx_t *c, sopdef_t *def)
{
    yaml_node_t *root = yaml_document_get_root_node(&c->doc);
    s_found_t f;
    if (!root)
        return s_fail_line(c, 1, "the definition is empty");
    if (s_is_null(root) || root->type != YAML_MAPPING_NODE)
        return s_fail(c, root, "expected a mapping with code, nama and langkah, found %s",
                      s_kind_of(root));
    if (s_collect(c, root, "", s_top_keys, TOP_N, &f))
        return -1;

    if (s_text(c, "code", f.val[TOP_CODE], S_TXT_REQUIRED, &def->code))
        return -1;
    if (!s_is_code(def->code))
        return s_fail(c, f.val[TOP_CODE], "code: \"%s\" must be 1 to 32 of A-Z, 0-9, _ and -",
                      def->code);
    def->number = f.val[TOP_NOMOR] ? NULL : xstrdup("");
    if (f.val[TOP_NOMOR] && s_text(c, "nomor", f.val[TOP_NOMOR], S_TXT_DASH_NONE, &def->number))
        return -1;
    if (s_text(c, "nama", f.val[TOP_NAMA], S_TXT_REQUIRED, &def->title))
        return -1;
    def->watcher_role = f.val[TOP_PENGAMAT] ? NULL : xstrdup("");
    if (f.val[TOP_PENGAMAT] &&
        s_role(c, "pengamat", f.val[TOP_PENGAMAT], false, &def->watcher_role))
        return -1;

    sop_reminders_t defaults = {
        .n_percents = 1,
        .percents = {75},
        .before_minutes = 60,
        .escalate = true,
        .escalate_every_days = 1,
    };
    if (f.val[TOP_PENGINGAT] && s_reminders(c, f.val[TOP_PENGINGAT], &defaults))
        return -1;

    yaml_node_t *list = f.val[TOP_LANGKAH];
    if (list->type != YAML_SEQUENCE_NODE)
        return s_fail(c, list, "langkah: expected a list of steps, found %s",
                      s_is_null(list) ? "nothing" : s_kind_of(list));
    yaml_node_item_t *items = list->data.sequence.items.start;
    ptrdiff_t n = list->data.sequence.items.top - items;
    if (n == 0)
        return s_fail(c, list, "langkah: at least one step is required");
    if (n > SOPDEF_MAX_STEPS)
        return s_fail(c, s_node(c, items[SOPDEF_MAX_STEPS]), "langkah: at most %d steps",
                      SOPDEF_MAX_STEPS);
    def->steps = xcalloc((size_t)n, sizeof *def->steps);
    yaml_node_t *jenis[SOPDEF_MAX_STEPS];
    for (ptrdiff_t i = 0; i < n; i++) {
        def->n_steps = (int)i + 1; /* so that sopdef_destroy frees a half-read step */
        if (s_step(c, s_node(c, items[i]), (int)i + 1, &defaults, &def->steps[i], &jenis[i]))
            return -1;
    }
    return s_check_kinds(c, def, jenis);
}

sopdef_t *sopdef_parse(const char *name, const char *text, size_t len, char *err, size_t errlen)
{
    s_ctx_t c = {
        .name = name ? name : "(definition)",
        .text = text ? text : "",
        .len = text ? len : 0,
        .err = err,
        .errlen = errlen,
    };
    if (err && errlen)
        err[0] = '\0';
    if (c.len > SOPDEF_MAX_BYTES) {
        s_fail_line(&c, 1, "the definition is larger than 1 MiB");
        return NULL;
    }
    if (s_prescan(&c) || s_load(&c))
        return NULL;
    sopdef_t *def = xcalloc(1, sizeof *def);
    int rc = s_definition(&c, def);
    yaml_document_delete(&c.doc);
    if (rc)
        sopdef_destroy(&def);
    return def;
}

sopdef_t *sopdef_load_file(const char *path, char *err, size_t errlen)
{
    char *data;
    size_t len;
    int rc = read_file(path, SOPDEF_MAX_BYTES, &data, &len);
    if (rc && (!err || !errlen))
        return NULL;
    if (rc == -EFBIG) {
        snprintf(err, errlen, "%s:1: the definition is larger than 1 MiB", path);
        return NULL;
    }
    if (rc) {
        snprintf(err, errlen, "%s: could not read file: %s", path, strerror(-rc));
        return NULL;
    }
    sopdef_t *def = sopdef_parse(path, data, len, err, errlen);
    free(data);
    return def;
}

void sopdef_destroy(sopdef_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    sopdef_t *def = *self_p;
    for (int i = 0; i < def->n_steps; i++) {
        sop_step_t *s = &def->steps[i];
        free(s->uraian);
        free(s->actor);
        free(s->kelengkapan);
        free(s->waktu);
        free(s->output);
        free(s->keterangan);
        free(s->short_name);
        free(s->unit_role);
    }
    free(def->steps);
    free(def->code);
    free(def->number);
    free(def->title);
    free(def->watcher_role);
    free(def);
    *self_p = NULL;
}

const sop_step_t *sopdef_step(const sopdef_t *def, int no)
{
    if (!def || no < 1 || no > def->n_steps)
        return NULL;
    return &def->steps[no - 1];
}

const char *sop_kind_name(sop_kind_t kind)
{
    return (unsigned)kind < ARRAY_LEN(s_kind_names) ? s_kind_names[kind] : "?";
}

const char *sop_unit_name(sop_unit_t unit)
{
    return (unsigned)unit < ARRAY_LEN(s_unit_names) ? s_unit_names[unit] : "?";
}

const char *sop_doc_name(sop_doc_t doc)
{
    return (unsigned)doc < ARRAY_LEN(s_doc_names) ? s_doc_names[doc] : "?";
}
