/*
 * Unit tests for the server-side WebSocket (src/sim/simws.c) and the exec
 * session on top of it (simexec_session_start): the RFC 6455 accept key,
 * subprotocol choice, and whole sessions over loopback TCP driven by a
 * hand-written client that masks its frames and parses the server's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "simexec.h"
#include "simws.h"
#include "util.h"

static void
test_accept_key(void **state)
{
    char out[29];

    /* RFC 6455 section 1.3 */
    simws_accept_key("dGhlIHNhbXBsZSBub25jZQ==", out);
    assert_string_equal(out, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

static void
test_negotiate(void **state)
{
    const char *const exec[] = {"v5.channel.k8s.io", "v4.channel.k8s.io", NULL};

    assert_string_equal(simws_negotiate("v5.channel.k8s.io", exec, 0),
                        "v5.channel.k8s.io");
    assert_string_equal(
        simws_negotiate("v4.channel.k8s.io, v5.channel.k8s.io", exec, 0),
        "v4.channel.k8s.io");
    assert_string_equal(
        simws_negotiate("SPDY/3.1+portforward.k8s.io,v4.channel.k8s.io", exec,
                        0),
        "v4.channel.k8s.io");
    assert_null(simws_negotiate("channel.k8s.io", exec, 0));
    assert_null(simws_negotiate(NULL, exec, 0));
    assert_string_equal(simws_negotiate(NULL, exec, 1), "");
    assert_null(simws_negotiate("v5.channel.k8s.io.evil", exec, 1));
}

/* --- a loopback server that upgrades to an exec session --- */

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

static void
release_cb(void *owner)
{
    struct harness *h = owner;

    h->released++;
    uv_close((uv_handle_t *)&h->sconn, sconn_close_cb);
}

static void server_read_cb(uv_stream_t *, ssize_t, const uv_buf_t *);

static void
server_read_cb(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    struct harness          *h = s->data;
    struct simws_conn        conn = {s, release_cb, h};
    struct simexec_container ct = {.pod = "p"};
    const char              *proto, *key;
    char                     keybuf[64] = "", offer[128] = "";

    assert_true(n > 0);
    kbuf_append(&h->shead, buf->base, (size_t)n);
    if (strstr(h->shead.data, "\r\n\r\n") == NULL)
        return;
    uv_read_stop(s);
    key = strstr(h->shead.data, "Sec-WebSocket-Key: ");
    sscanf(key + 19, "%63[^\r]", keybuf);
    proto = strstr(h->shead.data, "Sec-WebSocket-Protocol: ");
    sscanf(proto + 24, "%127[^\r]", offer);
    proto = simws_negotiate(offer, simexec_protocols, 0);
    assert_non_null(proto);
    simexec_session_start(&h->loop, &h->list, &conn, keybuf, proto, NULL, 0,
                          &ct, h->argv, h->want_stdin, 1, 1, h->tty);
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

static void
test_exec_session_v5(void **state)
{
    struct harness h = {0};
    const char    *argv[] = {"sh", "-c", "echo hi; echo err >&2; exit 3", NULL};
    char          *out, *err, *status;

    h.argv = argv;
    harness_run(&h, "v5.channel.k8s.io");
    assert_non_null(strstr(h.head101, "HTTP/1.1 101 "));
    assert_non_null(strstr(h.head101, "\r\nSec-WebSocket-Accept: "
                                      "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"));
    assert_non_null(
        strstr(h.head101, "\r\nSec-WebSocket-Protocol: v5.channel.k8s.io\r\n"));
    /* first an empty stdout message, last the close with 1000 */
    assert_true(h.nframes >= 5);
    assert_int_equal(h.frames[0].opcode, 2);
    assert_int_equal(h.frames[0].len, 1);
    assert_int_equal(h.frames[0].data[0], 1);
    assert_int_equal(h.frames[h.nframes - 1].opcode, 8);
    assert_int_equal(h.frames[h.nframes - 1].data[0] << 8 |
                         h.frames[h.nframes - 1].data[1],
                     1000);
    out = channel_text(&h, 1);
    err = channel_text(&h, 2);
    status = channel_text(&h, 3);
    assert_string_equal(out, "hi\n");
    assert_string_equal(err, "err\n");
    assert_non_null(strstr(status, "\"reason\":\"NonZeroExitCode\""));
    assert_non_null(strstr(status,
                           "\"causes\":[{\"reason\":\"ExitCode\",\"message\":"
                           "\"3\"}]"));
    free(out);
    free(err);
    free(status);
    harness_done(&h);
}

static void
test_exec_stdin_close_and_ping(void **state)
{
    static const uint8_t f1[] = {0, 'a', 'b', 'c'}, f2[] = {'p', 'i'},
                         f3[] = {255, 0};
    const uint8_t *const send[] = {f1, f2, f3, NULL};
    const size_t         lens[] = {sizeof f1, sizeof f2, sizeof f3};
    const int            ops[] = {2, 9, 2};
    struct harness       h = {0};
    const char          *argv[] = {"cat", NULL};
    char                *out, *status;
    int                  i, pong = 0;

    h.argv = argv;
    h.want_stdin = 1;
    h.to_send = send;
    h.to_send_len = lens;
    h.to_send_op = ops;
    harness_run(&h, "v5.channel.k8s.io,v4.channel.k8s.io");
    for (i = 0; i < h.nframes; i++) {
        if (h.frames[i].opcode == 10 && h.frames[i].len == 2 &&
            memcmp(h.frames[i].data, "pi", 2) == 0)
            pong = 1;
    }
    assert_true(pong);
    out = channel_text(&h, 1);
    status = channel_text(&h, 3);
    assert_string_equal(out, "abc");
    assert_non_null(strstr(status, "\"status\":\"Success\""));
    free(out);
    free(status);
    harness_done(&h);
}

static void
test_exec_unknown_command(void **state)
{
    struct harness h = {0};
    const char    *argv[] = {"nosuchcmd", NULL};
    char          *status;

    h.argv = argv;
    harness_run(&h, "v4.channel.k8s.io");
    assert_non_null(
        strstr(h.head101, "\r\nSec-WebSocket-Protocol: v4.channel.k8s.io\r\n"));
    status = channel_text(&h, 3);
    assert_non_null(strstr(status, "\"reason\":\"InternalError\""));
    assert_non_null(strstr(status, "executable file not found"));
    free(status);
    harness_done(&h);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accept_key),
        cmocka_unit_test(test_negotiate),
        cmocka_unit_test(test_exec_session_v5),
        cmocka_unit_test(test_exec_stdin_close_and_ping),
        cmocka_unit_test(test_exec_unknown_command),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
