/*
 * The panes on screen: every struct ui_pane (the pod list, the detail
 * pane, log panes and whatever else a feature opens) lives in one tiling
 * layout tree (layout.c), above the status bar. This file opens and
 * closes panes in the tree, keeps the layout's focus and the screen's in
 * step, places the panes and the divider columns between side-by-side
 * splits, and owns the pane keys: focus in order and by direction, zoom,
 * resize. It draws nothing but the dividers.
 */
#include <stdlib.h>
#include <string.h>

#include "layout.h"
#include "ui-int.h"

#define UI_RESIZE_STEP 2 /* cells per resize key */

static void
ui_pane_relayout(struct ui *ui, const char *why)
{
    screen_dirty(ui->screen, NULL, SCREEN_LAYOUT, why);
}

static void
ui_pane_divider_paint(void *data, WINDOW *win, int focused)
{
    struct ui *ui = data;
    int        h = getmaxy(win), y;

    (void)focused;
    wattrset(win, ui->border_attr);
    for (y = 0; y < h; y++)
        mvwaddch(win, y, 0, ACS_VLINE);
    wattrset(win, A_NORMAL);
}

static const struct screen_pane_ops ui_pane_divider_ops = {
    .name = "divider",
    .paint = ui_pane_divider_paint,
};

/* The screen layout callback: help covers everything; else the tree gets
 * all but the status bar's line. */
void
ui_pane_layout(struct screen *s, int cols, int rows, void *data)
{
    struct ui         *ui = data;
    struct layout_rect r, div[64];
    size_t             nd, i;
    int                body = rows - 1 > 0 ? rows - 1 : 0;

    for (struct ui_pane *p = ui->panes; p != NULL; p = p->next)
        screen_pane_place(s, p->sp, 0, 0, 0, 0);
    for (i = 0; i < ui->ndivs; i++)
        screen_pane_place(s, ui->divs[i], 0, 0, 0, 0);
    screen_pane_place(s, &ui->bar_pane, 0, rows - 1, cols, 1);
    if (ui->help.open) {
        screen_pane_place(s, &ui->help.pane, 0, 0, cols, body);
        return;
    }
    screen_pane_place(s, &ui->help.pane, 0, 0, 0, 0);
    layout_apply(ui->layout, 0, 0, cols, body);
    for (struct ui_pane *p = ui->panes; p != NULL; p = p->next)
        if (layout_rect(ui->layout, p, &r))
            screen_pane_place(s, p->sp, r.x, r.y, r.w, r.h);
    nd = layout_dividers(ui->layout, div, nitems(div));
    if (nd > nitems(div))
        nd = nitems(div);
    for (i = 0; i < nd; i++) {
        if (i == ui->ndivs) {
            struct screen_pane *d = xcalloc(1, sizeof *d);

            d->ops = &ui_pane_divider_ops;
            d->data = ui;
            ui->divs = xrealloc(ui->divs, (ui->ndivs + 1) * sizeof *ui->divs);
            ui->divs[ui->ndivs++] = d;
            screen_add_pane(s, d);
        }
        screen_pane_place(s, ui->divs[i], div[i].x, div[i].y, div[i].w,
                          div[i].h);
    }
}

/* Free what the layout owns; after the screen is gone. */
void
ui_pane_done(struct ui *ui)
{
    for (size_t i = 0; i < ui->ndivs; i++)
        free(ui->divs[i]);
    free(ui->divs);
    ui->divs = NULL;
    ui->ndivs = 0;
    layout_free(ui->layout);
    ui->layout = NULL;
}

static void
ui_pane_link(struct ui *ui, struct ui_pane *p)
{
    struct ui_pane **pp;

    p->open = 1;
    p->next = NULL;
    for (pp = &ui->panes; *pp != NULL; pp = &(*pp)->next)
        ;
    *pp = p;
    screen_add_pane(ui->screen, p->sp);
}

/* The pane a new one splits when the UI decides, and how. */
static struct ui_pane *
ui_pane_auto(struct ui *ui, enum layout_split *how)
{
    struct ui_pane    *f = ui_pane_focused(ui), *last = NULL;
    struct layout_rect r;

    if (f == &ui->pods_up || f == &ui->detail_up) {
        /* From the list: beside the newest other pane, else under the
         * list (above the detail pane). */
        for (struct ui_pane *q = ui->panes; q != NULL; q = q->next)
            if (q != &ui->pods_up && q != &ui->detail_up &&
                layout_has(ui->layout, q))
                last = q;
        if (last != NULL) {
            *how = LAYOUT_SIDE;
            return last;
        }
        *how = LAYOUT_STACK;
        return &ui->pods_up;
    }
    /* Cells are about twice as tall as wide: split the longer side. */
    *how = layout_rect(ui->layout, f, &r) && r.w > 2 * r.h ? LAYOUT_SIDE
                                                           : LAYOUT_STACK;
    return f;
}

void
ui_pane_open(struct ui *ui, struct ui_pane *p, enum ui_split split)
{
    enum layout_split how = LAYOUT_STACK;
    struct ui_pane   *target;

    if (!p->open)
        ui_pane_link(ui, p);
    if (!layout_has(ui->layout, p)) {
        if (split == UI_SPLIT_VERTICAL) {
            target = ui_pane_focused(ui);
            how = LAYOUT_SIDE;
        } else if (split == UI_SPLIT_HORIZONTAL) {
            target = ui_pane_focused(ui);
        } else {
            target = ui_pane_auto(ui, &how);
        }
        if (!layout_has(ui->layout, target))
            target = &ui->pods_up;
        layout_split(ui->layout, target, p, how, 0, 50);
        /* panes the UI places beside each other share the row evenly */
        if (split == UI_SPLIT_AUTO && how == LAYOUT_SIDE)
            layout_equalize(ui->layout, p, LAYOUT_SIDE);
    }
    ui_pane_focus(ui, p);
    ui_pane_relayout(ui, "pane opened");
}

void
ui_pane_close(struct ui *ui, struct ui_pane *p)
{
    struct ui_pane **pp;
    int              had_focus;

    if (!p->open || p == &ui->pods_up)
        return;
    had_focus = layout_focused(ui->layout) == p;
    for (pp = &ui->panes; *pp != NULL; pp = &(*pp)->next) {
        if (*pp == p) {
            *pp = p->next;
            break;
        }
    }
    p->open = 0;
    p->next = NULL;
    layout_remove(ui->layout, p);
    if (ui->pr_back == p)
        ui->pr_back = NULL;
    if (ui->screen != NULL) {
        int focused = screen_focused(ui->screen) == p->sp;

        screen_remove_pane(ui->screen, p->sp);
        /* the pane that took its room takes the focus too */
        if (focused || had_focus)
            ui_pane_focus(ui, layout_focused(ui->layout));
        ui_pane_relayout(ui, "pane closed");
    }
    if (p->close != NULL)
        p->close(ui, p);
}

/* Show the detail pane under the list (half the list's room), or take it
 * out of the layout. */
void
ui_pane_show_detail(struct ui *ui, int show)
{
    ui->detail_up.hidden = !show;
    if (show && !layout_has(ui->layout, &ui->detail_up))
        layout_split(ui->layout, &ui->pods_up, &ui->detail_up, LAYOUT_STACK, 0,
                     50);
    else if (!show && layout_has(ui->layout, &ui->detail_up)) {
        int focused = layout_focused(ui->layout) == &ui->detail_up;

        layout_remove(ui->layout, &ui->detail_up);
        if (focused)
            ui_pane_focus(ui, layout_focused(ui->layout));
    }
    ui_pane_relayout(ui, "detail");
}

void
ui_pane_focus(struct ui *ui, struct ui_pane *p)
{
    if (p == NULL)
        p = &ui->pods_up;
    if (layout_has(ui->layout, p) && layout_focused(ui->layout) != p) {
        int zoomed = layout_zoomed(ui->layout) != NULL;

        layout_focus(ui->layout, p);
        if (zoomed) /* the focus moved off the zoomed pane: zoom ended */
            ui_pane_relayout(ui, "unzoom");
    }
    screen_focus(ui->screen, p == &ui->pods_up ? NULL : p->sp);
    screen_dirty(ui->screen, NULL, SCREEN_PAINT, "focus");
}

struct ui_pane *
ui_pane_focused(struct ui *ui)
{
    struct screen_pane *sp = screen_focused(ui->screen);

    for (struct ui_pane *p = ui->panes; p != NULL; p = p->next)
        if (p->sp == sp)
            return p;
    return &ui->pods_up;
}

void
ui_pane_dirty(struct ui *ui, struct ui_pane *p, int level, const char *why)
{
    screen_dirty(ui->screen, p->sp, level, why);
}

/* --- the pane keys --- */

static void
ui_pane_focus_step(struct ui *ui, int dir)
{
    /* from where the keys really go (the layout follows the screen) */
    layout_focus(ui->layout, ui_pane_focused(ui));
    ui_pane_focus(ui, layout_focus_next(ui->layout, dir));
}

static void
ui_pane_act_next(struct ui *ui)
{
    ui_pane_focus_step(ui, 1);
}

static void
ui_pane_act_prev(struct ui *ui)
{
    ui_pane_focus_step(ui, -1);
}

static void
ui_pane_focus_dir(struct ui *ui, enum layout_dir dir)
{
    struct ui_pane *p;

    layout_focus(ui->layout, ui_pane_focused(ui));
    p = layout_focus_dir(ui->layout, dir);
    if (p != NULL)
        ui_pane_focus(ui, p);
}

static void
ui_pane_act_left(struct ui *ui)
{
    ui_pane_focus_dir(ui, LAYOUT_LEFT);
}

static void
ui_pane_act_right(struct ui *ui)
{
    ui_pane_focus_dir(ui, LAYOUT_RIGHT);
}

static void
ui_pane_act_up(struct ui *ui)
{
    ui_pane_focus_dir(ui, LAYOUT_UP);
}

static void
ui_pane_act_down(struct ui *ui)
{
    ui_pane_focus_dir(ui, LAYOUT_DOWN);
}

static void
ui_pane_act_zoom(struct ui *ui)
{
    layout_focus(ui->layout, ui_pane_focused(ui));
    if (layout_zoom_toggle(ui->layout))
        ui_message(ui, "zoomed (z: back to the layout)");
    else
        ui_message(ui, NULL);
    ui_pane_relayout(ui, "zoom");
}

static void
ui_pane_resize(struct ui *ui, enum layout_split how, int delta)
{
    layout_focus(ui->layout, ui_pane_focused(ui));
    if (layout_resize(ui->layout, how, delta) < 0)
        ui_message(ui, "nothing to resize: no %s split holds this pane",
                   how == LAYOUT_SIDE ? "side-by-side" : "stacked");
    ui_pane_relayout(ui, "resize");
}

static void
ui_pane_act_wider(struct ui *ui)
{
    ui_pane_resize(ui, LAYOUT_SIDE, UI_RESIZE_STEP);
}

static void
ui_pane_act_narrower(struct ui *ui)
{
    ui_pane_resize(ui, LAYOUT_SIDE, -UI_RESIZE_STEP);
}

static void
ui_pane_act_taller(struct ui *ui)
{
    ui_pane_resize(ui, LAYOUT_STACK, 1);
}

static void
ui_pane_act_shorter(struct ui *ui)
{
    ui_pane_resize(ui, LAYOUT_STACK, -1);
}

const struct ui_action ui_pane_actions[] = {
    {"focus.next", ui_pane_act_next},
    {"focus.prev", ui_pane_act_prev},
    {"focus.left", ui_pane_act_left},
    {"focus.right", ui_pane_act_right},
    {"focus.up", ui_pane_act_up},
    {"focus.down", ui_pane_act_down},
    {"pane.zoom", ui_pane_act_zoom},
    {"pane.wider", ui_pane_act_wider},
    {"pane.narrower", ui_pane_act_narrower},
    {"pane.taller", ui_pane_act_taller},
    {"pane.shorter", ui_pane_act_shorter},
    {NULL, NULL},
};
