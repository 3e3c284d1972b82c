/* cli_basic — keygen, whoami, ping. */
#include "cli.h"

#include "clitext.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

int cli_mkdirs(const char *dir)
{
    char *p = xstrdup(dir);
    int rc = 0;
    for (char *s = p + 1; *s && rc == 0; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0700) != 0 && errno != EEXIST)
            rc = -errno;
        *s = '/';
    }
    if (rc == 0 && mkdir(p, 0700) != 0 && errno != EEXIST)
        rc = -errno;
    free(p);
    return rc;
}

int cli_keygen(cli_t *cli, int argc, char **argv)
{
    static const cli_cmd_t me = {"keygen", NULL, "[--out BERKAS]", NULL};
    static const struct option opts[] = {{"out", required_argument, NULL, 'o'}, {0}};
    const char *out = cli->conf.key_file;
    int c;
    while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        if (c != 'o')
            return cli_bad_option(&me, argc, argv);
        out = optarg;
    }
    if (optind < argc)
        return cli_usage(&me, "argumen berlebih \"%s\"", argv[optind]);
    char *copy = xstrdup(out);
    char *slash = strrchr(copy, '/');
    if (slash && slash != copy) {
        *slash = '\0';
        if (cli_mkdirs(copy) != 0) {
            fprintf(stderr, "lkip: [io_error] folder \"%s\" tidak dapat dibuat: %s\n", copy,
                    strerror(errno));
            free(copy);
            return EXIT_USAGE;
        }
    }
    free(copy);
    keypair_t kp;
    int rc = keys_generate(out, &kp);
    if (rc != 0) {
        fprintf(stderr, "lkip: [%s] kunci \"%s\" tidak dapat dibuat: %s\n",
                rc == -EEXIST ? "key_exists" : "io_error", out,
                rc == -EEXIST ? "berkas sudah ada (tidak ditimpa)" : strerror(-rc));
        return EXIT_USAGE;
    }
    if (cli->json) {
        printf("{\"key_file\": \"%s\", \"public_key_file\": \"%s.pub\", \"public_key\": \"%s\"}\n",
               out, out, kp.public_key);
    } else {
        printf("Pasangan kunci dibuat.\n"
               "  Kunci rahasia : %s (jangan dibagikan)\n"
               "  Kunci publik  : %s.pub\n\n"
               "Serahkan kunci publik ini kepada administrator untuk didaftarkan:\n  %s\n",
               out, out, kp.public_key);
    }
    memset(&kp, 0, sizeof kp);
    return EXIT_OK;
}

static int s_no_args(const char *name, const char *usage, int argc, char **argv)
{
    if (argc > 1) {
        cli_cmd_t me = {name, NULL, usage, NULL};
        return cli_usage(&me, "argumen berlebih \"%s\"", argv[1]);
    }
    return EXIT_OK;
}

int cli_whoami(cli_t *cli, int argc, char **argv)
{
    int rc = s_no_args("whoami", "", argc, argv);
    if (rc != EXIT_OK)
        return rc;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    Lkip__WhoamiRequest body = LKIP__WHOAMI_REQUEST__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_WHOAMI;
    req.whoami = &body;
    Lkip__Envelope *reply;
    rc = cli_call_for(cli, &req, LKIP__REPLY__PAYLOAD_USER, &reply);
    if (rc != EXIT_OK)
        return rc;
    if (!cli_print_json(cli, reply)) {
        const Lkip__UserInfo *u = reply->reply->user;
        printf("Pengguna   : %s (%s)\n"
               "Peran      : %s\n"
               "Unit       : %s%s%s\n"
               "Organisasi : %s - %s\n",
               u->name, u->full_name, u->role, *u->unit_code ? u->unit_code : "-",
               *u->unit_name ? " - " : "", u->unit_name, u->org_code, u->org_name);
    }
    wire_free(&reply);
    return EXIT_OK;
}

/* Which PostgreSQL server answered the ping (for the operator after a fail-over). */
/* The daemon's totals, shown to an administrator. */
static void s_print_load(const Lkip__DaemonLoad *l)
{
    if (!l)
        return;
    printf("Beban sejak server dimulai: %lld permintaan dalam %lld batch; %lld pernyataan SQL "
           "dalam %lld perjalanan ke basis data; %lld batch diulang\n"
           "Langganan  : %lld sesi pemantauan sedang dipegang server ini\n",
           (long long)l->requests, (long long)l->batches, (long long)l->statements,
           (long long)l->round_trips, (long long)l->reruns, (long long)l->sessions);
}

static void s_print_database(const Lkip__DatabaseNode *n)
{
    if (!n || !*n->host) { /* an older daemon */
        printf("Basis data : tidak dilaporkan oleh server\n");
        return;
    }
    printf("Basis data : %s:%d, identitas sistem %s, timeline %d\n", n->host, (int)n->port,
           n->system_identifier, (int)n->timeline);
}

int cli_ping(cli_t *cli, int argc, char **argv)
{
    int rc = s_no_args("ping", "", argc, argv);
    if (rc != EXIT_OK)
        return rc;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    Lkip__PingRequest body = LKIP__PING_REQUEST__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_PING;
    req.ping = &body;
    Lkip__Envelope *reply;
    int64_t t0 = monotonic_ms();
    rc = cli_call_for(cli, &req, LKIP__REPLY__PAYLOAD_PONG, &reply);
    if (rc != EXIT_OK)
        return rc;
    int64_t rtt = monotonic_ms() - t0;
    if (!cli_print_json(cli, reply)) {
        const Lkip__PongReply *p = reply->reply->pong;
        char when[64];
        /* in the organisation's zone, like every other time lkip shows */
        clitext_time(p->server_time, *p->time_zone ? p->time_zone : "UTC", when, sizeof when);
        printf("Server lkipd %s (node %s) aktif; waktu server %s; waktu tempuh %lld ms\n",
               p->version, p->node, when, (long long)rtt);
        s_print_database(p->database);
        s_print_load(p->load);
    }
    wire_free(&reply);
    return EXIT_OK;
}
