/*
 * One cluster connection at a time, switchable while the loop runs. A
 * connection is a resolved kube_ctx, a kclient and the pods, events and
 * namespaces reflectors; switching retires the current one (its
 * reflectors stop at once and write nothing more, the client is freed
 * after their close callbacks) and builds the next from the same
 * kubeconfig sources. A namespace switch keeps the client (and so an exec
 * plugin's cached credential); a context switch makes a new one. It does
 * no drawing: the caller hears state through callbacks.
 */
#include <stdlib.h>
#include <string.h>

#include "khttp.h"
#include "session.h"
#include "store.h"
#include "util.h"

/* A kclient shared by the connections of one context (namespace switches
 * keep it). */
struct session_client {
    struct kclient *client;
    int             refs;
};

struct session_conn {
    struct session        *s;
    struct kube_ctx       *ctx;
    struct session_client *cl;
    struct reflector      *pods, *events, *ns;
    int                    pending; /* reflectors still closing */
    int                    retired; /* in s->retiring */
    struct session_conn   *next;    /* in s->retiring */
};

struct session {
    struct kloop    *loop;
    char            *kubeconfig; /* --kubeconfig, or NULL */
    struct kube_ctx *fixed;      /* opts.ctx (demo), or NULL */
    struct store    *pods, *events, *namespaces;
    const char *(*start_ns)(const char *context, void *data);
    session_status_cb    status_cb;
    session_changed_cb   changed_cb;
    void                *data;
    struct session_conn *cur;
    struct session_conn *retiring;
    char                *selector; /* the pods' labelSelector, or NULL */
    int                  started;
    int                  closing;
    void (*done)(void *);
    void *done_data;
};

const struct store_ops session_namespace_ops = {
    .name = "namespaces",
};

/* With no namespace asked for, the one the caller's config gives ctx. */
static void
session_start_ns(struct session *s, struct kube_ctx *ctx)
{
    const char *ns =
        s->start_ns != NULL ? s->start_ns(ctx->context, s->data) : NULL;

    if (ns != NULL && *ns != '\0') {
        free(ctx->ns);
        ctx->ns = xstrdup(ns);
    }
}

static const struct reflector_status session_connecting = {
    .state = REFLECTOR_CONNECTING,
};

static void
session_client_unref(struct session_client *cl)
{
    if (cl != NULL && --cl->refs == 0) {
        kclient_free(cl->client);
        free(cl);
    }
}

static void
session_pods_status(struct reflector *r, void *data)
{
    struct session_conn *c = data;
    struct session      *s = c->s;

    if (c != s->cur || s->status_cb == NULL)
        return; /* a retired connection has nothing more to say */
    s->status_cb(s, reflector_status(r), s->data);
}

static void
session_other_status(struct reflector *r, void *data)
{
    struct session_conn           *c = data;
    const struct reflector_status *st = reflector_status(r);

    klog("%s: state %d%s%s", r == c->ns ? "namespaces" : "events",
         (int)st->state, st->error ? ": " : "", st->error ? st->error : "");
}

/* A connection for ctx (taken), sharing cl when given. */
static struct session_conn *
session_conn_create(struct session *s, struct kube_ctx *ctx,
                    struct session_client *cl)
{
    struct session_conn  *c = xcalloc(1, sizeof *c);
    struct reflector_opts ro;
    char                 *path;

    c->s = s;
    c->ctx = ctx;
    if (cl == NULL) {
        cl = xcalloc(1, sizeof *cl);
        cl->client = kclient_create(s->loop, ctx);
    }
    cl->refs++;
    c->cl = cl;
    memset(&ro, 0, sizeof ro);
    path = kube_ctx_pods_path(ctx);
    ro.path = path;
    ro.label_selector = s->selector;
    c->pods =
        reflector_create(cl->client, s->pods, &ro, session_pods_status, c);
    free(path);
    ro.label_selector = NULL;
    if (s->events != NULL) {
        path = ctx->all_ns ? xstrdup("/api/v1/events")
                           : xasprintf("/api/v1/namespaces/%s/events", ctx->ns);
        ro.path = path;
        c->events = reflector_create(cl->client, s->events, &ro,
                                     session_other_status, c);
        free(path);
    }
    if (s->namespaces != NULL) {
        ro.path = "/api/v1/namespaces";
        c->ns = reflector_create(cl->client, s->namespaces, &ro,
                                 session_other_status, c);
    }
    return c;
}

static void
session_conn_start(struct session_conn *c)
{
    reflector_start(c->pods);
    if (c->events != NULL)
        reflector_start(c->events);
    if (c->ns != NULL)
        reflector_start(c->ns);
}

static void
session_maybe_done(struct session *s)
{
    void (*done)(void *) = s->done;
    void *done_data = s->done_data;

    if (!s->closing || s->cur != NULL || s->retiring != NULL)
        return;
    free(s->kubeconfig);
    free(s->selector);
    kube_ctx_free(s->fixed);
    free(s);
    if (done != NULL)
        done(done_data);
}

static void
session_conn_closed(struct reflector *r, void *data)
{
    struct session_conn  *c = data;
    struct session       *s = c->s;
    struct session_conn **pp;

    (void)r;
    /* A pods reflector replaced by session_set_selector closes while its
     * connection still runs: only a retired one goes. */
    if (--c->pending > 0 || !c->retired)
        return;
    for (pp = &s->retiring; *pp != NULL; pp = &(*pp)->next)
        if (*pp == c) {
            *pp = c->next;
            break;
        }
    session_client_unref(c->cl);
    kube_ctx_free(c->ctx);
    free(c);
    session_maybe_done(s);
}

/* Stop c's reflectors now (they write nothing more); the rest goes once
 * they have closed. */
static void
session_conn_retire(struct session_conn *c)
{
    struct session   *s = c->s;
    struct reflector *all[3] = {c->pods, c->events, c->ns};
    size_t            i;

    c->next = s->retiring;
    s->retiring = c;
    c->retired = 1;
    for (i = 0; i < nitems(all); i++)
        if (all[i] != NULL)
            c->pending++;
    for (i = 0; i < nitems(all); i++)
        if (all[i] != NULL)
            reflector_close(all[i], session_conn_closed, c);
}

struct session *
session_create(struct kloop *loop, const struct session_opts *o, char **cause)
{
    struct session  *s;
    struct kube_ctx *ctx;

    *cause = NULL;
    if (o->ctx != NULL)
        ctx = kube_ctx_dup(o->ctx);
    else if ((ctx = kubeconfig_load(&o->kube, cause)) == NULL)
        return NULL;
    if (o->kube.all_ns)
        ctx->all_ns = 1;
    s = xcalloc(1, sizeof *s);
    s->loop = loop;
    s->start_ns = o->start_ns;
    s->data = o->data;
    if ((o->kube.ns == NULL || *o->kube.ns == '\0') && !o->kube.all_ns)
        session_start_ns(s, ctx);
    if (o->kube.kubeconfig != NULL)
        s->kubeconfig = xstrdup(o->kube.kubeconfig);
    if (o->ctx != NULL)
        s->fixed = kube_ctx_dup(o->ctx);
    s->pods = o->pods;
    s->events = o->events;
    s->namespaces = o->namespaces;
    s->status_cb = o->status;
    s->changed_cb = o->changed;
    s->cur = session_conn_create(s, ctx, NULL);
    klog("server %s context \"%s\" namespace %s%s", ctx->server, ctx->context,
         ctx->ns, ctx->all_ns ? " (all)" : "");
    return s;
}

void
session_start(struct session *s)
{
    if (s->started || s->cur == NULL)
        return;
    s->started = 1;
    session_conn_start(s->cur);
}

struct kclient *
session_client(struct session *s)
{
    return s->cur != NULL ? s->cur->cl->client : NULL;
}

const struct kube_ctx *
session_ctx(struct session *s)
{
    return s->cur != NULL ? s->cur->ctx : NULL;
}

const struct reflector_status *
session_status(struct session *s)
{
    if (!s->started || s->cur == NULL)
        return &session_connecting;
    return reflector_status(s->cur->pods);
}

/* The kube_opts that reach the context named name. */
static struct kube_opts
session_kube_opts(struct session *s, const char *name)
{
    struct kube_opts ko;

    memset(&ko, 0, sizeof ko);
    ko.kubeconfig = s->kubeconfig;
    /* "" is in-cluster (or the demo): no context to name. */
    ko.context = name != NULL && *name != '\0' ? name : NULL;
    return ko;
}

/* The next connection's context, or NULL with *cause. */
static struct kube_ctx *
session_resolve(struct session *s, const char *context, const char *ns,
                char **cause)
{
    const struct kube_ctx *cur = s->cur->ctx;
    struct kube_ctx       *ctx;
    struct kube_opts       ko;

    if (s->fixed != NULL) {
        if (context != NULL && strcmp(context, cur->context) != 0) {
            *cause = xasprintf("context \"%s\": no kubeconfig is in use "
                               "(only \"%s\" exists)",
                               context, cur->context);
            return NULL;
        }
        ctx = kube_ctx_dup(cur);
        free(ctx->ns);
        ctx->ns = xstrdup(ns != NULL && *ns != '\0' ? ns : s->fixed->ns);
    } else {
        ko = session_kube_opts(s, context != NULL ? context : cur->context);
        if (ns != NULL && *ns != '\0')
            ko.ns = ns;
        if ((ctx = kubeconfig_load(&ko, cause)) == NULL)
            return NULL;
    }
    if (ns == NULL)
        session_start_ns(s, ctx);
    ctx->all_ns = ns != NULL && *ns == '\0';
    return ctx;
}

int
session_switch(struct session *s, const char *context, const char *ns,
               char **cause)
{
    struct session_conn   *old = s->cur;
    struct session_client *keep = NULL;
    struct kube_ctx       *ctx;

    *cause = NULL;
    if (s->closing || old == NULL) {
        *cause = xstrdup("shutting down");
        return -1;
    }
    if ((ctx = session_resolve(s, context, ns, cause)) == NULL)
        return -1;
    /* Same context: keep the client (and a plugin's credential). */
    if (context == NULL || strcmp(context, old->ctx->context) == 0)
        keep = old->cl;
    klog("switch to context \"%s\" namespace %s%s", ctx->context, ctx->ns,
         ctx->all_ns ? " (all)" : "");
    if (keep != NULL)
        keep->refs++; /* outlive old's retirement */
    s->cur = NULL;
    session_conn_retire(old);
    /* Empty at once, one notification each: the list shows the switch
     * before the new server answers. */
    store_batch_begin(s->pods);
    store_clear(s->pods);
    store_batch_end(s->pods);
    if (s->events != NULL) {
        store_batch_begin(s->events);
        store_clear(s->events);
        store_batch_end(s->events);
    }
    if (s->namespaces != NULL && keep == NULL) {
        store_batch_begin(s->namespaces);
        store_clear(s->namespaces);
        store_batch_end(s->namespaces);
    }
    s->cur = session_conn_create(s, ctx, keep);
    if (keep != NULL)
        keep->refs--;
    if (s->status_cb != NULL)
        s->status_cb(s, &session_connecting, s->data);
    if (s->changed_cb != NULL)
        s->changed_cb(s, s->data);
    if (s->started && s->cur != NULL)
        session_conn_start(s->cur);
    return 0;
}

int
session_set_selector(struct session *s, const char *sel)
{
    struct session_conn  *c = s->cur;
    struct reflector_opts ro;
    char                 *path;

    if (sel != NULL && *sel == '\0')
        sel = NULL;
    if (s->selector == NULL ? sel == NULL
                            : sel != NULL && strcmp(s->selector, sel) == 0)
        return 0;
    free(s->selector);
    s->selector = sel != NULL ? xstrdup(sel) : NULL;
    if (s->closing || c == NULL)
        return 1;
    klog("pods: labelSelector %s", sel != NULL ? sel : "(none)");
    /* The old reflector writes nothing more; the new one's first list
     * replaces the store's pods (mark and sweep), so listeners keep
     * their rows until then. */
    c->pending++;
    reflector_close(c->pods, session_conn_closed, c);
    memset(&ro, 0, sizeof ro);
    path = kube_ctx_pods_path(c->ctx);
    ro.path = path;
    ro.label_selector = s->selector;
    c->pods =
        reflector_create(c->cl->client, s->pods, &ro, session_pods_status, c);
    free(path);
    if (s->status_cb != NULL)
        s->status_cb(s, &session_connecting, s->data);
    if (s->started)
        reflector_start(c->pods);
    return 1;
}

const char *
session_selector(struct session *s)
{
    return s->selector;
}

int
session_contexts(struct session *s, char ***names, size_t *n, size_t *current,
                 char **cause)
{
    struct kube_opts ko = session_kube_opts(s, NULL);
    const char      *cur = s->cur != NULL ? s->cur->ctx->context : "";
    char            *deflt = NULL;
    size_t           i;

    *names = NULL;
    *n = 0;
    *current = 0;
    if (s->fixed != NULL) {
        *names = xcalloc(1, sizeof **names);
        (*names)[(*n)++] = xstrdup(cur);
        return 0;
    }
    if (kubeconfig_contexts(&ko, names, n, &deflt, cause) != 0)
        return -1;
    free(deflt);
    *current = *n;
    for (i = 0; i < *n; i++)
        if (strcmp((*names)[i], cur) == 0)
            *current = i;
    return 0;
}

void
session_contexts_free(char **names, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

static int
session_name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t
session_namespaces(struct session *s, char ***names)
{
    struct store_obj **objs = NULL;
    size_t             n = 0, i;

    *names = NULL;
    if (s->namespaces == NULL)
        return 0;
    n = store_list(s->namespaces, &objs);
    if (n > 0)
        *names = xcalloc(n, sizeof **names);
    for (i = 0; i < n; i++)
        (*names)[i] = xstrdup(objs[i]->key);
    free(objs);
    if (n > 1)
        qsort(*names, n, sizeof **names, session_name_cmp);
    return n;
}

void
session_close(struct session *s, void (*done)(void *), void *data)
{
    struct session_conn *c = s->cur;

    s->closing = 1;
    s->done = done;
    s->done_data = data;
    s->cur = NULL;
    /* cur always holds a pod reflector, so the close callbacks come. */
    session_conn_retire(c);
}
