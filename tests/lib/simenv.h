/*
 * An in-process kpod-sim and a client of it on a test's own libuv loop
 * (tests/lib/simenv.c): what the exec, port-forward and stream tests all
 * set up, request through and tear down. Teardown fails the test unless
 * the loop closes cleanly (uv_loop_close() == 0).
 */
#ifndef KPOD_SIMENV_H
#define KPOD_SIMENV_H

#include <uv.h>

#include "testutil.h"

struct kloop;
struct kclient;
struct sim_thread;

struct simenv {
    uv_loop_t          uv;
    uv_timer_t         ticker; /* keeps each UV_RUN_ONCE turn short */
    struct kloop      *loop;
    struct kclient    *client;
    struct sim_thread *sim;
    int                port; /* the simulator's */
    /* the last simenv_api() */
    int   api_done;
    long  api_status;
    char *api_body;
};

/* Run the loop a turn at a time until cond holds; fail after 120 s. */
#define SIMENV_RUN_UNTIL(e, cond)                                              \
    do {                                                                       \
        uint64_t t0_ = uv_hrtime();                                            \
        while (!(cond) && uv_hrtime() - t0_ < 120000000000ull)                 \
            uv_run(&(e)->uv, UV_RUN_ONCE);                                     \
        CHECK(cond);                                                           \
    } while (0)

/* Start kpod-sim (scenario) in a thread and a client of it (namespace
 * default) on e's loop. */
void simenv_setup(struct simenv *e, const char *scenario);
/* Free the client, close the loop (it must close cleanly), stop the sim. */
void simenv_teardown(struct simenv *e);
/* A request run to completion: its status, the body in e->api_body. */
long simenv_api(struct simenv *e, const char *method, const char *path,
                const char *body);
/* 1 when pod name (namespace default) is Running and not being deleted. */
int simenv_pod_running(struct simenv *e, const char *name);

#endif
