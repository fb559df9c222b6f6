/*
 * kubeconfig: file selection (--kubeconfig, KUBECONFIG list, ~/.kube/config),
 * first-file-wins merging, context/namespace resolution, TLS and token
 * material, and errors that name the file (and line for YAML errors).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "kubeconfig.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char tmpdir[256];

static char *
put(const char *name, const char *text)
{
    char *path = xasprintf("%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static int
setup(void **state)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/kpod-kc.XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
    setenv("HOME", tmpdir, 1);
    unsetenv("KUBECONFIG");
    unsetenv("KUBERNETES_SERVICE_HOST");
    unsetenv("KUBERNETES_SERVICE_PORT");
    return 0;
}

static int
teardown(void **state)
{
    char *cmd = xasprintf("rm -rf '%s'", tmpdir);

    assert_int_equal(system(cmd), 0);
    free(cmd);
    return 0;
}

static const char *A = "apiVersion: v1\n"
                       "kind: Config\n"
                       "current-context: a\n"
                       "clusters:\n"
                       "- name: c1\n"
                       "  cluster:\n"
                       "    server: https://a.example:6443/\n"
                       "    certificate-authority-data: aGVsbG8tY2E=\n"
                       "- name: shared\n"
                       "  cluster:\n"
                       "    server: https://from-a:1\n"
                       "users:\n"
                       "- name: u1\n"
                       "  user:\n"
                       "    token: tok-a\n"
                       "contexts:\n"
                       "- name: a\n"
                       "  context: {cluster: c1, user: u1, namespace: team-a}\n"
                       "- name: s\n"
                       "  context: {cluster: shared, user: u2}\n";

static const char *B = "apiVersion: v1\n"
                       "current-context: b\n"
                       "clusters:\n"
                       "- name: shared\n"
                       "  cluster:\n"
                       "    server: https://from-b:2\n"
                       "    insecure-skip-tls-verify: true\n"
                       "    disable-compression: true\n"
                       "- name: c2\n"
                       "  cluster:\n"
                       "    server: http://b.example\n"
                       "    certificate-authority: ca.pem\n"
                       "users:\n"
                       "- name: u2\n"
                       "  user:\n"
                       "    tokenFile: tok.txt\n"
                       "contexts:\n"
                       "- name: b\n"
                       "  context: {cluster: c2, user: u2}\n";

static void
test_explicit_file(void **state)
{
    char            *a = put("a.yaml", A), *cause = NULL;
    struct kube_opts o = {.kubeconfig = a};
    struct kube_ctx *c = kubeconfig_load(&o, &cause);

    assert_null(cause);
    assert_non_null(c);
    assert_string_equal(c->context, "a");
    assert_string_equal(c->cluster, "c1");
    assert_string_equal(c->user, "u1");
    assert_string_equal(c->server, "https://a.example:6443");
    assert_string_equal(c->ns, "team-a");
    assert_string_equal(c->token, "tok-a");
    assert_int_equal(c->ca_len, 8);
    assert_memory_equal(c->ca, "hello-ca", 8);
    assert_int_equal(c->insecure, 0);
    kube_ctx_free(c);

    /* -n overrides the context's namespace; -A is passed through. */
    o.ns = "other";
    o.all_ns = 1;
    c = kubeconfig_load(&o, &cause);
    assert_non_null(c);
    assert_string_equal(c->ns, "other");
    assert_int_equal(c->all_ns, 1);
    kube_ctx_free(c);
    free(a);
}

static void
test_kubeconfig_list_merge(void **state)
{
    char            *a = put("a.yaml", A), *b = put("b.yaml", B);
    char            *env, *cause = NULL;
    struct kube_opts o = {0};
    struct kube_ctx *c;

    free(put("tok.txt", "tok-from-file\n"));
    free(put("ca.pem", "PEM"));
    env = xasprintf("%s/missing.yaml:%s::%s:%s", tmpdir, b, a, b);
    setenv("KUBECONFIG", env, 1);

    /* current-context from the first file that sets it: b. */
    c = kubeconfig_load(&o, &cause);
    assert_null(cause);
    assert_non_null(c);
    assert_string_equal(c->context, "b");
    assert_string_equal(c->server, "http://b.example");
    assert_string_equal(c->ns, "default");
    /* Relative paths resolve against the file that named them. */
    assert_string_equal(c->token, "tok-from-file");
    assert_int_equal(c->ca_len, 3);
    kube_ctx_free(c);

    /* Context s lives in a, its cluster "shared" is in both: b wins. */
    o.context = "s";
    c = kubeconfig_load(&o, &cause);
    assert_non_null(c);
    assert_string_equal(c->server, "https://from-b:2");
    assert_int_equal(c->insecure, 1);
    assert_int_equal(c->disable_compression, 1);
    assert_string_equal(c->source, a);
    kube_ctx_free(c);

    o.context = "nope";
    c = kubeconfig_load(&o, &cause);
    assert_null(c);
    assert_non_null(strstr(cause, "context \"nope\" does not exist"));
    free(cause);
    unsetenv("KUBECONFIG");
    free(env);
    free(a);
    free(b);
}

/* The context picker's list: every file's contexts once (the first file
 * that names one wins), sorted, current-context from the first file that
 * sets it; no kubeconfig is an empty list, a broken one an error. */
static void
test_contexts(void **state)
{
    char            *a = put("a.yaml", A), *b = put("b.yaml", B);
    char            *env, *cause = NULL, *cur = NULL, **names = NULL;
    char            *dup = put("dup.yaml", "contexts:\n"
                                                      "- name: a\n"
                                                      "  context: {cluster: c2}\n"
                                                      "- name: zz\n"
                                                      "  context: {cluster: c2}\n"
                                                      "- context: {cluster: c2}\n");
    struct kube_opts o = {0};
    size_t           n = 0, i;

    (void)state;
    env = xasprintf("%s:%s:%s", b, dup, a);
    setenv("KUBECONFIG", env, 1);
    assert_int_equal(kubeconfig_contexts(&o, &names, &n, &cur, &cause), 0);
    assert_int_equal(n, 4);
    assert_string_equal(names[0], "a");
    assert_string_equal(names[1], "b");
    assert_string_equal(names[2], "s");
    assert_string_equal(names[3], "zz");
    assert_string_equal(cur, "b");
    for (i = 0; i < n; i++)
        free(names[i]);
    free(names);
    free(cur);

    /* --kubeconfig: that file only. */
    o.kubeconfig = a;
    assert_int_equal(kubeconfig_contexts(&o, &names, &n, &cur, &cause), 0);
    assert_int_equal(n, 2);
    assert_string_equal(names[0], "a");
    assert_string_equal(names[1], "s");
    assert_string_equal(cur, "a");
    for (i = 0; i < n; i++)
        free(names[i]);
    free(names);
    free(cur);

    /* A current-context naming no context is not marked. */
    free(put("a.yaml", "current-context: gone\ncontexts:\n- name: x\n"
                       "  context: {cluster: c}\n"));
    assert_int_equal(kubeconfig_contexts(&o, &names, &n, &cur, &cause), 0);
    assert_int_equal(n, 1);
    assert_null(cur);
    free(names[0]);
    free(names);

    free(put("a.yaml", "contexts: [\n"));
    assert_int_equal(kubeconfig_contexts(&o, &names, &n, &cur, &cause), -1);
    assert_non_null(cause);
    assert_non_null(strstr(cause, "a.yaml"));
    free(cause);
    cause = NULL;

    o.kubeconfig = NULL;
    unsetenv("KUBECONFIG");
    assert_int_equal(kubeconfig_contexts(&o, &names, &n, &cur, &cause), 0);
    assert_int_equal(n, 0);
    assert_null(names);
    free(env);
    free(a);
    free(b);
    free(dup);
}

static void
test_home_default(void **state)
{
    char            *dir = xasprintf("%s/.kube", tmpdir), *cause = NULL;
    struct kube_opts o = {0};
    struct kube_ctx *c;

    /* Nothing anywhere: one line naming what was looked for. */
    c = kubeconfig_load(&o, &cause);
    assert_null(c);
    assert_non_null(strstr(cause, "/.kube/config"));
    assert_non_null(strstr(cause, "kpod --demo"));
    assert_null(strchr(cause, '\n'));
    free(cause);

    assert_int_equal(mkdir(dir, 0700), 0);
    free(put(".kube/config", A));
    c = kubeconfig_load(&o, &cause);
    assert_non_null(c);
    assert_string_equal(c->context, "a");
    kube_ctx_free(c);
    free(dir);
}

static void
test_errors(void **state)
{
    char            *cause = NULL, *p, *want;
    struct kube_opts o = {0};

    /* YAML syntax error: file:line. */
    p = put("bad.yaml", "apiVersion: v1\nclusters:\n- name: x\n  cluster: [\n");
    o.kubeconfig = p;
    assert_null(kubeconfig_load(&o, &cause));
    want = xasprintf("%s:", p);
    assert_non_null(strstr(cause, want));
    assert_true(strlen(cause) > strlen(want) + 1);
    assert_in_range(cause[strlen(want)], '1', '9');
    free(cause);
    free(want);
    free(p);

    /* Missing --kubeconfig file. */
    o.kubeconfig = "/nonexistent/kubeconfig";
    assert_null(kubeconfig_load(&o, &cause));
    assert_non_null(strstr(cause, "/nonexistent/kubeconfig"));
    free(cause);

    /* Missing tokenFile: names file and user. */
    p = put("c.yaml",
            "current-context: x\n"
            "clusters: [{name: k, cluster: {server: 'http://h'}}]\n"
            "users: [{name: u, user: {tokenFile: gone.txt}}]\n"
            "contexts: [{name: x, context: {cluster: k, user: u}}]\n");
    o.kubeconfig = p;
    assert_null(kubeconfig_load(&o, &cause));
    assert_non_null(strstr(cause, p));
    assert_non_null(strstr(cause, "user \"u\""));
    assert_non_null(strstr(cause, "gone.txt"));
    free(cause);
    free(p);

    /* insecure + CA is refused like client-go. */
    p = put("d.yaml", "current-context: x\n"
                      "clusters: [{name: k, cluster: {server: 'https://h', "
                      "insecure-skip-tls-verify: true, "
                      "certificate-authority-data: QQ==}}]\n"
                      "contexts: [{name: x, context: {cluster: k}}]\n");
    o.kubeconfig = p;
    assert_null(kubeconfig_load(&o, &cause));
    assert_non_null(strstr(cause, "insecure"));
    free(cause);
    free(p);

    /* A context whose cluster is missing. */
    p = put("e.yaml", "current-context: x\n"
                      "contexts: [{name: x, context: {cluster: k}}]\n");
    o.kubeconfig = p;
    assert_null(kubeconfig_load(&o, &cause));
    assert_non_null(strstr(cause, "cluster \"k\" does not exist"));
    free(cause);
    free(p);
}

static void
test_exec_plugin(void **state)
{
    char            *cause = NULL, *p, *want;
    struct kube_opts o = {0};
    struct kube_ctx *c;

    p = put("x.yaml",
            "current-context: x\n"
            "clusters: [{name: k, cluster: {server: 'https://h'}}]\n"
            "contexts: [{name: x, context: {cluster: k, user: u}},\n"
            "           {name: yy, context: {cluster: k, user: bare}}]\n"
            "users:\n"
            "- name: u\n"
            "  user:\n"
            "    exec:\n"
            "      apiVersion: client.authentication.k8s.io/v1beta1\n"
            "      command: ./bin/get-token\n"
            "      args: [--region, eu]\n"
            "      env: [{name: A, value: '1'}, {name: B, value: two}]\n"
            "      installHint: get it from the web\n"
            "      provideClusterInfo: true\n"
            "      interactiveMode: Never\n"
            "    as: admin@corp\n"
            "    as-uid: '42'\n"
            "    as-groups: [ops, dev]\n"
            "    as-user-extra: {scopes/v1: [view]}\n"
            "- name: bare\n"
            "  user:\n"
            "    exec: {apiVersion: client.authentication.k8s.io/v1, "
            "command: aws}\n");
    o.kubeconfig = p;
    c = kubeconfig_load(&o, &cause);
    assert_non_null(c);
    assert_non_null(c->exec);
    want = xasprintf("%s/bin/get-token", tmpdir);
    assert_string_equal(c->exec->command, want); /* relative to the file */
    free(want);
    assert_int_equal(c->exec->nargs, 2);
    assert_string_equal(c->exec->args[1], "eu");
    assert_int_equal(c->exec->nenv, 2);
    assert_string_equal(c->exec->env[1], "B=two");
    assert_string_equal(c->exec->api_version,
                        "client.authentication.k8s.io/v1beta1");
    assert_string_equal(c->exec->install_hint, "get it from the web");
    assert_int_equal(c->exec->provide_cluster_info, 1);
    assert_string_equal(c->exec->interactive_mode, "Never");
    assert_int_equal(c->nheaders, 5);
    assert_string_equal(c->headers[0], "Impersonate-User: admin@corp");
    assert_string_equal(c->headers[1], "Impersonate-Uid: 42");
    assert_string_equal(c->headers[2], "Impersonate-Group: ops");
    assert_string_equal(c->headers[3], "Impersonate-Group: dev");
    assert_string_equal(c->headers[4], "Impersonate-Extra-scopes%2Fv1: view");
    assert_null(c->token);
    {
        struct kube_ctx *d = kube_ctx_dup(c);

        assert_string_equal(d->exec->env[0], "A=1");
        assert_int_equal(d->nheaders, 5);
        assert_string_equal(d->headers[3], "Impersonate-Group: dev");
        kube_ctx_free(d);
    }
    kube_ctx_free(c);
    o.context = "yy";
    c = kubeconfig_load(&o, &cause);
    assert_non_null(c);
    assert_string_equal(c->exec->command, "aws"); /* bare: from PATH */
    kube_ctx_free(c);
    free(p);

    o.context = NULL;
    p = put("z.yaml",
            "current-context: x\n"
            "clusters: [{name: k, cluster: {server: 'https://h'}}]\n"
            "contexts: [{name: x, context: {cluster: k, user: u}}]\n"
            "users: [{name: u, user: {exec: {command: aws, apiVersion: "
            "client.authentication.k8s.io/v1alpha1}}}]\n");
    o.kubeconfig = p;
    assert_null(kubeconfig_load(&o, &cause));
    assert_non_null(strstr(cause, "v1alpha1"));
    assert_non_null(strstr(cause, "user \"u\""));
    free(cause);
    free(p);
}

static void
test_flags(void **state)
{
    char *argv[] = {
        "get",  "--kubeconfig",    "/k",    "--context=c", "-n", "ns1", "-A",
        "pods", "--namespace=ns2", "-nns3", "--context"};
    int              argc = (int)nitems(argv), i, got[nitems(argv)] = {0};
    char            *cause = NULL;
    struct kube_opts o = {0};

    for (i = 1; i < argc - 1; i++)
        got[i] = kube_opts_flag(&o, argc, argv, &i, &cause);
    assert_string_equal(o.kubeconfig, "/k");
    assert_string_equal(o.context, "c");
    assert_string_equal(o.ns, "ns3");
    assert_int_equal(o.all_ns, 1);
    assert_int_equal(got[7], 0); /* "pods" is not a flag */
    i = argc - 1;
    assert_int_equal(kube_opts_flag(&o, argc, argv, &i, &cause), -1);
    assert_non_null(strstr(cause, "--context"));
    free(cause);
}

/* tokenFile is re-read when its mtime or size changes (rotated tokens);
 * unchanged files are not re-read; a vanished file keeps the old token. */
static void
test_token_file_reread(void **state)
{
    char            *cfg = put("t.yaml", "apiVersion: v1\n"
                                                    "current-context: t\n"
                                                    "clusters: [{name: c, cluster: {server: "
                                                    "'https://t:1'}}]\n"
                                                    "users: [{name: u, user: {tokenFile: tok}}]\n"
                                                    "contexts: [{name: t, context: {cluster: c, "
                                                    "user: u}}]\n");
    char            *tok = put("tok", "first\n"), *cause = NULL;
    struct kube_opts o = {.kubeconfig = cfg};
    struct kube_ctx *c = kubeconfig_load(&o, &cause), *d;
    struct timespec  ts[2];

    assert_null(cause);
    assert_non_null(c);
    assert_string_equal(c->token, "first");
    assert_int_equal(kube_ctx_token_refresh(c), 0);

    /* Same size, new content, mtime moved on explicitly (no sleep). */
    free(put("tok", "secnd\n"));
    assert_int_equal(clock_gettime(CLOCK_REALTIME, &ts[0]), 0);
    ts[0].tv_sec += 10;
    ts[1] = ts[0];
    assert_int_equal(utimensat(AT_FDCWD, tok, ts, 0), 0);
    d = kube_ctx_dup(c); /* a copy (as kclient keeps) refreshes alone */
    assert_int_equal(kube_ctx_token_refresh(c), 1);
    assert_string_equal(c->token, "secnd");
    assert_int_equal(kube_ctx_token_refresh(c), 0);
    assert_string_equal(d->token, "first");
    assert_int_equal(kube_ctx_token_refresh(d), 1);
    assert_string_equal(d->token, "secnd");

    /* A different size is noticed even within the same mtime tick. */
    free(put("tok", "third-longer\n"));
    assert_int_equal(utimensat(AT_FDCWD, tok, ts, 0), 0);
    assert_int_equal(kube_ctx_token_refresh(c), 1);
    assert_string_equal(c->token, "third-longer");

    /* Gone: the last token stays. */
    assert_int_equal(unlink(tok), 0);
    assert_int_equal(kube_ctx_token_refresh(c), -1);
    assert_string_equal(c->token, "third-longer");

    /* A literal token has nothing to re-read. */
    free(c->token_file);
    c->token_file = NULL;
    assert_int_equal(kube_ctx_token_refresh(c), 0);
    kube_ctx_free(c);
    kube_ctx_free(d);
    free(tok);
    free(cfg);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_explicit_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kubeconfig_list_merge, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_home_default, setup, teardown),
        cmocka_unit_test_setup_teardown(test_contexts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
        cmocka_unit_test(test_flags),
        cmocka_unit_test_setup_teardown(test_token_file_reread, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_exec_plugin, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
