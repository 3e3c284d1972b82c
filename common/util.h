/* util — small helpers shared by lkipd and lkip: allocation that aborts on out-of-memory,
 * a growable string buffer, whole-file reads and monotonic time. */
#ifndef LKIP_UTIL_H
#define LKIP_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WUR          __attribute__((warn_unused_result))
#define PRINTF(f, a) __attribute__((format(printf, f, a)))
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Allocation: out-of-memory aborts the process; callers own what these return. */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) PRINTF(1, 2);

/* Growable NUL-terminated string buffer. Zero-initialise ({0}) before use. */
typedef struct {
    char *data; /* NULL until the first append */
    size_t len; /* bytes used, excluding the terminating NUL */
    size_t cap; /* bytes allocated */
} strbuf_t;

void strbuf_append(strbuf_t *sb, const char *s, size_t n);
void strbuf_puts(strbuf_t *sb, const char *s);
void strbuf_printf(strbuf_t *sb, const char *fmt, ...) PRINTF(2, 3);
void strbuf_vprintf(strbuf_t *sb, const char *fmt, va_list ap);
/* Returns the buffer's string (never NULL; "" when empty). The buffer keeps ownership. */
const char *strbuf_str(const strbuf_t *sb);
/* Hands the string to the caller (caller frees) and resets the buffer. */
char *strbuf_take(strbuf_t *sb);
void strbuf_reset(strbuf_t *sb);
void strbuf_free(strbuf_t *sb);

/* Reads a whole file of at most max bytes. Caller owns *data (NUL-terminated for convenience).
 * Returns 0, -ENOENT/-EACCES/... from errno, or -EFBIG when the file is larger than max. */
int read_file(const char *path, size_t max, char **data, size_t *len) WUR;

/* Milliseconds from an arbitrary fixed point (CLOCK_MONOTONIC). */
int64_t monotonic_ms(void);

/* True when every byte of s is valid UTF-8 without control characters other than
 * tab, newline and carriage return (for free text), or none at all when single_line. */
bool text_is_clean(const char *s, size_t len, bool single_line);

/* Lower-hex SHA-256 of data into out (65 bytes with NUL). */
void sha256_hex(const void *data, size_t len, char out[65]);

#endif
