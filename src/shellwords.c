/*
 * shellwords: POSIX-like word splitting without expansion (see
 * shellwords.h).
 */
#include "shellwords.h"

#include "util.h"

#include <stdlib.h>
#include <string.h>

char **
shellwords_split(const char *line, char **cause)
{
    char      **argv = xcalloc(1, sizeof *argv);
    size_t      n = 0;
    struct kbuf w;
    const char *p = line;
    int         inword = 0;

    *cause = NULL;
    kbuf_init(&w);
    for (;;) {
        char c = *p;

        if (c == '\0' || c == ' ' || c == '\t' || c == '\n') {
            if (inword) {
                argv = xrealloc(argv, (n + 2) * sizeof *argv);
                argv[n++] = xstrdup(w.data != NULL ? w.data : "");
                argv[n] = NULL;
                kbuf_reset(&w);
                inword = 0;
            }
            if (c == '\0')
                break;
            p++;
            continue;
        }
        inword = 1;
        if (c == '\'') {
            const char *end = strchr(p + 1, '\'');

            if (end == NULL) {
                *cause = xstrdup("unterminated single quote");
                goto fail;
            }
            kbuf_append(&w, p + 1, (size_t)(end - p - 1));
            p = end + 1;
        } else if (c == '"') {
            for (p++; *p != '"'; p++) {
                if (*p == '\0') {
                    *cause = xstrdup("unterminated double quote");
                    goto fail;
                }
                if (*p == '\\' && p[1] != '\0' && strchr("\"\\$`", p[1]))
                    p++;
                kbuf_append(&w, p, 1);
            }
            p++;
        } else if (c == '\\') {
            if (p[1] != '\0') {
                kbuf_append(&w, p + 1, 1);
                p += 2;
            } else
                p++;
        } else {
            kbuf_append(&w, p, 1);
            p++;
        }
    }
    kbuf_done(&w);
    if (n == 0) {
        free(argv);
        return NULL;
    }
    return argv;
fail:
    kbuf_done(&w);
    shellwords_free(argv);
    return NULL;
}

void
shellwords_free(char **argv)
{
    size_t i;

    if (argv == NULL)
        return;
    for (i = 0; argv[i] != NULL; i++)
        free(argv[i]);
    free(argv);
}
