/*
 * The pod list: rows from the pod store, formatted by pod_summary_cell
 * (the same formatter as `kpod get pods`), sorted by namespace and name,
 * with the selection kept by pod UID across updates and re-sorts. Keys:
 * j/k/arrows, PgUp/PgDn, g/G (Home/End).
 */
#ifndef KPOD_VIEW_PODS_H
#define KPOD_VIEW_PODS_H

#include <stddef.h>
#include <stdint.h>

#include "pod.h"
#include "screen.h"
#include "widget-table.h"

struct store;

/* Row styles, by what the STATUS column says. */
enum view_pods_style {
    VIEW_PODS_OK,   /* running and ready */
    VIEW_PODS_WARN, /* pending, creating, not ready */
    VIEW_PODS_ERR,  /* failed, crashing, image errors */
    VIEW_PODS_GONE, /* terminating */
    VIEW_PODS_DONE, /* completed */
    VIEW_PODS_NSTYLES
};

struct view_pods {
    struct screen      *screen;
    struct screen_pane  pane;
    struct store       *store;
    int                 all_ns;
    struct widget_table table;
    char              **uids; /* parallel to table rows, owned */
    size_t              nuids;
    char               *sel_uid; /* owned, NULL = none yet */
    int                 body_height;
    int64_t (*now_ms)(void); /* the clock for AGE (tests replace it) */
    int         attrs[VIEW_PODS_NSTYLES];
    int         header_attr;
    const char *empty_text; /* shown when there are no rows */
};

/* The view over store; screen may be NULL in tests (then nothing is
 * marked dirty and paint is never called). */
void view_pods_init(struct view_pods *, struct screen *, struct store *,
                    int all_ns);
void view_pods_done(struct view_pods *);

/* Rebuild the rows from the store (the pane's DATA step). */
void view_pods_update(struct view_pods *);
/* Handle a key; 1 when used. */
int view_pods_key(struct view_pods *, int key);

/* Style of a row by its summary (pure). */
enum view_pods_style view_pods_style(const struct pod_summary *);

/* The selected pod's UID, or NULL when the list is empty. */
const char *view_pods_selected(const struct view_pods *);

#endif
