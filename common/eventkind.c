/* eventkind — see eventkind.h. */
#include "eventkind.h"

#include "util.h"

#include <string.h>

/* Indexed by the enum's value: the numbers are dense from 1. */
static const char *const s_names[] = {
    [LKIP__EVENT_KIND__EVENT_STEP_ASSIGNED] = "step_assigned",
    [LKIP__EVENT_KIND__EVENT_STEP_DONE] = "step_done",
    [LKIP__EVENT_KIND__EVENT_RETURNED] = "returned",
    [LKIP__EVENT_KIND__EVENT_UNIT_TASK_ASSIGNED] = "unit_task_assigned",
    [LKIP__EVENT_KIND__EVENT_UNIT_SUBMITTED] = "unit_submitted",
    [LKIP__EVENT_KIND__EVENT_DOCUMENT_UPLOADED] = "document_uploaded",
    [LKIP__EVENT_KIND__EVENT_INSTANCE_DONE] = "instance_done",
    [LKIP__EVENT_KIND__EVENT_REMINDER] = "reminder",
    [LKIP__EVENT_KIND__EVENT_OVERDUE] = "overdue",
    [LKIP__EVENT_KIND__EVENT_ESCALATION] = "escalation",
    [LKIP__EVENT_KIND__EVENT_DEADLINE_CHANGED] = "deadline_changed",
    [LKIP__EVENT_KIND__EVENT_DRAFT_MADE] = "draft_made",
    [LKIP__EVENT_KIND__EVENT_BOARD_CHANGED] = "board_changed",
    [LKIP__EVENT_KIND__EVENT_HOLIDAYS_MISSING] = "holidays_missing",
};

const char *eventkind_name(Lkip__EventKind kind)
{
    if ((unsigned)kind >= ARRAY_LEN(s_names))
        return NULL;
    return s_names[kind];
}

Lkip__EventKind eventkind_parse(const char *name)
{
    for (size_t i = 1; name && i < ARRAY_LEN(s_names); i++)
        if (s_names[i] && strcmp(s_names[i], name) == 0)
            return (Lkip__EventKind)i;
    return LKIP__EVENT_KIND__EVENT_NONE;
}

Lkip__EventKind eventkind_of(const Lkip__Event *ev)
{
    if (eventkind_name(ev->type))
        return ev->type;
    return eventkind_parse(ev->kind);
}
