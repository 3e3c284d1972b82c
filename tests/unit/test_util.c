/* test_util — common/util: the string buffer, UTF-8 text checks, whole-file reads and SHA-256. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char s_dir[256]; /* a temp folder for the file tests */

static int s_setup(void **state)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(s_dir, sizeof s_dir, "%s/lkip-util-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    return mkdtemp(s_dir) ? 0 : -1;
}

static int s_teardown(void **state)
{
    char path[512];
    static const char *const names[] = {"exact", "empty"};
    for (size_t i = 0; i < ARRAY_LEN(names); i++) {
        snprintf(path, sizeof path, "%s/%s", s_dir, names[i]);
        unlink(path);
    }
    return rmdir(s_dir);
}

/* Writes len bytes of 'x' to s_dir/name; returns the path (caller frees). */
static char *s_write(const char *name, size_t len)
{
    char *path = xasprintf("%s/%s", s_dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    for (size_t i = 0; i < len; i++)
        fputc('x', f);
    assert_int_equal(fclose(f), 0);
    return path;
}

static bool s_clean(const char *s, bool single_line)
{
    return text_is_clean(s, strlen(s), single_line);
}

/* ---- strbuf ------------------------------------------------------------------------------- */

static void test_strbuf_empty(void **state)
{
    strbuf_t sb = {0};
    assert_string_equal(strbuf_str(&sb), "");
    assert_int_equal(sb.len, 0);
    char *s = strbuf_take(&sb);
    assert_string_equal(s, "");
    free(s);
    strbuf_free(&sb);
    strbuf_free(&sb); /* twice is fine */
}

static void test_strbuf_append_printf_take(void **state)
{
    strbuf_t sb = {0};
    strbuf_puts(&sb, "step ");
    strbuf_printf(&sb, "%d of %s", 7, "LKIP");
    strbuf_append(&sb, "!xyz", 1);
    assert_string_equal(strbuf_str(&sb), "step 7 of LKIP!");
    assert_int_equal(sb.len, strlen("step 7 of LKIP!"));
    char *s = strbuf_take(&sb);
    assert_string_equal(s, "step 7 of LKIP!");
    assert_null(sb.data);
    assert_int_equal(sb.len, 0);
    free(s);

    strbuf_puts(&sb, "abc");
    strbuf_reset(&sb);
    assert_string_equal(strbuf_str(&sb), "");
    strbuf_puts(&sb, "d");
    assert_string_equal(strbuf_str(&sb), "d");
    strbuf_free(&sb);
}

static void test_strbuf_grows(void **state)
{
    strbuf_t sb = {0};
    for (int i = 0; i < 10000; i++)
        strbuf_append(&sb, "ab", 2);
    assert_int_equal(sb.len, 20000);
    assert_true(sb.cap > sb.len);
    assert_int_equal(strlen(strbuf_str(&sb)), 20000);
    strbuf_printf(&sb, "%05d", 42);
    assert_string_equal(strbuf_str(&sb) + 20000, "00042");
    strbuf_free(&sb);

    char *s = xasprintf("%s-%u", "unit", 3u);
    assert_string_equal(s, "unit-3");
    free(s);
    s = xstrndup("abcdef", 3);
    assert_string_equal(s, "abc");
    free(s);
}

/* ---- text_is_clean ------------------------------------------------------------------------ */

static void test_text_valid_utf8(void **state)
{
    assert_true(s_clean("", true));
    assert_true(s_clean("kasubag.perencanaan", true));
    assert_true(s_clean("Bidang Informasi \xe2\x80\x93 Komunikasi", true)); /* en dash */
    assert_true(s_clean("\xc2\xa9 \xdf\xbf", true));                        /* U+00A9, U+07FF */
    assert_true(s_clean("\xe0\xa0\x80 \xed\x9f\xbf \xee\x80\x80", true));   /* U+0800 D7FF E000 */
    assert_true(s_clean("\xf0\x90\x80\x80 \xf0\x9f\x98\x80", true));        /* U+10000, emoji */
    assert_true(s_clean("\xf4\x8f\xbf\xbf", true));                         /* U+10FFFF */
}

static void test_text_line_breaks(void **state)
{
    assert_true(s_clean("baris satu\nbaris\tdua", false));
    assert_false(s_clean("baris satu\nbaris dua", true));
    assert_false(s_clean("kolom\tdua", true));
    assert_false(s_clean("bell\a", false));
    assert_false(s_clean("esc\x1b[0m", false));
    assert_false(s_clean("del\x7f", false));
    assert_false(text_is_clean("nul\0inside", 10, false));
    /* only len bytes are looked at */
    assert_true(text_is_clean("abc\xff", 3, true));
}

static void test_text_invalid_utf8(void **state)
{
    assert_false(s_clean("\x80", false));       /* lone continuation byte */
    assert_false(s_clean("\xc3\x28", false));   /* bad continuation */
    assert_false(s_clean("\xe2\x82", false));   /* truncated at the end */
    assert_false(s_clean("\xe2\x82 x", false)); /* truncated in the middle */
    assert_false(s_clean("\xff", false));       /* never valid */
    assert_false(s_clean("\xfe", false));
    assert_false(s_clean("\xf8\x88\x80\x80\x80", false)); /* 5-byte form */
    assert_false(s_clean("\xf4\x90\x80\x80", false));     /* above U+10FFFF */
    assert_false(s_clean("\xf5\x80\x80\x80", false));
}

static void test_text_overlongs_and_surrogates(void **state)
{
    assert_false(s_clean("\xc0\xaf", false)); /* '/' in two bytes */
    assert_false(s_clean("\xc1\xbf", false));
    assert_false(s_clean("\xc0\x80", false));                 /* NUL in two bytes */
    assert_false(s_clean("\xe0\x80\xaf", false));             /* '/' in three bytes */
    assert_false(s_clean("\xe0\x9f\xbf", false));             /* U+07FF in three bytes */
    assert_false(s_clean("\xf0\x80\x80\xaf", false));         /* '/' in four bytes */
    assert_false(s_clean("\xf0\x8f\xbf\xbf", false));         /* U+FFFF in four bytes */
    assert_false(s_clean("\xed\xa0\x80", false));             /* U+D800 */
    assert_false(s_clean("\xed\xbf\xbf", false));             /* U+DFFF */
    assert_false(s_clean("\xed\xa0\xbd\xed\xb8\x80", false)); /* CESU-8 surrogate pair */
}

/* ---- read_file ---------------------------------------------------------------------------- */

static void test_read_file_limits(void **state)
{
    char *path = s_write("exact", 100);
    char *data = NULL;
    size_t len = 0;
    assert_int_equal(read_file(path, 100, &data, &len), 0);
    assert_int_equal(len, 100);
    assert_int_equal(data[100], '\0');
    assert_int_equal(data[99], 'x');
    free(data);
    data = NULL;
    assert_int_equal(read_file(path, 99, &data, &len), -EFBIG);
    assert_null(data);
    free(path);

    path = s_write("empty", 0);
    assert_int_equal(read_file(path, 10, &data, &len), 0);
    assert_int_equal(len, 0);
    assert_string_equal(data, "");
    free(data);
    free(path);

    path = xasprintf("%s/missing", s_dir);
    assert_int_equal(read_file(path, 10, &data, &len), -ENOENT);
    free(path);
    assert_int_equal(read_file(s_dir, 10, &data, &len), -EINVAL);
}

/* Files whose size stat does not know (procfs says 0) are read by growing the buffer. */
static void test_read_file_unknown_size(void **state)
{
    char *data = NULL;
    size_t len = 0;
    assert_int_equal(read_file("/proc/self/status", 1 << 20, &data, &len), 0);
    assert_true(len > 16);
    assert_int_equal(strlen(data), len);
    assert_non_null(strstr(data, "Name:"));
    free(data);
    data = NULL;
    assert_int_equal(read_file("/proc/self/status", 16, &data, &len), -EFBIG);
    assert_null(data);
}

/* ---- sha256_hex and time ------------------------------------------------------------------ */

static void test_sha256_hex(void **state)
{
    char out[65];
    sha256_hex("abc", 3, out);
    assert_string_equal(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    sha256_hex("", 0, out);
    assert_string_equal(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void test_monotonic_ms(void **state)
{
    int64_t a = monotonic_ms();
    int64_t b = monotonic_ms();
    assert_true(a > 0);
    assert_true(b >= a);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strbuf_empty),
        cmocka_unit_test(test_strbuf_append_printf_take),
        cmocka_unit_test(test_strbuf_grows),
        cmocka_unit_test(test_text_valid_utf8),
        cmocka_unit_test(test_text_line_breaks),
        cmocka_unit_test(test_text_invalid_utf8),
        cmocka_unit_test(test_text_overlongs_and_surrogates),
        cmocka_unit_test(test_read_file_limits),
        cmocka_unit_test(test_read_file_unknown_size),
        cmocka_unit_test(test_sha256_hex),
        cmocka_unit_test(test_monotonic_ms),
    };
    return cmocka_run_group_tests(tests, s_setup, s_teardown);
}
