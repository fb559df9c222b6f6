/*
 * The merged log stream (see logs-merge.h). Each source keeps a FIFO of
 * copied lines; the release rule is a k-way merge on the heads, where a
 * following source with an empty queue blocks only until the oldest held
 * line has waited hold_ms. Sources that are not following (reconnecting,
 * waiting, ended) never block. A timer re-runs the merge while lines wait.
 */
#define _GNU_SOURCE
#include "logs-merge.h"

#include "khttp.h"
#include "loop.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <uv.h>

struct logs_merge_line {
    struct logs_merge_line *next;
    int64_t                 ts_ns;
    int64_t                 arrived_ms;
    size_t                  ts_len, len;
    int                     flags;
    char                   *ts; /* ts_len bytes, then text */
};

struct logs_merge_src {
    struct logs_merge      *m;
    unsigned                idx;
    struct logs            *logs;
    char                   *prefix;
    struct logs_merge_line *head, *tail;
    int                     closed;
};

struct logs_merge {
    struct kclient         *client;
    int64_t                 hold_ms;
    logs_merge_line_cb      line_cb;
    logs_merge_status_cb    status_cb;
    void                   *data;
    struct logs_merge_src **src;
    unsigned                nsrc;
    int                     started, closing, pending;
    uv_timer_t              timer;
    logs_merge_done_cb      done;
    void                   *done_data;
};

static void logs_merge_run(struct logs_merge *);

static void
logs_merge_timer_cb(uv_timer_t *t)
{
    logs_merge_run(t->data);
}

static void
logs_merge_on_line(struct logs *l, const struct logs_line *ln, void *data)
{
    struct logs_merge_src  *s = data;
    struct logs_merge_line *q = xmalloc(sizeof *q);

    q->next = NULL;
    q->ts_ns = ln->ts_ns;
    q->arrived_ms = know_ms();
    q->ts_len = ln->ts != NULL ? ln->ts_len : 0;
    q->len = ln->len;
    q->flags = ln->flags;
    q->ts = xmalloc(q->ts_len + q->len + 1);
    if (q->ts_len > 0)
        memcpy(q->ts, ln->ts, q->ts_len);
    memcpy(q->ts + q->ts_len, ln->text, q->len);
    q->ts[q->ts_len + q->len] = '\0';
    if (s->tail != NULL)
        s->tail->next = q;
    else
        s->head = q;
    s->tail = q;
    logs_merge_run(s->m);
}

static void
logs_merge_on_status(struct logs *l, const struct logs_status *st, void *data)
{
    struct logs_merge_src *s = data;
    struct logs_merge     *m = s->m;

    if (m->status_cb != NULL && !m->closing)
        m->status_cb(m, s->idx, st, m->data);
    /* A source that stops following no longer holds the others back. */
    logs_merge_run(m);
}

/* Does this source hold back lines newer than its (empty) head? Any source
 * that may still send lines does (one reconnecting resends from its last
 * timestamp; one waiting to start has its first lines to come); only an
 * ended or failed one does not. Either way for at most hold_ms. */
static int
logs_merge_blocks(struct logs_merge_src *s)
{
    enum logs_state st = logs_status(s->logs)->state;

    return s->head == NULL && st != LOGS_ENDED && st != LOGS_ERROR;
}

static void
logs_merge_emit(struct logs_merge *m, struct logs_merge_src *s)
{
    struct logs_merge_line *q = s->head;
    struct logs_line        ln = {0};

    s->head = q->next;
    if (s->head == NULL)
        s->tail = NULL;
    ln.ts_ns = q->ts_ns;
    ln.ts = q->ts_len > 0 ? q->ts : NULL;
    ln.ts_len = q->ts_len;
    ln.text = q->ts + q->ts_len;
    ln.len = q->len;
    ln.flags = q->flags;
    if (!m->closing && m->line_cb != NULL)
        m->line_cb(m, s->idx, s->prefix, &ln, m->data);
    free(q->ts);
    free(q);
}

static void
logs_merge_run(struct logs_merge *m)
{
    int64_t  now = know_ms(), oldest = INT64_MAX;
    unsigned i;

    while (!m->closing) {
        struct logs_merge_src *best = NULL;
        int                    blocked = 0;

        oldest = INT64_MAX;
        for (i = 0; i < m->nsrc; i++) {
            struct logs_merge_src *s = m->src[i];

            if (s->head == NULL) {
                blocked |= logs_merge_blocks(s);
                continue;
            }
            if (s->head->arrived_ms < oldest)
                oldest = s->head->arrived_ms;
            if (best == NULL || s->head->ts_ns < best->head->ts_ns)
                best = s;
        }
        if (best == NULL)
            break;
        if (blocked && now - oldest < m->hold_ms)
            break; /* a following source may still send an older line */
        logs_merge_emit(m, best);
    }
    if (m->closing)
        return;
    if (oldest != INT64_MAX) {
        int64_t wait = oldest + m->hold_ms - now;

        uv_timer_start(&m->timer, logs_merge_timer_cb,
                       (uint64_t)(wait > 1 ? wait : 1), 0);
    } else
        uv_timer_stop(&m->timer);
}

struct logs_merge *
logs_merge_create(struct kclient *client, int64_t hold_ms,
                  logs_merge_line_cb line_cb, logs_merge_status_cb status_cb,
                  void *data)
{
    struct logs_merge *m = xcalloc(1, sizeof *m);

    m->client = client;
    m->hold_ms = hold_ms > 0 ? hold_ms : 300;
    m->line_cb = line_cb;
    m->status_cb = status_cb;
    m->data = data;
    uv_timer_init(kloop_uv(kclient_loop(client)), &m->timer);
    m->timer.data = m;
    return m;
}

unsigned
logs_merge_add(struct logs_merge *m, const struct logs_opts *o)
{
    struct logs_merge_src *s = xcalloc(1, sizeof *s);

    s->m = m;
    s->idx = m->nsrc;
    s->prefix = o->container != NULL
                    ? xasprintf("[pod/%s/%s]", o->pod, o->container)
                    : xasprintf("[pod/%s]", o->pod);
    s->logs =
        logs_create(m->client, o, logs_merge_on_line, logs_merge_on_status, s);
    m->src = xrealloc(m->src, (m->nsrc + 1) * sizeof *m->src);
    m->src[m->nsrc++] = s;
    if (m->started)
        logs_start(s->logs);
    return s->idx;
}

unsigned
logs_merge_count(struct logs_merge *m)
{
    return m->nsrc;
}

struct logs *
logs_merge_stream(struct logs_merge *m, unsigned src)
{
    return src < m->nsrc ? m->src[src]->logs : NULL;
}

const char *
logs_merge_prefix(struct logs_merge *m, unsigned src)
{
    return src < m->nsrc ? m->src[src]->prefix : NULL;
}

void
logs_merge_start(struct logs_merge *m)
{
    unsigned i;

    m->started = 1;
    for (i = 0; i < m->nsrc; i++)
        logs_start(m->src[i]->logs);
}

static void
logs_merge_maybe_free(struct logs_merge *m)
{
    unsigned i;

    if (m->pending > 0)
        return;
    if (m->done != NULL)
        m->done(m, m->done_data);
    for (i = 0; i < m->nsrc; i++) {
        struct logs_merge_src *s = m->src[i];

        while (s->head != NULL) {
            struct logs_merge_line *q = s->head;

            s->head = q->next;
            free(q->ts);
            free(q);
        }
        free(s->prefix);
        free(s);
    }
    free(m->src);
    free(m);
}

static void
logs_merge_src_closed(struct logs *l, void *data)
{
    struct logs_merge_src *s = data;

    s->m->pending--;
    logs_merge_maybe_free(s->m);
}

static void
logs_merge_timer_closed(uv_handle_t *h)
{
    struct logs_merge *m = h->data;

    m->pending--;
    logs_merge_maybe_free(m);
}

void
logs_merge_close(struct logs_merge *m, logs_merge_done_cb done, void *data)
{
    unsigned i;

    if (m == NULL || m->closing)
        return;
    m->closing = 1;
    m->done = done;
    m->done_data = data;
    m->pending = (int)m->nsrc + 1;
    uv_timer_stop(&m->timer);
    uv_close((uv_handle_t *)&m->timer, logs_merge_timer_closed);
    for (i = 0; i < m->nsrc; i++)
        logs_close(m->src[i]->logs, logs_merge_src_closed, m->src[i]);
}
