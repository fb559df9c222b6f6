/*
 * Unit tests for shellwords.c: blanks, single and double quotes, escapes,
 * empty quoted words, and the errors (unterminated quotes, an empty line).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "shellwords.h"

static void
check(const char *line, const char *const *want)
{
    char  *cause = NULL;
    char **argv = shellwords_split(line, &cause);
    size_t i;

    assert_null(cause);
    assert_non_null(argv);
    for (i = 0; want[i] != NULL; i++) {
        assert_non_null(argv[i]);
        assert_string_equal(argv[i], want[i]);
    }
    assert_null(argv[i]);
    shellwords_free(argv);
}

static void
test_split(void **state)
{
    check("echo hi", (const char *const[]){"echo", "hi", NULL});
    check("  sh   -c 'exit 7'  ",
          (const char *const[]){"sh", "-c", "exit 7", NULL});
    check(
        "sh -c \"clear; (bash || ash || sh)\"",
        (const char *const[]){"sh", "-c", "clear; (bash || ash || sh)", NULL});
    check("a\\ b \"x\\\"y\\n\" 'it''s' ''",
          (const char *const[]){"a b", "x\"y\\n", "its", "", NULL});
    check("pre'mid'\"post\"", (const char *const[]){"premidpost", NULL});
}

static void
test_errors(void **state)
{
    char *cause = NULL;

    assert_null(shellwords_split("echo 'oops", &cause));
    assert_string_equal(cause, "unterminated single quote");
    free(cause);
    assert_null(shellwords_split("echo \"oops", &cause));
    assert_string_equal(cause, "unterminated double quote");
    free(cause);
    assert_null(shellwords_split("   ", &cause));
    assert_null(cause);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split),
        cmocka_unit_test(test_errors),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
