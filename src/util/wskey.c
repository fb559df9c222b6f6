/*
 * The WebSocket handshake's Sec-WebSocket-Accept value (RFC 6455 section
 * 4.2.2): base64 of the SHA-1 of the client's key and a fixed GUID. Used
 * by the client (src/ws.c checks the server's answer) and by kpod-sim's
 * server (src/sim/simws.c); SHA-1 is here only for that.
 */
#include "wskey.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "util.h"

/* --- SHA-1 (RFC 3174) --- */

struct wskey_sha1 {
    uint32_t h[5];
    uint64_t len;
    uint8_t  block[64];
    size_t   n;
};

static uint32_t
rol32(uint32_t x, int n)
{
    return (x << n) | (x >> (32 - n));
}

static void
sha1_block(struct wskey_sha1 *s, const uint8_t *p)
{
    uint32_t w[80], a, b, c, d, e, f, k, t;
    int      i;

    for (i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
               (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (; i < 80; i++)
        w[i] = rol32(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    a = s->h[0], b = s->h[1], c = s->h[2], d = s->h[3], e = s->h[4];
    for (i = 0; i < 80; i++) {
        if (i < 20)
            f = (b & c) | (~b & d), k = 0x5A827999;
        else if (i < 40)
            f = b ^ c ^ d, k = 0x6ED9EBA1;
        else if (i < 60)
            f = (b & c) | (b & d) | (c & d), k = 0x8F1BBCDC;
        else
            f = b ^ c ^ d, k = 0xCA62C1D6;
        t = rol32(a, 5) + f + e + k + w[i];
        e = d, d = c, c = rol32(b, 30), b = a, a = t;
    }
    s->h[0] += a, s->h[1] += b, s->h[2] += c, s->h[3] += d, s->h[4] += e;
}

static void
sha1_update(struct wskey_sha1 *s, const void *data, size_t n)
{
    const uint8_t *p = data;

    s->len += n;
    while (n > 0) {
        size_t take = 64 - s->n < n ? 64 - s->n : n;

        memcpy(s->block + s->n, p, take);
        s->n += take, p += take, n -= take;
        if (s->n == 64) {
            sha1_block(s, s->block);
            s->n = 0;
        }
    }
}

static void
sha1(const void *data, size_t n, uint8_t out[20])
{
    struct wskey_sha1 s = {
        .h = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0}};
    uint64_t bits;
    uint8_t  pad = 0x80, zero = 0, lenbuf[8];
    int      i;

    sha1_update(&s, data, n);
    bits = s.len * 8;
    sha1_update(&s, &pad, 1);
    while (s.n != 56)
        sha1_update(&s, &zero, 1);
    for (i = 0; i < 8; i++)
        lenbuf[i] = (uint8_t)(bits >> (56 - 8 * i));
    sha1_update(&s, lenbuf, 8);
    for (i = 0; i < 5; i++) {
        out[4 * i] = (uint8_t)(s.h[i] >> 24);
        out[4 * i + 1] = (uint8_t)(s.h[i] >> 16);
        out[4 * i + 2] = (uint8_t)(s.h[i] >> 8);
        out[4 * i + 3] = (uint8_t)s.h[i];
    }
}

void
wskey_accept(const char *key, char *out)
{
    static const char guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    char             *cat = xasprintf("%s%s", key, guid), *b64;
    uint8_t           digest[20];

    sha1(cat, strlen(cat), digest);
    b64 = base64_encode(digest, sizeof digest);
    memcpy(out, b64, 29); /* 28 characters and the NUL */
    free(cat);
    free(b64);
}
