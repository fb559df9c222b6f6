/*
 * The simulated container's files for simexec: path -> contents, kept in
 * memory or by someone else through simexec_fs_ops (the simulator's
 * container state), reference counted because an exec session can outlive
 * its pod. Directories are implied: a fixed root layout plus the parents
 * of every file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simexec-int.h"
#include "util.h"

struct simexec_file {
    char                *path;
    char                *data;
    size_t               len;
    struct simexec_file *next;
};

struct simexec_fs {
    int                          refs;
    struct simexec_file         *files;
    const struct simexec_fs_ops *ops; /* NULL = the files above */
    void                        *data;
};

struct simexec_fs *
simexec_fs_create(void)
{
    struct simexec_fs *fs = xcalloc(1, sizeof *fs);

    fs->refs = 1;
    return fs;
}

struct simexec_fs *
simexec_fs_ref(struct simexec_fs *fs)
{
    fs->refs++;
    return fs;
}

void
simexec_fs_unref(struct simexec_fs *fs)
{
    struct simexec_file *f, *next;

    if (fs == NULL || --fs->refs > 0)
        return;
    if (fs->ops != NULL && fs->ops->free != NULL)
        fs->ops->free(fs->data);
    for (f = fs->files; f != NULL; f = next) {
        next = f->next;
        free(f->path);
        free(f->data);
        free(f);
    }
    free(fs);
}

static struct simexec_file **
simexec_fs_find(struct simexec_fs *fs, const char *path)
{
    struct simexec_file **fp;

    for (fp = &fs->files; *fp != NULL; fp = &(*fp)->next) {
        if (strcmp((*fp)->path, path) == 0)
            break;
    }
    return fp;
}

struct simexec_fs *
simexec_fs_create_ops(const struct simexec_fs_ops *ops, void *data)
{
    struct simexec_fs *fs = simexec_fs_create();

    fs->ops = ops;
    fs->data = data;
    return fs;
}

/* The i-th path, or NULL past the end. */
const char *
simexec_fs_path(struct simexec_fs *fs, size_t i)
{
    struct simexec_file *f;

    if (fs->ops != NULL)
        return fs->ops->path(fs->data, i);
    for (f = fs->files; f != NULL && i > 0; f = f->next)
        i--;
    return f ? f->path : NULL;
}

void
simexec_fs_write(struct simexec_fs *fs, const char *path, const char *data,
                 size_t len, int append)
{
    struct simexec_file **fp, *f;

    if (fs->ops != NULL) {
        const char *old = append ? fs->ops->read(fs->data, path) : NULL;
        char       *c = xasprintf("%s%.*s", old ? old : "", (int)len, data);

        fs->ops->write(fs->data, path, c);
        free(c);
        return;
    }
    fp = simexec_fs_find(fs, path);
    f = *fp;

    if (f == NULL) {
        f = xcalloc(1, sizeof *f);
        f->path = xstrdup(path);
        f->data = xstrdup("");
        *fp = f;
    }
    if (!append)
        f->len = 0;
    f->data = xrealloc(f->data, f->len + len + 1);
    memcpy(f->data + f->len, data, len);
    f->len += len;
    f->data[f->len] = '\0';
}

int
simexec_fs_remove(struct simexec_fs *fs, const char *path)
{
    struct simexec_file **fp, *f;

    if (fs->ops != NULL)
        return fs->ops->remove(fs->data, path);
    fp = simexec_fs_find(fs, path);
    f = *fp;
    if (f == NULL)
        return -1;
    *fp = f->next;
    free(f->path);
    free(f->data);
    free(f);
    return 0;
}

const char *
simexec_fs_read(struct simexec_fs *fs, const char *path, size_t *len)
{
    struct simexec_file *f;

    if (fs->ops != NULL) {
        const char *c = fs->ops->read(fs->data, path);

        if (c != NULL && len != NULL)
            *len = strlen(c);
        return c;
    }
    f = *simexec_fs_find(fs, path);

    if (f == NULL)
        return NULL;
    if (len != NULL)
        *len = f->len;
    return f->data;
}

/* Directories every container has; files add their own parents. */
const char *const simexec_dirs[] = {
    "/",     "/bin", "/dev", "/etc", "/home", "/lib", "/proc",
    "/root", "/sys", "/tmp", "/usr", "/var",  NULL,
};

int
simexec_fs_isdir(struct simexec_fs *fs, const char *path)
{
    const char *fp;
    size_t      n = strlen(path), k;
    int         i;

    for (i = 0; simexec_dirs[i] != NULL; i++) {
        if (strcmp(simexec_dirs[i], path) == 0)
            return 1;
    }
    for (k = 0; (fp = simexec_fs_path(fs, k)) != NULL; k++) {
        if (strncmp(fp, path, n) == 0 && fp[n] == '/')
            return 1;
    }
    return 0;
}
