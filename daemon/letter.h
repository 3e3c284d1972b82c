/* letter — letter numbers from an organisation's template (LKIP.md, "Letters and archive").
 * Placeholders: {kka} classification code, {org} organisation code, {seq} the sequence,
 * {seq:0N} zero-padded to N digits (1..9), {month} 1..12, {month_roman} I..XII, {year}.
 * "{kka}/{org}/{seq:03}/{month_roman}/{year}" gives "050/DKIP/012/II/2027"; the Permendagri
 * 83/2022 style "{kka}/{seq}/{org}" gives "000.8.3.3/15/DKIP". Pure. Any thread. */
#ifndef LKIP_LETTER_H
#define LKIP_LETTER_H

#include "util.h"

typedef struct {
    const char *kka;
    const char *org;
    int seq;
    int month; /* 1..12 */
    int year;
} letter_fields_t;

/* Checks a template: balanced braces, known placeholders, {seq} present (a number without the
 * sequence would repeat). Returns 0, or -EINVAL with an English reason in why. */
int letter_check_template(const char *tmpl, char *why, size_t len) WUR;

/* Renders tmpl into out (len bytes). Returns 0, -EINVAL (bad template) or -ENOSPC. */
int letter_format(const char *tmpl, const letter_fields_t *f, char *out, size_t len) WUR;

#endif
