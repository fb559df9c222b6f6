/*
 * Kubeconfig loading like kubectl: --kubeconfig, else KUBECONFIG (a list;
 * the first file to set a key wins), else ~/.kube/config, else the
 * in-cluster service account. The result is one resolved context: server,
 * namespace, TLS material in memory and credentials. Errors name the file
 * and line. It does no I/O beyond reading those files.
 */
#ifndef KPOD_KUBECONFIG_H
#define KPOD_KUBECONFIG_H

#include <stddef.h>

/* kubectl-style global flags. Strings are borrowed (from argv). */
struct kube_opts {
    const char *kubeconfig; /* --kubeconfig FILE */
    const char *context;    /* --context NAME */
    const char *ns;         /* -n/--namespace NS */
    int         all_ns;     /* -A/--all-namespaces */
};

/* A user's exec credential plugin (client.authentication.k8s.io). */
struct kube_exec {
    char  *command; /* resolved against the kubeconfig if it has a '/' */
    char **args;
    size_t nargs;
    char **env; /* "NAME=value" */
    size_t nenv;
    char  *api_version;
    char  *install_hint;
    int    provide_cluster_info;
    char  *interactive_mode; /* Never, IfAvailable, Always */
};

/* Everything a client needs to talk to one cluster. All owned. */
struct kube_ctx {
    char *context; /* context name ("" when none: demo, in-cluster) */
    char *cluster; /* cluster name */
    char *user;    /* user (auth info) name */
    char *source;  /* file the context came from, or "" */
    char *server;  /* "https://host:port[/prefix]", no trailing '/' */
    char *ns;      /* effective namespace: -n, else context's, else default */
    int   all_ns;  /* -A given */

    /* TLS. PEM bytes in memory (CURLOPT_*_BLOB); NULL = not set. */
    int    insecure; /* insecure-skip-tls-verify */
    char  *tls_server_name;
    char  *ca;
    size_t ca_len;
    char  *cert;
    size_t cert_len;
    char  *key;
    size_t key_len;

    /* Credentials. */
    char *token; /* bearer token (token, else tokenFile's content) */
    /* tokenFile's resolved path (also the in-cluster token), or NULL; its
     * mtime and size when token was read (kube_ctx_token_refresh). */
    char             *token_file;
    long long         token_mtime_ns;
    long long         token_size;
    char             *username, *password; /* basic auth */
    char             *proxy_url;
    int               disable_compression; /* don't ask for gzip */
    struct kube_exec *exec;                /* credential plugin, or NULL */
    /* Impersonation (as, as-uid, as-groups, as-user-extra) as ready
     * "Name: value" header lines; every request carries them. */
    char **headers;
    size_t nheaders;
};

/* If argv[*i] is one of the flags above, store it, advance *i past its
 * value and return 1; 0 if not ours; -1 with *cause on a missing value.
 * Accepts "--flag value", "--flag=value", "-n value", "-nvalue". */
int kube_opts_flag(struct kube_opts *, int argc, char **argv, int *i,
                   char **cause);

/* Load and resolve. NULL with *cause (one line, "file:line: ..." where a
 * file is at fault; when nothing was found it names what was looked for and
 * suggests `kpod --demo`). */
struct kube_ctx *kubeconfig_load(const struct kube_opts *, char **cause);

/* The context names of the kubeconfig the opts select (merged like
 * kubeconfig_load, sorted by name like `kubectl config get-contexts`);
 * *current gets current-context when it names one of them, else NULL.
 * All owned by the caller. 0 (no kubeconfig file: no names), or -1 with
 * *cause (a file that can't be read or parsed). */
int kubeconfig_contexts(const struct kube_opts *, char ***names, size_t *n,
                        char **current, char **cause);

/* A context for a plain URL (the demo sim): no TLS, no credentials. */
struct kube_ctx *kube_ctx_for_url(const char *url, const char *ns);

/* A deep copy. */
struct kube_ctx *kube_ctx_dup(const struct kube_ctx *);
void             kube_ctx_free(struct kube_ctx *);

/* Re-read token_file when its mtime or size changed since the last read,
 * as client-go re-reads tokenFile (projected service account tokens are
 * rotated in place). 1 = token replaced, 0 = unchanged or no token_file,
 * -1 = the file can't be read now (the previous token is kept). */
int kube_ctx_token_refresh(struct kube_ctx *);

/* "/api/v1/namespaces/NS/pods", or "/api/v1/pods" with all_ns. Caller
 * frees. */
char *kube_ctx_pods_path(const struct kube_ctx *);

#endif
