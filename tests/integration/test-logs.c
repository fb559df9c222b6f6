/*
 * Log streams against an in-process kpod-sim. A pod logs numbered lines
 * ("n=I") at 50 lines/s while a proxy cuts every connection every second
 * (in the middle of a line) and the sim restarts itself every 3 s (all
 * connections dropped, refusing for 0.5 s): the buffer must hold every
 * number exactly once, in order, and cuts, cut lines, reconnects and
 * replayed (dropped) duplicates must really have happened. Then, on a quiet
 * sim: a container that crashes gets a boundary marker and its next instance is
 * followed; the state says "exited with code 1 ... waiting for restart"; a pod
 * whose image cannot be pulled reports the kubelet's "waiting to start"
 * message; a missing pod is an error with the server's message; a one-shot read
 * with tailLines ends after exactly that many lines.
 */
#define _GNU_SOURCE
#include "khttp.h"
#include "kubeconfig.h"
#include "logbuf.h"
#include "logs-merge.h"
#include "logs.h"
#include "loop.h"
#include "pod.h"
#include "reflector.h"
#include "store.h"
#include "sim.h"
#include "testutil.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- a TCP proxy that cuts every connection every second --- */

/* Between the client and the sim. On each cut it marks every connection;
 * a marked connection passes on only the first half of the next bytes
 * from the server (so the cut lands inside a line) and closes both
 * sides. */
struct proxy {
    uv_tcp_t      listener;
    uv_timer_t    timer;
    int           target, port;
    struct pconn *conns;
    uint64_t      cuts;
};

struct pconn {
    struct proxy *p;
    struct pconn *next, **prevp;
    uv_tcp_t      down, up;
    uv_connect_t  creq;
    int           connected, cut, closing, open;
    struct kbuf   early; /* from the client before upstream connected */
};

static void
pconn_closed(uv_handle_t *h)
{
    struct pconn *c = h->data;

    if (--c->open > 0)
        return;
    kbuf_done(&c->early);
    free(c);
}

static void
pconn_close(struct pconn *c)
{
    if (c->closing)
        return;
    c->closing = 1;
    if (c->next != NULL)
        c->next->prevp = c->prevp;
    *c->prevp = c->next;
    uv_close((uv_handle_t *)&c->down, pconn_closed);
    uv_close((uv_handle_t *)&c->up, pconn_closed);
}

static void
palloc(uv_handle_t *h, size_t n, uv_buf_t *b)
{
    b->base = xmalloc(n);
    b->len = n;
}

static void
pwritten(uv_write_t *w, int status)
{
    free(w->data);
    free(w);
}

static void
pforward(uv_tcp_t *to, const char *p, size_t n)
{
    uv_write_t *w = xmalloc(sizeof *w);
    char       *copy = xmalloc(n);
    uv_buf_t    b;

    memcpy(copy, p, n);
    w->data = copy;
    b = uv_buf_init(copy, (unsigned)n);
    if (uv_write(w, (uv_stream_t *)to, &b, 1, pwritten) != 0) {
        free(copy);
        free(w);
    }
}

static void
pread_down(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
    struct pconn *c = s->data;

    if (n > 0 && !c->closing) {
        if (c->connected)
            pforward(&c->up, b->base, (size_t)n);
        else
            kbuf_append(&c->early, b->base, (size_t)n);
    } else if (n < 0)
        pconn_close(c);
    free(b->base);
}

static void
pread_up(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
    struct pconn *c = s->data;

    if (n > 0 && !c->closing) {
        if (c->cut) {
            /* Half of it, written now (uv_close would cancel a queued
             * write), then the connection is gone. */
            uv_buf_t half = uv_buf_init(b->base, (unsigned)(n / 2));

            if (half.len > 0)
                uv_try_write((uv_stream_t *)&c->down, &half, 1);
            c->p->cuts++;
            pconn_close(c);
        } else
            pforward(&c->down, b->base, (size_t)n);
    } else if (n < 0)
        pconn_close(c);
    free(b->base);
}

static void
pconnected(uv_connect_t *req, int status)
{
    struct pconn *c = req->data;

    if (c->closing)
        return;
    if (status != 0) {
        pconn_close(c); /* the sim is restarting: refuse like it does */
        return;
    }
    c->connected = 1;
    if (c->early.len > 0)
        pforward(&c->up, c->early.data, c->early.len);
    uv_read_start((uv_stream_t *)&c->up, palloc, pread_up);
}

static void
paccept(uv_stream_t *server, int status)
{
    struct proxy      *p = server->data;
    struct pconn      *c;
    struct sockaddr_in sa;

    if (status != 0)
        return;
    c = xcalloc(1, sizeof *c);
    c->p = p;
    kbuf_init(&c->early);
    uv_tcp_init(server->loop, &c->down);
    uv_tcp_init(server->loop, &c->up);
    c->down.data = c->up.data = c->creq.data = c;
    c->open = 2;
    c->next = p->conns;
    if (p->conns != NULL)
        p->conns->prevp = &c->next;
    c->prevp = &p->conns;
    p->conns = c;
    if (uv_accept(server, (uv_stream_t *)&c->down) != 0) {
        pconn_close(c);
        return;
    }
    uv_read_start((uv_stream_t *)&c->down, palloc, pread_down);
    uv_ip4_addr("127.0.0.1", p->target, &sa);
    if (uv_tcp_connect(&c->creq, &c->up, (struct sockaddr *)&sa, pconnected) !=
        0)
        pconn_close(c);
}

static void
pcut(uv_timer_t *t)
{
    struct proxy *p = t->data;
    struct pconn *c;

    for (c = p->conns; c != NULL; c = c->next)
        c->cut = 1;
}

static void
proxy_start(struct proxy *p, uv_loop_t *loop, int target, int cut_ms)
{
    struct sockaddr_in sa;
    struct sockaddr_in got;
    int                len = sizeof got;

    memset(p, 0, sizeof *p);
    p->target = target;
    uv_tcp_init(loop, &p->listener);
    p->listener.data = p;
    uv_ip4_addr("127.0.0.1", 0, &sa);
    CHECK(uv_tcp_bind(&p->listener, (struct sockaddr *)&sa, 0) == 0);
    CHECK(uv_listen((uv_stream_t *)&p->listener, 64, paccept) == 0);
    uv_tcp_getsockname(&p->listener, (struct sockaddr *)&got, &len);
    p->port = ntohs(got.sin_port);
    uv_timer_init(loop, &p->timer);
    p->timer.data = p;
    uv_timer_start(&p->timer, pcut, (uint64_t)cut_ms, (uint64_t)cut_ms);
}

static void
proxy_stop(struct proxy *p)
{
    while (p->conns != NULL)
        pconn_close(p->conns);
    uv_close((uv_handle_t *)&p->listener, NULL);
    uv_close((uv_handle_t *)&p->timer, NULL);
}

struct t {
    uv_loop_t          uv;
    struct kloop      *loop;
    struct kclient    *client;
    struct sim_thread *sim;
    uv_timer_t         tick;
    struct proxy      *proxy; /* between client and sim, or NULL */
};

/* One followed stream and what it produced. */
struct follow {
    struct logs    *logs;
    struct logbuf  *buf;
    int             reconnecting, waiting, ended, error;
    char            last_msg[512];
    enum logs_state state;
};

static void
tick_cb(uv_timer_t *t)
{
}

/* Run the loop until cond(arg) holds; fail after secs. */
static void
run_until(struct t *t, int (*cond)(void *), void *arg, double secs,
          const char *what)
{
    int64_t end = know_ms() + (int64_t)(secs * 1000);

    while (!cond(arg)) {
        if (know_ms() > end) {
            fprintf(stderr, "FAIL: timed out waiting for %s\n", what);
            exit(1);
        }
        uv_run(&t->uv, UV_RUN_ONCE);
    }
}

/* cut_ms > 0: talk to the sim through a proxy that cuts connections. */
static void
t_start(struct t *t, const struct sim_opts *so, struct proxy *proxy, int cut_ms)
{
    struct kube_ctx *ctx;
    char            *cause = NULL, *url;
    int              port = 0;

    memset(t, 0, sizeof *t);
    t->sim = sim_thread_start(so, &port, &cause);
    if (t->sim == NULL)
        fprintf(stderr, "sim: %s\n", cause);
    CHECK(t->sim != NULL);
    CHECK(uv_loop_init(&t->uv) == 0);
    t->loop = kloop_create(&t->uv);
    if (proxy != NULL) {
        proxy_start(proxy, &t->uv, port, cut_ms);
        t->proxy = proxy;
        port = proxy->port;
    }
    url = xasprintf("http://127.0.0.1:%d", port);
    ctx = kube_ctx_for_url(url, "default");
    t->client = kclient_create(t->loop, ctx);
    kube_ctx_free(ctx);
    free(url);
    /* Wake the loop now and then so deadlines are checked. */
    uv_timer_init(&t->uv, &t->tick);
    uv_timer_start(&t->tick, tick_cb, 50, 50);
}

static void
closed_cb(void *data)
{
    *(int *)data = 1;
}

static int
flag_set(void *p)
{
    return *(int *)p;
}

static void
t_stop(struct t *t)
{
    int closed = 0;

    uv_close((uv_handle_t *)&t->tick, NULL);
    if (t->proxy != NULL)
        proxy_stop(t->proxy);
    kclient_free(t->client);
    kloop_close(t->loop, closed_cb, &closed);
    uv_run(&t->uv, UV_RUN_DEFAULT);
    CHECK(closed);
    CHECK(uv_loop_close(&t->uv) == 0);
    sim_thread_stop(t->sim);
}

/* --- creating pods --- */

struct reply {
    int  done;
    long status;
};

static void
post_done(struct khttp_req *q, const struct khttp_response *r, void *data)
{
    struct reply *rp = data;

    if (r->error != NULL)
        fprintf(stderr, "create: %s\n", r->error);
    rp->status = r->status;
    rp->done = 1;
}

static int
reply_done(void *p)
{
    return ((struct reply *)p)->done;
}

static void
create_pod(struct t *t, const char *name, const char *annotations,
           const char *policy)
{
    struct khttp_opts o = {0};
    struct reply      rp = {0};
    char             *body, *cause = NULL;

    body = xasprintf(
        "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":"
        "\"%s\",\"annotations\":{%s}},\"spec\":{\"restartPolicy\":\"%s\","
        "\"containers\":[{\"name\":\"app\",\"image\":\"example.com/"
        "counter:1\"}]}}",
        name, annotations, policy);
    o.method = "POST";
    o.path = "/api/v1/namespaces/default/pods";
    o.body = body;
    o.body_len = strlen(body);
    CHECK(khttp_request(t->client, &o, post_done, &rp, &cause) != NULL);
    run_until(t, reply_done, &rp, 30, "pod creation");
    CHECK(rp.status == 201);
    free(body);
}

/* --- following --- */

static void
on_line(struct logs *l, const struct logs_line *ln, void *data)
{
    struct follow *f = data;

    logbuf_add(f->buf, ln->text, ln->len, ln->ts_ns, 0,
               (ln->flags & LOGS_LINE_MARKER) ? LOGBUF_MARKER : 0);
}

static void
on_status(struct logs *l, const struct logs_status *st, void *data)
{
    struct follow *f = data;

    f->state = st->state;
    f->reconnecting += st->state == LOGS_RECONNECTING;
    f->waiting += st->state == LOGS_WAITING;
    f->ended += st->state == LOGS_ENDED;
    f->error += st->state == LOGS_ERROR;
    if (st->message != NULL)
        snprintf(f->last_msg, sizeof f->last_msg, "%s", st->message);
}

static void
follow_start(struct t *t, struct follow *f, const char *pod, int follow,
             int64_t tail)
{
    struct logs_opts o = {0};

    memset(f, 0, sizeof *f);
    f->buf = logbuf_create(0, 0);
    o.ns = "default";
    o.pod = pod;
    o.tail_lines = tail;
    o.follow = follow;
    f->logs = logs_create(t->client, &o, on_line, on_status, f);
    logs_start(f->logs);
}

static void
logs_closed_cb(struct logs *l, void *data)
{
    *(int *)data = 1;
}

static void
follow_stop(struct t *t, struct follow *f)
{
    int closed = 0;

    logs_close(f->logs, logs_closed_cb, &closed);
    run_until(t, flag_set, &closed, 10, "logs_close");
    logbuf_free(f->buf);
}

/* The number of "n=I" in a line, or -1; line 0 is "starting ...". */
static long
line_number(const struct logbuf_line *l)
{
    const char *p;

    if (strncmp(l->text, "starting ", 9) == 0)
        return 0;
    p = strstr(l->text, " n=");
    return p != NULL ? strtol(p + 3, NULL, 10) : -1;
}

struct numbered {
    struct follow *f;
    long           want;
};

static int
reached(void *p)
{
    struct numbered          *nb = p;
    uint64_t                  end = logbuf_end(nb->f->buf);
    const struct logbuf_line *l;

    if (end == 0)
        return 0;
    l = logbuf_get(nb->f->buf, end - 1);
    return line_number(l) >= nb->want;
}

static void
test_numbered_with_faults(void)
{
    struct sim_opts           so = {0};
    struct t                  t;
    struct follow             f;
    struct numbered           nb;
    struct proxy              proxy;
    const struct logs_status *st;
    uint64_t                  s;
    long                      expect = 0;

    so.host = "127.0.0.1";
    so.scenario = "empty";
    so.restart_every = 3;
    /* Drops every second, cutting lines in half, and a server restart
     * every 3 s (every connection dropped, refused for 0.5 s). */
    t_start(&t, &so, &proxy, 1000);
    create_pod(&t, "counter", "\"kpod-sim/log-rate\":\"50\"", "Always");
    follow_start(&t, &f, "counter", 1, -1);
    /* 500 lines at 50/s: about 10 s, so several drops and restarts. */
    nb.f = &f;
    nb.want = 500;
    run_until(&t, reached, &nb, 120, "line 500");
    st = logs_status(f.logs);
    fprintf(stderr,
            "connects %llu, cuts %llu, lines cut %llu, duplicates dropped "
            "%llu, lines %llu\n",
            (unsigned long long)st->connects, (unsigned long long)proxy.cuts,
            (unsigned long long)st->cut_lines,
            (unsigned long long)st->duplicates, (unsigned long long)st->lines);
    CHECK(logbuf_evicted(f.buf) == 0);
    /* Every number once, in order, from 0. */
    for (s = logbuf_first(f.buf); s < logbuf_end(f.buf); s++) {
        const struct logbuf_line *l = logbuf_get(f.buf, s);
        long                      n = line_number(l);

        if (n != expect) {
            fprintf(stderr, "line %llu: want n=%ld, got \"%s\"\n",
                    (unsigned long long)s, expect, l->text);
            exit(1);
        }
        CHECK(!(l->flags & LOGBUF_MARKER));
        CHECK(s == 0 || l->ts_ns > logbuf_get(f.buf, s - 1)->ts_ns);
        expect++;
    }
    CHECK(expect > 500);
    /* The faults happened: the stream was reopened and replayed lines
     * were dropped. */
    CHECK(st->connects >= 6);
    CHECK(proxy.cuts >= 3);
    CHECK(st->cut_lines >= 1);
    CHECK(f.reconnecting >= 1);
    CHECK(st->duplicates >= 1);
    follow_stop(&t, &f);
    t_stop(&t);
}

static int
has_boundary_then_restart(void *p)
{
    struct follow *f = p;
    uint64_t       s;
    int            marker = 0;

    for (s = logbuf_first(f->buf); s < logbuf_end(f->buf); s++) {
        const struct logbuf_line *l = logbuf_get(f->buf, s);

        if (l->flags & LOGBUF_MARKER)
            marker = 1;
        else if (marker && strstr(l->text, "restart 1") != NULL)
            return 1;
    }
    return 0;
}

static int
waiting_for_restart(void *p)
{
    struct follow *f = p;

    return f->state == LOGS_WAITING &&
           strstr(f->last_msg, "exited with code 1") != NULL;
}

static int
is_waiting_to_start(void *p)
{
    struct follow *f = p;

    /* First "not scheduled yet" (204), then the kubelet's reason. */
    return f->state == LOGS_WAITING &&
           strstr(f->last_msg, "is waiting to start") != NULL;
}

static int
is_final(void *p)
{
    struct follow *f = p;

    return f->state == LOGS_ENDED || f->state == LOGS_ERROR;
}

/* --- merged --- */

struct merged {
    int64_t last_ts;
    long    next[2]; /* next expected number per source */
    int     count[2];
    int     out_of_order;
};

static void
merged_line(struct logs_merge *m, unsigned src, const char *prefix,
            const struct logs_line *ln, void *data)
{
    struct merged     *mg = data;
    struct logbuf_line l = {0};
    char              *text = xstrndup(ln->text, ln->len);
    long               n;

    CHECK(src < 2);
    CHECK(strcmp(prefix, src == 0 ? "[pod/m1]" : "[pod/m2]") == 0);
    l.text = text;
    l.len = ln->len;
    n = line_number(&l);
    free(text);
    if (n != mg->next[src]) {
        fprintf(stderr, "merged: %s want %ld got %ld\n", prefix, mg->next[src],
                n);
        exit(1);
    }
    mg->next[src]++;
    mg->count[src]++;
    if (ln->ts_ns < mg->last_ts)
        mg->out_of_order++;
    mg->last_ts = ln->ts_ns;
}

static int
merged_enough(void *p)
{
    struct merged *mg = p;

    return mg->count[0] >= 60 && mg->count[1] >= 20;
}

static void
merge_closed(struct logs_merge *m, void *data)
{
    *(int *)data = 1;
}

static void
got_pod(struct khttp_req *q, const struct khttp_response *r, void *data)
{
    int *state = data;

    *state = r->body != NULL && strstr(r->body, "\"running\":{") ? 2 : 1;
}

static int
state_set(void *p)
{
    return *(int *)p != 0;
}

/* Poll the pod until its container runs. */
static void
wait_running(struct t *t, const char *name)
{
    struct khttp_opts o = {0};
    char             *path, *cause = NULL;
    int64_t           end = know_ms() + 60000;
    int               state = 0;

    path = xasprintf("/api/v1/namespaces/default/pods/%s", name);
    o.path = path;
    while (state != 2) {
        CHECK(know_ms() < end);
        state = 0;
        CHECK(khttp_request(t->client, &o, got_pod, &state, &cause) != NULL);
        run_until(t, state_set, &state, 30, "pod GET");
    }
    free(path);
}

static void
test_merged(struct t *t)
{
    struct logs_merge *m;
    struct logs_opts   o = {0};
    struct merged      mg = {0};
    int                closed = 0;

    create_pod(t, "m1", "\"kpod-sim/log-rate\":\"20\"", "Always");
    create_pod(t, "m2", "\"kpod-sim/log-rate\":\"7\"", "Always");
    wait_running(t, "m1");
    wait_running(t, "m2");
    m = logs_merge_create(t->client, 3000, merged_line, NULL, &mg);
    o.ns = "default";
    o.tail_lines = -1;
    o.follow = 1;
    o.pod = "m1";
    CHECK(logs_merge_add(m, &o) == 0);
    o.pod = "m2";
    CHECK(logs_merge_add(m, &o) == 1);
    CHECK(logs_merge_count(m) == 2);
    logs_merge_start(m);
    run_until(t, merged_enough, &mg, 60, "merged lines");
    /* Both sources, each complete and in order, interleaved by time. */
    CHECK(mg.out_of_order == 0);
    logs_merge_close(m, merge_closed, &closed);
    run_until(t, flag_set, &closed, 10, "merge close");
}

struct restart_seen {
    struct store *pods;
    int           dummy;
};

static int
crasher_restarted_twice(void *p)
{
    struct restart_seen *rs = p;
    struct store_obj    *o = store_find(rs->pods, "default/crasher");

    return o != NULL && ((struct pod_summary *)o->summary)->restarts >= 2;
}

static int
two_boundaries(void *p)
{
    return logs_status(((struct follow *)p)->logs)->boundaries >= 2;
}

static void
refl_closed(struct reflector *r, void *data)
{
    *(int *)data = 1;
}

static void
test_restarts_and_errors(void)
{
    struct store         *pods;
    struct reflector     *refl;
    struct reflector_opts ro = {0};
    struct sim_opts       so = {0};
    struct t              t;
    struct follow         f;
    uint64_t              s;
    long                  expect = 0;
    int                   markers = 0;

    so.host = "127.0.0.1";
    so.scenario = "empty";
    t_start(&t, &so, NULL, 0);

    /* A container that crashes after 3 s and restarts at once (the first
     * back-off is zero), then waits 10 s (CrashLoopBackOff). Followed
     * from its first instance. */
    create_pod(&t, "crasher",
               "\"kpod-sim/log-rate\":\"20\",\"kpod-sim/crash-after\":\"3\"",
               "Always");
    wait_running(&t, "crasher");
    pods = store_create(&store_pod_ops);
    ro.path = "/api/v1/namespaces/default/pods";
    refl = reflector_create(t.client, pods, &ro, NULL, NULL);
    reflector_start(refl);
    follow_start(&t, &f, "crasher", 1, -1);
    logs_watch_store(f.logs, pods);
    run_until(&t, has_boundary_then_restart, &f, 60, "restart boundary");
    /* Instance 0 complete (0..k), one marker, then instance 1 from 0. */
    for (s = logbuf_first(f.buf); s < logbuf_end(f.buf); s++) {
        const struct logbuf_line *l = logbuf_get(f.buf, s);

        if (l->flags & LOGBUF_MARKER) {
            CHECK(strstr(l->text, "restart") != NULL);
            CHECK(expect > 20); /* 3 s at 20/s before the crash */
            markers++;
            expect = 0;
            continue;
        }
        if (line_number(l) != expect ||
            (expect == 0 &&
             !strstr(l->text, markers ? "restart 1" : "restart 0"))) {
            fprintf(stderr, "crasher line %llu: want n=%ld, got \"%s\"\n",
                    (unsigned long long)s, expect, l->text);
            exit(1);
        }
        expect++;
    }
    CHECK(markers == 1);
    CHECK(logs_status(f.logs)->boundaries == 1);
    /* The second crash: back-off, and the state says so. */
    run_until(&t, waiting_for_restart, &f, 30, "waiting for restart");
    /* After the 10 s back-off the pods store shows restart 2, and the
     * stream follows at once rather than at its next back-off tick (which
     * by then is seconds apart). */
    {
        struct restart_seen rs = {pods, 0};
        int64_t             at;

        run_until(&t, crasher_restarted_twice, &rs, 60, "restart 2 in store");
        at = know_ms();
        run_until(&t, two_boundaries, &f, 30, "second boundary");
        fprintf(stderr, "restart 2: boundary %lld ms after the store\n",
                (long long)(know_ms() - at));
        CHECK(know_ms() - at < 1500);
    }
    follow_stop(&t, &f);
    {
        int closed = 0;

        reflector_close(refl, refl_closed, &closed);
        run_until(&t, flag_set, &closed, 10, "reflector close");
        store_free(pods);
    }

    /* Image pull failure: the kubelet's words, and we keep waiting. */
    create_pod(&t, "nopull", "\"kpod-sim/image-pull\":\"fail\"", "Always");
    follow_start(&t, &f, "nopull", 1, -1);
    run_until(&t, is_waiting_to_start, &f, 30, "waiting to start");
    fprintf(stderr, "nopull: %s\n", f.last_msg);
    CHECK(strstr(f.last_msg, "is waiting to start") != NULL);
    CHECK(strstr(f.last_msg, "container \"app\" in pod \"nopull\"") != NULL);
    follow_stop(&t, &f);

    /* A pod that does not exist: the server's message, final. */
    follow_start(&t, &f, "nope", 1, -1);
    run_until(&t, is_final, &f, 30, "error state");
    CHECK(f.state == LOGS_ERROR);
    CHECK(strcmp(f.last_msg, "pods \"nope\" not found") == 0);
    CHECK(logs_status(f.logs)->reason != NULL);
    CHECK(strcmp(logs_status(f.logs)->reason, "NotFound") == 0);
    follow_stop(&t, &f);

    /* One-shot read with a tail: exactly that many lines, then ended. */
    create_pod(&t, "quick", "\"kpod-sim/log-rate\":\"100\"", "Always");
    {
        struct follow w;

        follow_start(&t, &w, "quick", 1, -1);
        struct numbered nb = {&w, 50};

        run_until(&t, reached, &nb, 30, "50 lines of quick");
        follow_stop(&t, &w);
    }
    follow_start(&t, &f, "quick", 0, 7);
    run_until(&t, is_final, &f, 30, "one-shot read");
    CHECK(f.state == LOGS_ENDED);
    CHECK(logbuf_count(f.buf) == 7);
    for (s = 1; s < 7; s++)
        CHECK(line_number(logbuf_get(f.buf, s)) ==
              line_number(logbuf_get(f.buf, s - 1)) + 1);
    CHECK(line_number(logbuf_get(f.buf, 0)) >= 43);
    follow_stop(&t, &f);

    test_merged(&t);
    t_stop(&t);
}

int
main(void)
{
    test_numbered_with_faults();
    fprintf(stderr, "ok: numbered lines through drops and restarts\n");
    test_restarts_and_errors();
    fprintf(stderr, "ok: restarts, waiting, not found, one-shot\n");
    return 0;
}
