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

#endif
