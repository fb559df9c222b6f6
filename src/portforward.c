/*
 * Port-forward: a uv_tcp listener on the local address; each accepted
 * connection opens one WebSocket to .../pods/NAME/portforward?ports=P
 * (the protocol has one stream per port per WebSocket) and copies bytes
 * both ways with backpressure in each direction. A failed connection is
 * reported and closed; the listener stays, so the next connection tries
 * again and finds a restarted or re-created pod by its name.
 */
#include "portforward.h"

#include "channel.h"
#include "khttp.h"
#include "kubeconfig.h"
#include "kwrite.h"
#include "loop.h"
#include "util.h"
#include "ws.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#define PF_WRITE_HIGH (1u << 20)
#define PF_WRITE_LOW (256u << 10)

struct pf_conn;

struct portforward {
    struct kclient               *client;
    const struct portforward_ops *ops;
    void                         *data;
    char                         *ns, *pod;
    char                         *address;
    int                           local_port, remote_port;
    uv_tcp_t                      listener;
    struct pf_conn               *conns;
    int                           open, handles, stopping;
    enum portforward_state        state;
    char                         *reason;
    char                          state_text[64];
    uint64_t                      connections, bytes_in, bytes_out;
    void (*done)(void *);
    void *done_data;
};

struct pf_conn {
    struct portforward *pf;
    struct pf_conn     *prev, *next;
    uv_tcp_t            tcp;
    uv_shutdown_t       shutdown;
    struct ws          *ws;
    struct channel_pf   parser;
    int                 tcp_live; /* not yet closing */
    int                 reading;  /* local reads started */
    int                 opened;   /* the WebSocket is up */
};

static void pf_conn_close_tcp(struct pf_conn *);

static void
pf_message(struct portforward *pf, int error, const char *fmt, ...)
{
    va_list ap;
    char   *line;

    va_start(ap, fmt);
    line = xvasprintf(fmt, ap);
    va_end(ap);
    klog("%s", line);
    if (!pf->stopping && pf->ops->message != NULL)
        pf->ops->message(pf, error, line, pf->data);
    free(line);
}

static void
pf_changed(struct portforward *pf)
{
    if (!pf->stopping && pf->ops->changed != NULL)
        pf->ops->changed(pf, pf->data);
}

static void
pf_set_reason(struct portforward *pf, enum portforward_state st,
              const char *reason)
{
    free(pf->reason);
    pf->reason = reason != NULL ? xstrdup(reason) : NULL;
    pf->state = st;
}

static void
pf_maybe_done(struct portforward *pf)
{
    void (*done)(void *) = pf->done;
    void *data = pf->done_data;

    if (!pf->stopping || pf->handles > 0)
        return;
    free(pf->ns);
    free(pf->pod);
    free(pf->address);
    free(pf->reason);
    free(pf);
    if (done != NULL)
        done(data);
}

/* --- one connection --- */

static void
pf_conn_free_if_done(struct pf_conn *c)
{
    struct portforward *pf = c->pf;

    if (c->ws != NULL || c->tcp_live || c->tcp.data != NULL)
        return;
    if (c->prev != NULL)
        c->prev->next = c->next;
    else
        pf->conns = c->next;
    if (c->next != NULL)
        c->next->prev = c->prev;
    free(c);
    pf->handles--;
    pf_maybe_done(pf);
}

static void
pf_conn_tcp_closed(uv_handle_t *h)
{
    struct pf_conn *c = h->data;

    c->tcp.data = NULL;
    pf_conn_free_if_done(c);
}

static void
pf_conn_close_tcp(struct pf_conn *c)
{
    if (!c->tcp_live)
        return;
    c->tcp_live = 0;
    uv_close((uv_handle_t *)&c->tcp, pf_conn_tcp_closed);
}

static void
pf_shutdown_cb(uv_shutdown_t *req, int status)
{
    pf_conn_close_tcp(req->data);
}

/* Flush what the pod sent, then close the local side. */
static void
pf_conn_finish_tcp(struct pf_conn *c)
{
    if (!c->tcp_live)
        return;
    uv_read_stop((uv_stream_t *)&c->tcp);
    c->shutdown.data = c;
    if (uv_shutdown(&c->shutdown, (uv_stream_t *)&c->tcp, pf_shutdown_cb) < 0)
        pf_conn_close_tcp(c);
}

static void
pf_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
    static char slab[256 << 10];

    *buf = uv_buf_init(slab, sizeof slab);
}

static void
pf_local_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    struct pf_conn *c = s->data;

    if (n == 0)
        return;
    if (n < 0) {
        /* v4 has no half-close: the local side is done, so is the stream */
        uv_read_stop(s);
        c->reading = 0;
        if (c->ws != NULL)
            ws_close(c->ws, 1000);
        else
            pf_conn_close_tcp(c);
        return;
    }
    if (c->ws == NULL)
        return;
    c->pf->bytes_out += (uint64_t)n;
    channel_send(c->ws, 0, buf->base, (size_t)n);
    if (c->ws != NULL && ws_queued(c->ws) > WS_HIGH_WATER) {
        uv_read_stop(s); /* resumed by pf_ws_drained */
        c->reading = 0;
    }
}

static void
pf_local_written(void *data, int status)
{
    struct pf_conn *c = data;

    if (c->ws != NULL && c->tcp_live &&
        uv_stream_get_write_queue_size((uv_stream_t *)&c->tcp) < PF_WRITE_LOW)
        ws_pause(c->ws, 0);
}

static void
pf_ws_open(struct ws *ws, const char *protocol, void *data)
{
    struct pf_conn     *c = data;
    struct portforward *pf = c->pf;

    c->opened = 1;
    if (pf->state == PORTFORWARD_WAITING || pf->state == PORTFORWARD_ERROR) {
        pf_set_reason(pf, PORTFORWARD_ACTIVE, NULL);
        pf_changed(pf);
    }
    if (c->tcp_live &&
        uv_read_start((uv_stream_t *)&c->tcp, pf_alloc, pf_local_read) == 0)
        c->reading = 1;
}

static void
pf_ws_message(struct ws *ws, const uint8_t *m, size_t n, void *data)
{
    struct pf_conn         *c = data;
    struct portforward     *pf = c->pf;
    struct channel_pf_event ev;

    channel_pf_input(&c->parser, m, n, &ev);
    switch (ev.kind) {
    case CHANNEL_PF_NONE:
    case CHANNEL_PF_CLOSE:
        break;
    case CHANNEL_PF_DATA:
        if (!c->tcp_live)
            break;
        pf->bytes_in += ev.len;
        if (kwrite((uv_stream_t *)&c->tcp, ev.data, ev.len, pf_local_written,
                   c) < 0) {
            ws_close(ws, 1000);
            break;
        }
        if (uv_stream_get_write_queue_size((uv_stream_t *)&c->tcp) >
            PF_WRITE_HIGH)
            ws_pause(ws, 1); /* resumed by pf_local_written */
        break;
    case CHANNEL_PF_ERROR: {
        char *e = xstrndup((const char *)ev.data, ev.len);

        pf_message(pf, 1, "an error occurred forwarding %d -> %d: %s",
                   pf->local_port, pf->remote_port, e);
        pf_set_reason(pf, PORTFORWARD_ERROR, e);
        free(e);
        pf_changed(pf);
        ws_close(ws, 1000);
        break;
    }
    case CHANNEL_PF_BAD:
        pf_message(pf, 1, "an error occurred forwarding %d -> %d: %s",
                   pf->local_port, pf->remote_port, ev.text);
        pf_set_reason(pf, PORTFORWARD_ERROR, ev.text);
        pf_changed(pf);
        ws_close(ws, 1002);
        break;
    }
}

static void
pf_ws_drained(struct ws *ws, void *data)
{
    struct pf_conn *c = data;

    if (c->tcp_live && !c->reading &&
        uv_read_start((uv_stream_t *)&c->tcp, pf_alloc, pf_local_read) == 0)
        c->reading = 1;
}

static void
pf_ws_closed(struct ws *ws, const struct ws_end *end, void *data)
{
    struct pf_conn     *c = data;
    struct portforward *pf = c->pf;

    c->ws = NULL;
    pf->open--;
    if (end->error != NULL && !c->opened) {
        /* The upgrade failed: a missing pod means wait for it. */
        int gone = end->status == 404;

        pf_message(pf, 1, "an error occurred forwarding %d -> %d: %s",
                   pf->local_port, pf->remote_port, end->error);
        pf_set_reason(pf, gone ? PORTFORWARD_WAITING : PORTFORWARD_ERROR,
                      end->error);
    } else if (end->error != NULL && pf->state != PORTFORWARD_ERROR) {
        pf_message(pf, 1, "an error occurred forwarding %d -> %d: %s",
                   pf->local_port, pf->remote_port, end->error);
        pf_set_reason(pf, PORTFORWARD_ERROR, end->error);
    }
    pf_conn_finish_tcp(c);
    pf_changed(pf);
    pf_conn_free_if_done(c);
}

static const struct ws_ops pf_ws_ops = {
    .open = pf_ws_open,
    .message = pf_ws_message,
    .drained = pf_ws_drained,
    .closed = pf_ws_closed,
};

static void
pf_accept(uv_stream_t *l, int status)
{
    struct portforward *pf = l->data;
    struct pf_conn     *c;
    struct ws_opts      o = {.protocols = channel_portforward_protocols};
    char               *cause = NULL, *pod, *path;
    const char         *now;

    if (status < 0) {
        pf_message(pf, 1, "accept on %s:%d: %s", pf->address, pf->local_port,
                   uv_strerror(status));
        return;
    }
    c = xcalloc(1, sizeof *c);
    c->pf = pf;
    uv_tcp_init(l->loop, &c->tcp);
    c->tcp.data = c;
    c->tcp_live = 1;
    pf->handles++;
    c->next = pf->conns;
    if (pf->conns != NULL)
        pf->conns->prev = c;
    pf->conns = c;
    if (uv_accept(l, (uv_stream_t *)&c->tcp) != 0) {
        pf_conn_close_tcp(c);
        return;
    }
    uv_tcp_nodelay(&c->tcp, 1);
    channel_pf_init(&c->parser, &pf->remote_port, 1);
    pf->connections++;
    pf_message(pf, 0, "Handling connection for %d", pf->local_port);
    now = pf->ops->resolve != NULL ? pf->ops->resolve(pf, pf->pod, pf->data)
                                   : NULL;
    if (now != NULL && *now != '\0' && strcmp(now, pf->pod) != 0) {
        pf_message(pf, 0, "Forwarding to pod %s (was %s)", now, pf->pod);
        free(pf->pod);
        pf->pod = xstrdup(now);
    }
    pod = khttp_escape(pf->pod);
    path = xasprintf("/api/v1/namespaces/%s/pods/%s/portforward?ports=%d",
                     pf->ns, pod, pf->remote_port);
    free(pod);
    o.path = path;
    c->ws = ws_connect(pf->client, &o, &pf_ws_ops, c, &cause);
    free(path);
    if (c->ws == NULL) {
        pf_message(pf, 1, "an error occurred forwarding %d -> %d: %s",
                   pf->local_port, pf->remote_port, cause);
        pf_set_reason(pf, PORTFORWARD_ERROR, cause);
        free(cause);
        pf_conn_close_tcp(c);
        pf_changed(pf);
        return;
    }
    pf->open++;
    pf_changed(pf);
}

/* --- the forward --- */

static void
pf_listener_closed(uv_handle_t *h)
{
    struct portforward *pf = h->data;

    pf->handles--;
    pf_maybe_done(pf);
}

static void
pf_listener_failed(uv_handle_t *h)
{
    struct portforward *pf = h->data;

    free(pf->ns);
    free(pf->pod);
    free(pf->address);
    free(pf);
}

struct portforward *
portforward_start(struct kclient *c, const struct portforward_opts *o,
                  const struct portforward_ops *ops, void *data, char **cause)
{
    struct portforward     *pf;
    struct sockaddr_storage ss;
    struct sockaddr        *sa = (struct sockaddr *)&ss;
    const char             *addr = o->address;
    int                     rc, v6, namelen = sizeof ss;

    if (addr == NULL || strcmp(addr, "localhost") == 0)
        addr = "127.0.0.1";
    v6 = strchr(addr, ':') != NULL;
    if ((v6 ? uv_ip6_addr(addr, o->local_port, (struct sockaddr_in6 *)sa)
            : uv_ip4_addr(addr, o->local_port, (struct sockaddr_in *)sa)) !=
        0) {
        *cause = xasprintf("invalid address %s", addr);
        return NULL;
    }
    if (o->remote_port < 1 || o->remote_port > 65535 || o->local_port < 0 ||
        o->local_port > 65535) {
        *cause = xasprintf("invalid port mapping %d:%d", o->local_port,
                           o->remote_port);
        return NULL;
    }
    pf = xcalloc(1, sizeof *pf);
    pf->client = c;
    pf->ops = ops;
    pf->data = data;
    pf->address = xstrdup(addr);
    pf->remote_port = o->remote_port;
    pf->ns = xstrdup(o->ns != NULL ? o->ns : kclient_ctx(c)->ns);
    pf->pod = xstrdup(o->pod);
    uv_tcp_init(kloop_uv(kclient_loop(c)), &pf->listener);
    pf->listener.data = pf;
    rc = uv_tcp_bind(&pf->listener, sa, 0);
    if (rc == 0)
        rc = uv_listen((uv_stream_t *)&pf->listener, 128, pf_accept);
    if (rc != 0) {
        *cause = xasprintf("unable to listen on port %d: listen tcp%s "
                           "%s%s%s:%d: bind: %s",
                           o->local_port, v6 ? "6" : "4", v6 ? "[" : "", addr,
                           v6 ? "]" : "", o->local_port,
                           rc == UV_EADDRINUSE ? "address already in use"
                                               : uv_strerror(rc));
        uv_close((uv_handle_t *)&pf->listener, pf_listener_failed);
        return NULL;
    }
    uv_tcp_getsockname(&pf->listener, sa, &namelen);
    pf->local_port = ntohs(v6 ? ((struct sockaddr_in6 *)sa)->sin6_port
                              : ((struct sockaddr_in *)sa)->sin_port);
    pf->handles = 1;
    pf->state = PORTFORWARD_LISTENING;
    pf_message(pf, 0, "Forwarding from %s%s%s:%d -> %d", v6 ? "[" : "", addr,
               v6 ? "]" : "", pf->local_port, pf->remote_port);
    return pf;
}

void
portforward_info(struct portforward *pf, struct portforward_info *i)
{
    memset(i, 0, sizeof *i);
    i->state = pf->state;
    if (pf->open > 0)
        i->state = PORTFORWARD_ACTIVE;
    else if (pf->state == PORTFORWARD_ACTIVE)
        i->state = PORTFORWARD_LISTENING;
    switch (i->state) {
    case PORTFORWARD_LISTENING:
        snprintf(pf->state_text, sizeof pf->state_text, "listening");
        break;
    case PORTFORWARD_ACTIVE:
        snprintf(pf->state_text, sizeof pf->state_text, "%d connection%s",
                 pf->open, pf->open == 1 ? "" : "s");
        break;
    case PORTFORWARD_WAITING:
        snprintf(pf->state_text, sizeof pf->state_text, "pod gone - waiting");
        break;
    case PORTFORWARD_ERROR:
        snprintf(pf->state_text, sizeof pf->state_text, "error");
        break;
    }
    i->state_text = pf->state_text;
    i->reason = pf->reason;
    i->address = pf->address;
    i->local_port = pf->local_port;
    i->remote_port = pf->remote_port;
    i->open = pf->open;
    i->connections = pf->connections;
    i->bytes_in = pf->bytes_in;
    i->bytes_out = pf->bytes_out;
}

const char *
portforward_pod(struct portforward *pf)
{
    return pf->pod;
}

void
portforward_stop(struct portforward *pf, void (*done)(void *), void *data)
{
    struct pf_conn *c, *next;

    pf->stopping = 1;
    pf->done = done;
    pf->done_data = data;
    for (c = pf->conns; c != NULL; c = next) {
        next = c->next;
        if (c->ws != NULL) {
            ws_cancel(c->ws);
            c->ws = NULL;
            pf->open--;
        }
        pf_conn_close_tcp(c); /* frees c from its close callback */
    }
    uv_close((uv_handle_t *)&pf->listener, pf_listener_closed);
}
