/*
 * Unit tests for the pod summary: every vector of research/
 * kubectl-printing-vectors.json (read at test time from $KPOD_SHARED), every
 * HumanDuration / ShortHumanDuration example of kubectl-printing.md §2, and
 * the cells that the vectors leave out (AGE, labels, <none>).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "pod.h"
#include "testutil.h"
#include "util.h"

#define NOW_MS 1700000000000LL /* a fixed "now": 2023-11-14T22:13:20Z */
#define SEC 1000LL
#define MIN (60 * SEC)
#define HOUR (60 * MIN)
#define DAY (24 * HOUR)
#define YEAR (365 * DAY)

/* Replace every "NOW-<n><s|m|h>" string with an RFC 3339 time. */
static void
resolve_now(cJSON *n)
{
    cJSON *it;

    if (cJSON_IsString(n) && strncmp(n->valuestring, "NOW-", 4) == 0) {
        char     *end, stamp[40];
        long long v = strtoll(n->valuestring + 4, &end, 10);
        int64_t   unit = *end == 's' ? SEC : *end == 'm' ? MIN : HOUR;

        assert_true(*end == 's' || *end == 'm' || *end == 'h');
        ktime_format(stamp, sizeof stamp, (NOW_MS - v * unit) / 1000);
        cJSON_SetValuestring(n, stamp);
        return;
    }
    cJSON_ArrayForEach(it, n) resolve_now(it);
}

static void
check_cell(const char *id, const struct pod_summary *ps, enum pod_col col,
           const cJSON *expect, const char *key)
{
    char        buf[128];
    const char *want = cJSON_GetStringValue(cJSON_GetObjectItem(expect, key));

    if (want == NULL)
        fail_msg("%s: no expect.%s", id, key);
    pod_summary_cell(ps, col, NOW_MS, buf, sizeof buf);
    if (strcmp(buf, want) != 0)
        fail_msg("%s: %s is \"%s\", kubectl prints \"%s\"", id, key, buf, want);
}

static void
test_vectors(void **state)
{
    const char *shared = getenv("KPOD_SHARED");
    char       *path, *text;
    cJSON      *root, *v;
    int         n = 0, wide = 0;
    (void)state;
    if (shared == NULL)
        fail_msg("KPOD_SHARED is not set");
    path = xasprintf("%s/research/kubectl-printing-vectors.json", shared);
    text = testutil_slurp(path, NULL);
    if (text == NULL)
        fail_msg("cannot read %s", path);
    root = cJSON_Parse(text);
    assert_non_null(root);
    cJSON_ArrayForEach(v, cJSON_GetObjectItem(root, "vectors"))
    {
        const char        *id = cJSON_GetObjectItem(v, "id")->valuestring;
        cJSON             *pod = cJSON_GetObjectItem(v, "pod");
        cJSON             *exp = cJSON_GetObjectItem(v, "expect");
        struct pod_summary ps;
        char               buf[64];

        resolve_now(pod);
        assert_int_equal(pod_summary_init(&ps, pod), 0);
        check_cell(id, &ps, POD_COL_READY, exp, "ready");
        check_cell(id, &ps, POD_COL_STATUS, exp, "status");
        check_cell(id, &ps, POD_COL_RESTARTS, exp, "restarts");
        check_cell(id, &ps, POD_COL_AGE, exp, "age");
        pod_summary_cell(&ps, POD_COL_NAME, NOW_MS, buf, sizeof buf);
        assert_string_equal(
            buf,
            cJSON_GetObjectItem(cJSON_GetObjectItem(pod, "metadata"), "name")
                ->valuestring);
        if (cJSON_IsTrue(cJSON_GetObjectItem(v, "wide"))) {
            check_cell(id, &ps, POD_COL_IP, exp, "ip");
            check_cell(id, &ps, POD_COL_NODE, exp, "node");
            check_cell(id, &ps, POD_COL_NOMINATED, exp, "nominatedNode");
            check_cell(id, &ps, POD_COL_GATES, exp, "readinessGates");
            wide++;
        }
        pod_summary_done(&ps);
        n++;
    }
    printf("# %d vectors (%d wide) match\n", n, wide);
    assert_int_equal(n, 64);
    assert_int_equal(wide, 3);
    cJSON_Delete(root);
    free(text);
    free(path);
}

struct dcase {
    int64_t     ms;
    const char *want;
};

static void
test_human_duration(void **state)
{
    /* kubectl-printing.md §2.1: upstream examples and boundaries. */
    static const struct dcase cases[] = {
        {1 * SEC, "1s"},
        {70 * SEC, "70s"},
        {190 * SEC, "3m10s"},
        {70 * MIN, "70m"},
        {47 * HOUR, "47h"},
        {49 * HOUR, "2d1h"},
        {8 * DAY + 2 * HOUR, "8d"},
        {367 * DAY, "367d"},
        {2 * YEAR + 25 * HOUR, "2y1d"},
        {8 * YEAR + 2 * HOUR, "8y"},
        {-2 * SEC, "<invalid>"},
        {-2 * SEC + 1, "0s"}, /* Go: -2s+1ns; the nearest ms is the same */
        {0, "0s"},
        {999, "0s"},
        {2 * MIN - 1, "119s"},
        {2 * MIN, "2m"},
        {2 * MIN + SEC, "2m1s"},
        {10 * MIN - 1, "9m59s"},
        {10 * MIN, "10m"},
        {10 * MIN + SEC, "10m"},
        {3 * HOUR - 1, "179m"},
        {3 * HOUR, "3h"},
        {3 * HOUR + MIN, "3h1m"},
        {8 * HOUR - 1, "7h59m"},
        {8 * HOUR, "8h"},
        {8 * HOUR + 59 * MIN, "8h"},
        {48 * HOUR - 1, "47h"},
        {48 * HOUR, "2d"},
        {8 * DAY - 1, "7d23h"},
        {8 * DAY, "8d"},
        {8 * DAY + 23 * HOUR, "8d"},
        {2 * YEAR - 1, "729d"},
        {2 * YEAR, "2y"},
        {2 * YEAR + 23 * HOUR + 59 * MIN, "2y"},
        {2 * YEAR + DAY, "2y1d"},
        {3 * YEAR, "3y"},
        {4 * YEAR, "4y"},
        {5 * YEAR, "5y"},
        {6 * YEAR, "6y"},
        {7 * YEAR, "7y"},
        {8 * YEAR - 1, "7y364d"},
        {8 * YEAR, "8y"},
        {8 * YEAR + 364 * DAY, "8y"},
        {9 * YEAR, "9y"},
        /* Table rows of §2.1. */
        {91 * SEC, "91s"},
        {2 * MIN + 3 * SEC, "2m3s"},
        {100 * MIN, "100m"},
        {7 * DAY + 23 * HOUR, "7d23h"},
        {90 * DAY, "90d"},
        {10 * YEAR, "10y"},
    };
    char buf[32];
    (void)state;
    for (size_t i = 0; i < nitems(cases); i++) {
        duration_human(cases[i].ms, buf, sizeof buf);
        if (strcmp(buf, cases[i].want) != 0)
            fail_msg("HumanDuration(%lld ms) = %s, want %s",
                     (long long)cases[i].ms, buf, cases[i].want);
    }
}

static void
test_short_duration(void **state)
{
    /* kubectl-printing.md §2.2 boundaries. */
    static const struct dcase cases[] = {
        {1 * SEC, "1s"},      {2 * SEC - 1, "1s"}, {MIN - 1, "59s"},
        {MIN, "1m"},          {2 * MIN - 1, "1m"}, {HOUR - 1, "59m"},
        {HOUR, "1h"},         {DAY - 1, "23h"},    {DAY, "1d"},
        {2 * DAY - 1, "1d"},  {YEAR - 1, "364d"},  {YEAR, "1y"},
        {2 * YEAR - 1, "1y"}, {2 * YEAR, "2y"},    {-2 * SEC, "<invalid>"},
        {-1 * SEC, "0s"},
    };
    char buf[32];
    (void)state;
    for (size_t i = 0; i < nitems(cases); i++) {
        duration_short(cases[i].ms, buf, sizeof buf);
        if (strcmp(buf, cases[i].want) != 0)
            fail_msg("ShortHumanDuration(%lld ms) = %s, want %s",
                     (long long)cases[i].ms, buf, cases[i].want);
    }
}

static void
test_since(void **state)
{
    /* printers_test TestTranslateTimestampSince. */
    static const struct dcase cases[] = {
        {-2100, "<invalid>"}, {-1900, "0s"},     {0, "0s"},
        {30 * SEC, "30s"},    {5 * MIN, "5m"},   {100 * MIN, "100m"},
        {2 * DAY, "2d"},      {90 * DAY, "90d"}, {10 * YEAR, "10y"},
    };
    char buf[32];
    (void)state;
    for (size_t i = 0; i < nitems(cases); i++) {
        duration_since(NOW_MS - cases[i].ms, NOW_MS, buf, sizeof buf);
        assert_string_equal(buf, cases[i].want);
    }
    assert_string_equal(duration_since(0, NOW_MS, buf, sizeof buf),
                        "<unknown>");
}

static void
test_other_cells(void **state)
{
    const char *j =
        "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"web\",\"namespace\":"
        "\"ns1\","
        "\"uid\":\"u1\",\"creationTimestamp\":\"2023-11-14T22:11:49Z\","
        "\"labels\":{\"tier\":\"web\",\"app\":\"x\",\"Z\":\"1\"}},"
        "\"spec\":{\"containers\":[{\"name\":\"c\"}]},\"status\":{\"phase\":"
        "\"Running\",\"podIP\":\"10.0.0.1\",\"podIPs\":[{\"ip\":\"10.0.0.2\"}]}"
        "}";
    cJSON             *pod = cJSON_Parse(j);
    struct pod_summary ps;
    char               buf[64];
    (void)state;
    assert_int_equal(pod_summary_init(&ps, pod), 0);
    assert_string_equal(ps.uid, "u1");
    assert_string_equal(
        pod_summary_cell(&ps, POD_COL_NAMESPACE, NOW_MS, buf, sizeof buf),
        "ns1");
    /* 91 s old: kubectl prints 91s, not 1m31s. */
    assert_string_equal(
        pod_summary_cell(&ps, POD_COL_AGE, NOW_MS, buf, sizeof buf), "91s");
    assert_string_equal(
        pod_summary_cell(&ps, POD_COL_LABELS, NOW_MS, buf, sizeof buf),
        "Z=1,app=x,tier=web");
    /* status.podIPs wins over podIP. */
    assert_string_equal(
        pod_summary_cell(&ps, POD_COL_IP, NOW_MS, buf, sizeof buf), "10.0.0.2");
    assert_string_equal(
        pod_summary_cell(&ps, POD_COL_GATES, NOW_MS, buf, sizeof buf),
        "<none>");
    assert_string_equal(pod_col_names[POD_COL_NOMINATED], "NOMINATED NODE");
    /* A tiny buffer truncates instead of overflowing. */
    assert_string_equal(pod_summary_cell(&ps, POD_COL_STATUS, NOW_MS, buf, 4),
                        "Run");
    pod_summary_done(&ps);
    pod_summary_done(NULL);
    cJSON_Delete(pod);

    pod = cJSON_Parse("{\"kind\":\"Service\",\"metadata\":{}}");
    assert_int_equal(pod_summary_init(&ps, pod), -1);
    pod_summary_done(&ps);
    cJSON_Delete(pod);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vectors),
        cmocka_unit_test(test_human_duration),
        cmocka_unit_test(test_short_duration),
        cmocka_unit_test(test_since),
        cmocka_unit_test(test_other_cells),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
