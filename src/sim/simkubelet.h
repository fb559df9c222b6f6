/*
 * The simulated scheduler and kubelet (simkubelet.c): moves pods through
 * scheduling, image pulls, container starts, probes, crashes, restarts with
 * back-off and graceful termination, writing status and events the way the
 * real components do.
 */
#ifndef KPOD_SIMKUBELET_H
#define KPOD_SIMKUBELET_H

#include "sim-int.h"

struct simkubelet *simkubelet_create(struct sim *);
void               simkubelet_close(struct simkubelet *); /* async, counted */
void               simkubelet_free(struct simkubelet *);
/* Start managing a newly created pod (the stored object). */
void simkubelet_add(struct simkubelet *, const cJSON *pod);
/* Served verbatim (--load): known, never changed. */
void simkubelet_add_static(struct simkubelet *, const cJSON *pod);
/* The pod is being deleted with this grace period: stop its containers,
 * then delete it for good. */
void simkubelet_terminate(struct simkubelet *, const char *ns, const char *name,
                          double grace);
/* The pod is gone (deleted with grace 0). */
void simkubelet_remove(struct simkubelet *, const char *ns, const char *name);
/* QoS class of a pod spec: "Guaranteed", "Burstable" or "BestEffort". */
const char    *simkubelet_qos(const cJSON *pod);
struct simctr *simkubelet_container(struct simkubelet *, const char *ns,
                                    const char *pod, const char *ctr);
/* --churn: flip the readiness of a random running pod (a status change). */
void simkubelet_churn(struct simkubelet *);

#endif
