/*
 * Unit tests for the server-side WebSocket (src/sim/simws.c) and the exec
 * session on top of it (simexec_session_start): subprotocol choice, and
 * whole sessions over loopback TCP driven by a hand-written client that
 * masks its frames and parses the server's. (The accept key is tested
 * with src/util/wskey.c in test-wskey.c.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "simexec.h"
#include "simws.h"
#include "util.h"

static void
test_negotiate(void **state)
{
    const char *const exec[] = {"v5.channel.k8s.io", "v4.channel.k8s.io", NULL};

    assert_string_equal(simws_negotiate("v5.channel.k8s.io", exec, 0),
                        "v5.channel.k8s.io");
    assert_string_equal(
        simws_negotiate("v4.channel.k8s.io, v5.channel.k8s.io", exec, 0),
        "v4.channel.k8s.io");
    assert_string_equal(
        simws_negotiate("SPDY/3.1+portforward.k8s.io,v4.channel.k8s.io", exec,
                        0),
        "v4.channel.k8s.io");
    assert_null(simws_negotiate("channel.k8s.io", exec, 0));
    assert_null(simws_negotiate(NULL, exec, 0));
    assert_string_equal(simws_negotiate(NULL, exec, 1), "");
    assert_null(simws_negotiate("v5.channel.k8s.io.evil", exec, 1));
}

#include "simws-harness.h"

static void
test_exec_session_v5(void **state)
{
    struct harness h = {0};
    const char    *argv[] = {"sh", "-c", "echo hi; echo err >&2; exit 3", NULL};
    char          *out, *err, *status;

    h.argv = argv;
    harness_run(&h, "v5.channel.k8s.io");
    assert_non_null(strstr(h.head101, "HTTP/1.1 101 "));
    assert_non_null(strstr(h.head101, "\r\nSec-WebSocket-Accept: "
                                      "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"));
    assert_non_null(
        strstr(h.head101, "\r\nSec-WebSocket-Protocol: v5.channel.k8s.io\r\n"));
    /* first an empty stdout message, last the close with 1000 */
    assert_true(h.nframes >= 5);
    assert_int_equal(h.frames[0].opcode, 2);
    assert_int_equal(h.frames[0].len, 1);
    assert_int_equal(h.frames[0].data[0], 1);
    assert_int_equal(h.frames[h.nframes - 1].opcode, 8);
    assert_int_equal(h.frames[h.nframes - 1].data[0] << 8 |
                         h.frames[h.nframes - 1].data[1],
                     1000);
    out = channel_text(&h, 1);
    err = channel_text(&h, 2);
    status = channel_text(&h, 3);
    assert_string_equal(out, "hi\n");
    assert_string_equal(err, "err\n");
    assert_non_null(strstr(status, "\"reason\":\"NonZeroExitCode\""));
    assert_non_null(strstr(status,
                           "\"causes\":[{\"reason\":\"ExitCode\",\"message\":"
                           "\"3\"}]"));
    free(out);
    free(err);
    free(status);
    harness_done(&h);
}

static void
test_exec_stdin_close_and_ping(void **state)
{
    static const uint8_t f1[] = {0, 'a', 'b', 'c'}, f2[] = {'p', 'i'},
                         f3[] = {255, 0};
    const uint8_t *const send[] = {f1, f2, f3, NULL};
    const size_t         lens[] = {sizeof f1, sizeof f2, sizeof f3};
    const int            ops[] = {2, 9, 2};
    struct harness       h = {0};
    const char          *argv[] = {"cat", NULL};
    char                *out, *status;
    int                  i, pong = 0;

    h.argv = argv;
    h.want_stdin = 1;
    h.to_send = send;
    h.to_send_len = lens;
    h.to_send_op = ops;
    harness_run(&h, "v5.channel.k8s.io,v4.channel.k8s.io");
    for (i = 0; i < h.nframes; i++) {
        if (h.frames[i].opcode == 10 && h.frames[i].len == 2 &&
            memcmp(h.frames[i].data, "pi", 2) == 0)
            pong = 1;
    }
    assert_true(pong);
    out = channel_text(&h, 1);
    status = channel_text(&h, 3);
    assert_string_equal(out, "abc");
    assert_non_null(strstr(status, "\"status\":\"Success\""));
    free(out);
    free(status);
    harness_done(&h);
}

static void
test_exec_unknown_command(void **state)
{
    struct harness h = {0};
    const char    *argv[] = {"nosuchcmd", NULL};
    char          *status;

    h.argv = argv;
    harness_run(&h, "v4.channel.k8s.io");
    assert_non_null(
        strstr(h.head101, "\r\nSec-WebSocket-Protocol: v4.channel.k8s.io\r\n"));
    status = channel_text(&h, 3);
    assert_non_null(strstr(status, "\"reason\":\"InternalError\""));
    assert_non_null(strstr(status, "executable file not found"));
    free(status);
    harness_done(&h);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_negotiate),
        cmocka_unit_test(test_exec_session_v5),
        cmocka_unit_test(test_exec_stdin_close_and_ping),
        cmocka_unit_test(test_exec_unknown_command),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
