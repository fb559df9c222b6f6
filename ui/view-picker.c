/*
 * The chooser's state, keys and drawing. Keys: j/k and the arrows move
 * (j and k only before anything is typed, so they stay letters in a
 * filter; '/' starts a filter that begins with them), PgUp/PgDn a page,
 * g/G or Home/End the ends, Backspace and ctrl-u edit the filter, Enter
 * chooses, Esc cancels. Narrowing keeps items that contain the filter
 * (case-insensitive) and the cursor on the same item while it is kept.
 * ui_pick, at the end, shows it as a pane of the UI and answers once.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "cells.h"
#include "ui-int.h"
#include "view-picker.h"

/* Rows above the list: the title line. */
#define VIEW_PICKER_HEAD 1

static void view_picker_paint(void *, WINDOW *, int);
static int  view_picker_pane_key(void *, int);

const struct screen_pane_ops view_picker_ops = {
    .name = "picker",
    .paint = view_picker_paint,
    .key = view_picker_pane_key,
};

void
view_picker_init(struct view_picker *p, struct screen *s)
{
    memset(p, 0, sizeof *p);
    p->screen = s;
    p->pane.ops = &view_picker_ops;
    p->pane.data = p;
    kbuf_init(&p->filter);
}

void
view_picker_clear(struct view_picker *p)
{
    size_t i;

    for (i = 0; i < p->n; i++)
        free(p->items[i]);
    free(p->items);
    free(p->shown);
    free(p->title);
    p->items = NULL;
    p->shown = NULL;
    p->title = NULL;
    p->n = p->nshown = p->sel = p->top = 0;
    p->narrowing = 0;
    kbuf_reset(&p->filter);
    p->open = 0;
}

void
view_picker_done(struct view_picker *p)
{
    view_picker_clear(p);
    kbuf_done(&p->filter);
}

/* Case-insensitive substring (ASCII folding; other bytes compare as
 * they are). */
static int
view_picker_match(const char *item, const char *filter)
{
    size_t i, j, n = strlen(filter);

    if (n == 0)
        return 1;
    for (i = 0; item[i] != '\0'; i++) {
        for (j = 0; j < n && item[i + j] != '\0'; j++)
            if (tolower((unsigned char)item[i + j]) !=
                tolower((unsigned char)filter[j]))
                break;
        if (j == n)
            return 1;
    }
    return 0;
}

/* Recompute the shown items, keeping the cursor on the same item when it
 * stays. */
static void
view_picker_refilter(struct view_picker *p)
{
    int    was = view_picker_choice(p);
    size_t i;

    p->nshown = 0;
    p->sel = 0;
    for (i = 0; i < p->n; i++) {
        if (!view_picker_match(p->items[i],
                               p->filter.data != NULL ? p->filter.data : ""))
            continue;
        if ((int)i == was)
            p->sel = p->nshown;
        p->shown[p->nshown++] = i;
    }
    p->top = 0;
}

void
view_picker_set(struct view_picker *p, const char *title,
                const char *const *items, size_t n, size_t selected)
{
    size_t i;

    view_picker_clear(p);
    p->title = xstrdup(title != NULL ? title : "");
    p->items = xcalloc(n + 1, sizeof *p->items);
    p->shown = xcalloc(n + 1, sizeof *p->shown);
    for (i = 0; i < n; i++)
        p->items[i] = xstrdup(items[i] != NULL ? items[i] : "");
    p->n = n;
    p->current = selected < n ? selected : n;
    view_picker_refilter(p);
    if (selected < n)
        p->sel = selected;
    p->open = 1;
}

int
view_picker_choice(const struct view_picker *p)
{
    if (p->shown == NULL || p->sel >= p->nshown)
        return -1;
    return (int)p->shown[p->sel];
}

static void
view_picker_move(struct view_picker *p, long by)
{
    long at = (long)p->sel + by;

    if (p->nshown == 0)
        return;
    if (at < 0)
        at = 0;
    if (at >= (long)p->nshown)
        at = (long)p->nshown - 1;
    p->sel = (size_t)at;
}

/* Append a code point as UTF-8. */
static void
view_picker_add(struct kbuf *b, int key)
{
    char   u[4];
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
    kbuf_append(b, u, n);
}

enum view_picker_result
view_picker_key(struct view_picker *p, int key)
{
    long page = p->pane.h > VIEW_PICKER_HEAD + 1
                    ? p->pane.h - VIEW_PICKER_HEAD - 1
                    : 10;

    switch (key) {
    case 27: /* Esc */
        return VIEW_PICKER_CANCELLED;
    case '\r':
    case '\n':
    case SCREEN_FKEY(KEY_ENTER):
        return view_picker_choice(p) >= 0 ? VIEW_PICKER_CHOSEN
                                          : VIEW_PICKER_OPEN;
    case SCREEN_FKEY(KEY_DOWN):
    case SCREEN_CTRL('n'):
        view_picker_move(p, 1);
        return VIEW_PICKER_OPEN;
    case SCREEN_FKEY(KEY_UP):
    case SCREEN_CTRL('p'):
        view_picker_move(p, -1);
        return VIEW_PICKER_OPEN;
    case SCREEN_FKEY(KEY_NPAGE):
    case SCREEN_CTRL('f'):
        view_picker_move(p, page);
        return VIEW_PICKER_OPEN;
    case SCREEN_FKEY(KEY_PPAGE):
    case SCREEN_CTRL('b'):
        view_picker_move(p, -page);
        return VIEW_PICKER_OPEN;
    case SCREEN_FKEY(KEY_HOME):
        view_picker_move(p, -(long)p->nshown);
        return VIEW_PICKER_OPEN;
    case SCREEN_FKEY(KEY_END):
        view_picker_move(p, (long)p->nshown);
        return VIEW_PICKER_OPEN;
    case SCREEN_FKEY(KEY_BACKSPACE):
    case 127:
    case 8:
        while (p->filter.len > 0 &&
               ((unsigned char)p->filter.data[--p->filter.len] & 0xc0) == 0x80)
            ;
        if (p->filter.data != NULL)
            p->filter.data[p->filter.len] = '\0';
        if (p->filter.len == 0)
            p->narrowing = 0;
        view_picker_refilter(p);
        return VIEW_PICKER_OPEN;
    case SCREEN_CTRL('u'):
        kbuf_reset(&p->filter);
        p->narrowing = 0;
        view_picker_refilter(p);
        return VIEW_PICKER_OPEN;
    default:
        break;
    }
    if (!p->narrowing) {
        switch (key) {
        case 'j':
            view_picker_move(p, 1);
            return VIEW_PICKER_OPEN;
        case 'k':
            view_picker_move(p, -1);
            return VIEW_PICKER_OPEN;
        case 'g':
            view_picker_move(p, -(long)p->nshown);
            return VIEW_PICKER_OPEN;
        case 'G':
            view_picker_move(p, (long)p->nshown);
            return VIEW_PICKER_OPEN;
        case '/':
            p->narrowing = 1;
            return VIEW_PICKER_OPEN;
        default:
            break;
        }
    }
    if (key >= 32 && key < 0x110000 && key != 127) {
        p->narrowing = 1;
        view_picker_add(&p->filter, key);
        view_picker_refilter(p);
    }
    return VIEW_PICKER_OPEN;
}

char *
view_picker_title(const struct view_picker *p)
{
    if (p->narrowing)
        return xasprintf(" %s  /%s_  (%zu of %zu)  Enter: choose  Esc: "
                         "cancel",
                         p->title, p->filter.data ? p->filter.data : "",
                         p->nshown, p->n);
    return xasprintf(" %s  (%zu)  j/k: move  type: narrow  Enter: choose  "
                     "Esc: cancel",
                     p->title, p->n);
}

void
view_picker_scroll(struct view_picker *p, size_t rows)
{
    if (rows == 0)
        rows = 1;
    if (p->sel < p->top)
        p->top = p->sel;
    if (p->sel >= p->top + rows)
        p->top = p->sel - rows + 1;
    if (p->top + rows > p->nshown)
        p->top = p->nshown > rows ? p->nshown - rows : 0;
}

/* Paint: the title line, then the shown items, the cursor's reversed. */
static void
view_picker_paint(void *data, WINDOW *win, int focused)
{
    struct view_picker *p = data;
    struct kbuf         line;
    char               *t;
    int                 h, w, row;
    size_t              i;

    (void)focused;
    getmaxyx(win, h, w);
    if (h <= 0 || w <= 0)
        return;
    kbuf_init(&line);
    t = view_picker_title(p);
    cells_fit(&line, t, w, CELLS_LEFT, 1);
    free(t);
    wattrset(win, p->title_attr | A_BOLD);
    mvwaddnstr(win, 0, 0, line.data, (int)line.len);
    wattrset(win, A_NORMAL);
    view_picker_scroll(p,
                       h > VIEW_PICKER_HEAD ? (size_t)h - VIEW_PICKER_HEAD : 1);
    if (p->nshown == 0 && h > VIEW_PICKER_HEAD)
        mvwaddstr(win, VIEW_PICKER_HEAD, 2, "(nothing matches)");
    for (row = VIEW_PICKER_HEAD, i = p->top; row < h && i < p->nshown;
         row++, i++) {
        size_t idx = p->shown[i];

        t = xasprintf("%s %s", idx == p->current ? "*" : " ", p->items[idx]);
        kbuf_reset(&line);
        cells_fit(&line, t, w, CELLS_LEFT, 1);
        free(t);
        wattrset(win, i == p->sel ? (p->sel_attr | A_REVERSE) : A_NORMAL);
        mvwaddnstr(win, row, 0, line.data, (int)line.len);
    }
    wattrset(win, A_NORMAL);
    kbuf_done(&line);
}

static int
view_picker_pane_key(void *data, int key)
{
    (void)data;
    (void)key;
    return 0; /* ui_pick's glue sees keys first */
}

/* ---- ui_pick: the picker as a pane of the UI ------------------------- */

struct view_picker_up {
    struct view_picker     v; /* first: the pane's data is both */
    struct ui_pane         up;
    struct screen_pane_ops ops; /* view_picker_ops with the keys routed */
    struct ui             *ui;
    int                    answered;
};

/* The open picker, or NULL. */
static struct view_picker_up *
view_picker_find(struct ui *ui)
{
    for (struct ui_pane *p = ui->panes; p != NULL; p = p->next)
        if (p->sp != NULL && p->sp->ops->paint == view_picker_paint)
            return p->data;
    return NULL;
}

/* Take the picker down and answer once. */
static void
view_picker_answer(struct view_picker_up *pk, int index)
{
    struct ui *ui = pk->ui;
    ui_pick_cb done = pk->v.done;
    void      *data = pk->v.data;

    pk->answered = 1;
    ui_pane_close(ui, &pk->up); /* frees pk */
    if (done != NULL)
        done(ui, index, data);
}

static void
view_picker_up_close(struct ui *ui, struct ui_pane *p)
{
    struct view_picker_up *pk = p->data;

    /* Closed under it (quit, a context switch): the answer is "none". */
    if (!pk->answered && pk->v.done != NULL) {
        pk->answered = 1;
        pk->v.done(ui, -1, pk->v.data);
    }
    view_picker_done(&pk->v);
    free(pk);
}

static int
view_picker_up_key(void *data, int key)
{
    struct view_picker_up  *pk = data;
    enum view_picker_result r;

    if (key == SCREEN_CTRL('c'))
        return 0; /* quit still works */
    r = view_picker_key(&pk->v, key);
    if (r == VIEW_PICKER_CHOSEN)
        view_picker_answer(pk, view_picker_choice(&pk->v));
    else if (r == VIEW_PICKER_CANCELLED)
        view_picker_answer(pk, -1);
    else
        screen_dirty(pk->v.screen, &pk->v.pane, SCREEN_PAINT, "picker");
    return 1;
}

void
ui_pick(struct ui *ui, const char *title, const char *const *items, size_t n,
        size_t selected, ui_pick_cb done, void *data)
{
    struct view_picker_up *pk = view_picker_find(ui);

    if (pk != NULL)
        view_picker_answer(pk, -1);
    pk = xcalloc(1, sizeof *pk);
    view_picker_init(&pk->v, ui->screen);
    view_picker_set(&pk->v, title, items, n, selected);
    pk->v.done = done;
    pk->v.data = data;
    pk->v.title_attr = ui->bar_attr;
    pk->ops = view_picker_ops;
    pk->ops.key = view_picker_up_key;
    pk->v.pane.ops = &pk->ops;
    pk->ui = ui;
    pk->up.sp = &pk->v.pane;
    pk->up.ctx = KEYMAP_GLOBAL;
    pk->up.close = view_picker_up_close;
    pk->up.data = pk;
    /* Its items belong to the cluster shown: a context switch closes it. */
    pk->up.bound = 1;
    ui_pane_open(ui, &pk->up, UI_SPLIT_HORIZONTAL);
}
