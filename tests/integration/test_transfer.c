/* test_transfer — documents in chunks through the real lkipd, PostgreSQL and CURVE sockets:
 *   - a document of several MiB goes up in staged chunks and comes back byte for byte;
 *   - an upload interrupted half-way resumes: the pieces that arrived are not sent again;
 *   - a download resumes from the .part an earlier run left, and a .part that does not match
 *     is caught by the SHA-256 and thrown away;
 *   - a client that sends 1,000 download requests and never reads holds at most the
 *     per-connection credit in lkipd: the rest are refused with 429 slow_down, lkipd's memory
 *     stays bounded, and another user's pings are answered meanwhile;
 *   - bad pieces (misaligned, oversize, a size that changes, an upload not complete or not
 *     matching its hash) are refused and change nothing. */
#include "../harness/harness.h"
#include "flowctl.h"
#include "xfer.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#define CALL_TIMEOUT_MS 10000
#define BIG             (5 * 1024 * 1024 + 12345) /* not a whole number of chunks */

enum { STAF, KASUBAG, KADIS, SEKRETARIS, CAST };
static const struct {
    const char *name, *role;
} s_roles[CAST] = {
    [STAF] = {"staf", "staf"},
    [KASUBAG] = {"kasubag", "kasubag_perencanaan"},
    [KADIS] = {"kadis", "kepala_dinas"},
    [SEKRETARIS] = {"sekretaris", "sekretaris"},
};

static harness_t *s_h;
static harness_daemon_t *s_d;
static keypair_t s_kp[CAST];
static lkipc_t *s_c[CAST];

static uint8_t *s_bytes(size_t len, unsigned seed)
{
    uint8_t *d = xmalloc(len);
    uint32_t x = seed * 2654435761u + 1;
    for (size_t i = 0; i < len; i++) {
        x = x * 1103515245u + 12345u;
        d[i] = (uint8_t)(x >> 16);
    }
    return d;
}

static Lkip__Envelope *s_call(int who, Lkip__Envelope *req)
{
    req->request_id = 0;
    return harness_call_ok(s_c[who], req);
}

/* CUTI/x started by the staf: step 1 open, a document step of the staf's. */
static void s_cuti(const char *period)
{
    Lkip__StartRequest b = LKIP__START_REQUEST__INIT;
    b.sop_code = "CUTI";
    b.period = (char *)period;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_START;
    req.start = &b;
    Lkip__Envelope *r = s_call(STAF, &req);
    harness_assert_reply(r, 201, "ok");
    wire_free(&r);
}

/* Stores a staged document as version of CUTI/ref, step 1. */
static Lkip__Envelope *s_upload_staged(const char *ref, uint64_t id, int64_t size, const char *sha)
{
    Lkip__UploadRequest b = LKIP__UPLOAD_REQUEST__INIT;
    b.instance = (char *)ref;
    b.step_no = 1;
    b.file_name = "lampiran.bin";
    b.upload_id = id;
    b.size = size;
    b.sha256 = (char *)sha;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_UPLOAD;
    req.upload = &b;
    return s_call(STAF, &req);
}

static Lkip__Envelope *s_chunk(uint64_t id, int64_t size, int64_t offset, const uint8_t *data,
                               size_t len)
{
    Lkip__UploadChunkRequest b = LKIP__UPLOAD_CHUNK_REQUEST__INIT;
    b.upload_id = id;
    b.size = size;
    b.offset = offset;
    b.data.data = (uint8_t *)data;
    b.data.len = len;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_UPLOAD_CHUNK;
    req.upload_chunk = &b;
    return s_call(STAF, &req);
}

static char *s_path(const char *name)
{
    return xasprintf("%s/%s", harness_tmpdir(s_h), name);
}

/* Reads a whole local file (for comparing a download). */
static uint8_t *s_slurp(const char *path, size_t *len)
{
    char *data = NULL;
    assert_int_equal(read_file(path, 64 * 1024 * 1024, &data, len), 0);
    return (uint8_t *)data;
}

/* ---- fixtures ----------------------------------------------------------------------------- */

static int s_teardown(void **state)
{
    memset(s_c, 0, sizeof s_c);
    s_d = NULL;
    harness_destroy(&s_h);
    return 0;
}

static int s_setup(void **state)
{
    s_h = harness_new("transfer");
    if (!s_h)
        return -1;
    for (int i = 0; i < CAST; i++)
        if (harness_user(s_h, s_roles[i].name, s_roles[i].role, NULL, &s_kp[i]) != 0)
            goto fail;
    const char *sets[] = {harness_sop_setting(s_h), NULL};
    s_d = harness_daemon_start(s_h, sets);
    if (!s_d)
        goto fail;
    for (int i = 0; i < CAST; i++)
        if (!(s_c[i] = harness_client(s_h, s_d, &s_kp[i], CALL_TIMEOUT_MS)))
            goto fail;
    return 0;
fail:
    s_teardown(state);
    return -1;
}

static void s_stop_clean(void)
{
    harness_daemon_stop_clean(s_h, s_d);
}

/* ---- tests -------------------------------------------------------------------------------- */

/* Several MiB up in chunks, stored with its hash, and back byte for byte, to another user. */
static void test_large_round_trip(void **state)
{
    s_cuti("besar");
    uint8_t *doc = s_bytes(BIG, 1);
    uint64_t id = 0;
    char sha[65];
    xfer_error_t e;
    assert_int_equal(xfer_stage(s_c[STAF], doc, BIG, &id, sha, &e), 0);
    Lkip__Envelope *r = s_upload_staged("CUTI/besar", id, BIG, sha);
    harness_assert_reply(r, 201, "ok");
    assert_string_equal(r->reply->document->info->sha256, sha);
    wire_free(&r);
    assert_int_equal(harness_sql_int(s_h, "SELECT count(*) FROM upload_chunks", NULL), 0);

    char *out = s_path("unduhan.bin");
    Lkip__DocumentInfo *info = NULL;
    if (xfer_download(s_c[KADIS], "CUTI/besar", 0, out, false, &info, &e) != 0)
        fail_msg("download: %d %s %s", e.status, e.code, e.message);
    assert_int_equal(info->size, BIG);
    assert_string_equal(info->sha256, sha);
    size_t len;
    uint8_t *back = s_slurp(out, &len);
    assert_int_equal(len, BIG);
    assert_memory_equal(back, doc, BIG);
    /* the file is there now: not replaced without force */
    lkip__document_info__free_unpacked(info, NULL);
    assert_int_equal(xfer_download(s_c[KADIS], "CUTI/besar", 0, out, false, &info, &e), -1);
    assert_string_equal(e.code, "file_exists");
    free(back);
    free(out);
    free(doc);
    s_stop_clean();
}

/* Half the pieces arrive, then the client stops; the next run asks what arrived and sends only
 * the rest (the pieces already there keep their arrival time). */
static void test_upload_resumes(void **state)
{
    s_cuti("lanjut");
    size_t size = 20 * WIRE_CHUNK + 777;
    uint8_t *doc = s_bytes(size, 2);
    char sha[65];
    sha256_hex(doc, size, sha);
    /* the id xfer_stage derives from the content: the first 8 bytes of the hash */
    uint64_t id =
        strtoull((char[17]){sha[0], sha[1], sha[2], sha[3], sha[4], sha[5], sha[6], sha[7], sha[8],
                            sha[9], sha[10], sha[11], sha[12], sha[13], sha[14], sha[15], 0},
                 NULL, 16);
    for (int i = 0; i < 10; i++) {
        Lkip__Envelope *r = s_chunk(id, (int64_t)size, (int64_t)i * WIRE_CHUNK,
                                    doc + (size_t)i * WIRE_CHUNK, WIRE_CHUNK);
        harness_assert_reply(r, 200, "ok");
        assert_int_equal(r->reply->chunk->received, (int64_t)(i + 1) * WIRE_CHUNK);
        wire_free(&r);
    }
    assert_int_equal(harness_sql_exec(s_h, "UPDATE upload_chunks SET at = '2000-01-01'", NULL), 0);
    uint64_t got = 0;
    char sha2[65];
    xfer_error_t e;
    assert_int_equal(xfer_stage(s_c[STAF], doc, size, &got, sha2, &e), 0);
    assert_true(got == id);
    assert_int_equal(
        harness_sql_int(s_h, "SELECT count(*) FROM upload_chunks WHERE at = '2000-01-01'", NULL),
        10);
    assert_int_equal(harness_sql_int(s_h, "SELECT count(*) FROM upload_chunks", NULL), 21);
    Lkip__Envelope *r = s_upload_staged("CUTI/lanjut", id, (int64_t)size, sha);
    harness_assert_reply(r, 201, "ok");
    wire_free(&r);
    char *stored = harness_sql(s_h, "SELECT encode(sha256(content), 'hex') FROM documents", NULL);
    assert_non_null(stored);
    assert_string_equal(stored, sha);
    free(stored);
    free(doc);
    s_stop_clean();
}

/* A .part of the same version left by an earlier run is continued, not fetched again: a part
 * whose bytes were damaged shows as a hash mismatch (and is thrown away), the next run starts
 * over and succeeds. */
static void test_download_resumes(void **state)
{
    s_cuti("unduh");
    size_t size = 6 * WIRE_CHUNK + 5;
    uint8_t *doc = s_bytes(size, 3);
    uint64_t id;
    char sha[65];
    xfer_error_t e;
    assert_int_equal(xfer_stage(s_c[STAF], doc, size, &id, sha, &e), 0);
    Lkip__Envelope *r = s_upload_staged("CUTI/unduh", id, (int64_t)size, sha);
    harness_assert_reply(r, 201, "ok");
    wire_free(&r);
    char *out = s_path("dok.bin"), *part = s_path("dok.bin.part"),
         *meta = s_path("dok.bin.part.lkip");
    /* an earlier run held three chunks, the second damaged */
    uint8_t *held = xmalloc(3 * WIRE_CHUNK);
    memcpy(held, doc, 3 * WIRE_CHUNK);
    held[WIRE_CHUNK + 10] ^= 0xff;
    FILE *f = fopen(part, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(held, 1, 3 * WIRE_CHUNK, f), 3 * WIRE_CHUNK);
    fclose(f);
    f = fopen(meta, "w");
    fprintf(f, "1 %s\n", sha);
    fclose(f);
    Lkip__DocumentInfo *info = NULL;
    assert_int_equal(xfer_download(s_c[KASUBAG], "CUTI/unduh", 0, out, false, &info, &e), -1);
    assert_string_equal(e.code, "hash_mismatch");
    assert_int_not_equal(access(part, F_OK), 0); /* thrown away */
    if (info)
        lkip__document_info__free_unpacked(info, NULL);
    assert_int_equal(xfer_download(s_c[KASUBAG], "CUTI/unduh", 0, out, false, &info, &e), 0);
    size_t len;
    uint8_t *back = s_slurp(out, &len);
    assert_int_equal(len, size);
    assert_memory_equal(back, doc, size);
    assert_int_not_equal(access(meta, F_OK), 0);
    lkip__document_info__free_unpacked(info, NULL);
    free(back);
    free(held);
    free(out);
    free(part);
    free(meta);
    free(doc);
    s_stop_clean();
}

static long s_rss_kb(pid_t pid)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    long kb = -1;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "VmRSS: %ld", &kb) == 1)
            break;
    if (f)
        fclose(f);
    return kb;
}

/* 1,000 download requests of a 5 MiB document, never read: lkipd answers at most the
 * connection's credit with data and refuses the rest, so its memory does not grow with them;
 * another user's pings are answered meanwhile. */
static void test_download_backlog_bounded(void **state)
{
    s_cuti("serbu");
    uint8_t *doc = s_bytes(BIG, 4);
    uint64_t id;
    char sha[65];
    xfer_error_t e;
    assert_int_equal(xfer_stage(s_c[STAF], doc, BIG, &id, sha, &e), 0);
    Lkip__Envelope *r = s_upload_staged("CUTI/serbu", id, BIG, sha);
    harness_assert_reply(r, 201, "ok");
    wire_free(&r);
    free(doc);
    pid_t pid = harness_daemon_pid(s_d);
    long before = s_rss_kb(pid);

    /* the attacker: its own connection, requests only */
    lkipc_t *a = harness_client(s_h, s_d, &s_kp[SEKRETARIS], CALL_TIMEOUT_MS);
    Lkip__DownloadRequest b = LKIP__DOWNLOAD_REQUEST__INIT;
    b.instance = "CUTI/serbu";
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_DOWNLOAD;
    req.download = &b;
    for (int i = 0; i < 1000; i++) {
        b.offset = (int64_t)(i % 80) * WIRE_CHUNK;
        req.request_id = 0;
        assert_int_equal(lkipc_post(a, &req), 0);
    }
    /* meanwhile another user is served promptly (median of 20 pings) */
    long ms[20];
    for (int i = 0; i < 20; i++) {
        Lkip__PingRequest p = LKIP__PING_REQUEST__INIT;
        Lkip__Envelope ping = LKIP__ENVELOPE__INIT;
        ping.body_case = LKIP__ENVELOPE__BODY_PING;
        ping.ping = &p;
        int64_t t0 = monotonic_ms();
        Lkip__Envelope *pong = s_call(KASUBAG, &ping);
        ms[i] = (long)(monotonic_ms() - t0);
        harness_assert_reply(pong, 200, "ok");
        wire_free(&pong);
    }
    for (int i = 0; i < 20; i++) /* sort for the median */
        for (int k = i + 1; k < 20; k++)
            if (ms[k] < ms[i]) {
                long t = ms[i];
                ms[i] = ms[k];
                ms[k] = t;
            }
    print_message("another user's ping during the flood: median %ld ms, max %ld ms\n", ms[10],
                  ms[19]);
    assert_true(ms[10] < 100);
    long during = s_rss_kb(pid);
    print_message("lkipd RSS %ld KiB before, %ld KiB with 1,000 unread download requests\n", before,
                  during);
    /* the credit is 1 MiB per connection; a generous bound still far below 1,000 chunks */
    assert_true(during - before < 32 * 1024);

    /* now read: 16 replies (1 MiB) carry data, the others are refusals */
    int with_data = 0, slow = 0;
    for (int got = 0; got < 1000;) {
        Lkip__Envelope *env = NULL;
        int rc = lkipc_next_reply(a, monotonic_ms() + CALL_TIMEOUT_MS, &env);
        assert_int_equal(rc, 1);
        got++;
        if (env->reply->status == 200 && env->reply->document &&
            env->reply->document->content.len > 0)
            with_data++;
        else if (env->reply->status == LKIP__STATUS__SLOW_DOWN)
            slow++;
        wire_free(&env);
    }
    print_message("1,000 requests: %d answered with data, %d slow_down\n", with_data, slow);
    assert_int_equal(with_data, FLOWCTL_PEER_MAX / WIRE_CHUNK);
    assert_int_equal(slow, 1000 - with_data);
    s_stop_clean();
}

/* Pieces that do not fit: refused with their reason, and nothing is staged or stored. */
static void test_bad_pieces(void **state)
{
    s_cuti("salah");
    uint8_t *doc = s_bytes(3 * WIRE_CHUNK, 5);
    struct {
        int64_t size, offset;
        size_t len;
        int status;
        const char *code;
    } cases[] = {
        {3 * WIRE_CHUNK, 100, WIRE_CHUNK, 400, "bad_chunk"},                /* misaligned */
        {3 * WIRE_CHUNK, 0, 100, 400, "bad_chunk"},                         /* short, not last */
        {3 * WIRE_CHUNK, 2 * WIRE_CHUNK, WIRE_CHUNK + 1, 413, "bad_chunk"}, /* over a chunk */
        {0, 0, 10, 400, "bad_chunk"},                                       /* no size */
        {WIRE_MAX_DOCUMENT + 1LL, 0, WIRE_CHUNK, 400, "bad_chunk"},         /* too large */
        {WIRE_CHUNK, WIRE_CHUNK, 10, 400, "bad_chunk"},                     /* past the end */
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        Lkip__Envelope *r = s_chunk(7, cases[i].size, cases[i].offset, doc, cases[i].len);
        harness_assert_reply(r, cases[i].status, cases[i].code);
        wire_free(&r);
    }
    assert_int_equal(harness_sql_int(s_h, "SELECT count(*) FROM upload_chunks", NULL), 0);
    /* a size that changes half-way */
    Lkip__Envelope *r = s_chunk(8, 3 * WIRE_CHUNK, 0, doc, WIRE_CHUNK);
    harness_assert_reply(r, 200, "ok");
    wire_free(&r);
    r = s_chunk(8, 4 * WIRE_CHUNK, WIRE_CHUNK, doc, WIRE_CHUNK);
    harness_assert_reply(r, 409, "upload_size_changed");
    wire_free(&r);
    /* an upload that is not complete, or whose hash differs, stores nothing */
    char sha[65];
    sha256_hex(doc, 3 * WIRE_CHUNK, sha);
    r = s_upload_staged("CUTI/salah", 8, 3 * WIRE_CHUNK, sha);
    harness_assert_reply(r, 409, "upload_incomplete");
    wire_free(&r);
    for (int i = 1; i < 3; i++) {
        r = s_chunk(8, 3 * WIRE_CHUNK, (int64_t)i * WIRE_CHUNK, doc + (size_t)i * WIRE_CHUNK,
                    WIRE_CHUNK);
        harness_assert_reply(r, 200, "ok");
        wire_free(&r);
    }
    r = s_upload_staged("CUTI/salah", 8, 3 * WIRE_CHUNK,
                        "0000000000000000000000000000000000000000000000000000000000000000");
    harness_assert_reply(r, 422, "upload_mismatch");
    wire_free(&r);
    assert_int_equal(harness_sql_int(s_h, "SELECT count(*) FROM documents", NULL), 0);
    assert_int_equal(harness_sql_int(s_h, "SELECT count(*) FROM upload_chunks", NULL), 3);
    /* an inline document over one chunk is told to go in chunks */
    Lkip__UploadRequest b = LKIP__UPLOAD_REQUEST__INIT;
    b.instance = "CUTI/salah";
    b.step_no = 1;
    b.file_name = "besar.bin";
    b.content.data = doc;
    b.content.len = WIRE_CHUNK + 1;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_UPLOAD;
    req.upload = &b;
    r = s_call(STAF, &req);
    harness_assert_reply(r, 413, "chunk_required");
    wire_free(&r);
    /* and the right hash stores it */
    r = s_upload_staged("CUTI/salah", 8, 3 * WIRE_CHUNK, sha);
    harness_assert_reply(r, 201, "ok");
    wire_free(&r);
    free(doc);
    s_stop_clean();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_large_round_trip, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_upload_resumes, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_download_resumes, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_download_backlog_bounded, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_bad_pieces, s_setup, s_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
