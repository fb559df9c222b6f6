/*
 * Exec sessions: builds the .../exec?command=...&stdin=...&tty=... path,
 * offers v5.channel.k8s.io then v4.channel.k8s.io, demultiplexes stdout,
 * stderr and the status channel, and turns the status into an exit code.
 * Input and resizes given before the upgrade wait for it. No terminal
 * handling here.
 */
#include "exec.h"

#include "channel.h"
#include "khttp.h"
#include "kubeconfig.h"
#include "util.h"
#include "ws.h"

#include <stdlib.h>
#include <string.h>

struct exec {
    struct ws             *ws;
    const struct exec_ops *ops;
    void                  *data;
    int                    version; /* channel protocol, once open */
    int                    open;
    int                    code; /* from the status channel; -2 = none */
    char                  *message;
    struct kbuf            pending; /* stdin before open */
    int                    stdin_eof;
    int                    width, height; /* resize before open */
};

static void
exec_open_cb(struct ws *ws, const char *protocol, void *data)
{
    struct exec *e = data;

    e->open = 1;
    e->version = channel_version(protocol);
    if (e->width > 0 && e->height > 0)
        exec_resize(e, e->width, e->height);
    if (e->pending.len > 0)
        channel_send(ws, CHANNEL_STDIN, e->pending.data, e->pending.len);
    kbuf_reset(&e->pending);
    if (e->stdin_eof)
        exec_close_stdin(e);
    if (e->ops->started != NULL)
        e->ops->started(e, protocol, e->data);
}

static void
exec_message_cb(struct ws *ws, const uint8_t *m, size_t n, void *data)
{
    struct exec *e = data;
    char        *msg = NULL;

    if (n < 1)
        return;
    switch (m[0]) {
    case CHANNEL_STDOUT:
    case CHANNEL_STDERR:
        if (n > 1 && e->ops->output != NULL)
            e->ops->output(e, m[0], (const char *)m + 1, n - 1, e->data);
        break;
    case CHANNEL_ERROR:
        if (n == 1)
            break; /* the "stream is up" signal may come here too */
        e->code = channel_exec_status(e->version, m + 1, n - 1, &msg);
        free(e->message);
        e->message = msg;
        break;
    default:
        break; /* [255, ch] from the server, unknown channels */
    }
}

static void
exec_closed_cb(struct ws *ws, const struct ws_end *end, void *data)
{
    struct exec *e = data;
    const char  *error = NULL;
    int          code = e->code;

    if (end->error != NULL && !e->open)
        error = end->error; /* refused or never connected */
    else if (code == -2) {
        /* No status: success only after a clean close (client-go treats
         * an empty error stream as success). */
        if (end->error == NULL && e->version >= 4)
            code = 0;
        else if (end->error == NULL)
            code = 0;
        else
            error = end->error;
    } else if (code == -1)
        error = e->message != NULL ? e->message : "exec failed";
    if (error != NULL)
        code = -1;
    e->ws = NULL;
    e->ops->exited(e, code, error, e->data);
    kbuf_done(&e->pending);
    free(e->message);
    free(e);
}

static const struct ws_ops exec_ws_ops = {
    .open = exec_open_cb,
    .message = exec_message_cb,
    .closed = exec_closed_cb,
};

struct exec *
exec_start(struct kclient *c, const struct exec_opts *o,
           const struct exec_ops *ops, void *data, char **cause)
{
    struct exec   *e;
    struct kbuf    path;
    struct ws_opts wo = {0};
    char          *v;
    int            i;

    if (o->argv == NULL || o->argv[0] == NULL) {
        *cause = xstrdup("you must specify at least one command for the "
                         "container");
        return NULL;
    }
    e = xcalloc(1, sizeof *e);
    e->ops = ops;
    e->data = data;
    e->code = -2;
    e->width = o->width;
    e->height = o->height;
    kbuf_init(&e->pending);
    kbuf_init(&path);
    v = khttp_escape(o->pod);
    kbuf_printf(&path, "/api/v1/namespaces/%s/pods/%s/exec?",
                o->ns != NULL ? o->ns : kclient_ctx(c)->ns, v);
    free(v);
    for (i = 0; o->argv[i] != NULL; i++) {
        v = khttp_escape(o->argv[i]);
        kbuf_printf(&path, "command=%s&", v);
        free(v);
    }
    if (o->container != NULL) {
        v = khttp_escape(o->container);
        kbuf_printf(&path, "container=%s&", v);
        free(v);
    }
    if (o->stdin_on)
        kbuf_puts(&path, "stdin=true&");
    kbuf_puts(&path, "stdout=true&");
    if (!o->tty)
        kbuf_puts(&path, "stderr=true&");
    kbuf_printf(&path, "tty=%s", o->tty ? "true" : "false");
    wo.path = path.data;
    wo.protocols = channel_exec_protocols;
    e->ws = ws_connect(c, &wo, &exec_ws_ops, e, cause);
    kbuf_done(&path);
    if (e->ws == NULL) {
        kbuf_done(&e->pending);
        free(e);
        return NULL;
    }
    return e;
}

void
exec_write(struct exec *e, const void *p, size_t n)
{
    if (e->ws == NULL || n == 0)
        return;
    if (!e->open)
        kbuf_append(&e->pending, p, n);
    else
        channel_send(e->ws, CHANNEL_STDIN, p, n);
}

void
exec_close_stdin(struct exec *e)
{
    e->stdin_eof = 1;
    if (e->ws != NULL && e->open && e->version >= 5)
        channel_send_close(e->ws, CHANNEL_STDIN);
}

void
exec_resize(struct exec *e, int width, int height)
{
    char *j;

    e->width = width;
    e->height = height;
    if (e->ws == NULL || !e->open || e->version < 3)
        return;
    j = channel_resize_json(width, height);
    channel_send(e->ws, CHANNEL_RESIZE, j, strlen(j));
    free(j);
}

void
exec_cancel(struct exec *e)
{
    if (e == NULL)
        return;
    ws_cancel(e->ws);
    kbuf_done(&e->pending);
    free(e->message);
    free(e);
}
