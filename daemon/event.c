/* event — see event.h. */
#include "event.h"

#include "eventkind.h"

#include <stdlib.h>

static char *s_str(const char *s)
{
    return (char *)(s ? s : "");
}

void event_make(Lkip__Event *ev, Lkip__EventKind type, const event_about_t *about)
{
    const char *name = eventkind_name(type);
    if (!name)
        abort(); /* programmer error: an event without a kind */
    lkip__event__init(ev);
    ev->type = type;
    ev->kind = (char *)name;
    ev->at = about->at;
    ev->instance_id = about->instance_id;
    ev->org_code = s_str(about->org_code);
    ev->time_zone = s_str(about->time_zone);
    ev->sop_code = s_str(about->sop_code);
    ev->period = s_str(about->period);
    ev->step_no = about->step_no;
    ev->step_title = s_str(about->step_title);
    ev->actor = s_str(about->actor);
    ev->actor_capacity = s_str(about->actor_capacity);
}
