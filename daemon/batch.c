/* batch — see batch.h. */
#include "batch.h"

#include <stdlib.h>
#include <string.h>

batch_t *batch_new(int cap)
{
    batch_t *b = xcalloc(1, sizeof *b);
    b->cap = cap;
    b->items = xcalloc((size_t)cap, sizeof *b->items);
    return b;
}

void batch_destroy(batch_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    batch_t *b = *self_p;
    for (int i = 0; i < b->n; i++) {
        pending_t *p = &b->items[i];
        zmq_msg_close(&p->rid);
        wire_free(&p->env);
        free(p->flow_key);
        if (p->reply)
            lkip__reply__free_unpacked(p->reply, NULL);
    }
    free(b->items);
    free(b->woken);
    db_written_clear(&b->written);
    free(b);
    *self_p = NULL;
}

void batch_push(batch_t *b, pending_t *p)
{
    if (b->n == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 8;
        b->items = xrealloc(b->items, (size_t)b->cap * sizeof *b->items);
    }
    b->items[b->n++] = *p;
    if (p->cmd)
        b->runnable++;
}

batch_t *batch_take(batch_t *b, int max)
{
    int n = b->n < max ? b->n : max;
    batch_t *out = batch_new(n);
    memcpy(out->items, b->items, (size_t)n * sizeof *b->items);
    out->n = n;
    for (int i = 0; i < n; i++)
        if (out->items[i].cmd)
            out->runnable++;
    memmove(b->items, b->items + n, (size_t)(b->n - n) * sizeof *b->items);
    b->n -= n;
    b->runnable -= out->runnable;
    return out;
}

Lkip__Reply *batch_reply_new(void)
{
    Lkip__Reply *r = xmalloc(sizeof *r);
    lkip__reply__init(r);
    return r;
}

void batch_reply_plain(pending_t *p, int status, const char *code, const char *message)
{
    if (p->reply)
        lkip__reply__free_unpacked(p->reply, NULL);
    p->reply = batch_reply_new();
    p->reply->status = (Lkip__Status)status;
    p->reply->code = xstrdup(code);
    p->reply->message = xstrdup(message);
}

void batch_reply_unavailable(pending_t *p)
{
    batch_reply_plain(p, LKIP__STATUS__UNAVAILABLE, "db_unavailable", CMD_UNAVAILABLE_MESSAGE);
}
