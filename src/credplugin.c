/*
 * Runs a kubeconfig exec credential plugin on the libuv loop: uv_spawn
 * (no shell) with the kubeconfig's args, a minimal environment
 * (credplugin_env_passes; kubectl passes everything, but a plugin needs
 * no unrelated secrets) plus the kubeconfig's env and
 * KUBERNETES_EXEC_INFO, stdin
 * closed (kpod owns the terminal), stdout and stderr read through pipes.
 * When the process has exited and both pipes are drained, the output is
 * parsed as an ExecCredential of the configured apiVersion. Nothing here
 * caches or decides when to run again.
 */
#include "credplugin.h"

#include "kubeconfig.h"
#include "util.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

struct credplugin {
    uv_process_t  proc;
    uv_pipe_t     out, err;
    struct kbuf   outbuf, errbuf;
    int           open; /* handles not yet closed */
    int           eofs; /* pipes drained */
    int           exited;
    int64_t       status;
    int           signal;
    int           abandoned;
    int           reported;
    char         *api_version;
    char         *command;
    char         *hint;
    credplugin_cb cb;
    void         *data;
};

static void
cp_closed(uv_handle_t *h)
{
    struct credplugin *p = h->data;

    if (--p->open > 0)
        return;
    kbuf_done(&p->outbuf);
    kbuf_done(&p->errbuf);
    free(p->api_version);
    free(p->command);
    free(p->hint);
    free(p);
}

static void
cp_close_all(struct credplugin *p)
{
    if (!uv_is_closing((uv_handle_t *)&p->proc))
        uv_close((uv_handle_t *)&p->proc, cp_closed);
    if (!uv_is_closing((uv_handle_t *)&p->out))
        uv_close((uv_handle_t *)&p->out, cp_closed);
    if (!uv_is_closing((uv_handle_t *)&p->err))
        uv_close((uv_handle_t *)&p->err, cp_closed);
}

void
credplugin_result_done(struct credplugin_result *r)
{
    free(r->token);
    free(r->cert);
    free(r->key);
    memset(r, 0, sizeof *r);
}

int
credplugin_parse(const char *json, size_t len, const char *api_version,
                 struct credplugin_result *r, char **cause)
{
    cJSON       *j = cJSON_ParseWithLength(json, len);
    const cJSON *kind, *av, *st, *tok, *cert, *key, *exp;
    int          rc = -1;

    memset(r, 0, sizeof *r);
    if (j == NULL) {
        *cause = xstrdup("the plugin printed no ExecCredential JSON");
        return -1;
    }
    kind = cJSON_GetObjectItemCaseSensitive(j, "kind");
    av = cJSON_GetObjectItemCaseSensitive(j, "apiVersion");
    st = cJSON_GetObjectItemCaseSensitive(j, "status");
    if (!cJSON_IsString(kind) || strcmp(kind->valuestring, "ExecCredential")) {
        *cause = xstrdup("the plugin's output is not an ExecCredential");
        goto out;
    }
    if (!cJSON_IsString(av) ||
        (api_version != NULL && strcmp(av->valuestring, api_version) != 0)) {
        *cause = xasprintf("the plugin answered apiVersion %s, want %s",
                           cJSON_IsString(av) ? av->valuestring : "(none)",
                           api_version != NULL ? api_version : "?");
        goto out;
    }
    if (!cJSON_IsObject(st)) {
        *cause = xstrdup("the plugin's ExecCredential has no status");
        goto out;
    }
    tok = cJSON_GetObjectItemCaseSensitive(st, "token");
    cert = cJSON_GetObjectItemCaseSensitive(st, "clientCertificateData");
    key = cJSON_GetObjectItemCaseSensitive(st, "clientKeyData");
    exp = cJSON_GetObjectItemCaseSensitive(st, "expirationTimestamp");
    if (cJSON_IsString(cert) != cJSON_IsString(key)) {
        *cause = xstrdup("the plugin gave a client certificate without a "
                         "key, or a key without a certificate");
        goto out;
    }
    if (cJSON_IsString(tok) && *tok->valuestring != '\0')
        r->token = xstrdup(tok->valuestring);
    if (cJSON_IsString(cert)) {
        r->cert = xstrdup(cert->valuestring);
        r->cert_len = strlen(r->cert);
        r->key = xstrdup(key->valuestring);
        r->key_len = strlen(r->key);
    }
    if (r->token == NULL && r->cert == NULL) {
        *cause = xstrdup("the plugin gave neither a token nor a client "
                         "certificate");
        goto out;
    }
    if (cJSON_IsString(exp)) {
        int64_t t = ktime_parse(exp->valuestring);

        if (t < 0) {
            *cause = xasprintf("the plugin's expirationTimestamp %s is not "
                               "RFC 3339",
                               exp->valuestring);
            goto out;
        }
        r->expires_ms = t * 1000;
    }
    rc = 0;
out:
    if (rc != 0)
        credplugin_result_done(r);
    cJSON_Delete(j);
    return rc;
}

/* The last non-empty line of stderr, for the error message. */
static char *
cp_stderr_line(struct credplugin *p)
{
    const char *s = p->errbuf.data;
    size_t      n = p->errbuf.len;
    size_t      end, start;

    if (s == NULL)
        return NULL;
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' '))
        n--;
    if (n == 0)
        return NULL;
    end = n;
    start = end;
    while (start > 0 && s[start - 1] != '\n')
        start--;
    return xstrndup(s + start, end - start);
}

/* Both pipes drained and the process gone: report. */
static void
cp_maybe_done(struct credplugin *p)
{
    struct credplugin_result r;
    char                    *cause = NULL, *line, *msg;

    if (!p->exited || p->eofs < 2 || p->reported || p->abandoned)
        return;
    p->reported = 1;
    if (p->status != 0 || p->signal != 0) {
        line = cp_stderr_line(p);
        msg = xasprintf("exec plugin %s %s %d%s%s", p->command,
                        p->signal ? "was killed by signal" : "exited with",
                        p->signal ? p->signal : (int)p->status,
                        line != NULL ? ": " : "", line != NULL ? line : "");
        p->cb(NULL, msg, p->data);
        free(msg);
        free(line);
    } else if (credplugin_parse(p->outbuf.data ? p->outbuf.data : "",
                                p->outbuf.len, p->api_version, &r,
                                &cause) != 0) {
        msg = xasprintf("exec plugin %s: %s", p->command, cause);
        p->cb(NULL, msg, p->data);
        free(msg);
        free(cause);
    } else {
        p->cb(&r, NULL, p->data);
        credplugin_result_done(&r);
    }
    cp_close_all(p);
}

static void
cp_exit(uv_process_t *proc, int64_t status, int sig)
{
    struct credplugin *p = proc->data;

    p->exited = 1;
    p->status = status;
    p->signal = sig;
    cp_maybe_done(p);
}

static void
cp_alloc(uv_handle_t *h, size_t n, uv_buf_t *b)
{
    b->base = xmalloc(n);
    b->len = n;
}

static void
cp_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
    struct credplugin *p = s->data;
    struct kbuf *kb = s == (uv_stream_t *)&p->out ? &p->outbuf : &p->errbuf;

    if (n > 0 && kb->len < (1u << 20))
        kbuf_append(kb, b->base, (size_t)n);
    free(b->base);
    if (n < 0) {
        uv_read_stop(s);
        p->eofs++;
        cp_maybe_done(p);
    }
}

/* KUBERNETES_EXEC_INFO: the ExecCredential the plugin gets as input. */
static char *
cp_exec_info(const struct kube_ctx *ctx)
{
    const struct kube_exec *e = ctx->exec;
    cJSON                  *j = cJSON_CreateObject(), *spec, *cl;
    char                   *s;

    cJSON_AddStringToObject(j, "kind", "ExecCredential");
    cJSON_AddStringToObject(j, "apiVersion", e->api_version);
    spec = cJSON_AddObjectToObject(j, "spec");
    cJSON_AddBoolToObject(spec, "interactive", 0);
    if (e->provide_cluster_info) {
        cl = cJSON_AddObjectToObject(spec, "cluster");
        cJSON_AddStringToObject(cl, "server", ctx->server);
        if (ctx->tls_server_name != NULL)
            cJSON_AddStringToObject(cl, "tls-server-name",
                                    ctx->tls_server_name);
        if (ctx->insecure)
            cJSON_AddBoolToObject(cl, "insecure-skip-tls-verify", 1);
        if (ctx->ca != NULL) {
            /* base64 of the PEM, as in the kubeconfig */
            static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklm"
                                    "nopqrstuvwxyz0123456789+/";
            struct kbuf       b;
            size_t            i;

            kbuf_init(&b);
            for (i = 0; i < ctx->ca_len; i += 3) {
                uint32_t v = (uint32_t)(unsigned char)ctx->ca[i] << 16;
                char     q[4];

                if (i + 1 < ctx->ca_len)
                    v |= (uint32_t)(unsigned char)ctx->ca[i + 1] << 8;
                if (i + 2 < ctx->ca_len)
                    v |= (unsigned char)ctx->ca[i + 2];
                q[0] = t[(v >> 18) & 63];
                q[1] = t[(v >> 12) & 63];
                q[2] = i + 1 < ctx->ca_len ? t[(v >> 6) & 63] : '=';
                q[3] = i + 2 < ctx->ca_len ? t[v & 63] : '=';
                kbuf_append(&b, q, 4);
            }
            cJSON_AddStringToObject(cl, "certificate-authority-data",
                                    b.data ? b.data : "");
            kbuf_done(&b);
        }
        if (ctx->proxy_url != NULL)
            cJSON_AddStringToObject(cl, "proxy-url", ctx->proxy_url);
    }
    s = cJSON_PrintUnformatted(j);
    cJSON_Delete(j);
    return s;
}

int
credplugin_env_passes(const char *entry)
{
    static const char *const names[] = {
        "PATH",        "HOME",          "USER",         "LOGNAME",
        "SHELL",       "LANG",          "LANGUAGE",     "TZ",
        "TMPDIR",      "TERM",          "KUBECONFIG",   "HTTP_PROXY",
        "HTTPS_PROXY", "NO_PROXY",      "http_proxy",   "https_proxy",
        "no_proxy",    "SSL_CERT_FILE", "SSL_CERT_DIR",
    };
    /* the cloud SDKs' own settings (profiles, regions, config dirs) */
    static const char *const prefixes[] = {
        "LC_",     "XDG_", "AWS_",          "AZURE_", "CLOUDSDK_",
        "GOOGLE_", "GCE_", "DIGITALOCEAN_", "OCI_",   "IBMCLOUD_",
    };
    size_t len = strcspn(entry, "=");

    if (entry[len] != '=')
        return 0;
    for (size_t i = 0; i < nitems(names); i++)
        if (strlen(names[i]) == len && strncmp(entry, names[i], len) == 0)
            return 1;
    for (size_t i = 0; i < nitems(prefixes); i++)
        if (strncmp(entry, prefixes[i], strlen(prefixes[i])) == 0)
            return 1;
    return 0;
}

struct credplugin *
credplugin_run(uv_loop_t *uv, const struct kube_ctx *ctx, credplugin_cb cb,
               void *data, char **cause)
{
    const struct kube_exec *e = ctx->exec;
    struct credplugin      *p;
    uv_process_options_t    po = {0};
    uv_stdio_container_t    io[3];
    char                  **args, **env, *info;
    size_t                  i, n = 0, nenv = 0;
    int                     rc;

    if (e->interactive_mode != NULL &&
        strcmp(e->interactive_mode, "Always") == 0) {
        *cause = xasprintf("exec plugin %s wants to be interactive "
                           "(interactiveMode: Always), which kpod cannot "
                           "offer; run it once in a shell first",
                           e->command);
        return NULL;
    }
    p = xcalloc(1, sizeof *p);
    p->cb = cb;
    p->data = data;
    p->api_version = xstrdup(e->api_version);
    p->command = xstrdup(e->command);
    p->hint = e->install_hint != NULL ? xstrdup(e->install_hint) : NULL;
    kbuf_init(&p->outbuf);
    kbuf_init(&p->errbuf);

    args = xcalloc(e->nargs + 2, sizeof *args);
    args[0] = e->command;
    for (i = 0; i < e->nargs; i++)
        args[i + 1] = e->args[i];
    while (environ[nenv] != NULL)
        nenv++;
    env = xcalloc(nenv + e->nenv + 2, sizeof *env);
    for (i = 0; i < nenv; i++)
        if (credplugin_env_passes(environ[i]))
            env[n++] = environ[i];
    for (i = 0; i < e->nenv; i++)
        env[n++] = e->env[i];
    info = cp_exec_info(ctx);
    env[n++] = xasprintf("KUBERNETES_EXEC_INFO=%s", info);
    free(info);

    uv_pipe_init(uv, &p->out, 0);
    uv_pipe_init(uv, &p->err, 0);
    p->out.data = p->err.data = p->proc.data = p;
    io[0].flags = UV_IGNORE;
    io[1].flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE;
    io[1].data.stream = (uv_stream_t *)&p->out;
    io[2].flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE;
    io[2].data.stream = (uv_stream_t *)&p->err;
    po.file = e->command;
    po.args = args;
    po.env = env;
    po.stdio = io;
    po.stdio_count = 3;
    po.exit_cb = cp_exit;
    rc = uv_spawn(uv, &p->proc, &po);
    free(env[n - 1]);
    free(env);
    free(args);
    p->open = 3;
    if (rc != 0) {
        *cause =
            xasprintf("exec plugin %s: %s%s%s", e->command, uv_strerror(rc),
                      p->hint ? "; " : "", p->hint ? p->hint : "");
        p->abandoned = 1;
        cp_close_all(p);
        return NULL;
    }
    uv_read_start((uv_stream_t *)&p->out, cp_alloc, cp_read);
    uv_read_start((uv_stream_t *)&p->err, cp_alloc, cp_read);
    return p;
}

void
credplugin_abandon(struct credplugin *p)
{
    if (p == NULL || p->abandoned)
        return;
    p->abandoned = 1;
    if (!p->exited)
        uv_process_kill(&p->proc, SIGTERM);
    cp_close_all(p);
}
