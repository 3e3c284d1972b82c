/* statefile — see statefile.h. */
#include "statefile.h"

#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The folder of path (caller frees). */
static char *s_dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return xstrdup(".");
    if (slash == path)
        return xstrdup("/");
    return xstrndup(path, (size_t)(slash - path));
}

int statefile_prepare(const char *path, const void *data, size_t len, char **tmp)
{
    *tmp = NULL;
    char *dir = s_dir_of(path);
    int rc = cli_mkdirs(dir);
    free(dir);
    if (rc != 0)
        return rc;
    /* one fixed name per file: a run killed half-way leaves nothing the next one does not
     * overwrite */
    char *name = xasprintf("%s.tmp", path);
    int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd >= 0 && fchmod(fd, 0600) != 0) {
        close(fd);
        fd = -1;
    }
    if (fd < 0) {
        rc = -errno;
        free(name);
        return rc;
    }
    const char *p = data;
    for (size_t left = len; left > 0 && rc == 0;) {
        ssize_t n = write(fd, p, left);
        if (n < 0 && errno != EINTR)
            rc = -errno;
        else if (n > 0) {
            p += n;
            left -= (size_t)n;
        }
    }
    if (rc == 0 && fsync(fd) != 0)
        rc = -errno;
    if (close(fd) != 0 && rc == 0)
        rc = -errno;
    if (rc != 0) {
        statefile_abandon(&name);
        return rc;
    }
    *tmp = name;
    return 0;
}

int statefile_commit(char **tmp, const char *path)
{
    int rc = rename(*tmp, path) == 0 ? 0 : -errno;
    if (rc != 0) {
        statefile_abandon(tmp);
        return rc;
    }
    free(*tmp);
    *tmp = NULL;
    /* the rename itself survives a power cut only once the folder is synced */
    char *dir = s_dir_of(path);
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    free(dir);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
    return 0;
}

void statefile_abandon(char **tmp)
{
    if (!tmp || !*tmp)
        return;
    unlink(*tmp);
    free(*tmp);
    *tmp = NULL;
}

int statefile_write(const char *path, const void *data, size_t len)
{
    char *tmp;
    int rc = statefile_prepare(path, data, len, &tmp);
    return rc != 0 ? rc : statefile_commit(&tmp, path);
}
