/*
 * Kubernetes label selectors evaluated on the client: "app=web,tier!=db",
 * "env in (prod, staging)", "release notin (canary)", "gpu", "!spot"
 * (the apimachinery labels.Parse grammar, set- and equality-based). The
 * UI uses it to pick the pods of a merged log pane from the pod store; it
 * never talks to the server.
 */
#ifndef KPOD_LABELSEL_H
#define KPOD_LABELSEL_H

struct cJSON;

/* 0 when selector parses (empty = everything), else -1 with *cause
 * (caller frees). */
int labelsel_check(const char *selector, char **cause);
/* 1 when labels (an object of strings, or NULL = none) satisfy every
 * requirement of selector, 0 when not, -1 when selector is malformed. */
int labelsel_match(const char *selector, const struct cJSON *labels);

#endif
