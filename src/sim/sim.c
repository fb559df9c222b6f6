/*
 * kpod-sim as a library: creates the listener, the store and the kubelet
 * on a loop, seeds the scenario (demo, empty, --load files, --pods load),
 * runs the fault and load timers (--drop-watch-every, --expire-every,
 * --restart-every, --churn, --event-rate) and closes everything again with
 * the loop left empty. Also the thread wrapper used by `kpod --demo` and the
 * C tests, and the kubeconfig writer.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kyaml.h"
#include "simdisco.h"
#include "simevents.h"
#include "simkubelet.h"
#include "simload.h"
#include "simpods.h"
#include "simstore.h"
#include "simstream.h"
#include "simwatch.h"

/* ---- small helpers --------------------------------------------------- */

double
sim_rand(struct sim *sim)
{
    uint64_t x = sim->rand_state;

    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    sim->rand_state = x;
    return (double)((x * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

char *
sim_time(int64_t ms, char *buf, size_t len)
{
    ktime_format(buf, len, ms / 1000);
    return buf;
}

char *
sim_microtime(int64_t ms, char *buf, size_t len)
{
    char   t[64];
    size_t n;

    ktime_format(t, sizeof t, ms / 1000);
    n = strlen(t);
    if (n > 0 && t[n - 1] == 'Z')
        t[n - 1] = '\0';
    snprintf(buf, len, "%s.%06dZ", t, (int)(ms % 1000) * 1000);
    return buf;
}

const cJSON *
sim_pod_get(struct sim *sim, const char *ns, const char *name)
{
    struct simsnap *s = simstore_get(sim->store, &simres_pods, ns, name);

    return s != NULL ? s->obj : NULL;
}

struct simctr *
sim_container(struct sim *sim, const char *ns, const char *pod, const char *ctr)
{
    return simkubelet_container(sim->kubelet, ns, pod, ctr);
}

/* ---- scenarios ------------------------------------------------------- */

static const char *const demo_pods[] = {
    /* the seed's examples */
    "{\"metadata\":{\"name\":\"nginx\",\"labels\":{\"run\":\"nginx\"}},"
    "\"spec\":{\"containers\":[{\"name\":\"nginx\",\"image\":\"nginx:1.14.2\","
    "\"ports\":[{\"containerPort\":80}]}]}}",
    "{\"metadata\":{\"name\":\"http-go\",\"labels\":{\"run\":\"http-go\"}},"
    "\"spec\":{\"containers\":[{\"name\":\"http-go\",\"image\":"
    "\"gasbugs/http-go\",\"ports\":[{\"containerPort\":8080}]}]}}",
    "{\"metadata\":{\"name\":\"liveness-exec\",\"labels\":{\"test\":"
    "\"liveness\"}},\"spec\":{\"containers\":[{\"name\":\"liveness\","
    "\"image\":\"registry.k8s.io/busybox\",\"args\":[\"/bin/sh\",\"-c\","
    "\"touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600\"],"
    "\"livenessProbe\":{\"exec\":{\"command\":[\"cat\",\"/tmp/healthy\"]},"
    "\"initialDelaySeconds\":5,\"periodSeconds\":5}}]}}",
    "{\"metadata\":{\"name\":\"liveness-http\",\"labels\":{\"test\":"
    "\"liveness\"}},\"spec\":{\"containers\":[{\"name\":\"liveness\","
    "\"image\":\"registry.k8s.io/liveness\",\"args\":[\"/server\"],"
    "\"livenessProbe\":{\"httpGet\":{\"path\":\"/healthz\",\"port\":8080,"
    "\"httpHeaders\":[{\"name\":\"Custom-Header\",\"value\":\"Awesome\"}]},"
    "\"initialDelaySeconds\":3,\"periodSeconds\":3}}]}}",
    /* a few pods in other states */
    "{\"metadata\":{\"name\":\"web-bad-image\",\"labels\":{\"app\":\"web\"}},"
    "\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":"
    "\"nginx:no-such-tag\",\"ports\":[{\"containerPort\":80}]}]}}",
    "{\"metadata\":{\"name\":\"pi-job\",\"labels\":{\"job-name\":\"pi\"}},"
    "\"spec\":{\"restartPolicy\":\"Never\",\"containers\":[{\"name\":\"pi\","
    "\"image\":\"perl:5.34.0\",\"command\":[\"sh\",\"-c\",\"echo "
    "3.14159265358979; sleep 3; exit 0\"]}]}}",
    "{\"metadata\":{\"name\":\"big-request\",\"labels\":{\"app\":\"big\"},"
    "\"annotations\":{\"kpod-sim/unschedulable\":\"true\"}},\"spec\":{"
    "\"containers\":[{\"name\":\"app\",\"image\":\"nginx:1.25\","
    "\"resources\":{\"requests\":{\"cpu\":\"64\",\"memory\":\"1Ti\"}}}]}}",
    "{\"metadata\":{\"name\":\"crashy\",\"labels\":{\"app\":\"crashy\"},"
    "\"annotations\":{\"kpod-sim/crash-after\":\"8\"}},\"spec\":{"
    "\"containers\":[{\"name\":\"app\",\"image\":\"busybox:1.36\","
    "\"command\":[\"sh\",\"-c\",\"echo starting; sleep 3600\"]}]}}",
    "{\"metadata\":{\"name\":\"init-demo\",\"labels\":{\"app\":\"init\"}},"
    "\"spec\":{\"initContainers\":[{\"name\":\"wait-db\",\"image\":"
    "\"busybox:1.36\",\"command\":[\"sh\",\"-c\",\"sleep 4\"]}],"
    "\"containers\":[{\"name\":\"app\",\"image\":\"nginx:1.25\",\"ports\":["
    "{\"containerPort\":80}],\"readinessProbe\":{\"httpGet\":{\"path\":"
    "\"/\",\"port\":80},\"periodSeconds\":2}}]}}",
};

static int
sim_scenario(struct sim *sim, const char *name, char **cause)
{
    size_t i;

    simdisco_ensure_namespace(sim, "default");
    simdisco_ensure_namespace(sim, "kube-node-lease");
    simdisco_ensure_namespace(sim, "kube-public");
    simdisco_ensure_namespace(sim, "kube-system");
    if (name == NULL || strcmp(name, "empty") == 0)
        return 0;
    if (strcmp(name, "demo") != 0) {
        *cause = xasprintf("unknown scenario: %s (known: demo, empty)", name);
        return -1;
    }
    for (i = 0; i < nitems(demo_pods); i++) {
        cJSON *pod = cJSON_Parse(demo_pods[i]);

        if (pod == NULL)
            abort(); /* the table above is broken */
        simpods_create_internal(sim, "default", pod);
    }
    return 0;
}

/* ---- timers ---------------------------------------------------------- */

static void
drop_cb(uv_timer_t *t)
{
    simwatch_drop_all(t->data);
}

static void
expire_cb(uv_timer_t *t)
{
    simwatch_expire_all(t->data);
}

/* How many of rate-per-second things are due by now (catches up when
 * the loop was busy). */
static int
sim_due(struct sim *sim, double rate, uint64_t *start, uint64_t *done)
{
    uint64_t now = uv_now(sim->loop), want;

    if (*start == 0) {
        /* the cached loop time may predate a long start-up */
        uv_update_time(sim->loop);
        now = uv_now(sim->loop);
        *start = now;
    }
    want = (uint64_t)((double)(now - *start) * rate / 1000.0);
    if (want <= *done)
        return 0;
    if (want - *done > 100000)
        *done = want - 100000;
    {
        int n = (int)(want - *done);

        *done = want;
        return n;
    }
}

static void
churn_cb(uv_timer_t *t)
{
    struct sim *sim = t->data;
    int         i,
        n = sim_due(sim, sim->opts.churn, &sim->churn_start, &sim->churn_done);

    for (i = 0; i < n; i++) {
        if (simload_churn(sim) != 0)
            simkubelet_churn(sim->kubelet);
    }
}

static void
event_cb(uv_timer_t *t)
{
    struct sim *sim = t->data;
    int         n =
        sim_due(sim, sim->opts.event_rate, &sim->event_start, &sim->event_done);

    if (n > 0)
        simload_events(sim, n);
}

static void sim_restart_listen(struct sim *);

static void
listener_close_cb(uv_handle_t *h)
{
    struct sim *sim = h->data;

    sim->pending_closes--;
    if (sim->refusing && !sim->closing) {
        sim_restart_listen(sim);
        return;
    }
    sim_maybe_done(sim);
}

static int
sim_bind(struct sim *sim, int port, char **cause)
{
    struct sockaddr_in      addr;
    struct sockaddr_storage name;
    int                     namelen = sizeof name;
    int                     rc;

    uv_tcp_init(sim->loop, &sim->listener);
    sim->listener.data = sim;
    uv_ip4_addr(sim->opts.host ? sim->opts.host : "127.0.0.1", port, &addr);
    rc = uv_tcp_bind(&sim->listener, (const struct sockaddr *)&addr, 0);
    if (rc == 0)
        rc = simhttp_listen(sim);
    if (rc != 0) {
        if (cause != NULL)
            *cause = xasprintf("cannot listen on %s:%d: %s",
                               sim->opts.host ? sim->opts.host : "127.0.0.1",
                               port, uv_strerror(rc));
        return rc;
    }
    uv_tcp_getsockname(&sim->listener, (struct sockaddr *)&name, &namelen);
    sim->port = ntohs(((struct sockaddr_in *)&name)->sin_port);
    return 0;
}

/* --restart-every: stop listening for a moment, drop every connection. */
static void
restart_cb(uv_timer_t *t)
{
    struct sim *sim = t->data;

    if (sim->refusing)
        return;
    sim->refusing = 1;
    simwatch_close_all(sim);
    simhttp_close_all(sim);
    sim->pending_closes++;
    uv_close((uv_handle_t *)&sim->listener, listener_close_cb);
}

static void
relisten_cb(uv_timer_t *t)
{
    struct sim *sim = t->data;

    if (sim->closing)
        return;
    if (sim_bind(sim, sim->port, NULL) != 0) {
        /* the port is still busy: try again shortly */
        sim->pending_closes++;
        uv_close((uv_handle_t *)&sim->listener, listener_close_cb);
        return;
    }
    sim->refusing = 0;
}

static void
sim_restart_listen(struct sim *sim)
{
    uv_timer_start(&sim->relisten_timer, relisten_cb, 500, 0);
}

static void
sim_timer(struct sim *sim, uv_timer_t *t, uv_timer_cb cb, double secs)
{
    uv_timer_init(sim->loop, t);
    t->data = sim;
    if (secs > 0)
        uv_timer_start(t, cb, (uint64_t)(secs * 1000), (uint64_t)(secs * 1000));
}

/* ---- create / close -------------------------------------------------- */

static void
sim_create_failed_cb(void *data)
{
    *(int *)data = 1;
}

struct sim *
sim_create(uv_loop_t *loop, const struct sim_opts *opts, char **cause)
{
    struct sim *sim = xcalloc(1, sizeof *sim);

    sim->loop = loop;
    sim->opts = *opts;
    if (sim->opts.bookmark_every <= 0)
        sim->opts.bookmark_every = 60;
    sim->rand_state = opts->seed != 0 ? opts->seed
                                      : (uint64_t)know_ms() * 2654435761ULL +
                                            (uint64_t)getpid();
    if (sim->rand_state == 0)
        sim->rand_state = 88172645463325252ULL;
    if (opts->log_file != NULL) {
        sim->log = fopen(opts->log_file, "a");
        if (sim->log == NULL) {
            *cause = xasprintf("%s: %s", opts->log_file, strerror(errno));
            free(sim);
            return NULL;
        }
    }
    if (opts->openapi_file != NULL) {
        FILE       *f = fopen(opts->openapi_file, "rb");
        struct kbuf b;
        char        buf[65536];
        size_t      n;

        if (f == NULL) {
            *cause = xasprintf("%s: %s", opts->openapi_file, strerror(errno));
            if (sim->log)
                fclose(sim->log);
            free(sim);
            return NULL;
        }
        kbuf_init(&b);
        while ((n = fread(buf, 1, sizeof buf, f)) > 0)
            kbuf_append(&b, buf, n);
        fclose(f);
        sim->openapi_len = b.len;
        sim->openapi_text = kbuf_steal(&b);
        if (sim->openapi_text == NULL)
            sim->openapi_text = xstrdup("{}");
    }
    sim->store =
        simstore_create(sim, (size_t)(opts->history > 0 ? opts->history : 0));
    simstore_set_notify(sim->store, simwatch_notify, sim);
    if (sim_bind(sim, opts->port, cause) != 0) {
        /* nothing but the listener handle exists yet */
        sim->closing = 1;
        sim->pending_closes++;
        uv_close((uv_handle_t *)&sim->listener, NULL);
        uv_run(loop, UV_RUN_NOWAIT);
        simstore_free(sim->store);
        free(sim->openapi_text);
        if (sim->log)
            fclose(sim->log);
        free(sim);
        return NULL;
    }
    sim->kubelet = simkubelet_create(sim);
    sim->stream = simstream_create(sim);
    sim_timer(sim, &sim->drop_timer, drop_cb, opts->drop_watch_every);
    sim_timer(sim, &sim->expire_timer, expire_cb, opts->expire_every);
    sim_timer(sim, &sim->restart_timer, restart_cb, opts->restart_every);
    sim_timer(sim, &sim->relisten_timer, relisten_cb, 0);
    sim_timer(sim, &sim->churn_timer, churn_cb,
              opts->churn > 0 ? (opts->churn >= 100 ? 0.01 : 1 / opts->churn)
                              : 0);
    sim_timer(sim, &sim->event_timer, event_cb,
              opts->event_rate > 0
                  ? (opts->event_rate >= 100 ? 0.01 : 1 / opts->event_rate)
                  : 0);
    if (sim_scenario(sim, opts->scenario, cause) != 0 ||
        simload_files(sim, opts->load_files, cause) != 0 ||
        simload_pods(sim, opts->pods, opts->namespaces, cause) != 0) {
        /* the caller gets the error; close synchronously on this loop */
        int done = 0;

        sim_close(sim, sim_create_failed_cb, &done);
        while (!done)
            uv_run(loop, UV_RUN_ONCE);
        return NULL;
    }
    return sim;
}

int
sim_port(struct sim *sim)
{
    return sim->port;
}

static void
sim_timer_close_cb(uv_handle_t *h)
{
    struct sim *sim = h->data;

    sim->pending_closes--;
    sim_maybe_done(sim);
}

static void
sim_close_timer(struct sim *sim, uv_timer_t *t)
{
    sim->pending_closes++;
    uv_close((uv_handle_t *)t, sim_timer_close_cb);
}

void
sim_maybe_done(struct sim *sim)
{
    void (*cb)(void *);
    void *data;

    if (!sim->closing || sim->pending_closes > 0 || sim->done_called)
        return;
    sim->done_called = 1;
    cb = sim->done_cb;
    data = sim->done_data;
    simkubelet_free(sim->kubelet);
    simevents_free(sim);
    simload_free(sim);
    simstore_free(sim->store);
    free(sim->openapi_text);
    if (sim->log != NULL)
        fclose(sim->log);
    free(sim);
    if (cb != NULL)
        cb(data);
}

/* simstream (exec, port-forward, logs) has closed its handles. */
static void
sim_stream_closed_cb(void *data)
{
    struct sim *sim = data;

    sim->stream = NULL;
    sim->pending_closes--;
    sim_maybe_done(sim);
}

void
sim_close(struct sim *sim, void (*done_cb)(void *), void *data)
{
    if (sim->closing)
        return;
    sim->closing = 1;
    sim->done_cb = done_cb;
    sim->done_data = data;
    sim->pending_closes++; /* held until the end of this function */
    simwatch_close_all(sim);
    simhttp_close_all(sim);
    if (!sim->refusing) {
        sim->pending_closes++;
        uv_close((uv_handle_t *)&sim->listener, listener_close_cb);
    }
    sim_close_timer(sim, &sim->drop_timer);
    sim_close_timer(sim, &sim->expire_timer);
    sim_close_timer(sim, &sim->restart_timer);
    sim_close_timer(sim, &sim->relisten_timer);
    sim_close_timer(sim, &sim->churn_timer);
    sim_close_timer(sim, &sim->event_timer);
    if (sim->kubelet != NULL)
        simkubelet_close(sim->kubelet);
    if (sim->stream != NULL) {
        sim->pending_closes++;
        simstream_close(sim->stream, sim_stream_closed_cb, sim);
    }
    sim->pending_closes--;
    sim_maybe_done(sim);
}

/* ---- the thread wrapper ---------------------------------------------- */

struct sim_thread {
    uv_thread_t     tid;
    uv_loop_t       loop;
    uv_async_t      stop;
    uv_sem_t        ready;
    struct sim     *sim;
    struct sim_opts opts;
    int             port;
    char           *cause;
    int             loop_close_rc;
};

static void
sim_thread_done(void *data)
{
    (void)data;
}

static void
sim_thread_stop_cb(uv_async_t *a)
{
    struct sim_thread *st = a->data;

    sim_close(st->sim, sim_thread_done, st);
    uv_close((uv_handle_t *)&st->stop, NULL);
}

static void
sim_thread_main(void *arg)
{
    struct sim_thread *st = arg;
    sigset_t           pipe;

    /* A client that hangs up must not kill the host process: with SIGPIPE
     * blocked in this thread, writes to a closed socket fail with EPIPE
     * (the signal is thread-directed and stays pending here). */
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe, NULL);
    uv_loop_init(&st->loop);
    st->sim = sim_create(&st->loop, &st->opts, &st->cause);
    if (st->sim == NULL) {
        st->loop_close_rc = uv_loop_close(&st->loop);
        uv_sem_post(&st->ready);
        return;
    }
    st->port = sim_port(st->sim);
    uv_async_init(&st->loop, &st->stop, sim_thread_stop_cb);
    st->stop.data = st;
    uv_sem_post(&st->ready);
    uv_run(&st->loop, UV_RUN_DEFAULT);
    st->loop_close_rc = uv_loop_close(&st->loop);
    if (st->loop_close_rc != 0)
        klog("sim thread: uv_loop_close: %s", uv_strerror(st->loop_close_rc));
}

struct sim_thread *
sim_thread_start(const struct sim_opts *opts, int *port, char **cause)
{
    struct sim_thread *st = xcalloc(1, sizeof *st);

    st->opts = *opts;
    uv_sem_init(&st->ready, 0);
    if (uv_thread_create(&st->tid, sim_thread_main, st) != 0) {
        *cause = xstrdup("cannot start the simulator thread");
        uv_sem_destroy(&st->ready);
        free(st);
        return NULL;
    }
    uv_sem_wait(&st->ready);
    if (st->sim == NULL) {
        uv_thread_join(&st->tid);
        *cause = st->cause != NULL ? st->cause : xstrdup("sim failed");
        uv_sem_destroy(&st->ready);
        free(st);
        return NULL;
    }
    *port = st->port;
    return st;
}

int
sim_thread_stop(struct sim_thread *st)
{
    int rc;

    if (st == NULL)
        return 0;
    uv_async_send(&st->stop);
    uv_thread_join(&st->tid);
    uv_sem_destroy(&st->ready);
    rc = st->loop_close_rc;
    free(st);
    return rc;
}

/* ---- kubeconfig ------------------------------------------------------ */

int
sim_write_kubeconfig(const char *path, const char *host, int port,
                     const char *token, char **cause)
{
    char *tmp = xasprintf("%s.tmp.%d", path, (int)getpid());
    FILE *f = fopen(tmp, "w");

    if (f == NULL) {
        *cause = xasprintf("%s: %s", tmp, strerror(errno));
        free(tmp);
        return -1;
    }
    fprintf(f,
            "apiVersion: v1\n"
            "kind: Config\n"
            "clusters:\n"
            "- cluster:\n"
            "    server: http://%s:%d\n"
            "  name: kpod-sim\n"
            "contexts:\n"
            "- context:\n"
            "    cluster: kpod-sim\n"
            "    namespace: default\n"
            "    user: kpod-sim\n"
            "  name: kpod-sim\n"
            "current-context: kpod-sim\n"
            "preferences: {}\n"
            "users:\n"
            "- name: kpod-sim\n",
            host ? host : "127.0.0.1", port);
    if (token != NULL && *token != '\0')
        fprintf(f, "  user:\n    token: %s\n", token);
    else
        fprintf(f, "  user: {}\n");
    if (fclose(f) != 0 || rename(tmp, path) != 0) {
        *cause = xasprintf("%s: %s", path, strerror(errno));
        unlink(tmp);
        free(tmp);
        return -1;
    }
    free(tmp);
    return 0;
}
