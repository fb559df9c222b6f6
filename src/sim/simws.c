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

struct simws {
    struct simws_list      *list;
    struct simws           *next, *prev;
    struct simws_io         io;
    int                     io_open;
    const struct simws_ops *ops;
    void                   *data;
    wslay_event_context_ptr ctx;
    char                   *protocol;
    struct kbuf             in;
    size_t                  inoff;
    uv_timer_t              timer;
    int64_t                 drain_deadline;
    int                     in_recv;    /* inside wslay_event_recv */
    int                     closing;    /* simws_close was called */
    int                     close_code; /* not queued yet: data first */
    int                     finished;   /* closed() has run */
    int                     complete;   /* the timer is closing */
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

    if (!ws->io_open || ws->io.write(ws->io.io, data, len) < 0) {
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

void
simws_feed(struct simws *ws, const void *p, size_t n)
{
    int rc;

    if (ws->finished || n == 0)
        return;
    kbuf_append(&ws->in, p, n);
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

void
simws_io_closed(struct simws *ws)
{
    if (!ws->io_open)
        return;
    ws->io_open = 0;
    simws_finish(ws, 0);
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
    else if (wslay_event_get_close_received(ws->ctx) && !ws->closing)
        simws_close(ws, 1000);
}

static void
simws_timer_close_cb(uv_handle_t *h)
{
    struct simws *ws = h->data;

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

/* Hang up (the transport calls simws_io_closed back: ignored by then),
 * and free the session once its timer closed. */
static void
simws_complete(struct simws *ws)
{
    if (ws->complete)
        return;
    ws->complete = 1;
    if (ws->io_open) {
        ws->io_open = 0;
        ws->io.close(ws->io.io);
    }
    uv_timer_stop(&ws->timer);
    uv_close((uv_handle_t *)&ws->timer, simws_timer_close_cb);
}

/* Polls until the transport has put every byte on the wire. */
static void
simws_drain_cb(uv_timer_t *t)
{
    struct simws *ws = t->data;

    if (!ws->io_open || ws->io.queued == NULL ||
        ws->io.queued(ws->io.io) == 0 || know_ms() >= ws->drain_deadline)
        simws_complete(ws);
}

/* End the session: tell the user, then hang up once our bytes are out
 * (graceful) or at once. */
static void
simws_finish(struct simws *ws, int graceful)
{
    if (!ws->finished) {
        ws->finished = 1;
        simws_unlink(ws);
        if (ws->ops->closed != NULL)
            ws->ops->closed(ws, ws->data);
    }
    if (ws->complete)
        return;
    if (graceful && ws->io_open && ws->io.queued != NULL &&
        ws->io.queued(ws->io.io) > 0) {
        ws->drain_deadline = know_ms() + 5000;
        uv_timer_start(&ws->timer, simws_drain_cb, 10, 10);
        return;
    }
    simws_complete(ws);
}

static void
simws_timeout_cb(uv_timer_t *t)
{
    simws_finish(t->data, 0);
}

struct simws *
simws_start(uv_loop_t *loop, struct simws_list *list, const struct simws_io *io,
            const char *key, const char *protocol, const struct simws_ops *ops,
            void *data)
{
    static const struct wslay_event_callbacks cbs = {
        .recv_callback = simws_recv_cb,
        .send_callback = simws_send_cb,
        .on_msg_recv_callback = simws_msg_cb,
    };
    struct simws *ws = xcalloc(1, sizeof *ws);
    char          accept[29];
    struct kbuf   head;

    ws->io = *io;
    ws->io_open = 1;
    ws->ops = ops;
    ws->data = data;
    ws->protocol = xstrdup(protocol != NULL ? protocol : "");
    kbuf_init(&ws->in);
    kbuf_puts(&ws->in, "");
    uv_timer_init(loop, &ws->timer);
    ws->timer.data = ws;
    if (wslay_event_context_server_init(&ws->ctx, &cbs, ws) != 0)
        abort();
    if (list != NULL) {
        ws->list = list;
        ws->next = list->head;
        if (list->head != NULL)
            list->head->prev = ws;
        list->head = ws;
    }
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
    if (ws->io.write(ws->io.io, head.data, head.len) < 0) {
        /* The user learns of it through closed(), once start returned. */
        ws->closing = 1;
        uv_timer_start(&ws->timer, simws_timeout_cb, 0, 0);
    }
    kbuf_done(&head);
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

size_t
simws_queued(struct simws *ws)
{
    if (!ws->io_open || ws->io.queued == NULL)
        return 0;
    return ws->io.queued(ws->io.io);
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
