/*
 * Unit tests for ui/cells.c: widths in display cells (ASCII, Korean wide
 * characters, combining marks, control and invalid bytes) and fitting text
 * to a width without ever splitting a character.
 */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cells.h"
#include "util.h"

static char *
fit(const char *s, int width, enum cells_align align, int ellipsis)
{
    struct kbuf b;

    kbuf_init(&b);
    cells_fit(&b, s, width, align, ellipsis);
    if (b.data == NULL)
        return xstrdup("");
    return kbuf_steal(&b);
}

static void
test_width(void **state)
{
    (void)state;
    assert_int_equal(cells_width(""), 0);
    assert_int_equal(cells_width("nginx"), 5);
    /* Hangul syllables take two cells each. */
    assert_int_equal(cells_width("한국어"), 6);
    assert_int_equal(cells_width("a한b"), 4);
    /* e + COMBINING ACUTE ACCENT is one cell. */
    assert_int_equal(cells_width("e\xcc\x81"), 1);
    /* Control and invalid bytes are shown as one '?' each. */
    assert_int_equal(cells_width("a\tb"), 3);
    assert_int_equal(cells_width("\xff\xfe"), 2);
    /* A truncated sequence: the lead byte alone is invalid. */
    assert_int_equal(cells_width("\xed\x95"), 2);
}

static void
test_fit_ascii(void **state)
{
    char *s;

    (void)state;
    s = fit("nginx", 8, CELLS_LEFT, 1);
    assert_string_equal(s, "nginx   ");
    free(s);
    s = fit("nginx", 8, CELLS_RIGHT, 1);
    assert_string_equal(s, "   nginx");
    free(s);
    s = fit("http-go", 5, CELLS_LEFT, 1);
    assert_string_equal(s, "http\xe2\x80\xa6");
    free(s);
    s = fit("http-go", 5, CELLS_LEFT, 0);
    assert_string_equal(s, "http-");
    free(s);
    s = fit("abc", 0, CELLS_LEFT, 1);
    assert_string_equal(s, "");
    free(s);
    s = fit(NULL, 2, CELLS_LEFT, 1);
    assert_string_equal(s, "  ");
    free(s);
}

static void
test_fit_wide(void **state)
{
    char *s;

    (void)state;
    /* 6 cells into 5: the third syllable does not fit and is not split;
     * a space pads the fifth cell. */
    s = fit("한국어", 5, CELLS_LEFT, 0);
    assert_string_equal(s, "한국 ");
    assert_int_equal(cells_width(s), 5);
    free(s);
    /* With the ellipsis: two syllables (4 cells) + "…" = 5. */
    s = fit("한국어", 5, CELLS_LEFT, 1);
    assert_string_equal(s, "한국\xe2\x80\xa6");
    assert_int_equal(cells_width(s), 5);
    free(s);
    /* Room for one and a half: one syllable, "…", one pad. */
    s = fit("한국어", 4, CELLS_LEFT, 1);
    assert_string_equal(s, "한\xe2\x80\xa6 ");
    assert_int_equal(cells_width(s), 4);
    free(s);
    /* A wide character never fits in one cell. */
    s = fit("한", 1, CELLS_LEFT, 1);
    assert_string_equal(s, " ");
    free(s);
    s = fit("한국어", 8, CELLS_RIGHT, 1);
    assert_string_equal(s, "  한국어");
    free(s);
    /* Control characters are replaced, not passed to the terminal. */
    s = fit("a\033[2Jb", 8, CELLS_LEFT, 1);
    assert_string_equal(s, "a?[2Jb  ");
    free(s);
}

static void
test_fit_not_utf8(void **state)
{
    char *s;

    (void)state;
    /* A terminal that is not UTF-8 gets an ASCII cut mark. */
    cells_set_utf8(0);
    s = fit("http-go", 5, CELLS_LEFT, 1);
    assert_string_equal(s, "http~");
    free(s);
    cells_set_utf8(1);
}

static void
test_prefix(void **state)
{
    (void)state;
    assert_int_equal(cells_prefix("abc", 2), 2);
    assert_int_equal(cells_prefix("한국", 3), 3); /* one syllable, 3 bytes */
    assert_int_equal(cells_prefix("한국", 4), 6);
    assert_int_equal(cells_prefix("한국", 1), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_width),    cmocka_unit_test(test_fit_ascii),
        cmocka_unit_test(test_fit_wide), cmocka_unit_test(test_fit_not_utf8),
        cmocka_unit_test(test_prefix),
    };

    if (setlocale(LC_ALL, "C.UTF-8") == NULL)
        return 1; /* the wide-character checks need a UTF-8 locale */
    return cmocka_run_group_tests(tests, NULL, NULL);
}
