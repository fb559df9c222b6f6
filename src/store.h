/*
 * The object cache of one resource (pods, events ...), keyed by
 * "namespace/name". Each entry keeps the object as compact JSON text with
 * metadata.managedFields dropped, plus a summary built by the resource's
 * ops (a struct pod_summary for pods). Views read it; watchers write it.
 * Listeners are told once per batch, not once per event, so a burst of
 * watch events makes one redraw. The store never calls into curses.
 */
#ifndef KPOD_STORE_H
#define KPOD_STORE_H

#include <stddef.h>
#include <stdint.h>

struct cJSON;
struct store;

struct store_ops {
    const char *name; /* "pods" */
    size_t      summary_size;
    /* Build the summary from the object; 0 or -1 to reject it. */
    int (*summary_init)(void *summary, const struct cJSON *obj);
    void (*summary_done)(void *summary);
};
extern const struct store_ops store_pod_ops; /* summary = struct pod_summary */

struct store_obj {
    char    *key; /* "ns/name" (or "name" when cluster-scoped) */
    char    *uid;
    char    *rv;   /* metadata.resourceVersion */
    char    *json; /* compact, managedFields dropped */
    size_t   json_len;
    void    *summary;
    uint64_t gen;  /* store generation of the last change */
    int      mark; /* for relist mark-and-sweep */
};

enum store_change { STORE_ADDED, STORE_MODIFIED, STORE_DELETED };

/* Called after a batch of changes (store_batch_end), never mid-batch. */
typedef void (*store_changed_cb)(struct store *, void *data);

struct store *store_create(const struct store_ops *);
void          store_free(struct store *);
void          store_listen(struct store *, store_changed_cb, void *data);
/* Stop calling a listener (cb and data as given to store_listen). */
void store_unlisten(struct store *, store_changed_cb, void *data);

/* Changes. upsert copies what it needs from obj; the caller keeps obj. */
void store_batch_begin(struct store *);
void store_batch_end(struct store *); /* notifies listeners if changed */
int  store_upsert(struct store *, const struct cJSON *obj); /* 0 / -1 */
int  store_delete(struct store *, const char *key);         /* 0 / -1 absent */
int  store_delete_obj(struct store *, const struct cJSON *obj);
void store_mark_all(struct store *); /* relist: everything unseen ... */
int  store_sweep(struct store *);    /* ... is deleted; returns how many */
void store_clear(struct store *);

/* Reading. Pointers are borrowed until the next change to the store. */
size_t            store_count(struct store *);
uint64_t          store_generation(struct store *); /* bumps on any change */
struct store_obj *store_find(struct store *, const char *key);
struct store_obj *store_find_uid(struct store *, const char *uid);
/* All objects, in no particular order; returns count, *out is the caller's
 * to free (the array only). */
size_t store_list(struct store *, struct store_obj ***out);

/* The change log, for readers that update incrementally (the pod list):
 * each change appends {what, key}; a reader opened with store_log_open
 * takes what was appended since its last read. The log keeps records only
 * while a reader has not taken them, and at most about as many as there
 * are objects: a reader that falls further behind is told to reread
 * everything. With no reader open nothing is recorded. */
struct store_log_rec {
    enum store_change what;
    char             *key; /* "ns/name" */
};
/* A new reader positioned at the end of the log; returns its id. */
int  store_log_open(struct store *);
void store_log_close(struct store *, int id);
/* The records since this reader's last read (borrowed until the next
 * change) and their count, or -1 when some were dropped (reread the whole
 * store with store_list). Either way the reader is then at the end. */
long store_log_read(struct store *, int id, const struct store_log_rec **recs);

/* "ns/name" for an object; caller frees. */
char *store_key(const struct cJSON *obj);

#endif
