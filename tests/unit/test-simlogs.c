/*
 * Unit tests for generated container logs (src/sim/simlogs.c): query
 * parsing and validation, the kubelet's and API server's error texts,
 * tailLines / sinceSeconds / limitBytes / timestamps / previous windows,
 * and a follow stream that sees new lines and ends when the container
 * stops.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "simlogs-int.h"
#include "simlogs.h"
#include "util.h"

static char *
ts(int64_t t)
{
    char buf[32];

    ktime_format(buf, sizeof buf, t);
    return xstrdup(buf);
}

/* A pod with one container (or two), in the given state. */
static cJSON *
make_pod(const char *image, const char *state, int64_t started, int restarts,
         int64_t last_start, int64_t last_end, const char *rate, int two)
{
    cJSON *pod = cJSON_CreateObject(), *md, *spec, *cs, *c, *status, *css, *st,
          *s, *ann;
    char *t;

    md = cJSON_AddObjectToObject(pod, "metadata");
    cJSON_AddStringToObject(md, "name", "web");
    cJSON_AddStringToObject(md, "namespace", "default");
    cJSON_AddStringToObject(md, "uid", "uid-web");
    if (rate != NULL) {
        ann = cJSON_AddObjectToObject(md, "annotations");
        cJSON_AddStringToObject(ann, "kpod-sim/log-rate", rate);
    }
    spec = cJSON_AddObjectToObject(pod, "spec");
    cJSON_AddStringToObject(spec, "nodeName", "worker-node1");
    cs = cJSON_AddArrayToObject(spec, "containers");
    c = cJSON_CreateObject();
    cJSON_AddStringToObject(c, "name", "app");
    cJSON_AddStringToObject(c, "image", image);
    cJSON_AddItemToArray(cs, c);
    if (two) {
        c = cJSON_CreateObject();
        cJSON_AddStringToObject(c, "name", "sidecar");
        cJSON_AddStringToObject(c, "image", "busybox");
        cJSON_AddItemToArray(cs, c);
    }
    status = cJSON_AddObjectToObject(pod, "status");
    css = cJSON_AddArrayToObject(status, "containerStatuses");
    st = cJSON_CreateObject();
    cJSON_AddStringToObject(st, "name", "app");
    cJSON_AddNumberToObject(st, "restartCount", restarts);
    s = cJSON_AddObjectToObject(st, "state");
    if (strcmp(state, "running") == 0) {
        c = cJSON_AddObjectToObject(s, "running");
        t = ts(started);
        cJSON_AddStringToObject(c, "startedAt", t);
        free(t);
    } else if (strcmp(state, "terminated") == 0) {
        c = cJSON_AddObjectToObject(s, "terminated");
        t = ts(started);
        cJSON_AddStringToObject(c, "startedAt", t);
        free(t);
        t = ts(know());
        cJSON_AddStringToObject(c, "finishedAt", t);
        free(t);
    } else {
        c = cJSON_AddObjectToObject(s, "waiting");
        cJSON_AddStringToObject(c, "reason", state);
    }
    if (last_start > 0) {
        c = cJSON_AddObjectToObject(cJSON_AddObjectToObject(st, "lastState"),
                                    "terminated");
        t = ts(last_start);
        cJSON_AddStringToObject(c, "startedAt", t);
        free(t);
        t = ts(last_end);
        cJSON_AddStringToObject(c, "finishedAt", t);
        free(t);
    }
    cJSON_AddItemToArray(css, st);
    return pod;
}

struct sink {
    struct kbuf            body;
    struct simlogs_stream *cancel_on_write; /* the connection drops */
    int                    ended, writes;
    cJSON                 *pod;     /* what out.pod returns */
    size_t                 pending; /* what out.queued returns */
};

static void
sink_write(void *d, const char *s, size_t n)
{
    struct sink *k = d;

    kbuf_append(&k->body, s, n);
    k->writes++;
    if (k->cancel_on_write != NULL) {
        /* what simstream does when a write loses the connection */
        simlogs_stream_cancel(k->cancel_on_write);
        k->cancel_on_write = NULL;
    }
}

static void
sink_end(void *d)
{
    ((struct sink *)d)->ended++;
}

static const cJSON *
sink_pod(void *d)
{
    return ((struct sink *)d)->pod;
}

static size_t
sink_queued(void *d)
{
    return ((struct sink *)d)->pending;
}

static const struct simlogs_out sink_out = {sink_write, sink_end, sink_pod,
                                            sink_queued};

/* Run one request to completion; returns the HTTP status. */
static int
request(uv_loop_t *loop, struct simlogs *logs, cJSON *pod, const char *query,
        struct sink *k, char **status)
{
    struct simlogs_opts    o;
    struct simlogs_stream *st;
    int                    rc;

    memset(k, 0, sizeof *k);
    kbuf_init(&k->body);
    kbuf_puts(&k->body, "");
    k->pod = pod;
    rc = simlogs_parse_query(query, "web", &o, status);
    if (rc != 0) {
        kbuf_done(&k->body);
        return rc;
    }
    rc = simlogs_start(logs, pod, &o, &sink_out, k, &st, status);
    simlogs_opts_done(&o);
    if (rc != 200) {
        kbuf_done(&k->body); /* the caller frees only a 200's body */
        return rc;
    }
    assert_int_equal(k->ended, 0); /* never before start returns */
    while (!k->ended)
        uv_run(loop, UV_RUN_ONCE);
    assert_int_equal(k->ended, 1);
    return rc;
}

static int
count_lines(const char *s)
{
    int n = 0;

    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static void
closed(void *d)
{
    (*(int *)d)++;
}

static void
finish(uv_loop_t *loop, struct simlogs *logs)
{
    int done = 0;

    simlogs_close(logs, closed, &done);
    uv_run(loop, UV_RUN_DEFAULT);
    assert_int_equal(done, 1);
    assert_int_equal(uv_loop_close(loop), 0);
}

static void
test_query_validation(void **state)
{
    struct simlogs_opts o;
    char               *st = NULL;

    assert_int_equal(simlogs_parse_query("container=app&follow=true&"
                                         "tailLines=2&timestamps=1&"
                                         "sinceSeconds=10&previous=false",
                                         "web", &o, &st),
                     0);
    assert_string_equal(o.container, "app");
    assert_true(o.follow);
    assert_true(o.timestamps);
    assert_false(o.previous);
    assert_int_equal(o.tail_lines, 2);
    assert_int_equal(o.since_seconds, 10);
    simlogs_opts_done(&o);

    assert_int_equal(simlogs_parse_query("tailLines=-1", "web", &o, &st), 422);
    assert_non_null(strstr(st, "\"reason\":\"Invalid\""));
    free(st);
    assert_int_equal(simlogs_parse_query("limitBytes=0", "web", &o, &st), 422);
    free(st);
    assert_int_equal(simlogs_parse_query("sinceSeconds=0", "web", &o, &st),
                     422);
    free(st);
    assert_int_equal(simlogs_parse_query("sinceSeconds=5&sinceTime="
                                         "2024-01-01T00%3A00%3A00Z",
                                         "web", &o, &st),
                     422);
    assert_non_null(strstr(st, "at most one of"));
    free(st);
}

static void
test_errors(void **state)
{
    uv_loop_t       loop;
    struct simlogs *logs;
    struct sink     k;
    char           *st = NULL;
    cJSON          *pod;

    uv_loop_init(&loop);
    logs = simlogs_create(&loop, 0);

    pod = make_pod("nginx", "running", know() - 5, 0, 0, 0, NULL, 1);
    assert_int_equal(request(&loop, logs, pod, "", &k, &st), 400);
    assert_non_null(strstr(st, "\"message\":\"a container name must be "
                               "specified for pod web, choose one of: "
                               "[app sidecar]\""));
    free(st);
    assert_int_equal(request(&loop, logs, pod, "container=nope", &k, &st), 400);
    assert_non_null(strstr(st, "container nope is not valid for pod web"));
    free(st);
    kbuf_done(&k.body);
    cJSON_Delete(pod);

    pod = make_pod("nginx", "ContainerCreating", 0, 0, 0, 0, NULL, 0);
    assert_int_equal(request(&loop, logs, pod, "", &k, &st), 400);
    assert_non_null(strstr(st, "container \\\"app\\\" in pod \\\"web\\\" is "
                               "waiting to start: ContainerCreating"));
    free(st);
    cJSON_Delete(pod);

    pod = make_pod("nginx", "ImagePullBackOff", 0, 0, 0, 0, NULL, 0);
    assert_int_equal(request(&loop, logs, pod, "", &k, &st), 400);
    assert_non_null(strstr(st, "trying and failing to pull image"));
    free(st);
    cJSON_Delete(pod);

    pod = make_pod("nginx", "running", know() - 5, 0, 0, 0, NULL, 0);
    assert_int_equal(request(&loop, logs, pod, "previous=true", &k, &st), 400);
    assert_non_null(strstr(st, "previous terminated container \\\"app\\\" in "
                               "pod \\\"web\\\" not found"));
    free(st);
    cJSON_DeleteItemFromObject(cJSON_GetObjectItem(pod, "spec"), "nodeName");
    assert_int_equal(request(&loop, logs, pod, "", &k, &st), 204);
    cJSON_Delete(pod);
    finish(&loop, logs);
}

static void
test_windows(void **state)
{
    uv_loop_t       loop;
    struct simlogs *logs;
    struct sink     k, k2;
    char           *st = NULL, *last;
    int64_t         now = know();
    cJSON          *pod;

    uv_loop_init(&loop);
    logs = simlogs_create(&loop, 0);
    pod = make_pod("gasbugs/http-go", "running", now - 100, 1, now - 300,
                   now - 200, "1", 0);

    /* 100 s at 1 line/s: lines 0..100 (101), maybe one more by now */
    assert_int_equal(request(&loop, logs, pod, "", &k, &st), 200);
    assert_in_range(count_lines(k.body.data), 101, 103);
    assert_non_null(strstr(k.body.data, "Listening on :8080 (pod web)\n"));
    assert_int_equal(request(&loop, logs, pod, "", &k2, &st), 200);
    /* generated, not random: the same prefix every time */
    assert_memory_equal(k.body.data, k2.body.data, 2000);
    kbuf_done(&k.body);
    kbuf_done(&k2.body);

    assert_int_equal(
        request(&loop, logs, pod, "tailLines=3&timestamps=true", &k, &st), 200);
    assert_int_equal(count_lines(k.body.data), 3);
    /* RFC3339 with 9 fractional digits, then a space */
    assert_int_equal(k.body.data[19], '.');
    assert_int_equal(k.body.data[29], 'Z');
    assert_int_equal(k.body.data[30], ' ');
    last = strrchr(k.body.data, '\n');
    *last = '\0';
    last = strrchr(k.body.data, '\n') + 1;
    assert_true(ktime_parse(last) >= now - 2);
    kbuf_done(&k.body);

    assert_int_equal(request(&loop, logs, pod, "sinceSeconds=10", &k, &st),
                     200);
    assert_in_range(count_lines(k.body.data), 9, 12);
    kbuf_done(&k.body);

    assert_int_equal(request(&loop, logs, pod, "limitBytes=10", &k, &st), 200);
    assert_int_equal(k.body.len, 10);
    kbuf_done(&k.body);

    /* previous: the run from now-300 to now-200 */
    assert_int_equal(
        request(&loop, logs, pod, "previous=1&timestamps=1", &k, &st), 200);
    assert_int_equal(count_lines(k.body.data), 101);
    assert_int_equal(ktime_parse(k.body.data), now - 300);
    kbuf_done(&k.body);
    cJSON_Delete(pod);
    finish(&loop, logs);
}

static void
flip_to_terminated(uv_timer_t *t)
{
    struct sink *k = t->data;
    cJSON       *st = cJSON_GetArrayItem(
              cJSON_GetObjectItem(cJSON_GetObjectItem(k->pod, "status"),
                                  "containerStatuses"),
              0);
    cJSON *state = cJSON_GetObjectItem(st, "state");
    cJSON *run = cJSON_DetachItemFromObject(state, "running");
    char  *fin = ts(know());

    cJSON_AddStringToObject(run, "finishedAt", fin);
    cJSON_AddNumberToObject(run, "exitCode", 0);
    cJSON_AddItemToObject(state, "terminated", run);
    free(fin);
}

static void
test_follow_ends_when_container_stops(void **state)
{
    uv_loop_t              loop;
    struct simlogs        *logs;
    struct sink            k = {0};
    struct simlogs_opts    o;
    struct simlogs_stream *s;
    char                  *st = NULL;
    uv_timer_t             flip;
    int64_t                deadline;
    int                    lines_before_flip;

    uv_loop_init(&loop);
    logs = simlogs_create(&loop, 0);
    k.pod = make_pod("app/worker", "running", know() - 1, 0, 0, 0, "20", 0);
    kbuf_init(&k.body);
    kbuf_puts(&k.body, "");
    assert_int_equal(
        simlogs_parse_query("follow=true&tailLines=0", "web", &o, &st), 0);
    assert_int_equal(simlogs_start(logs, k.pod, &o, &sink_out, &k, &s, &st),
                     200);
    simlogs_opts_done(&o);
    /* new lines arrive while it runs */
    deadline = know_ms() + 10000;
    while (count_lines(k.body.data) < 5 && know_ms() < deadline)
        uv_run(&loop, UV_RUN_ONCE);
    lines_before_flip = count_lines(k.body.data);
    assert_true(lines_before_flip >= 5);
    assert_int_equal(k.ended, 0);
    uv_timer_init(&loop, &flip);
    flip.data = &k;
    uv_timer_start(&flip, flip_to_terminated, 0, 0);
    deadline = know_ms() + 10000;
    while (!k.ended && know_ms() < deadline)
        uv_run(&loop, UV_RUN_ONCE);
    assert_int_equal(k.ended, 1);
    uv_close((uv_handle_t *)&flip, NULL);
    kbuf_done(&k.body);
    cJSON_Delete(k.pod);

    /* a cancelled follow never ends by itself and is freed on close */
    memset(&k, 0, sizeof k);
    kbuf_init(&k.body);
    k.pod = make_pod("app/worker", "running", know() - 1, 0, 0, 0, "20", 0);
    assert_int_equal(simlogs_parse_query("follow=1", "web", &o, &st), 0);
    assert_int_equal(simlogs_start(logs, k.pod, &o, &sink_out, &k, &s, &st),
                     200);
    simlogs_opts_done(&o);
    uv_run(&loop, UV_RUN_NOWAIT);
    simlogs_stream_cancel(s);
    finish(&loop, logs);
    assert_int_equal(k.ended, 0);
    kbuf_done(&k.body);
    cJSON_Delete(k.pod);
}

static void
poke(uv_timer_t *t)
{
    (*(int *)t->data)++;
}

static void
test_flow_control(void **state)
{
    uv_loop_t              loop;
    struct simlogs        *logs;
    struct sink            k = {0};
    struct simlogs_opts    o;
    struct simlogs_stream *s;
    char                  *st = NULL;
    uv_timer_t             t;
    int                    fired = 0;

    uv_loop_init(&loop);
    logs = simlogs_create(&loop, 0);
    /* 50 s at 1000 lines/s: about 3.5 MB of text */
    k.pod = make_pod("app/worker", "running", know() - 50, 0, 0, 0, "1000", 0);
    kbuf_init(&k.body);
    kbuf_puts(&k.body, "");
    k.pending = 8 << 20; /* the connection is backed up */
    assert_int_equal(simlogs_parse_query("", "web", &o, &st), 0);
    assert_int_equal(simlogs_start(logs, k.pod, &o, &sink_out, &k, &s, &st),
                     200);
    simlogs_opts_done(&o);
    uv_timer_init(&loop, &t);
    t.data = &fired;
    uv_timer_start(&t, poke, 100, 0);
    while (!fired)
        uv_run(&loop, UV_RUN_ONCE);
    assert_int_equal(k.body.len, 0); /* nothing while backed up */
    assert_int_equal(k.ended, 0);
    k.pending = 0;
    while (!k.ended)
        uv_run(&loop, UV_RUN_ONCE);
    assert_in_range(count_lines(k.body.data), 50001, 51002);
    assert_true(k.writes >= 8); /* in slices, not one 3.5 MB write */
    uv_close((uv_handle_t *)&t, NULL);
    kbuf_done(&k.body);
    cJSON_Delete(k.pod);
    finish(&loop, logs);
}

static void
test_access_lines_merge(void **state)
{
    uv_loop_t              loop;
    struct simlogs        *logs;
    struct sink            k, f = {0};
    struct simlogs_opts    o;
    struct simlogs_stream *s;
    char                  *st = NULL;
    int64_t                deadline;
    cJSON                 *pod;

    uv_loop_init(&loop);
    logs = simlogs_create(&loop, 0);
    /* rate 0: http-go says only its start-up line by itself */
    pod = make_pod("gasbugs/http-go", "running", know() - 5, 0, 0, 0, "0", 0);
    simlogs_access(logs, "uid-web", "web", "app", "gasbugs/http-go", "GET",
                   "/first", "curl/7.88.1", 200, 17);
    simlogs_access(logs, "uid-web", "web", "app", "gasbugs/http-go", "GET",
                   "/second", "curl/7.88.1", 200, 17);
    /* another container's request is not ours */
    simlogs_access(logs, "uid-web", "web", "side", "gasbugs/http-go", "GET",
                   "/other", "curl/7.88.1", 200, 17);
    assert_int_equal(request(&loop, logs, pod, "", &k, &st), 200);
    assert_int_equal(count_lines(k.body.data), 3);
    assert_non_null(strstr(k.body.data, "Listening on :8080 (pod web)\n"));
    assert_true(strstr(k.body.data, " 127.0.0.1 GET /first 200 ") <
                strstr(k.body.data, " 127.0.0.1 GET /second 200 "));
    assert_null(strstr(k.body.data, "/other"));
    kbuf_done(&k.body);
    assert_int_equal(request(&loop, logs, pod, "tailLines=1", &k, &st), 200);
    assert_int_equal(count_lines(k.body.data), 1);
    assert_non_null(strstr(k.body.data, "GET /second 200"));
    kbuf_done(&k.body);

    /* a follower sees a new request at once */
    kbuf_init(&f.body);
    kbuf_puts(&f.body, "");
    f.pod = pod;
    assert_int_equal(
        simlogs_parse_query("follow=true&tailLines=0", "web", &o, &st), 0);
    assert_int_equal(simlogs_start(logs, pod, &o, &sink_out, &f, &s, &st), 200);
    simlogs_opts_done(&o);
    uv_run(&loop, UV_RUN_NOWAIT);
    simlogs_access(logs, "uid-web", "web", "app", "gasbugs/http-go", "POST",
                   "/third", "curl/7.88.1", 404, 19);
    deadline = know_ms() + 10000;
    while (strstr(f.body.data, "POST /third 404") == NULL &&
           know_ms() < deadline)
        uv_run(&loop, UV_RUN_ONCE);
    assert_non_null(strstr(f.body.data, "POST /third 404"));
    assert_int_equal(count_lines(f.body.data), 1);
    simlogs_stream_cancel(s);
    kbuf_done(&f.body);
    cJSON_Delete(pod);
    finish(&loop, logs);
}

static void
test_cancel_inside_write(void **state)
{
    uv_loop_t              loop;
    struct simlogs        *logs;
    struct sink            k = {0};
    struct simlogs_opts    o;
    struct simlogs_stream *s;
    char                  *st = NULL;
    int                    i;

    uv_loop_init(&loop);
    logs = simlogs_create(&loop, 0);
    /* a snapshot (no follow) that fits in one write, so the stream would
     * end right after it */
    k.pod = make_pod("app/worker", "running", know() - 20, 0, 0, 0, "100", 0);
    kbuf_init(&k.body);
    kbuf_puts(&k.body, "");
    assert_int_equal(simlogs_parse_query("", "web", &o, &st), 0);
    assert_int_equal(simlogs_start(logs, k.pod, &o, &sink_out, &k, &s, &st),
                     200);
    simlogs_opts_done(&o);
    k.cancel_on_write = s;
    for (i = 0; i < 5; i++)
        uv_run(&loop, UV_RUN_NOWAIT);
    assert_int_equal(k.writes, 1); /* nothing after the cancel */
    assert_int_equal(k.ended, 0);  /* and no end */
    finish(&loop, logs);
    kbuf_done(&k.body);
    cJSON_Delete(k.pod);
}

static void
test_since_time_nanoseconds(void **state)
{
    uv_loop_t       loop;
    struct simlogs *logs;
    struct sink     k;
    char           *st = NULL, *t, q[128], want[40];
    int64_t         start = know() - 100;
    cJSON          *pod;

    uv_loop_init(&loop);
    logs = simlogs_create(&loop, 0);
    /* 10 lines/s from start: line i at start + i/10 s */
    pod = make_pod("app/worker", "running", start, 0, 0, 0, "10", 0);
    t = ts(start + 50); /* "...Z" */
    t[strlen(t) - 1] = '\0';
    /* a resume from a line stamped x.25 s must not repeat x.1 and x.2 */
    snprintf(q, sizeof q, "timestamps=true&sinceTime=%s.250000000Z", t);
    assert_int_equal(request(&loop, logs, pod, q, &k, &st), 200);
    simlogs_format_time(want, sizeof want,
                        (start + 50) * 1000000000LL + 300000000LL);
    assert_memory_equal(k.body.data, want, strlen(want));
    kbuf_done(&k.body);
    free(t);
    cJSON_Delete(pod);
    finish(&loop, logs);
}

/* ---- the generator's text against the snprintf formatting it replaced
 * (kept here as the reference: the output must not change) ---- */

static uint64_t
ref_mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

/* The text of line i (without the newline). */
static void
ref_text(struct kbuf *out, const struct simlogs_inst *in,
         enum simlogs_style style, int64_t i, int64_t t)
{
    static const char *const paths[] = {"/",
                                        "/",
                                        "/",
                                        "/healthz",
                                        "/index.html",
                                        "/api/items",
                                        "/favicon.ico",
                                        "/login"};
    static const char *const agents[] = {
        "kube-probe/1.32", "curl/7.88.1",
        "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 "
        "Firefox/128.0",
        "Go-http-client/1.1"};
    static const char *const words[] = {"processed job",  "cache refresh",
                                        "synced items",   "heartbeat",
                                        "flushed buffer", "accepted task"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr",
                                         "May", "Jun", "Jul", "Aug",
                                         "Sep", "Oct", "Nov", "Dec"};
    uint64_t    h = ref_mix((uint64_t)i * 1000003u + (uint64_t)in->restart);
    const char *path = paths[h % nitems(paths)];
    int         status = strcmp(path, "/favicon.ico") == 0 ? 404 : 200;
    time_t      s = (time_t)(t / 1000000000);
    struct tm   tm;
    char        ip[32], line[512];
    char       *b = line;
    size_t      n = sizeof line;

    gmtime_r(&s, &tm);
    snprintf(ip, sizeof ip, "10.244.%d.%d", (int)((h >> 8) % 3),
             (int)((h >> 16) % 250) + 2);
    switch (style) {
    case STYLE_HTTP_GO:
        if (i == 0) {
            snprintf(b, n, "Listening on :8080 (pod %s)", in->pod);
            break;
        }
        snprintf(b, n, "%04d/%02d/%02d %02d:%02d:%02d %s %s %s %d %dus \"%s\"",
                 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                 tm.tm_min, tm.tm_sec, ip, (h >> 24) % 9 ? "GET" : "POST", path,
                 status, (int)((h >> 32) % 900) + 40,
                 agents[(h >> 40) % nitems(agents)]);
        break;
    case STYLE_NGINX:
        snprintf(b, n,
                 "%s - - [%02d/%s/%04d:%02d:%02d:%02d +0000] \"%s %s "
                 "HTTP/1.1\" %d %d \"-\" \"%s\" \"-\"",
                 ip, tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900,
                 tm.tm_hour, tm.tm_min, tm.tm_sec,
                 (h >> 24) % 9 ? "GET" : "HEAD", path, status,
                 status == 200 ? 612 : 169, agents[(h >> 40) % nitems(agents)]);
        break;
    default:
        if (i == 0) {
            snprintf(b, n, "starting %s (%s), restart %d", in->container,
                     in->image, in->restart);
            break;
        }
        snprintf(b, n, "level=%s msg=\"%s\" container=%s n=%lld took=%dms",
                 h % 17 == 0 ? "warn" : "info", words[(h >> 8) % nitems(words)],
                 in->container, (long long)i, (int)((h >> 20) % 250) + 1);
        break;
    }
    kbuf_append(out, line, strnlen(line, sizeof line));
}

static void
test_text_matches_reference(void **state)
{
    static const enum simlogs_style styles[] = {STYLE_APP, STYLE_HTTP_GO,
                                                STYLE_NGINX};
    struct simlogs_inst             in = {.pod = "web-7d4b9c",
                                          .container = "app",
                                          .image = "registry.example.com/app:1.2",
                                          .restart = 3};
    struct simlogs_clock            clk = {0};
    struct kbuf                     want;
    char                            line[640];
    int64_t                         i, t0 = 1714557600LL * 1000000000LL;
    size_t                          k, n;

    (void)state;
    kbuf_init(&want);
    for (k = 0; k < nitems(styles); k++) {
        for (i = 0; i < 5000; i++) {
            /* 7 ms apart: many lines per second, crossing seconds,
             * minutes, a day and a month (the clock cache). */
            int64_t t = t0 + i * 7000000LL +
                        (i > 4000 ? 86400LL * 31 * 1000000000LL : 0);

            kbuf_reset(&want);
            ref_text(&want, &in, styles[k], i, t);
            n = simlogs_text(line, sizeof line, &clk, &in, styles[k], i, t);
            assert_int_equal(n, want.len);
            assert_memory_equal(line, want.data, n);
        }
    }
    kbuf_done(&want);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_query_validation),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_windows),
        cmocka_unit_test(test_follow_ends_when_container_stops),
        cmocka_unit_test(test_flow_control),
        cmocka_unit_test(test_access_lines_merge),
        cmocka_unit_test(test_cancel_inside_write),
        cmocka_unit_test(test_since_time_nanoseconds),
        cmocka_unit_test(test_text_matches_reference),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
