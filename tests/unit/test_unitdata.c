/* test_unitdata — the performance data file parser: the sample file units are given, its
 * ','-separated, CRLF, BOM and tab variants, numbers as people write them, target ranges, and
 * every kind of rejected cell with its line, column and code. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "unitdata.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A copy of /work/shared/data/contoh-data-kinerja-2026.csv (tests do not read shared files). */
static const char tu_sample[] =
    "unit;sasaran;indikator;satuan;arah;target;realisasi;pagu;realisasi_anggaran\n"
    "Sekretariat;Meningkatnya akuntabilitas kinerja perangkat daerah;Nilai SAKIP Perangkat "
    "Daerah;nilai;naik;70;68,5;450.000.000;431.250.000\n"
    "Sekretariat;Meningkatnya akuntabilitas kinerja perangkat daerah;Persentase serapan "
    "anggaran;%;naik;95;92,3;;\n"
    "Bidang IKP;Meningkatnya keterbukaan informasi publik;Indeks Keterbukaan Informasi "
    "Publik;indeks;naik;80;84,2;1.200.000.000;1.134.500.000\n"
    "Bidang IKP;Meningkatnya keterbukaan informasi publik;Persentase informasi publik yang "
    "dipublikasikan;%;naik;100;96;;\n"
    "Bidang Aplikasi Informatika;Meningkatnya kualitas penyelenggaraan SPBE;Indeks SPBE Kota "
    "Gorontalo;indeks;naik;2,6;2,85;2.750.000.000;2.612.000.000\n"
    "Bidang Aplikasi Informatika;Meningkatnya kualitas penyelenggaraan SPBE;Persentase OPD "
    "terhubung jaringan intranet;%;naik;90;93;;\n"
    "Bidang Aplikasi Informatika;Meningkatnya kualitas penyelenggaraan SPBE;Jumlah gangguan "
    "layanan jaringan;kejadian;turun;12;9;;\n"
    "Bidang Persandian dan Keamanan Informasi;Meningkatnya keamanan informasi pemerintah "
    "daerah;Persentase OPD yang menerapkan sertifikat "
    "elektronik;%;naik;75;81;600.000.000;579.300.000\n"
    "Bidang Persandian dan Keamanan Informasi;Meningkatnya keamanan informasi pemerintah "
    "daerah;Jumlah insiden keamanan informasi;kejadian;turun;5;7;;\n"
    "Bidang Statistik;Meningkatnya ketersediaan data sektoral;Persentase data sektoral yang "
    "dipublikasikan di portal Satu Data;%;naik;85;78,5;350.000.000;298.700.000\n"
    "Bidang Statistik;Meningkatnya ketersediaan data sektoral;Indeks Pembangunan Statistik "
    "Sektoral;indeks;naik;2,5;2,61;;\n";

/* The header every small test file below starts with. */
#define TU_HEAD "sasaran;indikator;satuan;arah;target;realisasi\n"

static unitdata_t *tu_parse(const char *text)
{
    return unitdata_parse(text, strlen(text));
}

/* Prints the errors of a parse that was expected to have none. */
static void tu_assert_no_errors(const unitdata_t *ud)
{
    for (int i = 0; i < ud->n_errors; i++)
        print_error("unexpected error: line %d column %d [%s] %s: %s\n", ud->errors[i].line,
                    ud->errors[i].column, ud->errors[i].column_name, ud->errors[i].code,
                    ud->errors[i].reason);
    assert_int_equal(ud->n_errors, 0);
}

typedef struct {
    int line;
    int column;
    const char *column_name;
    const char *code;
    const char *in_reason; /* a part the reason must contain */
} tu_error_t;

static bool tu_error_matches(const unitdata_error_t *e, const tu_error_t *w)
{
    return e->line == w->line && e->column == w->column &&
           !strcmp(e->column_name, w->column_name) && !strcmp(e->code, w->code) &&
           strstr(e->reason, w->in_reason);
}

/* The errors of ud are exactly want[0..n), in order; on a mismatch both lists are printed. */
static void tu_assert_errors(const unitdata_t *ud, const tu_error_t *want, int n)
{
    bool same = ud->n_errors == n;
    for (int i = 0; same && i < n; i++)
        same = tu_error_matches(&ud->errors[i], &want[i]);
    if (same)
        return;
    for (int i = 0; i < n; i++)
        print_error("want: line %d column %d [%s] %s: ...%s...\n", want[i].line, want[i].column,
                    want[i].column_name, want[i].code, want[i].in_reason);
    for (int i = 0; i < ud->n_errors; i++)
        print_error("got:  line %d column %d [%s] %s: %s\n", ud->errors[i].line,
                    ud->errors[i].column, ud->errors[i].column_name, ud->errors[i].code,
                    ud->errors[i].reason);
    fail();
}

/* A parse with exactly one error, checked. */
static void tu_assert_one_error(const char *text, int line, int column, const char *column_name,
                                const char *code, const char *in_reason)
{
    unitdata_t *ud = tu_parse(text);
    const tu_error_t want = {line, column, column_name, code, in_reason};
    tu_assert_errors(ud, &want, 1);
    unitdata_destroy(&ud);
}

/* ---- unitdata_parse_number ---------------------------------------------------------------- */

typedef struct {
    const char *text;
    int decimal_comma;
    const char *code; /* NULL: accepted with value and percent */
    double value;
    bool percent;
} tu_number_case_t;

static const tu_number_case_t tu_numbers[] = {
    {"70", -1, NULL, 70, false},
    {" 70 ", -1, NULL, 70, false},
    {"007", -1, NULL, 7, false},
    {"68,5", -1, NULL, 68.5, false},
    {"2,85", -1, NULL, 2.85, false},
    {"0,05", -1, NULL, 0.05, false},
    {"0,123", -1, NULL, 0.123, false}, /* "0" cannot open a thousands group */
    {"1.234,5", -1, NULL, 1234.5, false},
    {"1.234.567,89", -1, NULL, 1234567.89, false},
    {"450.000.000", -1, NULL, 450000000, false},
    {"450.000.000,00", 1, NULL, 450000000, false},
    {"2.85", -1, NULL, 2.85, false},
    {"1,234.5", -1, NULL, 1234.5, false},
    {"1,234,567.89", -1, NULL, 1234567.89, false},
    {"1234.567", -1, NULL, 1234.567, false}, /* "1234" cannot be a thousands group */
    {"01.234", -1, NULL, 1.234, false},
    {"58%", -1, NULL, 58, true},
    {"58 %", -1, NULL, 58, true},
    {"92,3%", -1, NULL, 92.3, true},
    {"-3", -1, NULL, -3, false},
    {"-2,5", -1, NULL, -2.5, false},
    {"-0", -1, NULL, 0, false},
    {"123456789012345", -1, NULL, 123456789012345.0, false},
    {"1.234", 1, NULL, 1234, false},
    {"1.234", 0, NULL, 1.234, false},
    {"1,234", 1, NULL, 1.234, false},
    {"1,234", 0, NULL, 1234, false},
    {"1.234", -1, "ambiguous_number", 0, false},
    {"1,234", -1, "ambiguous_number", 0, false},
    {"-1.234", -1, "ambiguous_number", 0, false},
    {"2.85", 1, "bad_number", 0, false},
    {"68,5", 0, "bad_number", 0, false},
    {"450.000.000", 0, "bad_number", 0, false},
    {"1.23.4", -1, "bad_number", 0, false},
    {"1.23.4", 1, "bad_number", 0, false},
    {"12,3,4", -1, "bad_number", 0, false},
    {"1..234", -1, "bad_number", 0, false},
    {"1.2345,6", -1, "bad_number", 0, false},
    {"%", -1, "bad_number", 0, false},
    {"", -1, "bad_number", 0, false},
    {"abc", -1, "bad_number", 0, false},
    {"1e5", -1, "bad_number", 0, false},
    {"0x10", -1, "bad_number", 0, false},
    {"12-", -1, "bad_number", 0, false},
    {"+5", -1, "bad_number", 0, false},
    {"- 5", -1, "bad_number", 0, false},
    {"-", -1, "bad_number", 0, false},
    {",5", -1, "bad_number", 0, false},
    {"5,", -1, "bad_number", 0, false},
    {"1 234", -1, "bad_number", 0, false},
    {"58%%", -1, "bad_number", 0, false},
    {"%58", -1, "bad_number", 0, false},
    {"1234567890123456", -1, "bad_number", 0, false}, /* 16 digits */
};

static void tu_number_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(tu_numbers); i++) {
        const tu_number_case_t *k = &tu_numbers[i];
        double v = -999;
        bool percent = false;
        const char *code = NULL, *why = NULL;
        int rc = unitdata_parse_number(k->text, k->decimal_comma, &v, &percent, &code, &why);
        /* Accepted values are exact: the same double as the literal. */
        bool ok = k->code ? rc == -EINVAL && code && !strcmp(code, k->code) && why
                          : rc == 0 && v == k->value && percent == k->percent;
        if (!ok) {
            print_error("\"%s\" (decimal_comma %d): rc %d, code %s, value %.17g, percent %d\n",
                        k->text, k->decimal_comma, rc, rc ? code : "-", v, percent);
            fail();
        }
    }
}

static void tu_number_reasons(void **state)
{
    (void)state;
    double v;
    bool percent;
    const char *code, *why;
    assert_int_equal(unitdata_parse_number("1.234", -1, &v, &percent, &code, &why), -EINVAL);
    assert_non_null(strstr(why, "tanpa pemisah ribuan"));
    assert_non_null(strstr(why, "bagian desimal"));
    assert_int_equal(unitdata_parse_number("12,3,4", -1, &v, &percent, &code, &why), -EINVAL);
    assert_string_equal(why, "bukan angka yang sah");
}

/* ---- the sample file ---------------------------------------------------------------------- */

/* Checks the rows of the sample file, however it was encoded. */
static void tu_check_sample(const unitdata_t *ud)
{
    tu_assert_no_errors(ud);
    assert_int_equal(ud->n_rows, 11);

    const unitdata_row_t *r = &ud->rows[0];
    assert_int_equal(r->line, 2);
    assert_string_equal(r->unit, "Sekretariat");
    assert_string_equal(r->sasaran, "Meningkatnya akuntabilitas kinerja perangkat daerah");
    assert_string_equal(r->indikator, "Nilai SAKIP Perangkat Daerah");
    assert_string_equal(r->satuan, "nilai");
    assert_int_equal(r->dir, CAPAIAN_HIGHER);
    assert_int_equal(r->formula, CAPAIAN_FORMULA_STANDARD);
    assert_true(r->target_lo == 70 && r->target_hi == 70);
    assert_true(r->realisasi == 68.5);
    assert_true(r->has_pagu && r->pagu == 450000000);
    assert_true(r->has_realisasi_anggaran && r->realisasi_anggaran == 431250000);
    assert_string_equal(r->target_text, "70");
    assert_string_equal(r->realisasi_text, "68,5");

    r = &ud->rows[1];
    assert_int_equal(r->line, 3);
    assert_string_equal(r->satuan, "%");
    assert_true(r->realisasi == 92.3);
    assert_false(r->has_pagu);
    assert_false(r->has_realisasi_anggaran);

    r = &ud->rows[4];
    assert_int_equal(r->line, 6);
    assert_string_equal(r->unit, "Bidang Aplikasi Informatika");
    assert_string_equal(r->indikator, "Indeks SPBE Kota Gorontalo");
    assert_true(r->target_lo == 2.6 && r->target_hi == 2.6);
    assert_true(r->realisasi == 2.85);
    assert_true(r->pagu == 2750000000.0);
    assert_true(r->realisasi_anggaran == 2612000000.0);
    assert_string_equal(r->realisasi_text, "2,85");

    r = &ud->rows[6];
    assert_int_equal(r->line, 8);
    assert_string_equal(r->indikator, "Jumlah gangguan layanan jaringan");
    assert_int_equal(r->dir, CAPAIAN_LOWER);
    assert_true(r->target_lo == 12 && r->realisasi == 9);
    assert_false(r->has_pagu);

    r = &ud->rows[8];
    assert_int_equal(r->line, 10);
    assert_string_equal(r->unit, "Bidang Persandian dan Keamanan Informasi");
    assert_int_equal(r->dir, CAPAIAN_LOWER);
    assert_true(r->target_lo == 5 && r->realisasi == 7);

    r = &ud->rows[10];
    assert_int_equal(r->line, 12);
    assert_string_equal(r->unit, "Bidang Statistik");
    assert_true(r->target_lo == 2.5 && r->realisasi == 2.61);
}

static void tu_sample_file(void **state)
{
    (void)state;
    unitdata_t *ud = tu_parse(tu_sample);
    assert_int_equal(ud->separator, ';');
    tu_check_sample(ud);
    unitdata_destroy(&ud);
    assert_null(ud);
}

/* The sample's rows rated as the daemon will rate them. */
static void tu_sample_capaian(void **state)
{
    (void)state;
    unitdata_t *ud = tu_parse(tu_sample);
    static const struct {
        double percent;
        const char *rating;
    } want[11] = {
        {6850.0 / 70, "Sangat Tinggi"},
        {9230.0 / 95, "Sangat Tinggi"},
        {8420.0 / 80, "Sangat Tinggi"},
        {96, "Sangat Tinggi"},
        {285.0 / 2.6, "Sangat Tinggi"},
        {9300.0 / 90, "Sangat Tinggi"},
        {125, "Sangat Tinggi"},
        {8100.0 / 75, "Sangat Tinggi"},
        {60, "Rendah"},
        {7850.0 / 85, "Sangat Tinggi"},
        {261.0 / 2.5, "Sangat Tinggi"},
    };
    assert_int_equal(ud->n_rows, 11);
    for (int i = 0; i < ud->n_rows; i++) {
        const unitdata_row_t *r = &ud->rows[i];
        capaian_t c = capaian_compute(r->dir, r->formula, r->target_lo, r->target_hi, r->realisasi);
        assert_true(c.rated);
        assert_true(c.percent > want[i].percent - 1e-9 && c.percent < want[i].percent + 1e-9);
        assert_string_equal(capaian_rating(capaian_default_scale(), c), want[i].rating);
    }
    unitdata_destroy(&ud);
}

/* The sample with every "\n" as "\r\n", after a UTF-8 BOM when bom. Caller frees. */
static char *tu_sample_crlf(bool bom)
{
    strbuf_t sb = {0};
    if (bom)
        strbuf_puts(&sb, "\xef\xbb\xbf");
    for (const char *p = tu_sample; *p; p++) {
        if (*p == '\n')
            strbuf_puts(&sb, "\r\n");
        else
            strbuf_append(&sb, p, 1);
    }
    return strbuf_take(&sb);
}

static void tu_sample_crlf_and_bom(void **state)
{
    (void)state;
    for (int bom = 0; bom <= 1; bom++) {
        char *text = tu_sample_crlf(bom);
        unitdata_t *ud = tu_parse(text);
        tu_check_sample(ud);
        assert_string_equal(ud->rows[0].unit, "Sekretariat");     /* no BOM bytes left */
        assert_string_equal(ud->rows[10].realisasi_text, "2,61"); /* no '\r' left */
        unitdata_destroy(&ud);
        free(text);
    }
    /* A BOM in front of the LF file too. */
    strbuf_t sb = {0};
    strbuf_puts(&sb, "\xef\xbb\xbf");
    strbuf_puts(&sb, tu_sample);
    unitdata_t *ud = unitdata_parse(sb.data, sb.len);
    tu_check_sample(ud);
    unitdata_destroy(&ud);
    strbuf_free(&sb);
}

static void tu_sample_tabs(void **state)
{
    (void)state;
    char *text = xstrdup(tu_sample);
    for (char *p = text; *p; p++) {
        if (*p == ';')
            *p = '\t';
    }
    unitdata_t *ud = tu_parse(text);
    assert_int_equal(ud->separator, '\t');
    tu_check_sample(ud);
    unitdata_destroy(&ud);
    free(text);
}

/* Part of the sample as a ','-separated export: numbers with ',' quoted, a sasaran with a
 * separator, a quote and a line break inside quotes. */
static void tu_comma_separated(void **state)
{
    (void)state;
    const char *text =
        "Unit,Sasaran,Indikator,Satuan,Arah,Target,Realisasi,Pagu,Realisasi_Anggaran\n"
        "Sekretariat,\"Meningkatnya akuntabilitas, kinerja\",Nilai \"\"SAKIP\"\",nilai,naik,70,"
        "\"68,5\",450.000.000,\"431.250.000\"\n"
        "Bidang IKP,\"Meningkatnya \"\"keterbukaan\"\"\n"
        "informasi publik\",Indeks KIP,indeks,naik,80,\"84,2\",,\n"
        "Bidang Statistik,Sasaran,Indeks,indeks,naik,\"2,5\",\"2,61\",\"Rp 350.000.000\",\n"
        "Bidang Aplikasi Informatika,Sasaran,Gangguan,kejadian,turun,12,9,,\n";
    unitdata_t *ud = tu_parse(text);
    assert_int_equal(ud->separator, ',');
    tu_assert_no_errors(ud);
    assert_int_equal(ud->n_rows, 4);

    const unitdata_row_t *r = &ud->rows[0];
    assert_int_equal(r->line, 2);
    assert_string_equal(r->sasaran, "Meningkatnya akuntabilitas, kinerja");
    assert_string_equal(r->indikator, "Nilai \"\"SAKIP\"\""); /* unquoted: kept as written */
    assert_true(r->realisasi == 68.5);
    assert_true(r->pagu == 450000000 && r->realisasi_anggaran == 431250000);

    r = &ud->rows[1];
    assert_int_equal(r->line, 3);
    assert_string_equal(r->sasaran, "Meningkatnya \"keterbukaan\"\ninformasi publik");
    assert_true(r->realisasi == 84.2);
    assert_false(r->has_pagu);

    r = &ud->rows[2];
    assert_int_equal(r->line, 5); /* the quoted line break counts */
    assert_true(r->target_lo == 2.5 && r->realisasi == 2.61);
    assert_true(r->has_pagu && r->pagu == 350000000);
    assert_false(r->has_realisasi_anggaran);

    r = &ud->rows[3];
    assert_int_equal(r->line, 6);
    assert_int_equal(r->dir, CAPAIAN_LOWER);
    unitdata_destroy(&ud);
}

/* A ';' inside quotes in the header does not make ';' the separator. */
static void tu_separator_from_header_outside_quotes(void **state)
{
    (void)state;
    const char *text = "sasaran,indikator,satuan,arah,target,\"realisasi\"\n"
                       "\"a;b\",I,x,naik,\"1,5\",2\n";
    unitdata_t *ud = tu_parse(text);
    assert_int_equal(ud->separator, ',');
    tu_assert_no_errors(ud);
    assert_string_equal(ud->rows[0].sasaran, "a;b");
    assert_true(ud->rows[0].target_lo == 1.5);
    unitdata_destroy(&ud);
}

/* Empty lines (also a spreadsheet's ";;;;;" and CRLF ones) are skipped, but counted. */
static void tu_empty_lines(void **state)
{
    (void)state;
    const char *text = "\n\r\n" TU_HEAD "\n"
                       ";;;;;\n"
                       "  \n"
                       "S;I;x;naik;1;2\r\n"
                       "\n"
                       "S;I;x;naik;1;3";
    unitdata_t *ud = tu_parse(text);
    tu_assert_no_errors(ud);
    assert_int_equal(ud->n_rows, 2);
    assert_int_equal(ud->rows[0].line, 7);
    assert_int_equal(ud->rows[1].line, 9);
    assert_true(ud->rows[1].realisasi == 3);
    assert_string_equal(ud->rows[0].unit, ""); /* no unit column */
    unitdata_destroy(&ud);
}

/* ---- rejected cells ----------------------------------------------------------------------- */

static void tu_bad_cells(void **state)
{
    (void)state;
    const char *text =
        "Unit;Sasaran;Indikator;Satuan;Arah;Target;Realisasi;Pagu;Realisasi Anggaran;Rumus\n"
        "A;\"two\nlines\";I;%;naik;70;68,5;;;\n"          /* 2-3: fine */
        "A;S;I;%;naik;12,3,4;abc;Rp 450.000.000,-;95%;\n" /* 4 */
        "A;S;I;%;naik;80 - 90;1e5;-5;;T/R\n"              /* 5 */
        "A;S;;%;sideways;90 - 80;12-;;;\n"                /* 6 */
        "A;S;I;%;turun;-3;0x10;;;R/T\n"                   /* 7 */
        "A;S;I\n"                                         /* 8 */
        "A;S;I;%;naik;;;;;\n"                             /* 9 */
        "A;S;I;%;turun;5;7;;;t / r\n";                    /* 10: fine */
    const tu_error_t want[] = {
        {4, 6, "Target", "bad_number", "nilai \"12,3,4\" bukan angka yang sah"},
        {4, 7, "Realisasi", "bad_number", "nilai \"abc\" bukan angka yang sah"},
        {4, 9, "Realisasi Anggaran", "bad_number", "\"95%\" harus berupa rupiah"},
        {5, 7, "Realisasi", "bad_number", "\"1e5\""},
        {5, 8, "Pagu", "negative_value", "nilai \"-5\" tidak boleh negatif"},
        {5, 10, "Rumus", "bad_formula", "\"T/R\" hanya berlaku untuk indikator dengan arah"},
        {6, 3, "Indikator", "missing_value", "kolom \"Indikator\" wajib diisi"},
        {6, 5, "Arah", "bad_direction", "\"sideways\""},
        {6, 6, "Target", "bad_range", "rentang \"90 - 80\" tidak sah"},
        {6, 7, "Realisasi", "bad_number", "\"12-\""},
        {7, 6, "Target", "negative_value", "\"-3\""},
        {7, 7, "Realisasi", "bad_number", "\"0x10\""},
        {7, 10, "Rumus", "bad_formula", "\"R/T\" bukan rumus yang dikenal"},
        {8, 0, "", "bad_row", "baris berisi 3 sel, seharusnya 10"},
        {9, 6, "Target", "missing_value", "kolom \"Target\" wajib diisi"},
        {9, 7, "Realisasi", "missing_value", "kolom \"Realisasi\" wajib diisi"},
    };
    unitdata_t *ud = tu_parse(text);
    tu_assert_errors(ud, want, (int)ARRAY_LEN(want));
    /* Only faultless rows are kept. */
    assert_int_equal(ud->n_rows, 2);
    assert_int_equal(ud->rows[0].line, 2);
    assert_string_equal(ud->rows[0].sasaran, "two\nlines");
    assert_int_equal(ud->rows[1].line, 10);
    assert_int_equal(ud->rows[1].formula, CAPAIAN_FORMULA_INVERSE);
    unitdata_destroy(&ud);
}

static void tu_ambiguous_without_evidence(void **state)
{
    (void)state;
    const char *text = TU_HEAD "S;I;x;naik;1.234;1000\n"
                               "S;I;x;naik;100;99\n";
    tu_assert_one_error(text, 2, 5, "target", "ambiguous_number", "nilai \"1.234\" ambigu");
    unitdata_t *ud = tu_parse(text);
    assert_non_null(strstr(ud->errors[0].reason, "tanpa pemisah ribuan (1234)"));
    unitdata_destroy(&ud);
    /* With ',' as the separator the same holds for a quoted "1,234". */
    tu_assert_one_error("sasaran,indikator,satuan,arah,target,realisasi\n"
                        "S,I,x,naik,5,\"1,234\"\n",
                        2, 6, "realisasi", "ambiguous_number", "\"1,234\"");
}

/* One unambiguous cell anywhere settles "1.234" everywhere. */
static void tu_ambiguous_with_evidence(void **state)
{
    (void)state;
    unitdata_t *ud = tu_parse(TU_HEAD "S;I;x;naik;1.234;1000\n"
                                      "S;I;x;naik;100;99,5\n");
    tu_assert_no_errors(ud);
    assert_true(ud->rows[0].target_lo == 1234);
    unitdata_destroy(&ud);
    ud = tu_parse(TU_HEAD "S;I;x;naik;1.234;1000\n"
                          "S;I;x;naik;100;99.5\n");
    tu_assert_no_errors(ud);
    assert_true(ud->rows[0].target_lo == 1.234);
    unitdata_destroy(&ud);
    /* "450.000.000" can only mean thousands: decimal comma. */
    ud = tu_parse("sasaran;indikator;satuan;arah;target;realisasi;pagu\n"
                  "S;I;x;naik;1.500;1.600;450.000.000\n");
    tu_assert_no_errors(ud);
    assert_true(ud->rows[0].target_lo == 1500 && ud->rows[0].realisasi == 1600);
    unitdata_destroy(&ud);
}

static void tu_mixed_formats(void **state)
{
    (void)state;
    const char *text = TU_HEAD "S;I;x;naik;70;68,5\n"
                               "S;I;x;naik;2.85;3\n"
                               "S;I;x;naik;2,6;2,85\n";
    unitdata_t *ud = tu_parse(text);
    const tu_error_t want[] = {
        {0, 0, "", "mixed_number_format",
         "koma desimal (baris 2 kolom \"realisasi\": \"68,5\") dan titik desimal (baris 3 kolom "
         "\"target\": \"2.85\")"},
    };
    tu_assert_errors(ud, want, 1);
    unitdata_destroy(&ud);
    /* "1,234.5" against "1.234,5". */
    ud = tu_parse(TU_HEAD "S;I;x;naik;1.234,5;1\n"
                          "S;I;x;naik;1,234.5;1\n");
    assert_int_equal(ud->n_errors, 1);
    assert_string_equal(ud->errors[0].code, "mixed_number_format");
    unitdata_destroy(&ud);
}

typedef struct {
    const char *cell;
    double lo, hi;
} tu_range_case_t;

static void tu_ranges(void **state)
{
    (void)state;
    static const tu_range_case_t cases[] = {
        {"80 - 90", 80, 90},
        {"80-90", 80, 90},
        {"80 s.d. 90", 80, 90},
        {"80 s/d 90", 80, 90},
        {"80 S.D 90", 80, 90},
        {"80 sd 90", 80, 90},
        {"80 \xe2\x80\x93 90", 80, 90},
        {"80% - 90%", 80, 90},
        {"2,5 - 3,75", 2.5, 3.75},
        {"0 - 5", 0, 5},
        {"85", 85, 85},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        char *text = xasprintf(TU_HEAD "S;I;x;naik;%s;85\n", cases[i].cell);
        unitdata_t *ud = tu_parse(text);
        tu_assert_no_errors(ud);
        if (ud->rows[0].target_lo != cases[i].lo || ud->rows[0].target_hi != cases[i].hi) {
            print_error("target \"%s\": [%g, %g]\n", cases[i].cell, ud->rows[0].target_lo,
                        ud->rows[0].target_hi);
            fail();
        }
        assert_string_equal(ud->rows[0].target_text, cases[i].cell);
        unitdata_destroy(&ud);
        free(text);
    }
}

static void tu_bad_ranges(void **state)
{
    (void)state;
    tu_assert_one_error(TU_HEAD "S;I;x;naik;90 - 80;85\n", 2, 5, "target", "bad_range",
                        "batas bawah harus lebih kecil");
    tu_assert_one_error(TU_HEAD "S;I;x;naik;80 - 80;85\n", 2, 5, "target", "bad_range",
                        "\"80 - 80\"");
    tu_assert_one_error(TU_HEAD "S;I;x;naik;80 - 9x;85\n", 2, 5, "target", "bad_number",
                        "nilai \"9x\" bukan angka yang sah");
    tu_assert_one_error(TU_HEAD "S;I;x;naik;-5 - 10;85\n", 2, 5, "target", "negative_value",
                        "nilai \"-5\" tidak boleh negatif");
    tu_assert_one_error(TU_HEAD "S;I;x;naik;80 -;85\n", 2, 5, "target", "bad_number",
                        "nilai \"80 -\"");
}

static void tu_percent_and_rupiah(void **state)
{
    (void)state;
    unitdata_t *ud = tu_parse("sasaran;indikator;satuan;arah;target;realisasi;pagu;"
                              "realisasi_anggaran\n"
                              "S;I;%;naik;75%;58%;Rp 450.000.000;Rp450.000.000\n"
                              "S;I;%;naik;75;58 %;Rp. 1.000.000,-;1.000.000,50\n"
                              "S;I;%;turun;5;-2;0;\n");
    tu_assert_no_errors(ud);
    assert_true(ud->rows[0].target_lo == 75 && ud->rows[0].realisasi == 58);
    assert_string_equal(ud->rows[0].realisasi_text, "58%");
    assert_true(ud->rows[0].pagu == 450000000 && ud->rows[0].realisasi_anggaran == 450000000);
    assert_true(ud->rows[1].realisasi == 58);
    assert_true(ud->rows[1].pagu == 1000000 && ud->rows[1].realisasi_anggaran == 1000000.5);
    assert_true(ud->rows[2].realisasi == -2); /* realisasi may be negative */
    assert_true(ud->rows[2].has_pagu && ud->rows[2].pagu == 0);
    assert_false(ud->rows[2].has_realisasi_anggaran);
    unitdata_destroy(&ud);
    tu_assert_one_error(TU_HEAD "S;I;x;naik;%;5\n", 2, 5, "target", "bad_number",
                        "nilai \"%\" bukan angka");
    tu_assert_one_error("sasaran;indikator;satuan;arah;target;realisasi;pagu\n"
                        "S;I;x;naik;1;5;Rp -5\n",
                        2, 7, "pagu", "negative_value", "\"Rp -5\"");
}

static void tu_direction_and_formula(void **state)
{
    (void)state;
    unitdata_t *ud = tu_parse("sasaran;indikator;satuan;arah;target;realisasi;rumus\n"
                              "S;I;x;Naik;1;1;\n"
                              "S;I;x;HIGHER;1;1;2T-R\n"
                              "S;I;x;Turun;1;1;2t - r\n"
                              "S;I;x;lower;1;1;T/R\n"
                              "S;I;x;turun;1;1; t / R \n");
    tu_assert_no_errors(ud);
    static const capaian_dir_t dirs[] = {CAPAIAN_HIGHER, CAPAIAN_HIGHER, CAPAIAN_LOWER,
                                         CAPAIAN_LOWER, CAPAIAN_LOWER};
    static const capaian_formula_t formulas[] = {CAPAIAN_FORMULA_STANDARD, CAPAIAN_FORMULA_STANDARD,
                                                 CAPAIAN_FORMULA_STANDARD, CAPAIAN_FORMULA_INVERSE,
                                                 CAPAIAN_FORMULA_INVERSE};
    assert_int_equal(ud->n_rows, 5);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(ud->rows[i].dir, dirs[i]);
        assert_int_equal(ud->rows[i].formula, formulas[i]);
    }
    unitdata_destroy(&ud);
    /* T/R with an arah that is itself wrong: only the arah is reported. */
    tu_assert_one_error("sasaran;indikator;satuan;arah;target;realisasi;rumus\n"
                        "S;I;x;naik turun;1;1;T/R\n",
                        2, 4, "arah", "bad_direction", "tulis \"naik\" atau \"turun\"");
}

static void tu_too_long(void **state)
{
    (void)state;
    char *fits = xmalloc(UNITDATA_MAX_CELL + 2);
    memset(fits, 'a', UNITDATA_MAX_CELL + 1);
    fits[UNITDATA_MAX_CELL + 1] = '\0';
    char *text = xasprintf(TU_HEAD "S;%s;x;naik;1;1\nS;%s;x;naik;1;1\n", fits + 1, fits);
    unitdata_t *ud = tu_parse(text);
    const tu_error_t want[] = {{3, 2, "indikator", "too_long", "(501 byte, paling banyak 500)"}};
    tu_assert_errors(ud, want, 1);
    assert_int_equal(ud->n_rows, 1);
    assert_int_equal((int)strlen(ud->rows[0].indikator), UNITDATA_MAX_CELL);
    assert_true(strlen(ud->errors[0].reason) < 200); /* the value is shortened */
    unitdata_destroy(&ud);
    free(text);
    free(fits);
}

static void tu_bad_quotes(void **state)
{
    (void)state;
    const char *text = TU_HEAD "S;\"I\" x;x;naik;1;1\n"
                               "S;I;x;naik;1;1\n"
                               "S;\"I;x;naik;1;1\n"
                               "S;I;x;naik;1;1\n";
    const tu_error_t want[] = {
        {2, 2, "indikator", "bad_quote", "\"I x\""},
        {4, 0, "", "bad_quote", "tidak pernah ditutup"},
    };
    unitdata_t *ud = tu_parse(text);
    tu_assert_errors(ud, want, 2);
    assert_int_equal(ud->n_rows, 1);
    assert_int_equal(ud->rows[0].line, 3);
    unitdata_destroy(&ud);
}

static void tu_bad_row_with_comma_separator(void **state)
{
    (void)state;
    tu_assert_one_error("sasaran,indikator,satuan,arah,target,realisasi\n"
                        "S,I,x,naik,70,68,5\n",
                        2, 0, "", "bad_row", "harus diapit tanda kutip");
}

/* ---- file-level problems ------------------------------------------------------------------ */

static void tu_header_problems(void **state)
{
    (void)state;
    const char *text = " UNIT ;Sasaran;indikator;satuan;Target;realisasi;keterangan;bidang;"
                       "realisasi;\n"
                       "U;S;I;x;1;1;k;B;1;\n";
    const tu_error_t want[] = {
        {1, 7, "keterangan", "unknown_column", "kolom \"keterangan\" tidak dikenal"},
        {1, 8, "bidang", "duplicate_column", "sudah ada sebagai kolom ke-1 (\"UNIT\")"},
        {1, 9, "realisasi", "duplicate_column", "kolom ke-6"},
        {1, 10, "", "unknown_column", "kolom ke-10 tidak bernama"},
        {1, 0, "arah", "missing_column", "kolom wajib \"arah\" tidak ada"},
    };
    unitdata_t *ud = tu_parse(text);
    tu_assert_errors(ud, want, (int)ARRAY_LEN(want));
    unitdata_destroy(&ud);
}

static void tu_header_names(void **state)
{
    (void)state;
    unitdata_t *ud = tu_parse("Bidang;SASARAN; Indikator ;Satuan;Arah;Target;Realisasi;PAGU;"
                              "Realisasi_Anggaran;Rumus\n"
                              "Bidang IKP;S;I;x;turun;5;7;10;9;T/R\n");
    tu_assert_no_errors(ud);
    assert_string_equal(ud->rows[0].unit, "Bidang IKP");
    assert_true(ud->rows[0].realisasi_anggaran == 9);
    unitdata_destroy(&ud);
}

static void tu_no_header_no_rows(void **state)
{
    (void)state;
    tu_assert_one_error("", 0, 0, "", "no_header", "berkas kosong");
    tu_assert_one_error("\n  \r\n\n", 0, 0, "", "no_header", "berkas kosong");
    tu_assert_one_error("Sekretariat;Meningkatnya;Nilai;nilai;naik;70;68,5\n", 1, 0, "",
                        "no_header", "bukan \"Sekretariat\"");
    tu_assert_one_error(TU_HEAD, 0, 0, "", "no_rows", "tidak berisi baris data");
    tu_assert_one_error(TU_HEAD "\n;;;;;\n", 0, 0, "", "no_rows", "tidak berisi baris data");
}

static void tu_bad_encoding(void **state)
{
    (void)state;
    /* Latin-1 "é" as a Windows "CSV" export writes it. */
    tu_assert_one_error(TU_HEAD "S;Caf\xe9;x;naik;1;1\n", 0, 0, "", "bad_encoding", "(baris 2)");
    tu_assert_one_error("\xff\xfes\0a\0s\0", 0, 0, "", "bad_encoding", "UTF-16");
    const char nul[] = TU_HEAD "S;I\0;x;naik;1;1\n";
    unitdata_t *ud = unitdata_parse(nul, sizeof nul - 1);
    assert_int_equal(ud->n_errors, 1);
    assert_string_equal(ud->errors[0].code, "bad_encoding");
    assert_int_equal(ud->n_rows, 0);
    unitdata_destroy(&ud);
    /* Valid multi-byte text is kept as is. */
    ud = tu_parse(TU_HEAD "Persentase \xe2\x80\x9cOPD\xe2\x80\x9d;I;m\xc2\xb2;naik;1;1\n");
    tu_assert_no_errors(ud);
    assert_string_equal(ud->rows[0].satuan, "m\xc2\xb2");
    unitdata_destroy(&ud);
}

static void tu_too_many_rows(void **state)
{
    (void)state;
    strbuf_t sb = {0};
    strbuf_puts(&sb, TU_HEAD);
    for (int i = 0; i < UNITDATA_MAX_ROWS; i++)
        strbuf_printf(&sb, "S;I%d;x;naik;100;%d\n", i, i);
    unitdata_t *ud = unitdata_parse(sb.data, sb.len);
    tu_assert_no_errors(ud);
    assert_int_equal(ud->n_rows, UNITDATA_MAX_ROWS);
    unitdata_destroy(&ud);

    strbuf_puts(&sb, "S;I;x;naik;100;1\n");
    ud = unitdata_parse(sb.data, sb.len);
    const tu_error_t want[] = {{0, 0, "", "too_many_rows", "lebih dari 2000 baris data"}};
    tu_assert_errors(ud, want, 1);
    unitdata_destroy(&ud);
    strbuf_free(&sb);
}

static void tu_too_many_errors(void **state)
{
    (void)state;
    strbuf_t sb = {0};
    strbuf_puts(&sb, TU_HEAD);
    for (int i = 0; i < 150; i++)
        strbuf_puts(&sb, "S;I;x;naik;abc;xyz\n"); /* two errors each */
    unitdata_t *ud = unitdata_parse(sb.data, sb.len);
    assert_int_equal(ud->n_errors, 201);
    assert_int_equal(ud->errors[199].line, 101);
    assert_int_equal(ud->errors[199].column, 6);
    assert_string_equal(ud->errors[200].code, "too_many_errors");
    assert_int_equal(ud->errors[200].line, 0);
    unitdata_destroy(&ud);
    strbuf_free(&sb);
}

/* ---- the kode and explanation columns, and the helpers readers of other formats use --------- */

static void tu_code_and_explanations(void **state)
{
    (void)state;
    static const char text[] =
        "kode;indikator;sasaran;satuan;arah;target;realisasi;penjelasan;faktor_pendukung;"
        "Faktor Penghambat;Upaya / Rencana Tindak Lanjut\n"
        "IKP-01;Indeks KIP;Keterbukaan;indeks;naik;80;84,2;\"Naik karena portal baru;\n"
        "dua baris\";Dukungan pimpinan;Anggaran terbatas;Tambah pelatihan\n"
        "IKP-02;Persentase publikasi;Keterbukaan;%;naik;100;96;;;;\n";
    unitdata_t *ud = tu_parse(text);
    tu_assert_no_errors(ud);
    assert_int_equal(ud->n_rows, 2);
    assert_string_equal(ud->rows[0].code, "IKP-01");
    assert_string_equal(ud->rows[0].penjelasan, "Naik karena portal baru;\ndua baris");
    assert_string_equal(ud->rows[0].faktor_pendukung, "Dukungan pimpinan");
    assert_string_equal(ud->rows[0].faktor_penghambat, "Anggaran terbatas");
    assert_string_equal(ud->rows[0].upaya, "Tambah pelatihan");
    assert_string_equal(ud->rows[1].code, "IKP-02");
    assert_string_equal(ud->rows[1].penjelasan, "");
    unitdata_destroy(&ud);

    /* without those columns the fields are empty, never NULL */
    ud = tu_parse(TU_HEAD "S;I;%;naik;80;84\n");
    tu_assert_no_errors(ud);
    assert_string_equal(ud->rows[0].code, "");
    assert_string_equal(ud->rows[0].upaya, "");
    unitdata_destroy(&ud);

    /* an explanation may be long, up to UNITDATA_MAX_TEXT */
    strbuf_t sb = {0};
    strbuf_puts(&sb,
                "sasaran;indikator;satuan;arah;target;realisasi;penjelasan\nS;I;%;naik;80;84;");
    for (int i = 0; i < UNITDATA_MAX_TEXT + 1; i++)
        strbuf_puts(&sb, "x");
    strbuf_puts(&sb, "\n");
    ud = tu_parse(strbuf_str(&sb));
    assert_int_equal(ud->n_errors, 1);
    assert_string_equal(ud->errors[0].code, "too_long");
    assert_string_equal(ud->errors[0].ref, "");
    unitdata_destroy(&ud);
    strbuf_free(&sb);
}

static void tu_value_helpers(void **state)
{
    (void)state;
    double lo, hi;
    const char *code;
    char *why;
    assert_int_equal(unitdata_parse_value(UNITDATA_TARGET, "80 - 90", -1, &lo, &hi, &code, &why),
                     0);
    assert_true(lo == 80 && hi == 90);
    assert_int_equal(
        unitdata_parse_value(UNITDATA_MONEY, "Rp 450.000.000,-", -1, &lo, &hi, &code, &why), 0);
    assert_true(lo == 450000000 && hi == lo);
    assert_int_equal(unitdata_parse_value(UNITDATA_REALISASI, "-2,5", 1, &lo, &hi, &code, &why), 0);
    assert_true(lo == -2.5);
    assert_int_equal(unitdata_parse_value(UNITDATA_MONEY, "-5", -1, &lo, &hi, &code, &why),
                     -EINVAL);
    assert_string_equal(code, "negative_value");
    assert_non_null(strstr(why, "\"-5\""));
    free(why);
    assert_int_equal(unitdata_parse_value(UNITDATA_TARGET, "90 - 80", -1, &lo, &hi, &code, &why),
                     -EINVAL);
    assert_string_equal(code, "bad_range");
    free(why);
    assert_int_equal(unitdata_parse_value(UNITDATA_REALISASI, "1.234", -1, &lo, &hi, &code, &why),
                     -EINVAL);
    assert_string_equal(code, "ambiguous_number");
    free(why);
    assert_int_equal(unitdata_value_vote(UNITDATA_REALISASI, "68,5"), 1);
    assert_int_equal(unitdata_value_vote(UNITDATA_REALISASI, "2.85"), 0);
    assert_int_equal(unitdata_value_vote(UNITDATA_REALISASI, "70"), -1);
    assert_int_equal(unitdata_value_vote(UNITDATA_TARGET, "80 - 92,5"), 1);
    assert_true(
        unitdata_unit_matches("Bidang IKP", "IKP", "Bidang Informasi dan Komunikasi Publik"));
    assert_true(unitdata_unit_matches("bidang informasi dan komunikasi publik", "IKP",
                                      "Bidang Informasi dan Komunikasi Publik"));
    assert_false(unitdata_unit_matches("Bidang Statistik", "IKP", "Bidang IKP"));

    unitdata_t *ud = unitdata_new();
    unitdata_add_error(ud, 7, 8, "realisasi", "Data Kinerja!H7", "bad_number", "alasan");
    assert_int_equal(ud->n_errors, 1);
    assert_string_equal(ud->errors[0].ref, "Data Kinerja!H7");
    unitdata_destroy(&ud);
}

/* Issue 9: a fraction against a percent target is accepted with a warning for its cell; a
 * percent written either way, or a fraction against a fraction, is not. */
static void tu_percent_fraction_warning(void **state)
{
    static const char csv[] = "sasaran;indikator;satuan;arah;target;realisasi\n"
                              "S;Persentase layanan;%;naik;60;0,58\n"
                              "S;Persentase aduan;%;naik;60%;58\n"
                              "S;Indeks kepuasan;indeks;naik;0,8;0,75\n"
                              "S;Rasio tanpa satuan persen;rasio;naik;60%;0,5\n"
                              "S;Persentase tertulis;%;naik;60;0,58%\n";
    unitdata_t *ud = unitdata_parse(csv, sizeof csv - 1);
    tu_assert_no_errors(ud);
    assert_int_equal(ud->n_rows, 5);
    assert_int_equal(ud->n_warnings, 2);
    assert_int_equal(ud->warnings[0].line, 2);
    assert_string_equal(ud->warnings[0].code, "percent_fraction");
    assert_string_equal(ud->warnings[0].column_name, "realisasi");
    assert_non_null(strstr(ud->warnings[0].reason, "\"0,58\""));
    assert_non_null(strstr(ud->warnings[0].reason, "58%"));
    assert_int_equal(ud->warnings[1].line, 5);
    /* accepted as written */
    assert_true(ud->rows[0].realisasi > 0.579 && ud->rows[0].realisasi < 0.581);
    unitdata_destroy(&ud);
}

static void tu_destroy_null(void **state)
{
    (void)state;
    unitdata_t *ud = NULL;
    unitdata_destroy(&ud);
    unitdata_destroy(NULL);
    ud = unitdata_parse(NULL, 0);
    assert_int_equal(ud->n_errors, 1);
    assert_string_equal(ud->errors[0].code, "no_header");
    unitdata_destroy(&ud);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tu_number_table),
        cmocka_unit_test(tu_number_reasons),
        cmocka_unit_test(tu_sample_file),
        cmocka_unit_test(tu_sample_capaian),
        cmocka_unit_test(tu_sample_crlf_and_bom),
        cmocka_unit_test(tu_sample_tabs),
        cmocka_unit_test(tu_comma_separated),
        cmocka_unit_test(tu_separator_from_header_outside_quotes),
        cmocka_unit_test(tu_empty_lines),
        cmocka_unit_test(tu_bad_cells),
        cmocka_unit_test(tu_ambiguous_without_evidence),
        cmocka_unit_test(tu_ambiguous_with_evidence),
        cmocka_unit_test(tu_mixed_formats),
        cmocka_unit_test(tu_ranges),
        cmocka_unit_test(tu_bad_ranges),
        cmocka_unit_test(tu_percent_and_rupiah),
        cmocka_unit_test(tu_direction_and_formula),
        cmocka_unit_test(tu_too_long),
        cmocka_unit_test(tu_bad_quotes),
        cmocka_unit_test(tu_bad_row_with_comma_separator),
        cmocka_unit_test(tu_header_problems),
        cmocka_unit_test(tu_header_names),
        cmocka_unit_test(tu_no_header_no_rows),
        cmocka_unit_test(tu_bad_encoding),
        cmocka_unit_test(tu_too_many_rows),
        cmocka_unit_test(tu_too_many_errors),
        cmocka_unit_test(tu_code_and_explanations),
        cmocka_unit_test(tu_value_helpers),
        cmocka_unit_test(tu_percent_fraction_warning),
        cmocka_unit_test(tu_destroy_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
