/* defcache — parsed SOP definitions by id. A stored definition never changes (an edited file
 * becomes a new version), so an entry is never stale and the cache only grows with the number
 * of versions loaded. A defcache_t belongs to one thread (each worker and the database loop have
 * their own). */
#ifndef LKIP_DEFCACHE_H
#define LKIP_DEFCACHE_H

#include "db.h"
#include "sopdef.h"

typedef struct defcache defcache_t;

defcache_t *defcache_new(void);
void defcache_destroy(defcache_t **self_p);

/* The definition with id def_id, parsed from its stored text on first use. NULL when the
 * database failed (db_error tells) or the stored text no longer parses (logged). The cache
 * owns the result. */
const sopdef_t *defcache_get(defcache_t *self, db_t *db, int64_t def_id);

#endif
