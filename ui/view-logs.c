/*
 * Log panes (see view-logs.h). Lines arrive from src/logs.c (or
 * logs-merge.c) into a logbuf ring and only mark the pane dirty; paint
 * lays out the visible lines from the ring, each made safe by logsafe
 * (no byte of a log reaches the terminal unchanged) and cut or wrapped at
 * the pane's width, with search matches highlighted. Following shows the
 * newest lines; scrolling up pauses at a line (by sequence number, so it
 * survives eviction) and counts what arrives below until G resumes.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "keymap.h"
#include "labelsel.h"
#include "logbuf.h"
#include "logs-merge.h"
#include "logs.h"
#include "logsafe.h"
#include "store.h"
#include "theme-curses.h"
#include "ui-int.h"
#include "view-logs.h"

#define VIEW_LOGS_NPREFIX 6 /* prefix colours of a merged pane */
#define VIEW_LOGS_MAXRUNS 64
#define VIEW_LOGS_ALL (-2) /* cont: every container, merged */

struct view_logs {
    struct ui           *ui;
    struct ui_pane       up;
    struct screen_pane   sp;
    struct logbuf       *buf;
    size_t               max_lines;
    struct logs         *logs;  /* one stream, or NULL */
    struct logs_merge   *merge; /* several, or NULL */
    char                *ns;
    char                *pod;      /* NULL: a selector pane */
    char                *selector; /* the selector pane's, else NULL */
    int                  all_ns;   /* the selector pane spans every namespace */
    char               **containers; /* the pod's */
    size_t               ncontainers;
    int                  cont; /* index, -1 the only one, VIEW_LOGS_ALL */
    int                  previous;
    int64_t              tail_lines, since_seconds;
    int                  follow, wrap, timestamps;
    uint64_t             top;                   /* first line while paused */
    uint64_t             paused_end;            /* logbuf_end when paused */
    uint64_t             shown_top, shown_last; /* from the last paint */
    int                  body_h;
    char                *search;
    struct logbuf_query *sq;
    char                *filter;
    struct logbuf_query *fq;
    int title_attr, focus_attr, ts_attr, match_attr, marker_attr;
    int prefix_attr[VIEW_LOGS_NPREFIX];
};

/* One styled run of a rendered line: bytes up to end have attr. */
struct view_logs_run {
    size_t end;
    int    attr;
};

struct view_logs_render {
    struct kbuf          text; /* safe UTF-8 */
    struct view_logs_run runs[VIEW_LOGS_MAXRUNS];
    size_t               nruns;
};

static void view_logs_start(struct view_logs *);

/* The status bar (a test's pane has no UI). */
static void view_logs_msg(struct view_logs *, const char *, ...)
    KPOD_PRINTF(2, 3);

static void
view_logs_msg(struct view_logs *v, const char *fmt, ...)
{
    va_list ap;
    char   *m;

    if (v->ui == NULL)
        return;
    va_start(ap, fmt);
    m = xvasprintf(fmt, ap);
    va_end(ap);
    ui_message(v->ui, "%s", m);
    free(m);
}

static void
view_logs_run(struct view_logs_render *r, int attr)
{
    if (r->nruns > 0 && r->runs[r->nruns - 1].attr == attr) {
        r->runs[r->nruns - 1].end = r->text.len;
        return;
    }
    if (r->nruns == VIEW_LOGS_MAXRUNS) { /* the rest keeps the last style */
        r->runs[r->nruns - 1].end = r->text.len;
        return;
    }
    r->runs[r->nruns].end = r->text.len;
    r->runs[r->nruns].attr = attr;
    r->nruns++;
}

/* Append s made safe; returns the column after it. */
static int
view_logs_add(struct view_logs_render *r, const char *s, size_t len, int col,
              int max_cols, int attr)
{
    if (max_cols > 0 && col >= max_cols)
        return col;
    col = logsafe_append(&r->text, s, len, col, 8, max_cols, NULL);
    view_logs_run(r, attr);
    return col;
}

/* A line as display text with its runs, at most max_cols cells (0 = no
 * limit): prefix, timestamp, then the text with search matches. */
static int
view_logs_render(struct view_logs *v, const struct logbuf_line *ln,
                 int max_cols, struct view_logs_render *r)
{
    int    col = 0;
    size_t pos = 0, off, mlen;

    kbuf_reset(&r->text);
    r->nruns = 0;
    if (v->merge != NULL && !(ln->flags & LOGBUF_MARKER)) {
        const char *p = logs_merge_prefix(v->merge, ln->src);

        if (p != NULL) {
            col = view_logs_add(r, p, strlen(p), col, max_cols,
                                v->prefix_attr[ln->src % VIEW_LOGS_NPREFIX]);
            col = view_logs_add(r, " ", 1, col, max_cols, (int)A_NORMAL);
        }
    }
    if (v->timestamps && ln->ts_ns != 0) {
        char ts[40];

        logbuf_format_ts(ts, sizeof ts, ln->ts_ns);
        col = view_logs_add(r, ts, strlen(ts), col, max_cols, v->ts_attr);
        col = view_logs_add(r, " ", 1, col, max_cols, (int)A_NORMAL);
    }
    if (ln->flags & LOGBUF_MARKER)
        return view_logs_add(r, ln->text, ln->len, col, max_cols,
                             v->marker_attr);
    while (v->sq != NULL && (max_cols <= 0 || col < max_cols) &&
           logbuf_query_match(v->sq, ln->text, ln->len, pos, &off, &mlen)) {
        if (mlen == 0) { /* an empty match (^, $): nothing to show */
            if (off >= ln->len)
                break;
            col = view_logs_add(r, ln->text + pos, off + 1 - pos, col, max_cols,
                                A_NORMAL);
            pos = off + 1;
            continue;
        }
        col = view_logs_add(r, ln->text + pos, off - pos, col, max_cols,
                            A_NORMAL);
        col = view_logs_add(r, ln->text + off, mlen, col, max_cols,
                            v->match_attr);
        pos = off + mlen;
    }
    if (pos < ln->len)
        col = view_logs_add(r, ln->text + pos, ln->len - pos, col, max_cols,
                            A_NORMAL);
    if (ln->flags & LOGBUF_TRUNCATED)
        col =
            view_logs_add(r, " [truncated]", 12, col, max_cols, v->marker_attr);
    return col;
}

/* Rows the rendered line takes at width w (wrapping), or draw it from
 * row y when win is set, never past row ymax. Returns the rows used. */
static int
view_logs_place(const struct view_logs_render *r, WINDOW *win, int w, int y,
                int ymax, int wrap)
{
    const char *s = r->text.data != NULL ? r->text.data : "";
    size_t      i = 0, run = 0, n = r->text.len;
    int         col = 0, row = 0;

    while (i < n) {
        struct logsafe_cp cp;
        int               cw;

        logsafe_decode(s + i, n - i, &cp);
        cw = logsafe_width(cp.cp);
        if (col + cw > w) {
            if (!wrap)
                break;
            row++;
            col = 0;
            if (y + row >= ymax)
                break;
        }
        if (win != NULL) {
            while (run + 1 < r->nruns && r->runs[run].end <= i)
                run++;
            wattrset(win, r->nruns > 0 ? r->runs[run].attr : (int)A_NORMAL);
            mvwaddnstr(win, y + row, col, s + i, (int)cp.len);
        }
        col += cw;
        i += cp.len;
    }
    if (win != NULL)
        wattrset(win, A_NORMAL);
    return row + 1;
}

/* Rows of line seq at width w, at most max_rows. */
static int
view_logs_line_rows(struct view_logs *v, uint64_t seq, int w, int max_rows,
                    struct view_logs_render *r)
{
    const struct logbuf_line *ln = logbuf_get(v->buf, seq);

    if (ln == NULL)
        return 1;
    if (!v->wrap)
        return 1;
    view_logs_render(v, ln, w * max_rows, r);
    return view_logs_place(r, NULL, w, 0, max_rows, 1);
}

/* The first line to show when following: enough lines back from the end
 * to fill h rows. */
static int
view_logs_follow_top(struct view_logs *v, int w, int h, uint64_t *top,
                     struct view_logs_render *r)
{
    uint64_t seq, found = 0;
    int      rows = 0, any = 0;

    if (logbuf_count(v->buf) == 0)
        return 0;
    seq = logbuf_end(v->buf) - 1;
    while (rows < h && logbuf_filter_next(v->buf, v->fq, &seq, -1)) {
        int n = view_logs_line_rows(v, seq, w, h, r);

        if (rows + n > h && any)
            break;
        rows += n;
        found = seq;
        any = 1;
        if (seq == 0 || seq == logbuf_first(v->buf))
            break;
        seq--;
    }
    *top = found;
    return any;
}

/* One-line summary of the stream(s) for the title. */
static void
view_logs_state(struct view_logs *v, char *buf, size_t len)
{
    int64_t now = know_ms();

    if (v->logs != NULL) {
        logs_status_text(logs_status(v->logs), now, buf, len);
        return;
    }
    if (v->merge != NULL) {
        unsigned n = logs_merge_count(v->merge), i, st[LOGS_ERROR + 1] = {0};
        size_t   at = 0;

        if (n == 0) {
            snprintf(buf, len, "no pods match");
            return;
        }
        for (i = 0; i < n; i++)
            st[logs_status(logs_merge_stream(v->merge, i))->state]++;
        for (i = 0; i <= LOGS_ERROR && at < len; i++) {
            if (st[i] == 0)
                continue;
            if (st[i] == n) {
                /* all alike: say it as one stream would */
                logs_status_text(logs_status(logs_merge_stream(v->merge, 0)),
                                 now, buf, len);
                if (i != LOGS_FOLLOWING)
                    return;
                snprintf(buf, len, "following %u streams", n);
                return;
            }
            at += (size_t)snprintf(buf + at, len - at, "%s%u %s",
                                   at > 0 ? ", " : "", st[i],
                                   logs_state_name((enum logs_state)i));
        }
        return;
    }
    snprintf(buf, len, "stopped");
}

static char *
view_logs_name(struct view_logs *v)
{
    if (v->pod == NULL)
        return xasprintf("%s -l %s", v->all_ns ? "all namespaces" : v->ns,
                         *v->selector != '\0' ? v->selector : "(all pods)");
    if (v->cont == VIEW_LOGS_ALL)
        return xasprintf("%s/%s (all containers)", v->ns, v->pod);
    if (v->cont >= 0)
        return xasprintf("%s/%s/%s", v->ns, v->pod, v->containers[v->cont]);
    return xasprintf("%s/%s", v->ns, v->pod);
}

static void
view_logs_title(struct view_logs *v, WINDOW *win, int w, int focused)
{
    struct kbuf t;
    char        state[256];
    char       *name = view_logs_name(v);
    int         i;

    view_logs_state(v, state, sizeof state);
    kbuf_init(&t);
    kbuf_printf(&t, " %s%s%s  %s", name, v->previous ? " (previous)" : "",
                focused ? " [focus]" : "", state);
    if (!v->follow)
        kbuf_printf(&t, "  paused (+%llu new lines below)",
                    (unsigned long long)(logbuf_end(v->buf) - v->paused_end));
    if (v->filter != NULL)
        kbuf_printf(&t, "  filter: %s", v->filter);
    if (v->search != NULL)
        kbuf_printf(&t, "  search: %s", v->search);
    if (logbuf_evicted(v->buf) > 0)
        kbuf_printf(&t, "  (%llu older lines evicted)",
                    (unsigned long long)logbuf_evicted(v->buf));
    wattrset(win, focused ? v->focus_attr : v->title_attr);
    wmove(win, 0, 0);
    for (i = 0; i < w; i++)
        waddch(win, ' ');
    {
        /* names come from the cluster: made safe like log text */
        struct view_logs_render r;

        kbuf_init(&r.text);
        r.nruns = 0;
        logsafe_append(&r.text, t.data, t.len, 0, 8, w, NULL);
        view_logs_run(&r, focused ? v->focus_attr : v->title_attr);
        view_logs_place(&r, win, w, 0, 1, 0);
        kbuf_done(&r.text);
    }
    wattrset(win, A_NORMAL);
    kbuf_done(&t);
    free(name);
}

static void
view_logs_paint(void *data, WINDOW *win, int focused)
{
    struct view_logs       *v = data;
    struct view_logs_render r;
    int                     w = getmaxx(win), h = getmaxy(win), y = 1;
    uint64_t                seq;

    kbuf_init(&r.text);
    r.nruns = 0;
    view_logs_title(v, win, w, focused);
    v->body_h = h - 1;
    if (v->body_h <= 0)
        goto out;
    if (v->follow) {
        if (!view_logs_follow_top(v, w, v->body_h, &seq, &r))
            goto out;
    } else {
        if (v->top < logbuf_first(v->buf))
            v->top = logbuf_first(v->buf);
        seq = v->top;
    }
    v->shown_top = v->shown_last = seq;
    while (y < h && logbuf_filter_next(v->buf, v->fq, &seq, 1)) {
        const struct logbuf_line *ln = logbuf_get(v->buf, seq);

        /* paused: the screen holds still; what came since is counted */
        if (!v->follow && seq >= v->paused_end)
            break;
        if (y == 1)
            v->shown_top = seq;
        view_logs_render(v, ln, v->wrap ? w * (h - y) : w, &r);
        y += view_logs_place(&r, win, w, y, h, v->wrap);
        v->shown_last = seq;
        seq++;
    }
out:
    kbuf_done(&r.text);
}

static void
view_logs_dirty(struct view_logs *v, const char *why)
{
    if (v->ui != NULL) /* NULL: a test's pane */
        ui_pane_dirty(v->ui, &v->up, SCREEN_PAINT, why);
}

static void
view_logs_on_line(struct logs *l, const struct logs_line *ln, void *data)
{
    struct view_logs *v = data;
    uint32_t          flags = 0;

    (void)l;
    if (ln->flags & LOGS_LINE_MARKER)
        flags |= LOGBUF_MARKER;
    if (ln->flags & LOGS_LINE_TRUNCATED)
        flags |= LOGBUF_TRUNCATED;
    logbuf_add(v->buf, ln->text, ln->len, ln->ts_ns, 0, flags);
    view_logs_dirty(v, "log line");
}

static void
view_logs_on_status(struct logs *l, const struct logs_status *st, void *data)
{
    (void)l;
    (void)st;
    view_logs_dirty(data, "log state");
}

static void
view_logs_on_merged_line(struct logs_merge *m, unsigned src, const char *prefix,
                         const struct logs_line *ln, void *data)
{
    struct view_logs *v = data;
    uint32_t          flags = 0;

    (void)m;
    (void)prefix;
    if (ln->flags & LOGS_LINE_MARKER)
        flags |= LOGBUF_MARKER;
    if (ln->flags & LOGS_LINE_TRUNCATED)
        flags |= LOGBUF_TRUNCATED;
    logbuf_add(v->buf, ln->text, ln->len, ln->ts_ns, src, flags);
    view_logs_dirty(v, "log line");
}

static void
view_logs_on_merged_status(struct logs_merge *m, unsigned src,
                           const struct logs_status *st, void *data)
{
    (void)m;
    (void)src;
    (void)st;
    view_logs_dirty(data, "log state");
}

static void
view_logs_closed(struct logs *l, void *data)
{
    (void)l;
    ui_release(data);
}

static void
view_logs_merge_closed(struct logs_merge *m, void *data)
{
    (void)m;
    ui_release(data);
}

/* Stop the streams (they finish closing on their own; the UI waits). */
static void
view_logs_stop(struct view_logs *v)
{
    if (v->logs != NULL) {
        ui_hold(v->ui);
        logs_close(v->logs, view_logs_closed, v->ui);
        v->logs = NULL;
    }
    if (v->merge != NULL) {
        ui_hold(v->ui);
        logs_merge_close(v->merge, view_logs_merge_closed, v->ui);
        v->merge = NULL;
    }
}

static void
view_logs_opts(struct view_logs *v, struct logs_opts *o, const char *pod,
               const char *container)
{
    memset(o, 0, sizeof *o);
    o->ns = v->ns;
    o->pod = pod;
    o->container = container;
    o->tail_lines = v->tail_lines;
    o->since_seconds = v->since_seconds;
    o->previous = v->previous;
    o->follow = !v->previous;
}

/* The pod's container names (spec.containers). */
static void
view_logs_set_containers(struct view_logs *v, const cJSON *pod)
{
    const cJSON *cs = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(pod, "spec"), "containers");
    const cJSON *c;

    cJSON_ArrayForEach(c, cs)
    {
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(c, "name");

        if (!cJSON_IsString(n))
            continue;
        v->containers = xrealloc(v->containers,
                                 (v->ncontainers + 1) * sizeof *v->containers);
        v->containers[v->ncontainers++] = xstrdup(n->valuestring);
    }
}

/* The pods of the store matching v->selector, as sources: in v->ns, or
 * in every namespace the list shows (-A). */
static void
view_logs_add_selected(struct view_logs *v)
{
    struct store_obj **objs;
    size_t             n = store_list(v->ui->store, &objs), i;

    for (i = 0; i < n; i++) {
        cJSON *pod = cJSON_ParseWithLength(objs[i]->json, objs[i]->json_len);
        const cJSON *md = cJSON_GetObjectItemCaseSensitive(pod, "metadata");
        const cJSON *ns = cJSON_GetObjectItemCaseSensitive(md, "namespace");
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(md, "name");

        if (pod != NULL && cJSON_IsString(ns) && cJSON_IsString(name) &&
            (v->all_ns || strcmp(ns->valuestring, v->ns) == 0) &&
            labelsel_match(v->selector, cJSON_GetObjectItemCaseSensitive(
                                            md, "labels")) == 1) {
            const cJSON *cs = cJSON_GetObjectItemCaseSensitive(
                cJSON_GetObjectItemCaseSensitive(pod, "spec"), "containers");
            const cJSON *c;
            int          nc = cJSON_GetArraySize(cs);

            cJSON_ArrayForEach(c, cs)
            {
                const cJSON *cn = cJSON_GetObjectItemCaseSensitive(c, "name");
                struct logs_opts o;

                if (!cJSON_IsString(cn))
                    continue;
                view_logs_opts(v, &o, name->valuestring,
                               nc > 1 ? cn->valuestring : NULL);
                o.ns = ns->valuestring;
                logs_merge_add(v->merge, &o);
            }
        }
        cJSON_Delete(pod);
    }
    free(objs);
}

/* (Re)start the stream(s) into a new buffer. */
static void
view_logs_start(struct view_logs *v)
{
    view_logs_stop(v);
    logbuf_free(v->buf);
    v->buf = logbuf_create(v->max_lines, 0);
    v->follow = 1;
    v->top = v->paused_end = 0;
    if (v->ui->client == NULL) {
        logbuf_add(v->buf, "(no connection)", 15, 0, 0, LOGBUF_MARKER);
        return;
    }
    if (v->pod != NULL && v->cont != VIEW_LOGS_ALL) {
        struct logs_opts o;

        view_logs_opts(v, &o, v->pod,
                       v->cont >= 0 ? v->containers[v->cont] : NULL);
        v->logs = logs_create(v->ui->client, &o, view_logs_on_line,
                              view_logs_on_status, v);
        logs_watch_store(v->logs, v->ui->store);
        logs_start(v->logs);
        return;
    }
    v->merge = logs_merge_create(v->ui->client, 0, view_logs_on_merged_line,
                                 view_logs_on_merged_status, v);
    if (v->pod != NULL) {
        for (size_t i = 0; i < v->ncontainers; i++) {
            struct logs_opts o;

            view_logs_opts(v, &o, v->pod, v->containers[i]);
            logs_merge_add(v->merge, &o);
        }
    } else {
        view_logs_add_selected(v);
    }
    logs_merge_start(v->merge);
}

/* --- keys --- */

static void
view_logs_pause(struct view_logs *v)
{
    if (!v->follow)
        return;
    v->follow = 0;
    v->top = v->shown_top;
    v->paused_end = logbuf_end(v->buf);
}

/* Move the top line by n visible (filtered) lines. */
static void
view_logs_scroll(struct view_logs *v, long n)
{
    uint64_t seq;
    int      down = n > 0;

    view_logs_pause(v);
    seq = v->top < logbuf_first(v->buf) ? logbuf_first(v->buf) : v->top;
    if (logbuf_count(v->buf) == 0)
        return;
    for (; n < 0; n++) {
        uint64_t s;

        if (seq <= logbuf_first(v->buf))
            break;
        s = seq - 1;
        if (!logbuf_filter_next(v->buf, v->fq, &s, -1))
            break;
        seq = s;
    }
    for (; n > 0; n--) {
        uint64_t s = seq + 1;

        if (s >= logbuf_end(v->buf) ||
            !logbuf_filter_next(v->buf, v->fq, &s, 1))
            break;
        seq = s;
    }
    v->top = seq;
    if (down) /* moving down shows what has arrived so far */
        v->paused_end = logbuf_end(v->buf);
}

static void
view_logs_find(struct view_logs *v, int dir)
{
    struct logbuf_match m;
    uint64_t            from;

    if (v->sq == NULL) {
        view_logs_msg(v, "no search: / first");
        return;
    }
    if (logbuf_count(v->buf) == 0)
        return;
    if (dir > 0)
        from = v->shown_top + 1;
    else if (v->follow)
        from = v->shown_last;
    else if (v->shown_top > logbuf_first(v->buf))
        from = v->shown_top - 1;
    else {
        view_logs_msg(v, "no earlier match of %s", v->search);
        return;
    }
    if (from < logbuf_first(v->buf))
        from = logbuf_first(v->buf);
    while (from < logbuf_end(v->buf) &&
           logbuf_find(v->buf, v->sq, from, dir, &m)) {
        uint64_t s = m.seq;

        if (v->fq == NULL ||
            (logbuf_filter_next(v->buf, v->fq, &s, 1) && s == m.seq)) {
            view_logs_pause(v);
            v->top = m.seq;
            v->paused_end = logbuf_end(v->buf);
            return;
        }
        if (dir < 0 && m.seq == 0)
            break;
        from = dir > 0 ? m.seq + 1 : m.seq - 1;
    }
    view_logs_msg(v, "no %s match of %s", dir > 0 ? "later" : "earlier",
                  v->search);
}

/* Compile a pattern: case-insensitive unless it has upper case. */
static struct logbuf_query *
view_logs_query(struct view_logs *v, const char *text)
{
    struct logbuf_query *q;
    char                *cause = NULL;
    int                  flags = LOGBUF_ICASE;

    for (const char *c = text; *c != '\0'; c++)
        if (isupper((unsigned char)*c))
            flags = 0;
    q = logbuf_query_create(text, flags, &cause);
    if (q == NULL) {
        view_logs_msg(v, "bad pattern %s: %s", text, cause);
        free(cause);
    }
    return q;
}

static void
view_logs_search_done(struct ui *ui, const char *text, void *data)
{
    struct view_logs *v = data;

    (void)ui;
    if (text == NULL)
        return;
    logbuf_query_free(v->sq);
    free(v->search);
    v->sq = NULL;
    v->search = NULL;
    if (*text != '\0' && (v->sq = view_logs_query(v, text)) != NULL) {
        v->search = xstrdup(text);
        if (!v->follow)
            view_logs_find(v, 1);
    }
    view_logs_dirty(v, "search");
}

static void
view_logs_filter_done(struct ui *ui, const char *text, void *data)
{
    struct view_logs *v = data;

    (void)ui;
    if (text == NULL)
        return;
    logbuf_query_free(v->fq);
    free(v->filter);
    v->fq = NULL;
    v->filter = NULL;
    if (*text != '\0' && (v->fq = view_logs_query(v, text)) != NULL)
        v->filter = xstrdup(text);
    view_logs_dirty(v, "filter");
}

static void
view_logs_tail_done(struct ui *ui, const char *text, void *data)
{
    struct view_logs *v = data;
    char             *end;
    long long         n;

    if (text == NULL)
        return;
    if (*text == '\0' || strcmp(text, "all") == 0) {
        v->tail_lines = -1;
    } else {
        n = strtoll(text, &end, 10);
        if (*end != '\0' || n < 0) {
            ui_message(ui, "tail lines: a number, or empty for all");
            return;
        }
        v->tail_lines = n;
    }
    view_logs_start(v);
    view_logs_dirty(v, "tail");
}

/* "30s", "5m", "1h", "2d" (or a plain number of seconds) to seconds. */
static int64_t
view_logs_duration(const char *s)
{
    char     *end;
    long long n = strtoll(s, &end, 10);

    if (end == s || n < 0)
        return -1;
    if (*end == '\0' || strcmp(end, "s") == 0)
        return n;
    if (strcmp(end, "m") == 0)
        return n * 60;
    if (strcmp(end, "h") == 0)
        return n * 3600;
    if (strcmp(end, "d") == 0)
        return n * 86400;
    return -1;
}

static void
view_logs_since_done(struct ui *ui, const char *text, void *data)
{
    struct view_logs *v = data;
    int64_t           s;

    if (text == NULL)
        return;
    if (*text == '\0' || strcmp(text, "all") == 0)
        s = 0;
    else if ((s = view_logs_duration(text)) <= 0) {
        ui_message(ui, "since: like 30s, 5m, 1h or 2d (empty: from the start)");
        return;
    }
    v->since_seconds = s;
    view_logs_start(v);
    view_logs_dirty(v, "since");
}

static void
view_logs_save(struct view_logs *v)
{
    char *cause = NULL, *name, *path;

    if (v->pod == NULL)
        name = xasprintf("%s_%s", v->ns, "merged");
    else if (v->cont >= 0)
        name = xasprintf("%s_%s_%s", v->ns, v->pod, v->containers[v->cont]);
    else
        name = xasprintf("%s_%s", v->ns, v->pod);
    path = logbuf_save(v->buf, name, v->timestamps, &cause);
    if (path == NULL) {
        view_logs_msg(v, "not saved: %s", cause);
        free(cause);
    } else {
        view_logs_msg(v, "saved %zu lines to %s", logbuf_count(v->buf), path);
        free(path);
    }
    free(name);
}

static void
view_logs_next_container(struct view_logs *v)
{
    if (v->pod == NULL || v->ncontainers < 2) {
        view_logs_msg(v, "the pod has one container");
        return;
    }
    if (v->cont == VIEW_LOGS_ALL)
        v->cont = 0;
    else if (v->cont + 1 == (int)v->ncontainers)
        v->cont = VIEW_LOGS_ALL;
    else
        v->cont++;
    view_logs_start(v);
    if (v->cont == VIEW_LOGS_ALL)
        view_logs_msg(v, "all containers, merged");
    else
        view_logs_msg(v, "container %s (%d of %zu)", v->containers[v->cont],
                      v->cont + 1, v->ncontainers);
}

static struct view_logs *view_logs_new(struct ui *, const char *ns);

/* The same log in a new pane beside this one (| or -). */
static void
view_logs_duplicate(struct view_logs *v, enum ui_split how)
{
    struct view_logs *d = view_logs_new(v->ui, v->ns);

    d->pod = v->pod != NULL ? xstrdup(v->pod) : NULL;
    d->selector = v->selector != NULL ? xstrdup(v->selector) : NULL;
    d->all_ns = v->all_ns;
    for (size_t i = 0; i < v->ncontainers; i++) {
        d->containers = xrealloc(d->containers,
                                 (d->ncontainers + 1) * sizeof *d->containers);
        d->containers[d->ncontainers++] = xstrdup(v->containers[i]);
    }
    d->cont = v->cont;
    d->previous = v->previous;
    d->tail_lines = v->tail_lines;
    d->since_seconds = v->since_seconds;
    d->timestamps = v->timestamps;
    d->wrap = v->wrap;
    view_logs_start(d);
    ui_pane_open(v->ui, &d->up, how);
}

static int
view_logs_action(struct ui *ui, struct ui_pane *p, const char *name)
{
    struct view_logs *v = p->data;
    long              page = v->body_h > 1 ? v->body_h - 1 : 1;

    if (strcmp(name, "cursor.up") == 0)
        view_logs_scroll(v, -1);
    else if (strcmp(name, "cursor.down") == 0)
        view_logs_scroll(v, 1);
    else if (strcmp(name, "cursor.page-up") == 0)
        view_logs_scroll(v, -page);
    else if (strcmp(name, "cursor.page-down") == 0)
        view_logs_scroll(v, page);
    else if (strcmp(name, "cursor.top") == 0) {
        view_logs_pause(v);
        v->top = logbuf_first(v->buf);
    } else if (strcmp(name, "cursor.bottom") == 0)
        v->follow = 1;
    else if (strcmp(name, "log.follow") == 0) {
        if (v->follow)
            view_logs_pause(v);
        else
            v->follow = 1;
    } else if (strcmp(name, "log.wrap") == 0)
        v->wrap = !v->wrap;
    else if (strcmp(name, "log.timestamps") == 0)
        v->timestamps = !v->timestamps;
    else if (strcmp(name, "log.save") == 0)
        view_logs_save(v);
    else if (strcmp(name, "search.next") == 0)
        view_logs_find(v, 1);
    else if (strcmp(name, "search.prev") == 0)
        view_logs_find(v, -1);
    else if (strcmp(name, "filter") == 0)
        ui_prompt(ui, "search: ", v->search != NULL ? v->search : "",
                  view_logs_search_done, v);
    else if (strcmp(name, "log.filter") == 0)
        ui_prompt(ui, "show only lines matching (empty: all): ",
                  v->filter != NULL ? v->filter : "", view_logs_filter_done, v);
    else if (strcmp(name, "pane.split-vertical") == 0)
        view_logs_duplicate(v, UI_SPLIT_VERTICAL);
    else if (strcmp(name, "pane.split-horizontal") == 0)
        view_logs_duplicate(v, UI_SPLIT_HORIZONTAL);
    else if (strcmp(name, "log.container") == 0)
        view_logs_next_container(v);
    else if (strcmp(name, "log.previous") == 0) {
        if (v->pod == NULL) {
            ui_message(ui, "previous: only in a pod's log pane");
            return 1;
        }
        v->previous = !v->previous;
        view_logs_start(v);
    } else if (strcmp(name, "log.tail") == 0) {
        char n[32] = "";

        if (v->tail_lines >= 0)
            snprintf(n, sizeof n, "%lld", (long long)v->tail_lines);
        ui_prompt(ui, "tail lines (empty: all): ", n, view_logs_tail_done, v);
    } else if (strcmp(name, "log.since") == 0)
        ui_prompt(ui, "since (30s, 5m, 1h; empty: all): ", "",
                  view_logs_since_done, v);
    else
        return 0;
    view_logs_dirty(v, name);
    return 1;
}

static void
view_logs_free(struct view_logs *v)
{
    view_logs_stop(v);
    logbuf_free(v->buf);
    logbuf_query_free(v->sq);
    logbuf_query_free(v->fq);
    for (size_t i = 0; i < v->ncontainers; i++)
        free(v->containers[i]);
    free(v->containers);
    free(v->search);
    free(v->filter);
    free(v->ns);
    free(v->pod);
    free(v->selector);
    free(v);
}

static void
view_logs_close(struct ui *ui, struct ui_pane *p)
{
    (void)ui;
    view_logs_free(p->data);
}

static const struct screen_pane_ops view_logs_ops = {
    .name = "logs",
    .paint = view_logs_paint,
};

/* Theme roles to attributes; prefixes take six colours of their own. */
static void
view_logs_colors(struct view_logs *v)
{
    static const short  fg[VIEW_LOGS_NPREFIX] = {COLOR_CYAN,    COLOR_GREEN,
                                                 COLOR_MAGENTA, COLOR_YELLOW,
                                                 COLOR_BLUE,    COLOR_RED};
    struct theme_curses tc;
    int colors = screen_has_colors(v->ui->screen) && !v->ui->theme->mono;
    int pair = theme_curses_init(&tc, v->ui->theme, colors ? COLORS : 0, 1);

    v->title_attr = (int)tc.attrs[THEME_STATUSBAR];
    v->focus_attr = (int)(tc.attrs[THEME_STATUSBAR] | A_BOLD);
    v->ts_attr = (int)tc.attrs[THEME_LOG_TIMESTAMP];
    v->match_attr = (int)tc.attrs[THEME_SEARCH_MATCH];
    v->marker_attr = (int)(tc.attrs[THEME_LOG_CONTAINER] | A_BOLD);
    for (int i = 0; i < VIEW_LOGS_NPREFIX; i++) {
        v->prefix_attr[i] = A_BOLD;
        if (colors && pair + i < COLOR_PAIRS) {
            init_pair((short)(pair + i), fg[i], -1);
            v->prefix_attr[i] |= (int)COLOR_PAIR(pair + i);
        }
    }
    if (!colors) {
        v->title_attr |= A_REVERSE;
        v->focus_attr |= A_REVERSE;
        v->match_attr |= A_REVERSE;
    }
}

static struct view_logs *
view_logs_new(struct ui *ui, const char *ns)
{
    struct view_logs *v = xcalloc(1, sizeof *v);

    v->ui = ui;
    v->ns = xstrdup(ns);
    v->cont = -1;
    v->follow = 1;
    v->max_lines = ui->log_buffer_lines > 0 ? (size_t)ui->log_buffer_lines
                                            : LOGBUF_DEFAULT_LINES;
    /* more than the ring holds would only be evicted */
    v->tail_lines = (int64_t)v->max_lines;
    v->sp.ops = &view_logs_ops;
    v->sp.data = v;
    v->up.sp = &v->sp;
    v->up.ctx = KEYMAP_LOGS;
    v->up.action = view_logs_action;
    v->up.close = view_logs_close;
    v->up.data = v;
    v->up.bound = 1;
    view_logs_colors(v);
    return v;
}

/* kubectl's default container: the annotation, else the first. */
static int
view_logs_default_container(struct view_logs *v, const cJSON *pod)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(
            cJSON_GetObjectItemCaseSensitive(pod, "metadata"), "annotations"),
        "kubectl.kubernetes.io/default-container");

    if (v->ncontainers < 2)
        return -1;
    for (size_t i = 0; cJSON_IsString(a) && i < v->ncontainers; i++)
        if (strcmp(v->containers[i], a->valuestring) == 0)
            return (int)i;
    return 0;
}

static void
view_logs_open_pod(struct ui *ui, int previous, enum ui_split how)
{
    cJSON            *pod = ui_selected_pod(ui);
    const cJSON      *md, *ns, *name;
    struct view_logs *v;

    if (pod == NULL)
        return;
    md = cJSON_GetObjectItemCaseSensitive(pod, "metadata");
    ns = cJSON_GetObjectItemCaseSensitive(md, "namespace");
    name = cJSON_GetObjectItemCaseSensitive(md, "name");
    if (!cJSON_IsString(name)) {
        cJSON_Delete(pod);
        return;
    }
    v = view_logs_new(ui, cJSON_IsString(ns) ? ns->valuestring : "default");
    v->pod = xstrdup(name->valuestring);
    v->previous = previous;
    view_logs_set_containers(v, pod);
    v->cont = view_logs_default_container(v, pod);
    cJSON_Delete(pod);
    view_logs_start(v);
    ui_pane_open(ui, &v->up, how);
    if (v->cont >= 0)
        ui_message(ui, "container %s of %zu (c: next, all merged)",
                   v->containers[v->cont], v->ncontainers);
}

static void
view_logs_act_logs(struct ui *ui)
{
    view_logs_open_pod(ui, 0, UI_SPLIT_AUTO);
}

static void
view_logs_act_previous(struct ui *ui)
{
    view_logs_open_pod(ui, 1, UI_SPLIT_AUTO);
}

/* The merged pane over the pods of the selected pod's namespace that
 * match selector. */
static void
view_logs_open_selector(struct ui *ui, const char *selector)
{
    cJSON            *pod = ui_selected_pod(ui);
    const cJSON      *ns;
    struct view_logs *v;
    char             *cause = NULL;

    if (pod == NULL)
        return;
    if (labelsel_check(selector, &cause) < 0) {
        ui_message(ui, "bad selector: %s", cause);
        free(cause);
        cJSON_Delete(pod);
        return;
    }
    ns = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(pod, "metadata"), "namespace");
    v = view_logs_new(ui, cJSON_IsString(ns) ? ns->valuestring : "default");
    cJSON_Delete(pod);
    v->selector = xstrdup(selector);
    v->all_ns = ui->all_ns;
    view_logs_start(v);
    ui_pane_open(ui, &v->up, UI_SPLIT_AUTO);
    ui_message(ui, "%u streams merged", logs_merge_count(v->merge));
}

static void
view_logs_selector_done(struct ui *ui, const char *text, void *data)
{
    (void)data;
    if (text != NULL)
        view_logs_open_selector(ui, text);
}

/* The prompt starts with the selected pod's labels (app=... first). */
static void
view_logs_act_merged(struct ui *ui)
{
    cJSON       *pod = ui_selected_pod(ui);
    const cJSON *labels, *l;
    struct kbuf  b;

    if (pod == NULL)
        return;
    labels = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(pod, "metadata"), "labels");
    kbuf_init(&b);
    l = cJSON_GetObjectItemCaseSensitive(labels, "app");
    if (cJSON_IsString(l))
        kbuf_printf(&b, "app=%s", l->valuestring);
    else
        cJSON_ArrayForEach(l, labels)
        {
            if (cJSON_IsString(l) && strcmp(l->string, "pod-template-hash"))
                kbuf_printf(&b, "%s%s=%s", b.len > 0 ? "," : "", l->string,
                            l->valuestring);
        }
    cJSON_Delete(pod);
    ui_prompt(ui,
              "logs of pods with labels (empty: all): ", b.data ? b.data : "",
              view_logs_selector_done, NULL);
    kbuf_done(&b);
}

static void
view_logs_cmd_logs(struct ui *ui, const char *args)
{
    while (*args == ' ')
        args++;
    view_logs_open_selector(ui, args);
}

/* | and - from a pane that is not a log pane: the selected pod's log,
 * split that way from the focused pane. */
static void
view_logs_act_split_v(struct ui *ui)
{
    view_logs_open_pod(ui, 0, UI_SPLIT_VERTICAL);
}

static void
view_logs_act_split_h(struct ui *ui)
{
    view_logs_open_pod(ui, 0, UI_SPLIT_HORIZONTAL);
}

const struct ui_action ui_logs_actions[] = {
    {"pane.split-vertical", view_logs_act_split_v},
    {"pane.split-horizontal", view_logs_act_split_h},
    {"pod.logs", view_logs_act_logs},
    {"pod.logs-previous", view_logs_act_previous},
    {"pod.logs-merged", view_logs_act_merged},
    {NULL, NULL},
};

const struct ui_command ui_logs_commands[] = {
    {"logs", NULL, "logs of the pods matching a label selector, merged",
     view_logs_cmd_logs},
    {NULL, NULL, NULL, NULL},
};

/* --- a pane without a UI or a stream, for unit tests --- */

struct view_logs *
view_logs_test_create(size_t max_lines, int match_attr)
{
    struct view_logs *v = xcalloc(1, sizeof *v);

    v->ns = xstrdup("ns");
    v->pod = xstrdup("pod");
    v->cont = -1;
    v->follow = 1;
    v->max_lines = max_lines;
    v->buf = logbuf_create(max_lines, 0);
    v->sp.ops = &view_logs_ops;
    v->sp.data = v;
    v->up.sp = &v->sp;
    v->up.data = v;
    v->match_attr = match_attr;
    v->title_attr = v->focus_attr = (int)A_REVERSE;
    return v;
}

void
view_logs_test_free(struct view_logs *v)
{
    view_logs_free(v);
}

struct screen_pane *
view_logs_test_pane(struct view_logs *v)
{
    return &v->sp;
}

void
view_logs_test_add(struct view_logs *v, const char *text, int64_t ts_ns)
{
    logbuf_add(v->buf, text, strlen(text), ts_ns, 0, 0);
}

int
view_logs_test_action(struct view_logs *v, const char *name)
{
    return view_logs_action(NULL, &v->up, name);
}

void
view_logs_test_search(struct view_logs *v, const char *pattern, int filter)
{
    if (filter)
        view_logs_filter_done(NULL, pattern, v);
    else
        view_logs_search_done(NULL, pattern, v);
}
