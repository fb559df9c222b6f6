/*
 * store: upsert/delete by key and uid, managedFields dropped from the kept
 * JSON, pod summaries via store_pod_ops, one notification per batch,
 * unchanged resourceVersions cost nothing, mark-and-sweep relists, growth.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "pod.h"
#include "store.h"
#include "util.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static cJSON *
pod(const char *ns, const char *name, const char *uid, const char *rv,
    const char *phase)
{
    char *t = xasprintf(
        "{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{"
        "\"name\":\"%s\",\"namespace\":\"%s\",\"uid\":\"%s\","
        "\"resourceVersion\":\"%s\","
        "\"creationTimestamp\":\"2024-05-01T10:00:00Z\","
        "\"managedFields\":[{\"manager\":\"kubectl\",\"operation\":"
        "\"Update\"}]},"
        "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]},"
        "\"status\":{\"phase\":\"%s\"}}",
        name, ns, uid, rv, phase);
    cJSON *j = cJSON_Parse(t);

    free(t);
    assert_non_null(j);
    return j;
}

static int notified;

static void
on_change(struct store *s, void *data)
{
    (*(int *)data)++;
}

static void
upsert(struct store *s, const char *ns, const char *name, const char *uid,
       const char *rv, const char *phase)
{
    cJSON *p = pod(ns, name, uid, rv, phase);

    assert_int_equal(store_upsert(s, p), 0);
    cJSON_Delete(p);
}

static void
test_basic(void **state)
{
    struct store       *s = store_create(&store_pod_ops);
    struct store_obj   *o;
    struct pod_summary *sum;
    uint64_t            g;
    cJSON              *back;

    notified = 0;
    store_listen(s, on_change, &notified);
    upsert(s, "default", "web", "u1", "10", "Pending");
    assert_int_equal(notified, 1); /* outside a batch: a batch of one */
    assert_int_equal(store_count(s), 1);
    o = store_find(s, "default/web");
    assert_non_null(o);
    assert_ptr_equal(store_find_uid(s, "u1"), o);
    assert_string_equal(o->rv, "10");
    assert_null(strstr(o->json, "managedFields"));
    assert_int_equal(strlen(o->json), o->json_len);
    back = cJSON_Parse(o->json);
    assert_non_null(back);
    assert_string_equal(
        cJSON_GetObjectItem(cJSON_GetObjectItem(back, "status"), "phase")
            ->valuestring,
        "Pending");
    cJSON_Delete(back);
    sum = o->summary;
    assert_string_equal(sum->name, "web");
    assert_string_equal(sum->status, "Pending");

    /* Same resourceVersion again: nothing changes, nobody is told. */
    g = store_generation(s);
    upsert(s, "default", "web", "u1", "10", "Running");
    assert_int_equal(store_generation(s), g);
    assert_int_equal(notified, 1);
    assert_string_equal(((struct pod_summary *)o->summary)->status, "Pending");

    /* A new version replaces text and summary. */
    upsert(s, "default", "web", "u1", "11", "Running");
    o = store_find(s, "default/web");
    assert_true(store_generation(s) > g);
    assert_int_equal(o->gen, store_generation(s));
    assert_string_equal(((struct pod_summary *)o->summary)->status, "Running");
    assert_non_null(strstr(o->json, "\"Running\""));
    assert_int_equal(notified, 2);

    /* Recreated under the same name: the uid index follows. */
    upsert(s, "default", "web", "u2", "12", "Pending");
    assert_null(store_find_uid(s, "u1"));
    assert_ptr_equal(store_find_uid(s, "u2"), store_find(s, "default/web"));
    assert_int_equal(store_count(s), 1);

    assert_int_equal(store_delete(s, "default/web"), 0);
    assert_int_equal(store_delete(s, "default/web"), -1);
    assert_null(store_find_uid(s, "u2"));
    assert_int_equal(store_count(s), 0);
    assert_int_equal(notified, 4);
    store_free(s);
}

static void
test_batch_and_sweep(void **state)
{
    struct store      *s = store_create(&store_pod_ops);
    struct store_obj **all;
    cJSON             *p;
    size_t             n;

    notified = 0;
    store_listen(s, on_change, &notified);
    store_batch_begin(s);
    upsert(s, "a", "p1", "u1", "1", "Running");
    upsert(s, "a", "p2", "u2", "2", "Running");
    upsert(s, "b", "p1", "u3", "3", "Running");
    assert_int_equal(notified, 0); /* never mid-batch */
    store_batch_end(s);
    assert_int_equal(notified, 1);
    assert_non_null(store_find(s, "b/p1"));

    /* Relist: a/p1 unchanged, a/p2 changed, b/p1 gone, c/p9 new. */
    store_batch_begin(s);
    store_mark_all(s);
    upsert(s, "a", "p1", "u1", "1", "Running");
    upsert(s, "a", "p2", "u2", "5", "Failed");
    upsert(s, "c", "p9", "u9", "6", "Running");
    assert_int_equal(store_sweep(s), 1);
    store_batch_end(s);
    assert_int_equal(notified, 2);
    assert_null(store_find(s, "b/p1"));
    assert_null(store_find_uid(s, "u3"));
    n = store_list(s, &all);
    assert_int_equal(n, 3);
    free(all);

    /* An unchanged relist is not a change at all. */
    store_batch_begin(s);
    store_mark_all(s);
    upsert(s, "a", "p1", "u1", "1", "Running");
    upsert(s, "a", "p2", "u2", "5", "Failed");
    upsert(s, "c", "p9", "u9", "6", "Running");
    assert_int_equal(store_sweep(s), 0);
    store_batch_end(s);
    assert_int_equal(notified, 2);

    p = pod("c", "p9", "u9", "7", "Running");
    assert_int_equal(store_delete_obj(s, p), 0);
    cJSON_Delete(p);

    /* Objects without a name are refused. */
    p = cJSON_Parse("{\"metadata\":{\"namespace\":\"x\"}}");
    assert_int_equal(store_upsert(s, p), -1);
    cJSON_Delete(p);
    store_clear(s);
    assert_int_equal(store_count(s), 0);
    store_free(s);
}

static void
test_growth(void **state)
{
    struct store      *s = store_create(&store_pod_ops);
    struct store_obj **all;
    char               name[32], uid[32], key[48];
    int                i;

    store_batch_begin(s);
    for (i = 0; i < 2000; i++) {
        snprintf(name, sizeof name, "pod-%d", i);
        snprintf(uid, sizeof uid, "uid-%d", i);
        upsert(s, i % 2 ? "odd" : "even", name, uid, "1", "Running");
    }
    store_batch_end(s);
    assert_int_equal(store_count(s), 2000);
    for (i = 0; i < 2000; i++) {
        struct store_obj *o;

        snprintf(key, sizeof key, "%s/pod-%d", i % 2 ? "odd" : "even", i);
        snprintf(uid, sizeof uid, "uid-%d", i);
        o = store_find(s, key);
        assert_non_null(o);
        assert_ptr_equal(store_find_uid(s, uid), o);
    }
    assert_int_equal(store_list(s, &all), 2000);
    free(all);
    store_free(s);
}

struct thing {
    int seen;
};

static int
thing_init(void *summary, const cJSON *obj)
{
    const cJSON *k = cJSON_GetObjectItem(obj, "kind");

    ((struct thing *)summary)->seen = 1;
    return cJSON_IsString(k) && strcmp(k->valuestring, "Thing") == 0 ? 0 : -1;
}

static const struct store_ops thing_ops = {
    .name = "things",
    .summary_size = sizeof(struct thing),
    .summary_init = thing_init,
};

static void
test_ops_reject(void **state)
{
    struct store *s = store_create(&thing_ops);
    cJSON        *ok = cJSON_Parse("{\"kind\":\"Thing\",\"metadata\":{"
                                          "\"name\":\"n\"}}");
    cJSON        *bad = cJSON_Parse("{\"kind\":\"Other\",\"metadata\":{"
                                           "\"name\":\"m\"}}");

    assert_int_equal(store_upsert(s, ok), 0);
    assert_int_equal(store_upsert(s, bad), -1);
    assert_int_equal(store_count(s), 1);
    assert_non_null(store_find(s, "n")); /* cluster-scoped key */
    assert_int_equal(((struct thing *)store_find(s, "n")->summary)->seen, 1);
    cJSON_Delete(ok);
    cJSON_Delete(bad);
    store_free(s);
}

/* The change log: records per reader, kinds and keys, nothing kept once
 * read, a reader that falls too far behind told to reread, a reader that
 * opens late sees only what follows. */
static void
test_change_log(void **state)
{
    struct store               *s = store_create(&store_pod_ops);
    const struct store_log_rec *r;
    char                        name[32], rv[16];
    int                         a, b, i;

    (void)state;
    upsert(s, "ns", "before", "u0", "1", "Running");
    a = store_log_open(s);
    assert_int_equal(store_log_read(s, a, &r), 0);
    upsert(s, "ns", "p", "u1", "2", "Pending");
    upsert(s, "ns", "p", "u1", "3", "Running");
    upsert(s, "ns", "p", "u1", "3", "Running"); /* same version: no change */
    assert_int_equal(store_delete(s, "ns/before"), 0);
    assert_int_equal(store_log_read(s, a, &r), 3);
    assert_int_equal(r[0].what, STORE_ADDED);
    assert_string_equal(r[0].key, "ns/p");
    assert_int_equal(r[1].what, STORE_MODIFIED);
    assert_int_equal(r[2].what, STORE_DELETED);
    assert_string_equal(r[2].key, "ns/before");
    assert_int_equal(store_log_read(s, a, &r), 0);

    /* A second reader starts at the end; each reads its own records. */
    b = store_log_open(s);
    store_batch_begin(s);
    store_mark_all(s);
    store_sweep(s); /* deletes ns/p */
    store_batch_end(s);
    assert_int_equal(store_log_read(s, b, &r), 1);
    assert_int_equal(r[0].what, STORE_DELETED);
    assert_string_equal(r[0].key, "ns/p");
    assert_int_equal(store_log_read(s, a, &r), 1);

    /* b reads nothing for 2000 changes of 10 pods (more records than the
     * log keeps): it is told to reread (-1), once; a keeps reading and
     * sees every record. */
    for (i = 0; i < 2000; i++) {
        snprintf(name, sizeof name, "p%d", i % 10);
        snprintf(rv, sizeof rv, "%d", 10 + i);
        upsert(s, "ns", name, name, rv, "Running");
        assert_int_equal(store_log_read(s, a, &r), 1);
        assert_string_equal(r[0].key + 3, name);
    }
    assert_int_equal(store_log_read(s, b, &r), -1);
    assert_int_equal(store_log_read(s, b, &r), 0);
    store_log_close(s, b);
    /* Closed readers hold nothing back. */
    upsert(s, "ns", "q", "uq", "9999", "Running");
    assert_int_equal(store_log_read(s, a, &r), 1);
    store_log_close(s, a);
    store_free(s);
}

/* managedFields is dropped from the stored text, the rest kept in order,
 * and the caller's tree is left as it was (the store unlinks it only for
 * the print); a text bigger than the print buffer grows it. */
static void
test_compact_drops_managed_fields(void **state)
{
    struct store     *s = store_create(&store_pod_ops);
    struct store_obj *o;
    cJSON            *p;
    char             *before, *after, *big;

    (void)state;
    p = cJSON_Parse("{\"kind\":\"Pod\",\"metadata\":{\"name\":\"a\","
                    "\"namespace\":\"n\",\"managedFields\":[{\"manager\":"
                    "\"kubectl\"}],\"uid\":\"u\",\"resourceVersion\":\"1\"},"
                    "\"spec\":{}}");
    assert_non_null(p);
    before = cJSON_PrintUnformatted(p);
    assert_int_equal(store_upsert(s, p), 0);
    after = cJSON_PrintUnformatted(p);
    assert_string_equal(before, after);
    o = store_find(s, "n/a");
    assert_non_null(o);
    assert_string_equal(o->json,
                        "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"a\","
                        "\"namespace\":\"n\",\"uid\":\"u\","
                        "\"resourceVersion\":\"1\"},\"spec\":{}}");
    assert_int_equal(o->json_len, strlen(o->json));
    free(before);
    free(after);
    /* 200 KB of annotation: more than the first print buffer. */
    big = xmalloc(200001);
    memset(big, 'x', 200000);
    big[200000] = '\0';
    cJSON_AddStringToObject(
        cJSON_AddObjectToObject(cJSON_GetObjectItem(p, "metadata"),
                                "annotations"),
        "big", big);
    cJSON_GetObjectItem(cJSON_GetObjectItem(p, "metadata"), "resourceVersion")
        ->valuestring[0] = '2';
    assert_int_equal(store_upsert(s, p), 0);
    o = store_find(s, "n/a");
    assert_true(o->json_len > 200000);
    assert_non_null(strstr(o->json, big));
    assert_null(strstr(o->json, "managedFields"));
    free(big);
    cJSON_Delete(p);
    /* managedFields first, last, alone: the caller's tree is unchanged. */
    {
        static const char *const md[] = {
            "{\"managedFields\":[],\"name\":\"b\",\"resourceVersion\":\"1\"}",
            "{\"name\":\"c\",\"resourceVersion\":\"1\",\"managedFields\":[]}",
        };
        size_t i;

        for (i = 0; i < nitems(md); i++) {
            char *j = xasprintf("{\"kind\":\"Pod\",\"metadata\":%s}", md[i]);

            p = cJSON_Parse(j);
            before = cJSON_PrintUnformatted(p);
            assert_int_equal(store_upsert(s, p), 0);
            after = cJSON_PrintUnformatted(p);
            assert_string_equal(before, after);
            cJSON_AddStringToObject(cJSON_GetObjectItem(p, "metadata"), "x",
                                    "y"); /* the list still links */
            free(before);
            free(after);
            free(j);
            cJSON_Delete(p);
        }
        assert_null(strstr(store_find(s, "b")->json, "managedFields"));
        assert_null(strstr(store_find(s, "c")->json, "managedFields"));
    }
    store_free(s);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic),
        cmocka_unit_test(test_batch_and_sweep),
        cmocka_unit_test(test_growth),
        cmocka_unit_test(test_ops_reject),
        cmocka_unit_test(test_change_log),
        cmocka_unit_test(test_compact_drops_managed_fields),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
