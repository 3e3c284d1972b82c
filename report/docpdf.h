/* docpdf — renders a doc (doc.h) as PDF, for reading and for the archive: laid out with pango
 * (Liberation Sans from Debian's fonts-liberation2, found through fontconfig; cairo embeds the
 * subsets it uses) and drawn with cairo on A4 pages with the doc.h margins. Paragraphs wrap and
 * flow across pages line by line; headings and captions stay with what follows; tables wrap
 * their cells, repeat their header rows on every page they continue on, and split a row that
 * is taller than a page between lines; charts are vectors (chart_draw). Every numbered page has
 * its number at the bottom (roman or arabic, restarting per section) and the doc's header line
 * at the top; headings become the PDF outline (bookmarks).
 *
 * Any thread: text goes through the calling thread's default pango font map (per thread since
 * pango 1.32.6); docpdf_release_fonts frees the caches when rendering is over. */
#ifndef LKIP_DOCPDF_H
#define LKIP_DOCPDF_H

#include "doc.h"

#include <stdint.h>

/* The document as PDF bytes; *n_pages (may be NULL) gets the page count. Caller owns *out
 * (free). Returns 0, or -EIO when cairo fails. */
int docpdf_render(const doc_t *d, uint8_t **out, size_t *len, int *n_pages) WUR;

/* Frees the calling thread's pango font map, and with all_threads also cairo's and
 * fontconfig's global caches (only when no other thread draws text any more, e.g. at exit).
 * Later renders start over. */
void docpdf_release_fonts(bool all_threads);

#endif
