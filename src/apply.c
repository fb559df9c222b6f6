/*
 * `kubectl create/apply --server-side/delete -f FILE` for pods: parse the
 * whole file with kyaml (so a broken document stops everything before a
 * byte is sent), flatten `kind: List`, then send one request per document
 * in file order and report each the way kubectl prints it. Server-side
 * apply is chosen over kubectl's client-side three-way merge: one request,
 * the server merges, and it works the same on a pod kubectl created.
 */
#include "apply.h"

#include "khttp.h"
#include "kyaml.h"
#include "loop.h"
#include "util.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

struct apply_run {
    struct kclient   *client;
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

static void
apply_answer(struct khttp_req *q, const struct khttp_response *resp, void *data)
{
    struct apply_run *r = data;
    const cJSON      *doc = r->docs[r->next];
    const char       *name = apply_str(doc, "metadata", "name");

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
        apply_report(r, 0, "pod/%s created", n ? n : name ? name : "");
        cJSON_Delete(o);
    } else if (r->verb == APPLY_APPLY)
        apply_report(r, 0, "pod/%s serverside-applied", name);
    else
        apply_report(r, 0, "pod \"%s\" deleted", name);
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

/* Send the next document, or finish. */
static void
apply_next(struct apply_run *r)
{
    const cJSON      *doc;
    const char       *kind, *name, *gen, *ns, *av;
    struct khttp_opts o = {0};
    char             *ens, *en = NULL, *path, *body, *cause = NULL;

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
    if (strcmp(kind, "Pod") != 0 || strcmp(av, "v1") != 0) {
        char *what = xasprintf("%s %s \"%s\"", av, kind, name ? name : "");

        apply_skip(r,
                   "error: %s in \"%s\" was not sent: kpod handles pods "
                   "only",
                   what, r->file);
        free(what);
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
    ens = khttp_escape(ns != NULL && *ns != '\0' ? ns : r->ns);
    if (name != NULL)
        en = khttp_escape(name);
    body = cJSON_PrintUnformatted(doc);
    switch (r->verb) {
    case APPLY_CREATE:
        path = xasprintf("/api/v1/namespaces/%s/pods?fieldManager=%s", ens,
                         APPLY_FIELD_MANAGER);
        o.method = "POST";
        break;
    case APPLY_APPLY:
        path = xasprintf("/api/v1/namespaces/%s/pods/%s?fieldManager=%s"
                         "&force=false",
                         ens, en, APPLY_FIELD_MANAGER);
        o.method = "PATCH";
        o.content_type = "application/apply-patch+yaml";
        break;
    default:
        path = xasprintf("/api/v1/namespaces/%s/pods/%s", ens, en);
        o.method = "DELETE";
        free(body);
        body = xstrdup("{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\","
                       "\"propagationPolicy\":\"Background\"}");
        break;
    }
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
