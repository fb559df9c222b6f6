/*
 * YAML <-> cJSON. Parsing walks libyaml's event stream and builds cJSON
 * trees, resolving plain scalars like go-yaml v2 (what kubectl and
 * sigs.k8s.io/yaml use), with anchors, aliases and "<<" merge keys.
 * Emitting drives libyaml's emitter, which gives go-yaml's layout (indentless
 * sequences under keys, `{}`/`[]` for empty containers); only the quoting
 * decision for strings is ours. Knows nothing about Kubernetes objects.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <yaml.h>

#include "kyaml.h"
#include "util.h"

/* One open container while parsing. */
struct kyaml_frame {
    cJSON *node;
    char  *key;       /* mapping: the key waiting for its value */
    int    key_merge; /* that key is an unquoted "<<" */
    char  *anchor;
};

struct kyaml_anchor {
    char  *name;
    cJSON *copy;
};

struct kyaml_parser {
    const char          *filename;
    struct kyaml_frame  *stack;
    size_t               depth, cap;
    struct kyaml_anchor *anchors;
    size_t               nanchors;
    cJSON               *root;
    char                *cause;
};

static char *
kyaml_cause(const char *filename, size_t line, size_t col, const char *problem,
            const char *context)
{
    if (context != NULL && *context != '\0')
        return xasprintf("%s:%zu:%zu: %s (%s)", filename, line + 1, col + 1,
                         problem, context);
    return xasprintf("%s:%zu:%zu: %s", filename, line + 1, col + 1, problem);
}

/* go-yaml v2 accepts these spellings of null and of the two booleans. */
static const char *const kyaml_nulls[] = {"", "~", "null", "Null", "NULL"};
static const char *const kyaml_trues[] = {
    "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"};
static const char *const kyaml_falses[] = {
    "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"};

static const char *const kyaml_infs[] = {".inf",  ".Inf",  ".INF",
                                         "+.inf", "+.Inf", "+.INF",
                                         "-.inf", "-.Inf", "-.INF"};

static int
kyaml_in(const char *s, const char *const *set, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, set[i]) == 0)
            return 1;
    return 0;
}

/* YAML-style float: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? */
static int
kyaml_is_float(const char *s)
{
    const char *p = s;
    int         digits = 0;

    if (*p == '-' || *p == '+')
        p++;
    if (*p == '.') {
        p++;
        while (*p >= '0' && *p <= '9')
            p++, digits++;
        if (digits == 0)
            return 0;
    } else {
        while (*p >= '0' && *p <= '9')
            p++, digits++;
        if (digits == 0)
            return 0;
        if (*p == '.') {
            p++;
            while (*p >= '0' && *p <= '9')
                p++;
        }
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '-' || *p == '+')
            p++;
        digits = 0;
        while (*p >= '0' && *p <= '9')
            p++, digits++;
        if (digits == 0)
            return 0;
    }
    return *p == '\0';
}

/* An integer as Go's strconv.ParseInt(s, 0, 64) reads it (underscores
 * already removed), plus go-yaml's "0b" form. */
static int
kyaml_is_int(const char *s, double *out)
{
    const char        *p = s;
    int                neg = 0, base = 10;
    unsigned long long v = 0;
    int                digits = 0;

    if (*p == '-' || *p == '+')
        neg = *p++ == '-';
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
        base = 16, p += 2;
    else if (p[0] == '0' && (p[1] == 'o' || p[1] == 'O'))
        base = 8, p += 2;
    else if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B'))
        base = 2, p += 2;
    else if (p[0] == '0' && p[1] != '\0')
        base = 8, p += 1;
    for (; *p != '\0'; p++) {
        int d;

        if (*p >= '0' && *p <= '9')
            d = *p - '0';
        else if (*p >= 'a' && *p <= 'f')
            d = *p - 'a' + 10;
        else if (*p >= 'A' && *p <= 'F')
            d = *p - 'A' + 10;
        else
            return 0;
        if (d >= base)
            return 0;
        if (v > (~0ULL - (unsigned)d) / (unsigned)base)
            return 0;
        v = v * (unsigned)base + (unsigned)d;
        digits++;
    }
    if (digits == 0)
        return 0;
    *out = neg ? -(double)v : (double)v;
    return 1;
}

/* What a plain scalar means: a new cJSON node. */
static cJSON *
kyaml_resolve_plain(const char *s)
{
    const char *orig = s;
    char       *clean, *q;
    double      d;
    cJSON      *n = NULL;

    if (kyaml_in(s, kyaml_nulls, nitems(kyaml_nulls)))
        return cJSON_CreateNull();
    if (kyaml_in(s, kyaml_trues, nitems(kyaml_trues)))
        return cJSON_CreateTrue();
    if (kyaml_in(s, kyaml_falses, nitems(kyaml_falses)))
        return cJSON_CreateFalse();
    if (strchr("+-.0123456789", s[0]) == NULL)
        return cJSON_CreateString(s);
    /* go-yaml's infinities (NaN stays a string: JSON cannot hold it). */
    if (kyaml_in(s, kyaml_infs, nitems(kyaml_infs)))
        return cJSON_CreateNumber(s[0] == '-' ? -INFINITY : INFINITY);

    clean = xstrdup(s);
    for (q = clean; *s != '\0'; s++)
        if (*s != '_')
            *q++ = *s;
    *q = '\0';
    if (kyaml_is_int(clean, &d))
        n = cJSON_CreateNumber(d);
    else if (kyaml_is_float(clean)) {
        d = strtod(clean, NULL);
        if (isfinite(d))
            n = cJSON_CreateNumber(d);
    }
    free(clean);
    if (n == NULL)
        n = cJSON_CreateString(orig);
    return n;
}

static cJSON *
kyaml_scalar(const yaml_event_t *ev)
{
    const char *v = (const char *)ev->data.scalar.value;
    const char *tag = (const char *)ev->data.scalar.tag;

    if (tag != NULL && strcmp(tag, "!") != 0) {
        if (strcmp(tag, YAML_STR_TAG) == 0)
            return cJSON_CreateString(v);
        if (strcmp(tag, YAML_NULL_TAG) == 0)
            return cJSON_CreateNull();
        if (strcmp(tag, YAML_BOOL_TAG) == 0 || strcmp(tag, YAML_INT_TAG) == 0 ||
            strcmp(tag, YAML_FLOAT_TAG) == 0)
            return kyaml_resolve_plain(v);
        return cJSON_CreateString(v);
    }
    if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
        ev->data.scalar.plain_implicit == 0)
        return cJSON_CreateString(v);
    return kyaml_resolve_plain(v);
}

static void
kyaml_set_anchor(struct kyaml_parser *p, const char *name, const cJSON *node)
{
    for (size_t i = 0; i < p->nanchors; i++) {
        if (strcmp(p->anchors[i].name, name) == 0) {
            cJSON_Delete(p->anchors[i].copy);
            p->anchors[i].copy = cJSON_Duplicate(node, 1);
            return;
        }
    }
    p->anchors = xrealloc(p->anchors, (p->nanchors + 1) * sizeof *p->anchors);
    p->anchors[p->nanchors].name = xstrdup(name);
    p->anchors[p->nanchors].copy = cJSON_Duplicate(node, 1);
    p->nanchors++;
}

static const cJSON *
kyaml_get_anchor(struct kyaml_parser *p, const char *name)
{
    for (size_t i = 0; i < p->nanchors; i++)
        if (strcmp(p->anchors[i].name, name) == 0)
            return p->anchors[i].copy;
    return NULL;
}

/* Put key/value into a mapping; a repeated key keeps the last value. */
static void
kyaml_map_set(cJSON *map, const char *key, cJSON *value)
{
    if (cJSON_GetObjectItemCaseSensitive(map, key) != NULL)
        cJSON_ReplaceItemInObjectCaseSensitive(map, key, value);
    else
        cJSON_AddItemToObject(map, key, value);
}

/* "<<: *base" or "<<: [*a, *b]": copy keys the mapping does not have. */
static int
kyaml_merge(cJSON *map, cJSON *value)
{
    cJSON *src, *it;

    if (cJSON_IsArray(value)) {
        cJSON_ArrayForEach(src, value) if (!cJSON_IsObject(src)) return -1;
        cJSON_ArrayForEach(src, value) kyaml_merge(map, src);
        return 0;
    }
    if (!cJSON_IsObject(value))
        return -1;
    cJSON_ArrayForEach(it, value)
    {
        if (cJSON_GetObjectItemCaseSensitive(map, it->string) == NULL)
            cJSON_AddItemToObject(map, it->string, cJSON_Duplicate(it, 1));
    }
    return 0;
}

/* Hand a finished value to the open container (or make it the root). */
static int
kyaml_add(struct kyaml_parser *p, cJSON *value, const yaml_mark_t *mark)
{
    struct kyaml_frame *top;

    if (p->depth == 0) {
        cJSON_Delete(p->root);
        p->root = value;
        return 0;
    }
    top = &p->stack[p->depth - 1];
    if (cJSON_IsArray(top->node)) {
        cJSON_AddItemToArray(top->node, value);
        return 0;
    }
    if (top->key == NULL) {
        /* A key: scalars only (JSON keys are strings). */
        if (cJSON_IsString(value))
            top->key = xstrdup(value->valuestring);
        else if (cJSON_IsNumber(value) || cJSON_IsBool(value) ||
                 cJSON_IsNull(value)) {
            char *t = cJSON_PrintUnformatted(value);

            top->key = xstrdup(cJSON_IsNull(value) ? "null" : t);
            free(t);
        } else {
            cJSON_Delete(value);
            p->cause = kyaml_cause(p->filename, mark->line, mark->column,
                                   "mapping keys must be scalars", NULL);
            return -1;
        }
        cJSON_Delete(value);
        return 0;
    }
    if (top->key_merge) {
        int rc = kyaml_merge(top->node, value);

        cJSON_Delete(value);
        if (rc != 0) {
            p->cause = kyaml_cause(p->filename, mark->line, mark->column,
                                   "merge key \"<<\" needs a mapping", NULL);
            return -1;
        }
    } else
        kyaml_map_set(top->node, top->key, value);
    free(top->key);
    top->key = NULL;
    top->key_merge = 0;
    return 0;
}

static void
kyaml_push(struct kyaml_parser *p, cJSON *node, const char *anchor)
{
    if (p->depth == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 16;
        p->stack = xrealloc(p->stack, p->cap * sizeof *p->stack);
    }
    p->stack[p->depth].node = node;
    p->stack[p->depth].key = NULL;
    p->stack[p->depth].key_merge = 0;
    p->stack[p->depth].anchor = anchor ? xstrdup(anchor) : NULL;
    p->depth++;
}

static void
kyaml_parser_reset(struct kyaml_parser *p)
{
    while (p->depth > 0) {
        struct kyaml_frame *f = &p->stack[--p->depth];

        cJSON_Delete(f->node);
        free(f->key);
        free(f->anchor);
    }
    cJSON_Delete(p->root);
    p->root = NULL;
}

static int
kyaml_event(struct kyaml_parser *p, yaml_event_t *ev, int *doc_empty)
{
    const cJSON *src;
    cJSON       *node;

    switch (ev->type) {
    case YAML_SCALAR_EVENT: {
        int at_key;

        node = kyaml_scalar(ev);
        at_key = p->depth > 0 && cJSON_IsObject(p->stack[p->depth - 1].node) &&
                 p->stack[p->depth - 1].key == NULL;
        if (p->depth == 0 && ev->data.scalar.length == 0 &&
            ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
            *doc_empty = 1;
        if (ev->data.scalar.anchor != NULL)
            kyaml_set_anchor(p, (const char *)ev->data.scalar.anchor, node);
        if (at_key) {
            /* Keys keep their text: "1: x" has key "1", "on: x" key "on". */
            cJSON_Delete(node);
            node = cJSON_CreateString((const char *)ev->data.scalar.value);
        }
        if (kyaml_add(p, node, &ev->start_mark) != 0)
            return -1;
        if (at_key && ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
            strcmp((const char *)ev->data.scalar.value, "<<") == 0)
            p->stack[p->depth - 1].key_merge = 1;
        return 0;
    }
    case YAML_ALIAS_EVENT:
        src = kyaml_get_anchor(p, (const char *)ev->data.alias.anchor);
        if (src == NULL) {
            char *msg = xasprintf("unknown anchor \"%s\" referenced",
                                  (const char *)ev->data.alias.anchor);

            p->cause = kyaml_cause(p->filename, ev->start_mark.line,
                                   ev->start_mark.column, msg, NULL);
            free(msg);
            return -1;
        }
        return kyaml_add(p, cJSON_Duplicate(src, 1), &ev->start_mark);
    case YAML_SEQUENCE_START_EVENT:
        kyaml_push(p, cJSON_CreateArray(),
                   (const char *)ev->data.sequence_start.anchor);
        return 0;
    case YAML_MAPPING_START_EVENT:
        kyaml_push(p, cJSON_CreateObject(),
                   (const char *)ev->data.mapping_start.anchor);
        return 0;
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT: {
        struct kyaml_frame f = p->stack[--p->depth];

        free(f.key);
        if (f.anchor != NULL)
            kyaml_set_anchor(p, f.anchor, f.node);
        free(f.anchor);
        return kyaml_add(p, f.node, &ev->start_mark);
    }
    default:
        return 0;
    }
}

int
kyaml_parse_all(const char *text, size_t len, const char *filename,
                struct cJSON ***docs, size_t *ndocs, char **cause)
{
    struct kyaml_parser p;
    yaml_parser_t       yp;
    yaml_event_t        ev;
    cJSON             **out = NULL;
    size_t              n = 0;
    int                 done = 0, rc = -1, doc_empty = 0;

    memset(&p, 0, sizeof p);
    p.filename = filename != NULL ? filename : "<input>";
    *docs = NULL;
    *ndocs = 0;
    if (cause != NULL)
        *cause = NULL;

    if (!yaml_parser_initialize(&yp)) {
        if (cause != NULL)
            *cause =
                xasprintf("%s: cannot initialise the YAML parser", p.filename);
        return -1;
    }
    yaml_parser_set_input_string(&yp, (const unsigned char *)text, len);
    while (!done) {
        if (!yaml_parser_parse(&yp, &ev)) {
            p.cause = kyaml_cause(
                p.filename, yp.problem_mark.line, yp.problem_mark.column,
                yp.problem ? yp.problem : "invalid YAML", yp.context);
            goto out;
        }
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            done = 1;
            break;
        case YAML_DOCUMENT_START_EVENT:
            kyaml_parser_reset(&p);
            doc_empty = 0;
            break;
        case YAML_DOCUMENT_END_EVENT:
            if (p.root != NULL && !(doc_empty && cJSON_IsNull(p.root))) {
                out = xrealloc(out, (n + 1) * sizeof *out);
                out[n++] = p.root;
                p.root = NULL;
            }
            break;
        default:
            if (kyaml_event(&p, &ev, &doc_empty) != 0) {
                yaml_event_delete(&ev);
                goto out;
            }
        }
        yaml_event_delete(&ev);
    }
    *docs = out;
    *ndocs = n;
    out = NULL;
    rc = 0;
out:
    kyaml_free_docs(out, n);
    kyaml_parser_reset(&p);
    free(p.stack);
    for (size_t i = 0; i < p.nanchors; i++) {
        free(p.anchors[i].name);
        cJSON_Delete(p.anchors[i].copy);
    }
    free(p.anchors);
    yaml_parser_delete(&yp);
    if (cause != NULL)
        *cause = p.cause;
    else
        free(p.cause);
    return rc;
}

void
kyaml_free_docs(struct cJSON **docs, size_t ndocs)
{
    if (docs == NULL)
        return;
    for (size_t i = 0; i < ndocs; i++)
        cJSON_Delete(docs[i]);
    free(docs);
}

struct kyaml_member {
    cJSON *item;
    size_t pos;
};

static int
kyaml_member_cmp(const void *a, const void *b)
{
    const struct kyaml_member *x = a, *y = b;
    int                        c = strcmp(x->item->string, y->item->string);

    if (c != 0)
        return c;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* A JSON object may repeat a key; like Go's decoder (and our YAML path)
 * the last one wins, so later trees and their YAML agree. */
static void
kyaml_dedupe(cJSON *n)
{
    cJSON *it;

    if (cJSON_IsObject(n)) {
        size_t               cnt = 0, i = 0;
        struct kyaml_member *m;

        cJSON_ArrayForEach(it, n) cnt++;
        if (cnt > 1) {
            m = xcalloc(cnt, sizeof *m);
            cJSON_ArrayForEach(it, n)
            {
                m[i].item = it;
                m[i].pos = i;
                i++;
            }
            qsort(m, cnt, sizeof *m, kyaml_member_cmp);
            for (i = 0; i + 1 < cnt; i++)
                if (strcmp(m[i].item->string, m[i + 1].item->string) == 0)
                    cJSON_Delete(cJSON_DetachItemViaPointer(n, m[i].item));
            free(m);
        }
    }
    cJSON_ArrayForEach(it, n) kyaml_dedupe(it);
}

struct cJSON *
kyaml_parse(const char *text, size_t len, const char *filename, char **cause)
{
    cJSON     **docs;
    cJSON      *doc;
    size_t      n, i = 0;
    const char *name = filename != NULL ? filename : "<input>";

    if (cause != NULL)
        *cause = NULL;
    /* JSON is the common case (API bodies): take cJSON's fast path. */
    while (i < len && strchr(" \t\r\n", text[i]) != NULL)
        i++;
    if (i < len && (text[i] == '{' || text[i] == '[')) {
        const char *end = NULL;

        doc = cJSON_ParseWithLengthOpts(text, len, &end, 0);
        if (doc != NULL) {
            while (end < text + len && strchr(" \t\r\n", *end) != NULL)
                end++;
            if (end == text + len) {
                kyaml_dedupe(doc);
                return doc;
            }
            cJSON_Delete(doc);
        }
    }
    if (kyaml_parse_all(text, len, name, &docs, &n, cause) != 0)
        return NULL;
    if (n > 1) {
        kyaml_free_docs(docs, n);
        if (cause != NULL)
            *cause = xasprintf("%s: expected one document, found %zu", name, n);
        return NULL;
    }
    doc = n == 1 ? docs[0] : cJSON_CreateNull();
    free(docs);
    return doc;
}

int
kyaml_parse_file(const char *path, struct cJSON ***docs, size_t *ndocs,
                 char **cause)
{
    struct kbuf b;
    FILE       *f;
    char        chunk[65536];
    size_t      got;
    int         rc;

    *docs = NULL;
    *ndocs = 0;
    if (strcmp(path, "-") == 0)
        f = stdin;
    else if ((f = fopen(path, "rb")) == NULL) {
        if (cause != NULL)
            *cause = xasprintf("%s: %s", path, strerror(errno));
        return -1;
    }
    kbuf_init(&b);
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
        kbuf_append(&b, chunk, got);
    if (ferror(f)) {
        if (cause != NULL)
            *cause = xasprintf("%s: %s", path, strerror(errno));
        rc = -1;
    } else
        rc = kyaml_parse_all(b.data ? b.data : "", b.len, path, docs, ndocs,
                             cause);
    if (f != stdin)
        fclose(f);
    kbuf_done(&b);
    return rc;
}

/* ---- emitting ---- */

static int
kyaml_write(void *data, unsigned char *buf, size_t len)
{
    kbuf_append(data, buf, len);
    return 1;
}

static int
kyaml_digits(const char **p, int min, int max)
{
    int n = 0;

    while (**p >= '0' && **p <= '9' && n < max)
        (*p)++, n++;
    return n >= min;
}

/* go-yaml v2 reads these as timestamps (and so quotes such strings):
 * 2006-1-2, or 2006-1-2 then 'T', 't' or ' ' and 15:4:5[.frac][zone]. */
static int
kyaml_is_timestamp(const char *p)
{
    if (!kyaml_digits(&p, 4, 4) || *p++ != '-' || !kyaml_digits(&p, 1, 2) ||
        *p++ != '-' || !kyaml_digits(&p, 1, 2))
        return 0;
    if (*p == '\0')
        return 1;
    if (*p != 'T' && *p != 't' && *p != ' ')
        return 0;
    p++;
    if (!kyaml_digits(&p, 1, 2) || *p++ != ':' || !kyaml_digits(&p, 1, 2) ||
        *p++ != ':' || !kyaml_digits(&p, 1, 2))
        return 0;
    if (*p == '.') {
        p++;
        if (!kyaml_digits(&p, 1, 9))
            return 0;
    }
    if (*p == 'Z')
        p++;
    else if (*p == '+' || *p == '-') {
        p++;
        if (!kyaml_digits(&p, 2, 2) || *p++ != ':' || !kyaml_digits(&p, 2, 2))
            return 0;
    }
    return *p == '\0';
}

/* A string must be quoted when a plain scalar with its text would read back
 * as something else (go-yaml v2 then uses double quotes). Base-60 numbers
 * like "1:20" are quoted too, as go-yaml does for YAML 1.1 readers. */
static int
kyaml_needs_quotes(const char *s)
{
    cJSON      *n = kyaml_resolve_plain(s);
    int         quote = !cJSON_IsString(n);
    const char *p = s;

    cJSON_Delete(n);
    /* "<<" would read back as a merge key. */
    if (quote || kyaml_is_timestamp(s) || strcmp(s, "<<") == 0)
        return 1;
    if (*p == '-' || *p == '+')
        p++;
    if (*p >= '0' && *p <= '9' && strchr(p, ':') != NULL) {
        for (; *p != '\0'; p++)
            if (!((*p >= '0' && *p <= '9') || *p == ':' || *p == '_' ||
                  *p == '.'))
                return 0;
        return 1;
    }
    return 0;
}

static int
kyaml_emit_scalar(yaml_emitter_t *em, const char *text,
                  yaml_scalar_style_t style)
{
    yaml_event_t ev;

    yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)text,
                                 (int)strlen(text), 1, 1, style);
    return yaml_emitter_emit(em, &ev);
}

/* Length of the valid UTF-8 sequence at p, 0 if invalid. */
static size_t
kyaml_utf8_len(const unsigned char *p)
{
    size_t   n;
    unsigned cp;

    if (p[0] < 0x80)
        return 1;
    if ((p[0] & 0xe0) == 0xc0)
        n = 2, cp = p[0] & 0x1f;
    else if ((p[0] & 0xf0) == 0xe0)
        n = 3, cp = p[0] & 0x0f;
    else if ((p[0] & 0xf8) == 0xf0)
        n = 4, cp = p[0] & 0x07;
    else
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (p[i] & 0x3f);
    }
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) ||
        (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

static int
kyaml_emit_string(yaml_emitter_t *em, const char *s)
{
    yaml_scalar_style_t style = YAML_PLAIN_SCALAR_STYLE;
    struct kbuf         fixed;
    int                 bad = 0, rc;

    /* libyaml refuses invalid UTF-8 (JSON input can carry it): show such
     * bytes as U+FFFD rather than fail the whole document. */
    kbuf_init(&fixed);
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0';) {
        size_t n = kyaml_utf8_len(p);

        if (n == 0) {
            kbuf_puts(&fixed, "\xef\xbf\xbd");
            bad = 1;
            p++;
        } else {
            kbuf_append(&fixed, p, n);
            p += n;
        }
    }
    if (bad)
        s = fixed.data;
    if (strchr(s, '\n') != NULL)
        style = YAML_LITERAL_SCALAR_STYLE;
    else if (kyaml_needs_quotes(s))
        style = YAML_DOUBLE_QUOTED_SCALAR_STYLE;
    rc = kyaml_emit_scalar(em, s, style);
    kbuf_done(&fixed);
    return rc;
}

static void
kyaml_number(double d, char *buf, size_t len)
{
    if (isinf(d))
        snprintf(buf, len, "%s", d < 0 ? "-.inf" : ".inf");
    else if (isnan(d))
        snprintf(buf, len, ".nan");
    else if (d == floor(d) && fabs(d) < 1e15)
        snprintf(buf, len, "%.0f", d);
    else {
        for (int prec = 1; prec <= 17; prec++) {
            snprintf(buf, len, "%.*g", prec, d);
            if (strtod(buf, NULL) == d)
                break;
        }
    }
}

/* go-yaml v2's key order (sorter.go keyList.Less): letters sort by code
 * point and before anything else; runs of digits compare as numbers. */
static int
kyaml_isletter(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

static int
kyaml_isdigit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static int
kyaml_key_cmp(const void *pa, const void *pb)
{
    const unsigned char *a =
        (const unsigned char *)(*(const cJSON *const *)pa)->string;
    const unsigned char *b =
        (const unsigned char *)(*(const cJSON *const *)pb)->string;
    size_t la = strlen((const char *)a), lb = strlen((const char *)b);

    for (size_t i = 0; i < la && i < lb; i++) {
        int       al, bl;
        size_t    ai, bi;
        long long an = 0, bn = 0;

        if (a[i] == b[i])
            continue;
        al = kyaml_isletter(a[i]);
        bl = kyaml_isletter(b[i]);
        if (al && bl)
            return a[i] < b[i] ? -1 : 1;
        if (al || bl)
            return bl ? -1 : 1;
        if (a[i] == '0' || b[i] == '0') {
            for (size_t j = i; j-- > 0 && kyaml_isdigit(a[j]);) {
                if (a[j] != '0') {
                    an = bn = 1;
                    break;
                }
            }
        }
        /* Go's int64 wraps on long digit runs; wrap the same way. */
        for (ai = i; ai < la && kyaml_isdigit(a[ai]); ai++)
            an = (long long)((unsigned long long)an * 10 +
                             (unsigned long long)(a[ai] - '0'));
        for (bi = i; bi < lb && kyaml_isdigit(b[bi]); bi++)
            bn = (long long)((unsigned long long)bn * 10 +
                             (unsigned long long)(b[bi] - '0'));
        if (an != bn)
            return an < bn ? -1 : 1;
        if (ai != bi)
            return ai < bi ? -1 : 1;
        return a[i] < b[i] ? -1 : 1;
    }
    return la < lb ? -1 : la > lb ? 1 : 0;
}

static int
kyaml_emit_node(yaml_emitter_t *em, const cJSON *n, int sorted)
{
    yaml_event_t ev;
    char         num[64];
    const cJSON *it;

    if (cJSON_IsObject(n)) {
        const cJSON **kids = NULL;
        size_t        nk = 0, i;
        int           ok = 1;

        yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
                                            YAML_BLOCK_MAPPING_STYLE);
        if (!yaml_emitter_emit(em, &ev))
            return 0;
        cJSON_ArrayForEach(it, n) nk++;
        kids = xcalloc(nk ? nk : 1, sizeof *kids);
        i = 0;
        cJSON_ArrayForEach(it, n) kids[i++] = it;
        if (sorted)
            qsort(kids, nk, sizeof *kids, kyaml_key_cmp);
        for (i = 0; i < nk && ok; i++) {
            ok =
                kyaml_emit_string(em, kids[i]->string ? kids[i]->string : "") &&
                kyaml_emit_node(em, kids[i], sorted);
        }
        free(kids);
        if (!ok)
            return 0;
        yaml_mapping_end_event_initialize(&ev);
        return yaml_emitter_emit(em, &ev);
    }
    if (cJSON_IsArray(n)) {
        yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
                                             YAML_BLOCK_SEQUENCE_STYLE);
        if (!yaml_emitter_emit(em, &ev))
            return 0;
        cJSON_ArrayForEach(it,
                           n) if (!kyaml_emit_node(em, it, sorted)) return 0;
        yaml_sequence_end_event_initialize(&ev);
        return yaml_emitter_emit(em, &ev);
    }
    if (cJSON_IsString(n))
        return kyaml_emit_string(em, n->valuestring);
    if (cJSON_IsNumber(n)) {
        kyaml_number(n->valuedouble, num, sizeof num);
        return kyaml_emit_scalar(em, num, YAML_PLAIN_SCALAR_STYLE);
    }
    if (cJSON_IsBool(n))
        return kyaml_emit_scalar(em, cJSON_IsTrue(n) ? "true" : "false",
                                 YAML_PLAIN_SCALAR_STYLE);
    return kyaml_emit_scalar(em, "null", YAML_PLAIN_SCALAR_STYLE);
}

static char *
kyaml_emit_opts(const cJSON *n, int sorted)
{
    yaml_emitter_t em;
    yaml_event_t   ev;
    struct kbuf    b;
    int            ok;

    kbuf_init(&b);
    if (!yaml_emitter_initialize(&em))
        return NULL;
    yaml_emitter_set_output(&em, kyaml_write, &b);
    yaml_emitter_set_unicode(&em, 1);
    yaml_emitter_set_indent(&em, 2);
    yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
    ok = yaml_emitter_emit(&em, &ev);
    yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
    ok = ok && yaml_emitter_emit(&em, &ev);
    ok = ok && kyaml_emit_node(&em, n, sorted);
    yaml_document_end_event_initialize(&ev, 1);
    ok = ok && yaml_emitter_emit(&em, &ev);
    yaml_stream_end_event_initialize(&ev);
    ok = ok && yaml_emitter_emit(&em, &ev);
    ok = ok && yaml_emitter_flush(&em);
    yaml_emitter_delete(&em);
    if (!ok) {
        kbuf_done(&b);
        return NULL;
    }
    if (b.data == NULL)
        kbuf_puts(&b, "");
    return kbuf_steal(&b);
}

char *
kyaml_emit(const struct cJSON *n)
{
    return kyaml_emit_opts(n, 0);
}

char *
kyaml_emit_sorted(const struct cJSON *n)
{
    return kyaml_emit_opts(n, 1);
}
