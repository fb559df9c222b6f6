/*
 * A log stream for one pod/container, kept alive: it always asks for
 * follow=true&timestamps=true, splits each line into its RFC3339Nano
 * timestamp and text, and when the stream drops (network, server restart,
 * idle timeout, a clean end while the container still runs) reconnects
 * with backoff (0.8 s doubling to 30 s) from sinceTime = the last line's
 * timestamp, dropping only exact duplicates, so no line is lost or doubled.
 * A container restart is noticed (its containerID changes) and marked with a
 * boundary line before the new instance is followed. It never blocks the
 * loop and does not draw: lines and state changes go to callbacks.
 */
#ifndef KPOD_LOGS_H
#define KPOD_LOGS_H

#include <stddef.h>
#include <stdint.h>

struct kclient;
struct logs;
struct store;

enum logs_state {
    LOGS_CONNECTING,   /* asking the server */
    LOGS_FOLLOWING,    /* the stream is open */
    LOGS_RECONNECTING, /* dropped; next try at retry_at_ms */
    LOGS_WAITING,      /* the container is not running (message says
                          why: "waiting to start: ...", exited and about to
                          restart); retried at retry_at_ms */
    LOGS_ENDED,        /* the container terminated for good, or a one-shot
                          read is complete; exit_code/exit_reason if known */
    LOGS_ERROR,        /* the server refused for good (message) */
};

struct logs_status {
    enum logs_state state;
    int64_t         retry_at_ms; /* RECONNECTING / WAITING */
    const char     *message;     /* server's message or our reason, or NULL */
    const char     *reason;      /* the server's Status.reason, or NULL */
    int             exit_code;   /* ENDED: container exit code, -1 unknown */
    const char     *exit_reason; /* ENDED: "Completed", "Error"..., or NULL */
    int             restarts;    /* restartCount last seen, -1 unknown */
    uint64_t        lines;       /* lines delivered */
    uint64_t        duplicates;  /* replayed lines dropped after reconnects */
    uint64_t        connects;    /* log requests made */
    uint64_t        boundaries;  /* container restarts marked */
    uint64_t        cut_lines;   /* lines cut by a drop, read again */
};

enum logs_line_flag {
    LOGS_LINE_MARKER = 1,    /* a boundary we made, not a log line */
    LOGS_LINE_TRUNCATED = 2, /* cut at the maximum line length */
};

/* One line. Everything is borrowed for the duration of the callback. */
struct logs_line {
    int64_t     ts_ns; /* 0 when the line had no timestamp */
    const char *ts;    /* the timestamp as the server wrote it, or NULL */
    size_t      ts_len;
    const char *text; /* without timestamp and newline; may hold NULs */
    size_t      len;
    int         flags; /* enum logs_line_flag */
};

typedef void (*logs_line_cb)(struct logs *, const struct logs_line *,
                             void *data);
typedef void (*logs_status_cb)(struct logs *, const struct logs_status *,
                               void *data);
typedef void (*logs_done_cb)(struct logs *, void *data);

struct logs_opts {
    const char *ns, *pod;      /* required */
    const char *container;     /* NULL = the pod's only container */
    int64_t     tail_lines;    /* -1 = all (set it: 0 means none) */
    int64_t     since_seconds; /* 0 = unset */
    int         previous;      /* the previous instance; implies one read */
    int         follow;        /* 0 = one read of what is there, then ENDED */
    size_t      max_line;      /* 0 = 1 MiB of text */
    /* Backoff bounds in ms; 0 = 800 and 30000 (tests shorten them). */
    int64_t backoff_min_ms, backoff_max_ms;
};

struct logs *logs_create(struct kclient *, const struct logs_opts *,
                         logs_line_cb, logs_status_cb, void *data);
/* Optional: the pods store the UI keeps. When it shows the pod changing
 * while the stream waits (a restart after back-off, a container that
 * started), the stream tries again at once instead of at its next
 * back-off tick. The store must outlive the stream (or logs_close first). */
void logs_watch_store(struct logs *, struct store *pods);
/* Begin (the first callbacks come from the loop, never from here). */
void                      logs_start(struct logs *);
const struct logs_status *logs_status(struct logs *);
const char               *logs_pod(struct logs *);
const char               *logs_container(struct logs *); /* NULL = only */
/* Stop: no line or status callback after this. done (optional) runs once
 * every handle is closed; then the stream is freed. Safe inside its own
 * callbacks. */
void logs_close(struct logs *, logs_done_cb, void *data);

const char *logs_state_name(enum logs_state);

/* One line for a pane title or status bar: "following", "reconnecting in
 * 3s: <why>", "waiting: <why>", "ended: exit 0 (Completed)", "error: <the
 * server's message>". now_ms is the clock for the countdown. */
void logs_status_text(const struct logs_status *, int64_t now_ms, char *buf,
                      size_t len);

/* --- the pieces, exposed for tests --- */

/* Parse the timestamp prefix of a line ("2006-01-02T15:04:05.123456789Z "
 * or with an offset; 0-9 fractional digits). Returns the prefix length
 * including the one space, with *ns set, or 0 when there is none. */
size_t logs_parse_ts(const char *line, size_t len, int64_t *ns);

/* Duplicate dropping across reconnects. It remembers the newest timestamp
 * seen and the texts seen at exactly that timestamp (a multiset). */
struct logs_seen {
    char  *text;
    size_t len, size; /* size: the allocation, reused */
    int    used;      /* matched by a replayed line since the last resume */
};
struct logs_dedup {
    int64_t           last_ts; /* 0 = nothing seen */
    struct logs_seen *seen;    /* cap entries, nseen in use */
    size_t            nseen, cap;
    int               replay; /* after a resume, until a newer line */
};
void logs_dedup_init(struct logs_dedup *);
void logs_dedup_done(struct logs_dedup *);
/* A new connection starts from sinceTime = last_ts: what it repeats is
 * dropped. */
void logs_dedup_resume(struct logs_dedup *);
/* 1 = a new line (deliver it), 0 = a replayed duplicate (drop it). */
int logs_dedup_check(struct logs_dedup *, int64_t ts, const char *text,
                     size_t len);

#endif
