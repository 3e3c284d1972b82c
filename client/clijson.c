/* clijson — see clijson.h. */
#include "clijson.h"

#include <ctype.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define S_KEEP 4096 /* of stderr: the first line that says why is near the start */

static FILE *s_out, *s_err;     /* the streams replaced */
static size_t s_out_bytes;      /* written to stdout while watching */
static char s_err_text[S_KEEP]; /* the start of what went to stderr */
static size_t s_err_len;

static ssize_t s_write_fd(int fd, const char *buf, size_t size)
{
    size_t off = 0;
    while (off < size) {
        ssize_t n = write(fd, buf + off, size - off);
        if (n < 0)
            return off ? (ssize_t)off : -1;
        off += (size_t)n;
    }
    return (ssize_t)size;
}

static ssize_t s_out_write(void *cookie, const char *buf, size_t size)
{
    (void)cookie;
    s_out_bytes += size;
    return s_write_fd(STDOUT_FILENO, buf, size);
}

static ssize_t s_err_write(void *cookie, const char *buf, size_t size)
{
    (void)cookie;
    size_t room = sizeof s_err_text - 1 - s_err_len;
    size_t n = size < room ? size : room;
    memcpy(s_err_text + s_err_len, buf, n);
    s_err_len += n;
    s_err_text[s_err_len] = 0;
    return s_write_fd(STDERR_FILENO, buf, size);
}

void clijson_begin(void)
{
    FILE *out = fopencookie(NULL, "w", (cookie_io_functions_t){.write = s_out_write});
    FILE *err = fopencookie(NULL, "w", (cookie_io_functions_t){.write = s_err_write});
    if (!out || !err) {
        if (out)
            fclose(out);
        if (err)
            fclose(err);
        return;
    }
    fflush(stdout);
    fflush(stderr);
    setvbuf(out, NULL, _IOLBF, 0);
    setvbuf(err, NULL, _IONBF, 0);
    s_out = stdout;
    s_err = stderr;
    stdout = out;
    stderr = err;
}

void clijson_parse_line(const char *line, int *status, char *code, size_t code_len, char *message,
                        size_t message_len)
{
    *status = 0;
    snprintf(code, code_len, "%s", "error");
    if (strncmp(line, "lkip: ", 6) == 0)
        line += 6;
    /* the last "[...]" whose content is "[NNN ]code" with a code of [a-z0-9_] */
    const char *best = NULL, *best_end = NULL;
    for (const char *p = strchr(line, '['); p; p = strchr(p + 1, '[')) {
        const char *q = p + 1;
        while (isdigit((unsigned char)*q))
            q++;
        if (q > p + 1 && *q == ' ')
            q++;
        else
            q = p + 1;
        const char *c = q;
        while (islower((unsigned char)*q) || isdigit((unsigned char)*q) || *q == '_')
            q++;
        if (q > c && *q == ']') {
            best = p;
            best_end = q + 1;
        }
    }
    size_t n = strlen(line);
    if (best) {
        const char *q = best + 1;
        *status = atoi(q);
        while (isdigit((unsigned char)*q) || *q == ' ')
            q++;
        snprintf(code, code_len, "%.*s", (int)(best_end - 1 - q), q);
        /* the message without the bracket pair (and the space before it) */
        size_t head = (size_t)(best - line);
        while (head > 0 && line[head - 1] == ' ')
            head--;
        const char *tail = best_end;
        while (*tail == ' ')
            tail++;
        snprintf(message, message_len, "%.*s%s%s", (int)head, line, head && *tail ? " " : "", tail);
    } else {
        snprintf(message, message_len, "%.*s", (int)n, line);
    }
}

/* The first line of stderr that starts with "lkip: " (or the first line), without its end. */
static void s_first_line(char *line, size_t len)
{
    const char *p = strstr(s_err_text, "lkip: ");
    if (!p)
        p = s_err_text;
    size_t n = strcspn(p, "\n");
    snprintf(line, len, "%.*s", (int)n, p);
}

void clijson_cancel(void)
{
    if (!s_out)
        return;
    fflush(stdout);
    fclose(stdout);
    fclose(stderr);
    stdout = s_out;
    stderr = s_err;
    s_out = s_err = NULL;
}

int clijson_end(int rc)
{
    if (!s_out)
        return rc;
    clijson_cancel();
    if (rc == 0 || s_out_bytes > 0)
        return rc;
    char line[S_KEEP], code[64], message[S_KEEP];
    int status;
    s_first_line(line, sizeof line);
    clijson_parse_line(line, &status, code, sizeof code, message, sizeof message);
    if (strcmp(code, "error") == 0) {
        /* a line without a code: named by the exit status (cli.h) */
        static const char *const by_exit[] = {"ok", "refused", "usage", "unreachable",
                                              "server_error"};
        snprintf(code, sizeof code, "%s", rc >= 0 && rc <= 4 ? by_exit[rc] : "error");
    }
    json_t *j = json_pack("{s:i,s:s,s:s,s:i}", "status", status, "code", code, "message", message,
                          "exit", rc);
    char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    puts(s);
    free(s);
    json_decref(j);
    return rc;
}
