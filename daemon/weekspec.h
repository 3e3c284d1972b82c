/* weekspec — working weeks as people write them:
 *   "senin-kamis=07:30-12:00,13:00-16:00;jumat=07:30-11:30,13:00-16:30"
 * Day names are Indonesian (minggu senin selasa rabu kamis jumat sabtu; "jum'at" too), a range
 * covers the days between; days not named have no working time. Pure. Any thread. */
#ifndef LKIP_WEEKSPEC_H
#define LKIP_WEEKSPEC_H

#include "calendar.h"

/* Parses text into week. A week must hold some working time, and a day named must say its hours
 * ("senin=" is refused; a day off is "libur" or not named). Returns 0, or -EINVAL with a reason
 * (Bahasa Indonesia) in why. What weekspec_format writes of a parsed week parses back to it. */
int weekspec_parse(const char *text, cal_week_t *week, char *why, size_t len) WUR;

/* Writes week in the same notation, grouping consecutive days with equal hours. */
void weekspec_format(const cal_week_t *week, char *buf, size_t len);

#endif
