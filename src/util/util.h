/*
 * Small helpers shared by every module: allocation that aborts on OOM,
 * a growable byte buffer, string helpers and the debug log. Nothing here
 * knows about Kubernetes, curl or curses.
 */
#ifndef KPOD_UTIL_H
#define KPOD_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define nitems(a) (sizeof(a) / sizeof((a)[0]))

#if defined(__GNUC__)
#define KPOD_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define KPOD_PRINTF(f, a)
#endif

/* Allocation: abort with a message on failure, never return NULL. */
void *xmalloc(size_t);
void *xcalloc(size_t, size_t);
void *xrealloc(void *, size_t);
char *xstrdup(const char *);
char *xstrndup(const char *, size_t);
char *xasprintf(const char *, ...) KPOD_PRINTF(1, 2);
char *xvasprintf(const char *, va_list);

/* A growable byte buffer; data is always NUL-terminated. */
struct kbuf {
    char  *data;
    size_t len;
    size_t cap;
};
void  kbuf_init(struct kbuf *);
void  kbuf_done(struct kbuf *);
void  kbuf_reset(struct kbuf *);
void  kbuf_append(struct kbuf *, const void *, size_t);
void  kbuf_puts(struct kbuf *, const char *);
void  kbuf_printf(struct kbuf *, const char *, ...) KPOD_PRINTF(2, 3);
void  kbuf_consume(struct kbuf *, size_t); /* drop the first n bytes */
char *kbuf_steal(struct kbuf *);           /* caller owns; buffer is reset */

/* Time: wall clock in seconds / milliseconds since the epoch. */
int64_t know(void);
int64_t know_ms(void);
/* RFC 3339 ("2024-01-02T03:04:05Z", fractions and offsets allowed) to
 * seconds since the epoch; -1 when malformed. */
int64_t ktime_parse(const char *);
/* Seconds since the epoch to "2024-01-02T03:04:05Z". */
void ktime_format(char *, size_t, int64_t);

/* Debug log (--log FILE). No-op until opened. Never logs secrets. */
int  klog_open(const char *path);
void klog_close(void);
void klog_(const char *func, const char *fmt, ...) KPOD_PRINTF(2, 3);
#define klog(...) klog_(__func__, __VA_ARGS__)

#endif
