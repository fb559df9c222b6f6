/*
 * The simulated scheduler and kubelet. Each managed pod is bound to a fake
 * node (worker-node1..3), gets a sandbox and an IP, then its containers run
 * (simkctr.c) with their scripts and probes (simkprobe.c); init containers
 * first, one after another. A 100 ms tick drives it all and writes changed
 * pods back (simkstatus.c). Pod annotations kpod-sim/... script extra
 * behaviour (see README). Graceful deletion stops containers, then deletes.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "simkubelet-int.h"
#include "simpods.h"
#include "simstore.h"

static void kl_tick(uv_timer_t *);

struct simkubelet *
simkubelet_create(struct sim *sim)
{
    struct simkubelet *kl = xcalloc(1, sizeof *kl);

    kl->sim = sim;
    kl->next_ip = 5;
    uv_timer_init(sim->loop, &kl->tick);
    kl->tick.data = kl;
    uv_timer_start(&kl->tick, kl_tick, TICK_MS, TICK_MS);
    return kl;
}

static void
kl_ctr_free(struct klctr *c)
{
    size_t i;

    free(c->pub.name);
    free(c->pub.image);
    for (i = 0; i < c->pub.nfiles; i++) {
        free(c->pub.files[i].key);
        free(c->pub.files[i].value);
    }
    free(c->pub.files);
    free(c->reason);
    free(c->message);
    free(c->last_reason);
    simkprobe_done(&c->live);
    simkprobe_done(&c->ready);
    simkprobe_done(&c->startup);
    for (i = 0; i < c->nsteps; i++)
        free(c->steps[i].arg);
    free(c->steps);
}

static void
kl_pod_free(struct klpod *p)
{
    size_t i;

    for (i = 0; i < p->nctrs; i++)
        kl_ctr_free(&p->ctrs[i]);
    free(p->ctrs);
    free(p->ns);
    free(p->name);
    free(p->uid);
    free(p);
}

static void
kl_unlink(struct simkubelet *kl, struct klpod *p)
{
    if (p->prev != NULL)
        p->prev->next = p->next;
    else
        kl->pods = p->next;
    if (p->next != NULL)
        p->next->prev = p->prev;
    kl->npods--;
}

static void
tick_close_cb(uv_handle_t *h)
{
    struct simkubelet *kl = h->data;
    struct sim        *sim = kl->sim;

    sim->pending_closes--;
    sim_maybe_done(sim);
}

void
simkubelet_close(struct simkubelet *kl)
{
    kl->sim->pending_closes++;
    uv_timer_stop(&kl->tick);
    uv_close((uv_handle_t *)&kl->tick, tick_close_cb);
}

void
simkubelet_free(struct simkubelet *kl)
{
    struct klpod *p, *next;
    size_t        i;

    if (kl == NULL)
        return;
    for (p = kl->pods; p != NULL; p = next) {
        next = p->next;
        kl_pod_free(p);
    }
    for (i = 0; i < kl->npulled; i++)
        free(kl->pulled[i]);
    free(kl->pulled);
    free(kl);
}

static struct klpod *
kl_find(struct simkubelet *kl, const char *ns, const char *name)
{
    struct klpod *p;

    for (p = kl->pods; p != NULL; p = p->next)
        if (strcmp(p->ns, ns) == 0 && strcmp(p->name, name) == 0)
            return p;
    return NULL;
}

/* ---- reading the spec ------------------------------------------------ */

const char *
simkubelet_gets(const cJSON *o, const char *k)
{
    return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, k));
}

double
simkubelet_getn(const cJSON *o, const char *k, double def)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

    return cJSON_IsNumber(v) ? v->valuedouble : def;
}

const char *
simkubelet_annotation(const cJSON *pod, const char *key)
{
    return simkubelet_gets(
        cJSON_GetObjectItemCaseSensitive(
            cJSON_GetObjectItemCaseSensitive(pod, "metadata"), "annotations"),
        key);
}

static void
kl_ctr_init(struct klpod *p, struct klctr *c, const cJSON *ctr, int init,
            const cJSON *pod)
{
    const cJSON *port;
    const char  *v;

    memset(c, 0, sizeof *c);
    c->init = init;
    c->pub.name = xstrdup(
        simkubelet_gets(ctr, "name") ? simkubelet_gets(ctr, "name") : "");
    c->pub.image = xstrdup(
        simkubelet_gets(ctr, "image") ? simkubelet_gets(ctr, "image") : "");
    cJSON_ArrayForEach(port, cJSON_GetObjectItemCaseSensitive(ctr, "ports"))
    {
        if (c->pub.nports < (int)nitems(c->pub.ports))
            c->pub.ports[c->pub.nports++] =
                (int)simkubelet_getn(port, "containerPort", 0);
    }
    c->state = KL_WAITING;
    /* containers wait for the pod's init containers first */
    c->reason =
        xstrdup(init || p->ninit > 0 ? "PodInitializing" : "ContainerCreating");
    simkprobe_parse(
        &c->live, cJSON_GetObjectItemCaseSensitive(ctr, "livenessProbe"), ctr);
    simkprobe_parse(&c->ready,
                    cJSON_GetObjectItemCaseSensitive(ctr, "readinessProbe"),
                    ctr);
    simkprobe_parse(&c->startup,
                    cJSON_GetObjectItemCaseSensitive(ctr, "startupProbe"), ctr);
    simkprobe_script(c, ctr);
    if ((v = simkubelet_annotation(pod, "kpod-sim/crash-after")) != NULL)
        c->crash_after = strtod(v, NULL);
    c->crash_code = 1;
    if ((v = simkubelet_annotation(pod, "kpod-sim/exit-code")) != NULL)
        c->crash_code = atoi(v);
    (void)p;
}

const char *
simkubelet_qos(const cJSON *pod)
{
    const cJSON      *spec = cJSON_GetObjectItemCaseSensitive(pod, "spec"), *c;
    int               any = 0, guaranteed = 1, n = 0;
    const char *const kinds[] = {"initContainers", "containers"};
    int               k;

    for (k = 0; k < 2; k++) {
        cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(spec, kinds[k]))
        {
            const cJSON *res = cJSON_GetObjectItemCaseSensitive(c, "resources");
            const cJSON *req =
                cJSON_GetObjectItemCaseSensitive(res, "requests");
            const cJSON *lim = cJSON_GetObjectItemCaseSensitive(res, "limits");
            const char  *r[] = {"cpu", "memory"};
            int          i;

            n++;
            if (cJSON_GetArraySize(req) > 0 || cJSON_GetArraySize(lim) > 0)
                any = 1;
            for (i = 0; i < 2; i++) {
                const char *l = simkubelet_gets(lim, r[i]);
                const char *q = simkubelet_gets(req, r[i]);

                if (l == NULL || (q != NULL && strcmp(l, q) != 0))
                    guaranteed = 0;
            }
        }
    }
    if (!any)
        return "BestEffort";
    return guaranteed && n > 0 ? "Guaranteed" : "Burstable";
}

void
simkubelet_hex(struct sim *sim, char *buf, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t            i;

    for (i = 0; i + 1 < n; i++)
        buf[i] = hex[(int)(sim_rand(sim) * 16)];
    buf[n - 1] = '\0';
}

void
simkubelet_add(struct simkubelet *kl, const cJSON *pod)
{
    struct sim   *sim = kl->sim;
    const cJSON  *meta = cJSON_GetObjectItemCaseSensitive(pod, "metadata");
    const cJSON  *spec = cJSON_GetObjectItemCaseSensitive(pod, "spec");
    const cJSON  *ic = cJSON_GetObjectItemCaseSensitive(spec, "initContainers");
    const cJSON  *cc = cJSON_GetObjectItemCaseSensitive(spec, "containers");
    const cJSON  *c;
    const char   *rp = simkubelet_gets(spec, "restartPolicy"), *v;
    struct klpod *p = xcalloc(1, sizeof *p);
    size_t        i = 0;

    p->kl = kl;
    p->ns = xstrdup(simkubelet_gets(meta, "namespace")
                        ? simkubelet_gets(meta, "namespace")
                        : "");
    p->name = xstrdup(simkubelet_gets(meta, "name"));
    p->uid = xstrdup(simkubelet_gets(meta, "uid") ? simkubelet_gets(meta, "uid")
                                                  : "");
    p->ninit = (size_t)cJSON_GetArraySize(ic);
    p->nctrs = p->ninit + (size_t)cJSON_GetArraySize(cc);
    p->ctrs = xcalloc(p->nctrs + 1, sizeof *p->ctrs);
    cJSON_ArrayForEach(c, ic) kl_ctr_init(p, &p->ctrs[i++], c, 1, pod);
    cJSON_ArrayForEach(c, cc) kl_ctr_init(p, &p->ctrs[i++], c, 0, pod);
    p->restart_policy = rp == NULL || strcmp(rp, "Always") == 0 ? 0
                        : strcmp(rp, "OnFailure") == 0          ? 1
                                                                : 2;
    p->t0 = uv_now(sim->loop);
    if ((v = simkubelet_annotation(pod, "kpod-sim/ready-flap")) != NULL)
        p->ready_flap = strtod(v, NULL);
    if ((v = simkubelet_annotation(pod, "kpod-sim/image-pull")) != NULL &&
        strcmp(v, "fail") == 0)
        p->pull_fail = 1;
    if ((v = simkubelet_annotation(pod, "kpod-sim/start-delay")) != NULL)
        p->start_delay = strtod(v, NULL);
    if ((v = simkubelet_annotation(pod, "kpod-sim/ignore-sigterm")) != NULL &&
        strcmp(v, "true") == 0)
        p->ignore_sigterm = 1;
    if ((v = simkubelet_annotation(pod, "kpod-sim/unschedulable")) != NULL &&
        strcmp(v, "true") == 0)
        p->sched_at = UINT64_MAX;
    else
        p->sched_at = p->t0 + 50 + (uint64_t)(sim_rand(sim) * 150);
    if (simkubelet_gets(spec, "nodeName") != NULL &&
        *simkubelet_gets(spec, "nodeName") != '\0')
        p->sched_at = p->t0;
    p->next = kl->pods;
    if (kl->pods != NULL)
        kl->pods->prev = p;
    kl->pods = p;
    kl->npods++;
}

void
simkubelet_add_static(struct simkubelet *kl, const cJSON *pod)
{
    (void)kl;
    (void)pod;
}

/* ---- containers ------------------------------------------------------ */

struct simctr *
simkubelet_container(struct simkubelet *kl, const char *ns, const char *pod,
                     const char *ctr)
{
    struct klpod *p = kl_find(kl, ns, pod);
    size_t        i;

    if (p == NULL)
        return NULL;
    for (i = 0; i < p->nctrs; i++)
        if (ctr == NULL || strcmp(p->ctrs[i].pub.name, ctr) == 0)
            return &p->ctrs[i].pub;
    return NULL;
}

const char *
simctr_file(struct simctr *c, const char *path)
{
    size_t i;

    for (i = 0; i < c->nfiles; i++)
        if (strcmp(c->files[i].key, path) == 0)
            return c->files[i].value;
    return NULL;
}

void
simctr_file_put(struct simctr *c, const char *path, const char *content)
{
    size_t i;

    for (i = 0; i < c->nfiles; i++) {
        if (strcmp(c->files[i].key, path) == 0) {
            free(c->files[i].value);
            c->files[i].value = xstrdup(content);
            return;
        }
    }
    c->files = xrealloc(c->files, (c->nfiles + 1) * sizeof *c->files);
    c->files[c->nfiles].key = xstrdup(path);
    c->files[c->nfiles].value = xstrdup(content);
    c->nfiles++;
}

int
simctr_file_remove(struct simctr *c, const char *path)
{
    size_t i;

    for (i = 0; i < c->nfiles; i++) {
        if (strcmp(c->files[i].key, path) == 0) {
            free(c->files[i].key);
            free(c->files[i].value);
            c->files[i] = c->files[--c->nfiles];
            return 0;
        }
    }
    return -1;
}

void
simkubelet_set_str(char **slot, const char *v)
{
    free(*slot);
    *slot = v != NULL ? xstrdup(v) : NULL;
}

const cJSON *
simkubelet_pod_obj(struct klpod *p)
{
    struct simsnap *s =
        simstore_get(p->kl->sim->store, &simres_pods, p->ns, p->name);

    return s != NULL ? s->obj : NULL;
}

void
simkubelet_event(struct klpod *p, struct klctr *c, const char *type,
                 const char *reason, const char *msg)
{
    const cJSON *pod = simkubelet_pod_obj(p);
    char         fp[256];

    if (pod == NULL)
        return;
    if (c != NULL)
        snprintf(fp, sizeof fp, "spec.%s{%s}",
                 c->init ? "initContainers" : "containers", c->pub.name);
    sim_event_record(p->kl->sim, pod, c != NULL ? fp : NULL, type, reason, "%s",
                     msg);
}

/* ---- the tick -------------------------------------------------------- */

static void
kl_step(struct klpod *p, uint64_t now)
{
    struct sim *sim = p->kl->sim;
    size_t      i;
    char        msg[512];

    if (!p->scheduled) {
        if (p->sched_at == UINT64_MAX && !p->sched_failed) {
            const cJSON *pod = simkubelet_pod_obj(p);

            p->sched_failed = 1;
            p->dirty = 1; /* PodScheduled=False, Unschedulable */
            if (pod != NULL)
                sim_event_record(sim, pod, NULL, "Warning", "FailedScheduling",
                                 "0/3 nodes are available: 3 Insufficient "
                                 "cpu. preemption: 0/3 nodes are available: 3 "
                                 "No preemption victims found for incoming "
                                 "pod.");
        }
        if (now < p->sched_at)
            return;
        p->scheduled = 1;
        p->node = p->kl->next_node++ % 3;
        p->start_ms = know_ms();
        p->sandbox_at = now + 200 + (uint64_t)(p->start_delay * 1000);
        snprintf(msg, sizeof msg,
                 "Successfully assigned %s/%s to worker-node%d", p->ns, p->name,
                 p->node + 1);
        {
            const cJSON *pod = simkubelet_pod_obj(p);

            if (pod != NULL)
                sim_event_record(sim, pod, NULL, "Normal", "Scheduled", "%s",
                                 msg);
        }
        p->dirty = 1;
        return;
    }
    if (!p->sandbox) {
        if (now < p->sandbox_at)
            return;
        p->sandbox = 1;
        snprintf(p->ip, sizeof p->ip, "10.244.%d.%u", p->node + 1,
                 p->kl->next_ip++ % 250 + 2);
        for (i = 0; i < p->nctrs; i++)
            p->ctrs[i].next = now + 300 + (uint64_t)(sim_rand(sim) * 700);
        p->dirty = 1;
    }
    if (p->terminating) {
        if (now >= p->delete_at) {
            kl_unlink(p->kl, p);
            simstore_delete(sim->store, &simres_pods, p->ns, p->name);
            kl_pod_free(p);
        }
        return;
    }
    for (i = 0; i < p->nctrs; i++) {
        struct klctr *c = &p->ctrs[i];

        /* init containers run one after another, before the others */
        if (i > 0 && i <= p->ninit && i - 1 < p->ninit) {
            struct klctr *prev = &p->ctrs[i - 1];

            if (prev->init &&
                !(prev->state == KL_TERMINATED && prev->exit_code == 0))
                break;
        }
        if (c->next != 0 && now >= c->next) {
            c->next = 0;
            if (c->state == KL_TERMINATED)
                simkctr_restart(p, c, now);
            else
                simkctr_pull(p, c, now);
        }
        simkprobe_process(p, c, now);
        simkprobe_check(p, c, now);
        if (c->state == KL_TERMINATED && c->next != 0)
            simkctr_backoff_wait(p, c, now);
    }
    if (p->ready_flap > 0) {
        int down = ((now - p->t0) / (uint64_t)(p->ready_flap * 1000)) % 2;

        if (down != p->flap_down) {
            p->flap_down = down;
            p->dirty = 1;
        }
    }
}

static void
kl_tick(uv_timer_t *t)
{
    struct simkubelet *kl = t->data;
    uint64_t           now = uv_now(kl->sim->loop);
    struct klpod      *p, *next;

    for (p = kl->pods; p != NULL; p = next) {
        next = p->next;
        if (p->is_static)
            continue;
        kl_step(p, now);
    }
    for (p = kl->pods; p != NULL; p = p->next)
        if (p->dirty)
            simkstatus_publish(p);
}

void
simkubelet_terminate(struct simkubelet *kl, const char *ns, const char *name,
                     double grace)
{
    struct klpod *p = kl_find(kl, ns, name);
    uint64_t      now = uv_now(kl->sim->loop), at;
    size_t        i;
    char          msg[512];

    if (p == NULL) {
        /* not ours (loaded verbatim): still removed after the grace */
        p = xcalloc(1, sizeof *p);
        p->kl = kl;
        p->ns = xstrdup(ns);
        p->name = xstrdup(name);
        p->uid = xstrdup("");
        p->scheduled = p->sandbox = 1;
        p->next = kl->pods;
        if (kl->pods != NULL)
            kl->pods->prev = p;
        kl->pods = p;
        kl->npods++;
    }
    /* containers stop on SIGTERM within ~1-2 s unless told otherwise */
    at = now +
         (uint64_t)((p->ignore_sigterm ? grace : (grace < 1.5 ? grace : 1.5)) *
                    1000);
    if (p->terminating && at >= p->delete_at)
        return;
    if (!p->terminating) {
        for (i = 0; i < p->nctrs; i++) {
            if (p->ctrs[i].state != KL_RUNNING)
                continue;
            snprintf(msg, sizeof msg, "Stopping container %s",
                     p->ctrs[i].pub.name);
            simkubelet_event(p, &p->ctrs[i], "Normal", "Killing", msg);
        }
    }
    p->terminating = 1;
    p->delete_at = at;
    if (!p->scheduled) {
        p->scheduled = 1;
        p->sandbox = 1;
    }
}

void
simkubelet_remove(struct simkubelet *kl, const char *ns, const char *name)
{
    struct klpod *p = kl_find(kl, ns, name);

    if (p == NULL)
        return;
    kl_unlink(kl, p);
    kl_pod_free(p);
}

void
simkubelet_churn(struct simkubelet *kl)
{
    struct klpod *p;
    size_t        k, i;

    if (kl->npods == 0)
        return;
    k = (size_t)(sim_rand(kl->sim) * (double)kl->npods);
    for (p = kl->pods, i = 0; p != NULL && i < k; p = p->next, i++)
        ;
    if (p == NULL || p->terminating || !p->sandbox)
        return;
    for (i = p->ninit; i < p->nctrs; i++) {
        if (p->ctrs[i].state == KL_RUNNING) {
            p->ctrs[i].pub.ready = !p->ctrs[i].pub.ready;
            p->dirty = 1;
            break;
        }
    }
}
