/*
 * Port-forward against an in-process kpod-sim: http-go:8080 answers
 * "Welcome! http-go" through the forward; 50 concurrent connections each
 * push 1 MiB through an echo backend and get it back intact; the pod is
 * deleted (the forward waits) and re-created under the same name (the
 * next connection works); a local port in use is refused with a clear
 * message. Everything runs on one loop that must close cleanly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "khttp.h"
#include "kubeconfig.h"
#include "loop.h"
#include "portforward.h"
#include "sim.h"
#include "simenv.h"
#include "util.h"

#define NCONN 50
#define PAYLOAD (1u << 20)

struct t {
    struct simenv env;
    struct kbuf   lines;
    int           nerrors;
};

#define RUN_UNTIL(t, cond) SIMENV_RUN_UNTIL(&(t)->env, cond)

static long
api(struct t *t, const char *method, const char *path, const char *body)
{
    return simenv_api(&t->env, method, path, body);
}

static int
pod_running(struct t *t, const char *name)
{
    return simenv_pod_running(&t->env, name);
}

static int
pod_gone(struct t *t, const char *name)
{
    char *path = xasprintf("/api/v1/namespaces/default/pods/%s", name);
    long  st = api(t, "GET", path, NULL);

    free(path);
    return st == 404;
}

static void
on_message(struct portforward *pf, int error, const char *line, void *data)
{
    struct t *t = data;

    kbuf_printf(&t->lines, "%s\n", line);
    t->nerrors += error;
}

static const struct portforward_ops pf_ops = {.message = on_message};

/* --- a local TCP client --- */

struct client {
    struct t    *t;
    uv_tcp_t     tcp;
    uv_connect_t connect;
    uv_write_t   write;
    struct kbuf  in;
    char        *out;
    size_t       out_len;
    size_t       expect; /* close once this much came back (0 = at EOF) */
    int          eof, closed, failed;
};

static void
cl_closed(uv_handle_t *h)
{
    struct client *c = h->data;

    c->closed = 1;
}

static void
cl_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
    static char slab[65536];

    *buf = uv_buf_init(slab, sizeof slab);
}

static void
cl_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    struct client *c = s->data;

    if (n < 0) {
        c->eof = 1;
        uv_close((uv_handle_t *)&c->tcp, cl_closed);
        return;
    }
    kbuf_append(&c->in, buf->base, (size_t)n);
    if (c->expect > 0 && c->in.len >= c->expect) {
        c->eof = 1;
        uv_read_stop(s);
        uv_close((uv_handle_t *)&c->tcp, cl_closed);
    }
}

static void
cl_written(uv_write_t *req, int status)
{
}

static void
cl_connected(uv_connect_t *req, int status)
{
    struct client *c = req->data;
    uv_buf_t       buf = uv_buf_init(c->out, (unsigned)c->out_len);

    if (status < 0) {
        c->failed = 1;
        c->eof = 1;
        uv_close((uv_handle_t *)&c->tcp, cl_closed);
        return;
    }
    uv_read_start((uv_stream_t *)&c->tcp, cl_alloc, cl_read);
    uv_write(&c->write, (uv_stream_t *)&c->tcp, &buf, 1, cl_written);
}

static void
cl_start(struct t *t, struct client *c, int port, char *out, size_t n,
         size_t expect)
{
    struct sockaddr_in sa;

    memset(c, 0, sizeof *c);
    c->t = t;
    kbuf_init(&c->in);
    kbuf_puts(&c->in, "");
    c->out = out;
    c->out_len = n;
    c->expect = expect;
    uv_tcp_init(&t->env.uv, &c->tcp);
    c->tcp.data = c;
    c->connect.data = c;
    uv_ip4_addr("127.0.0.1", port, &sa);
    assert_int_equal(uv_tcp_connect(&c->connect, &c->tcp,
                                    (struct sockaddr *)&sa, cl_connected),
                     0);
}

/* One HTTP GET through the forward; returns the whole answer. */
static char *
http_get(struct t *t, int port)
{
    static char   req[] = "GET / HTTP/1.1\r\nHost: localhost\r\n"
                          "Connection: close\r\n\r\n";
    struct client c;

    cl_start(t, &c, port, req, strlen(req), 0);
    RUN_UNTIL(t, c.closed);
    return kbuf_steal(&c.in);
}

/* --- setup --- */

static void
t_setup(struct t *t)
{
    memset(t, 0, sizeof *t);
    simenv_setup(&t->env, "demo");
    kbuf_init(&t->lines);
    kbuf_puts(&t->lines, "");
}

static void
t_teardown(struct t *t)
{
    simenv_teardown(&t->env);
    kbuf_done(&t->lines);
}

static void
pf_stopped(void *data)
{
    *(int *)data = 1;
}

static void
stop(struct t *t, struct portforward *pf)
{
    int done = 0;

    portforward_stop(pf, pf_stopped, &done);
    RUN_UNTIL(t, done);
}

/* --- tests --- */

static void
test_http_go(void **state)
{
    struct t                t;
    struct portforward     *pf, *busy;
    struct portforward_opts o = {.pod = "http-go", .remote_port = 8080};
    struct portforward_info info;
    char                   *cause = NULL, *answer, *want;

    t_setup(&t);
    RUN_UNTIL(&t, pod_running(&t, "http-go"));
    pf = portforward_start(t.env.client, &o, &pf_ops, &t, &cause);
    assert_non_null(pf);
    portforward_info(pf, &info);
    assert_true(info.local_port > 0);
    assert_int_equal(info.state, PORTFORWARD_LISTENING);
    assert_string_equal(info.state_text, "listening");
    want = xasprintf("Forwarding from 127.0.0.1:%d -> 8080\n", info.local_port);
    assert_string_equal(t.lines.data, want);
    free(want);

    answer = http_get(&t, info.local_port);
    assert_non_null(strstr(answer, "Welcome! http-go"));
    free(answer);
    want = xasprintf("Handling connection for %d\n", info.local_port);
    assert_non_null(strstr(t.lines.data, want));
    free(want);
    portforward_info(pf, &info);
    assert_int_equal(info.connections, 1);
    assert_true(info.bytes_in > strlen("Welcome! http-go"));
    assert_true(info.bytes_out > 0);
    assert_int_equal(t.nerrors, 0);

    /* the same port again: refused, clearly, and nothing else changes */
    o.local_port = info.local_port;
    busy = portforward_start(t.env.client, &o, &pf_ops, &t, &cause);
    assert_null(busy);
    assert_non_null(strstr(cause, "address already in use"));
    want = xasprintf("unable to listen on port %d", info.local_port);
    assert_non_null(strstr(cause, want));
    free(want);
    free(cause);
    answer = http_get(&t, info.local_port);
    assert_non_null(strstr(answer, "Welcome! http-go"));
    free(answer);

    stop(&t, pf);
    t_teardown(&t);
}

static void
test_recreated(void **state)
{
    struct t                t;
    struct portforward     *pf;
    struct portforward_opts o = {.pod = "http-go", .remote_port = 8080};
    struct portforward_info info;
    char                   *cause = NULL, *answer, *spec;
    cJSON                  *pod;

    t_setup(&t);
    RUN_UNTIL(&t, pod_running(&t, "http-go"));
    pf = portforward_start(t.env.client, &o, &pf_ops, &t, &cause);
    assert_non_null(pf);
    portforward_info(pf, &info);
    answer = http_get(&t, info.local_port);
    assert_non_null(strstr(answer, "Welcome! http-go"));
    free(answer);

    /* keep the spec, delete the pod, wait until it is gone */
    assert_int_equal(
        api(&t, "GET", "/api/v1/namespaces/default/pods/http-go", NULL), 200);
    pod = cJSON_Parse(t.env.api_body);
    cJSON_DeleteItemFromObject(pod, "status");
    cJSON_DeleteItemFromObject(pod, "metadata");
    cJSON_AddItemToObject(pod, "metadata",
                          cJSON_Parse("{\"name\":\"http-go\","
                                      "\"labels\":{\"run\":"
                                      "\"http-go\"}}"));
    spec = cJSON_PrintUnformatted(pod);
    cJSON_Delete(pod);
    assert_int_equal(api(&t, "DELETE",
                         "/api/v1/namespaces/default/pods/http-go"
                         "?gracePeriodSeconds=0",
                         NULL),
                     200);
    RUN_UNTIL(&t, pod_gone(&t, "http-go"));

    /* a connection now fails, the listener stays and says it waits */
    answer = http_get(&t, info.local_port);
    assert_null(strstr(answer, "Welcome!"));
    free(answer);
    portforward_info(pf, &info);
    assert_int_equal(info.state, PORTFORWARD_WAITING);
    assert_string_equal(info.state_text, "pod gone - waiting");
    assert_non_null(info.reason);
    assert_true(t.nerrors > 0);

    /* the same name again: the next connection reaches the new pod */
    assert_int_equal(api(&t, "POST", "/api/v1/namespaces/default/pods", spec),
                     201);
    free(spec);
    RUN_UNTIL(&t, pod_running(&t, "http-go"));
    answer = http_get(&t, info.local_port);
    assert_non_null(strstr(answer, "Welcome! http-go"));
    free(answer);
    portforward_info(pf, &info);
    assert_int_equal(info.state, PORTFORWARD_LISTENING);
    assert_null(info.reason);
    assert_int_equal(info.connections, 3);

    stop(&t, pf);
    t_teardown(&t);
}

static void
test_concurrent_echo(void **state)
{
    struct t                t;
    struct portforward     *pf;
    struct portforward_opts o = {.pod = "echo", .remote_port = 7000};
    struct portforward_info info;
    struct client          *cl = xcalloc(NCONN, sizeof *cl);
    char                  **data = xcalloc(NCONN, sizeof *data);
    char                   *cause = NULL;
    int                     i, all;
    size_t                  k;

    t_setup(&t);
    assert_int_equal(
        api(&t, "POST", "/api/v1/namespaces/default/pods",
            "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":"
            "\"echo\"},\"spec\":{\"containers\":[{\"name\":\"echo\","
            "\"image\":\"busybox:1.36\",\"ports\":[{\"containerPort\":"
            "7000}]}]}}"),
        201);
    RUN_UNTIL(&t, pod_running(&t, "echo"));
    pf = portforward_start(t.env.client, &o, &pf_ops, &t, &cause);
    assert_non_null(pf);
    portforward_info(pf, &info);
    for (i = 0; i < NCONN; i++) {
        uint32_t x = 0x9e3779b9u * (uint32_t)(i + 1);

        data[i] = xmalloc(PAYLOAD);
        for (k = 0; k < PAYLOAD; k++) {
            x ^= x << 13, x ^= x >> 17, x ^= x << 5;
            data[i][k] = (char)x;
        }
        cl_start(&t, &cl[i], info.local_port, data[i], PAYLOAD, PAYLOAD);
    }
    do {
        uv_run(&t.env.uv, UV_RUN_ONCE);
        for (all = 1, i = 0; i < NCONN; i++)
            all &= cl[i].closed;
    } while (!all);
    for (i = 0; i < NCONN; i++) {
        assert_false(cl[i].failed);
        assert_int_equal(cl[i].in.len, PAYLOAD);
        assert_memory_equal(cl[i].in.data, data[i], PAYLOAD);
        kbuf_done(&cl[i].in);
        free(data[i]);
    }
    portforward_info(pf, &info);
    assert_int_equal(info.connections, NCONN);
    assert_true(info.bytes_out >= (uint64_t)NCONN * PAYLOAD);
    assert_int_equal(t.nerrors, 0);
    free(cl);
    free(data);
    /* every WebSocket winds down after its local side closed */
    RUN_UNTIL(&t, (portforward_info(pf, &info), info.open == 0));
    stop(&t, pf);
    t_teardown(&t);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_http_go),
        cmocka_unit_test(test_recreated),
        cmocka_unit_test(test_concurrent_echo),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
