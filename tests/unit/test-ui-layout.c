/*
 * Unit tests for ui/layout.c, the tiling tree's geometry: splits side by
 * side (with a divider) and stacked, closing (the sibling takes the room),
 * focus in order and by direction, zoom, resize, and tiny areas where
 * every pane either gets at least one cell or is hidden, and no two
 * visible panes overlap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "layout.h"
#include "util.h"

static int panes[16]; /* their addresses are the panes */
#define P(i) ((void *)&panes[i])

static struct layout_rect
rect(struct layout *l, int i)
{
    struct layout_rect r;

    layout_rect(l, P(i), &r);
    return r;
}

static void
assert_rect(struct layout *l, int i, int x, int y, int w, int h)
{
    struct layout_rect r = rect(l, i);

    assert_int_equal(r.x, x);
    assert_int_equal(r.y, y);
    assert_int_equal(r.w, w);
    assert_int_equal(r.h, h);
}

/* Every visible pane inside the area, none overlapping another or a
 * divider, and the visible cells plus dividers tile the area exactly
 * when nothing is hidden. Returns the number of visible panes. */
static int
check_tiling(struct layout *l, int w, int h)
{
    size_t             n = layout_count(l), nd, i, j;
    struct layout_rect rs[32], ds[32];
    size_t             vis = 0;
    long               cells = 0;

    assert_true(n <= 16);
    for (i = 0; i < n; i++) {
        struct layout_rect r;
        int                v = layout_rect(l, layout_pane(l, i), &r);

        if (!v) {
            assert_int_equal(r.w, 0);
            assert_int_equal(r.h, 0);
            continue;
        }
        assert_true(r.w >= 1 && r.h >= 1);
        assert_true(r.x >= 0 && r.y >= 0);
        assert_true(r.x + r.w <= w && r.y + r.h <= h);
        rs[vis++] = r;
        cells += (long)r.w * r.h;
    }
    nd = layout_dividers(l, ds, 32);
    assert_true(nd <= 32);
    for (i = 0; i < nd; i++) {
        assert_int_equal(ds[i].w, 1);
        assert_true(ds[i].x + ds[i].w <= w && ds[i].y + ds[i].h <= h);
        rs[vis + i] = ds[i];
        cells += ds[i].h;
    }
    for (i = 0; i < vis + nd; i++)
        for (j = i + 1; j < vis + nd; j++) {
            int ox = rs[i].x < rs[j].x + rs[j].w && rs[j].x < rs[i].x + rs[i].w;
            int oy = rs[i].y < rs[j].y + rs[j].h && rs[j].y < rs[i].y + rs[i].h;

            assert_false(ox && oy);
        }
    if (vis == n && w > 0 && h > 0 && layout_zoomed(l) == NULL)
        assert_int_equal(cells, (long)w * h);
    return (int)vis;
}

static void
test_one(void **state)
{
    struct layout *l = layout_create(P(0));

    (void)state;
    layout_apply(l, 0, 0, 80, 24);
    assert_rect(l, 0, 0, 0, 80, 24);
    assert_ptr_equal(layout_focused(l), P(0));
    assert_int_equal(layout_count(l), 1);
    assert_int_equal(layout_remove(l, P(0)), -1); /* the last stays */
    assert_int_equal(layout_zoom_toggle(l), 0);   /* nothing to zoom */
    assert_int_equal(layout_resize(l, LAYOUT_SIDE, 3), -1);
    assert_null(layout_focus_dir(l, LAYOUT_RIGHT));
    assert_ptr_equal(layout_focus_next(l, 1), P(0));
    layout_free(l);
}

static void
test_split_side_and_stack(void **state)
{
    struct layout     *l = layout_create(P(0));
    struct layout_rect d[4];

    (void)state;
    assert_int_equal(layout_split(l, NULL, P(1), LAYOUT_SIDE, 0, 50), 0);
    assert_int_equal(layout_split(l, NULL, P(1), LAYOUT_SIDE, 0, 50), -1);
    assert_int_equal(layout_split(l, P(9), P(2), LAYOUT_SIDE, 0, 50), -1);
    layout_apply(l, 0, 0, 81, 24);
    /* 80 columns to share, one for the divider */
    assert_rect(l, 0, 0, 0, 40, 24);
    assert_rect(l, 1, 41, 0, 40, 24);
    assert_int_equal(layout_dividers(l, d, 4), 1);
    assert_int_equal(d[0].x, 40);
    assert_int_equal(d[0].h, 24);
    assert_ptr_equal(layout_focused(l), P(0)); /* a split does not focus */
    /* stack under the right pane, the new one above it, 25% */
    assert_int_equal(layout_split(l, P(1), P(2), LAYOUT_STACK, 1, 25), 0);
    layout_apply(l, 0, 0, 81, 24);
    assert_rect(l, 0, 0, 0, 40, 24);
    assert_rect(l, 2, 41, 0, 40, 6);
    assert_rect(l, 1, 41, 6, 40, 18);
    assert_int_equal(check_tiling(l, 81, 24), 3);
    /* tree order: left to right, top to bottom */
    assert_ptr_equal(layout_pane(l, 0), P(0));
    assert_ptr_equal(layout_pane(l, 1), P(2));
    assert_ptr_equal(layout_pane(l, 2), P(1));
    assert_null(layout_pane(l, 3));
    /* an offset area */
    layout_apply(l, 5, 2, 81, 24);
    assert_rect(l, 0, 5, 2, 40, 24);
    layout_free(l);
}

static void
test_close(void **state)
{
    struct layout *l = layout_create(P(0));

    (void)state;
    layout_split(l, NULL, P(1), LAYOUT_STACK, 0, 50);
    layout_split(l, P(1), P(2), LAYOUT_SIDE, 0, 50);
    layout_focus(l, P(2));
    layout_apply(l, 0, 0, 80, 20);
    assert_rect(l, 0, 0, 0, 80, 10);
    /* closing the focused right pane: its sibling (1) takes the room and
     * the focus */
    assert_int_equal(layout_remove(l, P(2)), 0);
    assert_false(layout_has(l, P(2)));
    assert_ptr_equal(layout_focused(l), P(1));
    layout_apply(l, 0, 0, 80, 20);
    assert_rect(l, 1, 0, 10, 80, 10);
    assert_int_equal(layout_dividers(l, NULL, 0), 0);
    /* closing the top: the bottom takes everything, focus unchanged */
    assert_int_equal(layout_remove(l, P(0)), 0);
    assert_ptr_equal(layout_focused(l), P(1));
    layout_apply(l, 0, 0, 80, 20);
    assert_rect(l, 1, 0, 0, 80, 20);
    assert_int_equal(layout_count(l), 1);
    assert_int_equal(layout_remove(l, P(7)), -1);
    layout_free(l);
}

/* When the focused pane goes, the focus lands in the sibling subtree on
 * the side nearest to it. */
static void
test_close_focus_nearest(void **state)
{
    struct layout *l = layout_create(P(0));

    (void)state;
    layout_split(l, NULL, P(1), LAYOUT_SIDE, 0, 50); /* 0 | 1 */
    layout_split(l, P(1), P(2), LAYOUT_SIDE, 0, 50); /* 0 | (1 | 2) */
    layout_remove(l, P(0));
    assert_ptr_equal(layout_focused(l), P(1));
    layout_free(l);
}

static void
test_focus_order_and_direction(void **state)
{
    struct layout *l = layout_create(P(0));

    (void)state;
    /* +-----+-----+
     * |  0  |  1  |
     * +-----+--+--+
     * |  2  |3 |4 |   (2 under 0; 3|4 under 1)
     */
    layout_split(l, P(0), P(1), LAYOUT_SIDE, 0, 50);
    layout_split(l, P(0), P(2), LAYOUT_STACK, 0, 50);
    layout_split(l, P(1), P(3), LAYOUT_STACK, 0, 50);
    layout_split(l, P(3), P(4), LAYOUT_SIDE, 0, 50);
    layout_apply(l, 0, 0, 81, 20);
    assert_int_equal(check_tiling(l, 81, 20), 5);
    assert_ptr_equal(layout_focus_next(l, 1), P(2));
    assert_ptr_equal(layout_focus_next(l, 1), P(1));
    assert_ptr_equal(layout_focus_next(l, 1), P(3));
    assert_ptr_equal(layout_focus_next(l, 1), P(4));
    assert_ptr_equal(layout_focus_next(l, 1), P(0)); /* wraps */
    assert_ptr_equal(layout_focus_next(l, -1), P(4));
    assert_ptr_equal(layout_focus_next(l, -1), P(3));

    layout_focus(l, P(0));
    assert_ptr_equal(layout_focus_dir(l, LAYOUT_RIGHT), P(1));
    /* a split is placed at once: moving into it needs no apply first */
    layout_split(l, P(1), P(5), LAYOUT_SIDE, 0, 50);
    assert_ptr_equal(layout_focus_dir(l, LAYOUT_RIGHT), P(5));
    layout_remove(l, P(5));
    assert_ptr_equal(layout_focused(l), P(1));
    assert_null(layout_focus_dir(l, LAYOUT_RIGHT));
    assert_ptr_equal(layout_focused(l), P(1));
    assert_null(layout_focus_dir(l, LAYOUT_UP));
    /* down from 1 reaches 3 or 4: both touch it; the larger overlap or
     * first wins, and either is below */
    {
        void *d = layout_focus_dir(l, LAYOUT_DOWN);

        assert_true(d == P(3) || d == P(4));
    }
    layout_focus(l, P(4));
    assert_ptr_equal(layout_focus_dir(l, LAYOUT_LEFT), P(3));
    assert_ptr_equal(layout_focus_dir(l, LAYOUT_LEFT), P(2));
    assert_ptr_equal(layout_focus_dir(l, LAYOUT_UP), P(0));
    assert_null(layout_focus_dir(l, LAYOUT_LEFT));
    assert_ptr_equal(layout_focus_dir(l, LAYOUT_DOWN), P(2));
    assert_int_equal(layout_focus(l, P(9)), -1);
    assert_ptr_equal(layout_focused(l), P(2));
    layout_free(l);
}

static void
test_zoom(void **state)
{
    struct layout *l = layout_create(P(0));

    (void)state;
    layout_split(l, NULL, P(1), LAYOUT_SIDE, 0, 50);
    layout_focus(l, P(1));
    assert_int_equal(layout_zoom_toggle(l), 1);
    assert_ptr_equal(layout_zoomed(l), P(1));
    layout_apply(l, 0, 0, 80, 24);
    assert_rect(l, 1, 0, 0, 80, 24);
    assert_rect(l, 0, 0, 0, 0, 0);
    assert_int_equal(layout_dividers(l, NULL, 0), 0);
    assert_int_equal(check_tiling(l, 80, 24), 1);
    /* toggled back: the split returns as it was */
    assert_int_equal(layout_zoom_toggle(l), 0);
    layout_apply(l, 0, 0, 81, 24);
    assert_rect(l, 0, 0, 0, 40, 24);
    assert_rect(l, 1, 41, 0, 40, 24);
    /* moving the focus ends a zoom, so does closing the zoomed pane */
    layout_zoom_toggle(l);
    layout_focus_next(l, 1);
    assert_null(layout_zoomed(l));
    layout_zoom_toggle(l);
    assert_ptr_equal(layout_zoomed(l), P(0));
    layout_remove(l, P(0));
    assert_null(layout_zoomed(l));
    layout_apply(l, 0, 0, 80, 24);
    assert_rect(l, 1, 0, 0, 80, 24);
    layout_free(l);
}

static void
test_resize(void **state)
{
    struct layout *l = layout_create(P(0));
    int            i;

    (void)state;
    layout_split(l, NULL, P(1), LAYOUT_SIDE, 0, 50);
    layout_split(l, P(1), P(2), LAYOUT_STACK, 0, 50);
    layout_apply(l, 0, 0, 81, 20);
    /* focus 0 (left): growing its width moves the divider right */
    assert_int_equal(layout_resize(l, LAYOUT_SIDE, 5), 0);
    layout_apply(l, 0, 0, 81, 20);
    assert_rect(l, 0, 0, 0, 45, 20);
    assert_rect(l, 1, 46, 0, 35, 10);
    /* one cell at a time is exact */
    for (i = 0; i < 7; i++) {
        assert_int_equal(layout_resize(l, LAYOUT_SIDE, -1), 0);
        layout_apply(l, 0, 0, 81, 20);
        assert_int_equal(rect(l, 0).w, 44 - i);
    }
    /* two resizes before the next apply add up */
    layout_resize(l, LAYOUT_SIDE, 1);
    layout_resize(l, LAYOUT_SIDE, 1);
    layout_apply(l, 0, 0, 81, 20);
    assert_int_equal(rect(l, 0).w, 40);
    layout_resize(l, LAYOUT_SIDE, -1);
    layout_resize(l, LAYOUT_SIDE, -1);
    layout_apply(l, 0, 0, 81, 20);
    assert_int_equal(rect(l, 0).w, 38);
    /* no stacked split holds 0 */
    assert_int_equal(layout_resize(l, LAYOUT_STACK, 2), -1);
    /* the bottom right pane grows upwards */
    layout_focus(l, P(2));
    assert_int_equal(layout_resize(l, LAYOUT_STACK, 3), 0);
    layout_apply(l, 0, 0, 81, 20);
    assert_rect(l, 1, 39, 0, 42, 7);
    assert_rect(l, 2, 39, 7, 42, 13);
    /* and its width grows leftwards (the divider between 0 and (1, 2)) */
    assert_int_equal(layout_resize(l, LAYOUT_SIDE, 8), 0);
    layout_apply(l, 0, 0, 81, 20);
    assert_int_equal(rect(l, 0).w, 30);
    assert_int_equal(rect(l, 2).w, 50);
    /* never below one cell */
    assert_int_equal(layout_resize(l, LAYOUT_SIDE, 500), 0);
    layout_apply(l, 0, 0, 81, 20);
    assert_rect(l, 0, 0, 0, 1, 20);
    assert_int_equal(rect(l, 2).w, 79);
    assert_int_equal(layout_resize(l, LAYOUT_STACK, -500), 0);
    layout_apply(l, 0, 0, 81, 20);
    assert_int_equal(rect(l, 2).h, 1);
    assert_int_equal(rect(l, 1).h, 19);
    assert_int_equal(check_tiling(l, 81, 20), 3);
    /* shares scale with the terminal */
    layout_apply(l, 0, 0, 161, 40);
    assert_int_equal(check_tiling(l, 161, 40), 3);
    layout_free(l);
}

/* Four panes opened one beside the newest share the width evenly after
 * layout_equalize; a stacked subtree counts as one column. */
static void
test_equalize(void **state)
{
    struct layout *l = layout_create(P(0));
    int            i;

    (void)state;
    for (i = 1; i < 4; i++)
        layout_split(l, P(i - 1), P(i), LAYOUT_SIDE, 0, 50);
    layout_apply(l, 0, 0, 83, 10); /* 80 columns and 3 dividers */
    assert_int_equal(rect(l, 0).w, 41); /* halves of halves */
    assert_int_equal(layout_equalize(l, P(3), LAYOUT_SIDE), 0);
    for (i = 0; i < 4; i++)
        assert_int_equal(rect(l, i).w, 20);
    assert_int_equal(check_tiling(l, 83, 10), 4);
    /* a stack in the second column stays one column */
    layout_split(l, P(1), P(4), LAYOUT_STACK, 0, 50);
    layout_equalize(l, P(0), LAYOUT_SIDE);
    for (i = 0; i < 4; i++)
        assert_int_equal(rect(l, i).w, 20);
    assert_int_equal(rect(l, 4).w, 20);
    assert_int_equal(layout_equalize(l, P(9), LAYOUT_SIDE), -1);
    layout_free(l);
}

/* Tiny terminals: 1x1, 20x5, 0x0 and everything in between never give a
 * pane zero cells while calling it visible, and the focused pane stays
 * visible whenever any pane is. */
static void
test_tiny(void **state)
{
    struct layout *l = layout_create(P(0));
    int            w, h, i;

    (void)state;
    for (i = 1; i < 8; i++)
        layout_split(l, i % 3 ? P(i - 1) : NULL, P(i),
                     i % 2 ? LAYOUT_SIDE : LAYOUT_STACK, 0, 50);
    layout_focus(l, P(5));
    for (w = 0; w <= 30; w++)
        for (h = 0; h <= 8; h++) {
            int vis;

            layout_apply(l, 0, 0, w, h);
            vis = check_tiling(l, w, h);
            if (w > 0 && h > 0) {
                struct layout_rect r;

                assert_true(vis >= 1);
                assert_int_equal(layout_rect(l, P(5), &r), 1);
            } else {
                assert_int_equal(vis, 0);
            }
            /* moving focus by direction in tiny layouts never crashes */
            layout_focus_dir(l, LAYOUT_LEFT);
            layout_focus_dir(l, LAYOUT_DOWN);
            layout_focus(l, P(5));
        }
    layout_apply(l, 0, 0, 1, 1);
    assert_rect(l, 5, 0, 0, 1, 1);
    layout_apply(l, 0, 0, 200, 60);
    assert_int_equal(check_tiling(l, 200, 60), 8);
    /* resizing in a tiny terminal moves nothing and does not crash */
    layout_apply(l, 0, 0, 2, 1);
    layout_resize(l, LAYOUT_SIDE, 1);
    layout_resize(l, LAYOUT_STACK, -1);
    layout_apply(l, 0, 0, 200, 60);
    assert_int_equal(check_tiling(l, 200, 60), 8);
    /* remove everything but one, in a mixed order */
    for (i = 7; i >= 1; i -= 2)
        assert_int_equal(layout_remove(l, P(i)), 0);
    for (i = 0; i <= 4; i += 2)
        assert_int_equal(layout_remove(l, P(i)), 0);
    assert_int_equal(layout_count(l), 1);
    assert_ptr_equal(layout_focused(l), P(6));
    layout_apply(l, 0, 0, 20, 5);
    assert_rect(l, 6, 0, 0, 20, 5);
    layout_free(l);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one),
        cmocka_unit_test(test_split_side_and_stack),
        cmocka_unit_test(test_close),
        cmocka_unit_test(test_close_focus_nearest),
        cmocka_unit_test(test_focus_order_and_direction),
        cmocka_unit_test(test_zoom),
        cmocka_unit_test(test_resize),
        cmocka_unit_test(test_equalize),
        cmocka_unit_test(test_tiny),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
