/* webhttp — see webhttp.h. */
#include "webhttp.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool s_port_text(const char *text, unsigned *port)
{
    if (!*text || strlen(text) > 5)
        return false;
    unsigned v = 0;
    for (const char *p = text; *p; p++) {
        if (!isdigit((unsigned char)*p))
            return false;
        v = v * 10 + (unsigned)(*p - '0');
    }
    if (v > 65535)
        return false;
    *port = v;
    return true;
}

static bool s_ipv4(const char *s)
{
    struct in_addr a;
    return inet_pton(AF_INET, s, &a) == 1;
}

static bool s_ipv6(const char *s)
{
    struct in6_addr a;
    return inet_pton(AF_INET6, s, &a) == 1;
}

/* Splits "name:port", "[v6]:port", "name" or "[v6]" into host (brackets removed) and port
 * (the text after the colon, "" when none). */
static bool s_split(const char *text, char *host, size_t hlen, const char **port, bool *bracket)
{
    const char *end;
    *bracket = text[0] == '[';
    if (*bracket) {
        end = strchr(text, ']');
        if (!end || (end[1] && end[1] != ':'))
            return false;
        text++;
    } else {
        end = strchr(text, ':');
        if (!end)
            end = text + strlen(text);
    }
    size_t n = (size_t)(end - text);
    if (n == 0 || n >= hlen)
        return false;
    memcpy(host, text, n);
    host[n] = '\0';
    if (*bracket)
        end++;
    *port = *end == ':' ? end + 1 : end;
    return *end != ':' || end[1];
}

bool webhttp_parse_addr(const char *text, char *host, size_t len, unsigned *port)
{
    if (!text || !*text || len < 16)
        return false;
    if (s_port_text(text, port)) {
        snprintf(host, len, "127.0.0.1");
        return true;
    }
    const char *ptext;
    bool bracket;
    if (!s_split(text, host, len, &ptext, &bracket) || !s_port_text(ptext, port))
        return false;
    return bracket ? s_ipv6(host) : s_ipv4(host);
}

bool webhttp_is_loopback(const char *host)
{
    struct in_addr a4;
    struct in6_addr a6;
    if (inet_pton(AF_INET, host, &a4) == 1)
        return (ntohl(a4.s_addr) >> 24) == 127;
    return inet_pton(AF_INET6, host, &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6);
}

bool webhttp_host_ok(const char *host, unsigned port, const char *const *names)
{
    char name[256];
    const char *ptext;
    bool bracket;
    if (!host || !s_split(host, name, sizeof name, &ptext, &bracket))
        return false;
    unsigned p = 80;
    if (*ptext && !s_port_text(ptext, &p))
        return false;
    if (p != port)
        return false;
    if (bracket)
        return s_ipv6(name);
    if (s_ipv4(name) || strcasecmp(name, "localhost") == 0)
        return true;
    for (int i = 0; names && names[i]; i++)
        if (strcasecmp(name, names[i]) == 0)
            return true;
    return false;
}

bool webhttp_origin_ok(const char *origin, const char *host)
{
    if (!origin)
        return true;
    return strncmp(origin, "http://", 7) == 0 && host && strcasecmp(origin + 7, host) == 0;
}

bool webhttp_token_eq(const char *given, const char *expected)
{
    if (!given || !expected)
        return false;
    /* hashes of both: equal lengths for the constant-time compare, whatever was given */
    unsigned char a[crypto_generichash_BYTES], b[crypto_generichash_BYTES];
    crypto_generichash(a, sizeof a, (const unsigned char *)given, strlen(given), NULL, 0);
    crypto_generichash(b, sizeof b, (const unsigned char *)expected, strlen(expected), NULL, 0);
    return sodium_memcmp(a, b, sizeof a) == 0;
}

int webhttp_token_from_text(const char *text, char **token, const char **why)
{
    while (*text == ' ' || *text == '\t')
        text++;
    size_t n = strcspn(text, "\r\n");
    while (n && (text[n - 1] == ' ' || text[n - 1] == '\t'))
        n--;
    if (n < WEBHTTP_TOKEN_MIN) {
        *why = "token terlalu pendek (paling sedikit 16 karakter)";
        return -1;
    }
    if (n > WEBHTTP_TOKEN_MAX) {
        *why = "token terlalu panjang (paling banyak 128 karakter)";
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        if (!isgraph((unsigned char)text[i])) {
            *why = "token hanya boleh berisi huruf, angka dan tanda baca ASCII tanpa spasi";
            return -1;
        }
    *token = xstrndup(text, n);
    return 0;
}

char *webhttp_token_new(void)
{
    if (sodium_init() < 0)
        abort();
    unsigned char raw[16];
    randombytes_buf(raw, sizeof raw);
    char hex[2 * sizeof raw + 1];
    sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
    sodium_memzero(raw, sizeof raw);
    return xstrdup(hex);
}

void webhttp_cookie_name(unsigned port, char *buf, size_t len)
{
    snprintf(buf, len, "lkip_web_%u", port);
}

char *webhttp_cookie_get(const char *header, const char *name)
{
    size_t nlen = strlen(name);
    for (const char *p = header; p && *p;) {
        while (*p == ' ' || *p == ';')
            p++;
        size_t n = strcspn(p, ";");
        if (n > nlen && strncmp(p, name, nlen) == 0 && p[nlen] == '=')
            return xstrndup(p + nlen + 1, n - nlen - 1);
        p += n;
    }
    return NULL;
}

static int s_hex(int c)
{
    return isdigit(c) ? c - '0' : isxdigit(c) ? (tolower(c) - 'a' + 10) : -1;
}

/* Decodes n bytes of form text; NULL when a %XX is bad or decodes to NUL. */
static char *s_form_decode(const char *s, size_t n)
{
    char *out = xmalloc(n + 1), *o = out;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '+') {
            *o++ = ' ';
        } else if (s[i] == '%') {
            int hi = i + 1 < n ? s_hex((unsigned char)s[i + 1]) : -1;
            int lo = i + 2 < n ? s_hex((unsigned char)s[i + 2]) : -1;
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
                free(out);
                return NULL;
            }
            *o++ = (char)(hi * 16 + lo);
            i += 2;
        } else {
            *o++ = s[i];
        }
    }
    *o = '\0';
    return out;
}

char *webhttp_form_get(const char *body, const char *field)
{
    size_t flen = strlen(field);
    for (const char *p = body; p && *p;) {
        size_t n = strcspn(p, "&");
        if (n > flen && strncmp(p, field, flen) == 0 && p[flen] == '=')
            return s_form_decode(p + flen + 1, n - flen - 1);
        p += n;
        if (*p == '&')
            p++;
    }
    return NULL;
}

void webhttp_sse_frame(strbuf_t *sb, const char *event, uint64_t id, const char *data)
{
    if (event)
        strbuf_printf(sb, "event: %s\n", event);
    if (id)
        strbuf_printf(sb, "id: %llu\n", (unsigned long long)id);
    for (const char *p = data ? data : "";;) {
        size_t n = strcspn(p, "\r\n");
        strbuf_puts(sb, "data: ");
        strbuf_append(sb, p, n);
        strbuf_puts(sb, "\n");
        p += n;
        if (!*p)
            break;
        p += (p[0] == '\r' && p[1] == '\n') ? 2 : 1;
    }
    strbuf_puts(sb, "\n");
}

void webhttp_html_escape(strbuf_t *sb, const char *text)
{
    for (const char *p = text; p && *p; p++) {
        switch (*p) {
        case '&':
            strbuf_puts(sb, "&amp;");
            break;
        case '<':
            strbuf_puts(sb, "&lt;");
            break;
        case '>':
            strbuf_puts(sb, "&gt;");
            break;
        case '"':
            strbuf_puts(sb, "&quot;");
            break;
        case '\'':
            strbuf_puts(sb, "&#39;");
            break;
        default:
            strbuf_append(sb, p, 1);
        }
    }
}

char *webhttp_fill(const char *tmpl, const char *const *keys, const char *const *values)
{
    strbuf_t sb = {0};
    for (const char *p = tmpl;;) {
        const char *open = strstr(p, "{{");
        if (!open) {
            strbuf_puts(&sb, p);
            break;
        }
        strbuf_append(&sb, p, (size_t)(open - p));
        const char *close = strstr(open + 2, "}}");
        int k = -1;
        for (int i = 0; close && keys[i] && k < 0; i++)
            if (strlen(keys[i]) == (size_t)(close - open - 2) &&
                strncmp(open + 2, keys[i], strlen(keys[i])) == 0)
                k = i;
        if (k < 0) {
            strbuf_append(&sb, open, 2);
            p = open + 2;
            continue;
        }
        webhttp_html_escape(&sb, values[k]);
        p = close + 2;
    }
    return strbuf_take(&sb);
}

const char *webhttp_content_type(const char *name)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".html", "text/html; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".svg", "image/svg+xml"},
        {".json", "application/json"},
    };
    const char *dot = strrchr(name, '.');
    for (size_t i = 0; dot && i < ARRAY_LEN(types); i++)
        if (strcmp(dot, types[i].ext) == 0)
            return types[i].type;
    return "application/octet-stream";
}
