/*
 * Bulk content: --load files, --pods load, churn and event rate
 * (simload.c).
 */
#ifndef KPOD_SIMLOAD_H
#define KPOD_SIMLOAD_H

#include "sim-int.h"

int  simload_files(struct sim *, const char **files, char **cause);
int  simload_pods(struct sim *, int n, int namespaces, char **cause);
int  simload_churn(struct sim *); /* -1 when there are no load pods */
void simload_events(struct sim *, int n);
void simload_free(struct sim *);

#endif
