/*
 * The simulated container's shell for kpod-sim. A process is a small
 * interpreter over a script (`sh -c`, an interactive line, or the exec argv
 * itself): words with quotes and $VAR expansion, `;` `&&` `||`, redirection
 * into the container's in-memory files, and builtins. Anything that waits
 * (sleep, curl, cat on stdin, the interactive prompt) waits on the libuv
 * loop. There is no fork, no real file system and no pipes.
 */
#define _GNU_SOURCE
#include "simexec.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* --- the per-container file system --- */

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
static const char *
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
static const char *const simexec_dirs[] = {
    "/",     "/bin", "/dev", "/etc", "/home", "/lib", "/proc",
    "/root", "/sys", "/tmp", "/usr", "/var",  NULL,
};

static int
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

/* --- processes --- */

enum simexec_wait {
    WAIT_NONE,
    WAIT_START, /* deferred first run */
    WAIT_SLEEP,
    WAIT_CURL,
    WAIT_CAT,  /* cat copying stdin */
    WAIT_LINE, /* the interactive shell wants a line */
};

enum simexec_op { OP_SEQ, OP_AND, OP_OR };

struct simexec_var {
    char               *name;
    char               *value;
    struct simexec_var *next;
};

struct simexec_curl;

struct simexec_proc {
    uv_loop_t                     *loop;
    const struct simexec_proc_ops *ops;
    void                          *data;
    char               *pod, *uid, *namespace, *container, *image, *pod_ip;
    struct simexec_var *vars;
    struct simexec_fs  *fs;
    simexec_port_cb     port_cb;
    void               *port_data;
    int                 tty, width, height;

    char           *script; /* what runs now */
    size_t          pos;
    enum simexec_op prev_op;
    int             last; /* $? */
    int             interactive, prompted;

    struct kbuf line;     /* tty: the line being edited */
    struct kbuf input;    /* bytes readable on stdin */
    int         eof;      /* stdin closed for good */
    int         eof_once; /* tty ^D: one reader sees EOF */

    /* redirections of the running command; NULL = the real stream */
    char *out_path, *err_path;
    int   out_append, err_append, err_to_out, out_to_err, out_null, err_null;

    enum simexec_wait    wait;
    uv_timer_t           timer;
    struct simexec_curl *curl;
    int                  sync, done, killed, running;
    struct kbuf         *sync_out, *sync_err;
};

static void simexec_run(struct simexec_proc *);
static void simexec_finish(struct simexec_proc *, int code);

static const char *
simexec_getvar(struct simexec_proc *p, const char *name)
{
    struct simexec_var *v;

    for (v = p->vars; v != NULL; v = v->next) {
        if (strcmp(v->name, name) == 0)
            return v->value;
    }
    return NULL;
}

static void
simexec_setvar(struct simexec_proc *p, const char *name, const char *value)
{
    struct simexec_var *v, **tail = &p->vars;

    for (v = p->vars; v != NULL; v = v->next) {
        if (strcmp(v->name, name) == 0) {
            free(v->value);
            v->value = xstrdup(value);
            return;
        }
        tail = &v->next;
    }
    v = xcalloc(1, sizeof *v);
    v->name = xstrdup(name);
    v->value = xstrdup(value);
    *tail = v;
}

static void
simexec_setenv_kv(struct simexec_proc *p, const char *kv)
{
    const char *eq = strchr(kv, '=');
    char       *name;

    if (eq == NULL || eq == kv)
        return;
    name = xstrndup(kv, (size_t)(eq - kv));
    simexec_setvar(p, name, eq + 1);
    free(name);
}

/* Raw output to the session (tty: LF becomes CRLF, stderr joins stdout). */
static void
simexec_emit(struct simexec_proc *p, int fd, const char *s, size_t n)
{
    struct kbuf b;
    size_t      i;

    if (n == 0)
        return;
    if (p->sync) {
        kbuf_append(fd == 2 ? p->sync_err : p->sync_out, s, n);
        return;
    }
    if (p->killed || p->ops->output == NULL)
        return;
    if (!p->tty) {
        p->ops->output(p, fd, s, n, p->data);
        return;
    }
    kbuf_init(&b);
    for (i = 0; i < n; i++) {
        if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r'))
            kbuf_append(&b, "\r", 1);
        kbuf_append(&b, s + i, 1);
    }
    p->ops->output(p, 1, b.data, b.len, p->data);
    kbuf_done(&b);
}

/* Output of a command, through its redirections. */
static void
simexec_write(struct simexec_proc *p, int fd, const char *s, size_t n)
{
    if (fd == 2 && p->err_to_out)
        fd = 1;
    else if (fd == 1 && p->out_to_err)
        fd = 2;
    if ((fd == 1 && p->out_null) || (fd == 2 && p->err_null))
        return;
    if (fd == 1 && p->out_path != NULL) {
        simexec_fs_write(p->fs, p->out_path, s, n, 1);
        return;
    }
    if (fd == 2 && p->err_path != NULL) {
        simexec_fs_write(p->fs, p->err_path, s, n, 1);
        return;
    }
    simexec_emit(p, fd, s, n);
}

static void KPOD_PRINTF(3, 4)
    simexec_printf(struct simexec_proc *p, int fd, const char *fmt, ...)
{
    va_list ap;
    char   *s;

    va_start(ap, fmt);
    s = xvasprintf(fmt, ap);
    va_end(ap);
    simexec_write(p, fd, s, strlen(s));
    free(s);
}

/* --- parsing one simple command --- */

struct simexec_cmd {
    char          **argv;
    int             argc;
    enum simexec_op op_after;
    int             error; /* syntax error: message printed */
};

static void
simexec_cmd_done(struct simexec_cmd *c)
{
    int i;

    for (i = 0; i < c->argc; i++)
        free(c->argv[i]);
    free(c->argv);
    memset(c, 0, sizeof *c);
}

static void
simexec_expand_var(struct simexec_proc *p, const char *s, size_t *i,
                   struct kbuf *w)
{
    size_t      start, n;
    char       *name, num[16];
    const char *v;

    (*i)++; /* the $ */
    if (s[*i] == '?') {
        snprintf(num, sizeof num, "%d", p->last);
        kbuf_puts(w, num);
        (*i)++;
        return;
    }
    if (s[*i] == '$') {
        kbuf_puts(w, "1");
        (*i)++;
        return;
    }
    if (s[*i] == '{') {
        start = ++(*i);
        while (s[*i] != '\0' && s[*i] != '}')
            (*i)++;
        n = *i - start;
        if (s[*i] == '}')
            (*i)++;
    } else {
        start = *i;
        while (isalnum((unsigned char)s[*i]) || s[*i] == '_')
            (*i)++;
        n = *i - start;
        if (n == 0) {
            kbuf_puts(w, "$");
            return;
        }
    }
    name = xstrndup(s + start, n);
    v = simexec_getvar(p, name);
    if (v != NULL)
        kbuf_puts(w, v);
    free(name);
}

/* Read one word at s[*i] (quotes, escapes, $ expansion). Returns 0 when
 * no word starts here. */
static int
simexec_word(struct simexec_proc *p, const char *s, size_t *i, struct kbuf *w,
             int *error)
{
    int any = 0;

    kbuf_reset(w);
    for (;;) {
        char c = s[*i];

        if (c == '\0' || c == ' ' || c == '\t' || c == '\n' || c == ';' ||
            c == '&' || c == '|' || c == '>' || c == '<')
            break;
        any = 1;
        if (c == '\'') {
            size_t end = ++(*i);

            while (s[end] != '\0' && s[end] != '\'')
                end++;
            if (s[end] == '\0') {
                *error = 1;
                return 1;
            }
            kbuf_append(w, s + *i, end - *i);
            *i = end + 1;
        } else if (c == '"') {
            (*i)++;
            while (s[*i] != '"') {
                if (s[*i] == '\0') {
                    *error = 1;
                    return 1;
                }
                if (s[*i] == '\\' && strchr("\"\\$`", s[*i + 1]) != NULL) {
                    kbuf_append(w, s + *i + 1, 1);
                    *i += 2;
                } else if (s[*i] == '$') {
                    simexec_expand_var(p, s, i, w);
                } else {
                    kbuf_append(w, s + *i, 1);
                    (*i)++;
                }
            }
            (*i)++;
        } else if (c == '\\' && s[*i + 1] != '\0') {
            kbuf_append(w, s + *i + 1, 1);
            *i += 2;
        } else if (c == '$') {
            simexec_expand_var(p, s, i, w);
        } else {
            kbuf_append(w, &c, 1);
            (*i)++;
        }
    }
    return any;
}

static void
simexec_redir_reset(struct simexec_proc *p)
{
    free(p->out_path);
    free(p->err_path);
    p->out_path = p->err_path = NULL;
    p->out_append = p->err_append = p->err_to_out = p->out_to_err = 0;
    p->out_null = p->err_null = 0;
}

/* Set a redirection of fd to target ("/dev/null", "&1", a path). */
static void
simexec_redirect(struct simexec_proc *p, int fd, const char *target, int append,
                 int run)
{
    if (!run)
        return;
    if (fd == 2 && strcmp(target, "&1") == 0) {
        p->err_to_out = 1;
        return;
    }
    if (fd == 1 && strcmp(target, "&2") == 0) {
        p->out_to_err = 1;
        return;
    }
    if (target[0] == '&')
        return; /* >&1, 2>&2: nothing changes */
    if (strcmp(target, "/dev/null") == 0) {
        if (fd == 1)
            p->out_null = 1;
        else
            p->err_null = 1;
        return;
    }
    if (fd == 1) {
        free(p->out_path);
        p->out_path = xstrdup(target);
        p->out_append = append;
        if (!append)
            simexec_fs_write(p->fs, target, "", 0, 0);
    } else {
        free(p->err_path);
        p->err_path = xstrdup(target);
        p->err_append = append;
        if (!append)
            simexec_fs_write(p->fs, target, "", 0, 0);
    }
}

/* Parse the next simple command of p->script; run says whether its
 * redirections take effect (a skipped command must not truncate files). */
static int
simexec_parse(struct simexec_proc *p, struct simexec_cmd *c, int run)
{
    const char *s = p->script;
    size_t      i = p->pos;
    struct kbuf w;
    int         cap = 0;

    memset(c, 0, sizeof *c);
    c->op_after = OP_SEQ;
    kbuf_init(&w);
    for (;;) {
        while (s[i] == ' ' || s[i] == '\t')
            i++;
        if (s[i] == '#') {
            while (s[i] != '\0' && s[i] != '\n')
                i++;
        }
        if (s[i] == '\0')
            break;
        if (s[i] == '\n' || s[i] == ';') {
            i++;
            break;
        }
        if (s[i] == '&' && s[i + 1] == '&') {
            c->op_after = OP_AND;
            i += 2;
            break;
        }
        if (s[i] == '|' && s[i + 1] == '|') {
            c->op_after = OP_OR;
            i += 2;
            break;
        }
        if (s[i] == '|' || s[i] == '&' || s[i] == '<') {
            simexec_printf(p, 2, "sh: %c: not supported here\n", s[i]);
            c->error = 1;
            while (s[i] != '\0' && s[i] != '\n')
                i++;
            break;
        }
        if (s[i] == '>' || ((s[i] == '1' || s[i] == '2') && s[i + 1] == '>')) {
            int fd = s[i] == '2' ? 2 : 1, append = 0;

            i += s[i] == '>' ? 1 : 2;
            if (s[i] == '>') {
                append = 1;
                i++;
            }
            while (s[i] == ' ' || s[i] == '\t')
                i++;
            if (s[i] == '&' && (s[i + 1] == '1' || s[i + 1] == '2')) {
                simexec_redirect(p, fd, s[i + 1] == '1' ? "&1" : "&2", 0, run);
                i += 2;
                continue;
            }
            if (!simexec_word(p, s, &i, &w, &c->error) || c->error) {
                simexec_printf(p, 2,
                               "sh: syntax error: unexpected redirection\n");
                c->error = 1;
                break;
            }
            simexec_redirect(p, fd, w.data, append, run);
            continue;
        }
        if (!simexec_word(p, s, &i, &w, &c->error))
            break;
        if (c->error) {
            simexec_printf(p, 2,
                           "sh: syntax error: unterminated quoted "
                           "string\n");
            i = strlen(s);
            break;
        }
        if (c->argc + 2 > cap) {
            cap = cap ? cap * 2 : 8;
            c->argv = xrealloc(c->argv, (size_t)cap * sizeof *c->argv);
        }
        c->argv[c->argc++] = xstrdup(w.data);
        c->argv[c->argc] = NULL;
    }
    kbuf_done(&w);
    p->pos = i;
    return c->error ? -1 : 0;
}

/* --- builtins --- */

#define ASYNC (-1000)

static int
simexec_cat(struct simexec_proc *p, int argc, char **argv)
{
    int i, rc = 0, files = 0;

    for (i = 1; i < argc; i++) {
        const char *data;
        size_t      len;

        if (strcmp(argv[i], "-") == 0 || argv[i][0] != '-')
            files++;
        if (argv[i][0] == '-' && argv[i][1] != '\0')
            continue;
        data = simexec_fs_read(p->fs, argv[i], &len);
        if (data == NULL) {
            simexec_printf(p, 2, "cat: can't open '%s': %s\n", argv[i],
                           simexec_fs_isdir(p->fs, argv[i])
                               ? "Is a directory"
                               : "No such file or directory");
            rc = 1;
            continue;
        }
        simexec_write(p, 1, data, len);
    }
    if (files == 0) {
        if (p->sync)
            return 0;
        p->wait = WAIT_CAT;
        return ASYNC;
    }
    return rc;
}

static int
simexec_echo(struct simexec_proc *p, int argc, char **argv)
{
    struct kbuf b;
    int         i = 1, newline = 1, first;

    if (i < argc && strcmp(argv[i], "-n") == 0) {
        newline = 0;
        i++;
    }
    kbuf_init(&b);
    kbuf_puts(&b, "");
    for (first = i; i < argc; i++) {
        if (i > first)
            kbuf_puts(&b, " ");
        kbuf_puts(&b, argv[i]);
    }
    if (newline)
        kbuf_puts(&b, "\n");
    simexec_write(p, 1, b.data, b.len);
    kbuf_done(&b);
    return 0;
}

static int
simexec_env(struct simexec_proc *p, int argc, char **argv)
{
    struct simexec_var *v;

    if (argc > 1 && strcmp(argv[0], "printenv") == 0) {
        const char *val = simexec_getvar(p, argv[1]);

        if (val == NULL)
            return 1;
        simexec_printf(p, 1, "%s\n", val);
        return 0;
    }
    for (v = p->vars; v != NULL; v = v->next)
        simexec_printf(p, 1, "%s=%s\n", v->name, v->value);
    return 0;
}

static int
simexec_ls(struct simexec_proc *p, int argc, char **argv)
{
    const char *dir = "/";
    char      **names = NULL;
    size_t      n = 0, i, j, dl;
    const char *fpath;
    size_t      fi;
    int         k, rc = 0;

    for (k = 1; k < argc; k++) {
        if (argv[k][0] != '-')
            dir = argv[k];
    }
    if (simexec_fs_read(p->fs, dir, NULL) != NULL) {
        simexec_printf(p, 1, "%s\n", dir);
        return 0;
    }
    if (!simexec_fs_isdir(p->fs, dir)) {
        simexec_printf(p, 2, "ls: %s: No such file or directory\n", dir);
        return 1;
    }
    dl = strlen(dir);
    while (dl > 1 && dir[dl - 1] == '/')
        dl--;
    /* Children of dir among the fixed directories and the files. */
    for (k = 0;; k++) {
        const char *path;
        const char *rest;
        size_t      len;

        if (simexec_dirs[k] != NULL)
            path = simexec_dirs[k];
        else
            break;
        if (strncmp(path, dir, dl) != 0)
            continue;
        rest = path + dl;
        if (dl > 1 && *rest != '/')
            continue;
        if (*rest == '/')
            rest++;
        if (*rest == '\0' || strchr(rest, '/') != NULL)
            continue;
        len = strlen(rest);
        names = xrealloc(names, (n + 1) * sizeof *names);
        names[n++] = xstrndup(rest, len);
    }
    for (fi = 0; (fpath = simexec_fs_path(p->fs, fi)) != NULL; fi++) {
        const char *rest;
        size_t      len;

        if (strncmp(fpath, dir, dl) != 0)
            continue;
        rest = fpath + dl;
        if (dl > 1 && *rest != '/')
            continue;
        if (*rest == '/')
            rest++;
        len = strcspn(rest, "/");
        if (len == 0)
            continue;
        for (i = 0; i < n; i++) {
            if (strlen(names[i]) == len && strncmp(names[i], rest, len) == 0)
                break;
        }
        if (i == n) {
            names = xrealloc(names, (n + 1) * sizeof *names);
            names[n++] = xstrndup(rest, len);
        }
    }
    for (i = 1; i < n; i++) {
        for (j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            char *t = names[j];

            names[j] = names[j - 1];
            names[j - 1] = t;
        }
    }
    for (i = 0; i < n; i++) {
        simexec_printf(p, 1, "%s\n", names[i]);
        free(names[i]);
    }
    free(names);
    return rc;
}

static int
simexec_test(struct simexec_proc *p, int argc, char **argv)
{
    if (strcmp(argv[0], "[") == 0) {
        if (strcmp(argv[argc - 1], "]") != 0) {
            simexec_printf(p, 2, "[: missing ]\n");
            return 2;
        }
        argc--;
    }
    if (argc == 1)
        return 1;
    if (argc == 2)
        return argv[1][0] == '\0';
    if (argc == 3 && strcmp(argv[1], "!") == 0)
        return argv[2][0] != '\0';
    if (argc == 3 && (strcmp(argv[1], "-f") == 0 || strcmp(argv[1], "-e") == 0))
        return simexec_fs_read(p->fs, argv[2], NULL) == NULL &&
               (argv[1][1] == 'f' || !simexec_fs_isdir(p->fs, argv[2]));
    if (argc == 3 && strcmp(argv[1], "-d") == 0)
        return !simexec_fs_isdir(p->fs, argv[2]);
    if (argc == 3 && strcmp(argv[1], "-n") == 0)
        return argv[2][0] == '\0';
    if (argc == 3 && strcmp(argv[1], "-z") == 0)
        return argv[2][0] != '\0';
    if (argc == 4 && strcmp(argv[2], "=") == 0)
        return strcmp(argv[1], argv[3]) != 0;
    if (argc == 4 && strcmp(argv[2], "!=") == 0)
        return strcmp(argv[1], argv[3]) == 0;
    if (argc == 4 && argv[2][0] == '-') {
        long a = strtol(argv[1], NULL, 10), b = strtol(argv[3], NULL, 10);

        if (strcmp(argv[2], "-eq") == 0)
            return a != b;
        if (strcmp(argv[2], "-ne") == 0)
            return a == b;
        if (strcmp(argv[2], "-lt") == 0)
            return a >= b;
        if (strcmp(argv[2], "-gt") == 0)
            return a <= b;
        if (strcmp(argv[2], "-le") == 0)
            return a > b;
        if (strcmp(argv[2], "-ge") == 0)
            return a < b;
    }
    simexec_printf(p, 2, "test: syntax error\n");
    return 2;
}

static void
simexec_sleep_cb(uv_timer_t *t)
{
    struct simexec_proc *p = t->data;

    p->wait = WAIT_NONE;
    p->last = 0;
    simexec_run(p);
}

static int
simexec_sleep(struct simexec_proc *p, int argc, char **argv)
{
    char  *end;
    double secs;

    if (argc < 2) {
        simexec_printf(p, 2, "sleep: missing operand\n");
        return 1;
    }
    secs = strtod(argv[1], &end);
    if (*end == 's')
        end++;
    else if (*end == 'm')
        secs *= 60, end++;
    else if (*end == 'h')
        secs *= 3600, end++;
    if (*end != '\0' || secs < 0) {
        simexec_printf(p, 2, "sleep: invalid number '%s'\n", argv[1]);
        return 1;
    }
    if (p->sync)
        return 0;
    p->wait = WAIT_SLEEP;
    uv_timer_start(&p->timer, simexec_sleep_cb, (uint64_t)(secs * 1000), 0);
    return ASYNC;
}

/* --- curl --- */

struct simexec_curl {
    uv_tcp_t             tcp;
    uv_connect_t         connect;
    uv_write_t           wreq;
    struct simexec_proc *p; /* NULL once the process is gone */
    struct kbuf          req, resp;
    int                  silent, show_error, include, head, fail;
    char                *outfile, *host;
    int                  port;
};

static void
simexec_curl_close_cb(uv_handle_t *h)
{
    struct simexec_curl *c = h->data;

    kbuf_done(&c->req);
    kbuf_done(&c->resp);
    free(c->outfile);
    free(c->host);
    free(c);
}

static void
simexec_curl_end(struct simexec_curl *c, int code, const char *err)
{
    struct simexec_proc *p = c->p;

    if (!uv_is_closing((uv_handle_t *)&c->tcp))
        uv_close((uv_handle_t *)&c->tcp, simexec_curl_close_cb);
    if (p == NULL)
        return;
    c->p = NULL;
    p->curl = NULL;
    if (err != NULL && (!c->silent || c->show_error))
        simexec_printf(p, 2, "curl: (%d) %s\n", code, err);
    p->wait = WAIT_NONE;
    p->last = code;
    simexec_run(p);
}

/* The whole response is in: print it the way curl would. */
static void
simexec_curl_done(struct simexec_curl *c)
{
    struct simexec_proc *p = c->p;
    const char          *r = c->resp.data, *body;
    size_t               hlen, blen;
    int                  status = 0;

    body = strstr(r, "\r\n\r\n");
    if (strncmp(r, "HTTP/", 5) != 0 || body == NULL) {
        simexec_curl_end(c, 1, "Received HTTP/0.9 when not allowed");
        return;
    }
    hlen = (size_t)(body - r) + 4;
    blen = c->resp.len - hlen;
    sscanf(r, "HTTP/%*s %d", &status);
    if (c->fail && status >= 400) {
        char *msg = xasprintf("The requested URL returned error: %d", status);

        simexec_curl_end(c, 22, msg);
        free(msg);
        return;
    }
    if (c->outfile != NULL) {
        simexec_fs_write(p->fs, c->outfile, r + hlen, blen, 0);
    } else {
        if (c->include || c->head)
            simexec_write(p, 1, r, hlen);
        if (!c->head)
            simexec_write(p, 1, r + hlen, blen);
    }
    simexec_curl_end(c, 0, NULL);
}

/* Done when Content-Length bytes of body arrived (or at EOF). */
static int
simexec_curl_complete(struct simexec_curl *c)
{
    const char *end = strstr(c->resp.data, "\r\n\r\n"), *cl;
    size_t      want;

    if (end == NULL)
        return 0;
    if (c->head)
        return 1;
    cl = strcasestr(c->resp.data, "\r\ncontent-length:");
    if (cl == NULL || cl > end)
        return 0;
    want = strtoul(cl + 17, NULL, 10);
    return c->resp.len >= (size_t)(end - c->resp.data) + 4 + want;
}

static void
simexec_curl_alloc_cb(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
    static char slab[65536];

    *buf = uv_buf_init(slab, sizeof slab);
}

static void
simexec_curl_read_cb(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    struct simexec_curl *c = s->data;

    if (c->p == NULL)
        return;
    if (n < 0) {
        if (c->resp.len == 0)
            simexec_curl_end(c, 52, "Empty reply from server");
        else
            simexec_curl_done(c);
        return;
    }
    kbuf_append(&c->resp, buf->base, (size_t)n);
    if (simexec_curl_complete(c))
        simexec_curl_done(c);
}

static void
simexec_curl_write_cb(uv_write_t *req, int status)
{
    struct simexec_curl *c = req->data;

    if (c->p != NULL && status < 0)
        simexec_curl_end(c, 55, "Failed sending data to the peer");
}

static void
simexec_curl_connect_cb(uv_connect_t *req, int status)
{
    struct simexec_curl *c = req->data;
    uv_buf_t             buf;

    if (c->p == NULL)
        return;
    if (status < 0) {
        char *msg = xasprintf("Failed to connect to %s port %d after 0 ms: "
                              "Couldn't connect to server",
                              c->host, c->port);

        simexec_curl_end(c, 7, msg);
        free(msg);
        return;
    }
    buf = uv_buf_init(c->req.data, (unsigned)c->req.len);
    c->wreq.data = c;
    uv_write(&c->wreq, (uv_stream_t *)&c->tcp, &buf, 1, simexec_curl_write_cb);
    uv_read_start((uv_stream_t *)&c->tcp, simexec_curl_alloc_cb,
                  simexec_curl_read_cb);
}

static int
simexec_curl(struct simexec_proc *p, int argc, char **argv)
{
    struct simexec_curl *c;
    const char          *url = NULL, *method = "GET", *hp, *slash;
    const char          *hdrs[16];
    int                  nh = 0, silent = 0, show_error = 0, include = 0;
    int                  head = 0, fail = 0, i, backend = -1;
    char                *host, *path, *outfile = NULL, *colon;
    int                  port = 80;
    struct sockaddr_in   sa;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i];

        if (a[0] == '-' && a[1] != '-' && a[1] != '\0') {
            const char *f;

            for (f = a + 1; *f != '\0'; f++) {
                if (*f == 's')
                    silent = 1;
                else if (*f == 'S')
                    show_error = 1;
                else if (*f == 'i')
                    include = 1;
                else if (*f == 'I')
                    head = 1, method = "HEAD";
                else if (*f == 'f')
                    fail = 1;
                else if (strchr("XHomd", *f) != NULL && i + 1 < argc) {
                    if (*f == 'X')
                        method = argv[++i];
                    else if (*f == 'H' && nh < 16)
                        hdrs[nh++] = argv[++i];
                    else if (*f == 'o')
                        outfile = argv[++i];
                    else
                        ++i;
                    break;
                }
            }
        } else if (strcmp(a, "--silent") == 0) {
            silent = 1;
        } else if (strcmp(a, "--include") == 0) {
            include = 1;
        } else if (strcmp(a, "--fail") == 0) {
            fail = 1;
        } else if (strncmp(a, "--", 2) == 0) {
            if ((strcmp(a, "--max-time") == 0 ||
                 strcmp(a, "--connect-timeout") == 0) &&
                i + 1 < argc)
                i++;
        } else {
            url = a;
        }
    }
    if (url == NULL) {
        simexec_printf(p, 2,
                       "curl: try 'curl --help' for more "
                       "information\n");
        return 2;
    }
    hp = url;
    if (strncmp(hp, "http://", 7) == 0)
        hp += 7;
    else if (strstr(hp, "://") != NULL) {
        if (!silent || show_error)
            simexec_printf(p, 2, "curl: (1) Protocol \"%.*s\" not supported\n",
                           (int)(strstr(hp, "://") - hp), hp);
        return 1;
    }
    slash = strchr(hp, '/');
    host = slash ? xstrndup(hp, (size_t)(slash - hp)) : xstrdup(hp);
    path = xstrdup(slash ? slash : "/");
    if ((colon = strchr(host, ':')) != NULL) {
        *colon = '\0';
        port = atoi(colon + 1);
    }
    if (strcmp(host, "127.0.0.1") != 0 && strcmp(host, "localhost") != 0 &&
        strcmp(host, "0.0.0.0") != 0 && strcmp(host, p->pod_ip) != 0 &&
        strcmp(host, p->pod) != 0) {
        if (!silent || show_error)
            simexec_printf(p, 2, "curl: (6) Could not resolve host: %s\n",
                           host);
        free(host);
        free(path);
        return 6;
    }
    if (p->port_cb != NULL && !p->sync)
        backend = p->port_cb(p->port_data, p->uid, port);
    if (backend < 0) {
        if (!silent || show_error)
            simexec_printf(p, 2,
                           "curl: (7) Failed to connect to %s port %d after "
                           "0 ms: Couldn't connect to server\n",
                           host, port);
        free(host);
        free(path);
        return 7;
    }
    c = xcalloc(1, sizeof *c);
    c->p = p;
    c->silent = silent;
    c->show_error = show_error;
    c->include = include;
    c->head = head;
    c->fail = fail;
    c->outfile = outfile ? xstrdup(outfile) : NULL;
    c->host = host;
    c->port = port;
    kbuf_init(&c->req);
    kbuf_init(&c->resp);
    kbuf_puts(&c->resp, "");
    kbuf_printf(&c->req,
                "%s %s HTTP/1.1\r\nHost: %s:%d\r\nUser-Agent: curl/7.88.1\r\n"
                "Accept: */*\r\n",
                method, path, host, port);
    for (i = 0; i < nh; i++)
        kbuf_printf(&c->req, "%s\r\n", hdrs[i]);
    kbuf_puts(&c->req, "Connection: close\r\n\r\n");
    free(path);
    uv_tcp_init(p->loop, &c->tcp);
    c->tcp.data = c;
    c->connect.data = c;
    uv_ip4_addr("127.0.0.1", backend, &sa);
    p->curl = c;
    p->wait = WAIT_CURL;
    if (uv_tcp_connect(&c->connect, &c->tcp, (struct sockaddr *)&sa,
                       simexec_curl_connect_cb) < 0) {
        p->curl = NULL;
        p->wait = WAIT_NONE;
        c->p = NULL;
        uv_close((uv_handle_t *)&c->tcp, simexec_curl_close_cb);
        simexec_printf(p, 2, "curl: (7) Couldn't connect to server\n");
        return 7;
    }
    return ASYNC;
}

/* --- the command table --- */

static int simexec_exec(struct simexec_proc *p, int argc, char **argv);

static int
simexec_run_string(struct simexec_proc *p, const char *script)
{
    /* Splice `sh -c SCRIPT` into the running script. */
    char *rest = xasprintf("%s\n%s", script, p->script + p->pos);

    free(p->script);
    p->script = rest;
    p->pos = 0;
    return p->last;
}

static const char *
simexec_base(const char *cmd)
{
    const char *s = strrchr(cmd, '/');

    return s ? s + 1 : cmd;
}

static int
simexec_is_shell(const char *cmd)
{
    const char *b = simexec_base(cmd);

    return strcmp(b, "sh") == 0 || strcmp(b, "bash") == 0 ||
           strcmp(b, "ash") == 0;
}

static const char *const simexec_builtins[] = {
    "[",     "cat",      "curl",  "date",   "echo",   "env",      "exit",
    "false", "hostname", "id",    "ls",     "mkdir",  "printenv", "pwd",
    "rm",    "sh",       "bash",  "ash",    "sleep",  "stty",     "test",
    "touch", "true",     "uname", "whoami", "export", NULL,
};

int
simexec_known(const char *cmd)
{
    const char *b = simexec_base(cmd);
    int         i;

    for (i = 0; simexec_builtins[i] != NULL; i++) {
        if (strcmp(simexec_builtins[i], b) == 0)
            return 1;
    }
    return 0;
}

static int
simexec_exec(struct simexec_proc *p, int argc, char **argv)
{
    const char *cmd = simexec_base(argv[0]);
    int         i;

    if (strchr(argv[0], '=') != NULL && argv[0][0] != '=') {
        for (i = 0; i < argc && strchr(argv[i], '=') != NULL; i++)
            simexec_setenv_kv(p, argv[i]);
        if (i == argc)
            return 0;
        return simexec_exec(p, argc - i, argv + i);
    }
    if (strcmp(cmd, "echo") == 0)
        return simexec_echo(p, argc, argv);
    if (strcmp(cmd, "cat") == 0)
        return simexec_cat(p, argc, argv);
    if (strcmp(cmd, "env") == 0 || strcmp(cmd, "printenv") == 0)
        return simexec_env(p, argc, argv);
    if (strcmp(cmd, "export") == 0) {
        for (i = 1; i < argc; i++)
            simexec_setenv_kv(p, argv[i]);
        return 0;
    }
    if (strcmp(cmd, "hostname") == 0) {
        simexec_printf(p, 1, "%s\n", p->pod);
        return 0;
    }
    if (strcmp(cmd, "ls") == 0)
        return simexec_ls(p, argc, argv);
    if (strcmp(cmd, "sleep") == 0)
        return simexec_sleep(p, argc, argv);
    if (strcmp(cmd, "exit") == 0) {
        int code = argc > 1 ? atoi(argv[1]) & 255 : p->last;

        simexec_finish(p, code);
        return ASYNC;
    }
    if (strcmp(cmd, "true") == 0)
        return 0;
    if (strcmp(cmd, "false") == 0)
        return 1;
    if (strcmp(cmd, "test") == 0 || strcmp(cmd, "[") == 0)
        return simexec_test(p, argc, argv);
    if (strcmp(cmd, "curl") == 0)
        return simexec_curl(p, argc, argv);
    if (strcmp(cmd, "pwd") == 0) {
        simexec_printf(p, 1, "/\n");
        return 0;
    }
    if (strcmp(cmd, "whoami") == 0) {
        simexec_printf(p, 1, "root\n");
        return 0;
    }
    if (strcmp(cmd, "id") == 0) {
        simexec_printf(p, 1, "uid=0(root) gid=0(root) groups=0(root)\n");
        return 0;
    }
    if (strcmp(cmd, "uname") == 0) {
        if (argc > 1 && strcmp(argv[1], "-a") == 0)
            simexec_printf(p, 1,
                           "Linux %s 6.1.0-kpod-sim #1 SMP x86_64 "
                           "GNU/Linux\n",
                           p->pod);
        else
            simexec_printf(p, 1, "Linux\n");
        return 0;
    }
    if (strcmp(cmd, "date") == 0) {
        char buf[32];

        ktime_format(buf, sizeof buf, know());
        simexec_printf(p, 1, "%s\n", buf);
        return 0;
    }
    if (strcmp(cmd, "touch") == 0) {
        for (i = 1; i < argc; i++) {
            if (argv[i][0] != '-' &&
                simexec_fs_read(p->fs, argv[i], NULL) == NULL)
                simexec_fs_write(p->fs, argv[i], "", 0, 1);
        }
        return 0;
    }
    if (strcmp(cmd, "rm") == 0) {
        int force = 0, rc = 0;

        for (i = 1; i < argc; i++) {
            if (argv[i][0] == '-' && strchr(argv[i], 'f') != NULL)
                force = 1;
        }
        for (i = 1; i < argc; i++) {
            if (argv[i][0] == '-')
                continue;
            if (simexec_fs_remove(p->fs, argv[i]) < 0 && !force) {
                simexec_printf(p, 2,
                               "rm: can't remove '%s': No such file or "
                               "directory\n",
                               argv[i]);
                rc = 1;
            }
        }
        return rc;
    }
    if (strcmp(cmd, "mkdir") == 0)
        return 0;
    if (strcmp(cmd, "stty") == 0) {
        if (argc > 1 && strcmp(argv[1], "size") == 0) {
            if (!p->tty) {
                simexec_printf(p, 2, "stty: standard input: Not a tty\n");
                return 1;
            }
            simexec_printf(p, 1, "%d %d\n", p->height, p->width);
        }
        return 0;
    }
    if (simexec_is_shell(cmd)) {
        for (i = 1; i < argc; i++) {
            if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
                return simexec_run_string(p, argv[i + 1]);
        }
        simexec_printf(p, 2,
                       "sh: nested interactive shells are not "
                       "supported\n");
        return 2;
    }
    simexec_printf(p, 2, "sh: %s: not found\n", argv[0]);
    return 127;
}

/* --- the interpreter loop --- */

static void
simexec_prompt(struct simexec_proc *p)
{
    if (p->tty && !p->prompted) {
        simexec_emit(p, 1, "/ # ", 4);
        p->prompted = 1;
    }
}

/* Take one line of stdin as the next script, if there is one. */
static int
simexec_take_line(struct simexec_proc *p)
{
    char  *nl = memchr(p->input.data, '\n', p->input.len);
    size_t n;

    if (nl == NULL && !(p->eof || p->eof_once))
        return 0;
    if (nl == NULL && p->input.len == 0) {
        /* EOF at the prompt: the shell exits with the last status. */
        p->eof_once = 0;
        if (p->tty)
            simexec_emit(p, 1, "exit\n", 5);
        simexec_finish(p, p->last);
        return -1;
    }
    n = nl ? (size_t)(nl - p->input.data) + 1 : p->input.len;
    free(p->script);
    p->script = xstrndup(p->input.data, n);
    p->pos = 0;
    p->prev_op = OP_SEQ;
    kbuf_consume(&p->input, n);
    p->prompted = 0;
    return 1;
}

static void
simexec_run(struct simexec_proc *p)
{
    struct simexec_cmd c;
    int                rc, run;

    if (p->running || p->done)
        return; /* the outer frame picks up */
    p->running = 1;
    while (!p->done && p->wait == WAIT_NONE) {
        if (p->wait == WAIT_NONE && p->script[p->pos] == '\0') {
            if (!p->interactive) {
                simexec_finish(p, p->last);
                break;
            }
            rc = simexec_take_line(p);
            if (rc < 0)
                break;
            if (rc == 0) {
                simexec_prompt(p);
                p->wait = WAIT_LINE;
                break;
            }
            continue;
        }
        run = !((p->prev_op == OP_AND && p->last != 0) ||
                (p->prev_op == OP_OR && p->last == 0));
        simexec_redir_reset(p);
        if (simexec_parse(p, &c, run) < 0) {
            p->last = 2;
            p->prev_op = OP_SEQ;
            simexec_cmd_done(&c);
            continue;
        }
        /* `a && b || c`: a skipped b keeps $? and passes its own
         * connector on, so c runs when a failed. */
        p->prev_op = c.op_after;
        if (c.argc == 0 || !run) {
            simexec_cmd_done(&c);
            continue;
        }
        rc = simexec_exec(p, c.argc, c.argv);
        simexec_cmd_done(&c);
        if (rc != ASYNC)
            p->last = rc;
        if (p->wait == WAIT_CAT && !p->done) {
            /* cat copies stdin until EOF; data may already be here. */
            if (p->input.len > 0) {
                simexec_write(p, 1, p->input.data, p->input.len);
                kbuf_reset(&p->input);
            }
            if (p->eof || p->eof_once) {
                p->eof_once = 0;
                p->wait = WAIT_NONE;
                p->last = 0;
            }
        }
    }
    if (!p->done)
        simexec_redir_reset(p);
    p->running = 0;
}

static void
simexec_start_cb(uv_timer_t *t)
{
    struct simexec_proc *p = t->data;

    p->wait = WAIT_NONE;
    simexec_run(p);
}

static void
simexec_proc_close_cb(uv_handle_t *h)
{
    struct simexec_proc *p = h->data;
    struct simexec_var  *v, *next;

    for (v = p->vars; v != NULL; v = next) {
        next = v->next;
        free(v->name);
        free(v->value);
        free(v);
    }
    simexec_redir_reset(p);
    simexec_fs_unref(p->fs);
    kbuf_done(&p->line);
    kbuf_done(&p->input);
    free(p->script);
    free(p->pod);
    free(p->uid);
    free(p->namespace);
    free(p->container);
    free(p->image);
    free(p->pod_ip);
    free(p);
}

/* Stop whatever waits, then free p once its handles are closed. */
static void
simexec_release(struct simexec_proc *p)
{
    if (p->curl != NULL) {
        struct simexec_curl *c = p->curl;

        c->p = NULL;
        p->curl = NULL;
        if (!uv_is_closing((uv_handle_t *)&c->tcp))
            uv_close((uv_handle_t *)&c->tcp, simexec_curl_close_cb);
    }
    if (p->sync) {
        p->timer.data = p;
        simexec_proc_close_cb((uv_handle_t *)&p->timer);
        return;
    }
    uv_timer_stop(&p->timer);
    uv_close((uv_handle_t *)&p->timer, simexec_proc_close_cb);
}

static void
simexec_finish(struct simexec_proc *p, int code)
{
    if (p->done)
        return;
    p->done = 1;
    p->last = code;
    p->wait = WAIT_NONE;
    simexec_redir_reset(p);
    if (p->sync)
        return;
    if (p->ops->exited != NULL)
        p->ops->exited(p, code, p->data);
    simexec_release(p);
}

static struct simexec_proc *
simexec_proc_new(uv_loop_t *loop, const struct simexec_container *ct,
                 const char *const *argv, int tty)
{
    struct simexec_proc *p = xcalloc(1, sizeof *p);
    struct kbuf          s;
    int                  i;

    p->loop = loop;
    p->pod = xstrdup(ct->pod ? ct->pod : "pod");
    p->uid = xstrdup(ct->uid ? ct->uid : "");
    p->namespace = xstrdup(ct->namespace ? ct->namespace : "default");
    p->container = xstrdup(ct->container ? ct->container : "main");
    p->image = xstrdup(ct->image ? ct->image : "busybox");
    p->pod_ip = xstrdup(ct->pod_ip ? ct->pod_ip : "10.244.0.10");
    p->fs = ct->fs ? simexec_fs_ref(ct->fs) : simexec_fs_create();
    p->port_cb = ct->port_cb;
    p->port_data = ct->port_data;
    p->tty = tty;
    p->width = 80;
    p->height = 24;
    kbuf_init(&p->line);
    kbuf_init(&p->input);
    kbuf_puts(&p->line, ""); /* data is never NULL below */
    kbuf_puts(&p->input, "");
    simexec_setvar(p, "PATH",
                   "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:"
                   "/sbin:/bin");
    simexec_setvar(p, "HOSTNAME", p->pod);
    for (i = 0; ct->env != NULL && ct->env[i] != NULL; i++)
        simexec_setenv_kv(p, ct->env[i]);
    simexec_setvar(p, "KUBERNETES_SERVICE_HOST", "10.96.0.1");
    simexec_setvar(p, "KUBERNETES_SERVICE_PORT", "443");
    if (tty)
        simexec_setvar(p, "TERM", "xterm");
    simexec_setvar(p, "HOME", "/root");

    /* The argv becomes the script: a shell without -c is interactive,
     * anything else is one command whose words are already split. */
    kbuf_init(&s);
    if (argv != NULL && argv[0] != NULL && simexec_is_shell(argv[0])) {
        int has_c = 0;

        for (i = 1; argv[i] != NULL; i++) {
            if (strcmp(argv[i], "-c") == 0 && argv[i + 1] != NULL) {
                kbuf_puts(&s, argv[i + 1]);
                has_c = 1;
                break;
            }
        }
        p->interactive = !has_c;
    } else if (argv != NULL) {
        for (i = 0; argv[i] != NULL; i++) {
            const char *a = argv[i];

            /* Quote each word so the shell parser gives it back intact. */
            if (i > 0)
                kbuf_puts(&s, " ");
            kbuf_puts(&s, "'");
            for (; *a != '\0'; a++) {
                if (*a == '\'')
                    kbuf_puts(&s, "'\\''");
                else
                    kbuf_append(&s, a, 1);
            }
            kbuf_puts(&s, "'");
        }
    }
    p->script = kbuf_steal(&s);
    kbuf_done(&s);
    return p;
}

struct simexec_proc *
simexec_proc_start(uv_loop_t *loop, const struct simexec_container *ct,
                   const char *const *argv, int tty,
                   const struct simexec_proc_ops *ops, void *data)
{
    struct simexec_proc *p = simexec_proc_new(loop, ct, argv, tty);

    p->ops = ops;
    p->data = data;
    uv_timer_init(loop, &p->timer);
    p->timer.data = p;
    p->wait = WAIT_START;
    uv_timer_start(&p->timer, simexec_start_cb, 0, 0);
    return p;
}

int
simexec_run_sync(const struct simexec_container *ct, const char *const *argv,
                 struct kbuf *out, struct kbuf *err)
{
    struct simexec_proc *p = simexec_proc_new(NULL, ct, argv, 0);
    int                  code;

    p->sync = 1;
    p->eof = 1;
    p->sync_out = out;
    p->sync_err = err;
    p->interactive = 0;
    simexec_run(p);
    code = p->last;
    simexec_release(p);
    return code;
}

/* A foreground command interrupted by ^C. */
static void
simexec_interrupt(struct simexec_proc *p)
{
    if (p->wait == WAIT_SLEEP)
        uv_timer_stop(&p->timer);
    if (p->wait == WAIT_CURL && p->curl != NULL) {
        struct simexec_curl *c = p->curl;

        c->p = NULL;
        p->curl = NULL;
        uv_close((uv_handle_t *)&c->tcp, simexec_curl_close_cb);
    }
    kbuf_reset(&p->line);
    if (p->wait == WAIT_LINE) {
        p->prompted = 0;
        simexec_prompt(p);
        return;
    }
    p->wait = WAIT_NONE;
    p->last = 130;
    /* The rest of the line is abandoned, as a shell does on SIGINT. */
    p->pos = strlen(p->script);
    if (!p->interactive)
        simexec_finish(p, 130);
    else
        simexec_run(p);
}

/* The terminal's line discipline: echo, erase, ^C, ^D, CR -> LF. */
static void
simexec_tty_input(struct simexec_proc *p, const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n && !p->done; i++) {
        unsigned char ch = (unsigned char)s[i];

        if (ch == '\r' || ch == '\n') {
            simexec_emit(p, 1, "\r\n", 2);
            kbuf_append(&p->line, "\n", 1);
            kbuf_append(&p->input, p->line.data, p->line.len);
            kbuf_reset(&p->line);
        } else if (ch == 0x7f || ch == 0x08) {
            if (p->line.len > 0) {
                do
                    p->line.len--;
                while (p->line.len > 0 &&
                       ((unsigned char)p->line.data[p->line.len] & 0xC0) ==
                           0x80);
                p->line.data[p->line.len] = '\0';
                simexec_emit(p, 1, "\b \b", 3);
            }
        } else if (ch == 0x03) {
            simexec_emit(p, 1, "^C\r\n", 4);
            simexec_interrupt(p);
        } else if (ch == 0x04) {
            if (p->line.len == 0) {
                p->eof_once = 1;
            } else {
                kbuf_append(&p->input, p->line.data, p->line.len);
                kbuf_reset(&p->line);
            }
        } else if (ch == 0x1b) {
            /* Cursor keys and friends: swallow "ESC [ params final". */
            if (i + 1 < n && (s[i + 1] == '[' || s[i + 1] == 'O')) {
                i += 2;
                while (i < n && !(s[i] >= 0x40 && s[i] <= 0x7e))
                    i++;
            }
        } else if (ch >= 0x20 || ch == '\t') {
            kbuf_append(&p->line, s + i, 1);
            simexec_emit(p, 1, s + i, 1);
        }
    }
}

/* Stdin has news: wake whoever reads it. */
static void
simexec_input_ready(struct simexec_proc *p)
{
    if (p->done)
        return;
    if (p->wait == WAIT_CAT) {
        if (p->input.len > 0) {
            simexec_write(p, 1, p->input.data, p->input.len);
            kbuf_reset(&p->input);
        }
        if (p->eof || p->eof_once) {
            p->eof_once = 0;
            p->wait = WAIT_NONE;
            p->last = 0;
            simexec_run(p);
        }
    } else if (p->wait == WAIT_LINE) {
        if (memchr(p->input.data, '\n', p->input.len) != NULL || p->eof ||
            p->eof_once) {
            p->wait = WAIT_NONE;
            simexec_run(p);
        }
    }
}

void
simexec_proc_input(struct simexec_proc *p, const char *s, size_t n)
{
    if (p->done)
        return;
    if (p->tty)
        simexec_tty_input(p, s, n);
    else
        kbuf_append(&p->input, s, n);
    simexec_input_ready(p);
}

void
simexec_proc_input_eof(struct simexec_proc *p)
{
    if (p->done)
        return;
    p->eof = 1;
    simexec_input_ready(p);
}

void
simexec_proc_resize(struct simexec_proc *p, int width, int height)
{
    if (width > 0)
        p->width = width;
    if (height > 0)
        p->height = height;
}

void
simexec_proc_kill(struct simexec_proc *p)
{
    if (p->killed)
        return;
    p->killed = 1;
    if (p->done)
        return; /* already released by simexec_finish */
    p->done = 1;
    simexec_release(p);
}

/* --- an exec session over a WebSocket (k8s channel protocol) --- */

const char *const simexec_protocols[] = {
    "v5.channel.k8s.io",
    "v4.channel.k8s.io",
    NULL,
};

struct simexec_session {
    struct simws        *ws;
    struct simexec_proc *proc;
    int                  v5, want_stdout, want_stderr, want_stdin, tty;
};

static void
simexec_session_output(struct simexec_proc *p, int fd, const char *s, size_t n,
                       void *data)
{
    struct simexec_session *ss = data;

    if (fd == 2 && !ss->tty) {
        if (ss->want_stderr)
            simws_send_channel(ss->ws, 2, s, n);
        return;
    }
    if (ss->want_stdout)
        simws_send_channel(ss->ws, 1, s, n);
}

static void
simexec_session_status(struct simexec_session *ss, int code)
{
    char *st;

    if (code == 0)
        st = xstrdup("{\"metadata\":{},\"status\":\"Success\"}");
    else
        st = xasprintf("{\"metadata\":{},\"status\":\"Failure\","
                       "\"message\":\"command terminated with non-zero exit "
                       "code: exit status %d\",\"reason\":\"NonZeroExitCode\","
                       "\"details\":{\"causes\":[{\"reason\":\"ExitCode\","
                       "\"message\":\"%d\"}]}}",
                       code, code);
    simws_send_channel(ss->ws, 3, st, strlen(st));
    free(st);
}

static void
simexec_session_exited(struct simexec_proc *p, int code, void *data)
{
    struct simexec_session *ss = data;

    ss->proc = NULL;
    simexec_session_status(ss, code);
    simws_close(ss->ws, 1000); /* may free ss: last */
}

static const struct simexec_proc_ops simexec_session_proc_ops = {
    .output = simexec_session_output,
    .exited = simexec_session_exited,
};

static void
simexec_session_message(struct simws *ws, const uint8_t *m, size_t n,
                        void *data)
{
    struct simexec_session *ss = data;
    int                     w = 0, h = 0;
    const char             *s;

    if (n == 0 || ss->proc == NULL)
        return;
    switch (m[0]) {
    case 0:
        if (ss->want_stdin)
            simexec_proc_input(ss->proc, (const char *)m + 1, n - 1);
        break;
    case 4:
        /* {"Width":80,"Height":24}: Go field names, no tags. */
        s = xstrndup((const char *)m + 1, n - 1);
        if (strstr(s, "\"Width\":") != NULL)
            w = atoi(strstr(s, "\"Width\":") + 8);
        if (strstr(s, "\"Height\":") != NULL)
            h = atoi(strstr(s, "\"Height\":") + 9);
        klog("exec resize %dx%d", w, h);
        simexec_proc_resize(ss->proc, w, h);
        free((char *)s);
        break;
    case 255:
        if (ss->v5 && n >= 2 && m[1] == 0)
            simexec_proc_input_eof(ss->proc);
        break;
    }
}

static void
simexec_session_closed(struct simws *ws, void *data)
{
    struct simexec_session *ss = data;

    if (ss->proc != NULL)
        simexec_proc_kill(ss->proc);
    free(ss);
}

static const struct simws_ops simexec_session_ws_ops = {
    .message = simexec_session_message,
    .closed = simexec_session_closed,
};

static void
simexec_session_fail(struct simexec_session *ss, const char *msg)
{
    char *st = xasprintf("{\"metadata\":{},\"status\":\"Failure\","
                         "\"message\":\"Internal error occurred: error "
                         "executing command in container: %s\","
                         "\"reason\":\"InternalError\",\"details\":{"
                         "\"causes\":[{\"message\":\"%s\"}]},\"code\":500}",
                         msg, msg);

    simws_send_channel(ss->ws, 3, st, strlen(st));
    free(st);
    simws_close(ss->ws, 1000);
}

struct simws *
simexec_session_start(uv_loop_t *loop, struct simws_list *list,
                      const struct simws_io *io, const char *ws_key,
                      const char *protocol, const struct simexec_container *ct,
                      const char *const *argv, int want_stdin, int want_stdout,
                      int want_stderr, int tty)
{
    struct simexec_session *ss = xcalloc(1, sizeof *ss);
    struct simws           *ws;

    ss->v5 = strcmp(protocol, "v5.channel.k8s.io") == 0;
    ss->want_stdin = want_stdin;
    ss->want_stdout = want_stdout;
    ss->want_stderr = want_stderr && !tty;
    ss->tty = tty;
    ws = ss->ws = simws_start(loop, list, io, ws_key, protocol,
                              &simexec_session_ws_ops, ss);
    /* The stream is established: an empty message on the lowest
     * writable channel. */
    simws_send_channel(ss->ws,
                       ss->want_stdout   ? 1
                       : ss->want_stderr ? 2
                                         : 3,
                       NULL, 0);
    if (argv == NULL || argv[0] == NULL || !simexec_known(argv[0])) {
        char *msg = xasprintf(
            "failed to exec in container: failed to start exec: OCI "
            "runtime exec failed: exec failed: unable to start container "
            "process: exec: \\\"%s\\\": executable file not found in "
            "$PATH: unknown",
            argv && argv[0] ? argv[0] : "");

        simexec_session_fail(ss, msg);
        free(msg);
        return ws;
    }
    ss->proc =
        simexec_proc_start(loop, ct, argv, tty, &simexec_session_proc_ops, ss);
    return ws;
}
