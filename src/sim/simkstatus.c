/*
 * The pod status the simulated kubelet writes: conditions with transition
 * times, container and init container statuses (state, lastState, ids),
 * phase, IPs, QoS class and start time, rebuilt from the kubelet's state
 * and stored as a new version of the pod.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "simkubelet-int.h"
#include "simpods.h"
#include "simstore.h"

enum { C_READYTOSTART, C_INIT, C_READY, C_CREADY, C_SCHED };
static const char *const cond_names[] = {"PodReadyToStartContainers",
                                         "Initialized", "Ready",
                                         "ContainersReady", "PodScheduled"};

/* ---- status ---------------------------------------------------------- */

static void
kl_cond(struct klpod *p, int i, int v)
{
    if (p->cond_t[i] == 0 || p->cond[i] != v) {
        p->cond[i] = v;
        p->cond_t[i] = know_ms();
    }
}

static cJSON *
kl_ctr_status(struct klpod *p, struct klctr *c)
{
    cJSON        *s = cJSON_CreateObject(), *st, *x;
    char          ts[64], *full = simkctr_image_full(c->pub.image);
    int           h;
    unsigned long hash = 5381;
    const char   *q;

    (void)p;
    for (q = full; *q; q++)
        hash = hash * 33 + (unsigned char)*q;
    if (c->state != KL_WAITING || c->has_last || c->pub.restarts > 0 ||
        c->cid[0] != '\0')
        cJSON_AddStringToObject(s, "containerID", c->cid);
    cJSON_AddStringToObject(s, "image", full);
    if (c->cid[0] != '\0') {
        char id[200];

        h = snprintf(
            id, sizeof id, "%.*s@sha256:",
            (int)(strrchr(full, ':') && !strchr(strrchr(full, ':'), '/')
                      ? strrchr(full, ':') - full
                      : (long)strlen(full)),
            full);
        snprintf(id + h, sizeof id - (size_t)h, "%016lx%016lx%016lx%016lx",
                 hash, hash * 7, hash * 13, hash * 31);
        cJSON_AddStringToObject(s, "imageID", id);
    } else
        cJSON_AddStringToObject(s, "imageID", "");
    x = cJSON_AddObjectToObject(s, "lastState");
    if (c->has_last) {
        st = cJSON_AddObjectToObject(x, "terminated");
        cJSON_AddStringToObject(st, "containerID", c->cid);
        cJSON_AddNumberToObject(st, "exitCode", c->last_exit);
        cJSON_AddStringToObject(st, "finishedAt",
                                sim_time(c->last_finished, ts, sizeof ts));
        cJSON_AddStringToObject(st, "reason",
                                c->last_reason ? c->last_reason : "Error");
        cJSON_AddStringToObject(st, "startedAt",
                                sim_time(c->last_started, ts, sizeof ts));
    }
    cJSON_AddStringToObject(s, "name", c->pub.name);
    cJSON_AddBoolToObject(s, "ready", c->pub.ready);
    cJSON_AddNumberToObject(s, "restartCount", c->pub.restarts);
    cJSON_AddBoolToObject(s, "started", c->state == KL_RUNNING && c->started);
    x = cJSON_AddObjectToObject(s, "state");
    if (c->state == KL_RUNNING) {
        st = cJSON_AddObjectToObject(x, "running");
        cJSON_AddStringToObject(st, "startedAt",
                                sim_time(c->pub.started_ms, ts, sizeof ts));
    } else if (c->state == KL_TERMINATED) {
        st = cJSON_AddObjectToObject(x, "terminated");
        cJSON_AddStringToObject(st, "containerID", c->cid);
        cJSON_AddNumberToObject(st, "exitCode", c->exit_code);
        cJSON_AddStringToObject(st, "finishedAt",
                                sim_time(c->finished_ms, ts, sizeof ts));
        cJSON_AddStringToObject(st, "reason", c->reason ? c->reason : "Error");
        cJSON_AddStringToObject(st, "startedAt",
                                sim_time(c->pub.started_ms, ts, sizeof ts));
    } else {
        st = cJSON_AddObjectToObject(x, "waiting");
        if (c->message != NULL)
            cJSON_AddStringToObject(st, "message", c->message);
        cJSON_AddStringToObject(st, "reason",
                                c->reason ? c->reason : "ContainerCreating");
    }
    free(full);
    return s;
}

void
simkstatus_publish(struct klpod *p)
{
    struct sim  *sim = p->kl->sim;
    const cJSON *cur = simkubelet_pod_obj(p);
    cJSON       *pod, *spec, *status, *conds, *arr, *x;
    char         ts[64], node[32], hostip[32], unready[1024];
    size_t       i;
    int          all_ready = 1, any_running = 0, all_term = 1, any_fail = 0;
    int          inits_done = 1, nmain = 0;
    const char  *phase = "Pending";
    int          int_ready;

    if (cur == NULL)
        return;
    p->dirty = 0;
    pod = cJSON_Duplicate(cur, 1);
    spec = cJSON_GetObjectItemCaseSensitive(pod, "spec");
    snprintf(node, sizeof node, "worker-node%d", p->node + 1);
    snprintf(hostip, sizeof hostip, "172.18.0.%d", p->node + 2);
    if (p->scheduled && simkubelet_gets(spec, "nodeName") == NULL)
        cJSON_AddStringToObject(spec, "nodeName", node);
    unready[0] = '\0';
    for (i = 0; i < p->nctrs; i++) {
        struct klctr *c = &p->ctrs[i];

        if (c->init) {
            if (!(c->state == KL_TERMINATED && c->exit_code == 0))
                inits_done = 0;
            continue;
        }
        nmain++;
        if (c->state == KL_RUNNING)
            any_running = 1;
        if (c->state != KL_TERMINATED)
            all_term = 0;
        else if (c->exit_code != 0)
            any_fail = 1;
        if (!c->pub.ready) {
            all_ready = 0;
            snprintf(unready + strlen(unready),
                     sizeof unready - strlen(unready), "%s%s",
                     unready[0] ? " " : "", c->pub.name);
        }
    }
    if (p->ready_flap > 0 && any_running && p->flap_down)
        all_ready = 0;
    if (nmain > 0 && all_term && p->restart_policy != 0)
        phase = any_fail ? "Failed" : "Succeeded";
    else if (any_running || (nmain > 0 && all_term))
        phase = "Running";
    for (i = 0; i < p->nctrs; i++)
        if (!p->ctrs[i].init && p->ctrs[i].has_last)
            phase = strcmp(phase, "Pending") == 0 ? "Running" : phase;
    cJSON_DeleteItemFromObjectCaseSensitive(pod, "status");
    status = cJSON_AddObjectToObject(pod, "status");
    conds = cJSON_AddArrayToObject(status, "conditions");
    kl_cond(p, C_SCHED, p->scheduled);
    if (p->scheduled) {
        int_ready = all_ready && inits_done;
        kl_cond(p, C_READYTOSTART, p->sandbox);
        kl_cond(p, C_INIT, inits_done);
        kl_cond(p, C_READY, int_ready);
        kl_cond(p, C_CREADY, int_ready);
    }
    {
        static const int order[] = {C_READYTOSTART, C_INIT, C_READY, C_CREADY,
                                    C_SCHED};
        size_t           k;

        for (k = 0; k < nitems(order); k++) {
            int ci = order[k];

            if (!p->scheduled && ci != C_SCHED)
                continue;
            if (!p->scheduled && !(p->sched_at == UINT64_MAX))
                continue;
            x = cJSON_CreateObject();
            cJSON_AddNullToObject(x, "lastProbeTime");
            cJSON_AddStringToObject(x, "lastTransitionTime",
                                    sim_time(p->cond_t[ci], ts, sizeof ts));
            if (!p->cond[ci] && ci == C_SCHED) {
                cJSON_AddStringToObject(
                    x, "message",
                    "0/3 nodes are available: 3 Insufficient cpu. preemption: "
                    "0/3 nodes are available: 3 No preemption victims found "
                    "for incoming pod.");
                cJSON_AddStringToObject(x, "reason", "Unschedulable");
            }
            if (!p->cond[ci] && (ci == C_READY || ci == C_CREADY)) {
                char m[1100];

                if (strcmp(phase, "Succeeded") == 0 ||
                    strcmp(phase, "Failed") == 0) {
                    cJSON_AddStringToObject(x, "reason", "PodCompleted");
                } else {
                    snprintf(m, sizeof m,
                             "containers with unready status: [%s]", unready);
                    cJSON_AddStringToObject(x, "message", m);
                    cJSON_AddStringToObject(x, "reason", "ContainersNotReady");
                }
            }
            if (!p->cond[ci] && ci == C_INIT) {
                char   m[1100], names[1024] = "";
                size_t j;

                for (j = 0; j < p->ninit; j++)
                    if (!(p->ctrs[j].state == KL_TERMINATED &&
                          p->ctrs[j].exit_code == 0))
                        snprintf(names + strlen(names),
                                 sizeof names - strlen(names), "%s%s",
                                 names[0] ? " " : "", p->ctrs[j].pub.name);
                snprintf(m, sizeof m, "containers with incomplete status: [%s]",
                         names);
                cJSON_AddStringToObject(x, "message", m);
                cJSON_AddStringToObject(x, "reason",
                                        "ContainersNotInitialized");
            }
            cJSON_AddStringToObject(x, "status",
                                    p->cond[ci] ? "True" : "False");
            cJSON_AddStringToObject(x, "type", cond_names[ci]);
            cJSON_AddItemToArray(conds, x);
        }
    }
    if (p->scheduled) {
        arr = cJSON_AddArrayToObject(status, "containerStatuses");
        for (i = p->ninit; i < p->nctrs; i++)
            cJSON_AddItemToArray(arr, kl_ctr_status(p, &p->ctrs[i]));
        cJSON_AddStringToObject(status, "hostIP", hostip);
        arr = cJSON_AddArrayToObject(status, "hostIPs");
        x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "ip", hostip);
        cJSON_AddItemToArray(arr, x);
        if (p->ninit > 0) {
            arr = cJSON_AddArrayToObject(status, "initContainerStatuses");
            for (i = 0; i < p->ninit; i++)
                cJSON_AddItemToArray(arr, kl_ctr_status(p, &p->ctrs[i]));
        }
    }
    cJSON_AddStringToObject(status, "phase", phase);
    if (p->sandbox && p->ip[0] != '\0') {
        cJSON_AddStringToObject(status, "podIP", p->ip);
        arr = cJSON_AddArrayToObject(status, "podIPs");
        x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "ip", p->ip);
        cJSON_AddItemToArray(arr, x);
    }
    cJSON_AddStringToObject(status, "qosClass", simkubelet_qos(pod));
    if (p->scheduled)
        cJSON_AddStringToObject(status, "startTime",
                                sim_time(p->start_ms, ts, sizeof ts));
    simstore_put(sim->store, &simres_pods, pod);
}
