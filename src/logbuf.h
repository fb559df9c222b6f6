/*
 * The lines of one log pane: a ring buffer bounded by a line count (default
 * 100,000) and a byte budget, which counts what it evicts so the pane can
 * say so. Lines are kept whole (up to LOGBUF_MAX_LINE bytes; the display
 * truncates, the buffer never does below that). Lines are addressed by a
 * sequence number that keeps growing, so a view's position survives
 * eviction. It also searches (substring, case-insensitive, POSIX regex),
 * iterates a filter, and saves to a private file.
 */
#ifndef KPOD_LOGBUF_H
#define KPOD_LOGBUF_H

#include <stddef.h>
#include <stdint.h>

#define LOGBUF_DEFAULT_LINES 100000
#define LOGBUF_DEFAULT_BYTES ((size_t)512 << 20)
#define LOGBUF_MAX_LINE ((size_t)1 << 20)

enum logbuf_flag {
    LOGBUF_MARKER = 1,    /* not from the log: a boundary or notice */
    LOGBUF_TRUNCATED = 2, /* the line was longer than LOGBUF_MAX_LINE */
};

struct logbuf_line {
    char    *text; /* NUL-terminated, no newline; may hold NUL bytes */
    size_t   len;
    int64_t  ts_ns; /* timestamp (ns since the epoch), 0 = none */
    uint32_t src;   /* source id (merged panes); the caller's numbering */
    uint32_t flags; /* enum logbuf_flag */
};

struct logbuf;

/* max_lines 0 = LOGBUF_DEFAULT_LINES; max_bytes 0 = LOGBUF_DEFAULT_BYTES. */
struct logbuf *logbuf_create(size_t max_lines, size_t max_bytes);
void           logbuf_free(struct logbuf *);
void           logbuf_clear(struct logbuf *); /* counts as eviction */

/* Append a copy of text[0..len) (cut to LOGBUF_MAX_LINE, then flagged
 * LOGBUF_TRUNCATED). Evicts the oldest lines when over a bound. Returns
 * the new line's sequence number. */
uint64_t logbuf_add(struct logbuf *, const char *text, size_t len,
                    int64_t ts_ns, uint32_t src, uint32_t flags);

/* Sequence numbers held: [logbuf_first, logbuf_end). first == evicted. */
uint64_t logbuf_first(const struct logbuf *);
uint64_t logbuf_end(const struct logbuf *);
size_t   logbuf_count(const struct logbuf *);
uint64_t logbuf_evicted(const struct logbuf *);
size_t   logbuf_bytes(const struct logbuf *); /* text bytes held */
/* The line with that sequence number, or NULL when evicted / not yet
 * there. Borrowed until the next logbuf_add or logbuf_clear. */
const struct logbuf_line *logbuf_get(const struct logbuf *, uint64_t seq);

/* A search pattern. */
enum logbuf_query_flag {
    LOGBUF_ICASE = 1, /* ASCII case-insensitive */
    LOGBUF_REGEX = 2, /* POSIX extended regex (regcomp) */
};
struct logbuf_query;

/* NULL with *cause (regcomp's message) when the pattern is invalid or
 * empty. */
struct logbuf_query *logbuf_query_create(const char *pattern, int flags,
                                         char **cause);
void                 logbuf_query_free(struct logbuf_query *);

/* The first match in text[from..len): 1 with *off and *mlen (bytes, from the
 * start of text), else 0. Call again with from = off + max(mlen, 1) for the
 * next match (for highlighting every match in a line). */
int logbuf_query_match(const struct logbuf_query *, const char *text,
                       size_t len, size_t from, size_t *off, size_t *mlen);

/* A match position in the buffer. */
struct logbuf_match {
    uint64_t seq;
    size_t   off, len;
};

/* Next line with a match, starting at seq and moving by dir (+1 forward,
 * -1 backward; seq itself is tested first). Returns 1 and fills *m with
 * the line's first match, or 0 when there is none in that direction.
 * Marker lines never match. */
int logbuf_find(const struct logbuf *, const struct logbuf_query *,
                uint64_t seq, int dir, struct logbuf_match *m);

/* Filter iteration: the first line at or after *seq (dir +1) or at or
 * before it (dir -1) that matches q (NULL = every line); 1 with *seq set,
 * 0 at the end. Marker lines always pass, so boundaries stay visible. */
int logbuf_filter_next(const struct logbuf *, const struct logbuf_query *,
                       uint64_t *seq, int dir);

/* Save every held line to a new file created 0600 in
 * $XDG_STATE_HOME/kpod/ (default ~/.local/state/kpod/), named after
 * name (e.g. "ns_pod_container", unsafe characters replaced) and the local
 * time. timestamps = 1 writes each line's RFC3339Nano timestamp first.
 * Returns the path (caller frees) or NULL with *cause. */
char *logbuf_save(const struct logbuf *, const char *name, int timestamps,
                  char **cause);

/* The save directory (created 0700 when missing): caller frees, or NULL
 * with *cause. */
char *logbuf_state_dir(char **cause);

/* "2006-01-02T15:04:05.000000000Z" (31 bytes with the NUL). */
void logbuf_format_ts(char *buf, size_t len, int64_t ts_ns);

#endif
