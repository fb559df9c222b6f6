/*
 * curl inside the simulated container: an HTTP/1.1 GET (or -X/-I) to one
 * of the pod's own ports, which the simulator backs with a real loopback
 * server (simport). It prints the body (-i: headers too), follows curl's
 * exit codes and messages for unresolvable hosts and refused connections
 * (silenced by -s unless -S), and never blocks the loop.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simexec-int.h"
#include "util.h"

struct simexec_curl {
    uv_tcp_t             tcp;
    uv_connect_t         connect;
    uv_write_t           wreq;
    struct simexec_proc *p; /* NULL once the process is gone */
    struct kbuf          req, resp;
    int                  silent, show_error, include, head, fail;
    char                *outfile, *host;
    int                  port;
};

static void
simexec_curl_close_cb(uv_handle_t *h)
{
    struct simexec_curl *c = h->data;

    kbuf_done(&c->req);
    kbuf_done(&c->resp);
    free(c->outfile);
    free(c->host);
    free(c);
}

static void
simexec_curl_end(struct simexec_curl *c, int code, const char *err)
{
    struct simexec_proc *p = c->p;

    if (!uv_is_closing((uv_handle_t *)&c->tcp))
        uv_close((uv_handle_t *)&c->tcp, simexec_curl_close_cb);
    if (p == NULL)
        return;
    c->p = NULL;
    p->curl = NULL;
    if (err != NULL && (!c->silent || c->show_error))
        simexec_printf(p, 2, "curl: (%d) %s\n", code, err);
    p->wait = WAIT_NONE;
    p->last = code;
    simexec_run(p);
}

/* The whole response is in: print it the way curl would. */
static void
simexec_curl_done(struct simexec_curl *c)
{
    struct simexec_proc *p = c->p;
    const char          *r = c->resp.data, *body;
    size_t               hlen, blen;
    int                  status = 0;

    body = strstr(r, "\r\n\r\n");
    if (strncmp(r, "HTTP/", 5) != 0 || body == NULL) {
        simexec_curl_end(c, 1, "Received HTTP/0.9 when not allowed");
        return;
    }
    hlen = (size_t)(body - r) + 4;
    blen = c->resp.len - hlen;
    sscanf(r, "HTTP/%*s %d", &status);
    if (c->fail && status >= 400) {
        char *msg = xasprintf("The requested URL returned error: %d", status);

        simexec_curl_end(c, 22, msg);
        free(msg);
        return;
    }
    if (c->outfile != NULL) {
        simexec_fs_write(p->fs, c->outfile, r + hlen, blen, 0);
    } else {
        if (c->include || c->head)
            simexec_write(p, 1, r, hlen);
        if (!c->head)
            simexec_write(p, 1, r + hlen, blen);
    }
    simexec_curl_end(c, 0, NULL);
}

/* Done when Content-Length bytes of body arrived (or at EOF). */
static int
simexec_curl_complete(struct simexec_curl *c)
{
    const char *end = strstr(c->resp.data, "\r\n\r\n"), *cl;
    size_t      want;

    if (end == NULL)
        return 0;
    if (c->head)
        return 1;
    cl = strcasestr(c->resp.data, "\r\ncontent-length:");
    if (cl == NULL || cl > end)
        return 0;
    want = strtoul(cl + 17, NULL, 10);
    return c->resp.len >= (size_t)(end - c->resp.data) + 4 + want;
}

static void
simexec_curl_alloc_cb(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
    static char slab[65536];

    *buf = uv_buf_init(slab, sizeof slab);
}

static void
simexec_curl_read_cb(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    struct simexec_curl *c = s->data;

    if (c->p == NULL)
        return;
    if (n < 0) {
        if (c->resp.len == 0)
            simexec_curl_end(c, 52, "Empty reply from server");
        else
            simexec_curl_done(c);
        return;
    }
    kbuf_append(&c->resp, buf->base, (size_t)n);
    if (simexec_curl_complete(c))
        simexec_curl_done(c);
}

static void
simexec_curl_write_cb(uv_write_t *req, int status)
{
    struct simexec_curl *c = req->data;

    if (c->p != NULL && status < 0)
        simexec_curl_end(c, 55, "Failed sending data to the peer");
}

static void
simexec_curl_connect_cb(uv_connect_t *req, int status)
{
    struct simexec_curl *c = req->data;
    uv_buf_t             buf;

    if (c->p == NULL)
        return;
    if (status < 0) {
        char *msg = xasprintf("Failed to connect to %s port %d after 0 ms: "
                              "Couldn't connect to server",
                              c->host, c->port);

        simexec_curl_end(c, 7, msg);
        free(msg);
        return;
    }
    buf = uv_buf_init(c->req.data, (unsigned)c->req.len);
    c->wreq.data = c;
    uv_write(&c->wreq, (uv_stream_t *)&c->tcp, &buf, 1, simexec_curl_write_cb);
    uv_read_start((uv_stream_t *)&c->tcp, simexec_curl_alloc_cb,
                  simexec_curl_read_cb);
}

int
simexec_curl(struct simexec_proc *p, int argc, char **argv)
{
    struct simexec_curl *c;
    const char          *url = NULL, *method = "GET", *hp, *slash;
    const char          *hdrs[16];
    int                  nh = 0, silent = 0, show_error = 0, include = 0;
    int                  head = 0, fail = 0, i, backend = -1;
    char                *host, *path, *outfile = NULL, *colon;
    int                  port = 80;
    struct sockaddr_in   sa;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i];

        if (a[0] == '-' && a[1] != '-' && a[1] != '\0') {
            const char *f;

            for (f = a + 1; *f != '\0'; f++) {
                if (*f == 's')
                    silent = 1;
                else if (*f == 'S')
                    show_error = 1;
                else if (*f == 'i')
                    include = 1;
                else if (*f == 'I')
                    head = 1, method = "HEAD";
                else if (*f == 'f')
                    fail = 1;
                else if (strchr("XHomd", *f) != NULL && i + 1 < argc) {
                    if (*f == 'X')
                        method = argv[++i];
                    else if (*f == 'H' && nh < 16)
                        hdrs[nh++] = argv[++i];
                    else if (*f == 'o')
                        outfile = argv[++i];
                    else
                        ++i;
                    break;
                }
            }
        } else if (strcmp(a, "--silent") == 0) {
            silent = 1;
        } else if (strcmp(a, "--include") == 0) {
            include = 1;
        } else if (strcmp(a, "--fail") == 0) {
            fail = 1;
        } else if (strncmp(a, "--", 2) == 0) {
            if ((strcmp(a, "--max-time") == 0 ||
                 strcmp(a, "--connect-timeout") == 0) &&
                i + 1 < argc)
                i++;
        } else {
            url = a;
        }
    }
    if (url == NULL) {
        simexec_printf(p, 2,
                       "curl: try 'curl --help' for more "
                       "information\n");
        return 2;
    }
    hp = url;
    if (strncmp(hp, "http://", 7) == 0)
        hp += 7;
    else if (strstr(hp, "://") != NULL) {
        if (!silent || show_error)
            simexec_printf(p, 2, "curl: (1) Protocol \"%.*s\" not supported\n",
                           (int)(strstr(hp, "://") - hp), hp);
        return 1;
    }
    slash = strchr(hp, '/');
    host = slash ? xstrndup(hp, (size_t)(slash - hp)) : xstrdup(hp);
    path = xstrdup(slash ? slash : "/");
    if ((colon = strchr(host, ':')) != NULL) {
        *colon = '\0';
        port = atoi(colon + 1);
    }
    if (strcmp(host, "127.0.0.1") != 0 && strcmp(host, "localhost") != 0 &&
        strcmp(host, "0.0.0.0") != 0 && strcmp(host, p->pod_ip) != 0 &&
        strcmp(host, p->pod) != 0) {
        if (!silent || show_error)
            simexec_printf(p, 2, "curl: (6) Could not resolve host: %s\n",
                           host);
        free(host);
        free(path);
        return 6;
    }
    if (p->port_cb != NULL && !p->sync)
        backend = p->port_cb(p->port_data, p->uid, port);
    if (backend < 0) {
        if (!silent || show_error)
            simexec_printf(p, 2,
                           "curl: (7) Failed to connect to %s port %d after "
                           "0 ms: Couldn't connect to server\n",
                           host, port);
        free(host);
        free(path);
        return 7;
    }
    c = xcalloc(1, sizeof *c);
    c->p = p;
    c->silent = silent;
    c->show_error = show_error;
    c->include = include;
    c->head = head;
    c->fail = fail;
    c->outfile = outfile ? xstrdup(outfile) : NULL;
    c->host = host;
    c->port = port;
    kbuf_init(&c->req);
    kbuf_init(&c->resp);
    kbuf_puts(&c->resp, "");
    kbuf_printf(&c->req,
                "%s %s HTTP/1.1\r\nHost: %s:%d\r\nUser-Agent: curl/7.88.1\r\n"
                "Accept: */*\r\n",
                method, path, host, port);
    for (i = 0; i < nh; i++)
        kbuf_printf(&c->req, "%s\r\n", hdrs[i]);
    kbuf_puts(&c->req, "Connection: close\r\n\r\n");
    free(path);
    uv_tcp_init(p->loop, &c->tcp);
    c->tcp.data = c;
    c->connect.data = c;
    uv_ip4_addr("127.0.0.1", backend, &sa);
    p->curl = c;
    p->wait = WAIT_CURL;
    if (uv_tcp_connect(&c->connect, &c->tcp, (struct sockaddr *)&sa,
                       simexec_curl_connect_cb) < 0) {
        p->curl = NULL;
        p->wait = WAIT_NONE;
        c->p = NULL;
        uv_close((uv_handle_t *)&c->tcp, simexec_curl_close_cb);
        simexec_printf(p, 2, "curl: (7) Couldn't connect to server\n");
        return 7;
    }
    return ASYNC;
}

void
simexec_curl_abort(struct simexec_curl *c)
{
    c->p = NULL;
    if (!uv_is_closing((uv_handle_t *)&c->tcp))
        uv_close((uv_handle_t *)&c->tcp, simexec_curl_close_cb);
}
