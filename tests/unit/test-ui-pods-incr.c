/*
 * Property and cost tests for the pod list's incremental updates: after
 * thousands of random adds, modifications and deletes (in batches of
 * random size, with random sort and filter changes between them, and
 * batches big enough to overflow the store's change log), the view's rows
 * must equal an order computed from scratch (store_list, podfilter_match,
 * qsort with podsort_cmp), its column widths must equal the widths
 * of the shown cells, and the selection must stay on its pod. A cost
 * test checks one change among 10,000 pods costs a handful of comparisons
 * and formats no row. Sort orders and their tie-breaking are checked on
 * hand-made summaries.
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

#include "cells.h"
#include "podfilter.h"
#include "store.h"
#include "util.h"
#include "view-pods.h"

#define NOW_MS 1700000000000LL /* 2023-11-14T22:13:20Z */

static int64_t
fixed_now(void)
{
    return NOW_MS;
}

/* A small deterministic generator (tests must repeat). */
static uint64_t rng_state;

static unsigned
rng(unsigned n)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (unsigned)((rng_state >> 33) % n);
}

static const char *const phases[] = {"Running", "Pending", "Succeeded",
                                     "Failed"};
static const char *const nodes[] = {"node-1", "node-2", "node-10", ""};
static const char *const apps[] = {"web", "db", "cache"};

static void
put_random(struct store *st, int i)
{
    static int rv;
    cJSON     *o = cJSON_CreateObject(), *md, *spec, *status, *cs, *c, *l;
    char       name[32], ns[16], uid[48], rvs[16], ip[32], ts[32];
    int        ready = (int)rng(2);

    snprintf(ns, sizeof ns, "ns-%d", i % 5);
    snprintf(name, sizeof name, "pod-%03d%s", i,
             i % 7 == 0 ? "-long-name" : "");
    /* A recreated pod gets a new uid now and then. */
    snprintf(uid, sizeof uid, "uid-%d-%u", i, rng(3));
    snprintf(rvs, sizeof rvs, "%d", ++rv);
    snprintf(ip, sizeof ip, "10.0.%u.%u", rng(3), rng(20));
    snprintf(ts, sizeof ts, "2023-11-14T%02u:%02u:00Z", 10 + rng(12), rng(60));
    cJSON_AddStringToObject(o, "kind", "Pod");
    cJSON_AddStringToObject(o, "apiVersion", "v1");
    md = cJSON_AddObjectToObject(o, "metadata");
    cJSON_AddStringToObject(md, "name", name);
    cJSON_AddStringToObject(md, "namespace", ns);
    cJSON_AddStringToObject(md, "uid", uid);
    cJSON_AddStringToObject(md, "resourceVersion", rvs);
    cJSON_AddStringToObject(md, "creationTimestamp", ts);
    if (rng(10) == 0)
        cJSON_AddStringToObject(md, "deletionTimestamp",
                                "2023-11-14T22:13:00Z");
    l = cJSON_AddObjectToObject(md, "labels");
    cJSON_AddStringToObject(l, "app", apps[rng(3)]);
    if (rng(2))
        cJSON_AddStringToObject(l, "tier", rng(2) ? "front" : "back");
    spec = cJSON_AddObjectToObject(o, "spec");
    if (*nodes[i % 4] != '\0')
        cJSON_AddStringToObject(spec, "nodeName", nodes[rng(3)]);
    c = cJSON_CreateObject();
    cJSON_AddStringToObject(c, "name", "c");
    cJSON_AddItemToArray(cJSON_AddArrayToObject(spec, "containers"), c);
    status = cJSON_AddObjectToObject(o, "status");
    cJSON_AddStringToObject(status, "phase", phases[rng(4)]);
    if (rng(5) != 0)
        cJSON_AddStringToObject(status, "podIP", ip);
    cs = cJSON_CreateObject();
    cJSON_AddStringToObject(cs, "name", "c");
    cJSON_AddBoolToObject(cs, "ready", ready);
    cJSON_AddNumberToObject(cs, "restartCount", rng(4) == 0 ? rng(120) : 0);
    cJSON_AddObjectToObject(cJSON_AddObjectToObject(cs, "state"),
                            ready ? "running" : "waiting");
    cJSON_AddItemToArray(cJSON_AddArrayToObject(status, "containerStatuses"),
                         cs);
    assert_int_equal(store_upsert(st, o), 0);
    cJSON_Delete(o);
}

static void
del(struct store *st, int i)
{
    char key[64];

    snprintf(key, sizeof key, "ns-%d/pod-%03d%s", i % 5, i,
             i % 7 == 0 ? "-long-name" : "");
    (void)store_delete(st, key);
}

/* The shown rows from scratch, for comparison. */
static enum podsort cmp_sort;
static int          cmp_desc;

static int
oracle_cmp(const void *a, const void *b)
{
    const struct store_obj *x = *(struct store_obj *const *)a;
    const struct store_obj *y = *(struct store_obj *const *)b;

    return podsort_cmp(cmp_sort, cmp_desc, x->key, x->summary, y->key,
                       y->summary);
}

static void
check_against_oracle(struct view_pods *v, struct store *st,
                     const char *filter_text)
{
    struct store_obj **objs = NULL;
    struct podfilter  *f;
    char              *cause = NULL, buf[256];
    size_t             n, i, k = 0;
    int                widest[WIDGET_TABLE_MAXCOLS] = {0}, c;

    f = podfilter_parse(filter_text, &cause);
    assert_null(cause);
    n = store_list(st, &objs);
    for (i = 0; i < n; i++)
        if (podfilter_match(f, objs[i]->summary))
            objs[k++] = objs[i];
    cmp_sort = v->sort;
    cmp_desc = v->desc;
    qsort(objs, k, sizeof *objs, oracle_cmp);
    assert_int_equal(view_pods_rows(v), k);
    assert_int_equal(v->table.nrows, k);
    for (i = 0; i < k; i++) {
        assert_ptr_equal(view_pods_row_obj(v, i), objs[i]);
        for (c = 0; c < v->table.ncols; c++) {
            int w = cells_width(pod_summary_cell(objs[i]->summary, v->map[c],
                                                 NOW_MS, buf, sizeof buf));
            if (w > widest[c])
                widest[c] = w;
        }
    }
    /* Widths of the columns that do not move with the clock. */
    for (c = 0; c < v->table.ncols; c++)
        if (v->map[c] != POD_COL_AGE && v->map[c] != POD_COL_RESTARTS)
            assert_int_equal(v->table.natural[c], widest[c]);
    /* The selection is a shown pod, or nothing when nothing shows. */
    if (k == 0)
        assert_null(view_pods_selected(v));
    else {
        const struct store_obj *o = view_pods_row_obj(v, v->table.sel);

        assert_non_null(view_pods_selected(v));
        assert_string_equal(view_pods_selected(v), o->uid);
    }
    free(objs);
    podfilter_free(f);
}

static const char *const filters[] = {
    "",
    "pod-00",
    "!pod-00",
    "-l app=web",
    "-l tier",
    "-l app in (db,cache),tier!=front",
    "re:^pod-0[0-4]",
    "LONG",
    "node-1$",
    "!-l app notin (web)",
    "Running",
};

static void
test_random_changes_equal_rebuild(void **state)
{
    struct store    *st = store_create(&store_pod_ops);
    struct view_pods v;
    const char      *filter = "";
    char            *cause = NULL, *sel = NULL;
    int              op, i, j, nops = 0, keyspace = 300;

    (void)state;
    rng_state = 42;
    view_pods_init(&v, NULL, st, 1);
    v.now_ms = fixed_now;
    v.body_height = 20;
    for (op = 0; op < 400; op++) {
        unsigned kind = rng(100);
        int      batch = (int)rng(30) + 1;

        if (kind < 3) {
            /* A relist: everything marked, most re-seen. */
            store_batch_begin(st);
            store_mark_all(st);
            for (i = 0; i < keyspace; i++)
                if (rng(4) != 0)
                    put_random(st, i);
            store_sweep(st);
            store_batch_end(st);
            nops += keyspace;
        } else if (kind < 5) {
            /* More changes in one batch than the log keeps. */
            store_batch_begin(st);
            for (i = 0; i < 1500; i++)
                put_random(st, (int)rng((unsigned)keyspace));
            store_batch_end(st);
            nops += 1500;
        } else {
            if (rng(2))
                store_batch_begin(st);
            for (j = 0; j < batch; j++) {
                i = (int)rng((unsigned)keyspace);
                if (rng(4) == 0)
                    del(st, i);
                else
                    put_random(st, i);
                nops++;
            }
            if (st != NULL)
                store_batch_end(st); /* harmless when none was open */
        }
        if (rng(8) == 0)
            view_pods_sort_set(&v, (enum podsort)rng(PODSORT_N), (int)rng(2));
        if (rng(10) == 0) {
            filter = filters[rng(nitems(filters))];
            assert_int_equal(view_pods_set_filter(&v, filter, &cause), 0);
        }
        if (rng(3) == 0)
            (void)view_pods_key(&v, rng(2) ? 'j' : 'k');
        free(sel);
        sel = view_pods_selected(&v) != NULL ? xstrdup(view_pods_selected(&v))
                                             : NULL;
        /* Sometimes several batches pass before the view updates. */
        if (rng(3) == 0)
            continue;
        view_pods_update(&v);
        check_against_oracle(&v, st, filter);
        /* A selected pod that is still shown stays selected. */
        if (sel != NULL && store_find_uid(st, sel) != NULL) {
            size_t r;

            for (r = 0; r < view_pods_rows(&v); r++)
                if (strcmp(view_pods_row_obj(&v, r)->uid, sel) == 0)
                    assert_string_equal(view_pods_selected(&v), sel);
        }
    }
    view_pods_update(&v);
    check_against_oracle(&v, st, filter);
    assert_true(nops > 5000);
    free(sel);
    view_pods_done(&v);
    store_free(st);
}

static void
test_one_change_costs_little(void **state)
{
    struct store    *st = store_create(&store_pod_ops);
    struct view_pods v;
    int              i;

    (void)state;
    rng_state = 7;
    view_pods_init(&v, NULL, st, 1);
    v.now_ms = fixed_now;
    store_batch_begin(st);
    for (i = 0; i < 10000; i++)
        put_random(st, i);
    store_batch_end(st);
    view_pods_update(&v);
    assert_int_equal(view_pods_rows(&v), 10000);
    v.compares = 0;
    v.rows_formatted = 0;
    /* One pod changes: its row moves by binary search (log2 10000 ~ 14
     * comparisons), nothing is re-sorted and no row is formatted (only
     * painting formats, and only visible rows). */
    put_random(st, 4242);
    view_pods_update(&v);
    assert_true(v.compares <= 40);
    assert_int_equal(v.rows_formatted, 0);
    check_against_oracle(&v, st, "");
    /* A hundred in one batch: O(k log n). */
    v.compares = 0;
    store_batch_begin(st);
    for (i = 0; i < 100; i++)
        put_random(st, i * 97);
    store_batch_end(st);
    view_pods_update(&v);
    assert_true(v.compares <= 100 * 40);
    check_against_oracle(&v, st, "");
    /* A new sort sorts everything once. */
    view_pods_sort(&v, PODSORT_RESTARTS);
    view_pods_update(&v);
    check_against_oracle(&v, st, "");
    view_pods_done(&v);
    store_free(st);
}

static struct pod_summary
sum(const char *ns, const char *name, const char *ready, const char *status,
    int restarts, int64_t created, const char *ip, const char *node)
{
    struct pod_summary p;

    memset(&p, 0, sizeof p);
    p.ns = (char *)ns;
    p.name = (char *)name;
    snprintf(p.ready, sizeof p.ready, "%s", ready);
    p.status = (char *)status;
    p.restarts = restarts;
    p.created_ms = created;
    p.ip = (char *)ip;
    p.node = (char *)node;
    return p;
}

static int
cmp(enum podsort s, int desc, const struct pod_summary *a,
    const struct pod_summary *b)
{
    char ka[64], kb[64];

    snprintf(ka, sizeof ka, "%s/%s", a->ns, a->name);
    snprintf(kb, sizeof kb, "%s/%s", b->ns, b->name);
    return podsort_cmp(s, desc, ka, a, kb, b);
}

static void
test_sort_orders(void **state)
{
    struct pod_summary a =
        sum("b", "x", "1/2", "Running", 3, 2000, "10.0.0.9", "n1");
    struct pod_summary b =
        sum("a", "y", "1/1", "Pending", 3, 1000, "10.0.0.10", NULL);
    struct pod_summary c = sum("a", "x", "0/1", "Running", 0, 0, NULL, "n2");

    (void)state;
    /* Default and namespace: namespace, then name. */
    assert_true(cmp(PODSORT_DEFAULT, 0, &c, &b) < 0);
    assert_true(cmp(PODSORT_NAMESPACE, 0, &b, &a) < 0);
    assert_true(cmp(PODSORT_NAMESPACE, 1, &b, &a) > 0);
    /* Name, then namespace: a/x before b/x. */
    assert_true(cmp(PODSORT_NAME, 0, &c, &a) < 0);
    assert_true(cmp(PODSORT_NAME, 0, &a, &b) < 0);
    /* Ready: ready count, then total: 0/1 < 1/1 < 1/2. */
    assert_true(cmp(PODSORT_READY, 0, &c, &b) < 0);
    assert_true(cmp(PODSORT_READY, 0, &b, &a) < 0);
    /* Restarts tie (3 and 3): namespace/name decides, ascending even when
     * the order is descending. */
    assert_true(cmp(PODSORT_RESTARTS, 0, &b, &a) < 0);
    assert_true(cmp(PODSORT_RESTARTS, 1, &b, &a) < 0);
    assert_true(cmp(PODSORT_RESTARTS, 0, &c, &a) < 0);
    assert_true(cmp(PODSORT_RESTARTS, 1, &c, &a) > 0);
    /* Age: youngest (latest creation) first, unknown last. */
    assert_true(cmp(PODSORT_AGE, 0, &a, &b) < 0);
    assert_true(cmp(PODSORT_AGE, 0, &b, &c) < 0);
    assert_true(cmp(PODSORT_AGE, 1, &c, &b) < 0);
    /* Status text. */
    assert_true(cmp(PODSORT_STATUS, 0, &b, &a) < 0);
    /* IPs as numbers (.9 before .10), none first. */
    assert_true(cmp(PODSORT_IP, 0, &a, &b) < 0);
    assert_true(cmp(PODSORT_IP, 0, &c, &a) < 0);
    /* Node, none first. */
    assert_true(cmp(PODSORT_NODE, 0, &b, &a) < 0);
    assert_true(cmp(PODSORT_NODE, 0, &a, &c) < 0);
    /* Equal keys compare equal only for the same pod. */
    assert_int_equal(cmp(PODSORT_STATUS, 0, &a, &a), 0);
}

static void
test_sort_toggle_and_filter(void **state)
{
    struct store    *st = store_create(&store_pod_ops);
    struct view_pods v;
    char            *cause = NULL;
    int              i;

    (void)state;
    rng_state = 3;
    view_pods_init(&v, NULL, st, 0);
    v.now_ms = fixed_now;
    for (i = 0; i < 50; i++)
        put_random(st, i);
    view_pods_update(&v);
    assert_int_equal(v.table.sort_col, -1);
    view_pods_sort(&v, PODSORT_RESTARTS);
    view_pods_update(&v);
    assert_int_equal(v.sort, PODSORT_RESTARTS);
    assert_int_equal(v.desc, 0);
    assert_int_equal(v.map[v.table.sort_col], POD_COL_RESTARTS);
    check_against_oracle(&v, st, "");
    /* Again: descending. */
    view_pods_sort(&v, PODSORT_RESTARTS);
    view_pods_update(&v);
    assert_int_equal(v.desc, 1);
    assert_int_equal(v.table.sort_desc, 1);
    check_against_oracle(&v, st, "");
    /* Another column: ascending again. */
    view_pods_sort(&v, PODSORT_AGE);
    assert_int_equal(v.desc, 0);
    /* A bad filter keeps the old one and says why. */
    assert_int_equal(view_pods_set_filter(&v, "pod-01", &cause), 0);
    view_pods_update(&v);
    check_against_oracle(&v, st, "pod-01");
    assert_int_equal(view_pods_set_filter(&v, "re:(", &cause), -1);
    assert_non_null(cause);
    free(cause);
    assert_string_equal(view_pods_filter(&v), "pod-01");
    view_pods_update(&v);
    check_against_oracle(&v, st, "pod-01");
    /* Clearing shows everything again. */
    assert_int_equal(view_pods_set_filter(&v, NULL, &cause), 0);
    assert_null(view_pods_filter(&v));
    view_pods_update(&v);
    assert_int_equal(view_pods_rows(&v), 50);
    view_pods_done(&v);
    store_free(st);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_changes_equal_rebuild),
        cmocka_unit_test(test_one_change_costs_little),
        cmocka_unit_test(test_sort_orders),
        cmocka_unit_test(test_sort_toggle_and_filter),
    };

    setlocale(LC_ALL, "C.UTF-8");
    return cmocka_run_group_tests(tests, NULL, NULL);
}
