/* cmd — the command table of lkipd and what handlers share (their context: cmd_ctx.h). The
 * server checks, in one place and before any handler runs, that the request type is known, that
 * the caller is an enabled user and that the caller's role may use the command; handlers then do
 * only their own work and answer through cmd_reply. Handlers run inside the server's transaction
 * (a savepoint per request): a reply of 400 or above rolls the request's changes back. Worker
 * thread: a handler runs on the worker whose transaction it is in.
 *
 * Who answers the client, in order: dispatch.c (the request policy: caller, access rule,
 * request_id, stored replies) answers what it refuses, else runs the handler; the handler
 * (cmd_*.c; stepset.c for a batch's step requests) alone fills the reply (cmd_reply,
 * cmd_db_failed, cmd_reply_outcome); flow.c, drafts.c and formats.c apply the engine's verdict
 * and return an outcome (outcome.h), never a reply; db_*.c return rows and codes. */
#ifndef LKIP_CMD_H
#define LKIP_CMD_H

#include "cmd_ctx.h"
#include "db_flow.h"
#include "outcome.h"
#include "unitdata.h"

typedef void (*cmd_fn_t)(cmd_ctx_t *ctx);

/* Who may send a command. Checked in one place (dispatch) before any handler runs; the engine
 * then checks the step's own actor role and the handlers ownership (a unit operator acts only for
 * its own unit). */
typedef enum {
    ACCESS_ANY,      /* every enabled user */
    ACCESS_ADMIN,    /* role admin only: master data, keys, calendars */
    ACCESS_WORKFLOW, /* every role but admin: the admin manages master data and never acts in a
                      * workflow step (separation of duties) */
    ACCESS_ROLES,    /* only the roles listed in the command's roles */
} cmd_access_t;

#define CMD_MAX_ROLES 4
typedef struct {
    int body;         /* Lkip__Envelope__BodyCase of the request */
    const char *name; /* English name for logs and audit, e.g. "user_add" */
    cmd_access_t access;
    bool mutating; /* changes state: reply stored for retries, always audited */
    cmd_fn_t fn;
    const char *roles[CMD_MAX_ROLES]; /* ACCESS_ROLES: the roles allowed */
    bool directory; /* changes users, units or organisations: the directory in memory is
                     * reloaded before the reply goes out */
} cmd_t;

/* The command for a request type, or NULL when the type is not a request. */
const cmd_t *cmd_find(int body_case);

/* The request policy, in one place before any handler runs: the caller's role must be allowed
 * by the command table, a change must carry a request_id, and an organisation the request names
 * (any field org_code) must be the caller's own unless the caller is admin: every read and every
 * change is scoped to the caller's organisation (tenant isolation). Returns true when the
 * handler may run; otherwise the reply is set (403 / 400). ctx->caller must be set. */
bool cmd_authorize(cmd_ctx_t *ctx, const cmd_t *cmd, uint64_t request_id);

/* True when the caller is an administrator. */
bool cmd_is_admin(const cmd_ctx_t *ctx);

/* Sets the reply's status, stable English code and Indonesian message (printf-style). */
void cmd_reply(cmd_ctx_t *ctx, int status, const char *code, const char *fmt, ...) PRINTF(4, 5);

/* Answers what a layer below the handler returned (outcome.h): its answer as it is, or
 * cmd_db_failed for its failed database call. OUTCOME_NONE leaves the reply as it is. */
void cmd_reply_outcome(cmd_ctx_t *ctx, const outcome_t *o);

/* The message of every 503 db_unavailable reply. It never invites a new request: the change
 * may have been made before the database went away, and only the same request (the same
 * request_id) can find that out without making it twice. */
#define CMD_UNAVAILABLE_MESSAGE                                                                    \
    "Basis data sedang tidak dapat dijangkau; belum pasti apakah permintaan ini sudah "            \
    "diproses. Kirim kembali permintaan yang sama (request_id yang sama) untuk mengetahui "        \
    "hasilnya: perubahan tidak akan tercatat dua kali"

/* Answers a failed database call: 503 (retryable) for lost connections, deadlocks and
 * serialization failures, 409 for a unique violation, otherwise 500. Logs once. */
void cmd_db_failed(cmd_ctx_t *ctx, const char *what);

/* Checks a single-line field: non-empty (when required), at most max bytes, no control
 * characters. On failure replies 400/413 naming the field and returns false. */
bool cmd_check_field(cmd_ctx_t *ctx, const char *field, const char *value, size_t max,
                     bool required);

/* The longest note or reason a workflow command takes (bytes). */
#define CMD_MAX_NOTE 4000

/* The audit detail of a step command on inst ("done step 5 of LKIP/2026: note"). */
void cmd_step_detail(cmd_ctx_t *ctx, const Lkip__StepRequest *r, int step_no,
                     const db_instance_t *inst);

/* Resolves and loads the instance a request names ("17", "LKIP/2026", or "" for the caller's
 * only active one) in the caller's organisation, with its row lock when lock, and its
 * definition; sets ctx->instance_id. False after replying (the caller then owns nothing). */
bool cmd_instance(cmd_ctx_t *ctx, const char *ref, bool lock, db_instance_t *inst,
                  const sopdef_t **def);

/* For an upload naming a staged document (upload_id): assembles it (caller frees *content),
 * checks its size and SHA-256 against the request, and removes its pieces. false after
 * replying. */
bool cmd_take_upload(cmd_ctx_t *ctx, const Lkip__UploadRequest *r, uint8_t **content, size_t *len);

/* Handlers, by module. */
void cmd_ping(cmd_ctx_t *ctx);
void cmd_whoami(cmd_ctx_t *ctx);
void cmd_subscribe(cmd_ctx_t *ctx);
void cmd_user_add(cmd_ctx_t *ctx);
void cmd_user_list(cmd_ctx_t *ctx);
void cmd_user_set(cmd_ctx_t *ctx);
void cmd_org_add(cmd_ctx_t *ctx);
void cmd_org_set(cmd_ctx_t *ctx);
void cmd_org_list(cmd_ctx_t *ctx);
void cmd_unit_add(cmd_ctx_t *ctx);
void cmd_unit_set(cmd_ctx_t *ctx);
void cmd_unit_list(cmd_ctx_t *ctx);
void cmd_sop_load(cmd_ctx_t *ctx);
void cmd_sop_list(cmd_ctx_t *ctx);
void cmd_start(cmd_ctx_t *ctx);
void cmd_step(cmd_ctx_t *ctx);
void cmd_submit(cmd_ctx_t *ctx);
void cmd_upload(cmd_ctx_t *ctx);
void cmd_download(cmd_ctx_t *ctx);
void cmd_upload_chunk(cmd_ctx_t *ctx);
void cmd_tasks(cmd_ctx_t *ctx);
void cmd_status(cmd_ctx_t *ctx);
void cmd_history(cmd_ctx_t *ctx);
void cmd_capaian(cmd_ctx_t *ctx);
void cmd_calendar_show(cmd_ctx_t *ctx);
void cmd_holiday(cmd_ctx_t *ctx);
void cmd_calendar_import(cmd_ctx_t *ctx);
void cmd_hours_set(cmd_ctx_t *ctx);
void cmd_period(cmd_ctx_t *ctx);
void cmd_calendar_due(cmd_ctx_t *ctx);
void cmd_clock_set(cmd_ctx_t *ctx);
void cmd_delegate_add(cmd_ctx_t *ctx);
void cmd_delegate_remove(cmd_ctx_t *ctx);
void cmd_delegate_list(cmd_ctx_t *ctx);
void cmd_pk_import(cmd_ctx_t *ctx);
void cmd_pk_show(cmd_ctx_t *ctx);
void cmd_format_make(cmd_ctx_t *ctx);
void cmd_format_download(cmd_ctx_t *ctx);
void cmd_board(cmd_ctx_t *ctx);
void cmd_draft(cmd_ctx_t *ctx);
void cmd_org_profile_set(cmd_ctx_t *ctx);
void cmd_org_profile_show(cmd_ctx_t *ctx);

/* Parses and stores an SOP definition file as a new version when its text changed (also used
 * at start-up for sop_dir). Returns 0, 1 when the definition was refused (err says why, with
 * file and line), or -1 on a database error. */
struct db_sop_info;
int sop_store(db_t *db, const char *name, const char *text, size_t len, int64_t user_id,
              struct db_sop_info *info, bool *created, char *err, size_t errlen) WUR;

/* The organisation a request is about: the one org_code names, or the caller's when it is "".
 * (Naming another organisation than one's own is refused for non-admins by cmd_authorize.)
 * false after replying (404 unknown_org). org is cleared by the caller (db_org_clear). */
struct db_org;
bool cmd_target_org(cmd_ctx_t *ctx, const char *org_code, struct db_org *org);

/* The Document reply of a stored document version (its piece of content from offset), taking
 * row's strings and content (row is left cleared). */
struct db_document_row;
Lkip__DocumentReply *cmd_document_reply(struct db_document_row *row, int64_t offset);

/* The DocumentInfo of a stored document version, taking row's strings (row is left with its
 * content alone). */
Lkip__DocumentInfo *cmd_document_info(struct db_document_row *row);

/* Makes s (taken) the reply's one instance (a StatusReply): the status command, and the header
 * a workflow change answers with. */
void cmd_reply_instance(cmd_ctx_t *ctx, Lkip__InstanceStatus *s);

/* The CellError of a refused file's bad cell (unit data or PK; heap strings). */
Lkip__CellError *cmd_cell_error(const unitdata_error_t *e);

/* Fills a UserInfo message from a user row (heap strings; freed with the reply). */
Lkip__UserInfo *cmd_user_info(const user_t *u);

#endif
