/*
 * Orders of the pod list: compare two pod summaries by a column (name,
 * namespace, READY, STATUS, RESTARTS, AGE, IP, NODE), ascending or
 * descending, ties always broken by namespace, name and key ascending so
 * the order is total and stable across updates. Pure: no I/O, no curses.
 */
#ifndef KPOD_PODSORT_H
#define KPOD_PODSORT_H

#include "pod.h"

/* Sort orders; ties are broken by namespace, then name, ascending. */
enum podsort {
    PODSORT_DEFAULT,   /* namespace, name; no header mark */
    PODSORT_NAME,      /* name, then namespace */
    PODSORT_NAMESPACE, /* namespace, then name */
    PODSORT_READY,     /* ready containers, then total */
    PODSORT_STATUS,    /* STATUS text */
    PODSORT_RESTARTS,  /* restart count */
    PODSORT_AGE,       /* youngest first */
    PODSORT_IP,        /* IPv4 numerically, none first */
    PODSORT_NODE,      /* node name, none first */
    PODSORT_N
};

/* <0, 0, >0 as a sorts before, with, after b; key_a/key_b are the store
 * keys, the last tie-breaker. */
int podsort_cmp(enum podsort, int desc, const char *key_a,
                const struct pod_summary *a, const char *key_b,
                const struct pod_summary *b);

#endif
