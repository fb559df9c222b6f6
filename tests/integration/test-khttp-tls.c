/*
 * khttp over TLS, with the material in memory as kubeconfig gives it:
 * a real TLS terminator (stunnel) in front of a tiny HTTP server on the
 * test's loop. The CA blob must make verification pass, its absence must
 * fail with curl's certificate error, insecure must skip it, and a
 * terminator that demands a client certificate must accept the cert/key
 * blobs and refuse a client without them. The bearer token must arrive.
 */
#define _GNU_SOURCE
#include "khttp.h"
#include "kubeconfig.h"
#include "loop.h"
#include "testutil.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[256];
static char last_auth[256];

struct conn {
    uv_tcp_t    tcp;
    struct kbuf in;
};

static void
conn_closed(uv_handle_t *h)
{
    struct conn *c = h->data;

    kbuf_done(&c->in);
    free(c);
}

static void
write_done(uv_write_t *w, int status)
{
    uv_close((uv_handle_t *)w->handle, conn_closed);
    free(w);
}

static void
alloc_cb(uv_handle_t *h, size_t n, uv_buf_t *b)
{
    b->base = xmalloc(n);
    b->len = n;
}

static void
read_cb(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
    static char  resp[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n"
                          "Connection: close\r\n\r\nok";
    struct conn *c = s->data;
    char        *a;

    if (n > 0)
        kbuf_append(&c->in, b->base, (size_t)n);
    free(b->base);
    if (n < 0) {
        if (!uv_is_closing((uv_handle_t *)s))
            uv_close((uv_handle_t *)s, conn_closed);
        return;
    }
    if (strstr(c->in.data, "\r\n\r\n") != NULL) {
        uv_write_t *w = xmalloc(sizeof *w);
        uv_buf_t    buf = uv_buf_init(resp, sizeof resp - 1);

        a = strcasestr(c->in.data, "\r\nAuthorization: ");
        snprintf(last_auth, sizeof last_auth, "%.*s",
                 a ? (int)strcspn(a + 17, "\r") : 0, a ? a + 17 : "");
        uv_read_stop(s);
        uv_write(w, s, &buf, 1, write_done);
    }
}

static void
connect_cb(uv_stream_t *l, int status)
{
    struct conn *c = xcalloc(1, sizeof *c);

    kbuf_init(&c->in);
    uv_tcp_init(l->loop, &c->tcp);
    c->tcp.data = c;
    CHECK(uv_accept(l, (uv_stream_t *)&c->tcp) == 0);
    uv_read_start((uv_stream_t *)&c->tcp, alloc_cb, read_cb);
}

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

struct env {
    uv_loop_t    uv;
    uv_tcp_t     server;
    uv_process_t stunnel[3];
    /* [0] server auth, [1] + client cert, [2] cert for kpod.test only */
    int           tls_port[3];
    struct kloop *loop;
    int           done;
    long          status;
    char         *error;
    int           closed;
};

static void
on_done(struct khttp_req *r, const struct khttp_response *resp, void *data)
{
    struct env *e = data;

    e->done = 1;
    e->status = resp->status;
    free(e->error);
    e->error = resp->error ? xstrdup(resp->error) : NULL;
}

/* One GET / through the terminator `which` with this context. */
static void
get(struct env *e, int which, struct kube_ctx *ctx)
{
    struct kclient   *c;
    struct khttp_opts o = {.path = "/version", .max_retries = -1};
    char             *cause = NULL, *url;
    int64_t           deadline = know_ms() + 30000;

    free(ctx->server);
    url = xasprintf("https://127.0.0.1:%d", e->tls_port[which]);
    ctx->server = url;
    c = kclient_create(e->loop, ctx);
    e->done = 0;
    last_auth[0] = '\0';
    CHECK(khttp_request(c, &o, on_done, e, &cause) != NULL);
    while (!e->done && know_ms() < deadline)
        uv_run(&e->uv, UV_RUN_ONCE);
    CHECK(e->done);
    kclient_free(c);
}

/* Terminator which: [0] server auth, [1] + client cert, [2] a cert for
 * kpod.test only. */
static void
spawn_stunnel(struct env *e, int which, int backend)
{
    char name[16];

    snprintf(name, sizeof name, "stunnel%d", which);
    e->tls_port[which] =
        testutil_stunnel(&e->uv, &e->stunnel[which], dir, name, backend,
                         which == 2 ? "named" : "server", which == 1);
}

static void
loop_closed(void *data)
{
    ((struct env *)data)->closed = 1;
}

static void
walk_close(uv_handle_t *h, void *arg)
{
    if (!uv_is_closing(h))
        uv_close(h, h->type == UV_TCP && h->data != NULL ? conn_closed : NULL);
}

int
main(void)
{
    struct env         e;
    struct sockaddr_in a, got;
    int                len = sizeof got, backend, i;
    struct kube_ctx   *ctx;
    int64_t            deadline;

    memset(&e, 0, sizeof e);
    snprintf(dir, sizeof dir, "/tmp/kpod-tls.XXXXXX");
    CHECK(mkdtemp(dir) != NULL);
    testutil_make_certs(dir);

    CHECK(uv_loop_init(&e.uv) == 0);
    uv_tcp_init(&e.uv, &e.server);
    uv_ip4_addr("127.0.0.1", 0, &a);
    CHECK(uv_tcp_bind(&e.server, (struct sockaddr *)&a, 0) == 0);
    CHECK(uv_listen((uv_stream_t *)&e.server, 16, connect_cb) == 0);
    uv_tcp_getsockname(&e.server, (struct sockaddr *)&got, &len);
    backend = ntohs(got.sin_port);
    spawn_stunnel(&e, 0, backend);
    spawn_stunnel(&e, 1, backend);
    spawn_stunnel(&e, 2, backend);
    deadline = know_ms() + 30000;
    while (!(testutil_port_open(e.tls_port[0]) &&
             testutil_port_open(e.tls_port[1]) &&
             testutil_port_open(e.tls_port[2])) &&
           know_ms() < deadline)
        uv_run(&e.uv, UV_RUN_NOWAIT);
    CHECK(testutil_port_open(e.tls_port[0]) &&
          testutil_port_open(e.tls_port[1]) &&
          testutil_port_open(e.tls_port[2]));
    e.loop = kloop_create(&e.uv);

    /* No CA: the self-made CA is unknown, verification fails. */
    ctx = kube_ctx_for_url("https://x", NULL);
    get(&e, 0, ctx);
    CHECK(e.status == 0 && e.error != NULL);
    fprintf(stderr, "without CA: %s\n", e.error);
    CHECK(strstr(e.error, "certificate") != NULL ||
          strstr(e.error, "SSL") != NULL);

    /* CA as a blob (certificate-authority-data): passes; token sent. */
    ctx->ca = slurp("ca.pem", &ctx->ca_len);
    ctx->token = xstrdup("s3cret");
    get(&e, 0, ctx);
    CHECK(e.status == 200 && e.error == NULL);
    CHECK(strcmp(last_auth, "Bearer s3cret") == 0);

    /* insecure-skip-tls-verify without a CA. */
    free(ctx->ca);
    ctx->ca = NULL;
    ctx->insecure = 1;
    get(&e, 0, ctx);
    CHECK(e.status == 200 && e.error == NULL);
    ctx->insecure = 0;

    /* A terminator that wants a client certificate. */
    ctx->ca = slurp("ca.pem", &ctx->ca_len);
    get(&e, 1, ctx);
    CHECK(e.error != NULL && e.status != 200);
    fprintf(stderr, "without client cert: %s\n", e.error);
    ctx->cert = slurp("client.pem", &ctx->cert_len);
    ctx->key = slurp("client.key", &ctx->key_len);
    get(&e, 1, ctx);
    CHECK(e.status == 200 && e.error == NULL);
    kube_ctx_free(ctx);

    /* A certificate for a name, reached by IP: refused, until
     * tls-server-name says which name to expect. */
    ctx = kube_ctx_for_url("https://x", NULL);
    ctx->ca = slurp("ca.pem", &ctx->ca_len);
    get(&e, 2, ctx);
    CHECK(e.status == 0 && e.error != NULL);
    fprintf(stderr, "name mismatch: %s\n", e.error);
    ctx->tls_server_name = xstrdup("kpod.test");
    get(&e, 2, ctx);
    if (e.error != NULL)
        fprintf(stderr, "with tls-server-name: %s\n", e.error);
    CHECK(e.status == 200 && e.error == NULL);
    kube_ctx_free(ctx);
    free(e.error);

    kloop_close(e.loop, loop_closed, &e);
    for (i = 0; i < 3; i++)
        uv_process_kill(&e.stunnel[i], SIGTERM);
    uv_walk(&e.uv, walk_close, NULL);
    uv_run(&e.uv, UV_RUN_DEFAULT);
    CHECK(e.closed);
    CHECK(uv_loop_close(&e.uv) == 0);
    testutil_sh("rm -rf %s", dir);
    fprintf(stderr, "ok\n");
    return 0;
}
