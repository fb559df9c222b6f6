/*
 * libFuzzer harness for wsframe.c, which now parses every data frame kpod
 * and kpod-sim receive: the input is read as a run of frames; each header
 * that parses is checked for sane lengths, its payload unmasked, framed
 * again with wsframe_encode and parsed back to the same opcode, length,
 * mask and payload. Built only with KPOD_FUZZ=ON and clang.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "wsframe.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t off = 0;

    while (off < size) {
        struct wsframe f, g;
        struct kbuf    b;
        uint8_t       *pay;
        int            r = wsframe_parse(data + off, size - off, &f);

        if (r <= 0)
            break;
        if (f.head < 2 || f.head > 14 || f.head > size - off)
            abort();
        if (f.len > size - off - f.head)
            break; /* incomplete: would wait for more */
        pay = xmalloc((size_t)f.len + 1);
        memcpy(pay, data + off + f.head, (size_t)f.len);
        if (f.masked)
            wsframe_mask(pay, (size_t)f.len, f.key, 0);
        kbuf_init(&b);
        wsframe_encode(&b, f.opcode, f.masked ? f.key : NULL, pay,
                       (size_t)f.len / 2, pay + f.len / 2,
                       (size_t)f.len - f.len / 2);
        if (wsframe_parse((uint8_t *)b.data, b.len, &g) != 1 ||
            g.opcode != f.opcode || g.len != f.len || g.masked != f.masked ||
            g.head + g.len != b.len ||
            (f.masked && memcmp(g.key, f.key, 4) != 0))
            abort();
        if (g.masked)
            wsframe_mask((uint8_t *)b.data + g.head, (size_t)g.len, g.key, 0);
        if (memcmp(b.data + g.head, pay, (size_t)f.len) != 0)
            abort();
        kbuf_done(&b);
        free(pay);
        off += f.head + (size_t)f.len;
    }
    return 0;
}
