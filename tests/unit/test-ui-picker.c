/*
 * The chooser's keys without a terminal: moving with j/k and the arrows,
 * narrowing by typing (j and k become letters once a filter is under
 * way), the cursor staying on its item while the filter keeps it, Enter
 * and Esc, and what the title line says.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "view-picker.h"

static const char *const ns[] = {
    "default", "kube-node-lease", "kube-public", "kube-system", "monitoring",
    "jobs",    "Payments",
};

static void
type(struct view_picker *p, const char *s)
{
    while (*s != '\0')
        assert_int_equal(view_picker_key(p, (unsigned char)*s++),
                         VIEW_PICKER_OPEN);
}

static const char *
chosen(struct view_picker *p)
{
    int i = view_picker_choice(p);

    return i >= 0 ? p->items[i] : NULL;
}

static void
test_move(void **state)
{
    struct view_picker p;

    (void)state;
    view_picker_init(&p, NULL);
    view_picker_set(&p, "Namespace", ns, nitems(ns), 3);
    assert_true(p.open);
    assert_string_equal(chosen(&p), "kube-system");
    assert_int_equal(p.current, 3);
    view_picker_key(&p, 'j');
    assert_string_equal(chosen(&p), "monitoring");
    view_picker_key(&p, SCREEN_FKEY(KEY_DOWN));
    view_picker_key(&p, SCREEN_FKEY(KEY_DOWN));
    view_picker_key(&p, SCREEN_FKEY(KEY_DOWN)); /* stops at the end */
    assert_string_equal(chosen(&p), "Payments");
    view_picker_key(&p, 'g');
    assert_string_equal(chosen(&p), "default");
    view_picker_key(&p, 'k'); /* stops at the top */
    assert_string_equal(chosen(&p), "default");
    view_picker_key(&p, 'G');
    assert_string_equal(chosen(&p), "Payments");
    view_picker_key(&p, SCREEN_FKEY(KEY_UP));
    assert_string_equal(chosen(&p), "jobs");
    assert_int_equal(view_picker_key(&p, '\r'), VIEW_PICKER_CHOSEN);
    assert_int_equal(view_picker_choice(&p), 5);
    assert_int_equal(view_picker_key(&p, 27), VIEW_PICKER_CANCELLED);
    view_picker_done(&p);
}

static void
test_narrow(void **state)
{
    struct view_picker p;
    char              *t;

    (void)state;
    view_picker_init(&p, NULL);
    view_picker_set(&p, "Namespace", ns, nitems(ns), 0);
    /* "kube" would move up with k; '/' starts a filter first. */
    view_picker_key(&p, '/');
    type(&p, "kube");
    assert_int_equal(p.nshown, 3);
    assert_string_equal(chosen(&p), "kube-node-lease");
    view_picker_key(&p, SCREEN_FKEY(KEY_DOWN));
    assert_string_equal(chosen(&p), "kube-public");
    type(&p, "-s"); /* kube-system only; the cursor moves to it */
    assert_int_equal(p.nshown, 1);
    assert_string_equal(chosen(&p), "kube-system");
    t = view_picker_title(&p);
    assert_non_null(strstr(t, "/kube-s_"));
    assert_non_null(strstr(t, "1 of 7"));
    free(t);
    /* Backspace widens again, the cursor stays on kube-system. */
    view_picker_key(&p, SCREEN_FKEY(KEY_BACKSPACE));
    view_picker_key(&p, 127);
    assert_int_equal(p.nshown, 3);
    assert_string_equal(chosen(&p), "kube-system");
    /* Nothing matches: Enter does nothing. */
    type(&p, "zzz");
    assert_int_equal(p.nshown, 0);
    assert_int_equal(view_picker_choice(&p), -1);
    assert_int_equal(view_picker_key(&p, '\r'), VIEW_PICKER_OPEN);
    /* ctrl-u clears it; j moves again. */
    view_picker_key(&p, SCREEN_CTRL('u'));
    assert_int_equal(p.nshown, nitems(ns));
    assert_false(p.narrowing);
    view_picker_key(&p, 'g');
    view_picker_key(&p, 'j');
    assert_string_equal(chosen(&p), "kube-node-lease");
    /* Any other letter starts narrowing, case-insensitively. */
    type(&p, "PAY");
    assert_int_equal(p.nshown, 1);
    assert_string_equal(chosen(&p), "Payments");
    assert_int_equal(view_picker_key(&p, '\n'), VIEW_PICKER_CHOSEN);
    assert_int_equal(view_picker_choice(&p), 6);
    view_picker_done(&p);
}

static void
test_scroll(void **state)
{
    struct view_picker p;
    const char        *many[40];
    char               names[40][8];
    size_t             i;

    (void)state;
    for (i = 0; i < nitems(many); i++) {
        snprintf(names[i], sizeof names[i], "n%02zu", i);
        many[i] = names[i];
    }
    view_picker_init(&p, NULL);
    view_picker_set(&p, "Many", many, nitems(many), 39);
    view_picker_scroll(&p, 10);
    assert_int_equal(p.top, 30);
    view_picker_key(&p, 'g');
    view_picker_scroll(&p, 10);
    assert_int_equal(p.top, 0);
    for (i = 0; i < 12; i++)
        view_picker_key(&p, 'j');
    view_picker_scroll(&p, 10);
    assert_int_equal(p.top, 3);
    /* No selection given: none is marked, the cursor is on the first. */
    view_picker_set(&p, "Many", many, 3, 99);
    assert_int_equal(p.current, 3);
    assert_int_equal(view_picker_choice(&p), 0);
    view_picker_done(&p);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_move),
        cmocka_unit_test(test_narrow),
        cmocka_unit_test(test_scroll),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
