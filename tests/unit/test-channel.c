/*
 * Unit tests for the WebSocket client (ws.c), the channel protocol
 * (channel.c) and exec sessions (exec.c). Pure parsers are tested on
 * vectors; sessions run over loopback against a small server on the same
 * loop that either refuses the upgrade, speaks raw hand-made frames
 * (fragments, pings, close) and parses the client's masked frames, or
 * hands the connection to kpod-sim's exec session (simexec).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "channel.h"
#include "exec.h"
#include "khttp.h"
#include "kubeconfig.h"
#include "loop.h"
#include "simexec.h"
#include "simws.h"
#include "util.h"
#include "wskey.h"
#include "ws.h"

/* --- pure parts --- */

static void
test_version(void **state)
{
    assert_int_equal(channel_version("v5.channel.k8s.io"), 5);
    assert_int_equal(channel_version("v4.channel.k8s.io"), 4);
    assert_int_equal(channel_version("v3.channel.k8s.io"), 3);
    assert_int_equal(channel_version("channel.k8s.io"), 1);
    assert_int_equal(channel_version(""), 1);
    assert_int_equal(channel_version("v4.base64.channel.k8s.io"), 0);
    assert_int_equal(channel_version("v6.channel.k8s.io"), 0);
}

static void
test_encode_resize(void **state)
{
    struct kbuf b;
    char       *j;

    kbuf_init(&b);
    channel_encode(&b, 4, "ab", 2);
    channel_encode(&b, 255, NULL, 0);
    assert_int_equal(b.len, 4);
    assert_memory_equal(b.data,
                        "\x04"
                        "ab\xff",
                        4);
    kbuf_done(&b);
    j = channel_resize_json(120, 40);
    assert_string_equal(j, "{\"Width\":120,\"Height\":40}");
    free(j);
}

static void
test_exec_status(void **state)
{
    const char *ok = "{\"metadata\":{},\"status\":\"Success\"}";
    const char *nz =
        "{\"metadata\":{},\"status\":\"Failure\",\"message\":\"command "
        "terminated with non-zero exit code: exit status 7\",\"reason\":"
        "\"NonZeroExitCode\",\"details\":{\"causes\":[{\"reason\":"
        "\"ExitCode\",\"message\":\"7\"}]}}";
    const char *ie = "{\"status\":\"Failure\",\"reason\":\"InternalError\","
                     "\"code\":500,\"message\":\"Internal error occurred: "
                     "boom\"}";
    const char *bad = "{\"status\":\"Failure\",\"reason\":\"NonZeroExitCode\","
                      "\"details\":{\"causes\":[{\"reason\":\"ExitCode\","
                      "\"message\":\"300\"}]}}";
    char       *msg;

    assert_int_equal(
        channel_exec_status(5, (const uint8_t *)ok, strlen(ok), &msg), 0);
    assert_null(msg);
    assert_int_equal(channel_exec_status(4,
                                         (const uint8_t *)"{\"status\":"
                                                          "\"Success\"}",
                                         20, &msg),
                     0);
    assert_int_equal(
        channel_exec_status(5, (const uint8_t *)nz, strlen(nz), &msg), 7);
    assert_null(msg);
    assert_int_equal(
        channel_exec_status(5, (const uint8_t *)ie, strlen(ie), &msg), -1);
    assert_string_equal(msg, "Internal error occurred: boom");
    free(msg);
    assert_int_equal(
        channel_exec_status(5, (const uint8_t *)bad, strlen(bad), &msg), -1);
    assert_non_null(msg);
    free(msg);
    assert_int_equal(channel_exec_status(4, (const uint8_t *)"{oops", 5, &msg),
                     -1);
    assert_non_null(strstr(msg, "malformed"));
    free(msg);
    /* Before v4 the channel is plain text. */
    assert_int_equal(
        channel_exec_status(1, (const uint8_t *)"no such", 7, &msg), -1);
    assert_string_equal(msg, "no such");
    free(msg);
}

static void
test_portforward_prefix(void **state)
{
    struct channel_pf       pf;
    struct channel_pf_event ev;
    const int               ports[] = {8080, 443};
    const int               bad[] = {70000};

    assert_int_equal(channel_pf_init(&pf, bad, 1), -1);
    assert_int_equal(channel_pf_init(&pf, ports, 2), 0);
    /* 8080 = 0x1F90: prefix on data and error channels */
    channel_pf_input(&pf, (const uint8_t *)"\x00\x90\x1f", 3, &ev);
    assert_int_equal(ev.kind, CHANNEL_PF_NONE);
    channel_pf_input(&pf, (const uint8_t *)"\x01\x90\x1f", 3, &ev);
    assert_int_equal(ev.kind, CHANNEL_PF_NONE);
    channel_pf_input(&pf, (const uint8_t *)"\x00hello", 6, &ev);
    assert_int_equal(ev.kind, CHANNEL_PF_DATA);
    assert_int_equal(ev.index, 0);
    assert_int_equal(ev.len, 5);
    assert_memory_equal(ev.data, "hello", 5);
    channel_pf_input(&pf, (const uint8_t *)"\x01oops", 5, &ev);
    assert_int_equal(ev.kind, CHANNEL_PF_ERROR);
    assert_memory_equal(ev.data, "oops", 4);
    /* the second port's data before its prefix: wrong port bytes */
    channel_pf_input(&pf, (const uint8_t *)"\x02\x90\x1f", 3, &ev);
    assert_int_equal(ev.kind, CHANNEL_PF_BAD);
    /* 443 = 0x01BB */
    channel_pf_input(&pf, (const uint8_t *)"\x02\xbb\x01", 3, &ev);
    assert_int_equal(ev.kind, CHANNEL_PF_NONE);
    channel_pf_input(&pf, (const uint8_t *)"\x02x", 2, &ev);
    assert_int_equal(ev.kind, CHANNEL_PF_DATA);
    assert_int_equal(ev.index, 1);
    channel_pf_input(&pf, (const uint8_t *)"\x07x", 2, &ev);
    assert_int_equal(ev.kind, CHANNEL_PF_BAD);
    channel_pf_input(&pf, (const uint8_t *)"\xff\x00", 2, &ev);
    assert_int_equal(ev.kind, CHANNEL_PF_CLOSE);
    channel_pf_input(&pf, (const uint8_t *)"", 0, &ev);
    assert_int_equal(ev.kind, CHANNEL_PF_NONE);
}

static void
test_head_parse(void **state)
{
    const char    *h = "HTTP/1.1 101 Switching Protocols\r\nupgrade: WebSocket"
                       "\r\nSec-WebSocket-Accept:  abc= \r\n"
                       "Sec-WebSocket-Protocol: v4.channel.k8s.io\r\n";
    struct ws_head hd;

    assert_int_equal(ws_head_parse(h, strlen(h), &hd), 0);
    assert_int_equal(hd.status, 101);
    assert_string_equal(hd.reason, "Switching Protocols");
    assert_string_equal(hd.upgrade, "WebSocket");
    assert_string_equal(hd.accept, "abc=");
    assert_string_equal(hd.protocol, "v4.channel.k8s.io");
    assert_int_equal(hd.content_length, -1);
    ws_head_done(&hd);
    h = "HTTP/1.1 403 Forbidden\r\nContent-Length: 12\r\n"
        "Transfer-Encoding: chunked\r\n";
    assert_int_equal(ws_head_parse(h, strlen(h), &hd), 0);
    assert_int_equal(hd.status, 403);
    assert_null(hd.protocol);
    assert_int_equal(hd.content_length, 12);
    assert_true(hd.chunked);
    ws_head_done(&hd);
    assert_int_equal(ws_head_parse("SSH-2.0", 7, &hd), -1);
    ws_head_done(&hd);
    assert_int_equal(ws_head_parse("HTTP/1.1 1x1 No", 15, &hd), -1);
    ws_head_done(&hd);
}

/* --- a server on the loop --- */

static void ticker_cb(uv_timer_t *);

enum srv_mode {
    SRV_REFUSE_EMPTY,   /* 403, no body */
    SRV_REFUSE_STATUS,  /* 404 with a Status, Content-Length */
    SRV_REFUSE_CHUNKED, /* 500 with a Status, chunked */
    SRV_RAW,            /* hand-made frames */
    SRV_EXEC,           /* simexec session */
};

struct cframe {
    int     opcode, fin, masked;
    uint8_t data[256];
    size_t  len;
};

struct srv {
    uv_loop_t          loop;
    uv_timer_t         ticker;
    uv_tcp_t           listener, conn;
    int                port, mode, conn_live;
    struct kbuf        head, cin;
    int                upgraded;
    struct simws_list  list;
    struct simws      *session; /* SRV_EXEC */
    int                released;
    const char *const *supported; /* exec protocols (NULL = v5, v4) */
    struct cframe      frames[16];
    int                nframes;
    int                closed; /* conn closed */

    /* client side */
    struct kloop   *kl;
    struct kclient *kc;
    struct ws      *ws;
    int             opened, ended, end_code;
    long            end_status;
    char           *end_error;
    char           *protocol;
    struct kbuf     got; /* messages, concatenated */
    int             nmsg;

    /* exec */
    struct exec *ex;
    struct kbuf  out, err;
    int          exit_code, exited;
    char        *exit_error;
};

static void
srv_write_done(uv_write_t *req, int status)
{
    free(req->data);
    free(req);
}

static void
srv_write(struct srv *s, const void *p, size_t n)
{
    uv_write_t *req = xmalloc(sizeof *req);
    uv_buf_t    buf;

    req->data = xmalloc(n ? n : 1);
    memcpy(req->data, p, n);
    buf = uv_buf_init(req->data, (unsigned)n);
    assert_int_equal(
        uv_write(req, (uv_stream_t *)&s->conn, &buf, 1, srv_write_done), 0);
}

/* An unmasked server frame. */
static void
srv_frame(struct srv *s, int fin, int opcode, const void *p, size_t n)
{
    uint8_t hdr[2] = {(uint8_t)((fin ? 0x80 : 0) | opcode), (uint8_t)n};

    assert_true(n < 126);
    srv_write(s, hdr, 2);
    if (n > 0)
        srv_write(s, p, n);
}

static void
srv_conn_closed(uv_handle_t *h)
{
    struct srv *s = h->data;

    s->closed = 1;
}

static void
srv_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
    static char slab[65536];

    *buf = uv_buf_init(slab, sizeof slab);
}

/* Parse the client's frames: each must be masked. */
static void
srv_parse_client(struct srv *s)
{
    for (;;) {
        uint8_t       *d = (uint8_t *)s->cin.data, *mask;
        size_t         n = s->cin.len, len, i;
        struct cframe *f;

        if (n < 2)
            return;
        len = d[1] & 0x7f;
        assert_true(len < 126);
        if (n < 6 + len)
            return;
        assert_true(s->nframes < 16);
        f = &s->frames[s->nframes++];
        f->fin = d[0] >> 7;
        f->opcode = d[0] & 0x0f;
        f->masked = d[1] >> 7;
        mask = d + 2;
        for (i = 0; i < len; i++)
            f->data[i] = d[6 + i] ^ mask[i % 4];
        f->len = len;
        kbuf_consume(&s->cin, 6 + len);
        if (f->opcode == 8) {
            /* the client answered (or started) the close: hang up */
            if (s->frames[0].opcode != 8) {
                uv_close((uv_handle_t *)&s->conn, srv_conn_closed);
                s->conn_live = 0;
            }
            return;
        }
        if (f->opcode == 2) {
            /* the test's binary message arrived: end with a close */
            uint8_t code[2] = {0x03, 0xe8};

            srv_frame(s, 1, 8, code, 2);
        }
    }
}

/* The HTTP server's part for a simws session: own the connection. */
static int
srv_io_write(void *io, const void *p, size_t n)
{
    struct srv *s = io;

    if (s->released)
        return -1;
    srv_write(s, p, n);
    return 0;
}

static void
srv_io_close(void *io)
{
    struct srv *s = io;

    if (s->released++)
        return;
    s->conn_live = 0;
    uv_close((uv_handle_t *)&s->conn, srv_conn_closed);
    simws_io_closed(s->session);
}

/* command= values of the request line, %-decoded, NULL-terminated. */
static char **
srv_argv(const char *head)
{
    char      **argv = xcalloc(16, sizeof *argv);
    const char *p = head;
    int         n = 0;

    while ((p = strstr(p, "command=")) != NULL && n < 15) {
        struct kbuf b;

        kbuf_init(&b);
        for (p += 8; *p != '&' && *p != ' '; p++) {
            if (*p == '%') {
                unsigned v;

                sscanf(p + 1, "%2x", &v);
                char c = (char)v;
                kbuf_append(&b, &c, 1);
                p += 2;
            } else
                kbuf_append(&b, p, 1);
        }
        argv[n++] = kbuf_steal(&b);
    }
    return argv;
}

static void
srv_read(uv_stream_t *st, ssize_t n, const uv_buf_t *buf)
{
    struct srv *s = st->data;
    char        key[64] = "", offer[256] = "", accept[29], *h;
    const char *p, *proto;

    if (n < 0 && s->session != NULL) {
        srv_io_close(s);
        return;
    }
    if (s->session != NULL) {
        simws_feed(s->session, buf->base, (size_t)n);
        return;
    }
    if (n < 0) {
        if (s->conn_live) {
            s->conn_live = 0;
            uv_close((uv_handle_t *)&s->conn, srv_conn_closed);
        }
        return;
    }
    if (s->upgraded) {
        kbuf_append(&s->cin, buf->base, (size_t)n);
        srv_parse_client(s);
        return;
    }
    kbuf_append(&s->head, buf->base, (size_t)n);
    if (strstr(s->head.data, "\r\n\r\n") == NULL)
        return;
    s->upgraded = 1;
    if ((p = strstr(s->head.data, "Sec-WebSocket-Key: ")) != NULL)
        sscanf(p + 19, "%63[^\r]", key);
    if ((p = strstr(s->head.data, "Sec-WebSocket-Protocol: ")) != NULL)
        sscanf(p + 24, "%255[^\r]", offer);
    switch (s->mode) {
    case SRV_REFUSE_EMPTY:
        h = "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n";
        srv_write(s, h, strlen(h));
        break;
    case SRV_REFUSE_STATUS:
        h = "{\"kind\":\"Status\",\"status\":\"Failure\",\"message\":"
            "\"pods \\\"nope\\\" not found\",\"reason\":\"NotFound\","
            "\"code\":404}";
        h = xasprintf("HTTP/1.1 404 Not Found\r\nContent-Type: "
                      "application/json\r\nContent-Length: %zu\r\n\r\n%s",
                      strlen(h), h);
        srv_write(s, h, strlen(h));
        free(h);
        break;
    case SRV_REFUSE_CHUNKED:
        h = "HTTP/1.1 500 Internal Server Error\r\nTransfer-Encoding: "
            "chunked\r\n\r\n10\r\n{\"message\":\"bad \r\n"
            "8\r\nthings\"}\r\n0\r\n\r\n";
        srv_write(s, h, strlen(h));
        break;
    case SRV_RAW:
        wskey_accept(key, accept);
        h = xasprintf("HTTP/1.1 101 Switching Protocols\r\nUpgrade: "
                      "websocket\r\nConnection: Upgrade\r\n"
                      "Sec-WebSocket-Accept: %s\r\nSec-WebSocket-Protocol: "
                      "v4.channel.k8s.io\r\n\r\n",
                      accept);
        srv_write(s, h, strlen(h));
        free(h);
        /* one message in two fragments with a ping between them */
        srv_frame(s, 0, 2,
                  "\x01"
                  "ab",
                  3);
        srv_frame(s, 1, 9, "p", 1);
        srv_frame(s, 1, 0, "cd", 2);
        break;
    case SRV_EXEC: {
        struct simws_io          io = {srv_io_write, NULL, srv_io_close, s};
        struct simexec_container ct = {.pod = "p", .container = "c"};
        char                   **argv = srv_argv(s->head.data);
        char                    *end = strstr(s->head.data, "\r\n\r\n") + 4;
        int                      i;

        proto = simws_negotiate(
            offer, s->supported ? s->supported : simexec_protocols, 0);
        assert_non_null(proto);
        s->session = simexec_session_start(
            &s->loop, &s->list, &io, key, proto, &ct, (const char *const *)argv,
            strstr(s->head.data, "stdin=true") != NULL, 1,
            strstr(s->head.data, "stderr=true") != NULL,
            strstr(s->head.data, "tty=true") != NULL);
        if ((size_t)(end - s->head.data) < s->head.len)
            simws_feed(s->session, end,
                       s->head.len - (size_t)(end - s->head.data));
        for (i = 0; argv[i] != NULL; i++)
            free(argv[i]);
        free(argv);
        return;
    }
    }
    if (s->mode != SRV_RAW) {
        s->conn_live = 0;
        uv_close((uv_handle_t *)&s->conn, srv_conn_closed);
    }
}

static void
srv_listener_closed(uv_handle_t *h)
{
}

static void
srv_accept(uv_stream_t *l, int status)
{
    struct srv *s = l->data;

    assert_int_equal(status, 0);
    uv_tcp_init(&s->loop, &s->conn);
    s->conn.data = s;
    assert_int_equal(uv_accept(l, (uv_stream_t *)&s->conn), 0);
    s->conn_live = 1;
    uv_read_start((uv_stream_t *)&s->conn, srv_alloc, srv_read);
    uv_close((uv_handle_t *)&s->listener, srv_listener_closed);
}

static void
srv_setup(struct srv *s, int mode)
{
    struct sockaddr_in sa;
    struct sockaddr    name;
    int                namelen = sizeof name;
    struct kube_ctx   *ctx;
    char              *url;

    memset(s, 0, sizeof *s);
    s->mode = mode;
    assert_int_equal(uv_loop_init(&s->loop), 0);
    uv_timer_init(&s->loop, &s->ticker);
    uv_timer_start(&s->ticker, ticker_cb, 20, 20);
    kbuf_init(&s->head);
    kbuf_puts(&s->head, "");
    kbuf_init(&s->cin);
    kbuf_init(&s->got);
    kbuf_init(&s->out);
    kbuf_init(&s->err);
    uv_tcp_init(&s->loop, &s->listener);
    s->listener.data = s;
    uv_ip4_addr("127.0.0.1", 0, &sa);
    assert_int_equal(uv_tcp_bind(&s->listener, (struct sockaddr *)&sa, 0), 0);
    assert_int_equal(uv_listen((uv_stream_t *)&s->listener, 4, srv_accept), 0);
    uv_tcp_getsockname(&s->listener, &name, &namelen);
    s->port = ntohs(((struct sockaddr_in *)&name)->sin_port);
    s->kl = kloop_create(&s->loop);
    url = xasprintf("http://127.0.0.1:%d", s->port);
    ctx = kube_ctx_for_url(url, "default");
    s->kc = kclient_create(s->kl, ctx);
    kube_ctx_free(ctx);
    free(url);
}

static void
srv_kloop_closed(void *data)
{
}

static void
srv_teardown(struct srv *s)
{
    kclient_free(s->kc);
    kloop_close(s->kl, srv_kloop_closed, NULL);
    uv_close((uv_handle_t *)&s->ticker, NULL);
    simws_list_abort(&s->list);
    if (s->conn_live) {
        s->conn_live = 0;
        uv_close((uv_handle_t *)&s->conn, srv_conn_closed);
    }
    if (!uv_is_closing((uv_handle_t *)&s->listener))
        uv_close((uv_handle_t *)&s->listener, srv_listener_closed);
    uv_run(&s->loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(&s->loop), 0);
    assert_null(s->list.head);
    kbuf_done(&s->head);
    kbuf_done(&s->cin);
    kbuf_done(&s->got);
    kbuf_done(&s->out);
    kbuf_done(&s->err);
    free(s->end_error);
    free(s->protocol);
    free(s->exit_error);
}

/* Run until cond or 30 s. */
/* A condition can come true in the timer phase of uv_run(UV_RUN_ONCE),
 * which then blocks in poll: a ticker keeps each turn short. */
static void
ticker_cb(uv_timer_t *t)
{
}

#define RUN_UNTIL(s, cond)                                                     \
    do {                                                                       \
        uint64_t t0 = uv_hrtime();                                             \
        while (!(cond) && uv_hrtime() - t0 < 30000000000ull)                   \
            uv_run(&(s)->loop, UV_RUN_ONCE);                                   \
        assert_true(cond);                                                     \
    } while (0)

static void
c_open(struct ws *ws, const char *protocol, void *data)
{
    struct srv *s = data;

    s->opened = 1;
    s->protocol = xstrdup(protocol);
}

static void
c_message(struct ws *ws, const uint8_t *p, size_t n, void *data)
{
    struct srv *s = data;

    kbuf_append(&s->got, p, n);
    s->nmsg++;
    /* framing the other way: a channel message back */
    assert_int_equal(channel_send(ws, CHANNEL_STDIN, "xyz", 3), 0);
}

static void
c_closed(struct ws *ws, const struct ws_end *end, void *data)
{
    struct srv *s = data;

    s->ended = 1;
    s->end_code = end->code;
    s->end_status = end->status;
    s->end_error = end->error ? xstrdup(end->error) : NULL;
    s->ws = NULL;
}

static const struct ws_ops c_ops = {
    .open = c_open, .message = c_message, .closed = c_closed};

static void
connect_ws(struct srv *s, const char *const *protos)
{
    struct ws_opts o = {.path = "/api/v1/namespaces/default/pods/p/portforward"
                                "?ports=8080",
                        .protocols = protos};
    char          *cause = NULL;

    s->ws = ws_connect(s->kc, &o, &c_ops, s, &cause);
    assert_non_null(s->ws);
    assert_null(cause);
}

static void
test_refused_empty(void **state)
{
    struct srv s;

    srv_setup(&s, SRV_REFUSE_EMPTY);
    connect_ws(&s, channel_portforward_protocols);
    RUN_UNTIL(&s, s.ended);
    assert_false(s.opened);
    assert_int_equal(s.end_status, 403);
    assert_non_null(s.end_error);
    assert_non_null(strstr(s.end_error, "403 Forbidden"));
    assert_non_null(strstr(s.end_error, "v4.channel.k8s.io"));
    /* the request was a proper upgrade offering our protocol */
    assert_non_null(strstr(s.head.data,
                           "GET /api/v1/namespaces/default/pods/"
                           "p/portforward?ports=8080 HTTP/1.1\r\n"));
    assert_non_null(strstr(s.head.data, "Upgrade: websocket\r\n"));
    assert_non_null(strstr(s.head.data, "Sec-WebSocket-Version: 13\r\n"));
    assert_non_null(
        strstr(s.head.data, "Sec-WebSocket-Protocol: v4.channel.k8s.io\r\n"));
    assert_non_null(strstr(s.head.data, "User-Agent: kpod/"));
    srv_teardown(&s);
}

static void
test_refused_status(void **state)
{
    struct srv s;

    srv_setup(&s, SRV_REFUSE_STATUS);
    connect_ws(&s, channel_exec_protocols);
    RUN_UNTIL(&s, s.ended);
    assert_int_equal(s.end_status, 404);
    assert_string_equal(s.end_error, "error upgrading connection: 404 Not "
                                     "Found: pods \"nope\" not found");
    assert_non_null(strstr(s.head.data, "Sec-WebSocket-Protocol: "
                                        "v5.channel.k8s.io, "
                                        "v4.channel.k8s.io\r\n"));
    srv_teardown(&s);

    srv_setup(&s, SRV_REFUSE_CHUNKED);
    connect_ws(&s, channel_exec_protocols);
    RUN_UNTIL(&s, s.ended);
    assert_int_equal(s.end_status, 500);
    assert_string_equal(s.end_error, "error upgrading connection: 500 "
                                     "Internal Server Error: bad things");
    srv_teardown(&s);
}

static void
test_refused_connect(void **state)
{
    struct srv s;

    srv_setup(&s, SRV_REFUSE_EMPTY);
    uv_close((uv_handle_t *)&s.listener, srv_listener_closed);
    uv_run(&s.loop, UV_RUN_NOWAIT);
    connect_ws(&s, channel_exec_protocols);
    RUN_UNTIL(&s, s.ended);
    assert_false(s.opened);
    assert_non_null(s.end_error);
    assert_int_equal(s.end_status, 0);
    srv_teardown(&s);
}

static void
test_raw_frames(void **state)
{
    struct srv s;

    srv_setup(&s, SRV_RAW);
    connect_ws(&s, channel_portforward_protocols);
    RUN_UNTIL(&s, s.ended);
    assert_true(s.opened);
    assert_string_equal(s.protocol, "v4.channel.k8s.io");
    /* the fragments arrived as one message */
    assert_int_equal(s.nmsg, 1);
    assert_int_equal(s.got.len, 5);
    assert_memory_equal(s.got.data,
                        "\x01"
                        "abcd",
                        5);
    /* a clean close handshake */
    assert_null(s.end_error);
    assert_int_equal(s.end_code, 1000);
    /* client frames: pong, our channel message, the close answer; all
     * masked */
    RUN_UNTIL(&s, s.nframes >= 3);
    assert_int_equal(s.frames[0].opcode, 10);
    assert_memory_equal(s.frames[0].data, "p", 1);
    assert_int_equal(s.frames[1].opcode, 2);
    assert_int_equal(s.frames[1].len, 4);
    assert_memory_equal(s.frames[1].data,
                        "\x00"
                        "xyz",
                        4);
    assert_int_equal(s.frames[2].opcode, 8);
    for (int i = 0; i < s.nframes; i++) {
        assert_true(s.frames[i].masked);
        assert_true(s.frames[i].fin);
    }
    srv_teardown(&s);
}

/* --- exec over simexec --- */

static void
x_output(struct exec *e, int fd, const char *p, size_t n, void *data)
{
    struct srv *s = data;

    kbuf_append(fd == 1 ? &s->out : &s->err, p, n);
}

static void
x_exited(struct exec *e, int code, const char *error, void *data)
{
    struct srv *s = data;

    s->exited = 1;
    s->exit_code = code;
    s->exit_error = error ? xstrdup(error) : NULL;
    s->ex = NULL;
}

static void
x_started(struct exec *e, const char *protocol, void *data)
{
    struct srv *s = data;

    s->protocol = xstrdup(protocol);
}

static const struct exec_ops x_ops = {
    .started = x_started, .output = x_output, .exited = x_exited};

static void
run_exec(struct srv *s, const char *const *argv, int stdin_on, int tty)
{
    struct exec_opts o = {
        .pod = "p", .argv = argv, .stdin_on = stdin_on, .tty = tty};
    char *cause = NULL;

    s->ex = exec_start(s->kc, &o, &x_ops, s, &cause);
    assert_non_null(s->ex);
}

static void
test_exec_exit_codes(void **state)
{
    const char *const echo[] = {"echo", "hello world", NULL};
    const char *const seven[] = {"sh", "-c", "echo out; echo err >&2; exit 7",
                                 NULL};
    struct srv        s;

    srv_setup(&s, SRV_EXEC);
    run_exec(&s, echo, 0, 0);
    RUN_UNTIL(&s, s.exited);
    assert_string_equal(s.protocol, "v5.channel.k8s.io");
    assert_int_equal(s.exit_code, 0);
    assert_null(s.exit_error);
    assert_string_equal(s.out.data, "hello world\n");
    srv_teardown(&s);

    srv_setup(&s, SRV_EXEC);
    run_exec(&s, seven, 0, 0);
    RUN_UNTIL(&s, s.exited);
    assert_int_equal(s.exit_code, 7);
    assert_string_equal(s.out.data, "out\n");
    assert_string_equal(s.err.data, "err\n");
    srv_teardown(&s);
}

static void
test_exec_v4_fallback(void **state)
{
    const char *const v4only[] = {"v4.channel.k8s.io", NULL};
    const char *const three[] = {"sh", "-c", "exit 3", NULL};
    struct srv        s;

    srv_setup(&s, SRV_EXEC);
    s.supported = v4only;
    run_exec(&s, three, 0, 0);
    RUN_UNTIL(&s, s.exited);
    assert_string_equal(s.protocol, "v4.channel.k8s.io");
    assert_int_equal(s.exit_code, 3);
    srv_teardown(&s);
}

static void
test_exec_stdin_close(void **state)
{
    const char *const cat[] = {"cat", NULL};
    struct srv        s;

    srv_setup(&s, SRV_EXEC);
    run_exec(&s, cat, 1, 0);
    /* written before the upgrade: must wait for it, then go out */
    exec_write(s.ex, "round ", 6);
    exec_write(s.ex, "trip\n", 5);
    exec_close_stdin(s.ex); /* v5: [255, 0] ends cat */
    RUN_UNTIL(&s, s.exited);
    assert_int_equal(s.exit_code, 0);
    assert_string_equal(s.out.data, "round trip\n");
    srv_teardown(&s);
}

static void
test_exec_tty_resize(void **state)
{
    const char *const sh[] = {"sh", NULL};
    struct srv        s;

    srv_setup(&s, SRV_EXEC);
    run_exec(&s, sh, 1, 1);
    exec_resize(s.ex, 132, 43);
    exec_write(s.ex, "stty size\n", 10);
    exec_write(s.ex, "exit 5\n", 7);
    RUN_UNTIL(&s, s.exited);
    assert_int_equal(s.exit_code, 5);
    assert_non_null(strstr(s.out.data, "43 132"));
    assert_int_equal(s.err.len, 0); /* tty: no stderr channel */
    srv_teardown(&s);
}

static void
test_exec_cancel(void **state)
{
    const char *const sh[] = {"sh", NULL};
    struct srv        s;

    srv_setup(&s, SRV_EXEC);
    run_exec(&s, sh, 1, 1);
    RUN_UNTIL(&s, s.protocol != NULL);
    exec_cancel(s.ex);
    s.ex = NULL;
    /* the server notices the hang-up and lets go of the connection */
    RUN_UNTIL(&s, s.closed);
    assert_false(s.exited);
    srv_teardown(&s);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version),
        cmocka_unit_test(test_encode_resize),
        cmocka_unit_test(test_exec_status),
        cmocka_unit_test(test_portforward_prefix),
        cmocka_unit_test(test_head_parse),
        cmocka_unit_test(test_refused_empty),
        cmocka_unit_test(test_refused_status),
        cmocka_unit_test(test_refused_connect),
        cmocka_unit_test(test_raw_frames),
        cmocka_unit_test(test_exec_exit_codes),
        cmocka_unit_test(test_exec_v4_fallback),
        cmocka_unit_test(test_exec_stdin_close),
        cmocka_unit_test(test_exec_tty_resize),
        cmocka_unit_test(test_exec_cancel),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
