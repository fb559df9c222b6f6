/*
 * Unit tests for the table widget's pure parts: column widths in display
 * cells, dropping low-priority columns and shrinking flexible ones when
 * narrow, lines of exactly the window's width, and selection/scrolling.
 */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cells.h"
#include "util.h"
#include "widget-table.h"

static const struct widget_table_col cols[] = {
    {"NAME", CELLS_LEFT, 0, 1, 0},
    {"READY", CELLS_LEFT, 0, 0, 0},
    {"AGE", CELLS_RIGHT, 2, 0, 0},
    {"NODE", CELLS_LEFT, 1, 1, 0},
};

static void
add(struct widget_table *t, const char *name, const char *ready,
    const char *age, const char *node)
{
    const char *cells[] = {name, ready, age, node};

    widget_table_add(t, cells, 0);
}

static char *
line(struct widget_table *t, long row, int width)
{
    struct kbuf b;

    kbuf_init(&b);
    widget_table_format(t, row, width, &b);
    return b.data != NULL ? kbuf_steal(&b) : xstrdup("");
}

static void
test_natural_layout(void **state)
{
    struct widget_table t;
    char               *s;

    (void)state;
    widget_table_init(&t, cols, 4);
    add(&t, "nginx", "1/1", "5m", "node-1");
    add(&t, "한국어-파드", "0/1", "10d", "n2");
    widget_table_layout(&t, 200);
    /* Widths are the widest cell or title, in cells: "한국어-파드" is
     * 3*2 + 1 + 2*2 = 11 cells. */
    assert_int_equal(t.width[0], 11);
    assert_int_equal(t.width[1], 5);
    assert_int_equal(t.width[2], 3);
    assert_int_equal(t.width[3], 6);
    assert_int_equal(t.total, 11 + 5 + 3 + 6 + 3 * WIDGET_TABLE_GAP);

    s = line(&t, -1, 40);
    assert_string_equal(s, "NAME          READY   AGE   NODE        ");
    free(s);
    s = line(&t, 0, 40);
    assert_string_equal(s, "nginx         1/1      5m   node-1      ");
    free(s);
    s = line(&t, 1, 40);
    assert_string_equal(s, "한국어-파드   0/1     10d   n2          ");
    assert_int_equal(cells_width(s), 40);
    free(s);
    widget_table_done(&t);
}

static void
test_narrow_layout(void **state)
{
    struct widget_table t;
    char               *s;
    int                 w;

    (void)state;
    widget_table_init(&t, cols, 4);
    add(&t, "a-rather-long-pod-name", "1/1", "5m", "node-1");
    /* 22 + 5 + 3 + 6 + 9 = 45 cells. At 36, NODE (priority 1) goes
     * first: 22 + 5 + 3 + 6 = 36. */
    widget_table_layout(&t, 36);
    assert_int_equal(t.width[3], 0);
    assert_int_equal(t.width[2], 3);
    assert_int_equal(t.total, 36);
    /* At 30 AGE goes too (30 = 22 + 3 + 5); at 20 NAME shrinks. */
    widget_table_layout(&t, 30);
    assert_int_equal(t.width[2], 0);
    assert_int_equal(t.total, 30);
    widget_table_layout(&t, 20);
    assert_int_equal(t.width[0], 12);
    assert_int_equal(t.total, 20);
    s = line(&t, 0, 20);
    assert_string_equal(s, "a-rather-lo\xe2\x80\xa6   1/1  ");
    free(s);
    /* Tinier than the fixed columns: the line is still exactly w cells. */
    for (w = 1; w < 12; w++) {
        widget_table_layout(&t, w);
        s = line(&t, 0, w);
        assert_int_equal(cells_width(s), w);
        free(s);
        s = line(&t, -1, w);
        assert_int_equal(cells_width(s), w);
        free(s);
    }
    widget_table_done(&t);
}

static void
test_select_scroll(void **state)
{
    struct widget_table t;
    char                name[16];
    int                 i;

    (void)state;
    widget_table_init(&t, cols, 4);
    widget_table_select(&t, 3, 5); /* empty: stays at 0 */
    assert_int_equal(t.sel, 0);
    for (i = 0; i < 20; i++) {
        snprintf(name, sizeof name, "pod-%02d", i);
        add(&t, name, "1/1", "1m", "n");
    }
    widget_table_select(&t, 7, 5);
    assert_int_equal(t.sel, 7);
    assert_int_equal(t.top, 3); /* rows 3..7 visible */
    widget_table_select(&t, 2, 5);
    assert_int_equal(t.top, 2);
    widget_table_select(&t, 100, 5);
    assert_int_equal(t.sel, 19);
    assert_int_equal(t.top, 15);
    widget_table_select(&t, -4, 5);
    assert_int_equal(t.sel, 0);
    assert_int_equal(t.top, 0);
    /* A taller window shows everything from the top. */
    widget_table_select(&t, 19, 5);
    widget_table_select(&t, 19, 50);
    assert_int_equal(t.top, 0);
    widget_table_clear(&t);
    assert_int_equal(t.nrows, 0);
    widget_table_done(&t);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_natural_layout),
        cmocka_unit_test(test_narrow_layout),
        cmocka_unit_test(test_select_scroll),
    };

    if (setlocale(LC_ALL, "C.UTF-8") == NULL)
        return 1;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
