/* desknotify — desktop notifications through libnotify (the freedesktop notification service on
 * the session bus) for lkip watch --notify. Without a session bus or a notification daemon (a
 * server, an ssh session, CI) showing fails and says why; the caller keeps going. The main
 * thread only. */
#ifndef LKIP_DESKNOTIFY_H
#define LKIP_DESKNOTIFY_H

#include "notifytext.h"

typedef struct desknotify desknotify_t;

/* Opens libnotify for the application name "lkip". Caller owns the result. */
desknotify_t *desknotify_new(void);
void desknotify_destroy(desknotify_t **self_p);

/* Shows n. Returns 0, or -1 with the reason (English, from GLib) in why. */
int desknotify_show(desknotify_t *self, const notifytext_t *n, char *why, size_t len) WUR;

#endif
