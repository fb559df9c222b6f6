/*
 * Stub: the curl multi / libuv glue (being implemented).
 */
#include "loop.h"

#include "util.h"

#include <stdlib.h>

struct kloop {
    uv_loop_t *uv;
};

struct kloop *
kloop_create(uv_loop_t *uv)
{
    struct kloop *l = xcalloc(1, sizeof *l);

    l->uv = uv;
    return l;
}

uv_loop_t *
kloop_uv(struct kloop *l)
{
    return l->uv;
}

int
kloop_add(struct kloop *l, CURL *easy, kloop_done_cb cb, void *data)
{
    return -1;
}

void
kloop_remove(struct kloop *l, CURL *easy, kloop_released_cb cb, void *data)
{
    if (cb != NULL)
        cb(easy, data);
}

int
kloop_running(struct kloop *l)
{
    return 0;
}

void
kloop_close(struct kloop *l, void (*done)(void *), void *data)
{
    free(l);
    if (done != NULL)
        done(data);
}
