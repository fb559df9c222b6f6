/*
 * kpod-sim internals shared by its modules: the HTTP request and response
 * API (simhttp.c), the route table (simroute.c), the object store with its
 * watch history (simstore.c) and the simulated kubelet (simkubelet.c).
 * Handlers for new endpoints (exec, port-forward, logs) plug in by adding
 * a row to the route table and using only what this header exposes.
 * Everything here runs on the sim's loop thread.
 */
#ifndef KPOD_SIM_INT_H
#define KPOD_SIM_INT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cJSON.h>
#include <uv.h>

#include "sim.h"
#include "util.h"

struct simconn;
struct simreq;
struct simstore;
struct simkubelet;
struct simwatch;
struct simevents;
struct simload;
struct simstream;

/* ---- HTTP (simhttp.c) ---------------------------------------------- */

struct simkv {
    char *key;
    char *value;
};

/* One request. Borrowed by the handler until it answers (simhttp_respond,
 * or simhttp_stream_end / simhttp_stream_abort for a stream, or an
 * upgrade). Header names are lower-case; query keys and values decoded. */
struct simreq {
    struct sim     *sim;
    struct simconn *conn;
    char           *method; /* "GET" */
    char           *path;   /* decoded, without the query */
    char           *url;    /* raw request target */
    struct simkv   *query;
    size_t          nquery;
    struct simkv   *headers;
    size_t          nheaders;
    struct kbuf     body;
    int             upgrade; /* Connection: Upgrade was asked */
    int             streaming;
    int             answered;
    /* Called once if the client goes away while a stream is open (the
     * request must not be touched after it returns). */
    void (*cancel_cb)(struct simreq *, void *data);
    void *cancel_data;
};

const char *simhttp_query(struct simreq *, const char *key); /* NULL = absent */
/* Query boolean the apiserver way: present and not "0"/"false" = true. */
int         simhttp_query_bool(struct simreq *, const char *key);
const char *simhttp_header(struct simreq *, const char *lname);
/* All values of a repeated query key (e.g. command=...); returns count and
 * a borrowed array in *out (caller frees the array only). */
size_t simhttp_query_all(struct simreq *, const char *key, const char ***out);

/* A complete response. extra_headers: "Name: value\r\n"... or NULL. */
void simhttp_respond(struct simreq *, int code, const char *content_type,
                     const char *body, size_t len, const char *extra_headers);
void simhttp_respond_json(struct simreq *, int code, cJSON *obj); /* frees */
/* A metav1.Status error. details_name/kind may be NULL. */
void   simhttp_status(struct simreq *, int code, const char *reason,
                      const char *details_name, const char *details_kind,
                      const char *fmt, ...) KPOD_PRINTF(6, 7);
cJSON *simhttp_status_obj(int code, const char *reason, const char *message,
                          const char *details_name, const char *details_kind);

/* A chunked streaming response; each write is one chunk. */
void simhttp_stream_begin(struct simreq *, int code, const char *content_type);
int  simhttp_stream_write(struct simreq *, const void *, size_t);
size_t simhttp_stream_queued(struct simreq *); /* bytes not yet sent */
void   simhttp_stream_end(struct simreq *);    /* clean end (0 chunk) */
void   simhttp_stream_abort(struct simreq *);  /* drop the connection */

/* Hand the raw connection to an upgraded protocol (WebSocket). Write the
 * 101 answer yourself with simhttp_raw_write. Bytes read from now on go to
 * read_cb (including any already buffered after the request); closed_cb
 * runs once when the connection is gone. The request is finished. */
struct simhttp_upgrade_ops {
    void (*read_cb)(struct simconn *, const char *buf, size_t len, void *data);
    void (*closed_cb)(struct simconn *, void *data);
};
void       simhttp_upgrade(struct simreq *, const struct simhttp_upgrade_ops *,
                           void *data);
int        simhttp_raw_write(struct simconn *, const void *, size_t);
size_t     simhttp_raw_queued(struct simconn *);
void       simhttp_conn_close(struct simconn *);
uv_loop_t *simhttp_conn_loop(struct simconn *);

/* ---- routes (simroute.c) ------------------------------------------- */

/* A handler gets the captured "*" path segments in order. */
typedef void (*simroute_cb)(struct simreq *, char **args);
struct simroute {
    const char *method;  /* NULL = any */
    const char *pattern; /* "/api/v1/namespaces/ * /pods/ *" (no spaces) */
    simroute_cb handle;
};
extern const struct simroute simroute_table[];
extern const size_t          simroute_count;
void                         simroute_dispatch(struct simreq *);

/* ---- the object store (simstore.c) ---------------------------------- */

/* Immutable, reference-counted snapshot of one object version. text is
 * the compact JSON without kind/apiVersion (the list item form). */
struct simsnap {
    int    refs;
    cJSON *obj;
    char  *text;
    size_t len;
};

struct simres {
    const char *resource; /* "pods" */
    const char *kind;     /* "Pod" */
    const char *listkind; /* "PodList" */
    int         index;    /* its history ring in the store */
};
extern const struct simres simres_pods, simres_events, simres_namespaces;

/* The current snapshot of ns/name, or NULL. Borrowed. */
struct simsnap *simstore_get(struct simstore *, const struct simres *,
                             const char *ns, const char *name);
/* Store obj (taken) as the new version of its ns/name: sets
 * resourceVersion (and uid/creationTimestamp when new); ADDED or MODIFIED
 * goes to the watchers. Returns the new snapshot (borrowed). */
struct simsnap *simstore_put(struct simstore *, const struct simres *,
                             cJSON *obj);
/* Remove ns/name; DELETED goes to the watchers. 0, or -1 if absent. */
int simstore_delete(struct simstore *, const struct simres *, const char *ns,
                    const char *name);
/* All current objects of a resource (NULL ns = all), sorted by ns/name.
 * Returns count; *out is the caller's array of borrowed snapshots. */
size_t   simstore_list(struct simstore *, const struct simres *, const char *ns,
                       struct simsnap ***out);
uint64_t simstore_rv(struct simstore *);

/* ---- sim-wide helpers (sim.c, simkubelet.c) ------------------------- */

struct sim {
    uv_loop_t         *loop;
    struct sim_opts    opts;
    uv_tcp_t           listener;
    int                port;
    struct simstore   *store;
    struct simkubelet *kubelet;
    struct simconn    *conns; /* every open connection */
    uv_timer_t         drop_timer, expire_timer;
    int                closing, pending_closes;
    void (*done_cb)(void *);
    void             *done_data;
    uint64_t          rand_state;
    char             *openapi_text;
    size_t            openapi_len;
    struct simwatch  *watches; /* open watch streams */
    struct simevents *events;  /* the event recorder's cache */
    uint64_t          forced_expire_rv;
    unsigned          drops;
    uv_timer_t        churn_timer, event_timer, restart_timer;
    uv_timer_t        relisten_timer;
    uint64_t          churn_start, churn_done, event_start, event_done;
    int               done_called;
    struct simload   *load;
    int               refusing; /* --restart-every: listener closed */
    uint64_t          requests;
    FILE             *log;    /* request log, or NULL */
    struct simstream *stream; /* exec, port-forward, logs (simstream.c) */
};

/* Run done_cb once the sim is closing and every handle has closed. */
void sim_maybe_done(struct sim *);
/* simhttp.c, for sim.c */
int  simhttp_listen(struct sim *);
void simhttp_close_all(struct sim *);

/* The current Pod object (with kind/apiVersion), or NULL. Borrowed until
 * the next change to the store. */
const cJSON *sim_pod_get(struct sim *, const char *ns, const char *name);
/* A container's simulated state, or NULL when there is no such pod or
 * container. Borrowed. */
struct simctr {
    char   *name;
    char   *image;
    int     running; /* state.running */
    int     ready;
    int     restarts;
    int64_t started_ms;   /* wall clock, 0 = never */
    int64_t last_exit_ms; /* 0 = never terminated */
    int     ports[16];    /* containerPort values */
    int     nports;
    /* a tiny file system for exec and exec probes: path -> content */
    struct simkv *files;
    size_t        nfiles;
};
struct simctr *sim_container(struct sim *, const char *ns, const char *pod,
                             const char *ctr);
const char    *simctr_file(struct simctr *, const char *path); /* NULL = none */
void simctr_file_put(struct simctr *, const char *path, const char *content);
int  simctr_file_remove(struct simctr *, const char *path);

/* Record a core/v1 Event about a pod, aggregated like the kubelet's event
 * recorder (same reason+message+source+object: count++). type is
 * "Normal" or "Warning"; field_path like "spec.containers{nginx}" or NULL. */
void sim_event_record(struct sim *, const cJSON *pod, const char *field_path,
                      const char *type, const char *reason, const char *fmt,
                      ...) KPOD_PRINTF(6, 7);

/* A uniformly random double in [0, 1) from the sim's own generator. */
double sim_rand(struct sim *);

/* RFC 3339 UTC timestamps "2024-01-02T03:04:05Z" for ms since the epoch;
 * micro = "2024-01-02T03:04:05.000000Z". */
char *sim_time(int64_t ms, char *buf, size_t len);
char *sim_microtime(int64_t ms, char *buf, size_t len);

#endif
