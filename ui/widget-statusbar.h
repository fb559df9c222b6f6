/*
 * The status bar: one line saying where kpod is looking (context,
 * namespace), how the connection is (connecting / live / retrying in Ns /
 * error with the server's message) and how many pods it shows. The text is
 * built by a pure function so tests can check it without a terminal.
 */
#ifndef KPOD_WIDGET_STATUSBAR_H
#define KPOD_WIDGET_STATUSBAR_H

#include <stddef.h>
#include <stdint.h>

#include "reflector.h"
#include "term.h"
#include "util.h"

struct widget_statusbar {
    char                *context; /* owned */
    char                *cluster; /* owned, or NULL ("" = not shown) */
    char                *user;    /* owned, or NULL ("" = not shown) */
    char                *ns;      /* owned; NULL = all namespaces */
    enum reflector_state state;
    int64_t              retry_at_ms;
    char                *error; /* owned, or NULL */
    size_t               pods;
    size_t               shown;  /* pods passing the filter */
    const char          *filter; /* borrowed, NULL = none */
    char                *message; /* transient note, owned, or NULL */
    char *hint; /* key hint at the right, owned; NULL: "j/k move  q quit" */
};

void widget_statusbar_init(struct widget_statusbar *, const char *context,
                           const char *ns);
void widget_statusbar_done(struct widget_statusbar *);
/* Where kpod looks now (after a switch): context, its cluster and user
 * (NULL or "" leave them out) and the namespace (NULL = all). */
void widget_statusbar_set_where(struct widget_statusbar *, const char *context,
                                const char *cluster, const char *user,
                                const char *ns);
/* Copy the connection state from a reflector status. */
void widget_statusbar_set_conn(struct widget_statusbar *,
                               const struct reflector_status *);
/* The connection part alone ("live", "retrying in 3s: ..."), for logs. */
void widget_statusbar_conn_text(const struct widget_statusbar *, int64_t now_ms,
                                struct kbuf *);
/* The whole line, exactly width cells. */
void widget_statusbar_format(const struct widget_statusbar *, int64_t now_ms,
                             int width, struct kbuf *);
void widget_statusbar_draw(const struct widget_statusbar *, WINDOW *win,
                           int64_t now_ms, int attr);

#endif
