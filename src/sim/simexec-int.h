/*
 * simexec internals shared by its files (simexec.c the interpreter,
 * simexec-builtin.c and simexec-curl.c the commands, simexec-fs.c the
 * files, simexec-session.c the exec WebSocket). Not for other modules.
 */
#ifndef KPOD_SIMEXEC_INT_H
#define KPOD_SIMEXEC_INT_H

#include "simexec.h"
#include "util.h"

/* A builtin's answer when it waits on the loop and resumes the
 * interpreter itself. */
#define ASYNC (-1000)

enum simexec_wait {
    WAIT_NONE,
    WAIT_START, /* deferred first run */
    WAIT_SLEEP,
    WAIT_CURL,
    WAIT_CAT,  /* cat copying stdin */
    WAIT_LINE, /* the interactive shell wants a line */
};

enum simexec_op { OP_SEQ, OP_AND, OP_OR };

struct simexec_var {
    char               *name;
    char               *value;
    struct simexec_var *next;
};

struct simexec_curl;

struct simexec_proc {
    uv_loop_t                     *loop;
    const struct simexec_proc_ops *ops;
    void                          *data;
    char               *pod, *uid, *namespace, *container, *image, *pod_ip;
    struct simexec_var *vars;
    struct simexec_fs  *fs;
    simexec_port_cb     port_cb;
    void               *port_data;
    int                 tty, width, height;

    char           *script; /* what runs now */
    size_t          pos;
    enum simexec_op prev_op;
    int             last; /* $? */
    int             interactive, prompted;

    struct kbuf line;     /* tty: the line being edited */
    struct kbuf input;    /* bytes readable on stdin */
    int         eof;      /* stdin closed for good */
    int         eof_once; /* tty ^D: one reader sees EOF */

    /* redirections of the running command; NULL = the real stream */
    char *out_path, *err_path;
    int   out_append, err_append, err_to_out, out_to_err, out_null, err_null;

    enum simexec_wait    wait;
    uv_timer_t           timer;
    struct simexec_curl *curl;
    int                  sync, done, killed, running;
    struct kbuf         *sync_out, *sync_err;
};

/* simexec-fs.c */
extern const char *const simexec_dirs[];
const char              *simexec_fs_path(struct simexec_fs *, size_t i);
int simexec_fs_isdir(struct simexec_fs *, const char *path);

/* simexec.c */
const char *simexec_getvar(struct simexec_proc *, const char *name);
void simexec_setvar(struct simexec_proc *, const char *name, const char *value);
void simexec_setenv_kv(struct simexec_proc *, const char *kv);
void simexec_emit(struct simexec_proc *, int fd, const char *, size_t);
void simexec_write(struct simexec_proc *, int fd, const char *, size_t);
void simexec_printf(struct simexec_proc *, int fd, const char *, ...)
    KPOD_PRINTF(3, 4);
void simexec_run(struct simexec_proc *);
void simexec_finish(struct simexec_proc *, int code);

/* simexec-builtin.c */
int         simexec_builtin_exec(struct simexec_proc *, int argc, char **argv);
int         simexec_builtin_known(const char *cmd);
int         simexec_builtin_is_shell(const char *cmd);
const char *simexec_builtin_base(const char *cmd);

/* simexec-curl.c */
int  simexec_curl(struct simexec_proc *, int argc, char **argv);
void simexec_curl_abort(struct simexec_curl *); /* the process is gone */

#endif
