/*
 * The explain pane (:explain [PATH], default pods): the fields of a
 * resource as a tree that explain.toggle (Enter) expands and collapses,
 * each with its type and required mark, and under it the description of
 * the field at the cursor, wrapped to the pane. The schema comes from the
 * session's OpenAPI document (ui/cmdline.c fetches it once per client);
 * the text is src/explain.c's, so it says what `kubectl explain` says.
 */
#include "view-explain.h"

#include <stdlib.h>
#include <string.h>

#include "cells.h"
#include "cmdline.h"
#include "explain.h"
#include "ui-int.h"
#include "util.h"

struct view_explain_row {
    char *path; /* "pods.spec.containers" */
    char *name;
    char *type;
    char *desc;
    int   required, has_fields, depth, expanded;
};

struct view_explain {
    struct ui_pane           up;
    struct screen_pane       sp;
    struct ui               *ui;
    char                    *root;
    struct view_explain_row *rows;
    size_t                   n, cap;
    size_t                   cur, top;
    int                      waiting;
    char                    *text; /* explain_text of root when no fields */
};

static void view_explain_paint(void *, WINDOW *, int);

static const struct screen_pane_ops view_explain_ops = {
    .name = "explain",
    .paint = view_explain_paint,
};

static void
view_explain_row_free(struct view_explain_row *r)
{
    free(r->path);
    free(r->name);
    free(r->type);
    free(r->desc);
}

static void
view_explain_clear(struct view_explain *v)
{
    for (size_t i = 0; i < v->n; i++)
        view_explain_row_free(&v->rows[i]);
    v->n = 0;
    v->cur = v->top = 0;
    free(v->text);
    v->text = NULL;
}

/* Insert the fields of path at index at, one level deeper than depth. */
static int
view_explain_insert(struct view_explain *v, struct explain *doc,
                    const char *path, size_t at, int depth, char **cause)
{
    struct explain_field *f;
    size_t                n;

    if (explain_fields(doc, path, &f, &n, cause) != 0)
        return -1;
    if (v->n + n > v->cap) {
        v->cap = (v->n + n) * 2;
        v->rows = xrealloc(v->rows, v->cap * sizeof *v->rows);
    }
    memmove(v->rows + at + n, v->rows + at, (v->n - at) * sizeof *v->rows);
    for (size_t i = 0; i < n; i++) {
        struct view_explain_row *r = &v->rows[at + i];

        memset(r, 0, sizeof *r);
        r->path = xasprintf("%s.%s", path, f[i].name);
        r->name = f[i].name;
        r->type = f[i].type;
        r->desc = f[i].description;
        r->required = f[i].required;
        r->has_fields = f[i].has_fields;
        r->depth = depth;
        f[i].name = f[i].type = f[i].description = NULL;
    }
    v->n += n;
    explain_fields_free(f, n);
    return 0;
}

/* Build the first level from the document; 0, or -1 with the reason in
 * the status bar. */
static int
view_explain_build(struct view_explain *v, struct explain *doc)
{
    char *cause = NULL;

    view_explain_clear(v);
    v->waiting = 0;
    if (view_explain_insert(v, doc, v->root, 0, 0, &cause) != 0) {
        ui_message(v->ui, "explain %s: %s", v->root, cause);
        free(cause);
        return -1;
    }
    if (v->n == 0 && (v->text = explain_text(doc, v->root, &cause)) == NULL) {
        ui_message(v->ui, "explain %s: %s", v->root, cause);
        free(cause);
        return -1;
    }
    ui_pane_dirty(v->ui, &v->up, SCREEN_PAINT, "explain");
    return 0;
}

static void
view_explain_toggle(struct view_explain *v)
{
    struct view_explain_row *r;
    struct explain          *doc;
    char                    *cause = NULL;
    size_t                   end;

    if (v->cur >= v->n)
        return;
    r = &v->rows[v->cur];
    if (!r->has_fields)
        return;
    if (r->expanded) {
        for (end = v->cur + 1; end < v->n && v->rows[end].depth > r->depth;
             end++)
            view_explain_row_free(&v->rows[end]);
        memmove(v->rows + v->cur + 1, v->rows + end,
                (v->n - end) * sizeof *v->rows);
        v->n -= end - v->cur - 1;
        r->expanded = 0;
        return;
    }
    if ((doc = cmdline_explain_doc(v->ui, NULL)) == NULL)
        return;
    if (view_explain_insert(v, doc, r->path, v->cur + 1, r->depth + 1,
                            &cause) != 0) {
        ui_message(v->ui, "explain: %s", cause);
        free(cause);
        return;
    }
    v->rows[v->cur].expanded = 1;
}

static int
view_explain_action(struct ui *ui, struct ui_pane *p, const char *name)
{
    struct view_explain *v = p->data;
    int                  page = v->sp.h > 4 ? v->sp.h / 2 - 1 : 1;

    if (strcmp(name, "explain.toggle") == 0)
        view_explain_toggle(v);
    else if (strcmp(name, "cursor.down") == 0) {
        if (v->cur + 1 < v->n)
            v->cur++;
    } else if (strcmp(name, "cursor.up") == 0) {
        if (v->cur > 0)
            v->cur--;
    } else if (strcmp(name, "cursor.page-down") == 0) {
        v->cur = v->cur + (size_t)page < v->n ? v->cur + (size_t)page
                 : v->n > 0                   ? v->n - 1
                                              : 0;
    } else if (strcmp(name, "cursor.page-up") == 0) {
        v->cur = v->cur > (size_t)page ? v->cur - (size_t)page : 0;
    } else if (strcmp(name, "cursor.top") == 0) {
        v->cur = 0;
    } else if (strcmp(name, "cursor.bottom") == 0) {
        v->cur = v->n > 0 ? v->n - 1 : 0;
    } else
        return 0;
    ui_pane_dirty(ui, p, SCREEN_PAINT, "explain key");
    return 1;
}

static void
view_explain_line(WINDOW *win, int y, int w, const char *s, int attr)
{
    wattrset(win, attr);
    mvwaddnstr(win, y, 0, s, (int)cells_prefix(s, w));
    if (attr != A_NORMAL) {
        int x = cells_width(s) < w ? cells_width(s) : w;

        for (; x < w; x++)
            mvwaddch(win, y, x, ' ');
    }
    wattrset(win, A_NORMAL);
}

/* The description of the row at the cursor (or the root's text), as
 * lines wrapped to w. Caller frees. */
static char *
view_explain_desc(struct view_explain *v, int w)
{
    struct view_explain_row *r;
    char                    *wrapped, *t;

    if (v->waiting)
        return xstrdup("Fetching the API schema...");
    if (v->n == 0)
        return xstrdup(v->text ? v->text : "");
    r = &v->rows[v->cur];
    wrapped = explain_wrap(*r->desc ? r->desc : "<no description>",
                           w > 8 ? (size_t)w - 4 : 4);
    t = xasprintf("FIELD: %s <%s>%s\n\n%s", r->path, r->type,
                  r->required ? " -required-" : "", wrapped);
    free(wrapped);
    return t;
}

static void
view_explain_paint(void *data, WINDOW *win, int focused)
{
    struct view_explain *v = data;
    int                  w = getmaxx(win), h = getmaxy(win), tree_h, y;
    int                  title = v->ui->detail.title_attr;
    char                *t, *desc, *line, *save = NULL;

    t = xasprintf(" Explain %s  (%s: expand/collapse)", v->root, "enter");
    view_explain_line(win, 0, w, t, title);
    free(t);
    if (h < 2)
        return;
    desc = view_explain_desc(v, w);
    /* the tree gets the upper part, the description the rest */
    tree_h = v->n == 0 ? 0 : (h - 1) * 3 / 5;
    if (tree_h < 1 && v->n > 0)
        tree_h = 1;
    if (v->cur < v->top)
        v->top = v->cur;
    if (tree_h > 0 && v->cur >= v->top + (size_t)tree_h)
        v->top = v->cur - (size_t)tree_h + 1;
    for (y = 0; y < tree_h && v->top + (size_t)y < v->n; y++) {
        struct view_explain_row *r = &v->rows[v->top + (size_t)y];
        const char *mark = !r->has_fields ? " " : r->expanded ? "-" : "+";

        t = xasprintf("%*s%s %s <%s>%s", r->depth * 2 + 1, "", mark, r->name,
                      r->type, r->required ? " -required-" : "");
        view_explain_line(win, 1 + y, w, t,
                          v->top + (size_t)y == v->cur
                              ? (focused ? A_REVERSE : A_BOLD)
                              : A_NORMAL);
        free(t);
    }
    y = 1 + tree_h;
    if (tree_h > 0 && y < h)
        view_explain_line(win, y++, w, "", title);
    /* empty lines too: paragraphs stay apart */
    for (line = desc; line != NULL && y < h; line = save) {
        if ((save = strchr(line, '\n')) != NULL)
            *save++ = '\0';
        view_explain_line(win, y++, w, line, A_NORMAL);
    }
    free(desc);
}

static void
view_explain_close(struct ui *ui, struct ui_pane *p)
{
    struct view_explain *v = p->data;

    (void)ui;
    view_explain_clear(v);
    free(v->rows);
    free(v->root);
    free(v);
}

/* The open explain pane, if any. */
static struct view_explain *
view_explain_find(struct ui *ui)
{
    for (struct ui_pane *p = ui->panes; p != NULL; p = p->next)
        if (p->sp != NULL && p->sp->ops == &view_explain_ops)
            return p->data;
    return NULL;
}

static void
view_explain_ready(struct ui *ui, const char *error)
{
    struct view_explain *v = view_explain_find(ui);
    struct explain      *doc;

    if (v == NULL || !v->waiting)
        return;
    if (error != NULL || (doc = cmdline_explain_doc(ui, NULL)) == NULL ||
        view_explain_build(v, doc) != 0)
        ui_pane_close(ui, &v->up);
}

void
view_explain_cmd(struct ui *ui, const char *args)
{
    struct view_explain *v = view_explain_find(ui);
    struct explain      *doc;
    const char          *path = *args != '\0' ? args : "pods";

    if (ui->client == NULL) {
        ui_message(ui, "explain: not connected");
        return;
    }
    if (v == NULL) {
        v = xcalloc(1, sizeof *v);
        v->ui = ui;
        v->sp.ops = &view_explain_ops;
        v->sp.data = v;
        v->up.sp = &v->sp;
        v->up.ctx = KEYMAP_EXPLAIN;
        v->up.action = view_explain_action;
        v->up.close = view_explain_close;
        v->up.data = v;
        v->up.bound = 1;
    }
    free(v->root);
    v->root = xstrndup(path, strcspn(path, " "));
    view_explain_clear(v);
    doc = cmdline_explain_doc(ui, view_explain_ready);
    v->waiting = doc == NULL;
    if (doc != NULL && view_explain_build(v, doc) != 0) {
        if (v->up.open)
            ui_pane_close(ui, &v->up);
        else
            view_explain_close(ui, &v->up);
        return;
    }
    ui_pane_open(ui, &v->up, UI_SPLIT_AUTO);
}

const struct ui_command ui_explain_commands[] = {
    {"explain", NULL, "explain [PATH]: the fields of pods (pods.spec ...)",
     view_explain_cmd},
    {NULL, NULL, NULL, NULL},
};
