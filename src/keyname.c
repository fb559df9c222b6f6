/*
 * The key name table (tmux key-string.c in spirit): special keys by name,
 * modifiers as prefixes, everything else as the UTF-8 character itself.
 * Parsing is case-insensitive for names and modifiers but not for single
 * characters, since "g" and "G" are different keys. Printing gives the
 * first name in the table, so parse(print(k)) == k for every named key.
 */
#include <ctype.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "keyname.h"
#include "util.h"

static const struct {
    const char *name;
    int         key;
} keyname_table[] = {
    {"f1", KEYC_F1},
    {"f2", KEYC_F2},
    {"f3", KEYC_F3},
    {"f4", KEYC_F4},
    {"f5", KEYC_F5},
    {"f6", KEYC_F6},
    {"f7", KEYC_F7},
    {"f8", KEYC_F8},
    {"f9", KEYC_F9},
    {"f10", KEYC_F10},
    {"f11", KEYC_F11},
    {"f12", KEYC_F12},
    {"up", KEYC_UP},
    {"down", KEYC_DOWN},
    {"left", KEYC_LEFT},
    {"right", KEYC_RIGHT},
    {"pgup", KEYC_PGUP},
    {"pageup", KEYC_PGUP},
    {"pgdn", KEYC_PGDN},
    {"pagedown", KEYC_PGDN},
    {"home", KEYC_HOME},
    {"end", KEYC_END},
    {"insert", KEYC_INSERT},
    {"delete", KEYC_DELETE},
    {"backspace", KEYC_BACKSPACE},
    {"tab", KEYC_TAB},
    {"shift-tab", KEYC_BTAB},
    {"backtab", KEYC_BTAB},
    {"enter", KEYC_ENTER},
    {"return", KEYC_ENTER},
    {"esc", KEYC_ESC},
    {"escape", KEYC_ESC},
    {"space", KEYC_SPACE},
};

static const struct {
    const char *prefix;
    int         mod;
} keyname_mods[] = {
    {"ctrl-", KEYC_CTRL}, {"c-", KEYC_CTRL},      {"alt-", KEYC_ALT},
    {"m-", KEYC_ALT},     {"shift-", KEYC_SHIFT}, {"s-", KEYC_SHIFT},
};

/* Decode one UTF-8 character that is the whole string; -1 otherwise. */
static int
keyname_utf8(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    int                  cp, n;

    if (p[0] < 0x80)
        cp = p[0], n = 0;
    else if ((p[0] & 0xe0) == 0xc0)
        cp = p[0] & 0x1f, n = 1;
    else if ((p[0] & 0xf0) == 0xe0)
        cp = p[0] & 0x0f, n = 2;
    else if ((p[0] & 0xf8) == 0xf0)
        cp = p[0] & 0x07, n = 3;
    else
        return -1;
    for (int i = 1; i <= n; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return -1;
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    if (p[n + 1] != '\0' || cp > 0x10ffff || cp < 0x21 || cp == 0x7f)
        return -1;
    return cp;
}

int
keyname_parse(const char *name)
{
    int mods = 0, key = -1;

    if (name == NULL || *name == '\0')
        return -1;
    /* "-" alone and "ctrl--" are keys, so a prefix needs something after. */
    for (;;) {
        size_t i;
        for (i = 0; i < nitems(keyname_mods); i++) {
            size_t l = strlen(keyname_mods[i].prefix);
            if (strncasecmp(name, keyname_mods[i].prefix, l) == 0 &&
                name[l] != '\0' && strcasecmp(name, "shift-tab") != 0) {
                if (mods & keyname_mods[i].mod)
                    return -1;
                mods |= keyname_mods[i].mod;
                name += l;
                break;
            }
        }
        if (i == nitems(keyname_mods))
            break;
    }
    for (size_t i = 0; i < nitems(keyname_table); i++) {
        if (strcasecmp(name, keyname_table[i].name) == 0) {
            key = keyname_table[i].key;
            break;
        }
    }
    if (key == -1) {
        key = keyname_utf8(name);
        if (key == -1)
            return -1;
        if (mods & KEYC_SHIFT) {
            /* shift-a is "A"; shift on other characters means nothing. */
            if (key < 0x80 && isalpha(key))
                key = toupper(key);
            else
                return -1;
            mods &= ~KEYC_SHIFT;
        }
        if (mods & KEYC_CTRL) {
            /* Terminals send one code for ctrl-a and ctrl-A. */
            if (key < 0x80 && isalpha(key))
                key = tolower(key);
        }
    } else if (key == KEYC_BTAB && (mods & KEYC_SHIFT))
        return -1;
    else if (key == KEYC_TAB && (mods & KEYC_SHIFT)) {
        key = KEYC_BTAB;
        mods &= ~KEYC_SHIFT;
    }
    return key | mods;
}

const char *
keyname_print(int key, char *buf, size_t len)
{
    int         base = key & ~KEYC_MODMASK;
    const char *name = NULL;
    char        ch[8];

    if (key < 0 || len == 0) {
        if (len)
            buf[0] = '\0';
        return buf;
    }
    for (size_t i = 0; i < nitems(keyname_table); i++) {
        if (keyname_table[i].key == base) {
            name = keyname_table[i].name;
            break;
        }
    }
    if (name == NULL && base > 0x20 && base != 0x7f && base <= 0x10ffff) {
        char *p = ch;
        if (base < 0x80)
            *p++ = (char)base;
        else if (base < 0x800) {
            *p++ = (char)(0xc0 | (base >> 6));
            *p++ = (char)(0x80 | (base & 0x3f));
        } else if (base < 0x10000) {
            *p++ = (char)(0xe0 | (base >> 12));
            *p++ = (char)(0x80 | ((base >> 6) & 0x3f));
            *p++ = (char)(0x80 | (base & 0x3f));
        } else {
            *p++ = (char)(0xf0 | (base >> 18));
            *p++ = (char)(0x80 | ((base >> 12) & 0x3f));
            *p++ = (char)(0x80 | ((base >> 6) & 0x3f));
            *p++ = (char)(0x80 | (base & 0x3f));
        }
        *p = '\0';
        name = ch;
    }
    if (name == NULL) {
        snprintf(buf, len, "unknown");
        return buf;
    }
    snprintf(buf, len, "%s%s%s%s", (key & KEYC_CTRL) ? "ctrl-" : "",
             (key & KEYC_ALT) ? "alt-" : "", (key & KEYC_SHIFT) ? "shift-" : "",
             name);
    return buf;
}

int
keyname_parse_seq(const char *text, struct keyseq *seq)
{
    char *copy = xstrdup(text), *p = copy, *tok;
    int   rc = 0;

    seq->n = 0;
    while ((tok = strsep(&p, " ")) != NULL) {
        int key;
        if (*tok == '\0')
            continue;
        if (seq->n == KEYSEQ_MAX || (key = keyname_parse(tok)) == -1) {
            rc = -1;
            break;
        }
        seq->keys[seq->n++] = key;
    }
    if (seq->n == 0)
        rc = -1;
    free(copy);
    return rc;
}

const char *
keyname_print_seq(const struct keyseq *seq, char *buf, size_t len)
{
    struct kbuf b;
    char        one[64];

    kbuf_init(&b);
    for (size_t i = 0; i < seq->n; i++) {
        if (i)
            kbuf_puts(&b, " ");
        kbuf_puts(&b, keyname_print(seq->keys[i], one, sizeof one));
    }
    snprintf(buf, len, "%s", b.data ? b.data : "");
    kbuf_done(&b);
    return buf;
}

int
keyseq_equal(const struct keyseq *a, const struct keyseq *b)
{
    if (a->n != b->n)
        return 0;
    for (size_t i = 0; i < a->n; i++)
        if (a->keys[i] != b->keys[i])
            return 0;
    return 1;
}

int
keyseq_prefix(const struct keyseq *a, const struct keyseq *b)
{
    if (a->n >= b->n)
        return 0;
    for (size_t i = 0; i < a->n; i++)
        if (a->keys[i] != b->keys[i])
            return 0;
    return 1;
}
