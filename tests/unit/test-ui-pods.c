/*
 * Unit tests for the pod list view without a terminal: rows come from a
 * real store, sorted by namespace and name, cells formatted by
 * pod_summary_cell; the selection follows the pod's UID across inserts
 * and re-sorts and stays in place when its pod goes; keys move it; row
 * styles follow STATUS.
 */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "store.h"
#include "util.h"
#include "view-pods.h"

#define NOW_MS 1700000000000LL /* 2023-11-14T22:13:20Z */

static int64_t
fixed_now(void)
{
    return NOW_MS;
}

/* A running pod created 5 minutes before NOW_MS. */
static void
put(struct store *st, const char *ns, const char *name, const char *uid,
    const char *phase, int deleting)
{
    static int rv;
    char      *j;
    cJSON     *o;

    j = xasprintf(
        "{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"%s\","
        "\"namespace\":\"%s\",\"uid\":\"%s\",\"resourceVersion\":\"%d\","
        "\"creationTimestamp\":\"2023-11-14T22:08:20Z\"%s},"
        "\"spec\":{\"nodeName\":\"node-1\",\"containers\":[{\"name\":\"c\"}]},"
        "\"status\":{\"phase\":\"%s\",\"podIP\":\"10.1.0.7\","
        "\"containerStatuses\":[{\"name\":\"c\",\"ready\":%s,"
        "\"restartCount\":0,\"state\":{\"running\":{}}}]}}",
        name, ns, uid, ++rv,
        deleting ? ",\"deletionTimestamp\":\"2023-11-14T22:13:00Z\"" : "",
        phase, strcmp(phase, "Running") == 0 ? "true" : "false");
    o = cJSON_Parse(j);
    assert_non_null(o);
    assert_int_equal(store_upsert(st, o), 0);
    cJSON_Delete(o);
    free(j);
}

static const char *
cell(struct view_pods *v, size_t row, int col)
{
    int style;

    assert_true(row < view_pods_rows(v));
    return view_pods_row_cells(v, row, &style)[col];
}

static int
row_style(struct view_pods *v, size_t row)
{
    int style;

    (void)view_pods_row_cells(v, row, &style);
    return style;
}

static const char *
selected_name(struct view_pods *v)
{
    return cell(v, v->table.sel, v->all_ns ? 1 : 0);
}

static void
test_rows_sorted_and_formatted(void **state)
{
    struct store    *st = store_create(&store_pod_ops);
    struct view_pods v;

    (void)state;
    view_pods_init(&v, NULL, st, 1);
    v.now_ms = fixed_now;
    put(st, "web", "nginx", "u1", "Running", 0);
    put(st, "default", "http-go", "u2", "Running", 0);
    put(st, "default", "a-job", "u3", "Pending", 0);
    view_pods_update(&v);
    assert_int_equal(v.table.nrows, 3);
    /* NAMESPACE NAME READY STATUS RESTARTS AGE IP NODE */
    assert_string_equal(cell(&v, 0, 0), "default");
    assert_string_equal(cell(&v, 0, 1), "a-job");
    assert_string_equal(cell(&v, 1, 1), "http-go");
    assert_string_equal(cell(&v, 2, 0), "web");
    assert_string_equal(cell(&v, 1, 2), "1/1");
    assert_string_equal(cell(&v, 1, 3), "Running");
    assert_string_equal(cell(&v, 1, 4), "0");
    assert_string_equal(cell(&v, 1, 5), "5m");
    assert_string_equal(cell(&v, 1, 6), "10.1.0.7");
    assert_string_equal(cell(&v, 1, 7), "node-1");
    assert_int_equal(row_style(&v, 1), VIEW_PODS_OK);
    assert_int_equal(row_style(&v, 0), VIEW_PODS_WARN);
    view_pods_done(&v);
    store_free(st);
}

static void
test_selection_by_uid(void **state)
{
    struct store    *st = store_create(&store_pod_ops);
    struct view_pods v;
    char             name[32], uid[32];
    int              i;

    (void)state;
    view_pods_init(&v, NULL, st, 0);
    v.now_ms = fixed_now;
    view_pods_update(&v);
    assert_null(view_pods_selected(&v));
    put(st, "default", "b", "uid-b", "Running", 0);
    put(st, "default", "d", "uid-d", "Running", 0);
    view_pods_update(&v);
    assert_string_equal(view_pods_selected(&v), "uid-b");

    assert_true(view_pods_key(&v, 'j'));
    assert_string_equal(view_pods_selected(&v), "uid-d");
    /* Pods sorting before it move its row; the selection follows. */
    put(st, "default", "a", "uid-a", "Running", 0);
    put(st, "default", "c", "uid-c", "Running", 0);
    view_pods_update(&v);
    assert_string_equal(view_pods_selected(&v), "uid-d");
    assert_string_equal(selected_name(&v), "d");
    assert_int_equal(v.table.sel, 3);
    /* An update of the selected pod (now terminating) keeps it. */
    put(st, "default", "d", "uid-d", "Running", 1);
    view_pods_update(&v);
    assert_string_equal(selected_name(&v), "d");
    assert_string_equal(cell(&v, 3, 2), "Terminating");
    assert_int_equal(row_style(&v, 3), VIEW_PODS_GONE);
    /* It goes: the selection stays at the same position (clamped). */
    assert_int_equal(store_delete(st, "default/d"), 0);
    view_pods_update(&v);
    assert_string_equal(selected_name(&v), "c");
    assert_true(view_pods_key(&v, 'k'));
    assert_string_equal(selected_name(&v), "b");
    assert_int_equal(store_delete(st, "default/b"), 0);
    view_pods_update(&v);
    assert_string_equal(selected_name(&v), "c");

    /* Keys: g/G, paging by the body height, and unknown keys unused. */
    for (i = 0; i < 30; i++) {
        snprintf(name, sizeof name, "p-%02d", i);
        snprintf(uid, sizeof uid, "uid-p%02d", i);
        put(st, "default", name, uid, "Running", 0);
    }
    view_pods_update(&v);
    assert_string_equal(selected_name(&v), "c");
    v.body_height = 10;
    assert_true(view_pods_key(&v, 'G'));
    assert_string_equal(selected_name(&v), "p-29");
    assert_true(view_pods_key(&v, 'g'));
    assert_string_equal(selected_name(&v), "a");
    assert_true(view_pods_key(&v, SCREEN_FKEY(KEY_NPAGE)));
    assert_int_equal(v.table.sel, 9);
    assert_true(view_pods_key(&v, SCREEN_FKEY(KEY_DOWN)));
    assert_int_equal(v.table.sel, 10);
    assert_true(view_pods_key(&v, SCREEN_FKEY(KEY_PPAGE)));
    assert_int_equal(v.table.sel, 1);
    assert_true(view_pods_key(&v, SCREEN_FKEY(KEY_UP)));
    assert_true(view_pods_key(&v, SCREEN_FKEY(KEY_UP)));
    assert_int_equal(v.table.sel, 0);
    assert_false(view_pods_key(&v, 'Z'));
    view_pods_done(&v);
    store_free(st);
}

static void
test_styles(void **state)
{
    struct pod_summary p;

    (void)state;
    memset(&p, 0, sizeof p);
    p.status = "Running";
    strcpy(p.ready, "2/2");
    assert_int_equal(view_pods_style(&p), VIEW_PODS_OK);
    strcpy(p.ready, "1/2");
    assert_int_equal(view_pods_style(&p), VIEW_PODS_WARN);
    p.status = "ContainerCreating";
    assert_int_equal(view_pods_style(&p), VIEW_PODS_WARN);
    p.status = "Init:0/1";
    assert_int_equal(view_pods_style(&p), VIEW_PODS_WARN);
    p.status = "CrashLoopBackOff";
    assert_int_equal(view_pods_style(&p), VIEW_PODS_ERR);
    p.status = "ImagePullBackOff";
    assert_int_equal(view_pods_style(&p), VIEW_PODS_ERR);
    p.status = "Completed";
    assert_int_equal(view_pods_style(&p), VIEW_PODS_DONE);
    p.status = "Terminating";
    assert_int_equal(view_pods_style(&p), VIEW_PODS_GONE);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows_sorted_and_formatted),
        cmocka_unit_test(test_selection_by_uid),
        cmocka_unit_test(test_styles),
    };

    if (setlocale(LC_ALL, "C.UTF-8") == NULL)
        return 1;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
