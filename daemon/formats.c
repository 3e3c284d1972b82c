/* formats — see formats.h. */
#include "formats.h"

#include "db_format.h"
#include "db_org.h"
#include "db_pk.h"
#include "log.h"
#include "pk.h"
#include "unitfmt.h"

/* formats says what went wrong in an outcome (outcome.h); only the handlers (cmd.h) reply */
#ifdef LKIP_CMD_H
#error "formats.c answers no request: it returns an outcome, and cmd_reply_outcome replies"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

/* A fresh id for one made file: "F" and 16 hex digits. */
static void s_format_id(char out[18])
{
    uint8_t r[8] = {0};
    if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r) {
        /* the kernel's pool always answers 8 bytes; a failure is not worth a refusal */
        uint64_t t = (uint64_t)monotonic_ms() ^ (uint64_t)(uintptr_t)out;
        memcpy(r, &t, sizeof r);
    }
    out[0] = 'F';
    for (int i = 0; i < 8; i++)
        snprintf(out + 1 + 2 * i, 3, "%02x", r[i]);
}

static void s_list_add(strbuf_t *sb, const char *code)
{
    strbuf_printf(sb, "%s%s", sb->len ? ", " : "", code);
}

/* Writes and stores the format of one unit; -1 with o saying why. */
static int s_make_one(cmd_ctx_t *ctx, db_instance_t *inst, const pk_t *pk, int64_t pk_id,
                      int pk_version, const db_unit_t *unit, const char *org_name, outcome_t *o)
{
    char format_id[18], ref[128];
    s_format_id(format_id);
    snprintf(ref, sizeof ref, "%s/%s", inst->sop_code, inst->period);
    unitfmt_meta_t meta = {inst->id,   ref,      inst->org_code, org_name,  unit->code,
                           unit->name, pk->year, pk_version,     format_id, NULL};
    uint8_t *data;
    size_t len;
    const char *why;
    if (unitfmt_write(&meta, pk, NULL, &data, &len, &why) != 0) {
        log_error("format of unit %s for instance %lld: %s", unit->code, (long long)inst->id, why);
        outcome_say(o, LKIP__STATUS__INTERNAL, "format_failed",
                    "Format unit %s tidak dapat dibuat di server; permintaan tidak diproses",
                    unit->code);
        return -1;
    }
    char *name = xasprintf("format-%s-%s-%s.xlsx", inst->sop_code, inst->period, unit->code);
    int version = 0;
    int rc = db_format_store(ctx->db, inst->id, unit->id, format_id, pk_id, name, data, len,
                             unitfmt_rows(pk, unit->code), ctx->caller->id, ctx->now, &version);
    free(name);
    free(data);
    if (rc != 0)
        outcome_db_failed(o, "store unit format");
    return rc;
}

/* Makes the formats of every active unit with indicators in pk; -1 with o saying why. */
static int s_make_all(cmd_ctx_t *ctx, db_instance_t *inst, const pk_t *pk, int64_t pk_id,
                      formats_made_t *out, outcome_t *o)
{
    db_org_t org = {0};
    db_unit_t *units = NULL;
    int n = -1;
    if (db_org_by_code(ctx->db, inst->org_code, &org) != DB_FOUND ||
        (n = db_unit_list(ctx->db, inst->org_id, &units)) < 0) {
        db_org_clear(&org);
        outcome_db_failed(o, "load units");
        return -1;
    }
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        if (units[i].disabled)
            continue;
        if (unitfmt_rows(pk, units[i].code) == 0) {
            s_list_add(&out->skipped, units[i].code);
            continue;
        }
        rc = s_make_one(ctx, inst, pk, pk_id, out->pk_version, &units[i], org.name, o);
        if (rc == 0) {
            out->made++;
            s_list_add(&out->units, units[i].code);
        }
    }
    db_units_list_free(units, n);
    db_org_clear(&org);
    return rc;
}

int formats_make(cmd_ctx_t *ctx, db_instance_t *inst, formats_made_t *out, outcome_t *o)
{
    out->year = pk_period_year(inst->period);
    if (!out->year)
        return 0;
    int64_t pk_id = 0;
    if (db_pk_bind(ctx->db, inst->id, inst->org_id, out->year, &pk_id, &out->pk_version) != 0) {
        outcome_db_failed(o, "bind PK");
        return -1;
    }
    if (!pk_id)
        return 0;
    pk_t *pk = db_pk_load(ctx->db, pk_id);
    if (!pk) {
        outcome_db_failed(o, "load PK");
        return -1;
    }
    int rc = s_make_all(ctx, inst, pk, pk_id, out, o);
    pk_destroy(&pk);
    if (rc == 0)
        strbuf_printf(&ctx->detail, " formats=%d pk=%d/v%d", out->made, out->year, out->pk_version);
    return rc;
}

void formats_made_clear(formats_made_t *m)
{
    strbuf_free(&m->units);
    strbuf_free(&m->skipped);
    memset(m, 0, sizeof *m);
}

char *formats_made_text(const formats_made_t *m)
{
    strbuf_t sb = {0};
    if (!m->year)
        strbuf_puts(&sb, "Format data kinerja tidak dibuat: periode SOP ini tidak menyebut tahun");
    else if (!m->pk_version)
        strbuf_printf(&sb,
                      "Format data kinerja belum dibuat: Perjanjian Kinerja tahun %d belum "
                      "diimpor (lkip pk import BERKAS --tahun %d, lalu lkip format make); unit "
                      "dapat mengirim data dalam CSV",
                      m->year, m->year);
    else
        strbuf_printf(&sb,
                      "Format data kinerja dibuat untuk %d unit (%s) dari Perjanjian Kinerja "
                      "%d versi %d",
                      m->made, strbuf_str(&m->units), m->year, m->pk_version);
    if (m->skipped.len)
        strbuf_printf(&sb, "; tanpa indikator di PK: %s", strbuf_str(&m->skipped));
    return strbuf_take(&sb);
}
