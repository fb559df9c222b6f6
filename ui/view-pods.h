/*
 * The pod list: rows from the pod store, formatted by pod_summary_cell
 * (the same formatter as `kpod get pods`), sorted by namespace and name or
 * by a chosen column, narrowed by a filter (podfilter.h), with the
 * selection kept by pod UID across updates and re-sorts. It follows the
 * store's change log, so a change costs work in proportion to what
 * changed, not to the number of pods: changed rows are merged into the
 * sorted order and only visible rows are ever formatted for the screen.
 * Keys: j/k/arrows, PgUp/PgDn, g/G (Home/End).
 */
#ifndef KPOD_VIEW_PODS_H
#define KPOD_VIEW_PODS_H

#include <stddef.h>
#include <stdint.h>

#include "pod.h"
#include "podsort.h"
#include "screen.h"
#include "widget-table.h"

struct store;
struct store_obj;
struct podfilter;

/* Row styles, by what the STATUS column says. */
enum view_pods_style {
    VIEW_PODS_OK,   /* running and ready */
    VIEW_PODS_WARN, /* pending, creating, not ready */
    VIEW_PODS_ERR,  /* failed, crashing, image errors */
    VIEW_PODS_GONE, /* terminating */
    VIEW_PODS_DONE, /* completed */
    VIEW_PODS_NSTYLES
};

struct view_pods_row;

struct view_pods {
    struct screen      *screen;
    struct screen_pane  pane;
    struct store       *store;
    int                 all_ns;
    const enum pod_col *map; /* table column -> pod column */
    struct widget_table table;
    int                 log_id; /* our reader of the store's change log */
    /* Every pod of the store has a row, found by key. */
    struct view_pods_row **buckets;
    size_t                 nbuckets, count;
    /* The rows shown (passing the filter), in sort order. */
    struct view_pods_row **order;
    size_t                 norder, ordercap;
    /* Rows changed since the last update (added, modified, deleted). */
    struct view_pods_row **pending;
    size_t                 npending, pendcap;
    int                    reread;   /* the log was dropped: start over */
    int                    refilter; /* the filter changed */
    int                    resort;   /* the sort order changed */
    /* Column widths: a count of shown cells by width, per column; the
     * clock's columns (AGE, RESTARTS) are measured on visible rows. */
    unsigned (*hist)[256];
    int                   maxw[WIDGET_TABLE_MAXCOLS];
    int                   clockw[WIDGET_TABLE_MAXCOLS];
    struct view_pods_row *sel_row; /* NULL = none */
    char                 *sel_uid; /* owned copy, NULL = none */
    enum podsort          sort;
    int                   desc;
    struct podfilter     *filter; /* NULL = all pods */
    int                   body_height;
    int64_t (*now_ms)(void); /* the clock for AGE (tests replace it) */
    int         attrs[VIEW_PODS_NSTYLES];
    int         header_attr;
    const char *empty_text; /* shown when there are no rows */
    /* The cells of the last row formatted (widget_table_row_cb). */
    char        cellbuf[WIDGET_TABLE_MAXCOLS][256];
    const char *cells[WIDGET_TABLE_MAXCOLS];
    uint64_t    rows_formatted; /* for tests: work done */
    uint64_t    compares;
};

/* The view over store; screen may be NULL in tests (then nothing is
 * marked dirty and paint is never called). */
void view_pods_init(struct view_pods *, struct screen *, struct store *,
                    int all_ns);
void view_pods_done(struct view_pods *);
/* Show or drop the NAMESPACE column (a namespace switch). */
void view_pods_set_all_ns(struct view_pods *, int all_ns);

/* Bring the rows up to date with the store (the pane's DATA step). */
void view_pods_update(struct view_pods *);
/* Handle a key; 1 when used. */
int view_pods_key(struct view_pods *, int key);
/* Select the row shown at line row of the pane (0 = the header, so 1 is
 * the first row on screen): a mouse click. 1 when a row was selected. */
int view_pods_click(struct view_pods *, int row);

/* Style of a row by its summary (pure). */
enum view_pods_style view_pods_style(const struct pod_summary *);

/* The selected pod's UID, or NULL when the list is empty. */
const char *view_pods_selected(const struct view_pods *);

/* Rows shown, and row i's cells (ncols strings, valid until the next
 * call) with its style; i < view_pods_rows(). */
size_t             view_pods_rows(const struct view_pods *);
const char *const *view_pods_row_cells(struct view_pods *, size_t i,
                                       int *style);
/* Row i's store object (borrowed until the next store change). */
const struct store_obj *view_pods_row_obj(const struct view_pods *, size_t i);

/* Sort by s; the same order again flips ascending/descending. */
void view_pods_sort(struct view_pods *, enum podsort s);
/* Sort by s in the given direction. */
void view_pods_sort_set(struct view_pods *, enum podsort s, int desc);
/* Filter by text (podfilter.h syntax; NULL or blank clears): 0, or -1
 * with *cause (caller frees) when it does not parse (the old filter
 * stays). */
int view_pods_set_filter(struct view_pods *, const char *text, char **cause);
/* The filter as typed, or NULL. */
const char *view_pods_filter(const struct view_pods *);

#endif
