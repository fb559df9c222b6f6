/*
 * Server-side Tables (meta.k8s.io/v1) for pods and events, the way the
 * apiserver answers `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`
 * (simtable.c).
 */
#ifndef KPOD_SIMTABLE_H
#define KPOD_SIMTABLE_H

#include "sim-int.h"

#define SIMTABLE_CONTENT_TYPE "application/json;as=Table;v=v1;g=meta.k8s.io"

/* Does the request's Accept header ask for a Table? */
int  simtable_wanted(struct simreq *);
void simtable_columns(struct kbuf *, const struct simres *);
/* What each row's "object" holds (?includeObject=None|Metadata|Object). */
enum simtable_include { SIMTABLE_NONE, SIMTABLE_METADATA, SIMTABLE_OBJECT };
enum simtable_include simtable_include(struct simreq *);
/* One row: {"cells":[...],"object":...}. */
void simtable_row(struct kbuf *, const struct simres *, struct simsnap *,
                  int64_t now_ms, enum simtable_include);

#endif
