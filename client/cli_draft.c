/* cli_draft — "lkip draft": the LKIP draft of an instance, DOCX to edit and PDF to read (written
 * by the daemon when there is none yet and the caller may write it, or again with
 * --regenerate), downloaded in chunks; and "lkip admin org profile": the organisation's texts
 * and signatory the draft is written with. */
#include "cli.h"

#include "clitext.h"
#include "idfmt.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- lkip draft ------------------------------------------------------------------------------ */

/* The local path of a draft file: explicit, else the stored name in dir. Caller frees. */
static char *s_path(const char *explicit_path, const char *dir, const char *stored)
{
    if (explicit_path)
        return xstrdup(explicit_path);
    const char *slash = strrchr(stored, '/');
    const char *base = slash ? slash + 1 : stored;
    return dir ? xasprintf("%s/%s", dir, base) : xstrdup(base);
}

/* Downloads one file of the draft; EXIT_ status. */
static int s_fetch(cli_t *cli, const char *instance, const Lkip__DocumentInfo *d, const char *path,
                   bool force)
{
    Lkip__DocumentInfo *info = NULL;
    xfer_error_t xe;
    int rc = EXIT_OK;
    if (xfer_download(cli->conn, instance, d->version, path, force, &info, &xe) != 0)
        rc = cli_xfer_failed(&xe);
    if (info)
        lkip__document_info__free_unpacked(info, NULL);
    return rc;
}

static void s_print(const Lkip__DraftReply *d, const char *docx, const char *pdf)
{
    char a[32], b[32];
    idfmt_number((double)d->docx->size, 0, a, sizeof a);
    idfmt_number((double)d->pdf->size, 0, b, sizeof b);
    printf("DOCX (untuk disunting): %s - versi %d, %s bita\n", docx, d->docx->version, a);
    printf("PDF (untuk dibaca)    : %s - versi %d, %d halaman, %s bita\n", pdf, d->pdf->version,
           d->pages, b);
    printf("SHA-256 DOCX %s\nSHA-256 PDF  %s\n", d->docx->sha256, d->pdf->sha256);
}

int cli_draft(cli_t *cli, int argc, char **argv)
{
    static const cli_cmd_t me = {
        "draft", NULL,
        "[SOP] [--docx BERKAS] [--pdf BERKAS] [--out FOLDER] [--regenerate] [--force]", NULL};
    static const struct option opts[] = {
        {"docx", required_argument, NULL, 'd'}, {"pdf", required_argument, NULL, 'p'},
        {"out", required_argument, NULL, 'o'},  {"regenerate", no_argument, NULL, 'r'},
        {"force", no_argument, NULL, 'f'},      {0}};
    const char *docx = NULL, *pdf = NULL, *dir = NULL;
    Lkip__DraftRequest body = LKIP__DRAFT_REQUEST__INIT;
    bool force = false;
    int c;
    while ((c = getopt_long(argc, argv, "d:p:o:rf", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            docx = optarg;
            break;
        case 'p':
            pdf = optarg;
            break;
        case 'o':
            dir = optarg;
            break;
        case 'r':
            body.regenerate = true;
            break;
        case 'f':
            force = true;
            break;
        default:
            return cli_bad_option(&me, argc, argv);
        }
    }
    if (optind + 1 < argc)
        return cli_usage(&me, "argumen berlebih \"%s\"", argv[optind + 1]);
    body.instance = optind < argc ? argv[optind] : "";
    if (dir && cli_mkdirs(dir) != 0) {
        fprintf(stderr, "lkip: folder \"%s\" tidak dapat dibuat [bad_out_dir]\n", dir);
        return EXIT_USAGE;
    }
    Lkip__Envelope req = LKIP__ENVELOPE__INIT, *reply = NULL;
    req.body_case = LKIP__ENVELOPE__BODY_DRAFT;
    req.draft = &body;
    int rc = cli_call_for(cli, &req, LKIP__REPLY__PAYLOAD_DRAFT, &reply);
    if (rc != EXIT_OK)
        return rc;
    const Lkip__DraftReply *d = reply->reply->draft;
    if (!d->docx || !d->pdf)
        return cli_bad_reply(&reply);
    char *docx_path = s_path(docx, dir, d->docx->file_name);
    char *pdf_path = s_path(pdf, dir, d->pdf->file_name);
    rc = s_fetch(cli, d->instance, d->docx, docx_path, force);
    if (rc == EXIT_OK)
        rc = s_fetch(cli, d->instance, d->pdf, pdf_path, force);
    if (rc == EXIT_OK && !cli_print_json(cli, reply)) {
        printf("%s\n", reply->reply->message);
        s_print(d, docx_path, pdf_path);
    }
    free(docx_path);
    free(pdf_path);
    wire_free(&reply);
    return rc;
}

/* ---- lkip admin org profile ---------------------------------------------------------------- */

static void s_print_text(const char *what, const ProtobufCBinaryData *b, bool full)
{
    if (!b->len) {
        printf("%-16s: (templat bawaan)\n", what);
        return;
    }
    size_t lines = 0;
    for (size_t i = 0; i < b->len; i++)
        lines += b->data[i] == '\n';
    printf("%-16s: %zu bita, %zu baris\n", what, b->len, lines + (b->data[b->len - 1] != '\n'));
    if (full)
        printf("%.*s%s", (int)b->len, (const char *)b->data,
               b->data[b->len - 1] == '\n' ? "" : "\n");
}

static const char *s_or(const char *s, const char *dflt)
{
    return *s ? s : dflt;
}

static void s_print_profile(const Lkip__OrgProfile *p, bool full)
{
    char when[64] = "-";
    if (p->updated_at)
        clitext_time(p->updated_at, p->time_zone, when, sizeof when);
    printf("Organisasi      : %s (profil versi %d%s%s%s%s)\n", p->org_code, p->version,
           *p->updated_by ? ", diubah " : "", *p->updated_by ? when : "",
           *p->updated_by ? " oleh " : "", p->updated_by);
    printf("Kepala Dinas    : %s\n", s_or(p->kepala_nama, "[Nama Kepala Dinas]"));
    printf("NIP             : %s\n", s_or(p->kepala_nip, "[NIP Kepala Dinas]"));
    printf("Jabatan         : %s\n", s_or(p->kepala_jabatan, "(Kepala dan nama organisasi)"));
    printf("Kota            : %s\n", s_or(p->kota, "[Kota]"));
    s_print_text("Bab I (profil)", &p->profil_md, full);
    s_print_text("Kata Pengantar", &p->kata_pengantar_md, full);
    s_print_text("Bab IV (penutup)", &p->penutup_md, full);
}

static int s_profile_reply(cli_t *cli, Lkip__Envelope *req, bool full)
{
    Lkip__Envelope *reply = NULL;
    int rc = cli_call_for(cli, req, LKIP__REPLY__PAYLOAD_ORG_PROFILE, &reply);
    if (rc != EXIT_OK)
        return rc;
    if (!cli_print_json(cli, reply)) {
        printf("%s\n", reply->reply->message);
        s_print_profile(reply->reply->org_profile, full);
    }
    wire_free(&reply);
    return EXIT_OK;
}

/* Reads a Markdown file into b (max 256 KiB); false after saying why. */
static bool s_read_md(const char *path, ProtobufCBinaryData *b)
{
    char *data;
    size_t len;
    if (!cli_read_local(path, 256 * 1024, &data, &len))
        return false;
    if (len == 0) {
        free(data);
        fprintf(stderr,
                "lkip: berkas \"%s\" kosong; untuk kembali ke templat bawaan pakai "
                "--reset [empty_file]\n",
                path);
        return false;
    }
    b->data = (uint8_t *)data;
    b->len = len;
    return true;
}

static const cli_cmd_t s_set_cmd = {
    "admin org profile set", NULL,
    "[PROFIL.md] [--org KODE] [--kata-pengantar BERKAS.md] [--penutup BERKAS.md] "
    "[--kepala NAMA] [--nip NIP] [--jabatan JABATAN] [--kota KOTA] [--reset BAGIAN,...]",
    NULL};
static const cli_cmd_t s_show_cmd = {"admin org profile show", NULL, "[--org KODE] [--full]", NULL};

static int s_profile_set(cli_t *cli, int argc, char **argv)
{
    static const struct option opts[] = {{"org", required_argument, NULL, 'o'},
                                         {"kata-pengantar", required_argument, NULL, 'k'},
                                         {"penutup", required_argument, NULL, 'p'},
                                         {"kepala", required_argument, NULL, 'n'},
                                         {"nip", required_argument, NULL, 'i'},
                                         {"jabatan", required_argument, NULL, 'j'},
                                         {"kota", required_argument, NULL, 'c'},
                                         {"reset", required_argument, NULL, 'r'},
                                         {0}};
    Lkip__OrgProfileSetRequest body = LKIP__ORG_PROFILE_SET_REQUEST__INIT;
    bool ok = true;
    int c;
    while (ok && (c = getopt_long(argc, argv, "o:k:p:n:i:j:c:r:", opts, NULL)) != -1) {
        switch (c) {
        case 'o':
            body.org_code = optarg;
            break;
        case 'k':
            ok = s_read_md(optarg, &body.kata_pengantar_md);
            break;
        case 'p':
            ok = s_read_md(optarg, &body.penutup_md);
            break;
        case 'n':
            body.kepala_nama = optarg;
            break;
        case 'i':
            body.kepala_nip = optarg;
            break;
        case 'j':
            body.kepala_jabatan = optarg;
            break;
        case 'c':
            body.kota = optarg;
            break;
        case 'r':
            body.reset = optarg;
            break;
        default:
            ok = false;
            cli_bad_option(&s_set_cmd, argc, argv);
        }
    }
    if (ok && optind + 1 < argc) {
        ok = false;
        cli_usage(&s_set_cmd, "argumen berlebih \"%s\"", argv[optind + 1]);
    }
    if (ok && optind < argc)
        ok = s_read_md(argv[optind], &body.profil_md);
    if (ok && !body.profil_md.len && !body.kata_pengantar_md.len && !body.penutup_md.len &&
        !*body.kepala_nama && !*body.kepala_nip && !*body.kepala_jabatan && !*body.kota &&
        !*body.reset) {
        ok = false;
        cli_usage(&s_set_cmd, "sebutkan yang diubah: berkas profil, --kepala, --nip, --kota, ...");
    }
    int rc = EXIT_USAGE;
    if (ok) {
        Lkip__Envelope req = LKIP__ENVELOPE__INIT;
        req.body_case = LKIP__ENVELOPE__BODY_ORG_PROFILE_SET;
        req.org_profile_set = &body;
        rc = s_profile_reply(cli, &req, false);
    }
    free(body.profil_md.data);
    free(body.kata_pengantar_md.data);
    free(body.penutup_md.data);
    return rc;
}

static int s_profile_show(cli_t *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        {"org", required_argument, NULL, 'o'}, {"full", no_argument, NULL, 'f'}, {0}};
    Lkip__OrgProfileShowRequest body = LKIP__ORG_PROFILE_SHOW_REQUEST__INIT;
    bool full = false;
    int c;
    while ((c = getopt_long(argc, argv, "o:f", opts, NULL)) != -1) {
        if (c == 'o')
            body.org_code = optarg;
        else if (c == 'f')
            full = true;
        else
            return cli_bad_option(&s_show_cmd, argc, argv);
    }
    if (optind < argc)
        return cli_usage(&s_show_cmd, "argumen berlebih \"%s\"", argv[optind]);
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_ORG_PROFILE_SHOW;
    req.org_profile_show = &body;
    return s_profile_reply(cli, &req, full);
}

int cli_admin_profile(cli_t *cli, int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "set") == 0)
        return s_profile_set(cli, argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "show") == 0)
        return s_profile_show(cli, argc - 1, argv + 1);
    fprintf(stderr,
            "lkip: pemakaian:\n  lkip %s %s\n      profil organisasi untuk draft LKIP (Bab I, "
            "Kata Pengantar, Bab IV, penanda tangan)\n  lkip %s %s\n      tampilkan profil\n",
            s_set_cmd.name, s_set_cmd.usage, s_show_cmd.name, s_show_cmd.usage);
    return EXIT_USAGE;
}
