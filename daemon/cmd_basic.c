/* cmd_basic — ping and whoami: what every client may ask. */
#include "cmd.h"

void cmd_ping(cmd_ctx_t *ctx)
{
    Lkip__PongReply *p = xmalloc(sizeof *p);
    lkip__pong_reply__init(p);
    p->version = xstrdup(LKIP_VERSION);
    p->server_time = ctx->now;
    p->node = xstrdup(ctx->cfg->node_name);
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
