/*
 * Pod defaulting, ids and key order (simdefault.c).
 */
#ifndef KPOD_SIMDEFAULT_H
#define KPOD_SIMDEFAULT_H

#include "sim-int.h"

/* A random v4 uuid. */
void simdefault_uuid(struct sim *, char *buf, size_t len);
/* n-1 random characters of the apiserver's name-suffix alphabet. */
void simdefault_suffix(struct sim *, char *buf, size_t n);
/* The object member k, created empty when missing. */
cJSON *simdefault_child(cJSON *o, const char *k);
/* Fill in what the apiserver defaults on a new pod. */
void simdefault_pod(struct sim *, cJSON *pod);
/* Add or refresh a managedFields entry for manager/operation. */
void simdefault_managed(cJSON *pod, const char *manager, const char *operation);
/* Put metadata keys (and metadata/spec/status) in the apiserver's order. */
void simdefault_order_meta(cJSON *pod);
void simdefault_order(cJSON *o, const char *const *order);

#endif
