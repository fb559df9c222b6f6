/*
 * The tiling layout: a binary tree of panes like tmux's, pure geometry. A
 * leaf holds a caller's pane pointer; an inner cell splits its rectangle
 * side by side (with a one-column divider) or stacked. It splits the
 * focused pane, closes a pane (its sibling takes the room), moves focus in
 * order or by direction, zooms one pane over the whole area and resizes
 * splits. It knows nothing of curses: the UI places what it computes.
 */
#ifndef KPOD_LAYOUT_H
#define KPOD_LAYOUT_H

#include <stddef.h>

enum layout_split {
    LAYOUT_SIDE,  /* side by side, a divider column between ("|") */
    LAYOUT_STACK, /* one above the other ("-") */
};

enum layout_dir {
    LAYOUT_LEFT,
    LAYOUT_RIGHT,
    LAYOUT_UP,
    LAYOUT_DOWN,
};

struct layout_rect {
    int x, y, w, h;
};

struct layout;

/* A layout holding one pane (focused). */
struct layout *layout_create(void *pane);
void           layout_free(struct layout *);

/* Split the cell of target (NULL = the focused pane) and put pane in the
 * new half: after it (right/below) or, with before, in front of it.
 * percent (1-99, else 50) is the share the new pane gets. The new pane is
 * not focused. Returns 0, or -1 when target is not in the layout or pane
 * already is. */
int layout_split(struct layout *, void *target, void *pane, enum layout_split,
                 int before, int percent);
/* Take pane out; its sibling takes the room. When it had the focus, the
 * focus goes to the pane that took its place (the sibling's nearest
 * leaf). The last pane cannot be removed. Ends a zoom of that pane.
 * Returns 0, or -1 (not there, or the last one). */
int    layout_remove(struct layout *, void *pane);
int    layout_has(const struct layout *, const void *pane);
size_t layout_count(const struct layout *);
/* The i-th pane in tree order (left to right, top to bottom), or NULL. */
void *layout_pane(const struct layout *, size_t i);

void *layout_focused(const struct layout *);
/* Focus pane (0), or -1 when it is not in the layout. */
int layout_focus(struct layout *, void *pane);
/* Focus the next (dir > 0) or previous pane in tree order, wrapping. */
void *layout_focus_next(struct layout *, int dir);
/* Focus the visible pane next to the focused one in that direction (by
 * the geometry of the last layout_apply; the one overlapping the
 * focused pane's centre line most, nearest first). NULL and no change
 * when there is none. */
void *layout_focus_dir(struct layout *, enum layout_dir);

/* Zoom the focused pane over the whole area, or end the zoom. Returns
 * 1 when zoomed after the call. */
int   layout_zoom_toggle(struct layout *);
void *layout_zoomed(const struct layout *);

/* Grow (delta > 0) or shrink the focused pane by delta cells along the
 * split kind (LAYOUT_SIDE: width, LAYOUT_STACK: height), moving the
 * border it shares with its nearest sibling of that kind. Every pane
 * keeps at least one cell. Returns 0, or -1 when no split of that kind
 * contains it (nothing to resize). */
int layout_resize(struct layout *, enum layout_split, int delta);

/* Give the panes side by side (LAYOUT_SIDE) or stacked with pane, in the
 * run of such splits that holds it, equal room (a subtree split the
 * other way counts as one pane). -1 when pane is not there. */
int layout_equalize(struct layout *, void *pane, enum layout_split);

/* Compute every pane's rectangle inside (x, y, w, h). Panes that get no
 * room (a tiny terminal, or hidden by a zoom) are hidden. */
void layout_apply(struct layout *, int x, int y, int w, int h);
/* The pane's rectangle from the last layout_apply: 1 when visible, 0 when
 * hidden (*r zeroed) or not in the layout. */
int layout_rect(const struct layout *, const void *pane, struct layout_rect *);
/* The divider columns of visible side-by-side splits (w 1): up to max
 * into out; returns how many there are. */
size_t layout_dividers(const struct layout *, struct layout_rect *out,
                       size_t max);

#endif
