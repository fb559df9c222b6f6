/*
 * kwrite: try the write now, queue a copy of what did not fit. See
 * kwrite.h.
 */
#include "kwrite.h"

#include "util.h"

#include <stdlib.h>
#include <string.h>

struct kwrite_req {
    uv_write_t req;
    void (*done)(void *, int);
    void *data;
    char  buf[];
};

static void
kwrite_cb(uv_write_t *req, int status)
{
    struct kwrite_req *w = (struct kwrite_req *)req;
    void (*done)(void *, int) = w->done;
    void *data = w->data;

    free(w);
    if (done != NULL)
        done(data, status);
}

int
kwrite(uv_stream_t *s, const void *p, size_t n,
       void (*done)(void *data, int status), void *data)
{
    struct kwrite_req *w;
    uv_buf_t           buf;
    int                rc;

    if (n == 0)
        return 1;
    buf = uv_buf_init((char *)p, (unsigned)n);
    rc = uv_try_write(s, &buf, 1);
    if (rc == (int)n)
        return 1;
    if (rc < 0 && rc != UV_EAGAIN && rc != UV_ENOSYS)
        return rc;
    if (rc < 0)
        rc = 0;
    w = xmalloc(sizeof *w + (n - (size_t)rc));
    w->done = done;
    w->data = data;
    memcpy(w->buf, (const char *)p + rc, n - (size_t)rc);
    buf = uv_buf_init(w->buf, (unsigned)(n - (size_t)rc));
    rc = uv_write(&w->req, s, &buf, 1, kwrite_cb);
    if (rc < 0) {
        free(w);
        return rc;
    }
    return 0;
}
