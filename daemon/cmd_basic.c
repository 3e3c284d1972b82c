/* cmd_basic — ping, whoami and subscribe: what every client may ask. */
#include "cmd.h"

#include "db_outbox.h"
#include "stats.h"

/* The PostgreSQL server the request's connection is on: for the operator, which node answered
 * (after a fail-over, the new primary). */
static Lkip__DatabaseNode *s_database_node(db_t *db)
{
    db_ident_t id;
    db_identity(db, &id);
    Lkip__DatabaseNode *n = xmalloc(sizeof *n);
    lkip__database_node__init(n);
    n->host = xstrdup(id.host);
    n->port = id.port;
    n->system_identifier = xstrdup(id.system_id);
    n->timeline = id.timeline;
    return n;
}

/* The daemon's totals (stats.h): an administrator's view, not another organisation's. */
static Lkip__DaemonLoad *s_load(void)
{
    stats_t st;
    stats_get(&st);
    Lkip__DaemonLoad *l = xmalloc(sizeof *l);
    lkip__daemon_load__init(l);
    l->requests = st.requests;
    l->batches = st.batches;
    l->statements = st.statements;
    l->round_trips = st.round_trips;
    l->reruns = st.reruns;
    l->sessions = st.sessions;
    return l;
}

void cmd_ping(cmd_ctx_t *ctx)
{
    Lkip__PongReply *p = xmalloc(sizeof *p);
    lkip__pong_reply__init(p);
    p->version = xstrdup(LKIP_VERSION);
    p->server_time = ctx->now;
    p->node = xstrdup(ctx->cfg->node_name);
    p->database = s_database_node(ctx->db);
    p->time_zone = xstrdup(ctx->caller->time_zone ? ctx->caller->time_zone : "");
    if (cmd_is_admin(ctx))
        p->load = s_load();
    ctx->reply->payload_case = LKIP__REPLY__PAYLOAD_PONG;
    ctx->reply->pong = p;
    cmd_reply(ctx, LKIP__STATUS__OK, "ok", "Server aktif");
}

void cmd_whoami(cmd_ctx_t *ctx)
{
    ctx->reply->payload_case = LKIP__REPLY__PAYLOAD_USER;
    ctx->reply->user = cmd_user_info(ctx->caller);
    cmd_reply(ctx, LKIP__STATUS__OK, "ok", "Anda terdaftar sebagai %s", ctx->caller->name);
}

void cmd_subscribe(cmd_ctx_t *ctx)
{
    uint64_t last = 0;
    if (db_outbox_last_seqs(ctx->db, &ctx->caller->id, 1, &last) != 0) {
        cmd_db_failed(ctx, "subscribe");
        return;
    }
    Lkip__SubscribeReply *s = xmalloc(sizeof *s);
    lkip__subscribe_reply__init(s);
    s->last_seq = last;
    s->keepalive_ms = (uint32_t)(ctx->cfg->session_timeout_ms / 3);
    ctx->reply->payload_case = LKIP__REPLY__PAYLOAD_SUBSCRIBED;
    ctx->reply->subscribed = s;
    /* the server registers the session once this reply is sent */
    cmd_reply(ctx, LKIP__STATUS__OK, "ok",
              "Berlangganan pemberitahuan; %llu pemberitahuan "
              "tersimpan untuk Anda",
              (unsigned long long)last);
}
