/* docx — renders a doc (doc.h) as a Word document (OOXML WordprocessingML), for editing in Word
 * or LibreOffice: the parts are written with libxml2's xmlTextWriter and zipped in memory with
 * libzip. Headings use the built-in Heading1-3 styles (a table of contents can be inserted),
 * tables are real tables whose header rows repeat on every page, numbers right-aligned, charts
 * are PNG images (chart_png), pages are A4 with the doc.h margins and a page number in the
 * footer (lower-case roman or arabic per section), and the doc's header line (the DRAFT marking)
 * stands at the top of every numbered page. Elements follow the order of the OOXML schema so
 * that Word opens the file without a repair prompt.
 *
 * Parts: [Content_Types].xml, _rels/.rels, docProps/core.xml, docProps/app.xml,
 * word/document.xml, word/_rels/document.xml.rels, word/styles.xml, word/settings.xml,
 * word/numbering.xml, word/footer1.xml (page number), word/footer2.xml (empty, the cover),
 * word/header1.xml and word/header2.xml when the doc has a header line, word/media/chartN.png.
 *
 * Pure apart from memory; any thread (see chart.h for the fonts of the charts). */
#ifndef LKIP_DOCX_H
#define LKIP_DOCX_H

#include "doc.h"

#include <stdint.h>

/* Resolution of the chart images: sharp on screen and legible in print, and small enough that
 * a draft with hundreds of charts stays quick to write (PNG encoding is most of its time). */
#define DOCX_CHART_DPI 120.0

/* The document as DOCX bytes. Caller owns *out (free). Returns 0, -ENOMEM when libxml2 or
 * libzip fail to allocate, -EIO when they fail otherwise (or a chart cannot be drawn). */
int docx_render(const doc_t *d, uint8_t **out, size_t *len) WUR;

#endif
