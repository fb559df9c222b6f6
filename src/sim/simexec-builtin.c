/*
 * The simulated container's commands: echo, cat, env/printenv, export,
 * hostname, ls, sleep, exit, true/false, test/[, pwd, whoami, id, uname,
 * date, touch, rm, mkdir, stty, sh -c, and curl (simexec-curl.c). Each
 * returns its exit status, or SIMEXEC_ASYNC when it waits on the loop and
 * resumes the interpreter (simexec_run) itself. Messages follow busybox.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simexec-int.h"
#include "util.h"

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

const char *
simexec_builtin_base(const char *cmd)
{
    const char *s = strrchr(cmd, '/');

    return s ? s + 1 : cmd;
}

int
simexec_builtin_is_shell(const char *cmd)
{
    const char *b = simexec_builtin_base(cmd);

    return strcmp(b, "sh") == 0 || strcmp(b, "bash") == 0 ||
           strcmp(b, "ash") == 0;
}

static const char *const simexec_builtins[] = {
    "[",     "cat",      "curl",  "date",   "echo",   "env",      "exit",
    "false", "hostname", "id",    "ls",     "mkdir",  "printenv", "pwd",
    "rm",    "sh",       "bash",  "ash",    "sleep",  "stty",     "test",
    "touch", "true",     "uname", "whoami", "export", "clear",    NULL,
};

int
simexec_builtin_known(const char *cmd)
{
    const char *b = simexec_builtin_base(cmd);
    int         i;

    for (i = 0; simexec_builtins[i] != NULL; i++) {
        if (strcmp(simexec_builtins[i], b) == 0)
            return 1;
    }
    return 0;
}

int
simexec_builtin_exec(struct simexec_proc *p, int argc, char **argv)
{
    const char *cmd = simexec_builtin_base(argv[0]);
    int         i;

    if (strchr(argv[0], '=') != NULL && argv[0][0] != '=') {
        for (i = 0; i < argc && strchr(argv[i], '=') != NULL; i++)
            simexec_setenv_kv(p, argv[i]);
        if (i == argc)
            return 0;
        return simexec_builtin_exec(p, argc - i, argv + i);
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
    if (strcmp(cmd, "clear") == 0) {
        if (p->tty)
            simexec_printf(p, 1, "\033[H\033[2J");
        return 0;
    }
    if (simexec_builtin_is_shell(cmd)) {
        for (i = 1; i < argc; i++) {
            if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
                return simexec_run_string(p, argv[i + 1]);
        }
        if (p->tty && !p->interactive) {
            /* An interactive shell as the script's command: this process
             * becomes it (what follows would run only after it exits,
             * which here ends the session). */
            p->interactive = 1;
            p->pos = strlen(p->script);
            return 0;
        }
        simexec_printf(p, 2,
                       "sh: nested interactive shells are not "
                       "supported\n");
        return 2;
    }
    simexec_printf(p, 2, "sh: %s: not found\n", argv[0]);
    return 127;
}
