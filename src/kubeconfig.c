/*
 * Kubeconfig loading and resolution, following client-go's clientcmd:
 * --kubeconfig alone, else every file in KUBECONFIG (first file to set a
 * key or a named stanza wins, never merged field by field), else
 * ~/.kube/config, else the in-cluster service account. Relative paths
 * resolve against the file that named them; files named by the config
 * (CA, certs, tokenFile) are read into memory here; tokenFile is re-read
 * when its mtime or size changes (kube_ctx_token_refresh). Exec plugins and
 * auth-providers are not handled yet.
 */
#include "kubeconfig.h"

#include "kyaml.h"
#include "util.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SA_DIR "/var/run/secrets/kubernetes.io/serviceaccount"

/* One parsed file. */
struct kc_file {
    char  *path;
    cJSON *doc;
};

/* The merged view: named stanzas point into the files' trees. */
struct kc_merged {
    struct kc_file *files;
    size_t          nfiles;
    const char     *current; /* current-context (first file that sets it) */
    const char     *current_file;
};

int
kube_opts_flag(struct kube_opts *o, int argc, char **argv, int *i, char **cause)
{
    static const struct {
        const char *lng, *shrt;
        int         which; /* 0 kubeconfig, 1 context, 2 ns */
    } flags[] = {
        {"--kubeconfig", NULL, 0},
        {"--context", NULL, 1},
        {"--namespace", "-n", 2},
    };
    const char *a = argv[*i];
    const char *v = NULL;
    size_t      k;

    if (strcmp(a, "-A") == 0 || strcmp(a, "--all-namespaces") == 0 ||
        strcmp(a, "--all-namespaces=true") == 0) {
        o->all_ns = 1;
        return 1;
    }
    if (strcmp(a, "--all-namespaces=false") == 0) {
        o->all_ns = 0;
        return 1;
    }
    for (k = 0; k < nitems(flags); k++) {
        size_t n = strlen(flags[k].lng);

        if (strcmp(a, flags[k].lng) == 0 ||
            (flags[k].shrt != NULL && strcmp(a, flags[k].shrt) == 0)) {
            if (*i + 1 >= argc) {
                *cause = xasprintf("flag needs an argument: %s", a);
                return -1;
            }
            v = argv[++*i];
        } else if (strncmp(a, flags[k].lng, n) == 0 && a[n] == '=') {
            v = a + n + 1;
        } else if (flags[k].shrt != NULL && strncmp(a, flags[k].shrt, 2) == 0 &&
                   a[2] != '\0') {
            v = a[2] == '=' ? a + 3 : a + 2;
        } else
            continue;
        if (flags[k].which == 0)
            o->kubeconfig = v;
        else if (flags[k].which == 1)
            o->context = v;
        else
            o->ns = v;
        return 1;
    }
    return 0;
}

/* Read a whole file; NULL with *cause ("PATH: strerror"). */
static char *
kc_read(const char *path, size_t *len, char **cause)
{
    FILE       *f = fopen(path, "rb");
    struct kbuf b;
    char        chunk[8192];
    size_t      n;

    if (f == NULL) {
        *cause = xasprintf("%s: %s", path, strerror(errno));
        return NULL;
    }
    kbuf_init(&b);
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        kbuf_append(&b, chunk, n);
    if (ferror(f)) {
        *cause = xasprintf("%s: %s", path, strerror(errno));
        fclose(f);
        kbuf_done(&b);
        return NULL;
    }
    fclose(f);
    *len = b.len;
    if (b.data == NULL)
        kbuf_append(&b, "", 0);
    return kbuf_steal(&b);
}

/* Read a token file into c->token (trailing newlines cut) and remember
 * its mtime and size. NULL on success, else a cause to free. */
static char *
kc_token_read(struct kube_ctx *c, const char *path)
{
    struct stat st;
    char       *why = NULL, *tok;
    size_t      len;

    if (stat(path, &st) != 0)
        return xasprintf("%s: %s", path, strerror(errno));
    if ((tok = kc_read(path, &len, &why)) == NULL)
        return why;
    while (len > 0 && (tok[len - 1] == '\n' || tok[len - 1] == '\r'))
        tok[--len] = '\0';
    free(c->token);
    c->token = tok;
    c->token_mtime_ns =
        (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
    c->token_size = (long long)st.st_size;
    return NULL;
}

int
kube_ctx_token_refresh(struct kube_ctx *c)
{
    struct stat st;
    char       *why;

    if (c->token_file == NULL)
        return 0;
    if (stat(c->token_file, &st) != 0)
        return -1;
    if ((long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec ==
            c->token_mtime_ns &&
        (long long)st.st_size == c->token_size)
        return 0;
    if ((why = kc_token_read(c, c->token_file)) != NULL) {
        klog("tokenFile re-read: %s", why);
        free(why);
        return -1;
    }
    return 1;
}

static int
kc_b64val(int c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+' || c == '-')
        return 62;
    if (c == '/' || c == '_')
        return 63;
    return -1;
}

/* Standard base64 (whitespace ignored, padding optional); NULL if bad. */
static char *
kc_b64decode(const char *s, size_t *len)
{
    size_t   n = strlen(s), o = 0;
    char    *out = xmalloc(n / 4 * 3 + 4);
    uint32_t acc = 0;
    int      bits = 0;

    for (; *s != '\0'; s++) {
        int v;

        if (*s == '=' || *s == ' ' || *s == '\n' || *s == '\r' || *s == '\t')
            continue;
        if ((v = kc_b64val((unsigned char)*s)) < 0) {
            free(out);
            return NULL;
        }
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (char)((acc >> bits) & 0xff);
        }
    }
    out[o] = '\0';
    *len = o;
    return out;
}

static const char *
kc_str(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

    return cJSON_IsString(v) && *v->valuestring != '\0' ? v->valuestring : NULL;
}

static int
kc_bool(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

    if (cJSON_IsBool(v))
        return cJSON_IsTrue(v);
    if (cJSON_IsString(v))
        return strcmp(v->valuestring, "true") == 0;
    return 0;
}

/* The named entry's body (e.g. clusters[].cluster) in the first file that
 * defines the name; *file gets that file's path. */
static const cJSON *
kc_find(const struct kc_merged *m, const char *list, const char *inner,
        const char *name, const char **file)
{
    size_t i;

    for (i = 0; i < m->nfiles; i++) {
        const cJSON *arr =
            cJSON_GetObjectItemCaseSensitive(m->files[i].doc, list);
        const cJSON *e;

        cJSON_ArrayForEach(e, arr)
        {
            const char  *n = kc_str(e, "name");
            const cJSON *body;

            if (n == NULL || strcmp(n, name) != 0)
                continue;
            body = cJSON_GetObjectItemCaseSensitive(e, inner);
            *file = m->files[i].path;
            return cJSON_IsObject(body) ? body : e;
        }
    }
    return NULL;
}

/* Resolve path against the directory of the kubeconfig file. */
static char *
kc_path(const char *file, const char *path)
{
    const char *slash;

    if (path[0] == '/' || file == NULL || (slash = strrchr(file, '/')) == NULL)
        return xstrdup(path);
    while (path[0] == '.' && path[1] == '/')
        path += 2; /* filepath.Join cleans these */
    return xasprintf("%.*s/%s", (int)(slash - file), file, path);
}

/* PEM material from KEY-data (base64) or KEY (a file). 0, or -1 with
 * *cause. Nothing set leaves *out NULL. */
static int
kc_material(const cJSON *obj, const char *file, const char *stanza,
            const char *key, char **out, size_t *len, char **cause)
{
    char        dkey[64];
    const char *data, *path;
    char       *full, *why = NULL;

    snprintf(dkey, sizeof dkey, "%s-data", key);
    if ((data = kc_str(obj, dkey)) != NULL) {
        if ((*out = kc_b64decode(data, len)) == NULL) {
            *cause =
                xasprintf("%s: %s: %s is not valid base64", file, stanza, dkey);
            return -1;
        }
        return 0;
    }
    if ((path = kc_str(obj, key)) == NULL)
        return 0;
    full = kc_path(file, path);
    *out = kc_read(full, len, &why);
    free(full);
    if (*out == NULL) {
        *cause = xasprintf("%s: %s: %s: %s", file, stanza, key, why);
        free(why);
        return -1;
    }
    return 0;
}

static void
kc_merged_done(struct kc_merged *m)
{
    size_t i;

    for (i = 0; i < m->nfiles; i++) {
        free(m->files[i].path);
        cJSON_Delete(m->files[i].doc);
    }
    free(m->files);
}

/* Parse one file into the merge list. 0, or -1 with *cause. */
static int
kc_add_file(struct kc_merged *m, const char *path, char **cause)
{
    size_t len;
    char  *text, *why = NULL;
    cJSON *doc;
    size_t i;

    for (i = 0; i < m->nfiles; i++)
        if (strcmp(m->files[i].path, path) == 0)
            return 0; /* duplicates are removed */
    if ((text = kc_read(path, &len, cause)) == NULL)
        return -1;
    doc = kyaml_parse(text, len, path, &why);
    free(text);
    if (doc == NULL) {
        *cause = why;
        return -1;
    }
    if (cJSON_IsNull(doc)) {
        cJSON_Delete(doc);
        doc = cJSON_CreateObject(); /* an empty file is an empty config */
    }
    if (!cJSON_IsObject(doc)) {
        *cause = xasprintf("%s:1: not a kubeconfig (expected a mapping)", path);
        cJSON_Delete(doc);
        return -1;
    }
    m->files = xrealloc(m->files, (m->nfiles + 1) * sizeof *m->files);
    m->files[m->nfiles].path = xstrdup(path);
    m->files[m->nfiles].doc = doc;
    m->nfiles++;
    if (m->current == NULL && kc_str(doc, "current-context") != NULL) {
        m->current = kc_str(doc, "current-context");
        m->current_file = m->files[m->nfiles - 1].path;
    }
    return 0;
}

static int
kc_exists(const char *path)
{
    FILE *f = fopen(path, "rb");

    if (f == NULL)
        return 0;
    fclose(f);
    return 1;
}

/* The in-cluster config, or NULL (not in a cluster) / -1 cause. */
static struct kube_ctx *
kc_in_cluster(const struct kube_opts *o, char **cause)
{
    const char      *host = getenv("KUBERNETES_SERVICE_HOST");
    const char      *port = getenv("KUBERNETES_SERVICE_PORT");
    struct kube_ctx *c;
    char            *ns = NULL, *why = NULL;
    size_t           len;
    const char      *dir = getenv("KPOD_TEST_SA_DIR");
    char            *token, *cafile, *nsfile;

    if (host == NULL || *host == '\0' || port == NULL || *port == '\0')
        return NULL;
    /* Tests only: where the service account is mounted (a test can't
     * write /var/run/secrets); client-go has no such override. */
    if (dir == NULL || *dir == '\0')
        dir = SA_DIR;
    token = xasprintf("%s/token", dir);
    cafile = xasprintf("%s/ca.crt", dir);
    nsfile = xasprintf("%s/namespace", dir);
    c = xcalloc(1, sizeof *c);
    c->context = xstrdup("");
    c->cluster = xstrdup("");
    c->user = xstrdup("");
    c->source = xstrdup("in-cluster");
    c->server = strchr(host, ':') != NULL
                    ? xasprintf("https://[%s]:%s", host, port)
                    : xasprintf("https://%s:%s", host, port);
    if ((why = kc_token_read(c, token)) != NULL) {
        *cause = xasprintf("in-cluster: %s", why);
        free(why);
        kube_ctx_free(c);
        c = NULL;
        goto out;
    }
    c->token_file = xstrdup(token); /* rotated in place */
    c->ca = kc_read(cafile, &c->ca_len, &why);
    free(why);
    why = NULL;
    if (o->ns != NULL)
        ns = xstrdup(o->ns);
    else if (getenv("POD_NAMESPACE") != NULL && *getenv("POD_NAMESPACE"))
        ns = xstrdup(getenv("POD_NAMESPACE"));
    else if ((ns = kc_read(nsfile, &len, &why)) != NULL) {
        while (len > 0 && ns[len - 1] == '\n')
            ns[--len] = '\0';
    }
    free(why);
    c->ns = ns != NULL && *ns != '\0' ? ns : (free(ns), xstrdup("default"));
    c->all_ns = o->all_ns;
out:
    free(token);
    free(cafile);
    free(nsfile);
    return c;
}

static void
kc_exec_free(struct kube_exec *e)
{
    size_t i;

    if (e == NULL)
        return;
    free(e->command);
    for (i = 0; i < e->nargs; i++)
        free(e->args[i]);
    free(e->args);
    for (i = 0; i < e->nenv; i++)
        free(e->env[i]);
    free(e->env);
    free(e->api_version);
    free(e->install_hint);
    free(e->interactive_mode);
    free(e);
}

static struct kube_exec *
kc_exec_dup(const struct kube_exec *o)
{
    struct kube_exec *e;
    size_t            i;

    if (o == NULL)
        return NULL;
    e = xcalloc(1, sizeof *e);
    e->command = xstrdup(o->command);
    e->args = xcalloc(o->nargs + 1, sizeof *e->args);
    for (i = 0; i < o->nargs; i++)
        e->args[i] = xstrdup(o->args[i]);
    e->nargs = o->nargs;
    e->env = xcalloc(o->nenv + 1, sizeof *e->env);
    for (i = 0; i < o->nenv; i++)
        e->env[i] = xstrdup(o->env[i]);
    e->nenv = o->nenv;
    e->api_version = xstrdup(o->api_version);
    e->install_hint = o->install_hint ? xstrdup(o->install_hint) : NULL;
    e->provide_cluster_info = o->provide_cluster_info;
    e->interactive_mode =
        o->interactive_mode ? xstrdup(o->interactive_mode) : NULL;
    return e;
}

/* user.exec: validated like client-go (command and apiVersion needed,
 * v1alpha1 refused). 0, or -1 with *cause. */
static int
kc_exec(const cJSON *user, const char *file, const char *stanza,
        struct kube_ctx *c, char **cause)
{
    const cJSON      *ex = cJSON_GetObjectItemCaseSensitive(user, "exec");
    const cJSON      *v, *it;
    const char       *cmd, *av;
    struct kube_exec *e;

    if (ex == NULL || cJSON_IsNull(ex))
        return 0;
    if (!cJSON_IsObject(ex)) {
        *cause = xasprintf("%s: %s: exec must be a mapping", file, stanza);
        return -1;
    }
    if ((cmd = kc_str(ex, "command")) == NULL) {
        *cause =
            xasprintf("%s: %s: exec: command must be specified", file, stanza);
        return -1;
    }
    av = kc_str(ex, "apiVersion");
    if (av == NULL ||
        (strcmp(av, "client.authentication.k8s.io/v1") != 0 &&
         strcmp(av, "client.authentication.k8s.io/v1beta1") != 0)) {
        *cause = xasprintf("%s: %s: exec: apiVersion %s is not supported "
                           "(client.authentication.k8s.io/v1 or v1beta1)",
                           file, stanza, av != NULL ? av : "(missing)");
        return -1;
    }
    if (cJSON_GetObjectItemCaseSensitive(user, "auth-provider") != NULL) {
        *cause = xasprintf("%s: %s: exec and auth-provider cannot both be "
                           "set",
                           file, stanza);
        return -1;
    }
    e = xcalloc(1, sizeof *e);
    e->command = strchr(cmd, '/') != NULL ? kc_path(file, cmd) : xstrdup(cmd);
    e->api_version = xstrdup(av);
    v = cJSON_GetObjectItemCaseSensitive(ex, "args");
    e->args = xcalloc((size_t)cJSON_GetArraySize(v) + 1, sizeof *e->args);
    cJSON_ArrayForEach(it, v)
    {
        if (cJSON_IsString(it))
            e->args[e->nargs++] = xstrdup(it->valuestring);
    }
    v = cJSON_GetObjectItemCaseSensitive(ex, "env");
    e->env = xcalloc((size_t)cJSON_GetArraySize(v) + 1, sizeof *e->env);
    cJSON_ArrayForEach(it, v)
    {
        const char  *n = kc_str(it, "name");
        const cJSON *val = cJSON_GetObjectItemCaseSensitive(it, "value");

        if (n != NULL)
            e->env[e->nenv++] = xasprintf(
                "%s=%s", n, cJSON_IsString(val) ? val->valuestring : "");
    }
    if ((cmd = kc_str(ex, "installHint")) != NULL)
        e->install_hint = xstrdup(cmd);
    e->provide_cluster_info = kc_bool(ex, "provideClusterInfo");
    if ((cmd = kc_str(ex, "interactiveMode")) != NULL)
        e->interactive_mode = xstrdup(cmd);
    c->exec = e;
    return 0;
}

static void
kc_add_header(struct kube_ctx *c, char *line)
{
    c->headers = xrealloc(c->headers, (c->nheaders + 1) * sizeof *c->headers);
    c->headers[c->nheaders++] = line;
}

/* Header keys of Impersonate-Extra-* are percent-escaped like client-go
 * (everything but unreserved characters). */
static char *
kc_escape_key(const char *k)
{
    struct kbuf b;

    kbuf_init(&b);
    for (; *k != '\0'; k++) {
        unsigned char ch = (unsigned char)*k;

        if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
            (ch >= '0' && ch <= '9') || strchr("-._~", ch) != NULL)
            kbuf_append(&b, k, 1);
        else
            kbuf_printf(&b, "%%%02X", ch);
    }
    kbuf_append(&b, "", 0);
    return kbuf_steal(&b);
}

static void
kc_impersonate(const cJSON *user, struct kube_ctx *c)
{
    const cJSON *v, *it, *val;
    const char  *s;

    if ((s = kc_str(user, "as")) != NULL)
        kc_add_header(c, xasprintf("Impersonate-User: %s", s));
    if ((s = kc_str(user, "as-uid")) != NULL)
        kc_add_header(c, xasprintf("Impersonate-Uid: %s", s));
    v = cJSON_GetObjectItemCaseSensitive(user, "as-groups");
    cJSON_ArrayForEach(it, v)
    {
        if (cJSON_IsString(it))
            kc_add_header(c,
                          xasprintf("Impersonate-Group: %s", it->valuestring));
    }
    v = cJSON_GetObjectItemCaseSensitive(user, "as-user-extra");
    if (!cJSON_IsObject(v))
        return;
    cJSON_ArrayForEach(it, v)
    {
        char *k = kc_escape_key(it->string);

        cJSON_ArrayForEach(val, it)
        {
            if (cJSON_IsString(val))
                kc_add_header(c, xasprintf("Impersonate-Extra-%s: %s", k,
                                           val->valuestring));
        }
        free(k);
    }
}

/* Build the context from the merged files. */
static struct kube_ctx *
kc_resolve(const struct kc_merged *m, const struct kube_opts *o, char **cause)
{
    const char      *name = o->context != NULL ? o->context : m->current;
    const char      *where = m->nfiles == 1 ? m->files[0].path : "kubeconfig";
    const char      *cfile = NULL, *clfile = NULL, *ufile = NULL;
    const cJSON     *ctx, *cl, *user = NULL;
    const char      *clname, *uname, *s;
    struct kube_ctx *c;
    char            *stanza;
    size_t           len;

    if (name == NULL) {
        *cause = xasprintf("%s: no current-context is set; pass --context "
                           "NAME",
                           where);
        return NULL;
    }
    if ((ctx = kc_find(m, "contexts", "context", name, &cfile)) == NULL) {
        *cause = xasprintf("%s: context \"%s\" does not exist",
                           o->context != NULL ? where : m->current_file, name);
        return NULL;
    }
    if ((clname = kc_str(ctx, "cluster")) == NULL) {
        *cause = xasprintf("%s: context \"%s\" names no cluster", cfile, name);
        return NULL;
    }
    if ((cl = kc_find(m, "clusters", "cluster", clname, &clfile)) == NULL) {
        *cause = xasprintf("%s: context \"%s\": cluster \"%s\" does not "
                           "exist",
                           cfile, name, clname);
        return NULL;
    }
    uname = kc_str(ctx, "user");
    if (uname != NULL &&
        (user = kc_find(m, "users", "user", uname, &ufile)) == NULL) {
        *cause = xasprintf("%s: context \"%s\": user \"%s\" does not exist",
                           cfile, name, uname);
        return NULL;
    }
    if ((s = kc_str(cl, "server")) == NULL) {
        *cause = xasprintf("%s: cluster \"%s\" has no server", clfile, clname);
        return NULL;
    }
    c = xcalloc(1, sizeof *c);
    c->context = xstrdup(name);
    c->cluster = xstrdup(clname);
    c->user = xstrdup(uname != NULL ? uname : "");
    c->source = xstrdup(cfile);
    len = strlen(s);
    while (len > 0 && s[len - 1] == '/')
        len--;
    c->server = xstrndup(s, len);
    if (o->ns != NULL && *o->ns != '\0')
        c->ns = xstrdup(o->ns);
    else if ((s = kc_str(ctx, "namespace")) != NULL)
        c->ns = xstrdup(s);
    else
        c->ns = xstrdup("default");
    c->all_ns = o->all_ns;

    stanza = xasprintf("cluster \"%s\"", clname);
    c->insecure = kc_bool(cl, "insecure-skip-tls-verify");
    c->disable_compression = kc_bool(cl, "disable-compression");
    if ((s = kc_str(cl, "tls-server-name")) != NULL)
        c->tls_server_name = xstrdup(s);
    if ((s = kc_str(cl, "proxy-url")) != NULL)
        c->proxy_url = xstrdup(s);
    if (kc_material(cl, clfile, stanza, "certificate-authority", &c->ca,
                    &c->ca_len, cause) != 0)
        goto fail;
    if (c->insecure && c->ca != NULL) {
        *cause = xasprintf("%s: %s: specifying a root certificates file with "
                           "the insecure flag is not allowed",
                           clfile, stanza);
        goto fail;
    }
    free(stanza);
    stanza = NULL;
    if (user == NULL)
        return c;

    stanza = xasprintf("user \"%s\"", uname);
    if ((s = kc_str(user, "token")) != NULL)
        c->token = xstrdup(s);
    else if ((s = kc_str(user, "tokenFile")) != NULL) {
        char *full = kc_path(ufile, s), *why;

        if ((why = kc_token_read(c, full)) != NULL) {
            free(full);
            *cause = xasprintf("%s: %s: tokenFile: %s", ufile, stanza, why);
            free(why);
            goto fail;
        }
        c->token_file = full;
    }
    if ((s = kc_str(user, "username")) != NULL) {
        if (c->token != NULL) {
            *cause = xasprintf("%s: %s: more than one authentication method "
                               "found; found [token basicAuth], only one is "
                               "allowed",
                               ufile, stanza);
            goto fail;
        }
        c->username = xstrdup(s);
        s = kc_str(user, "password");
        c->password = xstrdup(s != NULL ? s : "");
    }
    if (kc_material(user, ufile, stanza, "client-certificate", &c->cert,
                    &c->cert_len, cause) != 0 ||
        kc_material(user, ufile, stanza, "client-key", &c->key, &c->key_len,
                    cause) != 0)
        goto fail;
    if (kc_exec(user, ufile, stanza, c, cause) != 0)
        goto fail;
    kc_impersonate(user, c);
    if ((c->cert == NULL) != (c->key == NULL)) {
        *cause = xasprintf("%s: %s: client-certificate and client-key must "
                           "be given together",
                           ufile, stanza);
        goto fail;
    }
    free(stanza);
    return c;

fail:
    free(stanza);
    kube_ctx_free(c);
    return NULL;
}

/* Read the kubeconfig files kubectl would (--kubeconfig, else each
 * existing file of KUBECONFIG, else ~/.kube/config) into m. 0 (m may hold
 * no file), or -1 with *cause. *deflt gets the default path when used. */
static int
kc_load_files(const struct kube_opts *o, struct kc_merged *m, char **deflt,
              char **cause)
{
    const char *env = getenv("KUBECONFIG");
    const char *home = getenv("HOME");

    if (o->kubeconfig != NULL)
        return kc_add_file(m, o->kubeconfig, cause);
    if (env != NULL && *env != '\0') {
        char *list = xstrdup(env), *save = NULL, *p;

        for (p = strtok_r(list, ":", &save); p != NULL;
             p = strtok_r(NULL, ":", &save)) {
            if (!kc_exists(p))
                continue; /* missing files are skipped */
            if (kc_add_file(m, p, cause) != 0) {
                free(list);
                return -1;
            }
        }
        free(list);
    } else if (home != NULL && *home != '\0') {
        *deflt = xasprintf("%s/.kube/config", home);
        if (kc_exists(*deflt) && kc_add_file(m, *deflt, cause) != 0)
            return -1;
    }
    return 0;
}

struct kube_ctx *
kubeconfig_load(const struct kube_opts *o, char **cause)
{
    struct kc_merged m = {0};
    struct kube_ctx *c = NULL;
    const char      *env = getenv("KUBECONFIG");
    char            *deflt = NULL;

    *cause = NULL;
    if (kc_load_files(o, &m, &deflt, cause) != 0)
        goto out;
    if (m.nfiles > 0) {
        c = kc_resolve(&m, o, cause);
        goto out;
    }
    if ((c = kc_in_cluster(o, cause)) != NULL || *cause != NULL)
        goto out;
    if (env != NULL && *env != '\0')
        *cause = xasprintf("no kubeconfig found: none of the files in "
                           "KUBECONFIG (%s) exists, and not running in a "
                           "cluster (KUBERNETES_SERVICE_HOST unset); try "
                           "`kpod --demo`",
                           env);
    else
        *cause = xasprintf("no kubeconfig found: looked for %s (KUBECONFIG "
                           "is unset, no --kubeconfig), and not running in a "
                           "cluster (KUBERNETES_SERVICE_HOST unset); try "
                           "`kpod --demo`",
                           deflt != NULL ? deflt : "~/.kube/config");
out:
    free(deflt);
    kc_merged_done(&m);
    return c;
}

static int
kc_name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int
kubeconfig_contexts(const struct kube_opts *o, char ***names, size_t *n,
                    char **current, char **cause)
{
    struct kc_merged m = {0};
    char            *deflt = NULL;
    size_t           i, j, k;
    int              rc = -1;

    *names = NULL;
    *n = 0;
    *current = NULL;
    *cause = NULL;
    if (kc_load_files(o, &m, &deflt, cause) != 0)
        goto out;
    for (i = 0; i < m.nfiles; i++) {
        const cJSON *arr =
            cJSON_GetObjectItemCaseSensitive(m.files[i].doc, "contexts");
        const cJSON *e;

        cJSON_ArrayForEach(e, arr)
        {
            const char *name = kc_str(e, "name");

            if (name == NULL)
                continue;
            for (k = 0; k < *n; k++)
                if (strcmp((*names)[k], name) == 0)
                    break;
            if (k < *n)
                continue; /* the first file that names it wins */
            *names = xrealloc(*names, (*n + 1) * sizeof **names);
            (*names)[(*n)++] = xstrdup(name);
        }
    }
    /* kubectl config get-contexts prints them sorted by name. */
    if (*n > 1)
        qsort(*names, *n, sizeof **names, kc_name_cmp);
    for (j = 0; j < *n && m.current != NULL; j++)
        if (strcmp((*names)[j], m.current) == 0)
            *current = xstrdup(m.current);
    rc = 0;
out:
    free(deflt);
    kc_merged_done(&m);
    return rc;
}

struct kube_ctx *
kube_ctx_for_url(const char *url, const char *ns)
{
    struct kube_ctx *c = xcalloc(1, sizeof *c);
    size_t           n = strlen(url);

    while (n > 0 && url[n - 1] == '/')
        n--;
    c->context = xstrdup("");
    c->cluster = xstrdup("");
    c->user = xstrdup("");
    c->source = xstrdup("");
    c->server = xstrndup(url, n);
    c->ns = xstrdup(ns != NULL ? ns : "default");
    return c;
}

static char *
kc_dup(const char *s)
{
    return s != NULL ? xstrdup(s) : NULL;
}

static char *
kc_dupn(const char *s, size_t n)
{
    char *p;

    if (s == NULL)
        return NULL;
    p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

struct kube_ctx *
kube_ctx_dup(const struct kube_ctx *o)
{
    struct kube_ctx *c = xcalloc(1, sizeof *c);

    c->context = kc_dup(o->context);
    c->cluster = kc_dup(o->cluster);
    c->user = kc_dup(o->user);
    c->source = kc_dup(o->source);
    c->server = kc_dup(o->server);
    c->ns = kc_dup(o->ns);
    c->all_ns = o->all_ns;
    c->insecure = o->insecure;
    c->disable_compression = o->disable_compression;
    c->tls_server_name = kc_dup(o->tls_server_name);
    c->ca = kc_dupn(o->ca, o->ca_len);
    c->ca_len = o->ca_len;
    c->cert = kc_dupn(o->cert, o->cert_len);
    c->cert_len = o->cert_len;
    c->key = kc_dupn(o->key, o->key_len);
    c->key_len = o->key_len;
    c->token = kc_dup(o->token);
    c->username = kc_dup(o->username);
    c->password = kc_dup(o->password);
    c->proxy_url = kc_dup(o->proxy_url);
    c->token_file = kc_dup(o->token_file);
    c->token_mtime_ns = o->token_mtime_ns;
    c->token_size = o->token_size;
    c->exec = kc_exec_dup(o->exec);
    if (o->nheaders > 0) {
        size_t i;

        c->headers = xcalloc(o->nheaders, sizeof *c->headers);
        for (i = 0; i < o->nheaders; i++)
            c->headers[i] = xstrdup(o->headers[i]);
        c->nheaders = o->nheaders;
    }
    return c;
}

void
kube_ctx_free(struct kube_ctx *c)
{
    if (c == NULL)
        return;
    free(c->context);
    free(c->cluster);
    free(c->user);
    free(c->source);
    free(c->server);
    free(c->ns);
    free(c->tls_server_name);
    free(c->ca);
    free(c->cert);
    free(c->key);
    free(c->token);
    free(c->token_file);
    free(c->username);
    free(c->password);
    free(c->proxy_url);
    kc_exec_free(c->exec);
    while (c->nheaders > 0)
        free(c->headers[--c->nheaders]);
    free(c->headers);
    free(c);
}

char *
kube_ctx_pods_path(const struct kube_ctx *c)
{
    if (c->all_ns)
        return xstrdup("/api/v1/pods");
    return xasprintf("/api/v1/namespaces/%s/pods", c->ns);
}
