/*
 * Unit tests for ui/view-logs.c's drawing, on curses over /dev/null: a
 * following pane shows the newest lines under its title; scrolling up
 * pauses and the screen holds still while new lines are only counted;
 * G resumes; search marks every match with its attribute and hides
 * nothing, a filter hides the rest; wrap and timestamps; control bytes
 * and invalid UTF-8 never reach a cell as they are; 1x1 panes, a wide
 * character in a one-column pane and a 1 MiB line do not hang or crash.
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

#include "term.h"
#include "util.h"
#include "view-logs.h"

static SCREEN *scr;
static FILE   *out, *in;

static int
setup(void **state)
{
    (void)state;
    setlocale(LC_ALL, "C.UTF-8");
    setenv("TERM", "xterm-256color", 1);
    out = fopen("/dev/null", "w");
    in = fopen("/dev/null", "r");
    if (out == NULL || in == NULL)
        return -1;
    scr = newterm(NULL, out, in);
    return scr == NULL;
}

static int
teardown(void **state)
{
    (void)state;
    endwin();
    delscreen(scr);
    fclose(out);
    fclose(in);
    return 0;
}

/* Paint the pane into a fresh w x h window. */
static WINDOW *
paint(struct view_logs *v, int w, int h)
{
    WINDOW             *win = newwin(h, w, 0, 0);
    struct screen_pane *sp = view_logs_test_pane(v);

    assert_non_null(win);
    werase(win);
    sp->ops->paint(sp->data, win, 1);
    return win;
}

/* Row y of win as text (trailing spaces cut); caller frees. */
static char *
row(WINDOW *win, int y)
{
    int   w = getmaxx(win), x, n = 0;
    char *s = xmalloc((size_t)w * 4 + 1);

    for (x = 0; x < w; x++) {
        chtype c = mvwinch(win, y, x);

        s[n++] = (char)(c & A_CHARTEXT);
    }
    while (n > 0 && s[n - 1] == ' ')
        n--;
    s[n] = '\0';
    return s;
}

static int
row_is(WINDOW *win, int y, const char *want)
{
    char *r = row(win, y);
    int   ok = strcmp(r, want) == 0;

    if (!ok)
        fprintf(stderr, "row %d: '%s', want '%s'\n", y, r, want);
    free(r);
    return ok;
}

static int
row_has(WINDOW *win, int y, const char *want)
{
    char *r = row(win, y);
    int   ok = strstr(r, want) != NULL;

    if (!ok)
        fprintf(stderr, "row %d: '%s', want '%s' in it\n", y, r, want);
    free(r);
    return ok;
}

static void
add_n(struct view_logs *v, int from, int to)
{
    char line[32];

    for (int i = from; i <= to; i++) {
        snprintf(line, sizeof line, "line %d", i);
        view_logs_test_add(v, line, 0);
    }
}

static void
test_follow_pause_resume(void **state)
{
    struct view_logs *v = view_logs_test_create(1000, A_UNDERLINE);
    WINDOW           *win;

    (void)state;
    add_n(v, 1, 10);
    win = paint(v, 60, 5); /* title + 4 lines */
    assert_true(row_has(win, 0, "ns/pod [focus]"));
    assert_true(row_is(win, 1, "line 7"));
    assert_true(row_is(win, 4, "line 10"));
    delwin(win);

    /* up: paused one line higher; new lines are counted, not shown */
    assert_int_equal(view_logs_test_action(v, "cursor.up"), 1);
    add_n(v, 11, 13);
    win = paint(v, 60, 5);
    assert_true(row_is(win, 1, "line 6"));
    assert_true(row_is(win, 4, "line 9"));
    assert_true(row_has(win, 0, "paused (+3 new lines below)"));
    delwin(win);

    /* G: following again, the newest at the bottom */
    assert_int_equal(view_logs_test_action(v, "cursor.bottom"), 1);
    win = paint(v, 60, 5);
    assert_true(row_is(win, 4, "line 13"));
    char *t = row(win, 0);
    assert_null(strstr(t, "paused"));
    free(t);
    delwin(win);
    view_logs_test_free(v);
}

/* A pane paused before it was full holds still too. */
static void
test_pause_not_full(void **state)
{
    struct view_logs *v = view_logs_test_create(1000, A_UNDERLINE);
    WINDOW           *win;

    (void)state;
    add_n(v, 1, 2);
    win = paint(v, 60, 10);
    delwin(win);
    view_logs_test_action(v, "log.follow"); /* f: stop following */
    add_n(v, 3, 5);
    win = paint(v, 60, 10);
    assert_true(row_is(win, 1, "line 1"));
    assert_true(row_is(win, 2, "line 2"));
    assert_true(row_is(win, 3, ""));
    assert_true(row_has(win, 0, "paused (+3 new lines below)"));
    delwin(win);
    /* moving down shows what has arrived */
    view_logs_test_action(v, "cursor.down");
    win = paint(v, 60, 10);
    assert_true(row_is(win, 1, "line 2"));
    assert_true(row_is(win, 4, "line 5"));
    delwin(win);
    view_logs_test_free(v);
}

static int
attr_at(WINDOW *win, int y, int x)
{
    return (int)(mvwinch(win, y, x) & A_ATTRIBUTES);
}

static void
test_search_and_filter(void **state)
{
    struct view_logs *v = view_logs_test_create(1000, A_UNDERLINE);
    WINDOW           *win;

    (void)state;
    view_logs_test_add(v, "alpha beta alpha", 0);
    view_logs_test_add(v, "gamma", 0);
    view_logs_test_add(v, "ALPHA", 0);
    view_logs_test_search(v, "alpha", 0);
    win = paint(v, 40, 4);
    assert_true(row_has(win, 0, "search: alpha"));
    /* every match underlined, the rest not; nothing hidden */
    assert_true(row_is(win, 1, "alpha beta alpha"));
    for (int x = 0; x < 16; x++) {
        int m = x < 5 || x >= 11;

        assert_int_equal(!!(attr_at(win, 1, x) & A_UNDERLINE), m);
    }
    assert_true(row_is(win, 2, "gamma"));
    assert_false(attr_at(win, 2, 0) & A_UNDERLINE);
    /* lower-case patterns ignore case */
    assert_true(row_is(win, 3, "ALPHA"));
    assert_true(attr_at(win, 3, 0) & A_UNDERLINE);
    delwin(win);

    /* the filter shows only matching lines */
    view_logs_test_search(v, "gamma", 1);
    win = paint(v, 40, 4);
    assert_true(row_has(win, 0, "filter: gamma"));
    assert_true(row_is(win, 1, "gamma"));
    assert_true(row_is(win, 2, ""));
    delwin(win);
    view_logs_test_search(v, "", 1);
    win = paint(v, 40, 4);
    assert_true(row_is(win, 1, "alpha beta alpha"));
    delwin(win);

    /* n from the top pauses on the next matching line */
    view_logs_test_action(v, "cursor.top");
    view_logs_test_action(v, "search.next");
    win = paint(v, 40, 4);
    assert_true(row_is(win, 1, "ALPHA"));
    delwin(win);
    view_logs_test_free(v);
}

static void
test_wrap_and_timestamps(void **state)
{
    struct view_logs *v = view_logs_test_create(1000, A_UNDERLINE);
    WINDOW           *win;

    (void)state;
    view_logs_test_add(v, "abcdefghijklmnopqrstuvwxyz", 1700000000123456789);
    win = paint(v, 10, 5);
    assert_true(row_is(win, 1, "abcdefghij")); /* cut */
    assert_true(row_is(win, 2, ""));
    delwin(win);
    view_logs_test_action(v, "log.wrap");
    win = paint(v, 10, 5);
    assert_true(row_is(win, 1, "abcdefghij"));
    assert_true(row_is(win, 2, "klmnopqrst"));
    assert_true(row_is(win, 3, "uvwxyz"));
    delwin(win);
    view_logs_test_action(v, "log.wrap");
    view_logs_test_action(v, "log.timestamps");
    win = paint(v, 60, 3);
    assert_true(row_is(
        win, 1, "2023-11-14T22:13:20.123456789Z abcdefghijklmnopqrstuvwxyz"));
    delwin(win);
    view_logs_test_free(v);
}

/* ESC, BEL and invalid UTF-8 (a lone C1 CSI byte, 0xff) show as carets
 * and U+FFFD; no cell holds one of those bytes. */
static void
test_unsafe_bytes(void **state)
{
    struct view_logs *v = view_logs_test_create(1000, A_UNDERLINE);
    WINDOW           *win;
    int               x;

    (void)state;
    view_logs_test_add(v,
                       "a\x1b[31mred\x07\x9b"
                       "2J\xff",
                       0);
    win = paint(v, 40, 2);
    assert_true(row_has(win, 1, "a^[[31mred^G"));
    for (x = 0; x < 40; x++) {
        chtype c = mvwinch(win, 1, x) & A_CHARTEXT;

        assert_false(c == 0x1b || c == 0x07 || c == 0x9b);
    }
    delwin(win);
    view_logs_test_free(v);
}

/* Tiny panes, a wide character in one column with wrap, a 1 MiB line:
 * drawn without hanging or crashing. */
static void
test_tiny_and_huge(void **state)
{
    struct view_logs *v = view_logs_test_create(100, A_UNDERLINE);
    WINDOW           *win;
    char             *big = xmalloc((size_t)1 << 20);

    (void)state;
    view_logs_test_add(v, "한국어 wide", 0);
    memset(big, 'x', ((size_t)1 << 20) - 1);
    big[((size_t)1 << 20) - 1] = '\0';
    view_logs_test_add(v, big, 0);
    free(big);
    for (int wrap = 0; wrap < 2; wrap++) {
        int sizes[][2] = {{1, 1}, {1, 2}, {2, 3}, {1, 10}, {80, 24}};

        for (size_t i = 0; i < nitems(sizes); i++) {
            win = paint(v, sizes[i][0], sizes[i][1]);
            delwin(win);
        }
        view_logs_test_action(v, "log.wrap");
    }
    view_logs_test_action(v, "cursor.top");
    view_logs_test_action(v, "log.wrap");
    win = paint(v, 1, 5);
    delwin(win);
    win = paint(v, 80, 24);
    assert_true(row_has(win, 1, "wide"));
    {
        char full[81];

        memset(full, 'x', 80);
        full[80] = '\0';
        assert_true(row_is(win, 2, full));
        assert_true(row_is(win, 23, full));
    }
    delwin(win);
    view_logs_test_free(v);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_follow_pause_resume),
        cmocka_unit_test(test_pause_not_full),
        cmocka_unit_test(test_search_and_filter),
        cmocka_unit_test(test_wrap_and_timestamps),
        cmocka_unit_test(test_unsafe_bytes),
        cmocka_unit_test(test_tiny_and_huge),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
