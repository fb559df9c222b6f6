/*
 * libFuzzer harness for config files: any input applies without crashing,
 * every cause names the file with a line, and every numeric option stays
 * inside its range from the options table. Built only with KPOD_FUZZ=ON
 * and clang.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct config *c = config_create();

    config_apply(c, (const char *)data, size, "fuzz.yaml");
    for (size_t i = 0; i < c->causes.n; i++)
        if (strncmp(c->causes.v[i], "fuzz.yaml:", 10) != 0)
            abort();
    for (size_t i = 0; i < config_noptions; i++) {
        const struct config_option *o = &config_options[i];
        if (o->type == CONFIG_INT) {
            long v = *(long *)((char *)c + o->offset);
            if (v < o->min || v > o->max)
                abort();
        }
    }
    (void)config_readonly(c, "x");
    config_free(c);
    return 0;
}
