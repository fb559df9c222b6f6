/*
 * Helpers the C tests share; see testutil.h. Kept out of libkpod: they
 * block, exit on failure and shell out, which kpod itself never does.
 */
#define _GNU_SOURCE
#include "testutil.h"

#include <stdarg.h>
#include <string.h>
#include <uv.h>

#include "util.h"

char *
testutil_slurp(const char *path, size_t *len)
{
    FILE       *f = fopen(path, "rb");
    struct kbuf b;
    char        chunk[4096];
    size_t      got;

    if (f == NULL)
        return NULL;
    kbuf_init(&b);
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
        kbuf_append(&b, chunk, got);
    fclose(f);
    if (b.data == NULL)
        kbuf_puts(&b, "");
    if (len != NULL)
        *len = b.len;
    return kbuf_steal(&b);
}

void
testutil_sh(const char *fmt, ...)
{
    va_list ap;
    char   *cmd;

    va_start(ap, fmt);
    cmd = xvasprintf(fmt, ap);
    va_end(ap);
    if (system(cmd) != 0) {
        fprintf(stderr, "FAIL: %s\n", cmd);
        exit(1);
    }
    free(cmd);
}

int
testutil_free_port(void)
{
    uv_loop_t          uv;
    uv_tcp_t           t;
    struct sockaddr_in a, got;
    int                len = sizeof got;

    CHECK(uv_loop_init(&uv) == 0);
    uv_tcp_init(&uv, &t);
    uv_ip4_addr("127.0.0.1", 0, &a);
    CHECK(uv_tcp_bind(&t, (struct sockaddr *)&a, 0) == 0);
    uv_tcp_getsockname(&t, (struct sockaddr *)&got, &len);
    uv_close((uv_handle_t *)&t, NULL);
    uv_run(&uv, UV_RUN_DEFAULT);
    CHECK(uv_loop_close(&uv) == 0);
    return ntohs(got.sin_port);
}

int
testutil_port_open(int port)
{
    char *full = xasprintf("bash -c 'exec 3<>/dev/tcp/127.0.0.1/%d' "
                           "2>/dev/null",
                           port);
    int   rc = system(full);

    free(full);
    return rc == 0;
}

void
testutil_make_certs(const char *dir)
{
    testutil_sh(
        "cd %s && printf 'subjectAltName=IP:127.0.0.1\\n' > san.ext && "
        "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem "
        "-days 2 -subj /CN=kpod-test-ca 2>/dev/null && "
        "openssl req -newkey rsa:2048 -nodes -keyout server.key -out "
        "server.csr -subj /CN=127.0.0.1 2>/dev/null && "
        "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key "
        "-CAcreateserial -out server.pem -days 2 -extfile san.ext "
        "2>/dev/null && "
        "openssl req -newkey rsa:2048 -nodes -keyout client.key -out "
        "client.csr -subj /CN=kpod-user 2>/dev/null && "
        "openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key "
        "-CAcreateserial -out client.pem -days 2 2>/dev/null && "
        "printf 'subjectAltName=DNS:kpod.test\\n' > named.ext && "
        "openssl req -newkey rsa:2048 -nodes -keyout named.key -out "
        "named.csr -subj /CN=kpod.test 2>/dev/null && "
        "openssl x509 -req -in named.csr -CA ca.pem -CAkey ca.key "
        "-CAcreateserial -out named.pem -days 2 -extfile named.ext "
        "2>/dev/null",
        dir);
}

int
testutil_stunnel(struct uv_loop_s *uv, struct uv_process_s *proc,
                 const char *dir, const char *name, int backend,
                 const char *cert, int require_cert)
{
    char                *conf, *confpath, *args[3];
    uv_process_options_t po = {0};
    uv_stdio_container_t io[3];
    FILE                *f;
    int                  port = testutil_free_port();

    conf = xasprintf("foreground = yes\npid =\ndebug = 4\n"
                     "output = %s/%s.log\n"
                     "[api]\naccept = 127.0.0.1:%d\n"
                     "connect = 127.0.0.1:%d\n"
                     "cert = %s/%s.pem\nkey = %s/%s.key\n%s",
                     dir, name, port, backend, dir, cert, dir, cert,
                     require_cert ? "verifyChain = yes\nrequireCert = yes\n"
                                    "CAfile = ca.pem\n"
                                  : "");
    confpath = xasprintf("%s/%s.conf", dir, name);
    f = fopen(confpath, "w");
    CHECK(f != NULL);
    fputs(conf, f);
    fclose(f);
    args[0] = "stunnel";
    args[1] = confpath;
    args[2] = NULL;
    io[0].flags = io[1].flags = io[2].flags = UV_IGNORE; /* it logs */
    po.file = "stunnel";
    po.args = args;
    po.cwd = dir;
    po.stdio = io;
    po.stdio_count = 3;
    CHECK(uv_spawn(uv, proc, &po) == 0);
    free(conf);
    free(confpath);
    return port;
}
