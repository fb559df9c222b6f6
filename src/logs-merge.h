/*
 * Several log streams in one: the logs of a set of pods/containers merged
 * in timestamp order, each line labelled with its source ("[pod/NAME/C]",
 * kubectl's --prefix form). Lines wait in a short reorder window: a line
 * is released once every live source has shown a later line or the
 * window (hold_ms) has passed, so a quiet (or reconnecting, or not yet
 * started) source delays the others by at most the window.
 */
#ifndef KPOD_LOGS_MERGE_H
#define KPOD_LOGS_MERGE_H

#include <stdint.h>

#include "logs.h"

struct kclient;
struct logs_merge;

/* A line of source src (its index from logs_merge_add); prefix is that
 * source's label. Borrowed for the duration of the callback. */
typedef void (*logs_merge_line_cb)(struct logs_merge *, unsigned src,
                                   const char *prefix, const struct logs_line *,
                                   void       *data);
/* A source's state changed (logs_merge_stream(m, src) has the status). */
typedef void (*logs_merge_status_cb)(struct logs_merge *, unsigned     src,
                                     const struct logs_status *, void *data);
typedef void (*logs_merge_done_cb)(struct logs_merge *, void *data);

/* hold_ms 0 = 300. */
struct logs_merge *logs_merge_create(struct kclient *, int64_t hold_ms,
                                     logs_merge_line_cb, logs_merge_status_cb,
                                     void *data);
/* Add a source (before or after start); returns its index. */
unsigned     logs_merge_add(struct logs_merge *, const struct logs_opts *);
unsigned     logs_merge_count(struct logs_merge *);
struct logs *logs_merge_stream(struct logs_merge *, unsigned src);
const char  *logs_merge_prefix(struct logs_merge *, unsigned src);
void         logs_merge_start(struct logs_merge *);
/* Stop every source; done (optional) runs when all handles are closed,
 * then the merge is freed. Lines still held are dropped. */
void logs_merge_close(struct logs_merge *, logs_merge_done_cb, void *data);

#endif
