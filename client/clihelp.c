/* clihelp — see clihelp.h. One entry per command or group; the texts are what a person reads. */
#include "clihelp.h"

#include "util.h"

#include <string.h>

typedef struct {
    const char *path;    /* "calendar due" */
    const char *usage;   /* the arguments after the path */
    const char *what;    /* one sentence */
    const char *options; /* lines "  --x NILAI   arti\n", or NULL */
    const char *example; /* one or more command lines, or NULL */
} s_help_t;

#define O_ORG   "  --org KODE            organisasi lain (khusus administrator)\n"
#define O_FORCE "  --force               timpa berkas yang sudah ada\n"
#define O_SOP                                                                                      \
    "  SOP                   instans SOP, mis. LKIP/2026 (boleh dihilangkan bila Anda hanya\n"     \
    "                        punya satu langkah terbuka)\n"

static const s_help_t s_help[] = {
    {"keygen", "[--out BERKAS]",
     "Membuat pasangan kunci CURVE untuk klien ini (rahasia 0600 dan .pub).",
     "  --out BERKAS          tempat kunci rahasia (bawaan: client.key di folder konfigurasi)\n",
     "lkip keygen --out ~/.config/lkip/client.key"},
    {"whoami", "", "Menampilkan siapa Anda menurut server: pengguna, peran, unit, organisasi.",
     NULL, "lkip whoami"},
    {"ping", "",
     "Memeriksa apakah server aktif; menampilkan versi, node, waktu server (zona waktu "
     "organisasi) dan waktu tempuh.",
     NULL, "lkip ping"},
    {"start", "KODE_SOP PERIODE [--note TEKS]",
     "Memulai SOP untuk satu periode (Kepala Dinas memerintahkan penyusunan LKIP).",
     "  --note TEKS           catatan perintah, diteruskan kepada pelaksana langkah berikutnya\n",
     "lkip start LKIP 2026 --note \"Segera susun LKIP tahun 2026\""},
    {"tasks", "", "Tugas terbuka Anda beserta tenggat dan sisa waktunya.", NULL, "lkip tasks"},
    {"done", "[SOP] [--step N] [--note TEKS] [--ref ARSIP]",
     "Menyelesaikan langkah yang sedang Anda kerjakan; langkah berikutnya diteruskan.",
     O_SOP "  --step N              nomor langkah (bila ingin memastikan langkahnya)\n"
           "  --note TEKS           catatan untuk riwayat dan pelaksana berikutnya\n"
           "  --ref ARSIP           langkah pengarsipan: tempat arsip kertasnya\n",
     "lkip done LKIP/2026 --note \"Format dikirim ke 5 unit\""},
    {"approve", "[SOP] [--step N] [--note TEKS]",
     "Menyetujui langkah keputusan (koreksi oleh Sekretaris, penandatanganan oleh Kepala Dinas).",
     O_SOP "  --step N              nomor langkah\n"
           "  --note TEKS           catatan persetujuan\n",
     "lkip approve LKIP/2026 --note \"Sudah sesuai\""},
    {"return", "[SOP] --reason ALASAN [--step N]",
     "Mengembalikan langkah keputusan kepada pelaksana sebelumnya dengan alasan tertulis.",
     O_SOP "  --reason ALASAN       alasan pengembalian (wajib)\n"
           "  --step N              nomor langkah\n",
     "lkip return LKIP/2026 --reason \"Bab III belum membandingkan capaian dengan target\""},
    {"submit", "BERKAS.csv|BERKAS.xlsx [SOP] [--unit KODE]",
     "Mengirim data kinerja unit Anda: CSV, atau format XLSX yang sudah diisi.",
     O_SOP "  --unit KODE           unit yang datanya dikirim (bila Anda mewakili unit lain)\n",
     "lkip submit format-ikp-terisi.xlsx LKIP/2026"},
    {"upload", "BERKAS [SOP] [--step N]",
     "Mengunggah versi baru dokumen (draft atau dokumen LKIP).",
     O_SOP "  --step N              nomor langkah\n", "lkip upload lkip-2026-v2.docx LKIP/2026"},
    {"download", "[SOP] [--version N] [--out BERKAS] [--force]",
     "Mengunduh versi dokumen, utuh sampai ke bita terakhir (SHA-256 diperiksa).",
     O_SOP "  --version N           versi yang diunduh (bawaan: terbaru)\n"
           "  --out BERKAS          nama berkas tujuan\n" O_FORCE,
     "lkip download LKIP/2026 --out arsip-lkip-2026.docx"},
    {"status", "[SOP]", "Status dan riwayat langkah SOP; tanpa SOP: semua instans organisasi Anda.",
     O_SOP, "lkip status LKIP/2026"},
    {"history", "[SOP] [--limit N]", "Jejak audit: siapa mengubah apa dan kapan.",
     O_SOP "  --limit N             banyaknya baris (terbaru dahulu)\n",
     "lkip history LKIP/2026 --limit 20"},
    {"capaian", "[SOP] [--xlsx BERKAS] [--force]",
     "Analisis capaian per indikator: tahun sebelumnya, target Renstra, anggaran.",
     O_SOP "  --xlsx BERKAS         simpan juga buku kerja analisisnya\n" O_FORCE,
     "lkip capaian LKIP/2026 --xlsx analisis-lkip-2026.xlsx"},
    {"pk", "import|show|export ...", "Perjanjian Kinerja dan target Renstra organisasi.",
     "Subperintah:\n"
     "  import                impor PK (CSV atau XLSX) untuk satu tahun\n"
     "  show                  tampilkan PK suatu tahun\n"
     "  export                simpan PK sebagai XLSX\n",
     "lkip pk show --tahun 2026"},
    {"pk import", "BERKAS.csv|BERKAS.xlsx --tahun TAHUN",
     "Mengimpor Perjanjian Kinerja dan target Renstra untuk satu tahun (versi baru bila sudah "
     "ada).",
     "  --tahun TAHUN         tahun PK (wajib)\n",
     "lkip pk import contoh-pk-renstra-2025-2029.csv --tahun 2026"},
    {"pk show", "[--tahun TAHUN] [--versi N]", "Menampilkan Perjanjian Kinerja suatu tahun.",
     "  --tahun TAHUN         tahun PK (bawaan: tahun ini)\n"
     "  --versi N             versi tertentu (bawaan: terbaru)\n",
     "lkip pk show --tahun 2026"},
    {"pk export", "--tahun TAHUN --out BERKAS.xlsx [--versi N] [--force]",
     "Menyimpan Perjanjian Kinerja suatu tahun sebagai buku kerja XLSX.",
     "  --tahun TAHUN         tahun PK (wajib)\n"
     "  --out BERKAS          berkas tujuan (wajib)\n"
     "  --versi N             versi tertentu (bawaan: terbaru)\n" O_FORCE,
     "lkip pk export --tahun 2026 --out pk-2026.xlsx"},
    {"format", "make|download ...", "Format data kinerja (XLSX) tiap unit.",
     "Subperintah:\n"
     "  make                  buat ulang format tiap unit dari PK\n"
     "  download              unduh format unit Anda\n",
     "lkip format download LKIP/2026 --out format-ikp.xlsx"},
    {"format make", "[SOP]",
     "Membuat (ulang) format data kinerja tiap unit dari Perjanjian Kinerja.", O_SOP,
     "lkip format make LKIP/2026"},
    {"format download", "[SOP] [--unit KODE] [--out BERKAS] [--force]",
     "Mengunduh format data kinerja (XLSX) unit Anda untuk diisi.",
     O_SOP "  --unit KODE           unit lain (Kasubag, staf, Sekretaris)\n"
           "  --out BERKAS          berkas tujuan\n" O_FORCE,
     "lkip format download LKIP/2026 --out format-ikp.xlsx"},
    {"watch",
     "[--count N] [--idle DETIK] [--status] [--notify] [--exec PERINTAH [--exec-attempts N] "
     "[--exec-timeout DETIK] [--exec-backoff MS]]",
     "Tetap terhubung dan menampilkan pemberitahuan saat tiba (juga di desktop, atau ke perintah).",
     "  --count N             berhenti setelah N pemberitahuan\n"
     "  --idle DETIK          berhenti bila tidak ada pemberitahuan selama DETIK\n"
     "  --status              dengan --json: perubahan sambungan sebagai baris JSON bertipe\n"
     "  --notify              tampilkan juga di desktop\n"
     "  --exec PERINTAH       jalankan PERINTAH untuk tiap pemberitahuan\n"
     "  --exec-attempts N     percobaan PERINTAH paling banyak\n"
     "  --exec-timeout DETIK  batas waktu satu percobaan\n"
     "  --exec-backoff MS     jeda awal antarpercobaan\n",
     "lkip watch --notify"},
    {"monitor", "[--once] | --web [ALAMAT:PORT] [--web-token BERKAS] [--web-host NAMA]...",
     "Papan pemantauan: setiap SOP yang berjalan, pemegang, tenggat dan keterlambatan; di "
     "terminal, sekali sebagai teks, atau di peramban.",
     "  --once                cetak papan sekali sebagai teks (atau JSON dengan --json)\n"
     "  --web [ALAMAT:PORT]   tampilkan papan di peramban (bawaan 127.0.0.1:8390)\n"
     "  --web-token BERKAS    token akses dari berkas (mode 600); wajib selain di loopback\n"
     "  --web-host NAMA       nama host yang boleh dipakai peramban (paling banyak 8)\n",
     "lkip monitor --web"},
    {"draft", "[SOP] [--docx BERKAS] [--pdf BERKAS] [--out FOLDER] [--regenerate] [--force]",
     "Mengunduh draft LKIP (DOCX untuk disunting, PDF untuk dibaca) yang ditulis lkip pada "
     "langkah analisis; --regenerate menulisnya ulang dari data terkini.",
     O_SOP "  --docx BERKAS         simpan DOCX ke BERKAS\n"
     "  --pdf BERKAS          simpan PDF ke BERKAS\n"
     "  --out FOLDER          simpan keduanya ke FOLDER dengan nama bawaan\n"
     "  --regenerate          tulis ulang draft dari data terkini (pelaksana langkahnya)\n" O_FORCE,
     "lkip draft LKIP/2026 --out ~/lkip"},
    {"calendar", "due|show ...", "Kalender kerja organisasi.",
     "Subperintah:\n"
     "  due                   hitung tenggat menurut kalender kerja\n"
     "  show                  tampilkan jam kerja, periode khusus dan hari libur\n",
     "lkip calendar due --duration \"7 hari\""},
    {"calendar due", "--duration LAMA [--from \"TTTT-BB-HH JJ:MM\"] [--wall-clock] [--org KODE]",
     "Menghitung tenggat menurut kalender kerja (jam kerja, hari libur, cuti bersama).",
     "  --duration LAMA       lama pekerjaan: \"7 hari\", \"2 jam\", \"30 menit\" (wajib)\n"
     "  --from WAKTU          waktu mulai di zona organisasi (bawaan: sekarang)\n"
     "  --wall-clock          hitung dengan waktu kalender, bukan waktu kerja\n" O_ORG,
     "lkip calendar due --duration \"7 hari\" --from \"2027-01-04 08:00\""},
    {"calendar show", "[--year TAHUN] [--org KODE]",
     "Menampilkan kalender kerja: jam kerja, periode khusus dan hari libur suatu tahun.",
     "  --year TAHUN          tahun (bawaan: tahun ini)\n" O_ORG, "lkip calendar show --year 2027"},
    {"admin", "user|org|unit|sop|calendar|clock|delegate ...",
     "Data induk, kalender dan pelimpahan wewenang (khusus administrator).",
     "Subperintah:\n"
     "  user                  pengguna dan kuncinya\n"
     "  org                   organisasi\n"
     "  unit                  unit (bidang) organisasi\n"
     "  sop                   definisi SOP\n"
     "  calendar              hari libur, jam kerja, periode khusus\n"
     "  clock                 jam uji server\n"
     "  delegate              Plh./Plt.: pelimpahan wewenang\n",
     "lkip admin user list"},
    {"admin user", "add|set|list ...", "Pengguna dan kunci publiknya.",
     "Subperintah:\n"
     "  add                   daftarkan pengguna\n"
     "  set                   ubah pengguna (peran, unit, kunci, aktif)\n"
     "  list                  daftar pengguna\n",
     "lkip admin user list"},
    {"admin user add",
     "NAMA --role PERAN --key KUNCI [--unit KODE] [--org KODE] [--full-name NAMA]",
     "Mendaftarkan pengguna dengan kunci publiknya.",
     "  --role PERAN          peran, mis. kasubag_perencanaan, operator_unit\n"
     "  --key KUNCI           berkas kunci publik (.pub) yang ada, atau kuncinya (40 karakter "
     "Z85)\n"
     "  --unit KODE           unit (wajib untuk operator_unit)\n"
     "  --full-name NAMA      nama lengkap\n" O_ORG,
     "lkip admin user add op.ikp --role operator_unit --unit IKP --key op.ikp.pub"},
    {"admin user set",
     "NAMA [--role PERAN] [--unit KODE|-] [--key KUNCI] [--full-name NAMA] [--disable|--enable]",
     "Mengubah pengguna: peran, unit, kunci, nama, aktif atau nonaktif.",
     "  --role PERAN          peran baru\n"
     "  --unit KODE|-         unit baru (- : tanpa unit)\n"
     "  --key KUNCI           berkas kunci publik (.pub) yang ada, atau kuncinya (40 karakter "
     "Z85)\n"
     "  --full-name NAMA      nama lengkap\n"
     "  --disable, --enable   nonaktifkan / aktifkan kembali\n",
     "lkip admin user set op.ikp --key op.ikp-baru.pub"},
    {"admin user list", "[--org KODE]", "Daftar pengguna organisasi.", O_ORG,
     "lkip admin user list"},
    {"admin org", "add|set|list ...", "Organisasi.",
     "Subperintah:\n"
     "  add                   tambah organisasi\n"
     "  set                   ubah organisasi\n"
     "  list                  daftar organisasi\n"
     "  profile               profil organisasi untuk draft LKIP\n",
     "lkip admin org list"},
    {"admin org add", "KODE --name NAMA [--letter-template FORMAT] [--kka KODE] [--time-zone ZONA]",
     "Menambah organisasi.",
     "  --name NAMA           nama organisasi (wajib)\n"
     "  --letter-template F   format nomor surat\n"
     "  --kka KODE            kode klasifikasi arsip surat\n"
     "  --time-zone ZONA      zona waktu, mis. Asia/Makassar\n",
     "lkip admin org add DKIP --name \"Dinas Kominfo\" --time-zone Asia/Makassar"},
    {"admin org set",
     "KODE [--name NAMA] [--letter-template FORMAT] [--kka KODE] [--time-zone ZONA] "
     "[--disable|--enable]",
     "Mengubah organisasi.",
     "  --name NAMA           nama organisasi\n"
     "  --letter-template F   format nomor surat\n"
     "  --kka KODE            kode klasifikasi arsip surat\n"
     "  --time-zone ZONA      zona waktu\n"
     "  --disable, --enable   nonaktifkan / aktifkan kembali\n",
     "lkip admin org set DKIP --kka 050"},
    {"admin org list", "", "Daftar organisasi.", NULL, "lkip admin org list"},
    {"admin org profile", "set|show ...",
     "Profil organisasi untuk draft LKIP: Bab I, kata pengantar, penutup, penanda tangan.",
     "Subperintah:\n"
     "  set                   ubah profil\n"
     "  show                  tampilkan profil\n",
     "lkip admin org profile show"},
    {"admin org profile set",
     "[PROFIL.md] [--org KODE] [--kata-pengantar BERKAS.md] [--penutup BERKAS.md] "
     "[--kepala NAMA] [--nip NIP] [--jabatan JABATAN] [--kota KOTA] [--reset BAGIAN,...]",
     "Mengubah profil organisasi yang dipakai draft LKIP; yang tidak disebut tetap.",
     "  PROFIL.md             Bab I (gambaran umum organisasi), Markdown\n" O_ORG
     "  --kata-pengantar F    kata pengantar, Markdown\n"
     "  --penutup F           Bab IV (penutup), Markdown\n"
     "  --kepala NAMA         nama Kepala Dinas penanda tangan\n"
     "  --nip NIP             NIP Kepala Dinas\n"
     "  --jabatan JABATAN     jabatan penanda tangan\n"
     "  --kota KOTA           kota tempat penandatanganan\n"
     "  --reset BAGIAN,...    kembalikan bagian ke bawaan (profil, kata_pengantar, penutup, ...)\n",
     "lkip admin org profile set profil.md --kepala \"Nama Kepala\" --kota Gorontalo"},
    {"admin org profile show", "[--org KODE] [--full]", "Menampilkan profil organisasi.",
     O_ORG "  --full                tampilkan teks lengkap\n", "lkip admin org profile show --full"},
    {"admin unit", "add|set|list ...", "Unit (bidang) organisasi.",
     "Subperintah:\n"
     "  add                   tambah unit\n"
     "  set                   ubah unit\n"
     "  list                  daftar unit\n",
     "lkip admin unit list"},
    {"admin unit add", "KODE --name NAMA [--org KODE]", "Menambah unit.",
     "  --name NAMA           nama unit (wajib)\n" O_ORG,
     "lkip admin unit add STATISTIK --name \"Bidang Statistik\""},
    {"admin unit set", "KODE [--name NAMA] [--org KODE] [--disable|--enable]", "Mengubah unit.",
     "  --name NAMA           nama unit\n"
     "  --disable, --enable   nonaktifkan / aktifkan kembali\n" O_ORG,
     "lkip admin unit set STATISTIK --disable"},
    {"admin unit list", "[--org KODE]", "Daftar unit.", O_ORG, "lkip admin unit list"},
    {"admin sop", "load|list ...", "Definisi SOP.",
     "Subperintah:\n"
     "  load                  muat definisi (YAML) sebagai versi baru\n"
     "  list                  daftar definisi\n",
     "lkip admin sop list"},
    {"admin sop load", "BERKAS.yaml", "Memuat definisi SOP (YAML) sebagai versi baru.", NULL,
     "lkip admin sop load sop/lkip.yaml"},
    {"admin sop list", "", "Daftar definisi SOP dan versinya.", NULL, "lkip admin sop list"},
    {"admin calendar", "holiday|import|hours|period|show ...",
     "Kalender kerja: hari libur, jam kerja, periode khusus.",
     "Subperintah:\n"
     "  holiday               tambah atau hapus satu hari libur\n"
     "  import                impor hari libur (CSV atau iCalendar)\n"
     "  hours                 jam kerja sepekan\n"
     "  period                periode khusus (mis. Ramadan)\n"
     "  show                  tampilkan kalender\n",
     "lkip admin calendar import libur-2027.csv"},
    {"admin calendar holiday", "add TANGGAL NAMA [--kind JENIS] [--org KODE] | remove TANGGAL",
     "Menambah atau menghapus satu hari libur.",
     "  --kind JENIS          libur_nasional, cuti_bersama atau libur_lokal\n" O_ORG,
     "lkip admin calendar holiday add 2027-01-01 \"Tahun Baru 2027 Masehi\""},
    {"admin calendar import", "BERKAS.csv|BERKAS.ics [--kind JENIS] [--org KODE]",
     "Mengimpor hari libur dan cuti bersama (CSV atau iCalendar).",
     "  --kind JENIS          jenis untuk baris tanpa jenis\n" O_ORG,
     "lkip admin calendar import libur-2027.csv"},
    {"admin calendar hours", "\"senin-kamis=07:30-12:00,13:00-16:00;jumat=...\" [--org KODE]",
     "Mengatur jam kerja sepekan; tenggat terbuka dihitung ulang.", O_ORG,
     "lkip admin calendar hours \"senin-kamis=07:30-16:00;jumat=07:30-16:30\""},
    {"admin calendar period", "add NAMA AWAL AKHIR \"JAM SEPEKAN\" [--org KODE] | remove NAMA",
     "Periode khusus dengan jam kerja sendiri (mis. Ramadan).", O_ORG,
     "lkip admin calendar period add Ramadan 2027-02-08 2027-03-09 \"senin-jumat=08:00-15:00\""},
    {"admin calendar show", "[--year TAHUN] [--org KODE]", "Menampilkan kalender kerja.",
     "  --year TAHUN          tahun (bawaan: tahun ini)\n" O_ORG,
     "lkip admin calendar show --year 2027"},
    {"admin clock", "set DETIK_UNIX",
     "Jam uji server (hanya bila lkipd dijalankan dengan jam uji).", NULL,
     "lkip admin clock set 1772409600"},
    {"admin delegate", "add|list|remove ...", "Plh./Plt.: pelimpahan wewenang pejabat.",
     "Subperintah:\n"
     "  add                   catat pelimpahan\n"
     "  list                  daftar pelimpahan\n"
     "  remove                hapus pelimpahan\n",
     "lkip admin delegate list"},
    {"admin delegate add",
     "--from NAMA --to NAMA --mulai TTTT-BB-HH --sampai TTTT-BB-HH --sebagai \"Plh. JABATAN\" "
     "[--org KODE]",
     "Mencatat pelimpahan wewenang untuk suatu masa.",
     "  --from NAMA           pejabat yang berhalangan\n"
     "  --to NAMA             pengguna yang menerima wewenang\n"
     "  --mulai, --sampai     masa berlaku (tanggal)\n"
     "  --sebagai TEKS        sebutan, mis. \"Plh. Kepala Dinas\"\n" O_ORG,
     "lkip admin delegate add --from kadis --to sekretaris --mulai 2027-01-04 --sampai 2027-01-08 "
     "--sebagai \"Plh. Kepala Dinas\""},
    {"admin delegate list", "[--semua] [--org KODE]", "Daftar pelimpahan wewenang.",
     "  --semua               juga yang sudah dihapus atau lewat\n" O_ORG,
     "lkip admin delegate list"},
    {"admin delegate remove", "NOMOR [--org KODE]", "Menghapus pelimpahan wewenang.", O_ORG,
     "lkip admin delegate remove 3"},
};

bool clihelp_asked(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            return false;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return true;
    }
    return false;
}

static const s_help_t *s_find(const char *path)
{
    for (size_t i = 0; i < ARRAY_LEN(s_help); i++)
        if (strcmp(s_help[i].path, path) == 0)
            return &s_help[i];
    return NULL;
}

const char *clihelp_usage(const char *path)
{
    const s_help_t *h = s_find(path);
    return h ? h->usage : NULL;
}

bool clihelp_print(FILE *out, int argc, char **argv)
{
    const s_help_t *best = NULL;
    char path[256] = "";
    for (int i = 0; i < argc && argv[i][0] != '-'; i++) {
        size_t n = strlen(path);
        snprintf(path + n, sizeof path - n, "%s%s", n ? " " : "", argv[i]);
        const s_help_t *h = s_find(path);
        if (!h)
            break;
        best = h;
    }
    if (!best)
        return false;
    fprintf(out, "pemakaian: lkip %s%s%s\n\n%s\n", best->path, *best->usage ? " " : "", best->usage,
            best->what);
    bool subs = best->options && strncmp(best->options, "Subperintah:", 12) == 0;
    if (subs)
        fprintf(out, "\n%s", best->options);
    fprintf(out, "\nPilihan:\n%s", best->options && !subs ? best->options : "");
    fprintf(out, "  -h, --help            bantuan ini\n"
                 "  (pilihan umum seperti --json dan --config: lkip --help)\n");
    if (best->example)
        fprintf(out, "\nContoh:\n  %s\n", best->example);
    if (subs)
        fprintf(out, "\nBantuan tiap subperintah: lkip %s SUBPERINTAH --help\n", best->path);
    return true;
}
