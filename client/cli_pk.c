/* cli_pk — the Perjanjian Kinerja and the units' formats from the command line:
 *   lkip pk import BERKAS --tahun 2026          (Kasubag Perencanaan, admin)
 *   lkip pk export --tahun 2026 --out pk-2026.xlsx [--versi N] [--force]
 *   lkip pk show [--tahun 2026] [--versi N]
 *   lkip format make [SOP]                       (the actor of the SOP's format step)
 *   lkip format download [SOP] [--unit KODE] [--out BERKAS] [--force] */
#include "cli.h"

#include "clitext.h"
#include "idfmt.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PK_FILE WIRE_MAX_DATA_FILE

/* ---- options shared by the pk subcommands ------------------------------------------------- */

typedef struct {
    long long year;
    long long version;
    const char *out;
    bool force;
} s_pk_opts_t;

/* Reads --tahun, --versi, --out and --force; returns the index of the first argument, or -1
 * after a usage message. */
static int s_pk_opts(const cli_cmd_t *me, int argc, char **argv, s_pk_opts_t *o)
{
    static const struct option opts[] = {{"tahun", required_argument, NULL, 't'},
                                         {"versi", required_argument, NULL, 'v'},
                                         {"out", required_argument, NULL, 'o'},
                                         {"force", no_argument, NULL, 'f'},
                                         {0}};
    int c;
    while ((c = getopt_long(argc, argv, "t:v:o:f", opts, NULL)) != -1) {
        switch (c) {
        case 't':
            if (!cli_parse_int("--tahun", optarg, 2000, 2100, &o->year))
                return -1;
            break;
        case 'v':
            if (!cli_parse_int("--versi", optarg, 1, 100000, &o->version))
                return -1;
            break;
        case 'o':
            o->out = optarg;
            break;
        case 'f':
            o->force = true;
            break;
        default:
            cli_bad_option(me, argc, argv);
            return -1;
        }
    }
    return optind;
}

/* ---- pk import ---------------------------------------------------------------------------- */

static int s_pk_import(cli_t *cli, int argc, char **argv)
{
    static const cli_cmd_t me = {"pk import", NULL, "BERKAS.csv|BERKAS.xlsx --tahun TAHUN", NULL};
    s_pk_opts_t o = {0};
    int first = s_pk_opts(&me, argc, argv, &o);
    if (first < 0)
        return EXIT_USAGE;
    if (first + 1 != argc || !o.year)
        return cli_usage(&me, "sebutkan satu berkas dan tahunnya, mis. lkip pk import "
                              "pk-2026.xlsx --tahun 2026");
    const char *path = argv[first];
    char *data;
    size_t len;
    if (!cli_read_local(path, MAX_PK_FILE, &data, &len))
        return EXIT_USAGE;
    Lkip__PkImportRequest body = LKIP__PK_IMPORT_REQUEST__INIT;
    const char *slash = strrchr(path, '/');
    body.year = (int32_t)o.year;
    body.file_name = (char *)(slash ? slash + 1 : path);
    body.content.data = (uint8_t *)data;
    body.content.len = len;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_PK_IMPORT;
    req.pk_import = &body;
    Lkip__Envelope *reply;
    int rc = cli_call_keep(cli, &req, &reply);
    free(data);
    if (!reply)
        return rc;
    const Lkip__PkReply *p =
        reply->reply->payload_case == LKIP__REPLY__PAYLOAD_PK ? reply->reply->pk : NULL;
    if (!cli_print_json(cli, reply)) {
        if (rc == EXIT_OK && p)
            printf("%s\nSHA-256 %s; %zu indikator, target Renstra %d-%d; versi tahun ini: %d\n",
                   reply->reply->message, p->sha256, p->n_indicators, p->renstra_first,
                   p->renstra_last, p->versions);
        else if (p)
            clitext_cell_errors(p->errors, p->n_errors);
    }
    wire_free(&reply);
    return rc;
}

/* ---- pk show and export ------------------------------------------------------------------- */

static int s_pk_call(cli_t *cli, const s_pk_opts_t *o, bool xlsx, Lkip__Envelope **reply)
{
    Lkip__PkShowRequest body = LKIP__PK_SHOW_REQUEST__INIT;
    body.year = (int32_t)o->year;
    body.version = (int32_t)o->version;
    body.xlsx = xlsx;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_PK_SHOW;
    req.pk_show = &body;
    return cli_call_for(cli, &req, LKIP__REPLY__PAYLOAD_PK, reply);
}

/* "70 (2025: 67, 2026: 70, ...)": an indicator's targets, for the table. */
static void s_print_indicator(const Lkip__PkIndicator *x)
{
    printf("%-8s %-12s %s\n", x->code, x->unit_code, x->indikator);
    printf("         sasaran: %s\n", x->sasaran);
    printf("         satuan %s, arah %s, rumus %s; target %s\n", x->satuan, x->arah, x->rumus,
           x->target);
    printf("        ");
    for (size_t k = 0; k < x->n_years; k++) {
        const Lkip__PkYear *y = x->years[k];
        char real[48];
        if (y->has_target)
            printf(" %d: %s", y->year, y->target);
        else if (y->has_realisasi)
            printf(" %d: -", y->year);
        if (y->has_realisasi)
            printf(" (realisasi %s)", idfmt_number_trim(y->realisasi, 4, real, sizeof real));
        printf(k + 1 < x->n_years ? ";" : "");
    }
    printf("\n");
}

static int s_pk_show(cli_t *cli, int argc, char **argv)
{
    static const cli_cmd_t me = {"pk show", NULL, "[--tahun TAHUN] [--versi N]", NULL};
    s_pk_opts_t o = {0};
    int first = s_pk_opts(&me, argc, argv, &o);
    if (first < 0)
        return EXIT_USAGE;
    if (first < argc)
        return cli_usage(&me, "argumen berlebih \"%s\"", argv[first]);
    Lkip__Envelope *reply;
    int rc = s_pk_call(cli, &o, false, &reply);
    if (rc != EXIT_OK)
        return rc;
    const Lkip__PkReply *p = reply->reply->pk;
    if (!cli_print_json(cli, reply)) {
        char when[64];
        clitext_time(p->imported_at, p->time_zone, when, sizeof when);
        printf("Perjanjian Kinerja %s tahun %d versi %d dari %d (\"%s\", diimpor %s oleh %s)\n",
               p->org_code, p->year, p->version, p->versions, p->file_name, when, p->imported_by);
        if (p->renstra_first)
            printf("Renstra %d-%d%s", p->renstra_first, p->renstra_last,
                   p->baseline_year ? "" : "\n");
        if (p->baseline_year)
            printf("%sbaseline %d\n", p->renstra_first ? ", " : "", p->baseline_year);
        for (size_t i = 0; i < p->n_indicators; i++)
            s_print_indicator(p->indicators[i]);
    }
    wire_free(&reply);
    return EXIT_OK;
}

static int s_pk_export(cli_t *cli, int argc, char **argv)
{
    static const cli_cmd_t me = {"pk export", NULL,
                                 "--tahun TAHUN --out BERKAS.xlsx [--versi N] [--force]", NULL};
    s_pk_opts_t o = {0};
    int first = s_pk_opts(&me, argc, argv, &o);
    if (first < 0)
        return EXIT_USAGE;
    if (first < argc || !o.out || !o.year)
        return cli_usage(&me, "sebutkan tahun dan berkas tujuan, mis. lkip pk export --tahun "
                              "2026 --out pk-2026.xlsx");
    Lkip__Envelope *reply;
    int rc = s_pk_call(cli, &o, true, &reply);
    if (rc != EXIT_OK)
        return rc;
    const Lkip__PkReply *p = reply->reply->pk;
    rc = cli_write_local(o.out, p->content.data, p->content.len, o.force);
    if (rc == EXIT_OK && !cli_print_json(cli, reply))
        printf("Perjanjian Kinerja tahun %d versi %d (%zu indikator) disimpan ke %s (%zu bita)\n",
               p->year, p->version, p->n_indicators, o.out, p->content.len);
    wire_free(&reply);
    return rc;
}

int cli_pk(cli_t *cli, int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "import") == 0)
        return s_pk_import(cli, argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "export") == 0)
        return s_pk_export(cli, argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "show") == 0)
        return s_pk_show(cli, argc - 1, argv + 1);
    fprintf(stderr, "lkip: perintah pk tidak dikenal\n"
                    "  lkip pk import BERKAS.csv|BERKAS.xlsx --tahun TAHUN\n"
                    "  lkip pk export --tahun TAHUN --out BERKAS.xlsx [--versi N] [--force]\n"
                    "  lkip pk show [--tahun TAHUN] [--versi N]\n");
    return EXIT_USAGE;
}

/* ---- format ------------------------------------------------------------------------------- */

static void s_print_formats(const Lkip__FormatReply *f)
{
    for (size_t i = 0; i < f->n_formats; i++) {
        const Lkip__FormatInfo *x = f->formats[i];
        printf("  %-12s %s (%d indikator, versi %d, %lld bita, id %s)\n", x->unit_code,
               x->file_name, x->indicators, x->version, (long long)x->size, x->format_id);
    }
}

static int s_format_make(cli_t *cli, int argc, char **argv)
{
    static const cli_cmd_t me = {"format make", NULL, "[SOP]", NULL};
    if (argc > 2)
        return cli_usage(&me, "argumen berlebih \"%s\"", argv[2]);
    Lkip__FormatMakeRequest body = LKIP__FORMAT_MAKE_REQUEST__INIT;
    body.instance = argc == 2 ? argv[1] : "";
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_FORMAT_MAKE;
    req.format_make = &body;
    Lkip__Envelope *reply;
    int rc = cli_call_for(cli, &req, LKIP__REPLY__PAYLOAD_FORMATS, &reply);
    if (rc != EXIT_OK)
        return rc;
    if (!cli_print_json(cli, reply)) {
        printf("%s\n", reply->reply->message);
        s_print_formats(reply->reply->formats);
    }
    wire_free(&reply);
    return EXIT_OK;
}

static int s_format_download(cli_t *cli, int argc, char **argv)
{
    static const cli_cmd_t me = {"format download", NULL,
                                 "[SOP] [--unit KODE] [--out BERKAS] [--force]", NULL};
    static const struct option opts[] = {{"unit", required_argument, NULL, 'u'},
                                         {"out", required_argument, NULL, 'o'},
                                         {"force", no_argument, NULL, 'f'},
                                         {0}};
    Lkip__FormatDownloadRequest body = LKIP__FORMAT_DOWNLOAD_REQUEST__INIT;
    const char *out = NULL;
    bool force = false;
    int c;
    while ((c = getopt_long(argc, argv, "u:o:f", opts, NULL)) != -1) {
        if (c == 'u')
            body.unit_code = optarg;
        else if (c == 'o')
            out = optarg;
        else if (c == 'f')
            force = true;
        else
            return cli_bad_option(&me, argc, argv);
    }
    if (optind + 1 < argc)
        return cli_usage(&me, "argumen berlebih \"%s\"", argv[optind + 1]);
    body.instance = optind < argc ? argv[optind] : "";
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_FORMAT_DOWNLOAD;
    req.format_download = &body;
    Lkip__Envelope *reply;
    int rc = cli_call_for(cli, &req, LKIP__REPLY__PAYLOAD_FORMATS, &reply);
    if (rc != EXIT_OK)
        return rc;
    const Lkip__FormatReply *f = reply->reply->formats;
    if (f->n_formats != 1)
        return cli_bad_reply(&reply);
    const Lkip__FormatInfo *x = f->formats[0];
    const char *path = out ? out : x->file_name;
    rc = cli_save_checked(path, f->content.data, f->content.len, x->sha256, force);
    if (rc == EXIT_OK && !cli_print_json(cli, reply))
        printf("Format unit %s (%d indikator, versi %d) disimpan ke %s\n"
               "Isi sel berwarna, simpan sebagai .xlsx, lalu kirim dengan: lkip submit %s\n",
               x->unit_code, x->indicators, x->version, path, path);
    wire_free(&reply);
    return rc;
}

int cli_format(cli_t *cli, int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "make") == 0)
        return s_format_make(cli, argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "download") == 0)
        return s_format_download(cli, argc - 1, argv + 1);
    fprintf(stderr, "lkip: perintah format tidak dikenal\n"
                    "  lkip format make [SOP]\n"
                    "  lkip format download [SOP] [--unit KODE] [--out BERKAS] [--force]\n");
    return EXIT_USAGE;
}
