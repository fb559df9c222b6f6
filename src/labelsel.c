/*
 * Label selectors (see labelsel.h): parsed and matched in one pass over
 * the text, requirement by requirement, so there is no tree to free. A
 * requirement's values are compared as the server does: exact strings;
 * "in" needs the key present with one of the values, "notin" and "!="
 * also match when the key is absent.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "labelsel.h"
#include "util.h"

struct labelsel_lex {
    const char *p;
    char       *cause;
};

static void
labelsel_space(struct labelsel_lex *lx)
{
    while (*lx->p == ' ' || *lx->p == '\t')
        lx->p++;
}

/* A key or value: letters, digits, '-', '_', '.', '/'. Returns its length
 * (0 when none). */
static size_t
labelsel_word(struct labelsel_lex *lx, const char **start)
{
    size_t n = 0;

    labelsel_space(lx);
    *start = lx->p;
    while (isalnum((unsigned char)lx->p[n]) || lx->p[n] == '-' ||
           lx->p[n] == '_' || lx->p[n] == '.' || lx->p[n] == '/')
        n++;
    lx->p += n;
    return n;
}

static const char *
labelsel_get(const cJSON *labels, const char *k, size_t klen)
{
    const cJSON *l;

    cJSON_ArrayForEach(l, labels)
    {
        if (l->string != NULL && strlen(l->string) == klen &&
            strncmp(l->string, k, klen) == 0)
            return cJSON_IsString(l) ? l->valuestring : NULL;
    }
    return NULL;
}

static int
labelsel_eq(const char *have, const char *v, size_t vlen)
{
    return have != NULL && strlen(have) == vlen && strncmp(have, v, vlen) == 0;
}

/* One requirement: 1 matched, 0 not, -1 malformed (lx->cause). */
static int
labelsel_req(struct labelsel_lex *lx, const cJSON *labels)
{
    const char *k, *v, *have;
    size_t      klen, vlen;
    int         neg = 0, in;

    labelsel_space(lx);
    if (*lx->p == '!') {
        lx->p++;
        if ((klen = labelsel_word(lx, &k)) == 0)
            goto bad;
        return labelsel_get(labels, k, klen) == NULL;
    }
    if ((klen = labelsel_word(lx, &k)) == 0)
        goto bad;
    have = labelsel_get(labels, k, klen);
    labelsel_space(lx);
    if (*lx->p == ',' || *lx->p == '\0') /* exists */
        return have != NULL;
    if (lx->p[0] == '!' && lx->p[1] == '=') {
        lx->p += 2;
        neg = 1;
    } else if (lx->p[0] == '=' && lx->p[1] == '=') {
        lx->p += 2;
    } else if (lx->p[0] == '=') {
        lx->p++;
    } else {
        const char *op;
        size_t      oplen = labelsel_word(lx, &op);

        if (oplen == 2 && strncmp(op, "in", 2) == 0)
            neg = 0;
        else if (oplen == 5 && strncmp(op, "notin", 5) == 0)
            neg = 1;
        else
            goto bad;
        labelsel_space(lx);
        if (*lx->p++ != '(')
            goto bad;
        in = 0;
        for (;;) {
            vlen = labelsel_word(lx, &v);
            if (vlen > 0 && labelsel_eq(have, v, vlen))
                in = 1;
            labelsel_space(lx);
            if (*lx->p == ',') {
                lx->p++;
                continue;
            }
            if (*lx->p == ')') {
                lx->p++;
                break;
            }
            goto bad;
        }
        return neg ? !in : in;
    }
    vlen = labelsel_word(lx, &v);
    return neg ? !labelsel_eq(have, v, vlen) : labelsel_eq(have, v, vlen);
bad:
    lx->cause = xasprintf("unable to parse requirement at \"%s\"", lx->p);
    return -1;
}

static int
labelsel_run(const char *selector, const cJSON *labels, char **cause)
{
    struct labelsel_lex lx = {selector != NULL ? selector : "", NULL};
    int                 all = 1, r;

    labelsel_space(&lx);
    if (*lx.p == '\0')
        return 1;
    for (;;) {
        if ((r = labelsel_req(&lx, labels)) < 0)
            break;
        all &= r;
        labelsel_space(&lx);
        if (*lx.p == '\0')
            return all;
        if (*lx.p != ',') {
            lx.cause = xasprintf("unexpected \"%s\"", lx.p);
            break;
        }
        lx.p++;
    }
    if (cause != NULL)
        *cause = lx.cause;
    else
        free(lx.cause);
    return -1;
}

int
labelsel_check(const char *selector, char **cause)
{
    return labelsel_run(selector, NULL, cause) < 0 ? -1 : 0;
}

int
labelsel_match(const char *selector, const cJSON *labels)
{
    return labelsel_run(selector, labels, NULL);
}
