/*
 * A container's lifecycle in the simulated kubelet: image pulls (Pulling,
 * then Pulled after the pull time; unknown images fail with ErrImagePull
 * and ImagePullBackOff back-off), Created/Started, exits, and restarts with
 * CrashLoopBackOff back-off (0, 10 s, 20 s ... 300 s) as the kubelet does.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "simkubelet-int.h"
#include "simpods.h"
#include "simstore.h"

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
char *
simkctr_image_full(const char *image)
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

void
simkctr_start(struct klpod *p, struct klctr *c, uint64_t now)
{
    struct sim *sim = p->kl->sim;
    char        msg[512];
    size_t      i;

    snprintf(msg, sizeof msg, "Created container %s", c->pub.name);
    simkubelet_event(p, c, "Normal", "Created", msg);
    snprintf(msg, sizeof msg, "Started container %s", c->pub.name);
    simkubelet_event(p, c, "Normal", "Started", msg);
    if (c->restart_pending) {
        c->pub.restarts++;
        c->restart_pending = 0;
    }
    c->state = KL_RUNNING;
    simkubelet_set_str(&c->reason, NULL);
    simkubelet_set_str(&c->message, NULL);
    memcpy(c->cid, "containerd://", 13);
    simkubelet_hex(sim, c->cid + 13, 65);
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
void
simkctr_pull(struct klpod *p, struct klctr *c, uint64_t now)
{
    struct simkubelet *kl = p->kl;
    struct sim        *sim = kl->sim;
    char               msg[1024];
    char              *full = simkctr_image_full(c->pub.image);
    const cJSON       *pod = simkubelet_pod_obj(p);
    const char        *policy = "IfNotPresent";
    const cJSON       *ctr;

    cJSON_ArrayForEach(ctr, cJSON_GetObjectItemCaseSensitive(
                                cJSON_GetObjectItemCaseSensitive(pod, "spec"),
                                c->init ? "initContainers" : "containers"))
    {
        if (simkubelet_gets(ctr, "name") &&
            strcmp(simkubelet_gets(ctr, "name"), c->pub.name) == 0 &&
            simkubelet_gets(ctr, "imagePullPolicy"))
            policy = simkubelet_gets(ctr, "imagePullPolicy");
    }
    if (kl_image_bad(p, c)) {
        const char *tag = strrchr(c->pub.image, ':');

        snprintf(msg, sizeof msg, "Pulling image \"%s\"", c->pub.image);
        simkubelet_event(p, c, "Normal", "Pulling", msg);
        snprintf(msg, sizeof msg,
                 "Failed to pull image \"%s\": rpc error: code = NotFound "
                 "desc = failed to pull and unpack image \"%s\": failed to "
                 "resolve reference \"%s\": %s: not found",
                 c->pub.image, full, full, full);
        simkubelet_event(p, c, "Warning", "Failed", msg);
        simkubelet_event(p, c, "Warning", "Failed", "Error: ErrImagePull");
        (void)tag;
        c->pull_fails++;
        if (c->pull_fails == 1) {
            simkubelet_set_str(&c->reason, "ErrImagePull");
            snprintf(msg, sizeof msg,
                     "rpc error: code = NotFound desc = failed to pull and "
                     "unpack image \"%s\": failed to resolve reference "
                     "\"%s\": %s: not found",
                     full, full, full);
            simkubelet_set_str(&c->message, msg);
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
            simkubelet_event(p, c, "Normal", "BackOff", msg);
            simkubelet_event(p, c, "Warning", "Failed",
                             "Error: ImagePullBackOff");
            simkubelet_set_str(&c->reason, "ImagePullBackOff");
            snprintf(msg, sizeof msg,
                     "Back-off pulling image \"%s\": ErrImagePull: rpc error: "
                     "code = NotFound desc = failed to pull and unpack image "
                     "\"%s\": failed to resolve reference \"%s\": %s: not "
                     "found",
                     c->pub.image, full, full, full);
            simkubelet_set_str(&c->message, msg);
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
        simkubelet_event(p, c, "Normal", "Pulled", msg);
    } else if (!c->pulling) {
        if (c->reason != NULL && strcmp(c->reason, "PodInitializing") == 0)
            simkubelet_set_str(&c->reason, "ContainerCreating");
        /* the pull takes a while: Pulled comes later */
        c->pulling = 1;
        c->pull_secs = 0.4 + sim_rand(sim) * 1.6;
        snprintf(msg, sizeof msg, "Pulling image \"%s\"", c->pub.image);
        simkubelet_event(p, c, "Normal", "Pulling", msg);
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
        simkubelet_event(p, c, "Normal", "Pulled", msg);
        if (!kl_pulled(kl, full)) {
            kl->pulled =
                xrealloc(kl->pulled, (kl->npulled + 1) * sizeof *kl->pulled);
            kl->pulled[kl->npulled++] = xstrdup(full);
        }
    }
    free(full);
    simkctr_start(p, c, now);
}

/* The container's process ended (or was killed) with code. */
void
simkctr_exit(struct klpod *p, struct klctr *c, int code, const char *reason,
             uint64_t now)
{
    c->state = KL_TERMINATED;
    simkubelet_set_str(&c->reason, reason != NULL ? reason
                                   : code == 0    ? "Completed"
                                                  : "Error");
    simkubelet_set_str(&c->message, NULL);
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

void
simkctr_restart(struct klpod *p, struct klctr *c, uint64_t now)
{
    if (!c->restart_pending) {
        c->has_last = 1;
        simkubelet_set_str(&c->last_reason, c->reason);
        c->last_exit = c->exit_code;
        c->last_started = c->pub.started_ms;
        c->last_finished = c->finished_ms;
        c->restart_pending = 1;
    }
    c->state = KL_WAITING;
    simkctr_pull(p, c, now);
}

/* Between a crash and its restart the container waits in
 * CrashLoopBackOff (once the delay is real). */
void
simkctr_backoff_wait(struct klpod *p, struct klctr *c, uint64_t now)
{
    char msg[512];

    if (c->next <= now + 1000 || c->state != KL_TERMINATED)
        return;
    c->has_last = 1;
    simkubelet_set_str(&c->last_reason, c->reason);
    c->last_exit = c->exit_code;
    c->last_started = c->pub.started_ms;
    c->last_finished = c->finished_ms;
    c->restart_pending = 1; /* counted when the new container starts */
    c->state = KL_WAITING;
    simkubelet_set_str(&c->reason, "CrashLoopBackOff");
    snprintf(msg, sizeof msg,
             "back-off %ds restarting failed container=%s pod=%s_%s(%s)",
             c->backoff / 2 > 0 ? c->backoff / 2 : 10, c->pub.name, p->name,
             p->ns, p->uid);
    simkubelet_set_str(&c->message, msg);
    snprintf(msg, sizeof msg,
             "Back-off restarting failed container %s in pod %s_%s(%s)",
             c->pub.name, p->name, p->ns, p->uid);
    simkubelet_event(p, c, "Warning", "BackOff", msg);
    p->dirty = 1;
}
