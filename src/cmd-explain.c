/*
 * Print mode: `kpod explain pods.spec.containers`. One fetch of the
 * OpenAPI document on its own loop, then explain_text; errors go to
 * stderr as kubectl words them ("error: field "x" does not exist", after
 * the KIND/VERSION header kubectl has already printed by then) with exit
 * status 1.
 */
#include "cmd-explain.h"

#include "explain.h"
#include "khttp.h"
#include "kubeconfig.h"
#include "loop.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cmd_explain {
    struct explain *doc;
    char           *error;
    int             done;
};

static void
cmd_explain_fetched(struct explain *doc, const char *error, void *data)
{
    struct cmd_explain *c = data;

    c->doc = doc;
    c->error = error ? xstrdup(error) : NULL;
    c->done = 1;
}

static void
cmd_explain_closed(void *data)
{
    *(int *)data = 1;
}

static int
cmd_explain_usage(const char *why)
{
    fprintf(stderr,
            "kpod explain: %s\n"
            "usage: kpod explain RESOURCE[.FIELD...] [--kubeconfig FILE] "
            "[--context NAME]\n",
            why);
    return 1;
}

/* What kubectl prints before it finds that a field is missing: the
 * KIND/VERSION header of the resource. */
static void
cmd_explain_header(struct explain *doc, const char *path)
{
    char *res = xstrndup(path, strcspn(path, "."));
    char *why = NULL, *text = explain_text(doc, res, &why), *end;

    if (text != NULL && (end = strstr(text, "\n\n")) != NULL) {
        fwrite(text, 1, (size_t)(end - text) + 2, stdout);
        fflush(stdout);
    }
    free(text);
    free(why);
    free(res);
}

int
cmd_explain_main(int argc, char **argv)
{
    struct kube_opts      opts = {0};
    struct kube_ctx      *ctx;
    struct cmd_explain    c = {0};
    struct explain_fetch *f;
    uv_loop_t             uv;
    struct kloop         *loop;
    struct kclient       *client;
    const char           *path = NULL;
    char                 *cause = NULL, *text;
    int                   i, r, closed = 0, rc = 0;

    for (i = 1; i < argc; i++) {
        if ((r = kube_opts_flag(&opts, argc, argv, &i, &cause)) < 0) {
            r = cmd_explain_usage(cause);
            free(cause);
            return r;
        }
        if (r > 0)
            continue;
        if (argv[i][0] == '-' && argv[i][1] != '\0') {
            char *why = xasprintf("unknown flag: %s", argv[i]);

            r = cmd_explain_usage(why);
            free(why);
            return r;
        }
        if (path != NULL)
            return cmd_explain_usage("explain one path at a time");
        path = argv[i];
    }
    if (path == NULL)
        return cmd_explain_usage(
            "you must specify the type of resource to explain");
    if ((ctx = kubeconfig_load(&opts, &cause)) == NULL) {
        fprintf(stderr, "kpod: %s\n", cause);
        free(cause);
        return 1;
    }
    uv_loop_init(&uv);
    loop = kloop_create(&uv);
    client = kclient_create(loop, ctx);
    kube_ctx_free(ctx);
    f = explain_fetch_start(client, cmd_explain_fetched, &c, &cause);
    if (f == NULL) {
        c.error = cause;
        c.done = 1;
    }
    while (!c.done && uv_run(&uv, UV_RUN_ONCE) != 0)
        ;
    if (!c.done)
        explain_fetch_cancel(f);
    if (c.doc == NULL) {
        fprintf(stderr, "error: %s\n",
                c.error ? c.error : "no OpenAPI document");
        rc = 1;
    } else if ((text = explain_text(c.doc, path, &cause)) == NULL) {
        /* kubectl prints an unknown resource without "error: " */
        if (strncmp(cause, "field ", 6) == 0)
            cmd_explain_header(c.doc, path);
        fprintf(stderr, "%s%s\n",
                strncmp(cause, "the server", 10) == 0 ? "" : "error: ", cause);
        free(cause);
        rc = 1;
    } else {
        fputs(text, stdout);
        fflush(stdout);
        free(text);
    }
    explain_free(c.doc);
    free(c.error);
    kclient_free(client);
    kloop_close(loop, cmd_explain_closed, &closed);
    uv_run(&uv, UV_RUN_DEFAULT);
    if (uv_loop_close(&uv) != 0)
        klog("uv_loop_close: handles left open");
    return rc;
}
