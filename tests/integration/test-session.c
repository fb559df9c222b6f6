/*
 * The session against three in-process kpod-sims named by one generated
 * kubeconfig: contexts "alpha" and "beta" (two clusters with different
 * pods), "locked" (a sim that wants a token the kubeconfig doesn't have)
 * and "ghost" (names a user that does not exist). Switching back and forth
 * while pods change, the store must empty at once and then equal the
 * right server's LIST each time; the locked context must report the
 * server's 401 message and stay switchable; namespaces switch within a
 * context and the namespaces store follows the server; a label selector
 * restarts the pods watch with labelSelector and is cleared again.
 */
#include "event.h"
#include "khttp.h"
#include "kubeconfig.h"
#include "loop.h"
#include "session.h"
#include "sim.h"
#include "store.h"
#include "util.h"

#include <cjson/cJSON.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHECK(c)                                                               \
    do {                                                                       \
        if (!(c)) {                                                            \
            fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #c);       \
            exit(1);                                                           \
        }                                                                      \
    } while (0)

enum { ALPHA, BETA, LOCKED, NSIMS };

struct t {
    uv_loop_t          uv;
    struct kloop      *loop;
    struct sim_thread *sims[NSIMS];
    int                ports[NSIMS];
    struct kclient    *direct[2]; /* to alpha and beta, for changes */
    struct store      *pods, *events, *namespaces;
    struct session    *sess;
    int                inflight;
    cJSON             *fresh; /* the last LIST of the expected server */
    int                listing;
    int                changes;    /* pod store notifications */
    size_t             last_count; /* pods at the last notification */
    int                saw_empty;  /* a notification with no pods */
    char              *error;      /* last status error */
    int                changed;    /* changed_cb calls */
    int                closing;    /* session_close was called */
    int                closed, sess_closed;
    uv_timer_t         tick; /* wakes uv_run so deadlines are checked */
};

static struct t T;

static void
req_done(struct khttp_req *r, const struct khttp_response *resp, void *data)
{
    struct t *t = data;

    (void)r;
    t->inflight--;
    if (resp->error != NULL) {
        fprintf(stderr, "request failed: %s\n", resp->error);
        exit(1);
    }
}

static void
api(struct t *t, int who, const char *method, const char *path,
    const char *body)
{
    struct khttp_opts o = {.method = method, .path = path, .body = body};
    char             *cause = NULL;

    o.body_len = body != NULL ? strlen(body) : 0;
    CHECK(khttp_request(t->direct[who], &o, req_done, t, &cause) != NULL);
    t->inflight++;
}

static void
create_pod_app(struct t *t, int who, const char *ns, const char *name,
               const char *app)
{
    char *body = xasprintf(
        "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":"
        "\"%s\",\"namespace\":\"%s\",\"labels\":{\"app\":\"%s\"}},"
        "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}",
        name, ns, app);
    char *path = xasprintf("/api/v1/namespaces/%s/pods", ns);

    api(t, who, "POST", path, body);
    free(body);
    free(path);
}

static void
create_pod(struct t *t, int who, const char *ns, const char *name)
{
    create_pod_app(t, who, ns, name, "none");
}

static void
delete_pod(struct t *t, int who, const char *ns, const char *name)
{
    char *path = xasprintf("/api/v1/namespaces/%s/pods/%s", ns, name);

    api(t, who, "DELETE", path, "{\"gracePeriodSeconds\":0}");
    free(path);
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

static int
idle(struct t *t)
{
    return t->inflight == 0;
}

/* The LIST to compare with: which server and path. */
static int         want_who;
static const char *want_path;

static void
list_done(struct khttp_req *r, const struct khttp_response *resp, void *data)
{
    struct t *t = data;

    (void)r;
    t->listing = 0;
    if (resp->error != NULL)
        return;
    cJSON_Delete(t->fresh);
    t->fresh = cJSON_ParseWithLength(resp->body, resp->body_len);
}

/* The pod store equals the fresh LIST: same keys, uids, versions. */
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
        const char  *ns =
            cJSON_GetStringValue(cJSON_GetObjectItem(md, "namespace"));
        const char *name =
            cJSON_GetStringValue(cJSON_GetObjectItem(md, "name"));
        const char *uid = cJSON_GetStringValue(cJSON_GetObjectItem(md, "uid"));
        const char *rv =
            cJSON_GetStringValue(cJSON_GetObjectItem(md, "resourceVersion"));
        char              key[300];
        struct store_obj *o;

        snprintf(key, sizeof key, "%s/%s", ns, name);
        o = store_find(t->pods, key);
        if (o == NULL || strcmp(o->uid, uid) != 0 || strcmp(o->rv, rv) != 0) {
            if (verbose)
                fprintf(stderr, "mismatch %s: store %s, server %s\n", key,
                        o ? o->rv : "(absent)", rv);
            return 0;
        }
        n++;
    }
    if (verbose && n != store_count(t->pods))
        fprintf(stderr, "store has %zu pods, server %zu\n",
                store_count(t->pods), n);
    return n == store_count(t->pods);
}

static int64_t last_list_ms;

static int
settled(struct t *t)
{
    struct khttp_opts o = {.path = want_path};
    char             *cause = NULL;

    if (t->inflight > 0 || t->listing)
        return 0;
    if (t->fresh != NULL && store_matches(t, 0))
        return 1;
    if (know_ms() - last_list_ms >= 100) {
        last_list_ms = know_ms();
        cJSON_Delete(t->fresh);
        t->fresh = NULL;
        t->listing = 1;
        CHECK(khttp_request(t->direct[want_who], &o, list_done, t, &cause) !=
              NULL);
    }
    return 0;
}

/* Wait until the pod store equals who's LIST of path. */
static void
expect_server(struct t *t, int who, const char *path)
{
    want_who = who;
    want_path = path;
    cJSON_Delete(t->fresh);
    t->fresh = NULL;
    if (!run_until(t, settled, 60)) {
        store_matches(t, 1);
        fprintf(stderr, "store never matched %s of sim %d\n", path, who);
        exit(1);
    }
}

static void
pods_changed(struct store *s, void *data)
{
    struct t *t = data;

    t->changes++;
    t->last_count = store_count(s);
    if (t->last_count == 0)
        t->saw_empty = 1;
}

static void
on_status(struct session *s, const struct reflector_status *st, void *data)
{
    struct t *t = data;

    (void)s;
    CHECK(!t->closing); /* nothing after session_close */
    free(t->error);
    t->error = st->error != NULL ? xstrdup(st->error) : NULL;
}

static void
on_changed(struct session *s, void *data)
{
    struct t *t = data;

    (void)s;
    CHECK(!t->closing);
    t->changed++;
}

/* The config's namespace for a context (main's start_ns). */
static const char *beta_ns;

static const char *
start_ns(const char *context, void *data)
{
    (void)data;
    return strcmp(context, "beta") == 0 ? beta_ns : NULL;
}

static int
has_error(struct t *t)
{
    return t->error != NULL && strstr(t->error, "Unauthorized") != NULL;
}

static int
has_sel_error(struct t *t)
{
    return t->error != NULL &&
           strstr(t->error, "unable to parse requirement: app(x)") != NULL;
}

static int
has_namespaces(struct t *t)
{
    return store_find(t->namespaces, "default") != NULL &&
           store_find(t->namespaces, "other") != NULL &&
           store_find(t->namespaces, "later") != NULL;
}

static void
do_switch(struct t *t, const char *context, const char *ns)
{
    char  *cause = NULL;
    size_t before = store_count(t->pods);

    t->saw_empty = 0;
    if (session_switch(t->sess, context, ns, &cause) != 0) {
        fprintf(stderr, "switch %s: %s\n", context, cause);
        exit(1);
    }
    /* Emptied at once, with a notification (when there was anything). */
    CHECK(store_count(t->pods) == 0);
    CHECK(t->saw_empty || before == 0);
    CHECK(context == NULL ||
          strcmp(session_ctx(t->sess)->context, context) == 0);
}

static void
write_kubeconfig(struct t *t, const char *path)
{
    FILE *f = fopen(path, "w");

    CHECK(f != NULL);
    fprintf(f,
            "apiVersion: v1\nkind: Config\ncurrent-context: alpha\n"
            "clusters:\n"
            "- name: a\n  cluster:\n    server: http://127.0.0.1:%d\n"
            "- name: b\n  cluster:\n    server: http://127.0.0.1:%d\n"
            "- name: l\n  cluster:\n    server: http://127.0.0.1:%d\n"
            "users:\n"
            "- name: nobody\n  user: {}\n"
            "- name: wrong\n  user:\n    token: not-the-token\n"
            "contexts:\n"
            "- name: beta\n  context: {cluster: b, user: nobody}\n"
            "- name: alpha\n  context: {cluster: a, user: nobody}\n"
            "- name: locked\n  context: {cluster: l, user: wrong}\n"
            "- name: ghost\n  context: {cluster: a, user: missing}\n",
            t->ports[ALPHA], t->ports[BETA], t->ports[LOCKED]);
    CHECK(fclose(f) == 0);
}

static void
sess_closed(void *data)
{
    ((struct t *)data)->sess_closed = 1;
}

static void
loop_closed(void *data)
{
    ((struct t *)data)->closed = 1;
}

static void
tick_closed(uv_handle_t *h)
{
    (void)h;
}

static int
is_sess_closed(struct t *t)
{
    return t->sess_closed;
}

int
main(void)
{
    struct t           *t = &T;
    struct sim_opts     so = {.host = "127.0.0.1", .scenario = "empty"};
    struct session_opts o;
    char                dir[] = "/tmp/kpod-session-XXXXXX", *kc, *cause = NULL;
    char              **names;
    size_t              n, cur, i;
    int                 k;

    signal(SIGPIPE, SIG_IGN);
    CHECK(mkdtemp(dir) != NULL);
    for (k = 0; k < NSIMS; k++) {
        so.token = k == LOCKED ? "the-token" : NULL;
        t->sims[k] = sim_thread_start(&so, &t->ports[k], &cause);
        if (t->sims[k] == NULL) {
            fprintf(stderr, "sim: %s\n", cause);
            return 1;
        }
    }
    kc = xasprintf("%s/config", dir);
    write_kubeconfig(t, kc);

    CHECK(uv_loop_init(&t->uv) == 0);
    t->loop = kloop_create(&t->uv);
    uv_timer_init(&t->uv, &t->tick);
    uv_timer_start(&t->tick, tick_cb, 50, 50);
    for (k = 0; k < 2; k++) {
        char            *url = xasprintf("http://127.0.0.1:%d", t->ports[k]);
        struct kube_ctx *ctx = kube_ctx_for_url(url, "default");

        t->direct[k] = kclient_create(t->loop, ctx);
        kube_ctx_free(ctx);
        free(url);
    }
    create_pod(t, ALPHA, "default", "alpha-1");
    create_pod(t, ALPHA, "default", "alpha-2");
    create_pod(t, BETA, "default", "beta-1");
    api(t, BETA, "POST", "/api/v1/namespaces",
        "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\","
        "\"metadata\":{\"name\":\"other\"}}");
    CHECK(run_until(t, idle, 30));
    create_pod(t, BETA, "other", "beta-other");
    CHECK(run_until(t, idle, 30));

    t->pods = store_create(&store_pod_ops);
    t->events = store_create(&event_store_ops);
    t->namespaces = store_create(&session_namespace_ops);
    store_listen(t->pods, pods_changed, t);
    memset(&o, 0, sizeof o);
    o.kube.kubeconfig = kc;
    o.pods = t->pods;
    o.events = t->events;
    o.namespaces = t->namespaces;
    o.start_ns = start_ns;
    o.status = on_status;
    o.changed = on_changed;
    o.data = t;

    /* A context that doesn't resolve is refused up front. */
    o.kube.context = "ghost";
    CHECK(session_create(t->loop, &o, &cause) == NULL);
    CHECK(strstr(cause, "user \"missing\" does not exist") != NULL);
    free(cause);
    cause = NULL;

    o.kube.context = NULL; /* current-context: alpha */
    t->sess = session_create(t->loop, &o, &cause);
    CHECK(t->sess != NULL);
    CHECK(strcmp(session_ctx(t->sess)->context, "alpha") == 0);
    session_start(t->sess);
    expect_server(t, ALPHA, "/api/v1/namespaces/default/pods");
    CHECK(store_find(t->pods, "default/alpha-1") != NULL);

    /* The kubeconfig's contexts, sorted, the current one marked. */
    CHECK(session_contexts(t->sess, &names, &n, &cur, &cause) == 0);
    CHECK(n == 4);
    CHECK(strcmp(names[0], "alpha") == 0 && strcmp(names[1], "beta") == 0 &&
          strcmp(names[2], "ghost") == 0 && strcmp(names[3], "locked") == 0);
    CHECK(cur == 0);
    session_contexts_free(names, n);

    /* Back and forth while both clusters change. */
    for (i = 0; i < 3; i++) {
        char name[32];

        do_switch(t, "beta", NULL);
        CHECK(t->changed == (int)(2 * i + 1));
        snprintf(name, sizeof name, "beta-n%zu", i);
        create_pod(t, BETA, "default", name);
        snprintf(name, sizeof name, "alpha-n%zu", i);
        create_pod(t, ALPHA, "default", name);
        expect_server(t, BETA, "/api/v1/namespaces/default/pods");
        CHECK(store_find(t->pods, "default/alpha-1") == NULL);
        CHECK(store_find(t->pods, "default/beta-1") != NULL);

        do_switch(t, "alpha", NULL);
        if (i == 1)
            delete_pod(t, ALPHA, "default", "alpha-2");
        expect_server(t, ALPHA, "/api/v1/namespaces/default/pods");
        CHECK(store_find(t->pods, "default/beta-1") == NULL);
        CHECK((store_find(t->pods, "default/alpha-2") != NULL) == (i == 0));
    }
    CHECK(session_contexts(t->sess, &names, &n, &cur, &cause) == 0);
    CHECK(cur == 0);
    session_contexts_free(names, n);

    /* Bad credentials: the server's 401 reaches the status, and switching
     * away still works. */
    do_switch(t, "locked", NULL);
    CHECK(run_until(t, has_error, 60));
    CHECK(store_count(t->pods) == 0);
    CHECK(session_contexts(t->sess, &names, &n, &cur, &cause) == 0);
    CHECK(cur == 3);
    session_contexts_free(names, n);
    do_switch(t, "beta", NULL);
    expect_server(t, BETA, "/api/v1/namespaces/default/pods");

    /* An unknown context is refused; beta keeps running. */
    CHECK(session_switch(t->sess, "nope", NULL, &cause) != 0);
    CHECK(strstr(cause, "context \"nope\" does not exist") != NULL);
    free(cause);
    cause = NULL;
    CHECK(strcmp(session_ctx(t->sess)->context, "beta") == 0);
    create_pod(t, BETA, "default", "beta-after");
    expect_server(t, BETA, "/api/v1/namespaces/default/pods");
    CHECK(store_find(t->pods, "default/beta-after") != NULL);

    /* Namespaces: the list is live; switching keeps the client. */
    api(t, BETA, "POST", "/api/v1/namespaces",
        "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\","
        "\"metadata\":{\"name\":\"later\"}}");
    CHECK(run_until(t, has_namespaces, 60));
    {
        struct kclient *before = session_client(t->sess);

        do_switch(t, NULL, "other");
        CHECK(session_client(t->sess) == before);
    }
    CHECK(strcmp(session_ctx(t->sess)->ns, "other") == 0);
    expect_server(t, BETA, "/api/v1/namespaces/other/pods");
    CHECK(store_find(t->pods, "other/beta-other") != NULL);
    CHECK(store_find(t->pods, "default/beta-1") == NULL);
    do_switch(t, NULL, SESSION_ALL_NAMESPACES);
    CHECK(session_ctx(t->sess)->all_ns);
    expect_server(t, BETA, "/api/v1/pods");
    CHECK(store_find(t->pods, "other/beta-other") != NULL);
    CHECK(store_find(t->pods, "default/beta-1") != NULL);
    do_switch(t, NULL, NULL); /* the context's own namespace */
    CHECK(strcmp(session_ctx(t->sess)->ns, "default") == 0);
    CHECK(!session_ctx(t->sess)->all_ns);
    expect_server(t, BETA, "/api/v1/namespaces/default/pods");
    n = session_namespaces(t->sess, &names);
    CHECK(n >= 2);
    for (i = 0; i + 1 < n; i++)
        CHECK(strcmp(names[i], names[i + 1]) < 0);
    session_contexts_free(names, n);

    /* A configured start namespace applies when none is asked for. */
    beta_ns = "other";
    do_switch(t, "alpha", NULL);
    expect_server(t, ALPHA, "/api/v1/namespaces/default/pods");
    do_switch(t, "beta", NULL);
    CHECK(strcmp(session_ctx(t->sess)->ns, "other") == 0);
    expect_server(t, BETA, "/api/v1/namespaces/other/pods");
    do_switch(t, NULL, "default");
    CHECK(strcmp(session_ctx(t->sess)->ns, "default") == 0);
    expect_server(t, BETA, "/api/v1/namespaces/default/pods");

    /* A label selector restarts only the pods watch, with labelSelector
     * (escaped) on the server: the store then holds exactly the server's
     * matching pods, without emptying first; clearing restores all. */
    create_pod_app(t, BETA, "default", "sel-x1", "x");
    create_pod_app(t, BETA, "default", "sel-y1", "y");
    CHECK(run_until(t, idle, 30));
    expect_server(t, BETA, "/api/v1/namespaces/default/pods");
    {
        struct kclient *before = session_client(t->sess);
        int             changed = t->changed;

        t->saw_empty = 0;
        CHECK(session_set_selector(t->sess, "app=x") == 1);
        CHECK(strcmp(session_selector(t->sess), "app=x") == 0);
        CHECK(session_set_selector(t->sess, "app=x") == 0);
        expect_server(t, BETA,
                      "/api/v1/namespaces/default/pods?labelSelector=app%3Dx");
        CHECK(store_find(t->pods, "default/sel-x1") != NULL);
        CHECK(store_find(t->pods, "default/sel-y1") == NULL);
        CHECK(store_find(t->pods, "default/beta-1") == NULL);
        CHECK(!t->saw_empty);
        CHECK(session_client(t->sess) == before);
        CHECK(t->changed == changed);
        /* The watch has the selector too. */
        create_pod_app(t, BETA, "default", "sel-x2", "x");
        create_pod_app(t, BETA, "default", "sel-y2", "y");
        CHECK(run_until(t, idle, 30));
        expect_server(t, BETA,
                      "/api/v1/namespaces/default/pods?labelSelector=app%3Dx");
        CHECK(store_find(t->pods, "default/sel-x2") != NULL);
        CHECK(store_find(t->pods, "default/sel-y2") == NULL);
    }
    /* Set-based, with characters the query must escape. */
    CHECK(session_set_selector(t->sess, "app in (y, z)") == 1);
    expect_server(t, BETA,
                  "/api/v1/namespaces/default/pods"
                  "?labelSelector=app%20in%20%28y%2C%20z%29");
    CHECK(store_find(t->pods, "default/sel-y1") != NULL);
    CHECK(store_find(t->pods, "default/sel-x1") == NULL);
    /* The server refuses a bad one: its message reaches the status. */
    CHECK(session_set_selector(t->sess, "app(x)") == 1);
    CHECK(run_until(t, has_sel_error, 60));
    /* Cleared: every pod again. */
    CHECK(session_set_selector(t->sess, "") == 1);
    CHECK(session_selector(t->sess) == NULL);
    expect_server(t, BETA, "/api/v1/namespaces/default/pods");
    CHECK(store_find(t->pods, "default/sel-y2") != NULL);
    CHECK(store_find(t->pods, "default/beta-1") != NULL);
    /* A switch keeps the selector. */
    CHECK(session_set_selector(t->sess, "app=y") == 1);
    do_switch(t, NULL, "default");
    expect_server(t, BETA,
                  "/api/v1/namespaces/default/pods?labelSelector=app%3Dy");
    CHECK(store_find(t->pods, "default/sel-y2") != NULL);
    CHECK(store_find(t->pods, "default/sel-x2") == NULL);
    /* Replaced just before the close: the old reflector still closes. */
    CHECK(session_set_selector(t->sess, NULL) == 1);

    /* Close: no callback after, every handle gone. */
    session_close(t->sess, sess_closed, t);
    t->closing = 1;
    CHECK(run_until(t, is_sess_closed, 30));
    for (k = 0; k < 2; k++)
        kclient_free(t->direct[k]);
    uv_close((uv_handle_t *)&t->tick, tick_closed);
    kloop_close(t->loop, loop_closed, t);
    uv_run(&t->uv, UV_RUN_DEFAULT);
    CHECK(t->closed);
    CHECK(uv_loop_close(&t->uv) == 0);
    store_free(t->pods);
    store_free(t->events);
    store_free(t->namespaces);
    cJSON_Delete(t->fresh);
    free(t->error);
    for (k = 0; k < NSIMS; k++)
        CHECK(sim_thread_stop(t->sims[k]) == 0);
    unlink(kc);
    rmdir(dir);
    free(kc);
    fprintf(stderr, "ok\n");
    return 0;
}
