/*
 * Print mode: `kpod describe pod NAME`. Two requests in a row on its own
 * loop, like kubectl: GET the pod, then list its events (in pages of 500)
 * with describe_events_selector; then describe_pod prints both. A failed
 * GET prints the server's message the way kubectl does and exits 1; a
 * failed event list leaves the events out, as kubectl does.
 */
#include "cmd-describe.h"

#include "describe.h"
#include "khttp.h"
#include "kubeconfig.h"
#include "loop.h"
#include "util.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cmd_describe {
    uv_loop_t         uv;
    struct kloop     *loop;
    struct kclient   *client;
    const char       *name;
    char             *ns;
    struct khttp_req *req;
    cJSON            *pod;
    cJSON            *events; /* array of the items of every page */
    char             *cont;
    int               events_ok;
    int               done;
    int               rc;
};

static void
cmd_describe_finish(struct cmd_describe *d, int rc, const char *error,
                    const char *reason)
{
    if (error != NULL) {
        if (reason != NULL)
            fprintf(stderr, "Error from server (%s): %s\n", reason, error);
        else
            fprintf(stderr, "error: %s\n", error);
    }
    d->rc = rc;
    d->done = 1;
}

static void cmd_describe_list(struct cmd_describe *);

static void
cmd_describe_events_done(struct khttp_req *q, const struct khttp_response *resp,
                         void *data)
{
    struct cmd_describe *d = data;
    cJSON               *doc, *items, *it, *md, *v;

    (void)q;
    d->req = NULL;
    if (resp->error != NULL) {
        /* kubectl describes the pod without its events then */
        d->events_ok = 0;
        cmd_describe_finish(d, 0, NULL, NULL);
        return;
    }
    doc = cJSON_ParseWithLength(resp->body, resp->body_len);
    items = cJSON_GetObjectItemCaseSensitive(doc, "items");
    while (cJSON_IsArray(items) && (it = items->child) != NULL)
        cJSON_AddItemToArray(d->events, cJSON_DetachItemViaPointer(items, it));
    md = cJSON_GetObjectItemCaseSensitive(doc, "metadata");
    v = cJSON_GetObjectItemCaseSensitive(md, "continue");
    free(d->cont);
    d->cont = NULL;
    if (cJSON_IsString(v) && *v->valuestring != '\0') {
        d->cont = xstrdup(v->valuestring);
        cJSON_Delete(doc);
        cmd_describe_list(d);
        return;
    }
    cJSON_Delete(doc);
    d->events_ok = 1;
    cmd_describe_finish(d, 0, NULL, NULL);
}

static void
cmd_describe_list(struct cmd_describe *d)
{
    struct khttp_opts o = {0};
    char *sel = describe_events_selector(d->pod), *esel, *ens, *path;
    char *cause = NULL, *ec = NULL;

    esel = khttp_escape(sel);
    ens = khttp_escape(d->ns);
    if (d->cont != NULL)
        ec = khttp_escape(d->cont);
    path = xasprintf("/api/v1/namespaces/%s/events?fieldSelector=%s"
                     "&limit=500%s%s",
                     ens, esel, ec ? "&continue=" : "", ec ? ec : "");
    o.path = path;
    d->req = khttp_request(d->client, &o, cmd_describe_events_done, d, &cause);
    if (d->req == NULL) {
        free(cause);
        cmd_describe_finish(d, 0, NULL, NULL);
    }
    free(path);
    free(sel);
    free(esel);
    free(ens);
    free(ec);
}

static void
cmd_describe_pod_done(struct khttp_req *q, const struct khttp_response *resp,
                      void *data)
{
    struct cmd_describe *d = data;

    (void)q;
    d->req = NULL;
    if (resp->error != NULL) {
        cmd_describe_finish(d, 1, resp->error, resp->reason);
        return;
    }
    d->pod = cJSON_ParseWithLength(resp->body, resp->body_len);
    if (!cJSON_IsObject(d->pod)) {
        cmd_describe_finish(d, 1, "malformed pod from the server", NULL);
        return;
    }
    cmd_describe_list(d);
}

static int
cmd_describe_usage(const char *why)
{
    fprintf(stderr,
            "kpod describe: %s\n"
            "usage: kpod describe pod NAME [-n NAMESPACE] "
            "[--kubeconfig FILE] [--context NAME]\n",
            why);
    return 1;
}

static void
cmd_describe_closed(void *data)
{
    *(int *)data = 1;
}

int
cmd_describe_main(int argc, char **argv)
{
    struct kube_opts    opts = {0};
    struct kube_ctx    *ctx;
    struct cmd_describe d;
    struct khttp_opts   o = {0};
    const char         *resource = NULL;
    char               *cause = NULL, *ens, *en, *path;
    int                 i, r, closed = 0;

    memset(&d, 0, sizeof d);
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];

        if ((r = kube_opts_flag(&opts, argc, argv, &i, &cause)) < 0) {
            r = cmd_describe_usage(cause);
            free(cause);
            return r;
        }
        if (r > 0)
            continue;
        if (a[0] == '-' && a[1] != '\0') {
            char *why = xasprintf("unknown flag: %s", a);

            r = cmd_describe_usage(why);
            free(why);
            return r;
        } else if (resource == NULL)
            resource = a;
        else if (d.name == NULL)
            d.name = a;
        else
            return cmd_describe_usage("describe one pod at a time");
    }
    if (resource != NULL && strncmp(resource, "pod/", 4) == 0 &&
        d.name == NULL) {
        d.name = resource + 4;
        resource = "pod";
    }
    if (resource == NULL)
        return cmd_describe_usage("which resource? (pod)");
    if (strcmp(resource, "pods") != 0 && strcmp(resource, "pod") != 0 &&
        strcmp(resource, "po") != 0)
        return cmd_describe_usage("only pods can be described");
    if (d.name == NULL || *d.name == '\0')
        return cmd_describe_usage("which pod? (a NAME is needed)");

    if ((ctx = kubeconfig_load(&opts, &cause)) == NULL) {
        fprintf(stderr, "kpod: %s\n", cause);
        free(cause);
        return 1;
    }
    uv_loop_init(&d.uv);
    d.loop = kloop_create(&d.uv);
    d.client = kclient_create(d.loop, ctx);
    d.ns = xstrdup(kclient_ctx(d.client)->ns);
    kube_ctx_free(ctx);
    d.events = cJSON_CreateArray();

    ens = khttp_escape(d.ns);
    en = khttp_escape(d.name);
    path = xasprintf("/api/v1/namespaces/%s/pods/%s", ens, en);
    o.path = path;
    d.req = khttp_request(d.client, &o, cmd_describe_pod_done, &d, &cause);
    free(path);
    free(ens);
    free(en);
    if (d.req == NULL) {
        cmd_describe_finish(&d, 1, cause, NULL);
        free(cause);
    }
    while (!d.done && uv_run(&d.uv, UV_RUN_ONCE) != 0)
        ;
    khttp_cancel(d.req);
    if (d.rc == 0 && d.pod != NULL) {
        char *text =
            describe_pod(d.pod, d.events_ok ? d.events : NULL, know_ms());

        fputs(text, stdout);
        fflush(stdout);
        free(text);
    }
    kclient_free(d.client);
    kloop_close(d.loop, cmd_describe_closed, &closed);
    uv_run(&d.uv, UV_RUN_DEFAULT);
    if (uv_loop_close(&d.uv) != 0)
        klog("uv_loop_close: handles left open");
    cJSON_Delete(d.pod);
    cJSON_Delete(d.events);
    free(d.cont);
    free(d.ns);
    return d.rc;
}
