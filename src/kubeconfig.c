/*
 * Stub: kubeconfig loading (being implemented).
 */
#include "kubeconfig.h"

#include "util.h"

#include <stdlib.h>
#include <string.h>

int
kube_opts_flag(struct kube_opts *o, int argc, char **argv, int *i, char **cause)
{
    return 0;
}

struct kube_ctx *
kubeconfig_load(const struct kube_opts *o, char **cause)
{
    *cause = xstrdup("kubeconfig loading is not implemented yet; "
                     "try `kpod --demo`");
    return NULL;
}

struct kube_ctx *
kube_ctx_for_url(const char *url, const char *ns)
{
    struct kube_ctx *c = xcalloc(1, sizeof *c);
    size_t           n = strlen(url);

    while (n > 0 && url[n - 1] == '/')
        n--;
    c->context = xstrdup("");
    c->cluster = xstrdup("");
    c->user = xstrdup("");
    c->source = xstrdup("");
    c->server = xstrndup(url, n);
    c->ns = xstrdup(ns != NULL ? ns : "default");
    return c;
}

void
kube_ctx_free(struct kube_ctx *c)
{
    if (c == NULL)
        return;
    free(c->context);
    free(c->cluster);
    free(c->user);
    free(c->source);
    free(c->server);
    free(c->ns);
    free(c->tls_server_name);
    free(c->ca);
    free(c->cert);
    free(c->key);
    free(c->token);
    free(c->username);
    free(c->password);
    free(c->proxy_url);
    free(c);
}

char *
kube_ctx_pods_path(const struct kube_ctx *c)
{
    if (c->all_ns)
        return xstrdup("/api/v1/pods");
    return xasprintf("/api/v1/namespaces/%s/pods", c->ns);
}
