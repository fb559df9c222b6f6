/*
 * The pod list view. Its DATA step copies every pod of the store into the
 * table as formatted cells (pod_summary_cell at the current time, so AGE
 * moves on each redraw), sorts by namespace and name, and puts the
 * selection back on the same pod UID; if that pod is gone the selection
 * stays at the same position. It never draws outside its paint callback.
 */
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "view-pods.h"

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

static void view_pods_paint(void *, WINDOW *, int);
static void view_pods_update_cb(void *);
static int  view_pods_key_cb(void *, int);

static const struct screen_pane_ops view_pods_ops = {
    .name = "pods",
    .update = view_pods_update_cb,
    .paint = view_pods_paint,
    .key = view_pods_key_cb,
};

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
    if (all_ns)
        widget_table_init(&v->table, view_pods_cols_all,
                          (int)nitems(view_pods_cols_all));
    else
        widget_table_init(&v->table, view_pods_cols_ns,
                          (int)nitems(view_pods_cols_ns));
    for (i = 0; i < VIEW_PODS_NSTYLES; i++)
        v->attrs[i] = A_NORMAL;
    v->header_attr = A_BOLD;
    v->empty_text = "No pods.";
    v->pane.ops = &view_pods_ops;
    v->pane.data = v;
}

static void
view_pods_free_uids(struct view_pods *v)
{
    size_t i;

    for (i = 0; i < v->nuids; i++)
        free(v->uids[i]);
    free(v->uids);
    v->uids = NULL;
    v->nuids = 0;
}

void
view_pods_done(struct view_pods *v)
{
    view_pods_free_uids(v);
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

static int
view_pods_cmp(const void *a, const void *b)
{
    const struct store_obj   *oa = *(struct store_obj *const *)a;
    const struct store_obj   *ob = *(struct store_obj *const *)b;
    const struct pod_summary *pa = oa->summary, *pb = ob->summary;
    int                       c;

    c = strcmp(pa->ns != NULL ? pa->ns : "", pb->ns != NULL ? pb->ns : "");
    if (c != 0)
        return c;
    c = strcmp(pa->name != NULL ? pa->name : "",
               pb->name != NULL ? pb->name : "");
    if (c != 0)
        return c;
    return strcmp(oa->key, ob->key);
}

void
view_pods_update(struct view_pods *v)
{
    struct store_obj  **objs = NULL;
    const enum pod_col *map = v->all_ns ? view_pods_map_all : view_pods_map_ns;
    char                bufs[WIDGET_TABLE_MAXCOLS][256];
    const char         *cells[WIDGET_TABLE_MAXCOLS];
    size_t              n, i, old_sel = v->table.sel;
    long                sel = -1;
    int64_t             now = v->now_ms();
    int                 c;

    n = store_list(v->store, &objs);
    if (n > 0)
        qsort(objs, n, sizeof *objs, view_pods_cmp);
    widget_table_clear(&v->table);
    view_pods_free_uids(v);
    v->uids = xcalloc(n > 0 ? n : 1, sizeof *v->uids);
    for (i = 0; i < n; i++) {
        const struct pod_summary *p = objs[i]->summary;

        for (c = 0; c < v->table.ncols; c++)
            cells[c] =
                pod_summary_cell(p, map[c], now, bufs[c], sizeof bufs[c]);
        widget_table_add(&v->table, cells, (int)view_pods_style(p));
        v->uids[i] =
            xstrdup(objs[i]->uid != NULL ? objs[i]->uid : objs[i]->key);
        if (v->sel_uid != NULL && strcmp(v->uids[i], v->sel_uid) == 0)
            sel = (long)i;
    }
    v->nuids = n;
    free(objs);

    /* The selected pod went away: stay at the same position. */
    if (sel < 0)
        sel = (long)(old_sel < n ? old_sel : (n > 0 ? n - 1 : 0));
    widget_table_select(&v->table, sel, v->body_height);
    free(v->sel_uid);
    v->sel_uid = n > 0 ? xstrdup(v->uids[v->table.sel]) : NULL;
}

const char *
view_pods_selected(const struct view_pods *v)
{
    return v->sel_uid;
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
    widget_table_select(&v->table, sel, v->body_height);
    free(v->sel_uid);
    v->sel_uid = v->nuids > 0 ? xstrdup(v->uids[v->table.sel]) : NULL;
    if (v->screen != NULL)
        screen_dirty(v->screen, &v->pane, SCREEN_PAINT, "selection moved");
    return 1;
}

static void
view_pods_update_cb(void *data)
{
    view_pods_update(data);
}

static int
view_pods_key_cb(void *data, int key)
{
    return view_pods_key(data, key);
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
