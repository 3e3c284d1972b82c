/* lkip-fill — plays the person at Excel for the demo and the fixtures (built from tests/, never
 * installed):
 *
 *   lkip-fill FORMAT.xlsx DATA.csv OUT.xlsx
 *       fills a unit's format as lkip made it with the rows of a unit data CSV (matched by kode,
 *       else by indikator): the same workbook, hidden sheet and locked cells, with realisasi,
 *       pagu, realisasi anggaran and the explanations typed in;
 *   lkip-fill --blank PK.csv --tahun 2026 --unit IKP --instance 7 --ref LKIP/2026
 *             --format-id ID --out FORMAT.xlsx
 *       makes a blank format without a daemon, from a PK file and the demo organisation's units
 *       (for tests/fixtures/make-fixtures.sh).
 *
 * Exit status: 0 done, 1 the input was refused (reasons on stderr), 2 wrong usage. */
#include "pk.h"
#include "unitfmt.h"
#include "xlsx_read.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FILE (8 * 1024 * 1024)

/* The units sql/001_foundation.sql seeds for the demo organisation. */
static const pk_unit_t s_units[] = {
    {"SEKRETARIAT", "Sekretariat"},
    {"IKP", "Bidang Informasi dan Komunikasi Publik"},
    {"APTIKA", "Bidang Aplikasi Informatika"},
    {"PERSANDIAN", "Bidang Persandian dan Keamanan Informasi"},
    {"STATISTIK", "Bidang Statistik"},
};

static char *s_read(const char *path, size_t *len)
{
    char *data;
    if (read_file(path, MAX_FILE, &data, len) != 0) {
        fprintf(stderr, "lkip-fill: cannot read %s\n", path);
        exit(1);
    }
    return data;
}

static int s_write(const char *path, const uint8_t *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
        fprintf(stderr, "lkip-fill: cannot write %s\n", path);
        return 1;
    }
    return 0;
}

static const char *s_text(const xlsx_sheet_t *s, int row, int col)
{
    const xlsx_cell_t *c = xlsx_cell(s, row, col);
    return c && c->kind == XLSX_TEXT ? c->text : "";
}

/* The unit's PK rows as the format shows them (locked columns B-G from row 6 on). */
static pk_t *s_pk_of_format(const xlsx_sheet_t *s, const unitfmt_info_t *info)
{
    pk_t *pk = pk_new(info->year);
    for (int r = UNITFMT_HEADER_ROW + 1; r <= s->max_row && *s_text(s, r, 2); r++) {
        pk_indicator_t ind = {0};
        ind.code = xstrdup(s_text(s, r, 2));
        ind.unit_code = xstrdup(info->unit_code);
        ind.unit_name = xstrdup("");
        ind.sasaran = xstrdup(s_text(s, r, 3));
        ind.indikator = xstrdup(s_text(s, r, 4));
        ind.satuan = xstrdup(s_text(s, r, 5));
        ind.dir = strcmp(s_text(s, r, 6), "turun") == 0 ? CAPAIAN_LOWER : CAPAIAN_HIGHER;
        const xlsx_cell_t *t = xlsx_cell(s, r, 7);
        if (t && t->kind == XLSX_NUMBER) {
            ind.target_lo = ind.target_hi = t->num;
            ind.target_text = xasprintf("%g", t->num);
        } else {
            const char *code;
            char *why = NULL;
            ind.target_text = xstrdup(t ? t->text : "");
            if (unitdata_parse_value(UNITDATA_TARGET, ind.target_text, -1, &ind.target_lo,
                                     &ind.target_hi, &code, &why) != 0)
                free(why);
        }
        pk_add(pk, &ind);
    }
    return pk;
}

/* "Unit: NAME (CODE) - ..." -> NAME; "... Tenggat: DUE" -> DUE. Caller frees. */
static char *s_between(const char *text, const char *open, const char *close)
{
    const char *b = strstr(text, open);
    if (!b)
        return xstrdup("");
    b += strlen(open);
    const char *e = close ? strstr(b, close) : NULL;
    return e ? xstrndup(b, (size_t)(e - b)) : xstrdup(b);
}

static int s_fill(const char *format_path, const char *csv_path, const char *out)
{
    size_t flen, clen;
    char *format = s_read(format_path, &flen), *csv = s_read(csv_path, &clen);
    unitdata_t *values = unitdata_parse(csv, clen);
    for (int i = 0; i < values->n_errors; i++)
        fprintf(stderr, "lkip-fill: %s line %d: %s\n", csv_path, values->errors[i].line,
                values->errors[i].reason);
    xlsx_t *x = NULL;
    xlsx_sheet_t *s = NULL;
    const char *code;
    char *why = NULL;
    int rc = 1;
    unitfmt_info_t info = {0};
    if (values->n_errors == 0 && xlsx_open(format, flen, NULL, &x, &code, &why) == 0 &&
        xlsx_read_sheet(x, UNITFMT_SHEET, &s, &code, &why) == 0) {
        if (unitfmt_read_info(format, flen, &info) != 0)
            fprintf(stderr, "lkip-fill: %s is no lkip format\n", format_path);
        pk_t *pk = s_pk_of_format(s, &info);
        char *unit_name = s_between(s_text(s, 3, 1), "Unit: ", " (");
        char *due = s_between(s_text(s, 4, 1), "Tenggat: ", NULL);
        unitfmt_meta_t meta = {
            info.instance_id, info.instance_ref, info.org_code,   s_text(s, 2, 1), info.unit_code,
            unit_name,        info.year,         info.pk_version, info.format_id,  due};
        uint8_t *data;
        size_t len;
        const char *wwhy;
        if (unitfmt_write(&meta, pk, values, &data, &len, &wwhy) == 0) {
            rc = s_write(out, data, len);
            free(data);
        }
        free(unit_name);
        free(due);
        pk_destroy(&pk);
    } else if (why) {
        fprintf(stderr, "lkip-fill: %s: %s\n", format_path, why);
    }
    free(why);
    unitfmt_info_clear(&info);
    xlsx_sheet_destroy(&s);
    xlsx_destroy(&x);
    unitdata_destroy(&values);
    free(format);
    free(csv);
    return rc;
}

static int s_blank(int argc, char **argv)
{
    static const struct option opts[] = {
        {"blank", required_argument, NULL, 'b'}, {"tahun", required_argument, NULL, 't'},
        {"unit", required_argument, NULL, 'u'},  {"instance", required_argument, NULL, 'i'},
        {"ref", required_argument, NULL, 'r'},   {"format-id", required_argument, NULL, 'f'},
        {"out", required_argument, NULL, 'o'},   {0}};
    const char *pk_path = NULL, *unit = NULL, *ref = "LKIP/2026", *id = "fixture", *out = NULL;
    int year = 2026, c;
    long long instance = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'b':
            pk_path = optarg;
            break;
        case 't':
            year = atoi(optarg);
            break;
        case 'u':
            unit = optarg;
            break;
        case 'i':
            instance = atoll(optarg);
            break;
        case 'r':
            ref = optarg;
            break;
        case 'f':
            id = optarg;
            break;
        case 'o':
            out = optarg;
            break;
        default:
            return 2;
        }
    }
    if (!pk_path || !unit || !out)
        return 2;
    size_t len;
    char *text = s_read(pk_path, &len);
    pk_t *pk = pk_parse(text, len, year, s_units, (int)ARRAY_LEN(s_units));
    free(text);
    const char *unit_name = "";
    for (size_t i = 0; i < ARRAY_LEN(s_units); i++)
        if (strcmp(s_units[i].code, unit) == 0)
            unit_name = s_units[i].name;
    int rc = 1;
    uint8_t *data;
    const char *why;
    unitfmt_meta_t meta = {
        instance, ref,       "DKIP", "Dinas Komunikasi, Informatika dan Persandian Kota Gorontalo",
        unit,     unit_name, year,   1,
        id,       ""};
    if (pk->n_errors == 0 && unitfmt_write(&meta, pk, NULL, &data, &len, &why) == 0) {
        rc = s_write(out, data, len);
        free(data);
    }
    for (int i = 0; i < pk->n_errors; i++)
        fprintf(stderr, "lkip-fill: %s %s: %s\n", pk_path, pk->errors[i].ref, pk->errors[i].reason);
    pk_destroy(&pk);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--blank") == 0)
        return s_blank(argc, argv);
    if (argc != 4) {
        fprintf(stderr, "usage: lkip-fill FORMAT.xlsx DATA.csv OUT.xlsx\n"
                        "       lkip-fill --blank PK.csv --unit CODE [--tahun Y] [--instance N]"
                        " [--ref SOP/PERIOD] [--format-id ID] --out FORMAT.xlsx\n");
        return 2;
    }
    return s_fill(argv[1], argv[2], argv[3]);
}
