/*
 * HTTP requests to the API server over the kloop: verbs, JSON bodies,
 * headers (Authorization, User-Agent, Accept), TLS from the kube_ctx,
 * Retry-After retries, TCP keepalive. A response body is either buffered
 * whole or, for watches and log follows, handed over line by line through
 * a capped line buffer. Errors carry the server's Status.message.
 */
#ifndef KPOD_KHTTP_H
#define KPOD_KHTTP_H

#include <curl/curl.h>
#include <stddef.h>

struct kloop;
struct kube_ctx;
struct kclient;
struct khttp_req;

/* What came back. Everything is borrowed for the duration of the callback. */
struct khttp_response {
    long        status; /* HTTP status; 0 = no response (transport error) */
    const char *body;   /* whole body when not streaming (NUL-terminated) */
    size_t      body_len;
    /* NULL on success (2xx, or a stream that ended cleanly). Else one line:
     * the server's Status.message, else the body's first line, else the
     * transport error ("Get "URL": connection refused" style). */
    const char *error;
    const char *reason;      /* Status.reason ("Expired", "NotFound") or NULL */
    int         transport;   /* the CURLcode of a transport failure, else 0 */
    int         retry_after; /* the server's Retry-After seconds, or -1 */
    /* Streaming: the body ended inside a line, so the last line handed to
     * on_line (just before this callback) had no newline: with an error
     * it may be cut short (a log reader drops it and reads it again). */
    int tail_cut;
};

/* Called exactly once per successful khttp_request (not after cancel). */
typedef void (*khttp_done_cb)(struct khttp_req *, const struct khttp_response *,
                              void *data);
/* Streaming: one line without its '\n' (a final unterminated tail is
 * delivered too). too_long = 1 when the line was cut at max_line.
 * Only called for 2xx responses. */
typedef void (*khttp_line_cb)(struct khttp_req *, const char *line, size_t len,
                              int too_long, void *data);

struct khttp_opts {
    const char   *method; /* NULL = "GET" */
    const char   *path;   /* "/api/v1/pods?limit=500", after server */
    const char   *body;   /* request body or NULL */
    size_t        body_len;
    const char   *content_type; /* of body; NULL = application/json */
    const char   *accept;       /* NULL = application/json */
    khttp_line_cb on_line;      /* non-NULL = stream lines, don't buffer */
    size_t        max_line;     /* 0 = 16 MiB */
    int           max_retries;  /* Retry-After retries; 0 = 10, -1 = none */
    long          timeout_ms;   /* whole request; 0 = none */
    /* Send nothing: done_cb runs (status 0, error NULL) once the client's
     * credentials are fresh, running the exec plugin if needed, or with
     * its error. For ws.c before kclient_easy. */
    int auth_only;
};

/* A client for one cluster. Copies what it needs from ctx. */
struct kclient *kclient_create(struct kloop *, const struct kube_ctx *);
/* Requests must be finished or cancelled first. Accepts NULL. */
void                   kclient_free(struct kclient *);
struct kloop          *kclient_loop(struct kclient *);
const struct kube_ctx *kclient_ctx(struct kclient *);
/* Full URL for a path; caller frees. */
char *kclient_url(struct kclient *, const char *path);
/* An easy handle with URL, TLS, auth, User-Agent and keepalive set (for
 * ws.c); *headers gets the header list to keep alive and free with
 * curl_slist_free_all. Caller owns the handle; the kclient must outlive
 * it (tls-server-name options point into it). With an exec plugin, make
 * an auth_only request first so the credential is fresh. */
CURL *kclient_easy(struct kclient *, const char *path,
                   struct curl_slist **headers);

/* Start a request. NULL with *cause when it cannot start (the callback is
 * then never called); otherwise done_cb runs exactly once, later. */
struct khttp_req *khttp_request(struct kclient *, const struct khttp_opts *,
                                khttp_done_cb, void *data, char **cause);

/* Inside on_line: 1 when this line is the unterminated tail of a stream
 * that ended (cut short, e.g. the server closed a slow watch mid-line);
 * done_cb follows with tail_cut set. */
int khttp_line_is_cut(const struct khttp_req *);

/* Abort; done_cb will not be called. Safe inside the request's own
 * callbacks. The request is freed (now or shortly). */
void khttp_cancel(struct khttp_req *);

/* Percent-encode a query value; caller frees. */
char *khttp_escape(const char *);

#endif
