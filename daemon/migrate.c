/* migrate — see migrate.h. */
#include "migrate.h"

#include "log.h"

#include <stdio.h>

/* Any constant shared by all lkipd processes; serialises concurrent start-ups. */
#define MIGRATE_LOCK_KEY 0x6c6b6970

int migrate_latest(void)
{
    return migrations_count ? migrations[migrations_count - 1].version : 0;
}

static int s_fail(db_t *db, char *err, size_t errlen, const char *what)
{
    snprintf(err, errlen, "%s: %s", what, db_error(db));
    db_rollback(db);
    return -1;
}

/* Returns the current version inside the open transaction, or -1. */
static int s_current(db_t *db)
{
    db_res_t *r = db_query(db, "SELECT coalesce(max(version), 0) FROM schema_version", NULL);
    if (!r)
        return -1;
    int v = (int)db_res_int(r, 0, 0);
    db_res_free(&r);
    return v;
}

int migrate_run(db_t *db, char *err, size_t errlen)
{
    for (int i = 0; i < migrations_count; i++)
        if (migrations[i].version != i + 1) {
            snprintf(err, errlen, "embedded migration %s is out of sequence", migrations[i].name);
            return -1;
        }
    db_params_t p = {0};
    if (db_begin(db) != 0)
        return s_fail(db, err, errlen, "could not start migration");
    db_param_int(&p, MIGRATE_LOCK_KEY);
    if (db_exec(db, "SELECT pg_advisory_xact_lock($1)", &p) != 0 ||
        db_exec(db,
                "CREATE TABLE IF NOT EXISTS schema_version ("
                " version integer PRIMARY KEY, name text NOT NULL,"
                " applied_at timestamptz NOT NULL DEFAULT now())",
                NULL) != 0 ||
        db_commit(db) != 0)
        return s_fail(db, err, errlen, "could not create schema_version");

    int applied = 0;
    for (;;) {
        if (db_begin(db) != 0)
            return s_fail(db, err, errlen, "could not start migration");
        db_param_int(&p, MIGRATE_LOCK_KEY);
        if (db_exec(db, "SELECT pg_advisory_xact_lock($1)", &p) != 0)
            return s_fail(db, err, errlen, "could not lock schema");
        int current = s_current(db);
        if (current < 0)
            return s_fail(db, err, errlen, "could not read schema version");
        if (current > migrate_latest()) {
            db_rollback(db);
            snprintf(err, errlen,
                     "database schema version %d is newer than this lkipd knows (%d): "
                     "upgrade lkipd",
                     current, migrate_latest());
            return -1;
        }
        if (current == migrate_latest()) {
            db_rollback(db);
            return applied;
        }
        const migration_t *m = &migrations[current];
        if (db_exec_script(db, m->sql) != 0) {
            char what[128];
            snprintf(what, sizeof what, "migration %s failed", m->name);
            return s_fail(db, err, errlen, what);
        }
        db_param_int(&p, m->version);
        db_param_str(&p, m->name);
        if (db_exec(db, "INSERT INTO schema_version (version, name) VALUES ($1, $2)", &p) != 0 ||
            db_commit(db) != 0)
            return s_fail(db, err, errlen, "could not record migration");
        log_info("applied migration %s", m->name);
        applied++;
    }
}
