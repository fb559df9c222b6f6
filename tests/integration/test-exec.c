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
#include "util.h"

struct t {
    uv_loop_t          uv;
    uv_timer_t         ticker;
    struct kloop      *loop;
    struct kclient    *client;
    struct sim_thread *sim;
    int                port;
    int                api_done;
    long               api_status;
    char              *api_body;
    /* the exec */
    struct kbuf out, err;
    int         exited, code;
    char       *error, *protocol;
};

/* A condition can come true in the timer phase of uv_run(UV_RUN_ONCE),
 * which then blocks in poll: a ticker keeps each turn short. */
static void
ticker_cb(uv_timer_t *t)
{
}

#define RUN_UNTIL(t, cond)                                                     \
    do {                                                                       \
        uint64_t t0_ = uv_hrtime();                                            \
        while (!(cond) && uv_hrtime() - t0_ < 120000000000ull)                 \
            uv_run(&(t)->uv, UV_RUN_ONCE);                                     \
        assert_true(cond);                                                     \
    } while (0)

static void
api_done(struct khttp_req *req, const struct khttp_response *r, void *data)
{
    struct t *t = data;

    t->api_done = 1;
    t->api_status = r->status;
    free(t->api_body);
    t->api_body = xstrndup(r->body != NULL ? r->body : "", r->body_len);
}

static int
pod_running(struct t *t, const char *name)
{
    struct khttp_opts o = {.max_retries = -1};
    char             *cause = NULL;
    cJSON            *j, *phase;
    int               ok;

    o.path = xasprintf("/api/v1/namespaces/default/pods/%s", name);
    t->api_done = 0;
    assert_non_null(khttp_request(t->client, &o, api_done, t, &cause));
    RUN_UNTIL(t, t->api_done);
    free((char *)o.path);
    j = cJSON_Parse(t->api_body);
    phase = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(j, "status"), "phase");
    ok = cJSON_IsString(phase) && strcmp(phase->valuestring, "Running") == 0;
    cJSON_Delete(j);
    return ok;
}

static void
kloop_closed(void *data)
{
    *(int *)data = 1;
}

static void
t_setup(struct t *t)
{
    struct sim_opts  so = {.host = "127.0.0.1", .scenario = "demo"};
    struct kube_ctx *ctx;
    char            *cause = NULL, *url;

    memset(t, 0, sizeof *t);
    t->sim = sim_thread_start(&so, &t->port, &cause);
    assert_non_null(t->sim);
    assert_int_equal(uv_loop_init(&t->uv), 0);
    uv_timer_init(&t->uv, &t->ticker);
    uv_timer_start(&t->ticker, ticker_cb, 20, 20);
    t->loop = kloop_create(&t->uv);
    url = xasprintf("http://127.0.0.1:%d", t->port);
    ctx = kube_ctx_for_url(url, "default");
    t->client = kclient_create(t->loop, ctx);
    kube_ctx_free(ctx);
    free(url);
    kbuf_init(&t->out);
    kbuf_init(&t->err);
    kbuf_puts(&t->out, "");
    kbuf_puts(&t->err, "");
    RUN_UNTIL(t, pod_running(t, "http-go"));
}

static void
t_teardown(struct t *t)
{
    int closed = 0;

    kclient_free(t->client);
    kloop_close(t->loop, kloop_closed, &closed);
    uv_close((uv_handle_t *)&t->ticker, NULL);
    uv_run(&t->uv, UV_RUN_DEFAULT);
    assert_true(closed);
    assert_int_equal(uv_loop_close(&t->uv), 0);
    sim_thread_stop(t->sim);
    kbuf_done(&t->out);
    kbuf_done(&t->err);
    free(t->api_body);
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
    e = exec_start(t->client, &o, &x_ops, t, &cause);
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
