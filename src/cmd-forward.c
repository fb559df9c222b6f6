/*
 * `kpod port-forward` and `kpod exec` in print mode, for scripts and tests:
 * the same portforward.c and exec.c the dashboard uses, with kubectl's
 * messages on stdout/stderr. port-forward checks the pod is Running like
 * kubectl, then forwards until SIGINT or SIGTERM; exec copies stdin (with
 * -i) and the output, and exits with the command's exit code.
 */
#include "cmd-forward.h"

#include "exec.h"
#include "khttp.h"
#include "kubeconfig.h"
#include "loop.h"
#include "portforward.h"
#include "util.h"

#include <cjson/cJSON.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <uv.h>

#define CMDF_MAX_PORTS 8

/* What both commands share: one loop, one client. */
struct cmdf {
    uv_loop_t       uv;
    struct kloop   *loop;
    struct kclient *client;
    uv_signal_t     sigint, sigterm, sigwinch;
    int             signals, done, rc;
    const char     *pod;

    /* port-forward */
    const char         *address;
    int                 nmaps, local[CMDF_MAX_PORTS], remote[CMDF_MAX_PORTS];
    struct portforward *pf[CMDF_MAX_PORTS];
    int                 stopping;
    struct khttp_req   *get;

    /* exec */
    struct exec   *ex;
    uv_tty_t       tty_in;
    uv_pipe_t      pipe_in;
    uv_stream_t   *in;
    int            raw;
    int            opost_off; /* stdout's output processing turned off */
    struct termios out_saved;
};

static int
cmdf_usage(const char *cmd, const char *why)
{
    if (why != NULL)
        fprintf(stderr, "error: %s\n", why);
    if (strcmp(cmd, "exec") == 0)
        fprintf(stderr, "Usage: kpod exec POD [-c CONTAINER] [-i] [-t] "
                        "[-n NS] -- COMMAND [ARGS...]\n");
    else
        fprintf(stderr, "Usage: kpod port-forward POD [LOCAL_PORT:]"
                        "REMOTE_PORT... [--address ADDR] [-n NS]\n");
    return 1;
}

static int
cmdf_setup(struct cmdf *f, const struct kube_opts *opts)
{
    struct kube_ctx *ctx;
    char            *cause = NULL;

    if ((ctx = kubeconfig_load(opts, &cause)) == NULL) {
        fprintf(stderr, "error: %s\n", cause);
        free(cause);
        return -1;
    }
    uv_loop_init(&f->uv);
    f->loop = kloop_create(&f->uv);
    f->client = kclient_create(f->loop, ctx);
    kube_ctx_free(ctx);
    return 0;
}

static void
cmdf_kloop_closed(void *data)
{
}

static void
cmdf_handle_closed(uv_handle_t *h)
{
}

static void
cmdf_teardown(struct cmdf *f)
{
    if (f->signals) {
        uv_close((uv_handle_t *)&f->sigint, cmdf_handle_closed);
        uv_close((uv_handle_t *)&f->sigterm, cmdf_handle_closed);
        uv_close((uv_handle_t *)&f->sigwinch, cmdf_handle_closed);
    }
    kclient_free(f->client);
    kloop_close(f->loop, cmdf_kloop_closed, NULL);
    uv_run(&f->uv, UV_RUN_DEFAULT);
    if (uv_loop_close(&f->uv) != 0)
        klog("uv_loop_close: handles left open");
}

static void
cmdf_signals(struct cmdf *f, uv_signal_cb cb)
{
    uv_signal_init(&f->uv, &f->sigint);
    uv_signal_init(&f->uv, &f->sigterm);
    uv_signal_init(&f->uv, &f->sigwinch);
    f->sigint.data = f->sigterm.data = f->sigwinch.data = f;
    uv_signal_start(&f->sigint, cb, SIGINT);
    uv_signal_start(&f->sigterm, cb, SIGTERM);
    f->signals = 1;
}

/* --- port-forward --- */

static void
cmdf_pf_message(struct portforward *pf, int error, const char *line, void *data)
{
    FILE *out = error ? stderr : stdout;

    fprintf(out, "%s\n", line);
    fflush(out);
}

static const struct portforward_ops cmdf_pf_ops = {
    .message = cmdf_pf_message,
};

static void
cmdf_pf_stopped(void *data)
{
    struct cmdf *f = data;

    if (--f->stopping == 0)
        f->done = 1;
}

static void
cmdf_pf_stop(struct cmdf *f)
{
    int i;

    if (f->stopping > 0 || f->done)
        return;
    for (i = 0; i < f->nmaps; i++) {
        if (f->pf[i] != NULL) {
            f->stopping++;
            portforward_stop(f->pf[i], cmdf_pf_stopped, f);
            f->pf[i] = NULL;
        }
    }
    if (f->stopping == 0)
        f->done = 1;
    uv_signal_stop(&f->sigint);
    uv_signal_stop(&f->sigterm);
}

static void
cmdf_pf_signal(uv_signal_t *s, int signum)
{
    cmdf_pf_stop(s->data);
}

/* The pod exists and runs: listen. */
static void
cmdf_pf_got_pod(struct khttp_req *req, const struct khttp_response *r,
                void *data)
{
    struct cmdf *f = data;
    cJSON       *pod, *phase;
    char        *cause = NULL;
    int          i, ok = 0;

    f->get = NULL;
    if (r->error != NULL) {
        if (r->reason != NULL && !r->transport)
            fprintf(stderr, "Error from server (%s): %s\n", r->reason,
                    r->error);
        else
            fprintf(stderr, "error: %s\n", r->error);
        f->rc = 1;
        f->done = 1;
        return;
    }
    pod = cJSON_ParseWithLength(r->body, r->body_len);
    phase = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(pod, "status"), "phase");
    if (!cJSON_IsString(phase) || strcmp(phase->valuestring, "Running") != 0) {
        fprintf(stderr,
                "error: unable to forward port because pod is not running. "
                "Current status=%s\n",
                cJSON_IsString(phase) ? phase->valuestring : "");
        cJSON_Delete(pod);
        f->rc = 1;
        f->done = 1;
        return;
    }
    cJSON_Delete(pod);
    for (i = 0; i < f->nmaps; i++) {
        struct portforward_opts o = {.pod = f->pod,
                                     .address = f->address,
                                     .local_port = f->local[i],
                                     .remote_port = f->remote[i]};

        f->pf[i] = portforward_start(f->client, &o, &cmdf_pf_ops, f, &cause);
        if (f->pf[i] == NULL) {
            fprintf(stderr, "Unable to listen on port %d: %s\n", f->local[i],
                    cause);
            free(cause);
            cause = NULL;
        } else
            ok++;
    }
    if (ok == 0) {
        fprintf(stderr, "error: unable to listen on any of the requested "
                        "ports:");
        for (i = 0; i < f->nmaps; i++)
            fprintf(stderr, " [%d %d]", f->local[i], f->remote[i]);
        fprintf(stderr, "\n");
        f->rc = 1;
        f->done = 1;
    }
}

/* "8080", "8080:80", ":80". */
static int
cmdf_parse_map(const char *s, int *local, int *remote)
{
    const char *colon = strchr(s, ':');
    char       *end;
    long        l, r;

    if (colon == NULL) {
        r = strtol(s, &end, 10);
        if (end == s || *end != '\0')
            return -1;
        l = r;
    } else {
        l = colon == s ? 0 : strtol(s, &end, 10);
        if (colon != s && end != colon)
            return -1;
        r = strtol(colon + 1, &end, 10);
        if (end == colon + 1 || *end != '\0')
            return -1;
    }
    if (l < 0 || l > 65535 || r < 1 || r > 65535)
        return -1;
    *local = (int)l;
    *remote = (int)r;
    return 0;
}

int
cmd_portforward_main(int argc, char **argv)
{
    struct kube_opts  opts = {0};
    struct cmdf       f;
    struct khttp_opts ho = {0};
    char             *cause = NULL, *path, *pod;
    int               i, r;

    memset(&f, 0, sizeof f);
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];

        if ((r = kube_opts_flag(&opts, argc, argv, &i, &cause)) < 0) {
            r = cmdf_usage(argv[0], cause);
            free(cause);
            return r;
        }
        if (r > 0)
            continue;
        if (strcmp(a, "--address") == 0) {
            if (i + 1 >= argc)
                return cmdf_usage(argv[0], "flag needs an argument: --address");
            f.address = argv[++i];
        } else if (strncmp(a, "--address=", 10) == 0)
            f.address = a + 10;
        else if (a[0] == '-' && a[1] != '\0') {
            char *why = xasprintf("unknown flag: %s", a);

            r = cmdf_usage(argv[0], why);
            free(why);
            return r;
        } else if (f.pod == NULL)
            f.pod = strncmp(a, "pod/", 4) == 0    ? a + 4
                    : strncmp(a, "pods/", 5) == 0 ? a + 5
                                                  : a;
        else if (f.nmaps == CMDF_MAX_PORTS)
            return cmdf_usage(argv[0], "too many ports");
        else if (cmdf_parse_map(a, &f.local[f.nmaps], &f.remote[f.nmaps]) != 0)
            return cmdf_usage(argv[0], "ports must be [LOCAL:]REMOTE");
        else
            f.nmaps++;
    }
    if (f.pod == NULL || f.nmaps == 0)
        return cmdf_usage(argv[0], "TYPE/NAME and list of ports are required "
                                   "for port-forward");
    if (f.address != NULL && strchr(f.address, ',') != NULL)
        return cmdf_usage(argv[0], "only one --address is supported");
    if (cmdf_setup(&f, &opts) != 0)
        return 1;
    cmdf_signals(&f, cmdf_pf_signal);
    pod = khttp_escape(f.pod);
    path = xasprintf("/api/v1/namespaces/%s/pods/%s", kclient_ctx(f.client)->ns,
                     pod);
    free(pod);
    ho.path = path;
    f.get = khttp_request(f.client, &ho, cmdf_pf_got_pod, &f, &cause);
    free(path);
    if (f.get == NULL) {
        fprintf(stderr, "error: %s\n", cause);
        free(cause);
        f.rc = 1;
        f.done = 1;
    }
    while (!f.done && uv_run(&f.uv, UV_RUN_ONCE) != 0)
        ;
    if (f.get != NULL)
        khttp_cancel(f.get);
    cmdf_pf_stop(&f);
    while (!f.done && uv_run(&f.uv, UV_RUN_ONCE) != 0)
        ;
    cmdf_teardown(&f);
    return f.rc;
}

/* --- exec --- */

static void
cmdf_exec_output(struct exec *e, int fd, const char *p, size_t n, void *data)
{
    FILE *out = fd == 2 ? stderr : stdout;

    fwrite(p, 1, n, out);
    fflush(out);
}

static void
cmdf_stdin_stop(struct cmdf *f)
{
    if (f->in == NULL)
        return;
    if (f->raw)
        uv_tty_reset_mode();
    if (f->opost_off)
        tcsetattr(1, TCSADRAIN, &f->out_saved);
    f->opost_off = 0;
    uv_read_stop(f->in);
    uv_close((uv_handle_t *)f->in, cmdf_handle_closed);
    f->in = NULL;
}

static void
cmdf_exec_exited(struct exec *e, int code, const char *error, void *data)
{
    struct cmdf *f = data;

    f->ex = NULL;
    cmdf_stdin_stop(f);
    if (error != NULL) {
        fprintf(stderr, "error: %s\n", error);
        f->rc = 1;
    } else {
        if (code != 0)
            fprintf(stderr, "command terminated with exit code %d\n", code);
        f->rc = code;
    }
    f->done = 1;
}

static void
cmdf_exec_started(struct exec *e, const char *protocol, void *data)
{
    klog("exec session up (%s)", protocol);
}

static const struct exec_ops cmdf_exec_ops = {
    .started = cmdf_exec_started,
    .output = cmdf_exec_output,
    .exited = cmdf_exec_exited,
};

static void
cmdf_stdin_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
    static char slab[65536];

    *buf = uv_buf_init(slab, sizeof slab);
}

static void
cmdf_stdin_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    struct cmdf *f = s->data;

    if (f->ex == NULL)
        return;
    if (n < 0) {
        exec_close_stdin(f->ex);
        cmdf_stdin_stop(f);
        return;
    }
    exec_write(f->ex, buf->base, (size_t)n);
}

static void
cmdf_exec_signal(uv_signal_t *s, int signum)
{
    struct cmdf *f = s->data;
    int          w, h;

    if (signum == SIGWINCH) {
        if (f->ex != NULL && f->raw &&
            uv_tty_get_winsize(&f->tty_in, &w, &h) == 0)
            exec_resize(f->ex, w, h);
        return;
    }
    if (f->ex != NULL)
        exec_cancel(f->ex);
    f->ex = NULL;
    cmdf_stdin_stop(f);
    f->rc = 130;
    f->done = 1;
}

/* Open stdin on the loop: a tty (raw with -t), a pipe, or a file read
 * whole up front. */
static void
cmdf_stdin_start(struct cmdf *f, int tty)
{
    uv_handle_type t = uv_guess_handle(0);

    if (t == UV_TTY && uv_tty_init(&f->uv, &f->tty_in, 0, 1) == 0) {
        f->in = (uv_stream_t *)&f->tty_in;
        if (tty && uv_tty_set_mode(&f->tty_in, UV_TTY_MODE_RAW) == 0)
            f->raw = 1;
        /* The remote tty already writes CRLF: no second CR from ours
         * (kubectl's raw mode clears OPOST too). */
        if (f->raw && isatty(1) && tcgetattr(1, &f->out_saved) == 0) {
            struct termios t = f->out_saved;

            t.c_oflag &= ~(tcflag_t)OPOST;
            if (tcsetattr(1, TCSADRAIN, &t) == 0)
                f->opost_off = 1;
        }
    } else if ((t == UV_NAMED_PIPE || t == UV_TCP) &&
               uv_pipe_init(&f->uv, &f->pipe_in, 0) == 0) {
        if (uv_pipe_open(&f->pipe_in, 0) == 0)
            f->in = (uv_stream_t *)&f->pipe_in;
        else
            uv_close((uv_handle_t *)&f->pipe_in, cmdf_handle_closed);
    }
    if (f->in != NULL) {
        f->in->data = f;
        uv_read_start(f->in, cmdf_stdin_alloc, cmdf_stdin_read);
        return;
    }
    /* A regular file or /dev/null: small enough to read now. */
    {
        char    buf[65536];
        ssize_t n;

        while ((n = read(0, buf, sizeof buf)) > 0)
            exec_write(f->ex, buf, (size_t)n);
        exec_close_stdin(f->ex);
    }
}

int
cmd_exec_main(int argc, char **argv)
{
    struct kube_opts opts = {0};
    struct cmdf      f;
    struct exec_opts o = {0};
    char            *cause = NULL;
    int              i, r, dashdash = 0, w = 0, h = 0;

    memset(&f, 0, sizeof f);
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];

        if (strcmp(a, "--") == 0) {
            dashdash = i + 1;
            break;
        }
        if ((r = kube_opts_flag(&opts, argc, argv, &i, &cause)) < 0) {
            r = cmdf_usage(argv[0], cause);
            free(cause);
            return r;
        }
        if (r > 0)
            continue;
        if (strcmp(a, "-c") == 0 || strcmp(a, "--container") == 0) {
            if (i + 1 >= argc)
                return cmdf_usage(argv[0], "flag needs an argument: -c");
            o.container = argv[++i];
        } else if (strncmp(a, "--container=", 12) == 0)
            o.container = a + 12;
        else if (strcmp(a, "-i") == 0 || strcmp(a, "--stdin") == 0)
            o.stdin_on = 1;
        else if (strcmp(a, "-t") == 0 || strcmp(a, "--tty") == 0)
            o.tty = 1;
        else if (strcmp(a, "-it") == 0 || strcmp(a, "-ti") == 0)
            o.stdin_on = o.tty = 1;
        else if (a[0] == '-' && a[1] != '\0') {
            char *why = xasprintf("unknown flag: %s", a);

            r = cmdf_usage(argv[0], why);
            free(why);
            return r;
        } else if (f.pod == NULL)
            f.pod = strncmp(a, "pod/", 4) == 0 ? a + 4 : a;
        else
            return cmdf_usage(argv[0], "the command goes after --");
    }
    if (f.pod == NULL)
        return cmdf_usage(argv[0], "POD is required for exec");
    if (dashdash == 0 || dashdash >= argc)
        return cmdf_usage(argv[0], "you must specify at least one command "
                                   "for the container");
    if (o.tty && (!o.stdin_on || !isatty(0))) {
        fprintf(stderr, "Unable to use a TTY - input is not a terminal or "
                        "the right kind of file\n");
        o.tty = 0;
    }
    if (cmdf_setup(&f, &opts) != 0)
        return 1;
    o.pod = f.pod;
    o.argv = (const char *const *)argv + dashdash;
    if (o.tty && uv_tty_init(&f.uv, &f.tty_in, 0, 1) == 0) {
        uv_tty_get_winsize(&f.tty_in, &w, &h);
        uv_close((uv_handle_t *)&f.tty_in, cmdf_handle_closed);
        uv_run(&f.uv, UV_RUN_NOWAIT);
        o.width = w;
        o.height = h;
    }
    f.ex = exec_start(f.client, &o, &cmdf_exec_ops, &f, &cause);
    if (f.ex == NULL) {
        fprintf(stderr, "error: %s\n", cause);
        free(cause);
        cmdf_teardown(&f);
        return 1;
    }
    cmdf_signals(&f, cmdf_exec_signal);
    if (o.tty)
        uv_signal_start(&f.sigwinch, cmdf_exec_signal, SIGWINCH);
    if (o.stdin_on)
        cmdf_stdin_start(&f, o.tty);
    while (!f.done && uv_run(&f.uv, UV_RUN_ONCE) != 0)
        ;
    if (f.ex != NULL)
        exec_cancel(f.ex);
    cmdf_stdin_stop(&f);
    cmdf_teardown(&f);
    return f.rc;
}
