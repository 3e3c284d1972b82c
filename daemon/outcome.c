/* outcome — see outcome.h. */
#include "outcome.h"

#include <stdarg.h>
#include <stdlib.h>

void outcome_say(outcome_t *o, int status, const char *code, const char *fmt, ...)
{
    strbuf_t sb = {0};
    va_list ap;
    va_start(ap, fmt);
    strbuf_vprintf(&sb, fmt, ap);
    va_end(ap);
    outcome_clear(o); /* after formatting: the arguments may point into o's message */
    *o = (outcome_t){
        .kind = OUTCOME_ANSWER, .status = status, .code = code, .message = strbuf_take(&sb)};
}

void outcome_db_failed(outcome_t *o, const char *what)
{
    outcome_clear(o);
    *o = (outcome_t){.kind = OUTCOME_DB_FAILED, .what = what};
}

void outcome_clear(outcome_t *o)
{
    free(o->message);
    *o = (outcome_t){0};
}
