/* samples — the sample files of data/ as C strings, the units of the demo organisation, and a
 * reader of one part of an XLSX archive, for the unit tests of the report library (tests do not
 * read files outside their fixtures). Include after cmocka.h. */
#ifndef LKIP_TEST_SAMPLES_H
#define LKIP_TEST_SAMPLES_H

#include "pk.h"

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

#endif
