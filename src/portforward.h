/*
 * Port-forwards like `kubectl port-forward`: a local TCP listener whose
 * every accepted connection gets its own WebSocket to the pod's
 * portforward subresource (v4.channel.k8s.io). A forward outlives its
 * connections' failures and the pod's restarts, and reaches a pod
 * re-created under the same name on the next connection. It reports
 * kubectl's messages and its state through callbacks; it draws nothing.
 */
#ifndef KPOD_PORTFORWARD_H
#define KPOD_PORTFORWARD_H

#include <stdint.h>

struct kclient;
struct portforward;

enum portforward_state {
    PORTFORWARD_LISTENING, /* no connection open */
    PORTFORWARD_ACTIVE,    /* connections open */
    PORTFORWARD_WAITING,   /* the pod is gone: waiting for it to return */
    PORTFORWARD_ERROR,     /* the last connection failed: reason says why */
};

struct portforward_opts {
    const char *ns; /* NULL = the client's namespace */
    const char *pod;
    const char *address;     /* NULL = 127.0.0.1; "localhost" = 127.0.0.1 */
    int         local_port;  /* 0 = any free port */
    int         remote_port; /* the container port */
};

struct portforward_info {
    enum portforward_state state;
    const char            *state_text; /* "listening", "2 connections" ... */
    const char            *reason;     /* last error, or NULL */
    const char            *address;
    int                    local_port, remote_port;
    int                    open;        /* connections open now */
    uint64_t               connections; /* accepted so far */
    uint64_t               bytes_in;    /* from the pod */
    uint64_t               bytes_out;   /* to the pod */
};

struct portforward_ops {
    /* One line like kubectl's ("Forwarding from 127.0.0.1:8080 -> 8080",
     * "Handling connection for 8080"); error = 1 for failures. */
    void (*message)(struct portforward *, int error, const char *line,
                    void *data);
    /* Optional: state or counters changed. */
    void (*changed)(struct portforward *, void *data);
    /* Optional, asked on each accepted connection: the pod to dial now
     * (pod = the current one); NULL or the same name keeps it. Lets a
     * forward follow a workload to its replacement pod. */
    const char *(*resolve)(struct portforward *, const char *pod, void *data);
};

/* Listen and start forwarding. NULL with *cause when the local port cannot
 * be had ("unable to listen on port 8080: ... address already in use");
 * nothing is left behind then. */
struct portforward *portforward_start(struct kclient *,
                                      const struct portforward_opts *,
                                      const struct portforward_ops *,
                                      void *data, char **cause);
/* The current state (strings borrowed until the next loop turn). */
void portforward_info(struct portforward *, struct portforward_info *);
/* The pod connections go to (changes when resolve names another). */
const char *portforward_pod(struct portforward *);
/* Stop listening, drop every connection; done(data) runs once everything
 * is closed and the forward freed. No other callback runs after this. */
void portforward_stop(struct portforward *, void (*done)(void *), void *data);

#endif
