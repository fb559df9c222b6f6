/*
 * Unit tests for the key name table: every named key and modifier
 * combination survives print then parse, aliases parse to the same code,
 * and bad names are refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "keyname.h"
#include "util.h"

static void
test_round_trip(void **state)
{
    static const int mods[] = {0,          KEYC_CTRL,
                               KEYC_ALT,   KEYC_CTRL | KEYC_ALT,
                               KEYC_SHIFT, KEYC_SHIFT | KEYC_CTRL};
    char             buf[64];
    int              tried = 0;

    (void)state;
    for (int base = KEYC_F1; base <= KEYC_SPACE; base++) {
        for (size_t m = 0; m < nitems(mods); m++) {
            int key = base | mods[m];
            if ((base == KEYC_BTAB || base == KEYC_TAB) &&
                (mods[m] & KEYC_SHIFT))
                continue; /* shift-tab is backtab, one code */
            keyname_print(key, buf, sizeof buf);
            assert_int_equal(keyname_parse(buf), key);
            tried++;
        }
    }
    for (int c = 0x21; c < 0x7f; c++) {
        for (size_t m = 0; m < 4; m++) {
            int key = c | mods[m];
            if ((mods[m] & KEYC_CTRL) && c >= 'A' && c <= 'Z')
                continue; /* ctrl-A is ctrl-a */
            keyname_print(key, buf, sizeof buf);
            assert_int_equal(keyname_parse(buf), key);
            tried++;
        }
    }
    /* A non-ASCII key round-trips through UTF-8. */
    keyname_print(0xe9 | KEYC_ALT, buf, sizeof buf);
    assert_string_equal(buf, "alt-\xc3\xa9");
    assert_int_equal(keyname_parse(buf), 0xe9 | KEYC_ALT);
    assert_true(tried > 400);
}

static void
test_aliases(void **state)
{
    (void)state;
    assert_int_equal(keyname_parse("ctrl-d"), 'd' | KEYC_CTRL);
    assert_int_equal(keyname_parse("C-d"), 'd' | KEYC_CTRL);
    assert_int_equal(keyname_parse("Ctrl-D"), 'd' | KEYC_CTRL);
    assert_int_equal(keyname_parse("ctrl-shift-t"), 't' | KEYC_CTRL);
    assert_int_equal(keyname_parse("M-x"), 'x' | KEYC_ALT);
    assert_int_equal(keyname_parse("alt-x"), 'x' | KEYC_ALT);
    assert_int_equal(keyname_parse("shift-g"), 'G');
    assert_int_equal(keyname_parse("G"), 'G');
    assert_int_equal(keyname_parse("g"), 'g');
    assert_int_equal(keyname_parse("shift-tab"), KEYC_BTAB);
    assert_int_equal(keyname_parse("backtab"), KEYC_BTAB);
    assert_int_equal(keyname_parse("S-Tab"), KEYC_BTAB);
    assert_int_equal(keyname_parse("PageDown"), KEYC_PGDN);
    assert_int_equal(keyname_parse("pgdn"), KEYC_PGDN);
    assert_int_equal(keyname_parse("F12"), KEYC_F12);
    assert_int_equal(keyname_parse("-"), '-');
    assert_int_equal(keyname_parse("ctrl--"), '-' | KEYC_CTRL);
    assert_int_equal(keyname_parse("|"), '|');
    assert_int_equal(keyname_parse("space"), KEYC_SPACE);
    assert_int_equal(keyname_parse("return"), KEYC_ENTER);
}

static void
test_bad(void **state)
{
    static const char *bad[] = {"",        "ctrl-",       "gg",
                                "f13",     "ctrl-ctrl-a", "shift-1",
                                "hyper-a", "\xff",        "shift-backtab",
                                " ",       "c-"};
    (void)state;
    for (size_t i = 0; i < nitems(bad); i++)
        assert_int_equal(keyname_parse(bad[i]), -1);
}

static void
test_sequences(void **state)
{
    struct keyseq a, b;
    char          buf[128];

    (void)state;
    assert_int_equal(keyname_parse_seq("g g", &a), 0);
    assert_int_equal(a.n, 2);
    assert_int_equal(a.keys[0], 'g');
    assert_string_equal(keyname_print_seq(&a, buf, sizeof buf), "g g");
    assert_int_equal(keyname_parse_seq("C-x  C-s", &a), 0);
    assert_string_equal(keyname_print_seq(&a, buf, sizeof buf),
                        "ctrl-x ctrl-s");
    assert_int_equal(keyname_parse_seq(buf, &b), 0);
    assert_true(keyseq_equal(&a, &b));
    assert_int_equal(keyname_parse_seq("ctrl-x", &b), 0);
    assert_true(keyseq_prefix(&b, &a));
    assert_false(keyseq_prefix(&a, &b));
    assert_false(keyseq_equal(&a, &b));
    assert_int_equal(keyname_parse_seq("a b c", &a), -1);
    assert_int_equal(keyname_parse_seq("", &a), -1);
    assert_int_equal(keyname_parse_seq("g nope", &a), -1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_aliases),
        cmocka_unit_test(test_bad),
        cmocka_unit_test(test_sequences),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
