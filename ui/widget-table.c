/*
 * The table widget: row storage, column layout in display cells, line
 * formatting and drawing. Formatting (widget_table_format) is pure and
 * unit-tested; widget_table_draw only blits the formatted lines with
 * attributes. Which columns exist and what the rows say is the view's
 * business.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "widget-table.h"

void
widget_table_init(struct widget_table *t, const struct widget_table_col *cols,
                  int ncols)
{
    memset(t, 0, sizeof *t);
    if (ncols > WIDGET_TABLE_MAXCOLS)
        ncols = WIDGET_TABLE_MAXCOLS;
    t->cols = cols;
    t->ncols = ncols;
    t->laid_width = -1;
    t->sort_col = -1;
}

void
widget_table_source(struct widget_table *t, widget_table_row_cb cb, void *data)
{
    widget_table_clear(t);
    t->row_cb = cb;
    t->row_data = data;
}

void
widget_table_set_natural(struct widget_table *t, const int *natural)
{
    int c;

    for (c = 0; c < t->ncols; c++) {
        if (t->natural[c] != natural[c])
            t->laid_width = -1;
        t->natural[c] = natural[c];
    }
}

void
widget_table_sort_mark(struct widget_table *t, int c, int desc)
{
    if (c != t->sort_col || desc != t->sort_desc)
        t->laid_width = -1;
    t->sort_col = c;
    t->sort_desc = desc;
}

/* The header text of column c, with the sort arrow. */
static const char *
widget_table_title(const struct widget_table *t, int c, char *buf, size_t len)
{
    if (c != t->sort_col)
        return t->cols[c].title;
    snprintf(buf, len, "%s%s", t->cols[c].title, t->sort_desc ? "↓" : "↑");
    return buf;
}

void
widget_table_done(struct widget_table *t)
{
    widget_table_clear(t);
    free(t->rows);
    t->rows = NULL;
    t->cap = 0;
}

void
widget_table_clear(struct widget_table *t)
{
    size_t i;

    /* A row's cells and their text are one allocation. */
    for (i = 0; t->row_cb == NULL && i < t->nrows; i++)
        free(t->rows[i].cells);
    t->nrows = 0;
    t->laid_width = -1;
}

void
widget_table_add(struct widget_table *t, const char *const *cells, int style)
{
    struct widget_table_row *r;
    size_t                   len[WIDGET_TABLE_MAXCOLS], total = 0;
    char                    *p;
    int                      c;

    if (t->nrows == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 64;
        t->rows = xrealloc(t->rows, t->cap * sizeof *t->rows);
    }
    r = &t->rows[t->nrows++];
    /* One allocation: the pointer array, then the strings. */
    for (c = 0; c < t->ncols; c++) {
        len[c] = strlen(cells[c] != NULL ? cells[c] : "") + 1;
        total += len[c];
    }
    r->cells = xmalloc((size_t)t->ncols * sizeof *r->cells + total);
    p = (char *)(r->cells + t->ncols);
    for (c = 0; c < t->ncols; c++) {
        memcpy(p, cells[c] != NULL ? cells[c] : "", len[c]);
        r->cells[c] = p;
        p += len[c];
    }
    r->style = style;
    t->laid_width = -1;
}

void
widget_table_layout(struct widget_table *t, int width)
{
    int    natural[WIDGET_TABLE_MAXCOLS];
    int    c, w, total, shown, lowest, over, widest;
    size_t i;

    for (c = 0; c < t->ncols; c++) {
        char title[128];

        natural[c] = cells_width(widget_table_title(t, c, title, sizeof title));
        if (t->row_cb != NULL && t->natural[c] > natural[c])
            natural[c] = t->natural[c];
        for (i = 0; t->row_cb == NULL && i < t->nrows; i++) {
            w = cells_width(t->rows[i].cells[c]);
            if (w > natural[c])
                natural[c] = w;
        }
        if (t->cols[c].max_width > 0 && natural[c] > t->cols[c].max_width)
            natural[c] = t->cols[c].max_width;
        t->width[c] = natural[c];
    }

    /* Drop the lowest-priority droppable columns while too wide. */
    for (;;) {
        total = 0;
        shown = 0;
        for (c = 0; c < t->ncols; c++) {
            if (t->width[c] == 0)
                continue;
            total += t->width[c] + (shown ? WIDGET_TABLE_GAP : 0);
            shown++;
        }
        if (total <= width)
            break;
        lowest = -1;
        for (c = 0; c < t->ncols; c++) {
            if (t->width[c] == 0 || t->cols[c].priority == 0)
                continue;
            if (lowest < 0 || t->cols[c].priority < t->cols[lowest].priority ||
                (t->cols[c].priority == t->cols[lowest].priority && c > lowest))
                lowest = c;
        }
        if (lowest < 0)
            break;
        t->width[lowest] = 0;
    }

    /* Still too wide: take a cell at a time from the widest flexible
     * column (never below 4), so NAME and STATUS shrink together. */
    over = total - width;
    while (over > 0) {
        widest = -1;
        for (c = 0; c < t->ncols; c++)
            if (t->cols[c].flex && t->width[c] > 4 &&
                (widest < 0 || t->width[c] > t->width[widest]))
                widest = c;
        if (widest < 0)
            break;
        t->width[widest]--;
        total--;
        over--;
    }
    t->total = total;
    t->laid_width = width;
}

void
widget_table_format(struct widget_table *t, long row, int width,
                    struct kbuf *buf)
{
    struct kbuf        line;
    const char        *text;
    const char *const *cells = NULL;
    char               title[128];
    int                c, shown = 0, style;

    kbuf_init(&line);
    if (row >= 0)
        cells = t->row_cb != NULL ? t->row_cb(t->row_data, (size_t)row, &style)
                                  : (const char *const *)t->rows[row].cells;
    for (c = 0; c < t->ncols; c++) {
        if (t->width[c] == 0)
            continue;
        if (shown++)
            cells_fit(&line, "", WIDGET_TABLE_GAP, CELLS_LEFT, 0);
        text =
            row < 0 ? widget_table_title(t, c, title, sizeof title) : cells[c];
        if (text == NULL)
            text = "";
        cells_fit(&line, text, t->width[c], t->cols[c].align, 1);
    }
    /* The whole line is cut or padded to the window; a cut here marks
     * nothing since columns further right are simply off-screen. */
    cells_fit(buf, line.data != NULL ? line.data : "", width, CELLS_LEFT, 0);
    kbuf_done(&line);
}

void
widget_table_select(struct widget_table *t, long i, int height)
{
    if (t->nrows == 0) {
        t->sel = t->top = 0;
        return;
    }
    if (i < 0)
        i = 0;
    if ((size_t)i >= t->nrows)
        i = (long)t->nrows - 1;
    t->sel = (size_t)i;
    if (height < 1)
        height = 1;
    if (t->sel < t->top)
        t->top = t->sel;
    if (t->sel >= t->top + (size_t)height)
        t->top = t->sel - (size_t)height + 1;
    /* Never leave blank rows at the bottom when rows could fill them. */
    if (t->nrows >= (size_t)height && t->top > t->nrows - (size_t)height)
        t->top = t->nrows - (size_t)height;
    if (t->nrows < (size_t)height)
        t->top = 0;
}

void
widget_table_draw(struct widget_table *t, WINDOW *win, const int *attrs,
                  int nstyles, int header_attr)
{
    struct kbuf buf;
    int         h, w, y, attr;
    size_t      i;

    if (win == NULL)
        return;
    getmaxyx(win, h, w);
    if (h <= 0 || w <= 0)
        return;
    kbuf_init(&buf);
    /* Measuring every cell is the costly part: only after the rows or the
     * width changed, not for a selection move. */
    if (t->laid_width != w)
        widget_table_layout(t, w);
    widget_table_format(t, -1, w, &buf);
    wattrset(win, header_attr);
    mvwaddnstr(win, 0, 0, buf.data, (int)buf.len);
    wattrset(win, A_NORMAL);

    widget_table_select(t, (long)t->sel, h - 1);
    for (y = 1; y < h; y++) {
        int style;

        i = t->top + (size_t)(y - 1);
        if (i >= t->nrows)
            break;
        kbuf_reset(&buf);
        widget_table_format(t, (long)i, w, &buf);
        if (t->row_cb != NULL)
            (void)t->row_cb(t->row_data, i, &style);
        else
            style = t->rows[i].style;
        attr = A_NORMAL;
        if (style >= 0 && style < nstyles)
            attr = attrs[style];
        if (i == t->sel)
            attr |= A_REVERSE;
        wattrset(win, attr);
        /* Writing the last cell of a window's last line fails in curses
         * (the cursor cannot advance); that cell is padding, so ignore. */
        mvwaddnstr(win, y, 0, buf.data, (int)buf.len);
    }
    wattrset(win, A_NORMAL);
    kbuf_done(&buf);
}
