/*
 * Which run of which container a log request reads, from the Pod object:
 * the container (the API server's 400s when it is missing or unknown), the
 * state (running, terminated, waiting with the kubelet's "waiting to
 * start" texts, the last terminated run for `previous` and for a container
 * waiting to restart), the start and end of the run, and the line rate.
 */
#define _GNU_SOURCE
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simlogs-int.h"
#include "util.h"

const cJSON *
simlogs_pod_find(const cJSON *arr, const char *name)
{
    const cJSON *it;

    cJSON_ArrayForEach(it, arr)
    {
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(it, "name");

        if (cJSON_IsString(n) && strcmp(n->valuestring, name) == 0)
            return it;
    }
    return NULL;
}

const char *
simlogs_pod_str(const cJSON *o, const char *path)
{
    char        *dup = xstrdup(path), *save = NULL, *k;
    const cJSON *cur = o;

    for (k = strtok_r(dup, ".", &save); k != NULL && cur != NULL;
         k = strtok_r(NULL, ".", &save))
        cur = cJSON_GetObjectItemCaseSensitive(cur, k);
    free(dup);
    return cJSON_IsString(cur) ? cur->valuestring : NULL;
}

const cJSON *
simlogs_pod_obj(const cJSON *o, const char *path)
{
    char        *dup = xstrdup(path), *save = NULL, *k;
    const cJSON *cur = o;

    for (k = strtok_r(dup, ".", &save); k != NULL && cur != NULL;
         k = strtok_r(NULL, ".", &save))
        cur = cJSON_GetObjectItemCaseSensitive(cur, k);
    free(dup);
    return cur;
}

static void
simlogs_names(struct kbuf *b, const cJSON *arr)
{
    const cJSON *it;
    int          first = 1;

    cJSON_ArrayForEach(it, arr)
    {
        const char *n = simlogs_pod_str(it, "name");

        if (n == NULL)
            continue;
        kbuf_printf(b, "%s%s", first ? "" : " ", n);
        first = 0;
    }
}

static double
simlogs_rate_for(struct simlogs *logs, const cJSON *pod, const char *image)
{
    const cJSON *ann = simlogs_pod_obj(pod, "metadata.annotations");
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(ann, "kpod-sim/log-rate");
    const char  *a = cJSON_IsString(v) ? v->valuestring : NULL;

    if (a != NULL)
        return atof(a);
    if (logs->rate > 0)
        return logs->rate;
    return simlogs_style(image) == STYLE_QUIET ? 0 : 0.5;
}

int64_t
simlogs_pod_time_ns(const char *s)
{
    int64_t t = s ? ktime_parse(s) : -1;

    return t < 0 ? -1 : t * 1000000000;
}

/* Work out which instance a request reads; 0 or an HTTP error. */
int
simlogs_pod_resolve(struct simlogs *logs, const cJSON *pod,
                    const struct simlogs_opts *o, struct simlogs_inst *in,
                    char **status)
{
    const char  *podname = simlogs_pod_str(pod, "metadata.name");
    const cJSON *spec = simlogs_pod_obj(pod, "spec");
    const cJSON *cs = simlogs_pod_obj(spec, "containers");
    const cJSON *ics = simlogs_pod_obj(spec, "initContainers");
    const cJSON *c, *st, *state, *last;
    const char  *name = o->container, *image, *reason;
    const cJSON *rc;
    char        *msg;
    int          is_init = 0;

    if (podname == NULL)
        podname = "";
    if (name == NULL) {
        if (cJSON_GetArraySize(cs) != 1) {
            struct kbuf b;

            kbuf_init(&b);
            kbuf_printf(&b,
                        "a container name must be specified for pod %s, "
                        "choose one of: [",
                        podname);
            simlogs_names(&b, cs);
            kbuf_puts(&b, "]");
            if (cJSON_GetArraySize(ics) > 0) {
                kbuf_puts(&b, " or one of the init containers: [");
                simlogs_names(&b, ics);
                kbuf_puts(&b, "]");
            }
            *status = simlogs_query_status(400, "BadRequest", b.data);
            kbuf_done(&b);
            return 400;
        }
        name = simlogs_pod_str(cJSON_GetArrayItem(cs, 0), "name");
        if (name == NULL)
            name = "";
    }
    c = simlogs_pod_find(cs, name);
    if (c == NULL && (c = simlogs_pod_find(ics, name)) != NULL)
        is_init = 1;
    if (c == NULL) {
        msg = xasprintf("container %s is not valid for pod %s", name, podname);
        *status = simlogs_query_status(400, "BadRequest", msg);
        free(msg);
        return 400;
    }
    if (simlogs_pod_str(spec, "nodeName") == NULL)
        return 204;
    image = simlogs_pod_str(c, "image");
    if (image == NULL)
        image = "";
    in->pod = xstrdup(podname);
    in->uid = xstrdup(simlogs_pod_str(pod, "metadata.uid")
                          ? simlogs_pod_str(pod, "metadata.uid")
                          : "");
    in->container = xstrdup(name);
    in->image = xstrdup(image);
    in->rate = simlogs_rate_for(logs, pod, image);
    st = simlogs_pod_find(
        simlogs_pod_obj(pod, is_init ? "status.initContainerStatuses"
                                     : "status.containerStatuses"),
        name);
    state = simlogs_pod_obj(st, "state");
    last = simlogs_pod_obj(st, "lastState.terminated");
    rc = simlogs_pod_obj(st, "restartCount");
    in->restart = cJSON_IsNumber(rc) ? rc->valueint : 0;
    if (o->previous) {
        if (last == NULL || simlogs_pod_str(last, "startedAt") == NULL) {
            msg = xasprintf("previous terminated container \"%s\" in pod "
                            "\"%s\" not found",
                            name, podname);
            *status = simlogs_query_status(400, "BadRequest", msg);
            free(msg);
            return 400;
        }
        in->restart = in->restart > 0 ? in->restart - 1 : 0;
        in->start_ns = simlogs_pod_time_ns(simlogs_pod_str(last, "startedAt"));
        in->end_ns = simlogs_pod_time_ns(simlogs_pod_str(last, "finishedAt"));
        if (in->end_ns < in->start_ns)
            in->end_ns = in->start_ns;
        return 0;
    }
    if (simlogs_pod_obj(state, "running") != NULL) {
        in->start_ns =
            simlogs_pod_time_ns(simlogs_pod_str(state, "running.startedAt"));
        in->end_ns = -1;
        if (in->start_ns < 0)
            in->start_ns = simlogs_now_ns();
        return 0;
    }
    if (simlogs_pod_obj(state, "terminated") != NULL) {
        in->start_ns =
            simlogs_pod_time_ns(simlogs_pod_str(state, "terminated.startedAt"));
        in->end_ns = simlogs_pod_time_ns(
            simlogs_pod_str(state, "terminated.finishedAt"));
        if (in->start_ns < 0) {
            msg = xasprintf("container \"%s\" in pod \"%s\" is terminated",
                            name, podname);
            *status = simlogs_query_status(400, "BadRequest", msg);
            free(msg);
            return 400;
        }
        if (in->end_ns < in->start_ns)
            in->end_ns = in->start_ns;
        return 0;
    }
    /* Waiting: a restarting container still shows its last run's log. */
    if (last != NULL && simlogs_pod_str(last, "startedAt") != NULL) {
        in->restart = in->restart > 0 ? in->restart - 1 : 0;
        in->start_ns = simlogs_pod_time_ns(simlogs_pod_str(last, "startedAt"));
        in->end_ns = simlogs_pod_time_ns(simlogs_pod_str(last, "finishedAt"));
        if (in->end_ns < in->start_ns)
            in->end_ns = in->start_ns;
        return 0;
    }
    reason = simlogs_pod_str(state, "waiting.reason");
    if (reason == NULL || strcmp(reason, "ContainerCreating") == 0 ||
        strcmp(reason, "PodInitializing") == 0 ||
        strcmp(reason, "CrashLoopBackOff") == 0)
        msg = xasprintf("container \"%s\" in pod \"%s\" is waiting to start: "
                        "%s",
                        name, podname, reason ? reason : "ContainerCreating");
    else if (strcmp(reason, "ErrImagePull") == 0)
        msg = xasprintf("container \"%s\" in pod \"%s\" is waiting to start: "
                        "image can't be pulled",
                        name, podname);
    else if (strcmp(reason, "ImagePullBackOff") == 0)
        msg = xasprintf("container \"%s\" in pod \"%s\" is waiting to start: "
                        "trying and failing to pull image",
                        name, podname);
    else
        msg = xasprintf("container \"%s\" in pod \"%s\" is waiting to start: "
                        "%s",
                        name, podname, reason);
    *status = simlogs_query_status(400, "BadRequest", msg);
    free(msg);
    return 400;
}
