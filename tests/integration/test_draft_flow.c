/* test_draft_flow — the LKIP draft in the product, through the real lkipd, PostgreSQL and CURVE
 * sockets:
 *   - the organisation's profile set by the administrator (bad text refused, nothing changed);
 *   - completing step 5 without an upload writes the draft (DOCX and PDF, two document
 *     versions of kind "draft") in the step's transaction; the staf's task names it; `draft`
 *     fetches it and both files come down byte for byte; read back (libxml2, pdftotext) they
 *     hold every indicator with the capaian the analysis computed, the profile and the
 *     signatory;
 *   - the wrong roles refused with the state unchanged; a draft written again at step 6 is a new
 *     version (the old ones kept), after a return too (the next round), and never counts as the
 *     step's own document nor wins the archive over an upload;
 *   - lkipd killed (SIGKILL) while it renders the draft of a step completion: nothing of that
 *     transaction stays, the same request sent again makes it once; killed after the answer:
 *     the acknowledged draft is there, the same bytes.
 *   - the database refusing to store the draft: the step completion and `draft --regenerate`
 *     answered 500, nothing stored, the step still open.
 * Every test gets a fresh database and daemon. */
#include "../harness/harness.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "../fixture/docread.h"
#include "../unit/samples.h"
#include "idfmt.h"
#include "xfer.h"

#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CALL_TIMEOUT_MS 20000 /* per attempt: a sanitizer build renders slowly */
#define EVENT_WAIT_MS   10000
#define BAB3            "BAB III AKUNTABILITAS KINERJA"
#define REF             "LKIP/2026"

enum {
    DONE = LKIP__STEP_ACTION__DONE,
    APPROVE = LKIP__STEP_ACTION__APPROVE,
    RETURN = LKIP__STEP_ACTION__RETURN
};

typedef enum {
    ADMIN,
    KADIS,
    SEKRETARIS,
    KASUBAG,
    STAF,
    OP_SEKRETARIAT,
    OP_IKP,
    OP_APTIKA,
    OP_PERSANDIAN,
    OP_STATISTIK,
    CAST
} who_t;

static const struct {
    const char *name, *role, *unit;
} s_roles[CAST] = {
    [ADMIN] = {"admin", "admin", NULL},
    [KADIS] = {"kadis", "kepala_dinas", NULL},
    [SEKRETARIS] = {"sekretaris", "sekretaris", NULL},
    [KASUBAG] = {"kasubag", "kasubag_perencanaan", NULL},
    [STAF] = {"staf", "staf", NULL},
    [OP_SEKRETARIAT] = {"op.sekretariat", "operator_unit", "SEKRETARIAT"},
    [OP_IKP] = {"op.ikp", "operator_unit", "IKP"},
    [OP_APTIKA] = {"op.aptika", "operator_unit", "APTIKA"},
    [OP_PERSANDIAN] = {"op.persandian", "operator_unit", "PERSANDIAN"},
    [OP_STATISTIK] = {"op.statistik", "operator_unit", "STATISTIK"},
};

static harness_t *s_h;
static harness_daemon_t *s_d;
static keypair_t s_keys[CAST];
static lkipc_t *s_c[CAST];
static char s_action[200];
static Lkip__Envelope *s_last;

/* The units' data of the sample (data/contoh-data-kinerja-2026.csv) with their codes; IKP with
 * its explanations. STATISTIK sends nothing. */
static const struct {
    who_t who;
    const char *csv;
} s_data[] = {
    {OP_SEKRETARIAT,
     "kode;sasaran;indikator;satuan;arah;target;realisasi;pagu;realisasi_anggaran\n"
     "SEK-01;Meningkatnya akuntabilitas kinerja perangkat daerah;Nilai SAKIP Perangkat Daerah;"
     "nilai;naik;70;68,5;450.000.000;431.250.000\n"
     "SEK-02;Meningkatnya akuntabilitas kinerja perangkat daerah;Persentase serapan anggaran;%;"
     "naik;95;92,3;;\n"},
    {OP_IKP,
     "kode;sasaran;indikator;satuan;arah;target;realisasi;pagu;realisasi_anggaran;penjelasan;"
     "faktor_pendukung;faktor_penghambat;upaya\n"
     "IKP-01;Meningkatnya keterbukaan informasi publik;Indeks Keterbukaan Informasi Publik;"
     "indeks;naik;80;84,2;1.200.000.000;1.134.500.000;Portal PPID diperbarui;Dukungan pimpinan;"
     "Jaringan kelurahan belum merata;Pelatihan admin PPID kelurahan\n"
     "IKP-02;Meningkatnya keterbukaan informasi publik;Persentase informasi publik yang "
     "dipublikasikan;%;naik;100;96;;;;;;\n"},
    {OP_APTIKA,
     "kode;sasaran;indikator;satuan;arah;target;realisasi;pagu;realisasi_anggaran\n"
     "APT-01;Meningkatnya kualitas penyelenggaraan SPBE;Indeks SPBE Kota Gorontalo;indeks;naik;"
     "2,6;2,85;2.750.000.000;2.612.000.000\n"
     "APT-02;Meningkatnya kualitas penyelenggaraan SPBE;Persentase OPD terhubung jaringan "
     "intranet;%;naik;90;93;;\n"
     "APT-03;Meningkatnya kualitas penyelenggaraan SPBE;Jumlah gangguan layanan jaringan;"
     "kejadian;turun;12;9;;\n"},
    {OP_PERSANDIAN,
     "kode;sasaran;indikator;satuan;arah;target;realisasi;pagu;realisasi_anggaran\n"
     "SAN-01;Meningkatnya keamanan informasi pemerintah daerah;Persentase OPD yang menerapkan "
     "sertifikat elektronik;%;naik;75;81;600.000.000;579.300.000\n"
     "SAN-02;Meningkatnya keamanan informasi pemerintah daerah;Jumlah insiden keamanan "
     "informasi;kejadian;turun;5;7;;\n"},
};

static const char s_profile[] = "# A. Latar Belakang\n\n"
                                "Profil uji {organisasi}: **pelayanan informasi** bagi warga "
                                "Kota Gorontalo.\n\n"
                                "- aspek strategis pertama;\n- aspek strategis kedua.\n";
#define KEPALA   "Dr. Uji Kepala Dinas, M.Si."
#define NIP      "19800202 200501 1 002"
#define NIP_LINE "NIP 19800202 200501 1 002"

/* ---- fixtures ------------------------------------------------------------------------------ */

static int s_teardown(void **state)
{
    wire_free(&s_last);
    memset(s_c, 0, sizeof s_c);
    s_d = NULL;
    harness_destroy(&s_h);
    return 0;
}

static int s_setup(void **state)
{
    s_h = harness_new("draft");
    if (!s_h)
        return -1;
    for (int i = 0; i < CAST; i++)
        if (harness_user(s_h, s_roles[i].name, s_roles[i].role, s_roles[i].unit, &s_keys[i]) != 0)
            goto fail;
    const char *sets[] = {harness_sop_setting(s_h), NULL};
    if (!(s_d = harness_daemon_start(s_h, sets)))
        goto fail;
    for (int i = 0; i < CAST; i++)
        if (!(s_c[i] = harness_client(s_h, s_d, &s_keys[i], CALL_TIMEOUT_MS)))
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

/* ---- requests -------------------------------------------------------------------------------- */

static const Lkip__Reply *s_call(who_t who, Lkip__Envelope *req, int status, const char *code)
{
    wire_free(&s_last);
    s_last = harness_call_ok(s_c[who], req);
    const Lkip__Reply *r = s_last->body_case == LKIP__ENVELOPE__BODY_REPLY ? s_last->reply : NULL;
    if (!r || (int)r->status != status || (code && strcmp(r->code, code) != 0)) {
        harness_dump_all_logs();
        fail_msg("%s (by %s): expected %d %s, got %d %s (\"%s\")", s_action, s_roles[who].name,
                 status, code ? code : "*", r ? (int)r->status : -1, r ? r->code : "-",
                 r ? r->message : "no reply");
    }
    return r;
}

static void s_step(who_t who, int step, int action, int status, const char *code)
{
    snprintf(s_action, sizeof s_action, "action %d at step %d", action, step);
    Lkip__StepRequest body = LKIP__STEP_REQUEST__INIT;
    body.instance = REF;
    body.step_no = step;
    body.action = (Lkip__StepAction)action;
    body.note = action == LKIP__STEP_ACTION__RETURN ? "Bab III belum lengkap" : "";
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_STEP;
    req.step = &body;
    s_call(who, &req, status, code);
}

static void s_upload(who_t who, int step, const char *text)
{
    snprintf(s_action, sizeof s_action, "upload at step %d", step);
    Lkip__UploadRequest body = LKIP__UPLOAD_REQUEST__INIT;
    body.instance = REF;
    body.step_no = step;
    body.file_name = "lkip-2026.docx";
    body.content.data = (uint8_t *)text;
    body.content.len = strlen(text);
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_UPLOAD;
    req.upload = &body;
    s_call(who, &req, LKIP__STATUS__CREATED, "ok");
}

/* The draft request; the reply's draft (owned by s_last) when accepted, else NULL. */
static const Lkip__DraftReply *s_draft(who_t who, bool regenerate, int status, const char *code)
{
    snprintf(s_action, sizeof s_action, "draft%s", regenerate ? " --regenerate" : "");
    Lkip__DraftRequest body = LKIP__DRAFT_REQUEST__INIT;
    body.instance = REF;
    body.regenerate = regenerate;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_DRAFT;
    req.draft = &body;
    const Lkip__Reply *r = s_call(who, &req, status, code);
    if (status >= 300)
        return NULL;
    assert_int_equal(r->payload_case, LKIP__REPLY__PAYLOAD_DRAFT);
    const Lkip__DraftReply *d = r->draft;
    assert_non_null(d->docx);
    assert_non_null(d->pdf);
    assert_string_equal(d->instance, REF);
    assert_string_equal(d->docx->kind, "draft");
    assert_string_equal(d->pdf->kind, "draft");
    assert_string_equal(d->docx->file_name, "draft-LKIP-2026.docx");
    assert_string_equal(d->pdf->file_name, "draft-LKIP-2026.pdf");
    assert_int_equal(d->pdf->version, d->docx->version + 1);
    assert_true(d->pages > 0 && d->pages == d->pdf->pages);
    return d;
}

/* Downloads version of the instance through the client library's chunked transfer; the bytes
 * must match the SHA-256 the daemon stored. Caller frees. */
static uint8_t *s_fetch(who_t who, int version, const char *sha, size_t *len)
{
    char *path = xasprintf("%s/doc-%d", harness_tmpdir(s_h), version);
    Lkip__DocumentInfo *info = NULL;
    xfer_error_t xe;
    if (xfer_download(s_c[who], REF, version, path, true, &info, &xe) != 0)
        fail_msg("download of version %d: %d %s %s", version, xe.status, xe.code, xe.message);
    assert_string_equal(info->sha256, sha);
    lkip__document_info__free_unpacked(info, NULL);
    char *data = NULL;
    assert_int_equal(read_file(path, 64 * 1024 * 1024, &data, len), 0);
    char hex[65];
    sha256_hex(data, *len, hex);
    assert_string_equal(hex, sha);
    unlink(path);
    free(path);
    return (uint8_t *)data;
}

static long long s_sql_int(const char *sql)
{
    return harness_sql_int(s_h, sql, NULL);
}

/* The instance's documents as "version:kind:step:round" in order, for comparisons. Caller
 * frees. */
static char *s_documents(void)
{
    return harness_sql(s_h,
                       "SELECT coalesce(string_agg(version || ':' || kind || ':' || step_no || ':'"
                       " || round, ' ' ORDER BY version), '') FROM documents",
                       NULL);
}

static void s_set_profile(void)
{
    snprintf(s_action, sizeof s_action, "org profile set");
    Lkip__OrgProfileSetRequest body = LKIP__ORG_PROFILE_SET_REQUEST__INIT;
    body.profil_md.data = (uint8_t *)s_profile;
    body.profil_md.len = sizeof s_profile - 1;
    body.kepala_nama = KEPALA;
    body.kepala_nip = NIP;
    body.kota = "Gorontalo";
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_ORG_PROFILE_SET;
    req.org_profile_set = &body;
    const Lkip__Reply *r = s_call(ADMIN, &req, LKIP__STATUS__OK, "ok");
    assert_int_equal(r->payload_case, LKIP__REPLY__PAYLOAD_ORG_PROFILE);
    assert_int_equal(r->org_profile->version, 1);
}

/* PK imported, LKIP/2026 started, formats made and sent, every unit but STATISTIK submitted,
 * the collection closed by the staf: step 5 open. */
static void s_to_step_5(void)
{
    snprintf(s_action, sizeof s_action, "pk import");
    Lkip__PkImportRequest pk = LKIP__PK_IMPORT_REQUEST__INIT;
    pk.year = 2026;
    pk.file_name = "contoh-pk-renstra-2025-2029.csv";
    pk.content.data = (uint8_t *)ts_pk_csv;
    pk.content.len = sizeof ts_pk_csv - 1;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_PK_IMPORT;
    req.pk_import = &pk;
    s_call(KASUBAG, &req, LKIP__STATUS__CREATED, "ok");

    snprintf(s_action, sizeof s_action, "start");
    Lkip__StartRequest start = LKIP__START_REQUEST__INIT;
    start.sop_code = "LKIP";
    start.period = "2026";
    start.note = "Susun LKIP 2026";
    req = (Lkip__Envelope)LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_START;
    req.start = &start;
    s_call(KADIS, &req, LKIP__STATUS__CREATED, "ok");
    s_step(KASUBAG, 2, DONE, LKIP__STATUS__OK, "ok");
    s_step(KASUBAG, 3, DONE, LKIP__STATUS__OK, "ok");
    for (size_t i = 0; i < ARRAY_LEN(s_data); i++) {
        snprintf(s_action, sizeof s_action, "submit of %s", s_roles[s_data[i].who].name);
        Lkip__SubmitRequest sub = LKIP__SUBMIT_REQUEST__INIT;
        sub.instance = REF;
        sub.file_name = "data-kinerja.csv";
        sub.content.data = (uint8_t *)s_data[i].csv;
        sub.content.len = strlen(s_data[i].csv);
        req = (Lkip__Envelope)LKIP__ENVELOPE__INIT;
        req.body_case = LKIP__ENVELOPE__BODY_SUBMIT;
        req.submit = &sub;
        s_call(s_data[i].who, &req, LKIP__STATUS__CREATED, "ok");
    }
    s_step(STAF, 4, DONE, LKIP__STATUS__OK, "ok");
    assert_int_equal(s_sql_int("SELECT current_step FROM instances"), 5);
}

/* The analysis the daemon computes (lkip capaian), owned by *owner. */
static const Lkip__CapaianReply *s_capaian(Lkip__Envelope **owner)
{
    Lkip__CapaianRequest body = LKIP__CAPAIAN_REQUEST__INIT;
    body.instance = REF;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_CAPAIAN;
    req.capaian = &body;
    *owner = harness_call_ok(s_c[KASUBAG], &req);
    harness_assert_reply(*owner, LKIP__STATUS__OK, "ok");
    return (*owner)->reply->capaian_table;
}

/* Every indicator in the capaian table of Bab III with what the analysis says of it. */
static void s_check_docx(const uint8_t *docx, size_t len, const Lkip__CapaianReply *c)
{
    char *problems = docread_package_problems(docx, len, NULL);
    if (problems)
        fail_msg("DOCX package: %s", problems);
    docread_docx_t *d = docread_docx(docx, len);
    assert_non_null(d);
    assert_int_equal(d->well_formed, 1);
    for (size_t i = 0; i < c->n_indicators; i++) {
        const Lkip__IndicatorResult *x = c->indicators[i];
        char name[1024], value[64];
        snprintf(name, sizeof name, "%s%s", x->indikator,
                 strcmp(x->arah, "turun") == 0 ? "\n(semakin kecil semakin baik)" : "");
        if (!x->submitted)
            snprintf(value, sizeof value, "data tidak disampaikan");
        else if (x->rated)
            idfmt_percent(x->capaian, value, sizeof value);
        else
            snprintf(value, sizeof value, "belum dapat dinilai");
        const char *want[] = {name, value, x->submitted ? x->realisasi : "-"};
        const docread_row_t *row = docread_find_row(d, want, x->submitted ? 3 : 2);
        if (!row)
            fail_msg("DOCX: no row of \"%s\" with %s", x->indikator, value);
        assert_string_equal(row->chapter, BAB3);
    }
    /* the chapters carry Word's heading style */
    bool heading = false;
    for (int p = 0; p < d->n_paras; p++)
        heading |= strcmp(d->para_text[p], BAB3) == 0 && strcmp(d->para_style[p], "Heading1") == 0;
    assert_true(heading);
    docread_docx_free(&d);
}

/* The chapters, every capaian, the profile and the signatory in the PDF's text. */
static void s_check_pdf(const uint8_t *pdf, size_t len, int pages, const Lkip__CapaianReply *c)
{
    char *text = docread_pdf_text(pdf, len);
    assert_non_null(text);
    const char *want[] = {"KATA PENGANTAR", "BAB I PENDAHULUAN",   BAB3,
                          "BAB IV PENUTUP", "pelayanan informasi", KEPALA,
                          NIP_LINE,         "Gorontalo, "};
    for (size_t i = 0; i < ARRAY_LEN(want); i++)
        if (!strstr(text, want[i]))
            fail_msg("PDF lacks \"%s\"", want[i]);
    for (size_t i = 0; i < c->n_indicators; i++) {
        const Lkip__IndicatorResult *x = c->indicators[i];
        char cap[48];
        if (!x->submitted || !x->rated)
            continue;
        idfmt_percent(x->capaian, cap, sizeof cap);
        if (!strstr(text, cap))
            fail_msg("PDF lacks the capaian %s of \"%s\"", cap, x->indikator);
    }
    free(text);
    char *info = docread_pdf_tool("pdfinfo", pdf, len);
    int n = 0;
    assert_non_null(info);
    assert_int_equal(sscanf(strstr(info, "Pages:"), "Pages: %d", &n), 1);
    assert_int_equal(n, pages);
    free(info);
}

/* The staf's notifications up to what the database holds for it; returns the text of the
 * step_assigned event of step 6 (its last one), caller frees. */
static char *s_staf_task_text(void)
{
    Lkip__SubscribeRequest sub = LKIP__SUBSCRIBE_REQUEST__INIT;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_SUBSCRIBE;
    req.subscribe = &sub;
    snprintf(s_action, sizeof s_action, "subscribe");
    s_call(STAF, &req, LKIP__STATUS__OK, "ok");
    long long target =
        harness_sql_int(s_h,
                        "SELECT s.last_seq FROM recipient_seq s JOIN users u ON u.id = s.user_id"
                        " WHERE u.name = 'staf'",
                        NULL);
    char *text = NULL;
    uint64_t seq = 0;
    int64_t deadline = monotonic_ms() + EVENT_WAIT_MS;
    while ((long long)seq < target) {
        Lkip__Envelope *ev = NULL;
        int64_t left = deadline - monotonic_ms();
        if (left <= 0 || lkipc_next_event(s_c[STAF], (int)left, &ev) != 1)
            fail_msg("the staf holds events up to %llu of %lld", (unsigned long long)seq, target);
        const Lkip__Event *e = ev->event;
        if (e->seq > seq)
            seq = e->seq;
        if (strcmp(e->kind, "step_assigned") == 0 && e->step_no == 6) {
            assert_string_equal(e->text_kind, "draft");
            free(text);
            text = xstrdup(e->text);
        }
        wire_free(&ev);
    }
    assert_non_null(text);
    return text;
}

/* ---- tests ----------------------------------------------------------------------------------- */

static void test_profile_set_and_refused(void **state)
{
    s_set_profile();
    char *before = harness_sql(s_h, "SELECT org_profiles::text FROM org_profiles", NULL);
    /* a control character in the Markdown, an unknown part: refused, nothing changed */
    Lkip__OrgProfileSetRequest body = LKIP__ORG_PROFILE_SET_REQUEST__INIT;
    static const char bad[] = "Profil\x01 rusak";
    body.profil_md.data = (uint8_t *)bad;
    body.profil_md.len = sizeof bad - 1;
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_ORG_PROFILE_SET;
    req.org_profile_set = &body;
    snprintf(s_action, sizeof s_action, "org profile set (control character)");
    s_call(ADMIN, &req, LKIP__STATUS__INVALID, "bad_text");
    body = (Lkip__OrgProfileSetRequest)LKIP__ORG_PROFILE_SET_REQUEST__INIT;
    body.reset = "profil,lampiran";
    snprintf(s_action, sizeof s_action, "org profile set --reset profil,lampiran");
    s_call(ADMIN, &req, LKIP__STATUS__BAD_REQUEST, "unknown_part");
    snprintf(s_action, sizeof s_action, "org profile set by the kasubag");
    body = (Lkip__OrgProfileSetRequest)LKIP__ORG_PROFILE_SET_REQUEST__INIT;
    body.kota = "Limboto";
    s_call(KASUBAG, &req, LKIP__STATUS__FORBIDDEN, "forbidden_role");
    char *after = harness_sql(s_h, "SELECT org_profiles::text FROM org_profiles", NULL);
    assert_string_equal(before, after);
    free(before);
    free(after);
    /* what everyone in the organisation reads back */
    Lkip__OrgProfileShowRequest show = LKIP__ORG_PROFILE_SHOW_REQUEST__INIT;
    req = (Lkip__Envelope)LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_ORG_PROFILE_SHOW;
    req.org_profile_show = &show;
    snprintf(s_action, sizeof s_action, "org profile show");
    const Lkip__Reply *r = s_call(STAF, &req, LKIP__STATUS__OK, "ok");
    const Lkip__OrgProfile *p = r->org_profile;
    assert_int_equal(p->version, 1);
    assert_string_equal(p->kepala_nama, KEPALA);
    assert_string_equal(p->kepala_nip, NIP);
    assert_string_equal(p->updated_by, "admin");
    assert_int_equal(p->profil_md.len, sizeof s_profile - 1);
    assert_memory_equal(p->profil_md.data, s_profile, sizeof s_profile - 1);
    assert_int_equal(p->penutup_md.len, 0); /* the shipped template */
    /* a reset goes back to the default */
    body = (Lkip__OrgProfileSetRequest)LKIP__ORG_PROFILE_SET_REQUEST__INIT;
    body.reset = "kepala_nip";
    req = (Lkip__Envelope)LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_ORG_PROFILE_SET;
    req.org_profile_set = &body;
    r = s_call(ADMIN, &req, LKIP__STATUS__OK, "ok");
    assert_int_equal(r->org_profile->version, 2);
    assert_string_equal(r->org_profile->kepala_nip, "");
    assert_string_equal(r->org_profile->kepala_nama, KEPALA);
    s_stop_clean();
}

static void test_draft_written_at_step_5(void **state)
{
    s_set_profile();
    s_to_step_5();
    /* before step 5 completes there is no draft: the staf (whose step comes next) is told so,
     * a unit operator and the admin are not the draft's readers; nothing changes */
    char *before = s_documents();
    s_draft(STAF, false, LKIP__STATUS__NOT_FOUND, "no_draft");
    s_draft(STAF, true, LKIP__STATUS__FORBIDDEN, "wrong_role");
    s_draft(OP_IKP, false, LKIP__STATUS__FORBIDDEN, "forbidden_role");
    s_draft(ADMIN, false, LKIP__STATUS__FORBIDDEN, "forbidden_role");
    char *after = s_documents();
    assert_string_equal(before, "");
    assert_string_equal(after, "");
    free(before);
    free(after);

    /* step 5 completed without an upload: the draft is its document, in the same change */
    s_step(KASUBAG, 5, DONE, LKIP__STATUS__OK, "ok");
    assert_non_null(strstr(s_last->reply->message, "Draft LKIP dibuat: draft-LKIP-2026.docx"));
    char *docs = s_documents();
    assert_string_equal(docs, "1:draft:5:1 2:draft:5:1");
    free(docs);
    assert_int_equal(s_sql_int("SELECT current_step FROM instances"), 6);
    assert_int_equal(s_sql_int("SELECT count(*) FROM audit WHERE command = 'step'"
                               " AND detail LIKE '%draft=v1,v2%'"),
                     1);
    char *task = s_staf_task_text();
    assert_non_null(strstr(task, "draft-LKIP-2026.docx dan draft-LKIP-2026.pdf"));
    free(task);

    /* the staf fetches it: both files, byte for byte, with the right numbers */
    const Lkip__DraftReply *d = s_draft(STAF, false, LKIP__STATUS__OK, "ok");
    assert_false(d->made);
    assert_int_equal(d->draft_no, 1);
    assert_int_equal(d->docx->version, 1);
    assert_int_equal(d->docx->step_no, 5);
    assert_string_equal(d->docx->uploaded_by, "kasubag");
    int pages = d->pages;
    char docx_sha[65], pdf_sha[65];
    snprintf(docx_sha, sizeof docx_sha, "%s", d->docx->sha256);
    snprintf(pdf_sha, sizeof pdf_sha, "%s", d->pdf->sha256);
    size_t docx_len, pdf_len;
    uint8_t *docx = s_fetch(STAF, 1, docx_sha, &docx_len);
    uint8_t *pdf = s_fetch(STAF, 2, pdf_sha, &pdf_len);
    Lkip__Envelope *cap_env = NULL;
    const Lkip__CapaianReply *c = s_capaian(&cap_env);
    assert_int_equal(c->n_indicators, 11);
    assert_int_equal(c->n_missing_units, 1);
    s_check_docx(docx, docx_len, c);
    s_check_pdf(pdf, pdf_len, pages, c);
    /* the Kepala Dinas and the Sekretaris read it too */
    d = s_draft(SEKRETARIS, false, LKIP__STATUS__OK, "ok");
    assert_string_equal(d->pdf->sha256, pdf_sha);
    s_draft(KADIS, false, LKIP__STATUS__OK, "ok");
    wire_free(&cap_env);
    free(docx);
    free(pdf);
    s_stop_clean();
}

static void test_draft_again_after_return(void **state)
{
    s_to_step_5();
    s_step(KASUBAG, 5, DONE, LKIP__STATUS__OK, "ok");
    const Lkip__DraftReply *d = s_draft(STAF, false, LKIP__STATUS__OK, "ok");
    char first_pdf[65];
    snprintf(first_pdf, sizeof first_pdf, "%s", d->pdf->sha256);

    /* the wrong roles: refused, the documents as they were */
    char *before = s_documents();
    s_draft(SEKRETARIS, true, LKIP__STATUS__FORBIDDEN, "wrong_role");
    s_draft(KASUBAG, true, LKIP__STATUS__FORBIDDEN, "wrong_role");
    s_draft(OP_APTIKA, true, LKIP__STATUS__FORBIDDEN, "forbidden_role");
    /* the draft is not the staf's own document */
    s_step(STAF, 6, DONE, LKIP__STATUS__INVALID, "document_required");
    char *after = s_documents();
    assert_string_equal(before, after);
    free(before);
    free(after);

    /* written again at step 6: the next versions, the first kept */
    d = s_draft(STAF, true, LKIP__STATUS__CREATED, "ok");
    assert_true(d->made);
    assert_int_equal(d->draft_no, 2);
    assert_int_equal(d->docx->version, 3);
    assert_int_equal(d->docx->step_no, 6);
    char *docs = s_documents();
    assert_string_equal(docs, "1:draft:5:1 2:draft:5:1 3:draft:6:1 4:draft:6:1");
    free(docs);
    size_t len;
    free(s_fetch(STAF, 2, first_pdf, &len));

    /* the staf's document, then a return: the draft written in the next round */
    s_upload(STAF, 6, "Dokumen LKIP 2026 versi 1");
    s_step(STAF, 6, DONE, LKIP__STATUS__OK, "ok");
    s_draft(SEKRETARIS, true, LKIP__STATUS__CONFLICT, "not_draft_step");
    s_step(SEKRETARIS, 7, RETURN, LKIP__STATUS__OK, "ok");
    d = s_draft(STAF, true, LKIP__STATUS__CREATED, "ok");
    assert_int_equal(d->draft_no, 3);
    assert_int_equal(d->docx->version, 6);
    assert_int_equal(d->docx->round, 2);
    /* an upload, then the draft once more: the archive takes the upload */
    s_upload(STAF, 6, "Dokumen LKIP 2026 versi 2");
    char *upload_sha = harness_sql(s_h, "SELECT sha256 FROM documents WHERE version = 8", NULL);
    d = s_draft(STAF, true, LKIP__STATUS__CREATED, "ok");
    assert_int_equal(d->docx->version, 9);
    s_step(STAF, 6, DONE, LKIP__STATUS__OK, "ok");
    s_step(SEKRETARIS, 7, APPROVE, LKIP__STATUS__OK, "ok");
    s_step(SEKRETARIS, 8, DONE, LKIP__STATUS__OK, "ok");
    s_step(KADIS, 9, APPROVE, LKIP__STATUS__OK, "ok");
    s_step(KASUBAG, 10, DONE, LKIP__STATUS__OK, "ok");
    s_step(STAF, 11, DONE, LKIP__STATUS__OK, "ok");
    char *archived = harness_sql(s_h, "SELECT archive_sha256 FROM instances", NULL);
    assert_string_equal(archived, upload_sha);
    free(archived);
    free(upload_sha);
    /* finished: read, never written again */
    d = s_draft(KADIS, false, LKIP__STATUS__OK, "ok");
    assert_int_equal(d->draft_no, 4);
    s_draft(STAF, true, LKIP__STATUS__CONFLICT, "instance_finished");
    s_stop_clean();
}

/* Waits until lkipd is inside the transaction of a request that read the organisation's profile
 * (the last statement before the draft is rendered) and has not gone on: it renders. */
static void s_wait_rendering(void)
{
    for (int i = 0; i < 20000; i++) {
        if (harness_sql_int(s_h,
                            "SELECT count(*) FROM pg_stat_activity WHERE state = 'idle in"
                            " transaction' AND query LIKE '%FROM org_profiles%'",
                            NULL) > 0)
            return;
        usleep(1000);
    }
    harness_dump_all_logs();
    fail_msg("lkipd was never seen rendering the draft");
}

static void test_crash_around_render(void **state)
{
    s_to_step_5();
    harness_daemon_pin_endpoint(s_d);
    /* the step completion on a connection of its own, killed while the draft renders */
    lkipc_t *c = harness_client(s_h, s_d, &s_keys[KASUBAG], CALL_TIMEOUT_MS);
    assert_non_null(c);
    Lkip__StepRequest body = LKIP__STEP_REQUEST__INIT;
    body.instance = REF;
    body.step_no = 5;
    body.action = LKIP__STEP_ACTION__DONE;
    body.note = "Analisis selesai";
    Lkip__Envelope req = LKIP__ENVELOPE__INIT;
    req.body_case = LKIP__ENVELOPE__BODY_STEP;
    req.step = &body;
    req.request_id = lkipc_request_id();
    assert_int_equal(lkipc_post(c, &req), 0);
    s_wait_rendering();
    assert_int_equal(harness_daemon_stop(s_d, SIGKILL), 128 + SIGKILL);
    harness_client_close(s_h, &c);
    /* nothing of it stayed: no draft, step 5 open */
    char *docs = s_documents();
    assert_string_equal(docs, "");
    free(docs);
    assert_int_equal(s_sql_int("SELECT current_step FROM instances"), 5);
    assert_int_equal(harness_daemon_restart(s_d), 0);

    /* the same request again: made once */
    snprintf(s_action, sizeof s_action, "step 5 done again after the crash");
    s_call(KASUBAG, &req, LKIP__STATUS__OK, "ok");
    char *message = xstrdup(s_last->reply->message);
    s_call(KASUBAG, &req, LKIP__STATUS__OK, "ok"); /* and once more: the stored answer */
    assert_string_equal(s_last->reply->message, message);
    free(message);
    docs = s_documents();
    assert_string_equal(docs, "1:draft:5:1 2:draft:5:1");
    free(docs);
    assert_int_equal(s_sql_int("SELECT count(*) FROM step_runs WHERE step_no = 6"), 1);

    /* acknowledged, then killed: the same draft, the same bytes */
    const Lkip__DraftReply *d = s_draft(STAF, false, LKIP__STATUS__OK, "ok");
    char sha[65];
    snprintf(sha, sizeof sha, "%s", d->pdf->sha256);
    assert_int_equal(harness_daemon_stop(s_d, SIGKILL), 128 + SIGKILL);
    assert_int_equal(harness_daemon_restart(s_d), 0);
    d = s_draft(STAF, false, LKIP__STATUS__OK, "ok");
    assert_string_equal(d->pdf->sha256, sha);
    size_t len;
    free(s_fetch(STAF, 2, sha, &len));
    s_stop_clean();
}

/* The draft cannot be stored: the step completion that writes it and `draft --regenerate` are
 * answered 500 from what drafts returned, no document is left and the step stays open; once the
 * database takes documents again, both work. */
static void test_draft_store_failure_answered(void **state)
{
    static const char *const internal = "Terjadi kesalahan pada server; permintaan tidak diproses";
    s_to_step_5();
    assert_int_equal(harness_refuse_inserts(s_h, "documents"), 0);
    s_step(KASUBAG, 5, DONE, LKIP__STATUS__INTERNAL, "internal");
    assert_string_equal(s_last->reply->message, internal);
    char *docs = s_documents();
    assert_string_equal(docs, "");
    free(docs);
    assert_int_equal(s_sql_int("SELECT current_step FROM instances"), 5);
    assert_int_equal(harness_daemon_log_count(s_d, "store the draft: "), 1);
    assert_int_equal(harness_allow_inserts(s_h, "documents"), 0);
    s_step(KASUBAG, 5, DONE, LKIP__STATUS__OK, "ok");

    /* written again on request at step 6: the same failure, the first draft kept */
    assert_int_equal(harness_refuse_inserts(s_h, "documents"), 0);
    s_draft(STAF, true, LKIP__STATUS__INTERNAL, "internal");
    assert_string_equal(s_last->reply->message, internal);
    assert_int_equal(s_last->reply->payload_case, LKIP__REPLY__PAYLOAD__NOT_SET);
    docs = s_documents();
    assert_string_equal(docs, "1:draft:5:1 2:draft:5:1");
    free(docs);
    assert_int_equal(harness_daemon_log_count(s_d, "store the draft: "), 2);
    assert_int_equal(harness_allow_inserts(s_h, "documents"), 0);
    assert_int_equal(s_draft(STAF, true, LKIP__STATUS__CREATED, "ok")->docx->version, 3);
    s_stop_clean();
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_profile_set_and_refused, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_draft_written_at_step_5, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_draft_again_after_return, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_crash_around_render, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_draft_store_failure_answered, s_setup, s_teardown),
    };
    harness_test_filter();
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    return failed;
}
