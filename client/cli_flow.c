/* cli_flow — the workflow commands of every actor: start, tasks, done, approve, return,
 * submit, upload, download, status, history (watch: cli_watch.c; capaian: cli_capaian.c). */
#include "cli.h"

#include "clitext.h"
#include "xfer.h"

#include <unistd.h>

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- shared helpers ---------------------------------------------------------------------- */

/* Prints the message of an accepted change and, with detail, the instance it left. */
static int s_print_change(cli_t *cli, Lkip__Envelope *reply)
{
    if (!cli_print_json(cli, reply)) {
        printf("%s\n", reply->reply->message);
        const Lkip__StatusReply *l = reply->reply->instances;
        if (l && l->n_instances == 1) {
            const Lkip__InstanceStatus *s = l->instances[0];
            if (*s->letter_number)
                printf("Nomor surat: %s\n", s->letter_number);
            if (*s->archive_sha256)
                printf("Dokumen diarsipkan: versi %d, SHA-256 %s\n", s->archive_version,
                       s->archive_sha256);
        }
    }
    wire_free(&reply);
    return EXIT_OK;
}

/* ---- start --------------------------------------------------------------------------------- */

int cli_start(cli_t *cli, int argc, char **argv)
{
    static const cli_cmd_t me = {"start", NULL, "KODE_SOP PERIODE [--note TEKS]", NULL};
    static const struct option opts[] = {{"note", required_argument, NULL, 'n'}, {0}};
    Lkip__StartRequest body = LKIP__START_REQUEST__INIT;
    int c;
    while ((c = getopt_long(argc, argv, "n:", opts, NULL)) != -1) {
        if (c != 'n')
            return cli_bad_option(&me, argc, argv);
        body.note = optarg;
    }
    if (optind + 2 != argc)
        return cli_usage(&me, "sebutkan kode SOP dan periode, mis. lkip start LKIP 2026");
    body.sop_code = argv[optind];
    body.period = argv[optind + 1];
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_START;
    req.start = &body;
    Lkip__Envelope *reply;
    int rc = cli_call(cli, &req, &reply);
    return rc != EXIT_OK ? rc : s_print_change(cli, reply);
}

/* ---- tasks --------------------------------------------------------------------------------- */

int cli_tasks(cli_t *cli, int argc, char **argv)
{
    static const cli_cmd_t me = {"tasks", NULL, "", NULL};
    if (argc > 1)
        return cli_usage(&me, "argumen berlebih \"%s\"", argv[1]);
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    Lkip__TasksRequest body = LKIP__TASKS_REQUEST__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_TASKS;
    req.tasks = &body;
    Lkip__Envelope *reply;
    int rc = cli_call_for(cli, &req, LKIP__REPLY__PAYLOAD_TASK_LIST, &reply);
    if (rc != EXIT_OK)
        return rc;
    const Lkip__TasksReply *l = reply->reply->task_list;
    if (!cli_print_json(cli, reply)) {
        if (l->n_tasks == 0)
            printf("Tidak ada tugas terbuka untuk Anda.\n");
        for (size_t i = 0; i < l->n_tasks; i++) {
            const Lkip__Task *t = l->tasks[i];
            char assigned[64], due[64], left[48];
            clitext_time(t->assigned_at, t->time_zone, assigned, sizeof assigned);
            clitext_time(t->due_at, t->time_zone, due, sizeof due);
            if (strcmp(t->kind, "data_unit") == 0)
                printf("%s/%s (nomor %lld)  data unit %s: %s\n", t->sop_code, t->period,
                       (long long)t->instance_id, t->unit_code, t->step_title);
            else
                printf("%s/%s (nomor %lld)  langkah %d%s: %s [%s, waktu %s]\n", t->sop_code,
                       t->period, (long long)t->instance_id, t->step_no,
                       t->round > 1 ? " (ulang)" : "", t->step_title, t->kind, t->waktu);
            printf("    diterima %s; tenggat %s", assigned, due);
            if (t->due_at) {
                clitext_minutes(t->remaining_minutes, left, sizeof left);
                printf(" (%s%s)", t->remaining_minutes >= 0 ? "sisa " : "", left);
            }
            printf("\n");
            if (*t->return_reason)
                printf("    dikembalikan dengan alasan: %s\n", t->return_reason);
            if (*t->as_capacity)
                printf("    Anda mengerjakan langkah ini selaku %s\n", t->as_capacity);
        }
    }
    wire_free(&reply);
    return EXIT_OK;
}

/* ---- done, approve, return ----------------------------------------------------------------- */

static int s_step_command(cli_t *cli, int argc, char **argv, Lkip__StepAction action,
                          const cli_cmd_t *me)
{
    static const struct option opts[] = {{"step", required_argument, NULL, 's'},
                                         {"note", required_argument, NULL, 'n'},
                                         {"reason", required_argument, NULL, 'r'},
                                         {"ref", required_argument, NULL, 'a'},
                                         {0}};
    Lkip__StepRequest body = LKIP__STEP_REQUEST__INIT;
    body.action = action;
    long long step = 0;
    int c;
    while ((c = getopt_long(argc, argv, "s:n:r:", opts, NULL)) != -1) {
        switch (c) {
        case 's':
            if (!cli_parse_int("--step", optarg, 1, 1000, &step))
                return EXIT_USAGE;
            break;
        case 'n':
            if (action == LKIP__STEP_ACTION__RETURN)
                return cli_usage(me, "pengembalian memakai --reason, bukan --note");
            body.note = optarg;
            break;
        case 'r':
            if (action != LKIP__STEP_ACTION__RETURN)
                return cli_usage(me, "--reason hanya untuk lkip return");
            body.note = optarg;
            break;
        case 'a':
            if (action != LKIP__STEP_ACTION__DONE)
                return cli_usage(me, "--ref hanya untuk lkip done (langkah arsip)");
            body.archive_ref = optarg;
            break;
        default:
            return cli_bad_option(me, argc, argv);
        }
    }
    if (optind + 1 < argc)
        return cli_usage(me, "argumen berlebih \"%s\"", argv[optind + 1]);
    if (action == LKIP__STEP_ACTION__RETURN && !*body.note)
        return cli_usage(me, "pengembalian wajib disertai alasan: --reason \"...\"");
    /* without --step the daemon acts on the caller's open step (of the SOP named, or the only
     * one the caller holds), in the same transaction: no round trip to ask for it first */
    body.instance = optind < argc ? argv[optind] : "";
    body.step_no = (int32_t)step;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_STEP;
    req.step = &body;
    Lkip__Envelope *reply;
    int rc = cli_call(cli, &req, &reply);
    return rc != EXIT_OK ? rc : s_print_change(cli, reply);
}

int cli_done(cli_t *cli, int argc, char **argv)
{
    static const cli_cmd_t me = {"done", NULL, "[SOP] [--step N] [--note TEKS] [--ref ARSIP]",
                                 NULL};
    return s_step_command(cli, argc, argv, LKIP__STEP_ACTION__DONE, &me);
}

int cli_approve(cli_t *cli, int argc, char **argv)
{
    static const cli_cmd_t me = {"approve", NULL, "[SOP] [--step N] [--note TEKS]", NULL};
    return s_step_command(cli, argc, argv, LKIP__STEP_ACTION__APPROVE, &me);
}

int cli_return(cli_t *cli, int argc, char **argv)
{
    static const cli_cmd_t me = {"return", NULL, "[SOP] --reason ALASAN [--step N]", NULL};
    return s_step_command(cli, argc, argv, LKIP__STEP_ACTION__RETURN, &me);
}

/* ---- submit, upload, download -------------------------------------------------------------- */

int cli_submit(cli_t *cli, int argc, char **argv)
{
    static const cli_cmd_t me = {"submit", NULL, "BERKAS.csv|BERKAS.xlsx [SOP] [--unit KODE]",
                                 NULL};
    static const struct option opts[] = {{"unit", required_argument, NULL, 'u'}, {0}};
    Lkip__SubmitRequest body = LKIP__SUBMIT_REQUEST__INIT;
    int c;
    while ((c = getopt_long(argc, argv, "u:", opts, NULL)) != -1) {
        if (c != 'u')
            return cli_bad_option(&me, argc, argv);
        body.unit_code = optarg;
    }
    if (optind >= argc || optind + 2 < argc)
        return cli_usage(&me, "sebutkan satu berkas CSV atau XLSX");
    const char *path = argv[optind];
    body.instance = optind + 1 < argc ? argv[optind + 1] : "";
    char *data;
    size_t len;
    if (!cli_read_local(path, WIRE_MAX_DATA_FILE, &data, &len))
        return EXIT_USAGE;
    const char *slash = strrchr(path, '/');
    body.file_name = (char *)(slash ? slash + 1 : path);
    body.content.data = (uint8_t *)data;
    body.content.len = len;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_SUBMIT;
    req.submit = &body;
    Lkip__Envelope *reply = NULL;
    int rc = cli_call_keep(cli, &req, &reply);
    free(data);
    if (!reply)
        return rc;
    const Lkip__SubmitReply *s = reply->reply->submitted;
    if (!cli_print_json(cli, reply)) {
        if (rc == EXIT_OK) {
            printf("%s\n", reply->reply->message);
            if (s)
                printf("Unit %s: %d indikator tersimpan sebagai versi %d%s%s%s\n", s->unit_code,
                       s->rows, s->version, *s->format_id ? " (format " : "", s->format_id,
                       *s->format_id ? ")" : "");
            if (s)
                clitext_cell_warnings(s->warnings, s->n_warnings);
        } else if (s) {
            clitext_cell_errors(s->errors, s->n_errors);
        }
    }
    wire_free(&reply);
    return rc;
}

int cli_xfer_failed(const xfer_error_t *e)
{
    if (e->status >= 400) {
        fprintf(stderr, "lkip: %s: %s [%d %s]\n", e->status >= 500 ? "galat server" : "ditolak",
                e->message, e->status, e->code);
        return e->status >= 500 ? EXIT_SERVER : EXIT_REFUSED;
    }
    if (e->rc != LKIPC_OK) {
        fprintf(stderr, "lkip: %s\n", lkipc_rc_text(e->rc));
        return EXIT_UNREACHABLE;
    }
    fprintf(stderr, "lkip: [%s] %s\n", e->code, e->message);
    return strcmp(e->code, "hash_mismatch") == 0 ? EXIT_SERVER : EXIT_USAGE;
}

int cli_upload(cli_t *cli, int argc, char **argv)
{
    static const cli_cmd_t me = {"upload", NULL, "BERKAS [SOP] [--step N]", NULL};
    static const struct option opts[] = {{"step", required_argument, NULL, 's'}, {0}};
    Lkip__UploadRequest body = LKIP__UPLOAD_REQUEST__INIT;
    long long step = 0;
    int c;
    while ((c = getopt_long(argc, argv, "s:", opts, NULL)) != -1) {
        if (c != 's' || !cli_parse_int("--step", optarg, 1, 1000, &step))
            return c != 's' ? cli_bad_option(&me, argc, argv) : EXIT_USAGE;
    }
    if (optind >= argc || optind + 2 < argc)
        return cli_usage(&me, "sebutkan satu berkas dokumen");
    const char *path = argv[optind];
    const char *ref = optind + 1 < argc ? argv[optind + 1] : "";
    char *data;
    size_t len;
    if (!cli_read_local(path, WIRE_MAX_DOCUMENT, &data, &len))
        return EXIT_USAGE;
    int rc = EXIT_OK; /* without --step: the caller's open step, found by the daemon */
    char sha[65];
    xfer_error_t xe;
    if (rc == EXIT_OK && len > WIRE_CHUNK) { /* staged in chunks; a second run resumes */
        rc = cli_connect(cli);
        if (rc == EXIT_OK &&
            xfer_stage(cli->conn, (uint8_t *)data, len, &body.upload_id, sha, &xe) != 0)
            rc = cli_xfer_failed(&xe);
        body.size = (int64_t)len;
        body.sha256 = sha;
    } else {
        body.content.data = (uint8_t *)data;
        body.content.len = len;
    }
    const char *slash = strrchr(path, '/');
    body.file_name = (char *)(slash ? slash + 1 : path);
    body.instance = (char *)ref;
    body.step_no = (int32_t)step;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_UPLOAD;
    req.upload = &body;
    Lkip__Envelope *reply = NULL;
    if (rc == EXIT_OK)
        rc = cli_call(cli, &req, &reply);
    free(data);
    if (rc != EXIT_OK)
        return rc;
    if (!cli_print_json(cli, reply))
        printf("%s\n", reply->reply->message);
    wire_free(&reply);
    return EXIT_OK;
}

int cli_download(cli_t *cli, int argc, char **argv)
{
    static const cli_cmd_t me = {"download", NULL, "[SOP] [--version N] [--out BERKAS] [--force]",
                                 NULL};
    static const struct option opts[] = {{"version", required_argument, NULL, 'v'},
                                         {"out", required_argument, NULL, 'o'},
                                         {"force", no_argument, NULL, 'f'},
                                         {0}};
    long long version = 0;
    const char *out = NULL;
    bool force = false;
    int c;
    while ((c = getopt_long(argc, argv, "v:o:f", opts, NULL)) != -1) {
        switch (c) {
        case 'v':
            if (!cli_parse_int("--version", optarg, 1, 1000000, &version))
                return EXIT_USAGE;
            break;
        case 'o':
            out = optarg;
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
    const char *ref = optind < argc ? argv[optind] : "";
    int rc = cli_connect(cli);
    if (rc != EXIT_OK)
        return rc;
    /* the file name is the stored one unless --out says otherwise: ask for it first */
    Lkip__DocumentInfo *info = NULL;
    xfer_error_t xe;
    char *path = NULL;
    if (!out) {
        Lkip__DownloadRequest body = LKIP__DOWNLOAD_REQUEST__INIT;
        body.instance = (char *)ref;
        body.version = (int32_t)version;
        Lkip__Envelope req = LKIP__ENVELOPE__INIT, *reply = NULL;
        req.body_case = LKIP__ENVELOPE__BODY_DOWNLOAD;
        req.download = &body;
        rc = cli_call_for(cli, &req, LKIP__REPLY__PAYLOAD_DOCUMENT, &reply);
        if (rc != EXIT_OK)
            return rc;
        const Lkip__DocumentInfo *i = reply->reply->document->info;
        const char *base = i ? strrchr(i->file_name, '/') : NULL;
        path = xstrdup(!i ? "" : base ? base + 1 : i->file_name);
        version = i ? i->version : version;
        wire_free(&reply);
    }
    if (xfer_download(cli->conn, ref, (int)version, out ? out : path, force, &info, &xe) != 0)
        rc = cli_xfer_failed(&xe);
    else if (!cli_print_json_message(cli, &info->base))
        printf("Dokumen versi %d (%s, %lld bita) disimpan ke %s\nSHA-256 %s\n", info->version,
               info->file_name, (long long)info->size, out ? out : path, info->sha256);
    if (info)
        lkip__document_info__free_unpacked(info, NULL);
    free(path);
    return rc;
}

/* ---- status, history -------------------------------------------------------------- */

int cli_status(cli_t *cli, int argc, char **argv)
{
    static const cli_cmd_t me = {"status", NULL, "[SOP]", NULL};
    if (argc > 2)
        return cli_usage(&me, "argumen berlebih \"%s\"", argv[2]);
    Lkip__StatusRequest body = LKIP__STATUS_REQUEST__INIT;
    body.instance = argc == 2 ? argv[1] : "";
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_STATUS;
    req.status = &body;
    Lkip__Envelope *reply;
    int rc = cli_call_for(cli, &req, LKIP__REPLY__PAYLOAD_INSTANCES, &reply);
    if (rc != EXIT_OK)
        return rc;
    const Lkip__StatusReply *l = reply->reply->instances;
    if (!cli_print_json(cli, reply)) {
        if (l->n_instances == 0)
            printf("Belum ada SOP yang dimulai di organisasi Anda.\n");
        for (size_t i = 0; i < l->n_instances; i++)
            clitext_status(stdout, l->instances[i], *body.instance != '\0');
    }
    wire_free(&reply);
    return EXIT_OK;
}

int cli_history(cli_t *cli, int argc, char **argv)
{
    static const cli_cmd_t me = {"history", NULL, "[SOP] [--limit N]", NULL};
    static const struct option opts[] = {{"limit", required_argument, NULL, 'l'}, {0}};
    Lkip__HistoryRequest body = LKIP__HISTORY_REQUEST__INIT;
    long long limit = 0;
    int c;
    while ((c = getopt_long(argc, argv, "l:", opts, NULL)) != -1) {
        if (c != 'l' || !cli_parse_int("--limit", optarg, 1, 1000, &limit))
            return c != 'l' ? cli_bad_option(&me, argc, argv) : EXIT_USAGE;
    }
    if (optind + 1 < argc)
        return cli_usage(&me, "argumen berlebih \"%s\"", argv[optind + 1]);
    body.instance = optind < argc ? argv[optind] : "";
    body.limit = (int32_t)limit;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_HISTORY;
    req.history = &body;
    Lkip__Envelope *reply;
    int rc = cli_call_for(cli, &req, LKIP__REPLY__PAYLOAD_AUDIT, &reply);
    if (rc != EXIT_OK)
        return rc;
    const Lkip__HistoryReply *h = reply->reply->audit;
    if (!cli_print_json(cli, reply)) {
        if (h->n_entries == 0)
            printf("Belum ada catatan.\n");
        for (size_t i = 0; i < h->n_entries; i++) {
            const Lkip__AuditEntry *e = h->entries[i];
            char when[64], who[200];
            clitext_time(e->at, h->time_zone, when, sizeof when);
            printf("%s  %-20s %-10s %s", when,
                   clitext_actor(e->user, e->acting_as, who, sizeof who), e->command,
                   e->status < 400 ? "diterima" : "DITOLAK");
            if (e->step_no)
                printf(" langkah %d", e->step_no);
            printf(" [%d %s]\n    %s\n", e->status, e->code, e->detail);
        }
    }
    wire_free(&reply);
    return EXIT_OK;
}
