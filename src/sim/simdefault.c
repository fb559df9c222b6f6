/*
 * What the apiserver and its admission plugins add to a new pod (image pull
 * policy, ports' protocol, probe defaults, the service account token
 * volume and mount, scheduling and termination defaults, tolerations),
 * uids, generated name suffixes, managedFields entries, and the key order
 * the apiserver's encoder writes. No HTTP here.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "simdefault.h"

void
simdefault_uuid(struct sim *sim, char *buf, size_t len)
{
    unsigned char b[16];
    size_t        i;

    for (i = 0; i < 16; i++)
        b[i] = (unsigned char)(sim_rand(sim) * 256);
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    snprintf(buf, len,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x"
             "%02x",
             b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10],
             b[11], b[12], b[13], b[14], b[15]);
}

/* Random suffix from the apiserver's alphabet (no vowels, no 0/1/3). */
void
simdefault_suffix(struct sim *sim, char *buf, size_t n)
{
    static const char alpha[] = "bcdfghjklmnpqrstvwxz2456789";
    size_t            i;

    for (i = 0; i + 1 < n; i++)
        buf[i] = alpha[(size_t)(sim_rand(sim) * (sizeof alpha - 1))];
    buf[n - 1] = '\0';
}

cJSON *
simdefault_child(cJSON *o, const char *k)
{
    cJSON *c = cJSON_GetObjectItemCaseSensitive(o, k);

    if (c == NULL) {
        c = cJSON_CreateObject();
        cJSON_AddItemToObject(o, k, c);
    }
    return c;
}

static void
setdef_str(cJSON *o, const char *k, const char *v)
{
    if (cJSON_GetObjectItemCaseSensitive(o, k) == NULL)
        cJSON_AddStringToObject(o, k, v);
}

static void
setdef_num(cJSON *o, const char *k, double v)
{
    if (cJSON_GetObjectItemCaseSensitive(o, k) == NULL)
        cJSON_AddNumberToObject(o, k, v);
}

static void
setdef_bool(cJSON *o, const char *k, int v)
{
    if (cJSON_GetObjectItemCaseSensitive(o, k) == NULL)
        cJSON_AddBoolToObject(o, k, v);
}

/* Move the keys of o into the given order; the rest keep theirs after. */
void
simdefault_order(cJSON *o, const char *const *order)
{
    cJSON *tmp = cJSON_CreateObject(), *it;
    size_t i;

    for (i = 0; order[i] != NULL; i++) {
        it = cJSON_DetachItemFromObjectCaseSensitive(o, order[i]);
        if (it != NULL)
            cJSON_AddItemToObject(tmp, order[i], it);
    }
    while (o->child != NULL) {
        it = o->child;
        cJSON_DetachItemViaPointer(o, it);
        cJSON_AddItemToObject(tmp, it->string, it);
    }
    while (tmp->child != NULL) {
        it = tmp->child;
        cJSON_DetachItemViaPointer(tmp, it);
        cJSON_AddItemToObject(o, it->string, it);
    }
    cJSON_Delete(tmp);
}

static const char *const meta_order[] = {
    "name",
    "generateName",
    "namespace",
    "selfLink",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "labels",
    "annotations",
    "ownerReferences",
    "finalizers",
    "managedFields",
    NULL,
};
static const char *const pod_order[] = {"metadata", "spec", "status", NULL};

void
simdefault_order_meta(cJSON *pod)
{
    cJSON *meta = cJSON_GetObjectItemCaseSensitive(pod, "metadata");

    if (meta != NULL)
        simdefault_order(meta, meta_order);
    simdefault_order(pod, pod_order);
}

static int
image_has_tag(const char *image)
{
    const char *slash = strrchr(image, '/');
    const char *last = slash ? slash + 1 : image;

    return strchr(last, ':') != NULL || strchr(image, '@') != NULL;
}

/* What the apiserver and its admission plugins add to a new pod. */
void
simdefault_pod(struct sim *sim, cJSON *pod)
{
    cJSON *spec = simdefault_child(pod, "spec"), *ctrs, *c, *tol, *t, *vols, *v;
    char   suffix[6], volname[64];
    int    i;
    const char *const kinds[] = {"initContainers", "containers"};

    simdefault_suffix(sim, suffix, sizeof suffix);
    snprintf(volname, sizeof volname, "kube-api-access-%s", suffix);
    for (i = 0; i < 2; i++) {
        ctrs = cJSON_GetObjectItemCaseSensitive(spec, kinds[i]);
        cJSON_ArrayForEach(c, ctrs)
        {
            const char *image =
                cJSON_GetStringValue(cJSON_GetObjectItem(c, "image"));
            cJSON *ports = cJSON_GetObjectItemCaseSensitive(c, "ports"), *p;
            cJSON *vm;

            if (image != NULL) {
                const char *tag = strrchr(image, ':');

                setdef_str(c, "imagePullPolicy",
                           !image_has_tag(image) ||
                                   (tag && strcmp(tag, ":latest") == 0)
                               ? "Always"
                               : "IfNotPresent");
            }
            cJSON_ArrayForEach(p, ports) setdef_str(p, "protocol", "TCP");
            {
                static const char *const probes[] = {
                    "livenessProbe", "readinessProbe", "startupProbe"};
                size_t k;

                for (k = 0; k < nitems(probes); k++) {
                    cJSON *pr = cJSON_GetObjectItemCaseSensitive(c, probes[k]);
                    cJSON *hg;

                    if (!cJSON_IsObject(pr))
                        continue;
                    setdef_num(pr, "failureThreshold", 3);
                    setdef_num(pr, "periodSeconds", 10);
                    setdef_num(pr, "successThreshold", 1);
                    setdef_num(pr, "timeoutSeconds", 1);
                    hg = cJSON_GetObjectItemCaseSensitive(pr, "httpGet");
                    if (cJSON_IsObject(hg))
                        setdef_str(hg, "scheme", "HTTP");
                }
            }
            simdefault_child(c, "resources");
            setdef_str(c, "terminationMessagePath", "/dev/termination-log");
            setdef_str(c, "terminationMessagePolicy", "File");
            vm = cJSON_GetObjectItemCaseSensitive(c, "volumeMounts");
            if (vm == NULL) {
                vm = cJSON_CreateArray();
                cJSON_AddItemToObject(c, "volumeMounts", vm);
            }
            v = cJSON_CreateObject();
            cJSON_AddStringToObject(
                v, "mountPath",
                "/var/run/secrets/kubernetes.io/serviceaccount");
            cJSON_AddStringToObject(v, "name", volname);
            cJSON_AddBoolToObject(v, "readOnly", 1);
            cJSON_AddItemToArray(vm, v);
        }
    }
    setdef_str(spec, "dnsPolicy", "ClusterFirst");
    setdef_bool(spec, "enableServiceLinks", 1);
    setdef_str(spec, "preemptionPolicy", "PreemptLowerPriority");
    setdef_num(spec, "priority", 0);
    setdef_str(spec, "restartPolicy", "Always");
    setdef_str(spec, "schedulerName", "default-scheduler");
    simdefault_child(spec, "securityContext");
    setdef_str(spec, "serviceAccount", "default");
    setdef_str(spec, "serviceAccountName", "default");
    setdef_num(spec, "terminationGracePeriodSeconds", 30);
    tol = cJSON_GetObjectItemCaseSensitive(spec, "tolerations");
    if (tol == NULL) {
        const char *const keys[] = {"node.kubernetes.io/not-ready",
                                    "node.kubernetes.io/unreachable"};

        tol = cJSON_AddArrayToObject(spec, "tolerations");
        for (i = 0; i < 2; i++) {
            t = cJSON_CreateObject();
            cJSON_AddStringToObject(t, "effect", "NoExecute");
            cJSON_AddStringToObject(t, "key", keys[i]);
            cJSON_AddStringToObject(t, "operator", "Exists");
            cJSON_AddNumberToObject(t, "tolerationSeconds", 300);
            cJSON_AddItemToArray(tol, t);
        }
    }
    vols = cJSON_GetObjectItemCaseSensitive(spec, "volumes");
    if (vols == NULL)
        vols = cJSON_AddArrayToObject(spec, "volumes");
    v = cJSON_Parse(
        "{\"name\":\"\",\"projected\":{\"defaultMode\":420,\"sources\":["
        "{\"serviceAccountToken\":{\"expirationSeconds\":3607,\"path\":"
        "\"token\"}},{\"configMap\":{\"items\":[{\"key\":\"ca.crt\","
        "\"path\":\"ca.crt\"}],\"name\":\"kube-root-ca.crt\"}},"
        "{\"downwardAPI\":{\"items\":[{\"fieldRef\":{\"apiVersion\":\"v1\","
        "\"fieldPath\":\"metadata.namespace\"},\"path\":\"namespace\"}]}}]}}");
    cJSON_ReplaceItemInObjectCaseSensitive(v, "name",
                                           cJSON_CreateString(volname));
    cJSON_AddItemToArray(vols, v);
}

/* A managedFields entry for a write by manager. */
void
simdefault_managed(cJSON *pod, const char *manager, const char *operation)
{
    cJSON *meta = simdefault_child(pod, "metadata");
    cJSON *mf = cJSON_GetObjectItemCaseSensitive(meta, "managedFields"), *e;
    char   ts[64];

    if (manager == NULL || *manager == '\0')
        return;
    if (!cJSON_IsArray(mf)) {
        cJSON_DeleteItemFromObjectCaseSensitive(meta, "managedFields");
        mf = cJSON_AddArrayToObject(meta, "managedFields");
    }
    cJSON_ArrayForEach(e, mf)
    {
        const char *m = cJSON_GetStringValue(cJSON_GetObjectItem(e, "manager"));
        const char *op =
            cJSON_GetStringValue(cJSON_GetObjectItem(e, "operation"));

        if (m && op && strcmp(m, manager) == 0 && strcmp(op, operation) == 0) {
            cJSON_ReplaceItemInObjectCaseSensitive(
                e, "time",
                cJSON_CreateString(sim_time(know_ms(), ts, sizeof ts)));
            return;
        }
    }
    e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "manager", manager);
    cJSON_AddStringToObject(e, "operation", operation);
    cJSON_AddStringToObject(e, "apiVersion", "v1");
    cJSON_AddStringToObject(e, "time", sim_time(know_ms(), ts, sizeof ts));
    cJSON_AddStringToObject(e, "fieldsType", "FieldsV1");
    cJSON_AddItemToObject(
        e, "fieldsV1",
        cJSON_Parse("{\"f:metadata\":{\"f:annotations\":{},\"f:labels\":{}},"
                    "\"f:spec\":{\"f:containers\":{}}}"));
    cJSON_AddItemToArray(mf, e);
}
