/* relay — a TCP relay between clients and lkipd, for tests of outages as the network makes them.
 * It forwards bytes both ways, and on request throws away what the daemon sends (a reply lost on
 * its way: the daemon committed, the client never heard), shuts its door (the daemon is away:
 * connections are accepted and closed at once), or cuts the open connections (a network break:
 * the clients connect again). It counts the connections clients open, each one handshake
 * attempt. CURVE runs end to end through it: it sees only ciphertext. It runs a thread of its
 * own; its functions may be called from any thread. */
#ifndef LKIP_RELAY_H
#define LKIP_RELAY_H

typedef struct relay relay_t;

typedef enum {
    RELAY_FORWARD,      /* bytes go both ways */
    RELAY_DROP_REPLIES, /* what the daemon sends is read and thrown away */
    RELAY_SHUT,         /* open connections are cut; new ones are closed as soon as accepted */
} relay_mode_t;

/* Listens on an ephemeral loopback port and relays every connection to target
 * ("tcp://127.0.0.1:PORT"). NULL (the reason on stderr) on failure. Caller owns the result. */
relay_t *relay_new(const char *target);

/* Cuts every connection and stops the thread. Accepts NULL; nulls the caller's pointer. */
void relay_destroy(relay_t **self_p);

/* Where clients connect: "tcp://127.0.0.1:PORT". Owned by the relay. */
const char *relay_endpoint(const relay_t *self);

/* Where connections opened from now on go (a daemon restarted on another port). */
void relay_set_target(relay_t *self, const char *target);

/* Sets the mode for every connection, open or new (see relay_mode_t). */
void relay_set_mode(relay_t *self, relay_mode_t mode);

/* Cuts every open connection now; new ones are relayed as the mode says. */
void relay_cut(relay_t *self);

/* Connections clients have opened so far (accepted by the relay, whatever became of them). */
unsigned relay_accepted(relay_t *self);

#endif
