/*
 * The UI as main.c sees it: create it over the pod store, feed it the
 * reflector's connection state, and close it. This header does not
 * include curses, so src/main.c can use it; everything that draws lives
 * behind it in ui/.
 */
#ifndef KPOD_UI_H
#define KPOD_UI_H

#include <stdint.h>
#include <uv.h>

#include "reflector.h"
#include "util.h"

struct kclient;
struct session;
struct keymap;
struct store;
struct theme;
struct ui;

/* What the UI asks of the program (ui/ never speaks HTTP): each answer
 * comes back through ui_message. */
struct ui_pod_ops {
    void *data;
    /* DELETE the pod with gracePeriodSeconds = grace. */
    void (*delete_pod)(void *data, const char *ns, const char *name,
                       long grace);
    /* PATCH the pod with a merge patch (application/merge-patch+json). */
    void (*patch_pod)(void *data, const char *ns, const char *name,
                      const char *patch);
};

struct ui_opts {
    const char   *context;        /* shown in the status bar */
    const char   *ns;             /* namespace shown; ignored with all_ns */
    int           all_namespaces; /* adds the NAMESPACE column */
    const char   *stats;          /* --stats: append JSON lines here, or NULL */
    struct store *events;         /* events of the namespace(s), or NULL */
    const struct ui_pod_ops *pod_ops; /* mutations; NULL = read-only */
    struct keymap           *keymap;  /* borrowed; NULL: the default keymap */
    const struct theme      *theme;   /* borrowed; NULL: the default theme */
    /* GET the pod (for managedFields, which the store drops); the answer
     * goes to ui_full_pod. NULL: not available. */
    void (*get_pod)(void *data, const char *ns, const char *name);
    void *get_pod_data;
    /* The client of the context shown, for panes that stream (logs, exec,
     * port-forward) or ask (explain, apply); NULL: none of those. */
    struct kclient *client;
    /* Lines a log pane keeps (config log-buffer-lines); 0 = default. */
    long log_buffer_lines;
    int  mouse;             /* clicks select/focus, wheel scrolls */
    int  refresh_cap;       /* frames/s at most; 0 = 60 */
    int  no_confirm_delete; /* config confirm-delete: false */
    /* The shell action's command line (config `shell`); NULL: the
     * default, sh -c "clear; (bash || ash || sh)". Copied. */
    const char *shell;
};

/* The user (q, ctrl-c) or a signal (SIGTERM, SIGHUP, SIGINT) asked to quit.
 * Called once. */
typedef void (*ui_quit_cb)(struct ui *, void *data);

/* Take over the terminal and show the pods of store. NULL with *cause when
 * there is no usable terminal. */
struct ui *ui_create(uv_loop_t *, struct store *pods, const struct ui_opts *,
                     ui_quit_cb, void *data, char **cause);
/* The pod reflector's state changed (connecting, live, retrying, error). */
void ui_set_conn(struct ui *, const struct reflector_status *);
/* A one-line note in the status bar (NULL clears it). */
void ui_message(struct ui *, const char *fmt, ...) KPOD_PRINTF(2, 3);
/* The answer to opts.get_pod: the pod's JSON, or error. */
void ui_full_pod(struct ui *, const char *json, const char *error);
/* The context changed: panes bound to the old client close (while it
 * still exists: free it after this returns); new ones use client. */
void ui_set_client(struct ui *, struct kclient *client);
/* The session that switches context and namespace (n, N, :ns, :ctx);
 * the status bar shows its context, cluster, user and namespace. */
void ui_set_session(struct ui *, struct session *);
/* The session switched (its changed callback): bound panes close when
 * the client changed, the bar and the list follow. */
void ui_session_changed(struct ui *);
/* Read-only or not (a switch to a context the config makes read-only, or
 * back): the keymap named keymap is loaded again with or without its
 * mutating actions, and ops (NULL when read-only) are what to send with. */
void ui_set_readonly(struct ui *, int readonly, const char *keymap,
                     const struct ui_pod_ops *ops);
/* Counters for tests and the debug log. */
struct ui_stats {
    uint64_t frames;         /* frames drawn (doupdate calls) */
    uint64_t change_frames;  /* frames that showed a store change */
    double   max_latency_ms; /* worst store change -> frame on screen */
};
void ui_stats(struct ui *, struct ui_stats *);
/* Restore the terminal now; done_cb(data) after every handle closed. */
void ui_close(struct ui *, void (*done_cb)(void *), void *data);

#endif
