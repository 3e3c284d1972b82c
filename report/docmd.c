/* docmd — see docmd.h. Lines are read one at a time into the block being gathered (a
 * paragraph or a list item), which is written out when a blank line, a heading or another item
 * ends it. */
#include "docmd.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

typedef enum {
    S_NONE,      /* between blocks */
    S_PARAGRAPH, /* gathering a paragraph */
    S_ITEM,      /* gathering a list item */
} s_state_t;

typedef struct {
    doc_t *d;
    doc_style_t style;
    int heading_base;
    s_state_t state;
    bool in_list;      /* a list is the doc's last block */
    bool list_ordered; /* its kind */
    strbuf_t text;     /* the block being gathered */
} s_md_t;

/* A marker opens a span only when text follows it, and closes one only after text, as in
 * CommonMark: "2 * 3" has no italics. */
static bool s_opens(const char *after)
{
    return *after && *after != ' ';
}

static bool s_can_close(const char *start, const char *at)
{
    return at > start && at[-1] != ' ';
}

/* Whether a closing marker (len 1 or 2) for a span opened just before s comes later. */
static bool s_closes(const char *s, const char *marker)
{
    size_t len = strlen(marker);
    for (const char *p = s; *p; p++) {
        if (*p == '\\' && p[1]) {
            p++;
            continue;
        }
        if (strncmp(p, marker, len) == 0 && (len == 2 || p[1] != '*') && s_can_close(s, p))
            return true;
    }
    return false;
}

/* The span marker at p toggles: bold for "**", italic for "*"; 0 when it is plain text. */
static unsigned s_toggle(const char *start, const char *p, unsigned cur, unsigned base)
{
    if (p[0] == '*' && p[1] == '*') {
        if (cur & DOC_RUN_BOLD & ~base)
            return s_can_close(start, p) ? DOC_RUN_BOLD : 0;
        return s_opens(p + 2) && s_closes(p + 2, "**") ? DOC_RUN_BOLD : 0;
    }
    if (p[0] == '*') {
        if (cur & DOC_RUN_ITALIC & ~base)
            return s_can_close(start, p) ? DOC_RUN_ITALIC : 0;
        return s_opens(p + 1) && s_closes(p + 1, "*") ? DOC_RUN_ITALIC : 0;
    }
    return 0;
}

void docmd_inline(doc_text_t *t, const char *s, unsigned flags)
{
    strbuf_t run = {0};
    unsigned cur = flags;
    for (const char *p = s; *p;) {
        if (p[0] == '\\' && (p[1] == '*' || p[1] == '\\')) {
            strbuf_append(&run, p + 1, 1);
            p += 2;
            continue;
        }
        unsigned toggle = s_toggle(s, p, cur, flags);
        size_t skip = toggle == DOC_RUN_BOLD ? 2 : 1;
        if (!toggle) {
            strbuf_append(&run, p, 1);
            p++;
            continue;
        }
        doc_text_add(t, cur, strbuf_str(&run));
        strbuf_reset(&run);
        cur ^= toggle;
        p += skip;
    }
    doc_text_add(t, cur, strbuf_str(&run));
    strbuf_free(&run);
}

/* Writes out the block being gathered. */
static void s_flush(s_md_t *m)
{
    if (m->state == S_PARAGRAPH && m->text.len)
        docmd_inline(doc_para(m->d, m->style), strbuf_str(&m->text), 0);
    else if (m->state == S_ITEM)
        docmd_inline(doc_list_item(m->d), strbuf_str(&m->text), 0);
    strbuf_reset(&m->text);
    m->state = S_NONE;
}

static void s_gather(s_md_t *m, const char *line)
{
    if (m->text.len)
        strbuf_puts(&m->text, " ");
    strbuf_puts(&m->text, line);
}

/* The length of a list marker with its space at line ("- ", "12. "), 0 when none;
 * *ordered tells which kind. */
static size_t s_item_marker(const char *line, bool *ordered)
{
    if ((line[0] == '-' || line[0] == '*' || line[0] == '+') && line[1] == ' ') {
        /* the space is required: "**bold** text" is a paragraph, not an item */
        *ordered = false;
        return 2;
    }
    size_t n = 0;
    while (isdigit((unsigned char)line[n]))
        n++;
    if (n > 0 && n < 4 && (line[n] == '.' || line[n] == ')') && line[n + 1] == ' ') {
        *ordered = true;
        return n + 2;
    }
    return 0;
}

static void s_line(s_md_t *m, const char *raw)
{
    const char *line = raw + strspn(raw, " ");
    bool ordered = false;
    size_t marker = s_item_marker(line, &ordered);
    if (!*line) {
        s_flush(m);
        return;
    }
    if (line[0] == '#') {
        size_t hashes = strspn(line, "#");
        if (line[hashes] == ' ') {
            s_flush(m);
            m->in_list = false;
            doc_heading(m->d, m->heading_base + (int)hashes - 1, line + hashes + 1);
            return;
        }
    }
    if (marker) {
        s_flush(m);
        if (!m->in_list || m->list_ordered != ordered)
            doc_list(m->d, ordered);
        m->in_list = true;
        m->list_ordered = ordered;
        m->state = S_ITEM;
        s_gather(m, line + marker);
        return;
    }
    if (m->state == S_ITEM) {
        s_gather(m, line);
        return;
    }
    if (m->state == S_NONE) {
        m->in_list = false;
        m->state = S_PARAGRAPH;
    }
    s_gather(m, line);
}

void docmd_append(doc_t *d, const char *markdown, int heading_base, doc_style_t style)
{
    s_md_t m = {.d = d, .style = style, .heading_base = heading_base < 1 ? 1 : heading_base};
    const char *p = markdown ? markdown : "";
    bool in_comment = false;
    while (*p) {
        size_t len = strcspn(p, "\n");
        char *line = xstrndup(p, len);
        for (char *q = line; *q; q++) {
            if (*q == '\t' || *q == '\r')
                *q = ' ';
        }
        /* comments: dropped wherever they start and end */
        strbuf_t kept = {0};
        for (char *q = line; *q;) {
            if (!in_comment && strncmp(q, "<!--", 4) == 0) {
                in_comment = true;
                q += 4;
            } else if (in_comment && strncmp(q, "-->", 3) == 0) {
                in_comment = false;
                q += 3;
            } else {
                if (!in_comment)
                    strbuf_append(&kept, q, 1);
                q++;
            }
        }
        bool only_comment = kept.len == 0 && len > 0;
        if (!only_comment)
            s_line(&m, strbuf_str(&kept));
        strbuf_free(&kept);
        free(line);
        p += len;
        if (*p == '\n')
            p++;
    }
    s_flush(&m);
    strbuf_free(&m.text);
}
