/*
 * Allocation wrappers, byte buffers, time helpers and the debug log.
 * OOM aborts here so no caller checks allocations (tmux xmalloc.c).
 */
#define _GNU_SOURCE
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static void
oom(size_t n)
{
    fprintf(stderr, "kpod: out of memory allocating %zu bytes\n", n);
    abort();
}

void *
xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);

    if (p == NULL)
        oom(n);
    return p;
}

void *
xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);

    if (p == NULL)
        oom(n * size);
    return p;
}

void *
xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);

    if (q == NULL)
        oom(n);
    return q;
}

char *
xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);

    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *
xvasprintf(const char *fmt, va_list ap)
{
    char *s;

    if (vasprintf(&s, fmt, ap) < 0)
        oom(0);
    return s;
}

char *
xasprintf(const char *fmt, ...)
{
    va_list ap;
    char   *s;

    va_start(ap, fmt);
    s = xvasprintf(fmt, ap);
    va_end(ap);
    return s;
}

void
kbuf_init(struct kbuf *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void
kbuf_done(struct kbuf *b)
{
    free(b->data);
    kbuf_init(b);
}

void
kbuf_reset(struct kbuf *b)
{
    b->len = 0;
    if (b->data != NULL)
        b->data[0] = '\0';
}

void
kbuf_append(struct kbuf *b, const void *p, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;

        while (cap < b->len + n + 1)
            cap *= 2;
        b->data = xrealloc(b->data, cap);
        b->cap = cap;
    }
    if (n > 0)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void
kbuf_puts(struct kbuf *b, const char *s)
{
    kbuf_append(b, s, strlen(s));
}

void
kbuf_printf(struct kbuf *b, const char *fmt, ...)
{
    va_list ap;
    char   *s;

    va_start(ap, fmt);
    s = xvasprintf(fmt, ap);
    va_end(ap);
    kbuf_puts(b, s);
    free(s);
}

void
kbuf_consume(struct kbuf *b, size_t n)
{
    if (n >= b->len) {
        kbuf_reset(b);
        return;
    }
    memmove(b->data, b->data + n, b->len - n);
    b->len -= n;
    b->data[b->len] = '\0';
}

char *
kbuf_steal(struct kbuf *b)
{
    char *p = b->data;

    if (p == NULL)
        p = xstrdup("");
    kbuf_init(b);
    return p;
}

int64_t
know(void)
{
    return (int64_t)time(NULL);
}

int64_t
know_ms(void)
{
    struct timeval tv;

    gettimeofday(&tv, NULL);
    return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

int64_t
ktime_parse(const char *s)
{
    struct tm tm;
    int       y, mo, d, h, mi, sec, n = 0;
    int64_t   t;

    if (s == NULL)
        return -1;
    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec,
               &n) != 6 ||
        n == 0)
        return -1;
    memset(&tm, 0, sizeof tm);
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    t = (int64_t)timegm(&tm);
    s += n;
    if (*s == '.') {
        s++;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    if (*s == 'Z' || *s == 'z')
        return t;
    if (*s == '+' || *s == '-') {
        int oh, om, sign = *s == '-' ? -1 : 1;

        if (sscanf(s + 1, "%2d:%2d", &oh, &om) != 2)
            return -1;
        return t - sign * (oh * 3600 + om * 60);
    }
    return -1;
}

void
ktime_format(char *buf, size_t len, int64_t t)
{
    time_t    tt = (time_t)t;
    struct tm tm;

    gmtime_r(&tt, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static FILE *klog_file;

int
klog_open(const char *path)
{
    int fd;

    klog_close();
    /* 0600: a debug log says which servers and pods were used. */
    fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    klog_file = fdopen(fd, "a");
    if (klog_file == NULL) {
        close(fd);
        return -1;
    }
    setvbuf(klog_file, NULL, _IOLBF, 0);
    return 0;
}

void
klog_close(void)
{
    if (klog_file != NULL)
        fclose(klog_file);
    klog_file = NULL;
}

void
klog_(const char *func, const char *fmt, ...)
{
    va_list ap;
    char    ts[32];

    if (klog_file == NULL)
        return;
    ktime_format(ts, sizeof ts, know());
    fprintf(klog_file, "%s %s: ", ts, func);
    va_start(ap, fmt);
    vfprintf(klog_file, fmt, ap);
    va_end(ap);
    fputc('\n', klog_file);
}
