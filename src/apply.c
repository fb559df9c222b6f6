/*
 * `kubectl create/apply --server-side/delete -f FILE` for any kind the
 * server knows: parse the whole file with kyaml (so a broken document
 * stops everything before a byte is sent), flatten `kind: List`, resolve
 * each document's apiVersion+kind through discovery (GET /api/v1 or
 * /apis/GROUP/VERSION, once per group-version and run) to its resource
 * and scope, then send one request per document in file order and report
 * each the way kubectl prints it. Server-side
 * apply is chosen over kubectl's client-side three-way merge: one request,
 * the server merges, and it works the same on a pod kubectl created.
 */
#include "apply.h"

#include "khttp.h"
#include "kyaml.h"
#include "loop.h"
#include "util.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

/* One group-version's discovery answer: its APIResourceList's resources,
 * or NULL when the server does not serve it. */
struct apply_gv {
    char  *gv; /* "v1", "apps/v1" */
    cJSON *list;
};

struct apply_run {
    struct kclient   *client;
    struct apply_gv  *gvs; /* discovery cache for this run */
    size_t            ngvs;
    enum apply_verb   verb;
    char             *file;
    char             *ns;
    cJSON           **docs; /* flattened: List items in place */
    size_t            ndocs, next;
    struct khttp_req *req;
    uv_timer_t       *defer; /* for a document that needs no request */
    apply_line_cb     line;
    apply_done_cb     done;
    void             *data;
    int               ok, failed;
};

static const char *const apply_verbs[] = {"create", "apply", "delete"};
static const char *const apply_gerunds[] = {"creating", "applying", "deleting"};

int
apply_verb_parse(const char *s)
{
    size_t i;

    for (i = 0; i < nitems(apply_verbs); i++)
        if (strcmp(s, apply_verbs[i]) == 0)
            return (int)i;
    return -1;
}

char *
apply_args_file(const char *args, char **cause)
{
    char *copy = xstrdup(args), *tok, *save = NULL, *file = NULL;

    for (tok = strtok_r(copy, " \t", &save); tok != NULL;
         tok = strtok_r(NULL, " \t", &save)) {
        if (strcmp(tok, "-f") == 0 || strcmp(tok, "--filename") == 0) {
            continue;
        } else if (strncmp(tok, "--filename=", 11) == 0) {
            tok += 11;
        } else if (strncmp(tok, "-f", 2) == 0) {
            tok += 2;
        } else if (strcmp(tok, "--server-side") == 0) {
            continue; /* what kpod does anyway */
        } else if (tok[0] == '-') {
            *cause = xasprintf("unknown flag: %s", tok);
            free(file);
            free(copy);
            return NULL;
        }
        if (file != NULL) {
            *cause = xstrdup("one file at a time");
            free(file);
            free(copy);
            return NULL;
        }
        file = xstrdup(tok);
    }
    free(copy);
    if (file == NULL || *file == '\0') {
        free(file);
        *cause = xstrdup("must specify a file: -f FILE");
        return NULL;
    }
    return file;
}

static void apply_next(struct apply_run *);

static const char *
apply_str(const cJSON *o, const char *a, const char *b)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, a);

    if (b != NULL)
        v = cJSON_GetObjectItemCaseSensitive(v, b);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void apply_report(struct apply_run *r, int error, const char *fmt, ...)
    KPOD_PRINTF(3, 4);

static void
apply_report(struct apply_run *r, int error, const char *fmt, ...)
{
    va_list ap;
    char   *s;

    va_start(ap, fmt);
    s = xvasprintf(fmt, ap);
    va_end(ap);
    if (error)
        r->failed++;
    else
        r->ok++;
    r->line(r, s, error, r->data);
    free(s);
}

static void
apply_free(struct apply_run *r)
{
    size_t i;

    for (i = 0; i < r->ngvs; i++) {
        free(r->gvs[i].gv);
        cJSON_Delete(r->gvs[i].list);
    }
    free(r->gvs);
    kyaml_free_docs(r->docs, r->ndocs);
    free(r->file);
    free(r->ns);
    free(r);
}

static void
apply_timer_closed(uv_handle_t *h)
{
    free(h);
}

static void
apply_finish(struct apply_run *r)
{
    if (r->defer != NULL) {
        uv_close((uv_handle_t *)r->defer, apply_timer_closed);
        r->defer = NULL;
    }
    r->done(r, r->ok, r->failed, r->data);
    apply_free(r);
}

/* kubectl's name for a kind in result lines: "pod", "deployment.apps". */
static char *
apply_type(const cJSON *doc)
{
    const char *kind = apply_str(doc, "kind", NULL);
    const char *av = apply_str(doc, "apiVersion", NULL);
    const char *slash = strchr(av, '/');
    char       *s, *p;

    s = slash != NULL ? xasprintf("%s.%.*s", kind, (int)(slash - av), av)
                      : xstrdup(kind);
    for (p = s; *p != '\0' && *p != '.'; p++)
        *p = (char)tolower((unsigned char)*p);
    return s;
}

static void
apply_answer(struct khttp_req *q, const struct khttp_response *resp, void *data)
{
    struct apply_run *r = data;
    const cJSON      *doc = r->docs[r->next];
    const char       *name = apply_str(doc, "metadata", "name");
    char             *type = apply_type(doc);

    (void)q;
    r->req = NULL;
    if (resp->error != NULL) {
        if (resp->reason != NULL)
            apply_report(
                r, 1, "Error from server (%s): error when %s \"%s\": %s",
                resp->reason, apply_gerunds[r->verb], r->file, resp->error);
        else
            apply_report(r, 1, "error: error when %s \"%s\": %s",
                         apply_gerunds[r->verb], r->file, resp->error);
    } else if (r->verb == APPLY_CREATE) {
        cJSON      *o = cJSON_ParseWithLength(resp->body, resp->body_len);
        const char *n = apply_str(o, "metadata", "name");

        /* generateName: the server picked the name */
        apply_report(r, 0, "%s/%s created", type, n ? n : name ? name : "");
        cJSON_Delete(o);
    } else if (r->verb == APPLY_APPLY)
        apply_report(r, 0, "%s/%s serverside-applied", type, name);
    else
        apply_report(r, 0, "%s \"%s\" deleted", type, name);
    free(type);
    r->next++;
    apply_next(r);
}

static void
apply_deferred(uv_timer_t *t)
{
    apply_next(t->data);
}

/* A document needing no request: report, and go on from the loop so the
 * callbacks never run inside apply_start. */
static void
apply_skip(struct apply_run *r, const char *fmt, const char *a, const char *b)
{
    apply_report(r, 1, fmt, a, b);
    r->next++;
    uv_timer_start(r->defer, apply_deferred, 0, 0);
}

static struct apply_gv *
apply_gv_find(struct apply_run *r, const char *gv)
{
    size_t i;

    for (i = 0; i < r->ngvs; i++)
        if (strcmp(r->gvs[i].gv, gv) == 0)
            return &r->gvs[i];
    return NULL;
}

/* Discovery's path for a group-version: "/api/v1", "/apis/apps/v1"; each
 * part escaped, as it comes from the file. */
static char *
apply_gv_path(const char *gv)
{
    const char *slash = strchr(gv, '/');
    char       *g, *v, *path;

    if (slash == NULL) {
        v = khttp_escape(gv);
        path = xasprintf("/api/%s", v);
        free(v);
        return path;
    }
    g = xstrndup(gv, (size_t)(slash - gv));
    v = khttp_escape(g);
    free(g);
    g = khttp_escape(slash + 1);
    path = xasprintf("/apis/%s/%s", v, g);
    free(v);
    free(g);
    return path;
}

static void
apply_disco_answer(struct khttp_req *q, const struct khttp_response *resp,
                   void *data)
{
    struct apply_run *r = data;
    const cJSON      *doc = r->docs[r->next];
    struct apply_gv  *g;
    cJSON            *o, *res;

    (void)q;
    r->req = NULL;
    if (resp->error != NULL && resp->status != 404) {
        /* not "unknown": the server did not say */
        apply_report(r, 1, "error: unable to recognize \"%s\": %s", r->file,
                     resp->error);
        r->next++;
        apply_next(r);
        return;
    }
    r->gvs = xrealloc(r->gvs, (r->ngvs + 1) * sizeof *r->gvs);
    g = &r->gvs[r->ngvs++];
    g->gv = xstrdup(apply_str(doc, "apiVersion", NULL));
    g->list = NULL;
    if (resp->error == NULL) {
        o = cJSON_ParseWithLength(resp->body, resp->body_len);
        res = cJSON_DetachItemFromObjectCaseSensitive(o, "resources");
        if (cJSON_IsArray(res))
            g->list = res;
        else
            cJSON_Delete(res);
        cJSON_Delete(o);
    }
    apply_next(r);
}

/* The resource serving kind in g's list (subresources skipped), or NULL. */
static const cJSON *
apply_resource(const struct apply_gv *g, const char *kind)
{
    const cJSON *it;

    cJSON_ArrayForEach(it, g->list)
    {
        const char *n = apply_str(it, "name", NULL);
        const char *k = apply_str(it, "kind", NULL);

        if (n != NULL && k != NULL && strchr(n, '/') == NULL &&
            strcmp(k, kind) == 0)
            return it;
    }
    return NULL;
}

/* Send the next document, or finish. */
static void
apply_next(struct apply_run *r)
{
    const cJSON      *doc;
    const char       *kind, *name, *gen, *ns, *av, *rname;
    const cJSON      *res;
    struct apply_gv  *g;
    struct khttp_opts o = {0};
    char *ens = NULL, *en = NULL, *base, *coll, *path, *body, *cause = NULL;

    if (r->next >= r->ndocs) {
        apply_finish(r);
        return;
    }
    doc = r->docs[r->next];
    kind = apply_str(doc, "kind", NULL);
    av = apply_str(doc, "apiVersion", NULL);
    name = apply_str(doc, "metadata", "name");
    gen = apply_str(doc, "metadata", "generateName");
    ns = apply_str(doc, "metadata", "namespace");
    if (!cJSON_IsObject(doc) || kind == NULL || av == NULL) {
        apply_skip(r,
                   "error: error validating \"%s\": %s: apiVersion and kind "
                   "must be set",
                   r->file, "a document");
        return;
    }
    if ((g = apply_gv_find(r, av)) == NULL) {
        /* ask discovery once per group-version; come back here */
        path = apply_gv_path(av);
        o.path = path;
        r->req = khttp_request(r->client, &o, apply_disco_answer, r, &cause);
        free(path);
        if (r->req == NULL) {
            apply_skip(r, "error: unable to recognize \"%s\": %s", r->file,
                       cause);
            free(cause);
        }
        return;
    }
    if ((res = apply_resource(g, kind)) == NULL) {
        char *what = xasprintf("\"%s\" namespace: \"%s\"", name ? name : "",
                               ns ? ns : "");

        apply_report(r, 1,
                     "error: resource mapping not found for name: %s from "
                     "\"%s\": no matches for kind \"%s\" in version \"%s\""
                     "\nensure CRDs are installed first",
                     what, r->file, kind, av);
        free(what);
        r->next++;
        uv_timer_start(r->defer, apply_deferred, 0, 0);
        return;
    }
    if ((name == NULL || *name == '\0') &&
        (r->verb != APPLY_CREATE || gen == NULL)) {
        apply_skip(r,
                   "error: error when %s \"%s\": resource name may not "
                   "be empty",
                   apply_gerunds[r->verb], r->file);
        return;
    }
    rname = apply_str(res, "name", NULL);
    base = apply_gv_path(av);
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(res, "namespaced"))) {
        ens = khttp_escape(ns != NULL && *ns != '\0' ? ns : r->ns);
        coll = xasprintf("%s/namespaces/%s/%s", base, ens, rname);
    } else
        coll = xasprintf("%s/%s", base, rname);
    free(base);
    if (name != NULL)
        en = khttp_escape(name);
    body = cJSON_PrintUnformatted(doc);
    switch (r->verb) {
    case APPLY_CREATE:
        path = xasprintf("%s?fieldManager=%s", coll, APPLY_FIELD_MANAGER);
        o.method = "POST";
        break;
    case APPLY_APPLY:
        path = xasprintf("%s/%s?fieldManager=%s&force=false", coll, en,
                         APPLY_FIELD_MANAGER);
        o.method = "PATCH";
        o.content_type = "application/apply-patch+yaml";
        break;
    default:
        path = xasprintf("%s/%s", coll, en);
        o.method = "DELETE";
        free(body);
        body = xstrdup("{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\","
                       "\"propagationPolicy\":\"Background\"}");
        break;
    }
    free(coll);
    o.path = path;
    o.body = body;
    o.body_len = strlen(body);
    o.max_retries = -1; /* a write is not repeated behind the user's back */
    r->req = khttp_request(r->client, &o, apply_answer, r, &cause);
    free(path);
    free(body);
    free(ens);
    free(en);
    if (r->req == NULL) {
        apply_skip(r, "error: error when %s: %s", apply_gerunds[r->verb],
                   cause);
        free(cause);
    }
}

/* Move List items (and nested Lists) into a flat array. */
static void
apply_flatten(cJSON *doc, cJSON ***out, size_t *n, size_t *cap)
{
    const char *kind = apply_str(doc, "kind", NULL);
    cJSON      *items = cJSON_GetObjectItemCaseSensitive(doc, "items");

    if (kind != NULL && strcmp(kind, "List") == 0 && cJSON_IsArray(items)) {
        cJSON *it;

        while ((it = items->child) != NULL)
            apply_flatten(cJSON_DetachItemViaPointer(items, it), out, n, cap);
        cJSON_Delete(doc);
        return;
    }
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 8;
        *out = xrealloc(*out, *cap * sizeof **out);
    }
    (*out)[(*n)++] = doc;
}

struct apply_run *
apply_start(struct kclient *client, enum apply_verb verb, const char *file,
            const char *ns, apply_line_cb line, apply_done_cb done, void *data,
            char **cause)
{
    struct apply_run *r;
    cJSON           **docs;
    size_t            n, i, cap = 0;

    if (kyaml_parse_file(file, &docs, &n, cause) != 0)
        return NULL;
    r = xcalloc(1, sizeof *r);
    for (i = 0; i < n; i++)
        if (docs[i] != NULL && !cJSON_IsNull(docs[i]))
            apply_flatten(docs[i], &r->docs, &r->ndocs, &cap);
        else
            cJSON_Delete(docs[i]);
    free(docs);
    if (r->ndocs == 0) {
        *cause = xasprintf("no objects passed to %s (%s holds none)",
                           apply_verbs[verb], file);
        apply_free(r);
        return NULL;
    }
    r->client = client;
    r->verb = verb;
    r->file = xstrdup(file);
    r->ns = xstrdup(ns != NULL ? ns : "default");
    r->line = line;
    r->done = done;
    r->data = data;
    r->defer = xmalloc(sizeof *r->defer);
    uv_timer_init(kloop_uv(kclient_loop(client)), r->defer);
    r->defer->data = r;
    uv_timer_start(r->defer, apply_deferred, 0, 0);
    return r;
}

void
apply_cancel(struct apply_run *r)
{
    if (r == NULL)
        return;
    khttp_cancel(r->req);
    if (r->defer != NULL)
        uv_close((uv_handle_t *)r->defer, apply_timer_closed);
    apply_free(r);
}
