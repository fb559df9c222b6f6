/*
 * logsafe: invalid UTF-8 becomes U+FFFD (maximal subparts), control
 * characters become caret notation, tabs expand to stops, truncation never
 * splits a character, and no escape-injection attempt leaves a control byte
 * (C0, DEL, or an encoded C1) in the output.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "logsafe.h"
#include "util.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
check(const char *in, size_t len, const char *want)
{
    char *got = logsafe_str(in, len);

    if (strcmp(got, want) != 0)
        fail_msg("in %zu bytes: got \"%s\" want \"%s\"", len, got, want);
    free(got);
}
#define CHECK(in, want) check(in, sizeof(in) - 1, want)

/* No byte of s is a C0 control, DEL, or starts an encoded C1 (C2 80..9F),
 * and s is valid UTF-8. */
static void
assert_inert(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t               i, n = strlen(s);
    struct logsafe_cp    d;

    for (i = 0; i < n; i += d.len) {
        assert_false(p[i] < 0x20 || p[i] == 0x7f);
        if (p[i] == 0xc2 && i + 1 < n)
            assert_false(p[i + 1] >= 0x80 && p[i + 1] <= 0x9f);
        logsafe_decode(s + i, n - i, &d);
        assert_false(d.invalid);
    }
}

static void
test_plain_and_utf8(void **state)
{
    CHECK("hello world", "hello world");
    CHECK("", "");
    CHECK("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
          "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
    CHECK("\xed\x95\x9c\xea\xb5\xad\xec\x96\xb4", /* Korean */
          "\xed\x95\x9c\xea\xb5\xad\xec\x96\xb4");
}

static void
test_invalid_utf8(void **state)
{
    /* A lone continuation byte, a truncated sequence, a bad lead. */
    CHECK("a\x80z", "a\xef\xbf\xbdz");
    CHECK("a\xe2\x82z", "a\xef\xbf\xbdz"); /* one U+FFFD for the subpart */
    CHECK("\xff\xfe", "\xef\xbf\xbd\xef\xbf\xbd");
    /* Overlong "/" and overlong NUL, a surrogate, past U+10FFFF. */
    CHECK("\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd");
    CHECK("\xe0\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
    CHECK("\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
    CHECK("\xf4\x90\x80\x80",
          "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
    /* Truncated at the end of the input. */
    CHECK("ok\xf0\x9f\x98", "ok\xef\xbf\xbd");
}

static void
test_controls(void **state)
{
    CHECK("\x1b[31mred\x1b[0m", "^[[31mred^[[0m");
    CHECK("a\rb\x07"
          "c\x7f",
          "a^Mb^Gc^?");
    CHECK("nul\0x", "nul^@x");
    CHECK("csi \xc2\x9b"
          "2J",
          "csi M-^[2J");       /* U+009B, the 8-bit CSI */
    CHECK("\xc2\x85", "M-^E"); /* NEL */
}

static void
test_tabs(void **state)
{
    CHECK("\tx", "        x");
    CHECK("ab\tc", "ab      c");
    CHECK("12345678\tx", "12345678        x");
    /* Tab stops count display columns, not bytes. */
    CHECK("\xc3\xa9\tx", "\xc3\xa9       x");
}

static void
test_escape_injection(void **state)
{
    static const char *attacks[] = {
        "\x1b]0;pwned\x07",           /* set window title */
        "\x1b]52;c;ZWNobyBoaQ==\x07", /* OSC 52 clipboard write */
        "\x1b[6n",                    /* cursor position report */
        "\x1bP+q544e\x1b\\",          /* DCS (XTGETTCAP) */
        "\xc2\x9b"
        "6n", /* 8-bit CSI */
        "\xc2\x9d"
        "0;x\xc2\x9c",     /* 8-bit OSC and ST */
        "\xe0\x81\x9b[2J", /* overlong ESC */
        "\xc1\x9b[2J",     /* overlong ESC, 2 bytes */
        "\x1b\x1b\x1b[?1049h",
        "\x9b"
        "6n", /* raw 0x9b byte (Latin-1 terminals) */
    };
    size_t i;

    for (i = 0; i < nitems(attacks); i++) {
        char *got = logsafe_str(attacks[i], strlen(attacks[i]));

        assert_inert(got);
        free(got);
    }
    /* Every single byte and every byte pair is inert. */
    for (i = 0; i < 65536; i++) {
        char  in[2] = {(char)(i >> 8), (char)(i & 0xff)};
        char *got = logsafe_str(in, 2);

        assert_inert(got);
        free(got);
    }
}

static void
test_truncation(void **state)
{
    struct kbuf b;
    size_t      used;
    int         col;

    kbuf_init(&b);
    col = logsafe_append(&b, "abcdef", 6, 0, 8, 4, &used);
    assert_int_equal(col, 4);
    assert_int_equal(used, 4);
    assert_string_equal(b.data, "abcd");
    /* A caret pair is not split: "ab^[" needs 4 columns, 3 given. */
    kbuf_reset(&b);
    col = logsafe_append(&b, "ab\x1bx", 4, 0, 8, 3, &used);
    assert_int_equal(col, 2);
    assert_int_equal(used, 2);
    assert_string_equal(b.data, "ab");
    /* A wide character is not split. */
    kbuf_reset(&b);
    col = logsafe_append(&b, "a\xed\x95\x9c", 4, 0, 8, 2, &used);
    assert_int_equal(col, 1);
    assert_int_equal(used, 1);
    assert_string_equal(b.data, "a");
    /* A tab is cut at the edge. */
    kbuf_reset(&b);
    col = logsafe_append(&b, "a\tb", 3, 0, 8, 5, &used);
    assert_int_equal(col, 5);
    assert_string_equal(b.data, "a    ");
    kbuf_done(&b);
}

static void
test_long_line(void **state)
{
    size_t      n = 1 << 20, used;
    char       *in = xmalloc(n);
    struct kbuf b;
    int         col;

    memset(in, 'x', n);
    in[100] = '\x1b';
    kbuf_init(&b);
    col = logsafe_append(&b, in, n, 0, 8, 200, &used);
    assert_int_equal(col, 200);
    assert_int_equal(b.len, 200);
    assert_memory_equal(b.data + 100, "^[", 2);
    kbuf_reset(&b);
    col = logsafe_append(&b, in, n, 0, 8, 0, &used);
    assert_int_equal(used, n);
    assert_int_equal(b.len, n + 1);
    kbuf_done(&b);
    free(in);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_and_utf8),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_controls),
        cmocka_unit_test(test_tabs),
        cmocka_unit_test(test_escape_injection),
        cmocka_unit_test(test_truncation),
        cmocka_unit_test(test_long_line),
    };

    if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
        setlocale(LC_CTYPE, "");
    return cmocka_run_group_tests(tests, NULL, NULL);
}
