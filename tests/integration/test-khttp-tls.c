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
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHECK(c)                                                               \
    do {                                                                       \
        if (!(c)) {                                                            \
            fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #c);       \
            exit(1);                                                           \
        }                                                                      \
    } while (0)

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

static int
free_port(void)
{
    uv_loop_t          uv;
    uv_tcp_t           t;
    struct sockaddr_in a, got;
    int                len = sizeof got;

    uv_loop_init(&uv);
    uv_tcp_init(&uv, &t);
    uv_ip4_addr("127.0.0.1", 0, &a);
    CHECK(uv_tcp_bind(&t, (struct sockaddr *)&a, 0) == 0);
    uv_tcp_getsockname(&t, (struct sockaddr *)&got, &len);
    uv_close((uv_handle_t *)&t, NULL);
    uv_run(&uv, UV_RUN_DEFAULT);
    uv_loop_close(&uv);
    return ntohs(got.sin_port);
}

static void
sh(const char *fmt, ...)
{
    va_list ap;
    char   *cmd;

    va_start(ap, fmt);
    cmd = xvasprintf(fmt, ap);
    va_end(ap);
    if (system(cmd) != 0) {
        fprintf(stderr, "FAIL: %s\n", cmd);
        exit(1);
    }
    free(cmd);
}

static char *
slurp(const char *name, size_t *len)
{
    char *path = xasprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    char *buf = xmalloc(65536);

    CHECK(f != NULL);
    *len = fread(buf, 1, 65535, f);
    buf[*len] = '\0';
    fclose(f);
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

static void
spawn_stunnel(struct env *e, int which, int backend)
{
    char                *conf, *confpath, *args[3];
    uv_process_options_t po = {0};
    uv_stdio_container_t io[3];
    FILE                *f;

    e->tls_port[which] = free_port();
    conf = xasprintf("foreground = yes\npid =\ndebug = 4\n"
                     "output = %s/stunnel%d.log\n"
                     "[api]\naccept = 127.0.0.1:%d\n"
                     "connect = 127.0.0.1:%d\n"
                     "cert = %s/%s.pem\nkey = %s/%s.key\n%s",
                     dir, which, e->tls_port[which], backend, dir,
                     which == 2 ? "named" : "server", dir,
                     which == 2 ? "named" : "server",
                     which == 1 ? "verifyChain = yes\nrequireCert = yes\n"
                                  "CAfile = ca.pem\n"
                                : "");
    confpath = xasprintf("%s/stunnel%d.conf", dir, which);
    f = fopen(confpath, "w");
    CHECK(f != NULL);
    fputs(conf, f);
    fclose(f);
    args[0] = "stunnel";
    args[1] = confpath;
    args[2] = NULL;
    io[0].flags = UV_IGNORE;
    io[1].flags = UV_IGNORE;
    io[2].flags = UV_IGNORE; /* it logs to stunnelN.log */
    po.file = "stunnel";
    po.args = args;
    po.cwd = dir;
    po.stdio = io;
    po.stdio_count = 3;
    CHECK(uv_spawn(&e->uv, &e->stunnel[which], &po) == 0);
    free(conf);
    free(confpath);
}

static int
port_open(int port)
{
    char *cmd = xasprintf("exec 3<>/dev/tcp/127.0.0.1/%d", port);
    char *full = xasprintf("bash -c '%s' 2>/dev/null", cmd);
    int   rc = system(full);

    free(cmd);
    free(full);
    return rc == 0;
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
    sh("cd %s && printf 'subjectAltName=IP:127.0.0.1\\n' > san.ext && "
       "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem "
       "-days 2 -subj /CN=kpod-test-ca 2>/dev/null && "
       "openssl req -newkey rsa:2048 -nodes -keyout server.key -out "
       "server.csr -subj /CN=127.0.0.1 2>/dev/null && "
       "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key "
       "-CAcreateserial -out server.pem -days 2 -extfile san.ext "
       "2>/dev/null && "
       "openssl req -newkey rsa:2048 -nodes -keyout client.key -out "
       "client.csr -subj /CN=kpod-user 2>/dev/null && "
       "openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key "
       "-CAcreateserial -out client.pem -days 2 2>/dev/null && "
       "printf 'subjectAltName=DNS:kpod.test\\n' > named.ext && "
       "openssl req -newkey rsa:2048 -nodes -keyout named.key -out "
       "named.csr -subj /CN=kpod.test 2>/dev/null && "
       "openssl x509 -req -in named.csr -CA ca.pem -CAkey ca.key "
       "-CAcreateserial -out named.pem -days 2 -extfile named.ext "
       "2>/dev/null",
       dir);

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
    while (!(port_open(e.tls_port[0]) && port_open(e.tls_port[1]) &&
             port_open(e.tls_port[2])) &&
           know_ms() < deadline)
        uv_run(&e.uv, UV_RUN_NOWAIT);
    CHECK(port_open(e.tls_port[0]) && port_open(e.tls_port[1]) &&
          port_open(e.tls_port[2]));
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
    sh("rm -rf %s", dir);
    fprintf(stderr, "ok\n");
    return 0;
}
