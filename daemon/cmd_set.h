/* cmd_set — the commands the set path of a batch (stepset.c) decides besides step commands: a
 * unit's data (cmd_submit.c) and a document upload (cmd_flow.c). Their handlers are in cmd.h;
 * the set path calls these with the instance (and the unit's task, the instance's last document
 * version) it loaded for the whole batch. Called by the worker thread that runs the batch. */
#ifndef LKIP_CMD_SET_H
#define LKIP_CMD_SET_H

#include "cmd.h"
#include "flow.h"

/* True when the set path may take r: a CSV file within the limits (a workbook needs its format
 * looked up; a request the checks refuse gets their answer on the ordinary path). */
bool cmd_submit_settable(const Lkip__SubmitRequest *r);

/* Decides the submission in ctx against inst (locked, as the batch left it) and the caller's
 * unit task (id 0: none; NULL: looked up here, as the ordinary path does); what it writes is
 * collected in set (NULL: written now). FLOW_NOT_IN_SET: the verdict needs
 * the ordinary path (nothing done, the reply to be thrown away); FLOW_REFUSED: refused, or a
 * database failure (5xx), the reply says. */
flow_rc_t cmd_submit_decide(cmd_ctx_t *ctx, db_instance_t *inst, const sopdef_t *def,
                            const db_task_state_t *task, struct flowset *set);

/* True when step request r's own fields pass the checks the ordinary path makes (its note and
 * archive_ref), so that a refusal of them stays the ordinary path's to give. */
bool cmd_step_checks_pass(const Lkip__StepRequest *r);

/* True when the set path may take upload r: one message (no staged chunks) naming its instance,
 * that the request's checks accept. */
bool cmd_upload_settable(const Lkip__UploadRequest *r);

/* Decides the upload in ctx against inst (locked, as the batch left it); docs are the
 * instance's documents in memory, moved on when it is stored. Returns as cmd_submit_decide. */
flow_rc_t cmd_upload_decide(cmd_ctx_t *ctx, db_instance_t *inst, const sopdef_t *def,
                            db_doc_state_t *docs, struct flowset *set);

#endif
