/*
 * kpod-sim's HTTP/1.1 server: accepts loopback connections on the sim's
 * loop, parses requests with http-parser (keep-alive, one request at a time
 * per connection), hands each to the route table and writes plain or
 * chunked streaming answers. Upgraded connections (WebSocket) are handed
 * raw to their protocol. It knows nothing about Kubernetes objects.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <http_parser.h>

#include "kwrite.h"
#include "sim-int.h"

#define SIMHTTP_MAX_INPUT (8 * 1024 * 1024)

struct simconn {
    uv_tcp_t        tcp;
    struct sim     *sim;
    struct simconn *next, *prev;
    http_parser     parser;
    struct kbuf     in; /* bytes read, not yet parsed */
    struct simreq   req;
    int             in_request; /* headers seen, message not complete */
    int             busy;       /* a request is being answered */
    int             keep_alive;
    int             closing;
    int             last_was_value;
    struct kbuf     hfield, hvalue, url;
    uv_timer_t      latency;
    int             latency_open;
    /* upgraded */
    const struct simhttp_upgrade_ops *up_ops;
    void                             *up_data;
};

struct simwrite {
    uv_write_t w;
    char      *data;
};

static void simhttp_parse(struct simconn *);
static void simhttp_dispatch(struct simconn *);
static void simhttp_finish(struct simreq *);

static const char *
simhttp_reason(int code)
{
    switch (code) {
    case 101:
        return "Switching Protocols";
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 202:
        return "Accepted";
    case 204:
        return "No Content";
    case 301:
        return "Moved Permanently";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 406:
        return "Not Acceptable";
    case 409:
        return "Conflict";
    case 410:
        return "Gone";
    case 415:
        return "Unsupported Media Type";
    case 422:
        return "Unprocessable Entity";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    }
    return "Unknown";
}

/* ---- request parsing ------------------------------------------------ */

static void
simhttp_req_reset(struct simconn *c)
{
    struct simreq *r = &c->req;
    size_t         i;

    free(r->method);
    free(r->path);
    free(r->url);
    for (i = 0; i < r->nquery; i++) {
        free(r->query[i].key);
        free(r->query[i].value);
    }
    free(r->query);
    for (i = 0; i < r->nheaders; i++) {
        free(r->headers[i].key);
        free(r->headers[i].value);
    }
    free(r->headers);
    kbuf_done(&r->body);
    memset(r, 0, sizeof *r);
    r->sim = c->sim;
    r->conn = c;
    kbuf_init(&r->body);
    kbuf_reset(&c->hfield);
    kbuf_reset(&c->hvalue);
    kbuf_reset(&c->url);
    c->last_was_value = 0;
}

static int
hexval(int ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* Percent-decode (and '+' to space when form is set). */
static char *
simhttp_decode(const char *s, size_t n, int form)
{
    char  *out = xmalloc(n + 1);
    size_t i, o = 0;

    for (i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 &&
            hexval(s[i + 2]) >= 0) {
            out[o++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            i += 2;
        } else if (form && s[i] == '+')
            out[o++] = ' ';
        else
            out[o++] = s[i];
    }
    out[o] = '\0';
    return out;
}

static void
simhttp_header_done(struct simconn *c)
{
    struct simreq *r = &c->req;
    size_t         i;

    if (c->hfield.len == 0)
        return;
    r->headers = xrealloc(r->headers, (r->nheaders + 1) * sizeof *r->headers);
    r->headers[r->nheaders].key = xstrdup(c->hfield.data);
    for (i = 0; r->headers[r->nheaders].key[i] != '\0'; i++)
        r->headers[r->nheaders].key[i] =
            (char)tolower((unsigned char)r->headers[r->nheaders].key[i]);
    r->headers[r->nheaders].value =
        xstrdup(c->hvalue.data ? c->hvalue.data : "");
    r->nheaders++;
    kbuf_reset(&c->hfield);
    kbuf_reset(&c->hvalue);
}

static int
on_message_begin(http_parser *p)
{
    struct simconn *c = p->data;

    simhttp_req_reset(c);
    c->in_request = 1;
    return 0;
}

static int
on_url(http_parser *p, const char *at, size_t n)
{
    struct simconn *c = p->data;

    kbuf_append(&c->url, at, n);
    return 0;
}

static int
on_header_field(http_parser *p, const char *at, size_t n)
{
    struct simconn *c = p->data;

    if (c->last_was_value)
        simhttp_header_done(c);
    c->last_was_value = 0;
    kbuf_append(&c->hfield, at, n);
    return 0;
}

static int
on_header_value(http_parser *p, const char *at, size_t n)
{
    struct simconn *c = p->data;

    c->last_was_value = 1;
    kbuf_append(&c->hvalue, at, n);
    return 0;
}

static void
simhttp_split_url(struct simreq *r, const char *url)
{
    const char *q = strchr(url, '?');
    const char *s, *e, *eq;

    r->url = xstrdup(url);
    r->path = simhttp_decode(url, q ? (size_t)(q - url) : strlen(url), 0);
    if (q == NULL)
        return;
    for (s = q + 1; *s != '\0'; s = *e ? e + 1 : e) {
        e = strchr(s, '&');
        if (e == NULL)
            e = s + strlen(s);
        if (e == s)
            continue;
        eq = memchr(s, '=', (size_t)(e - s));
        r->query = xrealloc(r->query, (r->nquery + 1) * sizeof *r->query);
        if (eq != NULL) {
            r->query[r->nquery].key = simhttp_decode(s, (size_t)(eq - s), 1);
            r->query[r->nquery].value =
                simhttp_decode(eq + 1, (size_t)(e - eq - 1), 1);
        } else {
            r->query[r->nquery].key = simhttp_decode(s, (size_t)(e - s), 1);
            r->query[r->nquery].value = xstrdup("");
        }
        r->nquery++;
    }
}

static int
on_headers_complete(http_parser *p)
{
    struct simconn *c = p->data;

    simhttp_header_done(c);
    c->req.method = xstrdup(http_method_str((enum http_method)p->method));
    simhttp_split_url(&c->req, c->url.data ? c->url.data : "/");
    return 0;
}

static int
on_body(http_parser *p, const char *at, size_t n)
{
    struct simconn *c = p->data;

    if (c->req.body.len + n > SIMHTTP_MAX_INPUT)
        return -1;
    kbuf_append(&c->req.body, at, n);
    return 0;
}

static void
latency_cb(uv_timer_t *t)
{
    struct simconn *c = t->data;

    simroute_dispatch(&c->req);
}

static int
on_message_complete(http_parser *p)
{
    struct simconn *c = p->data;

    c->in_request = 0;
    c->busy = 1;
    c->keep_alive = http_should_keep_alive(p);
    c->req.upgrade = p->upgrade;
    /* dispatched by simhttp_parse once the parser has returned */
    http_parser_pause(p, 1);
    return 0;
}

static void
simhttp_dispatch(struct simconn *c)
{
    struct sim *sim = c->sim;

    if (sim->opts.latency_ms > 0 && !c->req.upgrade) {
        if (!c->latency_open) {
            uv_timer_init(sim->loop, &c->latency);
            c->latency.data = c;
            c->latency_open = 1;
        }
        uv_timer_start(&c->latency, latency_cb, (uint64_t)sim->opts.latency_ms,
                       0);
    } else
        simroute_dispatch(&c->req);
}

static const http_parser_settings simhttp_settings = {
    .on_message_begin = on_message_begin,
    .on_url = on_url,
    .on_header_field = on_header_field,
    .on_header_value = on_header_value,
    .on_headers_complete = on_headers_complete,
    .on_body = on_body,
    .on_message_complete = on_message_complete,
};

/* ---- connections ---------------------------------------------------- */

static void
simhttp_conn_free(struct simconn *c)
{
    struct sim *sim = c->sim;

    if (c->prev != NULL)
        c->prev->next = c->next;
    else if (sim->conns == c)
        sim->conns = c->next;
    if (c->next != NULL)
        c->next->prev = c->prev;
    simhttp_req_reset(c);
    kbuf_done(&c->req.body);
    kbuf_done(&c->in);
    kbuf_done(&c->hfield);
    kbuf_done(&c->hvalue);
    kbuf_done(&c->url);
    free(c);
}

static void
latency_close_cb(uv_handle_t *h)
{
    struct simconn *c = h->data;
    struct sim     *sim = c->sim;

    simhttp_conn_free(c);
    sim->pending_closes--;
    sim_maybe_done(sim);
}

static void
conn_close_cb(uv_handle_t *h)
{
    struct simconn *c = h->data;
    struct sim     *sim = c->sim;

    if (c->latency_open) {
        uv_close((uv_handle_t *)&c->latency, latency_close_cb);
        return;
    }
    simhttp_conn_free(c);
    sim->pending_closes--;
    sim_maybe_done(sim);
}

void
simhttp_conn_close(struct simconn *c)
{
    struct simreq *r = &c->req;

    if (c->closing)
        return;
    c->closing = 1;
    if (c->up_ops != NULL && c->up_ops->closed_cb != NULL) {
        const struct simhttp_upgrade_ops *ops = c->up_ops;

        c->up_ops = NULL;
        ops->closed_cb(c, c->up_data);
    }
    if (c->busy && r->streaming && r->cancel_cb != NULL) {
        void (*cb)(struct simreq *, void *) = r->cancel_cb;

        r->cancel_cb = NULL;
        cb(r, r->cancel_data);
    }
    c->sim->pending_closes++;
    uv_close((uv_handle_t *)&c->tcp, conn_close_cb);
}

static void
alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    buf->base = xmalloc(65536);
    buf->len = 65536;
    (void)h;
    (void)suggested;
}

static void
read_cb(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    struct simconn *c = s->data;

    if (n < 0) {
        free(buf->base);
        simhttp_conn_close(c);
        return;
    }
    if (c->closing) {
        free(buf->base);
        return;
    }
    if (c->up_ops != NULL) {
        if (n > 0)
            c->up_ops->read_cb(c, buf->base, (size_t)n, c->up_data);
        free(buf->base);
        return;
    }
    kbuf_append(&c->in, buf->base, (size_t)n);
    free(buf->base);
    if (c->in.len > SIMHTTP_MAX_INPUT) {
        simhttp_conn_close(c);
        return;
    }
    if (!c->busy)
        simhttp_parse(c);
}

static void
simhttp_parse(struct simconn *c)
{
    size_t n;

    while (!c->busy && !c->closing && c->in.len > 0) {
        n = http_parser_execute(&c->parser, &simhttp_settings, c->in.data,
                                c->in.len);
        if (HTTP_PARSER_ERRNO(&c->parser) == HPE_PAUSED) {
            kbuf_consume(&c->in, n);
            simhttp_dispatch(c);
            return;
        }
        if (HTTP_PARSER_ERRNO(&c->parser) != HPE_OK) {
            static const char bad[] =
                "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n"
                "Connection: close\r\n\r\n";

            simhttp_raw_write(c, bad, sizeof bad - 1);
            simhttp_conn_close(c);
            return;
        }
        kbuf_consume(&c->in, n);
    }
}

static void
connection_cb(uv_stream_t *server, int status)
{
    struct sim     *sim = server->data;
    struct simconn *c;

    if (status < 0)
        return;
    c = xcalloc(1, sizeof *c);
    c->sim = sim;
    kbuf_init(&c->in);
    kbuf_init(&c->hfield);
    kbuf_init(&c->hvalue);
    kbuf_init(&c->url);
    kbuf_init(&c->req.body);
    uv_tcp_init(sim->loop, &c->tcp);
    c->tcp.data = c;
    if (uv_accept(server, (uv_stream_t *)&c->tcp) != 0) {
        sim->pending_closes++;
        c->closing = 1;
        uv_close((uv_handle_t *)&c->tcp, conn_close_cb);
        return;
    }
    c->next = sim->conns;
    if (sim->conns != NULL)
        sim->conns->prev = c;
    sim->conns = c;
    http_parser_init(&c->parser, HTTP_REQUEST);
    c->parser.data = c;
    uv_tcp_nodelay(&c->tcp, 1);
    uv_read_start((uv_stream_t *)&c->tcp, alloc_cb, read_cb);
}

/* Start accepting on sim->listener (already bound). */
int
simhttp_listen(struct sim *sim)
{
    sim->listener.data = sim;
    return uv_listen((uv_stream_t *)&sim->listener, 128, connection_cb);
}

/* Close every connection (the sim is shutting down). */
void
simhttp_close_all(struct sim *sim)
{
    struct simconn *c, *next;

    for (c = sim->conns; c != NULL; c = next) {
        next = c->next;
        simhttp_conn_close(c);
    }
}

/* Drop every open connection (--restart-every). */
void
simhttp_drop_all(struct sim *sim)
{
    simhttp_close_all(sim);
}

/* ---- writing -------------------------------------------------------- */

static void
write_cb(uv_write_t *w, int status)
{
    struct simwrite *sw = (struct simwrite *)w;

    free(sw->data);
    free(sw);
    (void)status;
}

/* Takes ownership of data. */
static int
simhttp_write_owned(struct simconn *c, char *data, size_t len)
{
    struct simwrite *sw;
    uv_buf_t         b;
    int              rc;

    if (c->closing) {
        free(data);
        return -1;
    }
    sw = xmalloc(sizeof *sw);
    sw->data = data;
    b = uv_buf_init(data, (unsigned int)len);
    rc = uv_write(&sw->w, (uv_stream_t *)&c->tcp, &b, 1, write_cb);
    if (rc != 0) {
        free(data);
        free(sw);
        simhttp_conn_close(c);
        return -1;
    }
    return 0;
}

int
simhttp_raw_write(struct simconn *c, const void *data, size_t len)
{
    /* The upgraded streams' bulk path: written at once when the socket
     * takes it, copied only when it must wait. */
    if (c->closing)
        return -1;
    if (kwrite((uv_stream_t *)&c->tcp, data, len, NULL, NULL) < 0) {
        simhttp_conn_close(c);
        return -1;
    }
    return 0;
}

size_t
simhttp_raw_queued(struct simconn *c)
{
    return uv_stream_get_write_queue_size((uv_stream_t *)&c->tcp);
}

uv_loop_t *
simhttp_conn_loop(struct simconn *c)
{
    return c->sim->loop;
}

static void
simhttp_head(struct kbuf *b, int code, const char *ctype, const char *extra)
{
    char      date[64];
    time_t    now = time(NULL);
    struct tm tm;

    gmtime_r(&now, &tm);
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    kbuf_printf(b, "HTTP/1.1 %d %s\r\n", code, simhttp_reason(code));
    kbuf_printf(b, "Audit-Id: %08x-sim\r\n",
                (unsigned)(know_ms() & 0xffffffff));
    kbuf_puts(b, "Cache-Control: no-cache, private\r\n");
    if (ctype != NULL)
        kbuf_printf(b, "Content-Type: %s\r\n", ctype);
    kbuf_printf(b, "Date: %s\r\n", date);
    if (extra != NULL)
        kbuf_puts(b, extra);
}

/* The request is answered: parse the next one, or close. */
static void
simhttp_finish(struct simreq *r)
{
    struct simconn *c = r->conn;

    r->answered = 1;
    c->busy = 0;
    if (c->closing)
        return;
    if (!c->keep_alive) {
        simhttp_conn_close(c);
        return;
    }
    http_parser_pause(&c->parser, 0);
    simhttp_parse(c);
}

void
simhttp_respond(struct simreq *r, int code, const char *ctype, const char *body,
                size_t len, const char *extra)
{
    struct simconn *c = r->conn;
    struct kbuf     b;
    int             chunked = c->sim->opts.chunk_bytes > 0 && len > 0;

    kbuf_init(&b);
    simhttp_head(&b, code, ctype, extra);
    if (!c->keep_alive)
        kbuf_puts(&b, "Connection: close\r\n");
    if (chunked) {
        size_t off, n, step = (size_t)c->sim->opts.chunk_bytes;

        kbuf_puts(&b, "Transfer-Encoding: chunked\r\n\r\n");
        {
            size_t l = b.len;

            simhttp_write_owned(c, kbuf_steal(&b), l);
        }
        for (off = 0; off < len; off += n) {
            struct kbuf ch;

            n = len - off < step ? len - off : step;
            kbuf_init(&ch);
            kbuf_printf(&ch, "%zx\r\n", n);
            kbuf_append(&ch, body + off, n);
            kbuf_puts(&ch, "\r\n");
            {
                size_t l = ch.len;

                simhttp_write_owned(c, kbuf_steal(&ch), l);
            }
        }
        simhttp_raw_write(c, "0\r\n\r\n", 5);
    } else {
        size_t l;

        kbuf_printf(&b, "Content-Length: %zu\r\n\r\n", len);
        kbuf_append(&b, body, len);
        l = b.len;
        simhttp_write_owned(c, kbuf_steal(&b), l);
    }
    simhttp_finish(r);
}

void
simhttp_respond_json(struct simreq *r, int code, cJSON *obj)
{
    char *text = cJSON_PrintUnformatted(obj);

    simhttp_respond(r, code, "application/json", text, strlen(text), NULL);
    free(text);
    cJSON_Delete(obj);
}

cJSON *
simhttp_status_obj(int code, const char *reason, const char *message,
                   const char *dname, const char *dkind)
{
    cJSON *st = cJSON_CreateObject();

    cJSON_AddStringToObject(st, "kind", "Status");
    cJSON_AddStringToObject(st, "apiVersion", "v1");
    cJSON_AddObjectToObject(st, "metadata");
    cJSON_AddStringToObject(st, "status", "Failure");
    cJSON_AddStringToObject(st, "message", message);
    cJSON_AddStringToObject(st, "reason", reason);
    if (dname != NULL || dkind != NULL) {
        cJSON *d = cJSON_AddObjectToObject(st, "details");

        if (dname != NULL)
            cJSON_AddStringToObject(d, "name", dname);
        if (dkind != NULL)
            cJSON_AddStringToObject(d, "kind", dkind);
    }
    cJSON_AddNumberToObject(st, "code", code);
    return st;
}

void
simhttp_status(struct simreq *r, int code, const char *reason,
               const char *dname, const char *dkind, const char *fmt, ...)
{
    va_list ap;
    char   *msg;

    va_start(ap, fmt);
    msg = xvasprintf(fmt, ap);
    va_end(ap);
    simhttp_respond_json(r, code,
                         simhttp_status_obj(code, reason, msg, dname, dkind));
    free(msg);
}

void
simhttp_stream_begin(struct simreq *r, int code, const char *ctype)
{
    struct kbuf b;
    size_t      l;

    r->streaming = 1;
    kbuf_init(&b);
    simhttp_head(&b, code, ctype, NULL);
    kbuf_puts(&b, "Transfer-Encoding: chunked\r\n\r\n");
    l = b.len;
    simhttp_write_owned(r->conn, kbuf_steal(&b), l);
}

int
simhttp_stream_write(struct simreq *r, const void *data, size_t len)
{
    struct kbuf b;
    size_t      l, step, off, n;

    if (len == 0)
        return 0;
    step =
        r->sim->opts.chunk_bytes > 0 ? (size_t)r->sim->opts.chunk_bytes : len;
    for (off = 0; off < len; off += n) {
        n = len - off < step ? len - off : step;
        kbuf_init(&b);
        kbuf_printf(&b, "%zx\r\n", n);
        kbuf_append(&b, (const char *)data + off, n);
        kbuf_puts(&b, "\r\n");
        l = b.len;
        if (simhttp_write_owned(r->conn, kbuf_steal(&b), l) != 0)
            return -1;
    }
    return 0;
}

size_t
simhttp_stream_queued(struct simreq *r)
{
    return simhttp_raw_queued(r->conn);
}

void
simhttp_stream_end(struct simreq *r)
{
    r->cancel_cb = NULL;
    simhttp_raw_write(r->conn, "0\r\n\r\n", 5);
    r->streaming = 0;
    simhttp_finish(r);
}

void
simhttp_stream_abort(struct simreq *r)
{
    struct simconn *c = r->conn;

    r->cancel_cb = NULL;
    simhttp_conn_close(c);
}

void
simhttp_upgrade(struct simreq *r, const struct simhttp_upgrade_ops *ops,
                void *data)
{
    struct simconn *c = r->conn;

    c->up_ops = ops;
    c->up_data = data;
    r->answered = 1;
    if (c->in.len > 0) {
        struct kbuf rest = c->in;

        kbuf_init(&c->in);
        ops->read_cb(c, rest.data, rest.len, data);
        kbuf_done(&rest);
    }
}

/* ---- request accessors ---------------------------------------------- */

const char *
simhttp_query(struct simreq *r, const char *key)
{
    size_t i;

    for (i = 0; i < r->nquery; i++)
        if (strcmp(r->query[i].key, key) == 0)
            return r->query[i].value;
    return NULL;
}

int
simhttp_query_bool(struct simreq *r, const char *key)
{
    const char *v = simhttp_query(r, key);

    if (v == NULL)
        return 0;
    return strcmp(v, "0") != 0 && strcasecmp(v, "false") != 0;
}

size_t
simhttp_query_all(struct simreq *r, const char *key, const char ***out)
{
    size_t i, n = 0;

    *out = xcalloc(r->nquery + 1, sizeof **out);
    for (i = 0; i < r->nquery; i++)
        if (strcmp(r->query[i].key, key) == 0)
            (*out)[n++] = r->query[i].value;
    return n;
}

const char *
simhttp_header(struct simreq *r, const char *lname)
{
    size_t i;

    for (i = 0; i < r->nheaders; i++)
        if (strcmp(r->headers[i].key, lname) == 0)
            return r->headers[i].value;
    return NULL;
}
