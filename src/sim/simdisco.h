/*
 * Discovery, OpenAPI, health and namespace handlers (simdisco.c).
 */
#ifndef KPOD_SIMDISCO_H
#define KPOD_SIMDISCO_H

#include "sim-int.h"

void simdisco_version(struct simreq *, char **args);
void simdisco_health(struct simreq *, char **args);
void simdisco_api(struct simreq *, char **args);
void simdisco_apis(struct simreq *, char **args);
void simdisco_v1_list(struct simreq *, char **args);
void simdisco_openapi_index(struct simreq *, char **args);
void simdisco_openapi_v1(struct simreq *, char **args);
void simdisco_namespaces(struct simreq *, char **args);
void simdisco_namespace_get(struct simreq *, char **args);
void simdisco_namespace_create(struct simreq *, char **args);
/* Create namespace ns if it does not exist yet. */
void simdisco_ensure_namespace(struct sim *, const char *ns);

#endif
