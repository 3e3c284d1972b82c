/* keys — CURVE key pairs on disk. A key file holds both keys (mode 0600); a ".pub" file beside it
 * holds only the public key, to hand to an administrator. Keys are Z85 text (40 characters). */
#ifndef LKIP_KEYS_H
#define LKIP_KEYS_H

#include "util.h"

#define KEY_Z85_LEN 40

typedef struct {
    char public_key[KEY_Z85_LEN + 1];
    char secret_key[KEY_Z85_LEN + 1]; /* empty when only a public key was read */
} keypair_t;

/* Generates a new pair and writes path (secret, 0600, refuses to overwrite) and path.pub. Its
 * public key never reads as a file name (keys_text_reads_as_path), so it can always be given as
 * text. Returns 0 or a negative errno. */
int keys_generate(const char *path, keypair_t *out) WUR;

/* Reads a key file written by keys_generate (or a .pub file: secret_key stays empty).
 * Returns 0, a negative errno, or -EINVAL when the content is not a key file. A secret key file
 * readable by group or others is refused with -EPERM. */
int keys_load(const char *path, keypair_t *out) WUR;

/* Reads a public key given either as the path of a key/.pub file or as 40 Z85 characters, the one
 * rule for every place that takes a key (--key, --server-key, server_key =, --add-user --key,
 * admin user add/set --key): an existing path is always read as a file (a clone may well put a
 * key file at a path of exactly 40 characters); text is a key only when no such file exists, it
 * decodes as Z85 and it does not read as a file name (./ ../ ~/ at the start, .pub or .key at
 * the end). Returns 0; -ENOENT when it is neither an existing file nor a key (callers name both
 * readings); -EINVAL when the file holds no key; another negative errno reading the file. */
int keys_public_from_arg(const char *arg, char out[KEY_Z85_LEN + 1]) WUR;

/* True when text reads as a file name: ./ ../ ~/ at the start, .pub or .key at the end. */
bool keys_text_reads_as_path(const char *s);

/* True when s is exactly 40 Z85 characters that decode to 32 bytes. */
bool keys_valid_z85(const char *s);

#endif
