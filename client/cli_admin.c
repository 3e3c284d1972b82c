/* cli_admin — "lkip admin ...": master data for administrators (users; organisations, units,
 * SOP definitions and the calendar join as they arrive). */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void s_print_user(const Lkip__UserInfo *u)
{
    printf("%-24s %-20s %-12s %-6s %s%s\n", u->name, u->role,
           *u->unit_code ? u->unit_code : "-", u->org_code, u->full_name,
           u->disabled ? "  (nonaktif)" : "");
}

/* Reads a public key argument (Z85 or a key file) into out; false with a message if bad. */
static bool s_key_arg(const char *arg, char out[KEY_Z85_LEN + 1])
{
    if (keys_public_from_arg(arg, out) == 0)
        return true;
    fprintf(stderr, "lkip: [bad_key] \"%s\" bukan kunci publik (40 karakter Z85) atau berkas "
                    "kunci lkip\n",
            arg);
    return false;
}

static int s_user_reply(cli_t *cli, Lkip__Envelope *req)
{
    Lkip__Envelope *reply;
    int rc = cli_call(cli, req, &reply);
    if (rc != EXIT_OK)
        return rc;
    if (!cli_print_json(cli, reply)) {
        printf("%s\n", reply->reply->message);
        if (reply->reply->user)
            s_print_user(reply->reply->user);
    }
    wire_free(&reply);
    return EXIT_OK;
}

static const cli_cmd_t s_user_add_cmd = {
    "admin user add", NULL,
    "NAMA --role PERAN --key KUNCI [--unit KODE] [--org KODE] [--full-name NAMA]", NULL};

static int s_user_add(cli_t *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        {"role", required_argument, NULL, 'r'},      {"key", required_argument, NULL, 'k'},
        {"unit", required_argument, NULL, 'u'},      {"org", required_argument, NULL, 'o'},
        {"full-name", required_argument, NULL, 'n'}, {0}};
    Lkip__UserAddRequest body = LKIP__USER_ADD_REQUEST__INIT;
    char key[KEY_Z85_LEN + 1] = "";
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'r': body.role = optarg; break;
        case 'k':
            if (!s_key_arg(optarg, key))
                return EXIT_USAGE;
            body.public_key = key;
            break;
        case 'u': body.unit_code = optarg; break;
        case 'o': body.org_code = optarg; break;
        case 'n': body.full_name = optarg; break;
        default: return cli_usage(&s_user_add_cmd, "pilihan tidak dikenal");
        }
    }
    if (optind + 1 != argc)
        return cli_usage(&s_user_add_cmd, "sebutkan tepat satu NAMA pengguna");
    if (!*body.role || !key[0])
        return cli_usage(&s_user_add_cmd, "--role dan --key wajib diisi");
    body.name = argv[optind];
    if (!*body.full_name)
        body.full_name = body.name;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_USER_ADD;
    req.user_add = &body;
    return s_user_reply(cli, &req);
}

static const cli_cmd_t s_user_set_cmd = {
    "admin user set", NULL,
    "NAMA [--role PERAN] [--unit KODE|-] [--key KUNCI] [--full-name NAMA] "
    "[--disable|--enable]",
    NULL};

static int s_user_set(cli_t *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        {"role", required_argument, NULL, 'r'},      {"key", required_argument, NULL, 'k'},
        {"unit", required_argument, NULL, 'u'},      {"full-name", required_argument, NULL, 'n'},
        {"disable", no_argument, NULL, 'd'},         {"enable", no_argument, NULL, 'e'},
        {0}};
    Lkip__UserSetRequest body = LKIP__USER_SET_REQUEST__INIT;
    char key[KEY_Z85_LEN + 1] = "";
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'r': body.role = optarg; break;
        case 'k':
            if (!s_key_arg(optarg, key))
                return EXIT_USAGE;
            body.public_key = key;
            break;
        case 'u': body.unit_code = optarg; break;
        case 'n': body.full_name = optarg; break;
        case 'd': body.set_disabled = true; body.disabled = true; break;
        case 'e': body.set_disabled = true; body.disabled = false; break;
        default: return cli_usage(&s_user_set_cmd, "pilihan tidak dikenal");
        }
    }
    if (optind + 1 != argc)
        return cli_usage(&s_user_set_cmd, "sebutkan tepat satu NAMA pengguna");
    body.name = argv[optind];
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_USER_SET;
    req.user_set = &body;
    return s_user_reply(cli, &req);
}

static const cli_cmd_t s_user_list_cmd = {"admin user list", NULL, "[--org KODE]", NULL};

static int s_user_list(cli_t *cli, int argc, char **argv)
{
    static const struct option opts[] = {{"org", required_argument, NULL, 'o'}, {0}};
    Lkip__UserListRequest body = LKIP__USER_LIST_REQUEST__INIT;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c != 'o')
            return cli_usage(&s_user_list_cmd, "pilihan tidak dikenal");
        body.org_code = optarg;
    }
    if (optind != argc)
        return cli_usage(&s_user_list_cmd, "argumen berlebih \"%s\"", argv[optind]);
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_USER_LIST;
    req.user_list = &body;
    Lkip__Envelope *reply;
    int rc = cli_call(cli, &req, &reply);
    if (rc != EXIT_OK)
        return rc;
    if (!cli_print_json(cli, reply) && reply->reply->users) {
        printf("%-24s %-20s %-12s %-6s %s\n", "PENGGUNA", "PERAN", "UNIT", "ORG", "NAMA");
        for (size_t i = 0; i < reply->reply->users->n_users; i++)
            s_print_user(reply->reply->users->users[i]);
    }
    wire_free(&reply);
    return EXIT_OK;
}

typedef struct {
    const char *group, *verb;
    int (*fn)(cli_t *, int, char **);
    const cli_cmd_t *cmd;
    const char *help;
} admin_cmd_t;

static const admin_cmd_t s_admin[] = {
    {"user", "add", s_user_add, &s_user_add_cmd, "daftarkan pengguna dan kunci publiknya"},
    {"user", "set", s_user_set, &s_user_set_cmd, "ubah peran, unit, kunci atau status pengguna"},
    {"user", "list", s_user_list, &s_user_list_cmd, "daftar pengguna"},
};

int cli_admin(cli_t *cli, int argc, char **argv)
{
    if (argc >= 3) {
        for (size_t i = 0; i < ARRAY_LEN(s_admin); i++)
            if (strcmp(argv[1], s_admin[i].group) == 0 && strcmp(argv[2], s_admin[i].verb) == 0)
                return s_admin[i].fn(cli, argc - 2, argv + 2);
    }
    fprintf(stderr, "lkip: perintah admin tidak dikenal\nperintah admin:\n");
    for (size_t i = 0; i < ARRAY_LEN(s_admin); i++)
        fprintf(stderr, "  lkip %s %s\n      %s\n", s_admin[i].cmd->name, s_admin[i].cmd->usage,
                s_admin[i].help);
    return EXIT_USAGE;
}
