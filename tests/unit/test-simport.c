/*
 * Unit tests for the loopback port backends and port-forward over
 * WebSocket (src/sim/simport.c): curl inside an exec reaches http-go and
 * nginx backends; a v4.channel.k8s.io session sends the port prefixes,
 * carries an HTTP exchange on the data channel, reports an unserved port
 * on its error channel and closes once every port's stream ended.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "simport.h"
#include "simws-harness.h"

struct capture {
    struct kbuf out;
    int         code, exited;
};

static void
cap_output(struct simexec_proc *p, int fd, const char *s, size_t n, void *d)
{
    struct capture *c = d;

    if (fd == 1)
        kbuf_append(&c->out, s, n);
}

static void
cap_exited(struct simexec_proc *p, int code, void *d)
{
    struct capture *c = d;

    c->code = code;
    c->exited++;
}

static const struct simexec_proc_ops cap_ops = {cap_output, cap_exited};

static void
set_done(void *data)
{
    (*(int *)data)++;
}

static void
exec_curl(uv_loop_t *loop, struct simport_set *set, const char *const *argv,
          struct capture *c)
{
    struct simexec_container ct = {.pod = "http-go",
                                   .uid = "uid-1",
                                   .port_cb = simport_exec_port_cb,
                                   .port_data = set};

    memset(c, 0, sizeof *c);
    kbuf_init(&c->out);
    kbuf_puts(&c->out, "");
    simexec_proc_start(loop, &ct, argv, 0, &cap_ops, c);
    while (!c->exited)
        uv_run(loop, UV_RUN_ONCE);
}

static int
only_uid2(void *data, const char *uid)
{
    return strcmp(uid, "uid-2") == 0;
}

static void
test_backends_via_exec_curl(void **state)
{
    uv_loop_t           loop;
    struct simport_set *set;
    struct capture      c;
    const char         *a1[] = {"curl", "127.0.0.1:8080", "-s", NULL};
    const char         *a2[] = {"curl", "-si", "http://localhost:80/", NULL};
    const char *a3[] = {"sh", "-c", "curl -s 127.0.0.1:81 || echo $?", NULL};
    int         done = 0, port;

    uv_loop_init(&loop);
    set = simport_set_create(&loop);
    port = simport_backend(set, "uid-1", "http-go", "app", "gasbugs/http-go",
                           8080);
    assert_true(port > 0);
    assert_int_equal(simport_lookup(set, "uid-1", 8080), port);
    assert_int_equal(simport_backend(set, "uid-1", "http-go", "app",
                                     "gasbugs/http-go", 8080),
                     port);
    assert_true(simport_backend(set, "uid-1", "http-go", "web", "nginx:1.14.2",
                                80) > 0);

    exec_curl(&loop, set, a1, &c);
    assert_int_equal(c.code, 0);
    assert_string_equal(c.out.data, "Welcome! http-go\n");
    kbuf_done(&c.out);

    exec_curl(&loop, set, a2, &c);
    assert_int_equal(c.code, 0);
    assert_non_null(strstr(c.out.data, "HTTP/1.1 200 OK\r\n"));
    assert_non_null(strstr(c.out.data, "Server: nginx/1.14.2\r\n"));
    assert_non_null(strstr(c.out.data, "<h1>Welcome to nginx!</h1>"));
    kbuf_done(&c.out);

    exec_curl(&loop, set, a3, &c);
    assert_int_equal(c.code, 0);
    assert_string_equal(c.out.data, "7\n");
    kbuf_done(&c.out);

    /* a sweep closes the backends of pods that are gone, only those */
    assert_true(simport_backend(set, "uid-2", "other", "c", "busybox", 7) > 0);
    simport_sweep(set, only_uid2, NULL);
    assert_int_equal(simport_lookup(set, "uid-1", 8080), -1);
    assert_int_equal(simport_lookup(set, "uid-1", 80), -1);
    assert_true(simport_lookup(set, "uid-2", 7) > 0);
    simport_forget(set, "uid-2");
    assert_int_equal(simport_lookup(set, "uid-2", 7), -1);
    simport_set_close(set, set_done, &done);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(done, 1);
    assert_int_equal(uv_loop_close(&loop), 0);
}

/* --- port-forward --- */

static struct simws *
fwd_start(struct harness *h, const struct simws_io *io, const char *key,
          const char *proto)
{
    struct simport_set *set = simport_set_create(&h->loop);
    static const int    ports[] = {8080, 9999};

    h->user = set;
    assert_true(simport_backend(set, "uid-1", "http-go", "app",
                                "gasbugs/http-go", 8080) > 0);
    return simport_forward_start(set, io, key, proto, "uid-1", "http-go", ports,
                                 2);
}

static int fwd_done;

static void
fwd_release(struct harness *h)
{
    simport_set_close(h->user, set_done, &fwd_done);
}

static void
test_forward(void **state)
{
    static const char    req[] = "\0GET / HTTP/1.1\r\nHost: localhost\r\n"
                                 "Connection: close\r\n\r\n";
    const uint8_t *const send[] = {(const uint8_t *)req, NULL};
    const size_t         lens[] = {sizeof req - 1};
    const int            ops[] = {2};
    struct harness       h = {0};
    char                *data, *err;
    int                  i, seen[4] = {0};
    const char          *prefix =
        "error forwarding port 9999 to pod http-go, uid uid-1: ";

    h.protocols = simport_protocols;
    h.start = fwd_start;
    h.on_release = fwd_release;
    h.to_send = send;
    h.to_send_len = lens;
    h.to_send_op = ops;
    harness_run(&h, "v5.channel.k8s.io,v4.channel.k8s.io");
    assert_int_equal(fwd_done, 1);
    assert_non_null(
        strstr(h.head101, "\r\nSec-WebSocket-Protocol: v4.channel.k8s.io\r\n"));
    /* The first message on each channel is the port, little endian. */
    for (i = 0; i < h.nframes; i++) {
        struct frame *f = &h.frames[i];
        int           ch;

        if (f->opcode != 2 || f->len == 0)
            continue;
        ch = f->data[0];
        assert_true(ch < 4);
        if (!seen[ch]++) {
            int want = ch < 2 ? 8080 : 9999;

            assert_int_equal(f->len, 3);
            assert_int_equal(f->data[1] | f->data[2] << 8, want);
            f->len = 1; /* keep the prefix out of channel_text */
        }
    }
    assert_int_equal(h.frames[h.nframes - 1].opcode, 8);
    data = channel_text(&h, 0);
    assert_non_null(strstr(data, "HTTP/1.1 200 OK\r\n"));
    assert_non_null(strstr(data, "\r\n\r\nWelcome! http-go\n"));
    free(data);
    err = channel_text(&h, 3);
    assert_true(strncmp(err, prefix, strlen(prefix)) == 0);
    assert_non_null(strstr(err, "connection refused"));
    free(err);
    err = channel_text(&h, 1);
    assert_string_equal(err, "");
    free(err);
    harness_done(&h);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_backends_via_exec_curl),
        cmocka_unit_test(test_forward),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
