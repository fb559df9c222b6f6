/*
 * Unit tests for simpatch: RFC 7386 merge patches (null deletes, nested
 * objects merge, arrays replace), the strategic variant (lists of named
 * objects merge by name, "$" directives skipped) and RFC 6902 JSON patch
 * operations including failures.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "simpatch.h"

static void
check(const cJSON *got, const char *want)
{
    cJSON *w = cJSON_Parse(want);
    char  *g = cJSON_PrintUnformatted(got);

    assert_non_null(w);
    if (!cJSON_Compare(got, w, 1))
        fail_msg("got %s, want %s", g, want);
    free(g);
    cJSON_Delete(w);
}

static void
merge(const char *target, const char *patch, int strategic, const char *want)
{
    cJSON *t = cJSON_Parse(target), *p = cJSON_Parse(patch);

    assert_non_null(t);
    assert_non_null(p);
    simpatch_merge(t, p, strategic);
    check(t, want);
    cJSON_Delete(t);
    cJSON_Delete(p);
}

static void
test_merge_rfc7386(void **state)
{
    (void)state;
    merge("{\"a\":\"b\"}", "{\"a\":\"c\"}", 0, "{\"a\":\"c\"}");
    merge("{\"a\":\"b\"}", "{\"b\":\"c\"}", 0, "{\"a\":\"b\",\"b\":\"c\"}");
    merge("{\"a\":\"b\"}", "{\"a\":null}", 0, "{}");
    merge("{\"a\":\"b\",\"b\":\"c\"}", "{\"a\":null}", 0, "{\"b\":\"c\"}");
    merge("{\"a\":[\"b\"]}", "{\"a\":\"c\"}", 0, "{\"a\":\"c\"}");
    merge("{\"a\":{\"b\":\"c\"}}", "{\"a\":{\"b\":\"d\",\"c\":null}}", 0,
          "{\"a\":{\"b\":\"d\"}}");
    merge("{\"a\":[{\"b\":\"c\"}]}", "{\"a\":[1]}", 0, "{\"a\":[1]}");
    merge("{}", "{\"a\":{\"bb\":{\"ccc\":null}}}", 0, "{\"a\":{\"bb\":{}}}");
    /* annotate: add and remove keys */
    merge("{\"metadata\":{\"annotations\":{\"old\":\"1\",\"keep\":\"2\"}}}",
          "{\"metadata\":{\"annotations\":{\"old\":null,\"team\":\"blue\"}}}",
          0,
          "{\"metadata\":{\"annotations\":{\"keep\":\"2\",\"team\":"
          "\"blue\"}}}");
}

static void
test_merge_strategic(void **state)
{
    (void)state;
    merge("{\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"x\"},"
          "{\"name\":\"b\",\"image\":\"y\"}]}}",
          "{\"spec\":{\"containers\":[{\"name\":\"b\",\"image\":\"z\"}],"
          "\"$setElementOrder/containers\":[{\"name\":\"a\"},{\"name\":"
          "\"b\"}]}}",
          1,
          "{\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"x\"},"
          "{\"name\":\"b\",\"image\":\"z\"}]}}");
    /* not strategic: the list is replaced */
    merge("{\"c\":[{\"name\":\"a\"},{\"name\":\"b\"}]}",
          "{\"c\":[{\"name\":\"b\",\"x\":1}]}", 0,
          "{\"c\":[{\"name\":\"b\",\"x\":1}]}");
}

static int
jpatch(const char *target, const char *ops, const char *want)
{
    cJSON *t = cJSON_Parse(target), *o = cJSON_Parse(ops);
    char  *cause = NULL;
    int    rc;

    assert_non_null(t);
    assert_non_null(o);
    rc = simpatch_json(t, o, &cause);
    if (rc == 0)
        check(t, want);
    else
        assert_non_null(cause);
    free(cause);
    cJSON_Delete(t);
    cJSON_Delete(o);
    return rc;
}

static void
test_json_patch(void **state)
{
    (void)state;
    assert_int_equal(
        jpatch("{\"metadata\":{\"labels\":{\"a\":\"1\"}}}",
               "[{\"op\":\"add\",\"path\":\"/metadata/labels/b\",\"value\":"
               "\"2\"},{\"op\":\"remove\",\"path\":\"/metadata/labels/a\"}]",
               "{\"metadata\":{\"labels\":{\"b\":\"2\"}}}"),
        0);
    assert_int_equal(
        jpatch("{\"metadata\":{\"annotations\":{}}}",
               "[{\"op\":\"add\",\"path\":\"/metadata/annotations/"
               "example.com~1team\",\"value\":\"x\"}]",
               "{\"metadata\":{\"annotations\":{\"example.com/team\":\"x\"}}}"),
        0);
    assert_int_equal(jpatch("{\"a\":[1,2,3]}",
                            "[{\"op\":\"replace\",\"path\":\"/a/1\","
                            "\"value\":9},{\"op\":\"add\",\"path\":\"/a/-\","
                            "\"value\":4},{\"op\":\"add\",\"path\":\"/a/0\","
                            "\"value\":0}]",
                            "{\"a\":[0,1,9,3,4]}"),
                     0);
    assert_int_equal(jpatch("{\"a\":{\"b\":1}}",
                            "[{\"op\":\"move\",\"from\":\"/a/b\",\"path\":"
                            "\"/c\"},{\"op\":\"copy\",\"from\":\"/c\","
                            "\"path\":\"/d\"},{\"op\":\"test\",\"path\":"
                            "\"/d\",\"value\":1}]",
                            "{\"a\":{},\"c\":1,\"d\":1}"),
                     0);
    /* failures */
    assert_int_equal(
        jpatch("{\"a\":1}", "[{\"op\":\"remove\",\"path\":\"/nope\"}]", "{}"),
        -1);
    assert_int_equal(jpatch("{\"a\":1}",
                            "[{\"op\":\"test\",\"path\":\"/a\",\"value\":2}]",
                            "{}"),
                     -1);
    assert_int_equal(jpatch("{\"a\":1}",
                            "[{\"op\":\"replace\",\"path\":\"/b\","
                            "\"value\":2}]",
                            "{}"),
                     -1);
    assert_int_equal(jpatch("{\"a\":1}", "{\"op\":\"add\"}", "{}"), -1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_merge_rfc7386),
        cmocka_unit_test(test_merge_strategic),
        cmocka_unit_test(test_json_patch),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
