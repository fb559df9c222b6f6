/*
 * Exec and port-forward over TLS with a client certificate and a bearer
 * token: a real TLS terminator (stunnel, requireCert) in front of an
 * in-process kpod-sim that demands the token. The WebSocket upgrade must
 * carry the Authorization header, curl must present the certificate, and
 * bulk data (a 2 MiB stdin round trip, 8 forwarded connections of 1 MiB)
 * must come through intact, which needs every readable event to drain
 * the TLS buffers. A client without the certificate must fail clearly.
 */
#define _GNU_SOURCE
#include "exec.h"
#include "khttp.h"
#include "kubeconfig.h"
#include "loop.h"
#include "portforward.h"
#include "sim.h"
#include "testutil.h"
#include "util.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NCONN 8
#define PAYLOAD (1u << 20)
#define STDIN_BYTES (2u << 20)

static char dir[256];

struct env {
    uv_loop_t       uv;
    uv_timer_t      ticker;
    uv_process_t    stunnel;
    int             tls_port;
    struct kloop   *loop;
    struct kclient *client;
    /* exec */
    struct kbuf out;
    int         exited, code;
    char       *error;
    /* api */
    int   api_done;
    char *api_body;
};

static void
ticker_cb(uv_timer_t *t)
{
}

#define RUN_UNTIL(e, cond)                                                     \
    do {                                                                       \
        int64_t dl_ = know_ms() + 120000;                                      \
        while (!(cond) && know_ms() < dl_)                                     \
            uv_run(&(e)->uv, UV_RUN_ONCE);                                     \
        CHECK(cond);                                                           \
    } while (0)

/* dir/name, which must exist (caller frees). */
static char *
slurp(const char *name, size_t *len)
{
    char *path = xasprintf("%s/%s", dir, name);
    char *buf = testutil_slurp(path, len);

    CHECK(buf != NULL);
    free(path);
    return buf;
}

static void
spawn_stunnel(struct env *e, int backend)
{
    e->tls_port = testutil_stunnel(&e->uv, &e->stunnel, dir, "stunnel", backend,
                                   "server", 1);
}

/* --- exec --- */

static void
x_output(struct exec *x, int fd, const char *p, size_t n, void *data)
{
    struct env *e = data;

    if (fd == 1)
        kbuf_append(&e->out, p, n);
}

static void
x_exited(struct exec *x, int code, const char *error, void *data)
{
    struct env *e = data;

    e->exited = 1;
    e->code = code;
    free(e->error);
    e->error = error ? xstrdup(error) : NULL;
}

static const struct exec_ops x_ops = {.output = x_output, .exited = x_exited};

static struct exec *
run(struct env *e, struct kclient *c, const char *const *argv, int in)
{
    struct exec_opts o = {.pod = "http-go", .argv = argv, .stdin_on = in};
    char            *cause = NULL;
    struct exec     *x;

    e->exited = 0;
    kbuf_reset(&e->out);
    x = exec_start(c, &o, &x_ops, e, &cause);
    CHECK(x != NULL);
    return x;
}

/* --- port-forward clients --- */

struct client {
    uv_tcp_t     tcp;
    uv_connect_t connect;
    uv_write_t   write;
    struct kbuf  in;
    char        *out;
    size_t       n;
    int          closed;
};

static void
cl_closed(uv_handle_t *h)
{
    ((struct client *)h->data)->closed = 1;
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

    if (n > 0)
        kbuf_append(&c->in, buf->base, (size_t)n);
    if (n < 0 || (c->n > 0 && c->in.len >= c->n)) {
        uv_read_stop(s);
        uv_close((uv_handle_t *)s, cl_closed);
    }
}

static void
cl_written(uv_write_t *w, int status)
{
}

static void
cl_connected(uv_connect_t *req, int status)
{
    struct client *c = req->data;
    uv_buf_t       b = uv_buf_init(c->out, (unsigned)strlen(c->out));

    CHECK(status == 0);
    if (c->n > 0)
        b.len = c->n;
    uv_read_start((uv_stream_t *)&c->tcp, cl_alloc, cl_read);
    uv_write(&c->write, (uv_stream_t *)&c->tcp, &b, 1, cl_written);
}

static void
cl_start(struct env *e, struct client *c, int port, char *out, size_t n)
{
    struct sockaddr_in sa;

    memset(c, 0, sizeof *c);
    kbuf_init(&c->in);
    kbuf_puts(&c->in, "");
    c->out = out;
    c->n = n;
    uv_tcp_init(&e->uv, &c->tcp);
    c->tcp.data = c;
    c->connect.data = c;
    uv_ip4_addr("127.0.0.1", port, &sa);
    CHECK(uv_tcp_connect(&c->connect, &c->tcp, (struct sockaddr *)&sa,
                         cl_connected) == 0);
}

static void
pf_message(struct portforward *pf, int error, const char *line, void *data)
{
    fprintf(stderr, "%s\n", line);
}

static const struct portforward_ops pf_ops = {.message = pf_message};

static void
pf_stopped(void *data)
{
    *(int *)data = 1;
}

static void
api_done(struct khttp_req *r, const struct khttp_response *resp, void *data)
{
    struct env *e = data;

    e->api_done = 1;
    free(e->api_body);
    e->api_body = xstrndup(resp->body ? resp->body : "", resp->body_len);
}

static int
running(struct env *e, const char *pod)
{
    struct khttp_opts o = {.max_retries = -1};
    char             *cause = NULL;

    o.path = xasprintf("/api/v1/namespaces/default/pods/%s", pod);
    e->api_done = 0;
    CHECK(khttp_request(e->client, &o, api_done, e, &cause) != NULL);
    RUN_UNTIL(e, e->api_done);
    free((char *)o.path);
    return strstr(e->api_body, "\"phase\":\"Running\"") != NULL;
}

static void
loop_closed(void *data)
{
    *(int *)data = 1;
}

static void
walk_close(uv_handle_t *h, void *arg)
{
    if (!uv_is_closing(h))
        uv_close(h, NULL);
}

int
main(void)
{
    struct env      e;
    struct sim_opts so = {
        .host = "127.0.0.1", .scenario = "demo", .token = "s3cret"};
    struct sim_thread      *sim;
    struct kube_ctx        *ctx;
    struct kclient         *nocert;
    struct exec            *x;
    struct portforward     *pf;
    struct portforward_opts po = {.remote_port = 8080};
    struct portforward_info info;
    struct client          *cl;
    char                   *cause = NULL, *url, *blob, **data;
    const char *const       echo[] = {"echo", "over", "tls", NULL};
    const char *const       seven[] = {"sh", "-c", "exit 7", NULL};
    const char *const       cat[] = {"cat", NULL};
    int                     simport, i, closed = 0, stopped = 0, all;
    int64_t                 deadline;
    size_t                  k;

    signal(SIGPIPE, SIG_IGN);
    memset(&e, 0, sizeof e);
    snprintf(dir, sizeof dir, "/tmp/kpod-wstls.XXXXXX");
    CHECK(mkdtemp(dir) != NULL);
    testutil_make_certs(dir);

    sim = sim_thread_start(&so, &simport, &cause);
    CHECK(sim != NULL);
    CHECK(uv_loop_init(&e.uv) == 0);
    uv_timer_init(&e.uv, &e.ticker);
    uv_timer_start(&e.ticker, ticker_cb, 20, 20);
    kbuf_init(&e.out);
    spawn_stunnel(&e, simport);
    deadline = know_ms() + 30000;
    while (!testutil_port_open(e.tls_port) && know_ms() < deadline)
        uv_run(&e.uv, UV_RUN_NOWAIT);
    CHECK(testutil_port_open(e.tls_port));
    e.loop = kloop_create(&e.uv);

    url = xasprintf("https://127.0.0.1:%d", e.tls_port);
    ctx = kube_ctx_for_url(url, "default");
    free(url);
    ctx->ca = slurp("ca.pem", &ctx->ca_len);
    ctx->token = xstrdup("s3cret");
    /* first without the client certificate: the handshake fails */
    nocert = kclient_create(e.loop, ctx);
    ctx->cert = slurp("client.pem", &ctx->cert_len);
    ctx->key = slurp("client.key", &ctx->key_len);
    e.client = kclient_create(e.loop, ctx);
    kube_ctx_free(ctx);

    run(&e, nocert, echo, 0);
    RUN_UNTIL(&e, e.exited);
    CHECK(e.code == -1 && e.error != NULL);
    fprintf(stderr, "without client cert: %s\n", e.error);
    /* Which error wins depends on timing (TLS 1.3 sends the alert after
     * the client's side of the handshake is done): the alert, or the
     * reset that follows it. Either way it names the connection. */
    CHECK(strstr(e.error, "https://127.0.0.1:") != NULL);

    RUN_UNTIL(&e, running(&e, "http-go"));

    /* exec: output, exit code, 2 MiB through cat and back */
    run(&e, e.client, echo, 0);
    RUN_UNTIL(&e, e.exited);
    if (e.error != NULL)
        fprintf(stderr, "exec: %s\n", e.error);
    CHECK(e.code == 0 && strcmp(e.out.data, "over tls\n") == 0);
    run(&e, e.client, seven, 0);
    RUN_UNTIL(&e, e.exited);
    CHECK(e.code == 7);
    blob = xmalloc(STDIN_BYTES);
    for (k = 0; k < STDIN_BYTES; k++)
        blob[k] = (char)('a' + (k * 7 + k / 4099) % 26);
    x = run(&e, e.client, cat, 1);
    for (k = 0; k < STDIN_BYTES; k += 65536)
        exec_write(x, blob + k, 65536);
    exec_close_stdin(x);
    RUN_UNTIL(&e, e.exited);
    CHECK(e.code == 0);
    CHECK(e.out.len == STDIN_BYTES);
    CHECK(memcmp(e.out.data, blob, STDIN_BYTES) == 0);
    free(blob);

    /* port-forward: http-go, then 8 x 1 MiB through an echo backend */
    po.pod = "http-go";
    pf = portforward_start(e.client, &po, &pf_ops, &e, &cause);
    CHECK(pf != NULL);
    portforward_info(pf, &info);
    cl = xcalloc(NCONN, sizeof *cl);
    cl_start(&e, &cl[0], info.local_port,
             "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 0);
    RUN_UNTIL(&e, cl[0].closed);
    CHECK(strstr(cl[0].in.data, "Welcome! http-go") != NULL);
    kbuf_done(&cl[0].in);
    stopped = 0;
    portforward_stop(pf, pf_stopped, &stopped);
    RUN_UNTIL(&e, stopped);

    e.api_done = 0;
    {
        struct khttp_opts o = {
            .method = "POST",
            .path = "/api/v1/namespaces/default/pods",
            .body =
                "{\"metadata\":{\"name\":\"echo\"},\"spec\":{\"containers\":"
                "[{\"name\":\"echo\",\"image\":\"busybox:1.36\",\"ports\":"
                "[{\"containerPort\":7000}]}]}}",
            .max_retries = -1};

        o.body_len = strlen(o.body);
        CHECK(khttp_request(e.client, &o, api_done, &e, &cause) != NULL);
        RUN_UNTIL(&e, e.api_done);
    }
    RUN_UNTIL(&e, running(&e, "echo"));
    po.pod = "echo";
    po.remote_port = 7000;
    pf = portforward_start(e.client, &po, &pf_ops, &e, &cause);
    CHECK(pf != NULL);
    portforward_info(pf, &info);
    data = xcalloc(NCONN, sizeof *data);
    for (i = 0; i < NCONN; i++) {
        data[i] = xmalloc(PAYLOAD);
        for (k = 0; k < PAYLOAD; k++)
            data[i][k] = (char)(k * 31 + (size_t)i * 17 + k / 1021);
        cl_start(&e, &cl[i], info.local_port, data[i], PAYLOAD);
    }
    deadline = know_ms() + 120000;
    do {
        uv_run(&e.uv, UV_RUN_ONCE);
        for (all = 1, i = 0; i < NCONN; i++)
            all &= cl[i].closed;
    } while (!all && know_ms() < deadline);
    CHECK(all);
    for (i = 0; i < NCONN; i++) {
        CHECK(cl[i].in.len == PAYLOAD);
        CHECK(memcmp(cl[i].in.data, data[i], PAYLOAD) == 0);
        kbuf_done(&cl[i].in);
        free(data[i]);
    }
    free(data);
    free(cl);
    stopped = 0;
    portforward_stop(pf, pf_stopped, &stopped);
    RUN_UNTIL(&e, stopped);

    kclient_free(nocert);
    kclient_free(e.client);
    kloop_close(e.loop, loop_closed, &closed);
    uv_process_kill(&e.stunnel, SIGTERM);
    uv_walk(&e.uv, walk_close, NULL);
    uv_run(&e.uv, UV_RUN_DEFAULT);
    CHECK(closed);
    CHECK(uv_loop_close(&e.uv) == 0);
    sim_thread_stop(sim);
    kbuf_done(&e.out);
    free(e.error);
    free(e.api_body);
    testutil_sh("rm -rf %s", dir);
    fprintf(stderr, "ok\n");
    return 0;
}
