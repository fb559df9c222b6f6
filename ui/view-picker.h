/*
 * A chooser: a titled list of strings with one selected, moved with
 * j/k/arrows/PgUp/PgDn/g/G, narrowed by typing (case-insensitive
 * substring), chosen with Enter, cancelled with Esc. The namespace and
 * context pickers use it, and so can any feature that needs one choice
 * (a container, a port) through ui_pick. The picker keeps its own copies
 * of the strings; its key handling and the lines it shows are plain
 * functions, tested without a terminal.
 */
#ifndef KPOD_VIEW_PICKER_H
#define KPOD_VIEW_PICKER_H

#include <stddef.h>

#include "screen.h"
#include "util.h"

struct ui;

/* The answer: the chosen item's index in the items given, or -1 when the
 * user cancelled (or the picker was closed under it: a context switch). */
typedef void (*ui_pick_cb)(struct ui *, int index, void *data);

/* Show a picker over the panes (above the status bar) with the keys; the
 * strings are copied. done runs exactly once. selected is the item the
 * cursor starts on, marked "*" (the current namespace or context); n or
 * more = none. A picker already open is cancelled first. */
void ui_pick(struct ui *, const char *title, const char *const *items, size_t n,
             size_t selected, ui_pick_cb done, void *data);

enum view_picker_result {
    VIEW_PICKER_OPEN,      /* the key moved or narrowed, or did nothing */
    VIEW_PICKER_CHOSEN,    /* Enter on an item */
    VIEW_PICKER_CANCELLED, /* Esc */
};

struct view_picker {
    struct screen_pane pane;
    struct screen     *screen;
    char              *title;
    char             **items;
    size_t             n;
    size_t             current; /* marked "*"; n = none */
    size_t            *shown;   /* indices of the items the filter keeps */
    size_t             nshown;
    size_t             sel; /* in shown */
    size_t             top; /* first shown row on screen */
    struct kbuf        filter;
    int                narrowing; /* typing goes to the filter */
    int                open;
    int                title_attr, sel_attr;
    /* Who asked (ui_pick). */
    ui_pick_cb done;
    void      *data;
};

/* The pane's ops (paint; keys come through ui_pick's glue). */
extern const struct screen_pane_ops view_picker_ops;

void view_picker_init(struct view_picker *, struct screen *);
void view_picker_done(struct view_picker *);
/* Fill and show (copies everything). */
void view_picker_set(struct view_picker *, const char *title,
                     const char *const *items, size_t n, size_t selected);
/* Forget the items and hide. */
void view_picker_clear(struct view_picker *);
/* One key (screen codes). */
enum view_picker_result view_picker_key(struct view_picker *, int key);
/* The item under the cursor, as an index into the items, or -1 when the
 * filter keeps none. */
int view_picker_choice(const struct view_picker *);
/* The title line: "Namespace  filter: ku_  (3/12)". Caller frees. */
char *view_picker_title(const struct view_picker *);
/* Keep the cursor row within rows visible rows (sets top). */
void view_picker_scroll(struct view_picker *, size_t rows);

#endif
