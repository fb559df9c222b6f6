/*
 * Patching JSON documents (simpatch.c): RFC 7386 merge patch (with the
 * strategic-merge subset kpod-sim needs) and RFC 6902 JSON patch.
 */
#ifndef KPOD_SIMPATCH_H
#define KPOD_SIMPATCH_H

#include <cJSON.h>

/* Merge patch into target in place. strategic: lists of objects that carry
 * a "name" are merged by name, and "$..." directive keys are skipped. */
void simpatch_merge(cJSON *target, const cJSON *patch, int strategic);
/* Apply a JSON patch (an array of operations); -1 with *cause on failure
 * (target may then be partly changed). */
int simpatch_json(cJSON *target, const cJSON *ops, char **cause);

#endif
