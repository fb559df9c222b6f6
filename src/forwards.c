/*
 * The session's port-forwards (see forwards.h): a list of portforward
 * sessions with their spec, a ring of recent messages each, and the
 * resolve hook that moves a following forward to its controller's new
 * pod. Stopping is asynchronous (sockets close on the loop); entries
 * leave the list at once and are freed when their sockets are.
 */
#include "forwards.h"

#include "khttp.h"
#include "kubeconfig.h"
#include "store.h"
#include "util.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

struct fwd {
    struct forwards    *set;
    struct fwd         *next;
    struct portforward *pf;
    int                 id;
    char               *ns, *pod;
    char               *owner_uid; /* controller uid when following */
    int                 follow;
    char               *lines[FORWARDS_LINES];
    size_t              nlines;
};

struct forwards {
    struct store *pods;
    void (*changed)(void *);
    void       *data;
    struct fwd *list;
    int         next_id;
    int         stopping; /* sockets still closing */
    int         freeing;
    void (*done)(void *);
    void *done_data;
};

static void
fwd_changed(struct forwards *set)
{
    if (!set->freeing && set->changed != NULL)
        set->changed(set->data);
}

static void
fwd_on_message(struct portforward *pf, int error, const char *line, void *data)
{
    struct fwd *f = data;

    if (f->nlines == FORWARDS_LINES) {
        free(f->lines[0]);
        memmove(f->lines, f->lines + 1,
                (FORWARDS_LINES - 1) * sizeof *f->lines);
        f->nlines--;
    }
    f->lines[f->nlines++] = xstrdup(line);
    fwd_changed(f->set);
}

static void
fwd_on_changed(struct portforward *pf, void *data)
{
    struct fwd *f = data;

    fwd_changed(f->set);
}

/* The uid of the controller in a pod's ownerReferences, or NULL. */
static char *
fwd_controller(const cJSON *pod)
{
    const cJSON *refs = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(pod, "metadata"), "ownerReferences");
    const cJSON *r;

    cJSON_ArrayForEach(r, refs)
    {
        const cJSON *c = cJSON_GetObjectItemCaseSensitive(r, "controller");
        const cJSON *uid = cJSON_GetObjectItemCaseSensitive(r, "uid");

        if (cJSON_IsTrue(c) && cJSON_IsString(uid))
            return xstrdup(uid->valuestring);
    }
    return NULL;
}

static cJSON *
fwd_parse(struct store_obj *o)
{
    return o != NULL ? cJSON_ParseWithLength(o->json, o->json_len) : NULL;
}

/* A pod usable as a target: not being deleted, and Running. */
static int
fwd_usable(const cJSON *pod)
{
    const cJSON *md = cJSON_GetObjectItemCaseSensitive(pod, "metadata");
    const cJSON *ph = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(pod, "status"), "phase");

    return cJSON_GetObjectItemCaseSensitive(md, "deletionTimestamp") == NULL &&
           cJSON_IsString(ph) && strcmp(ph->valuestring, "Running") == 0;
}

static const char *
fwd_resolve(struct portforward *pf, const char *pod, void *data)
{
    struct fwd        *f = data;
    struct store      *st = f->set->pods;
    struct store_obj **all = NULL, *o;
    char              *key, *best_ts = NULL, *best = NULL;
    cJSON             *j;
    size_t             n, i;
    int                ok;

    if (!f->follow || f->owner_uid == NULL || st == NULL)
        return NULL;
    key = xasprintf("%s/%s", f->ns, pod);
    j = fwd_parse(store_find(st, key));
    free(key);
    ok = j != NULL && fwd_usable(j);
    cJSON_Delete(j);
    if (ok)
        return NULL; /* the current pod is fine */
    n = store_list(st, &all);
    for (i = 0; i < n; i++) {
        const cJSON *md, *ns, *name, *ts;
        char        *owner;

        o = all[i];
        j = fwd_parse(o);
        md = cJSON_GetObjectItemCaseSensitive(j, "metadata");
        ns = cJSON_GetObjectItemCaseSensitive(md, "namespace");
        name = cJSON_GetObjectItemCaseSensitive(md, "name");
        ts = cJSON_GetObjectItemCaseSensitive(md, "creationTimestamp");
        owner = fwd_controller(j);
        if (cJSON_IsString(ns) && strcmp(ns->valuestring, f->ns) == 0 &&
            cJSON_IsString(name) && owner != NULL &&
            strcmp(owner, f->owner_uid) == 0 && fwd_usable(j)) {
            const char *t = cJSON_IsString(ts) ? ts->valuestring : "";

            /* the newest (RFC 3339 UTC compares as text) */
            if (best == NULL || strcmp(t, best_ts) > 0) {
                free(best);
                free(best_ts);
                best = xstrdup(name->valuestring);
                best_ts = xstrdup(t);
            }
        }
        free(owner);
        cJSON_Delete(j);
    }
    free(all);
    free(best_ts);
    if (best == NULL)
        return NULL;
    free(f->pod);
    f->pod = best; /* portforward copies it; ours until the next move */
    return f->pod;
}

static const struct portforward_ops fwd_ops = {
    .message = fwd_on_message,
    .changed = fwd_on_changed,
    .resolve = fwd_resolve,
};

struct forwards *
forwards_create(struct store *pods, void (*changed)(void *), void *data)
{
    struct forwards *set = xcalloc(1, sizeof *set);

    set->pods = pods;
    set->changed = changed;
    set->data = data;
    set->next_id = 1;
    return set;
}

static void
fwd_free(struct fwd *f)
{
    size_t i;

    for (i = 0; i < f->nlines; i++)
        free(f->lines[i]);
    free(f->ns);
    free(f->pod);
    free(f->owner_uid);
    free(f);
}

int
forwards_add(struct forwards *set, struct kclient *c,
             const struct forwards_spec *s, char **cause)
{
    struct portforward_opts o = {.ns = s->ns,
                                 .pod = s->pod,
                                 .address = s->address,
                                 .local_port = s->local_port,
                                 .remote_port = s->remote_port};
    struct fwd             *f = xcalloc(1, sizeof *f), **tail;

    f->set = set;
    f->ns = xstrdup(s->ns != NULL ? s->ns : kclient_ctx(c)->ns);
    f->pod = xstrdup(s->pod);
    f->follow = s->follow;
    if (s->follow && set->pods != NULL) {
        char  *key = xasprintf("%s/%s", f->ns, s->pod);
        cJSON *j = fwd_parse(store_find(set->pods, key));

        free(key);
        f->owner_uid = fwd_controller(j);
        cJSON_Delete(j);
    }
    o.ns = f->ns;
    f->pf = portforward_start(c, &o, &fwd_ops, f, cause);
    if (f->pf == NULL) {
        fwd_free(f);
        return -1;
    }
    f->id = set->next_id++;
    for (tail = &set->list; *tail != NULL; tail = &(*tail)->next)
        ;
    *tail = f;
    fwd_changed(set);
    return f->id;
}

size_t
forwards_count(struct forwards *set)
{
    struct fwd *f;
    size_t      n = 0;

    for (f = set->list; f != NULL; f = f->next)
        n++;
    return n;
}

int
forwards_row(struct forwards *set, size_t i, struct forwards_row *r)
{
    struct fwd *f = set->list;

    while (f != NULL && i-- > 0)
        f = f->next;
    if (f == NULL)
        return -1;
    memset(r, 0, sizeof *r);
    r->id = f->id;
    r->ns = f->ns;
    r->pod = portforward_pod(f->pf);
    r->follow = f->follow;
    portforward_info(f->pf, &r->info);
    r->lines = (const char *const *)f->lines;
    r->nlines = f->nlines;
    return 0;
}

static void
fwd_maybe_done(struct forwards *set)
{
    void (*done)(void *) = set->done;
    void *data = set->done_data;

    if (!set->freeing || set->stopping > 0 || set->list != NULL)
        return;
    free(set);
    if (done != NULL)
        done(data);
}

static void
fwd_stopped(void *data)
{
    struct fwd      *f = data;
    struct forwards *set = f->set;

    fwd_free(f);
    set->stopping--;
    fwd_maybe_done(set);
}

static void
fwd_stop(struct forwards *set, struct fwd **link)
{
    struct fwd *f = *link;

    *link = f->next;
    set->stopping++;
    portforward_stop(f->pf, fwd_stopped, f);
}

int
forwards_stop(struct forwards *set, int id)
{
    struct fwd **link;

    for (link = &set->list; *link != NULL; link = &(*link)->next) {
        if ((*link)->id == id) {
            fwd_stop(set, link);
            fwd_changed(set);
            return 0;
        }
    }
    return -1;
}

void
forwards_stop_all(struct forwards *set)
{
    int any = set->list != NULL;

    while (set->list != NULL)
        fwd_stop(set, &set->list);
    if (any)
        fwd_changed(set);
}

void
forwards_set_store(struct forwards *set, struct store *pods)
{
    set->pods = pods;
}

void
forwards_free(struct forwards *set, void (*done)(void *), void *data)
{
    set->freeing = 1;
    set->done = done;
    set->done_data = data;
    forwards_stop_all(set);
    fwd_maybe_done(set);
}
