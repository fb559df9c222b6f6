/*
 * Log text made safe to draw: a log line is arbitrary bytes, and a terminal
 * obeys escape sequences, so before a line reaches the screen every byte is
 * turned into something that only prints. Invalid UTF-8 becomes U+FFFD,
 * C0/C1 control characters and DEL become caret notation (ESC is "^["),
 * tabs are expanded. It neither wraps nor colours; the log view does that.
 */
#ifndef KPOD_LOGSAFE_H
#define KPOD_LOGSAFE_H

#include <stddef.h>
#include <stdint.h>

struct kbuf;

/* One decoded unit of input: a code point (or U+FFFD for an invalid
 * sequence) and how many input bytes it took (>= 1). */
struct logsafe_cp {
    uint32_t cp;
    size_t   len;
    int      invalid;
};

/* Decode the UTF-8 unit at s[0..len) (len >= 1): maximal-subpart rule,
 * so one bad byte costs one U+FFFD and the next valid character survives.
 * Overlongs, surrogates and values past U+10FFFF are invalid. */
void logsafe_decode(const char *s, size_t len, struct logsafe_cp *);

/* Display columns of a (safe, printable) code point: 0, 1 or 2. */
int logsafe_width(uint32_t cp);

/* Append the display form of s[0..len) to out. col is the column the text
 * starts at (for tab stops); tabstop 0 = 8. When max_cols > 0 output stops
 * before the character that would pass it (never splitting one). Returns
 * the column after the last character written. *consumed (optional) gets
 * how many input bytes were shown. */
int logsafe_append(struct kbuf *out, const char *s, size_t len, int col,
                   int tabstop, int max_cols, size_t *consumed);

/* The whole line, from column 0, as a new string; caller frees. */
char *logsafe_str(const char *s, size_t len);

#endif
