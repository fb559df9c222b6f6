/*
 * The simulated container's shell for kpod-sim. A process is a small
 * interpreter over a script (`sh -c`, an interactive line, or the exec argv
 * itself): words with quotes and $VAR expansion, `;` `&&` `||`, redirection
 * into the container's in-memory files, and builtins. Anything that waits
 * (sleep, curl, cat on stdin, the interactive prompt) waits on the libuv
 * loop. There is no fork, no real file system and no pipes. Files are in
 * simexec-fs.c, commands in simexec-builtin.c, the exec WebSocket in
 * simexec-session.c.
 */
#define _GNU_SOURCE
#include "simexec-int.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

const char *
simexec_getvar(struct simexec_proc *p, const char *name)
{
    struct simexec_var *v;

    for (v = p->vars; v != NULL; v = v->next) {
        if (strcmp(v->name, name) == 0)
            return v->value;
    }
    return NULL;
}

void
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

void
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
void
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
void
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

void
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
            c == '&' || c == '|' || c == '>' || c == '<' || c == '(' ||
            c == ')')
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
        if (s[i] == '(' || s[i] == ')') {
            /* ( list ) runs in this shell: grouping only (k9s' shell
             * command is sh -c "clear; (bash || ash || sh)") */
            i++;
            continue;
        }
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

void
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
            /* The prompt comes before every read, even when the next
             * line is already typed ahead. */
            simexec_prompt(p);
            rc = simexec_take_line(p);
            if (rc < 0)
                break;
            if (rc == 0) {
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
        rc = simexec_builtin_exec(p, c.argc, c.argv);
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
        simexec_curl_abort(p->curl);
        p->curl = NULL;
    }
    if (p->sync) {
        p->timer.data = p;
        simexec_proc_close_cb((uv_handle_t *)&p->timer);
        return;
    }
    uv_timer_stop(&p->timer);
    uv_close((uv_handle_t *)&p->timer, simexec_proc_close_cb);
}

void
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
    if (argv != NULL && argv[0] != NULL && simexec_builtin_is_shell(argv[0])) {
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
        simexec_curl_abort(p->curl);
        p->curl = NULL;
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

int
simexec_known(const char *cmd)
{
    return simexec_builtin_known(cmd);
}
