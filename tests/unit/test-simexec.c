/*
 * Unit tests for the simulated container shell (src/sim/simexec.c):
 * builtins, quoting, connectors, the in-memory files, exit codes, sleep on
 * the loop, the interactive tty shell and killing a waiting process.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "simexec.h"
#include "util.h"

static int
run(const char *const *argv, struct simexec_fs *fs, const char *const *env,
    struct kbuf *out, struct kbuf *err)
{
    struct simexec_container ct = {
        .pod = "http-go", .container = "main", .fs = fs, .env = env};

    kbuf_reset(out);
    kbuf_reset(err);
    return simexec_run_sync(&ct, argv, out, err);
}

static const char *
str(struct kbuf *b)
{
    return b->data ? b->data : "";
}

static void
test_echo_and_quotes(void **state)
{
    struct kbuf out, err;
    const char *a1[] = {"echo", "hello", "world", NULL};
    const char *a2[] = {"sh", "-c", "echo 'a  b' \"c $X\" d\\ e", NULL};
    const char *a3[] = {"echo", "-n", "x", NULL};
    const char *env[] = {"X=yz", NULL};

    kbuf_init(&out);
    kbuf_init(&err);
    assert_int_equal(run(a1, NULL, NULL, &out, &err), 0);
    assert_string_equal(str(&out), "hello world\n");
    assert_int_equal(run(a2, NULL, env, &out, &err), 0);
    assert_string_equal(str(&out), "a  b c yz d e\n");
    assert_int_equal(run(a3, NULL, NULL, &out, &err), 0);
    assert_string_equal(str(&out), "x");
    assert_string_equal(str(&err), "");
    kbuf_done(&out);
    kbuf_done(&err);
}

static void
test_exit_codes_and_connectors(void **state)
{
    struct kbuf out, err;
    const char *a1[] = {"sh", "-c", "exit 7", NULL};
    const char *a2[] = {"exit", "3", NULL};
    const char *a3[] = {"sh", "-c", "false && echo no || echo yes", NULL};
    const char *a4[] = {"sh", "-c", "true; false; echo $?", NULL};
    const char *a5[] = {"sh", "-c", "nosuch", NULL};
    const char *a6[] = {"false", NULL};

    kbuf_init(&out);
    kbuf_init(&err);
    assert_int_equal(run(a1, NULL, NULL, &out, &err), 7);
    assert_int_equal(run(a2, NULL, NULL, &out, &err), 3);
    assert_int_equal(run(a3, NULL, NULL, &out, &err), 0);
    assert_string_equal(str(&out), "yes\n");
    assert_int_equal(run(a4, NULL, NULL, &out, &err), 0);
    assert_string_equal(str(&out), "1\n");
    assert_int_equal(run(a5, NULL, NULL, &out, &err), 127);
    assert_string_equal(str(&err), "sh: nosuch: not found\n");
    assert_int_equal(run(a6, NULL, NULL, &out, &err), 1);
    kbuf_done(&out);
    kbuf_done(&err);
}

static void
test_files(void **state)
{
    struct simexec_fs *fs = simexec_fs_create();
    struct kbuf        out, err;
    const char *a1[] = {"sh", "-c", "echo hi > /tmp/f; echo ho >> /tmp/f",
                        NULL};
    const char *a2[] = {"cat", "/tmp/f", NULL};
    const char *a3[] = {"cat", "/tmp/healthy", NULL};
    const char *a4[] = {"sh", "-c", "touch /tmp/healthy && ls /tmp", NULL};
    const char *a5[] = {"sh", "-c", "[ -f /tmp/healthy ] && rm /tmp/healthy",
                        NULL};
    size_t      len;

    kbuf_init(&out);
    kbuf_init(&err);
    assert_int_equal(run(a1, fs, NULL, &out, &err), 0);
    assert_string_equal(str(&out), "");
    assert_string_equal(simexec_fs_read(fs, "/tmp/f", &len), "hi\nho\n");
    assert_int_equal(run(a2, fs, NULL, &out, &err), 0);
    assert_string_equal(str(&out), "hi\nho\n");
    assert_int_equal(run(a3, fs, NULL, &out, &err), 1);
    assert_string_equal(
        str(&err),
        "cat: can't open '/tmp/healthy': No such file or directory\n");
    assert_int_equal(run(a4, fs, NULL, &out, &err), 0);
    assert_string_equal(str(&out), "f\nhealthy\n");
    assert_int_equal(run(a5, fs, NULL, &out, &err), 0);
    assert_null(simexec_fs_read(fs, "/tmp/healthy", NULL));
    assert_int_equal(run(a5, fs, NULL, &out, &err), 1);
    simexec_fs_unref(fs);
    kbuf_done(&out);
    kbuf_done(&err);
}

static void
test_env_hostname(void **state)
{
    struct kbuf out, err;
    const char *a1[] = {"printenv", "FOO", NULL};
    const char *a2[] = {"hostname", NULL};
    const char *a3[] = {"env", NULL};
    const char *env[] = {"FOO=bar", NULL};

    kbuf_init(&out);
    kbuf_init(&err);
    assert_int_equal(run(a1, NULL, env, &out, &err), 0);
    assert_string_equal(str(&out), "bar\n");
    assert_int_equal(run(a2, NULL, env, &out, &err), 0);
    assert_string_equal(str(&out), "http-go\n");
    assert_int_equal(run(a3, NULL, env, &out, &err), 0);
    assert_non_null(strstr(str(&out), "\nFOO=bar\n"));
    assert_non_null(strstr(str(&out), "HOSTNAME=http-go\n"));
    kbuf_done(&out);
    kbuf_done(&err);
}

/* A file system kept outside simexec: two slots. */
struct ext_fs {
    char *path[2], *content[2];
    int   freed;
};

static const char *
ext_read(void *d, const char *path)
{
    struct ext_fs *e = d;
    int            i;

    for (i = 0; i < 2; i++) {
        if (e->path[i] != NULL && strcmp(e->path[i], path) == 0)
            return e->content[i];
    }
    return NULL;
}

static void
ext_write(void *d, const char *path, const char *content)
{
    struct ext_fs *e = d;
    int            i, slot = -1;

    for (i = 0; i < 2; i++) {
        if (e->path[i] != NULL && strcmp(e->path[i], path) == 0)
            slot = i;
        else if (e->path[i] == NULL && slot < 0)
            slot = i;
    }
    assert_true(slot >= 0);
    free(e->path[slot]);
    free(e->content[slot]);
    e->path[slot] = xstrdup(path);
    e->content[slot] = xstrdup(content);
}

static int
ext_remove(void *d, const char *path)
{
    struct ext_fs *e = d;
    int            i;

    for (i = 0; i < 2; i++) {
        if (e->path[i] != NULL && strcmp(e->path[i], path) == 0) {
            free(e->path[i]);
            free(e->content[i]);
            e->path[i] = e->content[i] = NULL;
            return 0;
        }
    }
    return -1;
}

static const char *
ext_path(void *d, size_t i)
{
    struct ext_fs *e = d;
    size_t         k, seen = 0;

    for (k = 0; k < 2; k++) {
        if (e->path[k] != NULL && seen++ == i)
            return e->path[k];
    }
    return NULL;
}

static void
ext_free(void *d)
{
    ((struct ext_fs *)d)->freed++;
}

static const struct simexec_fs_ops ext_ops = {ext_read, ext_write, ext_remove,
                                              ext_path, ext_free};

static void
test_external_fs(void **state)
{
    struct ext_fs      e = {0};
    struct simexec_fs *fs = simexec_fs_create_ops(&ext_ops, &e);
    struct kbuf        out, err;
    const char        *a1[] = {"sh", "-c",
                               "echo a > /tmp/x; echo b >> /tmp/x; ls /tmp", NULL};
    const char *a2[] = {"sh", "-c", "cat /tmp/x && rm /tmp/x && cat /tmp/x",
                        NULL};

    kbuf_init(&out);
    kbuf_init(&err);
    assert_int_equal(run(a1, fs, NULL, &out, &err), 0);
    assert_string_equal(str(&out), "x\n");
    assert_string_equal(ext_read(&e, "/tmp/x"), "a\nb\n");
    assert_int_equal(run(a2, fs, NULL, &out, &err), 1);
    assert_string_equal(str(&out), "a\nb\n");
    assert_null(ext_read(&e, "/tmp/x"));
    assert_int_equal(e.freed, 0);
    simexec_fs_unref(fs);
    assert_int_equal(e.freed, 1);
    kbuf_done(&out);
    kbuf_done(&err);
}

/* --- asynchronous processes on a loop --- */

struct capture {
    struct kbuf out, err;
    int         code, exited;
    int64_t     exited_ms;
};

static void
cap_output(struct simexec_proc *p, int fd, const char *s, size_t n, void *d)
{
    struct capture *c = d;

    kbuf_append(fd == 2 ? &c->err : &c->out, s, n);
}

static void
cap_exited(struct simexec_proc *p, int code, void *d)
{
    struct capture *c = d;

    c->code = code;
    c->exited++;
    c->exited_ms = know_ms();
}

static const struct simexec_proc_ops cap_ops = {cap_output, cap_exited};

static void
cap_init(struct capture *c)
{
    memset(c, 0, sizeof *c);
    kbuf_init(&c->out);
    kbuf_init(&c->err);
    kbuf_puts(&c->out, "");
    kbuf_puts(&c->err, "");
}

static void
cap_done(struct capture *c)
{
    kbuf_done(&c->out);
    kbuf_done(&c->err);
}

static void
test_sleep_async(void **state)
{
    uv_loop_t                loop;
    struct capture           c;
    struct simexec_container ct = {.pod = "p"};
    const char *argv[] = {"sh", "-c", "echo a; sleep 0.2; echo b; exit 4",
                          NULL};
    int64_t     t0;

    uv_loop_init(&loop);
    cap_init(&c);
    t0 = know_ms();
    simexec_proc_start(&loop, &ct, argv, 0, &cap_ops, &c);
    assert_int_equal(c.exited, 0); /* never before start returns */
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(c.exited, 1);
    assert_int_equal(c.code, 4);
    assert_string_equal(c.out.data, "a\nb\n");
    assert_true(c.exited_ms - t0 >= 190);
    assert_int_equal(uv_loop_close(&loop), 0);
    cap_done(&c);
}

static void
test_interactive_tty(void **state)
{
    uv_loop_t                loop;
    struct capture           c;
    struct simexec_container ct = {.pod = "p"};
    const char              *argv[] = {"sh", NULL};
    struct simexec_proc     *p;

    uv_loop_init(&loop);
    cap_init(&c);
    p = simexec_proc_start(&loop, &ct, argv, 1, &cap_ops, &c);
    uv_run(&loop, UV_RUN_NOWAIT);
    assert_string_equal(c.out.data, "/ # ");
    simexec_proc_resize(p, 100, 40);
    simexec_proc_input(p, "echo hix", 8);
    simexec_proc_input(p, "\x7f\r", 2);
    simexec_proc_input(p, "stty size\r", 10);
    assert_string_equal(c.out.data, "/ # echo hix\b \b\r\nhi\r\n/ # "
                                    "stty size\r\n40 100\r\n/ # ");
    simexec_proc_input(p, "exit 3\r", 7);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(c.exited, 1);
    assert_int_equal(c.code, 3);
    assert_int_equal(uv_loop_close(&loop), 0);
    cap_done(&c);
}

/* k9s' shell command: clear, then the first shell that exists, which
 * becomes the interactive shell on the tty. */
static void
test_k9s_shell_command(void **state)
{
    uv_loop_t                loop;
    struct capture           c;
    struct simexec_container ct = {.pod = "p"};
    const char *argv[] = {"sh", "-c", "clear; (bash || ash || sh)", NULL};
    struct simexec_proc *p;

    uv_loop_init(&loop);
    cap_init(&c);
    p = simexec_proc_start(&loop, &ct, argv, 1, &cap_ops, &c);
    uv_run(&loop, UV_RUN_NOWAIT);
    assert_string_equal(c.out.data, "\033[H\033[2J/ # ");
    simexec_proc_input(p, "echo hi\r", 8);
    assert_string_equal(c.out.data, "\033[H\033[2J/ # echo hi\r\nhi\r\n/ # ");
    simexec_proc_input(p, "exit 5\r", 7);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(c.exited, 1);
    assert_int_equal(c.code, 5);
    assert_int_equal(uv_loop_close(&loop), 0);
    cap_done(&c);
}

static void
test_cat_stdin_eof(void **state)
{
    uv_loop_t                loop;
    struct capture           c;
    struct simexec_container ct = {.pod = "p"};
    const char              *argv[] = {"cat", NULL};
    struct simexec_proc     *p;

    uv_loop_init(&loop);
    cap_init(&c);
    p = simexec_proc_start(&loop, &ct, argv, 0, &cap_ops, &c);
    simexec_proc_input(p, "abc", 3);
    uv_run(&loop, UV_RUN_NOWAIT);
    simexec_proc_input(p, "def\n", 4);
    assert_string_equal(c.out.data, "abcdef\n");
    assert_int_equal(c.exited, 0);
    simexec_proc_input_eof(p);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(c.exited, 1);
    assert_int_equal(c.code, 0);
    assert_int_equal(uv_loop_close(&loop), 0);
    cap_done(&c);
}

static void
test_kill_while_sleeping(void **state)
{
    uv_loop_t                loop;
    struct capture           c;
    struct simexec_container ct = {.pod = "p"};
    const char              *argv[] = {"sleep", "1000", NULL};
    struct simexec_proc     *p;

    uv_loop_init(&loop);
    cap_init(&c);
    p = simexec_proc_start(&loop, &ct, argv, 0, &cap_ops, &c);
    uv_run(&loop, UV_RUN_NOWAIT);
    simexec_proc_kill(p);
    uv_run(&loop, UV_RUN_DEFAULT); /* returns: nothing keeps it alive */
    assert_int_equal(c.exited, 0);
    assert_int_equal(uv_loop_close(&loop), 0);
    cap_done(&c);
}

static void
test_curl_without_port(void **state)
{
    struct kbuf out, err;
    const char *a1[] = {"curl", "127.0.0.1:9999", NULL};
    const char *a2[] = {"curl", "-s", "127.0.0.1:9999", NULL};
    const char *a3[] = {"curl", "example.com", NULL};

    kbuf_init(&out);
    kbuf_init(&err);
    assert_int_equal(run(a1, NULL, NULL, &out, &err), 7);
    assert_string_equal(str(&err),
                        "curl: (7) Failed to connect to 127.0.0.1 port 9999 "
                        "after 0 ms: Couldn't connect to server\n");
    assert_int_equal(run(a2, NULL, NULL, &out, &err), 7);
    assert_string_equal(str(&err), "");
    assert_int_equal(run(a3, NULL, NULL, &out, &err), 6);
    kbuf_done(&out);
    kbuf_done(&err);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_echo_and_quotes),
        cmocka_unit_test(test_exit_codes_and_connectors),
        cmocka_unit_test(test_files),
        cmocka_unit_test(test_env_hostname),
        cmocka_unit_test(test_external_fs),
        cmocka_unit_test(test_sleep_async),
        cmocka_unit_test(test_interactive_tty),
        cmocka_unit_test(test_k9s_shell_command),
        cmocka_unit_test(test_cat_stdin_eof),
        cmocka_unit_test(test_kill_while_sleeping),
        cmocka_unit_test(test_curl_without_port),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
