/* db_users — users, roles, organisations and units as the rest of the daemon sees them. Any
 * thread with its own connection (workers, the database loop). */
#ifndef LKIP_DB_USERS_H
#define LKIP_DB_USERS_H

#include "db.h"

/* One user row with its organisation and unit resolved. Strings are owned (user_clear). */
typedef struct {
    int64_t id;
    char *name; /* login name */
    char *full_name;
    char *role; /* role code */
    int64_t org_id;
    char *org_code;
    char *org_name;
    char *time_zone; /* the organisation's */
    int64_t unit_id; /* 0 when the user has no unit */
    char *unit_code; /* "" when none */
    char *unit_name;
    char *public_key; /* Z85; "" when none */
    bool disabled;    /* user, or its organisation, disabled */
} user_t;

void user_clear(user_t *u);

/* For the ZAP handler: the user holding a public key (Z85). */
db_lookup_t db_user_by_key(db_t *db, const char *public_key, user_t *out) WUR;
db_lookup_t db_user_by_id(db_t *db, int64_t id, user_t *out) WUR;
db_lookup_t db_user_by_name(db_t *db, const char *name, user_t *out) WUR;

/* Fields of a new user; unit_code may be NULL or ""; so may org_code when the database holds
 * exactly one organisation. */
typedef struct {
    const char *name, *full_name, *role, *unit_code, *org_code, *public_key;
} user_new_t;

/* Why an insert or update was refused (a database failure is DB_USER_FAILED). */
typedef enum {
    DB_USER_OK = 0,
    DB_USER_FAILED = -1,
    DB_USER_NO_ORG = 1, /* organisation code unknown */
    DB_USER_NO_ROLE,    /* role code unknown */
    DB_USER_NO_UNIT,    /* unit code unknown in that organisation */
    DB_USER_NEEDS_UNIT, /* role needs a unit and none was given */
    DB_USER_NAME_TAKEN,
    DB_USER_KEY_TAKEN,
    DB_USER_NOT_FOUND,
} db_user_rc_t;

/* Inserts a user; *id_out receives the new id. */
db_user_rc_t db_user_add(db_t *db, const user_new_t *u, int64_t *id_out) WUR;

/* Changes a user by name; NULL or "" fields stay; disabled < 0 stays. */
db_user_rc_t db_user_set(db_t *db, const char *name, const char *full_name, const char *role,
                         const char *unit_code, const char *public_key, int disabled) WUR;

/* Tells every daemon (NOTIFY lkip_users, delivered at commit) that the sessions of a user
 * (by name) or of every user of an organisation (by code) must end now: disabled, or its key
 * changed. Payload "u:ID" or "o:ID". Exactly one of user_name, org_code is given. Returns 0 or
 * -1. */
int db_users_revoke(db_t *db, const char *user_name, const char *org_code) WUR;

/* The directory's version: bumped by any change to users, units or organisations. 0 or -1. */
int db_directory_version(db_t *db, int64_t *version) WUR;

/* Every user with its organisation and unit, and the directory version read before them (a
 * change in between shows as a newer version next time). Caller frees with users_free.
 * Returns the count or -1. */
int db_directory_load(db_t *db, user_t **out, int64_t *version) WUR;

/* Users of an organisation (all organisations when org_code is NULL or ""), by name. Caller frees
 * with users_free. Returns the count or -1. */
int db_user_list(db_t *db, const char *org_code, user_t **out) WUR;
void users_free(user_t *users, int n);

#endif
