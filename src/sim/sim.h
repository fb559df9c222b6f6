/*
 * kpod-sim as a library: a protocol-faithful Kubernetes API simulator on a
 * libuv loop. The kpod-sim binary (src/sim/kpod-sim.c) and `kpod --demo`
 * both use it; tests start it in-process too. One sim owns one loop's worth
 * of handles and must only be touched from that loop's thread.
 */
#ifndef KPOD_SIM_H
#define KPOD_SIM_H

#include <uv.h>

struct sim;

struct sim_opts {
    const char   *host;             /* "127.0.0.1" */
    int           port;             /* 0 = pick a free one */
    const char   *scenario;         /* "demo", "empty" (NULL = empty) */
    const char  **load_files;       /* NULL-terminated, or NULL */
    int           pods, namespaces; /* --pods N --namespaces M */
    double        churn, event_rate, log_rate;
    double        drop_watch_every, expire_every, restart_every;
    double        error_rate, garbage_rate;
    int           latency_ms, chunk_bytes;
    const char   *token;        /* require this bearer token */
    const char   *openapi_file; /* serve this /openapi/v3/api/v1 */
    int           history;      /* watch history window (events), 0 = default */
    double        bookmark_every;    /* seconds between BOOKMARKs, 0 = 60 */
    double        error_retry_after; /* Retry-After of --error-rate, 0 = 1 */
    const char   *log_file;          /* request log (kpod-sim --log), or NULL */
    unsigned long seed;              /* random seed, 0 = from the clock */
};

/* Start listening on loop; returns NULL and fills *cause on failure. */
struct sim *sim_create(uv_loop_t *, const struct sim_opts *, char **cause);
int         sim_port(struct sim *);
/* Close every handle; done_cb(data) runs after the last close callback. */
void sim_close(struct sim *, void (*done_cb)(void *), void *data);

/* Run a sim on its own loop in a background thread (for `kpod --demo` and
 * tests). Returns 0 and the port, or -1 with *cause. */
struct sim_thread;
struct sim_thread *sim_thread_start(const struct sim_opts *, int *port,
                                    char **cause);
/* Stop and join; returns uv_loop_close() of the thread's loop (0 = every
 * handle was closed). */
int sim_thread_stop(struct sim_thread *);

/* Write a kubeconfig pointing at http://host:port (context "kpod-sim"). */
int sim_write_kubeconfig(const char *path, const char *host, int port,
                         const char *token, char **cause);

#endif
