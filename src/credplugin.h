/*
 * Exec credential plugins (client.authentication.k8s.io v1 / v1beta1):
 * run the kubeconfig's `exec` command with uv_spawn, KUBERNETES_EXEC_INFO
 * in its environment and stdin closed, and read the ExecCredential it
 * prints. It never blocks the loop; stderr is kept for the error message.
 * Caching and re-running on expiry or 401 are the client's (khttp.c).
 */
#ifndef KPOD_CREDPLUGIN_H
#define KPOD_CREDPLUGIN_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

struct kube_ctx;
struct credplugin;

/* What a plugin gave: a token, or a client certificate and key (PEM). */
struct credplugin_result {
    char   *token;
    char   *cert;
    size_t  cert_len;
    char   *key;
    size_t  key_len;
    int64_t expires_ms; /* 0 = does not expire */
};

/* Exactly once per successful credplugin_run (never after abandon).
 * result is NULL when error (one line) is set; both borrowed. */
typedef void (*credplugin_cb)(const struct credplugin_result *result,
                              const char *error, void *data);

/* Start ctx->exec. NULL with *cause when it cannot even start. */
struct credplugin *credplugin_run(uv_loop_t *, const struct kube_ctx *ctx,
                                  credplugin_cb, void *data, char **cause);
/* Kill it if still running; no callback; it frees itself once closed. */
void credplugin_abandon(struct credplugin *);
/* 1 when the parent's environment entry ("NAME=value") is passed to a
 * plugin: a minimal environment (PATH, HOME, USER, locale, TMPDIR,
 * proxies, KUBECONFIG, and the cloud SDKs' AWS_*, AZURE_*, CLOUDSDK_*,
 * GOOGLE_* ... settings), never the rest; the kubeconfig's env and
 * KUBERNETES_EXEC_INFO are added on top. */
int credplugin_env_passes(const char *entry);

/* Parse an ExecCredential text (for tests too); 0, or -1 with *cause. */
int  credplugin_parse(const char *json, size_t len, const char *api_version,
                      struct credplugin_result *, char **cause);
void credplugin_result_done(struct credplugin_result *);

#endif
