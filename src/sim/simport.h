/*
 * The simulated pods' network side for kpod-sim: every container port is
 * backed by a real TCP server on a loopback ephemeral port (http-go answers
 * "Welcome! <pod>", nginx its welcome page, registry.k8s.io/liveness a
 * /healthz that fails after 10 s, anything else echoes), and port-forward
 * over WebSocket (v4.channel.k8s.io) connects to those. The set also keeps
 * the live WebSocket sessions.
 */
#ifndef KPOD_SIMPORT_H
#define KPOD_SIMPORT_H

#include <uv.h>

#include "simexec.h"
#include "simws.h"

struct simport_set;

struct simport_set *simport_set_create(uv_loop_t *);
/* End every session, close every backend; done_cb(data) after the last
 * handle closed. */
void simport_set_close(struct simport_set *, void (*done_cb)(void *),
                       void *data);

/* The loopback port serving container port `port` of pod uid (created on
 * first use; image picks the behaviour). -1 when it cannot listen. */
int simport_backend(struct simport_set *, const char *uid, const char *pod,
                    const char *container, const char *image, int port);
/* Which backend port serves port of pod uid, if one was created (-1).
 * Port-forward and curl in exec only reach ports that have a backend:
 * create them (simport_backend) for every declared container port. */
int simport_lookup(struct simport_set *, const char *uid, int port);
/* When the container's current run started (wall clock ms): behaviours
 * that depend on uptime (the liveness image's /healthz) follow it. */
void simport_started(struct simport_set *, const char *uid,
                     const char *container, int64_t started_ms);
/* The pod is gone: close its backends. */
void simport_forget(struct simport_set *, const char *uid);
/* Forget every pod whose uid alive() says is gone. */
void simport_sweep(struct simport_set *,
                   int (*alive)(void *data, const char *uid), void *data);
/* The WebSocket sessions of this simulator (exec and port-forward). */
struct simws_list *simport_sessions(struct simport_set *);
/* Each HTTP request a backend answered (for the container's log). */
typedef void (*simport_access_cb)(void *data, const char *uid, const char *pod,
                                  const char *container, const char *image,
                                  const char *method, const char *path,
                                  const char *user_agent, int status,
                                  size_t bytes);
void simport_set_access_cb(struct simport_set *, simport_access_cb, void *);

/* Serve a port-forward WebSocket: ports[] in request order. The 101 goes
 * out through io; the caller feeds the returned session. */
extern const char *const simport_protocols[]; /* v4.channel.k8s.io */
struct simws            *simport_forward_start(struct simport_set *,
                                               const struct simws_io *, const char *ws_key,
                                               const char *protocol, const char *uid,
                                               const char *pod, const int *ports,
                                               int nports);
/* simexec_port_cb for containers of this set (data = the set). */
int simport_exec_port_cb(void *set, const char *uid, int port);

#endif
