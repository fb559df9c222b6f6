/*
 * The help overlay's text is built when it opens, from the keymap the
 * keys really go through (keymap_keys_of), one line per bound action:
 * keys, action name, help. Scrolling keys are its own, since it is modal
 * and its context is the one being described, not its own.
 */
#include <stdlib.h>
#include <string.h>

#include "cells.h"
#include "term.h"
#include "view-help.h"

static void
view_help_paint(void *data, WINDOW *win, int focused)
{
    struct view_help *v = data;
    int               rows, cols;

    (void)focused;
    getmaxyx(win, rows, cols);
    for (int r = 0; r < rows && v->top + (size_t)r < v->n; r++) {
        const char *line = v->lines[v->top + (size_t)r];
        if (r == 0 && v->top == 0)
            wattron(win, v->title_attr);
        mvwaddnstr(win, r, 0, line, (int)cells_prefix(line, cols));
        if (r == 0 && v->top == 0)
            wattroff(win, v->title_attr);
    }
}

static int
view_help_key(void *data, int key)
{
    struct view_help *v = data;

    if (!v->open)
        return 0;
    switch (key) {
    case 'j':
    case SCREEN_FKEY(KEY_DOWN):
        if (v->top + 1 < v->n)
            v->top++;
        break;
    case 'k':
    case SCREEN_FKEY(KEY_UP):
        if (v->top > 0)
            v->top--;
        break;
    case 27:
    case 'q':
    case '?':
        view_help_close(v);
        return 1;
    default:
        break;
    }
    screen_dirty(v->screen, &v->pane, SCREEN_PAINT, "help scroll");
    return 1; /* modal: nothing else happens while it is open */
}

static const struct screen_pane_ops view_help_ops = {
    .name = "help",
    .paint = view_help_paint,
    .key = view_help_key,
};

void
view_help_init(struct view_help *v, struct screen *s, const struct keymap *km)
{
    memset(v, 0, sizeof *v);
    v->screen = s;
    v->km = km;
    v->pane.ops = &view_help_ops;
    v->pane.data = v;
    v->title_attr = A_BOLD;
}

static void
view_help_clear(struct view_help *v)
{
    for (size_t i = 0; i < v->n; i++)
        free(v->lines[i]);
    free(v->lines);
    v->lines = NULL;
    v->n = v->top = 0;
}

void
view_help_done(struct view_help *v)
{
    view_help_clear(v);
}

static void
view_help_add(struct view_help *v, char *line)
{
    v->lines = xrealloc(v->lines, (v->n + 1) * sizeof *v->lines);
    v->lines[v->n++] = line;
}

static void
view_help_section(struct view_help *v, enum keymap_context ctx)
{
    view_help_add(v, xasprintf("%s:", keymap_context_name(ctx)));
    for (size_t a = 0; a < v->km->nactions; a++) {
        int   over;
        char *keys = keymap_keys_of(v->km, ctx, a, &over);
        if (*keys != '\0')
            view_help_add(v, xasprintf("  %-22s %-22s %s", keys,
                                       v->km->actions[a].name,
                                       v->km->actions[a].help));
        if (*keys != '\0' && over) {
            char *l = v->lines[v->n - 1];
            l[0] = '*';
        }
        free(keys);
    }
}

void
view_help_open(struct view_help *v, enum keymap_context ctx)
{
    view_help_clear(v);
    view_help_add(v, xstrdup("Keys (* = set by your keymap; esc, q or ? "
                             "closes, j/k scroll)"));
    view_help_add(v, xstrdup(""));
    if (ctx != KEYMAP_GLOBAL) {
        view_help_section(v, ctx);
        view_help_add(v, xstrdup(""));
    }
    view_help_section(v, KEYMAP_GLOBAL);
    v->open = 1;
    screen_focus(v->screen, &v->pane);
    screen_dirty(v->screen, NULL, SCREEN_LAYOUT, "help open");
}

void
view_help_close(struct view_help *v)
{
    v->open = 0;
    screen_focus(v->screen, NULL);
    screen_dirty(v->screen, NULL, SCREEN_LAYOUT, "help close");
}
