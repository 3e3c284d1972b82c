/* desknotify — see desknotify.h. */
#include "desknotify.h"

#include <libnotify/notify.h>
#include <stdio.h>
#include <stdlib.h>

struct desknotify {
    bool inited; /* notify_init succeeded */
};

desknotify_t *desknotify_new(void)
{
    desknotify_t *self = xcalloc(1, sizeof *self);
    self->inited = notify_init("lkip");
    return self;
}

void desknotify_destroy(desknotify_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    if ((*self_p)->inited)
        notify_uninit();
    free(*self_p);
    *self_p = NULL;
}

static NotifyUrgency s_urgency(notifytext_urgency_t u)
{
    return u == NOTIFYTEXT_CRITICAL ? NOTIFY_URGENCY_CRITICAL
           : u == NOTIFYTEXT_LOW    ? NOTIFY_URGENCY_LOW
                                    : NOTIFY_URGENCY_NORMAL;
}

int desknotify_show(desknotify_t *self, const notifytext_t *n, char *why, size_t len)
{
    if (!self->inited && !(self->inited = notify_init("lkip"))) {
        snprintf(why, len, "libnotify could not be initialised");
        return -1;
    }
    NotifyNotification *nn = notify_notification_new(n->title, n->body, "dialog-information");
    notify_notification_set_urgency(nn, s_urgency(n->urgency));
    /* a critical notification stays until dismissed; the others go after the server's default */
    notify_notification_set_app_name(nn, "lkip");
    GError *err = NULL;
    gboolean ok = notify_notification_show(nn, &err);
    if (!ok)
        snprintf(why, len, "%s", err && err->message ? err->message : "unknown error");
    if (err)
        g_error_free(err);
    g_object_unref(G_OBJECT(nn));
    return ok ? 0 : -1;
}
