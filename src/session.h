/*
 * The running connection to one cluster context: its kube_ctx, the kclient
 * and the reflectors that fill the pods, events and namespaces stores. The
 * stores belong to the caller and outlive the session's connections, so a
 * switch to another context or namespace tears down the old client and
 * watches, empties the stores at once and starts over on the new ones.
 * A context that fails (bad credentials, missing exec plugin, wrong CA)
 * reports why through the status callback and never ends the program.
 */
#ifndef KPOD_SESSION_H
#define KPOD_SESSION_H

#include <stddef.h>

#include "kubeconfig.h"
#include "reflector.h"

struct kclient;
struct kloop;
struct session;
struct store;

/* session_switch's ns for "every namespace". */
#define SESSION_ALL_NAMESPACES ""

/* The pod reflector's state (also each new connection's CONNECTING). */
typedef void (*session_status_cb)(struct session *,
                                  const struct reflector_status *, void *data);
/* The connection was replaced: session_client and session_ctx are new.
 * Runs before the old client is torn down, so whatever still uses it
 * (requests, log streams, port-forwards) must stop here. */
typedef void (*session_changed_cb)(struct session *, void *data);

struct session_opts {
    /* The kubeconfig sources and the first context and namespace, as
     * kubectl's flags give them (strings are copied). */
    struct kube_opts kube;
    /* Instead of reading a kubeconfig, use this context (copied; the demo
     * simulator): namespaces can be switched, contexts can't. */
    const struct kube_ctx *ctx;
    struct store          *pods;       /* borrowed; required */
    struct store          *events;     /* borrowed, or NULL */
    struct store          *namespaces; /* borrowed (session_namespace_ops) */
    /* The namespace a context starts in when none is asked for (the
     * config's namespace for it), or NULL or "" for the kubeconfig's. */
    const char *(*start_ns)(const char *context, void *data);
    session_status_cb  status;
    session_changed_cb changed;
    void              *data;
};

/* A store of namespaces (no summary; keys are the names). */
extern const struct store_ops session_namespace_ops;

/* Resolve the first context. NULL with *cause (the kubeconfig's error)
 * when there is none to use. Nothing is requested until session_start. */
struct session *session_create(struct kloop *, const struct session_opts *,
                               char **cause);
/* Start listing and watching. */
void session_start(struct session *);

/* The current connection (borrowed until the next switch). */
struct kclient        *session_client(struct session *);
const struct kube_ctx *session_ctx(struct session *);
/* The pod reflector's last state. */
const struct reflector_status *session_status(struct session *);

/* Go to context (NULL: stay) and namespace (NULL: the context's default;
 * SESSION_ALL_NAMESPACES: all). The old watches stop, the stores empty
 * (listeners hear it at once), changed_cb runs, new watches start. -1 with
 * *cause when the context can't be resolved: the current one keeps
 * running. */
int session_switch(struct session *, const char *context, const char *ns,
                   char **cause);

/* Watch only the pods matching the label selector sel (as kubectl's -l;
 * sent as labelSelector=, URL-escaped), or all pods for NULL or "". Only
 * the pods reflector restarts: the store and its listeners stay, and the
 * new list replaces the pods when it arrives. Later switches keep it.
 * 1 when it changed (a restart), 0 when it was already sel. A selector
 * the server refuses shows as the pod reflector's error (status_cb). */
int session_set_selector(struct session *, const char *sel);
/* The current selector, or NULL. */
const char *session_selector(struct session *);

/* The kubeconfig's contexts, sorted, and the index of the current one
 * (or n when it is none of them: demo, in-cluster). 0, or -1 with *cause.
 * Free with session_contexts_free. */
int  session_contexts(struct session *, char ***names, size_t *n,
                      size_t *current, char **cause);
void session_contexts_free(char **names, size_t n);

/* The namespaces store's names, sorted (the caller frees each and the
 * array). */
size_t session_namespaces(struct session *, char ***names);

/* Stop everything; done(data) runs once every request is released and the
 * last client is freed, then the session is freed. */
void session_close(struct session *, void (*done)(void *), void *data);

#endif
