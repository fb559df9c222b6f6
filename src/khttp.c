/*
 * Requests to the API server: one easy handle per request, configured from
 * the client's kube_ctx (server, TLS blobs, bearer token or basic auth,
 * User-Agent, TCP keepalive) and run by the kloop. Bodies are buffered, or
 * split into lines for streams (watch, log follow) with a capped buffer
 * that keeps the unterminated tail. 429/5xx answers carrying Retry-After
 * are retried like client-go. Errors become one line: the server's
 * Status.message when there is one.
 */
#define _GNU_SOURCE /* memrchr */
#include "khttp.h"

#include "credplugin.h"
#include "kubeconfig.h"
#include "loop.h"
#include "util.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define KHTTP_MAX_LINE (16u << 20)
#define KHTTP_MAX_ERR_BODY (1u << 20)
#define KHTTP_MAX_RETRIES 10

struct kclient {
    struct kloop      *loop;
    struct kube_ctx   *ctx;
    char              *ua;   /* User-Agent */
    char              *base; /* server URL as requested (tls-server-name) */
    struct curl_slist *connect_to; /* tls-server-name -> the real host */

    /* Exec credential plugin: the cached credential and who waits for it. */
    struct credplugin       *plugin; /* running, or NULL */
    struct credplugin_result cred;
    int                      cred_ok;
    unsigned                 cred_gen;
    struct khttp_req        *waiting;
};

struct khttp_req {
    struct kclient    *c;
    CURL              *easy;
    struct curl_slist *hdrs;
    char              *method;
    char              *url;
    char              *body;
    size_t             body_len;
    char              *content_type;
    char              *accept;
    khttp_line_cb      on_line;
    size_t             max_line;
    int                retries_left;
    long               timeout_ms;
    khttp_done_cb      done;
    void              *data;

    struct kbuf       buf;         /* body, or the current partial line */
    int               skipping;    /* dropping the rest of an over-long line */
    int               lines;       /* lines delivered (no retry after that) */
    long              status;      /* of the current response */
    int               retry_after; /* seconds, -1 = none */
    int               cancelled;
    int               in_done;
    int               in_tail; /* on_line is getting the cut last line */
    uv_timer_t        timer;   /* Retry-After wait */
    int               timer_live;
    int               waiting;      /* in the client's credential queue */
    int               auth_retried; /* re-sent once after a 401 */
    int               auth_only;    /* khttp_opts.auth_only */
    unsigned          cred_gen;     /* credential generation it was sent with */
    struct khttp_req *next_waiting;
    char              errbuf[CURL_ERROR_SIZE];
};

static int khttp_start(struct khttp_req *, char **cause);

/* tls-server-name: curl has no option for SNI and verification under
 * another name, so ask for https://NAME:PORT and connect it to the real
 * host (CURLOPT_CONNECT_TO), which gives both. */
static void
kclient_server_name(struct kclient *c, const char *name)
{
    const char *s = c->base, *host, *end, *port;
    char       *real, *entry;
    int         portn;

    if ((host = strstr(s, "://")) == NULL)
        return;
    host += 3;
    end = host + strcspn(host, "/");
    if (*host == '[') /* IPv6 literal */
        port = memchr(host, ']', (size_t)(end - host));
    else
        port = host;
    port = port != NULL ? memchr(port, ':', (size_t)(end - port)) : NULL;
    if (port != NULL) {
        real = xstrndup(host, (size_t)(port - host));
        portn = atoi(port + 1);
    } else {
        real = xstrndup(host, (size_t)(end - host));
        portn = strncmp(s, "https", 5) == 0 ? 443 : 80;
    }
    entry = xasprintf("%s:%d:%s:%d", name, portn, real, portn);
    c->connect_to = curl_slist_append(NULL, entry);
    free(entry);
    c->base = xasprintf("%.*s%s:%d%s", (int)(host - s), s, name, portn, end);
    free((char *)s);
    free(real);
}

struct kclient *
kclient_create(struct kloop *loop, const struct kube_ctx *ctx)
{
    struct kclient *c = xcalloc(1, sizeof *c);

    c->loop = loop;
    c->ctx = kube_ctx_dup(ctx);
    c->ua = xasprintf("kpod/%s (linux) kpod/%s", KPOD_VERSION, KPOD_VERSION);
    c->base = xstrdup(ctx->server);
    if (ctx->tls_server_name != NULL && *ctx->tls_server_name != '\0')
        kclient_server_name(c, ctx->tls_server_name);
    return c;
}

void
kclient_free(struct kclient *c)
{
    if (c == NULL)
        return;
    credplugin_abandon(c->plugin);
    credplugin_result_done(&c->cred);
    kube_ctx_free(c->ctx);
    free(c->ua);
    free(c->base);
    curl_slist_free_all(c->connect_to);
    free(c);
}

struct kloop *
kclient_loop(struct kclient *c)
{
    return c->loop;
}

const struct kube_ctx *
kclient_ctx(struct kclient *c)
{
    return c->ctx;
}

char *
kclient_url(struct kclient *c, const char *path)
{
    if (path == NULL)
        path = "";
    return xasprintf("%s%s%s", c->base,
                     (*path != '/' && *path != '\0') ? "/" : "", path);
}

static void
khttp_blob(CURL *easy, CURLoption opt, const char *data, size_t len)
{
    struct curl_blob blob = {
        .data = (void *)data, .len = len, .flags = CURL_BLOB_COPY};

    curl_easy_setopt(easy, opt, &blob);
}

CURL *
kclient_easy(struct kclient *c, const char *path, struct curl_slist **headers)
{
    const struct kube_ctx *k = c->ctx;
    CURL                  *easy;
    char                  *url;
    const char            *token, *cert = k->cert, *key = k->key;
    size_t                 cert_len = k->cert_len, key_len = k->key_len, i;

    /* A rotated tokenFile is picked up by the next request. */
    kube_ctx_token_refresh(c->ctx);
    token = k->token;
    easy = curl_easy_init();
    *headers = NULL;
    if (c->cred_ok) {
        /* The exec plugin's credential (a static token would win). */
        if (token == NULL)
            token = c->cred.token;
        if (c->cred.cert != NULL) {
            cert = c->cred.cert;
            cert_len = c->cred.cert_len;
            key = c->cred.key;
            key_len = c->cred.key_len;
        }
    }
    if (easy == NULL)
        return NULL;
    url = kclient_url(c, path);
    curl_easy_setopt(easy, CURLOPT_URL, url);
    free(url);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_USERAGENT, c->ua);
    curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(easy, CURLOPT_TCP_KEEPIDLE, 30L);
    curl_easy_setopt(easy, CURLOPT_TCP_KEEPINTVL, 15L);
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, 30000L);
    if (k->insecure) {
        curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 0L);
    } else if (k->ca != NULL) {
        khttp_blob(easy, CURLOPT_CAINFO_BLOB, k->ca, k->ca_len);
    }
    if (cert != NULL) {
        curl_easy_setopt(easy, CURLOPT_SSLCERTTYPE, "PEM");
        khttp_blob(easy, CURLOPT_SSLCERT_BLOB, cert, cert_len);
    }
    if (key != NULL) {
        curl_easy_setopt(easy, CURLOPT_SSLKEYTYPE, "PEM");
        khttp_blob(easy, CURLOPT_SSLKEY_BLOB, key, key_len);
    }
    if (c->connect_to != NULL)
        curl_easy_setopt(easy, CURLOPT_CONNECT_TO, c->connect_to);
    if (k->proxy_url != NULL)
        curl_easy_setopt(easy, CURLOPT_PROXY, k->proxy_url);
    for (i = 0; i < k->nheaders; i++)
        *headers = curl_slist_append(*headers, k->headers[i]);
    if (token != NULL && *token != '\0') {
        char *h = xasprintf("Authorization: Bearer %s", token);

        *headers = curl_slist_append(*headers, h);
        free(h);
    } else if (k->username != NULL) {
        curl_easy_setopt(easy, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
        curl_easy_setopt(easy, CURLOPT_USERNAME, k->username);
        curl_easy_setopt(easy, CURLOPT_PASSWORD,
                         k->password != NULL ? k->password : "");
    }
    return easy;
}

char *
khttp_escape(const char *s)
{
    struct kbuf b;

    kbuf_init(&b);
    for (; *s != '\0'; s++) {
        unsigned char ch = (unsigned char)*s;

        if (isalnum(ch) || strchr("-._~", ch) != NULL)
            kbuf_append(&b, s, 1);
        else
            kbuf_printf(&b, "%%%02X", ch);
    }
    return kbuf_steal(&b);
}

static void
khttp_req_free_cb(uv_handle_t *h)
{
    free(h->data);
}

/* Free everything; the timer (if any) closes asynchronously. */
static void
khttp_req_free(struct khttp_req *r)
{
    if (r->easy != NULL)
        curl_easy_cleanup(r->easy);
    curl_slist_free_all(r->hdrs);
    free(r->method);
    free(r->url);
    free(r->body);
    free(r->content_type);
    free(r->accept);
    kbuf_done(&r->buf);
    if (r->timer_live) {
        r->timer.data = r;
        uv_close((uv_handle_t *)&r->timer, khttp_req_free_cb);
    } else
        free(r);
}

/* Deliver every complete line in the buffer; keep the tail. */
static void
khttp_lines(struct khttp_req *r, const char *p, size_t n)
{
    while (n > 0 && !r->cancelled) {
        const char *nl = memchr(p, '\n', n);
        size_t      take = nl != NULL ? (size_t)(nl - p) : n;

        if (r->skipping) {
            if (nl != NULL)
                r->skipping = 0;
        } else if (r->buf.len + take > r->max_line) {
            size_t room = r->max_line - r->buf.len;

            kbuf_append(&r->buf, p, room);
            r->lines++;
            r->on_line(r, r->buf.data, r->buf.len, 1, r->data);
            kbuf_reset(&r->buf);
            r->skipping = nl == NULL;
        } else {
            kbuf_append(&r->buf, p, take);
            if (nl != NULL) {
                size_t len = r->buf.len;

                if (len > 0 && r->buf.data[len - 1] == '\r')
                    len--;
                r->lines++;
                r->on_line(r, r->buf.data, len, 0, r->data);
                kbuf_reset(&r->buf);
            }
        }
        if (nl == NULL)
            break;
        n -= take + 1;
        p = nl + 1;
    }
}

static size_t
khttp_write_cb(char *p, size_t size, size_t nmemb, void *userp)
{
    struct khttp_req *r = userp;
    size_t            n = size * nmemb;

    if (r->cancelled)
        return 0;
    if (r->status == 0)
        curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &r->status);
    if (r->on_line != NULL && r->status >= 200 && r->status < 300) {
        khttp_lines(r, p, n);
        return r->cancelled ? 0 : n;
    }
    if (r->on_line != NULL && r->buf.len + n > KHTTP_MAX_ERR_BODY)
        return n; /* an error body this large is not worth keeping */
    kbuf_append(&r->buf, p, n);
    return n;
}

static size_t
khttp_header_cb(char *p, size_t size, size_t nmemb, void *userp)
{
    struct khttp_req *r = userp;
    size_t            n = size * nmemb;
    static const char ra[] = "retry-after:";

    if (n > 5 && strncmp(p, "HTTP/", 5) == 0) {
        r->retry_after = -1; /* a new response (after 100 Continue) */
        r->status = 0;
    } else if (n > sizeof ra - 1 && strncasecmp(p, ra, sizeof ra - 1) == 0) {
        const char *v = p + sizeof ra - 1;
        const char *end = p + n;
        int         secs = 0, digits = 0;

        while (v < end && (*v == ' ' || *v == '\t'))
            v++;
        while (v < end && isdigit((unsigned char)*v) && secs < 100000) {
            secs = secs * 10 + (*v++ - '0');
            digits++;
        }
        while (v < end && isspace((unsigned char)*v))
            v++;
        if (digits > 0 && v == end)
            r->retry_after = secs;
    }
    return n;
}

/* "Get", "Post" ...: how Go's net/http names a method in errors. */
static void
khttp_method_word(const char *m, char *out, size_t len)
{
    size_t i;

    for (i = 0; m[i] != '\0' && i + 1 < len; i++)
        out[i] = i == 0 ? m[i] : (char)tolower((unsigned char)m[i]);
    out[i] = '\0';
}

/* The error line for a non-2xx answer: Status.message, else the body's
 * first line, else a generic text. *reason gets Status.reason. */
static char *
khttp_status_error(long status, const char *body, size_t len, char **reason)
{
    cJSON      *j = cJSON_ParseWithLength(body, len);
    const char *msg = NULL;
    char       *out = NULL;

    *reason = NULL;
    if (j != NULL) {
        const cJSON *kind = cJSON_GetObjectItemCaseSensitive(j, "kind");
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(j, "message");
        const cJSON *rs = cJSON_GetObjectItemCaseSensitive(j, "reason");

        if (cJSON_IsString(kind) && strcmp(kind->valuestring, "Status") == 0) {
            if (cJSON_IsString(m) && *m->valuestring != '\0')
                msg = m->valuestring;
            if (cJSON_IsString(rs) && *rs->valuestring != '\0')
                *reason = xstrdup(rs->valuestring);
        }
        if (msg != NULL)
            out = xstrdup(msg);
        cJSON_Delete(j);
        if (out != NULL)
            return out;
    }
    if (j == NULL && len > 0) {
        size_t n = 0;

        while (n < len && body[n] != '\n' && body[n] != '\r' && n < 512)
            n++;
        if (n > 0)
            return xstrndup(body, n);
    }
    switch (status) {
    case 401:
        return xstrdup("Unauthorized");
    case 403:
        return xstrdup("Forbidden");
    case 404:
        return xstrdup("the server could not find the requested resource");
    case 429:
        return xstrdup("the server has received too many requests and has "
                       "asked us to try again later");
    default:
        return xasprintf("the server responded with HTTP status %ld", status);
    }
}

/* A failed connect in Go's words ("dial tcp 10.0.0.1:6443: connect:
 * connection refused"), which is what kubectl users know; NULL when curl
 * has no errno to tell. With a proxy, curl only ever connects to the
 * proxy, so the failure is the proxy's, said as Go's transport says it:
 * "proxyconnect tcp: dial tcp PROXY:PORT: ...". */
static char *
khttp_dial_error(CURL *easy, CURLcode rc, const char *url, const char *proxy)
{
    long        oserr = 0;
    const char *h, *colon, *deflt;
    char        msg[128];
    size_t      n;
    int         via = proxy != NULL && *proxy != '\0';

    if (via)
        url = proxy;
    h = strstr(url, "://");
    if (rc != CURLE_COULDNT_CONNECT || h == NULL ||
        curl_easy_getinfo(easy, CURLINFO_OS_ERRNO, &oserr) != CURLE_OK ||
        oserr == 0)
        return NULL;
    /* curl 7.88 keeps no address for a failed connect: use the URL's. */
    h += 3;
    n = strcspn(h, "/?");
    colon = memrchr(h, ':', n);
    if (h[0] == '[' && colon != NULL && colon < (const char *)memchr(h, ']', n))
        colon = NULL;
    snprintf(msg, sizeof msg, "%s", strerror((int)oserr));
    msg[0] = (char)tolower((unsigned char)msg[0]); /* Go's wording */
    deflt = strncmp(url, "https:", 6) == 0  ? ":443"
            : strncmp(url, "socks", 5) == 0 ? ":1080"
                                            : ":80";
    return xasprintf("%sdial tcp %.*s%s: %s%s", via ? "proxyconnect tcp: " : "",
                     (int)n, h, colon != NULL ? "" : deflt,
                     oserr == ETIMEDOUT ? "" : "connect: ", msg);
}

/* Finish a request that never got an answer: done_cb with cause. */
static void
khttp_fail(struct khttp_req *r, const char *cause)
{
    struct khttp_response resp = {
        .status = 0, .error = cause, .transport = 1, .retry_after = -1};

    r->in_done = 1;
    r->done(r, &resp, r->data);
    khttp_req_free(r);
}

static int
kclient_uses_exec(struct kclient *c)
{
    return c->ctx->exec != NULL && c->ctx->token == NULL;
}

static int
kclient_cred_fresh(struct kclient *c)
{
    return c->cred_ok &&
           (c->cred.expires_ms == 0 || know_ms() < c->cred.expires_ms);
}

/* The plugin is done: start everyone who waited, or fail them all. */
static void
kclient_cred_cb(const struct credplugin_result *res, const char *error,
                void *data)
{
    struct kclient   *c = data;
    struct khttp_req *r;
    char             *why;

    c->plugin = NULL;
    if (res != NULL) {
        credplugin_result_done(&c->cred);
        c->cred.token = res->token ? xstrdup(res->token) : NULL;
        c->cred.cert = res->cert ? xstrdup(res->cert) : NULL;
        c->cred.cert_len = res->cert_len;
        c->cred.key = res->key ? xstrdup(res->key) : NULL;
        c->cred.key_len = res->key_len;
        c->cred.expires_ms = res->expires_ms;
        c->cred_ok = 1;
        c->cred_gen++;
    } else
        klog("%s", error);
    /* Pop one at a time: a callback may cancel others in the queue. */
    while ((r = c->waiting) != NULL) {
        char *cause = NULL;

        c->waiting = r->next_waiting;
        r->waiting = 0;
        r->next_waiting = NULL;
        if (res == NULL) {
            why = xasprintf("getting credentials: %s", error);
            khttp_fail(r, why);
            free(why);
        } else if (khttp_start(r, &cause) != 0) {
            khttp_fail(r, cause);
            free(cause);
        }
    }
}

/* Send r once the credential is fresh: now, or after the plugin ran. */
static int
kclient_wait(struct kclient *c, struct khttp_req *r, char **cause)
{
    struct khttp_req **pp;

    if (kclient_cred_fresh(c))
        return khttp_start(r, cause);
    if (c->plugin == NULL) {
        c->plugin = credplugin_run(kloop_uv(c->loop), c->ctx, kclient_cred_cb,
                                   c, cause);
        if (c->plugin == NULL)
            return -1;
    }
    for (pp = &c->waiting; *pp != NULL; pp = &(*pp)->next_waiting)
        ;
    *pp = r;
    r->waiting = 1;
    return 0;
}

static void
khttp_retry_cb(uv_timer_t *t)
{
    struct khttp_req *r = t->data;
    char             *cause = NULL;

    if (khttp_start(r, &cause) != 0) {
        struct khttp_response resp = {
            .status = 0, .error = cause, .transport = 1, .retry_after = -1};

        r->in_done = 1;
        r->done(r, &resp, r->data);
        free(cause);
        khttp_req_free(r);
    }
}

static void
khttp_finished(CURL *easy, CURLcode rc, void *data)
{
    struct khttp_req     *r = data;
    struct khttp_response resp = {0};
    char                 *error = NULL, *reason = NULL;
    long                  status = 0;

    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    if (r->cancelled) {
        khttp_req_free(r);
        return;
    }
    if (rc == CURLE_OK && status == 401 && kclient_uses_exec(r->c) &&
        !r->auth_retried && r->lines == 0) {
        /* The plugin's credential was refused: if it is still the one we
         * hold, get a new one, then send this request once more. */
        char *cause = NULL;

        r->auth_retried = 1;
        if (r->cred_gen == r->c->cred_gen)
            r->c->cred_ok = 0;
        curl_easy_cleanup(r->easy);
        r->easy = NULL;
        curl_slist_free_all(r->hdrs);
        r->hdrs = NULL;
        if (kclient_wait(r->c, r, &cause) != 0)
            khttp_fail(r, cause);
        free(cause);
        return;
    }
    if (rc == CURLE_OK && (status == 429 || status >= 500) &&
        r->retry_after >= 0 && r->retries_left > 0 && r->lines == 0) {
        klog("%s %s: %ld, retrying after %d s", r->method, r->url, status,
             r->retry_after);
        r->retries_left--;
        curl_easy_cleanup(r->easy);
        r->easy = NULL;
        curl_slist_free_all(r->hdrs);
        r->hdrs = NULL;
        if (!r->timer_live) {
            uv_timer_init(kloop_uv(r->c->loop), &r->timer);
            r->timer_live = 1;
        }
        r->timer.data = r;
        uv_timer_start(&r->timer, khttp_retry_cb,
                       (uint64_t)r->retry_after * 1000, 0);
        return;
    }
    /* The kloop has let go of the handle: from here a khttp_cancel from a
     * callback must only mark the request, which is freed below (it used
     * to be freed inside the cancel and then again here). */
    r->in_done = 1;
    if (r->on_line != NULL && status >= 200 && status < 300 && r->buf.len > 0 &&
        !r->skipping) {
        /* The stream ended inside a line: hand over the tail as is. */
        r->lines++;
        r->in_tail = 1;
        r->on_line(r, r->buf.data, r->buf.len, 0, r->data);
        r->in_tail = 0;
        kbuf_reset(&r->buf);
        resp.tail_cut = 1;
    }
    if (r->cancelled) {
        khttp_req_free(r);
        return;
    }
    resp.status = status;
    resp.retry_after = r->retry_after;
    if (r->on_line == NULL) {
        resp.body = r->buf.data != NULL ? r->buf.data : "";
        resp.body_len = r->buf.len;
    }
    if (rc != CURLE_OK && (status < 300 || r->buf.len == 0)) {
        char  word[16];
        char *dial = khttp_dial_error(easy, rc, r->url, r->c->ctx->proxy_url);

        khttp_method_word(r->method, word, sizeof word);
        error = xasprintf("%s \"%s\": %s", word, r->url,
                          dial != NULL           ? dial
                          : r->errbuf[0] != '\0' ? r->errbuf
                                                 : curl_easy_strerror(rc));
        free(dial);
        resp.transport = (int)rc;
    } else if (status < 200 || status >= 300) {
        error = khttp_status_error(status, r->buf.data ? r->buf.data : "",
                                   r->buf.len, &reason);
    }
    resp.error = error;
    resp.reason = reason;
    r->done(r, &resp, r->data);
    free(error);
    free(reason);
    khttp_req_free(r);
}

static void
khttp_auth_ready(uv_timer_t *t)
{
    struct khttp_req     *r = t->data;
    struct khttp_response resp = {.retry_after = -1};

    r->in_done = 1;
    r->done(r, &resp, r->data);
    khttp_req_free(r);
}

/* (Re)build the easy handle and hand it to the loop. */
static int
khttp_start(struct khttp_req *r, char **cause)
{
    struct curl_slist *h;
    char              *s;

    if (r->auth_only) {
        /* Credentials are ready; report it from the loop, not from here. */
        if (!r->timer_live) {
            uv_timer_init(kloop_uv(r->c->loop), &r->timer);
            r->timer_live = 1;
        }
        r->timer.data = r;
        uv_timer_start(&r->timer, khttp_auth_ready, 0, 0);
        return 0;
    }

    r->cred_gen = r->c->cred_gen;
    r->easy = kclient_easy(r->c, "", &r->hdrs);
    if (r->easy == NULL) {
        *cause = xstrdup("curl_easy_init failed");
        return -1;
    }
    kbuf_reset(&r->buf);
    r->skipping = 0;
    r->status = 0;
    r->retry_after = -1;
    r->errbuf[0] = '\0';
    curl_easy_setopt(r->easy, CURLOPT_URL, r->url);
    curl_easy_setopt(r->easy, CURLOPT_ERRORBUFFER, r->errbuf);
    curl_easy_setopt(r->easy, CURLOPT_WRITEFUNCTION, khttp_write_cb);
    curl_easy_setopt(r->easy, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(r->easy, CURLOPT_HEADERFUNCTION, khttp_header_cb);
    curl_easy_setopt(r->easy, CURLOPT_HEADERDATA, r);
    if (!r->c->ctx->disable_compression)
        curl_easy_setopt(r->easy, CURLOPT_ACCEPT_ENCODING, "");
    if (r->timeout_ms > 0)
        curl_easy_setopt(r->easy, CURLOPT_TIMEOUT_MS, r->timeout_ms);
    s = xasprintf("Accept: %s", r->accept);
    h = curl_slist_append(r->hdrs, s);
    free(s);
    r->hdrs = h;
    if (r->body != NULL) {
        s = xasprintf("Content-Type: %s", r->content_type);
        r->hdrs = curl_slist_append(r->hdrs, s);
        free(s);
        r->hdrs = curl_slist_append(r->hdrs, "Expect:");
        curl_easy_setopt(r->easy, CURLOPT_POSTFIELDSIZE_LARGE,
                         (curl_off_t)r->body_len);
        curl_easy_setopt(r->easy, CURLOPT_POSTFIELDS, r->body);
    }
    if (strcmp(r->method, "GET") == 0)
        curl_easy_setopt(r->easy, CURLOPT_HTTPGET, 1L);
    else if (strcmp(r->method, "HEAD") == 0)
        curl_easy_setopt(r->easy, CURLOPT_NOBODY, 1L);
    else if (strcmp(r->method, "POST") != 0 || r->body == NULL)
        curl_easy_setopt(r->easy, CURLOPT_CUSTOMREQUEST, r->method);
    curl_easy_setopt(r->easy, CURLOPT_HTTPHEADER, r->hdrs);
    if (kloop_add(r->c->loop, r->easy, khttp_finished, r) != 0) {
        *cause = xasprintf("cannot start %s %s", r->method, r->url);
        curl_easy_cleanup(r->easy);
        r->easy = NULL;
        return -1;
    }
    return 0;
}

struct khttp_req *
khttp_request(struct kclient *c, const struct khttp_opts *o, khttp_done_cb cb,
              void *data, char **cause)
{
    struct khttp_req *r = xcalloc(1, sizeof *r);

    r->c = c;
    r->method = xstrdup(o->method != NULL ? o->method : "GET");
    r->url = kclient_url(c, o->path);
    if (o->body != NULL) {
        r->body = xmalloc(o->body_len + 1);
        memcpy(r->body, o->body, o->body_len);
        r->body[o->body_len] = '\0';
        r->body_len = o->body_len;
    }
    r->content_type =
        xstrdup(o->content_type != NULL ? o->content_type : "application/json");
    r->accept = xstrdup(o->accept != NULL ? o->accept : "application/json");
    r->on_line = o->on_line;
    r->max_line = o->max_line > 0 ? o->max_line : KHTTP_MAX_LINE;
    r->retries_left = o->max_retries == 0  ? KHTTP_MAX_RETRIES
                      : o->max_retries < 0 ? 0
                                           : o->max_retries;
    r->timeout_ms = o->timeout_ms;
    r->auth_only = o->auth_only;
    r->done = cb;
    r->data = data;
    kbuf_init(&r->buf);
    if ((kclient_uses_exec(c) ? kclient_wait(c, r, cause)
                              : khttp_start(r, cause)) != 0) {
        khttp_req_free(r);
        return NULL;
    }
    return r;
}

static void
khttp_released(CURL *easy, void *data)
{
    khttp_req_free(data);
}

int
khttp_line_is_cut(const struct khttp_req *r)
{
    return r->in_tail;
}

void
khttp_cancel(struct khttp_req *r)
{
    if (r == NULL || r->cancelled)
        return;
    r->cancelled = 1;
    if (r->in_done)
        return; /* khttp_finished frees it when the callback returns */
    if (r->waiting) {
        struct khttp_req **pp = &r->c->waiting;

        while (*pp != NULL && *pp != r)
            pp = &(*pp)->next_waiting;
        if (*pp == r)
            *pp = r->next_waiting;
        r->waiting = 0;
        khttp_req_free(r);
        return;
    }
    if (r->easy == NULL) {
        /* Waiting for a Retry-After timer. */
        if (r->timer_live)
            uv_timer_stop(&r->timer);
        khttp_req_free(r);
        return;
    }
    kloop_remove(r->c->loop, r->easy, khttp_released, r);
}
