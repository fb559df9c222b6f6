/*
 * Curses set-up and teardown, input, signals and the redraw scheduler.
 * Frames are drawn only from the prepare hook (once per loop iteration,
 * just before the loop sleeps), so any number of store notifications and
 * keys in one iteration make one frame; a one-shot timer wakes the loop
 * when the ~60 fps cap deferred a frame. This file does not know what the
 * panes show, and nothing outside it calls doupdate.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "screen.h"
#include "util.h"

#define SCREEN_MAXPANES 16
#define SCREEN_FRAME_NS (16 * 1000 * 1000) /* ~60 frames/s */
#define SCREEN_NSIGNALS 4

struct screen {
    uv_loop_t        *loop;
    struct screen_cbs cbs;
    SCREEN           *term;
    int               ended; /* endwin done */

    uv_prepare_t prepare;
    uv_timer_t   frame_timer;
    uv_poll_t    input;
    uv_signal_t  signals[SCREEN_NSIGNALS];
    int          open_handles;
    void (*done_cb)(void *);
    void *done_data;

    struct screen_pane *panes[SCREEN_MAXPANES];
    int                 npanes;
    int                 dirty; /* screen-level: SCREEN_LAYOUT */
    int                 urgent;
    uint64_t            last_frame_ns;
    uint64_t            frames;
    int                 colors;
    int                 empty_reads;
};

static const int screen_signums[SCREEN_NSIGNALS] = {SIGWINCH, SIGTERM, SIGHUP,
                                                    SIGINT};
static const int screen_fatal[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};

/* What the emergency restore needs, kept where a signal handler can use it
 * without allocating. */
static volatile sig_atomic_t screen_active;
static struct termios        screen_saved_tio;
static char                  screen_restore_seq[256];
static size_t                screen_restore_len;

void
screen_emergency_restore(void)
{
    ssize_t n;

    if (!screen_active)
        return;
    screen_active = 0;
    if (screen_restore_len > 0)
        n = write(STDOUT_FILENO, screen_restore_seq, screen_restore_len);
    n = write(STDOUT_FILENO, "\r\n", 2);
    (void)n;
    tcsetattr(STDIN_FILENO, TCSANOW, &screen_saved_tio);
}

static void
screen_fatal_handler(int sig)
{
    screen_emergency_restore();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void
screen_atexit(void)
{
    screen_emergency_restore();
}

/* Save the terminfo strings that undo what curses set up (keypad transmit,
 * invisible cursor, attributes, alternate screen), in that order. */
static void
screen_save_restore_seq(void)
{
    static const char *const caps[] = {"rmkx", "cnorm", "sgr0", "rmcup"};
    size_t                   i, len;
    char                    *s;

    screen_restore_len = 0;
    for (i = 0; i < nitems(caps); i++) {
        s = tigetstr(caps[i]);
        if (s == NULL || s == (char *)-1)
            continue;
        len = strlen(s);
        if (screen_restore_len + len > sizeof screen_restore_seq)
            break;
        memcpy(screen_restore_seq + screen_restore_len, s, len);
        screen_restore_len += len;
    }
}

static void
screen_install_fatal(void)
{
    static int       installed;
    struct sigaction sa;
    size_t           i;

    if (installed)
        return;
    installed = 1;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = screen_fatal_handler;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND;
    for (i = 0; i < nitems(screen_fatal); i++)
        sigaction(screen_fatal[i], &sa, NULL);
    atexit(screen_atexit);
}

static void
screen_handle_closed(uv_handle_t *h)
{
    struct screen *s = h->data;
    size_t         i;

    if (--s->open_handles > 0)
        return;
    for (i = 0; i < (size_t)s->npanes; i++) {
        if (s->panes[i]->win != NULL)
            delwin(s->panes[i]->win);
        s->panes[i]->win = NULL;
    }
    if (s->term != NULL)
        delscreen(s->term);
    if (s->done_cb != NULL)
        s->done_cb(s->done_data);
    free(s);
}

static void
screen_end(struct screen *s)
{
    if (s->ended)
        return;
    s->ended = 1;
    endwin();
    /* endwin restored the terminal; the emergency path must not again. */
    screen_active = 0;
}

void
screen_dirty(struct screen *s, struct screen_pane *p, int level,
             const char *why)
{
    int i;

    if (p == NULL) {
        if (!(s->dirty & level))
            klog("all %d: %s", level, why);
        s->dirty |= level;
        for (i = 0; i < s->npanes; i++)
            s->panes[i]->dirty |= level;
        return;
    }
    if ((p->dirty & level) != level)
        klog("%s %d: %s", p->ops->name, level, why);
    p->dirty |= level;
}

void
screen_urgent(struct screen *s)
{
    s->urgent = 1;
}

int
screen_has_colors(struct screen *s)
{
    return s->colors;
}

uint64_t
screen_frames(struct screen *s)
{
    return s->frames;
}

void
screen_add_pane(struct screen *s, struct screen_pane *p)
{
    if (s->npanes == SCREEN_MAXPANES)
        return;
    s->panes[s->npanes++] = p;
    p->win = NULL;
    p->dirty = SCREEN_LAYOUT | SCREEN_DATA | SCREEN_PAINT;
    s->dirty |= SCREEN_LAYOUT;
}

void
screen_pane_place(struct screen *s, struct screen_pane *p, int x, int y, int w,
                  int h)
{
    if (x < 0)
        x = 0;
    if (y < 0)
        y = 0;
    if (x + w > COLS)
        w = COLS - x;
    if (y + h > LINES)
        h = LINES - y;
    if (p->win != NULL && p->x == x && p->y == y && p->w == w && p->h == h)
        return;
    if (p->win != NULL)
        delwin(p->win);
    p->win = NULL;
    p->x = x;
    p->y = y;
    p->w = w > 0 ? w : 0;
    p->h = h > 0 ? h : 0;
    if (p->w > 0 && p->h > 0)
        p->win = newwin(p->h, p->w, p->y, p->x);
    p->dirty |= SCREEN_LAYOUT | SCREEN_DATA | SCREEN_PAINT;
    (void)s;
}

static void
screen_frame(struct screen *s)
{
    struct screen_pane *p;
    int                 i, any = 0, laid_out = 0;

    if (s->dirty & SCREEN_LAYOUT) {
        laid_out = 1;
        /* stdscr is only the backdrop; refreshing it here keeps wgetch
         * from repainting it over the panes later. */
        werase(stdscr);
        wnoutrefresh(stdscr);
        if (s->cbs.layout != NULL)
            s->cbs.layout(s, COLS, LINES, s->cbs.data);
        any = 1;
    }
    for (i = 0; i < s->npanes; i++) {
        p = s->panes[i];
        if ((p->dirty & (SCREEN_DATA | SCREEN_LAYOUT)) && p->ops->update)
            p->ops->update(p->data);
    }
    for (i = 0; i < s->npanes; i++) {
        p = s->panes[i];
        if (p->dirty == 0 && !(s->dirty & SCREEN_LAYOUT))
            continue;
        p->dirty = 0;
        if (p->win == NULL)
            continue;
        werase(p->win);
        p->ops->paint(p->data, p->win, i == 0);
        wnoutrefresh(p->win);
        any = 1;
    }
    s->dirty = 0;
    s->urgent = 0;
    if (!any)
        return;
    doupdate();
    s->frames++;
    s->last_frame_ns = uv_hrtime();
    if (laid_out) /* tests wait for this line after a resize */
        klog("frame %llu: layout %dx%d", (unsigned long long)s->frames, COLS,
             LINES);
    if (s->cbs.frame != NULL)
        s->cbs.frame(s, s->cbs.data);
}

static int
screen_is_dirty(struct screen *s)
{
    int i;

    if (s->dirty)
        return 1;
    for (i = 0; i < s->npanes; i++)
        if (s->panes[i]->dirty)
            return 1;
    return 0;
}

static void
screen_timer_cb(uv_timer_t *t)
{
    /* Only wakes the loop: the prepare hook draws on the next iteration. */
    (void)t;
}

static void
screen_prepare_cb(uv_prepare_t *h)
{
    struct screen *s = h->data;
    uint64_t       now, since;

    if (s->ended || !screen_is_dirty(s))
        return;
    now = uv_hrtime();
    since = now - s->last_frame_ns;
    if (!s->urgent && s->frames > 0 && since < SCREEN_FRAME_NS) {
        if (!uv_is_active((uv_handle_t *)&s->frame_timer))
            uv_timer_start(&s->frame_timer, screen_timer_cb,
                           (SCREEN_FRAME_NS - since + 999999) / 1000000, 0);
        return;
    }
    uv_timer_stop(&s->frame_timer);
    screen_frame(s);
}

static void
screen_resize(struct screen *s)
{
    struct winsize ws;

    if (s->ended)
        return;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
        ws.ws_col > 0)
        resizeterm(ws.ws_row, ws.ws_col);
    klog("%dx%d", COLS, LINES);
    screen_dirty(s, NULL, SCREEN_LAYOUT | SCREEN_DATA | SCREEN_PAINT, "resize");
    s->urgent = 1;
}

static void
screen_key(struct screen *s, int key)
{
    struct screen_pane *p;

    if (key == SCREEN_FKEY(KEY_RESIZE)) {
        /* resizeterm (from the SIGWINCH handler) queues this key; calling
         * it again here would queue another, forever. */
        screen_dirty(s, NULL, SCREEN_LAYOUT, "KEY_RESIZE");
        return;
    }
    /* The first pane has the focus (one pane list for now). */
    p = s->npanes > 0 ? s->panes[0] : NULL;
    if (p != NULL && p->ops->key != NULL && p->ops->key(p->data, key)) {
        s->urgent = 1;
        return;
    }
    if (s->cbs.key != NULL)
        s->cbs.key(s, key, s->cbs.data);
}

static void
screen_input_cb(uv_poll_t *h, int status, int events)
{
    struct screen *s = h->data;
    wint_t         wc;
    int            r, n = 0;

    if (status < 0) {
        /* The terminal went away (hangup): same as SIGHUP. */
        klog("stdin: %s", uv_strerror(status));
        uv_poll_stop(h);
        if (s->cbs.quit != NULL)
            s->cbs.quit(s, SIGHUP, s->cbs.data);
        return;
    }
    (void)events;
    while (!s->ended && (r = wget_wch(stdscr, &wc)) != ERR) {
        n++;
        if (r == KEY_CODE_YES)
            screen_key(s, SCREEN_FKEY((int)wc));
        else
            screen_key(s, (int)wc);
    }
    /* A terminal that hung up stays readable with nothing to read; do not
     * spin on it (SIGHUP usually comes first). */
    if (n == 0 && ++s->empty_reads >= 64 && !s->ended) {
        klog("stdin readable but empty: terminal gone");
        uv_poll_stop(h);
        if (s->cbs.quit != NULL)
            s->cbs.quit(s, SIGHUP, s->cbs.data);
    } else if (n > 0)
        s->empty_reads = 0;
}

static void
screen_signal_cb(uv_signal_t *h, int signum)
{
    struct screen *s = h->data;

    if (signum == SIGWINCH) {
        screen_resize(s);
        return;
    }
    klog("signal %d", signum);
    if (s->cbs.quit != NULL)
        s->cbs.quit(s, signum, s->cbs.data);
}

static void
screen_init_handles(struct screen *s)
{
    int i;

    uv_prepare_init(s->loop, &s->prepare);
    s->prepare.data = s;
    uv_prepare_start(&s->prepare, screen_prepare_cb);
    uv_timer_init(s->loop, &s->frame_timer);
    s->frame_timer.data = s;
    s->open_handles = 2;
    if (uv_poll_init(s->loop, &s->input, STDIN_FILENO) == 0) {
        s->input.data = s;
        uv_poll_start(&s->input, UV_READABLE, screen_input_cb);
        s->open_handles++;
    } else
        s->input.data = NULL;
    for (i = 0; i < SCREEN_NSIGNALS; i++) {
        uv_signal_init(s->loop, &s->signals[i]);
        s->signals[i].data = s;
        uv_signal_start(&s->signals[i], screen_signal_cb, screen_signums[i]);
        s->open_handles++;
    }
}

struct screen *
screen_create(uv_loop_t *loop, const struct screen_cbs *cbs, char **cause)
{
    struct screen *s;

    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        *cause = xstrdup("standard input and output must be a terminal "
                         "(try `kpod get pods` for plain output)");
        return NULL;
    }
    s = xcalloc(1, sizeof *s);
    s->loop = loop;
    s->cbs = *cbs;
    if (tcgetattr(STDIN_FILENO, &screen_saved_tio) != 0) {
        *cause = xasprintf("tcgetattr: %s", strerror(errno));
        free(s);
        return NULL;
    }
    /* A lone Esc must not wait curses' default second. */
    set_escdelay(25);
    s->term = newterm(NULL, stdout, stdin);
    if (s->term == NULL) {
        *cause = xasprintf("cannot initialise the terminal (TERM=%s)",
                           getenv("TERM") ? getenv("TERM") : "");
        free(s);
        return NULL;
    }
    set_term(s->term);
    screen_save_restore_seq();
    screen_active = 1;
    screen_install_fatal();

    raw(); /* ctrl-c arrives as a key; SIGINT from elsewhere still quits */
    noecho();
    nonl();
    curs_set(0);
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    if (has_colors() && getenv("NO_COLOR") == NULL) {
        start_color();
        use_default_colors();
        s->colors = 1;
    }
    screen_init_handles(s);
    s->dirty = SCREEN_LAYOUT;
    klog("%dx%d colors=%d", COLS, LINES, s->colors);
    return s;
}

void
screen_close(struct screen *s, void (*done_cb)(void *), void *data)
{
    int i;

    screen_end(s);
    s->done_cb = done_cb;
    s->done_data = data;
    uv_close((uv_handle_t *)&s->prepare, screen_handle_closed);
    uv_close((uv_handle_t *)&s->frame_timer, screen_handle_closed);
    if (s->input.data != NULL)
        uv_close((uv_handle_t *)&s->input, screen_handle_closed);
    for (i = 0; i < SCREEN_NSIGNALS; i++)
        uv_close((uv_handle_t *)&s->signals[i], screen_handle_closed);
}
