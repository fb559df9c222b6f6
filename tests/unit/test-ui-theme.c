/*
 * Unit tests for theme styles as curses attributes: roles that share
 * (fg, bg) share a pair, 8-colour terminals get the nearest basic colour,
 * and without colours only attributes remain. Curses runs on newterm over
 * /dev/null with TERM=xterm-256color, so no terminal is needed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "theme-curses.h"

static void
test_mono(void **state)
{
    struct theme       *t = theme_create(0);
    struct theme_curses tc;

    (void)state;
    /* No colours: no pairs, the attributes stay. */
    assert_int_equal(theme_curses_init(&tc, t, 0, 1), 1);
    assert_int_equal(tc.attrs[THEME_SELECTION], A_REVERSE);
    assert_int_equal(tc.attrs[THEME_POD_FAILED], A_BOLD);
    assert_int_equal(tc.attrs[THEME_POD_RUNNING], A_NORMAL);
    theme_free(t);
    assert_int_equal(theme_curses_attrs(THEME_BOLD | THEME_UNDERLINE |
                                        THEME_ITALIC | THEME_DIM),
                     A_BOLD | A_UNDERLINE | A_ITALIC | A_DIM);
}

static void
test_colors(void **state)
{
    FILE         *out = fopen("/dev/null", "w"), *in = fopen("/dev/null", "r");
    SCREEN       *scr;
    struct theme *t = theme_create(0);
    struct theme_curses tc;
    short               fg, bg;
    int                 next;
    static const char   text[] = "styles:\n"
                                 "  pod.status.running: {fg: \"#ff0000\"}\n"
                                 "  pod.status.failed: {fg: \"#ff0000\"}\n";

    (void)state;
    setenv("TERM", "xterm-256color", 1);
    scr = newterm(NULL, out, in);
    assert_non_null(scr);
    start_color();
    use_default_colors();
    assert_int_equal(theme_apply(t, text, strlen(text), "t.yaml"), 0);
    next = theme_curses_init(&tc, t, 256, 1);
    assert_true(next > 2);
    /* Same colours, same pair; the pair holds the nearest 256 colour. */
    assert_int_equal(PAIR_NUMBER(tc.attrs[THEME_POD_RUNNING]),
                     PAIR_NUMBER(tc.attrs[THEME_POD_FAILED]));
    pair_content((short)PAIR_NUMBER(tc.attrs[THEME_POD_RUNNING]), &fg, &bg);
    assert_int_equal(fg, 196);
    assert_int_equal(bg, -1);
    assert_true(tc.attrs[THEME_POD_FAILED] & A_BOLD);
    /* 8 colours: the nearest basic red. */
    theme_curses_init(&tc, t, 8, next);
    pair_content((short)PAIR_NUMBER(tc.attrs[THEME_POD_RUNNING]), &fg, &bg);
    assert_int_equal(fg, COLOR_RED);
    /* Roles at the terminal's default colours use no pair. */
    assert_int_equal(PAIR_NUMBER(tc.attrs[THEME_SELECTION]), 0);
    endwin();
    delscreen(scr);
    fclose(out);
    fclose(in);
    theme_free(t);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mono),
        cmocka_unit_test(test_colors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
