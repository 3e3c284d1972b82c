/* db_org — organisations and their units (master data). Any thread with its own connection
 * (workers, the database loop). */
#ifndef LKIP_DB_ORG_H
#define LKIP_DB_ORG_H

#include "db.h"
#include "db_users.h"

typedef struct db_org {
    int64_t id;
    char *code;
    char *name;
    bool disabled;
    char *letter_template;
    char *letter_kka;
    char *time_zone;
    int calendar_version;
} db_org_t;

typedef struct {
    int64_t id;
    int64_t org_id;
    char *org_code;
    char *code;
    char *name;
    bool disabled;
} db_unit_t;

void db_org_clear(db_org_t *o);
void db_unit_clear(db_unit_t *u);

db_lookup_t db_org_by_code(db_t *db, const char *code, db_org_t *out) WUR;
db_lookup_t db_unit_by_code(db_t *db, int64_t org_id, const char *code, db_unit_t *out) WUR;

/* Inserts an organisation; *taken when the code exists. NULL settings take the defaults. */
int db_org_add(db_t *db, const char *code, const char *name, const char *letter_template,
               const char *letter_kka, const char *time_zone, bool *taken) WUR;
/* Updates by code; NULL fields (and disabled < 0) stay. *found false when no such code. */
int db_org_set(db_t *db, const char *code, const char *name, const char *letter_template,
               const char *letter_kka, const char *time_zone, int disabled, bool *found) WUR;
int db_org_list(db_t *db, db_org_t **out) WUR;
void db_orgs_free(db_org_t *orgs, int n);

int db_unit_add(db_t *db, int64_t org_id, const char *code, const char *name, bool *taken) WUR;
int db_unit_set(db_t *db, int64_t org_id, const char *code, const char *name, int disabled,
                bool *found) WUR;
/* Units of org_id (all organisations when 0), by organisation and code. */
int db_unit_list(db_t *db, int64_t org_id, db_unit_t **out) WUR;
void db_units_list_free(db_unit_t *units, int n);

#endif
