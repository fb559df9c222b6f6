/*
 * Unit tests for event summaries: the upstream TestPrintEvent cases of
 * `kubectl get events` (kubectl-printing.md §5.2), the describe age with
 * "(xN over T)" for counted and series events (§5.1), sort keys, and
 * MicroTime parsing.
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

#include "event.h"
#include "util.h"

#define NOW_MS 1700000000000LL
#define SEC 1000LL
#define DAY (86400 * SEC)

/* RFC 3339 for now - ago_ms (whole seconds). */
static char *
ago(int64_t ago_ms)
{
    static char bufs[8][40];
    static int  next;
    char       *b = bufs[next++ % 8];

    ktime_format(b, 40, (NOW_MS - ago_ms) / 1000);
    return b;
}

static struct event_summary
load(const char *json)
{
    struct event_summary es;
    cJSON               *j = cJSON_Parse(json);

    assert_non_null(j);
    assert_int_equal(event_summary_init(&es, j), 0);
    cJSON_Delete(j);
    return es;
}

static void
expect(const struct event_summary *es, enum event_col col, const char *want)
{
    char buf[256];

    event_summary_cell(es, col, NOW_MS, buf, sizeof buf);
    if (strcmp(buf, want) != 0)
        fail_msg("%s = \"%s\", want \"%s\"", event_col_names[col], buf, want);
}

static void
test_print_event(void **state)
{
    char                *j;
    struct event_summary es;
    (void)state;

    /* TestPrintEvent: first 3d ago, last 2d ago, count 6. */
    j = xasprintf(
        "{\"metadata\":{\"name\":\"event1\",\"namespace\":\"ns\"},"
        "\"source\":{\"component\":\"kubelet\",\"host\":\"Node1\"},"
        "\"involvedObject\":{\"kind\":\"Pod\",\"name\":\"Pod Name\","
        "\"fieldPath\":\"spec.containers{foo}\"},\"reason\":\"Event "
        "Reason\",\"message\":\"  Message Data \\n\",\"firstTimestamp\""
        ":\"%s\",\"lastTimestamp\":\"%s\",\"count\":6,\"type\":"
        "\"Normal\"}",
        ago(3 * DAY), ago(2 * DAY));
    es = load(j);
    expect(&es, EVENT_COL_LAST_SEEN, "2d");
    expect(&es, EVENT_COL_TYPE, "Normal");
    expect(&es, EVENT_COL_REASON, "Event Reason");
    expect(&es, EVENT_COL_OBJECT, "pod/Pod Name");
    expect(&es, EVENT_COL_MESSAGE, "Message Data");
    expect(&es, EVENT_COL_SUBOBJECT, "spec.containers{foo}");
    expect(&es, EVENT_COL_SOURCE, "kubelet, Node1");
    expect(&es, EVENT_COL_FIRST_SEEN, "3d");
    expect(&es, EVENT_COL_COUNT, "6");
    expect(&es, EVENT_COL_NAME, "event1");
    expect(&es, EVENT_COL_NAMESPACE, "ns");
    event_summary_done(&es);
    free(j);

    /* Kind keeps its words but is lower-cased. */
    j = xasprintf("{\"involvedObject\":{\"kind\":\"Deployment\",\"name\":"
                  "\"Deployment Name\"},\"firstTimestamp\":\"%s\","
                  "\"lastTimestamp\":\"%s\",\"count\":6,\"type\":\"Warning\"}",
                  ago(3 * DAY), ago(2 * DAY));
    es = load(j);
    expect(&es, EVENT_COL_OBJECT, "deployment/Deployment Name");
    expect(&es, EVENT_COL_TYPE, "Warning");
    event_summary_done(&es);
    free(j);

    /* Series: count 2, lastObserved 2d, eventTime 3d. */
    j = xasprintf("{\"involvedObject\":{\"kind\":\"Pod\"},\"eventTime\":"
                  "\"%s\",\"series\":{\"count\":2,\"lastObservedTime\":"
                  "\"%s\"},\"reportingController\":\"kubelet\","
                  "\"reportingInstance\":\"test\"}",
                  ago(3 * DAY), ago(2 * DAY));
    es = load(j);
    expect(&es, EVENT_COL_LAST_SEEN, "2d");
    expect(&es, EVENT_COL_FIRST_SEEN, "3d");
    expect(&es, EVENT_COL_COUNT, "2");
    expect(&es, EVENT_COL_OBJECT, "pod");
    expect(&es, EVENT_COL_SOURCE, "kubelet, test");
    event_summary_done(&es);
    free(j);

    /* Singleton with only eventTime: both 3d, count 1. */
    j = xasprintf("{\"eventTime\":\"%s\"}", ago(3 * DAY));
    es = load(j);
    expect(&es, EVENT_COL_LAST_SEEN, "3d");
    /* no component anywhere: printEvent's "<unknown>", not "" */
    expect(&es, EVENT_COL_SOURCE, "<unknown>");
    expect(&es, EVENT_COL_FIRST_SEEN, "3d");
    expect(&es, EVENT_COL_COUNT, "1");
    event_summary_done(&es);
    free(j);
}

static void
test_describe_age(void **state)
{
    char                *j, buf[64];
    struct event_summary es;
    (void)state;

    /* Counted: last 5s, first 19s, x4. */
    j = xasprintf("{\"firstTimestamp\":\"%s\",\"lastTimestamp\":\"%s\","
                  "\"count\":4}",
                  ago(19 * SEC), ago(5 * SEC));
    es = load(j);
    assert_string_equal(event_summary_age(&es, NOW_MS, buf, sizeof buf),
                        "5s (x4 over 19s)");
    assert_int_equal(event_summary_describe_key(&es), NOW_MS - 5 * SEC);
    event_summary_done(&es);
    free(j);

    /* Singletons print the first time, not lastTimestamp. */
    j = xasprintf("{\"firstTimestamp\":\"%s\",\"lastTimestamp\":\"%s\","
                  "\"count\":1}",
                  ago(91 * SEC), ago(5 * SEC));
    es = load(j);
    assert_string_equal(event_summary_age(&es, NOW_MS, buf, sizeof buf), "91s");
    event_summary_done(&es);
    free(j);

    /* Series: eventTime wins over firstTimestamp for the "over" part. */
    j = xasprintf("{\"eventTime\":\"%s\",\"firstTimestamp\":\"%s\","
                  "\"series\":{\"count\":2,\"lastObservedTime\":\"%s\"}}",
                  ago(5 * SEC), ago(50 * SEC), ago(0));
    es = load(j);
    assert_string_equal(event_summary_age(&es, NOW_MS, buf, sizeof buf),
                        "0s (x2 over 5s)");
    assert_int_equal(event_summary_events_key(&es), NOW_MS);
    assert_int_equal(event_summary_describe_key(&es), 0);
    event_summary_done(&es);
    free(j);

    /* kubectl events TestPrintObj: 12m (x3 over 20m). */
    j = xasprintf("{\"firstTimestamp\":\"%s\",\"lastTimestamp\":\"%s\","
                  "\"count\":3}",
                  ago(20 * 60 * SEC), ago(12 * 60 * SEC));
    es = load(j);
    assert_string_equal(event_summary_age(&es, NOW_MS, buf, sizeof buf),
                        "12m (x3 over 20m)");
    event_summary_done(&es);
    free(j);

    /* Nothing set at all. */
    es = load("{}");
    assert_string_equal(event_summary_age(&es, NOW_MS, buf, sizeof buf),
                        "<unknown>");
    event_summary_done(&es);
    event_summary_done(NULL);
}

static void
test_microtime(void **state)
{
    (void)state;
    assert_int_equal(event_time_ms("2023-11-14T22:13:19.123456Z"),
                     NOW_MS - 1000 + 123);
    assert_int_equal(event_time_ms("2023-11-14T22:13:19.5Z"), NOW_MS - 500);
    assert_int_equal(event_time_ms("2023-11-14T22:13:20Z"), NOW_MS);
    assert_int_equal(event_time_ms(""), 0);
    assert_int_equal(event_time_ms("garbage"), 0);
    /* 0.9 s ago is still "0s", as Go truncates the full duration. */
    {
        struct event_summary es = load("{\"eventTime\":"
                                       "\"2023-11-14T22:13:19.100000Z\"}");
        char                 buf[32];

        assert_string_equal(event_summary_age(&es, NOW_MS, buf, sizeof buf),
                            "0s");
        event_summary_done(&es);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_print_event),
        cmocka_unit_test(test_describe_age),
        cmocka_unit_test(test_microtime),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
