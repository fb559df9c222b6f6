/*
 * Annotation validation by the apiserver's rules: valid and invalid keys
 * (name part, prefix, slashes, lengths), the 256 KiB total counted over
 * the other annotations, and the merge patch that sets or removes a key.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "annotate.h"
#include "util.h"

static void
key_ok(const char *key)
{
    char *why = annotate_check_key(key);

    if (why != NULL)
        fail_msg("%s rejected: %s", key, why);
}

/* rejected, and the message names the key and contains part */
static void
key_bad(const char *key, const char *part)
{
    char *why = annotate_check_key(key);

    if (why == NULL)
        fail_msg("%s accepted", key);
    if (strstr(why, part) == NULL || strstr(why, key) == NULL)
        fail_msg("%s: message \"%s\" lacks \"%s\"", key, why, part);
    free(why);
}

static char *
repeat(char c, size_t n)
{
    char *s = xmalloc(n + 1);

    memset(s, c, n);
    s[n] = '\0';
    return s;
}

static void
test_keys(void **state)
{
    char *s, *k;
    (void)state;

    key_ok("a");
    key_ok("MyName");
    key_ok("my.name");
    key_ok("123-abc");
    key_ok("a_b");
    key_ok("example.com/MyName");
    key_ok("kubernetes.io/change-cause");
    key_ok("a-b.c1/x");
    s = repeat('x', 63);
    key_ok(s);
    k = xasprintf("%s/%s", "example.com", s);
    key_ok(k);
    free(k);
    free(s);
    s = repeat('a', 253);
    k = xasprintf("%s/n", s);
    key_ok(k);
    free(k);
    free(s);

    key_bad("", "name part must be non-empty");
    key_bad("-a", "name part must consist of");
    key_bad("a-", "name part must consist of");
    key_bad("a b", "name part must consist of");
    key_bad("한국어", "name part must consist of");
    key_bad("a=b", "name part must consist of");
    key_bad("example.com/", "name part must be non-empty");
    key_bad("/name", "prefix part must be non-empty");
    key_bad("a/b/c", "a qualified name must consist of");
    key_bad("Example.com/x", "prefix part a lowercase RFC 1123 subdomain");
    key_bad("a..b/x", "prefix part a lowercase RFC 1123 subdomain");
    key_bad("a-.b/x", "prefix part a lowercase RFC 1123 subdomain");
    key_bad(".a/x", "prefix part a lowercase RFC 1123 subdomain");
    key_bad("a_b.com/x", "prefix part a lowercase RFC 1123 subdomain");
    s = repeat('x', 64);
    key_bad(s, "name part must be no more than 63 characters");
    free(s);
    s = repeat('a', 254);
    k = xasprintf("%s/n", s);
    key_bad(k, "prefix part must be no more than 253 characters");
    free(k);
    free(s);
}

static void
test_total(void **state)
{
    cJSON *ann = cJSON_CreateObject();
    char  *big, *why;
    (void)state;

    /* values are free text: newlines, UTF-8, empty */
    assert_null(annotate_check(NULL, "note", "line 1\nline 2 한국어"));
    assert_null(annotate_check(NULL, "note", ""));
    why = annotate_check(NULL, "bad key", "v");
    assert_non_null(why);
    assert_non_null(strstr(why, "metadata.annotations: Invalid value"));
    free(why);

    /* exactly 256 KiB of keys and values is allowed, one byte more not */
    big = repeat('v', ANNOTATE_TOTAL_MAX - 2 - 1);
    cJSON_AddStringToObject(ann, "aa", big);
    assert_null(annotate_check(ann, "b", ""));
    why = annotate_check(ann, "b", "x");
    assert_non_null(why);
    assert_string_equal(why, "metadata.annotations: Too long: may not be more "
                             "than 262144 bytes");
    free(why);
    /* replacing a key does not count its old value; removing always fits */
    assert_null(annotate_check(ann, "aa", "short"));
    assert_null(annotate_check(ann, "aa", NULL));
    free(big);
    big = repeat('v', ANNOTATE_TOTAL_MAX);
    why = annotate_check(ann, "aa", big);
    assert_non_null(why);
    free(why);
    free(big);
    cJSON_Delete(ann);
}

static void
test_patch_and_sort(void **state)
{
    char                 *p;
    cJSON                *doc, *v, *ann;
    struct annotate_item *items;
    size_t                n;
    (void)state;

    p = annotate_patch("example.com/k", "a \"quoted\"\nvalue");
    doc = cJSON_Parse(p);
    v = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(
            cJSON_GetObjectItemCaseSensitive(doc, "metadata"), "annotations"),
        "example.com/k");
    assert_true(cJSON_IsString(v));
    assert_string_equal(v->valuestring, "a \"quoted\"\nvalue");
    cJSON_Delete(doc);
    free(p);
    p = annotate_patch("gone", NULL);
    assert_string_equal(p, "{\"metadata\":{\"annotations\":{\"gone\":null}}}");
    free(p);

    ann = cJSON_Parse("{\"b\":\"2\",\"a/z\":\"1\",\"B\":\"3\",\"n\":7}");
    items = annotate_sorted(ann, &n);
    assert_int_equal(n, 4);
    assert_string_equal(items[0].key, "B");
    assert_string_equal(items[1].key, "a/z");
    assert_string_equal(items[1].value, "1");
    assert_string_equal(items[2].key, "b");
    assert_string_equal(items[3].key, "n");
    assert_string_equal(items[3].value, "");
    free(items);
    cJSON_Delete(ann);
    items = annotate_sorted(NULL, &n);
    assert_int_equal(n, 0);
    free(items);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_total),
        cmocka_unit_test(test_patch_and_sort),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
