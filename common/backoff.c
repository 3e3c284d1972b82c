/* backoff — see backoff.h. */
#include "backoff.h"

#include <sodium.h>

void backoff_init(backoff_t *b, int first_ms, int max_ms)
{
    b->first_ms = first_ms > 0 ? first_ms : 1;
    b->max_ms = max_ms > b->first_ms ? max_ms : b->first_ms;
    b->next_ms = b->first_ms;
}

void backoff_reset(backoff_t *b)
{
    b->next_ms = b->first_ms;
}

int backoff_next(backoff_t *b)
{
    int ivl = b->next_ms;
    int spread = ivl / 2; /* the pause falls in [ivl - ivl/4, ivl + ivl/4] */
    int pause =
        ivl - spread / 2 + (spread > 0 ? (int)randombytes_uniform((uint32_t)spread + 1) : 0);
    b->next_ms = ivl > b->max_ms / 2 ? b->max_ms : ivl * 2;
    return pause > 0 ? pause : 1;
}
