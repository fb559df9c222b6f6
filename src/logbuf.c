/*
 * Ring buffer of log lines (see logbuf.h). The ring array grows by doubling
 * up to the line bound, so a quiet pane costs little; every line's text is
 * its own allocation so a 1 MiB line does not pin its neighbours. Search
 * and filter walk sequence numbers; saving is a plain blocking write of a
 * bounded buffer to a local file.
 */
#define _GNU_SOURCE
#include "logbuf.h"

#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct logbuf {
    struct logbuf_line *ring;
    size_t              cap;  /* allocated slots */
    size_t              head; /* slot of the oldest line */
    size_t              count;
    size_t              max_lines, max_bytes;
    size_t              bytes;
    uint64_t            first; /* sequence number of the oldest line */
};

struct logbuf_query {
    char   *pat;
    size_t  patlen;
    int     flags;
    regex_t re;
};

struct logbuf *
logbuf_create(size_t max_lines, size_t max_bytes)
{
    struct logbuf *lb = xcalloc(1, sizeof *lb);

    lb->max_lines = max_lines ? max_lines : LOGBUF_DEFAULT_LINES;
    lb->max_bytes = max_bytes ? max_bytes : LOGBUF_DEFAULT_BYTES;
    return lb;
}

static struct logbuf_line *
logbuf_slot(const struct logbuf *lb, size_t i)
{
    return &lb->ring[(lb->head + i) % lb->cap];
}

static void
logbuf_evict(struct logbuf *lb)
{
    struct logbuf_line *l = logbuf_slot(lb, 0);

    lb->bytes -= l->len;
    free(l->text);
    l->text = NULL;
    lb->head = (lb->head + 1) % lb->cap;
    lb->count--;
    lb->first++;
}

void
logbuf_clear(struct logbuf *lb)
{
    while (lb->count > 0)
        logbuf_evict(lb);
}

void
logbuf_free(struct logbuf *lb)
{
    if (lb == NULL)
        return;
    logbuf_clear(lb);
    free(lb->ring);
    free(lb);
}

/* Make room for one more slot: grow the array (unrolling the ring) while
 * under the line bound. */
static void
logbuf_grow(struct logbuf *lb)
{
    size_t              ncap, i;
    struct logbuf_line *n;

    if (lb->count < lb->cap || lb->cap >= lb->max_lines)
        return;
    ncap = lb->cap ? lb->cap * 2 : 64;
    if (ncap > lb->max_lines)
        ncap = lb->max_lines;
    n = xcalloc(ncap, sizeof *n);
    for (i = 0; i < lb->count; i++)
        n[i] = *logbuf_slot(lb, i);
    free(lb->ring);
    lb->ring = n;
    lb->cap = ncap;
    lb->head = 0;
}

uint64_t
logbuf_add(struct logbuf *lb, const char *text, size_t len, int64_t ts_ns,
           uint32_t src, uint32_t flags)
{
    struct logbuf_line *l;

    if (len > LOGBUF_MAX_LINE) {
        len = LOGBUF_MAX_LINE;
        flags |= LOGBUF_TRUNCATED;
    }
    /* Keep within both bounds; the newest line always stays. */
    while (lb->count > 0 &&
           (lb->count >= lb->max_lines || lb->bytes + len > lb->max_bytes))
        logbuf_evict(lb);
    logbuf_grow(lb);
    l = logbuf_slot(lb, lb->count);
    l->text = xmalloc(len + 1);
    memcpy(l->text, text, len);
    l->text[len] = '\0';
    l->len = len;
    l->ts_ns = ts_ns;
    l->src = src;
    l->flags = flags;
    lb->count++;
    lb->bytes += len;
    return lb->first + lb->count - 1;
}

uint64_t
logbuf_first(const struct logbuf *lb)
{
    return lb->first;
}

uint64_t
logbuf_end(const struct logbuf *lb)
{
    return lb->first + lb->count;
}

size_t
logbuf_count(const struct logbuf *lb)
{
    return lb->count;
}

uint64_t
logbuf_evicted(const struct logbuf *lb)
{
    return lb->first;
}

size_t
logbuf_bytes(const struct logbuf *lb)
{
    return lb->bytes;
}

const struct logbuf_line *
logbuf_get(const struct logbuf *lb, uint64_t seq)
{
    if (seq < lb->first || seq >= lb->first + lb->count)
        return NULL;
    return logbuf_slot(lb, (size_t)(seq - lb->first));
}

/* --- search --- */

struct logbuf_query *
logbuf_query_create(const char *pattern, int flags, char **cause)
{
    struct logbuf_query *q;
    int                  rc;

    if (pattern == NULL || *pattern == '\0') {
        *cause = xstrdup("empty pattern");
        return NULL;
    }
    q = xcalloc(1, sizeof *q);
    q->pat = xstrdup(pattern);
    q->patlen = strlen(pattern);
    q->flags = flags;
    if (flags & LOGBUF_REGEX) {
        rc = regcomp(&q->re, pattern,
                     REG_EXTENDED | REG_NEWLINE |
                         ((flags & LOGBUF_ICASE) ? REG_ICASE : 0));
        if (rc != 0) {
            char msg[256];

            regerror(rc, &q->re, msg, sizeof msg);
            *cause = xasprintf("invalid regular expression: %s", msg);
            free(q->pat);
            free(q);
            return NULL;
        }
    }
    return q;
}

void
logbuf_query_free(struct logbuf_query *q)
{
    if (q == NULL)
        return;
    if (q->flags & LOGBUF_REGEX)
        regfree(&q->re);
    free(q->pat);
    free(q);
}

static int
logbuf_lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* ASCII case-insensitive memmem. */
static const char *
logbuf_memcasemem(const char *h, size_t hlen, const char *n, size_t nlen)
{
    size_t i, j;
    int    first = logbuf_lower((unsigned char)n[0]);

    if (nlen > hlen)
        return NULL;
    for (i = 0; i + nlen <= hlen; i++) {
        if (logbuf_lower((unsigned char)h[i]) != first)
            continue;
        for (j = 1; j < nlen; j++)
            if (logbuf_lower((unsigned char)h[i + j]) !=
                logbuf_lower((unsigned char)n[j]))
                break;
        if (j == nlen)
            return h + i;
    }
    return NULL;
}

int
logbuf_query_match(const struct logbuf_query *q, const char *text, size_t len,
                   size_t from, size_t *off, size_t *mlen)
{
    const char *p;

    if (from > len)
        return 0;
    if (q->flags & LOGBUF_REGEX) {
        regmatch_t m[1];

        /* REG_STARTEND: lines may hold NUL bytes; ^ only at the real
         * start of the line. */
        m[0].rm_so = (regoff_t)from;
        m[0].rm_eo = (regoff_t)len;
        if (regexec(&q->re, text, 1, m,
                    REG_STARTEND | (from > 0 ? REG_NOTBOL : 0)) != 0)
            return 0;
        *off = (size_t)m[0].rm_so;
        *mlen = (size_t)(m[0].rm_eo - m[0].rm_so);
        return 1;
    }
    if (q->flags & LOGBUF_ICASE)
        p = logbuf_memcasemem(text + from, len - from, q->pat, q->patlen);
    else
        p = memmem(text + from, len - from, q->pat, q->patlen);
    if (p == NULL)
        return 0;
    *off = (size_t)(p - text);
    *mlen = q->patlen;
    return 1;
}

int
logbuf_find(const struct logbuf *lb, const struct logbuf_query *q, uint64_t seq,
            int dir, struct logbuf_match *m)
{
    const struct logbuf_line *l;

    if (lb->count == 0)
        return 0;
    if (seq < lb->first) {
        if (dir < 0)
            return 0;
        seq = lb->first;
    }
    if (seq >= logbuf_end(lb)) {
        if (dir > 0)
            return 0;
        seq = logbuf_end(lb) - 1;
    }
    for (;;) {
        l = logbuf_get(lb, seq);
        if (!(l->flags & LOGBUF_MARKER) &&
            logbuf_query_match(q, l->text, l->len, 0, &m->off, &m->len)) {
            m->seq = seq;
            return 1;
        }
        if (dir > 0) {
            if (++seq >= logbuf_end(lb))
                return 0;
        } else {
            if (seq == lb->first)
                return 0;
            seq--;
        }
    }
}

int
logbuf_filter_next(const struct logbuf *lb, const struct logbuf_query *q,
                   uint64_t *seq, int dir)
{
    uint64_t s = *seq;

    if (lb->count == 0)
        return 0;
    if (s < lb->first) {
        if (dir < 0)
            return 0;
        s = lb->first;
    }
    if (s >= logbuf_end(lb)) {
        if (dir > 0)
            return 0;
        s = logbuf_end(lb) - 1;
    }
    for (;;) {
        const struct logbuf_line *l = logbuf_get(lb, s);
        size_t                    off, mlen;

        if (q == NULL || (l->flags & LOGBUF_MARKER) ||
            logbuf_query_match(q, l->text, l->len, 0, &off, &mlen)) {
            *seq = s;
            return 1;
        }
        if (dir > 0) {
            if (++s >= logbuf_end(lb))
                return 0;
        } else {
            if (s == lb->first)
                return 0;
            s--;
        }
    }
}

/* --- saving --- */

void
logbuf_format_ts(char *buf, size_t len, int64_t ts_ns)
{
    time_t    s = (time_t)(ts_ns / 1000000000);
    struct tm tm;

    gmtime_r(&s, &tm);
    snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ",
             tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
             tm.tm_min, tm.tm_sec, (long)(ts_ns % 1000000000));
}

/* mkdir -p with mode for the missing parts. */
static int
logbuf_mkdirs(const char *path, mode_t mode)
{
    char *p = xstrdup(path), *s;
    int   rc = 0;

    for (s = p + 1; *s != '\0'; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0700) != 0 && errno != EEXIST)
            rc = -1;
        *s = '/';
    }
    if (rc == 0 && mkdir(p, mode) != 0 && errno != EEXIST)
        rc = -1;
    free(p);
    return rc;
}

char *
logbuf_state_dir(char **cause)
{
    const char *x = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    char       *dir;

    /* The XDG spec: a relative XDG_STATE_HOME is invalid and ignored. */
    if (x != NULL && x[0] == '/')
        dir = xasprintf("%s/kpod", x);
    else if (home != NULL && *home != '\0')
        dir = xasprintf("%s/.local/state/kpod", home);
    else {
        *cause = xstrdup("neither XDG_STATE_HOME nor HOME is set");
        return NULL;
    }
    if (logbuf_mkdirs(dir, 0700) != 0) {
        *cause = xasprintf("%s: %s", dir, strerror(errno));
        free(dir);
        return NULL;
    }
    return dir;
}

static int
logbuf_write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);

        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

char *
logbuf_save(const struct logbuf *lb, const char *name, int timestamps,
            char **cause)
{
    char       *dir, *safe, *path = NULL, stamp[32], ts[40], *s;
    struct tm   tm;
    time_t      now = time(NULL);
    struct kbuf out;
    size_t      i;
    int         fd = -1, n;

    if ((dir = logbuf_state_dir(cause)) == NULL)
        return NULL;
    safe = xstrdup(name != NULL && *name != '\0' ? name : "log");
    for (s = safe; *s != '\0'; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
              (*s >= '0' && *s <= '9') || *s == '-' || *s == '.' || *s == '_'))
            *s = '_';
    if (safe[0] == '.')
        safe[0] = '_';
    localtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    /* O_EXCL: never follow a planted symlink or overwrite a save. */
    for (n = 0; n < 1000 && fd < 0; n++) {
        free(path);
        if (n == 0)
            path = xasprintf("%s/%s-%s.log", dir, safe, stamp);
        else
            path = xasprintf("%s/%s-%s-%d.log", dir, safe, stamp, n);
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
                  0600);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    free(dir);
    free(safe);
    if (fd < 0) {
        *cause = xasprintf("%s: %s", path, strerror(errno));
        free(path);
        return NULL;
    }
    kbuf_init(&out);
    for (i = 0; i < lb->count; i++) {
        const struct logbuf_line *l = logbuf_slot(lb, i);

        if (timestamps && l->ts_ns != 0) {
            logbuf_format_ts(ts, sizeof ts, l->ts_ns);
            kbuf_puts(&out, ts);
            kbuf_puts(&out, " ");
        }
        kbuf_append(&out, l->text, l->len);
        kbuf_append(&out, "\n", 1);
        if (out.len >= 1 << 20 || i + 1 == lb->count) {
            if (logbuf_write_all(fd, out.data, out.len) != 0)
                goto fail;
            kbuf_reset(&out);
        }
    }
    if (close(fd) != 0) {
        fd = -1;
        goto fail;
    }
    kbuf_done(&out);
    return path;

fail:
    *cause = xasprintf("%s: %s", path, strerror(errno));
    if (fd >= 0)
        close(fd);
    unlink(path);
    free(path);
    kbuf_done(&out);
    return NULL;
}
