/*
 * Unit tests for screen_input_pending: which tail of the bytes read from
 * the terminal may still be an escape sequence or a UTF-8 character in
 * flight (held back for a moment instead of letting curses block), and
 * which input is complete and goes to curses at once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "screen.h"

static size_t
pending(const char *s)
{
    return screen_input_pending((const unsigned char *)s, strlen(s));
}

static void
test_complete(void **state)
{
    (void)state;
    assert_int_equal(pending(""), 0);
    assert_int_equal(pending("jjk"), 0);
    assert_int_equal(pending("\033[A"), 0);       /* Up */
    assert_int_equal(pending("\033[6~"), 0);      /* PgDn */
    assert_int_equal(pending("\033[1;5C"), 0);    /* ctrl-Right */
    assert_int_equal(pending("\033OH"), 0);       /* Home (SS3) */
    assert_int_equal(pending("\033x"), 0);        /* alt-x */
    assert_int_equal(pending("a\033[Bq"), 0);     /* keys after it */
    assert_int_equal(pending("\xed\x95\x9c"), 0); /* 한 */
}

static void
test_in_flight(void **state)
{
    (void)state;
    /* A lone Esc may be the key or the start of a sequence. */
    assert_int_equal(pending("\033"), 1);
    assert_int_equal(pending("jk\033"), 1);
    assert_int_equal(pending("\033\033"), 1); /* Esc, then maybe more */
    /* Sequences cut before their final byte. */
    assert_int_equal(pending("\033["), 2);
    assert_int_equal(pending("q\033[6"), 3);
    assert_int_equal(pending("\033[1;5"), 5);
    assert_int_equal(pending("\033O"), 2);
    /* UTF-8 cut inside a character. */
    assert_int_equal(pending("a\xed"), 1);
    assert_int_equal(pending("a\xed\x95"), 2);
    assert_int_equal(pending("\xf0\x9f\x98"), 3);
    /* Not a sequence after all: a control byte inside ends it. */
    assert_int_equal(pending("\033[\n"), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_complete),
        cmocka_unit_test(test_in_flight),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
