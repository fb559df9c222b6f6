/*
 * libFuzzer harness for theme files: any input applies without crashing,
 * every cause names the file, and every resulting colour maps to a valid
 * 256- and 8-colour index. Built only with KPOD_FUZZ=ON and clang.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "theme.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct theme *t = theme_create(0);

    /* extends would read files: keep to the document itself. */
    theme_apply(t, (const char *)data, size, "fuzz.yaml");
    for (size_t i = 0; i < t->causes.n; i++)
        if (strncmp(t->causes.v[i], "fuzz.yaml", 9) != 0 &&
            strstr(t->causes.v[i], "theme") == NULL)
            abort();
    for (int r = 0; r < THEME_NROLES; r++) {
        struct theme_style s = theme_style(t, (enum theme_role)r);
        int                c256 = theme_color_256(s.fg);
        int                c8 = theme_color_8(s.bg);
        if (c256 < -1 || c256 > 255 || c8 < -1 || c8 > 7)
            abort();
    }
    theme_free(t);
    return 0;
}
