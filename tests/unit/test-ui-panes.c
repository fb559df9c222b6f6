/*
 * The UI's extension API on a real terminal (a pty): a pane opened with
 * ui_pane_open gets the focus and its keymap context's actions through
 * its hook; ui_prompt hands the typed line (or NULL on Esc) to its
 * callback and gives the focus back; commands run from the tables;
 * ui_set_client closes the panes bound to the old client; tab moves the
 * focus; q closes the detail pane, then the newest pane, then quits; and
 * uv_loop_close() returns 0. The child runs the UI and asks the parent
 * for each key over a pipe once the previous step is checked, so nothing
 * waits on time.
 */
#include <errno.h>
#include <locale.h>
#include <poll.h>
#include <pty.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <cmocka.h>
#include <uv.h>

#include "store.h"
#include "ui-int.h"
#include "util.h"

struct fake {
    struct ui_pane         up;
    struct screen_pane     sp;
    struct screen_pane_ops ops;
    char                   last[64]; /* the last action it got */
    int                    closed;
};

struct child {
    uv_loop_t     loop;
    uv_timer_t    timer; /* polls the current step's condition */
    struct store *store;
    struct ui    *ui;
    struct fake   a, b;
    int           step;
    int           sync; /* to the parent: "send the keys of step N" */
    int           report;
    char          got[64]; /* the prompt's answer */
    int           answers, cancels;
    int           quit, closed, failed;
};

static void
fake_paint(void *data, WINDOW *win, int focused)
{
    struct fake *f = data;

    mvwprintw(win, 0, 0, "fake %s%s", f->last, focused ? " *" : "");
}

static int
fake_action(struct ui *ui, struct ui_pane *p, const char *name)
{
    struct fake *f = p->data;

    (void)ui;
    if (strncmp(name, "cursor.", 7) != 0)
        return 0; /* the UI's tables handle the rest */
    snprintf(f->last, sizeof f->last, "%s", name);
    return 1;
}

static void
fake_close(struct ui *ui, struct ui_pane *p)
{
    struct fake *f = p->data;

    (void)ui;
    f->closed++;
}

static void
fake_init(struct fake *f, int bound)
{
    memset(f, 0, sizeof *f);
    f->ops.name = "fake";
    f->ops.paint = fake_paint;
    f->sp.ops = &f->ops;
    f->sp.data = f;
    f->up.sp = &f->sp;
    f->up.ctx = KEYMAP_LOGS;
    f->up.action = fake_action;
    f->up.close = fake_close;
    f->up.data = f;
    f->up.bound = bound;
}

static void
child_answer(struct ui *ui, const char *text, void *data)
{
    struct child *c = data;

    (void)ui;
    if (text == NULL)
        c->cancels++;
    else {
        c->answers++;
        snprintf(c->got, sizeof c->got, "%s", text);
    }
}

static void
child_closed(void *data)
{
    struct child *c = data;

    c->closed = 1;
}

static void
child_quit(struct ui *ui, void *data)
{
    struct child *c = data;

    c->quit = 1;
    uv_close((uv_handle_t *)&c->timer, NULL);
    ui_close(ui, child_closed, c);
}

static void
child_fail(struct child *c, const char *why)
{
    dprintf(c->report, "step %d: %s\n", c->step, why);
    c->failed = 1;
    uv_stop(&c->loop);
}

/* Ask the parent for the keys of the next step. */
static void
child_next(struct child *c)
{
    char s = (char)++c->step;

    if (write(c->sync, &s, 1) != 1)
        child_fail(c, "sync pipe");
}

/* Each step's check (of the keys the parent sent for it), then the set-up
 * of the next one. */
static void
child_tick(uv_timer_t *t)
{
    struct child *c = t->data;
    struct ui    *ui = c->ui;

    switch (c->step) {
    case 0:
        fake_init(&c->a, 0);
        ui_pane_open(ui, &c->a.up, UI_SPLIT_VERTICAL);
        if (ui_pane_focused(ui) != &c->a.up)
            return child_fail(c, "an opened pane is not focused");
        return child_next(c); /* j */
    case 1:
        if (strcmp(c->a.last, "cursor.down") != 0)
            return;
        ui_prompt(ui, "Name: ", "ab", child_answer, c);
        return child_next(c); /* c, enter */
    case 2:
        if (c->answers == 0)
            return;
        if (strcmp(c->got, "abc") != 0)
            return child_fail(c, "the prompt's answer is not abc");
        if (ui_pane_focused(ui) != &c->a.up)
            return child_fail(c, "the focus did not come back");
        ui_prompt(ui, "Name: ", NULL, child_answer, c);
        return child_next(c); /* x, esc */
    case 3:
        if (c->cancels == 0)
            return;
        if (c->answers != 1)
            return child_fail(c, "esc answered");
        fake_init(&c->b, 1);
        ui_pane_open(ui, &c->b.up, UI_SPLIT_HORIZONTAL);
        ui_set_client(ui, NULL);
        if (c->b.closed != 1 || c->b.up.open)
            return child_fail(c, "a bound pane stayed after the switch");
        if (c->a.closed != 0 || !c->a.up.open)
            return child_fail(c, "an unbound pane was closed");
        ui_command(ui, "describe");
        if (ui->detail.mode != VIEW_DETAIL_DESCRIBE)
            return child_fail(c, ":describe did not open the detail pane");
        ui_pane_focus(ui, &c->a.up);
        return child_next(c); /* tab */
    case 4:
        /* the order opened: list, detail, a; from a, next wraps */
        if (ui_pane_focused(ui) != &ui->pods_up)
            return;
        return child_next(c); /* q */
    case 5:
        if (ui->detail.mode != VIEW_DETAIL_NONE)
            return;
        if (c->a.closed != 0)
            return child_fail(c, "q closed the pane before the detail");
        return child_next(c); /* q */
    case 6:
        if (c->a.closed != 1)
            return;
        if (c->quit)
            return child_fail(c, "q quit with a pane open");
        return child_next(c); /* q: quits */
    default:
        return;
    }
}

static int
child_main(int sync, int report)
{
    struct child   c;
    struct ui_opts opts = {.context = "test", .ns = "default"};
    char          *cause = NULL;
    cJSON         *o;
    int            rc;

    memset(&c, 0, sizeof c);
    c.sync = sync;
    c.report = report;
    setlocale(LC_ALL, "C.UTF-8");
    uv_loop_init(&c.loop);
    c.store = store_create(&store_pod_ops);
    o = cJSON_Parse("{\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\","
                    "\"namespace\":\"default\",\"uid\":\"u1\","
                    "\"resourceVersion\":\"1\"},\"spec\":{\"containers\":"
                    "[{\"name\":\"c\"}]},\"status\":{\"phase\":\"Pending\"}}");
    store_batch_begin(c.store);
    store_upsert(c.store, o);
    store_batch_end(c.store);
    cJSON_Delete(o);
    c.ui = ui_create(&c.loop, c.store, &opts, child_quit, &c, &cause);
    if (c.ui == NULL) {
        dprintf(report, "ui_create: %s\n", cause);
        return 2;
    }
    uv_timer_init(&c.loop, &c.timer);
    c.timer.data = &c;
    uv_timer_start(&c.timer, child_tick, 1, 5);
    uv_run(&c.loop, UV_RUN_DEFAULT);
    if (c.failed)
        return 3;
    rc = uv_loop_close(&c.loop);
    store_free(c.store);
    dprintf(report,
            "steps %d, quit %d, closed %d, a closed %d, loop_close %d\n",
            c.step, c.quit, c.closed, c.a.closed, rc);
    return rc == 0 && c.quit && c.closed && c.step == 7 && c.a.closed == 1 ? 0
                                                                           : 4;
}

/* The keys the parent types for each step (1-based). */
static const char *const keys[] = {NULL, "j", "c\r", "x\x1b",
                                   "\t", "q", "q",   "q"};

static void
test_panes(void **state)
{
    int            master, status, report[2], sync[2];
    pid_t          pid;
    char           buf[4096], line[512];
    ssize_t        n;
    struct winsize ws = {.ws_row = 30, .ws_col = 100};
    int            open_sync = 1;

    (void)state;
    assert_int_equal(pipe(report), 0);
    assert_int_equal(pipe(sync), 0);
    pid = forkpty(&master, NULL, NULL, &ws);
    assert_true(pid >= 0);
    if (pid == 0) {
        close(report[0]);
        close(sync[0]);
        setenv("TERM", "xterm", 1);
        _exit(child_main(sync[1], report[1]));
    }
    close(report[1]);
    close(sync[1]);
    /* Drain the terminal, and type each step's keys when asked, until the
     * child closes the terminal (EIO on Linux). */
    for (;;) {
        struct pollfd pf[2] = {{.fd = master, .events = POLLIN},
                               {.fd = sync[0], .events = POLLIN}};

        if (poll(pf, open_sync ? 2 : 1, 60000) <= 0)
            break; /* a child that stopped asking: the report says why */
        if (open_sync && (pf[1].revents & (POLLIN | POLLHUP))) {
            char s;

            if (read(sync[0], &s, 1) == 1 && s > 0 && (size_t)s < nitems(keys))
                assert_int_equal(
                    write(master, keys[(size_t)s], strlen(keys[(size_t)s])),
                    (ssize_t)strlen(keys[(size_t)s]));
            else
                open_sync = 0;
        }
        if (pf[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            n = read(master, buf, sizeof buf);
            if (n > 0 || (n < 0 && errno == EINTR))
                continue;
            break;
        }
    }
    if (waitpid(pid, &status, WNOHANG) == 0) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
    }
    n = read(report[0], line, sizeof line - 1);
    line[n > 0 ? n : 0] = '\0';
    print_message("child: %s", line);
    close(report[0]);
    close(sync[0]);
    close(master);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_panes),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
