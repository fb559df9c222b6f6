/*
 * Writing pods: create (JSON or YAML body, generateName, defaulting like the
 * apiserver's admission, 409 AlreadyExists, 422 Invalid with causes),
 * graceful delete (deletionTimestamp, then gone once the kubelet has
 * stopped the containers) and patch (merge, strategic merge for metadata,
 * JSON patch, server-side apply). Reads go through simlist.c.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "kyaml.h"
#include "simdefault.h"
#include "simkubelet.h"
#include "simlist.h"
#include "simpatch.h"
#include "simpods.h"
#include "simstore.h"
#include "simvalid.h"

static cJSON *
simpods_parse_body(struct simreq *r, char **cause)
{
    const char *ctype = simhttp_header(r, "content-type");
    cJSON      *obj = NULL;

    if (r->body.len == 0) {
        *cause = xstrdup("the body of the request was empty");
        return NULL;
    }
    if (ctype == NULL || strstr(ctype, "yaml") == NULL)
        obj = cJSON_ParseWithLength(r->body.data, r->body.len);
    if (obj == NULL) {
        char *ycause = NULL;

        obj = kyaml_parse(r->body.data, r->body.len, "body", &ycause);
        if (obj == NULL) {
            *cause = xasprintf("couldn't get version/kind; json parse error: "
                               "%s",
                               ycause ? ycause : "invalid body");
            free(ycause);
            return NULL;
        }
        free(ycause);
    }
    if (!cJSON_IsObject(obj)) {
        cJSON_Delete(obj);
        *cause = xstrdup("the body of the request was in an unknown format");
        return NULL;
    }
    return obj;
}

/* ---- create ---------------------------------------------------------- */

/* Store a new pod (taken); answers 201 or an error. */
static void
simpods_create_obj(struct simreq *r, const char *ns, cJSON *pod,
                   const char *manager, const char *operation, int code)
{
    struct sim *sim = r->sim;
    cJSON      *meta = simdefault_child(pod, "metadata"), *status;
    const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(meta, "name"));
    const char *gen =
        cJSON_GetStringValue(cJSON_GetObjectItem(meta, "generateName"));
    const char *bodyns =
        cJSON_GetStringValue(cJSON_GetObjectItem(meta, "namespace"));
    char            uid[40], ts[64], *gname = NULL;
    struct simsnap *snap;
    struct kbuf     b;

    if (bodyns != NULL && *bodyns != '\0' && strcmp(bodyns, ns) != 0) {
        simhttp_status(r, 400, "BadRequest", NULL, NULL,
                       "the namespace of the provided object does not match "
                       "the namespace sent on the request");
        cJSON_Delete(pod);
        return;
    }
    if ((name == NULL || *name == '\0') && gen != NULL && *gen != '\0') {
        char sfx[6];

        simdefault_suffix(sim, sfx, sizeof sfx);
        gname = xasprintf("%s%s", gen, sfx);
        cJSON_DeleteItemFromObjectCaseSensitive(meta, "name");
        cJSON_AddStringToObject(meta, "name", gname);
        name = gname;
    }
    if (name == NULL || *name == '\0') {
        cJSON *st = simhttp_status_obj(
            422, "Invalid",
            "Pod \"\" is invalid: metadata.name: Required value: name or "
            "generateName is required",
            "", "Pod");
        cJSON *d = cJSON_GetObjectItemCaseSensitive(st, "details");

        cJSON_AddItemToObject(
            d, "causes",
            cJSON_Parse("[{\"reason\":\"FieldValueRequired\",\"message\":"
                        "\"Required value: name or generateName is "
                        "required\",\"field\":\"metadata.name\"}]"));
        simhttp_respond_json(r, 422, st);
        cJSON_Delete(pod);
        return;
    }
    if (simstore_get(sim->store, &simres_pods, ns, name) != NULL) {
        simhttp_status(r, 409, "AlreadyExists", name, "pods",
                       "pods \"%s\" already exists", name);
        cJSON_Delete(pod);
        free(gname);
        return;
    }
    if (simvalid_pod(r, pod, name) != 0) {
        cJSON_Delete(pod);
        free(gname);
        return;
    }
    if (bodyns == NULL || *bodyns == '\0') {
        cJSON_DeleteItemFromObjectCaseSensitive(meta, "namespace");
        cJSON_AddStringToObject(meta, "namespace", ns);
    }
    simdefault_uuid(sim, uid, sizeof uid);
    cJSON_DeleteItemFromObjectCaseSensitive(meta, "uid");
    cJSON_AddStringToObject(meta, "uid", uid);
    cJSON_DeleteItemFromObjectCaseSensitive(meta, "creationTimestamp");
    cJSON_AddStringToObject(meta, "creationTimestamp",
                            sim_time(know_ms(), ts, sizeof ts));
    cJSON_DeleteItemFromObjectCaseSensitive(meta, "resourceVersion");
    cJSON_DeleteItemFromObjectCaseSensitive(meta, "deletionTimestamp");
    cJSON_DeleteItemFromObjectCaseSensitive(meta, "managedFields");
    simdefault_pod(sim, pod);
    simdefault_managed(pod, manager, operation);
    cJSON_DeleteItemFromObjectCaseSensitive(pod, "status");
    status = cJSON_AddObjectToObject(pod, "status");
    cJSON_AddStringToObject(status, "phase", "Pending");
    cJSON_AddStringToObject(status, "qosClass", simkubelet_qos(pod));
    simdefault_order_meta(pod);
    if (simhttp_query(r, "dryRun") != NULL) {
        struct simsnap tmp = {1, pod, cJSON_PrintUnformatted(pod), 0};

        tmp.len = strlen(tmp.text);
        kbuf_init(&b);
        simlist_full_object(&b, &simres_pods, &tmp);
        simhttp_respond(r, code, "application/json", b.data, b.len, NULL);
        kbuf_done(&b);
        free(tmp.text);
        cJSON_Delete(pod);
        free(gname);
        return;
    }
    snap = simstore_put(sim->store, &simres_pods, pod);
    free(gname);
    kbuf_init(&b);
    simlist_full_object(&b, &simres_pods, snap);
    simhttp_respond(r, code, "application/json", b.data, b.len, NULL);
    kbuf_done(&b);
    simkubelet_add(sim->kubelet, snap->obj);
}

void
simpods_create(struct simreq *r, char **args)
{
    char       *cause = NULL;
    cJSON      *pod = simpods_parse_body(r, &cause);
    const char *kind;

    if (pod == NULL) {
        simhttp_status(r, 400, "BadRequest", NULL, NULL, "%s", cause);
        free(cause);
        return;
    }
    kind = cJSON_GetStringValue(cJSON_GetObjectItem(pod, "kind"));
    if (kind != NULL && strcmp(kind, "Pod") != 0) {
        simhttp_status(r, 400, "BadRequest", NULL, NULL,
                       "the API version in the data (%s) does not match the "
                       "expected API version (v1)",
                       kind);
        cJSON_Delete(pod);
        return;
    }
    simpods_create_obj(r, args[0], pod, simhttp_query(r, "fieldManager"),
                       "Update", 201);
}

/* Create a pod from the sim itself (scenarios, load); returns the stored
 * object or NULL. */
const cJSON *
simpods_create_internal(struct sim *sim, const char *ns, cJSON *pod)
{
    cJSON          *meta = simdefault_child(pod, "metadata");
    char            uid[40], ts[64];
    struct simsnap *snap;
    cJSON          *status;

    if (cJSON_GetObjectItem(meta, "namespace") == NULL)
        cJSON_AddStringToObject(meta, "namespace", ns);
    simdefault_uuid(sim, uid, sizeof uid);
    if (cJSON_GetObjectItem(meta, "uid") == NULL)
        cJSON_AddStringToObject(meta, "uid", uid);
    if (cJSON_GetObjectItem(meta, "creationTimestamp") == NULL)
        cJSON_AddStringToObject(meta, "creationTimestamp",
                                sim_time(know_ms(), ts, sizeof ts));
    simdefault_pod(sim, pod);
    simdefault_managed(pod, "kubectl-create", "Update");
    cJSON_DeleteItemFromObjectCaseSensitive(pod, "status");
    status = cJSON_AddObjectToObject(pod, "status");
    cJSON_AddStringToObject(status, "phase", "Pending");
    cJSON_AddStringToObject(status, "qosClass", simkubelet_qos(pod));
    simdefault_order_meta(pod);
    snap = simstore_put(sim->store, &simres_pods, pod);
    if (snap == NULL)
        return NULL;
    simkubelet_add(sim->kubelet, snap->obj);
    return snap->obj;
}

/* ---- delete ---------------------------------------------------------- */

void
simpods_delete(struct simreq *r, char **args)
{
    struct sim     *sim = r->sim;
    const char     *ns = args[0], *name = args[1];
    struct simsnap *snap = simstore_get(sim->store, &simres_pods, ns, name);
    cJSON          *opts = NULL, *pod, *meta, *spec, *pre;
    const cJSON    *g;
    const char     *phase, *node, *q;
    double          grace = -1;
    struct kbuf     b;
    char            ts[64];

    if (snap == NULL) {
        simhttp_status(r, 404, "NotFound", name, "pods",
                       "pods \"%s\" not found", name);
        return;
    }
    if (r->body.len > 0)
        opts = cJSON_ParseWithLength(r->body.data, r->body.len);
    g = cJSON_GetObjectItemCaseSensitive(opts, "gracePeriodSeconds");
    if (cJSON_IsNumber(g))
        grace = g->valuedouble;
    else if ((q = simhttp_query(r, "gracePeriodSeconds")) != NULL)
        grace = strtod(q, NULL);
    pre = cJSON_GetObjectItemCaseSensitive(opts, "preconditions");
    if (pre != NULL) {
        const char *puid =
            cJSON_GetStringValue(cJSON_GetObjectItem(pre, "uid"));
        const char *prv =
            cJSON_GetStringValue(cJSON_GetObjectItem(pre, "resourceVersion"));
        const cJSON *m = cJSON_GetObjectItem(snap->obj, "metadata");
        const char  *uid = cJSON_GetStringValue(cJSON_GetObjectItem(m, "uid"));
        const char  *rv =
            cJSON_GetStringValue(cJSON_GetObjectItem(m, "resourceVersion"));

        if ((puid && uid && strcmp(puid, uid) != 0) ||
            (prv && rv && strcmp(prv, rv) != 0)) {
            simhttp_status(r, 409, "Conflict", name, "pods",
                           "Operation cannot be fulfilled on pods \"%s\": "
                           "Precondition failed: UID in precondition: %s, UID "
                           "in object meta: %s",
                           name, puid ? puid : "", uid ? uid : "");
            cJSON_Delete(opts);
            return;
        }
    }
    cJSON_Delete(opts);
    spec = cJSON_GetObjectItemCaseSensitive(snap->obj, "spec");
    if (grace < 0) {
        g = cJSON_GetObjectItemCaseSensitive(spec,
                                             "terminationGracePeriodSeconds");
        grace = cJSON_IsNumber(g) ? g->valuedouble : 30;
    }
    phase = cJSON_GetStringValue(
        cJSON_GetObjectItem(cJSON_GetObjectItem(snap->obj, "status"), "phase"));
    node = cJSON_GetStringValue(cJSON_GetObjectItem(spec, "nodeName"));
    if (node == NULL || *node == '\0' ||
        (phase &&
         (strcmp(phase, "Succeeded") == 0 || strcmp(phase, "Failed") == 0)))
        grace = 0;
    if (grace < 0)
        grace = 1;
    kbuf_init(&b);
    if (simhttp_query(r, "dryRun") != NULL) {
        simlist_full_object(&b, &simres_pods, snap);
        simhttp_respond(r, 200, "application/json", b.data, b.len, NULL);
        kbuf_done(&b);
        return;
    }
    if (grace == 0) {
        simlist_full_object(&b, &simres_pods, snap);
        simkubelet_remove(sim->kubelet, ns, name);
        simstore_delete(sim->store, &simres_pods, ns, name);
        simhttp_respond(r, 200, "application/json", b.data, b.len, NULL);
        kbuf_done(&b);
        return;
    }
    pod = cJSON_Duplicate(snap->obj, 1);
    meta = cJSON_GetObjectItemCaseSensitive(pod, "metadata");
    {
        const cJSON *old =
            cJSON_GetObjectItemCaseSensitive(meta, "deletionTimestamp");
        int64_t at = know_ms() + (int64_t)(grace * 1000);

        if (cJSON_IsString(old) && ktime_parse(old->valuestring) * 1000 < at)
            at = ktime_parse(old->valuestring) * 1000; /* only shorten */
        cJSON_DeleteItemFromObjectCaseSensitive(meta, "deletionTimestamp");
        cJSON_DeleteItemFromObjectCaseSensitive(meta,
                                                "deletionGracePeriodSeconds");
        cJSON_AddStringToObject(meta, "deletionTimestamp",
                                sim_time(at, ts, sizeof ts));
        cJSON_AddNumberToObject(meta, "deletionGracePeriodSeconds", grace);
    }
    simdefault_order_meta(pod);
    snap = simstore_put(sim->store, &simres_pods, pod);
    simlist_full_object(&b, &simres_pods, snap);
    simhttp_respond(r, 200, "application/json", b.data, b.len, NULL);
    kbuf_done(&b);
    simkubelet_terminate(sim->kubelet, ns, name, grace);
}

/* ---- patch ----------------------------------------------------------- */

/* A scripted validating admission webhook: the stored pod's annotation
 * kpod-sim/deny-annotation-prefix: "P" rejects an update that adds or
 * changes an annotation whose key starts with P, with the 403 and message
 * a real apiserver returns when a webhook denies the request. */
static int
simpods_admit(struct simreq *r, const cJSON *old_meta, const cJSON *new_meta)
{
    const cJSON *old_ann =
        cJSON_GetObjectItemCaseSensitive(old_meta, "annotations");
    const cJSON *new_ann =
        cJSON_GetObjectItemCaseSensitive(new_meta, "annotations");
    const char  *prefix = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
         old_ann, "kpod-sim/deny-annotation-prefix"));
    const cJSON *a, *was;

    if (prefix == NULL || *prefix == '\0' || !cJSON_IsObject(new_ann))
        return 0;
    cJSON_ArrayForEach(a, new_ann)
    {
        if (a->string == NULL ||
            strncmp(a->string, prefix, strlen(prefix)) != 0)
            continue;
        was = cJSON_GetObjectItemCaseSensitive(old_ann, a->string);
        if (was != NULL && cJSON_Compare(was, a, 1))
            continue;
        simhttp_status(r, 403, "Forbidden", NULL, NULL,
                       "admission webhook \"deny.kpod-sim.dev\" denied the "
                       "request: annotation %s is not allowed",
                       a->string);
        return -1;
    }
    return 0;
}

void
simpods_patch(struct simreq *r, char **args)
{
    struct sim     *sim = r->sim;
    const char     *ns = args[0], *name = args[1];
    const char     *ctype = simhttp_header(r, "content-type");
    const char     *manager = simhttp_query(r, "fieldManager");
    struct simsnap *snap = simstore_get(sim->store, &simres_pods, ns, name);
    cJSON          *patch = NULL, *pod, *meta, *pmeta;
    const cJSON    *cur_meta;
    char           *cause = NULL;
    int             apply = ctype && strstr(ctype, "apply-patch") != NULL;
    struct kbuf     b;
    const char     *prv;

    if (ctype == NULL || (strstr(ctype, "merge-patch+json") == NULL &&
                          strstr(ctype, "json-patch+json") == NULL && !apply)) {
        simhttp_status(r, 415, "UnsupportedMediaType", NULL, NULL,
                       "the body of the request was in an unknown format - "
                       "accepted media types include: "
                       "application/json-patch+json, "
                       "application/merge-patch+json, "
                       "application/apply-patch+yaml");
        return;
    }
    if (apply && (manager == NULL || *manager == '\0')) {
        simhttp_status(r, 422, "Invalid", name, "Pod",
                       "PatchOptions.meta.k8s.io \"\" is invalid: "
                       "fieldManager: Required value: is required for apply "
                       "patch");
        return;
    }
    if (apply) {
        patch = kyaml_parse(r->body.data, r->body.len, "body", &cause);
    } else
        patch = cJSON_ParseWithLength(r->body.data, r->body.len);
    if (patch == NULL) {
        simhttp_status(r, 400, "BadRequest", NULL, NULL,
                       "error decoding patch: %s",
                       cause ? cause : "invalid JSON");
        free(cause);
        return;
    }
    free(cause);
    cause = NULL;
    if (snap == NULL) {
        if (apply) {
            simpods_create_obj(r, ns, patch, manager, "Apply", 201);
            return;
        }
        cJSON_Delete(patch);
        simhttp_status(r, 404, "NotFound", name, "pods",
                       "pods \"%s\" not found", name);
        return;
    }
    pod = cJSON_Duplicate(snap->obj, 1);
    pmeta = cJSON_GetObjectItemCaseSensitive(patch, "metadata");
    prv = cJSON_GetStringValue(cJSON_GetObjectItem(pmeta, "resourceVersion"));
    cur_meta = cJSON_GetObjectItemCaseSensitive(snap->obj, "metadata");
    if (prv != NULL && !apply &&
        strcmp(prv, cJSON_GetStringValue(cJSON_GetObjectItem(
                        cur_meta, "resourceVersion"))) != 0) {
        simhttp_status(r, 409, "Conflict", name, "pods",
                       "Operation cannot be fulfilled on pods \"%s\": the "
                       "object has been modified; please apply your changes "
                       "to the latest version and try again",
                       name);
        cJSON_Delete(patch);
        cJSON_Delete(pod);
        return;
    }
    if (strstr(ctype, "json-patch+json") != NULL) {
        if (simpatch_json(pod, patch, &cause) != 0) {
            simhttp_status(r, 422, "Invalid", name, "Pod", "%s", cause);
            free(cause);
            cJSON_Delete(patch);
            cJSON_Delete(pod);
            return;
        }
    } else {
        cJSON_DeleteItemFromObjectCaseSensitive(patch, "kind");
        cJSON_DeleteItemFromObjectCaseSensitive(patch, "apiVersion");
        cJSON_DeleteItemFromObjectCaseSensitive(patch, "status");
        if (pmeta != NULL) {
            cJSON_DeleteItemFromObjectCaseSensitive(pmeta, "resourceVersion");
            cJSON_DeleteItemFromObjectCaseSensitive(pmeta, "managedFields");
        }
        simpatch_merge(pod, patch, strstr(ctype, "strategic") != NULL);
    }
    cJSON_Delete(patch);
    /* identity and system fields cannot be patched */
    meta = simdefault_child(pod, "metadata");
    {
        /* empty maps are omitted, as the apiserver's encoding does */
        static const char *const maps[] = {"labels", "annotations", NULL};
        size_t                   i;

        for (i = 0; maps[i] != NULL; i++) {
            cJSON *m = cJSON_GetObjectItemCaseSensitive(meta, maps[i]);

            if (cJSON_IsObject(m) && m->child == NULL)
                cJSON_DeleteItemFromObjectCaseSensitive(meta, maps[i]);
        }
    }
    {
        static const char *const keep[] = {"name",
                                           "namespace",
                                           "uid",
                                           "creationTimestamp",
                                           "deletionTimestamp",
                                           NULL};
        size_t                   i;

        for (i = 0; keep[i] != NULL; i++) {
            const cJSON *v =
                cJSON_GetObjectItemCaseSensitive(cur_meta, keep[i]);

            cJSON_DeleteItemFromObjectCaseSensitive(meta, keep[i]);
            if (v != NULL)
                cJSON_AddItemToObject(meta, keep[i], cJSON_Duplicate(v, 1));
        }
    }
    if (simvalid_pod(r, pod, name) != 0 ||
        simpods_admit(r, cur_meta, meta) != 0) {
        cJSON_Delete(pod);
        return;
    }
    simdefault_managed(pod, manager, apply ? "Apply" : "Update");
    simdefault_order_meta(pod);
    kbuf_init(&b);
    if (simhttp_query(r, "dryRun") != NULL) {
        struct simsnap tmp = {1, pod, cJSON_PrintUnformatted(pod), 0};

        tmp.len = strlen(tmp.text);
        simlist_full_object(&b, &simres_pods, &tmp);
        free(tmp.text);
        cJSON_Delete(pod);
    } else {
        snap = simstore_put(sim->store, &simres_pods, pod);
        simlist_full_object(&b, &simres_pods, snap);
    }
    simhttp_respond(r, 200, "application/json", b.data, b.len, NULL);
    kbuf_done(&b);
}

/* ---- routes ---------------------------------------------------------- */

void
simpods_list_all(struct simreq *r, char **args)
{
    (void)args;
    simlist_collection(r, &simres_pods, NULL);
}

void
simpods_list(struct simreq *r, char **args)
{
    simlist_collection(r, &simres_pods, args[0]);
}

void
simpods_get(struct simreq *r, char **args)
{
    simlist_get(r, &simres_pods, args[0], args[1]);
}
