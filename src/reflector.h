/*
 * List + watch of one resource into a store, like client-go's Reflector:
 * LIST in pages (limit/continue), WATCH from the list's resourceVersion with
 * bookmarks, resume from the last resourceVersion on a dropped stream with
 * backoff (0.8 s doubling to 30 s), relist and mark-and-sweep on 410.
 * It reports its connection state so the status bar can say what happens.
 */
#ifndef KPOD_REFLECTOR_H
#define KPOD_REFLECTOR_H

#include <stdint.h>

struct kclient;
struct store;
struct reflector;

enum reflector_state {
    REFLECTOR_CONNECTING, /* first list under way */
    REFLECTOR_LIVE,       /* listed and watching */
    REFLECTOR_RETRYING,   /* waiting retry_at_ms before the next try */
    REFLECTOR_STOPPED
};

struct reflector_status {
    enum reflector_state state;
    int64_t              retry_at_ms; /* when RETRYING */
    const char          *error; /* last error (server's message), or NULL */
    uint64_t             lists, watches, relists; /* counters for tests/stats */
};

typedef void (*reflector_status_cb)(struct reflector *, void *data);
typedef void (*reflector_done_cb)(struct reflector *, void *data);

struct reflector_opts {
    const char *path; /* "/api/v1/pods" or "/api/v1/namespaces/NS/pods" */
    const char *label_selector; /* NULL = none */
    const char *field_selector;
    int         page_limit;      /* 0 = 500 */
    int         watch_timeout_s; /* 0 = random 5-10 min like client-go */
    /* How long a list may take, and how long a watch may outlive its
     * timeoutSeconds: a server that accepts and never answers is a
     * failure to retry, not a hang. 0 = 30 s. */
    int request_timeout_ms;
};

struct reflector *reflector_create(struct kclient *, struct store *,
                                   const struct reflector_opts *,
                                   reflector_status_cb, void *data);
void              reflector_start(struct reflector *);
const struct reflector_status *reflector_status(struct reflector *);
/* Stop all requests; done_cb runs once everything is released, then the
 * reflector is freed. */
void reflector_close(struct reflector *, reflector_done_cb, void *data);

#endif
