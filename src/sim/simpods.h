/*
 * Pod write handlers and helpers (simpods.c).
 */
#ifndef KPOD_SIMPODS_H
#define KPOD_SIMPODS_H

#include "sim-int.h"

void simpods_list_all(struct simreq *, char **args);
void simpods_list(struct simreq *, char **args);
void simpods_get(struct simreq *, char **args);
void simpods_create(struct simreq *, char **args);
void simpods_delete(struct simreq *, char **args);
void simpods_patch(struct simreq *, char **args);
/* Create a pod from inside the sim (scenarios, --pods); takes pod. */
const cJSON *simpods_create_internal(struct sim *, const char *ns, cJSON *pod);
/* Put metadata keys (and metadata/spec/status) in the apiserver's order. */
void simpods_order_meta(cJSON *pod);
void simpods_order(cJSON *o, const char *const *order);
/* n-1 random characters of the apiserver's name-suffix alphabet. */
void simpods_suffix(struct sim *, char *buf, size_t n);
/* 0, or answers 422 Invalid with causes and returns -1. */
int simpods_validate(struct simreq *, const cJSON *pod, const char *name);

#endif
