/*
 * The events store under faults, as test-reflector does for pods: a
 * reflector on the namespace's events against an in-process kpod-sim
 * running the demo scenario (the kubelet records Scheduled, Pulled,
 * Started, Unhealthy, BackOff ... and bumps counts, which arrive as
 * MODIFIED), while the sim drops watches, expires its history (410),
 * sends garbage lines, fails requests with Retry-After, restarts and
 * splits responses into small chunks. Pods are created meanwhile so new
 * events keep coming. Afterwards the store must equal a fresh LIST:
 * same names, uids and resourceVersions (so counts too).
 */
#include "event.h"
#include "khttp.h"
#include "kubeconfig.h"
#include "loop.h"
#include "reflector.h"
#include "sim.h"
#include "store.h"
#include "util.h"

#include <cjson/cJSON.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(c)                                                               \
    do {                                                                       \
        if (!(c)) {                                                            \
            fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #c);       \
            exit(1);                                                           \
        }                                                                      \
    } while (0)

#define NS "default"

struct t {
    uv_loop_t         uv;
    struct kloop     *loop;
    struct kclient   *client;
    struct store     *store;
    struct reflector *refl;
    uv_timer_t        churn, tick;
    int               inflight, created, seq, closed;
    cJSON            *fresh;
    int               listing;
    int64_t           last_list_ms;
    uint64_t          modified_seen;
    int               saw_error;
};

static void
on_status(struct reflector *r, void *data)
{
    struct t *t = data;

    if (reflector_status(r)->error != NULL)
        t->saw_error = 1;
}

static void
req_done(struct khttp_req *r, const struct khttp_response *resp, void *data)
{
    struct t *t = data;

    (void)r;
    t->inflight--;
    if (resp->error == NULL)
        t->created++;
}

/* A new pod every tick: the kubelet records its events. */
static void
churn_cb(uv_timer_t *h)
{
    struct t         *t = h->data;
    char             *body;
    struct khttp_opts o = {.method = "POST",
                           .path = "/api/v1/namespaces/" NS "/pods"};
    char             *cause = NULL;

    if (t->inflight > 4)
        return;
    body = xasprintf("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{"
                     "\"name\":\"ev-%d\"},\"spec\":{\"containers\":[{\"name\":"
                     "\"c\",\"image\":\"nginx\"}]}}",
                     t->seq++);
    o.body = body;
    o.body_len = strlen(body);
    if (khttp_request(t->client, &o, req_done, t, &cause) != NULL)
        t->inflight++;
    else
        free(cause);
    free(body);
}

static void
list_done(struct khttp_req *r, const struct khttp_response *resp, void *data)
{
    struct t *t = data;

    (void)r;
    t->listing = 0;
    if (resp->error != NULL)
        return; /* asked again by settled() */
    cJSON_Delete(t->fresh);
    t->fresh = cJSON_ParseWithLength(resp->body, resp->body_len);
}

static int
store_matches(struct t *t, int verbose)
{
    const cJSON *items = cJSON_GetObjectItem(t->fresh, "items"), *it;
    size_t       n = 0;

    if (!cJSON_IsArray(items))
        return 0;
    cJSON_ArrayForEach(it, items)
    {
        const cJSON *md = cJSON_GetObjectItem(it, "metadata");
        const char  *name = cJSON_GetObjectItem(md, "name")->valuestring;
        const char  *uid = cJSON_GetObjectItem(md, "uid")->valuestring;
        const char  *rv =
            cJSON_GetObjectItem(md, "resourceVersion")->valuestring;
        char              key[512];
        struct store_obj *o;

        snprintf(key, sizeof key, "%s/%s", NS, name);
        o = store_find(t->store, key);
        if (o == NULL || strcmp(o->uid, uid) != 0 || strcmp(o->rv, rv) != 0) {
            if (verbose)
                fprintf(stderr, "mismatch %s: store %s, server %s\n", key,
                        o ? o->rv : "(absent)", rv);
            return 0;
        }
        n++;
    }
    if (verbose && n != store_count(t->store))
        fprintf(stderr, "store has %zu events, server %zu\n",
                store_count(t->store), n);
    return n == store_count(t->store);
}

static int
settled(struct t *t)
{
    if (t->inflight > 0)
        return 0;
    if (!t->listing) {
        if (t->fresh != NULL && store_matches(t, 0))
            return 1;
        if (know_ms() - t->last_list_ms >= 100) {
            struct khttp_opts o = {.path = "/api/v1/namespaces/" NS "/events"};
            char             *cause = NULL;

            t->last_list_ms = know_ms();
            t->listing = 1;
            CHECK(khttp_request(t->client, &o, list_done, t, &cause) != NULL);
        }
    }
    return 0;
}

static int
churned_enough(struct t *t)
{
    const struct reflector_status *st = reflector_status(t->refl);

    return st->watches >= 4 && st->relists >= 1 && t->created >= 15 &&
           store_count(t->store) >= 60 && t->saw_error;
}

static void
tick_cb(uv_timer_t *h)
{
    (void)h;
}

static int
run_until(struct t *t, int (*cond)(struct t *), int secs)
{
    int64_t deadline = know_ms() + secs * 1000;

    while (!cond(t) && know_ms() < deadline)
        uv_run(&t->uv, UV_RUN_ONCE);
    return cond(t);
}

static void
refl_closed(struct reflector *r, void *data)
{
    (void)r;
    ((struct t *)data)->refl = NULL;
}

static int
refl_gone(struct t *t)
{
    return t->refl == NULL;
}

static void
loop_closed(void *data)
{
    ((struct t *)data)->closed = 1;
}

static void
handle_closed(uv_handle_t *h)
{
    (void)h;
}

static void
run_case(const char *what, struct sim_opts *so)
{
    struct t              t;
    struct sim_thread    *sim;
    struct kube_ctx      *ctx;
    struct reflector_opts ro = {.path = "/api/v1/namespaces/" NS "/events",
                                .page_limit = 25,
                                .watch_timeout_s = 30};
    char                 *cause = NULL, *url;
    int                   port = 0;

    fprintf(stderr, "== %s\n", what);
    memset(&t, 0, sizeof t);
    sim = sim_thread_start(so, &port, &cause);
    if (sim == NULL) {
        fprintf(stderr, "sim: %s\n", cause);
        exit(1);
    }
    CHECK(uv_loop_init(&t.uv) == 0);
    url = xasprintf("http://127.0.0.1:%d", port);
    ctx = kube_ctx_for_url(url, NS);
    free(url);
    t.loop = kloop_create(&t.uv);
    t.client = kclient_create(t.loop, ctx);
    kube_ctx_free(ctx);
    t.store = store_create(&event_store_ops);
    t.refl = reflector_create(t.client, t.store, &ro, on_status, &t);
    reflector_start(t.refl);
    uv_timer_init(&t.uv, &t.tick);
    uv_timer_start(&t.tick, tick_cb, 100, 100);
    uv_timer_init(&t.uv, &t.churn);
    t.churn.data = &t;
    uv_timer_start(&t.churn, churn_cb, 150, 150);
    if (!run_until(&t, churned_enough, 180)) {
        fprintf(stderr, "watches %llu relists %llu created %d events %zu\n",
                (unsigned long long)reflector_status(t.refl)->watches,
                (unsigned long long)reflector_status(t.refl)->relists,
                t.created, store_count(t.store));
        CHECK(!"not enough churn under faults");
    }
    uv_timer_stop(&t.churn);
    /* The kubelet keeps recording (probes, restarts): poll for a moment
     * where a fresh LIST and the store agree. */
    if (!run_until(&t, settled, 180)) {
        store_matches(&t, 1);
        CHECK(!"the events store never matched a fresh LIST");
    }
    fprintf(stderr,
            "created %d pods; lists %llu watches %llu relists %llu; %zu "
            "events\n",
            t.created, (unsigned long long)reflector_status(t.refl)->lists,
            (unsigned long long)reflector_status(t.refl)->watches,
            (unsigned long long)reflector_status(t.refl)->relists,
            store_count(t.store));
    reflector_close(t.refl, refl_closed, &t);
    CHECK(run_until(&t, refl_gone, 10));
    uv_close((uv_handle_t *)&t.churn, handle_closed);
    uv_close((uv_handle_t *)&t.tick, handle_closed);
    kclient_free(t.client);
    kloop_close(t.loop, loop_closed, &t);
    uv_run(&t.uv, UV_RUN_DEFAULT);
    CHECK(t.closed);
    CHECK(uv_loop_close(&t.uv) == 0);
    store_free(t.store);
    cJSON_Delete(t.fresh);
    CHECK(sim_thread_stop(sim) == 0);
}

int
main(void)
{
    struct sim_opts so = {.host = "127.0.0.1",
                          .scenario = "demo",
                          .drop_watch_every = 1.0,
                          .expire_every = 2.5,
                          .history = 50};

    signal(SIGPIPE, SIG_IGN);
    srand(7);
    run_case("events: drops and 410s", &so);
    so.garbage_rate = 0.05;
    so.error_rate = 0.15;
    so.restart_every = 3.0;
    so.chunk_bytes = 7;
    run_case("events: garbage, errors, restarts and 7-byte chunks", &so);
    fprintf(stderr, "ok\n");
    return 0;
}
