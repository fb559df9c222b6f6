/*
 * libFuzzer harness for the watch path: a reflector lists from a tiny
 * server on the same loop (an empty PodList) and then watches; the watch
 * answer's body is the input, written in small pieces, so khttp's line
 * splitter (long lines, CR LF, a tail without newline), the event decoder
 * (ERROR / 410, bookmarks, unknown types, malformed JSON) and the store's
 * upsert and delete see arbitrary streams through the real curl path. The
 * first byte sets the piece size. Built only with KPOD_FUZZ=ON and clang.
 */
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "khttp.h"
#include "kubeconfig.h"
#include "loop.h"
#include "reflector.h"
#include "store.h"
#include "util.h"

struct fuzz_conn {
    uv_tcp_t    tcp;
    struct kbuf in;
    int         answered;
};

static struct {
    uv_loop_t       uv;
    struct kloop   *loop;
    struct kclient *client;
    uv_tcp_t        listener;
    const uint8_t  *body;
    size_t          body_len, piece;
    int             watches_served, requests_after;
    int             refl_gone;
} F;

static void
fuzz_conn_closed(uv_handle_t *h)
{
    struct fuzz_conn *c = h->data;

    kbuf_done(&c->in);
    free(c);
}

static void
fuzz_write_done(uv_write_t *w, int status)
{
    (void)status;
    free(w->data);
    free(w);
}

static void
fuzz_send(struct fuzz_conn *c, const void *p, size_t n)
{
    uv_write_t *w = xmalloc(sizeof *w);
    uv_buf_t    b;

    w->data = xmalloc(n > 0 ? n : 1);
    memcpy(w->data, p, n);
    b = uv_buf_init(w->data, (unsigned)n);
    if (uv_write(w, (uv_stream_t *)&c->tcp, &b, 1, fuzz_write_done) != 0) {
        free(w->data);
        free(w);
    }
}

static void
fuzz_shutdown_cb(uv_shutdown_t *s, int status)
{
    struct fuzz_conn *c = s->data;

    (void)status;
    free(s);
    if (!uv_is_closing((uv_handle_t *)&c->tcp))
        uv_close((uv_handle_t *)&c->tcp, fuzz_conn_closed);
}

static void
fuzz_end(struct fuzz_conn *c)
{
    uv_shutdown_t *s = xmalloc(sizeof *s);

    s->data = c;
    if (uv_shutdown(s, (uv_stream_t *)&c->tcp, fuzz_shutdown_cb) != 0) {
        free(s);
        if (!uv_is_closing((uv_handle_t *)&c->tcp))
            uv_close((uv_handle_t *)&c->tcp, fuzz_conn_closed);
    }
}

static void
fuzz_alloc(uv_handle_t *h, size_t n, uv_buf_t *b)
{
    (void)h;
    b->base = xmalloc(n);
    b->len = n;
}

static void
fuzz_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
    static const char list[] =
        "{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"metadata\":"
        "{\"resourceVersion\":\"1\"},\"items\":[]}";
    struct fuzz_conn *c = s->data;
    char              head[256];

    if (n < 0) {
        free(b->base);
        if (!uv_is_closing((uv_handle_t *)&c->tcp))
            uv_close((uv_handle_t *)&c->tcp, fuzz_conn_closed);
        return;
    }
    kbuf_append(&c->in, b->base, (size_t)n);
    free(b->base);
    if (c->answered || strstr(c->in.data, "\r\n\r\n") == NULL)
        return;
    c->answered = 1;
    if (F.watches_served > 0) {
        /* the reflector is done with the stream: its next request */
        F.requests_after++;
        fuzz_end(c);
        return;
    }
    if (strstr(c->in.data, "watch=1") == NULL) {
        snprintf(head, sizeof head,
                 "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                 "Connection: close\r\nContent-Length: %zu\r\n\r\n",
                 sizeof list - 1);
        fuzz_send(c, head, strlen(head));
        fuzz_send(c, list, sizeof list - 1);
        fuzz_end(c);
        return;
    }
    F.watches_served++;
    snprintf(head, sizeof head,
             "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
             "Connection: close\r\n\r\n");
    fuzz_send(c, head, strlen(head));
    for (size_t off = 0; off < F.body_len; off += F.piece)
        fuzz_send(c, F.body + off,
                  F.body_len - off < F.piece ? F.body_len - off : F.piece);
    fuzz_end(c);
}

static void
fuzz_accept(uv_stream_t *l, int status)
{
    struct fuzz_conn *c;

    if (status < 0)
        return;
    c = xcalloc(1, sizeof *c);
    kbuf_init(&c->in);
    uv_tcp_init(l->loop, &c->tcp);
    c->tcp.data = c;
    if (uv_accept(l, (uv_stream_t *)&c->tcp) != 0) {
        uv_close((uv_handle_t *)&c->tcp, fuzz_conn_closed);
        return;
    }
    uv_read_start((uv_stream_t *)&c->tcp, fuzz_alloc, fuzz_read);
}

static void
fuzz_init(void)
{
    struct sockaddr_in addr, got;
    int                len = sizeof got;
    char              *url;
    struct kube_ctx   *ctx;

    signal(SIGPIPE, SIG_IGN);
    if (uv_loop_init(&F.uv) != 0)
        abort();
    uv_tcp_init(&F.uv, &F.listener);
    uv_ip4_addr("127.0.0.1", 0, &addr);
    if (uv_tcp_bind(&F.listener, (struct sockaddr *)&addr, 0) != 0 ||
        uv_listen((uv_stream_t *)&F.listener, 64, fuzz_accept) != 0 ||
        uv_tcp_getsockname(&F.listener, (struct sockaddr *)&got, &len) != 0)
        abort();
    url = xasprintf("http://127.0.0.1:%d", ntohs(got.sin_port));
    ctx = kube_ctx_for_url(url, "default");
    free(url);
    F.loop = kloop_create(&F.uv);
    F.client = kclient_create(F.loop, ctx);
    kube_ctx_free(ctx);
}

static void
fuzz_refl_closed(struct reflector *r, void *data)
{
    (void)r;
    (void)data;
    F.refl_gone = 1;
}

static void
fuzz_tick(uv_timer_t *t)
{
    (void)t;
}

static void
fuzz_tick_closed(uv_handle_t *h)
{
    (void)h;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int            init;
    struct reflector_opts ro = {.path = "/api/v1/namespaces/default/pods",
                                .watch_timeout_s = 5,
                                .request_timeout_ms = 2000};
    struct store         *store;
    struct reflector     *refl;
    uv_timer_t            tick;
    int64_t               deadline;

    if (!init) {
        fuzz_init();
        init = 1;
    }
    if (size == 0)
        return 0;
    F.piece = (size_t)(data[0] % 16) + 1;
    F.body = data + 1;
    F.body_len = size - 1;
    F.watches_served = F.requests_after = 0;
    F.refl_gone = 0;
    store = store_create(&store_pod_ops);
    refl = reflector_create(F.client, store, &ro, NULL, NULL);
    reflector_start(refl);
    uv_timer_init(&F.uv, &tick);
    uv_timer_start(&tick, fuzz_tick, 50, 50);
    /* until the stream was read to its end (or cut as malformed): the
     * reflector then backs off or asks again */
    deadline = know_ms() + 10000;
    while (know_ms() < deadline &&
           !(F.watches_served > 0 &&
             (F.requests_after > 0 ||
              reflector_status(refl)->state == REFLECTOR_RETRYING)))
        uv_run(&F.uv, UV_RUN_ONCE);
    if (F.watches_served == 0)
        abort(); /* the list never led to a watch */
    /* whatever the store holds came from the stream and is found again
     * by its key and uid */
    {
        struct store_obj **objs;
        size_t             n = store_list(store, &objs);

        if (n != store_count(store))
            abort();
        for (size_t i = 0; i < n; i++)
            if (store_find(store, objs[i]->key) != objs[i] ||
                objs[i]->json == NULL)
                abort();
        free(objs);
    }
    reflector_close(refl, fuzz_refl_closed, NULL);
    while (!F.refl_gone)
        uv_run(&F.uv, UV_RUN_ONCE);
    uv_close((uv_handle_t *)&tick, fuzz_tick_closed);
    uv_run(&F.uv, UV_RUN_NOWAIT);
    store_free(store);
    return 0;
}
