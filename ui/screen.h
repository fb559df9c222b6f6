/*
 * The terminal and the redraw scheduler. screen owns curses (init and a
 * teardown that always runs: on quit, SIGTERM, SIGHUP and fatal signals),
 * reads keys from a uv_poll on stdin, follows SIGWINCH with uv_signal, and
 * draws only from a uv_prepare hook: at most ~60 frames/s, only dirty
 * panes, each with wnoutrefresh, then one doupdate. Everyone else only
 * marks panes dirty.
 */
#ifndef KPOD_SCREEN_H
#define KPOD_SCREEN_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "term.h"

/* Dirty levels of a pane (NeoMutt's window_redraw): geometry changed,
 * rows must be rebuilt from the data, or the rows only repainted. */
enum {
    SCREEN_LAYOUT = 1,
    SCREEN_DATA = 2,
    SCREEN_PAINT = 4,
};

struct screen;

/* Keys are Unicode code points, or a curses KEY_* code tagged by
 * SCREEN_FKEY so the two ranges never collide. */
#define SCREEN_FKEY(k) (0x01000000 | (k))
#define SCREEN_CTRL(c) ((c)&0x1f)

struct screen_pane_ops {
    const char *name;
    /* DATA: rebuild what paint shows (may be NULL). */
    void (*update)(void *data);
    /* PAINT: draw into win (already erased). */
    void (*paint)(void *data, WINDOW *win, int focused);
    /* A key; returns 1 when used (may be NULL). */
    int (*key)(void *data, int key);
};

struct screen_pane {
    const struct screen_pane_ops *ops;
    void                         *data;
    WINDOW                       *win; /* NULL when it has no room */
    int                           x, y, w, h;
    int                           dirty;
};

/* Called on LAYOUT with the terminal size; places panes with
 * screen_pane_place. */
typedef void (*screen_layout_cb)(struct screen *, int cols, int rows,
                                 void *data);
/* A key no pane used. */
typedef void (*screen_key_cb)(struct screen *, int key, void *data);
/* The user or a signal asked to quit (SIGTERM, SIGHUP, SIGINT). */
typedef void (*screen_quit_cb)(struct screen *, int signum, void *data);
/* After each frame (for the debug log and tests). */
typedef void (*screen_frame_cb)(struct screen *, void *data);

/* A mouse event, in screen cells (0-based). */
enum screen_mouse_kind {
    SCREEN_MOUSE_NONE,
    SCREEN_MOUSE_CLICK, /* button 1 pressed (or clicked) */
    SCREEN_MOUSE_WHEEL_UP,
    SCREEN_MOUSE_WHEEL_DOWN,
};
struct screen_mouse {
    enum screen_mouse_kind kind;
    int                    x, y;
};
/* A mouse event (only after screen_set_mouse(s, 1)). */
typedef void (*screen_mouse_cb)(struct screen *, const struct screen_mouse *,
                                void *data);

struct screen_cbs {
    screen_layout_cb layout;
    screen_key_cb    key;
    screen_quit_cb   quit;
    screen_frame_cb  frame;
    void            *data;
    screen_mouse_cb  mouse; /* may be NULL */
};

/* Curses' mouse state bits to an event kind (pure, for tests). */
enum screen_mouse_kind screen_mouse_kind(unsigned long bstate);
/* Ask the terminal for mouse clicks and wheel (on) or stop (off). */
void screen_set_mouse(struct screen *, int on);
/* At most fps frames per second (the scheduler's cap; default 60). */
void screen_set_fps(struct screen *, int fps);

/* Take over the terminal. NULL with *cause when stdin/stdout is not a
 * terminal or curses fails. */
struct screen *screen_create(uv_loop_t *, const struct screen_cbs *,
                             char **cause);
/* Give the terminal back now (idempotent), close the handles, and call
 * done_cb(data) after the last close callback; then the screen is freed. */
void screen_close(struct screen *, void (*done_cb)(void *), void *data);

void screen_add_pane(struct screen *, struct screen_pane *);
/* Forget a pane (its window is deleted; focus moves to the first pane when
 * it had it). The pane's memory stays the caller's. */
void screen_remove_pane(struct screen *, struct screen_pane *);
void screen_pane_place(struct screen *, struct screen_pane *, int x, int y,
                       int w, int h);
/* Mark a pane (or, with NULL, every pane and the layout) dirty; why is
 * logged. urgent frames skip the frame cap (typing stays instant). */
void screen_dirty(struct screen *, struct screen_pane *, int level,
                  const char *why);
void screen_urgent(struct screen *);

/* Give a pane the keys first (NULL: the first pane added). */
void                screen_focus(struct screen *, struct screen_pane *);
struct screen_pane *screen_focused(struct screen *);

int screen_has_colors(struct screen *);
/* Frames drawn so far and the monotonic ms of the last one. */
uint64_t screen_frames(struct screen *);
/* Nanoseconds from the oldest key not yet on screen to the doupdate of the
 * frame that showed it, once per such frame (for --stats); 0 when the last
 * frame followed no key. */
uint64_t screen_key_latency(struct screen *);
/* Nanoseconds the last frame took to build, paint and doupdate. */
uint64_t screen_frame_cost(struct screen *);

/* How many bytes at the end of buf may be an escape sequence or UTF-8
 * character still arriving (held back briefly instead of letting curses
 * wait); 0 when buf ends complete. */
size_t screen_input_pending(const unsigned char *buf, size_t len);

/* Lending the terminal (an interactive shell in a container): curses
 * ends (endwin: the shell's screen and cursor), the terminal goes raw,
 * stdin's bytes go to input unchanged and the size to resize (at once and
 * on each SIGWINCH); nothing is drawn meanwhile. */
struct screen_suspend_ops {
    void (*input)(void *data, const char *buf, size_t n);
    void (*resize)(void *data, int cols, int rows);
    void *data;
};
void screen_suspend(struct screen *, const struct screen_suspend_ops *);
/* Take the terminal back: the mode it had, curses again, every pane
 * redrawn from scratch (the size may have changed meanwhile). */
void screen_resume(struct screen *);
int  screen_suspended(struct screen *);

/* Restore the terminal from anywhere (fatal paths, atexit). Safe to call
 * twice; async-signal-safe. */
void screen_emergency_restore(void);

#endif
