/*
 * Field documentation from the server's OpenAPI v3 document for the core
 * group (/openapi/v3/api/v1), the way `kubectl explain` walks and prints
 * it: resource to schema by x-kubernetes-group-version-kind, dotted paths
 * through $ref, allOf, items and additionalProperties, and the plain-text
 * layout of kubectl 1.32. Also the one-level field lists the explain pane
 * and the command line's completion browse. Fetching the document once
 * per client is here too; drawing is not.
 */
#ifndef KPOD_EXPLAIN_H
#define KPOD_EXPLAIN_H

#include <stddef.h>

struct explain;
struct kclient;
struct explain_fetch;

/* Parse the api/v1 document. NULL with *cause when it is not JSON or has
 * no components.schemas. */
struct explain *explain_create(const char *text, size_t len, char **cause);
/* Accepts NULL. */
void explain_free(struct explain *);

/* What `kubectl explain PATH` prints for "pods", "pod.spec.containers",
 * "po.metadata.labels" (caller frees). NULL with *cause in kubectl's words
 * (`field "x" does not exist`, `the server doesn't have a resource type
 * "x"`), without the "error: " prefix. */
char *explain_text(struct explain *, const char *path, char **cause);

/* One field of an object schema, as the FIELDS list shows it. */
struct explain_field {
    char *name;
    char *type;        /* "[]Container", "map[string]string", "string" */
    char *description; /* the field's own description ("" if none) */
    int   required;
    int   has_fields; /* the type has fields of its own (expandable) */
};

/* The fields of the object at PATH ("pods" or "pods.spec"), sorted by
 * name like kubectl; 0 and *fields, *n (free with explain_fields_free; may
 * be empty for a scalar or a map of scalars), or -1 with *cause. */
int  explain_fields(struct explain *, const char *path,
                    struct explain_field **fields, size_t *n, char **cause);
void explain_fields_free(struct explain_field *, size_t n);

/* Fetching: GET /openapi/v3, then the api/v1 document it names. done runs
 * exactly once (unless explain_fetch_cancel) with the parsed document
 * (the callee's to keep and free) or NULL and the reason. */
typedef void (*explain_fetch_cb)(struct explain *, const char *error,
                                 void *data);
struct explain_fetch *explain_fetch_start(struct kclient *, explain_fetch_cb,
                                          void *data, char **cause);
/* Stop a fetch; its callback will not run. Accepts NULL. */
void explain_fetch_cancel(struct explain_fetch *);

/* Word wrap as kubectl's templates do (go-wordwrap: break at spaces so a
 * line stays within lim runes; longer words stand alone). Caller frees. */
char *explain_wrap(const char *text, size_t lim);

#endif
