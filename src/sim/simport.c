/*
 * Loopback backends for the simulated pods' container ports, and
 * port-forward over WebSocket. A backend is a uv_tcp_t listening on
 * 127.0.0.1:0; what it says depends on the image. Port-forward follows the
 * kubelet: v4.channel.k8s.io, channels 2i (data) and 2i+1 (error) for the
 * i-th requested port, each first carrying the port as 2 bytes little
 * endian, one TCP connection per port per WebSocket.
 */
#define _GNU_SOURCE
#include "simport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kwrite.h"
#include "util.h"

enum simport_kind { KIND_ECHO, KIND_HTTP_GO, KIND_NGINX, KIND_LIVENESS };

struct simport_backend;

/* One accepted connection to a backend. */
struct simport_peer {
    uv_tcp_t                tcp;
    struct simport_set     *set;
    struct simport_backend *b; /* NULL once the backend is gone */
    struct simport_peer    *next, *prev;
    struct kbuf             in;
    int                     closing;
};

struct simport_backend {
    struct simport_set     *set;
    struct simport_backend *next;
    char                   *uid, *pod, *container, *image;
    int                     port, local_port;
    enum simport_kind       kind;
    int64_t                 started_ms;
    uv_tcp_t                listener;
    struct simport_peer    *peers;
};

struct simport_fwd;

struct simport_set {
    uv_loop_t              *loop;
    struct simport_backend *backends;
    struct simws_list       sessions;
    simport_access_cb       access_cb;
    void                   *access_data;
    int                     handles; /* open handles we wait for on close */
    int                     closing;
    void (*done_cb)(void *);
    void *done_data;
};

static void
simport_handle_closed(struct simport_set *set)
{
    if (--set->handles == 0 && set->closing) {
        void (*cb)(void *) = set->done_cb;
        void *data = set->done_data;

        free(set);
        if (cb != NULL)
            cb(data);
    }
}

/* --- backends --- */

static const char simport_nginx_page[] =
    "<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n"
    "<style>\n    body {\n        width: 35em;\n        margin: 0 auto;\n"
    "        font-family: Tahoma, Verdana, Arial, sans-serif;\n    }\n"
    "</style>\n</head>\n<body>\n<h1>Welcome to nginx!</h1>\n"
    "<p>If you see this page, the nginx web server is successfully "
    "installed and\nworking. Further configuration is required.</p>\n\n"
    "<p>For online documentation and support please refer to\n"
    "<a href=\"http://nginx.org/\">nginx.org</a>.<br/>\n"
    "Commercial support is available at\n"
    "<a href=\"http://nginx.com/\">nginx.com</a>.</p>\n\n"
    "<p><em>Thank you for using nginx.</em></p>\n</body>\n</html>\n";

static enum simport_kind
simport_kind_of(const char *image)
{
    if (image == NULL)
        return KIND_ECHO;
    if (strstr(image, "http-go") != NULL)
        return KIND_HTTP_GO;
    if (strstr(image, "nginx") != NULL)
        return KIND_NGINX;
    if (strstr(image, "liveness") != NULL)
        return KIND_LIVENESS;
    return KIND_ECHO;
}

static void
simport_peer_write(struct simport_peer *p, const char *s, size_t n)
{
    kwrite((uv_stream_t *)&p->tcp, s, n, NULL, NULL);
}

static void
simport_peer_close_cb(uv_handle_t *h)
{
    struct simport_peer *p = h->data;
    struct simport_set  *set = p->set;

    if (p->b != NULL) {
        if (p->prev != NULL)
            p->prev->next = p->next;
        else
            p->b->peers = p->next;
        if (p->next != NULL)
            p->next->prev = p->prev;
    }
    kbuf_done(&p->in);
    free(p);
    simport_handle_closed(set);
}

static void
simport_peer_close(struct simport_peer *p)
{
    if (p->closing)
        return;
    p->closing = 1;
    uv_close((uv_handle_t *)&p->tcp, simport_peer_close_cb);
}

static void
simport_peer_shutdown_cb(uv_shutdown_t *req, int status)
{
    struct simport_peer *p = req->data;

    free(req);
    simport_peer_close(p);
}

/* Answer one HTTP request; returns 1 when the connection should close. */
static int
simport_http(struct simport_peer *p, const char *head)
{
    struct simport_backend *b = p->b;
    char                    method[16] = "", path[512] = "", proto[16] = "";
    const char             *ctype = "text/plain; charset=utf-8", *server = "";
    char                   *body, *resp, date[64], line[600];
    int                     status = 200, close_after;
    time_t                  now = time(NULL);
    struct tm               tm;

    sscanf(head, "%15s %511s %15s", method, path, proto);
    close_after = strcmp(proto, "HTTP/1.0") == 0 ||
                  strcasestr(head, "\r\nconnection: close") != NULL;
    switch (b->kind) {
    case KIND_HTTP_GO:
        body = xasprintf("Welcome! %s\n", b->pod);
        break;
    case KIND_NGINX:
        server = "Server: nginx/1.14.2\r\n";
        ctype = "text/html";
        if (strcmp(path, "/") == 0 || strcmp(path, "/index.html") == 0) {
            body = xstrdup(simport_nginx_page);
        } else {
            status = 404;
            body = xstrdup("<html>\r\n<head><title>404 Not Found</title>"
                           "</head>\r\n<body bgcolor=\"white\">\r\n<center>"
                           "<h1>404 Not Found</h1></center>\r\n<hr><center>"
                           "nginx/1.14.2</center>\r\n</body>\r\n</html>\r\n");
        }
        break;
    case KIND_LIVENESS: {
        /* registry.k8s.io/liveness: /healthz is fine for 10 s after
         * start, then 500 with the uptime. */
        double up = (double)(know_ms() - b->started_ms) / 1000.0;

        if (strncmp(path, "/healthz", 8) != 0) {
            status = 404;
            body = xstrdup("404 page not found\n");
        } else if (up <= 10.0) {
            body = xstrdup("ok");
        } else {
            status = 500;
            body = xasprintf("error: %g", up);
        }
        break;
    }
    default:
        body = xstrdup("");
        break;
    }
    gmtime_r(&now, &tm);
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    resp = xasprintf("HTTP/1.1 %d %s\r\n%sDate: %s\r\nContent-Type: %s\r\n"
                     "Content-Length: %zu\r\n%s\r\n%s",
                     status,
                     status == 200   ? "OK"
                     : status == 404 ? "Not Found"
                                     : "Internal Server Error",
                     server, date, ctype, strlen(body),
                     close_after ? "Connection: close\r\n" : "",
                     strcmp(method, "HEAD") == 0 ? "" : body);
    simport_peer_write(p, resp, strlen(resp));
    if (b->set->access_cb != NULL) {
        const char *ua = strcasestr(head, "\r\nuser-agent:");
        size_t      n = 0;

        if (ua != NULL) {
            ua += 13;
            ua += strspn(ua, " \t");
            n = strcspn(ua, "\r\n");
        }
        snprintf(line, sizeof line, "%.*s", (int)n, ua ? ua : "");
        b->set->access_cb(b->set->access_data, b->uid, b->pod, b->container,
                          b->image, method, path, line[0] ? line : "-", status,
                          strcmp(method, "HEAD") == 0 ? 0 : strlen(body));
    }
    free(resp);
    free(body);
    return close_after;
}

static void
simport_alloc_cb(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
    static char slab[256 << 10];

    *buf = uv_buf_init(slab, sizeof slab);
}

static void
simport_peer_read_cb(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    struct simport_peer *p = s->data;
    char                *end;

    if (n < 0) {
        simport_peer_close(p);
        return;
    }
    if (p->b == NULL)
        return;
    if (p->b->kind == KIND_ECHO) {
        simport_peer_write(p, buf->base, (size_t)n);
        return;
    }
    kbuf_append(&p->in, buf->base, (size_t)n);
    while ((end = strstr(p->in.data, "\r\n\r\n")) != NULL) {
        size_t      hl = (size_t)(end - p->in.data) + 4, body = 0;
        const char *cl = strcasestr(p->in.data, "\r\ncontent-length:");
        char       *head;
        int         close_after;

        if (cl != NULL && cl < end)
            body = strtoul(cl + 17, NULL, 10);
        if (p->in.len < hl + body)
            return; /* the body is still coming */
        head = xstrndup(p->in.data, hl);
        kbuf_consume(&p->in, hl + body);
        close_after = simport_http(p, head);
        free(head);
        if (close_after) {
            uv_shutdown_t *req = xmalloc(sizeof *req);

            uv_read_stop(s);
            req->data = p;
            if (uv_shutdown(req, s, simport_peer_shutdown_cb) < 0) {
                free(req);
                simport_peer_close(p);
            }
            return;
        }
    }
}

static void
simport_accept_cb(uv_stream_t *server, int status)
{
    struct simport_backend *b = server->data;
    struct simport_peer    *p;

    if (status < 0)
        return;
    p = xcalloc(1, sizeof *p);
    p->b = b;
    p->set = b->set;
    kbuf_init(&p->in);
    kbuf_puts(&p->in, "");
    uv_tcp_init(b->set->loop, &p->tcp);
    p->tcp.data = p;
    b->set->handles++;
    p->next = b->peers;
    if (b->peers != NULL)
        b->peers->prev = p;
    b->peers = p;
    if (uv_accept(server, (uv_stream_t *)&p->tcp) < 0 ||
        uv_read_start((uv_stream_t *)&p->tcp, simport_alloc_cb,
                      simport_peer_read_cb) < 0)
        simport_peer_close(p);
}

static void
simport_listener_close_cb(uv_handle_t *h)
{
    struct simport_backend *b = h->data;
    struct simport_set     *set = b->set;

    free(b->uid);
    free(b->pod);
    free(b->container);
    free(b->image);
    free(b);
    simport_handle_closed(set);
}

static void
simport_backend_close(struct simport_backend *b)
{
    struct simport_peer *p, *next;

    for (p = b->peers; p != NULL; p = next) {
        next = p->next;
        simport_peer_close(p);
        p->b = NULL; /* its close callback must not look back */
        p->prev = p->next = NULL;
    }
    b->peers = NULL;
    uv_close((uv_handle_t *)&b->listener, simport_listener_close_cb);
}

int
simport_lookup(struct simport_set *set, const char *uid, int port)
{
    struct simport_backend *b;

    for (b = set->backends; b != NULL; b = b->next) {
        if (b->port == port && strcmp(b->uid, uid) == 0)
            return b->local_port;
    }
    return -1;
}

int
simport_backend(struct simport_set *set, const char *uid, const char *pod,
                const char *container, const char *image, int port)
{
    struct simport_backend *b;
    struct sockaddr_in      sa;
    struct sockaddr_storage name;
    int                     namelen = sizeof name, found;

    if (set->closing)
        return -1;
    if ((found = simport_lookup(set, uid, port)) >= 0)
        return found;
    b = xcalloc(1, sizeof *b);
    b->set = set;
    b->uid = xstrdup(uid);
    b->pod = xstrdup(pod);
    b->container = xstrdup(container ? container : "");
    b->image = xstrdup(image ? image : "");
    b->port = port;
    b->kind = simport_kind_of(image);
    b->started_ms = know_ms();
    uv_tcp_init(set->loop, &b->listener);
    b->listener.data = b;
    set->handles++;
    uv_ip4_addr("127.0.0.1", 0, &sa);
    if (uv_tcp_bind(&b->listener, (struct sockaddr *)&sa, 0) < 0 ||
        uv_listen((uv_stream_t *)&b->listener, 64, simport_accept_cb) < 0 ||
        uv_tcp_getsockname(&b->listener, (struct sockaddr *)&name, &namelen) <
            0) {
        uv_close((uv_handle_t *)&b->listener, simport_listener_close_cb);
        return -1;
    }
    b->local_port = ntohs(((struct sockaddr_in *)&name)->sin_port);
    b->next = set->backends;
    set->backends = b;
    klog("backend for %s port %d on 127.0.0.1:%d", pod, port, b->local_port);
    return b->local_port;
}

void
simport_started(struct simport_set *set, const char *uid, const char *container,
                int64_t started_ms)
{
    struct simport_backend *b;

    for (b = set->backends; b != NULL; b = b->next) {
        if (strcmp(b->uid, uid) == 0 && strcmp(b->container, container) == 0)
            b->started_ms = started_ms;
    }
}

int
simport_exec_port_cb(void *set, const char *uid, int port)
{
    return simport_lookup(set, uid, port);
}

/* --- the set --- */

struct simport_set *
simport_set_create(uv_loop_t *loop)
{
    struct simport_set *set = xcalloc(1, sizeof *set);

    set->loop = loop;
    return set;
}

struct simws_list *
simport_sessions(struct simport_set *set)
{
    return &set->sessions;
}

void
simport_set_access_cb(struct simport_set *set, simport_access_cb cb, void *data)
{
    set->access_cb = cb;
    set->access_data = data;
}

void
simport_forget(struct simport_set *set, const char *uid)
{
    struct simport_backend **bp = &set->backends, *b;

    while ((b = *bp) != NULL) {
        if (strcmp(b->uid, uid) == 0) {
            *bp = b->next;
            simport_backend_close(b);
        } else {
            bp = &b->next;
        }
    }
}

void
simport_sweep(struct simport_set *set,
              int (*alive)(void *data, const char *uid), void *data)
{
    struct simport_backend *b;
    char                  **dead = NULL;
    size_t                  n = 0, i;

    for (b = set->backends; b != NULL; b = b->next) {
        for (i = 0; i < n; i++) {
            if (strcmp(dead[i], b->uid) == 0)
                break;
        }
        if (i == n && !alive(data, b->uid)) {
            dead = xrealloc(dead, (n + 1) * sizeof *dead);
            dead[n++] = xstrdup(b->uid);
        }
    }
    for (i = 0; i < n; i++) {
        simport_forget(set, dead[i]);
        free(dead[i]);
    }
    free(dead);
}

void
simport_set_close(struct simport_set *set, void (*done_cb)(void *), void *data)
{
    struct simport_backend *b, *next;

    set->closing = 1;
    set->done_cb = done_cb;
    set->done_data = data;
    simws_list_abort(&set->sessions);
    for (b = set->backends; b != NULL; b = next) {
        next = b->next;
        simport_backend_close(b);
    }
    set->backends = NULL;
    /* One extra count so that "no handles at all" also ends here. */
    set->handles++;
    simport_handle_closed(set);
}

/* --- port-forward over WebSocket --- */

const char *const simport_protocols[] = {
    "v4.channel.k8s.io",
    NULL,
};

struct simport_fwd;

/* One forwarded port: a TCP connection to its backend. */
struct simport_stream {
    struct simport_fwd *f; /* NULL once the session is gone */
    uv_tcp_t            tcp;
    uv_connect_t        connect;
    int                 index, port, connected, ended, closing;
    struct kbuf         pending; /* client bytes before the connect */
};

struct simport_fwd {
    struct simport_set    *set;
    struct simws          *ws;
    char                  *uid, *pod;
    struct simport_stream *streams;
    int                    nstreams, live;
};

static void
simport_stream_write(struct simport_stream *st, const uint8_t *p, size_t n)
{
    if (!st->connected) {
        kbuf_append(&st->pending, p, n);
        return;
    }
    kwrite((uv_stream_t *)&st->tcp, p, n, NULL, NULL);
}

static void simport_fwd_free_if_done(struct simport_fwd *);
static void simport_fwd_stream_closed_cb(uv_handle_t *);

/* The port's session is over; once all are, close the WebSocket. */
static void
simport_stream_end(struct simport_stream *st, const char *error)
{
    struct simport_fwd *f = st->f;

    if (st->ended)
        return;
    st->ended = 1;
    if (error != NULL && f->ws != NULL) {
        char *msg = xasprintf("error forwarding port %d to pod %s, uid %s: %s",
                              st->port, f->pod, f->uid, error);

        simws_send_channel(f->ws, 2 * st->index + 1, msg, strlen(msg));
        free(msg);
    }
    if (!st->closing) {
        st->closing = 1;
        uv_close((uv_handle_t *)&st->tcp, simport_fwd_stream_closed_cb);
    }
    if (--f->live == 0 && f->ws != NULL)
        simws_close(f->ws, 1000);
}

static void
simport_stream_read_cb(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    struct simport_stream *st = s->data;

    if (st->f == NULL || st->ended)
        return;
    if (n < 0) {
        simport_stream_end(st, NULL);
        return;
    }
    if (st->f->ws != NULL)
        simws_send_channel(st->f->ws, 2 * st->index, buf->base, (size_t)n);
}

static void
simport_stream_connect_cb(uv_connect_t *req, int status)
{
    struct simport_stream *st = req->data;

    if (st->f == NULL || st->ended)
        return;
    if (status < 0) {
        char *msg = xasprintf("failed to connect to localhost:%d inside "
                              "namespace \"%s\", IPv4: dial tcp4 "
                              "127.0.0.1:%d: connect: connection refused ",
                              st->port, st->f->pod, st->port);

        simport_stream_end(st, msg);
        free(msg);
        return;
    }
    st->connected = 1;
    if (st->pending.len > 0) {
        simport_stream_write(st, (uint8_t *)st->pending.data, st->pending.len);
        kbuf_reset(&st->pending);
    }
    uv_read_start((uv_stream_t *)&st->tcp, simport_alloc_cb,
                  simport_stream_read_cb);
}

static void
simport_fwd_message(struct simws *ws, const uint8_t *m, size_t n, void *data)
{
    struct simport_fwd *f = data;
    int                 ch;

    if (n == 0)
        return;
    ch = m[0];
    /* Odd channels are the server's error channels: ignore. */
    if (ch % 2 != 0 || ch / 2 >= f->nstreams)
        return;
    if (!f->streams[ch / 2].ended && n > 1)
        simport_stream_write(&f->streams[ch / 2], m + 1, n - 1);
}

/* Free the session once the WebSocket is gone and every stream's handle
 * closed. Streams are in one array, so wait for all of them. */
static void
simport_fwd_stream_closed_cb(uv_handle_t *h)
{
    struct simport_stream *st = h->data;
    struct simport_fwd    *f = st->f;

    kbuf_done(&st->pending);
    st->closing = 2;
    simport_fwd_free_if_done(f);
}

static void
simport_fwd_free_if_done(struct simport_fwd *f)
{
    int i;

    if (f->ws != NULL)
        return;
    for (i = 0; i < f->nstreams; i++) {
        if (f->streams[i].closing != 2)
            return;
    }
    free(f->streams);
    free(f->uid);
    free(f->pod);
    free(f);
}

static void
simport_fwd_closed(struct simws *ws, void *data)
{
    struct simport_fwd *f = data;
    int                 i;

    f->ws = NULL;
    for (i = 0; i < f->nstreams; i++) {
        struct simport_stream *st = &f->streams[i];

        st->ended = 1;
        if (!st->closing) {
            st->closing = 1;
            uv_close((uv_handle_t *)&st->tcp, simport_fwd_stream_closed_cb);
        }
    }
    simport_fwd_free_if_done(f);
}

static const struct simws_ops simport_fwd_ops = {
    .message = simport_fwd_message,
    .closed = simport_fwd_closed,
};

struct simws *
simport_forward_start(struct simport_set *set, const struct simws_io *io,
                      const char *ws_key, const char *protocol, const char *uid,
                      const char *pod, const int *ports, int nports)
{
    struct simport_fwd *f = xcalloc(1, sizeof *f);
    struct simws       *ws;
    struct sockaddr_in  sa;
    int                 i;

    f->set = set;
    f->uid = xstrdup(uid);
    f->pod = xstrdup(pod);
    f->nstreams = nports;
    f->live = nports;
    f->streams = xcalloc((size_t)(nports ? nports : 1), sizeof *f->streams);
    for (i = 0; i < nports; i++) {
        struct simport_stream *st = &f->streams[i];

        st->f = f;
        st->index = i;
        st->port = ports[i];
        kbuf_init(&st->pending);
        uv_tcp_init(set->loop, &st->tcp);
        st->tcp.data = st;
        st->connect.data = st;
    }
    /* ws stays valid until the loop runs (simws frees from a close
     * callback), even if closed() already cleared f->ws. */
    ws = f->ws = simws_start(set->loop, &set->sessions, io, ws_key, protocol,
                             &simport_fwd_ops, f);
    for (i = 0; i < nports; i++) {
        struct simport_stream *st = &f->streams[i];
        uint8_t le[2] = {(uint8_t)(st->port & 0xff), (uint8_t)(st->port >> 8)};
        int     local = simport_lookup(set, uid, st->port);

        if (f->ws == NULL)
            break;
        simws_send_channel(f->ws, 2 * i, le, 2);
        simws_send_channel(f->ws, 2 * i + 1, le, 2);
        if (local < 0) {
            char *msg = xasprintf("failed to connect to localhost:%d inside "
                                  "namespace \"%s\", IPv4: dial tcp4 "
                                  "127.0.0.1:%d: connect: connection "
                                  "refused ",
                                  st->port, pod, st->port);

            simport_stream_end(st, msg);
            free(msg);
            continue;
        }
        uv_ip4_addr("127.0.0.1", local, &sa);
        if (uv_tcp_connect(&st->connect, &st->tcp, (struct sockaddr *)&sa,
                           simport_stream_connect_cb) < 0)
            simport_stream_end(st, "connect failed");
    }
    if (nports == 0)
        simws_close(ws, 1000);
    return ws;
}
