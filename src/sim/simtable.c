/*
 * Server-side Tables: the column definitions and rows the apiserver's
 * printers produce for pods (printPod, via src/pod.c, the same formatter
 * kpod uses) and core/v1 events (printEvent), always in the wide form with
 * priority-1 columns, plus a PartialObjectMetadata per row so that -A and
 * --show-labels work. Only JSON text is produced here.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "pod.h"
#include "simtable.h"

struct simtable_col {
    const char *name, *format, *desc;
    int         priority;
};

static const struct simtable_col pod_cols[] = {
    {"Name", "name",
     "Name must be unique within a namespace. Is required when creating "
     "resources, although some resources may allow a client to request the "
     "generation of an appropriate name automatically. Name is primarily "
     "intended for creation idempotence and configuration definition. Cannot "
     "be updated. More info: "
     "https://kubernetes.io/docs/concepts/overview/working-with-objects/"
     "names#names",
     0},
    {"Ready", "",
     "The aggregate readiness state of this pod for accepting "
     "traffic.",
     0},
    {"Status", "", "The aggregate status of the containers in this pod.", 0},
    {"Restarts", "",
     "The number of times the containers in this pod have been restarted and "
     "when the last container in this pod has restarted.",
     0},
    {"Age", "",
     "CreationTimestamp is a timestamp representing the server time when "
     "this object was created. It is not guaranteed to be set in "
     "happens-before order across separate operations. Clients may not set "
     "this value. It is represented in RFC3339 form and is in UTC.\n\n"
     "Populated by the system. Read-only. Null for lists. More info: "
     "https://git.k8s.io/community/contributors/devel/sig-architecture/"
     "api-conventions.md#metadata",
     0},
    {"IP", "",
     "podIP address allocated to the pod. Routable at least within the "
     "cluster. Empty if not yet allocated.",
     1},
    {"Node", "",
     "NodeName indicates in which node this pod is scheduled. If empty, this "
     "pod is a candidate for scheduling by the scheduler defined in "
     "schedulerName. Once this field is set, the kubelet for this node "
     "becomes responsible for the lifecycle of this pod. This field should "
     "not be used to express a desire for the pod to be scheduled on a "
     "specific node.",
     1},
    {"Nominated Node", "",
     "nominatedNodeName is set only when this pod preempts other pods on the "
     "node, but it cannot be scheduled right away as preemption victims "
     "receive their graceful termination periods. This field does not "
     "guarantee that the pod will be scheduled on this node.",
     1},
    {"Readiness Gates", "",
     "If specified, all readiness gates will be evaluated for pod readiness. "
     "A pod is ready when all its containers are ready AND all conditions "
     "specified in the readiness gates have status equal to \"True\" More "
     "info: "
     "https://git.k8s.io/enhancements/keps/sig-network/"
     "580-pod-readiness-gates",
     1},
};

static const struct simtable_col event_cols[] = {
    {"Last Seen", "",
     "The time at which the most recent occurrence of this "
     "event was recorded.",
     0},
    {"Type", "",
     "Type of this event (Normal, Warning), new types could be "
     "added in the future",
     0},
    {"Reason", "",
     "This should be a short, machine understandable string "
     "that gives the reason for the transition into the "
     "object's current status.",
     0},
    {"Object", "", "The object that this event is about.", 0},
    {"Subobject", "",
     "If referring to a piece of an object instead of an "
     "entire object, this string should contain a valid "
     "JSON/Go field access statement, such as "
     "desiredState.manifest.containers[2].",
     1},
    {"Source", "",
     "The component reporting this event. Should be a short "
     "machine understandable string.",
     1},
    {"Message", "",
     "A human-readable description of the status of this "
     "operation.",
     0},
    {"First Seen", "",
     "The time at which the event was first recorded. "
     "(Time of server receipt is in TypeMeta.)",
     1},
    {"Count", "", "The number of times this event has occurred.", 1},
    {"Name", "name", "Name must be unique within a namespace.", 1},
};

static const struct simtable_col ns_cols[] = {
    {"Name", "name", "Name must be unique within a namespace.", 0},
    {"Status", "", "The status of the namespace", 0},
    {"Age", "",
     "CreationTimestamp is a timestamp representing the server "
     "time when this object was created.",
     0},
};

enum simtable_include
simtable_include(struct simreq *r)
{
    const char *v = simhttp_query(r, "includeObject");

    if (v != NULL && strcmp(v, "None") == 0)
        return SIMTABLE_NONE;
    if (v != NULL && strcmp(v, "Object") == 0)
        return SIMTABLE_OBJECT;
    return SIMTABLE_METADATA;
}

int
simtable_wanted(struct simreq *r)
{
    const char *accept = simhttp_header(r, "accept");

    return accept != NULL && strstr(accept, "as=Table") != NULL;
}

static void
simtable_str(struct kbuf *b, const char *s)
{
    cJSON *j = cJSON_CreateString(s != NULL ? s : "");
    char  *t = cJSON_PrintUnformatted(j);

    kbuf_puts(b, t);
    free(t);
    cJSON_Delete(j);
}

void
simtable_columns(struct kbuf *b, const struct simres *res)
{
    const struct simtable_col *cols = pod_cols;
    size_t                     n = nitems(pod_cols), i;

    if (res == &simres_events) {
        cols = event_cols;
        n = nitems(event_cols);
    } else if (res == &simres_namespaces) {
        cols = ns_cols;
        n = nitems(ns_cols);
    }
    kbuf_puts(b, "[");
    for (i = 0; i < n; i++) {
        kbuf_puts(b, i ? ",{\"name\":" : "{\"name\":");
        simtable_str(b, cols[i].name);
        kbuf_printf(b, ",\"type\":\"%s\",\"format\":\"%s\",\"description\":",
                    strcmp(cols[i].name, "Count") == 0 ? "integer" : "string",
                    cols[i].format);
        simtable_str(b, cols[i].desc);
        kbuf_printf(b, ",\"priority\":%d}", cols[i].priority);
    }
    kbuf_puts(b, "]");
}

static void
simtable_object(struct kbuf *b, const struct simres *res, struct simsnap *snap,
                enum simtable_include inc)
{
    if (inc == SIMTABLE_NONE)
        return;
    if (inc == SIMTABLE_OBJECT) {
        kbuf_printf(b, ",\"object\":{\"kind\":\"%s\",\"apiVersion\":\"v1\"",
                    res->kind);
        if (snap->len > 2)
            kbuf_puts(b, ",");
        kbuf_append(b, snap->text + 1, snap->len - 1);
        return;
    }
    cJSON *meta = cJSON_Duplicate(
        cJSON_GetObjectItemCaseSensitive(snap->obj, "metadata"), 1);
    char *t;

    cJSON_DeleteItemFromObjectCaseSensitive(meta, "managedFields");
    t = cJSON_PrintUnformatted(meta);
    kbuf_puts(b, ",\"object\":{\"kind\":\"PartialObjectMetadata\","
                 "\"apiVersion\":\"meta.k8s.io/v1\",\"metadata\":");
    kbuf_puts(b, t);
    kbuf_puts(b, "}");
    free(t);
    cJSON_Delete(meta);
}

static void
simtable_pod_row(struct kbuf *b, struct simsnap *snap, int64_t now)
{
    static const enum pod_col cols[] = {
        POD_COL_NAME,     POD_COL_READY,     POD_COL_STATUS,
        POD_COL_RESTARTS, POD_COL_AGE,       POD_COL_IP,
        POD_COL_NODE,     POD_COL_NOMINATED, POD_COL_GATES,
    };
    struct pod_summary s;
    char               cell[512];
    size_t             i;

    memset(&s, 0, sizeof s);
    pod_summary_init(&s, snap->obj);
    kbuf_puts(b, "{\"cells\":[");
    for (i = 0; i < nitems(cols); i++) {
        if (i > 0)
            kbuf_puts(b, ",");
        simtable_str(b, pod_summary_cell(&s, cols[i], now, cell, sizeof cell));
    }
    kbuf_puts(b, "]");
    pod_summary_done(&s);
}

static const char *
simtable_gets(const cJSON *o, const char *a, const char *b)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, a);

    if (b != NULL)
        x = cJSON_GetObjectItemCaseSensitive(x, b);
    return cJSON_IsString(x) ? x->valuestring : "";
}

static void
simtable_since(const char *ts, int64_t now, char *buf, size_t len)
{
    int64_t t = ts != NULL && *ts != '\0' ? ktime_parse(ts) : -1;

    duration_since(t > 0 ? t * 1000 : 0, now, buf, len);
}

/* An Event's row: the cells of `kubectl get events -o wide` from
 * src/event.c (the same printEvent port the client uses); COUNT is a
 * number in the Table, the rest strings. */
static void
simtable_event_row(struct kbuf *b, struct simsnap *snap, int64_t now)
{
    static const enum event_col cols[] = {
        EVENT_COL_LAST_SEEN, EVENT_COL_TYPE,       EVENT_COL_REASON,
        EVENT_COL_OBJECT,    EVENT_COL_SUBOBJECT,  EVENT_COL_SOURCE,
        EVENT_COL_MESSAGE,   EVENT_COL_FIRST_SEEN, EVENT_COL_COUNT,
        EVENT_COL_NAME,
    };
    struct event_summary s;
    char                *cell;
    size_t               len, i;

    memset(&s, 0, sizeof s);
    event_summary_init(&s, snap->obj);
    /* room for the longest cell: every string field together */
    len = 128 + strlen(s.type) + strlen(s.reason) + strlen(s.kind) +
          strlen(s.obj_name) + strlen(s.fieldpath) + strlen(s.from) +
          strlen(s.host) + strlen(s.message) + strlen(s.name);
    cell = xmalloc(len);
    kbuf_puts(b, "{\"cells\":[");
    for (i = 0; i < nitems(cols); i++) {
        if (i > 0)
            kbuf_puts(b, ",");
        event_summary_cell(&s, cols[i], now, cell, len);
        if (cols[i] == EVENT_COL_COUNT)
            kbuf_puts(b, cell);
        else
            simtable_str(b, cell);
    }
    kbuf_puts(b, "]");
    free(cell);
    event_summary_done(&s);
}

void
simtable_row(struct kbuf *b, const struct simres *res, struct simsnap *snap,
             int64_t now, enum simtable_include inc)
{
    if (res == &simres_events)
        simtable_event_row(b, snap, now);
    else if (res == &simres_namespaces) {
        char age[64];

        simtable_since(
            simtable_gets(snap->obj, "metadata", "creationTimestamp"), now, age,
            sizeof age);
        kbuf_puts(b, "{\"cells\":[");
        simtable_str(b, simtable_gets(snap->obj, "metadata", "name"));
        kbuf_puts(b, ",");
        simtable_str(b, simtable_gets(snap->obj, "status", "phase"));
        kbuf_puts(b, ",");
        simtable_str(b, age);
        kbuf_puts(b, "]");
    } else
        simtable_pod_row(b, snap, now);
    simtable_object(b, res, snap, inc);
    kbuf_puts(b, "}");
}
