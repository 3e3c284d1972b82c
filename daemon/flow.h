/* flow — carries out an engine verdict inside the request's transaction: each effect becomes
 * its db_flow change, each notification its outbox rows for the resolved recipients. The
 * engine decides; flow only persists, so the two stay separately testable. */
#ifndef LKIP_FLOW_H
#define LKIP_FLOW_H

#include "cmd.h"
#include "db_flow.h"
#include "engine.h"

typedef struct {
    cmd_ctx_t *ctx;
    db_instance_t *inst; /* loaded under its row lock (or just created) */
    const sopdef_t *def;
    const char *text;        /* the command's note or reason */
    const char *capacity;    /* the caller acts for another official ("Plh. Kepala Dinas");
                              * NULL in its own role */
    const char *archive_ref; /* archive step: where the paper copy is kept */
    /* ENGINE_SUBMIT */
    const unitdata_t *data;
    int64_t task_id;
    const char *unit_code;
    /* ENGINE_SUBMIT and ENGINE_UPLOAD: the file */
    const char *file_name;
    const void *content;
    size_t len;

    /* filled while applying */
    char letter[128]; /* allocated letter number */
    char sha256[65];  /* archived or uploaded document hash */
    int doc_version;  /* archived or uploaded document version */
    int data_version; /* stored unit data version */
    char *missing;    /* units closed as missing (owned) */
} flow_t;

/* Applies every effect of res in order. Returns 0, or -1 after answering the request
 * (cmd_db_failed or a specific refusal). */
int flow_apply(flow_t *f, const engine_result_t *res) WUR;

/* Frees what flow_apply allocated. */
void flow_clear(flow_t *f);

#endif
