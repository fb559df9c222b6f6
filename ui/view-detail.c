/*
 * The detail pane: describe_pod text (with the pod's events from the
 * events store), the pod's events as a table (newest first, warnings
 * styled), or kyaml_emit_sorted of the pod. Rebuilt as lines on DATA, drawn from
 * the first visible line on PAINT. The pod is the list's selection, so
 * moving the selection or any change of the pod or its events shows at
 * once.
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cells.h"
#include "annotate.h"
#include "describe.h"
#include "event.h"
#include "kyaml.h"
#include "store.h"
#include "view-detail.h"
#include "view-pods.h"

static void view_detail_paint(void *, WINDOW *, int);

static void
view_detail_update_cb(void *data)
{
    view_detail_update(data);
}

static int
view_detail_key_cb(void *data, int key)
{
    return view_detail_key(data, key);
}

static const struct screen_pane_ops view_detail_ops = {
    .name = "detail",
    .update = view_detail_update_cb,
    .paint = view_detail_paint,
    .key = view_detail_key_cb,
};

void
view_detail_init(struct view_detail *v, struct screen *s, struct store *pods,
                 struct store *events, const struct view_pods *list)
{
    memset(v, 0, sizeof *v);
    v->screen = s;
    v->pods = pods;
    v->events = events;
    v->list = list;
    v->pane.ops = &view_detail_ops;
    v->pane.data = v;
    v->now_ms = know_ms;
    v->title_attr = A_REVERSE;
    v->warn_attr = A_BOLD;
    v->match_attr = A_REVERSE;
    kbuf_init(&v->typed);
}

static void
view_detail_clear(struct view_detail *v)
{
    size_t i;

    for (i = 0; i < v->nlines; i++)
        free(v->lines[i].text);
    free(v->lines);
    v->lines = NULL;
    v->nlines = 0;
    for (i = 0; i < v->nann; i++) {
        free(v->ann_keys[i]);
        free(v->ann_vals[i]);
    }
    free(v->ann_keys);
    free(v->ann_vals);
    v->ann_keys = v->ann_vals = NULL;
    v->nann = 0;
    free(v->pod_ns);
    free(v->pod_name);
    v->pod_ns = v->pod_name = NULL;
}

const char *
view_detail_annotation(const struct view_detail *v, const char **value)
{
    if (v->mode != VIEW_DETAIL_ANNOTATIONS || v->ann_sel >= v->nann)
        return NULL;
    *value = v->ann_vals[v->ann_sel];
    return v->ann_keys[v->ann_sel];
}

static void
view_detail_forget_full(struct view_detail *v)
{
    free(v->want_uid);
    free(v->want_rv);
    free(v->full_error);
    cJSON_Delete(v->full);
    v->want_uid = v->want_rv = v->full_error = NULL;
    v->full = NULL;
}

void
view_detail_set_managed(struct view_detail *v, int on)
{
    v->managed = on;
    view_detail_forget_full(v);
    screen_dirty(v->screen, NULL, SCREEN_DATA | SCREEN_PAINT, "managedFields");
}

void
view_detail_set_full(struct view_detail *v, const char *json, const char *error)
{
    cJSON      *obj = json != NULL ? cJSON_Parse(json) : NULL;
    const char *uid = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(obj, "metadata"), "uid"));

    if (!v->managed || v->want_uid == NULL) {
        cJSON_Delete(obj);
        return;
    }
    if (error == NULL && (uid == NULL || strcmp(uid, v->want_uid) != 0)) {
        /* another pod by that name, or not a pod */
        cJSON_Delete(obj);
        error = "the pod was replaced";
        obj = NULL;
    }
    cJSON_Delete(v->full);
    free(v->full_error);
    v->full = obj;
    v->full_error = error != NULL ? xstrdup(error) : NULL;
    screen_dirty(v->screen, NULL, SCREEN_DATA | SCREEN_PAINT, "managedFields");
}

void
view_detail_done(struct view_detail *v)
{
    view_detail_forget_full(v);
    view_detail_clear(v);
    free(v->uid);
    free(v->title);
    free(v->search);
    kbuf_done(&v->typed);
    memset(v, 0, sizeof *v);
}

static void
view_detail_add(struct view_detail *v, const char *s, size_t n, int warn)
{
    v->lines = xrealloc(v->lines, (v->nlines + 1) * sizeof *v->lines);
    v->lines[v->nlines].text = xmalloc(n + 1);
    memcpy(v->lines[v->nlines].text, s, n);
    v->lines[v->nlines].text[n] = '\0';
    v->lines[v->nlines].warn = warn;
    v->lines[v->nlines].item = -1;
    v->nlines++;
}

static void
view_detail_add_text(struct view_detail *v, const char *text)
{
    const char *p = text, *nl;

    while (*p != '\0') {
        nl = strchr(p, '\n');
        if (nl == NULL) {
            view_detail_add(v, p, strlen(p), 0);
            break;
        }
        view_detail_add(v, p, (size_t)(nl - p), 0);
        p = nl + 1;
    }
}

/* The events store's objects about this pod (by uid, else by name). */
static size_t
view_detail_pod_events(struct view_detail *v, const char *uid, const char *ns,
                       const char *name, struct store_obj ***out)
{
    struct store_obj **all;
    size_t             n, i, k = 0;

    *out = NULL;
    if (v->events == NULL)
        return 0;
    n = store_list(v->events, &all);
    for (i = 0; i < n; i++) {
        const struct event_summary *es = all[i]->summary;

        if (strcmp(es->kind, "Pod") != 0 || strcmp(es->ns, ns) != 0 ||
            strcmp(es->obj_name, name) != 0)
            continue;
        if (*es->obj_uid != '\0' && strcmp(es->obj_uid, uid) != 0)
            continue;
        all[k++] = all[i];
    }
    *out = all;
    return k;
}

static int
view_detail_newest_first(const void *a, const void *b)
{
    const struct event_summary *ea = (*(struct store_obj *const *)a)->summary;
    const struct event_summary *eb = (*(struct store_obj *const *)b)->summary;
    int64_t                     ka = event_summary_events_key(ea),
            kb = event_summary_events_key(eb);

    return ka < kb ? 1 : ka > kb ? -1 : strcmp(ea->name, eb->name);
}

static void
view_detail_events_table(struct view_detail *v, struct store_obj **evs,
                         size_t n, int64_t now, int with_object)
{
    static const char *const head[5] = {"TYPE", "REASON", "AGE", "FROM",
                                        "MESSAGE"};
    char                  ***cells = xcalloc(n + 1, sizeof *cells);
    int                      w[5] = {0};
    size_t                   i;
    int                      c;
    struct kbuf              b;

    qsort(evs, n, sizeof *evs, view_detail_newest_first);
    for (i = 0; i <= n; i++) {
        cells[i] = xcalloc(5, sizeof **cells);
        if (i == 0) {
            for (c = 0; c < 5; c++)
                cells[0][c] = xstrdup(head[c]);
        } else {
            const struct event_summary *es = evs[i - 1]->summary;
            char                        age[96];

            event_summary_age(es, now, age, sizeof age);
            cells[i][0] = xstrdup(es->type);
            cells[i][1] = xstrdup(es->reason);
            cells[i][2] = xstrdup(age);
            cells[i][3] = xstrdup(es->from);
            cells[i][4] = with_object ? xasprintf("%s/%s: %s", es->kind,
                                                  es->obj_name, es->message)
                                      : xstrdup(es->message);
        }
        for (c = 0; c < 4; c++)
            if (cells_width(cells[i][c]) > w[c])
                w[c] = cells_width(cells[i][c]);
    }
    kbuf_init(&b);
    for (i = 0; i <= n; i++) {
        kbuf_reset(&b);
        for (c = 0; c < 4; c++) {
            cells_fit(&b, cells[i][c], w[c] + 2, CELLS_LEFT, 0);
            free(cells[i][c]);
        }
        /* a multi-line message shows on one line */
        for (char *p = cells[i][4]; *p != '\0'; p++)
            if (*p == '\n' || *p == '\t')
                *p = ' ';
        kbuf_puts(&b, cells[i][4]);
        free(cells[i][4]);
        free(cells[i]);
        view_detail_add(
            v, b.data ? b.data : "", b.len,
            i > 0 &&
                strcmp(
                    ((const struct event_summary *)evs[i - 1]->summary)->type,
                    "Warning") == 0);
    }
    if (n == 0)
        view_detail_add_text(v, "No events.");
    kbuf_done(&b);
    free(cells);
}

static const char *
view_detail_str(const cJSON *o, const char *a, const char *b)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, a);

    v = cJSON_GetObjectItemCaseSensitive(v, b);
    return cJSON_IsString(v) ? v->valuestring : "";
}

static const char *const view_detail_names[] = {
    "", "Describe", "Events", "YAML", "Annotations", "All events"};

/* Sorted key: value; a multi-line value continues indented. */
static void
view_detail_annotations(struct view_detail *v, const cJSON *pod)
{
    const cJSON *ann = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(pod, "metadata"), "annotations");
    struct annotate_item *items;
    size_t                n, i;

    items = annotate_sorted(ann, &n);
    v->ann_keys = xcalloc(n + 1, sizeof *v->ann_keys);
    v->ann_vals = xcalloc(n + 1, sizeof *v->ann_vals);
    for (i = 0; i < n; i++) {
        const char *p = items[i].value, *nl;
        char       *first;

        v->ann_keys[i] = xstrdup(items[i].key);
        v->ann_vals[i] = xstrdup(items[i].value);
        nl = strchr(p, '\n');
        first = xasprintf("%s: %.*s", items[i].key,
                          (int)(nl != NULL ? (size_t)(nl - p) : strlen(p)), p);
        view_detail_add(v, first, strlen(first), 0);
        v->lines[v->nlines - 1].item = (long)i;
        free(first);
        while (nl != NULL) {
            const char *q = nl + 1;
            char       *cont;

            nl = strchr(q, '\n');
            cont =
                xasprintf("    %.*s",
                          (int)(nl != NULL ? (size_t)(nl - q) : strlen(q)), q);
            view_detail_add(v, cont, strlen(cont), 0);
            free(cont);
        }
    }
    v->nann = n;
    if (v->ann_sel >= n)
        v->ann_sel = n > 0 ? n - 1 : 0;
    if (n == 0)
        view_detail_add_text(v, "No annotations. + adds one.");
    free(items);
}

/* The fetched pod (managedFields included); asks for it again when the
 * pod shown or its resourceVersion changed. */
static void
view_detail_yaml_full(struct view_detail *v, const cJSON *pod, const char *ns,
                      const char *name)
{
    const char *rv = view_detail_str(pod, "metadata", "resourceVersion");
    char       *text;

    if (v->want_uid == NULL || strcmp(v->want_uid, v->uid) != 0 ||
        strcmp(v->want_rv, rv) != 0) {
        view_detail_forget_full(v);
        v->want_uid = xstrdup(v->uid);
        v->want_rv = xstrdup(rv);
        if (v->fetch != NULL)
            v->fetch(v->fetch_data, ns, name);
        else
            v->full_error = xstrdup("cannot fetch the pod here");
    }
    if (v->full != NULL) {
        text = kyaml_emit_sorted(v->full);
        view_detail_add_text(v, text != NULL ? text : "");
        free(text);
        return;
    }
    if (v->full_error != NULL) {
        text = xasprintf("# managedFields: %s", v->full_error);
        view_detail_add_text(v, text);
        free(text);
    } else
        view_detail_add_text(v, "# fetching the pod with managedFields...");
}

void
view_detail_update(struct view_detail *v)
{
    const char *sel = v->list != NULL ? view_pods_selected(v->list) : NULL;
    struct store_obj  *o;
    struct store_obj **evs = NULL;
    cJSON             *pod;
    size_t             n, i;
    int64_t            now = v->now_ms();
    const char        *ns, *name;
    char              *text;

    if (v->mode == VIEW_DETAIL_NONE)
        return;
    if (v->mode == VIEW_DETAIL_ALL_EVENTS) {
        view_detail_clear(v);
        free(v->title);
        n = v->events != NULL ? store_list(v->events, &evs) : 0;
        v->title = xasprintf(" All events (%zu) ", n);
        view_detail_events_table(v, evs, n, now, 1);
        free(evs);
        if (v->top >= v->nlines)
            v->top = v->nlines > 0 ? v->nlines - 1 : 0;
        return;
    }
    if (sel == NULL || v->uid == NULL || strcmp(sel, v->uid) != 0) {
        free(v->uid);
        v->uid = sel != NULL ? xstrdup(sel) : NULL;
        v->top = 0; /* another pod: from its top */
    }
    view_detail_clear(v);
    free(v->title);
    v->title = NULL;
    o = v->uid != NULL ? store_find_uid(v->pods, v->uid) : NULL;
    pod = o != NULL ? cJSON_ParseWithLength(o->json, o->json_len) : NULL;
    if (pod == NULL) {
        v->title = xasprintf(" %s ", view_detail_names[v->mode]);
        view_detail_add_text(v, "No pod selected.");
        return;
    }
    ns = view_detail_str(pod, "metadata", "namespace");
    name = view_detail_str(pod, "metadata", "name");
    v->title = xasprintf(
        " %s: %s/%s%s ", view_detail_names[v->mode], ns, name,
        v->mode == VIEW_DETAIL_YAML && v->managed ? " (managedFields)" : "");
    v->pod_ns = xstrdup(ns);
    v->pod_name = xstrdup(name);
    switch (v->mode) {
    case VIEW_DETAIL_DESCRIBE: {
        cJSON *arr = cJSON_CreateArray();

        n = view_detail_pod_events(v, v->uid, ns, name, &evs);
        for (i = 0; i < n; i++) {
            cJSON *e = cJSON_ParseWithLength(evs[i]->json, evs[i]->json_len);

            if (e != NULL)
                cJSON_AddItemToArray(arr, e);
        }
        text = describe_pod(pod, v->events != NULL ? arr : NULL, now);
        view_detail_add_text(v, text);
        free(text);
        cJSON_Delete(arr);
        break;
    }
    case VIEW_DETAIL_EVENTS:
        n = view_detail_pod_events(v, v->uid, ns, name, &evs);
        view_detail_events_table(v, evs, n, now, 0);
        break;
    case VIEW_DETAIL_ANNOTATIONS:
        view_detail_annotations(v, pod);
        break;
    case VIEW_DETAIL_YAML:
        if (v->managed)
            view_detail_yaml_full(v, pod, ns, name);
        else {
            /* keys sorted, as `kubectl get pod -o yaml` prints them */
            text = kyaml_emit_sorted(pod);
            view_detail_add_text(v, text != NULL ? text : "");
            free(text);
        }
        break;
    default:
        break;
    }
    free(evs);
    cJSON_Delete(pod);
    if (v->top >= v->nlines)
        v->top = v->nlines > 0 ? v->nlines - 1 : 0;
}

void
view_detail_open(struct view_detail *v, enum view_detail_mode mode)
{
    if (v->mode != mode)
        v->top = 0;
    v->mode = mode;
    free(v->uid);
    v->uid = NULL;
    screen_dirty(v->screen, NULL, SCREEN_LAYOUT | SCREEN_DATA | SCREEN_PAINT,
                 "detail pane");
}

/* Move to the next (dir 1) or previous (-1) line matching the search. */
static int
view_detail_find(struct view_detail *v, int dir, int from_next)
{
    size_t i, n = v->nlines;
    size_t k;

    if (v->search == NULL || *v->search == '\0' || n == 0)
        return 0;
    for (k = from_next ? 1 : 0; k <= n; k++) {
        i = dir > 0 ? (v->top + k) % n : (v->top + n - (k % n)) % n;
        if (strstr(v->lines[i].text, v->search) != NULL) {
            v->top = i;
            return 1;
        }
    }
    return 0;
}

int
view_detail_key(struct view_detail *v, int key)
{
    if (v->mode == VIEW_DETAIL_NONE)
        return 0;
    if (v->searching) {
        if (key == '\n' || key == '\r' || key == SCREEN_FKEY(KEY_ENTER)) {
            v->searching = 0;
            free(v->search);
            v->search = xstrdup(v->typed.data ? v->typed.data : "");
            view_detail_find(v, 1, 0);
        } else if (key == 27) {
            v->searching = 0;
        } else if (key == SCREEN_FKEY(KEY_BACKSPACE) || key == 127 ||
                   key == 8) {
            while (v->typed.len > 0 &&
                   ((unsigned char)v->typed.data[--v->typed.len] & 0xc0) ==
                       0x80)
                ;
            if (v->typed.data != NULL)
                v->typed.data[v->typed.len] = '\0';
        } else if (key >= 32 && key < 0x110000) {
            char   u[5];
            size_t n = 0;

            if (key < 0x80)
                u[n++] = (char)key;
            else if (key < 0x800) {
                u[n++] = (char)(0xc0 | (key >> 6));
                u[n++] = (char)(0x80 | (key & 0x3f));
            } else if (key < 0x10000) {
                u[n++] = (char)(0xe0 | (key >> 12));
                u[n++] = (char)(0x80 | ((key >> 6) & 0x3f));
                u[n++] = (char)(0x80 | (key & 0x3f));
            } else {
                u[n++] = (char)(0xf0 | (key >> 18));
                u[n++] = (char)(0x80 | ((key >> 12) & 0x3f));
                u[n++] = (char)(0x80 | ((key >> 6) & 0x3f));
                u[n++] = (char)(0x80 | (key & 0x3f));
            }
            kbuf_append(&v->typed, u, n);
        }
        screen_dirty(v->screen, &v->pane, SCREEN_PAINT, "search");
        return 1;
    }
    return 0; /* everything else arrives as an action (view_detail_action) */
}

int
view_detail_action(struct view_detail *v, const char *name)
{
    int page = v->body_height > 1 ? v->body_height - 1 : 1;

    if (v->mode == VIEW_DETAIL_NONE)
        return 0;
    if (v->mode == VIEW_DETAIL_ANNOTATIONS &&
        (strcmp(name, "cursor.down") == 0 || strcmp(name, "cursor.up") == 0)) {
        size_t i;

        if (strcmp(name, "cursor.down") == 0 && v->ann_sel + 1 < v->nann)
            v->ann_sel++;
        else if (strcmp(name, "cursor.up") == 0 && v->ann_sel > 0)
            v->ann_sel--;
        /* keep the selected annotation's first line in view */
        for (i = 0; i < v->nlines; i++)
            if (v->lines[i].item == (long)v->ann_sel) {
                if (i < v->top)
                    v->top = i;
                else if (v->body_height > 0 &&
                         i >= v->top + (size_t)v->body_height)
                    v->top = i - (size_t)v->body_height + 1;
                break;
            }
        screen_dirty(v->screen, &v->pane, SCREEN_PAINT, "select");
        return 1;
    }
    if (strcmp(name, "cursor.down") == 0) {
        if (v->top + 1 < v->nlines)
            v->top++;
    } else if (strcmp(name, "cursor.up") == 0) {
        if (v->top > 0)
            v->top--;
    } else if (strcmp(name, "cursor.page-down") == 0) {
        v->top += (size_t)page;
        if (v->top >= v->nlines)
            v->top = v->nlines > 0 ? v->nlines - 1 : 0;
    } else if (strcmp(name, "cursor.page-up") == 0) {
        v->top = v->top > (size_t)page ? v->top - (size_t)page : 0;
    } else if (strcmp(name, "cursor.top") == 0) {
        v->top = 0;
    } else if (strcmp(name, "cursor.bottom") == 0) {
        /* the last page */
        v->top =
            v->nlines > (size_t)page + 1 ? v->nlines - (size_t)page - 1 : 0;
    } else if (strcmp(name, "filter") == 0) {
        /* in a text pane, / searches */
        v->searching = 1;
        kbuf_reset(&v->typed);
        kbuf_puts(&v->typed, "");
    } else if (strcmp(name, "search.next") == 0) {
        view_detail_find(v, 1, 1);
    } else if (strcmp(name, "search.prev") == 0) {
        view_detail_find(v, -1, 1);
    } else
        return 0;
    screen_dirty(v->screen, &v->pane, SCREEN_PAINT, "scroll");
    return 1;
}

/* One line, with every match of the search drawn in match_attr. */
static void
view_detail_draw_line(struct view_detail *v, WINDOW *win, int y, int w,
                      const char *s, int attr)
{
    size_t      len = cells_prefix(s, w), mlen;
    const char *p = s, *m;

    wattrset(win, attr);
    wmove(win, y, 0);
    mlen = v->search != NULL ? strlen(v->search) : 0;
    while (mlen > 0 && (m = strstr(p, v->search)) != NULL &&
           (size_t)(m - s) < len) {
        waddnstr(win, p, (int)(m - p));
        wattrset(win, attr | v->match_attr);
        waddnstr(
            win, m,
            (int)((size_t)(m - s) + mlen > len ? len - (size_t)(m - s) : mlen));
        wattrset(win, attr);
        p = m + mlen;
    }
    if ((size_t)(p - s) < len)
        waddnstr(win, p, (int)(len - (size_t)(p - s)));
    wattrset(win, A_NORMAL);
}

static void
view_detail_paint(void *data, WINDOW *win, int focused)
{
    struct view_detail *v = data;
    int                 h = getmaxy(win), w = getmaxx(win), y;
    size_t              i;
    struct kbuf         b;

    kbuf_init(&b);
    if (v->searching)
        kbuf_printf(&b, " /%s", v->typed.data ? v->typed.data : "");
    else
        kbuf_printf(&b, "%s%s %zu/%zu", v->title ? v->title : "",
                    focused ? "[focus]" : "", v->nlines ? v->top + 1 : 0,
                    v->nlines);
    wattrset(win, v->title_attr);
    wmove(win, 0, 0);
    for (y = 0; y < w; y++)
        waddch(win, ' ');
    mvwaddnstr(win, 0, 0, b.data ? b.data : "",
               (int)cells_prefix(b.data ? b.data : "", w));
    wattrset(win, A_NORMAL);
    kbuf_done(&b);
    v->body_height = h - 1;
    for (y = 1, i = v->top; y < h && i < v->nlines; y++, i++)
        view_detail_draw_line(
            v, win, y, w, v->lines[i].text,
            (v->lines[i].warn ? v->warn_attr : (int)A_NORMAL) |
                (v->mode == VIEW_DETAIL_ANNOTATIONS &&
                         v->lines[i].item == (long)v->ann_sel
                     ? (int)A_REVERSE
                     : 0));
}
