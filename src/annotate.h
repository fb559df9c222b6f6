/*
 * Annotation edits for the annotations pane: validation by the API's own
 * rules before anything is sent (a qualified-name key with an optional
 * DNS-1123 subdomain prefix; keys and values together at most 256 KiB),
 * the merge-patch body that sets or removes one key, and the pod's
 * annotations as a sorted list. Pure functions, no I/O.
 */
#ifndef KPOD_ANNOTATE_H
#define KPOD_ANNOTATE_H

#include <stddef.h>

struct cJSON;

#define ANNOTATE_TOTAL_MAX (256 * 1024) /* bytes of all keys and values */

/* NULL when key is a valid annotation key, else why not, in the
 * apiserver's words (caller frees). */
char *annotate_check_key(const char *key);

/* NULL when setting key to value (value NULL = removing it) leaves valid
 * annotations, given the current ones (metadata.annotations, may be NULL);
 * else why not (caller frees). */
char *annotate_check(const struct cJSON *annotations, const char *key,
                     const char *value);

/* The merge patch {"metadata":{"annotations":{key:value}}}, with null for
 * value NULL (which removes the key). Caller frees. */
char *annotate_patch(const char *key, const char *value);

/* One annotation of a sorted list (borrowed from the cJSON object). */
struct annotate_item {
    const char *key;
    const char *value; /* "" for a non-string */
};

/* The string annotations of the object sorted by key (byte order, like
 * kubectl); *n gets the count. Caller frees the array (not the strings,
 * which live as long as the object). */
struct annotate_item *annotate_sorted(const struct cJSON *annotations,
                                      size_t             *n);

#endif
