/*
 * Key names and key codes: one table maps names such as "ctrl-d", "f5",
 * "shift-tab" or "?" to codes and back, so keymap files and the help
 * overlay read the same data. A key sequence is one or two keys ("g g").
 * Nothing here knows about curses: the UI turns curses input into these
 * codes.
 */
#ifndef KPOD_KEYNAME_H
#define KPOD_KEYNAME_H

#include <stddef.h>

/* A key code: a Unicode code point or one of KEYC_* below, plus modifier
 * bits. Upper-case letters are their own code points ("A" == "shift-a"). */
#define KEYC_CTRL 0x01000000
#define KEYC_ALT 0x02000000
#define KEYC_SHIFT 0x04000000
#define KEYC_MODMASK (KEYC_CTRL | KEYC_ALT | KEYC_SHIFT)
#define KEYC_BASE 0x00200000 /* above every code point */

enum keyc_special {
    KEYC_NONE = KEYC_BASE,
    KEYC_F1,
    KEYC_F2,
    KEYC_F3,
    KEYC_F4,
    KEYC_F5,
    KEYC_F6,
    KEYC_F7,
    KEYC_F8,
    KEYC_F9,
    KEYC_F10,
    KEYC_F11,
    KEYC_F12,
    KEYC_UP,
    KEYC_DOWN,
    KEYC_LEFT,
    KEYC_RIGHT,
    KEYC_PGUP,
    KEYC_PGDN,
    KEYC_HOME,
    KEYC_END,
    KEYC_INSERT,
    KEYC_DELETE,
    KEYC_BACKSPACE,
    KEYC_TAB,
    KEYC_BTAB, /* shift-tab */
    KEYC_ENTER,
    KEYC_ESC,
    KEYC_SPACE
};

#define KEYSEQ_MAX 2

/* One or two keys pressed in turn. */
struct keyseq {
    int    keys[KEYSEQ_MAX];
    size_t n;
};

/* Parse one key name ("ctrl-x", "C-x", "alt-x", "M-x", "f1", "pgdn", "G",
 * "?"). Returns the code, or -1 when the name is not a key. */
int keyname_parse(const char *);
/* The canonical name of a key into buf; returns buf ("?" style for
 * printable keys, "unknown" for a code without a name). */
const char *keyname_print(int, char *, size_t);
/* Parse a sequence of up to KEYSEQ_MAX names separated by spaces ("g g").
 * Returns 0, or -1 when a name is bad or there are too many keys. */
int keyname_parse_seq(const char *, struct keyseq *);
/* The canonical text of a sequence into buf; returns buf. */
const char *keyname_print_seq(const struct keyseq *, char *, size_t);
/* Whether two sequences are equal; whether a is a strict prefix of b. */
int keyseq_equal(const struct keyseq *, const struct keyseq *);
int keyseq_prefix(const struct keyseq *, const struct keyseq *);

#endif
