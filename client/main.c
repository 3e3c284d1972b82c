/* lkip — the client of lkipd for every actor of the SOP: global options, the subcommand table
 * and dispatch. What it prints for people is in Bahasa Indonesia, with stable English codes in
 * brackets; --json prints replies as JSON for scripts. */
#include "cli.h"

#include "clihelp.h"
#include "clijson.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const cli_cmd_t s_cmds[] = {
    {"keygen", cli_keygen, "[--out BERKAS]", "buat pasangan kunci CURVE untuk klien ini"},
    {"whoami", cli_whoami, "", "tampilkan siapa Anda menurut server (pengguna, peran, unit)"},
    {"ping", cli_ping, "", "periksa apakah server aktif"},
    {"start", cli_start, "KODE_SOP PERIODE [--note TEKS]",
     "mulai SOP (mis. Kepala Dinas memerintahkan penyusunan LKIP)"},
    {"tasks", cli_tasks, "", "tugas terbuka Anda beserta tenggatnya"},
    {"done", cli_done, "[SOP] [--step N] [--note TEKS] [--ref ARSIP]",
     "selesaikan langkah yang sedang Anda kerjakan"},
    {"approve", cli_approve, "[SOP] [--step N] [--note TEKS]",
     "setujui langkah keputusan (koreksi / penandatanganan)"},
    {"return", cli_return, "[SOP] --reason ALASAN [--step N]",
     "kembalikan langkah keputusan dengan alasan tertulis"},
    {"submit", cli_submit, "BERKAS.csv|BERKAS.xlsx [SOP] [--unit KODE]",
     "kirim data kinerja unit Anda (CSV, atau format XLSX yang sudah diisi)"},
    {"upload", cli_upload, "BERKAS [SOP] [--step N]", "unggah versi dokumen (draft / LKIP)"},
    {"download", cli_download, "[SOP] [--version N] [--out BERKAS]",
     "unduh versi dokumen, utuh sampai ke bita terakhir"},
    {"status", cli_status, "[SOP]", "status dan riwayat langkah SOP"},
    {"history", cli_history, "[SOP] [--limit N]", "jejak audit: siapa mengubah apa dan kapan"},
    {"capaian", cli_capaian, "[SOP] [--xlsx BERKAS]",
     "analisis capaian: per indikator, tahun sebelumnya, Renstra, anggaran"},
    {"draft", cli_draft,
     "[SOP] [--docx BERKAS] [--pdf BERKAS] [--out FOLDER] [--regenerate] [--force]",
     "draft LKIP dari data yang terkumpul: DOCX untuk disunting, PDF untuk dibaca"},
    {"pk", cli_pk, "import BERKAS --tahun T | export --tahun T --out BERKAS | show [--tahun T]",
     "Perjanjian Kinerja dan target Renstra organisasi"},
    {"format", cli_format, "make [SOP] | download [SOP] [--unit KODE] [--out BERKAS]",
     "format data kinerja (XLSX) tiap unit"},
    {"watch", cli_watch,
     "[--count N] [--idle DETIK] [--notify] [--exec PERINTAH [--exec-attempts N] "
     "[--exec-timeout DETIK] [--exec-backoff MS]]",
     "tetap terhubung dan tampilkan pemberitahuan saat tiba (juga di desktop, atau ke perintah)"},
    {"monitor", cli_monitor,
     "[--once] | --web [ALAMAT:PORT] [--web-token BERKAS] [--web-host NAMA]",
     "papan pemantauan: setiap SOP yang berjalan, pemegang, tenggat dan keterlambatan (juga di "
     "peramban)"},
    {"calendar", cli_calendar, "due --duration \"7 hari\" [--from WAKTU] | show",
     "hitung tenggat menurut kalender kerja; tampilkan kalender"},
    {"admin", cli_admin, "user|org|unit|sop|calendar|clock ...",
     "data induk dan kalender (khusus administrator)"},
};

static void s_help(FILE *out)
{
    fprintf(out,
            "pemakaian: lkip [pilihan] PERINTAH [argumen]\n\n"
            "Pilihan umum:\n"
            "  -c, --config BERKAS      berkas konfigurasi (bawaan: %s)\n"
            "  -e, --endpoint ALAMAT    alamat server, mis. tcp://10.0.0.5:7390\n"
            "  -s, --server-key KUNCI   kunci publik server (Z85 atau berkas .pub)\n"
            "  -k, --key BERKAS         berkas kunci klien (bawaan: client.key di folder "
            "konfigurasi)\n"
            "  -t, --timeout MS         batas tunggu per percobaan (bawaan 5000)\n"
            "  -w, --retry-window MS    lama mencoba lagi permintaan yang sama selama server\n"
            "                           tidak menjawab atau menjawab 503 (bawaan 30000)\n"
            "      --json               keluaran JSON untuk skrip\n"
            "  -h, --help               bantuan ini;  -V, --version  versi\n\n"
            "Perintah:\n",
            "~/.config/lkip/lkip.conf");
    for (size_t i = 0; i < ARRAY_LEN(s_cmds); i++)
        fprintf(out, "  %-8s %s\n           %s\n", s_cmds[i].name, s_cmds[i].usage, s_cmds[i].help);
    fputs("\nStatus keluar: 0 berhasil, 1 ditolak server, 2 salah pemakaian, 3 server tidak "
          "terjangkau, 4 galat server.\n",
          out);
}

/* Takes --json out of argv wherever it stands; returns the new argc. */
static int s_take_json(int argc, char **argv, bool *json)
{
    int w = 0;
    for (int r = 0; r < argc; r++) {
        if (r > 0 && strcmp(argv[r], "--json") == 0)
            *json = true;
        else
            argv[w++] = argv[r];
    }
    argv[w] = NULL;
    return w;
}

static int s_main(cli_t *cli, int argc, char **argv);

int main(int argc, char **argv)
{
    cli_t cli = {0};
    argc = s_take_json(argc, argv, &cli.json);
    if (cli.json)
        clijson_begin();
    int rc = s_main(&cli, argc, argv);
    return clijson_end(rc);
}

static int s_main(cli_t *cli, int argc, char **argv)
{
    static const struct option opts[] = {{"config", required_argument, NULL, 'c'},
                                         {"endpoint", required_argument, NULL, 'e'},
                                         {"server-key", required_argument, NULL, 's'},
                                         {"key", required_argument, NULL, 'k'},
                                         {"timeout", required_argument, NULL, 't'},
                                         {"help", no_argument, NULL, 'h'},
                                         {"version", no_argument, NULL, 'V'},
                                         {"retry-window", required_argument, NULL, 'w'},
                                         {0}};
    const char *config = NULL, *endpoint = NULL, *server_key = NULL, *key = NULL;
    long long timeout = 0, retry_window = -1;
    int c;
    opterr = 0; /* unknown options are reported in Indonesian (cli_bad_option) */
    /* "+": stop at the first non-option, the subcommand */
    while ((c = getopt_long(argc, argv, "+c:e:s:k:t:w:hV", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            config = optarg;
            break;
        case 'e':
            endpoint = optarg;
            break;
        case 's':
            server_key = optarg;
            break;
        case 'k':
            key = optarg;
            break;
        case 't':
            if (!cli_parse_int("--timeout", optarg, CLICONF_TIMEOUT_MIN, CLICONF_TIMEOUT_MAX,
                               &timeout))
                return EXIT_USAGE;
            break;
        case 'w':
            if (!cli_parse_int("--retry-window", optarg, 0, CLICONF_RETRY_WINDOW_MAX,
                               &retry_window))
                return EXIT_USAGE;
            break;
        case 'h':
            s_help(stdout);
            return EXIT_OK;
        case 'V':
            printf("lkip %s\n", LKIP_VERSION);
            return EXIT_OK;
        default:
            return cli_bad_option(NULL, argc, argv);
        }
    }
    if (optind >= argc) {
        s_help(stderr);
        return EXIT_USAGE;
    }
    const char *name = argv[optind];
    if (clihelp_asked(argc - optind, argv + optind)) {
        /* answered before the command runs: a --help never sends anything */
        if (clihelp_print(stdout, argc - optind, argv + optind))
            return EXIT_OK;
        fprintf(stderr, "lkip: [unknown_command] perintah \"%s\" tidak dikenal\n\n", name);
        s_help(stderr);
        return EXIT_USAGE;
    }
    char err[512];
    if (cliconf_load(&cli->conf, config, err, sizeof err) != 0) {
        fprintf(stderr, "lkip: [bad_config] %s\n", err);
        cliconf_free(&cli->conf);
        return EXIT_USAGE;
    }
#define OVERRIDE(field, value)                                                                     \
    if (value) {                                                                                   \
        free(cli->conf.field);                                                                     \
        cli->conf.field = xstrdup(value);                                                          \
    }
    OVERRIDE(endpoint, endpoint)
    OVERRIDE(server_key, server_key)
    OVERRIDE(key_file, key)
#undef OVERRIDE
    if (timeout)
        cli->conf.timeout_ms = (int)timeout;
    if (retry_window >= 0)
        cli->conf.retry_window_ms = (int)retry_window;

    int rc = -1;
    for (size_t i = 0; i < ARRAY_LEN(s_cmds); i++) {
        if (strcmp(name, s_cmds[i].name) == 0) {
            int sub_argc = argc - optind;
            char **sub_argv = argv + optind;
            optind = 0;           /* reset getopt for the subcommand */
            cli->argc = sub_argc; /* names a change left unanswered (before getopt permutes) */
            cli->argv = xcalloc((size_t)sub_argc + 1, sizeof *cli->argv);
            memcpy(cli->argv, sub_argv, (size_t)sub_argc * sizeof *cli->argv);
            if (strcmp(name, "watch") == 0 || strcmp(name, "monitor") == 0)
                clijson_cancel(); /* their stdout carries only their own lines */
            rc = s_cmds[i].fn(cli, sub_argc, sub_argv);
            break;
        }
    }
    if (rc < 0) {
        fprintf(stderr, "lkip: [unknown_command] perintah \"%s\" tidak dikenal\n\n", name);
        s_help(stderr);
        rc = EXIT_USAGE;
    }
    cli_close(cli);
    return rc;
}
