/* test_docx — the DOCX writer on a document that uses every kind of block: the package is
 * complete (every part the content types and relationships name exists and parses), the
 * elements follow the order of the OOXML schema (the cause of Word's repair prompt), headings
 * carry the built-in heading styles, tables repeat their header rows and right-align numbers,
 * sections number their pages, charts are PNGs of the stated size. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "../fixture/docread.h"
#include "docpdf.h"
#include "docx.h"

#include <cairo.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#define W_NS "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

/* The document of tx_doc, rendered once for the group. */
static struct {
    doc_t *d;
    uint8_t *docx;
    size_t len;
} tx;

static doc_t *tx_doc(void);

static int tx_setup(void **state)
{
    (void)state;
    xmlInitParser();
    tx.d = tx_doc();
    return docx_render(tx.d, &tx.docx, &tx.len);
}

static int tx_teardown(void **state)
{
    (void)state;
    free(tx.docx);
    doc_destroy(&tx.d);
    docpdf_release_fonts(true);
    xmlCleanupParser();
    return 0;
}

/* A document with every kind of block. */
static doc_t *tx_doc(void)
{
    doc_t *d = doc_new();
    doc_set_meta(d, "Judul Uji", "Dinas Uji", "2026-12-02T00:00:00Z", "DRAFT - uji", "id-ID");
    doc_para_text(d, DOC_STYLE_COVER_TITLE, 0, "SAMPUL");
    doc_section(d, DOC_PAGENUM_ROMAN);
    doc_heading(d, 1, "KATA PENGANTAR");
    doc_text_t *t = doc_para(d, DOC_STYLE_BODY);
    doc_text_add(t, 0, "Teks biasa, ");
    doc_text_add(t, DOC_RUN_BOLD, "tebal");
    doc_text_add(t, DOC_RUN_ITALIC, " miring\nbaris baru");
    doc_text_add(t, 0, " kendali \x01\x02 dan \xFF\xFE rusak & <tanda>");
    doc_section(d, DOC_PAGENUM_ARABIC);
    doc_heading(d, 1, "BAB I PENDAHULUAN");
    doc_heading(d, 2, "A. Subbab");
    doc_heading(d, 3, "Sasaran 1");
    doc_list(d, false);
    doc_text_add(doc_list_item(d), 0, "butir satu");
    doc_text_add(doc_list_item(d), 0, "butir dua");
    doc_list(d, true);
    doc_text_add(doc_list_item(d), 0, "nomor satu");
    doc_list(d, true);
    doc_text_add(doc_list_item(d), 0, "daftar bernomor kedua");
    static const double w[] = {1, 4, 2};
    static const doc_align_t al[] = {DOC_ALIGN_CENTER, DOC_ALIGN_LEFT, DOC_ALIGN_RIGHT};
    doc_para_text(d, DOC_STYLE_CAPTION, 0, "Tabel 1.1 Uji");
    doc_table(d, 3, w, al);
    doc_table_rowv(d, DOC_ROW_HEADER, 0, (const char *[]){"No", "Uraian", "Nilai"});
    doc_table_rowv(d, DOC_ROW_HEADER, 0, (const char *[]){"(1)", "(2)", "(3)"});
    doc_table_rowv(d, DOC_ROW_GROUP, 0, (const char *[]){"Kelompok A"});
    for (int r = 0; r < 40; r++)
        doc_table_rowv(d, DOC_ROW_BODY, 0, (const char *[]){"1", "Baris", "1.234,56"});
    doc_page_break(d);
    chart_t *c = chart_new("Grafik", "nilai", "");
    int s = chart_add_series(c, "A", CHART_BARS, 0x336699);
    chart_set_value(c, s, chart_add_category(c, "2026"), 5, CHART_USE_SERIES);
    doc_chart(d, c, 120, 60);
    doc_para_text(d, DOC_STYLE_SIGNATURE, 0, "Gorontalo\nKepala");
    return d;
}

static xmlDoc *tx_part(const uint8_t *docx, size_t len, const char *name)
{
    size_t n = 0;
    char *xml = docread_zip_entry(docx, len, name, &n);
    assert_non_null(xml);
    xmlDoc *doc = xmlReadMemory(xml, (int)n, name, NULL, XML_PARSE_NONET);
    free(xml);
    assert_non_null(doc);
    return doc;
}

/* A copy of the zip without the entry skip. */
static void tx_without(const uint8_t *zip, size_t len, const char *skip, uint8_t **out,
                       size_t *out_len)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *dst = zip_source_buffer_create(NULL, 0, 0, &ze);
    zip_t *za = zip_open_from_source(dst, ZIP_TRUNCATE, &ze);
    assert_non_null(za);
    zip_source_keep(dst);
    char *names = docread_zip_names(zip, len);
    char **keep = NULL;
    int n = 0;
    for (char *line = names; *line;) {
        char *nl = strchr(line, '\n');
        *nl = '\0';
        size_t size = 0;
        char *data = docread_zip_entry(zip, len, line, &size);
        if (strcmp(line, skip) != 0) {
            zip_source_t *src = zip_source_buffer(za, data, size, 0);
            assert_true(zip_file_add(za, line, src, 0) >= 0);
            keep = realloc(keep, (size_t)(n + 1) * sizeof *keep);
            keep[n++] = data;
        } else {
            free(data);
        }
        line = nl + 1;
    }
    assert_int_equal(zip_close(za), 0);
    for (int i = 0; i < n; i++)
        free(keep[i]);
    free(keep);
    free(names);
    assert_int_equal(zip_source_open(dst), 0);
    zip_source_seek(dst, 0, SEEK_END);
    *out_len = (size_t)zip_source_tell(dst);
    zip_source_seek(dst, 0, SEEK_SET);
    *out = malloc(*out_len);
    assert_int_equal(zip_source_read(dst, *out, *out_len), (zip_int64_t)*out_len);
    zip_source_close(dst);
    zip_source_free(dst);
    zip_error_fini(&ze);
}

static void tx_package(void **state)
{
    (void)state;
    const uint8_t *docx = tx.docx;
    size_t len = tx.len;
    int images = -1;
    char *problems = docread_package_problems(docx, len, &images);
    if (problems)
        fail_msg("%s", problems);
    assert_int_equal(images, 1);
    /* document, styles, settings, numbering, 2 footers, 2 headers, core, app */
    xmlDoc *ct = tx_part(docx, len, "[Content_Types].xml");
    int overrides = 0;
    for (xmlNode *o = xmlDocGetRootElement(ct)->children; o; o = o->next)
        overrides += o->type == XML_ELEMENT_NODE && strcmp((const char *)o->name, "Override") == 0;
    assert_int_equal(overrides, 10);
    xmlFreeDoc(ct);
    /* and the check notices a package that lost a part its relationships name */
    uint8_t *damaged;
    size_t damaged_len;
    tx_without(docx, len, "word/media/chart1.png", &damaged, &damaged_len);
    problems = docread_package_problems(damaged, damaged_len, NULL);
    assert_non_null(problems);
    assert_non_null(strstr(problems, "word/media/chart1.png"));
    free(problems);
    free(damaged);
}

/* ---- schema order ---------------------------------------------------------------------------- */

typedef struct {
    const char *parent; /* local name of a w: element */
    const char *order;  /* its children in schema order, space-separated */
} tx_seq_t;

static const tx_seq_t tx_seqs[] = {
    {"pPr", "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr "
            "suppressLineNumbers pBdr shd tabs suppressAutoHyphens kinsoku wordWrap "
            "overflowPunct topLinePunct autoSpaceDE autoSpaceDN bidi adjustRightInd snapToGrid "
            "spacing ind contextualSpacing mirrorIndents suppressOverlap jc textDirection "
            "textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange"},
    {"rPr", "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss "
            "imprint noProof snapToGrid vanish webHidden color spacing w kern position sz szCs "
            "highlight u effect bdr shd fitText vertAlign rtl cs em lang eastAsianLayout "
            "specVanish oMath"},
    {"tblPr", "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize "
              "tblW jc tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook "
              "tblCaption tblDescription"},
    {"tcPr", "cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection "
             "tcFitText vAlign hideMark"},
    {"sectPr", "headerReference|footerReference footnotePr endnotePr type pgSz pgMar paperSrc "
               "pgBorders lnNumType pgNumType cols formProt vAlign noEndnote titlePg "
               "textDirection bidi rtlGutter docGrid printerSettings sectPrChange"},
    {"tbl", "tblPr tblGrid tr"},
    {"tr", "tblPrEx trPr tc"},
    {"tc", "tcPr p|tbl"},
    {"tblBorders", "top left bottom right insideH insideV"},
    {"style", "name aliases basedOn next link autoRedefine hidden uiPriority semiHidden "
              "unhideWhenUsed qFormat locked personal personalCompose personalReply rsid pPr "
              "rPr tblPr trPr tcPr tblStylePr"},
    {"styles", "docDefaults latentStyles style"},
    {"docDefaults", "rPrDefault pPrDefault"},
    {"numbering", "numPicBullet abstractNum num numIdMacAtCleanup"},
    {"abstractNum", "nsid multiLevelType tmpl name styleLink numStyleLink lvl"},
    {"lvl", "start numFmt lvlRestart pStyle isLgl suff lvlText lvlPicBulletId legacy lvlJc pPr "
            "rPr"},
    {"num", "abstractNumId lvlOverride"},
    {"settings", "writeProtection view zoom removePersonalInformation proofState "
                 "defaultTabStop autoHyphenation characterSpacingControl updateFields compat "
                 "docVars rsids mathPr attachedSchema themeFontLang clrSchemeMapping "
                 "decimalSymbol listSeparator"},
    {"p", "pPr r|hyperlink|bookmarkStart|bookmarkEnd"},
    {"r", "rPr t|br|drawing|fldChar|instrText|tab"},
};

/* Index of name in the space-separated order ('|' joins names of equal rank), -1 if absent. */
static int tx_rank(const char *order, const char *name)
{
    int rank = 0;
    size_t len = strlen(name);
    for (const char *p = order; *p;) {
        size_t n = strcspn(p, " |");
        if (n == len && strncmp(p, name, len) == 0)
            return rank;
        p += n;
        if (*p == ' ')
            rank++;
        if (*p)
            p++;
    }
    return -1;
}

static void tx_check_order(const xmlNode *n)
{
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE)
            tx_check_order(c);
    }
    if (!n->ns || strcmp((const char *)n->ns->href, W_NS) != 0)
        return;
    for (size_t s = 0; s < ARRAY_LEN(tx_seqs); s++) {
        if (strcmp(tx_seqs[s].parent, (const char *)n->name) != 0)
            continue;
        int last = -1;
        for (const xmlNode *c = n->children; c; c = c->next) {
            if (c->type != XML_ELEMENT_NODE)
                continue;
            int rank = tx_rank(tx_seqs[s].order, (const char *)c->name);
            if (rank < 0)
                fail_msg("w:%s may not contain w:%s", n->name, c->name);
            if (rank < last)
                fail_msg("w:%s: w:%s comes too late", n->name, c->name);
            last = rank;
        }
    }
}

static void tx_schema_order(void **state)
{
    (void)state;
    const uint8_t *docx = tx.docx;
    size_t len = tx.len;
    static const char *const parts[] = {"word/document.xml",  "word/styles.xml",
                                        "word/numbering.xml", "word/settings.xml",
                                        "word/footer1.xml",   "word/header1.xml"};
    for (size_t i = 0; i < ARRAY_LEN(parts); i++) {
        xmlDoc *doc = tx_part(docx, len, parts[i]);
        tx_check_order(xmlDocGetRootElement(doc));
        xmlFreeDoc(doc);
    }
}

/* ---- content --------------------------------------------------------------------------------- */

/* The first element named name below n (depth first), or NULL. */
static const xmlNode *tx_find(const xmlNode *n, const char *name)
{
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (strcmp((const char *)c->name, name) == 0)
            return c;
        const xmlNode *f = tx_find(c, name);
        if (f)
            return f;
    }
    return NULL;
}

static int tx_count(const xmlNode *n, const char *name)
{
    int k = 0;
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        k += strcmp((const char *)c->name, name) == 0;
        k += tx_count(c, name);
    }
    return k;
}

static char *tx_attr(const xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetNsProp(n, BAD_CAST name, BAD_CAST W_NS);
    char *s = xstrdup(v ? (const char *)v : "");
    xmlFree(v);
    return s;
}

static void tx_assert_attr(const xmlNode *n, const char *name, const char *want)
{
    assert_non_null(n);
    char *v = tx_attr(n, name);
    assert_string_equal(v, want);
    free(v);
}

static void tx_headings_and_tables(void **state)
{
    (void)state;
    const uint8_t *docx = tx.docx;
    size_t len = tx.len;
    docread_docx_t *r = docread_docx(docx, len);
    assert_int_equal(r->well_formed, 1);
    static const char *const heads[][2] = {{"KATA PENGANTAR", "Heading1"},
                                           {"BAB I PENDAHULUAN", "Heading1"},
                                           {"A. Subbab", "Heading2"},
                                           {"Sasaran 1", "Heading3"}};
    for (size_t h = 0; h < ARRAY_LEN(heads); h++) {
        bool found = false;
        for (int p = 0; p < r->n_paras; p++) {
            if (strcmp(r->para_text[p], heads[h][0]) == 0) {
                assert_string_equal(r->para_style[p], heads[h][1]);
                found = true;
            }
        }
        assert_true(found);
    }
    /* runs: bold and italic kept, line break kept, control characters dropped, bad bytes
     * replaced, markup characters escaped */
    bool body = false;
    for (int p = 0; p < r->n_paras; p++)
        body |= strcmp(r->para_text[p], "Teks biasa, tebal miring\nbaris baru kendali  dan "
                                        "\xEF\xBF\xBD\xEF\xBF\xBD rusak & <tanda>") == 0;
    assert_true(body);
    assert_int_equal(r->n_rows, 43);
    assert_true(r->rows[0].header && r->rows[1].header && !r->rows[2].header);
    assert_int_equal(r->rows[2].n_cells, 1); /* the group row spans the table */
    assert_string_equal(r->rows[2].cells[0], "Kelompok A");
    assert_string_equal(r->rows[3].jc[2], "right");
    assert_string_equal(r->rows[3].jc[0], "center");
    assert_string_equal(r->rows[3].chapter, "BAB I PENDAHULUAN");
    docread_docx_free(&r);
}

static void tx_sections_styles_numbering(void **state)
{
    (void)state;
    const uint8_t *docx = tx.docx;
    size_t len = tx.len;
    xmlDoc *doc = tx_part(docx, len, "word/document.xml");
    const xmlNode *root = xmlDocGetRootElement(doc);
    assert_int_equal(tx_count(root, "sectPr"), 3);
    const xmlNode *first = tx_find(root, "sectPr");
    assert_null(tx_find(first, "pgNumType")); /* the cover has no page number */
    tx_assert_attr(tx_find(first, "footerReference"), "type", "default");
    tx_assert_attr(tx_find(first, "pgSz"), "w", "11906");
    tx_assert_attr(tx_find(first, "pgSz"), "h", "16838");
    tx_assert_attr(tx_find(first, "pgMar"), "left", "1701");
    tx_assert_attr(tx_find(first, "pgMar"), "right", "1134");
    tx_assert_attr(tx_find(first, "pgMar"), "top", "1134");
    tx_assert_attr(tx_find(first, "pgMar"), "bottom", "1417");
    const xmlNode *body = tx_find(root, "body");
    const xmlNode *last = NULL;
    for (const xmlNode *c = body->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE)
            last = c;
    assert_string_equal((const char *)last->name, "sectPr");
    tx_assert_attr(tx_find(last, "pgNumType"), "fmt", "decimal");
    tx_assert_attr(tx_find(last, "pgNumType"), "start", "1");
    assert_int_equal(tx_count(root, "tblHeader"), 2);
    assert_int_equal(tx_count(root, "drawing"), 1);
    xmlFreeDoc(doc);

    doc = tx_part(docx, len, "word/styles.xml");
    root = xmlDocGetRootElement(doc);
    int headings = 0;
    for (const xmlNode *s = root->children; s; s = s->next) {
        if (s->type != XML_ELEMENT_NODE || strcmp((const char *)s->name, "style") != 0)
            continue;
        char *id = tx_attr(s, "styleId");
        if (strncmp(id, "Heading", 7) == 0) {
            char want[16], lvl[8];
            snprintf(want, sizeof want, "heading %c", id[7]);
            snprintf(lvl, sizeof lvl, "%d", id[7] - '1');
            tx_assert_attr(tx_find(s, "name"), "val", want);
            tx_assert_attr(tx_find(s, "outlineLvl"), "val", lvl);
            headings++;
        }
        free(id);
    }
    assert_int_equal(headings, 3);
    xmlFreeDoc(doc);

    doc = tx_part(docx, len, "word/numbering.xml");
    assert_int_equal(tx_count(xmlDocGetRootElement(doc), "num"), 3);
    assert_int_equal(tx_count(xmlDocGetRootElement(doc), "startOverride"), 2);
    xmlFreeDoc(doc);
    char *footer = docread_zip_entry(docx, len, "word/footer1.xml", NULL);
    assert_non_null(strstr(footer, " PAGE "));
    free(footer);
    char *header = docread_zip_entry(docx, len, "word/header1.xml", NULL);
    assert_non_null(strstr(header, "DRAFT - uji"));
    free(header);
    char *core = docread_zip_entry(docx, len, "docProps/core.xml", NULL);
    assert_non_null(strstr(core, "<dc:title>Judul Uji</dc:title>"));
    free(core);
}

static cairo_status_t tx_read(void *closure, unsigned char *data, unsigned int length)
{
    const uint8_t **p = closure;
    memcpy(data, *p, length);
    *p += length;
    return CAIRO_STATUS_SUCCESS;
}

static void tx_chart_image(void **state)
{
    (void)state;
    const uint8_t *docx = tx.docx;
    size_t len = tx.len;
    size_t n = 0;
    char *png = docread_zip_entry(docx, len, "word/media/chart1.png", &n);
    assert_non_null(png);
    const uint8_t *cursor = (const uint8_t *)png;
    cairo_surface_t *s = cairo_image_surface_create_from_png_stream(tx_read, &cursor);
    assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
    assert_int_equal(cairo_image_surface_get_width(s), (int)lround(120 / 25.4 * DOCX_CHART_DPI));
    assert_int_equal(cairo_image_surface_get_height(s), (int)lround(60 / 25.4 * DOCX_CHART_DPI));
    cairo_surface_destroy(s);
    free(png);
    /* the drawing states the size on the page in EMU */
    char *xml = docread_zip_entry(docx, len, "word/document.xml", NULL);
    assert_non_null(strstr(xml, "<wp:extent cx=\"4320000\" cy=\"2160000\"/>"));
    free(xml);
    /* the same doc gives the same bytes */
    uint8_t *again;
    size_t again_len;
    assert_int_equal(docx_render(tx.d, &again, &again_len), 0);
    assert_int_equal(again_len, len);
    assert_memory_equal(again, docx, len);
    free(again);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tx_package),
        cmocka_unit_test(tx_schema_order),
        cmocka_unit_test(tx_headings_and_tables),
        cmocka_unit_test(tx_sections_styles_numbering),
        cmocka_unit_test(tx_chart_image),
    };
    return cmocka_run_group_tests(tests, tx_setup, tx_teardown);
}
