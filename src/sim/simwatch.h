/*
 * Watch streams (simwatch.c): chunked newline-delimited events replayed
 * from the store's history, bookmarks, timeouts and the fault knobs that
 * drop or expire them.
 */
#ifndef KPOD_SIMWATCH_H
#define KPOD_SIMWATCH_H

#include "sim-int.h"
#include "simstore.h"

/* Answer a ?watch= request on a collection. */
void simwatch_start(struct simreq *, const struct simres *, const char *ns);
/* The store's change hook: fan a change out to the open watches. */
void simwatch_notify(void *sim, const struct simres *, enum simstore_type,
                     struct simsnap *);
/* --drop-watch-every: end every open watch (cleanly or by dropping the
 * connection, alternately). */
void simwatch_drop_all(struct sim *);
/* --expire-every: compact history; open watches get an ERROR 410 event. */
void simwatch_expire_all(struct sim *);
/* Stop every watch (the sim is closing). */
void   simwatch_close_all(struct sim *);
size_t simwatch_count(struct sim *);

#endif
