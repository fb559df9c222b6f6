/*
 * Display sanitising of log text (see logsafe.h). Every output byte is
 * either printable ASCII or part of a valid UTF-8 encoding of a code point
 * that is not a control character, so an ESC, CSI (U+009B), OSC or any
 * other sequence in a log can only ever be shown, never obeyed.
 */
#define _GNU_SOURCE
#include "logsafe.h"

#include "util.h"

#include <string.h>
#include <wchar.h>

#define LOGSAFE_REPLACEMENT 0xfffd

void
logsafe_decode(const char *s, size_t len, struct logsafe_cp *out)
{
    const unsigned char *p = (const unsigned char *)s;
    unsigned char        c = p[0];
    uint32_t             cp;
    size_t               need, i;
    unsigned char        lo = 0x80, hi = 0xbf;

    out->invalid = 0;
    out->len = 1;
    if (c < 0x80) {
        out->cp = c;
        return;
    }
    if (c >= 0xc2 && c <= 0xdf) {
        need = 1;
        cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        need = 2;
        cp = c & 0x0f;
        if (c == 0xe0)
            lo = 0xa0; /* overlong */
        else if (c == 0xed)
            hi = 0x9f; /* surrogates */
    } else if (c >= 0xf0 && c <= 0xf4) {
        need = 3;
        cp = c & 0x07;
        if (c == 0xf0)
            lo = 0x90; /* overlong */
        else if (c == 0xf4)
            hi = 0x8f; /* past U+10FFFF */
    } else {
        out->cp = LOGSAFE_REPLACEMENT;
        out->invalid = 1;
        return;
    }
    /* Maximal subpart: stop at the first byte that cannot continue. */
    for (i = 1; i <= need; i++) {
        if (i >= len || p[i] < lo || p[i] > hi) {
            out->cp = LOGSAFE_REPLACEMENT;
            out->invalid = 1;
            out->len = i;
            return;
        }
        cp = (cp << 6) | (p[i] & 0x3f);
        lo = 0x80;
        hi = 0xbf;
    }
    out->cp = cp;
    out->len = need + 1;
}

int
logsafe_width(uint32_t cp)
{
    int w;

    if (cp < 0x7f)
        return cp >= 0x20 ? 1 : 0;
    w = wcwidth((wchar_t)cp);
    /* Unknown to the locale (or a C locale): assume one cell, the safe
     * guess for layout; wide CJK needs a UTF-8 locale to be measured. */
    if (w < 0)
        return 1;
    return w;
}

/* Append the UTF-8 encoding of a code point. */
static void
logsafe_put(struct kbuf *out, uint32_t cp)
{
    char b[4];

    if (cp < 0x80) {
        b[0] = (char)cp;
        kbuf_append(out, b, 1);
    } else if (cp < 0x800) {
        b[0] = (char)(0xc0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3f));
        kbuf_append(out, b, 2);
    } else if (cp < 0x10000) {
        b[0] = (char)(0xe0 | (cp >> 12));
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        b[2] = (char)(0x80 | (cp & 0x3f));
        kbuf_append(out, b, 3);
    } else {
        b[0] = (char)(0xf0 | (cp >> 18));
        b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        b[3] = (char)(0x80 | (cp & 0x3f));
        kbuf_append(out, b, 4);
    }
}

/* The visible form of a control character: "^[" for ESC, "^?" for DEL,
 * "M-^[" for the C1 code point U+009B (cat -v's notation). */
static int
logsafe_caret(char *b, uint32_t cp)
{
    int n = 0;

    if (cp >= 0x80) {
        b[n++] = 'M';
        b[n++] = '-';
        cp -= 0x80;
    }
    b[n++] = '^';
    b[n++] = cp == 0x7f ? '?' : (char)(cp + 0x40);
    return n;
}

static int
logsafe_is_control(uint32_t cp)
{
    return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f);
}

int
logsafe_append(struct kbuf *out, const char *s, size_t len, int col,
               int tabstop, int max_cols, size_t *consumed)
{
    struct logsafe_cp d;
    size_t            i = 0, run = 0;
    char              vis[8];
    int               n, w;

    if (tabstop <= 0)
        tabstop = 8;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];

        /* Fast path for plain printable ASCII. */
        if (c >= 0x20 && c < 0x7f) {
            if (max_cols > 0 && col + 1 > max_cols)
                break;
            run++;
            i++;
            col++;
            continue;
        }
        if (run > 0) {
            kbuf_append(out, s + i - run, run);
            run = 0;
        }
        logsafe_decode(s + i, len - i, &d);
        if (d.cp == '\t') {
            w = tabstop - col % tabstop;
            if (max_cols > 0 && col + w > max_cols)
                w = max_cols - col; /* the tab fills what is left */
            if (w <= 0)
                break;
            for (n = 0; n < w; n++)
                kbuf_append(out, " ", 1);
            col += w;
        } else if (logsafe_is_control(d.cp)) {
            n = logsafe_caret(vis, d.cp);
            if (max_cols > 0 && col + n > max_cols)
                break;
            kbuf_append(out, vis, (size_t)n);
            col += n;
        } else {
            w = logsafe_width(d.cp);
            if (max_cols > 0 && col + w > max_cols)
                break;
            logsafe_put(out, d.cp); /* U+FFFD when d.invalid */
            col += w;
        }
        i += d.len;
    }
    if (run > 0)
        kbuf_append(out, s + i - run, run);
    if (consumed != NULL)
        *consumed = i;
    return col;
}

char *
logsafe_str(const char *s, size_t len)
{
    struct kbuf b;

    kbuf_init(&b);
    logsafe_append(&b, s, len, 0, 8, 0, NULL);
    return kbuf_steal(&b);
}
