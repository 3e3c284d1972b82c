/* civil — proleptic Gregorian dates, with no clock and no time zone: days since 1970-01-01 to
 * and from year, month and day, weekdays, leap years. Used by the daemon's working-time calendar,
 * by tz (UTC <-> a zone's local time) and by the client's time texts. Pure; any thread. */
#ifndef LKIP_CIVIL_H
#define LKIP_CIVIL_H

#include "util.h"

/* Local civil time: minutes since 1970-01-01 00:00 in some zone (an organisation's). */
typedef int64_t cal_min_t;
/* A local date: days since 1970-01-01. */
typedef int32_t cal_day_t;

cal_day_t cal_days_from_civil(int year, int month, int day);
void cal_civil_from_days(cal_day_t days, int *year, int *month, int *day);
int cal_weekday(cal_day_t days); /* 0 Sunday ... 6 Saturday */
bool cal_is_leap(int64_t year);
int cal_days_in_month(int64_t year, int month); /* month 1..12 */
/* A date "YYYY-MM-DD" can spell: year 1..9999, a month's real days. */
bool cal_civil_valid(int64_t year, int month, int day);

/* a / b rounded toward minus infinity (C's / truncates toward zero: wrong before 1970). */
int64_t cal_floor_div(int64_t a, int64_t b);

#endif
