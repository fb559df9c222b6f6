/*
 * The store's own lifecycle and history API, used by sim.c and the watch
 * code; handlers use the lookups declared in sim-int.h.
 */
#ifndef KPOD_SIMSTORE_H
#define KPOD_SIMSTORE_H

#include "sim-int.h"

#define SIMSTORE_NRES 3 /* pods, events, namespaces */

enum simstore_type { SIMSTORE_ADDED, SIMSTORE_MODIFIED, SIMSTORE_DELETED };

struct simhist {
    uint64_t             rv;
    const struct simres *res;
    enum simstore_type   type;
    struct simsnap      *snap;
};

typedef void (*simstore_notify_cb)(void *data, const struct simres *,
                                   enum simstore_type, struct simsnap *);

struct simstore *simstore_create(struct sim *, size_t history);
void             simstore_free(struct simstore *);
/* Called for every change, after it is stored. */
void     simstore_set_notify(struct simstore *, simstore_notify_cb, void *);
void     simsnap_unref(struct simsnap *);
size_t   simstore_count(struct simstore *);
uint64_t simstore_compacted(struct simstore *, const struct simres *);
/* Drop all history and bump the version: older versions now expire. */
void simstore_compact(struct simstore *);
/* Replay changes of res after version from; -1 when from has expired. */
int simstore_replay(struct simstore *, const struct simres *, uint64_t from,
                    simstore_notify_cb, void *data);

#endif
