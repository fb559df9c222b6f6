/*
 * Unit tests for themes: every role has a name that parses back, colours
 * parse in all three notations, the nearest 256/8 colours are right for
 * known points, every shipped theme loads without a complaint, a bad file
 * reports FILE:LINE and keeps the rest, mono and NO_COLOR drop colours.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "theme.h"
#include "util.h"

static void
test_roles(void **state)
{
    (void)state;
    for (int r = 0; r < THEME_NROLES; r++) {
        const char *n = theme_role_name((enum theme_role)r);
        assert_int_equal(theme_role_parse(n), r);
        for (int q = 0; q < r; q++)
            assert_string_not_equal(n, theme_role_name((enum theme_role)q));
    }
    assert_int_equal(theme_role_parse("no.such.role"), -1);
}

static void
test_colors(void **state)
{
    struct theme_color c;

    (void)state;
    assert_int_equal(theme_color_parse("red", &c), 0);
    assert_int_equal(theme_color_256(c), 1);
    assert_int_equal(theme_color_parse("brightcyan", &c), 0);
    assert_int_equal(theme_color_256(c), 14);
    assert_int_equal(theme_color_8(c), 6);
    assert_int_equal(theme_color_parse("default", &c), 0);
    assert_int_equal(theme_color_256(c), -1);
    assert_int_equal(theme_color_8(c), -1);
    assert_int_equal(theme_color_parse("208", &c), 0);
    assert_int_equal(theme_color_256(c), 208);
    /* 208 is #ff8700: yellow (205,205,0) is nearer than red (205,0,0). */
    assert_int_equal(theme_color_8(c), 3);
    /* Exact cube and grey points map to themselves. */
    assert_int_equal(theme_color_parse("#5f87af", &c), 0);
    assert_int_equal(theme_color_256(c), 16 + 36 * 1 + 6 * 2 + 3);
    assert_int_equal(theme_color_parse("#080808", &c), 0);
    assert_int_equal(theme_color_256(c), 232);
    assert_int_equal(theme_color_parse("#FF0000", &c), 0);
    assert_int_equal(theme_color_256(c), 196);
    assert_int_equal(theme_color_8(c), 1);
    assert_int_equal(theme_color_parse("#002b36", &c), 0);
    assert_int_equal(theme_color_8(c), 0);
    /* A near-white stays white in 8 colours. */
    assert_int_equal(theme_color_parse("#fdf6e3", &c), 0);
    assert_int_equal(theme_color_8(c), 7);
    static const char *bad[] = {"256",     "-1", "#12345", "#12345g",
                                "reddish", "",   "#",      "1x"};
    for (size_t i = 0; i < nitems(bad); i++)
        assert_int_equal(theme_color_parse(bad[i], &c), -1);
}

static void
test_shipped(void **state)
{
    static const char *names[] = {"default",        "light",   "mono",
                                  "solarized-dark", "gruvbox", "dracula"};
    (void)state;
    setenv("XDG_CONFIG_HOME", "/nonexistent-kpod-test", 1);
    for (size_t i = 0; i < nitems(names); i++) {
        struct theme *t = theme_create(0);
        char          path[4096];

        /* Found in the source tree, not just the built-in table. */
        snprintf(path, sizeof path, "%s/themes/%s.yaml", KPOD_SOURCE_DIR,
                 names[i]);
        {
            char *found = cfgfile_find("themes", names[i]);
            assert_non_null(found);
            assert_string_equal(found, path);
            free(found);
        }
        assert_int_equal(theme_load(t, names[i]), 0);
        for (size_t c = 0; c < t->causes.n; c++)
            fprintf(stderr, "cause: %s\n", t->causes.v[c]);
        assert_int_equal(t->causes.n, 0);
        assert_int_equal(t->mono, strcmp(names[i], "mono") == 0);
        theme_free(t);
    }
}

static void
test_bad_file(void **state)
{
    static const char text[] = "styles:\n"                      /* 1 */
                               "  table.header: {fg: purple}\n" /* 2 */
                               "  pod.status.failed: {fg: \"#ff00ff\", "
                               "attrs: [bold, blink]}\n" /* 3 */
                               "  no.role: {fg: red}\n"  /* 4 */
                               "  border: {fg: 300}\n"   /* 5 */
                               "  log.timestamp: {fg: 33, attrs: underline}\n"
                               "colours: 3\n"; /* 7 */
    struct theme      *t = theme_create(0);
    struct theme_style s;

    (void)state;
    assert_int_equal(theme_apply(t, text, strlen(text), "t.yaml"), 0);
    assert_int_equal(t->causes.n, 5);
    assert_non_null(strstr(t->causes.v[0], "t.yaml:2: bad colour 'purple'"));
    assert_non_null(
        strstr(t->causes.v[1], "t.yaml:3: unknown attribute 'blink'"));
    assert_non_null(strstr(t->causes.v[2], "t.yaml:4: unknown style role"));
    assert_non_null(strstr(t->causes.v[3], "t.yaml:5: bad colour '300'"));
    assert_non_null(strstr(t->causes.v[4], "t.yaml:7: unknown theme key"));
    /* The rest applied. */
    s = theme_style(t, THEME_POD_FAILED);
    assert_int_equal(s.fg.kind, THEME_COLOR_RGB);
    assert_int_equal(s.fg.rgb, 0xff00ff);
    assert_int_equal(s.attrs, THEME_BOLD);
    s = theme_style(t, THEME_LOG_TIMESTAMP);
    assert_int_equal(theme_color_256(s.fg), 33);
    assert_int_equal(s.attrs, THEME_UNDERLINE);
    /* A bad colour keeps the default. */
    s = theme_style(t, THEME_TABLE_HEADER);
    assert_int_equal(theme_color_256(s.fg), 6);
    theme_free(t);
}

static void
test_mono(void **state)
{
    struct theme *t = theme_create(1);

    (void)state;
    assert_int_equal(theme_load(t, "dracula"), 0);
    for (int r = 0; r < THEME_NROLES; r++) {
        struct theme_style s = theme_style(t, (enum theme_role)r);
        assert_int_equal(theme_color_256(s.fg), -1);
        assert_int_equal(theme_color_256(s.bg), -1);
    }
    /* Selection stays visible without colour. */
    assert_true(theme_style(t, THEME_SELECTION).attrs != 0);
    theme_free(t);
    t = theme_create(0);
    assert_int_equal(theme_load(t, "mono"), 0);
    assert_true(t->mono);
    assert_true(theme_style(t, THEME_SELECTION).attrs & THEME_REVERSE);
    assert_true(theme_style(t, THEME_STATUSBAR).attrs & THEME_REVERSE);
    theme_free(t);
    t = theme_create(0);
    assert_int_equal(theme_load(t, "no-such-theme"), -1);
    assert_int_equal(t->causes.n, 1);
    theme_free(t);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roles),   cmocka_unit_test(test_colors),
        cmocka_unit_test(test_shipped), cmocka_unit_test(test_bad_file),
        cmocka_unit_test(test_mono),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
