/*
 * A port of the formatting half of Go's text/tabwriter (format and
 * writeLines), so kpod's tables and describe text line up byte for byte
 * with kubectl's. Text is buffered until a flush; then cells are measured
 * and each column block padded. It knows nothing of what the cells mean.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tabwriter.h"

struct tabwriter_cell {
    const char *text;
    size_t      size;  /* bytes */
    int         width; /* code points */
};

struct tabwriter_line {
    struct tabwriter_cell *cells;
    int                    ncells;
};

struct tabwriter_fmt {
    struct tabwriter      *tw;
    struct tabwriter_line *lines;
    int                    nlines;
    int                    last_partial; /* text did not end in a newline */
    int                   *widths;
    int                    nwidths;
};

void
tabwriter_init(struct tabwriter *tw, int minwidth, int padding)
{
    tw->minwidth = minwidth;
    tw->padding = padding;
    kbuf_init(&tw->pending);
    kbuf_init(&tw->out);
}

void
tabwriter_done(struct tabwriter *tw)
{
    if (tw == NULL)
        return;
    kbuf_done(&tw->pending);
    kbuf_done(&tw->out);
}

void
tabwriter_write(struct tabwriter *tw, const char *s, size_t len)
{
    kbuf_append(&tw->pending, s, len);
}

void
tabwriter_puts(struct tabwriter *tw, const char *s)
{
    kbuf_puts(&tw->pending, s);
}

void
tabwriter_printf(struct tabwriter *tw, const char *fmt, ...)
{
    va_list ap;
    char   *s;

    va_start(ap, fmt);
    s = xvasprintf(fmt, ap);
    va_end(ap);
    kbuf_puts(&tw->pending, s);
    free(s);
}

static int
tabwriter_runes(const char *s, size_t n)
{
    int w = 0;

    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xc0) != 0x80)
            w++;
    return w;
}

static void
tabwriter_pad(struct tabwriter *tw, int textw, int cellw)
{
    for (int i = textw; i < cellw; i++)
        kbuf_append(&tw->out, " ", 1);
}

static void
tabwriter_write_lines(struct tabwriter_fmt *f, int line0, int line1)
{
    for (int i = line0; i < line1; i++) {
        struct tabwriter_line *l = &f->lines[i];

        for (int j = 0; j < l->ncells; j++) {
            struct tabwriter_cell *c = &l->cells[j];

            kbuf_append(&f->tw->out, c->text, c->size);
            if (j < f->nwidths)
                tabwriter_pad(f->tw, c->width, f->widths[j]);
        }
        if (!(i + 1 == f->nlines && f->last_partial))
            kbuf_append(&f->tw->out, "\n", 1);
    }
}

/* Go's Writer.format: find column blocks left to right, recursively. */
static void
tabwriter_format(struct tabwriter_fmt *f, int line0, int line1)
{
    int column = f->nwidths;

    for (int this = line0; this < line1; this ++) {
        int width;

        if (column >= f->lines[this].ncells - 1)
            continue;
        tabwriter_write_lines(f, line0, this);
        line0 = this;
        width = f->tw->minwidth;
        for (; this < line1; this ++) {
            struct tabwriter_line *l = &f->lines[this];
            int                    w;

            if (column >= l->ncells - 1)
                break;
            w = l->cells[column].width + f->tw->padding;
            if (w > width)
                width = w;
        }
        f->widths = xrealloc(f->widths, (f->nwidths + 1) * sizeof *f->widths);
        f->widths[f->nwidths++] = width;
        tabwriter_format(f, line0, this);
        f->nwidths--;
        line0 = this;
    }
    tabwriter_write_lines(f, line0, line1);
}

void
tabwriter_flush(struct tabwriter *tw)
{
    struct tabwriter_fmt f;
    const char          *p, *end;

    if (tw->pending.len == 0)
        return;
    memset(&f, 0, sizeof f);
    f.tw = tw;
    p = tw->pending.data;
    end = p + tw->pending.len;
    f.last_partial = end[-1] != '\n';
    while (p < end) {
        const char            *nl = memchr(p, '\n', (size_t)(end - p));
        const char            *le = nl != NULL ? nl : end;
        struct tabwriter_line *l;

        f.lines = xrealloc(f.lines, (f.nlines + 1) * sizeof *f.lines);
        l = &f.lines[f.nlines++];
        l->cells = NULL;
        l->ncells = 0;
        for (;;) {
            const char *tab = memchr(p, '\t', (size_t)(le - p));
            const char *ce = tab != NULL ? tab : le;

            l->cells = xrealloc(l->cells, (l->ncells + 1) * sizeof *l->cells);
            l->cells[l->ncells].text = p;
            l->cells[l->ncells].size = (size_t)(ce - p);
            l->cells[l->ncells].width = tabwriter_runes(p, (size_t)(ce - p));
            l->ncells++;
            if (tab == NULL)
                break;
            p = tab + 1;
        }
        p = le + 1;
    }
    tabwriter_format(&f, 0, f.nlines);
    for (int i = 0; i < f.nlines; i++)
        free(f.lines[i].cells);
    free(f.lines);
    free(f.widths);
    kbuf_reset(&tw->pending);
}

char *
tabwriter_finish(struct tabwriter *tw)
{
    tabwriter_flush(tw);
    if (tw->out.data == NULL)
        kbuf_puts(&tw->out, "");
    return kbuf_steal(&tw->out);
}
