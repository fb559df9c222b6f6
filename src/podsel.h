/*
 * Label selectors as kubectl writes them (`app=web,tier!=db`, `env in
 * (a,b)`, `env notin (c)`, `key`, `!key`), parsed once and matched against
 * a pod summary's label text ("a=b,c=d", as pod.c keeps it). Matching is
 * on the client, so a filter works on what the list already holds; parsed
 * once, it is cheap enough for every row of a big list. labelsel.h (the
 * log panes' selector over a cJSON labels object) is built on it.
 */
#ifndef KPOD_PODSEL_H
#define KPOD_PODSEL_H

#include <stddef.h>

enum podsel_op {
    PODSEL_EQ,     /* key=v, key==v */
    PODSEL_NE,     /* key!=v: also true when the key is absent */
    PODSEL_IN,     /* key in (a,b) */
    PODSEL_NOTIN,  /* key notin (a,b): also true when absent */
    PODSEL_EXISTS, /* key */
    PODSEL_ABSENT, /* !key */
};

struct podsel_req {
    char          *key;
    enum podsel_op op;
    char         **values; /* owned */
    size_t         nvalues;
};

struct podsel {
    struct podsel_req *reqs; /* all must hold */
    size_t             nreqs;
};

/* Parse text; 0, or -1 with *cause (caller frees) saying what is wrong. */
int  podsel_parse(struct podsel *, const char *text, char **cause);
void podsel_done(struct podsel *);
/* 1 when labels ("k=v,k2=v2" or NULL for none) satisfy every requirement. */
int podsel_match(const struct podsel *, const char *labels);

#endif
