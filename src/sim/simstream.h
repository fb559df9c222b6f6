/*
 * kpod-sim's streaming pod endpoints: exec (and attach) and port-forward
 * over WebSocket, and logs. This is the glue between the HTTP server
 * (sim-int.h) and the protocol modules (simws, simexec, simport,
 * simlogs); it owns their per-simulator state.
 */
#ifndef KPOD_SIMSTREAM_H
#define KPOD_SIMSTREAM_H

struct sim;
struct simreq;
struct simstream;

struct simstream *simstream_create(struct sim *);
/* End every session and stream; done_cb(data) after the last handle
 * closed. */
void simstream_close(struct simstream *, void (*done_cb)(void *), void *data);
/* The pod with this uid is gone: drop its port backends. */
void simstream_pod_gone(struct simstream *, const char *uid);

/* Route handlers; args are the namespace and the pod name. */
void simstream_exec(struct simreq *, char **args);
void simstream_attach(struct simreq *, char **args);
void simstream_portforward(struct simreq *, char **args);
void simstream_logs(struct simreq *, char **args);

#endif
