/*
 * Unit tests for curses keys to keyname codes: control bytes, function
 * keys and characters reach the names a keymap file uses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "keycode.h"
#include "keyname.h"
#include "screen.h"
#include "term.h"

static void
check(int screen_key, const char *name)
{
    char buf[64];

    assert_string_equal(
        keyname_print(keycode_from_screen(screen_key), buf, sizeof buf), name);
    assert_int_equal(keycode_from_screen(screen_key), keyname_parse(name));
}

static void
test_keys(void **state)
{
    (void)state;
    check(SCREEN_CTRL('d'), "ctrl-d");
    check(SCREEN_CTRL('c'), "ctrl-c");
    check('\t', "tab");
    check('\r', "enter");
    check(27, "esc");
    check(127, "backspace");
    check(' ', "space");
    check('G', "G");
    check('?', "?");
    check(0xe9, "\xc3\xa9");
    check(SCREEN_FKEY(KEY_F(5)), "f5");
    check(SCREEN_FKEY(KEY_F(12)), "f12");
    check(SCREEN_FKEY(KEY_NPAGE), "pgdn");
    check(SCREEN_FKEY(KEY_BTAB), "shift-tab");
    check(SCREEN_FKEY(KEY_UP), "up");
    check(SCREEN_FKEY(KEY_ENTER), "enter");
    assert_int_equal(keycode_from_screen(SCREEN_FKEY(KEY_RESIZE)), -1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
