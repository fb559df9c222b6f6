/*
 * What the files of ui/ share: struct ui, the panes beside the pod list,
 * the tables that map action names (from the keymap) and command names
 * (the : line) to handlers, and the one-line prompt in the status bar.
 * A feature lives in its own file: it defines an action table and a
 * command table, adds one line naming each to ui.c's lists, and opens its
 * panes with ui_pane_open. Nothing here is seen outside ui/.
 */
#ifndef KPOD_UI_INT_H
#define KPOD_UI_INT_H

#include <stdint.h>
#include <stdio.h>

#include "keymap.h"
#include "screen.h"
#include "ui.h"
#include "view-detail.h"
#include "view-help.h"
#include "view-pods.h"
#include "widget-statusbar.h"

struct cJSON;
struct kclient;
struct cmdline;
struct session;
struct layout;

enum {
    UI_PROMPT_NONE,
    UI_PROMPT_KEY,     /* a new annotation's key */
    UI_PROMPT_VALUE,   /* its value (pre-filled when editing) */
    UI_PROMPT_REMOVE,  /* y/n */
    UI_PROMPT_COMMAND, /* the : command line */
    UI_PROMPT_INPUT,   /* ui_prompt: a label, a line, a callback */
};

/* How a new pane shares the room with the focused one. */
enum ui_split {
    UI_SPLIT_AUTO,       /* the layout decides */
    UI_SPLIT_VERTICAL,   /* side by side (tmux's split-window -h, `|`) */
    UI_SPLIT_HORIZONTAL, /* stacked (`-`) */
};

struct ui_pane;

/* A pane in the layout: a screen pane plus what the UI needs to route
 * keys to it and to close it. The owner fills it and keeps its memory. */
struct ui_pane {
    struct screen_pane *sp;  /* its ops/data/window (owner's) */
    enum keymap_context ctx; /* where its keys are looked up when focused */
    /* An action while it is focused, before the UI's tables: 1 when used
     * (NULL: none). Cursor and search actions come here too. */
    int (*action)(struct ui *, struct ui_pane *, const char *name);
    /* The UI took it out of the layout (ui_pane_close, quit, a context
     * switch for bound panes). Stop its work and free it here or later;
     * it must not use the UI after returning unless it holds it with
     * ui_hold. NULL: nothing to do. */
    void (*close)(struct ui *, struct ui_pane *);
    void *data;
    int   bound;  /* uses ui->client: closed when the client changes */
    int   hidden; /* in the layout but given no room (the detail pane
                     while it shows nothing) */
    /* the UI's own */
    int             open;
    struct ui_pane *next;
};

/* Handlers of the keymap's action names (src/keymap-actions.c has their
 * names, contexts and help; keymaps/default.yaml their keys). Tables end
 * with {NULL, NULL}. */
struct ui_action {
    const char *name;
    void (*fn)(struct ui *);
};

/* The : line's commands: `:name args`. Tables end with {NULL}. */
struct ui_command {
    const char *name;
    const char *alias; /* or NULL */
    const char *help;  /* one line, for completion and :help */
    void (*fn)(struct ui *, const char *args);
};

/* Called with the typed text, or NULL when cancelled (Esc). */
typedef void (*ui_prompt_cb)(struct ui *, const char *text, void *data);

#define UI_REBUILD_FACTOR 3 /* idle at least 3x what the last rebuild took */

struct ui {
    uv_loop_t             *loop;
    struct screen         *screen;
    struct store          *store;
    struct kclient        *client;  /* the current context's; may be NULL */
    struct session        *session; /* switches context/namespace; or NULL */
    struct view_pods       pods;
    struct screen_pane_ops pods_ops; /* view_pods' ops, key wrapped */
    struct view_detail     detail;
    struct ui_pane         pods_up;   /* the list in the layout */
    struct ui_pane         detail_up; /* the detail pane in the layout */
    struct ui_pane        *panes;     /* every pane in the layout, in
                                         the order opened */
    struct layout           *layout;  /* where they are (ui-panes.c) */
    struct screen_pane     **divs;    /* divider columns, reused */
    size_t                   ndivs;
    int                      border_attr;
    long                     log_buffer_lines; /* per log pane; 0 default */
    struct store            *events;           /* may be NULL */
    const struct ui_pod_ops *pod_ops;          /* NULL = read-only */
    struct screen_pane_ops   bar_ops; /* the bar, with the dialog's keys */
    /* the delete confirmation (in the status bar line, modal) */
    int   dialog;
    char *dlg_ns, *dlg_name;
    long  dlg_grace;
    /* the input line (also in the status bar line, modal) */
    int         prompt; /* UI_PROMPT_* */
    struct kbuf input;
    char       *pr_key;               /* the annotation being edited or
                                         removed */
    char                   *pr_label; /* UI_PROMPT_INPUT */
    ui_prompt_cb            pr_cb;
    void                   *pr_data;
    struct ui_pane         *pr_back; /* focus after the prompt */
    struct widget_statusbar bar;
    struct screen_pane      bar_pane;
    int                     bar_attr;
    uv_timer_t              tick;
    uv_timer_t              rebuild;    /* a deferred store-change rebuild */
    int                     deferred;   /* rebuild is armed */
    uint64_t                rebuild_at; /* ns: no rebuild before this */
    ui_quit_cb              quit_cb;
    void                   *quit_data;
    int                     quitting;
    int                     all_ns;
    uint64_t                change_ns;  /* first unshown store change */
    uint64_t                change_gen; /* store generation then */
    uint64_t                change_frames;
    double                  max_latency_ms;
    FILE                   *stats;      /* --stats, or NULL */
    uint64_t                start_ns;   /* ui_create */
    int                     live;       /* the first list is complete */
    int                     first_done; /* first_frame written */
    int                     closing;
    int                     open; /* screen + tick + rebuild + holds */
    void (*done_cb)(void *);
    void               *done_data;
    struct keymap      *km;     /* every key goes through it */
    struct keymap      *own_km; /* made here when opts had none */
    struct keymap_input kin;
    enum keymap_context ctx; /* of the key being dispatched */
    struct view_help    help;
    const struct theme *theme;
    struct theme       *own_theme;
    struct cmdline     *cmdline; /* the : line's state (ui/cmdline.c) */
    int                 no_confirm_delete; /* delete without the dialog */
    char               *shell;    /* the shell action's command, or NULL */
    struct ui_forwards *forwards; /* ui-forwards.c's (NULL until used) */
};

/* Put p in the layout and focus it: split the focused pane side by side
 * (VERTICAL) or stacked (HORIZONTAL); AUTO opens the first pane from the
 * list under it and later ones beside the newest pane, and from another
 * pane splits its longer side (ui-panes.c). */
void ui_pane_open(struct ui *, struct ui_pane *, enum ui_split);
/* Take p out of the layout and call its close hook. */
void ui_pane_close(struct ui *, struct ui_pane *);
void ui_pane_focus(struct ui *, struct ui_pane *);
/* The focused pane (the pod list when nothing else is). */
struct ui_pane *ui_pane_focused(struct ui *);
/* Mark p's rows stale (DATA) or only its paint (PAINT). */
void ui_pane_dirty(struct ui *, struct ui_pane *, int level, const char *why);

/* The layout callback of the screen, the detail pane in or out of the
 * layout (under the list), and freeing the layout at the end. */
void ui_pane_layout(struct screen *, int cols, int rows, void *data);
void ui_pane_show_detail(struct ui *, int show);
void ui_pane_done(struct ui *);
/* focus.*, pane.zoom and the resize keys (ui-panes.c). */
extern const struct ui_action ui_pane_actions[];

/* Keep the UI (and ui_close's done callback) alive until ui_release: for
 * a pane whose close finishes later (handles closing). */
void ui_hold(struct ui *);
void ui_release(struct ui *);

/* A one-line input in the status bar: label, then the text (initial
 * pre-filled); Enter calls cb with it, Esc with NULL. Keys go to it until
 * then. */
void ui_prompt(struct ui *, const char *label, const char *initial,
               ui_prompt_cb cb, void *data);

/* The selected pod as a new tree (caller frees with cJSON_Delete), or NULL
 * (with a message in the status bar) when there is none. */
struct cJSON *ui_selected_pod(struct ui *);

/* Ask the program to quit (once). */
void ui_quit(struct ui *, const char *why);
/* Run a command line (without the colon). */
void ui_command(struct ui *, const char *line);

/* Theme roles to the views' attributes again (after ui->theme changed). */
void ui_colors(struct ui *);
/* The status bar's key hint from the keys bound in km (caller frees). */
char *ui_hint(const struct keymap *);
/* ui-forwards.c: the port-forwards outlive panes; they stop when the
 * client changes and when the UI closes (holding it until closed). */
void ui_forwards_session_changed(struct ui *);
void ui_forwards_close(struct ui *);

/* The features' tables (one line each in ui.c's lists). */
extern const struct ui_action  ui_forwards_actions[];
extern const struct ui_command ui_forwards_commands[];
extern const struct ui_action  ui_exec_actions[];

/* The pod list's filter and sort (ui-podlist.c): its pane's action hook
 * and its table. */
int ui_podlist_action(struct ui *, struct ui_pane *, const char *name);
extern const struct ui_action ui_podlist_actions[];
/* The features' tables (ui-switch.c: namespace and context). */
extern const struct ui_action  ui_switch_actions[];
extern const struct ui_command ui_switch_commands[];

/* Every action and command table, NULL-terminated lists. */
extern const struct ui_action *const  ui_action_tables[];
extern const struct ui_command *const ui_command_tables[];

#endif
