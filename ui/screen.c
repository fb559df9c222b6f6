/*
 * Curses set-up and teardown, input, signals and the redraw scheduler.
 * Frames are drawn only from the prepare hook (once per loop iteration,
 * just before the loop sleeps), so any number of store notifications and
 * keys in one iteration make one frame; a one-shot timer wakes the loop
 * when the ~60 fps cap deferred a frame. Keys are read here and passed to
 * curses through a pipe, so curses never blocks waiting out an Esc. This
 * file does not know what the panes show; nothing outside it calls
 * doupdate.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "screen.h"
#include "util.h"

#define SCREEN_MAXPANES 64
#define SCREEN_FRAME_NS (16 * 1000 * 1000) /* ~60 frames/s */
#define SCREEN_NSIGNALS 5
#define SCREEN_ESC_MS 25 /* how long a lone Esc may start a sequence */

struct screen {
    uv_loop_t        *loop;
    struct screen_cbs cbs;
    SCREEN           *term;
    int               ended; /* endwin done */

    uv_prepare_t  prepare;
    uv_timer_t    frame_timer;
    uv_poll_t     input;
    uv_timer_t    esc_timer;  /* flushes a held Esc (see screen_input_cb) */
    int           keypipe[2]; /* what we read from the tty, curses reads */
    FILE         *keyin;      /* keypipe[0] as curses' input */
    unsigned char held[16];   /* tail that may be an unfinished sequence */
    size_t        nheld;
    uv_signal_t   signals[SCREEN_NSIGNALS];
    int           open_handles;
    void (*done_cb)(void *);
    void *done_data;

    struct screen_pane *panes[SCREEN_MAXPANES];
    int                 npanes;
    struct screen_pane *focus; /* gets keys first; NULL = the first pane */
    int                 dirty; /* screen-level: SCREEN_LAYOUT */
    int                 urgent;
    uint64_t            last_frame_ns;
    uint64_t            frames;
    uint64_t            key_ns;         /* oldest key not yet drawn */
    uint64_t            key_latency_ns; /* of the last frame, for --stats */
    uint64_t            frame_cost_ns;  /* build + paint + doupdate */
    int                 colors;
    int                 empty_reads;
    uint64_t            frame_ns; /* the frame cap: 1 s / refresh-cap */
    /* screen_suspend: the terminal is lent out (an interactive shell) */
    int                       suspended;
    struct screen_suspend_ops sus;
    struct termios            sus_tio; /* the mode endwin left */
};

static const int screen_signums[SCREEN_NSIGNALS] = {SIGWINCH, SIGTERM, SIGHUP,
                                                    SIGINT, SIGTSTP};
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
    if (s->keyin != NULL)
        fclose(s->keyin);
    if (s->keypipe[1] >= 0)
        close(s->keypipe[1]);
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

uint64_t
screen_frame_cost(struct screen *s)
{
    return s->frame_cost_ns;
}

uint64_t
screen_key_latency(struct screen *s)
{
    return s->key_latency_ns;
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
screen_remove_pane(struct screen *s, struct screen_pane *p)
{
    int i;

    for (i = 0; i < s->npanes; i++)
        if (s->panes[i] == p)
            break;
    if (i == s->npanes)
        return;
    memmove(&s->panes[i], &s->panes[i + 1],
            (size_t)(s->npanes - i - 1) * sizeof s->panes[0]);
    s->npanes--;
    if (p->win != NULL && !s->ended)
        delwin(p->win);
    p->win = NULL;
    if (s->focus == p)
        s->focus = NULL;
    screen_dirty(s, NULL, SCREEN_LAYOUT, "pane removed");
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
    uint64_t            t0 = uv_hrtime();

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
        p->ops->paint(p->data, p->win, p == screen_focused(s));
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
    s->frame_cost_ns = s->last_frame_ns - t0;
    s->key_latency_ns = s->key_ns != 0 ? s->last_frame_ns - s->key_ns : 0;
    s->key_ns = 0;
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

    if (s->ended || s->suspended || !screen_is_dirty(s))
        return;
    now = uv_hrtime();
    since = now - s->last_frame_ns;
    if (!s->urgent && s->frames > 0 && since < s->frame_ns) {
        if (!uv_is_active((uv_handle_t *)&s->frame_timer))
            uv_timer_start(&s->frame_timer, screen_timer_cb,
                           (s->frame_ns - since + 999999) / 1000000, 0);
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

    klog("key %#x", (unsigned)key);
    if (s->key_ns == 0)
        s->key_ns = uv_hrtime();
    if (key == SCREEN_FKEY(KEY_RESIZE)) {
        /* resizeterm (from the SIGWINCH handler) queues this key; calling
         * it again here would queue another, forever. */
        screen_dirty(s, NULL, SCREEN_LAYOUT, "KEY_RESIZE");
        return;
    }
    if (key == SCREEN_FKEY(KEY_MOUSE)) {
        MEVENT              ev;
        struct screen_mouse m = {0};

        if (getmouse(&ev) == OK && s->cbs.mouse != NULL &&
            (m.kind = screen_mouse_kind((unsigned long)ev.bstate)) !=
                SCREEN_MOUSE_NONE) {
            m.x = ev.x;
            m.y = ev.y;
            s->cbs.mouse(s, &m, s->cbs.data);
        }
        if (!screen_is_dirty(s))
            s->key_ns = 0;
        return;
    }
    /* The focused pane, else the first one, gets the key first. */
    p = s->focus != NULL ? s->focus : s->npanes > 0 ? s->panes[0] : NULL;
    if (p != NULL && p->ops->key != NULL && p->ops->key(p->data, key))
        s->urgent = 1;
    else if (s->cbs.key != NULL)
        s->cbs.key(s, key, s->cbs.data);
    /* A key that changed nothing on screen has no latency to report. */
    if (!screen_is_dirty(s))
        s->key_ns = 0;
}

enum screen_mouse_kind
screen_mouse_kind(unsigned long bstate)
{
    if (bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED))
        return SCREEN_MOUSE_CLICK;
    if (bstate & BUTTON4_PRESSED)
        return SCREEN_MOUSE_WHEEL_UP;
#ifdef BUTTON5_PRESSED
    if (bstate & BUTTON5_PRESSED)
        return SCREEN_MOUSE_WHEEL_DOWN;
#endif
    return SCREEN_MOUSE_NONE;
}

void
screen_set_mouse(struct screen *s, int on)
{
    (void)s;
    /* presses, not clicks: no mouseinterval wait for the release */
    mouseinterval(0);
    /* releases are asked for too (and ignored): with them masked out,
     * ncurses 6 lost the presses that followed a release */
    mousemask(on ? BUTTON1_PRESSED | BUTTON1_RELEASED | BUTTON1_CLICKED |
                       BUTTON4_PRESSED
#ifdef BUTTON5_PRESSED
                       | BUTTON5_PRESSED
#endif
                 : 0,
              NULL);
}

void
screen_set_fps(struct screen *s, int fps)
{
    s->frame_ns = fps > 0 ? 1000000000ull / (uint64_t)fps : SCREEN_FRAME_NS;
}

size_t
screen_input_pending(const unsigned char *buf, size_t len)
{
    size_t i, esc, n, want;

    /* An unfinished UTF-8 character at the end. */
    for (i = len; i > 0 && len - i < 3; i--) {
        unsigned char c = buf[i - 1];

        if ((c & 0xc0) == 0x80)
            continue; /* continuation: look further back */
        want = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
        if (want > len - (i - 1))
            return len - (i - 1);
        break;
    }
    /* The last Esc and what follows it. */
    for (i = len; i > 0 && buf[i - 1] != 0x1b; i--)
        ;
    if (i == 0)
        return 0;
    esc = i - 1;
    n = len - esc;
    if (n == 1)
        return 1; /* a lone Esc, or the start of a sequence */
    if (buf[esc + 1] == 'O')
        return n == 2 ? 2 : 0; /* SS3 and its one final byte */
    if (buf[esc + 1] != '[')
        return 0; /* Esc + key: alt-key, complete */
    /* CSI: parameters and intermediates (0x20-0x3f), then a final byte
     * (0x40-0x7e). Anything else means it was not a sequence after all. */
    for (i = esc + 2; i < len; i++) {
        if (buf[i] >= 0x40 && buf[i] <= 0x7e)
            return 0;
        if (buf[i] < 0x20 || buf[i] > 0x3f)
            return 0;
    }
    return n;
}

/* Hand what curses can parse now to it and dispatch the keys. */
static void
screen_feed(struct screen *s, const unsigned char *buf, size_t len)
{
    wint_t  wc;
    ssize_t w;
    int     r;

    while (len > 0) {
        w = write(s->keypipe[1], buf, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break; /* the pipe is full: curses drains it below */
        buf += w;
        len -= (size_t)w;
    }
    while (!s->ended && (r = wget_wch(stdscr, &wc)) != ERR) {
        if (r == KEY_CODE_YES)
            screen_key(s, SCREEN_FKEY((int)wc));
        else
            screen_key(s, (int)wc);
    }
}

static void
screen_esc_timer_cb(uv_timer_t *t)
{
    struct screen *s = t->data;
    unsigned char  held[sizeof s->held];
    size_t         n = s->nheld;

    /* Nothing followed in time: it was an Esc key (or a cut sequence). */
    memcpy(held, s->held, n);
    s->nheld = 0;
    screen_feed(s, held, n);
}

static void
screen_hangup(struct screen *s, const char *why)
{
    klog("stdin: %s", why);
    uv_poll_stop(&s->input);
    if (s->cbs.quit != NULL)
        s->cbs.quit(s, SIGHUP, s->cbs.data);
}

/* The terminal's size to the borrower. */
static void
screen_lent_size(struct screen *s)
{
    struct winsize ws;

    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 &&
        ws.ws_row > 0 && s->sus.resize != NULL)
        s->sus.resize(s->sus.data, ws.ws_col, ws.ws_row);
}

/* While suspended, stdin's bytes go to the borrower as they are. */
static void
screen_input_lent(struct screen *s)
{
    char    buf[4096];
    int     avail = 0;
    ssize_t n;

    if (ioctl(STDIN_FILENO, FIONREAD, &avail) != 0 || avail <= 0)
        avail = 1;
    if ((size_t)avail > sizeof buf)
        avail = (int)sizeof buf;
    n = read(STDIN_FILENO, buf, (size_t)avail);
    if (n < 0 && errno == EINTR)
        return;
    if (n <= 0) {
        if (++s->empty_reads >= 3)
            screen_hangup(s, n == 0 ? "end of file" : strerror(errno));
        return;
    }
    s->empty_reads = 0;
    if (s->sus.input != NULL)
        s->sus.input(s->sus.data, buf, (size_t)n);
}

void
screen_suspend(struct screen *s, const struct screen_suspend_ops *ops)
{
    struct termios raw;

    if (s->ended || s->suspended)
        return;
    s->suspended = 1;
    s->sus = *ops;
    s->nheld = 0;
    uv_timer_stop(&s->esc_timer);
    uv_timer_stop(&s->frame_timer);
    endwin(); /* the shell's screen and mode, cursor visible */
    tcgetattr(STDIN_FILENO, &s->sus_tio);
    raw = s->sus_tio;
    cfmakeraw(&raw);
    tcsetattr(STDIN_FILENO, TCSADRAIN, &raw);
    klog("screen suspended");
    screen_lent_size(s);
}

void
screen_resume(struct screen *s)
{
    if (!s->suspended)
        return;
    s->suspended = 0;
    memset(&s->sus, 0, sizeof s->sus);
    tcsetattr(STDIN_FILENO, TCSADRAIN, &s->sus_tio);
    if (s->ended)
        return;
    /* the next doupdate resumes curses; repaint every cell of it */
    clearok(curscr, TRUE);
    screen_resize(s);
    klog("screen resumed");
}

/*
 * Keys are read from the terminal here, not by curses: curses would block
 * ESCDELAY on a lone Esc to see whether a sequence follows. Complete input
 * goes to curses through a pipe at once (curses' ESCDELAY is 0); a tail
 * that may be an unfinished escape sequence or UTF-8 character is held
 * for SCREEN_ESC_MS by a timer, so a lone Esc costs no blocking.
 */
static void
screen_input_cb(uv_poll_t *h, int status, int events)
{
    struct screen *s = h->data;
    unsigned char  buf[4096 + sizeof s->held];
    size_t         len, hold;
    ssize_t        n;
    int            avail = 0;

    (void)events;
    if (status < 0) {
        screen_hangup(s, uv_strerror(status));
        return;
    }
    if (s->ended)
        return;
    if (s->suspended) {
        screen_input_lent(s);
        return;
    }
    memcpy(buf, s->held, s->nheld);
    len = s->nheld;
    s->nheld = 0;
    uv_timer_stop(&s->esc_timer);
    /* Read only what is there: the terminal is in blocking mode (shared
     * with the shell, so its flags stay untouched). */
    if (ioctl(STDIN_FILENO, FIONREAD, &avail) != 0 || avail <= 0)
        avail = 1; /* readable with nothing queued: end of file or hangup */
    if ((size_t)avail > sizeof buf - len)
        avail = (int)(sizeof buf - len);
    n = read(STDIN_FILENO, buf + len, (size_t)avail);
    if (n < 0 && errno == EINTR)
        n = 0;
    else if (n <= 0) {
        if (++s->empty_reads >= 3) {
            screen_hangup(s, n == 0 ? "end of file" : strerror(errno));
            return;
        }
        n = 0;
    } else
        s->empty_reads = 0;
    len += (size_t)n;
    hold = screen_input_pending(buf, len);
    if (hold > sizeof s->held)
        hold = 0; /* too long to be a key: let curses have it */
    screen_feed(s, buf, len - hold);
    if (hold > 0 && !s->ended) {
        memcpy(s->held, buf + len - hold, hold);
        s->nheld = hold;
        uv_timer_start(&s->esc_timer, screen_esc_timer_cb, SCREEN_ESC_MS, 0);
    }
}

/* Terminal modes while curses runs: raw (ctrl-c is a key), except that
 * the suspend character (^Z) still signals, so ctrl-z suspends kpod as it
 * does any program; intr and quit stay keys. Saved as curses' program
 * mode, which it restores after a suspend. */
static void
screen_modes(void)
{
    struct termios tio;

    raw(); /* ctrl-c arrives as a key; SIGINT from elsewhere still quits */
    noecho();
    nonl();
    if (tcgetattr(STDIN_FILENO, &tio) == 0) {
        tio.c_lflag |= ISIG;
        tio.c_cc[VINTR] = _POSIX_VDISABLE;
        tio.c_cc[VQUIT] = _POSIX_VDISABLE;
        tcsetattr(STDIN_FILENO, TCSANOW, &tio);
    }
    def_prog_mode();
}

/* SIGTSTP (ctrl-z, or from outside): give the terminal back as it was,
 * stop, and when continued (fg) take it again and redraw everything at
 * the terminal's size then. */
static void
screen_tstp(struct screen *s)
{
    if (s->ended)
        return;
    klog("suspended");
    endwin();
    screen_active = 0;
    kill(getpid(), SIGSTOP);
    /* continued */
    klog("continued");
    screen_active = 1;
    reset_prog_mode();
    clearok(curscr, TRUE);
    screen_resize(s);
}

static void
screen_signal_cb(uv_signal_t *h, int signum)
{
    struct screen *s = h->data;

    if (signum == SIGWINCH) {
        if (s->suspended)
            screen_lent_size(s);
        else
            screen_resize(s);
        return;
    }
    if (signum == SIGTSTP) {
        screen_tstp(s);
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
    uv_timer_init(s->loop, &s->esc_timer);
    s->esc_timer.data = s;
    s->open_handles = 3;
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
    /* Curses reads keys from a pipe that screen_input_cb fills, and never
     * waits for the rest of a sequence (that wait is ours, on a timer). */
    if (pipe(s->keypipe) != 0) {
        *cause = xasprintf("pipe: %s", strerror(errno));
        free(s);
        return NULL;
    }
    fcntl(s->keypipe[0], F_SETFD, FD_CLOEXEC);
    fcntl(s->keypipe[1], F_SETFD, FD_CLOEXEC);
    fcntl(s->keypipe[1], F_SETFL, O_NONBLOCK);
    s->keyin = fdopen(s->keypipe[0], "r");
    set_escdelay(0);
    s->term = newterm(NULL, stdout, s->keyin);
    if (s->term == NULL) {
        *cause = xasprintf("cannot initialise the terminal (TERM=%s)",
                           getenv("TERM") ? getenv("TERM") : "");
        fclose(s->keyin);
        close(s->keypipe[1]);
        free(s);
        return NULL;
    }
    set_term(s->term);
    screen_save_restore_seq();
    screen_active = 1;
    screen_install_fatal();

    screen_modes();
    curs_set(0);
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    if (has_colors() && getenv("NO_COLOR") == NULL) {
        start_color();
        use_default_colors();
        s->colors = 1;
    }
    screen_init_handles(s);
    s->frame_ns = SCREEN_FRAME_NS;
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
    uv_close((uv_handle_t *)&s->esc_timer, screen_handle_closed);
    if (s->input.data != NULL)
        uv_close((uv_handle_t *)&s->input, screen_handle_closed);
    for (i = 0; i < SCREEN_NSIGNALS; i++)
        uv_close((uv_handle_t *)&s->signals[i], screen_handle_closed);
}

void
screen_focus(struct screen *s, struct screen_pane *p)
{
    if (s == NULL)
        return;
    s->focus = p;
    screen_dirty(s, NULL, SCREEN_PAINT, "focus");
}

struct screen_pane *
screen_focused(struct screen *s)
{
    if (s == NULL)
        return NULL;
    return s->focus != NULL ? s->focus : s->npanes > 0 ? s->panes[0] : NULL;
}

int
screen_suspended(struct screen *s)
{
    return s != NULL && s->suspended;
}
