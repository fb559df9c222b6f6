/*
 * Exec against an in-process kpod-sim: `echo` prints and exits 0, `exit 7`
 * reports 7, stdin goes through `cat` and back, a tty session receives
 * the resize (the sim's `stty size` prints it), an unknown pod is refused
 * with the server's message. One loop that must close cleanly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "exec.h"
#include "khttp.h"
#include "kubeconfig.h"
#include "loop.h"
#include "sim.h"
#include "simenv.h"
#include "util.h"

struct t {
    struct simenv env;
    /* the exec */
    struct kbuf out, err;
    int         exited, code;
    char       *error, *protocol;
};

#define RUN_UNTIL(t, cond) SIMENV_RUN_UNTIL(&(t)->env, cond)

static void
t_setup(struct t *t)
{
    memset(t, 0, sizeof *t);
    simenv_setup(&t->env, "demo");
    kbuf_init(&t->out);
    kbuf_init(&t->err);
    kbuf_puts(&t->out, "");
    kbuf_puts(&t->err, "");
    RUN_UNTIL(t, simenv_pod_running(&t->env, "http-go"));
}

static void
t_teardown(struct t *t)
{
    simenv_teardown(&t->env);
    kbuf_done(&t->out);
    kbuf_done(&t->err);
    free(t->error);
    free(t->protocol);
}

static void
x_started(struct exec *e, const char *protocol, void *data)
{
    struct t *t = data;

    free(t->protocol);
    t->protocol = xstrdup(protocol);
}

static void
x_output(struct exec *e, int fd, const char *p, size_t n, void *data)
{
    struct t *t = data;

    kbuf_append(fd == 2 ? &t->err : &t->out, p, n);
}

static void
x_exited(struct exec *e, int code, const char *error, void *data)
{
    struct t *t = data;

    t->exited = 1;
    t->code = code;
    free(t->error);
    t->error = error ? xstrdup(error) : NULL;
}

static const struct exec_ops x_ops = {
    .started = x_started, .output = x_output, .exited = x_exited};

static struct exec *
run(struct t *t, const char *pod, const char *const *argv, int in, int tty)
{
    struct exec_opts o = {.pod = pod, .argv = argv, .stdin_on = in, .tty = tty};
    char            *cause = NULL;
    struct exec     *e;

    t->exited = 0;
    kbuf_reset(&t->out);
    kbuf_reset(&t->err);
    e = exec_start(t->env.client, &o, &x_ops, t, &cause);
    assert_non_null(e);
    return e;
}

static void
test_echo_and_exit_code(void **state)
{
    const char *const echo[] = {"echo", "hi", "there", NULL};
    const char *const seven[] = {"sh", "-c", "echo before; exit 7", NULL};
    struct t          t;

    t_setup(&t);
    run(&t, "http-go", echo, 0, 0);
    RUN_UNTIL(&t, t.exited);
    assert_string_equal(t.protocol, "v5.channel.k8s.io");
    assert_null(t.error);
    assert_int_equal(t.code, 0);
    assert_string_equal(t.out.data, "hi there\n");

    run(&t, "http-go", seven, 0, 0);
    RUN_UNTIL(&t, t.exited);
    assert_null(t.error);
    assert_int_equal(t.code, 7);
    assert_string_equal(t.out.data, "before\n");
    t_teardown(&t);
}

static void
test_curl_inside(void **state)
{
    const char *const curl[] = {"curl", "127.0.0.1:8080", "-s", NULL};
    struct t          t;

    t_setup(&t);
    run(&t, "http-go", curl, 0, 0);
    RUN_UNTIL(&t, t.exited);
    assert_int_equal(t.code, 0);
    assert_non_null(strstr(t.out.data, "Welcome! http-go"));
    t_teardown(&t);
}

static void
test_stdin_round_trip(void **state)
{
    const char *const cat[] = {"cat", NULL};
    struct t          t;
    struct exec      *e;

    t_setup(&t);
    e = run(&t, "http-go", cat, 1, 0);
    exec_write(e, "line one\n", 9);
    RUN_UNTIL(&t, strstr(t.out.data, "line one\n") != NULL);
    exec_write(e, "line two\n", 9);
    RUN_UNTIL(&t, strstr(t.out.data, "line two\n") != NULL);
    exec_close_stdin(e);
    RUN_UNTIL(&t, t.exited);
    assert_int_equal(t.code, 0);
    assert_string_equal(t.out.data, "line one\nline two\n");
    t_teardown(&t);
}

static void
test_tty_resize(void **state)
{
    const char *const sh[] = {"sh", NULL};
    struct t          t;
    struct exec      *e;

    t_setup(&t);
    e = run(&t, "http-go", sh, 1, 1);
    exec_resize(e, 97, 31);
    exec_write(e, "stty size\n", 10);
    RUN_UNTIL(&t, strstr(t.out.data, "31 97") != NULL);
    exec_resize(e, 120, 50);
    exec_write(e, "stty size\n", 10);
    RUN_UNTIL(&t, strstr(t.out.data, "50 120") != NULL);
    exec_write(e, "exit 4\n", 7);
    RUN_UNTIL(&t, t.exited);
    assert_int_equal(t.code, 4);
    t_teardown(&t);
}

static void
test_refused(void **state)
{
    const char *const echo[] = {"echo", "x", NULL};
    struct t          t;

    t_setup(&t);
    run(&t, "no-such-pod", echo, 0, 0);
    RUN_UNTIL(&t, t.exited);
    assert_int_equal(t.code, -1);
    assert_non_null(t.error);
    assert_non_null(strstr(t.error, "404"));
    assert_non_null(strstr(t.error, "no-such-pod"));
    t_teardown(&t);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_echo_and_exit_code),
        cmocka_unit_test(test_curl_inside),
        cmocka_unit_test(test_stdin_round_trip),
        cmocka_unit_test(test_tty_resize),
        cmocka_unit_test(test_refused),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
