/*
 * The simulated container's command set for kpod-sim: a tiny per-container
 * file system and a small shell (echo, cat, env, hostname, ls, sleep, exit,
 * curl to the pod's own ports, true/false, touch, rm, test, stty, an
 * interactive sh). Processes run on the libuv loop and never block it.
 * simexec_session_start() serves a Kubernetes exec over a simws session.
 */
#ifndef KPOD_SIMEXEC_H
#define KPOD_SIMEXEC_H

#include <stddef.h>
#include <uv.h>

#include "simws.h"

struct kbuf;

/* A container's files: path -> contents. Reference counted, because an
 * exec session may outlive the pod that owned the file system. */
struct simexec_fs;
struct simexec_fs *simexec_fs_create(void);
struct simexec_fs *simexec_fs_ref(struct simexec_fs *);
void               simexec_fs_unref(struct simexec_fs *);
void simexec_fs_write(struct simexec_fs *, const char *path, const char *,
                      size_t, int                      append);
int  simexec_fs_remove(struct simexec_fs *, const char *path); /* 0 / -1 */
/* A file system kept by someone else (e.g. the simulator's container
 * state, shared with exec probes). Contents are NUL-terminated text. */
struct simexec_fs_ops {
    const char *(*read)(void *data, const char *path); /* NULL = none */
    void (*write)(void *data, const char *path, const char *content);
    int (*remove)(void *data, const char *path); /* 0 / -1 */
    const char *(*path)(void *data, size_t i);   /* NULL past the end */
    void (*free)(void *data);                    /* last reference gone */
};
struct simexec_fs *simexec_fs_create_ops(const struct simexec_fs_ops *,
                                         void *data);
/* Borrowed contents, or NULL when path does not exist. */
const char *simexec_fs_read(struct simexec_fs *, const char *path, size_t *len);

/* Which loopback port backs a container port of pod uid (-1 = none). */
typedef int (*simexec_port_cb)(void *data, const char *uid, int container_port);

/* The container a process runs in. Strings are copied. */
struct simexec_container {
    const char *pod;
    const char *uid;
    const char *namespace;
    const char        *container;
    const char        *image;
    const char        *pod_ip;    /* NULL = 10.244.0.10 */
    const char *const *env;       /* "K=V", NULL-terminated, or NULL */
    struct simexec_fs *fs;        /* taken by reference; NULL = fresh */
    simexec_port_cb    port_cb;   /* NULL = no ports */
    void              *port_data; /* must outlive every process */
};

struct simexec_proc;

struct simexec_proc_ops {
    /* fd 1 = stdout, 2 = stderr */
    void (*output)(struct simexec_proc *, int fd, const char *, size_t,
                   void *data);
    /* The process ended; it is freed after this returns. */
    void (*exited)(struct simexec_proc *, int code, void *data);
};

/* Start argv (the exec request's command) in container. tty: output uses
 * CRLF, an interactive sh echoes and prints a prompt. The exited callback
 * never runs before this returns (it is deferred to the loop). */
struct simexec_proc *simexec_proc_start(uv_loop_t *,
                                        const struct simexec_container *,
                                        const char *const *argv, int tty,
                                        const struct simexec_proc_ops *,
                                        void *data);
void simexec_proc_input(struct simexec_proc *, const char *, size_t);
void simexec_proc_input_eof(struct simexec_proc *);
void simexec_proc_resize(struct simexec_proc *, int width, int height);
/* Kill without calling exited; memory goes after the handles closed. */
void simexec_proc_kill(struct simexec_proc *);

/* Whether cmd exists in the container (exec checks argv[0] up front). */
int simexec_known(const char *cmd);

/* Run argv to completion without a loop (for exec probes): sleep returns
 * at once, curl and stdin are unavailable. Returns the exit code. */
int simexec_run_sync(const struct simexec_container *, const char *const *argv,
                     struct kbuf *out, struct kbuf *err);

/* Serve one exec WebSocket: channels 0 stdin, 1 stdout, 2 stderr, 3 status
 * (metav1.Status JSON), 4 resize, 255 close (v5). Writes the 101 with
 * protocol (one of simexec_protocols) through io; the caller feeds the
 * returned session (simws_feed / simws_io_closed). */
extern const char *const simexec_protocols[]; /* v5, v4 channel.k8s.io */
struct simws            *simexec_session_start(uv_loop_t *, struct simws_list *,
                                               const struct simws_io *, const char *ws_key,
                                               const char *protocol,
                                               const struct simexec_container *,
                                               const char *const *argv, int want_stdin,
                                               int want_stdout, int want_stderr, int tty);

#endif
