/* xlsx_read — see xlsx_read.h. Every XML part is streamed out of the archive: libxml2 pulls
 * bytes through s_io_read, which reads the ZIP entry with zip_fread and counts every byte
 * against the archive's uncompressed cap, so an entry that lies about its size is stopped as
 * soon as it passes the cap, not after it has been inflated. */
#include "xlsx_read.h"

#include <errno.h>
#include <libxml/xmlreader.h>
#include <locale.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zip.h>

#define S_MAX_ROW    1048576 /* Excel's grid */
#define S_MAX_COL    16384
#define S_MAX_SHEETS 256
#define S_MAX_STYLES 65536
#define S_MAX_SST    (2 * XLSX_MAX_CELLS)
#define S_XML_OPTS   (XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)

/* One sheet as the workbook lists it. */
typedef struct {
    char *name;
    char *rel_id; /* r:id, resolved to path */
    char *path;   /* the part inside the archive, "xl/worksheets/sheet1.xml" */
    bool hidden;
} s_sheet_ref_t;

/* One cell format (cellXfs/xf): what the reader needs of it. */
typedef struct {
    bool date;   /* its number format shows dates or times */
    bool locked; /* protection locked (default true) */
} s_style_t;

struct xlsx {
    zip_t *za;
    size_t max_total;
    size_t read_total; /* uncompressed bytes read so far, every entry */
    bool over;         /* read_total passed max_total */
    char *base;        /* folder of the workbook part, "xl/" */
    int n_sheets;
    s_sheet_ref_t *sheets;
    int n_sst;
    char **sst; /* shared strings */
    int n_styles;
    s_style_t *styles;
};

/* The input of one XML part: the ZIP entry being streamed. */
typedef struct {
    xlsx_t *x;
    zip_file_t *zf;
} s_in_t;

/* ---- numbers without the locale -------------------------------------------------------- */

static locale_t s_c_locale;
static pthread_once_t s_once = PTHREAD_ONCE_INIT;

static void s_init(void)
{
    xmlInitParser();
    s_c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
}

/* A number as XML writes it ("84.2", "1E-3"), whatever LC_NUMERIC says. */
static bool s_number(const char *s, double *out)
{
    char *end;
    if (!*s)
        return false;
    *out = strtod_l(s, &end, s_c_locale);
    while (*end == ' ')
        end++;
    return *end == '\0';
}

/* ---- errors -------------------------------------------------------------------------------- */

static int s_fail(const char **code, char **why, const char *c, const char *fmt, ...) PRINTF(4, 5);
static int s_fail(const char **code, char **why, const char *c, const char *fmt, ...)
{
    strbuf_t sb = {0};
    va_list ap;
    va_start(ap, fmt);
    strbuf_vprintf(&sb, fmt, ap);
    va_end(ap);
    *code = c;
    *why = strbuf_take(&sb);
    return -EINVAL;
}

static int s_too_large(const xlsx_t *x, const char **code, char **why)
{
    return s_fail(code, why, "archive_too_large",
                  "isi arsip XLSX melebihi %zu MB setelah diekstrak (kemungkinan \"zip bomb\"); "
                  "berkas ditolak",
                  x->max_total / (1024 * 1024));
}

/* A part that could not be read: the cap, or broken XML. */
static int s_bad_part(const xlsx_t *x, const char *path, const char **code, char **why)
{
    if (x->over)
        return s_too_large(x, code, why);
    return s_fail(code, why, "bad_xlsx", "isi buku kerja rusak: bagian \"%s\" bukan XML yang sah",
                  path);
}

/* ---- streaming XML out of the archive -------------------------------------------------- */

static int s_io_read(void *ctx, char *buf, int len)
{
    s_in_t *in = ctx;
    zip_int64_t n = zip_fread(in->zf, buf, (zip_uint64_t)len);
    if (n < 0)
        return -1;
    in->x->read_total += (size_t)n;
    if (in->x->read_total > in->x->max_total) {
        in->x->over = true;
        return -1;
    }
    return (int)n;
}

/* Opens the part at path for streaming; NULL when the archive has no such part. */
static xmlTextReaderPtr s_open_part(xlsx_t *x, const char *path, s_in_t *in)
{
    *in = (s_in_t){.x = x, .zf = zip_fopen(x->za, path, 0)};
    if (!in->zf)
        return NULL;
    xmlTextReaderPtr r = xmlReaderForIO(s_io_read, NULL, in, path, NULL, S_XML_OPTS);
    if (!r) {
        zip_fclose(in->zf);
        in->zf = NULL;
    }
    return r;
}

static void s_close_part(xmlTextReaderPtr r, s_in_t *in)
{
    xmlFreeTextReader(r);
    if (in->zf)
        zip_fclose(in->zf);
    in->zf = NULL;
}

static bool s_is(xmlTextReaderPtr r, const char *local)
{
    const xmlChar *n = xmlTextReaderConstLocalName(r);
    return n && strcmp((const char *)n, local) == 0;
}

static bool s_start(xmlTextReaderPtr r, const char *local)
{
    return xmlTextReaderNodeType(r) == XML_READER_TYPE_ELEMENT && s_is(r, local);
}

/* The attribute local (any namespace) of the current element, as a new string; NULL when
 * absent. */
static char *s_attr(xmlTextReaderPtr r, const char *local)
{
    char *value = NULL;
    if (xmlTextReaderMoveToFirstAttribute(r) != 1)
        return NULL;
    do {
        if (s_is(r, local)) {
            value = xstrdup((const char *)xmlTextReaderConstValue(r));
            break;
        }
    } while (xmlTextReaderMoveToNextAttribute(r) == 1);
    xmlTextReaderMoveToElement(r);
    return value;
}

static bool s_attr_true(xmlTextReaderPtr r, const char *local, bool dflt)
{
    char *v = s_attr(r, local);
    bool on = v ? (strcmp(v, "1") == 0 || strcasecmp(v, "true") == 0) : dflt;
    free(v);
    return on;
}

/* Moves to the next node inside the element whose depth is depth: 1 on a node, 0 at the
 * element's end, -1 on a read error. */
static int s_next_in(xmlTextReaderPtr r, int depth)
{
    if (xmlTextReaderRead(r) != 1)
        return -1;
    if (xmlTextReaderNodeType(r) == XML_READER_TYPE_END_ELEMENT && xmlTextReaderDepth(r) == depth)
        return 0;
    return 1;
}

/* Appends the text inside the current element to sb (at most XLSX_MAX_STRING bytes), leaving
 * the reader on its end; text inside a child called skip (phonetic runs) is left out. Returns
 * 0, or -1 on a read error. */
static int s_text(xmlTextReaderPtr r, strbuf_t *sb, const char *skip)
{
    if (xmlTextReaderIsEmptyElement(r))
        return 0;
    int depth = xmlTextReaderDepth(r), skipping = 0, rc;
    while ((rc = s_next_in(r, depth)) == 1) {
        int type = xmlTextReaderNodeType(r), d = xmlTextReaderDepth(r);
        if (skip && s_is(r, skip) && type == XML_READER_TYPE_ELEMENT &&
            !xmlTextReaderIsEmptyElement(r))
            skipping = d;
        else if (skipping && type == XML_READER_TYPE_END_ELEMENT && d == skipping)
            skipping = 0;
        else if (!skipping && (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
                               type == XML_READER_TYPE_WHITESPACE ||
                               type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE)) {
            const char *v = (const char *)xmlTextReaderConstValue(r);
            size_t n = v ? strlen(v) : 0;
            if (sb->len + n > XLSX_MAX_STRING)
                n = XLSX_MAX_STRING - sb->len;
            strbuf_append(sb, v ? v : "", n);
        }
    }
    return rc;
}

/* Drains the reader; 0 at the end of the document, -1 on an error. */
static int s_finish(xmlTextReaderPtr r, int rc)
{
    while (rc == 1)
        rc = xmlTextReaderRead(r);
    return rc == 0 ? 0 : -1;
}

/* ---- relationships ------------------------------------------------------------------------ */

/* A target of a relationship, resolved against the folder base ("xl/"): "worksheets/s1.xml" ->
 * "xl/worksheets/s1.xml", "/xl/styles.xml" -> "xl/styles.xml". Caller frees. */
static char *s_resolve(const char *base, const char *target)
{
    if (target[0] == '/')
        return xstrdup(target + 1);
    while (strncmp(target, "./", 2) == 0)
        target += 2;
    return xasprintf("%s%s", base, target);
}

typedef struct {
    char *id;
    char *type_tail; /* the last component of Type: "worksheet", "styles", "officeDocument" */
    char *target;
} s_rel_t;

static void s_rels_free(s_rel_t *rels, int n)
{
    for (int i = 0; i < n; i++) {
        free(rels[i].id);
        free(rels[i].type_tail);
        free(rels[i].target);
    }
    free(rels);
}

/* Reads a relationships part. Returns the count (0 when the part is absent), or -1. */
static int s_read_rels(xlsx_t *x, const char *path, s_rel_t **out)
{
    s_in_t in;
    *out = NULL;
    xmlTextReaderPtr r = s_open_part(x, path, &in);
    if (!r)
        return 0;
    int n = 0, rc;
    while ((rc = xmlTextReaderRead(r)) == 1) {
        if (!s_start(r, "Relationship") || n >= S_MAX_SHEETS * 4)
            continue;
        char *type = s_attr(r, "Type");
        const char *slash = type ? strrchr(type, '/') : NULL;
        *out = xrealloc(*out, (size_t)(n + 1) * sizeof **out);
        (*out)[n++] = (s_rel_t){.id = s_attr(r, "Id"),
                                .type_tail = xstrdup(slash ? slash + 1 : ""),
                                .target = s_attr(r, "Target")};
        free(type);
    }
    if (s_finish(r, rc) != 0) {
        s_rels_free(*out, n);
        *out = NULL;
        n = -1;
    }
    s_close_part(r, &in);
    return n;
}

static const s_rel_t *s_rel_by(const s_rel_t *rels, int n, const char *id, const char *type)
{
    for (int i = 0; i < n; i++) {
        if (id && rels[i].id && strcmp(rels[i].id, id) == 0 && rels[i].target)
            return &rels[i];
        if (type && strcmp(rels[i].type_tail, type) == 0 && rels[i].target)
            return &rels[i];
    }
    return NULL;
}

/* The workbook part named by the package relationships; "xl/workbook.xml" by default. */
static char *s_workbook_path(xlsx_t *x)
{
    s_rel_t *rels;
    int n = s_read_rels(x, "_rels/.rels", &rels);
    const s_rel_t *doc = n > 0 ? s_rel_by(rels, n, NULL, "officeDocument") : NULL;
    char *path = s_resolve("", doc ? doc->target : "xl/workbook.xml");
    s_rels_free(rels, n > 0 ? n : 0);
    return path;
}

/* ---- workbook, shared strings, styles ------------------------------------------------- */

static int s_read_workbook(xlsx_t *x, const char *path)
{
    s_in_t in;
    xmlTextReaderPtr r = s_open_part(x, path, &in);
    if (!r)
        return -ENOENT;
    int rc;
    while ((rc = xmlTextReaderRead(r)) == 1) {
        if (!s_start(r, "sheet") || x->n_sheets >= S_MAX_SHEETS)
            continue;
        char *state = s_attr(r, "state");
        x->sheets = xrealloc(x->sheets, (size_t)(x->n_sheets + 1) * sizeof *x->sheets);
        x->sheets[x->n_sheets++] = (s_sheet_ref_t){
            .name = s_attr(r, "name"),
            .rel_id = s_attr(r, "id"),
            .hidden = state && strcmp(state, "visible") != 0,
        };
        free(state);
    }
    rc = s_finish(r, rc);
    s_close_part(r, &in);
    return rc;
}

/* Resolves each sheet's r:id through the workbook's relationships; notes the shared strings
 * and styles parts. */
static int s_resolve_parts(xlsx_t *x, const char *wb_path, char **sst, char **styles)
{
    const char *slash = strrchr(wb_path, '/');
    x->base = slash ? xstrndup(wb_path, (size_t)(slash - wb_path + 1)) : xstrdup("");
    char *rels_path = xasprintf("%s_rels/%s.rels", x->base, slash ? slash + 1 : wb_path);
    s_rel_t *rels;
    int n = s_read_rels(x, rels_path, &rels);
    free(rels_path);
    if (n < 0)
        return -1;
    for (int i = 0; i < x->n_sheets; i++) {
        const s_rel_t *rel = s_rel_by(rels, n, x->sheets[i].rel_id, NULL);
        if (rel)
            x->sheets[i].path = s_resolve(x->base, rel->target);
    }
    const s_rel_t *rs = s_rel_by(rels, n, NULL, "sharedStrings");
    const s_rel_t *st = s_rel_by(rels, n, NULL, "styles");
    *sst = s_resolve(x->base, rs ? rs->target : "sharedStrings.xml");
    *styles = s_resolve(x->base, st ? st->target : "styles.xml");
    s_rels_free(rels, n);
    return 0;
}

static int s_read_sst(xlsx_t *x, const char *path)
{
    s_in_t in;
    xmlTextReaderPtr r = s_open_part(x, path, &in);
    if (!r)
        return 0; /* a workbook without text has none */
    int rc, cap = 0;
    strbuf_t sb = {0};
    while ((rc = xmlTextReaderRead(r)) == 1) {
        if (!s_start(r, "si"))
            continue;
        strbuf_reset(&sb);
        if (x->n_sst >= S_MAX_SST || s_text(r, &sb, "rPh") != 0) {
            rc = -1;
            break;
        }
        if (x->n_sst == cap) {
            cap = cap ? 2 * cap : 256;
            x->sst = xrealloc(x->sst, (size_t)cap * sizeof *x->sst);
        }
        x->sst[x->n_sst++] = xstrdup(strbuf_str(&sb));
    }
    strbuf_free(&sb);
    rc = s_finish(r, rc);
    s_close_part(r, &in);
    return rc;
}

/* True when an Excel number format shows a date or a time: after dropping quoted text,
 * escaped characters and bracketed sections ([Red], [$-421]), a d, m, y, h or s remains.
 * Elapsed times ([h]:mm) count as times. */
static bool s_format_is_date(const char *code)
{
    for (const char *p = code; *p; p++) {
        char c = *p;
        if (c == '"') {
            const char *q = strchr(p + 1, '"');
            if (!q)
                return false;
            p = q;
        } else if ((c == '\\' || c == '_' || c == '*') && p[1]) {
            p++;
        } else if (c == '[') {
            if (strchr("hHmMsS", p[1]))
                return true;
            const char *q = strchr(p, ']');
            if (!q)
                return false;
            p = q;
        } else if (strchr("dDmMyYhHsS", c)) {
            return true;
        }
    }
    return false;
}

/* Excel's built-in number formats that show dates and times. */
static bool s_builtin_date(int id)
{
    return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) ||
           (id >= 50 && id <= 58);
}

typedef struct {
    int id;
    bool date;
} s_numfmt_t;

/* One cellXfs/xf: its number format and its protection child. */
static int s_read_xf(xmlTextReaderPtr r, const s_numfmt_t *fmts, int n_fmts, s_style_t *st)
{
    char *id_text = s_attr(r, "numFmtId");
    int id = id_text ? atoi(id_text) : 0;
    free(id_text);
    st->date = s_builtin_date(id);
    for (int i = 0; i < n_fmts; i++)
        if (fmts[i].id == id)
            st->date = fmts[i].date;
    st->locked = true;
    if (xmlTextReaderIsEmptyElement(r))
        return 0;
    int depth = xmlTextReaderDepth(r), rc;
    while ((rc = s_next_in(r, depth)) == 1)
        if (s_start(r, "protection"))
            st->locked = s_attr_true(r, "locked", true);
    return rc;
}

static int s_read_styles(xlsx_t *x, const char *path)
{
    s_in_t in;
    xmlTextReaderPtr r = s_open_part(x, path, &in);
    if (!r)
        return 0;
    s_numfmt_t *fmts = NULL;
    int n_fmts = 0, rc, in_xfs = -1;
    while ((rc = xmlTextReaderRead(r)) == 1) {
        int type = xmlTextReaderNodeType(r);
        if (s_start(r, "numFmt") && n_fmts < S_MAX_STYLES) {
            char *id = s_attr(r, "numFmtId"), *code = s_attr(r, "formatCode");
            fmts = xrealloc(fmts, (size_t)(n_fmts + 1) * sizeof *fmts);
            fmts[n_fmts++] =
                (s_numfmt_t){.id = id ? atoi(id) : -1, .date = code && s_format_is_date(code)};
            free(id);
            free(code);
        } else if (s_start(r, "cellXfs") && !xmlTextReaderIsEmptyElement(r)) {
            in_xfs = xmlTextReaderDepth(r);
        } else if (type == XML_READER_TYPE_END_ELEMENT && s_is(r, "cellXfs")) {
            in_xfs = -1;
        } else if (in_xfs >= 0 && s_start(r, "xf") && x->n_styles < S_MAX_STYLES) {
            x->styles = xrealloc(x->styles, (size_t)(x->n_styles + 1) * sizeof *x->styles);
            if (s_read_xf(r, fmts, n_fmts, &x->styles[x->n_styles++]) != 0) {
                rc = -1;
                break;
            }
        }
    }
    free(fmts);
    rc = s_finish(r, rc);
    s_close_part(r, &in);
    return rc;
}

/* ---- opening ------------------------------------------------------------------------------ */

/* Office's own encryption (and the old binary .xls) is an OLE compound file, not a ZIP. */
static int s_check_magic(const void *data, size_t len, const char **code, char **why)
{
    static const unsigned char cfb[8] = {0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1};
    static const char encrypted[] = "E\0n\0c\0r\0y\0p\0t\0e\0d\0P\0a\0c\0k\0a\0g\0e\0";
    if (len >= sizeof cfb && memcmp(data, cfb, sizeof cfb) == 0) {
        if (memmem(data, len, encrypted, sizeof encrypted - 1))
            return s_fail(code, why, "encrypted",
                          "buku kerja dilindungi kata sandi (terenkripsi) sehingga tidak dapat "
                          "dibaca; buka berkasnya, hapus kata sandi, lalu simpan ulang sebagai "
                          ".xlsx");
        return s_fail(code, why, "not_xlsx",
                      "berkas berformat Excel 97-2003 (.xls), bukan .xlsx; simpan ulang sebagai "
                      "\"Excel Workbook (.xlsx)\"");
    }
    if (len < 4 || memcmp(data, "PK\x03\x04", 4) != 0)
        return s_fail(code, why, "not_xlsx",
                      "berkas bukan buku kerja Excel (.xlsx); simpan dari Excel atau LibreOffice "
                      "sebagai .xlsx");
    return 0;
}

/* The entry count, declared sizes and encryption of every entry. */
static int s_check_entries(xlsx_t *x, int max_entries, const char **code, char **why)
{
    zip_int64_t n = zip_get_num_entries(x->za, 0);
    if (n > max_entries)
        return s_fail(code, why, "too_many_entries",
                      "arsip XLSX berisi %lld berkas, melebihi batas %d (kemungkinan \"zip "
                      "bomb\"); berkas ditolak",
                      (long long)n, max_entries);
    zip_uint64_t declared = 0;
    for (zip_int64_t i = 0; i < n; i++) {
        zip_stat_t st;
        if (zip_stat_index(x->za, (zip_uint64_t)i, 0, &st) != 0)
            return s_fail(code, why, "bad_xlsx", "arsip XLSX rusak");
        if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE)
            return s_fail(code, why, "encrypted",
                          "isi arsip XLSX terenkripsi sehingga tidak dapat dibaca; simpan ulang "
                          "tanpa kata sandi");
        if (st.valid & ZIP_STAT_SIZE)
            declared += st.size;
        if (declared > x->max_total)
            return s_too_large(x, code, why);
    }
    return 0;
}

/* Reads the workbook, its parts and the styles after the archive passed its checks. */
static int s_read_structure(xlsx_t *x, const char **code, char **why)
{
    char *wb = s_workbook_path(x), *sst = NULL, *styles = NULL;
    int rc = s_read_workbook(x, wb);
    if (rc == -ENOENT)
        rc = s_fail(code, why, "not_xlsx",
                    "arsip tidak memuat buku kerja (\"%s\"); berkas bukan .xlsx", wb);
    else if (rc != 0)
        rc = s_bad_part(x, wb, code, why);
    else if (s_resolve_parts(x, wb, &sst, &styles) != 0)
        rc = s_bad_part(x, "_rels", code, why);
    else if (s_read_sst(x, sst) != 0)
        rc = s_bad_part(x, sst, code, why);
    else if (s_read_styles(x, styles) != 0)
        rc = s_bad_part(x, styles, code, why);
    else if (x->n_sheets == 0)
        rc = s_fail(code, why, "bad_xlsx", "buku kerja tidak memiliki lembar kerja");
    free(wb);
    free(sst);
    free(styles);
    return rc;
}

int xlsx_open(const void *data, size_t len, const xlsx_limits_t *limits, xlsx_t **out,
              const char **code, char **why)
{
    pthread_once(&s_once, s_init);
    *out = NULL;
    *why = NULL;
    int rc = s_check_magic(data, len, code, why);
    if (rc != 0)
        return rc;
    xlsx_t *x = xcalloc(1, sizeof *x);
    x->max_total = limits && limits->max_total ? limits->max_total : XLSX_MAX_TOTAL;
    int max_entries = limits && limits->max_entries ? limits->max_entries : XLSX_MAX_ENTRIES;
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
    if (src && !(x->za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze)))
        zip_source_free(src);
    zip_error_fini(&ze);
    if (!x->za)
        rc = s_fail(code, why, "not_xlsx", "berkas bukan arsip XLSX yang utuh (ZIP rusak)");
    if (rc == 0)
        rc = s_check_entries(x, max_entries, code, why);
    if (rc == 0)
        rc = s_read_structure(x, code, why);
    if (rc != 0) {
        xlsx_destroy(&x);
        return -EINVAL;
    }
    *out = x;
    return 0;
}

void xlsx_destroy(xlsx_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    xlsx_t *x = *self_p;
    if (x->za)
        zip_discard(x->za);
    for (int i = 0; i < x->n_sheets; i++) {
        free(x->sheets[i].name);
        free(x->sheets[i].rel_id);
        free(x->sheets[i].path);
    }
    free(x->sheets);
    for (int i = 0; i < x->n_sst; i++)
        free(x->sst[i]);
    free(x->sst);
    free(x->styles);
    free(x->base);
    free(x);
    *self_p = NULL;
}

int xlsx_sheet_count(const xlsx_t *x)
{
    return x->n_sheets;
}

const char *xlsx_sheet_name(const xlsx_t *x, int i)
{
    return i >= 0 && i < x->n_sheets && x->sheets[i].name ? x->sheets[i].name : "";
}

/* ---- worksheets --------------------------------------------------------------------------- */

/* Parses "H7" into row and column; false when it is no cell reference. */
static bool s_parse_ref(const char *ref, int *row, int *col)
{
    int c = 0, r = 0;
    const char *p = ref;
    for (; *p >= 'A' && *p <= 'Z'; p++)
        if ((c = c * 26 + (*p - 'A' + 1)) > S_MAX_COL)
            return false;
    if (c == 0 || !*p)
        return false;
    for (; *p >= '0' && *p <= '9'; p++)
        if ((r = r * 10 + (*p - '0')) > S_MAX_ROW)
            return false;
    if (*p || r == 0)
        return false;
    *row = r;
    *col = c;
    return true;
}

/* The state of one sheet's parse. */
typedef struct {
    xlsx_t *x;
    xlsx_sheet_t *s;
    int cap;
    int row;      /* the current row */
    int next_col; /* the column a cell without r gets */
    bool too_many;
    bool bad;
} s_sheet_parse_t;

/* What one <c> element held. */
typedef struct {
    char *type;   /* t: NULL (number), s, str, inlineStr, b, e, d */
    int style;    /* s */
    bool formula; /* an <f> child */
    bool has_v;
    strbuf_t v;  /* <v> text */
    strbuf_t is; /* <is> text */
} s_raw_cell_t;

static int s_read_cell_children(xmlTextReaderPtr r, s_raw_cell_t *raw)
{
    if (xmlTextReaderIsEmptyElement(r))
        return 0;
    int depth = xmlTextReaderDepth(r), rc;
    while ((rc = s_next_in(r, depth)) == 1) {
        if (xmlTextReaderNodeType(r) != XML_READER_TYPE_ELEMENT)
            continue;
        if (s_is(r, "f")) {
            raw->formula = true;
        } else if (s_is(r, "v")) {
            raw->has_v = true;
            if (s_text(r, &raw->v, NULL) != 0)
                return -1;
        } else if (s_is(r, "is")) {
            raw->has_v = true;
            if (s_text(r, &raw->is, "rPh") != 0)
                return -1;
        }
    }
    return rc;
}

/* Turns a raw cell into a value; false when it holds none (a styled blank). */
static bool s_cell_value(s_sheet_parse_t *sp, const s_raw_cell_t *raw, xlsx_cell_t *c)
{
    const char *t = raw->type ? raw->type : "n";
    const char *v = strbuf_str(&raw->v);
    const s_style_t *st =
        raw->style >= 0 && raw->style < sp->x->n_styles ? &sp->x->styles[raw->style] : NULL;
    c->formula = raw->formula;
    c->locked = st ? st->locked : true;
    if (!raw->has_v)
        return false;
    if (strcmp(t, "s") == 0) {
        double idx;
        if (!s_number(v, &idx) || idx < 0 || idx >= sp->x->n_sst) {
            sp->bad = true;
            return false;
        }
        c->kind = XLSX_TEXT;
        c->text = xstrdup(sp->x->sst[(int)idx]);
    } else if (strcmp(t, "inlineStr") == 0) {
        c->kind = XLSX_TEXT;
        c->text = xstrdup(strbuf_str(&raw->is));
    } else if (strcmp(t, "str") == 0) {
        c->kind = XLSX_TEXT;
        c->text = xstrdup(v);
    } else if (strcmp(t, "b") == 0) {
        c->kind = XLSX_BOOL;
        c->num = strcmp(v, "1") == 0 || strcasecmp(v, "true") == 0;
        c->text = xstrdup(c->num ? "TRUE" : "FALSE");
    } else if (strcmp(t, "e") == 0) {
        c->kind = XLSX_ERROR;
        c->text = xstrdup(v);
    } else if (strcmp(t, "d") == 0) {
        c->kind = XLSX_DATE;
        c->text = xstrdup(v);
    } else {
        if (!s_number(v, &c->num)) {
            sp->bad = true;
            return false;
        }
        c->kind = st && st->date ? XLSX_DATE : XLSX_NUMBER;
        c->text = xstrdup(v);
    }
    return true;
}

static void s_push_cell(s_sheet_parse_t *sp, const xlsx_cell_t *c)
{
    xlsx_sheet_t *s = sp->s;
    if (s->n_cells >= XLSX_MAX_CELLS) {
        sp->too_many = true;
        free(c->text);
        return;
    }
    if (s->n_cells == sp->cap) {
        sp->cap = sp->cap ? 2 * sp->cap : 256;
        s->cells = xrealloc(s->cells, (size_t)sp->cap * sizeof *s->cells);
    }
    s->cells[s->n_cells++] = *c;
    if (c->row > s->max_row)
        s->max_row = c->row;
    if (c->col > s->max_col)
        s->max_col = c->col;
}

static int s_read_cell(xmlTextReaderPtr r, s_sheet_parse_t *sp)
{
    char *ref = s_attr(r, "r"), *style = s_attr(r, "s");
    xlsx_cell_t c = {.row = sp->row, .col = sp->next_col};
    if (ref && !s_parse_ref(ref, &c.row, &c.col))
        sp->bad = true;
    s_raw_cell_t raw = {.type = s_attr(r, "t"), .style = style ? atoi(style) : -1};
    free(ref);
    free(style);
    int rc = s_read_cell_children(r, &raw);
    if (rc == 0 && c.row >= 1 && s_cell_value(sp, &raw, &c))
        s_push_cell(sp, &c);
    sp->next_col = c.col + 1;
    free(raw.type);
    strbuf_free(&raw.v);
    strbuf_free(&raw.is);
    return rc;
}

static int s_read_row(xmlTextReaderPtr r, s_sheet_parse_t *sp)
{
    char *ref = s_attr(r, "r");
    int row = ref ? atoi(ref) : sp->row + 1;
    free(ref);
    if (row < 1 || row > S_MAX_ROW) {
        sp->bad = true;
        return 0;
    }
    sp->row = row;
    sp->next_col = 1;
    return 0;
}

static int s_cmp_cells(const void *a, const void *b)
{
    const xlsx_cell_t *x = a, *y = b;
    if (x->row != y->row)
        return x->row < y->row ? -1 : 1;
    return x->col < y->col ? -1 : x->col > y->col;
}

/* Walks the worksheet part into sp->s. */
static int s_parse_sheet(xmlTextReaderPtr r, s_sheet_parse_t *sp)
{
    int rc;
    while ((rc = xmlTextReaderRead(r)) == 1 && !sp->too_many && !sp->bad) {
        if (s_start(r, "row")) {
            s_read_row(r, sp);
        } else if (s_start(r, "c")) {
            if (s_read_cell(r, sp) != 0)
                return -1;
        } else if (s_start(r, "sheetProtection")) {
            sp->s->is_protected = s_attr_true(r, "sheet", false);
            char *hash = s_attr(r, "password");
            char *hash2 = hash ? NULL : s_attr(r, "hashValue");
            sp->s->has_password = (hash && *hash) || (hash2 && *hash2);
            free(hash);
            free(hash2);
        }
    }
    if (sp->too_many || sp->bad)
        return 0;
    return s_finish(r, rc);
}

int xlsx_read_sheet(xlsx_t *x, const char *name, xlsx_sheet_t **out, const char **code, char **why)
{
    *out = NULL;
    *why = NULL;
    const s_sheet_ref_t *ref = NULL;
    for (int i = 0; i < x->n_sheets && !ref; i++)
        if (x->sheets[i].name && strcmp(x->sheets[i].name, name) == 0)
            ref = &x->sheets[i];
    if (!ref)
        return -ENOENT;
    s_in_t in;
    xmlTextReaderPtr r = ref->path ? s_open_part(x, ref->path, &in) : NULL;
    if (!r)
        return s_fail(code, why, "bad_xlsx",
                      "isi buku kerja rusak: lembar \"%s\" tidak ada di dalam arsip", name);
    xlsx_sheet_t *s = xcalloc(1, sizeof *s);
    s->name = xstrdup(name);
    s->hidden = ref->hidden;
    s_sheet_parse_t sp = {.x = x, .s = s};
    int rc = s_parse_sheet(r, &sp);
    s_close_part(r, &in);
    if (rc != 0)
        rc = s_bad_part(x, ref->path, code, why);
    else if (sp.too_many)
        rc = s_fail(code, why, "archive_too_large",
                    "lembar \"%s\" berisi lebih dari %d sel berisi; berkas ditolak", name,
                    XLSX_MAX_CELLS);
    else if (sp.bad)
        rc = s_fail(code, why, "bad_xlsx",
                    "isi buku kerja rusak: lembar \"%s\" memuat sel yang tidak sah", name);
    if (rc != 0) {
        xlsx_sheet_destroy(&s);
        return -EINVAL;
    }
    qsort(s->cells, (size_t)s->n_cells, sizeof *s->cells, s_cmp_cells);
    *out = s;
    return 0;
}

void xlsx_sheet_destroy(xlsx_sheet_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    xlsx_sheet_t *s = *self_p;
    for (int i = 0; i < s->n_cells; i++)
        free(s->cells[i].text);
    free(s->cells);
    free(s->name);
    free(s);
    *self_p = NULL;
}

const xlsx_cell_t *xlsx_cell(const xlsx_sheet_t *s, int row, int col)
{
    xlsx_cell_t key = {.row = row, .col = col};
    return bsearch(&key, s->cells, (size_t)s->n_cells, sizeof *s->cells, s_cmp_cells);
}

char *xlsx_col_name(int col, char *buf, size_t len)
{
    char tmp[8];
    int n = 0;
    for (; col > 0 && n < (int)sizeof tmp; col = (col - 1) / 26)
        tmp[n++] = (char)('A' + (col - 1) % 26);
    size_t w = 0;
    while (n > 0 && w + 1 < len)
        buf[w++] = tmp[--n];
    if (len)
        buf[w] = '\0';
    return buf;
}

char *xlsx_ref(const char *sheet, int row, int col, char *buf, size_t len)
{
    char c[8];
    snprintf(buf, len, "%s!%s%d", sheet, xlsx_col_name(col, c, sizeof c), row);
    return buf;
}
