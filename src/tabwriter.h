/*
 * Go's text/tabwriter, which kubectl uses for every table and for describe:
 * text with TAB-terminated cells is buffered, and on flush each column block
 * (consecutive lines that have a cell in that column) is padded to its
 * widest cell plus padding. Widths count UTF-8 code points, as Go does.
 * Left alignment and space padding only; no other Go flags.
 */
#ifndef KPOD_TABWRITER_H
#define KPOD_TABWRITER_H

#include <stddef.h>

#include "util.h"

struct tabwriter {
    int         minwidth;
    int         padding;
    struct kbuf pending; /* written since the last flush */
    struct kbuf out;     /* formatted text */
};

/* kubectl describe: minwidth 0, padding 2. kubectl get: minwidth 6,
 * padding 3 (cli-runtime). */
void tabwriter_init(struct tabwriter *, int minwidth, int padding);
void tabwriter_done(struct tabwriter *);
void tabwriter_write(struct tabwriter *, const char *, size_t);
void tabwriter_puts(struct tabwriter *, const char *);
void tabwriter_printf(struct tabwriter *, const char *, ...) KPOD_PRINTF(2, 3);
/* Format everything written so far; later lines align on their own. */
void tabwriter_flush(struct tabwriter *);
/* Flush and hand over the formatted text (caller frees); the writer is
 * empty afterwards and can be reused. */
char *tabwriter_finish(struct tabwriter *);

#endif
