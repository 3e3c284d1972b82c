/* cli_calendar — "lkip calendar ..." (due times, the calendar as it is) for everyone, and
 * "lkip admin calendar ..." / "lkip admin clock set" for administrators. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void s_print_calendar(const Lkip__CalendarReply *c)
{
    printf("Kalender kerja %s (zona waktu %s)\n  Jam kerja: %s\n", c->org_code, c->time_zone,
           c->week);
    for (size_t i = 0; i < c->n_periods; i++)
        printf("  Periode khusus \"%s\" %s s.d. %s: %s\n", c->periods[i]->name,
               c->periods[i]->first, c->periods[i]->last, c->periods[i]->week);
    printf("  Hari libur (%zu):\n", c->n_holidays);
    if (c->year_without_holidays)
        printf("    Peringatan: hari libur tahun ini belum dimuat; tenggat di tahun ini belum "
               "memperhitungkan hari libur dan cuti bersama (impor dengan lkip admin calendar "
               "import) [holidays_missing]\n");
    for (size_t i = 0; i < c->n_holidays; i++)
        printf("    %s  %-15s %s\n", c->holidays[i]->date, c->holidays[i]->kind,
               c->holidays[i]->name);
}

/* Sends a calendar request and prints the reply (message first unless quiet). */
static int s_calendar_call(cli_t *cli, Lkip__Envelope *req, bool message)
{
    Lkip__Envelope *reply;
    int rc = cli_call(cli, req, &reply);
    if (rc != EXIT_OK)
        return rc;
    if (!cli_print_json(cli, reply)) {
        if (message)
            printf("%s\n", reply->reply->message);
        else if (reply->reply->calendar)
            s_print_calendar(reply->reply->calendar);
    }
    wire_free(&reply);
    return EXIT_OK;
}

static int s_due(cli_t *cli, int argc, char **argv)
{
    static const cli_cmd_t me = {"calendar due", NULL,
                                 "--duration \"7 hari\" [--from \"TTTT-BB-HH JJ:MM\"] "
                                 "[--wall-clock] [--org KODE]",
                                 NULL};
    static const struct option opts[] = {{"from", required_argument, NULL, 'f'},
                                         {"duration", required_argument, NULL, 'd'},
                                         {"wall-clock", no_argument, NULL, 'w'},
                                         {"org", required_argument, NULL, 'o'},
                                         {0}};
    Lkip__CalendarDueRequest body = LKIP__CALENDAR_DUE_REQUEST__INIT;
    int c;
    while ((c = getopt_long(argc, argv, "f:d:wo:", opts, NULL)) != -1) {
        switch (c) {
        case 'f':
            body.from = optarg;
            break;
        case 'd':
            body.duration = optarg;
            break;
        case 'w':
            body.wall_clock = true;
            break;
        case 'o':
            body.org_code = optarg;
            break;
        default:
            return cli_bad_option(&me, argc, argv);
        }
    }
    if (optind != argc || !*body.duration)
        return cli_usage(&me, "--duration wajib diisi");
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_CALENDAR_DUE;
    req.calendar_due = &body;
    Lkip__Envelope *reply;
    int rc = cli_call_for(cli, &req, LKIP__REPLY__PAYLOAD_DUE, &reply);
    if (rc != EXIT_OK)
        return rc;
    const Lkip__CalendarDueReply *d = reply->reply->due;
    if (!cli_print_json(cli, reply)) {
        char span[48];
        int64_t m = d->working_minutes;
        snprintf(span, sizeof span, "%lld jam %lld menit", (long long)(m / 60),
                 (long long)(m % 60));
        printf("Mulai   : %s %s\nTenggat : %s %s\nWaktu kerja di antaranya: %s%s\n", d->from,
               d->time_zone, d->due, d->time_zone, span,
               body.wall_clock ? " (dihitung dengan waktu kalender)" : "");
        if (*d->warning)
            printf("Peringatan: %s [holidays_missing]\n", d->warning);
    }
    wire_free(&reply);
    return EXIT_OK;
}

static int s_show(cli_t *cli, int argc, char **argv)
{
    static const cli_cmd_t me = {"calendar show", NULL, "[--year TAHUN] [--org KODE]", NULL};
    static const struct option opts[] = {
        {"year", required_argument, NULL, 'y'}, {"org", required_argument, NULL, 'o'}, {0}};
    Lkip__CalendarShowRequest body = LKIP__CALENDAR_SHOW_REQUEST__INIT;
    long long year = 0;
    int c;
    while ((c = getopt_long(argc, argv, "y:o:", opts, NULL)) != -1) {
        if (c == 'y' && cli_parse_int("--year", optarg, 1, 9999, &year))
            continue;
        if (c == 'o') {
            body.org_code = optarg;
            continue;
        }
        return c == 'y' ? EXIT_USAGE : cli_bad_option(&me, argc, argv);
    }
    if (optind != argc)
        return cli_usage(&me, "argumen berlebih \"%s\"", argv[optind]);
    body.year = (int32_t)year;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_CALENDAR_SHOW;
    req.calendar_show = &body;
    return s_calendar_call(cli, &req, false);
}

int cli_calendar(cli_t *cli, int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "due") == 0)
        return s_due(cli, argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "show") == 0)
        return s_show(cli, argc - 1, argv + 1);
    return cli_usage(NULL, "pemakaian: lkip calendar due --duration \"7 hari\" [--from "
                           "\"2026-03-17 14:00\"]\n       lkip calendar show [--year TAHUN]");
}

/* ---- administrators ------------------------------------------------------------------------ */

static int s_holiday(cli_t *cli, int argc, char **argv)
{
    static const cli_cmd_t me = {"admin calendar holiday", NULL,
                                 "add TANGGAL NAMA [--kind JENIS] [--org KODE] | remove TANGGAL",
                                 NULL};
    static const struct option opts[] = {
        {"kind", required_argument, NULL, 'k'}, {"org", required_argument, NULL, 'o'}, {0}};
    Lkip__HolidayRequest body = LKIP__HOLIDAY_REQUEST__INIT;
    int c;
    while ((c = getopt_long(argc, argv, "k:o:", opts, NULL)) != -1) {
        if (c == 'k')
            body.kind = optarg;
        else if (c == 'o')
            body.org_code = optarg;
        else
            return cli_bad_option(&me, argc, argv);
    }
    int n = argc - optind;
    if (n == 3 && strcmp(argv[optind], "add") == 0) {
        body.date = argv[optind + 1];
        body.name = argv[optind + 2];
    } else if (n == 2 && strcmp(argv[optind], "remove") == 0) {
        body.remove = true;
        body.date = argv[optind + 1];
    } else {
        return cli_usage(&me, "perintah hari libur tidak lengkap");
    }
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_HOLIDAY;
    req.holiday = &body;
    return s_calendar_call(cli, &req, true);
}

static int s_import(cli_t *cli, int argc, char **argv)
{
    static const cli_cmd_t me = {"admin calendar import", NULL,
                                 "BERKAS.csv|BERKAS.ics [--kind JENIS] [--org KODE]", NULL};
    static const struct option opts[] = {
        {"kind", required_argument, NULL, 'k'}, {"org", required_argument, NULL, 'o'}, {0}};
    Lkip__CalendarImportRequest body = LKIP__CALENDAR_IMPORT_REQUEST__INIT;
    int c;
    while ((c = getopt_long(argc, argv, "k:o:", opts, NULL)) != -1) {
        if (c == 'k')
            body.kind = optarg;
        else if (c == 'o')
            body.org_code = optarg;
        else
            return cli_bad_option(&me, argc, argv);
    }
    if (optind + 1 != argc)
        return cli_usage(&me, "sebutkan tepat satu berkas");
    char *data;
    size_t len;
    int rc = read_file(argv[optind], 1024 * 1024, &data, &len);
    if (rc != 0) {
        fprintf(stderr, "lkip: [io_error] berkas \"%s\" tidak dapat dibaca: %s\n", argv[optind],
                strerror(-rc));
        return EXIT_USAGE;
    }
    const char *slash = strrchr(argv[optind], '/');
    body.file_name = (char *)(slash ? slash + 1 : argv[optind]);
    body.content.data = (uint8_t *)data;
    body.content.len = len;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_CALENDAR_IMPORT;
    req.calendar_import = &body;
    rc = s_calendar_call(cli, &req, true);
    free(data);
    return rc;
}

static int s_hours(cli_t *cli, int argc, char **argv)
{
    static const cli_cmd_t me = {"admin calendar hours", NULL,
                                 "\"senin-kamis=07:30-12:00,13:00-16:00;jumat=...\" [--org KODE]",
                                 NULL};
    static const struct option opts[] = {{"org", required_argument, NULL, 'o'}, {0}};
    Lkip__HoursSetRequest body = LKIP__HOURS_SET_REQUEST__INIT;
    int c;
    while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        if (c != 'o')
            return cli_bad_option(&me, argc, argv);
        body.org_code = optarg;
    }
    if (optind + 1 != argc)
        return cli_usage(&me, "sebutkan jam kerja sepekan");
    body.week = argv[optind];
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_HOURS_SET;
    req.hours_set = &body;
    return s_calendar_call(cli, &req, true);
}

static int s_period(cli_t *cli, int argc, char **argv)
{
    static const cli_cmd_t me = {"admin calendar period", NULL,
                                 "add NAMA AWAL AKHIR \"JAM SEPEKAN\" [--org KODE] | remove NAMA",
                                 NULL};
    static const struct option opts[] = {{"org", required_argument, NULL, 'o'}, {0}};
    Lkip__PeriodRequest body = LKIP__PERIOD_REQUEST__INIT;
    int c;
    while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        if (c != 'o')
            return cli_bad_option(&me, argc, argv);
        body.org_code = optarg;
    }
    int n = argc - optind;
    if (n == 5 && strcmp(argv[optind], "add") == 0) {
        body.name = argv[optind + 1];
        body.first = argv[optind + 2];
        body.last = argv[optind + 3];
        body.week = argv[optind + 4];
    } else if (n == 2 && strcmp(argv[optind], "remove") == 0) {
        body.remove = true;
        body.name = argv[optind + 1];
    } else {
        return cli_usage(&me, "perintah periode tidak lengkap");
    }
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_PERIOD;
    req.period = &body;
    return s_calendar_call(cli, &req, true);
}

int cli_admin_calendar(cli_t *cli, int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*fn)(cli_t *, int, char **);
    } subs[] = {{"holiday", s_holiday},
                {"import", s_import},
                {"hours", s_hours},
                {"period", s_period},
                {"show", s_show}};
    for (size_t i = 0; argc >= 2 && i < ARRAY_LEN(subs); i++)
        if (strcmp(argv[1], subs[i].name) == 0)
            return subs[i].fn(cli, argc - 1, argv + 1);
    return cli_usage(NULL, "pemakaian: lkip admin calendar holiday|import|hours|period|show ...");
}

int cli_admin_clock(cli_t *cli, int argc, char **argv)
{
    long long t = 0;
    if (argc != 3 || strcmp(argv[1], "set") != 0)
        return cli_usage(NULL, "pemakaian: lkip admin clock set DETIK_UNIX (jam uji saja)");
    if (!cli_parse_int("waktu", argv[2], 1, 253402300799LL, &t))
        return EXIT_USAGE;
    Lkip__ClockSetRequest body = LKIP__CLOCK_SET_REQUEST__INIT;
    body.now = t;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_CLOCK_SET;
    req.clock_set = &body;
    return s_calendar_call(cli, &req, true);
}
