/*
 * Unit tests for src/util/base64.c and src/util/wskey.c: the RFC 4648
 * test vectors (every padding case, bytes above 0x7f) and the RFC 6455
 * accept example, plus a key made the way src/ws.c makes one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base64.h"
#include "wskey.h"

static void
test_base64_rfc4648(void **state)
{
    static const char *const vec[][2] = {{"", ""},
                                         {"f", "Zg=="},
                                         {"fo", "Zm8="},
                                         {"foo", "Zm9v"},
                                         {"foob", "Zm9vYg=="},
                                         {"fooba", "Zm9vYmE="},
                                         {"foobar", "Zm9vYmFy"}};
    size_t                   i;

    for (i = 0; i < sizeof vec / sizeof vec[0]; i++) {
        char *got = base64_encode(vec[i][0], strlen(vec[i][0]));

        assert_string_equal(got, vec[i][1]);
        free(got);
    }
}

static void
test_base64_binary(void **state)
{
    static const uint8_t bytes[] = {0xfb, 0xff, 0x00, 0x3e, 0x3f};
    char                *got = base64_encode(bytes, sizeof bytes);

    /* 0xfb 0xff -> "+/" territory; the NUL is encoded, not an end */
    assert_string_equal(got, "+/8APj8=");
    free(got);
}

static void
test_accept_rfc6455(void **state)
{
    char out[29];

    /* RFC 6455 section 1.3 */
    wskey_accept("dGhlIHNhbXBsZSBub25jZQ==", out);
    assert_string_equal(out, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

static void
test_accept_of_a_nonce(void **state)
{
    static const uint8_t nonce[16] = {1, 2,  3,  4,  5,  6,  7,  8,
                                      9, 10, 11, 12, 13, 14, 15, 16};
    char                *key = base64_encode(nonce, sizeof nonce);
    char                 out[29];

    assert_string_equal(key, "AQIDBAUGBwgJCgsMDQ4PEA==");
    wskey_accept(key, out);
    /* computed with python3: base64(sha1(key + GUID)); 60 bytes, so the
     * padding spills into a second SHA-1 block */
    assert_string_equal(out, "C/0nmHhBztSRGR1CwL6Tf4ZjwpY=");
    free(key);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_base64_rfc4648),
        cmocka_unit_test(test_base64_binary),
        cmocka_unit_test(test_accept_rfc6455),
        cmocka_unit_test(test_accept_of_a_nonce),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
