/*
 * Stub: HTTP requests (being implemented).
 */
#include "khttp.h"

#include "kubeconfig.h"
#include "loop.h"
#include "util.h"

#include <stdlib.h>

struct kclient {
    struct kloop    *loop;
    struct kube_ctx *ctx;
};

struct kclient *
kclient_create(struct kloop *loop, const struct kube_ctx *ctx)
{
    struct kclient *c = xcalloc(1, sizeof *c);

    c->loop = loop;
    c->ctx = kube_ctx_for_url(ctx->server, ctx->ns);
    return c;
}

void
kclient_free(struct kclient *c)
{
    if (c == NULL)
        return;
    kube_ctx_free(c->ctx);
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
    return xasprintf("%s%s", c->ctx->server, path);
}

CURL *
kclient_easy(struct kclient *c, const char *path, struct curl_slist **headers)
{
    *headers = NULL;
    return NULL;
}

struct khttp_req *
khttp_request(struct kclient *c, const struct khttp_opts *o, khttp_done_cb cb,
              void *data, char **cause)
{
    *cause = xstrdup("not implemented yet");
    return NULL;
}

void
khttp_cancel(struct khttp_req *r)
{
}

char *
khttp_escape(const char *s)
{
    return xstrdup(s);
}
