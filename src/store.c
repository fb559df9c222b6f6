/*
 * The object cache of one resource: two chained hash tables (by
 * "namespace/name" and by uid) over entries that keep the object as
 * compact JSON text without metadata.managedFields, plus the summary the
 * resource's ops build. Changes are grouped in batches and listeners hear
 * once per batch. Relists use mark and sweep. No I/O, no curses.
 */
#include "store.h"

#include "pod.h"
#include "util.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct store_entry {
    struct store_obj    obj;
    struct store_entry *next_key; /* chain in the key table */
    struct store_entry *next_uid; /* chain in the uid table */
};

struct store_listener {
    store_changed_cb cb;
    void            *data;
};

struct store_log_reader {
    int    used;
    int    dropped; /* records it had not read were dropped */
    size_t pos;     /* next record to read */
};

struct store {
    const struct store_ops  *ops;
    struct store_entry     **by_key;
    struct store_entry     **by_uid;
    size_t                   nbuckets;
    size_t                   count;
    uint64_t                 gen;
    int                      batch;   /* nesting depth */
    int                      changed; /* within the current batch */
    struct store_listener   *listeners;
    size_t                   nlisteners;
    struct store_log_rec    *log; /* the change log, while readers exist */
    size_t                   nlog, logcap;
    struct store_log_reader *readers;
    int                      nreaders, nopen;
};

static int
store_pod_init(void *summary, const cJSON *obj)
{
    return pod_summary_init(summary, obj);
}

static void
store_pod_done(void *summary)
{
    pod_summary_done(summary);
}

const struct store_ops store_pod_ops = {
    .name = "pods",
    .summary_size = sizeof(struct pod_summary),
    .summary_init = store_pod_init,
    .summary_done = store_pod_done,
};

static size_t
store_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;

    for (; *s != '\0'; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return (size_t)h;
}

struct store *
store_create(const struct store_ops *ops)
{
    struct store *s = xcalloc(1, sizeof *s);

    s->ops = ops;
    s->nbuckets = 64;
    s->by_key = xcalloc(s->nbuckets, sizeof *s->by_key);
    s->by_uid = xcalloc(s->nbuckets, sizeof *s->by_uid);
    return s;
}

static void
store_entry_free(struct store *s, struct store_entry *e)
{
    if (e->obj.summary != NULL) {
        if (s->ops->summary_done != NULL)
            s->ops->summary_done(e->obj.summary);
        free(e->obj.summary);
    }
    free(e->obj.key);
    free(e->obj.uid);
    free(e->obj.rv);
    free(e->obj.json);
    free(e);
}

static void
store_log_reset(struct store *s)
{
    size_t i;

    for (i = 0; i < s->nlog; i++)
        free(s->log[i].key);
    s->nlog = 0;
}

/* Append a record for the open readers. What every reader has read is
 * dropped first; a log longer than the store (at least 1024) is dropped
 * whole and its laggards told to reread. */
static void
store_log_add(struct store *s, enum store_change what, const char *key)
{
    size_t cap = s->count > 1024 ? s->count : 1024;
    int    i, behind = 0;

    if (s->nopen == 0)
        return;
    for (i = 0; i < s->nreaders; i++)
        if (s->readers[i].used && s->readers[i].pos < s->nlog)
            behind = 1;
    if (!behind || s->nlog >= cap) {
        for (i = 0; i < s->nreaders; i++) {
            if (s->readers[i].used && s->readers[i].pos < s->nlog)
                s->readers[i].dropped = 1;
            s->readers[i].pos = 0;
        }
        store_log_reset(s);
    }
    if (s->nlog == s->logcap) {
        s->logcap = s->logcap ? s->logcap * 2 : 64;
        s->log = xrealloc(s->log, s->logcap * sizeof *s->log);
    }
    s->log[s->nlog].what = what;
    s->log[s->nlog].key = xstrdup(key);
    s->nlog++;
}

int
store_log_open(struct store *s)
{
    int i;

    for (i = 0; i < s->nreaders; i++)
        if (!s->readers[i].used)
            break;
    if (i == s->nreaders) {
        s->readers = xrealloc(s->readers, (size_t)(i + 1) * sizeof *s->readers);
        s->nreaders++;
    }
    s->readers[i].used = 1;
    s->readers[i].dropped = 0;
    s->readers[i].pos = s->nlog;
    s->nopen++;
    return i;
}

void
store_log_close(struct store *s, int id)
{
    if (id < 0 || id >= s->nreaders || !s->readers[id].used)
        return;
    s->readers[id].used = 0;
    if (--s->nopen == 0)
        store_log_reset(s);
}

long
store_log_read(struct store *s, int id, const struct store_log_rec **recs)
{
    struct store_log_reader *r;
    long                     n;

    *recs = NULL;
    if (id < 0 || id >= s->nreaders || !s->readers[id].used)
        return -1;
    r = &s->readers[id];
    if (r->dropped) {
        r->dropped = 0;
        r->pos = s->nlog;
        return -1;
    }
    *recs = s->log + r->pos;
    n = (long)(s->nlog - r->pos);
    r->pos = s->nlog;
    return n;
}

void
store_free(struct store *s)
{
    if (s == NULL)
        return;
    store_clear(s);
    store_log_reset(s);
    free(s->log);
    free(s->readers);
    free(s->by_key);
    free(s->by_uid);
    free(s->listeners);
    free(s);
}

void
store_listen(struct store *s, store_changed_cb cb, void *data)
{
    s->listeners =
        xrealloc(s->listeners, (s->nlisteners + 1) * sizeof *s->listeners);
    s->listeners[s->nlisteners].cb = cb;
    s->listeners[s->nlisteners].data = data;
    s->nlisteners++;
}

void
store_unlisten(struct store *s, store_changed_cb cb, void *data)
{
    size_t i;

    for (i = 0; i < s->nlisteners; i++) {
        if (s->listeners[i].cb != cb || s->listeners[i].data != data)
            continue;
        memmove(&s->listeners[i], &s->listeners[i + 1],
                (s->nlisteners - i - 1) * sizeof *s->listeners);
        s->nlisteners--;
        return;
    }
}

void
store_batch_begin(struct store *s)
{
    s->batch++;
}

void
store_batch_end(struct store *s)
{
    size_t i;

    if (s->batch > 0)
        s->batch--;
    if (s->batch > 0 || !s->changed)
        return;
    s->changed = 0;
    for (i = 0; i < s->nlisteners; i++)
        s->listeners[i].cb(s, s->listeners[i].data);
}

/* Record one change; outside a batch it is a batch of its own. */
static void
store_changed(struct store *s, struct store_obj *o)
{
    s->gen++;
    if (o != NULL)
        o->gen = s->gen;
    s->changed = 1;
    if (s->batch == 0) {
        store_batch_begin(s);
        store_batch_end(s);
    }
}

static void
store_uid_unlink(struct store *s, struct store_entry *e)
{
    struct store_entry **pp;

    if (e->obj.uid == NULL)
        return;
    pp = &s->by_uid[store_hash(e->obj.uid) % s->nbuckets];
    for (; *pp != NULL; pp = &(*pp)->next_uid) {
        if (*pp == e) {
            *pp = e->next_uid;
            return;
        }
    }
}

static void
store_uid_link(struct store *s, struct store_entry *e)
{
    size_t b;

    if (e->obj.uid == NULL)
        return;
    b = store_hash(e->obj.uid) % s->nbuckets;
    e->next_uid = s->by_uid[b];
    s->by_uid[b] = e;
}

static void
store_grow(struct store *s)
{
    size_t               n = s->nbuckets * 2, i;
    struct store_entry **k = xcalloc(n, sizeof *k);
    struct store_entry **u = xcalloc(n, sizeof *u);

    for (i = 0; i < s->nbuckets; i++) {
        struct store_entry *e = s->by_key[i], *next;

        for (; e != NULL; e = next) {
            size_t b = store_hash(e->obj.key) % n;

            next = e->next_key;
            e->next_key = k[b];
            k[b] = e;
            if (e->obj.uid != NULL) {
                b = store_hash(e->obj.uid) % n;
                e->next_uid = u[b];
                u[b] = e;
            }
        }
    }
    free(s->by_key);
    free(s->by_uid);
    s->by_key = k;
    s->by_uid = u;
    s->nbuckets = n;
}

static struct store_entry **
store_slot(struct store *s, const char *key)
{
    struct store_entry **pp = &s->by_key[store_hash(key) % s->nbuckets];

    for (; *pp != NULL; pp = &(*pp)->next_key)
        if (strcmp((*pp)->obj.key, key) == 0)
            break;
    return pp;
}

char *
store_key(const cJSON *obj)
{
    const cJSON *md = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(md, "name");
    const cJSON *ns = cJSON_GetObjectItemCaseSensitive(md, "namespace");

    if (!cJSON_IsString(name) || *name->valuestring == '\0')
        return NULL;
    if (cJSON_IsString(ns) && *ns->valuestring != '\0')
        return xasprintf("%s/%s", ns->valuestring, name->valuestring);
    return xstrdup(name->valuestring);
}

static char *
store_md_string(const cJSON *obj, const char *field)
{
    const cJSON *md = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(md, field);

    return cJSON_IsString(v) ? xstrdup(v->valuestring) : NULL;
}

/* Put item back after prev (NULL: first) in parent's child list, as
 * cJSON links it: next/prev, the first child's prev is the last one.
 * (cJSON_InsertItemInArray cannot put an item back at the end.) */
static void
store_relink(cJSON *parent, cJSON *prev, cJSON *item)
{
    if (prev == NULL) {
        item->next = parent->child;
        item->prev = parent->child != NULL ? parent->child->prev : item;
        if (parent->child != NULL)
            parent->child->prev = item;
        parent->child = item;
        return;
    }
    item->prev = prev;
    item->next = prev->next;
    if (prev->next != NULL)
        prev->next->prev = item;
    else
        parent->child->prev = item;
    prev->next = item;
}

/* Compact text of obj without metadata.managedFields. managedFields is
 * unlinked for the print and linked back at its place (no copy of the
 * tree), and the text is printed into one reused buffer and copied out
 * at its size (no growing reallocations per object). */
static char *
store_compact(const cJSON *cobj, size_t *len)
{
    static char *buf;
    static int   cap = 64 * 1024;
    cJSON       *obj = (cJSON *)cobj; /* restored before returning */
    cJSON       *md = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
    cJSON       *mf = cJSON_GetObjectItemCaseSensitive(md, "managedFields");
    cJSON       *prev = NULL;
    char        *text;

    if (mf != NULL) {
        prev = mf != md->child ? mf->prev : NULL;
        cJSON_DetachItemViaPointer(md, mf);
    }
    if (buf == NULL)
        buf = xmalloc((size_t)cap);
    /* cJSON_PrintPreallocated needs a few bytes of slack (its docs). */
    while (!cJSON_PrintPreallocated(obj, buf, cap, 0)) {
        free(buf);
        cap *= 2;
        buf = xmalloc((size_t)cap);
    }
    if (mf != NULL)
        store_relink(md, prev, mf);
    *len = strlen(buf);
    text = xmalloc(*len + 1);
    memcpy(text, buf, *len + 1);
    return text;
}

int
store_upsert(struct store *s, const cJSON *obj)
{
    struct store_entry **pp, *e;
    char                *key = store_key(obj), *uid, *rv;
    void                *summary;
    enum store_change    what;

    if (key == NULL)
        return -1;
    pp = store_slot(s, key);
    uid = store_md_string(obj, "uid");
    rv = store_md_string(obj, "resourceVersion");
    e = *pp;
    if (e != NULL && rv != NULL && e->obj.rv != NULL &&
        strcmp(e->obj.rv, rv) == 0 &&
        (uid == NULL || (e->obj.uid != NULL && strcmp(uid, e->obj.uid) == 0))) {
        /* Same version again (a relist): only note that it was seen. */
        e->obj.mark = 0;
        free(key);
        free(uid);
        free(rv);
        return 0;
    }
    summary = xcalloc(1, s->ops->summary_size ? s->ops->summary_size : 1);
    if (s->ops->summary_init != NULL && s->ops->summary_init(summary, obj)) {
        free(summary);
        free(key);
        free(uid);
        free(rv);
        return -1;
    }
    what = e == NULL ? STORE_ADDED : STORE_MODIFIED;
    if (e == NULL) {
        e = xcalloc(1, sizeof *e);
        e->obj.key = key;
        if (s->count + 1 > s->nbuckets * 3 / 4) {
            store_grow(s);
            pp = store_slot(s, key);
        }
        e->next_key = NULL;
        *pp = e;
        s->count++;
    } else {
        free(key);
        store_uid_unlink(s, e);
        free(e->obj.uid);
        free(e->obj.rv);
        free(e->obj.json);
        if (s->ops->summary_done != NULL)
            s->ops->summary_done(e->obj.summary);
        free(e->obj.summary);
    }
    e->obj.uid = uid;
    e->obj.rv = rv;
    e->obj.json = store_compact(obj, &e->obj.json_len);
    e->obj.summary = summary;
    e->obj.mark = 0;
    store_uid_link(s, e);
    store_log_add(s, what, e->obj.key);
    store_changed(s, &e->obj);
    return 0;
}

int
store_delete(struct store *s, const char *key)
{
    struct store_entry **pp = store_slot(s, key), *e = *pp;

    if (e == NULL)
        return -1;
    *pp = e->next_key;
    store_uid_unlink(s, e);
    s->count--;
    store_log_add(s, STORE_DELETED, e->obj.key);
    store_entry_free(s, e);
    store_changed(s, NULL);
    return 0;
}

int
store_delete_obj(struct store *s, const cJSON *obj)
{
    char *key = store_key(obj);
    int   rc;

    if (key == NULL)
        return -1;
    rc = store_delete(s, key);
    free(key);
    return rc;
}

void
store_mark_all(struct store *s)
{
    size_t i;

    for (i = 0; i < s->nbuckets; i++) {
        struct store_entry *e;

        for (e = s->by_key[i]; e != NULL; e = e->next_key)
            e->obj.mark = 1;
    }
}

int
store_sweep(struct store *s)
{
    size_t i;
    int    n = 0;

    for (i = 0; i < s->nbuckets; i++) {
        struct store_entry **pp = &s->by_key[i];

        while (*pp != NULL) {
            struct store_entry *e = *pp;

            if (!e->obj.mark) {
                pp = &e->next_key;
                continue;
            }
            *pp = e->next_key;
            store_uid_unlink(s, e);
            s->count--;
            store_log_add(s, STORE_DELETED, e->obj.key);
            store_entry_free(s, e);
            n++;
        }
    }
    if (n > 0)
        store_changed(s, NULL);
    return n;
}

void
store_clear(struct store *s)
{
    store_mark_all(s);
    store_sweep(s);
}

size_t
store_count(struct store *s)
{
    return s->count;
}

uint64_t
store_generation(struct store *s)
{
    return s->gen;
}

struct store_obj *
store_find(struct store *s, const char *key)
{
    struct store_entry *e = *store_slot(s, key);

    return e != NULL ? &e->obj : NULL;
}

struct store_obj *
store_find_uid(struct store *s, const char *uid)
{
    struct store_entry *e = s->by_uid[store_hash(uid) % s->nbuckets];

    for (; e != NULL; e = e->next_uid)
        if (strcmp(e->obj.uid, uid) == 0)
            return &e->obj;
    return NULL;
}

size_t
store_list(struct store *s, struct store_obj ***out)
{
    struct store_obj **v = xcalloc(s->count + 1, sizeof *v);
    size_t             i, n = 0;

    for (i = 0; i < s->nbuckets; i++) {
        struct store_entry *e;

        for (e = s->by_key[i]; e != NULL; e = e->next_key)
            v[n++] = &e->obj;
    }
    *out = v;
    return n;
}
