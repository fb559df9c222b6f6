/*
 * Exec in a container over a WebSocket (v5.channel.k8s.io, falling back to
 * v4): one-shot commands whose stdout/stderr arrive through a callback and
 * whose exit code comes from the status channel, and interactive sessions
 * (stdin, tty, resize). It draws nothing and reads no terminal; the CLI
 * (cmd-forward.c) and the UI bridge those.
 */
#ifndef KPOD_EXEC_H
#define KPOD_EXEC_H

#include <stddef.h>

struct kclient;
struct exec;

struct exec_opts {
    const char        *ns; /* NULL = the client's namespace */
    const char        *pod;
    const char        *container;     /* NULL = the server's default */
    const char *const *argv;          /* NULL-terminated command */
    int                stdin_on;      /* -i: open the stdin channel */
    int                tty;           /* -t: stderr merges into stdout */
    int                width, height; /* initial tty size (0 = none) */
};

struct exec_ops {
    /* Optional: the session is up (protocol = the negotiated one). */
    void (*started)(struct exec *, const char *protocol, void *data);
    /* fd 1 = stdout, 2 = stderr. */
    void (*output)(struct exec *, int fd, const char *, size_t, void *data);
    /* Exactly once (unless exec_cancel): code 0-255, or -1 with error set
     * (refused, failed to start, connection lost). message, if any, is the
     * server's word ("command terminated with exit code 7"). The exec is
     * freed after this returns. */
    void (*exited)(struct exec *, int code, const char *error, void *data);
};

/* Start. NULL with *cause when it cannot (no callback then). */
struct exec *exec_start(struct kclient *, const struct exec_opts *,
                        const struct exec_ops *, void *data, char **cause);
/* Send stdin bytes (queued until the session is up). */
void exec_write(struct exec *, const void *, size_t);
/* End of stdin: v5 sends the close signal; v4 has none (ignored). */
void exec_close_stdin(struct exec *);
/* The terminal size changed (sent at once, or when the session is up). */
void exec_resize(struct exec *, int width, int height);
/* Stop now; exited() will not run. */
void exec_cancel(struct exec *);

#endif
