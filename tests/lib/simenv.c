/*
 * An in-process kpod-sim and a client on the test's loop; see simenv.h.
 */
#include "simenv.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <string.h>

#include "khttp.h"
#include "kubeconfig.h"
#include "loop.h"
#include "sim.h"
#include "util.h"

static void
simenv_tick(uv_timer_t *t)
{
}

void
simenv_setup(struct simenv *e, const char *scenario)
{
    struct sim_opts  so = {.host = "127.0.0.1", .scenario = scenario};
    struct kube_ctx *ctx;
    char            *cause = NULL, *url;

    memset(e, 0, sizeof *e);
    e->sim = sim_thread_start(&so, &e->port, &cause);
    if (e->sim == NULL)
        fprintf(stderr, "kpod-sim: %s\n", cause ? cause : "?");
    CHECK(e->sim != NULL);
    CHECK(uv_loop_init(&e->uv) == 0);
    uv_timer_init(&e->uv, &e->ticker);
    uv_timer_start(&e->ticker, simenv_tick, 20, 20);
    e->loop = kloop_create(&e->uv);
    url = xasprintf("http://127.0.0.1:%d", e->port);
    ctx = kube_ctx_for_url(url, "default");
    e->client = kclient_create(e->loop, ctx);
    kube_ctx_free(ctx);
    free(url);
}

static void
simenv_loop_closed(void *data)
{
    *(int *)data = 1;
}

void
simenv_teardown(struct simenv *e)
{
    int closed = 0;

    kclient_free(e->client);
    kloop_close(e->loop, simenv_loop_closed, &closed);
    uv_close((uv_handle_t *)&e->ticker, NULL);
    uv_run(&e->uv, UV_RUN_DEFAULT);
    CHECK(closed);
    CHECK(uv_loop_close(&e->uv) == 0);
    sim_thread_stop(e->sim);
    free(e->api_body);
    e->api_body = NULL;
}

static void
simenv_api_done(struct khttp_req *req, const struct khttp_response *r,
                void *data)
{
    struct simenv *e = data;

    e->api_done = 1;
    e->api_status = r->status;
    free(e->api_body);
    e->api_body = xstrndup(r->body != NULL ? r->body : "", r->body_len);
}

long
simenv_api(struct simenv *e, const char *method, const char *path,
           const char *body)
{
    struct khttp_opts o = {.method = method,
                           .path = path,
                           .body = body,
                           .body_len = body ? strlen(body) : 0,
                           .max_retries = -1};
    char             *cause = NULL;

    e->api_done = 0;
    CHECK(khttp_request(e->client, &o, simenv_api_done, e, &cause) != NULL);
    SIMENV_RUN_UNTIL(e, e->api_done);
    return e->api_status;
}

int
simenv_pod_running(struct simenv *e, const char *name)
{
    char  *path = xasprintf("/api/v1/namespaces/default/pods/%s", name);
    cJSON *j, *phase;
    int    ok = 0;

    if (simenv_api(e, "GET", path, NULL) == 200) {
        j = cJSON_Parse(e->api_body);
        phase = cJSON_GetObjectItemCaseSensitive(
            cJSON_GetObjectItemCaseSensitive(j, "status"), "phase");
        ok = cJSON_IsString(phase) &&
             strcmp(phase->valuestring, "Running") == 0 &&
             cJSON_GetObjectItemCaseSensitive(
                 cJSON_GetObjectItemCaseSensitive(j, "metadata"),
                 "deletionTimestamp") == NULL;
        cJSON_Delete(j);
    }
    free(path);
    return ok;
}
