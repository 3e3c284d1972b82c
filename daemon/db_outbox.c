/* db_outbox — see db_outbox.h.
 *
 * An event is stored as the packed lkip.Event without its seq. Delivery builds the Envelope
 * frame by appending the seq field and wrapping the result as Envelope field 3, byte by byte:
 * protobuf allows fields in any order, so a replay of thousands of events needs no unpacking. */
#include "db_outbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

struct outq_item {
    int64_t org_id;
    char *roles;     /* comma-separated role codes */
    int64_t unit_id; /* 0: none */
    char *unit_role;
    char *kind;
    int64_t instance_id; /* 0: none */
    char *payload_hex;   /* the packed Event, hex */
    uint8_t *payload;    /* ... and as it is, for the frames sent straight after the commit */
    size_t payload_len;
};

static uint8_t *s_pack_event(const Lkip__Event *ev, size_t *len)
{
    Lkip__Event copy = *ev;
    copy.seq = 0; /* appended at delivery */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    copy.queued_us = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
    *len = lkip__event__get_packed_size(&copy);
    uint8_t *buf = xmalloc(*len ? *len : 1);
    lkip__event__pack(&copy, buf);
    return buf;
}

void outq_add(outq_t *q, const db_audience_t *to, const Lkip__Event *ev)
{
    if (q->n == q->cap) {
        q->cap = q->cap ? q->cap * 2 : 8;
        q->items = xrealloc(q->items, (size_t)q->cap * sizeof *q->items);
    }
    outq_item_t *it = &q->items[q->n++];
    strbuf_t roles = {0};
    for (int i = 0; i < to->n_roles; i++)
        strbuf_printf(&roles, "%s%s", i ? "," : "", to->roles[i]);
    it->org_id = to->org_id;
    it->roles = strbuf_take(&roles);
    it->unit_id = to->unit_id;
    it->unit_role = xstrdup(to->unit_role ? to->unit_role : "");
    it->kind = xstrdup(ev->kind);
    it->instance_id = ev->instance_id;
    size_t len;
    uint8_t *payload = s_pack_event(ev, &len);
    static const char hex[] = "0123456789abcdef";
    it->payload_hex = xmalloc(2 * len + 1);
    for (size_t i = 0; i < len; i++) {
        it->payload_hex[2 * i] = hex[payload[i] >> 4];
        it->payload_hex[2 * i + 1] = hex[payload[i] & 15];
    }
    it->payload_hex[2 * len] = '\0';
    it->payload = payload;
    it->payload_len = len;
}

void outq_move(outq_t *dst, outq_t *src)
{
    for (int i = 0; i < src->n; i++) {
        if (dst->n == dst->cap) {
            dst->cap = dst->cap ? dst->cap * 2 : 8;
            dst->items = xrealloc(dst->items, (size_t)dst->cap * sizeof *dst->items);
        }
        dst->items[dst->n++] = src->items[i];
    }
    free(src->items);
    *src = (outq_t){0};
}

void outq_clear(outq_t *q)
{
    for (int i = 0; i < q->n; i++) {
        free(q->items[i].roles);
        free(q->items[i].unit_role);
        free(q->items[i].kind);
        free(q->items[i].payload_hex);
        free(q->items[i].payload);
    }
    free(q->items);
    *q = (outq_t){0};
}

/* Appends element i to a Postgres array literal being built in sb. Elements are codes, numbers
 * or hex (never quotes or backslashes), so double quotes are all they need. */
static void s_elem(strbuf_t *sb, int i, const char *value)
{
    if (value)
        strbuf_printf(sb, "%s\"%s\"", i ? "," : "{", value);
    else
        strbuf_printf(sb, "%sNULL", i ? "," : "{");
}

/* One statement for the whole queue. The recipients' sequence rows are locked in user order, so
 * two transactions notifying overlapping users cannot deadlock on them; each user's new events
 * are numbered in queue order after its last sequence. Delegates of a recipient whose period
 * holds today get the event too, in their capacity (dlg). The recipients are looked up per
 * event through the users' index (LATERAL ... OFFSET 0) and their sequence rows by id (= ANY):
 * written as joins, a cached plan scanned both tables whole for every batch once an
 * organisation had thousands of users. */
#define FLUSH_CTES                                                                                 \
    "WITH ev AS (SELECT * FROM unnest($1::int[], $2::bigint[], $3::text[], $4::bigint[],"          \
    "   $5::text[], $6::text[], $7::bigint[], $8::text[])"                                         \
    "   AS e(idx, org_id, roles, unit_id, unit_role, kind, instance_id, payload)),"                \
    " own AS (SELECT DISTINCT e.idx, u.id AS user_id FROM ev e CROSS JOIN LATERAL (SELECT *"       \
    "   FROM (SELECT id FROM users u WHERE u.org_id = e.org_id AND NOT u.disabled"                 \
    "     AND u.role = ANY (string_to_array(e.roles, ','))"                                        \
    "   UNION ALL SELECT id FROM users u WHERE e.unit_id IS NOT NULL AND u.org_id = e.org_id"      \
    "     AND NOT u.disabled AND u.role = e.unit_role AND u.unit_id = e.unit_id) x OFFSET 0) u),"  \
    " dlg AS (SELECT DISTINCT ON (own.idx, d.to_user) own.idx, d.to_user AS user_id, d.capacity"   \
    "   FROM own JOIN delegations d ON d.from_user = own.user_id AND d.removed_at IS NULL"         \
    "   JOIN users t ON t.id = d.to_user AND NOT t.disabled"                                       \
    "   JOIN organisations o ON o.id = d.org_id"                                                   \
    "   WHERE (to_timestamp($9) AT TIME ZONE o.time_zone)::date"                                   \
    "     BETWEEN d.first_day AND d.last_day ORDER BY own.idx, d.to_user, d.id),"                  \
    " rc AS (SELECT idx, user_id, NULL::text AS capacity FROM own UNION ALL"                       \
    "   SELECT idx, user_id, capacity FROM dlg WHERE (idx, user_id) NOT IN"                        \
    "     (SELECT idx, user_id FROM own)),"                                                        \
    " lk AS (SELECT s.user_id, s.last_seq FROM recipient_seq s"                                    \
    "   WHERE s.user_id = ANY (ARRAY(SELECT DISTINCT user_id FROM rc))"                            \
    "   ORDER BY s.user_id FOR UPDATE),"                                                           \
    " num AS (SELECT rc.idx, rc.user_id, rc.capacity, lk.last_seq + row_number() OVER"             \
    "   (PARTITION BY rc.user_id ORDER BY rc.idx) AS seq FROM rc JOIN lk USING (user_id)),"        \
    " up AS (UPDATE recipient_seq s SET last_seq = m.top FROM (SELECT user_id, max(seq) AS top"    \
    "   FROM num GROUP BY user_id) m WHERE s.user_id = m.user_id"                                  \
    "   AND s.user_id = ANY (ARRAY(SELECT user_id FROM lk))),"                                     \
    " ins AS (INSERT INTO outbox (user_id, seq, kind, instance_id, payload, capacity)"             \
    "   SELECT num.user_id, num.seq, ev.kind, ev.instance_id, decode(ev.payload, 'hex'),"          \
    "   num.capacity FROM num JOIN ev USING (idx) RETURNING user_id)"
/* The result: every event written, each recipient's in seq order (s_read_written). */
#define FLUSH_ROWS  " SELECT num.user_id, num.seq, num.idx, num.capacity FROM num"
#define FLUSH_ORDER " ORDER BY num.user_id, num.seq"
#define FLUSH_SQL   FLUSH_CTES FLUSH_ROWS FLUSH_ORDER
/* ... and the NOTIFY of the users woken ("origin|id,id"; "origin|" when that is too long for a
 * payload: every daemon then checks everyone), in the same statement. The NOTIFY's count is
 * used in the WHERE clause: a join the result does not use would be removed by the planner, and
 * pg_notify with it. */
#define FLUSH_NOTIFY_SQL                                                                           \
    FLUSH_CTES                                                                                     \
    ", w AS (SELECT DISTINCT user_id FROM ins),"                                                   \
    " n AS (SELECT pg_notify('lkip_events', CASE WHEN length($10 || '|' || l) >= 7900"             \
    "   THEN $10 || '|' ELSE $10 || '|' || l END) FROM (SELECT string_agg(user_id::text,"          \
    "   ',') AS l FROM w) a WHERE l IS NOT NULL)" FLUSH_ROWS                                       \
    ", (SELECT count(*) AS k FROM n) c WHERE c.k >= 0" FLUSH_ORDER

/* The parameters of FLUSH_SQL for q (kept: its payloads make the frames of the result). */
static void s_flush_params(outq_t *q, int64_t now, db_params_t *p)
{
    strbuf_t a[8] = {{0}};
    for (int i = 0; i < q->n; i++) {
        const outq_item_t *it = &q->items[i];
        char num[24], org[24], unit[24], inst[24];
        snprintf(num, sizeof num, "%d", i);
        snprintf(org, sizeof org, "%lld", (long long)it->org_id);
        snprintf(unit, sizeof unit, "%lld", (long long)it->unit_id);
        snprintf(inst, sizeof inst, "%lld", (long long)it->instance_id);
        s_elem(&a[0], i, num);
        s_elem(&a[1], i, org);
        s_elem(&a[2], i, it->roles);
        s_elem(&a[3], i, it->unit_id ? unit : NULL);
        s_elem(&a[4], i, it->unit_role);
        s_elem(&a[5], i, it->kind);
        s_elem(&a[6], i, it->instance_id ? inst : NULL);
        s_elem(&a[7], i, it->payload_hex);
    }
    for (int k = 0; k < 8; k++) {
        strbuf_puts(&a[k], "}");
        db_param_str(p, strbuf_str(&a[k]));
        strbuf_free(&a[k]);
    }
    db_param_int(p, now);
}

/* Reads the rows of FLUSH_ROWS: appends each recipient once to *users (when users is not NULL)
 * and, when out is not NULL, every event with its frame to *out, stamped committed_us (real
 * time, microseconds; 0: none). Returns the recipients' count. */
static int s_read_written(db_res_t *r, const outq_t *q, int64_t **users, int *n_users,
                          db_written_t *out, int64_t committed_us)
{
    int rows = db_res_rows(r), n = 0;
    if (users && rows > 0)
        *users = xrealloc(*users, (size_t)(*n_users + rows) * sizeof **users);
    if (out && rows > 0)
        out->items = xrealloc(out->items, (size_t)(out->n + rows) * sizeof *out->items);
    for (int i = 0; i < rows; i++) {
        int64_t user = db_res_int(r, i, 0);
        bool first = i == 0 || db_res_int(r, i - 1, 0) != user; /* rows come by user */
        n += first;
        if (users && first)
            (*users)[(*n_users)++] = user;
        if (!out)
            continue;
        const outq_item_t *it = &q->items[db_res_int(r, i, 2)];
        db_written_event_t *w = &out->items[out->n++];
        w->user_id = user;
        w->ev.seq = (uint64_t)db_res_int(r, i, 1);
        w->ev.frame =
            outbox_frame(it->payload, it->payload_len, w->ev.seq,
                         db_res_null(r, i, 3) ? NULL : db_res_str(r, i, 3), committed_us,
                         &w->ev.len);
    }
    return n;
}

void db_written_clear(db_written_t *w)
{
    for (int i = 0; i < w->n; i++)
        free(w->items[i].ev.frame);
    free(w->items);
    *w = (db_written_t){0};
}

int db_outbox_flush(db_t *db, outq_t *q, int64_t now, int64_t **users, int *n_users)
{
    if (q->n == 0)
        return 0;
    db_params_t p = {0};
    s_flush_params(q, now, &p);
    db_res_t *r = db_query(db, FLUSH_SQL, &p);
    int n = r ? s_read_written(r, q, users, n_users, NULL, 0) : -1;
    db_res_free(&r);
    outq_clear(q);
    return n;
}

int db_outbox_commit(db_t *db, db_pipe_t *pipe, outq_t *q, int64_t now, const char *origin,
                     int64_t **users, int *n_users, db_written_t *written)
{
    if (q->n == 0 && !pipe)
        return db_commit(db);
    if (!pipe)
        pipe = db_pipe_new(db);
    int flush = -1;
    if (q->n) {
        db_params_t p = {0};
        s_flush_params(q, now, &p);
        db_param_str(&p, origin);
        flush = db_pipe_add(pipe, FLUSH_NOTIFY_SQL, &p);
    }
    db_pipe_add(pipe, "COMMIT", NULL);
    int rc = db_pipe_run(pipe);
    if (rc == 0 && flush >= 0) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        db_res_t *r = db_pipe_take(pipe, flush);
        s_read_written(r, q, users, n_users, written,
                       (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
        db_res_free(&r);
    }
    db_pipe_destroy(&pipe);
    outq_clear(q);
    return rc;
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

uint8_t *outbox_frame(const uint8_t *payload, size_t len, uint64_t seq, const char *capacity,
                      int64_t committed_us, size_t *frame_len)
{
    uint8_t seq_field[24];
    seq_field[0] = 0x08; /* Event.seq: field 1, varint */
    size_t seq_len = 1 + s_varint(seq, seq_field + 1);
    if (committed_us > 0) { /* Event.committed_us: field 21, varint (tag 168) */
        seq_field[seq_len++] = 0xa8;
        seq_field[seq_len++] = 0x01;
        seq_len += s_varint((uint64_t)committed_us, seq_field + seq_len);
    }
    /* Event.recipient_capacity: field 18, length-delimited (tag 146 as a varint) */
    size_t cap_len = capacity ? strlen(capacity) : 0;
    uint8_t cap_head[12] = {0x92, 0x01};
    size_t cap_head_len = cap_len ? 2 + s_varint(cap_len, cap_head + 2) : 0;
    size_t body = len + seq_len + cap_head_len + cap_len;
    uint8_t head[11];
    head[0] = 0x1a; /* Envelope.event: field 3, length-delimited */
    size_t head_len = 1 + s_varint(body, head + 1);
    uint8_t *frame = xmalloc(head_len + body);
    uint8_t *w = frame;
    memcpy(w, head, head_len);
    w += head_len;
    memcpy(w, payload, len);
    w += len;
    memcpy(w, seq_field, seq_len);
    w += seq_len;
    if (cap_len) {
        memcpy(w, cap_head, cap_head_len);
        memcpy(w + cap_head_len, capacity, cap_len);
    }
    *frame_len = head_len + body;
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
                           "SELECT seq, payload, capacity FROM outbox WHERE user_id = $1"
                           " AND seq > $2 ORDER BY seq LIMIT $3",
                           &p);
    if (!r)
        return -1;
    int n = db_res_rows(r);
    *out = xcalloc((size_t)n, sizeof **out);
    for (int i = 0; i < n; i++) {
        size_t len;
        uint8_t *payload = db_res_bytes(r, i, 1, &len);
        (*out)[i].seq = (uint64_t)db_res_int(r, i, 0);
        (*out)[i].frame =
            outbox_frame(payload, len, (*out)[i].seq,
                         db_res_null(r, i, 2) ? NULL : db_res_str(r, i, 2), 0, &(*out)[i].len);
        free(payload);
    }
    db_res_free(&r);
    return n;
}

/* Postgres array literal of a field of n structs. */
#define ID_ARRAY(sb, arr, n, field, fmt, cast)                                                     \
    do {                                                                                           \
        strbuf_puts(&(sb), "{");                                                                   \
        for (int i_ = 0; i_ < (n); i_++)                                                           \
            strbuf_printf(&(sb), "%s" fmt, i_ ? "," : "", (cast)(arr)[i_] field);                  \
        strbuf_puts(&(sb), "}");                                                                   \
    } while (0)

int db_outbox_fetch_many(db_t *db, db_fetch_t *reads, int n)
{
    if (n == 0)
        return 0;
    strbuf_t users = {0}, after = {0}, limit = {0};
    ID_ARRAY(users, reads, n, .user_id, "%lld", long long);
    ID_ARRAY(after, reads, n, .after, "%llu", unsigned long long);
    ID_ARRAY(limit, reads, n, .limit, "%d", int);
    db_params_t p = {0};
    db_param_str(&p, strbuf_str(&users));
    db_param_str(&p, strbuf_str(&after));
    db_param_str(&p, strbuf_str(&limit));
    strbuf_free(&users);
    strbuf_free(&after);
    strbuf_free(&limit);
    /* each read takes the next events by count (pruned seqs must not hide what follows) */
    db_res_t *r =
        db_query(db,
                 "SELECT f.idx - 1, o.seq, o.payload, o.capacity FROM unnest($1::bigint[],"
                 " $2::bigint[], $3::int[]) WITH ORDINALITY AS f(user_id, after, lim, idx)"
                 " CROSS JOIN LATERAL (SELECT seq, payload, capacity FROM outbox"
                 "  WHERE user_id = f.user_id AND seq > f.after ORDER BY seq"
                 "  LIMIT f.lim) o ORDER BY f.idx, o.seq",
                 &p);
    if (!r)
        return -1;
    int rows = db_res_rows(r);
    for (int i = 0; i < n; i++) {
        reads[i].n_events = 0;
        reads[i].events = xcalloc((size_t)reads[i].limit + 1, sizeof *reads[i].events);
    }
    for (int k = 0; k < rows; k++) {
        db_fetch_t *f = &reads[db_res_int(r, k, 0)];
        db_event_t *e = &f->events[f->n_events++];
        size_t len;
        uint8_t *payload = db_res_bytes(r, k, 2, &len);
        e->seq = (uint64_t)db_res_int(r, k, 1);
        e->frame = outbox_frame(payload, len, e->seq,
                                db_res_null(r, k, 3) ? NULL : db_res_str(r, k, 3), 0, &e->len);
        free(payload);
    }
    db_res_free(&r);
    return 0;
}

/* An acknowledgement only moves forward (a late, older one changes nothing). It never touches
 * recipient_seq, whose rows stay locked while a change's events are numbered (sql/012). */
#define ACK_UPSERT                                                                                 \
    " ON CONFLICT (user_id) DO UPDATE SET acked_seq = EXCLUDED.acked_seq"                          \
    " WHERE recipient_acks.acked_seq < EXCLUDED.acked_seq"

int db_outbox_ack_many(db_t *db, const int64_t *user_ids, const uint64_t *seqs, int n)
{
    if (n == 0)
        return 0;
    strbuf_t users = {0}, acked = {0};
    ID_ARRAY(users, user_ids, n, , "%lld", long long);
    ID_ARRAY(acked, seqs, n, , "%llu", unsigned long long);
    db_params_t p = {0};
    db_param_str(&p, strbuf_str(&users));
    db_param_str(&p, strbuf_str(&acked));
    strbuf_free(&users);
    strbuf_free(&acked);
    /* rows in user order: two daemons acknowledging the same users cannot deadlock */
    return db_exec(db,
                   "INSERT INTO recipient_acks (user_id, acked_seq)"
                   " SELECT a.user_id, least(s.last_seq, a.seq) FROM (SELECT user_id, max(seq)"
                   " AS seq FROM unnest($1::bigint[], $2::bigint[]) AS x(user_id, seq)"
                   " GROUP BY user_id) a JOIN recipient_seq s ON s.user_id = a.user_id"
                   " ORDER BY a.user_id" ACK_UPSERT,
                   &p);
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

int db_outbox_notify(db_t *db, const char *origin, const int64_t *users, int n)
{
    if (n == 0)
        return 0;
    strbuf_t sb = {0};
    strbuf_printf(&sb, "%s|", origin);
    size_t head = sb.len;
    for (int i = 0; i < n && sb.len < 7900; i++)
        strbuf_printf(&sb, "%s%lld", i ? "," : "", (long long)users[i]);
    /* NOTIFY payloads stop at 8000 bytes; an empty list makes every daemon check everyone */
    if (sb.len >= 7900) {
        sb.len = head;
        sb.data[head] = '\0';
    }
    db_params_t p = {0};
    db_param_str(&p, strbuf_str(&sb));
    strbuf_free(&sb);
    return db_exec(db, "SELECT pg_notify('lkip_events', $1)", &p);
}

int db_outbox_prune(db_t *db, int days, int batch)
{
    db_params_t p = {0};
    db_param_int(&p, days);
    db_param_int(&p, batch);
    db_res_t *r = db_query(db,
                           "DELETE FROM outbox WHERE ctid IN ("
                           " SELECT o.ctid FROM outbox o"
                           " JOIN recipient_acks s ON s.user_id = o.user_id"
                           " WHERE o.created_at < now() - make_interval(days => $1::int)"
                           "  AND o.seq <= s.acked_seq LIMIT $2)",
                           &p);
    if (!r)
        return -1;
    int n = (int)db_res_affected(r);
    db_res_free(&r);
    return n;
}
