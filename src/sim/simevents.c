/*
 * core/v1 Events as the kubelet's and scheduler's event recorders write
 * them: a new event named <object>.<hex nanoseconds>, or, when the same
 * source, object, type, reason and message were recorded before, the old
 * one with count + 1 and a new lastTimestamp (client-go's EventCorrelator).
 * Also the event routes (list/watch/get) and the bounded event store.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "simevents.h"
#include "simlist.h"
#include "simstore.h"

#define SIMEVENTS_MAX 20000

struct simev {
    char         *key; /* aggregation key */
    char         *ns, *name;
    struct simev *next;
};

struct simevents {
    struct simev *head, *tail; /* oldest first */
    size_t        count;
    uint64_t      last_ns;
};

static struct simevents *
simevents_of(struct sim *sim)
{
    if (sim->events == NULL)
        sim->events = xcalloc(1, sizeof(struct simevents));
    return sim->events;
}

void
simevents_free(struct sim *sim)
{
    struct simevents *ev = sim->events;
    struct simev     *e, *next;

    if (ev == NULL)
        return;
    for (e = ev->head; e != NULL; e = next) {
        next = e->next;
        free(e->key);
        free(e->ns);
        free(e->name);
        free(e);
    }
    free(ev);
    sim->events = NULL;
}

static const char *
str(const cJSON *o, const char *k)
{
    const char *s =
        cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, k));

    return s != NULL ? s : "";
}

void
sim_event_record(struct sim *sim, const cJSON *pod, const char *field_path,
                 const char *type, const char *reason, const char *fmt, ...)
{
    struct simevents *ev = simevents_of(sim);
    const cJSON      *meta = cJSON_GetObjectItemCaseSensitive(pod, "metadata");
    const cJSON      *spec = cJSON_GetObjectItemCaseSensitive(pod, "spec");
    const char       *ns = str(meta, "namespace"), *name = str(meta, "name");
    const char       *node = str(spec, "nodeName");
    int               scheduler = strcmp(reason, "Scheduled") == 0 ||
                    strcmp(reason, "FailedScheduling") == 0;
    const char   *component = scheduler ? "default-scheduler" : "kubelet";
    char         *msg, *key, ts[64], evname[512];
    struct simev *e;
    va_list       ap;
    cJSON        *obj, *m, *io, *src;
    int64_t       now = know_ms();

    va_start(ap, fmt);
    msg = xvasprintf(fmt, ap);
    va_end(ap);
    key = xasprintf("%s|%s|%s|%s|%s|%s|%s|%s|%s", component, node, ns, name,
                    str(meta, "uid"), field_path ? field_path : "", type,
                    reason, msg);
    for (e = ev->head; e != NULL; e = e->next) {
        struct simsnap *s;

        if (strcmp(e->key, key) != 0)
            continue;
        s = simstore_get(sim->store, &simres_events, e->ns, e->name);
        if (s == NULL)
            break;
        obj = cJSON_Duplicate(s->obj, 1);
        if (scheduler) {
            cJSON *series = cJSON_GetObjectItemCaseSensitive(obj, "series");
            double n = 1;

            if (series != NULL)
                n = cJSON_GetNumberValue(cJSON_GetObjectItem(series, "count"));
            cJSON_DeleteItemFromObjectCaseSensitive(obj, "series");
            series = cJSON_CreateObject();
            cJSON_AddNumberToObject(series, "count", n + 1);
            cJSON_AddStringToObject(series, "lastObservedTime",
                                    sim_microtime(now, ts, sizeof ts));
            cJSON_AddItemToObject(obj, "series", series);
        } else {
            cJSON_ReplaceItemInObjectCaseSensitive(
                obj, "count",
                cJSON_CreateNumber(
                    cJSON_GetNumberValue(cJSON_GetObjectItem(obj, "count")) +
                    1));
            cJSON_ReplaceItemInObjectCaseSensitive(
                obj, "lastTimestamp",
                cJSON_CreateString(sim_time(now, ts, sizeof ts)));
        }
        simstore_put(sim->store, &simres_events, obj);
        free(key);
        free(msg);
        return;
    }
    {
        /* names sort in recording order, like UnixNano() would */
        uint64_t ns_now =
            (uint64_t)now * 1000000ULL + (uint64_t)(sim_rand(sim) * 1000);

        if (ns_now <= ev->last_ns)
            ns_now = ev->last_ns + 1;
        ev->last_ns = ns_now;
        snprintf(evname, sizeof evname, "%s.%llx", name,
                 (unsigned long long)ns_now);
    }
    obj = cJSON_CreateObject();
    m = cJSON_AddObjectToObject(obj, "metadata");
    cJSON_AddStringToObject(m, "name", evname);
    cJSON_AddStringToObject(m, "namespace", ns);
    {
        char          uid[40];
        unsigned char b[16];
        size_t        i;

        for (i = 0; i < 16; i++)
            b[i] = (unsigned char)(sim_rand(sim) * 256);
        snprintf(uid, sizeof uid,
                 "%02x%02x%02x%02x-%02x%02x-4%x%02x-%x%x%02x-%02x%02x%02x%02x"
                 "%02x%02x",
                 b[0], b[1], b[2], b[3], b[4], b[5], b[6] & 15, b[7],
                 8 + (b[8] & 3), b[8] >> 4, b[9], b[10], b[11], b[12], b[13],
                 b[14], b[15]);
        cJSON_AddStringToObject(m, "uid", uid);
    }
    cJSON_AddStringToObject(m, "creationTimestamp",
                            sim_time(now, ts, sizeof ts));
    io = cJSON_AddObjectToObject(obj, "involvedObject");
    cJSON_AddStringToObject(io, "kind", "Pod");
    cJSON_AddStringToObject(io, "namespace", ns);
    cJSON_AddStringToObject(io, "name", name);
    cJSON_AddStringToObject(io, "uid", str(meta, "uid"));
    cJSON_AddStringToObject(io, "apiVersion", "v1");
    cJSON_AddStringToObject(io, "resourceVersion",
                            str(meta, "resourceVersion"));
    if (field_path != NULL)
        cJSON_AddStringToObject(io, "fieldPath", field_path);
    cJSON_AddStringToObject(obj, "reason", reason);
    cJSON_AddStringToObject(obj, "message", msg);
    src = cJSON_AddObjectToObject(obj, "source");
    if (scheduler) {
        cJSON_AddNullToObject(obj, "firstTimestamp");
        cJSON_AddNullToObject(obj, "lastTimestamp");
        cJSON_AddStringToObject(obj, "type", type);
        cJSON_AddStringToObject(obj, "eventTime",
                                sim_microtime(now, ts, sizeof ts));
        cJSON_AddStringToObject(obj, "action", "Binding");
        cJSON_AddStringToObject(obj, "reportingComponent", "default-scheduler");
        cJSON_AddStringToObject(obj, "reportingInstance",
                                "default-scheduler-controlplane");
    } else {
        cJSON_AddStringToObject(src, "component", component);
        cJSON_AddStringToObject(src, "host", node);
        cJSON_AddStringToObject(obj, "firstTimestamp",
                                sim_time(now, ts, sizeof ts));
        cJSON_AddStringToObject(obj, "lastTimestamp",
                                sim_time(now, ts, sizeof ts));
        cJSON_AddNumberToObject(obj, "count", 1);
        cJSON_AddStringToObject(obj, "type", type);
        cJSON_AddNullToObject(obj, "eventTime");
        cJSON_AddStringToObject(obj, "reportingComponent", "kubelet");
        cJSON_AddStringToObject(obj, "reportingInstance", node);
    }
    simstore_put(sim->store, &simres_events, obj);
    e = xcalloc(1, sizeof *e);
    e->key = key;
    e->ns = xstrdup(ns);
    e->name = xstrdup(evname);
    if (ev->tail != NULL)
        ev->tail->next = e;
    else
        ev->head = e;
    ev->tail = e;
    ev->count++;
    free(msg);
    while (ev->count > SIMEVENTS_MAX) {
        e = ev->head;
        ev->head = e->next;
        if (ev->head == NULL)
            ev->tail = NULL;
        ev->count--;
        simstore_delete(sim->store, &simres_events, e->ns, e->name);
        free(e->key);
        free(e->ns);
        free(e->name);
        free(e);
    }
}

/* Store an event given as an object (--load): served as is. */
void
simevents_load(struct sim *sim, cJSON *obj)
{
    simstore_put(sim->store, &simres_events, obj);
}

void
simevents_list_all(struct simreq *r, char **args)
{
    (void)args;
    simlist_collection(r, &simres_events, NULL);
}

void
simevents_list(struct simreq *r, char **args)
{
    simlist_collection(r, &simres_events, args[0]);
}

void
simevents_get(struct simreq *r, char **args)
{
    simlist_get(r, &simres_events, args[0], args[1]);
}
