/*
 * The config options the UI takes from ui_opts, on a real terminal (a
 * pty): refresh-cap 10 holds a store changing every millisecond to at
 * most 10 frames/s (the default is ~60, test-ui-scheduler) while changes
 * still reach the screen; and curses' mouse state bits map to the
 * clicks and wheel turns the UI acts on.
 */
#include <errno.h>
#include <locale.h>
#include <pty.h>
#include <setjmp.h>
#include <signal.h>
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
#include "screen.h"
#include "ui.h"
#include "util.h"

#define CHANGES 600

struct child {
    uv_loop_t       loop;
    uv_timer_t      timer;
    struct store   *store;
    struct ui      *ui;
    int             changes;
    uint64_t        start_ns, end_ns;
    int             quit, closed;
    struct ui_stats stats;
};

static void
child_put(struct child *c, int i)
{
    char  *j;
    cJSON *o;

    /* Half the changes add pods, half modify them (new resourceVersion). */
    j = xasprintf("{\"kind\":\"Pod\",\"metadata\":{\"name\":\"pod-%03d\","
                  "\"namespace\":\"default\",\"uid\":\"u%03d\","
                  "\"resourceVersion\":\"%d\"},\"spec\":{\"containers\":"
                  "[{\"name\":\"c\"}]},\"status\":{\"phase\":\"Pending\"}}",
                  i % (CHANGES / 2), i % (CHANGES / 2), i + 1);
    o = cJSON_Parse(j);
    store_batch_begin(c->store);
    store_upsert(c->store, o);
    store_batch_end(c->store);
    cJSON_Delete(o);
    free(j);
}

static void
child_closed(void *data)
{
    struct child *c = data;

    c->closed = 1;
    uv_close((uv_handle_t *)&c->timer, NULL);
}

static void
child_quit(struct ui *ui, void *data)
{
    struct child *c = data;

    c->quit = 1;
    ui_stats(ui, &c->stats);
    uv_timer_stop(&c->timer);
    ui_close(ui, child_closed, c);
}

static void
child_tick(uv_timer_t *t)
{
    struct child *c = t->data;

    if (c->changes == 0)
        c->start_ns = uv_hrtime();
    if (c->changes < CHANGES) {
        child_put(c, c->changes++);
        return;
    }
    c->end_ns = uv_hrtime();
    uv_timer_stop(t);
    /* The way a user's `kill` ends kpod. */
    kill(getpid(), SIGTERM);
}

static int
child_main(int report)
{
    struct child   c;
    struct ui_opts opts = {
        .context = "test", .ns = "default", .refresh_cap = 10};
    char  *cause = NULL;
    double secs;
    int    rc;

    memset(&c, 0, sizeof c);
    setlocale(LC_ALL, "C.UTF-8");
    uv_loop_init(&c.loop);
    c.store = store_create(&store_pod_ops);
    c.ui = ui_create(&c.loop, c.store, &opts, child_quit, &c, &cause);
    if (c.ui == NULL) {
        dprintf(report, "ui_create: %s\n", cause);
        return 2;
    }
    uv_timer_init(&c.loop, &c.timer);
    c.timer.data = &c;
    uv_timer_start(&c.timer, child_tick, 20, 1);
    uv_run(&c.loop, UV_RUN_DEFAULT);
    rc = uv_loop_close(&c.loop);
    store_free(c.store);
    secs = (double)(c.end_ns - c.start_ns) / 1e9;
    dprintf(report,
            "changes %d in %.3f s, frames %llu (%llu with changes), "
            "max latency %.1f ms, quit %d, closed %d, loop_close %d\n",
            c.changes, secs, (unsigned long long)c.stats.frames,
            (unsigned long long)c.stats.change_frames, c.stats.max_latency_ms,
            c.quit, c.closed, rc);
    if (rc != 0 || !c.quit || !c.closed || c.changes != CHANGES)
        return 3;
    /* At most 10 frames/s (plus the first and a margin)... */
    if ((double)c.stats.frames > secs * 10.5 + 3)
        return 4;
    /* ...yet live: changes kept showing, each within about a frame. */
    if (c.stats.change_frames < 2)
        return 5;
    if (c.stats.max_latency_ms >= 500.0)
        return 6;
    return 0;
}

static void
test_mouse_kind(void **state)
{
    (void)state;
    assert_int_equal(screen_mouse_kind(BUTTON1_PRESSED), SCREEN_MOUSE_CLICK);
    assert_int_equal(screen_mouse_kind(BUTTON1_CLICKED), SCREEN_MOUSE_CLICK);
    assert_int_equal(screen_mouse_kind(BUTTON1_RELEASED), SCREEN_MOUSE_NONE);
    assert_int_equal(screen_mouse_kind(BUTTON4_PRESSED), SCREEN_MOUSE_WHEEL_UP);
    assert_int_equal(screen_mouse_kind(BUTTON5_PRESSED),
                     SCREEN_MOUSE_WHEEL_DOWN);
    assert_int_equal(screen_mouse_kind(BUTTON3_PRESSED), SCREEN_MOUSE_NONE);
    assert_int_equal(screen_mouse_kind(0), SCREEN_MOUSE_NONE);
}

static void
test_refresh_cap(void **state)
{
    int            master, status, report[2];
    pid_t          pid;
    char           buf[4096], line[512];
    ssize_t        n;
    struct winsize ws = {.ws_row = 30, .ws_col = 100};

    (void)state;
    assert_int_equal(pipe(report), 0);
    pid = forkpty(&master, NULL, NULL, &ws);
    assert_true(pid >= 0);
    if (pid == 0) {
        close(report[0]);
        setenv("TERM", "xterm", 1);
        _exit(child_main(report[1]));
    }
    close(report[1]);
    /* Drain the terminal until the child closes it (EIO on Linux). */
    for (;;) {
        n = read(master, buf, sizeof buf);
        if (n > 0)
            continue;
        if (n < 0 && errno == EINTR)
            continue;
        break;
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    n = read(report[0], line, sizeof line - 1);
    line[n > 0 ? n : 0] = '\0';
    print_message("child: %s", line);
    close(report[0]);
    close(master);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refresh_cap),
        cmocka_unit_test(test_mouse_kind),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
