/*
 * The status bar's text and drawing. The connection state comes from the
 * pod reflector's status (copied, so the bar never holds borrowed
 * pointers); "retrying in Ns" counts down against the time passed in, so
 * the caller redraws it once a second while retrying.
 */
#include <stdlib.h>
#include <string.h>

#include "cells.h"
#include "widget-statusbar.h"

void
widget_statusbar_init(struct widget_statusbar *sb, const char *context,
                      const char *ns)
{
    memset(sb, 0, sizeof *sb);
    sb->context = xstrdup(context != NULL ? context : "");
    sb->ns = ns != NULL ? xstrdup(ns) : NULL;
    sb->state = REFLECTOR_CONNECTING;
}

void
widget_statusbar_done(struct widget_statusbar *sb)
{
    free(sb->context);
    free(sb->cluster);
    free(sb->user);
    free(sb->ns);
    free(sb->error);
    free(sb->message);
    free(sb->hint);
    memset(sb, 0, sizeof *sb);
}

void
widget_statusbar_set_where(struct widget_statusbar *sb, const char *context,
                           const char *cluster, const char *user,
                           const char *ns)
{
    free(sb->context);
    free(sb->cluster);
    free(sb->user);
    free(sb->ns);
    sb->context = xstrdup(context != NULL ? context : "");
    /* A name that repeats the context's says nothing (kind, and
     * kubeconfigs written by tools, name all three alike). */
    sb->cluster =
        cluster != NULL && *cluster != '\0' && strcmp(cluster, sb->context) != 0
            ? xstrdup(cluster)
            : NULL;
    sb->user = user != NULL && *user != '\0' && strcmp(user, sb->context) != 0
                   ? xstrdup(user)
                   : NULL;
    sb->ns = ns != NULL ? xstrdup(ns) : NULL;
}

/* " ctx (cluster c, user u) | ns | N pods | [message | ]state": with who
 * = 0 the cluster and user are left out (a narrow terminal). */
static void
widget_statusbar_left(const struct widget_statusbar *sb, int64_t now_ms,
                      int who, struct kbuf *left)
{
    char *p;

    kbuf_printf(left, " %s", sb->context);
    if (who && (sb->cluster != NULL || sb->user != NULL)) {
        kbuf_puts(left, " (");
        if (sb->cluster != NULL)
            kbuf_printf(left, "cluster %s", sb->cluster);
        if (sb->user != NULL)
            kbuf_printf(left, "%suser %s", sb->cluster != NULL ? ", " : "",
                        sb->user);
        kbuf_puts(left, ")");
    }
    /* The connection state goes last: a server's message can be long and
     * is the part that may be cut. */
    if (sb->filter != NULL)
        kbuf_printf(left, " | %s | %zu of %zu pod%s | /%s | ",
                    sb->ns != NULL ? sb->ns : "all namespaces", sb->shown,
                    sb->pods, sb->pods == 1 ? "" : "s", sb->filter);
    else
        kbuf_printf(left, " | %s | %zu pod%s | ",
                    sb->ns != NULL ? sb->ns : "all namespaces", sb->pods,
                    sb->pods == 1 ? "" : "s");
    if (sb->message != NULL)
        kbuf_printf(left, "%s | ", sb->message);
    widget_statusbar_conn_text(sb, now_ms, left);
    /* Newlines in a server message would break the one-line bar. */
    for (p = left->data; p != NULL && *p != '\0'; p++)
        if (*p == '\n' || *p == '\r' || *p == '\t')
            *p = ' ';
}

void
widget_statusbar_set_conn(struct widget_statusbar       *sb,
                          const struct reflector_status *st)
{
    sb->state = st->state;
    sb->retry_at_ms = st->retry_at_ms;
    free(sb->error);
    sb->error = st->error != NULL ? xstrdup(st->error) : NULL;
}

void
widget_statusbar_conn_text(const struct widget_statusbar *sb, int64_t now_ms,
                           struct kbuf *out)
{
    int64_t left;

    switch (sb->state) {
    case REFLECTOR_CONNECTING:
        kbuf_puts(out, "connecting");
        break;
    case REFLECTOR_LIVE:
        kbuf_puts(out, "live");
        break;
    case REFLECTOR_RETRYING:
        left = (sb->retry_at_ms - now_ms + 999) / 1000;
        if (left < 0)
            left = 0;
        kbuf_printf(out, "retrying in %llds", (long long)left);
        break;
    case REFLECTOR_STOPPED:
        kbuf_puts(out, sb->error != NULL ? "error" : "stopped");
        break;
    }
    if (sb->error != NULL && sb->state != REFLECTOR_LIVE)
        kbuf_printf(out, ": %s", sb->error);
}

void
widget_statusbar_format(const struct widget_statusbar *sb, int64_t now_ms,
                        int width, struct kbuf *out)
{
    struct kbuf left, right;
    int         rw, lw;

    kbuf_init(&left);
    kbuf_init(&right);
    widget_statusbar_left(sb, now_ms, 1, &left);
    kbuf_puts(&right, sb->hint != NULL ? sb->hint : "j/k move  q quit ");

    lw = cells_width(left.data);
    rw = cells_width(right.data);
    if (lw + rw + 2 > width && (sb->cluster != NULL || sb->user != NULL)) {
        /* Too narrow: the context's name stays, its cluster and user go. */
        kbuf_reset(&left);
        widget_statusbar_left(sb, now_ms, 0, &left);
        lw = cells_width(left.data);
    }
    if (lw + rw + 2 <= width) {
        cells_fit(out, left.data, width - rw, CELLS_LEFT, 0);
        kbuf_append(out, right.data, right.len);
    } else
        cells_fit(out, left.data, width, CELLS_LEFT, 1);
    kbuf_done(&left);
    kbuf_done(&right);
}

void
widget_statusbar_draw(const struct widget_statusbar *sb, WINDOW *win,
                      int64_t now_ms, int attr)
{
    struct kbuf line;
    int         h, w;

    if (win == NULL)
        return;
    getmaxyx(win, h, w);
    if (h <= 0 || w <= 0)
        return;
    kbuf_init(&line);
    widget_statusbar_format(sb, now_ms, w, &line);
    wattrset(win, attr);
    mvwaddnstr(win, 0, 0, line.data, (int)line.len);
    wattrset(win, A_NORMAL);
    kbuf_done(&line);
}
