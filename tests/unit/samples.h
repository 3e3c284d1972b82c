/* samples — the sample files of data/ as C strings, the units of the demo organisation, and a
 * reader of one part of an XLSX archive, for the unit tests of the report library (tests do not
 * read files outside their fixtures). Include after cmocka.h. */
#ifndef LKIP_TEST_SAMPLES_H
#define LKIP_TEST_SAMPLES_H

#include "pk.h"
#include "xlsx_write.h"

#include <stdio.h>
#include <stdlib.h>
#include <zip.h>

/* data/contoh-pk-renstra-2025-2029.csv, byte for byte. */
static const char ts_pk_csv[] =
    "kode;unit;sasaran;indikator;satuan;arah;baseline_2024;target_2025;target_2026;target_2027;"
    "target_2028;target_2029;realisasi_2025\n"
    "SEK-01;Sekretariat;Meningkatnya akuntabilitas kinerja perangkat daerah;Nilai SAKIP Perangkat "
    "Daerah;nilai;naik;64,2;67;70;72;74;76;66,1\n"
    "SEK-02;Sekretariat;Meningkatnya akuntabilitas kinerja perangkat daerah;Persentase serapan "
    "anggaran;%;naik;91,4;93;95;95;96;96;93,8\n"
    "IKP-01;Bidang IKP;Meningkatnya keterbukaan informasi publik;Indeks Keterbukaan Informasi "
    "Publik;indeks;naik;74,5;77;80;82;84;86;79,3\n"
    "IKP-02;Bidang IKP;Meningkatnya keterbukaan informasi publik;Persentase informasi publik yang "
    "dipublikasikan;%;naik;88;95;100;100;100;100;93\n"
    "APT-01;Bidang Aplikasi Informatika;Meningkatnya kualitas penyelenggaraan SPBE;Indeks SPBE "
    "Kota Gorontalo;indeks;naik;2,31;2,45;2,6;2,8;3,0;3,2;2,52\n"
    "APT-02;Bidang Aplikasi Informatika;Meningkatnya kualitas penyelenggaraan SPBE;Persentase OPD "
    "terhubung jaringan intranet;%;naik;72;80;90;95;100;100;84\n"
    "APT-03;Bidang Aplikasi Informatika;Meningkatnya kualitas penyelenggaraan SPBE;Jumlah gangguan "
    "layanan jaringan;kejadian;turun;21;16;12;10;8;6;14\n"
    "SAN-01;Bidang Persandian dan Keamanan Informasi;Meningkatnya keamanan informasi pemerintah "
    "daerah;Persentase OPD yang menerapkan sertifikat elektronik;%;naik;48;60;75;85;95;100;66\n"
    "SAN-02;Bidang Persandian dan Keamanan Informasi;Meningkatnya keamanan informasi pemerintah "
    "daerah;Jumlah insiden keamanan informasi;kejadian;turun;9;7;5;4;3;2;6\n"
    "STA-01;Bidang Statistik;Meningkatnya ketersediaan data sektoral;Persentase data sektoral yang "
    "dipublikasikan di portal Satu Data;%;naik;55;70;85;90;95;100;72,5\n"
    "STA-02;Bidang Statistik;Meningkatnya ketersediaan data sektoral;Indeks Pembangunan Statistik "
    "Sektoral;indeks;naik;2,02;2,3;2,5;2,7;2,9;3,1;2,34\n";

/* The units sql/001_foundation.sql seeds for DKIP. */
static const pk_unit_t ts_units[] = {
    {"SEKRETARIAT", "Sekretariat"},
    {"IKP", "Bidang Informasi dan Komunikasi Publik"},
    {"APTIKA", "Bidang Aplikasi Informatika"},
    {"PERSANDIAN", "Bidang Persandian dan Keamanan Informasi"},
    {"STATISTIK", "Bidang Statistik"},
};
#define TS_N_UNITS ((int)(sizeof ts_units / sizeof ts_units[0]))

/* A part of an archive ("xl/styles.xml") as text. Caller frees. */
static inline char *ts_zip_part(const void *data, size_t len, const char *name)
{
    zip_error_t ze;
    zip_t *z = zip_open_from_source(zip_source_buffer_create(data, len, 0, &ze), ZIP_RDONLY, &ze);
    assert_non_null(z);
    zip_stat_t st;
    assert_int_equal(zip_stat(z, name, 0, &st), 0);
    char *text = xcalloc(1, st.size + 1);
    zip_file_t *f = zip_fopen(z, name, 0);
    assert_int_equal(zip_fread(f, text, st.size), (zip_int64_t)st.size);
    zip_fclose(f);
    zip_discard(z);
    return text;
}

/* What ts_format_by_hand writes besides the layout. */
typedef struct {
    bool move_title;          /* "Catatan" where "Pagu (Rp)" belongs */
    bool extra_row;           /* an indicator typed in below the PK's */
    bool with_meta;           /* the hidden sheet "lkip", saying: */
    int64_t instance_id;      /* ... the instance */
    const char *instance_ref; /* ... "LKIP/2026" */
    const char *format_id;    /* ... the format's id */
} ts_hand_t;

/* The IKP format of pk as a person might return it, written here with libxlsxwriter after the
 * layout of report/unitfmt (not with its writer, which the tests check): IKP-01's target as
 * text "80" (still the PK's value), a date in its realisasi (H6) and "satu milyar" in its pagu
 * (I6), IKP-02's realisasi "96,5" as text. Caller frees. */
static inline uint8_t *ts_format_by_hand(const pk_t *pk, const ts_hand_t *o, size_t *len)
{
    static const char *const titles[] = {"No",
                                         "Kode",
                                         "Sasaran",
                                         "Indikator",
                                         "Satuan",
                                         "Arah",
                                         "Target",
                                         "Realisasi",
                                         "Pagu (Rp)",
                                         "Realisasi Anggaran (Rp)",
                                         "Penjelasan",
                                         "Faktor Pendukung",
                                         "Faktor Penghambat",
                                         "Upaya / Rencana Tindak Lanjut"};
    xlsx_write_t *w = xlsx_write_new();
    lxw_workbook *wb = xlsx_write_book(w);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "Data Kinerja");
    lxw_format *date = workbook_add_format(wb);
    format_set_num_format(date, "dd/mm/yyyy");
    for (int c = 0; c < 14; c++)
        worksheet_write_string(ws, 4, (lxw_col_t)c, titles[c], NULL);
    if (o->move_title)
        worksheet_write_string(ws, 4, 8, "Catatan", NULL);
    for (int k = 0; k < 2; k++) {
        const pk_indicator_t *ind = pk_find(pk, k ? "IKP-02" : "IKP-01");
        const char *cells[] = {ind->code, ind->sasaran, ind->indikator, ind->satuan, "naik"};
        for (int c = 0; c < 5; c++)
            worksheet_write_string(ws, (lxw_row_t)(5 + k), (lxw_col_t)(c + 1), cells[c], NULL);
    }
    worksheet_write_string(ws, 5, 6, "80", NULL);
    worksheet_write_number(ws, 6, 6, 100, NULL);
    lxw_datetime dt = {2026, 12, 31, 0, 0, 0};
    worksheet_write_datetime(ws, 5, 7, &dt, date);
    worksheet_write_string(ws, 5, 8, "satu milyar", NULL);
    worksheet_write_string(ws, 6, 7, "96,5", NULL);
    if (o->extra_row)
        worksheet_write_string(ws, 7, 1, "IKP-03", NULL);
    if (o->with_meta) {
        lxw_worksheet *m = workbook_add_worksheet(wb, "lkip");
        char id[24];
        snprintf(id, sizeof id, "%lld", (long long)o->instance_id);
        const char *kv[][2] = {{"format", "lkip-format-data-kinerja"},
                               {"layout", "1"},
                               {"format_id", o->format_id},
                               {"instance_id", id},
                               {"instance", o->instance_ref},
                               {"unit", "IKP"},
                               {"pk_version", "1"}};
        for (int i = 0; i < 7; i++) {
            worksheet_write_string(m, (lxw_row_t)i, 0, kv[i][0], NULL);
            worksheet_write_string(m, (lxw_row_t)i, 1, kv[i][1], NULL); /* text numbers read */
        }
    }
    uint8_t *data;
    const char *why;
    assert_int_equal(xlsx_write_finish(&w, &data, len, &why), 0);
    return data;
}

#endif
