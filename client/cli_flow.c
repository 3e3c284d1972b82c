/* cli_flow — the workflow commands of every actor: start, tasks, done, approve, return,
 * submit, upload, download, status, history, watch (capaian: cli_capaian). */
#include "cli.h"

#include "clitext.h"

#include <unistd.h>

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- shared helpers ---------------------------------------------------------------------- */

/* True when task t belongs to the instance named by ref ("", "17" or "CODE/PERIOD"). */
static bool s_task_matches(const Lkip__Task *t, const char *ref)
{
    if (!*ref)
        return true;
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)t->instance_id);
    if (strcmp(ref, id) == 0)
        return true;
    const char *slash = strchr(ref, '/');
    return slash && strlen(t->sop_code) == (size_t)(slash - ref) &&
           strncasecmp(ref, t->sop_code, (size_t)(slash - ref)) == 0 &&
           strcmp(slash + 1, t->period) == 0;
}

/* Finds the caller's one open step (not unit data) matching ref: fills the instance id as
 * text and the step. Returns EXIT_OK or prints why. */
static int s_pick_step(cli_t *cli, const char *ref, char *instance, size_t len, int *step)
{
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    Lkip__TasksRequest body = LKIP__TASKS_REQUEST__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_TASKS;
    req.tasks = &body;
    Lkip__Envelope *reply;
    int rc = cli_call_for(cli, &req, LKIP__REPLY__PAYLOAD_TASK_LIST, &reply);
    if (rc != EXIT_OK)
        return rc;
    const Lkip__TasksReply *l = reply->reply->task_list;
    const Lkip__Task *found = NULL;
    int matches = 0;
    for (size_t i = 0; i < l->n_tasks; i++) {
        const Lkip__Task *t = l->tasks[i];
        if (strcmp(t->kind, "data_unit") == 0 || !s_task_matches(t, ref))
            continue;
        matches++;
        found = t;
    }
    if (matches == 1) {
        snprintf(instance, len, "%lld", (long long)found->instance_id);
        *step = found->step_no;
        rc = EXIT_OK;
    } else if (matches == 0) {
        fprintf(stderr,
                "lkip: [no_task] Anda tidak memiliki langkah terbuka%s%s (lihat: lkip tasks; "
                "atau sebutkan --step)\n",
                *ref ? " pada " : "", ref);
        rc = EXIT_REFUSED;
    } else {
        fprintf(stderr,
                "lkip: [task_ambiguous] Anda memiliki %d langkah terbuka; sebutkan SOP-nya "
                "(mis. LKIP/2026) atau --step\n",
                matches);
        rc = EXIT_USAGE;
    }
    wire_free(&reply);
    return rc;
}

static void s_print_status(const Lkip__InstanceStatus *s, bool detail);

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
            return cli_usage(&me, "pilihan tidak dikenal");
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
            return cli_usage(me, "pilihan tidak dikenal");
        }
    }
    if (optind + 1 < argc)
        return cli_usage(me, "argumen berlebih \"%s\"", argv[optind + 1]);
    if (action == LKIP__STEP_ACTION__RETURN && !*body.note)
        return cli_usage(me, "pengembalian wajib disertai alasan: --reason \"...\"");
    const char *ref = optind < argc ? argv[optind] : "";
    char instance[64];
    snprintf(instance, sizeof instance, "%s", ref);
    if (step == 0) {
        int s = 0;
        int rc = s_pick_step(cli, ref, instance, sizeof instance, &s);
        if (rc != EXIT_OK)
            return rc;
        step = s;
    }
    body.instance = instance;
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
            return cli_usage(&me, "pilihan tidak dikenal");
        body.unit_code = optarg;
    }
    if (optind >= argc || optind + 2 < argc)
        return cli_usage(&me, "sebutkan satu berkas CSV atau XLSX");
    const char *path = argv[optind];
    body.instance = optind + 1 < argc ? argv[optind + 1] : "";
    char *data;
    size_t len;
    if (!cli_read_local(path, 4 * 1024 * 1024, &data, &len))
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
        } else if (s) {
            clitext_cell_errors(s->errors, s->n_errors);
        }
    }
    wire_free(&reply);
    return rc;
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
            return c != 's' ? cli_usage(&me, "pilihan tidak dikenal") : EXIT_USAGE;
    }
    if (optind >= argc || optind + 2 < argc)
        return cli_usage(&me, "sebutkan satu berkas dokumen");
    const char *path = argv[optind];
    const char *ref = optind + 1 < argc ? argv[optind + 1] : "";
    char *data;
    size_t len;
    if (!cli_read_local(path, WIRE_MAX_DOCUMENT, &data, &len))
        return EXIT_USAGE;
    char instance[64];
    snprintf(instance, sizeof instance, "%s", ref);
    if (step == 0) {
        int s = 0;
        int rc = s_pick_step(cli, ref, instance, sizeof instance, &s);
        if (rc != EXIT_OK) {
            free(data);
            return rc;
        }
        step = s;
    }
    const char *slash = strrchr(path, '/');
    body.file_name = (char *)(slash ? slash + 1 : path);
    body.instance = instance;
    body.step_no = (int32_t)step;
    body.content.data = (uint8_t *)data;
    body.content.len = len;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_UPLOAD;
    req.upload = &body;
    Lkip__Envelope *reply;
    int rc = cli_call(cli, &req, &reply);
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
    Lkip__DownloadRequest body = LKIP__DOWNLOAD_REQUEST__INIT;
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
            return cli_usage(&me, "pilihan tidak dikenal");
        }
    }
    if (optind + 1 < argc)
        return cli_usage(&me, "argumen berlebih \"%s\"", argv[optind + 1]);
    body.instance = optind < argc ? argv[optind] : "";
    body.version = (int32_t)version;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_DOWNLOAD;
    req.download = &body;
    Lkip__Envelope *reply;
    int rc = cli_call_for(cli, &req, LKIP__REPLY__PAYLOAD_DOCUMENT, &reply);
    if (rc != EXIT_OK)
        return rc;
    const Lkip__DocumentReply *d = reply->reply->document;
    if (!d->info)
        return cli_bad_reply(&reply);
    const char *path = out ? out : d->info->file_name;
    rc = cli_save_checked(path, d->content.data, d->content.len, d->info->sha256, force);
    if (rc == EXIT_OK && !cli_print_json(cli, reply))
        printf("Dokumen versi %d (%s, %lld bita) disimpan ke %s\nSHA-256 %s\n", d->info->version,
               d->info->file_name, (long long)d->info->size, path, d->info->sha256);
    wire_free(&reply);
    return rc;
}

/* ---- status, history -------------------------------------------------------------- */

static void s_print_status(const Lkip__InstanceStatus *s, bool detail)
{
    char started[64], finished[64];
    clitext_time(s->started_at, s->time_zone, started, sizeof started);
    clitext_time(s->finished_at, s->time_zone, finished, sizeof finished);
    printf("%s/%s (nomor %lld) - %s [definisi versi %d]\n", s->sop_code, s->period,
           (long long)s->id, s->sop_title, s->sop_version);
    if (strcmp(s->state, "active") == 0)
        printf("  Status: berjalan, langkah %d dari %d; dimulai %s oleh %s\n", s->current_step,
               s->steps, started, s->started_by);
    else
        printf("  Status: SELESAI %s; dimulai %s oleh %s\n", finished, started, s->started_by);
    if (*s->letter_number)
        printf("  Nomor surat: %s\n", s->letter_number);
    if (*s->archive_sha256)
        printf("  Arsip: dokumen versi %d, SHA-256 %s%s%s\n", s->archive_version, s->archive_sha256,
               *s->archive_ref ? ", disimpan di " : "", s->archive_ref);
    if (!detail)
        return;
    printf("  Riwayat langkah:\n");
    for (size_t i = 0; i < s->n_runs; i++) {
        const Lkip__StepRun *r = s->runs[i];
        char when[64], due[64];
        clitext_time(r->finished_at ? r->finished_at : r->assigned_at, s->time_zone, when,
                     sizeof when);
        clitext_time(r->due_at, s->time_zone, due, sizeof due);
        printf("   %2d%s %-13s %s\n", r->step_no, r->round > 1 ? "*" : " ",
               clitext_state(r->state, r->outcome), r->title);
        if (strcmp(r->state, "active") == 0)
            printf("        pelaksana %s; diterima %s; tenggat %s\n", r->actor_role, when, due);
        else
            printf("        oleh %s (%s), %s; tenggat %s\n", r->finished_by, r->actor_role, when,
                   due);
        if (*r->note)
            printf("        %s: %s\n", strcmp(r->outcome, "returned") == 0 ? "alasan" : "catatan",
                   r->note);
    }
    if (s->n_units) {
        printf("  Data unit:\n");
        for (size_t i = 0; i < s->n_units; i++) {
            const Lkip__UnitTaskInfo *u = s->units[i];
            char when[64];
            clitext_time(u->submitted_at, s->time_zone, when, sizeof when);
            printf("   %-12s %-15s", u->unit_code, clitext_state(u->state, ""));
            if (u->version)
                printf(" versi %d, %d indikator, oleh %s, %s", u->version, u->rows, u->submitted_by,
                       when);
            printf("\n");
        }
    }
    if (s->n_documents) {
        printf("  Dokumen:\n");
        for (size_t i = 0; i < s->n_documents; i++) {
            const Lkip__DocumentInfo *d = s->documents[i];
            char when[64];
            clitext_time(d->uploaded_at, s->time_zone, when, sizeof when);
            printf("   versi %d  langkah %d%s  %s (%lld bita)  oleh %s, %s\n"
                   "            SHA-256 %s%s\n",
                   d->version, d->step_no, d->round > 1 ? "*" : "", d->file_name,
                   (long long)d->size, d->uploaded_by, when, d->sha256,
                   s->archive_version == d->version ? "  [DIARSIPKAN]" : "");
        }
    }
}

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
            s_print_status(l->instances[i], *body.instance != '\0');
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
            return c != 'l' ? cli_usage(&me, "pilihan tidak dikenal") : EXIT_USAGE;
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
            char when[64];
            clitext_time(e->at, h->time_zone, when, sizeof when);
            printf("%s  %-20s %-10s %s", when, e->user, e->command,
                   e->status < 400 ? "diterima" : "DITOLAK");
            if (e->step_no)
                printf(" langkah %d", e->step_no);
            printf(" [%d %s]\n    %s\n", e->status, e->code, e->detail);
        }
    }
    wire_free(&reply);
    return EXIT_OK;
}

/* ---- watch --------------------------------------------------------------------------------- */

static volatile sig_atomic_t s_stop;

static void s_on_signal(int sig)
{
    (void)sig;
    s_stop = 1;
}

/* The file holding the last sequence received, per key (so two users on one machine never
 * share it). */
static char *s_seq_path(const cli_t *cli)
{
    keypair_t kp;
    char *path;
    if (keys_load(cli->conf.key_file, &kp) == 0) {
        /* Z85 may contain '/': use hex of the first bytes of its hash */
        char hex[65];
        sha256_hex(kp.public_key, strlen(kp.public_key), hex);
        hex[16] = '\0';
        path = xasprintf("%s/last-seq-%s", cli->conf.state_dir, hex);
        memset(&kp, 0, sizeof kp);
    } else {
        path = xasprintf("%s/last-seq", cli->conf.state_dir);
    }
    return path;
}

static uint64_t s_seq_load(const char *path)
{
    char *text;
    size_t len;
    if (read_file(path, 64, &text, &len) != 0)
        return 0;
    uint64_t v = strtoull(text, NULL, 10);
    free(text);
    return v;
}

/* Stores seq durably: write a temporary file, fsync, rename. */
static int s_seq_store(const char *path, uint64_t seq)
{
    char *dir = xstrdup(path);
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir) {
        *slash = '\0';
        (void)cli_mkdirs(dir);
    }
    free(dir);
    char *tmp = xasprintf("%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    int rc = -1;
    if (f) {
        fprintf(f, "%llu\n", (unsigned long long)seq);
        rc = fflush(f) == 0 && fsync(fileno(f)) == 0 ? 0 : -1;
        rc = fclose(f) == 0 ? rc : -1;
        if (rc == 0)
            rc = rename(tmp, path);
    }
    free(tmp);
    return rc;
}

static int s_subscribe(cli_t *cli, uint64_t *last)
{
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    Lkip__SubscribeRequest body = LKIP__SUBSCRIBE_REQUEST__INIT;
    body.last_seq = *last;
    req.body_case = LKIP__ENVELOPE__BODY_SUBSCRIBE;
    req.subscribe = &body;
    Lkip__Envelope *reply;
    int rc = cli_call_for(cli, &req, LKIP__REPLY__PAYLOAD_SUBSCRIBED, &reply);
    if (rc != EXIT_OK)
        return rc;
    const Lkip__SubscribeReply *s = reply->reply->subscribed;
    if (s->last_seq < *last) {
        /* the server holds fewer events than we saw: a different or restored database */
        fprintf(stderr,
                "lkip: [seq_reset] server memiliki %llu pemberitahuan, klien mencatat "
                "%llu; penghitung disetel ulang\n",
                (unsigned long long)s->last_seq, (unsigned long long)*last);
        *last = s->last_seq;
    }
    wire_free(&reply);
    return EXIT_OK;
}

static void s_ack(cli_t *cli, uint64_t seq)
{
    Lkip__Envelope env = LKIP__ENVELOPE__INIT;
    Lkip__AckRequest body = LKIP__ACK_REQUEST__INIT;
    body.seq = seq;
    env.body_case = LKIP__ENVELOPE__BODY_ACK;
    env.ack = &body;
    if (lkipc_send(cli->conn, &env) != 0)
        return; /* the keepalive tries again; unacknowledged events are sent again */
}

int cli_watch(cli_t *cli, int argc, char **argv)
{
    static const cli_cmd_t me = {"watch", NULL, "[--count N] [--idle DETIK]", NULL};
    static const struct option opts[] = {
        {"count", required_argument, NULL, 'c'}, {"idle", required_argument, NULL, 'i'}, {0}};
    long long count = 0, idle = 0;
    int c;
    while ((c = getopt_long(argc, argv, "c:i:", opts, NULL)) != -1) {
        if (c == 'c' && cli_parse_int("--count", optarg, 1, 100000000, &count))
            continue;
        if (c == 'i' && cli_parse_int("--idle", optarg, 1, 86400, &idle))
            continue;
        return c == 'c' || c == 'i' ? EXIT_USAGE : cli_usage(&me, "pilihan tidak dikenal");
    }
    if (optind < argc)
        return cli_usage(&me, "argumen berlebih \"%s\"", argv[optind]);
    char *path = s_seq_path(cli);
    uint64_t last = s_seq_load(path);
    int rc = s_subscribe(cli, &last);
    if (rc != EXIT_OK) {
        free(path);
        return rc;
    }
    if (!cli->json)
        fprintf(stderr,
                "Menunggu pemberitahuan (terakhir diterima: #%llu); Ctrl-C untuk "
                "berhenti.\n",
                (unsigned long long)last);
    struct sigaction sa = {0};
    sa.sa_handler = s_on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    unsigned connections = lkipc_connections(cli->conn);
    long long shown = 0;
    int64_t quiet_since = monotonic_ms(), keepalive = monotonic_ms();
    while (!s_stop && (count == 0 || shown < count)) {
        Lkip__Envelope *ev = NULL;
        int got = lkipc_next_event(cli->conn, 1000, &ev);
        if (got < 0 && got != LKIPC_TIMEOUT) {
            fprintf(stderr, "lkip: %s\n", lkipc_rc_text((lkipc_rc_t)got));
            rc = EXIT_UNREACHABLE;
            break;
        }
        int64_t now = monotonic_ms();
        if (got == 1) {
            const Lkip__Event *e = ev->event;
            if (e->seq > last) { /* older ones are duplicates of a resend */
                if (cli->json) {
                    cli_print_event_json(e);
                } else {
                    char *line = clitext_event(e);
                    printf("%s\n", line);
                    free(line);
                }
                fflush(stdout);
                last = e->seq;
                if (s_seq_store(path, last) != 0)
                    fprintf(stderr,
                            "lkip: [io_error] posisi pemberitahuan tidak dapat "
                            "disimpan di %s\n",
                            path);
                shown++;
            }
            s_ack(cli, e->seq > last ? last : e->seq);
            wire_free(&ev);
            quiet_since = now;
            continue;
        }
        if (idle && now - quiet_since >= idle * 1000)
            break;
        if (lkipc_connections(cli->conn) != connections) {
            /* connected again (daemon restarted?): a new session replays what we missed. Until
             * the daemon has answered the subscription (a 503 while its database is away) there
             * is no session: the next round asks again. */
            unsigned seen = lkipc_connections(cli->conn);
            if (s_subscribe(cli, &last) != EXIT_OK)
                continue;
            connections = seen;
        }
        if (now - keepalive >= 5000) {
            s_ack(cli, last); /* keeps the session alive on the daemon */
            keepalive = now;
        }
    }
    free(path);
    return rc;
}
