/* cli — see cli.h. */
#include "cli.h"

#include "pbjson.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int cli_connect(cli_t *cli)
{
    if (cli->conn)
        return EXIT_OK;
    keypair_t keys;
    int rc = keys_load(cli->conf.key_file, &keys);
    if (rc != 0 || !keys.secret_key[0]) {
        fprintf(stderr, "lkip: [no_key] kunci \"%s\" tidak dapat dibaca: %s\n", cli->conf.key_file,
                rc == -ENOENT              ? "berkas tidak ada (buat dengan: lkip keygen)"
                : rc == -EPERM             ? "izin berkas terlalu longgar (chmod 600)"
                : rc == -EINVAL || rc == 0 ? "bukan berkas kunci rahasia lkip"
                                           : strerror(-rc));
        return EXIT_USAGE;
    }
    char server_key[KEY_Z85_LEN + 1];
    if (!cli->conf.server_key) {
        fprintf(stderr,
                "lkip: [no_server_key] kunci publik server belum diatur (server_key di %s, atau "
                "--server-key)\n",
                cli->conf.path);
        return EXIT_USAGE;
    }
    if (!cli_key_arg("no_server_key", cli->conf.server_key, server_key))
        return EXIT_USAGE;
    lkipc_opts_t o = {.endpoint = cli->conf.endpoint,
                      .server_key = server_key,
                      .keys = &keys,
                      .timeout_ms = cli->conf.timeout_ms,
                      .attempts = 1, /* with retry_window_ms 0 */
                      .retry_window_ms = cli->conf.retry_window_ms};
    cli->conn = lkipc_new(&o);
    memset(&keys, 0, sizeof keys);
    if (!cli->conn) {
        fprintf(stderr, "lkip: [bad_endpoint] alamat server \"%s\" tidak sah\n",
                cli->conf.endpoint);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

bool cli_key_arg(const char *code, const char *arg, char out[KEY_Z85_LEN + 1])
{
    int rc = keys_public_from_arg(arg, out);
    if (rc == 0)
        return true;
    if (rc == -ENOENT)
        fprintf(stderr,
                "lkip: [%s] \"%s\" bukan berkas yang ada dan bukan kunci publik (40 karakter Z85); "
                "sebutkan berkas kunci (.pub) yang ada atau kuncinya sendiri\n",
                code, arg);
    else
        fprintf(stderr, "lkip: [%s] berkas \"%s\" tidak berisi kunci publik lkip: %s\n", code, arg,
                rc == -EINVAL ? "isinya bukan berkas kunci" : strerror(-rc));
    return false;
}

bool cli_print_json(cli_t *cli, const Lkip__Envelope *reply)
{
    return cli_print_json_message(cli, &reply->reply->base);
}

bool cli_print_json_message(cli_t *cli, const ProtobufCMessage *m)
{
    if (!cli->json)
        return false;
    json_t *j = pbjson_message(m);
    char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    puts(s);
    free(s);
    json_decref(j);
    return true;
}

void cli_close(cli_t *cli)
{
    lkipc_destroy(&cli->conn);
    inflight_destroy(&cli->inflight);
    free(cli->argv);
    cli->argv = NULL;
    cli->argc = 0;
    cliconf_free(&cli->conf);
}

/* ---- changes whose outcome is unknown ------------------------------------------------------- */

/* The record of this command line's unanswered change, opened on first use; NULL when there is
 * no command line, or no key to name its user by. */
static inflight_t *s_inflight(cli_t *cli)
{
    if (cli->inflight || cli->argc == 0)
        return cli->inflight;
    keypair_t kp;
    if (keys_load(cli->conf.key_file, &kp) != 0)
        return NULL;
    cli->inflight = inflight_open(cli->conf.state_dir, kp.public_key, cli->argc, cli->argv,
                                  (int64_t)time(NULL));
    memset(&kp, 0, sizeof kp);
    return cli->inflight;
}

/* Before a change goes: the one an earlier run gave up on goes again, with its request_id. */
static void s_adopt(inflight_t *saved, Lkip__Envelope *req)
{
    if (!inflight_pending(saved))
        return;
    if (inflight_adopt(saved, req))
        fprintf(stderr, "lkip: permintaan yang belum terjawab pada percobaan sebelumnya dikirim "
                        "kembali (perubahan tidak akan tercatat dua kali)\n");
    else
        fprintf(stderr,
                "lkip: catatan: permintaan sebelumnya dari perintah ini belum terjawab dan isinya "
                "berbeda (misalnya berkasnya sudah diubah); hasilnya belum diketahui, periksa "
                "dengan lkip status atau lkip history. Permintaan ini dikirim sebagai permintaan "
                "baru.\n");
}

/* No final answer to a change: saves it and says what holds. Never "ulangi": the change may
 * have been made; running the same command again is safe because it sends the same request. */
static int s_outcome_unknown(cli_t *cli, inflight_t *saved, const Lkip__Envelope *req,
                             lkipc_rc_t crc, const Lkip__Envelope *reply)
{
    char why[256];
    int window = cli->conf.retry_window_ms ? cli->conf.retry_window_ms : cli->conf.timeout_ms;
    if (reply)
        snprintf(why, sizeof why, "server sedang tidak dapat memprosesnya [%d %s]",
                 reply->reply->status, reply->reply->code);
    else if (crc == LKIPC_TIMEOUT)
        snprintf(why, sizeof why, "server tidak menjawab dalam %d detik [timeout]",
                 (window + 999) / 1000);
    else
        snprintf(why, sizeof why, "%s [%s]", lkipc_rc_message(crc), lkipc_rc_code(crc));
    int rc = inflight_save(saved, req, (int64_t)time(NULL));
    if (rc == 0)
        fprintf(stderr,
                "lkip: [outcome_unknown] hasil permintaan ini belum diketahui: %s. Perubahan ini "
                "mungkin sudah tercatat, mungkin belum. Menjalankan perintah yang sama sekali lagi "
                "aman: dalam 24 jam permintaan yang sama dikirim kembali, tidak akan tercatat dua "
                "kali, dan Anda mendapat jawabannya.\n",
                why);
    else
        fprintf(
            stderr,
            "lkip: [outcome_unknown] hasil permintaan ini belum diketahui: %s. Catatannya tidak "
            "dapat disimpan di %s (%s), sehingga perintah yang sama akan menjadi permintaan "
            "baru: periksa dahulu dengan lkip status atau lkip history.\n",
            why, inflight_path(saved), strerror(-rc));
    return reply ? EXIT_SERVER : EXIT_UNREACHABLE;
}

/* ---- calls ---------------------------------------------------------------------------------- */

int cli_call_keep(cli_t *cli, Lkip__Envelope *req, Lkip__Envelope **reply)
{
    *reply = NULL;
    int rc = cli_connect(cli);
    if (rc != EXIT_OK)
        return rc;
    inflight_t *saved = wire_is_change(req->body_case) ? s_inflight(cli) : NULL;
    if (saved)
        s_adopt(saved, req);
    lkipc_rc_t crc = lkipc_call(cli->conn, req, reply);
    bool unknown = crc == LKIPC_TIMEOUT || crc == LKIPC_UNAVAILABLE || crc == LKIPC_ERROR ||
                   (crc == LKIPC_OK && status_retryable((*reply)->reply->status));
    if (saved && unknown)
        return s_outcome_unknown(cli, saved, req, crc, *reply);
    if (saved && crc == LKIPC_OK && (rc = inflight_settle(saved)) != 0)
        fprintf(stderr, "lkip: [io_error] catatan permintaan %s tidak dapat dihapus: %s\n",
                inflight_path(saved), strerror(-rc));
    if (crc != LKIPC_OK) {
        fprintf(stderr, "lkip: %s\n", lkipc_rc_text(crc));
        return EXIT_UNREACHABLE;
    }
    const Lkip__Reply *r = (*reply)->reply;
    if (r->status < 400)
        return EXIT_OK;
    fprintf(stderr, "lkip: %s: %s [%d %s]\n", r->status >= 500 ? "galat server" : "ditolak",
            r->message, r->status, r->code);
    return r->status >= 500 ? EXIT_SERVER : EXIT_REFUSED;
}

int cli_call(cli_t *cli, Lkip__Envelope *req, Lkip__Envelope **reply)
{
    int rc = cli_call_keep(cli, req, reply);
    if (rc != EXIT_OK && *reply) {
        if (cli->json)
            cli_print_json(cli, *reply);
        wire_free(reply);
    }
    return rc;
}

int cli_bad_reply(Lkip__Envelope **reply)
{
    wire_free(reply);
    fprintf(stderr, "lkip: [bad_reply] jawaban server tidak lengkap\n");
    return EXIT_SERVER;
}

int cli_call_for(cli_t *cli, Lkip__Envelope *req, Lkip__Reply__PayloadCase want,
                 Lkip__Envelope **reply)
{
    int rc = cli_call(cli, req, reply);
    if (rc == EXIT_OK && (*reply)->reply->payload_case != want)
        return cli_bad_reply(reply);
    return rc;
}

void cli_print_event_json(const Lkip__Event *ev)
{
    json_t *j = pbjson_message(&ev->base);
    char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
    puts(s);
    free(s);
    json_decref(j);
}

int cli_bad_option(const cli_cmd_t *cmd, int argc, char **argv)
{
    const char *name = cmd ? cmd->name : "";
    char opt[64];
    const char *arg = optind > 0 && optind <= argc ? argv[optind - 1] : "";
    if (strncmp(arg, "--", 2) == 0)
        snprintf(opt, sizeof opt, "%.*s", (int)strcspn(arg, "="), arg);
    else if (optopt)
        snprintf(opt, sizeof opt, "-%c", optopt);
    else
        snprintf(opt, sizeof opt, "%s", arg);
    const char *why = strncmp(arg, "--", 2) == 0 ? (optopt ? "memerlukan nilai" : "tidak dikenal")
                                                 : "tidak dikenal atau tidak diberi nilai";
    fprintf(stderr, "lkip: [bad_option] pilihan \"%s\" %s untuk perintah \"lkip%s%s\"\n", opt, why,
            *name ? " " : "", name);
    if (cmd)
        fprintf(stderr, "pemakaian: lkip %s %s\nbantuan: lkip %s --help\n", cmd->name, cmd->usage,
                cmd->name);
    return EXIT_USAGE;
}

int cli_usage(const cli_cmd_t *cmd, const char *fmt, ...)
{
    fputs("lkip: ", stderr);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    if (cmd)
        fprintf(stderr, "\npemakaian: lkip %s %s\n", cmd->name, cmd->usage);
    else
        fputc('\n', stderr);
    return EXIT_USAGE;
}

bool cli_read_local(const char *path, size_t max, char **data, size_t *len)
{
    int rc = read_file(path, max, data, len);
    if (rc == 0)
        return true;
    if (rc == -EFBIG)
        fprintf(stderr, "lkip: [file_too_large] berkas \"%s\" melebihi %zu bita\n", path, max);
    else
        fprintf(stderr, "lkip: [io_error] berkas \"%s\" tidak dapat dibaca: %s\n", path,
                strerror(-rc));
    return false;
}

int cli_write_local(const char *path, const uint8_t *data, size_t len, bool force)
{
    FILE *f = fopen(path, force ? "wb" : "wbx");
    if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
        fprintf(stderr, "lkip: [io_error] berkas \"%s\" tidak dapat ditulis: %s%s\n", path,
                strerror(errno), errno == EEXIST ? " (pakai --force untuk menimpa)" : "");
        if (f)
            fclose(f);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

int cli_save_checked(const char *path, const uint8_t *data, size_t len, const char *sha256,
                     bool force)
{
    char sha[65];
    sha256_hex(data, len, sha);
    if (strcmp(sha, sha256) != 0) {
        fprintf(stderr, "lkip: [hash_mismatch] SHA-256 berkas yang diterima tidak cocok\n");
        return EXIT_SERVER;
    }
    return cli_write_local(path, data, len, force);
}

bool cli_parse_int(const char *what, const char *text, long long min, long long max, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (errno || end == text || *end || v < min || v > max) {
        fprintf(stderr, "lkip: [bad_number] %s \"%s\" bukan bilangan bulat %lld..%lld\n", what,
                text, min, max);
        return false;
    }
    *out = v;
    return true;
}
