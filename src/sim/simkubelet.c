/*
 * The simulated scheduler and kubelet. Each managed pod is bound to a fake
 * node (worker-node1..3), gets a sandbox and an IP, pulls its images (or
 * fails to, with back-off), runs init containers to completion, then starts
 * its containers. A container's "process" is a tiny script taken from its
 * shell command (touch, rm, sleep, echo, exit), so the busybox examples
 * behave as written; liveness/readiness/startup probes run on their periods
 * and crashes restart with CrashLoopBackOff back-off. All of it is written
 * back as pod status and as events, on a 100 ms tick. Pod annotations
 * kpod-sim/... script extra behaviour (see README).
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "simkubelet.h"
#include "simpods.h"
#include "simstore.h"

#define TICK_MS 100

enum klstate { KL_WAITING, KL_RUNNING, KL_TERMINATED };
enum klprobe_kind { PROBE_NONE, PROBE_EXEC, PROBE_HTTP, PROBE_TCP, PROBE_GRPC };

struct klprobe {
    enum klprobe_kind kind;
    char             *cmd; /* exec: joined argv */
    char             *path;
    int               port;
    double            initial, period, failure_thr, success_thr;
    int               fails, succs;
    uint64_t          next; /* loop ms */
};

struct klstep {
    enum { ST_TOUCH, ST_RM, ST_SLEEP, ST_EXIT, ST_NOP, ST_FOREVER } op;
    char  *arg;
    double secs;
    int    code;
};

struct klctr {
    struct simctr  pub;
    int            init;
    enum klstate   state;
    char          *reason, *message; /* waiting or terminated */
    int            exit_code;
    int64_t        finished_ms;
    int            has_last;
    char          *last_reason;
    int            last_exit;
    int64_t        last_started, last_finished;
    char           cid[80];
    int            pulling;
    int            restart_pending;
    double         pull_secs;
    int            pull_fails;
    uint64_t       next; /* loop ms of the next lifecycle step, 0 = none */
    int            backoff;
    uint64_t       ran_since; /* loop ms */
    struct klprobe live, ready, startup;
    int            started; /* startup probe passed */
    /* the process */
    struct klstep *steps;
    size_t         nsteps, pc;
    uint64_t       wake;
    double         crash_after; /* annotation, seconds */
    int            crash_code;
};

struct klpod {
    struct simkubelet *kl;
    char              *ns, *name, *uid;
    struct klpod      *next, *prev;
    int                is_static;
    int                node;
    char               ip[32];
    int                scheduled, sandbox;
    uint64_t           t0, sched_at, sandbox_at;
    struct klctr      *ctrs;
    size_t             nctrs, ninit;
    int                restart_policy; /* 0 Always, 1 OnFailure, 2 Never */
    int                dirty;
    int                terminating;
    uint64_t           delete_at;
    int64_t            start_ms;
    /* conditions: status and transition time (wall ms) */
    int     cond[5];
    int64_t cond_t[5];
    double  ready_flap;
    int     flap_down;
    int     pull_fail;
    double  start_delay;
    int     ignore_sigterm;
};

enum { C_READYTOSTART, C_INIT, C_READY, C_CREADY, C_SCHED };
static const char *const cond_names[] = {"PodReadyToStartContainers",
                                         "Initialized", "Ready",
                                         "ContainersReady", "PodScheduled"};

struct simkubelet {
    struct sim   *sim;
    struct klpod *pods;
    size_t        npods;
    uv_timer_t    tick;
    int           next_node;
    unsigned      next_ip;
    char        **pulled; /* images present "on the nodes" */
    size_t        npulled;
};

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
kl_probe_done(struct klprobe *p)
{
    free(p->cmd);
    free(p->path);
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
    kl_probe_done(&c->live);
    kl_probe_done(&c->ready);
    kl_probe_done(&c->startup);
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

static const char *
gets_(const cJSON *o, const char *k)
{
    return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, k));
}

static double
getn(const cJSON *o, const char *k, double def)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

    return cJSON_IsNumber(v) ? v->valuedouble : def;
}

static const char *
kl_annotation(const cJSON *pod, const char *key)
{
    return gets_(
        cJSON_GetObjectItemCaseSensitive(
            cJSON_GetObjectItemCaseSensitive(pod, "metadata"), "annotations"),
        key);
}

static void
kl_probe_parse(struct klprobe *p, const cJSON *spec, const cJSON *ctr)
{
    const cJSON *x;

    memset(p, 0, sizeof *p);
    if (!cJSON_IsObject(spec))
        return;
    p->initial = getn(spec, "initialDelaySeconds", 0);
    p->period = getn(spec, "periodSeconds", 10);
    p->failure_thr = getn(spec, "failureThreshold", 3);
    p->success_thr = getn(spec, "successThreshold", 1);
    if (p->period < 1)
        p->period = 1;
    if ((x = cJSON_GetObjectItemCaseSensitive(spec, "exec")) != NULL) {
        const cJSON *a;
        struct kbuf  b;

        p->kind = PROBE_EXEC;
        kbuf_init(&b);
        cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(x, "command"))
        {
            if (b.len > 0)
                kbuf_puts(&b, " ");
            kbuf_puts(&b, cJSON_IsString(a) ? a->valuestring : "");
        }
        p->cmd = kbuf_steal(&b);
        if (p->cmd == NULL)
            p->cmd = xstrdup("");
    } else if ((x = cJSON_GetObjectItemCaseSensitive(spec, "httpGet")) !=
               NULL) {
        p->kind = PROBE_HTTP;
        p->path = xstrdup(gets_(x, "path") ? gets_(x, "path") : "/");
    } else if ((x = cJSON_GetObjectItemCaseSensitive(spec, "tcpSocket")) !=
               NULL)
        p->kind = PROBE_TCP;
    else if ((x = cJSON_GetObjectItemCaseSensitive(spec, "grpc")) != NULL)
        p->kind = PROBE_GRPC;
    if (x != NULL) {
        const cJSON *port = cJSON_GetObjectItemCaseSensitive(x, "port");

        if (cJSON_IsNumber(port))
            p->port = port->valueint;
        else if (cJSON_IsString(port)) {
            const cJSON *cp;

            cJSON_ArrayForEach(cp,
                               cJSON_GetObjectItemCaseSensitive(ctr, "ports"))
            {
                if (gets_(cp, "name") &&
                    strcmp(gets_(cp, "name"), port->valuestring) == 0)
                    p->port = (int)getn(cp, "containerPort", 0);
            }
        }
    }
}

static void
kl_step_add(struct klctr *c, int op, const char *arg, double secs, int code)
{
    c->steps = xrealloc(c->steps, (c->nsteps + 1) * sizeof *c->steps);
    c->steps[c->nsteps].op = op;
    c->steps[c->nsteps].arg = arg ? xstrdup(arg) : NULL;
    c->steps[c->nsteps].secs = secs;
    c->steps[c->nsteps].code = code;
    c->nsteps++;
}

/* One shell command of the container's script. */
static void
kl_script_cmd(struct klctr *c, char *cmd)
{
    char *argv[8], *save = NULL, *t;
    int   n = 0, i;

    for (t = strtok_r(cmd, " \t", &save); t != NULL && n < 8;
         t = strtok_r(NULL, " \t", &save))
        argv[n++] = t;
    if (n == 0)
        return;
    if (strcmp(argv[0], "touch") == 0) {
        for (i = 1; i < n; i++)
            kl_step_add(c, ST_TOUCH, argv[i], 0, 0);
    } else if (strcmp(argv[0], "rm") == 0) {
        for (i = 1; i < n; i++)
            if (argv[i][0] != '-')
                kl_step_add(c, ST_RM, argv[i], 0, 0);
    } else if (strcmp(argv[0], "sleep") == 0 && n > 1) {
        if (strcmp(argv[1], "infinity") == 0)
            kl_step_add(c, ST_FOREVER, NULL, 0, 0);
        else
            kl_step_add(c, ST_SLEEP, NULL, strtod(argv[1], NULL), 0);
    } else if (strcmp(argv[0], "exit") == 0)
        kl_step_add(c, ST_EXIT, NULL, 0, n > 1 ? atoi(argv[1]) : 0);
    else if (strcmp(argv[0], "false") == 0)
        kl_step_add(c, ST_EXIT, NULL, 0, 1);
    else if (strcmp(argv[0], "while") == 0 || strcmp(argv[0], "tail") == 0)
        kl_step_add(c, ST_FOREVER, NULL, 0, 0);
    else
        kl_step_add(c, ST_NOP, NULL, 0, 0);
}

static const char *
base_name(const char *s)
{
    const char *sl = strrchr(s, '/');

    return sl ? sl + 1 : s;
}

/* The container's process: NULL steps = a server that runs forever. */
static void
kl_script(struct klctr *c, const cJSON *ctr)
{
    const char  *argv[64];
    int          n = 0;
    const cJSON *a;
    char        *script = NULL, *s, *save = NULL;

    cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(
                              ctr, "command")) if (cJSON_IsString(a) && n < 64)
        argv[n++] = a->valuestring;
    cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(
                              ctr, "args")) if (cJSON_IsString(a) && n < 64)
        argv[n++] = a->valuestring;
    if (n == 0)
        return;
    if (n >= 3 && strcmp(argv[1], "-c") == 0 &&
        (strcmp(base_name(argv[0]), "sh") == 0 ||
         strcmp(base_name(argv[0]), "bash") == 0 ||
         strcmp(base_name(argv[0]), "ash") == 0))
        script = xstrdup(argv[2]);
    else if (strcmp(base_name(argv[0]), "sleep") == 0 ||
             strcmp(base_name(argv[0]), "echo") == 0 ||
             strcmp(base_name(argv[0]), "true") == 0 ||
             strcmp(base_name(argv[0]), "false") == 0) {
        struct kbuf b;
        int         i;

        kbuf_init(&b);
        for (i = 0; i < n; i++) {
            kbuf_puts(&b, i ? " " : "");
            kbuf_puts(&b, strcmp(base_name(argv[i]), argv[i]) && i == 0
                              ? base_name(argv[i])
                              : argv[i]);
        }
        script = kbuf_steal(&b);
    } else
        return; /* an image's own server */
    /* commands are separated by ';', '&&', '||' and newlines */
    for (s = script; *s != '\0'; s++)
        if (*s == '&' || *s == '|' || *s == '\n')
            *s = ';';
    for (s = strtok_r(script, ";", &save); s != NULL;
         s = strtok_r(NULL, ";", &save))
        kl_script_cmd(c, s);
    free(script);
    if (c->nsteps == 0)
        kl_step_add(c, ST_NOP, NULL, 0, 0);
}

static void
kl_ctr_init(struct klpod *p, struct klctr *c, const cJSON *ctr, int init,
            const cJSON *pod)
{
    const cJSON *port;
    const char  *v;

    memset(c, 0, sizeof *c);
    c->init = init;
    c->pub.name = xstrdup(gets_(ctr, "name") ? gets_(ctr, "name") : "");
    c->pub.image = xstrdup(gets_(ctr, "image") ? gets_(ctr, "image") : "");
    cJSON_ArrayForEach(port, cJSON_GetObjectItemCaseSensitive(ctr, "ports"))
    {
        if (c->pub.nports < (int)nitems(c->pub.ports))
            c->pub.ports[c->pub.nports++] = (int)getn(port, "containerPort", 0);
    }
    c->state = KL_WAITING;
    c->reason = xstrdup(init ? "PodInitializing" : "ContainerCreating");
    kl_probe_parse(&c->live,
                   cJSON_GetObjectItemCaseSensitive(ctr, "livenessProbe"), ctr);
    kl_probe_parse(&c->ready,
                   cJSON_GetObjectItemCaseSensitive(ctr, "readinessProbe"),
                   ctr);
    kl_probe_parse(&c->startup,
                   cJSON_GetObjectItemCaseSensitive(ctr, "startupProbe"), ctr);
    kl_script(c, ctr);
    if ((v = kl_annotation(pod, "kpod-sim/crash-after")) != NULL)
        c->crash_after = strtod(v, NULL);
    c->crash_code = 1;
    if ((v = kl_annotation(pod, "kpod-sim/exit-code")) != NULL)
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
                const char *l = gets_(lim, r[i]);
                const char *q = gets_(req, r[i]);

                if (l == NULL || (q != NULL && strcmp(l, q) != 0))
                    guaranteed = 0;
            }
        }
    }
    if (!any)
        return "BestEffort";
    return guaranteed && n > 0 ? "Guaranteed" : "Burstable";
}

static void
kl_hex(struct sim *sim, char *buf, size_t n)
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
    const char   *rp = gets_(spec, "restartPolicy"), *v;
    struct klpod *p = xcalloc(1, sizeof *p);
    size_t        i = 0;

    p->kl = kl;
    p->ns = xstrdup(gets_(meta, "namespace") ? gets_(meta, "namespace") : "");
    p->name = xstrdup(gets_(meta, "name"));
    p->uid = xstrdup(gets_(meta, "uid") ? gets_(meta, "uid") : "");
    p->ninit = (size_t)cJSON_GetArraySize(ic);
    p->nctrs = p->ninit + (size_t)cJSON_GetArraySize(cc);
    p->ctrs = xcalloc(p->nctrs + 1, sizeof *p->ctrs);
    cJSON_ArrayForEach(c, ic) kl_ctr_init(p, &p->ctrs[i++], c, 1, pod);
    cJSON_ArrayForEach(c, cc) kl_ctr_init(p, &p->ctrs[i++], c, 0, pod);
    p->restart_policy = rp == NULL || strcmp(rp, "Always") == 0 ? 0
                        : strcmp(rp, "OnFailure") == 0          ? 1
                                                                : 2;
    p->t0 = uv_now(sim->loop);
    if ((v = kl_annotation(pod, "kpod-sim/ready-flap")) != NULL)
        p->ready_flap = strtod(v, NULL);
    if ((v = kl_annotation(pod, "kpod-sim/image-pull")) != NULL &&
        strcmp(v, "fail") == 0)
        p->pull_fail = 1;
    if ((v = kl_annotation(pod, "kpod-sim/start-delay")) != NULL)
        p->start_delay = strtod(v, NULL);
    if ((v = kl_annotation(pod, "kpod-sim/ignore-sigterm")) != NULL &&
        strcmp(v, "true") == 0)
        p->ignore_sigterm = 1;
    if ((v = kl_annotation(pod, "kpod-sim/unschedulable")) != NULL &&
        strcmp(v, "true") == 0)
        p->sched_at = UINT64_MAX;
    else
        p->sched_at = p->t0 + 50 + (uint64_t)(sim_rand(sim) * 150);
    if (gets_(spec, "nodeName") != NULL && *gets_(spec, "nodeName") != '\0')
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

static void
kl_set(char **slot, const char *v)
{
    free(*slot);
    *slot = v != NULL ? xstrdup(v) : NULL;
}

static const cJSON *
kl_pod_obj(struct klpod *p)
{
    struct simsnap *s =
        simstore_get(p->kl->sim->store, &simres_pods, p->ns, p->name);

    return s != NULL ? s->obj : NULL;
}

static void
kl_event(struct klpod *p, struct klctr *c, const char *type, const char *reason,
         const char *msg)
{
    const cJSON *pod = kl_pod_obj(p);
    char         fp[256];

    if (pod == NULL)
        return;
    if (c != NULL)
        snprintf(fp, sizeof fp, "spec.%s{%s}",
                 c->init ? "initContainers" : "containers", c->pub.name);
    sim_event_record(p->kl->sim, pod, c != NULL ? fp : NULL, type, reason, "%s",
                     msg);
}

static int
kl_image_bad(struct klpod *p, struct klctr *c)
{
    const char *tag = strrchr(c->pub.image, ':');

    if (p->pull_fail)
        return 1;
    return strstr(c->pub.image, "doesnotexist") != NULL ||
           strstr(c->pub.image, "does-not-exist") != NULL ||
           strstr(c->pub.image, "nonexistent") != NULL ||
           (tag != NULL && strcmp(tag, ":no-such-tag") == 0);
}

/* docker.io/library/nginx:1.14.2 for nginx:1.14.2 */
static char *
kl_image_full(const char *image)
{
    const char *slash = strchr(image, '/');
    const char *last = strrchr(image, '/');
    int         tagged =
        strchr(last ? last : image, ':') != NULL || strchr(image, '@') != NULL;
    char *host;

    if (slash == NULL)
        return xasprintf("docker.io/library/%s%s", image,
                         tagged ? "" : ":latest");
    host = xstrndup(image, (size_t)(slash - image));
    if (strchr(host, '.') == NULL && strchr(host, ':') == NULL &&
        strcmp(host, "localhost") != 0) {
        free(host);
        return xasprintf("docker.io/%s%s", image, tagged ? "" : ":latest");
    }
    free(host);
    return xasprintf("%s%s", image, tagged ? "" : ":latest");
}

static int
kl_pulled(struct simkubelet *kl, const char *image)
{
    size_t i;

    for (i = 0; i < kl->npulled; i++)
        if (strcmp(kl->pulled[i], image) == 0)
            return 1;
    return 0;
}

static void
kl_start(struct klpod *p, struct klctr *c, uint64_t now)
{
    struct sim *sim = p->kl->sim;
    char        msg[512];
    size_t      i;

    snprintf(msg, sizeof msg, "Created container %s", c->pub.name);
    kl_event(p, c, "Normal", "Created", msg);
    snprintf(msg, sizeof msg, "Started container %s", c->pub.name);
    kl_event(p, c, "Normal", "Started", msg);
    if (c->restart_pending) {
        c->pub.restarts++;
        c->restart_pending = 0;
    }
    c->state = KL_RUNNING;
    kl_set(&c->reason, NULL);
    kl_set(&c->message, NULL);
    memcpy(c->cid, "containerd://", 13);
    kl_hex(sim, c->cid + 13, 65);
    c->pub.running = 1;
    c->pub.started_ms = know_ms();
    c->ran_since = now;
    c->pc = 0;
    c->wake = now;
    c->started = c->startup.kind == PROBE_NONE;
    c->pub.ready = !c->init && c->ready.kind == PROBE_NONE && c->started;
    c->live.fails = c->ready.fails = c->startup.fails = 0;
    c->live.succs = c->ready.succs = c->startup.succs = 0;
    c->live.next = now + (uint64_t)(c->live.initial * 1000);
    c->ready.next = now + (uint64_t)(c->ready.initial * 1000);
    c->startup.next = now + (uint64_t)(c->startup.initial * 1000);
    /* a fresh container has a fresh file system */
    for (i = 0; i < c->pub.nfiles; i++) {
        free(c->pub.files[i].key);
        free(c->pub.files[i].value);
    }
    c->pub.nfiles = 0;
    c->next = 0;
    p->dirty = 1;
}

/* The image pull and start sequence for a waiting container. */
static void
kl_pull(struct klpod *p, struct klctr *c, uint64_t now)
{
    struct simkubelet *kl = p->kl;
    struct sim        *sim = kl->sim;
    char               msg[1024];
    char              *full = kl_image_full(c->pub.image);
    const cJSON       *pod = kl_pod_obj(p);
    const char        *policy = "IfNotPresent";
    const cJSON       *ctr;

    cJSON_ArrayForEach(ctr, cJSON_GetObjectItemCaseSensitive(
                                cJSON_GetObjectItemCaseSensitive(pod, "spec"),
                                c->init ? "initContainers" : "containers"))
    {
        if (gets_(ctr, "name") &&
            strcmp(gets_(ctr, "name"), c->pub.name) == 0 &&
            gets_(ctr, "imagePullPolicy"))
            policy = gets_(ctr, "imagePullPolicy");
    }
    if (kl_image_bad(p, c)) {
        const char *tag = strrchr(c->pub.image, ':');

        snprintf(msg, sizeof msg, "Pulling image \"%s\"", c->pub.image);
        kl_event(p, c, "Normal", "Pulling", msg);
        snprintf(msg, sizeof msg,
                 "Failed to pull image \"%s\": rpc error: code = NotFound "
                 "desc = failed to pull and unpack image \"%s\": failed to "
                 "resolve reference \"%s\": %s: not found",
                 c->pub.image, full, full, full);
        kl_event(p, c, "Warning", "Failed", msg);
        kl_event(p, c, "Warning", "Failed", "Error: ErrImagePull");
        (void)tag;
        c->pull_fails++;
        if (c->pull_fails == 1) {
            kl_set(&c->reason, "ErrImagePull");
            snprintf(msg, sizeof msg,
                     "rpc error: code = NotFound desc = failed to pull and "
                     "unpack image \"%s\": failed to resolve reference "
                     "\"%s\": %s: not found",
                     full, full, full);
            kl_set(&c->message, msg);
            c->next = now + 2000;
        } else {
            int delay = 10;
            int i;

            for (i = 2; i < c->pull_fails && delay < 300; i++)
                delay *= 2;
            if (delay > 300)
                delay = 300;
            snprintf(msg, sizeof msg, "Back-off pulling image \"%s\"",
                     c->pub.image);
            kl_event(p, c, "Normal", "BackOff", msg);
            kl_event(p, c, "Warning", "Failed", "Error: ImagePullBackOff");
            kl_set(&c->reason, "ImagePullBackOff");
            snprintf(msg, sizeof msg,
                     "Back-off pulling image \"%s\": ErrImagePull: rpc error: "
                     "code = NotFound desc = failed to pull and unpack image "
                     "\"%s\": failed to resolve reference \"%s\": %s: not "
                     "found",
                     c->pub.image, full, full, full);
            kl_set(&c->message, msg);
            c->next = now + (uint64_t)delay * 1000;
        }
        p->dirty = 1;
        free(full);
        return;
    }
    if (strcmp(policy, "Always") != 0 && kl_pulled(kl, full)) {
        snprintf(msg, sizeof msg,
                 "Container image \"%s\" already present on machine",
                 c->pub.image);
        kl_event(p, c, "Normal", "Pulled", msg);
    } else if (!c->pulling) {
        /* the pull takes a while: Pulled comes later */
        c->pulling = 1;
        c->pull_secs = 0.4 + sim_rand(sim) * 1.6;
        snprintf(msg, sizeof msg, "Pulling image \"%s\"", c->pub.image);
        kl_event(p, c, "Normal", "Pulling", msg);
        c->next = now + (uint64_t)(c->pull_secs * 1000);
        if (c->next == now)
            c->next++;
        free(full);
        return;
    } else {
        double secs = c->pull_secs;

        c->pulling = 0;
        snprintf(msg, sizeof msg,
                 "Successfully pulled image \"%s\" in %.3fs (%.3fs including "
                 "waiting). Image size: %d bytes.",
                 c->pub.image, secs, secs,
                 4000000 + (int)(sim_rand(sim) * 60000000));
        kl_event(p, c, "Normal", "Pulled", msg);
        if (!kl_pulled(kl, full)) {
            kl->pulled =
                xrealloc(kl->pulled, (kl->npulled + 1) * sizeof *kl->pulled);
            kl->pulled[kl->npulled++] = xstrdup(full);
        }
    }
    free(full);
    kl_start(p, c, now);
}

/* The container's process ended (or was killed) with code. */
static void
kl_exit(struct klpod *p, struct klctr *c, int code, const char *reason,
        uint64_t now)
{
    c->state = KL_TERMINATED;
    kl_set(&c->reason, reason != NULL ? reason
                       : code == 0    ? "Completed"
                                      : "Error");
    kl_set(&c->message, NULL);
    c->exit_code = code;
    c->finished_ms = know_ms();
    c->pub.running = 0;
    c->pub.ready = 0;
    c->pub.last_exit_ms = c->finished_ms;
    p->dirty = 1;
    if (p->terminating)
        return;
    if (p->restart_policy == 2 || (p->restart_policy == 1 && code == 0) ||
        (c->init && code == 0)) {
        c->next = 0; /* stays terminated */
        return;
    }
    /* restart with back-off: 0 (first), 10s, 20s ... 300s; reset after a
     * long good run */
    if (now - c->ran_since > 600000)
        c->backoff = 0;
    c->next = now + (uint64_t)c->backoff * 1000;
    c->backoff = c->backoff == 0 ? 10 : c->backoff * 2;
    if (c->backoff > 300)
        c->backoff = 300;
}

static void
kl_restart(struct klpod *p, struct klctr *c, uint64_t now)
{
    if (!c->restart_pending) {
        c->has_last = 1;
        kl_set(&c->last_reason, c->reason);
        c->last_exit = c->exit_code;
        c->last_started = c->pub.started_ms;
        c->last_finished = c->finished_ms;
        c->restart_pending = 1;
    }
    c->state = KL_WAITING;
    kl_pull(p, c, now);
}

/* Between a crash and its restart the container waits in
 * CrashLoopBackOff (once the delay is real). */
static void
kl_backoff_wait(struct klpod *p, struct klctr *c, uint64_t now)
{
    char msg[512];

    if (c->next <= now + 1000 || c->state != KL_TERMINATED)
        return;
    c->has_last = 1;
    kl_set(&c->last_reason, c->reason);
    c->last_exit = c->exit_code;
    c->last_started = c->pub.started_ms;
    c->last_finished = c->finished_ms;
    c->restart_pending = 1; /* counted when the new container starts */
    c->state = KL_WAITING;
    kl_set(&c->reason, "CrashLoopBackOff");
    snprintf(msg, sizeof msg,
             "back-off %ds restarting failed container=%s pod=%s_%s(%s)",
             c->backoff / 2 > 0 ? c->backoff / 2 : 10, c->pub.name, p->name,
             p->ns, p->uid);
    kl_set(&c->message, msg);
    snprintf(msg, sizeof msg,
             "Back-off restarting failed container %s in pod %s_%s(%s)",
             c->pub.name, p->name, p->ns, p->uid);
    kl_event(p, c, "Warning", "BackOff", msg);
    p->dirty = 1;
}

/* ---- probes ---------------------------------------------------------- */

/* 0 = success; else fills why (the kubelet's text). */
static int
kl_probe_run(struct klpod *p, struct klctr *c, struct klprobe *pr, char *why,
             size_t len)
{
    int64_t up = know_ms() - c->pub.started_ms;
    int     i;

    switch (pr->kind) {
    case PROBE_EXEC: {
        char cmd[512], *f;

        snprintf(cmd, sizeof cmd, "%s", pr->cmd);
        if (strncmp(cmd, "cat ", 4) == 0) {
            f = cmd + 4;
            if (simctr_file(&c->pub, f) == NULL) {
                snprintf(why, len,
                         "cat: can't open '%s': No such file or directory", f);
                return -1;
            }
        } else if (strcmp(cmd, "false") == 0) {
            snprintf(why, len, "command \"false\" exited with 1");
            return -1;
        } else if (strncmp(cmd, "test -e ", 8) == 0 ||
                   strncmp(cmd, "test -f ", 8) == 0) {
            if (simctr_file(&c->pub, cmd + 8) == NULL) {
                why[0] = '\0';
                return -1;
            }
        }
        return 0;
    }
    case PROBE_HTTP:
        if (strstr(c->pub.image, "liveness") != NULL &&
            strstr(c->pub.image, "k8s") != NULL) {
            if (up >= 10000) {
                snprintf(why, len, "HTTP probe failed with statuscode: 500");
                return -1;
            }
            return 0;
        }
        /* fall through */
    case PROBE_TCP:
        for (i = 0; i < c->pub.nports; i++)
            if (c->pub.ports[i] == pr->port)
                return 0;
        if (c->pub.nports == 0 && pr->port == 8080)
            return 0;
        if (pr->kind == PROBE_HTTP)
            snprintf(why, len,
                     "Get \"http://%s:%d%s\": dial tcp %s:%d: connect: "
                     "connection refused",
                     p->ip, pr->port, pr->path, p->ip, pr->port);
        else
            snprintf(why, len, "dial tcp %s:%d: connect: connection refused",
                     p->ip, pr->port);
        return -1;
    case PROBE_GRPC:
    case PROBE_NONE:
        return 0;
    }
    return 0;
}

static void
kl_probes(struct klpod *p, struct klctr *c, uint64_t now)
{
    char why[512], msg[700];

    if (c->state != KL_RUNNING)
        return;
    if (!c->started) {
        struct klprobe *s = &c->startup;

        if (now < s->next)
            return;
        s->next = now + (uint64_t)(s->period * 1000);
        if (kl_probe_run(p, c, s, why, sizeof why) == 0) {
            c->started = 1;
            c->pub.ready = c->ready.kind == PROBE_NONE;
            c->live.next = now + (uint64_t)(c->live.initial * 1000);
            c->ready.next = now + (uint64_t)(c->ready.initial * 1000);
            p->dirty = 1;
        } else {
            snprintf(msg, sizeof msg, "Startup probe failed: %s", why);
            kl_event(p, c, "Warning", "Unhealthy", msg);
            if (++s->fails >= s->failure_thr) {
                snprintf(msg, sizeof msg,
                         "Container %s failed startup probe, will be "
                         "restarted",
                         c->pub.name);
                kl_event(p, c, "Normal", "Killing", msg);
                kl_exit(p, c, 137, "Error", now);
            }
        }
        return;
    }
    if (c->ready.kind != PROBE_NONE && now >= c->ready.next) {
        struct klprobe *r = &c->ready;

        r->next = now + (uint64_t)(r->period * 1000);
        if (kl_probe_run(p, c, r, why, sizeof why) == 0) {
            r->fails = 0;
            if (++r->succs >= r->success_thr && !c->pub.ready) {
                c->pub.ready = 1;
                p->dirty = 1;
            }
        } else {
            r->succs = 0;
            snprintf(msg, sizeof msg, "Readiness probe failed: %s", why);
            kl_event(p, c, "Warning", "Unhealthy", msg);
            if (++r->fails >= r->failure_thr && c->pub.ready) {
                c->pub.ready = 0;
                p->dirty = 1;
            }
        }
    }
    if (c->live.kind != PROBE_NONE && now >= c->live.next) {
        struct klprobe *l = &c->live;

        l->next = now + (uint64_t)(l->period * 1000);
        if (kl_probe_run(p, c, l, why, sizeof why) == 0)
            l->fails = 0;
        else {
            snprintf(msg, sizeof msg, "Liveness probe failed: %s", why);
            kl_event(p, c, "Warning", "Unhealthy", msg);
            if (++l->fails >= l->failure_thr) {
                snprintf(msg, sizeof msg,
                         "Container %s failed liveness probe, will be "
                         "restarted",
                         c->pub.name);
                kl_event(p, c, "Normal", "Killing", msg);
                kl_exit(p, c, 137, "Error", now);
            }
        }
    }
}

/* Run the container's script up to now. */
static void
kl_process(struct klpod *p, struct klctr *c, uint64_t now)
{
    if (c->state != KL_RUNNING)
        return;
    if (c->crash_after > 0 &&
        now >= c->ran_since + (uint64_t)(c->crash_after * 1000)) {
        kl_exit(p, c, c->crash_code, NULL, now);
        return;
    }
    while (c->nsteps > 0 && now >= c->wake) {
        struct klstep *s;

        if (c->pc >= c->nsteps) {
            kl_exit(p, c, 0, NULL, now);
            return;
        }
        s = &c->steps[c->pc++];
        switch (s->op) {
        case ST_TOUCH:
            simctr_file_put(&c->pub, s->arg, "");
            break;
        case ST_RM:
            simctr_file_remove(&c->pub, s->arg);
            break;
        case ST_SLEEP:
            c->wake = now + (uint64_t)(s->secs * 1000);
            break;
        case ST_EXIT:
            kl_exit(p, c, s->code, NULL, now);
            return;
        case ST_FOREVER:
            c->wake = UINT64_MAX;
            break;
        case ST_NOP:
            break;
        }
    }
}

/* ---- status ---------------------------------------------------------- */

static void
kl_cond(struct klpod *p, int i, int v)
{
    if (p->cond_t[i] == 0 || p->cond[i] != v) {
        p->cond[i] = v;
        p->cond_t[i] = know_ms();
    }
}

static cJSON *
kl_ctr_status(struct klpod *p, struct klctr *c)
{
    cJSON        *s = cJSON_CreateObject(), *st, *x;
    char          ts[64], *full = kl_image_full(c->pub.image);
    int           h;
    unsigned long hash = 5381;
    const char   *q;

    (void)p;
    for (q = full; *q; q++)
        hash = hash * 33 + (unsigned char)*q;
    if (c->state != KL_WAITING || c->has_last || c->pub.restarts > 0 ||
        c->cid[0] != '\0')
        cJSON_AddStringToObject(s, "containerID", c->cid);
    cJSON_AddStringToObject(s, "image", full);
    if (c->cid[0] != '\0') {
        char id[200];

        h = snprintf(
            id, sizeof id, "%.*s@sha256:",
            (int)(strrchr(full, ':') && !strchr(strrchr(full, ':'), '/')
                      ? strrchr(full, ':') - full
                      : (long)strlen(full)),
            full);
        snprintf(id + h, sizeof id - (size_t)h, "%016lx%016lx%016lx%016lx",
                 hash, hash * 7, hash * 13, hash * 31);
        cJSON_AddStringToObject(s, "imageID", id);
    } else
        cJSON_AddStringToObject(s, "imageID", "");
    x = cJSON_AddObjectToObject(s, "lastState");
    if (c->has_last) {
        st = cJSON_AddObjectToObject(x, "terminated");
        cJSON_AddStringToObject(st, "containerID", c->cid);
        cJSON_AddNumberToObject(st, "exitCode", c->last_exit);
        cJSON_AddStringToObject(st, "finishedAt",
                                sim_time(c->last_finished, ts, sizeof ts));
        cJSON_AddStringToObject(st, "reason",
                                c->last_reason ? c->last_reason : "Error");
        cJSON_AddStringToObject(st, "startedAt",
                                sim_time(c->last_started, ts, sizeof ts));
    }
    cJSON_AddStringToObject(s, "name", c->pub.name);
    cJSON_AddBoolToObject(s, "ready", c->pub.ready);
    cJSON_AddNumberToObject(s, "restartCount", c->pub.restarts);
    cJSON_AddBoolToObject(s, "started", c->state == KL_RUNNING && c->started);
    x = cJSON_AddObjectToObject(s, "state");
    if (c->state == KL_RUNNING) {
        st = cJSON_AddObjectToObject(x, "running");
        cJSON_AddStringToObject(st, "startedAt",
                                sim_time(c->pub.started_ms, ts, sizeof ts));
    } else if (c->state == KL_TERMINATED) {
        st = cJSON_AddObjectToObject(x, "terminated");
        cJSON_AddStringToObject(st, "containerID", c->cid);
        cJSON_AddNumberToObject(st, "exitCode", c->exit_code);
        cJSON_AddStringToObject(st, "finishedAt",
                                sim_time(c->finished_ms, ts, sizeof ts));
        cJSON_AddStringToObject(st, "reason", c->reason ? c->reason : "Error");
        cJSON_AddStringToObject(st, "startedAt",
                                sim_time(c->pub.started_ms, ts, sizeof ts));
    } else {
        st = cJSON_AddObjectToObject(x, "waiting");
        if (c->message != NULL)
            cJSON_AddStringToObject(st, "message", c->message);
        cJSON_AddStringToObject(st, "reason",
                                c->reason ? c->reason : "ContainerCreating");
    }
    free(full);
    return s;
}

static void
kl_publish(struct klpod *p)
{
    struct sim  *sim = p->kl->sim;
    const cJSON *cur = kl_pod_obj(p);
    cJSON       *pod, *spec, *status, *conds, *arr, *x;
    char         ts[64], node[32], hostip[32], unready[1024];
    size_t       i;
    int          all_ready = 1, any_running = 0, all_term = 1, any_fail = 0;
    int          inits_done = 1, nmain = 0;
    const char  *phase = "Pending";
    int          int_ready;

    if (cur == NULL)
        return;
    p->dirty = 0;
    pod = cJSON_Duplicate(cur, 1);
    spec = cJSON_GetObjectItemCaseSensitive(pod, "spec");
    snprintf(node, sizeof node, "worker-node%d", p->node + 1);
    snprintf(hostip, sizeof hostip, "172.18.0.%d", p->node + 2);
    if (p->scheduled && gets_(spec, "nodeName") == NULL)
        cJSON_AddStringToObject(spec, "nodeName", node);
    unready[0] = '\0';
    for (i = 0; i < p->nctrs; i++) {
        struct klctr *c = &p->ctrs[i];

        if (c->init) {
            if (!(c->state == KL_TERMINATED && c->exit_code == 0))
                inits_done = 0;
            continue;
        }
        nmain++;
        if (c->state == KL_RUNNING)
            any_running = 1;
        if (c->state != KL_TERMINATED)
            all_term = 0;
        else if (c->exit_code != 0)
            any_fail = 1;
        if (!c->pub.ready) {
            all_ready = 0;
            snprintf(unready + strlen(unready),
                     sizeof unready - strlen(unready), "%s%s",
                     unready[0] ? " " : "", c->pub.name);
        }
    }
    if (p->ready_flap > 0 && any_running && p->flap_down)
        all_ready = 0;
    if (nmain > 0 && all_term && p->restart_policy != 0)
        phase = any_fail ? "Failed" : "Succeeded";
    else if (any_running || (nmain > 0 && all_term))
        phase = "Running";
    for (i = 0; i < p->nctrs; i++)
        if (!p->ctrs[i].init && p->ctrs[i].has_last)
            phase = strcmp(phase, "Pending") == 0 ? "Running" : phase;
    cJSON_DeleteItemFromObjectCaseSensitive(pod, "status");
    status = cJSON_AddObjectToObject(pod, "status");
    conds = cJSON_AddArrayToObject(status, "conditions");
    kl_cond(p, C_SCHED, p->scheduled);
    if (p->scheduled) {
        int_ready = all_ready && inits_done;
        kl_cond(p, C_READYTOSTART, p->sandbox);
        kl_cond(p, C_INIT, inits_done);
        kl_cond(p, C_READY, int_ready);
        kl_cond(p, C_CREADY, int_ready);
    }
    {
        static const int order[] = {C_READYTOSTART, C_INIT, C_READY, C_CREADY,
                                    C_SCHED};
        size_t           k;

        for (k = 0; k < nitems(order); k++) {
            int ci = order[k];

            if (!p->scheduled && ci != C_SCHED)
                continue;
            if (!p->scheduled && !(p->sched_at == UINT64_MAX))
                continue;
            x = cJSON_CreateObject();
            cJSON_AddNullToObject(x, "lastProbeTime");
            cJSON_AddStringToObject(x, "lastTransitionTime",
                                    sim_time(p->cond_t[ci], ts, sizeof ts));
            if (!p->cond[ci] && ci == C_SCHED) {
                cJSON_AddStringToObject(
                    x, "message",
                    "0/3 nodes are available: 3 Insufficient cpu. preemption: "
                    "0/3 nodes are available: 3 No preemption victims found "
                    "for incoming pod.");
                cJSON_AddStringToObject(x, "reason", "Unschedulable");
            }
            if (!p->cond[ci] && (ci == C_READY || ci == C_CREADY)) {
                char m[1100];

                if (strcmp(phase, "Succeeded") == 0 ||
                    strcmp(phase, "Failed") == 0) {
                    cJSON_AddStringToObject(x, "reason", "PodCompleted");
                } else {
                    snprintf(m, sizeof m,
                             "containers with unready status: [%s]", unready);
                    cJSON_AddStringToObject(x, "message", m);
                    cJSON_AddStringToObject(x, "reason", "ContainersNotReady");
                }
            }
            if (!p->cond[ci] && ci == C_INIT) {
                char   m[1100], names[1024] = "";
                size_t j;

                for (j = 0; j < p->ninit; j++)
                    if (!(p->ctrs[j].state == KL_TERMINATED &&
                          p->ctrs[j].exit_code == 0))
                        snprintf(names + strlen(names),
                                 sizeof names - strlen(names), "%s%s",
                                 names[0] ? " " : "", p->ctrs[j].pub.name);
                snprintf(m, sizeof m, "containers with incomplete status: [%s]",
                         names);
                cJSON_AddStringToObject(x, "message", m);
                cJSON_AddStringToObject(x, "reason",
                                        "ContainersNotInitialized");
            }
            cJSON_AddStringToObject(x, "status",
                                    p->cond[ci] ? "True" : "False");
            cJSON_AddStringToObject(x, "type", cond_names[ci]);
            cJSON_AddItemToArray(conds, x);
        }
    }
    if (p->scheduled) {
        arr = cJSON_AddArrayToObject(status, "containerStatuses");
        for (i = p->ninit; i < p->nctrs; i++)
            cJSON_AddItemToArray(arr, kl_ctr_status(p, &p->ctrs[i]));
        cJSON_AddStringToObject(status, "hostIP", hostip);
        arr = cJSON_AddArrayToObject(status, "hostIPs");
        x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "ip", hostip);
        cJSON_AddItemToArray(arr, x);
        if (p->ninit > 0) {
            arr = cJSON_AddArrayToObject(status, "initContainerStatuses");
            for (i = 0; i < p->ninit; i++)
                cJSON_AddItemToArray(arr, kl_ctr_status(p, &p->ctrs[i]));
        }
    }
    cJSON_AddStringToObject(status, "phase", phase);
    if (p->sandbox && p->ip[0] != '\0') {
        cJSON_AddStringToObject(status, "podIP", p->ip);
        arr = cJSON_AddArrayToObject(status, "podIPs");
        x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "ip", p->ip);
        cJSON_AddItemToArray(arr, x);
    }
    cJSON_AddStringToObject(status, "qosClass", simkubelet_qos(pod));
    if (p->scheduled)
        cJSON_AddStringToObject(status, "startTime",
                                sim_time(p->start_ms, ts, sizeof ts));
    simstore_put(sim->store, &simres_pods, pod);
}

/* ---- the tick -------------------------------------------------------- */

static void
kl_step(struct klpod *p, uint64_t now)
{
    struct sim *sim = p->kl->sim;
    size_t      i;
    char        msg[512];

    if (!p->scheduled) {
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
            const cJSON *pod = kl_pod_obj(p);

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
                kl_restart(p, c, now);
            else
                kl_pull(p, c, now);
        }
        kl_process(p, c, now);
        kl_probes(p, c, now);
        if (c->state == KL_TERMINATED && c->next != 0)
            kl_backoff_wait(p, c, now);
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
            kl_publish(p);
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
            kl_event(p, &p->ctrs[i], "Normal", "Killing", msg);
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
