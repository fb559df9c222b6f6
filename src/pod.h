/*
 * The pod summary: what a row of `kubectl get pods` shows, computed with
 * kubectl's own printPod rules (research/kubectl-printing.md §1-3). The
 * summary keeps raw times so AGE and "(15s ago)" are formatted against any
 * "now" without re-reading the object. Pure functions: no I/O, no curses.
 */
#ifndef KPOD_POD_H
#define KPOD_POD_H

#include <stddef.h>
#include <stdint.h>

struct cJSON;

struct pod_summary {
    char   *uid;
    char   *ns;
    char   *name;
    char    ready[24]; /* "1/2" */
    char   *status;    /* "Running", "CrashLoopBackOff", ... */
    int     restarts;
    int64_t last_restart_ms; /* ms since epoch, 0 = none known */
    int64_t created_ms;      /* 0 = unknown */
    char   *ip;              /* NULL = <none> */
    char   *node;
    char   *nominated;
    char    readiness_gates[24]; /* "" = <none>, else "1/2" */
    int     deleting;            /* metadata.deletionTimestamp set */
    char   *labels;              /* "a=b,c=d" sorted, NULL = <none> */
};

/* Columns of the table, in kubectl's order. */
enum pod_col {
    POD_COL_NAMESPACE,
    POD_COL_NAME,
    POD_COL_READY,
    POD_COL_STATUS,
    POD_COL_RESTARTS,
    POD_COL_AGE,
    POD_COL_IP,
    POD_COL_NODE,
    POD_COL_NOMINATED,
    POD_COL_GATES,
    POD_COL_LABELS, /* --show-labels */
    POD_NCOLS
};
extern const char *const pod_col_names[POD_NCOLS]; /* "NAMESPACE", ... */

/* Fill from a Pod object; 0, or -1 when it is not a pod. Owns its strings. */
int  pod_summary_init(struct pod_summary *, const struct cJSON *pod);
void pod_summary_done(struct pod_summary *);

/* Format one cell as kubectl prints it at time now_ms (ms since epoch).
 * Writes at most len bytes (NUL included) into buf and returns buf. */
char *pod_summary_cell(const struct pod_summary *, enum pod_col, int64_t now_ms,
                       char *buf, size_t len);

/* kubectl HumanDuration / ShortHumanDuration of a duration in ms. */
char *duration_human(int64_t ms, char *buf, size_t len);
char *duration_short(int64_t ms, char *buf, size_t len);
/* translateTimestampSince: "<unknown>" when t_ms == 0. */
char *duration_since(int64_t t_ms, int64_t now_ms, char *buf, size_t len);

#endif
