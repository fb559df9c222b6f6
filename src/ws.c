/*
 * WebSocket client sessions. curl connects a CONNECT_ONLY handle (so proxy,
 * TLS and client certificates are exactly as for other requests); ws.c then
 * writes the HTTP/1.1 upgrade with every header khttp would send, checks the
 * 101, and runs wslay's client (masked frames, fragments joined, pings
 * answered, close handshake) over curl_easy_send/curl_easy_recv while a
 * uv_poll watches the socket. Every readable event drains curl until
 * CURLE_AGAIN, because TLS may hold decrypted bytes the fd never announces.
 */
#include "ws.h"

#include "base64.h"
#include "khttp.h"
#include "kubeconfig.h"
#include "loop.h"
#include "util.h"
#include "wskey.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <uv.h>
#include <wslay/wslay.h>

#include "wsframe.h"

#define WS_MAX_HEAD (64u << 10)
#define WS_MAX_BODY (1u << 20)
#define WS_MAX_MSG (64u << 20)
#define WS_CLOSE_WAIT_MS 5000
#define WS_READ_CHUNK 65536
#define WS_OUT_BATCH (64u << 10) /* write when this much is gathered */
#define WS_OUT_MAX (256u << 10)  /* then stop taking frames from wslay */

enum ws_phase {
    WS_CONNECTING, /* curl is connecting */
    WS_UPGRADING,  /* request written (or being written), waiting for 101 */
    WS_REFUSED,    /* non-101: reading the body for the error message */
    WS_OPEN,       /* frames */
    WS_DONE,       /* closed() ran or cancelled */
};

struct ws {
    struct kclient         *client;
    struct kloop           *loop;
    const struct ws_ops    *ops;
    void                   *data;
    CURL                   *easy;
    struct curl_slist      *hdrs;
    char                    errbuf[CURL_ERROR_SIZE];
    char                   *url;
    char                   *path;
    struct khttp_req       *auth;    /* fresh credentials first */
    char                   *request; /* the upgrade request text */
    char                   *key_accept;
    char                  **offer;
    char                   *protocol;
    enum ws_phase           phase;
    wslay_event_context_ptr ctx;

    curl_socket_t fd;
    uv_poll_t     poll;
    uv_timer_t    timer; /* ping / idle / close wait */
    uv_timer_t    kick;  /* resume reading buffered input */
    int           poll_live, poll_events, handles;
    int           ping_ms, idle_ms;
    uint64_t      last_read;

    struct kbuf    out;    /* raw bytes not yet accepted by curl */
    size_t         outoff; /* out[0, outoff) is written already */
    struct kbuf    in;     /* raw bytes read, not yet consumed */
    size_t         inoff;
    size_t         inend; /* wslay reads in[inoff, inend): a control frame */
    struct kbuf    frag;  /* a fragmented data message so far */
    struct ws_head head;
    int            eof;
    int            paused;
    int            busy;      /* inside wslay or a user callback */
    int            cancelled; /* ws_cancel: no more callbacks */
    int            closing;   /* ws_close asked */
    int            drain_wanted;
    int            destroyed; /* teardown started */
    long           status;
    char          *reason;
};

static void ws_pump(struct ws *);
static void ws_finish(struct ws *, const char *error);
static void ws_update_poll(struct ws *);

/* --- the head of the answer --- */

static char *
ws_trim(const char *p, size_t n)
{
    while (n > 0 && (*p == ' ' || *p == '\t'))
        p++, n--;
    while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
        n--;
    return xstrndup(p, n);
}

/* Whether a comma-separated header value lists token. */
static int
ws_has_token(const char *v, const char *token)
{
    size_t n = strlen(token);

    for (; *v != '\0'; v++) {
        if (strncasecmp(v, token, n) == 0)
            return 1;
    }
    return 0;
}

int
ws_head_parse(const char *head, size_t len, struct ws_head *h)
{
    const char *p = head, *end = head + len, *eol, *colon;
    char       *v;
    int         first = 1;

    memset(h, 0, sizeof *h);
    h->content_length = -1;
    while (p < end) {
        eol = memchr(p, '\n', (size_t)(end - p));
        if (eol == NULL)
            eol = end;
        if (first) {
            const char *sp = memchr(p, ' ', (size_t)(eol - p));
            long        st = 0;
            int         digits = 0;

            first = 0;
            if ((size_t)(eol - p) < 8 || strncmp(p, "HTTP/1.", 7) != 0 ||
                sp == NULL)
                return -1;
            sp++;
            while (sp < eol && isdigit((unsigned char)*sp) && digits < 3)
                st = st * 10 + (*sp++ - '0'), digits++;
            if (digits != 3)
                return -1;
            h->status = st;
            h->reason = ws_trim(sp, (size_t)(eol - sp));
        } else if ((colon = memchr(p, ':', (size_t)(eol - p))) != NULL) {
            size_t nlen = (size_t)(colon - p);

            v = ws_trim(colon + 1, (size_t)(eol - colon - 1));
#define WS_IS(name) (nlen == strlen(name) && strncasecmp(p, name, nlen) == 0)
            if (WS_IS("Upgrade") && h->upgrade == NULL)
                h->upgrade = v, v = NULL;
            else if (WS_IS("Sec-WebSocket-Accept") && h->accept == NULL)
                h->accept = v, v = NULL;
            else if (WS_IS("Sec-WebSocket-Protocol") && h->protocol == NULL)
                h->protocol = v, v = NULL;
            else if (WS_IS("Content-Length")) {
                char *e;
                long  n = strtol(v, &e, 10);

                if (e != v && *e == '\0' && n >= 0)
                    h->content_length = n;
            } else if (WS_IS("Transfer-Encoding"))
                h->chunked = ws_has_token(v, "chunked");
#undef WS_IS
            free(v);
        }
        p = eol + 1;
    }
    return first ? -1 : 0;
}

void
ws_head_done(struct ws_head *h)
{
    free(h->reason);
    free(h->upgrade);
    free(h->accept);
    free(h->protocol);
    memset(h, 0, sizeof *h);
}

/* --- teardown --- */

static void
ws_free_now(struct ws *ws)
{
    int i;

    if (ws->ctx != NULL)
        wslay_event_context_free(ws->ctx);
    for (i = 0; ws->offer != NULL && ws->offer[i] != NULL; i++)
        free(ws->offer[i]);
    free(ws->offer);
    free(ws->url);
    free(ws->path);
    free(ws->request);
    free(ws->key_accept);
    free(ws->protocol);
    free(ws->reason);
    kbuf_done(&ws->out);
    kbuf_done(&ws->in);
    kbuf_done(&ws->frag);
    ws_head_done(&ws->head);
    free(ws);
}

static void
ws_handle_closed(uv_handle_t *h)
{
    struct ws *ws = h->data;

    if (--ws->handles == 0)
        ws_free_now(ws);
}

static void
ws_released(CURL *easy, void *data)
{
    struct ws *ws = data;

    curl_easy_cleanup(easy);
    curl_slist_free_all(ws->hdrs);
    ws->hdrs = NULL;
    ws->easy = NULL;
    if (--ws->handles == 0)
        ws_free_now(ws);
}

/* Close the poll before curl closes the fd, then let curl go; memory goes
 * when the last of them reported back. Deferred while a callback runs. */
static void
ws_destroy(struct ws *ws)
{
    if (ws->destroyed || ws->busy > 0)
        return;
    ws->destroyed = 1;
    ws->handles = 2 + (ws->easy != NULL); /* timer, kick, easy */
    if (ws->auth != NULL) {
        khttp_cancel(ws->auth);
        ws->auth = NULL;
    }
    if (ws->poll_live) {
        ws->handles++;
        uv_poll_stop(&ws->poll);
        uv_close((uv_handle_t *)&ws->poll, ws_handle_closed);
    }
    uv_timer_stop(&ws->timer);
    uv_close((uv_handle_t *)&ws->timer, ws_handle_closed);
    uv_close((uv_handle_t *)&ws->kick, ws_handle_closed);
    if (ws->easy != NULL)
        kloop_remove(ws->loop, ws->easy, ws_released, ws);
}

/* The session is over: tell the user once, then tear down. */
static void
ws_end(struct ws *ws, int code, const char *error)
{
    struct ws_end end = {.code = code,
                         .status = ws->status,
                         .reason = ws->reason,
                         .error = error};

    if (ws->phase == WS_DONE)
        return;
    ws->phase = WS_DONE;
    if (ws->poll_live)
        uv_poll_stop(&ws->poll);
    uv_timer_stop(&ws->timer);
    if (!ws->cancelled && ws->ops->closed != NULL) {
        ws->busy++;
        ws->ops->closed(ws, &end, ws->data);
        ws->busy--;
    }
    ws_destroy(ws);
}

static void
ws_finish(struct ws *ws, const char *error)
{
    ws_end(ws, 0, error);
}

/* --- raw I/O --- */

/* Read what curl has until CURLE_AGAIN (or EOF) into ws->in: 0, 1 when it
 * stopped early with more to come, -1 on error (the session is finished
 * then). */
static int
ws_read_all(struct ws *ws)
{
    for (;;) {
        size_t   n = 0;
        CURLcode rc;

        if (ws->in.cap - ws->in.len < WS_READ_CHUNK + 1) {
            ws->in.cap = ws->in.len + WS_READ_CHUNK + 1;
            ws->in.data = xrealloc(ws->in.data, ws->in.cap);
        }
        rc = curl_easy_recv(ws->easy, ws->in.data + ws->in.len, WS_READ_CHUNK,
                            &n);
        if (rc == CURLE_AGAIN)
            return 0;
        if (rc != CURLE_OK) {
            char *e =
                xasprintf("reading from %s: %s", ws->url,
                          ws->errbuf[0] ? ws->errbuf : curl_easy_strerror(rc));

            ws_finish(ws, e);
            free(e);
            return -1;
        }
        if (n == 0) {
            ws->eof = 1;
            return 0;
        }
        ws->in.len += n;
        ws->in.data[ws->in.len] = '\0';
        ws->last_read = uv_now(kloop_uv(ws->loop));
        if (ws->phase == WS_OPEN && ws->in.len - ws->inoff > 4 * WS_READ_CHUNK)
            return 1; /* let wslay take a bite first */
    }
}

/* Bytes in ws->out not yet written. */
static size_t
ws_outlen(const struct ws *ws)
{
    return ws->out.len - ws->outoff;
}

/* Write ws->out as far as curl takes it. -1 on error. */
static int
ws_write_raw(struct ws *ws)
{
    while (ws->out.len > ws->outoff) {
        size_t   n = 0;
        CURLcode rc = curl_easy_send(ws->easy, ws->out.data + ws->outoff,
                                     ws->out.len - ws->outoff, &n);

        if (rc == CURLE_AGAIN) {
            /* compact now and then, not on every partial write */
            if (ws->outoff > WS_OUT_BATCH && 2 * ws->outoff > ws->out.len) {
                kbuf_consume(&ws->out, ws->outoff);
                ws->outoff = 0;
            }
            return 0;
        }
        if (rc != CURLE_OK) {
            char *e =
                xasprintf("writing to %s: %s", ws->url,
                          ws->errbuf[0] ? ws->errbuf : curl_easy_strerror(rc));
            char   scratch[512];
            size_t got = 0;

            /* The peer may have said why before it hung up (a TLS alert
             * such as "certificate required"): prefer that. */
            ws->errbuf[0] = '\0';
            if (curl_easy_recv(ws->easy, scratch, sizeof scratch, &got) !=
                    CURLE_OK &&
                ws->errbuf[0] != '\0' && strstr(ws->errbuf, "SSL") != NULL) {
                free(e);
                e = xasprintf("reading from %s: %s", ws->url, ws->errbuf);
            }
            ws_finish(ws, e);
            free(e);
            return -1;
        }
        ws->outoff += n;
    }
    kbuf_reset(&ws->out);
    ws->outoff = 0;
    return 0;
}

/* --- wslay callbacks --- */

static ssize_t
ws_recv_cb(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, int flags,
           void *user)
{
    struct ws *ws = user;
    size_t     avail = ws->inend > ws->inoff ? ws->inend - ws->inoff : 0;

    if (avail == 0) {
        if (ws->eof) {
            wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
            return -1;
        }
        wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
        return -1;
    }
    if (len > avail)
        len = avail;
    memcpy(buf, ws->in.data + ws->inoff, len);
    ws->inoff += len;
    return (ssize_t)len;
}

/* wslay masks a client's payload through a small buffer and hands it over
 * in 4 KiB pieces: gather them in ws->out and write 64 KiB per system
 * call; ws_pump writes the rest once wslay_event_send returns. */
static ssize_t
ws_send_cb(wslay_event_context_ptr ctx, const uint8_t *data, size_t len,
           int flags, void *user)
{
    struct ws *ws = user;

    if (ws_outlen(ws) >= WS_OUT_MAX) {
        if (ws_write_raw(ws) != 0) {
            wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
            return -1;
        }
        if (ws_outlen(ws) >= WS_OUT_MAX) {
            wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
            return -1;
        }
    }
    kbuf_append(&ws->out, data, len);
    if (ws_outlen(ws) >= WS_OUT_BATCH) {
        if (ws_write_raw(ws) != 0) {
            wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
            return -1;
        }
    }
    return (ssize_t)len;
}

static int
ws_genmask_cb(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, void *user)
{
    size_t i;

    if (getrandom(buf, len, GRND_NONBLOCK) == (ssize_t)len)
        return 0;
    for (i = 0; i < len; i++)
        buf[i] = (uint8_t)random();
    return 0;
}

static void
ws_msg_cb(wslay_event_context_ptr                   ctx,
          const struct wslay_event_on_msg_recv_arg *arg, void *user)
{
    struct ws *ws = user;

    if (ws->cancelled || ws->phase != WS_OPEN ||
        wslay_is_ctrl_frame(arg->opcode))
        return;
    if (ws->ops->message != NULL)
        ws->ops->message(ws, arg->msg, arg->msg_length, ws->data);
}

/* --- the upgrade --- */

static void
ws_refused(struct ws *ws, const char *body, size_t n)
{
    struct kbuf e;
    cJSON      *j = cJSON_ParseWithLength(body, n);
    cJSON      *msg = cJSON_GetObjectItemCaseSensitive(j, "message");
    cJSON      *reason = cJSON_GetObjectItemCaseSensitive(j, "reason");
    const char *eol;
    int         i;

    ws->status = ws->head.status;
    if (cJSON_IsString(reason))
        ws->reason = xstrdup(reason->valuestring);
    kbuf_init(&e);
    kbuf_printf(&e, "error upgrading connection: %ld %s", ws->head.status,
                ws->head.reason);
    if (cJSON_IsString(msg) && *msg->valuestring != '\0')
        kbuf_printf(&e, ": %s", msg->valuestring);
    else if (n > 0 && j == NULL) {
        eol = memchr(body, '\n', n);
        kbuf_printf(&e, ": %.*s", (int)(eol ? (size_t)(eol - body) : n), body);
    } else if (ws->head.status == 403) {
        /* A Go WebSocket server answers a bare 403 when it supports none
         * of the offered subprotocols: say so, it is not RBAC. */
        kbuf_puts(&e, " (empty answer: the server may support none of the "
                      "offered subprotocols:");
        for (i = 0; ws->offer[i] != NULL; i++)
            kbuf_printf(&e, "%s %s", i ? "," : "", ws->offer[i]);
        kbuf_puts(&e, ")");
    }
    cJSON_Delete(j);
    ws_finish(ws, e.data);
    kbuf_done(&e);
}

/* Decode a chunked body in place; 1 when complete. */
static int
ws_dechunk(struct kbuf *b, size_t off, struct kbuf *out)
{
    const char *p = b->data + off, *end = b->data + b->len;

    kbuf_reset(out);
    for (;;) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        char       *e;
        long        n;

        if (eol == NULL)
            return 0;
        n = strtol(p, &e, 16);
        if (e == p || n < 0)
            return 1; /* malformed: show what we have */
        p = eol + 1;
        if (n == 0)
            return 1;
        if (end - p < n + 2)
            return 0;
        kbuf_append(out, p, (size_t)n);
        p += n + 2;
    }
}

/* Non-101: wait for the body, then report it. */
static void
ws_refused_body(struct ws *ws)
{
    size_t have = ws->in.len - ws->inoff;

    if (ws->head.chunked) {
        struct kbuf body;

        kbuf_init(&body);
        kbuf_puts(&body, "");
        if (ws_dechunk(&ws->in, ws->inoff, &body) || ws->eof ||
            have > WS_MAX_BODY)
            ws_refused(ws, body.data, body.len);
        kbuf_done(&body);
        return;
    }
    if (ws->head.content_length >= 0 &&
        have >= (size_t)ws->head.content_length) {
        ws_refused(ws, ws->in.data + ws->inoff,
                   (size_t)ws->head.content_length);
        return;
    }
    if (ws->eof || have > WS_MAX_BODY)
        ws_refused(ws, ws->in.data + ws->inoff, have);
}

static int
ws_offered(struct ws *ws, const char *proto)
{
    int i;

    for (i = 0; ws->offer[i] != NULL; i++) {
        if (strcmp(ws->offer[i], proto) == 0)
            return 1;
    }
    return 0;
}

static void ws_timer_cb(uv_timer_t *);

/* The answer's head is in: check it and open, or start reading a refusal. */
static void
ws_upgraded(struct ws *ws, size_t head_len)
{
    static const struct wslay_event_callbacks cbs = {
        .recv_callback = ws_recv_cb,
        .send_callback = ws_send_cb,
        .genmask_callback = ws_genmask_cb,
        .on_msg_recv_callback = ws_msg_cb,
    };
    struct ws_head *h = &ws->head;
    char           *e = NULL;

    if (ws_head_parse(ws->in.data, head_len, h) != 0) {
        e = xasprintf("error upgrading connection: malformed answer from %s",
                      ws->url);
        ws_finish(ws, e);
        free(e);
        return;
    }
    ws->inoff = head_len + 4;
    if (h->status != 101) {
        ws->phase = WS_REFUSED;
        ws_refused_body(ws);
        return;
    }
    if (h->upgrade == NULL || strcasecmp(h->upgrade, "websocket") != 0)
        e = xstrdup("error upgrading connection: the 101 answer has no "
                    "\"Upgrade: websocket\"");
    else if (h->accept == NULL || strcmp(h->accept, ws->key_accept) != 0)
        e = xstrdup("error upgrading connection: wrong Sec-WebSocket-Accept");
    else if (h->protocol != NULL && *h->protocol != '\0' &&
             !ws_offered(ws, h->protocol))
        e = xasprintf("error upgrading connection: the server chose "
                      "subprotocol \"%s\", which was not offered",
                      h->protocol);
    if (e != NULL) {
        ws_finish(ws, e);
        free(e);
        return;
    }
    free(ws->protocol);
    ws->protocol = xstrdup(h->protocol != NULL ? h->protocol : "");
    if (wslay_event_context_client_init(&ws->ctx, &cbs, ws) != 0)
        abort();
    wslay_event_config_set_max_recv_msg_length(ws->ctx, WS_MAX_MSG);
    ws->phase = WS_OPEN;
    if (ws->ping_ms > 0 || ws->idle_ms > 0) {
        uint64_t period = (uint64_t)(ws->ping_ms > 0 ? ws->ping_ms : 1000);

        uv_timer_start(&ws->timer, ws_timer_cb, period, period);
    }
    if (ws->ops->open != NULL) {
        ws->busy++;
        ws->ops->open(ws, ws->protocol, ws->data);
        ws->busy--;
    }
}

/* --- the pump: read, process, write, re-arm the poll --- */

/* The stream ended or broke while open. */
static void
ws_lost(struct ws *ws, int rc)
{
    if (wslay_event_get_close_received(ws->ctx))
        ws_end(ws, wslay_event_get_status_code_received(ws->ctx), NULL);
    else if (ws->eof)
        ws_end(ws, 1006,
               "websocket: close 1006 (abnormal closure): unexpected EOF");
    else if (rc == WSLAY_ERR_PROTO)
        ws_finish(ws, "websocket: protocol error in the server's frames");
    else
        ws_finish(ws, "websocket: connection lost");
}

/* Deliver the whole data frames buffered in ws->in from inoff (no copy:
 * wslay copied every payload twice and joined messages in its own
 * buffers); each control frame goes to wslay, which answers pings and
 * keeps the close handshake. Stops when paused. 0, or a wslay error. */
static int
ws_frames(struct ws *ws)
{
    size_t off = ws->inoff;
    int    rc = 0;

    while (ws->phase == WS_OPEN && !ws->paused &&
           wslay_event_get_read_enabled(ws->ctx)) {
        uint8_t       *p = (uint8_t *)ws->in.data + off;
        size_t         n = ws->in.len - off;
        struct wsframe f;
        int            r = wsframe_parse(p, n, &f);

        if (r < 0 || (r > 0 && (f.masked || f.len > WS_MAX_MSG))) {
            rc = WSLAY_ERR_PROTO; /* a server never masks */
            break;
        }
        if (r == 0 || n - f.head < f.len)
            break;
        if (f.opcode >= 8) {
            ws->inoff = off;
            ws->inend = off + f.head + (size_t)f.len;
            rc = wslay_event_recv(ws->ctx);
            ws->inend = 0;
            if (rc != 0)
                break;
        } else if ((f.opcode == WSFRAME_CONT) != (ws->frag.data != NULL) ||
                   ws->frag.len + f.len > WS_MAX_MSG) {
            rc = WSLAY_ERR_PROTO; /* continuation of nothing, or a new
                                   * message inside a fragmented one */
            break;
        } else if (f.fin && f.opcode != WSFRAME_CONT) {
            if (ws->ops->message != NULL && !ws->cancelled)
                ws->ops->message(ws, p + f.head, (size_t)f.len, ws->data);
        } else {
            kbuf_append(&ws->frag, p + f.head, (size_t)f.len);
            if (f.fin) {
                if (ws->ops->message != NULL && !ws->cancelled)
                    ws->ops->message(ws, (uint8_t *)ws->frag.data, ws->frag.len,
                                     ws->data);
                kbuf_done(&ws->frag);
            }
        }
        off += f.head + (size_t)f.len;
    }
    ws->inoff = off;
    return rc;
}

static void
ws_pump(struct ws *ws)
{
    char *end;
    int   rc;

    if (ws->phase == WS_DONE || ws->busy > 0)
        return;
    ws->busy++;
    if (ws->phase == WS_UPGRADING) {
        if (ws_write_raw(ws) != 0)
            goto out;
        if (ws_read_all(ws) != 0)
            goto out;
        end = ws->in.len > 0 ? strstr(ws->in.data, "\r\n\r\n") : NULL;
        if (end != NULL)
            ws_upgraded(ws, (size_t)(end - ws->in.data));
        else if (ws->eof || ws->in.len > WS_MAX_HEAD) {
            char *e = xasprintf("error upgrading connection: %s closed the "
                                "connection without an answer",
                                ws->url);

            ws_finish(ws, e);
            free(e);
            goto out;
        }
    } else if (ws->phase == WS_REFUSED) {
        if (ws_read_all(ws) == 0)
            ws_refused_body(ws);
        goto out;
    }
    while (ws->phase == WS_OPEN) {
        int more = 0;

        if (!ws->paused) {
            if ((more = ws_read_all(ws)) < 0)
                goto out;
            if (ws->in.len > ws->inoff || ws->eof) {
                rc = ws_frames(ws);
                kbuf_consume(&ws->in, ws->inoff);
                ws->inoff = 0;
                if (ws->phase != WS_OPEN)
                    goto out;
                /* at EOF every whole frame is in: what is left is cut */
                if (rc != 0 || (ws->eof && !ws->paused)) {
                    ws_lost(ws, rc);
                    goto out;
                }
            }
        }
        if (ws_outlen(ws) > 0 && ws_write_raw(ws) != 0)
            goto out;
        if (wslay_event_want_write(ws->ctx) && wslay_event_send(ws->ctx) != 0) {
            if (ws->phase == WS_DONE)
                goto out;
            char *e = xasprintf("writing to %s: connection lost", ws->url);

            ws_finish(ws, e);
            free(e);
            goto out;
        }
        if (ws_outlen(ws) > 0 && ws_write_raw(ws) != 0)
            goto out;
        if (wslay_event_get_close_received(ws->ctx) &&
            wslay_event_get_close_sent(ws->ctx) &&
            !wslay_event_want_write(ws->ctx) && ws_outlen(ws) == 0) {
            ws_end(ws, wslay_event_get_status_code_received(ws->ctx), NULL);
            goto out;
        }
        if (ws->drain_wanted && ws_queued(ws) < WS_HIGH_WATER / 2 &&
            ws->ops->drained != NULL) {
            ws->drain_wanted = 0;
            ws->ops->drained(ws, ws->data);
            more = 1; /* it may have queued more */
        }
        if (!more || ws->paused)
            break;
    }
out:
    ws->busy--;
    if (ws->phase == WS_DONE)
        ws_destroy(ws);
    else
        ws_update_poll(ws);
}

static void
ws_poll_cb(uv_poll_t *p, int status, int events)
{
    struct ws *ws = p->data;

    if (status < 0) {
        char *e;

        /* curl usually knows better why (a TLS alert, a reset). */
        if (ws->busy == 0) {
            ws->busy++;
            ws_read_all(ws);
            ws->busy--;
        }
        if (ws->phase == WS_DONE) {
            ws_destroy(ws);
            return;
        }
        e = xasprintf("connection to %s: %s", ws->url, uv_strerror(status));
        ws_finish(ws, e);
        free(e);
        return;
    }
    ws_pump(ws);
}

static void
ws_update_poll(struct ws *ws)
{
    int events = 0;

    if (!ws->poll_live || ws->phase == WS_DONE)
        return;
    if (!ws->paused && !ws->eof)
        events |= UV_READABLE;
    if (ws_outlen(ws) > 0 || (ws->ctx != NULL && ws->phase == WS_OPEN &&
                              wslay_event_want_write(ws->ctx)))
        events |= UV_WRITABLE;
    if (events == ws->poll_events)
        return;
    ws->poll_events = events;
    if (events == 0)
        uv_poll_stop(&ws->poll);
    else
        uv_poll_start(&ws->poll, events, ws_poll_cb);
}

static void
ws_kick_cb(uv_timer_t *t)
{
    ws_pump(t->data);
}

static void
ws_timer_cb(uv_timer_t *t)
{
    struct ws *ws = t->data;
    uint64_t   now = uv_now(kloop_uv(ws->loop));

    if (ws->phase != WS_OPEN)
        return;
    if (ws->closing) {
        ws_finish(ws, "websocket: the server did not answer the close");
        return;
    }
    if (ws->idle_ms > 0 && now - ws->last_read >= (uint64_t)ws->idle_ms &&
        !ws->paused) {
        char *e = xasprintf("websocket: nothing from the server for %d s",
                            ws->idle_ms / 1000);

        ws_finish(ws, e);
        free(e);
        return;
    }
    if (ws->ping_ms > 0) {
        struct wslay_event_msg m = {WSLAY_PING, NULL, 0};

        wslay_event_queue_msg(ws->ctx, &m);
        ws_pump(ws);
    }
}

/* curl connected: find the socket, write the upgrade. */
static void
ws_connected(CURL *easy, CURLcode result, void *data)
{
    struct ws *ws = data;
    char      *e;

    if (result != CURLE_OK) {
        e = xasprintf("error dialing backend: %s: %s", ws->url,
                      ws->errbuf[0] ? ws->errbuf : curl_easy_strerror(result));
        /* The handle is out of the multi already; ws_destroy's
         * kloop_remove then releases it at once. */
        ws_finish(ws, e);
        free(e);
        return;
    }
    if (curl_easy_getinfo(easy, CURLINFO_ACTIVESOCKET, &ws->fd) != CURLE_OK ||
        ws->fd == CURL_SOCKET_BAD ||
        uv_poll_init_socket(kloop_uv(ws->loop), &ws->poll, ws->fd) != 0) {
        ws_finish(ws, "websocket: cannot watch the connection's socket");
        return;
    }
    ws->poll.data = ws;
    ws->poll_live = 1;
    ws->phase = WS_UPGRADING;
    ws->last_read = uv_now(kloop_uv(ws->loop));
    kbuf_puts(&ws->out, ws->request);
    ws_pump(ws);
}

/* --- the request --- */

static char *
ws_build_request(struct ws *ws, const char *key)
{
    const struct kube_ctx *k = kclient_ctx(ws->client);
    CURLU                 *u = curl_url();
    char              *host = NULL, *port = NULL, *path = NULL, *query = NULL;
    struct curl_slist *h;
    struct kbuf        b;
    int                i;

    kbuf_init(&b);
    curl_url_set(u, CURLUPART_URL, ws->url, 0);
    curl_url_get(u, CURLUPART_HOST, &host, 0);
    curl_url_get(u, CURLUPART_PORT, &port, 0);
    curl_url_get(u, CURLUPART_PATH, &path, 0);
    curl_url_get(u, CURLUPART_QUERY, &query, 0);
    kbuf_printf(&b, "GET %s%s%s HTTP/1.1\r\n", path ? path : "/",
                query ? "?" : "", query ? query : "");
    kbuf_printf(&b, "Host: %s%s%s\r\n", host ? host : "", port ? ":" : "",
                port ? port : "");
    kbuf_puts(&b, "Connection: Upgrade\r\nUpgrade: websocket\r\n"
                  "Sec-WebSocket-Version: 13\r\n");
    kbuf_printf(&b, "Sec-WebSocket-Key: %s\r\n", key);
    kbuf_puts(&b, "Sec-WebSocket-Protocol: ");
    for (i = 0; ws->offer[i] != NULL; i++)
        kbuf_printf(&b, "%s%s", i ? ", " : "", ws->offer[i]);
    kbuf_puts(&b, "\r\n");
    kbuf_printf(&b, "User-Agent: kpod/%s (linux) kpod/%s\r\n", KPOD_VERSION,
                KPOD_VERSION);
    /* Whatever khttp adds as headers (Authorization, impersonation). */
    for (h = ws->hdrs; h != NULL; h = h->next)
        kbuf_printf(&b, "%s\r\n", h->data);
    if (ws->hdrs == NULL && k->username != NULL) {
        char *cred = xasprintf("%s:%s", k->username,
                               k->password != NULL ? k->password : "");
        char *b64 = base64_encode(cred, strlen(cred));

        kbuf_printf(&b, "Authorization: Basic %s\r\n", b64);
        free(b64);
        free(cred);
    }
    kbuf_puts(&b, "\r\n");
    curl_free(host);
    curl_free(port);
    curl_free(path);
    curl_free(query);
    curl_url_cleanup(u);
    return kbuf_steal(&b);
}

/* The credentials are fresh: make the connect-only handle and dial. */
static void
ws_dial(struct ws *ws)
{
    uint8_t nonce[16];
    char   *key, accept[29];
    int     i;

    ws->easy = kclient_easy(ws->client, ws->path, &ws->hdrs);
    if (ws->easy == NULL) {
        ws_finish(ws, "curl_easy_init failed");
        return;
    }
    curl_easy_setopt(ws->easy, CURLOPT_CONNECT_ONLY, 1L);
    curl_easy_setopt(ws->easy, CURLOPT_HTTP_VERSION,
                     (long)CURL_HTTP_VERSION_1_1);
    curl_easy_setopt(ws->easy, CURLOPT_ERRORBUFFER, ws->errbuf);
    /* curl_easy_recv reads at most this much per call (default 16 KiB) */
    curl_easy_setopt(ws->easy, CURLOPT_BUFFERSIZE, 256L << 10);
    if (kclient_ctx(ws->client)->proxy_url != NULL)
        curl_easy_setopt(ws->easy, CURLOPT_HTTPPROXYTUNNEL, 1L);
    if (getrandom(nonce, sizeof nonce, GRND_NONBLOCK) != (ssize_t)sizeof nonce)
        for (i = 0; i < (int)sizeof nonce; i++)
            nonce[i] = (uint8_t)random();
    key = base64_encode(nonce, sizeof nonce);
    wskey_accept(key, accept);
    ws->key_accept = xstrdup(accept);
    ws->request = ws_build_request(ws, key);
    free(key);
    if (kloop_add_connect(ws->loop, ws->easy, ws_connected, ws) != 0) {
        curl_easy_cleanup(ws->easy);
        curl_slist_free_all(ws->hdrs);
        ws->hdrs = NULL;
        ws->easy = NULL;
        ws_finish(ws, "cannot start the connection");
    }
}

/* khttp made sure the credentials are fresh (exec plugins), or failed. */
static void
ws_auth_done(struct khttp_req *req, const struct khttp_response *r, void *data)
{
    struct ws *ws = data;

    ws->auth = NULL;
    if (r->error != NULL) {
        ws_finish(ws, r->error);
        return;
    }
    ws_dial(ws);
}

struct ws *
ws_connect(struct kclient *c, const struct ws_opts *o, const struct ws_ops *ops,
           void *data, char **cause)
{
    struct ws        *ws = xcalloc(1, sizeof *ws);
    struct khttp_opts ao = {0};
    int               i, n;

    ws->client = c;
    ws->loop = kclient_loop(c);
    ws->ops = ops;
    ws->data = data;
    ws->ping_ms = o->ping_ms == 0 ? 5000 : o->ping_ms;
    ws->idle_ms = o->idle_ms == 0 ? 61000 : o->idle_ms;
    kbuf_init(&ws->out);
    kbuf_init(&ws->in);
    for (n = 0; o->protocols != NULL && o->protocols[n] != NULL; n++)
        ;
    ws->offer = xcalloc((size_t)n + 1, sizeof *ws->offer);
    for (i = 0; i < n; i++)
        ws->offer[i] = xstrdup(o->protocols[i]);
    ws->url = kclient_url(c, o->path);
    ws->path = xstrdup(o->path);
    uv_timer_init(kloop_uv(ws->loop), &ws->timer);
    uv_timer_init(kloop_uv(ws->loop), &ws->kick);
    ws->timer.data = ws;
    ws->kick.data = ws;
    ws->protocol = xstrdup("");
    ao.path = o->path;
    ao.auth_only = 1;
    ws->auth = khttp_request(c, &ao, ws_auth_done, ws, cause);
    if (ws->auth == NULL) {
        ws->cancelled = 1;
        ws->phase = WS_DONE;
        ws->destroyed = 1;
        ws->handles = 2;
        uv_close((uv_handle_t *)&ws->timer, ws_handle_closed);
        uv_close((uv_handle_t *)&ws->kick, ws_handle_closed);
        return NULL;
    }
    return ws;
}

int
ws_send2(struct ws *ws, const void *a, size_t an, const void *b, size_t bn)
{
    if (ws->phase == WS_DONE || ws->closing || ws->cancelled)
        return -1;
    if (ws->phase != WS_OPEN) {
        /* Not open yet: keep it framed later. Callers wait for open(). */
        return -1;
    }
    if (!wslay_event_want_write(ws->ctx)) {
        /* wslay has no frame in flight: frame and mask it here, eight
         * bytes at a time, straight into the write buffer (wslay's
         * byte-wise masking was most of a forward's CPU). */
        uint8_t key[4];

        ws_genmask_cb(ws->ctx, key, sizeof key, ws);
        wsframe_encode(&ws->out, WSFRAME_BINARY, key, a, an, b, bn);
    } else {
        struct wslay_event_msg m = {WSLAY_BINARY_FRAME, NULL, an + bn};
        uint8_t               *tmp = xmalloc(an + bn + 1);
        int                    rc;

        if (an > 0)
            memcpy(tmp, a, an);
        if (bn > 0)
            memcpy(tmp + an, b, bn);
        m.msg = tmp;
        rc = wslay_event_queue_msg(ws->ctx, &m);
        free(tmp);
        if (rc != 0)
            return -1;
    }
    if (ws_queued(ws) > WS_HIGH_WATER)
        ws->drain_wanted = 1;
    ws_pump(ws);
    return 0;
}

int
ws_send(struct ws *ws, const void *p, size_t n)
{
    return ws_send2(ws, p, n, NULL, 0);
}

size_t
ws_queued(struct ws *ws)
{
    if (ws->ctx == NULL || ws->phase != WS_OPEN)
        return 0;
    return wslay_event_get_queued_msg_length(ws->ctx) + ws_outlen(ws);
}

void
ws_pause(struct ws *ws, int paused)
{
    if (ws->phase == WS_DONE || ws->paused == !!paused)
        return;
    ws->paused = !!paused;
    if (!ws->paused)
        uv_timer_start(&ws->kick, ws_kick_cb, 0, 0); /* buffered input */
    ws_update_poll(ws);
}

void
ws_close(struct ws *ws, uint16_t code)
{
    if (ws->phase == WS_DONE || ws->closing)
        return;
    ws->closing = 1;
    if (ws->phase != WS_OPEN) {
        ws_end(ws, 0, "websocket: closed before the upgrade finished");
        return;
    }
    wslay_event_queue_close(ws->ctx, code, NULL, 0);
    uv_timer_start(&ws->timer, ws_timer_cb, WS_CLOSE_WAIT_MS, 0);
    ws_pump(ws);
}

void
ws_cancel(struct ws *ws)
{
    if (ws == NULL)
        return;
    ws->cancelled = 1;
    if (ws->phase != WS_DONE) {
        ws->phase = WS_DONE;
        if (ws->poll_live)
            uv_poll_stop(&ws->poll);
        uv_timer_stop(&ws->timer);
    }
    ws_destroy(ws);
}

const char *
ws_protocol(struct ws *ws)
{
    return ws->protocol;
}
