/*
 * `kubectl describe pod`: the sections of kubectl's describePod in its
 * order, written as "Label:\tvalue" lines with two spaces per level and
 * aligned by the Go tabwriter port, so the text equals kubectl's. Volumes
 * live in describe-volumes.c, containers in describe-containers.c, event
 * rows come from event.c. Nothing here fetches or draws anything.
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "describe-internal.h"
#include "describe.h"
#include "event.h"
#include "gosort.h"
#include "pod.h"
#include "util.h"

#define DESCRIBE_MAX_ANNOTATION 140

const cJSON *
describe_get(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

    return cJSON_IsNull(v) ? NULL : v;
}

const char *
describe_str(const cJSON *o, const char *key)
{
    const cJSON *v = describe_get(o, key);

    return cJSON_IsString(v) ? v->valuestring : "";
}

/* A field as Go's %v prints it: strings verbatim, numbers as integers
 * when whole, bools as true/false. */
char *
describe_value(const cJSON *v)
{
    if (cJSON_IsString(v))
        return xstrdup(v->valuestring);
    if (cJSON_IsNumber(v)) {
        if (v->valuedouble == floor(v->valuedouble) &&
            fabs(v->valuedouble) < 1e15)
            return xasprintf("%.0f", v->valuedouble);
        return xasprintf("%g", v->valuedouble);
    }
    if (cJSON_IsBool(v))
        return xstrdup(cJSON_IsTrue(v) ? "true" : "false");
    return xstrdup("");
}

long long
describe_int(const cJSON *o, const char *key)
{
    const cJSON *v = describe_get(o, key);

    return cJSON_IsNumber(v) ? (long long)v->valuedouble : 0;
}

int
describe_bool(const cJSON *o, const char *key)
{
    return cJSON_IsTrue(describe_get(o, key));
}

/* prefixWriter.Write: indent by level, then printers.WriteEscaped (ESC
 * becomes ^[, CR becomes the two characters \r). */
void
describe_w(struct describe *d, int level, const char *fmt, ...)
{
    va_list ap;
    char   *s;

    va_start(ap, fmt);
    s = xvasprintf(fmt, ap);
    va_end(ap);
    for (int i = 0; i < level; i++)
        tabwriter_puts(&d->tw, "  ");
    for (const char *p = s; *p != '\0'; p++) {
        if (*p == 0x1b)
            tabwriter_puts(&d->tw, "^[");
        else if (*p == '\r')
            tabwriter_puts(&d->tw, "\\r");
        else
            tabwriter_write(&d->tw, p, 1);
    }
    free(s);
}

/* Go's time.RFC1123Z in the local zone, as kubectl prints times. */
char *
describe_time(const char *rfc3339, char *buf, size_t len)
{
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed",
                                       "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr",
                                         "May", "Jun", "Jul", "Aug",
                                         "Sep", "Oct", "Nov", "Dec"};
    int64_t                  t = ktime_parse(rfc3339);
    time_t                   tt;
    struct tm                tm;
    long                     off;

    if (t == -1 || *rfc3339 == '\0') {
        /* Go's zero time. */
        snprintf(buf, len, "Mon, 01 Jan 0001 00:00:00 +0000");
        return buf;
    }
    tt = (time_t)t;
    localtime_r(&tt, &tm);
    off = tm.tm_gmtoff / 60;
    snprintf(buf, len, "%s, %02d %s %04d %02d:%02d:%02d %c%02ld%02ld",
             days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900,
             tm.tm_hour, tm.tm_min, tm.tm_sec, off < 0 ? '-' : '+',
             labs(off) / 60, labs(off) % 60);
    return buf;
}

static int
describe_key_cmp(const void *a, const void *b)
{
    return strcmp((*(const cJSON *const *)a)->string,
                  (*(const cJSON *const *)b)->string);
}

/* An object's members sorted by key (Go's sort.Strings); caller frees. */
const cJSON **
describe_sorted(const cJSON *obj, size_t *n)
{
    const cJSON **v;
    const cJSON  *it;
    size_t        i = 0;

    *n = 0;
    if (!cJSON_IsObject(obj))
        obj = NULL; /* a malformed map (array, string) reads as empty */
    cJSON_ArrayForEach(it, obj)(*n)++;
    v = xcalloc(*n ? *n : 1, sizeof *v);
    cJSON_ArrayForEach(it, obj) v[i++] = it;
    qsort(v, *n, sizeof *v, describe_key_cmp);
    return v;
}

/* printLabelsMultiline, also used for Node-Selectors. nest > 0 is
 * kubectl's nested prefix writer, which indents every write call (not
 * every line), hence the odd spacing of nested continuation lines. */
void
describe_labels(struct describe *d, int nest, const char *title,
                const cJSON *labels)
{
    size_t        n;
    const cJSON **v = describe_sorted(labels, &n);

    describe_w(d, nest, "%s:\t", title);
    if (n == 0)
        describe_w(d, nest, "<none>\n");
    for (size_t i = 0; i < n; i++) {
        char *val = describe_value(v[i]);

        if (i != 0) {
            describe_w(d, nest, "%s", "");
            describe_w(d, nest, "\t");
        }
        describe_w(d, nest, "%s=%s\n", v[i]->string, val);
        free(val);
    }
    free(v);
}

/* printAnnotationsMultiline: last-applied-configuration is hidden; long or
 * multi-line values go below their key, cut at 138 bytes. */
void
describe_annotations(struct describe *d, int nest, const cJSON *ann)
{
    size_t        n, shown = 0;
    const cJSON **v = describe_sorted(ann, &n);

    describe_w(d, nest, "Annotations:\t");
    for (size_t i = 0; i < n; i++) {
        char  *val;
        size_t vl;

        if (strcmp(v[i]->string,
                   "kubectl.kubernetes.io/last-applied-configuration") == 0)
            continue;
        if (shown++ != 0)
            describe_w(d, nest, "\t");
        val = describe_value(v[i]);
        vl = strlen(val);
        if (vl > 0 && val[vl - 1] == '\n')
            val[--vl] = '\0';
        if (vl + strlen(v[i]->string) + 2 > DESCRIBE_MAX_ANNOTATION ||
            strchr(val, '\n') != NULL) {
            char *line = val, *nl;

            describe_w(d, nest, "%s:\n", v[i]->string);
            for (;;) {
                size_t ll;

                nl = strchr(line, '\n');
                ll = nl != NULL ? (size_t)(nl - line) : strlen(line);
                if (ll > DESCRIBE_MAX_ANNOTATION - 2)
                    describe_w(d, nest, "\t  %.*s...\n",
                               DESCRIBE_MAX_ANNOTATION - 2, line);
                else
                    describe_w(d, nest, "\t  %.*s\n", (int)ll, line);
                if (nl == NULL)
                    break;
                line = nl + 1;
            }
        } else
            describe_w(d, nest, "%s: %s\n", v[i]->string, val);
        free(val);
    }
    if (shown == 0)
        describe_w(d, nest, "<none>\n");
    free(v);
}

static int
describe_tol_cmp(const void *a, const void *b)
{
    return strcmp(describe_str(*(const cJSON *const *)a, "key"),
                  describe_str(*(const cJSON *const *)b, "key"));
}

/* printPodTolerationsMultiline, sorted by key (stable for equal keys). */
static void
describe_tolerations(struct describe *d, const cJSON *tols)
{
    size_t        n = 0, i;
    const cJSON **v, *it;

    describe_w(d, 0, "Tolerations:\t");
    cJSON_ArrayForEach(it, tols) n++;
    if (n == 0) {
        describe_w(d, 0, "<none>\n");
        return;
    }
    v = xcalloc(n, sizeof *v);
    i = 0;
    cJSON_ArrayForEach(it, tols) v[i++] = it;
    /* sort.Slice: equal keys end up where Go's pdqsort puts them */
    gosort_ptrs((void **)v, n, describe_tol_cmp);
    for (i = 0; i < n; i++) {
        const char *key = describe_str(v[i], "key");
        const char *value = describe_str(v[i], "value");
        const char *effect = describe_str(v[i], "effect");

        if (i != 0)
            describe_w(d, 0, "\t");
        describe_w(d, 0, "%s", key);
        if (*value != '\0')
            describe_w(d, 0, "=%s", value);
        if (*effect != '\0')
            describe_w(d, 0, ":%s", effect);
        if (strcmp(describe_str(v[i], "operator"), "Exists") == 0 &&
            *value == '\0')
            describe_w(d, 0,
                       *key != '\0' || *effect != '\0' ? " op=Exists"
                                                       : "op=Exists");
        if (describe_get(v[i], "tolerationSeconds") != NULL)
            describe_w(d, 0, " for %llds",
                       describe_int(v[i], "tolerationSeconds"));
        describe_w(d, 0, "\n");
    }
    free(v);
}

/* Limits / Requests with sorted resource names (describeResources). */
void
describe_resources(struct describe *d, const cJSON *res, int level)
{
    static const char *const kinds[] = {"limits", "requests"};
    static const char *const titles[] = {"Limits", "Requests"};

    for (size_t k = 0; k < 2; k++) {
        size_t        n;
        const cJSON **v = describe_sorted(describe_get(res, kinds[k]), &n);

        if (n > 0)
            describe_w(d, level, "%s:\n", titles[k]);
        for (size_t i = 0; i < n; i++) {
            char *raw = describe_value(v[i]);
            char *q = describe_quantity_text(raw);

            describe_w(d, level + 1, "%s:\t%s\n", v[i]->string, q);
            free(q);
            free(raw);
        }
        free(v);
    }
}

const cJSON **
describe_array(const cJSON *arr, size_t *n,
               int (*cmp)(const void *, const void *))
{
    const cJSON **v, *it;
    size_t        i = 0;

    *n = (size_t)cJSON_GetArraySize(arr);
    v = xcalloc(*n ? *n : 1, sizeof *v);
    cJSON_ArrayForEach(it, arr) v[i++] = it;
    if (cmp != NULL)
        gosort_ptrs((void **)v, *n, cmp);
    return v;
}

void
describe_seccomp(struct describe *d, const cJSON *sc, int level)
{
    const cJSON *prof = describe_get(sc, "seccompProfile");

    if (prof == NULL)
        return;
    describe_w(d, level, "SeccompProfile:\t%s\n", describe_str(prof, "type"));
    if (strcmp(describe_str(prof, "type"), "Localhost") == 0)
        describe_w(d, level + (level > 0), "LocalhostProfile:\t%s\n",
                   describe_str(prof, "localhostProfile"));
}

/* "Type\tStatus" tables of readiness gates and conditions. */
static void
describe_conditions(struct describe *d, const cJSON *spec, const cJSON *status)
{
    const cJSON *g, *c;

    if (cJSON_GetArraySize(describe_get(spec, "readinessGates")) > 0) {
        describe_w(d, 0, "Readiness Gates:\n  Type\tStatus\n");
        cJSON_ArrayForEach(g, describe_get(spec, "readinessGates"))
        {
            const char *type = describe_str(g, "conditionType");
            char       *st = xstrdup("<none>");

            cJSON_ArrayForEach(c, describe_get(status, "conditions"))
            {
                if (strcmp(describe_str(c, "type"), type) == 0) {
                    free(st);
                    st = xstrdup(describe_str(c, "status"));
                    break;
                }
            }
            describe_w(d, 1, "%s \t%s \n", type, st);
            free(st);
        }
    }
    if (cJSON_GetArraySize(describe_get(status, "conditions")) > 0) {
        describe_w(d, 0, "Conditions:\n  Type\tStatus\n");
        cJSON_ArrayForEach(c, describe_get(status, "conditions"))
            describe_w(d, 1, "%s \t%s \n", describe_str(c, "type"),
                       describe_str(c, "status"));
    }
}

struct describe_req {
    char *key;
    char *text;
};

static int
describe_req_cmp(const void *a, const void *b)
{
    return strcmp(((const struct describe_req *)a)->key,
                  ((const struct describe_req *)b)->key);
}

static int
describe_strp_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* metav1.FormatLabelSelector: requirements sorted by key, set values
 * sorted, "<error>" for an operator the API does not know. */
static char *
describe_selector(const cJSON *sel)
{
    struct describe_req *req;
    struct kbuf          b;
    size_t               n, nreq = 0, cap;
    const cJSON **v = describe_sorted(describe_get(sel, "matchLabels"), &n);
    const cJSON  *e;
    int           bad = 0;

    cap = n + (size_t)cJSON_GetArraySize(describe_get(sel, "matchExpressions"));
    req = xcalloc(cap ? cap : 1, sizeof *req);
    for (size_t i = 0; i < n; i++) {
        char *val = describe_value(v[i]);

        req[nreq].key = xstrdup(v[i]->string);
        req[nreq++].text = xasprintf("%s=%s", v[i]->string, val);
        free(val);
    }
    free(v);
    cJSON_ArrayForEach(e, describe_get(sel, "matchExpressions"))
    {
        const char  *op = describe_str(e, "operator");
        const char  *key = describe_str(e, "key");
        const cJSON *vals = describe_get(e, "values");
        size_t       nv = (size_t)cJSON_GetArraySize(vals), k = 0;
        char       **sv;
        const cJSON *it;
        struct kbuf  t;

        kbuf_init(&t);
        if (strcmp(op, "Exists") == 0 && nv == 0)
            kbuf_puts(&t, key);
        else if (strcmp(op, "DoesNotExist") == 0 && nv == 0)
            kbuf_printf(&t, "!%s", key);
        else if ((strcmp(op, "In") == 0 || strcmp(op, "NotIn") == 0) &&
                 nv > 0) {
            sv = xcalloc(nv, sizeof *sv);
            cJSON_ArrayForEach(it, vals) sv[k++] = describe_value(it);
            qsort(sv, nv, sizeof *sv, describe_strp_cmp);
            kbuf_printf(&t, "%s %s (", key,
                        strcmp(op, "In") == 0 ? "in" : "notin");
            for (k = 0; k < nv; k++)
                if (k == 0 || strcmp(sv[k], sv[k - 1]) != 0)
                    kbuf_printf(&t, "%s%s", k ? "," : "", sv[k]);
            for (k = 0; k < nv; k++)
                free(sv[k]);
            free(sv);
            kbuf_puts(&t, ")");
        } else
            bad = 1;
        req[nreq].key = xstrdup(key);
        req[nreq++].text = kbuf_steal(&t);
    }
    qsort(req, nreq, sizeof *req, describe_req_cmp);
    kbuf_init(&b);
    for (size_t i = 0; i < nreq; i++) {
        if (!bad)
            kbuf_printf(&b, "%s%s", i ? "," : "", req[i].text);
        free(req[i].key);
        free(req[i].text);
    }
    free(req);
    if (bad) {
        kbuf_reset(&b);
        kbuf_puts(&b, "<error>");
    } else if (b.len == 0)
        kbuf_puts(&b, "<none>");
    return kbuf_steal(&b);
}

static int
describe_tsc_cmp(const void *a, const void *b)
{
    return strcmp(describe_str(*(const cJSON *const *)a, "topologyKey"),
                  describe_str(*(const cJSON *const *)b, "topologyKey"));
}

static void
describe_spread(struct describe *d, const cJSON *tscs)
{
    size_t        n;
    const cJSON **v = describe_array(tscs, &n, describe_tsc_cmp);

    if (n > 0)
        describe_w(d, 0, "Topology Spread Constraints:\t");
    for (size_t i = 0; i < n; i++) {
        if (i != 0)
            describe_w(d, 0, "\t");
        describe_w(d, 0, "%s:%s when max skew %lld is exceeded",
                   describe_str(v[i], "topologyKey"),
                   describe_str(v[i], "whenUnsatisfiable"),
                   describe_int(v[i], "maxSkew"));
        if (describe_get(v[i], "labelSelector") != NULL) {
            char *s = describe_selector(describe_get(v[i], "labelSelector"));

            describe_w(d, 0, " for selector %s", s);
            free(s);
        }
        describe_w(d, 0, "\n");
    }
    free(v);
}

struct describe_event {
    struct event_summary es;
    int64_t              key;
};

static int
describe_event_less(void *data, size_t i, size_t j)
{
    struct describe_event *ev = data;

    return ev[i].key < ev[j].key;
}

static void
describe_event_swap(void *data, size_t i, size_t j)
{
    struct describe_event *ev = data, t = ev[i];

    ev[i] = ev[j];
    ev[j] = t;
}

/* DescribeEvents: flush, sort by lastTimestamp, one table. */
static void
describe_events(struct describe *d, const cJSON *events)
{
    struct describe_event *ev;
    const cJSON           *e;
    size_t                 n = 0, i;

    cJSON_ArrayForEach(e, events) n++;
    if (n == 0) {
        describe_w(d, 0, "Events:\t<none>\n");
        return;
    }
    tabwriter_flush(&d->tw);
    ev = xcalloc(n, sizeof *ev);
    i = 0;
    cJSON_ArrayForEach(e, events)
    {
        event_summary_init(&ev[i].es, e);
        ev[i].key = event_summary_describe_key(&ev[i].es);
        i++;
    }
    /* sort.Sort(SortableEvents): not stable, so events of the same second
     * come out in the order Go's pdqsort leaves them */
    gosort_sort(ev, n, describe_event_less, describe_event_swap);
    describe_w(d, 0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n");
    describe_w(d, 1, "----\t------\t----\t----\t-------\n");
    for (i = 0; i < n; i++) {
        char age[96];

        event_summary_age(&ev[i].es, d->now_ms, age, sizeof age);
        /* kubectl falls back from source.component to the Go field
         * ReportingController, whose core/v1 JSON key is
         * "reportingComponent"; 1.32 decodes no other key, later layouts
         * are fed from events.k8s.io's "reportingController" too. */
        if (d->minor <= 32 && ev[i].es.from_component == 0) {
            free(ev[i].es.from);
            ev[i].es.from = xstrdup("");
        }
        if (d->minor >= 35 && *ev[i].es.fieldpath != '\0')
            describe_w(d, 1, "%s\t%s\t%s\t%s\t%s: %s\n", ev[i].es.type,
                       ev[i].es.reason, age, ev[i].es.from, ev[i].es.fieldpath,
                       ev[i].es.message);
        else
            describe_w(d, 1, "%s\t%s\t%s\t%s\t%s\n", ev[i].es.type,
                       ev[i].es.reason, age, ev[i].es.from, ev[i].es.message);
        event_summary_done(&ev[i].es);
    }
    free(ev);
}

static const cJSON *
describe_controller(const cJSON *meta)
{
    const cJSON *o;

    cJSON_ArrayForEach(o, describe_get(meta, "ownerReferences"))
    {
        if (describe_bool(o, "controller"))
            return o;
    }
    return NULL;
}

char *
describe_pod_version(const struct cJSON *pod, const struct cJSON *events,
                     int64_t now_ms, int kubectl_minor)
{
    struct describe d;
    const cJSON    *meta = describe_get(pod, "metadata");
    const cJSON    *spec = describe_get(pod, "spec");
    const cJSON    *status = describe_get(pod, "status");
    const cJSON    *v, *ip;
    const char     *phase = describe_str(status, "phase");
    char            t[64];
    char           *s;

    memset(&d, 0, sizeof d);
    d.minor = kubectl_minor;
    d.now_ms = now_ms;
    d.meta = meta;
    tabwriter_init(&d.tw, 0, 2);

    describe_w(&d, 0, "Name:\t%s\n", describe_str(meta, "name"));
    describe_w(&d, 0, "Namespace:\t%s\n", describe_str(meta, "namespace"));
    if ((v = describe_get(spec, "priority")) != NULL) {
        s = describe_value(v);
        describe_w(&d, 0, "Priority:\t%s\n", s);
        free(s);
    }
    if (*describe_str(spec, "priorityClassName") != '\0')
        describe_w(&d, 0, "Priority Class Name:\t%s\n",
                   describe_str(spec, "priorityClassName"));
    if (*describe_str(spec, "runtimeClassName") != '\0')
        describe_w(&d, 0, "Runtime Class Name:\t%s\n",
                   describe_str(spec, "runtimeClassName"));
    if (d.minor >= 25 && *describe_str(spec, "serviceAccountName") != '\0')
        describe_w(&d, 0, "Service Account:\t%s\n",
                   describe_str(spec, "serviceAccountName"));
    if (*describe_str(spec, "nodeName") == '\0')
        describe_w(&d, 0, "Node:\t<none>\n");
    else
        describe_w(&d, 0, "Node:\t%s/%s\n", describe_str(spec, "nodeName"),
                   describe_str(status, "hostIP"));
    if (*describe_str(status, "startTime") != '\0')
        describe_w(
            &d, 0, "Start Time:\t%s\n",
            describe_time(describe_str(status, "startTime"), t, sizeof t));
    describe_labels(&d, 0, "Labels", describe_get(meta, "labels"));
    describe_annotations(&d, 0, describe_get(meta, "annotations"));
    if (describe_get(meta, "deletionTimestamp") != NULL &&
        strcmp(phase, "Failed") != 0 && strcmp(phase, "Succeeded") != 0) {
        char age[32];

        duration_since(event_time_ms(describe_str(meta, "deletionTimestamp")),
                       now_ms, age, sizeof age);
        describe_w(&d, 0, "Status:\tTerminating (lasts %s)\n", age);
        describe_w(&d, 0, "Termination Grace Period:\t%llds\n",
                   describe_int(meta, "deletionGracePeriodSeconds"));
    } else
        describe_w(&d, 0, "Status:\t%s\n", phase);
    if (*describe_str(status, "reason") != '\0')
        describe_w(&d, 0, "Reason:\t%s\n", describe_str(status, "reason"));
    if (*describe_str(status, "message") != '\0')
        describe_w(&d, 0, "Message:\t%s\n", describe_str(status, "message"));
    describe_seccomp(&d, describe_get(spec, "securityContext"), 0);
    describe_w(&d, 0, "IP:\t%s\n", describe_str(status, "podIP"));
    if (cJSON_GetArraySize(describe_get(status, "podIPs")) == 0)
        describe_w(&d, 0, "IPs:\t<none>\n");
    else {
        describe_w(&d, 0, "IPs:\n");
        cJSON_ArrayForEach(ip, describe_get(status, "podIPs"))
            describe_w(&d, 1, "IP:\t%s\n", describe_str(ip, "ip"));
    }
    if ((v = describe_controller(meta)) != NULL)
        describe_w(&d, 0, "Controlled By:\t%s/%s\n", describe_str(v, "kind"),
                   describe_str(v, "name"));
    if (*describe_str(status, "nominatedNodeName") != '\0')
        describe_w(&d, 0, "NominatedNodeName:\t%s\n",
                   describe_str(status, "nominatedNodeName"));
    if (d.minor >= 32 && (v = describe_get(spec, "resources")) != NULL) {
        describe_w(&d, 0, "Resources:\n");
        describe_resources(&d, v, 1);
    }
    if (cJSON_GetArraySize(describe_get(spec, "initContainers")) > 0)
        describe_containers(&d, "Init Containers",
                            describe_get(spec, "initContainers"),
                            describe_get(status, "initContainerStatuses"));
    describe_containers(&d, "Containers", describe_get(spec, "containers"),
                        describe_get(status, "containerStatuses"));
    if (cJSON_GetArraySize(describe_get(spec, "ephemeralContainers")) > 0)
        describe_containers(&d, "Ephemeral Containers",
                            describe_get(spec, "ephemeralContainers"),
                            describe_get(status, "ephemeralContainerStatuses"));
    describe_conditions(&d, spec, status);
    describe_volumes(&d, describe_get(spec, "volumes"));
    s = describe_qos(pod);
    describe_w(&d, 0, "QoS Class:\t%s\n", s);
    free(s);
    describe_labels(&d, 0, "Node-Selectors",
                    describe_get(spec, "nodeSelector"));
    describe_tolerations(&d, describe_get(spec, "tolerations"));
    describe_spread(&d, describe_get(spec, "topologySpreadConstraints"));
    if (events != NULL)
        describe_events(&d, events);

    s = tabwriter_finish(&d.tw);
    tabwriter_done(&d.tw);
    return s;
}

char *
describe_pod(const struct cJSON *pod, const struct cJSON *events,
             int64_t now_ms)
{
    return describe_pod_version(pod, events, now_ms, 32);
}

/* What kubectl describe matches events by (reference.GetReference with the
 * kind dropped, mirror pods by their config.mirror uid). */
static void
describe_event_ref(const cJSON *pod, const char **name, const char **ns,
                   const char **uid)
{
    const cJSON *meta = describe_get(pod, "metadata");
    const cJSON *mirror = describe_get(describe_get(meta, "annotations"),
                                       "kubernetes.io/config.mirror");

    *name = describe_str(meta, "name");
    *ns = describe_str(meta, "namespace");
    *uid = cJSON_IsString(mirror) ? mirror->valuestring
                                  : describe_str(meta, "uid");
}

/* fields.EscapeValue: backslash, comma and equals get a backslash. */
static void
describe_escape_field(struct kbuf *b, const char *v)
{
    for (; *v != '\0'; v++) {
        if (*v == '\\' || *v == ',' || *v == '=')
            kbuf_append(b, "\\", 1);
        kbuf_append(b, v, 1);
    }
}

char *
describe_events_selector(const struct cJSON *pod)
{
    const char *name, *ns, *uid;
    struct kbuf b;

    describe_event_ref(pod, &name, &ns, &uid);
    kbuf_init(&b);
    kbuf_puts(&b, "involvedObject.name=");
    describe_escape_field(&b, name);
    kbuf_puts(&b, ",involvedObject.namespace=");
    describe_escape_field(&b, ns);
    if (*uid != '\0') {
        kbuf_puts(&b, ",involvedObject.uid=");
        describe_escape_field(&b, uid);
    }
    return kbuf_steal(&b);
}

struct cJSON *
describe_pod_events(const struct cJSON *pod, const struct cJSON *events)
{
    const char  *name, *ns, *uid;
    const cJSON *e;
    cJSON       *out = cJSON_CreateArray();

    describe_event_ref(pod, &name, &ns, &uid);
    cJSON_ArrayForEach(e, events)
    {
        const cJSON *obj = describe_get(e, "involvedObject");

        if (strcmp(describe_str(obj, "name"), name) == 0 &&
            strcmp(describe_str(obj, "namespace"), ns) == 0 &&
            (*uid == '\0' || strcmp(describe_str(obj, "uid"), uid) == 0))
            cJSON_AddItemToArray(out, cJSON_Duplicate(e, 1));
    }
    return out;
}
