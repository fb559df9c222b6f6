/*
 * libFuzzer harness for keymap files: any input applies over the default
 * keymap without crashing, every cause names the file, every binding is
 * to a known action in a context it allows, and readonly keeps mutating
 * actions out. Built only with KPOD_FUZZ=ON and clang.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "keymap.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (int ro = 0; ro < 2; ro++) {
        struct keymap *km = keymap_create(keymap_actions, keymap_nactions, ro);

        keymap_apply(km, keymap_default_yaml, keymap_default_yaml_len,
                     "default");
        keymap_apply(km, (const char *)data, size, "fuzz.yaml");
        for (size_t i = 0; i < km->causes.n; i++)
            if (strncmp(km->causes.v[i], "fuzz.yaml", 9) != 0 &&
                strstr(km->causes.v[i], "extends") == NULL)
                abort();
        for (size_t i = 0; i < km->n; i++) {
            const struct keymap_action *a = &km->actions[km->b[i].action];
            if (km->b[i].action >= km->nactions ||
                !(a->contexts & KEYMAP_CTX(km->b[i].context)) ||
                (ro && a->mutating))
                abort();
            if (keymap_lookup(km, km->b[i].context, &km->b[i].keys, NULL) < 0)
                abort();
        }
        keymap_free(km);
    }
    return 0;
}
