/*
 * A server that accepts connections but never answers: the reflector must
 * give up on the request (a list that never comes back, a watch that
 * outlives its timeoutSeconds in silence), say so in its status, back off,
 * and recover with the store equal to the server's state once a real
 * server (kpod-sim) listens on the same port. Without a client-side
 * timeout the reflector would wait on the first request forever.
 */
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
#define MAXCONNS 256

/* The mute server: accepts, reads, never writes (mode SILENT); or answers
 * lists with an empty PodList and leaves watches silent (mode MUTE_WATCH). */
enum mute_mode { SILENT, MUTE_WATCH };

struct mconn {
    uv_tcp_t    tcp;
    struct kbuf in;
    int         answered, open;
};

struct t {
    uv_loop_t         uv;
    struct kloop     *loop;
    struct kclient   *client;
    struct store     *store;
    struct reflector *refl;
    uv_tcp_t          mute;
    int               mute_open;
    enum mute_mode    mode;
    struct mconn     *conns[MAXCONNS];
    int               nconns, accepted, watches_seen, lists_seen;
    int               closed, inflight, created;
    cJSON            *fresh;
    int               listing;
    int64_t           last_list_ms;
    char              last_error[512];
    int               saw_timeout;
};

static struct t T;

static void
on_status(struct reflector *r, void *data)
{
    struct t                      *t = data;
    const struct reflector_status *st = reflector_status(r);

    if (st->error != NULL) {
        snprintf(t->last_error, sizeof t->last_error, "%s", st->error);
        if (strstr(st->error, "timed out") != NULL &&
            st->state == REFLECTOR_RETRYING)
            t->saw_timeout = 1;
    }
}

static void
mconn_closed(uv_handle_t *h)
{
    struct mconn *c = h->data;

    kbuf_done(&c->in);
    free(c);
}

static void
mwrite_done(uv_write_t *w, int status)
{
    (void)status;
    free(w->data);
    free(w);
}

static void
malloc_cb(uv_handle_t *h, size_t n, uv_buf_t *b)
{
    (void)h;
    b->base = xmalloc(n);
    b->len = n;
}

static void
mread_cb(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
    struct mconn *c = s->data;

    if (n < 0) {
        free(b->base);
        return; /* closed with the listener, not before: stay mute */
    }
    kbuf_append(&c->in, b->base, (size_t)n);
    free(b->base);
    if (c->answered || strstr(c->in.data, "\r\n\r\n") == NULL)
        return;
    c->answered = 1;
    if (strstr(c->in.data, "watch=1") != NULL) {
        T.watches_seen++;
        return; /* a watch: headers never come */
    }
    T.lists_seen++;
    if (T.mode == MUTE_WATCH) {
        static const char body[] =
            "{\"kind\":\"PodList\",\"apiVersion\":\"v1\","
            "\"metadata\":{\"resourceVersion\":\"5\"},\"items\":[]}";
        uv_write_t *w = xmalloc(sizeof *w);
        uv_buf_t    buf;

        w->data = xasprintf("HTTP/1.1 200 OK\r\nContent-Type: "
                            "application/json\r\nContent-Length: %zu\r\n\r\n%s",
                            sizeof body - 1, body);
        buf = uv_buf_init(w->data, (unsigned)strlen(w->data));
        uv_write(w, s, &buf, 1, mwrite_done);
    }
}

static void
mconnect_cb(uv_stream_t *l, int status)
{
    struct mconn *c;

    if (status < 0)
        return;
    c = xcalloc(1, sizeof *c);
    kbuf_init(&c->in);
    uv_tcp_init(l->loop, &c->tcp);
    c->tcp.data = c;
    if (uv_accept(l, (uv_stream_t *)&c->tcp) != 0 || T.nconns == MAXCONNS) {
        uv_close((uv_handle_t *)&c->tcp, mconn_closed);
        return;
    }
    T.accepted++;
    T.conns[T.nconns++] = c;
    uv_read_start((uv_stream_t *)&c->tcp, malloc_cb, mread_cb);
}

static int
mute_start(struct t *t, int port)
{
    struct sockaddr_in addr, got;
    int                len = sizeof got;

    uv_tcp_init(&t->uv, &t->mute);
    uv_ip4_addr("127.0.0.1", port, &addr);
    CHECK(uv_tcp_bind(&t->mute, (struct sockaddr *)&addr, 0) == 0);
    CHECK(uv_listen((uv_stream_t *)&t->mute, 64, mconnect_cb) == 0);
    CHECK(uv_tcp_getsockname(&t->mute, (struct sockaddr *)&got, &len) == 0);
    t->mute_open = 1;
    return ntohs(got.sin_port);
}

static void
mute_listener_closed(uv_handle_t *h)
{
    (void)h;
    T.mute_open = 0;
}

static void
mute_stop(struct t *t)
{
    for (int i = 0; i < t->nconns; i++)
        uv_close((uv_handle_t *)&t->conns[i]->tcp, mconn_closed);
    t->nconns = 0;
    uv_close((uv_handle_t *)&t->mute, mute_listener_closed);
}

static void
tick_cb(uv_timer_t *h)
{
    (void)h;
}

static void
tick_closed(uv_handle_t *h)
{
    (void)h;
}

/* Run the loop until cond or the deadline; a ticking timer makes sure the
 * deadline is seen even when nothing else would wake the loop (the very
 * hang this test is about). */
static int
run_until(struct t *t, int (*cond)(struct t *), int secs)
{
    int64_t    deadline = know_ms() + secs * 1000;
    uv_timer_t tick;
    int        ok;

    uv_timer_init(&t->uv, &tick);
    uv_timer_start(&tick, tick_cb, 100, 100);
    while (!cond(t) && know_ms() < deadline)
        uv_run(&t->uv, UV_RUN_ONCE);
    ok = cond(t);
    uv_close((uv_handle_t *)&tick, tick_closed);
    uv_run(&t->uv, UV_RUN_NOWAIT);
    return ok;
}

static int
timed_out(struct t *t)
{
    return t->saw_timeout;
}

static int
mute_gone(struct t *t)
{
    return !t->mute_open;
}

static int
is_live(struct t *t)
{
    const struct reflector_status *st = reflector_status(t->refl);

    return st->state == REFLECTOR_LIVE && st->error == NULL;
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

static void
create_pods(struct t *t, int n)
{
    for (int i = 0; i < n; i++) {
        char *body = xasprintf(
            "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":"
            "\"after-timeout-%d\"},\"spec\":{\"containers\":[{\"name\":"
            "\"c\",\"image\":\"busybox\"}]}}",
            i);
        struct khttp_opts o = {.method = "POST",
                               .path = "/api/v1/namespaces/" NS "/pods",
                               .body = body,
                               .body_len = strlen(body)};
        char             *cause = NULL;

        CHECK(khttp_request(t->client, &o, req_done, t, &cause) != NULL);
        t->inflight++;
        free(body);
    }
}

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

/* The store equals a fresh LIST: same names, uids and versions. */
static int
store_matches(struct t *t)
{
    const cJSON *items = cJSON_GetObjectItem(t->fresh, "items"), *it;
    size_t       n = 0;

    if (!cJSON_IsArray(items))
        return 0;
    cJSON_ArrayForEach(it, items)
    {
        const cJSON      *md = cJSON_GetObjectItem(it, "metadata");
        char              key[300];
        struct store_obj *o;

        snprintf(key, sizeof key, "%s/%s", NS,
                 cJSON_GetObjectItem(md, "name")->valuestring);
        o = store_find(t->store, key);
        if (o == NULL ||
            strcmp(o->uid, cJSON_GetObjectItem(md, "uid")->valuestring) != 0 ||
            strcmp(o->rv,
                   cJSON_GetObjectItem(md, "resourceVersion")->valuestring) !=
                0)
            return 0;
        n++;
    }
    return n == store_count(t->store);
}

static int
settled(struct t *t)
{
    if (t->inflight > 0 || t->created < 5 || !is_live(t))
        return 0;
    if (!t->listing) {
        if (t->fresh != NULL && store_matches(t) && store_count(t->store) >= 5)
            return 1;
        if (know_ms() - t->last_list_ms >= 100) {
            struct khttp_opts o = {.path = "/api/v1/namespaces/" NS "/pods"};
            char             *cause = NULL;

            t->last_list_ms = know_ms();
            t->listing = 1;
            CHECK(khttp_request(t->client, &o, list_done, t, &cause) != NULL);
        }
    }
    return 0;
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
setup(struct t *t, int port, int watch_timeout_s)
{
    struct reflector_opts ro = {.path = "/api/v1/namespaces/" NS "/pods",
                                .watch_timeout_s = watch_timeout_s,
                                .request_timeout_ms = 1500};
    char                 *url = xasprintf("http://127.0.0.1:%d", port);
    struct kube_ctx      *ctx = kube_ctx_for_url(url, NS);

    free(url);
    t->client = kclient_create(t->loop, ctx);
    kube_ctx_free(ctx);
    t->store = store_create(&store_pod_ops);
    t->refl = reflector_create(t->client, t->store, &ro, on_status, t);
    reflector_start(t->refl);
}

static void
teardown(struct t *t)
{
    reflector_close(t->refl, refl_closed, t);
    CHECK(run_until(t, refl_gone, 10));
    kclient_free(t->client);
    t->client = NULL;
    store_free(t->store);
    t->store = NULL;
    cJSON_Delete(t->fresh);
    t->fresh = NULL;
}

/* A list that never answers times out and is retried; then a real server
 * takes the port and everything created there arrives. */
static void
case_silent_then_sim(struct t *t)
{
    struct sim_opts    so = {.host = "127.0.0.1", .scenario = "empty"};
    struct sim_thread *sim;
    char              *cause = NULL;
    int                port, simport = 0;
    int64_t            start = know_ms();

    fprintf(stderr, "== silent server, then kpod-sim on its port\n");
    t->mode = SILENT;
    port = mute_start(t, 0);
    setup(t, port, 0);
    CHECK(run_until(t, timed_out, 60));
    fprintf(stderr, "timed out after %lld ms: %s\n",
            (long long)(know_ms() - start), t->last_error);
    CHECK(t->accepted >= 1 && t->lists_seen >= 1);
    CHECK(reflector_status(t->refl)->state == REFLECTOR_RETRYING);
    CHECK(store_count(t->store) == 0);

    /* The server comes back for real on the same port. */
    mute_stop(t);
    CHECK(run_until(t, mute_gone, 10));
    so.port = port;
    sim = sim_thread_start(&so, &simport, &cause);
    if (sim == NULL) {
        fprintf(stderr, "sim: %s\n", cause);
        exit(1);
    }
    CHECK(simport == port);
    create_pods(t, 5);
    if (!run_until(t, settled, 120)) {
        fprintf(stderr, "state %d error %s, %zu pods, created %d\n",
                reflector_status(t->refl)->state, t->last_error,
                store_count(t->store), t->created);
        CHECK(!"never recovered after the silent server");
    }
    fprintf(stderr, "recovered: %zu pods, lists %llu\n", store_count(t->store),
            (unsigned long long)reflector_status(t->refl)->lists);
    teardown(t);
    CHECK(sim_thread_stop(sim) == 0);
}

static int
rewatched(struct t *t)
{
    return t->saw_timeout && t->watches_seen >= 2;
}

/* The list answers, the watch's headers never come: the watch is given up
 * after its timeoutSeconds plus the slack, and tried again. */
static void
case_silent_watch(struct t *t)
{
    int64_t start = know_ms();
    int     port;

    fprintf(stderr, "== list answers, watch stays silent\n");
    t->saw_timeout = 0;
    t->accepted = t->lists_seen = t->watches_seen = 0;
    t->mode = MUTE_WATCH;
    port = mute_start(t, 0);
    setup(t, port, 1);
    CHECK(run_until(t, rewatched, 60));
    fprintf(stderr, "watch given up and retried after %lld ms: %s\n",
            (long long)(know_ms() - start), t->last_error);
    /* not before timeoutSeconds (1 s) + slack (1.5 s) */
    CHECK(know_ms() - start >= 2500);
    CHECK(reflector_status(t->refl)->lists >= 1);
    teardown(t);
    mute_stop(t);
    CHECK(run_until(t, mute_gone, 10));
}

int
main(void)
{
    struct t *t = &T;

    signal(SIGPIPE, SIG_IGN);
    CHECK(uv_loop_init(&t->uv) == 0);
    t->loop = kloop_create(&t->uv);
    case_silent_then_sim(t);
    case_silent_watch(t);
    kloop_close(t->loop, loop_closed, t);
    uv_run(&t->uv, UV_RUN_DEFAULT);
    CHECK(t->closed);
    CHECK(uv_loop_close(&t->uv) == 0);
    fprintf(stderr, "ok\n");
    return 0;
}
