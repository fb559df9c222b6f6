/*
 * apply.c against an in-process kpod-sim: create, server-side apply and
 * delete from multi-document YAML and a JSON List, each document's line
 * as kubectl prints it, the server's own message on a conflict, a
 * Namespace found through discovery and created, kinds the server does
 * not serve reported as kubectl does, a YAML error that names FILE:LINE and
 * sends nothing, and a cancelled run that calls nothing back. What the
 * server holds afterwards is read back with GETs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "apply.h"
#include "khttp.h"
#include "kubeconfig.h"
#include "loop.h"
#include "sim.h"
#include "util.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct t {
    uv_loop_t          uv;
    struct kloop      *loop;
    struct kclient    *client;
    struct sim_thread *sim;
    char               dir[64];
    struct kbuf        lines;
    int                done, ok, failed, nlines;
    long               status;
    cJSON             *body;
};

static struct t T;

static void
on_line(struct apply_run *r, const char *line, int error, void *data)
{
    struct t *t = data;

    (void)r;
    kbuf_printf(&t->lines, "%s%s\n", error ? "E " : "", line);
    t->nlines++;
}

static void
on_done(struct apply_run *r, int ok, int failed, void *data)
{
    struct t *t = data;

    (void)r;
    t->ok = ok;
    t->failed = failed;
    t->done = 1;
}

static char *
write_file(const char *name, const char *text)
{
    char *path = xasprintf("%s/%s", T.dir, name);
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

/* Run verb on file to the end; the lines are in T.lines. */
static void
run(enum apply_verb verb, const char *file)
{
    char             *cause = NULL;
    struct apply_run *r;

    kbuf_reset(&T.lines);
    T.done = T.ok = T.failed = T.nlines = 0;
    r = apply_start(T.client, verb, file, "default", on_line, on_done, &T,
                    &cause);
    if (r == NULL)
        fail_msg("apply_start: %s", cause);
    assert_int_equal(T.done, 0); /* never from inside apply_start */
    while (!T.done)
        uv_run(&T.uv, UV_RUN_ONCE);
}

static void
get_done(struct khttp_req *q, const struct khttp_response *resp, void *data)
{
    (void)q;
    (void)data;
    T.status = resp->status;
    cJSON_Delete(T.body);
    T.body = resp->error == NULL
                 ? cJSON_ParseWithLength(resp->body, resp->body_len)
                 : NULL;
    T.done = 1;
}

/* GET a pod: the HTTP status; the object in T.body. */
static long
get_pod(const char *ns, const char *name)
{
    char *path = xasprintf("/api/v1/namespaces/%s/pods/%s", ns, name);
    struct khttp_opts o = {.path = path};
    char             *cause = NULL;

    T.done = 0;
    assert_non_null(khttp_request(T.client, &o, get_done, &T, &cause));
    while (!T.done)
        uv_run(&T.uv, UV_RUN_ONCE);
    free(path);
    return T.status;
}

static const char *
label_of(const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(
            cJSON_GetObjectItemCaseSensitive(T.body, "metadata"), "labels"),
        key);

    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static const char two_pods[] = "apiVersion: v1\n"
                               "kind: Pod\n"
                               "metadata:\n"
                               "  name: a\n"
                               "spec:\n"
                               "  containers:\n"
                               "  - name: c\n"
                               "    image: busybox\n"
                               "---\n"
                               "# a comment-only document between\n"
                               "---\n"
                               "apiVersion: v1\n"
                               "kind: Pod\n"
                               "metadata:\n"
                               "  name: b\n"
                               "  namespace: other\n"
                               "spec:\n"
                               "  containers:\n"
                               "  - name: c\n"
                               "    image: busybox\n";

static void
test_create_apply_delete(void **state)
{
    char *f = write_file("two.yaml", two_pods), *g;

    (void)state;
    run(APPLY_CREATE, f);
    assert_int_equal(T.ok, 2);
    assert_int_equal(T.failed, 0);
    assert_string_equal(T.lines.data, "pod/a created\npod/b created\n");
    assert_int_equal(get_pod("default", "a"), 200);
    assert_int_equal(get_pod("other", "b"), 200);
    assert_int_equal(get_pod("default", "b"), 404);

    /* again: the server's AlreadyExists, per document */
    run(APPLY_CREATE, f);
    assert_int_equal(T.ok, 0);
    assert_int_equal(T.failed, 2);
    {
        char *want = xasprintf(
            "E Error from server (AlreadyExists): error when creating \"%s\": "
            "pods \"a\" already exists\n"
            "E Error from server (AlreadyExists): error when creating \"%s\": "
            "pods \"b\" already exists\n",
            f, f);

        assert_string_equal(T.lines.data, want);
        free(want);
    }

    /* server-side apply changes what is there (a label added) */
    g = write_file("label.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n"
                                 "  name: a\n  labels:\n    tier: web\n"
                                 "spec:\n  containers:\n  - name: c\n"
                                 "    image: busybox\n");
    assert_int_equal(get_pod("default", "a"), 200);
    assert_null(label_of("tier"));
    run(APPLY_APPLY, g);
    assert_string_equal(T.lines.data, "pod/a serverside-applied\n");
    assert_int_equal(get_pod("default", "a"), 200);
    assert_non_null(label_of("tier"));
    assert_string_equal(label_of("tier"), "web");
    /* and creates what is not */
    assert_int_equal(get_pod("default", "c"), 404);
    free(g);
    g = write_file("c.json", "{\"apiVersion\":\"v1\",\"kind\":\"Pod\","
                             "\"metadata\":{\"name\":\"c\"},\"spec\":{"
                             "\"containers\":[{\"name\":\"c\",\"image\":"
                             "\"busybox\"}]}}");
    run(APPLY_APPLY, g);
    assert_string_equal(T.lines.data, "pod/c serverside-applied\n");
    assert_int_equal(get_pod("default", "c"), 200);
    free(g);

    run(APPLY_DELETE, f);
    assert_string_equal(T.lines.data, "pod \"a\" deleted\npod \"b\" deleted\n");
    /* graceful: terminating, or already gone */
    if (get_pod("default", "a") == 200)
        assert_non_null(cJSON_GetObjectItemCaseSensitive(
            cJSON_GetObjectItemCaseSensitive(T.body, "metadata"),
            "deletionTimestamp"));
    else
        assert_int_equal(T.status, 404);
    free(f);
    f = write_file("missing.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n"
                                   "  name: nobody\n");
    run(APPLY_DELETE, f);
    assert_int_equal(T.failed, 1);
    assert_non_null(strstr(T.lines.data, "E Error from server (NotFound): "
                                         "error when deleting"));
    assert_non_null(strstr(T.lines.data, "pods \"nobody\" not found"));
    free(f);
}

/* A List with a pod and a Deployment the server does not serve (no
 * apps/v1 in kpod-sim): the pod goes, the other is reported as kubectl
 * reports an unknown mapping; a pod without a name is refused here. */
static void
test_list_and_other_kinds(void **state)
{
    char *f = write_file(
        "list.json",
        "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":["
        "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{"
        "\"name\":\"dep\"}},"
        "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":"
        "\"in-list\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":"
        "\"busybox\"}]}},"
        "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{},\"spec\":{}}"
        "]}");

    (void)state;
    run(APPLY_APPLY, f);
    assert_int_equal(T.ok, 1);
    assert_int_equal(T.failed, 2);
    assert_int_equal(T.nlines, 3);
    {
        char *want =
            xasprintf("E error: resource mapping not found for name: \"dep\" "
                      "namespace: \"\" from \"%s\": no matches for kind "
                      "\"Deployment\" in version \"apps/v1\"\nensure CRDs are "
                      "installed first\n",
                      f);

        assert_non_null(strstr(T.lines.data, want));
        free(want);
    }
    assert_non_null(strstr(T.lines.data, "pod/in-list serverside-applied\n"));
    assert_non_null(strstr(T.lines.data, "resource name may not be empty"));
    assert_int_equal(get_pod("default", "in-list"), 200);
    free(f);
}

/* GET a path: the HTTP status. */
static long
get_path(const char *path)
{
    struct khttp_opts o = {.path = path};
    char             *cause = NULL;

    T.done = 0;
    assert_non_null(khttp_request(T.client, &o, get_done, &T, &cause));
    while (!T.done)
        uv_run(&T.uv, UV_RUN_ONCE);
    return T.status;
}

/* Kinds other than Pod go through discovery: a cluster-scoped Namespace
 * is POSTed to /api/v1/namespaces and printed with its lower-case kind;
 * a kind v1 does not serve is reported and the documents after it still
 * go (the pod, into the namespace just made). */
static void
test_other_kinds(void **state)
{
    char *f = write_file("ns.yaml", "apiVersion: v1\n"
                                    "kind: Namespace\n"
                                    "metadata:\n"
                                    "  name: team\n"
                                    "---\n"
                                    "apiVersion: v1\n"
                                    "kind: Foo\n"
                                    "metadata:\n"
                                    "  name: x\n"
                                    "---\n"
                                    "apiVersion: v1\n"
                                    "kind: Pod\n"
                                    "metadata:\n"
                                    "  name: p\n"
                                    "  namespace: team\n"
                                    "spec:\n"
                                    "  containers:\n"
                                    "  - name: c\n"
                                    "    image: busybox\n");
    char *want;

    (void)state;
    assert_int_equal(get_path("/api/v1/namespaces/team"), 404);
    run(APPLY_CREATE, f);
    assert_int_equal(T.ok, 2);
    assert_int_equal(T.failed, 1);
    want = xasprintf("namespace/team created\n"
                     "E error: resource mapping not found for name: \"x\" "
                     "namespace: \"\" from \"%s\": no matches for kind "
                     "\"Foo\" in version \"v1\"\n"
                     "ensure CRDs are installed first\n"
                     "pod/p created\n",
                     f);
    assert_string_equal(T.lines.data, want);
    free(want);
    assert_int_equal(get_path("/api/v1/namespaces/team"), 200);
    assert_int_equal(get_pod("team", "p"), 200);
    /* again: the server's own AlreadyExists for the namespace */
    run(APPLY_CREATE, f);
    assert_int_equal(T.ok, 0);
    assert_int_equal(T.failed, 3);
    assert_non_null(strstr(T.lines.data, "namespaces \"team\" already "
                                         "exists\n"));
    free(f);
}

/* The second document is broken: nothing is sent, the cause names the
 * file and the line. */
static void
test_yaml_error_sends_nothing(void **state)
{
    char *f = write_file("bad.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n"
                                     "  name: never\n---\n"
                                     "apiVersion: v1\nkind: Pod\n"
                                     "metadata:\n  name: [x\n"),
         *cause = NULL, *prefix;

    (void)state;
    assert_null(apply_start(T.client, APPLY_CREATE, f, "default", on_line,
                            on_done, &T, &cause));
    prefix = xasprintf("%s:", f);
    assert_non_null(cause);
    assert_true(strncmp(cause, prefix, strlen(prefix)) == 0);
    /* FILE:LINE:COL, the line inside the second document */
    assert_true(atoi(cause + strlen(prefix)) >= 9);
    free(cause);
    cause = NULL;
    assert_int_equal(get_pod("default", "never"), 404);
    free(prefix);
    free(f);
    assert_null(apply_start(T.client, APPLY_CREATE, "/nonexistent/x.yaml",
                            "default", on_line, on_done, &T, &cause));
    assert_non_null(strstr(cause, "No such file"));
    free(cause);
    cause = NULL;
    f = write_file("empty.yaml", "---\n# nothing\n");
    assert_null(apply_start(T.client, APPLY_CREATE, f, "default", on_line,
                            on_done, &T, &cause));
    assert_non_null(strstr(cause, "no objects"));
    free(cause);
    free(f);
}

/* Cancelled before the loop ran: nothing is sent, nothing calls back. */
static void
test_cancel(void **state)
{
    char *f = write_file("cancel.yaml",
                         "apiVersion: v1\nkind: Pod\nmetadata:\n"
                         "  name: cancelled\nspec:\n  containers:\n"
                         "  - name: c\n    image: busybox\n"),
         *cause = NULL;
    struct apply_run *r;
    int               i;

    (void)state;
    T.nlines = 0;
    T.done = 0;
    r = apply_start(T.client, APPLY_CREATE, f, "default", on_line, on_done, &T,
                    &cause);
    assert_non_null(r);
    apply_cancel(r);
    for (i = 0; i < 20; i++)
        uv_run(&T.uv, UV_RUN_NOWAIT);
    assert_int_equal(T.done, 0);
    assert_int_equal(T.nlines, 0);
    assert_int_equal(get_pod("default", "cancelled"), 404);
    free(f);
}

static void
test_args(void **state)
{
    char *cause = NULL, *f;

    (void)state;
    f = apply_args_file("-f pod.yaml", &cause);
    assert_string_equal(f, "pod.yaml");
    free(f);
    f = apply_args_file("--filename=a b.yaml", &cause);
    assert_null(f); /* two files */
    free(cause);
    f = apply_args_file("  x.json  ", &cause);
    assert_string_equal(f, "x.json");
    free(f);
    f = apply_args_file("-fy.yaml --server-side", &cause);
    assert_string_equal(f, "y.yaml");
    free(f);
    assert_null(apply_args_file("", &cause));
    assert_non_null(strstr(cause, "-f FILE"));
    free(cause);
    assert_null(apply_args_file("-f x --force", &cause));
    assert_string_equal(cause, "unknown flag: --force");
    free(cause);
    assert_int_equal(apply_verb_parse("apply"), APPLY_APPLY);
    assert_int_equal(apply_verb_parse("create"), APPLY_CREATE);
    assert_int_equal(apply_verb_parse("delete"), APPLY_DELETE);
    assert_int_equal(apply_verb_parse("patch"), -1);
}

static void
closed(void *data)
{
    *(int *)data = 1;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_args),
        cmocka_unit_test(test_create_apply_delete),
        cmocka_unit_test(test_list_and_other_kinds),
        cmocka_unit_test(test_other_kinds),
        cmocka_unit_test(test_yaml_error_sends_nothing),
        cmocka_unit_test(test_cancel),
    };
    struct sim_opts  so = {.host = "127.0.0.1", .scenario = "empty"};
    struct kube_ctx *ctx;
    char            *cause = NULL, *url, *cmd;
    int              port = 0, rc, done = 0;

    snprintf(T.dir, sizeof T.dir, "/tmp/kpod-apply.XXXXXX");
    if (mkdtemp(T.dir) == NULL)
        return 1;
    T.sim = sim_thread_start(&so, &port, &cause);
    if (T.sim == NULL) {
        fprintf(stderr, "sim: %s\n", cause);
        return 1;
    }
    uv_loop_init(&T.uv);
    T.loop = kloop_create(&T.uv);
    url = xasprintf("http://127.0.0.1:%d", port);
    ctx = kube_ctx_for_url(url, "default");
    T.client = kclient_create(T.loop, ctx);
    kube_ctx_free(ctx);
    free(url);
    kbuf_init(&T.lines);

    rc = cmocka_run_group_tests(tests, NULL, NULL);

    kbuf_done(&T.lines);
    cJSON_Delete(T.body);
    kclient_free(T.client);
    kloop_close(T.loop, closed, &done);
    uv_run(&T.uv, UV_RUN_DEFAULT);
    if (uv_loop_close(&T.uv) != 0) {
        fprintf(stderr, "FAIL: uv_loop_close\n");
        rc = 1;
    }
    if (sim_thread_stop(T.sim) != 0)
        rc = 1;
    cmd = xasprintf("rm -rf '%s'", T.dir);
    if (system(cmd) != 0)
        rc = 1;
    free(cmd);
    return rc;
}
