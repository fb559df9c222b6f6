/*
 * Unit tests for simsel: label selectors (=, ==, !=, existence, in, notin)
 * and field selectors on pods and events, including the apiserver's
 * rejection of fields it does not support.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "simsel.h"

static const char pod_json[] =
    "{\"metadata\":{\"name\":\"web-1\",\"namespace\":\"shop\",\"labels\":{"
    "\"app\":\"web\",\"tier\":\"front\"}},\"spec\":{\"nodeName\":"
    "\"worker-node2\",\"restartPolicy\":\"Always\"},\"status\":{\"phase\":"
    "\"Running\",\"podIP\":\"10.244.2.7\"}}";

static const char event_json[] =
    "{\"metadata\":{\"name\":\"web-1.17\",\"namespace\":\"shop\"},"
    "\"involvedObject\":{\"kind\":\"Pod\",\"namespace\":\"shop\",\"name\":"
    "\"web-1\",\"uid\":\"u-1\",\"fieldPath\":\"spec.containers{web}\"},"
    "\"reason\":\"Pulled\",\"type\":\"Normal\",\"source\":{\"component\":"
    "\"kubelet\",\"host\":\"worker-node2\"}}";

static int
sel(const struct simres *res, const char *json, const char *labels,
    const char *fields)
{
    struct simsel s;
    char         *cause = NULL;
    cJSON        *obj = cJSON_Parse(json);
    int           rc;

    assert_non_null(obj);
    if (simsel_parse(&s, res, labels, fields, &cause) != 0) {
        assert_non_null(cause);
        free(cause);
        cJSON_Delete(obj);
        return -1;
    }
    rc = simsel_match(&s, obj);
    simsel_done(&s);
    cJSON_Delete(obj);
    return rc;
}

static void
test_labels(void **state)
{
    (void)state;
    assert_int_equal(sel(&simres_pods, pod_json, "app=web", NULL), 1);
    assert_int_equal(sel(&simres_pods, pod_json, "app==web,tier=front", NULL),
                     1);
    assert_int_equal(sel(&simres_pods, pod_json, "app=db", NULL), 0);
    assert_int_equal(sel(&simres_pods, pod_json, "app!=db", NULL), 1);
    assert_int_equal(sel(&simres_pods, pod_json, "app!=web", NULL), 0);
    assert_int_equal(sel(&simres_pods, pod_json, "missing!=x", NULL), 1);
    assert_int_equal(sel(&simres_pods, pod_json, "tier", NULL), 1);
    assert_int_equal(sel(&simres_pods, pod_json, "!tier", NULL), 0);
    assert_int_equal(sel(&simres_pods, pod_json, "!missing", NULL), 1);
    assert_int_equal(sel(&simres_pods, pod_json, "app in (db, web)", NULL), 1);
    assert_int_equal(sel(&simres_pods, pod_json, "app in (db)", NULL), 0);
    assert_int_equal(sel(&simres_pods, pod_json, "app notin (db,cache)", NULL),
                     1);
    assert_int_equal(
        sel(&simres_pods, pod_json, "app notin (web),tier=front", NULL), 0);
    assert_int_equal(sel(&simres_pods, pod_json, "", NULL), 1);
}

static void
test_pod_fields(void **state)
{
    (void)state;
    assert_int_equal(sel(&simres_pods, pod_json, NULL, "metadata.name=web-1"),
                     1);
    assert_int_equal(sel(&simres_pods, pod_json, NULL, "metadata.name=web-2"),
                     0);
    assert_int_equal(sel(&simres_pods, pod_json, NULL,
                         "spec.nodeName=worker-node2,status.phase!=Pending"),
                     1);
    assert_int_equal(sel(&simres_pods, pod_json, NULL, "status.phase==Running"),
                     1);
    assert_int_equal(
        sel(&simres_pods, pod_json, NULL, "status.nominatedNodeName="), 1);
    assert_int_equal(sel(&simres_pods, pod_json, NULL, "spec.foo=x"), -1);
    assert_int_equal(sel(&simres_pods, pod_json, NULL, "reason=Pulled"), -1);
    assert_int_equal(sel(&simres_pods, pod_json, NULL, "nonsense"), -1);
}

static void
test_event_fields(void **state)
{
    (void)state;
    assert_int_equal(
        sel(&simres_events, event_json, NULL,
            "involvedObject.kind=Pod,involvedObject.name=web-1,"
            "involvedObject.namespace=shop,involvedObject.uid=u-1"),
        1);
    assert_int_equal(
        sel(&simres_events, event_json, NULL, "involvedObject.uid=u-2"), 0);
    assert_int_equal(sel(&simres_events, event_json, NULL,
                         "source=kubelet,type=Normal,reason=Pulled"),
                     1);
    assert_int_equal(sel(&simres_events, event_json, NULL,
                         "involvedObject.fieldPath=spec.containers{web}"),
                     1);
    assert_int_equal(sel(&simres_events, event_json, NULL, "spec.nodeName=x"),
                     -1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_labels),
        cmocka_unit_test(test_pod_fields),
        cmocka_unit_test(test_event_fields),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
