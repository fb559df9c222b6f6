/*
 * The pod summary behind a `kubectl get pods` row: READY, STATUS, RESTARTS,
 * AGE and the wide columns, computed with printPod's rules (research/
 * kubectl-printing.md §1.2), and kubectl's HumanDuration (§2). The summary
 * keeps raw times, so ages are formatted against any "now" later. No I/O,
 * no table layout: callers lay cells out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "pod.h"
#include "util.h"

const char *const pod_col_names[POD_NCOLS] = {
    [POD_COL_NAMESPACE] = "NAMESPACE",
    [POD_COL_NAME] = "NAME",
    [POD_COL_READY] = "READY",
    [POD_COL_STATUS] = "STATUS",
    [POD_COL_RESTARTS] = "RESTARTS",
    [POD_COL_AGE] = "AGE",
    [POD_COL_IP] = "IP",
    [POD_COL_NODE] = "NODE",
    [POD_COL_NOMINATED] = "NOMINATED NODE",
    [POD_COL_GATES] = "READINESS GATES",
    [POD_COL_LABELS] = "LABELS",
};

static const cJSON *
pod_get(const cJSON *o, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(o, key);
}

static const char *
pod_str(const cJSON *o, const char *key)
{
    const cJSON *v = pod_get(o, key);

    return cJSON_IsString(v) ? v->valuestring : "";
}

static int
pod_int(const cJSON *o, const char *key)
{
    const cJSON *v = pod_get(o, key);

    return cJSON_IsNumber(v) ? v->valueint : 0;
}

static int
pod_true(const cJSON *o, const char *key)
{
    return cJSON_IsTrue(pod_get(o, key));
}

/* An RFC 3339 field as ms since the epoch; 0 when unset or malformed. */
static int64_t
pod_time_ms(const cJSON *o, const char *key)
{
    int64_t t = ktime_parse(pod_str(o, key));

    return t < 0 ? 0 : t * 1000;
}

static char *
pod_dup_or_null(const char *s)
{
    return s != NULL && *s != '\0' ? xstrdup(s) : NULL;
}

/* lastState.terminated.finishedAt, if later than *last. */
static void
pod_note_restart(const cJSON *cs, int64_t *last)
{
    const cJSON *term = pod_get(pod_get(cs, "lastState"), "terminated");
    int64_t      t;

    if (term == NULL || cJSON_IsNull(term))
        return;
    t = pod_time_ms(term, "finishedAt");
    if (t > *last)
        *last = t;
}

static const cJSON *
pod_condition(const cJSON *status, const char *type)
{
    const cJSON *c;

    cJSON_ArrayForEach(c, pod_get(status, "conditions"))
    {
        if (strcmp(pod_str(c, "type"), type) == 0)
            return c;
    }
    return NULL;
}

static int
pod_ready_condition_true(const cJSON *status)
{
    const cJSON *c;

    cJSON_ArrayForEach(c, pod_get(status, "conditions"))
    {
        if (strcmp(pod_str(c, "type"), "Ready") == 0 &&
            strcmp(pod_str(c, "status"), "True") == 0)
            return 1;
    }
    return 0;
}

/* A state object counts as set when present and not null. */
static const cJSON *
pod_state(const cJSON *cs, const char *which)
{
    const cJSON *s = pod_get(pod_get(cs, "state"), which);

    return s == NULL || cJSON_IsNull(s) ? NULL : s;
}

/* The "Signal:9" / "ExitCode:2" fallback for an empty terminated reason. */
static char *
pod_exit_reason(const cJSON *term, const char *prefix)
{
    int sig = pod_int(term, "signal");

    if (sig != 0)
        return xasprintf("%sSignal:%d", prefix, sig);
    return xasprintf("%sExitCode:%d", prefix, pod_int(term, "exitCode"));
}

static int
pod_is_sidecar(const cJSON *spec, const char *name)
{
    const cJSON *ic;

    cJSON_ArrayForEach(ic, pod_get(spec, "initContainers"))
    {
        if (strcmp(pod_str(ic, "name"), name) == 0)
            return strcmp(pod_str(ic, "restartPolicy"), "Always") == 0;
    }
    return 0;
}

static int
pod_label_cmp(const void *a, const void *b)
{
    return strcmp((*(const cJSON *const *)a)->string,
                  (*(const cJSON *const *)b)->string);
}

/* "k=v,k2=v2", keys sorted byte-wise; NULL when there are none. */
static char *
pod_labels(const cJSON *labels)
{
    const cJSON **v;
    const cJSON  *it;
    size_t        n = 0, i = 0;
    struct kbuf   b;

    if (!cJSON_IsObject(labels))
        return NULL;
    cJSON_ArrayForEach(it, labels) n++;
    if (n == 0)
        return NULL;
    v = xcalloc(n, sizeof *v);
    cJSON_ArrayForEach(it, labels) v[i++] = it;
    qsort(v, n, sizeof *v, pod_label_cmp);
    kbuf_init(&b);
    for (i = 0; i < n; i++)
        kbuf_printf(&b, "%s%s=%s", i ? "," : "", v[i]->string,
                    cJSON_IsString(v[i]) ? v[i]->valuestring : "");
    free(v);
    return kbuf_steal(&b);
}

static void
pod_set_reason(char **reason, char *s)
{
    free(*reason);
    *reason = s;
}

int
pod_summary_init(struct pod_summary *ps, const struct cJSON *pod)
{
    const cJSON *meta, *spec, *status, *cs, *c, *ips, *gates;
    const char  *kind;
    char        *reason;
    int          total, ready = 0, restarts = 0, sidecar_restarts = 0;
    int          initializing = 0, ninit = 0, i = 0;
    int64_t      last = 0, sidecar_last = 0;

    memset(ps, 0, sizeof *ps);
    if (!cJSON_IsObject(pod))
        return -1;
    kind = pod_str(pod, "kind");
    if (*kind != '\0' && strcmp(kind, "Pod") != 0)
        return -1;
    meta = pod_get(pod, "metadata");
    spec = pod_get(pod, "spec");
    status = pod_get(pod, "status");
    if (!cJSON_IsObject(meta))
        return -1;

    ps->uid = xstrdup(pod_str(meta, "uid"));
    ps->ns = xstrdup(pod_str(meta, "namespace"));
    ps->name = xstrdup(pod_str(meta, "name"));
    ps->created_ms = pod_time_ms(meta, "creationTimestamp");
    c = pod_get(meta, "deletionTimestamp");
    ps->deleting = c != NULL && !cJSON_IsNull(c);
    ps->labels = pod_labels(pod_get(meta, "labels"));

    /* 1-2: counters, phase, status.reason. */
    total = cJSON_GetArraySize(pod_get(spec, "containers"));
    reason = xstrdup(pod_str(status, "phase"));
    if (*pod_str(status, "reason") != '\0')
        pod_set_reason(&reason, xstrdup(pod_str(status, "reason")));

    /* 3: a PodScheduled condition gated by scheduling gates. */
    cJSON_ArrayForEach(c, pod_get(status, "conditions"))
    {
        if (strcmp(pod_str(c, "type"), "PodScheduled") == 0 &&
            strcmp(pod_str(c, "reason"), "SchedulingGated") == 0)
            pod_set_reason(&reason, xstrdup("SchedulingGated"));
    }

    /* 4: restartable init containers (sidecars) count toward the total. */
    cJSON_ArrayForEach(c, pod_get(spec, "initContainers"))
    {
        ninit++;
        if (strcmp(pod_str(c, "restartPolicy"), "Always") == 0)
            total++;
    }

    /* 5: init containers, in status order, until one is not done. */
    cJSON_ArrayForEach(cs, pod_get(status, "initContainerStatuses"))
    {
        const cJSON *term = pod_state(cs, "terminated");
        const cJSON *wait = pod_state(cs, "waiting");
        int          sidecar = pod_is_sidecar(spec, pod_str(cs, "name"));

        restarts += pod_int(cs, "restartCount");
        pod_note_restart(cs, &last);
        if (sidecar) {
            sidecar_restarts += pod_int(cs, "restartCount");
            pod_note_restart(cs, &sidecar_last);
        }
        if (term != NULL && pod_int(term, "exitCode") == 0) {
            i++;
            continue;
        }
        if (sidecar && pod_true(cs, "started")) {
            if (pod_true(cs, "ready"))
                ready++;
            i++;
            continue;
        }
        if (term != NULL) {
            if (*pod_str(term, "reason") != '\0')
                pod_set_reason(&reason,
                               xasprintf("Init:%s", pod_str(term, "reason")));
            else
                pod_set_reason(&reason, pod_exit_reason(term, "Init:"));
        } else if (wait != NULL && *pod_str(wait, "reason") != '\0' &&
                   strcmp(pod_str(wait, "reason"), "PodInitializing") != 0)
            pod_set_reason(&reason,
                           xasprintf("Init:%s", pod_str(wait, "reason")));
        else
            pod_set_reason(&reason, xasprintf("Init:%d/%d", i, ninit));
        initializing = 1;
        break;
    }

    /* 6: containers, last to first, unless still initializing. */
    c = pod_condition(status, "Initialized");
    if (!initializing ||
        (c != NULL && strcmp(pod_str(c, "status"), "True") == 0)) {
        const cJSON *list = pod_get(status, "containerStatuses");
        int          has_running = 0;

        restarts = sidecar_restarts;
        last = sidecar_last;
        for (int k = cJSON_GetArraySize(list) - 1; k >= 0; k--) {
            const cJSON *term, *wait;

            cs = cJSON_GetArrayItem(list, k);
            term = pod_state(cs, "terminated");
            wait = pod_state(cs, "waiting");
            restarts += pod_int(cs, "restartCount");
            pod_note_restart(cs, &last);
            if (wait != NULL && *pod_str(wait, "reason") != '\0')
                pod_set_reason(&reason, xstrdup(pod_str(wait, "reason")));
            else if (term != NULL && *pod_str(term, "reason") != '\0')
                pod_set_reason(&reason, xstrdup(pod_str(term, "reason")));
            else if (term != NULL)
                pod_set_reason(&reason, pod_exit_reason(term, ""));
            else if (pod_true(cs, "ready") && pod_state(cs, "running")) {
                has_running = 1;
                ready++;
            }
        }
        if (strcmp(reason, "Completed") == 0 && has_running)
            pod_set_reason(&reason, xstrdup(pod_ready_condition_true(status)
                                                ? "Running"
                                                : "NotReady"));
    }

    /* 7: deletion. */
    if (ps->deleting) {
        const char *phase = pod_str(status, "phase");

        if (strcmp(pod_str(status, "reason"), "NodeLost") == 0)
            pod_set_reason(&reason, xstrdup("Unknown"));
        else if (strcmp(phase, "Succeeded") != 0 &&
                 strcmp(phase, "Failed") != 0)
            pod_set_reason(&reason, xstrdup("Terminating"));
    }

    ps->status = reason;
    ps->restarts = restarts;
    ps->last_restart_ms = last;
    snprintf(ps->ready, sizeof ps->ready, "%d/%d", ready, total);

    /* Wide cells. */
    ips = pod_get(status, "podIPs");
    ps->ip = pod_dup_or_null(pod_str(cJSON_GetArrayItem(ips, 0), "ip"));
    /* The API server's v1 conversion fills podIPs from podIP when a
     * (pre-1.16) object has only the latter, so the server prints it. */
    if (cJSON_GetArraySize(ips) == 0)
        ps->ip = pod_dup_or_null(pod_str(status, "podIP"));
    ps->node = pod_dup_or_null(pod_str(spec, "nodeName"));
    ps->nominated = pod_dup_or_null(pod_str(status, "nominatedNodeName"));
    gates = pod_get(spec, "readinessGates");
    if (cJSON_GetArraySize(gates) > 0) {
        int ok = 0;

        cJSON_ArrayForEach(c, gates)
        {
            const cJSON *cond =
                pod_condition(status, pod_str(c, "conditionType"));

            if (cond != NULL && strcmp(pod_str(cond, "status"), "True") == 0)
                ok++;
        }
        snprintf(ps->readiness_gates, sizeof ps->readiness_gates, "%d/%d", ok,
                 cJSON_GetArraySize(gates));
    }
    return 0;
}

void
pod_summary_done(struct pod_summary *ps)
{
    if (ps == NULL)
        return;
    free(ps->uid);
    free(ps->ns);
    free(ps->name);
    free(ps->status);
    free(ps->ip);
    free(ps->node);
    free(ps->nominated);
    free(ps->labels);
    memset(ps, 0, sizeof *ps);
}

static char *
pod_cell_str(const char *s, char *buf, size_t len)
{
    snprintf(buf, len, "%s", s != NULL && *s != '\0' ? s : "<none>");
    return buf;
}

char *
pod_summary_cell(const struct pod_summary *ps, enum pod_col col, int64_t now_ms,
                 char *buf, size_t len)
{
    char age[32];

    if (len == 0)
        return buf;
    switch (col) {
    case POD_COL_NAMESPACE:
        snprintf(buf, len, "%s", ps->ns ? ps->ns : "");
        break;
    case POD_COL_NAME:
        snprintf(buf, len, "%s", ps->name ? ps->name : "");
        break;
    case POD_COL_READY:
        snprintf(buf, len, "%s", ps->ready);
        break;
    case POD_COL_STATUS:
        snprintf(buf, len, "%s", ps->status ? ps->status : "");
        break;
    case POD_COL_RESTARTS:
        if (ps->restarts != 0 && ps->last_restart_ms != 0)
            snprintf(
                buf, len, "%d (%s ago)", ps->restarts,
                duration_human(now_ms - ps->last_restart_ms, age, sizeof age));
        else
            snprintf(buf, len, "%d", ps->restarts);
        break;
    case POD_COL_AGE:
        duration_since(ps->created_ms, now_ms, buf, len);
        break;
    case POD_COL_IP:
        pod_cell_str(ps->ip, buf, len);
        break;
    case POD_COL_NODE:
        pod_cell_str(ps->node, buf, len);
        break;
    case POD_COL_NOMINATED:
        pod_cell_str(ps->nominated, buf, len);
        break;
    case POD_COL_GATES:
        pod_cell_str(ps->readiness_gates, buf, len);
        break;
    case POD_COL_LABELS:
        pod_cell_str(ps->labels, buf, len);
        break;
    default:
        buf[0] = '\0';
    }
    return buf;
}

char *
duration_human(int64_t ms, char *buf, size_t len)
{
    int64_t secs = ms / 1000; /* truncates toward zero, like Go's int() */
    int64_t mins, hours;

    if (secs < -1)
        snprintf(buf, len, "<invalid>");
    else if (secs < 0 || ms < 0)
        snprintf(buf, len, "0s");
    else if (secs < 120)
        snprintf(buf, len, "%llds", (long long)secs);
    else if ((mins = secs / 60) < 10) {
        if (secs % 60 == 0)
            snprintf(buf, len, "%lldm", (long long)mins);
        else
            snprintf(buf, len, "%lldm%llds", (long long)mins,
                     (long long)(secs % 60));
    } else if (mins < 180)
        snprintf(buf, len, "%lldm", (long long)mins);
    else if ((hours = secs / 3600) < 8) {
        if (mins % 60 == 0)
            snprintf(buf, len, "%lldh", (long long)hours);
        else
            snprintf(buf, len, "%lldh%lldm", (long long)hours,
                     (long long)(mins % 60));
    } else if (hours < 48)
        snprintf(buf, len, "%lldh", (long long)hours);
    else if (hours < 24 * 8) {
        if (hours % 24 == 0)
            snprintf(buf, len, "%lldd", (long long)(hours / 24));
        else
            snprintf(buf, len, "%lldd%lldh", (long long)(hours / 24),
                     (long long)(hours % 24));
    } else if (hours < 24 * 365 * 2)
        snprintf(buf, len, "%lldd", (long long)(hours / 24));
    else if (hours < 24 * 365 * 8) {
        int64_t days = hours / 24;

        if (days % 365 == 0)
            snprintf(buf, len, "%lldy", (long long)(days / 365));
        else
            snprintf(buf, len, "%lldy%lldd", (long long)(days / 365),
                     (long long)(days % 365));
    } else
        snprintf(buf, len, "%lldy", (long long)(hours / 24 / 365));
    return buf;
}

char *
duration_short(int64_t ms, char *buf, size_t len)
{
    int64_t secs = ms / 1000;

    if (secs < -1)
        snprintf(buf, len, "<invalid>");
    else if (secs < 0 || ms < 0)
        snprintf(buf, len, "0s");
    else if (secs < 60)
        snprintf(buf, len, "%llds", (long long)secs);
    else if (secs < 3600)
        snprintf(buf, len, "%lldm", (long long)(secs / 60));
    else if (secs < 86400)
        snprintf(buf, len, "%lldh", (long long)(secs / 3600));
    else if (secs < 86400LL * 365)
        snprintf(buf, len, "%lldd", (long long)(secs / 86400));
    else
        snprintf(buf, len, "%lldy", (long long)(secs / 3600 / 24 / 365));
    return buf;
}

char *
duration_since(int64_t t_ms, int64_t now_ms, char *buf, size_t len)
{
    if (t_ms == 0) {
        snprintf(buf, len, "<unknown>");
        return buf;
    }
    return duration_human(now_ms - t_ms, buf, len);
}
