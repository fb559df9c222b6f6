/*
 * Exec from the UI. `x` asks for the container (multi-container pods)
 * and a command line, runs it over src/exec.c and streams stdout and
 * stderr into a new pane that ends with the exit code (`exit 7`). `s`
 * opens an interactive shell (config `shell`, by default k9s' sh -c
 * "clear; (bash || ash || sh)"): the screen is lent out raw, keys go to
 * stdin, SIGWINCH to the resize channel, output straight to the terminal,
 * and the dashboard is redrawn as it was when the shell exits.
 */
#include "cells.h"
#include "exec.h"
#include "khttp.h"
#include "kubeconfig.h"
#include "shellwords.h"
#include "ui-int.h"
#include "view-picker.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define UI_EXEC_MAX (1u << 20) /* output kept per pane */
#define UI_SHELL_DEFAULT "sh -c \"clear; (bash || ash || sh)\""

/* The pod and container an exec or shell goes to. */
struct ui_exec_target {
    char *ns, *pod, *container; /* container NULL: the only one */
    int   shell;                /* s, not x */
    char *names[16];            /* the containers, for the picker */
    int   nnames;
};

struct ui_exec {
    struct ui         *ui;
    struct ui_pane     up;
    struct screen_pane sp;
    struct exec       *ex; /* NULL once exited */
    char              *title;
    struct kbuf        out;
    int                done, code;
    char              *error;
    int                shell; /* an interactive shell: the screen is lent */
};

static void
ui_exec_target_free(struct ui_exec_target *t)
{
    free(t->ns);
    free(t->pod);
    free(t->container);
    for (int i = 0; i < t->nnames; i++)
        free(t->names[i]);
    free(t);
}

/* --- the output pane --- */

static void
ui_exec_paint(void *data, WINDOW *win, int focused)
{
    struct ui_exec *e = data;
    int             rows = getmaxy(win), cols = getmaxx(win), y = 0, n = 0;
    const char     *text = e->out.data != NULL ? e->out.data : "", *start;
    size_t          len = e->out.len, i;
    struct kbuf     last;

    (void)focused;
    wattron(win, A_BOLD);
    mvwaddnstr(win, y++, 0, e->title, (int)cells_prefix(e->title, cols));
    wattroff(win, A_BOLD);
    kbuf_init(&last);
    if (e->done) {
        if (e->code >= 0)
            kbuf_printf(&last, "exit %d", e->code);
        else
            kbuf_printf(&last, "error: %s", e->error ? e->error : "failed");
    } else
        kbuf_puts(&last, "running...");
    /* the last lines that fit between the title and the status line */
    if (len > 0 && text[len - 1] == '\n')
        len--; /* the final newline ends the last line */
    start = text;
    for (i = len; i > 0 && len > 0; i--) {
        if (text[i - 1] == '\n' && ++n >= rows - 2) {
            start = text + i;
            break;
        }
    }
    while (len > 0 && start <= text + len && y < rows - 1) {
        size_t l = strcspn(start, "\n");
        char  *line;

        if (start + l > text + len)
            l = (size_t)(text + len - start);
        line = xstrndup(start, l);
        mvwaddnstr(win, y++, 0, line, (int)cells_prefix(line, cols));
        free(line);
        start += l + 1;
    }
    wattron(win, A_BOLD);
    mvwaddnstr(win, y < rows ? y : rows - 1, 0, last.data,
               (int)cells_prefix(last.data, cols));
    wattroff(win, A_BOLD);
    kbuf_done(&last);
}

static const struct screen_pane_ops ui_exec_pane_ops = {
    .name = "exec",
    .paint = ui_exec_paint,
};

/* Output as text: CR dropped, other control bytes but tab shown as '?'. */
static void
ui_exec_append(struct ui_exec *e, const char *p, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        char c = p[i];

        if (c == '\r')
            continue;
        if ((unsigned char)c < 0x20 && c != '\n' && c != '\t')
            c = '?';
        kbuf_append(&e->out, &c, 1);
    }
    if (e->out.len > UI_EXEC_MAX) {
        const char *cut = strchr(e->out.data + e->out.len - UI_EXEC_MAX, '\n');

        kbuf_consume(&e->out, cut != NULL ? (size_t)(cut + 1 - e->out.data)
                                          : e->out.len - UI_EXEC_MAX);
    }
}

/* --- exec callbacks (the pane and the shell) --- */

static void
ui_exec_output(struct exec *ex, int fd, const char *p, size_t n, void *data)
{
    struct ui_exec *e = data;

    (void)ex;
    (void)fd;
    if (e->shell) {
        while (n > 0) {
            ssize_t w = write(STDOUT_FILENO, p, n);

            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0)
                break;
            p += w;
            n -= (size_t)w;
        }
        return;
    }
    ui_exec_append(e, p, n);
    ui_pane_dirty(e->ui, &e->up, SCREEN_DATA, "exec output");
}

static void
ui_exec_exited(struct exec *ex, int code, const char *error, void *data)
{
    struct ui_exec *e = data;

    (void)ex;
    e->ex = NULL;
    e->done = 1;
    e->code = code;
    e->error = error != NULL ? xstrdup(error) : NULL;
    if (e->shell) {
        screen_resume(e->ui->screen);
        if (code >= 0)
            ui_message(e->ui, "shell in %s ended (exit %d)", e->title, code);
        else
            ui_message(e->ui, "shell in %s: %s", e->title,
                       error ? error : "failed");
        ui_pane_close(e->ui, &e->up); /* frees e */
        return;
    }
    if (code >= 0)
        ui_message(e->ui, "%s: exit %d", e->title, code);
    else
        ui_message(e->ui, "%s: %s", e->title, error ? error : "failed");
    ui_pane_dirty(e->ui, &e->up, SCREEN_DATA, "exec exited");
}

static const struct exec_ops ui_exec_ops = {
    .output = ui_exec_output,
    .exited = ui_exec_exited,
};

static void
ui_exec_pane_closed(struct ui *ui, struct ui_pane *p)
{
    struct ui_exec *e = p->data;

    if (e->ex != NULL)
        exec_cancel(e->ex);
    if (e->shell)
        screen_resume(ui->screen);
    kbuf_done(&e->out);
    free(e->title);
    free(e->error);
    free(e);
}

/* --- the shell's terminal --- */

static void
ui_shell_input(void *data, const char *buf, size_t n)
{
    struct ui_exec *e = data;

    if (e->ex != NULL)
        exec_write(e->ex, buf, n);
}

static void
ui_shell_resize(void *data, int cols, int rows)
{
    struct ui_exec *e = data;

    if (e->ex != NULL)
        exec_resize(e->ex, cols, rows);
}

/* --- starting --- */

static void
ui_exec_start(struct ui *ui, struct ui_exec_target *t, const char *line)
{
    struct ui_exec  *e;
    struct exec_opts o = {
        .ns = t->ns, .pod = t->pod, .container = t->container};
    char          *cause = NULL, **argv;
    struct winsize ws;

    if (ui->client == NULL) {
        ui_message(ui, "exec: not connected to a cluster");
        return;
    }
    argv = shellwords_split(line, &cause);
    if (argv == NULL) {
        ui_message(ui, "exec: %s", cause != NULL ? cause : "no command");
        free(cause);
        return;
    }
    e = xcalloc(1, sizeof *e);
    e->ui = ui;
    e->shell = t->shell;
    e->title = t->container != NULL
                   ? xasprintf("%s/%s: %s", t->pod, t->container, line)
                   : xasprintf("%s: %s", t->pod, line);
    kbuf_init(&e->out);
    e->sp.ops = &ui_exec_pane_ops;
    e->sp.data = e;
    e->up.sp = &e->sp;
    e->up.ctx = KEYMAP_LOGS;
    e->up.close = ui_exec_pane_closed;
    e->up.data = e;
    e->up.bound = 1;
    o.argv = (const char *const *)argv;
    if (e->shell) {
        o.stdin_on = 1;
        o.tty = 1;
        if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0) {
            o.width = ws.ws_col;
            o.height = ws.ws_row;
        }
    }
    e->ex = exec_start(ui->client, &o, &ui_exec_ops, e, &cause);
    shellwords_free(argv);
    if (e->ex == NULL) {
        ui_message(ui, "exec: %s", cause);
        free(cause);
        kbuf_done(&e->out);
        free(e->title);
        free(e);
        return;
    }
    if (e->shell) {
        struct screen_suspend_ops so = {ui_shell_input, ui_shell_resize, e};

        /* in the layout without room: closed with the UI like any pane */
        e->up.hidden = 1;
        ui_pane_open(ui, &e->up, UI_SPLIT_AUTO);
        screen_suspend(ui->screen, &so);
        return;
    }
    ui_pane_open(ui, &e->up, UI_SPLIT_VERTICAL);
}

static void
ui_exec_got_command(struct ui *ui, const char *text, void *data)
{
    struct ui_exec_target *t = data;

    if (text != NULL)
        ui_exec_start(ui, t, text);
    ui_exec_target_free(t);
}

static void
ui_exec_ask_command(struct ui *ui, struct ui_exec_target *t)
{
    char *label;

    if (t->shell) {
        ui_exec_start(ui, t,
                      ui->shell != NULL && ui->shell[0] != '\0'
                          ? ui->shell
                          : UI_SHELL_DEFAULT);
        ui_exec_target_free(t);
        return;
    }
    label = t->container != NULL
                ? xasprintf("exec in %s/%s", t->pod, t->container)
                : xasprintf("exec in %s", t->pod);
    ui_prompt(ui, label, "", ui_exec_got_command, t);
    free(label);
}

static void
ui_exec_picked(struct ui *ui, int index, void *data)
{
    struct ui_exec_target *t = data;

    if (index < 0 || index >= t->nnames) {
        ui_exec_target_free(t);
        return;
    }
    free(t->container);
    t->container = xstrdup(t->names[index]);
    ui_exec_ask_command(ui, t);
}

/* The selected pod's target; asks for the container when it has several. */
static void
ui_exec_begin(struct ui *ui, int shell)
{
    cJSON                 *pod = ui_selected_pod(ui);
    const cJSON           *md, *ctr, *ctrs;
    struct ui_exec_target *t;

    if (pod == NULL)
        return;
    if (ui->client == NULL) {
        ui_message(ui, "exec: not connected to a cluster");
        cJSON_Delete(pod);
        return;
    }
    md = cJSON_GetObjectItemCaseSensitive(pod, "metadata");
    t = xcalloc(1, sizeof *t);
    t->shell = shell;
    t->ns = xstrdup(
        cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(md, "namespace"))
            ?: kclient_ctx(ui->client)->ns);
    t->pod = xstrdup(
        cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(md, "name"))
            ?: "");
    ctrs = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(pod, "spec"), "containers");
    cJSON_ArrayForEach(ctr, ctrs)
    {
        const char *name =
            cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ctr, "name"));

        if (name != NULL && t->nnames < (int)nitems(t->names))
            t->names[t->nnames++] = xstrdup(name);
    }
    cJSON_Delete(pod);
    if (t->nnames > 1) {
        char *title = xasprintf("%s in which container of %s?",
                                shell ? "shell" : "exec", t->pod);

        ui_pick(ui, title, (const char *const *)t->names, (size_t)t->nnames, 0,
                ui_exec_picked, t);
        free(title);
    } else {
        ui_exec_ask_command(ui, t); /* the only one: the server's default */
    }
}

static void
ui_act_exec(struct ui *ui)
{
    ui_exec_begin(ui, 0);
}

static void
ui_act_shell(struct ui *ui)
{
    ui_exec_begin(ui, 1);
}

const struct ui_action ui_exec_actions[] = {
    {"pod.exec", ui_act_exec},
    {"pod.shell", ui_act_shell},
    {NULL, NULL},
};
