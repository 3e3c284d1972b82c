/* docmd — the small Markdown subset in which organisations keep their texts (the profile of
 * Bab I) and in which the document templates are written, appended to a doc (doc.h):
 *   - paragraphs are separated by blank lines; the lines of one paragraph are joined;
 *   - "- ", "* " or "+ " starts a bulleted item, "1. " or "1) " a numbered one; the lines that
 *     follow an item without a blank line continue it; a list goes on across blank lines until
 *     a line that is not an item starts a paragraph;
 *   - "# " is a heading of level base, "## " of level base + 1 (at most 3);
 *   - **bold** and *italic* inside a paragraph or an item; "\*" is a literal asterisk; a marker
 *     without its closing twin is written as it stands;
 *   - <!-- comments --> are dropped (the templates document their placeholders in one).
 * Everything else is text as written. Pure; any thread. */
#ifndef LKIP_DOCMD_H
#define LKIP_DOCMD_H

#include "doc.h"

/* Appends the blocks of markdown to d: paragraphs in style, headings from heading_base. */
void docmd_append(doc_t *d, const char *markdown, int heading_base, doc_style_t style);

/* Appends the inline text s (bold and italic markers) to t as runs with flags added. */
void docmd_inline(doc_text_t *t, const char *s, unsigned flags);

#endif
