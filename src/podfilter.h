/*
 * The pod list's filter: one line as typed after `/`, parsed once into a
 * predicate over pod summaries. `term` is a case-insensitive substring,
 * `re:PATTERN` (or a term with regex characters * + ? ^ $ ( ) [ ] { } | \
 * that compiles) a case-insensitive POSIX extended regex, both tried on
 * the pod's name, namespace, namespace/name, STATUS, NODE and IP; `-l
 * SELECTOR` a label selector (podsel.h); a leading `!` inverts any of
 * them. Pure: no I/O, no curses.
 */
#ifndef KPOD_PODFILTER_H
#define KPOD_PODFILTER_H

#include <regex.h>

#include "podsel.h"
#include "pod.h"

enum podfilter_kind {
    PODFILTER_SUBSTRING,
    PODFILTER_REGEX,
    PODFILTER_LABELS,
};

struct podfilter {
    enum podfilter_kind kind;
    int                 negate;
    char               *text; /* as typed (trimmed), for the title */
    char               *term; /* the substring */
    regex_t             re;
    struct podsel       sel;
    char *labels; /* PODFILTER_LABELS: the selector as typed (trimmed) */
};

/* Parse a filter line. NULL for an empty one (no filter) or, with *cause
 * set (caller frees), for a bad regex or selector. */
struct podfilter *podfilter_parse(const char *text, char **cause);
void              podfilter_free(struct podfilter *);
/* The label selector a server can apply for this filter (kubectl's -l):
 * an un-negated -l filter's selector, else NULL (borrowed). */
const char *podfilter_server_selector(const struct podfilter *);
/* 1 when the pod passes. */
int podfilter_match(const struct podfilter *, const struct pod_summary *);

#endif
