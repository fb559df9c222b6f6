/*
 * Test helper (header-only): a loopback TCP server that answers one
 * WebSocket upgrade with a simws-based session, and a hand-written client
 * that masks its frames, sends a scripted list after the 101 and records
 * every server frame until the close. Used by test-simws.c and
 * test-simport.c.
 */
#ifndef KPOD_TEST_SIMWS_HARNESS_H
#define KPOD_TEST_SIMWS_HARNESS_H

#include "simexec.h"
#include "simws.h"
#include "util.h"

struct frame {
    int      opcode;
    uint8_t *data;
    size_t   len;
};

struct harness {
    uv_loop_t          loop;
    uv_tcp_t           server;
    uv_tcp_t           sconn; /* server side of the one connection */
    struct kbuf        shead;
    struct simws_list  list;
    int                released, sconn_closed;
    const char *const *argv;
    int                tty, want_stdin;
    const char *const *protocols; /* NULL = simexec_protocols */
    /* What to run on the upgraded connection (NULL = an exec of argv). */
    struct simws *(*start)(struct harness *, const struct simws_io *,
                           const char *key, const char *proto);
    struct simws *ws;
    void         *user;
    void (*after_run)(struct harness *);  /* close what start opened */
    void (*on_release)(struct harness *); /* the session gave back */

    uv_tcp_t     client;
    uv_connect_t creq;
    const char  *offer;
    struct kbuf  cin;
    int          got_101;
    char         head101[1024];
    struct frame frames[64];
    int          nframes;
    int          closed_by_server;
    /* frames the client sends once the 101 is in */
    const uint8_t *const *to_send;
    const size_t         *to_send_len;
    const int            *to_send_op;
};

static void
write_done(uv_write_t *req, int status)
{
    free(req->data);
    free(req);
}

static void
raw_write(uv_stream_t *s, const void *p, size_t n)
{
    uv_write_t *req = xmalloc(sizeof *req);
    uv_buf_t    buf;

    req->data = xmalloc(n);
    memcpy(req->data, p, n);
    buf = uv_buf_init(req->data, (unsigned)n);
    assert_int_equal(uv_write(req, s, &buf, 1, write_done), 0);
}

/* A client frame: FIN, opcode, masked payload. */
static void
client_frame(struct harness *h, int opcode, const uint8_t *p, size_t n)
{
    uint8_t hdr[14], mask[4] = {0x12, 0x34, 0x56, 0x78}, *buf;
    size_t  hl = 2, i;

    hdr[0] = (uint8_t)(0x80 | opcode);
    if (n < 126) {
        hdr[1] = (uint8_t)(0x80 | n);
    } else {
        hdr[1] = 0x80 | 126;
        hdr[2] = (uint8_t)(n >> 8);
        hdr[3] = (uint8_t)n;
        hl = 4;
    }
    memcpy(hdr + hl, mask, 4);
    hl += 4;
    buf = xmalloc(hl + n);
    memcpy(buf, hdr, hl);
    for (i = 0; i < n; i++)
        buf[hl + i] = p[i] ^ mask[i % 4];
    raw_write((uv_stream_t *)&h->client, buf, hl + n);
    free(buf);
}

static void
alloc_cb(uv_handle_t *hd, size_t hint, uv_buf_t *buf)
{
    static char slab[65536];

    *buf = uv_buf_init(slab, sizeof slab);
}

static void
client_close_cb(uv_handle_t *hd)
{
}

/* Parse whole server frames (unmasked) out of h->cin. */
static void
client_parse(struct harness *h)
{
    for (;;) {
        uint8_t *d = (uint8_t *)h->cin.data;
        size_t   n = h->cin.len, hl = 2, len;
        int      op;

        if (n < 2)
            return;
        assert_int_equal(d[1] & 0x80, 0); /* the server never masks */
        len = d[1] & 0x7f;
        if (len == 126) {
            if (n < 4)
                return;
            len = (size_t)d[2] << 8 | d[3];
            hl = 4;
        }
        if (n < hl + len)
            return;
        op = d[0] & 0x0f;
        assert_true(h->nframes < 64);
        h->frames[h->nframes].opcode = op;
        h->frames[h->nframes].data = xmalloc(len + 1);
        memcpy(h->frames[h->nframes].data, d + hl, len);
        h->frames[h->nframes].len = len;
        h->nframes++;
        kbuf_consume(&h->cin, hl + len);
        if (op == 8) {
            /* Answer the close, then hang up like kubectl. */
            uint8_t code[2] = {0x03, 0xe8};

            client_frame(h, 8, code, 2);
            h->closed_by_server = 1;
        }
    }
}

static void
client_read_cb(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    struct harness *h = s->data;
    char           *end;
    int             i;

    if (n < 0) {
        uv_close((uv_handle_t *)s, client_close_cb);
        return;
    }
    kbuf_append(&h->cin, buf->base, (size_t)n);
    if (!h->got_101) {
        end = strstr(h->cin.data, "\r\n\r\n");
        if (end == NULL)
            return;
        snprintf(h->head101, sizeof h->head101, "%.*s",
                 (int)(end - h->cin.data + 4), h->cin.data);
        kbuf_consume(&h->cin, (size_t)(end - h->cin.data) + 4);
        h->got_101 = 1;
        for (i = 0; h->to_send != NULL && h->to_send[i] != NULL; i++)
            client_frame(h, h->to_send_op[i], h->to_send[i], h->to_send_len[i]);
    }
    client_parse(h);
}

static void
client_connect_cb(uv_connect_t *req, int status)
{
    struct harness *h = req->data;
    char           *r;

    assert_int_equal(status, 0);
    r = xasprintf("GET /api/v1/namespaces/default/pods/p/exec?command=x "
                  "HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\n"
                  "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                  "Sec-WebSocket-Protocol: %s\r\n\r\n",
                  h->offer);
    raw_write((uv_stream_t *)&h->client, r, strlen(r));
    free(r);
    uv_read_start((uv_stream_t *)&h->client, alloc_cb, client_read_cb);
}

static void
sconn_close_cb(uv_handle_t *hd)
{
    struct harness *h = hd->loop->data;

    h->sconn_closed = 1;
}

/* The server side plays the HTTP server's part: it owns the connection,
 * feeds the session and tells it when the connection is gone. */
static int
io_write(void *io, const void *p, size_t n)
{
    struct harness *h = io;

    if (h->released)
        return -1;
    raw_write((uv_stream_t *)&h->sconn, p, n);
    return 0;
}

static size_t
io_queued(void *io)
{
    struct harness *h = io;

    return uv_stream_get_write_queue_size((uv_stream_t *)&h->sconn);
}

static void
io_close(void *io)
{
    struct harness *h = io;

    if (h->released++)
        return;
    uv_close((uv_handle_t *)&h->sconn, sconn_close_cb);
    simws_io_closed(h->ws); /* like simhttp_conn_close's closed_cb */
    if (h->on_release != NULL)
        h->on_release(h);
}

static const struct simws_io harness_io_ops = {io_write, io_queued, io_close,
                                               NULL};

static void
server_read_cb(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    struct harness          *h = s->data;
    struct simexec_container ct = {.pod = "p"};
    struct simws_io          io = harness_io_ops;
    const char              *proto, *key;
    char                     keybuf[64] = "", offer[128] = "", *end;

    if (n < 0) {
        io_close(h);
        return;
    }
    if (h->ws != NULL) {
        simws_feed(h->ws, buf->base, (size_t)n);
        return;
    }
    kbuf_append(&h->shead, buf->base, (size_t)n);
    if ((end = strstr(h->shead.data, "\r\n\r\n")) == NULL)
        return;
    key = strstr(h->shead.data, "Sec-WebSocket-Key: ");
    sscanf(key + 19, "%63[^\r]", keybuf);
    proto = strstr(h->shead.data, "Sec-WebSocket-Protocol: ");
    sscanf(proto + 24, "%127[^\r]", offer);
    proto = simws_negotiate(offer,
                            h->protocols ? h->protocols : simexec_protocols, 0);
    assert_non_null(proto);
    io.io = h;
    if (h->start != NULL)
        h->ws = h->start(h, &io, keybuf, proto);
    else
        h->ws =
            simexec_session_start(&h->loop, &h->list, &io, keybuf, proto, &ct,
                                  h->argv, h->want_stdin, 1, 1, h->tty);
    /* bytes behind the request head belong to the session */
    end += 4;
    if ((size_t)(end - h->shead.data) < h->shead.len)
        simws_feed(h->ws, end, h->shead.len - (size_t)(end - h->shead.data));
}

static void
server_close_cb(uv_handle_t *hd)
{
}

static void
on_connection(uv_stream_t *server, int status)
{
    struct harness *h = server->data;

    assert_int_equal(status, 0);
    uv_tcp_init(&h->loop, &h->sconn);
    h->sconn.data = h;
    assert_int_equal(uv_accept(server, (uv_stream_t *)&h->sconn), 0);
    uv_read_start((uv_stream_t *)&h->sconn, alloc_cb, server_read_cb);
    uv_close((uv_handle_t *)&h->server, server_close_cb);
}

static void
harness_run(struct harness *h, const char *offer)
{
    struct sockaddr_in sa;
    struct sockaddr    name;
    int                namelen = sizeof name;

    uv_loop_init(&h->loop);
    h->loop.data = h;
    kbuf_init(&h->shead);
    kbuf_init(&h->cin);
    kbuf_puts(&h->cin, "");
    h->offer = offer;
    uv_tcp_init(&h->loop, &h->server);
    h->server.data = h;
    uv_ip4_addr("127.0.0.1", 0, &sa);
    assert_int_equal(uv_tcp_bind(&h->server, (struct sockaddr *)&sa, 0), 0);
    assert_int_equal(uv_listen((uv_stream_t *)&h->server, 4, on_connection), 0);
    uv_tcp_getsockname(&h->server, &name, &namelen);
    uv_tcp_init(&h->loop, &h->client);
    h->client.data = h;
    h->creq.data = h;
    uv_tcp_connect(&h->creq, &h->client, &name, client_connect_cb);
    uv_run(&h->loop, UV_RUN_DEFAULT);
    if (h->after_run != NULL)
        h->after_run(h);
    assert_int_equal(uv_loop_close(&h->loop), 0);
    assert_int_equal(h->released, 1);
    assert_null(h->list.head);
}

static void
harness_done(struct harness *h)
{
    int i;

    for (i = 0; i < h->nframes; i++)
        free(h->frames[i].data);
    kbuf_done(&h->shead);
    kbuf_done(&h->cin);
}

/* The data of binary frames on channel ch, concatenated. */
static char *
channel_text(struct harness *h, int ch)
{
    struct kbuf b;
    int         i;

    kbuf_init(&b);
    kbuf_puts(&b, "");
    for (i = 0; i < h->nframes; i++) {
        if (h->frames[i].opcode == 2 && h->frames[i].len > 0 &&
            h->frames[i].data[0] == ch)
            kbuf_append(&b, h->frames[i].data + 1, h->frames[i].len - 1);
    }
    return kbuf_steal(&b);
}

#endif
