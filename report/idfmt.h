/* idfmt — numbers, percentages, money and dates written the Indonesian way (LKIP.md): "1.234,56",
 * "97,86%", "Rp 1.134.500.000", "2 Desember 2026". Every function writes into buf (always
 * NUL-terminated, truncated to len) and returns buf, so calls can stand inside printf
 * arguments. Pure; any thread. */
#ifndef LKIP_IDFMT_H
#define LKIP_IDFMT_H

#include <stddef.h>

/* v with exactly decimals digits after the comma (0-6) and '.' between thousands:
 * 1234.5 -> "1.234,50" (decimals 2). Non-finite values give "-". */
char *idfmt_number(double v, int decimals, char *buf, size_t len);

/* Like idfmt_number with at most max_decimals digits and no trailing zeros: 2.60 -> "2,6",
 * 80 -> "80", 84.25 -> "84,25". */
char *idfmt_number_trim(double v, int max_decimals, char *buf, size_t len);

/* A percentage with two decimals: 97.857 -> "97,86%". */
char *idfmt_percent(double v, char *buf, size_t len);

/* Rupiah without decimals: 1134500000 -> "Rp 1.134.500.000". */
char *idfmt_rupiah(double v, char *buf, size_t len);

/* Indonesian month name, 1-12 ("Januari" ... "Desember"); "" out of range. */
const char *idfmt_month(int month);

/* "2 Desember 2026"; "-" for an impossible date. */
char *idfmt_date(int year, int month, int day, char *buf, size_t len);

#endif
