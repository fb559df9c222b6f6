/*
 * Print mode for apply.c: parse flags the way the other print modes do,
 * run one apply_run on its own loop, print each document's line as it
 * comes and exit 1 if anything failed (a parse error included, which
 * sends nothing).
 */
#include "cmd-apply.h"

#include "apply.h"
#include "khttp.h"
#include "kubeconfig.h"
#include "loop.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cmd_apply {
    int done, failed;
};

static void
cmd_apply_line(struct apply_run *r, const char *line, int error, void *data)
{
    (void)r;
    (void)data;
    fprintf(error ? stderr : stdout, "%s\n", line);
    fflush(error ? stderr : stdout);
}

static void
cmd_apply_done(struct apply_run *r, int ok, int failed, void *data)
{
    struct cmd_apply *c = data;

    (void)r;
    (void)ok;
    c->failed = failed;
    c->done = 1;
}

static void
cmd_apply_closed(void *data)
{
    *(int *)data = 1;
}

static int
cmd_apply_usage(const char *verb, const char *why)
{
    fprintf(stderr,
            "kpod %s: %s\n"
            "usage: kpod %s -f FILE [-n NAMESPACE] [--kubeconfig FILE] "
            "[--context NAME]\n",
            verb, why, verb);
    return 1;
}

int
cmd_apply_main(int argc, char **argv)
{
    struct kube_opts  opts = {0};
    struct kube_ctx  *ctx;
    struct cmd_apply  c = {0};
    struct apply_run *run;
    struct kbuf       args;
    uv_loop_t         uv;
    struct kloop     *loop;
    struct kclient   *client;
    char             *cause = NULL, *file;
    int               verb = apply_verb_parse(argv[0]), i, r, closed = 0;

    kbuf_init(&args);
    for (i = 1; i < argc; i++) {
        if ((r = kube_opts_flag(&opts, argc, argv, &i, &cause)) < 0) {
            r = cmd_apply_usage(argv[0], cause);
            free(cause);
            kbuf_done(&args);
            return r;
        }
        if (r > 0)
            continue;
        if (strcmp(argv[i], "-f") == 0 && i + 1 < argc) {
            kbuf_printf(&args, " -f %s", argv[++i]);
        } else if (strcmp(argv[i], "--wait=false") == 0) {
            continue; /* kpod never waits for the deletion */
        } else
            kbuf_printf(&args, " %s", argv[i]);
    }
    file = apply_args_file(args.data ? args.data : "", &cause);
    kbuf_done(&args);
    if (file == NULL) {
        r = cmd_apply_usage(argv[0], cause);
        free(cause);
        return r;
    }
    if ((ctx = kubeconfig_load(&opts, &cause)) == NULL) {
        fprintf(stderr, "kpod: %s\n", cause);
        free(cause);
        free(file);
        return 1;
    }
    uv_loop_init(&uv);
    loop = kloop_create(&uv);
    client = kclient_create(loop, ctx);
    kube_ctx_free(ctx);
    run = apply_start(client, (enum apply_verb)verb, file,
                      kclient_ctx(client)->ns, cmd_apply_line, cmd_apply_done,
                      &c, &cause);
    if (run == NULL) {
        fprintf(stderr, "error: %s\n", cause);
        free(cause);
        c.done = 1;
        c.failed = 1;
    }
    while (!c.done && uv_run(&uv, UV_RUN_ONCE) != 0)
        ;
    if (!c.done)
        apply_cancel(run);
    free(file);
    kclient_free(client);
    kloop_close(loop, cmd_apply_closed, &closed);
    uv_run(&uv, UV_RUN_DEFAULT);
    if (uv_loop_close(&uv) != 0)
        klog("uv_loop_close: handles left open");
    return c.failed > 0 ? 1 : 0;
}
