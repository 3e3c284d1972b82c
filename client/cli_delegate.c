/* cli_delegate — "lkip admin delegate add|list|remove": an official acting for another
 * (Plh./Plt.) during a period. Recording one is for administrators; anyone may list their
 * organisation's. */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const cli_cmd_t s_add_cmd = {
    "admin delegate add", NULL,
    "--from NAMA --to NAMA --mulai TTTT-BB-HH --sampai TTTT-BB-HH --sebagai \"Plh. JABATAN\" "
    "[--org KODE]",
    NULL};
static const cli_cmd_t s_list_cmd = {"admin delegate list", NULL, "[--semua] [--org KODE]", NULL};
static const cli_cmd_t s_remove_cmd = {"admin delegate remove", NULL, "NOMOR [--org KODE]", NULL};

static void s_print(const Lkip__DelegationInfo *d)
{
    const char *state = d->removed ? "dihapus" : d->active ? "berlaku" : "tidak berlaku hari ini";
    printf("%4lld  %s selaku %s menggantikan %s (%s), %s s.d. %s  [%s]\n", (long long)d->id,
           d->to_user, d->capacity, d->from_user, d->from_role, d->first_day, d->last_day, state);
}

static int s_call(cli_t *cli, Lkip__Envelope *req)
{
    Lkip__Envelope *reply;
    int rc = cli_call(cli, req, &reply);
    if (rc != EXIT_OK)
        return rc;
    if (!cli_print_json(cli, reply)) {
        const Lkip__DelegationListReply *l = reply->reply->delegations;
        if (l) {
            if (l->n_delegations == 0)
                printf("Tidak ada pelimpahan.\n");
            for (size_t i = 0; i < l->n_delegations; i++)
                s_print(l->delegations[i]);
        } else {
            printf("%s\n", reply->reply->message);
        }
    }
    wire_free(&reply);
    return EXIT_OK;
}

static int s_add(cli_t *cli, int argc, char **argv)
{
    static const struct option opts[] = {{"from", required_argument, NULL, 'f'},
                                         {"to", required_argument, NULL, 't'},
                                         {"mulai", required_argument, NULL, 'm'},
                                         {"sampai", required_argument, NULL, 's'},
                                         {"sebagai", required_argument, NULL, 'a'},
                                         {"org", required_argument, NULL, 'o'},
                                         {0}};
    Lkip__DelegateAddRequest body = LKIP__DELEGATE_ADD_REQUEST__INIT;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'f':
            body.from_user = optarg;
            break;
        case 't':
            body.to_user = optarg;
            break;
        case 'm':
            body.first_day = optarg;
            break;
        case 's':
            body.last_day = optarg;
            break;
        case 'a':
            body.capacity = optarg;
            break;
        case 'o':
            body.org_code = optarg;
            break;
        default:
            return cli_bad_option(&s_add_cmd, argc, argv);
        }
    }
    if (optind < argc)
        return cli_usage(&s_add_cmd, "argumen berlebih \"%s\"", argv[optind]);
    if (!*body.from_user || !*body.to_user || !*body.first_day || !*body.last_day ||
        !*body.capacity)
        return cli_usage(&s_add_cmd, "--from, --to, --mulai, --sampai dan --sebagai wajib diisi");
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_DELEGATE_ADD;
    req.delegate_add = &body;
    return s_call(cli, &req);
}

static int s_list(cli_t *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        {"semua", no_argument, NULL, 'a'}, {"org", required_argument, NULL, 'o'}, {0}};
    Lkip__DelegateListRequest body = LKIP__DELEGATE_LIST_REQUEST__INIT;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'a')
            body.all = true;
        else if (c == 'o')
            body.org_code = optarg;
        else
            return cli_bad_option(&s_list_cmd, argc, argv);
    }
    if (optind < argc)
        return cli_usage(&s_list_cmd, "argumen berlebih \"%s\"", argv[optind]);
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_DELEGATE_LIST;
    req.delegate_list = &body;
    return s_call(cli, &req);
}

static int s_remove(cli_t *cli, int argc, char **argv)
{
    static const struct option opts[] = {{"org", required_argument, NULL, 'o'}, {0}};
    Lkip__DelegateRemoveRequest body = LKIP__DELEGATE_REMOVE_REQUEST__INIT;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c != 'o')
            return cli_bad_option(&s_remove_cmd, argc, argv);
        body.org_code = optarg;
    }
    long long id = 0;
    if (optind + 1 != argc)
        return cli_usage(&s_remove_cmd, "sebutkan nomor pelimpahan (lihat: lkip admin delegate "
                                        "list)");
    if (!cli_parse_int("nomor pelimpahan", argv[optind], 1, INT64_MAX, &id))
        return EXIT_USAGE;
    body.id = id;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_DELEGATE_REMOVE;
    req.delegate_remove = &body;
    return s_call(cli, &req);
}

int cli_admin_delegate(cli_t *cli, int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "add") == 0)
        return s_add(cli, argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "list") == 0)
        return s_list(cli, argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "remove") == 0)
        return s_remove(cli, argc - 1, argv + 1);
    fprintf(stderr,
            "lkip: [unknown_command] perintah pelimpahan tidak dikenal\n"
            "pemakaian:\n  lkip %s %s\n  lkip %s %s\n  lkip %s %s\n"
            "contoh: lkip admin delegate add --from kadis --to sekretaris --mulai "
            "2027-01-05 --sampai 2027-01-09 --sebagai \"Plh. Kepala Dinas\"\n",
            s_add_cmd.name, s_add_cmd.usage, s_list_cmd.name, s_list_cmd.usage, s_remove_cmd.name,
            s_remove_cmd.usage);
    return EXIT_USAGE;
}
