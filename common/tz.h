/* tz — IANA time zones read from the system's tz database (tzdata, /usr/share/zoneinfo TZif
 * files), without touching the process's TZ or the C library's time zone state: converts UTC
 * instants to local civil minutes of a zone and back (the daemon's deadlines), and tells the
 * offset and abbreviation ("WITA") a zone has at an instant (the client's time texts). Zones are
 * loaded once and cached. Any thread: the cache is locked while a zone is found or added, and a
 * loaded zone never changes. */
#ifndef LKIP_TZ_H
#define LKIP_TZ_H

#include "civil.h"

/* Room for a zone abbreviation and its NUL: tzdata's are 3 to 6 characters ("WIB", "+0530"). */
#define TZ_ABBR_SIZE 16

/* What a zone's clocks show at one instant. */
typedef struct {
    int32_t utoff;           /* seconds east of UTC (WITA: 28800) */
    bool isdst;              /* daylight saving time is in effect */
    char abbr[TZ_ABBR_SIZE]; /* "WITA", "CEST", "+04"; the numeric offset when the file's is
                                unusable */
} tz_info_t;

/* True when zone names a zone of the tz database (e.g. "Asia/Makassar"). Names with "..",
 * a leading '/' or other than [A-Za-z0-9/_+-] are never valid. */
bool tz_valid(const char *zone);

/* UTC unix seconds -> local civil minutes (rounded down). 0, -EINVAL (unknown zone) or
 * -ERANGE (outside 0001-01-01 ... 9999-12-31). */
int tz_to_local(const char *zone, int64_t utc, cal_min_t *local) WUR;

/* Local civil minutes -> UTC unix seconds. For a local time that occurs twice (DST fold) the
 * earlier instant; for one that never occurs (DST gap) the instant just after the gap. */
int tz_from_local(const char *zone, cal_min_t local, int64_t *utc) WUR;

/* The offset and abbreviation of zone at UTC unix seconds utc. 0, -EINVAL (unknown zone) or
 * -ERANGE (as tz_to_local). */
int tz_info(const char *zone, int64_t utc, tz_info_t *info) WUR;

/* Frees the cache (for leak checkers at exit, when no other thread runs). */
void tz_cleanup(void);

#endif
