/*
 * The reflector against an in-process kpod-sim: list + watch while pods are
 * created and deleted through the API, with the sim dropping watches and
 * expiring its history (410) meanwhile, sending malformed lines, failing
 * requests with Retry-After and restarting. At
 * the end the store must equal a fresh LIST exactly (names, uids and
 * resourceVersions), and the counters must show that drops and relists
 * really happened.
 */
#include "khttp.h"
#include "kubeconfig.h"
#include "loop.h"
#include "reflector.h"
#include "sim.h"
#include "store.h"
#include "testutil.h"
#include "util.h"

#include <cjson/cJSON.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NS "default"

struct t {
    uv_loop_t         uv;
    struct kloop     *loop;
    struct kclient   *client;
    struct store     *store;
    struct reflector *refl;
    uv_timer_t        churn;
    int               created, deleted, inflight, seq;
    int               churning;
    char             *names[4096];
    int               nnames;
    cJSON            *fresh; /* the last fresh LIST */
    int               listing;
    int               closed;
    int               want_garbage;
    int               failed;
    int64_t           last_list_ms;
    int               saw_malformed;
};

static void
on_status(struct reflector *r, void *data)
{
    struct t                      *t = data;
    const struct reflector_status *st = reflector_status(r);

    if (st->error != NULL && strstr(st->error, "malformed") != NULL)
        t->saw_malformed = 1;
}

static void
req_done(struct khttp_req *r, const struct khttp_response *resp, void *data)
{
    struct t *t = data;

    t->inflight--;
    if (resp->error != NULL && resp->status != 404 && resp->status != 409)
        t->failed++; /* refused during a sim restart: fine, it is churn */
}

static void
api_send(struct t *t, const char *method, const char *path, const char *body)
{
    struct khttp_opts o = {.method = method, .path = path, .body = body};
    char             *cause = NULL;

    o.body_len = body != NULL ? strlen(body) : 0;
    if (khttp_request(t->client, &o, req_done, t, &cause) == NULL) {
        fprintf(stderr, "cannot send: %s\n", cause);
        exit(1);
    }
    t->inflight++;
}

static void
churn_cb(uv_timer_t *h)
{
    struct t *t = h->data;
    char     *body, *path;

    if (!t->churning || t->inflight > 8)
        return;
    if (t->nnames < 5 || rand() % 3 != 0) {
        char name[64];

        snprintf(name, sizeof name, "churn-%d", t->seq++);
        body = xasprintf("{\"apiVersion\":\"v1\",\"kind\":\"Pod\","
                         "\"metadata\":{\"name\":\"%s\",\"namespace\":\"%s\","
                         "\"labels\":{\"app\":\"churn\"}},"
                         "\"spec\":{\"containers\":[{\"name\":\"c\","
                         "\"image\":\"busybox\"}]}}",
                         name, NS);
        api_send(t, "POST", "/api/v1/namespaces/" NS "/pods", body);
        free(body);
        t->names[t->nnames++] = xstrdup(name);
        t->created++;
    } else {
        int i = rand() % t->nnames;

        path = xasprintf("/api/v1/namespaces/" NS "/pods/%s", t->names[i]);
        /* Half of them graceful (Terminating, then gone), half at once. */
        api_send(t, "DELETE", path,
                 rand() % 2 ? "{\"gracePeriodSeconds\":0}" : NULL);
        free(path);
        free(t->names[i]);
        t->names[i] = t->names[--t->nnames];
        t->deleted++;
    }
}

static void
list_done(struct khttp_req *r, const struct khttp_response *resp, void *data)
{
    struct t *t = data;

    t->listing = 0;
    if (resp->error != NULL)
        return; /* asked again by settled() */
    cJSON_Delete(t->fresh);
    t->fresh = cJSON_ParseWithLength(resp->body, resp->body_len);
}

static void
fresh_list(struct t *t)
{
    struct khttp_opts o = {.path = "/api/v1/namespaces/" NS "/pods"};
    char             *cause = NULL;

    t->listing = 1;
    CHECK(khttp_request(t->client, &o, list_done, t, &cause) != NULL);
}

/* The store equals the last fresh LIST: same keys, uids, versions. */
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
        char              key[300];
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
        fprintf(stderr, "store has %zu objects, server %zu\n",
                store_count(t->store), n);
    return n == store_count(t->store);
}

static void
refl_closed(struct reflector *r, void *data)
{
    ((struct t *)data)->refl = NULL;
}

static void
loop_closed(void *data)
{
    ((struct t *)data)->closed = 1;
}

static void
timer_closed(uv_handle_t *h)
{
}

static int
run_until(struct t *t, int (*cond)(struct t *), int secs)
{
    int64_t deadline = know_ms() + secs * 1000;

    while (!cond(t) && know_ms() < deadline)
        uv_run(&t->uv, UV_RUN_ONCE);
    return cond(t);
}

static int
is_live(struct t *t)
{
    return reflector_status(t->refl)->state == REFLECTOR_LIVE;
}

static int
churned_enough(struct t *t)
{
    const struct reflector_status *st = reflector_status(t->refl);

    return st->watches >= 3 && st->relists >= 1 && t->created >= 40 &&
           t->deleted >= 15 && (!t->want_garbage || t->saw_malformed);
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
            t->last_list_ms = know_ms();
            fresh_list(t);
        }
    }
    return 0;
}

static int
refl_gone(struct t *t)
{
    return t->refl == NULL;
}

static void
run_case(const char *what, struct sim_opts *so)
{
    struct t              t;
    struct sim_thread    *sim;
    struct kube_ctx      *ctx;
    struct reflector_opts ro = {.path = "/api/v1/namespaces/" NS "/pods",
                                .page_limit = 7,
                                .watch_timeout_s = 30};
    char                 *cause = NULL, *url;
    int                   port = 0, i;

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
    t.store = store_create(&store_pod_ops);
    t.want_garbage = so->garbage_rate > 0;
    t.refl = reflector_create(t.client, t.store, &ro, on_status, &t);
    reflector_start(t.refl);
    CHECK(run_until(&t, is_live, 30));

    uv_timer_init(&t.uv, &t.churn);
    t.churn.data = &t;
    t.churning = 1;
    uv_timer_start(&t.churn, churn_cb, 20, 20);
    CHECK(run_until(&t, churned_enough, 120));
    t.churning = 0;
    uv_timer_stop(&t.churn);
    /* Graceful deletes finish on the sim's clock; poll until equal. */
    if (!run_until(&t, settled, 120)) {
        store_matches(&t, 1);
        CHECK(!"store never matched a fresh LIST");
    }
    fprintf(stderr,
            "created %d deleted %d (%d refused); lists %llu watches %llu "
            "relists %llu; %zu pods\n",
            t.created, t.deleted, t.failed,
            (unsigned long long)reflector_status(t.refl)->lists,
            (unsigned long long)reflector_status(t.refl)->watches,
            (unsigned long long)reflector_status(t.refl)->relists,
            store_count(t.store));

    reflector_close(t.refl, refl_closed, &t);
    CHECK(run_until(&t, refl_gone, 10));
    uv_close((uv_handle_t *)&t.churn, timer_closed);
    kclient_free(t.client);
    kloop_close(t.loop, loop_closed, &t);
    uv_run(&t.uv, UV_RUN_DEFAULT);
    CHECK(t.closed);
    CHECK(uv_loop_close(&t.uv) == 0);
    store_free(t.store);
    cJSON_Delete(t.fresh);
    for (i = 0; i < t.nnames; i++)
        free(t.names[i]);
    sim_thread_stop(sim);
}

int
main(void)
{
    struct sim_opts so = {.host = "127.0.0.1",
                          .scenario = "empty",
                          .drop_watch_every = 1.0,
                          .expire_every = 2.5};

    /* The in-process sim writes with libuv, which leaves SIGPIPE to the
     * application: a watch we drop must not kill the test. */
    signal(SIGPIPE, SIG_IGN);
    srand(42);
    run_case("drops and 410s while pods come and go", &so);
    so.garbage_rate = 0.05;
    run_case("the same with malformed watch lines", &so);
    so.garbage_rate = 0;
    so.error_rate = 0.15;   /* 429/503 with Retry-After */
    so.restart_every = 3.0; /* every connection dropped, refused 0.5 s */
    so.chunk_bytes = 7;     /* lines split across many reads */
    run_case("the same with errors, restarts and 7-byte chunks", &so);
    fprintf(stderr, "ok\n");
    return 0;
}
