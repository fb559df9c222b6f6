/*
 * The tiling layout tree (see layout.h). Inner cells keep the first
 * child's share as a 16-bit fraction, so a terminal resize scales every
 * split and a resize by one cell is exact. Geometry is recomputed from the
 * root on every layout_apply; this file never draws and never allocates
 * on that path.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"
#include "util.h"

#define LAYOUT_ONE 65536 /* the share scale: LAYOUT_ONE = all */

struct layout_cell {
    struct layout_cell *parent;
    struct layout_cell *child[2]; /* both NULL in a leaf */
    enum layout_split   split;
    uint32_t            share; /* child[0]'s, of LAYOUT_ONE */
    void               *pane;  /* leaves */
    struct layout_rect  r;     /* from the last apply; 0x0 = hidden */
    struct layout_rect  div;   /* LAYOUT_SIDE: the divider, w 0 = none */
};

struct layout {
    struct layout_cell *root;
    struct layout_cell *focus;
    struct layout_cell *zoom;
    struct layout_rect  area;
};

static void layout_reapply(struct layout *);

static struct layout_cell *
layout_leaf(void *pane)
{
    struct layout_cell *c = xcalloc(1, sizeof *c);

    c->pane = pane;
    return c;
}

static int
layout_is_leaf(const struct layout_cell *c)
{
    return c->child[0] == NULL;
}

struct layout *
layout_create(void *pane)
{
    struct layout *l = xcalloc(1, sizeof *l);

    l->root = l->focus = layout_leaf(pane);
    return l;
}

static void
layout_free_cell(struct layout_cell *c)
{
    if (c == NULL)
        return;
    layout_free_cell(c->child[0]);
    layout_free_cell(c->child[1]);
    free(c);
}

void
layout_free(struct layout *l)
{
    if (l == NULL)
        return;
    layout_free_cell(l->root);
    free(l);
}

static struct layout_cell *
layout_find(struct layout_cell *c, const void *pane)
{
    struct layout_cell *f;

    if (c == NULL)
        return NULL;
    if (layout_is_leaf(c))
        return c->pane == pane ? c : NULL;
    if ((f = layout_find(c->child[0], pane)) != NULL)
        return f;
    return layout_find(c->child[1], pane);
}

int
layout_has(const struct layout *l, const void *pane)
{
    return layout_find(l->root, pane) != NULL;
}

/* The first (side 0) or last (side 1) leaf under c. */
static struct layout_cell *
layout_edge_leaf(struct layout_cell *c, int side)
{
    while (!layout_is_leaf(c))
        c = c->child[side];
    return c;
}

/* The leaf after (dir > 0) or before c in tree order, or NULL at an end. */
static struct layout_cell *
layout_step(struct layout_cell *c, int dir)
{
    int side = dir > 0 ? 1 : 0;

    while (c->parent != NULL) {
        struct layout_cell *p = c->parent;

        if (p->child[1 - side] == c)
            return layout_edge_leaf(p->child[side], 1 - side);
        c = p;
    }
    return NULL;
}

size_t
layout_count(const struct layout *l)
{
    size_t              n = 0;
    struct layout_cell *c = layout_edge_leaf(l->root, 0);

    for (; c != NULL; c = layout_step(c, 1))
        n++;
    return n;
}

void *
layout_pane(const struct layout *l, size_t i)
{
    struct layout_cell *c = layout_edge_leaf(l->root, 0);

    for (; c != NULL; c = layout_step(c, 1))
        if (i-- == 0)
            return c->pane;
    return NULL;
}

void *
layout_focused(const struct layout *l)
{
    return l->focus->pane;
}

int
layout_focus(struct layout *l, void *pane)
{
    struct layout_cell *c = layout_find(l->root, pane);

    if (c == NULL)
        return -1;
    l->focus = c;
    if (l->zoom != NULL && l->zoom != c) {
        l->zoom = NULL; /* like tmux: moving away ends the zoom */
        layout_reapply(l);
    }
    return 0;
}

int
layout_split(struct layout *l, void *target, void *pane,
             enum layout_split split, int before, int percent)
{
    struct layout_cell *t, *in, *leaf;

    t = target != NULL ? layout_find(l->root, target) : l->focus;
    if (t == NULL || layout_find(l->root, pane) != NULL)
        return -1;
    if (percent < 1 || percent > 99)
        percent = 50;
    leaf = layout_leaf(pane);
    in = xcalloc(1, sizeof *in);
    in->split = split;
    in->parent = t->parent;
    if (t->parent == NULL)
        l->root = in;
    else
        t->parent->child[t->parent->child[0] == t ? 0 : 1] = in;
    in->child[before ? 1 : 0] = t;
    in->child[before ? 0 : 1] = leaf;
    t->parent = leaf->parent = in;
    /* child[0]'s share: the new pane's percent when it comes first */
    in->share = (uint32_t)((uint64_t)(before ? percent : 100 - percent) *
                           LAYOUT_ONE / 100);
    l->zoom = NULL;
    layout_reapply(l);
    return 0;
}

int
layout_remove(struct layout *l, void *pane)
{
    struct layout_cell *c = layout_find(l->root, pane), *p, *sib;
    int                 side;

    if (c == NULL || c->parent == NULL)
        return -1;
    p = c->parent;
    side = p->child[0] == c ? 0 : 1;
    sib = p->child[1 - side];
    sib->parent = p->parent;
    if (p->parent == NULL)
        l->root = sib;
    else
        p->parent->child[p->parent->child[0] == p ? 0 : 1] = sib;
    /* The leaf of the sibling nearest to where the pane was. */
    if (l->focus == c)
        l->focus = layout_edge_leaf(sib, side);
    if (l->zoom == c)
        l->zoom = NULL;
    free(c);
    free(p);
    layout_reapply(l);
    return 0;
}

void *
layout_focus_next(struct layout *l, int dir)
{
    struct layout_cell *c = layout_step(l->focus, dir);

    if (c == NULL)
        c = layout_edge_leaf(l->root, dir > 0 ? 0 : 1);
    l->focus = c;
    if (l->zoom != NULL && l->zoom != c) {
        l->zoom = NULL;
        layout_reapply(l);
    }
    return c->pane;
}

static int
layout_overlap(int a0, int alen, int b0, int blen)
{
    int lo = a0 > b0 ? a0 : b0;
    int hi = a0 + alen < b0 + blen ? a0 + alen : b0 + blen;

    return hi > lo ? hi - lo : 0;
}

void *
layout_focus_dir(struct layout *l, enum layout_dir dir)
{
    struct layout_rect  f = l->focus->r;
    struct layout_cell *c, *best = NULL;
    int                 best_dist = 0, best_ov = 0;

    if (f.w == 0 || f.h == 0 || l->zoom != NULL)
        return NULL;
    for (c = layout_edge_leaf(l->root, 0); c != NULL; c = layout_step(c, 1)) {
        struct layout_rect r = c->r;
        int                dist, ov;

        if (c == l->focus || r.w == 0 || r.h == 0)
            continue;
        switch (dir) {
        case LAYOUT_LEFT:
            dist = f.x - (r.x + r.w);
            ov = layout_overlap(f.y, f.h, r.y, r.h);
            break;
        case LAYOUT_RIGHT:
            dist = r.x - (f.x + f.w);
            ov = layout_overlap(f.y, f.h, r.y, r.h);
            break;
        case LAYOUT_UP:
            dist = f.y - (r.y + r.h);
            ov = layout_overlap(f.x, f.w, r.x, r.w);
            break;
        default:
            dist = r.y - (f.y + f.h);
            ov = layout_overlap(f.x, f.w, r.x, r.w);
            break;
        }
        if (dist < 0 || ov == 0)
            continue;
        if (best == NULL || dist < best_dist ||
            (dist == best_dist && ov > best_ov)) {
            best = c;
            best_dist = dist;
            best_ov = ov;
        }
    }
    if (best == NULL)
        return NULL;
    l->focus = best;
    return best->pane;
}

int
layout_zoom_toggle(struct layout *l)
{
    if (l->zoom != NULL || l->root == l->focus)
        l->zoom = NULL;
    else
        l->zoom = l->focus;
    layout_reapply(l);
    return l->zoom != NULL;
}

void *
layout_zoomed(const struct layout *l)
{
    return l->zoom != NULL ? l->zoom->pane : NULL;
}

/* The room a split has for its two children (the divider taken out). */
static int
layout_avail(const struct layout_cell *c)
{
    return c->split == LAYOUT_SIDE ? c->r.w - 1 : c->r.h;
}

int
layout_resize(struct layout *l, enum layout_split split, int delta)
{
    struct layout_cell *c = l->focus, *p;
    int                 avail, a, side;

    for (p = c->parent; p != NULL; c = p, p = p->parent)
        if (p->split == split)
            break;
    if (p == NULL)
        return -1;
    l->zoom = NULL;
    side = p->child[0] == c ? 0 : 1;
    avail = layout_avail(p);
    if (avail < 2)
        return 0; /* no room to share: nothing moves */
    a = split == LAYOUT_SIDE ? p->child[0]->r.w : p->child[0]->r.h;
    if (p->child[0]->r.w == 0 || p->child[0]->r.h == 0)
        a = (int)((int64_t)avail * p->share / LAYOUT_ONE);
    a += side == 0 ? delta : -delta;
    if (a < 1)
        a = 1;
    if (a > avail - 1)
        a = avail - 1;
    /* The smallest share whose floor gives exactly a cells. */
    p->share = (uint32_t)(((uint64_t)a * LAYOUT_ONE + (uint64_t)avail - 1) /
                          (uint64_t)avail);
    layout_reapply(l);
    return 0;
}

static void
layout_hide(struct layout_cell *c)
{
    memset(&c->r, 0, sizeof c->r);
    memset(&c->div, 0, sizeof c->div);
    if (!layout_is_leaf(c)) {
        layout_hide(c->child[0]);
        layout_hide(c->child[1]);
    }
}

/* Does c hold the focused leaf? */
static int
layout_holds(const struct layout_cell *c, const struct layout_cell *leaf)
{
    for (; leaf != NULL; leaf = leaf->parent)
        if (leaf == c)
            return 1;
    return 0;
}

static void
layout_place(struct layout *l, struct layout_cell *c, struct layout_rect r)
{
    struct layout_rect r0 = r, r1 = r;
    int                avail, a, keep;

    memset(&c->div, 0, sizeof c->div);
    if (r.w <= 0 || r.h <= 0) {
        layout_hide(c);
        return;
    }
    c->r = r;
    if (layout_is_leaf(c))
        return;
    avail = layout_avail(c);
    if (avail < 2) {
        /* No room for both: the half with the focus (else the first)
         * takes it all, the other is hidden. */
        keep = layout_holds(c->child[1], l->focus) ? 1 : 0;
        layout_place(l, c->child[keep], r);
        layout_hide(c->child[1 - keep]);
        return;
    }
    a = (int)((int64_t)avail * c->share / LAYOUT_ONE);
    if (a < 1)
        a = 1;
    if (a > avail - 1)
        a = avail - 1;
    if (c->split == LAYOUT_SIDE) {
        r0.w = a;
        r1.x = r.x + a + 1;
        r1.w = avail - a;
        c->div = (struct layout_rect){r.x + a, r.y, 1, r.h};
    } else {
        r0.h = a;
        r1.y = r.y + a;
        r1.h = avail - a;
    }
    layout_place(l, c->child[0], r0);
    layout_place(l, c->child[1], r1);
}

void
layout_apply(struct layout *l, int x, int y, int w, int h)
{
    struct layout_rect area = {x, y, w > 0 ? w : 0, h > 0 ? h : 0};

    l->area = area;
    if (l->zoom != NULL) {
        layout_hide(l->root);
        if (area.w > 0 && area.h > 0)
            l->zoom->r = area;
        return;
    }
    layout_place(l, l->root, area);
}

/* Leaves side by side (or stacked) under c, counting a subtree of the
 * other kind as one. */
static int
layout_run_count(const struct layout_cell *c, enum layout_split split)
{
    if (layout_is_leaf(c) || c->split != split)
        return 1;
    return layout_run_count(c->child[0], split) +
           layout_run_count(c->child[1], split);
}

static void
layout_even(struct layout_cell *c, enum layout_split split)
{
    if (layout_is_leaf(c) || c->split != split)
        return;
    c->share = (uint32_t)((uint64_t)layout_run_count(c->child[0], split) *
                          LAYOUT_ONE / (uint64_t)layout_run_count(c, split));
    layout_even(c->child[0], split);
    layout_even(c->child[1], split);
}

int
layout_equalize(struct layout *l, void *pane, enum layout_split split)
{
    struct layout_cell *c = layout_find(l->root, pane);

    if (c == NULL)
        return -1;
    /* the top of the run of such splits that holds the pane */
    while (c->parent != NULL && c->parent->split == split)
        c = c->parent;
    layout_even(c, split);
    layout_reapply(l);
    return 0;
}

/* Geometry follows every change at once (the last area), so that keys
 * handled before the next frame (two resizes, a split then a directional
 * move) see where things are now. */
static void
layout_reapply(struct layout *l)
{
    layout_apply(l, l->area.x, l->area.y, l->area.w, l->area.h);
}

int
layout_rect(const struct layout *l, const void *pane, struct layout_rect *r)
{
    const struct layout_cell *c = layout_find(l->root, pane);

    if (c == NULL || c->r.w == 0 || c->r.h == 0) {
        memset(r, 0, sizeof *r);
        return 0;
    }
    *r = c->r;
    return 1;
}

static void
layout_collect(const struct layout_cell *c, struct layout_rect *out, size_t max,
               size_t *n)
{
    if (layout_is_leaf(c))
        return;
    if (c->div.w > 0 && c->div.h > 0) {
        if (*n < max)
            out[*n] = c->div;
        (*n)++;
    }
    layout_collect(c->child[0], out, max, n);
    layout_collect(c->child[1], out, max, n);
}

size_t
layout_dividers(const struct layout *l, struct layout_rect *out, size_t max)
{
    size_t n = 0;

    if (l->zoom == NULL)
        layout_collect(l->root, out, max, &n);
    return n;
}
