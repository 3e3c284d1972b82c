/* keys — see keys.h. */
#include "keys.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

bool keys_valid_z85(const char *s)
{
    if (!s || strlen(s) != KEY_Z85_LEN)
        return false;
    uint8_t bin[32];
    return zmq_z85_decode(bin, s) != NULL;
}

static int s_write_file(const char *path, mode_t mode, const char *content)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0)
        return -errno;
    size_t len = strlen(content), off = 0;
    while (off < len) {
        ssize_t n = write(fd, content + off, len - off);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            int e = -errno;
            close(fd);
            unlink(path);
            return e;
        }
        off += (size_t)n;
    }
    if (fchmod(fd, mode) < 0 || fsync(fd) < 0) {
        int e = -errno;
        close(fd);
        unlink(path);
        return e;
    }
    close(fd);
    return 0;
}

bool keys_text_reads_as_path(const char *s)
{
    size_t n = strlen(s);
    return strncmp(s, "./", 2) == 0 || strncmp(s, "../", 3) == 0 || strncmp(s, "~/", 2) == 0 ||
           (n > 4 && (strcmp(s + n - 4, ".pub") == 0 || strcmp(s + n - 4, ".key") == 0));
}

int keys_generate(const char *path, keypair_t *out)
{
    keypair_t kp = {0};
    /* a public key that reads as a file name ("./..." is about one in 7,000) could not be given
     * as text (keys_public_from_arg): draw another, so every key lkip makes can */
    do {
        if (zmq_curve_keypair(kp.public_key, kp.secret_key) != 0)
            return -ENOTSUP;
    } while (keys_text_reads_as_path(kp.public_key));
    char *pub_path = xasprintf("%s.pub", path);
    char *secret = xasprintf("# lkip CURVE key pair: keep this file secret (mode 0600)\n"
                             "public-key = %s\nsecret-key = %s\n",
                             kp.public_key, kp.secret_key);
    char *pub = xasprintf("# lkip CURVE public key\npublic-key = %s\n", kp.public_key);
    int rc = s_write_file(path, 0600, secret);
    if (rc == 0) {
        rc = s_write_file(pub_path, 0644, pub);
        if (rc != 0)
            unlink(path);
    }
    memset(secret, 0, strlen(secret));
    free(secret);
    free(pub);
    free(pub_path);
    if (rc == 0 && out)
        *out = kp;
    return rc;
}

/* Reads "name = value" lines; '#' starts a comment. */
static int s_parse(const char *text, keypair_t *kp)
{
    const char *line = text;
    while (*line) {
        const char *end = strchr(line, '\n');
        size_t n = end ? (size_t)(end - line) : strlen(line);
        char buf[160];
        if (n < sizeof buf) {
            memcpy(buf, line, n);
            buf[n] = '\0';
            char key[32], val[64];
            if (buf[0] != '#' && sscanf(buf, " %31[a-z-] = %63s", key, val) == 2) {
                if (strcmp(key, "public-key") == 0 && keys_valid_z85(val))
                    memcpy(kp->public_key, val, KEY_Z85_LEN + 1);
                else if (strcmp(key, "secret-key") == 0 && keys_valid_z85(val))
                    memcpy(kp->secret_key, val, KEY_Z85_LEN + 1);
                else
                    return -EINVAL;
            }
        }
        line = end ? end + 1 : line + n;
    }
    return kp->public_key[0] ? 0 : -EINVAL;
}

int keys_load(const char *path, keypair_t *out)
{
    char *text;
    size_t len;
    int rc = read_file(path, 4096, &text, &len);
    if (rc != 0)
        return rc;
    keypair_t kp = {0};
    rc = s_parse(text, &kp);
    memset(text, 0, len);
    free(text);
    if (rc != 0)
        return rc;
    if (kp.secret_key[0]) {
        struct stat st;
        if (stat(path, &st) == 0 && (st.st_mode & 0077))
            return -EPERM;
    }
    *out = kp;
    return 0;
}

int keys_public_from_arg(const char *arg, char out[KEY_Z85_LEN + 1])
{
    struct stat st;
    if (stat(arg, &st) != 0) {
        if (!keys_valid_z85(arg) || keys_text_reads_as_path(arg))
            return -ENOENT;
        memcpy(out, arg, KEY_Z85_LEN + 1);
        return 0;
    }
    if (S_ISDIR(st.st_mode))
        return -EISDIR;
    keypair_t kp;
    int rc = keys_load(arg, &kp);
    if (rc == -EPERM) {
        /* a secret file with loose permissions: the public half is still fine to read */
        char *text;
        size_t len;
        rc = read_file(arg, 4096, &text, &len);
        if (rc == 0) {
            kp = (keypair_t){0};
            rc = s_parse(text, &kp);
            memset(text, 0, len);
            free(text);
        }
    }
    if (rc != 0)
        return rc;
    memcpy(out, kp.public_key, KEY_Z85_LEN + 1);
    memset(&kp, 0, sizeof kp);
    return 0;
}
