/* db_audit — the record of commands: the append-only audit trail and the stored replies that
 * make retried requests idempotent. Any thread with its own connection; a worker inside the
 * request's transaction. */
#ifndef LKIP_DB_AUDIT_H
#define LKIP_DB_AUDIT_H

#include "db.h"

/* One audit row: who did what, accepted (status < 400) or refused. user_id 0 is "unknown".
 * instance_id and step_no 0 mean none. Returns 0 or -1. */
int db_audit_add(db_t *db, int64_t user_id, const char *command, int status, const char *code,
                 int64_t instance_id, int step_no, const char *detail) WUR;

/* The stored reply of (user, request_id) and the command it answered (command: 32 bytes):
 * 1 found (caller owns *reply), 0 none, -1 error. */
int db_request_get(db_t *db, int64_t user_id, uint64_t request_id, uint8_t **reply, size_t *len,
                   char *command, size_t command_len) WUR;

/* Records an accepted change in one statement: its audit row and its stored reply. acting_as is
 * the capacity the user acted in for another official ("" or NULL: its own role). Returns 1,
 * 0 when (user, request_id) already has a stored reply (a retry: the caller rolls back), or -1. */
int db_request_accept(db_t *db, int64_t user_id, uint64_t request_id, const char *command,
                      const uint8_t *reply, size_t len, int status, const char *code,
                      int64_t instance_id, int step_no, const char *detail,
                      const char *acting_as) WUR;

/* The audit rows and stored replies of a whole batch (its set path), written with one INSERT
 * each. Zero-initialise; db_auditset_add hands them to a pipeline. */
typedef struct {
    db_array_t a[8]; /* audit: user, command, status, code, instance, step, detail, acting_as */
    db_array_t r[4]; /* requests: user, request_id, command, reply */
    int n_audit, n_stored;
} db_auditset_t;

/* A refused request's audit row (no stored reply). */
void db_auditset_refused(db_auditset_t *s, int64_t user_id, const char *command, int status,
                         const char *code, int64_t instance_id, int step_no, const char *detail);
/* An accepted change: its audit row and its stored reply. */
void db_auditset_accepted(db_auditset_t *s, int64_t user_id, uint64_t request_id,
                          const char *command, const uint8_t *reply, size_t len, int status,
                          const char *code, int64_t instance_id, int step_no, const char *detail,
                          const char *acting_as);
/* The SQLSTATE of a batch's stored replies when a (user, request_id) had one already (a copy of
 * a request committed meanwhile by another daemon): the batch must run again the ordinary way. */
#define DB_STORED_ALREADY "LKB01"

/* Adds the INSERTs to pipe and empties s. The stored replies' statement fails with
 * DB_STORED_ALREADY when a reply was stored before. Returns its index, or -1 when there is
 * none. */
int db_auditset_add(db_auditset_t *s, db_pipe_t *pipe);
void db_auditset_free(db_auditset_t *s);

/* The stored replies among the (user, request_id) pairs given: adds the statement to pipe; its
 * rows are (user_id, request_id as text). */
void db_request_find_many(db_pipe_t *pipe, const int64_t *users, const uint64_t *request_ids,
                          int n);

/* Deletes up to batch stored replies older than days. Returns the count or -1. */
int db_request_prune(db_t *db, int days, int batch) WUR;

#endif
