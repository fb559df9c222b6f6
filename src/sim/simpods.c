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
#include "simkubelet.h"
#include "simlist.h"
#include "simpatch.h"
#include "simpods.h"
#include "simstore.h"

#define SIMPODS_ANNOTATIONS_MAX (256 * 1024)

static void
simpods_uuid(struct sim *sim, char *buf, size_t len)
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
simpods_suffix(struct sim *sim, char *buf, size_t n)
{
    static const char alpha[] = "bcdfghjklmnpqrstvwxz2456789";
    size_t            i;

    for (i = 0; i + 1 < n; i++)
        buf[i] = alpha[(size_t)(sim_rand(sim) * (sizeof alpha - 1))];
    buf[n - 1] = '\0';
}

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

static cJSON *
child(cJSON *o, const char *k)
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
simpods_order(cJSON *o, const char *const *order)
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
simpods_order_meta(cJSON *pod)
{
    cJSON *meta = cJSON_GetObjectItemCaseSensitive(pod, "metadata");

    if (meta != NULL)
        simpods_order(meta, meta_order);
    simpods_order(pod, pod_order);
}

static int
image_has_tag(const char *image)
{
    const char *slash = strrchr(image, '/');
    const char *last = slash ? slash + 1 : image;

    return strchr(last, ':') != NULL || strchr(image, '@') != NULL;
}

/* What the apiserver and its admission plugins add to a new pod. */
static void
simpods_default(struct sim *sim, cJSON *pod)
{
    cJSON            *spec = child(pod, "spec"), *ctrs, *c, *tol, *t, *vols, *v;
    char              suffix[6], volname[64];
    int               i;
    const char *const kinds[] = {"initContainers", "containers"};

    simpods_suffix(sim, suffix, sizeof suffix);
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
            child(c, "resources");
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
    child(spec, "securityContext");
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
static void
simpods_managed(cJSON *pod, const char *manager, const char *operation)
{
    cJSON *meta = child(pod, "metadata");
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

/* ---- validation ------------------------------------------------------ */

struct simcauses {
    cJSON *causes;
    char  *first;
    int    n;
};

static void cause_add(struct simcauses *c, const char *reason,
                      const char *field, const char *fmt, ...)
    KPOD_PRINTF(4, 5);

static void
cause_add(struct simcauses *c, const char *reason, const char *field,
          const char *fmt, ...)
{
    va_list ap;
    char   *msg;
    cJSON  *o = cJSON_CreateObject();

    va_start(ap, fmt);
    msg = xvasprintf(fmt, ap);
    va_end(ap);
    if (c->causes == NULL)
        c->causes = cJSON_CreateArray();
    cJSON_AddStringToObject(o, "reason", reason);
    cJSON_AddStringToObject(o, "message", msg);
    cJSON_AddStringToObject(o, "field", field);
    cJSON_AddItemToArray(c->causes, o);
    if (c->first == NULL)
        c->first = xasprintf("%s: %s", field, msg);
    else {
        char *s = xasprintf("%s, %s: %s", c->first, field, msg);

        free(c->first);
        c->first = s;
    }
    c->n++;
    free(msg);
}

static int
is_alnum(int ch)
{
    return isalnum((unsigned char)ch) != 0;
}

/* A qualified name's name part: [A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?,
 * at most 63 characters. */
static int
valid_name_part(const char *s, size_t n)
{
    size_t i;

    if (n == 0 || n > 63 || !is_alnum(s[0]) || !is_alnum(s[n - 1]))
        return 0;
    for (i = 0; i < n; i++)
        if (!is_alnum(s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
            return 0;
    return 1;
}

/* A DNS-1123 subdomain: lower-case alphanumerics, '-' and '.', <= 253. */
static int
valid_subdomain(const char *s, size_t n)
{
    size_t i;

    if (n == 0 || n > 253)
        return 0;
    for (i = 0; i < n; i++) {
        char ch = s[i];

        if (!(islower((unsigned char)ch) || isdigit((unsigned char)ch) ||
              ch == '-' || ch == '.'))
            return 0;
    }
    return isalnum((unsigned char)s[0]) && isalnum((unsigned char)s[n - 1]);
}

static void
validate_keys(struct simcauses *c, const cJSON *map, const char *field,
              int annotations)
{
    const cJSON *it;
    size_t       total = 0;

    cJSON_ArrayForEach(it, map)
    {
        const char *k = it->string, *slash = strchr(k, '/');
        char       *f = xasprintf("%s", field);
        int         ok;

        if (slash != NULL)
            ok = valid_subdomain(k, (size_t)(slash - k)) &&
                 valid_name_part(slash + 1, strlen(slash + 1));
        else
            ok = valid_name_part(k, strlen(k));
        if (!ok) {
            cause_add(
                c, "FieldValueInvalid", f,
                "Invalid value: \"%s\": name part must consist of "
                "alphanumeric characters, '-', '_' or '.', and must start and "
                "end with an alphanumeric character (e.g. 'MyName',  or "
                "'my.name',  or '123-abc', regex used for validation is "
                "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
                k);
        }
        free(f);
        total += strlen(k);
        if (cJSON_IsString(it))
            total += strlen(it->valuestring);
    }
    if (annotations && total > SIMPODS_ANNOTATIONS_MAX)
        cause_add(c, "FieldValueTooLong", field,
                  "Too long: may not be more than %d bytes",
                  SIMPODS_ANNOTATIONS_MAX);
}

/* 0, or answers 422 and returns -1. */
int
simpods_validate(struct simreq *r, const cJSON *pod, const char *name)
{
    struct simcauses c = {0};
    const cJSON     *meta = cJSON_GetObjectItemCaseSensitive(pod, "metadata");
    const cJSON     *spec = cJSON_GetObjectItemCaseSensitive(pod, "spec");
    const cJSON *ctrs = cJSON_GetObjectItemCaseSensitive(spec, "containers");
    const cJSON *it;
    int          i = 0;

    validate_keys(&c, cJSON_GetObjectItemCaseSensitive(meta, "labels"),
                  "metadata.labels", 0);
    validate_keys(&c, cJSON_GetObjectItemCaseSensitive(meta, "annotations"),
                  "metadata.annotations", 1);
    if (!valid_subdomain(name, strlen(name)))
        cause_add(&c, "FieldValueInvalid", "metadata.name",
                  "Invalid value: \"%s\": a lowercase RFC 1123 subdomain must "
                  "consist of lower case alphanumeric characters, '-' or '.', "
                  "and must start and end with an alphanumeric character "
                  "(e.g. 'example.com', regex used for validation is "
                  "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*"
                  "[a-z0-9])?)*')",
                  name);
    if (cJSON_GetArraySize(ctrs) == 0)
        cause_add(&c, "FieldValueRequired", "spec.containers",
                  "Required value");
    cJSON_ArrayForEach(it, ctrs)
    {
        char f[64];

        if (cJSON_GetStringValue(cJSON_GetObjectItem(it, "name")) == NULL) {
            snprintf(f, sizeof f, "spec.containers[%d].name", i);
            cause_add(&c, "FieldValueRequired", f, "Required value");
        }
        if (cJSON_GetStringValue(cJSON_GetObjectItem(it, "image")) == NULL) {
            snprintf(f, sizeof f, "spec.containers[%d].image", i);
            cause_add(&c, "FieldValueRequired", f, "Required value");
        }
        i++;
    }
    if (c.n == 0)
        return 0;
    {
        char  *msg = xasprintf("Pod \"%s\" is invalid: %s%s%s", name,
                              c.n > 1 ? "[" : "", c.first, c.n > 1 ? "]" : "");
        cJSON *st = simhttp_status_obj(422, "Invalid", msg, name, "Pod");
        cJSON *d = cJSON_GetObjectItemCaseSensitive(st, "details");

        cJSON_AddItemToObject(d, "causes", c.causes);
        simhttp_respond_json(r, 422, st);
        free(msg);
        free(c.first);
    }
    return -1;
}

/* ---- create ---------------------------------------------------------- */

/* Store a new pod (taken); answers 201 or an error. */
static void
simpods_create_obj(struct simreq *r, const char *ns, cJSON *pod,
                   const char *manager, const char *operation, int code)
{
    struct sim *sim = r->sim;
    cJSON      *meta = child(pod, "metadata"), *status;
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

        simpods_suffix(sim, sfx, sizeof sfx);
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
    if (simpods_validate(r, pod, name) != 0) {
        cJSON_Delete(pod);
        free(gname);
        return;
    }
    if (bodyns == NULL || *bodyns == '\0') {
        cJSON_DeleteItemFromObjectCaseSensitive(meta, "namespace");
        cJSON_AddStringToObject(meta, "namespace", ns);
    }
    simpods_uuid(sim, uid, sizeof uid);
    cJSON_DeleteItemFromObjectCaseSensitive(meta, "uid");
    cJSON_AddStringToObject(meta, "uid", uid);
    cJSON_DeleteItemFromObjectCaseSensitive(meta, "creationTimestamp");
    cJSON_AddStringToObject(meta, "creationTimestamp",
                            sim_time(know_ms(), ts, sizeof ts));
    cJSON_DeleteItemFromObjectCaseSensitive(meta, "resourceVersion");
    cJSON_DeleteItemFromObjectCaseSensitive(meta, "deletionTimestamp");
    cJSON_DeleteItemFromObjectCaseSensitive(meta, "managedFields");
    simpods_default(sim, pod);
    simpods_managed(pod, manager, operation);
    cJSON_DeleteItemFromObjectCaseSensitive(pod, "status");
    status = cJSON_AddObjectToObject(pod, "status");
    cJSON_AddStringToObject(status, "phase", "Pending");
    cJSON_AddStringToObject(status, "qosClass", simkubelet_qos(pod));
    simpods_order_meta(pod);
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
    cJSON          *meta = child(pod, "metadata");
    char            uid[40], ts[64];
    struct simsnap *snap;
    cJSON          *status;

    if (cJSON_GetObjectItem(meta, "namespace") == NULL)
        cJSON_AddStringToObject(meta, "namespace", ns);
    simpods_uuid(sim, uid, sizeof uid);
    if (cJSON_GetObjectItem(meta, "uid") == NULL)
        cJSON_AddStringToObject(meta, "uid", uid);
    if (cJSON_GetObjectItem(meta, "creationTimestamp") == NULL)
        cJSON_AddStringToObject(meta, "creationTimestamp",
                                sim_time(know_ms(), ts, sizeof ts));
    simpods_default(sim, pod);
    simpods_managed(pod, "kubectl-create", "Update");
    cJSON_DeleteItemFromObjectCaseSensitive(pod, "status");
    status = cJSON_AddObjectToObject(pod, "status");
    cJSON_AddStringToObject(status, "phase", "Pending");
    cJSON_AddStringToObject(status, "qosClass", simkubelet_qos(pod));
    simpods_order_meta(pod);
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
    simpods_order_meta(pod);
    snap = simstore_put(sim->store, &simres_pods, pod);
    simlist_full_object(&b, &simres_pods, snap);
    simhttp_respond(r, 200, "application/json", b.data, b.len, NULL);
    kbuf_done(&b);
    simkubelet_terminate(sim->kubelet, ns, name, grace);
}

/* ---- patch ----------------------------------------------------------- */

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
    meta = child(pod, "metadata");
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
    if (simpods_validate(r, pod, name) != 0) {
        cJSON_Delete(pod);
        return;
    }
    simpods_managed(pod, manager, apply ? "Apply" : "Update");
    simpods_order_meta(pod);
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
