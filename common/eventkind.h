/* eventkind — the one table of event kinds: each EventKind's name, sent in Event.kind beside the
 * enum in Event.type (older clients and --json read the name). Shared by lkipd, which names what
 * it sends, and lkip, which reads events from daemons old and new. Pure; any thread. */
#ifndef LKIP_EVENTKIND_H
#define LKIP_EVENTKIND_H

#include "lkip.pb-c.h"

/* The name of kind ("step_assigned"); NULL for EVENT_NONE and values outside the enum. */
const char *eventkind_name(Lkip__EventKind kind);

/* The kind named name; LKIP__EVENT_KIND__EVENT_NONE when name is unknown or NULL. */
Lkip__EventKind eventkind_parse(const char *name);

/* What ev says happened: its type, or from its kind name when type is unset (a daemon older
 * than the enum). EVENT_NONE when neither is known. */
Lkip__EventKind eventkind_of(const Lkip__Event *ev);

#endif
