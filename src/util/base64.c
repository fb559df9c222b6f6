/*
 * Standard base64 encoding (RFC 4648, with padding): the WebSocket key
 * and accept values and Basic credentials. Decoding kubeconfig's *-data
 * fields stays with src/kubeconfig.c, which also tolerates whitespace.
 */
#include "base64.h"

#include <stdint.h>

#include "util.h"

char *
base64_encode(const void *data, size_t n)
{
    const uint8_t    *p = data;
    static const char tab[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char  *out = xmalloc(4 * ((n + 2) / 3) + 1), *o = out;
    size_t i;

    for (i = 0; i + 2 < n; i += 3) {
        *o++ = tab[p[i] >> 2];
        *o++ = tab[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
        *o++ = tab[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)];
        *o++ = tab[p[i + 2] & 63];
    }
    if (i < n) {
        *o++ = tab[p[i] >> 2];
        if (i + 1 < n) {
            *o++ = tab[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
            *o++ = tab[(p[i + 1] & 15) << 2];
        } else {
            *o++ = tab[(p[i] & 3) << 4];
            *o++ = '=';
        }
        *o++ = '=';
    }
    *o = '\0';
    return out;
}
