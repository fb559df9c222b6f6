/*
 * Measuring and fitting UTF-8 text in terminal cells for the table and the
 * status bar. Decoding is done here rather than with mbrtowc so that
 * invalid bytes and control characters become a visible '?' of one cell
 * instead of corrupting the screen. Nothing here draws.
 */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#endif
#include <wchar.h>
#include <string.h>

#include "cells.h"

static int cells_utf8 = 1;

void
cells_set_utf8(int on)
{
    cells_utf8 = on;
}

/* Decode one character at s: sets *wc (or -1 when invalid) and returns the
 * byte length consumed (at least 1). */
static size_t
cells_decode(const unsigned char *s, wchar_t *wc)
{
    unsigned c = s[0];
    size_t   n, i;
    unsigned v;

    if (c < 0x80) {
        *wc = c;
        return 1;
    }
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
        v = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        v = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        v = c & 0x07;
    } else {
        *wc = -1;
        return 1;
    }
    for (i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            *wc = -1;
            return 1;
        }
        v = (v << 6) | (s[i] & 0x3f);
    }
    /* Overlong forms, surrogates and values past U+10FFFF are invalid. */
    if ((n == 3 && v < 0x800) || (n == 4 && v < 0x10000) || v > 0x10ffff ||
        (v >= 0xd800 && v <= 0xdfff)) {
        *wc = -1;
        return 1;
    }
    *wc = (wchar_t)v;
    return n;
}

/* Width of one decoded character; -1 means "show as '?'". */
static int
cells_char_width(wchar_t wc)
{
    int w;

    if (wc < 0)
        return -1;
    if (wc < 0x20 || wc == 0x7f)
        return -1;
    w = wcwidth(wc);
    if (w < 0)
        return -1;
    return w;
}

int
cells_width(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    wchar_t              wc;
    int                  total = 0, w;

    /* Printable ASCII is one cell a byte: most cells are only that. */
    while (*p >= 0x20 && *p < 0x7f) {
        p++;
        total++;
    }
    while (*p != '\0') {
        p += cells_decode(p, &wc);
        w = cells_char_width(wc);
        total += w < 0 ? 1 : w;
    }
    return total;
}

size_t
cells_prefix(const char *s, int width)
{
    const unsigned char *p = (const unsigned char *)s;
    wchar_t              wc;
    size_t               n;
    int                  used = 0, w;

    while (*p != '\0') {
        n = cells_decode(p, &wc);
        w = cells_char_width(wc);
        if (w < 0)
            w = 1;
        if (used + w > width)
            break;
        used += w;
        p += n;
    }
    return (size_t)(p - (const unsigned char *)s);
}

/* Append the characters of s[0..len) that fit in width cells, replacing
 * unprintable ones by '?'; returns the cells used. */
static int
cells_put(struct kbuf *buf, const char *s, size_t len, int width)
{
    const unsigned char *p = (const unsigned char *)s;
    const unsigned char *end = p + len;
    wchar_t              wc;
    size_t               n;
    int                  used = 0, w;

    while (p < end && *p != '\0') {
        n = cells_decode(p, &wc);
        w = cells_char_width(wc);
        if (used + (w < 0 ? 1 : w) > width)
            break;
        if (w < 0) {
            kbuf_append(buf, "?", 1);
            used++;
        } else {
            kbuf_append(buf, p, n);
            used += w;
        }
        p += n;
    }
    return used;
}

static void
cells_pad(struct kbuf *buf, int n)
{
    static const char spaces[] = "                                ";

    while (n > 0) {
        int k = n < (int)sizeof spaces - 1 ? n : (int)sizeof spaces - 1;
        kbuf_append(buf, spaces, (size_t)k);
        n -= k;
    }
}

void
cells_fit(struct kbuf *buf, const char *s, int width, enum cells_align align,
          int ellipsis)
{
    struct kbuf tmp;
    int         used, sw;

    if (width <= 0)
        return;
    if (s == NULL)
        s = "";
    kbuf_init(&tmp);
    sw = cells_width(s);
    if (sw <= width)
        used = cells_put(&tmp, s, strlen(s), width);
    else if (ellipsis && width > 1) {
        used = cells_put(&tmp, s, strlen(s), width - 1);
        kbuf_puts(&tmp, cells_utf8 ? "\xe2\x80\xa6" : "~"); /* U+2026 … */
        used++;
    } else
        used = cells_put(&tmp, s, strlen(s), width);
    if (align == CELLS_RIGHT)
        cells_pad(buf, width - used);
    kbuf_append(buf, tmp.data, tmp.len);
    if (align == CELLS_LEFT)
        cells_pad(buf, width - used);
    kbuf_done(&tmp);
}
