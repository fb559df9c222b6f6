/*
 * The set of port-forwards a kpod session keeps: started from the UI's
 * dialog, listed by the forwards pane (:pf), stopped one by one or all at
 * once (quit, context switch). Each forward remembers kubectl's recent
 * messages and, when asked to follow its workload, moves to the same
 * controller's new pod once the old one is gone. No curses here.
 */
#ifndef KPOD_FORWARDS_H
#define KPOD_FORWARDS_H

#include <stddef.h>

#include "portforward.h"

struct kclient;
struct store;
struct forwards;

#define FORWARDS_LINES 16 /* messages kept per forward */

struct forwards_spec {
    const char *ns; /* NULL = the client's namespace */
    const char *pod;
    const char *address; /* NULL = 127.0.0.1 */
    int         local_port, remote_port;
    int         follow; /* follow the pod's controller to its new pod */
};

struct forwards_row {
    int                     id;
    const char             *ns, *pod;
    int                     follow;
    struct portforward_info info;
    const char *const      *lines; /* oldest first */
    size_t                  nlines;
};

/* pods: the store that follow looks in (may be NULL: no following).
 * changed(data) runs after any forward's state or messages changed. */
struct forwards *forwards_create(struct store *pods, void (*changed)(void *),
                                 void         *data);
/* Start one. Its id (> 0), or -1 with *cause (the port is taken ...);
 * nothing changes then. */
int    forwards_add(struct forwards *, struct kclient *,
                    const struct forwards_spec *, char **cause);
size_t forwards_count(struct forwards *);
/* Row i in start order (borrowed until the next loop turn). 0 or -1. */
int forwards_row(struct forwards *, size_t i, struct forwards_row *);
/* Stop one by id: 0, or -1 when there is none. */
int forwards_stop(struct forwards *, int id);
/* Stop every forward (a context switch). */
void forwards_stop_all(struct forwards *);
/* The follow target's store moved (a namespace or context switch). */
void forwards_set_store(struct forwards *, struct store *pods);
/* Stop everything; done(data) runs once the last socket is closed and
 * the set is freed (at once when none was open). */
void forwards_free(struct forwards *, void (*done)(void *), void *data);

#endif
