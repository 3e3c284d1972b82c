/* calendar — working-time arithmetic of one organisation (LKIP.md, "Working time"). Pure: every
 * time is a local civil minute (tz.c converts), and nothing here reads a clock or a file.
 *
 * A calendar is a regular week, a sorted array of holidays (binary search) and a sorted array of
 * non-overlapping special periods (binary search). Every computation walks day by day and uses the
 * day's working stretches, so a deadline a few years away costs a few thousand cheap steps.
 *
 * Supported range: dates 0001-01-01 ... 9999-12-31. Beyond it a cal_min_t no longer converts to a
 * cal_day_t for long, and no SOP deadline lies there; the bound also bounds every day loop. Times
 * outside the range hold no working time, and results that would leave it are -ERANGE. */
#include "calendar.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define S_DAY_MIN (-719162) /* 0001-01-01 */
#define S_DAY_MAX 2932896   /* 9999-12-31 */
#define S_MIN_LO  ((cal_min_t)S_DAY_MIN * CAL_MINUTES_PER_DAY)
#define S_MIN_HI  (((cal_min_t)S_DAY_MAX + 1) * CAL_MINUTES_PER_DAY) /* exclusive */
/* How far a search for the next working time looks before giving up (calendar.h: 3660). */
#define S_SEARCH_DAYS 3660

/* A special period: a stretch of dates with its own working week (e.g. Ramadan). */
typedef struct {
    cal_day_t first; /* first date of the period */
    cal_day_t last;  /* last date of the period, inclusive */
    cal_week_t week; /* the working hours that replace the regular week on these dates */
} period_t;

struct calendar {
    cal_week_t week;     /* regular working hours */
    cal_day_t *holidays; /* ascending, no duplicates */
    size_t n_holidays;   /* dates used in holidays */
    size_t cap_holidays; /* dates allocated in holidays */
    period_t *periods;   /* ascending by first, not overlapping */
    size_t n_periods;    /* periods used */
    size_t cap_periods;  /* periods allocated */
};

/* The hours of a day without working time (holidays). */
static const cal_hours_t s_no_hours = {0};

/* ---- the week ------------------------------------------------------------------------------ */

void calendar_default_week(cal_week_t *week)
{
    static const cal_hours_t mon_thu = {2, {{450, 720}, {780, 960}}}; /* 07:30-12:00 13:00-16:00 */
    static const cal_hours_t fri = {2, {{450, 690}, {780, 990}}};     /* 07:30-11:30 13:00-16:30 */
    memset(week, 0, sizeof(*week));
    for (int d = 1; d <= 4; d++)
        week->day[d] = mon_thu;
    week->day[5] = fri;
}

static bool s_hours_valid(const cal_hours_t *h)
{
    if (h->n < 0 || h->n > CAL_MAX_SPANS)
        return false;
    for (int i = 0; i < h->n; i++) {
        const cal_span_t *s = &h->span[i];
        if (s->start < 0 || s->start >= s->end || s->end > CAL_MINUTES_PER_DAY)
            return false;
        /* Touching stretches ([a,b) then [b,c)) do not overlap and are allowed. */
        if (i > 0 && s->start < h->span[i - 1].end)
            return false;
    }
    return true;
}

int calendar_check_week(const cal_week_t *week)
{
    if (!week)
        return -EINVAL;
    for (int d = 0; d < 7; d++)
        if (!s_hours_valid(&week->day[d]))
            return -EINVAL;
    return 0;
}

/* ---- the calendar -------------------------------------------------------------------------- */

calendar_t *calendar_new(const cal_week_t *week)
{
    if (calendar_check_week(week) != 0)
        return NULL;
    calendar_t *self = xcalloc(1, sizeof(*self));
    self->week = *week;
    return self;
}

void calendar_destroy(calendar_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    calendar_t *self = *self_p;
    free(self->holidays);
    free(self->periods);
    free(self);
    *self_p = NULL;
}

/* Index of the first holiday >= day (n_holidays when none). */
static size_t s_holiday_lower_bound(const calendar_t *self, cal_day_t day)
{
    size_t lo = 0, hi = self->n_holidays;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (self->holidays[mid] < day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

void calendar_add_holiday(calendar_t *self, cal_day_t day)
{
    size_t i = s_holiday_lower_bound(self, day);
    if (i < self->n_holidays && self->holidays[i] == day)
        return;
    if (self->n_holidays == self->cap_holidays) {
        self->cap_holidays = self->cap_holidays ? self->cap_holidays * 2 : 32;
        self->holidays = xrealloc(self->holidays, self->cap_holidays * sizeof(cal_day_t));
    }
    memmove(&self->holidays[i + 1], &self->holidays[i], (self->n_holidays - i) * sizeof(cal_day_t));
    self->holidays[i] = day;
    self->n_holidays++;
}

void calendar_remove_holiday(calendar_t *self, cal_day_t day)
{
    size_t i = s_holiday_lower_bound(self, day);
    if (i == self->n_holidays || self->holidays[i] != day)
        return;
    memmove(&self->holidays[i], &self->holidays[i + 1],
            (self->n_holidays - i - 1) * sizeof(cal_day_t));
    self->n_holidays--;
}

bool calendar_is_holiday(const calendar_t *self, cal_day_t day)
{
    size_t i = s_holiday_lower_bound(self, day);
    return i < self->n_holidays && self->holidays[i] == day;
}

bool calendar_year_has_holidays(const calendar_t *self, int year)
{
    size_t i = s_holiday_lower_bound(self, cal_days_from_civil(year, 1, 1));
    return i < self->n_holidays && self->holidays[i] < cal_days_from_civil(year + 1, 1, 1);
}

/* Index of the first period whose first date is > day (n_periods when none). */
static size_t s_period_upper_bound(const calendar_t *self, cal_day_t day)
{
    size_t lo = 0, hi = self->n_periods;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (self->periods[mid].first <= day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The period that contains day, or NULL. */
static const period_t *s_period_at(const calendar_t *self, cal_day_t day)
{
    size_t i = s_period_upper_bound(self, day);
    if (i == 0 || self->periods[i - 1].last < day)
        return NULL;
    return &self->periods[i - 1];
}

int calendar_add_period(calendar_t *self, cal_day_t first, cal_day_t last, const cal_week_t *week)
{
    if (last < first || calendar_check_week(week) != 0)
        return -EINVAL;
    /* Periods are sorted and disjoint, so only the neighbours of the insertion point can
     * overlap the new one. */
    size_t i = s_period_upper_bound(self, first);
    if (i > 0 && self->periods[i - 1].last >= first)
        return -EEXIST;
    if (i < self->n_periods && self->periods[i].first <= last)
        return -EEXIST;
    if (self->n_periods == self->cap_periods) {
        self->cap_periods = self->cap_periods ? self->cap_periods * 2 : 4;
        self->periods = xrealloc(self->periods, self->cap_periods * sizeof(period_t));
    }
    memmove(&self->periods[i + 1], &self->periods[i], (self->n_periods - i) * sizeof(period_t));
    self->periods[i] = (period_t){.first = first, .last = last, .week = *week};
    self->n_periods++;
    return 0;
}

const cal_hours_t *calendar_hours(const calendar_t *self, cal_day_t day)
{
    if (calendar_is_holiday(self, day))
        return &s_no_hours;
    const period_t *p = s_period_at(self, day);
    const cal_week_t *week = p ? &p->week : &self->week;
    return &week->day[cal_weekday(day)];
}

/* ---- working-time arithmetic --------------------------------------------------------------- */

static cal_day_t s_day_of(cal_min_t t)
{
    return (cal_day_t)cal_floor_div(t, CAL_MINUTES_PER_DAY);
}

static cal_min_t s_day_start(cal_day_t day)
{
    return (cal_min_t)day * CAL_MINUTES_PER_DAY;
}

static bool s_in_range(cal_min_t t)
{
    return t >= S_MIN_LO && t < S_MIN_HI;
}

/* The first date in [from, from + S_SEARCH_DAYS] (and in range) with working time; false when
 * there is none. */
static bool s_next_working_day(const calendar_t *self, cal_day_t from, cal_day_t *out)
{
    int64_t stop = (int64_t)from + S_SEARCH_DAYS;
    if (stop > S_DAY_MAX)
        stop = S_DAY_MAX;
    for (int64_t d = from; d <= stop; d++) {
        if (calendar_hours(self, (cal_day_t)d)->n > 0) {
            *out = (cal_day_t)d;
            return true;
        }
    }
    return false;
}

/* t itself when it is working time, else the start of the next stretch (false: none). */
static bool s_next_working(const calendar_t *self, cal_min_t t, cal_min_t *out)
{
    if (!s_in_range(t))
        return false;
    cal_day_t day = s_day_of(t);
    int clock = (int)(t - s_day_start(day));
    const cal_hours_t *h = calendar_hours(self, day);
    for (int i = 0; i < h->n; i++) {
        if (clock < h->span[i].end) {
            *out = s_day_start(day) + (clock > h->span[i].start ? clock : h->span[i].start);
            return true;
        }
    }
    if (!s_next_working_day(self, day + 1, &day))
        return false;
    *out = s_day_start(day) + calendar_hours(self, day)->span[0].start;
    return true;
}

/* -1 ("none") is also the minute 1969-12-31 23:59; no deadline of this system lies before 1970,
 * so the header's contract is kept and the internal s_next_working() has no such ambiguity. */
cal_min_t calendar_next_working(const calendar_t *self, cal_min_t t)
{
    cal_min_t out;
    return s_next_working(self, t, &out) ? out : -1;
}

int64_t calendar_working_minutes(const calendar_t *self, cal_min_t from, cal_min_t to)
{
    cal_min_t lo = from > S_MIN_LO ? from : S_MIN_LO;
    cal_min_t hi = to < S_MIN_HI ? to : S_MIN_HI;
    int64_t sum = 0;
    if (hi <= lo)
        return 0;
    for (cal_day_t day = s_day_of(lo); day <= s_day_of(hi - 1); day++) {
        const cal_hours_t *h = calendar_hours(self, day);
        cal_min_t base = s_day_start(day);
        for (int i = 0; i < h->n; i++) {
            cal_min_t a = base + h->span[i].start, b = base + h->span[i].end;
            if (a < lo)
                a = lo;
            if (b > hi)
                b = hi;
            if (b > a)
                sum += b - a;
        }
    }
    return sum;
}

int calendar_add_working(const calendar_t *self, cal_min_t start, int64_t minutes, cal_min_t *out)
{
    cal_min_t t;
    if (minutes < 0)
        return -EINVAL;
    /* There are never more working minutes than minutes: fail fast instead of walking to the
     * end of the range. */
    if (!s_next_working(self, start, &t) || minutes > S_MIN_HI - t)
        return -ERANGE;
    int64_t left = minutes;
    for (;;) {
        /* t is working time: consume the rest of its day, stretch by stretch. */
        cal_day_t day = s_day_of(t);
        int clock = (int)(t - s_day_start(day));
        const cal_hours_t *h = calendar_hours(self, day);
        for (int i = 0; i < h->n; i++) {
            if (h->span[i].end <= clock)
                continue;
            int from = clock > h->span[i].start ? clock : h->span[i].start;
            int avail = h->span[i].end - from;
            /* "<=": the last minute ends the work, so we land on the stretch's end, not on
             * the next start. */
            if (left <= avail) {
                *out = s_day_start(day) + from + left;
                return 0;
            }
            left -= avail;
        }
        if (!s_next_working_day(self, day + 1, &day))
            return -ERANGE;
        t = s_day_start(day) + calendar_hours(self, day)->span[0].start;
    }
}

/* Wall-clock due: start + value units of plain time. */
static int s_due_wall(cal_min_t start, int64_t value, int64_t per, cal_min_t *due)
{
    if (!s_in_range(start) || value > (S_MIN_HI - start) / per)
        return -ERANGE;
    *due = start + value * per;
    return 0;
}

/* N working days after the (moved) start, at the same clock time clamped into the target
 * day's working hours. */
static int s_due_days(const calendar_t *self, cal_min_t start, int64_t days, cal_min_t *due)
{
    cal_min_t t;
    if (!s_next_working(self, start, &t))
        return -ERANGE;
    cal_day_t day = s_day_of(t);
    int clock = (int)(t - s_day_start(day));
    if (days > S_DAY_MAX - day)
        return -ERANGE;
    for (int64_t i = 0; i < days; i++)
        if (!s_next_working_day(self, day + 1, &day))
            return -ERANGE;
    /* Clamp to the day's first start and last end, so a different length of day (Friday,
     * Ramadan) never moves the deadline to another date. A clock inside a break stays. */
    const cal_hours_t *h = calendar_hours(self, day);
    int first = h->span[0].start, last = h->span[h->n - 1].end;
    if (clock < first)
        clock = first;
    if (clock > last)
        clock = last;
    *due = s_day_start(day) + clock;
    return 0;
}

int calendar_due(const calendar_t *self, cal_min_t start, int64_t value, cal_unit_t unit,
                 bool wall_clock, cal_min_t *due)
{
    static const int64_t per_unit[] = {
        [CAL_MINUTES] = 1, [CAL_HOURS] = 60, [CAL_DAYS] = CAL_MINUTES_PER_DAY};
    if (value < 0 || (unit != CAL_MINUTES && unit != CAL_HOURS && unit != CAL_DAYS))
        return -EINVAL;
    if (wall_clock)
        return s_due_wall(start, value, per_unit[unit], due);
    if (unit == CAL_DAYS)
        return s_due_days(self, start, value, due);
    if (value > INT64_MAX / per_unit[unit])
        return -ERANGE;
    return calendar_add_working(self, start, value * per_unit[unit], due);
}

/* ---- parsing and formatting ---------------------------------------------------------------- */

static bool s_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool s_is_space(char c)
{
    return c == ' ' || c == '\t';
}

static bool s_is_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Exactly n digits at p into *out. */
static bool s_digits(const char *p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!s_is_digit(p[i]))
            return false;
        v = v * 10 + (p[i] - '0');
    }
    *out = v;
    return true;
}

/* "YYYY-MM-DD" at the start of text (10 characters), a real date of years 1-9999. */
static bool s_parse_ymd(const char *text, cal_day_t *out)
{
    int y, m, d;
    if (!s_digits(text, 4, &y) || text[4] != '-' || !s_digits(text + 5, 2, &m) || text[7] != '-' ||
        !s_digits(text + 8, 2, &d))
        return false;
    if (!cal_civil_valid(y, m, d))
        return false;
    *out = cal_days_from_civil(y, m, d);
    return true;
}

int cal_parse_date(const char *text, cal_day_t *out)
{
    cal_day_t d;
    if (!text || strlen(text) != 10 || !s_parse_ymd(text, &d))
        return -EINVAL;
    *out = d;
    return 0;
}

int cal_parse_local(const char *text, cal_min_t *out)
{
    cal_day_t d;
    int h, m;
    if (!text || strlen(text) != 16 || !s_parse_ymd(text, &d))
        return -EINVAL;
    if ((text[10] != ' ' && text[10] != 'T') || !s_digits(text + 11, 2, &h) || text[13] != ':' ||
        !s_digits(text + 14, 2, &m) || h > 23 || m > 59)
        return -EINVAL;
    *out = s_day_start(d) + h * 60 + m;
    return 0;
}

int cal_parse_clock(const char *text, int *minutes)
{
    int h, m;
    size_t len = text ? strlen(text) : 0;
    /* "H:MM" or "HH:MM" */
    if (len != 4 && len != 5)
        return -EINVAL;
    size_t hl = len - 3;
    if (!s_digits(text, (int)hl, &h) || text[hl] != ':' || !s_digits(text + hl + 1, 2, &m))
        return -EINVAL;
    if (m > 59 || h > 24 || (h == 24 && m != 0))
        return -EINVAL;
    *minutes = h * 60 + m;
    return 0;
}

void cal_format_date(cal_day_t d, char *buf, size_t len)
{
    int y, m, dd;
    cal_civil_from_days(d, &y, &m, &dd);
    snprintf(buf, len, "%04d-%02d-%02d", y, m, dd);
}

void cal_format_local(cal_min_t t, char *buf, size_t len)
{
    if (!s_in_range(t)) {
        snprintf(buf, len, "out of range");
        return;
    }
    cal_day_t d = s_day_of(t);
    int clock = (int)(t - s_day_start(d));
    int y, m, dd;
    cal_civil_from_days(d, &y, &m, &dd);
    snprintf(buf, len, "%04d-%02d-%02d %02d:%02d", y, m, dd, clock / 60, clock % 60);
}

/* The unit words, matched without regard to case. */
static const struct {
    const char *word;
    cal_unit_t unit;
} s_unit_words[] = {
    {"menit", CAL_MINUTES}, {"minute", CAL_MINUTES}, {"minutes", CAL_MINUTES},
    {"jam", CAL_HOURS},     {"hour", CAL_HOURS},     {"hours", CAL_HOURS},
    {"hari", CAL_DAYS},     {"day", CAL_DAYS},       {"days", CAL_DAYS},
};

static bool s_unit_from_word(const char *word, size_t len, cal_unit_t *unit)
{
    for (size_t i = 0; i < ARRAY_LEN(s_unit_words); i++) {
        if (strlen(s_unit_words[i].word) == len &&
            strncasecmp(word, s_unit_words[i].word, len) == 0) {
            *unit = s_unit_words[i].unit;
            return true;
        }
    }
    return false;
}

int64_t calendar_max_duration(cal_unit_t unit)
{
    switch (unit) {
    case CAL_MINUTES:
        return CAL_MAX_DURATION_DAYS * 24 * 60;
    case CAL_HOURS:
        return CAL_MAX_DURATION_DAYS * 24;
    case CAL_DAYS:
        break;
    }
    return CAL_MAX_DURATION_DAYS;
}

int calendar_parse_duration(const char *text, int64_t *value, cal_unit_t *unit)
{
    if (!text)
        return -EINVAL;
    const char *p = text;
    while (s_is_space(*p))
        p++;
    if (!s_is_digit(*p))
        return -EINVAL; /* no number, or a sign */
    int64_t v = 0;
    for (; s_is_digit(*p); p++) {
        if (v > (INT64_MAX - (*p - '0')) / 10)
            return -ERANGE;
        v = v * 10 + (*p - '0');
    }
    while (s_is_space(*p))
        p++;
    const char *word = p;
    while (s_is_letter(*p))
        p++;
    size_t word_len = (size_t)(p - word);
    while (s_is_space(*p))
        p++;
    cal_unit_t u;
    if (*p != '\0' || !s_unit_from_word(word, word_len, &u))
        return -EINVAL;
    if (v > calendar_max_duration(u))
        return -ERANGE;
    *value = v;
    *unit = u;
    return 0;
}
