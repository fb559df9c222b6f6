/*
 * YAML <-> cJSON, the way Kubernetes tools read and write YAML: plain
 * scalars resolve by YAML 1.1 rules as go-yaml v2 does (null, bools, ints,
 * floats, else string), quoted scalars are always strings, and a JSON text
 * is accepted as YAML. Emitting writes block-style YAML like `kubectl -o
 * yaml`. No Kubernetes knowledge here; used by kubeconfig, create and the
 * YAML view.
 */
#ifndef KPOD_KYAML_H
#define KPOD_KYAML_H

#include <stddef.h>

struct cJSON;

/* Parse exactly one document (YAML or JSON). An empty text gives a JSON
 * null. On error returns NULL and sets *cause to "FILE:LINE:COL: problem"
 * (1-based; the caller frees it). */
struct cJSON *kyaml_parse(const char *text, size_t len, const char *filename,
                          char **cause);

/* Parse a multi-document stream ("---"); empty documents are skipped. On
 * success 0 and *docs (caller frees with kyaml_free_docs) holds *ndocs
 * trees; on error -1, nothing allocated, *cause set. */
int kyaml_parse_all(const char *text, size_t len, const char *filename,
                    struct cJSON ***docs, size_t *ndocs, char **cause);

/* kyaml_parse_all on a file's contents; "-" is stdin. */
int kyaml_parse_file(const char *path, struct cJSON ***docs, size_t *ndocs,
                     char **cause);

/* Free what kyaml_parse_all returned (accepts NULL). */
void kyaml_free_docs(struct cJSON **docs, size_t ndocs);

/* One value as block-style YAML text ending in a newline, keys in object
 * order; strings quoted only when a plain scalar would read back as
 * something else. Caller frees. */
char *kyaml_emit(const struct cJSON *);

/* Like kyaml_emit, with every object's keys sorted (what `kubectl -o
 * yaml` prints, since it goes through a Go map). */
char *kyaml_emit_sorted(const struct cJSON *);

#endif
