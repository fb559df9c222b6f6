/*
 * An exec over WebSocket, the way the kubelet and the API server's v5
 * translator serve it: an empty first message on the lowest writable
 * channel, stdout on 1, stderr on 2, stdin from 0, resize JSON on 4, the
 * v5 CLOSE signal [255, 0] as stdin EOF, and one metav1.Status on channel
 * 3 (Success, or NonZeroExitCode with the ExitCode cause) before close.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simexec-int.h"
#include "util.h"

const char *const simexec_protocols[] = {
    "v5.channel.k8s.io",
    "v4.channel.k8s.io",
    NULL,
};

struct simexec_session {
    struct simws        *ws;
    struct simexec_proc *proc;
    int                  v5, want_stdout, want_stderr, want_stdin, tty;
    int                  starting, closed; /* closed while starting */
};

static void
simexec_session_output(struct simexec_proc *p, int fd, const char *s, size_t n,
                       void *data)
{
    struct simexec_session *ss = data;

    if (fd == 2 && !ss->tty) {
        if (ss->want_stderr)
            simws_send_channel(ss->ws, 2, s, n);
        return;
    }
    if (ss->want_stdout)
        simws_send_channel(ss->ws, 1, s, n);
}

static void
simexec_session_status(struct simexec_session *ss, int code)
{
    char *st;

    if (code == 0)
        st = xstrdup("{\"metadata\":{},\"status\":\"Success\"}");
    else
        st = xasprintf("{\"metadata\":{},\"status\":\"Failure\","
                       "\"message\":\"command terminated with non-zero exit "
                       "code: exit status %d\",\"reason\":\"NonZeroExitCode\","
                       "\"details\":{\"causes\":[{\"reason\":\"ExitCode\","
                       "\"message\":\"%d\"}]}}",
                       code, code);
    simws_send_channel(ss->ws, 3, st, strlen(st));
    free(st);
}

static void
simexec_session_exited(struct simexec_proc *p, int code, void *data)
{
    struct simexec_session *ss = data;

    struct simws *ws = ss->ws; /* valid until the loop runs */

    ss->proc = NULL;
    simexec_session_status(ss, code); /* a failed write frees ss */
    simws_close(ws, 1000);
}

static const struct simexec_proc_ops simexec_session_proc_ops = {
    .output = simexec_session_output,
    .exited = simexec_session_exited,
};

static void
simexec_session_message(struct simws *ws, const uint8_t *m, size_t n,
                        void *data)
{
    struct simexec_session *ss = data;
    int                     w = 0, h = 0;
    const char             *s;

    if (n == 0 || ss->proc == NULL)
        return;
    switch (m[0]) {
    case 0:
        if (ss->want_stdin)
            simexec_proc_input(ss->proc, (const char *)m + 1, n - 1);
        break;
    case 4:
        /* {"Width":80,"Height":24}: Go field names, no tags. */
        s = xstrndup((const char *)m + 1, n - 1);
        if (strstr(s, "\"Width\":") != NULL)
            w = atoi(strstr(s, "\"Width\":") + 8);
        if (strstr(s, "\"Height\":") != NULL)
            h = atoi(strstr(s, "\"Height\":") + 9);
        klog("exec resize %dx%d", w, h);
        simexec_proc_resize(ss->proc, w, h);
        free((char *)s);
        break;
    case 255:
        if (ss->v5 && n >= 2 && m[1] == 0)
            simexec_proc_input_eof(ss->proc);
        break;
    }
}

static void
simexec_session_closed(struct simws *ws, void *data)
{
    struct simexec_session *ss = data;

    if (ss->proc != NULL)
        simexec_proc_kill(ss->proc);
    ss->proc = NULL;
    ss->closed = 1;
    if (!ss->starting) /* else simexec_session_start frees it */
        free(ss);
}

static const struct simws_ops simexec_session_ws_ops = {
    .message = simexec_session_message,
    .closed = simexec_session_closed,
};

static void
simexec_session_fail(struct simexec_session *ss, const char *msg)
{
    char *st = xasprintf("{\"metadata\":{},\"status\":\"Failure\","
                         "\"message\":\"Internal error occurred: error "
                         "executing command in container: %s\","
                         "\"reason\":\"InternalError\",\"details\":{"
                         "\"causes\":[{\"message\":\"%s\"}]},\"code\":500}",
                         msg, msg);

    struct simws *ws = ss->ws; /* valid until the loop runs */

    simws_send_channel(ws, 3, st, strlen(st)); /* a failed write frees ss */
    free(st);
    simws_close(ws, 1000);
}

struct simws *
simexec_session_start(uv_loop_t *loop, struct simws_list *list,
                      const struct simws_io *io, const char *ws_key,
                      const char *protocol, const struct simexec_container *ct,
                      const char *const *argv, int want_stdin, int want_stdout,
                      int want_stderr, int tty)
{
    struct simexec_session *ss = xcalloc(1, sizeof *ss);
    struct simws           *ws;

    ss->v5 = strcmp(protocol, "v5.channel.k8s.io") == 0;
    ss->want_stdin = want_stdin;
    ss->want_stdout = want_stdout;
    ss->want_stderr = want_stderr && !tty;
    ss->tty = tty;
    /* A write that fails below ends the session at once; ss must outlive
     * this function, so closed() leaves freeing it to us meanwhile. */
    ss->starting = 1;
    ws = ss->ws = simws_start(loop, list, io, ws_key, protocol,
                              &simexec_session_ws_ops, ss);
    /* The stream is established: an empty message on the lowest
     * writable channel. */
    simws_send_channel(ss->ws,
                       ss->want_stdout   ? 1
                       : ss->want_stderr ? 2
                                         : 3,
                       NULL, 0);
    if (argv == NULL || argv[0] == NULL || !simexec_known(argv[0])) {
        char *msg = xasprintf(
            "failed to exec in container: failed to start exec: OCI "
            "runtime exec failed: exec failed: unable to start container "
            "process: exec: \\\"%s\\\": executable file not found in "
            "$PATH: unknown",
            argv && argv[0] ? argv[0] : "");

        simexec_session_fail(ss, msg);
        free(msg);
    } else if (!ss->closed) {
        ss->proc = simexec_proc_start(loop, ct, argv, tty,
                                      &simexec_session_proc_ops, ss);
    }
    ss->starting = 0;
    if (ss->closed)
        free(ss);
    return ws;
}
