/*
 * Unit tests for wsframe.c: the word-at-a-time mask equals the byte-wise
 * definition at every alignment and key offset, frames encode and parse
 * back at each length form (7-bit, 16-bit, 64-bit) masked and not, a
 * header cut anywhere asks for more bytes, and malformed headers are
 * refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util.h"
#include "wsframe.h"

static void
test_mask(void **state)
{
    static const uint8_t key[4] = {0x12, 0x8f, 0x3c, 0xe1};
    uint8_t              buf[300], ref[300];
    size_t               start, n, i;
    uint64_t             off;

    for (start = 0; start < 9; start++) {
        for (n = 0; n < 260; n += (n < 20 ? 1 : 37)) {
            for (off = 0; off < 6; off++) {
                for (i = 0; i < n; i++)
                    buf[start + i] = ref[i] = (uint8_t)(i * 7 + start);
                wsframe_mask(buf + start, n, key, off);
                for (i = 0; i < n; i++)
                    assert_int_equal(buf[start + i],
                                     ref[i] ^ key[(off + i) % 4]);
                /* masking twice is the identity */
                wsframe_mask(buf + start, n, key, off);
                assert_memory_equal(buf + start, ref, n);
            }
        }
    }
}

static void
roundtrip(size_t an, size_t bn, const uint8_t *key, size_t want_head)
{
    struct kbuf    b;
    struct wsframe f;
    uint8_t       *a = xmalloc(an + 1), *c = xmalloc(bn + 1);
    size_t         i, cut;

    for (i = 0; i < an; i++)
        a[i] = (uint8_t)i;
    for (i = 0; i < bn; i++)
        c[i] = (uint8_t)(255 - i);
    kbuf_init(&b);
    wsframe_encode(&b, WSFRAME_BINARY, key, a, an, c, bn);
    assert_int_equal(wsframe_parse((uint8_t *)b.data, b.len, &f), 1);
    assert_int_equal(f.head, want_head);
    assert_int_equal(f.len, an + bn);
    assert_int_equal(b.len, f.head + an + bn);
    assert_int_equal(f.fin, 1);
    assert_int_equal(f.opcode, WSFRAME_BINARY);
    assert_int_equal(f.masked, key != NULL);
    if (key != NULL) {
        assert_memory_equal(f.key, key, 4);
        wsframe_mask((uint8_t *)b.data + f.head, (size_t)f.len, f.key, 0);
    }
    if (an > 0)
        assert_memory_equal(b.data + f.head, a, an);
    if (bn > 0)
        assert_memory_equal(b.data + f.head + an, c, bn);
    for (cut = 0; cut < f.head; cut++)
        assert_int_equal(wsframe_parse((uint8_t *)b.data, cut, &f), 0);
    kbuf_done(&b);
    free(a);
    free(c);
}

static void
test_encode_parse(void **state)
{
    static const uint8_t key[4] = {1, 2, 3, 4};

    roundtrip(0, 0, NULL, 2);
    roundtrip(1, 124, NULL, 2);
    roundtrip(1, 125, NULL, 4);
    roundtrip(1, 124, key, 6);
    roundtrip(100, 26, key, 8);
    roundtrip(1, 65534, key, 8);
    roundtrip(1, 65535, key, 14);
    roundtrip(70000, 3, NULL, 10);
}

static void
test_malformed(void **state)
{
    static const uint8_t rsv[] = {0xc2, 0x00};
    static const uint8_t op3[] = {0x83, 0x00};
    static const uint8_t op11[] = {0x8b, 0x00};
    static const uint8_t frag_ping[] = {0x09, 0x00};
    static const uint8_t long_ping[] = {0x89, 0x7e, 0x00, 0x80};
    static const uint8_t short16[] = {0x82, 0x7e, 0x00, 0x7d};
    static const uint8_t short64[] = {0x82, 0x7f, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    static const uint8_t huge64[] = {0x82, 0x7f, 0x80, 0, 0, 0, 0, 0, 0, 0};
    static const uint8_t ok_close[] = {0x88, 0x82, 1, 2, 3, 4, 0, 0};
    struct wsframe       f;

    assert_int_equal(wsframe_parse(rsv, sizeof rsv, &f), -1);
    assert_int_equal(wsframe_parse(op3, sizeof op3, &f), -1);
    assert_int_equal(wsframe_parse(op11, sizeof op11, &f), -1);
    assert_int_equal(wsframe_parse(frag_ping, sizeof frag_ping, &f), -1);
    assert_int_equal(wsframe_parse(long_ping, sizeof long_ping, &f), -1);
    assert_int_equal(wsframe_parse(short16, sizeof short16, &f), -1);
    assert_int_equal(wsframe_parse(short64, sizeof short64, &f), -1);
    assert_int_equal(wsframe_parse(huge64, sizeof huge64, &f), -1);
    assert_int_equal(wsframe_parse(ok_close, sizeof ok_close, &f), 1);
    assert_int_equal(f.opcode, WSFRAME_CLOSE);
    assert_int_equal(f.len, 2);
    assert_int_equal(f.head, 6);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mask),
        cmocka_unit_test(test_encode_parse),
        cmocka_unit_test(test_malformed),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
