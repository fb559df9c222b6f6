/*
 * The pod list filter: parsing the typed line (trim, `!`, `-l`, `re:` or
 * regex-looking terms, else a substring) and matching a pod summary. The
 * view calls podfilter_match once per changed pod, so the match is what
 * has to be cheap; compiling happens once in podfilter_parse.
 */
#define _GNU_SOURCE /* strcasestr */
#include "podfilter.h"

#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Characters that make a term a regex when it compiles as one. */
#define PODFILTER_REGEX_CHARS "*+?^$()[]{}|\\"

struct podfilter *
podfilter_parse(const char *text, char **cause)
{
    struct podfilter *f;
    const char       *p = text != NULL ? text : "";
    size_t            len;
    char             *body;
    int               rc;

    *cause = NULL;
    while (*p == ' ' || *p == '\t')
        p++;
    len = strlen(p);
    while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
        len--;
    if (len == 0)
        return NULL;
    f = xcalloc(1, sizeof *f);
    f->text = xstrndup(p, len);
    body = f->text;
    if (*body == '!') {
        f->negate = 1;
        body++;
        while (*body == ' ')
            body++;
    }
    if (strncmp(body, "-l", 2) == 0 &&
        (body[2] == ' ' || body[2] == '\t' || body[2] == '\0' ||
         strchr(body + 2, '=') != NULL || body[2] == '!')) {
        const char *l = body + 2;
        size_t      n;

        f->kind = PODFILTER_LABELS;
        while (*l == ' ' || *l == '\t')
            l++;
        n = strlen(l);
        while (n > 0 && (l[n - 1] == ' ' || l[n - 1] == '\t'))
            n--;
        f->labels = xstrndup(l, n);
        if (podsel_parse(&f->sel, body + 2, cause) != 0) {
            char *c = *cause;

            *cause = xasprintf("label selector: %s", c);
            free(c);
            goto fail;
        }
        return f;
    }
    if (strncmp(body, "re:", 3) == 0) {
        f->kind = PODFILTER_REGEX;
        rc = regcomp(&f->re, body + 3, REG_EXTENDED | REG_ICASE | REG_NOSUB);
        if (rc != 0) {
            char msg[128];

            regerror(rc, &f->re, msg, sizeof msg);
            *cause = xasprintf("regex: %s", msg);
            goto fail;
        }
        return f;
    }
    if (*body != '\0' && strpbrk(body, PODFILTER_REGEX_CHARS) != NULL &&
        regcomp(&f->re, body, REG_EXTENDED | REG_ICASE | REG_NOSUB) == 0) {
        f->kind = PODFILTER_REGEX;
        return f;
    }
    f->kind = PODFILTER_SUBSTRING;
    f->term = xstrdup(body);
    return f;
fail:
    free(f->labels);
    free(f->text);
    free(f);
    return NULL;
}

void
podfilter_free(struct podfilter *f)
{
    if (f == NULL)
        return;
    if (f->kind == PODFILTER_REGEX)
        regfree(&f->re);
    if (f->kind == PODFILTER_LABELS)
        podsel_done(&f->sel);
    free(f->term);
    free(f->labels);
    free(f->text);
    free(f);
}

const char *
podfilter_server_selector(const struct podfilter *f)
{
    if (f == NULL || f->kind != PODFILTER_LABELS || f->negate)
        return NULL;
    return f->labels;
}

static int
podfilter_text(const struct podfilter *f, const char *s)
{
    if (s == NULL)
        return 0;
    if (f->kind == PODFILTER_REGEX)
        return regexec(&f->re, s, 0, NULL, 0) == 0;
    return strcasestr(s, f->term) != NULL;
}

int
podfilter_match(const struct podfilter *f, const struct pod_summary *p)
{
    int hit;

    if (f == NULL)
        return 1;
    if (f->kind == PODFILTER_LABELS)
        hit = podsel_match(&f->sel, p->labels);
    else {
        hit = podfilter_text(f, p->name) || podfilter_text(f, p->ns) ||
              podfilter_text(f, p->status) || podfilter_text(f, p->node) ||
              podfilter_text(f, p->ip);
        if (!hit && p->ns != NULL && p->name != NULL) {
            char   stackbuf[256];
            char  *both = stackbuf;
            size_t n = strlen(p->ns) + strlen(p->name) + 2;

            if (n > sizeof stackbuf)
                both = xmalloc(n);
            snprintf(both, n, "%s/%s", p->ns, p->name);
            hit = podfilter_text(f, both);
            if (both != stackbuf)
                free(both);
        }
    }
    return f->negate ? !hit : hit;
}
