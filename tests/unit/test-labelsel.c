/*
 * Unit tests for src/labelsel.c: equality and set-based label selectors
 * matched against a pod's labels, and malformed selectors refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "labelsel.h"

static cJSON *labels;

static int
setup(void **state)
{
    (void)state;
    labels = cJSON_Parse(
        "{\"app\":\"web\",\"tier\":\"front\",\"example.com/team\":\"a-b\"}");
    return labels == NULL;
}

static int
teardown(void **state)
{
    (void)state;
    cJSON_Delete(labels);
    return 0;
}

static void
test_equality(void **state)
{
    (void)state;
    assert_int_equal(labelsel_match("", labels), 1);
    assert_int_equal(labelsel_match(NULL, labels), 1);
    assert_int_equal(labelsel_match("app=web", labels), 1);
    assert_int_equal(labelsel_match("app==web", labels), 1);
    assert_int_equal(labelsel_match("app=we", labels), 0);
    assert_int_equal(labelsel_match("app=webx", labels), 0);
    assert_int_equal(labelsel_match("app!=web", labels), 0);
    assert_int_equal(labelsel_match("app!=db", labels), 1);
    assert_int_equal(labelsel_match("missing!=x", labels), 1);
    assert_int_equal(labelsel_match("app=web, tier=front", labels), 1);
    assert_int_equal(labelsel_match("app=web,tier=back", labels), 0);
    assert_int_equal(labelsel_match("example.com/team=a-b", labels), 1);
    assert_int_equal(labelsel_match("app=web", NULL), 0);
    assert_int_equal(labelsel_match("app=", labels), 0);
}

static void
test_exists_and_sets(void **state)
{
    (void)state;
    assert_int_equal(labelsel_match("app", labels), 1);
    assert_int_equal(labelsel_match("nope", labels), 0);
    assert_int_equal(labelsel_match("!nope", labels), 1);
    assert_int_equal(labelsel_match("!app", labels), 0);
    assert_int_equal(labelsel_match("app in (db, web)", labels), 1);
    assert_int_equal(labelsel_match("app in (db)", labels), 0);
    assert_int_equal(labelsel_match("app notin (db)", labels), 1);
    assert_int_equal(labelsel_match("app notin (web,db)", labels), 0);
    assert_int_equal(labelsel_match("nope notin (web)", labels), 1);
    assert_int_equal(labelsel_match("nope in (web)", labels), 0);
    assert_int_equal(
        labelsel_match("tier in (front),app notin (db),!x", labels), 1);
}

static void
test_malformed(void **state)
{
    char *cause = NULL;

    (void)state;
    assert_int_equal(labelsel_check("app=web", &cause), 0);
    assert_null(cause);
    assert_int_equal(labelsel_check("app in web", &cause), -1);
    assert_non_null(cause);
    free(cause);
    cause = NULL;
    assert_int_equal(labelsel_check("=web", &cause), -1);
    free(cause);
    cause = NULL;
    assert_int_equal(labelsel_check("app=web,", &cause), -1);
    free(cause);
    cause = NULL;
    assert_int_equal(labelsel_check("app in (a,b", &cause), -1);
    free(cause);
    assert_int_equal(labelsel_match("app > 3", labels), -1);
    assert_int_equal(labelsel_match("app=web;x", labels), -1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_equality),
        cmocka_unit_test(test_exists_and_sets),
        cmocka_unit_test(test_malformed),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
