/* dispatch — see dispatch.h. */
#include "dispatch.h"

#include "db_audit.h"
#include "log.h"

#include <stdlib.h>
#include <string.h>

/* Loads a stored reply for a retried change; true when the request is answered by it (or the
 * lookup failed and said so). */
static bool s_replay_stored(const dispatch_env_t *env, pending_t *p, cmd_ctx_t *ctx)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    char command[32] = "";
    int found =
        db_request_get(env->db, p->user_id, p->request_id, &buf, &len, command, sizeof command);
    if (found < 0) {
        cmd_db_failed(ctx, "stored reply lookup");
        return true;
    }
    if (found == 0)
        return false;
    if (strcmp(command, p->cmd->name) != 0) {
        free(buf);
        cmd_reply(ctx, LKIP__STATUS__CONFLICT, "request_id_reused",
                  "request_id ini sudah dipakai untuk perintah lain (%s)", command);
        return true;
    }
    Lkip__Reply *stored = lkip__reply__unpack(NULL, len, buf);
    free(buf);
    if (!stored) {
        cmd_reply(ctx, LKIP__STATUS__INTERNAL, "internal", "Balasan tersimpan rusak");
        return true;
    }
    lkip__reply__free_unpacked(p->reply, NULL);
    p->reply = ctx->reply = stored;
    log_debug("request %llu of user %lld answered from its stored reply",
              (unsigned long long)p->request_id, (long long)p->user_id);
    return true;
}

/* Stores an accepted change's audit row and reply: 1 stored, 0 a reply was stored before (a
 * retry), -1 failed (the reply then says so). */
static int s_record_accepted(const dispatch_env_t *env, pending_t *p, cmd_ctx_t *ctx)
{
    size_t len = lkip__reply__get_packed_size(p->reply);
    uint8_t *buf = xmalloc(len);
    lkip__reply__pack(p->reply, buf);
    int rc = db_request_accept(env->db, p->user_id, p->request_id, p->cmd->name, buf, len,
                               p->reply->status, p->reply->code, ctx->instance_id, ctx->step_no,
                               strbuf_str(&ctx->detail), strbuf_str(&ctx->acting_as));
    free(buf);
    if (rc < 0)
        cmd_db_failed(ctx, "record the change");
    return rc;
}

/* The caller of p into *caller: from the directory in memory (borrowed, *owned false), or read
 * from the database for a user it does not hold yet (just added, the reload under way; *owned
 * true: user_clear). True when the caller may send requests; otherwise the reply says why. */
static bool s_caller(const dispatch_env_t *env, pending_t *p, cmd_ctx_t *ctx, user_t *caller,
                     bool *owned)
{
    const user_t *known = env->dir ? usercache_by_id(env->dir, p->user_id) : NULL;
    db_lookup_t found = known ? DB_FOUND : db_user_by_id(env->db, p->user_id, caller);
    *owned = !known; /* user_clear of a row not read is harmless */
    if (known)
        *caller = *known;
    if (found == DB_FAILED) {
        cmd_db_failed(ctx, "caller lookup");
        return false;
    }
    if (found == DB_NOT_FOUND || caller->disabled) {
        cmd_reply(ctx, LKIP__STATUS__FORBIDDEN, "user_disabled",
                  "Akun Anda tidak aktif; hubungi administrator");
        return false;
    }
    if (strcmp(caller->public_key, p->key) != 0) {
        /* the connection was made with a key the user no longer holds */
        cmd_reply(ctx, LKIP__STATUS__FORBIDDEN, "key_changed",
                  "Kunci yang dipakai sambungan ini sudah diganti oleh administrator; "
                  "sambungkan ulang dengan kunci yang baru");
        return false;
    }
    return true;
}

/* After the handler: keeps an accepted change with its stored reply, or rolls the request back
 * to its savepoint (a retried change then answered from its stored reply, a refusal audited).
 * True when the request's work stays. */
static bool s_settle(const dispatch_env_t *env, pending_t *p, cmd_ctx_t *ctx)
{
    /* A retried change (same request_id) is recognised without a lookup in the common case: an
     * accepted run finds its stored reply taken at the insert, a refused one (the state moved
     * on) looks for it. Either way the stored reply answers and this run is rolled back. */
    bool accepted = p->reply->status < 400;
    bool retry_possible = ctx->caller && p->cmd->mutating;
    if (accepted && p->cmd->mutating) {
        int rc = s_record_accepted(env, p, ctx);
        accepted = rc == 1;
        retry_possible = rc == 0;
    }
    if (accepted)
        return true;
    bool replayed = false;
    bool rolled_back = db_rollback_savepoint(env->db) == 0;
    if (rolled_back && retry_possible)
        replayed = s_replay_stored(env, p, ctx);
    if (rolled_back && !replayed &&
        db_audit_add(env->db, p->user_id, p->cmd->name, p->reply->status, p->reply->code,
                     ctx->instance_id, ctx->step_no, p->reply->message) != 0)
        log_warn("could not audit refused %s: %s", p->cmd->name, db_error(env->db));
    if (!replayed)
        log_debug("%s by user %lld refused: %d %s", p->cmd->name, (long long)p->user_id,
                  p->reply->status, p->reply->code);
    return false;
}

void dispatch_request(const dispatch_env_t *env, pending_t *p, int64_t now, outq_t *events)
{
    cmd_ctx_t ctx = {.db = env->db,
                     .cfg = env->cfg,
                     .req = p->env,
                     .now = now,
                     .defs = env->defs,
                     .deadlines = env->deadlines,
                     .clock = env->clock};
    if (p->reply) /* a set path's answer withdrawn */
        lkip__reply__free_unpacked(p->reply, NULL);
    ctx.reply = p->reply = batch_reply_new();
    if (db_savepoint(env->db) != 0) {
        cmd_db_failed(&ctx, "savepoint");
        return;
    }
    user_t caller = {0};
    bool owned = false;
    if (s_caller(env, p, &ctx, &caller, &owned)) {
        ctx.caller = &caller;
        if (cmd_authorize(&ctx, p->cmd, p->request_id))
            p->cmd->fn(&ctx);
        if (p->reply->status == LKIP__STATUS__STATUS_NONE)
            cmd_reply(&ctx, LKIP__STATUS__INTERNAL, "internal", "Perintah tidak menjawab");
    }
    /* the savepoint is not released: the next one shadows it, and a round trip is saved */
    if (s_settle(env, p, &ctx))
        outq_move(events, &ctx.events);
    else
        outq_clear(&ctx.events);
    if (owned)
        user_clear(&caller);
    strbuf_free(&ctx.detail);
    strbuf_free(&ctx.acting_as);
}
