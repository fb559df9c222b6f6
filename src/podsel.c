/*
 * Label selector parsing and matching (kubectl's syntax, the apiserver's
 * semantics: `!=` and `notin` also select objects without the key). The
 * grammar is small enough for a hand-written scanner: requirements split
 * on commas outside parentheses, each a key with an optional operator.
 */
#include "podsel.h"

#include "util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static int
podsel_keychar(int c)
{
    return isalnum(c) || c == '-' || c == '_' || c == '.' || c == '/';
}

static int
podsel_valchar(int c)
{
    return isalnum(c) || c == '-' || c == '_' || c == '.';
}

static const char *
podsel_ws(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/* A run of chars accepted by ok, copied; NULL when empty. */
static char *
podsel_word(const char **pp, int (*ok)(int))
{
    const char *p = *pp, *start = p;

    while (*p != '\0' && ok((unsigned char)*p))
        p++;
    *pp = p;
    return p > start ? xstrndup(start, (size_t)(p - start)) : NULL;
}

static void
podsel_add_value(struct podsel_req *r, char *v)
{
    r->values = xrealloc(r->values, (r->nvalues + 1) * sizeof *r->values);
    r->values[r->nvalues++] = v;
}

/* "(a, b)" after in/notin. */
static int
podsel_set(const char **pp, struct podsel_req *r, char **cause)
{
    const char *p = podsel_ws(*pp);

    if (*p != '(') {
        *cause = xasprintf("expected ( after %s",
                           r->op == PODSEL_IN ? "in" : "notin");
        return -1;
    }
    p++;
    for (;;) {
        char *v;

        p = podsel_ws(p);
        v = podsel_word(&p, podsel_valchar);
        podsel_add_value(r, v != NULL ? v : xstrdup(""));
        p = podsel_ws(p);
        if (*p == ',') {
            p++;
            continue;
        }
        if (*p == ')')
            break;
        *cause = xasprintf("expected , or ) in the set of %s", r->key);
        return -1;
    }
    *pp = p + 1;
    return 0;
}

static int
podsel_req_parse(const char **pp, struct podsel_req *r, char **cause)
{
    const char *p = podsel_ws(*pp);
    char       *v;

    r->op = PODSEL_EXISTS;
    if (*p == '!') {
        r->op = PODSEL_ABSENT;
        p = podsel_ws(p + 1);
    }
    r->key = podsel_word(&p, podsel_keychar);
    if (r->key == NULL) {
        *cause = *p != '\0' ? xasprintf("unexpected '%c' where a label key "
                                        "should be",
                                        *p)
                            : xstrdup("a label key is missing");
        return -1;
    }
    p = podsel_ws(p);
    if (r->op == PODSEL_ABSENT)
        goto out;
    if (p[0] == '!' && p[1] == '=') {
        r->op = PODSEL_NE;
        p += 2;
    } else if (p[0] == '=') {
        r->op = PODSEL_EQ;
        p += p[1] == '=' ? 2 : 1;
    } else if (strncmp(p, "in", 2) == 0 &&
               (p[2] == ' ' || p[2] == '\t' || p[2] == '(')) {
        r->op = PODSEL_IN;
        p += 2;
        if (podsel_set(&p, r, cause) != 0)
            return -1;
        goto out;
    } else if (strncmp(p, "notin", 5) == 0 &&
               (p[5] == ' ' || p[5] == '\t' || p[5] == '(')) {
        r->op = PODSEL_NOTIN;
        p += 5;
        if (podsel_set(&p, r, cause) != 0)
            return -1;
        goto out;
    } else
        goto out;
    p = podsel_ws(p);
    v = podsel_word(&p, podsel_valchar);
    podsel_add_value(r, v != NULL ? v : xstrdup(""));
out:
    p = podsel_ws(p);
    if (*p != '\0' && *p != ',') {
        *cause = xasprintf("unexpected '%c' after %s", *p, r->key);
        return -1;
    }
    *pp = p;
    return 0;
}

int
podsel_parse(struct podsel *sel, const char *text, char **cause)
{
    const char *p = text;

    memset(sel, 0, sizeof *sel);
    *cause = NULL;
    for (;;) {
        struct podsel_req *r;

        sel->reqs = xrealloc(sel->reqs, (sel->nreqs + 1) * sizeof *sel->reqs);
        r = &sel->reqs[sel->nreqs++];
        memset(r, 0, sizeof *r);
        if (podsel_req_parse(&p, r, cause) != 0) {
            podsel_done(sel);
            return -1;
        }
        if (*p == '\0')
            return 0;
        p++; /* the comma */
    }
}

void
podsel_done(struct podsel *sel)
{
    size_t i, j;

    for (i = 0; i < sel->nreqs; i++) {
        free(sel->reqs[i].key);
        for (j = 0; j < sel->reqs[i].nvalues; j++)
            free(sel->reqs[i].values[j]);
        free(sel->reqs[i].values);
    }
    free(sel->reqs);
    sel->reqs = NULL;
    sel->nreqs = 0;
}

/* The value of key in "k=v,k2=v2": 1 and its value (val, len) when present.
 * Label keys and values hold no ',' or '=', so the text splits unambiguously.
 */
static int
podsel_get(const char *labels, const char *key, const char **val, size_t *len)
{
    size_t      klen = strlen(key);
    const char *p = labels;

    while (p != NULL && *p != '\0') {
        const char *end = strchr(p, ','), *eq = strchr(p, '=');

        if (end == NULL)
            end = p + strlen(p);
        if (eq == NULL || eq > end)
            eq = end;
        if ((size_t)(eq - p) == klen && memcmp(p, key, klen) == 0) {
            *val = eq < end ? eq + 1 : eq;
            *len = (size_t)(end - *val);
            return 1;
        }
        p = *end == ',' ? end + 1 : end;
    }
    return 0;
}

static int
podsel_in(const struct podsel_req *r, const char *val, size_t len)
{
    size_t i;

    for (i = 0; i < r->nvalues; i++)
        if (strlen(r->values[i]) == len && memcmp(r->values[i], val, len) == 0)
            return 1;
    return 0;
}

int
podsel_match(const struct podsel *sel, const char *labels)
{
    size_t i;

    for (i = 0; i < sel->nreqs; i++) {
        const struct podsel_req *r = &sel->reqs[i];
        const char              *val = NULL;
        size_t                   len = 0;
        int                      has = podsel_get(labels, r->key, &val, &len);
        int                      ok;

        switch (r->op) {
        case PODSEL_EQ:
        case PODSEL_IN:
            ok = has && podsel_in(r, val, len);
            break;
        case PODSEL_NE:
        case PODSEL_NOTIN:
            ok = !has || !podsel_in(r, val, len);
            break;
        case PODSEL_EXISTS:
            ok = has;
            break;
        default:
            ok = !has;
            break;
        }
        if (!ok)
            return 0;
    }
    return 1;
}
