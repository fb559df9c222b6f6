/*
 * Wires the UI together: the screen, the pod list pane above a one-line
 * status bar, colours for row styles, a one-second tick that ages the AGE
 * column and the retry countdown, and the store listener, which only marks
 * the pod list dirty. It also logs (with --log) how long after a store
 * change its frame reached the terminal, and with --stats FILE appends
 * JSON lines for the benchmarks: the first frame after the list is
 * complete, each frame that showed a store change, and each key's
 * read -> doupdate latency. Rebuilding the pod list costs time in
 * proportion to the number of pods, so store changes rebuild it at most
 * once per UI_REBUILD_FACTOR frame costs: at 50k pods under churn the
 * loop keeps reading the stream instead of formatting rows it will
 * replace a moment later; keys repaint at once.
 */
#include <errno.h>
#include <langinfo.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "annotate.h"
#include "cells.h"
#include "keycode.h"
#include "cmdline.h"
#include "view-explain.h"
#include "keymap.h"
#include "screen.h"
#include "store.h"
#include "theme-curses.h"
#include "layout.h"
#include "ui-int.h"
#include "view-logs.h"

enum {
    UI_PAIR_GREEN = 1,
    UI_PAIR_YELLOW,
    UI_PAIR_RED,
    UI_PAIR_MAGENTA,
    UI_PAIR_BLUE,
    UI_PAIR_BAR,
};

static void
ui_bar_paint(void *data, WINDOW *win, int focused)
{
    struct ui *ui = data;

    (void)focused;
    ui->bar.pods = store_count(ui->store);
    ui->bar.shown = view_pods_rows(&ui->pods);
    ui->bar.filter = view_pods_filter(&ui->pods);
    if (ui->prompt != UI_PROMPT_NONE) {
        char       *t;
        const char *from;
        int         w = getmaxx(win), i;

        if (ui->prompt == UI_PROMPT_KEY)
            t = xasprintf(" New annotation key: %s_",
                          ui->input.data ? ui->input.data : "");
        else if (ui->prompt == UI_PROMPT_COMMAND)
            t = cmdline_text(ui);
        else if (ui->prompt == UI_PROMPT_INPUT)
            t = xasprintf(" %s%s_", ui->pr_label,
                          ui->input.data ? ui->input.data : "");
        else if (ui->prompt == UI_PROMPT_VALUE)
            t = xasprintf(" %s= %s_", ui->pr_key,
                          ui->input.data ? ui->input.data : "");
        else
            t = xasprintf(" Remove annotation %s? y: remove  n/Esc: cancel",
                          ui->pr_key);
        /* one line: newlines in a value show as spaces while typing */
        for (char *c = t; *c != '\0'; c++)
            if (*c == '\n' || *c == '\t')
                *c = ' ';
        wattrset(win, ui->bar_attr | A_BOLD);
        wmove(win, 0, 0);
        for (i = 0; i < w; i++)
            waddch(win, ' ');
        /* the end of a long input stays visible */
        from = t;
        while (cells_width(from) > w && *from != '\0') {
            from++;
            while (((unsigned char)*from & 0xc0) == 0x80)
                from++;
        }
        mvwaddnstr(win, 0, 0, from, (int)cells_prefix(from, w));
        wattrset(win, A_NORMAL);
        free(t);
        return;
    }
    if (ui->dialog) {
        char *t =
            xasprintf(" Delete pod %s/%s? grace period %lds (+/- change)  "
                      "y: delete  f: force (grace 0)  n/Esc: cancel",
                      ui->dlg_ns, ui->dlg_name, ui->dlg_grace);
        int w = getmaxx(win), i;

        wattrset(win, ui->bar_attr | A_BOLD);
        wmove(win, 0, 0);
        for (i = 0; i < w; i++)
            waddch(win, ' ');
        mvwaddnstr(win, 0, 0, t, (int)cells_prefix(t, w));
        wattrset(win, A_NORMAL);
        free(t);
        return;
    }
    widget_statusbar_draw(&ui->bar, win, know_ms(), ui->bar_attr);
}

static const struct screen_pane_ops ui_bar_ops = {
    .name = "statusbar",
    .paint = ui_bar_paint,
};

void
ui_hold(struct ui *ui)
{
    ui->open++;
}

static void ui_closed_one(struct ui *);

void
ui_release(struct ui *ui)
{
    ui_closed_one(ui);
}

struct cJSON *
ui_selected_pod(struct ui *ui)
{
    const char       *uid = view_pods_selected(&ui->pods);
    struct store_obj *o = uid != NULL ? store_find_uid(ui->store, uid) : NULL;
    cJSON *pod = o != NULL ? cJSON_ParseWithLength(o->json, o->json_len) : NULL;

    if (pod == NULL)
        ui_message(ui, "no pod selected");
    return pod;
}

void
ui_quit(struct ui *ui, const char *why)
{
    if (ui->quitting)
        return;
    ui->quitting = 1;
    klog("quit: %s", why);
    if (ui->quit_cb != NULL)
        ui->quit_cb(ui, ui->quit_data);
}

static void
ui_open(struct ui *ui, enum view_detail_mode mode)
{
    enum keymap_context ctx = KEYMAP_DESCRIBE;

    view_detail_open(&ui->detail, mode);
    switch (mode) {
    case VIEW_DETAIL_EVENTS:
    case VIEW_DETAIL_ALL_EVENTS:
        ctx = KEYMAP_EVENTS;
        break;
    case VIEW_DETAIL_YAML:
        ctx = KEYMAP_YAML;
        break;
    case VIEW_DETAIL_ANNOTATIONS:
        ctx = KEYMAP_ANNOTATIONS;
        break;
    default:
        break;
    }
    ui->detail_up.ctx = ctx;
    ui_pane_show_detail(ui, mode != VIEW_DETAIL_NONE);
}

static void
ui_act_describe(struct ui *ui)
{
    ui_open(ui, VIEW_DETAIL_DESCRIBE);
}

static void
ui_act_events(struct ui *ui)
{
    ui_open(ui, VIEW_DETAIL_EVENTS);
}

static void
ui_act_yaml(struct ui *ui)
{
    ui_open(ui, VIEW_DETAIL_YAML);
}

static void
ui_act_managed_fields(struct ui *ui)
{
    if (ui->detail.mode == VIEW_DETAIL_YAML)
        view_detail_set_managed(&ui->detail, !ui->detail.managed);
}

void
ui_full_pod(struct ui *ui, const char *json, const char *error)
{
    view_detail_set_full(&ui->detail, json, error);
}

/* Close the focused pane: 1 when there was one besides the list. */
static int
ui_close_focused(struct ui *ui)
{
    struct ui_pane *p = ui_pane_focused(ui), *last = NULL;

    if (p == &ui->pods_up) {
        /* From the list: the detail pane first, then the newest pane;
         * only a list alone quits. */
        if (ui->detail.mode != VIEW_DETAIL_NONE)
            p = &ui->detail_up;
        else {
            for (struct ui_pane *q = ui->panes; q != NULL; q = q->next)
                if (q != &ui->pods_up && q != &ui->detail_up)
                    last = q;
            if (last == NULL)
                return 0;
            p = last;
        }
    }
    if (p == &ui->detail_up)
        ui_open(ui, VIEW_DETAIL_NONE);
    else
        ui_pane_close(ui, p);
    return 1;
}

static void
ui_act_close(struct ui *ui)
{
    ui_close_focused(ui);
}

static void
ui_act_close_or_quit(struct ui *ui)
{
    if (!ui_close_focused(ui))
        ui_quit(ui, "key");
}

static void
ui_act_help(struct ui *ui)
{
    view_help_open(&ui->help, ui->ctx);
}

static void
ui_act_quit(struct ui *ui)
{
    ui_quit(ui, "key");
}

static void
ui_dialog_end(struct ui *ui)
{
    ui->dialog = 0;
    free(ui->dlg_ns);
    free(ui->dlg_name);
    free(ui->pr_key);
    kbuf_done(&ui->input);
    ui->dlg_ns = ui->dlg_name = NULL;
    screen_focus(ui->screen, NULL);
    screen_dirty(ui->screen, &ui->bar_pane, SCREEN_PAINT, "dialog");
}

/* The pod in the detail pane, parsed again (a new tree), or NULL. */
static cJSON *
ui_detail_pod(struct ui *ui)
{
    struct store_obj *o = ui->detail.uid != NULL
                              ? store_find_uid(ui->store, ui->detail.uid)
                              : NULL;

    return o != NULL ? cJSON_ParseWithLength(o->json, o->json_len) : NULL;
}

static void
ui_prompt_end(struct ui *ui)
{
    ui->prompt = UI_PROMPT_NONE;
    kbuf_reset(&ui->input);
    free(ui->pr_key);
    ui->pr_key = NULL;
    free(ui->pr_label);
    ui->pr_label = NULL;
    ui->pr_cb = NULL;
    ui->pr_data = NULL;
    if (ui->pr_back != NULL && ui->pr_back->open && !ui->pr_back->hidden)
        ui_pane_focus(ui, ui->pr_back);
    else
        ui_pane_focus(ui, ui->detail.mode != VIEW_DETAIL_NONE ? &ui->detail_up
                                                              : NULL);
    ui->pr_back = NULL;
    screen_dirty(ui->screen, &ui->bar_pane, SCREEN_PAINT, "prompt");
}

/* End a ui_prompt and call its callback with text (NULL: cancelled). */
static void
ui_prompt_finish(struct ui *ui, const char *text)
{
    ui_prompt_cb cb = ui->pr_cb;
    void        *data = ui->pr_data;
    char        *copy = text != NULL ? xstrdup(text) : NULL;

    ui_prompt_end(ui);
    if (cb != NULL)
        cb(ui, copy, data);
    free(copy);
}

/* Validate by the API's rules, then send the merge patch. */
static void
ui_annotate(struct ui *ui, const char *key, const char *value)
{
    cJSON       *pod = ui_detail_pod(ui);
    const cJSON *ann;
    char        *why, *patch;

    if (pod == NULL || ui->detail.pod_ns == NULL) {
        ui_message(ui, "the pod is gone");
        cJSON_Delete(pod);
        return;
    }
    ann = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(pod, "metadata"), "annotations");
    why = annotate_check(ann, key, value);
    cJSON_Delete(pod);
    if (why != NULL) {
        ui_message(ui, "not sent: %s", why);
        free(why);
        return;
    }
    patch = annotate_patch(key, value);
    klog("annotate %s/%s: %s%s", ui->detail.pod_ns, ui->detail.pod_name, key,
         value != NULL ? "" : " (remove)");
    ui->pod_ops->patch_pod(ui->pod_ops->data, ui->detail.pod_ns,
                           ui->detail.pod_name, patch);
    free(patch);
}

static void
ui_cmd_events(struct ui *ui, const char *args)
{
    (void)args;
    ui_open(ui, VIEW_DETAIL_ALL_EVENTS);
    ui_pane_focus(ui, &ui->detail_up);
}

static void
ui_cmd_describe(struct ui *ui, const char *args)
{
    (void)args;
    ui_open(ui, VIEW_DETAIL_DESCRIBE);
}

static void
ui_cmd_yaml(struct ui *ui, const char *args)
{
    (void)args;
    ui_open(ui, VIEW_DETAIL_YAML);
}

static void
ui_cmd_annotations(struct ui *ui, const char *args)
{
    (void)args;
    ui_open(ui, VIEW_DETAIL_ANNOTATIONS);
    ui_pane_focus(ui, &ui->detail_up);
}

static void
ui_cmd_quit(struct ui *ui, const char *args)
{
    (void)args;
    ui_quit(ui, "command");
}

static void
ui_cmd_pods(struct ui *ui, const char *args)
{
    (void)args;
    ui_pane_focus(ui, &ui->pods_up);
}

static const struct ui_command ui_core_commands[] = {
    {"pods", "po", "focus the pod list", ui_cmd_pods},
    {"events", "ev", "every event of the namespace, newest first",
     ui_cmd_events},
    {"describe", NULL, "describe the selected pod", ui_cmd_describe},
    {"yaml", NULL, "the selected pod as YAML", ui_cmd_yaml},
    {"annotations", NULL, "the selected pod's annotations", ui_cmd_annotations},
    {"quit", "q", "quit kpod", ui_cmd_quit},
    {NULL, NULL, NULL, NULL},
};

/* A command line: the first word names a command in one of the tables,
 * the rest (spaces trimmed) is its argument. */
void
ui_command(struct ui *ui, const char *line)
{
    const char *end, *args;
    size_t      n;
    struct kbuf names;

    while (*line == ' ')
        line++;
    if (*line == '\0')
        return;
    end = line + strcspn(line, " ");
    n = (size_t)(end - line);
    for (args = end; *args == ' '; args++)
        ;
    for (size_t t = 0; ui_command_tables[t] != NULL; t++) {
        for (const struct ui_command *c = ui_command_tables[t]; c->name != NULL;
             c++) {
            if ((strlen(c->name) == n && strncmp(c->name, line, n) == 0) ||
                (c->alias != NULL && strlen(c->alias) == n &&
                 strncmp(c->alias, line, n) == 0)) {
                c->fn(ui, args);
                return;
            }
        }
    }
    kbuf_init(&names);
    for (size_t t = 0; ui_command_tables[t] != NULL; t++)
        for (const struct ui_command *c = ui_command_tables[t]; c->name != NULL;
             c++)
            kbuf_printf(&names, "%s%s", names.len > 0 ? ", " : "", c->name);
    ui_message(ui, "unknown command :%.*s (%s)", (int)n, line,
               names.data != NULL ? names.data : "");
    kbuf_done(&names);
}

/* Append a typed code point as UTF-8. */
static void
ui_input_add(struct kbuf *b, int key)
{
    char   u[4];
    size_t n = 0;

    if (key < 0x80)
        u[n++] = (char)key;
    else if (key < 0x800) {
        u[n++] = (char)(0xc0 | (key >> 6));
        u[n++] = (char)(0x80 | (key & 0x3f));
    } else if (key < 0x10000) {
        u[n++] = (char)(0xe0 | (key >> 12));
        u[n++] = (char)(0x80 | ((key >> 6) & 0x3f));
        u[n++] = (char)(0x80 | (key & 0x3f));
    } else {
        u[n++] = (char)(0xf0 | (key >> 18));
        u[n++] = (char)(0x80 | ((key >> 12) & 0x3f));
        u[n++] = (char)(0x80 | ((key >> 6) & 0x3f));
        u[n++] = (char)(0x80 | (key & 0x3f));
    }
    kbuf_append(b, u, n);
}

static int
ui_prompt_key(struct ui *ui, int key)
{
    if (ui->prompt == UI_PROMPT_COMMAND) {
        enum cmdline_result r = cmdline_key(ui, key);

        if (r == CMDLINE_ACCEPT) {
            char *cmd = xstrdup(ui->input.data ? ui->input.data : "");

            ui_prompt_end(ui);
            ui_command(ui, cmd);
            free(cmd);
        } else if (r == CMDLINE_CANCEL)
            ui_prompt_end(ui);
        screen_dirty(ui->screen, &ui->bar_pane, SCREEN_PAINT, "prompt");
        return 1;
    }
    if (ui->prompt == UI_PROMPT_REMOVE) {
        if (key == 'y' || key == 'Y') {
            char *k = xstrdup(ui->pr_key);

            ui_prompt_end(ui);
            ui_annotate(ui, k, NULL);
            free(k);
        } else if (key == 'n' || key == 'N' || key == 27 || key == 'q') {
            ui_prompt_end(ui);
            ui_message(ui, "remove cancelled");
        }
        return 1;
    }
    if (key == 27) {
        if (ui->prompt == UI_PROMPT_INPUT)
            ui_prompt_finish(ui, NULL);
        else {
            ui_prompt_end(ui);
            ui_message(ui, "cancelled");
        }
        return 1;
    } else if (key == '\r' || key == '\n' || key == SCREEN_FKEY(KEY_ENTER)) {
        const char *text = ui->input.data ? ui->input.data : "";

        if (ui->prompt == UI_PROMPT_INPUT) {
            ui_prompt_finish(ui, text);
            return 1;
        } else if (ui->prompt == UI_PROMPT_COMMAND) {
            char *cmd = xstrdup(text);

            ui_prompt_end(ui);
            ui_command(ui, cmd);
            free(cmd);
        } else if (ui->prompt == UI_PROMPT_KEY) {
            char *why = annotate_check_key(text);

            if (why != NULL) {
                /* the input line closes so the reason shows */
                ui_prompt_end(ui);
                ui_message(ui, "not sent: metadata.annotations: %s", why);
                free(why);
            } else {
                ui->pr_key = xstrdup(text);
                kbuf_reset(&ui->input);
                ui->prompt = UI_PROMPT_VALUE;
            }
        } else {
            char *k = xstrdup(ui->pr_key), *val = xstrdup(text);

            ui_prompt_end(ui);
            ui_annotate(ui, k, val);
            free(k);
            free(val);
        }
    } else if (key == SCREEN_CTRL('n')) {
        kbuf_puts(&ui->input, "\n"); /* ctrl-n: a newline in the value */
    } else if (key == SCREEN_FKEY(KEY_BACKSPACE) || key == 127 || key == 8) {
        while (ui->input.len > 0 &&
               ((unsigned char)ui->input.data[--ui->input.len] & 0xc0) == 0x80)
            ;
        if (ui->input.data != NULL)
            ui->input.data[ui->input.len] = '\0';
    } else if (key == SCREEN_CTRL('u')) {
        kbuf_reset(&ui->input);
    } else if (key >= 32 && key < 0x110000) {
        ui_input_add(&ui->input, key);
    }
    screen_dirty(ui->screen, &ui->bar_pane, SCREEN_PAINT, "prompt");
    return 1;
}

/* The delete dialog's and the input line's keys: nothing else happens
 * while one is open. */
static int
ui_bar_key(void *data, int key)
{
    struct ui *ui = data;

    if (ui->prompt != UI_PROMPT_NONE)
        return ui_prompt_key(ui, key);
    if (!ui->dialog)
        return 0;
    switch (key) {
    case 'y':
    case 'Y':
    case 'f':
    case 'F': {
        long grace = key == 'f' || key == 'F' ? 0 : ui->dlg_grace;

        klog("delete %s/%s grace %ld", ui->dlg_ns, ui->dlg_name, grace);
        ui->pod_ops->delete_pod(ui->pod_ops->data, ui->dlg_ns, ui->dlg_name,
                                grace);
        ui_dialog_end(ui);
        break;
    }
    case '+':
        ui->dlg_grace++;
        break;
    case '-':
        if (ui->dlg_grace > 0)
            ui->dlg_grace--;
        break;
    case 'n':
    case 'N':
    case 'q':
    case 27:
        ui_dialog_end(ui);
        ui_message(ui, "delete cancelled");
        break;
    default:
        break;
    }
    screen_dirty(ui->screen, &ui->bar_pane, SCREEN_PAINT, "dialog");
    return 1;
}

static int
ui_ann_ready(struct ui *ui)
{
    if (ui->detail.mode != VIEW_DETAIL_ANNOTATIONS)
        return 0;
    if (ui->pod_ops == NULL || ui->pod_ops->patch_pod == NULL) {
        ui_message(ui, "read-only: annotations cannot change");
        return 0;
    }
    return 1;
}

static void
ui_prompt_start(struct ui *ui, int prompt)
{
    if (ui->prompt == UI_PROMPT_NONE)
        ui->pr_back = ui_pane_focused(ui);
    ui->prompt = prompt;
    screen_focus(ui->screen, &ui->bar_pane);
    screen_dirty(ui->screen, &ui->bar_pane, SCREEN_PAINT, "prompt");
}

void
ui_prompt(struct ui *ui, const char *label, const char *initial,
          ui_prompt_cb cb, void *data)
{
    if (ui->prompt != UI_PROMPT_NONE) {
        /* one input at a time: the new one wins, the old is cancelled */
        if (ui->prompt == UI_PROMPT_INPUT)
            ui_prompt_finish(ui, NULL);
        else
            ui_prompt_end(ui);
    }
    kbuf_reset(&ui->input);
    if (initial != NULL)
        kbuf_puts(&ui->input, initial);
    ui->pr_label = xstrdup(label);
    ui->pr_cb = cb;
    ui->pr_data = data;
    ui_prompt_start(ui, UI_PROMPT_INPUT);
}

static void
ui_act_ann_add(struct ui *ui)
{
    if (!ui_ann_ready(ui))
        return;
    kbuf_reset(&ui->input);
    ui_prompt_start(ui, UI_PROMPT_KEY);
}

/* The selected annotation into pr_key (and its value into the input). */
static int
ui_ann_selected(struct ui *ui, int prefill)
{
    const char *key, *value;

    if (!ui_ann_ready(ui))
        return 0;
    if ((key = view_detail_annotation(&ui->detail, &value)) == NULL) {
        ui_message(ui, "no annotation selected");
        return 0;
    }
    free(ui->pr_key);
    ui->pr_key = xstrdup(key);
    kbuf_reset(&ui->input);
    if (prefill)
        kbuf_puts(&ui->input, value);
    return 1;
}

static void
ui_act_ann_edit(struct ui *ui)
{
    if (ui_ann_selected(ui, 1)) /* pre-filled with the current value */
        ui_prompt_start(ui, UI_PROMPT_VALUE);
}

static void
ui_act_ann_remove(struct ui *ui)
{
    if (ui_ann_selected(ui, 0))
        ui_prompt_start(ui, UI_PROMPT_REMOVE);
}

static void
ui_act_command(struct ui *ui)
{
    kbuf_reset(&ui->input);
    cmdline_open(ui);
    ui_prompt_start(ui, UI_PROMPT_COMMAND);
}

static void
ui_act_annotations(struct ui *ui)
{
    ui_open(ui, VIEW_DETAIL_ANNOTATIONS);
    screen_focus(ui->screen, &ui->detail.pane);
}

static void
ui_act_delete(struct ui *ui)
{
    const char       *uid = view_pods_selected(&ui->pods);
    struct store_obj *o = uid != NULL ? store_find_uid(ui->store, uid) : NULL;
    cJSON            *pod, *md, *g;

    if (ui->pod_ops == NULL || ui->pod_ops->delete_pod == NULL) {
        ui_message(ui, "read-only: delete is off");
        return;
    }
    if (o == NULL ||
        (pod = cJSON_ParseWithLength(o->json, o->json_len)) == NULL) {
        ui_message(ui, "no pod selected");
        return;
    }
    md = cJSON_GetObjectItemCaseSensitive(pod, "metadata");
    g = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(pod, "spec"),
        "terminationGracePeriodSeconds");
    free(ui->dlg_ns);
    free(ui->dlg_name);
    ui->dlg_ns = xstrdup(
        cJSON_IsString(cJSON_GetObjectItemCaseSensitive(md, "namespace"))
            ? cJSON_GetObjectItemCaseSensitive(md, "namespace")->valuestring
            : "default");
    ui->dlg_name =
        xstrdup(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(md, "name"))
                    ? cJSON_GetObjectItemCaseSensitive(md, "name")->valuestring
                    : "");
    ui->dlg_grace = cJSON_IsNumber(g) ? (long)g->valuedouble : 30;
    cJSON_Delete(pod);
    if (ui->no_confirm_delete) {
        /* config confirm-delete: false; the grace period still applies */
        klog("delete %s/%s grace %ld (no confirmation)", ui->dlg_ns,
             ui->dlg_name, ui->dlg_grace);
        ui->pod_ops->delete_pod(ui->pod_ops->data, ui->dlg_ns, ui->dlg_name,
                                ui->dlg_grace);
        return;
    }
    ui->dialog = 1;
    screen_focus(ui->screen, &ui->bar_pane);
    screen_dirty(ui->screen, &ui->bar_pane, SCREEN_PAINT, "dialog");
}

/* The list's and the detail pane's actions; other files have theirs. */
static const struct ui_action ui_core_actions[] = {
    {"pod.describe", ui_act_describe},
    {"pod.events", ui_act_events},
    {"pod.yaml", ui_act_yaml},
    {"yaml.managed-fields", ui_act_managed_fields},
    {"back", ui_act_close},
    {"pane.close", ui_act_close_or_quit},
    {"pod.delete", ui_act_delete},
    {"help", ui_act_help},
    {"quit", ui_act_quit},
    {"pod.annotations", ui_act_annotations},
    {"command", ui_act_command},
    {"annotation.add", ui_act_ann_add},
    {"annotation.edit", ui_act_ann_edit},
    {"annotation.delete", ui_act_ann_remove},
    {NULL, NULL},
};

/* Every feature's tables: add one line for yours. */
const struct ui_action *const ui_action_tables[] = {
    ui_core_actions, ui_podlist_actions,  ui_switch_actions, ui_pane_actions,
    ui_logs_actions, ui_forwards_actions, ui_exec_actions,   NULL,
};

const struct ui_command *const ui_command_tables[] = {
    ui_core_commands,
    ui_cmdline_commands,
    ui_explain_commands,
    ui_switch_commands,
    ui_logs_commands,
    ui_forwards_commands,
    NULL,
};

/* cursor.* actions as the pod list's own movement keys. */
static const struct {
    const char *name;
    int         key;
} ui_cursor_keys[] = {
    {"cursor.down", SCREEN_FKEY(KEY_DOWN)},
    {"cursor.up", SCREEN_FKEY(KEY_UP)},
    {"cursor.page-down", SCREEN_FKEY(KEY_NPAGE)},
    {"cursor.page-up", SCREEN_FKEY(KEY_PPAGE)},
    {"cursor.top", SCREEN_FKEY(KEY_HOME)},
    {"cursor.bottom", SCREEN_FKEY(KEY_END)},
};

/* A key through the keymap in ctx: 1 when it was bound (or starts a
 * sequence), 0 when it means nothing there. */
static int
ui_dispatch(struct ui *ui, enum keymap_context ctx, int key)
{
    int             code = keycode_from_screen(key), a;
    const char     *name;
    struct ui_pane *focused;

    if (code < 0)
        return 0;
    a = keymap_input_feed(ui->km, &ui->kin, ctx, code);
    if (a == KEYMAP_PENDING)
        return 1;
    if (a < 0)
        return 0;
    name = ui->km->actions[a].name;
    klog("action %s", name);
    ui->ctx = ctx;
    focused = ui_pane_focused(ui);
    if (focused->action != NULL && focused->action(ui, focused, name))
        return 1;
    if (ctx == KEYMAP_PODS) {
        for (size_t i = 0; i < nitems(ui_cursor_keys); i++) {
            if (strcmp(name, ui_cursor_keys[i].name) == 0) {
                int used = view_pods_key(&ui->pods, ui_cursor_keys[i].key);
                if (used && ui->detail.mode != VIEW_DETAIL_NONE)
                    screen_dirty(ui->screen, &ui->detail.pane, SCREEN_DATA,
                                 "selection");
                return 1;
            }
        }
    }
    for (size_t t = 0; ui_action_tables[t] != NULL; t++) {
        for (const struct ui_action *u = ui_action_tables[t]; u->name != NULL;
             u++) {
            if (strcmp(name, u->name) == 0) {
                u->fn(ui);
                return 1;
            }
        }
    }
    ui_message(ui, "%s: not available here yet", name);
    return 1;
}

static void
ui_key(struct screen *s, int key, void *data)
{
    struct ui *ui = data;

    (void)s;
    ui_dispatch(ui, ui_pane_focused(ui)->ctx, key);
}

/* The list's keys, and then the detail pane follows the selection. */
static int
ui_pods_key(void *data, int key)
{
    struct view_pods *v = data;
    struct ui        *ui =
        (struct ui *)(void *)((char *)v - offsetof(struct ui, pods));

    return ui_dispatch(ui, KEYMAP_PODS, key);
}

static void
ui_events_changed(struct store *st, void *data)
{
    struct ui *ui = data;

    (void)st;
    if (ui->detail.mode != VIEW_DETAIL_NONE)
        screen_dirty(ui->screen, &ui->detail.pane, SCREEN_DATA, "events");
}

static void
ui_signal_quit(struct screen *s, int signum, void *data)
{
    (void)s;
    ui_quit(data, strsignal(signum));
}

/* --stats lines. unix_ms lets a script that started kpod measure launch
 * -> first full frame on its own clock; ms counts from ui_create. */
static void
ui_frame_stats(struct ui *ui)
{
    struct timespec ts;
    uint64_t        lat = screen_key_latency(ui->screen);

    if (ui->live && !ui->first_done && !ui->deferred) {
        ui->first_done = 1;
        clock_gettime(CLOCK_REALTIME, &ts);
        fprintf(ui->stats,
                "{\"event\":\"first_frame\",\"rows\":%zu,\"ms\":%.3f,"
                "\"unix_ms\":%.3f}\n",
                store_count(ui->store),
                (double)(uv_hrtime() - ui->start_ns) / 1e6,
                (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6);
    }
    if (ui->change_ns != 0) {
        clock_gettime(CLOCK_REALTIME, &ts);
        fprintf(ui->stats,
                "{\"event\":\"change\",\"rows\":%zu,\"latency_us\":%.1f,"
                "\"unix_ms\":%.3f}\n",
                store_count(ui->store),
                (double)(uv_hrtime() - ui->change_ns) / 1e3,
                (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6);
    }
    if (lat != 0)
        fprintf(ui->stats, "{\"event\":\"key\",\"latency_us\":%.1f}\n",
                (double)lat / 1e3);
    fflush(ui->stats);
}

static void
ui_frame(struct screen *s, void *data)
{
    struct ui *ui = data;
    uint64_t   now;
    double     ms;

    (void)s;
    if (ui->stats != NULL)
        ui_frame_stats(ui);
    if (ui->change_ns == 0)
        return;
    now = uv_hrtime();
    ms = (double)(now - ui->change_ns) / 1e6;
    ui->rebuild_at = now + UI_REBUILD_FACTOR * screen_frame_cost(ui->screen);
    ui->change_frames++;
    if (ms > ui->max_latency_ms)
        ui->max_latency_ms = ms;
    klog("frame %llu: store gen %llu on screen %.1f ms after the change",
         (unsigned long long)screen_frames(ui->screen),
         (unsigned long long)ui->change_gen, ms);
    ui->change_ns = 0;
}

static void
ui_rebuild_cb(uv_timer_t *t)
{
    struct ui *ui = t->data;

    ui->deferred = 0;
    screen_dirty(ui->screen, &ui->pods.pane, SCREEN_DATA, "store changed");
}

/* Rebuild the pod list now, or when the last rebuild has been paid for. */
static void
ui_mark_data(struct ui *ui, int now_anyway)
{
    uint64_t now = uv_hrtime();

    if (now_anyway || now >= ui->rebuild_at) {
        if (ui->deferred)
            uv_timer_stop(&ui->rebuild);
        ui->deferred = 0;
        screen_dirty(ui->screen, &ui->pods.pane, SCREEN_DATA, "store changed");
        return;
    }
    if (ui->deferred)
        return;
    ui->deferred = 1;
    uv_timer_start(&ui->rebuild, ui_rebuild_cb,
                   (ui->rebuild_at - now) / 1000000 + 1, 0);
}

static void
ui_store_changed(struct store *st, void *data)
{
    struct ui *ui = data;

    if (ui->change_ns == 0)
        ui->change_ns = uv_hrtime();
    ui->change_gen = store_generation(st);
    ui_mark_data(ui, 0);
    if (ui->detail.mode != VIEW_DETAIL_NONE)
        screen_dirty(ui->screen, &ui->detail.pane, SCREEN_DATA, "pod changed");
    screen_dirty(ui->screen, &ui->bar_pane, SCREEN_PAINT, "pod count");
}

static void
ui_tick_cb(uv_timer_t *t)
{
    struct ui *ui = t->data;

    /* AGE and "retrying in Ns" move with the clock. */
    screen_dirty(ui->screen, &ui->pods.pane, SCREEN_DATA, "tick");
    if (ui->detail.mode != VIEW_DETAIL_NONE)
        screen_dirty(ui->screen, &ui->detail.pane, SCREEN_DATA, "tick");
    /* other panes' titles count down too (reconnecting in Ns) */
    for (struct ui_pane *p = ui->panes; p != NULL; p = p->next)
        if (p != &ui->pods_up && p != &ui->detail_up)
            screen_dirty(ui->screen, p->sp, SCREEN_PAINT, "tick");
    screen_dirty(ui->screen, &ui->bar_pane, SCREEN_PAINT, "tick");
}

/* Theme roles as the views' attributes. Without colours (NO_COLOR, mono,
 * a terminal without them) only attributes remain, and the bars are
 * reversed so they still stand out. */
void
ui_colors(struct ui *ui)
{
    struct theme_curses tc;
    int colors = screen_has_colors(ui->screen) && !ui->theme->mono;

    theme_curses_init(&tc, ui->theme, colors ? COLORS : 0, 1);
    ui->pods.attrs[VIEW_PODS_OK] = (int)tc.attrs[THEME_POD_RUNNING];
    ui->pods.attrs[VIEW_PODS_WARN] = (int)tc.attrs[THEME_POD_PENDING];
    ui->pods.attrs[VIEW_PODS_ERR] = (int)tc.attrs[THEME_POD_FAILED];
    ui->pods.attrs[VIEW_PODS_GONE] = (int)tc.attrs[THEME_POD_TERMINATING];
    ui->pods.attrs[VIEW_PODS_DONE] = (int)tc.attrs[THEME_POD_SUCCEEDED];
    ui->bar_attr = (int)tc.attrs[THEME_STATUSBAR];
    ui->border_attr = (int)tc.attrs[THEME_BORDER];
    ui->detail.title_attr = (int)tc.attrs[THEME_STATUSBAR];
    ui->detail.warn_attr = (int)tc.attrs[THEME_EVENT_WARNING];
    ui->detail.match_attr = (int)tc.attrs[THEME_SEARCH_MATCH];
    if (!colors) {
        ui->bar_attr |= A_REVERSE;
        ui->detail.title_attr |= A_REVERSE;
        ui->detail.match_attr |= A_REVERSE;
    }
}

/* The status bar's hint from the keys really bound in the pod list:
 * "j/k move  q quit " with the default keymap. */
char *
ui_hint(const struct keymap *km)
{
    static const char *names[] = {"cursor.down", "cursor.up", "pane.close",
                                  "help"};
    char              *first[4];
    char              *hint;

    for (size_t i = 0; i < nitems(names); i++) {
        int   a = keymap_action_find(km, names[i]);
        char *keys = a >= 0 ? keymap_keys_of(km, KEYMAP_PODS, (size_t)a, NULL)
                            : xstrdup("");
        if (*keys == '\0' && a >= 0) {
            free(keys);
            keys = keymap_keys_of(km, KEYMAP_GLOBAL, (size_t)a, NULL);
        }
        keys[strcspn(keys, ",")] = '\0';
        first[i] = keys;
    }
    if (*first[0] != '\0' && *first[1] != '\0' && *first[2] != '\0')
        hint = xasprintf("%s/%s move  %s quit ", first[0], first[1], first[2]);
    else
        hint = xasprintf("%s%s", first[3], *first[3] != '\0' ? " help " : "");
    for (size_t i = 0; i < nitems(first); i++)
        free(first[i]);
    return hint;
}

/* The pane under a cell, or NULL. */
static struct ui_pane *
ui_pane_at(struct ui *ui, int x, int y)
{
    for (struct ui_pane *p = ui->panes; p != NULL; p = p->next) {
        struct screen_pane *sp = p->sp;

        if (p->open && !p->hidden && sp->win != NULL && x >= sp->x &&
            x < sp->x + sp->w && y >= sp->y && y < sp->y + sp->h)
            return p;
    }
    return NULL;
}

/* The mouse (config option mouse): a click focuses the pane under it and
 * in the pod list selects the row; the wheel moves the cursor of the pane
 * under it three lines, through the same actions as the keys. */
static void
ui_mouse(struct screen *s, const struct screen_mouse *m, void *data)
{
    struct ui      *ui = data;
    struct ui_pane *p = ui_pane_at(ui, m->x, m->y);

    (void)s;
    if (p == NULL || ui->prompt != UI_PROMPT_NONE || ui->dialog)
        return;
    if (m->kind == SCREEN_MOUSE_CLICK) {
        ui_pane_focus(ui, p);
        if (p == &ui->pods_up && view_pods_click(&ui->pods, m->y - p->sp->y) &&
            ui->detail.mode != VIEW_DETAIL_NONE)
            screen_dirty(ui->screen, &ui->detail.pane, SCREEN_DATA,
                         "selection");
        screen_dirty(ui->screen, NULL, SCREEN_PAINT, "click");
        return;
    }
    for (int i = 0; i < 3; i++) {
        const char *name =
            m->kind == SCREEN_MOUSE_WHEEL_UP ? "cursor.up" : "cursor.down";

        if (p == &ui->pods_up) {
            view_pods_key(&ui->pods,
                          SCREEN_FKEY(m->kind == SCREEN_MOUSE_WHEEL_UP
                                          ? KEY_UP
                                          : KEY_DOWN));
            if (ui->detail.mode != VIEW_DETAIL_NONE)
                screen_dirty(ui->screen, &ui->detail.pane, SCREEN_DATA,
                             "selection");
        } else if (p->action != NULL)
            p->action(ui, p, name);
    }
}

/* The detail pane's movement and search keys come from the keymap. */
static int
ui_detail_action(struct ui *ui, struct ui_pane *p, const char *name)
{
    (void)p;
    return view_detail_action(&ui->detail, name);
}

struct ui *
ui_create(uv_loop_t *loop, struct store *pods, const struct ui_opts *opts,
          ui_quit_cb quit_cb, void *data, char **cause)
{
    struct ui        *ui = xcalloc(1, sizeof *ui);
    struct screen_cbs cbs = {
        .layout = ui_pane_layout,
        .key = ui_key,
        .quit = ui_signal_quit,
        .frame = ui_frame,
        .data = ui,
        .mouse = ui_mouse,
    };

    ui->loop = loop;
    ui->store = pods;
    ui->quit_cb = quit_cb;
    ui->quit_data = data;
    ui->all_ns = opts->all_namespaces;
    ui->start_ns = uv_hrtime();
    if (opts->stats != NULL) {
        ui->stats = fopen(opts->stats, "a");
        if (ui->stats == NULL) {
            *cause = xasprintf("--stats %s: %s", opts->stats, strerror(errno));
            free(ui);
            return NULL;
        }
    }
    cells_set_utf8(strcmp(nl_langinfo(CODESET), "UTF-8") == 0);
    ui->screen = screen_create(loop, &cbs, cause);
    if (ui->screen == NULL) {
        if (ui->stats != NULL)
            fclose(ui->stats);
        free(ui);
        return NULL;
    }
    if (opts->refresh_cap > 0)
        screen_set_fps(ui->screen, opts->refresh_cap);
    if (opts->mouse)
        screen_set_mouse(ui->screen, 1);
    ui->no_confirm_delete = opts->no_confirm_delete;
    ui->km = opts->keymap;
    if (ui->km == NULL) {
        ui->km = ui->own_km = keymap_create(keymap_actions, keymap_nactions, 0);
        keymap_load(ui->km, "default");
    }
    ui->theme = opts->theme;
    if (ui->theme == NULL)
        ui->theme = ui->own_theme = theme_create(getenv("NO_COLOR") != NULL);
    view_pods_init(&ui->pods, ui->screen, pods, opts->all_namespaces);
    ui->pods_ops = *ui->pods.pane.ops;
    ui->pods_ops.key = ui_pods_key;
    ui->pods.pane.ops = &ui->pods_ops;
    ui->events = opts->events;
    ui->pod_ops = opts->pod_ops;
    kbuf_init(&ui->input);
    view_detail_init(&ui->detail, ui->screen, pods, opts->events, &ui->pods);
    ui->detail.fetch = opts->get_pod;
    ui->detail.fetch_data = opts->get_pod_data;
    widget_statusbar_init(&ui->bar, opts->context,
                          opts->all_namespaces ? NULL : opts->ns);
    ui->bar_ops = ui_bar_ops;
    ui->bar_ops.key = ui_bar_key;
    ui->bar.hint = ui_hint(ui->km);
    ui->bar_pane.ops = &ui->bar_ops;
    ui->bar_pane.data = ui;
    ui_colors(ui);
    ui->client = opts->client;
    ui->shell = opts->shell != NULL ? xstrdup(opts->shell) : NULL;
    ui->pods_up.sp = &ui->pods.pane;
    ui->pods_up.ctx = KEYMAP_PODS;
    ui->pods_up.action = ui_podlist_action;
    ui->pods_up.open = 1;
    ui->detail_up.sp = &ui->detail.pane;
    ui->detail_up.ctx = KEYMAP_DESCRIBE;
    ui->detail_up.action = ui_detail_action;
    ui->detail_up.open = 1;
    ui->detail_up.hidden = 1;
    ui->panes = &ui->pods_up;
    ui->pods_up.next = &ui->detail_up;
    ui->layout = layout_create(&ui->pods_up);
    ui->log_buffer_lines = opts->log_buffer_lines;
    screen_add_pane(ui->screen, &ui->pods.pane);
    screen_add_pane(ui->screen, &ui->detail.pane);
    view_help_init(&ui->help, ui->screen, ui->km);
    screen_add_pane(ui->screen, &ui->help.pane);
    screen_add_pane(ui->screen, &ui->bar_pane);

    uv_timer_init(loop, &ui->tick);
    ui->tick.data = ui;
    uv_timer_start(&ui->tick, ui_tick_cb, 1000, 1000);
    uv_timer_init(loop, &ui->rebuild);
    ui->rebuild.data = ui;
    store_listen(pods, ui_store_changed, ui);
    if (ui->events != NULL)
        store_listen(ui->events, ui_events_changed, ui);
    return ui;
}

void
ui_set_conn(struct ui *ui, const struct reflector_status *st)
{
    widget_statusbar_set_conn(&ui->bar, st);
    switch (st->state) {
    case REFLECTOR_CONNECTING:
        ui->pods.empty_text = "Connecting...";
        break;
    case REFLECTOR_LIVE:
        ui->live = 1;
        if (ui->deferred) /* the complete list goes on screen at once */
            ui_mark_data(ui, 1);
        ui->pods.empty_text =
            ui->all_ns ? "No pods." : "No pods in this namespace.";
        break;
    case REFLECTOR_RETRYING:
    case REFLECTOR_STOPPED:
        ui->pods.empty_text = "No connection (see the status bar).";
        break;
    }
    screen_dirty(ui->screen, &ui->pods.pane, SCREEN_PAINT, "connection");
    if (ui->screen != NULL)
        screen_dirty(ui->screen, &ui->bar_pane, SCREEN_PAINT, "connection");
}

void
ui_message(struct ui *ui, const char *fmt, ...)
{
    va_list ap;

    free(ui->bar.message);
    ui->bar.message = NULL;
    if (fmt != NULL) {
        va_start(ap, fmt);
        ui->bar.message = xvasprintf(fmt, ap);
        va_end(ap);
        klog("%s", ui->bar.message);
    }
    screen_dirty(ui->screen, &ui->bar_pane, SCREEN_PAINT, "message");
}

void
ui_stats(struct ui *ui, struct ui_stats *st)
{
    st->frames = screen_frames(ui->screen);
    st->change_frames = ui->change_frames;
    st->max_latency_ms = ui->max_latency_ms;
}

static void
ui_closed_one(struct ui *ui)
{
    /* A hold released while the UI runs (a log pane closed) only counts
     * down: the UI ends after ui_close and the last release. */
    if (--ui->open > 0 || !ui->closing)
        return;
    view_pods_done(&ui->pods);
    view_detail_done(&ui->detail);
    view_help_done(&ui->help);
    ui_pane_done(ui);
    free(ui->dlg_ns);
    free(ui->dlg_name);
    free(ui->pr_key);
    free(ui->pr_label);
    free(ui->shell);
    kbuf_done(&ui->input);
    widget_statusbar_done(&ui->bar);
    if (ui->stats != NULL)
        fclose(ui->stats);
    cmdline_free(ui);
    keymap_free(ui->own_km);
    theme_free(ui->own_theme);
    if (ui->done_cb != NULL)
        ui->done_cb(ui->done_data);
    free(ui);
}

static void
ui_screen_closed(void *data)
{
    ui_closed_one(data);
}

static void
ui_tick_closed(uv_handle_t *h)
{
    ui_closed_one(h->data);
}

/* Close every pane but the list and the detail pane (newest first). */
static void
ui_close_panes(struct ui *ui)
{
    for (;;) {
        struct ui_pane *last = NULL;

        for (struct ui_pane *p = ui->panes; p != NULL; p = p->next)
            if (p != &ui->pods_up && p != &ui->detail_up)
                last = p;
        if (last == NULL)
            break;
        ui_pane_close(ui, last);
    }
}

void
ui_set_client(struct ui *ui, struct kclient *client)
{
    /* Panes that talk to the old cluster go (their close hooks stop their
     * requests while the old client still exists). */
    for (;;) {
        struct ui_pane *bound = NULL;

        for (struct ui_pane *p = ui->panes; p != NULL; p = p->next)
            if (p->bound)
                bound = p;
        if (bound == NULL)
            break;
        ui_pane_close(ui, bound);
    }
    cmdline_client_changed(ui);
    ui_forwards_session_changed(ui); /* forwards go with their cluster */
    ui->client = client;
}

void
ui_close(struct ui *ui, void (*done_cb)(void *), void *data)
{
    if (ui->closing)
        return;
    ui->closing = 1;
    ui->done_cb = done_cb;
    ui->done_data = data;
    /* tick, rebuild, the screen, and this function: the panes' close
     * hooks may hold the UI too */
    ui->open += 4;
    ui_close_panes(ui);
    cmdline_stop(ui);
    ui_forwards_close(ui);
    store_unlisten(ui->store, ui_store_changed, ui);
    if (ui->events != NULL)
        store_unlisten(ui->events, ui_events_changed, ui);
    uv_close((uv_handle_t *)&ui->tick, ui_tick_closed);
    uv_close((uv_handle_t *)&ui->rebuild, ui_tick_closed);
    screen_close(ui->screen, ui_screen_closed, ui);
    ui_closed_one(ui);
}
