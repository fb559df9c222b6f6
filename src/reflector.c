/*
 * List + watch of one resource into a store, after client-go's Reflector:
 * LIST in pages of `limit` (mark and sweep across the pages, so a relist
 * also removes what was deleted meanwhile), then WATCH from the list's
 * resourceVersion with bookmarks and a timeout, re-watching from the last
 * seen version when a stream ends. 410 Expired, as an HTTP status or as an
 * ERROR event inside a 200, relists. Failures and malformed streams back
 * off 0.8 s doubling to 30 s. Store changes are batched per loop turn.
 */
#include "reflector.h"

#include "khttp.h"
#include "loop.h"
#include "store.h"
#include "util.h"

#include <cjson/cJSON.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#define BACKOFF_FIRST_MS 800
#define BACKOFF_MAX_MS 30000

enum refl_next { NEXT_LIST, NEXT_WATCH };

struct reflector {
    struct kclient         *c;
    struct store           *store;
    char                   *path;
    char                   *label_selector;
    char                   *field_selector;
    int                     page_limit;
    int                     watch_timeout_s;
    long                    request_timeout_ms;
    reflector_status_cb     status_cb;
    void                   *data;
    struct reflector_status st;
    char                   *error;

    struct khttp_req *req;
    char             *rv;             /* last synced resourceVersion */
    char             *cont;           /* continue token of the list */
    int               unpaged;        /* continue expired: list in one go */
    int               page;           /* pages of the current list */
    int               listed;         /* a list completed at least once */
    int               events;         /* events on the current watch */
    int64_t           last_list_ms;   /* when the last list completed */
    int64_t           watch_start_ms; /* when the current watch began */
    int64_t           backoff_ms;
    enum refl_next    next;

    uv_timer_t        timer; /* backoff / deferred start */
    uv_check_t        check; /* closes the store batch once per loop turn */
    int               batch_open;
    int               closing;
    int               handles;
    reflector_done_cb done;
    void             *done_data;
};

static void refl_list(struct reflector *);
static void refl_watch(struct reflector *);

static void
refl_notify(struct reflector *r)
{
    r->st.error = r->error;
    if (r->status_cb != NULL && !r->closing)
        r->status_cb(r, r->data);
}

static void
refl_set_error(struct reflector *r, const char *msg)
{
    free(r->error);
    r->error = msg != NULL ? xstrdup(msg) : NULL;
}

static void
refl_check_cb(uv_check_t *h)
{
    struct reflector *r = h->data;

    uv_check_stop(&r->check);
    if (r->batch_open) {
        r->batch_open = 0;
        store_batch_end(r->store);
    }
}

/* Group store changes until the end of this loop turn. */
static void
refl_batch(struct reflector *r)
{
    if (r->batch_open)
        return;
    r->batch_open = 1;
    store_batch_begin(r->store);
    uv_check_start(&r->check, refl_check_cb);
}

static void
refl_timer_cb(uv_timer_t *t)
{
    struct reflector *r = t->data;

    if (r->next == NEXT_LIST)
        refl_list(r);
    else
        refl_watch(r);
}

/* Run the next step now (from a timer, never from inside curl). */
static void
refl_schedule(struct reflector *r, enum refl_next next, int64_t delay_ms)
{
    r->next = next;
    uv_timer_start(&r->timer, refl_timer_cb, (uint64_t)delay_ms, 0);
}

/* Back off, then run next; the status says when. */
static void
refl_retry_after(struct reflector *r, enum refl_next next, const char *why,
                 int retry_after_s)
{
    int64_t delay;

    r->backoff_ms = r->backoff_ms == 0 ? BACKOFF_FIRST_MS : r->backoff_ms * 2;
    if (r->backoff_ms > BACKOFF_MAX_MS)
        r->backoff_ms = BACKOFF_MAX_MS;
    /* The server's Retry-After is a floor, not a replacement. */
    delay = r->backoff_ms;
    if (retry_after_s > 0 && (int64_t)retry_after_s * 1000 > delay)
        delay = (int64_t)retry_after_s * 1000;
    klog("%s: %s; retrying in %lld ms", r->path, why, (long long)delay);
    refl_set_error(r, why);
    r->st.state = REFLECTOR_RETRYING;
    r->st.retry_at_ms = know_ms() + delay;
    refl_schedule(r, next, delay);
    refl_notify(r);
}

static void
refl_retry(struct reflector *r, enum refl_next next, const char *why)
{
    refl_retry_after(r, next, why, 0);
}

/* Query string common to list and watch. */
static void
refl_selectors(struct reflector *r, struct kbuf *q)
{
    char *e;

    if (r->label_selector != NULL) {
        e = khttp_escape(r->label_selector);
        kbuf_printf(q, "&labelSelector=%s", e);
        free(e);
    }
    if (r->field_selector != NULL) {
        e = khttp_escape(r->field_selector);
        kbuf_printf(q, "&fieldSelector=%s", e);
        free(e);
    }
}

static int
refl_is_expired(long code, const char *reason)
{
    return code == 410 || (reason != NULL && (strcmp(reason, "Expired") == 0 ||
                                              strcmp(reason, "Gone") == 0));
}

static const char *
refl_rv_of(const cJSON *obj)
{
    const cJSON *md = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
    const cJSON *rv = cJSON_GetObjectItemCaseSensitive(md, "resourceVersion");

    return cJSON_IsString(rv) && *rv->valuestring != '\0' ? rv->valuestring
                                                          : NULL;
}

static void
refl_set_rv(struct reflector *r, const char *rv)
{
    if (rv == NULL)
        return;
    free(r->rv);
    r->rv = xstrdup(rv);
}

/* One page of a LIST: apply it, then the next page or the watch. */
/* Put name: value first in object o, unless o has name already. */
static void
refl_prepend(cJSON *o, const char *name, const char *value)
{
    cJSON *x;

    if (cJSON_GetObjectItemCaseSensitive(o, name) != NULL)
        return;
    cJSON_AddStringToObject(o, name, value);
    x = cJSON_DetachItemFromObjectCaseSensitive(o, name);
    /* index 0 only: cJSON 1.7.15 refuses other indexes of objects */
    if (!cJSON_InsertItemInArray(o, 0, x))
        cJSON_AddItemToObject(o, name, x);
}

/* List items carry no kind or apiVersion (the list has them, "PodList");
 * give each the list's, first, as kubectl prints an item and as watch
 * events carry them, so a stored object looks the same however it came. */
static void
refl_typed(cJSON *it, const char *list_kind, const char *api_version)
{
    size_t n = list_kind != NULL ? strlen(list_kind) : 0;
    char  *kind;

    if (!cJSON_IsObject(it) || n <= 4 || strcmp(list_kind + n - 4, "List") != 0)
        return;
    kind = xstrndup(list_kind, n - 4);
    refl_prepend(it, "kind", kind);
    free(kind);
    if (api_version != NULL)
        refl_prepend(it, "apiVersion", api_version);
}

static void
refl_list_done(struct khttp_req *q, const struct khttp_response *resp,
               void *data)
{
    struct reflector *r = data;
    cJSON            *doc, *items, *it, *next;
    const cJSON      *md, *cont;
    char             *why;

    r->req = NULL;
    if (resp->error != NULL) {
        if (r->cont != NULL && refl_is_expired(resp->status, resp->reason)) {
            /* The continue token expired: list again, in one piece
             * (client-go's pager: a full list when the continue expired). */
            klog("%s: the list's continue token expired; listing in one piece",
                 r->path);
            free(r->cont);
            r->cont = NULL;
            r->unpaged = 1;
            refl_schedule(r, NEXT_LIST, 0);
            return;
        }
        refl_retry_after(r, NEXT_LIST, resp->error, resp->retry_after);
        return;
    }
    doc = cJSON_ParseWithLength(resp->body, resp->body_len);
    items = cJSON_GetObjectItemCaseSensitive(doc, "items");
    md = cJSON_GetObjectItemCaseSensitive(doc, "metadata");
    if (doc == NULL ||
        (!cJSON_IsArray(items) && !cJSON_IsNull(items) && items != NULL)) {
        why = xasprintf("malformed list response from %s", r->path);
        cJSON_Delete(doc);
        refl_retry(r, NEXT_LIST, why);
        free(why);
        return;
    }
    refl_batch(r);
    if (r->page++ == 0)
        store_mark_all(r->store);
    /* Each item is freed once stored, so the store's copies fill the
     * page tree's memory as it goes instead of growing the heap. */
    for (it = items != NULL ? items->child : NULL; it != NULL; it = next) {
        const cJSON *lk = cJSON_GetObjectItemCaseSensitive(doc, "kind");
        const cJSON *av = cJSON_GetObjectItemCaseSensitive(doc, "apiVersion");

        next = it->next;
        refl_typed(it, cJSON_IsString(lk) ? lk->valuestring : NULL,
                   cJSON_IsString(av) ? av->valuestring : NULL);
        if (store_upsert(r->store, it) != 0)
            klog("%s: skipping an item the store refused", r->path);
        cJSON_Delete(cJSON_DetachItemViaPointer(items, it));
    }
    cont = cJSON_GetObjectItemCaseSensitive(md, "continue");
    free(r->cont);
    r->cont = NULL;
    if (cJSON_IsString(cont) && *cont->valuestring != '\0') {
        r->cont = xstrdup(cont->valuestring);
        cJSON_Delete(doc);
        refl_list(r);
        return;
    }
    refl_set_rv(r, refl_rv_of(doc));
    cJSON_Delete(doc);
    store_sweep(r->store);
    r->st.lists++;
    r->last_list_ms = know_ms();
    r->listed = 1;
    /* The pages' parse trees are freed but their memory lies between the
     * objects kept: give those pages back (a 10k list holds ~15 MB of
     * such holes). */
    malloc_trim(0);
    r->unpaged = 0;
    r->backoff_ms = 0;
    refl_set_error(r, NULL);
    refl_watch(r);
}

static void
refl_list(struct reflector *r)
{
    struct kbuf       q;
    struct khttp_opts o = {0};
    char             *cause = NULL;

    if (r->cont == NULL) {
        r->page = 0;
        if (r->listed)
            r->st.relists++;
    }
    if (r->st.state == REFLECTOR_RETRYING) {
        r->st.state = REFLECTOR_CONNECTING;
        r->st.retry_at_ms = 0;
        refl_notify(r);
    }
    kbuf_init(&q);
    kbuf_printf(&q, "%s?", r->path);
    if (!r->unpaged)
        kbuf_printf(&q, "limit=%d", r->page_limit);
    if (r->cont != NULL) {
        char *e = khttp_escape(r->cont);

        kbuf_printf(&q, "&continue=%s", e);
        free(e);
    }
    refl_selectors(r, &q);
    klog("list %s", q.data);
    o.path = q.data;
    o.timeout_ms = r->request_timeout_ms;
    r->req = khttp_request(r->c, &o, refl_list_done, r, &cause);
    kbuf_done(&q);
    if (r->req == NULL) {
        refl_retry(r, NEXT_LIST, cause);
        free(cause);
    }
}

/* 410 relists at once, unless the last list was moments ago: a server
 * that expires every watch must not make us list in a hot loop. */
static int
refl_relisted_lately(struct reflector *r)
{
    return know_ms() - r->last_list_ms < 10000;
}

/* Stop the current watch and go on with next after a backoff (or now). */
static void
refl_watch_abort(struct reflector *r, enum refl_next next, const char *why,
                 int backoff)
{
    khttp_cancel(r->req);
    r->req = NULL;
    if (backoff)
        refl_retry(r, next, why);
    else {
        refl_set_error(r, why);
        refl_schedule(r, next, 0);
    }
}

static void
refl_event(struct khttp_req *q, const char *line, size_t len, int too_long,
           void *data)
{
    struct reflector *r = data;
    cJSON            *ev;
    const cJSON      *type, *obj;
    const char       *t;

    if (len == 0 && !too_long)
        return;
    ev = too_long ? NULL : cJSON_ParseWithLength(line, len);
    type = cJSON_GetObjectItemCaseSensitive(ev, "type");
    obj = cJSON_GetObjectItemCaseSensitive(ev, "object");
    if ((!cJSON_IsString(type) || !cJSON_IsObject(obj)) && !too_long &&
        khttp_line_is_cut(q)) {
        /* The stream ended inside this event (a server dropping a slow
         * watch does that): like client-go's unexpected EOF, a normal end;
         * the watch resumes from the last version seen, which resends it. */
        klog("%s: the watch ended inside an event (%zu bytes); resuming",
             r->path, len);
        cJSON_Delete(ev);
        return;
    }
    if (!cJSON_IsString(type) || !cJSON_IsObject(obj)) {
        char *why = xasprintf("malformed watch event from %s (%zu bytes%s)",
                              r->path, len, too_long ? ", too long" : "");

        cJSON_Delete(ev);
        refl_watch_abort(r, NEXT_WATCH, why, 1);
        free(why);
        return;
    }
    t = type->valuestring;
    if (strcmp(t, "ERROR") == 0) {
        const cJSON *code = cJSON_GetObjectItemCaseSensitive(obj, "code");
        const cJSON *reason = cJSON_GetObjectItemCaseSensitive(obj, "reason");
        const cJSON *msg = cJSON_GetObjectItemCaseSensitive(obj, "message");
        const char  *m = cJSON_IsString(msg) ? msg->valuestring : "watch error";

        if (refl_is_expired(cJSON_IsNumber(code) ? (long)code->valuedouble : 0,
                            cJSON_IsString(reason) ? reason->valuestring
                                                   : NULL))
            refl_watch_abort(r, NEXT_LIST, m, refl_relisted_lately(r));
        else
            refl_watch_abort(r, NEXT_LIST, m, 1);
        cJSON_Delete(ev);
        return;
    }
    r->events++;
    if (strcmp(t, "ADDED") == 0 || strcmp(t, "MODIFIED") == 0) {
        refl_batch(r);
        if (store_upsert(r->store, obj) != 0)
            klog("%s: %s event the store refused", r->path, t);
    } else if (strcmp(t, "DELETED") == 0) {
        refl_batch(r);
        store_delete_obj(r->store, obj);
    } else if (strcmp(t, "BOOKMARK") != 0) {
        klog("%s: unknown watch event type %s", r->path, t);
    }
    refl_set_rv(r, refl_rv_of(obj));
    if (r->backoff_ms != 0 || r->error != NULL) {
        /* Events flow again: the trouble is over. */
        r->backoff_ms = 0;
        refl_set_error(r, NULL);
        refl_notify(r);
    }
    cJSON_Delete(ev);
}

static void
refl_watch_done(struct khttp_req *q, const struct khttp_response *resp,
                void *data)
{
    struct reflector *r = data;

    r->req = NULL;
    if (resp->error == NULL) {
        /* A clean end (timeout, server restart): resume where we were,
         * unless the server keeps ending watches at once with nothing in
         * them (client-go's "very short watch"): then back off. */
        if (r->events == 0 && know_ms() - r->watch_start_ms < 1000)
            refl_retry(r, NEXT_WATCH, "the watch ended at once");
        else
            refl_schedule(r, NEXT_WATCH, 0);
        return;
    }
    if (refl_is_expired(resp->status, resp->reason)) {
        if (refl_relisted_lately(r))
            refl_retry(r, NEXT_LIST, resp->error);
        else {
            refl_set_error(r, resp->error);
            refl_schedule(r, NEXT_LIST, 0);
        }
        return;
    }
    if (resp->transport || resp->status == 429 || resp->status == 200)
        refl_retry_after(r, NEXT_WATCH, resp->error, resp->retry_after);
    else
        refl_retry_after(r, NEXT_LIST, resp->error, resp->retry_after);
}

static void
refl_watch(struct reflector *r)
{
    struct kbuf       q;
    struct khttp_opts o = {0};
    char             *cause = NULL, *rv;
    int               timeout = r->watch_timeout_s;

    if (timeout <= 0)
        timeout = 300 + rand() % 300;
    rv = khttp_escape(r->rv != NULL ? r->rv : "");
    kbuf_init(&q);
    kbuf_printf(&q,
                "%s?watch=1&resourceVersion=%s&allowWatchBookmarks=true"
                "&timeoutSeconds=%d",
                r->path, rv, timeout);
    free(rv);
    refl_selectors(r, &q);
    o.path = q.data;
    o.on_line = refl_event;
    o.max_retries = -1; /* backoff is ours */
    /* A dead server (or a half-open connection) must not keep the watch
     * forever: it ends by timeoutSeconds, so allow that plus slack. */
    o.timeout_ms = (long)timeout * 1000 + r->request_timeout_ms;
    r->events = 0;
    r->watch_start_ms = know_ms();
    r->req = khttp_request(r->c, &o, refl_watch_done, r, &cause);
    kbuf_done(&q);
    if (r->req == NULL) {
        refl_retry(r, NEXT_WATCH, cause);
        free(cause);
        return;
    }
    r->st.watches++;
    if (r->st.state != REFLECTOR_LIVE || r->error != NULL) {
        r->st.state = REFLECTOR_LIVE;
        r->st.retry_at_ms = 0;
        refl_notify(r);
    }
}

struct reflector *
reflector_create(struct kclient *c, struct store *s,
                 const struct reflector_opts *o, reflector_status_cb cb,
                 void *data)
{
    struct reflector *r = xcalloc(1, sizeof *r);
    uv_loop_t        *uv = kloop_uv(kclient_loop(c));

    r->c = c;
    r->store = s;
    r->path = xstrdup(o->path);
    r->label_selector =
        o->label_selector != NULL ? xstrdup(o->label_selector) : NULL;
    r->field_selector =
        o->field_selector != NULL ? xstrdup(o->field_selector) : NULL;
    r->page_limit = o->page_limit > 0 ? o->page_limit : 500;
    r->watch_timeout_s = o->watch_timeout_s;
    r->request_timeout_ms =
        o->request_timeout_ms > 0 ? o->request_timeout_ms : 30000;
    r->status_cb = cb;
    r->data = data;
    r->st.state = REFLECTOR_CONNECTING;
    uv_timer_init(uv, &r->timer);
    r->timer.data = r;
    uv_check_init(uv, &r->check);
    r->check.data = r;
    r->handles = 2;
    return r;
}

void
reflector_start(struct reflector *r)
{
    refl_schedule(r, NEXT_LIST, 0);
}

const struct reflector_status *
reflector_status(struct reflector *r)
{
    r->st.error = r->error;
    return &r->st;
}

static void
refl_closed(uv_handle_t *h)
{
    struct reflector *r = h->data;

    if (--r->handles > 0)
        return;
    if (r->done != NULL)
        r->done(r, r->done_data);
    free(r->path);
    free(r->label_selector);
    free(r->field_selector);
    free(r->error);
    free(r->rv);
    free(r->cont);
    free(r);
}

void
reflector_close(struct reflector *r, reflector_done_cb done, void *data)
{
    r->closing = 1;
    r->done = done;
    r->done_data = data;
    r->st.state = REFLECTOR_STOPPED;
    khttp_cancel(r->req);
    r->req = NULL;
    if (r->batch_open) {
        r->batch_open = 0;
        store_batch_end(r->store);
    }
    uv_timer_stop(&r->timer);
    uv_check_stop(&r->check);
    uv_close((uv_handle_t *)&r->timer, refl_closed);
    uv_close((uv_handle_t *)&r->check, refl_closed);
}
