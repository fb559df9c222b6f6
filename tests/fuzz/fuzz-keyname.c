/*
 * libFuzzer harness for key names: any name that parses prints to a
 * canonical name that parses to the same code, and so do sequences.
 * Built only with KPOD_FUZZ=ON and clang.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "keyname.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char         *s = xstrndup((const char *)data, size);
    char          buf[256], buf2[256];
    struct keyseq seq, seq2;
    int           key = keyname_parse(s);

    if (key != -1) {
        keyname_print(key, buf, sizeof buf);
        if (keyname_parse(buf) != key)
            abort();
    }
    if (keyname_parse_seq(s, &seq) == 0) {
        keyname_print_seq(&seq, buf, sizeof buf);
        if (keyname_parse_seq(buf, &seq2) != 0 || !keyseq_equal(&seq, &seq2))
            abort();
        keyname_print_seq(&seq2, buf2, sizeof buf2);
        if (strcmp(buf, buf2) != 0)
            abort();
    }
    free(s);
    return 0;
}
