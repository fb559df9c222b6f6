/*
 * libFuzzer harness for kubeconfig loading: the input is written to a
 * private temp file and loaded as --kubeconfig, with and without a
 * --context, so the YAML reader, the merge, the resolution of contexts,
 * clusters and users (base64 -data fields, exec plugin blocks,
 * impersonation) all see arbitrary documents. A refusal must come with a
 * cause; a success must survive a deep copy. Built only with KPOD_FUZZ=ON.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kubeconfig.h"

static char fuzz_path[64];

static void
fuzz_load(const char *context)
{
    struct kube_opts opts = {.kubeconfig = fuzz_path, .context = context};
    struct kube_ctx *ctx, *dup;
    char            *cause = NULL, *path;

    ctx = kubeconfig_load(&opts, &cause);
    if (ctx == NULL) {
        if (cause == NULL || cause[0] == '\0')
            abort(); /* a refusal must say why */
        free(cause);
        return;
    }
    if (cause != NULL || ctx->server == NULL || ctx->ns == NULL)
        abort();
    dup = kube_ctx_dup(ctx);
    if (strcmp(dup->server, ctx->server) != 0 ||
        strcmp(dup->ns, ctx->ns) != 0 || dup->insecure != ctx->insecure ||
        dup->nheaders != ctx->nheaders)
        abort();
    path = kube_ctx_pods_path(dup);
    free(path);
    kube_ctx_free(dup);
    kube_ctx_free(ctx);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *f;

    if (fuzz_path[0] == '\0') {
        int fd;

        snprintf(fuzz_path, sizeof fuzz_path, "/tmp/kpod-fuzz-kc.XXXXXX");
        fd = mkstemp(fuzz_path);
        if (fd < 0)
            abort();
        close(fd);
    }
    f = fopen(fuzz_path, "wb");
    if (f == NULL)
        abort();
    if (size > 0 && fwrite(data, 1, size, f) != size)
        abort();
    fclose(f);
    fuzz_load(NULL);
    fuzz_load("ctx");
    return 0;
}
