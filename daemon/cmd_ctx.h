/* cmd_ctx — the context of one request, as the handlers (cmd.h) and the layers they call
 * (flow, drafts, formats) see it: the transaction, the caller, the clock, the audit detail and
 * the request's events. The layers below use it but never answer: they return an outcome
 * (outcome.h) and only cmd.h's functions fill ctx->reply. Worker thread. */
#ifndef LKIP_CMD_CTX_H
#define LKIP_CMD_CTX_H

#include "config.h"
#include "db.h"
#include "db_outbox.h"
#include "db_users.h"
#include "defcache.h"
#include "wire.h"

typedef struct cmd_ctx {
    db_t *db; /* open transaction, savepoint "req" set */
    const config_t *cfg;
    const user_t *caller;       /* the authenticated, enabled user */
    const Lkip__Envelope *req;  /* the decoded request */
    int64_t now;                /* unix seconds of the daemon clock (test clock in tests) */
    Lkip__Reply *reply;         /* filled by the handler (cmd.h's cmd_reply...); owned by the
                                 * server; never touched by the layers below */
    int64_t instance_id;        /* for the audit row: 0 when none */
    int step_no;                /* for the audit row: 0 when none */
    strbuf_t detail;            /* for the audit row: what was done, in English */
    strbuf_t acting_as;         /* for the audit row: the capacity the caller acted in, when it
                                 * acted for another official ("Plh. Kepala Dinas") */
    defcache_t *defs;           /* parsed SOP definitions */
    struct deadline *deadlines; /* organisations' calendars */
    struct timesrc *clock;      /* the daemon clock (test clock commands set it) */
    outq_t events;              /* events of this request, written at commit if accepted */
} cmd_ctx_t;

#endif
