/*
 * WebSocket frame headers and masking done eight bytes at a time; see
 * wsframe.h for why the data paths bypass wslay's framing. Pure functions
 * over caller buffers: no sockets, no state.
 */
#include "wsframe.h"

#include "util.h"

#include <string.h>

int
wsframe_parse(const uint8_t *p, size_t n, struct wsframe *f)
{
    size_t   need = 2;
    uint64_t len;
    int      i;

    if (n < 2)
        return 0;
    if (p[0] & 0x70)
        return -1; /* no extension was negotiated */
    f->fin = p[0] >> 7;
    f->opcode = p[0] & 0x0f;
    f->masked = p[1] >> 7;
    len = p[1] & 0x7f;
    if ((f->opcode > 2 && f->opcode < 8) || f->opcode > 10)
        return -1;
    if (f->opcode >= 8 && (!f->fin || len > 125))
        return -1;
    if (len == 126)
        need += 2;
    else if (len == 127)
        need += 8;
    if (f->masked)
        need += 4;
    if (n < need)
        return 0;
    if (len == 126) {
        len = (uint64_t)p[2] << 8 | p[3];
        if (len < 126)
            return -1;
    } else if (len == 127) {
        len = 0;
        for (i = 0; i < 8; i++)
            len = len << 8 | p[2 + i];
        if (len >> 63 || len <= 0xffff)
            return -1;
    }
    f->len = len;
    if (f->masked)
        memcpy(f->key, p + need - 4, 4);
    else
        memset(f->key, 0, 4);
    f->head = need;
    return 1;
}

void
wsframe_mask(uint8_t *p, size_t n, const uint8_t key[4], uint64_t off)
{
    uint8_t  k[8];
    uint64_t w, kw;
    size_t   i = 0;
    int      j;

    for (j = 0; j < 8; j++)
        k[j] = key[(off + (uint64_t)j) & 3];
    /* bytes until p is 8-aligned, then whole words, then the tail */
    while (i < n && ((uintptr_t)(p + i) & 7) != 0) {
        p[i] ^= k[i & 7];
        i++;
    }
    if (n - i >= 8) {
        uint8_t r[8];

        for (j = 0; j < 8; j++)
            r[j] = k[(i + (size_t)j) & 7];
        memcpy(&kw, r, 8);
        for (; n - i >= 8; i += 8) {
            memcpy(&w, p + i, 8);
            w ^= kw;
            memcpy(p + i, &w, 8);
        }
    }
    for (; i < n; i++)
        p[i] ^= k[i & 7];
}

void
wsframe_encode(struct kbuf *out, int opcode, const uint8_t *key, const void *a,
               size_t an, const void *b, size_t bn)
{
    uint64_t len = (uint64_t)an + bn;
    uint8_t  h[14];
    size_t   hn = 2, start;
    int      i;

    h[0] = (uint8_t)(0x80 | (opcode & 0x0f));
    if (len < 126) {
        h[1] = (uint8_t)len;
    } else if (len <= 0xffff) {
        h[1] = 126;
        h[2] = (uint8_t)(len >> 8);
        h[3] = (uint8_t)len;
        hn = 4;
    } else {
        h[1] = 127;
        for (i = 0; i < 8; i++)
            h[2 + i] = (uint8_t)(len >> (56 - 8 * i));
        hn = 10;
    }
    if (key != NULL) {
        h[1] |= 0x80;
        memcpy(h + hn, key, 4);
        hn += 4;
    }
    kbuf_append(out, h, hn);
    start = out->len;
    if (an > 0)
        kbuf_append(out, a, an);
    if (bn > 0)
        kbuf_append(out, b, bn);
    if (key != NULL)
        wsframe_mask((uint8_t *)out->data + start, (size_t)len, key, 0);
}
