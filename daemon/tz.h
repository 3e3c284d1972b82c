/* tz — IANA time zones read from the system's tz database (tzdata, /usr/share/zoneinfo TZif
 * files), without touching the process's TZ: converts UTC instants to local civil minutes of a
 * zone and back. Zones are loaded once and cached. Any thread: the cache is locked while a zone
 * is found or added, and a loaded zone never changes. */
#ifndef LKIP_TZ_H
#define LKIP_TZ_H

#include "calendar.h"

/* True when zone names a zone of the tz database (e.g. "Asia/Makassar"). Names with "..",
 * a leading '/' or other than [A-Za-z0-9/_+-] are never valid. */
bool tz_valid(const char *zone);

/* UTC unix seconds -> local civil minutes (rounded down). 0 or -EINVAL (unknown zone). */
int tz_to_local(const char *zone, int64_t utc, cal_min_t *local) WUR;

/* Local civil minutes -> UTC unix seconds. For a local time that occurs twice (DST fold) the
 * earlier instant; for one that never occurs (DST gap) the instant just after the gap. */
int tz_from_local(const char *zone, cal_min_t local, int64_t *utc) WUR;

/* Frees the cache (for leak checkers at exit, when no other thread runs). */
void tz_cleanup(void);

#endif
