/* defcache — see defcache.h. */
#include "defcache.h"

#include "db_sop.h"
#include "log.h"

#include <stdlib.h>

typedef struct {
    int64_t id;
    sopdef_t *def;
} entry_t;

struct defcache {
    int n, cap;
    entry_t *entries;
};

defcache_t *defcache_new(void)
{
    return xcalloc(1, sizeof(defcache_t));
}

void defcache_destroy(defcache_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    defcache_t *self = *self_p;
    for (int i = 0; i < self->n; i++)
        sopdef_destroy(&self->entries[i].def);
    free(self->entries);
    free(self);
    *self_p = NULL;
}

const sopdef_t *defcache_get(defcache_t *self, db_t *db, int64_t def_id)
{
    for (int i = 0; i < self->n; i++)
        if (self->entries[i].id == def_id)
            return self->entries[i].def;
    char *name = NULL, *source = NULL;
    size_t len = 0;
    if (db_sop_source(db, def_id, &name, &source, &len) != DB_FOUND)
        return NULL;
    char err[512];
    sopdef_t *def = sopdef_parse(name, source, len, err, sizeof err);
    if (!def)
        log_error("stored SOP definition %lld does not parse: %s", (long long)def_id, err);
    free(name);
    free(source);
    if (!def)
        return NULL;
    if (self->n == self->cap) {
        self->cap = self->cap ? self->cap * 2 : 8;
        self->entries = xrealloc(self->entries, (size_t)self->cap * sizeof *self->entries);
    }
    self->entries[self->n++] = (entry_t){def_id, def};
    return def;
}
