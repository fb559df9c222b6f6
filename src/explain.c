/*
 * `kubectl explain` from an OpenAPI v3 document: find the schema of a
 * resource, walk a dotted field path, guess each field's type the way
 * kubectl's plaintext template does and lay the text out like kubectl 1.32
 * (wrapped at 76 runes by go-wordwrap's rules, indented by sprig's). The
 * document is parsed once and kept; nothing here draws or blocks.
 */
#include "explain.h"

#include "khttp.h"
#include "util.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#define EXPLAIN_REF_PREFIX "#/components/schemas/"
#define EXPLAIN_MAX_DEPTH 64
#define EXPLAIN_ENUM_LIMIT 4

struct explain {
    cJSON       *doc;
    const cJSON *schemas; /* components.schemas */
};

struct explain *
explain_create(const char *text, size_t len, char **cause)
{
    struct explain *e;
    cJSON          *doc = cJSON_ParseWithLength(text, len);
    const cJSON    *s;

    if (doc == NULL) {
        *cause = xstrdup("the OpenAPI document is not JSON");
        return NULL;
    }
    s = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(doc, "components"), "schemas");
    if (!cJSON_IsObject(s)) {
        cJSON_Delete(doc);
        *cause = xstrdup("the OpenAPI document has no components.schemas");
        return NULL;
    }
    e = xcalloc(1, sizeof *e);
    e->doc = doc;
    e->schemas = s;
    return e;
}

void
explain_free(struct explain *e)
{
    if (e == NULL)
        return;
    cJSON_Delete(e->doc);
    free(e);
}

/* ---- schema walking ---------------------------------------------------- */

static const cJSON *
explain_get(const cJSON *o, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(o, key);
}

/* The schema a "$ref" names, or NULL; *name gets its key. */
static const cJSON *
explain_ref(struct explain *e, const cJSON *s, const char **name)
{
    const char *ref = cJSON_GetStringValue(explain_get(s, "$ref"));

    if (ref == NULL ||
        strncmp(ref, EXPLAIN_REF_PREFIX, strlen(EXPLAIN_REF_PREFIX)) != 0)
        return NULL;
    ref += strlen(EXPLAIN_REF_PREFIX);
    if (name != NULL)
        *name = ref;
    return explain_get(e->schemas, ref);
}

/* additionalProperties when it is a schema (not true/false). */
static const cJSON *
explain_map_values(const cJSON *s)
{
    const cJSON *ap = explain_get(s, "additionalProperties");

    return cJSON_IsObject(ap) ? ap : NULL;
}

/* kubectl's typeGuess. */
static void
explain_type(struct explain *e, const cJSON *s, struct kbuf *b, int depth)
{
    const cJSON *t, *all, *target;
    const char  *type, *name = NULL, *dot;

    if (s == NULL || depth > EXPLAIN_MAX_DEPTH) {
        kbuf_puts(b, "Object");
        return;
    }
    if ((t = explain_get(s, "items")) != NULL) {
        kbuf_puts(b, "[]");
        explain_type(e, t, b, depth + 1);
        return;
    }
    if ((t = explain_map_values(s)) != NULL) {
        kbuf_puts(b, "map[string]");
        explain_type(e, t, b, depth + 1);
        return;
    }
    all = explain_get(s, "allOf");
    if (cJSON_GetArraySize(all) == 1 && explain_get(s, "properties") == NULL) {
        explain_type(e, all->child, b, depth + 1);
        return;
    }
    if ((target = explain_ref(e, s, &name)) != NULL) {
        type = cJSON_GetStringValue(explain_get(target, "type"));
        if (type == NULL || strcmp(type, "object") == 0) {
            dot = strrchr(name, '.');
            kbuf_puts(b, dot ? dot + 1 : name);
        } else
            kbuf_puts(b, type);
        return;
    }
    type = cJSON_GetStringValue(explain_get(s, "type"));
    if (type == NULL || strcmp(type, "object") == 0)
        kbuf_puts(b, "Object");
    else
        kbuf_puts(b, type);
}

static char *
explain_type_str(struct explain *e, const cJSON *s)
{
    struct kbuf b;

    kbuf_init(&b);
    explain_type(e, s, &b, 0);
    return kbuf_steal(&b);
}

/* The schema of field NAME inside s: its own properties, else through
 * items, additionalProperties, allOf members and $ref. */
static const cJSON *
explain_find(struct explain *e, const cJSON *s, const char *name, int depth)
{
    const cJSON *t, *m, *r;

    if (s == NULL || depth > EXPLAIN_MAX_DEPTH)
        return NULL;
    if ((t = explain_ref(e, s, NULL)) != NULL)
        return explain_find(e, t, name, depth + 1);
    if ((t = explain_get(explain_get(s, "properties"), name)) != NULL)
        return t;
    if ((t = explain_get(s, "items")) != NULL)
        return explain_find(e, t, name, depth + 1);
    if ((t = explain_map_values(s)) != NULL)
        return explain_find(e, t, name, depth + 1);
    cJSON_ArrayForEach(m, explain_get(s, "allOf"))
    {
        if ((r = explain_find(e, m, name, depth + 1)) != NULL)
            return r;
    }
    return NULL;
}

/* The schema whose properties are s's fields (through the same links),
 * or NULL when s has none. */
static const cJSON *
explain_object(struct explain *e, const cJSON *s, int depth)
{
    const cJSON *t, *m, *r;

    if (s == NULL || depth > EXPLAIN_MAX_DEPTH)
        return NULL;
    if ((t = explain_ref(e, s, NULL)) != NULL)
        return explain_object(e, t, depth + 1);
    if (cJSON_IsObject(explain_get(s, "properties")))
        return s;
    if ((t = explain_get(s, "items")) != NULL)
        return explain_object(e, t, depth + 1);
    if ((t = explain_map_values(s)) != NULL)
        return explain_object(e, t, depth + 1);
    cJSON_ArrayForEach(m, explain_get(s, "allOf"))
    {
        if ((r = explain_object(e, m, depth + 1)) != NULL)
            return r;
    }
    return NULL;
}

/* The descriptions kubectl prints for a field: its own, then what its type
 * (item, map value, allOf member, $ref) says. */
static void
explain_descs(struct explain *e, const cJSON *s, struct kbuf *b, int depth)
{
    const char  *d;
    const cJSON *t;

    if (s == NULL || depth > EXPLAIN_MAX_DEPTH)
        return;
    d = cJSON_GetStringValue(explain_get(s, "description"));
    if (d != NULL && *d != '\0') {
        if (b->len > 0)
            kbuf_puts(b, "\n");
        kbuf_puts(b, d);
    }
    if ((t = explain_get(s, "items")) != NULL)
        explain_descs(e, t, b, depth + 1);
    else if ((t = explain_map_values(s)) != NULL)
        explain_descs(e, t, b, depth + 1);
    else if ((t = explain_get(s, "allOf")) != NULL && t->child != NULL)
        explain_descs(e, t->child, b, depth + 1);
    else if ((t = explain_ref(e, s, NULL)) != NULL)
        explain_descs(e, t, b, depth + 1);
}

/* ---- resources --------------------------------------------------------- */

struct explain_gvk {
    const char *group, *version, *kind;
};

static int
explain_has_gvk(const cJSON *s, const struct explain_gvk *g)
{
    const cJSON *it;

    cJSON_ArrayForEach(it, explain_get(s, "x-kubernetes-group-version-kind"))
    {
        const char *gr = cJSON_GetStringValue(explain_get(it, "group"));
        const char *v = cJSON_GetStringValue(explain_get(it, "version"));
        const char *k = cJSON_GetStringValue(explain_get(it, "kind"));

        if (gr && v && k && strcmp(gr, g->group) == 0 &&
            strcmp(v, g->version) == 0 && strcmp(k, g->kind) == 0)
            return 1;
    }
    return 0;
}

/* The GVK a resource's paths name (kubectl looks at the operations of
 * /api/v1/RES and its namespaced and {name} forms). */
static int
explain_resource_gvk(struct explain *e, const char *res, struct explain_gvk *g)
{
    static const char *const forms[] = {
        "/api/v1/%s", "/api/v1/%s/{name}", "/api/v1/namespaces/{namespace}/%s",
        "/api/v1/namespaces/{namespace}/%s/{name}"};
    static const char *const ops[] = {"get", "post", "put", "patch", "delete"};
    const cJSON             *paths = explain_get(e->doc, "paths");
    size_t                   i, j;

    for (i = 0; i < nitems(forms); i++) {
        char        *p = xasprintf(forms[i], res);
        const cJSON *item = explain_get(paths, p);

        free(p);
        for (j = 0; item != NULL && j < nitems(ops); j++) {
            const cJSON *gvk = explain_get(explain_get(item, ops[j]),
                                           "x-kubernetes-group-version-kind");
            const char  *k = cJSON_GetStringValue(explain_get(gvk, "kind"));

            if (k == NULL)
                continue;
            g->group = cJSON_GetStringValue(explain_get(gvk, "group"));
            g->version = cJSON_GetStringValue(explain_get(gvk, "version"));
            g->kind = k;
            if (g->group == NULL)
                g->group = "";
            if (g->version == NULL)
                g->version = "v1";
            return 0;
        }
    }
    return -1;
}

/* The schema of a resource name ("pods", "pod", "po", or a kind). */
static const cJSON *
explain_resource(struct explain *e, const char *res, struct explain_gvk *g,
                 char **cause)
{
    static const struct {
        const char *alias, *plural;
    } aliases[] = {{"pod", "pods"},      {"po", "pods"},
                   {"ev", "events"},     {"event", "events"},
                   {"ns", "namespaces"}, {"namespace", "namespaces"},
                   {"no", "nodes"},      {"node", "nodes"}};
    const char  *plural = res;
    const cJSON *s;
    size_t       i;

    for (i = 0; i < nitems(aliases); i++)
        if (strcmp(res, aliases[i].alias) == 0)
            plural = aliases[i].plural;
    if (explain_resource_gvk(e, plural, g) == 0) {
        cJSON_ArrayForEach(s, e->schemas)
        {
            if (explain_has_gvk(s, g))
                return s;
        }
        *cause = xasprintf("GVR (/%s, Resource=%s) not found in OpenAPI schema",
                           g->version, plural);
        return NULL;
    }
    /* a kind name, any case ("Pod") */
    cJSON_ArrayForEach(s, e->schemas)
    {
        const cJSON *it;

        cJSON_ArrayForEach(it,
                           explain_get(s, "x-kubernetes-group-version-kind"))
        {
            const char *k = cJSON_GetStringValue(explain_get(it, "kind"));
            const char *gr = cJSON_GetStringValue(explain_get(it, "group"));

            if (k != NULL && strcasecmp(k, res) == 0 && gr != NULL &&
                *gr == '\0' && explain_get(s, "properties") != NULL) {
                g->group = gr;
                g->version = cJSON_GetStringValue(explain_get(it, "version"));
                g->kind = k;
                if (g->version == NULL)
                    g->version = "v1";
                return s;
            }
        }
    }
    *cause = xasprintf("the server doesn't have a resource type \"%s\"", res);
    return NULL;
}

/* Resolve PATH: the resource's schema, and the field's (NULL for the
 * resource itself) with its name. */
static int
explain_walk(struct explain *e, const char *path, struct explain_gvk *g,
             const cJSON **root, const cJSON **field, char **fname,
             char **cause)
{
    char        *copy = xstrdup(path), *seg, *save = NULL;
    const cJSON *s;
    int          rc = -1;

    *field = NULL;
    *fname = NULL;
    seg = strtok_r(copy, ".", &save);
    if (seg == NULL) {
        *cause = xstrdup("you must specify the type of resource to explain");
        goto out;
    }
    if ((s = explain_resource(e, seg, g, cause)) == NULL)
        goto out;
    *root = s;
    while ((seg = strtok_r(NULL, ".", &save)) != NULL) {
        const cJSON *next = explain_find(e, s, seg, 0);

        if (next == NULL) {
            /* kubectl names the path's last field, whichever is missing */
            const char *last = strrchr(path, '.');

            *cause = xasprintf("field \"%s\" does not exist",
                               last ? last + 1 : seg);
            free(*fname);
            *fname = NULL;
            goto out;
        }
        s = next;
        *field = s;
        free(*fname);
        *fname = xstrdup(seg);
    }
    rc = 0;
out:
    free(copy);
    return rc;
}

/* ---- text -------------------------------------------------------------- */

static size_t
explain_utf8_len(unsigned char c)
{
    if (c < 0x80)
        return 1;
    if ((c & 0xe0) == 0xc0)
        return 2;
    if ((c & 0xf0) == 0xe0)
        return 3;
    if ((c & 0xf8) == 0xf0)
        return 4;
    return 1;
}

char *
explain_wrap(const char *text, size_t lim)
{
    struct kbuf out, word, space;
    size_t      current = 0, wordlen = 0, spacelen = 0;
    const char *p = text;

    kbuf_init(&out);
    kbuf_init(&word);
    kbuf_init(&space);
    while (*p != '\0') {
        size_t n = explain_utf8_len((unsigned char)*p);
        char   c = *p;

        if (strnlen(p, n) < n)
            n = strnlen(p, n);
        if (c == '\n') {
            if (word.len == 0) {
                if (current + spacelen > lim)
                    current = 0;
                else
                    kbuf_append(&out, space.data, space.len);
            } else {
                kbuf_append(&out, space.data, space.len);
                kbuf_append(&out, word.data, word.len);
                kbuf_reset(&word);
                wordlen = 0;
            }
            kbuf_reset(&space);
            spacelen = 0;
            kbuf_puts(&out, "\n");
            current = 0;
        } else if (c == ' ' || c == '\t' || c == '\v' || c == '\f' ||
                   c == '\r') {
            if (space.len == 0 || word.len > 0) {
                current += spacelen + wordlen;
                kbuf_append(&out, space.data, space.len);
                kbuf_append(&out, word.data, word.len);
                kbuf_reset(&space);
                kbuf_reset(&word);
                spacelen = wordlen = 0;
            }
            kbuf_append(&space, p, 1);
            spacelen++;
        } else {
            kbuf_append(&word, p, n);
            wordlen++;
            if (current + spacelen + wordlen > lim && wordlen < lim) {
                kbuf_puts(&out, "\n");
                current = 0;
                kbuf_reset(&space);
                spacelen = 0;
            }
        }
        p += n;
    }
    if (word.len == 0) {
        if (current + spacelen <= lim)
            kbuf_append(&out, space.data, space.len);
    } else {
        kbuf_append(&out, space.data, space.len);
        kbuf_append(&out, word.data, word.len);
    }
    kbuf_done(&word);
    kbuf_done(&space);
    if (out.data == NULL)
        return xstrdup("");
    return kbuf_steal(&out);
}

/* sprig's indent: pad the start and after every newline. */
static void
explain_indent(struct kbuf *b, const char *text, int pad)
{
    const char *p;

    kbuf_printf(b, "%*s", pad, "");
    for (p = text; *p != '\0'; p++) {
        kbuf_append(b, p, 1);
        if (*p == '\n')
            kbuf_printf(b, "%*s", pad, "");
    }
}

static void
explain_enum_value(struct kbuf *b, const cJSON *v)
{
    if (cJSON_IsString(v) && *v->valuestring == '\0')
        kbuf_puts(b, "\"\"");
    else if (cJSON_IsString(v))
        kbuf_puts(b, v->valuestring);
    else {
        char *t = cJSON_PrintUnformatted(v);

        kbuf_puts(b, t);
        free(t);
    }
}

static int
explain_required(const cJSON *obj, const char *name)
{
    const cJSON *r;

    cJSON_ArrayForEach(r, explain_get(obj, "required"))
    {
        if (cJSON_IsString(r) && strcmp(r->valuestring, name) == 0)
            return 1;
    }
    return 0;
}

static int
explain_field_cmp(const void *a, const void *b)
{
    return strcmp(((const struct explain_field *)a)->name,
                  ((const struct explain_field *)b)->name);
}

/* The fields of the object schema obj (may be NULL). */
static void
explain_list(struct explain *e, const cJSON *obj, struct explain_field **out,
             size_t *n)
{
    const cJSON          *p;
    struct explain_field *f;
    size_t                i = 0;

    *out = NULL;
    *n = 0;
    if (obj == NULL)
        return;
    *n = (size_t)cJSON_GetArraySize(explain_get(obj, "properties"));
    if (*n == 0)
        return;
    f = xcalloc(*n, sizeof *f);
    cJSON_ArrayForEach(p, explain_get(obj, "properties"))
    {
        const char *d = cJSON_GetStringValue(explain_get(p, "description"));

        f[i].name = xstrdup(p->string);
        f[i].type = explain_type_str(e, p);
        f[i].description = xstrdup(d ? d : "");
        f[i].required = explain_required(obj, p->string);
        f[i].has_fields = explain_object(e, p, 0) != NULL;
        i++;
    }
    qsort(f, *n, sizeof *f, explain_field_cmp);
    *out = f;
}

void
explain_fields_free(struct explain_field *f, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        free(f[i].name);
        free(f[i].type);
        free(f[i].description);
    }
    free(f);
}

int
explain_fields(struct explain *e, const char *path, struct explain_field **out,
               size_t *n, char **cause)
{
    struct explain_gvk g;
    const cJSON       *root, *field;
    char              *fname;

    if (explain_walk(e, path, &g, &root, &field, &fname, cause) != 0)
        return -1;
    free(fname);
    explain_list(e, explain_object(e, field ? field : root, 0), out, n);
    return 0;
}

char *
explain_text(struct explain *e, const char *path, char **cause)
{
    struct explain_gvk    g;
    const cJSON          *root, *field, *s, *en, *v;
    char                 *fname, *w, *type;
    struct kbuf           b, d;
    struct explain_field *f;
    size_t                n, i;
    int                   k;

    if (explain_walk(e, path, &g, &root, &field, &fname, cause) != 0)
        return NULL;
    s = field ? field : root;
    kbuf_init(&b);
    if (*g.group != '\0')
        kbuf_printf(&b, "GROUP:      %s\n", g.group);
    kbuf_printf(&b, "KIND:       %s\nVERSION:    %s\n\n", g.kind, g.version);
    if (field != NULL) {
        type = explain_type_str(e, field);
        kbuf_printf(&b, "FIELD: %s <%s>", fname, type);
        free(type);
        en = explain_get(field, "enum");
        if (cJSON_GetArraySize(en) > 0) {
            kbuf_puts(&b, "\nENUM:");
            cJSON_ArrayForEach(v, en)
            {
                kbuf_puts(&b, "\n    ");
                explain_enum_value(&b, v);
            }
        } else
            kbuf_puts(&b, "\n");
        kbuf_puts(&b, "\n\n");
    }
    free(fname);

    kbuf_init(&d);
    explain_descs(e, s, &d, 0);
    kbuf_puts(&d, "");
    w = explain_wrap(d.data ? d.data : "", 76);
    kbuf_done(&d);
    kbuf_puts(&b, "DESCRIPTION:\n");
    kbuf_init(&d);
    kbuf_puts(&d, w);
    kbuf_puts(&d, "\n");
    free(w);
    explain_indent(&b, d.data, 4);
    kbuf_done(&d);
    kbuf_puts(&b, "\n");

    explain_list(e, explain_object(e, s, 0), &f, &n);
    if (n > 0) {
        const cJSON *props = explain_get(explain_object(e, s, 0), "properties");

        kbuf_puts(&b, "FIELDS:\n");
        for (i = 0; i < n; i++) {
            kbuf_printf(&b, "  %s\t<%s>%s", f[i].name, f[i].type,
                        f[i].required ? " -required-" : "");
            en = explain_get(explain_get(props, f[i].name), "enum");
            if (cJSON_GetArraySize(en) > 0) {
                kbuf_puts(&b, "\n  enum: ");
                k = 0;
                cJSON_ArrayForEach(v, en)
                {
                    if (k > 0)
                        kbuf_puts(&b, ", ");
                    if (k >= EXPLAIN_ENUM_LIMIT) {
                        kbuf_puts(&b, "....");
                        break;
                    }
                    explain_enum_value(&b, v);
                    k++;
                }
            }
            kbuf_puts(&b, "\n");
            w = explain_wrap(
                *f[i].description ? f[i].description : "<no description>", 76);
            explain_indent(&b, w, 4);
            free(w);
            kbuf_puts(&b, "\n\n");
        }
    }
    explain_fields_free(f, n);
    kbuf_puts(&b, "\n");
    return kbuf_steal(&b);
}

/* ---- fetching ---------------------------------------------------------- */

struct explain_fetch {
    struct kclient   *client;
    struct khttp_req *req;
    explain_fetch_cb  done;
    void             *data;
};

static void
explain_fetch_end(struct explain_fetch *f, struct explain *doc,
                  const char *error)
{
    f->done(doc, error, f->data);
    free(f);
}

static void
explain_fetch_doc(struct khttp_req *q, const struct khttp_response *resp,
                  void *data)
{
    struct explain_fetch *f = data;
    struct explain       *doc;
    char                 *cause = NULL;

    (void)q;
    f->req = NULL;
    if (resp->error != NULL) {
        explain_fetch_end(f, NULL, resp->error);
        return;
    }
    doc = explain_create(resp->body, resp->body_len, &cause);
    explain_fetch_end(f, doc, cause);
    free(cause);
}

static void
explain_fetch_index(struct khttp_req *q, const struct khttp_response *resp,
                    void *data)
{
    struct explain_fetch *f = data;
    struct khttp_opts     o = {0};
    cJSON                *idx;
    const char           *url;
    char                 *cause = NULL;

    (void)q;
    f->req = NULL;
    if (resp->error != NULL) {
        explain_fetch_end(f, NULL, resp->error);
        return;
    }
    idx = cJSON_ParseWithLength(resp->body, resp->body_len);
    url = cJSON_GetStringValue(explain_get(
        explain_get(explain_get(idx, "paths"), "api/v1"), "serverRelativeURL"));
    if (url == NULL) {
        cJSON_Delete(idx);
        explain_fetch_end(f, NULL,
                          "the server's /openapi/v3 does not list api/v1");
        return;
    }
    o.path = url;
    f->req = khttp_request(f->client, &o, explain_fetch_doc, f, &cause);
    cJSON_Delete(idx);
    if (f->req == NULL) {
        explain_fetch_end(f, NULL, cause);
        free(cause);
    }
}

struct explain_fetch *
explain_fetch_start(struct kclient *client, explain_fetch_cb done, void *data,
                    char **cause)
{
    struct explain_fetch *f = xcalloc(1, sizeof *f);
    struct khttp_opts     o = {0};

    f->client = client;
    f->done = done;
    f->data = data;
    o.path = "/openapi/v3";
    f->req = khttp_request(client, &o, explain_fetch_index, f, cause);
    if (f->req == NULL) {
        free(f);
        return NULL;
    }
    return f;
}

void
explain_fetch_cancel(struct explain_fetch *f)
{
    if (f == NULL)
        return;
    khttp_cancel(f->req);
    free(f);
}
