/*
 * The pod list view, kept up to date incrementally. A store listener reads
 * the store's change log at the end of each batch and does the cheap part
 * at once (refresh a row's store pointer, queue it, drop deleted rows, so
 * no row ever points at a freed object); the DATA step (view_pods_update)
 * then merges the queued rows into the sorted order and counts their cell
 * widths. Cells are formatted only for rows the screen shows, at paint
 * time (pod_summary_cell at the current time, so AGE moves). A new
 * filter re-matches every row once, a new sort re-sorts once. It never
 * draws outside its paint callback.
 */
#include <stdlib.h>
#include <string.h>

#include "podfilter.h"
#include "store.h"
#include "view-pods.h"

struct view_pods_row {
    char                 *key;  /* the store key, owned */
    struct store_obj     *obj;  /* the store's entry, refreshed on changes */
    struct view_pods_row *next; /* hash chain */
    unsigned char         w[WIDGET_TABLE_MAXCOLS]; /* widths counted in hist */
    unsigned              shown : 1;               /* in order[] and counted */
    unsigned              dirty : 1;               /* in pending[] */
    unsigned dead : 1; /* deleted from the store, out of the hash */
};

/* Columns when one namespace is shown; NAMESPACE leads with -A. Dropped
 * first when narrow: NODE, IP, AGE, RESTARTS. */
static const struct widget_table_col view_pods_cols_ns[] = {
    {"NAME", CELLS_LEFT, 0, 1, 0},   {"READY", CELLS_LEFT, 0, 0, 0},
    {"STATUS", CELLS_LEFT, 0, 1, 0}, {"RESTARTS", CELLS_LEFT, 4, 0, 0},
    {"AGE", CELLS_LEFT, 3, 0, 0},    {"IP", CELLS_LEFT, 2, 0, 0},
    {"NODE", CELLS_LEFT, 1, 1, 0},
};
static const enum pod_col view_pods_map_ns[] = {
    POD_COL_NAME, POD_COL_READY, POD_COL_STATUS, POD_COL_RESTARTS,
    POD_COL_AGE,  POD_COL_IP,    POD_COL_NODE,
};
static const struct widget_table_col view_pods_cols_all[] = {
    {"NAMESPACE", CELLS_LEFT, 0, 1, 0}, {"NAME", CELLS_LEFT, 0, 1, 0},
    {"READY", CELLS_LEFT, 0, 0, 0},     {"STATUS", CELLS_LEFT, 0, 1, 0},
    {"RESTARTS", CELLS_LEFT, 4, 0, 0},  {"AGE", CELLS_LEFT, 3, 0, 0},
    {"IP", CELLS_LEFT, 2, 0, 0},        {"NODE", CELLS_LEFT, 1, 1, 0},
};
static const enum pod_col view_pods_map_all[] = {
    POD_COL_NAMESPACE, POD_COL_NAME, POD_COL_READY, POD_COL_STATUS,
    POD_COL_RESTARTS,  POD_COL_AGE,  POD_COL_IP,    POD_COL_NODE,
};

/* The pod column each sort order marks in the header. */
static const enum pod_col view_pods_sort_col[PODSORT_N] = {
    [PODSORT_DEFAULT] = POD_NCOLS,
    [PODSORT_NAME] = POD_COL_NAME,
    [PODSORT_NAMESPACE] = POD_COL_NAMESPACE,
    [PODSORT_READY] = POD_COL_READY,
    [PODSORT_STATUS] = POD_COL_STATUS,
    [PODSORT_RESTARTS] = POD_COL_RESTARTS,
    [PODSORT_AGE] = POD_COL_AGE,
    [PODSORT_IP] = POD_COL_IP,
    [PODSORT_NODE] = POD_COL_NODE,
};

static void view_pods_paint(void *, WINDOW *, int);
static void view_pods_update_cb(void *);
static int  view_pods_key_cb(void *, int);
static void view_pods_changed(struct store *, void *);

static const struct screen_pane_ops view_pods_ops = {
    .name = "pods",
    .update = view_pods_update_cb,
    .paint = view_pods_paint,
    .key = view_pods_key_cb,
};

static const char *const *
view_pods_row_cb(void *data, size_t i, int *style)
{
    return view_pods_row_cells(data, i, style);
}

void
view_pods_init(struct view_pods *v, struct screen *screen, struct store *st,
               int all_ns)
{
    int i;

    memset(v, 0, sizeof *v);
    v->screen = screen;
    v->store = st;
    v->all_ns = all_ns;
    v->now_ms = know_ms;
    v->body_height = 1;
    if (all_ns) {
        widget_table_init(&v->table, view_pods_cols_all,
                          (int)nitems(view_pods_cols_all));
        v->map = view_pods_map_all;
    } else {
        widget_table_init(&v->table, view_pods_cols_ns,
                          (int)nitems(view_pods_cols_ns));
        v->map = view_pods_map_ns;
    }
    widget_table_source(&v->table, view_pods_row_cb, v);
    for (i = 0; i < VIEW_PODS_NSTYLES; i++)
        v->attrs[i] = A_NORMAL;
    v->header_attr = A_BOLD;
    v->empty_text = "No pods.";
    v->pane.ops = &view_pods_ops;
    v->pane.data = v;
    v->hist = xcalloc(WIDGET_TABLE_MAXCOLS, sizeof *v->hist);
    v->nbuckets = 64;
    v->buckets = xcalloc(v->nbuckets, sizeof *v->buckets);
    /* Everything already in the store comes in by the first update. */
    v->reread = 1;
    v->log_id = store_log_open(st);
    store_listen(st, view_pods_changed, v);
}

/* ---- rows by key ---- */

static size_t
view_pods_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;

    for (; *s != '\0'; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return (size_t)h;
}

static struct view_pods_row **
view_pods_slot(struct view_pods *v, const char *key)
{
    struct view_pods_row **pp = &v->buckets[view_pods_hash(key) % v->nbuckets];

    for (; *pp != NULL; pp = &(*pp)->next)
        if (strcmp((*pp)->key, key) == 0)
            break;
    return pp;
}

void
view_pods_set_all_ns(struct view_pods *v, int all_ns)
{
    if (v->all_ns == all_ns)
        return;
    v->all_ns = all_ns;
    widget_table_done(&v->table);
    if (all_ns) {
        widget_table_init(&v->table, view_pods_cols_all,
                          (int)nitems(view_pods_cols_all));
        v->map = view_pods_map_all;
    } else {
        widget_table_init(&v->table, view_pods_cols_ns,
                          (int)nitems(view_pods_cols_ns));
        v->map = view_pods_map_ns;
    }
    widget_table_source(&v->table, view_pods_row_cb, v);
    /* Other columns: widths and order from scratch. */
    v->reread = 1;
    if (v->screen != NULL)
        screen_dirty(v->screen, &v->pane, SCREEN_DATA, "columns");
}

static void
view_pods_grow(struct view_pods *v)
{
    size_t                 n = v->nbuckets * 2, i;
    struct view_pods_row **b = xcalloc(n, sizeof *b);

    for (i = 0; i < v->nbuckets; i++) {
        struct view_pods_row *r = v->buckets[i], *next;

        for (; r != NULL; r = next) {
            size_t h = view_pods_hash(r->key) % n;

            next = r->next;
            r->next = b[h];
            b[h] = r;
        }
    }
    free(v->buckets);
    v->buckets = b;
    v->nbuckets = n;
}

static struct view_pods_row *
view_pods_row_new(struct view_pods *v, const char *key)
{
    struct view_pods_row *r = xcalloc(1, sizeof *r), **pp;

    r->key = xstrdup(key);
    if (v->count + 1 > v->nbuckets * 3 / 4)
        view_pods_grow(v);
    pp = &v->buckets[view_pods_hash(key) % v->nbuckets];
    r->next = *pp;
    *pp = r;
    v->count++;
    return r;
}

static void
view_pods_row_free(struct view_pods_row *r)
{
    if (r == NULL)
        return;
    free(r->key);
    free(r);
}

static void
view_pods_pend(struct view_pods *v, struct view_pods_row *r)
{
    if (r->dirty)
        return;
    if (v->npending == v->pendcap) {
        v->pendcap = v->pendcap ? v->pendcap * 2 : 64;
        v->pending = xrealloc(v->pending, v->pendcap * sizeof *v->pending);
    }
    v->pending[v->npending++] = r;
    r->dirty = 1;
}

/* ---- column widths ---- */

static int
view_pods_clock_col(enum pod_col c)
{
    return c == POD_COL_AGE || c == POD_COL_RESTARTS;
}

/* Count (dir 1) or uncount (dir -1) the row's cell widths. */
static void
view_pods_count(struct view_pods *v, struct view_pods_row *r, int dir)
{
    const struct pod_summary *p;
    char                      buf[256];
    int                       c, w;

    if (dir > 0) {
        p = r->obj->summary;
        for (c = 0; c < v->table.ncols; c++) {
            if (view_pods_clock_col(v->map[c]))
                continue;
            w = cells_width(pod_summary_cell(p, v->map[c], 0, buf, sizeof buf));
            r->w[c] = (unsigned char)(w > 255 ? 255 : w);
            v->hist[c][r->w[c]]++;
            if (r->w[c] > v->maxw[c])
                v->maxw[c] = r->w[c];
        }
        return;
    }
    for (c = 0; c < v->table.ncols; c++) {
        if (view_pods_clock_col(v->map[c]))
            continue;
        if (--v->hist[c][r->w[c]] == 0 && r->w[c] == v->maxw[c])
            while (v->maxw[c] > 0 && v->hist[c][v->maxw[c]] == 0)
                v->maxw[c]--;
    }
}

/* ---- order ---- */

static int
view_pods_row_cmp(const struct view_pods *v, const struct view_pods_row *a,
                  const struct view_pods_row *b)
{
    ((struct view_pods *)v)->compares++;
    return podsort_cmp(v->sort, v->desc, a->key, a->obj->summary, b->key,
                       b->obj->summary);
}

/* qsort has no data pointer: the view being sorted, for its comparator. */
static const struct view_pods *view_pods_sorting;

static int
view_pods_qcmp(const void *a, const void *b)
{
    return view_pods_row_cmp(view_pods_sorting,
                             *(struct view_pods_row *const *)a,
                             *(struct view_pods_row *const *)b);
}

static void
view_pods_qsort(const struct view_pods *v, struct view_pods_row **rows,
                size_t n)
{
    if (n < 2)
        return;
    view_pods_sorting = v;
    qsort(rows, n, sizeof *rows, view_pods_qcmp);
    view_pods_sorting = NULL;
}

static void
view_pods_order_reserve(struct view_pods *v, size_t n)
{
    if (n <= v->ordercap)
        return;
    v->ordercap = n > v->ordercap * 2 ? n : v->ordercap * 2;
    v->order = xrealloc(v->order, v->ordercap * sizeof *v->order);
}

/* Drop dead rows (and dirty ones too with dirty set: they are merged
 * back in sorted) from the order. The selection follows its row, or
 * stays at its position when its row dies. */
static void
view_pods_compact(struct view_pods *v, int dirty)
{
    size_t i, n = 0;

    for (i = 0; i < v->norder; i++) {
        struct view_pods_row *r = v->order[i];

        if (!r->dead && !(dirty && r->dirty)) {
            if (r == v->sel_row)
                v->table.sel = n;
            v->order[n++] = r;
            continue;
        }
        r->shown = 0;
        if (!r->dead)
            continue;
        if (r == v->sel_row)
            v->sel_row = NULL;
        if (!r->dirty)
            view_pods_row_free(r);
    }
    v->norder = n;
}

/* ---- following the store ---- */

static void
view_pods_drop_all(struct view_pods *v)
{
    size_t i;

    for (i = 0; i < v->nbuckets; i++) {
        struct view_pods_row *r = v->buckets[i], *next;

        for (; r != NULL; r = next) {
            next = r->next;
            if (!r->dirty)
                view_pods_row_free(r);
        }
        v->buckets[i] = NULL;
    }
    for (i = 0; i < v->npending; i++)
        view_pods_row_free(v->pending[i]);
    v->npending = 0;
    v->count = 0;
    v->norder = 0;
    v->sel_row = NULL;
    memset(v->hist, 0, WIDGET_TABLE_MAXCOLS * sizeof *v->hist);
    memset(v->maxw, 0, sizeof v->maxw);
    memset(v->clockw, 0, sizeof v->clockw);
}

/* The cheap half of following a change, right when the store's batch
 * ends: no row may keep pointing at a freed object. */
static void
view_pods_take_log(struct view_pods *v)
{
    const struct store_log_rec *recs;
    long                        n, i;
    int                         compact = 0;

    n = store_log_read(v->store, v->log_id, &recs);
    if (n < 0 || v->reread) {
        /* Rows may point at freed objects now: forget them all. */
        if (!v->reread)
            view_pods_drop_all(v);
        v->reread = 1;
        v->norder = 0;
        return;
    }
    for (i = 0; i < n; i++) {
        struct view_pods_row **pp = view_pods_slot(v, recs[i].key), *r = *pp;

        if (recs[i].what == STORE_DELETED) {
            if (r == NULL)
                continue;
            *pp = r->next;
            v->count--;
            r->dead = 1;
            r->obj = NULL;
            if (r->shown) {
                view_pods_count(v, r, -1);
                compact = 1;
            } else if (!r->dirty)
                view_pods_row_free(r);
            continue;
        }
        {
            struct store_obj *o = store_find(v->store, recs[i].key);

            if (o == NULL)
                continue; /* deleted later in this batch */
            if (r == NULL)
                r = view_pods_row_new(v, recs[i].key);
            r->obj = o;
            view_pods_pend(v, r);
        }
    }
    if (compact)
        view_pods_compact(v, 0);
    /* Dirty rows stay where they are until the update re-sorts them; the
     * rows shown are all alive. */
}

static void
view_pods_changed(struct store *st, void *data)
{
    struct view_pods *v = data;

    (void)st;
    view_pods_take_log(v);
    if (v->sel_row != NULL && v->sel_row->obj != NULL &&
        v->sel_row->obj->uid != NULL &&
        (v->sel_uid == NULL || strcmp(v->sel_uid, v->sel_row->obj->uid) != 0)) {
        free(v->sel_uid);
        v->sel_uid = xstrdup(v->sel_row->obj->uid);
    }
}

/* Add a matching row to the set shown (not yet in order). */
static int
view_pods_admit(struct view_pods *v, struct view_pods_row *r)
{
    if (!podfilter_match(v->filter, r->obj->summary))
        return 0;
    view_pods_count(v, r, 1);
    r->shown = 1;
    return 1;
}

/* Everything from the store again (first update, or the log overflowed). */
static void
view_pods_reread(struct view_pods *v)
{
    struct store_obj **objs = NULL;
    size_t             n, i;

    view_pods_drop_all(v);
    n = store_list(v->store, &objs);
    view_pods_order_reserve(v, n);
    for (i = 0; i < n; i++) {
        struct view_pods_row *r = view_pods_row_new(v, objs[i]->key);

        r->obj = objs[i];
        if (view_pods_admit(v, r))
            v->order[v->norder++] = r;
    }
    free(objs);
    view_pods_qsort(v, v->order, v->norder);
}

/* Every row matched again (a new filter). */
static void
view_pods_rematch(struct view_pods *v)
{
    size_t i;

    v->norder = 0;
    memset(v->hist, 0, WIDGET_TABLE_MAXCOLS * sizeof *v->hist);
    memset(v->maxw, 0, sizeof v->maxw);
    memset(v->clockw, 0, sizeof v->clockw);
    view_pods_order_reserve(v, v->count);
    for (i = 0; i < v->nbuckets; i++) {
        struct view_pods_row *r;

        for (r = v->buckets[i]; r != NULL; r = r->next) {
            r->shown = 0;
            if (view_pods_admit(v, r))
                v->order[v->norder++] = r;
        }
    }
    view_pods_qsort(v, v->order, v->norder);
}

/* Merge the changed rows into the order: O(shown + changed log changed). */
static void
view_pods_merge(struct view_pods *v)
{
    size_t i, k = 0, a, b, out;
    int    shown = 0;

    for (i = 0; i < v->npending; i++)
        if (v->pending[i]->shown)
            shown = 1;
    if (shown) {
        for (i = 0; i < v->npending; i++)
            if (v->pending[i]->shown && !v->pending[i]->dead)
                view_pods_count(v, v->pending[i], -1);
        view_pods_compact(v, 1);
    }
    /* Re-admit the changed rows, sorted, at the front of pending. */
    for (i = 0; i < v->npending; i++) {
        struct view_pods_row *r = v->pending[i];

        r->dirty = 0;
        if (r->dead) {
            view_pods_row_free(r);
            continue;
        }
        if (view_pods_admit(v, r))
            v->pending[k++] = r;
    }
    v->npending = 0;
    if (k == 0)
        return;
    view_pods_qsort(v, v->pending, k);
    /* Merge from the back into order, which has room for both: each
     * changed row finds its place by binary search and the rows after it
     * move as one block, so k changes cost O(k log n) comparisons. */
    view_pods_order_reserve(v, v->norder + k);
    a = v->norder;
    b = k;
    out = v->norder + k;
    while (b > 0) {
        struct view_pods_row *r = v->pending[--b];
        size_t                lo = 0, hi = a;

        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;

            if (view_pods_row_cmp(v, v->order[mid], r) > 0)
                hi = mid;
            else
                lo = mid + 1;
        }
        out -= a - lo;
        memmove(&v->order[out], &v->order[lo], (a - lo) * sizeof *v->order);
        a = lo;
        v->order[--out] = r;
    }
    v->norder += k;
}

void
view_pods_update(struct view_pods *v)
{
    size_t i, n;
    long   sel = -1;
    int    natural[WIDGET_TABLE_MAXCOLS], c;

    view_pods_take_log(v);
    if (v->reread) {
        view_pods_reread(v);
        v->reread = v->refilter = v->resort = 0;
    } else {
        if (v->refilter) {
            /* Rows queued for a re-sort are re-matched with the rest. */
            for (i = 0; i < v->npending; i++) {
                v->pending[i]->dirty = 0;
                if (v->pending[i]->dead)
                    view_pods_row_free(v->pending[i]);
            }
            v->npending = 0;
            view_pods_rematch(v);
        } else {
            view_pods_merge(v);
            if (v->resort)
                view_pods_qsort(v, v->order, v->norder);
        }
        v->refilter = v->resort = 0;
    }

    n = v->norder;
    if (v->sel_row != NULL)
        for (i = 0; i < n; i++)
            if (v->order[i] == v->sel_row) {
                sel = (long)i;
                break;
            }
    /* The selected pod went away: stay at the same position. */
    if (sel < 0)
        sel = (long)(v->table.sel < n ? v->table.sel : (n > 0 ? n - 1 : 0));
    v->table.nrows = n;
    for (c = 0; c < v->table.ncols; c++)
        natural[c] = view_pods_clock_col(v->map[c]) ? v->clockw[c] : v->maxw[c];
    widget_table_set_natural(&v->table, natural);
    widget_table_sort_mark(&v->table, -1, 0);
    for (c = 0; c < v->table.ncols; c++)
        if (v->sort != PODSORT_DEFAULT &&
            v->map[c] == view_pods_sort_col[v->sort])
            widget_table_sort_mark(&v->table, c, v->desc);
    widget_table_select(&v->table, sel, v->body_height);
    v->sel_row = n > 0 ? v->order[v->table.sel] : NULL;
    free(v->sel_uid);
    v->sel_uid = NULL;
    if (v->sel_row != NULL)
        v->sel_uid = xstrdup(v->sel_row->obj->uid != NULL ? v->sel_row->obj->uid
                                                          : v->sel_row->key);
}

void
view_pods_done(struct view_pods *v)
{
    size_t i;

    store_unlisten(v->store, view_pods_changed, v);
    store_log_close(v->store, v->log_id);
    view_pods_drop_all(v);
    for (i = 0; i < v->nbuckets; i++) {
        struct view_pods_row *r = v->buckets[i], *next;

        for (; r != NULL; r = next) {
            next = r->next;
            view_pods_row_free(r);
        }
    }
    free(v->buckets);
    free(v->order);
    free(v->pending);
    free(v->hist);
    v->buckets = NULL;
    v->order = v->pending = NULL;
    v->hist = NULL;
    podfilter_free(v->filter);
    v->filter = NULL;
    widget_table_done(&v->table);
    free(v->sel_uid);
    v->sel_uid = NULL;
}

enum view_pods_style
view_pods_style(const struct pod_summary *p)
{
    const char *st = p->status != NULL ? p->status : "";

    if (p->deleting || strcmp(st, "Terminating") == 0)
        return VIEW_PODS_GONE;
    if (strcmp(st, "Completed") == 0 || strcmp(st, "Succeeded") == 0)
        return VIEW_PODS_DONE;
    if (strcmp(st, "Running") == 0) {
        char *end;
        long  ready, total;

        /* "n/m" with n < m: running but not ready. */
        ready = strtol(p->ready, &end, 10);
        if (end != p->ready && *end == '/') {
            total = strtol(end + 1, NULL, 10);
            if (ready < total)
                return VIEW_PODS_WARN;
        }
        return VIEW_PODS_OK;
    }
    if (strcmp(st, "Pending") == 0 || strcmp(st, "ContainerCreating") == 0 ||
        strcmp(st, "PodInitializing") == 0 || strncmp(st, "Init:", 5) == 0 ||
        strcmp(st, "NotReady") == 0)
        return VIEW_PODS_WARN;
    return VIEW_PODS_ERR;
}

size_t
view_pods_rows(const struct view_pods *v)
{
    return v->norder;
}

const struct store_obj *
view_pods_row_obj(const struct view_pods *v, size_t i)
{
    return i < v->norder ? v->order[i]->obj : NULL;
}

const char *const *
view_pods_row_cells(struct view_pods *v, size_t i, int *style)
{
    const struct pod_summary *p;
    int64_t                   now = v->now_ms();
    int                       c;

    *style = VIEW_PODS_OK;
    for (c = 0; c < v->table.ncols; c++) {
        v->cellbuf[c][0] = '\0';
        v->cells[c] = v->cellbuf[c];
    }
    if (i >= v->norder || v->order[i]->obj == NULL)
        return v->cells;
    p = v->order[i]->obj->summary;
    for (c = 0; c < v->table.ncols; c++)
        pod_summary_cell(p, v->map[c], now, v->cellbuf[c],
                         sizeof v->cellbuf[c]);
    *style = (int)view_pods_style(p);
    v->rows_formatted++;
    return v->cells;
}

const char *
view_pods_selected(const struct view_pods *v)
{
    return v->sel_uid;
}

void
view_pods_sort_set(struct view_pods *v, enum podsort s, int desc)
{
    if (s >= PODSORT_N)
        return;
    if (s == v->sort && desc == v->desc)
        return;
    v->sort = s;
    v->desc = desc;
    v->resort = 1;
    if (v->screen != NULL)
        screen_dirty(v->screen, &v->pane, SCREEN_DATA, "sort");
}

void
view_pods_sort(struct view_pods *v, enum podsort s)
{
    view_pods_sort_set(v, s, s == v->sort ? !v->desc : 0);
}

int
view_pods_set_filter(struct view_pods *v, const char *text, char **cause)
{
    struct podfilter *f = podfilter_parse(text, cause);

    if (f == NULL && *cause != NULL)
        return -1;
    if (f == NULL && v->filter == NULL)
        return 0;
    podfilter_free(v->filter);
    v->filter = f;
    v->refilter = 1;
    v->empty_text = f != NULL ? "No pods match the filter." : "No pods.";
    if (v->screen != NULL)
        screen_dirty(v->screen, &v->pane, SCREEN_DATA, "filter");
    return 0;
}

const char *
view_pods_filter(const struct view_pods *v)
{
    return v->filter != NULL ? v->filter->text : NULL;
}

/* Select row sel of the table (clamped) and remember its pod. */
static void
view_pods_select(struct view_pods *v, long sel)
{
    widget_table_select(&v->table, sel, v->body_height);
    v->sel_row = v->norder > 0 && v->table.sel < v->norder
                     ? v->order[v->table.sel]
                     : NULL;
    free(v->sel_uid);
    v->sel_uid = NULL;
    if (v->sel_row != NULL && v->sel_row->obj != NULL)
        v->sel_uid = xstrdup(v->sel_row->obj->uid != NULL ? v->sel_row->obj->uid
                                                          : v->sel_row->key);
    if (v->screen != NULL)
        screen_dirty(v->screen, &v->pane, SCREEN_PAINT, "selection moved");
}

int
view_pods_key(struct view_pods *v, int key)
{
    long sel = (long)v->table.sel;
    long page = v->body_height > 1 ? v->body_height - 1 : 1;

    switch (key) {
    case 'j':
    case SCREEN_FKEY(KEY_DOWN):
        sel++;
        break;
    case 'k':
    case SCREEN_FKEY(KEY_UP):
        sel--;
        break;
    case SCREEN_FKEY(KEY_NPAGE):
    case SCREEN_CTRL('f'):
        sel += page;
        break;
    case SCREEN_FKEY(KEY_PPAGE):
    case SCREEN_CTRL('b'):
        sel -= page;
        break;
    case 'g':
    case SCREEN_FKEY(KEY_HOME):
        sel = 0;
        break;
    case 'G':
    case SCREEN_FKEY(KEY_END):
        sel = (long)v->table.nrows - 1;
        break;
    default:
        return 0;
    }
    view_pods_select(v, sel);
    return 1;
}

static void
view_pods_update_cb(void *data)
{
    view_pods_update(data);
}

int
view_pods_click(struct view_pods *v, int row)
{
    size_t i;

    if (row < 1)
        return 0;
    i = v->table.top + (size_t)row - 1;
    if (i >= v->table.nrows || i >= v->norder)
        return 0;
    view_pods_select(v, (long)i);
    return 1;
}

static int
view_pods_key_cb(void *data, int key)
{
    return view_pods_key(data, key);
}

/* The clock's columns (AGE, RESTARTS) sized by the rows in view; they
 * only grow until the next reread, so columns do not jump as the list
 * scrolls. */
static void
view_pods_clock_widths(struct view_pods *v, int height)
{
    int    natural[WIDGET_TABLE_MAXCOLS], c, style, changed = 0;
    size_t i;

    widget_table_select(&v->table, (long)v->table.sel, height);
    for (i = v->table.top; i < v->norder && i < v->table.top + (size_t)height;
         i++) {
        const char *const *cells = view_pods_row_cells(v, i, &style);

        for (c = 0; c < v->table.ncols; c++) {
            int w;

            if (!view_pods_clock_col(v->map[c]))
                continue;
            w = cells_width(cells[c]);
            if (w > v->clockw[c]) {
                v->clockw[c] = w;
                changed = 1;
            }
        }
    }
    if (!changed)
        return;
    for (c = 0; c < v->table.ncols; c++)
        natural[c] = view_pods_clock_col(v->map[c]) ? v->clockw[c] : v->maxw[c];
    widget_table_set_natural(&v->table, natural);
}

static void
view_pods_paint(void *data, WINDOW *win, int focused)
{
    struct view_pods *v = data;
    int               h, w;

    (void)focused;
    getmaxyx(win, h, w);
    (void)w;
    v->body_height = h > 1 ? h - 1 : 1;
    view_pods_clock_widths(v, v->body_height);
    if (v->table.nrows == 0 && h > 1) {
        widget_table_draw(&v->table, win, v->attrs, VIEW_PODS_NSTYLES,
                          v->header_attr);
        wattrset(win, A_DIM);
        mvwaddnstr(win, 1, 0, v->empty_text, w);
        wattrset(win, A_NORMAL);
        return;
    }
    widget_table_draw(&v->table, win, v->attrs, VIEW_PODS_NSTYLES,
                      v->header_attr);
}
