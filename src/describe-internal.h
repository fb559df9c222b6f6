/*
 * What describe.c and describe-volumes.c share: the writer state and the
 * small JSON accessors. Not for use outside the describe files.
 */
#ifndef KPOD_DESCRIBE_INTERNAL_H
#define KPOD_DESCRIBE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "tabwriter.h"
#include "util.h"

struct cJSON;

struct describe {
    struct tabwriter    tw;
    int                 minor; /* kubectl 1.<minor> layout */
    int64_t             now_ms;
    const struct cJSON *meta; /* the pod's metadata */
};

/* Write at an indent level (2 spaces each), escaped like kubectl. */
void describe_w(struct describe *, int level, const char *fmt, ...)
    KPOD_PRINTF(3, 4);

/* JSON helpers: null counts as absent; "" / 0 / false when missing. */
const struct cJSON  *describe_get(const struct cJSON *, const char *key);
const char          *describe_str(const struct cJSON *, const char *key);
long long            describe_int(const struct cJSON *, const char *key);
int                  describe_bool(const struct cJSON *, const char *key);
char                *describe_value(const struct cJSON *); /* Go's %v */
const struct cJSON **describe_sorted(const struct cJSON *obj, size_t *n);

/* Go's time.RFC1123Z of an RFC 3339 time in the local zone. */
char *describe_time(const char *rfc3339, char *buf, size_t len);
/* "Limits:" / "Requests:" blocks at a level, resource names sorted. */
void describe_resources(struct describe *, const struct cJSON *res, int level);
/* SeccompProfile (+ LocalhostProfile) lines at a level. */
void describe_seccomp(struct describe *, const struct cJSON *sc, int level);
/* An array's items, sorted by cmp when not NULL; caller frees. */
const struct cJSON **describe_array(const struct cJSON *arr, size_t *n,
                                    int (*cmp)(const void *, const void *));

/* printLabelsMultiline / printAnnotationsMultiline at nest levels. */
void describe_labels(struct describe *, int nest, const char *title,
                     const struct cJSON *labels);
void describe_annotations(struct describe *, int nest, const struct cJSON *ann);

/* describe-containers.c */
void describe_containers(struct describe *, const char *label,
                         const struct cJSON *containers,
                         const struct cJSON *statuses);

/* describe-volumes.c */
void   describe_volumes(struct describe *, const struct cJSON *volumes);
char  *describe_qos(const struct cJSON *pod);
double describe_quantity(const char *);      /* "100m" -> 0.1, "1Gi" -> 2^30 */
char  *describe_quantity_text(const char *); /* canonical: "1000m" -> "1" */

#endif
