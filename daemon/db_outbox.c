/* db_outbox — see db_outbox.h.
 *
 * An event is stored as the packed lkip.Event without its seq. Delivery builds the Envelope
 * frame by appending the seq field and wrapping the result as Envelope field 3, byte by byte:
 * protobuf allows fields in any order, so a replay of thousands of events needs no unpacking. */
#include "db_outbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Postgres array literal of bigints: "{1,2,3}". */
static char *s_id_array(const int64_t *ids, int n)
{
    strbuf_t sb = {0};
    strbuf_puts(&sb, "{");
    for (int i = 0; i < n; i++)
        strbuf_printf(&sb, "%s%lld", i ? "," : "", (long long)ids[i]);
    strbuf_puts(&sb, "}");
    return strbuf_take(&sb);
}

/* Postgres array literal of simple codes ([a-z0-9_], no quoting needed). */
static char *s_code_array(const char *const *codes, int n)
{
    strbuf_t sb = {0};
    strbuf_puts(&sb, "{");
    for (int i = 0; i < n; i++)
        strbuf_printf(&sb, "%s\"%s\"", i ? "," : "", codes[i]);
    strbuf_puts(&sb, "}");
    return strbuf_take(&sb);
}

static uint8_t *s_pack_event(const Lkip__Event *ev, size_t *len)
{
    Lkip__Event copy = *ev;
    copy.seq = 0; /* appended at delivery */
    *len = lkip__event__get_packed_size(&copy);
    uint8_t *buf = xmalloc(*len ? *len : 1);
    lkip__event__pack(&copy, buf);
    return buf;
}

/* The statement locks the recipients' sequence rows in id order, so two transactions that
 * notify overlapping sets of users cannot deadlock on them. */
#define EMIT_SQL                                                                                   \
    "WITH rcpt AS ("                                                                               \
    "  SELECT id FROM users WHERE org_id = $1 AND NOT disabled AND"                               \
    "   (role = ANY($2::text[]) OR ($3::bigint IS NOT NULL AND unit_id = $3 AND role = $4))),"    \
    " l AS (SELECT s.user_id FROM recipient_seq s JOIN rcpt ON rcpt.id = s.user_id"              \
    "   ORDER BY s.user_id FOR UPDATE OF s),"                                                      \
    " r AS (UPDATE recipient_seq s SET last_seq = s.last_seq + 1 FROM l"                          \
    "   WHERE s.user_id = l.user_id RETURNING s.user_id, s.last_seq)"                             \
    " INSERT INTO outbox (user_id, seq, kind, instance_id, payload)"                               \
    " SELECT user_id, last_seq, $5, $6, $7 FROM r RETURNING user_id"

int db_outbox_emit(db_t *db, const db_audience_t *to, const Lkip__Event *ev, int64_t **users,
                   int *n_users)
{
    size_t len;
    uint8_t *payload = s_pack_event(ev, &len);
    db_params_t p = {0};
    db_param_int(&p, to->org_id);
    char *roles = s_code_array(to->roles, to->n_roles);
    db_param_str(&p, roles);
    free(roles);
    if (to->unit_id)
        db_param_int(&p, to->unit_id);
    else
        db_param_str(&p, NULL);
    db_param_str(&p, to->unit_role ? to->unit_role : "");
    db_param_str(&p, ev->kind);
    if (ev->instance_id)
        db_param_int(&p, ev->instance_id);
    else
        db_param_str(&p, NULL);
    db_param_bytes(&p, payload, len);
    free(payload);
    db_res_t *r = db_query(db, EMIT_SQL, &p);
    if (!r)
        return -1;
    int n = db_res_rows(r);
    if (users && n > 0) {
        *users = xrealloc(*users, (size_t)(*n_users + n) * sizeof **users);
        for (int i = 0; i < n; i++)
            (*users)[(*n_users)++] = db_res_int(r, i, 0);
    }
    db_res_free(&r);
    return n;
}

int db_outbox_emit_user(db_t *db, int64_t user_id, const Lkip__Event *ev)
{
    size_t len;
    uint8_t *payload = s_pack_event(ev, &len);
    db_params_t p = {0};
    db_param_int(&p, user_id);
    db_param_str(&p, ev->kind);
    if (ev->instance_id)
        db_param_int(&p, ev->instance_id);
    else
        db_param_str(&p, NULL);
    db_param_bytes(&p, payload, len);
    free(payload);
    return db_exec(db,
                   "WITH r AS (UPDATE recipient_seq SET last_seq = last_seq + 1"
                   "  WHERE user_id = $1 RETURNING user_id, last_seq)"
                   " INSERT INTO outbox (user_id, seq, kind, instance_id, payload)"
                   " SELECT user_id, last_seq, $2, $3, $4 FROM r",
                   &p);
}

static size_t s_varint(uint64_t v, uint8_t *out)
{
    size_t n = 0;
    while (v >= 0x80) {
        out[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    out[n++] = (uint8_t)v;
    return n;
}

uint8_t *outbox_frame(const uint8_t *payload, size_t len, uint64_t seq, size_t *frame_len)
{
    uint8_t seq_field[11];
    seq_field[0] = 0x08; /* Event.seq: field 1, varint */
    size_t seq_len = 1 + s_varint(seq, seq_field + 1);
    uint8_t head[11];
    head[0] = 0x1a; /* Envelope.event: field 3, length-delimited */
    size_t head_len = 1 + s_varint(len + seq_len, head + 1);
    uint8_t *frame = xmalloc(head_len + len + seq_len);
    memcpy(frame, head, head_len);
    memcpy(frame + head_len, payload, len);
    memcpy(frame + head_len + len, seq_field, seq_len);
    *frame_len = head_len + len + seq_len;
    return frame;
}

int db_outbox_fetch(db_t *db, int64_t user_id, uint64_t after, int limit, db_event_t **out)
{
    db_params_t p = {0};
    db_param_int(&p, user_id);
    db_param_int(&p, (int64_t)after);
    db_param_int(&p, limit);
    /* the next events by count, not the range (after, after + limit]: retention may have
     * pruned seqs a client never got, and an empty range must not hide what follows it */
    db_res_t *r = db_query(db,
                           "SELECT seq, payload FROM outbox WHERE user_id = $1 AND seq > $2"
                           " ORDER BY seq LIMIT $3",
                           &p);
    if (!r)
        return -1;
    int n = db_res_rows(r);
    *out = xcalloc((size_t)n, sizeof **out);
    for (int i = 0; i < n; i++) {
        size_t len;
        uint8_t *payload = db_res_bytes(r, i, 1, &len);
        (*out)[i].seq = (uint64_t)db_res_int(r, i, 0);
        (*out)[i].frame = outbox_frame(payload, len, (*out)[i].seq, &(*out)[i].len);
        free(payload);
    }
    db_res_free(&r);
    return n;
}

void db_events_free(db_event_t *events, int n)
{
    for (int i = 0; i < n; i++)
        free(events[i].frame);
    free(events);
}

int db_outbox_last_seqs(db_t *db, const int64_t *users, int n, uint64_t *last)
{
    db_params_t p = {0};
    char *ids = s_id_array(users, n);
    db_param_str(&p, ids);
    free(ids);
    db_res_t *r = db_query(db,
                           "SELECT u.id, coalesce(s.last_seq, 0) FROM unnest($1::bigint[])"
                           " WITH ORDINALITY AS u(id, ord)"
                           " LEFT JOIN recipient_seq s ON s.user_id = u.id ORDER BY u.ord",
                           &p);
    if (!r)
        return -1;
    for (int i = 0; i < n && i < db_res_rows(r); i++)
        last[i] = (uint64_t)db_res_int(r, i, 1);
    db_res_free(&r);
    return 0;
}

int db_outbox_notify(db_t *db, const int64_t *users, int n)
{
    if (n == 0)
        return 0;
    strbuf_t sb = {0};
    for (int i = 0; i < n && sb.len < 7900; i++)
        strbuf_printf(&sb, "%s%lld", i ? "," : "", (long long)users[i]);
    db_params_t p = {0};
    /* NOTIFY payloads stop at 8000 bytes; an empty one makes every daemon check everyone */
    db_param_str(&p, sb.len < 7900 ? strbuf_str(&sb) : "");
    strbuf_free(&sb);
    return db_exec(db, "SELECT pg_notify('lkip_events', $1)", &p);
}

int db_outbox_ack(db_t *db, int64_t user_id, uint64_t seq)
{
    db_params_t p = {0};
    db_param_int(&p, user_id);
    db_param_int(&p, (int64_t)seq);
    return db_exec(db,
                   "UPDATE recipient_seq SET acked_seq = least(last_seq, $2)"
                   " WHERE user_id = $1 AND acked_seq < $2",
                   &p);
}

int db_outbox_prune(db_t *db, int days, int batch)
{
    db_params_t p = {0};
    db_param_int(&p, days);
    db_param_int(&p, batch);
    db_res_t *r = db_query(db,
                           "DELETE FROM outbox WHERE ctid IN ("
                           " SELECT o.ctid FROM outbox o"
                           " JOIN recipient_seq s ON s.user_id = o.user_id"
                           " WHERE o.created_at < now() - make_interval(days => $1::int)"
                           "  AND o.seq <= s.acked_seq LIMIT $2)",
                           &p);
    if (!r)
        return -1;
    int n = (int)db_res_affected(r);
    db_res_free(&r);
    return n;
}
