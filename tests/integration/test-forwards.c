/*
 * The forward manager (forwards.c) against an in-process kpod-sim: a
 * forward lists its pod, ports, state and kubectl's messages, and curl's
 * equivalent gets "Welcome! http-go" through it; a local port in use is
 * refused and changes nothing; stopping one closes its port and leaves
 * the other; a forward that follows its workload moves to the same
 * controller's new pod when the old one is deleted; freeing the set
 * closes everything and the loop closes cleanly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "forwards.h"
#include "khttp.h"
#include "kubeconfig.h"
#include "loop.h"
#include "sim.h"
#include "store.h"
#include "util.h"

struct t {
    uv_loop_t          uv;
    uv_timer_t         ticker;
    struct kloop      *loop;
    struct kclient    *client;
    struct sim_thread *sim;
    int                port;
    struct kbuf        lines;
    int                nerrors;
    /* api() */
    int   api_done;
    long  api_status;
    char *api_body;
};

/* A condition can come true in the timer phase of uv_run(UV_RUN_ONCE),
 * which then blocks in poll: a ticker keeps each turn short. */
static void
ticker_cb(uv_timer_t *t)
{
}

#define RUN_UNTIL(t, cond)                                                     \
    do {                                                                       \
        uint64_t t0_ = uv_hrtime();                                            \
        while (!(cond) && uv_hrtime() - t0_ < 120000000000ull)                 \
            uv_run(&(t)->uv, UV_RUN_ONCE);                                     \
        assert_true(cond);                                                     \
    } while (0)

static void
api_done(struct khttp_req *req, const struct khttp_response *r, void *data)
{
    struct t *t = data;

    t->api_done = 1;
    t->api_status = r->status;
    free(t->api_body);
    t->api_body = xstrndup(r->body != NULL ? r->body : "", r->body_len);
}

/* A request run to completion; returns the status. */
static long
api(struct t *t, const char *method, const char *path, const char *body)
{
    struct khttp_opts o = {.method = method,
                           .path = path,
                           .body = body,
                           .body_len = body ? strlen(body) : 0,
                           .max_retries = -1};
    char             *cause = NULL;

    t->api_done = 0;
    assert_non_null(khttp_request(t->client, &o, api_done, t, &cause));
    RUN_UNTIL(t, t->api_done);
    return t->api_status;
}

/* Poll until the pod's phase is Running (a fresh loop turn each time). */
static int
pod_running(struct t *t, const char *name)
{
    char  *path = xasprintf("/api/v1/namespaces/default/pods/%s", name);
    cJSON *j, *phase;
    int    ok = 0;

    if (api(t, "GET", path, NULL) == 200) {
        j = cJSON_Parse(t->api_body);
        phase = cJSON_GetObjectItemCaseSensitive(
            cJSON_GetObjectItemCaseSensitive(j, "status"), "phase");
        ok = cJSON_IsString(phase) &&
             strcmp(phase->valuestring, "Running") == 0 &&
             cJSON_GetObjectItemCaseSensitive(
                 cJSON_GetObjectItemCaseSensitive(j, "metadata"),
                 "deletionTimestamp") == NULL;
        cJSON_Delete(j);
    }
    free(path);
    return ok;
}

static int
pod_gone(struct t *t, const char *name)
{
    char *path = xasprintf("/api/v1/namespaces/default/pods/%s", name);
    long  st = api(t, "GET", path, NULL);

    free(path);
    return st == 404;
}

/* --- a local TCP client --- */

struct client {
    struct t    *t;
    uv_tcp_t     tcp;
    uv_connect_t connect;
    uv_write_t   write;
    struct kbuf  in;
    char        *out;
    size_t       out_len;
    size_t       expect; /* close once this much came back (0 = at EOF) */
    int          eof, closed, failed;
};

static void
cl_closed(uv_handle_t *h)
{
    struct client *c = h->data;

    c->closed = 1;
}

static void
cl_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
    static char slab[65536];

    *buf = uv_buf_init(slab, sizeof slab);
}

static void
cl_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    struct client *c = s->data;

    if (n < 0) {
        c->eof = 1;
        uv_close((uv_handle_t *)&c->tcp, cl_closed);
        return;
    }
    kbuf_append(&c->in, buf->base, (size_t)n);
    if (c->expect > 0 && c->in.len >= c->expect) {
        c->eof = 1;
        uv_read_stop(s);
        uv_close((uv_handle_t *)&c->tcp, cl_closed);
    }
}

static void
cl_written(uv_write_t *req, int status)
{
}

static void
cl_connected(uv_connect_t *req, int status)
{
    struct client *c = req->data;
    uv_buf_t       buf = uv_buf_init(c->out, (unsigned)c->out_len);

    if (status < 0) {
        c->failed = 1;
        c->eof = 1;
        uv_close((uv_handle_t *)&c->tcp, cl_closed);
        return;
    }
    uv_read_start((uv_stream_t *)&c->tcp, cl_alloc, cl_read);
    uv_write(&c->write, (uv_stream_t *)&c->tcp, &buf, 1, cl_written);
}

static void
cl_start(struct t *t, struct client *c, int port, char *out, size_t n,
         size_t expect)
{
    struct sockaddr_in sa;

    memset(c, 0, sizeof *c);
    c->t = t;
    kbuf_init(&c->in);
    kbuf_puts(&c->in, "");
    c->out = out;
    c->out_len = n;
    c->expect = expect;
    uv_tcp_init(&t->uv, &c->tcp);
    c->tcp.data = c;
    c->connect.data = c;
    uv_ip4_addr("127.0.0.1", port, &sa);
    assert_int_equal(uv_tcp_connect(&c->connect, &c->tcp,
                                    (struct sockaddr *)&sa, cl_connected),
                     0);
}

/* One HTTP GET through the forward; returns the whole answer. */
static char *
http_get(struct t *t, int port)
{
    static char   req[] = "GET / HTTP/1.1\r\nHost: localhost\r\n"
                          "Connection: close\r\n\r\n";
    struct client c;

    cl_start(t, &c, port, req, strlen(req), 0);
    RUN_UNTIL(t, c.closed);
    return kbuf_steal(&c.in);
}

/* --- setup --- */

static void
kloop_closed(void *data)
{
    *(int *)data = 1;
}

static void
t_setup(struct t *t)
{
    struct sim_opts  so = {.host = "127.0.0.1", .scenario = "demo"};
    struct kube_ctx *ctx;
    char            *cause = NULL, *url;

    memset(t, 0, sizeof *t);
    t->sim = sim_thread_start(&so, &t->port, &cause);
    assert_non_null(t->sim);
    assert_int_equal(uv_loop_init(&t->uv), 0);
    uv_timer_init(&t->uv, &t->ticker);
    uv_timer_start(&t->ticker, ticker_cb, 20, 20);
    t->loop = kloop_create(&t->uv);
    url = xasprintf("http://127.0.0.1:%d", t->port);
    ctx = kube_ctx_for_url(url, "default");
    t->client = kclient_create(t->loop, ctx);
    kube_ctx_free(ctx);
    free(url);
    kbuf_init(&t->lines);
    kbuf_puts(&t->lines, "");
}

static void
t_teardown(struct t *t)
{
    int closed = 0;

    kclient_free(t->client);
    kloop_close(t->loop, kloop_closed, &closed);
    uv_close((uv_handle_t *)&t->ticker, NULL);
    uv_run(&t->uv, UV_RUN_DEFAULT);
    assert_true(closed);
    assert_int_equal(uv_loop_close(&t->uv), 0);
    sim_thread_stop(t->sim);
    kbuf_done(&t->lines);
    free(t->api_body);
}

static void
on_changed(void *data)
{
    struct t *t = data;

    t->nerrors++; /* counts notifications here */
}

static void
freed(void *data)
{
    *(int *)data = 1;
}

static int
row_has_line(struct forwards *fw, size_t i, const char *line)
{
    struct forwards_row r;
    size_t              k;

    if (forwards_row(fw, i, &r) != 0)
        return 0;
    for (k = 0; k < r.nlines; k++)
        if (strcmp(r.lines[k], line) == 0)
            return 1;
    return 0;
}

/* Connecting to port: 1 when refused (nothing listens). */
static int
refused(struct t *t, int port)
{
    struct client c;
    int           failed;

    cl_start(t, &c, port, "x", 1, 0);
    RUN_UNTIL(t, c.closed);
    failed = c.failed;
    kbuf_done(&c.in);
    return failed;
}

static void
test_manager(void **state)
{
    struct t             t;
    struct forwards     *fw;
    struct forwards_spec s = {.pod = "http-go", .remote_port = 8080};
    struct forwards_row  r;
    char                *cause = NULL, *answer, *want;
    int                  id1, id2, port1, port2, done = 0;

    t_setup(&t);
    RUN_UNTIL(&t, pod_running(&t, "http-go"));
    fw = forwards_create(NULL, on_changed, &t);
    id1 = forwards_add(fw, t.client, &s, &cause);
    assert_true(id1 > 0);
    assert_true(t.nerrors > 0);
    assert_int_equal(forwards_count(fw), 1);
    assert_int_equal(forwards_row(fw, 0, &r), 0);
    assert_int_equal(r.id, id1);
    assert_string_equal(r.ns, "default");
    assert_string_equal(r.pod, "http-go");
    assert_string_equal(r.info.address, "127.0.0.1");
    assert_int_equal(r.info.remote_port, 8080);
    assert_string_equal(r.info.state_text, "listening");
    port1 = r.info.local_port;
    assert_true(port1 > 0);
    want = xasprintf("Forwarding from 127.0.0.1:%d -> 8080", port1);
    assert_int_equal(r.nlines, 1);
    assert_string_equal(r.lines[0], want);
    free(want);

    answer = http_get(&t, port1);
    assert_non_null(strstr(answer, "Welcome! http-go"));
    free(answer);
    want = xasprintf("Handling connection for %d", port1);
    assert_true(row_has_line(fw, 0, want));
    free(want);
    assert_int_equal(forwards_row(fw, 0, &r), 0);
    assert_int_equal(r.info.connections, 1);
    assert_true(r.info.bytes_in > strlen("Welcome! http-go"));

    /* the taken port: refused with the reason, nothing changes */
    s.local_port = port1;
    assert_int_equal(forwards_add(fw, t.client, &s, &cause), -1);
    assert_non_null(strstr(cause, "address already in use"));
    free(cause);
    cause = NULL;
    assert_int_equal(forwards_count(fw), 1);

    /* a second one; stopping the first closes only its port */
    s.local_port = 0;
    id2 = forwards_add(fw, t.client, &s, &cause);
    assert_true(id2 > id1);
    assert_int_equal(forwards_count(fw), 2);
    assert_int_equal(forwards_row(fw, 1, &r), 0);
    port2 = r.info.local_port;
    assert_int_equal(forwards_stop(fw, id1), 0);
    assert_int_equal(forwards_stop(fw, id1), -1);
    assert_int_equal(forwards_count(fw), 1);
    assert_int_equal(forwards_row(fw, 0, &r), 0);
    assert_int_equal(r.id, id2);
    RUN_UNTIL(&t, refused(&t, port1));
    answer = http_get(&t, port2);
    assert_non_null(strstr(answer, "Welcome! http-go"));
    free(answer);

    forwards_free(fw, freed, &done);
    RUN_UNTIL(&t, done);
    assert_true(refused(&t, port2));
    t_teardown(&t);
}

/* Create a copy of http-go named name, controlled by owner uid. */
static void
create_owned(struct t *t, const char *name, const char *uid)
{
    cJSON *pod, *md;
    char  *spec, *refs;

    assert_int_equal(
        api(t, "GET", "/api/v1/namespaces/default/pods/http-go", NULL), 200);
    pod = cJSON_Parse(t->api_body);
    cJSON_DeleteItemFromObject(pod, "status");
    cJSON_DeleteItemFromObject(pod, "metadata");
    md = cJSON_AddObjectToObject(pod, "metadata");
    cJSON_AddStringToObject(md, "name", name);
    refs = xasprintf("[{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\","
                     "\"name\":\"web-abc\",\"uid\":\"%s\","
                     "\"controller\":true}]",
                     uid);
    cJSON_AddItemToObject(md, "ownerReferences", cJSON_Parse(refs));
    free(refs);
    spec = cJSON_PrintUnformatted(pod);
    cJSON_Delete(pod);
    assert_int_equal(api(t, "POST", "/api/v1/namespaces/default/pods", spec),
                     201);
    free(spec);
}

/* Put the server's current pod into the store (what the reflector does). */
static void
store_pod(struct t *t, struct store *st, const char *name)
{
    char  *path = xasprintf("/api/v1/namespaces/default/pods/%s", name);
    cJSON *j;

    assert_int_equal(api(t, "GET", path, NULL), 200);
    free(path);
    j = cJSON_Parse(t->api_body);
    store_batch_begin(st);
    assert_int_equal(store_upsert(st, j), 0);
    store_batch_end(st);
    cJSON_Delete(j);
}

static void
test_follow(void **state)
{
    struct t             t;
    struct store        *st = store_create(&store_pod_ops);
    struct forwards     *fw;
    struct forwards_spec s = {.pod = "web-1", .remote_port = 8080, .follow = 1};
    struct forwards_row  r;
    char                *cause = NULL, *answer;
    int                  port, done = 0;

    t_setup(&t);
    RUN_UNTIL(&t, pod_running(&t, "http-go"));
    create_owned(&t, "web-1", "rs-1");
    create_owned(&t, "other", "rs-2"); /* another controller: never taken */
    RUN_UNTIL(&t, pod_running(&t, "web-1"));
    RUN_UNTIL(&t, pod_running(&t, "other"));
    store_pod(&t, st, "web-1");
    store_pod(&t, st, "other");
    fw = forwards_create(st, NULL, NULL);
    assert_true(forwards_add(fw, t.client, &s, &cause) > 0);
    assert_int_equal(forwards_row(fw, 0, &r), 0);
    port = r.info.local_port;
    answer = http_get(&t, port);
    assert_non_null(strstr(answer, "Welcome!"));
    free(answer);

    /* the pod goes, its controller's replacement comes */
    assert_int_equal(api(&t, "DELETE",
                         "/api/v1/namespaces/default/pods/web-1"
                         "?gracePeriodSeconds=0",
                         NULL),
                     200);
    RUN_UNTIL(&t, pod_gone(&t, "web-1"));
    store_batch_begin(st);
    store_delete(st, "default/web-1");
    store_batch_end(st);
    create_owned(&t, "web-2", "rs-1");
    RUN_UNTIL(&t, pod_running(&t, "web-2"));
    store_pod(&t, st, "web-2");

    answer = http_get(&t, port);
    assert_non_null(strstr(answer, "Welcome!"));
    free(answer);
    assert_int_equal(forwards_row(fw, 0, &r), 0);
    assert_string_equal(r.pod, "web-2");
    assert_true(row_has_line(fw, 0, "Forwarding to pod web-2 (was web-1)"));
    assert_int_equal(r.info.connections, 2);

    forwards_free(fw, freed, &done);
    RUN_UNTIL(&t, done);
    t_teardown(&t);
    store_free(st);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_manager),
        cmocka_unit_test(test_follow),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
