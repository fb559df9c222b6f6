/*
 * Generated container logs for kpod-sim, served the way the kubelet and
 * the API server do: the container's state decides between lines, a 400
 * with the kubelet's "is waiting to start" text, or 204 for an unscheduled
 * pod. Nothing is stored; see simlogs.h for the line model. This file does
 * not speak HTTP: the server writes what the stream hands it. The query is
 * parsed in simlogs-query.c, the pod read in simlogs-pod.c.
 */
#define _GNU_SOURCE
#include "simlogs-int.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"

/* At most this many lines are "on disk" per container instance (the
 * kubelet rotates files too); older ones are gone. */
#define SIMLOGS_KEEP 100000
/* Flow control: a stream writes at most BUDGET bytes per loop turn and
 * pauses while the connection holds more than HIGH unsent bytes, so a
 * slow reader costs neither memory nor other clients' latency. */
#define SIMLOGS_BUDGET (256 * 1024)
#define SIMLOGS_HIGH (1024 * 1024)
/* Lines that really happened (requests a web server answered) are kept,
 * this many per container, and merged with the generated ones by time. */
#define SIMLOGS_RING 1024

struct simlogs_ring {
    struct simlogs_ring *next;
    char                *uid, *container;
    int64_t              t[SIMLOGS_RING];
    char                *text[SIMLOGS_RING];
    uint64_t             first_seq, end_seq; /* kept: [first_seq, end_seq) */
};

void
simlogs_format_time(char *buf, size_t len, int64_t ns)
{
    time_t    s = (time_t)(ns / 1000000000);
    struct tm tm;

    gmtime_r(&s, &tm);
    snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ",
             tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
             tm.tm_min, tm.tm_sec, (long)(ns % 1000000000));
}

int64_t
simlogs_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* --- the line model --- */

static uint64_t
simlogs_mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

enum simlogs_style
simlogs_style(const char *image)
{
    if (strstr(image, "http-go") != NULL)
        return STYLE_HTTP_GO;
    if (strstr(image, "nginx") != NULL)
        return STYLE_NGINX;
    if (strstr(image, "busybox") != NULL || strstr(image, "pause") != NULL)
        return STYLE_QUIET;
    return STYLE_APP;
}

static int64_t
simlogs_period_ns(const struct simlogs_inst *in)
{
    if (in->rate <= 0)
        return 0;
    return (int64_t)(1e9 / in->rate) > 0 ? (int64_t)(1e9 / in->rate) : 1;
}

/* Lines 0..n-1 exist by time t. */
static int64_t
simlogs_count_at(const struct simlogs_inst *in, int64_t t)
{
    int64_t period = simlogs_period_ns(in);

    if (t < in->start_ns)
        return 0;
    if (period == 0) /* only the start-up line, if the image has one */
        return simlogs_style(in->image) == STYLE_QUIET ? 0 : 1;
    return (t - in->start_ns) / period + 1;
}

static int64_t
simlogs_time_of(const struct simlogs_inst *in, int64_t i)
{
    return in->start_ns + i * simlogs_period_ns(in);
}

/* Cursor writers for the generator: snprintf was 70% of the simulator's
 * time on a fast log stream, which then limited every reader alike. */
static char *
simlogs_put(char *p, const char *s)
{
    size_t n = strlen(s);

    memcpy(p, s, n);
    return p + n;
}

static char *
simlogs_put_num(char *p, uint64_t v)
{
    char  tmp[24];
    char *q = tmp + sizeof tmp;

    do {
        *--q = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    memcpy(p, q, (size_t)(tmp + sizeof tmp - q));
    return p + (tmp + sizeof tmp - q);
}

static char *
simlogs_put_pad(char *p, unsigned v, int width)
{
    int k;

    for (k = width - 1; k >= 0; k--) {
        p[k] = (char)('0' + v % 10);
        v /= 10;
    }
    return p + width;
}

/* gmtime of s, computed once per second of the stream. */
static const struct tm *
simlogs_tm(struct simlogs_clock *c, time_t s)
{
    if (!c->valid || c->sec != s) {
        gmtime_r(&s, &c->tm);
        c->sec = s;
        c->valid = 1;
    }
    return &c->tm;
}

size_t
simlogs_text(char *line, size_t cap, struct simlogs_clock *clk,
             const struct simlogs_inst *in, enum simlogs_style style, int64_t i,
             int64_t t)
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
    uint64_t    h = simlogs_mix((uint64_t)i * 1000003u + (uint64_t)in->restart);
    const char *path = paths[h % nitems(paths)];
    unsigned    status = strcmp(path, "/favicon.ico") == 0 ? 404 : 200;
    const struct tm *tm = simlogs_tm(clk, (time_t)(t / 1000000000));
    char            *p = line;

    /* Every variable part is bounded (container names are DNS labels of
     * at most 63 bytes): the longest line is ~200 bytes. */
    switch (style) {
    case STYLE_HTTP_GO:
        if (i == 0) {
            snprintf(line, cap < 512 ? cap : 512, "Listening on :8080 (pod %s)",
                     in->pod);
            return strlen(line);
        }
        p = simlogs_put_pad(p, (unsigned)tm->tm_year + 1900, 4);
        *p++ = '/';
        p = simlogs_put_pad(p, (unsigned)tm->tm_mon + 1, 2);
        *p++ = '/';
        p = simlogs_put_pad(p, (unsigned)tm->tm_mday, 2);
        *p++ = ' ';
        p = simlogs_put_pad(p, (unsigned)tm->tm_hour, 2);
        *p++ = ':';
        p = simlogs_put_pad(p, (unsigned)tm->tm_min, 2);
        *p++ = ':';
        p = simlogs_put_pad(p, (unsigned)tm->tm_sec, 2);
        p = simlogs_put(p, " 10.244.");
        p = simlogs_put_num(p, (h >> 8) % 3);
        *p++ = '.';
        p = simlogs_put_num(p, (h >> 16) % 250 + 2);
        p = simlogs_put(p, (h >> 24) % 9 ? " GET " : " POST ");
        p = simlogs_put(p, path);
        *p++ = ' ';
        p = simlogs_put_num(p, status);
        *p++ = ' ';
        p = simlogs_put_num(p, (h >> 32) % 900 + 40);
        p = simlogs_put(p, "us \"");
        p = simlogs_put(p, agents[(h >> 40) % nitems(agents)]);
        *p++ = '"';
        break;
    case STYLE_NGINX:
        p = simlogs_put(p, "10.244.");
        p = simlogs_put_num(p, (h >> 8) % 3);
        *p++ = '.';
        p = simlogs_put_num(p, (h >> 16) % 250 + 2);
        p = simlogs_put(p, " - - [");
        p = simlogs_put_pad(p, (unsigned)tm->tm_mday, 2);
        *p++ = '/';
        p = simlogs_put(p, months[tm->tm_mon]);
        *p++ = '/';
        p = simlogs_put_pad(p, (unsigned)tm->tm_year + 1900, 4);
        *p++ = ':';
        p = simlogs_put_pad(p, (unsigned)tm->tm_hour, 2);
        *p++ = ':';
        p = simlogs_put_pad(p, (unsigned)tm->tm_min, 2);
        *p++ = ':';
        p = simlogs_put_pad(p, (unsigned)tm->tm_sec, 2);
        p = simlogs_put(p, " +0000] \"");
        p = simlogs_put(p, (h >> 24) % 9 ? "GET " : "HEAD ");
        p = simlogs_put(p, path);
        p = simlogs_put(p, " HTTP/1.1\" ");
        p = simlogs_put_num(p, status);
        *p++ = ' ';
        p = simlogs_put_num(p, status == 200 ? 612 : 169);
        p = simlogs_put(p, " \"-\" \"");
        p = simlogs_put(p, agents[(h >> 40) % nitems(agents)]);
        p = simlogs_put(p, "\" \"-\"");
        break;
    default:
        if (i == 0) {
            snprintf(line, cap < 512 ? cap : 512,
                     "starting %s (%s), restart %d", in->container, in->image,
                     in->restart);
            return strlen(line);
        }
        p = simlogs_put(p, h % 17 == 0 ? "level=warn msg=\""
                                       : "level=info msg=\"");
        p = simlogs_put(p, words[(h >> 8) % nitems(words)]);
        p = simlogs_put(p, "\" container=");
        p = simlogs_put(p, in->container);
        p = simlogs_put(p, " n=");
        if (i < 0) {
            *p++ = '-';
            p = simlogs_put_num(p, (uint64_t)-i);
        } else
            p = simlogs_put_num(p, (uint64_t)i);
        p = simlogs_put(p, " took=");
        p = simlogs_put_num(p, (h >> 20) % 250 + 1);
        p = simlogs_put(p, "ms");
        break;
    }
    return (size_t)(p - line);
}

/* "2024-05-01T10:00:00.123456789Z " for ns, the seconds part cached. */
static size_t
simlogs_stamp(char *buf, struct simlogs_clock *c, int64_t ns)
{
    time_t s = (time_t)(ns / 1000000000);
    char  *p;

    if (!c->stamp_valid || c->stamp_sec != s) {
        const struct tm *tm = simlogs_tm(c, s);

        p = c->stamp;
        p = simlogs_put_pad(p, (unsigned)tm->tm_year + 1900, 4);
        *p++ = '-';
        p = simlogs_put_pad(p, (unsigned)tm->tm_mon + 1, 2);
        *p++ = '-';
        p = simlogs_put_pad(p, (unsigned)tm->tm_mday, 2);
        *p++ = 'T';
        p = simlogs_put_pad(p, (unsigned)tm->tm_hour, 2);
        *p++ = ':';
        p = simlogs_put_pad(p, (unsigned)tm->tm_min, 2);
        *p++ = ':';
        p = simlogs_put_pad(p, (unsigned)tm->tm_sec, 2);
        *p++ = '.';
        c->stamp_len = (size_t)(p - c->stamp);
        c->stamp_sec = s;
        c->stamp_valid = 1;
    }
    memcpy(buf, c->stamp, c->stamp_len);
    p = simlogs_put_pad(buf + c->stamp_len, (unsigned)(ns % 1000000000), 9);
    *p++ = 'Z';
    *p++ = ' ';
    return (size_t)(p - buf);
}

void
simlogs_inst_done(struct simlogs_inst *in)
{
    free(in->pod);
    free(in->uid);
    free(in->container);
    free(in->image);
    memset(in, 0, sizeof *in);
}

/* --- streams --- */

static void
simlogs_unref(struct simlogs *logs)
{
    if (--logs->handles == 0 && logs->closing) {
        void (*cb)(void *) = logs->done_cb;
        void *data = logs->done_data;

        free(logs);
        if (cb != NULL)
            cb(data);
    }
}

static void
simlogs_stream_close_cb(uv_handle_t *h)
{
    struct simlogs_stream *s = h->data;
    struct simlogs        *logs = s->logs;

    simlogs_inst_done(&s->inst);
    free(s);
    simlogs_unref(logs);
}

static void
simlogs_stream_unlink(struct simlogs_stream *s)
{
    if (s->prev != NULL)
        s->prev->next = s->next;
    else if (s->logs->streams == s)
        s->logs->streams = s->next;
    if (s->next != NULL)
        s->next->prev = s->prev;
    s->next = s->prev = NULL;
}

static void
simlogs_stream_free(struct simlogs_stream *s)
{
    simlogs_stream_unlink(s);
    uv_timer_stop(&s->timer);
    uv_close((uv_handle_t *)&s->timer, simlogs_stream_close_cb);
}

static void
simlogs_stream_end(struct simlogs_stream *s)
{
    if (s->ended)
        return;
    s->ended = 1;
    if (s->out.end != NULL)
        s->out.end(s->data);
    simlogs_stream_free(s);
}

static void simlogs_tick(uv_timer_t *);

/* --- lines that really happened --- */

static struct simlogs_ring *
simlogs_ring(struct simlogs *logs, const char *uid, const char *container,
             int create)
{
    struct simlogs_ring *r;

    for (r = logs->rings; r != NULL; r = r->next) {
        if (strcmp(r->uid, uid) == 0 && strcmp(r->container, container) == 0)
            return r;
    }
    if (!create)
        return NULL;
    r = xcalloc(1, sizeof *r);
    r->uid = xstrdup(uid);
    r->container = xstrdup(container);
    r->next = logs->rings;
    logs->rings = r;
    return r;
}

static int64_t
simlogs_ring_time(const struct simlogs_ring *r, uint64_t seq)
{
    return r->t[seq % SIMLOGS_RING];
}

/* The first kept real line stamped at or after t. */
static uint64_t
simlogs_ring_from(const struct simlogs_ring *r, int64_t t)
{
    uint64_t seq = r->first_seq;

    while (seq < r->end_seq && simlogs_ring_time(r, seq) < t)
        seq++;
    return seq;
}

/* The next line of the merge (generated lines before upto, real lines up
 * to t_to): 1 = generated, 2 = real, 0 = none. */
static int
simlogs_next(struct simlogs_stream *s, const struct simlogs_ring *r,
             int64_t upto, int64_t t_to)
{
    int have_g = s->next_line < upto;
    int have_r = r != NULL && s->next_seq < r->end_seq &&
                 simlogs_ring_time(r, s->next_seq) <= t_to;

    if (have_r && (!have_g || simlogs_ring_time(r, s->next_seq) <
                                  simlogs_time_of(&s->inst, s->next_line)))
        return 2;
    return have_g ? 1 : 0;
}

/* Write the merged lines up to (upto, t_to), at most about SIMLOGS_BUDGET
 * bytes; 1 when limitBytes ran out. */
static int
simlogs_emit(struct simlogs_stream *s, int64_t upto, int64_t t_to)
{
    struct simlogs_ring *r =
        simlogs_ring(s->logs, s->inst.uid, s->inst.container, 0);
    struct kbuf b;
    char        line[640];
    int         full = 0, which;

    if (upto - s->next_line > SIMLOGS_KEEP)
        s->next_line = upto - SIMLOGS_KEEP; /* rotated away meanwhile */
    if (r != NULL && s->next_seq < r->first_seq)
        s->next_seq = r->first_seq;
    kbuf_init(&b);
    while (!full && b.len < SIMLOGS_BUDGET &&
           (which = simlogs_next(s, r, upto, t_to)) != 0) {
        int64_t t = which == 1 ? simlogs_time_of(&s->inst, s->next_line)
                               : simlogs_ring_time(r, s->next_seq);
        size_t  n = 0;

        if (s->timestamps)
            n = simlogs_stamp(line, &s->clock, t);
        if (which == 1) {
            n += simlogs_text(line + n, sizeof line - n - 1, &s->clock,
                              &s->inst, s->style, s->next_line, t);
            s->next_line++;
            line[n++] = '\n';
            kbuf_append(&b, line, n);
        } else {
            const char *text = r->text[s->next_seq % SIMLOGS_RING];

            kbuf_append(&b, line, n);
            kbuf_append(&b, text, strlen(text));
            kbuf_append(&b, "\n", 1);
            s->next_seq++;
        }
        if (s->limit >= 0 && (int64_t)b.len >= s->limit) {
            b.len = (size_t)s->limit;
            full = 1;
        }
    }
    if (s->limit >= 0)
        s->limit -= (int64_t)b.len;
    if (b.len > 0)
        s->out.write(s->data, b.data, b.len);
    kbuf_done(&b);
    return full || s->limit == 0;
}

/* Whether merged lines up to (upto, t_to) remain. */
static int
simlogs_pending(struct simlogs_stream *s, int64_t upto, int64_t t_to)
{
    struct simlogs_ring *r =
        simlogs_ring(s->logs, s->inst.uid, s->inst.container, 0);

    return simlogs_next(s, r, upto, t_to) != 0;
}

void
simlogs_access(struct simlogs *logs, const char *uid, const char *pod,
               const char *container, const char *image, const char *method,
               const char *path, const char *agent, int status, size_t bytes)
{
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr",
                                         "May", "Jun", "Jul", "Aug",
                                         "Sep", "Oct", "Nov", "Dec"};
    struct simlogs_ring     *r;
    struct simlogs_stream   *s;
    int64_t                  now = simlogs_now_ns();
    time_t                   secs = (time_t)(now / 1000000000);
    struct tm                tm;
    char                    *line;

    if (logs->closing || image == NULL)
        return;
    gmtime_r(&secs, &tm);
    switch (simlogs_style(image)) {
    case STYLE_HTTP_GO:
        line = xasprintf("%04d/%02d/%02d %02d:%02d:%02d 127.0.0.1 %s %s %d "
                         "%dus \"%s\"",
                         tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                         tm.tm_hour, tm.tm_min, tm.tm_sec, method, path, status,
                         60 + (int)(now / 1000 % 400), agent);
        break;
    case STYLE_NGINX:
        line = xasprintf("127.0.0.1 - - [%02d/%s/%04d:%02d:%02d:%02d +0000] "
                         "\"%s %s HTTP/1.1\" %d %zu \"-\" \"%s\" \"-\"",
                         tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900,
                         tm.tm_hour, tm.tm_min, tm.tm_sec, method, path, status,
                         bytes, agent);
        break;
    default:
        line = xasprintf("level=info msg=\"%s %s\" status=%d pod=%s", method,
                         path, status, pod);
        break;
    }
    r = simlogs_ring(logs, uid, container, 1);
    if (r->end_seq - r->first_seq == SIMLOGS_RING) {
        free(r->text[r->first_seq % SIMLOGS_RING]);
        r->first_seq++;
    }
    r->t[r->end_seq % SIMLOGS_RING] = now;
    r->text[r->end_seq % SIMLOGS_RING] = line;
    r->end_seq++;
    /* Followers see it now, not at their next tick. */
    for (s = logs->streams; s != NULL; s = s->next) {
        if (s->follow && strcmp(s->inst.uid, uid) == 0 &&
            strcmp(s->inst.container, container) == 0)
            uv_timer_start(&s->timer, simlogs_tick, 0, 0);
    }
}

/* Whether the pod still runs the instance this stream follows. */
static int
simlogs_still_running(struct simlogs_stream *s, int64_t *end_ns)
{
    const cJSON *pod = s->out.pod ? s->out.pod(s->data) : NULL;
    const cJSON *st, *state;
    const char  *started;

    *end_ns = simlogs_now_ns();
    if (pod == NULL)
        return 0;
    st = simlogs_pod_find(simlogs_pod_obj(pod, "status.containerStatuses"),
                          s->inst.container);
    if (st == NULL)
        st = simlogs_pod_find(
            simlogs_pod_obj(pod, "status.initContainerStatuses"),
            s->inst.container);
    state = simlogs_pod_obj(st, "state");
    if (simlogs_pod_obj(state, "running") != NULL) {
        started = simlogs_pod_str(state, "running.startedAt");
        if (simlogs_pod_time_ns(started) == s->inst.start_ns || started == NULL)
            return 1;
    }
    if (simlogs_pod_obj(state, "terminated") != NULL &&
        simlogs_pod_time_ns(simlogs_pod_str(state, "terminated.startedAt")) ==
            s->inst.start_ns) {
        int64_t fin = simlogs_pod_time_ns(
            simlogs_pod_str(state, "terminated.finishedAt"));

        if (fin >= s->inst.start_ns)
            *end_ns = fin;
    }
    return 0;
}

static void
simlogs_tick(uv_timer_t *t)
{
    struct simlogs_stream *s = t->data;
    int64_t now = simlogs_now_ns(), end_ns, target, wait_ms, t_to;
    int64_t period = simlogs_period_ns(&s->inst);

    if (s->out.queued != NULL && s->out.queued(s->data) > SIMLOGS_HIGH) {
        uv_timer_start(&s->timer, simlogs_tick, 5, 0);
        return;
    }
    target =
        s->final_line >= 0 ? s->final_line : simlogs_count_at(&s->inst, now);
    t_to = s->final_time >= 0 ? s->final_time : now;
    if (simlogs_emit(s, target, t_to) || s->ended) {
        /* limitBytes ran out, or the write lost the connection and the
         * stream was cancelled under us (then end is a no-op) */
        simlogs_stream_end(s);
        return;
    }
    if (simlogs_pending(s, target, t_to)) {
        /* More, after the loop has polled: a 0 ms timer re-armed in its
         * own callback runs again in the same timer pass, so writes would
         * never complete (and free) in between. */
        uv_timer_start(&s->timer, simlogs_tick, 1, 0);
        return;
    }
    if (s->final_line >= 0) {
        simlogs_stream_end(s);
        return;
    }
    if (!simlogs_still_running(s, &end_ns)) {
        /* the container stopped: what it wrote until then, and the end */
        s->final_line = simlogs_count_at(&s->inst, end_ns);
        if (s->final_line < s->next_line)
            s->final_line = s->next_line;
        s->final_time = end_ns > now ? now : end_ns;
        uv_timer_start(&s->timer, simlogs_tick, 0, 0);
        return;
    }
    /* Wake for the next line, and at least once a second to notice the
     * container stop (the kubelet polls at that rate too). */
    wait_ms = 1000;
    if (period > 0) {
        int64_t next = simlogs_time_of(&s->inst, s->next_line);

        wait_ms = (next - now) / 1000000 + 1;
        if (wait_ms > 1000)
            wait_ms = 1000;
        if (wait_ms < 20)
            wait_ms = 20;
    }
    uv_timer_start(&s->timer, simlogs_tick, (uint64_t)wait_ms, 0);
}

int
simlogs_start(struct simlogs *logs, const cJSON *pod,
              const struct simlogs_opts *o, const struct simlogs_out *out,
              void *data, struct simlogs_stream **streamp, char **status)
{
    struct simlogs_stream *s;
    struct simlogs_ring   *ring;
    struct simlogs_inst    in = {0};
    int64_t                now = simlogs_now_ns(), first = 0, n, since;
    int                    rc;

    *streamp = NULL;
    *status = NULL;
    if (logs->closing)
        return 503;
    rc = simlogs_pod_resolve(logs, pod, o, &in, status);
    if (rc != 0) {
        simlogs_inst_done(&in);
        return rc;
    }
    s = xcalloc(1, sizeof *s);
    s->logs = logs;
    s->out = *out;
    s->data = data;
    s->inst = in;
    s->style = simlogs_style(in.image);
    s->timestamps = o->timestamps;
    s->follow = o->follow && in.end_ns < 0;
    s->limit = o->limit_bytes > 0 ? o->limit_bytes : -1;
    /* The first line to send: since*, then tail, then what was kept. */
    n = simlogs_count_at(&in, in.end_ns >= 0 ? in.end_ns : now);
    since = -1;
    if (o->since_seconds > 0)
        since = now - o->since_seconds * 1000000000;
    else if (o->since_time >= 0)
        since = o->since_time;
    if (since > in.start_ns) {
        int64_t period = simlogs_period_ns(&in);

        first = period ? (since - in.start_ns + period - 1) / period : 1;
    }
    if (n - SIMLOGS_KEEP > first)
        first = n - SIMLOGS_KEEP;
    s->next_line = first;
    /* A finished run, or a snapshot without follow, has a fixed end. */
    if (in.end_ns >= 0 || !s->follow) {
        s->final_line = n;
        s->final_time = in.end_ns >= 0 ? in.end_ns : now;
    } else {
        s->final_line = -1;
        s->final_time = -1;
    }
    ring = simlogs_ring(logs, in.uid, in.container, 0);
    if (ring != NULL)
        s->next_seq =
            simlogs_ring_from(ring, since > in.start_ns ? since : in.start_ns);
    /* tailLines counts the merged lines: skip from the front what is too
     * many. */
    if (o->tail_lines >= 0) {
        int64_t  t_to = in.end_ns >= 0 ? in.end_ns : now, total;
        uint64_t rend = ring ? simlogs_ring_from(ring, t_to + 1) : 0;

        total =
            (n - s->next_line) +
            (ring && rend > s->next_seq ? (int64_t)(rend - s->next_seq) : 0);
        for (; total > o->tail_lines; total--) {
            if (simlogs_next(s, ring, n, t_to) == 2)
                s->next_seq++;
            else
                s->next_line++;
        }
    }
    uv_timer_init(logs->loop, &s->timer);
    s->timer.data = s;
    logs->handles++;
    s->next = logs->streams;
    if (logs->streams != NULL)
        logs->streams->prev = s;
    logs->streams = s;
    uv_timer_start(&s->timer, simlogs_tick, 0, 0);
    *streamp = s;
    return 200;
}

void
simlogs_stream_cancel(struct simlogs_stream *s)
{
    if (s == NULL || s->ended)
        return;
    s->ended = 1;
    simlogs_stream_free(s);
}

struct simlogs *
simlogs_create(uv_loop_t *loop, double rate)
{
    struct simlogs *logs = xcalloc(1, sizeof *logs);

    logs->loop = loop;
    logs->rate = rate;
    return logs;
}

void
simlogs_close(struct simlogs *logs, void (*done_cb)(void *), void *data)
{
    struct simlogs_ring *r, *rnext;
    uint64_t             seq;

    for (r = logs->rings; r != NULL; r = rnext) {
        rnext = r->next;
        for (seq = r->first_seq; seq < r->end_seq; seq++)
            free(r->text[seq % SIMLOGS_RING]);
        free(r->uid);
        free(r->container);
        free(r);
    }
    logs->rings = NULL;
    logs->closing = 1;
    logs->done_cb = done_cb;
    logs->done_data = data;
    while (logs->streams != NULL)
        simlogs_stream_cancel(logs->streams);
    /* One extra count so that "no streams" also ends here. */
    logs->handles++;
    simlogs_unref(logs);
}
