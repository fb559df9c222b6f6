/*
 * libFuzzer harness for kpod-sim's request handling: each input is sent
 * as raw bytes, over one loopback connection, to a fresh in-process sim
 * (http-parser request parsing, URL and query decoding, the route table,
 * pods create/patch/delete, watches, logs, exec and port-forward
 * upgrades). The client reads whatever comes back until the sim closes or
 * a short while passes (a watch never ends by itself), then the sim must
 * close every handle. Built only with KPOD_FUZZ=ON and clang.
 */
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "sim.h"
#include "util.h"

struct fuzz_conn {
    uv_tcp_t      tcp;
    uv_connect_t  connect;
    uv_write_t    write;
    uv_shutdown_t shutdown;
    uv_timer_t    timer;
    int           handles;
    size_t        got;
    int           sim_closed;
};

static uv_loop_t fuzz_loop;

static void
fuzz_handle_closed(uv_handle_t *h)
{
    ((struct fuzz_conn *)h->data)->handles--;
}

static void
fuzz_close(struct fuzz_conn *c)
{
    if (!uv_is_closing((uv_handle_t *)&c->tcp))
        uv_close((uv_handle_t *)&c->tcp, fuzz_handle_closed);
    if (!uv_is_closing((uv_handle_t *)&c->timer))
        uv_close((uv_handle_t *)&c->timer, fuzz_handle_closed);
}

static void
fuzz_alloc(uv_handle_t *h, size_t n, uv_buf_t *b)
{
    static char buf[65536];

    (void)h;
    (void)n;
    *b = uv_buf_init(buf, sizeof buf);
}

static void
fuzz_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
    struct fuzz_conn *c = s->data;

    (void)b;
    if (n < 0)
        fuzz_close(c); /* the sim closed (or reset) the connection */
    else
        c->got += (size_t)n;
}

static void
fuzz_shutdown_cb(uv_shutdown_t *r, int status)
{
    (void)r;
    (void)status;
}

static void
fuzz_write_cb(uv_write_t *w, int status)
{
    struct fuzz_conn *c = w->data;

    if (status < 0) {
        fuzz_close(c);
        return;
    }
    c->shutdown.data = c;
    uv_shutdown(&c->shutdown, (uv_stream_t *)&c->tcp, fuzz_shutdown_cb);
}

static void
fuzz_timer_cb(uv_timer_t *t)
{
    fuzz_close(t->data); /* a stream that goes on: enough */
}

static void
fuzz_sim_closed(void *data)
{
    ((struct fuzz_conn *)data)->sim_closed = 1;
}

struct fuzz_send {
    const uint8_t    *data;
    size_t            size;
    struct fuzz_conn *c;
};

static void
fuzz_connect_cb(uv_connect_t *r, int status)
{
    struct fuzz_send *s = r->data;
    struct fuzz_conn *c = s->c;
    uv_buf_t          b = uv_buf_init((char *)s->data, (unsigned)s->size);

    if (status < 0)
        abort(); /* the sim is listening on loopback: must connect */
    uv_timer_start(&c->timer, fuzz_timer_cb, 30, 0);
    uv_read_start((uv_stream_t *)&c->tcp, fuzz_alloc, fuzz_read);
    c->write.data = c;
    if (uv_write(&c->write, (uv_stream_t *)&c->tcp, &b, 1, fuzz_write_cb) != 0)
        fuzz_close(c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int       init;
    struct sim_opts  so = {.host = "127.0.0.1", .scenario = "empty", .seed = 1};
    struct sim      *sim;
    struct fuzz_conn c;
    struct fuzz_send s = {.data = data, .size = size, .c = &c};
    struct sockaddr_in addr;
    char              *cause = NULL;

    if (!init) {
        signal(SIGPIPE, SIG_IGN);
        if (uv_loop_init(&fuzz_loop) != 0)
            abort();
        init = 1;
    }
    if (size == 0)
        return 0;
    sim = sim_create(&fuzz_loop, &so, &cause);
    if (sim == NULL)
        abort();
    memset(&c, 0, sizeof c);
    uv_tcp_init(&fuzz_loop, &c.tcp);
    uv_timer_init(&fuzz_loop, &c.timer);
    c.tcp.data = c.timer.data = &c;
    c.handles = 2;
    uv_ip4_addr("127.0.0.1", sim_port(sim), &addr);
    c.connect.data = &s;
    if (uv_tcp_connect(&c.connect, &c.tcp, (struct sockaddr *)&addr,
                       fuzz_connect_cb) != 0)
        abort();
    while (c.handles > 0)
        uv_run(&fuzz_loop, UV_RUN_ONCE);
    sim_close(sim, fuzz_sim_closed, &c);
    while (!c.sim_closed)
        uv_run(&fuzz_loop, UV_RUN_ONCE);
    /* every handle of the sim and the client is gone */
    if (uv_run(&fuzz_loop, UV_RUN_NOWAIT) != 0)
        abort();
    return 0;
}
