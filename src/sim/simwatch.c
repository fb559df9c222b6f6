/*
 * Watch streams: a ?watch= request becomes a chunked 200 whose body is one
 * JSON event per line. Without a resourceVersion the current state comes
 * first as ADDED; with one, the history after it is replayed, or the watch
 * gets 410 Expired when that version is gone (an ERROR event inside the
 * 200, like the watch cache; a plain HTTP 410 after a forced compaction).
 * Bookmarks, timeoutSeconds and the drop/expire fault knobs live here.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "simlist.h"
#include "simsel.h"
#include "simtable.h"
#include "simwatch.h"

#define SIMWATCH_MAX_QUEUE (64u * 1024 * 1024)

struct simwatch {
    struct sim           *sim;
    struct simreq        *req;
    const struct simres  *res;
    char                 *ns;
    struct simsel         sel;
    int                   table, table_sent_cols;
    enum simtable_include include;
    int                   bookmarks;
    uint64_t              deadline;      /* loop ms */
    uint64_t              next_bookmark; /* loop ms, 0 = none */
    int                   final_bookmark_sent;
    int                   replaying; /* initial ADDEDs or history replay */
    size_t                allowance; /* backlog left by the replay */
    uv_timer_t            timer;
    struct simwatch      *next, *prev;
};

enum simwatch_end { END_CLEAN, END_ABORT, END_CANCELLED };

static void simwatch_arm(struct simwatch *);

size_t
simwatch_count(struct sim *sim)
{
    struct simwatch *w;
    size_t           n = 0;

    for (w = sim->watches; w != NULL; w = w->next)
        n++;
    return n;
}

static void
timer_close_cb(uv_handle_t *h)
{
    struct simwatch *w = h->data;
    struct sim      *sim = w->sim;

    simsel_done(&w->sel);
    free(w->ns);
    free(w);
    sim->pending_closes--;
    sim_maybe_done(sim);
}

static void
simwatch_end(struct simwatch *w, enum simwatch_end how)
{
    struct sim    *sim = w->sim;
    struct simreq *r = w->req;

    if (w->prev != NULL)
        w->prev->next = w->next;
    else
        sim->watches = w->next;
    if (w->next != NULL)
        w->next->prev = w->prev;
    w->next = w->prev = NULL;
    w->req = NULL;
    r->cancel_cb = NULL;
    uv_timer_stop(&w->timer);
    sim->pending_closes++;
    uv_close((uv_handle_t *)&w->timer, timer_close_cb);
    if (how == END_CLEAN)
        simhttp_stream_end(r);
    else if (how == END_ABORT)
        simhttp_stream_abort(r);
}

static void
simwatch_cancel(struct simreq *r, void *data)
{
    struct simwatch *w = data;

    (void)r;
    simwatch_end(w, END_CANCELLED);
}

/* Write one line; ends the watch when the client cannot keep up. */
static int
simwatch_write(struct simwatch *w, struct kbuf *line)
{
    struct sim *sim = w->sim;
    size_t      queued;

    if (sim->opts.garbage_rate > 0 && sim_rand(sim) < sim->opts.garbage_rate) {
        static const char junk[] =
            "{\"type\":\"MODIFIED\",\"object\":{\"kind\"\n";

        simhttp_stream_write(w->req, junk, sizeof junk - 1);
    }
    if (simhttp_stream_write(w->req, line->data, line->len) != 0)
        return -1;
    /* Like the apiserver's watch cache, the initial events and the replay
     * wait for the client however long they are; only a client that falls
     * further behind on live events is dropped. (Counting the replay cut
     * the watch after a big list under churn mid-line, again and again.) */
    if (w->replaying)
        return 0;
    queued = simhttp_stream_queued(w->req);
    if (queued < w->allowance)
        w->allowance = queued; /* the client is draining the replay */
    if (queued > SIMWATCH_MAX_QUEUE + w->allowance) {
        simwatch_end(w, END_ABORT);
        return -1;
    }
    return 0;
}

static const char *const simwatch_types[] = {"ADDED", "MODIFIED", "DELETED"};

static int
simwatch_send(struct simwatch *w, const char *type, struct simsnap *snap)
{
    struct kbuf b;
    int         rc;

    kbuf_init(&b);
    kbuf_printf(&b, "{\"type\":\"%s\",\"object\":", type);
    if (w->table) {
        const char *rv = cJSON_GetStringValue(cJSON_GetObjectItem(
            cJSON_GetObjectItem(snap->obj, "metadata"), "resourceVersion"));

        kbuf_printf(&b,
                    "{\"kind\":\"Table\",\"apiVersion\":\"meta.k8s.io/v1\","
                    "\"metadata\":{\"resourceVersion\":\"%s\"},"
                    "\"columnDefinitions\":",
                    rv ? rv : "");
        if (!w->table_sent_cols) {
            simtable_columns(&b, w->res);
            w->table_sent_cols = 1;
        } else
            kbuf_puts(&b, "null");
        kbuf_puts(&b, ",\"rows\":[");
        simtable_row(&b, w->res, snap, know_ms(), w->include);
        kbuf_puts(&b, "]}");
    } else
        simlist_full_object(&b, w->res, snap);
    kbuf_puts(&b, "}\n");
    rc = simwatch_write(w, &b);
    kbuf_done(&b);
    return rc;
}

static int
simwatch_wants(struct simwatch *w, const struct simres *res,
               struct simsnap *snap)
{
    const char *ns;

    if (res != w->res)
        return 0;
    if (w->ns != NULL) {
        ns = cJSON_GetStringValue(cJSON_GetObjectItem(
            cJSON_GetObjectItem(snap->obj, "metadata"), "namespace"));
        if (ns == NULL || strcmp(ns, w->ns) != 0)
            return 0;
    }
    return simsel_match(&w->sel, snap->obj);
}

static void
simwatch_replay_cb(void *data, const struct simres *res,
                   enum simstore_type type, struct simsnap *snap)
{
    struct simwatch *w = data;

    if (w->req == NULL || !simwatch_wants(w, res, snap))
        return;
    simwatch_send(w, simwatch_types[type], snap);
}

void
simwatch_notify(void *data, const struct simres *res, enum simstore_type type,
                struct simsnap *snap)
{
    struct sim      *sim = data;
    struct simwatch *w, *next;

    for (w = sim->watches; w != NULL; w = next) {
        next = w->next;
        if (simwatch_wants(w, res, snap))
            simwatch_send(w, simwatch_types[type], snap);
    }
}

static int
simwatch_bookmark(struct simwatch *w, int initial_end)
{
    struct kbuf b;
    int         rc;

    kbuf_init(&b);
    kbuf_printf(&b,
                "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"%s\","
                "\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":"
                "\"%llu\",\"creationTimestamp\":null%s}}}\n",
                w->res->kind, (unsigned long long)simstore_rv(w->sim->store),
                initial_end ? ",\"annotations\":{\"k8s.io/"
                              "initial-events-end\":\"true\"}"
                            : "");
    rc = simwatch_write(w, &b);
    kbuf_done(&b);
    return rc;
}

static void
simwatch_expired_event(struct simwatch *w, uint64_t from)
{
    struct kbuf b;

    kbuf_init(&b);
    kbuf_printf(&b,
                "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\","
                "\"apiVersion\":\"v1\",\"metadata\":{},\"status\":"
                "\"Failure\",\"message\":\"too old resource version: %llu "
                "(%llu)\",\"reason\":\"Expired\",\"code\":410}}\n",
                (unsigned long long)from,
                (unsigned long long)simstore_compacted(w->sim->store, w->res));
    simwatch_write(w, &b);
    kbuf_done(&b);
}

static void
timer_cb(uv_timer_t *t)
{
    struct simwatch *w = t->data;
    uint64_t         now = uv_now(w->sim->loop);

    if (now >= w->deadline) {
        simwatch_end(w, END_CLEAN);
        return;
    }
    if (w->bookmarks && w->next_bookmark != 0 && now >= w->next_bookmark) {
        if (simwatch_bookmark(w, 0) != 0)
            return;
        w->next_bookmark = now + (uint64_t)(w->sim->opts.bookmark_every * 1000);
    }
    if (w->bookmarks && !w->final_bookmark_sent && w->deadline > 2000 &&
        now >= w->deadline - 2000) {
        w->final_bookmark_sent = 1;
        if (simwatch_bookmark(w, 0) != 0)
            return;
    }
    simwatch_arm(w);
}

static void
simwatch_arm(struct simwatch *w)
{
    uint64_t now = uv_now(w->sim->loop), at = w->deadline;

    if (w->bookmarks && w->next_bookmark != 0 && w->next_bookmark < at)
        at = w->next_bookmark;
    if (w->bookmarks && !w->final_bookmark_sent && w->deadline > 2000 &&
        w->deadline - 2000 < at)
        at = w->deadline - 2000;
    uv_timer_start(&w->timer, timer_cb, at > now ? at - now : 0, 0);
}

void
simwatch_start(struct simreq *r, const struct simres *res, const char *ns)
{
    struct sim      *sim = r->sim;
    struct simwatch *w;
    const char      *rvs = simhttp_query(r, "resourceVersion");
    const char      *tos = simhttp_query(r, "timeoutSeconds");
    char            *cause = NULL, *end;
    uint64_t         from = 0;
    int    initial = rvs == NULL || *rvs == '\0' || strcmp(rvs, "0") == 0;
    double timeout;

    if (!initial) {
        from = strtoull(rvs, &end, 10);
        if (*end != '\0') {
            simhttp_status(r, 400, "BadRequest", NULL, NULL,
                           "invalid resource version: %s", rvs);
            return;
        }
        if (from < simstore_compacted(sim->store, res) &&
            from < sim->forced_expire_rv) {
            /* a forced compaction (--expire-every): plain HTTP 410 */
            simhttp_status(
                r, 410, "Expired", NULL, NULL,
                "too old resource version: %llu (%llu)",
                (unsigned long long)from,
                (unsigned long long)simstore_compacted(sim->store, res));
            return;
        }
    }
    w = xcalloc(1, sizeof *w);
    if (simsel_parse(&w->sel, res, simhttp_query(r, "labelSelector"),
                     simhttp_query(r, "fieldSelector"), &cause) != 0) {
        simhttp_status(r, 400, "BadRequest", NULL, NULL, "%s", cause);
        free(cause);
        free(w);
        return;
    }
    w->sim = sim;
    w->req = r;
    w->res = res;
    w->ns = ns != NULL ? xstrdup(ns) : NULL;
    w->table = simtable_wanted(r);
    w->include = simtable_include(r);
    w->bookmarks = simhttp_query_bool(r, "allowWatchBookmarks");
    timeout = tos != NULL ? strtod(tos, NULL) : 0;
    if (timeout <= 0)
        timeout = 1800 + 1800 * sim_rand(sim);
    w->deadline = uv_now(sim->loop) + (uint64_t)(timeout * 1000);
    if (w->bookmarks && sim->opts.bookmark_every > 0)
        w->next_bookmark =
            uv_now(sim->loop) + (uint64_t)(sim->opts.bookmark_every * 1000);
    uv_timer_init(sim->loop, &w->timer);
    w->timer.data = w;
    w->next = sim->watches;
    if (sim->watches != NULL)
        sim->watches->prev = w;
    sim->watches = w;
    r->cancel_cb = simwatch_cancel;
    r->cancel_data = w;
    simhttp_stream_begin(r, 200,
                         w->table ? SIMTABLE_CONTENT_TYPE : "application/json");
    w->replaying = 1;
    if (initial) {
        struct simsnap **snaps;
        size_t           n, i;

        n = simstore_list(sim->store, res, ns, &snaps);
        for (i = 0; i < n && w->req != NULL; i++)
            if (simsel_match(&w->sel, snaps[i]->obj))
                if (simwatch_send(w, "ADDED", snaps[i]) != 0)
                    break;
        free(snaps);
        if (w->req == NULL)
            return;
        if (w->bookmarks && simhttp_query_bool(r, "sendInitialEvents"))
            simwatch_bookmark(w, 1);
    } else if (simstore_replay(sim->store, res, from, simwatch_replay_cb, w) !=
               0) {
        simwatch_expired_event(w, from);
        if (w->req != NULL)
            simwatch_end(w, END_CLEAN);
        return;
    }
    if (w->req != NULL) {
        w->replaying = 0;
        w->allowance = simhttp_stream_queued(w->req);
        simwatch_arm(w);
    }
}

/* Snapshot of the open watches, so ending one may change the list. */
static size_t
simwatch_all(struct sim *sim, struct simwatch ***out)
{
    size_t           n = simwatch_count(sim), i = 0;
    struct simwatch *w;

    *out = xcalloc(n + 1, sizeof **out);
    for (w = sim->watches; w != NULL; w = w->next)
        (*out)[i++] = w;
    return n;
}

static int
simwatch_alive(struct sim *sim, struct simwatch *x)
{
    struct simwatch *w;

    for (w = sim->watches; w != NULL; w = w->next)
        if (w == x)
            return 1;
    return 0;
}

void
simwatch_drop_all(struct sim *sim)
{
    struct simwatch **all;
    size_t            n = simwatch_all(sim, &all), i;

    sim->drops++;
    for (i = 0; i < n; i++)
        if (simwatch_alive(sim, all[i]))
            simwatch_end(all[i], sim->drops % 2 ? END_CLEAN : END_ABORT);
    free(all);
}

void
simwatch_expire_all(struct sim *sim)
{
    struct simwatch **all;
    size_t            n, i;

    simstore_compact(sim->store);
    sim->forced_expire_rv = simstore_compacted(sim->store, &simres_pods);
    n = simwatch_all(sim, &all);
    for (i = 0; i < n; i++) {
        if (!simwatch_alive(sim, all[i]))
            continue;
        simwatch_expired_event(all[i], simstore_rv(sim->store) - 1);
        if (simwatch_alive(sim, all[i]))
            simwatch_end(all[i], END_CLEAN);
    }
    free(all);
}

void
simwatch_close_all(struct sim *sim)
{
    while (sim->watches != NULL)
        simwatch_end(sim->watches, END_ABORT);
}
