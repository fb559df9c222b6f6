/*
 * kpod's entry point: kubectl-compatible flags, then either print mode
 * (`kpod get ...`, handed to cmd_get_main) or the dashboard: load the
 * kubeconfig (or, with --demo, start kpod-sim in a thread on a free
 * loopback port and never read a kubeconfig), list and watch pods into
 * the store and run the UI on one libuv loop until the user quits.
 * The flag table below is the single source for parsing and --help.
 */
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uv.h>

#include "cmd-apply.h"
#include "cmd-describe.h"
#include "cmd-explain.h"
#include "config.h"
#include "cmd-forward.h"
#include "cmd-get.h"
#include "cmd-logs.h"
#include "event.h"
#include "khttp.h"
#include "keymap.h"
#include "kubeconfig.h"
#include "loop.h"
#include "reflector.h"
#include "session.h"
#include "sim.h"
#include "store.h"
#include "theme.h"
#include "ui.h"
#include "util.h"

enum main_flag_id {
    MAIN_KUBECONFIG,
    MAIN_CONTEXT,
    MAIN_NAMESPACE,
    MAIN_ALL_NS,
    MAIN_DEMO,
    MAIN_DEMO_PORT,
    MAIN_DEMO_URL_FILE,
    MAIN_LOG,
    MAIN_STATS,
    MAIN_KEYMAP,
    MAIN_THEME,
    MAIN_READONLY,
    MAIN_HELP,
    MAIN_VERSION,
};

struct main_flag {
    enum main_flag_id id;
    const char       *lng;  /* without "--" */
    char              shrt; /* 0 = none */
    const char       *arg;  /* value name, NULL for a boolean */
    const char       *help;
};

static const struct main_flag main_flags[] = {
    {MAIN_KUBECONFIG, "kubeconfig", 0, "FILE",
     "kubeconfig file to use (default: $KUBECONFIG, else ~/.kube/config)"},
    {MAIN_CONTEXT, "context", 0, "NAME",
     "kubeconfig context to use (default: current-context)"},
    {MAIN_NAMESPACE, "namespace", 'n', "NS",
     "namespace to show (default: the context's, else \"default\")"},
    {MAIN_ALL_NS, "all-namespaces", 'A', NULL,
     "show pods of every namespace (adds a NAMESPACE column)"},
    {MAIN_DEMO, "demo", 0, NULL,
     "start the bundled simulator (kpod-sim, demo scenario) on a free "
     "loopback port and connect to it; no kubeconfig is read or written"},
    {MAIN_DEMO_PORT, "demo-port", 0, "PORT",
     "with --demo: listen on this port instead of a free one"},
    {MAIN_DEMO_URL_FILE, "demo-url-file", 0, "FILE",
     "with --demo: write the simulator's URL (http://127.0.0.1:PORT) to FILE "
     "once it listens (for scripts and tests)"},
    {MAIN_LOG, "log", 0, "FILE", "append a debug log to FILE"},
    {MAIN_STATS, "stats", 0, "FILE",
     "append timing JSON lines to FILE for benchmarks: "
     "{\"event\":\"first_frame\",\"rows\":N,\"ms\":..,\"unix_ms\":..} "
     "once the first full pod list is on screen, "
     "{\"event\":\"change\",\"latency_us\":..,\"unix_ms\":..} per frame "
     "that showed a store change, and "
     "{\"event\":\"key\",\"latency_us\":..} per frame that showed a key"},
    {MAIN_KEYMAP, "keymap", 0, "NAME",
     "keymap: default, vim, emacs, or a file in $XDG_CONFIG_HOME/kpod/keymaps/ "
     "(NAME.yaml) or a path (default: the config's keymap)"},
    {MAIN_THEME, "theme", 0, "NAME",
     "theme: default, light, mono, solarized-dark, gruvbox, dracula, or a "
     "file in $XDG_CONFIG_HOME/kpod/themes/ or a path; NO_COLOR selects mono"},
    {MAIN_READONLY, "readonly", 0, NULL,
     "no mutating actions at all (delete, shell, exec, annotation changes)"},
    {MAIN_HELP, "help", 'h', NULL, "show this help and exit"},
    {MAIN_VERSION, "version", 0, NULL, "print the version and exit"},
};

struct main_opts {
    struct kube_opts kube;
    int              demo;
    int              demo_port;
    const char      *demo_url_file;
    const char      *log;
    const char      *stats;
    const char      *keymap;
    const char      *theme;
    int              readonly;
    int              help, version;
};

/* Print text wrapped at 79 columns, continuation lines indented by col. */
static void
main_wrap(FILE *f, const char *text, int col)
{
    const char *p = text, *sp;
    int         at = col, n;

    while (*p != '\0') {
        sp = strchr(p, ' ');
        n = sp != NULL ? (int)(sp - p) : (int)strlen(p);
        if (at > col && at + 1 + n > 79) {
            fprintf(f, "\n%*s", col, "");
            at = col;
        }
        if (at > col) {
            fputc(' ', f);
            at++;
        }
        fprintf(f, "%.*s", n, p);
        at += n;
        p += n;
        while (*p == ' ')
            p++;
    }
    fputc('\n', f);
}

static void
main_usage(FILE *f)
{
    size_t i;
    char   left[64];

    fprintf(f,
            "kpod %s: a terminal dashboard for Kubernetes pods\n\n"
            "Usage:\n"
            "  kpod [flags]             the live pod list (full screen)\n"
            "  kpod get pods [flags]    print the pod table like kubectl "
            "and exit\n"
            "  kpod describe pod NAME   print the pod and its events like "
            "kubectl describe\n"
            "  kpod logs [-f] POD       print a container's log like kubectl\n"
            "  kpod port-forward POD [LOCAL:]REMOTE...  forward local ports\n"
            "  kpod exec POD -- CMD...  run a command in a container\n"
            "  kpod explain PATH        print field docs like kubectl explain\n"
            "  kpod apply -f FILE       server-side apply objects (or create,\n"
            "                           delete -f) like kubectl\n\n"
            "Flags:\n",
            KPOD_VERSION);
    for (i = 0; i < nitems(main_flags); i++) {
        const struct main_flag *fl = &main_flags[i];

        if (fl->shrt != 0)
            snprintf(left, sizeof left, "-%c, --%s%s%s", fl->shrt, fl->lng,
                     fl->arg ? " " : "", fl->arg ? fl->arg : "");
        else
            snprintf(left, sizeof left, "    --%s%s%s", fl->lng,
                     fl->arg ? " " : "", fl->arg ? fl->arg : "");
        fprintf(f, "  %-26s", left);
        main_wrap(f, fl->help, 28);
    }
    fprintf(
        f, "\nFlags take kubectl's forms: --flag VALUE, --flag=VALUE, "
           "-n VALUE, -nVALUE.\n\n"
           "Keys:\n"
           "  j, Down / k, Up          next / previous pod\n"
           "  PgDn, ctrl-f / PgUp, ctrl-b\n"
           "                           one page down / up\n"
           "  g, Home / G, End         first / last pod\n"
           "  q, ctrl-c                quit\n\n"
           "Without --demo, kpod reads the kubeconfig like kubectl; when there "
           "is none it\nsays what it looked for and exits with status 1. "
           "An unreachable server does\nnot stop the UI: the status bar "
           "says what failed and when it retries.\n");
}

/* Parse a non-negative port number; -1 when invalid. */
static int
main_parse_port(const char *s)
{
    char *end;
    long  v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < 0 || v > 65535)
        return -1;
    return (int)v;
}

static int
main_set(struct main_opts *o, const struct main_flag *fl, const char *val,
         char **cause)
{
    switch (fl->id) {
    case MAIN_KUBECONFIG:
        o->kube.kubeconfig = val;
        break;
    case MAIN_CONTEXT:
        o->kube.context = val;
        break;
    case MAIN_NAMESPACE:
        o->kube.ns = val;
        break;
    case MAIN_ALL_NS:
        o->kube.all_ns = 1;
        break;
    case MAIN_DEMO:
        o->demo = 1;
        break;
    case MAIN_DEMO_PORT:
        o->demo_port = main_parse_port(val);
        if (o->demo_port < 0) {
            *cause =
                xasprintf("invalid argument \"%s\" for \"--demo-port\"", val);
            return -1;
        }
        break;
    case MAIN_DEMO_URL_FILE:
        o->demo_url_file = val;
        break;
    case MAIN_LOG:
        o->log = val;
        break;
    case MAIN_STATS:
        o->stats = val;
        break;
    case MAIN_KEYMAP:
        o->keymap = val;
        break;
    case MAIN_THEME:
        o->theme = val;
        break;
    case MAIN_READONLY:
        o->readonly = 1;
        break;
    case MAIN_HELP:
        o->help = 1;
        break;
    case MAIN_VERSION:
        o->version = 1;
        break;
    }
    return 0;
}

/* A boolean flag given a value ("--all-namespaces=false", pflag style). */
static int
main_bool_value(const char *name, const char *val, int *out, char **cause)
{
    if (val == NULL || strcmp(val, "true") == 0 || strcmp(val, "1") == 0) {
        *out = 1;
        return 0;
    }
    if (strcmp(val, "false") == 0 || strcmp(val, "0") == 0) {
        *out = 0;
        return 0;
    }
    *cause = xasprintf("invalid argument \"%s\" for \"%s\"", val, name);
    return -1;
}

/* Parse the dashboard's flags (argv has no subcommand). 0, or -1 with
 * *cause. */
static int
main_parse(struct main_opts *o, int argc, char **argv, char **cause)
{
    const struct main_flag *fl;
    const char             *a, *val, *eq;
    size_t                  i, n;
    int                     k, b;

    for (k = 1; k < argc; k++) {
        a = argv[k];
        fl = NULL;
        val = NULL;
        if (strcmp(a, "--") == 0) {
            if (k + 1 < argc) {
                *cause = xasprintf("unknown command \"%s\" for \"kpod\"",
                                   argv[k + 1]);
                return -1;
            }
            break;
        }
        if (a[0] == '-' && a[1] == '-') {
            eq = strchr(a + 2, '=');
            n = eq != NULL ? (size_t)(eq - (a + 2)) : strlen(a + 2);
            for (i = 0; i < nitems(main_flags); i++)
                if (strlen(main_flags[i].lng) == n &&
                    strncmp(main_flags[i].lng, a + 2, n) == 0)
                    fl = &main_flags[i];
            if (fl == NULL) {
                *cause = xasprintf("unknown flag: --%.*s", (int)n, a + 2);
                return -1;
            }
            if (eq != NULL)
                val = eq + 1;
        } else if (a[0] == '-' && a[1] != '\0') {
            for (i = 0; i < nitems(main_flags); i++)
                if (main_flags[i].shrt == a[1])
                    fl = &main_flags[i];
            if (fl == NULL) {
                *cause =
                    xasprintf("unknown shorthand flag: '%c' in %s", a[1], a);
                return -1;
            }
            if (a[2] != '\0')
                val = a[2] == '=' ? a + 3 : a + 2; /* -nNS, -n=NS */
            if (fl->arg == NULL && a[2] != '\0' && a[2] != '=') {
                *cause =
                    xasprintf("unknown shorthand flag: '%c' in %s", a[2], a);
                return -1;
            }
        } else {
            *cause = xasprintf("unknown command \"%s\" for \"kpod\"", a);
            return -1;
        }
        if (fl->arg == NULL) {
            if (main_bool_value(a, val, &b, cause) != 0)
                return -1;
            if (b)
                main_set(o, fl, NULL, cause);
            else if (fl->id == MAIN_ALL_NS)
                o->kube.all_ns = 0;
            else if (fl->id == MAIN_DEMO)
                o->demo = 0;
            continue;
        }
        if (val == NULL) {
            if (k + 1 >= argc) {
                *cause = xasprintf("flag needs an argument: %s", a);
                return -1;
            }
            val = argv[++k];
        }
        if (main_set(o, fl, val, cause) != 0)
            return -1;
    }
    return 0;
}

/* Index of the first positional argument (a subcommand), or 0 when none;
 * skips the values of flags that take one. */
static int
main_find_command(int argc, char **argv)
{
    size_t i;
    int    k;

    for (k = 1; k < argc; k++) {
        const char *a = argv[k];

        if (strcmp(a, "--") == 0)
            return k + 1 < argc ? k + 1 : 0;
        if (a[0] != '-' || a[1] == '\0')
            return k;
        if (strchr(a, '=') != NULL)
            continue;
        for (i = 0; i < nitems(main_flags); i++) {
            const struct main_flag *fl = &main_flags[i];

            if (fl->arg == NULL)
                continue;
            if ((a[1] == '-' && strcmp(a + 2, fl->lng) == 0) ||
                (a[1] == fl->shrt && a[2] == '\0')) {
                k++;
                break;
            }
        }
    }
    return 0;
}

/* Everything the running dashboard owns. */
struct main_app {
    uv_loop_t       loop;
    struct kloop   *kloop;
    struct session *session; /* the connection, its client and watches */
    /* Read-only is per context (--readonly, or the config's contexts:). */
    int                      readonly_flag; /* --readonly */
    const struct config     *cfg;
    const char              *keymap; /* its name, to load it again */
    const struct ui_pod_ops *pod_ops;
    struct store            *pods;
    struct store            *events;     /* the detail panes' events */
    struct store            *namespaces; /* the namespace picker's */
    struct main_req         *reqs;       /* mutations in flight */
    struct ui               *ui;
    struct sim_thread       *sim;
    uv_timer_t               watchdog; /* bounds the shutdown */
    int                      watchdog_on;
    int                      closing; /* closes still pending */
    int                      exit_code;
};

static void
main_watchdog_closed(uv_handle_t *h)
{
    (void)h;
}

static void
main_kloop_closed(void *data)
{
    struct main_app *app = data;

    /* Everything else is closed: the watchdog was the last handle. */
    if (app->watchdog_on)
        uv_close((uv_handle_t *)&app->watchdog, main_watchdog_closed);
    app->watchdog_on = 0;
}

/* The UI and the session finished closing; after both, the curl glue
 * goes. */
static void
main_closed_one(struct main_app *app)
{
    if (--app->closing > 0)
        return;
    kloop_close(app->kloop, main_kloop_closed, app);
    app->kloop = NULL;
}

static void
main_ui_closed(void *data)
{
    main_closed_one(data);
}

static void
main_session_closed(void *data)
{
    struct main_app *app = data;

    app->session = NULL;
    main_closed_one(app);
}

/* A request the UI asked for (delete, patch, get), until it is answered. */
struct main_req {
    struct main_app  *app;
    struct khttp_req *req;
    char             *what; /* "pod \"x\"" */
    const char       *done; /* "deleted" */
    struct main_req  *next;
};

static void
main_req_unlink(struct main_req *mr)
{
    struct main_req **pp;

    for (pp = &mr->app->reqs; *pp != NULL; pp = &(*pp)->next)
        if (*pp == mr) {
            *pp = mr->next;
            break;
        }
    free(mr->what);
    free(mr);
}

static void
main_req_done(struct khttp_req *q, const struct khttp_response *resp,
              void *data)
{
    struct main_req *mr = data;

    (void)q;
    if (mr->app->ui != NULL) {
        if (resp->error != NULL)
            ui_message(mr->app->ui, "Error from server: %s", resp->error);
        else
            ui_message(mr->app->ui, "%s %s", mr->what, mr->done);
    }
    main_req_unlink(mr);
}

/* Start a request on the pod ns/name, tracked in app->reqs until done_cb
 * runs (quit cancels it). 0, or -1 with *cause and nothing started. */
static int
main_pod_request(struct main_app *app, const char *ns, const char *name,
                 struct khttp_opts *o, khttp_done_cb done_cb, char *what,
                 const char *done, char **cause)
{
    struct main_req *mr = xcalloc(1, sizeof *mr);
    char            *ens = khttp_escape(ns), *en = khttp_escape(name);
    char            *path = xasprintf("/api/v1/namespaces/%s/pods/%s", ens, en);
    int              rc = 0;

    mr->app = app;
    mr->what = what;
    mr->done = done;
    o->path = path;
    mr->req =
        khttp_request(session_client(app->session), o, done_cb, mr, cause);
    if (mr->req == NULL) {
        free(mr->what);
        free(mr);
        rc = -1;
    } else {
        mr->next = app->reqs;
        app->reqs = mr;
    }
    free(path);
    free(ens);
    free(en);
    return rc;
}

static void
main_delete_pod(void *data, const char *ns, const char *name, long grace)
{
    struct main_app  *app = data;
    struct khttp_opts o = {0};
    char             *cause = NULL;
    char *body = xasprintf("{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\","
                           "\"gracePeriodSeconds\":%ld}",
                           grace);

    o.method = "DELETE";
    o.body = body;
    o.body_len = strlen(body);
    if (main_pod_request(app, ns, name, &o, main_req_done,
                         xasprintf("pod \"%s\"", name), "deleted",
                         &cause) != 0) {
        ui_message(app->ui, "delete %s: %s", name, cause);
        free(cause);
    }
    free(body);
}

static void
main_patch_pod(void *data, const char *ns, const char *name, const char *patch)
{
    struct main_app  *app = data;
    struct khttp_opts o = {0};
    char             *cause = NULL;

    o.method = "PATCH";
    o.body = patch;
    o.body_len = strlen(patch);
    o.content_type = "application/merge-patch+json";
    if (main_pod_request(app, ns, name, &o, main_req_done,
                         xasprintf("pod/%s", name), "annotated", &cause) != 0) {
        ui_message(app->ui, "annotate %s: %s", name, cause);
        free(cause);
    }
}

static void
main_get_done(struct khttp_req *q, const struct khttp_response *resp,
              void *data)
{
    struct main_req *mr = data;

    (void)q;
    if (mr->app->ui != NULL)
        ui_full_pod(mr->app->ui, resp->error == NULL ? resp->body : NULL,
                    resp->error);
    main_req_unlink(mr);
}

/* GET the whole pod: the yaml pane's managedFields (the store drops them). */
static void
main_get_pod(void *data, const char *ns, const char *name)
{
    struct main_app  *app = data;
    struct khttp_opts o = {0};
    char             *cause = NULL;

    if (main_pod_request(app, ns, name, &o, main_get_done, NULL, NULL,
                         &cause) != 0) {
        ui_full_pod(app->ui, NULL, cause);
        free(cause);
    }
}

/* Drop the UI's requests in flight (quit, or the client changes). */
static void
main_cancel_requests(struct main_app *app)
{
    while (app->reqs != NULL) {
        khttp_cancel(app->reqs->req);
        main_req_unlink(app->reqs);
    }
}

static void
main_watchdog_cb(uv_timer_t *t)
{
    /* Shutting down hangs; the terminal is already restored, so leave
     * rather than keep the user waiting on a dead process. */
    (void)t;
    klog("shutdown did not finish in time; exiting");
    klog_close();
    _exit(1);
}

static void
main_quit(struct ui *ui, void *data)
{
    struct main_app *app = data;

    (void)ui;
    /* The terminal comes back at once (ui_close restores it first); the
     * network shutdown follows, bounded by the watchdog. */
    app->closing = 2;
    main_cancel_requests(app);
    app->ui = NULL;
    ui_close(ui, main_ui_closed, app);
    session_close(app->session, main_session_closed, app);
    uv_timer_init(&app->loop, &app->watchdog);
    uv_timer_start(&app->watchdog, main_watchdog_cb, 5000, 0);
    uv_unref((uv_handle_t *)&app->watchdog);
    app->watchdog_on = 1;
}

static void
main_session_status(struct session *s, const struct reflector_status *st,
                    void *data)
{
    struct main_app *app = data;

    (void)s;
    klog("pods: state %d%s%s", (int)st->state, st->error ? ": " : "",
         st->error ? st->error : "");
    if (app->ui != NULL)
        ui_set_conn(app->ui, st);
}

/* The config's namespace for a context (NULL or "": the kubeconfig's). */
static const char *
main_start_ns(const char *context, void *data)
{
    struct main_app *app = data;

    return app->cfg != NULL ? config_namespace(app->cfg, context) : NULL;
}

/* Another context or namespace: requests on the old client stop. */
static void
main_session_changed(struct session *s, void *data)
{
    struct main_app *app = data;
    int              ro;

    main_cancel_requests(app);
    if (app->ui == NULL)
        return;
    ui_session_changed(app->ui);
    /* The config may make the new context read-only (or not). */
    ro = app->readonly_flag ||
         (app->cfg != NULL &&
          config_readonly(app->cfg, session_ctx(s)->context));
    ui_set_readonly(app->ui, ro, app->keymap, app->pod_ops);
    if (ro)
        ui_message(app->ui, "read-only");
}

/* Write the demo URL to path atomically (a reader never sees half). */
static int
main_write_url(const char *path, const char *url, char **cause)
{
    char *tmp = xasprintf("%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    int   rc = -1;

    if (f == NULL) {
        *cause = xasprintf("%s: %s", tmp, strerror(errno));
        goto out;
    }
    fprintf(f, "%s\n", url);
    if (fclose(f) != 0 || rename(tmp, path) != 0) {
        *cause = xasprintf("%s: %s", path, strerror(errno));
        unlink(tmp);
        goto out;
    }
    rc = 0;
out:
    free(tmp);
    return rc;
}

/* Start kpod-sim in a thread and return a context for it. */
static struct kube_ctx *
main_demo(struct main_app *app, const struct main_opts *o, char **cause)
{
    struct sim_opts  so;
    struct kube_ctx *ctx;
    char            *url;
    int              port = 0;

    memset(&so, 0, sizeof so);
    so.host = "127.0.0.1";
    so.port = o->demo_port;
    so.scenario = "demo";
    app->sim = sim_thread_start(&so, &port, cause);
    if (app->sim == NULL)
        return NULL;
    url = xasprintf("http://127.0.0.1:%d", port);
    klog("demo simulator at %s", url);
    if (o->demo_url_file != NULL &&
        main_write_url(o->demo_url_file, url, cause) != 0) {
        free(url);
        return NULL;
    }
    ctx = kube_ctx_for_url(url, o->kube.ns != NULL ? o->kube.ns : "default");
    free(ctx->context);
    /* The URL in the status bar lets a user point kubectl at the demo:
     * `kubectl --server URL get pods`. */
    ctx->context = xasprintf("kpod-sim (demo, %s)", url);
    free(url);
    return ctx;
}

static int
main_dashboard(const struct main_opts *o)
{
    struct ui_pod_ops      pod_ops = {.delete_pod = main_delete_pod,
                                      .patch_pod = main_patch_pod};
    struct main_app        app;
    struct kube_ctx       *demo = NULL;
    const struct kube_ctx *ctx;
    struct session_opts    so;
    struct ui_opts         uo;
    char                  *cause = NULL, *ctxname = NULL;
    struct config         *cfg = NULL;
    struct keymap         *km = NULL;
    struct theme          *theme = NULL;
    struct kbuf            note;
    int                    rc, readonly;

    memset(&app, 0, sizeof app);
    memset(&uo, 0, sizeof uo);
    pod_ops.data = &app;
    if (o->demo && (demo = main_demo(&app, o, &cause)) == NULL) {
        fprintf(stderr, "kpod: %s\n", cause);
        free(cause);
        if (app.sim != NULL)
            sim_thread_stop(app.sim);
        return 1;
    }

    uv_loop_init(&app.loop);
    app.kloop = kloop_create(&app.loop);
    app.pods = store_create(&store_pod_ops);
    app.events = store_create(&event_store_ops);
    app.namespaces = store_create(&session_namespace_ops);
    memset(&so, 0, sizeof so);
    so.kube = o->kube;
    so.ctx = demo;
    so.pods = app.pods;
    so.events = app.events;
    so.namespaces = app.namespaces;
    /* The config first: it may name the namespace a context starts in. */
    cfg = config_create();
    config_load(cfg, NULL);
    app.cfg = cfg;
    so.start_ns = main_start_ns;
    so.status = main_session_status;
    so.changed = main_session_changed;
    so.data = &app;
    app.session = session_create(app.kloop, &so, &cause);
    kube_ctx_free(demo);
    if (app.session == NULL) {
        fprintf(stderr, "kpod: %s\n", cause);
        free(cause);
        app.exit_code = 1;
        kloop_close(app.kloop, main_kloop_closed, &app);
        goto run;
    }
    ctx = session_ctx(app.session);
    ctxname = xstrdup(ctx->context[0] != '\0' ? ctx->context : ctx->server);
    uo.context = ctxname;
    uo.ns = ctx->ns;
    uo.all_namespaces = ctx->all_ns;
    uo.stats = o->stats;
    /* Config, keymap and theme: problems are shown after start. */
    readonly = o->readonly || config_readonly(cfg, ctx->context);
    km = keymap_create(keymap_actions, keymap_nactions, readonly);
    app.readonly_flag = o->readonly;
    app.keymap = o->keymap != NULL ? o->keymap : cfg->keymap;
    app.pod_ops = &pod_ops;
    keymap_load(km, o->keymap != NULL ? o->keymap : cfg->keymap);
    theme = theme_create(getenv("NO_COLOR") != NULL);
    theme_load(theme, o->theme != NULL ? o->theme : cfg->theme);
    uo.keymap = km;
    uo.theme = theme;
    uo.mouse = cfg->mouse;
    uo.refresh_cap = (int)cfg->refresh_cap;
    uo.no_confirm_delete = !cfg->confirm_delete;
    kbuf_init(&note);
    if (readonly)
        kbuf_puts(&note, "read-only");
    /* kubectl only logs this; a dashboard left open should keep saying it. */
    if (ctx->insecure)
        kbuf_printf(&note, "%sTLS verification off (insecure-skip-tls-verify)",
                    note.len ? "; " : "");
    {
        const struct cfgcauses *all[] = {&cfg->causes, &km->causes,
                                         &theme->causes};
        size_t                  n = 0;
        for (size_t i = 0; i < nitems(all); i++) {
            for (size_t j = 0; j < all[i]->n; j++) {
                klog("%s", all[i]->v[j]);
                /* The bar is one line: the file's name without its
                 * directory (--log has the whole path). */
                const char *msg = all[i]->v[j], *colon = strchr(msg, ':');
                const char *slash = NULL;
                for (const char *q = msg; *q != '\0' && q != colon; q++)
                    if (*q == '/')
                        slash = q;
                if (n++ == 0)
                    kbuf_printf(&note, "%s%s", note.len ? "; " : "",
                                slash != NULL ? slash + 1 : msg);
            }
        }
        if (n > 1)
            kbuf_printf(&note, " (and %zu more problems, see --log)", n - 1);
    }
    uo.events = app.events;
    uo.get_pod = main_get_pod;
    uo.get_pod_data = &app;
    uo.client = session_client(app.session);
    uo.log_buffer_lines = cfg->log_buffer_lines;
    uo.shell = cfg->shell;
    uo.pod_ops =
        readonly ? NULL : &pod_ops; /* --readonly: nothing to send with */
    app.ui = ui_create(&app.loop, app.pods, &uo, main_quit, &app, &cause);
    if (app.ui == NULL) {
        fprintf(stderr, "kpod: %s\n", cause);
        free(cause);
        app.exit_code = 1;
        app.closing = 1;
        session_close(app.session, main_session_closed, &app);
    } else {
        ui_set_session(app.ui, app.session);
        session_start(app.session);
        if (note.len > 0)
            ui_message(app.ui, "%s", note.data);
    }
    kbuf_done(&note);

run:
    uv_run(&app.loop, UV_RUN_DEFAULT);
    rc = uv_loop_close(&app.loop);
    if (rc != 0)
        klog("uv_loop_close: %s", uv_strerror(rc));
    store_free(app.pods);
    store_free(app.events);
    store_free(app.namespaces);
    free(ctxname);
    keymap_free(km);
    theme_free(theme);
    config_free(cfg);
    if (app.sim != NULL)
        sim_thread_stop(app.sim);
    return app.exit_code;
}

/* Print-mode subcommands. */
static const struct main_cmd {
    const char *name;
    int (*run)(int, char **);
} main_cmds[] = {
    {"get", cmd_get_main},      {"describe", cmd_describe_main},
    {"logs", cmd_logs_main},    {"port-forward", cmd_portforward_main},
    {"exec", cmd_exec_main},    {"explain", cmd_explain_main},
    {"apply", cmd_apply_main},  {"create", cmd_apply_main},
    {"delete", cmd_apply_main},
};

/* `kpod [flags] get ... [flags]`: hand the subcommand an argv starting with
 * its name and holding every other argument in order. */
static int
main_subcommand(int argc, char **argv, int at, int (*run)(int, char **))
{
    char **av = xcalloc((size_t)argc + 1, sizeof *av);
    int    k, n = 0, rc;

    av[n++] = argv[at];
    for (k = 1; k < argc; k++)
        if (k != at)
            av[n++] = argv[k];
    rc = run(n, av);
    free(av);
    return rc;
}

int
main(int argc, char **argv)
{
    struct main_opts o;
    char            *cause = NULL;
    int              at, rc;

    setlocale(LC_ALL, "");
    /* A peer that hangs up must be an error on that socket, not the end of
     * kpod (the demo simulator writes to sockets in this process too). */
    signal(SIGPIPE, SIG_IGN);
    at = main_find_command(argc, argv);
    if (at > 0) {
        size_t i;

        for (i = 0; i < nitems(main_cmds); i++)
            if (strcmp(argv[at], main_cmds[i].name) == 0)
                return main_subcommand(argc, argv, at, main_cmds[i].run);
        fprintf(stderr,
                "kpod: unknown command \"%s\"\nRun 'kpod --help' for usage.\n",
                argv[at]);
        return 1;
    }
    memset(&o, 0, sizeof o);
    if (main_parse(&o, argc, argv, &cause) != 0) {
        fprintf(stderr, "kpod: %s\nRun 'kpod --help' for usage.\n", cause);
        free(cause);
        return 1;
    }
    if (o.help) {
        main_usage(stdout);
        return 0;
    }
    if (o.version) {
        printf("kpod %s\n", KPOD_VERSION);
        return 0;
    }
    if (o.log != NULL && klog_open(o.log) != 0) {
        fprintf(stderr, "kpod: --log %s: %s\n", o.log, strerror(errno));
        return 1;
    }
    klog("kpod %s starting", KPOD_VERSION);
    rc = main_dashboard(&o);
    klog("exit %d", rc);
    klog_close();
    return rc;
}
