/*
 * Server-side WebSocket sessions for kpod-sim. simws_start() answers the
 * upgrade with 101 and then frames messages with wslay's event API on the
 * libuv stream the HTTP server hands over; pings are answered by wslay,
 * close frames are exchanged before the stream goes back to its owner.
 * The server never masks. Channel meaning is left to simexec and simport.
 */
#include "simws.h"

#include <string.h>
#include <wslay/wslay.h>

#include "util.h"

/* A write in flight. ws is cleared when the session ends before the write
 * completes (shutdown), so the callback never touches freed memory. */
struct simws_wreq {
    uv_write_t         req;
    struct simws      *ws;
    struct simws_wreq *next, *prev;
    size_t             len;
    uint8_t            buf[];
};

struct simws {
    struct simws_list      *list;
    struct simws           *next, *prev;
    struct simws_conn       conn;
    void                   *saved_data; /* the owner's stream->data */
    const struct simws_ops *ops;
    void                   *data;
    wslay_event_context_ptr ctx;
    char                   *protocol;
    struct kbuf             in;
    size_t                  inoff;
    struct simws_wreq      *writes;
    uv_timer_t              timer;
    int                     in_recv;    /* inside wslay_event_recv */
    int                     closing;    /* simws_close was called */
    int                     close_code; /* not queued yet: data first */
    int                     finished;   /* closed() has run */
    int                     complete;   /* waiting for the timer to close */
};

static void simws_flush(struct simws *);
static void simws_finish(struct simws *, int graceful);
static void simws_timeout_cb(uv_timer_t *);

/* --- SHA-1 (RFC 3174), only for Sec-WebSocket-Accept --- */

struct simws_sha1 {
    uint32_t h[5];
    uint64_t len;
    uint8_t  block[64];
    size_t   n;
};

static uint32_t
rol32(uint32_t x, int n)
{
    return (x << n) | (x >> (32 - n));
}

static void
sha1_block(struct simws_sha1 *s, const uint8_t *p)
{
    uint32_t w[80], a, b, c, d, e, f, k, t;
    int      i;

    for (i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
               (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (; i < 80; i++)
        w[i] = rol32(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    a = s->h[0], b = s->h[1], c = s->h[2], d = s->h[3], e = s->h[4];
    for (i = 0; i < 80; i++) {
        if (i < 20)
            f = (b & c) | (~b & d), k = 0x5A827999;
        else if (i < 40)
            f = b ^ c ^ d, k = 0x6ED9EBA1;
        else if (i < 60)
            f = (b & c) | (b & d) | (c & d), k = 0x8F1BBCDC;
        else
            f = b ^ c ^ d, k = 0xCA62C1D6;
        t = rol32(a, 5) + f + e + k + w[i];
        e = d, d = c, c = rol32(b, 30), b = a, a = t;
    }
    s->h[0] += a, s->h[1] += b, s->h[2] += c, s->h[3] += d, s->h[4] += e;
}

static void
sha1_update(struct simws_sha1 *s, const void *data, size_t n)
{
    const uint8_t *p = data;

    s->len += n;
    while (n > 0) {
        size_t take = 64 - s->n < n ? 64 - s->n : n;

        memcpy(s->block + s->n, p, take);
        s->n += take, p += take, n -= take;
        if (s->n == 64) {
            sha1_block(s, s->block);
            s->n = 0;
        }
    }
}

static void
sha1(const void *data, size_t n, uint8_t out[20])
{
    struct simws_sha1 s = {
        .h = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0}};
    uint64_t bits;
    uint8_t  pad = 0x80, zero = 0, lenbuf[8];
    int      i;

    sha1_update(&s, data, n);
    bits = s.len * 8;
    sha1_update(&s, &pad, 1);
    while (s.n != 56)
        sha1_update(&s, &zero, 1);
    for (i = 0; i < 8; i++)
        lenbuf[i] = (uint8_t)(bits >> (56 - 8 * i));
    sha1_update(&s, lenbuf, 8);
    for (i = 0; i < 5; i++) {
        out[4 * i] = (uint8_t)(s.h[i] >> 24);
        out[4 * i + 1] = (uint8_t)(s.h[i] >> 16);
        out[4 * i + 2] = (uint8_t)(s.h[i] >> 8);
        out[4 * i + 3] = (uint8_t)s.h[i];
    }
}

char *
simws_base64(const uint8_t *p, size_t n)
{
    static const char tab[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char  *out = xmalloc(4 * ((n + 2) / 3) + 1), *o = out;
    size_t i;

    for (i = 0; i + 2 < n; i += 3) {
        *o++ = tab[p[i] >> 2];
        *o++ = tab[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
        *o++ = tab[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)];
        *o++ = tab[p[i + 2] & 63];
    }
    if (i < n) {
        *o++ = tab[p[i] >> 2];
        if (i + 1 < n) {
            *o++ = tab[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
            *o++ = tab[(p[i + 1] & 15) << 2];
        } else {
            *o++ = tab[(p[i] & 3) << 4];
            *o++ = '=';
        }
        *o++ = '=';
    }
    *o = '\0';
    return out;
}

void
simws_accept_key(const char *key, char *out)
{
    static const char guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    char             *cat = xasprintf("%s%s", key, guid), *b64;
    uint8_t           digest[20];

    sha1(cat, strlen(cat), digest);
    b64 = simws_base64(digest, sizeof digest);
    memcpy(out, b64, 29); /* 28 characters and the NUL */
    free(cat);
    free(b64);
}

const char *
simws_negotiate(const char *offer, const char *const *supported, int allow_none)
{
    const char *p = offer, *end;
    size_t      i, n;

    if (offer == NULL || offer[strspn(offer, " \t,")] == '\0')
        return allow_none ? "" : NULL;
    while (*p != '\0') {
        p += strspn(p, " \t,");
        end = p + strcspn(p, ",");
        n = (size_t)(end - p);
        while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
            n--;
        for (i = 0; n > 0 && supported[i] != NULL; i++) {
            if (strlen(supported[i]) == n && strncmp(p, supported[i], n) == 0)
                return supported[i];
        }
        p = end;
    }
    return NULL;
}

/* --- writes --- */

static void
simws_write_cb(uv_write_t *req, int status)
{
    struct simws_wreq *w = (struct simws_wreq *)req;
    struct simws      *ws = w->ws;

    if (ws != NULL) {
        if (w->prev != NULL)
            w->prev->next = w->next;
        else
            ws->writes = w->next;
        if (w->next != NULL)
            w->next->prev = w->prev;
    }
    free(w);
    if (ws == NULL)
        return;
    if (status < 0 && !ws->finished) {
        klog("write failed: %s", uv_strerror(status));
        simws_finish(ws, 0);
        return;
    }
    if (ws->finished && ws->writes == NULL)
        simws_finish(ws, 0); /* graceful finish was waiting for this */
}

static int
simws_write(struct simws *ws, const void *p, size_t n)
{
    struct simws_wreq *w = xmalloc(sizeof *w + n);
    uv_buf_t           buf;
    int                rc;

    memcpy(w->buf, p, n);
    w->len = n;
    w->ws = ws;
    w->prev = NULL;
    w->next = ws->writes;
    if (ws->writes != NULL)
        ws->writes->prev = w;
    ws->writes = w;
    buf = uv_buf_init((char *)w->buf, (unsigned)n);
    rc = uv_write(&w->req, ws->conn.stream, &buf, 1, simws_write_cb);
    if (rc < 0) {
        ws->writes = w->next;
        if (w->next != NULL)
            w->next->prev = NULL;
        free(w);
    }
    return rc;
}

/* --- wslay callbacks --- */

static ssize_t
simws_recv_cb(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, int flags,
              void *user)
{
    struct simws *ws = user;
    size_t        avail = ws->in.len - ws->inoff;

    if (avail == 0) {
        wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
        return -1;
    }
    if (len > avail)
        len = avail;
    memcpy(buf, ws->in.data + ws->inoff, len);
    ws->inoff += len;
    return (ssize_t)len;
}

static ssize_t
simws_send_cb(wslay_event_context_ptr ctx, const uint8_t *data, size_t len,
              int flags, void *user)
{
    struct simws *ws = user;

    if (simws_write(ws, data, len) < 0) {
        wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
        return -1;
    }
    return (ssize_t)len;
}

static void
simws_msg_cb(wslay_event_context_ptr                   ctx,
             const struct wslay_event_on_msg_recv_arg *arg, void *user)
{
    struct simws *ws = user;

    if (ws->finished || wslay_is_ctrl_frame(arg->opcode))
        return;
    if (ws->ops->message != NULL)
        ws->ops->message(ws, arg->msg, arg->msg_length, ws->data);
}

/* --- session --- */

static void
simws_alloc_cb(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
    struct simws *ws = h->data;

    if (ws->in.cap - ws->in.len < 65536 + 1) {
        ws->in.cap = ws->in.len + 65536 + 1;
        ws->in.data = xrealloc(ws->in.data, ws->in.cap);
    }
    *buf = uv_buf_init(ws->in.data + ws->in.len, 65536);
}

static void
simws_process(struct simws *ws)
{
    int rc;

    if (ws->finished)
        return;
    ws->in_recv = 1;
    rc = wslay_event_recv(ws->ctx);
    ws->in_recv = 0;
    kbuf_consume(&ws->in, ws->inoff);
    ws->inoff = 0;
    if (rc != 0) {
        simws_finish(ws, 0);
        return;
    }
    simws_flush(ws);
}

static void
simws_read_cb(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
    struct simws *ws = s->data;

    if (nread < 0) {
        simws_finish(ws, 1);
        return;
    }
    ws->in.len += (size_t)nread;
    ws->in.data[ws->in.len] = '\0';
    simws_process(ws);
}

/* Send what wslay queued, then end the session when both close frames
 * have crossed. */
static void
simws_flush(struct simws *ws)
{
    if (ws->finished || ws->in_recv)
        return;
    if (wslay_event_want_write(ws->ctx) && wslay_event_send(ws->ctx) != 0) {
        simws_finish(ws, 0);
        return;
    }
    /* wslay sends control frames ahead of data: queue our close only
     * once every data message is out. */
    if (ws->close_code != 0 && !wslay_event_want_write(ws->ctx)) {
        wslay_event_queue_close(ws->ctx, (uint16_t)ws->close_code, NULL, 0);
        ws->close_code = 0;
        if (wslay_event_send(ws->ctx) != 0) {
            simws_finish(ws, 0);
            return;
        }
    }
    if (wslay_event_get_close_received(ws->ctx) &&
        wslay_event_get_close_sent(ws->ctx))
        simws_finish(ws, 1);
    else if (wslay_event_get_close_received(ws->ctx) &&
             !wslay_event_want_write(ws->ctx) && !ws->closing)
        simws_close(ws, 1000);
}

static void
simws_timer_close_cb(uv_handle_t *h)
{
    struct simws *ws = h->data;

    ws->conn.stream->data = ws->saved_data;
    if (ws->conn.release != NULL)
        ws->conn.release(ws->conn.owner);
    wslay_event_context_free(ws->ctx);
    kbuf_done(&ws->in);
    free(ws->protocol);
    free(ws);
}

static void
simws_unlink(struct simws *ws)
{
    if (ws->list == NULL)
        return;
    if (ws->prev != NULL)
        ws->prev->next = ws->next;
    else
        ws->list->head = ws->next;
    if (ws->next != NULL)
        ws->next->prev = ws->prev;
    ws->list = NULL;
}

/* End the session: tell the user, then give the stream back once our
 * writes are out (graceful) or at once. */
static void
simws_finish(struct simws *ws, int graceful)
{
    struct simws_wreq *w;

    if (!ws->finished) {
        ws->finished = 1;
        uv_read_stop(ws->conn.stream);
        simws_unlink(ws);
        if (ws->ops->closed != NULL)
            ws->ops->closed(ws, ws->data);
    }
    if (ws->complete)
        return;
    if (graceful && ws->writes != NULL) {
        /* simws_write_cb comes back here; a peer that stopped reading
         * gets a few seconds. */
        uv_timer_start(&ws->timer, simws_timeout_cb, 5000, 0);
        return;
    }
    ws->complete = 1;
    for (w = ws->writes; w != NULL; w = w->next)
        w->ws = NULL;
    ws->writes = NULL;
    uv_timer_stop(&ws->timer);
    uv_close((uv_handle_t *)&ws->timer, simws_timer_close_cb);
}

static void
simws_timeout_cb(uv_timer_t *t)
{
    simws_finish(t->data, 0);
}

struct simws *
simws_start(struct simws_list *list, const struct simws_conn *conn,
            const char *key, const char *protocol, const uint8_t *leftover,
            size_t nleftover, const struct simws_ops *ops, void *data)
{
    static const struct wslay_event_callbacks cbs = {
        .recv_callback = simws_recv_cb,
        .send_callback = simws_send_cb,
        .on_msg_recv_callback = simws_msg_cb,
    };
    struct simws *ws = xcalloc(1, sizeof *ws);
    char          accept[29];
    struct kbuf   head;
    int           rc;

    ws->conn = *conn;
    ws->ops = ops;
    ws->data = data;
    ws->protocol = xstrdup(protocol != NULL ? protocol : "");
    kbuf_init(&ws->in);
    uv_timer_init(conn->stream->loop, &ws->timer);
    ws->timer.data = ws;
    ws->saved_data = conn->stream->data;
    conn->stream->data = ws;
    if (wslay_event_context_server_init(&ws->ctx, &cbs, ws) != 0)
        abort();
    ws->list = list;
    ws->next = list->head;
    if (list->head != NULL)
        list->head->prev = ws;
    list->head = ws;

    simws_accept_key(key, accept);
    kbuf_init(&head);
    kbuf_printf(&head,
                "HTTP/1.1 101 Switching Protocols\r\n"
                "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                "Sec-WebSocket-Accept: %s\r\n",
                accept);
    if (ws->protocol[0] != '\0')
        kbuf_printf(&head, "Sec-WebSocket-Protocol: %s\r\n", ws->protocol);
    kbuf_puts(&head, "\r\n");
    rc = simws_write(ws, head.data, head.len);
    kbuf_done(&head);
    if (rc < 0 ||
        uv_read_start(conn->stream, simws_alloc_cb, simws_read_cb) < 0) {
        /* The user learns of it through closed(), once start returned. */
        ws->closing = 1;
        uv_timer_start(&ws->timer, simws_timeout_cb, 0, 0);
        return ws;
    }
    if (nleftover > 0) {
        kbuf_append(&ws->in, leftover, nleftover);
        simws_process(ws);
    }
    return ws;
}

void
simws_send(struct simws *ws, const uint8_t *p, size_t n)
{
    struct wslay_event_msg msg = {WSLAY_BINARY_FRAME, p, n};

    if (ws->finished || ws->closing)
        return;
    if (wslay_event_queue_msg(ws->ctx, &msg) != 0)
        return;
    simws_flush(ws);
}

void
simws_send_channel(struct simws *ws, int channel, const void *p, size_t n)
{
    uint8_t *buf = xmalloc(n + 1);

    buf[0] = (uint8_t)channel;
    if (n > 0)
        memcpy(buf + 1, p, n);
    simws_send(ws, buf, n + 1);
    free(buf);
}

void
simws_close(struct simws *ws, uint16_t code)
{
    if (ws->finished || ws->closing)
        return;
    ws->closing = 1;
    ws->close_code = code;
    /* A peer that never answers the close must not hold the session. */
    uv_timer_start(&ws->timer, simws_timeout_cb, 5000, 0);
    simws_flush(ws);
}

const char *
simws_protocol(struct simws *ws)
{
    return ws->protocol;
}

void
simws_list_abort(struct simws_list *list)
{
    while (list->head != NULL)
        simws_finish(list->head, 0);
}
