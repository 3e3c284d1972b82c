/* test_keys — common/keys: key pair files (modes, no overwrite), loading, loose permissions and
 * public keys given as text or as a file. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "keys.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char s_dir[256]; /* this test's temp folder */

static int s_remove(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    return remove(path);
}

static int s_setup(void **state)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(s_dir, sizeof s_dir, "%s/lkip-keys-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    return mkdtemp(s_dir) ? 0 : -1;
}

static int s_teardown(void **state)
{
    return nftw(s_dir, s_remove, 8, FTW_DEPTH | FTW_PHYS);
}

/* A path in the temp folder; caller frees. */
static char *s_path(const char *name)
{
    return xasprintf("%s/%s", s_dir, name);
}

static void s_write(const char *path, const char *text, mode_t mode)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(chmod(path, mode), 0);
}

static mode_t s_mode(const char *path)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    return st.st_mode & 07777;
}

static void test_generate_writes_secret_and_pub(void **state)
{
    char *path = s_path("client.key");
    char *pub = xasprintf("%s.pub", path);
    keypair_t kp;
    assert_int_equal(keys_generate(path, &kp), 0);
    assert_true(keys_valid_z85(kp.public_key));
    assert_true(keys_valid_z85(kp.secret_key));
    assert_int_equal(s_mode(path), 0600);
    assert_int_equal(s_mode(pub), 0644);

    char *text;
    size_t len;
    assert_int_equal(read_file(pub, 4096, &text, &len), 0);
    assert_non_null(strstr(text, kp.public_key));
    assert_null(strstr(text, kp.secret_key));
    free(text);
    assert_int_equal(read_file(path, 4096, &text, &len), 0);
    assert_non_null(strstr(text, kp.secret_key));
    free(text);
    free(pub);
    free(path);
}

static void test_generate_refuses_overwrite(void **state)
{
    char *path = s_path("once.key");
    keypair_t first, again, loaded;
    assert_int_equal(keys_generate(path, &first), 0);
    assert_int_equal(keys_generate(path, &again), -EEXIST);
    assert_int_equal(keys_load(path, &loaded), 0);
    assert_string_equal(loaded.public_key, first.public_key);
    assert_string_equal(loaded.secret_key, first.secret_key);
    free(path);

    /* a stray .pub blocks the pair, and no half-written secret file is left behind */
    path = s_path("stray.key");
    char *pub = xasprintf("%s.pub", path);
    s_write(pub, "something else\n", 0644);
    assert_int_equal(keys_generate(path, &again), -EEXIST);
    assert_int_equal(access(path, F_OK), -1);
    free(pub);
    free(path);
}

static void test_load_round_trip(void **state)
{
    char *path = s_path("pair.key");
    char *pub = xasprintf("%s.pub", path);
    keypair_t kp, loaded;
    assert_int_equal(keys_generate(path, &kp), 0);
    assert_int_equal(keys_load(path, &loaded), 0);
    assert_string_equal(loaded.public_key, kp.public_key);
    assert_string_equal(loaded.secret_key, kp.secret_key);
    /* a .pub file gives the public half only */
    assert_int_equal(keys_load(pub, &loaded), 0);
    assert_string_equal(loaded.public_key, kp.public_key);
    assert_string_equal(loaded.secret_key, "");
    free(pub);
    free(path);
}

static void test_load_refuses_loose_permissions(void **state)
{
    char *path = s_path("loose.key");
    keypair_t kp, loaded;
    assert_int_equal(keys_generate(path, &kp), 0);
    assert_int_equal(chmod(path, 0640), 0);
    assert_int_equal(keys_load(path, &loaded), -EPERM);
    assert_int_equal(chmod(path, 0604), 0);
    assert_int_equal(keys_load(path, &loaded), -EPERM);
    assert_int_equal(chmod(path, 0400), 0);
    assert_int_equal(keys_load(path, &loaded), 0);
    free(path);
}

static void test_load_refuses_garbage(void **state)
{
    keypair_t kp;
    char *path = s_path("garbage.key");
    s_write(path, "hello\nworld\n", 0600);
    assert_int_equal(keys_load(path, &kp), -EINVAL);
    free(path);

    path = s_path("short.key");
    s_write(path, "public-key = tooShort\n", 0600);
    assert_int_equal(keys_load(path, &kp), -EINVAL);
    free(path);

    path = s_path("missing.key");
    assert_int_equal(keys_load(path, &kp), -ENOENT);
    free(path);
}

static void test_public_from_arg(void **state)
{
    char *path = s_path("arg.key");
    char *pub = xasprintf("%s.pub", path);
    keypair_t kp;
    assert_int_equal(keys_generate(path, &kp), 0);
    char out[KEY_Z85_LEN + 1];

    assert_int_equal(keys_public_from_arg(kp.public_key, out), 0);
    assert_string_equal(out, kp.public_key);
    memset(out, 0, sizeof out);
    assert_int_equal(keys_public_from_arg(pub, out), 0);
    assert_string_equal(out, kp.public_key);
    memset(out, 0, sizeof out);
    assert_int_equal(keys_public_from_arg(path, out), 0);
    assert_string_equal(out, kp.public_key);
    /* the public half of a secret file with loose permissions is still fine to read */
    assert_int_equal(chmod(path, 0644), 0);
    memset(out, 0, sizeof out);
    assert_int_equal(keys_public_from_arg(path, out), 0);
    assert_string_equal(out, kp.public_key);
    free(pub);
    free(path);
}

static void test_public_from_arg_refuses_garbage(void **state)
{
    char out[KEY_Z85_LEN + 1];
    assert_true(keys_public_from_arg("not-a-key", out) < 0);
    assert_true(keys_public_from_arg("", out) < 0);
    /* 40 characters, but not Z85 (and no such file) */
    assert_true(keys_public_from_arg("                                        ", out) < 0);
    char *path = s_path("words.txt");
    s_write(path, "# just a comment\nsome words\n", 0644);
    assert_int_equal(keys_public_from_arg(path, out), -EINVAL);
    free(path);
}

/* Writes a fresh key pair whose .pub file is at rel (relative to the temp folder); returns its
 * public key in pub. */
static void s_pub_at(const char *rel, char pub[KEY_Z85_LEN + 1])
{
    char *secret = s_path("forty.key");
    keypair_t kp;
    assert_int_equal(keys_generate(secret, &kp), 0);
    char *text;
    size_t len;
    char *from = xasprintf("%s.pub", secret);
    assert_int_equal(read_file(from, 4096, &text, &len), 0);
    char *to = s_path(rel);
    s_write(to, text, 0644);
    memcpy(pub, kp.public_key, KEY_Z85_LEN + 1);
    free(text);
    free(to);
    free(from);
    free(secret);
}

/* Issue 9: a key file at a path of exactly 40 characters (a clone at /srv/lk puts
 * var/clients/admin/client.key.pub there) is read as the file, never taken as the key itself. */
static void test_public_from_arg_forty_character_path(void **state)
{
    char old_cwd[4096];
    assert_non_null(getcwd(old_cwd, sizeof old_cwd));
    assert_int_equal(chdir(s_dir), 0);
    assert_int_equal(mkdir("srv", 0755), 0);
    assert_int_equal(mkdir("srv/lk-var-clients", 0755), 0);
    /* every character is in the Z85 alphabet: the text decodes as a key too */
    const char *pub_path = "srv/lk-var-clients/admin.client1.key.pub";
    const char *bare_path = "srv/lk-var-clients/admin-client-public01";
    assert_int_equal(strlen(pub_path), KEY_Z85_LEN);
    assert_int_equal(strlen(bare_path), KEY_Z85_LEN);
    assert_true(keys_valid_z85(pub_path));
    assert_true(keys_valid_z85(bare_path));
    char pub[KEY_Z85_LEN + 1], out[KEY_Z85_LEN + 1];

    s_pub_at(pub_path, pub);
    assert_int_equal(keys_public_from_arg(pub_path, out), 0);
    assert_string_equal(out, pub);
    assert_int_equal(remove(pub_path), 0);
    char *secret = s_path("forty.key");
    char *secret_pub = xasprintf("%s.pub", secret);
    assert_int_equal(remove(secret), 0);
    assert_int_equal(remove(secret_pub), 0);

    /* no ending that names a file, still the file while it exists */
    s_pub_at(bare_path, pub);
    assert_int_equal(keys_public_from_arg(bare_path, out), 0);
    assert_string_equal(out, pub);
    assert_int_equal(remove(bare_path), 0);

    /* gone: a name ending in .pub is neither a file nor a key (the caller names both) */
    assert_int_equal(keys_public_from_arg(pub_path, out), -ENOENT);
    /* a folder is no key file */
    assert_int_equal(keys_public_from_arg("srv", out), -EISDIR);
    assert_int_equal(chdir(old_cwd), 0);
    free(secret_pub);
    free(secret);
}

/* A key that reads as a file name cannot be given as text, so lkip never makes one: every key
 * keys_generate writes is taken as text where no file of that name exists. */
static void test_generated_keys_read_as_keys(void **state)
{
    assert_true(keys_text_reads_as_path("./I6)qN#Gw)-?3rwkg0pD-06toVGLBOQQN:T+5uo"));
    assert_true(keys_text_reads_as_path("../6)qN#Gw)-?3rwkg0pD-06toVGLBOQQN:T+5uo"));
    assert_true(keys_text_reads_as_path("I6)qN#Gw)-?3rwkg0pD-06toVGLBOQQN:T+.pub"));
    assert_false(keys_text_reads_as_path("I6)qN#Gw)-?3rwkg0pD-06toVGLBOQQN:T+5uo/"));
    char out[KEY_Z85_LEN + 1];
    assert_int_equal(keys_public_from_arg("./I6)qN#Gw)-?3rwkg0pD-06toVGLBOQQN:T+5uo", out),
                     -ENOENT);
    for (int i = 0; i < 300; i++) {
        char name[32];
        snprintf(name, sizeof name, "gen-%d.key", i);
        char *path = s_path(name);
        char *pub = xasprintf("%s.pub", path);
        keypair_t kp;
        assert_int_equal(keys_generate(path, &kp), 0);
        assert_false(keys_text_reads_as_path(kp.public_key));
        assert_int_equal(keys_public_from_arg(kp.public_key, out), 0);
        assert_string_equal(out, kp.public_key);
        assert_int_equal(remove(path), 0);
        assert_int_equal(remove(pub), 0);
        free(pub);
        free(path);
    }
}

static void test_valid_z85(void **state)
{
    keypair_t kp;
    char *path = s_path("z85.key");
    assert_int_equal(keys_generate(path, &kp), 0);
    free(path);
    assert_true(keys_valid_z85(kp.public_key));
    assert_false(keys_valid_z85(NULL));
    assert_false(keys_valid_z85(""));
    char buf[64];
    snprintf(buf, sizeof buf, "%.39s", kp.public_key);
    assert_false(keys_valid_z85(buf));
    snprintf(buf, sizeof buf, "%sA", kp.public_key);
    assert_false(keys_valid_z85(buf));
    snprintf(buf, sizeof buf, "%s", kp.public_key);
    buf[10] = ' '; /* not in the Z85 alphabet */
    assert_false(keys_valid_z85(buf));
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_generate_writes_secret_and_pub),
        cmocka_unit_test(test_generate_refuses_overwrite),
        cmocka_unit_test(test_load_round_trip),
        cmocka_unit_test(test_load_refuses_loose_permissions),
        cmocka_unit_test(test_load_refuses_garbage),
        cmocka_unit_test(test_public_from_arg),
        cmocka_unit_test(test_public_from_arg_refuses_garbage),
        cmocka_unit_test(test_public_from_arg_forty_character_path),
        cmocka_unit_test(test_valid_z85),
        cmocka_unit_test(test_generated_keys_read_as_keys),
    };
    return cmocka_run_group_tests(tests, s_setup, s_teardown);
}
