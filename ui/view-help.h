/*
 * The help overlay (`?`): the effective keymap of the focused pane's
 * context and of global, printed from the same tables the keys go
 * through, with keys a user keymap changed marked by '*'. It covers the
 * panes above the status bar until esc, q or ? closes it.
 */
#ifndef KPOD_VIEW_HELP_H
#define KPOD_VIEW_HELP_H

#include <stddef.h>

#include "keymap.h"
#include "screen.h"

struct view_help {
    struct screen_pane   pane;
    struct screen       *screen;
    const struct keymap *km;
    int                  open;
    char               **lines;
    size_t               n, top;
    int                  title_attr;
};

void view_help_init(struct view_help *, struct screen *, const struct keymap *);
void view_help_done(struct view_help *);
/* Show the keys of ctx (and global); takes the focus. */
void view_help_open(struct view_help *, enum keymap_context);
void view_help_close(struct view_help *);

#endif
