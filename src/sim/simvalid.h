/*
 * Pod validation with 422 answers (simvalid.c).
 */
#ifndef KPOD_SIMVALID_H
#define KPOD_SIMVALID_H

#include "sim-int.h"

/* 0, or answers 422 Invalid with causes and returns -1. */
int simvalid_pod(struct simreq *, const cJSON *pod, const char *name);

#endif
