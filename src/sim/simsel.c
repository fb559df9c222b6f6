/*
 * Label and field selectors as the apiserver reads them from ?labelSelector=
 * and ?fieldSelector=: equality, inequality, existence and set terms for
 * labels; =, == and != on the fields each resource supports (pods:
 * metadata.*, spec.nodeName, status.phase ...; events: involvedObject.*,
 * reason, type, source ...). Unsupported fields are an error, like the API.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "simsel.h"

enum simsel_op { SEL_EQ, SEL_NE, SEL_EXISTS, SEL_NOTEXISTS, SEL_IN, SEL_NOTIN };

struct simsel_term {
    int            field; /* 1 = field selector term */
    enum simsel_op op;
    char          *key;
    char         **values;
    size_t         nvalues;
};

static const char *const pod_fields[] = {
    "metadata.name",
    "metadata.namespace",
    "spec.nodeName",
    "spec.restartPolicy",
    "spec.schedulerName",
    "spec.serviceAccountName",
    "spec.hostNetwork",
    "status.phase",
    "status.podIP",
    "status.nominatedNodeName",
    NULL,
};

static const char *const event_fields[] = {
    "metadata.name",
    "metadata.namespace",
    "involvedObject.kind",
    "involvedObject.namespace",
    "involvedObject.name",
    "involvedObject.uid",
    "involvedObject.apiVersion",
    "involvedObject.resourceVersion",
    "involvedObject.fieldPath",
    "reason",
    "reportingComponent",
    "source",
    "type",
    NULL,
};

static void
simsel_add(struct simsel *sel, struct simsel_term *t)
{
    sel->terms = xrealloc(sel->terms, (sel->nterms + 1) * sizeof *sel->terms);
    sel->terms[sel->nterms++] = *t;
}

static void
simsel_addval(struct simsel_term *t, const char *s, size_t n)
{
    while (n > 0 && isspace((unsigned char)*s)) {
        s++;
        n--;
    }
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        n--;
    t->values = xrealloc(t->values, (t->nvalues + 1) * sizeof *t->values);
    t->values[t->nvalues++] = xstrndup(s, n);
}

static char *
trimdup(const char *s, size_t n)
{
    while (n > 0 && isspace((unsigned char)*s)) {
        s++;
        n--;
    }
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        n--;
    return xstrndup(s, n);
}

/* One label term of length n. */
static int
simsel_label_term(struct simsel *sel, const char *s, size_t n, char **cause)
{
    struct simsel_term t = {0};
    char              *term = trimdup(s, n), *p;
    const char        *op;

    if (*term == '\0') {
        free(term);
        return 0;
    }
    if (term[0] == '!') {
        t.op = SEL_NOTEXISTS;
        t.key = trimdup(term + 1, strlen(term + 1));
    } else if ((op = strstr(term, "!=")) != NULL) {
        t.op = SEL_NE;
        t.key = trimdup(term, (size_t)(op - term));
        simsel_addval(&t, op + 2, strlen(op + 2));
    } else if ((op = strstr(term, "==")) != NULL) {
        t.op = SEL_EQ;
        t.key = trimdup(term, (size_t)(op - term));
        simsel_addval(&t, op + 2, strlen(op + 2));
    } else if ((op = strchr(term, '=')) != NULL) {
        t.op = SEL_EQ;
        t.key = trimdup(term, (size_t)(op - term));
        simsel_addval(&t, op + 1, strlen(op + 1));
    } else if ((p = strchr(term, '(')) != NULL) {
        char *sp = strchr(term, ' '), *close = strchr(p, ')'), *v, *e;

        if (sp == NULL || close == NULL || sp > p) {
            *cause = xasprintf("unable to parse requirement: %s", term);
            free(term);
            return -1;
        }
        t.key = trimdup(term, (size_t)(sp - term));
        op = sp;
        while (*op == ' ')
            op++;
        if (strncmp(op, "notin", 5) == 0)
            t.op = SEL_NOTIN;
        else if (strncmp(op, "in", 2) == 0)
            t.op = SEL_IN;
        else {
            *cause = xasprintf("unable to parse requirement: %s", term);
            free(t.key);
            free(term);
            return -1;
        }
        for (v = p + 1; v < close; v = e + 1) {
            e = memchr(v, ',', (size_t)(close - v));
            if (e == NULL)
                e = close;
            simsel_addval(&t, v, (size_t)(e - v));
        }
    } else {
        t.op = SEL_EXISTS;
        t.key = xstrdup(term);
    }
    free(term);
    simsel_add(sel, &t);
    return 0;
}

static int
simsel_labels(struct simsel *sel, const char *s, char **cause)
{
    const char *start = s, *p;
    int         depth = 0;

    for (p = s;; p++) {
        if (*p == '(')
            depth++;
        else if (*p == ')')
            depth--;
        else if ((*p == ',' && depth == 0) || *p == '\0') {
            if (simsel_label_term(sel, start, (size_t)(p - start), cause) != 0)
                return -1;
            if (*p == '\0')
                break;
            start = p + 1;
        }
    }
    return 0;
}

static int
simsel_fields(struct simsel *sel, const struct simres *res, const char *s,
              char **cause)
{
    const char *const *allowed =
        res == &simres_events ? event_fields : pod_fields;
    const char *start = s, *p, *op;
    size_t      i;

    for (p = s;; p++) {
        if (*p != ',' && *p != '\0')
            continue;
        if (p > start) {
            struct simsel_term t = {0};
            char              *term = xstrndup(start, (size_t)(p - start));
            size_t             oplen = 1;

            t.field = 1;
            if ((op = strstr(term, "!=")) != NULL) {
                t.op = SEL_NE;
                oplen = 2;
            } else if ((op = strstr(term, "==")) != NULL) {
                t.op = SEL_EQ;
                oplen = 2;
            } else if ((op = strchr(term, '=')) != NULL)
                t.op = SEL_EQ;
            else {
                *cause = xasprintf("invalid selector: '%s'; can't understand "
                                   "'%s'",
                                   s, term);
                free(term);
                return -1;
            }
            t.key = trimdup(term, (size_t)(op - term));
            simsel_addval(&t, op + oplen, strlen(op + oplen));
            free(term);
            for (i = 0; allowed[i] != NULL; i++)
                if (strcmp(allowed[i], t.key) == 0)
                    break;
            if (allowed[i] == NULL) {
                *cause = xasprintf("field label not supported: %s", t.key);
                free(t.key);
                free(t.values[0]);
                free(t.values);
                return -1;
            }
            simsel_add(sel, &t);
        }
        if (*p == '\0')
            break;
        start = p + 1;
    }
    return 0;
}

int
simsel_parse(struct simsel *sel, const struct simres *res, const char *labels,
             const char *fields, char **cause)
{
    memset(sel, 0, sizeof *sel);
    if (labels != NULL && simsel_labels(sel, labels, cause) != 0) {
        simsel_done(sel);
        return -1;
    }
    if (fields != NULL && simsel_fields(sel, res, fields, cause) != 0) {
        simsel_done(sel);
        return -1;
    }
    return 0;
}

void
simsel_done(struct simsel *sel)
{
    size_t i, j;

    for (i = 0; i < sel->nterms; i++) {
        free(sel->terms[i].key);
        for (j = 0; j < sel->terms[i].nvalues; j++)
            free(sel->terms[i].values[j]);
        free(sel->terms[i].values);
    }
    free(sel->terms);
    memset(sel, 0, sizeof *sel);
}

/* The value of a field for selection: "" when absent. */
static char *
simsel_field_value(const cJSON *obj, const char *path)
{
    const cJSON *cur = obj;
    char        *copy, *seg, *save = NULL;

    if (strcmp(path, "source") == 0)
        path = "source.component";
    copy = xstrdup(path);
    for (seg = strtok_r(copy, ".", &save); seg != NULL && cur != NULL;
         seg = strtok_r(NULL, ".", &save))
        cur = cJSON_GetObjectItemCaseSensitive(cur, seg);
    free(copy);
    if (cJSON_IsString(cur))
        return xstrdup(cur->valuestring);
    if (cJSON_IsBool(cur))
        return xstrdup(cJSON_IsTrue(cur) ? "true" : "false");
    if (cJSON_IsNumber(cur))
        return xasprintf("%lld", (long long)cur->valuedouble);
    return xstrdup("");
}

int
simsel_match(const struct simsel *sel, const cJSON *obj)
{
    const cJSON *labels = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(obj, "metadata"), "labels");
    size_t i, j;

    for (i = 0; i < sel->nterms; i++) {
        const struct simsel_term *t = &sel->terms[i];
        char                     *v = NULL;
        int                       present, in = 0;

        if (t->field) {
            v = simsel_field_value(obj, t->key);
            present = 1;
        } else {
            const char *lv = cJSON_GetStringValue(
                cJSON_GetObjectItemCaseSensitive(labels, t->key));

            present = lv != NULL;
            v = xstrdup(lv != NULL ? lv : "");
        }
        for (j = 0; j < t->nvalues; j++)
            if (strcmp(t->values[j], v) == 0)
                in = 1;
        free(v);
        switch (t->op) {
        case SEL_EQ:
        case SEL_IN:
            if (!present || !in)
                return 0;
            break;
        case SEL_NE:
        case SEL_NOTIN:
            if (present && in)
                return 0;
            break;
        case SEL_EXISTS:
            if (!present)
                return 0;
            break;
        case SEL_NOTEXISTS:
            if (present)
                return 0;
            break;
        }
    }
    return 1;
}
