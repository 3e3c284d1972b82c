/* idfmt — see idfmt.h. */
#include "idfmt.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define S_MAX_DECIMALS 6

/* Writes the digits of a non-negative whole number with '.' every three digits. */
static size_t s_grouped(unsigned long long whole, char *out, size_t cap)
{
    char digits[32];
    int n = snprintf(digits, sizeof digits, "%llu", whole);
    size_t w = 0;
    for (int i = 0; i < n && w + 1 < cap; i++) {
        if (i > 0 && (n - i) % 3 == 0 && w + 2 < cap)
            out[w++] = '.';
        out[w++] = digits[i];
    }
    out[w] = '\0';
    return w;
}

char *idfmt_number(double v, int decimals, char *buf, size_t len)
{
    if (!len)
        return buf;
    if (!isfinite(v) || fabs(v) >= 1e18) {
        snprintf(buf, len, "-");
        return buf;
    }
    if (decimals < 0)
        decimals = 0;
    if (decimals > S_MAX_DECIMALS)
        decimals = S_MAX_DECIMALS;
    double scale = pow(10, decimals);
    double scaled = round(fabs(v) * scale);
    unsigned long long whole = (unsigned long long)(scaled / scale);
    unsigned long long frac = (unsigned long long)(scaled - (double)whole * scale + 0.5);
    if (frac >= (unsigned long long)scale) { /* rounding carried into the whole part */
        whole++;
        frac = 0;
    }
    char tmp[64];
    size_t w = 0;
    if (v < 0 && scaled > 0)
        tmp[w++] = '-';
    w += s_grouped(whole, tmp + w, sizeof tmp - w);
    if (decimals > 0)
        snprintf(tmp + w, sizeof tmp - w, ",%0*llu", decimals, frac);
    snprintf(buf, len, "%s", tmp);
    return buf;
}

char *idfmt_number_trim(double v, int max_decimals, char *buf, size_t len)
{
    idfmt_number(v, max_decimals, buf, len);
    char *comma = strchr(buf, ',');
    if (!comma)
        return buf;
    char *end = buf + strlen(buf);
    while (end > comma + 1 && end[-1] == '0')
        *--end = '\0';
    if (end == comma + 1)
        *comma = '\0';
    return buf;
}

char *idfmt_percent(double v, char *buf, size_t len)
{
    char n[48];
    idfmt_number(v, 2, n, sizeof n);
    snprintf(buf, len, "%s%s", n, strcmp(n, "-") == 0 ? "" : "%");
    return buf;
}

char *idfmt_rupiah(double v, char *buf, size_t len)
{
    char n[48];
    idfmt_number(v, 0, n, sizeof n);
    snprintf(buf, len, "Rp %s", n);
    return buf;
}

const char *idfmt_month(int month)
{
    static const char *const names[] = {"Januari",   "Februari", "Maret",    "April",
                                        "Mei",       "Juni",     "Juli",     "Agustus",
                                        "September", "Oktober",  "November", "Desember"};
    return month >= 1 && month <= 12 ? names[month - 1] : "";
}

char *idfmt_date(int year, int month, int day, char *buf, size_t len)
{
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (month < 1 || month > 12 || day < 1 || day > days[month - 1] ||
        (month == 2 && day == 29 && !leap))
        snprintf(buf, len, "-");
    else
        snprintf(buf, len, "%d %s %d", day, idfmt_month(month), year);
    return buf;
}
