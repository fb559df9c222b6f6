/*
 * A table of text cells drawn into one curses window: a header line and a
 * scrolling list of rows with one selected row. Column widths are measured
 * in display cells; when the window is too narrow, low-priority columns
 * are dropped and flexible ones truncated. The table owns copies of its
 * cells; it knows nothing about pods (views fill it).
 */
#ifndef KPOD_WIDGET_TABLE_H
#define KPOD_WIDGET_TABLE_H

#include <stddef.h>

#include "cells.h"
#include "term.h"

#define WIDGET_TABLE_MAXCOLS 16
#define WIDGET_TABLE_GAP 3 /* spaces between columns, as kubectl */

struct widget_table_col {
    const char      *title;
    enum cells_align align;
    int              priority;  /* 0 = never dropped; higher = dropped later */
    int              flex;      /* may be truncated when space is short */
    int              max_width; /* 0 = no cap */
};

struct widget_table_row {
    char **cells; /* ncols, owned (one allocation) */
    int    style; /* the view's style index, passed back when drawing */
};

/* A view that keeps its own rows: the cells of row i (ncols strings,
 * valid until the next call) and its style. */
typedef const char *const *(*widget_table_row_cb)(void *data, size_t i,
                                                  int *style);

struct widget_table {
    const struct widget_table_col *cols;
    int                            ncols;
    struct widget_table_row       *rows;
    size_t                         nrows, cap;
    /* Virtual rows (widget_table_source): the owner sets nrows and the
     * natural width of each column; only visible rows are asked for. */
    widget_table_row_cb row_cb;
    void               *row_data;
    int                 natural[WIDGET_TABLE_MAXCOLS];
    /* The header marks this column (-1 = none) with an arrow. */
    int sort_col;
    int sort_desc;
    /* Layout (widget_table_layout). */
    int width[WIDGET_TABLE_MAXCOLS]; /* 0 = column hidden */
    int total;                       /* cells wide */
    int laid_width;                  /* width of the last layout, -1 = stale */
    /* Scrolling: selected row and first visible row. */
    size_t sel, top;
};

void widget_table_init(struct widget_table *, const struct widget_table_col *,
                       int ncols);
void widget_table_done(struct widget_table *);
/* Rows come from cb instead of widget_table_add; the owner keeps nrows
 * and natural[] current (widget_table_set_natural). */
void widget_table_source(struct widget_table *, widget_table_row_cb cb,
                         void *data);
/* Natural column widths (cells) of virtual rows; relayout if changed. */
void widget_table_set_natural(struct widget_table *, const int *natural);
/* Mark column c (-1 = none) as the sort column, descending or not. */
void widget_table_sort_mark(struct widget_table *, int c, int desc);
/* Drop every row (before a rebuild). */
void widget_table_clear(struct widget_table *);
/* Append a row: cells (ncols strings, copied; NULL = "") and a style. */
void widget_table_add(struct widget_table *, const char *const *cells,
                      int style);
/* Size the columns for a window width cells wide. */
void widget_table_layout(struct widget_table *, int width);
/* Append the header (row = -1) or a row, exactly width cells, to buf. */
void widget_table_format(struct widget_table *, long row, int width,
                         struct kbuf *buf);
/* Select row i (clamped) and scroll so it shows in a body of height rows. */
void widget_table_select(struct widget_table *, long i, int height);

/* Draw header and visible rows into win; attrs[style] is the attribute of
 * a row of that style (nstyles entries), the selected row is reversed. */
void widget_table_draw(struct widget_table *, WINDOW *win, const int *attrs,
                       int nstyles, int header_attr);

#endif
