/*
 * Helpers the C tests share (tests/lib/testutil.c, linked into every C
 * test): read a file, run a shell command, find a free loopback port,
 * wait for one to accept, make a throw-away CA with server and client
 * certificates, and run stunnel in front of a local port. Failures end
 * the test at once with the reason on stderr.
 */
#ifndef KPOD_TESTUTIL_H
#define KPOD_TESTUTIL_H

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

/* libuv's types, without <uv.h> (its sys/param.h defines MIN, MAX). */
struct uv_loop_s;
struct uv_process_s;

/* Fail the test (exit 1) unless c holds. */
#ifndef CHECK
#define CHECK(c)                                                               \
    do {                                                                       \
        if (!(c)) {                                                            \
            fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #c);       \
            exit(1);                                                           \
        }                                                                      \
    } while (0)
#endif

/* The whole file, NUL-terminated ("" when empty; caller frees), its
 * length in *len when len is not NULL; NULL when it cannot be opened. */
char *testutil_slurp(const char *path, size_t *len);

/* Run a shell command (printf-style); exit 1 when it fails. */
void testutil_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A loopback TCP port that was free a moment ago. */
int testutil_free_port(void);

/* 1 when 127.0.0.1:port accepts a connection. */
int testutil_port_open(int port);

/* In dir: ca.pem/ca.key, server.pem/.key (IP SAN 127.0.0.1), client.pem/
 * .key (CN kpod-user) and named.pem/.key (DNS SAN kpod.test), all signed
 * by the CA. */
void testutil_make_certs(const char *dir);

/* Start stunnel (config dir/NAME.conf, log dir/NAME.log) on a free port
 * in front of 127.0.0.1:backend with dir/CERT.pem and dir/CERT.key; with
 * require_cert it demands a client certificate signed by dir/ca.pem.
 * Returns the port it listens on (poll testutil_port_open for it). */
int testutil_stunnel(struct uv_loop_s *uv, struct uv_process_s *proc,
                     const char *dir, const char *name, int backend,
                     const char *cert, int require_cert);

#endif
