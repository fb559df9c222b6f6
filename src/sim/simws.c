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
#include "wsframe.h"
#include "wskey.h"

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
    size_t                  inend; /* wslay reads in[inoff, inend) */
    struct kbuf             frag;  /* a fragmented data message so far */
    struct kbuf             out;   /* data frames encoded here */
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
    size_t        avail = ws->inend - ws->inoff;

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

/* Data frames are unmasked and delivered here (eight bytes at a time;
 * wslay's byte loop was the simulator's whole port-forward cost); each
 * control frame goes to wslay, which answers pings and tracks the close
 * handshake. 0, or -1 on a protocol error. */
static int
simws_frames(struct simws *ws)
{
    size_t off = 0;
    int    rc = 0;

    while (!ws->finished && wslay_event_get_read_enabled(ws->ctx)) {
        uint8_t       *p = (uint8_t *)ws->in.data + off;
        size_t         n = ws->in.len - off;
        struct wsframe f;
        int            r = wsframe_parse(p, n, &f);

        if (r < 0 || (r > 0 && !f.masked)) {
            rc = -1; /* a client must mask */
            break;
        }
        if (r == 0 || n - f.head < f.len)
            break;
        if (f.opcode >= 8) {
            ws->inoff = off;
            ws->inend = off + f.head + (size_t)f.len;
            rc = wslay_event_recv(ws->ctx);
            ws->inoff = ws->inend = 0;
            if (rc != 0)
                break;
        } else {
            uint8_t *m = p + f.head;

            wsframe_mask(m, (size_t)f.len, f.key, 0);
            if (f.opcode == WSFRAME_CONT && ws->frag.data == NULL) {
                rc = -1; /* continuation of nothing */
                break;
            }
            if (f.opcode != WSFRAME_CONT && ws->frag.data != NULL) {
                rc = -1; /* a new message inside a fragmented one */
                break;
            }
            if (f.fin && f.opcode != WSFRAME_CONT) {
                if (ws->ops->message != NULL)
                    ws->ops->message(ws, m, (size_t)f.len, ws->data);
            } else {
                if (ws->frag.data == NULL)
                    kbuf_append(&ws->frag, "", 0); /* marks "started" */
                kbuf_append(&ws->frag, m, (size_t)f.len);
                if (f.fin) {
                    if (ws->ops->message != NULL && !ws->finished)
                        ws->ops->message(ws, (uint8_t *)ws->frag.data,
                                         ws->frag.len, ws->data);
                    kbuf_done(&ws->frag);
                }
            }
        }
        off += f.head + (size_t)f.len;
    }
    if (!wslay_event_get_read_enabled(ws->ctx))
        off = ws->in.len; /* nothing after a close frame counts */
    kbuf_consume(&ws->in, off);
    return rc;
}

void
simws_feed(struct simws *ws, const void *p, size_t n)
{
    int rc;

    if (ws->finished || n == 0)
        return;
    kbuf_append(&ws->in, p, n);
    ws->in_recv = 1;
    rc = simws_frames(ws);
    ws->in_recv = 0;
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
    kbuf_done(&ws->frag);
    kbuf_done(&ws->out);
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
    wskey_accept(key, accept);
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

/* Data frames are written whole by us when wslay has nothing of its own
 * in flight (order is kept: otherwise they queue behind it in wslay). */
static void
simws_send2(struct simws *ws, const void *a, size_t an, const void *b,
            size_t bn)
{
    struct wslay_event_msg msg;
    uint8_t               *tmp;

    if (ws->finished || ws->closing)
        return;
    if (!ws->in_recv && ws->io_open && !wslay_event_want_write(ws->ctx)) {
        kbuf_reset(&ws->out);
        wsframe_encode(&ws->out, WSFRAME_BINARY, NULL, a, an, b, bn);
        if (ws->io.write(ws->io.io, ws->out.data, ws->out.len) < 0)
            simws_finish(ws, 0);
        if (ws->out.cap > (1u << 20))
            kbuf_done(&ws->out);
        return;
    }
    tmp = xmalloc(an + bn + 1);
    if (an > 0)
        memcpy(tmp, a, an);
    if (bn > 0)
        memcpy(tmp + an, b, bn);
    msg.opcode = WSLAY_BINARY_FRAME;
    msg.msg = tmp;
    msg.msg_length = an + bn;
    if (wslay_event_queue_msg(ws->ctx, &msg) == 0)
        simws_flush(ws);
    free(tmp);
}

void
simws_send(struct simws *ws, const uint8_t *p, size_t n)
{
    simws_send2(ws, p, n, NULL, 0);
}

void
simws_send_channel(struct simws *ws, int channel, const void *p, size_t n)
{
    uint8_t ch = (uint8_t)channel;

    simws_send2(ws, &ch, 1, p, n);
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
