/*
 * Unit tests for kyaml: scalar resolution, multi-document streams, error
 * positions, anchors and merge keys, emit/parse round trips, and the real
 * pod fixtures (parse them all; the ones printed by kubectl come back
 * byte-identical through kyaml_emit_sorted).
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "kyaml.h"
#include "testutil.h"
#include "util.h"

static cJSON *
parse(const char *text)
{
    char  *cause = NULL;
    cJSON *n = kyaml_parse(text, strlen(text), "t.yaml", &cause);

    if (n == NULL)
        fail_msg("parse failed: %s", cause);
    assert_null(cause);
    return n;
}

static void
test_scalars(void **state)
{
    cJSON *n = parse("a: 1\nb: -0x1f\nc: 1.5e3\nd: true\ne: yes\nf: off\n"
                     "g: ~\nh:\ni: null\nj: '1'\nk: \"true\"\nl: 1_000\n"
                     "m: hello world\nn: 0777\no: .5\np: 1.2.3\nq: !!str 12\n"
                     "r: 0b101\ns: +7\nt: 08\n");
    (void)state;
    assert_int_equal(cJSON_GetObjectItem(n, "a")->valuedouble, 1);
    assert_int_equal(cJSON_GetObjectItem(n, "b")->valuedouble, -31);
    assert_int_equal(cJSON_GetObjectItem(n, "c")->valuedouble, 1500);
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(n, "d")));
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(n, "e")));
    assert_true(cJSON_IsFalse(cJSON_GetObjectItem(n, "f")));
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(n, "g")));
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(n, "h")));
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(n, "i")));
    assert_string_equal(cJSON_GetObjectItem(n, "j")->valuestring, "1");
    assert_string_equal(cJSON_GetObjectItem(n, "k")->valuestring, "true");
    assert_int_equal(cJSON_GetObjectItem(n, "l")->valuedouble, 1000);
    assert_string_equal(cJSON_GetObjectItem(n, "m")->valuestring,
                        "hello world");
    assert_int_equal(cJSON_GetObjectItem(n, "n")->valuedouble, 511);
    assert_true(cJSON_GetObjectItem(n, "o")->valuedouble == 0.5);
    assert_string_equal(cJSON_GetObjectItem(n, "p")->valuestring, "1.2.3");
    assert_string_equal(cJSON_GetObjectItem(n, "q")->valuestring, "12");
    assert_int_equal(cJSON_GetObjectItem(n, "r")->valuedouble, 5);
    assert_int_equal(cJSON_GetObjectItem(n, "s")->valuedouble, 7);
    assert_int_equal(cJSON_GetObjectItem(n, "t")->valuedouble, 8);
    cJSON_Delete(n);
}

static void
test_json_input(void **state)
{
    cJSON *n =
        parse(" {\"a\": [1, \"x\", {\"b\": null}], \"c\": \"\\u00e9\"}\n");
    cJSON *m = parse("{a: [1, x], 'c': \"d\"}"); /* flow YAML, not JSON */
    (void)state;
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(n, "a")), 3);
    assert_string_equal(cJSON_GetObjectItem(n, "c")->valuestring, "\xc3\xa9");
    assert_string_equal(
        cJSON_GetArrayItem(cJSON_GetObjectItem(m, "a"), 1)->valuestring, "x");
    assert_string_equal(cJSON_GetObjectItem(m, "c")->valuestring, "d");
    cJSON_Delete(n);
    cJSON_Delete(m);

    /* A repeated key: the last wins, in JSON as in YAML. */
    n = parse("{\"a\": 1, \"b\": {\"c\": 1, \"c\": 2}, \"a\": 3}");
    m = parse("a: 1\nb: {c: 1, c: 2}\na: 3\n");
    assert_int_equal(cJSON_GetArraySize(n), 2);
    assert_int_equal(cJSON_GetObjectItem(n, "a")->valuedouble, 3);
    assert_int_equal(
        cJSON_GetObjectItem(cJSON_GetObjectItem(n, "b"), "c")->valuedouble, 2);
    assert_true(cJSON_Compare(n, m, 1));
    cJSON_Delete(n);
    cJSON_Delete(m);
}

static void
test_multidoc(void **state)
{
    const char *t = "---\na: 1\n---\n---\n# only a comment\n---\n- x\n- 'y'\n"
                    "...\n---\nb: 2\n";
    cJSON     **docs;
    size_t      n;
    char       *cause = NULL;
    (void)state;
    assert_int_equal(kyaml_parse_all(t, strlen(t), "m.yaml", &docs, &n, &cause),
                     0);
    assert_int_equal(n, 3);
    assert_true(cJSON_IsObject(docs[0]));
    assert_true(cJSON_IsArray(docs[1]));
    assert_string_equal(cJSON_GetArrayItem(docs[1], 1)->valuestring, "y");
    assert_int_equal(cJSON_GetObjectItem(docs[2], "b")->valuedouble, 2);
    kyaml_free_docs(docs, n);

    /* kyaml_parse insists on one document; empty input is null. */
    assert_null(kyaml_parse(t, strlen(t), "m.yaml", &cause));
    assert_non_null(strstr(cause, "m.yaml"));
    free(cause);
    docs = (cJSON **)parse("");
    assert_true(cJSON_IsNull((cJSON *)docs));
    cJSON_Delete((cJSON *)docs);
}

static void
expect_error(const char *text, const char *where, const char *word)
{
    char  *cause = NULL;
    cJSON *n = kyaml_parse(text, strlen(text), "bad.yaml", &cause);

    assert_null(n);
    assert_non_null(cause);
    if (strncmp(cause, where, strlen(where)) != 0)
        fail_msg("cause \"%s\" does not start with \"%s\"", cause, where);
    if (word != NULL && strstr(cause, word) == NULL)
        fail_msg("cause \"%s\" does not mention \"%s\"", cause, word);
    free(cause);
}

static void
test_errors(void **state)
{
    (void)state;
    /* Bad indentation on line 3: libyaml reports it at the third line. */
    expect_error("a:\n  b: 1\n c: 2\n", "bad.yaml:3:", NULL);
    /* A tab used for indentation. */
    expect_error("a:\n\tb: 1\n", "bad.yaml:2:1:", NULL);
    /* Unclosed flow sequence: the error is at the end of the input. */
    expect_error("x: [1, 2\n", "bad.yaml:2:1:", NULL);
    expect_error("a: *nope\n", "bad.yaml:1:4:", "nope");
    expect_error("? [a]\n: 1\n", "bad.yaml:", "scalar");
    expect_error("a: 1\n<<: 5\n", "bad.yaml:2:", "merge");
    /* Unterminated quoted string. */
    expect_error("a: \"abc\n", "bad.yaml:", "quoted");
}

static void
test_anchors(void **state)
{
    cJSON *n = parse("base: &b\n  x: 1\n  y: 2\nother:\n  <<: *b\n  y: 3\n"
                     "list: [&v 7, *v]\n");
    cJSON *o = cJSON_GetObjectItem(n, "other");
    (void)state;
    assert_int_equal(cJSON_GetObjectItem(o, "x")->valuedouble, 1);
    assert_int_equal(cJSON_GetObjectItem(o, "y")->valuedouble, 3);
    assert_null(cJSON_GetObjectItem(o, "<<"));
    assert_int_equal(
        cJSON_GetArrayItem(cJSON_GetObjectItem(n, "list"), 1)->valuedouble, 7);
    cJSON_Delete(n);
}

static void
test_emit(void **state)
{
    const char *in =
        "{\"kind\":\"Pod\",\"metadata\":{\"labels\":{},\"annotations\":"
        "{\"a\":\"true\",\"b\":\"123\",\"c\":\"\",\"d\":\"*x\",\"e\":"
        "\"line1\\nline2\\n\",\"f\":\"null\",\"g\":\"1.5\",\"h\":\"x: y\"}},"
        "\"spec\":{\"containers\":[{\"name\":\"c\",\"ports\":[{"
        "\"containerPort\""
        ":80}],\"args\":[]}],\"n\":null,\"t\":true,\"f\":1.25}}";
    const char *want = "kind: Pod\n"
                       "metadata:\n"
                       "  labels: {}\n"
                       "  annotations:\n"
                       "    a: \"true\"\n"
                       "    b: \"123\"\n"
                       "    c: \"\"\n"
                       "    d: '*x'\n"
                       "    e: |\n"
                       "      line1\n"
                       "      line2\n"
                       "    f: \"null\"\n"
                       "    g: \"1.5\"\n"
                       "    h: 'x: y'\n"
                       "spec:\n"
                       "  containers:\n"
                       "  - name: c\n"
                       "    ports:\n"
                       "    - containerPort: 80\n"
                       "    args: []\n"
                       "  \"n\": null\n"
                       "  t: true\n"
                       "  f: 1.25\n";
    cJSON      *j = cJSON_Parse(in);
    char       *y = kyaml_emit(j);
    cJSON      *back;
    (void)state;
    assert_string_equal(y, want);
    /* The YAML reads back as the same JSON. */
    back = parse(y);
    assert_true(cJSON_Compare(j, back, 1));
    free(y);
    cJSON_Delete(back);

    /* A "<<" key is quoted (it would read back as a merge key); invalid
     * UTF-8 from JSON input becomes U+FFFD instead of failing. */
    cJSON_Delete(j);
    j = cJSON_Parse("{\"<<\":\"m\",\"bad\":\"a\xff\xc3(b\"}");
    y = kyaml_emit(j);
    assert_string_equal(y, "\"<<\": m\nbad: a\xef\xbf\xbd\xef\xbf\xbd(b\n");
    back = parse(y);
    assert_string_equal(cJSON_GetObjectItem(back, "<<")->valuestring, "m");
    cJSON_Delete(back);
    free(y);

    /* Sorted output follows go-yaml's order: digits compare as numbers. */
    cJSON_Delete(j);
    j = cJSON_Parse("{\"b\":1,\"a10\":2,\"a9\":3,\"A\":4}");
    y = kyaml_emit_sorted(j);
    assert_string_equal(y, "A: 4\na9: 3\na10: 2\nb: 1\n");
    free(y);
    cJSON_Delete(j);
}

/* Every fixture pod parses; those printed by kubectl -o yaml round-trip
 * exactly; the JSON and YAML forms of case17 are the same object. */
static void
test_fixtures(void **state)
{
    const char    *shared = getenv("KPOD_SHARED");
    char          *dir;
    DIR           *d;
    struct dirent *e;
    int            parsed = 0, identical = 0;
    (void)state;
    if (shared == NULL)
        fail_msg("KPOD_SHARED is not set");
    dir = xasprintf("%s/fixtures/real-pods", shared);
    d = opendir(dir);
    if (d == NULL)
        fail_msg("cannot open %s", dir);
    while ((e = readdir(d)) != NULL) {
        char  *path, *text, *cause = NULL, *out;
        size_t len;
        cJSON *pod;

        if (strncmp(e->d_name, "case", 4) != 0)
            continue;
        path = xasprintf("%s/%s/pod.yaml", dir, e->d_name);
        text = testutil_slurp(path, &len);
        if (text == NULL)
            fail_msg("cannot read %s", path);
        pod = kyaml_parse(text, len, path, &cause);
        if (pod == NULL)
            fail_msg("%s", cause);
        assert_string_equal(
            cJSON_GetStringValue(cJSON_GetObjectItem(pod, "kind")), "Pod");
        parsed++;
        out = kyaml_emit_sorted(pod);
        if (strcmp(out, text) == 0)
            identical++;
        else
            printf("# %s: emitted YAML differs from the file\n", e->d_name);
        if (strstr(e->d_name, "case17") != NULL) {
            char  *jpath = xasprintf("%s/%s/pod.json", dir, e->d_name);
            char  *jtext = testutil_slurp(jpath, &len);
            cJSON *j = kyaml_parse(jtext, len, jpath, &cause);

            assert_non_null(j);
            assert_true(cJSON_Compare(j, pod, 1));
            cJSON_Delete(j);
            free(jtext);
            free(jpath);
        }
        free(out);
        cJSON_Delete(pod);
        free(text);
        free(path);
    }
    closedir(d);
    free(dir);
    printf("# %d fixtures parsed, %d round-trip byte-identical\n", parsed,
           identical);
    assert_true(parsed >= 17);
    assert_true(identical >= 16); /* all but case02 (2016, before quoting) */
}

/* Property: whatever kyaml accepts, its own YAML output reads back as the
 * same tree. Inputs are deterministic byte mutations of real pods (so
 * quoting, block scalars, flow collections, anchors and broken indentation
 * all occur); rejected inputs must come with a FILE:LINE:COL cause. */
static void
test_mutation_round_trip(void **state)
{
    static const char        chars[] = ":-[]{}'\"#&*!|>\n \t,?%@`~0.";
    static const char *const cases[] = {"case17", "case11", "case04"};
    const char              *shared = getenv("KPOD_SHARED");
    unsigned                 seed = 12345;
    int                      ok = 0, bad = 0;
    (void)state;
    if (shared == NULL)
        fail_msg("KPOD_SHARED is not set");
    for (size_t c = 0; c < nitems(cases); c++) {
        char          *dir = xasprintf("%s/fixtures/real-pods", shared), *text;
        char          *path = NULL;
        size_t         len;
        DIR           *d = opendir(dir);
        struct dirent *e;

        assert_non_null(d);
        while ((e = readdir(d)) != NULL)
            if (strncmp(e->d_name, cases[c], 6) == 0)
                path = xasprintf("%s/%s/pod.yaml", dir, e->d_name);
        closedir(d);
        assert_non_null(path);
        text = testutil_slurp(path, &len);
        for (int m = 0; m < 300; m++) {
            char  *mut = xstrndup(text, len), *cause = NULL, *out;
            size_t mlen = len;
            cJSON *a, *b;

            for (int k = 0; k < 1 + m % 4; k++) {
                size_t at;

                seed = seed * 1103515245u + 12345u;
                at = (seed >> 8) % mlen;
                seed = seed * 1103515245u + 12345u;
                switch ((seed >> 8) % 3) {
                case 0: /* replace */
                    mut[at] = chars[(seed >> 12) % (sizeof chars - 1)];
                    break;
                case 1: /* delete */
                    memmove(mut + at, mut + at + 1, mlen - at);
                    mlen--;
                    break;
                default: /* truncate */
                    if (m % 7 == 0)
                        mlen = at + 1;
                    mut[mlen] = '\0';
                }
            }
            a = kyaml_parse(mut, mlen, "m.yaml", &cause);
            if (a == NULL) {
                assert_non_null(cause);
                assert_true(strncmp(cause, "m.yaml:", 7) == 0);
                free(cause);
                bad++;
            } else {
                out = kyaml_emit(a);
                assert_non_null(out);
                b = kyaml_parse(out, strlen(out), "out.yaml", &cause);
                if (b == NULL || !cJSON_Compare(a, b, 1)) {
                    char *ja = cJSON_Print(a);

                    fail_msg("round trip changed the tree (%s)\n--- yaml:\n%s"
                             "\n--- from:\n%.2000s",
                             cause ? cause : "differs", out, ja);
                }
                cJSON_Delete(b);
                cJSON_Delete(a);
                free(out);
                ok++;
            }
            free(mut);
        }
        free(text);
        free(path);
        free(dir);
    }
    printf("# %d mutants round-tripped, %d rejected with a position\n", ok,
           bad);
    assert_true(ok > 100 && bad > 100);
}

/* What the real kubectl 1.32.4 printed with `get pod -o yaml` for the
 * synthetic edge pod (escapes, CR, ESC, long and multi-line strings,
 * quantities, empty maps): kyaml_emit_sorted must print the same bytes. */
static void
test_kubectl_yaml_golden(void **state)
{
    const char *src = getenv("KPOD_SOURCE_DIR");
    char       *pj, *yj, *json, *want, *got;
    size_t      len;
    cJSON      *pod;
    (void)state;
    if (src == NULL)
        fail_msg("KPOD_SOURCE_DIR is not set");
    pj = xasprintf("%s/tests/unit/data/describe-edge-pod.json", src);
    yj = xasprintf("%s/tests/unit/data/describe-edge-pod.kubectl-1.32.yaml",
                   src);
    json = testutil_slurp(pj, &len);
    want = testutil_slurp(yj, &len);
    if (json == NULL || want == NULL)
        fail_msg("cannot read %s or %s", pj, yj);
    pod = cJSON_Parse(json);
    assert_non_null(pod);
    got = kyaml_emit_sorted(pod);
    assert_string_equal(got, want);
    free(got);
    /* and the YAML reads back as the same object */
    {
        cJSON *back = parse(want);

        assert_true(cJSON_Compare(pod, back, 1));
        cJSON_Delete(back);
    }
    cJSON_Delete(pod);
    free(json);
    free(want);
    free(pj);
    free(yj);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scalars),
        cmocka_unit_test(test_json_input),
        cmocka_unit_test(test_multidoc),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_anchors),
        cmocka_unit_test(test_emit),
        cmocka_unit_test(test_fixtures),
        cmocka_unit_test(test_mutation_round_trip),
        cmocka_unit_test(test_kubectl_yaml_golden),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
