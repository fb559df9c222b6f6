/*
 * Generated container logs for kpod-sim, served the way the kubelet and
 * the API server do: the container's state decides between lines, a 400
 * with the kubelet's "is waiting to start" text, or 204 for an unscheduled
 * pod. Nothing is stored; see simlogs.h for the line model. This file does
 * not speak HTTP: the server writes what the stream hands it.
 */
#define _GNU_SOURCE
#include "simlogs.h"

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

struct simlogs {
    uv_loop_t             *loop;
    double                 rate;
    struct simlogs_stream *streams;
    struct simlogs_ring   *rings;
    int                    closing, handles;
    void (*done_cb)(void *);
    void *done_data;
};

/* One run of a container, as the pod's status describes it. */
struct simlogs_inst {
    char   *pod, *uid, *container, *image;
    int     restart;
    int64_t start_ns, end_ns; /* end_ns -1 = still running */
    double  rate;
};

struct simlogs_stream {
    struct simlogs        *logs;
    struct simlogs_stream *next, *prev;
    struct simlogs_out     out;
    void                  *data;
    struct simlogs_inst    inst;
    int                    timestamps, follow, ended;
    int64_t                next_line;  /* index of the next line to send */
    int64_t                final_line; /* lines in the run, -1 = growing */
    int64_t                final_time; /* real lines up to, -1 = now */
    uint64_t               next_seq;   /* the next real line */
    int64_t                limit;      /* bytes left, -1 = unlimited */
    uv_timer_t             timer;
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

static int64_t
simlogs_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* --- errors --- */

static char *
simlogs_status(int code, const char *reason, const char *message)
{
    cJSON *st = cJSON_CreateObject();
    char  *s;

    cJSON_AddStringToObject(st, "kind", "Status");
    cJSON_AddStringToObject(st, "apiVersion", "v1");
    cJSON_AddItemToObject(st, "metadata", cJSON_CreateObject());
    cJSON_AddStringToObject(st, "status", "Failure");
    cJSON_AddStringToObject(st, "message", message);
    cJSON_AddStringToObject(st, "reason", reason);
    cJSON_AddNumberToObject(st, "code", code);
    s = cJSON_PrintUnformatted(st);
    cJSON_Delete(st);
    return s;
}

static int
simlogs_invalid(const char *pod, const char *field, const char *value,
                const char *detail, char **status)
{
    char  *msg = xasprintf("PodLogOptions \"%s\" is invalid: %s: Invalid "
                            "value: %s: %s",
                           pod, field, value, detail);
    cJSON *st = cJSON_CreateObject(), *details, *causes, *cause;

    cJSON_AddStringToObject(st, "kind", "Status");
    cJSON_AddStringToObject(st, "apiVersion", "v1");
    cJSON_AddItemToObject(st, "metadata", cJSON_CreateObject());
    cJSON_AddStringToObject(st, "status", "Failure");
    cJSON_AddStringToObject(st, "message", msg);
    cJSON_AddStringToObject(st, "reason", "Invalid");
    details = cJSON_AddObjectToObject(st, "details");
    cJSON_AddStringToObject(details, "name", pod);
    cJSON_AddStringToObject(details, "kind", "PodLogOptions");
    causes = cJSON_AddArrayToObject(details, "causes");
    cause = cJSON_CreateObject();
    cJSON_AddStringToObject(cause, "reason", "FieldValueInvalid");
    free(msg);
    msg = xasprintf("Invalid value: %s: %s", value, detail);
    cJSON_AddStringToObject(cause, "message", msg);
    cJSON_AddStringToObject(cause, "field", field);
    cJSON_AddItemToArray(causes, cause);
    cJSON_AddNumberToObject(st, "code", 422);
    *status = cJSON_PrintUnformatted(st);
    cJSON_Delete(st);
    free(msg);
    return 422;
}

/* --- query --- */

static char *
simlogs_unescape(const char *s, size_t n)
{
    char  *out = xmalloc(n + 1), *o = out;
    size_t i;

    for (i = 0; i < n; i++) {
        if (s[i] == '+') {
            *o++ = ' ';
        } else if (s[i] == '%' && i + 2 < n &&
                   isxdigit((unsigned char)s[i + 1]) &&
                   isxdigit((unsigned char)s[i + 2])) {
            char hex[3] = {s[i + 1], s[i + 2], 0};

            *o++ = (char)strtol(hex, NULL, 16);
            i += 2;
        } else {
            *o++ = s[i];
        }
    }
    *o = '\0';
    return out;
}

/* The API server's boolean: false only for "0" or "false". */
static int
simlogs_bool(const char *v)
{
    return !(strcmp(v, "0") == 0 || strcasecmp(v, "false") == 0);
}

int
simlogs_parse_query(const char *query, const char *pod, struct simlogs_opts *o,
                    char **status)
{
    const char *p = query ? query : "";
    int         rc = 0, has_since_s = 0, has_since_t = 0;

    memset(o, 0, sizeof *o);
    o->tail_lines = -1;
    o->since_time = -1;
    *status = NULL;
    while (*p != '\0' && rc == 0) {
        size_t      n = strcspn(p, "&");
        const char *eq = memchr(p, '=', n);
        char       *key, *val, *end;

        key = simlogs_unescape(p, eq ? (size_t)(eq - p) : n);
        val = eq ? simlogs_unescape(eq + 1, n - (size_t)(eq + 1 - p))
                 : xstrdup("");
        if (strcmp(key, "container") == 0) {
            free(o->container);
            o->container = val[0] ? xstrdup(val) : NULL;
        } else if (strcmp(key, "follow") == 0) {
            o->follow = simlogs_bool(val);
        } else if (strcmp(key, "previous") == 0) {
            o->previous = simlogs_bool(val);
        } else if (strcmp(key, "timestamps") == 0) {
            o->timestamps = simlogs_bool(val);
        } else if (strcmp(key, "tailLines") == 0) {
            o->tail_lines = strtoll(val, &end, 10);
            if (*end != '\0' || val[0] == '\0') {
                *status =
                    simlogs_status(400, "BadRequest", "invalid tailLines");
                rc = 400;
            } else if (o->tail_lines < 0) {
                rc = simlogs_invalid(pod, "tailLines", val,
                                     "must be greater than or equal to 0",
                                     status);
            }
        } else if (strcmp(key, "limitBytes") == 0) {
            o->limit_bytes = strtoll(val, &end, 10);
            if (*end != '\0' || o->limit_bytes < 1)
                rc = simlogs_invalid(pod, "limitBytes", val,
                                     "must be greater than 0", status);
        } else if (strcmp(key, "sinceSeconds") == 0) {
            has_since_s = 1;
            o->since_seconds = strtoll(val, &end, 10);
            if (*end != '\0' || o->since_seconds < 1)
                rc = simlogs_invalid(pod, "sinceSeconds", val,
                                     "must be greater than 0", status);
        } else if (strcmp(key, "sinceTime") == 0) {
            has_since_t = 1;
            o->since_time = ktime_parse(val);
            if (o->since_time < 0) {
                char *m = xasprintf("parsing time \"%s\" as "
                                    "\"2006-01-02T15:04:05Z07:00\": cannot "
                                    "parse",
                                    val);

                *status = simlogs_status(400, "BadRequest", m);
                free(m);
                rc = 400;
            }
        }
        free(key);
        free(val);
        p += n;
        if (*p == '&')
            p++;
    }
    if (rc == 0 && has_since_s && has_since_t) {
        *status = simlogs_status(
            422, "Invalid",
            "PodLogOptions is invalid: : Forbidden: at most one of "
            "`sinceTime` or `sinceSeconds` may be specified");
        rc = 422;
    }
    if (rc != 0)
        simlogs_opts_done(o);
    return rc;
}

void
simlogs_opts_done(struct simlogs_opts *o)
{
    free(o->container);
    o->container = NULL;
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

enum simlogs_style { STYLE_APP, STYLE_HTTP_GO, STYLE_NGINX, STYLE_QUIET };

static enum simlogs_style
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

/* The text of line i (without the newline). */
static void
simlogs_text(struct kbuf *out, const struct simlogs_inst *in, int64_t i,
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
    int         status = strcmp(path, "/favicon.ico") == 0 ? 404 : 200;
    time_t      s = (time_t)(t / 1000000000);
    struct tm   tm;
    char        ip[32], line[512];
    char       *b = line;
    size_t      n = sizeof line;

    gmtime_r(&s, &tm);
    snprintf(ip, sizeof ip, "10.244.%d.%d", (int)((h >> 8) % 3),
             (int)((h >> 16) % 250) + 2);
    switch (simlogs_style(in->image)) {
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

/* --- reading the pod --- */

static const cJSON *
simlogs_find(const cJSON *arr, const char *name)
{
    const cJSON *it;

    cJSON_ArrayForEach(it, arr)
    {
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(it, "name");

        if (cJSON_IsString(n) && strcmp(n->valuestring, name) == 0)
            return it;
    }
    return NULL;
}

static const char *
simlogs_str(const cJSON *o, const char *path)
{
    char        *dup = xstrdup(path), *save = NULL, *k;
    const cJSON *cur = o;

    for (k = strtok_r(dup, ".", &save); k != NULL && cur != NULL;
         k = strtok_r(NULL, ".", &save))
        cur = cJSON_GetObjectItemCaseSensitive(cur, k);
    free(dup);
    return cJSON_IsString(cur) ? cur->valuestring : NULL;
}

static const cJSON *
simlogs_obj(const cJSON *o, const char *path)
{
    char        *dup = xstrdup(path), *save = NULL, *k;
    const cJSON *cur = o;

    for (k = strtok_r(dup, ".", &save); k != NULL && cur != NULL;
         k = strtok_r(NULL, ".", &save))
        cur = cJSON_GetObjectItemCaseSensitive(cur, k);
    free(dup);
    return cur;
}

static void
simlogs_names(struct kbuf *b, const cJSON *arr)
{
    const cJSON *it;
    int          first = 1;

    cJSON_ArrayForEach(it, arr)
    {
        const char *n = simlogs_str(it, "name");

        if (n == NULL)
            continue;
        kbuf_printf(b, "%s%s", first ? "" : " ", n);
        first = 0;
    }
}

static double
simlogs_rate_for(struct simlogs *logs, const cJSON *pod, const char *image)
{
    const cJSON *ann = simlogs_obj(pod, "metadata.annotations");
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(ann, "kpod-sim/log-rate");
    const char  *a = cJSON_IsString(v) ? v->valuestring : NULL;

    if (a != NULL)
        return atof(a);
    if (logs->rate > 0)
        return logs->rate;
    return simlogs_style(image) == STYLE_QUIET ? 0 : 0.5;
}

static int64_t
simlogs_time_ns(const char *s)
{
    int64_t t = s ? ktime_parse(s) : -1;

    return t < 0 ? -1 : t * 1000000000;
}

/* Work out which instance a request reads; 0 or an HTTP error. */
static int
simlogs_resolve(struct simlogs *logs, const cJSON *pod,
                const struct simlogs_opts *o, struct simlogs_inst *in,
                char **status)
{
    const char  *podname = simlogs_str(pod, "metadata.name");
    const cJSON *spec = simlogs_obj(pod, "spec");
    const cJSON *cs = simlogs_obj(spec, "containers");
    const cJSON *ics = simlogs_obj(spec, "initContainers");
    const cJSON *c, *st, *state, *last;
    const char  *name = o->container, *image, *reason;
    const cJSON *rc;
    char        *msg;
    int          is_init = 0;

    if (podname == NULL)
        podname = "";
    if (name == NULL) {
        if (cJSON_GetArraySize(cs) != 1) {
            struct kbuf b;

            kbuf_init(&b);
            kbuf_printf(&b,
                        "a container name must be specified for pod %s, "
                        "choose one of: [",
                        podname);
            simlogs_names(&b, cs);
            kbuf_puts(&b, "]");
            if (cJSON_GetArraySize(ics) > 0) {
                kbuf_puts(&b, " or one of the init containers: [");
                simlogs_names(&b, ics);
                kbuf_puts(&b, "]");
            }
            *status = simlogs_status(400, "BadRequest", b.data);
            kbuf_done(&b);
            return 400;
        }
        name = simlogs_str(cJSON_GetArrayItem(cs, 0), "name");
        if (name == NULL)
            name = "";
    }
    c = simlogs_find(cs, name);
    if (c == NULL && (c = simlogs_find(ics, name)) != NULL)
        is_init = 1;
    if (c == NULL) {
        msg = xasprintf("container %s is not valid for pod %s", name, podname);
        *status = simlogs_status(400, "BadRequest", msg);
        free(msg);
        return 400;
    }
    if (simlogs_str(spec, "nodeName") == NULL)
        return 204;
    image = simlogs_str(c, "image");
    if (image == NULL)
        image = "";
    in->pod = xstrdup(podname);
    in->uid = xstrdup(simlogs_str(pod, "metadata.uid")
                          ? simlogs_str(pod, "metadata.uid")
                          : "");
    in->container = xstrdup(name);
    in->image = xstrdup(image);
    in->rate = simlogs_rate_for(logs, pod, image);
    st = simlogs_find(simlogs_obj(pod, is_init ? "status.initContainerStatuses"
                                               : "status.containerStatuses"),
                      name);
    state = simlogs_obj(st, "state");
    last = simlogs_obj(st, "lastState.terminated");
    rc = simlogs_obj(st, "restartCount");
    in->restart = cJSON_IsNumber(rc) ? rc->valueint : 0;
    if (o->previous) {
        if (last == NULL || simlogs_str(last, "startedAt") == NULL) {
            msg = xasprintf("previous terminated container \"%s\" in pod "
                            "\"%s\" not found",
                            name, podname);
            *status = simlogs_status(400, "BadRequest", msg);
            free(msg);
            return 400;
        }
        in->restart = in->restart > 0 ? in->restart - 1 : 0;
        in->start_ns = simlogs_time_ns(simlogs_str(last, "startedAt"));
        in->end_ns = simlogs_time_ns(simlogs_str(last, "finishedAt"));
        if (in->end_ns < in->start_ns)
            in->end_ns = in->start_ns;
        return 0;
    }
    if (simlogs_obj(state, "running") != NULL) {
        in->start_ns = simlogs_time_ns(simlogs_str(state, "running.startedAt"));
        in->end_ns = -1;
        if (in->start_ns < 0)
            in->start_ns = simlogs_now_ns();
        return 0;
    }
    if (simlogs_obj(state, "terminated") != NULL) {
        in->start_ns =
            simlogs_time_ns(simlogs_str(state, "terminated.startedAt"));
        in->end_ns =
            simlogs_time_ns(simlogs_str(state, "terminated.finishedAt"));
        if (in->start_ns < 0) {
            msg = xasprintf("container \"%s\" in pod \"%s\" is terminated",
                            name, podname);
            *status = simlogs_status(400, "BadRequest", msg);
            free(msg);
            return 400;
        }
        if (in->end_ns < in->start_ns)
            in->end_ns = in->start_ns;
        return 0;
    }
    /* Waiting: a restarting container still shows its last run's log. */
    if (last != NULL && simlogs_str(last, "startedAt") != NULL) {
        in->restart = in->restart > 0 ? in->restart - 1 : 0;
        in->start_ns = simlogs_time_ns(simlogs_str(last, "startedAt"));
        in->end_ns = simlogs_time_ns(simlogs_str(last, "finishedAt"));
        if (in->end_ns < in->start_ns)
            in->end_ns = in->start_ns;
        return 0;
    }
    reason = simlogs_str(state, "waiting.reason");
    if (reason == NULL || strcmp(reason, "ContainerCreating") == 0 ||
        strcmp(reason, "PodInitializing") == 0 ||
        strcmp(reason, "CrashLoopBackOff") == 0)
        msg = xasprintf("container \"%s\" in pod \"%s\" is waiting to start: "
                        "%s",
                        name, podname, reason ? reason : "ContainerCreating");
    else if (strcmp(reason, "ErrImagePull") == 0)
        msg = xasprintf("container \"%s\" in pod \"%s\" is waiting to start: "
                        "image can't be pulled",
                        name, podname);
    else if (strcmp(reason, "ImagePullBackOff") == 0)
        msg = xasprintf("container \"%s\" in pod \"%s\" is waiting to start: "
                        "trying and failing to pull image",
                        name, podname);
    else
        msg = xasprintf("container \"%s\" in pod \"%s\" is waiting to start: "
                        "%s",
                        name, podname, reason);
    *status = simlogs_status(400, "BadRequest", msg);
    free(msg);
    return 400;
}

static void
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
    char        ts[40];
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

        if (s->timestamps) {
            simlogs_format_time(ts, sizeof ts, t);
            kbuf_append(&b, ts, strlen(ts));
            kbuf_append(&b, " ", 1);
        }
        if (which == 1) {
            simlogs_text(&b, &s->inst, s->next_line, t);
            s->next_line++;
        } else {
            const char *text = r->text[s->next_seq % SIMLOGS_RING];

            kbuf_append(&b, text, strlen(text));
            s->next_seq++;
        }
        kbuf_append(&b, "\n", 1);
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
    st = simlogs_find(simlogs_obj(pod, "status.containerStatuses"),
                      s->inst.container);
    if (st == NULL)
        st = simlogs_find(simlogs_obj(pod, "status.initContainerStatuses"),
                          s->inst.container);
    state = simlogs_obj(st, "state");
    if (simlogs_obj(state, "running") != NULL) {
        started = simlogs_str(state, "running.startedAt");
        if (simlogs_time_ns(started) == s->inst.start_ns || started == NULL)
            return 1;
    }
    if (simlogs_obj(state, "terminated") != NULL &&
        simlogs_time_ns(simlogs_str(state, "terminated.startedAt")) ==
            s->inst.start_ns) {
        int64_t fin =
            simlogs_time_ns(simlogs_str(state, "terminated.finishedAt"));

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
    if (simlogs_emit(s, target, t_to)) {
        simlogs_stream_end(s);
        return;
    }
    if (simlogs_pending(s, target, t_to)) {
        uv_timer_start(&s->timer, simlogs_tick, 0, 0); /* more, next turn */
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
    rc = simlogs_resolve(logs, pod, o, &in, status);
    if (rc != 0) {
        simlogs_inst_done(&in);
        return rc;
    }
    s = xcalloc(1, sizeof *s);
    s->logs = logs;
    s->out = *out;
    s->data = data;
    s->inst = in;
    s->timestamps = o->timestamps;
    s->follow = o->follow && in.end_ns < 0;
    s->limit = o->limit_bytes > 0 ? o->limit_bytes : -1;
    /* The first line to send: since*, then tail, then what was kept. */
    n = simlogs_count_at(&in, in.end_ns >= 0 ? in.end_ns : now);
    since = -1;
    if (o->since_seconds > 0)
        since = now - o->since_seconds * 1000000000;
    else if (o->since_time >= 0)
        since = o->since_time * 1000000000;
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
