/* deadline — due times of steps in the organisation's working time: loads the organisation's
 * calendar (hours, special periods, holidays) and applies calendar_due to a step's waktu. */
#ifndef LKIP_DEADLINE_H
#define LKIP_DEADLINE_H

#include "cmd.h"
#include "db_flow.h"
#include "sopdef.h"

/* The due time (unix seconds) of step when assigned at ctx->now in inst's organisation.
 * Returns 0, or -1 after answering the request. */
int deadline_for_step(cmd_ctx_t *ctx, const db_instance_t *inst, const sop_step_t *step,
                      int64_t *due) WUR;

/* UTC seconds -> local civil minutes of zone. 0 or -1. */
int deadline_local_minutes(const char *zone, int64_t utc, int64_t *local) WUR;

#endif
