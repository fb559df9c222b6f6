/*
 * wsframe.c (the bulk-data fast path of ws.c and simws.c) against wslay,
 * the WebSocket library that keeps the rest of the protocol: every frame
 * wsframe_encode writes, masked as a client must, is accepted by a wslay
 * server context and delivers the same payload; every masked frame a
 * wslay client context writes parses with wsframe_parse and unmasks with
 * wsframe_mask to the same payload. Lengths cover the 7-bit, 16-bit and
 * 64-bit forms and their edges, and both payload halves of encode.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <wslay/wslay.h>

#include "util.h"
#include "wsframe.h"

static const size_t lens[] = {0,   1,    2,     124,   125,   126,
                              127, 1000, 65535, 65536, 65537, 200000};

struct pipe {
    const uint8_t *in; /* what the server context reads */
    size_t         inlen, inpos;
    struct kbuf    out; /* what the client context wrote */
    uint8_t       *msg; /* the message the server context received */
    size_t         msglen;
    int            opcode, msgs;
};

static ssize_t
srv_recv(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, int flags,
         void *user)
{
    struct pipe *p = user;
    size_t       n = p->inlen - p->inpos;

    (void)flags;
    if (n == 0) {
        wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
        return -1;
    }
    if (n > len)
        n = len;
    memcpy(buf, p->in + p->inpos, n);
    p->inpos += n;
    return (ssize_t)n;
}

static void
srv_msg(wslay_event_context_ptr                   ctx,
        const struct wslay_event_on_msg_recv_arg *a, void *user)
{
    struct pipe *p = user;

    (void)ctx;
    free(p->msg);
    p->msg = xmalloc(a->msg_length + 1);
    if (a->msg_length > 0) /* a->msg may be NULL then */
        memcpy(p->msg, a->msg, a->msg_length);
    p->msglen = a->msg_length;
    p->opcode = a->opcode;
    p->msgs++;
}

static ssize_t
cli_send(wslay_event_context_ptr ctx, const uint8_t *data, size_t len,
         int flags, void *user)
{
    struct pipe *p = user;

    (void)ctx;
    (void)flags;
    kbuf_append(&p->out, data, len);
    return (ssize_t)len;
}

static int
cli_genmask(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, void *user)
{
    (void)ctx;
    (void)user;
    for (size_t i = 0; i < len; i++)
        buf[i] = (uint8_t)(0xa5 ^ (i * 37));
    return 0;
}

static uint8_t *
payload(size_t n)
{
    uint8_t *b = xmalloc(n + 1);

    for (size_t i = 0; i < n; i++)
        b[i] = (uint8_t)(i * 131 + 7);
    return b;
}

/* wsframe writes, wslay reads. */
static void
test_wslay_reads_wsframe(void **state)
{
    static const uint8_t                      key[4] = {0x3d, 0x91, 0x04, 0xee};
    static const struct wslay_event_callbacks cbs = {
        .recv_callback = srv_recv,
        .on_msg_recv_callback = srv_msg,
    };

    (void)state;
    for (size_t i = 0; i < nitems(lens); i++) {
        size_t                  n = lens[i], split = n / 3;
        uint8_t                *data = payload(n);
        struct kbuf             frame;
        struct pipe             p;
        wslay_event_context_ptr ctx;

        memset(&p, 0, sizeof p);
        kbuf_init(&frame);
        wsframe_encode(&frame, WSFRAME_BINARY, key, data, split, data + split,
                       n - split);
        p.in = (const uint8_t *)frame.data;
        p.inlen = frame.len;
        assert_int_equal(wslay_event_context_server_init(&ctx, &cbs, &p), 0);
        wslay_event_config_set_max_recv_msg_length(ctx, 1 << 20);
        assert_int_equal(wslay_event_recv(ctx), 0);
        assert_int_equal(p.msgs, 1);
        assert_int_equal(p.opcode, WSLAY_BINARY_FRAME);
        assert_int_equal(p.msglen, n);
        if (n > 0)
            assert_memory_equal(p.msg, data, n);
        assert_int_equal(p.inpos, p.inlen);
        wslay_event_context_free(ctx);
        kbuf_done(&frame);
        free(p.msg);
        free(data);
    }
}

/* wslay writes, wsframe reads. */
static void
test_wsframe_reads_wslay(void **state)
{
    static const struct wslay_event_callbacks cbs = {
        .send_callback = cli_send,
        .genmask_callback = cli_genmask,
    };

    (void)state;
    for (size_t i = 0; i < nitems(lens); i++) {
        size_t                  n = lens[i];
        uint8_t                *data = payload(n), *body;
        struct pipe             p;
        struct wsframe          f;
        wslay_event_context_ptr ctx;
        struct wslay_event_msg  m = {WSLAY_BINARY_FRAME, data, n};

        memset(&p, 0, sizeof p);
        kbuf_init(&p.out);
        assert_int_equal(wslay_event_context_client_init(&ctx, &cbs, &p), 0);
        assert_int_equal(wslay_event_queue_msg(ctx, &m), 0);
        assert_int_equal(wslay_event_send(ctx), 0);
        /* a header cut short asks for more */
        assert_int_equal(wsframe_parse((const uint8_t *)p.out.data, 1, &f), 0);
        assert_int_equal(
            wsframe_parse((const uint8_t *)p.out.data, p.out.len, &f), 1);
        assert_true(f.fin);
        assert_true(f.masked);
        assert_int_equal(f.opcode, WSFRAME_BINARY);
        assert_int_equal(f.len, n);
        assert_int_equal(f.head + n, p.out.len);
        body = (uint8_t *)p.out.data + f.head;
        wsframe_mask(body, n, f.key, 0);
        if (n > 0)
            assert_memory_equal(body, data, n);
        wslay_event_context_free(ctx);
        kbuf_done(&p.out);
        free(data);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wslay_reads_wsframe),
        cmocka_unit_test(test_wsframe_reads_wslay),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
