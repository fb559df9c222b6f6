/*
 * The sim's object store: the current version of every pod and event as an
 * immutable reference-counted snapshot, one global resourceVersion bumped
 * on each write, and a bounded history of changes from which watches are
 * replayed. Versions older than the history (or compacted on purpose by
 * --expire-every) are "expired". It serves no HTTP itself.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "sim-int.h"
#include "simstore.h"

const struct simres simres_pods = {"pods", "Pod", "PodList", 0};
const struct simres simres_events = {"events", "Event", "EventList", 1};
const struct simres simres_namespaces = {"namespaces", "Namespace",
                                         "NamespaceList", 2};

struct simobj {
    const struct simres *res;
    char                *key; /* "ns/name" */
    struct simsnap      *snap;
    struct simobj       *hnext;
};

struct simstore {
    struct sim     *sim;
    struct simobj **buckets;
    size_t          nbuckets, count;
    uint64_t        rv;
    /* one history ring per resource, like the watch cache */
    struct simring {
        struct simhist *hist;
        size_t          hstart, hlen;
        uint64_t        compacted; /* watching from < this is expired */
    } rings[SIMSTORE_NRES];
    size_t             hcap;
    simstore_notify_cb notify;
    void              *notify_data;
    /* The last sorted listing: the pages of one list share it while
     * nothing changes (every change bumps rv), so a list in N pages
     * sorts once, not N times. */
    struct {
        const struct simres *res;
        char                *ns; /* NULL = all */
        uint64_t             rv;
        struct simsnap     **snaps;
        size_t               n;
    } lcache;
};

static uint64_t
simstore_hash(const struct simres *res, const char *key)
{
    uint64_t    h = 1469598103934665603ULL;
    const char *s;

    for (s = res->resource; *s != '\0'; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    for (s = key; *s != '\0'; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

struct simstore *
simstore_create(struct sim *sim, size_t history)
{
    struct simstore *st = xcalloc(1, sizeof *st);
    size_t           i;

    st->sim = sim;
    st->nbuckets = 1024;
    st->buckets = xcalloc(st->nbuckets, sizeof *st->buckets);
    st->hcap = history > 0 ? history : 10000;
    for (i = 0; i < SIMSTORE_NRES; i++)
        st->rings[i].hist = xcalloc(st->hcap, sizeof *st->rings[i].hist);
    st->rv = 1000;
    for (i = 0; i < SIMSTORE_NRES; i++)
        st->rings[i].compacted = st->rv;
    return st;
}

void
simstore_set_notify(struct simstore *st, simstore_notify_cb cb, void *data)
{
    st->notify = cb;
    st->notify_data = data;
}

void
simsnap_unref(struct simsnap *s)
{
    if (s == NULL || --s->refs > 0)
        return;
    cJSON_Delete(s->obj);
    free(s->text);
    free(s);
}

void
simstore_free(struct simstore *st)
{
    size_t         i, j;
    struct simobj *o, *next;

    if (st == NULL)
        return;
    free(st->lcache.ns);
    free(st->lcache.snaps);
    for (i = 0; i < st->nbuckets; i++) {
        for (o = st->buckets[i]; o != NULL; o = next) {
            next = o->hnext;
            simsnap_unref(o->snap);
            free(o->key);
            free(o);
        }
    }
    for (j = 0; j < SIMSTORE_NRES; j++) {
        struct simring *rg = &st->rings[j];

        for (i = 0; i < rg->hlen; i++)
            simsnap_unref(rg->hist[(rg->hstart + i) % st->hcap].snap);
        free(rg->hist);
    }
    free(st->buckets);
    free(st);
}

static struct simobj **
simstore_slot(struct simstore *st, const struct simres *res, const char *key)
{
    struct simobj **pp =
        &st->buckets[simstore_hash(res, key) & (st->nbuckets - 1)];

    while (*pp != NULL && ((*pp)->res != res || strcmp((*pp)->key, key) != 0))
        pp = &(*pp)->hnext;
    return pp;
}

static void
simstore_grow(struct simstore *st)
{
    struct simobj **old = st->buckets;
    size_t          oldn = st->nbuckets, i;
    struct simobj  *o, *next;

    st->nbuckets *= 2;
    st->buckets = xcalloc(st->nbuckets, sizeof *st->buckets);
    for (i = 0; i < oldn; i++) {
        for (o = old[i]; o != NULL; o = next) {
            size_t b = simstore_hash(o->res, o->key) & (st->nbuckets - 1);

            next = o->hnext;
            o->hnext = st->buckets[b];
            st->buckets[b] = o;
        }
    }
    free(old);
}

static char *
simstore_key(const char *ns, const char *name)
{
    return xasprintf("%s/%s", ns != NULL ? ns : "", name);
}

struct simsnap *
simstore_get(struct simstore *st, const struct simres *res, const char *ns,
             const char *name)
{
    char          *key = simstore_key(ns, name);
    struct simobj *o = *simstore_slot(st, res, key);

    free(key);
    return o != NULL ? o->snap : NULL;
}

static struct simsnap *
simsnap_make(cJSON *obj)
{
    struct simsnap *s = xcalloc(1, sizeof *s);

    s->refs = 1;
    s->obj = obj;
    s->text = cJSON_PrintUnformatted(obj);
    s->len = strlen(s->text);
    return s;
}

/* Append to the history ring (takes a reference). */
static void
simstore_record(struct simstore *st, const struct simres *res,
                enum simstore_type type, struct simsnap *snap)
{
    struct simring *rg = &st->rings[res->index];
    struct simhist *h;

    if (rg->hlen == st->hcap) {
        h = &rg->hist[rg->hstart];
        /* the oldest change falls out of the window */
        if (h->rv > rg->compacted)
            rg->compacted = h->rv;
        simsnap_unref(h->snap);
        rg->hstart = (rg->hstart + 1) % st->hcap;
        rg->hlen--;
    }
    h = &rg->hist[(rg->hstart + rg->hlen) % st->hcap];
    h->rv = st->rv;
    h->res = res;
    h->type = type;
    h->snap = snap;
    snap->refs++;
    rg->hlen++;
    if (st->notify != NULL)
        st->notify(st->notify_data, res, type, snap);
}

static void
simstore_set_str(cJSON *obj, const char *key, const char *value)
{
    if (cJSON_GetObjectItemCaseSensitive(obj, key) != NULL)
        cJSON_ReplaceItemInObjectCaseSensitive(obj, key,
                                               cJSON_CreateString(value));
    else
        cJSON_AddStringToObject(obj, key, value);
}

/* Put metadata keys in the apiserver's order would be nice but cJSON keeps
 * insertion order; new objects are built in that order by their makers. */
struct simsnap *
simstore_put(struct simstore *st, const struct simres *res, cJSON *obj)
{
    cJSON          *meta = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
    const char     *ns, *name;
    char           *key, rvbuf[32];
    struct simobj **pp, *o;
    struct simsnap *snap;

    if (!cJSON_IsObject(meta)) {
        meta = cJSON_CreateObject();
        cJSON_AddItemToObject(obj, "metadata", meta);
    }
    ns = cJSON_GetStringValue(cJSON_GetObjectItem(meta, "namespace"));
    name = cJSON_GetStringValue(cJSON_GetObjectItem(meta, "name"));
    if (name == NULL) {
        cJSON_Delete(obj);
        return NULL;
    }
    cJSON_DeleteItemFromObjectCaseSensitive(obj, "kind");
    cJSON_DeleteItemFromObjectCaseSensitive(obj, "apiVersion");
    st->rv++;
    snprintf(rvbuf, sizeof rvbuf, "%llu", (unsigned long long)st->rv);
    simstore_set_str(meta, "resourceVersion", rvbuf);
    key = simstore_key(ns, name);
    pp = simstore_slot(st, res, key);
    snap = simsnap_make(obj);
    if (*pp == NULL) {
        if (st->count >= st->nbuckets) {
            simstore_grow(st);
            pp = simstore_slot(st, res, key);
        }
        o = xcalloc(1, sizeof *o);
        o->res = res;
        o->key = key;
        o->snap = snap;
        *pp = o;
        st->count++;
        simstore_record(st, res, SIMSTORE_ADDED, snap);
    } else {
        free(key);
        o = *pp;
        simsnap_unref(o->snap);
        o->snap = snap;
        simstore_record(st, res, SIMSTORE_MODIFIED, snap);
    }
    return snap;
}

int
simstore_delete(struct simstore *st, const struct simres *res, const char *ns,
                const char *name)
{
    char           *key = simstore_key(ns, name);
    struct simobj **pp = simstore_slot(st, res, key), *o = *pp;
    cJSON          *obj, *meta;
    char            rvbuf[32];
    struct simsnap *snap;

    free(key);
    if (o == NULL)
        return -1;
    *pp = o->hnext;
    st->count--;
    /* the DELETED event carries the last state at the deletion's version */
    obj = cJSON_Duplicate(o->snap->obj, 1);
    meta = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
    st->rv++;
    snprintf(rvbuf, sizeof rvbuf, "%llu", (unsigned long long)st->rv);
    simstore_set_str(meta, "resourceVersion", rvbuf);
    snap = simsnap_make(obj);
    simsnap_unref(o->snap);
    free(o->key);
    free(o);
    simstore_record(st, res, SIMSTORE_DELETED, snap);
    simsnap_unref(snap);
    return 0;
}

struct simstore_sortent {
    const char     *key;
    struct simsnap *snap;
};

static int
simstore_cmp(const void *a, const void *b)
{
    const struct simstore_sortent *x = a, *y = b;

    return strcmp(x->key, y->key);
}

size_t
simstore_list(struct simstore *st, const struct simres *res, const char *ns,
              struct simsnap ***out)
{
    struct simstore_sortent *ents;
    size_t                   i, n = 0, nslen = ns ? strlen(ns) : 0;
    struct simobj           *o;

    if (st->lcache.snaps != NULL && st->lcache.rv == st->rv &&
        st->lcache.res == res &&
        (ns == NULL
             ? st->lcache.ns == NULL
             : st->lcache.ns != NULL && strcmp(ns, st->lcache.ns) == 0)) {
        *out = xcalloc(st->lcache.n + 1, sizeof **out);
        memcpy(*out, st->lcache.snaps, st->lcache.n * sizeof **out);
        return st->lcache.n;
    }
    ents = xcalloc(st->count + 1, sizeof *ents);
    for (i = 0; i < st->nbuckets; i++) {
        for (o = st->buckets[i]; o != NULL; o = o->hnext) {
            if (o->res != res)
                continue;
            if (ns != NULL &&
                (strncmp(o->key, ns, nslen) != 0 || o->key[nslen] != '/'))
                continue;
            ents[n].key = o->key;
            ents[n].snap = o->snap;
            n++;
        }
    }
    qsort(ents, n, sizeof *ents, simstore_cmp);
    *out = xcalloc(n + 1, sizeof **out);
    for (i = 0; i < n; i++)
        (*out)[i] = ents[i].snap;
    free(ents);
    free(st->lcache.ns);
    free(st->lcache.snaps);
    st->lcache.res = res;
    st->lcache.ns = ns != NULL ? xstrdup(ns) : NULL;
    st->lcache.rv = st->rv;
    st->lcache.n = n;
    st->lcache.snaps = xcalloc(n + 1, sizeof *st->lcache.snaps);
    memcpy(st->lcache.snaps, *out, n * sizeof **out);
    return n;
}

size_t
simstore_count(struct simstore *st)
{
    return st->count;
}

uint64_t
simstore_rv(struct simstore *st)
{
    return st->rv;
}

uint64_t
simstore_compacted(struct simstore *st, const struct simres *res)
{
    return st->rings[res->index].compacted;
}

/* Forget all history: every version older than a fresh one expires. */
void
simstore_compact(struct simstore *st)
{
    size_t i, j;

    st->rv++;
    for (j = 0; j < SIMSTORE_NRES; j++) {
        struct simring *rg = &st->rings[j];

        for (i = 0; i < rg->hlen; i++)
            simsnap_unref(rg->hist[(rg->hstart + i) % st->hcap].snap);
        rg->hstart = rg->hlen = 0;
        rg->compacted = st->rv;
    }
}

int
simstore_replay(struct simstore *st, const struct simres *res, uint64_t from,
                simstore_notify_cb cb, void *data)
{
    struct simring *rg = &st->rings[res->index];
    size_t          i;
    struct simhist *h;

    if (from < rg->compacted)
        return -1;
    for (i = 0; i < rg->hlen; i++) {
        h = &rg->hist[(rg->hstart + i) % st->hcap];
        if (h->rv <= from)
            continue;
        cb(data, res, h->type, h->snap);
    }
    return 0;
}
