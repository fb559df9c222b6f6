/*
 * Resumable log streams (see logs.h). Before each log request the pod is
 * read to learn which container instance (containerID) a request would
 * read; when the stream ends that tells a drop (same instance, still
 * running: resume from sinceTime), a restart (a new instance: drain the old
 * one with previous=true from sinceTime, mark the boundary, follow the new
 * one), and an end (terminated for good: report the exit). Replayed lines
 * are dropped by logs_dedup. Nothing here draws or blocks.
 */
#define _GNU_SOURCE
#include "logs.h"

#include "khttp.h"
#include "kubeconfig.h"
#include "logbuf.h"
#include "loop.h"
#include "store.h"
#include "util.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#define LOGS_MAX_SEEN 4096
#define LOGS_DEFAULT_MAX_LINE ((size_t)1 << 20)
#define LOGS_TS_MAX 40 /* prefix with an offset and 9 digits, and a space */

enum logs_req {
    LOGS_REQ_NONE,
    LOGS_REQ_POD,    /* GET the pod */
    LOGS_REQ_STREAM, /* the log, following */
    LOGS_REQ_DRAIN,  /* previous=true, one read from sinceTime */
    LOGS_REQ_ONCE,   /* a one-shot read (follow=0 or previous) */
};

/* What the pod says about our container. */
struct logs_pod {
    int   found;    /* the container is in the pod's status */
    char *inst;     /* containerID a plain log request reads, or NULL */
    char *last_cid; /* lastState.terminated.containerID */
    int   running;
    int   restarts;
    int   exit_code; /* state.terminated, or lastState when waiting */
    char *exit_reason;
    char *waiting; /* state.waiting.reason */
    int   will_restart;
};

struct logs {
    struct kclient    *client;
    char              *ns, *pod, *container;
    struct logs_opts   o;
    logs_line_cb       line_cb;
    logs_status_cb     status_cb;
    void              *data;
    struct logs_status st;
    char              *message, *exit_reason, *reason;

    struct logs_dedup dd;
    struct kbuf       pend; /* a line not yet delivered (see logs_on_line) */
    int               has_pend, pend_too_long;
    uv_check_t        check;
    int               handles;      /* open uv handles, for closing */
    struct store     *pods;         /* logs_watch_store, or NULL */
    char             *key;          /* "ns/pod" in it */
    uint64_t          pod_gen;      /* its object's generation last seen */
    char              ts_cache[19]; /* the last "2006-01-02T15:04:05" */
    int64_t           ts_secs;      /* its value, -1 = none */
    struct khttp_req *req;
    enum logs_req     req_kind;
    uv_timer_t        timer;
    void (*timer_fn)(struct logs *);
    int64_t      backoff_ms;   /* next wait; 0 = retry at once */
    int64_t      stream_at_ms; /* when the current stream began */
    uint64_t     stream_lines;
    char        *cid;        /* instance being followed; NULL = none yet */
    int          first_done; /* the first request (with tail/since) was made */
    int          clean_end;  /* the last stream ended without error */
    int          closing;
    logs_done_cb done;
    void        *done_data;
};

const char *
logs_state_name(enum logs_state s)
{
    switch (s) {
    case LOGS_CONNECTING:
        return "connecting";
    case LOGS_FOLLOWING:
        return "following";
    case LOGS_RECONNECTING:
        return "reconnecting";
    case LOGS_WAITING:
        return "waiting";
    case LOGS_ENDED:
        return "ended";
    case LOGS_ERROR:
        return "error";
    }
    return "?";
}

void
logs_status_text(const struct logs_status *st, int64_t now_ms, char *buf,
                 size_t len)
{
    int64_t     secs = (st->retry_at_ms - now_ms + 999) / 1000;
    const char *m = st->message;

    if (secs < 0)
        secs = 0;
    switch (st->state) {
    case LOGS_RECONNECTING:
        snprintf(buf, len, "reconnecting in %llds%s%s", (long long)secs,
                 m ? ": " : "", m ? m : "");
        break;
    case LOGS_WAITING:
        snprintf(buf, len, "waiting%s%s", m ? ": " : "", m ? m : "");
        break;
    case LOGS_ENDED:
        if (st->exit_code >= 0)
            snprintf(buf, len, "ended: exit %d%s%s%s", st->exit_code,
                     st->exit_reason ? " (" : "",
                     st->exit_reason ? st->exit_reason : "",
                     st->exit_reason ? ")" : "");
        else
            snprintf(buf, len, "ended%s%s", m ? ": " : "", m ? m : "");
        break;
    case LOGS_ERROR:
        snprintf(buf, len, "error: %s", m ? m : "unknown");
        break;
    default:
        snprintf(buf, len, "%s", logs_state_name(st->state));
        break;
    }
}

/* --- timestamps --- */

static int
logs_digits(const char *s, int n)
{
    int v = 0, i;

    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static int64_t
logs_days(int64_t y, int m, int d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* The calendar part "2006-01-02T15:04:05" to seconds, or -1. */
static int64_t
logs_parse_secs(const char *s)
{
    int y, mo, d, h, mi, se;

    if (s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
        s[16] != ':')
        return -1;
    y = logs_digits(s, 4);
    mo = logs_digits(s + 5, 2);
    d = logs_digits(s + 8, 2);
    h = logs_digits(s + 11, 2);
    mi = logs_digits(s + 14, 2);
    se = logs_digits(s + 17, 2);
    if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 ||
        mi < 0 || mi > 59 || se < 0 || se > 60)
        return -1;
    return logs_days(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
}

/* The rest after the seconds: fraction, zone, the space. */
static size_t
logs_parse_rest(const char *s, size_t len, int64_t secs, int64_t *ns)
{
    int     oh = 0, om = 0, sign = 0, nd = 0;
    int64_t frac = 0;
    size_t  i = 19;

    if (i < len && s[i] == '.') {
        for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
            if (nd >= 9)
                return 0;
            frac = frac * 10 + (s[i] - '0');
            nd++;
        }
        if (nd == 0)
            return 0;
        for (; nd < 9; nd++)
            frac *= 10;
    }
    if (i < len && s[i] == 'Z')
        i++;
    else if (i + 6 <= len && (s[i] == '+' || s[i] == '-') && s[i + 3] == ':') {
        sign = s[i] == '+' ? 1 : -1;
        oh = logs_digits(s + i + 1, 2);
        om = logs_digits(s + i + 4, 2);
        if (oh < 0 || om < 0 || oh > 23 || om > 59)
            return 0;
        i += 6;
    } else
        return 0;
    if (i < len) {
        if (s[i] != ' ')
            return 0;
        i++; /* the separating space */
    }
    *ns = (secs - sign * (oh * 3600 + om * 60)) * (int64_t)1000000000 + frac;
    return i;
}

size_t
logs_parse_ts(const char *s, size_t len, int64_t *ns)
{
    int64_t secs;

    if (len < 20 || (secs = logs_parse_secs(s)) < 0)
        return 0;
    return logs_parse_rest(s, len, secs, ns);
}

/* logs_parse_ts for a stream: consecutive lines share their second, so
 * the calendar arithmetic is done once per second, not once per line. */
static size_t
logs_parse_ts_cached(struct logs *l, const char *s, size_t len, int64_t *ns)
{
    if (len < 20)
        return 0;
    if (l->ts_secs < 0 || memcmp(s, l->ts_cache, 19) != 0) {
        int64_t secs = logs_parse_secs(s);

        if (secs < 0)
            return 0;
        memcpy(l->ts_cache, s, 19);
        l->ts_secs = secs;
    }
    return logs_parse_rest(s, len, l->ts_secs, ns);
}

/* --- duplicates --- */

void
logs_dedup_init(struct logs_dedup *dd)
{
    memset(dd, 0, sizeof *dd);
}

/* Forget the texts but keep their buffers: a line per timestamp is the
 * usual case, and this runs for every line. */
static void
logs_dedup_forget(struct logs_dedup *dd)
{
    dd->nseen = 0;
}

void
logs_dedup_done(struct logs_dedup *dd)
{
    size_t i;

    for (i = 0; i < dd->cap; i++)
        free(dd->seen[i].text);
    free(dd->seen);
    memset(dd, 0, sizeof *dd);
}

void
logs_dedup_resume(struct logs_dedup *dd)
{
    size_t i;

    for (i = 0; i < dd->nseen; i++)
        dd->seen[i].used = 0;
    dd->replay = dd->last_ts != 0;
}

static void
logs_dedup_remember(struct logs_dedup *dd, const char *text, size_t len)
{
    struct logs_seen *s;

    /* A flood of lines with one timestamp: stop remembering rather than
     * grow without bound (only a replay of those could then double). */
    if (dd->nseen >= LOGS_MAX_SEEN)
        return;
    if (dd->nseen == dd->cap) {
        size_t ncap = dd->cap ? dd->cap * 2 : 4;

        dd->seen = xrealloc(dd->seen, ncap * sizeof *dd->seen);
        memset(dd->seen + dd->cap, 0, (ncap - dd->cap) * sizeof *dd->seen);
        dd->cap = ncap;
    }
    s = &dd->seen[dd->nseen++];
    if (s->text == NULL || s->size < len + 1) {
        free(s->text);
        s->size = len + 1 > 128 ? len + 1 : 128;
        s->text = xmalloc(s->size);
    }
    memcpy(s->text, text, len);
    s->text[len] = '\0';
    s->len = len;
    s->used = 1; /* delivered in this connection */
}

int
logs_dedup_check(struct logs_dedup *dd, int64_t ts, const char *text,
                 size_t len)
{
    size_t i;

    if (ts > dd->last_ts) {
        dd->replay = 0;
        logs_dedup_forget(dd);
        dd->last_ts = ts;
        logs_dedup_remember(dd, text, len);
        return 1;
    }
    if (ts < dd->last_ts)
        /* Older than what we had: a replay of seen lines (sinceTime may
         * be rounded down); in a live stream, out-of-order but new. */
        return !dd->replay;
    if (dd->replay) {
        for (i = 0; i < dd->nseen; i++) {
            struct logs_seen *s = &dd->seen[i];

            if (!s->used && s->len == len && memcmp(s->text, text, len) == 0) {
                s->used = 1;
                return 0;
            }
        }
    }
    logs_dedup_remember(dd, text, len);
    return 1;
}

/* --- state --- */

static void
logs_notify(struct logs *l)
{
    if (!l->closing && l->status_cb != NULL)
        l->status_cb(l, &l->st, l->data);
}

static void
logs_set_state_r(struct logs *l, enum logs_state s, const char *msg,
                 const char *reason)
{
    char *m = msg != NULL ? xstrdup(msg) : NULL;

    free(l->message);
    l->message = m;
    l->st.message = m;
    free(l->reason);
    l->reason = reason != NULL ? xstrdup(reason) : NULL;
    l->st.reason = l->reason;
    l->st.state = s;
    logs_notify(l);
}

static void
logs_set_state(struct logs *l, enum logs_state s, const char *msg)
{
    logs_set_state_r(l, s, msg, NULL);
}

static void
logs_timer_cb(uv_timer_t *t)
{
    struct logs *l = t->data;
    void (*fn)(struct logs *) = l->timer_fn;

    l->timer_fn = NULL;
    if (fn != NULL && !l->closing)
        fn(l);
}

static void
logs_after(struct logs *l, int64_t ms, void (*fn)(struct logs *))
{
    if (l->closing)
        return;
    l->timer_fn = fn;
    uv_timer_start(&l->timer, logs_timer_cb, (uint64_t)(ms > 0 ? ms : 0), 0);
}

/* The next backoff wait: 0.8 s doubling to 30 s. */
static int64_t
logs_backoff(struct logs *l)
{
    int64_t ms = l->backoff_ms;

    if (ms < l->o.backoff_min_ms)
        l->backoff_ms = l->o.backoff_min_ms;
    else {
        l->backoff_ms = ms * 2;
        if (l->backoff_ms > l->o.backoff_max_ms)
            l->backoff_ms = l->o.backoff_max_ms;
    }
    return ms;
}

static void logs_get_pod(struct logs *);
static void logs_open(struct logs *, enum logs_req);

/* Wait, then read the pod again; state says why. */
static void
logs_retry(struct logs *l, enum logs_state s, const char *msg)
{
    int64_t ms = logs_backoff(l);

    if (ms <= 0)
        ms = l->o.backoff_min_ms / 8; /* never spin */
    l->st.retry_at_ms = know_ms() + ms;
    logs_set_state(l, s, msg);
    logs_after(l, ms, logs_get_pod);
}

static void
logs_emit(struct logs *l, const struct logs_line *ln)
{
    l->st.lines++;
    if (!l->closing && l->line_cb != NULL)
        l->line_cb(l, ln, l->data);
}

static void
logs_marker(struct logs *l, const char *text)
{
    struct logs_line ln = {0};

    ln.ts_ns = l->dd.last_ts;
    ln.text = text;
    ln.len = strlen(text);
    ln.flags = LOGS_LINE_MARKER;
    logs_emit(l, &ln);
}

/* --- the pod --- */

static const cJSON *
logs_get(const cJSON *o, const char *k)
{
    return cJSON_GetObjectItemCaseSensitive(o, k);
}

static const char *
logs_str(const cJSON *o, const char *k)
{
    const cJSON *v = logs_get(o, k);

    return cJSON_IsString(v) && *v->valuestring != '\0' ? v->valuestring : NULL;
}

static void
logs_pod_done(struct logs_pod *p)
{
    free(p->inst);
    free(p->last_cid);
    free(p->exit_reason);
    free(p->waiting);
    memset(p, 0, sizeof *p);
}

static void
logs_terminated(struct logs_pod *p, const cJSON *t)
{
    const cJSON *c = logs_get(t, "exitCode");

    p->exit_code = cJSON_IsNumber(c) ? c->valueint : -1;
    free(p->exit_reason);
    p->exit_reason =
        logs_str(t, "reason") ? xstrdup(logs_str(t, "reason")) : NULL;
}

static void
logs_pod_parse(struct logs *l, const cJSON *pod, struct logs_pod *p)
{
    const cJSON *spec = logs_get(pod, "spec"),
                *status = logs_get(pod, "status");
    const cJSON             *cs = NULL, *it, *state, *last;
    const char              *name = l->container, *policy, *phase;
    static const char *const lists[] = {"containerStatuses",
                                        "initContainerStatuses"};
    size_t                   i;

    memset(p, 0, sizeof *p);
    p->exit_code = -1;
    if (name == NULL) {
        const cJSON *c = logs_get(spec, "containers");

        if (cJSON_GetArraySize(c) == 1)
            name = logs_str(cJSON_GetArrayItem(c, 0), "name");
    }
    if (name == NULL)
        return;
    for (i = 0; i < nitems(lists) && cs == NULL; i++)
        cJSON_ArrayForEach(it, logs_get(status, lists[i]))
        {
            const char *n = logs_str(it, "name");

            if (n != NULL && strcmp(n, name) == 0) {
                cs = it;
                break;
            }
        }
    if (cs == NULL)
        return;
    p->found = 1;
    it = logs_get(cs, "restartCount");
    p->restarts = cJSON_IsNumber(it) ? it->valueint : 0;
    state = logs_get(cs, "state");
    last = logs_get(logs_get(cs, "lastState"), "terminated");
    if (logs_str(last, "containerID"))
        p->last_cid = xstrdup(logs_str(last, "containerID"));
    if (logs_get(state, "running") != NULL) {
        p->running = 1;
        if (logs_str(cs, "containerID"))
            p->inst = xstrdup(logs_str(cs, "containerID"));
    } else if ((it = logs_get(state, "terminated")) != NULL) {
        const char *cid = logs_str(it, "containerID");

        if (cid == NULL)
            cid = logs_str(cs, "containerID");
        if (cid != NULL)
            p->inst = xstrdup(cid);
        logs_terminated(p, it);
    } else {
        it = logs_get(state, "waiting");
        if (logs_str(it, "reason"))
            p->waiting = xstrdup(logs_str(it, "reason"));
        /* Waiting to restart: a plain request reads the last instance. */
        if (p->last_cid != NULL) {
            p->inst = xstrdup(p->last_cid);
            logs_terminated(p, last);
        }
    }
    policy = logs_str(spec, "restartPolicy");
    phase = logs_str(status, "phase");
    if (logs_get(logs_get(pod, "metadata"), "deletionTimestamp") != NULL ||
        (phase != NULL &&
         (strcmp(phase, "Succeeded") == 0 || strcmp(phase, "Failed") == 0)))
        p->will_restart = 0;
    else if (policy != NULL && strcmp(policy, "Never") == 0)
        p->will_restart = 0;
    else if (policy != NULL && strcmp(policy, "OnFailure") == 0)
        p->will_restart = p->exit_code != 0;
    else
        p->will_restart = 1;
}

static int
logs_same(const char *a, const char *b)
{
    return a != NULL && b != NULL && strcmp(a, b) == 0;
}

/* The pod as it is now decides what to do next. */
static void
logs_decide(struct logs *l, struct logs_pod *p)
{
    char *msg;

    l->st.restarts = p->found ? p->restarts : l->st.restarts;
    if (!p->found || p->inst == NULL) {
        /* Never ran yet: ask for the log anyway; the server's answer
         * ("is waiting to start: ...") is the message to show. */
        logs_open(l, LOGS_REQ_STREAM);
        return;
    }
    if (l->cid == NULL) {
        l->cid = xstrdup(p->inst);
        logs_open(l, LOGS_REQ_STREAM);
        return;
    }
    if (!logs_same(l->cid, p->inst)) {
        /* A new instance. Read the rest of ours first unless its stream
         * ended cleanly (the kubelet drained it). */
        if (!l->clean_end && logs_same(l->cid, p->last_cid)) {
            l->clean_end = 1;
            logs_open(l, LOGS_REQ_DRAIN);
            return;
        }
        free(l->cid);
        l->cid = xstrdup(p->inst);
        l->st.boundaries++;
        msg =
            xasprintf("--- container restarted (restart %d) ---", p->restarts);
        logs_marker(l, msg);
        free(msg);
        /* The new instance is read from its start: nothing is replayed. */
        l->dd.replay = 0;
        l->clean_end = 0;
        l->first_done = 2;
        logs_open(l, LOGS_REQ_STREAM);
        return;
    }
    if (p->running || !l->clean_end) {
        /* Ours, still running (a drop), or stopped with lines maybe unread
         * (a follow on a stopped container drains it and ends). */
        logs_open(l, LOGS_REQ_STREAM);
        return;
    }
    /* Ours has stopped and been read to the end. */
    free(l->exit_reason);
    l->exit_reason = p->exit_reason ? xstrdup(p->exit_reason) : NULL;
    l->st.exit_reason = l->exit_reason;
    l->st.exit_code = p->exit_code;
    if (p->will_restart) {
        msg = xasprintf("exited with code %d%s%s%s; waiting for restart",
                        p->exit_code, p->exit_reason ? " (" : "",
                        p->exit_reason ? p->exit_reason : "",
                        p->exit_reason ? ")" : "");
        logs_retry(l, LOGS_WAITING, msg);
        free(msg);
        return;
    }
    logs_set_state(l, LOGS_ENDED, NULL);
}

static void
logs_pod_got(struct khttp_req *q, const struct khttp_response *r, void *data)
{
    struct logs    *l = data;
    struct logs_pod p;
    cJSON          *pod;

    l->req = NULL;
    l->req_kind = LOGS_REQ_NONE;
    if (r->error != NULL) {
        if (r->status == 404) {
            /* Gone: after following it this is the end, not a failure. */
            logs_set_state_r(l, l->cid != NULL ? LOGS_ENDED : LOGS_ERROR,
                             r->error, r->reason);
            return;
        }
        if (r->status == 401 || r->status == 403) {
            logs_set_state_r(l, LOGS_ERROR, r->error, r->reason);
            return;
        }
        logs_retry(l, LOGS_RECONNECTING, r->error);
        return;
    }
    pod = cJSON_ParseWithLength(r->body, r->body_len);
    if (pod == NULL) {
        logs_retry(l, LOGS_RECONNECTING, "malformed pod from the server");
        return;
    }
    logs_pod_parse(l, pod, &p);
    cJSON_Delete(pod);
    logs_decide(l, &p);
    logs_pod_done(&p);
}

static void
logs_get_pod(struct logs *l)
{
    struct khttp_opts o = {0};
    char *path, *en = khttp_escape(l->ns), *ep = khttp_escape(l->pod);
    char *cause = NULL;

    if (l->closing) {
        free(en);
        free(ep);
        return;
    }
    path = xasprintf("/api/v1/namespaces/%s/pods/%s", en, ep);
    free(en);
    free(ep);
    o.path = path;
    o.max_retries = -1;
    o.timeout_ms = 30000;
    if (l->st.state != LOGS_RECONNECTING && l->st.state != LOGS_WAITING &&
        l->st.state != LOGS_FOLLOWING)
        logs_set_state(l, LOGS_CONNECTING, NULL);
    l->req_kind = LOGS_REQ_POD;
    l->req = khttp_request(l->client, &o, logs_pod_got, l, &cause);
    free(path);
    if (l->req == NULL) {
        l->req_kind = LOGS_REQ_NONE;
        logs_retry(l, LOGS_RECONNECTING, cause);
        free(cause);
    }
}

/* --- the log request --- */

/* Deliver one raw line: split the timestamp off, drop replays. */
static void
logs_process(struct logs *l, const char *line, size_t len, int too_long)
{
    struct logs_line ln = {0};
    size_t           n;
    int64_t          ns = 0;

    n = logs_parse_ts_cached(l, line, len, &ns);
    ln.text = line + n;
    ln.len = len - n;
    if (n > 0) {
        ln.ts = line;
        ln.ts_len = line[n - 1] == ' ' ? n - 1 : n;
        ln.ts_ns = ns;
        if (!logs_dedup_check(&l->dd, ns, ln.text, ln.len)) {
            l->st.duplicates++;
            return;
        }
    }
    if (too_long)
        ln.flags |= LOGS_LINE_TRUNCATED;
    l->stream_lines++;
    logs_emit(l, &ln);
}

static void
logs_flush_pending(struct logs *l)
{
    if (!l->has_pend)
        return;
    l->has_pend = 0;
    uv_check_stop(&l->check);
    logs_process(l, l->pend.data, l->pend.len, l->pend_too_long);
}

static void
logs_check_cb(uv_check_t *c)
{
    struct logs *l = c->data;

    logs_flush_pending(l);
}

/* Each line waits until the next one or the end of this loop iteration:
 * if the stream breaks right after it, khttp says whether it ended with
 * its newline (tail_cut), and a cut line must not be shown, since the
 * reconnect brings it whole. */
static void
logs_on_line(struct khttp_req *q, const char *line, size_t len, int too_long,
             void *data)
{
    struct logs *l = data;

    if (l->closing)
        return;
    logs_flush_pending(l);
    kbuf_reset(&l->pend);
    kbuf_append(&l->pend, line, len);
    l->pend_too_long = too_long;
    l->has_pend = 1;
    uv_check_start(&l->check, logs_check_cb);
}

static void
logs_stream_done(struct khttp_req *q, const struct khttp_response *r,
                 void *data)
{
    struct logs  *l = data;
    enum logs_req kind = l->req_kind;
    int           productive;

    l->req = NULL;
    l->req_kind = LOGS_REQ_NONE;
    if (r->tail_cut && r->error != NULL && l->has_pend) {
        l->has_pend = 0; /* cut short: the next request resends it */
        uv_check_stop(&l->check);
        l->st.cut_lines++;
    } else
        logs_flush_pending(l);
    productive = l->stream_lines > 0 || know_ms() - l->stream_at_ms > 5000;
    if (l->dd.last_ts == 0 && l->stream_lines == 0 && r->status != 200)
        l->first_done = 0; /* nothing read yet: keep the user's window */
    if (kind == LOGS_REQ_ONCE) {
        if (r->error != NULL)
            logs_set_state_r(l, LOGS_ERROR, r->error, r->reason);
        else
            logs_set_state(l, LOGS_ENDED, NULL);
        return;
    }
    if (kind == LOGS_REQ_DRAIN) {
        /* Whatever the drain got, go on to the new instance. */
        logs_get_pod(l);
        return;
    }
    if (r->error == NULL && r->status == 204) {
        logs_retry(l, LOGS_WAITING, "the pod is not scheduled yet");
        return;
    }
    if (r->error != NULL && !r->transport && r->status >= 400 &&
        r->status < 500 && r->status != 429) {
        /* Waiting to start is worth waiting for; the rest is final. */
        if (r->status == 400 && strstr(r->error, "is waiting to start"))
            logs_retry(l, LOGS_WAITING, r->error);
        else
            logs_set_state_r(l, LOGS_ERROR, r->error, r->reason);
        return;
    }
    l->clean_end = r->error == NULL;
    if (productive)
        l->backoff_ms = 0; /* it worked for a while: come back at once */
    if (r->error != NULL) {
        l->st.retry_at_ms = know_ms() + l->backoff_ms;
        logs_set_state(l, LOGS_RECONNECTING, r->error);
        logs_after(l, logs_backoff(l), logs_get_pod);
        return;
    }
    /* A clean end: the container stopped, or the server ended it (idle
     * timeout, restart). The pod tells which. */
    if (!productive) {
        l->st.retry_at_ms = know_ms() + l->backoff_ms;
        logs_after(l, logs_backoff(l), logs_get_pod);
    } else
        logs_get_pod(l);
}

static char *
logs_path(struct logs *l, enum logs_req kind)
{
    struct kbuf b;
    char       *en = khttp_escape(l->ns), *ep = khttp_escape(l->pod);
    char        ts[LOGS_TS_MAX];

    kbuf_init(&b);
    kbuf_printf(&b, "/api/v1/namespaces/%s/pods/%s/log?timestamps=true", en,
                ep);
    free(en);
    free(ep);
    if (kind == LOGS_REQ_STREAM)
        kbuf_puts(&b, "&follow=true");
    if (l->container != NULL) {
        char *c = khttp_escape(l->container);

        kbuf_printf(&b, "&container=%s", c);
        free(c);
    }
    if (kind == LOGS_REQ_DRAIN || (kind == LOGS_REQ_ONCE && l->o.previous))
        kbuf_puts(&b, "&previous=true");
    if (!l->first_done) {
        /* The user's window applies to the first request only. */
        if (l->o.tail_lines >= 0)
            kbuf_printf(&b, "&tailLines=%lld", (long long)l->o.tail_lines);
        if (l->o.since_seconds > 0)
            kbuf_printf(&b, "&sinceSeconds=%lld",
                        (long long)l->o.since_seconds);
    } else if (l->first_done == 1 && l->dd.last_ts != 0) {
        char *e;

        logbuf_format_ts(ts, sizeof ts, l->dd.last_ts);
        e = khttp_escape(ts);
        kbuf_printf(&b, "&sinceTime=%s", e);
        free(e);
    }
    return kbuf_steal(&b);
}

static void
logs_open(struct logs *l, enum logs_req kind)
{
    struct khttp_opts o = {0};
    char             *path, *cause = NULL;

    if (l->closing)
        return;
    path = logs_path(l, kind);
    if (l->first_done == 1 && l->dd.last_ts != 0)
        logs_dedup_resume(&l->dd);
    l->first_done = 1;
    o.path = path;
    o.accept = "*/*";
    o.on_line = logs_on_line;
    o.max_line = l->o.max_line + LOGS_TS_MAX;
    o.max_retries = kind == LOGS_REQ_ONCE ? 0 : -1;
    l->stream_lines = 0;
    l->stream_at_ms = know_ms();
    l->st.connects++;
    l->req_kind = kind;
    l->req = khttp_request(l->client, &o, logs_stream_done, l, &cause);
    free(path);
    if (l->req == NULL) {
        l->req_kind = LOGS_REQ_NONE;
        logs_set_state(l, LOGS_ERROR, cause);
        free(cause);
        return;
    }
    /* Open: following as far as anyone can tell (no line may come for a
     * while); a failure replaces this state at once. */
    if (kind == LOGS_REQ_STREAM && l->st.state != LOGS_FOLLOWING) {
        l->st.retry_at_ms = 0;
        logs_set_state(l, LOGS_FOLLOWING, NULL);
    }
}

/* --- the pods store --- */

static void
logs_store_changed(struct store *st, void *data)
{
    struct logs      *l = data;
    struct store_obj *o = store_find(st, l->key);
    uint64_t          gen = o != NULL ? o->gen : 0;

    if (gen == l->pod_gen)
        return;
    l->pod_gen = gen;
    /* Only a stream that is waiting for something is nudged; an open one
     * ends by itself when its container stops. */
    if (l->closing || l->req != NULL || l->timer_fn != logs_get_pod)
        return;
    if (l->st.state != LOGS_WAITING && l->st.state != LOGS_RECONNECTING)
        return;
    uv_timer_stop(&l->timer);
    l->timer_fn = NULL;
    logs_get_pod(l);
}

void
logs_watch_store(struct logs *l, struct store *pods)
{
    struct store_obj *o;

    if (l->pods != NULL)
        store_unlisten(l->pods, logs_store_changed, l);
    l->pods = pods;
    if (pods == NULL)
        return;
    free(l->key);
    l->key = xasprintf("%s/%s", l->ns, l->pod);
    o = store_find(pods, l->key);
    l->pod_gen = o != NULL ? o->gen : 0;
    store_listen(pods, logs_store_changed, l);
}

/* --- life cycle --- */

struct logs *
logs_create(struct kclient *client, const struct logs_opts *o,
            logs_line_cb line_cb, logs_status_cb status_cb, void *data)
{
    struct logs *l = xcalloc(1, sizeof *l);

    l->client = client;
    l->o = *o;
    l->ns = xstrdup(o->ns);
    l->pod = xstrdup(o->pod);
    l->container = o->container ? xstrdup(o->container) : NULL;
    l->o.ns = l->ns;
    l->o.pod = l->pod;
    l->o.container = l->container;
    if (l->o.max_line == 0)
        l->o.max_line = LOGS_DEFAULT_MAX_LINE;
    if (l->o.backoff_min_ms <= 0)
        l->o.backoff_min_ms = 800;
    if (l->o.backoff_max_ms <= 0)
        l->o.backoff_max_ms = 30000;
    if (l->o.previous)
        l->o.follow = 0;
    l->line_cb = line_cb;
    l->status_cb = status_cb;
    l->data = data;
    l->st.state = LOGS_CONNECTING;
    l->st.exit_code = -1;
    l->st.restarts = -1;
    logs_dedup_init(&l->dd);
    l->ts_secs = -1;
    uv_timer_init(kloop_uv(kclient_loop(client)), &l->timer);
    l->timer.data = l;
    uv_check_init(kloop_uv(kclient_loop(client)), &l->check);
    l->check.data = l;
    l->handles = 2;
    kbuf_init(&l->pend);
    return l;
}

static void
logs_begin(struct logs *l)
{
    if (l->o.follow)
        logs_get_pod(l);
    else
        logs_open(l, LOGS_REQ_ONCE);
}

void
logs_start(struct logs *l)
{
    logs_after(l, 0, logs_begin);
}

const struct logs_status *
logs_status(struct logs *l)
{
    return &l->st;
}

const char *
logs_pod(struct logs *l)
{
    return l->pod;
}

const char *
logs_container(struct logs *l)
{
    return l->container;
}

static void
logs_closed(uv_handle_t *h)
{
    struct logs *l = h->data;

    if (--l->handles > 0)
        return;
    if (l->done != NULL)
        l->done(l, l->done_data);
    logs_dedup_done(&l->dd);
    kbuf_done(&l->pend);
    free(l->ns);
    free(l->pod);
    free(l->container);
    free(l->message);
    free(l->reason);
    free(l->exit_reason);
    free(l->cid);
    free(l->key);
    free(l);
}

void
logs_close(struct logs *l, logs_done_cb done, void *data)
{
    if (l == NULL || l->closing)
        return;
    l->closing = 1;
    l->done = done;
    l->done_data = data;
    if (l->pods != NULL)
        store_unlisten(l->pods, logs_store_changed, l);
    l->pods = NULL;
    khttp_cancel(l->req);
    l->req = NULL;
    uv_timer_stop(&l->timer);
    uv_close((uv_handle_t *)&l->timer, logs_closed);
    uv_close((uv_handle_t *)&l->check, logs_closed);
}
