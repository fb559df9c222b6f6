/*
 * Unit tests for the pod list filter and label selectors: kubectl's
 * selector syntax (=, ==, !=, in, notin, exists, !key, spaces, keys with
 * prefixes) with the apiserver's semantics for absent keys, malformed
 * selectors refused with a reason, and the filter kinds: substring
 * (case-insensitive, on name, namespace, ns/name, STATUS, NODE, IP),
 * regex (re: or regex-looking), negation, blank = none.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "podsel.h"
#include "podfilter.h"
#include "util.h"

static int
sel(const char *text, const char *labels)
{
    struct podsel s;
    char         *cause = NULL;
    int           m;

    if (podsel_parse(&s, text, &cause) != 0) {
        fail_msg("%s: %s", text, cause);
        free(cause);
        return -1;
    }
    m = podsel_match(&s, labels);
    podsel_done(&s);
    return m;
}

static void
test_selector_match(void **state)
{
    const char *l = "app=web,k8s.io/tier=front,version=1.2";

    (void)state;
    assert_int_equal(sel("app=web", l), 1);
    assert_int_equal(sel("app==web", l), 1);
    assert_int_equal(sel("app=db", l), 0);
    assert_int_equal(sel("app!=db", l), 1);
    assert_int_equal(sel("app!=web", l), 0);
    /* != and notin hold when the key is absent (apiserver semantics). */
    assert_int_equal(sel("env!=prod", l), 1);
    assert_int_equal(sel("env notin (prod)", l), 1);
    assert_int_equal(sel("env in (prod)", l), 0);
    assert_int_equal(sel("app in (db, web)", l), 1);
    assert_int_equal(sel("app in (db,cache)", l), 0);
    assert_int_equal(sel("app notin (db,web)", l), 0);
    assert_int_equal(sel("k8s.io/tier=front", l), 1);
    assert_int_equal(sel("k8s.io/tier", l), 1);
    assert_int_equal(sel("tier", l), 0); /* no prefix match */
    assert_int_equal(sel("!env", l), 1);
    assert_int_equal(sel("!app", l), 0);
    assert_int_equal(sel(" app = web , version in (1.2,1.3) ", l), 1);
    assert_int_equal(sel("app=web,version=1.3", l), 0);
    assert_int_equal(sel("app=web,!env,version", l), 1);
    /* No labels at all. */
    assert_int_equal(sel("app", NULL), 0);
    assert_int_equal(sel("!app", NULL), 1);
    assert_int_equal(sel("app!=x", NULL), 1);
    /* Value prefixes are not matches. */
    assert_int_equal(sel("app=we", l), 0);
    assert_int_equal(sel("version=1", l), 0);
}

static void
test_selector_errors(void **state)
{
    static const char *const bad[] = {
        "",         "=web",      "app in web", "app in (a,b",
        "app=web,", "app=web x", "app notin",  "a b",
    };
    struct podsel s;
    size_t        i;

    (void)state;
    for (i = 0; i < nitems(bad); i++) {
        char *cause = NULL;

        if (podsel_parse(&s, bad[i], &cause) == 0) {
            podsel_done(&s);
            fail_msg("accepted: \"%s\"", bad[i]);
        }
        assert_non_null(cause);
        free(cause);
    }
}

static struct pod_summary
pod(const char *ns, const char *name, const char *status, const char *node,
    const char *ip, const char *labels)
{
    struct pod_summary p;

    memset(&p, 0, sizeof p);
    p.ns = (char *)ns;
    p.name = (char *)name;
    p.status = (char *)status;
    p.node = (char *)node;
    p.ip = (char *)ip;
    p.labels = (char *)labels;
    return p;
}

static int
match(const char *text, const struct pod_summary *p)
{
    struct podfilter *f;
    char             *cause = NULL;
    int               m;

    f = podfilter_parse(text, &cause);
    if (cause != NULL) {
        fail_msg("%s: %s", text, cause);
        free(cause);
        return -1;
    }
    assert_non_null(f);
    m = podfilter_match(f, p);
    podfilter_free(f);
    return m;
}

static void
test_filter_kinds(void **state)
{
    struct pod_summary web = pod("prod", "web-7d9f", "Running", "node-1",
                                 "10.1.0.7", "app=web,tier=front");
    struct pod_summary db =
        pod("prod", "db-0", "CrashLoopBackOff", "node-2", NULL, "app=db");
    struct podfilter *f;
    char             *cause = NULL;

    (void)state;
    /* Substring, case-insensitive, on several fields. */
    assert_int_equal(match("WEB", &web), 1);
    assert_int_equal(match("web", &db), 0);
    assert_int_equal(match("prod/db", &db), 1);
    assert_int_equal(match("crashloop", &db), 1);
    assert_int_equal(match("node-2", &db), 1);
    assert_int_equal(match("10.1.0", &web), 1);
    assert_int_equal(match("10.1.0", &db), 0);
    /* Trimmed. */
    assert_int_equal(match("  db-0  ", &db), 1);
    /* Negation. */
    assert_int_equal(match("!web", &web), 0);
    assert_int_equal(match("!web", &db), 1);
    /* Regex: explicit, or by its characters. */
    assert_int_equal(match("re:^w.b-", &web), 1);
    assert_int_equal(match("re:^w.b-", &db), 0);
    assert_int_equal(match("^db-[0-9]+$", &db), 1);
    assert_int_equal(match("^DB", &db), 1);
    assert_int_equal(match("!^db", &db), 0);
    /* A dot alone is not a regex: "10.1.0.7" is a substring. */
    assert_int_equal(match("1.0.7", &web), 1);
    assert_int_equal(match("1x0", &web), 0);
    /* A term that looks like a regex but does not compile: substring. */
    assert_int_equal(match("web(", &web), 0);
    /* Label selectors. */
    assert_int_equal(match("-l app=web", &web), 1);
    assert_int_equal(match("-l app=web", &db), 0);
    assert_int_equal(match("-lapp=db", &db), 1);
    assert_int_equal(match("-l tier!=front", &db), 1);
    assert_int_equal(match("-l app in (db,cache)", &db), 1);
    assert_int_equal(match("!-l app=web", &web), 0);
    /* Blank: no filter. */
    assert_null(podfilter_parse("   ", &cause));
    assert_null(cause);
    /* Bad regex and selector: refused with a reason. */
    assert_null(podfilter_parse("re:a(", &cause));
    assert_non_null(cause);
    free(cause);
    assert_null(podfilter_parse("-l app in (", &cause));
    assert_non_null(cause);
    free(cause);
    f = podfilter_parse("!Web", &cause);
    assert_string_equal(f->text, "!Web");
    assert_int_equal(f->negate, 1);
    podfilter_free(f);
    assert_int_equal(podfilter_match(NULL, &db), 1);
    /* What the server can apply: an un-negated -l's selector, trimmed. */
    f = podfilter_parse("  -l  app in (db, cache) ", &cause);
    assert_string_equal(podfilter_server_selector(f), "app in (db, cache)");
    podfilter_free(f);
    f = podfilter_parse("-lapp=db", &cause);
    assert_string_equal(podfilter_server_selector(f), "app=db");
    podfilter_free(f);
    f = podfilter_parse("!-l app=db", &cause);
    assert_null(podfilter_server_selector(f));
    podfilter_free(f);
    f = podfilter_parse("db", &cause);
    assert_null(podfilter_server_selector(f));
    podfilter_free(f);
    assert_null(podfilter_server_selector(NULL));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_selector_match),
        cmocka_unit_test(test_selector_errors),
        cmocka_unit_test(test_filter_kinds),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
