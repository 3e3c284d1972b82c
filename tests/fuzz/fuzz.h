/* fuzz — what the libFuzzer targets of tests/fuzz share: a NUL-terminated copy of the input and
 * a check that aborts (libFuzzer then saves the input as a crash) when a property does not hold.
 * Every target states its properties in its header comment. */
#ifndef LKIP_FUZZ_H
#define LKIP_FUZZ_H

#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts with the property's text when cond is false. */
#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: property does not hold: %s\n", __FILE__, __LINE__, #cond);     \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* The input as a C string (caller frees); bytes after a NUL are cut off, as a C API sees them. */
static inline char *fuzz_text(const uint8_t *data, size_t size)
{
    return xstrndup((const char *)data, size);
}

#endif
