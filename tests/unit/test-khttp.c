/*
 * khttp + kloop against a tiny scripted HTTP server on the same libuv loop:
 * buffered bodies, Status errors, Retry-After retries, line streaming with
 * split chunks and an over-long line, transport errors, cancel from inside
 * a line callback, request bodies. Every case ends with uv_loop_close == 0.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "credplugin.h"
#include "khttp.h"
#include "kubeconfig.h"
#include "loop.h"
#include "util.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <string.h>

/* ---- the fake server ---- */

struct fconn {
    uv_tcp_t    tcp;
    struct kbuf in;
    int         answered;
};

struct fake {
    uv_tcp_t listener;
    int      port;
    int      retry_hits;
    int      requests;
    int      conns;
    char     last_method[16];
    char    *last_body;
    char     last_auth[128];
    char    *last_headers;
};
static struct fake fake;

static void
fconn_closed(uv_handle_t *h)
{
    struct fconn *c = h->data;

    kbuf_done(&c->in);
    free(c);
    fake.conns--;
}

static void
fwrite_done(uv_write_t *w, int status)
{
    free(w->data);
    free(w);
}

static void
fsend(struct fconn *c, const char *s)
{
    uv_write_t *w = xmalloc(sizeof *w);
    uv_buf_t    b;

    w->data = xstrdup(s);
    b = uv_buf_init(w->data, (unsigned)strlen(s));
    uv_write(w, (uv_stream_t *)&c->tcp, &b, 1, fwrite_done);
}

static void
fclose_conn(struct fconn *c)
{
    if (!uv_is_closing((uv_handle_t *)&c->tcp))
        uv_close((uv_handle_t *)&c->tcp, fconn_closed);
}

static void
fshutdown_cb(uv_shutdown_t *s, int status)
{
    fclose_conn(s->data);
    free(s);
}

static void
fend(struct fconn *c)
{
    uv_shutdown_t *s = xmalloc(sizeof *s);

    s->data = c;
    uv_shutdown(s, (uv_stream_t *)&c->tcp, fshutdown_cb);
}

static void
fanswer(struct fconn *c, const char *path, const char *body)
{
    char *r;

    fake.requests++;
    if (strcmp(path, "/ok") == 0) {
        fsend(c, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                 "Content-Length: 11\r\n\r\n{\"a\":\"b\"}\r\n");
    } else if (strcmp(path, "/notfound") == 0) {
        const char *st = "{\"kind\":\"Status\",\"apiVersion\":\"v1\","
                         "\"status\":\"Failure\",\"message\":\"pods \\\"x\\\" "
                         "not found\",\"reason\":\"NotFound\",\"code\":404}";
        r = xasprintf("HTTP/1.1 404 Not Found\r\nContent-Length: %zu\r\n\r\n"
                      "%s",
                      strlen(st), st);
        fsend(c, r);
        free(r);
    } else if (strcmp(path, "/plain500") == 0) {
        fsend(c, "HTTP/1.1 500 Oops\r\nContent-Length: 11\r\n\r\nit broke\nxx");
    } else if (strcmp(path, "/retry") == 0) {
        if (fake.retry_hits++ == 0)
            fsend(c, "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 1\r\n"
                     "Content-Type: text/plain\r\nContent-Length: 9\r\n\r\n"
                     "slow down");
        else
            fsend(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    } else if (strcmp(path, "/stream") == 0) {
        /* No length: the body ends when the connection closes. Lines are
         * split across writes on purpose. */
        fsend(c, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nline1\nli");
        fsend(c, "ne2\r\n0123456789abcdef");
        fsend(c, "ghij\nok\ntail");
        fend(c);
        return;
    } else if (strcmp(path, "/whoami") == 0) {
        r = xasprintf("HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n%s",
                      strlen(fake.last_auth), fake.last_auth);
        fsend(c, r);
        free(r);
    } else if (strcmp(path, "/needs-t2") == 0) {
        if (strcmp(fake.last_auth, "Bearer t2") == 0)
            fsend(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        else
            fsend(c, "HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n"
                     "\r\n");
    } else if (strcmp(path, "/forever") == 0) {
        fsend(c, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nfirst\n");
        return; /* never ends */
    } else if (strcmp(path, "/echo") == 0) {
        free(fake.last_body);
        fake.last_body = xstrdup(body);
        r = xasprintf("HTTP/1.1 201 Created\r\nContent-Length: %zu\r\n\r\n%s",
                      strlen(body), body);
        fsend(c, r);
        free(r);
    } else {
        fsend(c, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
    }
    fend(c);
}

static void
falloc(uv_handle_t *h, size_t n, uv_buf_t *b)
{
    b->base = xmalloc(n);
    b->len = n;
}

static void
fread_cb(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
    struct fconn *c = s->data;
    char         *end, *path, *sp, *cl;
    size_t        hlen, blen = 0;

    if (n < 0) {
        free(b->base);
        fclose_conn(c);
        return;
    }
    kbuf_append(&c->in, b->base, (size_t)n);
    free(b->base);
    if (c->answered || (end = strstr(c->in.data, "\r\n\r\n")) == NULL)
        return;
    hlen = (size_t)(end - c->in.data) + 4;
    if ((cl = strcasestr(c->in.data, "content-length:")) != NULL && cl < end)
        blen = strtoul(cl + 15, NULL, 10);
    if (c->in.len < hlen + blen)
        return;
    c->answered = 1;
    sp = strchr(c->in.data, ' ');
    snprintf(fake.last_method, sizeof fake.last_method, "%.*s",
             (int)(sp - c->in.data), c->in.data);
    path = xstrndup(sp + 1, strcspn(sp + 1, " "));
    {
        char *body = xstrndup(c->in.data + hlen, blen);

        const char *a = strcasestr(c->in.data, "\r\nAuthorization: ");

        snprintf(fake.last_auth, sizeof fake.last_auth, "%.*s",
                 a ? (int)strcspn(a + 17, "\r") : 0, a ? a + 17 : "");
        free(fake.last_headers);
        fake.last_headers = xstrndup(c->in.data, hlen);
        fanswer(c, path, body);
        free(body);
    }
    free(path);
}

static void
fconnect_cb(uv_stream_t *l, int status)
{
    struct fconn *c = xcalloc(1, sizeof *c);

    kbuf_init(&c->in);
    uv_tcp_init(l->loop, &c->tcp);
    c->tcp.data = c;
    fake.conns++;
    assert_int_equal(uv_accept(l, (uv_stream_t *)&c->tcp), 0);
    uv_read_start((uv_stream_t *)&c->tcp, falloc, fread_cb);
}

static void
fake_start(uv_loop_t *uv)
{
    struct sockaddr_in addr;
    struct sockaddr_in got;
    int                len = sizeof got;

    memset(&fake, 0, sizeof fake);
    uv_tcp_init(uv, &fake.listener);
    uv_ip4_addr("127.0.0.1", 0, &addr);
    assert_int_equal(uv_tcp_bind(&fake.listener, (struct sockaddr *)&addr, 0),
                     0);
    assert_int_equal(uv_listen((uv_stream_t *)&fake.listener, 16, fconnect_cb),
                     0);
    uv_tcp_getsockname(&fake.listener, (struct sockaddr *)&got, &len);
    fake.port = ntohs(got.sin_port);
}

static void
fclose_walk(uv_handle_t *h, void *arg)
{
    if (h->type == UV_TCP && h != (uv_handle_t *)&fake.listener &&
        !uv_is_closing(h))
        fclose_conn(h->data);
}

/* ---- the client side ---- */

struct result {
    int   calls;
    long  status;
    char *body;
    char *error;
    char *reason;
    int   transport;
    char  lines[16][32];
    int   too_long[16];
    int   nlines;
    int   cancel_after; /* cancel from the line callback after N lines */
};

struct env {
    uv_loop_t       uv;
    struct kloop   *loop;
    struct kclient *client;
    int             closed;
};

static void
on_done(struct khttp_req *r, const struct khttp_response *resp, void *data)
{
    struct result *res = data;

    res->calls++;
    res->status = resp->status;
    res->body =
        resp->body != NULL ? xstrndup(resp->body, resp->body_len) : NULL;
    res->error = resp->error != NULL ? xstrdup(resp->error) : NULL;
    res->reason = resp->reason != NULL ? xstrdup(resp->reason) : NULL;
    res->transport = resp->transport;
}

static void
on_line(struct khttp_req *r, const char *line, size_t len, int too_long,
        void *data)
{
    struct result *res = data;

    assert_true(res->nlines < 16);
    snprintf(res->lines[res->nlines], 32, "%.*s", (int)len, line);
    res->too_long[res->nlines] = too_long;
    res->nlines++;
    if (res->cancel_after > 0 && res->nlines == res->cancel_after)
        khttp_cancel(r);
}

static void
result_done(struct result *r)
{
    free(r->body);
    free(r->error);
    free(r->reason);
}

static void
env_init(struct env *e, int port)
{
    char            *url;
    struct kube_ctx *ctx;

    assert_int_equal(uv_loop_init(&e->uv), 0);
    fake_start(&e->uv);
    if (port == 0)
        port = fake.port;
    url = xasprintf("http://127.0.0.1:%d", port);
    ctx = kube_ctx_for_url(url, NULL);
    e->loop = kloop_create(&e->uv);
    e->client = kclient_create(e->loop, ctx);
    kube_ctx_free(ctx);
    free(url);
}

static void
closed_cb(void *data)
{
    ((struct env *)data)->closed = 1;
}

static void
env_done(struct env *e)
{
    kclient_free(e->client);
    kloop_close(e->loop, closed_cb, e);
    uv_walk(&e->uv, fclose_walk, NULL);
    uv_close((uv_handle_t *)&fake.listener, NULL);
    uv_run(&e->uv, UV_RUN_DEFAULT);
    assert_int_equal(e->closed, 1);
    assert_int_equal(uv_loop_close(&e->uv), 0);
    free(fake.last_body);
    fake.last_body = NULL;
    free(fake.last_headers);
    fake.last_headers = NULL;
}

/* Run the loop until cond holds or 20 s pass. */
#define RUN_UNTIL(e, cond)                                                     \
    do {                                                                       \
        int64_t deadline_ = know_ms() + 20000;                                 \
        while (!(cond) && know_ms() < deadline_)                               \
            uv_run(&(e)->uv, UV_RUN_ONCE);                                     \
        assert_true(cond);                                                     \
    } while (0)

static struct khttp_req *
req(struct env *e, const char *path, struct result *res, int stream)
{
    struct khttp_opts o = {.path = path};
    struct khttp_req *r;
    char             *cause = NULL;

    if (stream) {
        o.on_line = on_line;
        o.max_line = 10;
    }
    r = khttp_request(e->client, &o, on_done, res, &cause);
    assert_null(cause);
    assert_non_null(r);
    return r;
}

static void
test_buffered(void **state)
{
    struct env    e;
    struct result ok = {0}, nf = {0}, p5 = {0};

    env_init(&e, 0);
    req(&e, "/ok", &ok, 0);
    req(&e, "/notfound", &nf, 0);
    req(&e, "plain500", &p5, 0);
    RUN_UNTIL(&e, ok.calls && nf.calls && p5.calls);
    assert_int_equal(ok.status, 200);
    assert_null(ok.error);
    assert_string_equal(ok.body, "{\"a\":\"b\"}\r\n");
    assert_int_equal(nf.status, 404);
    assert_string_equal(nf.error, "pods \"x\" not found");
    assert_string_equal(nf.reason, "NotFound");
    assert_int_equal(p5.status, 500);
    assert_string_equal(p5.error, "it broke");
    assert_null(p5.reason);
    assert_int_equal(kloop_running(e.loop), 0);
    assert_int_equal(ok.calls + nf.calls + p5.calls, 3);
    result_done(&ok);
    result_done(&nf);
    result_done(&p5);
    env_done(&e);
}

static void
test_retry_after(void **state)
{
    struct env    e;
    struct result r = {0};
    int64_t       t0 = know_ms();

    env_init(&e, 0);
    req(&e, "/retry", &r, 0);
    RUN_UNTIL(&e, r.calls);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "ok");
    assert_int_equal(fake.retry_hits, 2);
    assert_true(know_ms() - t0 >= 900); /* waited Retry-After: 1 */
    result_done(&r);
    env_done(&e);
}

static void
test_stream_lines(void **state)
{
    struct env    e;
    struct result r = {0};

    env_init(&e, 0);
    req(&e, "/stream", &r, 1);
    RUN_UNTIL(&e, r.calls);
    assert_int_equal(r.status, 200);
    assert_null(r.error);
    assert_null(r.body);
    assert_int_equal(r.nlines, 5);
    assert_string_equal(r.lines[0], "line1");
    assert_string_equal(r.lines[1], "line2");
    assert_string_equal(r.lines[2], "0123456789"); /* cut at max_line */
    assert_int_equal(r.too_long[2], 1);
    assert_string_equal(r.lines[3], "ok");
    assert_int_equal(r.too_long[3], 0);
    assert_string_equal(r.lines[4], "tail"); /* unterminated tail */
    result_done(&r);
    env_done(&e);
}

static void
test_cancel_in_line_cb(void **state)
{
    struct env    e;
    struct result r = {.cancel_after = 1};

    env_init(&e, 0);
    req(&e, "/forever", &r, 1);
    RUN_UNTIL(&e, r.nlines == 1 && kloop_running(e.loop) == 0);
    /* Let the loop turn a few more times: no callback may come. */
    uv_run(&e.uv, UV_RUN_NOWAIT);
    assert_int_equal(r.calls, 0);
    assert_string_equal(r.lines[0], "first");
    env_done(&e);
}

static void
test_cancel_pending_retry(void **state)
{
    struct env        e;
    struct result     r = {0};
    struct khttp_req *q;

    env_init(&e, 0);
    q = req(&e, "/retry", &r, 0);
    RUN_UNTIL(&e, fake.retry_hits == 1 && kloop_running(e.loop) == 0);
    khttp_cancel(q); /* while waiting for Retry-After */
    uv_run(&e.uv, UV_RUN_NOWAIT);
    assert_int_equal(r.calls, 0);
    env_done(&e);
}

static void
test_refused(void **state)
{
    struct env         e;
    struct result      r = {0};
    uv_tcp_t           probe;
    struct sockaddr_in addr, got;
    int                len = sizeof got, port;
    char              *want;

    /* A port that was free a moment ago: bind, read it, close. */
    assert_int_equal(uv_loop_init(&e.uv), 0);
    uv_tcp_init(&e.uv, &probe);
    uv_ip4_addr("127.0.0.1", 0, &addr);
    uv_tcp_bind(&probe, (struct sockaddr *)&addr, 0);
    uv_tcp_getsockname(&probe, (struct sockaddr *)&got, &len);
    port = ntohs(got.sin_port);
    uv_close((uv_handle_t *)&probe, NULL);
    uv_run(&e.uv, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(&e.uv), 0);

    env_init(&e, port);
    req(&e, "/api/v1/pods", &r, 0);
    RUN_UNTIL(&e, r.calls);
    assert_int_equal(r.status, 0);
    assert_true(r.transport != 0);
    /* Go's words, as kubectl users know them. */
    want = xasprintf("Get \"http://127.0.0.1:%d/api/v1/pods\": dial tcp "
                     "127.0.0.1:%d: connect: connection refused",
                     port, port);
    assert_non_null(r.error);
    assert_string_equal(r.error, want);
    assert_int_equal(r.transport, CURLE_COULDNT_CONNECT);
    free(want);
    result_done(&r);
    env_done(&e);
}

static void
test_post_body(void **state)
{
    struct env        e;
    struct result     r = {0};
    struct khttp_opts o = {
        .method = "POST", .path = "/echo", .body = "{\"x\":1}", .body_len = 7};
    char *cause = NULL;

    env_init(&e, 0);
    assert_non_null(khttp_request(e.client, &o, on_done, &r, &cause));
    RUN_UNTIL(&e, r.calls);
    assert_int_equal(r.status, 201);
    assert_string_equal(fake.last_method, "POST");
    assert_string_equal(fake.last_body, "{\"x\":1}");
    assert_string_equal(r.body, "{\"x\":1}");
    result_done(&r);

    memset(&r, 0, sizeof r);
    o.method = "PATCH";
    assert_non_null(khttp_request(e.client, &o, on_done, &r, &cause));
    RUN_UNTIL(&e, r.calls);
    assert_string_equal(fake.last_method, "PATCH");
    assert_string_equal(fake.last_body, "{\"x\":1}");
    result_done(&r);

    memset(&r, 0, sizeof r);
    o.method = "DELETE";
    o.body = NULL;
    o.body_len = 0;
    assert_non_null(khttp_request(e.client, &o, on_done, &r, &cause));
    RUN_UNTIL(&e, r.calls);
    assert_string_equal(fake.last_method, "DELETE");
    result_done(&r);
    env_done(&e);
}

static void
test_escape(void **state)
{
    char *s = khttp_escape("a=b,c!=d e/f");

    assert_string_equal(s, "a%3Db%2Cc%21%3Dd%20e%2Ff");
    free(s);
}

static void
test_tls_server_name_urls(void **state)
{
    static const struct {
        const char *server, *want;
    } cases[] = {
        {"https://[::1]:6443/prefix", "https://n.test:6443/prefix/api"},
        {"https://10.0.0.1", "https://n.test:443/api"},
        {"http://h:8080", "http://n.test:8080/api"},
    };
    uv_loop_t uv;
    size_t    i;

    assert_int_equal(uv_loop_init(&uv), 0);
    for (i = 0; i < nitems(cases); i++) {
        struct kube_ctx *ctx = kube_ctx_for_url(cases[i].server, NULL);
        struct kloop    *loop = kloop_create(&uv);
        struct kclient  *c;
        char            *url;

        ctx->tls_server_name = xstrdup("n.test");
        c = kclient_create(loop, ctx);
        url = kclient_url(c, "/api");
        assert_string_equal(url, cases[i].want);
        free(url);
        kclient_free(c);
        kube_ctx_free(ctx);
        kloop_close(loop, NULL, NULL);
        uv_run(&uv, UV_RUN_DEFAULT);
    }
    assert_int_equal(uv_loop_close(&uv), 0);
}

static void
test_basic_auth_and_impersonation(void **state)
{
    struct env       e;
    struct result    r = {0};
    struct kube_ctx *ctx;
    char            *url;

    assert_int_equal(uv_loop_init(&e.uv), 0);
    fake_start(&e.uv);
    e.closed = 0;
    url = xasprintf("http://127.0.0.1:%d", fake.port);
    ctx = kube_ctx_for_url(url, NULL);
    free(url);
    ctx->username = xstrdup("alice");
    ctx->password = xstrdup("s3cret");
    ctx->headers = xcalloc(3, sizeof(char *));
    ctx->headers[0] = xstrdup("Impersonate-User: bob");
    ctx->headers[1] = xstrdup("Impersonate-Group: g1");
    ctx->headers[2] = xstrdup("Impersonate-Group: g2");
    ctx->nheaders = 3;
    e.loop = kloop_create(&e.uv);
    e.client = kclient_create(e.loop, ctx);
    kube_ctx_free(ctx);
    req(&e, "/ok", &r, 0);
    RUN_UNTIL(&e, r.calls);
    assert_int_equal(r.status, 200);
    /* base64("alice:s3cret") */
    assert_string_equal(fake.last_auth, "Basic YWxpY2U6czNjcmV0");
    assert_non_null(strstr(fake.last_headers, "\r\nImpersonate-User: bob\r\n"));
    assert_non_null(strstr(fake.last_headers, "\r\nImpersonate-Group: g1\r\n"));
    assert_non_null(strstr(fake.last_headers, "\r\nImpersonate-Group: g2\r\n"));
    assert_non_null(strstr(fake.last_headers, "\r\nUser-Agent: kpod/"));
    result_done(&r);
    env_done(&e);
}

/* A tokenFile rotated on disk is picked up by the next request. */
static void
test_token_file_rotation(void **state)
{
    struct env       e;
    struct result    r = {0};
    struct kube_ctx *ctx;
    struct timespec  ts[2];
    char             dir[] = "/tmp/kpod-tokf.XXXXXX", *url, *path;
    FILE            *f;

    assert_non_null(mkdtemp(dir));
    path = xasprintf("%s/token", dir);
    assert_non_null(f = fopen(path, "w"));
    fputs("tok-one\n", f);
    fclose(f);
    assert_int_equal(uv_loop_init(&e.uv), 0);
    fake_start(&e.uv);
    e.closed = 0;
    url = xasprintf("http://127.0.0.1:%d", fake.port);
    ctx = kube_ctx_for_url(url, NULL);
    free(url);
    ctx->token_file = xstrdup(path); /* never read yet: read on use */
    e.loop = kloop_create(&e.uv);
    e.client = kclient_create(e.loop, ctx);
    kube_ctx_free(ctx);
    req(&e, "/ok", &r, 0);
    RUN_UNTIL(&e, r.calls);
    assert_int_equal(r.status, 200);
    assert_string_equal(fake.last_auth, "Bearer tok-one");
    result_done(&r);

    assert_non_null(f = fopen(path, "w"));
    fputs("tok-two\n", f);
    fclose(f);
    assert_int_equal(clock_gettime(CLOCK_REALTIME, &ts[0]), 0);
    ts[0].tv_sec += 10; /* a new mtime without sleeping */
    ts[1] = ts[0];
    assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
    memset(&r, 0, sizeof r);
    req(&e, "/ok", &r, 0);
    RUN_UNTIL(&e, r.calls);
    assert_int_equal(r.status, 200);
    assert_string_equal(fake.last_auth, "Bearer tok-two");
    result_done(&r);
    env_done(&e);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(rmdir(dir), 0);
    free(path);
}

/* ---- exec credential plugins ---- */

static char plugdir[256];

static int
plugin_runs(void)
{
    char *p = xasprintf("%s/count", plugdir);
    FILE *f = fopen(p, "r");
    int   n = 0;

    free(p);
    if (f != NULL) {
        if (fscanf(f, "%d", &n) != 1)
            n = 0;
        fclose(f);
    }
    return n;
}

/* A plugin that counts its runs and answers token tN (N = its run);
 * MODE=expired makes the credential expire at once, MODE=fail fails. */
static struct kube_ctx *
plugin_ctx(int port, const char *mode)
{
    char            *url = xasprintf("http://127.0.0.1:%d", port);
    struct kube_ctx *ctx = kube_ctx_for_url(url, NULL);
    char            *script, *path, *cmd;
    FILE            *f;

    free(url);
    /* an unrelated secret stays out of the plugin's environment; a cloud
     * SDK's setting and PATH (the script runs cat) go in */
    setenv("KPOD_TEST_SECRET", "s3cret", 1);
    setenv("AWS_PROFILE", "kpod-test", 1);
    snprintf(plugdir, sizeof plugdir, "/tmp/kpod-plugin.XXXXXX");
    assert_non_null(mkdtemp(plugdir));
    path = xasprintf("%s/plugin.sh", plugdir);
    script = xasprintf(
        "#!/bin/sh\n"
        "case \"$KUBERNETES_EXEC_INFO\" in *'\"kind\":\"ExecCredential\"'*) ;;"
        " *) echo 'no exec info' >&2; exit 3;; esac\n"
        "[ \"$GREETING\" = hello ] || { echo 'no env' >&2; exit 4; }\n"
        "[ -z \"$KPOD_TEST_SECRET\" ] || { echo 'leaked env' >&2; exit 5; }\n"
        "[ \"$AWS_PROFILE\" = kpod-test ] || { echo 'no AWS_PROFILE' >&2; "
        "exit 6; }\n"
        "n=$(cat %s/count 2>/dev/null || echo 0); n=$((n+1)); "
        "echo $n > %s/count\n"
        "if [ \"$1\" = fail ]; then echo 'warming up' >&2; "
        "echo 'boom: no creds' >&2; exit 1; fi\n"
        "exp=''\n"
        "[ \"$1\" = expired ] && exp=',\"expirationTimestamp\":"
        "\"2000-01-01T00:00:00Z\"'\n"
        "printf '{\"kind\":\"ExecCredential\",\"apiVersion\":"
        "\"client.authentication.k8s.io/v1\",\"status\":{\"token\":"
        "\"t%%s\"%%s}}' \"$n\" \"$exp\"\n",
        plugdir, plugdir);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(script, f);
    fclose(f);
    free(script);
    cmd = xasprintf("chmod +x %s", path);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    ctx->exec = xcalloc(1, sizeof *ctx->exec);
    ctx->exec->command = path;
    ctx->exec->args = xcalloc(2, sizeof(char *));
    ctx->exec->args[0] = xstrdup(mode);
    ctx->exec->nargs = 1;
    ctx->exec->env = xcalloc(2, sizeof(char *));
    ctx->exec->env[0] = xstrdup("GREETING=hello");
    ctx->exec->nenv = 1;
    ctx->exec->api_version = xstrdup("client.authentication.k8s.io/v1");
    ctx->exec->install_hint = xstrdup("install the test plugin");
    return ctx;
}

static void
plugin_cleanup(void)
{
    char *cmd = xasprintf("rm -rf %s", plugdir);

    assert_int_equal(system(cmd), 0);
    free(cmd);
}

static void
env_init_ctx(struct env *e, struct kube_ctx *ctx)
{
    e->loop = kloop_create(&e->uv);
    e->client = kclient_create(e->loop, ctx);
}

static void
test_exec_plugin_env(void **state)
{
    (void)state;
    assert_true(credplugin_env_passes("PATH=/usr/bin"));
    assert_true(credplugin_env_passes("HOME=/root"));
    assert_true(credplugin_env_passes("LC_ALL=C.UTF-8"));
    assert_true(credplugin_env_passes("AWS_PROFILE=prod"));
    assert_true(credplugin_env_passes("CLOUDSDK_CONFIG=/x"));
    assert_true(credplugin_env_passes("https_proxy=http://p:3128"));
    assert_false(credplugin_env_passes("PATHX=/usr/bin"));
    assert_false(credplugin_env_passes("GITHUB_TOKEN=ghp_x"));
    assert_false(credplugin_env_passes("KUBERNETES_EXEC_INFO={}"));
    assert_false(credplugin_env_passes("PATH"));
}

static void
test_exec_plugin_token(void **state)
{
    struct env       e;
    struct result    a = {0}, b = {0}, c = {0};
    struct kube_ctx *ctx;

    assert_int_equal(uv_loop_init(&e.uv), 0);
    fake_start(&e.uv);
    e.closed = 0;
    ctx = plugin_ctx(fake.port, "ok");
    env_init_ctx(&e, ctx);
    kube_ctx_free(ctx);
    /* Two requests at once: one plugin run, both carry its token. */
    req(&e, "/whoami", &a, 0);
    req(&e, "/whoami", &b, 0);
    RUN_UNTIL(&e, a.calls && b.calls);
    assert_string_equal(a.body, "Bearer t1");
    assert_string_equal(b.body, "Bearer t1");
    assert_int_equal(plugin_runs(), 1);
    /* Refused (401): the plugin runs again and the request is re-sent. */
    req(&e, "/needs-t2", &c, 0);
    RUN_UNTIL(&e, c.calls);
    assert_int_equal(c.status, 200);
    assert_null(c.error);
    assert_int_equal(plugin_runs(), 2);
    result_done(&a);
    result_done(&b);
    result_done(&c);
    {
        /* auth_only: nothing is sent, the fresh credential is reused. */
        struct khttp_opts o = {.auth_only = 1};
        struct result     d = {0};
        char             *cause = NULL;
        int               before = fake.requests;

        assert_non_null(khttp_request(e.client, &o, on_done, &d, &cause));
        assert_int_equal(d.calls, 0); /* never from inside the call */
        RUN_UNTIL(&e, d.calls);
        assert_null(d.error);
        assert_int_equal(d.status, 0);
        assert_int_equal(fake.requests, before);
        assert_int_equal(plugin_runs(), 2);
        result_done(&d);
    }
    env_done(&e);
    plugin_cleanup();
}

static void
test_exec_plugin_expiry_and_failure(void **state)
{
    struct env        e;
    struct result     a = {0}, b = {0};
    struct kube_ctx  *ctx;
    struct khttp_opts o = {.path = "/whoami"};
    char             *cause = NULL;

    assert_int_equal(uv_loop_init(&e.uv), 0);
    fake_start(&e.uv);
    e.closed = 0;
    ctx = plugin_ctx(fake.port, "expired");
    env_init_ctx(&e, ctx);
    req(&e, "/whoami", &a, 0);
    RUN_UNTIL(&e, a.calls);
    req(&e, "/whoami", &b, 0);
    RUN_UNTIL(&e, b.calls);
    assert_string_equal(b.body, "Bearer t2"); /* expired: ran again */
    {
        /* auth_only with an expired credential runs the plugin; a cancel
         * while it runs means no callback at all. */
        struct khttp_opts o1 = {.auth_only = 1};
        struct result     d = {0}, x = {0};
        char             *cz = NULL;
        struct khttp_req *q;

        assert_non_null(khttp_request(e.client, &o1, on_done, &d, &cz));
        q = khttp_request(e.client, &o1, on_done, &x, &cz);
        assert_non_null(q);
        khttp_cancel(q);
        RUN_UNTIL(&e, d.calls);
        assert_null(d.error);
        assert_int_equal(plugin_runs(), 3);
        uv_run(&e.uv, UV_RUN_NOWAIT);
        assert_int_equal(x.calls, 0);
        result_done(&d);
    }
    result_done(&a);
    result_done(&b);
    kclient_free(e.client);

    /* A failing plugin: the request fails with its last stderr line. */
    free(ctx->exec->args[0]);
    ctx->exec->args[0] = xstrdup("fail");
    e.client = kclient_create(e.loop, ctx);
    memset(&a, 0, sizeof a);
    req(&e, "/whoami", &a, 0);
    RUN_UNTIL(&e, a.calls);
    assert_int_equal(a.status, 0);
    assert_non_null(strstr(a.error, "boom: no creds"));
    assert_non_null(strstr(a.error, "exited with 1"));
    result_done(&a);
    kclient_free(e.client);

    /* A plugin that is not there: fails at once, with the install hint. */
    free(ctx->exec->command);
    ctx->exec->command = xstrdup("/nonexistent/kpod-plugin");
    e.client = kclient_create(e.loop, ctx);
    assert_null(khttp_request(e.client, &o, on_done, &a, &cause));
    assert_non_null(strstr(cause, "install the test plugin"));
    free(cause);
    kube_ctx_free(ctx);
    env_done(&e);
    plugin_cleanup();
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buffered),
        cmocka_unit_test(test_retry_after),
        cmocka_unit_test(test_stream_lines),
        cmocka_unit_test(test_cancel_in_line_cb),
        cmocka_unit_test(test_cancel_pending_retry),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_post_body),
        cmocka_unit_test(test_escape),
        cmocka_unit_test(test_tls_server_name_urls),
        cmocka_unit_test(test_basic_auth_and_impersonation),
        cmocka_unit_test(test_token_file_rotation),
        cmocka_unit_test(test_exec_plugin_env),
        cmocka_unit_test(test_exec_plugin_token),
        cmocka_unit_test(test_exec_plugin_expiry_and_failure),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
