/*
 * Bulk content for kpod-sim: --load FILE... serves Pods, Events and Lists
 * of them (JSON or YAML) verbatim, status included, with no kubelet; --pods
 * N --namespaces M makes N realistic running pods (~6 KB each, managedFields
 * included) for load tests; --churn and --event-rate change them and record
 * events at a given rate.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "kyaml.h"
#include "simdefault.h"
#include "simdisco.h"
#include "simevents.h"
#include "simload.h"
#include "simpods.h"
#include "simstore.h"

struct simload {
    char **ns, **name; /* the --pods pods */
    size_t n;
};

void
simload_free(struct sim *sim)
{
    struct simload *l = sim->load;
    size_t          i;

    if (l == NULL)
        return;
    for (i = 0; i < l->n; i++) {
        free(l->ns[i]);
        free(l->name[i]);
    }
    free(l->ns);
    free(l->name);
    free(l);
    sim->load = NULL;
}

static int
simload_obj(struct sim *sim, cJSON *obj, const char *kind, const char *path,
            char **cause)
{
    const char *k = cJSON_GetStringValue(cJSON_GetObjectItem(obj, "kind"));
    const char *ns;
    cJSON      *items, *it;

    if (k == NULL)
        k = kind;
    if (k != NULL && (strcmp(k, "List") == 0 || strcmp(k, "PodList") == 0 ||
                      strcmp(k, "EventList") == 0)) {
        const char *ik = strcmp(k, "PodList") == 0     ? "Pod"
                         : strcmp(k, "EventList") == 0 ? "Event"
                                                       : NULL;

        items = cJSON_DetachItemFromObjectCaseSensitive(obj, "items");
        cJSON_Delete(obj);
        while (items != NULL && items->child != NULL) {
            it = cJSON_DetachItemViaPointer(items, items->child);
            if (simload_obj(sim, it, ik, path, cause) != 0) {
                cJSON_Delete(items);
                return -1;
            }
        }
        cJSON_Delete(items);
        return 0;
    }
    ns = cJSON_GetStringValue(
        cJSON_GetObjectItem(cJSON_GetObjectItem(obj, "metadata"), "namespace"));
    if (ns == NULL) {
        cJSON *meta = cJSON_GetObjectItem(obj, "metadata");

        if (meta == NULL)
            meta = cJSON_AddObjectToObject(obj, "metadata");
        cJSON_AddStringToObject(meta, "namespace", "default");
        ns = "default";
    }
    simdisco_ensure_namespace(sim, ns);
    if (k != NULL && strcmp(k, "Pod") == 0) {
        simstore_put(sim->store, &simres_pods, obj);
        return 0;
    }
    if (k != NULL && strcmp(k, "Event") == 0) {
        simevents_load(sim, obj);
        return 0;
    }
    *cause = xasprintf("%s: cannot serve kind %s (only Pod, Event and lists "
                       "of them)",
                       path, k ? k : "(none)");
    cJSON_Delete(obj);
    return -1;
}

int
simload_files(struct sim *sim, const char **files, char **cause)
{
    size_t  i, j, n;
    cJSON **docs;

    for (i = 0; files != NULL && files[i] != NULL; i++) {
        if (kyaml_parse_file(files[i], &docs, &n, cause) != 0)
            return -1;
        for (j = 0; j < n; j++) {
            if (docs[j] == NULL)
                continue;
            if (simload_obj(sim, docs[j], NULL, files[i], cause) != 0) {
                docs[j] = NULL;
                kyaml_free_docs(docs, n);
                return -1;
            }
            docs[j] = NULL;
        }
        kyaml_free_docs(docs, n);
    }
    return 0;
}

static const char simload_template[] =
    "{\"metadata\":{\"name\":\"\",\"generateName\":\"\",\"namespace\":\"\","
    "\"uid\":\"\",\"creationTimestamp\":\"\",\"labels\":{\"app\":\"\","
    "\"pod-template-hash\":\"7c5ddbdf54\",\"tier\":\"backend\"},"
    "\"annotations\":{\"kubectl.kubernetes.io/restartedAt\":"
    "\"2024-05-01T10:00:00Z\",\"prometheus.io/port\":\"9090\","
    "\"prometheus.io/scrape\":\"true\"},\"ownerReferences\":[{\"apiVersion\":"
    "\"apps/v1\",\"kind\":\"ReplicaSet\",\"name\":\"\",\"uid\":"
    "\"8c0b1f0e-4e0b-4b8e-9d55-2f8d6d8e2c11\",\"controller\":true,"
    "\"blockOwnerDeletion\":true}],\"managedFields\":[{\"manager\":"
    "\"kube-controller-manager\",\"operation\":\"Update\",\"apiVersion\":"
    "\"v1\",\"time\":\"2024-05-01T10:00:00Z\",\"fieldsType\":\"FieldsV1\","
    "\"fieldsV1\":{\"f:metadata\":{\"f:annotations\":{\".\":{},"
    "\"f:kubectl.kubernetes.io/restartedAt\":{},\"f:prometheus.io/port\":{},"
    "\"f:prometheus.io/scrape\":{}},\"f:generateName\":{},\"f:labels\":{"
    "\".\":{},\"f:app\":{},\"f:pod-template-hash\":{},\"f:tier\":{}},"
    "\"f:ownerReferences\":{\".\":{},\"k:{\\\"uid\\\":\\\"8c0b1f0e-4e0b-4b8e-"
    "9d55-2f8d6d8e2c11\\\"}\":{}}},\"f:spec\":{\"f:containers\":{"
    "\"k:{\\\"name\\\":\\\"app\\\"}\":{\".\":{},\"f:env\":{\".\":{},"
    "\"k:{\\\"name\\\":\\\"LOG_LEVEL\\\"}\":{\".\":{},\"f:name\":{},"
    "\"f:value\":{}}},\"f:image\":{},\"f:imagePullPolicy\":{},"
    "\"f:livenessProbe\":{\".\":{},\"f:failureThreshold\":{},\"f:httpGet\":{"
    "\".\":{},\"f:path\":{},\"f:port\":{},\"f:scheme\":{}},"
    "\"f:periodSeconds\":{}},\"f:name\":{},\"f:ports\":{\".\":{},"
    "\"k:{\\\"containerPort\\\":8080,\\\"protocol\\\":\\\"TCP\\\"}\":{\".\":{},"
    "\"f:containerPort\":{},\"f:name\":{},\"f:protocol\":{}}},"
    "\"f:resources\":{\".\":{},\"f:limits\":{\".\":{},\"f:memory\":{}},"
    "\"f:requests\":{\".\":{},\"f:cpu\":{},\"f:memory\":{}}}}},"
    "\"f:dnsPolicy\":{},\"f:enableServiceLinks\":{},\"f:restartPolicy\":{},"
    "\"f:schedulerName\":{},\"f:securityContext\":{},"
    "\"f:terminationGracePeriodSeconds\":{}}}},{\"manager\":\"kubelet\","
    "\"operation\":\"Update\",\"apiVersion\":\"v1\",\"time\":"
    "\"2024-05-01T10:00:05Z\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{"
    "\"f:status\":{\"f:conditions\":{\"k:{\\\"type\\\":\\\"ContainersReady\\\"}"
    "\":{\".\":{},\"f:lastProbeTime\":{},\"f:lastTransitionTime\":{},"
    "\"f:status\":{},\"f:type\":{}},\"k:{\\\"type\\\":\\\"Initialized\\\"}\":{"
    "\".\":{},\"f:lastProbeTime\":{},\"f:lastTransitionTime\":{},"
    "\"f:status\":{},\"f:type\":{}},\"k:{\\\"type\\\":\\\"Ready\\\"}\":{\".\":"
    "{},\"f:lastProbeTime\":{},\"f:lastTransitionTime\":{},\"f:status\":{},"
    "\"f:type\":{}}},\"f:containerStatuses\":{},\"f:hostIP\":{},"
    "\"f:hostIPs\":{},\"f:phase\":{},\"f:podIP\":{},\"f:podIPs\":{\".\":{},"
    "\"k:{\\\"ip\\\":\\\"10.244.1.7\\\"}\":{\".\":{},\"f:ip\":{}}},"
    "\"f:startTime\":{}}},\"subresource\":\"status\"}]},"
    "\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":"
    "\"registry.example.com/shop/app:1.8.3\",\"ports\":[{\"name\":\"http\","
    "\"containerPort\":8080,\"protocol\":\"TCP\"}],\"env\":[{\"name\":"
    "\"LOG_LEVEL\",\"value\":\"info\"}],\"resources\":{\"limits\":{"
    "\"memory\":\"256Mi\"},\"requests\":{\"cpu\":\"100m\",\"memory\":"
    "\"128Mi\"}},\"livenessProbe\":{\"httpGet\":{\"path\":\"/healthz\","
    "\"port\":8080,\"scheme\":\"HTTP\"},\"timeoutSeconds\":1,"
    "\"periodSeconds\":10,\"successThreshold\":1,\"failureThreshold\":3},"
    "\"terminationMessagePath\":\"/dev/termination-log\","
    "\"terminationMessagePolicy\":\"File\",\"imagePullPolicy\":"
    "\"IfNotPresent\"}],\"restartPolicy\":\"Always\","
    "\"terminationGracePeriodSeconds\":30,\"dnsPolicy\":\"ClusterFirst\","
    "\"serviceAccountName\":\"default\",\"serviceAccount\":\"default\","
    "\"nodeName\":\"\",\"securityContext\":{},\"schedulerName\":"
    "\"default-scheduler\",\"tolerations\":[{\"key\":"
    "\"node.kubernetes.io/not-ready\",\"operator\":\"Exists\",\"effect\":"
    "\"NoExecute\",\"tolerationSeconds\":300},{\"key\":"
    "\"node.kubernetes.io/unreachable\",\"operator\":\"Exists\",\"effect\":"
    "\"NoExecute\",\"tolerationSeconds\":300}],\"priority\":0,"
    "\"enableServiceLinks\":true,\"preemptionPolicy\":"
    "\"PreemptLowerPriority\"},\"status\":{\"phase\":\"Running\","
    "\"conditions\":[{\"type\":\"PodReadyToStartContainers\",\"status\":"
    "\"True\",\"lastProbeTime\":null,\"lastTransitionTime\":\"\"},{\"type\":"
    "\"Initialized\",\"status\":\"True\",\"lastProbeTime\":null,"
    "\"lastTransitionTime\":\"\"},{\"type\":\"Ready\",\"status\":\"True\","
    "\"lastProbeTime\":null,\"lastTransitionTime\":\"\"},{\"type\":"
    "\"ContainersReady\",\"status\":\"True\",\"lastProbeTime\":null,"
    "\"lastTransitionTime\":\"\"},{\"type\":\"PodScheduled\",\"status\":"
    "\"True\",\"lastProbeTime\":null,\"lastTransitionTime\":\"\"}],"
    "\"hostIP\":\"\",\"hostIPs\":[{\"ip\":\"\"}],\"podIP\":\"\",\"podIPs\":[{"
    "\"ip\":\"\"}],\"startTime\":\"\",\"containerStatuses\":[{\"name\":"
    "\"app\",\"state\":{\"running\":{\"startedAt\":\"\"}},\"lastState\":{},"
    "\"ready\":true,\"restartCount\":0,\"image\":"
    "\"registry.example.com/shop/app:1.8.3\",\"imageID\":"
    "\"registry.example.com/shop/app@sha256:"
    "4f1c1b5c1b8f4e7e9a3d2c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f\","
    "\"containerID\":\"containerd://"
    "9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b\","
    "\"started\":true}],\"qosClass\":\"Burstable\"}}";

static void
simload_set(cJSON *o, const char *k, const char *v)
{
    cJSON_ReplaceItemInObjectCaseSensitive(o, k, cJSON_CreateString(v));
}

int
simload_pods(struct sim *sim, int n, int m, char **cause)
{
    struct simload          *l;
    cJSON                   *tmpl;
    int                      i;
    static const char *const apps[] = {"cart",    "checkout", "catalog",
                                       "auth",    "search",   "payments",
                                       "gateway", "inventory"};

    (void)cause;
    if (n <= 0)
        return 0;
    if (m <= 0)
        m = 1;
    tmpl = cJSON_Parse(simload_template);
    if (tmpl == NULL)
        abort(); /* the template above is broken */
    l = sim->load = xcalloc(1, sizeof *l);
    l->ns = xcalloc((size_t)n, sizeof *l->ns);
    l->name = xcalloc((size_t)n, sizeof *l->name);
    for (i = 0; i < n; i++) {
        cJSON      *pod = cJSON_Duplicate(tmpl, 1);
        cJSON      *meta = cJSON_GetObjectItem(pod, "metadata");
        cJSON      *spec = cJSON_GetObjectItem(pod, "spec");
        cJSON      *status = cJSON_GetObjectItem(pod, "status");
        cJSON      *c;
        const char *app = apps[i % (int)nitems(apps)];
        char ns[64], gen[128], name[160], sfx[6], ts[64], ip[32], host[32],
            node[32], uid[48];
        int64_t created = know_ms() - (int64_t)(sim_rand(sim) * 7 * 86400e3);

        snprintf(ns, sizeof ns, "load-%d", i % m);
        simdisco_ensure_namespace(sim, ns);
        snprintf(gen, sizeof gen, "%s-7c5ddbdf54-", app);
        simdefault_suffix(sim, sfx, sizeof sfx);
        snprintf(name, sizeof name, "%s%s%d", gen, sfx, i);
        snprintf(uid, sizeof uid, "%08x-%04x-4%03x-9%03x-%012x", (unsigned)i,
                 (unsigned)(sim_rand(sim) * 65535),
                 (unsigned)(sim_rand(sim) * 4095),
                 (unsigned)(sim_rand(sim) * 4095), (unsigned)i * 7919u);
        snprintf(ip, sizeof ip, "10.%d.%d.%d", 244 + i / 62500, (i / 250) % 250,
                 i % 250 + 2);
        snprintf(host, sizeof host, "172.18.%d.%d", i % 20 / 250, i % 20 + 2);
        snprintf(node, sizeof node, "worker-node%d", i % 20 + 1);
        simload_set(meta, "name", name);
        simload_set(meta, "generateName", gen);
        simload_set(meta, "namespace", ns);
        simload_set(meta, "uid", uid);
        simload_set(meta, "creationTimestamp",
                    sim_time(created, ts, sizeof ts));
        simload_set(cJSON_GetObjectItem(meta, "labels"), "app", app);
        simload_set(
            cJSON_GetArrayItem(cJSON_GetObjectItem(meta, "ownerReferences"), 0),
            "name", gen);
        simload_set(spec, "nodeName", node);
        cJSON_ArrayForEach(c, cJSON_GetObjectItem(status, "conditions"))
            simload_set(c, "lastTransitionTime", ts);
        simload_set(status, "hostIP", host);
        simload_set(
            cJSON_GetArrayItem(cJSON_GetObjectItem(status, "hostIPs"), 0), "ip",
            host);
        simload_set(status, "podIP", ip);
        simload_set(
            cJSON_GetArrayItem(cJSON_GetObjectItem(status, "podIPs"), 0), "ip",
            ip);
        simload_set(status, "startTime", ts);
        {
            cJSON *cs = cJSON_GetArrayItem(
                cJSON_GetObjectItem(status, "containerStatuses"), 0);
            cJSON *run = cJSON_GetObjectItem(cJSON_GetObjectItem(cs, "state"),
                                             "running");

            simload_set(run, "startedAt", ts);
        }
        simstore_put(sim->store, &simres_pods, pod);
        l->ns[l->n] = xstrdup(ns);
        l->name[l->n] = xstrdup(name);
        l->n++;
    }
    cJSON_Delete(tmpl);
    return 0;
}

/* One status change on a random --pods pod; -1 when there are none. */
int
simload_churn(struct sim *sim)
{
    struct simload *l = sim->load;
    struct simsnap *s;
    cJSON          *pod, *status, *cs, *conds, *c;
    size_t          k;
    int             ready;
    char            ts[64];

    if (l == NULL || l->n == 0)
        return -1;
    k = (size_t)(sim_rand(sim) * (double)l->n);
    s = simstore_get(sim->store, &simres_pods, l->ns[k], l->name[k]);
    if (s == NULL)
        return 0;
    pod = cJSON_Duplicate(s->obj, 1);
    status = cJSON_GetObjectItem(pod, "status");
    cs =
        cJSON_GetArrayItem(cJSON_GetObjectItem(status, "containerStatuses"), 0);
    ready = !cJSON_IsTrue(cJSON_GetObjectItem(cs, "ready"));
    cJSON_ReplaceItemInObjectCaseSensitive(cs, "ready",
                                           cJSON_CreateBool(ready));
    if (!ready) {
        cJSON *rc = cJSON_GetObjectItem(cs, "restartCount");

        cJSON_ReplaceItemInObjectCaseSensitive(
            cs, "restartCount",
            cJSON_CreateNumber(cJSON_GetNumberValue(rc) + 1));
    }
    conds = cJSON_GetObjectItem(status, "conditions");
    cJSON_ArrayForEach(c, conds)
    {
        const char *t = cJSON_GetStringValue(cJSON_GetObjectItem(c, "type"));

        if (t &&
            (strcmp(t, "Ready") == 0 || strcmp(t, "ContainersReady") == 0)) {
            simload_set(c, "status", ready ? "True" : "False");
            simload_set(c, "lastTransitionTime",
                        sim_time(know_ms(), ts, sizeof ts));
        }
    }
    simstore_put(sim->store, &simres_pods, pod);
    return 0;
}

void
simload_events(struct sim *sim, int n)
{
    static const char *const reasons[][3] = {
        {"Normal", "Pulled",
         "Container image \"registry.example.com/shop/app:1.8.3\" already "
         "present on machine"},
        {"Warning", "Unhealthy",
         "Readiness probe failed: HTTP probe failed with statuscode: 503"},
        {"Normal", "Killing", "Stopping container app"},
        {"Warning", "BackOff",
         "Back-off restarting failed container app in pod %s"},
    };
    struct simload  *l = sim->load;
    struct simsnap **all = NULL, *s;
    size_t           count = 0, i;
    int              j;

    for (j = 0; j < n; j++) {
        size_t       r = (size_t)(sim_rand(sim) * nitems(reasons));
        const cJSON *pod;

        if (l != NULL && l->n > 0) {
            i = (size_t)(sim_rand(sim) * (double)l->n);
            s = simstore_get(sim->store, &simres_pods, l->ns[i], l->name[i]);
        } else {
            if (all == NULL)
                count = simstore_list(sim->store, &simres_pods, NULL, &all);
            if (count == 0)
                break;
            s = all[(size_t)(sim_rand(sim) * (double)count)];
        }
        if (s == NULL)
            continue;
        pod = s->obj;
        sim_event_record(sim, pod, "spec.containers{app}", reasons[r][0],
                         reasons[r][1], reasons[r][2],
                         cJSON_GetStringValue(cJSON_GetObjectItem(
                             cJSON_GetObjectItem(pod, "metadata"), "name")));
    }
    free(all);
}
