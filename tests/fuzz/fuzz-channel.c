/*
 * libFuzzer harness for what kpod parses from a WebSocket peer: the
 * upgrade answer's head (ws_head_parse), server frames through wslay's
 * client (unmasked frames, fragments, control frames) and the channel
 * layer on the messages that come out (port-forward prefixes and data,
 * exec status JSON). Built only with KPOD_FUZZ=ON and clang.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wslay/wslay.h>

#include "channel.h"
#include "ws.h"

struct fuzz_in {
    const uint8_t    *p;
    size_t            n;
    struct channel_pf pf;
};

static ssize_t
fuzz_recv(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, int flags,
          void *user)
{
    struct fuzz_in *in = user;

    if (in->n == 0) {
        wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
        return -1;
    }
    /* small reads, so frames straddle them */
    if (len > in->n)
        len = in->n;
    if (len > 7)
        len = 7;
    memcpy(buf, in->p, len);
    in->p += len;
    in->n -= len;
    return (ssize_t)len;
}

static ssize_t
fuzz_send(wslay_event_context_ptr ctx, const uint8_t *p, size_t len, int flags,
          void *user)
{
    return (ssize_t)len;
}

static int
fuzz_genmask(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, void *user)
{
    memset(buf, 0x5a, len);
    return 0;
}

static void
fuzz_msg(wslay_event_context_ptr                   ctx,
         const struct wslay_event_on_msg_recv_arg *arg, void *user)
{
    struct fuzz_in         *in = user;
    struct channel_pf_event ev;
    char                   *msg = NULL;

    if (wslay_is_ctrl_frame(arg->opcode))
        return;
    channel_pf_input(&in->pf, arg->msg, arg->msg_length, &ev);
    if (ev.kind == CHANNEL_PF_DATA || ev.kind == CHANNEL_PF_ERROR) {
        if (ev.data + ev.len > arg->msg + arg->msg_length)
            abort();
    }
    if (arg->msg_length > 0 && arg->msg[0] == CHANNEL_ERROR) {
        channel_exec_status(5, arg->msg + 1, arg->msg_length - 1, &msg);
        free(msg);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct wslay_event_callbacks cbs = {
        .recv_callback = fuzz_recv,
        .send_callback = fuzz_send,
        .genmask_callback = fuzz_genmask,
        .on_msg_recv_callback = fuzz_msg,
    };
    struct fuzz_in          in = {.p = data, .n = size};
    struct ws_head          head;
    wslay_event_context_ptr ctx;
    const int               ports[] = {8080, 443};
    char                   *msg = NULL;

    /* the head parser and the status decoder on the raw bytes */
    ws_head_parse((const char *)data, size, &head);
    ws_head_done(&head);
    channel_exec_status(4, data, size, &msg);
    free(msg);

    /* frames, then channels */
    channel_pf_init(&in.pf, ports, 2);
    if (wslay_event_context_client_init(&ctx, &cbs, &in) != 0)
        return 0;
    wslay_event_config_set_max_recv_msg_length(ctx, 1 << 20);
    while (in.n > 0 && wslay_event_recv(ctx) == 0 &&
           wslay_event_get_read_enabled(ctx))
        ;
    wslay_event_send(ctx);
    wslay_event_context_free(ctx);
    return 0;
}
