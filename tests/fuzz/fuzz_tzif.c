/* fuzz_tzif — the TZif reader (common/tz.c) on any bytes: the input is written as the zone file
 * "Fuzz/Zone" under a private LKIP_ZONEINFO folder, loaded afresh, and converted both ways at
 * instants over the supported range. Properties: no crash, leak or undefined behaviour; a local
 * time is within 26 hours of its UTC instant both ways (RFC 8536's offset bound); the offset
 * tz_info tells is the one tz_to_local used, and its abbreviation is 1 to TZ_ABBR_SIZE - 1
 * characters of [A-Za-z0-9+-] (it is printed to people). */
#include "fuzz.h"
#include "tz.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define S_WINDOW (26 * 3600)

static char s_dir[200];  /* the private zoneinfo folder */
static char s_sub[220];  /* its "Fuzz" folder */
static char s_file[256]; /* the zone file, rewritten for every input */

/* Removes the zone file and its folders when the fuzzer exits. */
static void s_cleanup(void)
{
    unlink(s_file);
    rmdir(s_sub);
    rmdir(s_dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    /* a file is written for every input: memory (/dev/shm) is ten times faster than a disk */
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp)
        tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(s_dir, sizeof s_dir, "%s/lkip-fuzz-tz-%d", tmp, (int)getpid());
    snprintf(s_sub, sizeof s_sub, "%s/Fuzz", s_dir);
    if ((mkdir(s_dir, 0700) != 0 && errno != EEXIST) ||
        (mkdir(s_sub, 0700) != 0 && errno != EEXIST))
        abort();
    snprintf(s_file, sizeof s_file, "%s/Zone", s_sub);
    setenv("LKIP_ZONEINFO", s_dir, 1);
    atexit(s_cleanup);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *f = fopen(s_file, "wb");
    FUZZ_CHECK(f != NULL);
    FUZZ_CHECK(fwrite(data, 1, size, f) == size || size == 0);
    FUZZ_CHECK(fclose(f) == 0);
    tz_cleanup();
    if (!tz_valid("Fuzz/Zone"))
        return 0;
    /* 0001-01-01, 1901, 1970, 2026, 2038 and after, 9999-12-31 */
    static const int64_t at[] = {-62135596800LL, -2147483648LL, -1,           0,
                                 1773734400LL,   2147483647LL,  4102444800LL, 253402300799LL};
    for (size_t i = 0; i < ARRAY_LEN(at); i++) {
        cal_min_t local;
        if (tz_to_local("Fuzz/Zone", at[i], &local) == 0) {
            int64_t diff = local * 60 - at[i];
            FUZZ_CHECK(diff > -S_WINDOW - 60 && diff < S_WINDOW + 60);
            tz_info_t info;
            FUZZ_CHECK(tz_info("Fuzz/Zone", at[i], &info) == 0);
            FUZZ_CHECK(local == cal_floor_div(at[i] + info.utoff, 60));
            size_t n = strnlen(info.abbr, sizeof info.abbr);
            FUZZ_CHECK(n > 0 && n < sizeof info.abbr &&
                       strspn(info.abbr, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                         "0123456789+-") == n);
        }
        int64_t utc;
        cal_min_t l = at[i] / 60;
        if (tz_from_local("Fuzz/Zone", l, &utc) == 0) {
            int64_t diff = l * 60 - utc;
            FUZZ_CHECK(diff > -2 * S_WINDOW && diff < 2 * S_WINDOW);
        }
    }
    tz_cleanup();
    return 0;
}
