/* cli_admin — "lkip admin ...": master data for administrators (users; organisations, units,
 * SOP definitions and the calendar join as they arrive). */
#include "cli.h"

#include "clitext.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void s_print_user(const Lkip__UserInfo *u)
{
    printf("%-24s %-20s %-12s %-6s %s%s\n", u->name, u->role, *u->unit_code ? u->unit_code : "-",
           u->org_code, u->full_name, u->disabled ? "  (nonaktif)" : "");
}

/* Reads a public key argument (a key file or Z85) into out; false with a message if bad. */
static bool s_key_arg(const char *arg, char out[KEY_Z85_LEN + 1])
{
    return cli_key_arg("bad_key", arg, out);
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
        case 'r':
            body.role = optarg;
            break;
        case 'k':
            if (!s_key_arg(optarg, key))
                return EXIT_USAGE;
            body.public_key = key;
            break;
        case 'u':
            body.unit_code = optarg;
            break;
        case 'o':
            body.org_code = optarg;
            break;
        case 'n':
            body.full_name = optarg;
            break;
        default:
            return cli_bad_option(&s_user_add_cmd, argc, argv);
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
    static const struct option opts[] = {{"role", required_argument, NULL, 'r'},
                                         {"key", required_argument, NULL, 'k'},
                                         {"unit", required_argument, NULL, 'u'},
                                         {"full-name", required_argument, NULL, 'n'},
                                         {"disable", no_argument, NULL, 'd'},
                                         {"enable", no_argument, NULL, 'e'},
                                         {0}};
    Lkip__UserSetRequest body = LKIP__USER_SET_REQUEST__INIT;
    char key[KEY_Z85_LEN + 1] = "";
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'r':
            body.role = optarg;
            break;
        case 'k':
            if (!s_key_arg(optarg, key))
                return EXIT_USAGE;
            body.public_key = key;
            break;
        case 'u':
            body.unit_code = optarg;
            break;
        case 'n':
            body.full_name = optarg;
            break;
        case 'd':
            body.set_disabled = true;
            body.disabled = true;
            break;
        case 'e':
            body.set_disabled = true;
            body.disabled = false;
            break;
        default:
            return cli_bad_option(&s_user_set_cmd, argc, argv);
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
            return cli_bad_option(&s_user_list_cmd, argc, argv);
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

/* ---- organisations, units, definitions ---------------------------------------------- */

static void s_print_org(const Lkip__OrgInfo *o)
{
    printf("%-10s %s%s\n           nomor surat: %s (kode klasifikasi %s); zona waktu %s\n", o->code,
           o->name, o->disabled ? "  (nonaktif)" : "", o->letter_template, o->letter_kka,
           o->time_zone);
}

static int s_org_reply(cli_t *cli, Lkip__Envelope *req)
{
    Lkip__Envelope *reply;
    int rc = cli_call(cli, req, &reply);
    if (rc != EXIT_OK)
        return rc;
    if (!cli_print_json(cli, reply)) {
        if (reply->reply->payload_case != LKIP__REPLY__PAYLOAD_ORGS ||
            reply->reply->orgs->n_orgs != 1)
            printf("%s\n", reply->reply->message);
        if (reply->reply->orgs)
            for (size_t i = 0; i < reply->reply->orgs->n_orgs; i++)
                s_print_org(reply->reply->orgs->orgs[i]);
    }
    wire_free(&reply);
    return EXIT_OK;
}

static const cli_cmd_t s_org_add_cmd = {
    "admin org add", NULL,
    "KODE --name NAMA [--letter-template FORMAT] [--kka KODE] [--time-zone ZONA]", NULL};
static const cli_cmd_t s_org_set_cmd = {
    "admin org set", NULL,
    "KODE [--name NAMA] [--letter-template FORMAT] [--kka KODE] [--time-zone ZONA] "
    "[--disable|--enable]",
    NULL};

static int s_org_edit(cli_t *cli, int argc, char **argv, bool add)
{
    static const struct option opts[] = {{"name", required_argument, NULL, 'n'},
                                         {"letter-template", required_argument, NULL, 't'},
                                         {"kka", required_argument, NULL, 'k'},
                                         {"time-zone", required_argument, NULL, 'z'},
                                         {"disable", no_argument, NULL, 'd'},
                                         {"enable", no_argument, NULL, 'e'},
                                         {0}};
    const cli_cmd_t *me = add ? &s_org_add_cmd : &s_org_set_cmd;
    const char *name = "", *tmpl = "", *kka = "", *zone = "";
    int disabled = -1;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'n':
            name = optarg;
            break;
        case 't':
            tmpl = optarg;
            break;
        case 'k':
            kka = optarg;
            break;
        case 'z':
            zone = optarg;
            break;
        case 'd':
            disabled = 1;
            break;
        case 'e':
            disabled = 0;
            break;
        default:
            return cli_bad_option(me, argc, argv);
        }
    }
    if (optind + 1 != argc)
        return cli_usage(me, "sebutkan tepat satu KODE organisasi");
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    if (add) {
        if (disabled >= 0)
            return cli_usage(me, "--disable/--enable hanya untuk admin org set");
        if (!*name)
            return cli_usage(me, "--name wajib diisi");
        Lkip__OrgAddRequest body = LKIP__ORG_ADD_REQUEST__INIT;
        body.code = argv[optind];
        body.name = (char *)name;
        body.letter_template = (char *)tmpl;
        body.letter_kka = (char *)kka;
        body.time_zone = (char *)zone;
        req.body_case = LKIP__ENVELOPE__BODY_ORG_ADD;
        req.org_add = &body;
        return s_org_reply(cli, &req);
    }
    Lkip__OrgSetRequest body = LKIP__ORG_SET_REQUEST__INIT;
    body.code = argv[optind];
    body.name = (char *)name;
    body.letter_template = (char *)tmpl;
    body.letter_kka = (char *)kka;
    body.time_zone = (char *)zone;
    body.set_disabled = disabled >= 0;
    body.disabled = disabled == 1;
    req.body_case = LKIP__ENVELOPE__BODY_ORG_SET;
    req.org_set = &body;
    return s_org_reply(cli, &req);
}

static int s_org_add(cli_t *cli, int argc, char **argv)
{
    return s_org_edit(cli, argc, argv, true);
}

static int s_org_set(cli_t *cli, int argc, char **argv)
{
    return s_org_edit(cli, argc, argv, false);
}

static const cli_cmd_t s_org_list_cmd = {"admin org list", NULL, "", NULL};

static int s_org_list(cli_t *cli, int argc, char **argv)
{
    if (argc > 1)
        return cli_usage(&s_org_list_cmd, "argumen berlebih \"%s\"", argv[1]);
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    Lkip__OrgListRequest body = LKIP__ORG_LIST_REQUEST__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_ORG_LIST;
    req.org_list = &body;
    return s_org_reply(cli, &req);
}

static int s_unit_reply(cli_t *cli, Lkip__Envelope *req, bool header)
{
    Lkip__Envelope *reply;
    int rc = cli_call(cli, req, &reply);
    if (rc != EXIT_OK)
        return rc;
    if (!cli_print_json(cli, reply)) {
        if (!header)
            printf("%s\n", reply->reply->message);
        else
            printf("%-6s %-12s %s\n", "ORG", "UNIT", "NAMA");
        if (reply->reply->units)
            for (size_t i = 0; i < reply->reply->units->n_units; i++) {
                const Lkip__UnitInfo *u = reply->reply->units->units[i];
                printf("%-6s %-12s %s%s\n", u->org_code, u->code, u->name,
                       u->disabled ? "  (nonaktif)" : "");
            }
    }
    wire_free(&reply);
    return EXIT_OK;
}

static const cli_cmd_t s_unit_add_cmd = {"admin unit add", NULL, "KODE --name NAMA [--org KODE]",
                                         NULL};
static const cli_cmd_t s_unit_set_cmd = {
    "admin unit set", NULL, "KODE [--name NAMA] [--org KODE] [--disable|--enable]", NULL};
static const cli_cmd_t s_unit_list_cmd = {"admin unit list", NULL, "[--org KODE]", NULL};

static int s_unit_edit(cli_t *cli, int argc, char **argv, const cli_cmd_t *me)
{
    static const struct option opts[] = {{"name", required_argument, NULL, 'n'},
                                         {"org", required_argument, NULL, 'o'},
                                         {"disable", no_argument, NULL, 'd'},
                                         {"enable", no_argument, NULL, 'e'},
                                         {0}};
    const char *name = "", *org = "";
    int disabled = -1;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'n':
            name = optarg;
            break;
        case 'o':
            org = optarg;
            break;
        case 'd':
            disabled = 1;
            break;
        case 'e':
            disabled = 0;
            break;
        default:
            return cli_bad_option(me, argc, argv);
        }
    }
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    if (me == &s_unit_list_cmd) {
        if (optind != argc || *name || disabled >= 0)
            return cli_usage(me, "hanya --org yang berlaku di sini");
        Lkip__UnitListRequest body = LKIP__UNIT_LIST_REQUEST__INIT;
        body.org_code = (char *)org;
        req.body_case = LKIP__ENVELOPE__BODY_UNIT_LIST;
        req.unit_list = &body;
        return s_unit_reply(cli, &req, true);
    }
    if (optind + 1 != argc)
        return cli_usage(me, "sebutkan tepat satu KODE unit");
    if (me == &s_unit_add_cmd) {
        if (!*name || disabled >= 0)
            return cli_usage(me, "--name wajib diisi; --disable/--enable hanya untuk set");
        Lkip__UnitAddRequest body = LKIP__UNIT_ADD_REQUEST__INIT;
        body.code = argv[optind];
        body.name = (char *)name;
        body.org_code = (char *)org;
        req.body_case = LKIP__ENVELOPE__BODY_UNIT_ADD;
        req.unit_add = &body;
        return s_unit_reply(cli, &req, false);
    }
    Lkip__UnitSetRequest body = LKIP__UNIT_SET_REQUEST__INIT;
    body.code = argv[optind];
    body.name = (char *)name;
    body.org_code = (char *)org;
    body.set_disabled = disabled >= 0;
    body.disabled = disabled == 1;
    req.body_case = LKIP__ENVELOPE__BODY_UNIT_SET;
    req.unit_set = &body;
    return s_unit_reply(cli, &req, false);
}

static int s_unit_add(cli_t *cli, int argc, char **argv)
{
    return s_unit_edit(cli, argc, argv, &s_unit_add_cmd);
}

static int s_unit_set(cli_t *cli, int argc, char **argv)
{
    return s_unit_edit(cli, argc, argv, &s_unit_set_cmd);
}

static int s_unit_list(cli_t *cli, int argc, char **argv)
{
    return s_unit_edit(cli, argc, argv, &s_unit_list_cmd);
}

static void s_print_sop(const Lkip__SopInfo *s)
{
    char when[64];
    clitext_time(s->loaded_at, NULL, when, sizeof when);
    printf("%-8s versi %-3d %-22s %2d langkah  dimuat %s\n         %s\n         SHA-256 %s\n",
           s->code, s->version, s->number, s->steps, when, s->title, s->sha256);
}

static int s_sop_reply(cli_t *cli, Lkip__Envelope *req, bool message)
{
    Lkip__Envelope *reply;
    int rc = cli_call(cli, req, &reply);
    if (rc != EXIT_OK)
        return rc;
    if (!cli_print_json(cli, reply)) {
        if (message)
            printf("%s\n", reply->reply->message);
        if (reply->reply->sops)
            for (size_t i = 0; i < reply->reply->sops->n_sops; i++)
                s_print_sop(reply->reply->sops->sops[i]);
    }
    wire_free(&reply);
    return EXIT_OK;
}

static const cli_cmd_t s_sop_load_cmd = {"admin sop load", NULL, "BERKAS.yaml", NULL};
static const cli_cmd_t s_sop_list_cmd = {"admin sop list", NULL, "", NULL};

static int s_sop_load(cli_t *cli, int argc, char **argv)
{
    if (argc != 2)
        return cli_usage(&s_sop_load_cmd, "sebutkan tepat satu berkas definisi");
    char *data;
    size_t len;
    int frc = read_file(argv[1], 1024 * 1024, &data, &len);
    if (frc != 0) {
        fprintf(stderr, "lkip: [io_error] berkas \"%s\" tidak dapat dibaca: %s\n", argv[1],
                strerror(-frc));
        return EXIT_USAGE;
    }
    Lkip__SopLoadRequest body = LKIP__SOP_LOAD_REQUEST__INIT;
    const char *slash = strrchr(argv[1], '/');
    body.file_name = (char *)(slash ? slash + 1 : argv[1]);
    body.content.data = (uint8_t *)data;
    body.content.len = len;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_SOP_LOAD;
    req.sop_load = &body;
    int rc = s_sop_reply(cli, &req, true);
    free(data);
    return rc;
}

static int s_sop_list(cli_t *cli, int argc, char **argv)
{
    if (argc > 1)
        return cli_usage(&s_sop_list_cmd, "argumen berlebih \"%s\"", argv[1]);
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    Lkip__SopListRequest body = LKIP__SOP_LIST_REQUEST__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_SOP_LIST;
    req.sop_list = &body;
    return s_sop_reply(cli, &req, false);
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
    {"org", "add", s_org_add, &s_org_add_cmd, "tambah organisasi (OPD)"},
    {"org", "set", s_org_set, &s_org_set_cmd,
     "ubah nama, format nomor surat, zona waktu atau status organisasi"},
    {"org", "list", s_org_list, &s_org_list_cmd, "daftar organisasi"},
    {"unit", "add", s_unit_add, &s_unit_add_cmd, "tambah unit (bidang / sekretariat)"},
    {"unit", "set", s_unit_set, &s_unit_set_cmd, "ubah nama atau status unit"},
    {"unit", "list", s_unit_list, &s_unit_list_cmd, "daftar unit"},
    {"sop", "load", s_sop_load, &s_sop_load_cmd,
     "muat definisi SOP (versi baru bila isinya berubah)"},
    {"sop", "list", s_sop_list, &s_sop_list_cmd, "daftar versi definisi SOP"},
};

int cli_admin(cli_t *cli, int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "calendar") == 0)
        return cli_admin_calendar(cli, argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "clock") == 0)
        return cli_admin_clock(cli, argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "delegate") == 0)
        return cli_admin_delegate(cli, argc - 1, argv + 1);
    if (argc >= 3 && strcmp(argv[1], "org") == 0 && strcmp(argv[2], "profile") == 0)
        return cli_admin_profile(cli, argc - 2, argv + 2);
    if (argc >= 3) {
        for (size_t i = 0; i < ARRAY_LEN(s_admin); i++)
            if (strcmp(argv[1], s_admin[i].group) == 0 && strcmp(argv[2], s_admin[i].verb) == 0)
                return s_admin[i].fn(cli, argc - 2, argv + 2);
    }
    fprintf(stderr, "lkip: perintah admin tidak dikenal\nperintah admin:\n");
    for (size_t i = 0; i < ARRAY_LEN(s_admin); i++)
        fprintf(stderr, "  lkip %s %s\n      %s\n", s_admin[i].cmd->name, s_admin[i].cmd->usage,
                s_admin[i].help);
    fprintf(stderr,
            "  lkip admin calendar holiday|import|hours|period|show ...\n"
            "      kalender kerja: hari libur, impor CSV/iCalendar, jam kerja, periode "
            "khusus\n"
            "  lkip admin org profile set|show ...\n"
            "      profil organisasi untuk draft LKIP (Bab I, Kata Pengantar, Bab IV, penanda "
            "tangan)\n"
            "  lkip admin delegate add|list|remove ...\n"
            "      pelimpahan kewenangan (Plh./Plt.) selama suatu periode\n"
            "  lkip admin clock set DETIK_UNIX\n      jam uji (server dengan test_clock)\n");
    return EXIT_USAGE;
}
