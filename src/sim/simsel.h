/*
 * Label and field selectors (simsel.c).
 */
#ifndef KPOD_SIMSEL_H
#define KPOD_SIMSEL_H

#include "sim-int.h"

struct simsel_term;
struct simsel {
    struct simsel_term *terms;
    size_t              nterms;
};

/* Parse ?labelSelector= and ?fieldSelector= (either may be NULL); -1 with
 * *cause (the apiserver's message) when malformed or unsupported. */
int  simsel_parse(struct simsel *, const struct simres *, const char *labels,
                  const char *fields, char **cause);
void simsel_done(struct simsel *);
int  simsel_match(const struct simsel *, const cJSON *obj);

#endif
