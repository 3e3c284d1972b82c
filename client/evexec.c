/* evexec — see evexec.h. The command is started with posix_spawn (lkip has ZeroMQ's threads,
 * so nothing but exec may run in a forked child), in a process group of its own so that a
 * timeout ends the command and everything it started. */
#include "evexec.h"

#include "clitext.h"
#include "eventkind.h"
#include "pbjson.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define BACKOFF_MAX_MS 60000 /* the longest pause between two runs */
#define KILL_GRACE_MS  2000  /* after SIGTERM at the timeout, SIGKILL */
#define SLICE_MS       200   /* how often a wait looks at stop and sends keepalives */

char *evexec_json(const Lkip__Event *ev, const char *recipient)
{
    json_t *j = pbjson_message(&ev->base);
    char *line = clitext_event(ev);
    json_object_set_new(j, "recipient", json_string(recipient ? recipient : ""));
    json_object_set_new(j, "line", json_string(line));
    free(line);
    char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(j);
    return s;
}

/* The environment of the command: ours plus the event's variables. Caller frees each entry
 * from index n_inherited on, and the array. */
static char **s_environment(const Lkip__Event *ev, const char *recipient, int *n_inherited)
{
    int n = 0;
    while (environ[n])
        n++;
    char **env = xcalloc((size_t)n + 16, sizeof *env);
    int k = 0;
    for (int i = 0; i < n; i++)
        if (strncmp(environ[i], "LKIP_EVENT_", 11) != 0)
            env[k++] = environ[i];
    *n_inherited = k;
    char due[48], step[16] = "";
    clitext_iso(ev->due_at, ev->time_zone, due, sizeof due);
    if (ev->step_no)
        snprintf(step, sizeof step, "%d", ev->step_no);
    char *line = clitext_event(ev);
    env[k++] = xasprintf("LKIP_EVENT_SEQ=%llu", (unsigned long long)ev->seq);
    const char *kind = eventkind_name(eventkind_of(ev));
    env[k++] = xasprintf("LKIP_EVENT_KIND=%s", kind ? kind : ev->kind);
    env[k++] = xasprintf("LKIP_EVENT_INSTANCE=%lld", (long long)ev->instance_id);
    env[k++] = xasprintf("LKIP_EVENT_SOP=%s/%s", ev->sop_code, ev->period);
    env[k++] = xasprintf("LKIP_EVENT_STEP=%s", step);
    env[k++] = xasprintf("LKIP_EVENT_STEP_TITLE=%s", ev->step_title);
    env[k++] = xasprintf("LKIP_EVENT_DUE=%s", due);
    env[k++] = xasprintf("LKIP_EVENT_TEXT=%s", line);
    env[k++] = xasprintf("LKIP_EVENT_RECIPIENT=%s%s%s", recipient ? recipient : "",
                         *ev->recipient_capacity ? " selaku " : "", ev->recipient_capacity);
    free(line);
    return env;
}

/* Starts the command with json on its standard input. Returns its pid, or -1 with errno. */
static pid_t s_spawn(const evexec_opts_t *o, const Lkip__Event *ev, const char *json)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        return -1;
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[0], STDIN_FILENO);
    posix_spawnattr_init(&attr);
    sigset_t def;
    sigemptyset(&def);
    sigaddset(&def, SIGPIPE); /* lkip ignores it; the command gets the usual behaviour */
    sigaddset(&def, SIGINT);
    sigaddset(&def, SIGTERM);
    posix_spawnattr_setsigdefault(&attr, &def);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF);
    int n_inherited;
    char **env = s_environment(ev, o->recipient, &n_inherited);
    char *argv[] = {"sh", "-c", (char *)o->command, NULL};
    pid_t pid;
    int rc = posix_spawn(&pid, "/bin/sh", &fa, &attr, argv, env);
    for (int i = n_inherited; env[i]; i++)
        free(env[i]);
    free(env);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    close(fds[0]);
    if (rc != 0) {
        close(fds[1]);
        errno = rc;
        return -1;
    }
    /* a command that does not read its input must not hold us: write what the pipe takes */
    fcntl(fds[1], F_SETFL, O_NONBLOCK);
    for (size_t off = 0, len = strlen(json); off < len;) {
        ssize_t w = write(fds[1], json + off, len - off);
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    if (write(fds[1], "\n", 1) < 0) {
        /* the command closed its input: it did not want it */
    }
    close(fds[1]);
    return pid;
}

/* Waits up to ms for pid (via its pidfd when there is one), sending keepalives. Returns true
 * with *status when it ended. */
static bool s_wait(const evexec_opts_t *o, pid_t pid, int pidfd, int64_t ms, int *status)
{
    int64_t deadline = monotonic_ms() + ms;
    for (;;) {
        if (waitpid(pid, status, WNOHANG) == pid)
            return true;
        int64_t left = deadline - monotonic_ms();
        if (left <= 0 || (o->stop && *o->stop))
            return false;
        if (o->keepalive)
            o->keepalive(o->arg);
        int slice = left < SLICE_MS ? (int)left : SLICE_MS;
        if (pidfd >= 0) {
            struct pollfd p = {.fd = pidfd, .events = POLLIN};
            if (poll(&p, 1, slice) < 0 && errno != EINTR)
                return false;
        } else {
            poll(NULL, 0, slice < 20 ? slice : 20);
        }
    }
}

/* Waits ms with keepalives. False when stopped meanwhile. */
static bool s_pause(const evexec_opts_t *o, int64_t ms)
{
    int64_t deadline = monotonic_ms() + ms;
    for (int64_t left = ms; left > 0; left = deadline - monotonic_ms()) {
        if (o->stop && *o->stop)
            return false;
        if (o->keepalive)
            o->keepalive(o->arg);
        poll(NULL, 0, left < SLICE_MS ? (int)left : SLICE_MS);
    }
    return !(o->stop && *o->stop);
}

/* Ends the command's whole group (SIGTERM, then SIGKILL) and reaps it. */
static void s_kill(const evexec_opts_t *o, pid_t pid, int pidfd)
{
    int status;
    kill(-pid, SIGTERM);
    evexec_opts_t quiet = *o;
    quiet.stop = NULL;
    if (!s_wait(&quiet, pid, pidfd, KILL_GRACE_MS, &status)) {
        kill(-pid, SIGKILL);
        waitpid(pid, &status, 0);
    }
}

/* Runs the command once. Returns 0 when it exited 0, 1 when it failed (why says how, in
 * Indonesian), -1 when stopped. */
static int s_run_once(const evexec_opts_t *o, const Lkip__Event *ev, const char *json, char *why,
                      size_t len)
{
    pid_t pid = s_spawn(o, ev, json);
    if (pid < 0) {
        snprintf(why, len, "tidak dapat dijalankan: %s", strerror(errno));
        return 1;
    }
    int pidfd = (int)pidfd_open(pid, 0);
    int status = 0;
    bool ended = s_wait(o, pid, pidfd, o->timeout_ms, &status);
    int rc;
    if (!ended && o->stop && *o->stop) {
        s_kill(o, pid, pidfd);
        rc = -1;
    } else if (!ended) {
        s_kill(o, pid, pidfd);
        snprintf(why, len, "melewati batas waktu %d detik dan dihentikan [exec_timeout]",
                 (o->timeout_ms + 999) / 1000);
        rc = 1;
    } else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        rc = 0;
    } else if (WIFEXITED(status)) {
        snprintf(why, len, "gagal dengan status keluar %d [exec_failed]", WEXITSTATUS(status));
        rc = 1;
    } else {
        snprintf(why, len, "berhenti karena sinyal %d [exec_failed]", WTERMSIG(status));
        rc = 1;
    }
    if (pidfd >= 0)
        close(pidfd);
    return rc;
}

/* Appends the given-up event to the undelivered file. */
static void s_undelivered(const evexec_opts_t *o, const char *json)
{
    if (!o->undelivered_path)
        return;
    int fd = open(o->undelivered_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    bool ok = fd >= 0 && write(fd, json, strlen(json)) >= 0 && write(fd, "\n", 1) == 1;
    if (fd >= 0)
        close(fd);
    if (!ok)
        fprintf(stderr, "lkip: [io_error] %s tidak dapat ditulis: %s\n", o->undelivered_path,
                strerror(errno));
}

int evexec_deliver(const evexec_opts_t *o, const Lkip__Event *ev)
{
    char *json = evexec_json(ev, o->recipient);
    int64_t pause = o->backoff_ms > 0 ? o->backoff_ms : 1;
    int rc = 0;
    for (int attempt = 1;; attempt++) {
        char why[160] = "";
        rc = s_run_once(o, ev, json, why, sizeof why);
        if (rc <= 0)
            break;
        if (attempt >= o->attempts) {
            fprintf(stderr,
                    "lkip: [exec_undelivered] pemberitahuan #%llu tidak tersampaikan: perintah "
                    "%s pada percobaan terakhir (%d dari %d); dicatat di %s, lanjut ke "
                    "pemberitahuan berikutnya\n",
                    (unsigned long long)ev->seq, why, attempt, o->attempts,
                    o->undelivered_path ? o->undelivered_path : "-");
            s_undelivered(o, json);
            rc = 0;
            break;
        }
        fprintf(stderr,
                "lkip: perintah untuk pemberitahuan #%llu %s (percobaan %d dari %d); dicoba lagi "
                "dalam %lld ms\n",
                (unsigned long long)ev->seq, why, attempt, o->attempts, (long long)pause);
        if (!s_pause(o, pause)) {
            rc = -1;
            break;
        }
        pause = pause * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : pause * 2;
    }
    free(json);
    return rc;
}
