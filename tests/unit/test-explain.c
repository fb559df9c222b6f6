/*
 * explain: the text for several paths equals what the real kubectl 1.32
 * printed for the same OpenAPI fixture (tests/unit/data/explain-*.txt,
 * captured from `kubectl explain` against kpod-sim --openapi), the field
 * lists the pane browses, kubectl's errors, go-wordwrap's rules, and a
 * self-referencing schema that must not loop.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "explain.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *
slurp(const char *path, size_t *len)
{
    FILE       *f = fopen(path, "rb");
    struct kbuf b;
    char        buf[65536];
    size_t      n;

    if (f == NULL)
        fail_msg("cannot open %s", path);
    kbuf_init(&b);
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        kbuf_append(&b, buf, n);
    fclose(f);
    *len = b.len;
    return kbuf_steal(&b);
}

static struct explain *
fixture(void)
{
    const char     *shared = getenv("KPOD_SHARED");
    char           *path, *text, *cause = NULL;
    size_t          len;
    struct explain *e;

    if (shared == NULL)
        fail_msg("KPOD_SHARED is not set");
    path = xasprintf("%s/fixtures/openapi/api-v1.json", shared);
    text = slurp(path, &len);
    e = explain_create(text, len, &cause);
    if (e == NULL)
        fail_msg("%s: %s", path, cause);
    free(text);
    free(path);
    return e;
}

static void
test_kubectl_text(void **state)
{
    static const char *const paths[] = {
        "pods",
        "pods.spec.containers",
        "pods.spec.containers.ports",
        "pods.status.phase",
        "pods.metadata.creationTimestamp",
        "pods.spec.overhead",
    };
    const char     *src = getenv("KPOD_SOURCE_DIR");
    struct explain *e = fixture();
    size_t          i, len;

    (void)state;
    assert_non_null(src);
    for (i = 0; i < nitems(paths); i++) {
        char *gp = xasprintf("%s/tests/unit/data/explain-%s.kubectl-1.32.txt",
                             src, paths[i]);
        char *want = slurp(gp, &len), *cause = NULL;
        char *got = explain_text(e, paths[i], &cause);

        if (got == NULL)
            fail_msg("%s: %s", paths[i], cause);
        if (strcmp(got, want) != 0) {
            print_error("--- kubectl\n%s--- kpod\n%s", want, got);
            fail_msg("%s differs from kubectl", paths[i]);
        }
        free(got);
        free(want);
        free(gp);
    }
    /* aliases name the same resource */
    {
        char *a = explain_text(e, "pods.spec", NULL);
        char *b = explain_text(e, "po.spec", NULL);
        char *c = explain_text(e, "pod.spec", NULL);

        assert_non_null(a);
        assert_string_equal(a, b);
        assert_string_equal(a, c);
        free(a);
        free(b);
        free(c);
    }
    explain_free(e);
}

static void
test_errors(void **state)
{
    struct explain *e = fixture();
    char           *cause = NULL;

    (void)state;
    assert_null(explain_text(e, "pods.spec.nope", &cause));
    assert_string_equal(cause, "field \"nope\" does not exist");
    free(cause);
    cause = NULL;
    assert_null(explain_text(e, "pods.spec.containers.name.x", &cause));
    assert_string_equal(cause, "field \"x\" does not exist");
    free(cause);
    cause = NULL;
    /* kubectl names the last field, not the first missing one */
    assert_null(explain_text(e, "pods.nope.spec", &cause));
    assert_string_equal(cause, "field \"spec\" does not exist");
    free(cause);
    cause = NULL;
    assert_null(explain_text(e, "widgets", &cause));
    assert_string_equal(cause,
                        "the server doesn't have a resource type \"widgets\"");
    free(cause);
    cause = NULL;
    assert_null(explain_text(e, "", &cause));
    assert_non_null(cause);
    free(cause);
    cause = NULL;
    assert_null(explain_create("{\"openapi\":\"3.0.0\"}", 19, &cause));
    assert_non_null(strstr(cause, "components.schemas"));
    free(cause);
    cause = NULL;
    assert_null(explain_create("not json", 8, &cause));
    free(cause);
    explain_free(e);
}

static void
test_fields(void **state)
{
    struct explain       *e = fixture();
    struct explain_field *f;
    size_t                n, i;
    char                 *cause = NULL;
    int                   saw_name = 0, saw_image = 0, saw_probe = 0;

    (void)state;
    assert_int_equal(explain_fields(e, "pods.spec.containers", &f, &n, &cause),
                     0);
    assert_true(n > 20);
    for (i = 0; i < n; i++) {
        if (i > 0)
            assert_true(strcmp(f[i - 1].name, f[i].name) < 0);
        if (strcmp(f[i].name, "name") == 0) {
            saw_name = 1;
            assert_true(f[i].required);
            assert_string_equal(f[i].type, "string");
            assert_false(f[i].has_fields);
        }
        if (strcmp(f[i].name, "image") == 0) {
            saw_image = 1;
            assert_false(f[i].required);
        }
        if (strcmp(f[i].name, "livenessProbe") == 0) {
            saw_probe = 1;
            assert_string_equal(f[i].type, "Probe");
            assert_true(f[i].has_fields);
            assert_non_null(strstr(f[i].description, "liveness"));
        }
    }
    assert_true(saw_name && saw_image && saw_probe);
    explain_fields_free(f, n);
    /* a map of strings has no fields */
    assert_int_equal(explain_fields(e, "pods.metadata.labels", &f, &n, &cause),
                     0);
    assert_int_equal(n, 0);
    explain_fields_free(f, n);
    assert_int_equal(explain_fields(e, "pods.nope", &f, &n, &cause), -1);
    assert_string_equal(cause, "field \"nope\" does not exist");
    free(cause);
    explain_free(e);
}

static void
test_wrap(void **state)
{
    char *w;

    (void)state;
    w = explain_wrap("aaa bbb ccc", 7);
    assert_string_equal(w, "aaa bbb\nccc");
    free(w);
    /* a word longer than the limit stands alone, unbroken */
    w = explain_wrap("a http://example.com/long/url b", 10);
    assert_string_equal(w, "a\nhttp://example.com/long/url\nb");
    free(w);
    /* newlines are kept; double spaces inside a line too */
    w = explain_wrap("one.  two\n\nthree", 20);
    assert_string_equal(w, "one.  two\n\nthree");
    free(w);
    /* runes, not bytes: six two-byte letters fit in 6 */
    w = explain_wrap("\xc3\xa9\xc3\xa9\xc3\xa9 \xc3\xa9\xc3\xa9 x", 6);
    assert_string_equal(w, "\xc3\xa9\xc3\xa9\xc3\xa9 \xc3\xa9\xc3\xa9\nx");
    free(w);
    w = explain_wrap("", 76);
    assert_string_equal(w, "");
    free(w);
}

/* A schema that refers to itself (JSONSchemaProps does in CRDs) is walked
 * without looping, and types come out through $ref, items and maps. */
static void
test_cycle(void **state)
{
    static const char doc[] =
        "{\"paths\":{\"/api/v1/things\":{\"get\":{"
        "\"x-kubernetes-group-version-kind\":{\"group\":\"\",\"version\":"
        "\"v1\",\"kind\":\"Thing\"}}}},\"components\":{\"schemas\":{"
        "\"a.Thing\":{\"description\":\"A thing.\",\"type\":\"object\","
        "\"required\":[\"self\"],"
        "\"x-kubernetes-group-version-kind\":[{\"group\":\"\",\"version\":"
        "\"v1\",\"kind\":\"Thing\"}],\"properties\":{"
        "\"self\":{\"$ref\":\"#/components/schemas/a.Thing\"},"
        "\"loop\":{\"$ref\":\"#/components/schemas/a.Loop\"},"
        "\"list\":{\"type\":\"array\",\"items\":{\"type\":\"integer\"}},"
        "\"map\":{\"type\":\"object\",\"additionalProperties\":{\"allOf\":[{"
        "\"$ref\":\"#/components/schemas/a.Thing\"}]}}}},"
        "\"a.Loop\":{\"$ref\":\"#/components/schemas/a.Loop\"}}}}";
    struct explain *e;
    char           *cause = NULL, *t;

    (void)state;
    e = explain_create(doc, sizeof doc - 1, &cause);
    assert_non_null(e);
    t = explain_text(e, "things.self.self.map.list", &cause);
    assert_non_null(t);
    assert_non_null(strstr(t, "FIELD: list <[]integer>"));
    free(t);
    t = explain_text(e, "things", &cause);
    assert_non_null(strstr(t, "  self\t<Thing> -required-\n"));
    assert_non_null(strstr(t, "  map\t<map[string]Thing>\n"));
    assert_non_null(strstr(t, "    <no description>\n"));
    free(t);
    assert_null(explain_text(e, "things.loop.x", &cause));
    free(cause);
    explain_free(e);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kubectl_text), cmocka_unit_test(test_errors),
        cmocka_unit_test(test_fields),       cmocka_unit_test(test_wrap),
        cmocka_unit_test(test_cycle),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
