/* test_sopdef — unit tests of sopdef: the real LKIP definition read field by field, the CUTI
 * example (an SOP with no LKIP shape), reminder inheritance, limits, and a table of broken
 * definitions that must each be refused with the right line and reason. Run from the repo
 * root, or set LKIP_SRCDIR to it. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "sopdef.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A path under the source tree (caller frees). */
static char *s_sopdef_src(const char *rel)
{
    const char *dir = getenv("LKIP_SRCDIR");
    return xasprintf("%s/%s", dir && *dir ? dir : ".", rel);
}

static sopdef_t *s_sopdef_load(const char *rel)
{
    char *path = s_sopdef_src(rel);
    char err[512];
    sopdef_t *def = sopdef_load_file(path, err, sizeof err);
    if (!def)
        print_error("%s\n", err);
    free(path);
    return def;
}

/* Parses text that must be valid. */
static sopdef_t *s_sopdef_ok(const char *text)
{
    char err[512];
    sopdef_t *def = sopdef_parse("t.yaml", text, strlen(text), err, sizeof err);
    if (!def)
        print_error("%s\n", err);
    assert_non_null(def);
    return def;
}

/* Parses text that must be refused at line with a message containing reason; false (and
 * the message printed) when it is not. */
static bool s_sopdef_refused(const char *label, const char *text, size_t len, int line,
                             const char *reason)
{
    char err[512], prefix[32];
    sopdef_t *def = sopdef_parse("t.yaml", text, len, err, sizeof err);
    snprintf(prefix, sizeof prefix, "t.yaml:%d: ", line);
    bool ok = !def && !strncmp(err, prefix, strlen(prefix)) && strstr(err, reason);
    if (!ok)
        print_error("case \"%s\": expected \"%s...%s\", got %s\"%s\"\n", label, prefix, reason,
                    def ? "a definition and " : "", err);
    sopdef_destroy(&def);
    return ok;
}

/* ---- the LKIP definition -------------------------------------------------------------- */

typedef struct {
    const char *uraian;
    const char *actor;
    const char *kelengkapan;
    int time_value;
    sop_unit_t time_unit;
    const char *output;
    const char *keterangan;
    sop_kind_t kind;
    sop_doc_t document;
    int return_to;
} s_sopdef_expect_t;

static const s_sopdef_expect_t s_sopdef_lkip[11] = {
    {"Memerintahkan penyusunan LKIP", "kepala_dinas", "Disposisi surat", 5, SOP_MINUTES,
     "Disposisi surat", "", SOP_TASK, SOP_DOC_NONE, 0},
    {"Membuat format pengumpulan data dan informasi kinerja dari masing-masing bidang dan "
     "sekretariat",
     "kasubag_perencanaan", "Format penyusunan LKIP", 2, SOP_HOURS, "Format penyusunan LKIP", "",
     SOP_TASK, SOP_DOC_NONE, 0},
    {"Menyampaikan format pengumpulan data dan informasi kinerja kepada masing-masing bidang "
     "dan sekretariat",
     "kasubag_perencanaan", "Format penyusunan LKIP", 1, SOP_HOURS, "Format penyusunan LKIP", "",
     SOP_FANOUT, SOP_DOC_NONE, 0},
    {"Menghimpun format data dan informasi kinerja dari masing-masing bidang dan sekretariat",
     "staf", "Format penyusunan LKIP", 3, SOP_HOURS, "Format penyusunan LKIP", "", SOP_FANIN,
     SOP_DOC_NONE, 0},
    {"Menganalisis dan mengevaluasi data dan informasi kinerja yang telah terkumpul",
     "kasubag_perencanaan", "Format penyusunan LKIP", 7, SOP_DAYS, "Draft LKIP", "", SOP_TASK,
     SOP_DOC_REQUIRED, 0},
    {"Membuat Dokumen LKIP", "staf", "Draft LKIP", 5, SOP_DAYS, "Dokumen LKIP", "", SOP_TASK,
     SOP_DOC_REQUIRED, 0},
    {"Mengoreksi Dokumen LKIP", "sekretaris", "Dokumen LKIP", 3, SOP_DAYS, "Dokumen LKIP", "",
     SOP_DECISION, SOP_DOC_OPTIONAL, 6},
    {"Menyampaikan Dokumen LKIP kepada Kadis untuk memintakan persetujuan", "sekretaris",
     "Dokumen LKIP", 1, SOP_HOURS, "Dokumen LKIP", "Konsep LKIP", SOP_TASK, SOP_DOC_NONE, 0},
    {"Penandatanganan dokumen LKIP oleh Kadis kemudian diteruskan ke Kasubbag Program",
     "kepala_dinas", "Dokumen LKIP", 10, SOP_MINUTES, "Disposisi persetujuan dokumen LKIP",
     "Dokumen LKIP", SOP_DECISION, SOP_DOC_OPTIONAL, 6},
    {"Membuat surat pengantar pengiriman sekaligus penomoran surat, kemudian diserahkan ke staf "
     "untuk dikirimkan ke alamat yang dituju",
     "kasubag_perencanaan", "Konsep surat pengantar", 15, SOP_MINUTES, "Surat pengantar", "",
     SOP_NUMBERING, SOP_DOC_NONE, 0},
    {"Mengantar surat, menggandakan dan mengarsipkan Dokumen LKIP", "staf", "Dokumen LKIP", 1,
     SOP_HOURS, "Dokumen LKIP", "", SOP_ARCHIVE, SOP_DOC_NONE, 0},
};

static void test_sopdef_lkip_file(void **state)
{
    sopdef_t *def = s_sopdef_load("sop/lkip-35-DKIP-SOP-I-2023.yaml");
    assert_non_null(def);
    assert_string_equal(def->code, "LKIP");
    assert_string_equal(def->number, "35/DKIP/SOP/I/2023");
    assert_string_equal(def->title, "Penyusunan Laporan Kinerja Instansi Pemerintah (LKIP)");
    assert_string_equal(def->watcher_role, "sekretaris");
    assert_int_equal(def->n_steps, 11);
    int minutes = 0, days = 0;
    for (int i = 0; i < 11; i++) {
        const s_sopdef_expect_t *e = &s_sopdef_lkip[i];
        const sop_step_t *s = sopdef_step(def, i + 1);
        assert_ptr_equal(s, &def->steps[i]);
        assert_int_equal(s->no, i + 1);
        assert_string_equal(s->uraian, e->uraian);
        assert_string_equal(s->actor, e->actor);
        assert_string_equal(s->kelengkapan, e->kelengkapan);
        assert_int_equal(s->time_value, e->time_value);
        assert_int_equal(s->time_unit, e->time_unit);
        assert_false(s->wall_clock);
        assert_string_equal(s->output, e->output);
        assert_string_equal(s->keterangan, e->keterangan);
        assert_int_equal(s->kind, e->kind);
        assert_int_equal(s->document, e->document);
        assert_int_equal(s->return_to, e->return_to);
        assert_string_equal(s->unit_role, i == 2 ? "operator_unit" : "");
        assert_int_equal(s->makes_unit_formats, i == 1); /* step 2 makes the formats */
        assert_int_equal(s->makes_draft, i == 4);        /* step 5 writes the draft */
        /* The file writes the defaults out: 75%, 1 hour before, escalate every day. */
        assert_int_equal(s->reminders.n_percents, 1);
        assert_int_equal(s->reminders.percents[0], 75);
        assert_int_equal(s->reminders.before_minutes, 60);
        assert_true(s->reminders.escalate);
        assert_int_equal(s->reminders.escalate_every_days, 1);
        if (s->time_unit == SOP_DAYS)
            days += s->time_value;
        else
            minutes += s->time_value * (s->time_unit == SOP_HOURS ? 60 : 1);
    }
    /* LKIP.md: total standard time 15 working days + 8 h 30 min. */
    assert_int_equal(days, 15);
    assert_int_equal(minutes, 8 * 60 + 30);
    assert_null(sopdef_step(def, 0));
    assert_null(sopdef_step(def, 12));
    assert_null(sopdef_step(NULL, 1));
    sopdef_destroy(&def);
    assert_null(def);
    sopdef_destroy(&def); /* a second destroy is harmless */
}

/* ---- the CUTI example ----------------------------------------------------------------- */

static void test_sopdef_cuti_file(void **state)
{
    sopdef_t *def = s_sopdef_load("sop/contoh-sop-cuti.yaml");
    assert_non_null(def);
    assert_string_equal(def->code, "CUTI");
    assert_string_equal(def->number, "");
    assert_string_equal(def->watcher_role, "");
    assert_int_equal(def->n_steps, 5);
    static const struct {
        const char *actor;
        sop_kind_t kind;
        int return_to;
        int value;
        sop_unit_t unit;
    } want[5] = {
        {"staf", SOP_TASK, 0, 30, SOP_MINUTES},
        {"kasubag_perencanaan", SOP_DECISION, 1, 1, SOP_DAYS},
        {"sekretaris", SOP_DECISION, 1, 2, SOP_DAYS},
        {"kasubag_perencanaan", SOP_NUMBERING, 0, 2, SOP_HOURS},
        {"staf", SOP_ARCHIVE, 0, 45, SOP_MINUTES},
    };
    for (int i = 0; i < 5; i++) {
        const sop_step_t *s = sopdef_step(def, i + 1);
        assert_string_equal(s->actor, want[i].actor);
        assert_int_equal(s->kind, want[i].kind);
        assert_int_equal(s->return_to, want[i].return_to);
        assert_int_equal(s->time_value, want[i].value);
        assert_int_equal(s->time_unit, want[i].unit);
        assert_int_equal(s->wall_clock, i == 2);
        assert_true(s->kind != SOP_FANOUT && s->kind != SOP_FANIN);
        /* Step 3 overrides persen and eskalasi; sebelum is inherited from the top level. */
        assert_int_equal(s->reminders.n_percents, i == 2 ? 1 : 2);
        assert_int_equal(s->reminders.percents[0], i == 2 ? 80 : 50);
        if (i != 2)
            assert_int_equal(s->reminders.percents[1], 90);
        assert_int_equal(s->reminders.before_minutes, 30);
        assert_int_equal(s->reminders.escalate, i != 2);
        assert_int_equal(s->reminders.escalate_every_days, 1);
    }
    assert_int_equal(def->steps[0].document, SOP_DOC_REQUIRED);
    sopdef_destroy(&def);
}

/* ---- reminders ------------------------------------------------------------------------ */

#define SD_HEAD "code: T\nnama: Uji\nlangkah:\n"
#define SD_STEP(n, kind)                                                                           \
    "  - {no: " #n ", uraian: u, pelaksana: staf, waktu: 1 jam, jenis: " kind "}\n"
#define SD_STEPX(n, kind, extra)                                                                   \
    "  - {no: " #n ", uraian: u, pelaksana: staf, waktu: 1 jam, jenis: " kind ", " extra "}\n"
#define SD_WAKTU(w) "  - {no: 1, uraian: u, pelaksana: staf, waktu: " w ", jenis: tugas}\n"
#define SD_SEBAR(n) SD_STEPX(n, "sebar", "pelaksana_unit: operator_unit")

static void test_sopdef_reminder_defaults(void **state)
{
    sopdef_t *def = s_sopdef_ok(SD_HEAD SD_STEP(1, "tugas"));
    const sop_reminders_t *r = &def->steps[0].reminders;
    assert_int_equal(r->n_percents, 1);
    assert_int_equal(r->percents[0], 75);
    assert_int_equal(r->before_minutes, 60);
    assert_true(r->escalate);
    assert_int_equal(r->escalate_every_days, 1);
    sopdef_destroy(&def);
}

static void test_sopdef_reminder_inheritance(void **state)
{
    sopdef_t *def = s_sopdef_ok(
        "code: T\nnama: Uji\n"
        "langkah:\n" SD_STEP(1, "tugas") SD_STEPX(2, "tugas", "pengingat: {eskalasi: false}")
            SD_STEPX(3, "tugas", "pengingat: {persen: [], sebelum: tidak}")
                SD_STEPX(4, "tugas",
                         "pengingat: {persen: [10, 20, 30, 99], sebelum: 15 menit, "
                         "eskalasi_setiap: 3 hari}") SD_STEPX(5, "tugas", "pengingat: {sebelum: 0}")
        /* The top-level pengingat may come after langkah: order of keys does not matter. */
        "pengingat:\n  persen: [50, 90]\n  sebelum: 2 JAM\n  eskalasi_setiap: 2 hari\n");
    const sop_reminders_t *r1 = &def->steps[0].reminders, *r2 = &def->steps[1].reminders;
    const sop_reminders_t *r3 = &def->steps[2].reminders, *r4 = &def->steps[3].reminders;
    const sop_reminders_t *r5 = &def->steps[4].reminders;
    /* Step 1: the top level, eskalasi from the built-in default. */
    assert_int_equal(r1->n_percents, 2);
    assert_int_equal(r1->percents[0], 50);
    assert_int_equal(r1->percents[1], 90);
    assert_int_equal(r1->before_minutes, 120);
    assert_true(r1->escalate);
    assert_int_equal(r1->escalate_every_days, 2);
    /* Step 2: only eskalasi changes. */
    assert_int_equal(r2->n_percents, 2);
    assert_int_equal(r2->percents[1], 90);
    assert_int_equal(r2->before_minutes, 120);
    assert_false(r2->escalate);
    assert_int_equal(r2->escalate_every_days, 2);
    /* Step 3: no percents, nothing before due, the rest inherited. */
    assert_int_equal(r3->n_percents, 0);
    assert_int_equal(r3->before_minutes, 0);
    assert_true(r3->escalate);
    assert_int_equal(r3->escalate_every_days, 2);
    /* Step 4: everything but eskalasi replaced. */
    assert_int_equal(r4->n_percents, 4);
    assert_int_equal(r4->percents[0], 10);
    assert_int_equal(r4->percents[3], 99);
    assert_int_equal(r4->before_minutes, 15);
    assert_true(r4->escalate);
    assert_int_equal(r4->escalate_every_days, 3);
    assert_int_equal(r5->before_minutes, 0);
    assert_int_equal(r5->n_percents, 2);
    sopdef_destroy(&def);
}

/* ---- accepted variations -------------------------------------------------------------- */

static void test_sopdef_accepted_forms(void **state)
{
    sopdef_t *def =
        s_sopdef_ok("code: A-1_B\nnomor: \"-\"\nnama: \"  Uji  \"\npengamat: ''\nlangkah:\n"
                    "  - no: 1\n    uraian: |\n      baris satu\n      baris dua\n"
                    "    pelaksana: s\n    waktu: \"100000  MENIT\"\n    waktu_kalender: ya\n"
                    "    keterangan:\n    output: '-'\n    jenis: TUGAS\n    dokumen: Opsional\n");
    const sop_step_t *s = &def->steps[0];
    assert_string_equal(def->number, "");
    assert_string_equal(def->title, "Uji");
    assert_string_equal(def->watcher_role, "");
    assert_string_equal(s->uraian, "baris satu\nbaris dua");
    assert_string_equal(s->waktu, "100000  MENIT");
    assert_int_equal(s->time_value, 100000);
    assert_int_equal(s->time_unit, SOP_MINUTES);
    assert_true(s->wall_clock);
    assert_string_equal(s->keterangan, "");
    assert_string_equal(s->output, "");
    assert_string_equal(s->kelengkapan, "");
    assert_int_equal(s->kind, SOP_TASK);
    assert_int_equal(s->document, SOP_DOC_OPTIONAL);
    sopdef_destroy(&def);
}

static void test_sopdef_names(void **state)
{
    static const char *const kinds[] = {"tugas",     "sebar",     "himpun",
                                        "keputusan", "penomoran", "arsip"};
    for (int k = SOP_TASK; k <= SOP_ARCHIVE; k++)
        assert_string_equal(sop_kind_name((sop_kind_t)k), kinds[k]);
    assert_string_equal(sop_unit_name(SOP_MINUTES), "menit");
    assert_string_equal(sop_unit_name(SOP_HOURS), "jam");
    assert_string_equal(sop_unit_name(SOP_DAYS), "hari");
    assert_string_equal(sop_doc_name(SOP_DOC_NONE), "tidak");
    assert_string_equal(sop_doc_name(SOP_DOC_OPTIONAL), "opsional");
    assert_string_equal(sop_doc_name(SOP_DOC_REQUIRED), "wajib");
    assert_string_equal(sop_kind_name((sop_kind_t)42), "?");
}

/* ---- refused definitions -------------------------------------------------------------- */

typedef struct {
    const char *label;
    const char *text;
    int line;
    const char *reason;
} s_sopdef_bad_t;

static const s_sopdef_bad_t s_sopdef_bad[] = {
    /* syntax */
    {"syntax: bad indentation", "code: T\nnama: a\n  b: c\nlangkah: []\n", 3,
     "syntax error: mapping values are not allowed"},
    {"syntax: unclosed flow mapping", SD_HEAD "  - {no: 1, uraian: u\n", 5, "syntax error"},
    {"empty file", "", 1, "the definition is empty"},
    {"comments only", "# nothing\n", 1, "the definition is empty"},
    {"two documents", SD_HEAD SD_STEP(1, "tugas") "---\ncode: U\n", 5,
     "only one document is allowed"},
    {"alias", "code: &c T\nnama: *c\nlangkah:\n" SD_STEP(1, "tugas"), 2,
     "aliases (*c) are not supported"},
    {"deep nesting", SD_HEAD SD_STEPX(1, "tugas", "pengingat: {persen: [[[[[[1]]]]]]}"), 4,
     "nested too deeply"},
    {"root is a list", "- code: T\n", 1, "expected a mapping with code, nama and langkah"},
    /* keys */
    {"typo uriaan",
     SD_HEAD "  - no: 1\n    uriaan: u\n    pelaksana: staf\n    waktu: 1 jam\n    jenis: tugas\n",
     5, "step 1: unknown key \"uriaan\" (did you mean \"uraian\"?)"},
    {"typo top level", "code: T\nnama: Uji\npengamatt: staf\nlangkah:\n" SD_STEP(1, "tugas"), 3,
     "unknown key \"pengamatt\" (did you mean \"pengamat\"?)"},
    {"unknown key far from any", SD_HEAD SD_STEPX(1, "tugas", "warna: merah"), 4,
     "unknown key \"warna\" (known keys: no, uraian,"},
    {"duplicate top key", "code: T\nnama: A\nnama: B\nlangkah:\n" SD_STEP(1, "tugas"), 3,
     "duplicate key \"nama\" (first at line 2)"},
    {"duplicate step key", SD_HEAD SD_STEPX(1, "tugas", "waktu: 2 jam"), 4,
     "step 1: duplicate key \"waktu\" (first at line 4)"},
    {"missing nama", "code: T\nlangkah:\n" SD_STEP(1, "tugas"), 1, "missing required key \"nama\""},
    {"missing uraian",
     SD_HEAD SD_STEP(1, "tugas") "  - no: 2\n    pelaksana: staf\n    waktu: 1 jam\n"
                                 "    jenis: tugas\n",
     5, "step 2: missing required key \"uraian\""},
    {"key is a list", "code: T\n[a]: b\n", 2, "keys must be words"},
    /* types and text */
    {"uraian is a list",
     SD_HEAD "  - {no: 1, uraian: [a, b], pelaksana: staf, waktu: 1 jam, jenis: tugas}\n", 4,
     "uraian: expected text, found a list"},
    {"uraian empty",
     SD_HEAD "  - {no: 1, uraian: \"\", pelaksana: staf, waktu: 1 jam, jenis: tugas}\n", 4,
     "uraian: must not be empty"},
    {"nama on two lines", "code: T\nnama: \"a\\nb\"\nlangkah:\n" SD_STEP(1, "tugas"), 2,
     "nama: text must be valid UTF-8 without control characters or line breaks"},
    {"non-UTF-8 byte",
     SD_HEAD "  - {no: 1, uraian: ab\xff"
             "c, pelaksana: staf, waktu: 1 jam, jenis: tugas}\n",
     4, "not clean UTF-8"},
    {"non-UTF-8 on a later line", SD_HEAD SD_STEP(1, "tugas") "  - no: 2\n    uraian: caf\xc3\n", 6,
     "not clean UTF-8"},
    {"escaped control character",
     SD_HEAD "  - {no: 1, uraian: \"a\\x01b\", pelaksana: staf, waktu: 1 jam, jenis: tugas}\n", 4,
     "uraian: text must be valid UTF-8 without control characters"},
    {"escaped NUL",
     SD_HEAD "  - {no: 1, uraian: \"a\\0b\", pelaksana: staf, waktu: 1 jam, jenis: tugas}\n", 4,
     "uraian: text must be valid UTF-8"},
    {"bad code", "code: lkip\nnama: Uji\nlangkah:\n" SD_STEP(1, "tugas"), 1,
     "code: \"lkip\" must be 1 to 32 of A-Z, 0-9, _ and -"},
    {"code too long",
     "code: ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456\nnama: Uji\nlangkah:\n" SD_STEP(1, "tugas"), 1,
     "code:"},
    /* numbering */
    {"step out of order", SD_HEAD SD_STEP(1, "tugas") SD_STEP(3, "tugas"), 5,
     "step 2: no: 3 is out of order (expected 2"},
    {"step numbered 0", SD_HEAD SD_STEP(0, "tugas"), 4, "no: 0 is out of order (expected 1"},
    {"step no is a word",
     SD_HEAD "  - {no: satu, uraian: u, pelaksana: staf, waktu: 1 jam, jenis: tugas}\n", 4,
     "no: expected a whole number, found \"satu\""},
    {"empty langkah", "code: T\nnama: Uji\nlangkah: []\n", 3,
     "langkah: at least one step is required"},
    {"langkah without value", "code: T\nnama: Uji\nlangkah:\n", 3,
     "langkah: expected a list of steps, found nothing"},
    {"step is text", SD_HEAD "  - langkah satu\n", 4, "expected a mapping of keys, found text"},
    /* durations */
    {"waktu in weeks", SD_HEAD SD_WAKTU("7 minggu"), 4,
     "waktu: \"7 minggu\": unknown unit (use menit, jam or hari)"},
    {"waktu zero", SD_HEAD SD_WAKTU("0 hari"), 4, "waktu: \"0 hari\": the number must be from 1"},
    {"waktu without number", SD_HEAD SD_WAKTU("hari"), 4,
     "waktu: \"hari\": expected \"<number> menit|jam|hari\""},
    {"waktu too large", SD_HEAD SD_WAKTU("100001 jam"), 4, "must be from 1 to 100000"},
    {"waktu negative", SD_HEAD SD_WAKTU("-1 jam"), 4, "expected \"<number>"},
    {"waktu without space", SD_HEAD SD_WAKTU("7hari"), 4, "expected a space"},
    {"waktu fraction", SD_HEAD SD_WAKTU("1.5 jam"), 4, "expected a space"},
    {"waktu missing", SD_HEAD "  - {no: 1, uraian: u, pelaksana: staf, jenis: tugas}\n", 4,
     "missing required key \"waktu\""},
    /* roles */
    {"role with spaces",
     SD_HEAD "  - {no: 1, uraian: u, pelaksana: Kepala Dinas, waktu: 1 jam, jenis: tugas}\n", 4,
     "pelaksana: \"Kepala Dinas\" is not a role code"},
    {"role starting with a digit",
     SD_HEAD "  - {no: 1, uraian: u, pelaksana: 1staf, waktu: 1 jam, jenis: tugas}\n", 4,
     "is not a role code"},
    {"role too long",
     SD_HEAD "  - {no: 1, uraian: u, pelaksana: abcdefghijklmnopqrstuvwxyz_0123456, waktu: 1 jam, "
             "jenis: tugas}\n",
     4, "is not a role code"},
    {"bad pengamat", "code: T\nnama: Uji\npengamat: Sekretaris\nlangkah:\n" SD_STEP(1, "tugas"), 3,
     "pengamat: \"Sekretaris\" is not a role code"},
    {"bad pelaksana_unit",
     SD_HEAD SD_STEPX(1, "sebar", "pelaksana_unit: Operator") SD_STEP(2, "himpun"), 4,
     "pelaksana_unit: \"Operator\" is not a role code"},
    /* kinds */
    {"unknown jenis", SD_HEAD SD_STEP(1, "task"), 4,
     "jenis: unknown value \"task\" (use one of: tugas, sebar, himpun, keputusan"},
    {"unknown dokumen", SD_HEAD SD_STEPX(1, "tugas", "dokumen: harus"), 4,
     "dokumen: unknown value \"harus\""},
    {"bad waktu_kalender", SD_HEAD SD_STEPX(1, "tugas", "waktu_kalender: mungkin"), 4,
     "waktu_kalender: unknown value \"mungkin\""},
    {"keputusan without kembali_ke", SD_HEAD SD_STEP(1, "tugas") SD_STEP(2, "keputusan"), 5,
     "step 2: jenis keputusan needs kembali_ke"},
    {"kembali_ke a later step",
     SD_HEAD SD_STEP(1, "tugas") SD_STEPX(2, "keputusan", "kembali_ke: 3") SD_STEP(3, "tugas"), 5,
     "kembali_ke: 3 is not an earlier step (use 1 to 1)"},
    {"kembali_ke itself", SD_HEAD SD_STEP(1, "tugas") SD_STEPX(2, "keputusan", "kembali_ke: 2"), 5,
     "kembali_ke: 2 is not an earlier step"},
    {"keputusan first", SD_HEAD SD_STEPX(1, "keputusan", "kembali_ke: 1"), 4,
     "kembali_ke: 1 is not an earlier step"},
    {"kembali_ke on a tugas", SD_HEAD SD_STEP(1, "tugas") SD_STEPX(2, "tugas", "kembali_ke: 1"), 5,
     "kembali_ke is only for jenis keputusan"},
    {"sebar without pelaksana_unit", SD_HEAD SD_STEP(1, "sebar") SD_STEP(2, "himpun"), 4,
     "jenis sebar needs pelaksana_unit"},
    {"pelaksana_unit on a tugas", SD_HEAD SD_STEPX(1, "tugas", "pelaksana_unit: operator_unit"), 4,
     "pelaksana_unit is only for jenis sebar"},
    {"sebar without himpun", SD_HEAD SD_STEP(1, "tugas") SD_SEBAR(2) SD_STEP(3, "tugas"), 5,
     "step 2: sebar needs a himpun step after it"},
    {"himpun without sebar", SD_HEAD SD_STEP(1, "tugas") SD_STEP(2, "himpun"), 5,
     "step 2: himpun has no sebar step before it"},
    {"return into the collection",
     SD_HEAD SD_STEP(1, "tugas") SD_SEBAR(2) SD_STEP(3, "himpun")
         SD_STEPX(4, "keputusan", "kembali_ke: 3"),
     7, "step 4: kembali_ke 3 returns into the collection of unit data (steps 2-3)"},
    {"himpun before sebar", SD_HEAD SD_STEP(1, "himpun") SD_SEBAR(2) SD_STEP(3, "himpun"), 4,
     "step 1: himpun has no sebar step before it"},
    {"two sebar", SD_HEAD SD_SEBAR(1) SD_SEBAR(2) SD_STEP(3, "himpun"), 5,
     "step 2: only one sebar step is allowed (step 1 is one)"},
    {"two himpun", SD_HEAD SD_SEBAR(1) SD_STEP(2, "himpun") SD_STEP(3, "himpun"), 6,
     "step 3: only one himpun step is allowed (step 2 is one)"},
    {"two penomoran", SD_HEAD SD_STEP(1, "penomoran") SD_STEP(2, "tugas") SD_STEP(3, "penomoran"),
     6, "step 3: only one penomoran step is allowed (step 1 is one)"},
    {"format_unit after sebar",
     SD_HEAD SD_SEBAR(1) SD_STEP(2, "himpun") SD_STEPX(3, "tugas", "format_unit: true"), 6,
     "step 3: format_unit needs a sebar step at or after this step"},
    {"format_unit without sebar", SD_HEAD SD_STEPX(1, "tugas", "format_unit: true"), 4,
     "step 1: format_unit needs a sebar step"},
    {"two format_unit",
     SD_HEAD SD_STEPX(1, "tugas", "format_unit: true") SD_STEPX(2, "tugas", "format_unit: true")
         SD_SEBAR(3) SD_STEP(4, "himpun"),
     5, "step 2: format_unit: only one step may make the units' formats (step 1 does)"},
    {"format_unit on a himpun", SD_HEAD SD_SEBAR(1) SD_STEPX(2, "himpun", "format_unit: true"), 5,
     "format_unit is only for jenis tugas or sebar"},
    {"format_unit not a bool", SD_HEAD SD_STEPX(1, "tugas", "format_unit: kadang"), 4,
     "format_unit: unknown value \"kadang\""},
    {"two draft_lkip",
     SD_HEAD SD_STEPX(1, "tugas", "draft_lkip: true") SD_STEPX(2, "tugas", "draft_lkip: true"), 5,
     "step 2: draft_lkip: only one step may write the draft (step 1 does)"},
    {"draft_lkip on a penomoran", SD_HEAD SD_STEPX(1, "penomoran", "draft_lkip: true"), 4,
     "draft_lkip is only for jenis tugas"},
    {"draft_lkip not a bool", SD_HEAD SD_STEPX(1, "tugas", "draft_lkip: mungkin"), 4,
     "draft_lkip: unknown value \"mungkin\""},
    {"arsip not last", SD_HEAD SD_STEP(1, "arsip") SD_STEP(2, "tugas"), 4,
     "step 1: arsip must be the last step"},
    {"two arsip", SD_HEAD SD_STEP(1, "tugas") SD_STEP(2, "arsip") SD_STEP(3, "arsip"), 5,
     "step 2: arsip must be the last step"},
    /* reminders */
    {"percents descending",
     "code: T\nnama: Uji\npengingat:\n  persen: [75, 50]\nlangkah:\n" SD_STEP(1, "tugas"), 4,
     "pengingat: persen: 50 does not follow 75 (percents must ascend)"},
    {"percents repeated", SD_HEAD SD_STEPX(1, "tugas", "pengingat: {persen: [50, 50]}"), 4,
     "does not follow 50"},
    {"percent 100", SD_HEAD SD_STEPX(1, "tugas", "pengingat: {persen: [100]}"), 4,
     "pengingat: persen: 100 is out of range (1 to 99)"},
    {"percent 0", SD_HEAD SD_STEPX(1, "tugas", "pengingat: {persen: [0]}"), 4,
     "0 is out of range (1 to 99)"},
    {"five percents", SD_HEAD SD_STEPX(1, "tugas", "pengingat: {persen: [10, 20, 30, 40, 50]}"), 4,
     "pengingat: persen: at most 4 percents"},
    {"percents not a list", SD_HEAD SD_STEPX(1, "tugas", "pengingat: {persen: 75}"), 4,
     "pengingat: persen: expected a list of percents"},
    {"sebelum in days", SD_HEAD SD_STEPX(1, "tugas", "pengingat: {sebelum: 1 hari}"), 4,
     "pengingat: sebelum: use menit or jam"},
    {"sebelum nonsense", SD_HEAD SD_STEPX(1, "tugas", "pengingat: {sebelum: segera}"), 4,
     "pengingat: sebelum: \"segera\": expected \"<number>"},
    {"eskalasi_setiap in hours",
     SD_HEAD SD_STEPX(1, "tugas", "pengingat: {eskalasi_setiap: 2 jam}"), 4,
     "pengingat: eskalasi_setiap: use hari"},
    {"eskalasi not a bool", SD_HEAD SD_STEPX(1, "tugas", "pengingat: {eskalasi: kadang}"), 4,
     "pengingat: eskalasi: unknown value \"kadang\""},
    {"typo in pengingat",
     "code: T\nnama: Uji\npengingat:\n  persn: [50]\nlangkah:\n" SD_STEP(1, "tugas"), 4,
     "pengingat: unknown key \"persn\" (did you mean \"persen\"?)"},
    {"pengingat is a list", SD_HEAD SD_STEPX(1, "tugas", "pengingat: [75]"), 4,
     "pengingat: expected a mapping of keys, found a list"},
};

static void test_sopdef_refused_table(void **state)
{
    /* Every case runs, so that one report shows all the cases that fail. */
    int failed = 0;
    for (size_t i = 0; i < ARRAY_LEN(s_sopdef_bad); i++) {
        const s_sopdef_bad_t *b = &s_sopdef_bad[i];
        failed += !s_sopdef_refused(b->label, b->text, strlen(b->text), b->line, b->reason);
    }
    assert_int_equal(failed, 0);
}

/* ---- limits --------------------------------------------------------------------------- */

static char *s_sopdef_steps(int n)
{
    strbuf_t sb = {0};
    strbuf_puts(&sb, SD_HEAD);
    for (int i = 1; i <= n; i++)
        strbuf_printf(&sb, "  - {no: %d, uraian: u, pelaksana: staf, waktu: 1 jam, jenis: tugas}\n",
                      i);
    return strbuf_take(&sb);
}

static void test_sopdef_step_limit(void **state)
{
    char *text = s_sopdef_steps(SOPDEF_MAX_STEPS);
    sopdef_t *def = s_sopdef_ok(text);
    assert_int_equal(def->n_steps, SOPDEF_MAX_STEPS);
    sopdef_destroy(&def);
    free(text);
    text = s_sopdef_steps(SOPDEF_MAX_STEPS + 1);
    /* The 101st step is on line 3 + 101. */
    assert_true(s_sopdef_refused("101 steps", text, strlen(text), 3 + SOPDEF_MAX_STEPS + 1,
                                 "langkah: at most 100 steps"));
    free(text);
}

static void test_sopdef_text_limit(void **state)
{
    char *u = xmalloc(SOPDEF_MAX_TEXT + 2);
    memset(u, 'x', SOPDEF_MAX_TEXT + 1);
    u[SOPDEF_MAX_TEXT + 1] = '\0';
    char *bad = xasprintf(SD_HEAD "  - {no: 1, uraian: %s, pelaksana: staf, waktu: 1 jam, "
                                  "jenis: tugas}\n",
                          u);
    assert_true(s_sopdef_refused("1001 bytes", bad, strlen(bad), 4,
                                 "uraian: text is longer than 1000 bytes"));
    u[SOPDEF_MAX_TEXT] = '\0';
    char *good = xasprintf(SD_HEAD "  - {no: 1, uraian: %s, pelaksana: staf, waktu: 1 jam, "
                                   "jenis: tugas}\n",
                           u);
    sopdef_t *def = s_sopdef_ok(good);
    assert_int_equal(strlen(def->steps[0].uraian), SOPDEF_MAX_TEXT);
    sopdef_destroy(&def);
    free(good);
    free(bad);
    free(u);
}

static void test_sopdef_file_limit(void **state)
{
    /* A valid definition padded with a comment to just over 1 MiB. */
    size_t len = SOPDEF_MAX_BYTES + 1;
    char *text = xmalloc(len + 1);
    const char *head = SD_HEAD SD_STEP(1, "tugas") "#";
    memset(text, 'x', len);
    memcpy(text, head, strlen(head));
    text[len - 1] = '\n';
    text[len] = '\0';
    assert_true(s_sopdef_refused("over 1 MiB", text, len, 1, "larger than 1 MiB"));
    char err[256];
    sopdef_t *def = sopdef_parse("t.yaml", text, len - 2, err, sizeof err);
    assert_non_null(def);
    sopdef_destroy(&def);
    free(text);
}

static void test_sopdef_missing_file(void **state)
{
    char err[256];
    sopdef_t *def = sopdef_load_file("/nonexistent/sop.yaml", err, sizeof err);
    assert_null(def);
    assert_string_equal(err, "/nonexistent/sop.yaml: could not read file: No such file or "
                             "directory");
    /* A NULL buffer is allowed: the caller only wants to know. */
    assert_null(sopdef_load_file("/nonexistent/sop.yaml", NULL, 0));
    assert_null(sopdef_parse("t.yaml", "code: [", 7, NULL, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sopdef_lkip_file),
        cmocka_unit_test(test_sopdef_cuti_file),
        cmocka_unit_test(test_sopdef_reminder_defaults),
        cmocka_unit_test(test_sopdef_reminder_inheritance),
        cmocka_unit_test(test_sopdef_accepted_forms),
        cmocka_unit_test(test_sopdef_names),
        cmocka_unit_test(test_sopdef_refused_table),
        cmocka_unit_test(test_sopdef_step_limit),
        cmocka_unit_test(test_sopdef_text_limit),
        cmocka_unit_test(test_sopdef_file_limit),
        cmocka_unit_test(test_sopdef_missing_file),
    };
    return cmocka_run_group_tests_name("sopdef", tests, NULL, NULL);
}
