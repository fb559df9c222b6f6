/*
 * kpod-sim in-process: sim_thread_start serves the demo scenario to a curl
 * client, accepts a create and a watch, and sim_thread_stop leaves a loop
 * that closes cleanly; sim_create on a busy port fails with a cause and
 * leaves nothing behind; sim_close on the caller's loop runs its callback
 * once and uv_loop_close() returns 0; sim_write_kubeconfig points at it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "sim.h"
#include "util.h"

static size_t
collect(char *p, size_t size, size_t n, void *data)
{
    kbuf_append(data, p, size * n);
    return size * n;
}

/* One request; returns the HTTP code and the body in *body. */
static long
request(int port, const char *method, const char *path, const char *json,
        struct kbuf *body)
{
    CURL              *h = curl_easy_init();
    struct curl_slist *hdr = NULL;
    char              *url = xasprintf("http://127.0.0.1:%d%s", port, path);
    long               code = 0;

    kbuf_reset(body);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, body);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
    if (json != NULL) {
        hdr = curl_slist_append(hdr, "Content-Type: application/json");
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, json);
    }
    assert_int_equal(curl_easy_perform(h), CURLE_OK);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    curl_slist_free_all(hdr);
    curl_easy_cleanup(h);
    free(url);
    return code;
}

static void
test_thread(void **state)
{
    struct sim_opts    o = {0};
    struct sim_thread *st;
    struct kbuf        b;
    char              *cause = NULL;
    int                port = 0;

    (void)state;
    o.host = "127.0.0.1";
    o.scenario = "demo";
    st = sim_thread_start(&o, &port, &cause);
    assert_non_null(st);
    assert_null(cause);
    assert_true(port > 0);
    kbuf_init(&b);
    assert_int_equal(request(port, "GET", "/version", NULL, &b), 200);
    assert_non_null(strstr(b.data, "\"minor\": \"32\""));
    assert_int_equal(
        request(port, "GET", "/api/v1/namespaces/default/pods", NULL, &b), 200);
    assert_non_null(strstr(b.data, "\"name\":\"nginx\""));
    assert_non_null(strstr(b.data, "\"name\":\"http-go\""));
    assert_int_equal(
        request(port, "POST", "/api/v1/namespaces/default/pods",
                "{\"metadata\":{\"name\":\"t1\"},\"spec\":{\"containers\":[{"
                "\"name\":\"c\",\"image\":\"nginx:1.25\"}]}}",
                &b),
        201);
    assert_int_equal(
        request(port, "GET", "/api/v1/namespaces/default/pods/t1", NULL, &b),
        200);
    assert_non_null(strstr(b.data, "\"kind\":\"Pod\""));
    /* a watch that ends by itself, with the pods as ADDED */
    assert_int_equal(request(port, "GET",
                             "/api/v1/namespaces/default/pods?watch=1&"
                             "timeoutSeconds=1",
                             NULL, &b),
                     200);
    assert_non_null(strstr(b.data, "{\"type\":\"ADDED\",\"object\":{"));
    assert_int_equal(
        request(port, "GET", "/api/v1/namespaces/default/pods/nope", NULL, &b),
        404);
    assert_non_null(strstr(b.data, "pods \\\"nope\\\" not found"));
    kbuf_done(&b);
    /* every handle closed, also with the kubelet and watches busy */
    assert_int_equal(sim_thread_stop(st), 0);
}

static void
done_cb(void *data)
{
    (*(int *)data)++;
}

static void
test_loop_and_busy_port(void **state)
{
    uv_loop_t       loop;
    struct sim_opts o = {0};
    struct sim     *a, *b;
    char           *cause = NULL, path[] = "/tmp/kpod-simthread-XXXXXX";
    int             done = 0, fd;
    FILE           *f;
    char            line[256];
    int             found = 0;

    (void)state;
    assert_int_equal(uv_loop_init(&loop), 0);
    o.host = "127.0.0.1";
    a = sim_create(&loop, &o, &cause);
    assert_non_null(a);
    o.port = sim_port(a);
    b = sim_create(&loop, &o, &cause);
    assert_null(b);
    assert_non_null(cause);
    assert_non_null(strstr(cause, "cannot listen"));
    free(cause);
    cause = NULL;

    fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(
        sim_write_kubeconfig(path, "127.0.0.1", sim_port(a), "tok", &cause), 0);
    f = fopen(path, "r");
    assert_non_null(f);
    while (fgets(line, sizeof line, f) != NULL) {
        char want[64];

        snprintf(want, sizeof want, "    server: http://127.0.0.1:%d\n",
                 sim_port(a));
        if (strcmp(line, want) == 0)
            found |= 1;
        if (strcmp(line, "    token: tok\n") == 0)
            found |= 2;
    }
    fclose(f);
    unlink(path);
    assert_int_equal(found, 3);

    sim_close(a, done_cb, &done);
    assert_int_equal(uv_run(&loop, UV_RUN_DEFAULT), 0);
    assert_int_equal(done, 1);
    assert_int_equal(uv_loop_close(&loop), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_thread),
        cmocka_unit_test(test_loop_and_busy_port),
    };
    int rc;

    curl_global_init(CURL_GLOBAL_DEFAULT);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
